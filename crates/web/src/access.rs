//! The access rules (权限), in one place. Every route is listed in `RULES`
//! with the rule that guards it; the `guard` middleware runs on every
//! matched route, resolves the caller, checks CSRF on cookie writes, and
//! applies the rule to the resource named in the path before any handler
//! runs. A route missing from the table is refused (fail closed), so a new
//! handler cannot forget its rule. List handlers narrow their rows with
//! `Scope`, the same predicate the rules use.

use crate::auth;
use crate::error::{ApiError, ErrorKind};
use crate::session::Caller;
use crate::state::AppState;
use axum::extract::{MatchedPath, RawPathParams, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use xiezuo_domain::Message;
use xiezuo_engine::accounts::{Role, region_covers};
use xiezuo_engine::assess::data::{AssessmentData, PartyRef};
use xiezuo_exchange::FileKind;

/// What guards a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, the public included: the page, assets, documentation,
    /// templates, published aggregates, sign-in.
    Open,
    /// Signed-in callers; the handler narrows rows to the caller's scope.
    SignedIn,
    /// The pairing `{id}` must be in scope.
    Pairing,
    /// The region `{code}`'s registry: administrators, assessors, and
    /// offices whose region covers it.
    Region,
    /// The project `{id}`: its pairing must be in scope.
    Project,
    /// The record `{kind}/{key}`: its pairing, region or organisation must
    /// be in scope.
    Record,
    /// Writing records of `{kind}`: each row is checked against the
    /// caller's write scope by the importer, in the same pass as every
    /// other rule (`Caller::write_scope`).
    Write,
    /// Upload and labour writes: administrators, offices, organisations;
    /// rows checked by the importer, as for `Write`.
    Upload,
    /// Running assessments: administrators and assessors.
    Assess,
    /// The labour station's view (seekers, postings, proposals):
    /// administrators, assessors and offices.
    Station,
    /// Confirming a day's matches: administrators, and offices (each row
    /// within the office's write scope, checked by the importer).
    Confirm,
    /// The audit trail and access log: administrators and assessors.
    Audit,
    /// A job: the caller who started it, or an administrator.
    Job,
    /// Moving an assessment round, freezing its data, drawing its sample
    /// and applying its penalties: administrators (the national office).
    Rounds,
}

use Rule::*;

