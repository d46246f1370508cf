// Shared by the targets: import one file of a kind chosen by the first
// byte into a fresh in-memory store, and check all-or-nothing.

use xiezuo_engine::import::{ImportOptions, Quiet, import_dir};
use xiezuo_exchange::FileKind;
use xiezuo_store::{BatchInfo, Store};
use xiezuo_store_sqlite::SqliteStore;

pub fn import_one(data: &[u8], ext: &str) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let kind = FileKind::ALL[first as usize % FileKind::ALL.len()];
    let Ok(dir) = tempfile::tempdir() else { return };
    if std::fs::write(dir.path().join(kind.file_name(ext)), body).is_err() {
        return;
    }
    let Ok(mut store) = SqliteStore::open_in_memory() else {
        return;
    };
    let batch = BatchInfo {
        actor: "fuzz".into(),
        at: "2026-01-01T00:00:00Z".into(),
        source: "fuzz".into(),
    };
    let Ok(report) = import_dir(&mut store, dir.path(), &batch, ImportOptions::default(), &Quiet)
    else {
        return;
    };
    let stored: u64 = FileKind::ALL
        .iter()
        .map(|k| store.count(*k).unwrap_or(0))
        .sum();
    if !report.errors.is_empty() {
        assert!(report.batch_id.is_none(), "a failed import committed");
        assert_eq!(stored, 0, "a failed import stored rows");
    }
}
