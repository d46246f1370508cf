//! The streaming pass over western villages: households, persons, household
//! income, beneficiaries, placements and training attendance. Each village has
//! its own random stream; only small per-county state is kept, so memory does
//! not grow with the number of persons.

use crate::GenerateError;
mod showcase;

use crate::activity::{Activity, Training, near_enterprises};
use crate::names;
use crate::out::{Out, rc};
use crate::rng::{
    Rng, between, chance, date_between, date_in_year, fmt_date, index as index_of, pick, stream,
    unit, ymd,
};
use crate::world::{County, Party, World};
use chrono::{Datelike, Days, NaiveDate};
use showcase::{Showcase, forced_case};
use std::collections::BTreeMap;
use std::path::Path;
use xiezuo_domain::Fen;
use xiezuo_domain::enums::{OrgKind, TrainingKind};
use xiezuo_domain::id_number::check_char;
use xiezuo_exchange::FileKind;

/// What later steps (dirty rows, tests) need to know about the pass.
pub struct PeopleInfo {
    pub persons: u64,
    pub households: u64,
    /// The first person row (line 2 of persons.csv).
    pub first_person: Vec<String>,
}

const DAY0: i32 = 1900;

/// What the person pass attaches persons to: the world, the activity
/// (projects, and trainings whose attendance it counts), the look-ups and
/// the showcase; with the files of placements and attendance.
struct Pass<'a> {
    w: &'a World,
    act: &'a mut Activity,
    ix: Index,
    sc: Showcase,
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

/// Projects, trainings and labour-station data looked up by village and county.
struct Index {
    village_projects: BTreeMap<usize, Vec<usize>>,
    county_projects: Vec<Vec<usize>>,
    county_trainings: Vec<Vec<usize>>,
    station_of: Vec<String>,
    seeker_wants: Vec<Vec<u64>>,
}

/// Per-county state: attendance probabilities of its poor-labour trainings
/// and the chance of a county-wide project.
struct CountyCtx {
    ci: usize,
    code: u64,
    county6: String,
    tlist: Vec<usize>,
    tp: Vec<f64>,
    sum_tp: f64,
    total_tp: f64,
    cproj: Vec<usize>,
    cproj_p: f64,
}

impl CountyCtx {
    fn new(pass: &Pass, ci: usize, c: &County) -> CountyCtx {
        // Attendance probabilities of the county's poor-labour trainings.
        let eligible_est = (c.households as f64 * 3.3 * 0.55).max(1.0);
        let tlist = pass.ix.county_trainings[ci].clone();
        let tp: Vec<f64> = tlist
            .iter()
            .map(|&t| pass.act.trainings[t].expected / eligible_est)
            .collect();
        let sum_tp: f64 = tp.iter().sum();
        let cproj = pass.ix.county_projects[ci].clone();
        let cproj_p = if cproj.is_empty() {
            0.0
        } else {
            (cproj.len() as f64 * 25.0 / c.households.max(1) as f64).min(0.8)
        };
        CountyCtx {
            ci,
            code: c.code,
            county6: format!("{:06}", c.code / 1_000_000),
            tlist,
            tp,
            sum_tp,
            total_tp: sum_tp.min(0.3),
            cproj,
            cproj_p,
        }
    }
}

/// The files and counters of the streaming pass.
struct Sink {
    ho: Out,
    peo: Out,
    inc: Out,
    beo: Out,
    sk: Out,
    person_no: u64,
    household_no: u64,
    first_person: Vec<String>,
    seqs: Vec<u16>,
    ndays: usize,
    seed: u64,
    fy: i32,
    ly: i32,
    place_p: f64,
}

/// One household being written (户).
struct Home {
    vi: usize,
    hid: String,
    bene: Vec<usize>,
}

/// Candidate pairings per county and per village.
fn candidate_pairings(w: &World, fy: i32) -> (Vec<Vec<usize>>, BTreeMap<usize, Vec<usize>>) {
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
    (county_pairings, village_pairings)
}

/// The eastern enterprises near each pairing's helper.
fn near_enterprises_by_pairing(w: &World) -> Vec<Vec<usize>> {
    w.pairings.iter().map(|p| near_enterprises(w, p)).collect()
}

