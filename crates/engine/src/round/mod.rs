//! Assessment rounds (考核轮次): the yearly assessment as a procedure. A
//! round per year has its method and its state, which moves one step at a
//! time — open → self-evaluation (自评) → cross-check (交叉核查) → review
//! (审核) → approved (审定) → published (公布) — and every move is recorded
//! with its actor, time and reason.
//!
//! The freeze (数据锁定) fixes what the year's assessment is: its output
//! files are computed once, at the cut-off, and kept in the store, so that
//! `assess` of a frozen year gives exactly them whatever is imported later;
//! and from then on the importer refuses any change to a record the frozen
//! year reads (see `import::frozen`). A round must be frozen before the
//! cross-check starts.
//!
//! Rounds are kept as one JSON document in the store's named settings
//! (`assessment_rounds`), written by compare-and-set so that two writers
//! never both move a round; the frozen files are kept beside it under
//! `assessment_round/<year>/v<version>/<file>`.
//!
//! The cross-check sample (交叉核查抽样, `sample`) is drawn from a frozen
//! round, and its seed and digest are recorded in the round
//! (`record_sample`).

pub mod check;
pub mod messages;
pub mod penalty;
pub mod sample;
pub mod team;

use crate::assess::data::AssessmentData;
use crate::assess::method::Method;
use crate::assess::{assess, output_files};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xiezuo_domain::Year;
use xiezuo_store::{Store, StoreError};

/// The named setting that holds every round.
pub const ROUNDS_KEY: &str = "assessment_rounds";

/// The states of a round, in their one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// Opened: data is still being reported (填报).
    Open,
    /// Self-evaluation (自评): each party writes its own.
    SelfEvaluation,
    /// Cross-check (交叉核查): teams verify samples on site.
    CrossCheck,
    /// Review (审核): the national office writes the report.
    Review,
    /// Approved (审定) by the leading group.
    Approved,
    /// Published (公布): the grades are public.
    Published,
}

impl RoundState {
    pub const ALL: [RoundState; 6] = [
        RoundState::Open,
        RoundState::SelfEvaluation,
        RoundState::CrossCheck,
        RoundState::Review,
        RoundState::Approved,
        RoundState::Published,
    ];

    /// The state's name in files and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Open => "open",
            RoundState::SelfEvaluation => "self_evaluation",
            RoundState::CrossCheck => "cross_check",
            RoundState::Review => "review",
            RoundState::Approved => "approved",
            RoundState::Published => "published",
        }
    }

    /// The state's Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            RoundState::Open => "填报中",
            RoundState::SelfEvaluation => "自评",
            RoundState::CrossCheck => "交叉核查",
            RoundState::Review => "审核",
            RoundState::Approved => "已审定",
            RoundState::Published => "已公布",
        }
    }

    pub fn parse(s: &str) -> Option<RoundState> {
        RoundState::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The state that follows, if any.
    pub fn next(self) -> Option<RoundState> {
        let i = RoundState::ALL.iter().position(|s| *s == self)?;
        RoundState::ALL.get(i + 1).copied()
    }
}

/// What a freeze fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freeze {
    /// The version of the frozen data (1 at the freeze).
    pub version: u32,
    pub at: String,
    pub actor: String,
    pub reason: String,
    /// The last import batch the frozen data contains.
    pub last_batch: Option<i64>,
    /// The method the frozen result was computed with.
    pub method_id: String,
    /// The frozen output files, by name.
    pub files: Vec<String>,
}

/// One recorded step of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundEvent {
    pub at: String,
    pub actor: String,
    /// `open`, `advance`, `freeze` or `version` (a new frozen version).
    pub action: String,
    pub from: Option<RoundState>,
    pub to: RoundState,
    pub reason: String,
}

/// The assessment round of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub year: Year,
    pub method_id: String,
    pub state: RoundState,
    pub frozen: Option<Freeze>,
    pub events: Vec<RoundEvent>,
    /// The cross-check samples drawn from the frozen data, in the order drawn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<SampleRecord>,
}

