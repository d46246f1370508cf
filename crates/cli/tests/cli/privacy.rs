//! Personal data: identity numbers never appear in what the programs
//! write (console output, server logs, error reports, audit exports) nor
//! in clear in the store's files; the key is not in the store.
//!
//! It reads the store's bytes, so it always uses an embedded SQLite file,
//! whatever the test backend. Sealing happens above the backends
//! (`ProtectedStore`), so a PostgreSQL store receives the same sealed cells;
//! `crates/store-postgres` tests store and read them back unchanged.

use crate::support::*;
use crate::web::{account_token, raw_request};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Every identity number in a dataset's persons.csv.
fn id_numbers(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("persons.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "id_number").unwrap();
    lines
        .filter_map(|l| l.split(',').nth(col))
        .map(str::trim)
        .filter(|v| v.len() == 18)
        .map(str::to_string)
        .collect()
}

#[test]
fn no_identity_number_in_logs_reports_or_store_files() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("p.db");
    let mut captured = String::new();
    let mut run = |args: &[&str]| {
        let r = xiezuo(&db, args);
        captured.push_str(&r.stdout);
        captured.push_str(&r.stderr);
        r
    };
    let clean = data_dir().join("dataset");
    let dirty = data_dir().join("dirty");
    assert_eq!(run(&["import", clean.to_str().unwrap()]).code, 0);
    // A dirty import: its error report names lines and columns, not values.
    assert_ne!(run(&["import", dirty.to_str().unwrap()]).code, 0);
    run(&[
        "assess",
        "--year",
        "2019",
        "--out",
        tmp.path().join("out").to_str().unwrap(),
    ]);
    let admin = account_token(&db, "admin1", &["--role", "admin", "--personal-data"]);

    // The server, with everything it prints captured.
    let log_path = tmp.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    captured.push_str(&line);
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let auth = format!("Authorization: Bearer {admin}\r\n");
    let mut bodies = String::new();
    for path in [
        "/api/v1/regions/450121000000",
        "/api/v1/regions/450121000000?full=true",
        "/api/v1/access-log",
    ] {
        let (st, body) = raw_request(&addr, "GET", path, &auth, "");
        assert_eq!(st, 200, "{path}");
        if !path.contains("full=true") {
            bodies.push_str(&body);
        }
    }
    // An upload of persons with errors (a duplicate identity number).
    let persons = std::fs::read_to_string(clean.join("persons.csv")).unwrap();
    let mut rows = persons.lines();
    let header = rows.next().unwrap();
    let first = rows.next().unwrap();
    let dup = first.replacen("P0", "PX", 1);
    let upload = format!("{header}\n{first}\n{dup}\n");
    let body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"persons.csv\"\r\nContent-Type: text/csv\r\n\r\n{upload}\r\n--B--\r\n"
    );
    let (st, resp) = raw_request(
        &addr,
        "POST",
        "/api/v1/uploads",
        &format!("{auth}Content-Type: multipart/form-data; boundary=B\r\n"),
        &body,
    );
    assert_eq!(st, 200, "{resp}");
    let job = serde_json::from_str::<serde_json::Value>(&resp).unwrap()["job"]
        .as_str()
        .unwrap()
        .to_string();
    loop {
        let (_, j) = raw_request(&addr, "GET", &format!("/api/v1/jobs/{job}"), &auth, "");
        if !j.contains("\"running\"") {
            assert!(j.contains("duplicate id_number"), "{j}");
            bodies.push_str(&j);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (_, audit) = raw_request(&addr, "GET", "/api/v1/audit/export.csv", &auth, "");
    bodies.push_str(&audit);
    let _ = child.kill();
    let _ = child.wait();
    captured.push_str(&std::fs::read_to_string(&log_path).unwrap());
    // The round's reports and workbook (考核报告), from a frozen year.
    let reports = tmp.path().join("reports");
    for args in [
        &["round", "open", "--year", "2019"][..],
        &[
            "round",
            "advance",
            "--year",
            "2019",
            "--to",
            "self_evaluation",
            "--reason",
            "x",
        ],
        &["freeze", "--year", "2019", "--reason", "x"],
        &[
            "round",
            "report",
            "--year",
            "2019",
            "--out",
            reports.to_str().unwrap(),
        ],
    ] {
        let r = xiezuo(&db, args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let mut n = 0;
    for e in std::fs::read_dir(&reports).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        captured.push_str(&String::from_utf8_lossy(&bytes));
        n += 1;
    }
    assert!(n > 1, "the workbook and the reports");

    let mut store_bytes = Vec::new();
    for ext in ["", "-wal"] {
        if let Ok(b) = std::fs::read(format!("{}{ext}", db.display())) {
            store_bytes.extend(b);
        }
    }
    let store_text = String::from_utf8_lossy(&store_bytes);
    let mut ids = id_numbers(&clean);
    ids.extend(id_numbers(&dirty));
    assert!(ids.len() > 1000);
    let ids: std::collections::HashSet<String> = ids.into_iter().collect();
    let mut leaks = Vec::new();
    for (what, text) in [
        ("output", captured.as_str()),
        ("masked API or audit export", bodies.as_str()),
        ("store file", &*store_text),
    ] {
        for found in candidates(text) {
            if ids.contains(found) {
                leaks.push(format!("{what}: {found}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks, e.g. {:?}",
        leaks.len(),
        &leaks[..leaks.len().min(5)]
    );
    // The key is beside the store, never in it.
    let key = std::fs::read_to_string(format!("{}.key", db.display())).unwrap();
    assert!(!store_text.contains(key.trim()));
    // A wrong key is refused, not silently used.
    std::fs::write(format!("{}.key", db.display()), "00".repeat(32)).unwrap();
    let r = xiezuo(&db, &["export", tmp.path().join("x").to_str().unwrap()]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("another key"), "{}", r.stderr);
}

/// Every 18-character run of digits and `X` in a text (overlapping).
fn candidates(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(17)).filter_map(move |i| {
        b[i..i + 18]
            .iter()
            .all(|c| c.is_ascii_digit() || *c == b'X')
            .then(|| std::str::from_utf8(&b[i..i + 18]).ok())
            .flatten()
    })
}
