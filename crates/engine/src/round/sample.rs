//! The cross-check sample (交叉核查抽样): the records that the verification
//! teams check on site, drawn by lot from what a frozen year's assessment
//! reads, and the team (a province, 核查组) that checks each pairing.
//!
//! The sample is stratified. Registry records are drawn per pairing and per
//! county of its helped area: villages and registered households (identified
//! by the year), each sampled household with its beneficiary rows (projects
//! of the year in the pairing's scope S(P)) and its members' placements (in
//! S(P), active in the year). Activity records are drawn per pairing from
//! S(P): projects of the year (each with its milestones due in the year),
//! ledger rows (funds) dated in the year, and trainings starting in the year
//! (each with its attendance). Sizes come from the method's `[sampling]`
//! table; a stratum with fewer records gives all of them.
//!
//! Reproducible: every stratum draws from its own ChaCha8 stream, seeded by
//! SHA-256 of the seed and the stratum's name, over candidates in sorted
//! order; so the same store, year, seed and method give byte-identical
//! files, and a stratum's draw does not depend on the other strata.
//!
//! Teams by lot: each pairing gets a province drawn from those that are
//! party to none of the pairings of its sides' provinces (so a team never
//! checks its own pairing or its own province, nor a partner of its own);
//! when there is none such, from the provinces other than its sides' own.
//!
//! The sample is drawn from a frozen round only. It reads the current store,
//! which for the records the frozen year reads is the frozen data: the
//! importer refuses any change to them once the year is frozen.

use super::{Round, RoundError, SampleRecord, record_sample, round};
use crate::assess::compute::{Index, YearCtx, scope};
use crate::assess::data::AssessmentData;
use crate::assess::method::{Method, Sampling};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use xiezuo_domain::enums::RegionLevel;
use xiezuo_domain::time::in_year;
use xiezuo_domain::{Id, Year};
use xiezuo_exchange::{FileKind, Record};
use xiezuo_store::{Store, StoreError};

/// The columns of `sample.csv`. `result` is left empty for the team to
/// fill in: `confirmed` (属实), `not_found` (查无), `discrepant` (不符) or
/// `falsified` (虚报).
pub const SAMPLE_COLUMNS: [&str; 9] = [
    "year",
    "seed",
    "pairing_id",
    "county",
    "record_kind",
    "record_id",
    "stratum",
    "result",
    "note",
];

/// The columns of `teams.csv`: the pairing, the province drawn as its team
/// (code and name), its sides' provinces, and how many provinces could be
/// drawn.
pub const TEAM_COLUMNS: [&str; 6] = [
    "pairing_id",
    "team_province",
    "team_province_name",
    "helper_province",
    "helped_province",
    "candidates",
];

/// The results a team may record for a sampled record.
pub const RESULTS: [&str; 4] = ["confirmed", "not_found", "discrepant", "falsified"];

/// One sampled record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampledRecord {
    pub pairing_id: String,
    /// The county of the stratum (registry records) or of the project;
    /// empty for other activity records.
    pub county: String,
    /// `village`, `household`, `beneficiary`, `placement`, `project`,
    /// `milestone`, `fund`, `training` or `attendance`.
    pub record_kind: &'static str,
    pub record_id: String,
    /// What the record was drawn from: `county:<code>` or `pairing:<id>`
    /// for drawn records, `household:<id>`, `project:<id>` or
    /// `training:<id>` for the records that come with a drawn one.
    pub stratum: String,
}

/// The team drawn for a pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub pairing_id: String,
    /// The team's province code; empty when no province can be drawn.
    pub team_province: String,
    pub team_province_name: String,
    pub helper_province: String,
    pub helped_province: String,
    pub candidates: usize,
}

/// A drawn sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub year: Year,
    pub seed: u64,
    pub records: Vec<SampledRecord>,
    pub teams: Vec<Team>,
}

