//! The import's own connection and transaction, on a thread of its own
//! that runs what the importer sends it in order (statements, `COPY`
//! chunks, the commit), so the server stores rows while the importer
//! parses and checks the next ones.

use crate::{CopyBuffer, Statements, Val, message, pe};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Transaction};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard};
use xiezuo_exchange::FileKind;
use xiezuo_store::StoreError;

/// Requests queued for the import's connection before the importer waits
/// (each may be a chunk of rows).
const QUEUE: usize = 4;

/// Work for the import's connection, run on its thread.
type Job = Box<dyn FnOnce(&mut Transaction<'_>, &mut Statements) + Send>;

pub(super) enum Cmd {
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
    pub(super) fn start(config: &postgres::Config) -> Result<Worker, StoreError> {
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
    pub(super) fn none() -> Worker {
        Worker {
            queue: None,
            thread: None,
            failed: Arc::new(Mutex::new(None)),
        }
    }

    /// Its thread still serves (a broken connection ends it).
    pub(super) fn alive(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Ends the open transaction without storing anything.
    pub(super) fn rollback(&self) -> Result<(), StoreError> {
        let (reply, result) = sync_channel(1);
        self.send(Cmd::Rollback(reply))?;
        result.recv().map_err(|_| gone())?
    }

    pub(super) fn send(&self, cmd: Cmd) -> Result<(), StoreError> {
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
    pub(super) fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>, &mut Statements) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (reply, result) = sync_channel(1);
        self.send(Cmd::Run(Box::new(move |tx, cache| {
            let _ = reply.send(f(tx, cache));
        })))?;
        self.answer(&result)
    }

    /// Commits the open transaction.
    pub(super) fn commit(&self) -> Result<(), StoreError> {
        let (reply, result) = sync_channel(1);
        self.send(Cmd::Commit(reply))?;
        self.answer(&result)
    }

    /// The reply to a request, unless a streamed row failed meanwhile.
    fn answer<R>(&self, result: &Receiver<Result<R, StoreError>>) -> Result<R, StoreError> {
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
