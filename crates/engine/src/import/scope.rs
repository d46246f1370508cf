//! Write scope (写入范围): which rows a writer may store. It is checked in
//! the import's one pass, for the new row and for the stored row it would
//! replace, with the same look-ups as every other reference: a household
//! moved into the writer's village, or a pairing re-pointed at its county,
//! is still a row of its old owner.

use super::resolve::*;
use super::*;
use crate::accounts::{Role, region_covers};

/// Who writes, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteScope {
    /// Writes everywhere: the national administrator (国家级管理员) and the
    /// command line, which runs with the store's own rights.
    Everywhere,
    /// A cooperation office (协作办) of a region: the rows of its region and
    /// of the pairings it is party to, and the registry of its villages.
    Office(RegionCode),
    /// An organisation (企业、社会组织): its own donations, purchases,
    /// investments and job postings, in the pairings it is party to.
    Organisation(Id),
    /// Writes nothing (assessors, the public, an account without a region
    /// or organisation).
    Nowhere { role: Role },
}

impl WriteScope {
    /// The scope of an account.
    pub fn of(role: Role, region: Option<u64>, organisation: Option<&str>) -> WriteScope {
        match role {
            Role::Admin => WriteScope::Everywhere,
            Role::Office => match region.and_then(RegionCode::from_u64) {
                Some(r) => WriteScope::Office(r),
                None => WriteScope::Nowhere { role },
            },
            Role::Organisation => match organisation.and_then(|o| Id::parse(o).ok()) {
                Some(o) => WriteScope::Organisation(o),
                None => WriteScope::Nowhere { role },
            },
            Role::Assessor | Role::Public => WriteScope::Nowhere { role },
        }
    }

    /// The refusal of a row, naming the writer's scope and nothing of the
    /// row or of what is stored.
    pub fn refusal(&self, kind: FileKind) -> Message {
        let (whose, whose_zh) = match self {
            WriteScope::Everywhere => ("admin".to_string(), Role::Admin.zh().to_string()),
            WriteScope::Office(r) => (format!("office {r}"), format!("协作办 {r}")),
            WriteScope::Organisation(o) => (format!("organisation {o}"), format!("机构 {o}")),
            WriteScope::Nowhere { role } => (role.as_str().to_string(), role.zh().to_string()),
        };
        Message::new("scope.outside")
            .with("kind", kind.stem())
            .with("kind_zh", kind.label_zh())
            .with("whose", whose)
            .with("whose_zh", whose_zh)
    }
}

