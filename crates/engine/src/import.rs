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

/// What the importer knows of a household.
#[derive(Clone, Copy)]
struct HouseholdInfo {
    rowid: i64,
}

/// What the importer knows of a ledger row.
#[derive(Clone)]
struct TxnInfo {
    pairing: Id,
    source: FundSource,
    kind: FundKind,
    project: Option<Id>,
    amount: Fen,
    date: chrono::NaiveDate,
    is_reversal: bool,
    /// Reversals accepted so far (store and dataset), in fen (≤ 0).
    reversed: i64,
}

/// A reference lookup: found, rejected earlier in this import, or absent.
enum Found<T> {
    Yes(T),
    Rejected(String),
    No,
}

struct Ctx<'t> {
    tx: Box<dyn ImportTx + 't>,
    regions: HashMap<RegionCode, Option<(RegionLevel, Option<RegionCode>)>>,
    orgs: HashMap<Id, Option<(OrgKind, RegionCode)>>,
    pairings: HashMap<Id, bool>,
    households: HashMap<Id, Option<HouseholdInfo>>,
    /// Persons looked up (not every stored person: the store is the index).
    persons: HashMap<Id, Option<i64>>,
    projects: HashMap<Id, Option<RegionCode>>,
    trainings: HashMap<Id, bool>,
    postings: HashMap<Id, bool>,
    txns: HashMap<Id, Option<TxnInfo>>,
    /// Rows rejected in this import, per kind by key: "file:line".
    rejected: HashMap<FileKind, HashMap<String, String>>,
    /// Rows written by this import, per kind (for duplicates and their lines).
    written: HashMap<FileKind, Written>,
}

/// The rows one import wrote into one table: inserted rows have consecutive
/// row ids from `first`; updated or unchanged ones are listed.
#[derive(Default)]
struct Written {
    first: Option<i64>,
    lines: Vec<u32>,
    touched: HashMap<i64, u32>,
}

impl Written {
    fn line_of(&self, rowid: i64) -> Option<u32> {
        if let Some(first) = self.first
            && rowid >= first
        {
            return self.lines.get((rowid - first) as usize).copied();
        }
        self.touched.get(&rowid).copied()
    }

    fn record(&mut self, outcome: Upsert, line: u64) {
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        match outcome {
            Upsert::Inserted(r) => {
                let first = *self.first.get_or_insert(r);
                if r == first + self.lines.len() as i64 {
                    self.lines.push(line);
                } else {
                    self.touched.insert(r, line);
                }
            }
            Upsert::Updated { rowid, .. } | Upsert::Unchanged(rowid) => {
                self.touched.insert(rowid, line);
            }
            Upsert::Duplicate { .. } => {}
        }
    }
}

fn id_cell(id: &Id) -> Cell {
    Cell::Text(id.as_str().into())
}

impl<'t> Ctx<'t> {
    fn rejected_row(&self, kind: FileKind, key: impl std::fmt::Display) -> Option<String> {
        let m = self.rejected.get(&kind)?;
        m.get(&key.to_string()).cloned()
    }

    /// The line of a row this import wrote, if it did.
    fn written_line(&self, kind: FileKind, rowid: i64) -> Option<u32> {
        self.written.get(&kind).and_then(|w| w.line_of(rowid))
    }

    fn region(
        &mut self,
        code: RegionCode,
    ) -> Result<Found<(RegionLevel, Option<RegionCode>)>, StoreError> {
        if let Some(r) = self.rejected_row(FileKind::Regions, code) {
            return Ok(Found::Rejected(r));
        }
        if let Some(v) = self.regions.get(&code) {
            return Ok(v.map_or(Found::No, Found::Yes));
        }
        let v = match self
            .tx
            .get(FileKind::Regions, &[Cell::Int(code.as_u64() as i64)])?
        {
            Some(row) => match Record::from_cells(FileKind::Regions, &row.cells) {
                Ok(Record::Region(r)) => Some((r.level, r.parent)),
                _ => return Err(StoreError::Corrupt(format!("region {code}"))),
            },
            None => None,
        };
        self.regions.insert(code, v);
        Ok(v.map_or(Found::No, Found::Yes))
    }

