//! Table-driven unit tests of the yearly assessment against
//! `assessment.md` (method `xz-v1`): every indicator and finding, with the
//! null cases and the edge cases that the specification's "Settled rules"
//! name, and every score component of both sides.
//!
//! Each test writes a tiny dataset as CSV text (the [`Ds`] builder), imports
//! it through the real importer into an in-memory SQLite store, loads it with
//! [`AssessmentData::load`] and calls [`assess`]. The region tree of every
//! dataset is fixed (see the constants below); a test adds the pairings,
//! households and records it needs.
//!
//! Score tests build a [`PairingResult`] directly and call [`score`].

use super::compute::{PairingResult, Value};
use super::data::AssessmentData;
use super::method::{Method, SideScore, Targets, score};
use super::{Assessed, Assessment, assess};
use crate::import::{Quiet, Source, WritePolicy, ingest};
use std::collections::{BTreeMap, HashMap};
use xiezuo_domain::{Fen, Finding, Indicator as I, IndicatorUnit, Year};
use xiezuo_exchange::FileKind;
use xiezuo_store::BatchInfo;
use xiezuo_store_sqlite::SqliteStore;

// ---------------------------------------------------------------------------
// The fixed region tree.
//
// East: E_PROV ─ E_CITY ─ {E_CTY, E_CTY2}; another east province E2_PROV.
// West: W_PROV ─ W_CITY ─ C1 ─ T1 ─ {V1, V2}
//                       └ C2 ─ T2 ─ V3
//       W_PROV ─ W_CITY2 ─ C3 (another prefecture)
// ---------------------------------------------------------------------------

const E_PROV: &str = "330000000000";
const E_CITY: &str = "330100000000";
const E_CTY: &str = "330102000000";
const E_CTY2: &str = "330103000000";
const E2_PROV: &str = "310000000000";
const W_PROV: &str = "520000000000";
const W_CITY: &str = "520100000000";
const C1: &str = "520102000000";
const T1: &str = "520102100000";
const V1: &str = "520102100201";
const V2: &str = "520102100202";
const C2: &str = "520103000000";
const T2: &str = "520103100000";
const V3: &str = "520103100201";
const W_CITY2: &str = "520200000000";
const C3: &str = "520201000000";

/// The year most tests assess.
const Y: Year = 2019;
/// An open interval end.
const OPEN: &str = "";

#[derive(Debug, Clone, Default)]
struct RegionSpec {
    poor_county: bool,
    poor_village: bool,
    deep_poverty: bool,
    exit_year: Option<Year>,
}

/// A dataset under construction: one list of CSV lines per file kind.
#[derive(Debug, Clone)]
struct Ds {
    regions: BTreeMap<String, RegionSpec>,
    /// org_id → (kind, region)
    orgs: HashMap<String, (String, String)>,
    files: BTreeMap<&'static str, Vec<String>>,
    persons: usize,
    seq: usize,
}

/// The level implied by a region code's digits.
fn level_of(code: &str) -> &'static str {
    let zeros = |from: usize| code[from..].bytes().all(|b| b == b'0');
    if zeros(2) {
        "province"
    } else if zeros(4) {
        "prefecture"
    } else if zeros(6) {
        "county"
    } else if zeros(9) {
        "township"
    } else {
        "village"
    }
}

impl Ds {
    /// The fixed region tree, no flags, nothing else.
    fn new() -> Ds {
        let mut ds = Ds {
            regions: BTreeMap::new(),
            orgs: HashMap::new(),
            files: BTreeMap::new(),
            persons: 0,
            seq: 0,
        };
        for c in [
            E_PROV, E_CITY, E_CTY, E_CTY2, E2_PROV, W_PROV, W_CITY, C1, T1, V1, V2, C2, T2, V3,
            W_CITY2, C3,
        ] {
            ds.regions.insert(c.to_string(), RegionSpec::default());
        }
        ds
    }

    fn row(mut self, file: &'static str, line: String) -> Ds {
        self.files.entry(file).or_default().push(line);
        self
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{:04}", self.seq)
    }

    fn flag(mut self, code: &str, f: impl FnOnce(&mut RegionSpec)) -> Ds {
        f(self
            .regions
            .get_mut(code)
            .expect("a region of the fixed tree"));
        self
    }
    fn poor_county(self, code: &str) -> Ds {
        self.flag(code, |r| r.poor_county = true)
    }
    fn poor_village(self, code: &str) -> Ds {
        self.flag(code, |r| r.poor_village = true)
    }
    fn deep_poverty(self, code: &str) -> Ds {
        self.flag(code, |r| r.deep_poverty = true)
    }
    /// The year the county was lifted out or the village exited.
    fn region_exit(self, code: &str, year: Year) -> Ds {
        self.flag(code, |r| r.exit_year = Some(year))
    }

    /// `fiscal_revenue` of a region in a year ("" for an empty cell).
    fn revenue(self, code: &str, year: Year, revenue: &str) -> Ds {
        self.row("region_stats", format!("{code},{year},1000,{revenue},"))
    }

    fn org(mut self, id: &str, kind: &str, region: &str) -> Ds {
        self.orgs
            .insert(id.to_string(), (kind.to_string(), region.to_string()));
        self.row("organisations", format!("{id},组织{id},{kind},{region}"))
    }

    /// A pairing; `helper`/`helped` are region codes or `org:<id>`; the
    /// level and helper kind are derived as the format requires.
    fn pairing(self, id: &str, helper: &str, helped: &str, start: &str, end: &str) -> Ds {
        let org = |p: &str| p.strip_prefix("org:").map(|o| &self.orgs[o]);
        let level = match org(helped) {
            Some((_, region)) => level_of(region),
            None => level_of(helped),
        };
        let kind = match org(helper) {
            Some((kind, _)) => kind.clone(),
            None => "government".to_string(),
        };
        self.row(
            "pairings",
            format!("{id},{helper},{helped},{level},{kind},{start},{end}"),
        )
    }

    /// A household with `members` persons `<id>-1`, `<id>-2`, …
    fn household(
        mut self,
        id: &str,
        village: &str,
        identified: Year,
        exit: Option<Year>,
        members: usize,
    ) -> Ds {
        let exit = exit.map_or(String::new(), |e| e.to_string());
        for k in 1..=members {
            let n = self.persons;
            self.persons += 1;
            // Valid GB 11643 number: area, birth date, sequence (odd: male), check.
            let birth = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()
                + chrono::Days::new((n / 500) as u64);
            let first17 = format!("520102{}{:03}", birth.format("%Y%m%d"), 2 * (n % 500) + 1);
            let bytes: [u8; 17] = first17.as_bytes().try_into().unwrap();
            let check = xiezuo_domain::id_number::check_char(&bytes) as char;
            self = self.row(
                "persons",
                format!("{id}-{k},{id},{first17}{check},人{n},M,{birth},full"),
            );
        }
        self.row(
            "households",
            format!("{id},{village},general,{identified},{exit},,"),
        )
    }

    /// A registered household identified in 2015, not exited.
    fn hh(self, id: &str, village: &str, members: usize) -> Ds {
        self.household(id, village, 2015, None, members)
    }

    fn project(
        self,
        id: &str,
        pairing: &str,
        year: Year,
        county: &str,
        village: &str,
        status: &str,
    ) -> Ds {
        self.row(
            "projects",
            format!(
                "{id},{pairing},{year},项目{id},industry,{county},{village},10000,{year}-01-01,{year}-12-31,{status}"
            ),
        )
    }

    fn milestone(self, project: &str, seq: u32, due: &str, done: &str) -> Ds {
        self.row(
            "milestones",
            format!("{project},{seq},节点{seq},{due},{done},张三"),
        )
    }

    fn beneficiary(self, project: &str, household: &str) -> Ds {
        self.row("beneficiaries", format!("{project},{household}"))
    }

    /// A ledger row; `source_kind` is e.g. `"fiscal disbursement"`.
    fn fund(self, txn: &str, pairing: &str, date: &str, source_kind: &str, amount: &str) -> Ds {
        self.ledger(txn, pairing, date, source_kind, amount, "", "")
    }
    fn fund_to(
        self,
        txn: &str,
        pairing: &str,
        date: &str,
        source_kind: &str,
        amount: &str,
        project: &str,
    ) -> Ds {
        self.ledger(txn, pairing, date, source_kind, amount, project, "")
    }
    fn reversal(
        self,
        txn: &str,
        pairing: &str,
        date: &str,
        source_kind: &str,
        amount: &str,
        reverses: &str,
    ) -> Ds {
        self.ledger(txn, pairing, date, source_kind, amount, "", reverses)
    }
    #[allow(clippy::too_many_arguments)]
    fn ledger(
        self,
        txn: &str,
        pairing: &str,
        date: &str,
        source_kind: &str,
        amount: &str,
        project: &str,
        reverses: &str,
    ) -> Ds {
        let (source, kind) = source_kind.split_once(' ').unwrap();
        self.row(
            "funds",
            format!("{txn},{date},{pairing},{project},{source},{kind},{amount},{reverses}"),
        )
    }

    fn placement(self, id: &str, person: &str, pairing: &str, start: &str, end: &str) -> Ds {
        self.row(
            "placements",
            format!("{id},{person},{pairing},某工厂,{E_CTY},{start},{end},3000"),
        )
    }

    fn training(self, id: &str, pairing: &str, kind: &str, start: &str, attendees: u32) -> Ds {
        self.row(
            "trainings",
            format!("{id},{pairing},{kind},课程{id},{start},10,{attendees}"),
        )
    }

    fn attend(self, training: &str, person: &str) -> Ds {
        self.row("training_attendance", format!("{training},{person}"))
    }

    fn secondment(
        mut self,
        pairing: &str,
        direction: &str,
        role: &str,
        name: &str,
        start: &str,
        end: &str,
    ) -> Ds {
        let id = self.next_id("SC");
        let field = if role == "technician" { "health" } else { "" };
        self.row(
            "secondments",
            format!("{id},{pairing},{direction},{role},{field},{name},{start},{end}"),
        )
    }

