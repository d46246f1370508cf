//! Import → export → import → export gives byte-identical files; re-import
//! updates rows and audits the change; XLSX round-trips the same values; a
//! backup or a store moved to another backend holds the same store.

use crate::support::*;

#[test]
fn csv_export_round_trips_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        TestDb::new(tmp.path(), "a.db"),
        TestDb::new(tmp.path(), "b.db"),
    );
    assert_eq!(
        xiezuo(
            &a,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    let e1 = tmp.path().join("e1");
    assert_eq!(xiezuo(&a, &["export", e1.to_str().unwrap()]).code, 0);
    assert_eq!(xiezuo(&b, &["import", e1.to_str().unwrap()]).code, 0);
    let e2 = tmp.path().join("e2");
    assert_eq!(xiezuo(&b, &["export", e2.to_str().unwrap()]).code, 0);
    let mut n = 0;
    for f in std::fs::read_dir(&e1).unwrap() {
        let f = f.unwrap();
        assert_eq!(
            std::fs::read(f.path()).unwrap(),
            std::fs::read(e2.join(f.file_name())).unwrap(),
            "{:?}",
            f.file_name()
        );
        n += 1;
    }
    assert_eq!(n, 20);
    // Chinese headers import as well.
    let zh = tmp.path().join("zh");
    assert_eq!(
        xiezuo(&a, &["export", zh.to_str().unwrap(), "--headers", "zh"]).code,
        0
    );
    assert!(
        std::fs::read_to_string(zh.join("persons.csv"))
            .unwrap()
            .starts_with("人员编号,户编号,身份证号")
    );
    let c = TestDb::new(tmp.path(), "c.db");
    let r = xiezuo(&c, &["import", zh.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn xlsx_export_imports_to_the_same_values() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        TestDb::new(tmp.path(), "a.db"),
        TestDb::new(tmp.path(), "b.db"),
    );
    assert_eq!(
        xiezuo(
            &a,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    let x = tmp.path().join("x");
    let r = xiezuo(
        &a,
        &[
            "export",
            x.to_str().unwrap(),
            "--format",
            "xlsx",
            "--headers",
            "zh",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = xiezuo(&b, &["import", x.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (e1, e2) = (tmp.path().join("e1"), tmp.path().join("e2"));
    assert_eq!(xiezuo(&a, &["export", e1.to_str().unwrap()]).code, 0);
    assert_eq!(xiezuo(&b, &["export", e2.to_str().unwrap()]).code, 0);
    for f in std::fs::read_dir(&e1).unwrap() {
        let f = f.unwrap();
        assert_eq!(
            std::fs::read(f.path()).unwrap(),
            std::fs::read(e2.join(f.file_name())).unwrap(),
            "{:?}",
            f.file_name()
        );
    }
}

#[test]
fn reimport_updates_rows_and_audits_old_and_new_values() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "a.db");
    let ds = tmp.path().join("ds");
    copy_dataset(&data_dir().join("dataset"), &ds);
    assert_eq!(xiezuo(&db, &["import", ds.to_str().unwrap()]).code, 0);
    set_field(&ds.join("milestones.csv"), 2, "done_date", "2017-08-20");
    let r = xiezuo(
        &db,
        &["--actor", "auditor-1", "import", ds.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 changed"), "{}", r.stdout);
    // Importing the same again changes nothing.
    let r = xiezuo(&db, &["import", ds.to_str().unwrap()]);
    assert!(r.stdout.contains("0 new, 0 changed"), "{}", r.stdout);
}

#[test]
fn backup_and_restore_give_back_the_same_store() {
    // SQLite only: restore puts a backup file back in place of a store file
    // (a PostgreSQL store is loaded from a backup with migrate-store, below).
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(
        xiezuo(
            &db,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    let before = snapshot(&db, &tmp.path().join("s1"));
    let bak = tmp.path().join("backup.db");
    let r = xiezuo(&db, &["backup", bak.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Backing up over an existing file is refused.
    assert_ne!(xiezuo(&db, &["backup", bak.to_str().unwrap()]).code, 0);
    // Change the store after the backup, then restore.
    let ds = tmp.path().join("ds");
    copy_dataset(&data_dir().join("dataset"), &ds);
    set_field(&ds.join("milestones.csv"), 2, "done_date", "2017-08-20");
    assert_eq!(xiezuo(&db, &["import", ds.to_str().unwrap()]).code, 0);
    assert_ne!(snapshot(&db, &tmp.path().join("s2")), before);
    let r = xiezuo(&db, &["restore", bak.to_str().unwrap()]);
    assert_ne!(
        r.code, 0,
        "an existing store is not replaced without --force"
    );
    let r = xiezuo(&db, &["restore", "--force", bak.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(snapshot(&db, &tmp.path().join("s3")), before);
    assert!(
        tmp.path().join("a.db.before-restore").exists(),
        "the replaced store is kept"
    );
}

/// A re-import that changes one field, so the store has an audit trail.
fn import_with_history<D: DbArgs + ?Sized>(db: &D, tmp: &std::path::Path) {
    let ds = tmp.join("ds");
    copy_dataset(&data_dir().join("dataset"), &ds);
    let r = xiezuo(db, &["import", ds.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    set_field(&ds.join("milestones.csv"), 2, "done_date", "2017-08-20");
    set_field(&ds.join("persons.csv"), 3, "name", "改名");
    let r = xiezuo(
        db,
        &["--actor", "auditor-1", "import", ds.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The assessment, the records, the accounts and the audit trail of a store.
fn everything(db: &dyn Fn(&[&str]) -> Run, tmp: &std::path::Path, tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let dir = tmp.join(format!("assess-{tag}"));
    let r = db(&["assess", "--year", "2020", "--out", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in ["indicators.csv", "scores.csv", "findings.csv"] {
        out.push(std::fs::read_to_string(dir.join(f)).unwrap());
    }
    let dir = tmp.join(format!("export-{tag}"));
    let r = db(&["export", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        out.push(std::fs::read_to_string(f).unwrap());
    }
    for args in [&["user", "list"][..], &["user", "tokens"][..]] {
        let r = db(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        out.push(r.stdout);
    }
    out
}

/// The audit trail as the web platform exports it.
fn audit_export(server: &crate::web::Server, token: &str) -> String {
    let (status, body) = crate::web::raw_request(
        &server.addr,
        "GET",
        "/api/v1/audit/export.csv",
        &format!("Authorization: Bearer {token}\r\n"),
        "",
    );
    assert_eq!(status, 200, "{body}");
    body
}

#[test]
fn migrate_store_moves_everything_and_verifies_it() {
    // From an embedded store to the test backend (PostgreSQL when
    // XIEZUO_TEST_POSTGRES is set, another SQLite file otherwise).
    let tmp = tempfile::tempdir().unwrap();
    let src_path = tmp.path().join("src.db");
    let src = src_path.as_path();
    import_with_history(src, tmp.path());
    let token = crate::web::account_token(src, "tester", &["--role", "admin", "--personal-data"]);
    let dst = TestDb::new(tmp.path(), "dst.db");
    let dst_arg = dst.to_string();
    let r = xiezuo(
        src,
        &[
            "migrate-store",
            "--from",
            src.to_str().unwrap(),
            "--to",
            &dst_arg,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("the new store holds the same counts"),
        "{}",
        r.stdout
    );
    // The personal data moved sealed: the new store opens with the old key.
    std::fs::copy(tmp.path().join("src.db.key"), tmp.path().join("dst.db.key")).unwrap();
    let before = everything(&|a: &[&str]| xiezuo(src, a), tmp.path(), "src");
    let after = everything(&|a: &[&str]| xiezuo(&dst, a), tmp.path(), "dst");
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a, b);
    }
    let (s1, s2) = (
        crate::web::serve_plain(src, &[]),
        crate::web::serve_plain(&dst, &[]),
    );
    let trail = audit_export(&s1, &token);
    assert!(
        trail.contains("auditor-1") && trail.contains("2017-08-20"),
        "{trail}"
    );
    assert_eq!(
        trail,
        audit_export(&s2, &token),
        "the same audit trail, and the token still works"
    );
    drop((s1, s2));
    // A store that holds anything is never a target.
    let r = xiezuo(
        src,
        &[
            "migrate-store",
            "--from",
            src.to_str().unwrap(),
            "--to",
            &dst_arg,
        ],
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not empty"), "{}", r.stderr);
}

#[test]
fn a_backup_of_any_backend_opens_as_the_same_store() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "a.db");
    import_with_history(&db, tmp.path());
    let bak = tmp.path().join("backup.db");
    let r = xiezuo(&db, &["backup", bak.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(xiezuo(&db, &["backup", bak.to_str().unwrap()]).code, 0);
    let key = tmp.path().join("a.db.key");
    let key = key.to_str().unwrap();
    let of_store = everything(&|a: &[&str]| xiezuo(&db, a), tmp.path(), "store");
    let of_backup = everything(
        &|a: &[&str]| {
            let mut args = vec!["--key-file", key];
            args.extend_from_slice(a);
            xiezuo(&bak, &args)
        },
        tmp.path(),
        "backup",
    );
    assert_eq!(of_store, of_backup);
}
