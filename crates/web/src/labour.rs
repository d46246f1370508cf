//! Labour cooperation (劳务协作) on the platform: the station view (seekers,
//! open postings, the optimal proposals with the greedy baseline's
//! shortfall, unmatched reasons, confirmed placements, retention,
//! follow-ups) and confirming the proposals as placements.

use crate::error::ApiError;
use crate::error::extract::Query;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use xiezuo_api as wire;
use xiezuo_engine::import::{Quiet, Rows, Source, WritePolicy, ingest};
use xiezuo_engine::labour::{LabourData, MatchRun, confirmations_of, placement_cells, run};
use xiezuo_engine::views::StationView;
use xiezuo_exchange::FileKind;
use xiezuo_store::BatchInfo;

/// An internal failure (I/O, a task that did not finish, an import that failed).
fn failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

#[derive(Deserialize)]
pub struct StationQuery {
    /// The day; without it, the latest date the labour data speaks of.
    pub date: Option<NaiveDate>,
    pub station: Option<String>,
}

/// The day asked for, else the latest date of the data.
fn day_of(asked: Option<NaiveDate>, d: &LabourData) -> Result<NaiveDate, ApiError> {
    asked.or_else(|| d.default_date()).ok_or_else(|| {
        ApiError::said(
            crate::error::ErrorKind::BadRequest,
            xiezuo_domain::Message::new("api.no_labour_date"),
        )
    })
}

fn objective(o: &xiezuo_matching::Objective) -> wire::ObjectiveBody {
    wire::ObjectiveBody {
        priority_households: o.priority_households,
        poor_placed: o.poor_placed,
        fit: o.fit,
    }
}

/// A station's day on the wire.
fn station_body(d: &LabourData, r: &MatchRun, v: &StationView<'_>) -> wire::StationBody {
    let proposals = v
        .proposals
        .iter()
        .map(|p| {
            let s = &d.seekers[p.seeker];
            let post = &d.postings[p.posting];
            wire::ProposalBody {
                person_id: s.seeker.person_id.as_str().into(),
                posting_id: post.posting_id.as_str().into(),
                work_region: post.work_region.to_string(),
                monthly_wage: post.monthly_wage.0 as f64 / 100.0,
                fit: p.fit,
                no_one_employed: p.no_one_employed,
                registered_poor: p.registered_poor,
            }
        })
        .collect();
    let unmatched = v
        .unmatched
        .iter()
        .map(|(si, u)| {
            let (code, detail) = u.describe();
            wire::UnmatchedBody {
                person_id: d.seekers[*si].seeker.person_id.as_str().into(),
                reason: code.into(),
                detail,
            }
        })
        .collect();
    let retention = |i: usize| wire::RetentionBody {
        started: v.retention[i].started,
        kept: v.retention[i].kept,
    };
    wire::StationBody {
        date: v.date.to_string(),
        default_date: v.default_date.map(|d| d.to_string()),
        station: v.station.map(str::to_string),
        stations: v.stations.iter().map(|s| s.to_string()).collect(),
        seekers: v.seekers,
        open_postings: v.open_postings,
        open_positions: v.open_positions,
        optimal: objective(&r.optimal),
        greedy: objective(&r.greedy),
        proposals,
        unmatched,
        confirmed_placements: v.confirmed,
        retention_3_months: retention(0),
        retention_6_months: retention(1),
        follow_up: v
            .follow_ups
            .iter()
            .map(|p| wire::FollowUpBody {
                placement_id: p.placement_id.as_str().into(),
                person_id: p.person_id.as_str().into(),
                start: p.period.start.to_string(),
                end: p.period.end.map(|e| e.to_string()),
            })
            .collect(),
    }
}

/// `GET /api/v1/labour/station?date=&station=`
pub async fn station(
    State(state): State<AppState>,
    Query(q): Query<StationQuery>,
) -> Result<Json<wire::StationBody>, ApiError> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> Result<Json<wire::StationBody>, ApiError> {
        let d = st.with_reader(|s| LabourData::load(s))?;
        let r = run(&d, day_of(q.date, &d)?).map_err(failed)?;
        let station = q.station.as_deref().filter(|s| !s.is_empty());
        let v = StationView::of(&d, &r, station);
        Ok(Json(station_body(&d, &r, &v)))
    })
    .await
    .map_err(failed)?
}

#[derive(Deserialize)]
pub struct ConfirmQuery {
    pub date: NaiveDate,
    /// Only this station's proposals (what its view shows); all without it.
    pub station: Option<String>,
}

/// `POST /api/v1/labour/confirm?date=&station=`: stores the proposals of
/// the date (of one station, or all) as placements, in one audited batch
/// through the importer, within the caller's write scope: all or none.
pub async fn confirm(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Query(q): Query<ConfirmQuery>,
) -> Result<Json<wire::ConfirmedBody>, ApiError> {
    let policy = WritePolicy::within(caller.write_scope());
    let st = state.clone();
    let at = (state.clock)();
    let out = tokio::task::spawn_blocking(move || -> Result<wire::ConfirmedBody, ApiError> {
        let d = st.with_store(|s| LabourData::load(s))?;
        let r = run(&d, q.date).map_err(failed)?;
        let station = q.station.as_deref().filter(|s| !s.is_empty());
        let v = StationView::of(&d, &r, station);
        let placements = confirmations_of(&d, r.date, v.proposals.iter().copied());
        if placements.is_empty() {
            return Ok(wire::ConfirmedBody {
                confirmed: 0,
                batch_id: None,
                errors: Vec::new(),
            });
        }
        let rows = Rows::of_cells(
            FileKind::Placements,
            "placements.csv",
            placements.iter().map(placement_cells),
        );
        let report = st
            .with_store(|store| {
                let batch = BatchInfo {
                    actor: format!("{} ({})", caller.login, caller.origin),
                    at,
                    source: format!(
                        "match {}{}",
                        q.date,
                        station.map(|s| format!(" {s}")).unwrap_or_default()
                    ),
                };
                ingest(store, Source::Rows(vec![rows]), &batch, &policy, &Quiet)
            })
            .map_err(failed)?;
        let errors = report
            .errors
            .iter()
            .map(crate::convert::row_error)
            .collect();
        if report.batch_id.is_some() {
            // Answered once the platform counts the new placements.
            let g = st.written(&[FileKind::Placements]);
            st.wait_for(g)?;
        }
        Ok(wire::ConfirmedBody {
            confirmed: if report.batch_id.is_some() {
                placements.len()
            } else {
                0
            },
            batch_id: report.batch_id,
            errors,
        })
    })
    .await
    .map_err(failed)??;
    Ok(Json(out))
}
