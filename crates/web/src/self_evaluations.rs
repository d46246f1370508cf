//! Self-evaluations (自评) over HTTP. The `Pairing` rule admits callers
//! whose scope holds the pairing; the handler then lets each party write
//! only its own side — an office whose region covers the side's party, the
//! organisation that is the party, or an administrator — and the opinion on
//! a side only to the paired party. The procedure is
//! `xiezuo_engine::self_evaluation`.

use crate::error::extract::{JsonBody, Path};
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use xiezuo_api as wire;
use xiezuo_domain::{Message, Party, Year};
use xiezuo_engine::round::messages::not_party;
use xiezuo_engine::self_evaluation::{self as se, SelfEvaluation, SelfEvaluationError};
use xiezuo_exchange::{Cell, FileKind, Record};
use xiezuo_store::Store;

/// The largest body of a self-evaluation: claims for every indicator and a
/// narrative of some pages.
pub(crate) const SELF_EVALUATION_BODY_MAX: usize = 128 * 1024;

pub(crate) fn api_error(e: SelfEvaluationError) -> ApiError {
    use SelfEvaluationError as E;
    let kind = match e {
        E::Round(r) => return crate::rounds::api_error(r),
        E::NotAssessed { .. } => ErrorKind::NotFound,
        E::BadSide(_)
        | E::UnknownIndicator(_)
        | E::BadValue { .. }
        | E::BadAttachment { .. }
        | E::TooManyAttachments(_) => ErrorKind::BadRequest,
        E::AttachmentTooLarge { .. } => ErrorKind::PayloadTooLarge,
        E::NoAttachment(_) => ErrorKind::NotFound,
        E::NotNow { .. } | E::NotFrozen(_) | E::NotSubmitted { .. } | E::Concurrent => {
            ErrorKind::Conflict
        }
        E::Store(s) => return ApiError::Store(s),
        E::Corrupt(_) => return ApiError::internal(e),
    };
    ApiError::said(kind, e.message())
}

/// The side paired with `side` (the one that gives its opinion).
fn other_side(side: &str) -> &'static str {
    if side == "east" { "west" } else { "east" }
}

/// The two parties of a pairing: (east helper, west helped).
pub(crate) fn parties(store: &dyn Store, pairing: &str) -> Result<(Party, Party), ApiError> {
    let row = store
        .get(FileKind::Pairings, &[Cell::Text(pairing.into())])?
        .ok_or_else(|| {
            ApiError::said(
                ErrorKind::NotFound,
                Message::new("api.unknown_pairing").with("id", pairing),
            )
        })?;
    match Record::from_cells(FileKind::Pairings, &row.cells) {
        Ok(Record::Pairing(p)) => Ok((p.helper, p.helped)),
        _ => Err(ApiError::internal(format!("pairing {pairing}"))),
    }
}

/// Whether the caller acts for the party of a pairing's side.
pub(crate) fn acts_for_side(
    store: &dyn Store,
    caller: &Caller,
    pairing: &str,
    side: &str,
) -> Result<bool, ApiError> {
    let ps = parties(store, pairing)?;
    let (own, _) = side_parties(side, &ps)?;
    Ok(caller.acts_for(own))
}

/// The side's party and the other side's.
pub(crate) fn side_parties<'p>(
    side: &str,
    (east, west): &'p (Party, Party),
) -> Result<(&'p Party, &'p Party), ApiError> {
    match side {
        "east" => Ok((east, west)),
        "west" => Ok((west, east)),
        other => Err(api_error(SelfEvaluationError::BadSide(other.to_string()))),
    }
}

