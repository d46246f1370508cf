//! Reading dataset files (CSV or XLSX) into raw rows, with header mapping
//! (English names or Chinese labels) and file/line/column error reporting.

use crate::cell::{Cell, Quoting, parse_cell_quoting, quote_value};
use crate::schema::FileKind;
use crate::xlsx::{NumericCell, SheetRows, numeric_cell_problem};
use crate::{ImportError, Message};
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

/// The bounds of what one dataset file may hold (导入限额), checked as it
/// is read so that memory stays bounded whatever the input: the CLI and
/// the web read through the same checks. The defaults are far above any
/// real data set (the national one has ~2.1 M rows, a few hundred MB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// The size of one file, in bytes (`--max-file-bytes`).
    pub file_bytes: u64,
    /// The length of one CSV record, in bytes (`--max-record-bytes`).
    pub record_bytes: u64,
    /// The length of one cell, in characters (`--max-cell-chars`).
    pub cell_chars: usize,
    /// The data rows of one file (`--max-rows`).
    pub rows: u64,
}

impl Default for ImportLimits {
    fn default() -> ImportLimits {
        ImportLimits {
            file_bytes: 4 << 30,
            record_bytes: crate::text::MAX_RECORD_BYTES,
            cell_chars: 64 << 20,
            rows: 20_000_000,
        }
    }
}

/// A size for an error message: whole MiB when it is one, else bytes.
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// The format of a dataset file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format a file name says (`.xlsx` in any case, else CSV).
    pub fn of_name(name: &str) -> Format {
        match name.rsplit_once('.') {
            Some((_, ext)) if ext.eq_ignore_ascii_case("xlsx") => Format::Xlsx,
            _ => Format::Csv,
        }
    }

    /// The format of a dataset file name (`.csv` or `.xlsx`, in any case:
    /// `meetings.CSV` is a meetings file), with its stem; `None` for any
    /// other name.
    pub fn of_dataset_name(name: &str) -> Option<(&str, Format)> {
        let (stem, ext) = name.rsplit_once('.')?;
        if ext.eq_ignore_ascii_case("csv") {
            Some((stem, Format::Csv))
        } else if ext.eq_ignore_ascii_case("xlsx") {
            Some((stem, Format::Xlsx))
        } else {
            None
        }
    }
}

/// Where each schema column sits in a file (None: absent, read as null).
#[derive(Debug, Clone)]
pub struct HeaderMap {
    pub kind: FileKind,
    pub positions: Vec<Option<usize>>,
    pub width: usize,
}

impl HeaderMap {
    /// Maps a header row; unknown, duplicate and missing required columns are
    /// errors on line 1. Unknown and duplicate columns do not stop the rows
    /// from being checked; a missing required column does (the map is `None`).
    pub fn new(
        kind: FileKind,
        file: &str,
        header: &[String],
    ) -> (Option<HeaderMap>, Vec<ImportError>) {
        let cols = kind.columns();
        let mut positions = vec![None; cols.len()];
        let mut errors = Vec::new();
        for (i, h) in header.iter().enumerate() {
            // Templates mark required columns with a trailing `*`.
            let h = h.trim().trim_end_matches(['*', '＊']).trim();
            match cols.iter().position(|c| c.name == h || c.zh == h) {
                Some(p) if positions[p].is_some() => errors.push(ImportError::message(
                    file,
                    1,
                    h,
                    Message::new("header.duplicate_column"),
                )),
                Some(p) => positions[p] = Some(i),
                None => errors.push(ImportError::message(
                    file,
                    1,
                    &if h.is_empty() {
                        "?".to_string()
                    } else {
                        quote_value(h)
                    },
                    Message::new("header.unknown_column"),
                )),
            }
        }
        let mut fatal = false;
        for (p, c) in cols.iter().enumerate() {
            if c.required && positions[p].is_none() {
                errors.push(ImportError::message(
                    file,
                    1,
                    c.name,
                    Message::new("header.missing_column"),
                ));
                fatal = true;
            }
        }
        let map = (!fatal).then_some(HeaderMap {
            kind,
            positions,
            width: header.len(),
        });
        (map, errors)
    }