impl Sample {
    /// Sampled records by kind.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for r in &self.records {
            *m.entry(r.record_kind.to_string()).or_insert(0) += 1;
        }
        m
    }

    /// Sampled records by pairing.
    pub fn by_pairing(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for r in &self.records {
            *m.entry(r.pairing_id.clone()).or_insert(0) += 1;
        }
        m
    }

    /// The team province drawn for each pairing (where one could be drawn).
    pub fn team_of(&self) -> BTreeMap<String, String> {
        self.teams
            .iter()
            .filter(|t| !t.team_province.is_empty())
            .map(|t| (t.pairing_id.clone(), t.team_province.clone()))
            .collect()
    }

    /// `sample.csv`.
    pub fn sample_csv(&self) -> Vec<u8> {
        let mut out = SAMPLE_COLUMNS.join(",");
        out.push('\n');
        for r in &self.records {
            let row = [
                self.year.to_string(),
                self.seed.to_string(),
                r.pairing_id.clone(),
                r.county.clone(),
                r.record_kind.to_string(),
                r.record_id.clone(),
                r.stratum.clone(),
                String::new(),
                String::new(),
            ];
            push_row(&mut out, &row);
        }
        out.into_bytes()
    }

    /// `teams.csv`.
    pub fn teams_csv(&self) -> Vec<u8> {
        let mut out = TEAM_COLUMNS.join(",");
        out.push('\n');
        for t in &self.teams {
            let row = [
                t.pairing_id.clone(),
                t.team_province.clone(),
                t.team_province_name.clone(),
                t.helper_province.clone(),
                t.helped_province.clone(),
                t.candidates.to_string(),
            ];
            push_row(&mut out, &row);
        }
        out.into_bytes()
    }
}

fn push_row(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if c.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(c);
        }
    }
    out.push('\n');
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The stream of one stratum: ChaCha8 seeded by SHA-256 of the seed and
/// the stratum's name parts.
fn stream(seed: u64, parts: &[&str]) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(b"xiezuo-sample\0");
    h.update(seed.to_le_bytes());
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&h.finalize());
    ChaCha8Rng::from_seed(key)
}

/// Uniform integer below `n` (`n` > 0), without modulo bias.
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let n = n as u64;
    let zone = u64::MAX - (u64::MAX - n + 1) % n;
    loop {
        let x = rng.next_u64();
        if x <= zone {
            return (x % n) as usize;
        }
    }
}

/// `k` distinct indices below `n` (all of them when `k >= n`), in
/// increasing order: a partial Fisher-Yates shuffle.
pub fn choose(rng: &mut ChaCha8Rng, n: usize, k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    if k >= n {
        return idx;
    }
    for i in 0..k {
        let j = i + below(rng, n - i);
        idx.swap(i, j);
    }
    idx.truncate(k);
    idx.sort_unstable();
    idx
}

/// Draws `k` of `items` (sorted by the caller) for the stratum `parts`.
fn draw<T: Clone>(seed: u64, parts: &[&str], items: &[T], k: u32) -> Vec<T> {
    let mut rng = stream(seed, parts);
    choose(&mut rng, items.len(), k as usize)
        .into_iter()
        .map(|i| items[i].clone())
        .collect()
}

/// Household ids by household row id (the registry keeps households by
/// dense row id; the sample names them by id).
pub fn household_ids(store: &dyn Store) -> Result<Vec<Option<Id>>, StoreError> {
    let mut ids: Vec<Option<Id>> = Vec::new();
    store.scan(FileKind::Households, &mut |row, _| {
        let rec = Record::from_cells(FileKind::Households, &row.cells)
            .map_err(|e| StoreError::Corrupt(format!("households row {}: {e}", row.rowid)))?;
        if let Record::Household(h) = rec {
            let i = usize::try_from(row.rowid)
                .map_err(|_| StoreError::Corrupt("household row id".into()))?;
            if ids.len() <= i {
                ids.resize(i + 1, None);
            }
            ids[i] = Some(h.household_id);
        }
        Ok(())
    })?;
    Ok(ids)
}

/// The ancestor (or self) of region `r` at `level`.
fn ancestor_at(d: &AssessmentData, mut r: u32, level: RegionLevel) -> Option<u32> {
    loop {
        let n = &d.regions[r as usize];
        if n.level == level {
            return Some(r);
        }
        r = n.parent?;
    }
}

