//! XLSX files: the first sheet, header in row 1 (calamine to read,
//! rust_xlsxwriter to write).

use crate::reader::RawRow;
use calamine::{Data, Reader, open_workbook_auto};
use std::path::Path;

/// The number of rows a sheet can hold (header included).
pub const MAX_SHEET_ROWS: u64 = 1_048_576;

/// Reads every row of the first sheet as text cells; row 1 is the header.
pub fn read_first_sheet(path: &Path) -> Result<Vec<RawRow>, String> {
    let wb = open_workbook_auto(path).map_err(|e| format!("not a readable XLSX file: {e}"))?;
    sheet_rows(wb)
}

/// Reads every row of the first sheet of a workbook held in memory.
pub fn read_first_sheet_from<RS: std::io::Read + std::io::Seek>(
    data: RS,
) -> Result<Vec<RawRow>, String> {
    // As `open_workbook_auto` reads a file named `.xlsx`, with its messages.
    let wb = calamine::open_workbook_from_rs::<calamine::Xlsx<RS>, RS>(data)
        .map_err(|e| format!("not a readable XLSX file: {}", calamine::Error::Xlsx(e)))?;
    sheet_rows(calamine::Sheets::Xlsx(wb))
}

fn sheet_rows<RS: std::io::Read + std::io::Seek>(
    mut wb: calamine::Sheets<RS>,
) -> Result<Vec<RawRow>, String> {
    let range = wb
        .worksheet_range_at(0)
        .ok_or("the workbook has no sheet")?
        .map_err(|e| format!("cannot read the first sheet: {e}"))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut out = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let mut fields: Vec<String> = (0..col0).map(|_| String::new()).collect();
        fields.extend(row.iter().map(cell_text));
        while fields.last().is_some_and(String::is_empty) && out.is_empty() {
            fields.pop(); // trailing empty header cells
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        out.push(RawRow {
            line: u64::from(row0) + i as u64 + 1,
            fields,
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
    Ok(out)
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
