//! An import on PostgreSQL: one transaction under the import lock. Row ids
//! are numbered here (dense, in first-stored order, no gap after a
//! rollback). Rows of a kind that was empty when the import began are
//! buffered and written with `COPY`; every read of that kind writes its
//! buffer first, so the import always sees its own writes. Their uniqueness
//! is checked against in-memory hashes of the unique values, and a hash hit
//! is confirmed in the database, so the outcome is exact.

use crate::{CopyBuffer, IMPORT_LOCK, LOCK_TIMEOUT_S, PgCell, Statements, get_row, pe};
use postgres::types::ToSql;
use postgres::{Client, Transaction};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use xiezuo_exchange::cell::format_cell;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::ddl::{SqlType, ref_column, sql_type, unique_columns};
use xiezuo_store::{BatchInfo, ImportTx, StoreError, StoredRow, Upsert, dense_refs, key_text};

/// Rows buffered per kind before they are written.
const FLUSH_ROWS: usize = 50_000;

/// The buffered rows of a kind that was empty at the start, with hashes of
/// their unique values: (value hash → row id of the first holder).
struct Pending {
    rows: CopyBuffer,
    keys: HashMap<u64, i64>,
    uniques: Vec<(usize, HashMap<u64, i64>)>,
}

impl Pending {
    fn new(kind: FileKind) -> Pending {
        Pending {
            rows: CopyBuffer::for_kind(kind),
            keys: HashMap::new(),
            uniques: unique_columns(kind)
                .into_iter()
                .map(|c| (c, HashMap::new()))
                .collect(),
        }
    }
}

fn hash_cells<'a>(cells: impl Iterator<Item = &'a Cell>) -> u64 {
    let mut h = DefaultHasher::new();
    for c in cells {
        match c {
            Cell::Null => 0u8.hash(&mut h),
            Cell::Int(v) => (1u8, v).hash(&mut h),
            Cell::Real(v) => (2u8, v.to_bits()).hash(&mut h),
            Cell::Text(t) => (3u8, t.as_str()).hash(&mut h),
        }
    }
    h.finish()
}

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
/// in step with this import's own writes: the stored row of each key, or
/// its absence, and for persons the holder of each identity number.
struct Ahead {
    kind: FileKind,
    rows: HashMap<Vec<Part>, Option<StoredRow>>,
    id_numbers: HashMap<String, Option<(i64, String)>>,
}

/// The position of a person's identity number.
fn id_number_col() -> Option<usize> {
    FileKind::Persons.col("id_number")
}

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

pub(crate) struct PgImport<'a> {
    tx: Transaction<'a>,
    cache: &'a mut Statements,
    batch_id: i64,
    batch: BatchInfo,
    /// Per kind: the id the next inserted row gets.
    next_id: Vec<i64>,
    /// Per kind: no row was stored when the import began.
    empty: Vec<bool>,
    pending: Vec<Option<Pending>>,
    audit: CopyBuffer,
    next_audit: i64,
    ahead: Option<Ahead>,
}

pub(crate) fn audit_buffer() -> CopyBuffer {
    use postgres::types::Type;
    let names: Vec<String> = [
        "id",
        "batch_id",
        "kind",
        "row_key",
        "field",
        "old_value",
        "new_value",
    ]
    .map(String::from)
    .to_vec();
    let mut types = vec![Type::INT8, Type::INT8];
    types.extend([Type::TEXT; 5]);
    CopyBuffer::new("audit", &names, types)
}

/// Takes the import lock (waiting at most `LOCK_TIMEOUT_S` for another
/// writer) in `tx`.
pub(crate) fn lock_for_writing(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    tx.batch_execute(&format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'"))
        .map_err(pe)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&IMPORT_LOCK])
        .map_err(pe)?;
    tx.batch_execute("SET LOCAL lock_timeout = 0").map_err(pe)
}

fn insert_sql(kind: FileKind) -> String {
    let drefs = dense_refs(kind);
    let mut names = format!("id, batch_id, {}", crate::col_list(kind));
    for (col, _) in drefs {
        names.push_str(", ");
        names.push_str(&ref_column(kind, *col));
    }
    let n = 2 + kind.columns().len() + drefs.len();
    let ph = (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO {} ({names}) VALUES ({ph}) ON CONFLICT DO NOTHING",
        kind.table()
    )
}

