//! Spreadsheet upload (数据上传): files or a zip of a dataset are checked
//! first and the row-level report is shown before anything is stored;
//! confirming imports the same files atomically. The files stay in memory
//! between the check and the commit, never on disk, and expire.

use crate::error::ApiError;
use crate::error::extract::{Multipart, Path};
use crate::pending::{RATIO_FROM, Upload, UploadLimits};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::Value as J;
use std::io::Read;
use std::time::Instant;
use xiezuo_api as wire;
use xiezuo_engine::import::{ImportReport, NamedFile, Source, WriteMode, WritePolicy, ingest};
use xiezuo_store::BatchInfo;

fn safe_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?.trim();
    let ok = !base.is_empty()
        && !base.starts_with('.')
        && base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    ok.then(|| base.to_string())
}

fn report_json(r: &ImportReport) -> J {
    serde_json::to_value(crate::convert::report_body(r)).unwrap_or_default()
}

/// An upload that cannot be read (a broken multipart body or zip file): the client's fault.
fn bad_upload(e: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(e.to_string())
}

/// The archive under a zip reader, counting the bytes read from it: how
/// much of an entry's compressed data unpacking has consumed.
struct CountedArchive<'a> {
    inner: std::io::Cursor<&'a [u8]>,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Read for CountedArchive<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl std::io::Seek for CountedArchive<'_> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

fn mib(bytes: u64) -> u64 {
    bytes >> 20
}

/// Unpacks one entry, refusing it as soon as it passes a bound of `limits`
/// (its declared sizes are checked before anything is read); `unpacked` is
/// what the upload's earlier entries unpacked to.
fn unpack_entry(
    (zip, name): (&str, &str),
    mut entry: impl Read,
    (declared, packed): (u64, u64),
    consumed: &dyn Fn() -> u64,
    (limits, unpacked): (&UploadLimits, u64),
) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        bad_upload(format!(
            "{zip}: {name} unpacks to more than {} MiB (the limit of one file in an upload)",
            mib(limits.file_bytes)
        ))
    };
    let too_dense = || {
        bad_upload(format!(
            "{zip}: {name} unpacks to more than {} times its compressed size, as a zip bomb does (the limit of compression in an upload)",
            limits.ratio
        ))
    };
    let too_much = || {
        bad_upload(format!(
            "{zip}: the zip unpacks to more than {} MiB (the limit of an upload)",
            mib(limits.upload_bytes)
        ))
    };
    let dense = |out: u64, compressed: u64| {
        out > RATIO_FROM && out > limits.ratio.saturating_mul(compressed.max(1))
    };
    if declared > limits.file_bytes {
        return Err(too_large());
    }
    if dense(declared, packed) {
        return Err(too_dense());
    }
    if unpacked.saturating_add(declared) > limits.upload_bytes {
        return Err(too_much());
    }
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = entry.read(&mut chunk).map_err(bad_upload)?;
        if n == 0 {
            return Ok(buf);
        }
        buf.extend_from_slice(&chunk[..n]);
        let out = buf.len() as u64;
        if out > limits.file_bytes {
            return Err(too_large());
        }
        if unpacked.saturating_add(out) > limits.upload_bytes {
            return Err(too_much());
        }
        if dense(out, consumed()) {
            return Err(too_dense());
        }
    }
}

/// The dataset files of a zip: `.csv` / `.xlsx` entries (in any case) by
/// their base name, each and all within `limits`.
fn unzip(
    name: &str,
    bytes: &[u8],
    limits: &UploadLimits,
    files: &mut Vec<NamedFile>,
) -> Result<(), ApiError> {
    let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let archive = CountedArchive {
        inner: std::io::Cursor::new(bytes),
        read: read.clone(),
    };
    let mut z = zip::ZipArchive::new(archive)
        .map_err(|e| bad_upload(format!("{name}: not a zip file: {e}")))?;
    let mut unpacked = 0u64;
    for i in 0..z.len() {
        let entry = z.by_index(i).map_err(bad_upload)?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry.name().map_err(bad_upload)?.to_string();
        let Some(n) = safe_name(&entry_name) else {
            continue;
        };
        // The extension in any case, as the importer reads it.
        if xiezuo_exchange::reader::Format::of_dataset_name(&n).is_none() {
            continue;
        }
        let sizes = (entry.size(), entry.compressed_size());
        let start = read.get();
        let consumed = || read.get().saturating_sub(start);
        let buf = unpack_entry((name, &n), entry, sizes, &consumed, (limits, unpacked))?;
        unpacked += buf.len() as u64;
        files.push(NamedFile {
            name: n,
            bytes: buf.into(),
        });
    }
    Ok(())
}

