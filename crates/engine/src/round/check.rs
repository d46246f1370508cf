//! Cross-check results (核查结果): the teams' verdict on each sampled record
//! — confirmed (属实), not found (查无), discrepant (不符) or falsified (虚报),
//! with the evidence in `note` — recorded from the `sample.csv` they filled
//! in, during the round's cross-check step; and the report: per pairing and
//! record kind the verified rate with its 95 % Wilson interval, extrapolated
//! to the indicator the records count (the frozen value times the rate,
//! with the interval's bounds).
//!
//! Every row is checked against the sample drawn again from its recorded
//! seed (the same store, year, seed and method give the same sample), so a
//! team can neither add records nor change their strata; a bad row is an
//! error naming file, line and column, and nothing is stored.

use super::sample::{RESULTS, SAMPLE_COLUMNS, draw_sample, household_ids};
use super::{RoundError, RoundState, frozen_outputs, round};
use crate::assess::data::AssessmentData;
use crate::assess::method::Method;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use xiezuo_domain::Year;
use xiezuo_exchange::{ImportError, Message};
use xiezuo_store::{Store, StoreError};

/// One recorded verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub seed: u64,
    pub pairing_id: String,
    pub record_kind: String,
    pub record_id: String,
    pub result: String,
    pub note: String,
    pub by: String,
    pub at: String,
}

/// Why results were refused.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error("the {year} assessment round is {state}: results are recorded during its cross_check step", state = .state.as_str())]
    NotNow { year: Year, state: RoundState },
    #[error("{} errors; nothing was stored", .0.len())]
    Rows(Vec<ImportError>),
    #[error("the cross-check results were changed by another writer meanwhile; try again")]
    Concurrent,
    #[error("the stored cross-check results cannot be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The record kinds whose verified rate adjusts an indicator, and which.
pub const ADJUSTS: [(&str, &str); 4] = [
    ("placement", "poor_employed"),
    ("attendance", "poor_trained"),
    ("beneficiary", "poor_benefited"),
    ("fund", "fiscal_disbursed"),
];

fn key(year: Year) -> String {
    format!("assessment_round/{year}/checks")
}

/// Every verdict of a year, by (pairing, record kind, record id).
pub fn verdicts(store: &dyn Store, year: Year) -> Result<Vec<Verdict>, CheckError> {
    Ok(read(store, year)?.1)
}

crate::setting::setting_errors!(CheckError);

fn read(store: &dyn Store, year: Year) -> Result<(Option<String>, Vec<Verdict>), CheckError> {
    let (text, v) = crate::setting::read(store, &key(year))?;
    Ok((text, v.unwrap_or_default()))
}

/// Records the verdicts of a filled-in `sample.csv` (rows with an empty
/// `result` are not checked yet and are left out); a later verdict on the
/// same record replaces the earlier one. Returns how many were recorded.
#[allow(clippy::too_many_arguments)]
pub fn record(
    store: &mut dyn Store,
    year: Year,
    file: &str,
    bytes: &[u8],
    method: &Method,
    by: &str,
    at: &str,
) -> Result<usize, CheckError> {
    let r = round(store, year)?.ok_or(RoundError::NoRound(year))?;
    if r.state != RoundState::CrossCheck {
        return Err(CheckError::NotNow {
            year,
            state: r.state,
        });
    }
    // The samples drawn again from their recorded seeds.
    let data = AssessmentData::load(store)?;
    let ids = household_ids(store)?;
    let mut drawn: Drawn = BTreeMap::new();
    for s in &r.samples {
        let sample = draw_sample(&data, &ids, year, s.seed, method.sampling);
        drawn.insert(
            s.seed,
            sample
                .records
                .into_iter()
                .map(|x| {
                    (
                        x.pairing_id,
                        x.record_kind.to_string(),
                        x.record_id,
                        x.stratum,
                    )
                })
                .collect(),
        );
    }
    let mut errors = Vec::new();
    let mut new = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let err = |line: u64, col: &str, why: Message| ImportError::message(file, line, col, why);
    for (n, rec) in reader.records().enumerate() {
        let line = n as u64 + 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(
                    line,
                    "",
                    Message::new("csv.malformed").with("detail", e),
                ));
                continue;
            }
        };
        let f: Vec<&str> = rec.iter().map(str::trim).collect();
        if line == 1 {
            if f != SAMPLE_COLUMNS {
                errors.push(err(
                    1,
                    "",
                    Message::new("check.header").with("columns", SAMPLE_COLUMNS.join(",")),
                ));
                break;
            }
            continue;
        }
        match check_row(&f, line, year, &drawn, file, by, at) {
            Ok(Some(v)) => new.push(v),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(CheckError::Rows(errors));
    }
    let n = new.len();
    let (old, mut all) = read(store, year)?;
    for v in new {
        all.retain(|x| {
            (&x.pairing_id, &x.record_kind, &x.record_id)
                != (&v.pairing_id, &v.record_kind, &v.record_id)
        });
        all.push(v);
    }
    all.sort_by(|a, b| {
        (&a.pairing_id, &a.record_kind, &a.record_id).cmp(&(
            &b.pairing_id,
            &b.record_kind,
            &b.record_id,
        ))
    });
    crate::setting::replace(store, &key(year), old.as_deref(), &all)?;
    Ok(n)
}

