//! Writing tables of canonical cells as CSV or XLSX, with English or
//! Chinese headers.

use crate::cell::{Cell, format_cell};
use crate::schema::{ColType, FileKind};
use crate::xlsx::MAX_SHEET_ROWS;
use std::io::Write;
use std::path::Path;

/// Header language of an exported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    En,
    Zh,
}

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: {source}")]
    Csv { file: String, source: csv::Error },
    #[error("{file}: {source}")]
    Xlsx {
        file: String,
        source: rust_xlsxwriter::XlsxError,
    },
    #[error(
        "{file}: {rows} rows do not fit in one sheet (at most {max} with the header); export as CSV instead (--format csv)"
    )]
    TooManyRows { file: String, rows: u64, max: u64 },
}

/// The header row of a kind.
pub fn header_row(kind: FileKind, headers: Headers) -> Vec<&'static str> {
    kind.columns()
        .iter()
        .map(|c| match headers {
            Headers::En => c.name,
            Headers::Zh => c.zh,
        })
        .collect()
}

/// Writes a CSV file of `kind` from rows of canonical cells.
pub struct CsvTableWriter<W: Write> {
    kind: FileKind,
    file: String,
    w: csv::Writer<W>,
    buf: Vec<String>,
}

impl CsvTableWriter<std::fs::File> {
    pub fn create(kind: FileKind, path: &Path, headers: Headers) -> Result<Self, WriteError> {
        let file = path.display().to_string();
        let f = std::fs::File::create(path).map_err(|source| WriteError::Io {
            file: file.clone(),
            source,
        })?;
        Self::new(kind, file, f, headers)
    }
}

impl<W: Write> CsvTableWriter<W> {
    pub fn new(kind: FileKind, file: String, out: W, headers: Headers) -> Result<Self, WriteError> {
        let mut w = csv::WriterBuilder::new()
            .buffer_capacity(1 << 20)
            .from_writer(out);
        w.write_record(header_row(kind, headers))
            .map_err(|source| WriteError::Csv {
                file: file.clone(),
                source,
            })?;
        Ok(CsvTableWriter {
            kind,
            file,
            w,
            buf: Vec::new(),
        })
    }

    pub fn write(&mut self, cells: &[Cell]) -> Result<(), WriteError> {
        self.buf.clear();
        for (col, cell) in self.kind.columns().iter().zip(cells) {
            self.buf.push(format_cell(col, cell));
        }
        self.w
            .write_record(&self.buf)
            .map_err(|source| WriteError::Csv {
                file: self.file.clone(),
                source,
            })
    }

    pub fn finish(mut self) -> Result<(), WriteError> {
        self.w.flush().map_err(|source| WriteError::Io {
            file: self.file.clone(),
            source,
        })
    }
}

/// Writes an XLSX file of `kind`: text cells as text, money and integers as
/// numbers (region codes and ids stay text).
pub fn write_xlsx(
    kind: FileKind,
    path: &Path,
    headers: Headers,
    rows: &mut dyn Iterator<Item = Vec<Cell>>,
    row_count: u64,
) -> Result<(), WriteError> {
    let file = path.display().to_string();
    if row_count + 1 > MAX_SHEET_ROWS {
        return Err(WriteError::TooManyRows {
            file,
            rows: row_count,
            max: MAX_SHEET_ROWS,
        });
    }
    let xerr = |source| WriteError::Xlsx {
        file: file.clone(),
        source,
    };
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name(kind.stem()).map_err(xerr)?;
    for (c, h) in header_row(kind, headers).iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(xerr)?;
    }
    let cols = kind.columns();
    for (r, cells) in rows.enumerate() {
        let r = r as u32 + 1;
        for (c, (col, cell)) in cols.iter().zip(&cells).enumerate() {
            let c = c as u16;
            match (cell, col.ty) {
                (Cell::Null, _) => {}
                (Cell::Int(v), ColType::Money) => {
                    // Fen to yuan is exact for any realistic amount (< 2^53 fen).
                    ws.write_number(r, c, *v as f64 / 100.0).map_err(xerr)?;
                }
                (Cell::Int(v), ColType::Int | ColType::Bool) => {
                    ws.write_number(r, c, *v as f64).map_err(xerr)?;
                }
                (Cell::Real(v), _) => {
                    ws.write_number(r, c, *v).map_err(xerr)?;
                }
                _ => {
                    ws.write_string(r, c, format_cell(col, cell))
                        .map_err(xerr)?;
                }
            }
        }
    }
    wb.save(path).map_err(xerr)?;
    Ok(())
}
