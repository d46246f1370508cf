//! Input that leaks or lies, through the real binary (`xiezuo import`) and
//! the real server (an upload's check job): a huge cell is quoted by a
//! short prefix, a misaligned persons row names no one, a numeric identity
//! number in a sheet is refused with advice, an upper-case extension is
//! read, and a sheet's hidden parts are not read unseen.

use crate::support::*;
use crate::web::{account_token, raw_request, serve_plain};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;

const REGIONS_HEADER: &str =
    "code,name,level,parent,side,poor_county,poor_village,deep_poverty,exit_year";
const PERSONS_HEADER: &str = "person_id,household_id,id_number,name,sex,birth_date,labor";
/// A name and an identity number that a misaligned row puts out of place.
const NAME: &str = "吕金静";
const ID_NUMBER: &str = "450121196001184277";

fn dataset(dir: &Path, files: &[(&str, &[u8])]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Uploads one file as the browser does and returns the check job's whole
/// response body once the job is done.
pub fn upload_check(addr: &str, token: &str, file: &str, bytes: &[u8]) -> String {
    let mut body = format!(
        "--XZBOUNDARY\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--XZBOUNDARY--\r\n");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /api/v1/uploads HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XZBOUNDARY\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(&body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, resp) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{resp}");
    let job = serde_json::from_str::<Value>(resp).unwrap()["job"]
        .as_str()
        .unwrap()
        .to_string();
    loop {
        let (status, body) = raw_request(
            addr,
            "GET",
            &format!("/api/v1/jobs/{job}"),
            &format!("Authorization: Bearer {token}\r\n"),
            "",
        );
        assert_eq!(status, 200, "{body}");
        let j: Value = serde_json::from_str(&body).unwrap();
        if j["state"] != "running" {
            assert_eq!(j["state"], "done", "{j}");
            return body;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A store with an account to upload with, and its server.
pub fn server(tmp: &Path) -> (TestDb, crate::web::Server, String) {
    let db = TestDb::new(tmp, "s.db");
    let token = account_token(&db, "sec", &["--role", "admin"]);
    let server = serve_plain(&db, &[]);
    (db, server, token)
}

#[test]
fn a_fifty_megabyte_cell_is_quoted_by_a_short_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let huge = "x".repeat(50 << 20);
    let long_column = "y".repeat(1 << 20);
    let csv =
        format!("{REGIONS_HEADER},{long_column}\n450000000000,广西壮族自治区,{huge},,west,,,,,\n");
    let ds = tmp.path().join("ds");
    dataset(&ds, &[("regions.csv", csv.as_bytes())]);
    let db = TestDb::new(tmp.path(), "d.db");
    let r = xiezuo(&db, &["import", ds.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", &r.stdout);
    assert!(r.stderr.len() < 2_000, "{} bytes of errors", r.stderr.len());
    assert!(
        r.stderr.contains(&format!(
            "regions.csv:2 [level]: unknown value \"{}…\" (52428800 characters) (expected province|",
            "x".repeat(40)
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "regions.csv:1 [\"{}…\" (1048576 characters)]: unknown column",
            "y".repeat(40)
        )),
        "{}",
        r.stderr
    );
    drop(db);
    // An upload's check job answers as briefly.
    let (_db, s, token) = server(tmp.path());
    let body = upload_check(&s.addr, &token, "regions.csv", csv.as_bytes());
    assert!(body.len() < 5_000, "{} bytes of job", body.len());
    assert!(body.contains("(52428800 characters)"), "{body}");
}

#[test]
fn a_misaligned_persons_row_names_no_one() {
    let tmp = tempfile::tempdir().unwrap();
    // The name and the identity number shifted into the columns after theirs.
    let csv = format!("{PERSONS_HEADER}\nP1,H1,{NAME},{ID_NUMBER},{NAME},1960-01-18,{ID_NUMBER}\n");
    let ds = tmp.path().join("ds");
    dataset(&ds, &[("persons.csv", csv.as_bytes())]);
    let db = TestDb::new(tmp.path(), "d.db");
    let r = xiezuo(&db, &["import", "--check", ds.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("persons.csv:2 [sex]: unknown value (expected M|F)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("persons.csv:2 [labor]: unknown value (expected full|weak|none)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("persons.csv:2 [id_number]:"),
        "{}",
        r.stderr
    );
    for said in [&r.stderr, &r.stdout] {
        assert!(!said.contains(NAME) && !said.contains(ID_NUMBER), "{said}");
    }
    drop(db);
    let (_db, s, token) = server(tmp.path());
    let body = upload_check(&s.addr, &token, "persons.csv", csv.as_bytes());
    assert!(body.contains("unknown value (expected M|F)"), "{body}");
    assert!(!body.contains(NAME) && !body.contains(ID_NUMBER), "{body}");
}

/// A sheet of `header` and `rows`, where a cell that parses as a number is
/// written as one (as Excel stores what is typed into a General cell).
fn sheet(ws: &mut rust_xlsxwriter::Worksheet, header: &str, rows: &[&str]) {
    for (j, h) in header.split(',').enumerate() {
        ws.write_string(0, j as u16, h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.split(',').enumerate() {
            let (r, c) = (i as u32 + 1, j as u16);
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r, c, n).unwrap(),
                Err(_) => ws.write_string(r, c, v).unwrap(),
            };
        }
    }
}

#[test]
fn a_numeric_identity_number_in_a_sheet_is_refused_with_advice() {
    let tmp = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    sheet(
        wb.add_worksheet(),
        PERSONS_HEADER,
        &["P1,H1,4.50121199402105E+17,甲,F,1994-02-10,full"],
    );
    let ds = tmp.path().join("ds");
    dataset(&ds, &[("persons.xlsx", &wb.save_to_buffer().unwrap())]);
    let db = TestDb::new(tmp.path(), "d.db");
    let r = xiezuo(&db, &["import", "--check", ds.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "persons.xlsx:2 [id_number]: Excel turned this identity number into a number"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("format the column as Text")
            && r.stderr.contains("start the value with an apostrophe"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("450121199402105"), "{}", r.stderr);
    // A region code typed as a number is exact, and read as before.
    let mut wb = rust_xlsxwriter::Workbook::new();
    sheet(
        wb.add_worksheet(),
        REGIONS_HEADER,
        &["450000000000,广西壮族自治区,province,,west"],
    );
    let ds = tmp.path().join("regions");
    dataset(&ds, &[("regions.xlsx", &wb.save_to_buffer().unwrap())]);
    let r = xiezuo(&db, &["import", ds.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("stored as batch 1: 1 new"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_upper_case_extension_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = format!("{REGIONS_HEADER}\n450000000000,广西壮族自治区,province,,west,,,,\n");
    let ds = tmp.path().join("ds");
    dataset(&ds, &[("regions.CSV", csv.as_bytes())]);
    let db = TestDb::new(tmp.path(), "d.db");
    let r = xiezuo(&db, &["import", ds.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("stored as batch 1: 1 new"),
        "{}",
        r.stdout
    );
    drop(db);
    let (_db, s, token) = server(tmp.path());
    let body = upload_check(&s.addr, &token, "regions.CSV", csv.as_bytes());
    let j: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(j["result"]["valid"], true, "{body}");
    assert_eq!(j["result"]["counts"][0]["file"], "regions", "{body}");
    assert_eq!(j["result"]["counts"][0]["new"], 1, "{body}");
}

#[test]
fn the_first_visible_sheet_is_read_and_hidden_rows_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let decoy = wb.add_worksheet();
    sheet(decoy, "junk", &["1"]);
    decoy.set_hidden(true);
    let ws = wb.add_worksheet();
    sheet(
        ws,
        REGIONS_HEADER,
        &[
            "450000000000,广西壮族自治区,province,,west",
            "450100000000,田营市,prefecture,450000000000",
        ],
    );
    ws.set_row_hidden(2).unwrap();
    ws.set_active(true);
    let bytes = wb.save_to_buffer().unwrap();
    let ds = tmp.path().join("ds");
    dataset(&ds, &[("regions.xlsx", &bytes)]);
    let db = TestDb::new(tmp.path(), "d.db");
    let r = xiezuo(&db, &["import", ds.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("stored as batch 1: 2 new"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(
            "warning: regions.xlsx:3: 1 hidden row of the sheet is read like the others (lines 3)"
        ),
        "{}",
        r.stderr
    );
    drop(db);
    let (_db, s, token) = server(tmp.path());
    let body = upload_check(&s.addr, &token, "regions.xlsx", &bytes);
    let j: Value = serde_json::from_str(&body).unwrap();
    let report = &j["result"];
    assert_eq!(report["valid"], true, "{body}");
    assert_eq!(report["counts"][0]["read"], 2, "{body}");
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{body}");
    assert_eq!(warnings[0]["file"], "regions.xlsx");
    assert_eq!(warnings[0]["line"], 3);
}
