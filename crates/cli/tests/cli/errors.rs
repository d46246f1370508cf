//! One test per class of bad input: the error names file, line and column,
//! the exit status is non-zero, and the store is unchanged afterwards.

use crate::support::*;
use std::path::Path;

enum Edit {
    Set {
        file: &'static str,
        line: usize,
        column: &'static str,
        value: &'static str,
    },
    Append {
        file: &'static str,
        text: &'static str,
    },
    AppendCopyOf {
        file: &'static str,
        line: usize,
    },
    Header {
        file: &'static str,
        from: &'static str,
        to: &'static str,
    },
    NewFile {
        name: &'static str,
        text: &'static str,
    },
}

struct Case {
    name: &'static str,
    edit: Edit,
    /// Expected `file:line [column]` prefix (line 0 = appended last line).
    file: &'static str,
    line: usize,
    column: &'static str,
    reason: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "check digit",
        edit: Edit::Set {
            file: "persons.csv",
            line: 2,
            column: "id_number",
            value: "450121196001184270",
        },
        file: "persons.csv",
        line: 2,
        column: "id_number",
        reason: "bad GB 11643 check digit",
    },
    Case {
        name: "birth date vs id number",
        edit: Edit::Set {
            file: "persons.csv",
            line: 2,
            column: "birth_date",
            value: "1960-01-19",
        },
        file: "persons.csv",
        line: 2,
        column: "birth_date",
        reason: "birth date differs",
    },
    Case {
        name: "sex vs id number",
        edit: Edit::Set {
            file: "persons.csv",
            line: 2,
            column: "sex",
            value: "F",
        },
        file: "persons.csv",
        line: 2,
        column: "sex",
        reason: "sex differs",
    },
    Case {
        name: "missing required cell",
        edit: Edit::Set {
            file: "persons.csv",
            line: 3,
            column: "name",
            value: "",
        },
        file: "persons.csv",
        line: 3,
        column: "name",
        reason: "required",
    },
    Case {
        name: "bad enum",
        edit: Edit::Set {
            file: "persons.csv",
            line: 2,
            column: "labor",
            value: "strong",
        },
        file: "persons.csv",
        line: 2,
        column: "labor",
        reason: "unknown value (expected full|weak|none)",
    },
    Case {
        name: "malformed region code",
        edit: Edit::Set {
            file: "households.csv",
            line: 2,
            column: "village",
            value: "45012110120",
        },
        file: "households.csv",
        line: 2,
        column: "village",
        reason: "malformed region code",
    },
    Case {
        name: "household village not a village",
        edit: Edit::Set {
            file: "households.csv",
            line: 2,
            column: "village",
            value: "450121101000",
        },
        file: "households.csv",
        line: 2,
        column: "village",
        reason: "not a village",
    },
    Case {
        name: "region level implied by code",
        edit: Edit::Set {
            file: "regions.csv",
            line: 3,
            column: "level",
            value: "county",
        },
        file: "regions.csv",
        line: 3,
        column: "level",
        reason: "is of level prefecture",
    },
    Case {
        name: "invalid date",
        edit: Edit::Set {
            file: "milestones.csv",
            line: 2,
            column: "due_date",
            value: "2017-02-30",
        },
        file: "milestones.csv",
        line: 2,
        column: "due_date",
        reason: "invalid date 2017-02-30",
    },
    Case {
        name: "date form",
        edit: Edit::Set {
            file: "milestones.csv",
            line: 2,
            column: "done_date",
            value: "2017/08/09",
        },
        file: "milestones.csv",
        line: 2,
        column: "done_date",
        reason: "date not in YYYY-MM-DD form",
    },
    Case {
        name: "money precision",
        edit: Edit::Set {
            file: "purchases.csv",
            line: 2,
            column: "amount",
            value: "975816.391",
        },
        file: "purchases.csv",
        line: 2,
        column: "amount",
        reason: "more than 2 fractional digits",
    },
    Case {
        name: "negative without reverses",
        edit: Edit::Append {
            file: "funds.csv",
            text: "TX-NEG,2019-05-01,PROV-44-45,,fiscal,commitment,-5,",
        },
        file: "funds.csv",
        line: 0,
        column: "amount",
        reason: "negative amount without reverses",
    },
    Case {
        name: "unknown reverses",
        edit: Edit::Append {
            file: "funds.csv",
            text: "TX-REV,2019-05-01,PROV-44-45,,fiscal,commitment,-5,TX-NO-SUCH",
        },
        file: "funds.csv",
        line: 0,
        column: "reverses",
        reason: "unknown txn_id in reverses TX-NO-SUCH",
    },
    Case {
        name: "reversal exceeding its original",
        edit: Edit::Append {
            file: "funds.csv",
            text: "TX-REV2,2019-05-01,CNTY-310183-530123,,fiscal,commitment,-99999999,TX00000025",
        },
        file: "funds.csv",
        line: 0,
        column: "amount",
        reason: "would exceed its amount",
    },
    Case {
        name: "ledger row changed on re-import",
        edit: Edit::Set {
            file: "funds.csv",
            line: 2,
            column: "amount",
            value: "1363001",
        },
        file: "funds.csv",
        line: 2,
        column: "txn_id",
        reason: "already in the ledger",
    },
    Case {
        name: "not a boolean",
        edit: Edit::Set {
            file: "meetings.csv",
            line: 2,
            column: "top_leader",
            value: "maybe",
        },
        file: "meetings.csv",
        line: 2,
        column: "top_leader",
        reason: "not a boolean",
    },
    Case {
        name: "end before start",
        edit: Edit::Set {
            file: "placements.csv",
            line: 2,
            column: "end_date",
            value: "2017-01-01",
        },
        file: "placements.csv",
        line: 2,
        column: "end_date",
        reason: "end_date before start_date",
    },
    Case {
        name: "unknown person",
        edit: Edit::Set {
            file: "placements.csv",
            line: 2,
            column: "person_id",
            value: "P999",
        },
        file: "placements.csv",
        line: 2,
        column: "person_id",
        reason: "unknown person_id P999",
    },
    Case {
        name: "unknown pairing",
        edit: Edit::Set {
            file: "projects.csv",
            line: 2,
            column: "pairing_id",
            value: "NOPE",
        },
        file: "projects.csv",
        line: 2,
        column: "pairing_id",
        reason: "unknown pairing_id NOPE",
    },
    Case {
        name: "duplicate id",
        edit: Edit::AppendCopyOf {
            file: "households.csv",
            line: 2,
        },
        file: "households.csv",
        line: 0,
        column: "household_id",
        reason: "duplicate id H00000001 (same as line 2)",
    },
    Case {
        name: "duplicate id number",
        edit: Edit::Append {
            file: "persons.csv",
            text: "P999999990,H00000001,450121196001184277,某某,M,1960-01-18,full",
        },
        file: "persons.csv",
        line: 0,
        column: "id_number",
        reason: "duplicate id_number (same as line 2",
    },
    Case {
        name: "unknown column",
        edit: Edit::Header {
            file: "meetings.csv",
            from: "top_leader",
            to: "top_leaderx",
        },
        file: "meetings.csv",
        line: 1,
        column: "top_leaderx",
        reason: "unknown column",
    },
    Case {
        name: "unknown file kind",
        edit: Edit::NewFile {
            name: "person.csv",
            text: "person_id\nP1\n",
        },
        file: "person.csv",
        line: 0,
        column: "",
        reason: "unknown file kind",
    },
];

