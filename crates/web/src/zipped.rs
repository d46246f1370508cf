//! The dataset files of an uploaded zip (压缩包上传), kept compressed: each
//! entry is unpacked as it is read, from its start each time (the check,
//! then the commit), within the bounds of an upload, so that nothing
//! unpacked is ever held whole and a zip bomb is refused as soon as
//! unpacking passes a bound.

use crate::pending::{RATIO_FROM, UploadLimits};
use std::io::Read;
use std::sync::Arc;
use xiezuo_domain::Message;
use xiezuo_engine::import::StreamedFile;

fn mib(bytes: u64) -> u64 {
    bytes >> 20
}

/// Why an entry is refused: a bound of the upload was passed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct OverBound(pub(crate) Message);

/// The bounds one entry is unpacked within: `before` is what the upload's
/// earlier entries unpacked to.
#[derive(Debug, Clone)]
pub(crate) struct EntryBounds {
    pub(crate) zip: String,
    pub(crate) name: String,
    pub(crate) limits: UploadLimits,
    pub(crate) before: u64,
}

impl EntryBounds {
    /// Whether `out` unpacked bytes from `compressed` bytes stay within the
    /// bounds: one file, the compression ratio, the whole upload.
    pub(crate) fn check(&self, out: u64, compressed: u64) -> Result<(), OverBound> {
        let (zip, name, limits) = (&self.zip, &self.name, &self.limits);
        if out > limits.file_bytes {
            return Err(OverBound(
                Message::new("zip.file_bytes")
                    .with("zip", zip)
                    .with("name", name)
                    .with("mib", mib(limits.file_bytes)),
            ));
        }
        if out > RATIO_FROM && out > limits.ratio.saturating_mul(compressed.max(1)) {
            return Err(OverBound(
                Message::new("zip.ratio")
                    .with("zip", zip)
                    .with("name", name)
                    .with("ratio", limits.ratio),
            ));
        }
        if self.before.saturating_add(out) > limits.upload_bytes {
            return Err(OverBound(
                Message::new("zip.upload_bytes")
                    .with("zip", zip)
                    .with("mib", mib(limits.upload_bytes)),
            ));
        }
        Ok(())
    }
}

/// A range of the bytes of a held archive, read as a stream.
struct ArchiveRange {
    archive: Arc<[u8]>,
    at: usize,
    end: usize,
}

impl Read for ArchiveRange {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.archive.get(self.at..self.end).unwrap_or_default();
        let n = buf.len().min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

/// The compressed data of an entry, unpacked as it is read.
enum EntryData {
    Stored(ArchiveRange),
    Deflated(Box<flate2::read::DeflateDecoder<ArchiveRange>>),
}

/// An entry unpacked as it is read, failing the read as soon as a bound
/// is passed.
pub(crate) struct BoundedEntry {
    data: EntryData,
    out: u64,
    bounds: EntryBounds,
}

impl BoundedEntry {
    fn compressed_read(&self) -> u64 {
        match &self.data {
            EntryData::Stored(_) => self.out,
            EntryData::Deflated(d) => d.total_in(),
        }
    }
}

impl Read for BoundedEntry {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match &mut self.data {
            EntryData::Stored(r) => r.read(buf)?,
            EntryData::Deflated(d) => d.read(buf)?,
        };
        self.out += n as u64;
        self.bounds
            .check(self.out, self.compressed_read())
            .map_err(std::io::Error::other)?;
        Ok(n)
    }
}

/// An entry of an uploaded zip: where its compressed data sits in the
/// held archive, how it is compressed, and what it unpacked to when the
/// upload was received.
pub(crate) struct ZipEntry {
    archive: Arc<[u8]>,
    data: (usize, usize),
    deflated: bool,
    size: u64,
    bounds: EntryBounds,
}

impl ZipEntry {
    fn unpack(&self) -> BoundedEntry {
        let range = ArchiveRange {
            archive: self.archive.clone(),
            at: self.data.0,
            end: self.data.1,
        };
        let data = if self.deflated {
            EntryData::Deflated(Box::new(flate2::read::DeflateDecoder::new(range)))
        } else {
            EntryData::Stored(range)
        };
        BoundedEntry {
            data,
            out: 0,
            bounds: self.bounds.clone(),
        }
    }
}

impl StreamedFile for ZipEntry {
    fn name(&self) -> &str {
        &self.bounds.name
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn open(&self) -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(self.unpack()))
    }
}

/// Reads an entry to its end within its bounds and returns what it
/// unpacks to: the first pass, refusing a bomb before the upload is kept.
fn measure(mut entry: BoundedEntry) -> Result<u64, Message> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match entry.read(&mut chunk) {
            Ok(0) => return Ok(total),
            Ok(n) => total += n as u64,
            Err(e) => {
                return Err(
                    match e.get_ref().and_then(|e| e.downcast_ref::<OverBound>()) {
                        Some(over) => over.0.clone(),
                        None => Message::new("zip.entry_unreadable")
                            .with("zip", &entry.bounds.zip)
                            .with("name", &entry.bounds.name)
                            .with("detail", e),
                    },
                );
            }
        }
    }
}

