//! Labour cooperation (劳务协作): matching registered job seekers to the
//! postings of eastern employers, as a lexicographic optimum
//! (`xiezuo-matching`), with a reason for every seeker left unmatched;
//! confirming matches as placements; the station view with retention.
//!
//! Eligibility of a seeker for a posting on date D: the posting is open
//! (closing date ≥ D, positions left), the seeker is free (no placement
//! active on D) and available by the start (or by D), the wage reaches the
//! seeker's minimum, the seeker's age is in the posting's range, the
//! labour capacity suffices (`full` for any job, `weak` for light jobs,
//! `none` for none), the seeker has one of the required skills, and the
//! work region is within one of the seeker's wanted regions or, failing
//! those, within the distance class of home (county, prefecture, province,
//! any).

use chrono::{Datelike, Months, NaiveDate};
use hashbrown::{HashMap, HashSet};
use xiezuo_domain::enums::{DistanceClass, Labor};
use xiezuo_domain::records::{NameOrParty, Placement, Posting, Seeker};
use xiezuo_domain::{Fen, Id, RegionCode, RegionLevel};
use xiezuo_exchange::{Cell, FileKind, Record};
use xiezuo_matching as solver;
use xiezuo_store::{Store, StoreError};

/// What the matcher knows of a seeker's person and household.
#[derive(Debug, Clone)]
pub struct SeekerFacts {
    pub seeker: Seeker,
    pub person_rowid: u32,
    pub household_rowid: u32,
    pub birth_date: NaiveDate,
    pub labor: Labor,
    pub village: RegionCode,
    pub identified_year: i32,
    pub exit_year: Option<i32>,
}

/// The labour data of the store.
#[derive(Debug, Default)]
pub struct LabourData {
    pub seekers: Vec<SeekerFacts>,
    pub postings: Vec<Posting>,
    /// (placement, person row id)
    pub placements: Vec<(Placement, u32)>,
    /// Household row id of every person, by person row id.
    pub person_household: Vec<u32>,
    /// Region codes with their parents.
    pub parent: HashMap<RegionCode, Option<RegionCode>>,
}

fn corrupt(what: String) -> StoreError {
    StoreError::Corrupt(what)
}

impl LabourData {
    /// The day a station's view opens on when none is asked for: the latest
    /// day the labour data speaks of (posting starts, seeker availability,
    /// placement starts) on which a posting is still open; without
    /// postings, that latest day itself.
    pub fn default_date(&self) -> Option<NaiveDate> {
        let postings = self.postings.iter().map(|p| p.start_date);
        let seekers = self.seekers.iter().map(|s| s.seeker.available_from);
        let placements = self.placements.iter().map(|(p, _)| p.period.start);
        let latest = postings.chain(seekers).chain(placements).max()?;
        let open = self
            .postings
            .iter()
            .filter(|p| p.start_date <= latest)
            .map(|p| p.closing_date.min(latest))
            .max();
        Some(open.unwrap_or(latest))
    }

