//! Exchange format v1: the dataset files through which data enters and
//! leaves (CSV or XLSX, English or Chinese headers).
//!
//! This crate knows files and cells, not the store: `schema` is the one
//! table of kinds and columns, `cell` parses and formats canonical cells,
//! `record` turns cells into domain records and checks single rows,
//! `reader`/`xlsx`/`writer` move rows in and out of files.

pub mod cell;
pub mod reader;
pub mod record;
pub mod schema;
pub mod text;
pub mod writer;
pub mod xlsx;

pub use cell::Cell;
pub use reader::{HeaderMap, RawFields, TableReader};
pub use record::{DecodeError, Record};
pub use schema::{ColType, Column, FileKind};
pub use writer::{CsvTableWriter, Headers, WriteError};

use std::fmt;

/// One problem with one input row: file, line (header is line 1), column
/// and reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportError {
    pub file: String,
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl ImportError {
    pub fn new(file: &str, line: u64, column: &str, reason: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            line,
            column: column.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if !self.column.is_empty() {
            write!(f, " [{}]", self.column)?;
        }
        write!(f, ": {}", self.reason)
    }
}
