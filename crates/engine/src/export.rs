//! Exporting the store as a dataset directory in exchange format v1.

use std::path::Path;
use xiezuo_exchange::writer::write_xlsx;
use xiezuo_exchange::{Cell, CsvTableWriter, FileKind, Headers, WriteError};
use xiezuo_store::{Store, StoreError};

/// File format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot create {0}: {1}")]
    Dir(String, std::io::Error),
}

/// Writes every non-empty kind to `dir`; returns (file name, rows).
pub fn export_dir(
    store: &dyn Store,
    dir: &Path,
    format: ExportFormat,
    headers: Headers,
) -> Result<Vec<(String, u64)>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::Dir(dir.display().to_string(), e))?;
    let mut out = Vec::new();
    for &kind in FileKind::ALL {
        let n = store.count(kind)?;
        if n == 0 {
            continue;
        }
        match format {
            ExportFormat::Csv => {
                let path = dir.join(kind.file_name("csv"));
                let mut w = CsvTableWriter::create(kind, &path, headers)?;
                let mut err = None;
                store.scan(kind, &mut |row, _| {
                    if let Err(e) = w.write(&row.cells) {
                        err = Some(e);
                    }
                    Ok(())
                })?;
                if let Some(e) = err {
                    return Err(e.into());
                }
                w.finish()?;
                out.push((kind.file_name("csv"), n));
            }
            ExportFormat::Xlsx => {
                let path = dir.join(kind.file_name("xlsx"));
                if n + 1 > xiezuo_exchange::xlsx::MAX_SHEET_ROWS {
                    return Err(WriteError::TooManyRows {
                        file: path.display().to_string(),
                        rows: n,
                        max: xiezuo_exchange::xlsx::MAX_SHEET_ROWS,
                    }
                    .into());
                }
                let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(n as usize);
                store.scan(kind, &mut |row, _| {
                    rows.push(row.cells.clone());
                    Ok(())
                })?;
                write_xlsx(kind, &path, headers, &mut rows.into_iter(), n)?;
                out.push((kind.file_name("xlsx"), n));
            }
        }
    }
    Ok(out)
}
