//! The yearly assessment (考核): indicators per pairing over its scope,
//! both sides scored under a method, data-quality findings, and the output
//! files `indicators.csv`, `scores.csv`, `findings.csv`.

pub mod compute;
pub mod data;
mod indicators;
pub mod method;
pub mod procedure;
pub mod ranking;
#[cfg(test)]
mod tests;

use compute::{Index, PairingResult, TraceRow, YearCtx, compute};
use data::AssessmentData;
use method::{Method, PairingTargets, SideScore, score};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;
use xiezuo_domain::{Finding, Indicator, Year};

/// One assessed pairing: its indicators, findings and side scores.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub pairing_id: String,
    /// The pairing's level (`province` … `village`), as ranks group it.
    pub level: &'static str,
    pub result: PairingResult,
    pub scores: Vec<SideScore>,
}

/// The assessment of one year under one method.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub year: Year,
    pub method_id: String,
    pub columns: Vec<String>,
    /// Pairings active in the year, sorted by pairing id.
    pub pairings: Vec<Assessed>,
}

/// Assesses every pairing active in `year`.
pub fn assess(d: &AssessmentData, year: Year, method: &Method) -> Assessment {
    let ix = Index::new(d);
    let y = YearCtx::new(d, year);
    let mut active: Vec<u32> = (0..d.pairings.len() as u32)
        .filter(|&p| y.active[p as usize])
        .collect();
    active.sort_by(|a, b| {
        d.pairings[*a as usize]
            .pairing_id
            .cmp(&d.pairings[*b as usize].pairing_id)
    });
    let pairings = active
        .par_iter()
        .map(|&p| {
            let result = compute(d, &ix, &y, p, None);
            let scores = score(
                method,
                &result,
                &PairingTargets {
                    data: d,
                    pairing: p,
                    year,
                },
            );
            Assessed {
                pairing_id: d.pairings[p as usize].pairing_id.to_string(),
                level: xiezuo_domain::enums::Vocabulary::as_str(d.pairings[p as usize].level),
                result,
                scores,
            }
        })
        .collect();
    let mut a = Assessment {
        year,
        method_id: method.id.clone(),
        columns: method.component_columns(),
        pairings,
    };
    ranking::apply_quota(&mut a, method);
    a
}

/// What `explain` is asked about.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    Indicator(Indicator),
    Finding(Finding),
}

/// Why an explanation cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("unknown pairing {0}")]
    UnknownPairing(String),
    #[error("pairing {0} is not active in {1}, so it is not assessed that year")]
    NotActive(String, Year),
}

/// The explanation of one number or finding: its value and its records.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub value: String,
    /// (record kind, record id, detail)
    pub records: Vec<(String, String, String)>,
    /// The detail of each record in Chinese, in the order of `records`.
    pub details_zh: Vec<String>,
}

/// The records behind one indicator or finding of one pairing and year.
pub fn explain(
    d: &AssessmentData,
    pairing_id: &str,
    year: Year,
    subject: Subject,
) -> Result<Explanation, ExplainError> {
    explain_in(
        d,
        &Index::new(d),
        &YearCtx::new(d, year),
        pairing_id,
        subject,
    )
}

/// `explain` with the index and the year's roll-ups already built (a
/// server keeps them between requests).
pub fn explain_in(
    d: &AssessmentData,
    ix: &Index,
    y: &YearCtx,
    pairing_id: &str,
    subject: Subject,
) -> Result<Explanation, ExplainError> {
    let year = y.year;
    let p = *d
        .pairing_idx
        .get(pairing_id)
        .ok_or_else(|| ExplainError::UnknownPairing(pairing_id.to_string()))?;
    if !y.active[p as usize] {
        return Err(ExplainError::NotActive(pairing_id.to_string(), year));
    }
    let mut trace: Vec<TraceRow> = Vec::new();
    let r = compute(d, ix, y, p, Some(&mut trace));
    Ok(match subject {
        Subject::Indicator(i) => {
            let rows: Vec<TraceRow> = trace.into_iter().filter(|t| t.indicator == i).collect();
            Explanation {
                value: r.get(i).to_output(),
                details_zh: rows.iter().map(|t| t.detail_zh.clone()).collect(),
                records: rows
                    .into_iter()
                    .map(|t| (t.record_kind.to_string(), t.record_id, t.detail))
                    .collect(),
            }
        }
        Subject::Finding(f) => {
            let rows: Vec<_> = r
                .findings
                .iter()
                .filter(|x| x.finding == f)
                .map(|x| {
                    (
                        x.record_kind.to_string(),
                        x.record_id.clone(),
                        String::new(),
                    )
                })
                .collect();
            Explanation {
                value: rows.len().to_string(),
                details_zh: vec![String::new(); rows.len()],
                records: rows,
            }
        }
    })
}

/// Writes `indicators.csv`, `scores.csv`, `findings.csv` and `ranking.csv`
/// into `dir`.
pub fn write_outputs(a: &Assessment, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in output_files(a) {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

/// The output files of an assessment, by name, as `write_outputs` writes
/// them (a frozen round keeps exactly these bytes).
pub fn output_files(a: &Assessment) -> Vec<(&'static str, Vec<u8>)> {
    // Writing into memory does not fail.
    let mut out = Vec::new();
    let mut w = Vec::new();
    let _ = write_indicators(a, &mut w);
    out.push(("indicators.csv", w));
    let mut w = Vec::new();
    let _ = write_scores(a, &mut w);
    out.push(("scores.csv", w));
    let mut w = Vec::new();
    let _ = write_findings(a, &mut w);
    out.push(("findings.csv", w));
    let mut w = Vec::new();
    let _ = ranking::write_ranking(a, &mut w);
    out.push(("ranking.csv", w));
    out
}

fn write_indicators(a: &Assessment, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, "pairing_id,year,indicator,value")?;
    for p in &a.pairings {
        for (i, v) in &p.result.values {
            writeln!(
                w,
                "{},{},{},{}",
                p.pairing_id,
                a.year,
                i.as_str(),
                v.to_output()
            )?;
        }
    }
    Ok(())
}

fn write_scores(a: &Assessment, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        w,
        "pairing_id,year,side,{},total,grade",
        a.columns.join(",")
    )?;
    for p in &a.pairings {
        for s in &p.scores {
            let cells: Vec<String> = a
                .columns
                .iter()
                .map(|c| {
                    s.components
                        .iter()
                        .find(|(n, _)| n == c)
                        .map_or_else(String::new, |(_, v)| format!("{v:.2}"))
                })
                .collect();
            writeln!(
                w,
                "{},{},{},{},{:.2},{}",
                p.pairing_id,
                a.year,
                s.side,
                cells.join(","),
                s.total,
                s.grade
            )?;
        }
    }
    Ok(())
}

fn write_findings(a: &Assessment, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, "pairing_id,year,finding,record_kind,record_id")?;
    for p in &a.pairings {
        for f in &p.result.findings {
            writeln!(
                w,
                "{},{},{},{},{}",
                p.pairing_id,
                a.year,
                f.finding.as_str(),
                f.record_kind,
                f.record_id
            )?;
        }
    }
    Ok(())
}