    fn investment(mut self, pairing: &str, enterprise: &str, date: &str, amount: &str) -> Ds {
        let id = self.next_id("IV");
        self.row(
            "investments",
            format!("{id},{pairing},{enterprise},{C1},{date},{amount},"),
        )
    }

    fn purchase(mut self, pairing: &str, date: &str, amount: &str) -> Ds {
        let id = self.next_id("PU");
        self.row(
            "purchases",
            format!("{id},{pairing},{date},工会,{C1},核桃,{amount}"),
        )
    }

    fn donation(mut self, pairing: &str, date: &str, amount: &str, in_kind: bool) -> Ds {
        let id = self.next_id("DN");
        let in_kind = u8::from(in_kind);
        self.row(
            "donations",
            format!("{id},{pairing},{date},某人,individual,{amount},{in_kind}"),
        )
    }

    fn meeting(mut self, pairing: &str, date: &str, kind: &str, top_leader: bool) -> Ds {
        let id = self.next_id("MT");
        let top = u8::from(top_leader);
        self.row("meetings", format!("{id},{pairing},{date},{kind},{top}"))
    }

    fn target(self, pairing: &str, year: Year, indicator: &str, target: &str) -> Ds {
        self.row("targets", format!("{pairing},{year},{indicator},{target}"))
    }

    /// `regions.csv`: sorted by code, so every parent comes first; the parent
    /// is the nearest existing ancestor.
    fn regions_csv(&self) -> Vec<String> {
        self.regions
            .iter()
            .map(|(code, r)| {
                let level = level_of(code);
                let parent = [9, 6, 4, 2]
                    .iter()
                    .map(|&n| format!("{:0<12}", &code[..n]))
                    .find(|p| p != code && p < code && self.regions.contains_key(p))
                    .unwrap_or_default();
                let side = match (level, &code[..2]) {
                    ("province", "52") => "west",
                    ("province", _) => "east",
                    _ => "",
                };
                let b = |f: bool| if f { "1" } else { "" };
                let exit = r.exit_year.map_or(String::new(), |e| e.to_string());
                format!(
                    "{code},区{code},{level},{parent},{side},{},{},{},{exit}",
                    b(r.poor_county),
                    b(r.poor_village),
                    b(r.deep_poverty)
                )
            })
            .collect()
    }

    /// Imports the dataset into a fresh in-memory store and loads it.
    fn load(&self) -> AssessmentData {
        AssessmentData::load(&self.store()).unwrap()
    }

    /// Imports the dataset into a fresh in-memory store.
    fn store(&self) -> SqliteStore {
        let dir = tempfile::tempdir().unwrap();
        let mut files = self.files.clone();
        files.insert("regions", self.regions_csv());
        for (stem, lines) in &files {
            let kind = FileKind::from_stem(stem).unwrap();
            let header: Vec<&str> = kind
                .columns()
                .iter()
                .filter(|c| c.since == 1)
                .map(|c| c.name)
                .collect(); // v1 files
            let mut text = header.join(",");
            text.push('\n');
            for l in lines {
                text.push_str(l);
                text.push('\n');
            }
            std::fs::write(dir.path().join(format!("{stem}.csv")), text).unwrap();
        }
        let mut store = SqliteStore::open_in_memory().unwrap();
        let batch = BatchInfo {
            actor: "test".into(),
            at: "2020-01-01T00:00:00Z".into(),
            source: "unit test".into(),
        };
        let report = ingest(
            &mut store,
            Source::Dir(dir.path()),
            &batch,
            &WritePolicy::everywhere(),
            &Quiet,
        )
        .unwrap();
        let errors: Vec<String> = report
            .errors
            .iter()
            .map(|r| format!("{:?}", r.error))
            .collect();
        assert!(
            errors.is_empty(),
            "the test dataset does not import: {errors:#?}"
        );
        store
    }

    fn assess(&self, year: Year) -> Assessment {
        assess(&self.load(), year, &Method::default_v1())
    }
}

/// A dataset with the pairing `P`: east county E_CTY helps west county C1,
/// from 2018 on.
fn base() -> Ds {
    Ds::new().pairing("P", E_CTY, C1, "2018-01-01", OPEN)
}

/// A dataset with `P` and its containing city pairing `CITY`
/// (E_CITY → W_CITY, from 2017 on).
fn with_city() -> Ds {
    base().pairing("CITY", E_CITY, W_CITY, "2017-01-01", OPEN)
}

fn assessed<'a>(a: &'a Assessment, pairing: &str) -> &'a Assessed {
    a.pairings
        .iter()
        .find(|p| p.pairing_id == pairing)
        .unwrap_or_else(|| panic!("pairing {pairing} is not assessed in {}", a.year))
}

fn value(a: &Assessment, pairing: &str, i: I) -> Option<f64> {
    assessed(a, pairing).result.get(i).as_f64()
}

/// Asserts indicator values (None: null; money in yuan).
fn expect(a: &Assessment, pairing: &str, expected: &[(I, Option<f64>)]) {
    for &(i, want) in expected {
        let got = value(a, pairing, i);
        let ok = match (got, want) {
            (None, None) => true,
            (Some(g), Some(w)) => (g - w).abs() < 1e-9,
            _ => false,
        };
        assert!(
            ok,
            "{pairing} {} {}: got {got:?}, want {want:?}",
            a.year,
            i.as_str()
        );
    }
}

/// Imports, assesses `year` and asserts indicator values.
fn check(ds: &Ds, year: Year, pairing: &str, expected: &[(I, Option<f64>)]) {
    expect(&ds.assess(year), pairing, expected);
}

/// The record ids of one finding of a pairing, as `kind:id`, sorted.
fn findings(a: &Assessment, pairing: &str, f: Finding) -> Vec<String> {
    let mut v: Vec<String> = assessed(a, pairing)
        .result
        .findings
        .iter()
        .filter(|r| r.finding == f)
        .map(|r| format!("{}:{}", r.record_kind, r.record_id))
        .collect();
    v.sort();
    v
}

fn active(a: &Assessment) -> Vec<&str> {
    a.pairings.iter().map(|p| p.pairing_id.as_str()).collect()
}

// ---------------------------------------------------------------------------
// Scope, activity and the settled rules 1–4.
// ---------------------------------------------------------------------------

#[test]
fn every_active_pairing_gets_all_28_indicators() {
    let a = with_city()
        .pairing("ENDED", E_CTY, C2, "2016-01-01", "2018-12-31")
        .pairing("LATER", E_CTY, C2, "2020-01-01", OPEN)
        .assess(Y);
    assert_eq!(active(&a), ["CITY", "P"]);
    for p in &a.pairings {
        let ids: Vec<&str> = p.result.values.iter().map(|(i, _)| i.as_str()).collect();
        let all: Vec<&str> = I::ALL.iter().map(|i| i.as_str()).collect();
        assert_eq!(ids, all);
        assert_eq!(ids.len(), 28);
    }
}

#[test]
fn scope_holds_pairings_within_both_parties() {
    // Settled rule 1: a record counts for P when its pairing is in S(P).
    let ds = with_city()
        .org("E1", "enterprise", E_CTY)
        .pairing("ENT", "org:E1", V1, "2018-01-01", OPEN) // within P and CITY
        .pairing("P2", E_CTY, C2, "2018-01-01", OPEN) // within CITY only
        .pairing("OTHER", E2_PROV, C1, "2018-01-01", OPEN) // helper elsewhere
        .pairing("PROV", E_PROV, W_PROV, "2018-01-01", OPEN); // contains all but OTHER
    let ds = ["P", "CITY", "ENT", "P2", "OTHER", "PROV"]
        .iter()
        .fold(ds, |ds, p| {
            ds.meeting(p, "2019-05-01", "joint_meeting", true)
        });
    let a = ds.assess(Y);
    for (pairing, n) in [
        ("PROV", 5.0),
        ("CITY", 4.0),
        ("P", 2.0),
        ("ENT", 1.0),
        ("P2", 1.0),
        ("OTHER", 1.0),
    ] {
        expect(&a, pairing, &[(I::JointMeetings, Some(n))]);
    }
}

#[test]
fn an_organisation_contains_only_itself() {
    // Settled rule 2: E1 and E2 sit in the same county, yet E2's pairing is
    // not within E1's; a pairing helping an organisation contains no pairing
    // helping the region it sits in.
    let ds = base()
        .org("E1", "enterprise", E_CTY)
        .org("E2", "enterprise", E_CTY)
        .org("S1", "school", V1)
        .pairing("ORG1", "org:E1", V1, "2018-01-01", OPEN)
        .pairing("ORG2", "org:E2", V1, "2018-01-01", OPEN)
        .pairing("SCH", E_CTY, "org:S1", "2018-01-01", OPEN)
        .pairing("VIL", E_CTY, V1, "2018-01-01", OPEN);
    let ds = ["ORG1", "ORG2", "SCH", "VIL"].iter().fold(ds, |ds, p| {
        ds.meeting(p, "2019-05-01", "joint_meeting", true)
    });
    let a = ds.assess(Y);
    for (pairing, n) in [
        ("ORG1", 1.0),
        ("ORG2", 1.0),
        ("SCH", 1.0),
        ("VIL", 4.0), // itself, ORG1, ORG2, SCH (organisations within regions)
        ("P", 4.0),   // all four
    ] {
        expect(&a, pairing, &[(I::JointMeetings, Some(n))]);
    }
}

#[test]
fn the_area_of_an_organisation_is_its_region() {
    // A(P) for a helped organisation is its region (V1): poor_at_start counts
    // V1's registered persons, not V2's.
    let ds = base()
        .org("S1", "school", V1)
        .pairing("SCH", E_CTY, "org:S1", "2018-01-01", OPEN)
        .hh("H1", V1, 2)
        .hh("H2", V2, 3);
    let a = ds.assess(Y);
    expect(&a, "SCH", &[(I::PoorAtStart, Some(2.0))]);
    expect(&a, "P", &[(I::PoorAtStart, Some(5.0))]);
}