    /// Parses the cells of one row into canonical cells (in schema order);
    /// every bad cell is reported.
    pub fn parse_row(
        &self,
        file: &str,
        line: u64,
        fields: &[&str],
    ) -> Result<Vec<Cell>, Vec<ImportError>> {
        self.parse_sheet_row(file, line, fields, &[])
    }

    /// Parses the cells of one row as `parse_row` does, where the fields at
    /// the positions of `numeric` were numbers in a sheet: such a cell in an
    /// identifier column is an error when the number may not be what was
    /// typed (see `xlsx`).
    pub fn parse_sheet_row(
        &self,
        file: &str,
        line: u64,
        fields: &[&str],
        numeric: &[NumericCell],
    ) -> Result<Vec<Cell>, Vec<ImportError>> {
        let (cells, errors) = self.parse_sheet_row_partial(file, line, fields, numeric);
        if errors.is_empty() {
            Ok(cells)
        } else {
            Err(errors)
        }
    }

    /// Parses a row as `parse_sheet_row` does, returning the cells that
    /// parsed (a bad cell is `Null`) beside every error, so that the rest
    /// of the row can still be checked; a row with the wrong number of
    /// fields has no cells.
    pub fn parse_sheet_row_partial(
        &self,
        file: &str,
        line: u64,
        fields: &[&str],
        numeric: &[NumericCell],
    ) -> (Vec<Cell>, Vec<ImportError>) {
        let cols = self.kind.columns();
        let quoting = Quoting::of_kind(self.kind);
        let mut cells = Vec::with_capacity(cols.len());
        let mut errors = Vec::new();
        if fields.len() != self.width {
            errors.push(ImportError::message(
                file,
                line,
                "?",
                Message::new("row.field_count")
                    .with("expected", self.width)
                    .with("found", fields.len()),
            ));
            return (Vec::new(), errors);
        }
        for (col, pos) in cols.iter().zip(&self.positions) {
            let raw = pos.and_then(|p| fields.get(p)).map_or("", |s| s.trim());
            if raw.is_empty() {
                if col.required {
                    errors.push(ImportError::message(
                        file,
                        line,
                        col.name,
                        Message::new("cell.required_empty"),
                    ));
                }
                cells.push(Cell::Null);
                continue;
            }
            let problem = pos
                .and_then(|p| numeric.iter().find(|n| n.position == p))
                .and_then(|n| numeric_cell_problem(col.ty, *n));
            if let Some(reason) = problem {
                errors.push(ImportError::message(file, line, col.name, reason));
                cells.push(Cell::Null);
                continue;
            }
            match parse_cell_quoting(col, raw, quoting) {
                Ok(c) => cells.push(c),
                Err(reason) => {
                    errors.push(ImportError::message(file, line, col.name, reason));
                    cells.push(Cell::Null);
                }
            }
        }
        (cells, errors)
    }
}

/// The raw fields of one row, kept in one buffer.
pub type RawFields = csv::StringRecord;

/// One data row of a file: its physical line and its raw fields.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: u64,
    pub fields: Vec<String>,
    /// The fields that a sheet held as numbers (empty for text sources).
    pub numeric: Vec<NumericCell>,
}

/// A source of raw rows from one dataset file.
pub enum RowSource {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        record: csv::StringRecord,
        /// The physical line where each record starts.
        lines: crate::text::Lines,
    },
    Rows(std::vec::IntoIter<RawRow>),
}

/// An opened dataset file: its kind, name, header map and rows.
pub struct TableReader {
    pub kind: FileKind,
    pub file: String,
    pub header: HeaderMap,
    pub source: RowSource,
    /// Total bytes of the file, for progress reporting.
    pub size: u64,
    /// Header problems that did not stop the rows from being read.
    pub header_errors: Vec<ImportError>,
    /// What the rows are read despite (hidden rows of a sheet): not errors.
    pub warnings: Vec<ImportError>,
    current: Vec<String>,
    current_numeric: Vec<NumericCell>,
    limits: ImportLimits,
    /// Data rows returned so far, and whether the rows limit ended the file.
    rows_read: u64,
    ended: bool,
}

