//! Benchmark: deterministic synthetic labour-cooperation instances, solved
//! optimally and greedily, with wall time and peak RSS, written as a
//! Markdown table.
//!
//! ```text
//! cargo run --release -p xiezuo-matching --example bench -- OUT.md [small] [100k] [100k-tight] [1m]
//! ```
//!
//! Each instance runs in a child process of this binary (`--one NAME`) so that
//! its peak RSS (`VmHWM`) is its own.

use std::error::Error;
use std::time::Instant;

use xiezuo_matching::{Edge, Posting, Problem, ReachLimits, Seeker, check, greedy, solve};

/// Instance name, seekers, postings. `100k-tight` has 3 seekers per
/// position instead of 1 per 2, so that priorities compete for seats.
const INSTANCES: [(&str, usize, usize); 4] = [
    ("small", 10_000, 1_000),
    ("100k", 100_000, 10_000),
    ("100k-tight", 100_000, 1_500),
    ("1m", 1_000_000, 100_000),
];

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        let name = args.get(1).ok_or("--one needs an instance name")?;
        let row = run_one(name)?;
        println!("{row}");
        return Ok(());
    }
    let out = args.first().ok_or("usage: bench OUT_FILE [INSTANCE...]")?;
    let names: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        vec!["100k", "1m"]
    };
    let exe = std::env::current_exe()?;
    let mut table = String::from(
        "| instance | seekers | postings | positions | edges | solve s | greedy s | peak MB | \
         optimal (a, b, c) | greedy (a, b, c) | greedy shortfall |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n",
    );
    for name in names {
        eprintln!("running {name} …");
        let output = std::process::Command::new(&exe)
            .args(["--one", name])
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "instance {name} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let row = String::from_utf8(output.stdout)?;
        eprint!("{row}");
        table.push_str(&row);
        std::fs::write(out, &table)?;
    }
    Ok(())
}

fn run_one(name: &str) -> Result<String, Box<dyn Error>> {
    let &(_, seekers, postings) = INSTANCES
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| format!("unknown instance {name}"))?;
    let t = Instant::now();
    let problem = generate(seekers, postings, 0x5EED_0000 ^ seekers as u64);
    eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
    let positions: u64 = problem
        .postings
        .iter()
        .map(|p| u64::from(p.positions))
        .sum();

    let t = Instant::now();
    let optimal = solve(&problem)?;
    let solve_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let baseline = greedy(&problem)?;
    let greedy_s = t.elapsed().as_secs_f64();
    check(&problem, &optimal)?;
    check(&problem, &baseline)?;
    let shortfall = baseline.objective.shortfall_to(&optimal.objective);
    Ok(format!(
        "| {name} | {seekers} | {postings} | {positions} | {} | {solve_s:.2} | {greedy_s:.2} | {:.0} | {} | {} | {} |",
        problem.edges.len(),
        peak_mb(),
        optimal.objective,
        baseline.objective,
        shortfall,
    ))
}

/// Peak resident set size of this process in MB (`VmHWM`), or NaN.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A synthetic instance: postings grouped into eastern cities of 100
/// postings (1–39 positions, 20 on average, a wage and a quality); each
/// seeker has a minimum wage and three target cities (popular cities are
/// chosen more often), and reaches 20–40 postings in them whose wage is at
/// least the minimum. Fit = wage surplus + posting quality + nearness + a
/// skill match term, in 0..=1000. 2% of seekers reach nothing (the caller's
/// filter says why).
fn generate(seekers: usize, postings: usize, seed: u64) -> Problem {
    let mut rng = Rng(seed);
    let cities = (postings / 100).max(1);
    let wage: Vec<u64> = (0..postings).map(|_| 3000 + rng.below(5001)).collect();
    let quality: Vec<u64> = (0..postings).map(|_| rng.below(201)).collect();
    let posts: Vec<Posting> = (0..postings)
        .map(|_| Posting {
            positions: 1 + rng.below(39) as u32,
        })
        .collect();
    let mut people = Vec::with_capacity(seekers);
    let mut edges = Vec::with_capacity(seekers * 30);
    let mut chosen: Vec<u32> = Vec::with_capacity(64);
    for s in 0..seekers {
        let mut seeker = Seeker {
            no_one_employed: rng.chance(40),
            registered_poor: rng.chance(80),
            limits: ReachLimits::NONE,
        };
        if rng.chance(2) {
            seeker.limits = [
                ReachLimits::WAGE,
                ReachLimits::DISTANCE,
                ReachLimits::SKILLS,
            ][rng.below(3) as usize];
            people.push(seeker);
            continue;
        }
        people.push(seeker);
        let min_wage = 2500 + rng.below(3001);
        let degree = 20 + rng.below(21) as usize;
        // Skewed city choice: u² concentrates on low (popular) city numbers.
        let target: Vec<usize> = (0..3)
            .map(|_| {
                if rng.chance(50) {
                    rng.below(cities as u64) as usize
                } else {
                    let u = rng.below(1 << 16);
                    ((u * u * cities as u64) >> 32) as usize
                }
            })
            .map(|c| c.min(cities - 1))
            .collect();
        chosen.clear();
        let mut tries = 0;
        while chosen.len() < degree && tries < degree * 4 {
            tries += 1;
            let rank = rng.below(3) as usize;
            let city = target[rank];
            let p = (city * 100 + rng.below(100) as usize).min(postings - 1) as u32;
            if wage[p as usize] < min_wage || chosen.contains(&p) {
                continue;
            }
            chosen.push(p);
            let surplus = ((wage[p as usize] - min_wage) / 10).min(500);
            let near = 150 - 50 * rank as u64;
            let skills = rng.below(151);
            let fit = (surplus + quality[p as usize] + near + skills).min(1000) as i32;
            edges.push(Edge {
                seeker: s as u32,
                posting: p,
                fit,
            });
        }
    }
    Problem {
        seekers: people,
        postings: posts,
        edges,
    }
}
