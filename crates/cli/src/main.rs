//! `xiezuo`: the command line of the East-West cooperation platform. It
//! parses arguments, resolves the settings (defaults, `--config` file,
//! `XIEZUO_*` environment, flags), opens the store they choose, takes the
//! time and the actor, and hands over to the engine.

mod commands;
mod db;
mod settings;

use clap::{Parser, Subcommand};

// Import moves millions of small values between a parser thread and the
// writer; mimalloc keeps that cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

/// Xiezuo (协作): East-West cooperation (东西部协作) data and yearly assessment (考核).
///
/// Settings come from built-in defaults, then the TOML file of `--config`
/// (or `XIEZUO_CONFIG`), then `XIEZUO_*` variables, then flags; `xiezuo
/// config check` shows the result.
#[derive(Parser)]
#[command(name = "xiezuo", version, about, long_about = None)]
pub struct Cli {
    /// Settings file (TOML: `actor`, `[store] db, key_file`, `[serve] addr,
    /// map_dir, methods_dir, log_snapshots, header_timeout_secs,
    /// max_connections, max_upload_mib`). Env: XIEZUO_CONFIG.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Store: a file path or sqlite://PATH (embedded SQLite), or
    /// postgres://USER@HOST:PORT/DB (PostgreSQL); default ./xiezuo.db.
    /// Env: XIEZUO_DB.
    #[arg(long, global = true)]
    pub db: Option<String>,
    /// Who is acting, for the audit trail; default: the operating-system
    /// user. Env: XIEZUO_ACTOR.
    #[arg(long, global = true)]
    pub actor: Option<String>,
    /// The personal-data key file (64 hex digits; created with a new store).
    /// Default: <store file>.key beside an embedded store. Keep it apart
    /// from backups. Env: XIEZUO_KEY_FILE.
    #[arg(long, global = true)]
    pub key_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// What the flags set, as the top settings layer.
    fn flag_layer(&self) -> settings::Layer {
        settings::Layer {
            actor: self.actor.clone(),
            store: settings::StoreLayer {
                db: self.db.clone(),
                key_file: self.key_file.clone(),
            },
            serve: match &self.command {
                Command::Serve(a) => a.flag_layer(),
                _ => settings::ServeLayer::default(),
            },
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Import a dataset directory (CSV or XLSX files of exchange format v1).
    Import(commands::import::Args),
    /// Export the stored data as a dataset directory.
    Export(commands::export::Args),
    /// Run the yearly assessment and write indicators, scores and findings.
    Assess(commands::assess::Args),
    /// List the records behind one indicator or finding of one pairing.
    Explain(commands::explain::Args),
    /// Generate a realistic synthetic dataset.
    Generate(commands::generate::Args),
    /// Generate a demo dataset, import it, assess the latest year, show the ranking, and serve the platform.
    Demo(commands::demo::Args),
    /// Serve the web platform (dashboards, map, drill-down, API) on the store.
    Serve(commands::serve::Args),
    /// Time import and assessment at national scale; write a results file.
    Bench(commands::bench::Args),
    /// Match job seekers to postings (劳务协作): optimal proposals, reasons for the unmatched.
    Match(commands::matching::MatchArgs),
    /// A labour station's view: seekers, open postings, proposals, placements, retention.
    Station(commands::matching::StationArgs),
    /// Write an online, consistent copy of the store to a file.
    Backup(commands::backup::BackupArgs),
    /// Put a backup back as the store.
    Restore(commands::backup::RestoreArgs),
    /// Move a whole store into a new, empty one (e.g. SQLite to PostgreSQL), then verify it.
    MigrateStore(commands::migrate_store::Args),
    /// Accounts and API tokens: add, list, disable, enable, passwd, token, tokens, revoke.
    User(commands::user::Args),
    /// The assessment round of a year (考核轮次): open, show, advance.
    Round(commands::round::Args),
    /// Freeze a round's data at the cut-off (数据锁定): assess then gives the frozen result.
    Freeze(commands::round::FreezeArgs),
    /// Appeals of a round in review (申诉): file, decide (an upheld one re-runs the frozen assessment), list.
    Appeal(commands::appeal::Args),
    /// Correction requests of a frozen year (更正申请): file the corrected rows, show the diff and its effect, approve or reject.
    Correction(commands::correction::Args),
    /// Draw the cross-check sample of a frozen year (交叉核查抽样): records and teams by lot.
    Sample(commands::sample::Args),
    /// Reconcile what both sides report (对账): funds, placements, secondments, purchases; write findings and traceability.
    Reconcile(commands::reconcile::Args),
    /// Cross-check results (核查结果) on a round's sample: record a filled-in sample.csv, report verified rates.
    Check(commands::check::Args),
    /// Print the exchange-format column table (English and Chinese headers).
    Schema,
    /// The settings: `config check` prints them resolved, each with its source.
    Config(commands::config::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: settings::Env = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v)))
        .filter(|(k, _)| k.starts_with("XIEZUO_"))
        .collect();
    let flags = cli.flag_layer();
    let settings = match settings::Settings::load(cli.config.clone(), &env, flags) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match commands::run(cli.command, &settings) {
        Ok(code) => code,
        // A closed pipe (`xiezuo explain … | head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || c.downcast_ref::<csv::Error>().is_some_and(|ce| matches!(ce.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The default store location.
pub fn default_db() -> PathBuf {
    PathBuf::from("xiezuo.db")
}
