//! Conversions of engine values into the wire types of `xiezuo_api`, by
//! hand, where more than one handler sends them.

use xiezuo_api as wire;
use xiezuo_engine::import::{ImportReport, Rejected};

/// A rejected row as a row error.
pub fn row_error(r: &Rejected) -> wire::RowError {
    wire::RowError {
        file: r.error.file.clone(),
        line: r.error.line,
        column: r.error.column.clone(),
        reason: r.error.reason.clone(),
    }
}

/// An import's report: its row errors, its counts per file and its batch.
pub fn report_body(r: &ImportReport) -> wire::ImportReportBody {
    wire::ImportReportBody {
        errors: r.errors.iter().map(row_error).collect(),
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
