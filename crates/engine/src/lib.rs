//! The engine: application services over the store. `import` validates and
//! stores datasets; `assess` computes the yearly assessment (indicators,
//! scores, findings) under a method loaded as data, and explains any number
//! by its records; `export` writes the store back out; `round` runs the
//! assessment as a procedure (states, freeze).

pub mod accounts;
pub mod appeal;
pub mod assess;
pub mod correction;
pub mod evidence;
pub mod export;
pub mod import;
pub mod labour;
pub mod publication;
pub mod reconcile;
pub mod round;
pub mod schedule;
pub mod self_evaluation;
mod setting;
#[cfg(test)]
pub(crate) mod test_support;
pub mod views;
pub mod workbench;

pub use import::{
    ImportFailure, ImportReport, KindCounts, Progress, Quiet, Source, WriteMode, WritePolicy,
    WriteScope, ingest,
};