fn update_sql(kind: FileKind) -> String {
    let cols = kind.columns();
    let mut sets = vec!["batch_id = $1".to_string()];
    for (i, c) in cols.iter().enumerate() {
        sets.push(format!("{} = ${}", c.name, i + 2));
    }
    let drefs = dense_refs(kind);
    for (j, (col, _)) in drefs.iter().enumerate() {
        sets.push(format!(
            "{} = ${}",
            ref_column(kind, *col),
            cols.len() + 2 + j
        ));
    }
    format!(
        "UPDATE {} SET {} WHERE id = ${}",
        kind.table(),
        sets.join(", "),
        cols.len() + drefs.len() + 2
    )
}

impl<'a> PgImport<'a> {
    pub(crate) fn begin(
        client: &'a mut Client,
        cache: &'a mut Statements,
        batch: &BatchInfo,
    ) -> Result<PgImport<'a>, StoreError> {
        let mut tx = client.transaction().map_err(pe)?;
        lock_for_writing(&mut tx)?;
        let maxes: Vec<String> = FileKind::ALL
            .iter()
            .map(|k| format!("(SELECT MAX(id) FROM {})", k.table()))
            .collect();
        let r = tx
            .query_one(
                &format!(
                    "SELECT {}, (SELECT COALESCE(MAX(id), 0) FROM batches), (SELECT COALESCE(MAX(id), 0) FROM audit)",
                    maxes.join(", ")
                ),
                &[],
            )
            .map_err(pe)?;
        let n = FileKind::ALL.len();
        let mut next_id = Vec::with_capacity(n);
        let mut empty = Vec::with_capacity(n);
        for i in 0..n {
            let max: Option<i64> = r.try_get(i).map_err(pe)?;
            empty.push(max.is_none());
            next_id.push(max.unwrap_or(0) + 1);
        }
        let batch_id: i64 = r.try_get::<_, i64>(n).map_err(pe)? + 1;
        let next_audit: i64 = r.try_get::<_, i64>(n + 1).map_err(pe)? + 1;
        Ok(PgImport {
            tx,
            cache,
            batch_id,
            batch: batch.clone(),
            next_id,
            empty,
            pending: (0..n).map(|_| None).collect(),
            audit: audit_buffer(),
            next_audit,
            ahead: None,
        })
    }

    /// The stored row with these key cells as read ahead, if it was.
    fn ahead_row(&self, kind: FileKind, key: &[Cell]) -> Option<Option<StoredRow>> {
        let a = self.ahead.as_ref().filter(|a| a.kind == kind)?;
        a.rows.get(&parts(key.iter())).cloned()
    }

    /// Keeps the rows read ahead in step with a write of `cells` as row
    /// `rowid` (`old`: the cells it replaced).
    fn wrote(&mut self, kind: FileKind, rowid: i64, cells: &[Cell], old: Option<&[Cell]>) {
        let batch_id = self.batch_id;
        let Some(a) = self.ahead.as_mut().filter(|a| a.kind == kind) else {
            return;
        };
        let key = parts(kind.key().iter().map(|&i| &cells[i]));
        a.rows.insert(
            key,
            Some(StoredRow {
                rowid,
                batch_id,
                cells: cells.to_vec(),
            }),
        );
        if kind == FileKind::Persons
            && let Some(i) = id_number_col()
        {
            if let Some(Cell::Text(before)) = old.map(|o| &o[i]) {
                a.id_numbers.insert(before.to_string(), None);
            }
            if let (Cell::Text(idn), Cell::Text(pid)) = (&cells[i], &cells[0]) {
                a.id_numbers
                    .insert(idn.to_string(), Some((rowid, pid.to_string())));
            }
        }
    }

    /// The holder of an identity number as read ahead, if it was.
    fn ahead_id_number(&self, id_number: &str) -> Option<Option<(i64, String)>> {
        let a = self
            .ahead
            .as_ref()
            .filter(|a| a.kind == FileKind::Persons)?;
        a.id_numbers.get(id_number).cloned()
    }

    /// Writes the buffered rows of a kind.
    fn flush(&mut self, kind: FileKind) -> Result<(), StoreError> {
        if let Some(p) = self.pending[kind as usize].as_mut() {
            p.rows.flush(&mut self.tx)?;
        }
        Ok(())
    }

    /// The row holding value `cells[col]` of the unique column `col`.
    fn holder_of(
        &mut self,
        kind: FileKind,
        col: usize,
        cell: &Cell,
        besides: Option<i64>,
    ) -> Result<Option<i64>, StoreError> {
        if kind == FileKind::Persons
            && Some(col) == id_number_col()
            && let Cell::Text(idn) = cell
            && let Some(held) = self.ahead_id_number(idn)
        {
            return Ok(held.map(|h| h.0).filter(|&r| Some(r) != besides));
        }
        let name = kind.columns()[col].name;
        let sql = format!(
            "SELECT id FROM {} WHERE {name} = $1 AND id <> $2",
            kind.table()
        );
        let st = self.cache.get(&mut self.tx, &sql)?;
        let r = self
            .tx
            .query_opt(&st, &[&PgCell(cell), &besides.unwrap_or(0)])
            .map_err(pe)?;
        r.map(|r| r.try_get(0).map_err(pe)).transpose()
    }

    /// The row a failed insert collided with: the other unique columns
    /// first, then the key (the order SQLite checks its indexes in).
    fn holder(&mut self, kind: FileKind, cells: &[Cell]) -> Result<Upsert, StoreError> {
        for col in unique_columns(kind) {
            if let Some(rowid) = self.holder_of(kind, col, &cells[col], None)? {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid,
                });
            }
        }
        let key = xiezuo_store::key_cells(kind, cells);
        match get_row(&mut self.tx, self.cache, kind, &key)? {
            Some(r) => Ok(Upsert::Duplicate {
                column: None,
                rowid: r.rowid,
            }),
            None => Err(StoreError::Backend(format!(
                "unique violation in {} without a holder",
                kind.table()
            ))),
        }
    }

    /// Inserts a row of a kind that was empty at the start: buffered.
    fn insert_buffered(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
    ) -> Result<Upsert, StoreError> {
        let k = kind as usize;
        let p = self.pending[k].get_or_insert_with(|| Pending::new(kind));
        let mut hits = Vec::new();
        let mut unique_hashes = Vec::with_capacity(p.uniques.len());
        for (col, seen) in &p.uniques {
            if cells[*col].is_null() {
                continue;
            }
            let h = hash_cells(std::iter::once(&cells[*col]));
            if seen.contains_key(&h) {
                hits.push(*col);
            }
            unique_hashes.push((*col, h));
        }
        let key_idx = kind.key();
        let key_hash = (!key_idx.iter().any(|&i| cells[i].is_null()))
            .then(|| hash_cells(key_idx.iter().map(|&i| &cells[i])));
        let key_hit = key_hash.is_some_and(|h| p.keys.contains_key(&h));
        if !hits.is_empty() || key_hit {
            // Possibly a duplicate: ask the database, which then holds
            // every row of this import.
            self.flush(kind)?;
            for col in hits {
                if let Some(rowid) = self.holder_of(kind, col, &cells[col], None)? {
                    return Ok(Upsert::Duplicate {
                        column: Some(col),
                        rowid,
                    });
                }
            }
            if key_hit {
                let key = xiezuo_store::key_cells(kind, cells);
                if let Some(r) = get_row(&mut self.tx, self.cache, kind, &key)? {
                    return Ok(Upsert::Duplicate {
                        column: None,
                        rowid: r.rowid,
                    });
                }
            }
        }
        let id = self.next_id[k];
        self.next_id[k] += 1;
        let p = self.pending[k].get_or_insert_with(|| Pending::new(kind));
        p.rows.push(Cell::Int(id));
        p.rows.push(Cell::Int(self.batch_id));
        for c in cells {
            p.rows.push(c.clone());
        }
        for r in refs {
            p.rows.push(Cell::Int(*r));
        }
        if let Some(h) = key_hash {
            p.keys.entry(h).or_insert(id);
        }
        for (col, h) in unique_hashes {
            if let Some((_, seen)) = p.uniques.iter_mut().find(|(c, _)| *c == col) {
                seen.entry(h).or_insert(id);
            }
        }
        if p.rows.rows() >= FLUSH_ROWS {
            self.flush(kind)?;
        }
        Ok(Upsert::Inserted(id))
    }

    /// Inserts one row at once; a unique violation becomes `Duplicate`.
    fn insert_now(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
    ) -> Result<Upsert, StoreError> {
        let k = kind as usize;
        let id = self.next_id[k];
        let st = self.cache.get(&mut self.tx, &insert_sql(kind))?;
        let bound: Vec<PgCell<'_>> = cells.iter().map(PgCell).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(2 + cells.len() + refs.len());
        params.push(&id);
        params.push(&self.batch_id);
        params.extend(bound.iter().map(|b| b as &(dyn ToSql + Sync)));
        params.extend(refs.iter().map(|r| r as &(dyn ToSql + Sync)));
        let n = self.tx.execute(&st, &params).map_err(pe)?;
        if n == 0 {
            return self.holder(kind, cells);
        }
        self.next_id[k] += 1;
        self.wrote(kind, id, cells, None);
        Ok(Upsert::Inserted(id))
    }
}

