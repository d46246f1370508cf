//! The cross-check teams' form (交叉核查结果) over HTTP. `GET
//! /api/v1/rounds/{year}/checks` lists the sampled records of the caller's
//! team (an office of a team's province: the pairings drawn for its team;
//! the national office and assessors: all) with their recorded results;
//! `POST` records results on them, all or none, with exactly the rules of a
//! filled-in `sample.csv` (`xiezuo check record`). Only the national office
//! and the team's own province office record; a row of another team's
//! pairing is refused. From `xiezuo_engine::round::team`.

use crate::error::extract::{JsonBody, Path};
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value as J, json};
use xiezuo_domain::Message;
use xiezuo_engine::accounts::{Role, region_covers};
use xiezuo_engine::round::RoundState;
use xiezuo_engine::round::check::CheckError;
use xiezuo_engine::round::sample::RESULTS;
use xiezuo_engine::round::team::{self, FormResult};

fn api_error(e: CheckError) -> ApiError {
    match e {
        CheckError::Round(r) => crate::rounds::api_error(r),
        CheckError::NotNow { year, state } => ApiError::said(
            ErrorKind::Conflict,
            Message::new("check.not_now")
                .with("year", year)
                .with("state", state.as_str())
                .with("state_zh", state.label_zh()),
        ),
        CheckError::Concurrent => {
            ApiError::said(ErrorKind::Conflict, Message::other(e.to_string()))
        }
        CheckError::Store(s) => ApiError::Store(s),
        other => ApiError::internal(other),
    }
}

/// Whether the caller records for the team of a province (its code).
fn on_team(caller: &Caller, province: Option<&String>) -> bool {
    match caller.role {
        Role::Admin => true,
        Role::Office => province.is_some_and(|p| {
            p.parse::<u64>()
                .is_ok_and(|code| caller.region.is_some_and(|c| region_covers(c, code)))
        }),
        _ => false,
    }
}

/// `GET /api/v1/rounds/{year}/checks`.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
) -> Result<Json<J>, ApiError> {
    let snap = state.snapshot_now().await?;
    let st = state.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<J, ApiError> {
        let r = crate::rounds::stored_round(&st, year)?;
        let teams = r.samples.last().map(|s| s.teams.clone()).unwrap_or_default();
        let reads_all = matches!(caller.role, Role::Admin | Role::Assessor);
        let keep = |p: &str| reads_all || on_team(&caller, teams.get(p));
        let method = st
            .method_by_id(Some(&r.method_id))
            .unwrap_or_else(|| st.method.clone());
        let sample = st
            .with_store(|s| team::team_sample(s, &snap.data, year, &method, &keep))
            .map_err(api_error)?;
        let Some(sample) = sample else {
            return Ok(json!({ "year": year, "state": r.state.as_str(), "seed": null, "rows": [], "results": RESULTS, "may_record": false }));
        };
        let rows: Vec<J> = sample
            .rows
            .iter()
            .map(|(x, v)| {
                json!({
                    "pairing_id": x.pairing_id,
                    "team": teams.get(&x.pairing_id),
                    "county": x.county,
                    "record_kind": x.record_kind,
                    "record_id": x.record_id,
                    "stratum": x.stratum,
                    "result": v.as_ref().map(|v| v.result.clone()),
                    "note": v.as_ref().map(|v| v.note.clone()),
                    "by": v.as_ref().map(|v| v.by.clone()),
                    "at": v.as_ref().map(|v| v.at.clone()),
                })
            })
            .collect();
        let may_record = r.state == RoundState::CrossCheck
            && matches!(caller.role, Role::Admin | Role::Office)
            && !rows.is_empty();
        Ok(json!({
            "year": year,
            "state": r.state.as_str(),
            "seed": sample.sample.seed,
            "results": RESULTS,
            "may_record": may_record,
            "rows": rows,
        }))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(body))
}

#[derive(Deserialize)]
pub struct ChecksSubmit {
    /// The seed of the sample the results are on.
    pub seed: u64,
    pub rows: Vec<ResultRow>,
}

#[derive(Deserialize)]
pub struct ResultRow {
    pub pairing_id: String,
    #[serde(default)]
    pub county: String,
    pub record_kind: String,
    pub record_id: String,
    pub stratum: String,
    pub result: String,
    #[serde(default)]
    pub note: String,
}