#[test]
fn interval_ends_are_inclusive_for_pairings() {
    // Settled rule 3: a pairing ending 2019-01-01 is active in 2019 and its
    // records dated later in 2019 count (rule 4: records are not clipped).
    let ds = Ds::new()
        .pairing("ENDS-JAN-1", E_CTY, C1, "2017-01-01", "2019-01-01")
        .pairing("ENDS-DEC-31", E_CTY, C2, "2017-01-01", "2018-12-31")
        .pairing("STARTS-DEC-31", E_CTY2, C1, "2019-12-31", OPEN)
        .pairing("STARTS-JAN-1", E_CTY2, C2, "2020-01-01", OPEN)
        .meeting("ENDS-JAN-1", "2019-06-01", "joint_meeting", true);
    let a = ds.assess(Y);
    assert_eq!(active(&a), ["ENDS-JAN-1", "STARTS-DEC-31"]);
    expect(&a, "ENDS-JAN-1", &[(I::JointMeetings, Some(1.0))]);
}

#[test]
fn records_of_a_pairing_not_active_count_for_no_one() {
    // Settled rule 4: OLD ended in 2018; its 2019 records count neither for
    // itself (not assessed) nor for CITY, which contains it. NEW starts in
    // July 2019; its February record counts (records are not clipped).
    let ds = Ds::new()
        .pairing("CITY", E_CITY, W_CITY, "2017-01-01", OPEN)
        .pairing("OLD", E_CTY, C1, "2017-01-01", "2018-12-31")
        .pairing("NEW", E_CTY, C2, "2019-07-01", OPEN)
        .hh("H1", V1, 1)
        .meeting("OLD", "2019-03-01", "joint_meeting", true)
        .fund("T1", "OLD", "2019-03-01", "fiscal disbursement", "100")
        .purchase("OLD", "2019-03-01", "50")
        .placement("PL1", "H1-1", "OLD", "2019-01-01", "2019-12-31")
        .meeting("NEW", "2019-02-01", "joint_meeting", true)
        .purchase("NEW", "2019-02-01", "7");
    let a = ds.assess(Y);
    assert_eq!(active(&a), ["CITY", "NEW"]);
    expect(
        &a,
        "CITY",
        &[
            (I::JointMeetings, Some(1.0)),
            (I::FiscalDisbursed, Some(0.0)),
            (I::Purchases, Some(7.0)),
            (I::PoorEmployed, Some(0.0)),
        ],
    );
    expect(
        &a,
        "NEW",
        &[(I::JointMeetings, Some(1.0)), (I::Purchases, Some(7.0))],
    );
}

// ---------------------------------------------------------------------------
// Organisation and leadership: joint_meetings, top_visits_to_west/east.
// ---------------------------------------------------------------------------

#[test]
fn meetings_count_by_kind_top_leader_and_date() {
    let ds = base()
        .meeting("P", "2019-01-01", "joint_meeting", true)
        .meeting("P", "2019-12-31", "joint_meeting", true)
        .meeting("P", "2019-06-01", "joint_meeting", false) // not led by the top leader
        .meeting("P", "2018-12-31", "joint_meeting", true) // not in Y
        .meeting("P", "2020-01-01", "joint_meeting", true) // not in Y
        .meeting("P", "2019-03-01", "visit_to_west", true)
        .meeting("P", "2019-04-01", "visit_to_west", true)
        .meeting("P", "2019-05-01", "visit_to_west", false)
        .meeting("P", "2019-07-01", "visit_to_east", true)
        .meeting("P", "2019-08-01", "visit_to_east", false);
    let d = ds.load();
    let m = Method::default_v1();
    expect(
        &assess(&d, 2019, &m),
        "P",
        &[
            (I::JointMeetings, Some(2.0)),
            (I::TopVisitsToWest, Some(2.0)),
            (I::TopVisitsToEast, Some(1.0)),
        ],
    );
    expect(
        &assess(&d, 2018, &m),
        "P",
        &[
            (I::JointMeetings, Some(1.0)),
            (I::TopVisitsToWest, Some(0.0)),
            (I::TopVisitsToEast, Some(0.0)),
        ],
    );
}

// ---------------------------------------------------------------------------
// Funds: fiscal_committed/disbursed/expended/disbursed_prev, fiscal_growth,
// revenue_growth, funds_to_poor_share, social_funds.
// ---------------------------------------------------------------------------

#[test]
fn fiscal_sums_by_year_source_and_kind() {
    let ds = base()
        .fund("C19", "P", "2019-01-01", "fiscal commitment", "1000")
        .fund("C18", "P", "2018-12-31", "fiscal commitment", "500")
        .fund("D19a", "P", "2019-03-01", "fiscal disbursement", "600.50")
        .fund("D19b", "P", "2019-12-31", "fiscal disbursement", "300")
        .fund("D18", "P", "2018-06-01", "fiscal disbursement", "600.50")
        .fund("D17", "P", "2017-06-01", "fiscal disbursement", "999")
        .fund("X19", "P", "2019-05-01", "fiscal expenditure", "250.25")
        .fund("X20", "P", "2020-01-01", "fiscal expenditure", "1")
        .fund("E19", "P", "2019-05-01", "enterprise disbursement", "70")
        .fund("S19", "P", "2019-05-01", "social commitment", "80");
    check(
        &ds,
        Y,
        "P",
        &[
            (I::FiscalCommitted, Some(1000.0)),
            (I::FiscalDisbursed, Some(900.5)),
            (I::FiscalExpended, Some(250.25)),
            (I::FiscalDisbursedPrev, Some(600.5)),
            (I::FiscalGrowth, Some(900.5 / 600.5 - 1.0)),
        ],
    );
}

#[test]
fn a_reversal_nets_out_in_its_own_year() {
    // Settled rule 5: D18 is reversed in part in 2019; C19 in the same year.
    let ds = base()
        .fund("D18", "P", "2018-06-01", "fiscal disbursement", "1000")
        .reversal(
            "R19",
            "P",
            "2019-02-01",
            "fiscal disbursement",
            "-300",
            "D18",
        )
        .fund("C19", "P", "2019-01-10", "fiscal commitment", "500")
        .reversal(
            "RC19",
            "P",
            "2019-01-20",
            "fiscal commitment",
            "-100",
            "C19",
        );
    let d = ds.load();
    let m = Method::default_v1();
    expect(
        &assess(&d, 2018, &m),
        "P",
        &[(I::FiscalDisbursed, Some(1000.0))],
    );
    expect(
        &assess(&d, 2019, &m),
        "P",
        &[
            (I::FiscalDisbursed, Some(-300.0)),
            (I::FiscalDisbursedPrev, Some(1000.0)),
            (I::FiscalGrowth, Some(-1.3)),
            (I::FiscalCommitted, Some(400.0)),
        ],
    );
}

#[test]
fn fiscal_disbursed_prev_uses_the_scope_as_of_y() {
    // Settled rule 4: for CITY in 2019, the 2018 rows of NEW (active in 2019,
    // not yet in 2018) count; those of OLD (not active in 2019) do not.
    let ds = Ds::new()
        .pairing("CITY", E_CITY, W_CITY, "2017-01-01", OPEN)
        .pairing("OLD", E_CTY, C1, "2017-01-01", "2018-12-31")
        .pairing("NEW", E_CTY, C2, "2019-01-01", OPEN)
        .fund("CITY18", "CITY", "2018-03-01", "fiscal disbursement", "100")
        .fund("OLD18", "OLD", "2018-03-01", "fiscal disbursement", "700")
        .fund("NEW18", "NEW", "2018-03-01", "fiscal disbursement", "300")
        .fund("NEW19", "NEW", "2019-03-01", "fiscal disbursement", "800");
    let d = ds.load();
    let m = Method::default_v1();
    expect(
        &assess(&d, 2019, &m),
        "CITY",
        &[
            (I::FiscalDisbursedPrev, Some(400.0)),
            (I::FiscalDisbursed, Some(800.0)),
            (I::FiscalGrowth, Some(1.0)),
        ],
    );
    // In 2018 the scope is CITY and OLD.
    expect(
        &assess(&d, 2018, &m),
        "CITY",
        &[(I::FiscalDisbursed, Some(800.0))],
    );
}

#[test]
fn fiscal_growth_is_null_when_prev_is_zero() {
    let cases: &[(&str, Ds, Option<f64>)] = &[
        (
            "no row in Y-1",
            base().fund("D19", "P", "2019-03-01", "fiscal disbursement", "500"),
            None,
        ),
        (
            "Y-1 nets to 0 after a reversal",
            base()
                .fund("D18", "P", "2018-03-01", "fiscal disbursement", "100")
                .reversal(
                    "R18",
                    "P",
                    "2018-04-01",
                    "fiscal disbursement",
                    "-100",
                    "D18",
                )
                .fund("D19", "P", "2019-03-01", "fiscal disbursement", "500"),
            None,
        ),
        (
            "Y-1 commitment only",
            base()
                .fund("C18", "P", "2018-03-01", "fiscal commitment", "100")
                .fund("D19", "P", "2019-03-01", "fiscal disbursement", "500"),
            None,
        ),
        (
            "nothing in Y",
            base().fund("D18", "P", "2018-03-01", "fiscal disbursement", "100"),
            Some(-1.0),
        ),
        (
            "growth of a half",
            base()
                .fund("D18", "P", "2018-03-01", "fiscal disbursement", "200")
                .fund("D19", "P", "2019-03-01", "fiscal disbursement", "300"),
            Some(0.5),
        ),
    ];
    for (name, ds, want) in cases {
        let got = value(&ds.assess(Y), "P", I::FiscalGrowth);
        assert_eq!(got, *want, "{name}");
    }
}

