//! Unit tests of the layering: defaults, file, environment, flags.

use super::*;

/// One setting as each layer spells it.
struct Case {
    key: &'static str,
    /// The section (`""` for the top level) and the TOML line.
    section: &'static str,
    toml: &'static str,
    /// The environment variable and its value.
    env: (&'static str, &'static str),
    /// Sets the flag in a flag layer.
    flag: fn(&mut Layer),
    /// The value shown for the file, environment and flag layers.
    shown: [&'static str; 3],
    /// The value shown by default.
    default: &'static str,
}

const CASES: &[Case] = &[
    Case {
        key: "actor",
        section: "",
        toml: "actor = \"file-actor\"",
        env: ("XIEZUO_ACTOR", "env-actor"),
        flag: |l| l.actor = Some("flag-actor".into()),
        shown: ["file-actor", "env-actor", "flag-actor"],
        default: "(none: the operating-system user)",
    },
    Case {
        key: "store.db",
        section: "store",
        toml: "db = \"file.db\"",
        env: ("XIEZUO_DB", "env.db"),
        flag: |l| l.store.db = Some("flag.db".into()),
        shown: ["file.db", "env.db", "flag.db"],
        default: "xiezuo.db",
    },
    Case {
        key: "store.key_file",
        section: "store",
        toml: "key_file = \"file.key\"",
        env: ("XIEZUO_KEY_FILE", "env.key"),
        flag: |l| l.store.key_file = Some("flag.key".into()),
        shown: ["file.key", "env.key", "flag.key"],
        default: "(none: <store file>.key beside an embedded store)",
    },
    Case {
        key: "serve.addr",
        section: "serve",
        toml: "addr = \"127.0.0.1:1\"",
        env: ("XIEZUO_ADDR", "127.0.0.1:2"),
        flag: |l| l.serve.addr = Some("127.0.0.1:3".into()),
        shown: ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"],
        default: "127.0.0.1:8080",
    },
    Case {
        key: "serve.map_dir",
        section: "serve",
        toml: "map_dir = \"file-maps\"",
        env: ("XIEZUO_MAP_DIR", "env-maps"),
        flag: |l| l.serve.map_dir = Some("flag-maps".into()),
        shown: ["file-maps", "env-maps", "flag-maps"],
        default: "(none: the built-in base map)",
    },
    Case {
        key: "serve.methods_dir",
        section: "serve",
        toml: "methods_dir = \"file-methods\"",
        env: ("XIEZUO_METHODS_DIR", "env-methods"),
        flag: |l| l.serve.methods_dir = Some("flag-methods".into()),
        shown: ["file-methods", "env-methods", "flag-methods"],
        default: "(none: xz-v1 only)",
    },
    Case {
        key: "serve.log_snapshots",
        section: "serve",
        toml: "log_snapshots = true",
        env: ("XIEZUO_LOG_SNAPSHOTS", "false"),
        flag: |l| l.serve.log_snapshots = Some(true),
        shown: ["true", "false", "true"],
        default: "false",
    },
    Case {
        key: "serve.max_upload_mib",
        section: "serve",
        toml: "max_upload_mib = 100",
        env: ("XIEZUO_MAX_UPLOAD_MIB", "200"),
        flag: |l| l.serve.max_upload_mib = Some(300),
        shown: ["100", "200", "300"],
        default: "256",
    },
];

fn file(text: &str) -> Option<(ConfigFile, &str)> {
    Some((
        ConfigFile {
            path: PathBuf::from("x.toml"),
            named_by: Source::Flag("--config"),
        },
        text,
    ))
}

fn toml_of(c: &Case) -> String {
    if c.section.is_empty() {
        format!("{}\n", c.toml)
    } else {
        format!("[{}]\n{}\n", c.section, c.toml)
    }
}

fn shown(s: &Settings, key: &str) -> (String, Source) {
    s.entries()
        .into_iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, v, src)| (v, src))
        .unwrap()
}

/// For every setting: the default alone, the file over the default, the
/// environment over the file, the flag over the environment, and the flag
/// over the file without the environment.
#[test]
fn each_layer_overrides_the_one_before_for_every_setting() {
    for c in CASES {
        let text = toml_of(c);
        let env: Env = [(c.env.0.to_string(), OsString::from(c.env.1))].into();
        let mut flags = Layer::default();
        (c.flag)(&mut flags);

        let s = Settings::resolve(None, &Env::new(), Layer::default()).unwrap();
        assert_eq!(
            shown(&s, c.key),
            (c.default.to_string(), Source::Default),
            "{}",
            c.key
        );
        let s = Settings::resolve(file(&text), &Env::new(), Layer::default()).unwrap();
        assert_eq!(
            shown(&s, c.key),
            (c.shown[0].to_string(), Source::File),
            "{}",
            c.key
        );
        let s = Settings::resolve(file(&text), &env, Layer::default()).unwrap();
        assert_eq!(
            shown(&s, c.key),
            (c.shown[1].to_string(), Source::Env(c.env.0)),
            "{}",
            c.key
        );
        let s = Settings::resolve(file(&text), &env, flags.clone()).unwrap();
        let (_, Source::Flag(_)) = shown(&s, c.key) else {
            panic!("{}: the flag does not win", c.key)
        };
        assert_eq!(shown(&s, c.key).0, c.shown[2], "{}", c.key);
        let s = Settings::resolve(file(&text), &Env::new(), flags).unwrap();
        assert!(matches!(shown(&s, c.key).1, Source::Flag(_)), "{}", c.key);
        // The other settings keep their defaults.
        for other in CASES.iter().filter(|o| o.key != c.key) {
            assert_eq!(s.source(other.key), Source::Default, "{}", other.key);
        }
    }
}