impl ImportTx for PgImport<'_> {
    fn get(&mut self, kind: FileKind, key: &[Cell]) -> Result<Option<StoredRow>, StoreError> {
        if let Some(row) = self.ahead_row(kind, key) {
            return Ok(row);
        }
        self.flush(kind)?;
        get_row(&mut self.tx, self.cache, kind, key)
    }

    fn was_empty(&self, kind: FileKind) -> bool {
        self.empty[kind as usize]
    }

    fn person_by_id_number(
        &mut self,
        id_number: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        if let Some(held) = self.ahead_id_number(id_number) {
            return Ok(held);
        }
        self.flush(FileKind::Persons)?;
        let st = self.cache.get(
            &mut self.tx,
            "SELECT id, person_id FROM persons WHERE id_number = $1",
        )?;
        let r = self.tx.query_opt(&st, &[&id_number]).map_err(pe)?;
        r.map(|r| Ok((r.try_get(0).map_err(pe)?, r.try_get(1).map_err(pe)?)))
            .transpose()
    }

    fn reversed_total(&mut self, txn_id: &str) -> Result<i64, StoreError> {
        self.flush(FileKind::Funds)?;
        let st = self.cache.get(
            &mut self.tx,
            "SELECT COALESCE(SUM(amount), 0)::BIGINT FROM funds WHERE reverses = $1",
        )?;
        self.tx
            .query_one(&st, &[&txn_id])
            .map_err(pe)?
            .try_get(0)
            .map_err(pe)
    }

    fn upsert(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
        written: &dyn Fn(i64) -> bool,
    ) -> Result<Upsert, StoreError> {
        if self.empty[kind as usize] {
            return self.insert_buffered(kind, cells, refs);
        }
        let key = xiezuo_store::key_cells(kind, cells);
        let old = match self.ahead_row(kind, &key) {
            Some(row) => row,
            None => get_row(&mut self.tx, self.cache, kind, &key)?,
        };
        let Some(old) = old else {
            return self.insert_now(kind, cells, refs);
        };
        if written(old.rowid) {
            return Ok(Upsert::Duplicate {
                column: None,
                rowid: old.rowid,
            });
        }
        let cols = kind.columns();
        let changed: Vec<usize> = (0..cols.len())
            .filter(|&i| old.cells[i] != cells[i])
            .collect();
        if changed.is_empty() {
            return Ok(Upsert::Unchanged(old.rowid));
        }
        if kind == FileKind::Funds {
            return Err(StoreError::Conflict(format!(
                "funds ledger row {} exists with other content; corrections are reversal rows",
                key_text(kind, cells)
            )));
        }
        for col in unique_columns(kind) {
            if changed.contains(&col)
                && !cells[col].is_null()
                && let Some(rowid) = self.holder_of(kind, col, &cells[col], Some(old.rowid))?
            {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid,
                });
            }
        }
        let st = self.cache.get(&mut self.tx, &update_sql(kind))?;
        let bound: Vec<PgCell<'_>> = cells.iter().map(PgCell).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(2 + cells.len() + refs.len());
        params.push(&self.batch_id);
        params.extend(bound.iter().map(|b| b as &(dyn ToSql + Sync)));
        params.extend(refs.iter().map(|r| r as &(dyn ToSql + Sync)));
        params.push(&old.rowid);
        self.tx.execute(&st, &params).map_err(pe)?;
        drop(params);
        self.wrote(kind, old.rowid, cells, Some(&old.cells));
        let key = key_text(kind, cells);
        for &i in &changed {
            let text = |c: &Cell| {
                if c.is_null() {
                    Cell::Null
                } else {
                    Cell::Text(format_cell(&cols[i], c).into())
                }
            };
            self.audit.push(Cell::Int(self.next_audit));
            self.audit.push(Cell::Int(self.batch_id));
            self.audit.push(Cell::Text(kind.stem().into()));
            self.audit.push(Cell::Text(key.as_str().into()));
            self.audit.push(Cell::Text(cols[i].name.into()));
            self.audit.push(text(&old.cells[i]));
            self.audit.push(text(&cells[i]));
            self.next_audit += 1;
        }
        if self.audit.rows() >= FLUSH_ROWS {
            self.audit.flush(&mut self.tx)?;
        }
        Ok(Upsert::Updated {
            rowid: old.rowid,
            changed: changed.len(),
        })
    }

    fn prefetch(&mut self, kind: FileKind, rows: &[&[Cell]]) -> Result<(), StoreError> {
        self.ahead = None;
        if self.empty[kind as usize] || rows.is_empty() {
            return Ok(());
        }
        let key = kind.key();
        let width = kind.columns().len();
        let rows: Vec<&[Cell]> = rows.iter().copied().filter(|r| r.len() == width).collect();
        let arrays: Vec<Vec<PgCell<'_>>> = key
            .iter()
            .map(|&i| rows.iter().map(|r| PgCell(&r[i])).collect())
            .collect();
        let params: Vec<&(dyn ToSql + Sync)> = arrays.iter().map(|a| a as _).collect();
        let st = self.cache.get(&mut self.tx, &prefetch_sql(kind))?;
        let found = self.tx.query(&st, &params).map_err(pe)?;
        let mut ahead = Ahead {
            kind,
            rows: HashMap::with_capacity(rows.len()),
            id_numbers: HashMap::new(),
        };
        for r in &found {
            let row = crate::read_row(kind, r)?;
            ahead
                .rows
                .insert(parts(key.iter().map(|&i| &row.cells[i])), Some(row));
        }
        for r in &rows {
            if key.iter().all(|&i| !r[i].is_null()) {
                ahead
                    .rows
                    .entry(parts(key.iter().map(|&i| &r[i])))
                    .or_insert(None);
            }
        }
        if kind == FileKind::Persons
            && let Some(i) = id_number_col()
        {
            let idns: Vec<PgCell<'_>> = rows
                .iter()
                .filter(|r| !r[i].is_null())
                .map(|r| PgCell(&r[i]))
                .collect();
            let st = self.cache.get(
                &mut self.tx,
                "SELECT id, person_id, id_number FROM persons WHERE id_number = ANY($1::TEXT[])",
            )?;
            for r in self.tx.query(&st, &[&idns]).map_err(pe)? {
                let idn: String = r.try_get(2).map_err(pe)?;
                ahead.id_numbers.insert(
                    idn,
                    Some((r.try_get(0).map_err(pe)?, r.try_get(1).map_err(pe)?)),
                );
            }
            for r in &rows {
                if let Cell::Text(idn) = &r[i] {
                    ahead.id_numbers.entry(idn.to_string()).or_insert(None);
                }
            }
        }
        self.ahead = Some(ahead);
        Ok(())
    }

    fn commit(self: Box<Self>, counts: &str) -> Result<i64, StoreError> {
        let mut this = *self;
        for k in FileKind::ALL {
            this.flush(*k)?;
        }
        this.audit.flush(&mut this.tx)?;
        this.tx
            .execute(
                "INSERT INTO batches (id, actor, at, source, counts) VALUES ($1, $2, $3, $4, $5)",
                &[
                    &this.batch_id,
                    &this.batch.actor,
                    &this.batch.at,
                    &this.batch.source,
                    &counts,
                ],
            )
            .map_err(pe)?;
        this.tx.commit().map_err(pe)?;
        Ok(this.batch_id)
    }
}
