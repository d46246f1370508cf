//! Shared state: the store (for writes, behind a lock), read-only
//! connections for reads, and the read snapshot (the assessment data and
//! what is derived from it).
//!
//! Reads never wait for a snapshot to be built, except the very first. After
//! a write, a new snapshot is built in the background while readers keep
//! using the current one; it is swapped in atomically once built and warmed.
//! Builds are coalesced: one runs at a time, and writes that arrive
//! meanwhile are all taken in by one more build after it. A snapshot knows
//! its generation, the number of writes it includes, so a write that must
//! be seen at once can wait for the first snapshot that includes it
//! (`wait_for`).

use crate::cache::Once;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Instant;
use xiezuo_engine::assess::compute::{Index, YearCtx, scope};
use xiezuo_engine::assess::data::AssessmentData;
use xiezuo_engine::assess::method::Method;
use xiezuo_engine::assess::{Assessment, assess};
use xiezuo_exchange::FileKind;
use xiezuo_store::{Store, StoreError, read_consistent};

/// The most assessments a snapshot keeps, by (year, method): beyond it the
/// least recently used is dropped and computed again when asked for.
pub const ASSESSMENTS_KEPT: usize = 64;
/// The most years whose roll-ups and scopes a snapshot keeps.
pub const YEARS_KEPT: usize = 64;
/// The most response values a snapshot keeps (`memo`, `memo_kept`).
pub const MEMO_KEPT: usize = 1024;
/// The most serialized response bodies a snapshot keeps (`memo_body`).
pub const BODIES_KEPT: usize = 64;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What read requests use: loaded from the store, with everything derived
/// from it computed once and kept until the next snapshot replaces it.
pub struct Snapshot {
    pub data: AssessmentData,
    pub years: Vec<i32>,
    /// Records grouped by pairing.
    pub index: Index,
    /// The number of writes (since the server started) it includes.
    pub generation: u64,
    assessments: Once<(i32, String), Assessment>,
    year_ctx: Once<i32, YearCtx>,
    scopes: Once<i32, Vec<Vec<u32>>>,
    memo: Once<String, serde_json::Value>,
    /// Serialized response bodies (see `memo_body`).
    bodies: Once<String, axum::body::Bytes>,
    /// The record kinds each kept body depends on (see `memo_kept`).
    memo_kinds: Mutex<HashMap<String, &'static [FileKind]>>,
}

impl Snapshot {
    /// The year's roll-ups (registered, poor at start, exited by region).
    pub fn year_ctx(&self, year: i32) -> Arc<YearCtx> {
        self.year_ctx
            .get_or(year, || YearCtx::new(&self.data, year))
    }

    /// The scope of every pairing in a year, sorted.
    pub fn scopes(&self, year: i32) -> Arc<Vec<Vec<u32>>> {
        self.scopes.get_or(year, || {
            let ctx = self.year_ctx(year);
            (0..self.data.pairings.len() as u32)
                .map(|p| scope(&self.data, &ctx, p))
                .collect()
        })
    }

    /// A response body computed once per snapshot under `key`.
    pub fn memo<E>(
        &self,
        key: String,
        f: impl FnOnce() -> Result<serde_json::Value, E>,
    ) -> Result<Arc<serde_json::Value>, E> {
        self.memo.get_or_try(key, f)
    }

    /// A response body computed and serialized once per snapshot under
    /// `key`: large bodies are not serialized again for every request.
    pub fn memo_body<E>(
        &self,
        key: String,
        f: impl FnOnce() -> Result<serde_json::Value, E>,
    ) -> Result<axum::body::Bytes, E> {
        let b = self.bodies.get_or_try(key, || {
            f().map(|v| axum::body::Bytes::from(serde_json::to_vec(&v).unwrap_or_default()))
        })?;
        Ok((*b).clone())
    }

