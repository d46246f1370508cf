//! Spreadsheet upload (数据上传): files or a zip of a dataset are checked
//! first and the row-level report is shown before anything is stored;
//! confirming imports the same files atomically.

use crate::error::ApiError;
use crate::error::extract::{Multipart, Path};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value as J, json};
use std::io::Read;
use xiezuo_engine::import::{ImportOptions, ImportReport, import_dir};
use xiezuo_store::BatchInfo;

/// Keeps an upload's files in a directory until it is committed or dropped.
pub struct Upload {
    pub dir: tempfile::TempDir,
    pub files: Vec<String>,
    /// Who uploaded it: only they may commit it.
    pub owner: crate::auth::Caller,
    /// The id of its check job: it is committed only once that has ended.
    pub check: Option<String>,
}

/// Rows of an upload that lie outside the caller's scope, as row errors
/// (file, line, reason). Administrators write everywhere.
pub fn scope_errors(
    st: &AppState,
    caller: &crate::auth::Caller,
    dir: &std::path::Path,
    files: &[String],
) -> Result<Vec<J>, String> {
    if caller.role == xiezuo_engine::accounts::Role::Admin {
        return Ok(Vec::new());
    }
    use xiezuo_exchange::FileKind;
    // Rows may name records stored moments ago: check against a snapshot
    // with every write so far.
    let snap = st.fresh_snapshot().map_err(|e| e.to_string())?;
    let scope = crate::access::Scope { caller };
    let d = &snap.data;
    // Registry rows name no region or pairing of their own: they belong to
    // their household's village (households and persons of the same upload
    // first, then the store), and training attendance to its training's
    // pairing.
    let mut villages: std::collections::HashMap<String, u64> = Default::default();
    let mut person_household: std::collections::HashMap<String, String> = Default::default();
    let mut training_pairing: std::collections::HashMap<String, String> = Default::default();
    let mut ordered: Vec<(FileKind, &String)> = files
        .iter()
        .filter_map(|f| {
            let stem = f.rsplit_once('.').map_or(f.as_str(), |(s, _)| s);
            FileKind::from_stem(stem).map(|k| (k, f))
        })
        .collect();
    ordered.sort_by_key(|(k, _)| *k as usize);
    let stored_cell = |kind: FileKind, key: &str, col: &str| -> Option<String> {
        let text = st
            .with_store(|s| crate::records::stored_text(s, kind, key))
            .ok()
            .flatten()?;
        kind.col(col).and_then(|i| text.get(i).cloned())
    };
    let village_of = |villages: &std::collections::HashMap<String, u64>, household: &str| {
        villages.get(household).copied().or_else(|| {
            stored_cell(FileKind::Households, household, "village").and_then(|v| v.parse().ok())
        })
    };
    let mut errors = Vec::new();
    for (kind, f) in ordered {
        // Unreadable files are reported by the import check itself.
        let Ok(mut r) = xiezuo_exchange::TableReader::open(kind, &dir.join(f)) else {
            continue;
        };
        while let Some(line) = r.next_row() {
            let Ok(line) = line else { continue };
            let fields = r.fields();
            let text: Vec<String> = r
                .header
                .positions
                .iter()
                .map(|p| {
                    p.and_then(|i| fields.get(i))
                        .map_or(String::new(), |v| v.trim().to_string())
                })
                .collect();
            let col = |name: &str| {
                kind.col(name)
                    .and_then(|i| text.get(i))
                    .map_or("", String::as_str)
            };
            let allowed = match kind {
                FileKind::Households => {
                    villages.insert(
                        col("household_id").to_string(),
                        col("village").parse().unwrap_or(0),
                    );
                    scope.may_write(d, kind, &text)
                }
                FileKind::Persons | FileKind::HouseholdIncome => {
                    if kind == FileKind::Persons {
                        person_household.insert(
                            col("person_id").to_string(),
                            col("household_id").to_string(),
                        );
                    }
                    village_of(&villages, col("household_id"))
                        .is_some_and(|v| scope.may_write_region(v))
                }
                FileKind::Seekers => {
                    let p = col("person_id");
                    let h = person_household
                        .get(p)
                        .cloned()
                        .or_else(|| stored_cell(FileKind::Persons, p, "household_id"));
                    h.and_then(|h| village_of(&villages, &h))
                        .is_some_and(|v| scope.may_write_region(v))
                }
                FileKind::Trainings => {
                    training_pairing.insert(
                        col("training_id").to_string(),
                        col("pairing_id").to_string(),
                    );
                    scope.may_write(d, kind, &text)
                }
                FileKind::TrainingAttendance => {
                    let t = col("training_id");
                    let pairing = training_pairing.get(t).cloned().or_else(|| {
                        d.training_idx.get(t).map(|&i| {
                            d.pairings[d.trainings[i as usize].0 as usize]
                                .pairing_id
                                .to_string()
                        })
                    });
                    pairing.is_some_and(|p| scope.pairing_id(d, &p) && scope.may_write_region(0))
                }
                _ => scope.may_write(d, kind, &text),
            };
            if !allowed {
                errors.push(json!({ "file": f, "line": line, "column": null,
                    "reason": format!("this {} row is outside your scope ({} {})", kind.stem(), caller.role.as_str(), caller.region.map(|r| r.to_string()).or(caller.organisation.clone()).unwrap_or_default()) }));
                if errors.len() >= 1000 {
                    return Ok(errors);
                }
            }
        }
    }
    Ok(errors)
}

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
    json!({
        "errors": r.errors.iter().map(|e| json!({ "file": e.error.file, "line": e.error.line, "column": e.error.column, "reason": e.error.reason })).collect::<Vec<_>>(),
        "counts": r.counts.iter().map(|(k, c)| json!({ "file": k.stem(), "read": c.read, "new": c.inserted, "changed": c.updated, "unchanged": c.unchanged, "rejected": c.rejected })).collect::<Vec<_>>(),
        "batch_id": r.batch_id,
    })
}