#[test]
fn revenue_growth_of_the_helpers_own_region() {
    let org_helper = base()
        .org("E1", "enterprise", E_CTY)
        .pairing("ORG", "org:E1", C1, "2018-01-01", OPEN)
        .revenue(E_CTY, 2018, "100")
        .revenue(E_CTY, 2019, "110");
    assert_eq!(value(&org_helper.assess(Y), "ORG", I::RevenueGrowth), None);
    assert!((value(&org_helper.assess(Y), "P", I::RevenueGrowth).unwrap() - 0.1).abs() < 1e-12);

    let cases: &[(&str, Ds, Option<f64>)] = &[
        (
            "both years",
            base()
                .revenue(E_CTY, 2018, "200")
                .revenue(E_CTY, 2019, "150"),
            Some(-0.25),
        ),
        ("no row for Y-1", base().revenue(E_CTY, 2019, "110"), None),
        ("no row for Y", base().revenue(E_CTY, 2018, "110"), None),
        (
            "empty cell in Y-1",
            base().revenue(E_CTY, 2018, "").revenue(E_CTY, 2019, "110"),
            None,
        ),
        (
            "empty cell in Y",
            base().revenue(E_CTY, 2018, "100").revenue(E_CTY, 2019, ""),
            None,
        ),
        (
            "revenue of Y-1 is 0",
            base().revenue(E_CTY, 2018, "0").revenue(E_CTY, 2019, "110"),
            None,
        ),
        (
            "helped region's figures do not count",
            base().revenue(C1, 2018, "100").revenue(C1, 2019, "110"),
            None,
        ),
    ];
    for (name, ds, want) in cases {
        let got = value(&ds.assess(Y), "P", I::RevenueGrowth);
        match (got, want) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{name}: {g} vs {w}"),
            _ => assert_eq!(got, *want, "{name}"),
        }
    }

    // No roll-up from children: CITY's own rows are missing.
    let ds = with_city()
        .revenue(E_CTY, 2018, "100")
        .revenue(E_CTY, 2019, "110")
        .revenue(E_CTY2, 2018, "100")
        .revenue(E_CTY2, 2019, "110");
    assert_eq!(value(&ds.assess(Y), "CITY", I::RevenueGrowth), None);
}

#[test]
fn funds_to_poor_share_counts_poor_villages_and_projects_with_beneficiaries() {
    // Settled rule 8: V1's poor_village flag counts though V1 exited in 2017.
    let ds = base()
        .poor_village(V1)
        .region_exit(V1, 2017)
        .hh("H3", V3, 1)
        .project("PV", "P", 2019, C1, V1, "ongoing")
        // a beneficiary row of a cancelled project of another year, and
        // one outside the project's county: still "has a row"
        .project("BEN", "P", 2017, C1, "", "cancelled")
        .beneficiary("BEN", "H3")
        .project("NONE", "P", 2019, C1, V2, "completed")
        .fund_to("D1", "P", "2019-02-01", "fiscal disbursement", "100", "PV")
        .fund_to("D2", "P", "2019-02-01", "fiscal disbursement", "200", "BEN")
        .fund_to(
            "D3",
            "P",
            "2019-02-01",
            "fiscal disbursement",
            "300",
            "NONE",
        )
        // not in the share: no project, another kind, another source, another year
        .fund("D4", "P", "2019-02-01", "fiscal disbursement", "1000")
        .fund_to("C1", "P", "2019-02-01", "fiscal commitment", "5000", "NONE")
        .fund_to(
            "X1",
            "P",
            "2019-02-01",
            "fiscal expenditure",
            "5000",
            "NONE",
        )
        .fund_to(
            "E1",
            "P",
            "2019-02-01",
            "enterprise disbursement",
            "5000",
            "NONE",
        )
        .fund_to(
            "D0",
            "P",
            "2018-02-01",
            "fiscal disbursement",
            "5000",
            "NONE",
        );
    check(&ds, Y, "P", &[(I::FundsToPoorShare, Some(0.5))]);
}

#[test]
fn funds_to_poor_share_null_cases() {
    let cases: &[(&str, Ds, Option<f64>)] = &[
        ("no disbursement", base(), None),
        (
            "no disbursement names a project",
            base()
                .project("PV", "P", 2019, C1, V1, "ongoing")
                .fund("D1", "P", "2019-02-01", "fiscal disbursement", "100")
                .fund_to("C1", "P", "2019-02-01", "fiscal commitment", "100", "PV"),
            None,
        ),
        (
            "only other projects' disbursements, none reaching the poor",
            base().project("PR", "P", 2019, C1, V1, "ongoing").fund_to(
                "D1",
                "P",
                "2019-02-01",
                "fiscal disbursement",
                "100",
                "PR",
            ),
            Some(0.0),
        ),
        (
            "a project with a beneficiary",
            base()
                .hh("H1", V1, 1)
                .project("PR", "P", 2019, C1, V1, "ongoing")
                .beneficiary("PR", "H1")
                .fund_to("D1", "P", "2019-02-01", "fiscal disbursement", "100", "PR"),
            Some(1.0),
        ),
    ];
    for (name, ds, want) in cases {
        assert_eq!(
            value(&ds.assess(Y), "P", I::FundsToPoorShare),
            *want,
            "{name}"
        );
    }
}

#[test]
fn social_funds_are_donations_and_non_fiscal_disbursements() {
    let ds = base()
        .donation("P", "2019-03-01", "100", false)
        .donation("P", "2019-04-01", "50.50", true) // in kind included
        .donation("P", "2018-12-31", "999", false) // not in Y
        .fund("E1", "P", "2019-05-01", "enterprise disbursement", "30")
        .fund("S1", "P", "2019-05-01", "social disbursement", "20")
        .fund("E2", "P", "2019-05-01", "enterprise commitment", "999")
        .fund("S2", "P", "2019-05-01", "social expenditure", "999")
        .fund("F1", "P", "2019-05-01", "fiscal disbursement", "999")
        .fund("E3", "P", "2020-01-01", "enterprise disbursement", "999");
    check(&ds, Y, "P", &[(I::SocialFunds, Some(200.5))]);
}

// ---------------------------------------------------------------------------
// Talent: cadres_to_west, technicians_to_west, cadres_to_east, trained_people.
// ---------------------------------------------------------------------------

#[test]
fn secondments_are_records_active_in_y_counted_in_every_year() {
    // Settled rules 3 and 7.
    let ds = base()
        .secondment("P", "to_west", "cadre", "王一", "2019-03-01", "2020-03-01")
        .secondment("P", "to_west", "cadre", "王一", "2019-04-01", "2019-05-01") // same name: a record
        .secondment("P", "to_west", "cadre", "李二", "2018-06-01", "2019-01-01") // both years
        .secondment("P", "to_west", "cadre", "赵三", "2018-01-01", "2018-12-31") // 2018 only
        .secondment(
            "P",
            "to_west",
            "technician",
            "钱四",
            "2019-12-31",
            "2020-06-30",
        )
        .secondment(
            "P",
            "to_west",
            "technician",
            "孙五",
            "2018-02-01",
            "2020-06-30",
        )
        .secondment("P", "to_east", "cadre", "周六", "2019-02-01", "2019-08-01")
        .secondment(
            "P",
            "to_east",
            "technician",
            "吴七",
            "2019-02-01",
            "2019-08-01",
        ); // counted nowhere
    let d = ds.load();
    let m = Method::default_v1();
    expect(
        &assess(&d, 2019, &m),
        "P",
        &[
            (I::CadresToWest, Some(3.0)),
            (I::TechniciansToWest, Some(2.0)),
            (I::CadresToEast, Some(1.0)),
        ],
    );
    expect(
        &assess(&d, 2018, &m),
        "P",
        &[
            (I::CadresToWest, Some(2.0)),
            (I::TechniciansToWest, Some(1.0)),
            (I::CadresToEast, Some(0.0)),
        ],
    );
}

#[test]
fn trained_people_sums_attendees_by_start_date() {
    // Settled rule 6: a training starting 2018-12-28 counts in 2018 only.
    let ds = base()
        .training("T1", "P", "cadre", "2019-01-01", 10)
        .training("T2", "P", "technician", "2019-06-01", 20)
        .training("T3", "P", "village_leader", "2019-12-31", 5)
        .training("T4", "P", "poor_labor", "2019-06-01", 100) // not counted
        .training("T5", "P", "cadre", "2018-12-28", 7);
    let d = ds.load();
    let m = Method::default_v1();
    expect(
        &assess(&d, 2019, &m),
        "P",
        &[(I::TrainedPeople, Some(35.0))],
    );
    expect(&assess(&d, 2018, &m), "P", &[(I::TrainedPeople, Some(7.0))]);
}

// ---------------------------------------------------------------------------
// Industry: enterprises_invested, investment. Consumption: purchases.
// ---------------------------------------------------------------------------

#[test]
fn investments_distinct_enterprises_and_sum() {
    let ds = base()
        .org("E1", "enterprise", E_CTY)
        .org("E2", "enterprise", E_CTY2)
        .org("E3", "enterprise", E_CTY)
        .investment("P", "org:E1", "2019-02-01", "100")
        .investment("P", "org:E1", "2019-11-01", "200.10")
        .investment("P", "org:E2", "2019-12-31", "50")
        .investment("P", "org:E3", "2018-12-31", "1000");
    let d = ds.load();
    let m = Method::default_v1();
    expect(
        &assess(&d, 2019, &m),
        "P",
        &[
            (I::EnterprisesInvested, Some(2.0)),
            (I::Investment, Some(350.1)),
        ],
    );
    expect(
        &assess(&d, 2018, &m),
        "P",
        &[
            (I::EnterprisesInvested, Some(1.0)),
            (I::Investment, Some(1000.0)),
        ],
    );
}

#[test]
fn purchases_sum_in_y() {
    let ds = with_city()
        .purchase("P", "2019-01-01", "100.50")
        .purchase("P", "2019-12-31", "200")
        .purchase("P", "2018-12-31", "999")
        .purchase("CITY", "2019-06-01", "1");
    let a = ds.assess(Y);
    expect(&a, "P", &[(I::Purchases, Some(300.5))]);
    expect(&a, "CITY", &[(I::Purchases, Some(301.5))]);
}

