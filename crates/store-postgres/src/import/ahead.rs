//! Reading ahead (`ImportTx::prefetch`): before a batch of rows is
//! upserted, the stored rows with their keys, the holders of their identity
//! numbers and the rows they reference by dense id are read in one query
//! each, and kept in step with the import's own writes, so that a
//! re-import does not pay a round trip per look-up.

use super::PgImport;
use crate::{PgCell, Statements, pe, read_row};
use postgres::Transaction;
use postgres::types::ToSql;
use std::collections::{HashMap, HashSet};
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::ddl::{SqlType, sql_type};
use xiezuo_store::{StoreError, StoredRow, dense_refs};

/// A key or unique value as a map key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    Null,
    Int(i64),
    Real(u64),
    Text(String),
}

fn parts<'a>(cells: impl Iterator<Item = &'a Cell>) -> Vec<Part> {
    cells
        .map(|c| match c {
            Cell::Null => Part::Null,
            Cell::Int(v) => Part::Int(*v),
            Cell::Real(v) => Part::Real(v.to_bits()),
            Cell::Text(t) => Part::Text(t.to_string()),
        })
        .collect()
}

/// Rows read ahead for the rows about to be upserted (`prefetch`), kept
/// in step with this import's own writes: the stored row of each key (of
/// their kind, and of the rows they reference), or its absence, and for
/// persons the holder of each identity number.
#[derive(Default)]
pub(super) struct Ahead {
    rows: HashMap<(FileKind, Vec<Part>), Option<StoredRow>>,
    /// Filled when persons are read ahead.
    id_numbers: Option<HashMap<String, Option<(i64, String)>>>,
}

/// The position of a person's identity number.
pub(super) fn id_number_col() -> Option<usize> {
    FileKind::Persons.col("id_number")
}

/// Keys to read of one kind: the cells of each key column, one vector per
/// column, row by row.
type KeysOf = (FileKind, Vec<Vec<Cell>>);

/// The stored rows of `kind` whose keys are among the arrays bound as
/// parameters (one array per key column).
fn prefetch_sql(kind: FileKind) -> String {
    let cols = kind.columns();
    let key = kind.key();
    let arrays: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(j, &i)| {
            let ty = match sql_type(&cols[i]) {
                SqlType::Int | SqlType::Flag => "BIGINT",
                SqlType::Real => "DOUBLE PRECISION",
                SqlType::Text => "TEXT",
            };
            format!("${}::{ty}[]", j + 1)
        })
        .collect();
    let names: Vec<String> = (0..key.len()).map(|j| format!("k{j}")).collect();
    let on: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(j, &i)| format!("t.{} = k.k{j}", cols[i].name))
        .collect();
    let selected: Vec<String> = cols.iter().map(|c| format!("t.{}", c.name)).collect();
    format!(
        "SELECT t.id, t.batch_id, {} FROM {} t JOIN unnest({}) AS k({}) ON {}",
        selected.join(", "),
        kind.table(),
        arrays.join(", "),
        names.join(", "),
        on.join(" AND ")
    )
}

