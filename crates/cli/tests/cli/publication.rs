//! Publication (审定公布) through the real binary and server: the round's
//! XLSX and each party's print-ready report from the frozen result, marked
//! 初步结果 until the round is published; the public overview showing the
//! latest published round's grades, never live ones; the report following
//! the pairing rule and the workbook narrowed to the caller's pairings.

use crate::support::*;
use crate::web::{account_token, api_call, serve_plain};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

/// Grade counts (side → grade → n) of a `scores.csv`.
fn grade_counts(scores: &Path) -> BTreeMap<String, BTreeMap<String, u64>> {
    let text = std::fs::read_to_string(scores).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let side = header.iter().position(|h| *h == "side").unwrap();
    let grade = header.iter().position(|h| *h == "grade").unwrap();
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        *out.entry(f[side].into())
            .or_default()
            .entry(f[grade].into())
            .or_default() += 1;
    }
    out
}

/// The data rows of each sheet of an XLSX file, by sheet file name.
fn sheet_rows(xlsx: &[u8]) -> (String, BTreeMap<String, usize>) {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut workbook = String::new();
    z.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook)
        .unwrap();
    let mut rows = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if let Some(sheet) = name.strip_prefix("xl/worksheets/") {
            let mut x = String::new();
            f.read_to_string(&mut x).unwrap();
            rows.insert(
                sheet.to_string(),
                x.matches("<row ").count().saturating_sub(1),
            );
        }
    }
    (workbook, rows)
}