/// The drawn samples, by seed: (pairing, record kind, record id, stratum).
type Drawn = BTreeMap<u64, BTreeSet<(String, String, String, String)>>;

/// One filled-in row of `sample.csv` (after the header): its verdict,
/// `None` when not checked yet, or the error naming its line and column.
fn check_row(
    f: &[&str],
    line: u64,
    year: Year,
    drawn: &Drawn,
    file: &str,
    by: &str,
    at: &str,
) -> Result<Option<Verdict>, ImportError> {
    let err = |line: u64, col: &str, why: Message| ImportError::message(file, line, col, why);
    if f.len() != SAMPLE_COLUMNS.len() {
        return Err(err(
            line,
            "?",
            Message::new("check.field_count")
                .with("expected", SAMPLE_COLUMNS.len())
                .with("found", f.len()),
        ));
    }
    let (y, seed, pairing, kind, id, stratum, result, note) =
        (f[0], f[1], f[2], f[4], f[5], f[6], f[7], f[8]);
    if y != year.to_string() {
        return Err(err(
            line,
            "year",
            Message::new("check.year")
                .with("year", year)
                .with("value", y),
        ));
    }
    let Some(sample) = seed.parse::<u64>().ok().and_then(|s| drawn.get(&s)) else {
        return Err(err(
            line,
            "seed",
            Message::new("check.no_sample")
                .with("year", year)
                .with("seed", seed),
        ));
    };
    let key = (
        pairing.to_string(),
        kind.to_string(),
        id.to_string(),
        stratum.to_string(),
    );
    if !sample.contains(&key) {
        return Err(err(
            line,
            "record_id",
            Message::new("check.not_sampled")
                .with("kind", kind)
                .with("id", id)
                .with("pairing", pairing)
                .with("stratum", stratum)
                .with("seed", seed),
        ));
    }
    if result.is_empty() {
        return Ok(None);
    }
    if !RESULTS.contains(&result) {
        return Err(err(
            line,
            "result",
            Message::new("check.unknown_result")
                .with("value", result)
                .with("expected", RESULTS.join("|")),
        ));
    }
    if matches!(result, "discrepant" | "falsified") && note.is_empty() {
        return Err(err(
            line,
            "note",
            Message::new("check.note_required").with("result", result),
        ));
    }
    Ok(Some(Verdict {
        seed: seed.parse().unwrap_or_default(),
        pairing_id: pairing.to_string(),
        record_kind: kind.to_string(),
        record_id: id.to_string(),
        result: result.to_string(),
        note: note.chars().take(2_000).collect(),
        by: by.to_string(),
        at: at.to_string(),
    }))
}

