//! Conversions of engine values into the wire types of `xiezuo_api`, by
//! hand, where more than one handler sends them.

use xiezuo_api as wire;
use xiezuo_engine::import::{ImportReport, Rejected};
use xiezuo_exchange::{FileKind, ImportError};

/// A rejected row as a row error.
pub fn row_error(r: &Rejected) -> wire::RowError {
    import_error(&r.error)
}

/// A problem of one row (an error or a warning) on the wire.
pub fn import_error(e: &ImportError) -> wire::RowError {
    wire::RowError {
        file: e.file.clone(),
        line: e.line,
        column: e.column.clone(),
        column_zh: column_zh(&e.file, &e.column),
        code: e.code.to_string(),
        params: params(e),
        reason: e.reason.clone(),
        reason_zh: e.reason_zh(),
    }
}

/// A form's field error on the wire.
pub fn field_error(kind: FileKind, e: &ImportError) -> wire::FieldError {
    wire::FieldError {
        column: e.column.clone(),
        column_zh: kind
            .columns()
            .iter()
            .find(|c| c.name == e.column)
            .map_or_else(|| e.column.clone(), |c| c.zh.to_string()),
        code: e.code.to_string(),
        params: params(e),
        reason: e.reason.clone(),
        reason_zh: e.reason_zh(),
    }
}

fn params(e: &ImportError) -> std::collections::BTreeMap<String, String> {
    e.params
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

/// The Chinese label of a column of a dataset file (by its stem), or the
/// column as given when it is none of that kind's columns.
fn column_zh(file: &str, column: &str) -> String {
    let stem = xiezuo_exchange::reader::Format::of_dataset_name(file).map(|(s, _)| s);
    let kinds: Vec<FileKind> = match stem.and_then(FileKind::from_stem) {
        Some(k) => vec![k],
        None => FileKind::ALL.to_vec(),
    };
    kinds
        .iter()
        .flat_map(|k| k.columns())
        .find(|c| c.name == column)
        .map_or_else(|| column.to_string(), |c| c.zh.to_string())
}

/// An import's report: its row errors and warnings, its counts per file and its batch.
pub fn report_body(r: &ImportReport) -> wire::ImportReportBody {
    wire::ImportReportBody {
        errors: r.errors.iter().map(row_error).collect(),
        warnings: r.warnings.iter().map(import_error).collect(),
        counts: r
            .counts
            .iter()
            .map(|(k, c)| wire::FileCounts {
                file: k.stem().into(),
                read: c.read,
                new: c.inserted,
                changed: c.updated,
                unchanged: c.unchanged,
                rejected: c.rejected,
            })
            .collect(),
        batch_id: r.batch_id,
    }
}