impl TableReader {
    /// Opens a dataset file; header errors are returned whole.
    pub fn open(kind: FileKind, path: &Path) -> Result<TableReader, Vec<ImportError>> {
        Self::open_within(kind, path, &ImportLimits::default())
    }

    /// Opens a dataset file as `open` does, reading it within `limits`: a
    /// file larger than the file limit is refused before it is read.
    pub fn open_within(
        kind: FileKind,
        path: &Path,
        limits: &ImportLimits,
    ) -> Result<TableReader, Vec<ImportError>> {
        let file = path
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        check_file_size(&file, size, limits)?;
        if Format::of_name(&file) == Format::Xlsx
            && let Ok(f) = File::open(path)
        {
            crate::xlsx::check_unpacked_size(std::io::BufReader::new(f), limits.file_bytes)
                .map_err(|e| vec![ImportError::new(&file, 0, "", e)])?;
        }
        Ok(Self::open_unchecked(kind, path, file, size)?.within(limits))
    }

    fn open_unchecked(
        kind: FileKind,
        path: &Path,
        file: String,
        size: u64,
    ) -> Result<TableReader, Vec<ImportError>> {
        match Format::of_name(&file) {
            Format::Csv => {
                let f = File::open(path).map_err(|e| {
                    vec![ImportError::message(
                        &file,
                        0,
                        "",
                        Message::new("file.cannot_open").with("detail", e),
                    )]
                })?;
                Self::csv(kind, file, size, Box::new(f))
            }
            Format::Xlsx => {
                let rows = crate::xlsx::read_first_sheet(path)
                    .map_err(|e| vec![unreadable_sheet(&file, e)])?;
                Self::sheet(kind, file, size, rows)
            }
        }
    }

    /// Reads a dataset file held in memory (an upload, a zip entry): its
    /// name says its format, exactly as for a file on disk.
    pub fn from_bytes(
        kind: FileKind,
        name: &str,
        bytes: std::sync::Arc<[u8]>,
    ) -> Result<TableReader, Vec<ImportError>> {
        Self::from_bytes_within(kind, name, bytes, &ImportLimits::default())
    }

    /// Reads a dataset file held in memory as `from_bytes` does, within
    /// `limits`.
    pub fn from_bytes_within(
        kind: FileKind,
        name: &str,
        bytes: std::sync::Arc<[u8]>,
        limits: &ImportLimits,
    ) -> Result<TableReader, Vec<ImportError>> {
        check_file_size(name, bytes.len() as u64, limits)?;
        if Format::of_name(name) == Format::Xlsx {
            crate::xlsx::check_unpacked_size(Cursor::new(bytes.clone()), limits.file_bytes)
                .map_err(|e| vec![ImportError::new(name, 0, "", e)])?;
        }
        Ok(Self::from_bytes_unchecked(kind, name, bytes)?.within(limits))
    }

    /// Reads a dataset file from a stream of `size` bytes (an entry of a
    /// zip, unpacked as it is read), within `limits`: a CSV file is never
    /// held whole; a sheet is read whole into memory (as a file's sheets
    /// are), at most the file limit.
    pub fn from_reader_within(
        kind: FileKind,
        name: &str,
        size: u64,
        input: Box<dyn Read + Send>,
        limits: &ImportLimits,
    ) -> Result<TableReader, Vec<ImportError>> {
        check_file_size(name, size, limits)?;
        match Format::of_name(name) {
            Format::Csv => Ok(Self::csv(kind, name.to_string(), size, input)?.within(limits)),
            Format::Xlsx => {
                let mut bytes = Vec::new();
                input
                    .take(limits.file_bytes.saturating_add(1))
                    .read_to_end(&mut bytes)
                    .map_err(|e| vec![ImportError::new(name, 0, "", format!("read error: {e}"))])?;
                Self::from_bytes_within(kind, name, bytes.into(), limits)
            }
        }
    }