#[test]
fn round_report_writes_the_frozen_result_marked_preliminary_until_published() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "p.db");
    import_test_dataset(&db);
    let out = tmp.path().join("report");
    let o = out.to_str().unwrap();
    let report = |extra: &[&str]| {
        let mut args = vec!["round", "report", "--year", "2020", "--out", o];
        args.extend_from_slice(extra);
        xiezuo(&db, &args)
    };
    let r = report(&[]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("no assessment round for 2020"),
        "{}",
        r.stderr
    );
    for args in [
        &["round", "open", "--year", "2020"][..],
        &[
            "round",
            "advance",
            "--year",
            "2020",
            "--to",
            "self_evaluation",
            "--reason",
            "截止",
        ],
    ] {
        let r = xiezuo(&db, args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = report(&[]);
    assert!(r.stderr.contains("is not frozen"), "{}", r.stderr);
    let r = xiezuo(&db, &["freeze", "--year", "2020", "--reason", "年度截止"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let frozen = tmp.path().join("frozen");
    assess_into(&db, "2020", &frozen);
    let scores = std::fs::read_to_string(frozen.join("scores.csv")).unwrap();
    let parties: Vec<Vec<String>> = scores
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();

    let r = report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("preliminary"), "{}", r.stdout);
    let html = |p: &str, s: &str| {
        std::fs::read_to_string(out.join(format!("report-{p}-{s}.html"))).unwrap()
    };
    let count = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".html")
        })
        .count();
    assert_eq!(count, parties.len(), "one report per scored party");
    for p in &parties {
        let page = html(&p[0], &p[2]);
        assert!(page.contains("初步结果（未公布）"), "{}", p[0]);
        // The frozen total, as the output files write it.
        let total = &p[p.len() - 2];
        assert!(
            page.contains(&format!("<td class=\"num\">{total}</td>")),
            "{} {total}",
            p[0]
        );
    }
    let (workbook, rows) = sheet_rows(&std::fs::read(out.join("round-2020.xlsx")).unwrap());
    for sheet in [
        "说明",
        "考核过程",
        "考核得分",
        "排名",
        "考核指标",
        "数据质量问题",
        "核查扣分",
        "申诉",
    ] {
        assert!(workbook.contains(sheet), "sheet {sheet}");
    }
    assert_eq!(
        rows.get("sheet3.xml"),
        Some(&parties.len()),
        "every score in 考核得分"
    );

    for to in ["cross_check", "review", "approved", "published"] {
        let r = xiezuo(
            &db,
            &[
                "round", "advance", "--year", "2020", "--to", to, "--reason", "按期",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let one = &parties[0];
    let r = report(&["--pairing", &one[0], "--side", &one[2]]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("preliminary"), "{}", r.stdout);
    let page = html(&one[0], &one[2]);
    assert!(
        !page.contains("初步结果"),
        "published: no preliminary stamp"
    );
    assert!(page.contains("2020年度东西部扶贫协作考核报告"));
    assert!(
        page.contains("公布考核结果") || page.contains("已公布"),
        "the history"
    );
    let r = report(&["--side", "north"]);
    assert!(r.stderr.contains("unknown side \"north\""), "{}", r.stderr);
    let r = report(&["--pairing", "NOPE"]);
    assert!(
        r.stderr.contains("pairing NOPE is not assessed in 2020"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_overview_shows_the_published_round_and_reports_follow_the_pairing_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "s.db");
    import_test_dataset(&db);
    let admin = account_token(&db, "nat", &["--role", "admin"]);
    let gx = account_token(&db, "gx", &["--role", "office", "--region", "450000"]);
    let s = serve_plain(&db, &[]);
    let send = |token: &str, method: &str, path: &str, body: &str| {
        api_call(&s.addr, token, method, path, body)
    };
    let overview = || -> serde_json::Value {
        let (st, _, b) = send("", "GET", "/api/v1/overview", "");
        assert_eq!(st, 200, "{b}");
        serde_json::from_str(&b).unwrap()
    };
    let o = overview();
    assert_eq!(o["published"], serde_json::Value::Null, "{o}");
    assert_eq!(o["grades"], serde_json::json!({}), "no live grades: {o}");
    assert_eq!(o["latest_year"], 2020);

    let step = |path: &str, body: &str| {
        let (st, _, b) = send(&admin, "POST", path, body);
        assert_eq!(st, 200, "{path}: {b}");
    };
    step("/api/v1/rounds/2019/open", r#"{"reason":"开始填报"}"#);
    step(
        "/api/v1/rounds/2019/advance",
        r#"{"to":"self_evaluation","reason":"截止"}"#,
    );
    let (st, _, b) = send(
        &admin,
        "GET",
        "/api/v1/rounds/2019/report/PROV-44-45/west",
        "",
    );
    assert_eq!(st, 409, "not frozen yet: {b}");
    assert!(b.contains("not frozen"), "{b}");
    step("/api/v1/rounds/2019/freeze", r#"{"reason":"年度截止"}"#);
    for to in ["cross_check", "review", "approved"] {
        step(
            "/api/v1/rounds/2019/advance",
            &format!(r#"{{"to":"{to}","reason":"按期"}}"#),
        );
    }
    let (st, head, page) = send(&gx, "GET", "/api/v1/rounds/2019/report/PROV-44-45/west", "");
    assert_eq!(st, 200, "{page}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(
        page.contains("初步结果（未公布）"),
        "approved is not yet published"
    );
    assert!(
        overview()["published"].is_null(),
        "approved is not published"
    );
    step(
        "/api/v1/rounds/2019/advance",
        r#"{"to":"published","reason":"审定公布"}"#,
    );

    // The overview: 2019's frozen grades while 2020 is the latest, live year.
    let frozen = tmp.path().join("frozen");
    assess_into(&db, "2019", &frozen);
    let o = overview();
    assert_eq!(o["published"]["year"], 2019, "{o}");
    assert_eq!(o["published"]["version"], 1, "{o}");
    assert_eq!(o["latest_year"], 2020);
    assert_eq!(
        o["grades"],
        serde_json::to_value(grade_counts(&frozen.join("scores.csv"))).unwrap()
    );

    // The party's report: published, in Chinese, escaped; the pairing rule.
    let (st, _, page) = send(&gx, "GET", "/api/v1/rounds/2019/report/PROV-44-45/west", "");
    assert_eq!(st, 200, "{page}");
    assert!(page.contains("2019年度东西部扶贫协作考核报告"));
    assert!(page.contains("西部受帮扶方"));
    assert!(!page.contains("初步结果"));
    assert!(!page.contains("<script"), "a report runs nothing");
    let (st, _, _) = send(&gx, "GET", "/api/v1/rounds/2019/report/PROV-31-53/west", "");
    assert!(st == 403 || st == 404, "another province's pairing: {st}");
    let (st, _, b) = send(
        &admin,
        "GET",
        "/api/v1/rounds/2019/report/PROV-44-45/north",
        "",
    );
    assert_eq!(st, 400, "{b}");
    let (st, _, b) = send(
        &admin,
        "GET",
        "/api/v1/rounds/2018/report/PROV-44-45/east",
        "",
    );
    assert_eq!(st, 404, "no round for 2018: {b}");
    let (st, _, b) = send("", "GET", "/api/v1/rounds/2019/report/PROV-44-45/east", "");
    assert_eq!(st, 401, "{b}");

    // The round's workbook: every score for the national office, the
    // office's own pairings for the office.
    let xlsx = |token: &str| -> (u16, Vec<u8>) {
        let mut c = std::net::TcpStream::connect(&s.addr).unwrap();
        write!(
            c,
            "GET /api/v1/rounds/2019/export.xlsx HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
            s.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        c.read_to_end(&mut raw).unwrap();
        let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..at]).into_owned();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, raw[at + 4..].to_vec())
    };
    let (st, all) = xlsx(&admin);
    assert_eq!(st, 200);
    let (st, own) = xlsx(&gx);
    assert_eq!(st, 200);
    let scores_rows = std::fs::read_to_string(frozen.join("scores.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let (_, all_rows) = sheet_rows(&all);
    let (_, own_rows) = sheet_rows(&own);
    assert_eq!(all_rows.get("sheet3.xml"), Some(&scores_rows));
    let own_scores = own_rows.get("sheet3.xml").copied().unwrap();
    assert!(
        own_scores > 0 && own_scores < scores_rows,
        "{own_scores} of {scores_rows}"
    );
}
