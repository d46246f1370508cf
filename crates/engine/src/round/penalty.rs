//! Penalties for falsification (弄虚作假): once the cross-check has proven
//! records falsified, `apply` makes the round's next frozen version with
//! the method's penalties: the indicator a falsified record counts scores
//! nothing (it is taken as 0), each side of the pairing loses
//! `points_per_falsified` per falsified record up to `max_points`, and its
//! grade is vetoed down to `veto_grade`. `penalties.csv` beside the other
//! outputs links every penalty to its record and evidence. Once applied,
//! every later re-run (an upheld appeal) applies them again.

use super::check::{ADJUSTS, Verdict, verdicts};
use super::{RoundError, RoundState, frozen_outputs, new_version, round};
use crate::assess::Assessment;
use crate::assess::compute::Value;
use crate::assess::method::Method;
use xiezuo_domain::{Fen, Indicator, Year};
use xiezuo_store::{Store, StoreError};

fn key(year: Year) -> String {
    format!("assessment_round/{year}/penalties_applied")
}

/// Whether a year's penalties have been applied.
pub fn applied(store: &dyn Store, year: Year) -> Result<bool, StoreError> {
    Ok(store.meta(&key(year))?.is_some_and(|v| !v.is_empty()))
}

/// The falsified verdicts of a year.
pub fn falsified(store: &dyn Store, year: Year) -> Result<Vec<Verdict>, RoundError> {
    Ok(verdicts(store, year)
        .map_err(|e| RoundError::Corrupt(e.to_string()))?
        .into_iter()
        .filter(|v| v.result == "falsified")
        .collect())
}

/// Before scoring: the indicator each falsified record counts is taken as 0.
pub fn zero_items(a: &mut Assessment, falsified: &[Verdict]) {
    for v in falsified {
        let Some(i) = indicator_of(&v.record_kind) else {
            continue;
        };
        if let Some(p) = a.pairings.iter_mut().find(|p| p.pairing_id == v.pairing_id)
            && let Some(slot) = p.result.values.iter_mut().find(|(k, _)| *k == i)
        {
            slot.1 = match slot.1 {
                Value::Money(_) => Value::Money(Fen(0)),
                Value::Rate(_) => Value::Rate(0.0),
                Value::Count(_) | Value::Null => Value::Count(0),
            };
        }
    }
}

/// After scoring and grading: the points off and the veto, and
/// `penalties.csv` naming each record and its evidence.
pub fn deduct(a: &mut Assessment, falsified: &[Verdict], method: &Method) -> Vec<u8> {
    let p = &method.penalties;
    let mut out = String::from("pairing_id,year,side,record_kind,record_id,points,evidence\n");
    for pairing in &mut a.pairings {
        let mine: Vec<&Verdict> = falsified
            .iter()
            .filter(|v| v.pairing_id == pairing.pairing_id)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let total_off = (p.points_per_falsified * mine.len() as f64).min(p.max_points);
        for s in &mut pairing.scores {
            s.total = crate::assess::method::round2((s.total - total_off).max(0.0));
            if let Some(g) = &p.veto_grade {
                s.grade = g.clone();
            }
            let mut left = total_off;
            for v in &mine {
                let points = p.points_per_falsified.min(left);
                left -= points;
                let evidence = v.note.replace([',', '\n', '\r'], " ");
                out.push_str(&format!(
                    "{},{},{},{},{},{points:.2},{evidence}\n",
                    pairing.pairing_id, a.year, s.side, v.record_kind, v.record_id
                ));
            }
        }
    }
    out.into_bytes()
}

/// The frozen `indicators.csv` rows of the version the penalties were
/// applied to (the one before the first version with `penalties.csv`):
/// what a record's indicator was before it was zeroed. Empty when the
/// penalties are not applied.
pub fn indicators_before(
    store: &dyn Store,
    year: Year,
) -> Result<Vec<(String, String, String)>, RoundError> {
    let Some(f) = round(store, year)?.and_then(|r| r.frozen) else {
        return Ok(Vec::new());
    };
    for v in 2..=f.version {
        if super::version_file(store, year, v, "penalties.csv")?.is_some() {
            let before =
                super::version_file(store, year, v - 1, "indicators.csv")?.ok_or_else(|| {
                    RoundError::Corrupt(format!("indicators.csv of {year} v{}", v - 1))
                })?;
            return Ok(super::frozen_indicators(&vec![(
                "indicators.csv".to_string(),
                before,
            )]));
        }
    }
    Ok(Vec::new())
}

/// The indicator a falsified record of `record_kind` counts.
pub fn indicator_of(record_kind: &str) -> Option<Indicator> {
    ADJUSTS
        .iter()
        .find(|(k, _)| *k == record_kind)
        .and_then(|(_, i)| Indicator::parse(i))
}

/// Applies the penalties of the cross-check to the round (in its
/// cross-check step, once): the next frozen version. Returns it.
pub fn apply(
    store: &mut dyn Store,
    year: Year,
    method: &Method,
    actor: &str,
    at: &str,
) -> Result<u32, RoundError> {
    let r = round(store, year)?.ok_or(RoundError::NoRound(year))?;
    if r.state != RoundState::CrossCheck {
        return Err(RoundError::PenaltiesNotNow {
            year,
            state: r.state,
        });
    }
    if applied(store, year)? {
        return Err(RoundError::PenaltiesApplied(year));
    }
    let (_, files) = frozen_outputs(store, year)?.ok_or(RoundError::NotFrozen(year))?;
    store.set_meta(&key(year), at)?;
    let rebuilt = crate::appeal::rebuild(store, year, &files, Some((method, &|_| {})))
        .map(|r| r.files())
        .map_err(|e| RoundError::Corrupt(e.to_string()));
    let rebuilt = match rebuilt {
        Ok(r) => r,
        Err(e) => {
            // Not applied after all.
            store.set_meta(&key(year), "")?;
            return Err(e);
        }
    };
    let n = falsified(store, year)?.len();
    new_version(
        store,
        year,
        &rebuilt,
        actor,
        &format!("cross-check penalties applied: {n} falsified records"),
        at,
    )
}
