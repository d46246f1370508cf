//! The access matrix: every route of the platform × every role × data in
//! and out of the caller's scope, asserting allow or deny, and that lists
//! never return rows outside the caller's scope. Also sign-in, CSRF, rate
//! limiting, lockout, token revocation and the logged full view.
//!
//! The expectations are written out here from the roles' definitions, not
//! derived from the server's rule table; the table is only used to check
//! that every route has a row in this matrix.

use crate::support::*;
use crate::web::{account_token, raw_exchange, raw_request, serve_plain};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Assessor,
    /// The Guangxi office (450000): party to the Guangdong–Guangxi pairings.
    OfficeIn,
    /// The Sichuan office (510000): party to nothing in the dataset.
    OfficeOut,
    /// An organisation (O0001), donor of some donations.
    Org,
    Public,
}

/// One concrete request per route and variant.
struct Case {
    method: &'static str,
    route: &'static str,
    /// `true`: the resource is in the Guangxi office's scope.
    inside: bool,
    path: String,
    body: Option<(&'static str, String)>,
}

fn case(method: &'static str, route: &'static str, inside: bool, path: &str) -> Case {
    Case {
        method,
        route,
        inside,
        path: path.to_string(),
        body: None,
    }
}

fn json_case(route: &'static str, inside: bool, path: &str, body: Value) -> Case {
    Case {
        method: "POST",
        route,
        inside,
        path: path.to_string(),
        body: Some(("application/json", body.to_string())),
    }
}

fn multipart(file: &str, content: &str) -> (&'static str, String) {
    (
        "multipart/form-data; boundary=XZBOUNDARY",
        format!(
            "--XZBOUNDARY\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--XZBOUNDARY--\r\n"
        ),
    )
}

fn meeting(id: &str, pairing: &str) -> Value {
    serde_json::json!({ "meeting_id": id, "pairing_id": pairing, "date": "2018-05-06", "kind": "joint_meeting", "top_leader": "0" })
}

fn cases() -> Vec<Case> {
    let mut c = vec![
        case("GET", "/", true, "/"),
        case("GET", "/favicon.ico", true, "/favicon.ico"),
        case("GET", "/assets/{file}", true, "/assets/app.js"),
        case("GET", "/map/{code}", true, "/map/100000.geojson"),
        case("GET", "/api/openapi.json", true, "/api/openapi.json"),
        case("GET", "/api/docs", true, "/api/docs"),
        case("GET", "/api/v1/health", true, "/api/v1/health"),
        case("GET", "/api/v1/labels", true, "/api/v1/labels"),
        case("GET", "/api/v1/session", true, "/api/v1/session"),
        case("DELETE", "/api/v1/session", true, "/api/v1/session"),
        case("GET", "/api/v1/overview", true, "/api/v1/overview"),
        case("GET", "/api/v1/methods", true, "/api/v1/methods"),
        case(
            "GET",
            "/api/v1/templates/{file}",
            true,
            "/api/v1/templates/meetings.xlsx",
        ),
        case(
            "GET",
            "/api/v1/schema/{kind}",
            true,
            "/api/v1/schema/meetings",
        ),
        case("GET", "/api/v1/pairings", true, "/api/v1/pairings"),
        case(
            "GET",
            "/api/v1/search",
            true,
            "/api/v1/search?q=%E5%B9%BF%E8%A5%BF",
        ),
        case(
            "GET",
            "/api/v1/pairings/{id}",
            true,
            "/api/v1/pairings/PROV-44-45",
        ),
        case(
            "GET",
            "/api/v1/pairings/{id}",
            false,
            "/api/v1/pairings/PROV-31-53",
        ),
        case(
            "GET",
            "/api/v1/pairings/{id}/explain",
            true,
            "/api/v1/pairings/CNTY-440101-450122/explain?year=2019&indicator=poor_employed",
        ),
        case(
            "GET",
            "/api/v1/pairings/{id}/explain",
            false,
            "/api/v1/pairings/CNTY-310183-530121/explain?year=2019&indicator=poor_employed",
        ),
        case(
            "GET",
            "/api/v1/assessments/compare",
            true,
            "/api/v1/assessments/compare?from=2019&to=2020",
        ),
        case(
            "GET",
            "/api/v1/assessments/{year}",
            true,
            "/api/v1/assessments/2019",
        ),
        case(
            "GET",
            "/api/v1/assessments/{year}/export.xlsx",
            true,
            "/api/v1/assessments/2019/export.xlsx",
        ),
        case(
            "POST",
            "/api/v1/assessments/{year}/run",
            true,
            "/api/v1/assessments/2019/run",
        ),
        case("GET", "/api/v1/jobs/{id}", true, "/api/v1/jobs/j999"),
        case(
            "GET",
            "/api/v1/regions/{code}",
            true,
            "/api/v1/regions/450122000000",
        ),
        case(
            "GET",
            "/api/v1/regions/{code}",
            false,
            "/api/v1/regions/530121000000",
        ),
        case(
            "GET",
            "/api/v1/projects/{id}",
            true,
            "/api/v1/projects/XM2017-000018",
        ),
        case(
            "GET",
            "/api/v1/projects/{id}",
            false,
            "/api/v1/projects/XM2017-000001",
        ),
        case(
            "GET",
            "/api/v1/records/{kind}/{key}",
            true,
            "/api/v1/records/meetings/MT000001",
        ),
        case(
            "GET",
            "/api/v1/records/{kind}/{key}",
            false,
            "/api/v1/records/meetings/MT000002",
        ),
        case(
            "GET",
            "/api/v1/records/{kind}/{key}/audit",
            true,
            "/api/v1/records/meetings/MT000001/audit",
        ),
        case(
            "GET",
            "/api/v1/records/{kind}/{key}/audit",
            false,
            "/api/v1/records/meetings/MT000002/audit",
        ),
        json_case(
            "/api/v1/records/{kind}",
            true,
            "/api/v1/records/meetings",
            meeting("MT-IN", "PROV-44-45"),
        ),
        json_case(
            "/api/v1/records/{kind}",
            false,
            "/api/v1/records/meetings",
            meeting("MT-OUT", "PROV-31-53"),
        ),
        case(
            "POST",
            "/api/v1/uploads/{token}/commit",
            true,
            "/api/v1/uploads/u999/commit",
        ),
        case(
            "GET",
            "/api/v1/labour/station",
            true,
            "/api/v1/labour/station?date=2019-06-30",
        ),
        case(
            "POST",
            "/api/v1/labour/confirm",
            true,
            "/api/v1/labour/confirm?date=2030-01-01",
        ),
        case("GET", "/api/v1/access-log", true, "/api/v1/access-log"),
        case(
            "GET",
            "/api/v1/audit/export.csv",
            true,
            "/api/v1/audit/export.csv",
        ),
    ];
    c.push(Case {
        method: "POST",
        route: "/api/v1/uploads",
        inside: true,
        path: "/api/v1/uploads".into(),
        body: Some(multipart(
            "meetings.csv",
            "meeting_id,pairing_id,date,kind,top_leader\nMT-UP,PROV-44-45,2018-05-07,joint_meeting,0\n",
        )),
    });
    c.push(case(
        "GET",
        "/api/v1/reconciliation/{year}",
        true,
        "/api/v1/reconciliation/2020",
    ));
    c.push(case("GET", "/api/v1/rounds", true, "/api/v1/rounds"));
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}",
        true,
        "/api/v1/rounds/2031",
    ));
    for (route, path, body) in [
        (
            "/api/v1/rounds/{year}/open",
            "/api/v1/rounds/2031/open",
            serde_json::json!({ "reason": "opened" }),
        ),
        (
            "/api/v1/rounds/{year}/advance",
            "/api/v1/rounds/2031/advance",
            serde_json::json!({ "to": "self_evaluation", "reason": "on time" }),
        ),
        (
            "/api/v1/rounds/{year}/freeze",
            "/api/v1/rounds/2031/freeze",
            serde_json::json!({ "reason": "cut-off" }),
        ),
        (
            "/api/v1/rounds/{year}/sample",
            "/api/v1/rounds/2031/sample",
            serde_json::json!({ "seed": 7 }),
        ),
        (
            "/api/v1/rounds/{year}/penalties",
            "/api/v1/rounds/2031/penalties",
            serde_json::json!({}),
        ),
    ] {
        c.push(json_case(route, true, path, body));
    }
    for (inside, pairing) in [(true, "PROV-44-45"), (false, "PROV-31-53")] {
        c.push(case(
            "GET",
            "/api/v1/rounds/{year}/self-evaluations/{id}",
            inside,
            &format!("/api/v1/rounds/2031/self-evaluations/{pairing}"),
        ));
        c.push(case(
            "GET",
            "/api/v1/rounds/{year}/report/{id}/{side}",
            inside,
            &format!("/api/v1/rounds/2031/report/{pairing}/east"),
        ));
    }
    c.push(case("GET", "/api/v1/workbench", true, "/api/v1/workbench"));
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/checks",
        true,
        "/api/v1/rounds/2031/checks",
    ));
    c.push(json_case(
        "/api/v1/rounds/{year}/checks",
        true,
        "/api/v1/rounds/2031/checks",
        serde_json::json!({ "seed": 1, "rows": [] }),
    ));
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/export.xlsx",
        true,
        "/api/v1/rounds/2031/export.xlsx",
    ));
    // The Guangxi office is the helped (west) party of PROV-44-45.
    c.push(json_case(
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}",
        true,
        "/api/v1/rounds/2031/self-evaluations/PROV-44-45/west",
        serde_json::json!({ "narrative": "自评", "claims": {} }),
    ));
    c.push(json_case(
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion",
        true,
        "/api/v1/rounds/2031/self-evaluations/PROV-44-45/east/opinion",
        serde_json::json!({ "agrees": true, "text": "同意" }),
    ));
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/appeals",
        true,
        "/api/v1/rounds/2031/appeals",
    ));
    c.push(json_case(
        "/api/v1/rounds/{year}/appeals",
        true,
        "/api/v1/rounds/2031/appeals",
        serde_json::json!({ "pairing_id": "PROV-44-45", "side": "west", "indicator": "poor_employed", "value": "1", "reason": "漏报" }),
    ));
    c.push(json_case(
        "/api/v1/rounds/{year}/appeals/{id}/decision",
        true,
        "/api/v1/rounds/2031/appeals/1/decision",
        serde_json::json!({ "upheld": false, "comment": "无依据" }),
    ));
    c.push(Case {
        method: "POST",
        route: "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments",
        inside: true,
        path: "/api/v1/rounds/2031/self-evaluations/PROV-44-45/west/attachments".into(),
        body: Some(multipart("minutes.pdf", "%PDF-1.4")),
    });
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}",
        true,
        "/api/v1/rounds/2031/self-evaluations/PROV-44-45/west/attachments/1",
    ));
    c.push(case(
        "DELETE",
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}",
        true,
        "/api/v1/rounds/2031/self-evaluations/PROV-44-45/west/attachments/1",
    ));
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/sample/{file}",
        true,
        "/api/v1/rounds/2031/sample/sample.csv",
    ));
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/verified-rates",
        true,
        "/api/v1/rounds/2031/verified-rates",
    ));
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/corrections",
        true,
        "/api/v1/rounds/2031/corrections",
    ));
    c.push(Case {
        method: "POST",
        route: "/api/v1/rounds/{year}/corrections",
        inside: true,
        path: "/api/v1/rounds/2031/corrections".into(),
        body: Some(multipart(
            "meetings.csv",
            "meeting_id,pairing_id,date,kind,top_leader\nMTX1,PROV-44-45,2031-05-06,joint_meeting,0\n",
        )),
    });
    c.push(case(
        "GET",
        "/api/v1/rounds/{year}/corrections/{id}",
        true,
        "/api/v1/rounds/2031/corrections/1",
    ));
    c.push(json_case(
        "/api/v1/rounds/{year}/corrections/{id}/decision",
        true,
        "/api/v1/rounds/2031/corrections/1/decision",
        serde_json::json!({ "approve": false, "comment": "无依据" }),
    ));
    c.push(json_case(
        "/api/v1/session",
        true,
        "/api/v1/session",
        serde_json::json!({ "login": "nobody", "password": "wrong password" }),
    ));
    c
}