// ---------------------------------------------------------------------------
// Labour: poor_employed, poor_trained.
// ---------------------------------------------------------------------------

#[test]
fn poor_employed_needs_90_days_of_y_counted_once() {
    // (case, placements of person H1-1 as (pairing, start, end), employed?)
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str, &'static str)],
        f64,
    );
    let cases: &[Case] = &[
        ("89 days", &[("P", "2019-01-01", "2019-03-30")], 0.0),
        ("90 days", &[("P", "2019-01-01", "2019-03-31")], 1.0),
        ("91 days", &[("P", "2019-01-01", "2019-04-01")], 1.0),
        (
            "overlapping: 74 + 30 days cover 89",
            &[
                ("P", "2019-01-01", "2019-03-15"),
                ("P", "2019-03-01", "2019-03-30"),
            ],
            0.0,
        ),
        (
            "overlapping: union covers 90",
            &[
                ("P", "2019-01-01", "2019-03-15"),
                ("P", "2019-03-01", "2019-03-31"),
            ],
            1.0,
        ),
        (
            "disjoint: 45 + 45 days",
            &[
                ("P", "2019-01-01", "2019-02-14"),
                ("P", "2019-06-01", "2019-07-15"),
            ],
            1.0,
        ),
        (
            "two placements of 90+ days: one person",
            &[
                ("P", "2019-01-01", "2019-12-31"),
                ("P", "2019-02-01", "2019-12-31"),
            ],
            1.0,
        ),
        (
            "from 2018: 90 days in Y",
            &[("P", "2018-11-01", "2019-03-31")],
            1.0,
        ),
        (
            "from 2018: 89 days in Y",
            &[("P", "2018-10-01", "2019-03-30")],
            0.0,
        ),
        ("ongoing: 90 days in Y", &[("P", "2019-10-03", OPEN)], 1.0),
        ("ongoing: 89 days in Y", &[("P", "2019-10-04", OPEN)], 0.0),
        ("all of 2018", &[("P", "2018-01-01", "2018-12-31")], 0.0),
        (
            "45 + 45 days across two pairings of the scope",
            &[
                ("P", "2019-01-01", "2019-02-14"),
                ("VIL", "2019-06-01", "2019-07-15"),
            ],
            1.0,
        ),
        (
            "a pairing outside the scope does not count",
            &[
                ("P", "2019-01-01", "2019-02-14"),
                ("OUT", "2019-06-01", "2019-07-15"),
            ],
            0.0,
        ),
    ];
    for (name, placements, want) in cases {
        let mut ds = base()
            .pairing("VIL", E_CTY, V1, "2018-01-01", OPEN)
            .pairing("OUT", E2_PROV, C1, "2018-01-01", OPEN)
            .hh("H1", V1, 2);
        for (k, (pairing, start, end)) in placements.iter().enumerate() {
            ds = ds.placement(&format!("PL{k}"), "H1-1", pairing, start, end);
        }
        let got = value(&ds.assess(Y), "P", I::PoorEmployed);
        assert_eq!(got, Some(*want), "{name}");
    }
}

#[test]
fn poor_employed_only_counts_registered_persons_of_the_area() {
    let ds = base()
        .household("IN", V1, 2015, None, 1)
        .household("EXITED", V2, 2015, Some(2017), 1) // settled rule 10: still in R
        .household("NEWLY", V2, 2019, None, 1) // identified in Y: in R
        .household("LATER", V1, 2020, None, 1) // identified after Y: not in R
        .household("AWAY", V3, 2015, None, 1) // outside A(P)
        .placement("PL1", "IN-1", "P", "2019-01-01", "2019-06-30")
        .placement("PL2", "EXITED-1", "P", "2019-01-01", "2019-06-30")
        .placement("PL3", "LATER-1", "P", "2019-01-01", "2019-06-30")
        .placement("PL4", "AWAY-1", "P", "2019-01-01", "2019-06-30")
        .placement("PL5", "NEWLY-1", "P", "2019-01-01", "2019-06-30");
    check(&ds, Y, "P", &[(I::PoorEmployed, Some(3.0))]);
}

#[test]
fn poor_trained_counts_distinct_registered_attendees_of_poor_labour_trainings() {
    let ds = base()
        .pairing("VIL", E_CTY, V1, "2018-01-01", OPEN)
        .hh("A", V1, 1)
        .hh("B", V2, 1)
        .hh("C", V1, 1)
        .hh("D", V1, 1)
        .hh("AWAY", V3, 1)
        .household("LATER", V1, 2020, None, 1)
        .training("T1", "P", "poor_labor", "2019-03-01", 50)
        .training("T2", "VIL", "poor_labor", "2019-12-31", 50)
        .training("T3", "P", "cadre", "2019-03-01", 50)
        .training("T4", "P", "poor_labor", "2018-12-30", 50) // dated by start_date
        .attend("T1", "A-1")
        .attend("T2", "A-1") // once per person
        .attend("T2", "B-1")
        .attend("T3", "C-1") // attendance of another kind: not poor_trained
        .attend("T4", "D-1")
        .attend("T1", "AWAY-1") // outside A(P)
        .attend("T1", "LATER-1"); // not in R(P,Y)
    let d = ds.load();
    let m = Method::default_v1();
    expect(&assess(&d, 2019, &m), "P", &[(I::PoorTrained, Some(2.0))]);
    expect(&assess(&d, 2018, &m), "P", &[(I::PoorTrained, Some(1.0))]);
}

// ---------------------------------------------------------------------------
// Results: poor_benefited, poor_at_start, benefit_rate, exit_rate.
// ---------------------------------------------------------------------------

#[test]
fn poor_benefited_counts_each_person_once_across_channels() {
    let ds = base()
        .hh("H1", V1, 3) // beneficiary household, one member also employed and trained
        .hh("H2", V1, 2) // one member trained
        .hh("H3", V2, 2) // one member employed
        .hh("H4", V1, 2) // beneficiary of a cancelled project of Y
        .hh("H5", V1, 2) // beneficiary of a project of 2018
        .hh("H6", V3, 2) // beneficiary outside A(P)
        .household("H7", V1, 2020, None, 2) // identified after Y
        .project("PR", "P", 2019, C1, "", "ongoing")
        .project("PR2", "P", 2019, C1, "", "completed")
        .project("CX", "P", 2019, C1, "", "cancelled")
        .project("OLD", "P", 2018, C1, "", "completed")
        .beneficiary("PR", "H1")
        .beneficiary("PR2", "H1") // same household, two projects
        .beneficiary("CX", "H4")
        .beneficiary("OLD", "H5")
        .beneficiary("PR", "H6")
        .beneficiary("PR", "H7")
        .placement("PL1", "H1-1", "P", "2019-01-01", "2019-06-30")
        .placement("PL2", "H3-1", "P", "2019-01-01", "2019-06-30")
        .training("T1", "P", "poor_labor", "2019-03-01", 10)
        .attend("T1", "H1-1")
        .attend("T1", "H2-1")
        .attend("T1", "H3-1");
    check(
        &ds,
        Y,
        "P",
        &[
            (I::PoorEmployed, Some(2.0)),
            (I::PoorTrained, Some(3.0)),
            (I::PoorBenefited, Some(5.0)), // H1 ×3, H2-1, H3-1
            (I::PoorAtStart, Some(11.0)),  // H1..H5 (H6 outside, H7 later)
            (I::BenefitRate, Some(5.0 / 11.0)),
        ],
    );
}

#[test]
fn poor_at_start_and_exit_rate() {
    let ds = with_city()
        .household("H1", V1, 2015, None, 2)
        .household("H2", V2, 2016, Some(2019), 3)
        .household("H3", V1, 2015, Some(2018), 1) // in R, not in PS for 2019
        .household("H4", V1, 2020, None, 4) // not in R before 2020
        .household("H5", V3, 2015, Some(2019), 5); // outside C1, inside W_CITY
    let d = ds.load();
    let m = Method::default_v1();
    let a = assess(&d, 2019, &m);
    expect(
        &a,
        "P",
        &[(I::PoorAtStart, Some(5.0)), (I::ExitRate, Some(3.0 / 5.0))],
    );
    expect(
        &a,
        "CITY",
        &[
            (I::PoorAtStart, Some(10.0)),
            (I::ExitRate, Some(8.0 / 10.0)),
        ],
    );
    expect(
        &assess(&d, 2018, &m),
        "P",
        &[(I::PoorAtStart, Some(6.0)), (I::ExitRate, Some(1.0 / 6.0))],
    );
    expect(
        &assess(&d, 2020, &m),
        "P",
        &[(I::PoorAtStart, Some(6.0)), (I::ExitRate, Some(0.0))],
    );
}

#[test]
fn rates_are_null_when_no_one_is_poor_at_start() {
    let ds = base()
        .household("GONE", V1, 2015, Some(2017), 2)
        .project("PR", "P", 2019, C1, "", "ongoing")
        .beneficiary("PR", "GONE");
    check(
        &ds,
        Y,
        "P",
        &[
            (I::PoorBenefited, Some(2.0)),
            (I::PoorAtStart, Some(0.0)),
            (I::BenefitRate, None),
            (I::ExitRate, None),
        ],
    );
    check(
        &base(),
        Y,
        "P",
        &[
            (I::PoorBenefited, Some(0.0)),
            (I::PoorAtStart, Some(0.0)),
            (I::BenefitRate, None),
            (I::ExitRate, None),
        ],
    );
}

#[test]
fn benefit_rate_can_exceed_one() {
    // Settled rule 10: a household that exited before Y is still registered
    // and still helped.
    let ds = base()
        .household("GONE", V1, 2015, Some(2017), 3)
        .household("POOR", V1, 2015, None, 1)
        .project("PR", "P", 2019, C1, "", "ongoing")
        .beneficiary("PR", "GONE");
    check(
        &ds,
        Y,
        "P",
        &[
            (I::PoorBenefited, Some(3.0)),
            (I::PoorAtStart, Some(1.0)),
            (I::BenefitRate, Some(3.0)),
        ],
    );
}