fn apply(dir: &Path, e: &Edit) -> usize {
    match e {
        Edit::Set {
            file,
            line,
            column,
            value,
        } => {
            set_field(&dir.join(file), *line, column, value);
            *line
        }
        Edit::Append { file, text } => {
            append_line(&dir.join(file), text);
            std::fs::read_to_string(dir.join(file))
                .unwrap()
                .lines()
                .count()
        }
        Edit::AppendCopyOf { file, line } => {
            let l = line_of(&dir.join(file), *line);
            append_line(&dir.join(file), &l);
            std::fs::read_to_string(dir.join(file))
                .unwrap()
                .lines()
                .count()
        }
        Edit::Header { file, from, to } => {
            let p = dir.join(file);
            let text = std::fs::read_to_string(&p).unwrap();
            let (h, rest) = text.split_once('\n').unwrap();
            std::fs::write(&p, format!("{}\n{rest}", h.replace(from, to))).unwrap();
            1
        }
        Edit::NewFile { name, text } => {
            std::fs::write(dir.join(name), text).unwrap();
            0
        }
    }
}

#[test]
fn every_class_of_bad_input_is_reported_where_it_is_and_nothing_is_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    let base = data_dir().join("dataset");
    assert_eq!(xiezuo(&db, &["import", base.to_str().unwrap()]).code, 0);
    let before = snapshot(&db, &tmp.path().join("snap"));
    let batches_before = before.len();
    for (n, case) in CASES.iter().enumerate() {
        let dir = tmp.path().join(format!("case{n}"));
        copy_dataset(&base, &dir);
        let appended = apply(&dir, &case.edit);
        let line = if case.line == 0 { appended } else { case.line };
        let r = xiezuo(&db, &["import", dir.to_str().unwrap()]);
        assert_eq!(
            r.code, 1,
            "{}: exit status; stderr: {}",
            case.name, r.stderr
        );
        let want = if case.column.is_empty() {
            format!("{}:{line}: ", case.file)
        } else {
            format!("{}:{line} [{}]: ", case.file, case.column)
        };
        let hit = r
            .stderr
            .lines()
            .any(|l| l.starts_with(&want) && l.contains(case.reason));
        assert!(
            hit,
            "{}: expected a line starting {want:?} with {:?}; got:\n{}",
            case.name, case.reason, r.stderr
        );
        assert!(
            r.stdout.contains("nothing was stored"),
            "{}: {}",
            case.name,
            r.stdout
        );
    }
    let after = snapshot(&db, &tmp.path().join("snap"));
    assert_eq!(before, after, "the store changed");
    assert_eq!(batches_before, after.len());
}

