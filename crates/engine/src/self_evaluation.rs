//! Self-evaluation (自评): during a round's self-evaluation step, each
//! assessed party — the east's helper and the west's helped side of a
//! pairing — claims a value per indicator, pre-filled with the frozen
//! result, and writes a narrative; its paired party records its opinion
//! (征求结对方意见). A claim that differs from the frozen value is a finding
//! of the round (`mismatches`), shown beside the score.
//!
//! Submissions are kept per pairing and side in the store's named settings
//! (`assessment_round/<year>/self/<pairing>/<side>`), written by
//! compare-and-set; a new submission keeps the earlier ones in its history.

use crate::round::{self, RoundError, RoundState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xiezuo_domain::{Indicator, Year};
use xiezuo_store::{Store, StoreError};

/// The sides of a pairing that evaluate themselves.
pub const SIDES: [&str; 2] = ["east", "west"];

/// One indicator of a self-evaluation: the frozen value and the claim
/// (both as the output files write values; empty: null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub indicator: String,
    pub computed: String,
    pub claimed: String,
}

impl Claim {
    /// Whether the claim differs from the frozen value (numbers compared
    /// as numbers).
    pub fn differs(&self) -> bool {
        match (self.computed.parse::<f64>(), self.claimed.parse::<f64>()) {
            (Ok(a), Ok(b)) => (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1.0),
            _ => self.computed.trim() != self.claimed.trim(),
        }
    }
}

/// The paired party's opinion of a self-evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    pub by: String,
    pub at: String,
    pub agrees: bool,
    pub text: String,
}

/// One submission of a party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub by: String,
    pub at: String,
    pub claims: Vec<Claim>,
    pub narrative: String,
}

/// A party's self-evaluation of one pairing and year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfEvaluation {
    pub year: Year,
    pub pairing_id: String,
    pub side: String,
    pub current: Submission,
    pub opinion: Option<Opinion>,
    /// Earlier submissions, oldest first.
    pub history: Vec<Submission>,
}

impl SelfEvaluation {
    /// The claims that differ from the frozen values: findings of the round.
    pub fn mismatches(&self) -> Vec<&Claim> {
        self.current.claims.iter().filter(|c| c.differs()).collect()
    }
}

/// Why a self-evaluation step was refused.
#[derive(Debug, thiserror::Error)]
pub enum SelfEvaluationError {
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error("the {year} assessment round is {state}: self-evaluations are written during its self_evaluation step", state = .state.as_str())]
    NotNow { year: Year, state: RoundState },
    #[error(
        "the {0} assessment round is not frozen: a self-evaluation claims against the frozen result"
    )]
    NotFrozen(Year),
    #[error("pairing {pairing} is not assessed in {year}")]
    NotAssessed { pairing: String, year: Year },
    #[error("unknown side {0:?} (east, west)")]
    BadSide(String),
    #[error("unknown indicator {0:?}")]
    UnknownIndicator(String),
    #[error("{indicator}: the claimed value {value:?} is not a number")]
    BadValue { indicator: String, value: String },
    #[error("the {side} side of {pairing} has not submitted its self-evaluation for {year} yet")]
    NotSubmitted {
        year: Year,
        pairing: String,
        side: String,
    },
    #[error("{name}: {}", match *.why { "kind" => "an attachment is a PDF, PNG, JPEG, DOCX or XLSX file", _ => "the file is not what its name says" })]
    BadAttachment { name: String, why: &'static str },
    #[error("{name}: an attachment is at most {max_mib} MiB")]
    AttachmentTooLarge { name: String, max_mib: usize },
    #[error("a side's self-evaluation has at most {0} attachments")]
    TooManyAttachments(usize),
    #[error("there is no attachment {0}")]
    NoAttachment(u32),
    #[error("the self-evaluation was changed by another writer meanwhile; try again")]
    Concurrent,
    #[error("a stored self-evaluation cannot be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn key(year: Year, pairing: &str, side: &str) -> String {
    format!("assessment_round/{year}/self/{pairing}/{side}")
}

pub(crate) fn check_side(side: &str) -> Result<(), SelfEvaluationError> {
    if SIDES.contains(&side) {
        Ok(())
    } else {
        Err(SelfEvaluationError::BadSide(side.to_string()))
    }
}

/// The frozen values of a pairing's indicators (indicator, value), in the
/// order of the frozen `indicators.csv`: what a self-evaluation starts from.
pub fn prefill(
    store: &dyn Store,
    year: Year,
    pairing: &str,
) -> Result<Vec<(String, String)>, SelfEvaluationError> {
    let Some((_, files)) = round::frozen_outputs(store, year)? else {
        return Err(SelfEvaluationError::NotFrozen(year));
    };
    let values: Vec<(String, String)> = round::frozen_indicators(&files)
        .into_iter()
        .filter(|(p, _, _)| p == pairing)
        .map(|(_, i, v)| (i, v))
        .collect();
    if values.is_empty() {
        return Err(SelfEvaluationError::NotAssessed {
            pairing: pairing.to_string(),
            year,
        });
    }
    Ok(values)
}

