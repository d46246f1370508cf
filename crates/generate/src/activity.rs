//! Records attached to pairings: projects, milestones, funds, trainings,
//! secondments, investments, purchases, donations, meetings, targets, and the
//! yearly region figures. They are few (they grow with pairings, not persons).

use crate::GenerateError;
use crate::names;
use crate::out::{Out, b, rc};
use crate::rng::{Rng, between, chance, date_between, fmt_date, pick, stream, unit, ymd};
use crate::world::{Pairing, Party, World};
use chrono::{Days, NaiveDate};
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

fn clamp_date(d: NaiveDate, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    d.max(lo).min(hi)
}

fn money(rng: &mut Rng, lo_yuan: i64, hi_yuan: i64, round_to: i64) -> i64 {
    let y = between(rng, lo_yuan, hi_yuan);
    if chance(rng, 0.5) {
        y / round_to.max(1) * round_to.max(1) * 100
    } else {
        y * 100 + between(rng, 0, 99)
    }
}

fn scale_of(p: &Pairing) -> f64 {
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

/// A ledger row before ids are assigned.
struct Txn {
    date: NaiveDate,
    pairing: usize,
    project: Option<usize>,
    source: &'static str,
    kind: &'static str,
    amount: i64,
    reverses: Option<usize>,
}

fn source_of(p: &Pairing) -> &'static str {
    match p.kind {
        HelperKind::Government => "fiscal",
        HelperKind::Enterprise => "enterprise",
        _ => "social",
    }
}

struct Ledger {
    rows: Vec<Txn>,
    /// Total already reversed, per row.
    reversed: Vec<i64>,
    end: NaiveDate,
}

impl Ledger {
    fn push(&mut self, rng: &mut Rng, t: Txn) -> usize {
        let i = self.rows.len();
        let (date, amount) = (t.date, t.amount);
        let (pairing, project, source, kind) = (t.pairing, t.project, t.source, t.kind);
        self.rows.push(t);
        self.reversed.push(0);
        if amount > 100 && chance(rng, 0.02) {
            let d = clamp_date(
                date + Days::new(between(rng, 1, 90) as u64),
                date,
                self.end.max(date),
            );
            let part = amount * between(rng, 10, 100) / 100;
            self.rows.push(Txn {
                date: d,
                pairing,
                project,
                source,
                kind,
                amount: -part,
                reverses: Some(i),
            });
            self.reversed.push(0);
            self.reversed[i] += part;
        }
        i
    }
    /// Reverses up to `amount` of row `of` (never more than what is left).
    fn reverse(&mut self, of: usize, date: NaiveDate, amount: i64) {
        let o = &self.rows[of];
        let left = o.amount - self.reversed[of];
        let amount = amount.abs().min(left);
        if amount <= 0 {
            return;
        }
        let t = Txn {
            date: date.max(o.date),
            pairing: o.pairing,
            project: o.project,
            source: o.source,
            kind: o.kind,
            amount: -amount,
            reverses: Some(of),
        };
        self.rows.push(t);
        self.reversed.push(0);
        self.reversed[of] += amount;
    }
}