/// Whether `who` may make this request (`true`), or is refused (`false`),
/// from the definitions of the roles.
fn expected(who: Who, c: &Case) -> bool {
    use Who::*;
    let open = [
        "/",
        "/favicon.ico",
        "/assets/{file}",
        "/map/{code}",
        "/api/openapi.json",
        "/api/docs",
        "/api/v1/health",
        "/api/v1/labels",
        "/api/v1/session",
        "/api/v1/overview",
        "/api/v1/methods",
        "/api/v1/templates/{file}",
        "/api/v1/schema/{kind}",
    ];
    if open.contains(&c.route) {
        return true;
    }
    let office_scope = |inside: bool| match who {
        Admin | Assessor => true,
        OfficeIn => inside,
        OfficeOut | Org | Public => false,
    };
    match (c.method, c.route) {
        // Lists: every signed-in caller, narrowed to its scope.
        ("GET", "/api/v1/pairings")
        | ("GET", "/api/v1/search")
        | ("GET", "/api/v1/assessments/compare")
        | ("GET", "/api/v1/assessments/{year}")
        | ("GET", "/api/v1/assessments/{year}/export.xlsx")
        | ("GET", "/api/v1/jobs/{id}")
        | ("GET", "/api/v1/rounds")
        | ("GET", "/api/v1/reconciliation/{year}")
        | ("GET", "/api/v1/rounds/{year}/export.xlsx")
        | ("GET", "/api/v1/workbench")
        | ("GET", "/api/v1/rounds/{year}/checks")
        | ("GET", "/api/v1/rounds/{year}/verified-rates")
        | ("GET", "/api/v1/rounds/{year}") => who != Public,
        ("GET", "/api/v1/rounds/{year}/self-evaluations/{id}")
        | ("GET", "/api/v1/rounds/{year}/report/{id}/{side}") => office_scope(c.inside),
        // A party writes its own side, and its opinion of the paired side.
        ("POST", "/api/v1/rounds/{year}/self-evaluations/{id}/{side}")
        | ("POST", "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion") => {
            matches!(who, Admin | OfficeIn)
        }
        ("GET", "/api/v1/rounds/{year}/appeals") => who != Public,
        // Teams record: the national office and the offices (each row
        // checked against the caller's team by the handler).
        ("POST", "/api/v1/rounds/{year}/checks") => matches!(who, Admin | OfficeIn | OfficeOut),
        // A party appeals for its own side; assessors decide.
        ("POST", "/api/v1/rounds/{year}/appeals") => matches!(who, Admin | OfficeIn),
        ("POST", "/api/v1/rounds/{year}/appeals/{id}/decision")
        | ("GET", "/api/v1/rounds/{year}/sample/{file}") => matches!(who, Admin | Assessor),
        // A side's own party adds and removes; the pairing's viewers read.
        ("GET", "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}") => {
            office_scope(c.inside)
        }
        ("POST", "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments")
        | ("DELETE", "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}") => {
            matches!(who, Admin | OfficeIn)
        }
        // Corrections: seen by the signed-in (narrowed), filed by writers,
        // decided by writers of the level above (checked by the handler).
        ("GET", "/api/v1/rounds/{year}/corrections")
        | ("GET", "/api/v1/rounds/{year}/corrections/{id}") => who != Public,
        ("POST", "/api/v1/rounds/{year}/corrections")
        | ("POST", "/api/v1/rounds/{year}/corrections/{id}/decision") => {
            matches!(who, Admin | OfficeIn | OfficeOut | Org)
        }
        // The national office moves the rounds.
        ("POST", "/api/v1/rounds/{year}/open")
        | ("POST", "/api/v1/rounds/{year}/advance")
        | ("POST", "/api/v1/rounds/{year}/freeze")
        | ("POST", "/api/v1/rounds/{year}/sample")
        | ("POST", "/api/v1/rounds/{year}/penalties") => who == Admin,
        ("GET", "/api/v1/pairings/{id}")
        | ("GET", "/api/v1/pairings/{id}/explain")
        | ("GET", "/api/v1/projects/{id}")
        | ("GET", "/api/v1/regions/{code}")
        | ("GET", "/api/v1/records/{kind}/{key}")
        | ("GET", "/api/v1/records/{kind}/{key}/audit") => office_scope(c.inside),
        // Assessors read but never write; organisations write only their
        // own donations, purchases, investments and postings (not meetings).
        ("POST", "/api/v1/records/{kind}") => match who {
            Admin => true,
            OfficeIn => c.inside,
            _ => false,
        },
        ("POST", "/api/v1/uploads") | ("POST", "/api/v1/uploads/{token}/commit") => {
            matches!(who, Admin | OfficeIn | OfficeOut | Org)
        }
        ("POST", "/api/v1/assessments/{year}/run")
        | ("GET", "/api/v1/access-log")
        | ("GET", "/api/v1/audit/export.csv") => matches!(who, Admin | Assessor),
        ("GET", "/api/v1/labour/station") => matches!(who, Admin | Assessor | OfficeIn | OfficeOut),
        ("POST", "/api/v1/labour/confirm") => matches!(who, Admin | OfficeIn | OfficeOut),
        other => panic!("no expectation for {other:?}"),
    }
}

