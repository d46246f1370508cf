//! The data an assessment reads, loaded from the store into dense arrays:
//! regions with parent links, households and persons by their dense row ids,
//! and every record kind as typed records with pairing indices resolved.

use hashbrown::HashMap;
use xiezuo_domain::enums::*;
use xiezuo_domain::records::*;
use xiezuo_domain::{Fen, Id, Party, RegionCode, Year};
use xiezuo_exchange::{FileKind, Record};
use xiezuo_store::{HouseholdFacts, RowVisitor, Store, StoreError};

/// What the loader reads of a store: the rows of a kind and the
/// registry's bulk columns. A store is one (`FromStore`); so is a store
/// with rows laid over it (`engine::correction`).
pub trait DataSource {
    fn count(&self, kind: FileKind) -> Result<u64, StoreError>;
    /// Every row of a kind in row-id order, with its dense references.
    fn scan(&self, kind: FileKind, visit: &mut RowVisitor<'_>) -> Result<(), StoreError>;
    fn person_households(&self) -> Result<Vec<u32>, StoreError>;
    fn household_facts(&self) -> Result<Vec<HouseholdFacts>, StoreError>;
}

/// A store read as a data source.
pub struct FromStore<'s>(pub &'s dyn Store);

impl DataSource for FromStore<'_> {
    fn count(&self, kind: FileKind) -> Result<u64, StoreError> {
        self.0.count(kind)
    }
    fn scan(&self, kind: FileKind, visit: &mut RowVisitor<'_>) -> Result<(), StoreError> {
        self.0.scan(kind, visit)
    }
    fn person_households(&self) -> Result<Vec<u32>, StoreError> {
        self.0.person_households()
    }
    fn household_facts(&self) -> Result<Vec<HouseholdFacts>, StoreError> {
        self.0.household_facts()
    }
}

/// A party resolved to dense indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartyRef {
    Region(u32),
    Org(u32),
}

/// A region node of the hierarchy.
#[derive(Debug, Clone)]
pub struct RegionNode {
    pub code: RegionCode,
    pub name: Text,
    pub side: Option<Side>,
    pub level: RegionLevel,
    pub parent: Option<u32>,
    pub poor_county: bool,
    pub poor_village: bool,
    pub deep_poverty: bool,
}

/// A household by dense row id.
#[derive(Debug, Clone, Copy)]
pub struct HouseholdRow {
    pub village: u32,
    pub identified_year: Year,
    pub exit_year: Option<Year>,
    pub members: u32,
}

/// Everything an assessment needs, in memory.
#[derive(Debug, Default, Clone)]
pub struct AssessmentData {
    pub regions: Vec<RegionNode>,
    pub region_idx: HashMap<RegionCode, u32>,
    pub org_ids: Vec<Id>,
    pub org_names: Vec<Text>,
    pub org_region: Vec<u32>,
    pub org_idx: HashMap<Id, u32>,
    pub pairings: Vec<Pairing>,
    pub pairing_helper: Vec<PartyRef>,
    pub pairing_helped: Vec<PartyRef>,
    pub pairing_idx: HashMap<Id, u32>,
    /// Households by row id (index 0 unused when row ids start at 1).
    pub households: Vec<Option<HouseholdRow>>,
    /// Household row id of each person, by person row id (0: none).
    pub person_household: Vec<u32>,
    pub person_ids: HashMap<u32, Id>,
    pub region_revenue: HashMap<(u32, Year), Option<Fen>>,
    pub projects: Vec<Project>,
    pub project_pairing: Vec<u32>,
    pub project_idx: HashMap<Id, u32>,
    pub project_has_beneficiary: Vec<bool>,
    pub milestones: Vec<(u32, Milestone)>,
    /// (project index, household row id, household id).
    pub beneficiaries: Vec<(u32, u32, Id)>,
    pub funds: Vec<(u32, FundTxn)>,
    /// (pairing, person row id, placement).
    pub placements: Vec<(u32, u32, Placement)>,
    pub trainings: Vec<(u32, Training)>,
    pub training_idx: HashMap<Id, u32>,
    /// (training index, person row id, person id).
    pub attendance: Vec<(u32, u32, Id)>,
    pub secondments: Vec<(u32, Secondment)>,
    pub investments: Vec<(u32, Investment)>,
    pub purchases: Vec<(u32, Purchase)>,
    pub donations: Vec<(u32, Donation)>,
    pub meetings: Vec<(u32, Meeting)>,
    pub targets: HashMap<(u32, Year, xiezuo_domain::Indicator), f64>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} does not resolve"))
}

