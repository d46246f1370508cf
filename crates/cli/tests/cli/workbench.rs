//! The workbench (工作台) over HTTP, as each role: an office sees the
//! parties it acts for with their open tasks and lateness, and its own
//! province's cross-check team; the national office sees every party and
//! team; a task done disappears, and the paired side's opinion task
//! appears.

use crate::support::*;
use crate::web::{account_token, api_json, serve_plain};
use serde_json::Value;

#[test]
fn each_role_sees_its_tasks_deadlines_and_teams_for_the_round() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "w.db");
    import_test_dataset(&db);
    freeze_round(&db, "2020");
    let sample_dir = tmp.path().join("sample");
    draw_sample(&db, "2020", "11", &sample_dir);
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| {
        api_json(&s.addr, token, method, path, body)
    };
    let board = |token: &str| -> Value {
        let (st, b) = send(token, "GET", "/api/v1/workbench", "");
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["rounds"].as_array().map(Vec::len), Some(1), "{b}");
        b["rounds"][0].clone()
    };
    assert_eq!(send("", "GET", "/api/v1/workbench", "").0, 401);
    // The sample's files, as `xiezuo sample` wrote them, for the national
    // office and assessors only.
    for file in ["sample.csv", "teams.csv"] {
        let path = format!("/api/v1/rounds/2020/sample/{file}");
        let (st, _, body) = crate::web::api_call(&s.addr, &admin, "GET", &path, "");
        assert_eq!(st, 200, "{body}");
        assert_eq!(
            body,
            std::fs::read_to_string(sample_dir.join(file)).unwrap(),
            "{file}"
        );
        assert_eq!(send(&gx, "GET", &path, "").0, 403);
    }
    assert_eq!(
        send(&admin, "GET", "/api/v1/rounds/2020/sample/other.csv", "").0,
        404
    );

    let national = board(&admin);
    assert_eq!(national["year"], 2020);
    assert_eq!(national["state"], "self_evaluation");
    // The self-evaluation step was due at the end of 2020: late by now.
    assert_eq!(national["due"]["due"], "2020-12-31", "{national}");
    assert_eq!(national["due"]["overdue"], true);
    let parties = national["parties"].as_array().unwrap();
    let pairings: std::collections::BTreeSet<&str> = parties
        .iter()
        .map(|p| p["pairing_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        parties.len(),
        2 * pairings.len(),
        "both sides of every pairing"
    );
    assert!(
        parties
            .iter()
            .all(|p| p["open"][0]["task"] == "self_evaluation" && p["overdue"] == true)
    );
    assert_eq!(national["open_tasks"], parties.len());

    let office = board(&gx);
    let mine = office["parties"].as_array().unwrap();
    assert!(!mine.is_empty() && mine.len() < parties.len());
    assert!(
        mine.iter().all(|p| p["side"] == "west"),
        "Guangxi is a helped party"
    );
    assert!(mine.iter().any(|p| p["pairing_id"] == "PROV-44-45"));

    // Guangxi submits its side: its task is done, Guangdong's opinion is due.
    let (st, b) = send(
        &gx,
        "POST",
        "/api/v1/rounds/2020/self-evaluations/PROV-44-45/west",
        r#"{"narrative":"按期完成","claims":{}}"#,
    );
    assert_eq!(st, 200, "{b}");
    let office = board(&gx);
    let p = office["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pairing_id"] == "PROV-44-45")
        .unwrap()
        .clone();
    assert_eq!(p["open"], serde_json::json!([]), "{p}");
    assert_eq!(p["overdue"], false);
    assert!(p["submitted"].is_string());
    let national = board(&admin);
    let east = national["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pairing_id"] == "PROV-44-45" && p["side"] == "east")
        .unwrap()
        .clone();
    let tasks: Vec<&str> = east["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["task"].as_str().unwrap())
        .collect();
    assert_eq!(tasks, ["self_evaluation", "opinion"], "{east}");

    // The teams: all of them nationally, only Guangxi's own for its office.
    let teams = national["teams"].as_array().unwrap();
    assert!(!teams.is_empty(), "{national}");
    let sampled: u64 = teams.iter().map(|t| t["sampled"].as_u64().unwrap()).sum();
    let sample_rows = std::fs::read_to_string(sample_dir.join("sample.csv"))
        .unwrap()
        .lines()
        .count() as u64
        - 1;
    assert!(
        sampled > 0 && sampled <= sample_rows,
        "{sampled} of {sample_rows}"
    );
    assert!(teams.iter().all(|t| t["recorded"] == 0));
    for t in office["teams"].as_array().unwrap() {
        assert!(t["province"].as_str().unwrap().starts_with("45"), "{t}");
    }
}