/// Every route: (method, path as routed, rule).
pub const RULES: &[(&str, &str, Rule)] = &[
    ("GET", "/", Open),
    ("GET", "/favicon.ico", Open),
    ("GET", "/assets/{file}", Open),
    ("GET", "/map/{code}", Open),
    ("GET", "/api/openapi.json", Open),
    ("GET", "/api/docs", Open),
    ("GET", "/api/v1/health", Open),
    ("GET", "/api/v1/labels", Open),
    ("GET", "/api/v1/session", Open),
    ("POST", "/api/v1/session", Open),
    ("DELETE", "/api/v1/session", Open),
    ("GET", "/api/v1/overview", Open),
    ("GET", "/api/v1/methods", Open),
    ("GET", "/api/v1/templates/{file}", Open),
    ("GET", "/api/v1/schema/{kind}", Open),
    ("GET", "/api/v1/pairings", SignedIn),
    ("GET", "/api/v1/search", SignedIn),
    ("GET", "/api/v1/pairings/{id}", Pairing),
    ("GET", "/api/v1/pairings/{id}/explain", Pairing),
    ("GET", "/api/v1/assessments/compare", SignedIn),
    ("GET", "/api/v1/assessments/{year}", SignedIn),
    ("GET", "/api/v1/assessments/{year}/export.xlsx", SignedIn),
    ("POST", "/api/v1/assessments/{year}/run", Assess),
    ("GET", "/api/v1/jobs/{id}", Job),
    ("GET", "/api/v1/regions/{code}", Region),
    ("GET", "/api/v1/projects/{id}", Project),
    ("GET", "/api/v1/records/{kind}/{key}", Record),
    ("GET", "/api/v1/records/{kind}/{key}/audit", Record),
    ("POST", "/api/v1/records/{kind}", Write),
    ("POST", "/api/v1/uploads", Upload),
    ("POST", "/api/v1/uploads/{token}/commit", Upload),
    ("GET", "/api/v1/labour/station", Station),
    ("POST", "/api/v1/labour/confirm", Confirm),
    ("GET", "/api/v1/access-log", Audit),
    ("GET", "/api/v1/audit/export.csv", Audit),
    ("GET", "/api/v1/reconciliation/{year}", SignedIn),
    // Narrowed to the parties and team the caller acts for.
    ("GET", "/api/v1/workbench", SignedIn),
    // A team's sampled records; recording checks the caller's team per row.
    ("GET", "/api/v1/rounds/{year}/checks", SignedIn),
    ("POST", "/api/v1/rounds/{year}/checks", SignedIn),
    // Narrowed to the caller's pairings.
    ("GET", "/api/v1/rounds/{year}/verified-rates", SignedIn),
    ("GET", "/api/v1/rounds", SignedIn),
    ("GET", "/api/v1/rounds/{year}", SignedIn),
    // A party's report, preliminary (初步结果) until the round is published.
    ("GET", "/api/v1/rounds/{year}/report/{id}/{side}", Pairing),
    // Narrowed to the caller's pairings.
    ("GET", "/api/v1/rounds/{year}/export.xlsx", SignedIn),
    ("POST", "/api/v1/rounds/{year}/open", Rounds),
    ("POST", "/api/v1/rounds/{year}/advance", Rounds),
    ("POST", "/api/v1/rounds/{year}/freeze", Rounds),
    ("POST", "/api/v1/rounds/{year}/sample", Rounds),
    ("POST", "/api/v1/rounds/{year}/penalties", Rounds),
    // The whole sample: which households are visited is not for the parties.
    ("GET", "/api/v1/rounds/{year}/sample/{file}", Assess),
    (
        "GET",
        "/api/v1/rounds/{year}/self-evaluations/{id}",
        Pairing,
    ),
    // Each party writes only its own side: checked by the handler.
    (
        "POST",
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}",
        Pairing,
    ),
    (
        "POST",
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion",
        Pairing,
    ),
    // Added and removed only by the side's own party (checked by the handler).
    (
        "POST",
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments",
        Pairing,
    ),
    (
        "GET",
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}",
        Pairing,
    ),
    (
        "DELETE",
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}",
        Pairing,
    ),
    // Narrowed to the caller's pairings; filing checks the side's party.
    ("GET", "/api/v1/rounds/{year}/appeals", SignedIn),
    ("POST", "/api/v1/rounds/{year}/appeals", Write),
    (
        "POST",
        "/api/v1/rounds/{year}/appeals/{id}/decision",
        Assess,
    ),
    // Narrowed to the corrections the caller filed or may approve; the
    // handler checks that the decider is of the level above the filer.
    ("GET", "/api/v1/rounds/{year}/corrections", SignedIn),
    ("POST", "/api/v1/rounds/{year}/corrections", Write),
    ("GET", "/api/v1/rounds/{year}/corrections/{id}", SignedIn),
    (
        "POST",
        "/api/v1/rounds/{year}/corrections/{id}/decision",
        Write,
    ),
];

/// The rule of a route, if it is listed.
pub fn rule_of(method: &Method, path: &str) -> Option<Rule> {
    RULES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
        .map(|r| r.2)
}

/// What a caller may see and write.
pub struct Scope<'a> {
    pub caller: &'a Caller,
}

fn party_region(d: &AssessmentData, p: PartyRef) -> u64 {
    match p {
        PartyRef::Region(r) => d.regions[r as usize].code.as_u64(),
        PartyRef::Org(o) => d.regions[d.org_region[o as usize] as usize].code.as_u64(),
    }
}

fn party_org(d: &AssessmentData, p: PartyRef) -> Option<&str> {
    match p {
        PartyRef::Org(o) => Some(d.org_ids[o as usize].as_str()),
        PartyRef::Region(_) => None,
    }
}

