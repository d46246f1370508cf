//! `xiezuo correction file|show|decide|list`: correction requests (更正申请)
//! of a frozen year. The command line acts at the national level: it files
//! with the store's own rights and decides any correction it did not file
//! (the actor is the audit trail's).

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::correction::{self, Correction, CorrectionError, Filer};
use xiezuo_engine::import::{NamedFile, Source, WriteScope};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// File a correction: the corrected rows of the frozen year, as
    /// dataset files (CSV or XLSX) of the kinds the year reads.
    File {
        #[arg(long)]
        year: i32,
        /// Why the frozen records are wrong.
        #[arg(long)]
        reason: String,
        /// The dataset files with the corrected rows.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show a correction: every changed field and, while it is pending,
    /// its effect on the frozen indicators, scores, grades and findings.
    Show {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        id: u32,
        /// Method file (TOML); default: the shipped method xz-v1.
        #[arg(long, value_name = "FILE")]
        method: Option<PathBuf>,
    },
    /// Approve (import the rows, make the round's next frozen version) or
    /// reject a correction, with a comment.
    Decide {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        id: u32,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        approve: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long)]
        comment: String,
        /// Method file (TOML); default: the shipped method xz-v1.
        #[arg(long, value_name = "FILE")]
        method: Option<PathBuf>,
    },
    /// List a year's corrections and their decisions.
    List {
        #[arg(long)]
        year: i32,
    },
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    let mut store = settings.open()?;
    let at = super::now_rfc3339();
    match a.action {
        Action::File {
            year,
            reason,
            files,
        } => {
            let mut named = Vec::new();
            for f in &files {
                let bytes =
                    std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                named.push(NamedFile {
                    name,
                    bytes: bytes.into(),
                });
            }
            let filer = Filer {
                login: actor,
                region: None,
                scope: WriteScope::Everywhere,
            };
            let r = correction::file(
                store.as_mut(),
                year,
                Source::Files(&named),
                filer,
                &reason,
                &at,
            );
            return finish(r, "filed");
        }
        Action::Show { year, id, method } => {
            let c = correction::correction(store.as_ref(), year, id)?;
            print_correction(&c);
            let effect = match &c.decision {
                Some(d) => d.effect.clone(),
                None => {
                    let m = super::assess::load_method(method.as_ref())?;
                    Some(correction::effect(store.as_ref(), &c, &m)?)
                }
            };
            if let Some(e) = effect {
                println!("effect on the frozen result:");
                for i in &e.indicators {
                    println!(
                        "  {} {}: {} → {}",
                        i.pairing_id, i.indicator, i.frozen, i.corrected
                    );
                }
                for s in &e.scores {
                    println!(
                        "  {} {} score {} → {}, grade {} → {}",
                        s.pairing_id,
                        s.side,
                        s.frozen_total,
                        s.corrected_total,
                        s.frozen_grade,
                        s.corrected_grade
                    );
                }
                for f in &e.findings {
                    println!(
                        "  {} finding {} on {} {} {}",
                        f.pairing_id,
                        f.finding,
                        f.record_kind,
                        f.record_id,
                        if f.raised { "raised" } else { "cleared" }
                    );
                }
            }
        }
        Action::Decide {
            year,
            id,
            approve,
            reject: _,
            comment,
            method,
        } => {
            let m = super::assess::load_method(method.as_ref())?;
            let r = correction::decide(store.as_mut(), year, id, approve, &comment, &m, actor, &at);
            return finish(r, "stored");
        }
        Action::List { year } => {
            let list = correction::corrections(store.as_ref(), year)?;
            if list.is_empty() {
                println!("no corrections for {year}");
            }
            for c in &list {
                print_correction(c);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a filed or decided correction, or the row errors that refused it
/// (nothing `what` then).
fn finish(r: Result<Correction, CorrectionError>, what: &str) -> Result<ExitCode> {
    match r {
        Ok(c) => {
            print_correction(&c);
            Ok(ExitCode::SUCCESS)
        }
        Err(CorrectionError::Invalid(report)) => {
            for e in &report.errors {
                eprintln!("{}", e.error);
            }
            eprintln!("{} errors: nothing was {what}", report.errors.len());
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

fn print_correction(c: &Correction) {
    println!(
        "correction {} of {}: {} rows — {} [{} {}]",
        c.id,
        c.year,
        c.changes.len(),
        c.reason,
        c.by,
        c.at
    );
    for ch in &c.changes {
        let what = if ch.old.is_some() { "changed" } else { "new" };
        println!("  {} {} ({what})", ch.kind, ch.key);
        for (col, old, new) in ch.fields() {
            println!("    {col}: {} → {new}", old.unwrap_or(""));
        }
    }
    match &c.decision {
        None => println!("  pending"),
        Some(d) => println!(
            "  {} by {} {}: {}{}",
            if d.approved { "approved" } else { "rejected" },
            d.by,
            d.at,
            d.comment,
            d.version
                .map(|v| format!(" (frozen version {v}, batch {})", d.batch.unwrap_or(0)))
                .unwrap_or_default()
        ),
    }
}