/// A recorded cross-check sample (交叉核查抽样): who drew it when, with
/// which seed, and the SHA-256 of its `sample.csv`, so that the files a team
/// takes on site can be checked against the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRecord {
    pub seed: u64,
    pub at: String,
    pub actor: String,
    /// Lower-case hex SHA-256 of `sample.csv`.
    pub digest: String,
    /// The method the sizes came from.
    pub method_id: String,
    /// Sampled rows by record kind.
    pub counts: BTreeMap<String, u64>,
    /// Sampled rows by pairing (the teams' workload).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_pairing: BTreeMap<String, u64>,
    /// The province code of the team drawn for each pairing.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub teams: BTreeMap<String, String>,
}

/// Why a step of a round was refused.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("there is no assessment round for {0}; open it first (xiezuo round open --year {0})")]
    NoRound(Year),
    #[error("the assessment round for {0} is open already")]
    Exists(Year),
    #[error(
        "the {year} assessment round is {from}: it moves only to {next}, not to {to}",
        from = .from.as_str(), to = .to.as_str(),
        next = .from.next().map_or("nothing (it is published)", RoundState::as_str)
    )]
    OutOfOrder {
        year: Year,
        from: RoundState,
        to: RoundState,
    },
    #[error(
        "the {0} assessment round is not frozen: freeze it before the cross-check (xiezuo freeze --year {0})"
    )]
    NotFrozen(Year),
    #[error("the {year} assessment round is frozen already (since {at})")]
    AlreadyFrozen { year: Year, at: String },
    #[error("the {year} assessment round is {state}: its data is frozen only before the cross-check", state = .state.as_str())]
    TooLateToFreeze { year: Year, state: RoundState },
    #[error("a reason is required")]
    NoReason,
    #[error("the {year} assessment round is {state}: penalties are applied at the end of its cross_check step", state = .state.as_str())]
    PenaltiesNotNow { year: Year, state: RoundState },
    #[error("the penalties of {0} are applied already")]
    PenaltiesApplied(Year),
    #[error("no cross-check sample of {0} was drawn yet")]
    NoSample(Year),
    #[error(
        "the data changed since the {0} sample was drawn: its files are those written when it was drawn"
    )]
    SampleMoved(Year),
    #[error("the assessment rounds were changed by another writer meanwhile; try again")]
    Concurrent,
    #[error("the stored assessment rounds cannot be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every round, by year.
pub fn rounds(store: &dyn Store) -> Result<BTreeMap<Year, Round>, RoundError> {
    Ok(read(store)?.1)
}

/// The round of one year.
pub fn round(store: &dyn Store, year: Year) -> Result<Option<Round>, RoundError> {
    Ok(read(store)?.1.remove(&year))
}

/// The frozen years and their freezes, for the importer.
pub fn frozen_years(store: &dyn Store) -> Result<Vec<(Year, Freeze)>, RoundError> {
    Ok(read(store)?
        .1
        .into_values()
        .filter_map(|r| r.frozen.map(|f| (r.year, f)))
        .collect())
}

crate::setting::setting_errors!(RoundError);

fn read(store: &dyn Store) -> Result<(Option<String>, BTreeMap<Year, Round>), RoundError> {
    let (text, rounds) = crate::setting::read(store, ROUNDS_KEY)?;
    Ok((text, rounds.unwrap_or_default()))
}

/// Applies `change` to the rounds and writes them back, unless another
/// writer changed them since they were read.
fn update<T>(
    store: &mut dyn Store,
    change: impl FnOnce(&mut BTreeMap<Year, Round>) -> Result<T, RoundError>,
) -> Result<T, RoundError> {
    let (old, mut rounds) = read(store)?;
    let out = change(&mut rounds)?;
    crate::setting::replace(store, ROUNDS_KEY, old.as_deref(), &rounds)?;
    Ok(out)
}

fn reason_of(reason: &str) -> Result<String, RoundError> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(RoundError::NoReason);
    }
    Ok(r.chars().take(500).collect())
}

/// Opens the round of a year under a method.
pub fn open(
    store: &mut dyn Store,
    year: Year,
    method_id: &str,
    actor: &str,
    reason: &str,
    at: &str,
) -> Result<Round, RoundError> {
    let reason = reason_of(reason)?;
    update(store, |rounds| {
        if rounds.contains_key(&year) {
            return Err(RoundError::Exists(year));
        }
        let r = Round {
            year,
            method_id: method_id.to_string(),
            state: RoundState::Open,
            frozen: None,
            samples: Vec::new(),
            events: vec![RoundEvent {
                at: at.to_string(),
                actor: actor.to_string(),
                action: "open".into(),
                from: None,
                to: RoundState::Open,
                reason,
            }],
        };
        rounds.insert(year, r.clone());
        Ok(r)
    })
}