impl Scope<'_> {
    /// Sees every pairing and every aggregate.
    pub fn sees_all(&self) -> bool {
        matches!(self.caller.role, Role::Admin | Role::Assessor)
    }

    /// Whether the pairing (by index) is one the caller may read.
    pub fn pairing(&self, d: &AssessmentData, p: u32) -> bool {
        let (h, w) = (d.pairing_helper[p as usize], d.pairing_helped[p as usize]);
        match self.caller.role {
            Role::Admin | Role::Assessor => true,
            Role::Office => self.caller.region.is_some_and(|r| {
                region_covers(r, party_region(d, h)) || region_covers(r, party_region(d, w))
            }),
            Role::Organisation => self
                .caller
                .organisation
                .as_deref()
                .is_some_and(|o| party_org(d, h) == Some(o) || party_org(d, w) == Some(o)),
            Role::Public => false,
        }
    }

    /// Whether the pairing with this id is one the caller may read.
    pub fn pairing_id(&self, d: &AssessmentData, id: &str) -> bool {
        self.sees_all() || d.pairing_idx.get(id).is_some_and(|&p| self.pairing(d, p))
    }

    /// Whether the caller may browse the registry of a region.
    pub fn region(&self, code: u64) -> bool {
        match self.caller.role {
            Role::Admin | Role::Assessor => true,
            Role::Office => self.caller.region.is_some_and(|r| region_covers(r, code)),
            _ => false,
        }
    }

    /// Whether the caller may see personal data of this region in full.
    pub fn full_view(&self, code: u64) -> bool {
        self.caller.personal
            && match self.caller.role {
                Role::Admin => true,
                Role::Office => self.caller.region.is_some_and(|r| region_covers(r, code)),
                _ => false,
            }
    }

    /// Whether the caller may read a record given by its cells.
    pub fn record(&self, d: &AssessmentData, kind: FileKind, cells: &[String]) -> bool {
        if self.sees_all() {
            return true;
        }
        self.owns(d, kind, cells)
    }

    /// The row's pairing, region or organisation is the caller's.
    fn owns(&self, d: &AssessmentData, kind: FileKind, cells: &[String]) -> bool {
        let col = |name: &str| {
            kind.col(name)
                .and_then(|i| cells.get(i))
                .map(String::as_str)
        };
        match self.caller.role {
            Role::Organisation => {
                let Some(org) = self.caller.organisation.as_deref() else {
                    return false;
                };
                let party = format!("org:{org}");
                ["donor", "buyer", "enterprise", "employer"]
                    .iter()
                    .any(|c| col(c) == Some(party.as_str()))
            }
            Role::Office => {
                let Some(r) = self.caller.region else {
                    return false;
                };
                if let Some(pid) = col("pairing_id") {
                    return d.pairing_idx.get(pid).is_some_and(|&p| self.pairing(d, p));
                }
                if let Some(proj) = col("project_id") {
                    return d
                        .project_idx
                        .get(proj)
                        .is_some_and(|&p| self.pairing(d, d.project_pairing[p as usize]));
                }
                for c in ["village", "code", "county", "work_region", "seller_county"] {
                    if let Some(v) = col(c).and_then(|v| v.parse::<u64>().ok()) {
                        return region_covers(r, v);
                    }
                }
                false
            }
            Role::Admin | Role::Assessor => true,
            Role::Public => false,
        }
    }
}

fn deny(c: &Caller, what: &str) -> ApiError {
    let what_zh = match what {
        "moving an assessment round" => "推进考核轮次",
        "writing" => "写入数据",
        "this job" => "此任务",
        "the labour station" => "劳务工作站",
        "confirming matches" => "确认匹配",
        "this region's registry" => "此地区的台账",
        "this record" => "此记录",
        _ => "此内容",
    };
    let (kind, code) = if c.role == Role::Public {
        (ErrorKind::Unauthorized, "api.sign_in_to_see")
    } else {
        (ErrorKind::Forbidden, "api.outside_scope")
    };
    ApiError::said(
        kind,
        Message::new(code)
            .with("what", what)
            .with("what_zh", what_zh),
    )
}

