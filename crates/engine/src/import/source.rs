//! Where the rows of an import come from (数据来源): a dataset directory,
//! dataset files held in memory (an upload, the entries of a zip), or rows
//! given directly (a form, a matching confirmation, an API body). Every
//! source goes through the same reader, so a cell is parsed the same way
//! whatever brought it.

use super::*;
use std::sync::Arc;
use xiezuo_exchange::cell::format_cell;

/// A dataset file held in memory, named as it would be on disk
/// (`meetings.csv`, `persons.xlsx`).
#[derive(Debug, Clone)]
pub struct NamedFile {
    pub name: String,
    pub bytes: Arc<[u8]>,
}

/// A dataset file read from its start each time it is read, so that
/// nothing unpacked is held between reads: an entry of a zip kept
/// compressed (待确认上传), unpacked again for the check and the commit.
pub trait StreamedFile: Send + Sync {
    /// Its name, as it would be on disk (`meetings.csv`).
    fn name(&self) -> &str;
    /// Its size as read (unpacked), for progress.
    fn size(&self) -> u64;
    /// Its bytes, from the start.
    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>>;
}

impl StreamedFile for NamedFile {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(self.bytes.clone())))
    }
}

/// Rows of one kind given directly, as text in the order of the kind's
/// columns; `name` is what errors call them (e.g. `placements.csv`).
#[derive(Debug, Clone)]
pub struct Rows {
    pub kind: FileKind,
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

impl Rows {
    /// Rows of typed cells, written as the text a file would hold, so that
    /// the importer parses them as it parses a file.
    pub fn of_cells(kind: FileKind, name: &str, rows: impl IntoIterator<Item = Vec<Cell>>) -> Rows {
        let cols = kind.columns();
        let rows = rows
            .into_iter()
            .map(|cells| {
                cols.iter()
                    .zip(&cells)
                    .map(|(c, cell)| format_cell(c, cell))
                    .collect()
            })
            .collect();
        Rows {
            kind,
            name: name.to_string(),
            rows,
        }
    }
}

/// What an import reads.
pub enum Source<'a> {
    /// Every `.csv` / `.xlsx` dataset file of a directory.
    Dir(&'a Path),
    /// Dataset files held in memory.
    Files(&'a [NamedFile]),
    /// Dataset files read as they are imported (the entries of a zip).
    Streams(&'a [Arc<dyn StreamedFile>]),
    /// Rows given directly, one entry per kind.
    Rows(Vec<Rows>),
}

/// One table of a source, opened when its turn comes.
pub(super) enum Table<'a> {
    Path(PathBuf),
    Bytes(&'a NamedFile),
    Stream(&'a dyn StreamedFile),
    Rows(Rows),
}

impl Table<'_> {
    pub(super) fn open(
        self,
        kind: FileKind,
        limits: &ImportLimits,
    ) -> Result<TableReader, Vec<ImportError>> {
        match self {
            Table::Path(p) => TableReader::open_within(kind, &p, limits),
            Table::Bytes(f) => {
                TableReader::from_bytes_within(kind, &f.name, f.bytes.clone(), limits)
            }
            Table::Stream(f) => {
                let input = f.open().map_err(|e| {
                    vec![ImportError::new(
                        f.name(),
                        0,
                        "",
                        format!("cannot open: {e}"),
                    )]
                })?;
                TableReader::from_reader_within(kind, f.name(), f.size(), input, limits)
            }
            Table::Rows(r) => Ok(TableReader::from_rows(kind, &r.name, r.rows).within(limits)),
        }
    }
}

/// The files of a dataset directory by kind, and the file-level errors.
pub type Discovered = (Vec<(FileKind, PathBuf)>, Vec<ImportError>);

/// The dataset files of a directory, by kind; unknown `.csv`/`.xlsx` names
/// and a kind given twice are errors.
pub fn discover(dir: &Path) -> Result<Discovered, ImportFailure> {
    let rd = std::fs::read_dir(dir).map_err(|e| ImportFailure::Dir(dir.to_path_buf(), e))?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    let files = entries
        .into_iter()
        .filter(|p| p.is_file())
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let shown = path.display().to_string();
            Some((name, shown, path))
        });
    Ok(by_kind(files))
}

/// Sorts named tables by kind: names that are not `.csv`/`.xlsx` (in any
/// case) are left out, an unknown kind and a kind given twice are file errors. `shown` is
/// how an earlier table of the same kind is named in the message.
fn by_kind<T>(
    tables: impl Iterator<Item = (String, String, T)>,
) -> (Vec<(FileKind, T)>, Vec<ImportError>) {
    let mut found: BTreeMap<FileKind, (String, T)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, shown, table) in tables {
        // The extension in any case: `meetings.CSV` is a meetings file.
        let Some((stem, _)) = xiezuo_exchange::reader::Format::of_dataset_name(&name) else {
            continue;
        };
        match FileKind::from_stem(stem) {
            None => errors.push(ImportError::message(
                &name,
                0,
                "",
                Message::new("files.unknown_kind")
                    .with("stem", shown_stem(stem))
                    .with(
                        "kinds",
                        FileKind::ALL
                            .iter()
                            .map(|k| k.stem())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
            )),
            Some(k) => {
                if let Some((prev, _)) = found.get(&k) {
                    errors.push(ImportError::message(
                        &name,
                        0,
                        "",
                        Message::new("files.given_twice")
                            .with("kind", k.stem())
                            .with("kind_zh", k.label_zh())
                            .with("prev", prev),
                    ));
                } else {
                    found.insert(k, (shown, table));
                }
            }
        }
    }
    let tables = found.into_iter().map(|(k, (_, t))| (k, t)).collect();
    (tables, errors)
}

/// A file stem as an error quotes it: in quotes, or cut when it is long.
fn shown_stem(stem: &str) -> String {
    use xiezuo_exchange::cell::{QUOTE_CHARS, quote_value};
    if stem.chars().count() <= QUOTE_CHARS {
        format!("{stem:?}")
    } else {
        quote_value(stem)
    }
}

/// Tables by kind, and the file-level errors.
pub(super) type Tables<'a> = (Vec<(FileKind, Table<'a>)>, Vec<ImportError>);

/// The tables of a source by kind, and the file-level errors.
pub(super) fn tables(source: Source<'_>) -> Result<Tables<'_>, ImportFailure> {
    Ok(match source {
        Source::Dir(dir) => {
            let (files, errors) = discover(dir)?;
            let tables = files
                .into_iter()
                .map(|(k, p)| (k, Table::Path(p)))
                .collect();
            (tables, errors)
        }
        Source::Files(files) => by_kind(
            files
                .iter()
                .map(|f| (f.name.clone(), f.name.clone(), Table::Bytes(f))),
        ),
        Source::Streams(files) => by_kind(files.iter().map(|f| {
            let name = f.name().to_string();
            (name.clone(), name, Table::Stream(f.as_ref()))
        })),
        Source::Rows(rows) => by_kind(rows.into_iter().map(|r| {
            let name = r.kind.file_name("csv");
            (name.clone(), r.name.clone(), Table::Rows(r))
        })),
    })
}