    fn from_bytes_unchecked(
        kind: FileKind,
        name: &str,
        bytes: std::sync::Arc<[u8]>,
    ) -> Result<TableReader, Vec<ImportError>> {
        let size = bytes.len() as u64;
        match Format::of_name(name) {
            Format::Csv => Self::csv(kind, name.to_string(), size, Box::new(Cursor::new(bytes))),
            Format::Xlsx => {
                let rows = crate::xlsx::read_first_sheet_from(Cursor::new(bytes))
                    .map_err(|e| vec![unreadable_sheet(name, e)])?;
                Self::sheet(kind, name.to_string(), size, rows)
            }
        }
    }

    /// Rows given directly (a form, a confirmation), as text in the order of
    /// the kind's columns; they are named `name` in errors and numbered as
    /// the lines of a file whose header is line 1.
    pub fn from_rows(kind: FileKind, name: &str, rows: Vec<Vec<String>>) -> TableReader {
        let header: Vec<String> = kind.columns().iter().map(|c| c.name.to_string()).collect();
        let width = header.len();
        let positions = (0..width).map(Some).collect();
        let rows: Vec<RawRow> = rows
            .into_iter()
            .enumerate()
            .map(|(i, fields)| RawRow {
                line: i as u64 + 2,
                fields,
                numeric: Vec::new(),
            })
            .collect();
        TableReader {
            kind,
            file: name.to_string(),
            header: HeaderMap {
                kind,
                positions,
                width,
            },
            source: RowSource::Rows(rows.into_iter()),
            size: 0,
            header_errors: Vec::new(),
            warnings: Vec::new(),
            current: Vec::new(),
            current_numeric: Vec::new(),
            limits: ImportLimits::default(),
            rows_read: 0,
            ended: false,
        }
    }

    fn csv(
        kind: FileKind,
        file: String,
        size: u64,
        input: Box<dyn Read + Send>,
    ) -> Result<TableReader, Vec<ImportError>> {
        // UTF-8 (a byte order mark tolerated) or GB18030, as Chinese Excel
        // and WPS save "CSV"; lines counted as they physically are.
        let (text, _encoding) = crate::text::decoded(input);
        let (tap, lines) = crate::text::LineTap::new(text);
        let boxed: Box<dyn Read + Send> = Box::new(tap);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(boxed);
        let mut record = csv::StringRecord::new();
        let header = match reader.read_record(&mut record) {
            Ok(true) => {
                lines.record_ended(reader.position().byte());
                record.iter().map(str::to_string).collect::<Vec<_>>()
            }
            Ok(false) => {
                return Err(vec![ImportError::message(
                    &file,
                    1,
                    "",
                    Message::new("file.empty"),
                )]);
            }
            Err(e) => return Err(vec![csv_error(&file, &e, &lines)]),
        };
        let (header, header_errors) = HeaderMap::new(kind, &file, &header);
        let header = header.ok_or_else(|| header_errors.clone())?;
        Ok(TableReader {
            kind,
            file,
            header,
            source: RowSource::Csv {
                reader,
                record,
                lines,
            },
            size,
            header_errors,
            warnings: Vec::new(),
            current: Vec::new(),
            current_numeric: Vec::new(),
            limits: ImportLimits::default(),
            rows_read: 0,
            ended: false,
        })
    }

