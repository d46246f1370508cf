//! Publication (审定公布) over HTTP: a party's print-ready report and the
//! XLSX of a whole round, both from the round's frozen result
//! (`xiezuo_engine::publication`). Before the round is published they are
//! the preliminary result (初步结果), which the parties read to appeal.
//! The report follows the `Pairing` rule; the workbook holds the rows of
//! the pairings the caller may see.

use crate::error::extract::Path;
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use xiezuo_engine::publication::{self, PublicationError};

pub(crate) fn api_error(e: PublicationError) -> ApiError {
    use PublicationError as E;
    let kind = match e {
        E::Round(r) => return crate::rounds::api_error(r),
        E::NotAssessed { .. } => ErrorKind::NotFound,
        E::BadSide(_) => ErrorKind::BadRequest,
        E::NotFrozen(_) => ErrorKind::Conflict,
        E::Appeal(_) | E::SelfEvaluation(_) | E::Corrupt(_) | E::Write(_) => {
            return ApiError::internal(e);
        }
    };
    ApiError::said(kind, e.message())
}

/// The method a round was assessed with, as loaded by the server.
fn method_of(
    state: &AppState,
    id: &str,
) -> Result<std::sync::Arc<xiezuo_engine::assess::method::Method>, ApiError> {
    state.method_by_id(Some(id)).ok_or_else(|| {
        ApiError::said(
            ErrorKind::Conflict,
            xiezuo_domain::Message::new("process.method_not_loaded").with("id", id),
        )
    })
}

/// `GET /api/v1/rounds/{year}/report/{id}/{side}`: the report of one party
/// as one HTML page, ready to print (or save as PDF).
pub async fn report(
    State(state): State<AppState>,
    Path((year, pairing, side)): Path<(i32, String, String)>,
) -> Result<Response, ApiError> {
    let snap = state.snapshot_now().await?;
    let st = state.clone();
    let page = tokio::task::spawn_blocking(move || -> Result<String, ApiError> {
        let r = st
            .with_store(|s| publication::party_report(s, &snap.data, year, &pairing, &side))
            .map_err(api_error)?;
        let method = method_of(&st, &r.method_id)?;
        Ok(publication::html::render(&r, &method))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response())
}

/// `GET /api/v1/rounds/{year}/export.xlsx`: the whole round — its history,
/// scores, ranking, indicators, findings, penalties and appeals — one sheet
/// each, with the rows of the pairings the caller may see.
pub async fn workbook(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
) -> Result<Response, ApiError> {
    let snap = state.snapshot_now().await?;
    let st = state.clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let r = st
            .with_store(|s| publication::frozen_result(s, year))
            .map_err(api_error)?;
        let method = method_of(&st, &r.freeze.method_id)?;
        let scope = crate::access::Scope { caller: &caller };
        let keep = |id: &str| scope.pairing_id(&snap.data, id);
        st.with_store(|s| publication::workbook::workbook(s, &snap.data, &r, &method, &keep))
            .map_err(api_error)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"round-{year}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