fn index(w: &World, act: &Activity, county_pairings: &[Vec<usize>]) -> Index {
    let mut village_projects: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut county_projects: Vec<Vec<usize>> = vec![Vec::new(); w.counties.len()];
    for (i, p) in act.projects.iter().enumerate() {
        match p.village {
            Some(v) => village_projects.entry(v).or_default().push(i),
            None => county_projects[p.county].push(i),
        }
    }
    let mut county_trainings: Vec<Vec<usize>> = vec![Vec::new(); w.counties.len()];
    for (i, t) in act.trainings.iter().enumerate() {
        if t.kind == TrainingKind::PoorLabor {
            county_trainings[t.host_county].push(i);
        }
    }
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
            let mut v: Vec<u64> = county_pairings[ci]
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
    Index {
        village_projects,
        county_projects,
        county_trainings,
        station_of,
        seeker_wants,
    }
}

/// Runs the pass and writes its six files.
pub fn write_people(
    w: &World,
    act: &mut Activity,
    dir: &Path,
    seed: u64,
    fy: i32,
    ly: i32,
) -> Result<(Vec<(String, u64)>, PeopleInfo), GenerateError> {
    let ho = Out::create(dir, FileKind::Households)?;
    let peo = Out::create(dir, FileKind::Persons)?;
    let inc = Out::create(dir, FileKind::HouseholdIncome)?;
    let beo = Out::create(dir, FileKind::Beneficiaries)?;
    let pl = Out::create(dir, FileKind::Placements)?;
    let sk = Out::create(dir, FileKind::Seekers)?;
    let at = Out::create(dir, FileKind::TrainingAttendance)?;

    let (county_pairings, village_pairings) = candidate_pairings(w, fy);
    let near_ents = near_enterprises_by_pairing(w);
    let ix = index(w, act, &county_pairings);
    let sc = Showcase::new(w, act, fy, ly);
    let mut pass = Pass {
        w,
        act,
        ix,
        sc,
        pl,
        at,
        near_ents,
        county_pairings,
        village_pairings,
    };
    let ndays = ((2031 - DAY0) * 366) as usize;
    let mut sink = Sink {
        ho,
        peo,
        inc,
        beo,
        sk,
        person_no: 0,
        household_no: 0,
        first_person: Vec::new(),
        seqs: vec![0; 2 * ndays],
        ndays,
        seed,
        fy,
        ly,
        place_p: (0.04 * f64::from(ly - fy + 1)).min(0.5),
    };

    for (ci, c) in w.counties.iter().enumerate() {
        sink.seqs.iter_mut().for_each(|s| *s = 0);
        let cc = CountyCtx::new(&pass, ci, c);
        for vi in c.villages.clone() {
            let mut rng = stream(seed, "village", vi as u64);
            for hk in 0..w.villages[vi].households {
                sink.household(&mut pass, &mut rng, &cc, vi, hk)?;
            }
        }
    }
    let res = vec![
        sink.ho.finish()?,
        sink.peo.finish()?,
        sink.inc.finish()?,
        sink.beo.finish()?,
        pass.pl.finish()?,
        pass.at.finish()?,
        sink.sk.finish()?,
    ];
    Ok((
        res,
        PeopleInfo {
            persons: sink.person_no,
            households: sink.household_no,
            first_person: sink.first_person,
        },
    ))
}

