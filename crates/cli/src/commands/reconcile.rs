//! `xiezuo reconcile`: the two-sided reconciliation (对账) of a year —
//! every unmatched or mismatched item as `reconciliation.csv` (a finding
//! of both parties of its pairing) and each pairing's traceability as
//! `traceability.csv`.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::reconcile::{Reports, Status, reconcile, write_files};

#[derive(clap::Args)]
pub struct Args {
    /// The year to reconcile.
    #[arg(long)]
    pub year: i32,
    /// Directory for reconciliation.csv and traceability.csv (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Method file (TOML) whose `[reconciliation]` table gives the
    /// tolerances; default: the shipped method xz-v1.
    #[arg(long, value_name = "FILE")]
    pub method: Option<PathBuf>,
}

pub fn run(settings: &crate::db::StoreSettings, a: Args) -> Result<ExitCode> {
    let store = settings.open()?;
    let m = super::assess::load_method(a.method.as_ref())?;
    let reports = Reports::load(store.as_ref()).context("cannot read the reports of both sides")?;
    let rec = reconcile(&reports, a.year, m.tolerances);
    write_files(&rec, &a.out).with_context(|| format!("cannot write to {}", a.out.display()))?;
    println!(
        "reconciliation of {} (method {}: amounts within {} fen, dates within {} days)",
        a.year, m.id, m.tolerances.amount_fen, m.tolerances.days
    );
    if rec.flows.is_empty() {
        println!("  no receiving-side file is stored (exchange format v1.2): nothing reconciled");
    }
    for flow in &rec.flows {
        let mut by: BTreeMap<Status, u64> = BTreeMap::new();
        for i in rec.items.iter().filter(|i| i.flow == *flow) {
            *by.entry(i.status).or_default() += 1;
        }
        let parts: Vec<String> = by
            .iter()
            .map(|(s, n)| format!("{} {n}", s.as_str()))
            .collect();
        println!("  {:<12} {}", flow.as_str(), parts.join(", "));
    }
    let findings = rec.findings().count();
    let (mut sent, mut confirmed, mut people, mut people_ok) = (0i64, 0i64, 0u64, 0u64);
    for t in rec.traceability.values() {
        sent += t.money_sent.0;
        confirmed += t.money_confirmed.0;
        people += t.people_sent;
        people_ok += t.people_confirmed;
    }
    let pct = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.1}%", 100.0 * a / b)
        } else {
            "-".into()
        }
    };
    println!(
        "  {findings} findings; confirmed by both sides: money {}, people {}",
        pct(confirmed as f64, sent as f64),
        pct(people_ok as f64, people as f64)
    );
    println!(
        "written to {} (reconciliation.csv, traceability.csv)",
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