fn side_body(
    caller: &Caller,
    side: &str,
    ps: &(Party, Party),
    prefill: &[(String, String)],
    s: Option<&SelfEvaluation>,
    attachments: Vec<xiezuo_engine::evidence::Attachment>,
) -> Result<wire::SideEvaluationBody, ApiError> {
    let (own, other) = side_parties(side, ps)?;
    let claims: Vec<wire::ClaimBody> = match s {
        Some(s) => s
            .current
            .claims
            .iter()
            .map(|c| wire::ClaimBody {
                indicator: c.indicator.clone(),
                computed: c.computed.clone(),
                claimed: c.claimed.clone(),
                differs: c.differs(),
            })
            .collect(),
        // Not yet submitted: the frozen values, as the form starts.
        None => prefill
            .iter()
            .map(|(i, v)| wire::ClaimBody {
                indicator: i.clone(),
                computed: v.clone(),
                claimed: v.clone(),
                differs: false,
            })
            .collect(),
    };
    Ok(wire::SideEvaluationBody {
        side: side.to_string(),
        party: own.to_string(),
        may_submit: caller.acts_for(own),
        may_give_opinion: s.is_some() && caller.acts_for(other),
        submitted_by: s.map(|s| s.current.by.clone()),
        submitted_at: s.map(|s| s.current.at.clone()),
        narrative: s.map(|s| s.current.narrative.clone()),
        mismatches: claims.iter().filter(|c| c.differs).count(),
        claims,
        opinion: s
            .and_then(|s| s.opinion.as_ref())
            .map(|o| wire::OpinionBody {
                by: o.by.clone(),
                at: o.at.clone(),
                agrees: o.agrees,
                text: o.text.clone(),
            }),
        resubmissions: s.map_or(0, |s| s.history.len()),
        attachments: attachments
            .into_iter()
            .map(|a| wire::AttachmentBody {
                n: a.n,
                name: a.name,
                media_type: a.media_type,
                bytes: a.bytes,
                sha256: a.sha256,
                by: a.by,
                at: a.at,
            })
            .collect(),
    })
}

pub(crate) fn body(
    store: &dyn Store,
    caller: &Caller,
    year: Year,
    pairing: &str,
) -> Result<wire::SelfEvaluationsBody, ApiError> {
    let ps = parties(store, pairing)?;
    let prefill = se::prefill(store, year, pairing).map_err(api_error)?;
    let mut sides = Vec::new();
    for side in se::SIDES {
        let s = se::get(store, year, pairing, side).map_err(api_error)?;
        let attachments =
            xiezuo_engine::evidence::attachments(store, year, pairing, side).map_err(api_error)?;
        sides.push(side_body(
            caller,
            side,
            &ps,
            &prefill,
            s.as_ref(),
            attachments,
        )?);
    }
    Ok(wire::SelfEvaluationsBody {
        year,
        pairing_id: pairing.to_string(),
        sides,
    })
}

/// `GET /api/v1/rounds/{year}/self-evaluations/{id}`: both sides, each
/// pre-filled with the frozen values until it submits.
pub async fn get(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id)): Path<(i32, String)>,
) -> Result<Json<wire::SelfEvaluationsBody>, ApiError> {
    Ok(Json(state.with_store(|s| body(s, &caller, year, &id))?))
}

/// `POST /api/v1/rounds/{year}/self-evaluations/{id}/{side}`.
pub async fn submit(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id, side)): Path<(i32, String, String)>,
    JsonBody(b): JsonBody<wire::SelfEvaluationSubmit>,
) -> Result<Json<wire::SelfEvaluationsBody>, ApiError> {
    let at = (state.clock)();
    state
        .with_store(|s| {
            let ps = parties(s, &id)?;
            let (own, _) = side_parties(&side, &ps)?;
            if !caller.acts_for(own) {
                return Err(ApiError::said(
                    ErrorKind::Forbidden,
                    not_party("self_evaluation.not_party", &id, &side),
                ));
            }
            se::submit(
                s,
                year,
                &id,
                &side,
                &b.claims,
                &b.narrative,
                &caller.login,
                &at,
            )
            .map_err(api_error)?;
            body(s, &caller, year, &id)
        })
        .map(Json)
}

/// `POST /api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion`: the
/// paired party's opinion of the side's self-evaluation.
pub async fn opinion(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id, side)): Path<(i32, String, String)>,
    JsonBody(b): JsonBody<wire::OpinionSubmit>,
) -> Result<Json<wire::SelfEvaluationsBody>, ApiError> {
    let at = (state.clock)();
    state
        .with_store(|s| {
            let ps = parties(s, &id)?;
            let (_, other) = side_parties(&side, &ps)?;
            if !caller.acts_for(other) {
                return Err(ApiError::said(
                    ErrorKind::Forbidden,
                    not_party("self_evaluation.not_paired_party", &id, other_side(&side)),
                ));
            }
            se::give_opinion(s, year, &id, &side, b.agrees, &b.text, &caller.login, &at)
                .map_err(api_error)?;
            body(s, &caller, year, &id)
        })
        .map(Json)
}
