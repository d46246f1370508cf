//! `xiezuo generate`: a realistic synthetic dataset, deterministic per seed,
//! over a synthetic or (`--real`) the real geography and pairings.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_generate::{GenerateOptions, generate};

#[derive(clap::Args)]
pub struct Args {
    /// Size: 1 ≈ 1 million registered persons; fractions allowed (0.01 ≈ 10,000).
    #[arg(long, default_value_t = 0.01)]
    pub scale: f64,
    /// Random seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Add bad rows of every error class and write dirty-manifest.csv.
    #[arg(long)]
    pub dirty: bool,
    /// First year of activity.
    #[arg(long, default_value_t = 2017)]
    pub first_year: i32,
    /// Last year of activity.
    #[arg(long, default_value_t = 2020)]
    pub last_year: i32,
    /// Real geography: real provinces, prefectures and counties (NBS codes and
    /// names) and the real province- and prefecture-level pairings active in
    /// the years; townships, villages and records stay synthetic.
    #[arg(long)]
    pub real: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let opts = GenerateOptions {
        scale: a.scale,
        seed: a.seed,
        dirty: a.dirty,
        first_year: a.first_year,
        last_year: a.last_year,
        real: a.real,
    };
    let s =
        generate(&opts, &a.out).with_context(|| format!("generating into {}", a.out.display()))?;
    let total: u64 = s.files.iter().map(|(_, n)| n).sum();
    for (f, n) in &s.files {
        println!("{f:<28} {n:>12} rows");
    }
    println!("{total} rows written to {}", a.out.display());
    if a.dirty {
        println!(
            "{} bad rows, listed in {}",
            s.dirty_rows,
            a.out.join("dirty-manifest.csv").display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
