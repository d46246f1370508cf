//! The workbench (工作台) over HTTP, as each role: an office sees the
//! parties it acts for with their open tasks and lateness, and its own
//! province's cross-check team; the national office sees every party and
//! team; a task done disappears, and the paired side's opinion task
//! appears.

use crate::support::*;
use crate::web::{account_token, api_call, serve_plain};
use serde_json::Value;

#[test]
fn each_role_sees_its_tasks_deadlines_and_teams_for_the_round() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "w.db");
    import_test_dataset(&db);
    freeze_round(&db, "2020");
    let sample_dir = tmp.path().join("sample");
    let r = xiezuo(
        &db,
        &[
            "sample",
            "--year",
            "2020",
            "--seed",
            "11",
            "--out",
            sample_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| -> (u16, Value) {
        let (st, _, b) = api_call(&s.addr, token, method, path, body);
        (st, serde_json::from_str(&b).unwrap_or(Value::Null))
    };
    let board = |token: &str| -> Value {
        let (st, b) = send(token, "GET", "/api/v1/workbench", "");
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["rounds"].as_array().map(Vec::len), Some(1), "{b}");
        b["rounds"][0].clone()
    };
    assert_eq!(send("", "GET", "/api/v1/workbench", "").0, 401);

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
