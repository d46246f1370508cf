//! Requests that try to exhaust the server or outlive a credential, as an
//! attacker would send them to the real binary: a password change ends the
//! account's sessions and tokens, years outside the data are refused and
//! memory stays bounded, a huge sign-in is refused before it is read or
//! logged, half-sent requests are closed, and a formula in a login name
//! comes out of the audit export neutralised.

use crate::support::*;
use crate::web::{Server, raw_exchange, raw_request, serve_plain};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The growth of the server's resident memory allowed above idle while it
/// answers 2,000 requests for distinct years.
const MEMORY_BOUND_KB: u64 = 200 * 1024;
/// The header read timeout the server is started with in the test of
/// half-sent requests (`serve --header-timeout`).
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);

fn import_dataset(db: &TestDb) {
    let r = xiezuo(
        db,
        &["import", data_dir().join("dataset").to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Runs `xiezuo ARGS` with `input` on standard input; true on success.
fn with_stdin(db: &TestDb, args: &[&str], input: &str) -> bool {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .args(db.db_args())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(input.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    out.status.success()
}

fn add_admin(db: &TestDb, login: &str, password: &str) -> String {
    assert!(with_stdin(
        db,
        &["user", "add", login, "--role", "admin", "--password-stdin"],
        &format!("{password}\n"),
    ));
    let r = xiezuo(db, &["user", "token", login]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}

fn sign_in_request(addr: &str, login: &str, password: &str) -> (u16, String, String) {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    raw_exchange(
        addr,
        "POST",
        "/api/v1/session",
        "Content-Type: application/json\r\n",
        &body,
    )
}

/// Signs in; returns the session cookie (`xz_session=…`).
fn sign_in(addr: &str, login: &str, password: &str) -> String {
    let (status, head, body) = sign_in_request(addr, login, password);
    assert_eq!(status, 200, "{body}");
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l.split_once(':'))
        .and_then(|(_, v)| v.trim().split(';').next())
        .unwrap()
        .to_string()
}

fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}\r\n")
}

fn status_of(addr: &str, path: &str, headers: &str) -> u16 {
    raw_request(addr, "GET", path, headers, "").0
}

/// The server process's resident memory (VmRSS), in KiB.
fn resident_kb(s: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.pid())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn a_password_change_ends_every_session_and_token_of_the_account() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "pw.db");
    import_dataset(&db);
    let token = add_admin(&db, "chief", "the first passphrase");
    let other = add_admin(&db, "deputy", "another passphrase");
    let s = serve_plain(&db, &[]);
    let cookie = sign_in(&s.addr, "chief", "the first passphrase");
    let with_cookie = format!("Cookie: {cookie}\r\n");
    assert_eq!(status_of(&s.addr, "/api/v1/pairings", &with_cookie), 200);
    assert_eq!(status_of(&s.addr, "/api/v1/pairings", &bearer(&token)), 200);

    // Changed by another process (the command line), while the server runs.
    assert!(with_stdin(
        &db,
        &["user", "passwd", "chief"],
        "the second passphrase\n"
    ));
    // The store is re-read within ACCOUNT_FRESH (2 s).
    std::thread::sleep(Duration::from_millis(2500));
    let (st, body) = raw_request(&s.addr, "GET", "/api/v1/pairings", &with_cookie, "");
    assert_eq!(st, 401, "{body}");
    assert!(body.contains("password"), "{body}");
    // The session is gone for good, not only refused once.
    assert_eq!(status_of(&s.addr, "/api/v1/pairings", &with_cookie), 401);
    assert_eq!(status_of(&s.addr, "/api/v1/pairings", &bearer(&token)), 401);
    let tokens = xiezuo(&db, &["user", "tokens"]).stdout;
    let chief_token = tokens
        .lines()
        .find(|l| l.split('\t').nth(1) == Some("chief"))
        .unwrap();
    assert!(
        !chief_token.split('\t').nth(4).unwrap_or("").is_empty(),
        "revoked in the store: {tokens}"
    );
    // Another account is untouched; the new password signs in, the old does not.
    assert_eq!(status_of(&s.addr, "/api/v1/pairings", &bearer(&other)), 200);
    assert_eq!(
        sign_in_request(&s.addr, "chief", "the first passphrase").0,
        401
    );
    let fresh = sign_in(&s.addr, "chief", "the second passphrase");
    assert_eq!(
        status_of(&s.addr, "/api/v1/pairings", &format!("Cookie: {fresh}\r\n")),
        200
    );
}

