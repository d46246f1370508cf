//! Import → export → import → export gives byte-identical files; re-import
//! updates rows and audits the change; XLSX round-trips the same values.

use crate::support::*;

#[test]
fn csv_export_round_trips_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
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
    let c = tmp.path().join("c.db");
    let r = xiezuo(&c, &["import", zh.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn xlsx_export_imports_to_the_same_values() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
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
    let db = tmp.path().join("a.db");
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
