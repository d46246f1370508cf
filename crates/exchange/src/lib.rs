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
pub use xiezuo_domain::Message;

/// One problem with one input row: file, line (header is line 1), column
/// and reason. The reason is a message of `xiezuo_domain::message`: `code`
/// and `params` say it in any language, `reason` is its English text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportError {
    pub file: String,
    pub line: u64,
    pub column: String,
    pub reason: String,
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl ImportError {
    /// A problem given as English text only: its code is the generic
    /// `other` (prefer `ImportError::message`).
    pub fn new(file: &str, line: u64, column: &str, reason: impl Into<String>) -> Self {
        Self::message(file, line, column, Message::other(reason))
    }

    /// A problem with its message.
    pub fn message(file: &str, line: u64, column: &str, message: Message) -> Self {
        ImportError {
            file: file.to_string(),
            line,
            column: column.to_string(),
            reason: message.en(),
            code: message.code,
            params: message.params,
        }
    }

    /// The reason's message (code and parameters).
    pub fn to_message(&self) -> Message {
        Message {
            code: self.code,
            params: self.params.clone(),
        }
    }

    /// The reason in Chinese.
    pub fn reason_zh(&self) -> String {
        self.to_message().zh()
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
