//! The cross-check sample through the real binary: refused for a round
//! that is not frozen, byte-identical files for the same seed, another
//! sample for another seed, the assessment's minimum of villages per county,
//! and the seed and digest recorded in the round.

use crate::support::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn sample(db: &TestDb, seed: &str, out: &Path) -> Run {
    xiezuo(
        db,
        &[
            "sample",
            "--year",
            "2020",
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

#[test]
fn a_frozen_year_is_sampled_reproducibly_and_the_round_records_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    let dataset = data_dir().join("dataset");
    let r = xiezuo(&db, &["import", dataset.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let a = tmp.path().join("a");

    // No round, then a round that is not frozen: refused, nothing written.
    let r = sample(&db, "42", &a);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("there is no assessment round for 2020"),
        "{}",
        r.stderr
    );
    assert_eq!(xiezuo(&db, &["round", "open", "--year", "2020"]).code, 0);
    let r = sample(&db, "42", &a);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("is not frozen"), "{}", r.stderr);
    assert!(!a.exists());

    let r = xiezuo(&db, &["freeze", "--year", "2020", "--reason", "截止"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = sample(&db, "42", &a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("sha256 of sample.csv"), "{}", r.stdout);
    let b = tmp.path().join("b");
    assert_eq!(sample(&db, "42", &b).code, 0);
    let c = tmp.path().join("c");
    assert_eq!(sample(&db, "43", &c).code, 0);
    for f in ["sample.csv", "teams.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let text = std::fs::read_to_string(a.join("sample.csv")).unwrap();
    assert_ne!(text, std::fs::read_to_string(c.join("sample.csv")).unwrap());
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("year,seed,pairing_id,county,record_kind,record_id,stratum,result,note")
    );

    // Every county of a pairing's helped side: min(5, its villages) villages.
    let regions = std::fs::read_to_string(dataset.join("regions.csv")).unwrap();
    let mut villages_of: BTreeMap<String, usize> = BTreeMap::new();
    for l in regions.lines().skip(1) {
        let cells: Vec<&str> = l.split(',').collect();
        if cells[2] == "village" {
            *villages_of
                .entry(format!("{}000000", &cells[0][..6]))
                .or_default() += 1;
        }
    }
    let mut drawn: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        assert_eq!(cells[..2], ["2020", "42"]);
        assert_eq!(cells[7], "", "the result is the team's to fill in");
        if cells[4] == "village" {
            drawn
                .entry((cells[2].to_string(), cells[3].to_string()))
                .or_default()
                .insert(cells[5].to_string());
        }
    }
    for county in ["450122000000", "530221000000"] {
        let (key, got) = drawn
            .iter()
            .find(|((p, c), _)| p.starts_with("CNTY-") && c == county)
            .unwrap();
        assert_eq!(got.len(), villages_of[county].min(5), "{key:?}");
    }
    // A province-level pairing: every county of the helped province.
    let counties: BTreeSet<&String> = drawn
        .keys()
        .filter(|(p, _)| p == "PROV-44-45")
        .map(|(_, c)| c)
        .collect();
    let guangxi: BTreeSet<&String> = villages_of.keys().filter(|c| c.starts_with("45")).collect();
    assert_eq!(counties, guangxi);
    for ((p, c), v) in &drawn {
        if p.starts_with("VILL-") {
            // A village-level pairing's helped area is its one village.
            assert_eq!(v.len(), 1, "{p} {c}");
        } else if !p.starts_with("ORGO-") {
            assert_eq!(v.len(), villages_of[c].min(5), "{p} {c}");
        }
    }

    // Teams: never the pairing's own provinces.
    let teams = std::fs::read_to_string(a.join("teams.csv")).unwrap();
    for l in teams.lines().skip(1) {
        let cells: Vec<&str> = l.split(',').collect();
        assert!(!cells[1].is_empty(), "{l}");
        assert_ne!(cells[1], cells[3], "{l}");
        assert_ne!(cells[1], cells[4], "{l}");
    }

    // The round shows the seeds and the digest.
    let r = xiezuo(&db, &["round", "show", "--year", "2020"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("seed 42"), "{}", r.stdout);
    assert!(r.stdout.contains("seed 43"), "{}", r.stdout);
    assert_eq!(r.stdout.matches("sample ").count(), 3, "{}", r.stdout);

    let r = xiezuo(&db, &["--help"]);
    assert!(r.stdout.contains("sample"), "{}", r.stdout);
}