    /// A response body computed once under `key` and carried into later
    /// snapshots while the registry, the years and the record `kinds` it
    /// reads stay unchanged.
    pub fn memo_kept<E>(
        &self,
        key: String,
        kinds: &'static [FileKind],
        f: impl FnOnce() -> Result<serde_json::Value, E>,
    ) -> Result<Arc<serde_json::Value>, E> {
        {
            let mut m = lock(&self.memo_kinds);
            // Only a hint of what to carry into the next snapshot: when
            // many keys have come and gone, it starts again (those bodies
            // are then computed again after the next write).
            if m.len() >= 4 * MEMO_KEPT {
                m.clear();
            }
            m.insert(key.clone(), kinds);
        }
        self.memo.get_or_try(key, f)
    }

    /// `year` when the data has it (a year with projects or meetings);
    /// otherwise `not_found`, so that no year outside the data is computed
    /// or kept.
    pub fn known_year(&self, year: i32) -> Result<i32, crate::error::ApiError> {
        if self.years.contains(&year) {
            return Ok(year);
        }
        let message = match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if a == b => xiezuo_domain::Message::new("api.no_year_one")
                .with("year", year)
                .with("first", a),
            (Some(a), Some(b)) => xiezuo_domain::Message::new("api.no_year_data")
                .with("year", year)
                .with("first", a)
                .with("last", b),
            _ => xiezuo_domain::Message::new("api.no_year_any").with("year", year),
        };
        Err(crate::error::ApiError::said(
            crate::error::ErrorKind::NotFound,
            message,
        ))
    }

    /// The assessment of a year under a method, computed once.
    pub fn assessment(&self, year: i32, method: &Method) -> Arc<Assessment> {
        self.assessments.get_or((year, method.id.clone()), || {
            assess(&self.data, year, method)
        })
    }
}

/// The snapshot and its builds.
#[derive(Default)]
struct Snapshots {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Writes stored so far: the generation a build started now includes.
    written: AtomicU64,
    /// A write since the last build changed the registry (not only records).
    registry_changed: AtomicBool,
    /// The kinds written since the last build started.
    changed: Mutex<HashSet<FileKind>>,
    build: Mutex<Build>,
    done: Condvar,
}

#[derive(Default)]
struct Build {
    running: bool,
    /// When the last build started.
    last_started: Option<Instant>,
    /// The generation of the current snapshot.
    built: Option<u64>,
    /// The last build's failure and the generation it was for.
    failed: Option<(u64, String)>,
    stats: BuildStats,
}

/// How snapshot builds went, for benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildStats {
    /// Builds finished (the first included).
    pub builds: u64,
    /// Of which read the whole store; the others kept the registry.
    pub full: u64,
    pub failed: u64,
    /// Total and longest build time, load and warm-up together.
    pub total_ms: u64,
    pub max_ms: u64,
}

/// Read-only store connections, lent one at a time.
#[derive(Default)]
struct Readers {
    free: Mutex<Vec<Box<dyn Store>>>,
    count: AtomicU64,
    returned: Condvar,
}

/// The application state shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Mutex<Box<dyn Store>>>,
    readers: Arc<Readers>,
    /// Checked uploads waiting for their commit.
    pub(crate) uploads: Arc<crate::pending::PendingUploads>,
    /// Background jobs (upload checks and commits, assessments).
    pub(crate) jobs: Arc<crate::jobs::Jobs>,
    snapshots: Arc<Snapshots>,
    /// The default method (xz-v1).
    pub(crate) method: Arc<Method>,
    /// Further methods an assessor may choose, by id.
    pub(crate) methods: Arc<Vec<Arc<Method>>>,
    /// A directory of `<code>.geojson` base maps overriding the built-in one.
    pub(crate) map_dir: Option<std::path::PathBuf>,
    /// The time stamps of writes (RFC 3339), given by the composition root.
    pub(crate) clock: Arc<dyn Fn() -> String + Send + Sync>,
    /// Sign-in sessions, cached accounts, sign-in attempts.
    pub(crate) sessions: Arc<crate::session::Sessions>,
    /// Print one line per snapshot build to standard error.
    pub(crate) log_builds: bool,
    /// The bounds of an upload.
    pub(crate) upload_limits: crate::pending::UploadLimits,
}

/// The shortest time from the start of one snapshot build to the start of
/// the next: it bounds the share of the machine that rebuilding takes under
/// a steady stream of writes, and how stale a read can be.
const BUILD_INTERVAL: std::time::Duration = std::time::Duration::from_millis(1000);

