//! Generated datasets against the importer: a clean one imports with no
//! error and assesses; a dirty one reports every row of its manifest.

use crate::support::*;

#[test]
fn a_generated_clean_dataset_imports_without_errors_and_assesses() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let db = TestDb::new(tmp.path(), "g.db");
    let r = xiezuo(
        &db,
        &[
            "generate",
            "--scale",
            "0.003",
            "--seed",
            "11",
            "--out",
            ds.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = xiezuo(&db, &["import", ds.to_str().unwrap()]);
    assert_eq!(
        r.code, 0,
        "a clean generated dataset must import: {}",
        r.stderr
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let mut findings = String::new();
    for year in ["2017", "2018", "2019", "2020"] {
        let out = tmp.path().join(format!("out{year}"));
        let r = xiezuo(
            &db,
            &["assess", "--year", year, "--out", out.to_str().unwrap()],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        findings.push_str(&std::fs::read_to_string(out.join("findings.csv")).unwrap());
    }
    for f in [
        "overlapping_placements",
        "beneficiary_outside",
        "person_outside_area",
        "late_milestone",
        "overdisbursed",
    ] {
        assert!(
            findings.contains(f),
            "the generator's tricky cases produce {f}"
        );
    }
}

#[test]
fn a_generated_dirty_dataset_reports_every_manifest_row_and_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let db = TestDb::new(tmp.path(), "g.db");
    let r = xiezuo(
        &db,
        &[
            "generate",
            "--scale",
            "0.002",
            "--seed",
            "5",
            "--dirty",
            "--out",
            ds.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The manifest sits beside the data; the importer ignores non-dataset names.
    let manifest = std::fs::read_to_string(ds.join("dirty-manifest.csv")).unwrap();
    std::fs::rename(
        ds.join("dirty-manifest.csv"),
        tmp.path().join("manifest.csv"),
    )
    .unwrap();
    let r = xiezuo(&db, &["import", ds.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let mut n = 0;
    for row in manifest.lines().skip(1) {
        let f: Vec<&str> = row.splitn(4, ',').collect();
        let want = format!("{}:{} [{}]", f[0], f[1], f[2]);
        assert!(
            r.stderr.lines().any(|l| l.starts_with(&want)),
            "missing {want} ({}); got:\n{}",
            f[3],
            r.stderr
        );
        n += 1;
    }
    assert!(n >= 17, "every class of error is in the dirty dataset");
    let e = tmp.path().join("e");
    let r = xiezuo(&db, &["export", e.to_str().unwrap()]);
    assert!(r.stdout.contains("exported 0 files"), "{}", r.stdout);
}
