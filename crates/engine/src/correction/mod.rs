//! Correction requests (更正申请): once a year is frozen, a change to a
//! record its assessment read is refused by the importer; the way to make
//! one is a correction. A party files the corrected rows (exchange-format
//! files of the kinds a frozen year reads) with a reason. Filing checks the
//! rows as an import would (every rule, the filer's write scope) without
//! storing them, and keeps the rows that change the frozen year with their
//! stored version: the diff. A row that changes nothing of that year is
//! refused (it is imported as usual), so a correction holds corrections
//! only.
//!
//! An approver of the level above (the national office, or an office whose
//! region strictly contains the filer's; never the filer) sees the diff and
//! its effect on the frozen indicators, scores, grades and findings
//! (`effect`), then approves or rejects with a comment. An approved
//! correction is imported as one audited batch (all or nothing, the same
//! rows as filed: refused if the stored rows moved meanwhile) and makes the
//! round's next frozen version, computed as `effect` says; the decision
//! keeps the batch, the version and the effect.
//!
//! Corrections are kept per year in the store's named settings
//! (`assessment_round/<year>/corrections`), written by compare-and-set.

pub mod effect;
pub mod overlay;

use crate::assess::method::Method;
use crate::import::{
    ImportFailure, ImportReport, Quiet, Rows, Source, WriteMode, WritePolicy, WriteScope, ingest,
};
use crate::round::{self, RoundError, RoundState};
use effect::{Effect, corrected_files};
use serde::{Deserialize, Serialize};
use xiezuo_domain::{Message, Year};
use xiezuo_exchange::cell::{format_cell, parse_cell};
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::{BatchInfo, Store, StoreError};

/// One row a correction changes: the stored version (none for a new row)
/// and the corrected one, as the canonical text of each column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChange {
    /// The file kind's stem (`funds`, `placements`, …).
    pub kind: String,
    pub key: String,
    pub old: Option<Vec<String>>,
    pub new: Vec<String>,
}

impl RowChange {
    /// The changed columns: (column, stored text, corrected text); for a
    /// new row, its non-empty columns.
    pub fn fields(&self) -> Vec<(&'static str, Option<&str>, &str)> {
        let Some(kind) = FileKind::from_stem(&self.kind) else {
            return Vec::new();
        };
        kind.columns()
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let new = self.new.get(i).map_or("", String::as_str);
                let old = self
                    .old
                    .as_ref()
                    .map(|o| o.get(i).map_or("", String::as_str));
                // A new row shows what it holds; a changed one what changed.
                let shown = match old {
                    None => !new.is_empty(),
                    Some(o) => o != new,
                };
                shown.then_some((c.name, old, new))
            })
            .collect()
    }
}

/// The decision on a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionDecision {
    pub approved: bool,
    pub comment: String,
    pub by: String,
    pub at: String,
    /// The import batch and the frozen version an approval made.
    pub batch: Option<i64>,
    pub version: Option<u32>,
    /// The effect as it was approved.
    pub effect: Option<Effect>,
}

/// One correction request of a frozen year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub id: u32,
    pub year: Year,
    pub reason: String,
    pub by: String,
    pub at: String,
    /// The filer's region (12-digit code); none for the national level.
    pub filer_region: Option<u64>,
    pub changes: Vec<RowChange>,
    pub decision: Option<CorrectionDecision>,
}

impl Correction {
    /// The corrected rows as cells, for laying over the store.
    fn rows(&self) -> Result<Vec<(FileKind, Vec<Cell>)>, CorrectionError> {
        self.changes
            .iter()
            .map(|c| {
                let kind = FileKind::from_stem(&c.kind)
                    .ok_or_else(|| CorrectionError::Corrupt(c.kind.clone()))?;
                let cells = kind
                    .columns()
                    .iter()
                    .zip(&c.new)
                    .map(|(col, t)| match t.is_empty() {
                        true => Ok(Cell::Null),
                        false => parse_cell(col, t),
                    })
                    .collect::<Result<Vec<Cell>, _>>()
                    .map_err(|e| CorrectionError::Corrupt(format!("{} {}: {e}", c.kind, c.key)))?;
                Ok((kind, cells))
            })
            .collect()
    }

    /// The corrected rows as an import source, one entry per kind.
    fn source(&self) -> Source<'static> {
        let mut by_kind: Vec<Rows> = Vec::new();
        for c in &self.changes {
            let Some(kind) = FileKind::from_stem(&c.kind) else {
                continue;
            };
            match by_kind.iter_mut().find(|r| r.kind == kind) {
                Some(r) => r.rows.push(c.new.clone()),
                None => by_kind.push(Rows {
                    kind,
                    name: format!("{}.csv", kind.stem()),
                    rows: vec![c.new.clone()],
                }),
            }
        }
        Source::Rows(by_kind)
    }
}

