//! JSON handlers of `/api/v1`. Wire types are built here from domain types
//! by hand; the domain knows nothing of JSON.

use crate::error::extract::{Path, Query};
use crate::error::{ApiError, ErrorKind};
use crate::state::{AppState, Snapshot};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value as J, json};
use xiezuo_api as wire;

use xiezuo_domain::enums::Vocabulary;
use xiezuo_domain::{Finding, Indicator, Message};
use xiezuo_engine::assess::data::{AssessmentData, PartyRef};
use xiezuo_engine::assess::{Subject, explain_in};

type ApiResult = Result<Json<J>, ApiError>;

pub async fn health() -> Json<wire::Health> {
    Json(wire::Health {
        status: "ok".into(),
    })
}

pub async fn not_found() -> ApiError {
    ApiError::said(
        crate::error::ErrorKind::NotFound,
        xiezuo_domain::Message::new("api.no_route"),
    )
}

fn party_json(d: &AssessmentData, p: PartyRef) -> J {
    serde_json::to_value(party_body(d, p)).unwrap_or_default()
}

/// A pairing as people name it: helper—helped (苏州市—铜仁市).
pub(crate) fn pairing_name(d: &AssessmentData, pi: u32) -> String {
    let name = |p| {
        let b = party_body(d, p);
        match b.region_name {
            Some(r) => format!("{}（{r}）", b.name),
            None => b.name,
        }
    };
    format!(
        "{}—{}",
        name(d.pairing_helper[pi as usize]),
        name(d.pairing_helped[pi as usize])
    )
}

/// The province codes of a pairing's helper and helped.
pub(crate) fn pairing_provinces(d: &AssessmentData, pi: u32) -> [String; 2] {
    let province = |p| {
        d.regions[province_of(d, d.area(p)) as usize]
            .code
            .to_string()
    };
    [
        province(d.pairing_helper[pi as usize]),
        province(d.pairing_helped[pi as usize]),
    ]
}

fn party_body(d: &AssessmentData, p: PartyRef) -> wire::PartyBody {
    match p {
        PartyRef::Region(r) => {
            let n = &d.regions[r as usize];
            wire::PartyBody {
                kind: "region".into(),
                code: n.code.to_string(),
                name: n.name.as_str().into(),
                level: Some(n.level.as_str().into()),
                region: None,
                region_name: None,
            }
        }
        PartyRef::Org(o) => {
            let region = &d.regions[d.org_region[o as usize] as usize];
            wire::PartyBody {
                kind: "organisation".into(),
                code: format!("org:{}", d.org_ids[o as usize]),
                name: d.org_names[o as usize].as_str().into(),
                level: None,
                region: Some(region.code.to_string()),
                region_name: Some(region.name.as_str().into()),
            }
        }
    }
}

pub(crate) fn province_of(d: &AssessmentData, mut r: u32) -> u32 {
    while let Some(p) = d.regions[r as usize].parent {
        r = p;
    }
    r
}

/// What a search for pairings looks in: ids, codes and names of both
/// parties, and the names of the regions they lie in (a province's name
/// finds its pairings at every level).
fn search_text(d: &AssessmentData, p: u32) -> String {
    let mut text = pairing_summary(d, p).to_string();
    for party in [d.pairing_helper[p as usize], d.pairing_helped[p as usize]] {
        let mut r = Some(d.area(party));
        while let Some(i) = r {
            let region = &d.regions[i as usize];
            text.push(' ');
            text.push_str(region.name.as_str());
            r = region.parent;
        }
    }
    text.to_lowercase()
}

fn pairing_summary(d: &AssessmentData, p: u32) -> J {
    let x = &d.pairings[p as usize];
    json!({
        "pairing_id": x.pairing_id.as_str(),
        "level": x.level.as_str(),
        "helper_kind": x.helper_kind.as_str(),
        "helper": party_json(d, d.pairing_helper[p as usize]),
        "helped": party_json(d, d.pairing_helped[p as usize]),
        "start_date": x.period.start.to_string(),
        "end_date": x.period.end.map(|e| e.to_string()),
    })
}