    /// Loads seekers (with their persons and households), postings,
    /// placements and the region hierarchy.
    pub fn load(store: &dyn Store) -> Result<LabourData, StoreError> {
        let mut d = LabourData::default();
        store.scan(FileKind::Regions, &mut |row, _| {
            if let Ok(Record::Region(r)) = Record::from_cells(FileKind::Regions, &row.cells) {
                d.parent.insert(r.code, r.parent);
            }
            Ok(())
        })?;
        let mut postings = Vec::new();
        store.scan(FileKind::Postings, &mut |row, _| {
            match Record::from_cells(FileKind::Postings, &row.cells) {
                Ok(Record::Posting(p)) => postings.push(p),
                _ => return Err(corrupt(format!("posting row {}", row.rowid))),
            }
            Ok(())
        })?;
        d.postings = postings;
        let mut placements = Vec::new();
        store.scan(FileKind::Placements, &mut |row, refs| {
            match Record::from_cells(FileKind::Placements, &row.cells) {
                Ok(Record::Placement(p)) => {
                    placements.push((p, refs.first().copied().flatten().unwrap_or(0) as u32))
                }
                _ => return Err(corrupt(format!("placement row {}", row.rowid))),
            }
            Ok(())
        })?;
        d.placements = placements;
        d.person_household = store.person_households()?;
        let mut seekers = Vec::new();
        store.scan(FileKind::Seekers, &mut |row, refs| {
            match Record::from_cells(FileKind::Seekers, &row.cells) {
                Ok(Record::Seeker(s)) => {
                    seekers.push((s, refs.first().copied().flatten().unwrap_or(0)))
                }
                _ => return Err(corrupt(format!("seeker row {}", row.rowid))),
            }
            Ok(())
        })?;
        for (s, person_rowid) in seekers {
            let person = store
                .get(
                    FileKind::Persons,
                    &[Cell::Text(s.person_id.as_str().into())],
                )?
                .ok_or_else(|| corrupt(format!("seeker {} has no person", s.person_id)))?;
            let Ok(Record::Person(p)) = Record::from_cells(FileKind::Persons, &person.cells) else {
                return Err(corrupt(format!("person {}", s.person_id)));
            };
            let hh = store
                .get(
                    FileKind::Households,
                    &[Cell::Text(p.household_id.as_str().into())],
                )?
                .ok_or_else(|| corrupt(format!("person {} has no household", s.person_id)))?;
            let Ok(Record::Household(h)) = Record::from_cells(FileKind::Households, &hh.cells)
            else {
                return Err(corrupt(format!("household {}", p.household_id)));
            };
            d.seekers.push(SeekerFacts {
                seeker: s,
                person_rowid: person_rowid as u32,
                household_rowid: hh.rowid as u32,
                birth_date: p.birth_date,
                labor: p.labor,
                village: h.village,
                identified_year: h.identified_year,
                exit_year: h.exit_year,
            });
        }
        Ok(d)
    }

    fn within(&self, a: RegionCode, b: RegionCode) -> bool {
        let mut cur = Some(a);
        let mut steps = 0;
        while let Some(c) = cur {
            if c == b {
                return true;
            }
            cur = self.parent.get(&c).copied().flatten();
            steps += 1;
            if steps > 8 {
                break;
            }
        }
        false
    }

    /// The ancestor of `code` at `level` (by the hierarchy, else by prefix).
    fn ancestor_at(&self, code: RegionCode, level: RegionLevel) -> Option<RegionCode> {
        let mut cur = Some(code);
        while let Some(c) = cur {
            if c.level() == level {
                return Some(c);
            }
            cur = self.parent.get(&c).copied().flatten();
        }
        code.truncated(level)
    }
}

fn active_on(p: &Placement, d: NaiveDate) -> bool {
    p.period.start <= d && p.period.end.is_none_or(|e| e >= d)
}

