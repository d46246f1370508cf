//! `xiezuo serve`: the web platform on the chosen store.

use crate::settings::{ServeLayer, ServeSettings};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// The flags of `serve`. Their values are the top layer of the settings
/// (`[serve]` in the settings file); `serve` reads the resolved ones.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port); default
    /// 127.0.0.1:8080. Env: XIEZUO_ADDR.
    #[arg(long)]
    pub addr: Option<String>,
    /// Directory of `<division code>.geojson` base maps to use instead of
    /// the built-in one (e.g. an approved base map). Env: XIEZUO_MAP_DIR.
    #[arg(long)]
    pub map_dir: Option<PathBuf>,
    /// Directory of further assessment method files (*.toml) to offer
    /// beside xz-v1. Env: XIEZUO_METHODS_DIR.
    #[arg(long)]
    pub methods_dir: Option<PathBuf>,
    /// Print one line per snapshot build (the writes it includes, whether
    /// it read the whole store, how long it took) to standard error.
    /// Env: XIEZUO_LOG_SNAPSHOTS.
    #[arg(long)]
    pub log_snapshots: bool,
    /// Seconds a client may take to send a request's head (line and
    /// headers) before its connection is closed; default 10.
    /// Env: XIEZUO_HEADER_TIMEOUT.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: Option<u64>,
    /// The most connections served at once (beyond it, new ones wait);
    /// default 1024. Env: XIEZUO_MAX_CONNECTIONS.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: Option<u64>,
    /// The largest upload request body (files or a zip of them), in MiB;
    /// default 256. Env: XIEZUO_MAX_UPLOAD_MIB.
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_upload_mib: Option<u64>,
}

impl Args {
    /// What these flags set, as the top settings layer.
    pub fn flag_layer(&self) -> ServeLayer {
        ServeLayer {
            addr: self.addr.clone(),
            map_dir: self.map_dir.clone(),
            methods_dir: self.methods_dir.clone(),
            log_snapshots: self.log_snapshots.then_some(true),
            header_timeout_secs: self.header_timeout,
            max_connections: self.max_connections.map(|n| n as usize),
            max_upload_mib: self.max_upload_mib,
        }
    }
}

/// Read-only connections beside the write connection: for registry pages,
/// records, sign-in look-ups and snapshot builds, so that reads do not queue
/// behind writes.
const READERS: usize = 8;

/// Serves the platform until the process is stopped.
pub fn serve(settings: &crate::db::StoreSettings, a: &ServeSettings) -> Result<ExitCode> {
    let store = settings.open()?;
    let readers = (0..READERS)
        .map(|_| settings.open())
        .collect::<Result<Vec<_>>>()?;
    let mut methods = Vec::new();
    if let Some(dir) = &a.methods_dir {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("reading methods from {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            methods.push(xiezuo_engine::assess::method::Method::load(&f)?);
        }
    }
    let state = xiezuo_web::AppState::new(
        store,
        readers,
        xiezuo_web::StateSettings {
            method: xiezuo_engine::assess::method::Method::default_v1(),
            methods,
            map_dir: a.map_dir.clone(),
            clock: std::sync::Arc::new(super::now_rfc3339),
            log_builds: a.log_snapshots,
            upload_limits: xiezuo_web::UploadLimits {
                body_bytes: a.max_upload_mib.saturating_mul(1 << 20),
                ..Default::default()
            },
        },
    );
    // The store is closed outside the runtime: a backend with a runtime of
    // its own cannot be dropped inside an async task.
    let _store_owner = state.clone();
    let addr = a.addr.clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .with_context(|| {
                format!("cannot listen on {addr} (is another server using it? choose another address with --addr HOST:PORT, or port 0 for a free one)")
            })?;
        let addr = listener.local_addr()?;
        println!("listening on http://{addr}/");
        // Warm the snapshot so the first page is fast.
        let warm = state.clone();
        tokio::task::spawn_blocking(move || warm.snapshot());
        let limits = xiezuo_web::ServeLimits {
            header_read_timeout: std::time::Duration::from_secs(a.header_timeout_secs.max(1)),
            max_connections: a.max_connections,
        };
        xiezuo_web::serve_with(listener, state, limits)
            .await
            .context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(settings: &crate::db::StoreSettings, a: &ServeSettings) -> Result<ExitCode> {
    serve(settings, a)
}
