//! Downloads: blank XLSX templates per file kind (Chinese headers,
//! drop-down lists) and the assessment ranking as XLSX.

use crate::error::ApiError;
use crate::error::extract::Path;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use xiezuo_engine::views::Ranking;
use xiezuo_exchange::FileKind;
use xiezuo_exchange::writer::{Plain, plain_xlsx_bytes, template_bytes};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An internal failure (I/O, a task that did not finish, an import that failed).
fn failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

fn attachment(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /api/v1/templates/{kind}.xlsx`
pub async fn template(Path(file): Path<String>) -> Result<Response, ApiError> {
    let stem = file.strip_suffix(".xlsx").unwrap_or(&file);
    let kind = FileKind::from_stem(stem)
        .ok_or_else(|| ApiError::NotFound(format!("no template {file}")))?;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        template_bytes(kind).map_err(failed)
    })
    .await
    .map_err(failed)??;
    Ok(attachment(&kind.file_name("xlsx"), bytes))
}

/// `GET /api/v1/assessments/{year}/export.xlsx`: the whole ranking, best
/// first (the rows the caller may see).
pub async fn ranking_xlsx(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(year): Path<i32>,
) -> Result<Response, ApiError> {
    let st = state.clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let snap = st.snapshot()?;
        let a = snap.assessment(snap.known_year(year)?, &st.method);
        let mut headers: Vec<String> = ["结对编号 pairing_id", "考核对象 side"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        headers.extend(a.columns.iter().cloned());
        headers.extend(["总分 total".to_string(), "等次 grade".to_string()]);
        let scope = crate::access::Scope { caller: &caller };
        let ranking = Ranking::of(&a, |id| scope.pairing_id(&snap.data, id));
        let rows: Vec<Vec<Plain>> = ranking
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![Plain::Text(r.pairing_id.into()), Plain::Text(r.side.into())];
                row.extend(
                    a.columns
                        .iter()
                        .map(|c| r.points(c).map_or(Plain::Empty, Plain::Number)),
                );
                row.push(Plain::Number(r.total));
                row.push(Plain::Text(r.grade.into()));
                row
            })
            .collect();
        plain_xlsx_bytes("ranking.xlsx", &format!("考核 {year}"), &headers, &rows).map_err(failed)
    })
    .await
    .map_err(failed)??;
    Ok(attachment(&format!("assessment-{year}.xlsx"), bytes))
}
