//! What a correction changes in a frozen result. The year is assessed
//! twice on the data as it is now, without and with the correction's rows
//! laid over it; only what differs between the two (an indicator value, a
//! finding, a pairing that is or is not assessed) is carried onto the
//! frozen result, which is then scored again with the round's penalties
//! and upheld appeals kept (`appeal::rebuild_on`). So a correction moves
//! nothing else: records of the registry changed since the freeze stay out
//! of the frozen result, as they do for every other frozen year.
//!
//! `Effect` is the difference between the frozen result and the corrected
//! one, per indicator, per side's score and grade, and per finding: what
//! the approver sees before approving.

use super::CorrectionError;
use super::overlay::Overlay;
use crate::appeal::rebuild_on;
use crate::assess::compute::FindingRow;
use crate::assess::data::AssessmentData;
use crate::assess::method::Method;
use crate::assess::{Assessed, Assessment, assess};
use crate::round::{OutputFiles, frozen_indicators};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use xiezuo_domain::Year;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::Store;

/// An indicator whose value the correction changes (values as the output
/// files write them; empty for null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorChange {
    pub pairing_id: String,
    pub indicator: String,
    pub frozen: String,
    pub corrected: String,
}

/// A side's score or grade that the correction changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreChange {
    pub pairing_id: String,
    pub side: String,
    pub frozen_total: String,
    pub corrected_total: String,
    pub frozen_grade: String,
    pub corrected_grade: String,
}

/// A finding the correction raises or clears.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingChange {
    pub pairing_id: String,
    pub finding: String,
    pub record_kind: String,
    pub record_id: String,
    /// True: raised by the correction; false: cleared.
    pub raised: bool,
}

/// The effect of a correction on the frozen result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    pub indicators: Vec<IndicatorChange>,
    pub scores: Vec<ScoreChange>,
    pub findings: Vec<FindingChange>,
}

/// The frozen result with the correction carried onto it, and its effect.
pub fn corrected_files(
    store: &dyn Store,
    year: Year,
    frozen: &OutputFiles,
    rows: Vec<(FileKind, Vec<Cell>)>,
    method: &Method,
) -> Result<(OutputFiles, Effect), CorrectionError> {
    let live = AssessmentData::load(store)?;
    let over = Overlay::new(store, rows)?;
    let with = AssessmentData::load_from(&over)?;
    let before = assess(&live, year, method);
    let after = assess(&with, year, method);
    let carry = |a: &mut Assessment| carry_over(a, &before, &after);
    let rebuilt = rebuild_on(&with, store, year, frozen, Some((method, &carry)))
        .map_err(|e| CorrectionError::Corrupt(e.to_string()))?;
    let files = rebuilt.files();
    let effect = effect(frozen, &files);
    Ok((files, effect))
}

/// Carries onto the frozen assessment `a` what differs between `before`
/// and `after` (the year assessed on current data without and with the
/// correction).
fn carry_over(a: &mut Assessment, before: &Assessment, after: &Assessment) {
    let by_id = |x: &Assessment| -> BTreeMap<String, Assessed> {
        x.pairings
            .iter()
            .map(|p| (p.pairing_id.clone(), p.clone()))
            .collect()
    };
    let (b, f) = (by_id(before), by_id(after));
    // Pairings the correction takes out of the year, or brings into it.
    a.pairings
        .retain(|p| !b.contains_key(&p.pairing_id) || f.contains_key(&p.pairing_id));
    for (id, p) in &f {
        if !b.contains_key(id) && !a.pairings.iter().any(|q| &q.pairing_id == id) {
            a.pairings.push(p.clone());
        }
    }
    a.pairings.sort_by(|x, y| x.pairing_id.cmp(&y.pairing_id));
    for p in &mut a.pairings {
        let (Some(old), Some(new)) = (b.get(&p.pairing_id), f.get(&p.pairing_id)) else {
            continue;
        };
        for (i, v) in &new.result.values {
            let was = old.result.values.iter().find(|(k, _)| k == i).map(|x| x.1);
            if was != Some(*v)
                && let Some(slot) = p.result.values.iter_mut().find(|(k, _)| k == i)
            {
                slot.1 = *v;
            }
        }
        let set =
            |x: &Assessed| -> BTreeSet<FindingRow> { x.result.findings.iter().cloned().collect() };
        let (was, now) = (set(old), set(new));
        p.result
            .findings
            .retain(|r| !was.contains(r) || now.contains(r));
        for r in now.difference(&was) {
            if !p.result.findings.contains(r) {
                p.result.findings.push(r.clone());
            }
        }
        p.result.findings.sort();
    }
}

/// The difference between two sets of output files.
pub fn effect(frozen: &OutputFiles, corrected: &OutputFiles) -> Effect {
    let mut e = Effect::default();
    let ind = |f: &OutputFiles| -> BTreeMap<(String, String), String> {
        frozen_indicators(f)
            .into_iter()
            .map(|(p, i, v)| ((p, i), v))
            .collect()
    };
    let (a, b) = (ind(frozen), ind(corrected));
    let keys: BTreeSet<&(String, String)> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let (x, y) = (a.get(k), b.get(k));
        if x != y {
            e.indicators.push(IndicatorChange {
                pairing_id: k.0.clone(),
                indicator: k.1.clone(),
                frozen: x.cloned().unwrap_or_default(),
                corrected: y.cloned().unwrap_or_default(),
            });
        }
    }
    let (a, b) = (scores(frozen), scores(corrected));
    let keys: BTreeSet<&(String, String)> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let none = (String::new(), String::new());
        let (x, y) = (a.get(k).unwrap_or(&none), b.get(k).unwrap_or(&none));
        if x != y {
            e.scores.push(ScoreChange {
                pairing_id: k.0.clone(),
                side: k.1.clone(),
                frozen_total: x.0.clone(),
                corrected_total: y.0.clone(),
                frozen_grade: x.1.clone(),
                corrected_grade: y.1.clone(),
            });
        }
    }
    let (a, b) = (findings(frozen), findings(corrected));
    for (set, other, raised) in [(&b, &a, true), (&a, &b, false)] {
        for f in set.difference(other) {
            e.findings.push(FindingChange {
                pairing_id: f.0.clone(),
                finding: f.1.clone(),
                record_kind: f.2.clone(),
                record_id: f.3.clone(),
                raised,
            });
        }
    }
    e.findings.sort();
    e
}

fn text<'f>(files: &'f OutputFiles, name: &str) -> &'f str {
    files
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, b)| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// `scores.csv` by (pairing, side): (total, grade).
fn scores(files: &OutputFiles) -> BTreeMap<(String, String), (String, String)> {
    text(files, "scores.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let n = f.len();
            (n >= 5).then(|| {
                (
                    (f[0].to_string(), f[2].to_string()),
                    (f[n - 2].to_string(), f[n - 1].to_string()),
                )
            })
        })
        .collect()
}

/// `findings.csv` rows: (pairing, finding, record kind, record id).
fn findings(files: &OutputFiles) -> BTreeSet<(String, String, String, String)> {
    text(files, "findings.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(5, ',').collect();
            (f.len() == 5).then(|| {
                (
                    f[0].to_string(),
                    f[2].to_string(),
                    f[3].to_string(),
                    f[4].to_string(),
                )
            })
        })
        .collect()
}
