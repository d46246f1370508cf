//! `xiezuo migrate-store --from URL --to URL`: moves a whole store into a
//! new, empty one, typically from the embedded SQLite file to PostgreSQL.
//! Every kind's rows keep their row ids, batch ids and dense references;
//! the batches, the audit trail, accounts, tokens, the access log and the
//! settings come along. Rows move as stored, so personal data stays sealed
//! and no key is needed; the new store opens with the old store's key file.

use anyhow::{Context, Result, bail};
use std::process::ExitCode;
use std::time::Instant;
use xiezuo_store::copy::copy_store;

use crate::db::{Location, open_copy, parse_location};

#[derive(clap::Args)]
pub struct Args {
    /// The store to copy: a file path, sqlite://PATH or postgres://USER@HOST:PORT/DB.
    #[arg(long)]
    pub from: String,
    /// The new, empty store to copy into (refused when it holds anything).
    #[arg(long)]
    pub to: String,
}

fn shown(loc: &Location) -> String {
    match loc {
        Location::Sqlite(p) => p.display().to_string(),
        Location::Postgres(url) => xiezuo_store_postgres::redact(url),
    }
}

pub fn run(settings: &crate::db::StoreSettings, a: Args) -> Result<ExitCode> {
    let from = parse_location(&a.from).context("--from")?;
    let to = parse_location(&a.to).context("--to")?;
    if from == to {
        bail!("--from and --to name the same store");
    }
    if let Location::Sqlite(p) = &from
        && !p.exists()
    {
        bail!("{} does not exist", p.display());
    }
    let source = open_copy(&from)?;
    let mut target = open_copy(&to)?;
    let started = Instant::now();
    let copied = copy_store(source.as_ref(), target.as_mut())
        .with_context(|| format!("copying {} into {}", shown(&from), shown(&to)))?;
    let now = source.totals()?;
    println!(
        "copied {} into {} in {:.1} s; the new store holds the same counts:\n{copied}",
        shown(&from),
        shown(&to),
        started.elapsed().as_secs_f64()
    );
    if now != copied {
        println!(
            "note: {} changed while it was copied; the copy holds the state of one moment",
            shown(&from)
        );
    }
    let key = match settings.key_file_for(&from) {
        Ok(k) => k.display().to_string(),
        Err(_) => "the source's key file".to_string(),
    };
    println!("Personal data moved sealed: open the new store with --key-file {key}.");
    Ok(ExitCode::SUCCESS)
}
