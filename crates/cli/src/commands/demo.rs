//! `xiezuo demo`: generate a demo dataset, import it into the embedded
//! store, assess the latest year and show the ranking.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::assess::data::AssessmentData;
use xiezuo_engine::assess::method::Method;
use xiezuo_engine::assess::{assess, write_outputs};
use xiezuo_engine::import::{ImportOptions, Quiet, import_dir};
use xiezuo_generate::{GenerateOptions, generate};
use xiezuo_store::{BatchInfo, Store};

#[derive(clap::Args)]
pub struct Args {
    /// Where the demo dataset and the assessment output go.
    #[arg(long, default_value = "demo")]
    pub dir: PathBuf,
    /// Size of the demo (1 ≈ 1 million registered persons).
    #[arg(long, default_value_t = 0.05)]
    pub scale: f64,
    /// Random seed.
    #[arg(long, default_value_t = 2020)]
    pub seed: u64,
    /// Use a wholly synthetic world instead of the real places and pairings.
    #[arg(long)]
    pub synthetic: bool,
    /// Stop after printing the ranking instead of serving the platform.
    #[arg(long)]
    pub no_serve: bool,
    /// Address of the platform.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

pub fn run(db: Option<&str>, actor: &str, a: Args) -> Result<ExitCode> {
    let data_dir = a.dir.join("dataset");
    let out = a.dir.join("assessment");
    let opts = GenerateOptions {
        scale: a.scale,
        seed: a.seed,
        real: !a.synthetic,
        ..GenerateOptions::default()
    };
    let last_year = opts.last_year;
    println!(
        "1/3 generating a demo dataset (scale {}, {}) in {}",
        a.scale,
        if a.synthetic {
            "synthetic world"
        } else {
            "real places and pairings"
        },
        data_dir.display()
    );
    generate(&opts, &data_dir).context("generating the demo dataset")?;
    let db_path = db.map_or_else(
        || a.dir.join("xiezuo.db").display().to_string(),
        str::to_string,
    );
    let mut store = crate::db::open(Some(&db_path))?;
    if store.count(xiezuo_exchange::FileKind::Persons)? == 0 {
        println!("2/3 importing into the embedded store {db_path}");
        let batch = BatchInfo {
            actor: actor.to_string(),
            at: super::now_rfc3339(),
            source: data_dir.display().to_string(),
        };
        let report = import_dir(
            store.as_mut(),
            &data_dir,
            &batch,
            ImportOptions::default(),
            &Quiet,
        )?;
        if report.batch_id.is_none() {
            for e in report.errors.iter().take(20) {
                eprintln!("{}", e.error);
            }
            anyhow::bail!("the demo dataset did not import");
        }
        println!("    {} rows stored", report.total_read());
    } else {
        println!("2/3 the store {db_path} already holds data; using it");
    }
    println!("3/3 assessing {last_year}");
    let data = AssessmentData::load(store.as_ref() as &dyn Store)?;
    let result = assess(&data, last_year, &Method::default_v1());
    write_outputs(&result, &out)?;
    super::assess::print_ranking(&result, 10);
    println!("\nstore:      {db_path}");
    println!("dataset:    {}", data_dir.display());
    println!(
        "assessment: {} (indicators.csv, scores.csv, findings.csv)",
        out.display()
    );
    println!(
        "next:       xiezuo --db {db_path} explain --pairing {} --year {last_year} --indicator poor_employed",
        result
            .pairings
            .first()
            .map_or("PAIRING", |p| p.pairing_id.as_str())
    );
    if a.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    drop(store);
    println!("\nstarting the platform (Ctrl-C to stop)…");
    super::serve::serve(
        Some(&db_path),
        super::serve::Args {
            addr: a.addr,
            map_dir: None,
            methods_dir: None,
        },
    )
}
