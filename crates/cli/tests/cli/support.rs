//! Helpers: run the binary, copy and edit datasets, compare outputs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The server that every test store lives on instead of an SQLite file,
/// when `XIEZUO_TEST_POSTGRES` names one (`postgres://USER@HOST:PORT`).
pub fn postgres_server() -> Option<String> {
    std::env::var("XIEZUO_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
}

/// The store of one test: the SQLite file `dir/file`, or, when
/// `XIEZUO_TEST_POSTGRES` is set, a new PostgreSQL database of its own on
/// that server (dropped at the end), with its key file at `dir/file.key`.
/// It displays as its `--db` value.
pub struct TestDb {
    arg: String,
    path: PathBuf,
    key: PathBuf,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub fn new(dir: &Path, file: &str) -> TestDb {
        let path = dir.join(file);
        let key = dir.join(format!("{file}.key"));
        let Some(server) = postgres_server() else {
            return TestDb {
                arg: path.display().to_string(),
                path,
                key,
                postgres: None,
            };
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let stem: String = file
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let name = format!(
            "xiezuo_t_{}_{}_{stem}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let url = xiezuo_store_postgres::create_database(&server, &name)
            .unwrap_or_else(|e| panic!("creating test database {name} on {server}: {e}"));
        TestDb {
            arg: url,
            path,
            key,
            postgres: Some((server, name)),
        }
    }

    /// True when the store is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl std::fmt::Display for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.arg)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres {
            let _ = xiezuo_store_postgres::drop_database(server, name);
        }
    }
}

/// What selects a store on the command line: a path (an SQLite file) or
/// a `TestDb`.
pub trait DbArgs {
    fn db_args(&self) -> Vec<OsString>;
}

impl DbArgs for Path {
    fn db_args(&self) -> Vec<OsString> {
        vec!["--db".into(), self.into()]
    }
}

impl DbArgs for PathBuf {
    fn db_args(&self) -> Vec<OsString> {
        self.as_path().db_args()
    }
}

impl DbArgs for TestDb {
    fn db_args(&self) -> Vec<OsString> {
        if self.is_postgres() {
            // A server store has no key file beside it.
            vec![
                "--db".into(),
                (&self.arg).into(),
                "--key-file".into(),
                (&self.key).into(),
            ]
        } else {
            self.path.db_args()
        }
    }
}

/// Runs `xiezuo --db DB ARGS…`.
pub fn xiezuo<D: DbArgs + ?Sized>(db: &D, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_xiezuo"))
        .args(db.db_args())
        .args(args)
        .env("XIEZUO_ACTOR", "test-runner")
        .output()
        .expect("run xiezuo");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Imports the repository's test dataset (`tests/data/dataset`) into `db`.
pub fn import_test_dataset<D: DbArgs + ?Sized>(db: &D) {
    let r = xiezuo(
        db,
        &["import", data_dir().join("dataset").to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `xiezuo assess --year YEAR --out OUT`, which must succeed; its run.
pub fn assess_into<D: DbArgs + ?Sized>(db: &D, year: &str, out: &Path) -> Run {
    let r = xiezuo(
        db,
        &["assess", "--year", year, "--out", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// `xiezuo round advance --year YEAR --to TO --reason REASON`, which must succeed.
pub fn advance_round<D: DbArgs + ?Sized>(db: &D, year: &str, to: &str, reason: &str) {
    let r = xiezuo(
        db,
        &[
            "round", "advance", "--year", year, "--to", to, "--reason", reason,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `xiezuo sample --year YEAR --seed SEED --out OUT`, which must succeed.
pub fn draw_sample<D: DbArgs + ?Sized>(db: &D, year: &str, seed: &str, out: &Path) {
    let r = xiezuo(
        db,
        &[
            "sample",
            "--year",
            year,
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Opens the round of `year`, moves it to its self-evaluation step and
/// freezes its data, through the command line.
pub fn freeze_round<D: DbArgs + ?Sized>(db: &D, year: &str) {
    for args in [
        &["round", "open", "--year", year][..],
        &[
            "round",
            "advance",
            "--year",
            year,
            "--to",
            "self_evaluation",
            "--reason",
            "按期进入自评",
        ],
        &["freeze", "--year", year, "--reason", "年度数据截止"],
    ] {
        let r = xiezuo(db, args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
}

/// Copies a dataset directory.
pub fn copy_dataset(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// Replaces field `column` on physical line `line` (1-based) of a CSV file
/// whose records are one per line.
pub fn set_field(file: &Path, line: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let ci = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let mut fields: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    fields[ci] = value.to_string();
    lines[line - 1] = fields.join(",");
    std::fs::write(file, lines.join("\n") + "\n").unwrap();
}

/// Appends a raw line to a file.
pub fn append_line(file: &Path, line: &str) {
    let mut text = std::fs::read_to_string(file).unwrap();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(line);
    text.push('\n');
    std::fs::write(file, text).unwrap();
}

/// Reads a line of a file.
pub fn line_of(file: &Path, line: usize) -> String {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .nth(line - 1)
        .unwrap()
        .to_string()
}

/// The whole exported content of a store, for "unchanged" checks.
pub fn snapshot<D: DbArgs + ?Sized>(db: &D, dir: &Path) -> Vec<(String, Vec<u8>)> {
    let r = xiezuo(db, &["export", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    std::fs::remove_dir_all(dir).unwrap();
    files
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

const COUNTS: &[&str] = &[
    "joint_meetings",
    "top_visits_to_west",
    "top_visits_to_east",
    "cadres_to_west",
    "technicians_to_west",
    "cadres_to_east",
    "trained_people",
    "enterprises_invested",
    "poor_employed",
    "poor_trained",
    "poor_benefited",
    "poor_at_start",
    "milestones_due",
];

fn num(s: &str) -> Option<f64> {
    if s.trim().is_empty() {
        None
    } else {
        Some(s.parse().unwrap())
    }
}

/// Compares assessment outputs with the conformance tolerances: counts
/// exact, other indicators within 1e-6 relative, scores within 0.01, grades
/// exact, findings as sets. Returns the differences.
pub fn compare_outputs(expected: &Path, actual: &Path) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut diffs = Vec::new();
    let ind = |d: &Path| -> BTreeMap<(String, String, String), String> {
        read_csv(&d.join("indicators.csv"))
            .into_iter()
            .map(|r| ((r[0].clone(), r[1].clone(), r[2].clone()), r[3].clone()))
            .collect()
    };
    let (a, b) = (ind(expected), ind(actual));
    for k in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => {
                let ok = match (num(x), num(y)) {
                    (None, None) => true,
                    (Some(p), Some(q)) if COUNTS.contains(&k.2.as_str()) => p == q,
                    (Some(p), Some(q)) => (p - q).abs() <= 1e-6 * p.abs().max(q.abs()) + 1e-9,
                    _ => false,
                };
                if !ok {
                    diffs.push(format!("indicator {k:?}: expected {x:?}, got {y:?}"));
                }
            }
            _ => diffs.push(format!("indicator {k:?} present on one side only")),
        }
    }
    let sc = |d: &Path| -> BTreeMap<(String, String, String), Vec<String>> {
        read_csv(&d.join("scores.csv"))
            .into_iter()
            .map(|r| ((r[0].clone(), r[1].clone(), r[2].clone()), r[3..].to_vec()))
            .collect()
    };
    let (a, b) = (sc(expected), sc(actual));
    for k in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => {
                let n = x.len() - 1;
                for i in 0..n {
                    let ok = match (num(&x[i]), num(&y[i])) {
                        (None, None) => true,
                        (Some(p), Some(q)) => (p - q).abs() <= 0.01 + 1e-9,
                        _ => false,
                    };
                    if !ok {
                        diffs.push(format!(
                            "score {k:?} field {i}: expected {:?}, got {:?}",
                            x[i], y[i]
                        ));
                    }
                }
                if x[n] != y[n] {
                    diffs.push(format!("grade {k:?}: expected {}, got {}", x[n], y[n]));
                }
            }
            _ => diffs.push(format!("score {k:?} present on one side only")),
        }
    }
    let fs = |d: &Path| -> BTreeSet<Vec<String>> {
        read_csv(&d.join("findings.csv")).into_iter().collect()
    };
    let (a, b) = (fs(expected), fs(actual));
    for x in a.difference(&b) {
        diffs.push(format!("finding missing: {x:?}"));
    }
    for x in b.difference(&a) {
        diffs.push(format!("finding not expected: {x:?}"));
    }
    diffs
}