/// What a row's scope is decided by.
enum Anchor<'r> {
    /// A region of its own (regions, their statistics).
    Region(RegionCode),
    /// A pairing named by id.
    Pairing(&'r Id),
    /// A pairing named by id, written only by one of its parties: the
    /// receiving side's records of v1.2 (the helped party confirms what it
    /// received and sold; the helper party confirms the workers it took in).
    PairingParty(&'r Id, Receiver),
    /// A pairing row itself: its two parties.
    Parties(&'r Party, &'r Party),
    /// A project's pairing.
    Project(&'r Id),
    /// A training's pairing (attendance is registry data as well).
    Training(&'r Id),
    /// A village (households).
    Village(RegionCode),
    /// A household's village.
    Household(&'r Id),
    /// A person's household's village.
    Person(&'r Id),
    /// Nothing an office owns (organisations): administrators only.
    None,
}

fn anchor(rec: &Record) -> Anchor<'_> {
    match rec {
        Record::Region(r) => Anchor::Region(r.code),
        Record::RegionStat(r) => Anchor::Region(r.code),
        Record::Organisation(_) => Anchor::None,
        Record::Pairing(p) => Anchor::Parties(&p.helper, &p.helped),
        Record::Household(h) => Anchor::Village(h.village),
        Record::Person(p) => Anchor::Household(&p.household_id),
        Record::HouseholdIncome(h) => Anchor::Household(&h.household_id),
        Record::Project(p) => Anchor::Pairing(&p.pairing_id),
        Record::Milestone(m) => Anchor::Project(&m.project_id),
        Record::Beneficiary(b) => Anchor::Project(&b.project_id),
        Record::FundTxn(t) => Anchor::Pairing(&t.pairing_id),
        Record::Placement(p) => Anchor::Pairing(&p.pairing_id),
        Record::Posting(p) => Anchor::Pairing(&p.pairing_id),
        Record::Seeker(s) => Anchor::Person(&s.person_id),
        Record::Training(t) => Anchor::Pairing(&t.pairing_id),
        Record::Attendance(a) => Anchor::Training(&a.training_id),
        Record::Secondment(s) => Anchor::Pairing(&s.pairing_id),
        Record::Investment(i) => Anchor::Pairing(&i.pairing_id),
        Record::Purchase(p) => Anchor::Pairing(&p.pairing_id),
        Record::Donation(d) => Anchor::Pairing(&d.pairing_id),
        Record::Meeting(m) => Anchor::Pairing(&m.pairing_id),
        Record::Target(t) => Anchor::Pairing(&t.pairing_id),
        Record::FundReceipt(r) => Anchor::PairingParty(&r.pairing_id, Receiver::Helped),
        Record::Sale(r) => Anchor::PairingParty(&r.pairing_id, Receiver::Helped),
        Record::PlacementConfirmation(r) => Anchor::PairingParty(&r.pairing_id, Receiver::Helper),
        // A secondment goes either way (方向), so either party receives.
        Record::SecondmentArrival(r) => Anchor::Pairing(&r.pairing_id),
    }
}

/// Which party of a pairing confirms a flow (对账的接收方).
#[derive(Clone, Copy)]
enum Receiver {
    /// 帮扶方: the employers and stations that take in workers.
    Helper,
    /// 受帮扶方: the accounts funds reach and the sellers of products.
    Helped,
}

/// A place a row puts its activity in, besides its pairing: a writer's row
/// must put it within the pairing's parties (a project of its own pairing
/// in another province's county is not its row).
enum Place<'r> {
    Region(RegionCode),
    /// Where a household lives (unknown: outside every scope).
    Household(&'r Id),
    /// Where a person's household lives (unknown: outside every scope).
    Person(&'r Id),
}

fn places(rec: &Record) -> Vec<Place<'_>> {
    match rec {
        Record::Project(p) => {
            let mut v = vec![Place::Region(p.county)];
            v.extend(p.village.map(Place::Region));
            v
        }
        Record::Beneficiary(b) => vec![Place::Household(&b.household_id)],
        Record::Placement(p) => vec![Place::Person(&p.person_id)],
        Record::Attendance(a) => vec![Place::Person(&a.person_id)],
        Record::Posting(p) => vec![Place::Region(p.work_region)],
        Record::Investment(i) => vec![Place::Region(i.county)],
        Record::Purchase(p) => vec![Place::Region(p.seller_county)],
        Record::Sale(p) => vec![Place::Region(p.seller_county)],
        Record::PlacementConfirmation(p) => vec![Place::Person(&p.person_id)],
        _ => Vec::new(),
    }
}

/// The columns whose cells decide a row's scope: its anchor, the places it
/// names and the party an organisation writes as (see [`anchor`],
/// [`places`] and [`acting_party`]). A row with a bad cell in one of them
/// cannot be placed, so nothing more of it is checked for a writer whose
/// scope is not everywhere.
pub(super) fn scope_columns(kind: FileKind) -> &'static [&'static str] {
    use FileKind as K;
    match kind {
        K::Regions | K::RegionStats => &["code"],
        K::Organisations => &[],
        K::Pairings => &["helper", "helped"],
        K::Households => &["village"],
        K::Persons | K::HouseholdIncome => &["household_id"],
        K::Projects => &["pairing_id", "county", "village"],
        K::Milestones => &["project_id"],
        K::Beneficiaries => &["project_id", "household_id"],
        K::Placements => &["pairing_id", "person_id", "employer"],
        K::Postings => &["pairing_id", "work_region", "employer"],
        K::Seekers => &["person_id"],
        K::TrainingAttendance => &["training_id", "person_id"],
        K::Investments => &["pairing_id", "county", "enterprise"],
        K::Purchases => &["pairing_id", "seller_county", "buyer"],
        K::Donations => &["pairing_id", "donor"],
        K::Sales => &["pairing_id", "seller_county", "seller"],
        K::PlacementConfirmations => &["pairing_id", "person_id", "employer"],
        K::Funds
        | K::Trainings
        | K::Secondments
        | K::Meetings
        | K::Targets
        | K::FundReceipts
        | K::SecondmentArrivals => &["pairing_id"],
    }
}

/// The party an organisation writes as: the donor, buyer, enterprise or
/// employer of its own kinds of rows.
fn acting_party(rec: &Record) -> Option<&Party> {
    fn named(n: &NameOrParty) -> Option<&Party> {
        match n {
            NameOrParty::Party(p) => Some(p),
            NameOrParty::Name(_) => None,
        }
    }
    match rec {
        Record::Donation(d) => named(&d.donor),
        Record::Purchase(p) => named(&p.buyer),
        Record::Investment(i) => Some(&i.enterprise),
        Record::Posting(p) => named(&p.employer),
        Record::Sale(s) => named(&s.seller),
        Record::PlacementConfirmation(p) => named(&p.employer),
        _ => None,
    }
}

/// What the scope check has looked up, by id (`None`: no such row).
#[derive(Default)]
pub(super) struct ScopeFacts {
    parties: HashMap<Id, Option<(Party, Party)>>,
    project_pairing: HashMap<Id, Option<Id>>,
    training_pairing: HashMap<Id, Option<Id>>,
    household_village: HashMap<Id, Option<RegionCode>>,
    person_household: HashMap<Id, Option<Id>>,
}

impl ScopeFacts {
    /// Forgets what a written row changes.
    pub(super) fn forget(&mut self, rec: &Record) {
        match rec {
            Record::Pairing(p) => {
                self.parties.remove(&p.pairing_id);
            }
            Record::Project(p) => {
                self.project_pairing.remove(&p.project_id);
            }
            Record::Training(t) => {
                self.training_pairing.remove(&t.training_id);
            }
            Record::Household(h) => {
                self.household_village.remove(&h.household_id);
            }
            Record::Person(p) => {
                self.person_household.remove(&p.person_id);
            }
            _ => {}
        }
    }
}

impl Ctx<'_> {
    /// Whether the writer may store `row`, and replace the stored row with
    /// its key if there is one.
    pub(super) fn in_scope(&mut self, kind: FileKind, row: &Row) -> Result<bool, StoreError> {
        if self.scope == WriteScope::Everywhere {
            return Ok(true);
        }
        if !self.permits(&row.rec)? {
            return Ok(false);
        }
        if self.tx.was_empty(kind) {
            return Ok(true);
        }
        let Some(old) = self.tx.get(kind, &key_cells(kind, &row.cells))? else {
            return Ok(true);
        };
        match Record::from_cells(kind, &old.cells) {
            Ok(stored) => self.permits(&stored),
            Err(_) => Err(StoreError::Corrupt(format!(
                "{} {}",
                kind.stem(),
                key_text(kind, &row.cells)
            ))),
        }
    }

    /// Whether a refusal may name a stored person (the holder of an
    /// identity number): only to a writer whose scope covers the person's
    /// village, so that nobody learns who is registered elsewhere.
    pub(super) fn may_name_person(&mut self, person_id: &str) -> Result<bool, StoreError> {
        let region = match &self.scope {
            WriteScope::Everywhere => return Ok(true),
            WriteScope::Office(r) => *r,
            WriteScope::Organisation(_) | WriteScope::Nowhere { .. } => return Ok(false),
        };
        let Ok(person) = Id::parse(person_id) else {
            return Ok(false);
        };
        let Some(household) = self.household_of(&person)? else {
            return Ok(false);
        };
        Ok(self
            .village_of(&household)?
            .is_some_and(|v| region_covers(region.as_u64(), v.as_u64())))
    }

    fn permits(&mut self, rec: &Record) -> Result<bool, StoreError> {
        match self.scope.clone() {
            WriteScope::Everywhere => Ok(true),
            WriteScope::Nowhere { .. } => Ok(false),
            WriteScope::Office(region) => self.office_permits(region, rec),
            WriteScope::Organisation(org) => {
                let own = Party::Org(org.clone());
                if acting_party(rec) != Some(&own) {
                    return Ok(false);
                }
                let (id, receiver) = match anchor(rec) {
                    Anchor::Pairing(id) => (id, None),
                    Anchor::PairingParty(id, r) => (id, Some(r)),
                    _ => return Ok(false),
                };
                match (self.parties_of(id)?, receiver) {
                    // A confirming organisation is registered on its side:
                    // the party is a region, the organisation within it.
                    (Some((h, w)), Some(r)) => {
                        let side = match r {
                            Receiver::Helper => h.clone(),
                            Receiver::Helped => w.clone(),
                        };
                        Ok(self.party_within(&own, &side)? && self.places_within(rec, &[h, w])?)
                    }
                    (Some((h, w)), None) if h == own || w == own => {
                        self.places_within(rec, &[h, w])
                    }
                    _ => Ok(false),
                }
            }
        }
    }

    fn office_permits(&mut self, region: RegionCode, rec: &Record) -> Result<bool, StoreError> {
        let covers = |code: RegionCode| region_covers(region.as_u64(), code.as_u64());
        let pairing = match anchor(rec) {
            Anchor::Region(c) | Anchor::Village(c) => return Ok(covers(c)),
            Anchor::None => return Ok(false),
            Anchor::Parties(h, w) => return self.party_of_region(region, &[h.clone(), w.clone()]),
            Anchor::Household(h) => {
                return Ok(self.village_of(h)?.is_some_and(covers));
            }
            Anchor::Person(p) => {
                let Some(h) = self.household_of(p)? else {
                    return Ok(false);
                };
                return Ok(self.village_of(&h)?.is_some_and(covers));
            }
            Anchor::Pairing(id) => Some(id.clone()),
            Anchor::PairingParty(id, receiver) => {
                return match self.parties_of(id)? {
                    Some((h, w)) => {
                        let side = match receiver {
                            Receiver::Helper => h.clone(),
                            Receiver::Helped => w.clone(),
                        };
                        Ok(self.party_of_region(region, &[side])?
                            && self.places_within(rec, &[h, w])?)
                    }
                    None => Ok(false),
                };
            }
            Anchor::Project(id) => self.project_pairing(id)?,
            Anchor::Training(id) => self.training_pairing(id)?,
        };
        let Some(pairing) = pairing else {
            return Ok(false);
        };
        match self.parties_of(&pairing)? {
            Some((h, w)) => {
                let parties = [h, w];
                Ok(self.party_of_region(region, &parties)? && self.places_within(rec, &parties)?)
            }
            None => Ok(false),
        }
    }

    /// Whether every place of the row lies within one of the parties (an
    /// organisation where it is registered); a household or person that is
    /// not known lies nowhere, so the answer is the same as for one of
    /// another region.
    fn places_within(&mut self, rec: &Record, parties: &[Party]) -> Result<bool, StoreError> {
        for place in places(rec) {
            let code = match place {
                Place::Region(c) => Some(c),
                Place::Household(h) => self.village_of(h)?,
                Place::Person(p) => match self.household_of(p)? {
                    Some(h) => self.village_of(&h)?,
                    None => None,
                },
            };
            let Some(code) = code else {
                return Ok(false);
            };
            let mut inside = false;
            for party in parties {
                let region = match party {
                    Party::Region(c) => Some(*c),
                    Party::Org(o) => match self.org(o)? {
                        Found::Yes((_, c)) => Some(c),
                        _ => None,
                    },
                };
                if region.is_some_and(|r| region_covers(r.as_u64(), code.as_u64())) {
                    inside = true;
                    break;
                }
            }
            if !inside {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether an organisation is the party, or is registered within the
    /// party's region.
    fn party_within(&mut self, org: &Party, party: &Party) -> Result<bool, StoreError> {
        if org == party {
            return Ok(true);
        }
        match (org, party) {
            (Party::Org(o), Party::Region(r)) => Ok(match self.org(o)? {
                Found::Yes((_, c)) => region_covers(r.as_u64(), c.as_u64()),
                _ => false,
            }),
            _ => Ok(false),
        }
    }

    /// Whether one of the parties lies in the region (an organisation where
    /// it is registered).
    fn party_of_region(
        &mut self,
        region: RegionCode,
        parties: &[Party],
    ) -> Result<bool, StoreError> {
        for p in parties {
            let code = match p {
                Party::Region(c) => Some(*c),
                Party::Org(o) => match self.org(o)? {
                    Found::Yes((_, c)) => Some(c),
                    _ => None,
                },
            };
            if code.is_some_and(|c| region_covers(region.as_u64(), c.as_u64())) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn stored_record(&mut self, kind: FileKind, id: &Id) -> Result<Option<Record>, StoreError> {
        match self.tx.get(kind, &[id_cell(id)])? {
            None => Ok(None),
            Some(row) => Record::from_cells(kind, &row.cells)
                .map(Some)
                .map_err(|_| StoreError::Corrupt(format!("{} {id}", kind.stem()))),
        }
    }

    /// A fact of a stored (or this import's) row by id, looked up once.
    fn lookup<V: Clone>(
        &mut self,
        kind: FileKind,
        id: &Id,
        facts: fn(&mut ScopeFacts) -> &mut HashMap<Id, Option<V>>,
        pick: fn(Record) -> Option<V>,
    ) -> Result<Option<V>, StoreError> {
        if let Some(v) = facts(&mut self.scope_facts).get(id) {
            return Ok(v.clone());
        }
        let v = self.stored_record(kind, id)?.and_then(pick);
        facts(&mut self.scope_facts).insert(id.clone(), v.clone());
        Ok(v)
    }

    fn parties_of(&mut self, id: &Id) -> Result<Option<(Party, Party)>, StoreError> {
        self.lookup(
            FileKind::Pairings,
            id,
            |f| &mut f.parties,
            |r| match r {
                Record::Pairing(p) => Some((p.helper, p.helped)),
                _ => None,
            },
        )
    }

    fn project_pairing(&mut self, id: &Id) -> Result<Option<Id>, StoreError> {
        self.lookup(
            FileKind::Projects,
            id,
            |f| &mut f.project_pairing,
            |r| match r {
                Record::Project(p) => Some(p.pairing_id),
                _ => None,
            },
        )
    }

    fn training_pairing(&mut self, id: &Id) -> Result<Option<Id>, StoreError> {
        self.lookup(
            FileKind::Trainings,
            id,
            |f| &mut f.training_pairing,
            |r| match r {
                Record::Training(t) => Some(t.pairing_id),
                _ => None,
            },
        )
    }

    fn village_of(&mut self, household: &Id) -> Result<Option<RegionCode>, StoreError> {
        self.lookup(
            FileKind::Households,
            household,
            |f| &mut f.household_village,
            |r| match r {
                Record::Household(h) => Some(h.village),
                _ => None,
            },
        )
    }

    fn household_of(&mut self, person: &Id) -> Result<Option<Id>, StoreError> {
        self.lookup(
            FileKind::Persons,
            person,
            |f| &mut f.person_household,
            |r| match r {
                Record::Person(p) => Some(p.household_id),
                _ => None,
            },
        )
    }
}