impl PgImport<'_> {
    /// The stored row with these key cells as read ahead, if it was.
    pub(super) fn ahead_row(&self, kind: FileKind, key: &[Cell]) -> Option<Option<StoredRow>> {
        let a = self.ahead.as_ref()?;
        a.rows.get(&(kind, parts(key.iter()))).cloned()
    }

    /// Keeps the rows read ahead in step with a write of `cells` as row
    /// `rowid` (`old`: the cells it replaced).
    pub(super) fn wrote(
        &mut self,
        kind: FileKind,
        rowid: i64,
        cells: &[Cell],
        old: Option<&[Cell]>,
    ) {
        let batch_id = self.batch_id;
        let Some(a) = self.ahead.as_mut() else {
            return;
        };
        let key = parts(kind.key().iter().map(|&i| &cells[i]));
        a.rows.insert(
            (kind, key),
            Some(StoredRow {
                rowid,
                batch_id,
                cells: cells.to_vec(),
            }),
        );
        if kind == FileKind::Persons
            && let Some(i) = id_number_col()
            && let Some(ids) = a.id_numbers.as_mut()
        {
            if let Some(Cell::Text(before)) = old.map(|o| &o[i]) {
                ids.insert(before.to_string(), None);
            }
            if let (Cell::Text(idn), Cell::Text(pid)) = (&cells[i], &cells[0]) {
                ids.insert(idn.to_string(), Some((rowid, pid.to_string())));
            }
        }
    }

    /// The holder of an identity number as read ahead, if it was.
    pub(super) fn ahead_id_number(&self, id_number: &str) -> Option<Option<(i64, String)>> {
        let ids = self.ahead.as_ref()?.id_numbers.as_ref()?;
        ids.get(id_number).cloned()
    }

    /// Reads ahead for `rows` of `kind`, about to be upserted (replacing
    /// what was read ahead before).
    pub(super) fn read_ahead(
        &mut self,
        kind: FileKind,
        rows: &[&[Cell]],
    ) -> Result<(), StoreError> {
        self.ahead = None;
        let width = kind.columns().len();
        let rows: Vec<&[Cell]> = rows.iter().copied().filter(|r| r.len() == width).collect();
        // What to read: (kind, its key column cells) for this kind unless
        // it was empty, and for the kinds its rows reference by row id.
        let mut wanted: Vec<KeysOf> = Vec::new();
        if !self.empty[kind as usize] {
            let keys = kind
                .key()
                .iter()
                .map(|&i| rows.iter().map(|r| r[i].clone()).collect())
                .collect();
            wanted.push((kind, keys));
        }
        for &(col, target) in dense_refs(kind) {
            if target.key().len() != 1 {
                continue;
            }
            let mut seen = HashSet::new();
            let cells: Vec<Cell> = rows
                .iter()
                .map(|r| &r[col])
                .filter(|c| !c.is_null() && seen.insert(parts(std::iter::once(*c))))
                .cloned()
                .collect();
            if cells.is_empty() {
                continue;
            }
            // A read of the referenced kind sees the rows buffered for it.
            self.flush(target)?;
            wanted.push((target, vec![cells]));
        }
        let idn_col =
            id_number_col().filter(|_| kind == FileKind::Persons && !self.empty[kind as usize]);
        let idns: Vec<Cell> = idn_col.map_or_else(Vec::new, |i| {
            rows.iter()
                .filter(|r| !r[i].is_null())
                .map(|r| r[i].clone())
                .collect()
        });
        if wanted.is_empty() {
            return Ok(());
        }
        let asked = wanted.clone();
        let Found {
            rows: found,
            holders,
        } = self
            .worker
            .run(move |tx, cache| read_stored(tx, cache, &asked, &idns))?;
        let mut ahead = Ahead::default();
        for (k, row) in found {
            let key = parts(k.key().iter().map(|&i| &row.cells[i]));
            ahead.rows.insert((k, key), Some(row));
        }
        // A key asked for and not found is known to be absent.
        for (k, keys) in &wanted {
            for j in 0..keys.first().map_or(0, Vec::len) {
                let key: Vec<&Cell> = keys.iter().map(|col| &col[j]).collect();
                if key.iter().all(|c| !c.is_null()) {
                    ahead
                        .rows
                        .entry((*k, parts(key.into_iter())))
                        .or_insert(None);
                }
            }
        }
        if let Some(i) = idn_col {
            let mut ids = HashMap::new();
            for (idn, rowid, pid) in holders {
                ids.insert(idn, Some((rowid, pid)));
            }
            for r in &rows {
                if let Cell::Text(idn) = &r[i] {
                    ids.entry(idn.to_string()).or_insert(None);
                }
            }
            ahead.id_numbers = Some(ids);
        }
        self.ahead = Some(ahead);
        Ok(())
    }
}

/// What one read ahead found.
struct Found {
    /// Stored rows, with their kinds.
    rows: Vec<(FileKind, StoredRow)>,
    /// Holders of identity numbers: (identity number, row id, person id).
    holders: Vec<(String, i64, String)>,
}

/// The stored rows of each kind with one of the keys asked for, and the
/// holders of the identity numbers `idns`.
fn read_stored(
    tx: &mut Transaction<'_>,
    cache: &mut Statements,
    asked: &[KeysOf],
    idns: &[Cell],
) -> Result<Found, StoreError> {
    let mut found = Vec::new();
    for (k, keys) in asked {
        let bound: Vec<Vec<PgCell<'_>>> = keys
            .iter()
            .map(|a| a.iter().map(PgCell).collect())
            .collect();
        let params: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|a| a as _).collect();
        let st = cache.get(tx, &prefetch_sql(*k))?;
        for r in tx.query(&st, &params).map_err(pe)? {
            found.push((*k, read_row(*k, &r)?));
        }
    }
    let mut holders = Vec::new();
    if !idns.is_empty() {
        let bound: Vec<PgCell<'_>> = idns.iter().map(PgCell).collect();
        let st = cache.get(
            tx,
            "SELECT id, person_id, id_number FROM persons WHERE id_number = ANY($1::TEXT[])",
        )?;
        for r in tx.query(&st, &[&bound]).map_err(pe)? {
            holders.push((
                r.try_get::<_, String>(2).map_err(pe)?,
                r.try_get::<_, i64>(0).map_err(pe)?,
                r.try_get::<_, String>(1).map_err(pe)?,
            ));
        }
    }
    Ok(Found {
        rows: found,
        holders,
    })
}
