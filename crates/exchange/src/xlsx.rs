//! XLSX files: the first visible sheet, header in row 1 (calamine to read,
//! rust_xlsxwriter to write).
//!
//! - **The sheet read** is the first *visible* worksheet: a hidden sheet
//!   (or a chart sheet) before it is passed over, because the visible one
//!   is what the person who saved the file saw.
//! - **Hidden rows** of that sheet are read like the others, and reported
//!   as a warning (`SheetRows::hidden_lines`). Calamine does not expose row
//!   attributes, so they are read from the sheet's XML (`<row r="7"
//!   hidden="1">`) through the workbook's relationships.
//! - **Numbers in identifier columns.** A numeric cell becomes text here,
//!   and its position is kept (`RawRow::numeric`), so that the header map
//!   can judge it by its column's type (`numeric_cell_problem`): Excel
//!   turns a typed number of more than 15 significant digits into a float
//!   and loses the rest (`450121199402105123` becomes
//!   `4.50121199402105E+17`, read back as `450121199402105000`).
//!   - an identity number (18 characters, above 2^53) never survives as a
//!     number: a numeric cell in an `IdNumber` column is always an error;
//!   - in the other identifier columns (`Id`, `Code`, `CodeList`, `Party`,
//!     `NameOrParty`) a number is accepted only when it is integral and at
//!     most 2^53 in magnitude, so exactly what was typed (a 12-digit region
//!     code typed as a number is); any other number is an error;
//!   - every other column reads a number as its text, as before.
//!
//!   The error says that Excel turned the value into a number and how to
//!   keep it as text (format the column as Text before typing, or start the
//!   value with an apostrophe), and never quotes the value.

use crate::reader::RawRow;
use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

/// The number of rows a sheet can hold (header included).
pub const MAX_SHEET_ROWS: u64 = 1_048_576;

/// The largest integer magnitude a float holds exactly (2^53).
pub const EXACT_FLOAT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// A cell that the sheet held as a number, not as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumericCell {
    /// The field's position in its row.
    pub position: usize,
    /// An integer of at most 2^53 in magnitude: exactly what was typed.
    pub exact_integer: bool,
}

/// The rows of the sheet read, and the lines of those that are hidden.
#[derive(Debug, Clone, Default)]
pub struct SheetRows {
    pub rows: Vec<RawRow>,
    /// The lines (row numbers, 1-based) of the non-empty rows that are hidden.
    pub hidden_lines: Vec<u64>,
    /// Why hidden rows could not be told, if they could not.
    pub hidden_unknown: Option<String>,
}

/// Reads every row of the first visible sheet as text cells; row 1 is the
/// header.
pub fn read_first_sheet(path: &Path) -> Result<SheetRows, String> {
    let wb: Xlsx<_> = calamine::open_workbook(path)
        .map_err(|e| format!("not a readable XLSX file: {}", calamine::Error::Xlsx(e)))?;
    read_visible(wb, || {
        std::fs::File::open(path)
            .map(BufReader::new)
            .map_err(|e| e.to_string())
    })
}

/// Reads every row of the first visible sheet of a workbook held in memory.
pub fn read_first_sheet_from<RS: Read + Seek + Clone>(data: RS) -> Result<SheetRows, String> {
    // With the messages `open_workbook_auto` gives for a file named `.xlsx`.
    let wb = calamine::open_workbook_from_rs::<Xlsx<RS>, RS>(data.clone())
        .map_err(|e| format!("not a readable XLSX file: {}", calamine::Error::Xlsx(e)))?;
    read_visible(wb, || Ok(data))
}

fn read_visible<RS: Read + Seek, R2: Read + Seek>(
    mut wb: Xlsx<RS>,
    reopen: impl FnOnce() -> Result<R2, String>,
) -> Result<SheetRows, String> {
    let sheets = wb.sheets_metadata();
    if sheets.is_empty() {
        return Err("the workbook has no sheet".into());
    }
    let index = sheets
        .iter()
        .position(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
        .ok_or("the workbook has no visible sheet")?;
    let name = sheets[index].name.clone();
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| format!("cannot read the first sheet: {e}"))?;
    let rows = sheet_rows(&range);
    let mut out = SheetRows {
        rows,
        ..SheetRows::default()
    };
    match reopen().and_then(|r| hidden_rows(r, index)) {
        Ok(hidden) => {
            out.hidden_lines = out
                .rows
                .iter()
                .map(|r| r.line)
                .filter(|l| hidden.binary_search(l).is_ok())
                .collect();
        }
        Err(e) => out.hidden_unknown = Some(e),
    }
    Ok(out)
}

