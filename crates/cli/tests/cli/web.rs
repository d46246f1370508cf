//! The web platform as a client sees it: the real binary serving a
//! temporary store on a free loopback port, asked over HTTP.

use crate::support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    pub addr: String,
}

/// API tokens by server address: requests to a server started by `serve`
/// carry its administrator's token unless they say otherwise.
static TOKENS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

fn token_of(addr: &str) -> Option<String> {
    TOKENS
        .lock()
        .unwrap()
        .iter()
        .find(|(a, _)| a == addr)
        .map(|(_, t)| t.clone())
}

/// Adds an account (random password) and returns an API token for it.
pub fn account_token<D: DbArgs + ?Sized>(db: &D, login: &str, role_args: &[&str]) -> String {
    let mut args = vec!["user", "add", login];
    args.extend_from_slice(role_args);
    let r = xiezuo(db, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = xiezuo(db, &["user", "token", login]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}

impl Server {
    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve<D: DbArgs + ?Sized>(db: &D, extra: &[&str]) -> Server {
    let users = xiezuo(db, &["user", "list"]);
    let token = if users
        .stdout
        .lines()
        .any(|l| l.split('\t').nth(1) == Some("tester"))
    {
        None
    } else {
        Some(account_token(
            db,
            "tester",
            &["--role", "admin", "--personal-data"],
        ))
    };
    let server = serve_plain(db, extra);
    if let Some(t) = token {
        TOKENS.lock().unwrap().push((server.addr.clone(), t));
    }
    server
}

/// Starts the server without adding an account.
pub fn serve_plain<D: DbArgs + ?Sized>(db: &D, extra: &[&str]) -> Server {
    serve_with_env(db, extra, &[])
}

/// `serve_plain` with further environment variables for the server.
pub fn serve_with_env<D: DbArgs + ?Sized>(db: &D, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .args(db.db_args())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    Server { child, addr }
}

/// A plain HTTP/1.1 GET: (status, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    request(addr, "GET", path)
}

/// A plain HTTP/1.1 request without a body: (status, body).
fn request(addr: &str, method: &str, path: &str) -> (u16, String) {
    let auth = token_of(addr)
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    raw_request(addr, method, path, &auth, "")
}

/// A request with extra header lines (each ending in CRLF) and a body.
pub fn raw_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String) {
    let (status, _, body) = raw_exchange(addr, method, path, headers, body);
    (status, body)
}

/// A JSON request with a bearer token ("" for none): (status, head, body).
pub fn api_call(
    addr: &str,
    token: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String, String) {
    let auth = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    let headers = format!("{auth}Content-Type: application/json\r\n");
    raw_exchange(addr, method, path, &headers, body)
}

/// [`api_call`] with the body read as JSON (null when it is not).
pub fn api_json(
    addr: &str,
    token: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let (st, _, b) = api_call(addr, token, method, path, body);
    (
        st,
        serde_json::from_str(&b).unwrap_or(serde_json::Value::Null),
    )
}

/// A request: (status, response head, body).
pub fn raw_exchange(
    addr: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, head.to_string(), body)
}

