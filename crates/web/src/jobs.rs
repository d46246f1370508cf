//! Long operations as background jobs with progress: checking and
//! committing an upload, running an assessment. A request starts the job and
//! returns at once; the client polls `GET /api/v1/jobs/{id}` (served by
//! `api`).

use serde_json::Value as J;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A running or finished job.
pub struct Job {
    pub kind: &'static str,
    /// Work done and total, in the job's own unit (bytes for imports).
    pub done: AtomicU64,
    pub total: AtomicU64,
    pub outcome: Mutex<Option<Result<J, String>>>,
    /// The login that started it: only they (or an administrator) see it.
    pub owner: String,
}

impl Job {
    pub fn new(kind: &'static str, owner: &str) -> Job {
        Job {
            kind,
            owner: owner.to_string(),
            done: AtomicU64::new(0),
            total: AtomicU64::new(1),
            outcome: Mutex::new(None),
        }
    }

    fn finish(&self, r: Result<J, String>) {
        self.done
            .store(self.total.load(Ordering::Relaxed), Ordering::Relaxed);
        *self.outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
    }

    /// The job as the API shows it.
    pub fn body(&self, id: &str) -> xiezuo_api::JobBody {
        let total = self.total.load(Ordering::Relaxed).max(1);
        let done = self.done.load(Ordering::Relaxed).min(total);
        let outcome = self.outcome.lock().unwrap_or_else(|e| e.into_inner());
        let (state, result, error) = match &*outcome {
            None => ("running", J::Null, None),
            Some(Ok(v)) => ("done", v.clone(), None),
            Some(Err(e)) => ("failed", J::Null, Some(e.clone())),
        };
        xiezuo_api::JobBody {
            id: id.into(),
            kind: self.kind.into(),
            state: state.into(),
            progress: done as f64 / total as f64,
            result,
            error,
        }
    }
}

/// Import progress as bytes over all files of the job.
pub struct JobProgress {
    pub job: Arc<Job>,
    pub before: AtomicU64,
    pub current: AtomicU64,
}

impl xiezuo_engine::import::Progress for JobProgress {
    fn file_started(&self, _file: &str, bytes: u64) {
        self.current.store(bytes, Ordering::Relaxed);
    }
    fn advanced(&self, bytes: u64) {
        self.job.done.store(
            self.before.load(Ordering::Relaxed) + bytes,
            Ordering::Relaxed,
        );
    }
    fn file_done(&self, _file: &str) {
        let b = self
            .before
            .fetch_add(self.current.load(Ordering::Relaxed), Ordering::Relaxed)
            + self.current.load(Ordering::Relaxed);
        self.job.done.store(b, Ordering::Relaxed);
    }
}

/// The jobs of the server (后台任务), by id.
#[derive(Default)]
pub struct Jobs {
    map: Mutex<HashMap<String, Arc<Job>>>,
    next: AtomicU64,
}

impl Jobs {
    /// Runs `work` on a blocking thread as a job; returns its id at once.
    pub fn spawn(
        &self,
        owner: &str,
        kind: &'static str,
        total: u64,
        work: impl FnOnce(Arc<Job>) -> Result<J, String> + Send + 'static,
    ) -> String {
        let job = Arc::new(Job::new(kind, owner));
        job.total.store(total.max(1), Ordering::Relaxed);
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let id = format!("j{n}");
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone(), job.clone());
        tokio::task::spawn_blocking(move || {
            // A job that panics ends as failed rather than running for ever.
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(job.clone())))
                .unwrap_or_else(|_| Err(format!("the {kind} stopped on an internal error")));
            job.finish(r);
        });
        id
    }

    /// A job by id.
    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }
}
