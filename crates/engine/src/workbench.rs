//! The workbench (工作台) of an assessment round: for each round not yet
//! published, its schedule with late steps marked, and what each party has
//! to do in the round's current step — its self-evaluation (自评) and its
//! opinion of the paired side's, its appeals (申诉) — with the step's
//! deadline; the cross-check teams' (交叉核查组) progress on their sample;
//! and the appeals waiting for a decision. Each interface narrows the
//! parties and teams to its caller: an office sees its own parties and its
//! province's team, the national office and assessors every one.

use crate::appeal::{self, AppealError};
use crate::assess::data::AssessmentData;
use crate::assess::method::Method;
use crate::round::check::{self, CheckError};
use crate::round::{self, Round, RoundError, RoundState};
use crate::schedule::{StepDue, schedule};
use crate::self_evaluation::{self, SelfEvaluationError};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use xiezuo_store::Store;

/// Why a workbench cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum WorkbenchError {
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error(transparent)]
    SelfEvaluation(#[from] SelfEvaluationError),
    #[error(transparent)]
    Appeal(#[from] AppealError),
    #[error(transparent)]
    Check(#[from] CheckError),
}

/// A task of a party in the round's current step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Submit the side's self-evaluation (提交自评).
    SelfEvaluation,
    /// Give an opinion on the paired side's self-evaluation (提出意见).
    Opinion,
}

impl Task {
    pub fn as_str(self) -> &'static str {
        match self {
            Task::SelfEvaluation => "self_evaluation",
            Task::Opinion => "opinion",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Task::SelfEvaluation => "提交自评",
            Task::Opinion => "对结对方自评提出意见",
        }
    }
}

/// One party (a side of a pairing) in a round.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyBoard {
    pub pairing_id: String,
    pub side: String,
    /// When the side's self-evaluation was submitted.
    pub submitted: Option<String>,
    /// Its claims that differ from the frozen values.
    pub mismatches: usize,
    /// Whether the paired side gave its opinion of this side's submission,
    /// and whether it agreed.
    pub opinion: Option<bool>,
    /// The tasks still open for this party in the current step.
    pub open: Vec<Task>,
    /// Appeals the party filed, and how many wait for a decision.
    pub appeals: usize,
    pub appeals_pending: usize,
}

/// A cross-check team's progress on its pairings' sampled records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamBoard {
    /// The team's province code.
    pub province: String,
    pub pairings: Vec<String>,
    pub sampled: u64,
    pub recorded: u64,
}

/// A round as the workbench shows it.
#[derive(Debug, Clone)]
pub struct RoundBoard {
    pub round: Round,
    pub schedule: Vec<StepDue>,
    /// The deadline of the current step, and whether it has passed.
    pub due: Option<StepDue>,
    pub parties: Vec<PartyBoard>,
    pub teams: Vec<TeamBoard>,
    /// Appeals of the shown parties waiting for an assessor's decision.
    pub appeals_pending: usize,
}

impl RoundBoard {
    /// Open tasks of the shown parties.
    pub fn open_tasks(&self) -> usize {
        self.parties.iter().map(|p| p.open.len()).sum()
    }
}

/// The parties and teams a caller sees.
pub struct Viewer<'v> {
    /// Whether the caller sees the party of `side` of pairing `pairing`
    /// (dense pairing index).
    pub party: &'v dyn Fn(u32, &str) -> bool,
    /// Whether the caller sees the team of a province (its code).
    pub team: &'v dyn Fn(&str) -> bool,
}

/// The pairings a year assesses: those active in it, by index.
fn assessed(d: &AssessmentData, year: i32) -> Vec<u32> {
    (0..d.pairings.len() as u32)
        .filter(|&i| d.pairings[i as usize].period.active_in(year))
        .collect()
}

/// The board of every round not yet published, newest first.
pub fn workbench(
    store: &dyn Store,
    d: &AssessmentData,
    method: &Method,
    today: NaiveDate,
    viewer: &Viewer<'_>,
) -> Result<Vec<RoundBoard>, WorkbenchError> {
    let mut out = Vec::new();
    for r in round::rounds(store)?.into_values().rev() {
        if r.state == RoundState::Published {
            continue;
        }
        out.push(board(store, d, method, today, viewer, r)?);
    }
    Ok(out)
}

