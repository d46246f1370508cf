//! Correction requests (更正申请) over HTTP. Filing: any writer (an office,
//! an organisation, an administrator) with the corrected rows as files and
//! a reason; the rows are checked within the caller's write scope, and row
//! errors come back like an upload's. Seeing: administrators and assessors
//! see every correction; an office those filed in its region (its own and
//! those below it); any writer those it filed. Deciding: an approver of the
//! level above the filer (`correction::may_decide`). The procedure is
//! `xiezuo_engine::correction`.

use crate::error::extract::{JsonBody, Multipart, Path};
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use xiezuo_api as wire;
use xiezuo_domain::{Finding, Indicator, Message};
use xiezuo_engine::accounts::{Role, region_covers};
use xiezuo_engine::correction::effect::Effect;
use xiezuo_engine::correction::{self, Correction, CorrectionError, Filer, may_decide};
use xiezuo_engine::import::{NamedFile, Source};
use xiezuo_engine::round::RoundError;
use xiezuo_exchange::FileKind;

/// The largest body of a correction: its files and reason.
pub(crate) const CORRECTION_BODY_MAX: usize = 8 * 1024 * 1024;

fn api_error(e: CorrectionError) -> ApiError {
    use CorrectionError as E;
    let kind = match e {
        E::Round(r) => return crate::rounds::api_error(r),
        E::NoCorrection { .. } => ErrorKind::NotFound,
        E::NoReason | E::NoComment | E::Nothing(_) => ErrorKind::BadRequest,
        E::OwnCorrection(_) => ErrorKind::Forbidden,
        E::NotNow { .. }
        | E::NotFrozen(_)
        | E::Decided(_)
        | E::Moved(_)
        | E::Invalid(_)
        | E::Concurrent => ErrorKind::Conflict,
        E::Store(s) => return ApiError::Store(s),
        E::Corrupt(_) => return ApiError::internal(e),
    };
    ApiError::said(kind, e.message())
}

/// The region a caller acts for: none for the national level.
fn region_of(caller: &Caller) -> Option<u64> {
    match caller.role {
        Role::Admin => None,
        _ => caller.region,
    }
}

fn decides(c: &Correction, caller: &Caller) -> bool {
    c.decision.is_none()
        && match caller.role {
            Role::Admin => may_decide(c, &caller.login, None),
            Role::Office => caller
                .region
                .is_some_and(|r| may_decide(c, &caller.login, Some(r))),
            _ => false,
        }
}

fn sees(c: &Correction, caller: &Caller) -> bool {
    match caller.role {
        Role::Admin | Role::Assessor => true,
        Role::Office => {
            c.by == caller.login
                || caller
                    .region
                    .zip(c.filer_region)
                    .is_some_and(|(r, f)| region_covers(r, f))
        }
        _ => c.by == caller.login,
    }
}

fn effect_body(e: &Effect) -> wire::EffectBody {
    wire::EffectBody {
        indicators: e
            .indicators
            .iter()
            .map(|i| wire::IndicatorChangeBody {
                pairing_id: i.pairing_id.clone(),
                indicator: i.indicator.clone(),
                indicator_zh: Indicator::parse(&i.indicator)
                    .map_or(i.indicator.clone(), |x| x.label_zh().to_string()),
                frozen: i.frozen.clone(),
                corrected: i.corrected.clone(),
            })
            .collect(),
        scores: e
            .scores
            .iter()
            .map(|s| wire::ScoreChangeBody {
                pairing_id: s.pairing_id.clone(),
                side: s.side.clone(),
                frozen_total: s.frozen_total.clone(),
                corrected_total: s.corrected_total.clone(),
                frozen_grade: s.frozen_grade.clone(),
                corrected_grade: s.corrected_grade.clone(),
            })
            .collect(),
        findings: e
            .findings
            .iter()
            .map(|f| wire::FindingChangeBody {
                pairing_id: f.pairing_id.clone(),
                finding: f.finding.clone(),
                finding_zh: Finding::parse(&f.finding)
                    .map_or(f.finding.clone(), |x| x.label_zh().to_string()),
                record_kind: f.record_kind.clone(),
                record_id: f.record_id.clone(),
                raised: f.raised,
            })
            .collect(),
    }
}

