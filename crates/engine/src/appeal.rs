//! Appeals (申诉): after the preliminary results (the round's review step) a
//! party appeals an indicator value or a finding of its pairing, with a
//! reason and evidence; an assessor decides with a comment. An upheld
//! appeal re-runs the assessment on the frozen data plus the decision: the
//! frozen files are read back into an assessment (values are written so
//! that they read back exactly), the decision applied (the indicator takes
//! the upheld value, or the finding is withdrawn), every pairing scored
//! again under the method with its agreement targets, and the result kept
//! as the round's next frozen version. Without decisions the rebuild gives
//! the frozen files byte for byte (tested), so nothing else moves.
//!
//! Appeals are kept per year in the store's named settings
//! (`assessment_round/<year>/appeals`), written by compare-and-set, with
//! their decisions: the full history.

use crate::assess::compute::{FindingRow, PairingResult, Value};
use crate::assess::data::AssessmentData;
use crate::assess::method::{Method, PairingTargets, score};
use crate::assess::{Assessed, Assessment, output_files, ranking};
use crate::round::{self, OutputFiles, RoundError, RoundState};
use serde::{Deserialize, Serialize};
use xiezuo_domain::{Fen, Finding, Indicator, IndicatorUnit, Year};
use xiezuo_store::{Store, StoreError};

/// What an appeal contests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// An indicator of the pairing, with the value the party holds right.
    Indicator { indicator: String, value: String },
    /// A finding about one record, which the party holds wrong.
    Finding {
        finding: String,
        record_kind: String,
        record_id: String,
    },
    /// A penalty for a record the cross-check found falsified, which the
    /// party holds wrong: upheld, the record is no longer penalised.
    Penalty {
        record_kind: String,
        record_id: String,
    },
}

/// An assessor's decision on an appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub upheld: bool,
    pub comment: String,
    pub by: String,
    pub at: String,
    /// The frozen version an upheld appeal made.
    pub version: Option<u32>,
}

/// One appeal of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub id: u32,
    pub pairing_id: String,
    /// `east` or `west`: the party appealing.
    pub side: String,
    pub subject: Subject,
    pub reason: String,
    pub evidence: String,
    pub by: String,
    pub at: String,
    pub decision: Option<Decision>,
}

/// Why an appeal step was refused.
#[derive(Debug, thiserror::Error)]
pub enum AppealError {
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error("the {year} assessment round is {state}: appeals are filed and decided during its review step", state = .state.as_str())]
    NotNow { year: Year, state: RoundState },
    #[error("the {0} assessment round is not frozen: there is no result to appeal")]
    NotFrozen(Year),
    #[error("pairing {pairing} is not assessed in {year}")]
    NotAssessed { pairing: String, year: Year },
    #[error("unknown side {0:?} (east, west)")]
    BadSide(String),
    #[error("unknown indicator {0:?}")]
    UnknownIndicator(String),
    #[error("{indicator}: {value:?} is not a value of this indicator")]
    BadValue { indicator: String, value: String },
    #[error("pairing {pairing} has no finding {finding} on {record_kind} {record_id}")]
    NoSuchFinding {
        pairing: String,
        finding: String,
        record_kind: String,
        record_id: String,
    },
    #[error("pairing {pairing} has no penalty on {record_kind} {record_id}")]
    NoSuchPenalty {
        pairing: String,
        record_kind: String,
        record_id: String,
    },
    #[error("a reason is required")]
    NoReason,
    #[error("a decision needs a comment")]
    NoComment,
    #[error("there is no appeal {id} in {year}")]
    NoAppeal { year: Year, id: u32 },
    #[error("appeal {0} is decided already")]
    Decided(u32),
    #[error("the appeals were changed by another writer meanwhile; try again")]
    Concurrent,
    #[error("the frozen result cannot be read back: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn key(year: Year) -> String {
    format!("assessment_round/{year}/appeals")
}

/// Every appeal of a year, by id.
pub fn appeals(store: &dyn Store, year: Year) -> Result<Vec<Appeal>, AppealError> {
    Ok(read(store, year)?.1)
}

crate::setting::setting_errors!(AppealError);

