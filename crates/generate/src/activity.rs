//! Records attached to pairings: projects, milestones, funds, trainings,
//! secondments, investments, purchases, donations, meetings, targets, and the
//! yearly region figures. They are few (they grow with pairings, not persons).

use crate::GenerateError;
use crate::names;
use crate::out::{Out, b, rc};
use crate::rng::{Rng, between, chance, date_between, fmt_date, pick, stream, unit, ymd};
use crate::world::{Pairing, Party, World};
use chrono::NaiveDate;
use std::path::Path;
use xiezuo_domain::Fen;
use xiezuo_domain::enums::{
    HelperKind, OrgKind, ProjectStatus, RegionLevel, TrainingKind, Vocabulary,
};
use xiezuo_exchange::FileKind;

/// Files written, with their data rows.
pub type FileRows = Vec<(String, u64)>;

/// A project kept in memory for beneficiaries.
pub struct Project {
    pub id: String,
    pub pairing: usize,
    pub year: i32,
    pub county: usize,
    pub village: Option<usize>,
    pub status: ProjectStatus,
}

/// A training kept in memory until its attendance is known.
pub struct Training {
    pub id: String,
    pub pairing: usize,
    pub kind: TrainingKind,
    pub course: &'static str,
    pub start: NaiveDate,
    pub days: i64,
    /// Western county whose persons attend (poor-labour trainings).
    pub host_county: usize,
    /// Expected registered attendees.
    pub expected: f64,
    /// Registered attendance rows written.
    pub attended: u64,
}

/// One pairing in one year, with the window of dates its records of the
/// year fall in.
pub(crate) struct PairingYear<'w> {
    /// Index into `World::pairings`.
    pub pi: usize,
    pub p: &'w Pairing,
    pub y: i32,
    /// The first day of the year the pairing is active.
    pub yb: NaiveDate,
    /// The last day of the year.
    pub ye: NaiveDate,
}