/// An internal failure (I/O, a task that did not finish, an import that failed).
fn failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

/// An upload that cannot be read (a broken multipart body or zip file): the client's fault.
fn bad_upload(e: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(e.to_string())
}

/// Receives files (or a zip of them) and returns the validation report; nothing is stored.
pub async fn create(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::auth::Caller>,
    Multipart(mut form): Multipart,
) -> Result<Json<J>, ApiError> {
    let dir = tempfile::tempdir().map_err(failed)?;
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad_upload)? {
        let name = field.file_name().map(str::to_string).unwrap_or_default();
        let bytes = field.bytes().await.map_err(bad_upload)?;
        if name.to_lowercase().ends_with(".zip") {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
                .map_err(|e| bad_upload(format!("{name}: not a zip file: {e}")))?;
            for i in 0..z.len() {
                let mut entry = z.by_index(i).map_err(bad_upload)?;
                if entry.is_dir() {
                    continue;
                }
                let entry_name = entry.name().map_err(bad_upload)?.to_string();
                let Some(n) = safe_name(&entry_name) else {
                    continue;
                };
                if !(n.ends_with(".csv") || n.ends_with(".xlsx")) {
                    continue;
                }
                let mut buf = Vec::new();
                entry.read_to_end(&mut buf).map_err(bad_upload)?;
                std::fs::write(dir.path().join(&n), buf).map_err(failed)?;
                files.push(n);
            }
        } else if let Some(n) = safe_name(&name) {
            std::fs::write(dir.path().join(&n), &bytes).map_err(failed)?;
            files.push(n);
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
    let total: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(dir.path().join(f)).ok())
        .map(|m| m.len())
        .sum();
    let st = state.clone();
    let path = dir.path().to_path_buf();
    let token = state.keep_upload(Upload {
        dir,
        files: files.clone(),
        owner: caller.clone(),
        check: None,
    });
    let tok = token.clone();
    let login = caller.login.clone();
    let job = crate::jobs::spawn(&state, &login, "upload check", total, move |job| {
        let progress = crate::jobs::JobProgress {
            job,
            before: Default::default(),
            current: Default::default(),
        };
        let report = st
            .with_store(|store| {
                let batch = BatchInfo {
                    actor: "web".into(),
                    at: String::new(),
                    source: "upload (check)".into(),
                };
                import_dir(
                    store,
                    &path,
                    &batch,
                    ImportOptions {
                        skip_invalid: false,
                        dry_run: true,
                    },
                    &progress,
                )
            })
            .map_err(|e| e.to_string())?;
        let mut body = report_json(&report);
        let denied = scope_errors(&st, &caller, &path, &files)?;
        let valid = report.errors.is_empty() && denied.is_empty();
        if let Some(errs) = body["errors"].as_array_mut() {
            errs.extend(denied);
        }
        body["token"] = json!(tok);
        body["files"] = json!(files);
        body["valid"] = json!(valid);
        Ok(body)
    });
    state.set_upload_check(&token, &job);
    Ok(Json(json!({ "job": job, "token": token })))
}

/// Imports a checked upload atomically (nothing at all if any row is bad).
pub async fn commit(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::auth::Caller>,
    Path(token): Path<String>,
) -> Result<Json<J>, ApiError> {
    if !state.upload_owned_by(&token, &caller.login) {
        return Err(ApiError::NotFound(format!("no pending upload {token}")));
    }
    // The check reads the upload's files: it must end before they move on.
    if let Some(check) = state.upload_check(&token)
        && state.job(&check).is_some_and(|j| {
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
        .take_upload(&token)
        .ok_or_else(|| ApiError::NotFound(format!("no pending upload {token}")))?;
    let st = state.clone();
    let at = (state.clock)();
    let total: u64 = upload
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(upload.dir.path().join(f)).ok())
        .map(|m| m.len())
        .sum();
    let job = crate::jobs::spawn(&state, &caller.login, "upload import", total, move |job| {
        let progress = crate::jobs::JobProgress {
            job,
            before: Default::default(),
            current: Default::default(),
        };
        let denied = scope_errors(&st, &upload.owner, upload.dir.path(), &upload.files)?;
        if !denied.is_empty() {
            return Err(format!(
                "{} rows are outside your scope; nothing was stored",
                denied.len()
            ));
        }
        let report = st
            .with_store(|store| {
                let batch = BatchInfo {
                    actor: format!("{} ({})", upload.owner.login, upload.owner.origin),
                    at,
                    source: format!("upload {}", upload.files.join(", ")),
                };
                import_dir(
                    store,
                    upload.dir.path(),
                    &batch,
                    ImportOptions::default(),
                    &progress,
                )
            })
            .map_err(|e| e.to_string())?;
        drop(upload);
        if report.batch_id.is_some() {
            // Done once the platform shows the imported rows.
            let kinds: Vec<_> = report.counts.keys().copied().collect();
            let g = st.written(&kinds);
            st.wait_for(g).map_err(|e| e.to_string())?;
        }
        Ok(report_json(&report))
    });
    Ok(Json(json!({ "job": job })))
}
