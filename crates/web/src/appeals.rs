//! Appeals (申诉) over HTTP. Filing: the appealing side's own party (an
//! office whose region covers it, or an administrator), for a pairing in
//! its scope. Deciding: assessors and administrators (the `Assess` rule).
//! Every signed-in caller sees the appeals of the pairings in its scope.
//! The procedure is `xiezuo_engine::appeal`.

use crate::error::extract::{JsonBody, Path};
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use xiezuo_api as wire;
use xiezuo_domain::Message;
use xiezuo_engine::accounts::Role;
use xiezuo_engine::appeal::{self, Appeal, AppealError, Subject};
use xiezuo_engine::round::RoundError;
use xiezuo_engine::round::messages::not_party;

/// The largest body of an appeal: a reason and the evidence's description.
pub(crate) const APPEAL_BODY_MAX: usize = 64 * 1024;

fn api_error(e: AppealError) -> ApiError {
    use AppealError as E;
    let kind = match e {
        E::Round(r) => return crate::rounds::api_error(r),
        E::NotAssessed { .. } | E::NoAppeal { .. } => ErrorKind::NotFound,
        E::BadSide(_)
        | E::UnknownIndicator(_)
        | E::BadValue { .. }
        | E::NoSuchFinding { .. }
        | E::NoSuchPenalty { .. }
        | E::NoReason
        | E::NoComment => ErrorKind::BadRequest,
        E::NotNow { .. } | E::NotFrozen(_) | E::Decided(_) | E::Concurrent => ErrorKind::Conflict,
        E::Store(s) => return ApiError::Store(s),
        E::Corrupt(_) => return ApiError::internal(e),
    };
    ApiError::said(kind, e.message())
}

fn body(a: &Appeal) -> wire::AppealBody {
    let (kind, indicator, value, finding, record_kind, record_id) = match &a.subject {
        Subject::Indicator { indicator, value } => (
            "indicator",
            Some(indicator.clone()),
            Some(value.clone()),
            None,
            None,
            None,
        ),
        Subject::Finding {
            finding,
            record_kind,
            record_id,
        } => (
            "finding",
            None,
            None,
            Some(finding.clone()),
            Some(record_kind.clone()),
            Some(record_id.clone()),
        ),
        Subject::Penalty {
            record_kind,
            record_id,
        } => (
            "penalty",
            None,
            None,
            None,
            Some(record_kind.clone()),
            Some(record_id.clone()),
        ),
    };
    wire::AppealBody {
        id: a.id,
        pairing_id: a.pairing_id.clone(),
        side: a.side.clone(),
        kind: kind.into(),
        indicator,
        value,
        finding,
        record_kind,
        record_id,
        reason: a.reason.clone(),
        evidence: a.evidence.clone(),
        by: a.by.clone(),
        at: a.at.clone(),
        decision: a.decision.as_ref().map(|d| wire::DecisionBody {
            upheld: d.upheld,
            comment: d.comment.clone(),
            by: d.by.clone(),
            at: d.at.clone(),
            version: d.version,
        }),
    }
}

/// `GET /api/v1/rounds/{year}/appeals`: narrowed to the caller's pairings.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
) -> Result<Json<wire::AppealsBody>, ApiError> {
    let (list, penalised) = state
        .with_store(|s| Ok((appeal::appeals(s, year)?, appeal::penalised(s, year)?)))
        .map_err(api_error)?;
    let snap = state.snapshot_now().await?;
    let d = &snap.data;
    let scope = crate::access::Scope { caller: &caller };
    let mine = |id: &str| d.pairing_idx.get(id).is_some_and(|&p| scope.pairing(d, p));
    let appeals = list
        .iter()
        .filter(|a| mine(&a.pairing_id))
        .map(body)
        .collect();
    let penalties = penalised
        .into_iter()
        .filter(|(p, _, _)| mine(p))
        .map(|(pairing_id, record_kind, record_id)| wire::PenalisedBody {
            pairing_id,
            record_kind,
            record_id,
        })
        .collect();
    Ok(Json(wire::AppealsBody {
        year,
        appeals,
        penalties,
    }))
}

/// `POST /api/v1/rounds/{year}/appeals`: files an appeal of the caller's
/// own side.
pub async fn file(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    JsonBody(b): JsonBody<wire::AppealSubmit>,
) -> Result<Json<wire::AppealBody>, ApiError> {
    let subject = match (b.indicator, b.finding) {
        (None, None) if b.penalty => Subject::Penalty {
            record_kind: b.record_kind.unwrap_or_default(),
            record_id: b.record_id.unwrap_or_default(),
        },
        (Some(indicator), None) if !b.penalty => Subject::Indicator {
            indicator,
            value: b.value.unwrap_or_default(),
        },
        (None, Some(finding)) if !b.penalty => Subject::Finding {
            finding,
            record_kind: b.record_kind.unwrap_or_default(),
            record_id: b.record_id.unwrap_or_default(),
        },
        _ => {
            return Err(ApiError::said(
                ErrorKind::BadRequest,
                Message::new("appeal.subject"),
            ));
        }
    };
    let at = (state.clock)();
    let a = state.with_store(|s| {
        if !crate::self_evaluations::acts_for_side(s, &caller, &b.pairing_id, &b.side)? {
            return Err(ApiError::said(
                ErrorKind::Forbidden,
                not_party("appeal.not_party", &b.pairing_id, &b.side),
            ));
        }
        appeal::file(
            s,
            year,
            &b.pairing_id,
            &b.side,
            subject,
            &b.reason,
            &b.evidence,
            &caller.login,
            &at,
        )
        .map_err(api_error)
    })?;
    Ok(Json(body(&a)))
}

/// `POST /api/v1/rounds/{year}/appeals/{id}/decision`: an assessor's
/// decision; an upheld appeal re-runs the frozen assessment.
pub async fn decide(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id)): Path<(i32, u32)>,
    JsonBody(b): JsonBody<wire::DecisionSubmit>,
) -> Result<Json<wire::AppealBody>, ApiError> {
    debug_assert!(matches!(caller.role, Role::Admin | Role::Assessor));
    let at = (state.clock)();
    let a = state.with_store(|s| {
        let r = xiezuo_engine::round::round(s, year)
            .map_err(crate::rounds::api_error)?
            .ok_or_else(|| crate::rounds::api_error(RoundError::NoRound(year)))?;
        let method = state.method_by_id(Some(&r.method_id)).ok_or_else(|| {
            ApiError::said(
                ErrorKind::Conflict,
                Message::new("process.method_not_loaded").with("id", &r.method_id),
            )
        })?;
        appeal::decide(
            s,
            year,
            id,
            b.upheld,
            &b.comment,
            &method,
            &caller.login,
            &at,
        )
        .map_err(api_error)
    })?;
    Ok(Json(body(&a)))
}