fn sheet_rows(range: &calamine::Range<Data>) -> Vec<RawRow> {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let col0 = col0 as usize;
    let mut out = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let mut fields: Vec<String> = (0..col0).map(|_| String::new()).collect();
        fields.extend(row.iter().map(cell_text));
        let numeric = row
            .iter()
            .enumerate()
            .filter_map(|(j, d)| numeric_cell(col0 + j, d))
            .collect();
        while fields.last().is_some_and(String::is_empty) && out.is_empty() {
            fields.pop(); // trailing empty header cells
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        out.push(RawRow {
            line: u64::from(row0) + i as u64 + 1,
            fields,
            numeric,
        });
    }
    // Data rows are as wide as the header.
    if let Some(width) = out.first().map(|h| h.fields.len()) {
        for r in out.iter_mut().skip(1) {
            if r.fields.len() > width && r.fields[width..].iter().all(String::is_empty) {
                r.fields.truncate(width);
            }
            while r.fields.len() < width {
                r.fields.push(String::new());
            }
        }
    }
    out
}

fn numeric_cell(position: usize, d: &Data) -> Option<NumericCell> {
    let exact_integer = match d {
        Data::Float(f) => f.fract() == 0.0 && f.abs() <= EXACT_FLOAT_INTEGER,
        Data::Int(i) => i.unsigned_abs() <= 1 << 53,
        _ => return None,
    };
    Some(NumericCell {
        position,
        exact_integer,
    })
}

