//! CSV output: one buffered writer per file, with the headers of the
//! exchange schema (`xiezuo_exchange::schema`, the one table of file kinds).

use crate::GenerateError;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use xiezuo_exchange::schema::FileKind;
use xiezuo_exchange::writer::{Headers, header_row};

/// The kinds of file the generator writes, in spec order: the 20 of exchange
/// format v1 in schema order, then the two of v1.1 in the order of their
/// document (`postings`, then `seekers`), then the four of v1.2.
pub fn file_kinds() -> impl Iterator<Item = FileKind> {
    FileKind::ALL
        .iter()
        .copied()
        .filter(|k| k.since() == 1)
        .chain([FileKind::Postings, FileKind::Seekers])
        .chain(
            FileKind::ALL
                .iter()
                .copied()
                .filter(|k| k.since() == xiezuo_exchange::schema::V1_2),
        )
}

/// The header the generator writes for a kind: the schema's English header
/// restricted to the columns of the format version that introduced the kind.
/// So `placements.csv` is written in its v1 form, without the v1.1 column
/// `posting_id`; every other kind has all its columns.
pub fn header(kind: FileKind) -> Vec<&'static str> {
    header_row(kind, Headers::En)
        .into_iter()
        .zip(kind.columns())
        .filter(|(_, c)| c.since <= kind.since())
        .map(|(h, _)| h)
        .collect()
}

/// The position of a file name in spec order (unknown names last).
pub fn spec_position(file: &str) -> usize {
    file_kinds()
        .position(|k| k.file_name("csv") == file)
        .unwrap_or(usize::MAX)
}

/// A CSV file being written, counting its data rows.
pub struct Out {
    name: String,
    w: csv::Writer<BufWriter<File>>,
    /// Data rows written so far.
    pub rows: u64,
}

impl Out {
    /// Creates the file and writes its header.
    pub fn create(dir: &Path, kind: FileKind) -> Result<Out, GenerateError> {
        let name = kind.file_name("csv");
        let f = File::create(dir.join(&name))?;
        let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, f));
        w.write_record(header(kind))?;
        Ok(Out { name, w, rows: 0 })
    }

    /// Writes one data row.
    pub fn row<I, T>(&mut self, rec: I) -> Result<(), GenerateError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.w.write_record(rec)?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes and returns (file name, rows).
    pub fn finish(mut self) -> Result<(String, u64), GenerateError> {
        self.w.flush()?;
        Ok((self.name, self.rows))
    }
}

/// `0`/`1`.
pub fn b(v: bool) -> &'static str {
    if v { "1" } else { "0" }
}

/// 12-digit region code.
pub fn rc(code: u64) -> String {
    format!("{code:012}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_once_and_only_placements_in_v1_form() {
        let kinds: Vec<FileKind> = file_kinds().collect();
        assert_eq!(kinds.len(), FileKind::ALL.len());
        for k in FileKind::ALL {
            assert_eq!(kinds.iter().filter(|x| *x == k).count(), 1, "{k:?}");
            let full = header_row(*k, Headers::En);
            if *k == FileKind::Placements {
                assert_eq!(header(*k), full[..full.len() - 1]);
            } else {
                assert_eq!(header(*k), full, "{k:?}");
            }
        }
        assert_eq!(spec_position("regions.csv"), 0);
        assert_eq!(spec_position("seekers.csv"), 21);
        assert_eq!(spec_position("dirty-manifest.csv"), usize::MAX);
    }
}