/// A GET whose body is binary (a download with a Content-Length): (status, bytes).
fn get_bytes(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let auth = token_of(addr)
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, raw[at + 4..].to_vec())
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((len, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(len.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

fn json(addr: &str, path: &str) -> serde_json::Value {
    let (status, body) = get(addr, path);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn the_api_serves_the_assessment_and_the_records_behind_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "w.db");
    assert_eq!(
        xiezuo(
            &db,
            &["import", data_dir().join("dataset").to_str().unwrap()]
        )
        .code,
        0
    );
    // A second method an assessor may choose: everyone is good under it.
    let methods = tmp.path().join("methods");
    std::fs::create_dir_all(&methods).unwrap();
    let v1 = std::fs::read_to_string(data_dir().join("../../methods/xz-v1.toml")).unwrap();
    std::fs::write(
        methods.join("lenient.toml"),
        v1.replace("id = \"xz-v1\"", "id = \"lenient\"")
            .replace("min = 90", "min = 0"),
    )
    .unwrap();
    let s = serve(&db, &["--methods-dir", methods.to_str().unwrap()]);
    let m = json(&s.addr, "/api/v1/methods");
    assert_eq!(m["methods"].as_array().unwrap().len(), 2);
    let lenient = json(&s.addr, "/api/v1/assessments/2019?method=lenient");
    assert!(
        lenient["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["grade"] == "good")
    );
    assert_eq!(get(&s.addr, "/api/v1/assessments/2019?method=nope").0, 400);

    let o = json(&s.addr, "/api/v1/overview");
    assert_eq!(o["latest_year"], 2020);
    assert_eq!(o["totals"].as_array().unwrap().len(), 4, "2017-2020");
    assert!(
        o["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["helper"] == "440000" && l["helped"] == "450000")
    );

    // The ranking carries the conformance scores.
    let r = json(&s.addr, "/api/v1/assessments/2019?side=west&sort=pairing");
    let row = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["pairing_id"] == "CNTY-310183-530121")
        .unwrap();
    assert_eq!(row["total"], 90.49);
    assert_eq!(row["grade"], "good");
    let goods = json(&s.addr, "/api/v1/assessments/2019?grade=good");
    assert!(
        goods["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["grade"] == "good")
    );

    // A pairing page: tree, indicators and the records behind a number.
    let p = json(&s.addr, "/api/v1/pairings/PROV-31-53");
    let tree = p["tree"]["children"].as_array().unwrap();
    assert!(
        tree.iter().any(|c| c["pairing_id"] == "PREF-3101-5301"),
        "{tree:?}"
    );
    let y2019 = p["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2019)
        .unwrap();
    assert_eq!(y2019["indicators"].as_array().unwrap().len(), 28);
    let e = json(
        &s.addr,
        "/api/v1/pairings/CNTY-310102-530122/explain?year=2019&indicator=milestones_due&per_page=10&page=2",
    );
    assert_eq!(e["value"], "16");
    assert_eq!(e["total"], 16);
    assert_eq!(e["items"].as_array().unwrap().len(), 6);

    // Lists filter and paginate.
    let l = json(&s.addr, "/api/v1/pairings?level=county&per_page=5");
    assert_eq!(l["items"].as_array().unwrap().len(), 5);
    assert!(l["total"].as_u64().unwrap() >= 10);

    // Comparing two years, and the downloads.
    let c = json(&s.addr, "/api/v1/assessments/compare?from=2019&to=2020");
    let row = c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["pairing_id"] == "CNTY-310183-530121" && x["side"] == "west")
        .unwrap();
    assert_eq!(row["from_total"], 90.49);
    let (status, body) = get(&s.addr, "/api/v1/assessments/2019/export.xlsx");
    assert_eq!(status, 200);
    assert!(body.starts_with("PK"), "an XLSX (zip) file");
    // The export is the ranking as the page filters it, in Chinese.
    let (status, bytes) = get_bytes(
        &s.addr,
        "/api/v1/assessments/2019/export.xlsx?side=west&grade=good",
    );
    assert_eq!(status, 200);
    let sheet = xiezuo_exchange::xlsx::read_first_sheet_from(std::io::Cursor::new(bytes))
        .unwrap()
        .rows;
    assert_eq!(
        &sheet[0].fields[..4],
        ["排名", "结对", "结对编号", "考核对象"]
    );
    assert!(sheet.len() > 1);
    for r in &sheet[1..] {
        assert_eq!(r.fields[3], "西部受帮扶方", "{:?}", r.fields);
        assert_eq!(r.fields.last().unwrap(), "好", "{:?}", r.fields);
        assert!(r.fields[1].contains('—'), "{:?}", r.fields);
    }
    let (status, body) = get(&s.addr, "/api/v1/templates/projects.xlsx");
    assert_eq!(status, 200);
    assert!(body.starts_with("PK"));
    assert_eq!(get(&s.addr, "/api/v1/templates/nonsense.xlsx").0, 404);

    // A region: its registry with masked identity numbers and names.
    let r = json(&s.addr, "/api/v1/regions/450121101201?per_page=2");
    assert_eq!(r["region"]["level"], "village");
    let h = &r["households"]["items"][0];
    assert_eq!(h["household_id"], "H00000001");
    assert_eq!(h["members"][0]["id_number"], "4501**********4277");
    assert_eq!(h["members"][0]["name"], "吕**");
    assert!(
        !serde_json::to_string(&r)
            .unwrap()
            .contains("450121196001184277"),
        "no full identity number"
    );
    assert!(
        r["status"]
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["year"] == 2019 && y["poor_at_start"].as_i64().unwrap() > 0)
    );
    // A project: funds against budget, milestones with late ones marked.
    let p = json(&s.addr, "/api/v1/projects/XM2019-000223");
    assert!(
        p["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["seq"] == 4 && m["late"] == true)
    );
    assert!(p["funds"]["disbursed"].as_f64().is_some());

    // Running an assessment is a background job with progress.
    let (status, body) = request(&s.addr, "POST", "/api/v1/assessments/2018/run");
    assert_eq!(status, 202, "{body}");
    let job: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = job["job"].as_str().unwrap().to_string();
    let mut done = serde_json::Value::Null;
    for _ in 0..200 {
        let j = json(&s.addr, &format!("/api/v1/jobs/{id}"));
        if j["state"] == "done" {
            done = j;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(done["progress"], 1.0);
    let ranking = json(&s.addr, "/api/v1/assessments/2018");
    let sides = ranking["rows"].as_array().unwrap().len() as u64;
    assert_eq!(
        done["result"]["pairings"].as_u64().unwrap() * 2,
        sides,
        "every active pairing, both sides"
    );

    // Errors have stable codes.
    let (status, body) = get(&s.addr, "/api/v1/pairings/NO-SUCH");
    assert_eq!(status, 404);
    assert!(body.contains("\"code\":\"not_found\""), "{body}");
    let (status, body) = get(
        &s.addr,
        "/api/v1/pairings/PROV-31-53/explain?year=2019&indicator=nonsense",
    );
    assert_eq!(status, 400);
    assert!(body.contains("\"code\":\"bad_request\""), "{body}");

    // The OpenAPI document names every path; the UI and its assets come from the binary.
    let spec = json(&s.addr, "/api/openapi.json");
    for path in [
        "/api/v1/overview",
        "/api/v1/pairings",
        "/api/v1/pairings/{id}",
        "/api/v1/pairings/{id}/explain",
        "/api/v1/assessments/{year}",
    ] {
        assert!(spec["paths"][path].is_object(), "{path}");
    }
    // Security headers on every answer; HSTS only when reached over TLS.
    let (_, head, _) = raw_exchange(&s.addr, "GET", "/api/v1/health", "", "");
    let head = head.to_ascii_lowercase();
    assert!(
        head.contains("content-security-policy: default-src 'self'"),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"));
    assert!(head.contains("x-frame-options: deny"));
    assert!(!head.contains("strict-transport-security"));
    let (_, head, _) = raw_exchange(&s.addr, "GET", "/", "X-Forwarded-Proto: https\r\n", "");
    assert!(
        head.to_ascii_lowercase()
            .contains("strict-transport-security: max-age="),
        "{head}"
    );
    // An empty level filters nothing; a province's name finds its pairings
    // at every level.
    let all = json(&s.addr, "/api/v1/pairings");
    assert!(all["total"].as_u64().unwrap() > 0);
    assert_eq!(
        json(&s.addr, "/api/v1/pairings?level=&q=")["total"],
        all["total"]
    );
    let gx = json(
        &s.addr,
        "/api/v1/pairings?per_page=500&q=%E5%B9%BF%E8%A5%BF",
    );
    let ids: Vec<&str> = gx["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pairing_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"PROV-44-45"), "{ids:?}");
    assert!(
        ids.iter().any(|id| !id.starts_with("PROV")),
        "pairings below the province: {ids:?}"
    );
    // One search box: regions, pairings, projects and organisations.
    let found = json(&s.addr, "/api/v1/search?q=%E5%B9%BF%E8%A5%BF");
    let kinds: Vec<&str> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"region") && kinds.contains(&"pairing"),
        "{found}"
    );
    let project = json(&s.addr, "/api/v1/search?q=XM2017-000001");
    assert_eq!(project["results"][0]["kind"], "project", "{project}");
    // Answers documented by a wire type are exactly that type: read into it
    // and written back, nothing is lost or added.
    fn exactly<T: serde::de::DeserializeOwned + serde::Serialize>(v: &serde_json::Value) {
        let typed: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
        assert_eq!(&serde_json::to_value(typed).unwrap(), v);
    }
    exactly::<xiezuo_api::Health>(&json(&s.addr, "/api/v1/health"));
    exactly::<xiezuo_api::CallerBody>(&json(&s.addr, "/api/v1/session"));
    let ranking = json(&s.addr, "/api/v1/assessments/2019");
    assert!(!ranking["rows"].as_array().unwrap().is_empty());
    exactly::<xiezuo_api::RankingBody>(&ranking);
    exactly::<xiezuo_api::RankingBody>(&json(
        &s.addr,
        "/api/v1/assessments/2019?side=west&sort=pairing",
    ));
    exactly::<xiezuo_api::StationBody>(&json(&s.addr, "/api/v1/labour/station?date=2020-06-30"));
    let (_, body) = get(&s.addr, "/api/v1/pairings/NOPE");
    exactly::<xiezuo_api::ErrorBody>(&serde_json::from_str(&body).unwrap());
    // Prefecture and county boundaries by division code.
    let (_, gx) = get(&s.addr, "/map/450000.geojson");
    assert!(
        gx.contains("\"code\":\"450100\""),
        "Guangxi's prefectures include Nanning"
    );
    assert_eq!(get(&s.addr, "/map/999999.geojson").0, 404);
    let (status, html) = get(&s.addr, "/");
    assert_eq!(status, 200);
    assert!(html.contains("东西部协作"));
    for asset in [
        "/assets/app.js",
        "/assets/app.css",
        "/assets/echarts.min.js",
        "/map/100000.geojson",
    ] {
        assert_eq!(get(&s.addr, asset).0, 200, "{asset}");
    }
}
