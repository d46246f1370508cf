//! Writing tables of canonical cells as CSV or XLSX, with English or
//! Chinese headers.

use crate::cell::{Cell, escape_text, format_cell};
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
            let text = format_cell(col, cell);
            // Free text is written safe for spreadsheets (and read back exactly).
            self.buf.push(match col.ty {
                ColType::Text | ColType::NameOrParty => escape_text(&text).into_owned(),
                _ => text,
            });
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

/// A blank template of a kind for offices to fill in: Chinese headers (the
/// English name as a note), drop-down lists of the Chinese labels for enum
/// and boolean columns, frozen header row.
pub fn write_template(kind: FileKind, path: &Path) -> Result<(), WriteError> {
    let file = path.display().to_string();
    let mut wb = template_workbook(kind, &file)?;
    wb.save(path)
        .map_err(|source| WriteError::Xlsx { file, source })
}

/// [`write_template`] into memory: the bytes of the XLSX file.
pub fn template_bytes(kind: FileKind) -> Result<Vec<u8>, WriteError> {
    let file = kind.file_name("xlsx");
    let mut wb = template_workbook(kind, &file)?;
    wb.save_to_buffer()
        .map_err(|source| WriteError::Xlsx { file, source })
}

fn template_workbook(kind: FileKind, file: &str) -> Result<rust_xlsxwriter::Workbook, WriteError> {
    use rust_xlsxwriter::{DataValidation, Format, Note, Workbook};
    let file = file.to_string();
    let xerr = |source| WriteError::Xlsx {
        file: file.clone(),
        source,
    };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(kind.label_zh()).map_err(xerr)?;
    let bold = Format::new().set_bold().set_background_color("#F2F2F2");
    let rows: u32 = 10_000;
    for (c, col) in kind.columns().iter().enumerate() {
        let c = c as u16;
        let header = if col.required {
            format!("{}*", col.zh)
        } else {
            col.zh.to_string()
        };
        ws.write_string_with_format(0, c, header, &bold)
            .map_err(xerr)?;
        ws.set_column_width(c, 16).map_err(xerr)?;
        let note = Note::new(format!(
            "{}{}",
            col.name,
            if col.required {
                " (必填 required)"
            } else {
                " (可空 optional)"
            }
        ));
        ws.insert_note(0, c, &note).map_err(xerr)?;
        let list: Option<Vec<&'static str>> = match col.ty {
            ColType::Enum(spec) => Some((spec.values)().into_iter().map(|(_, zh)| zh).collect()),
            ColType::Bool => Some(vec!["是", "否"]),
            _ => None,
        };
        if let Some(list) = list {
            let dv = DataValidation::new()
                .allow_list_strings(&list)
                .map_err(xerr)?;
            ws.add_data_validation(1, c, rows, c, &dv).map_err(xerr)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(wb)
}

/// A cell of a plain report table.
#[derive(Debug, Clone)]
pub enum Plain {
    Text(String),
    Number(f64),
    Empty,
}

/// Writes a report table (e.g. an assessment ranking) as a one-sheet XLSX.
pub fn write_plain_xlsx(
    path: &Path,
    sheet: &str,
    headers: &[String],
    rows: &[Vec<Plain>],
) -> Result<(), WriteError> {
    let file = path.display().to_string();
    let mut wb = plain_workbook(&file, sheet, headers, rows)?;
    wb.save(path)
        .map_err(|source| WriteError::Xlsx { file, source })
}

/// [`write_plain_xlsx`] into memory: the bytes of the XLSX file, `name`
/// naming it in errors.
pub fn plain_xlsx_bytes(
    name: &str,
    sheet: &str,
    headers: &[String],
    rows: &[Vec<Plain>],
) -> Result<Vec<u8>, WriteError> {
    let mut wb = plain_workbook(name, sheet, headers, rows)?;
    wb.save_to_buffer().map_err(|source| WriteError::Xlsx {
        file: name.to_string(),
        source,
    })
}

fn plain_workbook(
    file: &str,
    sheet: &str,
    headers: &[String],
    rows: &[Vec<Plain>],
) -> Result<rust_xlsxwriter::Workbook, WriteError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    add_plain_sheet(
        &mut wb,
        file,
        &PlainSheet {
            name: sheet.to_string(),
            headers: headers.to_vec(),
            rows: rows.to_vec(),
        },
    )?;
    Ok(wb)
}

/// One sheet of a report workbook: its name, headers and rows.
#[derive(Debug, Clone, Default)]
pub struct PlainSheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Plain>>,
}

/// A report workbook of several sheets (e.g. the whole of an assessment
/// round) into memory, `name` naming it in errors.
pub fn plain_sheets_bytes(name: &str, sheets: &[PlainSheet]) -> Result<Vec<u8>, WriteError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for s in sheets {
        add_plain_sheet(&mut wb, name, s)?;
    }
    wb.save_to_buffer().map_err(|source| WriteError::Xlsx {
        file: name.to_string(),
        source,
    })
}

fn add_plain_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    file: &str,
    sheet: &PlainSheet,
) -> Result<(), WriteError> {
    use rust_xlsxwriter::Format;
    let file = file.to_string();
    if sheet.rows.len() as u64 + 1 > MAX_SHEET_ROWS {
        return Err(WriteError::TooManyRows {
            file,
            rows: sheet.rows.len() as u64,
            max: MAX_SHEET_ROWS,
        });
    }
    let xerr = |source| WriteError::Xlsx {
        file: file.clone(),
        source,
    };
    let ws = wb.add_worksheet();
    ws.set_name(&sheet.name).map_err(xerr)?;
    let bold = Format::new().set_bold();
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(xerr)?;
        ws.set_column_width(c as u16, 14).map_err(xerr)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v {
                Plain::Text(t) => {
                    ws.write_string(r, c, t).map_err(xerr)?;
                }
                Plain::Number(n) => {
                    ws.write_number(r, c, *n).map_err(xerr)?;
                }
                Plain::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_reads_back_with_its_headers_and_no_rows() {
        let dir = tempfile::tempdir().unwrap();
        for kind in FileKind::ALL {
            let p = dir.path().join(kind.file_name("xlsx"));
            write_template(*kind, &p).unwrap();
            let mut r =
                crate::TableReader::open(*kind, &p).unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
            assert!(
                r.header_errors.is_empty(),
                "{kind:?}: {:?}",
                r.header_errors
            );
            assert!(r.next_row().is_none(), "{kind:?} has no rows");
        }
    }
}
