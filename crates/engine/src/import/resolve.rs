//! Reference resolution: what the importer knows of the dataset so far and
//! of the store (regions, organisations, households, persons, projects,
//! ledger rows, rejected and written rows), looked up once and cached.

use super::*;
/// What the importer knows of a household.
#[derive(Clone, Copy)]
pub(super) struct HouseholdInfo {
    pub(super) rowid: i64,
}

/// What the importer knows of a ledger row.
#[derive(Clone)]
pub(super) struct TxnInfo {
    pub(super) pairing: Id,
    pub(super) source: FundSource,
    pub(super) kind: FundKind,
    pub(super) project: Option<Id>,
    pub(super) amount: Fen,
    pub(super) date: chrono::NaiveDate,
    pub(super) is_reversal: bool,
    /// Reversals accepted so far (store and dataset), in fen (≤ 0).
    pub(super) reversed: i64,
}

/// A reference lookup: found, rejected earlier in this import, or absent.
pub(super) enum Found<T> {
    Yes(T),
    Rejected(String),
    No,
}

pub(super) struct Ctx<'t> {
    pub(super) tx: Box<dyn ImportTx + 't>,
    pub(super) regions: HashMap<RegionCode, Option<(RegionLevel, Option<RegionCode>)>>,
    pub(super) orgs: HashMap<Id, Option<(OrgKind, RegionCode)>>,
    pub(super) pairings: HashMap<Id, bool>,
    pub(super) households: HashMap<Id, Option<HouseholdInfo>>,
    /// Persons looked up (not every stored person: the store is the index).
    pub(super) persons: HashMap<Id, Option<i64>>,
    pub(super) projects: HashMap<Id, Option<RegionCode>>,
    pub(super) trainings: HashMap<Id, bool>,
    pub(super) postings: HashMap<Id, bool>,
    pub(super) txns: HashMap<Id, Option<TxnInfo>>,
    /// Rows rejected in this import, per kind by key: "file:line".
    pub(super) rejected: HashMap<FileKind, HashMap<String, String>>,
    /// Rows written by this import, per kind (for duplicates and their lines).
    pub(super) written: HashMap<FileKind, Written>,
    /// Who writes, and what the scope check has looked up.
    pub(super) scope: super::WriteScope,
    pub(super) scope_facts: super::scope::ScopeFacts,
    /// The frozen assessment years whose records may not change.
    pub(super) frozen: super::frozen::FrozenYears,
    /// The changes of the correction this import carries, in row order.
    pub(super) corrected: Vec<super::CorrectedRow>,
}

/// The rows one import wrote into one table: inserted rows have consecutive
/// row ids from `first`; updated or unchanged ones are listed.
#[derive(Default)]
pub(super) struct Written {
    pub(super) first: Option<i64>,
    pub(super) lines: Vec<u32>,
    pub(super) touched: HashMap<i64, u32>,
}

impl Written {
    pub(super) fn line_of(&self, rowid: i64) -> Option<u32> {
        if let Some(first) = self.first
            && rowid >= first
        {
            return self.lines.get((rowid - first) as usize).copied();
        }
        self.touched.get(&rowid).copied()
    }

    pub(super) fn record(&mut self, outcome: Upsert, line: u64) {
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

pub(super) fn id_cell(id: &Id) -> Cell {
    Cell::Text(id.as_str().into())
}

impl<'t> Ctx<'t> {
    pub(super) fn rejected_row(
        &self,
        kind: FileKind,
        key: impl std::fmt::Display,
    ) -> Option<String> {
        let m = self.rejected.get(&kind)?;
        m.get(&key.to_string()).cloned()
    }

    /// The line of a row this import wrote, if it did.
    pub(super) fn written_line(&self, kind: FileKind, rowid: i64) -> Option<u32> {
        self.written.get(&kind).and_then(|w| w.line_of(rowid))
    }

    pub(super) fn region(
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

    pub(super) fn org(&mut self, id: &Id) -> Result<Found<(OrgKind, RegionCode)>, StoreError> {
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

    pub(super) fn exists(&mut self, kind: FileKind, id: &Id) -> Result<Found<()>, StoreError> {
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

    pub(super) fn household(&mut self, id: &Id) -> Result<Found<HouseholdInfo>, StoreError> {
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

    pub(super) fn person(&mut self, id: &Id) -> Result<Found<i64>, StoreError> {
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

    pub(super) fn project(&mut self, id: &Id) -> Result<Found<RegionCode>, StoreError> {
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

    pub(super) fn txn(&mut self, id: &Id) -> Result<Found<TxnInfo>, StoreError> {
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

pub(super) type Problems = Vec<xiezuo_domain::rules::Problem>;

pub(super) fn missing<T>(
    f: Found<T>,
    out: &mut Problems,
    col: &'static str,
    what: &str,
    id: &dyn std::fmt::Display,
) -> Option<T> {
    match f {
        Found::Yes(v) => Some(v),
        Found::Rejected(at) => {
            out.push((
                col,
                Message::new("ref.depends_on_rejected")
                    .with("at", at)
                    .with("what", what)
                    .with("what_zh", column_zh(what))
                    .with("id", id),
            ));
            None
        }
        Found::No => {
            out.push((
                col,
                Message::new("ref.unknown")
                    .with("what", what)
                    .with("what_zh", column_zh(what))
                    .with("id", id),
            ));
            None
        }
    }
}

/// The Chinese label of what a reference names: the column's label
/// (`txn_id in reverses` is the ledger row a reversal names).
fn column_zh(what: &str) -> &'static str {
    let name = what.split(' ').next().unwrap_or(what);
    FileKind::ALL
        .iter()
        .flat_map(|k| k.columns())
        .find(|c| c.name == name)
        .map_or("", |c| c.zh)
}