#[test]
fn years_outside_the_data_are_refused_and_memory_stays_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "years.db");
    import_dataset(&db);
    let token = add_admin(&db, "chief", "the first passphrase");
    let auth = bearer(&token);
    let s = serve_plain(&db, &[]);
    // Warm: a year of the data, once each way.
    assert_eq!(status_of(&s.addr, "/api/v1/assessments/2019", &auth), 200);
    assert_eq!(
        status_of(
            &s.addr,
            "/api/v1/assessments/compare?from=2019&to=2020",
            &auth
        ),
        200
    );
    let idle = resident_kb(&s);
    for i in 0..2000 {
        let year = 3000 + i;
        let path = match i % 4 {
            0 => format!("/api/v1/assessments/{year}"),
            1 => format!("/api/v1/assessments/compare?from=2019&to={year}"),
            2 => format!("/api/v1/assessments/{year}/export.xlsx"),
            _ => format!(
                "/api/v1/pairings/CNTY-440101-450122/explain?year={year}&indicator=poor_employed"
            ),
        };
        let (st, body) = raw_request(&s.addr, "GET", &path, &auth, "");
        assert_eq!(st, 404, "{path}: {body}");
        if i == 0 {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["code"], "not_found", "{body}");
            assert!(body.contains("2017 to 2020"), "{body}");
        }
    }
    let (st, body) = raw_request(&s.addr, "POST", "/api/v1/assessments/1999/run", &auth, "");
    assert_eq!(st, 404, "{body}");
    let grown = resident_kb(&s).saturating_sub(idle);
    assert!(
        grown < MEMORY_BOUND_KB,
        "the server grew by {grown} KiB over {idle} KiB idle"
    );
    // The years of the data still answer.
    assert_eq!(status_of(&s.addr, "/api/v1/assessments/2020", &auth), 200);
}

/// Posts a JSON body of `size` bytes of `a` between `prefix` and
/// `suffix`, written from a thread of its own (the server may stop
/// reading); returns the status and how long the answer took.
fn oversized_post(
    addr: &str,
    path: &str,
    headers: &str,
    (prefix, size, suffix): (&str, usize, &'static str),
) -> (u16, Duration) {
    let mut s = TcpStream::connect(addr).unwrap();
    let started = Instant::now();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{prefix}",
        prefix.len() + size + suffix.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut w = s.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0;
        while sent < size {
            if w.write_all(&chunk).is_err() {
                return;
            }
            sent += chunk.len();
        }
        let _ = w.write_all(suffix.as_bytes());
    });
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    // The status line is enough; the server may close before the rest.
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let took = started.elapsed();
    let _ = s.shutdown(std::net::Shutdown::Both);
    writer.join().unwrap();
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, took)
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[test]
fn a_huge_sign_in_is_refused_quickly_and_nothing_unbounded_is_logged() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "huge.db");
    let token = add_admin(&db, "chief", "the first passphrase");
    let s = serve_plain(&db, &[]);
    // Settle the store files (WAL) with a first ordinary failed sign-in.
    assert_eq!(sign_in_request(&s.addr, "nobody", "x").0, 401);
    let before = dir_size(tmp.path());
    let (status, took) = oversized_post(
        &s.addr,
        "/api/v1/session",
        "",
        ("{\"login\":\"", 200 * 1024 * 1024, "\",\"password\":\"x\"}"),
    );
    assert_eq!(status, 413);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // A login under the body limit but long: refused, and logged cut short.
    let long = "登".repeat(2000);
    assert_eq!(sign_in_request(&s.addr, &long, "x").0, 401);
    let (st, body) = raw_request(&s.addr, "GET", "/api/v1/access-log", &bearer(&token), "");
    assert_eq!(st, 200, "{body}");
    assert!(body.len() < 64 * 1024, "{} bytes of access log", body.len());
    let log: Value = serde_json::from_str(&body).unwrap();
    let events = log["items"].as_array().cloned().unwrap_or_default();
    assert!(
        events.iter().any(|e| e["action"] == "login_failed"
            && e["actor"].as_str().unwrap_or("").starts_with("登登")),
        "{body}"
    );
    for e in &events {
        for field in ["actor", "origin", "detail"] {
            let n = e[field].as_str().unwrap_or("").chars().count();
            assert!(n <= 128, "{field} of {n} characters logged");
        }
    }
    // A one-record form is bounded too (what it saves is also audited).
    let (st, _) = oversized_post(
        &s.addr,
        "/api/v1/records/meetings",
        &bearer(&token),
        ("{\"meeting_id\":\"", 1024 * 1024, "\"}"),
    );
    assert_eq!(st, 413);
    if !db.is_postgres() {
        let grown = dir_size(tmp.path()).saturating_sub(before);
        assert!(grown < 64 * 1024, "the store grew by {grown} bytes");
    }
}

