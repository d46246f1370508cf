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
    let kind = FileKind::from_stem(stem).ok_or_else(|| {
        ApiError::said(
            crate::error::ErrorKind::NotFound,
            xiezuo_domain::Message::new("api.no_template").with("file", &file),
        )
    })?;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        template_bytes(kind).map_err(failed)
    })
    .await
    .map_err(failed)??;
    Ok(attachment(&kind.file_name("xlsx"), bytes))
}

/// `GET /api/v1/assessments/{year}/export.xlsx?method=&side=&grade=&province=`:
/// the ranking as the page shows it (the same filters, the rows the caller
/// may see), best first and ranked within each side, with Chinese headers,
/// names and grades.
pub async fn ranking_xlsx(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(year): Path<i32>,
    crate::error::extract::Query(q): crate::error::extract::Query<crate::api::RankingQuery>,
) -> Result<Response, ApiError> {
    let method = state.method_by_id(q.method.as_deref()).ok_or_else(|| {
        ApiError::said(
            crate::error::ErrorKind::BadRequest,
            xiezuo_domain::Message::new("api.unknown_method_id")
                .with("id", q.method.as_deref().unwrap_or("")),
        )
    })?;
    let st = state.clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let snap = st.snapshot()?;
        let d = &snap.data;
        let a = snap.assessment(snap.known_year(year)?, &method);
        let label = |c: &str| {
            method
                .sides
                .iter()
                .flat_map(|s| &s.components)
                .find(|k| k.name == c)
                .map_or(c.to_string(), |k| k.label.clone())
        };
        let grade = |g: &str| {
            method
                .grades
                .iter()
                .find(|x| x.grade == g)
                .map_or(g.to_string(), |x| x.label.clone())
        };
        let side_zh = |s: &str| {
            if s == "east" {
                "东部帮扶方"
            } else {
                "西部受帮扶方"
            }
        };
        let mut headers: Vec<String> = ["排名", "结对", "结对编号", "考核对象"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        headers.extend(a.columns.iter().map(|c| label(c)));
        headers.extend(["总分".to_string(), "等次".to_string()]);
        let scope = crate::access::Scope { caller: &caller };
        let ranking = Ranking::of(&a, |id| scope.pairing_id(d, id));
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let (side, grade_q, province) = (given(&q.side), given(&q.grade), given(&q.province));
        let mut rank_in_side: std::collections::HashMap<&str, usize> = Default::default();
        let mut rows: Vec<Vec<Plain>> = Vec::new();
        for r in &ranking.rows {
            let rank = {
                let n = rank_in_side.entry(r.side).or_default();
                *n += 1;
                *n
            };
            let Some(&pi) = d.pairing_idx.get(r.pairing_id) else {
                continue;
            };
            if side.as_deref().is_some_and(|s| s != r.side)
                || grade_q.as_deref().is_some_and(|g| g != r.grade)
            {
                continue;
            }
            if let Some(p) = &province
                && !crate::api::pairing_provinces(d, pi)
                    .iter()
                    .any(|c| c.starts_with(p.as_str()))
            {
                continue;
            }
            let mut row = vec![
                Plain::Number(rank as f64),
                Plain::Text(crate::api::pairing_name(d, pi)),
                Plain::Text(r.pairing_id.into()),
                Plain::Text(side_zh(r.side).into()),
            ];
            row.extend(
                a.columns
                    .iter()
                    .map(|c| r.points(c).map_or(Plain::Empty, Plain::Number)),
            );
            row.push(Plain::Number(r.total));
            row.push(Plain::Text(grade(r.grade)));
            rows.push(row);
        }
        plain_xlsx_bytes("ranking.xlsx", &format!("考核 {year}"), &headers, &rows).map_err(failed)
    })
    .await
    .map_err(failed)??;
    Ok(attachment(&format!("assessment-{year}.xlsx"), bytes))
}
