//! The text of a CSV file as offices save it: UTF-8 (with or without a
//! byte order mark) or GB18030/GBK, what Excel and WPS write for "CSV" on a
//! Chinese Windows; and the physical line of every record, whatever the
//! line endings (`\n` or `\r\n`) and line breaks inside quoted cells.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};

/// How much of a file is looked at to tell UTF-8 from GB18030.
pub const SNIFF_BYTES: usize = 1 << 20;

/// The longest record (one row, line breaks in quoted cells included) a
/// CSV file may have by default, in bytes: far above any real row (a long
/// text pasted into one cell still gets the error of its row), and what
/// the CSV reader holds at most.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// A record longer than the record limit (its bytes): reading the file
/// stops there, before the CSV reader holds more of it.
#[derive(Debug, thiserror::Error)]
#[error(
    "record longer than {} (the limit of one record; raise it with xiezuo import --max-record-bytes)",
    crate::reader::size_text(*.0)
)]
pub struct RecordTooLong(pub u64);

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

/// Opens the text of a file: a UTF-8 byte order mark is dropped; a file
/// whose first `SNIFF_BYTES` are not UTF-8 but are well-formed GB18030 is
/// GB18030 and is decoded to UTF-8 as it is read; anything else is read as
/// UTF-8 (its bad bytes are errors of their rows).
pub fn decoded(input: Box<dyn Read + Send>) -> (Box<dyn Read + Send>, Encoding) {
    let mut buf = BufReader::with_capacity(SNIFF_BYTES, input);
    let head = buf.fill_buf().map(<[u8]>::to_vec).unwrap_or_default();
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        buf.consume(3);
        return (Box::new(buf), Encoding::Utf8);
    }
    let utf8 = match std::str::from_utf8(&head) {
        Ok(_) => true,
        // Only cut off at the end of what was looked at: still UTF-8.
        Err(e) if e.error_len().is_none() => true,
        // Chinese in UTF-8 before the first bad byte: a UTF-8 file with a
        // bad byte (an error of its row), not a GB18030 file.
        Err(e) => head[..e.valid_up_to()].iter().any(|b| *b >= 0x80),
    };
    // Not UTF-8, and GB18030 without a malformed sequence: GB18030. Bytes
    // that are neither stay UTF-8, so that their rows get their error.
    if utf8 || !is_gb18030(&head) {
        (Box::new(buf), Encoding::Utf8)
    } else {
        let decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
        (
            Box::new(Gb18030Reader {
                inner: buf,
                decoder,
                out: Vec::new(),
                at: 0,
                done: false,
            }),
            Encoding::Gb18030,
        )
    }
}

/// Whether bytes read as GB18030 without a malformed sequence (a sequence
/// cut off at the end of what was looked at is not malformed).
fn is_gb18030(head: &[u8]) -> bool {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = vec![0u8; head.len() * 3 + 16];
    let (result, _, _) = decoder.decode_to_utf8_without_replacement(head, &mut out, false);
    !matches!(result, encoding_rs::DecoderResult::Malformed(..))
}

/// GB18030 bytes in, UTF-8 bytes out.
struct Gb18030Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: BufRead> Read for Gb18030Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() && !self.done {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            // One output buffer, reused for every chunk.
            self.out.clear();
            self.out.resize(input.len() * 3 + 16, 0);
            let (_, read, written, _) = self.decoder.decode_to_utf8(input, &mut self.out, last);
            self.out.truncate(written);
            self.inner.consume(read);
            self.at = 0;
            self.done = last;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Where lines with content start: (byte offset, physical line), in the
/// order the bytes pass. Filled by `LineTap`, read by `Lines::line_at`.
#[derive(Debug, Default)]
struct Starts {
    starts: VecDeque<(u64, u64)>,
    offset: u64,
    line: u64,
    at_line_start: bool,
    /// Where the record being read starts, as the CSV reader last said.
    record_start: u64,
    /// A record was too long: the stream ends.
    too_long: bool,
    /// The longest record, in bytes.
    record_limit: u64,
}

/// The physical lines of a stream, as a CSV reader consumes it.
#[derive(Debug, Clone)]
pub struct Lines(Arc<Mutex<Starts>>);

impl Lines {
    /// The physical line of the record whose parse began at byte `offset`
    /// (the CSV reader's record position): the first line with content at
    /// or after it. Earlier lines are forgotten, so the memory stays
    /// bounded by the reader's look-ahead.
    pub fn line_at(&self, offset: u64) -> Option<u64> {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        while s.starts.front().is_some_and(|(o, _)| *o < offset) {
            s.starts.pop_front();
        }
        s.starts.front().map(|(_, l)| *l)
    }

    /// The CSV reader has read every record before byte `offset`: the
    /// next record starts there, and its length counts from there.
    pub fn record_ended(&self, offset: u64) {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.record_start = s.record_start.max(offset);
    }