/// A body as a JSON response, serialized from a reference.
pub(crate) fn json_response(v: &impl serde::Serialize) -> Response {
    bytes_response(serde_json::to_vec(v).unwrap_or_default().into())
}

/// A serialized body as a JSON response.
pub(crate) fn bytes_response(body: axum::body::Bytes) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub level: Option<String>,
    pub q: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
}

/// How many results a search gives at most, per kind.
pub const SEARCH_PER_KIND: usize = 20;

#[derive(Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
}

/// `GET /api/v1/search?q=`: regions, pairings, projects and organisations
/// by Chinese name or code (one search box), each kind the caller may see,
/// at most `SEARCH_PER_KIND` of each.
pub async fn search(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Query(q): Query<SearchQuery>,
) -> ApiResult {
    let needle: String =
        q.q.unwrap_or_default()
            .trim()
            .to_lowercase()
            .chars()
            .take(64)
            .collect();
    if needle.is_empty() {
        return Ok(Json(json!({ "q": "", "results": [] })));
    }
    let snap = state.snapshot_now().await?;
    let d = &snap.data;
    let scope = crate::access::Scope { caller: &caller };
    let hit = |s: &str| s.to_lowercase().contains(&needle);
    let mut results: Vec<J> = Vec::new();
    let regions = d
        .regions
        .iter()
        .filter(|r| scope.region(r.code.as_u64()) && (hit(r.name.as_str()) || r.code.to_string().starts_with(&needle)))
        .take(SEARCH_PER_KIND)
        .map(|r| json!({ "kind": "region", "id": r.code.to_string(), "name": r.name.as_str(), "detail": r.level.as_str() }));
    results.extend(regions);
    let pairings = (0..d.pairings.len() as u32)
        .filter(|&p| scope.pairing(d, p) && search_text(d, p).contains(&needle))
        .take(SEARCH_PER_KIND)
        .map(|p| json!({ "kind": "pairing", "id": d.pairings[p as usize].pairing_id.as_str(), "name": pairing_name(d, p), "detail": d.pairings[p as usize].level.as_str() }));
    results.extend(pairings);
    let projects = d
        .projects
        .iter()
        .enumerate()
        .filter(|(i, p)| scope.pairing(d, d.project_pairing[*i]) && (hit(p.name.as_str()) || hit(p.project_id.as_str())))
        .take(SEARCH_PER_KIND)
        .map(|(_, p)| json!({ "kind": "project", "id": p.project_id.as_str(), "name": p.name.as_str(), "detail": p.year }));
    results.extend(projects);
    // Organisations: those of the pairings the caller sees (all for those
    // who see every pairing), by name or id; they open on their region.
    let orgs = (0..d.org_ids.len())
        .filter(|&o| hit(d.org_names[o].as_str()) || hit(d.org_ids[o].as_str()))
        .filter(|&o| {
            scope.sees_all()
                || (0..d.pairings.len() as u32).any(|p| {
                    scope.pairing(d, p)
                        && [d.pairing_helper[p as usize], d.pairing_helped[p as usize]]
                            .contains(&PartyRef::Org(o as u32))
                })
        })
        .take(SEARCH_PER_KIND)
        .map(|o| {
            let region = &d.regions[d.org_region[o] as usize];
            json!({ "kind": "organisation", "id": d.org_ids[o].as_str(), "name": d.org_names[o].as_str(), "detail": region.name.as_str(), "region": region.code.to_string() })
        });
    results.extend(orgs);
    Ok(Json(json!({ "q": needle, "results": results })))
}

fn paginate(total: usize, page: Option<usize>, per_page: Option<usize>) -> (usize, usize, usize) {
    let per = per_page.unwrap_or(50).clamp(1, 500);
    let page = page.unwrap_or(1).max(1);
    let from = (page - 1).saturating_mul(per).min(total);
    (page, per, from)
}

/// An empty query parameter means "not given".
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

