//! An import on PostgreSQL: one transaction under the import lock, on a
//! connection of its own driven by a thread of its own (`worker`), so that
//! the server stores rows while the importer reads and checks the next
//! ones. Row ids are numbered here (dense, in first-stored order, no gap
//! after a rollback). Its parts:
//! - `buffered`: rows of a kind that was empty when the import began, kept
//!   and written in chunks with `COPY`, their uniqueness checked against
//!   in-memory hashes and confirmed in the database;
//! - `upsert`: rows of the other kinds, one at a time;
//! - `ahead`: the rows read ahead for the next batch (`prefetch`).
//!
//! A read of a kind hands its buffered rows over first, so the import
//! always sees its own writes.

mod ahead;
mod buffered;
mod upsert;
mod worker;

use crate::{CopyBuffer, IMPORT_LOCK, LOCK_TIMEOUT_S, pe};
use ahead::Ahead;
use buffered::Pending;
use postgres::Transaction;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::{BatchInfo, ImportTx, StoreError, StoredRow, Upsert};

pub(crate) use worker::Worker;

/// Audit rows buffered before they are written.
const FLUSH_ROWS: usize = 50_000;

pub(crate) struct PgImport<'a> {
    worker: Worker,
    /// Where the worker goes back after the import, for the next one.
    spare: &'a mut Option<Worker>,
    committed: bool,
    batch_id: i64,
    batch: BatchInfo,
    /// Per kind: the id the next inserted row gets.
    next_id: Vec<i64>,
    /// Per kind: no row was stored when the import began.
    empty: Vec<bool>,
    pending: Vec<Option<Pending>>,
    audit: CopyBuffer,
    next_audit: i64,
    ahead: Option<Ahead>,
}

pub(crate) fn audit_buffer() -> CopyBuffer {
    use postgres::types::Type;
    let names: Vec<String> = [
        "id",
        "batch_id",
        "kind",
        "row_key",
        "field",
        "old_value",
        "new_value",
    ]
    .map(String::from)
    .to_vec();
    let mut types = vec![Type::INT8, Type::INT8];
    types.extend([Type::TEXT; 5]);
    CopyBuffer::new("audit", &names, types)
}

/// Takes the import lock (waiting at most `LOCK_TIMEOUT_S` for another
/// writer) in `tx`.
pub(crate) fn lock_for_writing(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    // One round trip: a one-row import makes few others.
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'; SELECT pg_advisory_xact_lock({IMPORT_LOCK}); SET LOCAL lock_timeout = 0"
    ))
    .map_err(pe)
}

impl<'a> PgImport<'a> {
    pub(crate) fn begin(
        config: &postgres::Config,
        spare: &'a mut Option<Worker>,
        batch: &BatchInfo,
    ) -> Result<PgImport<'a>, StoreError> {
        // The worker kept from the last import, unless its connection has
        // ended; a kept one that fails at once is replaced once.
        let kept = spare.take().filter(Worker::alive);
        let reused = kept.is_some();
        let worker = match kept {
            Some(w) => w,
            None => Worker::start(config)?,
        };
        let (worker, first) = match Self::start(&worker) {
            Err(_) if reused => {
                drop(worker);
                let fresh = Worker::start(config)?;
                let first = Self::start(&fresh);
                (fresh, first)
            }
            r => (worker, r),
        };
        let (maxes, last_batch, last_audit) = first?;
        Ok(PgImport {
            worker,
            spare,
            committed: false,
            batch_id: last_batch + 1,
            batch: batch.clone(),
            next_id: maxes.iter().map(|m| m.unwrap_or(0) + 1).collect(),
            empty: maxes.iter().map(Option::is_none).collect(),
            pending: (0..FileKind::ALL.len()).map(|_| None).collect(),
            audit: audit_buffer(),
            next_audit: last_audit + 1,
            ahead: None,
        })
    }

    /// Takes the import lock and reads the last ids of every table.
    fn start(worker: &Worker) -> Result<(Vec<Option<i64>>, i64, i64), StoreError> {
        worker.run(|tx, cache| {
            lock_for_writing(tx)?;
            let maxes: Vec<String> = FileKind::ALL
                .iter()
                .map(|k| format!("(SELECT MAX(id) FROM {})", k.table()))
                .collect();
            // Prepared once per connection: planning it takes milliseconds.
            let st = cache.get(
                tx,
                &format!(
                    "SELECT {}, (SELECT COALESCE(MAX(id), 0) FROM batches), (SELECT COALESCE(MAX(id), 0) FROM audit)",
                    maxes.join(", ")
                ),
            )?;
            let r = tx.query_one(&st, &[]).map_err(pe)?;
            let n = FileKind::ALL.len();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(r.try_get::<_, Option<i64>>(i).map_err(pe)?);
            }
            let b: i64 = r.try_get(n).map_err(pe)?;
            let a: i64 = r.try_get(n + 1).map_err(pe)?;
            Ok((out, b, a))
        })
    }

    /// Writes the buffered audit rows.
    fn flush_audit(&mut self) -> Result<(), StoreError> {
        let mut rows = std::mem::replace(&mut self.audit, audit_buffer());
        self.worker.run(move |tx, _| rows.flush(tx))
    }
}