    /// Sets the longest record, in bytes (`MAX_RECORD_BYTES` until then).
    pub fn set_record_limit(&self, bytes: u64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record_limit = bytes;
    }

    /// Where the record being read starts.
    pub fn record_start(&self) -> u64 {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record_start
    }
}

/// Passes bytes through and notes where each line with content starts.
pub struct LineTap<R> {
    inner: R,
    lines: Lines,
}

impl<R: Read> LineTap<R> {
    pub fn new(inner: R) -> (LineTap<R>, Lines) {
        let lines = Lines(Arc::new(Mutex::new(Starts {
            line: 1,
            at_line_start: true,
            record_limit: MAX_RECORD_BYTES,
            ..Starts::default()
        })));
        (
            LineTap {
                inner,
                lines: lines.clone(),
            },
            lines,
        )
    }
}

impl<R: Read> Read for LineTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self
            .lines
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .too_long
        {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        let mut s = self.lines.0.lock().unwrap_or_else(|e| e.into_inner());
        if (s.offset + n as u64).saturating_sub(s.record_start) > s.record_limit {
            s.too_long = true;
            return Err(std::io::Error::other(RecordTooLong(s.record_limit)));
        }
        for &b in &buf[..n] {
            match b {
                b'\n' => {
                    s.line += 1;
                    s.at_line_start = true;
                }
                b'\r' => {}
                _ => {
                    if s.at_line_start {
                        let at = (s.offset, s.line);
                        s.starts.push_back(at);
                        s.at_line_start = false;
                    }
                }
            }
            s.offset += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(data: &[u8]) -> Vec<(u64, String)> {
        let (text, _) = decoded(Box::new(std::io::Cursor::new(data.to_vec())));
        let (tap, lines) = LineTap::new(text);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(tap);
        let mut rec = csv::StringRecord::new();
        let mut out = Vec::new();
        while r.read_record(&mut rec).unwrap() {
            let at = rec.position().map_or(0, |p| p.byte());
            out.push((lines.line_at(at).unwrap(), rec.get(0).unwrap().to_string()));
        }
        out
    }

    #[test]
    fn a_record_over_the_limit_ends_the_stream_with_an_error() {
        let mut data = b"a,b\n1,2\n\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 2 << 20));
        data.extend_from_slice(b"\",3\n");
        let (text, _) = decoded(Box::new(std::io::Cursor::new(data)));
        let (tap, lines) = LineTap::new(text);
        lines.set_record_limit(1 << 20);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(tap);
        let mut rec = csv::StringRecord::new();
        for _ in 0..2 {
            assert!(r.read_record(&mut rec).unwrap());
            lines.record_ended(r.position().byte());
        }
        let e = r.read_record(&mut rec).unwrap_err();
        let csv::ErrorKind::Io(io) = e.kind() else {
            panic!("{e}")
        };
        assert!(
            io.get_ref().is_some_and(|e| e.is::<RecordTooLong>()),
            "{io}"
        );
        assert_eq!(lines.line_at(lines.record_start()), Some(3));
        assert!(!r.read_record(&mut rec).unwrap(), "the stream ends there");
    }

    #[test]
    fn lines_are_physical_whatever_the_line_endings() {
        let lf = lines_of(b"a,b\n1,2\n\n3,4\n\"x\ny\",5\n6,7\n");
        let crlf = lines_of(b"a,b\r\n1,2\r\n\r\n3,4\r\n\"x\r\ny\",5\r\n6,7\r\n");
        let want = [1, 2, 4, 5, 7];
        assert_eq!(lf.iter().map(|x| x.0).collect::<Vec<_>>(), want);
        assert_eq!(crlf.iter().map(|x| x.0).collect::<Vec<_>>(), want);
        assert_eq!(crlf[3].1, "x\r\ny");
    }

    #[test]
    fn gbk_and_utf8_with_a_byte_order_mark_read_the_same() {
        let text = "会议编号,结对编号\nMT1,PROV-44-45\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        for data in [gbk.to_vec(), bom, text.as_bytes().to_vec()] {
            let got = lines_of(&data);
            assert_eq!(got, [(1, "会议编号".to_string()), (2, "MT1".to_string())]);
        }
        let (_, enc) = decoded(Box::new(std::io::Cursor::new(gbk.to_vec())));
        assert_eq!(enc, Encoding::Gb18030);
        // Bytes that are neither stay UTF-8, for their rows to be refused.
        let (_, enc) = decoded(Box::new(std::io::Cursor::new(
            b"a,b\n\xff\xff,1\n".to_vec(),
        )));
        assert_eq!(enc, Encoding::Utf8);
        let mut mixed = "名称,b\n".as_bytes().to_vec();
        mixed.extend_from_slice(b"\xb0\xa1,1\n");
        let (_, enc) = decoded(Box::new(std::io::Cursor::new(mixed)));
        assert_eq!(enc, Encoding::Utf8, "UTF-8 with one bad cell stays UTF-8");
    }
}
