//! Load driver of `bench/load.sh`: concurrent API clients, each on its own
//! keep-alive connection, mixing reads across the API with a share of record
//! saves (new rows and updates), for a fixed time. Prints per-class counts,
//! errors and latency percentiles as Markdown.
//!
//! ```text
//! cargo run --release -p xiezuo-web --example load -- --base http://127.0.0.1:8080 \
//!     --dataset DIR --admin-token TOKEN --office-token TOKEN \
//!     [--clients 200] [--seconds 60] [--write-share 0.05] [--office-share 0.25] \
//!     [--think-ms 0] [--seed 7]
//! ```
//!
//! `--dataset` is the directory the store was imported from: the driver picks
//! pairings, regions, projects and records from it (an office client only
//! those of its region). Every client sends its next request as soon as the
//! previous answer is in, or after a pause drawn uniformly from 0 to twice
//! `--think-ms`. Any answer that is not 2xx, and any save that is refused,
//! counts as an error.

use std::collections::BTreeMap;
use std::error::Error;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value as J, json};

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// Request classes and their weights (per 1000 requests) at the default
/// write share of 5%; read weights are scaled to the read share.
const READS: &[(&str, u32)] = &[
    ("overview", 100),
    ("pairings", 100),
    ("pairing", 150),
    ("explain", 100),
    ("ranking", 90),
    ("compare", 10),
    ("region", 150),
    ("project", 100),
    ("record", 80),
    ("audit", 70),
];
const WRITES: &[(&str, u32)] = &[
    ("save meeting (new)", 12),
    ("save meeting (update)", 10),
    ("save milestone (new)", 10),
    ("save milestone (update)", 10),
    ("save fund (new)", 8),
];

const INDICATORS: &[&str] = &[
    "poor_employed",
    "joint_meetings",
    "fiscal_disbursed",
    "on_time_rate",
    "poor_benefited",
    "trained_people",
    "purchases",
    "milestones_due",
];

struct Args {
    base: String,
    dataset: std::path::PathBuf,
    admin_token: String,
    office_token: String,
    clients: usize,
    seconds: u64,
    write_share: f64,
    office_share: f64,
    think_ms: u64,
    seed: u64,
}

fn args() -> Res<Args> {
    let mut m = BTreeMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let k = k
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {k}"))?
            .to_string();
        let v = it.next().ok_or_else(|| format!("--{k} needs a value"))?;
        m.insert(k, v);
    }
    let get = |k: &str| {
        m.get(k)
            .cloned()
            .ok_or_else(|| format!("--{k} is required"))
    };
    let num = |k: &str, d: &str| m.get(k).map_or(d.to_string(), Clone::clone);
    Ok(Args {
        base: get("base")?,
        dataset: get("dataset")?.into(),
        admin_token: get("admin-token")?,
        office_token: get("office-token")?,
        clients: num("clients", "200").parse()?,
        seconds: num("seconds", "60").parse()?,
        write_share: num("write-share", "0.05").parse()?,
        office_share: num("office-share", "0.25").parse()?,
        think_ms: num("think-ms", "0").parse()?,
        seed: num("seed", "7").parse()?,
    })
}