/// What is worked out once for all pairings.
struct Frame<'a> {
    d: &'a AssessmentData,
    ix: Index,
    y: YearCtx,
    year: Year,
    seed: u64,
    sizes: Sampling,
    /// Villages by county, sorted by code.
    villages: BTreeMap<u32, Vec<u32>>,
    /// Households registered by the year (row id, id), by county, sorted by id.
    households: BTreeMap<u32, Vec<(u32, Id)>>,
    /// Beneficiary rows by household row id.
    benefits_of: BTreeMap<u32, Vec<u32>>,
    /// Placements by the household row id of the person placed.
    placements_of: BTreeMap<u32, Vec<u32>>,
}

impl<'a> Frame<'a> {
    fn new(
        d: &'a AssessmentData,
        household_ids: &[Option<Id>],
        year: Year,
        seed: u64,
        sizes: Sampling,
    ) -> Frame<'a> {
        let mut villages: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (i, r) in d.regions.iter().enumerate() {
            if r.level == RegionLevel::Village
                && let Some(c) = ancestor_at(d, i as u32, RegionLevel::County)
            {
                villages.entry(c).or_default().push(i as u32);
            }
        }
        for v in villages.values_mut() {
            v.sort_by_key(|&r| d.regions[r as usize].code);
        }
        let mut households: BTreeMap<u32, Vec<(u32, Id)>> = BTreeMap::new();
        for (row, h) in d.households.iter().enumerate() {
            let (Some(h), Some(Some(id))) = (h, household_ids.get(row)) else {
                continue;
            };
            if h.identified_year > year {
                continue;
            }
            if let Some(c) = ancestor_at(d, h.village, RegionLevel::County) {
                households
                    .entry(c)
                    .or_default()
                    .push((row as u32, id.clone()));
            }
        }
        for v in households.values_mut() {
            v.sort_by(|a, b| a.1.as_str().cmp(b.1.as_str()));
        }
        let mut benefits_of: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (i, b) in d.beneficiaries.iter().enumerate() {
            benefits_of.entry(b.1).or_default().push(i as u32);
        }
        let mut placements_of: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (i, (_, person, _)) in d.placements.iter().enumerate() {
            let hh = d
                .person_household
                .get(*person as usize)
                .copied()
                .unwrap_or(0);
            if hh != 0 {
                placements_of.entry(hh).or_default().push(i as u32);
            }
        }
        Frame {
            d,
            benefits_of,
            placements_of,
            ix: Index::new(d),
            y: YearCtx::new(d, year),
            year,
            seed,
            sizes,
            villages,
            households,
        }
    }

    /// The counties of an area: those within it, or the one it lies in.
    fn counties(&self, area: u32) -> Vec<u32> {
        let d = self.d;
        let level = d.regions[area as usize].level;
        if level == RegionLevel::County {
            return vec![area];
        }
        if matches!(level, RegionLevel::Township | RegionLevel::Village) {
            return ancestor_at(d, area, RegionLevel::County)
                .into_iter()
                .collect();
        }
        let mut v: Vec<u32> = (0..d.regions.len() as u32)
            .filter(|&r| {
                d.regions[r as usize].level == RegionLevel::County && d.region_within(r, area)
            })
            .collect();
        v.sort_by_key(|&r| d.regions[r as usize].code);
        v
    }
}

/// Draws the sample of `year` with `seed` from loaded data.
pub fn draw_sample(
    d: &AssessmentData,
    household_ids: &[Option<Id>],
    year: Year,
    seed: u64,
    sizes: Sampling,
) -> Sample {
    let f = Frame::new(d, household_ids, year, seed, sizes);
    let mut order: Vec<u32> = (0..d.pairings.len() as u32)
        .filter(|&p| f.y.active[p as usize])
        .collect();
    order.sort_by(|&a, &b| {
        d.pairings[a as usize]
            .pairing_id
            .as_str()
            .cmp(d.pairings[b as usize].pairing_id.as_str())
    });
    let mut records = Vec::new();
    let mut teams = Vec::new();
    for &p in &order {
        let s = scope(d, &f.y, p);
        registry_records(&f, p, &s, &mut records);
        activity_records(&f, p, &s, &mut records);
        teams.push(team(&f, p, &order));
    }
    Sample {
        year,
        seed,
        records,
        teams,
    }
}