    fn org(&mut self, id: &Id) -> Result<Found<(OrgKind, RegionCode)>, StoreError> {
        if let Some(r) = self.rejected_row(FileKind::Organisations, id.as_str()) {
            return Ok(Found::Rejected(r));
        }
        if let Some(v) = self.orgs.get(id) {
            return Ok(v.map_or(Found::No, Found::Yes));
        }
        let v = match self.tx.get(FileKind::Organisations, &[id_cell(id)])? {
            Some(row) => match Record::from_cells(FileKind::Organisations, &row.cells) {
                Ok(Record::Organisation(o)) => Some((o.kind, o.region)),
                _ => return Err(StoreError::Corrupt(format!("organisation {id}"))),
            },
            None => None,
        };
        self.orgs.insert(id.clone(), v);
        Ok(v.map_or(Found::No, Found::Yes))
    }

    fn exists(&mut self, kind: FileKind, id: &Id) -> Result<Found<()>, StoreError> {
        if let Some(r) = self.rejected_row(kind, id.as_str()) {
            return Ok(Found::Rejected(r));
        }
        let map = match kind {
            FileKind::Pairings => &mut self.pairings,
            FileKind::Trainings => &mut self.trainings,
            FileKind::Postings => &mut self.postings,
            _ => return Ok(Found::No),
        };
        if let Some(&v) = map.get(id) {
            return Ok(if v { Found::Yes(()) } else { Found::No });
        }
        let v = self.tx.get(kind, &[id_cell(id)])?.is_some();
        let map = match kind {
            FileKind::Pairings => &mut self.pairings,
            FileKind::Postings => &mut self.postings,
            _ => &mut self.trainings,
        };
        map.insert(id.clone(), v);
        Ok(if v { Found::Yes(()) } else { Found::No })
    }

    fn household(&mut self, id: &Id) -> Result<Found<HouseholdInfo>, StoreError> {
        if let Some(r) = self.rejected_row(FileKind::Households, id.as_str()) {
            return Ok(Found::Rejected(r));
        }
        if let Some(v) = self.households.get(id) {
            return Ok(v.map_or(Found::No, Found::Yes));
        }
        let v = match self.tx.get(FileKind::Households, &[id_cell(id)])? {
            Some(row) => match Record::from_cells(FileKind::Households, &row.cells) {
                Ok(Record::Household(_)) => Some(HouseholdInfo { rowid: row.rowid }),
                _ => return Err(StoreError::Corrupt(format!("household {id}"))),
            },
            None => None,
        };
        self.households.insert(id.clone(), v);
        Ok(v.map_or(Found::No, Found::Yes))
    }

    fn person(&mut self, id: &Id) -> Result<Found<i64>, StoreError> {
        if let Some(r) = self.rejected_row(FileKind::Persons, id.as_str()) {
            return Ok(Found::Rejected(r));
        }
        if let Some(v) = self.persons.get(id) {
            return Ok(v.map_or(Found::No, Found::Yes));
        }
        let v = self
            .tx
            .get(FileKind::Persons, &[id_cell(id)])?
            .map(|r| r.rowid);
        self.persons.insert(id.clone(), v);
        Ok(v.map_or(Found::No, Found::Yes))
    }

    fn project(&mut self, id: &Id) -> Result<Found<RegionCode>, StoreError> {
        if let Some(r) = self.rejected_row(FileKind::Projects, id.as_str()) {
            return Ok(Found::Rejected(r));
        }
        if let Some(v) = self.projects.get(id) {
            return Ok(v.map_or(Found::No, Found::Yes));
        }
        let v = match self.tx.get(FileKind::Projects, &[id_cell(id)])? {
            Some(row) => match Record::from_cells(FileKind::Projects, &row.cells) {
                Ok(Record::Project(p)) => Some(p.county),
                _ => return Err(StoreError::Corrupt(format!("project {id}"))),
            },
            None => None,
        };
        self.projects.insert(id.clone(), v);
        Ok(v.map_or(Found::No, Found::Yes))
    }