impl<'w> PairingYear<'w> {
    pub fn new(pi: usize, p: &'w Pairing, y: i32) -> PairingYear<'w> {
        PairingYear {
            pi,
            p,
            y,
            yb: ymd(y, 1, 1).max(p.start),
            ye: ymd(y, 12, 31),
        }
    }
}

/// The in-memory activity that the person pass needs.
pub struct Activity {
    pub projects: Vec<Project>,
    pub trainings: Vec<Training>,
}

fn party(w: &World, p: Party) -> String {
    match p {
        Party::Region(c) => rc(c),
        Party::Org(i) => format!("org:{}", w.orgs[i].id),
    }
}

pub(crate) fn clamp_date(d: NaiveDate, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    d.max(lo).min(hi)
}

pub(crate) fn money(rng: &mut Rng, lo_yuan: i64, hi_yuan: i64, round_to: i64) -> i64 {
    let y = between(rng, lo_yuan, hi_yuan);
    if chance(rng, 0.5) {
        y / round_to.max(1) * round_to.max(1) * 100
    } else {
        y * 100 + between(rng, 0, 99)
    }
}

pub(crate) fn scale_of(p: &Pairing) -> f64 {
    match p.level {
        RegionLevel::Province => 3.0,
        RegionLevel::Prefecture => 2.0,
        _ => 1.0,
    }
}

/// Writes regions, region_stats, organisations and pairings.
pub fn write_world(
    w: &World,
    dir: &Path,
    seed: u64,
    fy: i32,
    ly: i32,
) -> Result<Vec<(String, u64)>, GenerateError> {
    let mut res = Vec::new();
    let mut o = Out::create(dir, FileKind::Regions)?;
    for r in &w.regions {
        o.row([
            rc(r.code),
            r.name.clone(),
            r.level.as_str().to_string(),
            r.parent.map(rc).unwrap_or_default(),
            r.side.unwrap_or("").to_string(),
            r.poor_county.map(|v| b(v).to_string()).unwrap_or_default(),
            r.poor_village.map(|v| b(v).to_string()).unwrap_or_default(),
            r.deep_poverty.map(|v| b(v).to_string()).unwrap_or_default(),
            r.exit_year.map(|v| v.to_string()).unwrap_or_default(),
        ])?;
    }
    res.push(o.finish()?);

    let mut o = Out::create(dir, FileKind::RegionStats)?;
    let east_first = w.east_counties.first().copied();
    let east_second = w.east_counties.get(1).copied();
    let east_prov = w
        .stat_codes
        .iter()
        .find(|s| s.1 && s.2 == RegionLevel::Province)
        .map(|s| s.0);
    for (i, &(code, east, level)) in w.stat_codes.iter().enumerate() {
        let mut rng = stream(seed, "stats", i as u64);
        let (rev_base, income_base, pop_base) = match (east, level) {
            (true, RegionLevel::Province) => (
                between(&mut rng, 200_000_000_000, 1_200_000_000_000),
                20_000,
                15_000_000,
            ),
            (true, RegionLevel::Prefecture) => (
                between(&mut rng, 20_000_000_000, 150_000_000_000),
                22_000,
                2_000_000,
            ),
            (true, _) => (
                between(&mut rng, 2_000_000_000, 25_000_000_000),
                24_000,
                300_000,
            ),
            (false, RegionLevel::Province) => (
                between(&mut rng, 30_000_000_000, 150_000_000_000),
                9_000,
                20_000_000,
            ),
            (false, RegionLevel::Prefecture) => (
                between(&mut rng, 3_000_000_000, 15_000_000_000),
                9_000,
                3_000_000,
            ),
            (false, _) => (between(&mut rng, 100_000_000, 900_000_000), 8_000, 250_000),
        };
        let pop = between(&mut rng, pop_base / 2, pop_base * 3 / 2);
        let mut rev = rev_base as f64;
        let mut inc = (income_base as f64) * (0.8 + 0.4 * unit(&mut rng));
        for y in (fy - 1)..=ly {
            rev *= 1.0 + (between(&mut rng, -3, 12) as f64) / 100.0;
            inc *= 1.0 + (between(&mut rng, 6, 11) as f64) / 100.0;
            if Some(code) == east_first && y == (fy + 1).min(ly) {
                continue; // a missing row for a helper region
            }
            let mut revenue = (rev as i64).to_string();
            if Some(code) == east_second && y == fy {
                revenue = "0".into();
            } else if (Some(code) == east_prov && y == ly - 1) || (east && chance(&mut rng, 0.02)) {
                revenue.clear();
            }
            let income_fen = (inc * 100.0) as i64;
            o.row([
                rc(code),
                y.to_string(),
                pop.to_string(),
                revenue,
                Fen(income_fen).to_yuan_short(),
            ])?;
        }
    }
    res.push(o.finish()?);

    let mut o = Out::create(dir, FileKind::Organisations)?;
    for g in &w.orgs {
        o.row([
            g.id.clone(),
            g.name.clone(),
            g.kind.as_str().to_string(),
            rc(g.region),
        ])?;
    }
    res.push(o.finish()?);

    let mut o = Out::create(dir, FileKind::Pairings)?;
    for p in &w.pairings {
        o.row([
            p.id.clone(),
            party(w, p.helper),
            party(w, p.helped),
            p.level.as_str().to_string(),
            p.kind.as_str().to_string(),
            fmt_date(p.start),
            p.end.map(fmt_date).unwrap_or_default(),
        ])?;
    }
    res.push(o.finish()?);
    Ok(res)
}

/// Generates the trainings (written later, once attendance is known).
pub fn trainings(w: &World, seed: u64, fy: i32, ly: i32) -> Vec<Training> {
    let mut out = Vec::new();
    let mut n = 0;
    for y in fy..=ly {
        for (pi, p) in w.pairings.iter().enumerate() {
            if !p.active_in(y) {
                continue;
            }
            let mut rng = stream(seed, "trainings", (pi as u64) << 16 | (y - fy) as u64);
            let counts: [(TrainingKind, i64); 4] = if p.is_gov() {
                let forced = (pi == w.cp0 && y == fy) || pi == w.cp1;
                [
                    (
                        TrainingKind::PoorLabor,
                        between(&mut rng, i64::from(forced), 3),
                    ),
                    (
                        TrainingKind::Cadre,
                        i64::from(forced || chance(&mut rng, 0.5)),
                    ),
                    (
                        TrainingKind::Technician,
                        i64::from(forced || chance(&mut rng, 0.5)),
                    ),
                    (
                        TrainingKind::VillageLeader,
                        i64::from(forced || chance(&mut rng, 0.4)),
                    ),
                ]
            } else if matches!(p.kind, HelperKind::Hospital | HelperKind::School) {
                [
                    (TrainingKind::PoorLabor, 0),
                    (TrainingKind::Cadre, 0),
                    (TrainingKind::Technician, 1),
                    (TrainingKind::VillageLeader, 0),
                ]
            } else {
                [
                    (TrainingKind::PoorLabor, i64::from(chance(&mut rng, 0.3))),
                    (TrainingKind::Cadre, 0),
                    (TrainingKind::Technician, 0),
                    (TrainingKind::VillageLeader, 0),
                ]
            };
            for (kind, k) in counts {
                for _ in 0..k {
                    n += 1;
                    let course = match kind {
                        TrainingKind::PoorLabor => *pick(&mut rng, names::LABOR_COURSES),
                        TrainingKind::Cadre => *pick(&mut rng, names::CADRE_COURSES),
                        TrainingKind::Technician => *pick(&mut rng, names::TECH_COURSES),
                        TrainingKind::VillageLeader => *pick(&mut rng, names::VILLAGE_COURSES),
                    };
                    let start = date_between(
                        &mut rng,
                        ymd(y, 1, 1).max(p.start),
                        ymd(y, 12, 20).max(p.start),
                    );
                    out.push(Training {
                        id: format!("TR{n:06}"),
                        pairing: pi,
                        kind,
                        course,
                        start,
                        days: between(&mut rng, 2, 20),
                        host_county: *pick(&mut rng, &p.counties),
                        expected: if kind == TrainingKind::PoorLabor {
                            between(&mut rng, 10, 40) as f64
                        } else {
                            0.0
                        },
                        attended: 0,
                    });
                }
            }
        }
    }
    out
}

/// Writes trainings.csv once attendance is known.
pub fn write_trainings(
    dir: &Path,
    w: &World,
    t: &[Training],
    seed: u64,
) -> Result<(String, u64), GenerateError> {
    let mut o = Out::create(dir, FileKind::Trainings)?;
    for (i, tr) in t.iter().enumerate() {
        let mut rng = stream(seed, "attendees", i as u64);
        let attendees = tr.attended + between(&mut rng, 5, 80) as u64;
        o.row([
            tr.id.clone(),
            w.pairings[tr.pairing].id.clone(),
            tr.kind.as_str().to_string(),
            tr.course.to_string(),
            fmt_date(tr.start),
            tr.days.to_string(),
            attendees.to_string(),
        ])?;
    }
    o.finish()
}

/// The eastern enterprises located in the county (its first six digits) of
/// one of the pairing's helper counties.
pub(crate) fn near_enterprises(w: &World, p: &Pairing) -> Vec<usize> {
    w.east_enterprises
        .iter()
        .copied()
        .filter(|&e| {
            p.helper_counties
                .iter()
                .any(|&c| w.orgs[e].region / 1_000_000 == c / 1_000_000)
        })
        .collect()
}

/// The enterprise behind a record of a pairing: the helper itself when it is
/// an enterprise, else one near the helper (any eastern one when none is).
pub(crate) fn enterprise_for(w: &World, rng: &mut Rng, p: &Pairing) -> usize {
    match p.helper {
        Party::Org(h) if w.orgs[h].kind == OrgKind::Enterprise => return h,
        _ => {}
    }
    let near = near_enterprises(w, p);
    if near.is_empty() {
        *pick(rng, &w.east_enterprises)
    } else {
        *pick(rng, &near)
    }
}
