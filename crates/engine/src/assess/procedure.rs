//! The settings of a method for the assessment as a process, beside its
//! scoring: the cross-check sample sizes (`[sampling]`), the penalties of
//! falsification (`[penalties]`) and the tolerances of the two-sided
//! reconciliation (`[reconciliation]`).

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPenalties {
    points_per_falsified: Option<f64>,
    max_points: Option<f64>,
    veto_grade: Option<String>,
}

/// What proven falsification (弄虚作假) costs a pairing: the item it
/// counts scores nothing, `points_per_falsified` points come off each
/// side's total per falsified record, at most `max_points`, and the grade
/// is vetoed down to `veto_grade` (none: no veto).
#[derive(Debug, Clone, PartialEq)]
pub struct Penalties {
    pub points_per_falsified: f64,
    pub max_points: f64,
    pub veto_grade: Option<String>,
}

impl Penalties {
    pub(super) fn from_raw(raw: Option<RawPenalties>) -> Result<Penalties, String> {
        let d = Penalties::default();
        let Some(p) = raw else {
            return Ok(d);
        };
        let pen = Penalties {
            points_per_falsified: p.points_per_falsified.unwrap_or(d.points_per_falsified),
            max_points: p.max_points.unwrap_or(d.max_points),
            veto_grade: match p.veto_grade.as_deref() {
                None => d.veto_grade,
                Some("") => None,
                Some(g) => Some(g.to_string()),
            },
        };
        if !(pen.points_per_falsified >= 0.0 && pen.max_points >= 0.0) {
            return Err("penalties: points must not be negative".into());
        }
        Ok(pen)
    }
}

impl Default for Penalties {
    fn default() -> Self {
        Penalties {
            points_per_falsified: 1.0,
            max_points: 10.0,
            veto_grade: Some("poor".into()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSampling {
    villages_per_county: Option<u32>,
    households_per_county: Option<u32>,
    projects_per_pairing: Option<u32>,
    ledger_rows_per_pairing: Option<u32>,
    trainings_per_pairing: Option<u32>,
}

/// How many records the cross-check sample (交叉核查抽样) draws per stratum;
/// fewer when a stratum has fewer. The defaults are the assessment's
/// minimum on site: 5 villages and 100 households per county.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sampling {
    pub villages_per_county: u32,
    pub households_per_county: u32,
    pub projects_per_pairing: u32,
    pub ledger_rows_per_pairing: u32,
    pub trainings_per_pairing: u32,
}

impl Default for Sampling {
    fn default() -> Sampling {
        Sampling {
            villages_per_county: 5,
            households_per_county: 100,
            projects_per_pairing: 5,
            ledger_rows_per_pairing: 10,
            trainings_per_pairing: 3,
        }
    }
}

impl Sampling {
    pub(super) fn from_raw(r: Option<RawSampling>) -> Sampling {
        let d = Sampling::default();
        let Some(r) = r else { return d };
        Sampling {
            villages_per_county: r.villages_per_county.unwrap_or(d.villages_per_county),
            households_per_county: r.households_per_county.unwrap_or(d.households_per_county),
            projects_per_pairing: r.projects_per_pairing.unwrap_or(d.projects_per_pairing),
            ledger_rows_per_pairing: r
                .ledger_rows_per_pairing
                .unwrap_or(d.ledger_rows_per_pairing),
            trainings_per_pairing: r.trainings_per_pairing.unwrap_or(d.trainings_per_pairing),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTolerances {
    amount_tolerance_fen: Option<i64>,
    date_tolerance_days: Option<i64>,
}

/// How far the two sides' reports of one flow (对账) may differ and still
/// match: amounts by at most `amount_fen` fen, dates by at most `days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerances {
    pub amount_fen: i64,
    pub days: i64,
}

impl Default for Tolerances {
    fn default() -> Tolerances {
        Tolerances {
            amount_fen: 100,
            days: 30,
        }
    }
}

impl Tolerances {
    pub(super) fn from_raw(r: Option<RawTolerances>) -> Result<Tolerances, String> {
        let d = Tolerances::default();
        let Some(r) = r else { return Ok(d) };
        let t = Tolerances {
            amount_fen: r.amount_tolerance_fen.unwrap_or(d.amount_fen),
            days: r.date_tolerance_days.unwrap_or(d.days),
        };
        if t.amount_fen < 0 || t.days < 0 {
            return Err("reconciliation: tolerances must not be negative".into());
        }
        Ok(t)
    }
}
