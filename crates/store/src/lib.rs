//! The storage boundary: the `Store` trait, named for what the product does
//! with its data (import a batch, look a record up, read a kind for the
//! assessment, show the audit trail), and `StoreError`.
//!
//! Backends (`xiezuo-store-sqlite`, `xiezuo-store-postgres`) implement it;
//! the engine only ever sees this trait. `ddl` generates every backend's
//! SQL schema and row statements from the one schema table, `upsert`
//! decides what an upsert writes, and `copy` moves a whole store from one
//! backend to another. Rows cross the boundary as canonical
//! cells of exchange format v1 (`xiezuo_exchange::Cell`), in schema order.

use xiezuo_domain::Message;
use xiezuo_exchange::{Cell, FileKind};

pub mod accounts;
pub mod copy;
pub mod ddl;
pub mod migrate;
pub mod protect;
pub mod upsert;
pub use accounts::{AccessEvent, Account, AccountStore, ApiToken, NewAccount};

/// Failures of a store. Expected outcomes are variants; everything else is
/// `Backend` with the backend's message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The change conflicts with what is stored (a taken login, a changed
    /// ledger row, a target that is not empty), said as a catalogue message.
    #[error("conflict: {0}")]
    Conflict(Message),
    #[error("the store holds a value it cannot read: {0}")]
    Corrupt(String),
    #[error(
        "the store was written by a newer version (schema {found}, this program knows {known})"
    )]
    TooNew { found: i64, known: i64 },
    #[error("unsupported store location: {0}")]
    BadLocation(String),
    #[error("personal-data key: {0}")]
    Key(String),
    #[error("storage backend: {0}")]
    Backend(String),
}

/// Who imports what, when: one batch of the audit trail.
#[derive(Debug, Clone)]
pub struct BatchInfo {
    pub actor: String,
    /// RFC 3339 time stamp, given by the caller (time is a parameter).
    pub at: String,
    /// What was imported (a directory, an upload name).
    pub source: String,
}

/// A batch as stored.
#[derive(Debug, Clone)]
pub struct Batch {
    pub id: i64,
    pub actor: String,
    pub at: String,
    pub source: String,
    /// Per file kind: rows inserted, updated, unchanged.
    pub counts: String,
}

/// A stored row: its dense row id, the batch that last wrote it, its cells.
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub rowid: i64,
    pub batch_id: i64,
    pub cells: Vec<Cell>,
}

/// The facts of a household that the assessment reads in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub rowid: i64,
    /// The village's 12-digit code.
    pub village: u64,
    pub identified_year: i32,
    pub exit_year: Option<i32>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Inserted(i64),
    /// The row existed and `changed` of its cells were changed (and audited).
    Updated {
        rowid: i64,
        changed: usize,
    },
    Unchanged(i64),
    /// Nothing was written: a unique value of the row (its key, or the
    /// column `column` such as `id_number`) is held by row `rowid`, which
    /// this import already wrote (`column` is None for the key) or which
    /// another row holds.
    Duplicate {
        column: Option<usize>,
        rowid: i64,
    },
}

impl Upsert {
    /// The row id written, if any.
    pub fn rowid(self) -> Option<i64> {
        match self {
            Upsert::Inserted(r) | Upsert::Unchanged(r) | Upsert::Updated { rowid: r, .. } => {
                Some(r)
            }
            Upsert::Duplicate { .. } => None,
        }
    }
}

/// One old → new change of one field of one row.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub batch_id: i64,
    pub actor: String,
    pub at: String,
    pub kind: String,
    pub key: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The reference columns a backend keeps as dense row ids beside the text
/// id, so the assessment can follow them without text look-ups:
/// (column position, referenced kind).
pub fn dense_refs(kind: FileKind) -> &'static [(usize, FileKind)] {
    match kind {
        FileKind::Persons => &[(1, FileKind::Households)],
        FileKind::HouseholdIncome => &[(0, FileKind::Households)],
        FileKind::Beneficiaries => &[(1, FileKind::Households)],
        FileKind::Placements => &[(1, FileKind::Persons)],
        FileKind::TrainingAttendance => &[(1, FileKind::Persons)],
        FileKind::Seekers => &[(0, FileKind::Persons)],
        _ => &[],
    }
}

/// A visitor of stored rows: the row and its dense reference ids.
pub type RowVisitor<'a> = dyn FnMut(&StoredRow, &[Option<i64>]) -> Result<(), StoreError> + 'a;

