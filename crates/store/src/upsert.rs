//! The decision of an upsert, the same on every backend: given the row
//! stored under the key (if any) and the new cells, what to write. A
//! backend only reads the old row and carries the decision out in its own
//! SQL.
//!
//! The funds ledger (资金台账) is the one kind whose rows are never edited:
//! a correction is a reversal row, so a changed ledger row is a `Conflict`.

use crate::ddl::unique_columns;
use crate::{StoreError, StoredRow, Upsert, key_text};
use xiezuo_domain::Message;
use xiezuo_exchange::cell::format_cell;
use xiezuo_exchange::{Cell, FileKind};

/// What an upsert writes, decided from the stored row with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpsertPlan {
    /// No row has the key: insert the row (a unique value of another
    /// column may still be held by another row; the backend finds out).
    Insert,
    /// Nothing to write: the outcome is final (a duplicate of a row this
    /// import already wrote, or an unchanged row).
    Done(Upsert),
    /// Update the stored row `rowid`: the cells at `changed` differ.
    Update { rowid: i64, changed: Vec<usize> },
}

/// True for the kind whose rows are never edited once stored: the funds
/// ledger (资金台账), corrected by reversal rows.
pub fn is_append_only(kind: FileKind) -> bool {
    kind == FileKind::Funds
}

/// Decides an upsert of `cells` into `kind`: `old` is the stored row with
/// the same key (this import's own writes included), `written` tells
/// whether this import already wrote a row id. A changed ledger row is
/// `StoreError::Conflict`.
pub fn plan_upsert(
    kind: FileKind,
    old: Option<&StoredRow>,
    cells: &[Cell],
    written: &dyn Fn(i64) -> bool,
) -> Result<UpsertPlan, StoreError> {
    let Some(old) = old else {
        return Ok(UpsertPlan::Insert);
    };
    if written(old.rowid) {
        return Ok(UpsertPlan::Done(Upsert::Duplicate {
            column: None,
            rowid: old.rowid,
        }));
    }
    let changed: Vec<usize> = (0..kind.columns().len())
        .filter(|&i| old.cells.get(i) != cells.get(i))
        .collect();
    if changed.is_empty() {
        return Ok(UpsertPlan::Done(Upsert::Unchanged(old.rowid)));
    }
    if is_append_only(kind) {
        return Err(StoreError::Conflict(
            Message::new("funds.ledger_changed").with("key", key_text(kind, cells)),
        ));
    }
    Ok(UpsertPlan::Update {
        rowid: old.rowid,
        changed,
    })
}

/// The unique columns besides the key (`ddl::unique_columns`) among
/// `changed` whose new value is not empty: the values an update must find
/// free before it writes.
pub fn changed_unique_columns(kind: FileKind, changed: &[usize], cells: &[Cell]) -> Vec<usize> {
    unique_columns(kind)
        .into_iter()
        .filter(|c| changed.contains(c) && cells.get(*c).is_some_and(|v| !v.is_null()))
        .collect()
}

/// One audited change of an updated row: the field and its old and new
/// values as exchange-format text (None for an empty cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The audit entries of an update of `old` to `cells` at the columns
/// `changed`, in column order.
pub fn audit_changes(
    kind: FileKind,
    old: &[Cell],
    cells: &[Cell],
    changed: &[usize],
) -> Vec<AuditChange> {
    let cols = kind.columns();
    let text =
        |i: usize, c: Option<&Cell>| c.filter(|c| !c.is_null()).map(|c| format_cell(&cols[i], c));
    changed
        .iter()
        .filter(|&&i| i < cols.len())
        .map(|&i| AuditChange {
            field: cols[i].name,
            old: text(i, old.get(i)),
            new: text(i, cells.get(i)),
        })
        .collect()
}

/// The error of a write refused by a unique index whose holder cannot be
/// found (the database and its indexes disagree).
pub fn no_holder(kind: FileKind) -> StoreError {
    StoreError::Backend(format!(
        "unique violation in {} without a holder",
        kind.table()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(rowid: i64, cells: &[Cell]) -> StoredRow {
        StoredRow {
            rowid,
            batch_id: 1,
            cells: cells.to_vec(),
        }
    }

    fn cells_of(kind: FileKind, fill: &str) -> Vec<Cell> {
        (0..kind.columns().len())
            .map(|i| Cell::Text(format!("{fill}{i}").into()))
            .collect()
    }

    #[test]
    fn no_stored_row_is_an_insert() {
        let cells = cells_of(FileKind::Pairings, "a");
        let plan = plan_upsert(FileKind::Pairings, None, &cells, &|_| false);
        assert_eq!(plan.ok(), Some(UpsertPlan::Insert));
    }

    #[test]
    fn a_row_this_import_wrote_is_a_duplicate_of_the_key() {
        let kind = FileKind::Pairings;
        let cells = cells_of(kind, "a");
        let old = row(7, &cells);
        let plan = plan_upsert(kind, Some(&old), &cells, &|r| r == 7);
        assert_eq!(
            plan.ok(),
            Some(UpsertPlan::Done(Upsert::Duplicate {
                column: None,
                rowid: 7
            }))
        );
    }

    #[test]
    fn equal_cells_are_unchanged_and_changed_ones_are_listed() {
        let kind = FileKind::Pairings;
        let cells = cells_of(kind, "a");
        let old = row(3, &cells);
        let plan = plan_upsert(kind, Some(&old), &cells, &|_| false);
        assert_eq!(plan.ok(), Some(UpsertPlan::Done(Upsert::Unchanged(3))));
        let mut new = cells.clone();
        let last = new.len() - 1;
        new[last] = Cell::Null;
        let plan = plan_upsert(kind, Some(&old), &new, &|_| false);
        assert_eq!(
            plan.ok(),
            Some(UpsertPlan::Update {
                rowid: 3,
                changed: vec![last]
            })
        );
        let audit = audit_changes(kind, &old.cells, &new, &[last]);
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].field, kind.columns()[last].name);
        assert_eq!(audit[0].new, None);
    }

    #[test]
    fn a_changed_ledger_row_is_a_conflict() {
        let kind = FileKind::Funds;
        let cells = cells_of(kind, "a");
        let old = row(1, &cells);
        let new = cells_of(kind, "b");
        match plan_upsert(kind, Some(&old), &new, &|_| false) {
            Err(StoreError::Conflict(m)) => {
                assert_eq!(m.code, "funds.ledger_changed");
                assert!(m.en().contains("reverses"), "{m}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_changed_non_empty_unique_columns_are_checked() {
        let kind = FileKind::Persons;
        let Some(idn) = kind.col("id_number") else {
            panic!("persons have an identity number column");
        };
        let mut cells = cells_of(kind, "a");
        assert_eq!(changed_unique_columns(kind, &[idn], &cells), vec![idn]);
        assert!(changed_unique_columns(kind, &[0], &cells).is_empty());
        cells[idn] = Cell::Null;
        assert!(changed_unique_columns(kind, &[idn], &cells).is_empty());
    }
}