/// Villages and households per county of the pairing's helped area, with
/// the beneficiary rows and placements of the sampled households.
fn registry_records(f: &Frame, p: u32, s: &[u32], out: &mut Vec<SampledRecord>) {
    let d = f.d;
    let pid = d.pairings[p as usize].pairing_id.as_str();
    let area = d.area(d.pairing_helped[p as usize]);
    let in_scope: BTreeSet<u32> = s.iter().copied().collect();
    for c in f.counties(area) {
        let code = d.regions[c as usize].code.to_string();
        let stratum = format!("county:{code}");
        let villages: Vec<u32> = f
            .villages
            .get(&c)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&v| d.region_within(v, area))
            .collect();
        let parts = [pid, code.as_str(), "village"];
        for v in draw(f.seed, &parts, &villages, f.sizes.villages_per_county) {
            out.push(record(
                pid,
                &code,
                "village",
                d.regions[v as usize].code.to_string(),
                &stratum,
            ));
        }
        let households: Vec<(u32, Id)> = f
            .households
            .get(&c)
            .into_iter()
            .flatten()
            .filter(|(row, _)| {
                d.households[*row as usize].is_some_and(|h| d.region_within(h.village, area))
            })
            .cloned()
            .collect();
        let parts = [pid, code.as_str(), "household"];
        let drawn = draw(f.seed, &parts, &households, f.sizes.households_per_county);
        for (_, id) in &drawn {
            out.push(record(pid, &code, "household", id.to_string(), &stratum));
        }
        household_records(f, &in_scope, pid, &code, &drawn, out);
    }
}