/// An open import: everything written through it is stored on `commit` and
/// nothing at all if it is dropped.
pub trait ImportTx {
    /// Looks up a row by its key cells (sees this import's own writes).
    fn get(&mut self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError>;
    /// True when the store held no row of `kind` when this import began
    /// (look-ups of earlier rows can then be skipped).
    fn was_empty(&self, kind: FileKind) -> bool;
    /// The person holding an identity number, if any: (rowid, person_id).
    fn person_by_id_number(&mut self, id_number: &str)
    -> Result<Option<(i64, String)>, StoreError>;
    /// The sum (in fen, negative) of the stored reversals of a ledger row.
    fn reversed_total(&mut self, txn_id: &str) -> Result<i64, StoreError>;
    /// Inserts a row, or updates the row with the same key and audits every
    /// changed cell. `refs` are the dense ids of `dense_refs(kind)`.
    /// `written` tells whether an existing row was already written by this
    /// import: such a row is not overwritten, the outcome is `Duplicate`.
    fn upsert(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
        written: &dyn Fn(i64) -> bool,
    ) -> Result<Upsert, StoreError>;
    /// Says which rows of `kind` come next (their full cells, as they would
    /// be upserted), so that a backend with a round trip per look-up can
    /// read the stored rows with those keys and unique values in bulk.
    /// Outcomes are the same with or without it; only the key and unique
    /// columns are read.
    fn prefetch(&mut self, kind: FileKind, rows: &[&[Cell]]) -> Result<(), StoreError> {
        let _ = (kind, rows);
        Ok(())
    }
    /// Records the batch's per-kind counts and makes everything durable.
    fn commit(self: Box<Self>, counts: &str) -> Result<i64, StoreError>;
}

/// A store of cooperation data (the registry and the records), with its
/// audit trail.
pub trait Store: AccountStore + Send {
    /// Opens an import batch; at most one at a time.
    fn begin_import(&mut self, batch: &BatchInfo) -> Result<Box<dyn ImportTx + '_>, StoreError>;
    /// Rows of a kind.
    fn count(&self, kind: FileKind) -> Result<u64, StoreError>;
    /// Looks up a row by its key cells.
    fn get(&self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError>;
    /// Visits every row of a kind in row-id order (the order rows were first
    /// stored); `refs` holds the dense ids of `dense_refs(kind)`.
    fn scan(&self, kind: FileKind, visit: &mut RowVisitor<'_>) -> Result<(), StoreError>;
    /// For every person row id (the index), the row id of its household
    /// (0 where there is no person): the registry's one large column, read
    /// in bulk.
    fn person_households(&self) -> Result<Vec<u32>, StoreError>;
    /// What the assessment needs of every registered household, in bulk.
    fn household_facts(&self) -> Result<Vec<HouseholdFacts>, StoreError>;
    /// Households whose village code lies in `lo..=hi` (a region's code
    /// range), in row-id order, one page: (total, rows).
    fn households_in(
        &self,
        lo: u64,
        hi: u64,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<StoredRow>), StoreError>;
    /// The members of a household (by its row id).
    fn members_of(&self, household_rowid: i64) -> Result<Vec<StoredRow>, StoreError>;
    /// The members of each of several households (by row id), in the same
    /// order: a page of households in one read where a round trip counts.
    fn members_of_households(
        &self,
        household_rowids: &[i64],
    ) -> Result<Vec<Vec<StoredRow>>, StoreError> {
        household_rowids
            .iter()
            .map(|&h| self.members_of(h))
            .collect()
    }
    /// Ledger rows naming a project.
    fn funds_of_project(&self, project_id: &str) -> Result<Vec<StoredRow>, StoreError>;
    /// Writes a consistent copy of the whole store to `path` while it stays
    /// in use (an online backup). The file must not exist.
    fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError>;
    /// Every import batch, oldest first.
    fn batches(&self) -> Result<Vec<Batch>, StoreError>;
    /// The audit trail of one row (by its key as text, `a/b` for pairs).
    fn audit_of(&self, kind: FileKind, key: &str) -> Result<Vec<AuditEntry>, StoreError>;
    /// Visits the whole audit trail of record changes, oldest first.
    fn audit_trail(
        &self,
        visit: &mut dyn FnMut(&AuditEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Starts a consistent read on this connection: until `end_read`, its
    /// reads see the store as of the first of them, whatever other
    /// connections commit meanwhile. Meant for a connection that only reads
    /// (a server's snapshot builder); use it through `read_consistent`. A
    /// backend without such reads reads as usual.
    fn begin_read(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Ends the consistent read started by `begin_read`.
    fn end_read(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Runs `f` on one consistent view of `store` (see `Store::begin_read`).
pub fn read_consistent<T>(
    store: &dyn Store,
    f: impl FnOnce(&dyn Store) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    store.begin_read()?;
    let r = f(store);
    let end = store.end_read();
    let v = r?;
    end?;
    Ok(v)
}

/// Refuses a backup into a file that exists already.
pub fn check_backup_target(path: &std::path::Path) -> Result<(), StoreError> {
    if path.exists() {
        return Err(StoreError::Conflict(
            Message::new("store.file_exists").with("path", path.display().to_string()),
        ));
    }
    Ok(())
}

/// The registry's person → household column (`Store::person_households`),
/// filled from (person row id, household row id) pairs as a backend reads
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonHouseholds(Vec<u32>);

impl PersonHouseholds {
    /// A column for person row ids up to `max_person`, all 0 (no person).
    pub fn new(max_person: i64) -> PersonHouseholds {
        PersonHouseholds(vec![0; usize::try_from(max_person).unwrap_or(0) + 1])
    }

    /// Records the household of a person; a person row id out of range is
    /// passed over, and a person without a household stays 0.
    pub fn set(&mut self, person: i64, household: Option<i64>) -> Result<(), StoreError> {
        let slot = usize::try_from(person).ok().and_then(|i| self.0.get_mut(i));
        if let (Some(slot), Some(hh)) = (slot, household) {
            *slot =
                u32::try_from(hh).map_err(|_| StoreError::Corrupt("household row id".into()))?;
        }
        Ok(())
    }

    /// The column, indexed by person row id.
    pub fn into_column(self) -> Vec<u32> {
        self.0
    }
}

/// The key of a row as text: key cells joined by `/`.
pub fn key_text(kind: FileKind, cells: &[Cell]) -> String {
    let cols = kind.columns();
    kind.key()
        .iter()
        .map(|&i| xiezuo_exchange::cell::format_cell(&cols[i], &cells[i]))
        .collect::<Vec<_>>()
        .join("/")
}

/// The key cells of a full row.
pub fn key_cells(kind: FileKind, cells: &[Cell]) -> Vec<Cell> {
    kind.key().iter().map(|&i| cells[i].clone()).collect()
}
