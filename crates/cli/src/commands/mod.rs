//! One module per subcommand.

pub mod assess;
pub mod backup;
pub mod bench;
pub mod demo;
pub mod explain;
pub mod export;
pub mod generate;
pub mod import;
pub mod matching;
pub mod migrate_store;
pub mod serve;
pub mod user;

use crate::{Cli, Command};
use anyhow::Result;
use std::process::ExitCode;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let actor = cli.actor.clone().unwrap_or_else(os_user);
    match cli.command {
        Command::Import(a) => import::run(cli.db.as_deref(), &actor, a),
        Command::Export(a) => export::run(cli.db.as_deref(), a),
        Command::Assess(a) => assess::run(cli.db.as_deref(), a),
        Command::Explain(a) => explain::run(cli.db.as_deref(), a),
        Command::Generate(a) => generate::run(a),
        Command::Demo(a) => demo::run(cli.db.as_deref(), &actor, a),
        Command::Bench(a) => bench::run(a),
        Command::Match(a) => matching::run_match(cli.db.as_deref(), &actor, a),
        Command::Station(a) => matching::run_station(cli.db.as_deref(), a),
        Command::Serve(a) => serve::run(cli.db.as_deref(), a),
        Command::Backup(a) => backup::backup(cli.db.as_deref(), a),
        Command::Restore(a) => backup::restore(cli.db.as_deref(), a),
        Command::MigrateStore(a) => migrate_store::run(a),
        Command::User(a) => user::run(cli.db.as_deref(), &actor, a),
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