impl AssessmentData {
    /// Loads the data from a store.
    pub fn load(store: &dyn Store) -> Result<AssessmentData, StoreError> {
        AssessmentData::load_from(&FromStore(store))
    }

    /// Loads the data from any source of stored rows (a store, or a store
    /// with a correction's rows laid over it).
    pub fn load_from(src: &dyn DataSource) -> Result<AssessmentData, StoreError> {
        let mut d = AssessmentData::load_registry(src)?;
        d.load_records(src)?;
        Ok(d)
    }

    /// The kinds `load_registry` reads: a change to any other kind leaves
    /// the registry part as it is.
    pub const REGISTRY_KINDS: &[FileKind] = &[
        FileKind::Regions,
        FileKind::RegionStats,
        FileKind::Organisations,
        FileKind::Pairings,
        FileKind::Households,
        FileKind::Persons,
    ];

    /// A copy of this data with the records of `kinds` (and those that
    /// resolve against them) read again from the store and everything else
    /// kept: for when only those records changed. `kinds` must not name a
    /// registry kind (`REGISTRY_KINDS`).
    pub fn reload_kinds(
        &self,
        store: &dyn Store,
        kinds: &[FileKind],
    ) -> Result<AssessmentData, StoreError> {
        use FileKind::*;
        let store = &FromStore(store);
        let has = |k: FileKind| kinds.contains(&k);
        let projects = has(Projects);
        let trainings = has(Trainings);
        // Person ids come from placements and attendance together.
        let people = has(Placements) || has(TrainingAttendance) || trainings;
        let mut d = self.clone();
        if projects {
            d.projects.clear();
            d.project_pairing.clear();
            d.project_idx.clear();
            d.load_projects(store)?;
        }
        if projects || has(Milestones) {
            d.milestones.clear();
            d.load_milestones(store)?;
        }
        if projects || has(Beneficiaries) {
            d.beneficiaries.clear();
            d.load_beneficiaries(store)?;
        }
        if has(Funds) {
            d.funds.clear();
            d.load_funds(store)?;
        }
        if people {
            d.person_ids.clear();
            d.placements.clear();
            d.trainings.clear();
            d.training_idx.clear();
            d.attendance.clear();
            d.load_people(store)?;
        }
        if has(Secondments) || has(Investments) || has(Purchases) || has(Donations) || has(Meetings)
        {
            d.load_by_pairing(store, kinds)?;
        }
        if has(Targets) {
            d.targets.clear();
            d.load_targets(store)?;
        }
        Ok(d)
    }

    /// A copy of this data with all the records read again from the store
    /// and the registry part (regions, statistics, organisations, pairings,
    /// households and persons) kept: for when only records changed, so the
    /// large registry is not read again.
    pub fn reload_records(&self, store: &dyn Store) -> Result<AssessmentData, StoreError> {
        let mut d = AssessmentData {
            regions: self.regions.clone(),
            region_idx: self.region_idx.clone(),
            org_ids: self.org_ids.clone(),
            org_names: self.org_names.clone(),
            org_region: self.org_region.clone(),
            org_idx: self.org_idx.clone(),
            pairings: self.pairings.clone(),
            pairing_helper: self.pairing_helper.clone(),
            pairing_helped: self.pairing_helped.clone(),
            pairing_idx: self.pairing_idx.clone(),
            households: self.households.clone(),
            person_household: self.person_household.clone(),
            region_revenue: self.region_revenue.clone(),
            ..AssessmentData::default()
        };
        d.load_records(&FromStore(store))?;
        Ok(d)
    }