fn read(store: &dyn Store, year: Year) -> Result<(Option<String>, Vec<Appeal>), AppealError> {
    let (text, list) = crate::setting::read(store, &key(year))?;
    Ok((text, list.unwrap_or_default()))
}

fn write(
    store: &mut dyn Store,
    year: Year,
    old: Option<&str>,
    list: &[Appeal],
) -> Result<(), AppealError> {
    Ok(crate::setting::replace(store, &key(year), old, list)?)
}

/// The round's frozen files, refusing a round outside its review step.
fn in_review(store: &dyn Store, year: Year) -> Result<OutputFiles, AppealError> {
    let r = round::round(store, year)?.ok_or(RoundError::NoRound(year))?;
    if r.state != RoundState::Review {
        return Err(AppealError::NotNow {
            year,
            state: r.state,
        });
    }
    match round::frozen_outputs(store, year)? {
        Some((_, files)) => Ok(files),
        None => Err(AppealError::NotFrozen(year)),
    }
}

fn file_text<'f>(files: &'f OutputFiles, name: &str) -> Result<&'f str, AppealError> {
    files
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, b)| std::str::from_utf8(b).ok())
        .ok_or_else(|| AppealError::Corrupt(format!("no frozen {name}")))
}

/// An indicator's value as the output files write it, read back.
fn parse_value(i: Indicator, text: &str) -> Option<Value> {
    if text.is_empty() {
        return Some(Value::Null);
    }
    match i.unit() {
        IndicatorUnit::Count => text.parse().ok().map(Value::Count),
        IndicatorUnit::Money => Fen::parse_yuan(text).ok().map(Value::Money),
        IndicatorUnit::Rate => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Value::Rate),
    }
}

/// Files an appeal (round in review, frozen): the subject must be an
/// indicator or a finding of the pairing's frozen result.
#[allow(clippy::too_many_arguments)]
pub fn file(
    store: &mut dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
    subject: Subject,
    reason: &str,
    evidence: &str,
    by: &str,
    at: &str,
) -> Result<Appeal, AppealError> {
    if !["east", "west"].contains(&side) {
        return Err(AppealError::BadSide(side.to_string()));
    }
    if reason.trim().is_empty() {
        return Err(AppealError::NoReason);
    }
    let files = in_review(store, year)?;
    let a = rebuild(store, year, &files, None)?.assessment;
    let p = a
        .pairings
        .iter()
        .find(|p| p.pairing_id == pairing)
        .ok_or_else(|| AppealError::NotAssessed {
            pairing: pairing.to_string(),
            year,
        })?;
    match &subject {
        Subject::Indicator { indicator, value } => {
            let i = Indicator::parse(indicator)
                .ok_or_else(|| AppealError::UnknownIndicator(indicator.clone()))?;
            if parse_value(i, value.trim()).is_none() {
                return Err(AppealError::BadValue {
                    indicator: indicator.clone(),
                    value: value.chars().take(40).collect(),
                });
            }
        }
        Subject::Finding {
            finding,
            record_kind,
            record_id,
        } => {
            let held = p.result.findings.iter().any(|f| {
                f.finding.as_str() == finding
                    && f.record_kind == record_kind
                    && &f.record_id == record_id
            });
            if !held {
                return Err(AppealError::NoSuchFinding {
                    pairing: pairing.to_string(),
                    finding: finding.clone(),
                    record_kind: record_kind.clone(),
                    record_id: record_id.clone(),
                });
            }
        }
        Subject::Penalty {
            record_kind,
            record_id,
        } => {
            let penalised = penalised(store, year)?.contains(&(
                pairing.to_string(),
                record_kind.clone(),
                record_id.clone(),
            ));
            if !penalised {
                return Err(AppealError::NoSuchPenalty {
                    pairing: pairing.to_string(),
                    record_kind: record_kind.clone(),
                    record_id: record_id.clone(),
                });
            }
        }
    }
    let (old, mut list) = read(store, year)?;
    let appeal = Appeal {
        id: list.iter().map(|a| a.id).max().unwrap_or(0) + 1,
        pairing_id: pairing.to_string(),
        side: side.to_string(),
        subject,
        reason: reason.trim().chars().take(5_000).collect(),
        evidence: evidence.chars().take(20_000).collect(),
        by: by.to_string(),
        at: at.to_string(),
        decision: None,
    };
    list.push(appeal.clone());
    write(store, year, old.as_deref(), &list)?;
    Ok(appeal)
}