/// The 95 % Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (z, n, p) = (1.96_f64, n as f64, k as f64 / n as f64);
    let d = 1.0 + z * z / n;
    let c = (p + z * z / (2.0 * n)) / d;
    let h = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt() / d;
    ((c - h).max(0.0), (c + h).min(1.0))
}

/// The verified rate of one pairing's records of one kind (核查核实率):
/// the teams' verdicts, the share confirmed with its 95 % Wilson interval,
/// and, where the kind counts an indicator, its frozen value extrapolated.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedRate {
    pub pairing_id: String,
    pub record_kind: String,
    /// Verdicts by result, in the order of `RESULTS`.
    pub counts: [u64; 4],
    pub rate: f64,
    pub low: f64,
    pub high: f64,
    /// (indicator, frozen value as written, adjusted, low, high).
    pub adjusted: Option<(String, String, f64, f64, f64)>,
}

impl VerifiedRate {
    pub fn checked(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Per pairing and record kind, the verified rate of the teams' results.
pub fn verified_rates(store: &dyn Store, year: Year) -> Result<Vec<VerifiedRate>, CheckError> {
    let all = verdicts(store, year)?;
    let values: BTreeMap<(String, String), String> = match frozen_outputs(store, year)? {
        Some((_, files)) => super::frozen_indicators(&files)
            .into_iter()
            .map(|(p, i, v)| ((p, i), v))
            .collect(),
        None => BTreeMap::new(),
    };
    let mut groups: BTreeMap<(String, String), [u64; 4]> = BTreeMap::new();
    for v in &all {
        let g = groups
            .entry((v.pairing_id.clone(), v.record_kind.clone()))
            .or_default();
        if let Some(i) = RESULTS.iter().position(|r| *r == v.result) {
            g[i] += 1;
        }
    }
    Ok(groups
        .into_iter()
        .map(|((pairing, kind), c)| {
            let checked: u64 = c.iter().sum();
            let rate = c[0] as f64 / checked.max(1) as f64;
            let (lo, hi) = wilson(c[0], checked);
            let adjusted = ADJUSTS
                .iter()
                .find(|(k, _)| *k == kind)
                .and_then(|(_, ind)| {
                    let v = values.get(&(pairing.clone(), ind.to_string()))?;
                    let x: f64 = v.parse().ok()?;
                    Some((ind.to_string(), v.clone(), x * rate, x * lo, x * hi))
                });
            VerifiedRate {
                pairing_id: pairing,
                record_kind: kind,
                counts: c,
                rate,
                low: lo,
                high: hi,
                adjusted,
            }
        })
        .collect())
}

/// Writes `cross_check.csv`: the rows of `verified_rates`.
pub fn report(store: &dyn Store, year: Year) -> Result<Vec<u8>, CheckError> {
    let mut out = String::from(
        "pairing_id,record_kind,checked,confirmed,not_found,discrepant,falsified,verified_rate,ci_low,ci_high,indicator,value,adjusted,adjusted_low,adjusted_high\n",
    );
    for r in verified_rates(store, year)? {
        let c = r.counts;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{:.4},{:.4},{:.4}",
            r.pairing_id,
            r.record_kind,
            r.checked(),
            c[0],
            c[1],
            c[2],
            c[3],
            r.rate,
            r.low,
            r.high
        ));
        match &r.adjusted {
            Some((ind, v, a, lo, hi)) => {
                out.push_str(&format!(",{ind},{v},{a:.2},{lo:.2},{hi:.2}"))
            }
            None => out.push_str(",,,,,"),
        }
        out.push('\n');
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wilson_interval_holds_the_rate_and_narrows_with_more_checks() {
        let (lo, hi) = wilson(9, 10);
        assert!(lo < 0.9 && 0.9 < hi && hi <= 1.0, "{lo} {hi}");
        let (lo2, hi2) = wilson(90, 100);
        assert!(hi2 - lo2 < hi - lo);
        assert_eq!(wilson(0, 0), (0.0, 1.0));
        let (lo, hi) = wilson(10, 10);
        assert!(lo > 0.6 && (hi - 1.0).abs() < 1e-12);
    }
}