fn body(c: &Correction, caller: &Caller, effect: Option<&Effect>) -> wire::CorrectionBody {
    let changes = c
        .changes
        .iter()
        .map(|ch| {
            let kind = FileKind::from_stem(&ch.kind);
            let zh = |col: &str| {
                kind.and_then(|k| k.columns().iter().find(|x| x.name == col))
                    .map_or(col.to_string(), |x| x.zh.to_string())
            };
            wire::RowChangeBody {
                kind: ch.kind.clone(),
                kind_zh: kind.map_or(ch.kind.clone(), |k| k.label_zh().to_string()),
                key: ch.key.clone(),
                new_row: ch.old.is_none(),
                fields: ch
                    .fields()
                    .into_iter()
                    .map(|(col, old, new)| wire::FieldChangeBody {
                        column: col.to_string(),
                        column_zh: zh(col),
                        old: old.map(str::to_string),
                        new: new.to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    wire::CorrectionBody {
        id: c.id,
        year: c.year,
        reason: c.reason.clone(),
        by: c.by.clone(),
        at: c.at.clone(),
        filer_region: c.filer_region.map(|r| format!("{r:012}")),
        changes,
        decision: c.decision.as_ref().map(|d| wire::CorrectionDecisionBody {
            approved: d.approved,
            comment: d.comment.clone(),
            by: d.by.clone(),
            at: d.at.clone(),
            batch: d.batch,
            version: d.version,
        }),
        effect: effect.map(effect_body),
        may_decide: decides(c, caller),
    }
}

/// `GET /api/v1/rounds/{year}/corrections`: those the caller may see.
pub async fn list(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
) -> Result<Json<wire::CorrectionsBody>, ApiError> {
    let list = state
        .with_reader(|s| correction::corrections(s, year))
        .map_err(api_error)?;
    let corrections = list
        .iter()
        .filter(|c| sees(c, &caller))
        .map(|c| body(c, &caller, None))
        .collect();
    Ok(Json(wire::CorrectionsBody { year, corrections }))
}

/// The round's method, loaded by this server.
fn round_method(
    s: &dyn xiezuo_store::Store,
    state: &AppState,
    year: i32,
) -> Result<std::sync::Arc<xiezuo_engine::assess::method::Method>, ApiError> {
    let r = xiezuo_engine::round::round(s, year)
        .map_err(crate::rounds::api_error)?
        .ok_or_else(|| crate::rounds::api_error(RoundError::NoRound(year)))?;
    state.method_by_id(Some(&r.method_id)).ok_or_else(|| {
        ApiError::said(
            ErrorKind::Conflict,
            Message::new("process.method_not_loaded").with("id", &r.method_id),
        )
    })
}

/// `GET /api/v1/rounds/{year}/corrections/{id}`: the diff and the effect
/// (on current data while pending; as approved once approved).
pub async fn show(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id)): Path<(i32, u32)>,
) -> Result<Json<wire::CorrectionBody>, ApiError> {
    let st = state.clone();
    // Only reads: on a read-only connection, so that the two assessments
    // of a pending correction's effect never hold up a write.
    let b = state.with_reader(|s| {
        let c = correction::correction(s, year, id).map_err(api_error)?;
        if !sees(&c, &caller) {
            return Err(api_error(CorrectionError::NoCorrection { year, id }));
        }
        let effect = match &c.decision {
            Some(d) => d.effect.clone(),
            None => {
                let m = round_method(s, &st, year)?;
                Some(correction::effect(s, &c, &m).map_err(api_error)?)
            }
        };
        Ok(body(&c, &caller, effect.as_ref()))
    })?;
    Ok(Json(b))
}

/// `POST /api/v1/rounds/{year}/corrections` (multipart: `reason` and the
/// files): files a correction, or answers its row errors.
pub async fn file(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    Multipart(mut form): Multipart,
) -> Result<Json<wire::CorrectionFiled>, ApiError> {
    let bad = crate::upload::bad_upload;
    let mut reason = String::new();
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        if field.name() == Some("reason") {
            reason = field.text().await.map_err(bad)?;
            continue;
        }
        let name = field.file_name().map(str::to_string).unwrap_or_default();
        let bytes = field.bytes().await.map_err(bad)?;
        let Some(n) = crate::upload::safe_name(&name) else {
            return Err(ApiError::said(
                ErrorKind::BadRequest,
                Message::new("api.bad_file_name").with("name", name),
            ));
        };
        files.push(NamedFile {
            name: n,
            bytes: bytes.to_vec().into(),
        });
    }
    if files.is_empty() {
        return Err(ApiError::said(
            ErrorKind::BadRequest,
            Message::new("api.no_files"),
        ));
    }
    let at = (state.clock)();
    let filer = Filer {
        login: &caller.login,
        region: region_of(&caller),
        scope: caller.write_scope(),
    };
    let filed =
        state.with_store(|s| correction::file(s, year, Source::Files(&files), filer, &reason, &at));
    Ok(Json(match filed {
        Ok(c) => wire::CorrectionFiled {
            valid: true,
            correction: Some(body(&c, &caller, None)),
            errors: Vec::new(),
        },
        Err(CorrectionError::Invalid(report)) => wire::CorrectionFiled {
            valid: false,
            correction: None,
            errors: report
                .errors
                .iter()
                .map(crate::convert::row_error)
                .collect(),
        },
        Err(e) => return Err(api_error(e)),
    }))
}

/// `POST /api/v1/rounds/{year}/corrections/{id}/decision`: approves
/// (imports the rows, makes the next frozen version) or rejects.
pub async fn decide(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path((year, id)): Path<(i32, u32)>,
    JsonBody(b): JsonBody<wire::CorrectionDecide>,
) -> Result<Json<wire::CorrectionBody>, ApiError> {
    let at = (state.clock)();
    let st = state.clone();
    let c = state.with_store(|s| {
        let c = correction::correction(s, year, id).map_err(api_error)?;
        if !sees(&c, &caller) {
            return Err(api_error(CorrectionError::NoCorrection { year, id }));
        }
        if c.decision.is_none() && !decides(&c, &caller) {
            let m = if c.by == caller.login {
                CorrectionError::OwnCorrection(id).message()
            } else {
                Message::new("correction.not_approver").with("id", id)
            };
            return Err(ApiError::said(ErrorKind::Forbidden, m));
        }
        let m = round_method(s, &st, year)?;
        correction::decide(s, year, id, b.approve, &b.comment, &m, &caller.login, &at)
            .map_err(api_error)
    })?;
    if c.decision.as_ref().is_some_and(|d| d.batch.is_some()) {
        let kinds: Vec<FileKind> = c
            .changes
            .iter()
            .filter_map(|ch| FileKind::from_stem(&ch.kind))
            .collect();
        state.written(&kinds);
    }
    let effect = c.decision.as_ref().and_then(|d| d.effect.clone());
    Ok(Json(body(&c, &caller, effect.as_ref())))
}
