//! `xiezuo config check`: the settings layered from a file, the
//! environment and flags, each shown with its source, secrets redacted.

use std::path::Path;
use std::process::Command;

/// Runs `xiezuo ARGS…` in `dir` with only the given `XIEZUO_*` variables.
fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xiezuo"));
    cmd.current_dir(dir).args(args);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("XIEZUO_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("run xiezuo");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The line of `key` in the output of `config check`.
fn line<'a>(stdout: &'a str, key: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(key))
        .unwrap_or_else(|| panic!("no line for {key} in:\n{stdout}"))
}

#[test]
fn config_check_shows_each_value_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xiezuo.toml"),
        "actor = \"file-actor\"\n\
         [store]\n\
         db = \"postgres://app:hunter2@db.example:5432/xiezuo\"\n\
         key_file = \"/secrets/xiezuo.key\"\n\
         [serve]\n\
         addr = \"0.0.0.0:9000\"\n\
         map_dir = \"maps\"\n",
    )
    .unwrap();
    let (code, out, err) = run(
        dir.path(),
        &[
            ("XIEZUO_CONFIG", "xiezuo.toml"),
            ("XIEZUO_ADDR", "127.0.0.1:9001"),
            ("XIEZUO_ACTOR", "env-actor"),
        ],
        &["--actor", "flag-actor", "config", "check"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("settings file: xiezuo.toml (env XIEZUO_CONFIG)"),
        "{out}"
    );
    // The flag wins over the environment and the file.
    assert!(
        line(&out, "actor").contains("= flag-actor  (flag --actor)"),
        "{out}"
    );
    // The environment wins over the file.
    assert!(
        line(&out, "serve.addr").contains("= 127.0.0.1:9001  (env XIEZUO_ADDR)"),
        "{out}"
    );
    // The file's values where nothing overrides them.
    assert!(
        line(&out, "serve.map_dir").contains("= maps  (file)"),
        "{out}"
    );
    assert!(
        line(&out, "store.key_file").contains("= /secrets/xiezuo.key  (file)"),
        "{out}"
    );
    // Defaults for the rest.
    assert!(
        line(&out, "serve.log_snapshots").contains("= false  (default)"),
        "{out}"
    );
    // The password is redacted everywhere.
    assert!(
        line(&out, "store.db").contains("= postgres://app:***@db.example:5432/xiezuo  (file)"),
        "{out}"
    );
    assert!(
        !out.contains("hunter2") && !err.contains("hunter2"),
        "{out}\n{err}"
    );
    assert!(out.contains("settings are valid"), "{out}");
    // Nothing was created.
    assert!(!dir.path().join("xiezuo.db").exists());
}

#[test]
fn config_check_refuses_an_unknown_key_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[store]\ndb = \"a.db\"\nkeyfile = \"a.key\"\n",
    )
    .unwrap();
    let (code, out, err) = run(
        dir.path(),
        &[],
        &["--config", "bad.toml", "config", "check"],
    );
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains(
            "settings file bad.toml, line 3, column 1, key store.keyfile: unknown field `keyfile`"
        ),
        "{err}"
    );
    // Every command refuses a bad settings file, before touching a store.
    let (code, _, err) = run(dir.path(), &[], &["--config", "bad.toml", "schema"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml"), "{err}");
    assert!(!dir.path().join("a.db").exists());
}

#[test]
fn config_check_refuses_a_missing_file_and_a_bad_store_location() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &[],
        &["--config", "missing.toml", "config", "check"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read settings file missing.toml"),
        "{err}"
    );

    let (code, _, err) = run(
        dir.path(),
        &[("XIEZUO_DB", "mysql://h/db")],
        &["config", "check"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("store.db: unknown store scheme \"mysql\""),
        "{err}"
    );

    let (code, _, err) = run(
        dir.path(),
        &[("XIEZUO_DB", "postgres://app:hunter2@h/db")],
        &["config", "check"],
    );
    assert_eq!(code, 2, "a server store needs a key file");
    assert!(err.contains("store.key_file"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn serve_listens_on_the_resolved_address() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(
        dir.path(),
        &[],
        &["--db", "s.db", "user", "add", "admin", "--role", "admin"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    std::fs::write(dir.path().join("x.toml"), "[serve]\naddr = \"file:addr\"\n").unwrap();
    let serve = ["--config", "x.toml", "--db", "s.db", "serve"];
    let (code, _, err) = run(dir.path(), &[], &serve);
    assert_eq!(code, 2);
    assert!(err.contains("cannot listen on file:addr"), "{err}");
    let (code, _, err) = run(dir.path(), &[("XIEZUO_ADDR", "env:addr")], &serve);
    assert_eq!(code, 2);
    assert!(err.contains("cannot listen on env:addr"), "{err}");
    let with_flag = [&serve[..], &["--addr", "flag:addr"]].concat();
    let (code, _, err) = run(dir.path(), &[("XIEZUO_ADDR", "env:addr")], &with_flag);
    assert_eq!(code, 2);
    assert!(err.contains("cannot listen on flag:addr"), "{err}");
}
