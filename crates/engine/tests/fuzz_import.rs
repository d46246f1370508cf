//! Property-based fuzzing of the importer, CSV and XLSX: whatever bytes a
//! file holds, and however a valid row is damaged (in XLSX also by the cell
//! type: numbers where text belongs, empty cells, odd floats), the import
//! never panics, reports each bad row with a line, and stores all or nothing.

#![allow(clippy::unwrap_used)] // test code: a failed step is a failed test

use proptest::prelude::*;
use std::path::Path;
use xiezuo_engine::import::{Quiet, Source, WritePolicy, ingest};
use xiezuo_exchange::FileKind;
use xiezuo_exchange::writer::{Plain, write_plain_xlsx};
use xiezuo_store::{BatchInfo, Store};
use xiezuo_store_sqlite::SqliteStore;

fn batch() -> BatchInfo {
    BatchInfo {
        actor: "fuzz".into(),
        at: "2026-01-01T00:00:00Z".into(),
        source: "fuzz".into(),
    }
}

fn conformance() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/dataset")
}

/// Imports `files` (name, bytes) into a fresh store; returns (stored rows, errors).
fn import(files: &[(String, Vec<u8>)]) -> (u64, usize, bool) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut store = SqliteStore::open_in_memory().unwrap();
    let report = ingest(
        &mut store,
        Source::Dir(dir.path()),
        &batch(),
        &WritePolicy::everywhere(),
        &Quiet,
    )
    .unwrap();
    let stored: u64 = FileKind::ALL.iter().map(|k| store.count(*k).unwrap()).sum();
    (stored, report.errors.len(), report.batch_id.is_some())
}

proptest! {
    // 48 cases per CI run; PROPTEST_CASES=N for a longer campaign.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        .. ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic_and_store_nothing_when_bad(
        kind in 0usize..FileKind::ALL.len(),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let k = FileKind::ALL[kind];
        let (stored, errors, committed) = import(&[(k.file_name("csv"), bytes)]);
        if errors > 0 {
            prop_assert!(!committed);
            prop_assert_eq!(stored, 0);
        }
    }

    #[test]
    fn a_damaged_row_is_reported_and_nothing_is_stored(
        kind in prop::sample::select(vec!["regions", "pairings", "households", "projects", "funds", "meetings"]),
        line in 2usize..30,
        field in 0usize..12,
        value in prop_oneof![
            Just(String::new()),
            "[0-9]{1,14}",
            "[a-z_:.-]{1,10}",
            "\\PC{0,12}",
            Just("2019-02-30".to_string()),
            Just("-1.005".to_string()),
            Just("\"".to_string()),
        ],
    ) {
        // The regions and pairings a damaged file depends on come along unchanged.
        let deps = ["regions", "organisations", "pairings", "households", "projects"];
        let mut files = Vec::new();
        for d in deps.iter().chain(std::iter::once(&kind)) {
            let name = format!("{d}.csv");
            if files.iter().any(|(n, _): &(String, Vec<u8>)| *n == name) {
                continue;
            }
            let text = std::fs::read_to_string(conformance().join(&name)).unwrap();
            let bytes = if *d == kind {
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                let l = line.min(lines.len() - 1);
                let mut cells: Vec<String> = lines[l].split(',').map(str::to_string).collect();
                let f = field % cells.len();
                cells[f] = value.clone();
                lines[l] = cells.join(",");
                lines.join("\n") + "\n"
            } else {
                text
            };
            files.push((name, bytes.into_bytes()));
        }
        let (stored, errors, committed) = import(&files);
        prop_assert_eq!(committed, errors == 0);
        if errors > 0 {
            prop_assert_eq!(stored, 0, "nothing half-imported");
        } else {
            prop_assert!(stored > 0);
        }
    }

    #[test]
    fn arbitrary_bytes_as_xlsx_never_panic(
        kind in 0usize..FileKind::ALL.len(),
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let k = FileKind::ALL[kind];
        // A zip header first, so the bytes reach past the first check.
        let mut b = b"PK\x03\x04".to_vec();
        b.extend(bytes);
        let (stored, errors, committed) = import(&[(k.file_name("xlsx"), b)]);
        prop_assert!(errors > 0 && !committed && stored == 0);
    }

    #[test]
    fn a_damaged_xlsx_cell_is_reported_and_nothing_is_stored(
        kind in prop::sample::select(vec!["pairings", "households", "projects", "funds", "meetings"]),
        line in 1usize..25,
        field in 0usize..12,
        value in prop_oneof![
            Just(Plain::Empty),
            any::<f64>().prop_map(Plain::Number),
            (-1e6f64..1e6).prop_map(Plain::Number),
            (0u32..100_000).prop_map(|n| Plain::Number(f64::from(n))),
            "\\PC{0,12}".prop_map(Plain::Text),
            "[0-9]{6,12}".prop_map(Plain::Text),
        ],
    ) {
        let deps = ["regions", "organisations", "pairings", "households", "projects"];
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for d in deps.iter().filter(|d| **d != kind) {
            let name = format!("{d}.csv");
            files.push((name.clone(), std::fs::read(conformance().join(&name)).unwrap()));
        }
        // The damaged kind as XLSX: every cell text, one replaced.
        let text = std::fs::read_to_string(conformance().join(format!("{kind}.csv"))).unwrap();
        let mut lines = text.lines();
        let headers: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
        let mut rows: Vec<Vec<Plain>> = lines
            .take(40)
            .map(|l| l.split(',').map(|c| if c.is_empty() { Plain::Empty } else { Plain::Text(c.to_string()) }).collect())
            .collect();
        let l = (line - 1) % rows.len();
        let f = field % rows[l].len();
        rows[l][f] = value;
        let path = dir.path().join(format!("{kind}.xlsx"));
        write_plain_xlsx(&path, kind, &headers, &rows).unwrap();
        files.push((format!("{kind}.xlsx"), std::fs::read(&path).unwrap()));
        let (stored, errors, committed) = import(&files);
        prop_assert_eq!(committed, errors == 0);
        if errors > 0 {
            prop_assert_eq!(stored, 0, "nothing half-imported");
        } else {
            prop_assert!(stored > 0);
        }
    }
}