/// Moves a round one step on, to `to`.
pub fn advance(
    store: &mut dyn Store,
    year: Year,
    to: RoundState,
    actor: &str,
    reason: &str,
    at: &str,
) -> Result<Round, RoundError> {
    let reason = reason_of(reason)?;
    update(store, |rounds| {
        let r = rounds.get_mut(&year).ok_or(RoundError::NoRound(year))?;
        if r.state.next() != Some(to) {
            return Err(RoundError::OutOfOrder {
                year,
                from: r.state,
                to,
            });
        }
        if to >= RoundState::CrossCheck && r.frozen.is_none() {
            return Err(RoundError::NotFrozen(year));
        }
        r.events.push(RoundEvent {
            at: at.to_string(),
            actor: actor.to_string(),
            action: "advance".into(),
            from: Some(r.state),
            to,
            reason,
        });
        r.state = to;
        Ok(r.clone())
    })
}

/// The setting name of a frozen output file.
fn file_key(year: Year, version: u32, file: &str) -> String {
    format!("assessment_round/{year}/v{version}/{file}")
}

/// Freezes the data of a round: computes the year's assessment from the
/// store as it is, keeps its output files, and records the freeze.
pub fn freeze(
    store: &mut dyn Store,
    year: Year,
    method: &Method,
    actor: &str,
    reason: &str,
    at: &str,
) -> Result<Round, RoundError> {
    let reason = reason_of(reason)?;
    let r = round(store, year)?.ok_or(RoundError::NoRound(year))?;
    check_freezable(&r)?;
    let last_batch = store.batches()?.last().map(|b| b.id);
    let data = AssessmentData::load(store)?;
    let result = assess(&data, year, method);
    let files = output_files(&result);
    let version = 1;
    // The files first: a round names only files that are there.
    for (name, bytes) in &files {
        let text =
            String::from_utf8(bytes.clone()).map_err(|e| RoundError::Corrupt(e.to_string()))?;
        store.set_meta(&file_key(year, version, name), &text)?;
    }
    update(store, |rounds| {
        let r = rounds.get_mut(&year).ok_or(RoundError::NoRound(year))?;
        check_freezable(r)?;
        r.frozen = Some(Freeze {
            version,
            at: at.to_string(),
            actor: actor.to_string(),
            reason: reason.clone(),
            last_batch,
            method_id: method.id.clone(),
            files: files.iter().map(|(n, _)| n.to_string()).collect(),
        });
        r.events.push(RoundEvent {
            at: at.to_string(),
            actor: actor.to_string(),
            action: "freeze".into(),
            from: Some(r.state),
            to: r.state,
            reason,
        });
        Ok(r.clone())
    })
}

/// Keeps a new version of a frozen round's result (an upheld appeal, an
/// approved correction): the files under the next version, then the
/// round's freeze pointing at them, with the step recorded. Returns the
/// version.
pub fn new_version(
    store: &mut dyn Store,
    year: Year,
    files: &OutputFiles,
    actor: &str,
    reason: &str,
    at: &str,
) -> Result<u32, RoundError> {
    let r = round(store, year)?.ok_or(RoundError::NoRound(year))?;
    let f = r.frozen.ok_or(RoundError::NotFrozen(year))?;
    let version = f.version + 1;
    for (name, bytes) in files {
        let text =
            String::from_utf8(bytes.clone()).map_err(|e| RoundError::Corrupt(e.to_string()))?;
        store.set_meta(&file_key(year, version, name), &text)?;
    }
    update(store, |rounds| {
        let r = rounds.get_mut(&year).ok_or(RoundError::NoRound(year))?;
        let f = r.frozen.as_mut().ok_or(RoundError::NotFrozen(year))?;
        if f.version + 1 != version {
            return Err(RoundError::Concurrent);
        }
        f.version = version;
        f.files = files.iter().map(|(n, _)| n.clone()).collect();
        r.events.push(RoundEvent {
            at: at.to_string(),
            actor: actor.to_string(),
            action: "version".into(),
            from: Some(r.state),
            to: r.state,
            reason: reason.to_string(),
        });
        Ok(version)
    })
}