#[test]
fn a_row_reports_every_error_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    let dir = tmp.path().join("d");
    copy_dataset(&data_dir().join("dataset"), &dir);
    // A bad date and an unknown pairing on one line; an unknown project and
    // a bad date on a milestone.
    set_field(&dir.join("meetings.csv"), 2, "date", "2019-02-30");
    set_field(
        &dir.join("meetings.csv"),
        2,
        "pairing_id",
        "NO-SUCH-PAIRING",
    );
    set_field(&dir.join("milestones.csv"), 2, "due_date", "2019-13-01");
    set_field(
        &dir.join("milestones.csv"),
        2,
        "project_id",
        "NO-SUCH-PROJECT",
    );
    let r = xiezuo(&db, &["import", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for want in [
        "meetings.csv:2 [date]: ",
        "meetings.csv:2 [pairing_id]: unknown pairing_id NO-SUCH-PAIRING",
        "milestones.csv:2 [due_date]: ",
        "milestones.csv:2 [project_id]: unknown project_id NO-SUCH-PROJECT",
    ] {
        assert!(
            r.stderr.lines().any(|l| l.starts_with(want)),
            "missing {want}; got:\n{}",
            r.stderr
        );
    }
}

#[test]
fn the_dirty_dataset_reports_every_manifest_row_and_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "d.db");
    let r = xiezuo(&db, &["import", data_dir().join("dirty").to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let manifest = std::fs::read_to_string(data_dir().join("dirty-manifest.csv")).unwrap();
    for row in manifest.lines().skip(1) {
        let f: Vec<&str> = row.splitn(4, ',').collect();
        let want = format!("{}:{} [{}]", f[0], f[1], f[2]);
        assert!(
            r.stderr.lines().any(|l| l.starts_with(&want)),
            "missing {want}; got:\n{}",
            r.stderr
        );
    }
    let r = xiezuo(&db, &["export", tmp.path().join("e").to_str().unwrap()]);
    assert!(r.stdout.contains("exported 0 files"), "{}", r.stdout);
}

#[test]
fn skip_invalid_stores_the_good_rows_and_writes_rejects() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "d.db");
    let rejects = tmp.path().join("rejects.csv");
    let r = xiezuo(
        &db,
        &[
            "import",
            "--skip-invalid",
            "--rejects",
            rejects.to_str().unwrap(),
            data_dir().join("dirty").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("stored as batch 1"), "{}", r.stdout);
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert!(text.starts_with("file,line,column,reason,raw"));
    // The household with a malformed village is rejected, and so are its members.
    assert!(text.contains("households.csv,2198,village"), "{text}");
    assert!(
        text.contains("depends on rejected row households.csv:2198"),
        "{text}"
    );
    let e = tmp.path().join("e");
    assert_eq!(xiezuo(&db, &["export", e.to_str().unwrap()]).code, 0);
    let persons = std::fs::read_to_string(e.join("persons.csv")).unwrap();
    assert_eq!(
        persons.lines().count(),
        10154 - 3 - 3,
        "three bad persons and three members of the bad household"
    );
}

