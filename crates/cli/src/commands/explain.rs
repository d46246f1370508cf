//! `xiezuo explain`: the records behind one number or finding.

use anyhow::{Context, Result, bail};
use std::process::ExitCode;
use xiezuo_domain::{Finding, Indicator};
use xiezuo_engine::assess::data::AssessmentData;
use xiezuo_engine::assess::{Subject, explain};

#[derive(clap::Args)]
pub struct Args {
    /// The pairing id.
    #[arg(long)]
    pub pairing: String,
    /// The year.
    #[arg(long)]
    pub year: i32,
    /// An indicator id (e.g. poor_employed).
    #[arg(long, conflicts_with = "finding", required_unless_present = "finding")]
    pub indicator: Option<String>,
    /// A finding id (e.g. late_milestone).
    #[arg(long)]
    pub finding: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum Format {
    Table,
    Csv,
}

pub fn run(settings: &crate::db::StoreSettings, a: Args) -> Result<ExitCode> {
    let subject = match (&a.indicator, &a.finding) {
        (Some(i), _) => Subject::Indicator(Indicator::parse(i).with_context(|| {
            format!(
                "unknown indicator {i:?}; one of: {}",
                Indicator::ALL
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?),
        (None, Some(f)) => Subject::Finding(Finding::parse(f).with_context(|| {
            format!(
                "unknown finding {f:?}; one of: {}",
                Finding::ALL
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?),
        (None, None) => bail!("give --indicator or --finding"),
    };
    let store = settings.open()?;
    let data = AssessmentData::load(store.as_ref()).context("reading the store")?;
    let e = explain(&data, &a.pairing, a.year, subject)?;
    match a.format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record(["record_kind", "record_id", "detail"])?;
            for (k, id, d) in &e.records {
                w.write_record([k, id, d])?;
            }
            w.flush()?;
        }
        Format::Table => {
            let what = a
                .indicator
                .as_deref()
                .or(a.finding.as_deref())
                .unwrap_or("");
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{} {} {what} = {}", a.pairing, a.year, e.value)?;
            writeln!(out, "{:<12} {:<32} detail", "kind", "record")?;
            for (k, id, d) in &e.records {
                writeln!(out, "{k:<12} {id:<32} {d}")?;
            }
            writeln!(out, "{} records", e.records.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