/// The thread that warms a new snapshot: one, so that requests keep the
/// other cores.
fn warm_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "snapshot-warm".into())
            .build()
            .ok()
    })
    .as_ref()
}

/// What the platform is started with: the one way to build its state.
pub struct StateSettings {
    /// The default method (xz-v1).
    pub method: Method,
    /// Further methods an assessor may choose (one with the default's id is
    /// left out).
    pub methods: Vec<Method>,
    /// A directory of `<code>.geojson` base maps overriding the built-in one.
    pub map_dir: Option<std::path::PathBuf>,
    /// The time stamps of writes (RFC 3339).
    pub clock: Arc<dyn Fn() -> String + Send + Sync>,
    /// Print one line per snapshot build to standard error.
    pub log_builds: bool,
    /// The bounds of an upload (request body, unpacked bytes, ratio).
    pub upload_limits: crate::pending::UploadLimits,
}

impl Default for StateSettings {
    fn default() -> StateSettings {
        StateSettings {
            method: Method::default_v1(),
            methods: Vec::new(),
            map_dir: None,
            clock: Arc::new(String::new),
            log_builds: false,
            upload_limits: Default::default(),
        }
    }
}

impl AppState {
    /// The state of a platform on `store` (the write connection) and
    /// `readers` (read-only connections to the same store: reads and
    /// snapshot builds use them, so they do not queue behind writes;
    /// without any, reads share the write connection).
    pub fn new(
        store: Box<dyn Store>,
        readers: Vec<Box<dyn Store>>,
        settings: StateSettings,
    ) -> AppState {
        let count = readers.len() as u64;
        let methods = settings
            .methods
            .into_iter()
            .filter(|m| m.id != settings.method.id)
            .map(Arc::new)
            .collect();
        AppState {
            store: Arc::new(Mutex::new(store)),
            readers: Arc::new(Readers {
                free: Mutex::new(readers),
                count: AtomicU64::new(count),
                returned: Condvar::new(),
            }),
            uploads: Default::default(),
            jobs: Default::default(),
            snapshots: Arc::new(Snapshots::default()),
            method: Arc::new(settings.method),
            methods: Arc::new(methods),
            map_dir: settings.map_dir,
            clock: settings.clock,
            sessions: Default::default(),
            log_builds: settings.log_builds,
            upload_limits: settings.upload_limits,
        }
    }

