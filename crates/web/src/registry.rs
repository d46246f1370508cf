//! Region and project pages: the registry of a region (households with
//! masked identity numbers and names), its poverty status over the years,
//! the projects and pairings touching it; a project's budget against its
//! funds, its milestones and its beneficiaries.

use crate::error::ApiError;
use crate::error::extract::{Path, Query};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value as J, json};
use xiezuo_domain::RegionCode;
use xiezuo_domain::enums::{FundKind, RegionLevel, Vocabulary};
use xiezuo_engine::assess::data::AssessmentData;
use xiezuo_exchange::{FileKind, Record};

/// An internal failure (I/O, a task that did not finish, an import that failed).
fn failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

/// A name shown without the given name: 张** (personal data).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

fn code_range(code: RegionCode) -> (u64, u64) {
    let digits = match code.level() {
        RegionLevel::Province => 10,
        RegionLevel::Prefecture => 8,
        RegionLevel::County => 6,
        RegionLevel::Township => 3,
        RegionLevel::Village => 0,
    };
    let span = 10u64.pow(digits);
    (code.as_u64(), code.as_u64() + span - 1)
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Identity numbers and names in full (only with that right; logged).
    pub full: Option<bool>,
}

/// `GET /api/v1/regions/{code}`
pub async fn region(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(code): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<axum::response::Response, ApiError> {
    let code = RegionCode::parse(&code).map_err(|e| {
        let m = xiezuo_domain::Message::from(&e);
        ApiError::said(
            crate::error::ErrorKind::BadRequest,
            xiezuo_domain::Message::new("api.bad_region")
                .with("code", &code)
                .with("reason", m.en())
                .with("reason_zh", m.zh()),
        )
    })?;
    let full = q.full.unwrap_or(false);
    if full && !(crate::access::Scope { caller: &caller }).full_view(code.as_u64()) {
        return Err(ApiError::said(
            crate::error::ErrorKind::Forbidden,
            xiezuo_domain::Message::new("api.no_full_view"),
        ));
    }
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> Result<axum::response::Response, ApiError> {
        let snap = st.snapshot()?;
        let body = if full {
            let body = region_body(&st, &snap, code, &q, true)?;
            let shown = body["households"]["items"].as_array().map_or(0, |h| {
                h.iter()
                    .map(|x| x["members"].as_array().map_or(0, Vec::len))
                    .sum::<usize>()
            });
            let mut e = xiezuo_engine::accounts::event(
                &(st.clock)(),
                &caller.login,
                &caller.origin,
                "view_personal",
                &format!(
                    "households page {} of region {code}: {shown} persons in full",
                    q.page.unwrap_or(1)
                ),
            );
            e.kind = Some(FileKind::Regions.stem().to_string());
            e.key = Some(code.to_string());
            st.with_store(|s| s.log_access(&e))?;
            std::sync::Arc::new(body)
        } else {
            let key = format!("region:{code}:{:?}:{:?}", q.page, q.per_page);
            // Beside the registry and the years, the page reads projects.
            snap.memo_kept(key, &[FileKind::Projects], || {
                region_body(&st, &snap, code, &q, false)
            })?
        };
        Ok(crate::api::json_response(&*body))
    })
    .await
    .map_err(failed)?
}

fn region_body(
    st: &AppState,
    snap: &crate::state::Snapshot,
    code: RegionCode,
    q: &PageQuery,
    full: bool,
) -> Result<J, ApiError> {
    {
        let d: &AssessmentData = &snap.data;
        let r = *d.region_idx.get(&code).ok_or_else(|| {
            ApiError::said(
                crate::error::ErrorKind::NotFound,
                xiezuo_domain::Message::new("api.unknown_region").with("code", code),
            )
        })?;
        let node = &d.regions[r as usize];
        let mut parents = Vec::new();
        let mut cur = node.parent;
        while let Some(p) = cur {
            parents.push(json!({ "code": d.regions[p as usize].code.to_string(), "name": d.regions[p as usize].name.as_str() }));
            cur = d.regions[p as usize].parent;
        }
        parents.reverse();
        let children: Vec<J> = d
            .regions
            .iter()
            .filter(|c| c.parent == Some(r))
            .map(|c| json!({ "code": c.code.to_string(), "name": c.name.as_str(), "level": c.level.as_str(), "poor_county": c.poor_county, "poor_village": c.poor_village, "deep_poverty": c.deep_poverty }))
            .collect();
        let status: Vec<J> = snap
            .years
            .iter()
            .map(|&y| {
                let ctx = snap.year_ctx(y);
                json!({ "year": y, "registered": ctx.registered[r as usize], "poor_at_start": ctx.poor_at_start[r as usize], "exited": ctx.exited[r as usize] })
            })
            .collect();
        let (lo, hi) = code_range(code);
        let per = q.per_page.unwrap_or(20).clamp(1, 200);
        let page = q.page.unwrap_or(1).max(1);
        // A page past any end is empty; it never overflows the offset.
        let offset = (page - 1).saturating_mul(per).min(i64::MAX as u64);
        // One connection for the page and its households' members.
        let (total, rows) = st.with_reader(|s| {
            let (total, rows) = s.households_in(lo, hi, offset, per)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.rowid).collect();
            let members = s.members_of_households(&ids)?;
            Ok::<_, xiezuo_store::StoreError>((total, rows.into_iter().zip(members)))
        })?;
        let mut households = Vec::new();
        for (row, members) in rows {
            let Ok(Record::Household(h)) = Record::from_cells(FileKind::Households, &row.cells)
            else {
                continue;
            };
            let members: Vec<J> = members
                .iter()
                .filter_map(|m| match Record::from_cells(FileKind::Persons, &m.cells) {
                    Ok(Record::Person(p)) => Some(json!({
                        "person_id": p.person_id.as_str(),
                        "name": if full { p.name.to_string() } else { mask_name(&p.name) },
                        "id_number": if full { p.id_number.expose().to_string() } else { p.id_number.masked() },
                        "sex": p.sex.as_str(),
                        "birth_date": p.birth_date.to_string(),
                        "labor": p.labor.as_str(),
                    })),
                    _ => None,
                })
                .collect();
            households.push(json!({
                "household_id": h.household_id.as_str(),
                "village": h.village.to_string(),
                "category": h.category.as_str(),
                "identified_year": h.identified_year,
                "exit_year": h.exit_year,
                "monitor_type": h.monitor_type.map(|m| m.as_str()),
                "members": members,
            }));
        }
        let projects: Vec<J> = d
            .projects
            .iter()
            .filter(|p| (lo..=hi).contains(&p.village.unwrap_or(p.county).as_u64()))
            .map(|p| json!({ "project_id": p.project_id.as_str(), "name": p.name.as_str(), "year": p.year, "category": p.category.as_str(), "status": p.status.as_str(), "budget": p.budget.0 as f64 / 100.0 }))
            .collect();
        let pairings: Vec<J> = (0..d.pairings.len())
            .filter(|&i| {
                let a = d.area(d.pairing_helper[i]);
                let b = d.area(d.pairing_helped[i]);
                d.region_within(a, r) || d.region_within(r, a) || d.region_within(b, r) || d.region_within(r, b)
            })
            .map(|i| json!({ "pairing_id": d.pairings[i].pairing_id.as_str(), "level": d.pairings[i].level.as_str() }))
            .collect();
        Ok(json!({
            "region": { "code": code.to_string(), "name": node.name.as_str(), "level": node.level.as_str(), "poor_county": node.poor_county, "poor_village": node.poor_village, "deep_poverty": node.deep_poverty },
            "parents": parents, "children": children, "status": status,
            "households": { "total": total, "page": page, "per_page": per, "items": households },
            "projects": projects, "pairings": pairings,
        }))
    }
}