fn param<'a>(params: &'a RawPathParams, name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Applies `rule` for `caller` to the resource in the path.
async fn check(
    state: &AppState,
    caller: &Caller,
    rule: Rule,
    params: &RawPathParams,
) -> Result<(), ApiError> {
    let signed_in = caller.role != Role::Public;
    match rule {
        Open => Ok(()),
        SignedIn => signed_in.then_some(()).ok_or_else(|| deny(caller, "this")),
        Rounds => match caller.role {
            Role::Admin => Ok(()),
            _ => Err(deny(caller, "moving an assessment round")),
        },
        Assess | Audit => match caller.role {
            Role::Admin | Role::Assessor => Ok(()),
            _ => Err(deny(caller, "this")),
        },
        Upload | Write => match caller.role {
            Role::Admin | Role::Office | Role::Organisation => Ok(()),
            _ => Err(deny(caller, "writing")),
        },
        Job => signed_in
            .then_some(())
            .ok_or_else(|| deny(caller, "this job")),
        Station => match caller.role {
            Role::Admin | Role::Assessor | Role::Office => Ok(()),
            _ => Err(deny(caller, "the labour station")),
        },
        Confirm => match caller.role {
            Role::Admin | Role::Office => Ok(()),
            _ => Err(deny(caller, "confirming matches")),
        },
        Region => {
            let code = param(params, "code")
                .and_then(|c| xiezuo_domain::RegionCode::parse(c).ok())
                .map(|c| c.as_u64());
            let scope = Scope { caller };
            match code {
                // A malformed code is the handler's 400 for those who may browse.
                None if matches!(caller.role, Role::Admin | Role::Assessor | Role::Office) => {
                    Ok(())
                }
                Some(c) if scope.region(c) => Ok(()),
                _ => Err(deny(caller, "this region's registry")),
            }
        }
        Pairing | Project | Record => {
            if !signed_in {
                return Err(deny(caller, "this"));
            }
            let scope = Scope { caller };
            if scope.sees_all() {
                return Ok(());
            }
            let snap = state.snapshot_now().await?;
            let d = &snap.data;
            let ok = match rule {
                Pairing => match param(params, "id").and_then(|id| d.pairing_idx.get(id)) {
                    Some(&p) => scope.pairing(d, p),
                    None => return Ok(()), // the handler's 404
                },
                Project => match param(params, "id").and_then(|id| d.project_idx.get(id)) {
                    Some(&p) => scope.pairing(d, d.project_pairing[p as usize]),
                    None => return Ok(()),
                },
                _ => {
                    let kind = param(params, "kind").and_then(FileKind::from_stem);
                    let key = param(params, "key").unwrap_or_default();
                    match kind {
                        Some(k) => {
                            let cells = state.with_reader(|s| stored_text(s, k, key))?;
                            match cells {
                                Some(c) => scope.record(d, k, &c),
                                None => return Ok(()),
                            }
                        }
                        None => return Ok(()),
                    }
                }
            };
            ok.then_some(()).ok_or_else(|| deny(caller, "this record"))
        }
    }
}

/// The middleware on every route: caller, CSRF, rule.
pub async fn guard(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    params: RawPathParams,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let caller = match auth::resolve(&state, &parts) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let path = matched.as_ref().map(MatchedPath::as_str).unwrap_or("");
    let Some(rule) = rule_of(&parts.method, path) else {
        return ApiError::said(
            ErrorKind::Forbidden,
            Message::new("api.no_access_rule")
                .with("method", &parts.method)
                .with("path", path),
        )
        .into_response();
    };
    let write = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if write && let Some(expected) = caller.csrf.as_deref() {
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        if sent != Some(expected) {
            return ApiError::said(ErrorKind::Forbidden, Message::new("api.csrf")).into_response();
        }
    }
    if let Err(e) = check(&state, &caller, rule, &params).await {
        return e.into_response();
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

/// A stored record's cells as text (for the access rules), by its key text.
pub fn stored_text(
    store: &dyn xiezuo_store::Store,
    k: FileKind,
    key: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let cells = key_cells(k, key)?;
    Ok(store.get(k, &cells)?.map(|row| {
        k.columns()
            .iter()
            .zip(&row.cells)
            .map(|(c, v)| xiezuo_exchange::cell::format_cell(c, v))
            .collect()
    }))
}

pub(crate) fn key_cells(k: FileKind, key: &str) -> Result<Vec<xiezuo_exchange::Cell>, ApiError> {
    let parts: Vec<&str> = key.split('/').collect();
    if parts.len() != k.key().len() {
        return Err(ApiError::said(
            ErrorKind::BadRequest,
            Message::new("api.key_parts")
                .with("kind", k.stem())
                .with("kind_zh", k.label_zh())
                .with("n", k.key().len()),
        ));
    }
    k.key()
        .iter()
        .zip(parts)
        .map(|(&i, p)| {
            let c = &k.columns()[i];
            xiezuo_exchange::cell::parse_cell(c, p).map_err(|e| {
                ApiError::said(
                    ErrorKind::BadRequest,
                    Message::new("api.bad_key")
                        .with("column", c.name)
                        .with("column_zh", c.zh)
                        .with("reason", e.en())
                        .with("reason_zh", e.zh()),
                )
            })
        })
        .collect()
}