impl Sink {
    /// Writes one household, its members, income and beneficiaries.
    fn household(
        &mut self,
        pass: &mut Pass,
        rng: &mut Rng,
        cc: &CountyCtx,
        vi: usize,
        hk: u32,
    ) -> Result<(), GenerateError> {
        let w = pass.w;
        let v = &w.villages[vi];
        let ly = self.ly;
        self.household_no += 1;
        let hid = format!("H{:08}", self.household_no);
        let r = unit(rng);
        let identified = if r < 0.6 {
            2014
        } else if r < 0.85 {
            2015
        } else {
            between(rng, 2016, i64::from(ly.max(2016))) as i32
        };
        let exit = if chance(rng, 0.85) {
            let lo = identified.max(2016);
            Some(between(rng, i64::from(lo), i64::from(ly.max(lo))) as i32)
        } else {
            None
        };
        let category = {
            let r = unit(rng);
            if r < 0.75 {
                "general"
            } else if r < 0.95 {
                "dibao"
            } else {
                "tekun"
            }
        };
        let (mt, my) = if chance(rng, 0.04) {
            let t = *pick(rng, &["unstable", "marginal", "sudden"]);
            let lo = exit.unwrap_or(identified).max(2020.min(ly));
            (t, Some(between(rng, i64::from(lo), i64::from(ly.max(lo)))))
        } else {
            ("", None)
        };
        self.ho.row([
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
            let r = unit(rng);
            let cum = [0.12, 0.34, 0.59, 0.79, 0.92, 0.97, 1.0];
            cum.iter().position(|&x| r < x).unwrap_or(6) + 1
        };
        let head_year = between(rng, 1937, 1992) as i32;
        let head_male = chance(rng, 0.8);
        let mut home = Home {
            vi,
            hid,
            bene: Vec::new(),
        };
        for m in 0..size {
            let (male, year) = match m {
                0 => (head_male, head_year),
                1 if chance(rng, 0.85) => (
                    !head_male,
                    (head_year + between(rng, -5, 5) as i32).clamp(1930, 1998),
                ),
                4 | 5 if chance(rng, 0.5) => (
                    chance(rng, 0.4),
                    (head_year - between(rng, 20, 30) as i32).max(1920),
                ),
                _ => (
                    chance(rng, 0.52),
                    (head_year + between(rng, 20, 40) as i32).min(2016),
                ),
            };
            self.member(pass, rng, cc, &mut home, (male, year))?;
        }
        // Income.
        for y in (ly - 1).max(identified)..=ly {
            let base = if exit.is_some_and(|e| e <= y) {
                between(rng, 4500, 12000)
            } else {
                between(rng, 2500, 4500)
            };
            self.inc.row([
                home.hid.clone(),
                y.to_string(),
                Fen(base * 100 + between(rng, 0, 99)).to_yuan_short(),
            ])?;
        }
        // Beneficiaries.
        let vp = (20.0 / f64::from(v.households.max(1))).min(0.5);
        if let Some(vproj) = pass.ix.village_projects.get(&vi) {
            for &p in vproj {
                if chance(rng, vp) {
                    home.bene.push(p);
                }
            }
        }
        if cc.cproj_p > 0.0 {
            let r = unit(rng);
            if r < cc.cproj_p {
                let k = ((r / cc.cproj_p) * cc.cproj.len() as f64) as usize;
                home.bene.push(cc.cproj[k.min(cc.cproj.len() - 1)]);
            }
        }
        match pass.sc.outside_project {
            Some(p) if vi == 0 && hk == 0 => home.bene.push(p),
            _ => {}
        }
        home.bene.sort_unstable();
        home.bene.dedup();
        for &p in &home.bene {
            self.beo
                .row([pass.act.projects[p].id.as_str(), home.hid.as_str()])?;
        }
        Ok(())
    }

    /// Writes one person (人员) of sex and birth year `(male, year)`, their
    /// job-seeker row, placements and attendance.
    fn member(
        &mut self,
        pass: &mut Pass,
        rng: &mut Rng,
        cc: &CountyCtx,
        home: &mut Home,
        (male, year): (bool, i32),
    ) -> Result<(), GenerateError> {
        let ly = self.ly;
        let day0 = ymd(DAY0, 1, 1);
        let mut birth = date_in_year(rng, year);
        let sex_ix = usize::from(male);
        // Structural uniqueness: a counter per (county, birth date, sex).
        let seq = loop {
            let di = ((birth - day0).num_days().max(0) as usize).min(self.ndays - 1);
            let k = &mut self.seqs[di * 2 + sex_ix];
            if *k < 499 {
                *k += 1;
                break *k;
            }
            birth = birth + Days::new(1);
        };
        let seq3 = if male { 2 * seq - 1 } else { 2 * seq };
        let mut idn = format!("{}{}{seq3:03}", cc.county6, fmt_ymd8(birth));
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&idn.as_bytes()[..17]);
        idn.push(char::from(check_char(&first17)));
        let age = 2018 - birth.year();
        let labor = labor_capacity(rng, age);
        self.person_no += 1;
        let pid = format!("P{:09}", self.person_no);
        let row = [
            pid.clone(),
            home.hid.clone(),
            idn,
            names::person(rng, male),
            (if male { "M" } else { "F" }).to_string(),
            fmt_date(birth),
            labor.to_string(),
        ];
        if self.first_person.is_empty() {
            self.first_person = row.to_vec();
        }
        self.peo.row(&row)?;
        // Job seekers (v1.1), from their own random stream.
        if (18..=55).contains(&(ly - birth.year())) && labor != "none" {
            let mut srng = stream(self.seed, "seeker", self.person_no);
            if chance(&mut srng, crate::labour::SEEKER_SHARE) {
                self.sk.row(crate::labour::seeker_row(
                    &mut srng,
                    &pid,
                    &pass.ix.station_of[cc.ci],
                    &pass.ix.seeker_wants[cc.ci],
                    ly,
                ))?;
            }
        }
        // Placements and attendance.
        if !(16..=60).contains(&age) || labor == "none" {
            return Ok(());
        }
        let forced = if cc.ci >= pass.sc.cp0_county && (18..=55).contains(&age) && labor == "full" {
            pass.sc.forces.pop_front()
        } else {
            None
        };
        if let Some(f) = forced {
            return forced_case(pass, rng, f, &pid, cc.code, &mut home.bene);
        }
        self.ordinary(pass, rng, cc, home.vi, &pid)
    }