/// Why a numeric cell cannot be read in a column of type `ty` (see the
/// module doc), or `None` when its text is what was typed.
pub fn numeric_cell_problem(
    ty: crate::ColType,
    cell: NumericCell,
) -> Option<xiezuo_domain::Message> {
    use crate::ColType::*;
    match ty {
        IdNumber => Some(xiezuo_domain::Message::new("sheet.id_number_as_number")),
        Id | Code | CodeList | Party | NameOrParty if !cell.exact_integer => {
            Some(xiezuo_domain::Message::new("sheet.id_as_number"))
        }
        _ => None,
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => crate::cell::format_decimal(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => {
                t.date().format("%Y-%m-%d").to_string()
            }
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#ERROR {e:?}"),
    }
}

/// The row numbers (1-based, sorted) that the `index`th sheet of the
/// workbook marks hidden, read from its XML.
/// Refuses a workbook whose parts declare that they unpack to more than
/// `limit` bytes in all, before any of it is unpacked (a sheet is read
/// whole).
pub fn check_unpacked_size<R: Read + Seek>(data: R, limit: u64) -> Result<(), String> {
    let mut z = zip::ZipArchive::new(data).map_err(|e| e.to_string())?;
    let mut declared = 0u64;
    for i in 0..z.len() {
        let part = z.by_index_raw(i).map_err(|e| e.to_string())?;
        declared = declared.saturating_add(part.size());
    }
    if declared > limit {
        return Err(format!(
            "the workbook unpacks to more than {} (the limit of one file; raise it with xiezuo import --max-file-bytes)",
            crate::reader::size_text(limit)
        ));
    }
    Ok(())
}

fn hidden_rows<R: Read + Seek>(data: R, index: usize) -> Result<Vec<u64>, String> {
    let mut z = zip::ZipArchive::new(data).map_err(|e| e.to_string())?;
    let mut entry = |name: &str| -> Result<Vec<u8>, String> {
        let mut buf = Vec::new();
        z.by_name(name)
            .map_err(|e| format!("{name}: {e}"))?
            .read_to_end(&mut buf)
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(buf)
    };
    let workbook = entry("xl/workbook.xml")?;
    let rid = nth_sheet_rid(&workbook[..], index)?;
    let rels = entry("xl/_rels/workbook.xml.rels")?;
    let target = rel_target(&rels[..], &rid)?;
    let path = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let sheet = z.by_name(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut hidden = scan_hidden_rows(BufReader::new(sheet))?;
    hidden.sort_unstable();
    Ok(hidden)
}

type XmlAttrs = Vec<(String, String)>;

/// Calls `f` with the local name and attributes of every start or empty
/// element, until it returns `false` or the document ends.
fn each_element(
    input: impl BufRead,
    mut f: impl FnMut(&str, XmlAttrs) -> bool,
) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
        {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .filter_map(Result::ok)
                    .map(|a| {
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                        (a.key.local_name().as_ref().to_string(), value)
                    })
                    .collect();
                if !f(e.local_name().as_ref(), attrs) {
                    return Ok(());
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

fn attr<'a>(attrs: &'a XmlAttrs, name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn nth_sheet_rid(workbook: impl BufRead, index: usize) -> Result<String, String> {
    let mut seen = 0;
    let mut rid = None;
    each_element(workbook, |name, attrs| {
        if name == "sheet" {
            if seen == index {
                rid = attr(&attrs, "id").map(str::to_string);
                return false;
            }
            seen += 1;
        }
        true
    })?;
    rid.ok_or_else(|| "xl/workbook.xml names no such sheet".to_string())
}

fn rel_target(rels: impl BufRead, rid: &str) -> Result<String, String> {
    let mut target = None;
    each_element(rels, |name, attrs| {
        if name == "Relationship" && attr(&attrs, "Id") == Some(rid) {
            target = attr(&attrs, "Target").map(str::to_string);
            return false;
        }
        true
    })?;
    target.ok_or_else(|| format!("xl/_rels/workbook.xml.rels has no {rid}"))
}

/// The row numbers of the `<row hidden="1">` elements of a sheet's XML (a
/// row without `r` follows the one before it).
fn scan_hidden_rows(sheet: impl BufRead) -> Result<Vec<u64>, String> {
    let mut hidden = Vec::new();
    let mut last = 0u64;
    each_element(sheet, |name, attrs| {
        if name == "row" {
            let r = attr(&attrs, "r")
                .and_then(|r| r.parse().ok())
                .unwrap_or(last + 1);
            last = r;
            if matches!(attr(&attrs, "hidden"), Some("1" | "true")) {
                hidden.push(r);
            }
        }
        true
    })?;
    Ok(hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_rows_are_read_from_the_sheet_xml() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1"/></row><row r="3" hidden="1"/><row hidden="true"><c/></row><row r="9" hidden="0"/></sheetData></worksheet>"#;
        assert_eq!(scan_hidden_rows(&xml[..]).unwrap(), vec![3, 4]);
        let wb = br#"<workbook xmlns:r="x"><sheets><sheet name="a" sheetId="1" state="hidden" r:id="rId3"/><sheet name="b" sheetId="2" r:id="rId1"/></sheets></workbook>"#;
        assert_eq!(nth_sheet_rid(&wb[..], 1).unwrap(), "rId1");
        let rels = br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Target="/xl/worksheets/sheet1.xml"/></Relationships>"#;
        assert_eq!(
            rel_target(&rels[..], "rId3").unwrap(),
            "/xl/worksheets/sheet1.xml"
        );
    }

    /// A workbook whose first sheet is hidden and whose second (visible)
    /// is a persons sheet with a hidden row and a numeric identity number.
    fn workbook() -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let decoy = wb.add_worksheet();
        decoy.set_hidden(true);
        decoy.write_string(0, 0, "decoy").unwrap();
        let ws = wb.add_worksheet();
        ws.set_active(true);
        let header = crate::FileKind::Persons.columns();
        for (j, c) in header.iter().enumerate() {
            ws.write_string(0, j as u16, c.name).unwrap();
        }
        let rows = [
            [
                "P1",
                "H1",
                "450121196001184277",
                "甲",
                "F",
                "1960-01-18",
                "full",
            ],
            ["P2", "H1", "", "乙", "F", "1994-02-10", "full"],
        ];
        for (i, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                ws.write_string(i as u32 + 1, j as u16, *v).unwrap();
            }
        }
        ws.write_number(2, 2, 4.50121199402105e17).unwrap();
        ws.set_row_hidden(1).unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn a_workbook_is_refused_by_its_declared_size_before_it_is_unpacked() {
        let data = workbook();
        assert!(check_unpacked_size(std::io::Cursor::new(&data), 1 << 30).is_ok());
        let e = check_unpacked_size(std::io::Cursor::new(&data), 100).unwrap_err();
        assert!(e.contains("unpacks to more than 100 bytes"), "{e}");
    }

    #[test]
    fn the_first_visible_sheet_is_read_and_hidden_rows_are_warned_of() {
        let bytes: std::sync::Arc<[u8]> = workbook().into();
        let mut t = crate::TableReader::from_bytes(crate::FileKind::Persons, "persons.XLSX", bytes)
            .unwrap();
        assert!(t.header_errors.is_empty(), "{:?}", t.header_errors);
        assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
        assert_eq!(t.warnings[0].line, 2);
        assert!(
            t.warnings[0]
                .reason
                .starts_with("1 hidden row of the sheet is read")
        );
        let line = t.next_row().unwrap().unwrap();
        assert_eq!(line, 2);
        assert!(t.parse_current(line, &t.fields()).is_ok());
        let line = t.next_row().unwrap().unwrap();
        let errs = t.parse_current(line, &t.fields()).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].column, "id_number");
        assert!(
            errs[0]
                .reason
                .contains("Excel turned this identity number into a number")
        );
        assert!(!errs[0].reason.contains("450121"), "{}", errs[0].reason);
    }

    #[test]
    fn numbers_in_identifier_columns() {
        use crate::ColType;
        let exact = NumericCell {
            position: 0,
            exact_integer: true,
        };
        let inexact = NumericCell {
            exact_integer: false,
            ..exact
        };
        assert!(numeric_cell_problem(ColType::IdNumber, exact).is_some());
        assert!(numeric_cell_problem(ColType::Code, exact).is_none());
        assert!(numeric_cell_problem(ColType::Code, inexact).is_some());
        assert!(numeric_cell_problem(ColType::Id, inexact).is_some());
        assert!(numeric_cell_problem(ColType::Money, inexact).is_none());
        assert_eq!(
            numeric_cell(0, &Data::Float(4.50121199402105e17)).map(|c| c.exact_integer),
            Some(false)
        );
        assert_eq!(
            numeric_cell(0, &Data::Float(450121000000.0)).map(|c| c.exact_integer),
            Some(true)
        );
        assert_eq!(numeric_cell(0, &Data::String("1".into())), None);
    }
}