fn send(addr: &str, token: Option<&str>, c: &Case) -> (u16, String) {
    let mut headers = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let body = match &c.body {
        Some((ct, b)) => {
            headers.push_str(&format!("Content-Type: {ct}\r\n"));
            b.clone()
        }
        None => String::new(),
    };
    raw_request(addr, c.method, &c.path, &headers, &body)
}

struct World {
    _tmp: tempfile::TempDir,
    db: TestDb,
    tokens: Vec<(Who, Option<String>)>,
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "a.db");
    import_test_dataset(&db);
    let tokens = vec![
        (
            Who::Admin,
            Some(account_token(
                &db,
                "admin1",
                &["--role", "admin", "--personal-data"],
            )),
        ),
        (
            Who::Assessor,
            Some(account_token(&db, "assessor1", &["--role", "assessor"])),
        ),
        (
            Who::OfficeIn,
            Some(account_token(
                &db,
                "gx",
                &["--role", "office", "--region", "450000", "--personal-data"],
            )),
        ),
        (
            Who::OfficeOut,
            Some(account_token(
                &db,
                "sc",
                &["--role", "office", "--region", "510000", "--personal-data"],
            )),
        ),
        (
            Who::Org,
            Some(account_token(
                &db,
                "o1",
                &["--role", "organisation", "--organisation", "O0001"],
            )),
        ),
        (Who::Public, None),
    ];
    World {
        _tmp: tmp,
        db,
        tokens,
    }
}

