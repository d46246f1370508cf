//! Rows written one at a time, into a kind that held rows when the import
//! began: the upsert as `xiezuo_store::upsert` decides it, an insert that
//! does nothing on a unique clash (`ON CONFLICT DO NOTHING`) and then finds
//! the holder of the value, in SQLite's order (identity number, then key),
//! and an update that checks its changed unique values first, so the
//! transaction is never aborted by a violation.

use super::ahead::id_number_col;
use super::{FLUSH_ROWS, PgImport};
use crate::{PgCell, get_row, pe};
use postgres::types::ToSql;
use xiezuo_exchange::{Cell, FileKind};
use xiezuo_store::ddl::{Dialect, RowId, insert_sql, unique_columns, update_sql};
use xiezuo_store::upsert::{
    UpsertPlan, audit_changes, changed_unique_columns, no_holder, plan_upsert,
};
use xiezuo_store::{StoreError, StoredRow, Upsert, key_cells, key_text};

impl PgImport<'_> {
    /// Upserts a row of a kind that held rows at the start (see
    /// `ImportTx::upsert`).
    pub(super) fn upsert_now(
        &mut self,
        kind: FileKind,
        cells: &[Cell],
        refs: &[i64],
        written: &dyn Fn(i64) -> bool,
    ) -> Result<Upsert, StoreError> {
        let key = key_cells(kind, cells);
        let old = match self.ahead_row(kind, &key) {
            Some(row) => row,
            None => self.stored(kind, &key)?,
        };
        match plan_upsert(kind, old.as_ref(), cells, written)? {
            UpsertPlan::Insert => self.insert_now(kind, cells, refs),
            UpsertPlan::Done(outcome) => Ok(outcome),
            UpsertPlan::Update { rowid, changed } => {
                let old_cells = old.map(|o| o.cells).unwrap_or_default();
                self.update(kind, rowid, &old_cells, cells, refs, &changed)
            }
        }
    }

    /// The row of `kind` with these key cells, in the database.
    pub(super) fn stored(
        &self,
        kind: FileKind,
        key: &[Cell],
    ) -> Result<Option<StoredRow>, StoreError> {
        let key = key.to_vec();
        self.worker
            .run(move |tx, cache| get_row(tx, cache, kind, &key))
    }

    /// The row other than `besides` holding value `cell` of the unique
    /// column `col`.
    pub(super) fn holder_of(
        &self,
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
        let sql = format!(
            "SELECT id FROM {} WHERE {} = $1 AND id <> $2",
            kind.table(),
            kind.columns()[col].name
        );
        let cell = cell.clone();
        self.worker.run(move |tx, cache| {
            let st = cache.get(tx, &sql)?;
            let r = tx
                .query_opt(&st, &[&PgCell(&cell), &besides.unwrap_or(0)])
                .map_err(pe)?;
            r.map(|r| r.try_get(0).map_err(pe)).transpose()
        })
    }

    /// The row a failed insert collided with: the other unique columns
    /// first, then the key (the order SQLite checks its indexes in).
    fn holder(&self, kind: FileKind, cells: &[Cell]) -> Result<Upsert, StoreError> {
        for col in unique_columns(kind) {
            if let Some(rowid) = self.holder_of(kind, col, &cells[col], None)? {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid,
                });
            }
        }
        match self.stored(kind, &key_cells(kind, cells))? {
            Some(r) => Ok(Upsert::Duplicate {
                column: None,
                rowid: r.rowid,
            }),
            None => Err(no_holder(kind)),
        }
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
        let batch_id = self.batch_id;
        let (owned, owned_refs) = (cells.to_vec(), refs.to_vec());
        let n = self.worker.run(move |tx, cache| {
            let st = cache.get(tx, &insert_or_nothing_sql(kind))?;
            let bound: Vec<PgCell<'_>> = owned.iter().map(PgCell).collect();
            let mut params: Vec<&(dyn ToSql + Sync)> =
                Vec::with_capacity(2 + owned.len() + owned_refs.len());
            params.push(&id);
            params.push(&batch_id);
            params.extend(bound.iter().map(|b| b as &(dyn ToSql + Sync)));
            params.extend(owned_refs.iter().map(|r| r as &(dyn ToSql + Sync)));
            tx.execute(&st, &params).map_err(pe)
        })?;
        if n == 0 {
            return self.holder(kind, cells);
        }
        self.next_id[k] += 1;
        self.wrote(kind, id, cells, None);
        Ok(Upsert::Inserted(id))
    }

    /// Updates row `rowid` from `old` to `cells` and audits the `changed`
    /// cells, unless a changed unique value is held by another row
    /// (`Duplicate`).
    fn update(
        &mut self,
        kind: FileKind,
        rowid: i64,
        old: &[Cell],
        cells: &[Cell],
        refs: &[i64],
        changed: &[usize],
    ) -> Result<Upsert, StoreError> {
        for col in changed_unique_columns(kind, changed, cells) {
            if let Some(holder) = self.holder_of(kind, col, &cells[col], Some(rowid))? {
                return Ok(Upsert::Duplicate {
                    column: Some(col),
                    rowid: holder,
                });
            }
        }
        let batch_id = self.batch_id;
        let (owned, owned_refs) = (cells.to_vec(), refs.to_vec());
        self.worker.run(move |tx, cache| {
            let st = cache.get(tx, &update_sql(kind, Dialect::Postgres))?;
            let bound: Vec<PgCell<'_>> = owned.iter().map(PgCell).collect();
            let mut params: Vec<&(dyn ToSql + Sync)> =
                Vec::with_capacity(3 + owned.len() + owned_refs.len());
            params.push(&batch_id);
            params.extend(bound.iter().map(|b| b as &(dyn ToSql + Sync)));
            params.extend(owned_refs.iter().map(|r| r as &(dyn ToSql + Sync)));
            params.push(&rowid);
            tx.execute(&st, &params).map_err(pe)
        })?;
        self.wrote(kind, rowid, cells, Some(old));
        let key = key_text(kind, cells);
        let text = |v: Option<String>| v.map_or(Cell::Null, |t| Cell::Text(t.into()));
        for change in audit_changes(kind, old, cells, changed) {
            self.audit.push(Cell::Int(self.next_audit));
            self.audit.push(Cell::Int(self.batch_id));
            self.audit.push(Cell::Text(kind.stem().into()));
            self.audit.push(Cell::Text(key.as_str().into()));
            self.audit.push(Cell::Text(change.field.into()));
            self.audit.push(text(change.old));
            self.audit.push(text(change.new));
            self.next_audit += 1;
        }
        if self.audit.rows() >= FLUSH_ROWS {
            self.flush_audit()?;
        }
        Ok(Upsert::Updated {
            rowid,
            changed: changed.len(),
        })
    }
}

/// The INSERT of one row with its id, doing nothing on a unique clash.
fn insert_or_nothing_sql(kind: FileKind) -> String {
    format!(
        "{} ON CONFLICT DO NOTHING",
        insert_sql(kind, Dialect::Postgres, RowId::Bound)
    )
}