#[test]
fn half_sent_requests_are_closed_after_the_header_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "slow.db");
    add_admin(&db, "chief", "the first passphrase");
    let secs = HEADER_TIMEOUT.as_secs().to_string();
    let s = serve_plain(&db, &["--header-timeout", &secs]);
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut c = TcpStream::connect(&s.addr).unwrap();
            c.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .unwrap();
            c
        })
        .collect();
    // The server still answers others meanwhile.
    assert_eq!(status_of(&s.addr, "/api/v1/health", ""), 200);
    let deadline = started + HEADER_TIMEOUT + Duration::from_secs(8);
    for (i, c) in slow.iter_mut().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        c.set_read_timeout(Some(left.max(Duration::from_millis(10))))
            .unwrap();
        let mut rest = Vec::new();
        match c.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!(
                "connection {i} still open after {:?}: {e}",
                started.elapsed()
            ),
        }
    }
    assert!(started.elapsed() >= HEADER_TIMEOUT - Duration::from_millis(500));
    assert_eq!(status_of(&s.addr, "/api/v1/health", ""), 200);
}

#[test]
fn a_formula_in_a_failed_login_is_neutralised_in_the_audit_export() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "formula.db");
    import_dataset(&db);
    let token = add_admin(&db, "chief", "the first passphrase");
    let s = serve_plain(&db, &[]);
    let formula = "=HYPERLINK(\"http://evil.example/\",\"open\")";
    assert_eq!(sign_in_request(&s.addr, formula, "x").0, 401);
    assert_eq!(sign_in_request(&s.addr, "@SUM(1+1)", "x").0, 401);
    let (st, csv) = raw_request(
        &s.addr,
        "GET",
        "/api/v1/audit/export.csv",
        &bearer(&token),
        "",
    );
    assert_eq!(st, 200, "{csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"open\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(",'@SUM(1+1),"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '@', '+']),
                "a formula reaches the export: {line}"
            );
        }
    }
}

#[test]
fn connections_over_the_cap_wait_for_a_free_one() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "cap.db");
    add_admin(&db, "chief", "the first passphrase");
    // The limits are settings, shown with where they came from.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .args(db.db_args())
        .args(["config", "check"])
        .env("XIEZUO_MAX_CONNECTIONS", "4")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.contains("serve.max_connections")
            && l.contains("= 4")
            && l.contains("XIEZUO_MAX_CONNECTIONS")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("serve.header_timeout_secs") && l.contains("= 10")),
        "{text}"
    );
    let secs = HEADER_TIMEOUT.as_secs().to_string();
    let s = serve_plain(&db, &["--header-timeout", &secs, "--max-connections", "4"]);
    let started = Instant::now();
    let slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut c = TcpStream::connect(&s.addr).unwrap();
            c.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // A fifth waits until the half-sent ones are closed, then is served.
    assert_eq!(status_of(&s.addr, "/api/v1/health", ""), 200);
    assert!(
        started.elapsed() >= HEADER_TIMEOUT - Duration::from_millis(500),
        "served after {:?}, beside four open connections",
        started.elapsed()
    );
    drop(slow);
}