    /// The current snapshot. Only the very first call waits for one to be
    /// built; later calls get the current one even while a newer one is
    /// being built.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        if let Some(s) = self.current() {
            return Ok(s);
        }
        self.wait_for(0)
    }

    /// The current snapshot if there is one (never waits).
    pub fn current_snapshot(&self) -> Option<Arc<Snapshot>> {
        self.current()
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        self.snapshots
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The number of writes stored so far through this server.
    pub fn generation(&self) -> u64 {
        self.snapshots.written.load(Ordering::SeqCst)
    }

    /// Records a stored write of rows of `kinds` and starts a build of a
    /// snapshot that includes it; returns the write's generation (for
    /// `wait_for`). Call it after the write is committed.
    pub fn written(&self, kinds: &[FileKind]) -> u64 {
        let s = &self.snapshots;
        if kinds
            .iter()
            .any(|k| AssessmentData::REGISTRY_KINDS.contains(k))
        {
            s.registry_changed.store(true, Ordering::SeqCst);
        }
        lock(&s.changed).extend(kinds.iter().copied());
        let g = s.written.fetch_add(1, Ordering::SeqCst) + 1;
        self.start_build(&mut lock(&s.build));
        g
    }

    /// Waits until the current snapshot includes generation `g` (builds
    /// one if none is running) and returns it. Blocks: call it from a
    /// blocking thread.
    pub fn wait_for(&self, g: u64) -> Result<Arc<Snapshot>, StoreError> {
        let s = &self.snapshots;
        let mut b = lock(&s.build);
        let mut started = false;
        loop {
            if b.built.is_some_and(|built| built >= g)
                && let Some(snap) = self.current()
            {
                return Ok(snap);
            }
            if !b.running {
                // The build this call started has failed: say why.
                if started && let Some((_, e)) = &b.failed {
                    return Err(StoreError::Backend(e.clone()));
                }
                self.start_build(&mut b);
                started = true;
                continue;
            }
            b = s.done.wait(b).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The snapshot with every write stored so far (waits for it).
    pub fn fresh_snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        self.wait_for(self.generation())
    }

    /// How snapshot builds went so far.
    pub fn build_stats(&self) -> BuildStats {
        lock(&self.snapshots.build).stats
    }

    /// Starts the build thread unless it runs (the caller holds `build`).
    fn start_build(&self, b: &mut Build) {
        if b.running {
            return;
        }
        b.running = true;
        b.failed = None;
        let st = self.clone();
        let spawned = std::thread::Builder::new()
            .name("snapshot".into())
            .spawn(move || st.build_loop());
        if let Err(e) = spawned {
            b.running = false;
            b.failed = Some((u64::MAX, format!("cannot start a snapshot build: {e}")));
            self.snapshots.done.notify_all();
        }
    }

    /// Builds snapshots until one includes every write stored so far.
    fn build_loop(&self) {
        let s = &self.snapshots;
        loop {
            // Under a steady stream of writes, builds start at most every
            // BUILD_INTERVAL: the writes meanwhile go into one build.
            let last = lock(&s.build).last_started;
            if let Some(wait) = last.and_then(|t| BUILD_INTERVAL.checked_sub(t.elapsed())) {
                std::thread::sleep(wait);
            }
            lock(&s.build).last_started = Some(Instant::now());
            let target = s.written.load(Ordering::SeqCst);
            let base = self.current();
            let full = s.registry_changed.swap(false, Ordering::SeqCst) || base.is_none();
            let changed = std::mem::take(&mut *lock(&s.changed));
            let started = Instant::now();
            let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.build(base.as_deref(), full, &changed, target)
            }))
            .unwrap_or_else(|_| Err(StoreError::Backend("the snapshot build failed".into())));
            let ms = started.elapsed().as_millis() as u64;
            if self.log_builds {
                let what = if full { "full" } else { "records" };
                match &built {
                    Ok((_, t)) => eprintln!(
                        "snapshot {target}: {what} build in {ms} ms (read {} ms, warm {} ms)",
                        t.0, t.1
                    ),
                    Err(e) => {
                        eprintln!("snapshot {target}: {what} build failed after {ms} ms: {e}")
                    }
                }
            }
            let mut b = lock(&s.build);
            match built {
                Ok((snap, _)) => {
                    *s.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(snap));
                    b.built = Some(target);
                    b.stats.builds += 1;
                    b.stats.full += u64::from(full);
                    b.stats.total_ms += ms;
                    b.stats.max_ms = b.stats.max_ms.max(ms);
                }
                Err(e) => {
                    // The next build reads what this one should have.
                    if full {
                        s.registry_changed.store(true, Ordering::SeqCst);
                    }
                    lock(&s.changed).extend(changed);
                    b.stats.failed += 1;
                    b.failed = Some((target, e.to_string()));
                    b.running = false;
                    s.done.notify_all();
                    return;
                }
            }
            s.done.notify_all();
            // A write that lands after this check starts a new build itself.
            if s.written.load(Ordering::SeqCst) == target {
                b.running = false;
                return;
            }
        }
    }

    /// A snapshot with generation `target`: the registry kept from `base`
    /// unless `full`, and warmed with what `base` had computed; the bodies
    /// of `base` that read none of the `changed` kinds carried over. Also
    /// returns how long reading and warming took (ms).
    fn build(
        &self,
        base: Option<&Snapshot>,
        full: bool,
        changed: &HashSet<FileKind>,
        target: u64,
    ) -> Result<(Snapshot, (u64, u64)), StoreError> {
        let started = Instant::now();
        let data = self.with_reader(|store| {
            read_consistent(store, |st| match base {
                Some(b) if !full => {
                    let kinds: Vec<FileKind> = changed.iter().copied().collect();
                    b.data.reload_kinds(st, &kinds)
                }
                _ => AssessmentData::load(st),
            })
        })?;
        let years = years_of(&data);
        let index = Index::new(&data);
        let read_ms = started.elapsed().as_millis() as u64;
        // Year roll-ups and scopes depend only on the registry.
        let (year_ctx, scopes) = match base {
            Some(b) if !full => (
                Once::with(YEARS_KEPT, b.year_ctx.filled()),
                Once::with(YEARS_KEPT, b.scopes.filled()),
            ),
            _ => (Once::new(YEARS_KEPT), Once::new(YEARS_KEPT)),
        };
        let (memo, memo_kinds) = match base {
            Some(b) if !full && b.years == years => {
                let kinds = lock(&b.memo_kinds).clone();
                let kept: HashMap<String, &'static [FileKind]> = kinds
                    .into_iter()
                    .filter(|(_, ks)| !ks.iter().any(|k| changed.contains(k)))
                    .collect();
                let bodies = b
                    .memo
                    .filled()
                    .into_iter()
                    .filter(|(k, _)| kept.contains_key(k))
                    .collect();
                (Once::with(MEMO_KEPT, bodies), kept)
            }
            _ => (Once::new(MEMO_KEPT), HashMap::new()),
        };
        let snap = Snapshot {
            data,
            years,
            index,
            generation: target,
            assessments: Once::new(ASSESSMENTS_KEPT),
            year_ctx,
            scopes,
            memo,
            bodies: Once::new(BODIES_KEPT),
            memo_kinds: Mutex::new(memo_kinds),
        };
        let warm_started = Instant::now();
        if let Some(b) = base {
            let warm = || {
                for (y, _) in b.year_ctx.filled() {
                    snap.year_ctx(y);
                }
                for (y, _) in b.scopes.filled() {
                    snap.scopes(y);
                }
                for ((y, m), _) in b.assessments.filled() {
                    if let Some(method) = self.method_by_id(Some(&m)) {
                        snap.assessment(y, &method);
                    }
                }
            };
            match warm_pool() {
                Some(pool) => pool.install(warm),
                None => warm(),
            }
        }
        let warm_ms = warm_started.elapsed().as_millis() as u64;
        Ok((snap, (read_ms, warm_ms)))
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
        let mut store = lock(&self.store);
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

    /// Runs `f` with a read-only connection (the write connection when the
    /// server has none). It sees every write committed before it starts.
    pub fn with_reader<T>(&self, f: impl FnOnce(&dyn Store) -> T) -> T {
        let r = &self.readers;
        if r.count.load(Ordering::SeqCst) == 0 {
            return self.with_store(|s| f(s));
        }
        blocking(|| {
            let mut free = lock(&r.free);
            let store = loop {
                match free.pop() {
                    Some(s) => break s,
                    None => free = r.returned.wait(free).unwrap_or_else(|e| e.into_inner()),
                }
            };
            drop(free);
            // Given back even if `f` panics.
            struct Lend<'a>(&'a Readers, Option<Box<dyn Store>>);
            impl Drop for Lend<'_> {
                fn drop(&mut self) {
                    if let Some(s) = self.1.take() {
                        lock(&self.0.free).push(s);
                        self.0.returned.notify_one();
                    }
                }
            }
            let lend = Lend(r, Some(store));
            match lend.1.as_deref() {
                Some(s) => f(s),
                None => unreachable!("a lent connection is present until dropped"),
            }
        })
    }

    /// Runs `f` with a read-only connection; without any, with the write
    /// connection if no write holds it now.
    pub fn try_with_reader<T>(&self, f: impl FnOnce(&dyn Store) -> T) -> Option<T> {
        if self.readers.count.load(Ordering::SeqCst) == 0 {
            return self.try_with_store(|s| f(s));
        }
        Some(self.with_reader(f))
    }

    /// The current snapshot, or the first one built on a blocking thread
    /// (for async handlers).
    pub async fn snapshot_now(&self) -> Result<Arc<Snapshot>, crate::error::ApiError> {
        if let Some(s) = self.current_snapshot() {
            return Ok(s);
        }
        let st = self.clone();
        tokio::task::spawn_blocking(move || st.snapshot())
            .await
            .map_err(crate::error::ApiError::internal)?
            .map_err(crate::error::ApiError::from)
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
