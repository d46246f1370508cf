//! `xiezuo round open|show|advance|report` and `xiezuo freeze`: the
//! assessment round of a year (考核轮次), the freeze of its data (数据锁定)
//! and its published result (审定公布): the round's XLSX and each party's
//! print-ready report.

use anyhow::{Context, Result};
use std::process::ExitCode;
use xiezuo_engine::round::{self, Round, RoundState};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Open the round of a year under a method.
    Open {
        #[arg(long)]
        year: i32,
        /// Method file (TOML); default: the shipped method xz-v1.
        #[arg(long, value_name = "FILE")]
        method: Option<std::path::PathBuf>,
        /// Why, for the round's record.
        #[arg(long, default_value = "opened for reporting")]
        reason: String,
    },
    /// Show a year's round (or every round), its freeze and its history.
    Show {
        #[arg(long)]
        year: Option<i32>,
    },
    /// Move a round one step on: self_evaluation, cross_check, review,
    /// approved, published.
    Advance {
        #[arg(long)]
        year: i32,
        /// The next state.
        #[arg(long)]
        to: String,
        /// Why, for the round's record (required).
        #[arg(long)]
        reason: String,
    },
    /// Write the round's frozen result: `round-YEAR.xlsx` (every part of the
    /// round, one sheet each) and each party's print-ready HTML report
    /// (`report-PAIRING-SIDE.html`, in Chinese), marked 初步结果 until the
    /// round is published.
    Report {
        #[arg(long)]
        year: i32,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// Only this pairing's reports.
        #[arg(long)]
        pairing: Option<String>,
        /// Only this side's reports: east or west.
        #[arg(long)]
        side: Option<String>,
        /// Method file (TOML) the round was assessed with; default: the
        /// shipped method xz-v1.
        #[arg(long, value_name = "FILE")]
        method: Option<std::path::PathBuf>,
    },
}