impl Drop for PgImport<'_> {
    /// Hands the worker back for the next import: after its commit, or once
    /// the transaction is rolled back. A worker that cannot roll back ends.
    fn drop(&mut self) {
        let worker = std::mem::replace(&mut self.worker, Worker::none());
        if self.committed || worker.rollback().is_ok() {
            *self.spare = Some(worker);
        }
    }
}

impl ImportTx for PgImport<'_> {
    fn get(&mut self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        if let Some(row) = self.ahead_row(kind, key) {
            return Ok(row);
        }
        self.flush(kind)?;
        self.stored(kind, key)
    }

    fn was_empty(&self, kind: FileKind) -> bool {
        self.empty[kind as usize]
    }

    fn person_by_id_number(
        &mut self,
        id_number: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        if let Some(held) = self.ahead_id_number(id_number) {
            return Ok(held);
        }
        self.flush(FileKind::Persons)?;
        let id_number = id_number.to_string();
        self.worker.run(move |tx, cache| {
            let st = cache.get(tx, "SELECT id, person_id FROM persons WHERE id_number = $1")?;
            let r = tx.query_opt(&st, &[&id_number]).map_err(pe)?;
            r.map(|r| Ok((r.try_get(0).map_err(pe)?, r.try_get(1).map_err(pe)?)))
                .transpose()
        })
    }

    fn reversed_total(&mut self, txn_id: &str) -> Result<i64, StoreError> {
        self.flush(FileKind::Funds)?;
        let txn_id = txn_id.to_string();
        self.worker.run(move |tx, cache| {
            let st = cache.get(
                tx,
                "SELECT COALESCE(SUM(amount), 0)::BIGINT FROM funds WHERE reverses = $1",
            )?;
            tx.query_one(&st, &[&txn_id])
                .map_err(pe)?
                .try_get(0)
                .map_err(pe)
        })
    }

    fn upsert(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
        written: &dyn Fn(i64) -> bool,
    ) -> Result<Upsert, StoreError> {
        if self.empty[kind as usize] {
            return self.insert_buffered(kind, cells, refs);
        }
        self.upsert_now(kind, cells, refs, written)
    }

    fn prefetch(&mut self, kind: FileKind, rows: &[&[Cell]]) -> Result<(), StoreError> {
        self.read_ahead(kind, rows)
    }

    fn commit(self: Box<Self>, counts: &str) -> Result<i64, StoreError> {
        let mut this = *self;
        for k in FileKind::ALL {
            this.flush(*k)?;
        }
        this.flush_audit()?;
        // Tables this import filled from empty have no statistics yet:
        // gather them now, or the first queries plan as if they were empty.
        let filled: Vec<&str> = FileKind::ALL
            .iter()
            .filter(|k| this.empty[**k as usize] && this.next_id[**k as usize] > 1)
            .map(|k| k.table())
            .collect();
        if !filled.is_empty() {
            let sql = format!("ANALYZE {}", filled.join(", "));
            this.worker
                .run(move |tx, _| tx.batch_execute(&sql).map_err(pe))?;
        }
        let batch = this.batch.clone();
        let (batch_id, counts) = (this.batch_id, counts.to_string());
        this.worker.run(move |tx, _| {
            tx.execute(
                "INSERT INTO batches (id, actor, at, source, counts) VALUES ($1, $2, $3, $4, $5)",
                &[&batch_id, &batch.actor, &batch.at, &batch.source, &counts],
            )
            .map_err(pe)
        })?;
        this.worker.commit()?;
        this.committed = true;
        Ok(batch_id)
    }
}
