//! The two-sided reconciliation (对账) over HTTP: each caller sees the
//! findings and traceability of the pairings it may read. The matching
//! itself is `xiezuo_engine::reconcile`.

use crate::error::extract::{Path, Query};
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use std::collections::BTreeMap;
use xiezuo_api as wire;
use xiezuo_domain::Message;
use xiezuo_engine::reconcile::{Report, Reports, reconcile};

/// The query of `GET /api/v1/reconciliation/{year}`.
#[derive(serde::Deserialize)]
pub struct ReconciliationQuery {
    /// A method id (its tolerances); default: the platform's method.
    pub method: Option<String>,
    /// Only this pairing.
    pub pairing: Option<String>,
}

/// `GET /api/v1/reconciliation/{year}`.
pub async fn get(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<Caller>,
    Path(year): Path<i32>,
    Query(q): Query<ReconciliationQuery>,
) -> Result<Json<wire::ReconciliationBody>, ApiError> {
    let method = state.method_by_id(q.method.as_deref()).ok_or_else(|| {
        ApiError::said(
            ErrorKind::BadRequest,
            Message::new("api.unknown_method_id").with("id", q.method.as_deref().unwrap_or("")),
        )
    })?;
    let snap = state.snapshot_now().await?;
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let reports = st.with_store(|s| Reports::load(s))?;
        let rec = reconcile(&reports, year, method.tolerances);
        let scope = crate::access::Scope { caller: &caller };
        let wanted = |p: &str| {
            q.pairing.as_deref().is_none_or(|w| w == p) && scope.pairing_id(&snap.data, p)
        };
        let traceability = rec
            .traceability
            .iter()
            .filter(|(p, _)| wanted(p))
            .map(|(p, t)| wire::TraceabilityRow {
                pairing_id: p.clone(),
                money_sent: t.money_sent.to_yuan_2dp(),
                money_confirmed: t.money_confirmed.to_yuan_2dp(),
                money_share: t.money_share(),
                people_sent: t.people_sent,
                people_confirmed: t.people_confirmed,
                people_share: t.people_share(),
            })
            .collect();
        let mut counts = BTreeMap::new();
        let findings = rec
            .findings()
            .filter(|i| wanted(&i.pairing_id))
            .map(|i| {
                *counts.entry(i.status.as_str().to_string()).or_insert(0) += 1;
                let (helper, helped) = rec.parties.get(&i.pairing_id).cloned().unwrap_or_default();
                let id = |r: &Option<Report>| r.as_ref().map(|r| r.id.clone());
                let date = |r: &Option<Report>| r.as_ref().map(|r| r.date.to_string());
                let amount =
                    |r: &Option<Report>| r.as_ref().and_then(|r| r.amount).map(|a| a.to_yuan_2dp());
                wire::ReconciliationFinding {
                    flow: i.flow.as_str().into(),
                    flow_zh: i.flow.label_zh().into(),
                    pairing_id: i.pairing_id.clone(),
                    helper,
                    helped,
                    status: i.status.as_str().into(),
                    status_zh: i.status.label_zh().into(),
                    sent_id: id(&i.sent),
                    received_id: id(&i.received),
                    sent_date: date(&i.sent),
                    received_date: date(&i.received),
                    sent_amount: amount(&i.sent),
                    received_amount: amount(&i.received),
                }
            })
            .collect();
        Ok(Json(wire::ReconciliationBody {
            year,
            method: method.id.clone(),
            amount_tolerance_fen: method.tolerances.amount_fen,
            date_tolerance_days: method.tolerances.days,
            flows: rec.flows.iter().map(|f| f.as_str().to_string()).collect(),
            traceability,
            counts,
            findings,
        }))
    })
    .await
    .map_err(ApiError::internal)?
}
