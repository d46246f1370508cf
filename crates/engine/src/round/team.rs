//! A cross-check team's form (核查结果填报): the sampled records of the
//! team's pairings in the round's latest sample, drawn again from its
//! recorded seed, with the results recorded on them so far; and the
//! results a form sends, recorded exactly as a filled-in `sample.csv`
//! would be (`check::record`: the same rules and row errors, the line of a
//! form row being its position plus one for the header).

use super::SampleRecord;
use super::check::{self, CheckError, Verdict};
use super::sample::{SAMPLE_COLUMNS, SampledRecord, draw_sample, household_ids};
use super::{RoundError, round};
use crate::assess::data::AssessmentData;
use crate::assess::method::Method;
use std::collections::BTreeMap;
use xiezuo_domain::Year;
use xiezuo_store::Store;

/// The team's records of the latest sample.
#[derive(Debug, Clone)]
pub struct TeamSample {
    pub sample: SampleRecord,
    /// Each record with the verdict recorded on it, if any.
    pub rows: Vec<(SampledRecord, Option<Verdict>)>,
}

/// The latest sample of `year` drawn again, narrowed to the pairings
/// `keep` admits; `None` when no sample was drawn.
pub fn team_sample(
    store: &dyn Store,
    data: &AssessmentData,
    year: Year,
    method: &Method,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Option<TeamSample>, CheckError> {
    let r = round(store, year)?.ok_or(RoundError::NoRound(year))?;
    let Some(s) = r.samples.last().cloned() else {
        return Ok(None);
    };
    let ids = household_ids(store).map_err(RoundError::from)?;
    let drawn = draw_sample(data, &ids, year, s.seed, method.sampling);
    let verdicts: BTreeMap<(String, String, String), Verdict> = check::verdicts(store, year)?
        .into_iter()
        .filter(|v| v.seed == s.seed)
        .map(|v| {
            (
                (
                    v.pairing_id.clone(),
                    v.record_kind.clone(),
                    v.record_id.clone(),
                ),
                v,
            )
        })
        .collect();
    let rows = drawn
        .records
        .into_iter()
        .filter(|x| keep(&x.pairing_id))
        .map(|x| {
            let v = verdicts
                .get(&(
                    x.pairing_id.clone(),
                    x.record_kind.to_string(),
                    x.record_id.clone(),
                ))
                .cloned();
            (x, v)
        })
        .collect();
    Ok(Some(TeamSample { sample: s, rows }))
}

/// One result as a form sends it: the sampled record and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormResult {
    pub pairing_id: String,
    pub county: String,
    pub record_kind: String,
    pub record_id: String,
    pub stratum: String,
    /// `confirmed`, `not_found`, `discrepant` or `falsified`.
    pub result: String,
    /// The corrected value or the evidence (required when discrepant or falsified).
    pub note: String,
}

/// The results of a form as the rows of a filled-in `sample.csv`.
pub fn form_csv(year: Year, seed: u64, rows: &[FormResult]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut put = |cells: &[&str]| w.write_record(cells).is_ok();
    let mut ok = put(&SAMPLE_COLUMNS);
    let (year, seed) = (year.to_string(), seed.to_string());
    for r in rows {
        ok &= put(&[
            &year,
            &seed,
            &r.pairing_id,
            &r.county,
            &r.record_kind,
            &r.record_id,
            &r.stratum,
            &r.result,
            &r.note,
        ]);
    }
    debug_assert!(ok, "writing CSV into memory does not fail");
    w.into_inner().unwrap_or_default()
}

/// Records a form's results on the latest sample (`seed`), all or none.
#[allow(clippy::too_many_arguments)]
pub fn record_form(
    store: &mut dyn Store,
    year: Year,
    seed: u64,
    rows: &[FormResult],
    method: &Method,
    by: &str,
    at: &str,
) -> Result<usize, CheckError> {
    let bytes = form_csv(year, seed, rows);
    check::record(store, year, "form", &bytes, method, by, at)
}
