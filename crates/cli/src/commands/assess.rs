//! `xiezuo assess --year Y --out DIR`: the yearly assessment.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use xiezuo_engine::assess::data::AssessmentData;
use xiezuo_engine::assess::method::Method;
use xiezuo_engine::assess::{Assessment, assess, write_outputs};

#[derive(clap::Args)]
pub struct Args {
    /// The year to assess.
    #[arg(long)]
    pub year: i32,
    /// Method file (TOML); default: the shipped method xz-v1.
    #[arg(long, value_name = "FILE")]
    pub method: Option<PathBuf>,
    /// Directory for indicators.csv, scores.csv and findings.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Rows of the printed ranking per side.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Compute from the current data even when the year's round is frozen
    /// (a frozen year otherwise gives exactly its frozen result).
    #[arg(long)]
    pub live: bool,
}

/// Loads the method named on the command line, or the default.
pub fn load_method(path: Option<&PathBuf>) -> Result<Method> {
    Ok(match path {
        Some(p) => Method::load(p)?,
        None => Method::default_v1(),
    })
}

pub fn run(settings: &crate::db::StoreSettings, a: Args) -> Result<ExitCode> {
    let method = load_method(a.method.as_ref())?;
    let store = settings.open()?;
    if !a.live
        && let Some((freeze, files)) = xiezuo_engine::round::frozen_outputs(store.as_ref(), a.year)?
    {
        if a.method.is_some() && method.id != freeze.method_id {
            anyhow::bail!(
                "the {} round was frozen with method {}, not {}: `--live` computes with another method",
                a.year,
                freeze.method_id,
                method.id
            );
        }
        std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
        for (name, bytes) in files {
            let path = a.out.join(&name);
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        println!(
            "assessment {} of {} as frozen on {} ({}), version {}; `--live` computes from current data",
            freeze.method_id, a.year, freeze.at, freeze.reason, freeze.version
        );
        println!("output: {}", a.out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let data = AssessmentData::load(store.as_ref()).context("reading the store")?;
    let result = assess(&data, a.year, &method);
    write_outputs(&result, &a.out).with_context(|| format!("writing {}", a.out.display()))?;
    print_ranking(&result, &method, a.top);
    println!("output: {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Prints the best and worst pairings per side and the grade counts, each
/// grade with its Chinese label from the method (好 good).
pub fn print_ranking(r: &Assessment, method: &Method, top: usize) {
    let ranking = xiezuo_engine::views::Ranking::of(r, |_| true);
    let grade = |g: &str| match method.grades.iter().find(|x| x.grade == g) {
        Some(x) if !x.label.is_empty() => format!("{} {g}", x.label),
        _ => g.to_string(),
    };
    println!(
        "assessment {} of {} pairings active in {}",
        ranking.method_id, ranking.assessed, ranking.year
    );
    for side in &ranking.sides {
        let rows = ranking.side(side);
        let side_zh = if *side == "east" {
            "东部帮扶方"
        } else {
            "西部受帮扶方"
        };
        println!(
            "\n{side} side ({side_zh}): {}",
            ranking
                .grade_counts(side)
                .iter()
                .map(|(g, n)| format!("{} {n}", grade(g)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!("  {:>4}  {:<32} {:>7}  grade", "rank", "pairing", "total");
        let line = |rank: usize, r: &xiezuo_engine::views::RankingRow<'_>| {
            println!(
                "  {:>4}  {:<32} {:>7.2}  {}",
                rank,
                r.pairing_id,
                r.total,
                grade(r.grade)
            );
        };
        for (i, r) in rows.iter().enumerate().take(top) {
            line(i + 1, r);
        }
        if rows.len() > top {
            println!("  …");
            if let Some(r) = rows.last() {
                line(rows.len(), r);
            }
        }
    }
}