#[test]
fn unknown_store_scheme_is_an_error_and_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .current_dir(tmp.path())
        .args(["--db", "mysql://localhost/x", "export", "e"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown store scheme"));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// Runs `xiezuo --db STORE ARGS…` in `dir`, without any store settings
/// from the environment.
fn xiezuo_in(dir: &Path, store: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .current_dir(dir)
        .env_remove("XIEZUO_DB")
        .env_remove("XIEZUO_KEY_FILE")
        .env("XIEZUO_ACTOR", "test-runner")
        .arg("--db")
        .arg(store)
        .args(args)
        .output()
        .expect("run xiezuo");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn reading_commands_on_a_missing_store_fail_and_create_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = dir.join("missing.db");
    let reads: &[&[&str]] = &[
        &["export", "out"],
        &["assess", "--year", "2024", "--out", "out"],
        &[
            "explain",
            "--pairing",
            "P",
            "--year",
            "2024",
            "--indicator",
            "poor_employed",
        ],
        &["serve", "--addr", "127.0.0.1:0"],
        &["station", "--date", "2024-06-30"],
        &["match", "--date", "2024-06-30", "--out", "out"],
        &["backup", "copy.db"],
        &["user", "list"],
        &["user", "tokens"],
        &["user", "disable", "someone"],
        &["user", "token", "someone"],
    ];
    for args in reads {
        let (code, stderr) = xiezuo_in(dir, &store, args);
        assert!(code.is_some_and(|c| c != 0), "{args:?}: exit {code:?}");
        assert!(
            stderr.contains(&format!("store {} does not exist", store.display())),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("xiezuo import DIR") && stderr.contains("xiezuo demo"),
            "{args:?} should say how to create a store: {stderr}"
        );
        assert!(!store.exists(), "{args:?} created the store");
        assert!(
            !dir.join("missing.db.key").exists(),
            "{args:?} created the key file"
        );
        let left: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
    // A key file given explicitly is not created either.
    let key = dir.join("given.key");
    let (code, _) = xiezuo_in(
        dir,
        &store,
        &["--key-file", key.to_str().unwrap(), "export", "out"],
    );
    assert_ne!(code, Some(0));
    assert!(!key.exists() && !store.exists());
}

#[test]
fn writing_commands_create_a_missing_store() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("new.db");
    let (code, stderr) = xiezuo_in(
        tmp.path(),
        &store,
        &["user", "add", "admin", "--role", "admin"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(store.exists() && tmp.path().join("new.db.key").exists());
    // Once it exists, reading commands use it.
    let (code, stderr) = xiezuo_in(tmp.path(), &store, &["user", "list"]);
    assert_eq!(code, Some(0), "{stderr}");
}
