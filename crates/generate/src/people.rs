//! The streaming pass over western villages: households, persons, household
//! income, beneficiaries, placements and training attendance. Each village has
//! its own random stream; only small per-county state is kept, so memory does
//! not grow with the number of persons.

use crate::GenerateError;
use crate::activity::{Activity, Project, Training};
use crate::names;
use crate::out::{Out, rc};
use crate::rng::{
    Rng, between, chance, date_between, date_in_year, fmt_date, index, pick, stream, unit, ymd,
};
use crate::world::{Party, World};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::BTreeMap;
use std::path::Path;
use xiezuo_domain::Fen;
use xiezuo_domain::enums::{OrgKind, ProjectStatus, TrainingKind};
use xiezuo_domain::id_number::check_char;

/// What later steps (dirty rows, tests) need to know about the pass.
pub struct PeopleInfo {
    pub persons: u64,
    pub households: u64,
    /// The first person row (line 2 of persons.csv).
    pub first_person: Vec<String>,
}

/// Tricky cases forced on the first eligible persons of the showcase county.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Force {
    Days89,
    Days90,
    Days91,
    OverlapSame,
    OverlapScope,
    SpanOpen,
    Channels,
    Outside,
}

const FORCES: [Force; 8] = [
    Force::Days89,
    Force::Days90,
    Force::Days91,
    Force::OverlapSame,
    Force::OverlapScope,
    Force::SpanOpen,
    Force::Channels,
    Force::Outside,
];

const DAY0: i32 = 1900;

struct Pass<'a> {
    w: &'a World,
    pl: Out,
    at: Out,
    near_ents: Vec<Vec<usize>>,
    county_pairings: Vec<Vec<usize>>,
    village_pairings: BTreeMap<usize, Vec<usize>>,
}

impl Pass<'_> {
    fn employer(&self, rng: &mut Rng, pi: usize, own: u64) -> (String, u64) {
        let p = &self.w.pairings[pi];
        match p.helper {
            Party::Org(h) if self.w.orgs[h].kind == OrgKind::Enterprise && chance(rng, 0.7) => {
                return (format!("org:{}", self.w.orgs[h].id), self.w.orgs[h].region);
            }
            _ => {}
        }
        if chance(rng, 0.55) {
            let ents = if self.near_ents[pi].is_empty() {
                &self.w.east_enterprises
            } else {
                &self.near_ents[pi]
            };
            let e = *pick(rng, ents);
            return (format!("org:{}", self.w.orgs[e].id), self.w.orgs[e].region);
        }
        let region = if chance(rng, 0.15) || p.helper_counties.is_empty() {
            own
        } else {
            *pick(rng, &p.helper_counties)
        };
        ((*pick(rng, names::EMPLOYERS)).to_string(), region)
    }

    fn placement(
        &mut self,
        rng: &mut Rng,
        person: &str,
        pi: usize,
        own: u64,
        s: NaiveDate,
        e: Option<NaiveDate>,
    ) -> Result<(), GenerateError> {
        let (emp, region) = self.employer(rng, pi, own);
        let wage = between(rng, 2000, 7000) * 100 + if chance(rng, 0.2) { 50 } else { 0 };
        let id = format!("PL{:07}", self.pl.rows + 1);
        self.pl.row([
            id,
            person.to_string(),
            self.w.pairings[pi].id.clone(),
            emp,
            rc(region),
            fmt_date(s),
            e.map(fmt_date).unwrap_or_default(),
            Fen(wage).to_yuan_short(),
        ])
    }

    /// A pairing for a person of `county`/`village` active at `d` (any when none is).
    fn pairing_for(
        &self,
        rng: &mut Rng,
        county: usize,
        village: usize,
        d: NaiveDate,
    ) -> Option<usize> {
        let mut c: Vec<usize> = self.county_pairings[county].clone();
        if let Some(v) = self.village_pairings.get(&village) {
            c.extend(v);
        }
        let active: Vec<usize> = c
            .iter()
            .copied()
            .filter(|&p| {
                self.w.pairings[p].start <= d && self.w.pairings[p].end.is_none_or(|e| e >= d)
            })
            .collect();
        let from = if active.is_empty() { &c } else { &active };
        if from.is_empty() {
            return None;
        }
        // Prefer the county pairing when there is one.
        let county_pairing = from.iter().copied().find(|&p| {
            self.w.pairings[p].level == xiezuo_domain::RegionLevel::County
                && self.w.pairings[p].is_gov()
        });
        match county_pairing {
            Some(cp) if chance(rng, 0.6) => return Some(cp),
            _ => {}
        }
        Some(*pick(rng, from))
    }
}