    fn sheet(
        kind: FileKind,
        file: String,
        size: u64,
        sheet: SheetRows,
    ) -> Result<TableReader, Vec<ImportError>> {
        let warnings = sheet_warnings(&file, &sheet);
        let mut rows = sheet.rows.into_iter();
        let header = match rows.next() {
            Some(h) => h.fields,
            None => {
                return Err(vec![ImportError::message(
                    &file,
                    1,
                    "",
                    Message::new("sheet.empty"),
                )]);
            }
        };
        let (header, header_errors) = HeaderMap::new(kind, &file, &header);
        let header = header.ok_or_else(|| header_errors.clone())?;
        Ok(TableReader {
            kind,
            file,
            header,
            source: RowSource::Rows(rows),
            size,
            header_errors,
            warnings,
            current: Vec::new(),
            current_numeric: Vec::new(),
            limits: ImportLimits::default(),
            rows_read: 0,
            ended: false,
        })
    }

    /// Reads the rows within `limits` (the header was read within the
    /// default record limit).
    pub fn within(mut self, limits: &ImportLimits) -> TableReader {
        self.limits = *limits;
        if let RowSource::Csv { lines, .. } = &self.source {
            lines.set_record_limit(limits.record_bytes);
        }
        self
    }

    /// Advances to the next row and returns its physical line; a malformed
    /// record is an error for that line, and reading goes on. The row's
    /// fields are then read with `fields` (no copy) or `raw` (owned). A
    /// cell over the cell limit is an error of its row; past the rows
    /// limit, one error ends the file.
    pub fn next_row(&mut self) -> Option<Result<u64, ImportError>> {
        if self.ended {
            return None;
        }
        let line = match self.next_record()? {
            Ok(line) => line,
            Err(e) => return Some(Err(e)),
        };
        self.rows_read += 1;
        if self.rows_read > self.limits.rows {
            self.ended = true;
            return Some(Err(ImportError::message(
                &self.file,
                line,
                "",
                Message::new("limit.rows").with("limit", self.limits.rows),
            )));
        }
        let max = self.limits.cell_chars;
        let long = self
            .fields()
            .into_iter()
            .position(|f| f.len() > max && f.chars().count() > max);
        if let Some(p) = long {
            let column = self.header_column(p);
            return Some(Err(ImportError::message(
                &self.file,
                line,
                column,
                Message::new("limit.cell").with("limit", max),
            )));
        }
        Some(Ok(line))
    }

    /// The schema name of the column at field position `p` ("?" if none).
    fn header_column(&self, p: usize) -> &'static str {
        self.kind
            .columns()
            .iter()
            .zip(&self.header.positions)
            .find(|(_, pos)| **pos == Some(p))
            .map_or("?", |(c, _)| c.name)
    }

    fn next_record(&mut self) -> Option<Result<u64, ImportError>> {
        match &mut self.source {
            RowSource::Csv {
                reader,
                record,
                lines,
            } => loop {
                // The CSV reader keeps a record's buffer at its largest
                // size, and a clone of the record copies all of it: after
                // a long record, later rows start from a small buffer.
                if record.as_byte_record().as_slice().len() > LONG_RECORD_BYTES {
                    *record = csv::StringRecord::new();
                }
                match reader.read_record(record) {
                    Ok(true) => {
                        lines.record_ended(reader.position().byte());
                        let line = record
                            .position()
                            .map_or(0, |p| lines.line_at(p.byte()).unwrap_or(p.line()));
                        if record.len() == 1 && record.get(0).is_some_and(|s| s.trim().is_empty()) {
                            continue; // blank line
                        }
                        return Some(Ok(line));
                    }
                    Ok(false) => return None,
                    Err(e) => return Some(Err(csv_error(&self.file, &e, lines))),
                }
            },
            RowSource::Rows(it) => {
                let r = it.next()?;
                let line = r.line;
                self.current = r.fields;
                self.current_numeric = r.numeric;
                Some(Ok(line))
            }
        }
    }

    /// The fields of the current row.
    pub fn fields(&self) -> Vec<&str> {
        match &self.source {
            RowSource::Csv { record, .. } => record.iter().collect(),
            RowSource::Rows(_) => self.current.iter().map(String::as_str).collect(),
        }
    }

    /// Parses the current row (whose line `next_row` gave) into canonical
    /// cells, judging the cells a sheet held as numbers by their column.
    pub fn parse_current(&self, line: u64, fields: &[&str]) -> Result<Vec<Cell>, Vec<ImportError>> {
        self.header
            .parse_sheet_row(&self.file, line, fields, &self.current_numeric)
    }

    /// Parses the current row as `parse_current` does, keeping the cells
    /// that parsed beside the errors (see `HeaderMap::parse_sheet_row_partial`).
    pub fn parse_current_partial(
        &self,
        line: u64,
        fields: &[&str],
    ) -> (Vec<Cell>, Vec<ImportError>) {
        self.header
            .parse_sheet_row_partial(&self.file, line, fields, &self.current_numeric)
    }

    /// The fields of the current row, owned (for reports of rejected rows).
    pub fn raw(&self) -> RawFields {
        match &self.source {
            RowSource::Csv { record, .. } => record.clone(),
            RowSource::Rows(_) => RawFields::from(self.current.clone()),
        }
    }

    /// Bytes read so far (CSV), for progress.
    pub fn position(&self) -> u64 {
        match &self.source {
            RowSource::Csv { reader, .. } => reader.position().byte(),
            RowSource::Rows(_) => 0,
        }
    }
}