    /// The registry part: the kinds of `REGISTRY_KINDS`.
    fn load_registry(store: &dyn DataSource) -> Result<AssessmentData, StoreError> {
        let mut d = AssessmentData::default();
        let mut regions: Vec<Region> = Vec::new();
        scan_records(store, FileKind::Regions, &mut |r, _| {
            if let Record::Region(g) = r {
                regions.push(g);
            }
        })?;
        for (i, r) in regions.iter().enumerate() {
            d.region_idx.insert(r.code, i as u32);
        }
        for r in &regions {
            let parent = r.parent.and_then(|p| d.region_idx.get(&p).copied());
            d.regions.push(RegionNode {
                code: r.code,
                name: r.name.clone(),
                side: r.side,
                level: r.level,
                parent,
                poor_county: r.poor_county.unwrap_or(false),
                poor_village: r.poor_village.unwrap_or(false),
                deep_poverty: r.deep_poverty.unwrap_or(false),
            });
        }
        let mut stats = Vec::new();
        scan_records(store, FileKind::RegionStats, &mut |r, _| {
            if let Record::RegionStat(s) = r {
                stats.push(s);
            }
        })?;
        for s in stats {
            if let Some(&i) = d.region_idx.get(&s.code) {
                d.region_revenue.insert((i, s.year), s.fiscal_revenue);
            }
        }
        let mut orgs = Vec::new();
        scan_records(store, FileKind::Organisations, &mut |r, _| {
            if let Record::Organisation(o) = r {
                orgs.push(o);
            }
        })?;
        for o in orgs {
            let region = *d
                .region_idx
                .get(&o.region)
                .ok_or_else(|| corrupt("organisation region"))?;
            d.org_idx.insert(o.org_id.clone(), d.org_ids.len() as u32);
            d.org_ids.push(o.org_id);
            d.org_names.push(o.name);
            d.org_region.push(region);
        }
        let mut pairings = Vec::new();
        scan_records(store, FileKind::Pairings, &mut |r, _| {
            if let Record::Pairing(p) = r {
                pairings.push(p);
            }
        })?;
        for p in pairings {
            let helper = d.party(&p.helper)?;
            let helped = d.party(&p.helped)?;
            d.pairing_idx
                .insert(p.pairing_id.clone(), d.pairings.len() as u32);
            d.pairing_helper.push(helper);
            d.pairing_helped.push(helped);
            d.pairings.push(p);
        }
        // Households and persons: the registry, by dense row id.
        let facts = store.household_facts()?;
        let max_hh = facts.last().map_or(0, |f| f.rowid as usize);
        let mut households: Vec<Option<HouseholdRow>> = vec![None; max_hh + 1];
        for f in facts {
            let code =
                RegionCode::from_u64(f.village).ok_or_else(|| corrupt("household village code"))?;
            let village = *d
                .region_idx
                .get(&code)
                .ok_or_else(|| corrupt("household village"))?;
            if let Some(slot) = households.get_mut(f.rowid as usize) {
                *slot = Some(HouseholdRow {
                    village,
                    identified_year: f.identified_year,
                    exit_year: f.exit_year,
                    members: 0,
                });
            }
        }
        let person_household = store.person_households()?;
        for &hid in &person_household {
            if let Some(Some(h)) = households.get_mut(hid as usize) {
                h.members += 1;
            }
        }
        d.households = households;
        d.person_household = person_household;
        Ok(d)
    }

    /// The records (projects and everything done under a pairing), which
    /// resolve against the registry part already in `self`.
    fn load_records(&mut self, store: &dyn DataSource) -> Result<(), StoreError> {
        self.load_projects(store)?;
        self.load_milestones(store)?;
        self.load_beneficiaries(store)?;
        self.load_funds(store)?;
        self.load_people(store)?;
        self.load_by_pairing(store, FileKind::ALL)?;
        self.load_targets(store)
    }

