//! `xiezuo check record|report`: the cross-check teams' results (核查结果)
//! on a round's sample, and the verified rates they give.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::round::check::{self, CheckError};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Record the results of a filled-in sample.csv (result: confirmed,
    /// not_found, discrepant, falsified; the evidence in note), during the
    /// round's cross-check step. Nothing is stored if any row is bad.
    Record {
        #[arg(long)]
        year: i32,
        /// Method file the sample was drawn with; default: xz-v1.
        #[arg(long, value_name = "FILE")]
        method: Option<PathBuf>,
        /// The filled-in sample.csv.
        file: PathBuf,
    },
    /// Apply the penalties of the falsified records (the method's
    /// `[penalties]`) as the round's next frozen version, once, at the end
    /// of the cross-check step.
    Apply {
        #[arg(long)]
        year: i32,
        /// Method file (TOML); default: the shipped method xz-v1.
        #[arg(long, value_name = "FILE")]
        method: Option<PathBuf>,
    },
    /// Write cross_check.csv: verified rates with 95 % intervals, and the
    /// indicators they adjust.
    Report {
        #[arg(long)]
        year: i32,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    let mut store = settings.open()?;
    match a.action {
        Action::Record { year, method, file } => {
            let m = super::assess::load_method(method.as_ref())?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file
                .file_name()
                .map_or_else(|| "sample.csv".into(), |n| n.to_string_lossy().into_owned());
            let at = super::now_rfc3339();
            match check::record(store.as_mut(), year, &name, &bytes, &m, actor, &at) {
                Ok(n) => println!("recorded {n} results of the {year} cross-check"),
                Err(CheckError::Rows(errors)) => {
                    for e in &errors {
                        eprintln!("{e}");
                    }
                    println!("{} errors; nothing was stored", errors.len());
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Action::Apply { year, method } => {
            let m = super::assess::load_method(method.as_ref())?;
            let at = super::now_rfc3339();
            let v = xiezuo_engine::round::penalty::apply(store.as_mut(), year, &m, actor, &at)?;
            println!(
                "penalties applied: the {year} round's result is now frozen version {v} (penalties.csv beside the outputs)"
            );
        }
        Action::Report { year, out } => {
            let bytes = check::report(store.as_ref(), year)?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let path = out.join("cross_check.csv");
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            println!("output: {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
