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
    let data = AssessmentData::load(store.as_ref()).context("reading the store")?;
    let result = assess(&data, a.year, &method);
    write_outputs(&result, &a.out).with_context(|| format!("writing {}", a.out.display()))?;
    print_ranking(&result, a.top);
    println!("output: {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Prints the best and worst pairings per side and the grade counts.
pub fn print_ranking(r: &Assessment, top: usize) {
    println!(
        "assessment {} of {} pairings active in {}",
        r.method_id,
        r.pairings.len(),
        r.year
    );
    let sides: Vec<String> = r
        .pairings
        .first()
        .map(|p| p.scores.iter().map(|s| s.side.clone()).collect())
        .unwrap_or_default();
    for (si, side) in sides.iter().enumerate() {
        let mut rows: Vec<(&str, f64, &str)> = r
            .pairings
            .iter()
            .filter_map(|p| {
                p.scores
                    .get(si)
                    .map(|s| (p.pairing_id.as_str(), s.total, s.grade.as_str()))
            })
            .collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let mut grades: Vec<(&str, usize)> = Vec::new();
        for (_, _, g) in &rows {
            match grades.iter_mut().find(|(x, _)| x == g) {
                Some(e) => e.1 += 1,
                None => grades.push((g, 1)),
            }
        }
        let side_zh = if side == "east" {
            "东部帮扶方"
        } else {
            "西部受帮扶方"
        };
        println!(
            "\n{side} side ({side_zh}): {}",
            grades
                .iter()
                .map(|(g, n)| format!("{g} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!("  {:>4}  {:<32} {:>7}  grade", "rank", "pairing", "total");
        for (i, (id, total, g)) in rows.iter().enumerate().take(top) {
            println!("  {:>4}  {:<32} {:>7.2}  {g}", i + 1, id, total);
        }
        if rows.len() > top {
            println!("  …");
            if let Some((id, total, g)) = rows.last() {
                println!("  {:>4}  {:<32} {:>7.2}  {g}", rows.len(), id, total);
            }
        }
    }
}