    fn load_projects(&mut self, store: &dyn DataSource) -> Result<(), StoreError> {
        let d = self;
        let mut projects = Vec::new();
        scan_records(store, FileKind::Projects, &mut |r, _| {
            if let Record::Project(p) = r {
                projects.push(p);
            }
        })?;
        for p in projects {
            let pairing = d.pairing(&p.pairing_id)?;
            d.project_idx
                .insert(p.project_id.clone(), d.projects.len() as u32);
            d.project_pairing.push(pairing);
            d.projects.push(p);
        }
        Ok(())
    }

    fn load_milestones(&mut self, store: &dyn DataSource) -> Result<(), StoreError> {
        let d = self;
        let mut ms = Vec::with_capacity(store.count(FileKind::Milestones)? as usize);
        scan_records(store, FileKind::Milestones, &mut |r, _| {
            if let Record::Milestone(m) = r {
                ms.push(m);
            }
        })?;
        d.milestones.reserve(ms.len());
        for m in ms {
            let p = *d
                .project_idx
                .get(&m.project_id)
                .ok_or_else(|| corrupt("milestone project"))?;
            d.milestones.push((p, m));
        }
        Ok(())
    }

    fn load_beneficiaries(&mut self, store: &dyn DataSource) -> Result<(), StoreError> {
        let d = self;
        d.project_has_beneficiary = vec![false; d.projects.len()];
        let mut bens = Vec::with_capacity(store.count(FileKind::Beneficiaries)? as usize);
        scan_records(store, FileKind::Beneficiaries, &mut |r, refs| {
            if let Record::Beneficiary(b) = r {
                bens.push((b, refs.first().copied().flatten().unwrap_or(0)));
            }
        })?;
        d.beneficiaries.reserve(bens.len());
        for (b, hh) in bens {
            let p = *d
                .project_idx
                .get(&b.project_id)
                .ok_or_else(|| corrupt("beneficiary project"))?;
            d.project_has_beneficiary[p as usize] = true;
            d.beneficiaries.push((p, hh as u32, b.household_id));
        }
        Ok(())
    }

    fn load_funds(&mut self, store: &dyn DataSource) -> Result<(), StoreError> {
        let d = self;
        let mut funds = Vec::with_capacity(store.count(FileKind::Funds)? as usize);
        scan_records(store, FileKind::Funds, &mut |r, _| {
            if let Record::FundTxn(t) = r {
                funds.push(t);
            }
        })?;
        d.funds.reserve(funds.len());
        for t in funds {
            let p = d.pairing(&t.pairing_id)?;
            d.funds.push((p, t));
        }
        Ok(())
    }

    /// Placements, trainings and their attendance, and the person ids they name.
    fn load_people(&mut self, store: &dyn DataSource) -> Result<(), StoreError> {
        let d = self;
        let mut pls = Vec::with_capacity(store.count(FileKind::Placements)? as usize);
        scan_records(store, FileKind::Placements, &mut |r, refs| {
            if let Record::Placement(p) = r {
                pls.push((p, refs.first().copied().flatten().unwrap_or(0)));
            }
        })?;
        d.placements.reserve(pls.len());
        for (p, person) in pls {
            let pairing = d.pairing(&p.pairing_id)?;
            d.person_ids.insert(person as u32, p.person_id.clone());
            d.placements.push((pairing, person as u32, p));
        }
        let mut trs = Vec::new();
        scan_records(store, FileKind::Trainings, &mut |r, _| {
            if let Record::Training(t) = r {
                trs.push(t);
            }
        })?;
        for t in trs {
            let p = d.pairing(&t.pairing_id)?;
            d.training_idx
                .insert(t.training_id.clone(), d.trainings.len() as u32);
            d.trainings.push((p, t));
        }
        let mut att = Vec::with_capacity(store.count(FileKind::TrainingAttendance)? as usize);
        scan_records(store, FileKind::TrainingAttendance, &mut |r, refs| {
            if let Record::Attendance(a) = r {
                att.push((a, refs.first().copied().flatten().unwrap_or(0)));
            }
        })?;
        d.attendance.reserve(att.len());
        for (a, person) in att {
            let t = *d
                .training_idx
                .get(&a.training_id)
                .ok_or_else(|| corrupt("attendance training"))?;
            d.person_ids.insert(person as u32, a.person_id.clone());
            d.attendance.push((t, person as u32, a.person_id));
        }
        Ok(())
    }

