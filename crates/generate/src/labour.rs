//! Labour matching data (exchange format v1.1): job seekers registered at
//! the labour stations of western counties (劳务协作工作站), and the
//! postings of eastern employers, in numbers that leave some seekers
//! without a place.

use crate::GenerateError;
use crate::names;
use crate::out::{Out, b, rc};
use crate::rng::{Rng, between, chance, date_in_year, fmt_date, pick, stream, unit};
use crate::world::{Party, World};
use chrono::Days;
use std::path::Path;
use xiezuo_domain::Fen;
use xiezuo_domain::enums::OrgKind;
use xiezuo_exchange::FileKind;

/// Share of working-age persons who register as job seekers.
pub const SEEKER_SHARE: f64 = 0.02;

/// Trades asked for by postings and offered by seekers.
const TRADES: &[&str] = &[
    "电工",
    "焊工",
    "家政",
    "餐饮",
    "建筑",
    "缝纫",
    "物流",
    "养老护理",
    "电子装配",
];

fn trades(rng: &mut Rng, max: i64) -> String {
    let n = between(rng, 0, max);
    let mut v: Vec<&str> = Vec::new();
    for _ in 0..n {
        let t = *pick(rng, TRADES);
        if !v.contains(&t) {
            v.push(t);
        }
    }
    v.join(";")
}

/// One row of seekers.csv for a registered person.
pub fn seeker_row(
    rng: &mut Rng,
    person_id: &str,
    station: &str,
    wants: &[u64],
    ly: i32,
) -> [String; 8] {
    let available = date_in_year(rng, ly);
    let registered = available
        .checked_sub_days(Days::new(between(rng, 0, 90) as u64))
        .unwrap_or(available);
    let r = unit(rng);
    let (wanted, distance) = if r < 0.6 && !wants.is_empty() {
        (rc(*pick(rng, wants)), String::new())
    } else if r < 0.85 {
        (String::new(), "any".to_string())
    } else {
        // Wants to stay in the home province: rarely any posting there.
        (String::new(), "province".to_string())
    };
    [
        person_id.to_string(),
        station.to_string(),
        fmt_date(registered),
        wanted,
        distance,
        Fen(between(rng, 25, 45) * 10_000).to_yuan_short(),
        trades(rng, 2),
        fmt_date(available),
    ]
}

/// Writes postings.csv: eastern employers' jobs for the county and
/// prefecture pairings active in the last year, about 70 positions for
/// every 100 seekers.
pub fn write_postings(
    w: &World,
    dir: &Path,
    seed: u64,
    ly: i32,
    seekers: u64,
) -> Result<(String, u64), GenerateError> {
    let mut out = Out::create(dir, FileKind::Postings)?;
    let pairings: Vec<usize> = (0..w.pairings.len())
        .filter(|&i| {
            let p = &w.pairings[i];
            p.is_gov() && p.active_in(ly) && !p.helper_counties.is_empty()
        })
        .collect();
    if pairings.is_empty() {
        return out.finish();
    }
    let mut rng = stream(seed, "postings", 0);
    let target_positions = (seekers as f64 * 0.7).round() as i64;
    let mut positions = 0;
    let mut n = 0u64;
    while positions < target_positions.max(1) {
        let pi = pairings[(n as usize) % pairings.len()];
        let p = &w.pairings[pi];
        let region = *pick(&mut rng, &p.helper_counties);
        let employer = {
            let ents: Vec<usize> = w
                .east_enterprises
                .iter()
                .copied()
                .filter(|&e| {
                    w.orgs[e].region / 1_000_000 == region / 1_000_000
                        && w.orgs[e].kind == OrgKind::Enterprise
                })
                .collect();
            match (ents.is_empty(), p.helper) {
                (false, _) if chance(&mut rng, 0.7) => {
                    format!("org:{}", w.orgs[*pick(&mut rng, &ents)].id)
                }
                (_, Party::Org(h)) if w.orgs[h].kind == OrgKind::Enterprise => {
                    format!("org:{}", w.orgs[h].id)
                }
                _ => (*pick(&mut rng, names::EMPLOYERS)).to_string(),
            }
        };
        let count = between(&mut rng, 3, 40);
        let start = date_in_year(&mut rng, ly);
        let closing = start
            .checked_add_days(Days::new(between(&mut rng, 30, 120) as u64))
            .unwrap_or(start);
        n += 1;
        out.row([
            format!("JP{n:07}"),
            p.id.clone(),
            employer,
            rc(region),
            count.to_string(),
            Fen(between(&mut rng, 30, 80) * 10_000).to_yuan_short(),
            "18".to_string(),
            between(&mut rng, 40, 55).to_string(),
            (if chance(&mut rng, 0.8) {
                "full"
            } else {
                "weak"
            })
            .to_string(),
            if chance(&mut rng, 0.5) {
                trades(&mut rng, 1)
            } else {
                String::new()
            },
            b(chance(&mut rng, 0.7)).to_string(),
            fmt_date(start),
            fmt_date(closing),
        ])?;
        positions += count;
    }
    out.finish()
}