/// Pairings, filtered by level and text, paginated.
pub async fn pairings(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let snap = state.snapshot_now().await?;
    let d = &snap.data;
    let scope = crate::access::Scope { caller: &caller };
    let needle = q.q.as_deref().unwrap_or("").to_lowercase();
    let mut rows: Vec<u32> = (0..d.pairings.len() as u32)
        .filter(|&p| scope.pairing(d, p))
        // An empty filter (the page's "all levels") filters nothing.
        .filter(|&p| given(&q.level).is_none_or(|l| d.pairings[p as usize].level.as_str() == l))
        .filter(|&p| needle.is_empty() || search_text(d, p).contains(&needle))
        .collect();
    rows.sort_by(|a, b| {
        d.pairings[*a as usize]
            .pairing_id
            .cmp(&d.pairings[*b as usize].pairing_id)
    });
    let (page, per, from) = paginate(rows.len(), q.page, q.per_page);
    let items: Vec<J> = rows[from..(from + per).min(rows.len())]
        .iter()
        .map(|&p| pairing_summary(d, p))
        .collect();
    Ok(Json(
        json!({ "total": rows.len(), "page": page, "per_page": per, "items": items }),
    ))
}

/// An indicator's unit as the API names it.
fn unit_name(u: xiezuo_domain::IndicatorUnit) -> &'static str {
    match u {
        xiezuo_domain::IndicatorUnit::Count => "count",
        xiezuo_domain::IndicatorUnit::Money => "yuan",
        xiezuo_domain::IndicatorUnit::Rate => "rate",
    }
}

fn pairing_index(d: &AssessmentData, id: &str) -> Result<u32, ApiError> {
    d.pairing_idx.get(id).copied().ok_or_else(|| {
        ApiError::said(
            crate::error::ErrorKind::NotFound,
            xiezuo_domain::Message::new("api.unknown_pairing").with("id", id),
        )
    })
}

/// One pairing: its sub-pairings as a tree, indicators, scores and findings
/// by year.
pub async fn pairing(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let snap = state.snapshot_now().await?;
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let body = snap.memo_body(format!("pairing:{id}"), || pairing_body(&snap, &st, &id))?;
        Ok(bytes_response(body))
    })
    .await
    .map_err(ApiError::internal)?
}

fn pairing_body(snap: &Snapshot, st: &AppState, id: &str) -> Result<J, ApiError> {
    let d = &snap.data;
    let p = pairing_index(d, id)?;
    let mut years = Vec::new();
    for &y in &snap.years {
        let a = snap.assessment(y, &st.method);
        let Some(r) = a.pairings.iter().find(|x| x.pairing_id == id) else {
            continue;
        };
        years.push(json!({
            "year": y,
            "indicators": r.result.values.iter().map(|(i, v)| json!({ "id": i.as_str(), "unit": unit_name(i.unit()), "value": v.as_f64(), "text": v.to_output() })).collect::<Vec<_>>(),
            "scores": r.scores.iter().map(|s| json!({
                "side": s.side,
                "components": s.components.iter().map(|(n, v)| json!({ "name": n, "points": (v * 100.0).round() / 100.0 })).collect::<Vec<_>>(),
                "total": s.total,
                "grade": s.grade,
            })).collect::<Vec<_>>(),
            "findings": r.result.findings.iter().map(|f| json!({ "finding": f.finding.as_str(), "record_kind": f.record_kind, "record_id": f.record_id })).collect::<Vec<_>>(),
        }));
    }
    // Sub-pairings of the latest year as a tree by containment.
    let tree = snap.years.last().map(|&y| {
        let scopes = snap.scopes(y);
        children_tree(d, &scopes, p, 0)
    });
    Ok(json!({ "pairing": pairing_summary(d, p), "tree": tree, "years": years }))
}

fn children_tree(d: &AssessmentData, scopes: &[Vec<u32>], p: u32, depth: usize) -> J {
    let within = |a: u32, b: u32| scopes[b as usize].binary_search(&a).is_ok();
    let s: Vec<u32> = scopes[p as usize]
        .iter()
        .copied()
        .filter(|&q| q != p)
        .collect();
    let direct: Vec<u32> = s
        .iter()
        .copied()
        .filter(|&q| !s.iter().any(|&r| r != q && within(q, r) && !within(r, q)))
        .collect();
    let children: Vec<J> = if depth < 4 {
        direct
            .iter()
            .map(|&q| children_tree(d, scopes, q, depth + 1))
            .collect()
    } else {
        vec![]
    };
    json!({ "pairing_id": d.pairings[p as usize].pairing_id.as_str(), "name": pairing_name(d, p), "level": d.pairings[p as usize].level.as_str(), "children": children })
}