/// A party's self-evaluation, if it submitted one.
pub fn get(
    store: &dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
) -> Result<Option<SelfEvaluation>, SelfEvaluationError> {
    check_side(side)?;
    read(store, year, pairing, side).map(|(_, s)| s)
}

type Stored = (Option<String>, Option<SelfEvaluation>);

crate::setting::setting_errors!(SelfEvaluationError);

fn read(
    store: &dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
) -> Result<Stored, SelfEvaluationError> {
    Ok(crate::setting::read(store, &key(year, pairing, side))?)
}

fn write(
    store: &mut dyn Store,
    old: Option<&str>,
    s: &SelfEvaluation,
) -> Result<(), SelfEvaluationError> {
    Ok(crate::setting::replace(
        store,
        &key(s.year, &s.pairing_id, &s.side),
        old,
        s,
    )?)
}

/// Refuses a step outside the round's self-evaluation, or before its freeze.
pub(crate) fn check_round(store: &dyn Store, year: Year) -> Result<(), SelfEvaluationError> {
    let r = round::round(store, year)?.ok_or(RoundError::NoRound(year))?;
    if r.state != RoundState::SelfEvaluation {
        return Err(SelfEvaluationError::NotNow {
            year,
            state: r.state,
        });
    }
    if r.frozen.is_none() {
        return Err(SelfEvaluationError::NotFrozen(year));
    }
    Ok(())
}

/// Submits a party's self-evaluation: `claims` by indicator id (an
/// indicator left out claims its frozen value; an empty claim is null).
#[allow(clippy::too_many_arguments)]
pub fn submit(
    store: &mut dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
    claims: &BTreeMap<String, String>,
    narrative: &str,
    by: &str,
    at: &str,
) -> Result<SelfEvaluation, SelfEvaluationError> {
    check_side(side)?;
    check_round(store, year)?;
    let values = prefill(store, year, pairing)?;
    for (name, value) in claims {
        if Indicator::parse(name).is_none() || !values.iter().any(|(i, _)| i == name) {
            return Err(SelfEvaluationError::UnknownIndicator(name.clone()));
        }
        let v = value.trim();
        if !v.is_empty() && v.parse::<f64>().map_or(true, |x| !x.is_finite()) {
            return Err(SelfEvaluationError::BadValue {
                indicator: name.clone(),
                value: value.chars().take(40).collect(),
            });
        }
    }
    let claims = values
        .into_iter()
        .map(|(indicator, computed)| Claim {
            claimed: claims
                .get(&indicator)
                .map_or_else(|| computed.clone(), |c| c.trim().to_string()),
            indicator,
            computed,
        })
        .collect();
    let submission = Submission {
        by: by.to_string(),
        at: at.to_string(),
        claims,
        narrative: narrative.chars().take(20_000).collect(),
    };
    let (old, stored) = read(store, year, pairing, side)?;
    let s = match stored {
        Some(mut s) => {
            let previous = std::mem::replace(&mut s.current, submission);
            s.history.push(previous);
            // A new submission asks the paired party again.
            s.opinion = None;
            s
        }
        None => SelfEvaluation {
            year,
            pairing_id: pairing.to_string(),
            side: side.to_string(),
            current: submission,
            opinion: None,
            history: Vec::new(),
        },
    };
    write(store, old.as_deref(), &s)?;
    Ok(s)
}

/// Records the paired party's opinion of a side's self-evaluation.
#[allow(clippy::too_many_arguments)]
pub fn give_opinion(
    store: &mut dyn Store,
    year: Year,
    pairing: &str,
    side: &str,
    agrees: bool,
    text: &str,
    by: &str,
    at: &str,
) -> Result<SelfEvaluation, SelfEvaluationError> {
    check_side(side)?;
    check_round(store, year)?;
    let (old, stored) = read(store, year, pairing, side)?;
    let mut s = stored.ok_or_else(|| SelfEvaluationError::NotSubmitted {
        year,
        pairing: pairing.to_string(),
        side: side.to_string(),
    })?;
    s.opinion = Some(Opinion {
        by: by.to_string(),
        at: at.to_string(),
        agrees,
        text: text.chars().take(20_000).collect(),
    });
    write(store, old.as_deref(), &s)?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_differs_by_value_not_by_spelling() {
        let c = |computed: &str, claimed: &str| Claim {
            indicator: "poor_employed".into(),
            computed: computed.into(),
            claimed: claimed.into(),
        };
        assert!(!c("12", "12.0").differs());
        assert!(!c("0.4444444444", "0.4444444444").differs());
        assert!(c("12", "13").differs());
        assert!(!c("", "").differs());
        assert!(c("", "3").differs());
    }
}
