//! The wire types of correction requests (更正申请) of a frozen year.

use crate::RowError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One changed field of a row: the stored text (none for a new row) and
/// the corrected text, canonical as in the exchange format.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FieldChangeBody {
    pub column: String,
    /// The column's Chinese label.
    pub column_zh: String,
    pub old: Option<String>,
    pub new: String,
}

/// One row a correction changes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RowChangeBody {
    /// The file kind (`funds`, `placements`, …).
    pub kind: String,
    pub kind_zh: String,
    pub key: String,
    /// A row that is not stored yet.
    pub new_row: bool,
    pub fields: Vec<FieldChangeBody>,
}

/// An indicator value the correction changes (as the output files write
/// it; empty for null).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorChangeBody {
    pub pairing_id: String,
    pub indicator: String,
    pub indicator_zh: String,
    pub frozen: String,
    pub corrected: String,
}

/// A side's total or grade the correction changes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScoreChangeBody {
    pub pairing_id: String,
    pub side: String,
    pub frozen_total: String,
    pub corrected_total: String,
    pub frozen_grade: String,
    pub corrected_grade: String,
}

/// A finding the correction raises (`raised`) or clears.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FindingChangeBody {
    pub pairing_id: String,
    pub finding: String,
    pub finding_zh: String,
    pub record_kind: String,
    pub record_id: String,
    pub raised: bool,
}

/// What a correction changes in the frozen result.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EffectBody {
    pub indicators: Vec<IndicatorChangeBody>,
    pub scores: Vec<ScoreChangeBody>,
    pub findings: Vec<FindingChangeBody>,
}

/// The decision on a correction.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CorrectionDecisionBody {
    pub approved: bool,
    pub comment: String,
    pub by: String,
    pub at: String,
    /// The import batch and frozen version an approval made.
    pub batch: Option<i64>,
    pub version: Option<u32>,
}

/// A correction request: its rows' diff and, when asked for one
/// correction, its effect (the approved effect once approved, the effect
/// on current data while pending).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CorrectionBody {
    pub id: u32,
    pub year: i32,
    pub reason: String,
    pub by: String,
    pub at: String,
    /// The filer's region code (12 digits); none for the national level.
    pub filer_region: Option<String>,
    pub changes: Vec<RowChangeBody>,
    pub decision: Option<CorrectionDecisionBody>,
    pub effect: Option<EffectBody>,
    /// The caller may approve or reject it (pending, of the level above).
    pub may_decide: bool,
}

/// `GET /api/v1/rounds/{year}/corrections`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CorrectionsBody {
    pub year: i32,
    pub corrections: Vec<CorrectionBody>,
}

/// The answer to filing a correction: the filed correction, or the row
/// errors that kept it from being filed (nothing is filed or stored then).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CorrectionFiled {
    pub valid: bool,
    pub correction: Option<CorrectionBody>,
    pub errors: Vec<RowError>,
}

/// The body of `POST /api/v1/rounds/{year}/corrections/{id}/decision`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CorrectionDecide {
    pub approve: bool,
    pub comment: String,
}