#[derive(Deserialize)]
pub struct ExplainQuery {
    pub year: i32,
    pub indicator: Option<String>,
    pub finding: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
}

/// The records behind one indicator or finding, paginated.
pub async fn explain(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ExplainQuery>,
) -> ApiResult {
    let subject = match (&q.indicator, &q.finding) {
        (Some(i), _) => Subject::Indicator(Indicator::parse(i).ok_or_else(|| {
            ApiError::said(
                crate::error::ErrorKind::BadRequest,
                xiezuo_domain::Message::new("api.unknown_indicator").with("id", i),
            )
        })?),
        (None, Some(f)) => Subject::Finding(Finding::parse(f).ok_or_else(|| {
            ApiError::said(
                crate::error::ErrorKind::BadRequest,
                xiezuo_domain::Message::new("api.unknown_finding").with("id", f),
            )
        })?),
        (None, None) => {
            return Err(ApiError::said(
                crate::error::ErrorKind::BadRequest,
                xiezuo_domain::Message::new("api.explain_what"),
            ));
        }
    };
    let snap = state.snapshot_now().await?;
    snap.known_year(q.year)?;
    tokio::task::spawn_blocking(move || {
        let key = format!("explain:{id}:{}:{:?}:{:?}", q.year, q.indicator, q.finding);
        let e = snap.memo(key, || {
            let ctx = snap.year_ctx(q.year);
            let e = explain_in(&snap.data, &snap.index, &ctx, &id, subject).map_err(|e| match e {
                xiezuo_engine::assess::ExplainError::UnknownPairing(id) => ApiError::said(ErrorKind::NotFound, Message::new("api.unknown_pairing").with("id", id)),
                xiezuo_engine::assess::ExplainError::NotActive(id, year) => ApiError::said(ErrorKind::BadRequest, Message::new("api.not_active").with("id", id).with("year", year)),
            })?;
            Ok::<_, ApiError>(json!({
                "value": e.value,
                "records": e.records.iter().zip(&e.details_zh).map(|((k, id, detail), zh)| json!({ "record_kind": k, "record_id": id, "detail": detail, "detail_zh": zh })).collect::<Vec<_>>(),
            }))
        })?;
        let records = e["records"].as_array().map_or(&[][..], |v| v.as_slice());
        let (page, per, from) = paginate(records.len(), q.page, q.per_page);
        let items = &records[from..(from + per).min(records.len())];
        Ok(Json(json!({ "value": e["value"], "total": records.len(), "page": page, "per_page": per, "items": items })))
    })
    .await
    .map_err(ApiError::internal)?
}

/// `GET /api/v1/methods`: the assessment methods to choose from.
pub async fn methods(State(state): State<AppState>) -> Json<J> {
    let all: Vec<J> = std::iter::once(&state.method)
        .chain(state.methods.iter())
        .map(|m| method_body(m))
        .collect();
    Json(json!({ "default": state.method.id, "methods": all }))
}

/// A method as the UI explains a score with it: components with their
/// maximum and terms (rule, weight, indicators), and the grade bands.
fn method_body(m: &xiezuo_engine::assess::method::Method) -> J {
    let sides: Vec<J> = m
        .sides
        .iter()
        .map(|s| {
            let components: Vec<J> = s
                .components
                .iter()
                .map(|c| {
                    let terms: Vec<J> = c
                        .terms
                        .iter()
                        .map(|t| json!({ "weight": t.weight, "fn": t.func.name(), "rule": t.func.rule_zh(),
                            "indicators": t.func.indicators().iter().map(|i| i.as_str()).collect::<Vec<_>>() }))
                        .collect();
                    json!({ "name": c.name, "label": c.label, "max": c.max_points(), "terms": terms })
                })
                .collect();
            json!({ "side": s.side, "components": components })
        })
        .collect();
    let grades: Vec<J> = m
        .grades
        .iter()
        .map(|g| json!({ "grade": g.grade, "label": g.label, "min": g.min }))
        .collect();
    let definitions: serde_json::Map<String, J> = m
        .definitions
        .iter()
        .map(|(i, d)| (i.as_str().to_string(), json!(d)))
        .collect();
    json!({ "id": m.id, "title": m.title, "columns": m.component_columns(), "sides": sides, "grades": grades, "definitions": definitions })
}