/// Receives files (or a zip of them) and returns the validation report; nothing is stored.
pub async fn create(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Multipart(mut form): Multipart,
) -> Result<Json<wire::JobStarted>, ApiError> {
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad_upload)? {
        let name = field.file_name().map(str::to_string).unwrap_or_default();
        let bytes = field.bytes().await.map_err(bad_upload)?;
        if name.to_lowercase().ends_with(".zip") {
            unzip(&name, &bytes, &state.upload_limits, &mut files)?;
        } else if let Some(n) = safe_name(&name) {
            files.push(NamedFile {
                name: n,
                bytes: bytes.to_vec().into(),
            });
        } else if !name.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "{name}: a file name may use only letters, digits, _ - ."
            )));
        }
    }
    if files.is_empty() {
        return Err(ApiError::BadRequest(
            "no dataset files were uploaded".into(),
        ));
    }
    let upload = Upload {
        files,
        owner: caller.clone(),
        check: None,
        received: Instant::now(),
    };
    let (total, names, files) = (upload.bytes(), upload.names(), upload.files.clone());
    let token = state.uploads.keep(upload);
    let (st, tok) = (state.clone(), token.clone());
    let policy = WritePolicy::within(caller.write_scope()).with_mode(WriteMode::DryRun);
    let job = state
        .jobs
        .spawn(&caller.login, "upload check", total, move |job| {
            let progress = crate::jobs::JobProgress {
                job,
                before: Default::default(),
                current: Default::default(),
            };
            let batch = BatchInfo {
                actor: "web".into(),
                at: String::new(),
                source: "upload (check)".into(),
            };
            let report = st
                .with_store(|store| {
                    ingest(store, Source::Files(&files), &batch, &policy, &progress)
                })
                .map_err(|e| e.to_string());
            let report = match report {
                Ok(r) => r,
                Err(e) => {
                    st.uploads.drop_upload(&tok);
                    return Err(e);
                }
            };
            let body = wire::UploadCheckBody {
                valid: report.errors.is_empty(),
                report: crate::convert::report_body(&report),
                token: tok,
                files: names,
            };
            serde_json::to_value(body).map_err(|e| e.to_string())
        });
    state.uploads.set_check(&token, &job);
    Ok(Json(wire::JobStarted {
        job,
        token: Some(token),
    }))
}

/// Imports a checked upload atomically (nothing at all if any row is bad).
pub async fn commit(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(token): Path<String>,
) -> Result<Json<wire::JobStarted>, ApiError> {
    if !state.uploads.owned_by(&token, &caller.login) {
        return Err(ApiError::NotFound(format!("no pending upload {token}")));
    }
    // The check reads the upload's files: it must end before they move on.
    if let Some(check) = state.uploads.check(&token)
        && state.jobs.get(&check).is_some_and(|j| {
            j.outcome
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_none()
        })
    {
        return Err(ApiError::BadRequest(format!(
            "upload {token} is still being checked: wait for job {check} to end, then commit"
        )));
    }
    let upload = state
        .uploads
        .take(&token)
        .ok_or_else(|| ApiError::NotFound(format!("no pending upload {token}")))?;
    let st = state.clone();
    let at = (state.clock)();
    let policy = WritePolicy::within(upload.owner.write_scope());
    let job = state
        .jobs
        .spawn(&caller.login, "upload import", upload.bytes(), move |job| {
            let progress = crate::jobs::JobProgress {
                job,
                before: Default::default(),
                current: Default::default(),
            };
            let batch = BatchInfo {
                actor: format!("{} ({})", upload.owner.login, upload.owner.origin),
                at,
                source: format!("upload {}", upload.names().join(", ")),
            };
            let report = st
                .with_store(|store| {
                    ingest(
                        store,
                        Source::Files(&upload.files),
                        &batch,
                        &policy,
                        &progress,
                    )
                })
                .map_err(|e| e.to_string())?;
            drop(upload);
            if report.out_of_scope > 0 {
                return Err(format!(
                    "{} rows are outside your scope; nothing was stored",
                    report.out_of_scope
                ));
            }
            if report.batch_id.is_some() {
                // Done once the platform shows the imported rows.
                let kinds: Vec<_> = report.counts.keys().copied().collect();
                let g = st.written(&kinds);
                st.wait_for(g).map_err(|e| e.to_string())?;
            }
            Ok(report_json(&report))
        });
    Ok(Json(wire::JobStarted { job, token: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry whose header lies about its sizes is refused while it is
    /// unpacked, soon after it passes the bound, not once it is whole.
    #[test]
    fn a_lying_entry_is_refused_while_unpacking() {
        let limits = UploadLimits::default();
        let read = std::cell::Cell::new(0u64);
        let entry = std::io::repeat(b'a').take(1 << 32).inspect_len(&read);
        let consumed = || read.get() / 1000;
        let e = unpack_entry(
            ("z.zip", "m.csv"),
            entry,
            (0, 1 << 30),
            &consumed,
            (&limits, 0),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("200 times its compressed size"),
            "{e}"
        );
        assert!(read.get() < 2 * RATIO_FROM, "read {} bytes", read.get());
        let small = UploadLimits {
            file_bytes: 4 << 20,
            ..limits
        };
        let consumed = || read.get();
        let entry = std::io::repeat(b'a').take(1 << 32).inspect_len(&read);
        let e = unpack_entry(
            ("z.zip", "m.csv"),
            entry,
            (0, 1 << 30),
            &consumed,
            (&small, 0),
        )
        .unwrap_err();
        assert!(e.to_string().contains("more than 4 MiB"), "{e}");
        assert!(read.get() < 5 << 20, "read {} bytes", read.get());
    }

    /// A reader counting what was read from it.
    struct Counted<'a, R> {
        inner: R,
        read: &'a std::cell::Cell<u64>,
    }

    trait InspectLen: Sized {
        fn inspect_len(self, read: &std::cell::Cell<u64>) -> Counted<'_, Self>;
    }

    impl<R: Read> InspectLen for R {
        fn inspect_len(self, read: &std::cell::Cell<u64>) -> Counted<'_, Self> {
            read.set(0);
            Counted { inner: self, read }
        }
    }

    impl<R: Read> Read for Counted<'_, R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }
}