/// A small deterministic generator (xorshift64*), one per client.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    host: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(host: &str) -> Conn {
        Conn {
            host: host.to_string(),
            stream: None,
        }
    }

    /// Sends one request and reads the whole answer: (status, body).
    fn send(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> Res<(u16, Vec<u8>)> {
        let r = self.try_send(method, path, token, body);
        if r.is_err() {
            self.stream = None;
        }
        r
    }

    fn try_send(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> Res<(u16, Vec<u8>)> {
        if self.stream.is_none() {
            let s = TcpStream::connect(&self.host)?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(120)))?;
            self.stream = Some(BufReader::with_capacity(64 * 1024, s));
        }
        let Some(r) = self.stream.as_mut() else {
            return Err("no connection".into());
        };
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\n",
            self.host
        );
        if let Some(b) = body {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        r.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        r.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if r.read_line(&mut line)? == 0 {
                return Err("connection closed in headers".into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
                match k.as_str() {
                    "content-length" => length = Some(v.parse::<usize>()?),
                    "transfer-encoding" => chunked = v.contains("chunked"),
                    "connection" => close = v == "close",
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        if chunked {
            loop {
                line.clear();
                r.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)?;
                let mut chunk = vec![0; n + 2];
                r.read_exact(&mut chunk)?;
                chunk.truncate(n);
                out.extend_from_slice(&chunk);
                if n == 0 {
                    break;
                }
            }
        } else if let Some(n) = length {
            out.resize(n, 0);
            r.read_exact(&mut out)?;
        } else {
            r.read_to_end(&mut out)?;
            close = true;
        }
        if close {
            self.stream = None;
        }
        Ok((status, out))
    }
}

/// What one kind of client works on.
#[derive(Default)]
struct Scope {
    token: String,
    pairings: Vec<String>,
    /// Pairings active in at least one year (explain needs one).
    assessed: Vec<String>,
    regions: Vec<String>,
    projects: Vec<(String, String)>,
    /// Milestone rows (project_id, seq, name, due_date, done_date, responsible).
    milestones: Vec<Vec<String>>,
    /// Meeting rows (meeting_id, pairing_id, date, kind, top_leader).
    meetings: Vec<Vec<String>>,
    funds: Vec<String>,
}

struct Plan {
    years: Vec<i32>,
    /// The years each pairing is active in (the years it is assessed).
    active: std::collections::HashMap<String, Vec<i32>>,
    latest: i32,
    admin: Scope,
    office: Scope,
    run: String,
}

fn rows(dir: &std::path::Path, file: &str) -> Res<Vec<Vec<String>>> {
    let mut r = csv::Reader::from_path(dir.join(file))?;
    let mut out = Vec::new();
    for rec in r.records() {
        out.push(rec?.iter().map(str::to_string).collect());
    }
    Ok(out)
}

/// The code prefix a region covers (province 2 digits, prefecture 4, …).
fn prefix(code: &str) -> &str {
    for n in [2, 4, 6, 9] {
        if code.len() == 12 && code[n..].bytes().all(|b| b == b'0') {
            return &code[..n];
        }
    }
    code
}

fn get_json(conn: &mut Conn, path: &str, token: &str) -> Res<J> {
    let (status, body) = conn.send("GET", path, token, None)?;
    if status != 200 {
        return Err(format!("GET {path}: {status} {}", String::from_utf8_lossy(&body)).into());
    }
    Ok(serde_json::from_slice(&body)?)
}

fn plan(a: &Args, host: &str) -> Res<Plan> {
    let mut c = Conn::new(host);
    let overview = get_json(&mut c, "/api/v1/overview", &a.admin_token)?;
    let years: Vec<i32> = overview["totals"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|y| y["year"].as_i64())
                .map(|y| y as i32)
                .collect()
        })
        .unwrap_or_default();
    let latest = overview["latest_year"]
        .as_i64()
        .ok_or("the overview has no latest year")? as i32;
    let me = get_json(&mut c, "/api/v1/session", &a.office_token)?;
    let office_region = me["region"]
        .as_str()
        .ok_or("the office token's account has no region")?
        .to_string();
    let office_pairings: Vec<String> =
        get_json(&mut c, "/api/v1/pairings?per_page=500", &a.office_token)?["items"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|p| p["pairing_id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
    if office_pairings.is_empty() {
        return Err(format!("the office of {office_region} is party to no pairing").into());
    }
    let d = &a.dataset;
    let in_office = |p: &str| office_pairings.iter().any(|x| x == p);
    let pre = prefix(&office_region).to_string();
    let regions = rows(d, "regions.csv")?;
    let projects = rows(d, "projects.csv")?;
    let milestones = rows(d, "milestones.csv")?;
    let meetings = rows(d, "meetings.csv")?;
    let funds = rows(d, "funds.csv")?;
    let pairings = rows(d, "pairings.csv")?;
    let mut admin = Scope {
        token: a.admin_token.clone(),
        pairings: pairings.iter().map(|r| r[0].clone()).collect(),
        // Registry pages of counties, townships and villages.
        regions: regions
            .iter()
            .filter(|r| matches!(r[2].as_str(), "county" | "township" | "village"))
            .map(|r| r[0].clone())
            .collect(),
        projects: projects
            .iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect(),
        milestones: milestones.clone(),
        meetings: meetings.clone(),
        funds: funds
            .iter()
            .filter(|r| !r[3].is_empty())
            .map(|r| r[0].clone())
            .collect(),
        ..Scope::default()
    };
    let office = Scope {
        token: a.office_token.clone(),
        pairings: office_pairings.clone(),
        regions: admin
            .regions
            .iter()
            .filter(|c| c.starts_with(&pre))
            .cloned()
            .collect(),
        projects: admin
            .projects
            .iter()
            .filter(|(_, p)| in_office(p))
            .cloned()
            .collect(),
        milestones: Vec::new(),
        assessed: Vec::new(),
        meetings: meetings
            .iter()
            .filter(|r| in_office(&r[1]))
            .cloned()
            .collect(),
        funds: funds
            .iter()
            .filter(|r| !r[3].is_empty() && in_office(&r[2]))
            .map(|r| r[0].clone())
            .collect(),
    };
    let office_projects: std::collections::HashSet<&str> =
        office.projects.iter().map(|(p, _)| p.as_str()).collect();
    let office = Scope {
        milestones: milestones
            .iter()
            .filter(|r| office_projects.contains(r[0].as_str()))
            .cloned()
            .collect(),
        ..office
    };
    for (name, s) in [("admin", &admin), ("office", &office)] {
        if s.regions.is_empty()
            || s.projects.is_empty()
            || s.milestones.is_empty()
            || s.meetings.is_empty()
            || s.funds.is_empty()
        {
            return Err(format!("the {name} clients have nothing to work on").into());
        }
    }
    admin.token = a.admin_token.clone();
    let year_of = |d: &str| d.get(..4).and_then(|y| y.parse::<i32>().ok());
    let active: std::collections::HashMap<String, Vec<i32>> = pairings
        .iter()
        .map(|r| {
            let from = year_of(&r[5]).unwrap_or(i32::MIN);
            let to = year_of(&r[6]).unwrap_or(i32::MAX);
            let ys = years
                .iter()
                .copied()
                .filter(|y| (from..=to).contains(y))
                .collect();
            (r[0].clone(), ys)
        })
        .collect();
    let run = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
            % 0x100_0000
    );
    let assessed = |s: &mut Scope| {
        s.assessed = s
            .pairings
            .iter()
            .filter(|p| active.get(*p).is_some_and(|ys| !ys.is_empty()))
            .cloned()
            .collect();
    };
    assessed(&mut admin);
    let mut office = office;
    assessed(&mut office);
    Ok(Plan {
        years,
        active,
        latest,
        admin,
        office,
        run,
    })
}