/// Records a cross-check sample in the round of `year`, by compare-and-set
/// like every other step; the round must be frozen.
pub fn record_sample(
    store: &mut dyn Store,
    year: Year,
    sample: SampleRecord,
) -> Result<Round, RoundError> {
    update(store, |rounds| {
        let r = rounds.get_mut(&year).ok_or(RoundError::NoRound(year))?;
        if r.frozen.is_none() {
            return Err(RoundError::NotFrozen(year));
        }
        r.samples.push(sample);
        Ok(r.clone())
    })
}

fn check_freezable(r: &Round) -> Result<(), RoundError> {
    if let Some(f) = &r.frozen {
        return Err(RoundError::AlreadyFrozen {
            year: r.year,
            at: f.at.clone(),
        });
    }
    if r.state > RoundState::SelfEvaluation {
        return Err(RoundError::TooLateToFreeze {
            year: r.year,
            state: r.state,
        });
    }
    Ok(())
}

/// Output files by name, with their bytes.
pub type OutputFiles = Vec<(String, Vec<u8>)>;

/// The rows of the frozen `indicators.csv` among `files`: (pairing,
/// indicator, value as written; empty for null), in file order.
pub fn frozen_indicators(files: &OutputFiles) -> Vec<(String, String, String)> {
    files
        .iter()
        .find(|(n, _)| n == "indicators.csv")
        .map(|(_, b)| {
            String::from_utf8_lossy(b)
                .lines()
                .skip(1)
                .filter_map(|l| {
                    let f: Vec<&str> = l.splitn(4, ',').collect();
                    (f.len() == 4).then(|| (f[0].to_string(), f[2].to_string(), f[3].to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One frozen output file of a round (its latest version); `None` when
/// the round is not frozen or has no such file.
pub fn frozen_file(
    store: &dyn Store,
    r: &Round,
    name: &str,
) -> Result<Option<Vec<u8>>, RoundError> {
    let Some(f) = r
        .frozen
        .as_ref()
        .filter(|f| f.files.iter().any(|n| n == name))
    else {
        return Ok(None);
    };
    let text = store
        .meta(&file_key(r.year, f.version, name))?
        .ok_or_else(|| {
            RoundError::Corrupt(format!("frozen file {name} of {} is missing", r.year))
        })?;
    Ok(Some(text.into_bytes()))
}

/// One output file of a given frozen version of a year, if kept.
pub fn version_file(
    store: &dyn Store,
    year: Year,
    version: u32,
    name: &str,
) -> Result<Option<Vec<u8>>, RoundError> {
    Ok(store
        .meta(&file_key(year, version, name))?
        .map(String::into_bytes))
}

/// The frozen output files of a year, with the freeze; `None` when the
/// year is not frozen.
pub fn frozen_outputs(
    store: &dyn Store,
    year: Year,
) -> Result<Option<(Freeze, OutputFiles)>, RoundError> {
    let Some(f) = round(store, year)?.and_then(|r| r.frozen) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for name in &f.files {
        let text = store
            .meta(&file_key(year, f.version, name))?
            .ok_or_else(|| {
                RoundError::Corrupt(format!("frozen file {name} of {year} is missing"))
            })?;
        out.push((name.clone(), text.into_bytes()));
    }
    Ok(Some((f, out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_move_one_way_one_step_at_a_time() {
        assert_eq!(RoundState::Open.next(), Some(RoundState::SelfEvaluation));
        assert_eq!(RoundState::Approved.next(), Some(RoundState::Published));
        assert_eq!(RoundState::Published.next(), None);
        for s in RoundState::ALL {
            assert_eq!(RoundState::parse(s.as_str()), Some(s));
            assert!(!s.label_zh().is_empty());
        }
    }

    #[test]
    fn an_out_of_order_step_names_the_next_one() {
        let e = RoundError::OutOfOrder {
            year: 2020,
            from: RoundState::Open,
            to: RoundState::Published,
        };
        assert_eq!(
            e.to_string(),
            "the 2020 assessment round is open: it moves only to self_evaluation, not to published"
        );
    }
}
