//! `xiezuo config check`: the resolved settings (设置), each with where it
//! came from, secrets redacted. It opens and creates nothing.

use crate::db::Location;
use crate::settings::{Settings, redact_db};
use anyhow::{Context, Result};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(clap::Subcommand)]
pub enum ConfigCommand {
    /// Print the resolved settings, each with its source (default, file,
    /// env or flag), and check that the store location parses. Exit 0 when
    /// the settings are valid, 2 otherwise.
    Check,
}

pub fn run(settings: &Settings, a: Args) -> Result<ExitCode> {
    match a.command {
        ConfigCommand::Check => check(settings),
    }
}

fn check(settings: &Settings) -> Result<ExitCode> {
    match &settings.file {
        Some(f) => println!("settings file: {} ({})", f.path.display(), f.named_by),
        None => println!("settings file: none (pass --config FILE or set XIEZUO_CONFIG)"),
    }
    let entries = settings.entries();
    let width = entries.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    for (key, value, source) in &entries {
        println!("{key:<width$} = {value}  ({source})");
    }
    let location = settings.store.location().context("store.db")?;
    let key_file = settings
        .store
        .key_file_for(&location)
        .context("store.key_file")?;
    match &location {
        Location::Sqlite(p) => println!("store: embedded SQLite file {}", p.display()),
        Location::Postgres(url) => println!("store: PostgreSQL database {}", redact_db(url)),
    }
    println!("key file: {}", key_file.display());
    println!("settings are valid");
    Ok(ExitCode::SUCCESS)
}