/// Why a correction step was refused.
#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error("the {year} assessment round is {state}: corrections are filed and decided until it is approved", state = .state.as_str())]
    NotNow { year: Year, state: RoundState },
    #[error("the {0} assessment round is not frozen: change its records by importing them")]
    NotFrozen(Year),
    #[error("the correction's rows have {} errors; nothing was filed or stored", .0.errors.len())]
    Invalid(Box<ImportReport>),
    #[error(
        "nothing in these rows changes what the {0} assessment read: there is nothing to correct"
    )]
    Nothing(Year),
    #[error("there is no correction {id} in {year}")]
    NoCorrection { year: Year, id: u32 },
    #[error("correction {0} is decided already")]
    Decided(u32),
    #[error(
        "correction {0} was filed by the same account: an approver of the level above decides it"
    )]
    OwnCorrection(u32),
    #[error("correction {0} changes records that were changed since it was filed: file it again")]
    Moved(u32),
    #[error("a reason is required")]
    NoReason,
    #[error("a decision needs a comment")]
    NoComment,
    #[error("the corrections were changed by another writer meanwhile; try again")]
    Concurrent,
    #[error("the stored corrections cannot be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CorrectionError {
    /// This refusal as a catalogue message (`correction.*`); the English
    /// text is the `Display` text.
    pub fn message(&self) -> Message {
        use CorrectionError as E;
        match self {
            E::Round(r) => r.message(),
            E::NotNow { year, state } => crate::round::messages::with_state(
                Message::new("correction.not_now").with("year", year),
                "state",
                "state_zh",
                *state,
            ),
            E::NotFrozen(y) => Message::new("correction.not_frozen").with("year", y),
            E::Invalid(r) => Message::new("correction.invalid").with("count", r.errors.len()),
            E::Nothing(y) => Message::new("correction.nothing").with("year", y),
            E::NoCorrection { year, id } => Message::new("correction.none")
                .with("year", year)
                .with("id", id),
            E::Decided(id) => Message::new("correction.decided").with("id", id),
            E::OwnCorrection(id) => Message::new("correction.own").with("id", id),
            E::Moved(id) => Message::new("correction.moved").with("id", id),
            E::NoReason => Message::new("process.no_reason"),
            E::NoComment => Message::new("appeal.no_comment"),
            E::Concurrent => Message::new("correction.concurrent"),
            E::Corrupt(d) => Message::new("correction.corrupt").with("detail", d),
            E::Store(_) => Message::other(self.to_string()),
        }
    }
}

impl From<ImportFailure> for CorrectionError {
    fn from(e: ImportFailure) -> Self {
        match e {
            ImportFailure::Store(s) => CorrectionError::Store(s),
            other => CorrectionError::Corrupt(other.to_string()),
        }
    }
}

fn key(year: Year) -> String {
    format!("assessment_round/{year}/corrections")
}

/// Every correction of a year, by id.
pub fn corrections(store: &dyn Store, year: Year) -> Result<Vec<Correction>, CorrectionError> {
    Ok(read(store, year)?.1)
}

/// One correction of a year.
pub fn correction(store: &dyn Store, year: Year, id: u32) -> Result<Correction, CorrectionError> {
    corrections(store, year)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(CorrectionError::NoCorrection { year, id })
}

crate::setting::setting_errors!(CorrectionError);

fn read(
    store: &dyn Store,
    year: Year,
) -> Result<(Option<String>, Vec<Correction>), CorrectionError> {
    let (text, list) = crate::setting::read(store, &key(year))?;
    Ok((text, list.unwrap_or_default()))
}

fn write(
    store: &mut dyn Store,
    year: Year,
    old: Option<&str>,
    list: &[Correction],
) -> Result<(), CorrectionError> {
    Ok(crate::setting::replace(store, &key(year), old, list)?)
}

/// The round of a year, refusing one that takes no corrections (not
/// frozen, or approved already).
fn correctable(store: &dyn Store, year: Year) -> Result<(), CorrectionError> {
    let r = round::round(store, year)?.ok_or(RoundError::NoRound(year))?;
    if r.frozen.is_none() {
        return Err(CorrectionError::NotFrozen(year));
    }
    if r.state >= RoundState::Approved {
        return Err(CorrectionError::NotNow {
            year,
            state: r.state,
        });
    }
    Ok(())
}

/// The rows of `source` checked as an import within `scope` carrying the
/// correction of `year`, nothing stored: the changes, or the errors.
fn check(
    store: &mut dyn Store,
    year: Year,
    source: Source<'_>,
    scope: WriteScope,
    batch: &BatchInfo,
) -> Result<Vec<RowChange>, CorrectionError> {
    let policy = WritePolicy::within(scope)
        .with_mode(WriteMode::DryRun)
        .correcting(year);
    let report = ingest(store, source, batch, &policy, &Quiet)?;
    if !report.errors.is_empty() {
        return Err(CorrectionError::Invalid(Box::new(report)));
    }
    let text = |kind: FileKind, cells: &[Cell]| -> Vec<String> {
        kind.columns()
            .iter()
            .zip(cells)
            .map(|(c, cell)| format_cell(c, cell))
            .collect()
    };
    Ok(report
        .corrected
        .iter()
        .map(|r| RowChange {
            kind: r.kind.stem().to_string(),
            key: r.key.clone(),
            old: r.old.as_deref().map(|o| text(r.kind, o)),
            new: text(r.kind, &r.new),
        })
        .collect())
}

