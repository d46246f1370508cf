//! `xiezuo import DIR`: validate a dataset and store it atomically.

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::import::{
    ImportLimits, ImportReport, Progress, Quiet, Source, WriteMode, WritePolicy, ingest,
};
use xiezuo_store::BatchInfo;

#[derive(clap::Args)]
pub struct Args {
    /// Dataset directory: any subset of the exchange-format files, CSV or XLSX.
    pub dir: PathBuf,
    /// Store the valid rows and skip the bad ones (and the rows that depend on them).
    #[arg(long)]
    pub skip_invalid: bool,
    /// With --skip-invalid: write the rejected rows with their reasons to this CSV file.
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<PathBuf>,
    /// Check the dataset and report, but store nothing.
    #[arg(long)]
    pub check: bool,
    /// Print at most this many errors (all are counted; use --rejects for the full list).
    #[arg(long, default_value_t = 1000)]
    pub max_errors: usize,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The bounds a dataset file is read within (导入限额), raised for an
/// input that is larger than any real one the defaults allow.
#[derive(clap::Args, Default)]
pub struct LimitArgs {
    /// The largest dataset file, in bytes; default 4 GiB.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_bytes: Option<u64>,
    /// The longest CSV record (one row), in bytes; default 64 MiB.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_record_bytes: Option<u64>,
    /// The longest cell, in characters; default 67108864 (64 Mi).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_cell_chars: Option<u64>,
    /// The most data rows of one file; default 20000000.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_rows: Option<u64>,
}

impl LimitArgs {
    /// The defaults, with each limit given raised (or lowered) to its flag.
    pub fn limits(&self) -> ImportLimits {
        let d = ImportLimits::default();
        ImportLimits {
            file_bytes: self.max_file_bytes.unwrap_or(d.file_bytes),
            record_bytes: self.max_record_bytes.unwrap_or(d.record_bytes),
            cell_chars: self
                .max_cell_chars
                .map_or(d.cell_chars, |n| usize::try_from(n).unwrap_or(usize::MAX)),
            rows: self.max_rows.unwrap_or(d.rows),
        }
    }
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn file_started(&self, file: &str, bytes: u64) {
        self.0.reset();
        self.0.set_length(bytes.max(1));
        self.0.set_message(file.to_string());
    }
    fn advanced(&self, bytes: u64) {
        self.0.set_position(bytes);
    }
    fn file_done(&self, _file: &str) {
        self.0.set_position(self.0.length().unwrap_or(0));
    }
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    let mut store = settings.open_or_create()?;
    let batch = BatchInfo {
        actor: actor.to_string(),
        at: super::now_rfc3339(),
        source: a.dir.display().to_string(),
    };
    let policy = WritePolicy::everywhere()
        .with_mode(if a.check {
            WriteMode::DryRun
        } else if a.skip_invalid {
            WriteMode::SkipInvalid
        } else {
            WriteMode::AllOrNothing
        })
        .with_limits(a.limits.limits());
    let report = if std::io::stderr().is_terminal() {
        let pb = ProgressBar::new(1);
        pb.set_style(
            ProgressStyle::with_template(
                "{msg:24} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let r = ingest(
            store.as_mut(),
            Source::Dir(&a.dir),
            &batch,
            &policy,
            &Bar(pb.clone()),
        );
        pb.finish_and_clear();
        r
    } else {
        ingest(store.as_mut(), Source::Dir(&a.dir), &batch, &policy, &Quiet)
    }
    .with_context(|| format!("importing {}", a.dir.display()))?;
    print_report(&report, a.max_errors);
    if let Some(path) = &a.rejects {
        write_rejects(path, &report)?;
        eprintln!("rejected rows written to {}", path.display());
    }
    Ok(match (report.errors.is_empty(), report.batch_id) {
        (true, Some(_)) => ExitCode::SUCCESS,
        (true, None) if a.check => ExitCode::SUCCESS,
        (false, Some(_)) => ExitCode::SUCCESS, // --skip-invalid: the good rows are stored
        _ => ExitCode::from(1),
    })
}

fn print_report(r: &ImportReport, max: usize) {
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    for e in r.errors.iter().take(max) {
        eprintln!("{}", e.error);
    }
    if r.errors.len() > max {
        eprintln!("… and {} more errors", r.errors.len() - max);
    }
    let mut inserted = 0;
    let mut updated = 0;
    let mut unchanged = 0;
    let mut rejected = 0;
    for (k, c) in &r.counts {
        println!(
            "{:<20} read {:>9}  new {:>9}  changed {:>7}  unchanged {:>9}  rejected {:>6}",
            k.stem(),
            c.read,
            c.inserted,
            c.updated,
            c.unchanged,
            c.rejected
        );
        inserted += c.inserted;
        updated += c.updated;
        unchanged += c.unchanged;
        rejected += c.rejected;
    }
    match r.batch_id {
        Some(b) => println!(
            "stored as batch {b}: {inserted} new, {updated} changed, {unchanged} unchanged, {rejected} rejected rows"
        ),
        None if r.errors.is_empty() => {
            println!("the dataset is valid (checked only: nothing was stored)")
        }
        None => println!(
            "{} errors: nothing was stored (fix the rows above, or use --skip-invalid to store the valid rows)",
            r.errors.len()
        ),
    }
}

fn write_rejects(path: &std::path::Path, r: &ImportReport) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(["file", "line", "column", "reason", "raw"])?;
    for e in &r.errors {
        let mut raw = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(vec![]);
        if !e.raw.is_empty() {
            raw.write_record(e.raw.iter())?;
        }
        let raw = String::from_utf8(raw.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        // A report people open in a spreadsheet: no cell may start a formula.
        let safe = xiezuo_exchange::cell::escape_text;
        w.write_record([
            safe(&e.error.file).as_ref(),
            &e.error.line.to_string(),
            safe(&e.error.column).as_ref(),
            safe(&e.error.reason).as_ref(),
            safe(raw.trim_end()).as_ref(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
