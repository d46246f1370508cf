//! One module per subcommand.

pub mod appeal;
pub mod assess;
pub mod backup;
pub mod bench;
pub mod check;
pub mod config;
pub mod correction;
pub mod demo;
pub mod explain;
pub mod export;
pub mod generate;
pub mod import;
pub mod matching;
pub mod migrate_store;
pub mod reconcile;
pub mod round;
pub mod sample;
pub mod serve;
pub mod user;

use crate::Command;
use crate::settings::Settings;
use anyhow::Result;
use std::process::ExitCode;

/// Runs a parsed command with the resolved `settings`: on the store they
/// choose, acting as their actor (default: the operating-system user).
pub fn run(command: Command, settings: &Settings) -> Result<ExitCode> {
    let store = &settings.store;
    let actor = settings.actor.clone().unwrap_or_else(os_user);
    match command {
        Command::Import(a) => import::run(store, &actor, a),
        Command::Export(a) => export::run(store, a),
        Command::Assess(a) => assess::run(store, a),
        Command::Explain(a) => explain::run(store, a),
        Command::Generate(a) => generate::run(a),
        Command::Demo(a) => demo::run(store, &actor, a),
        Command::Bench(a) => bench::run(a),
        Command::Match(a) => matching::run_match(store, &actor, a),
        Command::Station(a) => matching::run_station(store, a),
        Command::Serve(_) => serve::run(store, &settings.serve),
        Command::Backup(a) => backup::backup(store, a),
        Command::Restore(a) => backup::restore(store, a),
        Command::MigrateStore(a) => migrate_store::run(store, a),
        Command::User(a) => user::run(store, &actor, a),
        Command::Round(a) => round::run(store, &actor, a),
        Command::Appeal(a) => appeal::run(store, &actor, a),
        Command::Correction(a) => correction::run(store, &actor, a),
        Command::Check(a) => check::run(store, &actor, a),
        Command::Freeze(a) => round::freeze(store, &actor, a),
        Command::Sample(a) => sample::run(store, &actor, a),
        Command::Reconcile(a) => reconcile::run(store, a),
        Command::Config(a) => config::run(settings, a),
        Command::Schema => {
            print!("{}", xiezuo_exchange::schema::labels_markdown());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The operating-system user, for the audit trail.
pub fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_string())
}

/// The current time as RFC 3339: the one place the program reads the clock.
#[allow(clippy::disallowed_methods)]
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