/// Who files a correction: the account and the region it acts for.
pub struct Filer<'a> {
    pub login: &'a str,
    /// None for the national level.
    pub region: Option<u64>,
    /// The rows the filer may write.
    pub scope: WriteScope,
}

/// Files a correction of a frozen year: the rows are checked as an import
/// would check them (nothing is stored), and those that change the year
/// are kept with their stored versions.
pub fn file(
    store: &mut dyn Store,
    year: Year,
    source: Source<'_>,
    filer: Filer<'_>,
    reason: &str,
    at: &str,
) -> Result<Correction, CorrectionError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CorrectionError::NoReason);
    }
    correctable(store, year)?;
    let batch = BatchInfo {
        actor: filer.login.to_string(),
        at: at.to_string(),
        source: format!("correction of {year} (check)"),
    };
    let changes = check(store, year, source, filer.scope, &batch)?;
    if changes.is_empty() {
        return Err(CorrectionError::Nothing(year));
    }
    let (old, mut list) = read(store, year)?;
    let c = Correction {
        id: list.iter().map(|c| c.id).max().unwrap_or(0) + 1,
        year,
        reason: reason.chars().take(5_000).collect(),
        by: filer.login.to_string(),
        at: at.to_string(),
        filer_region: filer.region,
        changes,
        decision: None,
    };
    list.push(c.clone());
    write(store, year, old.as_deref(), &list)?;
    Ok(c)
}

/// The effect a pending correction would have on the round's latest
/// frozen version, on the data as it is now.
pub fn effect(
    store: &dyn Store,
    c: &Correction,
    method: &Method,
) -> Result<Effect, CorrectionError> {
    let (_, frozen) =
        round::frozen_outputs(store, c.year)?.ok_or(CorrectionError::NotFrozen(c.year))?;
    Ok(corrected_files(store, c.year, &frozen, c.rows()?, method)?.1)
}

/// Whether an account may decide a correction: never its filer; the
/// national level (`region` none) always; an office whose region strictly
/// contains the filer's.
pub fn may_decide(c: &Correction, login: &str, region: Option<u64>) -> bool {
    if c.by == login {
        return false;
    }
    match (region, c.filer_region) {
        (None, _) => true,
        (Some(r), Some(f)) => r != f && crate::accounts::region_covers(r, f),
        (Some(_), None) => false,
    }
}

/// Decides a correction. Approving imports its rows as one batch (refused,
/// with nothing stored, if the stored rows changed since filing) and makes
/// the round's next frozen version. The caller checks `may_decide`; the
/// filer is refused here too.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    store: &mut dyn Store,
    year: Year,
    id: u32,
    approve: bool,
    comment: &str,
    method: &Method,
    by: &str,
    at: &str,
) -> Result<Correction, CorrectionError> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(CorrectionError::NoComment);
    }
    let c = correction(store, year, id)?;
    if c.decision.is_some() {
        return Err(CorrectionError::Decided(id));
    }
    if c.by == by {
        return Err(CorrectionError::OwnCorrection(id));
    }
    let mut decision = CorrectionDecision {
        approved: approve,
        comment: comment.chars().take(5_000).collect(),
        by: by.to_string(),
        at: at.to_string(),
        batch: None,
        version: None,
        effect: None,
    };
    if approve {
        correctable(store, year)?;
        let batch = BatchInfo {
            actor: by.to_string(),
            at: at.to_string(),
            source: format!("correction {id} of {year}, filed by {}", c.by),
        };
        // The same changes as filed, or none at all.
        if check(store, year, c.source(), WriteScope::Everywhere, &batch)? != c.changes {
            return Err(CorrectionError::Moved(id));
        }
        let (_, frozen) =
            round::frozen_outputs(store, year)?.ok_or(CorrectionError::NotFrozen(year))?;
        let (files, eff) = corrected_files(store, year, &frozen, c.rows()?, method)?;
        let policy = WritePolicy::everywhere().correcting(year);
        let report = ingest(store, c.source(), &batch, &policy, &Quiet)?;
        if !report.errors.is_empty() {
            return Err(CorrectionError::Invalid(Box::new(report)));
        }
        let reason = format!("correction {id} approved: {comment}");
        decision.batch = report.batch_id;
        decision.version = Some(round::new_version(store, year, &files, by, &reason, at)?);
        decision.effect = Some(eff);
    }
    // The decision is written whatever was filed meanwhile.
    for _ in 0..5 {
        let (old, mut list) = read(store, year)?;
        let Some(slot) = list.iter_mut().find(|x| x.id == id) else {
            return Err(CorrectionError::NoCorrection { year, id });
        };
        slot.decision = Some(decision.clone());
        let decided = slot.clone();
        match write(store, year, old.as_deref(), &list) {
            Ok(()) => return Ok(decided),
            Err(CorrectionError::Concurrent) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(CorrectionError::Concurrent)
}

#[cfg(test)]
mod tests;
