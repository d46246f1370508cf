//! Conversions of engine values into the wire types of `xiezuo_api`, by
//! hand, where more than one handler sends them.

use xiezuo_api as wire;
use xiezuo_engine::import::{ImportReport, Rejected};
use xiezuo_exchange::ImportError;

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
        reason: e.reason.clone(),
    }
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