    /// Random placements and poor-labour training attendance of one person.
    fn ordinary(
        &self,
        pass: &mut Pass,
        rng: &mut Rng,
        cc: &CountyCtx,
        vi: usize,
        pid: &str,
    ) -> Result<(), GenerateError> {
        let (fy, ly) = (self.fy, self.ly);
        if chance(rng, self.place_p) {
            let n = if chance(rng, 0.25) { 2 } else { 1 };
            for _ in 0..n {
                let s = date_between(rng, ymd(fy, 1, 1), ymd(ly, 11, 30));
                let len = if chance(rng, 0.3) {
                    between(rng, 30, 120)
                } else {
                    between(rng, 90, 700)
                };
                let e = s + Days::new(len as u64);
                let e = if chance(rng, 0.1) || e > ymd(ly, 12, 31) {
                    None
                } else {
                    Some(e)
                };
                let pi = if chance(rng, 0.003) {
                    let oc = index_of(rng, pass.w.counties.len());
                    pass.pairing_for(rng, oc, usize::MAX, s)
                } else {
                    pass.pairing_for(rng, cc.ci, vi, s)
                };
                if let Some(pi) = pi {
                    pass.placement(rng, pid, pi, cc.code, s, e)?;
                }
            }
        }
        if cc.total_tp > 0.0 {
            let r = unit(rng);
            if r < cc.total_tp {
                let target = r / cc.total_tp * cc.sum_tp;
                let mut acc = 0.0;
                for (k, &t) in cc.tlist.iter().enumerate() {
                    acc += cc.tp[k];
                    if target < acc || k + 1 == cc.tlist.len() {
                        attend(&mut pass.at, &mut pass.act.trainings[t], pid)?;
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `full` below the share `full`, `weak` below `weak`, else `none`.
fn full_weak_none(rng: &mut Rng, full: f64, weak: f64) -> &'static str {
    let r = unit(rng);
    if r < full {
        "full"
    } else if r < weak {
        "weak"
    } else {
        "none"
    }
}

/// Labour capacity (劳动能力) by age.
fn labor_capacity(rng: &mut Rng, age: i32) -> &'static str {
    if age < 16 {
        "none"
    } else if age <= 55 {
        full_weak_none(rng, 0.8, 0.95)
    } else if age <= 65 {
        full_weak_none(rng, 0.2, 0.8)
    } else if chance(rng, 0.2) {
        "weak"
    } else {
        "none"
    }
}

/// Records one attendance of training `t`.
fn attend(at: &mut Out, t: &mut Training, pid: &str) -> Result<(), GenerateError> {
    t.attended += 1;
    at.row([t.id.as_str(), pid])
}