#[test]
fn every_route_for_every_role_in_and_out_of_scope() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    let cases = cases();
    // Every route the server knows has a row in the matrix.
    for (m, route, _) in xiezuo_web::access::RULES {
        assert!(
            cases.iter().any(|c| c.method == *m && c.route == *route),
            "the access matrix lacks {m} {route}"
        );
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    for c in &cases {
        for (who, token) in &w.tokens {
            let (status, body) = send(&s.addr, token.as_deref(), c);
            // Signing in with a wrong password reaches the handler, which refuses it.
            let allowed = !matches!(status, 401 | 403)
                || (c.route == "/api/v1/session" && body.contains("wrong login or password"));
            let want = expected(*who, c);
            if allowed != want || status >= 500 {
                failures.push(format!(
                    "{who:?} {} {} (inside: {}): got {status}, expected {}: {}",
                    c.method,
                    c.path,
                    c.inside,
                    if want { "allow" } else { "deny" },
                    body.chars().take(160).collect::<String>()
                ));
            }
            if !want {
                assert!(
                    !body.contains("450121") && !body.contains("吕"),
                    "a refusal leaks data: {body}"
                );
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 40 * 6);
}

fn get_json(addr: &str, token: &str, path: &str) -> Value {
    let (status, body) = raw_request(
        addr,
        "GET",
        path,
        &format!("Authorization: Bearer {token}\r\n"),
        "",
    );
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn lists_never_return_rows_outside_the_scope() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    let token = |who: Who| {
        w.tokens
            .iter()
            .find(|(x, _)| *x == who)
            .and_then(|(_, t)| t.clone())
            .unwrap()
    };
    let in_guangxi = |p: &Value| {
        ["helper", "helped"].iter().any(|side| {
            let party = &p[side];
            let code = party["region"]
                .as_str()
                .or(party["code"].as_str())
                .unwrap_or("");
            code.starts_with("45")
        })
    };
    // The Guangxi office sees its pairings, and only those.
    let all = get_json(
        &s.addr,
        &token(Who::Admin),
        "/api/v1/pairings?per_page=1000",
    );
    let gx = get_json(
        &s.addr,
        &token(Who::OfficeIn),
        "/api/v1/pairings?per_page=1000",
    );
    let items = gx["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(in_guangxi), "{gx}");
    let expected = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| in_guangxi(p))
        .count();
    assert_eq!(items.len(), expected);
    assert!(all["total"].as_u64().unwrap() > gx["total"].as_u64().unwrap());
    let ids: std::collections::HashSet<String> = items
        .iter()
        .map(|p| p["pairing_id"].as_str().unwrap().to_string())
        .collect();
    // Rankings and comparisons.
    for path in [
        "/api/v1/assessments/2019",
        "/api/v1/assessments/compare?from=2019&to=2020",
    ] {
        let r = get_json(&s.addr, &token(Who::OfficeIn), path);
        let rows = r["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{path}");
        for row in rows {
            assert!(
                ids.contains(row["pairing_id"].as_str().unwrap()),
                "{path}: {row}"
            );
        }
        for who in [Who::OfficeOut, Who::Org] {
            let r = get_json(&s.addr, &token(who), path);
            assert_eq!(r["rows"].as_array().unwrap().len(), 0, "{who:?} {path}");
        }
    }
    for who in [Who::OfficeOut, Who::Org] {
        let r = get_json(&s.addr, &token(who), "/api/v1/pairings?per_page=1000");
        assert_eq!(r["total"], 0, "{who:?}");
    }
    // The search box finds nothing outside the caller's scope either.
    for who in [Who::OfficeOut, Who::Org] {
        let r = get_json(&s.addr, &token(who), "/api/v1/search?q=%E5%B9%BF%E8%A5%BF");
        assert_eq!(r["results"].as_array().unwrap().len(), 0, "{who:?}: {r}");
    }
}

#[test]
fn uploads_and_forms_outside_the_scope_store_nothing() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    let gx = w.tokens[2].1.clone().unwrap();
    let auth = format!("Authorization: Bearer {gx}\r\n");
    let (ct, body) = multipart(
        "meetings.csv",
        "meeting_id,pairing_id,date,kind,top_leader\nMT-A,PROV-44-45,2018-05-07,joint_meeting,0\nMT-B,PROV-31-53,2018-05-07,joint_meeting,0\n",
    );
    let (status, resp) = raw_request(
        &s.addr,
        "POST",
        "/api/v1/uploads",
        &format!("{auth}Content-Type: {ct}\r\n"),
        &body,
    );
    assert_eq!(status, 200, "{resp}");
    let v: Value = serde_json::from_str(&resp).unwrap();
    let job = v["job"].as_str().unwrap().to_string();
    let token = v["token"].as_str().unwrap().to_string();
    let report = loop {
        let j = get_json(&s.addr, &gx, &format!("/api/v1/jobs/{job}"));
        if j["state"] == "done" {
            break j["result"].clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(report["valid"], false, "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0]["file"], "meetings.csv");
    assert_eq!(errors[0]["line"], 3);
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("outside your scope")
    );
    // Another caller cannot commit it; its owner's commit stores nothing.
    let admin = w.tokens[0].1.clone().unwrap();
    let (st, _) = raw_request(
        &s.addr,
        "POST",
        &format!("/api/v1/uploads/{token}/commit"),
        &format!("Authorization: Bearer {admin}\r\n"),
        "",
    );
    assert_eq!(st, 404);
    let (st, resp) = raw_request(
        &s.addr,
        "POST",
        &format!("/api/v1/uploads/{token}/commit"),
        &auth,
        "",
    );
    assert_eq!(st, 200, "{resp}");
    let job = serde_json::from_str::<Value>(&resp).unwrap()["job"]
        .as_str()
        .unwrap()
        .to_string();
    let j = loop {
        let j = get_json(&s.addr, &gx, &format!("/api/v1/jobs/{job}"));
        if j["state"] != "running" {
            break j;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(j["state"], "failed", "{j}");
    let (st, _) = raw_request(&s.addr, "GET", "/api/v1/records/meetings/MT-A", &auth, "");
    assert_eq!(st, 404);
    // Registry rows belong to their household's village: a Guangxi person
    // passes, a Yunnan one is refused, by line.
    let (ct, body) = multipart(
        "persons.csv",
        "person_id,household_id,id_number,name,sex,birth_date,labor\nPN1,H00000001,110101199003074514,甲乙,M,1990-03-07,full\nPN2,H00001443,110101199003075031,丙丁,M,1990-03-07,full\n",
    );
    let (status, resp) = raw_request(
        &s.addr,
        "POST",
        "/api/v1/uploads",
        &format!("{auth}Content-Type: {ct}\r\n"),
        &body,
    );
    assert_eq!(status, 200, "{resp}");
    let job = serde_json::from_str::<Value>(&resp).unwrap()["job"]
        .as_str()
        .unwrap()
        .to_string();
    let report = loop {
        let j = get_json(&s.addr, &gx, &format!("/api/v1/jobs/{job}"));
        if j["state"] == "done" {
            break j["result"].clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let errors = report["errors"].as_array().unwrap();
    let scope_lines: Vec<u64> = errors
        .iter()
        .filter(|e| {
            e["reason"]
                .as_str()
                .unwrap_or("")
                .contains("outside your scope")
        })
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(scope_lines, vec![3], "{report}");
}

/// Adds an account whose password is "a long passphrase".
fn add_with_passphrase(db: &TestDb, login: &str, role: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .args(db.db_args())
        .args(["user", "add", login, "--role", role, "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"a long passphrase\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
}

/// Signs in; returns (session cookie, CSRF token).
fn sign_in(addr: &str, login: &str, password: &str) -> (u16, Option<(String, String)>, String) {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    let (status, head, resp) = raw_exchange(
        addr,
        "POST",
        "/api/v1/session",
        "Content-Type: application/json\r\n",
        &body,
    );
    if status != 200 {
        return (status, None, resp);
    }
    let cookie_line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap()
        .to_string();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(cookie_line.contains(attr), "{cookie_line}");
    }
    let cookie = cookie_line
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let v: Value = serde_json::from_str(&resp).unwrap();
    (
        status,
        Some((cookie, v["csrf"].as_str().unwrap().to_string())),
        resp,
    )
}

#[test]
fn sessions_csrf_rate_limit_and_revocation() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    assert_eq!(
        xiezuo(
            &db,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    // Accounts with known passwords.
    for (login, role) in [("chief", "admin"), ("clerk", "admin")] {
        add_with_passphrase(&db, login, role);
    }
    let token = xiezuo(&db, &["user", "token", "clerk"])
        .stdout
        .trim()
        .to_string();
    let s = serve_plain(&db, &[]);
    let (status, session, _) = sign_in(&s.addr, "chief", "a long passphrase");
    assert_eq!(status, 200);
    let (cookie, csrf) = session.unwrap();
    let row = meeting("MT-CSRF", "PROV-44-45").to_string();
    let h = format!("Cookie: {cookie}\r\nContent-Type: application/json\r\n");
    // A cookie write without the CSRF token is refused; with it, it passes.
    let (st, body) = raw_request(&s.addr, "POST", "/api/v1/records/meetings", &h, &row);
    assert_eq!(st, 403, "{body}");
    assert!(body.contains("CSRF"));
    let (st, body) = raw_request(
        &s.addr,
        "POST",
        "/api/v1/records/meetings",
        &format!("{h}X-CSRF-Token: {csrf}\r\n"),
        &row,
    );
    assert_eq!(st, 200, "{body}");
    // The audit trail names the account and where it came from.
    let (_, audit) = raw_request(
        &s.addr,
        "GET",
        "/api/v1/records/meetings/MT-CSRF/audit",
        &format!("Cookie: {cookie}\r\n"),
        "",
    );
    let _ = audit;
    let (_, csv) = raw_request(
        &s.addr,
        "GET",
        "/api/v1/audit/export.csv",
        &format!("Cookie: {cookie}\r\n"),
        "",
    );
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("entry,at,actor,source")
    );
    assert!(csv.contains("chief (127.0.0.1)"), "{csv}");
    assert!(csv.contains(",login,"));
    // Sign-out ends the session.
    raw_request(
        &s.addr,
        "DELETE",
        "/api/v1/session",
        &format!("Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"),
        "",
    );
    let (st, _) = raw_request(
        &s.addr,
        "GET",
        "/api/v1/pairings",
        &format!("Cookie: {cookie}\r\n"),
        "",
    );
    assert_eq!(st, 401);

    // More than ten attempts a minute from one address are refused outright.
    let mut limited = false;
    for _ in 0..12 {
        if sign_in(&s.addr, "nobody", "whatever else").0 == 429 {
            limited = true;
        }
    }
    assert!(limited);
    // The token works until revoked, and an account disabled stops it too.
    let bearer = format!("Authorization: Bearer {token}\r\n");
    assert_eq!(
        raw_request(&s.addr, "GET", "/api/v1/pairings", &bearer, "").0,
        200
    );
    let list = xiezuo(&db, &["user", "tokens"]).stdout;
    let id = list
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(xiezuo(&db, &["user", "revoke", &id]).code, 0);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(
        raw_request(&s.addr, "GET", "/api/v1/pairings", &bearer, "").0,
        401
    );
    assert_eq!(
        raw_request(
            &s.addr,
            "GET",
            "/api/v1/pairings",
            "Authorization: Bearer xzt_forged\r\n",
            ""
        )
        .0,
        401
    );
}

#[test]
fn full_views_of_personal_data_are_logged_and_masked_otherwise() {
    let w = world();
    let s = serve_plain(&w.db, &[]);
    let tok = |i: usize| w.tokens[i].1.clone().unwrap();
    let masked = get_json(&s.addr, &tok(2), "/api/v1/regions/450121000000");
    let text = masked.to_string();
    assert!(text.contains("**********"), "{text}");
    assert!(!text.contains("450121196001184277"));
    // The assessor has no full view; the Guangxi office has, in Guangxi only.
    let (st, _) = raw_request(
        &s.addr,
        "GET",
        "/api/v1/regions/450121000000?full=true",
        &format!("Authorization: Bearer {}\r\n", tok(1)),
        "",
    );
    assert_eq!(st, 403);
    let full = get_json(&s.addr, &tok(2), "/api/v1/regions/450121000000?full=true");
    assert!(full.to_string().contains("450121196001184277"));
    let log = get_json(
        &s.addr,
        &tok(0),
        "/api/v1/access-log?kind=regions&key=450121000000",
    );
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    assert_eq!(items[0]["actor"], "gx");
    assert_eq!(items[0]["action"], "view_personal");
    assert_eq!(items[0]["origin"], "127.0.0.1");
}

/// Sign-in failures slow a guesser down and never lock the owner out: after
/// a hundred wrong passwords the owner signs in within a minute or two, and
/// no answer tells whether the login exists.
#[test]
fn sign_in_is_throttled_never_locked() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "t.db");
    add_with_passphrase(&db, "clerk", "admin");
    let s = serve_plain(&db, &[]);
    // Wrong passwords slow the guesser down: after three, each try of this
    // login from this address waits longer, with the same answer whether
    // the login exists or not; nothing says "locked".
    let mut throttled = Vec::new();
    for login in ["clerk", "no-such-login"] {
        for _ in 0..4 {
            let (st, _, _) = sign_in(&s.addr, login, "wrong guess!!");
            assert_eq!(st, 401, "{login}");
            std::thread::sleep(std::time::Duration::from_millis(550));
        }
        let (st, _, body) = sign_in(&s.addr, login, "wrong guess!!");
        assert_eq!(st, 429, "{login}: {body}");
        assert!(!body.contains("locked"), "{body}");
        throttled.push(body.replace(login, "LOGIN"));
    }
    assert_eq!(throttled[0], throttled[1], "the same answer for both");
    // A hundred more wrong passwords (most refused before any check).
    for _ in 0..100 {
        let (st, _, _) = sign_in(&s.addr, "clerk", "wrong guess!!");
        assert!(matches!(st, 401 | 429), "{st}");
    }
    let started = std::time::Instant::now();
    let cookie = loop {
        let (st, session, body) = sign_in(&s.addr, "clerk", "a long passphrase");
        if st == 200 {
            break session.unwrap().0;
        }
        assert_eq!(st, 429, "{body}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(130),
            "the owner is still shut out: {body}"
        );
        std::thread::sleep(std::time::Duration::from_secs(5));
    };
    // The throttling is on record for administrators, and nothing is locked.
    let (st, log) = raw_request(
        &s.addr,
        "GET",
        "/api/v1/access-log",
        &format!("Cookie: {cookie}\r\n"),
        "",
    );
    assert_eq!(st, 200, "{log}");
    assert!(log.contains("login_throttled"), "{log}");
    let list = xiezuo(&db, &["user", "list"]).stdout;
    assert!(!list.contains("locked"), "{list}");
}
