//! Importing a dataset directory into the store: every row parsed and
//! checked (cells, single-row rules, uniqueness, references into the dataset
//! or the store, ledger rules, cascades), then stored atomically, or with
//! `skip_invalid` the good rows stored and the bad ones returned.

use hashbrown::HashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use xiezuo_domain::enums::*;
use xiezuo_domain::{Fen, Id, NameOrParty, Party, RegionCode};
use xiezuo_exchange::{Cell, FileKind, ImportError, RawFields, Record, TableReader};
use xiezuo_store::{BatchInfo, ImportTx, Store, StoreError, Upsert, key_cells, key_text};

/// How an import treats bad rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Store the good rows and return the bad ones, instead of storing nothing.
    pub skip_invalid: bool,
    /// Check everything and report, but store nothing (a validation report
    /// before the user confirms).
    pub dry_run: bool,
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

/// The files of a dataset directory by kind, and the file-level errors.
pub type Discovered = (Vec<(FileKind, PathBuf)>, Vec<ImportError>);

/// The dataset files of a directory, by kind; unknown `.csv`/`.xlsx` names
/// and a kind given twice are errors.
pub fn discover(dir: &Path) -> Result<Discovered, ImportFailure> {
    let rd = std::fs::read_dir(dir).map_err(|e| ImportFailure::Dir(dir.to_path_buf(), e))?;
    let mut found: BTreeMap<FileKind, PathBuf> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !matches!(ext, "csv" | "xlsx") || !path.is_file() {
            continue;
        }
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        match FileKind::from_stem(stem) {
            None => errors.push(ImportError::new(
                &name,
                0,
                "",
                format!(
                    "unknown file kind {stem:?}; expected one of: {}",
                    FileKind::ALL
                        .iter()
                        .map(|k| k.stem())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(k) => {
                if let Some(prev) = found.get(&k) {
                    errors.push(ImportError::new(
                        &name,
                        0,
                        "",
                        format!("{} is given twice (also as {})", k.stem(), prev.display()),
                    ));
                } else {
                    found.insert(k, path);
                }
            }
        }
    }
    Ok((found.into_iter().collect(), errors))
}

mod pipeline;
mod resolve;
mod rules;

use pipeline::*;
use resolve::*;

/// Imports every dataset file of `dir` in one batch.
pub fn import_dir(
    store: &mut dyn Store,
    dir: &Path,
    batch: &BatchInfo,
    opts: ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportFailure> {
    let (files, file_errors) = discover(dir)?;
    let mut report = ImportReport::default();
    for e in file_errors {
        report.errors.push(Rejected {
            error: e,
            raw: RawFields::new(),
        });
    }
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
    };
    for (kind, path) in &files {
        import_file(&mut ctx, *kind, path, &mut report, progress)?;
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
    if !opts.dry_run && (report.errors.is_empty() || opts.skip_invalid) {
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