/// The beneficiary rows (projects of the year in scope) and placements (in
/// scope, active in the year) of the sampled households.
fn household_records(
    f: &Frame,
    in_scope: &BTreeSet<u32>,
    pid: &str,
    code: &str,
    drawn: &[(u32, Id)],
    out: &mut Vec<SampledRecord>,
) {
    let d = f.d;
    let mut found: Vec<(String, &'static str, String)> = Vec::new();
    for (hh, hid) in drawn {
        for &i in f.benefits_of.get(hh).into_iter().flatten() {
            let (proj, _, _) = &d.beneficiaries[i as usize];
            let pr = &d.projects[*proj as usize];
            if pr.year == f.year && in_scope.contains(&d.project_pairing[*proj as usize]) {
                let id = format!("{}/{}", pr.project_id, hid);
                found.push((hid.to_string(), "beneficiary", id));
            }
        }
        for &i in f.placements_of.get(hh).into_iter().flatten() {
            let (pairing, _, pl) = &d.placements[i as usize];
            if in_scope.contains(pairing) && pl.period.active_in(f.year) {
                found.push((hid.to_string(), "placement", pl.placement_id.to_string()));
            }
        }
    }
    found.sort();
    found.dedup();
    for (hid, kind, id) in found {
        out.push(record(pid, code, kind, id, &format!("household:{hid}")));
    }
}

/// Projects, ledger rows and trainings drawn per pairing from its scope.
fn activity_records(f: &Frame, p: u32, s: &[u32], out: &mut Vec<SampledRecord>) {
    let d = f.d;
    let pid = d.pairings[p as usize].pairing_id.as_str();
    let stratum = format!("pairing:{pid}");
    let mut projects: Vec<u32> = s
        .iter()
        .flat_map(|&q| f.ix.projects[q as usize].iter().copied())
        .filter(|&i| d.projects[i as usize].year == f.year)
        .collect();
    projects.sort_by(|&a, &b| {
        let (x, y) = (&d.projects[a as usize], &d.projects[b as usize]);
        x.project_id.as_str().cmp(y.project_id.as_str())
    });
    for i in draw(
        f.seed,
        &[pid, "project"],
        &projects,
        f.sizes.projects_per_pairing,
    ) {
        let pr = &d.projects[i as usize];
        let county = pr.county.to_string();
        out.push(record(
            pid,
            &county,
            "project",
            pr.project_id.to_string(),
            &stratum,
        ));
        let mut ms: Vec<(i64, String)> = f.ix.milestones_by_project[i as usize]
            .iter()
            .map(|&m| &d.milestones[m as usize].1)
            .filter(|m| in_year(m.due_date, f.year))
            .map(|m| (m.seq, format!("{}/{}", m.project_id, m.seq)))
            .collect();
        ms.sort();
        let sub = format!("project:{}", pr.project_id);
        for (_, id) in ms {
            out.push(record(pid, &county, "milestone", id, &sub));
        }
    }
    let mut funds: Vec<u32> = s
        .iter()
        .flat_map(|&q| f.ix.funds[q as usize].iter().copied())
        .filter(|&i| in_year(d.funds[i as usize].1.date, f.year))
        .collect();
    funds.sort_by(|&a, &b| {
        let (x, y) = (&d.funds[a as usize].1, &d.funds[b as usize].1);
        x.txn_id.as_str().cmp(y.txn_id.as_str())
    });
    for i in draw(
        f.seed,
        &[pid, "fund"],
        &funds,
        f.sizes.ledger_rows_per_pairing,
    ) {
        let id = d.funds[i as usize].1.txn_id.to_string();
        out.push(record(pid, "", "fund", id, &stratum));
    }
    training_records(f, pid, s, &stratum, out);
}

/// Trainings in scope starting in the year, each with its attendance.
fn training_records(f: &Frame, pid: &str, s: &[u32], stratum: &str, out: &mut Vec<SampledRecord>) {
    let d = f.d;
    let mut trainings: Vec<u32> = s
        .iter()
        .flat_map(|&q| f.ix.trainings[q as usize].iter().copied())
        .filter(|&i| in_year(d.trainings[i as usize].1.start_date, f.year))
        .collect();
    trainings.sort_by(|&a, &b| {
        let (x, y) = (&d.trainings[a as usize].1, &d.trainings[b as usize].1);
        x.training_id.as_str().cmp(y.training_id.as_str())
    });
    for i in draw(
        f.seed,
        &[pid, "training"],
        &trainings,
        f.sizes.trainings_per_pairing,
    ) {
        let t = &d.trainings[i as usize].1;
        out.push(record(
            pid,
            "",
            "training",
            t.training_id.to_string(),
            stratum,
        ));
        let mut att: Vec<String> = f.ix.attendance_by_training[i as usize]
            .iter()
            .map(|&a| d.attendance[a as usize].2.to_string())
            .collect();
        att.sort();
        att.dedup();
        let sub = format!("training:{}", t.training_id);
        for person in att {
            let id = format!("{}/{}", t.training_id, person);
            out.push(record(pid, "", "attendance", id, &sub));
        }
    }
}

fn record(pid: &str, county: &str, kind: &'static str, id: String, stratum: &str) -> SampledRecord {
    SampledRecord {
        pairing_id: pid.to_string(),
        county: county.to_string(),
        record_kind: kind,
        record_id: id,
        stratum: stratum.to_string(),
    }
}

/// The province a pairing side (a region or an organisation) lies in.
fn side_province(d: &AssessmentData, side: crate::assess::data::PartyRef) -> Option<u32> {
    ancestor_at(d, d.area(side), RegionLevel::Province)
}

/// The team of pairing `p`, drawn from the provinces party to none of the
/// active pairings (`active`) of its sides' provinces.
fn team(f: &Frame, p: u32, active: &[u32]) -> Team {
    let d = f.d;
    let pid = d.pairings[p as usize].pairing_id.as_str();
    let hp = side_province(d, d.pairing_helper[p as usize]);
    let dp = side_province(d, d.pairing_helped[p as usize]);
    let own: BTreeSet<u32> = hp.into_iter().chain(dp).collect();
    let mut excluded = own.clone();
    for &q in active {
        let hq = side_province(d, d.pairing_helper[q as usize]);
        let dq = side_province(d, d.pairing_helped[q as usize]);
        let sides: Vec<u32> = hq.into_iter().chain(dq).collect();
        if sides.iter().any(|s| own.contains(s)) {
            excluded.extend(sides);
        }
    }
    let mut provinces: Vec<u32> = (0..d.regions.len() as u32)
        .filter(|&r| d.regions[r as usize].level == RegionLevel::Province)
        .collect();
    provinces.sort_by_key(|&r| d.regions[r as usize].code);
    let mut candidates: Vec<u32> = provinces
        .iter()
        .copied()
        .filter(|r| !excluded.contains(r))
        .collect();
    if candidates.is_empty() {
        candidates = provinces.into_iter().filter(|r| !own.contains(r)).collect();
    }
    let code = |r: Option<u32>| r.map_or(String::new(), |r| d.regions[r as usize].code.to_string());
    let mut rng = stream(f.seed, &[pid, "team"]);
    let pick = if candidates.is_empty() {
        None
    } else {
        Some(candidates[below(&mut rng, candidates.len())])
    };
    Team {
        pairing_id: pid.to_string(),
        team_province: code(pick),
        team_province_name: pick.map_or(String::new(), |r| d.regions[r as usize].name.to_string()),
        helper_province: code(hp),
        helped_province: code(dp),
        candidates: candidates.len(),
    }
}

/// A drawn and recorded sample, with its files.
#[derive(Debug, Clone)]
pub struct DrawnSample {
    pub sample: Sample,
    /// `sample.csv` and `teams.csv`, with their bytes.
    pub files: SampleFiles,
    pub record: SampleRecord,
    pub round: Round,
}

/// Draws the cross-check sample of a frozen year and records its seed and
/// digest in the year's round. Refuses a year without a round or whose
/// round is not frozen.
pub fn sample(
    store: &mut dyn Store,
    year: Year,
    seed: u64,
    method: &Method,
    actor: &str,
    at: &str,
) -> Result<DrawnSample, RoundError> {
    let r = round(store, year)?.ok_or(RoundError::NoRound(year))?;
    if r.frozen.is_none() {
        return Err(RoundError::NotFrozen(year));
    }
    let data = AssessmentData::load(store)?;
    let ids = household_ids(store)?;
    let sample = draw_sample(&data, &ids, year, seed, method.sampling);
    let sample_csv = sample.sample_csv();
    let record = SampleRecord {
        seed,
        at: at.to_string(),
        actor: actor.to_string(),
        digest: digest(&sample_csv),
        method_id: method.id.clone(),
        counts: sample.counts(),
        by_pairing: sample.by_pairing(),
        teams: sample.team_of(),
    };
    let files = vec![
        ("sample.csv", sample_csv),
        ("teams.csv", sample.teams_csv()),
    ];
    let round = record_sample(store, year, record.clone())?;
    Ok(DrawnSample {
        sample,
        files,
        record,
        round,
    })
}

/// `sample.csv` and `teams.csv`, with their bytes.
pub type SampleFiles = Vec<(&'static str, Vec<u8>)>;

/// The files of the round's latest sample (`sample.csv`, `teams.csv`),
/// drawn again from its recorded seed and checked against its recorded
/// digest: refused when the data moved since, rather than giving teams a
/// list that is not the one drawn.
pub fn latest_files(
    store: &dyn Store,
    year: Year,
    method: &Method,
) -> Result<(SampleRecord, SampleFiles), RoundError> {
    let r = round(store, year)?.ok_or(RoundError::NoRound(year))?;
    let s = r
        .samples
        .last()
        .cloned()
        .ok_or(RoundError::NoSample(year))?;
    let data = AssessmentData::load(store)?;
    let ids = household_ids(store)?;
    let sample = draw_sample(&data, &ids, year, s.seed, method.sampling);
    let sample_csv = sample.sample_csv();
    if digest(&sample_csv) != s.digest {
        return Err(RoundError::SampleMoved(year));
    }
    let files = vec![
        ("sample.csv", sample_csv),
        ("teams.csv", sample.teams_csv()),
    ];
    Ok((s, files))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The repository's test dataset, imported into an in-memory store.
    fn dataset() -> (AssessmentData, Vec<Option<Id>>) {
        let store = crate::test_support::dataset_store();
        let d = AssessmentData::load(&store).unwrap();
        let ids = household_ids(&store).unwrap();
        (d, ids)
    }

    #[test]
    fn the_sampling_table_gives_the_sizes_and_refuses_unknown_keys() {
        use crate::assess::method::XZ_V1;
        assert_eq!(Method::default_v1().sampling, Sampling::default());
        let text = XZ_V1.replace("villages_per_county = 5", "villages_per_county = 7");
        let m = Method::parse(&text, "m.toml").unwrap();
        assert_eq!(m.sampling.villages_per_county, 7);
        assert_eq!(m.sampling.households_per_county, 100);
        let text = XZ_V1.replace(
            "villages_per_county = 5",
            "villages_per_county = 5\nwards = 2",
        );
        let e = Method::parse(&text, "m.toml").unwrap_err().to_string();
        assert!(e.contains("wards"), "{e}");
    }

    #[test]
    fn choose_is_sorted_distinct_capped_and_reproducible() {
        for (n, k) in [(0, 3), (2, 5), (10, 10), (100, 7), (1000, 100)] {
            let a = choose(&mut stream(9, &["x"]), n, k);
            let b = choose(&mut stream(9, &["x"]), n, k);
            assert_eq!(a, b);
            assert_eq!(a.len(), k.min(n));
            assert!(a.windows(2).all(|w| w[0] < w[1]));
            assert!(a.iter().all(|&i| i < n));
        }
        let a = choose(&mut stream(9, &["x"]), 1000, 10);
        let b = choose(&mut stream(10, &["x"]), 1000, 10);
        let c = choose(&mut stream(9, &["y"]), 1000, 10);
        assert_ne!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn the_same_seed_gives_the_same_sample_and_another_seed_another() {
        let (d, ids) = dataset();
        let a = draw_sample(&d, &ids, 2020, 7, Sampling::default());
        let b = draw_sample(&d, &ids, 2020, 7, Sampling::default());
        assert_eq!(a.sample_csv(), b.sample_csv());
        assert_eq!(a.teams_csv(), b.teams_csv());
        let c = draw_sample(&d, &ids, 2020, 8, Sampling::default());
        assert_ne!(a.sample_csv(), c.sample_csv());
        // Pairings in id order, and within a stratum ids in sorted order.
        let pairings: Vec<&str> = a.teams.iter().map(|t| t.pairing_id.as_str()).collect();
        assert!(pairings.windows(2).all(|w| w[0] < w[1]));
        for w in a.records.windows(2) {
            if w[0].stratum == w[1].stratum && w[0].record_kind == w[1].record_kind {
                assert!(w[0].record_id < w[1].record_id, "{:?}", w);
            }
        }
    }

    #[test]
    fn sizes_are_capped_by_the_method_and_by_what_there_is() {
        let (d, ids) = dataset();
        let sizes = Sampling {
            villages_per_county: 2,
            households_per_county: 3,
            projects_per_pairing: 1,
            ledger_rows_per_pairing: 2,
            trainings_per_pairing: 1,
        };
        let s = draw_sample(&d, &ids, 2020, 1, sizes);
        let mut per: BTreeMap<(String, &str, String), u32> = BTreeMap::new();
        for r in &s.records {
            *per.entry((r.pairing_id.clone(), r.record_kind, r.stratum.clone()))
                .or_default() += 1;
        }
        for ((_, kind, _), n) in &per {
            let cap = match *kind {
                "village" => 2,
                "household" => 3,
                "project" => 1,
                "fund" => 2,
                "training" => 1,
                _ => u32::MAX,
            };
            assert!(*n <= cap, "{kind}: {n}");
        }
        let big = Sampling {
            villages_per_county: 1000,
            ..Sampling::default()
        };
        let s = draw_sample(&d, &ids, 2020, 1, big);
        // Every village of a county-level pairing's county.
        let county = "450122000000";
        let villages = s
            .records
            .iter()
            .filter(|r| r.pairing_id == "CNTY-440101-450122" && r.record_kind == "village")
            .count();
        let there = d
            .regions
            .iter()
            .filter(|r| {
                r.level == RegionLevel::Village && r.code.to_string().starts_with(&county[..6])
            })
            .count();
        assert_eq!(villages, there);
        assert!(there > 0);
    }

    #[test]
    fn a_team_never_checks_its_own_province_or_a_partner() {
        let (d, ids) = dataset();
        for seed in 0..20 {
            let s = draw_sample(&d, &ids, 2020, seed, Sampling::default());
            for t in &s.teams {
                assert!(!t.team_province.is_empty(), "{t:?}");
                assert_ne!(t.team_province, t.helper_province);
                assert_ne!(t.team_province, t.helped_province);
                if t.pairing_id == "PROV-44-45" {
                    // Guangdong also helps Yunnan: Yunnan is a partner.
                    assert!(["310000000000", "410000000000"].contains(&t.team_province.as_str()));
                }
            }
        }
    }
}