// ---------------------------------------------------------------------------
// Coverage: county_coverage, village_coverage.
// ---------------------------------------------------------------------------

#[test]
fn county_coverage_counts_the_county_itself_as_helped_party() {
    // A(CITY) = W_CITY holds the poor counties C1 and C2 (C3 is elsewhere).
    // Settled rule 8: C1 was lifted out in 2017 and still counts.
    let world = || {
        Ds::new()
            .poor_county(C1)
            .region_exit(C1, 2017)
            .poor_county(C2)
            .poor_county(C3)
            .org("W1", "hospital", C2)
            .org("E1", "enterprise", E_CTY)
            .pairing("CITY", E_CITY, W_CITY, "2017-01-01", OPEN)
            .pairing("K1", E_CTY, C1, "2018-01-01", OPEN)
            // none of these covers C2:
            .pairing("K2-ORG", E_CTY, "org:W1", "2018-01-01", OPEN) // an organisation in it
            .pairing("K2-ELSE", E2_PROV, C2, "2018-01-01", OPEN) // helper not within E_CITY
            .pairing("K2-OLD", E_CTY, C2, "2015-01-01", "2018-12-31") // not active
            .pairing("K2-VIL", E_CTY, V3, "2018-01-01", OPEN) // not county level
            .pairing("K3", E_CTY, C3, "2018-01-01", OPEN) // outside A(CITY)
    };
    let a = world().assess(Y);
    expect(&a, "CITY", &[(I::CountyCoverage, Some(0.5))]);
    expect(&a, "K1", &[(I::CountyCoverage, Some(1.0))]);
    expect(&a, "K2-ELSE", &[(I::CountyCoverage, Some(1.0))]);
    // K2-ORG's area is C2: helping an organisation in C2 does not cover C2,
    // and K2-ELSE's helper is not within E_CTY.
    expect(&a, "K2-ORG", &[(I::CountyCoverage, Some(0.0))]);
    // No poor county within a village: null.
    expect(&a, "K2-VIL", &[(I::CountyCoverage, None)]);

    // An enterprise within E_CITY helping C2 covers it (county level).
    let a = world()
        .pairing("K2-ENT", "org:E1", C2, "2018-01-01", OPEN)
        .assess(Y);
    expect(&a, "CITY", &[(I::CountyCoverage, Some(1.0))]);

    // Only a county pairing whose helper is within P's helper covers: K2
    // (from E_CTY2) covers C2 for CITY, not for WHOLE (from E_CTY).
    let a = Ds::new()
        .poor_county(C2)
        .pairing("CITY", E_CITY, W_CITY, "2017-01-01", OPEN)
        .pairing("K1", E_CTY, C1, "2018-01-01", OPEN)
        .pairing("K2", E_CTY2, C2, "2018-01-01", OPEN)
        .pairing("WHOLE", E_CTY, W_CITY, "2018-01-01", OPEN)
        .assess(Y);
    expect(&a, "CITY", &[(I::CountyCoverage, Some(1.0))]);
    expect(&a, "WHOLE", &[(I::CountyCoverage, Some(0.0))]);
    expect(&a, "K1", &[(I::CountyCoverage, None)]); // C1 is not poor
}

#[test]
fn village_coverage_counts_village_pairings_in_the_scope() {
    // Settled rule 8: V1 exited in 2018 and still counts. C1's own
    // deep_poverty flag is a county's, not a village's.
    let world = || {
        with_city()
            .deep_poverty(C1)
            .deep_poverty(V1)
            .region_exit(V1, 2018)
            .deep_poverty(V2)
            .deep_poverty(V3)
            .org("E1", "enterprise", E_CTY)
            .pairing("VV1", "org:E1", V1, "2018-01-01", OPEN) // in S(P)
            .pairing("VV2", E2_PROV, V2, "2018-01-01", OPEN) // helper outside: not in S(P)
            .pairing("VV3-OLD", E_CTY, V3, "2015-01-01", "2018-12-31") // not active
    };
    let a = world().assess(Y);
    expect(&a, "P", &[(I::VillageCoverage, Some(0.5))]);
    expect(&a, "CITY", &[(I::VillageCoverage, Some(1.0 / 3.0))]);
    expect(&a, "VV1", &[(I::VillageCoverage, Some(1.0))]);
    let a = world()
        .pairing("VV2-OK", E_CTY2, V2, "2018-01-01", OPEN)
        .assess(Y);
    expect(&a, "P", &[(I::VillageCoverage, Some(0.5))]); // E_CTY2 is not within E_CTY
    expect(&a, "CITY", &[(I::VillageCoverage, Some(2.0 / 3.0))]);
    // No deep-poverty village within the area: null.
    check(&base(), Y, "P", &[(I::VillageCoverage, None)]);
    check(
        &base().deep_poverty(C1),
        Y,
        "P",
        &[(I::VillageCoverage, None)],
    );
}

// ---------------------------------------------------------------------------
// Projects: milestones_due, on_time_rate (and the late_milestone finding).
// ---------------------------------------------------------------------------

#[test]
fn milestones_due_in_y_and_on_time_rate() {
    // Settled rule 9: cancelled projects' milestones are never due; those
    // of projects of any year and any other status are.
    let ds = with_city()
        .project("P18", "P", 2018, C1, "", "completed")
        .milestone("P18", 1, "2019-03-01", "2019-03-01") // done on the day: on time
        .milestone("P18", 2, "2019-04-01", "2019-04-02") // late
        .milestone("P18", 3, "2019-05-01", "") // not done
        .milestone("P18", 4, "2018-12-31", "") // due in 2018
        .project("P20", "P", 2020, C1, "", "planned")
        .milestone("P20", 1, "2019-12-31", "2019-01-15") // early: on time
        .project("CX", "P", 2019, C1, "", "cancelled")
        .milestone("CX", 1, "2019-06-01", "");
    let d = ds.load();
    let m = Method::default_v1();
    let a = assess(&d, 2019, &m);
    for p in ["P", "CITY"] {
        expect(
            &a,
            p,
            &[(I::MilestonesDue, Some(4.0)), (I::OnTimeRate, Some(0.5))],
        );
        assert_eq!(
            findings(&a, p, Finding::LateMilestone),
            ["milestone:P18/2", "milestone:P18/3"]
        );
    }
    let a = assess(&d, 2018, &m);
    expect(
        &a,
        "P",
        &[(I::MilestonesDue, Some(1.0)), (I::OnTimeRate, Some(0.0))],
    );
    assert_eq!(
        findings(&a, "P", Finding::LateMilestone),
        ["milestone:P18/4"]
    );
    // None due: null.
    let a = assess(&d, 2021, &m);
    expect(
        &a,
        "P",
        &[(I::MilestonesDue, Some(0.0)), (I::OnTimeRate, None)],
    );
    assert!(findings(&a, "P", Finding::LateMilestone).is_empty());
}

// ---------------------------------------------------------------------------
// Findings.
// ---------------------------------------------------------------------------

#[test]
fn overlapping_placements_inside_y() {
    let ds = with_city()
        .pairing("P2", E_CTY, C2, "2018-01-01", OPEN)
        .pairing("OUT", E2_PROV, C1, "2018-01-01", OPEN)
        .hh("A", V1, 1)
        .hh("B", V1, 1)
        .hh("C", V3, 1)
        .hh("D", V1, 1)
        // A: PL1 and PL2 share 2019-03-31 (inclusive ends); PL3 is adjacent.
        .placement("PL1", "A-1", "P", "2019-01-01", "2019-03-31")
        .placement("PL2", "A-1", "P", "2019-03-31", "2019-06-30")
        .placement("PL3", "A-1", "P", "2019-07-01", "2019-08-31")
        // B: overlap in 2018 only; PL4 is not active in 2019.
        .placement("PL4", "B-1", "P", "2018-01-01", "2018-06-30")
        .placement("PL5", "B-1", "P", "2018-03-01", "2019-03-31")
        // C: outside A(P), placements in two pairings; for CITY both are in
        // S(CITY), for P only PL6 (registered or not, it is reported).
        .placement("PL6", "C-1", "P", "2019-01-01", "2019-12-31")
        .placement("PL7", "C-1", "P2", "2019-05-01", "2019-05-31")
        // D: the other placement is outside S(P).
        .placement("PL8", "D-1", "P", "2019-01-01", "2019-12-31")
        .placement("PL9", "D-1", "OUT", "2019-05-01", "2019-05-31");
    let d = ds.load();
    let m = Method::default_v1();
    let a = assess(&d, 2019, &m);
    assert_eq!(
        findings(&a, "P", Finding::OverlappingPlacements),
        ["placement:PL1", "placement:PL2"]
    );
    assert_eq!(
        findings(&a, "CITY", Finding::OverlappingPlacements),
        [
            "placement:PL1",
            "placement:PL2",
            "placement:PL6",
            "placement:PL7"
        ]
    );
    assert_eq!(
        findings(&a, "OUT", Finding::OverlappingPlacements),
        Vec::<String>::new()
    );
    let a = assess(&d, 2018, &m);
    assert_eq!(
        findings(&a, "P", Finding::OverlappingPlacements),
        ["placement:PL4", "placement:PL5"]
    );
}

#[test]
fn beneficiary_outside_its_projects_county() {
    let ds = with_city()
        .hh("IN", V1, 1)
        .hh("AWAY", V3, 1)
        .project("PR", "P", 2019, C1, "", "ongoing")
        .beneficiary("PR", "IN")
        .beneficiary("PR", "AWAY")
        .project("OLD", "P", 2018, C1, "", "completed") // not of 2019
        .beneficiary("OLD", "AWAY")
        .project("CX", "P", 2019, C1, "", "cancelled") // not of 2019
        .beneficiary("CX", "AWAY");
    let d = ds.load();
    let m = Method::default_v1();
    let a = assess(&d, 2019, &m);
    for p in ["P", "CITY"] {
        assert_eq!(
            findings(&a, p, Finding::BeneficiaryOutside),
            ["beneficiary:PR/AWAY"],
            "{p}"
        );
    }
    assert_eq!(
        findings(&assess(&d, 2018, &m), "P", Finding::BeneficiaryOutside),
        ["beneficiary:OLD/AWAY"]
    );
}