fn enc(s: &str) -> String {
    s.replace('/', "%2F")
}

/// One request of a class: (method, path, body).
fn request(
    class: &str,
    p: &Plan,
    s: &Scope,
    rng: &mut Rng,
    client: usize,
    n: &mut u64,
) -> (&'static str, String, Option<String>) {
    let year = *rng.pick(&p.years);
    match class {
        "overview" => ("GET", "/api/v1/overview".into(), None),
        "pairings" => {
            let level = rng.pick(&["", "&level=county", "&level=province", "&q=4"]);
            (
                "GET",
                format!(
                    "/api/v1/pairings?per_page=50&page={}{level}",
                    1 + rng.below(3)
                ),
                None,
            )
        }
        "pairing" => (
            "GET",
            format!("/api/v1/pairings/{}", rng.pick(&s.pairings)),
            None,
        ),
        "explain" => {
            let pairing = rng.pick(&s.assessed);
            let year = match p.active.get(pairing) {
                Some(ys) if !ys.is_empty() => *rng.pick(ys),
                _ => p.latest,
            };
            (
                "GET",
                format!(
                    "/api/v1/pairings/{pairing}/explain?year={year}&indicator={}&per_page=50",
                    rng.pick(INDICATORS)
                ),
                None,
            )
        }
        "ranking" => {
            let f = rng.pick(&[
                "",
                "?side=west",
                "?side=east",
                "?grade=good",
                "?sort=pairing",
            ]);
            ("GET", format!("/api/v1/assessments/{year}{f}"), None)
        }
        "compare" => (
            "GET",
            format!(
                "/api/v1/assessments/compare?from={}&to={}",
                p.latest - 1,
                p.latest
            ),
            None,
        ),
        "region" => (
            "GET",
            format!(
                "/api/v1/regions/{}?per_page=20&page={}",
                rng.pick(&s.regions),
                1 + rng.below(2)
            ),
            None,
        ),
        "project" => (
            "GET",
            format!("/api/v1/projects/{}", rng.pick(&s.projects).0),
            None,
        ),
        "record" | "audit" => {
            let (kind, key) = match rng.below(3) {
                0 => {
                    let m = rng.pick(&s.milestones);
                    ("milestones", format!("{}/{}", m[0], m[1]))
                }
                1 => ("meetings", rng.pick(&s.meetings)[0].clone()),
                _ => ("funds", rng.pick(&s.funds).clone()),
            };
            let tail = if class == "audit" { "/audit" } else { "" };
            (
                "GET",
                format!("/api/v1/records/{kind}/{}{tail}", enc(&key)),
                None,
            )
        }
        _ => {
            *n += 1;
            let id = format!("LD{}-{client}-{n}", p.run);
            let day = 1 + rng.below(28);
            let month = 1 + rng.below(12);
            let date = format!("{}-{month:02}-{day:02}", p.latest);
            let (kind, body) = match class {
                "save meeting (new)" => (
                    "meetings",
                    json!({ "meeting_id": id, "pairing_id": rng.pick(&s.pairings), "date": date,
                        "kind": rng.pick(&["joint_meeting", "visit_to_west", "visit_to_east"]),
                        "top_leader": rng.pick(&["0", "1"]) }),
                ),
                "save meeting (update)" => {
                    let m = rng.pick(&s.meetings);
                    (
                        "meetings",
                        json!({ "meeting_id": m[0], "pairing_id": m[1], "date": m[2], "kind": m[3],
                            "top_leader": if n.is_multiple_of(2) { "0" } else { "1" } }),
                    )
                }
                "save milestone (new)" => {
                    let (project, _) = rng.pick(&s.projects);
                    (
                        "milestones",
                        json!({ "project_id": project, "seq": (1_000_000 + client as u64 * 10_000 + *n).to_string(),
                            "name": "负载节点", "due_date": date, "responsible": "张伟" }),
                    )
                }
                "save milestone (update)" => {
                    let m = rng.pick(&s.milestones);
                    (
                        "milestones",
                        json!({ "project_id": m[0], "seq": m[1], "name": m[2], "due_date": m[3], "done_date": m[4],
                            "responsible": rng.pick(&["王建国", "李娜", "张伟", "刘洋"]) }),
                    )
                }
                _ => {
                    let (project, pairing) = rng.pick(&s.projects);
                    (
                        "funds",
                        json!({ "txn_id": id, "date": date, "pairing_id": pairing, "project_id": project,
                            "source": "fiscal", "kind": "disbursement", "amount": format!("{}.{:02}", 1000 + rng.below(90_000), rng.below(100)) }),
                    )
                }
            };
            (
                "POST",
                format!("/api/v1/records/{kind}"),
                Some(body.to_string()),
            )
        }
    }
}

