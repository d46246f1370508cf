//! What the unit tests of the assessment process share: the repository's
//! test dataset in an in-memory store, and a round frozen on it.

#![allow(clippy::unwrap_used)]
use crate::assess::method::Method;
use crate::import::{Quiet, Source, WritePolicy, ingest};
use crate::round::{self, RoundState};
use xiezuo_store::BatchInfo;
use xiezuo_store_sqlite::SqliteStore;

/// The instant the test steps happen at.
pub const AT: &str = "2021-01-05T10:00:00+08:00";

/// The repository's test dataset (`tests/data/dataset`), imported into an
/// in-memory store.
pub fn dataset_store() -> SqliteStore {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/dataset");
    let mut store = SqliteStore::open_in_memory().unwrap();
    let batch = BatchInfo {
        actor: "test".into(),
        at: AT.into(),
        source: "unit test".into(),
    };
    let report = ingest(
        &mut store,
        Source::Dir(&dir),
        &batch,
        &WritePolicy::everywhere(),
        &Quiet,
    )
    .unwrap();
    assert!(report.errors.is_empty());
    store
}

/// Opens the round of `year`, moves it to self-evaluation and freezes it.
pub fn freeze_round(store: &mut SqliteStore, year: i32, m: &Method) {
    round::open(store, year, &m.id, "nat", "opened", AT).unwrap();
    round::advance(
        store,
        year,
        RoundState::SelfEvaluation,
        "nat",
        "cut-off",
        AT,
    )
    .unwrap();
    round::freeze(store, year, m, "nat", "年度数据截止", AT).unwrap();
}