/// Decides an appeal; an upheld one re-runs the assessment on the frozen
/// data plus the decision and keeps it as the round's next version.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    store: &mut dyn Store,
    year: Year,
    id: u32,
    upheld: bool,
    comment: &str,
    method: &Method,
    by: &str,
    at: &str,
) -> Result<Appeal, AppealError> {
    if comment.trim().is_empty() {
        return Err(AppealError::NoComment);
    }
    let files = in_review(store, year)?;
    let (old, mut list) = read(store, year)?;
    let appeal = list
        .iter_mut()
        .find(|a| a.id == id)
        .ok_or(AppealError::NoAppeal { year, id })?;
    if appeal.decision.is_some() {
        return Err(AppealError::Decided(id));
    }
    let version = if upheld {
        let upheld: &Appeal = appeal;
        let data = AssessmentData::load(store)?;
        let change: Option<(&Method, Change<'_>)> = Some((method, &|a| apply(a, upheld)));
        let files = rerun(&data, store, year, &files, change, withdrawn_by(upheld))?.files();
        let reason = format!("appeal {id} upheld: {}", comment.trim());
        Some(round::new_version(store, year, &files, by, &reason, at)?)
    } else {
        None
    };
    appeal.decision = Some(Decision {
        upheld,
        comment: comment.trim().chars().take(5_000).collect(),
        by: by.to_string(),
        at: at.to_string(),
        version,
    });
    let decided = appeal.clone();
    write(store, year, old.as_deref(), &list)?;
    Ok(decided)
}

/// The assessment the frozen files hold, read back; with a method and a
/// change (an upheld appeal), the change made, the round's penalties (if
/// applied) taken again, and every pairing scored again.
pub fn rebuild(
    store: &dyn Store,
    year: Year,
    files: &OutputFiles,
    change: Option<(&Method, Change<'_>)>,
) -> Result<Rebuilt, AppealError> {
    let data = AssessmentData::load(store)?;
    rebuild_on(&data, store, year, files, change)
}

/// `rebuild` on data already loaded (the store's, or the store's with a
/// correction laid over it): pairings, targets and findings' records are
/// read from `data`, the round and its penalties from `store`.
pub fn rebuild_on(
    data: &AssessmentData,
    store: &dyn Store,
    year: Year,
    files: &OutputFiles,
    change: Option<(&Method, Change<'_>)>,
) -> Result<Rebuilt, AppealError> {
    rerun(data, store, year, files, change, None)
}

/// A penalised record: (pairing, record kind, record id).
pub type Penalised = (String, String, String);

/// The record an upheld penalty appeal takes out of the penalties.
fn withdrawn_by(a: &Appeal) -> Option<Penalised> {
    match &a.subject {
        Subject::Penalty {
            record_kind,
            record_id,
        } => Some((a.pairing_id.clone(), record_kind.clone(), record_id.clone())),
        _ => None,
    }
}

/// The records penalised now: the falsified ones, once the round's
/// penalties are applied, less those withdrawn by upheld appeals.
pub fn penalised(store: &dyn Store, year: Year) -> Result<Vec<Penalised>, AppealError> {
    Ok(penalised_verdicts(store, year, None)?
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.pairing_id, v.record_kind, v.record_id))
        .collect())
}

/// The falsified verdicts that still count once the round's penalties are
/// applied (`None` before), less those withdrawn by upheld appeals and by
/// `withdrawing`.
fn penalised_verdicts(
    store: &dyn Store,
    year: Year,
    withdrawing: Option<Penalised>,
) -> Result<Option<Vec<round::check::Verdict>>, AppealError> {
    if !round::penalty::applied(store, year)? {
        return Ok(None);
    }
    let mut withdrawn = withdrawn(store, year)?;
    withdrawn.extend(withdrawing);
    let counts = |v: &round::check::Verdict| {
        !withdrawn
            .iter()
            .any(|(p, k, r)| *p == v.pairing_id && *k == v.record_kind && *r == v.record_id)
    };
    Ok(Some(
        round::penalty::falsified(store, year)?
            .into_iter()
            .filter(counts)
            .collect(),
    ))
}

/// The records withdrawn from the penalties by upheld appeals.
fn withdrawn(store: &dyn Store, year: Year) -> Result<Vec<Penalised>, AppealError> {
    Ok(appeals(store, year)?
        .iter()
        .filter(|a| a.decision.as_ref().is_some_and(|d| d.upheld))
        .filter_map(withdrawn_by)
        .collect())
}

/// `rebuild_on`, with one more record withdrawn from the penalties (the
/// appeal being upheld).
fn rerun(
    data: &AssessmentData,
    store: &dyn Store,
    year: Year,
    files: &OutputFiles,
    change: Option<(&Method, Change<'_>)>,
    withdrawing: Option<Penalised>,
) -> Result<Rebuilt, AppealError> {
    let scores = file_text(files, "scores.csv")?;
    let columns: Vec<String> = scores
        .lines()
        .next()
        .map(|h| {
            let f: Vec<&str> = h.split(',').collect();
            f[3..f.len().saturating_sub(2)]
                .iter()
                .map(|s| s.to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut pairings: Vec<Assessed> = Vec::new();
    let corrupt = |what: &str| AppealError::Corrupt(what.to_string());
    for line in file_text(files, "indicators.csv")?.lines().skip(1) {
        let f: Vec<&str> = line.splitn(4, ',').collect();
        let [id, _, ind, value] = f[..] else {
            return Err(corrupt(line));
        };
        let i = Indicator::parse(ind).ok_or_else(|| corrupt(ind))?;
        let v = parse_value(i, value).ok_or_else(|| corrupt(line))?;
        if pairings.last().is_none_or(|p| p.pairing_id != id) {
            let idx = *data.pairing_idx.get(id).ok_or_else(|| corrupt(id))?;
            pairings.push(Assessed {
                pairing_id: id.to_string(),
                level: xiezuo_domain::enums::Vocabulary::as_str(data.pairings[idx as usize].level),
                result: PairingResult {
                    pairing: idx,
                    values: Vec::new(),
                    findings: Vec::new(),
                },
                scores: Vec::new(),
            });
        }
        if let Some(p) = pairings.last_mut() {
            p.result.values.push((i, v));
        }
    }
    for line in file_text(files, "findings.csv")?.lines().skip(1) {
        let f: Vec<&str> = line.splitn(5, ',').collect();
        let [id, _, finding, kind, record] = f[..] else {
            return Err(corrupt(line));
        };
        let finding = Finding::parse(finding).ok_or_else(|| corrupt(finding))?;
        let record_kind = RECORD_KINDS
            .iter()
            .find(|k| **k == kind)
            .ok_or_else(|| corrupt(kind))?;
        let p = pairings
            .iter_mut()
            .find(|p| p.pairing_id == id)
            .ok_or_else(|| corrupt(id))?;
        p.result.findings.push(FindingRow {
            finding,
            record_kind,
            record_id: record.to_string(),
        });
    }
    let mut a = Assessment {
        year,
        method_id: String::new(),
        columns,
        pairings,
    };
    let Some((method, change)) = change else {
        // The frozen scores, as they were written.
        read_scores(&mut a, scores)?;
        a.method_id = round::round(store, year)?
            .and_then(|r| r.frozen)
            .map(|f| f.method_id)
            .unwrap_or_default();
        return Ok(Rebuilt {
            assessment: a,
            penalties: None,
        });
    };
    if let Some((pairing, kind, _)) = &withdrawing {
        // The record's indicator as it was before the penalties zeroed it
        // (still zero below if another falsified record counts it).
        restore(
            &mut a,
            pairing,
            kind,
            &round::penalty::indicators_before(store, year)?,
        );
    }
    change(&mut a);
    let falsified = penalised_verdicts(store, year, withdrawing)?;
    if let Some(f) = &falsified {
        round::penalty::zero_items(&mut a, f);
    }
    for p in &mut a.pairings {
        let targets = PairingTargets {
            data,
            pairing: p.result.pairing,
            year,
        };
        p.scores = score(method, &p.result, &targets);
    }
    a.method_id = method.id.clone();
    a.columns = method.component_columns();
    ranking::apply_quota(&mut a, method);
    let penalties = falsified.map(|f| round::penalty::deduct(&mut a, &f, method));
    Ok(Rebuilt {
        assessment: a,
        penalties,
    })
}

/// An assessment read back or re-run, with `penalties.csv` when the
/// round's penalties are applied.
pub struct Rebuilt {
    pub assessment: Assessment,
    pub penalties: Option<Vec<u8>>,
}

impl Rebuilt {
    /// The output files of the re-run.
    pub fn files(&self) -> OutputFiles {
        let mut files: OutputFiles = output_files(&self.assessment)
            .into_iter()
            .map(|(n, b)| (n.to_string(), b))
            .collect();
        if let Some(p) = &self.penalties {
            files.push(("penalties.csv".into(), p.clone()));
        }
        files
    }
}

/// A change made to an assessment read back, before it is scored again.
pub type Change<'c> = &'c dyn Fn(&mut Assessment);

/// The record kinds that findings name.
const RECORD_KINDS: [&str; 5] = [
    "pairing",
    "attendance",
    "placement",
    "milestone",
    "beneficiary",
];

fn apply(a: &mut Assessment, appeal: &Appeal) {
    let Some(p) = a
        .pairings
        .iter_mut()
        .find(|p| p.pairing_id == appeal.pairing_id)
    else {
        return;
    };
    match &appeal.subject {
        Subject::Indicator { indicator, value } => {
            if let Some(i) = Indicator::parse(indicator)
                && let Some(v) = parse_value(i, value.trim())
                && let Some(slot) = p.result.values.iter_mut().find(|(k, _)| *k == i)
            {
                slot.1 = v;
            }
        }
        Subject::Finding {
            finding,
            record_kind,
            record_id,
        } => p.result.findings.retain(|f| {
            !(f.finding.as_str() == finding
                && f.record_kind == record_kind
                && &f.record_id == record_id)
        }),
        // Taken out of the penalties by `rerun`.
        Subject::Penalty { .. } => {}
    }
}

/// Sets the indicator a record of `kind` counts, in `pairing`, back to its
/// value in `before` (frozen `indicators.csv` rows).
fn restore(a: &mut Assessment, pairing: &str, kind: &str, before: &[(String, String, String)]) {
    let Some(i) = round::penalty::indicator_of(kind) else {
        return;
    };
    let Some(v) = before
        .iter()
        .find(|(p, ind, _)| p == pairing && ind == i.as_str())
        .and_then(|(_, _, v)| parse_value(i, v))
    else {
        return;
    };
    if let Some(p) = a.pairings.iter_mut().find(|p| p.pairing_id == pairing)
        && let Some(slot) = p.result.values.iter_mut().find(|(k, _)| *k == i)
    {
        slot.1 = v;
    }
}

/// The side scores of `scores.csv`, read back into the assessment.
fn read_scores(a: &mut Assessment, text: &str) -> Result<(), AppealError> {
    let n = a.columns.len();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != n + 5 {
            return Err(AppealError::Corrupt(line.to_string()));
        }
        let p = a
            .pairings
            .iter_mut()
            .find(|p| p.pairing_id == f[0])
            .ok_or_else(|| AppealError::Corrupt(f[0].to_string()))?;
        let num = |s: &str| {
            s.parse::<f64>()
                .map_err(|_| AppealError::Corrupt(line.to_string()))
        };
        let mut components = Vec::new();
        for (c, v) in a.columns.iter().zip(&f[3..3 + n]) {
            if !v.is_empty() {
                components.push((c.clone(), num(v)?));
            }
        }
        p.scores.push(crate::assess::method::SideScore {
            side: f[2].to_string(),
            components,
            total: num(f[3 + n])?,
            grade: f[4 + n].to_string(),
        });
    }
    Ok(())
}
