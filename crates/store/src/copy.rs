//! Moving a whole store into another one, of any backend: every kind's rows
//! with their row ids, batch ids and dense references, the batches, the
//! audit trail, accounts, tokens, the access log and the settings. Rows
//! cross as stored cells, so sealed personal data moves as it is and no key
//! is needed. This is how a store moves from SQLite to PostgreSQL, and how
//! PostgreSQL writes a backup into a SQLite file.

use crate::{AccessEvent, Account, Batch, Store, StoreError, StoredRow};
use xiezuo_domain::Message;
use xiezuo_exchange::FileKind;

/// An audit row as stored: the change of one field, with its own id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub batch_id: i64,
    /// The file kind's stem.
    pub kind: String,
    pub key: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// An API token as stored, with the hash of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub account_id: i64,
    pub secret_hash: String,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// How much a store holds, part by part: what a copy compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Rows per kind, indexed by `FileKind as usize`.
    pub rows: Vec<u64>,
    pub batches: u64,
    pub audit: u64,
    pub accounts: u64,
    pub tokens: u64,
    pub access: u64,
    pub meta: u64,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            rows: vec![0; FileKind::ALL.len()],
            batches: 0,
            audit: 0,
            accounts: 0,
            tokens: 0,
            access: 0,
            meta: 0,
        }
    }
}

/// The tables a store holds besides one per file kind, in the order of
/// `Totals::tables`.
const OTHER_TABLES: [&str; 6] = [
    "batches",
    "audit",
    "accounts",
    "api_tokens",
    "access_log",
    "meta",
];

impl Totals {
    /// Every table whose rows the totals count: one per file kind (in
    /// `FileKind::ALL` order), then batches, audit, accounts, API tokens,
    /// the access log and settings.
    pub fn tables() -> Vec<&'static str> {
        let mut t: Vec<&str> = FileKind::ALL.iter().map(|k| k.table()).collect();
        t.extend(OTHER_TABLES);
        t
    }

    /// The totals from the row counts of `Totals::tables`, in that order.
    pub fn from_counts(counts: &[u64]) -> Totals {
        let k = FileKind::ALL.len();
        let at = |i: usize| counts.get(i).copied().unwrap_or(0);
        Totals {
            rows: (0..k).map(at).collect(),
            batches: at(k),
            audit: at(k + 1),
            accounts: at(k + 2),
            tokens: at(k + 3),
            access: at(k + 4),
            meta: at(k + 5),
        }
    }

    /// Rows of one kind.
    pub fn of(&self, kind: FileKind) -> u64 {
        self.rows.get(kind as usize).copied().unwrap_or(0)
    }

    /// True when the store holds nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == Totals::default()
    }
}

impl std::fmt::Display for Totals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for k in FileKind::ALL {
            let n = self.of(*k);
            if n > 0 {
                writeln!(f, "{:>12} {}", n, k.stem())?;
            }
        }
        for (n, what) in [
            (self.batches, "batches"),
            (self.audit, "audit entries"),
            (self.accounts, "accounts"),
            (self.tokens, "API tokens"),
            (self.access, "access log entries"),
            (self.meta, "settings"),
        ] {
            writeln!(f, "{n:>12} {what}")?;
        }
        Ok(())
    }
}

/// Where a copy writes to. Rows keep their ids.
pub trait CopySink {
    /// A row of `kind` with its dense references (`dense_refs(kind)`).
    fn put_row(
        &mut self,
        kind: FileKind,
        row: &StoredRow,
        refs: &[Option<i64>],
    ) -> Result<(), StoreError>;
    fn put_batch(&mut self, b: &Batch) -> Result<(), StoreError>;
    fn put_audit(&mut self, a: &AuditRow) -> Result<(), StoreError>;
    fn put_account(&mut self, a: &Account) -> Result<(), StoreError>;
    fn put_token(&mut self, t: &TokenRow) -> Result<(), StoreError>;
    fn put_access(&mut self, e: &AccessEvent) -> Result<(), StoreError>;
    fn put_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError>;
}