#[test]
fn person_outside_area_for_placements_and_attendance() {
    let ds = with_city()
        .hh("IN", V1, 1)
        .hh("AWAY", V3, 1) // outside C1, inside W_CITY
        .household("LATER", V1, 2020, None, 1) // inside, identified after Y: not outside
        .placement("PL1", "IN-1", "P", "2019-01-01", "2019-12-31")
        .placement("PL2", "AWAY-1", "P", "2019-01-01", "2019-01-31")
        .placement("PL3", "LATER-1", "P", "2019-01-01", "2019-12-31")
        .placement("PL4", "AWAY-1", "P", "2018-01-01", "2018-12-31") // not active in Y
        .training("T1", "P", "cadre", "2019-03-01", 5) // any kind
        .attend("T1", "AWAY-1")
        .attend("T1", "IN-1")
        .attend("T1", "LATER-1")
        .training("T2", "P", "poor_labor", "2018-12-30", 5) // starts before Y
        .attend("T2", "AWAY-1");
    let a = ds.assess(Y);
    assert_eq!(
        findings(&a, "P", Finding::PersonOutsideArea),
        ["attendance:T1/AWAY-1", "placement:PL2"]
    );
    assert!(findings(&a, "CITY", Finding::PersonOutsideArea).is_empty());
    expect(&a, "P", &[(I::PoorEmployed, Some(1.0))]);
}

#[test]
fn overdisbursed_compares_cumulative_fiscal_rows_up_to_y() {
    let ds = base()
        .fund("C17", "P", "2017-06-01", "fiscal commitment", "1000")
        .fund("D18", "P", "2018-06-01", "fiscal disbursement", "800")
        .fund("D19", "P", "2019-12-31", "fiscal disbursement", "300") // the last day counts
        .reversal(
            "R20",
            "P",
            "2020-03-01",
            "fiscal disbursement",
            "-200",
            "D19",
        )
        .fund("E18", "P", "2018-06-01", "enterprise disbursement", "5000")
        .fund("X18", "P", "2018-06-01", "fiscal expenditure", "5000")
        .fund("C22", "P", "2022-01-01", "fiscal commitment", "100")
        .fund("D22", "P", "2022-06-01", "fiscal disbursement", "200")
        .fund("D23", "P", "2023-06-01", "fiscal disbursement", "1");
    let d = ds.load();
    let m = Method::default_v1();
    for (year, over) in [
        (2018, false), // 800 ≤ 1000
        (2019, true),  // 1100 > 1000
        (2020, false), // 900 after the reversal
        (2021, false),
        (2022, false), // 1100 ≤ 1100
        (2023, true),  // 1101 > 1100
    ] {
        let want: &[&str] = if over { &["pairing:P"] } else { &[] };
        assert_eq!(
            findings(&assess(&d, year, &m), "P", Finding::Overdisbursed),
            want,
            "{year}"
        );
    }
}

#[test]
fn overdisbursed_uses_the_scope_as_of_y() {
    // NEW's 2018 disbursement counts for CITY in 2019 (NEW is then in
    // S(CITY)), not in 2018; OLD's rows stop counting once it ended.
    let ds = Ds::new()
        .pairing("CITY", E_CITY, W_CITY, "2017-01-01", OPEN)
        .pairing("NEW", E_CTY, C1, "2019-01-01", OPEN)
        .pairing("OLD", E_CTY, C2, "2017-01-01", "2018-12-31")
        .fund("C17", "CITY", "2017-06-01", "fiscal commitment", "1000")
        .fund("N18", "NEW", "2018-06-01", "fiscal disbursement", "1500")
        .fund("O18", "OLD", "2018-06-01", "fiscal commitment", "1000");
    let d = ds.load();
    let m = Method::default_v1();
    assert!(findings(&assess(&d, 2018, &m), "CITY", Finding::Overdisbursed).is_empty());
    let a = assess(&d, 2019, &m);
    assert_eq!(
        findings(&a, "CITY", Finding::Overdisbursed),
        ["pairing:CITY"]
    );
    assert_eq!(findings(&a, "NEW", Finding::Overdisbursed), ["pairing:NEW"]);
}

// ---------------------------------------------------------------------------
// Scores (method xz-v1) on constructed results.
// ---------------------------------------------------------------------------

struct MapTargets(HashMap<I, f64>);
impl Targets for MapTargets {
    fn target(&self, i: I) -> Option<f64> {
        self.0.get(&i).copied()
    }
}

/// A result with the given values (money in yuan) and every other
/// indicator null.
fn result(vals: &[(I, f64)]) -> PairingResult {
    let values = I::ALL
        .iter()
        .map(|&i| {
            let v = vals
                .iter()
                .find(|(k, _)| *k == i)
                .map_or(Value::Null, |&(_, x)| match i.unit() {
                    IndicatorUnit::Count => Value::Count(x as i64),
                    IndicatorUnit::Money => Value::Money(Fen((x * 100.0).round() as i64)),
                    IndicatorUnit::Rate => Value::Rate(x),
                });
            (i, v)
        })
        .collect();
    PairingResult {
        pairing: 0,
        values,
        findings: vec![],
    }
}

fn scores(vals: &[(I, f64)], targets: &[(I, f64)]) -> Vec<SideScore> {
    score(
        &Method::default_v1(),
        &result(vals),
        &MapTargets(targets.iter().copied().collect()),
    )
}

fn side<'a>(s: &'a [SideScore], name: &str) -> &'a SideScore {
    s.iter().find(|x| x.side == name).unwrap()
}

fn component(s: &[SideScore], side_name: &str, name: &str) -> f64 {
    side(s, side_name)
        .components
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{side_name} has no component {name}"))
        .1
}

#[test]
fn each_side_has_the_specified_components() {
    let s = scores(&[], &[]);
    let names = |n: &str| -> Vec<String> {
        side(&s, n)
            .components
            .iter()
            .map(|(c, _)| c.clone())
            .collect()
    };
    assert_eq!(
        names("east"),
        [
            "org",
            "funds",
            "talent",
            "industry",
            "labour",
            "coverage",
            "consumption"
        ]
    );
    assert_eq!(
        names("west"),
        ["org", "fund_use", "projects", "labour", "results"]
    );
}

