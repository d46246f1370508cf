//! `xiezuo sample`: the cross-check sample (交叉核查抽样) of a frozen year,
//! drawn by lot with a seed, written as `sample.csv` and `teams.csv`, and
//! recorded in the year's round with its digest.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::round::sample;

#[derive(clap::Args)]
pub struct Args {
    /// The frozen year to sample.
    #[arg(long)]
    pub year: i32,
    /// The seed of the lot: the same store, year, seed and method give the
    /// same files byte for byte.
    #[arg(long)]
    pub seed: u64,
    /// Directory for sample.csv and teams.csv (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Method file (TOML) whose `[sampling]` table gives the sizes;
    /// default: the shipped method xz-v1.
    #[arg(long, value_name = "FILE")]
    pub method: Option<PathBuf>,
}

pub fn run(settings: &crate::db::StoreSettings, actor: &str, a: Args) -> Result<ExitCode> {
    let mut store = settings.open()?;
    let m = super::assess::load_method(a.method.as_ref())?;
    let drawn = sample::sample(
        store.as_mut(),
        a.year,
        a.seed,
        &m,
        actor,
        &super::now_rfc3339(),
    )?;
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    for (name, bytes) in &drawn.files {
        let path = a.out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let s = &drawn.sample;
    println!(
        "sample of {} (seed {}, method {}): {} records for {} pairings",
        s.year,
        s.seed,
        drawn.record.method_id,
        s.records.len(),
        s.teams.len()
    );
    for (kind, n) in &drawn.record.counts {
        println!("  {kind:<12} {n}");
    }
    let unteamed = s
        .teams
        .iter()
        .filter(|t| t.team_province.is_empty())
        .count();
    if unteamed > 0 {
        println!("  {unteamed} pairings have no province to check them");
    }
    println!("sha256 of sample.csv: {}", drawn.record.digest);
    println!(
        "written to {}; recorded in the {} round (xiezuo round show --year {})",
        a.out.display(),
        s.year,
        s.year
    );
    Ok(ExitCode::SUCCESS)
}