fn skill_set(s: &Option<xiezuo_domain::records::Text>) -> HashSet<String> {
    s.as_deref()
        .unwrap_or("")
        .split([';', '；', '、', ',', '，', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn age_on(birth: NaiveDate, d: NaiveDate) -> i64 {
    let mut age = i64::from(d.year() - birth.year());
    if (d.month(), d.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Why a seeker is left without a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmatched {
    /// The seeker already has a placement active on the date.
    AlreadyEmployed,
    /// No open posting lies within the seeker's wanted regions or distance.
    NoPostingInReach,
    /// Postings are in reach but every one fails a rule: (rule, postings).
    NotEligible(Vec<(&'static str, usize)>),
    /// Eligible postings exist, but their positions went to seekers with
    /// higher priority or better fit.
    CapacityTaken,
}

impl Unmatched {
    /// A short code and a readable explanation.
    pub fn describe(&self) -> (&'static str, String) {
        match self {
            Unmatched::AlreadyEmployed => (
                "already_employed",
                "has a placement active on the date".into(),
            ),
            Unmatched::NoPostingInReach => (
                "no_posting_in_reach",
                "no open posting within the wanted regions or distance".into(),
            ),
            Unmatched::NotEligible(rules) => (
                "not_eligible",
                rules
                    .iter()
                    .map(|(r, n)| format!("{r}: {n} postings"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Unmatched::CapacityTaken => (
                "capacity_taken",
                "eligible postings were filled by seekers of higher priority or better fit".into(),
            ),
        }
    }
}

/// One proposed match.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub seeker: usize,
    pub posting: usize,
    pub fit: i32,
    pub no_one_employed: bool,
    pub registered_poor: bool,
}

/// The result of a matching run.
#[derive(Debug, Clone)]
pub struct MatchRun {
    pub date: NaiveDate,
    pub proposals: Vec<Proposal>,
    /// (seeker index, reason)
    pub unmatched: Vec<(usize, Unmatched)>,
    pub optimal: solver::Objective,
    pub greedy: solver::Objective,
    /// Open positions left per posting before matching.
    pub open_positions: Vec<u32>,
    pub eligible_pairs: usize,
}

/// Fit of an eligible pair: wage above the minimum (1 point per 100 yuan,
/// at most 100), within a wanted region (30), a required skill held (40),
/// housing provided (10).
fn fit(s: &SeekerFacts, p: &Posting, wanted_hit: bool, skill_hit: bool) -> i32 {
    let surplus = ((p.monthly_wage.0 - s.seeker.min_wage.0) / 10_000).clamp(0, 100) as i32;
    surplus
        + if wanted_hit { 30 } else { 0 }
        + if skill_hit { 40 } else { 0 }
        + if p.housing { 10 } else { 0 }
}

/// Who is employed on `date` (persons, and households with someone
/// employed), and the positions each posting still has open.
struct Employment {
    persons: HashSet<u32>,
    households: HashSet<u32>,
    open_positions: Vec<u32>,
}

fn employment_on(d: &LabourData, date: NaiveDate) -> Employment {
    let mut persons: HashSet<u32> = HashSet::new();
    let mut households: HashSet<u32> = HashSet::new();
    let mut filled: HashMap<&str, u32> = HashMap::new();
    for (p, person) in &d.placements {
        if active_on(p, date) {
            persons.insert(*person);
            if let Some(&h) = d.person_household.get(*person as usize) {
                households.insert(h);
            }
            if let Some(post) = &p.posting_id {
                *filled.entry(post.as_str()).or_default() += 1;
            }
        }
    }
    let open_positions: Vec<u32> = d
        .postings
        .iter()
        .map(|p| {
            if p.closing_date < date {
                0
            } else {
                let left = p.positions
                    - i64::from(filled.get(p.posting_id.as_str()).copied().unwrap_or(0));
                u32::try_from(left.max(0)).unwrap_or(u32::MAX)
            }
        })
        .collect();
    Employment {
        persons,
        households,
        open_positions,
    }
}

/// The open postings by every ancestor of their work region, for sparse
/// reach, and all open postings.
struct OpenPostings {
    by_region: HashMap<RegionCode, Vec<usize>>,
    all: Vec<usize>,
}

fn open_postings(d: &LabourData, open_positions: &[u32]) -> OpenPostings {
    let mut by_region: HashMap<RegionCode, Vec<usize>> = HashMap::new();
    let mut all: Vec<usize> = Vec::new();
    for (i, p) in d.postings.iter().enumerate() {
        if open_positions[i] == 0 {
            continue;
        }
        all.push(i);
        let mut cur = Some(p.work_region);
        let mut seen = 0;
        while let Some(c) = cur {
            by_region.entry(c).or_default().push(i);
            cur = d.parent.get(&c).copied().flatten();
            seen += 1;
            if seen > 8 {
                break;
            }
        }
    }
    OpenPostings { by_region, all }
}

/// The open postings a seeker can reach: in a wanted region, else within
/// the largest distance the seeker accepts from home.
fn reach_of(d: &LabourData, s: &SeekerFacts, open: &OpenPostings) -> Vec<usize> {
    let wanted = &s.seeker.wanted_regions;
    let mut reach: Vec<usize> = Vec::new();
    if !wanted.is_empty() {
        for w in wanted {
            if let Some(v) = open.by_region.get(w) {
                reach.extend_from_slice(v);
            }
        }
        reach.sort_unstable();
        reach.dedup();
    } else {
        let level = match s.seeker.max_distance {
            Some(DistanceClass::County) => Some(RegionLevel::County),
            Some(DistanceClass::Prefecture) => Some(RegionLevel::Prefecture),
            Some(DistanceClass::Province) => Some(RegionLevel::Province),
            Some(DistanceClass::Any) | None => None,
        };
        match level.and_then(|l| d.ancestor_at(s.village, l)) {
            Some(home) => reach = open.by_region.get(&home).cloned().unwrap_or_default(),
            None if level.is_some() => {}
            None => reach = open.all.clone(),
        }
    }
    reach
}

/// Adds an edge for every posting in reach that the seeker is eligible
/// for; with none, the reasons (how many postings failed each condition).
fn eligible_edges(
    d: &LabourData,
    si: usize,
    s: &SeekerFacts,
    reach: &[usize],
    date: NaiveDate,
    edges: &mut Vec<solver::Edge>,
) -> Option<Unmatched> {
    let wanted = &s.seeker.wanted_regions;
    let skills = skill_set(&s.seeker.skills);
    let mut fails: [(&'static str, usize); 5] = [
        ("wage", 0),
        ("age", 0),
        ("labour capacity", 0),
        ("skills", 0),
        ("available date", 0),
    ];
    let mut any = false;
    for &pi in reach {
        let p = &d.postings[pi];
        let start = p.start_date.max(date);
        let mut ok = true;
        if p.monthly_wage < s.seeker.min_wage {
            fails[0].1 += 1;
            ok = false;
        }
        let age = age_on(s.birth_date, start);
        if p.age_min.is_some_and(|m| age < m) || p.age_max.is_some_and(|m| age > m) {
            fails[1].1 += 1;
            ok = false;
        }
        let capable = matches!(
            (s.labor, p.labor_required),
            (Labor::Full, _) | (Labor::Weak, Labor::Weak)
        );
        if !capable {
            fails[2].1 += 1;
            ok = false;
        }
        let required = skill_set(&p.skills);
        let skill_hit = !required.is_empty() && !required.is_disjoint(&skills);
        if !required.is_empty() && !skill_hit {
            fails[3].1 += 1;
            ok = false;
        }
        if s.seeker.available_from > start {
            fails[4].1 += 1;
            ok = false;
        }
        if ok {
            any = true;
            let wanted_hit = wanted.iter().any(|w| d.within(p.work_region, *w));
            edges.push(solver::Edge {
                seeker: si as u32,
                posting: pi as u32,
                fit: fit(s, p, wanted_hit, skill_hit),
            });
        }
    }
    (!any).then(|| Unmatched::NotEligible(fails.into_iter().filter(|(_, n)| *n > 0).collect()))
}

/// Matches every free seeker to the open postings on `date`.
pub fn run(d: &LabourData, date: NaiveDate) -> Result<MatchRun, solver::MatchError> {
    let Employment {
        persons: employed_persons,
        households: employed_households,
        open_positions,
    } = employment_on(d, date);
    let open = open_postings(d, &open_positions);
    let year = date.year();
    let mut problem = solver::Problem {
        seekers: Vec::with_capacity(d.seekers.len()),
        postings: open_positions
            .iter()
            .map(|&n| solver::Posting { positions: n })
            .collect(),
        edges: Vec::new(),
    };
    let mut pre_unmatched: Vec<Option<Unmatched>> = vec![None; d.seekers.len()];
    let mut flags = Vec::with_capacity(d.seekers.len());
    for (si, s) in d.seekers.iter().enumerate() {
        let no_one_employed = !employed_households.contains(&s.household_rowid);
        let registered_poor = s.identified_year <= year && s.exit_year.is_none_or(|e| e >= year);
        problem.seekers.push(solver::Seeker {
            no_one_employed,
            registered_poor,
            limits: solver::ReachLimits::NONE,
        });
        flags.push((no_one_employed, registered_poor));
        if employed_persons.contains(&s.person_rowid) {
            pre_unmatched[si] = Some(Unmatched::AlreadyEmployed);
            continue;
        }
        let reach = reach_of(d, s, &open);
        if reach.is_empty() {
            pre_unmatched[si] = Some(Unmatched::NoPostingInReach);
            continue;
        }
        pre_unmatched[si] = eligible_edges(d, si, s, &reach, date, &mut problem.edges);
    }
    let eligible_pairs = problem.edges.len();
    let optimal = solver::solve(&problem)?;
    let greedy = solver::greedy(&problem)?;
    let mut proposals = Vec::new();
    let mut unmatched = Vec::new();
    for (si, a) in optimal.assignment.iter().enumerate() {
        match a {
            Some(pi) => {
                let pi = *pi as usize;
                let fit = problem
                    .edges
                    .iter()
                    .find(|e| e.seeker as usize == si && e.posting as usize == pi)
                    .map_or(0, |e| e.fit);
                proposals.push(Proposal {
                    seeker: si,
                    posting: pi,
                    fit,
                    no_one_employed: flags[si].0,
                    registered_poor: flags[si].1,
                });
            }
            None => unmatched.push((
                si,
                pre_unmatched[si]
                    .clone()
                    .unwrap_or(Unmatched::CapacityTaken),
            )),
        }
    }
    Ok(MatchRun {
        date,
        proposals,
        unmatched,
        optimal: optimal.objective,
        greedy: greedy.objective,
        open_positions,
        eligible_pairs,
    })
}

/// The placements that confirming a run's proposals creates: one per
/// proposal, starting on the posting's start date (or the run date when
/// later), open-ended, at the posting's wage, linked to the posting.
pub fn confirmations(d: &LabourData, run: &MatchRun) -> Vec<Placement> {
    confirmations_of(d, run.date, &run.proposals)
}

/// The placements that confirming some proposals of a run on `date`
/// creates (those a station's view shows, say), as `confirmations` does.
pub fn confirmations_of<'a>(
    d: &LabourData,
    date: NaiveDate,
    proposals: impl IntoIterator<Item = &'a Proposal>,
) -> Vec<Placement> {
    proposals
        .into_iter()
        .filter_map(|pr| {
            let s = &d.seekers[pr.seeker];
            let p = &d.postings[pr.posting];
            let id = Id::parse(&format!(
                "M{}-{}-{}",
                date.format("%Y%m%d"),
                pr.posting,
                s.person_rowid
            ))
            .ok()?;
            Some(Placement {
                placement_id: id,
                person_id: s.seeker.person_id.clone(),
                pairing_id: p.pairing_id.clone(),
                employer: p.employer.clone(),
                work_region: p.work_region,
                period: xiezuo_domain::DateRange {
                    start: p.start_date.max(date),
                    end: None,
                },
                monthly_wage: p.monthly_wage,
                posting_id: Some(p.posting_id.clone()),
            })
        })
        .collect()
}

/// A placement as the cells of placements.csv.
pub fn placement_cells(p: &Placement) -> Vec<Cell> {
    let text = |s: &str| Cell::Text(s.into());
    vec![
        text(p.placement_id.as_str()),
        text(p.person_id.as_str()),
        text(p.pairing_id.as_str()),
        match &p.employer {
            NameOrParty::Party(x) => text(&x.to_string()),
            NameOrParty::Name(n) => text(n),
        },
        Cell::Int(p.work_region.as_u64() as i64),
        text(&p.period.start.to_string()),
        p.period.end.map_or(Cell::Null, |e| text(&e.to_string())),
        Cell::Int(p.monthly_wage.0),
        p.posting_id
            .as_ref()
            .map_or(Cell::Null, |x| text(x.as_str())),
    ]
}

/// Retention of matched placements: of those that started at least
/// `months` before `date`, how many were still going `months` after their
/// start.
pub fn retention(
    d: &LabourData,
    date: NaiveDate,
    months: u32,
    station: Option<&str>,
) -> (usize, usize) {
    let station_persons: Option<HashSet<&str>> = station.map(|st| {
        d.seekers
            .iter()
            .filter(|s| s.seeker.station.as_str() == st)
            .map(|s| s.seeker.person_id.as_str())
            .collect()
    });
    let mut started = 0;
    let mut kept = 0;
    for (p, _) in &d.placements {
        if p.posting_id.is_none() {
            continue;
        }
        if let Some(set) = &station_persons
            && !set.contains(p.person_id.as_str())
        {
            continue;
        }
        let Some(mark) = p.period.start.checked_add_months(Months::new(months)) else {
            continue;
        };
        if mark > date {
            continue;
        }
        started += 1;
        if p.period.end.is_none_or(|e| e >= mark) {
            kept += 1;
        }
    }
    (started, kept)
}

/// Matched placements that ended before covering 90 days: they need
/// follow-up, and the person is back among the seekers.
pub fn follow_ups(d: &LabourData, date: NaiveDate) -> Vec<&Placement> {
    d.placements
        .iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.posting_id.is_some()
                && p.period
                    .end
                    .is_some_and(|e| e < date && (e - p.period.start).num_days() + 1 < 90)
        })
        .collect()
}

/// Money in yuan for display.
pub fn yuan(f: Fen) -> String {
    f.to_yuan_short()
}
