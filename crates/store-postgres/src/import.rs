//! An import on PostgreSQL: one transaction under the import lock, on a
//! connection of its own driven by a thread of its own, so that the server
//! stores rows while the importer reads and checks the next ones. Row ids
//! are numbered here (dense, in first-stored order, no gap after a
//! rollback). Rows of a kind that was empty when the import began are
//! buffered and handed over in chunks, each written with one `COPY` while
//! the importer goes on; a read of that kind hands its rows over first, so
//! the import always sees its own writes. The uniqueness of buffered rows
//! is checked against in-memory hashes of their unique values, and a hash
//! hit is confirmed in the database, so the outcome is exact. Re-imported
//! kinds are read ahead a batch at a time (`prefetch`).

use crate::{
    CopyBuffer, IMPORT_LOCK, LOCK_TIMEOUT_S, PgCell, Statements, Val, get_row, message, pe,
};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Transaction};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard};
use xiezuo_exchange::cell::format_cell;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::ddl::{SqlType, ref_column, sql_type, unique_columns};
use xiezuo_store::{BatchInfo, ImportTx, StoreError, StoredRow, Upsert, dense_refs, key_text};

/// Audit rows buffered before they are written.
const FLUSH_ROWS: usize = 50_000;
/// Requests queued for the import's connection before the importer waits
/// (each may be a chunk of rows).
const QUEUE: usize = 4;
/// Rows of a kind handed over at a time, each chunk one `COPY`.
const CHUNK: usize = 10_000;

/// The rows of a kind that was empty at the start not yet handed over,
/// and hashes of the unique values of all its rows of this import: (value
/// hash → row id of the first holder).
struct Pending {
    rows: Vec<Val>,
    keys: HashMap<u64, i64>,
    uniques: Vec<(usize, HashMap<u64, i64>)>,
}

impl Pending {
    fn new(kind: FileKind) -> Pending {
        Pending {
            rows: Vec::new(),
            keys: HashMap::new(),
            uniques: unique_columns(kind)
                .into_iter()
                .map(|c| (c, HashMap::new()))
                .collect(),
        }
    }
}

fn hash_cells<'a>(cells: impl Iterator<Item = &'a Cell>) -> u64 {
    let mut h = DefaultHasher::new();
    for c in cells {
        match c {
            Cell::Null => 0u8.hash(&mut h),
            Cell::Int(v) => (1u8, v).hash(&mut h),
            Cell::Real(v) => (2u8, v.to_bits()).hash(&mut h),
            Cell::Text(t) => (3u8, t.as_str()).hash(&mut h),
        }
    }
    h.finish()
}

/// A key or unique value as a map key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    Null,
    Int(i64),
    Real(u64),
    Text(String),
}

fn parts<'a>(cells: impl Iterator<Item = &'a Cell>) -> Vec<Part> {
    cells
        .map(|c| match c {
            Cell::Null => Part::Null,
            Cell::Int(v) => Part::Int(*v),
            Cell::Real(v) => Part::Real(v.to_bits()),
            Cell::Text(t) => Part::Text(t.to_string()),
        })
        .collect()
}

/// Rows read ahead for the rows about to be upserted (`prefetch`), kept
/// in step with this import's own writes: the stored row of each key (of
/// their kind, and of the rows they reference), or its absence, and for
/// persons the holder of each identity number.
#[derive(Default)]
struct Ahead {
    rows: HashMap<(FileKind, Vec<Part>), Option<StoredRow>>,
    /// Filled when persons are read ahead.
    id_numbers: Option<HashMap<String, Option<(i64, String)>>>,
}

/// The position of a person's identity number.
fn id_number_col() -> Option<usize> {
    FileKind::Persons.col("id_number")
}

fn prefetch_sql(kind: FileKind) -> String {
    let cols = kind.columns();
    let key = kind.key();
    let arrays: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(j, &i)| {
            let ty = match sql_type(&cols[i]) {
                SqlType::Int | SqlType::Flag => "BIGINT",
                SqlType::Real => "DOUBLE PRECISION",
                SqlType::Text => "TEXT",
            };
            format!("${}::{ty}[]", j + 1)
        })
        .collect();
    let names: Vec<String> = (0..key.len()).map(|j| format!("k{j}")).collect();
    let on: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(j, &i)| format!("t.{} = k.k{j}", cols[i].name))
        .collect();
    let selected: Vec<String> = cols.iter().map(|c| format!("t.{}", c.name)).collect();
    format!(
        "SELECT t.id, t.batch_id, {} FROM {} t JOIN unnest({}) AS k({}) ON {}",
        selected.join(", "),
        kind.table(),
        arrays.join(", "),
        names.join(", "),
        on.join(" AND ")
    )
}