/// Generates and writes projects, milestones and funds; returns the projects.
#[allow(clippy::too_many_lines)]
pub fn write_projects(
    w: &World,
    dir: &Path,
    seed: u64,
    fy: i32,
    ly: i32,
) -> Result<(Vec<Project>, FileRows), GenerateError> {
    let mut projects = Vec::new();
    let mut po = Out::create(dir, FileKind::Projects)?;
    let mut mo = Out::create(dir, FileKind::Milestones)?;
    let today = ymd(ly, 12, 31);
    let mut ledger = Ledger {
        rows: Vec::new(),
        reversed: Vec::new(),
        end: today,
    };
    let persons_per_county = w
        .counties
        .iter()
        .map(|c| c.households as f64 * 3.3)
        .sum::<f64>()
        / w.counties.len() as f64;
    let mut forced_late = false;
    for y in fy..=ly {
        let mut seq = 0u32;
        for (pi, p) in w.pairings.iter().enumerate() {
            if !p.active_in(y) || y < fy {
                continue;
            }
            let mut rng = stream(seed, "projects", (pi as u64) << 16 | (y - fy) as u64);
            let yb = ymd(y, 1, 1).max(p.start);
            let ye = ymd(y, 12, 31);
            // Pairing-level fiscal money (no project).
            if p.is_gov() {
                let sc = scale_of(p);
                let commit = money(
                    &mut rng,
                    (8_000_000.0 * sc) as i64,
                    (30_000_000.0 * sc) as i64,
                    1000,
                );
                let d0 = date_between(&mut rng, yb, ymd(y, 3, 31).max(yb));
                let c = ledger.push(
                    &mut rng,
                    Txn {
                        date: d0,
                        pairing: pi,
                        project: None,
                        source: "fiscal",
                        kind: "commitment",
                        amount: commit,
                        reverses: None,
                    },
                );
                let factor = if pi == w.cp1 && y == fy {
                    160
                } else {
                    between(&mut rng, 80, 100)
                };
                let total = commit * factor / 100;
                let parts = between(&mut rng, 1, 3);
                let mut first_disb = None;
                for k in 0..parts {
                    let amt = total / parts + if k == 0 { total % parts } else { 0 };
                    let d = date_between(&mut rng, d0, ye);
                    let t = ledger.push(
                        &mut rng,
                        Txn {
                            date: d,
                            pairing: pi,
                            project: None,
                            source: "fiscal",
                            kind: "disbursement",
                            amount: amt,
                            reverses: None,
                        },
                    );
                    first_disb.get_or_insert(t);
                }
                if pi == w.cp0 && y == fy {
                    // Two partial reversals of one commitment; one disbursement
                    // reversed in the following year.
                    ledger.reverse(c, d0 + Days::new(20), commit / 5);
                    ledger.reverse(c, d0 + Days::new(40), commit / 10);
                    if let Some(t) = first_disb {
                        let amt = ledger.rows[t].amount / 10;
                        let d = if ly > fy { ymd(fy + 1, 1, 15) } else { ye };
                        ledger.reverse(t, d, amt);
                    }
                }
            }
            let n = match p.level {
                RegionLevel::County if p.is_gov() => {
                    let base = (2.0 + persons_per_county / 4000.0).min(30.0);
                    let f = 0.7 + 0.6 * unit(&mut rng);
                    let mut n = crate::rng::round_random(&mut rng, base * f);
                    if pi == w.cp0 {
                        n = n.max(if y == fy { 3 } else { 1 });
                    }
                    n.max(1)
                }
                RegionLevel::Province | RegionLevel::Prefecture => between(&mut rng, 1, 2),
                _ => i64::from(chance(&mut rng, 0.6)),
            };
            for k in 0..n {
                seq += 1;
                let id = format!("XM{y}-{seq:06}");
                let county = if p.villages.is_empty() {
                    *pick(&mut rng, &p.counties)
                } else {
                    p.counties[0]
                };
                let c = &w.counties[county];
                let village = if !p.villages.is_empty() {
                    Some(*pick(&mut rng, &p.villages))
                } else if chance(&mut rng, 0.7) {
                    let vs: Vec<usize> = c.villages.clone().collect();
                    let poor: Vec<usize> =
                        vs.iter().copied().filter(|&v| w.villages[v].poor).collect();
                    Some(if !poor.is_empty() && chance(&mut rng, 0.7) {
                        *pick(&mut rng, &poor)
                    } else {
                        *pick(&mut rng, &vs)
                    })
                } else {
                    None
                };
                let (cat, kind_name) = *pick(&mut rng, names::PROJECT_KINDS);
                let place_name = names::place(&mut rng, "");
                let budget = if p.is_gov() {
                    money(&mut rng, 500_000, 10_000_000, 100)
                } else {
                    money(&mut rng, 200_000, 3_000_000, 100)
                };
                let start = date_between(&mut rng, yb, ymd(y, 10, 31).max(yb));
                let end = start + Days::new(between(&mut rng, 60, 400) as u64);
                let forced_cancel = pi == w.cp0 && y == fy && k == 0;
                let status = if forced_cancel || chance(&mut rng, 0.04) {
                    ProjectStatus::Cancelled
                } else if end <= today {
                    if chance(&mut rng, 0.9) {
                        ProjectStatus::Completed
                    } else {
                        ProjectStatus::Ongoing
                    }
                } else if y == ly && chance(&mut rng, 0.3) {
                    ProjectStatus::Planned
                } else {
                    ProjectStatus::Ongoing
                };
                po.row([
                    id.clone(),
                    p.id.clone(),
                    y.to_string(),
                    format!("{place_name}{kind_name}"),
                    cat.to_string(),
                    rc(c.code),
                    village.map(|v| rc(w.villages[v].code)).unwrap_or_default(),
                    Fen(budget).to_yuan_short(),
                    fmt_date(start),
                    fmt_date(end),
                    status.as_str().to_string(),
                ])?;
                // Milestones.
                let nm = between(&mut rng, 2, 5) as usize;
                let span = (end - start).num_days().max(1);
                for (m, mname) in names::MILESTONES.iter().take(nm).enumerate() {
                    let due = start + Days::new((span * (m as i64 + 1) / nm as i64) as u64);
                    let force_here = !forced_late && pi == w.cp0 && y == fy && k == 1;
                    let done = if force_here && m == 0 {
                        Some(due + Days::new(15)) // late
                    } else if force_here && m == 1 {
                        None // undone
                    } else {
                        match status {
                            ProjectStatus::Planned => None,
                            ProjectStatus::Cancelled => {
                                (m == 0).then(|| due - Days::new(between(&mut rng, 0, 10) as u64))
                            }
                            _ if due > today => None,
                            _ => {
                                let r = unit(&mut rng);
                                if r < 0.80 {
                                    Some(due - Days::new(between(&mut rng, 0, 20) as u64))
                                } else if r < 0.92 {
                                    Some(due + Days::new(between(&mut rng, 1, 60) as u64))
                                } else {
                                    None
                                }
                            }
                        }
                    };
                    if force_here && m == 1 {
                        forced_late = true;
                    }
                    mo.row([
                        id.clone(),
                        (m + 1).to_string(),
                        (*mname).to_string(),
                        fmt_date(due),
                        done.map(fmt_date).unwrap_or_default(),
                        names::person_p(&mut rng, 0.7),
                    ])?;
                }
                // Funds of the project.
                let pj = projects.len();
                let src = source_of(p);
                let d0 = clamp_date(start - Days::new(between(&mut rng, 0, 30) as u64), yb, ye);
                let mut cm = None;
                if p.is_gov() {
                    cm = Some(ledger.push(
                        &mut rng,
                        Txn {
                            date: d0,
                            pairing: pi,
                            project: Some(pj),
                            source: src,
                            kind: "commitment",
                            amount: budget,
                            reverses: None,
                        },
                    ));
                }
                match status {
                    ProjectStatus::Cancelled => {
                        if let Some(c) = cm {
                            let d = clamp_date(
                                d0 + Days::new(between(&mut rng, 10, 120) as u64),
                                d0,
                                today.max(d0),
                            );
                            ledger.reverse(c, d, budget);
                        }
                    }
                    ProjectStatus::Planned => {}
                    _ => {
                        let disb = budget * between(&mut rng, 70, 100) / 100;
                        let parts = between(&mut rng, 1, 2);
                        let mut last = d0;
                        for k2 in 0..parts {
                            let amt = disb / parts + if k2 == 0 { disb % parts } else { 0 };
                            let d = date_between(&mut rng, d0, ye.max(d0));
                            last = last.max(d);
                            ledger.push(
                                &mut rng,
                                Txn {
                                    date: d,
                                    pairing: pi,
                                    project: Some(pj),
                                    source: src,
                                    kind: "disbursement",
                                    amount: amt,
                                    reverses: None,
                                },
                            );
                        }
                        let spent = disb * between(&mut rng, 60, 100) / 100;
                        let d = clamp_date(
                            last + Days::new(between(&mut rng, 5, 200) as u64),
                            last,
                            today.max(last),
                        );
                        ledger.push(
                            &mut rng,
                            Txn {
                                date: d,
                                pairing: pi,
                                project: Some(pj),
                                source: src,
                                kind: "expenditure",
                                amount: spent,
                                reverses: None,
                            },
                        );
                    }
                }
                projects.push(Project {
                    id,
                    pairing: pi,
                    year: y,
                    county,
                    village,
                    status,
                });
            }
        }
    }
    let mut res = vec![po.finish()?, mo.finish()?];
    // Funds: ids in generation order, rows in date order.
    let mut order: Vec<usize> = (0..ledger.rows.len()).collect();
    order.sort_by_key(|&i| (ledger.rows[i].date, i));
    let mut fo = Out::create(dir, FileKind::Funds)?;
    for i in order {
        let t = &ledger.rows[i];
        fo.row([
            format!("TX{:08}", i + 1),
            fmt_date(t.date),
            w.pairings[t.pairing].id.clone(),
            t.project
                .map(|p| projects[p].id.clone())
                .unwrap_or_default(),
            t.source.to_string(),
            t.kind.to_string(),
            Fen(t.amount).to_yuan_short(),
            t.reverses
                .map(|r| format!("TX{:08}", r + 1))
                .unwrap_or_default(),
        ])?;
    }
    res.push(fo.finish()?);
    Ok((projects, res))
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

fn enterprise_for(w: &World, rng: &mut Rng, p: &Pairing) -> usize {
    match p.helper {
        Party::Org(h) if w.orgs[h].kind == OrgKind::Enterprise => return h,
        _ => {}
    }
    let near: Vec<usize> = w
        .east_enterprises
        .iter()
        .copied()
        .filter(|&e| {
            p.helper_counties
                .iter()
                .any(|&c| w.orgs[e].region / 1_000_000 == c / 1_000_000)
        })
        .collect();
    if near.is_empty() {
        *pick(rng, &w.east_enterprises)
    } else {
        *pick(rng, &near)
    }
}

/// Writes secondments, investments, purchases, donations, meetings and targets.
#[allow(clippy::too_many_lines)]
pub fn write_others(
    w: &World,
    dir: &Path,
    seed: u64,
    fy: i32,
    ly: i32,
) -> Result<Vec<(String, u64)>, GenerateError> {
    let mut so = Out::create(dir, FileKind::Secondments)?;
    let mut io = Out::create(dir, FileKind::Investments)?;
    let mut puo = Out::create(dir, FileKind::Purchases)?;
    let mut dono = Out::create(dir, FileKind::Donations)?;
    let mut meo = Out::create(dir, FileKind::Meetings)?;
    let mut tao = Out::create(dir, FileKind::Targets)?;
    let end = ymd(ly, 12, 31);
    let fields = ["education", "health", "agriculture", "other"];
    let social: Vec<usize> = (0..w.orgs.len())
        .filter(|&i| w.orgs[i].kind == OrgKind::SocialOrg)
        .collect();
    let mut first_donation = true;
    let mut forced_targets = 0;
    for y in fy..=ly {
        for (pi, p) in w.pairings.iter().enumerate() {
            if !p.active_in(y) {
                continue;
            }
            let mut rng = stream(seed, "others", (pi as u64) << 16 | (y - fy) as u64);
            let yb = ymd(y, 1, 1).max(p.start);
            let ye = ymd(y, 12, 31);
            let sc = scale_of(p);
            let gov = p.is_gov();
            // Secondments.
            let mut sec: Vec<(&str, &str, i64, i64, i64)> = Vec::new(); // direction, role, count, min days, max days
            if gov {
                sec.push((
                    "to_west",
                    "cadre",
                    between(&mut rng, 0, 1 + sc as i64),
                    365,
                    1000,
                ));
                sec.push((
                    "to_west",
                    "technician",
                    between(&mut rng, 1, 3 * sc as i64),
                    90,
                    540,
                ));
                sec.push(("to_east", "cadre", between(&mut rng, 0, 1), 90, 365));
            } else if matches!(p.kind, HelperKind::Hospital | HelperKind::School) {
                sec.push(("to_west", "technician", between(&mut rng, 1, 3), 90, 365));
            }
            for (dir_, role, k, lo, hi) in sec {
                for _ in 0..k {
                    let s = date_between(&mut rng, yb, ye.max(yb));
                    let e = s + Days::new(between(&mut rng, lo, hi) as u64);
                    let field = if role == "technician" {
                        if p.kind == HelperKind::Hospital {
                            "health"
                        } else if p.kind == HelperKind::School {
                            "education"
                        } else {
                            *pick(&mut rng, &fields)
                        }
                    } else {
                        ""
                    };
                    so.row([
                        format!("SC{:06}", so.rows + 1),
                        p.id.clone(),
                        dir_.to_string(),
                        role.to_string(),
                        field.to_string(),
                        names::person_p(&mut rng, 0.7),
                        fmt_date(s),
                        fmt_date(e),
                    ])?;
                }
            }
            // Investments.
            let ninv = if gov {
                between(&mut rng, 0, 1 + sc as i64)
            } else if p.kind == HelperKind::Enterprise {
                i64::from(chance(&mut rng, 0.3))
            } else {
                0
            };
            for _ in 0..ninv {
                let e = enterprise_for(w, &mut rng, p);
                let county = w.counties[*pick(&mut rng, &p.counties)].code;
                let park = if chance(&mut rng, 0.3) {
                    *pick(&mut rng, names::PARKS)
                } else {
                    ""
                };
                io.row([
                    format!("IV{:06}", io.rows + 1),
                    p.id.clone(),
                    format!("org:{}", w.orgs[e].id),
                    rc(county),
                    fmt_date(date_between(&mut rng, yb, ye.max(yb))),
                    Fen(money(&mut rng, 1_000_000, 50_000_000, 1)).to_yuan_short(),
                    park.to_string(),
                ])?;
            }
            // Purchases.
            let npu = if gov {
                between(&mut rng, 1, 2 + 2 * sc as i64)
            } else {
                i64::from(chance(&mut rng, 0.3))
            };
            for _ in 0..npu {
                let buyer = if chance(&mut rng, 0.6) {
                    (*pick(&mut rng, names::BUYERS)).to_string()
                } else {
                    format!("org:{}", w.orgs[enterprise_for(w, &mut rng, p)].id)
                };
                puo.row([
                    format!("PU{:07}", puo.rows + 1),
                    p.id.clone(),
                    fmt_date(date_between(&mut rng, yb, ye.max(yb))),
                    buyer,
                    rc(w.counties[*pick(&mut rng, &p.counties)].code),
                    (*pick(&mut rng, names::PRODUCTS)).to_string(),
                    Fen(money(&mut rng, 50_000, 5_000_000, 1)).to_yuan_short(),
                ])?;
            }
            // Donations.
            let ndo = if gov {
                between(&mut rng, 0, 3)
            } else if p.kind == HelperKind::SocialOrg {
                between(&mut rng, 1, 2)
            } else {
                i64::from(chance(&mut rng, 0.4))
            };
            for _ in 0..ndo {
                let r = unit(&mut rng);
                let (donor, kind) = if let (Party::Org(h), false) = (p.helper, gov) {
                    let k = if w.orgs[h].kind == OrgKind::Enterprise {
                        "enterprise"
                    } else {
                        "social_org"
                    };
                    (format!("org:{}", w.orgs[h].id), k)
                } else if r < 0.4 {
                    (
                        format!("org:{}", w.orgs[*pick(&mut rng, &social)].id),
                        "social_org",
                    )
                } else if r < 0.75 {
                    (
                        format!("org:{}", w.orgs[enterprise_for(w, &mut rng, p)].id),
                        "enterprise",
                    )
                } else {
                    (names::person_p(&mut rng, 0.6), "individual")
                };
                let in_kind = first_donation || chance(&mut rng, 0.2);
                first_donation = false;
                dono.row([
                    format!("DN{:06}", dono.rows + 1),
                    p.id.clone(),
                    fmt_date(date_between(&mut rng, yb, ye.max(yb))),
                    donor,
                    kind.to_string(),
                    Fen(money(&mut rng, 10_000, 2_000_000, 1)).to_yuan_short(),
                    b(in_kind).to_string(),
                ])?;
            }
            // Meetings.
            if gov {
                let spec = [
                    ("joint_meeting", i64::from(chance(&mut rng, 0.9)), 0.85),
                    ("visit_to_west", between(&mut rng, 0, 2), 0.7),
                    ("visit_to_east", between(&mut rng, 0, 2), 0.6),
                ];
                for (kind, k, top) in spec {
                    for _ in 0..k {
                        meo.row([
                            format!("MT{:06}", meo.rows + 1),
                            p.id.clone(),
                            fmt_date(date_between(&mut rng, yb, ye.max(yb))),
                            kind.to_string(),
                            b(chance(&mut rng, top)).to_string(),
                        ])?;
                    }
                }
            }
            // Targets (partial: some pairings, some indicators).
            if gov && chance(&mut rng, 0.85) {
                let persons: f64 = p
                    .counties
                    .iter()
                    .map(|&c| w.counties[c].households as f64 * 3.3)
                    .sum();
                let cands: [(&str, String); 10] = [
                    (
                        "cadres_to_west",
                        between(&mut rng, 1, 2 + sc as i64).to_string(),
                    ),
                    (
                        "technicians_to_west",
                        between(&mut rng, 1, 4 * sc as i64).to_string(),
                    ),
                    ("trained_people", between(&mut rng, 20, 150).to_string()),
                    ("enterprises_invested", between(&mut rng, 1, 3).to_string()),
                    (
                        "investment",
                        Fen(money(&mut rng, 5_000_000, 40_000_000, 10_000)).to_yuan_short(),
                    ),
                    (
                        "poor_employed",
                        ((persons * 0.02 * (0.5 + unit(&mut rng))) as i64)
                            .max(1)
                            .to_string(),
                    ),
                    ("poor_trained", between(&mut rng, 10, 60).to_string()),
                    (
                        "poor_benefited",
                        ((persons * 0.08 * (0.5 + unit(&mut rng))) as i64)
                            .max(1)
                            .to_string(),
                    ),
                    (
                        "exit_rate",
                        format!("0.{:04}", between(&mut rng, 500, 3000)),
                    ),
                    (
                        "purchases",
                        Fen(money(&mut rng, 200_000, 5_000_000, 1000)).to_yuan_short(),
                    ),
                ];
                for (ind, v) in cands {
                    if !chance(&mut rng, 0.55) {
                        continue;
                    }
                    let v = if forced_targets == 0 {
                        "0".to_string()
                    } else if forced_targets == 1 {
                        "-1".to_string()
                    } else {
                        v
                    };
                    forced_targets += 1;
                    tao.row([p.id.clone(), y.to_string(), ind.to_string(), v])?;
                }
            }
        }
    }
    let _ = end;
    Ok(vec![
        so.finish()?,
        io.finish()?,
        puo.finish()?,
        dono.finish()?,
        meo.finish()?,
        tao.finish()?,
    ])
}
