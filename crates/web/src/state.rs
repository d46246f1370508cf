//! Shared state: the store (for writes, behind a lock) and the read
//! snapshot (the assessment data and the assessments computed so far).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use xiezuo_engine::assess::compute::{Index, YearCtx, scope};
use xiezuo_engine::assess::data::AssessmentData;
use xiezuo_engine::assess::method::Method;
use xiezuo_engine::assess::{Assessment, assess};
use xiezuo_store::{Store, StoreError};

/// What read requests use: loaded once from the store, with everything
/// derived from it computed once and kept until the next write.
pub struct Snapshot {
    pub data: AssessmentData,
    pub years: Vec<i32>,
    /// Records grouped by pairing.
    pub index: Index,
    assessments: Mutex<HashMap<(i32, String), Arc<Assessment>>>,
    year_ctx: Mutex<HashMap<i32, Arc<YearCtx>>>,
    scopes: Mutex<HashMap<i32, Arc<Vec<Vec<u32>>>>>,
    memo: Mutex<HashMap<String, Arc<serde_json::Value>>>,
}

impl Snapshot {
    /// The year's roll-ups (registered, poor at start, exited by region).
    pub fn year_ctx(&self, year: i32) -> Arc<YearCtx> {
        let mut cache = self.year_ctx.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(year)
            .or_insert_with(|| Arc::new(YearCtx::new(&self.data, year)))
            .clone()
    }

    /// The scope of every pairing in a year, sorted.
    pub fn scopes(&self, year: i32) -> Arc<Vec<Vec<u32>>> {
        if let Some(s) = self
            .scopes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&year)
        {
            return s.clone();
        }
        let ctx = self.year_ctx(year);
        let all: Vec<Vec<u32>> = (0..self.data.pairings.len() as u32)
            .map(|p| scope(&self.data, &ctx, p))
            .collect();
        let all = Arc::new(all);
        self.scopes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(year, all.clone());
        all
    }

    /// A response body computed once per snapshot under `key`.
    pub fn memo<E>(
        &self,
        key: String,
        f: impl FnOnce() -> Result<serde_json::Value, E>,
    ) -> Result<Arc<serde_json::Value>, E> {
        if let Some(v) = self
            .memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(v.clone());
        }
        let v = Arc::new(f()?);
        self.memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, v.clone());
        Ok(v)
    }

    /// The assessment of a year under a method, computed once.
    pub fn assessment(&self, year: i32, method: &Method) -> Arc<Assessment> {
        let mut cache = self.assessments.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry((year, method.id.clone()))
            .or_insert_with(|| Arc::new(assess(&self.data, year, method)))
            .clone()
    }
}

/// The application state shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Mutex<Box<dyn Store>>>,
    uploads: Arc<Mutex<HashMap<String, crate::upload::Upload>>>,
    jobs: Arc<Mutex<HashMap<String, Arc<crate::jobs::Job>>>>,
    next_upload: Arc<std::sync::atomic::AtomicU64>,
    snapshot: Arc<RwLock<Option<Arc<Snapshot>>>>,
    /// The default method (xz-v1).
    pub method: Arc<Method>,
    /// Further methods an assessor may choose, by id.
    pub methods: Arc<Vec<Arc<Method>>>,
    /// A directory of `<code>.geojson` base maps overriding the built-in one.
    pub map_dir: Option<std::path::PathBuf>,
    /// The time stamps of writes (RFC 3339), given by the composition root.
    pub clock: Arc<dyn Fn() -> String + Send + Sync>,
    /// Sign-in sessions, cached accounts, sign-in attempts.
    pub sessions: Arc<crate::auth::Sessions>,
}

impl AppState {
    pub fn new(store: Box<dyn Store>, method: Method) -> AppState {
        AppState {
            store: Arc::new(Mutex::new(store)),
            uploads: Arc::new(Mutex::new(HashMap::new())),
            jobs: Arc::new(Mutex::new(HashMap::new())),
            next_upload: Arc::new(std::sync::atomic::AtomicU64::new(1)),
            snapshot: Arc::new(RwLock::new(None)),
            method: Arc::new(method),
            methods: Arc::new(Vec::new()),
            map_dir: None,
            clock: Arc::new(String::new),
            sessions: Arc::new(crate::auth::Sessions::default()),
        }
    }

    /// The current snapshot, loading it on first use.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        if let Some(s) = self
            .snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            return Ok(s.clone());
        }
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let data = blocking(|| AssessmentData::load(store.as_ref()))?;
        let years = years_of(&data);
        let index = Index::new(&data);
        let snap = Arc::new(Snapshot {
            data,
            years,
            index,
            assessments: Mutex::new(HashMap::new()),
            year_ctx: Mutex::new(HashMap::new()),
            scopes: Mutex::new(HashMap::new()),
            memo: Mutex::new(HashMap::new()),
        });
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Some(snap.clone());
        Ok(snap)
    }

    /// The method with this id (the default when `None`).
    pub fn method_by_id(&self, id: Option<&str>) -> Option<Arc<Method>> {
        match id.filter(|s| !s.is_empty()) {
            None => Some(self.method.clone()),
            Some(id) if id == self.method.id => Some(self.method.clone()),
            Some(id) => self.methods.iter().find(|m| m.id == id).cloned(),
        }
    }

    /// Runs `f` with the store (one writer at a time).
    pub fn with_store<T>(&self, f: impl FnOnce(&mut dyn Store) -> T) -> T {
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        blocking(|| f(store.as_mut()))
    }

    /// Runs `f` with the store if no write holds it now.
    pub fn try_with_store<T>(&self, f: impl FnOnce(&mut dyn Store) -> T) -> Option<T> {
        match self.store.try_lock() {
            Ok(mut s) => Some(blocking(|| f(s.as_mut()))),
            Err(std::sync::TryLockError::Poisoned(p)) => {
                Some(blocking(|| f(p.into_inner().as_mut())))
            }
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// Keeps a checked upload until it is committed; returns its token.
    pub fn keep_upload(&self, u: crate::upload::Upload) -> String {
        let n = self
            .next_upload
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = format!("u{n}");
        self.uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.clone(), u);
        token
    }

    /// Registers a job; returns its id.
    pub fn keep_job(&self, job: Arc<crate::jobs::Job>) -> String {
        let n = self
            .next_upload
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("j{n}");
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone(), job);
        id
    }

    /// A job by id.
    pub fn job(&self, id: &str) -> Option<Arc<crate::jobs::Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    /// Whether a pending upload was made by `login`.
    pub fn upload_owned_by(&self, token: &str, login: &str) -> bool {
        self.uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .is_some_and(|u| u.owner.login == login)
    }

    /// Takes a pending upload out.
    pub fn take_upload(&self, token: &str) -> Option<crate::upload::Upload> {
        self.uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token)
    }

    /// Forgets the snapshot after a write, so the next read sees it.
    pub fn invalidate(&self) {
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Runs store work that blocks. Called from async code on a runtime worker,
/// it first hands the worker's other tasks to another thread: a backend
/// may drive its own runtime (the PostgreSQL client does), which must not
/// start inside an async task. On any other thread it just runs `f`.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// The years of cooperation: years with projects or meetings (ledger rows
/// alone, such as payments spilling into January, do not make a year).
fn years_of(d: &AssessmentData) -> Vec<i32> {
    use chrono::Datelike;
    let mut ys: Vec<i32> = d
        .projects
        .iter()
        .map(|p| p.year)
        .chain(d.meetings.iter().map(|(_, m)| m.date.year()))
        .collect();
    ys.sort_unstable();
    ys.dedup();
    ys
}