/// `GET /api/v1/projects/{id}`
pub async fn project(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<J>, ApiError> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> Result<Json<J>, ApiError> {
        let snap = st.snapshot()?;
        let d = &snap.data;
        let pi = *d.project_idx.get(id.as_str()).ok_or_else(|| ApiError::said(crate::error::ErrorKind::NotFound, xiezuo_domain::Message::new("api.unknown_project").with("id", &id)))?;
        let p = &d.projects[pi as usize];
        let today = (st.clock)().get(..10).and_then(|s| xiezuo_exchange::cell::parse_date(s).ok());
        let funds = st.with_reader(|s| s.funds_of_project(&id))?;
        let mut sums = [0i64; 3];
        let mut rows = Vec::new();
        for f in &funds {
            if let Ok(Record::FundTxn(t)) = Record::from_cells(FileKind::Funds, &f.cells) {
                let k = match t.kind {
                    FundKind::Commitment => 0,
                    FundKind::Disbursement => 1,
                    FundKind::Expenditure => 2,
                };
                sums[k] += t.amount.0;
                rows.push(json!({ "txn_id": t.txn_id.as_str(), "date": t.date.to_string(), "source": t.source.as_str(), "kind": t.kind.as_str(), "amount": t.amount.0 as f64 / 100.0, "reverses": t.reverses.as_ref().map(|x| x.as_str()) }));
            }
        }
        let milestones: Vec<J> = d
            .milestones
            .iter()
            .filter(|(x, _)| *x == pi)
            .map(|(_, m)| {
                let late = match m.done_date {
                    Some(done) => done > m.due_date,
                    None => today.is_some_and(|t| m.due_date < t),
                };
                json!({ "seq": m.seq, "name": m.name.as_str(), "due_date": m.due_date.to_string(), "done_date": m.done_date.map(|x| x.to_string()), "responsible": m.responsible.as_str(), "late": late })
            })
            .collect();
        let beneficiaries: Vec<J> = d
            .beneficiaries
            .iter()
            .filter(|(x, _, _)| *x == pi)
            .map(|(_, hh, hid)| {
                let h = d.households.get(*hh as usize).copied().flatten();
                json!({ "household_id": hid.as_str(), "village": h.map(|h| d.regions[h.village as usize].code.to_string()), "members": h.map(|h| h.members) })
            })
            .collect();
        let name_of = |c: RegionCode| d.region_idx.get(&c).map(|&i| d.regions[i as usize].name.to_string());
        Ok(Json(json!({
            "project": {
                "project_id": p.project_id.as_str(), "name": p.name.as_str(), "pairing_id": p.pairing_id.as_str(), "year": p.year,
                "category": p.category.as_str(), "status": p.status.as_str(),
                "county": p.county.to_string(), "county_name": name_of(p.county),
                "village": p.village.map(|v| v.to_string()), "village_name": p.village.and_then(name_of),
                "budget": p.budget.0 as f64 / 100.0, "start_date": p.start_date.to_string(), "end_date": p.end_date.to_string(),
            },
            "funds": { "committed": sums[0] as f64 / 100.0, "disbursed": sums[1] as f64 / 100.0, "expended": sums[2] as f64 / 100.0, "rows": rows },
            "milestones": milestones,
            "beneficiaries": beneficiaries,
        })))
    })
    .await
    .map_err(failed)?
}

#[cfg(test)]
mod tests {
    use super::*;
    use xiezuo_domain::IdNumber;

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("吕金静"), "吕**");
        assert_eq!(mask_name(""), "");
        let id = IdNumber::parse("450121196001184277").unwrap();
        assert_eq!(id.masked(), "4501**********4277");
    }
}