/// `POST /api/v1/rounds/{year}/checks`: `{recorded, saved, errors}`, each
/// error with the form row (`row`, from 0) it is about.
pub async fn record(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    JsonBody(b): JsonBody<ChecksSubmit>,
) -> Result<Json<J>, ApiError> {
    if !matches!(caller.role, Role::Admin | Role::Office) {
        return Err(ApiError::said(
            ErrorKind::Forbidden,
            Message::new("check.not_team"),
        ));
    }
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> Result<Json<J>, ApiError> {
        let r = crate::rounds::stored_round(&st, year)?;
        let teams = r
            .samples
            .iter()
            .find(|s| s.seed == b.seed)
            .map(|s| s.teams.clone())
            .unwrap_or_default();
        if let Some(x) = b
            .rows
            .iter()
            .find(|x| !on_team(&caller, teams.get(&x.pairing_id)))
        {
            return Err(ApiError::said(
                ErrorKind::Forbidden,
                Message::new("check.other_team").with("pairing", &x.pairing_id),
            ));
        }
        let rows: Vec<FormResult> = b
            .rows
            .into_iter()
            .map(|x| FormResult {
                pairing_id: x.pairing_id,
                county: x.county,
                record_kind: x.record_kind,
                record_id: x.record_id,
                stratum: x.stratum,
                result: x.result,
                note: x.note,
            })
            .collect();
        let method = st
            .method_by_id(Some(&r.method_id))
            .unwrap_or_else(|| st.method.clone());
        let at = (st.clock)();
        let n = rows.len();
        match st
            .with_store(|s| team::record_form(s, year, b.seed, &rows, &method, &caller.login, &at))
        {
            Ok(recorded) => Ok(Json(
                json!({ "recorded": recorded, "saved": true, "errors": [] }),
            )),
            Err(CheckError::Rows(errors)) => {
                let errors: Vec<J> = errors
                    .iter()
                    .map(|e| {
                        json!({
                            "row": (e.line as usize).checked_sub(2).filter(|i| *i < n),
                            "column": e.column,
                            "code": e.code,
                            "reason": e.reason,
                            "reason_zh": e.reason_zh(),
                        })
                    })
                    .collect();
                Ok(Json(
                    json!({ "recorded": 0, "saved": false, "errors": errors }),
                ))
            }
            Err(e) => Err(api_error(e)),
        }
    })
    .await
    .map_err(ApiError::internal)?
}

/// `GET /api/v1/rounds/{year}/verified-rates`: per pairing and record
/// kind, the verified rate of the teams' results with its interval and
/// the extrapolated indicator (as `xiezuo check report`), for the
/// caller's pairings.
pub async fn verified_rates(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
) -> Result<axum::Json<xiezuo_api::VerifiedRatesBody>, ApiError> {
    let rates = state
        .with_store(|s| xiezuo_engine::round::check::verified_rates(s, year))
        .map_err(api_error)?;
    let snap = state.snapshot_now().await?;
    let d = &snap.data;
    let scope = crate::access::Scope { caller: &caller };
    let rows = rates
        .into_iter()
        .filter(|r| {
            d.pairing_idx
                .get(r.pairing_id.as_str())
                .is_some_and(|&p| scope.pairing(d, p))
        })
        .map(|r| {
            let checked = r.checked();
            let [confirmed, not_found, discrepant, falsified] = r.counts;
            let (indicator, value, adjusted, adjusted_low, adjusted_high) = match r.adjusted {
                Some((i, v, a, lo, hi)) => (Some(i), Some(v), Some(a), Some(lo), Some(hi)),
                None => (None, None, None, None, None),
            };
            xiezuo_api::VerifiedRateBody {
                pairing_id: r.pairing_id,
                record_kind: r.record_kind,
                checked,
                confirmed,
                not_found,
                discrepant,
                falsified,
                verified_rate: r.rate,
                ci_low: r.low,
                ci_high: r.high,
                indicator,
                value,
                adjusted,
                adjusted_low,
                adjusted_high,
            }
        })
        .collect();
    Ok(axum::Json(xiezuo_api::VerifiedRatesBody { year, rows }))
}
