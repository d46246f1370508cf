//! The assessment rounds (考核轮次) over HTTP: every signed-in caller reads
//! them; administrators open, advance and freeze them (the access rule
//! `Rounds`). The procedure itself is `xiezuo_engine::round`.

use crate::error::extract::{JsonBody, Path};
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use xiezuo_api as wire;
use xiezuo_domain::Message;
use xiezuo_engine::round::{self, Round, RoundError, RoundState};

/// The largest body of a round step: a reason and a method id.
pub(crate) const ROUND_BODY_MAX: usize = 8 * 1024;

/// Today in China time, from the server's clock.
fn today(state: &AppState) -> chrono::NaiveDate {
    xiezuo_engine::schedule::china_date(&(state.clock)())
}

fn body(state: &AppState, r: &Round) -> wire::RoundBody {
    let deadlines = match state.method_by_id(Some(&r.method_id)) {
        Some(m) => xiezuo_engine::schedule::schedule(r, &m, today(state))
            .into_iter()
            .map(|d| wire::StepDueBody {
                step: d.step.as_str().into(),
                due: d.due.to_string(),
                done: d.done,
                overdue: d.overdue,
            })
            .collect(),
        None => Vec::new(),
    };
    wire::RoundBody {
        deadlines,
        samples: r
            .samples
            .iter()
            .map(|x| wire::SampleBody {
                seed: x.seed,
                at: x.at.clone(),
                actor: x.actor.clone(),
                digest: x.digest.clone(),
                method_id: x.method_id.clone(),
                counts: x.counts.clone(),
            })
            .collect(),
        year: r.year,
        method_id: r.method_id.clone(),
        state: r.state.as_str().into(),
        state_zh: r.state.label_zh().into(),
        next: r.state.next().map(|s| s.as_str().to_string()),
        frozen: r.frozen.as_ref().map(|f| wire::FreezeBody {
            version: f.version,
            at: f.at.clone(),
            actor: f.actor.clone(),
            reason: f.reason.clone(),
            last_batch: f.last_batch,
            method_id: f.method_id.clone(),
            files: f.files.clone(),
        }),
        events: r
            .events
            .iter()
            .map(|e| wire::RoundEventBody {
                at: e.at.clone(),
                actor: e.actor.clone(),
                action: e.action.clone(),
                from: e.from.map(|s| s.as_str().to_string()),
                to: e.to.as_str().into(),
                reason: e.reason.clone(),
            })
            .collect(),
    }
}

pub(crate) fn api_error(e: RoundError) -> ApiError {
    let kind = match e {
        RoundError::NoRound(_) => ErrorKind::NotFound,
        RoundError::NoReason => ErrorKind::BadRequest,
        RoundError::AlreadyFrozen { .. } | RoundError::TooLateToFreeze { .. } => ErrorKind::Frozen,
        RoundError::Exists(_)
        | RoundError::OutOfOrder { .. }
        | RoundError::NotFrozen(_)
        | RoundError::Concurrent
        | RoundError::PenaltiesNotNow { .. }
        | RoundError::PenaltiesApplied(_)
        | RoundError::SampleMoved(_) => ErrorKind::Conflict,
        RoundError::NoSample(_) => ErrorKind::NotFound,
        RoundError::Store(s) => return ApiError::Store(s),
        RoundError::Corrupt(_) => return ApiError::internal(e),
    };
    ApiError::said(kind, e.message())
}

/// `GET /api/v1/rounds`.
pub async fn list(State(state): State<AppState>) -> Result<Json<wire::RoundsBody>, ApiError> {
    let rounds = state.with_store(|s| round::rounds(s)).map_err(api_error)?;
    Ok(Json(wire::RoundsBody {
        rounds: rounds.values().map(|r| body(&state, r)).collect(),
    }))
}

/// The stored round of a year; 404 naming the year when there is none.
pub(crate) fn stored_round(state: &AppState, year: i32) -> Result<Round, ApiError> {
    state
        .with_store(|s| round::round(s, year))
        .map_err(api_error)?
        .ok_or_else(|| api_error(RoundError::NoRound(year)))
}

/// `GET /api/v1/rounds/{year}`.
pub async fn get(
    State(state): State<AppState>,
    Path(year): Path<i32>,
) -> Result<Json<wire::RoundBody>, ApiError> {
    let r = stored_round(&state, year)?;
    Ok(Json(body(&state, &r)))
}

