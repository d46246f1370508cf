//! Spreadsheet upload (数据上传): files or a zip of a dataset are checked
//! first and the row-level report is shown before anything is stored;
//! confirming imports the same files atomically. The files stay in memory
//! between the check and the commit, never on disk, and expire.

use crate::error::extract::{Multipart, Path};
use crate::error::{ApiError, ErrorKind};
use crate::pending::Upload;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::Value as J;
use std::sync::Arc;
use std::time::Instant;
use xiezuo_api as wire;
use xiezuo_domain::Message;
use xiezuo_engine::import::{
    ImportReport, NamedFile, Source, StreamedFile, WriteMode, WritePolicy, ingest,
};
use xiezuo_store::BatchInfo;

pub(crate) fn safe_name(name: &str) -> Option<String> {
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
pub(crate) fn bad_upload(e: impl std::fmt::Display) -> ApiError {
    crate::error::extract::bad("api.bad_multipart", e.to_string())
}

/// Receives files (or a zip of them) and returns the validation report; nothing is stored.
pub async fn create(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Multipart(mut form): Multipart,
) -> Result<Json<wire::JobStarted>, ApiError> {
    let mut files: Vec<Arc<dyn StreamedFile>> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad_upload)? {
        let name = field.file_name().map(str::to_string).unwrap_or_default();
        let bytes = field.bytes().await.map_err(bad_upload)?;
        if name.to_lowercase().ends_with(".zip") {
            // Only the compressed archive is kept; its entries are
            // unpacked as they are read.
            let entries = crate::zipped::entries(
                &name,
                bytes.to_vec().into(),
                &state.upload_limits,
                safe_name,
            )
            .map_err(|m| ApiError::said(ErrorKind::BadRequest, m))?;
            files.extend(
                entries
                    .into_iter()
                    .map(|e| Arc::new(e) as Arc<dyn StreamedFile>),
            );
        } else if let Some(n) = safe_name(&name) {
            files.push(Arc::new(NamedFile {
                name: n,
                bytes: bytes.to_vec().into(),
            }));
        } else if !name.is_empty() {
            return Err(ApiError::said(
                ErrorKind::BadRequest,
                Message::new("api.bad_file_name").with("name", name),
            ));
        }
    }
    if files.is_empty() {
        return Err(ApiError::said(
            ErrorKind::BadRequest,
            Message::new("api.no_files"),
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
                    ingest(store, Source::Streams(&files), &batch, &policy, &progress)
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
        return Err(ApiError::said(
            ErrorKind::NotFound,
            Message::new("api.no_pending_upload").with("token", &token),
        ));
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
        return Err(ApiError::said(
            ErrorKind::BadRequest,
            Message::new("api.upload_checking")
                .with("token", &token)
                .with("job", check),
        ));
    }
    let upload = state.uploads.take(&token).ok_or_else(|| {
        ApiError::said(
            ErrorKind::NotFound,
            Message::new("api.no_pending_upload").with("token", &token),
        )
    })?;
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
                        Source::Streams(&upload.files),
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