#[test]
fn resolved_values_reach_the_typed_settings() {
    let text = "actor = \"a\"\n[store]\ndb = \"postgres://u@h/x\"\nkey_file = \"k\"\n\
                [serve]\naddr = \"0.0.0.0:9\"\nmap_dir = \"m\"\nmethods_dir = \"d\"\nlog_snapshots = true\n";
    let s = Settings::resolve(file(text), &Env::new(), Layer::default()).unwrap();
    assert_eq!(s.actor.as_deref(), Some("a"));
    assert_eq!(s.store.db.as_deref(), Some("postgres://u@h/x"));
    assert_eq!(s.store.key_file, Some(PathBuf::from("k")));
    assert_eq!(
        s.serve,
        ServeSettings {
            addr: "0.0.0.0:9".into(),
            map_dir: Some("m".into()),
            methods_dir: Some("d".into()),
            log_snapshots: true,
            ..ServeSettings::default()
        }
    );
    assert_eq!(s.file.map(|f| f.path), Some(PathBuf::from("x.toml")));
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let env: Env = [("XIEZUO_DB".to_string(), OsString::new())].into();
    let s = Settings::resolve(file("[store]\ndb = \"f.db\"\n"), &env, Layer::default()).unwrap();
    assert_eq!(s.store.db.as_deref(), Some("f.db"));
    assert_eq!(s.source("store.db"), Source::File);
}

#[test]
fn an_unknown_key_is_refused_with_file_line_and_key() {
    let e = Settings::resolve(
        file("actor = \"a\"\n[serve]\naddr = \"x\"\ncolour = \"red\"\n"),
        &Env::new(),
        Layer::default(),
    )
    .unwrap_err();
    let SettingsError::Parse {
        path,
        line,
        column,
        key,
        message,
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(path, Path::new("x.toml"));
    assert_eq!((*line, *column), (4, 1));
    assert_eq!(key.as_deref(), Some("serve.colour"));
    assert!(message.contains("unknown field `colour`"), "{message}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(
            "settings file x.toml, line 4, column 1, key serve.colour: unknown field `colour`"
        ),
        "{shown}"
    );
}

#[test]
fn an_unknown_section_and_a_wrong_type_name_their_keys() {
    let e = Settings::resolve(
        file("[srve]\naddr = \"x\"\n"),
        &Env::new(),
        Layer::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("line 1") && e.contains("key srve") && e.contains("unknown field `srve`"),
        "{e}"
    );
    let e = Settings::resolve(file("[serve]\naddr = 5\n"), &Env::new(), Layer::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2") && e.contains("key serve.addr"), "{e}");
    let e = Settings::resolve(file("[serve\n"), &Env::new(), Layer::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("settings file x.toml, line 1"), "{e}");
}

#[test]
fn a_bad_boolean_variable_is_refused() {
    let env: Env = [("XIEZUO_LOG_SNAPSHOTS".to_string(), OsString::from("maybe"))].into();
    let e = Settings::resolve(None, &env, Layer::default()).unwrap_err();
    assert!(e.to_string().contains("XIEZUO_LOG_SNAPSHOTS"), "{e}");
}

/// `--config` names the file, else `XIEZUO_CONFIG`, else there is none.
/// (Reading it, and refusing a missing one, is tested on the binary.)
#[test]
fn the_flag_names_the_file_before_the_variable() {
    let env: Env = [(CONFIG_ENV.to_string(), OsString::from("env.toml"))].into();
    let f = Settings::named_file(Some("flag.toml".into()), &env).unwrap();
    assert_eq!(
        (f.path, f.named_by),
        (PathBuf::from("flag.toml"), Source::Flag("--config"))
    );
    let f = Settings::named_file(None, &env).unwrap();
    assert_eq!(
        (f.path, f.named_by),
        (PathBuf::from("env.toml"), Source::Env(CONFIG_ENV))
    );
    assert_eq!(Settings::named_file(None, &Env::new()), None);
    let empty: Env = [(CONFIG_ENV.to_string(), OsString::new())].into();
    assert_eq!(Settings::named_file(None, &empty), None);
}

#[test]
fn passwords_are_redacted() {
    assert_eq!(
        redact_db("postgres://app:s3cret@db.example:5432/xiezuo"),
        "postgres://app:***@db.example:5432/xiezuo"
    );
    assert_eq!(
        redact_db("postgresql://app@h/x?sslmode=require&password=s3cret&x=1"),
        "postgresql://app@h/x?sslmode=require&password=***&x=1"
    );
    assert_eq!(redact_db("xiezuo.db"), "xiezuo.db");
    let s = Settings::resolve(
        file("[store]\ndb = \"postgres://u:hunter2@h/db\"\n"),
        &Env::new(),
        Layer::default(),
    )
    .unwrap();
    let all: String = s.entries().iter().map(|(_, v, _)| v.clone()).collect();
    assert!(!all.contains("hunter2"), "{all}");
}