#[derive(Deserialize)]
pub struct RankingQuery {
    pub method: Option<String>,
    pub side: Option<String>,
    pub grade: Option<String>,
    pub province: Option<String>,
    pub sort: Option<String>,
}

/// The ranking of a year: every pairing and side, filterable and sortable.
pub async fn assessment(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(year): Path<i32>,
    Query(q): Query<RankingQuery>,
) -> Result<Response, ApiError> {
    let snap = state.snapshot_now().await?;
    snap.known_year(year)?;
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let method = st
            .method_by_id(q.method.as_deref())
            .ok_or_else(|| ApiError::said(crate::error::ErrorKind::BadRequest, xiezuo_domain::Message::new("api.unknown_method_id").with("id", q.method.as_deref().unwrap_or(""))))?;
        let all = snap.memo(format!("ranking:{year}:{}", method.id), || Ok::<_, ApiError>(ranking_body(&snap, &method, year)))?;
        // The whole ranking, as those who see every pairing ask for it most.
        let whole = (crate::access::Scope { caller: &caller }).sees_all()
            && [&q.side, &q.grade, &q.province].iter().all(|f| given(f).is_none())
            && q.sort.as_deref() != Some("pairing");
        if whole {
            let body = snap.memo_body(format!("ranking-all:{year}:{}", method.id), || {
                Ok::<_, ApiError>(json!({ "year": year, "method": all["method"], "columns": all["columns"], "rows": all["rows"] }))
            })?;
            return Ok(bytes_response(body));
        }
        let mut rows: Vec<&J> = all["rows"]
            .as_array()
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .filter(|r| {
                (crate::access::Scope { caller: &caller })
                    .pairing_id(&snap.data, r["pairing_id"].as_str().unwrap_or(""))
            })
            .filter(|r| given(&q.side).is_none_or(|x| r["side"] == x))
            .filter(|r| given(&q.grade).is_none_or(|g| r["grade"] == g))
            .filter(|r| {
                given(&q.province).is_none_or(|pr| {
                    r["provinces"].as_array().is_some_and(|ps| ps.iter().any(|c| c.as_str().is_some_and(|c| c.starts_with(pr))))
                })
            })
            .collect();
        if q.sort.as_deref() == Some("pairing") {
            rows.sort_by(|a, b| a["pairing_id"].as_str().cmp(&b["pairing_id"].as_str()));
        }
        // Serialized from the cached rows, not copied into a new value.
        #[derive(serde::Serialize)]
        struct Ranking<'a> {
            columns: &'a J,
            method: &'a J,
            rows: Vec<&'a J>,
            year: i32,
        }
        Ok(json_response(&Ranking { columns: &all["columns"], method: &all["method"], rows, year }))
    })
    .await
    .map_err(ApiError::internal)?
}

fn ranking_body(snap: &Snapshot, method: &xiezuo_engine::assess::method::Method, year: i32) -> J {
    let d = &snap.data;
    let a = snap.assessment(year, method);
    let ranking = xiezuo_engine::views::Ranking::of(&a, |_| true);
    let rows: Vec<wire::RankingRow> = ranking
        .rows
        .iter()
        .filter_map(|r| {
            let &pi = d.pairing_idx.get(r.pairing_id)?;
            let (helper, helped) = (d.pairing_helper[pi as usize], d.pairing_helped[pi as usize]);
            Some(wire::RankingRow {
                pairing_id: r.pairing_id.into(),
                level: d.pairings[pi as usize].level.as_str().into(),
                helper: party_body(d, helper),
                helped: party_body(d, helped),
                provinces: pairing_provinces(d, pi),
                side: r.side.into(),
                components: r
                    .components
                    .iter()
                    .map(|(n, v)| wire::ComponentPoints {
                        name: (*n).into(),
                        points: *v,
                    })
                    .collect(),
                total: r.total,
                grade: r.grade.into(),
            })
        })
        .collect();
    let body = wire::RankingBody {
        year,
        method: ranking.method_id.into(),
        columns: ranking.columns.to_vec(),
        rows,
    };
    serde_json::to_value(body).unwrap_or_default()
}
#[derive(Deserialize)]
pub struct CompareQuery {
    pub from: i32,
    pub to: i32,
}

