//! Importing rows into the store (数据导入), from any source (a dataset
//! directory, files in memory, rows given directly): every row parsed and
//! checked (cells, single-row rules, write scope, uniqueness, references
//! into the dataset or the store, ledger rules, cascades), then stored
//! atomically, or under `SkipInvalid` the good rows stored and the bad ones
//! returned.

use hashbrown::HashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use xiezuo_domain::enums::*;
use xiezuo_domain::{Fen, Id, Message, NameOrParty, Party, RegionCode};
use xiezuo_exchange::{Cell, FileKind, ImportError, RawFields, Record, TableReader};
use xiezuo_store::{BatchInfo, ImportTx, Store, StoreError, Upsert, key_cells, key_text};

/// What an import stores when some rows are bad.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WriteMode {
    /// Every row or none (the default: nothing half-imported).
    #[default]
    AllOrNothing,
    /// Store the good rows and return the bad ones.
    SkipInvalid,
    /// Check everything and report, but store nothing (a validation report
    /// before the user confirms).
    DryRun,
}

/// How an import writes: who writes, where, and what happens to bad rows.
#[derive(Debug, Clone)]
pub struct WritePolicy {
    pub mode: WriteMode,
    /// The rows the writer may store; a row outside it is a row error.
    pub scope: WriteScope,
    /// The bounds every file is read within.
    pub limits: ImportLimits,
    /// The frozen year whose correction (更正申请) this import carries:
    /// its changes to that year's records pass (and are listed in the
    /// report), any other change is a row error.
    pub correcting: Option<xiezuo_domain::Year>,
}

impl WritePolicy {
    /// All or nothing, with the store's own rights (the command line).
    pub fn everywhere() -> WritePolicy {
        WritePolicy {
            mode: WriteMode::AllOrNothing,
            scope: WriteScope::Everywhere,
            limits: ImportLimits::default(),
            correcting: None,
        }
    }

    /// All or nothing, within a writer's scope.
    pub fn within(scope: WriteScope) -> WritePolicy {
        WritePolicy {
            mode: WriteMode::AllOrNothing,
            scope,
            limits: ImportLimits::default(),
            correcting: None,
        }
    }

    pub fn with_mode(mut self, mode: WriteMode) -> WritePolicy {
        self.mode = mode;
        self
    }

    /// Carries the correction of the frozen year `year`.
    pub fn correcting(mut self, year: xiezuo_domain::Year) -> WritePolicy {
        self.correcting = Some(year);
        self
    }

    /// Reads every file within `limits` instead of the defaults.
    pub fn with_limits(mut self, limits: ImportLimits) -> WritePolicy {
        self.limits = limits;
        self
    }
}

/// Rows of one file kind: read, stored (new, changed, unchanged), rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts {
    pub read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

/// A rejected row with its raw fields (for a rejects file).
#[derive(Debug, Clone)]
pub struct Rejected {
    pub error: ImportError,
    pub raw: RawFields,
}

/// The outcome of an import.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Every problem found, sorted by file and line.
    pub errors: Vec<Rejected>,
    pub counts: BTreeMap<FileKind, KindCounts>,
    /// The batch id when something was committed.
    pub batch_id: Option<i64>,
    /// Rows refused because they lie outside the writer's scope.
    pub out_of_scope: u64,
    /// What was read but deserves a look (提示): hidden rows of a sheet,
    /// which are imported like the others. Warnings never stop an import.
    pub warnings: Vec<ImportError>,
    /// The changes to the corrected frozen year (`WritePolicy::correcting`).
    pub corrected: Vec<CorrectedRow>,
}

impl ImportReport {
    pub fn total_read(&self) -> u64 {
        self.counts.values().map(|c| c.read).sum()
    }
}

/// Failures that are not row errors.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("cannot read dataset directory {0}: {1}")]
    Dir(PathBuf, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Progress of an import, reported per file.
pub trait Progress {
    fn file_started(&self, _file: &str, _bytes: u64) {}
    fn advanced(&self, _bytes: u64) {}
    fn file_done(&self, _file: &str) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {}

mod frozen;
mod partial;
mod pipeline;
mod resolve;
mod rules;
mod scope;
mod source;

pub use frozen::CorrectedRow;
use pipeline::*;
use resolve::*;
pub use scope::WriteScope;
pub use source::{Discovered, NamedFile, Rows, Source, StreamedFile, discover};
pub use xiezuo_exchange::reader::ImportLimits;

/// Imports the rows of a source in one batch: the one way rows enter the
/// store. Every row is checked (cells, row rules, write scope, references,
/// uniqueness, ledger) in one pass; what is stored follows the policy.
pub fn ingest(
    store: &mut dyn Store,
    source: Source<'_>,
    batch: &BatchInfo,
    policy: &WritePolicy,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportFailure> {
    let (files, file_errors) = source::tables(source)?;
    let mut report = ImportReport::default();
    for e in file_errors {
        report.errors.push(Rejected {
            error: e,
            raw: RawFields::new(),
        });
    }
    let frozen = crate::round::frozen_years(store).map_err(|e| match e {
        crate::round::RoundError::Store(e) => ImportFailure::Store(e),
        other => ImportFailure::Store(StoreError::Corrupt(other.to_string())),
    })?;
    let tx = store.begin_import(batch)?;
    let mut ctx = Ctx {
        tx,
        regions: HashMap::new(),
        orgs: HashMap::new(),
        pairings: HashMap::new(),
        households: HashMap::new(),
        persons: HashMap::new(),
        projects: HashMap::new(),
        trainings: HashMap::new(),
        postings: HashMap::new(),
        txns: HashMap::new(),
        rejected: HashMap::new(),
        written: HashMap::new(),
        scope: policy.scope.clone(),
        scope_facts: Default::default(),
        frozen: frozen::FrozenYears {
            years: frozen,
            correcting: policy.correcting,
        },
        corrected: Vec::new(),
    };
    for (kind, table) in files {
        import_file(
            &mut ctx,
            (kind, table),
            &policy.limits,
            &mut report,
            progress,
        )?;
    }
    report.errors.sort_by(|a, b| {
        (
            FileKind::from_stem(a.error.file.split('.').next().unwrap_or("")),
            a.error.line,
            &a.error.column,
        )
            .cmp(&(
                FileKind::from_stem(b.error.file.split('.').next().unwrap_or("")),
                b.error.line,
                &b.error.column,
            ))
    });
    let store_it = match policy.mode {
        WriteMode::AllOrNothing => report.errors.is_empty(),
        WriteMode::SkipInvalid => true,
        WriteMode::DryRun => false,
    };
    report.corrected = std::mem::take(&mut ctx.corrected);
    if store_it {
        let counts = counts_json(&report.counts);
        report.batch_id = Some(ctx.tx.commit(&counts)?);
    }
    Ok(report)
}

fn counts_json(counts: &BTreeMap<FileKind, KindCounts>) -> String {
    let items: Vec<String> = counts
        .iter()
        .map(|(k, c)| {
            format!(
                "\"{}\":{{\"read\":{},\"inserted\":{},\"updated\":{},\"unchanged\":{},\"rejected\":{}}}",
                k.stem(),
                c.read,
                c.inserted,
                c.updated,
                c.unchanged,
                c.rejected
            )
        })
        .collect();
    format!("{{{}}}", items.join(","))
}

#[cfg(test)]
mod tests;
