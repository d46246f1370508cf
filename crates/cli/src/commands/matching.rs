//! `xiezuo match` and `xiezuo station`: labour matching (劳务协作) of job
//! seekers to postings, confirmation as placements, and the labour
//! station's view with retention.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::import::{Quiet, Rows, Source, WritePolicy, ingest};
use xiezuo_engine::labour::{
    LabourData, MatchRun, confirmations, follow_ups, placement_cells, run,
};
use xiezuo_engine::views::StationView;
use xiezuo_exchange::{Cell, CsvTableWriter, FileKind, Headers};
use xiezuo_store::BatchInfo;

#[derive(clap::Args)]
pub struct MatchArgs {
    /// The date of the match (postings open then, seekers free then).
    #[arg(long)]
    pub date: NaiveDate,
    /// Directory for proposals.csv, unmatched.csv and follow_up.csv.
    #[arg(long)]
    pub out: PathBuf,
    /// Store the proposals as placements (one import batch, audited).
    #[arg(long)]
    pub confirm: bool,
}

#[derive(clap::Args)]
pub struct StationArgs {
    /// The date of the view.
    #[arg(long)]
    pub date: NaiveDate,
    /// The labour station (劳务协作工作站); default: all stations.
    #[arg(long)]
    pub station: Option<String>,
}

fn objective(o: &xiezuo_matching::Objective) -> String {
    format!(
        "{} seekers from households with no one employed, {} registered poor placed, fit {}",
        o.priority_households, o.poor_placed, o.fit
    )
}