/// Work for the import's connection, run on its thread.
type Job = Box<dyn FnOnce(&mut Transaction<'_>, &mut Statements) + Send>;

enum Cmd {
    /// Rows of a kind that was empty at the start, for one `COPY`: the
    /// values of whole rows, one after the other.
    Copy(FileKind, Vec<Val>),
    Run(Job),
    Commit(SyncSender<Result<(), StoreError>>),
    /// Ends the transaction without storing anything.
    Rollback(SyncSender<Result<(), StoreError>>),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn gone() -> StoreError {
    StoreError::Backend("the import's database connection ended".into())
}

/// The import's own connection and transaction, on a thread that runs
/// what the importer sends it in order. After a commit or a rollback it
/// takes the next import (a store keeps one between imports, so a one-row
/// import does not pay for a new connection). Dropping it ends the thread
/// and rolls an open transaction back.
pub(crate) struct Worker {
    queue: Option<SyncSender<Cmd>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The first failure of a streamed row, reported by the next request.
    failed: Arc<Mutex<Option<StoreError>>>,
}

impl Worker {
    fn start(config: &postgres::Config) -> Result<Worker, StoreError> {
        let client = config
            .connect(NoTls)
            .map_err(|e| StoreError::Backend(format!("cannot connect: {}", message(&e))))?;
        let (queue, requests) = sync_channel(QUEUE);
        let failed = Arc::new(Mutex::new(None));
        let f = failed.clone();
        let thread = std::thread::Builder::new()
            .name("store import".into())
            .spawn(move || serve(client, &requests, &f))
            .map_err(|e| StoreError::Backend(format!("cannot start the import thread: {e}")))?;
        Ok(Worker {
            queue: Some(queue),
            thread: Some(thread),
            failed,
        })
    }

    fn failure(&self) -> Option<StoreError> {
        lock(&self.failed).take()
    }

    /// A worker with no thread, in place of one handed back.
    fn none() -> Worker {
        Worker {
            queue: None,
            thread: None,
            failed: Arc::new(Mutex::new(None)),
        }
    }

    /// Its thread still serves (a broken connection ends it).
    fn alive(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Ends the open transaction without storing anything.
    fn rollback(&self) -> Result<(), StoreError> {
        let (reply, result) = sync_channel(1);
        self.send(Cmd::Rollback(reply))?;
        result.recv().map_err(|_| gone())?
    }

    fn send(&self, cmd: Cmd) -> Result<(), StoreError> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        let queue = self.queue.as_ref().ok_or_else(gone)?;
        queue
            .send(cmd)
            .map_err(|_| self.failure().unwrap_or_else(gone))
    }

    /// Runs `f` on the connection (after the rows sent before it) and
    /// returns its result.
    fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>, &mut Statements) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (reply, result) = sync_channel(1);
        self.send(Cmd::Run(Box::new(move |tx, cache| {
            let _ = reply.send(f(tx, cache));
        })))?;
        let r = result
            .recv()
            .map_err(|_| self.failure().unwrap_or_else(gone))?;
        match self.failure() {
            Some(e) => Err(e),
            None => r,
        }
    }

    fn commit(&self) -> Result<(), StoreError> {
        let (reply, result) = sync_channel(1);
        self.send(Cmd::Commit(reply))?;
        let r = result
            .recv()
            .map_err(|_| self.failure().unwrap_or_else(gone))?;
        match self.failure() {
            Some(e) => Err(e),
            None => r,
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The import's thread: one transaction per import, requests in order.
/// A transaction begins with the first request of an import, so an idle
/// worker holds none.
fn serve(mut client: Client, requests: &Receiver<Cmd>, failed: &Mutex<Option<StoreError>>) {
    let mut cache = Statements::default();
    while let Ok(first) = requests.recv() {
        if !one_import(&mut client, &mut cache, first, requests, failed) || client.is_closed() {
            return;
        }
    }
}

/// One import's transaction, from its first request to its commit or
/// rollback. False when the queue closed (dropping the transaction rolls
/// it back) or no transaction could begin.
fn one_import(
    client: &mut Client,
    cache: &mut Statements,
    first: Cmd,
    requests: &Receiver<Cmd>,
    failed: &Mutex<Option<StoreError>>,
) -> bool {
    let mut tx = match client.transaction() {
        Ok(t) => t,
        Err(e) => {
            *lock(failed) = Some(pe(e));
            return false;
        }
    };
    let mut next = Some(first);
    while let Some(cmd) = next.take().or_else(|| requests.recv().ok()) {
        match cmd {
            Cmd::Run(job) => job(&mut tx, cache),
            Cmd::Copy(kind, vals) => {
                // After a failure the transaction is lost: skip the rows.
                if lock(failed).is_none()
                    && let Err(e) = copy(&mut tx, kind, &vals)
                {
                    *lock(failed) = Some(e);
                }
            }
            Cmd::Commit(reply) => {
                let r = match lock(failed).take() {
                    Some(e) => Err(e),
                    None => tx.commit().map_err(pe),
                };
                let _ = reply.send(r);
                return true;
            }
            Cmd::Rollback(reply) => {
                *lock(failed) = None;
                let _ = reply.send(tx.rollback().map_err(pe));
                return true;
            }
        }
    }
    false
}

/// Writes rows of `kind` with one `COPY`.
fn copy(tx: &mut Transaction<'_>, kind: FileKind, vals: &[Val]) -> Result<(), StoreError> {
    let spec = CopyBuffer::for_kind(kind);
    let w = tx.copy_in(&spec.sql).map_err(pe)?;
    let mut w = BinaryCopyInWriter::new(w, &spec.types);
    for row in vals.chunks(spec.types.len()) {
        w.write_raw(row.iter().map(|v| v as &dyn ToSql))
            .map_err(pe)?;
    }
    w.finish().map_err(pe)?;
    Ok(())
}

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

fn insert_sql(kind: FileKind) -> String {
    let drefs = dense_refs(kind);
    let mut names = format!("id, batch_id, {}", crate::col_list(kind));
    for (col, _) in drefs {
        names.push_str(", ");
        names.push_str(&ref_column(kind, *col));
    }
    let n = 2 + kind.columns().len() + drefs.len();
    let ph = (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO {} ({names}) VALUES ({ph}) ON CONFLICT DO NOTHING",
        kind.table()
    )
}

fn update_sql(kind: FileKind) -> String {
    let cols = kind.columns();
    let mut sets = vec!["batch_id = $1".to_string()];
    for (i, c) in cols.iter().enumerate() {
        sets.push(format!("{} = ${}", c.name, i + 2));
    }
    let drefs = dense_refs(kind);
    for (j, (col, _)) in drefs.iter().enumerate() {
        sets.push(format!(
            "{} = ${}",
            ref_column(kind, *col),
            cols.len() + 2 + j
        ));
    }
    format!(
        "UPDATE {} SET {} WHERE id = ${}",
        kind.table(),
        sets.join(", "),
        cols.len() + drefs.len() + 2
    )
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

    /// The stored row with these key cells as read ahead, if it was.
    fn ahead_row(&self, kind: FileKind, key: &[Cell]) -> Option<Option<StoredRow>> {
        let a = self.ahead.as_ref()?;
        a.rows.get(&(kind, parts(key.iter()))).cloned()
    }

    /// Keeps the rows read ahead in step with a write of `cells` as row
    /// `rowid` (`old`: the cells it replaced).
    fn wrote(&mut self, kind: FileKind, rowid: i64, cells: &[Cell], old: Option<&[Cell]>) {
        let batch_id = self.batch_id;
        let Some(a) = self.ahead.as_mut() else {
            return;
        };
        let key = parts(kind.key().iter().map(|&i| &cells[i]));
        a.rows.insert(
            (kind, key),
            Some(StoredRow {
                rowid,
                batch_id,
                cells: cells.to_vec(),
            }),
        );
        if kind == FileKind::Persons
            && let Some(i) = id_number_col()
            && let Some(ids) = a.id_numbers.as_mut()
        {
            if let Some(Cell::Text(before)) = old.map(|o| &o[i]) {
                ids.insert(before.to_string(), None);
            }
            if let (Cell::Text(idn), Cell::Text(pid)) = (&cells[i], &cells[0]) {
                ids.insert(idn.to_string(), Some((rowid, pid.to_string())));
            }
        }
    }

    /// The holder of an identity number as read ahead, if it was.
    fn ahead_id_number(&self, id_number: &str) -> Option<Option<(i64, String)>> {
        let ids = self.ahead.as_ref()?.id_numbers.as_ref()?;
        ids.get(id_number).cloned()
    }

    /// The row of `kind` with these key cells, in the database.
    fn stored(&self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        let key = key.to_vec();
        self.worker
            .run(move |tx, cache| get_row(tx, cache, kind, &key))
    }

    /// The row other than `besides` holding value `cell` of the unique
    /// column `col`.
    fn holder_of(
        &self,
        kind: FileKind,
        col: usize,
        cell: &Cell,
        besides: Option<i64>,
    ) -> Result<Option<i64>, StoreError> {
        if kind == FileKind::Persons
            && Some(col) == id_number_col()
            && let Cell::Text(idn) = cell
            && let Some(held) = self.ahead_id_number(idn)
        {
            return Ok(held.map(|h| h.0).filter(|&r| Some(r) != besides));
        }
        let sql = format!(
            "SELECT id FROM {} WHERE {} = $1 AND id <> $2",
            kind.table(),
            kind.columns()[col].name
        );
        let cell = cell.clone();
        self.worker.run(move |tx, cache| {
            let st = cache.get(tx, &sql)?;
            let r = tx
                .query_opt(&st, &[&PgCell(&cell), &besides.unwrap_or(0)])
                .map_err(pe)?;
            r.map(|r| r.try_get(0).map_err(pe)).transpose()
        })
    }

    /// The row a failed insert collided with: the other unique columns
    /// first, then the key (the order SQLite checks its indexes in).
    fn holder(&self, kind: FileKind, cells: &[Cell]) -> Result<Upsert, StoreError> {
        for col in unique_columns(kind) {
            if let Some(rowid) = self.holder_of(kind, col, &cells[col], None)? {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid,
                });
            }
        }
        match self.stored(kind, &xiezuo_store::key_cells(kind, cells))? {
            Some(r) => Ok(Upsert::Duplicate {
                column: None,
                rowid: r.rowid,
            }),
            None => Err(StoreError::Backend(format!(
                "unique violation in {} without a holder",
                kind.table()
            ))),
        }
    }

    /// Hands the buffered rows of a kind over to be written.
    fn flush(&mut self, kind: FileKind) -> Result<(), StoreError> {
        let rows = match self.pending[kind as usize].as_mut() {
            Some(p) if !p.rows.is_empty() => std::mem::take(&mut p.rows),
            _ => return Ok(()),
        };
        self.worker.send(Cmd::Copy(kind, rows))
    }

    /// Inserts a row of a kind that was empty at the start: buffered.
    fn insert_buffered(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
    ) -> Result<Upsert, StoreError> {
        let k = kind as usize;
        let p = self.pending[k].get_or_insert_with(|| Pending::new(kind));
        let mut hits = Vec::new();
        let mut unique_hashes = Vec::with_capacity(p.uniques.len());
        for (col, seen) in &p.uniques {
            if cells[*col].is_null() {
                continue;
            }
            let h = hash_cells(std::iter::once(&cells[*col]));
            if seen.contains_key(&h) {
                hits.push(*col);
            }
            unique_hashes.push((*col, h));
        }
        let key_idx = kind.key();
        let key_hash = (!key_idx.iter().any(|&i| cells[i].is_null()))
            .then(|| hash_cells(key_idx.iter().map(|&i| &cells[i])));
        let key_hit = key_hash.is_some_and(|h| p.keys.contains_key(&h));
        // Possibly a duplicate: ask the database, once it holds every row
        // of this import.
        if !hits.is_empty() || key_hit {
            self.flush(kind)?;
        }
        for col in hits {
            if let Some(rowid) = self.holder_of(kind, col, &cells[col], None)? {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid,
                });
            }
        }
        if key_hit && let Some(r) = self.stored(kind, &xiezuo_store::key_cells(kind, cells))? {
            return Ok(Upsert::Duplicate {
                column: None,
                rowid: r.rowid,
            });
        }
        let id = self.next_id[k];
        self.next_id[k] += 1;
        let batch_id = self.batch_id;
        let p = self.pending[k].get_or_insert_with(|| Pending::new(kind));
        p.rows.push(Val(Cell::Int(id)));
        p.rows.push(Val(Cell::Int(batch_id)));
        p.rows.extend(cells.iter().cloned().map(Val));
        p.rows.extend(refs.iter().map(|r| Val(Cell::Int(*r))));
        if let Some(h) = key_hash {
            p.keys.entry(h).or_insert(id);
        }
        for (col, h) in unique_hashes {
            if let Some((_, seen)) = p.uniques.iter_mut().find(|(c, _)| *c == col) {
                seen.entry(h).or_insert(id);
            }
        }
        let full = p.rows.len() >= CHUNK * CopyBuffer::width(kind);
        self.wrote(kind, id, cells, None);
        if full {
            self.flush(kind)?;
        }
        Ok(Upsert::Inserted(id))
    }

    /// Inserts one row at once; a unique violation becomes `Duplicate`.
    fn insert_now(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
    ) -> Result<Upsert, StoreError> {
        let k = kind as usize;
        let id = self.next_id[k];
        let batch_id = self.batch_id;
        let (owned, owned_refs) = (cells.to_vec(), refs.to_vec());
        let n = self.worker.run(move |tx, cache| {
            let st = cache.get(tx, &insert_sql(kind))?;
            let bound: Vec<PgCell<'_>> = owned.iter().map(PgCell).collect();
            let mut params: Vec<&(dyn ToSql + Sync)> =
                Vec::with_capacity(2 + owned.len() + owned_refs.len());
            params.push(&id);
            params.push(&batch_id);
            params.extend(bound.iter().map(|b| b as &(dyn ToSql + Sync)));
            params.extend(owned_refs.iter().map(|r| r as &(dyn ToSql + Sync)));
            tx.execute(&st, &params).map_err(pe)
        })?;
        if n == 0 {
            return self.holder(kind, cells);
        }
        self.next_id[k] += 1;
        self.wrote(kind, id, cells, None);
        Ok(Upsert::Inserted(id))
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
        let key = xiezuo_store::key_cells(kind, cells);
        let old = match self.ahead_row(kind, &key) {
            Some(row) => row,
            None => self.stored(kind, &key)?,
        };
        let Some(old) = old else {
            return self.insert_now(kind, cells, refs);
        };
        if written(old.rowid) {
            return Ok(Upsert::Duplicate {
                column: None,
                rowid: old.rowid,
            });
        }
        let cols = kind.columns();
        let changed: Vec<usize> = (0..cols.len())
            .filter(|&i| old.cells[i] != cells[i])
            .collect();
        if changed.is_empty() {
            return Ok(Upsert::Unchanged(old.rowid));
        }
        if kind == FileKind::Funds {
            return Err(StoreError::Conflict(format!(
                "funds ledger row {} exists with other content; corrections are reversal rows",
                key_text(kind, cells)
            )));
        }
        for col in unique_columns(kind) {
            if changed.contains(&col)
                && !cells[col].is_null()
                && let Some(rowid) = self.holder_of(kind, col, &cells[col], Some(old.rowid))?
            {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid,
                });
            }
        }
        let (batch_id, rowid) = (self.batch_id, old.rowid);
        let (owned, owned_refs) = (cells.to_vec(), refs.to_vec());
        self.worker.run(move |tx, cache| {
            let st = cache.get(tx, &update_sql(kind))?;
            let bound: Vec<PgCell<'_>> = owned.iter().map(PgCell).collect();
            let mut params: Vec<&(dyn ToSql + Sync)> =
                Vec::with_capacity(3 + owned.len() + owned_refs.len());
            params.push(&batch_id);
            params.extend(bound.iter().map(|b| b as &(dyn ToSql + Sync)));
            params.extend(owned_refs.iter().map(|r| r as &(dyn ToSql + Sync)));
            params.push(&rowid);
            tx.execute(&st, &params).map_err(pe)
        })?;
        self.wrote(kind, old.rowid, cells, Some(&old.cells));
        let key = key_text(kind, cells);
        for &i in &changed {
            let text = |c: &Cell| {
                if c.is_null() {
                    Cell::Null
                } else {
                    Cell::Text(format_cell(&cols[i], c).into())
                }
            };
            self.audit.push(Cell::Int(self.next_audit));
            self.audit.push(Cell::Int(self.batch_id));
            self.audit.push(Cell::Text(kind.stem().into()));
            self.audit.push(Cell::Text(key.as_str().into()));
            self.audit.push(Cell::Text(cols[i].name.into()));
            self.audit.push(text(&old.cells[i]));
            self.audit.push(text(&cells[i]));
            self.next_audit += 1;
        }
        if self.audit.rows() >= FLUSH_ROWS {
            self.flush_audit()?;
        }
        Ok(Upsert::Updated {
            rowid: old.rowid,
            changed: changed.len(),
        })
    }

    fn prefetch(&mut self, kind: FileKind, rows: &[&[Cell]]) -> Result<(), StoreError> {
        self.ahead = None;
        let width = kind.columns().len();
        let rows: Vec<&[Cell]> = rows.iter().copied().filter(|r| r.len() == width).collect();
        // What to read: (kind, its key column cells) for this kind unless
        // it was empty, and for the kinds its rows reference by row id.
        let mut wanted: Vec<(FileKind, Vec<Vec<Cell>>)> = Vec::new();
        if !self.empty[kind as usize] {
            let keys = kind
                .key()
                .iter()
                .map(|&i| rows.iter().map(|r| r[i].clone()).collect())
                .collect();
            wanted.push((kind, keys));
        }
        for &(col, target) in dense_refs(kind) {
            if target.key().len() != 1 {
                continue;
            }
            let mut seen = std::collections::HashSet::new();
            let cells: Vec<Cell> = rows
                .iter()
                .map(|r| &r[col])
                .filter(|c| !c.is_null() && seen.insert(parts(std::iter::once(*c))))
                .cloned()
                .collect();
            if cells.is_empty() {
                continue;
            }
            // A read of the referenced kind sees the rows buffered for it.
            self.flush(target)?;
            wanted.push((target, vec![cells]));
        }
        let idn_col =
            id_number_col().filter(|_| kind == FileKind::Persons && !self.empty[kind as usize]);
        let idns: Vec<Cell> = idn_col.map_or_else(Vec::new, |i| {
            rows.iter()
                .filter(|r| !r[i].is_null())
                .map(|r| r[i].clone())
                .collect()
        });
        if wanted.is_empty() {
            return Ok(());
        }
        let asked: Vec<(FileKind, Vec<Vec<Cell>>)> = wanted.clone();
        let (found, holders) = self.worker.run(move |tx, cache| {
            let mut found = Vec::new();
            for (k, keys) in &asked {
                let bound: Vec<Vec<PgCell<'_>>> =
                    keys.iter().map(|a| a.iter().map(PgCell).collect()).collect();
                let params: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|a| a as _).collect();
                let st = cache.get(tx, &prefetch_sql(*k))?;
                for r in tx.query(&st, &params).map_err(pe)? {
                    found.push((*k, crate::read_row(*k, &r)?));
                }
            }
            let mut holders = Vec::new();
            if !idns.is_empty() {
                let bound: Vec<PgCell<'_>> = idns.iter().map(PgCell).collect();
                let st = cache.get(
                    tx,
                    "SELECT id, person_id, id_number FROM persons WHERE id_number = ANY($1::TEXT[])",
                )?;
                for r in tx.query(&st, &[&bound]).map_err(pe)? {
                    holders.push((
                        r.try_get::<_, String>(2).map_err(pe)?,
                        r.try_get::<_, i64>(0).map_err(pe)?,
                        r.try_get::<_, String>(1).map_err(pe)?,
                    ));
                }
            }
            Ok((found, holders))
        })?;
        let mut ahead = Ahead::default();
        for (k, row) in found {
            let key = parts(k.key().iter().map(|&i| &row.cells[i]));
            ahead.rows.insert((k, key), Some(row));
        }
        for (k, keys) in &wanted {
            for j in 0..keys.first().map_or(0, Vec::len) {
                let key: Vec<&Cell> = keys.iter().map(|col| &col[j]).collect();
                if key.iter().all(|c| !c.is_null()) {
                    ahead
                        .rows
                        .entry((*k, parts(key.into_iter())))
                        .or_insert(None);
                }
            }
        }
        if let Some(i) = idn_col {
            let mut ids = HashMap::new();
            for (idn, rowid, pid) in holders {
                ids.insert(idn, Some((rowid, pid)));
            }
            for r in &rows {
                if let Cell::Text(idn) = &r[i] {
                    ids.entry(idn.to_string()).or_insert(None);
                }
            }
            ahead.id_numbers = Some(ids);
        }
        self.ahead = Some(ahead);
        Ok(())
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
