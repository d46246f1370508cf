//! Correction requests (更正申请) of a frozen year, as users make them: on
//! the command line (file, show the diff and effect, approve, and the
//! frozen result is then the corrected store's), and over HTTP as offices
//! (a prefecture files, its province approves, another province and the
//! filer are refused, and each sees only what it may).

use crate::support::*;
use crate::web::{account_token, api_json, raw_exchange, serve_plain};
use serde_json::Value;

const FUNDS: &str = "txn_id,date,pairing_id,project_id,source,kind,amount,reverses\n";

fn write_funds(dir: &std::path::Path, row: &str) -> std::path::PathBuf {
    let p = dir.join("funds.csv");
    std::fs::write(&p, format!("{FUNDS}{row}\n")).unwrap();
    p
}

#[test]
fn a_correction_on_the_command_line_makes_the_next_frozen_version() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "c.db");
    import_test_dataset(&db);
    freeze_round(&db, "2020");
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let funds = write_funds(
        &files,
        "TXCORR0001,2020-06-01,PROV-44-45,,fiscal,disbursement,25000000,",
    );
    let f = funds.to_str().unwrap();
    // A plain import is refused, naming the round.
    let r = xiezuo(&db, &["import", files.to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("2020 assessment round is frozen"),
        "{}",
        r.stderr
    );

    let r = xiezuo(
        &db,
        &[
            "--actor",
            "gd",
            "correction",
            "file",
            "--year",
            "2020",
            "--reason",
            "漏报一笔拨付",
            f,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("correction 1 of 2020: 1 rows"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("funds TXCORR0001 (new)"), "{}", r.stdout);
    let r = xiezuo(&db, &["correction", "show", "--year", "2020", "--id", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("effect on the frozen result:"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("PROV-44-45 "), "{}", r.stdout);
    assert!(r.stdout.contains("pending"));

    // The filer does not decide its own correction.
    let decide = |actor: &str| {
        xiezuo(
            &db,
            &[
                "--actor",
                actor,
                "correction",
                "decide",
                "--year",
                "2020",
                "--id",
                "1",
                "--approve",
                "--comment",
                "凭证齐全",
            ],
        )
    };
    let r = decide("gd");
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("filed by the same account"),
        "{}",
        r.stderr
    );
    let r = decide("nat");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("approved by nat"), "{}", r.stdout);
    assert!(r.stdout.contains("frozen version 2"), "{}", r.stdout);

    // The frozen result is now the corrected store's, and says so.
    let frozen = tmp.path().join("frozen");
    let r = assess_into(&db, "2020", &frozen);
    assert!(r.stdout.contains("version 2;"), "{}", r.stdout);
    let live = tmp.path().join("live");
    let r = xiezuo(
        &db,
        &[
            "assess",
            "--year",
            "2020",
            "--live",
            "--out",
            live.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for file in ["indicators.csv", "scores.csv", "findings.csv"] {
        assert_eq!(
            std::fs::read_to_string(frozen.join(file)).unwrap(),
            std::fs::read_to_string(live.join(file)).unwrap(),
            "{file}"
        );
    }
    let r = xiezuo(&db, &["round", "show", "--year", "2020"]);
    assert!(
        r.stdout.contains("correction 1 approved: 凭证齐全"),
        "{}",
        r.stdout
    );
    let r = xiezuo(&db, &["correction", "list", "--year", "2020"]);
    assert!(r.stdout.contains("approved by nat"), "{}", r.stdout);
}

fn file_over_http(addr: &str, token: &str, reason: &str, content: &str) -> (u16, Value) {
    let body = format!(
        "--XZB\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\n{reason}\r\n--XZB\r\nContent-Disposition: form-data; name=\"files\"; filename=\"funds.csv\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--XZB--\r\n"
    );
    let headers = format!(
        "Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XZB\r\n"
    );
    let (st, _, b) = raw_exchange(
        addr,
        "POST",
        "/api/v1/rounds/2020/corrections",
        &headers,
        &body,
    );
    (st, serde_json::from_str(&b).unwrap_or(Value::Null))
}

#[test]
fn offices_file_and_the_level_above_approves_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "h.db");
    import_test_dataset(&db);
    freeze_round(&db, "2020");
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let gd = account_token(&db, "gd", &["--role", "office", "--region", "440000"]);
    let gz = account_token(&db, "gz", &["--role", "office", "--region", "440100"]);
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| {
        api_json(&s.addr, token, method, path, body)
    };

    // A row with an error: nothing filed, the row named.
    let bad = format!("{FUNDS}TXCORR0100,2020-06-01,CNTY-440101-450122,,fiscal,disbursement,-5,");
    let (st, b) = file_over_http(&s.addr, &gz, "漏报", &bad);
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["valid"], false, "{b}");
    assert_eq!(b["errors"][0]["file"], "funds.csv", "{b}");
    assert_eq!(b["errors"][0]["line"], 2, "{b}");
    // No reason: refused.
    let good =
        format!("{FUNDS}TXCORR0100,2020-06-01,CNTY-440101-450122,,fiscal,disbursement,5000000,");
    assert_eq!(file_over_http(&s.addr, &gz, " ", &good).0, 400);
    // Guangzhou files a correction of its own pairing's ledger.
    let (st, b) = file_over_http(&s.addr, &gz, "漏报一笔拨付", &good);
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["valid"], true, "{b}");
    let c = &b["correction"];
    assert_eq!(c["filer_region"], "440100000000");
    assert_eq!(
        c["changes"][0]["kind_zh"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
    assert_eq!(c["changes"][0]["new_row"], true);
    let id = c["id"].as_u64().unwrap();
    let path = format!("/api/v1/rounds/2020/corrections/{id}");

    // Who sees it: the filer, its province, the national office; not Guangxi.
    let seen = |token: &str| -> usize {
        let (st, b) = send(token, "GET", "/api/v1/rounds/2020/corrections", "");
        assert_eq!(st, 200, "{b}");
        b["corrections"].as_array().unwrap().len()
    };
    assert_eq!(
        (seen(&gz), seen(&gd), seen(&admin), seen(&gx)),
        (1, 1, 1, 0)
    );
    assert_eq!(send(&gx, "GET", &path, "").0, 404);
    // Its province sees the diff and the effect, and may decide.
    let (st, b) = send(&gd, "GET", &path, "");
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["may_decide"], true, "{b}");
    let effect = &b["effect"];
    // The county's money rolls up to its prefecture's and province's
    // pairings, and to nothing else.
    let changes = effect["indicators"].as_array().unwrap();
    let touched: std::collections::BTreeSet<&str> = changes
        .iter()
        .map(|i| i["pairing_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        touched.into_iter().collect::<Vec<_>>(),
        ["CNTY-440101-450122", "PREF-4401-4501", "PROV-44-45"],
        "{effect}"
    );
    assert!(
        changes.iter().any(|i| i["indicator"] == "fiscal_disbursed"
            && i["frozen"] == "2662244.30"
            && i["corrected"] == "7662244.30"),
        "{effect}"
    );
    assert_eq!(send(&gz, "GET", &path, "").1["may_decide"], false);

    // The filer and another province are refused; the province approves.
    let decision = format!("{path}/decision");
    let approve = r#"{"approve":true,"comment":"凭证齐全，同意更正"}"#;
    let (st, b) = send(&gz, "POST", &decision, approve);
    assert_eq!(st, 403, "{b}");
    assert_eq!(send(&gx, "POST", &decision, approve).0, 404);
    let (st, b) = send(&gd, "POST", &decision, approve);
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["decision"]["approved"], true);
    assert_eq!(b["decision"]["version"], 2);
    assert!(b["decision"]["batch"].as_i64().is_some());
    assert_eq!(b["effect"], *effect, "the approved effect is the one shown");
    let (st, b) = send(&admin, "POST", &decision, approve);
    assert_eq!(st, 409, "{b}");
    // The round's freeze is the new version, with the correction as its reason.
    let (st, r) = send(&admin, "GET", "/api/v1/rounds/2020", "");
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["frozen"]["version"], 2, "{r}");
    // An approved correction's row is stored with its audit trail.
    let (st, rec) = send(&admin, "GET", "/api/v1/records/funds/TXCORR0100", "");
    assert_eq!(st, 200, "{rec}");
}