/// Two years side by side: every pairing and side with both totals and grades.
pub async fn compare(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Query(q): Query<CompareQuery>,
) -> ApiResult {
    let snap = state.snapshot_now().await?;
    snap.known_year(q.from)?;
    snap.known_year(q.to)?;
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let a = snap.assessment(q.from, &st.method);
        let b = snap.assessment(q.to, &st.method);
        let mut rows = Vec::new();
        let scope = crate::access::Scope { caller: &caller };
        for p in b
            .pairings
            .iter()
            .filter(|p| scope.pairing_id(&snap.data, &p.pairing_id))
        {
            for s in &p.scores {
                let before = a
                    .pairings
                    .iter()
                    .find(|x| x.pairing_id == p.pairing_id)
                    .and_then(|x| x.scores.iter().find(|y| y.side == s.side));
                rows.push(json!({
                    "pairing_id": p.pairing_id,
                    "name": snap.data.pairing_idx.get(p.pairing_id.as_str()).map(|&pi| pairing_name(&snap.data, pi)),
                    "side": s.side,
                    "from_total": before.map(|x| x.total),
                    "from_grade": before.map(|x| x.grade.clone()),
                    "to_total": s.total,
                    "to_grade": s.grade,
                    "change": before.map(|x| ((s.total - x.total) * 100.0).round() / 100.0),
                }));
            }
        }
        rows.sort_by(|x, y| {
            y["change"]
                .as_f64()
                .unwrap_or(f64::MIN)
                .total_cmp(&x["change"].as_f64().unwrap_or(f64::MIN))
        });
        Ok(Json(json!({ "from": q.from, "to": q.to, "rows": rows })))
    })
    .await
    .map_err(ApiError::internal)?
}

/// `GET /api/v1/jobs/{id}`
pub async fn job(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(id): Path<String>,
) -> Result<Json<wire::JobBody>, ApiError> {
    let job = state
        .jobs
        .get(&id)
        .filter(|j| j.owner == caller.login || caller.role == xiezuo_engine::accounts::Role::Admin)
        .ok_or_else(|| {
            ApiError::said(
                crate::error::ErrorKind::NotFound,
                xiezuo_domain::Message::new("api.no_job").with("id", &id),
            )
        })?;
    Ok(Json(job.body(&id)))
}

/// `POST /api/v1/assessments/{year}/run?method=`: computes (or finds) the
/// assessment of a year in the background.
pub async fn run_assessment(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(year): Path<i32>,
    crate::error::extract::Query(q): crate::error::extract::Query<
        std::collections::HashMap<String, String>,
    >,
) -> Result<(axum::http::StatusCode, Json<wire::JobStarted>), ApiError> {
    let method = state
        .method_by_id(q.get("method").map(String::as_str))
        .ok_or_else(|| {
            ApiError::said(
                crate::error::ErrorKind::BadRequest,
                xiezuo_domain::Message::new("api.unknown_method"),
            )
        })?;
    state.snapshot_now().await?.known_year(year)?;
    let st = state.clone();
    let id = state
        .jobs
        .spawn(&caller.login, "assessment", 1, move |_job| {
            let snap = st.snapshot().map_err(|e| e.to_string())?;
            let a = snap.assessment(year, &method);
            Ok(json!({ "year": year, "method": method.id, "pairings": a.pairings.len() }))
        });
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(wire::JobStarted {
            job: id,
            token: None,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::paginate;

    #[test]
    fn a_page_past_the_end_is_empty_however_large() {
        assert_eq!(paginate(120, Some(3), Some(50)), (3, 50, 100));
        assert_eq!(paginate(120, Some(0), Some(0)), (1, 1, 0));
        assert_eq!(
            paginate(120, Some(usize::MAX), Some(usize::MAX)),
            (usize::MAX, 500, 120)
        );
    }
}