#[derive(clap::Args)]
pub struct FreezeArgs {
    /// The year whose data the round freezes.
    #[arg(long)]
    pub year: i32,
    /// Method file (TOML); default: the shipped method xz-v1.
    #[arg(long, value_name = "FILE")]
    pub method: Option<std::path::PathBuf>,
    /// Why, for the round's record (required): e.g. the cut-off.
    #[arg(long)]
    pub reason: String,
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    let mut store = settings.open()?;
    let at = super::now_rfc3339();
    match a.action {
        Action::Open {
            year,
            method,
            reason,
        } => {
            let m = super::assess::load_method(method.as_ref())?;
            let r = round::open(store.as_mut(), year, &m.id, actor, &reason, &at)?;
            print_round(&r);
        }
        Action::Show { year } => {
            let rounds = round::rounds(store.as_ref())?;
            let shown: Vec<&Round> = rounds
                .values()
                .filter(|r| year.is_none_or(|y| r.year == y))
                .collect();
            if shown.is_empty() {
                match year {
                    Some(y) => anyhow::bail!(round::RoundError::NoRound(y)),
                    None => println!("no assessment rounds"),
                }
            }
            // Today in China time, for the late steps.
            let today = xiezuo_engine::schedule::china_date(&at);
            for r in shown {
                print_round(r);
                let m = super::assess::load_method(None)?;
                if m.id == r.method_id {
                    for d in xiezuo_engine::schedule::schedule(r, &m, today) {
                        println!(
                            "  due {}  {:<16} {}",
                            d.due,
                            d.step.as_str(),
                            if d.done {
                                "done"
                            } else if d.overdue {
                                "OVERDUE 逾期"
                            } else {
                                "pending"
                            }
                        );
                    }
                }
            }
        }
        Action::Advance { year, to, reason } => {
            let to = RoundState::parse(&to).with_context(|| {
                format!(
                    "unknown round state {to:?}; expected one of: {}",
                    RoundState::ALL.map(RoundState::as_str).join(", ")
                )
            })?;
            let r = round::advance(store.as_mut(), year, to, actor, &reason, &at)?;
            print_round(&r);
        }
        Action::Report {
            year,
            out,
            pairing,
            side,
            method,
        } => report(store.as_ref(), year, &out, pairing, side, method)?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn freeze(settings: &crate::db::StoreSettings, actor: &str, a: FreezeArgs) -> Result<ExitCode> {
    let mut store = settings.open()?;
    let m = super::assess::load_method(a.method.as_ref())?;
    let r = round::freeze(
        store.as_mut(),
        a.year,
        &m,
        actor,
        &a.reason,
        &super::now_rfc3339(),
    )?;
    print_round(&r);
    println!(
        "frozen: `xiezuo assess --year {}` now gives this result whatever is imported later; `--live` computes from current data",
        a.year
    );
    Ok(ExitCode::SUCCESS)
}

/// A file name part from an id: letters, digits, `-`, `_` and `.` kept.
fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn report(
    store: &dyn xiezuo_store::Store,
    year: i32,
    out: &std::path::Path,
    pairing: Option<String>,
    side: Option<String>,
    method: Option<std::path::PathBuf>,
) -> Result<()> {
    use xiezuo_engine::publication::{self, ReportSource, html, workbook};
    let src = ReportSource::load(store, year)?;
    let m = super::assess::load_method(method.as_ref())?;
    if m.id != src.result.freeze.method_id {
        anyhow::bail!(
            "the {year} round was assessed with method {}, not {}: name its method file with --method",
            src.result.freeze.method_id,
            m.id
        );
    }
    let data =
        xiezuo_engine::assess::data::AssessmentData::load(store).context("reading the store")?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let book = workbook::workbook(store, &data, &src.result, &m, &|_| true)?;
    let path = out.join(format!("round-{year}.xlsx"));
    std::fs::write(&path, book).with_context(|| format!("writing {}", path.display()))?;
    let mut parties = src.parties();
    if let Some(s) = &side {
        if s != "east" && s != "west" {
            anyhow::bail!(publication::PublicationError::BadSide(s.clone()));
        }
        parties.retain(|(_, x)| x == s);
    }
    if let Some(p) = &pairing {
        parties.retain(|(x, _)| x == p);
        if parties.is_empty() {
            anyhow::bail!(publication::PublicationError::NotAssessed {
                pairing: p.clone(),
                year
            });
        }
    }
    for (p, s) in &parties {
        let r = src.report(store, &data, p, s)?;
        let path = out.join(format!("report-{}-{s}.html", file_part(p)));
        std::fs::write(&path, html::render(&r, &m))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let round = &src.result.round;
    println!(
        "round {year} ({}): {} {}, frozen version {}{}",
        round.method_id,
        round.state.as_str(),
        round.state.label_zh(),
        src.result.freeze.version,
        if src.result.published() {
            ""
        } else {
            " — a preliminary result (初步结果), not published"
        }
    );
    println!(
        "wrote {} and {} party reports in {}",
        path.display(),
        parties.len(),
        out.display()
    );
    Ok(())
}

fn print_round(r: &Round) {
    println!(
        "round {} ({}): {} {}",
        r.year,
        r.method_id,
        r.state.as_str(),
        r.state.label_zh()
    );
    match &r.frozen {
        Some(f) => println!(
            "  frozen {} by {} ({}), version {}, data to batch {}",
            f.at,
            f.actor,
            f.reason,
            f.version,
            f.last_batch.map_or("none".into(), |b| b.to_string())
        ),
        None => println!("  not frozen"),
    }
    for s in &r.samples {
        println!(
            "  sample {} by {}: seed {}, sha256 {}",
            s.at, s.actor, s.seed, s.digest
        );
    }
    for e in &r.events {
        println!(
            "  {}  {:<8} {:<16} {} — {}",
            e.at,
            e.action,
            e.to.as_str(),
            e.actor,
            e.reason
        );
    }
}
