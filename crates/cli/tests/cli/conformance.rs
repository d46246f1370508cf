//! The public conformance dataset reproduces the expected assessment exactly.

use crate::support::*;

#[test]
fn conformance_dataset_reproduces_expected_2019_and_2020() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "c.db");
    let r = xiezuo(
        &db,
        &["import", data_dir().join("dataset").to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "import failed: {}", r.stderr);
    for year in ["2019", "2020"] {
        let out = tmp.path().join(format!("out{year}"));
        let r = xiezuo(
            &db,
            &["assess", "--year", year, "--out", out.to_str().unwrap()],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.contains("east side"),
            "prints a ranking: {}",
            r.stdout
        );
        let diffs = compare_outputs(&data_dir().join("expected").join(year), &out);
        assert!(
            diffs.is_empty(),
            "{year}: {} differences:\n{}",
            diffs.len(),
            diffs.join("\n")
        );
    }
}

#[test]
fn the_comparison_itself_catches_a_difference() {
    // Guard against a comparison that cannot fail.
    let tmp = tempfile::tempdir().unwrap();
    let exp = data_dir().join("expected/2019");
    let act = tmp.path().join("act");
    copy_dataset(&exp, &act);
    assert!(compare_outputs(&exp, &act).is_empty());
    set_field(&act.join("scores.csv"), 2, "total", "12.00");
    set_field(&act.join("indicators.csv"), 10, "value", "0.5");
    let d = compare_outputs(&exp, &act);
    assert_eq!(d.len(), 2, "{d:?}");
}

#[test]
fn explain_lists_the_records_behind_a_number() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "c.db");
    assert_eq!(
        xiezuo(
            &db,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    let r = xiezuo(
        &db,
        &[
            "explain",
            "--pairing",
            "CNTY-310102-530122",
            "--year",
            "2019",
            "--indicator",
            "milestones_due",
            "--format",
            "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 16 milestones are due (expected/2019/indicators.csv), one line each plus the header.
    assert_eq!(r.stdout.lines().count(), 17, "{}", r.stdout);
    let r = xiezuo(
        &db,
        &[
            "explain",
            "--pairing",
            "CNTY-310102-530122",
            "--year",
            "2019",
            "--finding",
            "late_milestone",
        ],
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("XM2019-000223/4") && r.stdout.contains("XM2019-000250/1"),
        "{}",
        r.stdout
    );
    let r = xiezuo(
        &db,
        &[
            "explain",
            "--pairing",
            "NO-SUCH",
            "--year",
            "2019",
            "--indicator",
            "poor_employed",
        ],
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("unknown pairing"));
}

#[test]
fn a_second_method_file_changes_weights_without_rebuilding() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "c.db");
    assert_eq!(
        xiezuo(
            &db,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    let v1 = std::fs::read_to_string(data_dir().join("../../methods/xz-v1.toml")).unwrap();
    // Everyone is good under a method whose top band starts at 0.
    let lenient = v1
        .replace("id = \"xz-v1\"", "id = \"lenient\"")
        .replace("min = 90", "min = 0");
    let m = tmp.path().join("lenient.toml");
    std::fs::write(&m, lenient).unwrap();
    let out = tmp.path().join("out");
    let r = xiezuo(
        &db,
        &[
            "assess",
            "--year",
            "2019",
            "--method",
            m.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let scores = std::fs::read_to_string(out.join("scores.csv")).unwrap();
    assert!(
        scores.lines().skip(1).all(|l| l.ends_with(",good")),
        "{scores}"
    );
    // A method naming an unknown indicator is an error.
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, v1.replace("\"purchases\"", "\"purchase_total\"")).unwrap();
    let r = xiezuo(
        &db,
        &[
            "assess",
            "--year",
            "2019",
            "--method",
            bad.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("unknown indicator \"purchase_total\""),
        "{}",
        r.stderr
    );
}