/// An open copy into a store: everything put is stored on `commit`, and
/// nothing at all if it is dropped.
pub trait CopyTx: CopySink {
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// A backend that can be copied out of and into.
pub trait CopyStore: Store {
    /// Puts everything the store holds into `into`, read from one
    /// consistent snapshot, in an order any target accepts: batches, the
    /// rows kind by kind in dependency order and row-id order, the audit
    /// trail, accounts, tokens, the access log, settings.
    fn dump(&self, into: &mut dyn CopySink) -> Result<(), StoreError>;
    /// Opens a copy into this store; `Conflict` unless the store is empty.
    fn begin_copy(&mut self) -> Result<Box<dyn CopyTx + '_>, StoreError>;
    /// How much the store holds.
    fn totals(&self) -> Result<Totals, StoreError>;
}

/// A sink that counts what passes through it on the way to a copy.
struct Counting<'a, 'b> {
    inner: &'a mut (dyn CopyTx + 'b),
    totals: Totals,
}

impl CopySink for Counting<'_, '_> {
    fn put_row(
        &mut self,
        kind: FileKind,
        row: &StoredRow,
        refs: &[Option<i64>],
    ) -> Result<(), StoreError> {
        if let Some(n) = self.totals.rows.get_mut(kind as usize) {
            *n += 1;
        }
        self.inner.put_row(kind, row, refs)
    }
    fn put_batch(&mut self, b: &Batch) -> Result<(), StoreError> {
        self.totals.batches += 1;
        self.inner.put_batch(b)
    }
    fn put_audit(&mut self, a: &AuditRow) -> Result<(), StoreError> {
        self.totals.audit += 1;
        self.inner.put_audit(a)
    }
    fn put_account(&mut self, a: &Account) -> Result<(), StoreError> {
        self.totals.accounts += 1;
        self.inner.put_account(a)
    }
    fn put_token(&mut self, t: &TokenRow) -> Result<(), StoreError> {
        self.totals.tokens += 1;
        self.inner.put_token(t)
    }
    fn put_access(&mut self, e: &AccessEvent) -> Result<(), StoreError> {
        self.totals.access += 1;
        self.inner.put_access(e)
    }
    fn put_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.totals.meta += 1;
        self.inner.put_meta(name, value)
    }
}

/// Copies everything `from` holds into the empty store `to`, in one
/// transaction on `to`, then checks that `to` holds exactly what was read.
/// Returns what was copied.
pub fn copy_store(from: &dyn CopyStore, to: &mut dyn CopyStore) -> Result<Totals, StoreError> {
    let mut tx = to.begin_copy()?;
    let mut counting = Counting {
        inner: tx.as_mut(),
        totals: Totals::default(),
    };
    from.dump(&mut counting)?;
    let copied = counting.totals;
    tx.commit()?;
    let stored = to.totals()?;
    if stored != copied {
        return Err(StoreError::Conflict(
            Message::new("store.copy_mismatch")
                .with("read", copied.to_string())
                .with("stored", stored.to_string()),
        ));
    }
    Ok(copied)
}

/// The refusal of a copy into a store that holds something.
pub fn not_empty(totals: &Totals) -> StoreError {
    StoreError::Conflict(Message::new("store.not_empty").with("totals", totals.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_read_their_counts_in_the_order_of_their_tables() {
        let tables = Totals::tables();
        let counts: Vec<u64> = (1..=tables.len() as u64).collect();
        let t = Totals::from_counts(&counts);
        let k = FileKind::ALL.len();
        assert_eq!(t.of(FileKind::ALL[0]), 1);
        assert_eq!(tables[k], "batches");
        assert_eq!(t.batches, k as u64 + 1);
        assert_eq!(tables[k + 3], "api_tokens");
        assert_eq!(t.tokens, k as u64 + 4);
        assert_eq!(t.meta, tables.len() as u64);
        assert!(Totals::from_counts(&vec![0; tables.len()]).is_empty());
    }
}
