//! The wire types of the cross-check's verified rates (核查核实率).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One pairing's records of one kind as the teams found them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VerifiedRateBody {
    pub pairing_id: String,
    pub record_kind: String,
    pub checked: u64,
    pub confirmed: u64,
    pub not_found: u64,
    pub discrepant: u64,
    pub falsified: u64,
    /// Share confirmed, with its 95 % Wilson interval.
    pub verified_rate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// The indicator the kind counts, its frozen value (as the output
    /// files write it) and its value extrapolated by the verified rate,
    /// with the interval.
    pub indicator: Option<String>,
    pub value: Option<String>,
    pub adjusted: Option<f64>,
    pub adjusted_low: Option<f64>,
    pub adjusted_high: Option<f64>,
}

/// `GET /api/v1/rounds/{year}/verified-rates`: the caller's pairings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VerifiedRatesBody {
    pub year: i32,
    pub rows: Vec<VerifiedRateBody>,
}
