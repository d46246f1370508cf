//! `xiezuo bench`: generate national-scale datasets and time `import` and
//! `assess` as whole processes (wall time and peak memory), writing a
//! results file.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Scales to run (1 ≈ 1 million registered persons).
    #[arg(long, value_delimiter = ',', default_value = "1,10")]
    pub scales: Vec<f64>,
    /// Also run scale 100 (a national-size registry; needs tens of GB of disk).
    #[arg(long)]
    pub with_100: bool,
    /// Working directory for datasets and stores (removed per scale afterwards).
    #[arg(long, default_value = "bench-work")]
    pub work: PathBuf,
    /// Results file (Markdown), appended to.
    #[arg(long, default_value = "bench/results.md")]
    pub out: PathBuf,
    /// The year to assess.
    #[arg(long, default_value_t = 2020)]
    pub year: i32,
}

struct Measured {
    wall: Duration,
    peak_kib: u64,
}

/// Runs a child process, sampling its peak resident memory (VmHWM).
fn measure(cmd: &mut Command) -> Result<Measured> {
    let start = Instant::now();
    let mut child = cmd.spawn().context("starting the child process")?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(v) = s.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib: u64 = v
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("child failed: {status}");
            }
            break;
        }
        wait_a_little();
    }
    Ok(Measured {
        wall: start.elapsed(),
        peak_kib: peak,
    })
}

#[allow(clippy::disallowed_methods)]
fn wait_a_little() {
    std::thread::sleep(Duration::from_millis(20));
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn count_rows(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
                .filter_map(|e| std::fs::read(e.path()).ok())
                .map(|b| bytecount_lines(&b).saturating_sub(1))
                .sum()
        })
        .unwrap_or(0)
}

fn bytecount_lines(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

pub fn run(a: Args) -> Result<ExitCode> {
    let exe = std::env::current_exe().context("locating the xiezuo binary")?;
    let mut scales = a.scales.clone();
    if a.with_100 && !scales.contains(&100.0) {
        scales.push(100.0);
    }
    if let Some(parent) = a.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut lines = vec![format!(
        "\n## Run of {} on {} cores\n\n| scale | rows | dataset | generate | import (rows/s) | import peak RSS | store size | assess {} | assess peak RSS |\n|---|---|---|---|---|---|---|---|---|",
        super::now_rfc3339(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        a.year
    )];
    for s in scales {
        let work = a.work.join(format!("scale-{s}"));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work)?;
        let data = work.join("dataset");
        let db = work.join("store.db");
        let out = work.join("out");
        eprintln!("scale {s}: generating");
        let g = measure(
            Command::new(&exe)
                .args([
                    "generate",
                    "--scale",
                    &s.to_string(),
                    "--seed",
                    "7",
                    "--out",
                ])
                .arg(&data)
                .stdout(std::process::Stdio::null()),
        )?;
        let rows = count_rows(&data);
        let bytes = dir_size(&data);
        eprintln!("scale {s}: importing {rows} rows");
        let i = measure(
            Command::new(&exe)
                .arg("--db")
                .arg(&db)
                .arg("import")
                .arg(&data)
                .stdout(std::process::Stdio::null()),
        )?;
        let store_bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
        eprintln!("scale {s}: assessing");
        let asx = measure(
            Command::new(&exe)
                .arg("--db")
                .arg(&db)
                .args(["assess", "--year", &a.year.to_string(), "--out"])
                .arg(&out)
                .stdout(std::process::Stdio::null()),
        )?;
        let line = format!(
            "| {s} | {rows} | {:.0} MB | {:.1} s | {:.1} s ({:.0}) | {:.0} MB | {:.0} MB | {:.2} s | {:.0} MB |",
            bytes as f64 / 1e6,
            g.wall.as_secs_f64(),
            i.wall.as_secs_f64(),
            rows as f64 / i.wall.as_secs_f64(),
            i.peak_kib as f64 / 1024.0,
            store_bytes as f64 / 1e6,
            asx.wall.as_secs_f64(),
            asx.peak_kib as f64 / 1024.0,
        );
        eprintln!("{line}");
        lines.push(line);
        let _ = std::fs::remove_dir_all(&work);
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&a.out)?;
    writeln!(f, "{}", lines.join("\n"))?;
    println!("{}", lines.join("\n"));
    println!("results appended to {}", a.out.display());
    Ok(ExitCode::SUCCESS)
}