#[test]
fn a_team_records_its_results_on_its_own_sample_through_the_form() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "c.db");
    import_test_dataset(&db);
    freeze_round(&db, "2020");
    let sample_dir = tmp.path().join("sample");
    draw_sample(&db, "2020", "11", &sample_dir);
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let assessor = account_token(&db, "as", &["--role", "assessor"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| {
        api_json(&s.addr, token, method, path, body)
    };
    let (st, all) = send(&admin, "GET", "/api/v1/rounds/2020/checks", "");
    assert_eq!(st, 200, "{all}");
    let rows = all["rows"].as_array().unwrap().clone();
    let sample_rows = std::fs::read_to_string(sample_dir.join("sample.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(
        rows.len(),
        sample_rows,
        "the national office sees the whole sample"
    );
    assert_eq!(all["may_record"], false, "not yet in the cross-check step");

    // The office of one team's province sees only its team's pairings.
    let team = rows
        .iter()
        .find_map(|r| r["team"].as_str())
        .unwrap()
        .to_string();
    let office = account_token(&db, "team", &["--role", "office", "--region", &team]);
    advance_round(&db, "2020", "cross_check", "核查");
    let (_, mine) = send(&office, "GET", "/api/v1/rounds/2020/checks", "");
    let mine = mine["rows"].as_array().unwrap().clone();
    assert!(!mine.is_empty() && mine.len() < rows.len());
    assert!(mine.iter().all(|r| r["team"] == team.as_str()));
    let form = |r: &Value, result: &str, note: &str| serde_json::json!({ "pairing_id": r["pairing_id"], "county": r["county"], "record_kind": r["record_kind"], "record_id": r["record_id"], "stratum": r["stratum"], "result": result, "note": note });
    let body = |rows: Vec<Value>| serde_json::json!({ "seed": 11, "rows": rows }).to_string();
    // Another team's record is refused, and so is an assessor.
    let other = rows.iter().find(|r| r["team"] != team.as_str()).unwrap();
    let (st, b) = send(
        &office,
        "POST",
        "/api/v1/rounds/2020/checks",
        &body(vec![form(other, "confirmed", "")]),
    );
    assert_eq!(st, 403, "{b}");
    assert!(b.to_string().contains("is not checked by your team"), "{b}");
    let (st, _) = send(
        &assessor,
        "POST",
        "/api/v1/rounds/2020/checks",
        &body(vec![form(&mine[0], "confirmed", "")]),
    );
    assert_eq!(st, 403);
    // A discrepant result without its corrected value: nothing is stored, the row is named.
    let (st, b) = send(
        &office,
        "POST",
        "/api/v1/rounds/2020/checks",
        &body(vec![
            form(&mine[0], "confirmed", ""),
            form(&mine[1], "discrepant", ""),
        ]),
    );
    assert_eq!((st, &b["saved"]), (200, &Value::Bool(false)), "{b}");
    assert_eq!(b["errors"][0]["row"], 1, "{b}");
    assert_eq!(b["errors"][0]["column"], "note", "{b}");
    let (_, again) = send(&office, "GET", "/api/v1/rounds/2020/checks", "");
    assert!(
        again["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["result"].is_null()),
        "nothing stored"
    );
    // Good rows are stored and read back, with who recorded them.
    let (st, b) = send(
        &office,
        "POST",
        "/api/v1/rounds/2020/checks",
        &body(vec![
            form(&mine[0], "confirmed", ""),
            form(&mine[1], "discrepant", "实际 12 人"),
        ]),
    );
    assert_eq!((st, &b["recorded"]), (200, &serde_json::json!(2)), "{b}");
    let (_, again) = send(&office, "GET", "/api/v1/rounds/2020/checks", "");
    let again = again["rows"].as_array().unwrap();
    assert_eq!(again[1]["result"], "discrepant");
    assert_eq!(again[1]["note"], "实际 12 人");
    assert_eq!(again[1]["by"], "team");
    // The workbench counts them for the team.
    let (_, w) = send(&office, "GET", "/api/v1/workbench", "");
    let t = w["rounds"][0]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["province"] == team.as_str())
        .unwrap()
        .clone();
    assert_eq!(t["recorded"], 2, "{t}");
}

#[test]
fn the_national_office_draws_the_sample_and_applies_the_penalties_over_the_api() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "p.db");
    import_test_dataset(&db);
    freeze_round(&db, "2020");
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| {
        api_json(&s.addr, token, method, path, body)
    };
    let (st, _) = send(&gx, "POST", "/api/v1/rounds/2020/sample", r#"{"seed":11}"#);
    assert_eq!(st, 403, "an office does not draw");
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/sample",
        r#"{"seed":11}"#,
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["samples"][0]["seed"], 11, "{b}");
    // The same seed from the command line gives the same sample.
    draw_sample(&db, "2020", "11", &tmp.path().join("sample"));
    let (_, b) = send(&admin, "GET", "/api/v1/rounds/2020", "");
    assert_eq!(b["samples"][0]["digest"], b["samples"][1]["digest"], "{b}");

    let (st, b) = send(&admin, "POST", "/api/v1/rounds/2020/penalties", "");
    assert_eq!(st, 409, "only at the cross-check: {b}");
    advance_round(&db, "2020", "cross_check", "核查");
    let (_, c) = send(&admin, "GET", "/api/v1/rounds/2020/checks", "");
    let r = c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record_kind"] == "placement")
        .unwrap()
        .clone();
    let row = serde_json::json!({ "pairing_id": r["pairing_id"], "county": r["county"], "record_kind": r["record_kind"], "record_id": r["record_id"], "stratum": r["stratum"], "result": "falsified", "note": "伪造用工合同" });
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/checks",
        &serde_json::json!({ "seed": 11, "rows": [row] }).to_string(),
    );
    assert_eq!((st, &b["recorded"]), (200, &serde_json::json!(1)), "{b}");
    let (st, b) = send(&admin, "POST", "/api/v1/rounds/2020/penalties", "");
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["frozen"]["version"], 2, "{b}");
    let (st, b) = send(&admin, "POST", "/api/v1/rounds/2020/penalties", "");
    assert_eq!(st, 409, "{b}");
    assert!(b.to_string().contains("applied already"), "{b}");
    // The frozen result now carries the penalty, linked to its evidence.
    let out = tmp.path().join("after");
    assess_into(&db, "2020", &out);
    let p = std::fs::read_to_string(out.join("penalties.csv")).unwrap();
    assert!(
        p.contains(r["record_id"].as_str().unwrap()) && p.contains("伪造用工合同"),
        "{p}"
    );
    // The verified rate of the pairing's placements: one checked, falsified.
    let (st, v) = send(&admin, "GET", "/api/v1/rounds/2020/verified-rates", "");
    assert_eq!(st, 200, "{v}");
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["pairing_id"] == r["pairing_id"] && x["record_kind"] == "placement")
        .unwrap()
        .clone();
    assert_eq!(
        (&row["checked"], &row["falsified"]),
        (&serde_json::json!(1), &serde_json::json!(1)),
        "{row}"
    );
    assert_eq!(row["verified_rate"], 0.0, "{row}");
    assert_eq!(row["indicator"], "poor_employed", "{row}");
    assert_eq!(row["adjusted"], 0.0, "{row}");
    // In review the penalised record is listed with the appeals, and its
    // pairing's party appeals the penalty; the assessor upholds it.
    advance_round(&db, "2020", "review", "初步结果");
    let (st, a) = send(&admin, "GET", "/api/v1/rounds/2020/appeals", "");
    assert_eq!(st, 200, "{a}");
    assert_eq!(a["penalties"][0]["record_id"], r["record_id"], "{a}");
    let appeal = serde_json::json!({ "pairing_id": r["pairing_id"], "side": "east", "penalty": true, "record_kind": "placement", "record_id": r["record_id"], "reason": "合同真实" });
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/appeals",
        &appeal.to_string(),
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["kind"], "penalty", "{b}");
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/appeals/1/decision",
        r#"{"upheld":true,"comment":"复核属实"}"#,
    );
    assert_eq!(
        (st, &b["decision"]["version"]),
        (200, &serde_json::json!(3)),
        "{b}"
    );
    let (_, a) = send(&admin, "GET", "/api/v1/rounds/2020/appeals", "");
    assert_eq!(a["penalties"], serde_json::json!([]), "{a}");
}