/// The method a round step names (default: the platform's).
fn method_of(
    state: &AppState,
    id: Option<&str>,
) -> Result<std::sync::Arc<xiezuo_engine::assess::method::Method>, ApiError> {
    state.method_by_id(id).ok_or_else(|| {
        ApiError::said(
            crate::error::ErrorKind::BadRequest,
            xiezuo_domain::Message::new("api.unknown_method"),
        )
    })
}

/// `POST /api/v1/rounds/{year}/open`.
pub async fn open(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    JsonBody(b): JsonBody<wire::RoundReason>,
) -> Result<Json<wire::RoundBody>, ApiError> {
    let method = method_of(&state, b.method.as_deref())?;
    let at = (state.clock)();
    let r = state
        .with_store(|s| round::open(s, year, &method.id, &caller.login, &b.reason, &at))
        .map_err(api_error)?;
    Ok(Json(body(&state, &r)))
}

/// `POST /api/v1/rounds/{year}/advance`.
pub async fn advance(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    JsonBody(b): JsonBody<wire::RoundStep>,
) -> Result<Json<wire::RoundBody>, ApiError> {
    let to = RoundState::parse(&b.to).ok_or_else(|| {
        ApiError::said(
            ErrorKind::BadRequest,
            Message::new("round.unknown_state")
                .with("value", format!("{:?}", b.to))
                .with(
                    "expected",
                    RoundState::ALL.map(RoundState::as_str).join(", "),
                ),
        )
    })?;
    let at = (state.clock)();
    let r = state
        .with_store(|s| round::advance(s, year, to, &caller.login, &b.reason, &at))
        .map_err(api_error)?;
    Ok(Json(body(&state, &r)))
}

/// `POST /api/v1/rounds/{year}/freeze`: computes the year's assessment from
/// the store as it is and keeps it as the round's result.
pub async fn freeze(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    JsonBody(b): JsonBody<wire::RoundReason>,
) -> Result<Json<wire::RoundBody>, ApiError> {
    let method = method_of(&state, b.method.as_deref())?;
    let at = (state.clock)();
    let r = state
        .with_store(|s| round::freeze(s, year, &method, &caller.login, &b.reason, &at))
        .map_err(api_error)?;
    Ok(Json(body(&state, &r)))
}

/// The body of `POST /api/v1/rounds/{year}/sample`.
#[derive(serde::Deserialize)]
pub struct SampleRequest {
    /// The seed of the draw (recorded in the round).
    pub seed: u64,
}

/// `POST /api/v1/rounds/{year}/sample`: draws the cross-check sample
/// (交叉核查抽样) of a frozen round with a seed, records the seed and the
/// digest of `sample.csv` in the round, and assigns the teams; the same as
/// `xiezuo sample`.
pub async fn sample(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    JsonBody(b): JsonBody<SampleRequest>,
) -> Result<Json<wire::RoundBody>, ApiError> {
    let r = stored_round(&state, year)?;
    let method = method_of(&state, Some(&r.method_id))?;
    let at = (state.clock)();
    let drawn = state
        .with_store(|s| round::sample::sample(s, year, b.seed, &method, &caller.login, &at))
        .map_err(api_error)?;
    Ok(Json(body(&state, &drawn.round)))
}

/// `GET /api/v1/rounds/{year}/sample/{file}`: `sample.csv` or `teams.csv`
/// of the round's latest sample, as `xiezuo sample` writes them (drawn
/// again from the recorded seed, refused if they no longer match the
/// recorded digest).
pub async fn sample_file(
    State(state): State<AppState>,
    Path((year, file)): Path<(i32, String)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let r = stored_round(&state, year)?;
    let method = method_of(&state, Some(&r.method_id))?;
    let st = state.clone();
    let (_, files) = tokio::task::spawn_blocking(move || {
        st.with_store(|s| round::sample::latest_files(s, year, &method))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(api_error)?;
    let Some((name, bytes)) = files.into_iter().find(|(n, _)| *n == file) else {
        return Err(crate::api::not_found().await);
    };
    let disposition = format!("attachment; filename=\"{year}-{name}\"");
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /api/v1/rounds/{year}/penalties`: applies the method's penalties
/// to the records the teams found falsified (弄虚作假), once, at the end of
/// the cross-check step: the round's next frozen version. The same as
/// `xiezuo check apply`.
pub async fn penalties(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
) -> Result<Json<wire::RoundBody>, ApiError> {
    let r = stored_round(&state, year)?;
    let method = method_of(&state, Some(&r.method_id))?;
    let at = (state.clock)();
    state
        .with_store(|s| round::penalty::apply(s, year, &method, &caller.login, &at))
        .map_err(api_error)?;
    let r = stored_round(&state, year)?;
    Ok(Json(body(&state, &r)))
}