#[test]
fn score_components_of_both_sides() {
    type Case = (
        &'static str,
        &'static str,
        &'static [(I, f64)],
        &'static [(I, f64)],
        f64,
    );
    let r = 0.9 / 1.1;
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // east org: 5·[joint_meetings ≥ 1] + 5·[top_visits_to_west ≥ 1]
        ("east", "org", &[], &[], 0.0),
        ("east", "org", &[(I::JointMeetings, 1.0)], &[], 5.0),
        ("east", "org", &[(I::JointMeetings, 2.0), (I::TopVisitsToWest, 1.0)], &[], 10.0),
        ("east", "org", &[(I::JointMeetings, 0.0), (I::TopVisitsToEast, 3.0)], &[], 0.0),
        // east funds: 10·min(1, disbursed/committed) + 10·g + 5·share (null → 0)
        ("east", "funds", &[(I::FiscalCommitted, 100.0), (I::FiscalDisbursed, 50.0)], &[], 5.0 + 10.0),
        ("east", "funds", &[(I::FiscalCommitted, 0.0), (I::FiscalDisbursed, 50.0)], &[], 10.0),
        ("east", "funds", &[(I::FiscalCommitted, -5.0), (I::FiscalDisbursed, 50.0)], &[], 10.0),
        ("east", "funds", &[(I::FiscalCommitted, 100.0), (I::FiscalDisbursed, 150.0),
            (I::FiscalGrowth, 0.2), (I::RevenueGrowth, 0.1), (I::FundsToPoorShare, 0.4)], &[], 10.0 + 10.0 + 2.0),
        ("east", "funds", &[(I::FiscalCommitted, 100.0), (I::FiscalDisbursed, 100.0),
            (I::FiscalGrowth, 0.1), (I::RevenueGrowth, 0.1), (I::FundsToPoorShare, 1.0)], &[], 25.0),
        ("east", "funds", &[(I::FiscalCommitted, 100.0), (I::FiscalDisbursed, 100.0),
            (I::FiscalGrowth, -0.1), (I::RevenueGrowth, 0.1), (I::FundsToPoorShare, 1.0)], &[], 10.0 + 10.0 * r + 5.0),
        // a null revenue_growth counts as 0
        ("east", "funds", &[(I::FiscalCommitted, 100.0), (I::FiscalDisbursed, 100.0),
            (I::FiscalGrowth, -0.1)], &[], 10.0 + 9.0),
        // a null fiscal_growth: g = 1 when disbursed > 0, else 0
        ("east", "funds", &[(I::FiscalCommitted, 100.0), (I::FiscalDisbursed, 0.0),
            (I::RevenueGrowth, 0.1)], &[], 0.0),
        // a negative net disbursement after a reversal: clamped at 0
        ("east", "funds", &[(I::FiscalCommitted, 100.0), (I::FiscalDisbursed, -20.0),
            (I::FiscalGrowth, -1.2), (I::RevenueGrowth, 0.0)], &[], 0.0),
        // east talent: 5·ratio each of cadres_to_west, technicians_to_west, trained_people
        ("east", "talent", &[(I::CadresToWest, 1.0), (I::TechniciansToWest, 4.0), (I::TrainedPeople, 150.0)],
            &[(I::CadresToWest, 2.0), (I::TechniciansToWest, 4.0), (I::TrainedPeople, 100.0)], 2.5 + 5.0 + 5.0),
        ("east", "talent", &[(I::CadresToWest, 0.0), (I::TechniciansToWest, 1.0), (I::CadresToEast, 9.0)], &[], 5.0),
        // east industry: 7.5·ratio(enterprises_invested) + 7.5·ratio(investment)
        ("east", "industry", &[(I::EnterprisesInvested, 1.0), (I::Investment, 500.0)],
            &[(I::EnterprisesInvested, 4.0), (I::Investment, 1000.0)], 1.875 + 3.75),
        ("east", "industry", &[(I::EnterprisesInvested, 0.0), (I::Investment, 0.0)], &[], 0.0),
        // east labour: 20·ratio(poor_employed)
        ("east", "labour", &[(I::PoorEmployed, 3.0)], &[(I::PoorEmployed, 4.0)], 15.0),
        ("east", "labour", &[(I::PoorEmployed, 0.0)], &[(I::PoorEmployed, 0.0)], 20.0),
        ("east", "labour", &[(I::PoorTrained, 5.0)], &[], 0.0),
        // east coverage: 5·county_coverage + 5·village_coverage (null → 1)
        ("east", "coverage", &[], &[], 10.0),
        ("east", "coverage", &[(I::CountyCoverage, 0.5)], &[], 2.5 + 5.0),
        ("east", "coverage", &[(I::CountyCoverage, 0.0), (I::VillageCoverage, 0.0)], &[], 0.0),
        // east consumption: 5·ratio(purchases)
        ("east", "consumption", &[(I::Purchases, 100.0)], &[], 5.0),
        ("east", "consumption", &[(I::Purchases, 100.0)], &[(I::Purchases, 400.0)], 1.25),
        ("east", "consumption", &[(I::Purchases, 0.0)], &[], 0.0),
        // west org: 5·[joint_meetings ≥ 1] + 5·[top_visits_to_east ≥ 1]
        ("west", "org", &[(I::JointMeetings, 1.0), (I::TopVisitsToEast, 1.0)], &[], 10.0),
        ("west", "org", &[(I::TopVisitsToWest, 1.0)], &[], 0.0),
        // west fund_use: 10·min(1, expended/disbursed) + 10·share (null → 0)
        ("west", "fund_use", &[(I::FiscalExpended, 50.0), (I::FiscalDisbursed, 100.0),
            (I::FundsToPoorShare, 0.5)], &[], 5.0 + 5.0),
        ("west", "fund_use", &[(I::FiscalExpended, 150.0), (I::FiscalDisbursed, 100.0),
            (I::FundsToPoorShare, 1.0)], &[], 20.0),
        ("west", "fund_use", &[(I::FiscalExpended, 50.0), (I::FiscalDisbursed, 0.0)], &[], 0.0),
        ("west", "fund_use", &[(I::FiscalExpended, 50.0), (I::FiscalDisbursed, -10.0),
            (I::FundsToPoorShare, 0.0)], &[], 0.0),
        // west projects: 15·on_time_rate (null → 1)
        ("west", "projects", &[], &[], 15.0),
        ("west", "projects", &[(I::OnTimeRate, 0.5)], &[], 7.5),
        ("west", "projects", &[(I::OnTimeRate, 0.0)], &[], 0.0),
        // west labour: 10·ratio(poor_employed) + 10·ratio(poor_trained)
        ("west", "labour", &[(I::PoorEmployed, 1.0), (I::PoorTrained, 3.0)], &[(I::PoorEmployed, 2.0)], 5.0 + 10.0),
        ("west", "labour", &[(I::PoorEmployed, 0.0), (I::PoorTrained, 0.0)], &[], 0.0),
        // west results: 20·ratio(poor_benefited) + 15·ratio(exit_rate)
        ("west", "results", &[(I::PoorBenefited, 5.0), (I::ExitRate, 0.05)],
            &[(I::PoorBenefited, 10.0), (I::ExitRate, 0.1)], 10.0 + 7.5),
        ("west", "results", &[(I::PoorBenefited, 0.0)], &[(I::ExitRate, 0.1)], 0.0),
        ("west", "results", &[(I::PoorBenefited, 1.0), (I::ExitRate, 0.2)], &[(I::ExitRate, 0.1)], 35.0),
    ];
    for (i, (side_name, comp, vals, targets, want)) in cases.iter().enumerate() {
        let got = component(&scores(vals, targets), side_name, comp);
        assert!(
            (got - want).abs() < 1e-9,
            "case {i}: {side_name} {comp}: got {got}, want {want}"
        );
    }
}

#[test]
fn an_empty_result_scores_only_the_null_defaults() {
    // funds_to_poor_share null → 0; coverage null → 1; on_time_rate null → 1.
    let s = scores(&[], &[]);
    assert_eq!(side(&s, "east").total, 10.0);
    assert_eq!(side(&s, "east").grade, "poor");
    assert_eq!(side(&s, "west").total, 15.0);
    assert_eq!(side(&s, "west").grade, "poor");
}

#[test]
fn grade_is_decided_on_the_rounded_total() {
    // West: org 10 + fund_use 20 + projects 15 + labour 10 + results.
    let west = |benefited: f64, target: f64| {
        let s = scores(
            &[
                (I::JointMeetings, 1.0),
                (I::TopVisitsToEast, 1.0),
                (I::FiscalExpended, 100.0),
                (I::FiscalDisbursed, 100.0),
                (I::FundsToPoorShare, 1.0),
                (I::PoorEmployed, 1.0),
                (I::PoorTrained, 0.0),
                (I::PoorBenefited, benefited),
                (I::ExitRate, 0.5),
            ],
            &[(I::PoorBenefited, target)],
        );
        let w = side(&s, "west");
        (w.total, w.grade.clone())
    };
    assert_eq!(west(1.0, 1.0), (90.0, "good".to_string()));
    // 20·3999/4000 = 19.995: the total 89.995 is shown as 90.00, so good.
    assert_eq!(west(3999.0, 4000.0), (90.0, "good".to_string()));
    // 89.994 rounds to 89.99: fair.
    assert_eq!(west(9997.0, 10000.0), (89.99, "fair".to_string()));
    assert_eq!(west(0.0, 1.0), (70.0, "average".to_string()));

    // A sum that is a decimal half although its binary value falls just
    // below it (80.195 is 80.19499… in binary) still rounds half away from
    // zero: fund_use 10 + 10·0.0195, no benefited persons.
    let s = scores(
        &[
            (I::JointMeetings, 1.0),
            (I::TopVisitsToEast, 1.0),
            (I::FiscalExpended, 100.0),
            (I::FiscalDisbursed, 100.0),
            (I::FundsToPoorShare, 0.0195),
            (I::PoorEmployed, 1.0),
            (I::PoorTrained, 0.0),
            (I::PoorBenefited, 1.0),
            (I::ExitRate, 0.5),
        ],
        &[],
    );
    assert_eq!(side(&s, "west").total, 80.2);

    let m = Method::default_v1();
    for (total, grade) in [
        (100.0, "good"),
        (90.0, "good"),
        (89.99, "fair"),
        (80.0, "fair"),
        (79.99, "average"),
        (60.0, "average"),
        (59.99, "poor"),
        (0.0, "poor"),
    ] {
        assert_eq!(m.grade(total), grade, "{total}");
    }
}

#[test]
fn targets_from_the_dataset_drive_ratios() {
    // targets.csv gives (P, 2019, poor_employed) = 4: 20·1/4 on the east
    // side; no target for 2018 or for CITY: 20·1.
    let ds = with_city()
        .hh("H1", V1, 1)
        .placement("PL1", "H1-1", "P", "2018-01-01", "2019-12-31")
        .target("P", 2019, "poor_employed", "4")
        .target("P", 2019, "purchases", "0");
    let d = ds.load();
    let m = Method::default_v1();
    let a = assess(&d, 2019, &m);
    assert_eq!(component(&assessed(&a, "P").scores, "east", "labour"), 5.0);
    assert_eq!(
        component(&assessed(&a, "CITY").scores, "east", "labour"),
        20.0
    );
    // A target ≤ 0 gives 1.
    assert_eq!(
        component(&assessed(&a, "P").scores, "east", "consumption"),
        5.0
    );
    let a = assess(&d, 2018, &m);
    assert_eq!(component(&assessed(&a, "P").scores, "east", "labour"), 20.0);
}

#[test]
fn reloading_the_records_equals_a_full_load() {
    let ds = base()
        .hh("H1", V1, 3)
        .meeting("P", "2019-05-01", "joint_meeting", true);
    let mut store = ds.store();
    let before = AssessmentData::load(&store).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("meetings.csv"),
        "meeting_id,pairing_id,date,kind,top_leader\nM-NEW,P,2019-06-01,joint_meeting,1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("funds.csv"),
        "txn_id,date,pairing_id,project_id,source,kind,amount,reverses\nTX-NEW,2019-03-01,P,,fiscal,disbursement,100,\n",
    )
    .unwrap();
    let batch = BatchInfo {
        actor: "test".into(),
        at: "2020-01-02T00:00:00Z".into(),
        source: "unit test".into(),
    };
    let report = ingest(
        &mut store,
        Source::Dir(dir.path()),
        &batch,
        &WritePolicy::everywhere(),
        &Quiet,
    )
    .unwrap();
    assert!(report.errors.is_empty());
    let full = AssessmentData::load(&store).unwrap();
    let reloaded = before.reload_records(&store).unwrap();
    let m = Method::default_v1();
    let show = |d: &AssessmentData| format!("{:?}", assess(d, Y, &m).pairings);
    assert_eq!(show(&reloaded), show(&full));
    assert_ne!(show(&before), show(&full), "the new records count");
    assert_eq!(reloaded.person_household, full.person_household);
    assert_eq!(reloaded.meetings.len(), 2);
    // Only the kinds written: the same as a full load.
    let some = before
        .reload_kinds(&store, &[FileKind::Meetings, FileKind::Funds])
        .unwrap();
    assert_eq!(show(&some), show(&full));
    // A kind left out is kept as it was.
    let meetings_only = before.reload_kinds(&store, &[FileKind::Meetings]).unwrap();
    assert_eq!(meetings_only.meetings.len(), 2);
    assert_eq!(meetings_only.funds.len(), before.funds.len());
}