/// One finished request.
struct Sample {
    class: u8,
    /// Microseconds since the start of the run, at the answer.
    at_us: u64,
    latency_us: u32,
    ok: bool,
}

fn classes() -> Vec<&'static str> {
    READS.iter().chain(WRITES).map(|(c, _)| *c).collect()
}

/// What every client shares.
struct Run {
    plan: Plan,
    host: String,
    /// (class, weight)
    weights: Vec<(usize, u32)>,
    start: Instant,
    end: Instant,
    think_ms: u64,
    seed: u64,
}

fn run_client(r: &Run, i: usize, office: bool) -> (Vec<Sample>, Vec<String>) {
    let (p, weights, start, end) = (&r.plan, &r.weights, r.start, r.end);
    let names = classes();
    let s = if office { &p.office } else { &p.admin };
    let mut rng = Rng(r.seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let total: u32 = weights.iter().map(|w| w.1).sum();
    let mut conn = Conn::new(&r.host);
    let mut samples = Vec::new();
    let mut errors = Vec::new();
    let mut n = 0;
    while Instant::now() < end {
        if r.think_ms > 0 {
            let pause = rng.next() % (2 * r.think_ms + 1);
            std::thread::sleep(Duration::from_millis(pause));
            if Instant::now() >= end {
                break;
            }
        }
        let mut x = (rng.next() % u64::from(total.max(1))) as u32;
        let class = weights
            .iter()
            .find(|(_, w)| {
                if x < *w {
                    true
                } else {
                    x -= w;
                    false
                }
            })
            .map_or(0, |w| w.0);
        let (method, path, body) = request(names[class], p, s, &mut rng, i, &mut n);
        let t0 = Instant::now();
        let r = conn.send(method, &path, &s.token, body.as_deref());
        let t1 = Instant::now();
        let ok = match &r {
            Ok((status, b)) if (200..300).contains(status) => {
                // A save must be stored; a refused row is an error too.
                method != "POST"
                    || serde_json::from_slice::<J>(b).is_ok_and(|v| v["saved"] == json!(true))
            }
            _ => false,
        };
        if !ok && errors.len() < 20 {
            let what = match &r {
                Ok((status, b)) => format!(
                    "{status} {}",
                    String::from_utf8_lossy(&b[..b.len().min(300)])
                ),
                Err(e) => e.to_string(),
            };
            errors.push(format!("{method} {path}: {what}"));
        }
        samples.push(Sample {
            class: class as u8,
            at_us: t1.duration_since(start).as_micros() as u64,
            latency_us: t1.duration_since(t0).as_micros().min(u128::from(u32::MAX)) as u32,
            ok,
        });
    }
    (samples, errors)
}

fn pct(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    f64::from(sorted[i]) / 1000.0
}

fn row(name: &str, mut lat: Vec<u32>, errors: usize, secs: f64) -> String {
    lat.sort_unstable();
    format!(
        "| {name} | {} | {:.1} | {errors} | {:.1} | {:.1} | {:.1} | {:.1} |",
        lat.len(),
        lat.len() as f64 / secs,
        pct(&lat, 0.50),
        pct(&lat, 0.95),
        pct(&lat, 0.99),
        lat.last().map_or(0.0, |&m| f64::from(m) / 1000.0)
    )
}

fn main() -> Res<()> {
    let a = args()?;
    let host = a
        .base
        .strip_prefix("http://")
        .ok_or("--base must be http://HOST:PORT")?
        .trim_end_matches('/')
        .to_string();
    let p = plan(&a, &host)?;
    let names = classes();
    let read_scale = (1.0 - a.write_share) / 0.95;
    let write_scale = a.write_share / 0.05;
    let weights: Vec<(usize, u32)> = READS
        .iter()
        .map(|(_, w)| (f64::from(*w) * read_scale * 100.0).round() as u32)
        .chain(
            WRITES
                .iter()
                .map(|(_, w)| (f64::from(*w) * write_scale * 100.0).round() as u32),
        )
        .enumerate()
        .collect();
    // Warm up: one request of each read class from each kind of client, so
    // the figures are those of a running server, not of its first requests.
    let mut warm = Conn::new(&host);
    for s in [&p.admin, &p.office] {
        let mut rng = Rng(a.seed | 1);
        for (c, _) in READS {
            let (m, path, _) = request(c, &p, s, &mut rng, 0, &mut 0);
            let (status, _) = warm.send(m, &path, &s.token, None)?;
            if status != 200 {
                return Err(format!("warm-up {path}: {status}").into());
            }
        }
    }
    let offices = (a.clients as f64 * a.office_share).round() as usize;
    eprintln!(
        "{} clients ({offices} office, {} admin) for {} s, writes {:.1}%, think time {} ms, run tag {}",
        a.clients,
        a.clients - offices,
        a.seconds,
        a.write_share * 100.0,
        a.think_ms,
        p.run
    );
    let start = Instant::now();
    let run = Arc::new(Run {
        plan: p,
        host,
        weights,
        start,
        end: start + Duration::from_secs(a.seconds),
        think_ms: a.think_ms,
        seed: a.seed,
    });
    let handles: Vec<_> = (0..a.clients)
        .map(|i| {
            let run = run.clone();
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || run_client(&run, i, i < offices))
        })
        .collect::<Result<_, _>>()?;
    let mut samples = Vec::new();
    let mut errors = Vec::new();
    for h in handles {
        let (s, e) = h.join().map_err(|_| "a client panicked")?;
        samples.extend(s);
        errors.extend(e);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "| class | requests | per s | errors | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    let nreads = READS.len();
    for (ci, name) in names.iter().enumerate() {
        let lat: Vec<u32> = samples
            .iter()
            .filter(|s| s.class as usize == ci)
            .map(|s| s.latency_us)
            .collect();
        let errs = samples
            .iter()
            .filter(|s| s.class as usize == ci && !s.ok)
            .count();
        println!("{}", row(name, lat, errs, secs));
    }
    for (name, f) in [
        (
            "all reads",
            &(|c: usize| c < nreads) as &dyn Fn(usize) -> bool,
        ),
        ("all writes", &|c: usize| c >= nreads),
        ("**all**", &|_| true),
    ] {
        let sel: Vec<&Sample> = samples.iter().filter(|s| f(s.class as usize)).collect();
        let errs = sel.iter().filter(|s| !s.ok).count();
        println!(
            "{}",
            row(name, sel.iter().map(|s| s.latency_us).collect(), errs, secs)
        );
    }
    // Over time: 5-second windows, to show stalls (e.g. around rebuilds).
    eprintln!("window  requests  p99 ms  max ms  over 200 ms");
    let windows = (secs / 5.0).ceil() as u64;
    for w in 0..windows {
        let mut lat: Vec<u32> = samples
            .iter()
            .filter(|s| s.at_us / 5_000_000 == w)
            .map(|s| s.latency_us)
            .collect();
        lat.sort_unstable();
        let slow = lat.iter().filter(|&&l| l > 200_000).count();
        eprintln!(
            "{:>3}-{:<3} {:>9} {:>7.1} {:>7.1} {:>12}",
            w * 5,
            w * 5 + 5,
            lat.len(),
            pct(&lat, 0.99),
            lat.last().map_or(0.0, |&m| f64::from(m) / 1000.0),
            slow
        );
    }
    let total_errors = samples.iter().filter(|s| !s.ok).count();
    for e in errors.iter().take(20) {
        eprintln!("error: {e}");
    }
    let mut all: Vec<u32> = samples.iter().map(|s| s.latency_us).collect();
    all.sort_unstable();
    eprintln!(
        "{} requests in {secs:.1} s ({:.0}/s), {total_errors} errors, p99 {:.1} ms",
        all.len(),
        all.len() as f64 / secs,
        pct(&all, 0.99)
    );
    Ok(())
}