fn board(
    store: &dyn Store,
    d: &AssessmentData,
    method: &Method,
    today: NaiveDate,
    viewer: &Viewer<'_>,
    r: Round,
) -> Result<RoundBoard, WorkbenchError> {
    let year = r.year;
    let sched = if method.id == r.method_id {
        schedule(&r, method, today)
    } else {
        Vec::new()
    };
    let due = sched.iter().find(|s| s.step == r.state).cloned();
    let appeals = if r.frozen.is_some() {
        appeal::appeals(store, year)?
    } else {
        Vec::new()
    };
    let mut parties = Vec::new();
    let mut appeals_pending = 0;
    if r.frozen.is_some() {
        for p in assessed(d, year) {
            let id = d.pairings[p as usize].pairing_id.as_str();
            let sides: Vec<&str> = ["east", "west"]
                .into_iter()
                .filter(|s| (viewer.party)(p, s))
                .collect();
            if sides.is_empty() {
                continue;
            }
            let east = self_evaluation::get(store, year, id, "east")?;
            let west = self_evaluation::get(store, year, id, "west")?;
            for side in sides {
                let (mine, other) = if side == "east" {
                    (&east, &west)
                } else {
                    (&west, &east)
                };
                let mut open = Vec::new();
                if r.state == RoundState::SelfEvaluation {
                    if mine.is_none() {
                        open.push(Task::SelfEvaluation);
                    }
                    if other.as_ref().is_some_and(|o| o.opinion.is_none()) {
                        open.push(Task::Opinion);
                    }
                }
                let filed: Vec<_> = appeals
                    .iter()
                    .filter(|a| a.pairing_id == id && a.side == side)
                    .collect();
                let pending = filed.iter().filter(|a| a.decision.is_none()).count();
                appeals_pending += pending;
                parties.push(PartyBoard {
                    pairing_id: id.to_string(),
                    side: side.to_string(),
                    submitted: mine.as_ref().map(|s| s.current.at.clone()),
                    mismatches: mine.as_ref().map_or(0, |s| s.mismatches().len()),
                    opinion: mine
                        .as_ref()
                        .and_then(|s| s.opinion.as_ref().map(|o| o.agrees)),
                    open,
                    appeals: filed.len(),
                    appeals_pending: pending,
                });
            }
        }
    }
    let teams = teams(store, &r, viewer)?;
    Ok(RoundBoard {
        round: r,
        schedule: sched,
        due,
        parties,
        teams,
        appeals_pending,
    })
}

/// The teams of the round's latest sample, with the results recorded on it.
fn teams(
    store: &dyn Store,
    r: &Round,
    viewer: &Viewer<'_>,
) -> Result<Vec<TeamBoard>, WorkbenchError> {
    let Some(s) = r.samples.last() else {
        return Ok(Vec::new());
    };
    let mut recorded: BTreeMap<&str, u64> = BTreeMap::new();
    let verdicts = check::verdicts(store, r.year)?;
    for v in verdicts.iter().filter(|v| v.seed == s.seed) {
        *recorded.entry(v.pairing_id.as_str()).or_default() += 1;
    }
    let mut by_team: BTreeMap<&str, TeamBoard> = BTreeMap::new();
    for (pairing, team) in &s.teams {
        if !(viewer.team)(team) {
            continue;
        }
        let t = by_team.entry(team).or_insert_with(|| TeamBoard {
            province: team.clone(),
            pairings: Vec::new(),
            sampled: 0,
            recorded: 0,
        });
        t.pairings.push(pairing.clone());
        t.sampled += s.by_pairing.get(pairing).copied().unwrap_or(0);
        t.recorded += recorded.get(pairing.as_str()).copied().unwrap_or(0);
    }
    Ok(by_team.into_values().collect())
}

#[cfg(test)]
mod tests;