fn fmt_ymd8(d: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// Runs the pass and writes its six files.
#[allow(clippy::too_many_lines)]
pub fn write_people(
    w: &World,
    act: &mut Activity,
    dir: &Path,
    seed: u64,
    fy: i32,
    ly: i32,
) -> Result<(Vec<(String, u64)>, PeopleInfo), GenerateError> {
    let mut ho = Out::create(dir, "households.csv")?;
    let mut peo = Out::create(dir, "persons.csv")?;
    let mut inc = Out::create(dir, "household_income.csv")?;
    let mut beo = Out::create(dir, "beneficiaries.csv")?;
    let pl = Out::create(dir, "placements.csv")?;
    let mut sk = Out::create(dir, "seekers.csv")?;
    let at = Out::create(dir, "training_attendance.csv")?;

    // Candidate pairings per county and per village.
    let mut county_pairings = vec![Vec::new(); w.counties.len()];
    let mut village_pairings: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (pi, p) in w.pairings.iter().enumerate() {
        if p.end.is_some_and(|e| e.year() < fy) {
            continue;
        }
        if p.villages.is_empty() {
            for &c in &p.counties {
                county_pairings[c].push(pi);
            }
        } else {
            for &v in &p.villages {
                village_pairings.entry(v).or_default().push(pi);
            }
        }
    }
    let near_ents = w
        .pairings
        .iter()
        .map(|p| {
            w.east_enterprises
                .iter()
                .copied()
                .filter(|&e| {
                    p.helper_counties
                        .iter()
                        .any(|&c| w.orgs[e].region / 1_000_000 == c / 1_000_000)
                })
                .collect()
        })
        .collect();
    let mut pass = Pass {
        w,
        pl,
        at,
        near_ents,
        county_pairings,
        village_pairings,
    };

    // Projects per village and county-wide projects per county.
    let mut village_projects: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut county_projects: Vec<Vec<usize>> = vec![Vec::new(); w.counties.len()];
    for (i, p) in act.projects.iter().enumerate() {
        match p.village {
            Some(v) => village_projects.entry(v).or_default().push(i),
            None => county_projects[p.county].push(i),
        }
    }
    // Poor-labour trainings per host county.
    let mut county_trainings: Vec<Vec<usize>> = vec![Vec::new(); w.counties.len()];
    for (i, t) in act.trainings.iter().enumerate() {
        if t.kind == TrainingKind::PoorLabor {
            county_trainings[t.host_county].push(i);
        }
    }
    let cp0 = w.cp0;
    let cp0_county = w.pairings[cp0].counties[0];
    let y1 = fy;
    let y2 = (fy + 2).min(ly);
    let channel_project = act
        .projects
        .iter()
        .position(|p| p.pairing == cp0 && p.year == y1 && p.status != ProjectStatus::Cancelled);
    let outside_project = act.projects.iter().position(|p| p.county != 0);
    let mut forces: std::collections::VecDeque<Force> = FORCES.into_iter().collect();

    let station_of: Vec<String> = w
        .counties
        .iter()
        .map(|c| {
            let name = w
                .regions
                .iter()
                .find(|r| r.code == c.code)
                .map_or("", |r| r.name.as_str());
            format!("{name}劳务协作工作站")
        })
        .collect();
    // The eastern provinces helping each county, as wanted regions.
    let seeker_wants: Vec<Vec<u64>> = (0..w.counties.len())
        .map(|ci| {
            let mut v: Vec<u64> = pass.county_pairings[ci]
                .iter()
                .flat_map(|&p| {
                    w.pairings[p]
                        .helper_counties
                        .iter()
                        .map(|c| c / 10_000_000_000 * 10_000_000_000)
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let mut person_no: u64 = 0;
    let mut household_no: u64 = 0;
    let mut first_person = Vec::new();
    let place_p = (0.04 * f64::from(ly - fy + 1)).min(0.5);
    let ndays = ((2031 - DAY0) * 366) as usize;
    let mut seqs: Vec<u16> = vec![0; 2 * ndays];
    let day0 = ymd(DAY0, 1, 1);

    for (ci, c) in w.counties.iter().enumerate() {
        seqs.iter_mut().for_each(|s| *s = 0);
        let county6 = format!("{:06}", c.code / 1_000_000);
        // Attendance probabilities of the county's poor-labour trainings.
        let eligible_est = (c.households as f64 * 3.3 * 0.55).max(1.0);
        let tlist = &county_trainings[ci];
        let tp: Vec<f64> = tlist
            .iter()
            .map(|&t| act.trainings[t].expected / eligible_est)
            .collect();
        let sum_tp: f64 = tp.iter().sum();
        let total_tp = sum_tp.min(0.3);
        let cproj = &county_projects[ci];
        let cproj_p = if cproj.is_empty() {
            0.0
        } else {
            (cproj.len() as f64 * 25.0 / c.households.max(1) as f64).min(0.8)
        };
        for vi in c.villages.clone() {
            let v = &w.villages[vi];
            let mut rng = stream(seed, "village", vi as u64);
            let vproj = village_projects.get(&vi).cloned().unwrap_or_default();
            for hk in 0..v.households {
                household_no += 1;
                let hid = format!("H{household_no:08}");
                // Household.
                let r = unit(&mut rng);
                let identified = if r < 0.6 {
                    2014
                } else if r < 0.85 {
                    2015
                } else {
                    between(&mut rng, 2016, i64::from(ly.max(2016))) as i32
                };
                let exit = if chance(&mut rng, 0.85) {
                    let lo = identified.max(2016);
                    Some(between(&mut rng, i64::from(lo), i64::from(ly.max(lo))) as i32)
                } else {
                    None
                };
                let category = {
                    let r = unit(&mut rng);
                    if r < 0.75 {
                        "general"
                    } else if r < 0.95 {
                        "dibao"
                    } else {
                        "tekun"
                    }
                };
                let (mt, my) = if chance(&mut rng, 0.04) {
                    let t = *pick(&mut rng, &["unstable", "marginal", "sudden"]);
                    let lo = exit.unwrap_or(identified).max(2020.min(ly));
                    (
                        t,
                        Some(between(&mut rng, i64::from(lo), i64::from(ly.max(lo)))),
                    )
                } else {
                    ("", None)
                };
                ho.row([
                    hid.clone(),
                    rc(v.code),
                    category.to_string(),
                    identified.to_string(),
                    exit.map(|e| e.to_string()).unwrap_or_default(),
                    mt.to_string(),
                    my.map(|y| y.to_string()).unwrap_or_default(),
                ])?;
                // Members.
                let size = {
                    let r = unit(&mut rng);
                    let cum = [0.12, 0.34, 0.59, 0.79, 0.92, 0.97, 1.0];
                    cum.iter().position(|&x| r < x).unwrap_or(6) + 1
                };
                let head_year = between(&mut rng, 1937, 1992) as i32;
                let head_male = chance(&mut rng, 0.8);
                let mut bene: Vec<usize> = Vec::new();
                for m in 0..size {
                    let (male, year) = match m {
                        0 => (head_male, head_year),
                        1 if chance(&mut rng, 0.85) => (
                            !head_male,
                            (head_year + between(&mut rng, -5, 5) as i32).clamp(1930, 1998),
                        ),
                        4 | 5 if chance(&mut rng, 0.5) => (
                            chance(&mut rng, 0.4),
                            (head_year - between(&mut rng, 20, 30) as i32).max(1920),
                        ),
                        _ => (
                            chance(&mut rng, 0.52),
                            (head_year + between(&mut rng, 20, 40) as i32).min(2016),
                        ),
                    };
                    let mut birth = date_in_year(&mut rng, year);
                    let sex_ix = usize::from(male);
                    // Structural uniqueness: a counter per (county, birth date, sex).
                    let seq = loop {
                        let di = ((birth - day0).num_days().max(0) as usize).min(ndays - 1);
                        let k = &mut seqs[di * 2 + sex_ix];
                        if *k < 499 {
                            *k += 1;
                            break *k;
                        }
                        birth = birth + Days::new(1);
                    };
                    let seq3 = if male { 2 * seq - 1 } else { 2 * seq };
                    let mut idn = format!("{county6}{}{seq3:03}", fmt_ymd8(birth));
                    let mut first17 = [0u8; 17];
                    first17.copy_from_slice(&idn.as_bytes()[..17]);
                    idn.push(char::from(check_char(&first17)));
                    let age = 2018 - birth.year();
                    let labor = if age < 16 {
                        "none"
                    } else if age <= 55 {
                        let r = unit(&mut rng);
                        if r < 0.8 {
                            "full"
                        } else if r < 0.95 {
                            "weak"
                        } else {
                            "none"
                        }
                    } else if age <= 65 {
                        let r = unit(&mut rng);
                        if r < 0.2 {
                            "full"
                        } else if r < 0.8 {
                            "weak"
                        } else {
                            "none"
                        }
                    } else if chance(&mut rng, 0.2) {
                        "weak"
                    } else {
                        "none"
                    };
                    person_no += 1;
                    let pid = format!("P{person_no:09}");
                    let row = [
                        pid.clone(),
                        hid.clone(),
                        idn,
                        names::person(&mut rng, male),
                        (if male { "M" } else { "F" }).to_string(),
                        fmt_date(birth),
                        labor.to_string(),
                    ];
                    if first_person.is_empty() {
                        first_person = row.to_vec();
                    }
                    peo.row(&row)?;
                    // Job seekers (v1.1), from their own random stream.
                    if (18..=55).contains(&(ly - birth.year())) && labor != "none" {
                        let mut srng = stream(seed, "seeker", person_no);
                        if chance(&mut srng, crate::labour::SEEKER_SHARE) {
                            sk.row(crate::labour::seeker_row(
                                &mut srng,
                                &pid,
                                &station_of[ci],
                                &seeker_wants[ci],
                                ly,
                            ))?;
                        }
                    }

                    // Placements and attendance.
                    if !(16..=60).contains(&age) || labor == "none" {
                        continue;
                    }
                    let forced = if ci >= cp0_county && (18..=55).contains(&age) && labor == "full"
                    {
                        forces.pop_front()
                    } else {
                        None
                    };
                    if let Some(f) = forced {
                        let pref0 = w.pref0;
                        let cp1 = w.cp1;
                        let d = ymd;
                        match f {
                            Force::Days89 => pass.placement(
                                &mut rng,
                                &pid,
                                cp0,
                                c.code,
                                d(y2, 1, 1),
                                Some(d(y2, 3, 30)),
                            )?,
                            Force::Days90 => pass.placement(
                                &mut rng,
                                &pid,
                                cp0,
                                c.code,
                                d(y2, 1, 1),
                                Some(d(y2, 3, 31)),
                            )?,
                            Force::Days91 => pass.placement(
                                &mut rng,
                                &pid,
                                cp0,
                                c.code,
                                d(y2, 4, 1),
                                Some(d(y2, 6, 30)),
                            )?,
                            Force::OverlapSame => {
                                pass.placement(
                                    &mut rng,
                                    &pid,
                                    cp0,
                                    c.code,
                                    d(y1, 3, 1),
                                    Some(d(y1, 8, 31)),
                                )?;
                                pass.placement(
                                    &mut rng,
                                    &pid,
                                    cp0,
                                    c.code,
                                    d(y1, 6, 1),
                                    Some(d(y1, 12, 31)),
                                )?;
                            }
                            Force::OverlapScope => {
                                pass.placement(
                                    &mut rng,
                                    &pid,
                                    cp0,
                                    c.code,
                                    d(y2, 2, 1),
                                    Some(d(y2, 7, 31)),
                                )?;
                                pass.placement(
                                    &mut rng,
                                    &pid,
                                    pref0,
                                    c.code,
                                    d(y2, 5, 1),
                                    Some(d(y2, 10, 31)),
                                )?;
                            }
                            Force::SpanOpen => {
                                pass.placement(
                                    &mut rng,
                                    &pid,
                                    cp0,
                                    c.code,
                                    d(y1, 10, 1),
                                    Some(d(y1 + 1, 2, 28)),
                                )?;
                                pass.placement(&mut rng, &pid, cp0, c.code, d(y2, 5, 1), None)?;
                            }
                            Force::Channels => {
                                pass.placement(
                                    &mut rng,
                                    &pid,
                                    cp0,
                                    c.code,
                                    d(y1, 3, 1),
                                    Some(d(y1, 9, 30)),
                                )?;
                                // One training of every kind of the showcase pairing.
                                for kind in [
                                    TrainingKind::PoorLabor,
                                    TrainingKind::Cadre,
                                    TrainingKind::Technician,
                                    TrainingKind::VillageLeader,
                                ] {
                                    if let Some(t) = act.trainings.iter().position(|t| {
                                        t.pairing == cp0 && t.kind == kind && t.start.year() == y1
                                    }) {
                                        attend(&mut pass.at, &mut act.trainings[t], &pid)?;
                                    }
                                }
                                if let Some(p) = channel_project {
                                    bene.push(p);
                                }
                            }
                            Force::Outside => {
                                pass.placement(
                                    &mut rng,
                                    &pid,
                                    cp1,
                                    c.code,
                                    d(y1, 5, 1),
                                    Some(d(y1, 11, 30)),
                                )?;
                                if let Some(t) = act.trainings.iter().position(|t| {
                                    t.pairing == cp1 && t.kind == TrainingKind::PoorLabor
                                }) {
                                    attend(&mut pass.at, &mut act.trainings[t], &pid)?;
                                }
                            }
                        }
                        continue;
                    }
                    if chance(&mut rng, place_p) {
                        let n = if chance(&mut rng, 0.25) { 2 } else { 1 };
                        for _ in 0..n {
                            let s = date_between(&mut rng, ymd(fy, 1, 1), ymd(ly, 11, 30));
                            let len = if chance(&mut rng, 0.3) {
                                between(&mut rng, 30, 120)
                            } else {
                                between(&mut rng, 90, 700)
                            };
                            let e = s + Days::new(len as u64);
                            let e = if chance(&mut rng, 0.1) || e > ymd(ly, 12, 31) {
                                None
                            } else {
                                Some(e)
                            };
                            let pi = if chance(&mut rng, 0.003) {
                                let oc = index(&mut rng, w.counties.len());
                                pass.pairing_for(&mut rng, oc, usize::MAX, s)
                            } else {
                                pass.pairing_for(&mut rng, ci, vi, s)
                            };
                            if let Some(pi) = pi {
                                pass.placement(&mut rng, &pid, pi, c.code, s, e)?;
                            }
                        }
                    }
                    if total_tp > 0.0 {
                        let r = unit(&mut rng);
                        if r < total_tp {
                            let target = r / total_tp * sum_tp;
                            let mut acc = 0.0;
                            for (k, &t) in tlist.iter().enumerate() {
                                acc += tp[k];
                                if target < acc || k + 1 == tlist.len() {
                                    attend(&mut pass.at, &mut act.trainings[t], &pid)?;
                                    break;
                                }
                            }
                        }
                    }
                }
                // Income.
                for y in (ly - 1).max(identified)..=ly {
                    let base = if exit.is_some_and(|e| e <= y) {
                        between(&mut rng, 4500, 12000)
                    } else {
                        between(&mut rng, 2500, 4500)
                    };
                    inc.row([
                        hid.clone(),
                        y.to_string(),
                        Fen(base * 100 + between(&mut rng, 0, 99)).to_yuan_short(),
                    ])?;
                }
                // Beneficiaries.
                let vp = (20.0 / f64::from(v.households.max(1))).min(0.5);
                for &p in &vproj {
                    if chance(&mut rng, vp) {
                        bene.push(p);
                    }
                }
                if cproj_p > 0.0 {
                    let r = unit(&mut rng);
                    if r < cproj_p {
                        let k = ((r / cproj_p) * cproj.len() as f64) as usize;
                        bene.push(cproj[k.min(cproj.len() - 1)]);
                    }
                }
                match outside_project {
                    Some(p) if vi == 0 && hk == 0 => bene.push(p),
                    _ => {}
                }
                bene.sort_unstable();
                bene.dedup();
                for p in bene {
                    beo.row([act.projects[p].id.as_str(), hid.as_str()])?;
                }
            }
        }
    }
    let _: Option<&Project> = None;
    let _: Option<&Training> = None;
    let res = vec![
        ho.finish()?,
        peo.finish()?,
        inc.finish()?,
        beo.finish()?,
        pass.pl.finish()?,
        pass.at.finish()?,
        sk.finish()?,
    ];
    Ok((
        res,
        PeopleInfo {
            persons: person_no,
            households: household_no,
            first_person,
        },
    ))
}

fn attend(at: &mut Out, t: &mut Training, pid: &str) -> Result<(), GenerateError> {
    t.attended += 1;
    at.row([t.id.as_str(), pid])
}
