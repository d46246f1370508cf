//! The rest of a row with a bad cell (部分校验): its references are checked
//! as far as its good cells allow, so that one report names every error of
//! the row (a bad date and an unknown pairing together), not only the first
//! kind of error.
//!
//! The bad cells are filled with a placeholder of their type only to build
//! the record the reference checks read; every problem the placeholders
//! could cause (on a bad column) is dropped. Checks that combine cells of a
//! row (intervals, an identity number against the birth date) are not run
//! on such a row: a placeholder would make them say something false.
//!
//! Safety: for a writer whose scope is not everywhere, the rest of the row
//! is checked only when every cell that decides the row's scope parsed and
//! the row is within the scope, exactly as for a good row; otherwise the
//! answer could tell which references exist outside the scope. An
//! out-of-scope row gets the scope refusal beside its cell errors.

use super::pipeline::{FileRun, Row};
use super::resolve::*;
use super::*;
use xiezuo_exchange::cell::parse_cell;
use xiezuo_exchange::{ColType, Column};

impl FileRun<'_> {
    /// Rejects a row with bad cells, with every error of the row at once:
    /// its cell errors, and its references as far as its good cells allow.
    pub(super) fn reject_bad(
        &mut self,
        ctx: &mut Ctx<'_>,
        line: u64,
        raw: &RawFields,
        key: Option<String>,
        mut problems: Problems,
        partial: &[Cell],
    ) -> Result<(), StoreError> {
        let (more, outside) = reference_problems(ctx, self.kind, partial, &problems)?;
        if outside {
            self.report.out_of_scope += 1;
        }
        problems.extend(more);
        self.reject(ctx, line, raw, key, problems);
        Ok(())
    }
}

/// The problems of a row's references beyond `problems` (its cell errors),
/// for the row's cells as far as they parsed (`cells`, a bad one `Null`;
/// empty: the row cannot be checked further); `true` beside them when the
/// row is outside the writer's scope (they are then its refusal).
pub(super) fn reference_problems(
    ctx: &mut Ctx<'_>,
    kind: FileKind,
    cells: &[Cell],
    problems: &Problems,
) -> Result<(Problems, bool), StoreError> {
    let cols = kind.columns();
    // Regions are checked against their whole file; a row error without a
    // column (a wrong number of fields) leaves nothing to check.
    if cells.len() != cols.len()
        || kind == FileKind::Regions
        || problems.iter().any(|(c, _)| c.is_empty())
    {
        return Ok((Vec::new(), false));
    }
    let bad: Vec<&str> = problems.iter().map(|(c, _)| *c).collect();
    let mut filled = Vec::with_capacity(cells.len());
    for (col, cell) in cols.iter().zip(cells) {
        if bad.contains(&col.name) {
            match placeholder(col) {
                Some(p) => filled.push(p),
                None => return Ok((Vec::new(), false)),
            }
        } else {
            filled.push(cell.clone());
        }
    }
    let Ok(rec) = Record::from_cells(kind, &filled) else {
        return Ok((Vec::new(), false));
    };
    if ctx.scope != WriteScope::Everywhere {
        let decisive = super::scope::scope_columns(kind);
        let key_bad = kind.key().iter().any(|&i| bad.contains(&cols[i].name));
        if key_bad || decisive.iter().any(|c| bad.contains(c)) {
            return Ok((Vec::new(), false));
        }
        let row = Row {
            line: 0,
            raw: RawFields::new(),
            cells: filled,
            rec,
        };
        if !ctx.in_scope(kind, &row)? {
            return Ok((vec![("", ctx.scope.refusal(kind))], true));
        }
        return Ok((checked(ctx, kind, &row.rec, &bad)?, false));
    }
    Ok((checked(ctx, kind, &rec, &bad)?, false))
}

/// The reference problems of a record, without those on a bad column (and,
/// in the ledger, without the reversal checks, which need the whole file).
fn checked(
    ctx: &mut Ctx<'_>,
    kind: FileKind,
    rec: &Record,
    bad: &[&str],
) -> Result<Problems, StoreError> {
    let mut out = Vec::new();
    ctx.check(rec, &mut out)?;
    let reversal =
        |col: &str| kind == FileKind::Funds && matches!(col, "reverses" | "amount" | "date");
    out.retain(|(col, _)| !(bad.contains(col) || reversal(col)));
    Ok(out)
}

/// A value of a column's type, parsed as a file's cell would be.
fn placeholder(col: &Column) -> Option<Cell> {
    let sample = match col.ty {
        ColType::Id | ColType::Text | ColType::NameOrParty => "x".to_string(),
        ColType::Code | ColType::Party => "110000000000".to_string(),
        ColType::CodeList => "110000000000".to_string(),
        ColType::Date => "2000-01-01".to_string(),
        ColType::Int | ColType::Decimal | ColType::Money => "0".to_string(),
        ColType::Bool => "0".to_string(),
        ColType::Enum(spec) => (spec.values)().first()?.0.to_string(),
        ColType::Indicator => xiezuo_domain::Indicator::ALL.first()?.as_str().to_string(),
        // The GB 11643 standard's own example number.
        ColType::IdNumber => "11010519491231002X".to_string(),
    };
    parse_cell(col, &sample).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_type_has_a_placeholder() {
        for kind in FileKind::ALL {
            for col in kind.columns() {
                assert!(
                    placeholder(col).is_some(),
                    "{}.{} has no placeholder",
                    kind.stem(),
                    col.name
                );
            }
        }
    }
}