/// The dataset files of a zip (`.csv` / `.xlsx` entries in any case, by
/// their base name, as `name_of` gives it), each checked within `limits`
/// by unpacking it once without keeping it; only the compressed archive is
/// held. An error is the client's: it names the zip, the entry and the
/// bound.
pub(crate) fn entries(
    zip_name: &str,
    archive: Arc<[u8]>,
    limits: &UploadLimits,
    name_of: impl Fn(&str) -> Option<String>,
) -> Result<Vec<ZipEntry>, Message> {
    let unreadable = |e: zip::result::ZipError| {
        Message::new("zip.unreadable")
            .with("zip", zip_name)
            .with("detail", e)
    };
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(archive.clone())).map_err(|e| {
        Message::new("zip.not_zip")
            .with("zip", zip_name)
            .with("detail", e)
    })?;
    let mut out = Vec::new();
    let mut unpacked = 0u64;
    for i in 0..z.len() {
        let entry = z.by_index(i).map_err(unreadable)?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry.name().map_err(unreadable)?;
        let Some(name) = name_of(&entry_name) else {
            continue;
        };
        // The extension in any case, as the importer reads it.
        if xiezuo_exchange::reader::Format::of_dataset_name(&name).is_none() {
            continue;
        }
        let deflated = match entry.compression() {
            zip::CompressionMethod::Stored => false,
            zip::CompressionMethod::Deflated => true,
            other => {
                return Err(Message::new("zip.method")
                    .with("zip", zip_name)
                    .with("name", &name)
                    .with("method", other));
            }
        };
        let bounds = EntryBounds {
            zip: zip_name.to_string(),
            name,
            limits: *limits,
            before: unpacked,
        };
        // The declared sizes first: a bomb that says what it is goes at once.
        bounds
            .check(entry.size(), entry.compressed_size())
            .map_err(|e| e.0)?;
        let start = entry
            .data_start()
            .and_then(|s| usize::try_from(s).ok())
            .ok_or_else(|| {
                Message::new("zip.no_data")
                    .with("zip", zip_name)
                    .with("name", &bounds.name)
            })?;
        let end = usize::try_from(entry.compressed_size())
            .ok()
            .and_then(|n| start.checked_add(n))
            .filter(|end| *end <= archive.len())
            .ok_or_else(|| {
                Message::new("zip.cut_off")
                    .with("zip", zip_name)
                    .with("name", &bounds.name)
            })?;
        drop(entry);
        let mut file = ZipEntry {
            archive: archive.clone(),
            data: (start, end),
            deflated,
            size: 0,
            bounds,
        };
        file.size = measure(file.unpack())?;
        unpacked += file.size;
        out.push(file);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry whose header lies about its sizes is refused while it is
    /// unpacked, soon after it passes the bound, not once it is whole.
    #[test]
    fn a_lying_entry_is_refused_while_unpacking() {
        let limits = UploadLimits::default();
        let bounds = EntryBounds {
            zip: "z.zip".into(),
            name: "m.csv".into(),
            limits,
            before: 0,
        };
        assert!(bounds.check(0, 1 << 30).is_ok());
        let e = bounds.check(2 * RATIO_FROM, RATIO_FROM / 1000).unwrap_err();
        assert!(e.0.en().contains("200 times its compressed size"), "{e}");
        let small = EntryBounds {
            limits: UploadLimits {
                file_bytes: 4 << 20,
                ..limits
            },
            ..bounds
        };
        let e = small.check((4 << 20) + 1, 4 << 20).unwrap_err();
        assert!(e.0.en().contains("m.csv unpacks to more than 4 MiB"), "{e}");
    }

    /// A zip of repeated bytes (a bomb whose header tells the truth about
    /// its compressed size but which inflates far more) is refused while
    /// it is measured, without holding what it unpacks to.
    #[test]
    fn a_dense_entry_is_refused_and_a_plain_one_is_read_again_and_again() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let deflate = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("meetings.csv", deflate).unwrap();
        z.write_all(b"meeting_id\nM1\n").unwrap();
        let stored = deflate.compression_method(zip::CompressionMethod::Stored);
        z.start_file("dir/targets.CSV", stored).unwrap();
        z.write_all(b"pairing_id\n").unwrap();
        z.start_file("notes.txt", deflate).unwrap();
        z.finish().unwrap();
        let archive: Arc<[u8]> = buf.into_inner().into();
        let name_of = |n: &str| n.rsplit('/').next().map(str::to_string);
        let files = entries("a.zip", archive, &UploadLimits::default(), name_of).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.name().to_string()).collect();
        assert_eq!(names, ["meetings.csv", "targets.CSV"]);
        for _ in 0..2 {
            let mut text = String::new();
            files[0].open().unwrap().read_to_string(&mut text).unwrap();
            assert_eq!(text, "meeting_id\nM1\n");
        }
        assert_eq!(files[1].size(), 11);

        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("meetings.csv", deflate).unwrap();
        std::io::copy(&mut std::io::repeat(b'a').take(64 << 20), &mut z).unwrap();
        z.finish().unwrap();
        let archive: Arc<[u8]> = buf.into_inner().into();
        let Err(e) = entries("b.zip", archive, &UploadLimits::default(), name_of) else {
            panic!("a dense entry was read")
        };
        assert_eq!(
            e.en(),
            "b.zip: meetings.csv unpacks to more than 200 times its compressed size, as a zip bomb does (the limit of compression in an upload)"
        );
    }
}
