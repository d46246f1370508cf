//! `GET /api/v1/overview` (总览): national totals by year, the map of
//! pairings, and the grades of the latest published round.

use crate::api::{bytes_response, province_of};
use crate::error::ApiError;
use crate::state::{AppState, Snapshot};
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use serde_json::{Value as J, json};
use xiezuo_domain::enums::{Direction, FundKind, FundSource, Vocabulary};

/// National totals by year, the map of pairings and the latest grades.
/// The grades are those of the latest published round (审定公布), read
/// from its frozen result, never computed from live data.
pub async fn overview(State(state): State<AppState>) -> Result<Response, ApiError> {
    let snap = state.snapshot_now().await?;
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let published = st
            .with_store(|s| xiezuo_engine::publication::latest_published_round(s))
            .map_err(crate::rounds::api_error)?;
        let key = match &published {
            Some(r) => format!(
                "overview/{}/{}",
                r.year,
                r.frozen.as_ref().map_or(0, |f| f.version)
            ),
            None => "overview".into(),
        };
        let body = snap.memo_body(key, || {
            let grades = match &published {
                Some(r) => Some((
                    r,
                    st.with_store(|s| xiezuo_engine::publication::published_grades(s, r))
                        .map_err(crate::publication::api_error)?,
                )),
                None => None,
            };
            Ok::<_, ApiError>(overview_body(&snap, grades))
        })?;
        Ok(bytes_response(body))
    })
    .await
    .map_err(ApiError::internal)?
}

/// Grade counts (side → grade → count) of a published round.
type Grades = std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>;

fn overview_body(snap: &Snapshot, published: Option<(&xiezuo_engine::round::Round, Grades)>) -> J {
    let d = &snap.data;
    let mut totals = Vec::new();
    for &y in &snap.years {
        let fiscal: i64 = d
            .funds
            .iter()
            .filter(|(_, f)| {
                f.date.year() == y
                    && f.source == FundSource::Fiscal
                    && f.kind == FundKind::Disbursement
            })
            .map(|(_, f)| f.amount.0)
            .sum();
        let mut placed: Vec<u32> = d
            .placements
            .iter()
            .filter(|(_, _, p)| p.period.active_in(y))
            .map(|(_, person, _)| *person)
            .collect();
        placed.sort_unstable();
        placed.dedup();
        let sent = d
            .secondments
            .iter()
            .filter(|(_, s)| s.direction == Direction::ToWest && s.period.active_in(y))
            .count();
        let purchases: i64 = d
            .purchases
            .iter()
            .filter(|(_, p)| p.date.year() == y)
            .map(|(_, p)| p.amount.0)
            .sum();
        let donations: i64 = d
            .donations
            .iter()
            .filter(|(_, p)| p.date.year() == y)
            .map(|(_, p)| p.amount.0)
            .sum();
        totals.push(json!({
            "year": y,
            "fiscal_disbursed": fiscal as f64 / 100.0,
            "people_placed": placed.len(),
            "cadres_and_technicians_sent": sent,
            "purchases": purchases as f64 / 100.0,
            "donations": donations as f64 / 100.0,
        }));
    }
    let latest = snap.years.last().copied();
    let (grades, published) = match published {
        Some((r, g)) => (
            json!(g),
            json!({
                "year": r.year,
                "method": r.method_id,
                "version": r.frozen.as_ref().map(|f| f.version),
                "at": r.events.iter().rev().find(|e| e.to == xiezuo_engine::round::RoundState::Published).map(|e| e.at.clone()),
            }),
        ),
        None => (json!({}), J::Null),
    };
    // The map: provinces with their side, and pairings between provinces.
    let provinces: Vec<J> = d
        .regions
        .iter()
        .filter(|r| r.parent.is_none())
        .map(|r| json!({ "code": r.code.to_string()[..6].to_string(), "name": r.name.as_str(), "side": r.side.map(|s| s.as_str()) }))
        .collect();
    let mut links: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for (i, p) in d.pairings.iter().enumerate() {
        if latest.is_some_and(|y| !p.period.active_in(y)) {
            continue;
        }
        let a = province_of(d, d.area(d.pairing_helper[i]));
        let b = province_of(d, d.area(d.pairing_helped[i]));
        let key = (
            d.regions[a as usize].code.to_string()[..6].to_string(),
            d.regions[b as usize].code.to_string()[..6].to_string(),
        );
        *links.entry(key).or_default() += 1;
    }
    let links: Vec<J> = links
        .into_iter()
        .map(|((a, b), n)| json!({ "helper": a, "helped": b, "pairings": n }))
        .collect();
    json!({ "years": snap.years, "latest_year": latest, "totals": totals, "grades": grades, "published": published, "provinces": provinces, "links": links, "pairings": d.pairings.len() })
}
