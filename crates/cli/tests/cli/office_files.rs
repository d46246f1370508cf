//! Files as offices save them on day one: CSV from Chinese Excel or WPS in
//! GBK, UTF-8 with a byte order mark, Windows line endings; imported by the
//! command line and checked by an upload, with the physical line of every
//! error.

use crate::support::*;
use crate::web::{account_token, raw_request, serve_plain};

/// A meetings file with Chinese headers, two rows of PROV-44-45.
const MEETINGS: &str = "会议编号,结对编号,日期,会议类型,主要领导带队\nMT-G1,PROV-44-45,2019-05-06,joint_meeting,1\nMT-G2,PROV-44-45,2019-06-06,joint_meeting,0\n";

fn imported(db: &TestDb, dir: &std::path::Path) -> Run {
    xiezuo(db, &["import", dir.to_str().unwrap()])
}

#[test]
fn gbk_and_utf8_with_a_byte_order_mark_import_with_chinese_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "g.db");
    import_test_dataset(&db);
    // GBK, as iconv (and Excel on a Chinese Windows) writes it.
    let gbk = tmp.path().join("gbk");
    std::fs::create_dir_all(&gbk).unwrap();
    let utf8 = tmp.path().join("meetings-utf8.csv");
    std::fs::write(&utf8, MEETINGS).unwrap();
    let out = std::process::Command::new("iconv")
        .args(["-f", "UTF-8", "-t", "GBK", utf8.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::str::from_utf8(&out.stdout).is_err(), "really GBK");
    std::fs::write(gbk.join("meetings.csv"), &out.stdout).unwrap();
    let r = imported(&db, &gbk);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("2 new") || r.stdout.contains("new 2"),
        "{}",
        r.stdout
    );
    // UTF-8 with a byte order mark, with a bad row: the error names the
    // physical line and the column by its Chinese header's field.
    let bom = tmp.path().join("bom");
    std::fs::create_dir_all(&bom).unwrap();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        MEETINGS
            .replace("MT-G1", "MT-B1")
            .replace("MT-G2,PROV-44-45,2019-06-06", "MT-B2,PROV-44-45,2019-13-06")
            .as_bytes(),
    );
    std::fs::write(bom.join("meetings.csv"), bytes).unwrap();
    let r = imported(&db, &bom);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("meetings.csv:3 [date]"), "{}", r.stderr);
}

#[test]
fn windows_line_endings_report_the_physical_line() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "w.db");
    import_test_dataset(&db);
    // A bad budget on physical line 6, after a blank line and a quoted
    // name with a line break in it, with CRLF endings.
    let crlf = "project_id,pairing_id,year,name,category,county,village,budget,start_date,end_date,status\r\n\
XM-W1,PROV-44-45,2019,路,infrastructure,450121000000,,1000,2019-01-01,2019-12-31,completed\r\n\
\r\n\
XM-W2,PROV-44-45,2019,\"两行\r\n名称\",infrastructure,450121000000,,1000,2019-01-01,2019-12-31,completed\r\n\
XM-W3,PROV-44-45,2019,路,infrastructure,450121000000,,abc,2019-01-01,2019-12-31,completed\r\n";
    let dir = tmp.path().join("crlf");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("projects.csv"), crlf).unwrap();
    let r = imported(&db, &dir);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("projects.csv:6 [budget]"), "{}", r.stderr);
    // The same line in an upload's report.
    let token = account_token(&db, "admin-w", &["--role", "admin"]);
    let s = serve_plain(&db, &[]);
    let body = format!(
        "--XZB\r\nContent-Disposition: form-data; name=\"files\"; filename=\"projects.csv\"\r\nContent-Type: text/csv\r\n\r\n{crlf}\r\n--XZB--\r\n"
    );
    let (st, resp) = raw_request(
        &s.addr,
        "POST",
        "/api/v1/uploads",
        &format!(
            "Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XZB\r\n"
        ),
        &body,
    );
    assert_eq!(st, 200, "{resp}");
    let v: serde_json::Value = serde_json::from_str(&resp).unwrap();
    let job = v["job"].as_str().unwrap().to_string();
    let report = loop {
        let (_, j) = raw_request(
            &s.addr,
            "GET",
            &format!("/api/v1/jobs/{job}"),
            &format!("Authorization: Bearer {token}\r\n"),
            "",
        );
        let j: serde_json::Value = serde_json::from_str(&j).unwrap();
        if j["state"] != "running" {
            break j["result"].clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let lines: Vec<u64> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [6], "{report}");
}

#[test]
fn a_formula_in_a_name_is_exported_as_text_and_round_trips_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "f.db");
    let data = tmp.path().join("data");
    copy_dataset(&data_dir().join("dataset"), &data);
    let evil = "=HYPERLINK(\"http://evil.example/x\",\"点击\")";
    set_field(
        &data.join("projects.csv"),
        2,
        "name",
        &format!("\"{}\"", evil.replace('"', "\"\"")),
    );
    let r = imported(&db, &data);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = tmp.path().join("out");
    assert_eq!(xiezuo(&db, &["export", out.to_str().unwrap()]).code, 0);
    let text = std::fs::read_to_string(out.join("projects.csv")).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK("),
        "written safe: {}",
        &text[..300]
    );
    for line in text.lines().flat_map(|l| l.split(',')) {
        assert!(!line.starts_with('='), "a cell starts a formula: {line}");
    }
    // Read back, the name is the name as given; a second export is the same.
    let db2 = TestDb::new(tmp.path(), "f2.db");
    assert_eq!(imported(&db2, &out).code, 0);
    let again = tmp.path().join("again");
    assert_eq!(xiezuo(&db2, &["export", again.to_str().unwrap()]).code, 0);
    assert_eq!(
        std::fs::read(out.join("projects.csv")).unwrap(),
        std::fs::read(again.join("projects.csv")).unwrap()
    );
    // XLSX keeps text as text: the cell reads back as the name itself.
    let xlsx = tmp.path().join("xlsx");
    assert_eq!(
        xiezuo(
            &db2,
            &["export", xlsx.to_str().unwrap(), "--format", "xlsx"]
        )
        .code,
        0
    );
    let sheet = xiezuo_exchange::xlsx::read_first_sheet(&xlsx.join("projects.xlsx")).unwrap();
    assert!(
        sheet
            .rows
            .iter()
            .any(|r| r.fields.iter().any(|f| f == evil))
    );
}
