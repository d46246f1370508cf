//! Attachments of a self-evaluation (自评佐证材料) over HTTP: a side's own
//! party adds (multipart files) and removes its documents during the
//! round's self-evaluation step; whoever may see the pairing downloads
//! them (the `Pairing` rule). The rules are `xiezuo_engine::evidence`.

use crate::error::extract::{Multipart, Path};
use crate::error::{ApiError, ErrorKind};
use crate::self_evaluations::{api_error, body, parties, side_parties};
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use xiezuo_api as wire;
use xiezuo_domain::Message;
use xiezuo_engine::evidence;
use xiezuo_engine::round::messages::not_party;

/// The largest body of an upload of attachments: the files of one side.
pub(crate) const ATTACHMENT_BODY_MAX: usize = evidence::MAX_BYTES * 2 + 64 * 1024;

/// Refuses a caller that does not act for the side's party.
fn own_side(
    s: &dyn xiezuo_store::Store,
    caller: &Caller,
    id: &str,
    side: &str,
) -> Result<(), ApiError> {
    let ps = parties(s, id)?;
    let (own, _) = side_parties(side, &ps)?;
    if caller.acts_for(own) {
        Ok(())
    } else {
        Err(ApiError::said(
            ErrorKind::Forbidden,
            not_party("self_evaluation.not_party", id, side),
        ))
    }
}

/// `POST /api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments`:
/// adds the uploaded files, all or none.
pub async fn add(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id, side)): Path<(i32, String, String)>,
    Multipart(mut form): Multipart,
) -> Result<Json<wire::SelfEvaluationsBody>, ApiError> {
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(crate::upload::bad_upload)? {
        let name = field.file_name().map(str::to_string).unwrap_or_default();
        let bytes = field.bytes().await.map_err(crate::upload::bad_upload)?;
        if !name.is_empty() {
            files.push((name, bytes));
        }
    }
    if files.is_empty() {
        return Err(ApiError::said(
            ErrorKind::BadRequest,
            Message::new("api.no_files"),
        ));
    }
    let at = (state.clock)();
    state
        .with_store(|s| {
            own_side(s, &caller, &id, &side)?;
            let mut added = Vec::new();
            for (name, bytes) in &files {
                match evidence::add(s, year, &id, &side, name, bytes, &caller.login, &at) {
                    Ok(a) => added.push(a.n),
                    Err(e) => {
                        // All or none: the files added before this one go.
                        for n in added {
                            let _ = evidence::remove(s, year, &id, &side, n);
                        }
                        return Err(api_error(e));
                    }
                }
            }
            body(s, &caller, year, &id)
        })
        .map(Json)
}

/// `DELETE …/attachments/{n}`: removes one of the side's own attachments.
pub async fn remove(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id, side, n)): Path<(i32, String, String, u32)>,
) -> Result<Json<wire::SelfEvaluationsBody>, ApiError> {
    state
        .with_store(|s| {
            own_side(s, &caller, &id, &side)?;
            evidence::remove(s, year, &id, &side, n).map_err(api_error)?;
            body(s, &caller, year, &id)
        })
        .map(Json)
}

/// `GET …/attachments/{n}`: the document itself, as a download.
pub async fn get(
    State(state): State<AppState>,
    Path((year, id, side, n)): Path<(i32, String, String, u32)>,
) -> Result<Response, ApiError> {
    let (a, bytes) = state
        .with_store(|s| evidence::content(s, year, &id, &side, n))
        .map_err(api_error)?;
    // The name in RFC 5987 form: any character is percent-encoded.
    let encoded: String = a
        .name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition =
        format!("attachment; filename=\"attachment-{n}\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (header::CONTENT_TYPE, a.media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