    /// The records of `kinds` among those kept by pairing only
    /// (secondments, investments, purchases, donations, meetings).
    fn load_by_pairing(
        &mut self,
        store: &dyn DataSource,
        kinds: &[FileKind],
    ) -> Result<(), StoreError> {
        let d = self;
        macro_rules! by_pairing {
            ($kind:expr, $variant:ident, $field:ident) => {{
                if kinds.contains(&$kind) {
                    d.$field.clear();
                    let mut v = Vec::new();
                    scan_records(store, $kind, &mut |r, _| {
                        if let Record::$variant(x) = r {
                            v.push(x);
                        }
                    })?;
                    for x in v {
                        let p = d.pairing(&x.pairing_id)?;
                        d.$field.push((p, x));
                    }
                }
            }};
        }
        by_pairing!(FileKind::Secondments, Secondment, secondments);
        by_pairing!(FileKind::Investments, Investment, investments);
        by_pairing!(FileKind::Purchases, Purchase, purchases);
        by_pairing!(FileKind::Donations, Donation, donations);
        by_pairing!(FileKind::Meetings, Meeting, meetings);
        Ok(())
    }

    fn load_targets(&mut self, store: &dyn DataSource) -> Result<(), StoreError> {
        let d = self;
        let mut targets = Vec::new();
        scan_records(store, FileKind::Targets, &mut |r, _| {
            if let Record::Target(t) = r {
                targets.push(t);
            }
        })?;
        for t in targets {
            let p = d.pairing(&t.pairing_id)?;
            d.targets.insert((p, t.year, t.indicator), t.target);
        }
        Ok(())
    }

    fn party(&self, p: &Party) -> Result<PartyRef, StoreError> {
        Ok(match p {
            Party::Region(c) => PartyRef::Region(
                *self
                    .region_idx
                    .get(c)
                    .ok_or_else(|| corrupt("party region"))?,
            ),
            Party::Org(id) => PartyRef::Org(
                *self
                    .org_idx
                    .get(id)
                    .ok_or_else(|| corrupt("party organisation"))?,
            ),
        })
    }

    fn pairing(&self, id: &Id) -> Result<u32, StoreError> {
        self.pairing_idx
            .get(id)
            .copied()
            .ok_or_else(|| corrupt("pairing_id"))
    }

    /// True when region `a` is `b` or lies below it.
    pub fn region_within(&self, a: u32, b: u32) -> bool {
        let mut cur = Some(a);
        while let Some(c) = cur {
            if c == b {
                return true;
            }
            cur = self.regions[c as usize].parent;
        }
        false
    }

    /// Party containment: an organisation contains only itself; a region
    /// contains its sub-regions and the organisations located in them.
    pub fn party_within(&self, a: PartyRef, b: PartyRef) -> bool {
        match (a, b) {
            (PartyRef::Org(x), PartyRef::Org(y)) => x == y,
            (PartyRef::Region(x), PartyRef::Region(y)) => self.region_within(x, y),
            (PartyRef::Org(x), PartyRef::Region(y)) => {
                self.region_within(self.org_region[x as usize], y)
            }
            (PartyRef::Region(_), PartyRef::Org(_)) => false,
        }
    }

    /// The area of a party: a region itself, or an organisation's region.
    pub fn area(&self, p: PartyRef) -> u32 {
        match p {
            PartyRef::Region(r) => r,
            PartyRef::Org(o) => self.org_region[o as usize],
        }
    }
}

fn scan_records(
    store: &dyn DataSource,
    kind: FileKind,
    f: &mut dyn FnMut(Record, &[Option<i64>]),
) -> Result<(), StoreError> {
    store.scan(kind, &mut |row, refs| {
        let rec = Record::from_cells(kind, &row.cells)
            .map_err(|e| StoreError::Corrupt(format!("{} row {}: {e}", kind.stem(), row.rowid)))?;
        f(rec, refs);
        Ok(())
    })
}