/// A record from which the next one is read into a new buffer.
const LONG_RECORD_BYTES: usize = 64 << 10;

/// The most hidden lines a warning lists.
const HIDDEN_LINES_LISTED: usize = 10;

/// The warnings of a sheet: its hidden rows, which are read like the others.
fn sheet_warnings(file: &str, sheet: &SheetRows) -> Vec<ImportError> {
    let mut out = Vec::new();
    if let Some(&first) = sheet.hidden_lines.first() {
        let n = sheet.hidden_lines.len();
        let mut lines: Vec<String> = sheet
            .hidden_lines
            .iter()
            .take(HIDDEN_LINES_LISTED)
            .map(u64::to_string)
            .collect();
        if n > HIDDEN_LINES_LISTED {
            lines.push("…".into());
        }
        out.push(ImportError::message(
            file,
            first,
            "",
            Message::new(if n == 1 {
                "sheet.hidden_row"
            } else {
                "sheet.hidden_rows"
            })
            .with("n", n)
            .with("lines", lines.join(", ")),
        ));
    }
    if let Some(why) = &sheet.hidden_unknown {
        out.push(ImportError::message(
            file,
            0,
            "",
            Message::new("sheet.hidden_unknown").with("detail", quote_value(why)),
        ));
    }
    out
}

/// A file over the file limit, refused before it is read.
fn check_file_size(file: &str, size: u64, limits: &ImportLimits) -> Result<(), Vec<ImportError>> {
    if size > limits.file_bytes {
        return Err(vec![ImportError::message(
            file,
            0,
            "",
            Message::new("limit.file").with("limit", size_text(limits.file_bytes)),
        )]);
    }
    Ok(())
}

fn csv_error(file: &str, e: &csv::Error, lines: &crate::text::Lines) -> ImportError {
    if let csv::ErrorKind::Io(io) = e.kind()
        && let Some(too_long) = io
            .get_ref()
            .and_then(|e| e.downcast_ref::<crate::text::RecordTooLong>())
    {
        let line = lines.line_at(lines.record_start()).unwrap_or(0);
        return ImportError::message(
            file,
            line,
            "",
            Message::new("limit.record").with("limit", size_text(too_long.0)),
        );
    }
    let line = e
        .position()
        .map_or(0, |p| lines.line_at(p.byte()).unwrap_or(p.line()));
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => Message::new("csv.not_utf8"),
        csv::ErrorKind::Io(io) => Message::new("csv.read_error").with("detail", io),
        other => Message::new("csv.malformed").with("detail", format!("{other:?}")),
    };
    ImportError::message(file, line, "", reason)
}

/// An XLSX file that could not be read as a workbook.
fn unreadable_sheet(file: &str, detail: impl std::fmt::Display) -> ImportError {
    ImportError::message(
        file,
        0,
        "",
        Message::new("sheet.unreadable").with("detail", detail),
    )
}
