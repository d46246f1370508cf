//! The assessment round as a procedure, through the real binary: states
//! that move one step at a time with their history, the freeze, refused
//! changes to what a frozen year reads, and `assess` of a frozen year giving
//! its frozen result byte for byte whatever is imported later.

use crate::support::*;
use std::path::Path;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn import_one(db: &TestDb, dir: &Path, file: &str, content: &str, skip: bool) -> Run {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), content).unwrap();
    let mut args = vec!["import"];
    if skip {
        args.push("--skip-invalid");
    }
    args.push(dir.to_str().unwrap());
    xiezuo(db, &args)
}

#[test]
fn a_frozen_round_keeps_its_result_and_refuses_changes_to_what_it_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    let before = tmp.path().join("before");
    assert_eq!(
        xiezuo(
            &db,
            &[
                "assess",
                "--year",
                "2020",
                "--out",
                before.to_str().unwrap()
            ]
        )
        .code,
        0
    );

    // Nothing happens to a round that is not open.
    let r = xiezuo(&db, &["freeze", "--year", "2020", "--reason", "截止"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("there is no assessment round for 2020"),
        "{}",
        r.stderr
    );
    assert_eq!(xiezuo(&db, &["round", "open", "--year", "2020"]).code, 0);
    let r = xiezuo(&db, &["round", "open", "--year", "2020"]);
    assert!(r.stderr.contains("open already"), "{}", r.stderr);
    // One step at a time, and never across the cross-check unfrozen.
    let r = xiezuo(
        &db,
        &[
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "published",
            "--reason",
            "x",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("it moves only to self_evaluation, not to published"),
        "{}",
        r.stderr
    );
    let advance = |to: &str| {
        xiezuo(
            &db,
            &[
                "round",
                "advance",
                "--year",
                "2020",
                "--to",
                to,
                "--reason",
                "按期推进",
            ],
        )
    };
    assert_eq!(advance("self_evaluation").code, 0);
    let r = advance("cross_check");
    assert!(r.stderr.contains("is not frozen"), "{}", r.stderr);
    let r = xiezuo(
        &db,
        &[
            "round", "advance", "--year", "2020", "--to", "review", "--reason", " ",
        ],
    );
    assert!(
        r.stderr.contains("a reason is required") || r.stderr.contains("moves only to"),
        "{}",
        r.stderr
    );

    let r = xiezuo(
        &db,
        &[
            "freeze",
            "--year",
            "2020",
            "--reason",
            "2021-01-05 数据截止",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = xiezuo(&db, &["freeze", "--year", "2020", "--reason", "again"]);
    assert!(r.stderr.contains("frozen already"), "{}", r.stderr);

    // A 2020 meeting changed, and a placement ended inside 2020: refused,
    // naming the round; nothing of the file is stored.
    let edits = tmp.path().join("edits");
    let r = import_one(
        &db,
        &edits.join("a"),
        "meetings.csv",
        "meeting_id,pairing_id,date,kind,top_leader\nMT000145,PROV-44-45,2020-10-15,joint_meeting,0\n",
        false,
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("meetings.csv:2: the 2020 assessment round is frozen (since ")
            && r.stderr.contains("2021-01-05 数据截止"),
        "{}",
        r.stderr
    );
    let placements =
        "placement_id,person_id,pairing_id,employer,work_region,start_date,end_date,monthly_wage\n";
    let r = import_one(
        &db,
        &edits.join("b"),
        "placements.csv",
        &format!(
            "{placements}PL0000019,P000008469,CNTY-310201-530221,家政服务公司,310183000000,2019-11-01,2020-06-30,6726\n"
        ),
        false,
    );
    assert!(
        r.stderr.contains("the 2020 assessment round is frozen"),
        "{}",
        r.stderr
    );
    // What 2020 does not read goes on: the same placement ended in 2021, a
    // new meeting of 2021, a household's registry row.
    let r = import_one(
        &db,
        &edits.join("c"),
        "placements.csv",
        &format!(
            "{placements}PL0000019,P000008469,CNTY-310201-530221,家政服务公司,310183000000,2019-11-01,2021-03-31,6726\n"
        ),
        false,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = import_one(
        &db,
        &edits.join("d"),
        "meetings.csv",
        "meeting_id,pairing_id,date,kind,top_leader\nMT-2021-1,PROV-44-45,2021-03-01,joint_meeting,1\nMT000146,PROV-44-45,2020-08-21,joint_meeting,1\n",
        false,
    );
    assert_eq!(r.code, 0, "an unchanged 2020 row passes: {}", r.stderr);
    let r = import_one(
        &db,
        &edits.join("e"),
        "households.csv",
        "household_id,village,category,identified_year,exit_year,monitor_type,monitor_year\nH00000002,450121101201,dibao,2015,,,\n",
        false,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Random edits of every dated kind, stored where allowed.
    random_edits(&db, &tmp.path().join("random"));

    let frozen = tmp.path().join("frozen");
    let r = assess_into(&db, "2020", &frozen);
    assert!(r.stdout.contains("as frozen on"), "{}", r.stdout);
    assert_eq!(files(&before), files(&frozen), "the frozen result changed");
    // `--live` computes from what is stored now.
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
    assert!(!r.stdout.contains("as frozen on"), "{}", r.stdout);

    // The rest of the procedure, and its history.
    for to in ["cross_check", "review", "approved", "published"] {
        let r = advance(to);
        assert_eq!(r.code, 0, "{to}: {}", r.stderr);
    }
    let r = advance("published");
    assert!(
        r.stderr.contains("moves only to nothing (it is published)"),
        "{}",
        r.stderr
    );
    let r = xiezuo(&db, &["round", "show", "--year", "2020"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("round 2020 (xz-v1): published 已公布"),
        "{}",
        r.stdout
    );
    for action in ["open", "advance", "freeze"] {
        assert!(r.stdout.contains(action), "{}", r.stdout);
    }
    assert!(
        r.stdout.contains("due 2021-01-31  cross_check      done"),
        "{}",
        r.stdout
    );
    // Opened, five steps on, frozen: each with its actor, time and reason.
    let events = r.stdout.lines().filter(|l| l.starts_with("  20")).count();
    assert_eq!(events, 1 + 5 + 1, "{}", r.stdout);
}

/// Changes a random cell of random rows of the dated files, importing each
/// edit with `--skip-invalid`: whatever is stored, the frozen result stays.
fn random_edits(db: &TestDb, dir: &Path) {
    let base = data_dir().join("dataset");
    let mut seed: u64 = 0x5eed_2020;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut refused = 0;
    for (i, file) in [
        "meetings.csv",
        "funds.csv",
        "placements.csv",
        "trainings.csv",
        "milestones.csv",
        "donations.csv",
        "purchases.csv",
    ]
    .iter()
    .cycle()
    .take(14)
    .enumerate()
    {
        let text = std::fs::read_to_string(base.join(file)).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        let row = lines[next(lines.len())];
        let mut cells: Vec<String> = row.split(',').map(str::to_string).collect();
        // A date moved by a day, or a figure changed, in a column that is not the key.
        let col = 1 + next(cells.len() - 1);
        let cell = &cells[col];
        cells[col] = if cell.len() == 10 && cell.as_bytes()[4] == b'-' {
            let d = chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").unwrap();
            (d + chrono::Duration::days(1)).to_string()
        } else if let Ok(n) = cell.parse::<i64>() {
            (n + 1).to_string()
        } else {
            cell.clone()
        };
        let r = import_one(
            db,
            &dir.join(i.to_string()),
            file,
            &format!("{header}\n{}\n", cells.join(",")),
            true,
        );
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        refused += r.stderr.matches("assessment round is frozen").count();
    }
    assert!(refused > 0, "no random edit touched the frozen year");
}

#[test]
fn rounds_over_the_api_are_moved_by_administrators_and_read_by_everyone_signed_in() {
    use crate::web::{account_token, raw_request, serve_plain};
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| -> (u16, serde_json::Value) {
        let headers =
            format!("Authorization: Bearer {token}\r\nContent-Type: application/json\r\n");
        let (st, text) = raw_request(&s.addr, method, path, &headers, body);
        (
            st,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    };
    let (st, _) = send(&gx, "POST", "/api/v1/rounds/2020/open", r#"{"reason":"x"}"#);
    assert_eq!(st, 403);
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/open",
        r#"{"reason":"开始填报"}"#,
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["state_zh"], "填报中");
    // The method's schedule: every step dated, the open step late by now.
    assert_eq!(b["deadlines"].as_array().map(Vec::len), Some(5), "{b}");
    assert_eq!(b["deadlines"][1]["due"], "2020-12-31", "{b}");
    assert_eq!(b["deadlines"][0]["overdue"], true, "{b}");
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/advance",
        r#"{"to":"review","reason":"跳步"}"#,
    );
    assert_eq!((st, b["code"].as_str()), (409, Some("conflict")), "{b}");
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/freeze",
        r#"{"reason":""}"#,
    );
    assert_eq!(st, 400, "{b}");
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/freeze",
        r#"{"reason":"2021-01-05 截止"}"#,
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["frozen"]["actor"], "nat");
    let (st, b) = send(
        &admin,
        "POST",
        "/api/v1/rounds/2020/freeze",
        r#"{"reason":"again"}"#,
    );
    assert_eq!((st, b["code"].as_str()), (423, Some("frozen")), "{b}");
    // A form save of a 2020 meeting is refused, naming the round.
    let meeting = r#"{"meeting_id":"MT000145","pairing_id":"PROV-44-45","date":"2020-10-15","kind":"joint_meeting","top_leader":"0"}"#;
    let (_, b) = send(&admin, "POST", "/api/v1/records/meetings", meeting);
    assert!(
        b.to_string()
            .contains("the 2020 assessment round is frozen"),
        "{b}"
    );
    // Every signed-in caller reads the round and its history.
    let (st, b) = send(&gx, "GET", "/api/v1/rounds/2020", "");
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["events"].as_array().map(Vec::len), Some(2), "{b}");
    assert_eq!(b["next"], "self_evaluation");
    let (st, b) = send(&gx, "GET", "/api/v1/rounds", "");
    assert_eq!(
        (st, b["rounds"].as_array().map(Vec::len)),
        (200, Some(1)),
        "{b}"
    );
}

#[test]
fn each_party_evaluates_its_own_side_and_the_paired_party_gives_its_opinion() {
    use crate::web::{account_token, raw_request, serve_plain};
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    for args in [
        vec!["round", "open", "--year", "2020"],
        vec![
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "self_evaluation",
            "--reason",
            "自评开始",
        ],
        vec!["freeze", "--year", "2020", "--reason", "截止"],
    ] {
        let r = xiezuo(&db, &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    // PROV-44-45: Guangdong (east) helps Guangxi (west).
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let gd = account_token(&db, "gd", &["--role", "office", "--region", "440000"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| -> (u16, serde_json::Value) {
        let headers =
            format!("Authorization: Bearer {token}\r\nContent-Type: application/json\r\n");
        let (st, text) = raw_request(&s.addr, method, path, &headers, body);
        (
            st,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    };
    let base = "/api/v1/rounds/2020/self-evaluations/PROV-44-45";
    let (st, b) = send(&gx, "GET", base, "");
    assert_eq!(st, 200, "{b}");
    let west = &b["sides"][1];
    assert_eq!(
        (west["side"].as_str(), west["may_submit"].as_bool()),
        (Some("west"), Some(true)),
        "{b}"
    );
    assert_eq!(b["sides"][0]["may_submit"], false, "{b}");
    let claims = west["claims"].as_array().unwrap();
    assert!(!claims.is_empty());
    let employed = claims
        .iter()
        .find(|c| c["indicator"] == "poor_employed")
        .expect("poor_employed is assessed");
    let computed: i64 = employed["computed"].as_str().unwrap().parse().unwrap();
    // Its own side only.
    let (st, _) = send(&gx, "POST", &format!("{base}/east"), r#"{"narrative":"x"}"#);
    assert_eq!(st, 403);
    let body = serde_json::json!({ "narrative": "本年度完成协议目标。", "claims": { "poor_employed": (computed + 5).to_string() } });
    let (st, b) = send(&gx, "POST", &format!("{base}/west"), &body.to_string());
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["sides"][1]["mismatches"], 1, "{b}");
    assert_eq!(b["sides"][1]["submitted_by"], "gx");
    let (st, b) = send(
        &gx,
        "POST",
        &format!("{base}/west"),
        r#"{"narrative":"x","claims":{"poor_employed":"many"}}"#,
    );
    assert_eq!(st, 400, "{b}");
    // The opinion is the paired party's.
    let (st, _) = send(
        &gx,
        "POST",
        &format!("{base}/west/opinion"),
        r#"{"agrees":true,"text":"同意"}"#,
    );
    assert_eq!(st, 403);
    let (st, _) = send(
        &gd,
        "POST",
        &format!("{base}/east/opinion"),
        r#"{"agrees":true,"text":"同意"}"#,
    );
    assert_eq!(st, 403);
    let (st, b) = send(
        &gx,
        "POST",
        &format!("{base}/east/opinion"),
        r#"{"agrees":true,"text":"x"}"#,
    );
    assert_eq!(
        (st, b["code"].as_str()),
        (409, Some("conflict")),
        "not submitted yet: {b}"
    );
    let (st, b) = send(
        &gd,
        "POST",
        &format!("{base}/west/opinion"),
        r#"{"agrees":false,"text":"转移就业人数与台账不符"}"#,
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["sides"][1]["opinion"]["agrees"], false, "{b}");
    // Past the self-evaluation, nothing more is written.
    advance_round(&db, "2020", "cross_check", "核查");
    let (st, b) = send(&gx, "POST", &format!("{base}/west"), &body.to_string());
    assert_eq!(st, 409, "{b}");
}

#[test]
fn an_upheld_appeal_reruns_the_frozen_assessment_with_the_decision_and_nothing_else_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    let v1 = tmp.path().join("v1");
    assert_eq!(
        xiezuo(
            &db,
            &["assess", "--year", "2020", "--out", v1.to_str().unwrap()]
        )
        .code,
        0
    );
    let run = |args: &[&str]| {
        let r = xiezuo(&db, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    run(&["round", "open", "--year", "2020"]);
    run(&[
        "round",
        "advance",
        "--year",
        "2020",
        "--to",
        "self_evaluation",
        "--reason",
        "自评",
    ]);
    // Not yet: appeals come with the preliminary results (review).
    let r = xiezuo(
        &db,
        &[
            "appeal",
            "file",
            "--year",
            "2020",
            "--pairing",
            "PROV-44-45",
            "--side",
            "west",
            "--indicator",
            "poor_employed",
            "--value",
            "1",
            "--reason",
            "x",
        ],
    );
    assert!(r.stderr.contains("during its review step"), "{}", r.stderr);
    run(&["freeze", "--year", "2020", "--reason", "截止"]);
    run(&[
        "round",
        "advance",
        "--year",
        "2020",
        "--to",
        "cross_check",
        "--reason",
        "核查",
    ]);
    run(&[
        "round",
        "advance",
        "--year",
        "2020",
        "--to",
        "review",
        "--reason",
        "初步结果",
    ]);

    // A finding appealed and upheld: only findings.csv changes; every score
    // read back and computed again is byte-identical.
    let findings = std::fs::read_to_string(v1.join("findings.csv")).unwrap();
    let first = findings
        .lines()
        .nth(1)
        .expect("the 2020 result has findings");
    let f: Vec<&str> = first.split(',').collect();
    let r = run(&[
        "appeal",
        "file",
        "--year",
        "2020",
        "--pairing",
        f[0],
        "--side",
        "west",
        "--finding",
        f[2],
        "--record-kind",
        f[3],
        "--record-id",
        f[4],
        "--reason",
        "该节点已按期完成",
        "--evidence",
        "验收单 2020-06-30",
    ]);
    assert!(r.stdout.contains("appeal 1 "), "{}", r.stdout);
    let r = xiezuo(
        &db,
        &[
            "appeal",
            "decide",
            "--year",
            "2020",
            "--id",
            "1",
            "--uphold",
            "--comment",
            " ",
        ],
    );
    assert!(r.stderr.contains("needs a comment"), "{}", r.stderr);
    let r = run(&[
        "appeal",
        "decide",
        "--year",
        "2020",
        "--id",
        "1",
        "--uphold",
        "--comment",
        "核实无误，撤销",
    ]);
    assert!(
        r.stdout.contains("upheld") && r.stdout.contains("frozen version 2"),
        "{}",
        r.stdout
    );
    let r = xiezuo(
        &db,
        &[
            "appeal",
            "decide",
            "--year",
            "2020",
            "--id",
            "1",
            "--reject",
            "--comment",
            "again",
        ],
    );
    assert!(r.stderr.contains("decided already"), "{}", r.stderr);
    let v2 = tmp.path().join("v2");
    run(&["assess", "--year", "2020", "--out", v2.to_str().unwrap()]);
    for file in ["indicators.csv", "scores.csv", "ranking.csv"] {
        assert_eq!(
            std::fs::read(v1.join(file)).unwrap(),
            std::fs::read(v2.join(file)).unwrap(),
            "{file} moved"
        );
    }
    let after = std::fs::read_to_string(v2.join("findings.csv")).unwrap();
    assert_eq!(after.lines().count() + 1, findings.lines().count());
    assert!(!after.lines().any(|l| l == first));

    // An indicator appealed and upheld: that value, and that pairing's scores.
    let indicators = std::fs::read_to_string(v1.join("indicators.csv")).unwrap();
    let line = indicators
        .lines()
        .find(|l| l.starts_with("PROV-44-45,2020,poor_employed,"))
        .unwrap();
    let claimed = line.rsplit(',').next().unwrap().parse::<i64>().unwrap() + 1000;
    run(&[
        "appeal",
        "file",
        "--year",
        "2020",
        "--pairing",
        "PROV-44-45",
        "--side",
        "west",
        "--indicator",
        "poor_employed",
        "--value",
        &claimed.to_string(),
        "--reason",
        "漏报",
    ]);
    run(&[
        "appeal",
        "file",
        "--year",
        "2020",
        "--pairing",
        "PROV-44-45",
        "--side",
        "east",
        "--indicator",
        "joint_meetings",
        "--value",
        "99",
        "--reason",
        "x",
    ]);
    run(&[
        "appeal",
        "decide",
        "--year",
        "2020",
        "--id",
        "3",
        "--reject",
        "--comment",
        "无依据",
    ]);
    run(&[
        "appeal",
        "decide",
        "--year",
        "2020",
        "--id",
        "2",
        "--uphold",
        "--comment",
        "核实",
    ]);
    let v3 = tmp.path().join("v3");
    run(&["assess", "--year", "2020", "--out", v3.to_str().unwrap()]);
    let now = std::fs::read_to_string(v3.join("indicators.csv")).unwrap();
    let changed: Vec<(&str, &str)> = indicators
        .lines()
        .zip(now.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [(
            line,
            format!("PROV-44-45,2020,poor_employed,{claimed}").as_str()
        )]
    );
    let scores_then = std::fs::read_to_string(v1.join("scores.csv")).unwrap();
    let scores_now = std::fs::read_to_string(v3.join("scores.csv")).unwrap();
    for (a, b) in scores_then.lines().zip(scores_now.lines()) {
        if !a.starts_with("PROV-44-45,") {
            assert_eq!(a, b);
        }
    }
    let r = run(&["appeal", "list", "--year", "2020"]);
    assert!(
        r.stdout.contains("rejected") && r.stdout.matches("upheld").count() == 2,
        "{}",
        r.stdout
    );
    let r = run(&["round", "show", "--year", "2020"]);
    assert!(r.stdout.contains("version 3"), "{}", r.stdout);
}

#[test]
fn appeals_over_the_api_are_filed_by_the_party_and_decided_by_assessors() {
    use crate::web::{account_token, raw_request, serve_plain};
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    for args in [
        vec!["round", "open", "--year", "2020"],
        vec![
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "self_evaluation",
            "--reason",
            "自评",
        ],
        vec!["freeze", "--year", "2020", "--reason", "截止"],
        vec![
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "cross_check",
            "--reason",
            "核查",
        ],
        vec![
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "review",
            "--reason",
            "初步结果",
        ],
    ] {
        let r = xiezuo(&db, &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let yn = account_token(&db, "yn", &["--role", "office", "--region", "530000"]);
    let assessor = account_token(&db, "as", &["--role", "assessor"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| -> (u16, serde_json::Value) {
        let headers =
            format!("Authorization: Bearer {token}\r\nContent-Type: application/json\r\n");
        let (st, text) = raw_request(&s.addr, method, path, &headers, body);
        (
            st,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    };
    let appeal = r#"{"pairing_id":"PROV-44-45","side":"west","indicator":"poor_employed","value":"99999","reason":"漏报外省就业","evidence":"就业台账"}"#;
    let (st, _) = send(&yn, "POST", "/api/v1/rounds/2020/appeals", appeal);
    assert_eq!(st, 403, "not its pairing");
    let (st, b) = send(&gx, "POST", "/api/v1/rounds/2020/appeals", appeal);
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        (b["id"].as_u64(), b["kind"].as_str()),
        (Some(1), Some("indicator")),
        "{b}"
    );
    let (st, _) = send(
        &gx,
        "POST",
        "/api/v1/rounds/2020/appeals/1/decision",
        r#"{"upheld":true,"comment":"x"}"#,
    );
    assert_eq!(st, 403, "a party does not decide its own appeal");
    let (st, b) = send(
        &assessor,
        "POST",
        "/api/v1/rounds/2020/appeals/1/decision",
        r#"{"upheld":true,"comment":"核实属实"}"#,
    );
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["decision"]["version"], 2, "{b}");
    let (_, b) = send(&gx, "GET", "/api/v1/rounds/2020/appeals", "");
    assert_eq!(b["appeals"].as_array().map(Vec::len), Some(1), "{b}");
    let (_, b) = send(&yn, "GET", "/api/v1/rounds/2020/appeals", "");
    assert_eq!(b["appeals"].as_array().map(Vec::len), Some(0), "{b}");
    let out = tmp.path().join("v2");
    let r = xiezuo(
        &db,
        &["assess", "--year", "2020", "--out", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ind = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    assert!(
        ind.contains("PROV-44-45,2020,poor_employed,99999\n"),
        "the upheld value is the round's"
    );
}

#[test]
fn cross_check_results_are_checked_against_the_drawn_sample_and_give_verified_rates() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    let out = tmp.path().join("sample");
    for args in [
        vec!["round", "open", "--year", "2020"],
        vec![
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "self_evaluation",
            "--reason",
            "自评",
        ],
        vec!["freeze", "--year", "2020", "--reason", "截止"],
        vec![
            "sample",
            "--year",
            "2020",
            "--seed",
            "7",
            "--out",
            out.to_str().unwrap(),
        ],
        vec![
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "cross_check",
            "--reason",
            "核查",
        ],
    ] {
        let r = xiezuo(&db, &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    let text = std::fs::read_to_string(out.join("sample.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let placements: Vec<usize> = (1..lines.len())
        .filter(|&i| lines[i].split(',').nth(4) == Some("placement"))
        .take(4)
        .collect();
    assert!(placements.len() >= 2, "the sample holds placements");
    let set = |l: &mut String, result: &str, note: &str| {
        let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
        f[7] = result.into();
        f[8] = note.into();
        *l = f.join(",");
    };
    for &i in &placements {
        set(&mut lines[i], "confirmed", "");
    }
    let last = *placements.last().unwrap();
    set(&mut lines[last], "falsified", "");
    // A row that is not in the drawn sample.
    let forged = lines[placements[0]].clone();
    let f: Vec<&str> = forged.split(',').collect();
    let forged = format!(
        "{},{},{},{},{},PL-NOT-DRAWN,{},confirmed,",
        f[0], f[1], f[2], f[3], f[4], f[6]
    );
    lines.push(forged);
    let filled = tmp.path().join("filled.csv");
    std::fs::write(&filled, lines.join("\n") + "\n").unwrap();
    let r = xiezuo(
        &db,
        &[
            "check",
            "record",
            "--year",
            "2020",
            filled.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "filled.csv:{} [note]: a falsified record needs its evidence in note",
            last + 1
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "filled.csv:{} [record_id]: placement PL-NOT-DRAWN",
            lines.len()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("nothing was stored"), "{}", r.stdout);
    lines.pop();
    set(&mut lines[last], "falsified", "工资表与银行流水不符");
    std::fs::write(&filled, lines.join("\n") + "\n").unwrap();
    let r = xiezuo(
        &db,
        &[
            "check",
            "record",
            "--year",
            "2020",
            filled.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("recorded {} results", placements.len())),
        "{}",
        r.stdout
    );
    let report = tmp.path().join("report");
    let r = xiezuo(
        &db,
        &[
            "check",
            "report",
            "--year",
            "2020",
            "--out",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = std::fs::read_to_string(report.join("cross_check.csv")).unwrap();
    let pairing = lines[placements[0]].split(',').nth(2).unwrap().to_string();
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{pairing},placement,")))
        .unwrap_or_else(|| panic!("{csv}"));
    let f: Vec<&str> = row.split(',').collect();
    let checked: u64 = f[2].parse().unwrap();
    let confirmed: u64 = f[3].parse().unwrap();
    assert!(checked >= 1 && confirmed <= checked, "{row}");
    let (rate, lo, hi): (f64, f64, f64) = (
        f[7].parse().unwrap(),
        f[8].parse().unwrap(),
        f[9].parse().unwrap(),
    );
    assert!(lo <= rate && rate <= hi, "{row}");
    assert_eq!(f[10], "poor_employed", "{row}");
    // The falsified record costs its pairing: the item, points, the grade.
    let before = tmp.path().join("before");
    assess_into(&db, "2020", &before);
    let r = xiezuo(&db, &["check", "apply", "--year", "2020"]);
    assert!(
        r.stdout.contains("frozen version 2"),
        "{} {}",
        r.stdout,
        r.stderr
    );
    let r = xiezuo(&db, &["check", "apply", "--year", "2020"]);
    assert!(r.stderr.contains("applied already"), "{}", r.stderr);
    let after = tmp.path().join("after");
    let r = xiezuo(
        &db,
        &["assess", "--year", "2020", "--out", after.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let penalties = std::fs::read_to_string(after.join("penalties.csv")).unwrap();
    let falsified_id = lines[last].split(',').nth(5).unwrap().to_string();
    assert!(
        penalties.contains(&format!(
            ",placement,{falsified_id},1.00,工资表与银行流水不符"
        )),
        "{penalties}"
    );
    let scores_before = std::fs::read_to_string(before.join("scores.csv")).unwrap();
    let scores_after = std::fs::read_to_string(after.join("scores.csv")).unwrap();
    let falsified_pairing = lines[last].split(',').nth(2).unwrap().to_string();
    for (a, b) in scores_before.lines().zip(scores_after.lines()) {
        if a.starts_with(&format!("{falsified_pairing},")) {
            assert!(b.ends_with(",poor"), "vetoed: {b}");
            let total = |l: &str| l.rsplit(',').nth(1).unwrap().parse::<f64>().unwrap();
            assert!(total(b) < total(a) || total(a) == 0.0, "{a} → {b}");
        } else {
            assert_eq!(a, b, "another pairing moved");
        }
    }
    // Outside the cross-check step nothing is recorded.
    advance_round(&db, "2020", "review", "初步结果");
    let r = xiezuo(
        &db,
        &[
            "check",
            "record",
            "--year",
            "2020",
            filled.to_str().unwrap(),
        ],
    );
    assert!(
        r.stderr.contains("during its cross_check step"),
        "{}",
        r.stderr
    );
    // In review, the pairing appeals the penalty; upheld, the record is no
    // longer penalised and every score is again what it was before.
    let appeal = |kind: &str, id: &str| {
        xiezuo(
            &db,
            &[
                "appeal",
                "file",
                "--year",
                "2020",
                "--pairing",
                &falsified_pairing,
                "--side",
                "west",
                "--penalty",
                "--record-kind",
                kind,
                "--record-id",
                id,
                "--reason",
                "合同与流水已补齐",
            ],
        )
    };
    let r = appeal("placement", "PL-NOT-PENALISED");
    assert!(
        r.stderr
            .contains("has no penalty on placement PL-NOT-PENALISED"),
        "{}",
        r.stderr
    );
    let r = appeal("placement", &falsified_id);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("penalty on placement {falsified_id}")),
        "{}",
        r.stdout
    );
    let r = xiezuo(
        &db,
        &[
            "appeal",
            "decide",
            "--year",
            "2020",
            "--id",
            "1",
            "--uphold",
            "--comment",
            "经复核不属弄虚作假",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let upheld = tmp.path().join("upheld");
    assess_into(&db, "2020", &upheld);
    let penalties = std::fs::read_to_string(upheld.join("penalties.csv")).unwrap();
    assert!(!penalties.contains(&falsified_id), "{penalties}");
    for file in ["scores.csv", "indicators.csv"] {
        assert_eq!(
            std::fs::read_to_string(upheld.join(file)).unwrap(),
            std::fs::read_to_string(before.join(file)).unwrap(),
            "{file}"
        );
    }
}