fn print_summary(d: &LabourData, r: &MatchRun) {
    let positions: u64 = r.open_positions.iter().map(|&n| u64::from(n)).sum();
    println!(
        "{}: {} seekers, {} postings with {} open positions, {} eligible pairs",
        r.date,
        d.seekers.len(),
        r.open_positions.iter().filter(|&&n| n > 0).count(),
        positions,
        r.eligible_pairs
    );
    println!(
        "optimal: {} proposals — {}",
        r.proposals.len(),
        objective(&r.optimal)
    );
    println!("greedy:  {}", objective(&r.greedy));
    println!(
        "greedy falls short by {} priority seekers, {} registered poor, fit {}",
        r.optimal.priority_households as i64 - r.greedy.priority_households as i64,
        r.optimal.poor_placed as i64 - r.greedy.poor_placed as i64,
        r.optimal.fit - r.greedy.fit
    );
    let mut by_reason: Vec<(&str, usize)> = Vec::new();
    for (_, u) in &r.unmatched {
        let code = u.describe().0;
        match by_reason.iter_mut().find(|(c, _)| *c == code) {
            Some(e) => e.1 += 1,
            None => by_reason.push((code, 1)),
        }
    }
    println!(
        "unmatched: {}",
        by_reason
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

pub fn run_match(
    settings: &crate::db::StoreSettings,
    actor: &str,
    a: MatchArgs,
) -> Result<ExitCode> {
    let mut store = settings.open()?;
    let d = LabourData::load(store.as_ref()).context("reading seekers and postings")?;
    let r = run(&d, a.date)?;
    std::fs::create_dir_all(&a.out)?;
    let mut w = csv::Writer::from_path(a.out.join("proposals.csv"))?;
    w.write_record([
        "person_id",
        "posting_id",
        "station",
        "fit",
        "no_one_employed",
        "registered_poor",
    ])?;
    for p in &r.proposals {
        let s = &d.seekers[p.seeker];
        w.write_record([
            s.seeker.person_id.as_str(),
            d.postings[p.posting].posting_id.as_str(),
            s.seeker.station.as_str(),
            &p.fit.to_string(),
            if p.no_one_employed { "1" } else { "0" },
            if p.registered_poor { "1" } else { "0" },
        ])?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(a.out.join("unmatched.csv"))?;
    w.write_record(["person_id", "station", "reason", "detail"])?;
    for (si, u) in &r.unmatched {
        let s = &d.seekers[*si];
        let (code, detail) = u.describe();
        w.write_record([
            s.seeker.person_id.as_str(),
            s.seeker.station.as_str(),
            code,
            &detail,
        ])?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(a.out.join("follow_up.csv"))?;
    w.write_record([
        "placement_id",
        "person_id",
        "posting_id",
        "start_date",
        "end_date",
    ])?;
    for p in follow_ups(&d, a.date) {
        w.write_record([
            p.placement_id.as_str(),
            p.person_id.as_str(),
            p.posting_id.as_ref().map_or("", |x| x.as_str()),
            &p.period.start.to_string(),
            &p.period.end.map_or(String::new(), |e| e.to_string()),
        ])?;
    }
    w.flush()?;
    print_summary(&d, &r);
    if a.confirm && !r.proposals.is_empty() {
        // The confirmed placements are kept beside the proposals, and
        // stored from the same rows through the importer.
        let placements: Vec<Vec<Cell>> =
            confirmations(&d, &r).iter().map(placement_cells).collect();
        let dir = a.out.join("confirmed");
        std::fs::create_dir_all(&dir)?;
        let mut w = CsvTableWriter::create(
            FileKind::Placements,
            &dir.join("placements.csv"),
            Headers::En,
        )?;
        for cells in &placements {
            w.write(cells)?;
        }
        w.finish()?;
        let batch = BatchInfo {
            actor: actor.to_string(),
            at: super::now_rfc3339(),
            source: format!("match {}", a.date),
        };
        let rows = Rows::of_cells(FileKind::Placements, "placements.csv", placements);
        let report = ingest(
            store.as_mut(),
            Source::Rows(vec![rows]),
            &batch,
            &WritePolicy::everywhere(),
            &Quiet,
        )?;
        if report.batch_id.is_none() {
            for e in report.errors.iter().take(20) {
                eprintln!("{}", e.error);
            }
            anyhow::bail!("the confirmed placements did not import; nothing was stored");
        }
        println!(
            "confirmed {} placements (batch {})",
            r.proposals.len(),
            report.batch_id.unwrap_or(0)
        );
    }
    println!("output: {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn run_station(settings: &crate::db::StoreSettings, a: StationArgs) -> Result<ExitCode> {
    let store = settings.open()?;
    let d = LabourData::load(store.as_ref()).context("reading seekers and postings")?;
    let r = run(&d, a.date)?;
    let v = StationView::of(&d, &r, a.station.as_deref());
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "labour station {} on {}",
        v.station.unwrap_or("(all)"),
        v.date
    )?;
    writeln!(
        out,
        "seekers: {} registered, {} employed now, {} in the pool",
        v.seekers,
        v.employed,
        v.seekers - v.employed
    )?;
    writeln!(
        out,
        "open postings: {} with {} positions",
        v.open_postings, v.open_positions
    )?;
    writeln!(out, "proposed matches: {}", v.proposals.len())?;
    for p in v.proposals.iter().take(20) {
        let s = &d.seekers[p.seeker];
        let post = &d.postings[p.posting];
        writeln!(
            out,
            "  {} -> {} ({}, {} yuan/month, fit {})",
            s.seeker.person_id, post.posting_id, post.work_region, post.monthly_wage, p.fit
        )?;
    }
    writeln!(out, "confirmed placements from matches: {}", v.confirmed)?;
    for ret in v.retention {
        let rate = if ret.started == 0 {
            "-".to_string()
        } else {
            format!("{:.1}%", 100.0 * ret.kept as f64 / ret.started as f64)
        };
        writeln!(
            out,
            "retention at {} months: {} of {} ({rate})",
            ret.months, ret.kept, ret.started
        )?;
    }
    writeln!(
        out,
        "follow-up (ended before 90 days, back in the pool): {}",
        v.follow_ups.len()
    )?;
    for p in v.follow_ups.iter().take(20) {
        writeln!(
            out,
            "  {} {} {}..{}",
            p.placement_id,
            p.person_id,
            p.period.start,
            p.period.end.map_or(String::new(), |e| e.to_string())
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