    fn txn(&mut self, id: &Id) -> Result<Found<TxnInfo>, StoreError> {
        if let Some(r) = self.rejected_row(FileKind::Funds, id.as_str()) {
            return Ok(Found::Rejected(r));
        }
        if let Some(v) = self.txns.get(id) {
            return Ok(v.clone().map_or(Found::No, Found::Yes));
        }
        let v = match self.tx.get(FileKind::Funds, &[id_cell(id)])? {
            Some(row) => match Record::from_cells(FileKind::Funds, &row.cells) {
                Ok(Record::FundTxn(t)) => Some(TxnInfo {
                    pairing: t.pairing_id,
                    source: t.source,
                    kind: t.kind,
                    project: t.project_id,
                    amount: t.amount,
                    date: t.date,
                    is_reversal: t.reverses.is_some(),
                    reversed: self.tx.reversed_total(id.as_str())?,
                }),
                _ => return Err(StoreError::Corrupt(format!("ledger row {id}"))),
            },
            None => None,
        };
        self.txns.insert(id.clone(), v.clone());
        Ok(v.map_or(Found::No, Found::Yes))
    }
}

type Problems = Vec<(&'static str, String)>;

fn missing<T>(
    f: Found<T>,
    out: &mut Problems,
    col: &'static str,
    what: &str,
    id: &dyn std::fmt::Display,
) -> Option<T> {
    match f {
        Found::Yes(v) => Some(v),
        Found::Rejected(at) => {
            out.push((col, format!("depends on rejected row {at} ({what} {id})")));
            None
        }
        Found::No => {
            out.push((col, format!("unknown {what} {id}")));
            None
        }
    }
}

impl Ctx<'_> {
    fn check_pairing(&mut self, id: &Id, out: &mut Problems) -> Result<(), StoreError> {
        let f = self.exists(FileKind::Pairings, id)?;
        missing(f, out, "pairing_id", "pairing_id", id);
        Ok(())
    }

    fn check_region(
        &mut self,
        code: RegionCode,
        col: &'static str,
        out: &mut Problems,
    ) -> Result<Option<RegionLevel>, StoreError> {
        let f = self.region(code)?;
        Ok(missing(f, out, col, "region code", &code).map(|(l, _)| l))
    }

    fn check_party(
        &mut self,
        p: &Party,
        col: &'static str,
        out: &mut Problems,
    ) -> Result<Option<(RegionLevel, Option<OrgKind>)>, StoreError> {
        Ok(match p {
            Party::Region(c) => self.check_region(*c, col, out)?.map(|l| (l, None)),
            Party::Org(id) => {
                let f = self.org(id)?;
                match missing(f, out, col, "organisation", id) {
                    Some((kind, region)) => match self.region(region)? {
                        Found::Yes((l, _)) => Some((l, Some(kind))),
                        _ => None,
                    },
                    None => None,
                }
            }
        })
    }

    /// A pairing's parties exist, and agree with its helper kind and level.
    fn check_pairing_parties(
        &mut self,
        p: &xiezuo_domain::Pairing,
        out: &mut Problems,
    ) -> Result<(), StoreError> {
        let helper = self.check_party(&p.helper, "helper", out)?;
        let helped = self.check_party(&p.helped, "helped", out)?;
        if let Some((_, Some(org_kind))) = helper
            && p.helper_kind.org_kind() != Some(org_kind)
        {
            out.push((
                "helper_kind",
                format!(
                    "helper is an organisation of kind {org_kind}, not {}",
                    p.helper_kind
                ),
            ));
        }
        if let Some((level, _)) = helped
            && level != p.level
        {
            out.push((
                "level",
                format!("the helped party is at level {level}, not {}", p.level),
            ));
        }
        Ok(())
    }

    /// A ledger row's references, and a reversal against its original: not
    /// itself a reversal, the same pairing, source, kind and project, not
    /// dated before it, and never reversing more than its amount.
    fn check_fund_txn(
        &mut self,
        t: &xiezuo_domain::FundTxn,
        out: &mut Problems,
    ) -> Result<(), StoreError> {
        self.check_pairing(&t.pairing_id, out)?;
        if let Some(p) = &t.project_id {
            let f = self.project(p)?;
            missing(f, out, "project_id", "project_id", p);
        }
        if let Some(orig_id) = &t.reverses {
            let f = self.txn(orig_id)?;
            if let Some(orig) = missing(f, out, "reverses", "txn_id in reverses", orig_id) {
                if orig.is_reversal {
                    out.push(("reverses", format!("{orig_id} is itself a reversal")));
                }
                if orig.pairing != t.pairing_id
                    || orig.source != t.source
                    || orig.kind != t.kind
                    || orig.project != t.project_id
                {
                    out.push((
                        "reverses",
                        format!("{orig_id} has another pairing, source, kind or project"),
                    ));
                }
                if t.date < orig.date {
                    out.push((
                        "date",
                        format!("a reversal is dated before {orig_id} ({})", orig.date),
                    ));
                }
                if orig.amount.0 + orig.reversed + t.amount.0 < 0 {
                    out.push((
                        "amount",
                        format!(
                            "reversals of {orig_id} would exceed its amount {}",
                            orig.amount
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Cross-row checks of one record against the dataset and the store.
    fn check(&mut self, rec: &Record, out: &mut Problems) -> Result<(), StoreError> {
        match rec {
            Record::Region(_) => {} // checked per file (needs all codes)
            Record::RegionStat(r) => {
                self.check_region(r.code, "code", out)?;
            }
            Record::Organisation(o) => {
                self.check_region(o.region, "region", out)?;
            }
            Record::Pairing(p) => self.check_pairing_parties(p, out)?,
            Record::Household(h) => {
                if let Some(l) = self.check_region(h.village, "village", out)?
                    && l != RegionLevel::Village
                {
                    out.push(("village", format!("{} is a {l}, not a village", h.village)));
                }
            }
            Record::Person(p) => {
                let f = self.household(&p.household_id)?;
                missing(f, out, "household_id", "household_id", &p.household_id);
            }
            Record::HouseholdIncome(h) => {
                let f = self.household(&h.household_id)?;
                missing(f, out, "household_id", "household_id", &h.household_id);
            }
            Record::Project(p) => {
                self.check_pairing(&p.pairing_id, out)?;
                if let Some(l) = self.check_region(p.county, "county", out)?
                    && l != RegionLevel::County
                {
                    out.push(("county", format!("{} is a {l}, not a county", p.county)));
                }
                if let Some(v) = p.village
                    && let Some(l) = self.check_region(v, "village", out)?
                    && l != RegionLevel::Village
                {
                    out.push(("village", format!("{v} is a {l}, not a village")));
                }
            }
            Record::Milestone(m) => {
                let f = self.project(&m.project_id)?;
                missing(f, out, "project_id", "project_id", &m.project_id);
            }
            Record::Beneficiary(b) => {
                let f = self.project(&b.project_id)?;
                missing(f, out, "project_id", "project_id", &b.project_id);
                let f = self.household(&b.household_id)?;
                missing(f, out, "household_id", "household_id", &b.household_id);
            }
            Record::FundTxn(t) => self.check_fund_txn(t, out)?,
            Record::Placement(p) => {
                let f = self.person(&p.person_id)?;
                missing(f, out, "person_id", "person_id", &p.person_id);
                if let Some(posting) = &p.posting_id {
                    let f = self.exists(FileKind::Postings, posting)?;
                    missing(f, out, "posting_id", "posting_id", posting);
                }
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.employer {
                    self.check_party(party, "employer", out)?;
                }
                self.check_region(p.work_region, "work_region", out)?;
            }
            Record::Posting(p) => {
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.employer {
                    self.check_party(party, "employer", out)?;
                }
                self.check_region(p.work_region, "work_region", out)?;
            }
            Record::Seeker(sk) => {
                let f = self.person(&sk.person_id)?;
                missing(f, out, "person_id", "person_id", &sk.person_id);
                for code in &sk.wanted_regions {
                    self.check_region(*code, "wanted_regions", out)?;
                }
            }
            Record::Training(t) => self.check_pairing(&t.pairing_id, out)?,
            Record::Attendance(a) => {
                let f = self.exists(FileKind::Trainings, &a.training_id)?;
                missing(f, out, "training_id", "training_id", &a.training_id);
                let f = self.person(&a.person_id)?;
                missing(f, out, "person_id", "person_id", &a.person_id);
            }
            Record::Secondment(s) => self.check_pairing(&s.pairing_id, out)?,
            Record::Investment(i) => {
                self.check_pairing(&i.pairing_id, out)?;
                self.check_party(&i.enterprise, "enterprise", out)?;
                self.check_region(i.county, "county", out)?;
            }
            Record::Purchase(p) => {
                self.check_pairing(&p.pairing_id, out)?;
                if let NameOrParty::Party(party) = &p.buyer {
                    self.check_party(party, "buyer", out)?;
                }
                self.check_region(p.seller_county, "seller_county", out)?;
            }
            Record::Donation(d) => {
                self.check_pairing(&d.pairing_id, out)?;
                if let NameOrParty::Party(party) = &d.donor {
                    self.check_party(party, "donor", out)?;
                }
            }
            Record::Meeting(m) => self.check_pairing(&m.pairing_id, out)?,
            Record::Target(t) => self.check_pairing(&t.pairing_id, out)?,
        }
        Ok(())
    }

    /// Dense reference ids for the store, and the caches updated after a
    /// row is stored.
    fn dense_refs(&mut self, rec: &Record) -> Result<Vec<i64>, StoreError> {
        let hh = |c: &mut Self, id: &Id| -> Result<i64, StoreError> {
            match c.household(id)? {
                Found::Yes(h) => Ok(h.rowid),
                _ => Err(StoreError::Corrupt(format!(
                    "household {id} vanished during import"
                ))),
            }
        };
        let person = |c: &mut Self, id: &Id| -> Result<i64, StoreError> {
            match c.person(id)? {
                Found::Yes(r) => Ok(r),
                _ => Err(StoreError::Corrupt(format!(
                    "person {id} vanished during import"
                ))),
            }
        };
        Ok(match rec {
            Record::Person(p) => vec![hh(self, &p.household_id)?],
            Record::HouseholdIncome(h) => vec![hh(self, &h.household_id)?],
            Record::Beneficiary(b) => vec![hh(self, &b.household_id)?],
            Record::Placement(p) => vec![person(self, &p.person_id)?],
            Record::Attendance(a) => vec![person(self, &a.person_id)?],
            Record::Seeker(sk) => vec![person(self, &sk.person_id)?],
            _ => vec![],
        })
    }

    fn remember(&mut self, rec: &Record, rowid: i64) {
        match rec {
            Record::Region(r) => {
                self.regions.insert(r.code, Some((r.level, r.parent)));
            }
            Record::Organisation(o) => {
                self.orgs.insert(o.org_id.clone(), Some((o.kind, o.region)));
            }
            Record::Pairing(p) => {
                self.pairings.insert(p.pairing_id.clone(), true);
            }
            Record::Household(h) => {
                self.households
                    .insert(h.household_id.clone(), Some(HouseholdInfo { rowid }));
            }
            Record::Project(p) => {
                self.projects.insert(p.project_id.clone(), Some(p.county));
            }
            Record::Training(t) => {
                self.trainings.insert(t.training_id.clone(), true);
            }
            Record::Posting(p) => {
                self.postings.insert(p.posting_id.clone(), true);
            }
            Record::FundTxn(t) => {
                if let Some(orig) = &t.reverses
                    && let Some(Some(o)) = self.txns.get_mut(orig)
                {
                    o.reversed += t.amount.0;
                }
                self.txns.insert(
                    t.txn_id.clone(),
                    Some(TxnInfo {
                        pairing: t.pairing_id.clone(),
                        source: t.source,
                        kind: t.kind,
                        project: t.project_id.clone(),
                        amount: t.amount,
                        date: t.date,
                        is_reversal: t.reverses.is_some(),
                        reversed: 0,
                    }),
                );
            }
            _ => {}
        }
    }
}

/// One parsed row waiting for its cross-row checks.
struct Row {
    line: u64,
    raw: RawFields,
    cells: Vec<Cell>,
    rec: Record,
}

struct FileRun<'a> {
    kind: FileKind,
    file: String,
    report: &'a mut ImportReport,
}

impl FileRun<'_> {
    fn reject(
        &mut self,
        ctx: &mut Ctx<'_>,
        line: u64,
        raw: &RawFields,
        key: Option<String>,
        problems: Problems,
    ) {
        if let Some(k) = key {
            ctx.rejected
                .entry(self.kind)
                .or_default()
                .entry(k)
                .or_insert_with(|| format!("{}:{line}", self.file));
        }
        for (col, reason) in problems {
            self.report.errors.push(Rejected {
                error: ImportError::new(&self.file, line, col, reason),
                raw: raw.clone(),
            });
        }
        self.report.counts.entry(self.kind).or_default().rejected += 1;
    }
}

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

fn import_file(
    ctx: &mut Ctx<'_>,
    kind: FileKind,
    path: &Path,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), ImportFailure> {
    let mut reader = match TableReader::open(kind, path) {
        Ok(r) => r,
        Err(errs) => {
            for e in errs {
                report.errors.push(Rejected {
                    error: e,
                    raw: RawFields::new(),
                });
            }
            return Ok(());
        }
    };
    let file = reader.file.clone();
    for e in std::mem::take(&mut reader.header_errors) {
        report.errors.push(Rejected {
            error: e,
            raw: RawFields::new(),
        });
    }
    progress.file_started(&file, reader.size);
    report.counts.entry(kind).or_default();
    let mut run = FileRun {
        kind,
        file: file.clone(),
        report,
    };
    // Kinds that reference their own file are checked once the whole file is read.
    let whole_file = matches!(kind, FileKind::Regions | FileKind::Funds);
    let mut pending: Vec<Row> = Vec::new();
    // A parser thread reads and parses rows in batches while this thread
    // checks them against the dataset and the store and writes them.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Vec<Parsed>, u64)>(4);
    let outcome: Result<(), StoreError> = std::thread::scope(|scope| {
        let parser = scope.spawn(move || parse_rows(&mut reader, &tx));
        for (batch, position) in rx {
            progress.advanced(position);
            if !whole_file {
                prefetch(ctx, kind, batch.iter().filter_map(Parsed::good))?;
            }
            for parsed in batch {
                match parsed {
                    Parsed::Unreadable(e) => {
                        run.report.errors.push(Rejected {
                            error: e,
                            raw: RawFields::new(),
                        });
                        run.report.counts.entry(kind).or_default().rejected += 1;
                    }
                    Parsed::Bad {
                        line,
                        raw,
                        key,
                        problems,
                    } => {
                        run.report.counts.entry(kind).or_default().read += 1;
                        run.reject(ctx, line, &raw, key, problems);
                    }
                    Parsed::Good(row) => {
                        run.report.counts.entry(kind).or_default().read += 1;
                        if whole_file {
                            pending.push(row);
                        } else {
                            process_row_with(ctx, &mut run, row, Vec::new())?;
                        }
                    }
                }
            }
        }
        // The parser ends when the file does (or when this side stops early).
        let _ = parser.join();
        Ok(())
    });
    outcome?;
    if whole_file {
        match kind {
            FileKind::Regions => {
                let codes: hashbrown::HashSet<RegionCode> = pending
                    .iter()
                    .filter_map(|r| match &r.rec {
                        Record::Region(g) => Some(g.code),
                        _ => None,
                    })
                    .collect();
                // Regions of this file are known before their parents are checked.
                for row in &pending {
                    if let Record::Region(g) = &row.rec {
                        ctx.regions
                            .entry(g.code)
                            .or_insert(Some((g.level, g.parent)));
                    }
                }
                let mut rows = pending.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<Row> = rows.by_ref().take(BATCH).collect();
                    prefetch(ctx, kind, chunk.iter())?;
                    for row in chunk {
                        let mut extra = Vec::new();
                        if let Record::Region(g) = &row.rec {
                            let mut nearest = None;
                            for a in g.code.prefix_ancestors() {
                                if codes.contains(&a) || matches!(ctx.region(a)?, Found::Yes(_)) {
                                    nearest = Some(a);
                                    break;
                                }
                            }
                            match (g.parent, nearest) {
                                (Some(p), Some(n)) if p != n => extra.push((
                                    "parent",
                                    format!(
                                        "parent must be the nearest existing ancestor {n}, not {p}"
                                    ),
                                )),
                                (Some(p), None) => {
                                    extra.push(("parent", format!("unknown region code {p}")))
                                }
                                _ => {}
                            }
                        }
                        process_row_with(ctx, &mut run, row, extra)?;
                    }
                }
            }
            _ => {
                // Originals before reversals, so a reversal may precede its original in the file.
                pending
                    .sort_by_key(|r| matches!(&r.rec, Record::FundTxn(t) if t.reverses.is_some()));
                let mut rows = pending.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<Row> = rows.by_ref().take(BATCH).collect();
                    prefetch(ctx, kind, chunk.iter())?;
                    for row in chunk {
                        process_row_with(ctx, &mut run, row, Vec::new())?;
                    }
                }
            }
        }
    }
    progress.file_done(&file);
    Ok(())
}

/// Tells the store which rows come next, so that a server backend reads
/// the stored rows they name (by key or by reference) in one go instead of
/// one at a time.
fn prefetch<'r>(
    ctx: &mut Ctx<'_>,
    kind: FileKind,
    rows: impl Iterator<Item = &'r Row>,
) -> Result<(), StoreError> {
    let cells: Vec<&[Cell]> = rows.map(|r| r.cells.as_slice()).collect();
    ctx.tx.prefetch(kind, &cells)
}

/// A row as the parser thread hands it over.
enum Parsed {
    /// The record could not be read at all (bad CSV).
    Unreadable(ImportError),
    /// Cells that do not parse: (line, raw fields, key if parsable, problems).
    Bad {
        line: u64,
        raw: RawFields,
        key: Option<String>,
        problems: Problems,
    },
    Good(Row),
}

impl Parsed {
    fn good(&self) -> Option<&Row> {
        match self {
            Parsed::Good(r) => Some(r),
            _ => None,
        }
    }
}

const BATCH: usize = 4096;

/// Reads, parses and checks single rows of a file, in batches.
fn parse_rows(reader: &mut TableReader, tx: &std::sync::mpsc::SyncSender<(Vec<Parsed>, u64)>) {
    let kind = reader.kind;
    let file = reader.file.clone();
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(next) = reader.next_row() {
        let parsed = match next {
            Err(e) => Parsed::Unreadable(e),
            Ok(line) => {
                let fields = reader.fields();
                match reader.header.parse_row(&file, line, &fields) {
                    Err(errs) => Parsed::Bad {
                        line,
                        raw: reader.raw(),
                        key: key_if_parsable(kind, &reader.header, &fields),
                        problems: errs
                            .into_iter()
                            .map(|e| (col_static(kind, &e.column), e.reason))
                            .collect(),
                    },
                    Ok(cells) => match Record::from_cells(kind, &cells) {
                        Err(e) => Parsed::Bad {
                            line,
                            raw: reader.raw(),
                            key: Some(key_text(kind, &cells)),
                            problems: vec![(e.column, e.reason)],
                        },
                        Ok(rec) => Parsed::Good(Row {
                            line,
                            raw: reader.raw(),
                            cells,
                            rec,
                        }),
                    },
                }
            }
        };
        batch.push(parsed);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if tx.send((full, reader.position())).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send((batch, reader.position()));
    }
}

fn col_static(kind: FileKind, name: &str) -> &'static str {
    kind.columns()
        .iter()
        .find(|c| c.name == name)
        .map_or("", |c| c.name)
}

/// The key of a row whose key cells parse, for cascade messages.
fn key_if_parsable(
    kind: FileKind,
    header: &xiezuo_exchange::HeaderMap,
    fields: &[&str],
) -> Option<String> {
    let cols = kind.columns();
    let mut parts = Vec::new();
    for &i in kind.key() {
        let raw = header.positions[i]
            .and_then(|p| fields.get(p))
            .map(|s| s.trim())?;
        if raw.is_empty() {
            return None;
        }
        let cell = xiezuo_exchange::cell::parse_cell(&cols[i], raw).ok()?;
        parts.push(xiezuo_exchange::cell::format_cell(&cols[i], &cell));
    }
    Some(parts.join("/"))
}

/// The message for a unique value held by another row.
fn duplicate_reason(
    ctx: &mut Ctx<'_>,
    kind: FileKind,
    column: Option<usize>,
    rowid: i64,
    cells: &[Cell],
) -> Result<(&'static str, String), StoreError> {
    let line = ctx.written_line(kind, rowid);
    Ok(match column {
        None => {
            let what = if kind.key().len() == 1 { "id" } else { "key" };
            let col = kind.columns()[kind.key()[0]].name;
            let key = key_text(kind, cells);
            match line {
                Some(l) => (col, format!("duplicate {what} {key} (same as line {l})")),
                None => (col, format!("duplicate {what} {key}")),
            }
        }
        Some(c) => {
            let col = kind.columns()[c].name;
            let holder = match kind {
                FileKind::Persons => cells
                    .get(c)
                    .and_then(|v| v.as_text())
                    .map(|idn| ctx.tx.person_by_id_number(idn))
                    .transpose()?
                    .flatten()
                    .map(|(_, pid)| format!(", person {pid}"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            match line {
                Some(l) => (col, format!("duplicate {col} (same as line {l}{holder})")),
                None => (col, format!("duplicate {col} (already registered{holder})")),
            }
        }
    })
}

fn process_row_with(
    ctx: &mut Ctx<'_>,
    run: &mut FileRun<'_>,
    row: Row,
    mut problems: Problems,
) -> Result<(), StoreError> {
    let kind = run.kind;
    let raw = |row: &Row| -> RawFields { row.raw.clone() };
    problems.extend(row.rec.row_checks());
    // On re-import, an identity number held by another stored person.
    if let (Record::Person(p), false) = (&row.rec, ctx.tx.was_empty(FileKind::Persons))
        && let Some((rowid, other)) = ctx.tx.person_by_id_number(p.id_number.expose())?
        && other != p.person_id.as_str()
    {
        let line = ctx.written_line(kind, rowid);
        problems.push((
            "id_number",
            match line {
                Some(l) => {
                    format!("duplicate id_number (same as line {l}, person {other})")
                }
                None => {
                    format!("duplicate id_number (already registered to person {other})")
                }
            },
        ));
    }
    let mut already_stored = false;
    if let (Record::FundTxn(t), false) = (&row.rec, ctx.tx.was_empty(kind))
        && let Some(old) = ctx.tx.get(kind, &key_cells(kind, &row.cells))?
    {
        if ctx.written_line(kind, old.rowid).is_some() {
            // A duplicate within this dataset: reported at upsert time.
        } else if old.cells != row.cells {
            problems.push((
                    "txn_id",
                    format!("{} is already in the ledger with other content; corrections are new rows with reverses", t.txn_id),
                ));
        } else {
            already_stored = true;
        }
    }
    if !already_stored {
        ctx.check(&row.rec, &mut problems)?;
    }
    if !problems.is_empty() {
        // A bad row whose key a good row of this dataset already holds is a
        // duplicate: say so, and do not let it shadow the good row.
        let held = ctx.tx.get(kind, &key_cells(kind, &row.cells))?;
        let key = match held {
            Some(h) if ctx.written_line(kind, h.rowid).is_some() => {
                problems.push(duplicate_reason(ctx, kind, None, h.rowid, &row.cells)?);
                None
            }
            _ => Some(key_text(kind, &row.cells)),
        };
        let raw = raw(&row);
        run.reject(ctx, row.line, &raw, key, problems);
        return Ok(());
    }
    let refs = ctx.dense_refs(&row.rec)?;
    let written = ctx.written.entry(kind).or_default();
    let outcome = ctx.tx.upsert(kind, &row.cells, &refs, &|rowid| {
        written.line_of(rowid).is_some()
    })?;
    if let Upsert::Duplicate { column, rowid } = outcome {
        let reason = duplicate_reason(ctx, kind, column, rowid, &row.cells)?;
        let raw = raw(&row);
        // The good row keeps its key: no cascade from this one.
        run.reject(ctx, row.line, &raw, None, vec![reason]);
        return Ok(());
    }
    if let Some(w) = ctx.written.get_mut(&kind) {
        w.record(outcome, row.line);
    }
    if !already_stored && let Some(rowid) = outcome.rowid() {
        ctx.remember(&row.rec, rowid);
    }
    let c = run.report.counts.entry(kind).or_default();
    match outcome {
        Upsert::Inserted(_) => c.inserted += 1,
        Upsert::Updated { .. } => c.updated += 1,
        Upsert::Unchanged(_) => c.unchanged += 1,
        Upsert::Duplicate { .. } => {}
    }
    Ok(())
}
