//! `GET /api/v1/workbench` (工作台): for each round not yet published, its
//! schedule with late steps marked and what the caller has to do: an
//! office sees the parties it acts for (their self-evaluations, opinions
//! and appeals) and its province's cross-check team; the national office
//! and assessors see every party and team. From
//! `xiezuo_engine::workbench`.

use crate::error::ApiError;
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value as J, json};
use xiezuo_domain::Party;
use xiezuo_engine::accounts::{Role, region_covers};
use xiezuo_engine::assess::data::{AssessmentData, PartyRef};
use xiezuo_engine::schedule::{StepDue, china_date};
use xiezuo_engine::workbench::{self, RoundBoard, Viewer, WorkbenchError};

fn api_error(e: WorkbenchError) -> ApiError {
    match e {
        WorkbenchError::Round(r) => crate::rounds::api_error(r),
        other => ApiError::internal(other),
    }
}

/// Whether the caller acts for a party: an office for the regions it
/// covers, an organisation for itself, the national office and assessors
/// for every one (assessors read, they do not act).
fn sees_party(d: &AssessmentData, caller: &Caller, p: PartyRef) -> bool {
    let party = match p {
        PartyRef::Region(r) => Party::Region(d.regions[r as usize].code),
        PartyRef::Org(o) => Party::Org(d.org_ids[o as usize].clone()),
    };
    caller.role == Role::Assessor || caller.acts_for(&party)
}

fn due_json(s: &StepDue) -> J {
    json!({
        "step": s.step.as_str(),
        "step_zh": s.step.label_zh(),
        "due": s.due.to_string(),
        "done": s.done,
        "overdue": s.overdue,
    })
}

fn board_json(d: &AssessmentData, b: &RoundBoard) -> J {
    let late = b.due.as_ref().is_some_and(|s| s.overdue);
    let parties: Vec<J> = b
        .parties
        .iter()
        .map(|p| {
            json!({
                "pairing_id": p.pairing_id,
                "name": xiezuo_engine::publication::pairing_name(d, &p.pairing_id),
                "side": p.side,
                "submitted": p.submitted,
                "mismatches": p.mismatches,
                "opinion_agrees": p.opinion,
                "open": p.open.iter().map(|t| json!({ "task": t.as_str(), "label_zh": t.label_zh() })).collect::<Vec<_>>(),
                "overdue": late && !p.open.is_empty(),
                "appeals": p.appeals,
                "appeals_pending": p.appeals_pending,
            })
        })
        .collect();
    let teams: Vec<J> = b
        .teams
        .iter()
        .map(|t| {
            let name = xiezuo_domain::RegionCode::parse(&t.province)
                .ok()
                .and_then(|c| d.region_idx.get(&c))
                .map(|&i| d.regions[i as usize].name.to_string());
            json!({
                "province": t.province,
                "name": name,
                "pairings": t.pairings,
                "sampled": t.sampled,
                "recorded": t.recorded,
            })
        })
        .collect();
    let r = &b.round;
    json!({
        "year": r.year,
        "method_id": r.method_id,
        "state": r.state.as_str(),
        "state_zh": r.state.label_zh(),
        "next": r.state.next().map(|s| s.as_str()),
        "frozen": r.frozen.is_some(),
        "due": b.due.as_ref().map(due_json),
        "schedule": b.schedule.iter().map(due_json).collect::<Vec<_>>(),
        "open_tasks": b.open_tasks(),
        "appeals_pending": b.appeals_pending,
        "parties": parties,
        "teams": teams,
    })
}

/// `GET /api/v1/workbench`.
pub async fn workbench(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
) -> Result<Json<J>, ApiError> {
    let snap = state.snapshot_now().await?;
    let st = state.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<J, ApiError> {
        let now = (st.clock)();
        let today = china_date(&now);
        let d = &snap.data;
        let party = |i: u32, side: &str| {
            let p = if side == "east" {
                d.pairing_helper[i as usize]
            } else {
                d.pairing_helped[i as usize]
            };
            sees_party(d, &caller, p)
        };
        let team = |province: &str| match caller.role {
            Role::Admin | Role::Assessor => true,
            Role::Office => caller.region.is_some_and(|c| {
                province
                    .parse::<u64>()
                    .is_ok_and(|code| region_covers(c, code))
            }),
            _ => false,
        };
        let viewer = Viewer {
            party: &party,
            team: &team,
        };
        let boards = st
            .with_store(|s| workbench::workbench(s, d, &st.method, today, &viewer))
            .map_err(api_error)?;
        Ok(json!({
            "today": today.to_string(),
            "role": caller.role.as_str(),
            "rounds": boards.iter().map(|b| board_json(d, b)).collect::<Vec<_>>(),
        }))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(body))
}
