//! Generates tiny datasets and checks them against the rules of exchange
//! format v1 and the tricky cases the assessment specification needs.

#![allow(clippy::unwrap_used)]

use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use xiezuo_domain::enums::*;
use xiezuo_domain::{Fen, IdNumber, Indicator, RegionCode};
use xiezuo_exchange::writer::{Headers, header_row};
use xiezuo_generate::{GenerateOptions, file_kinds, generate, header};

/// The files written, in spec order, with the header of each.
fn files() -> Vec<(String, Vec<&'static str>)> {
    file_kinds()
        .map(|k| (k.file_name("csv"), header(k)))
        .collect()
}

type Rows = Vec<BTreeMap<String, String>>;

fn load(dir: &Path, name: &str) -> (Vec<String>, Rows) {
    let mut r = csv::Reader::from_path(dir.join(name)).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect();
    (h, rows)
}

fn d(s: &str) -> NaiveDate {
    assert_eq!(s.len(), 10, "date form {s}");
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {s}"))
}

fn money(s: &str) -> i64 {
    Fen::parse_yuan(s)
        .unwrap_or_else(|e| panic!("bad money {s}: {e}"))
        .0
}

fn en<V: Vocabulary>(s: &str) -> V {
    V::parse(s).unwrap_or_else(|| panic!("bad enum {s} (expected {})", V::expected()))
}

fn int(s: &str) -> i64 {
    s.parse::<u32>()
        .unwrap_or_else(|_| panic!("not a non-negative integer: {s}")) as i64
}

fn opt_bool(s: &str) -> Option<bool> {
    if s.is_empty() {
        None
    } else {
        Some(parse_bool(s).unwrap_or_else(|| panic!("bad bool {s}")))
    }
}

struct Ds {
    t: BTreeMap<String, Rows>,
}

impl Ds {
    fn get(&self, f: &str) -> &Rows {
        &self.t[f]
    }
}

fn unique(rows: &Rows, cols: &[&str], what: &str) {
    let mut seen = BTreeSet::new();
    for r in rows {
        let k: Vec<&str> = cols.iter().map(|c| r[*c].as_str()).collect();
        assert!(seen.insert(k.clone()), "duplicate key {k:?} in {what}");
    }
}

/// Loads and fully validates a clean dataset; returns it for further checks.
fn validate(dir: &Path) -> Ds {
    let mut t = BTreeMap::new();
    for kind in file_kinds() {
        let name = kind.file_name("csv");
        let (h, rows) = load(dir, &name);
        assert_eq!(h, header(kind), "header of {name}");
        // The schema's header, or a v1 prefix of it.
        assert!(
            header_row(kind, Headers::En).starts_with(&header(kind)),
            "header of {name}"
        );
        t.insert(name, rows);
    }
    let ds = Ds { t };

    // Regions.
    let regions = ds.get("regions.csv");
    unique(regions, &["code"], "regions");
    let mut level: BTreeMap<u64, RegionLevel> = BTreeMap::new();
    for r in regions {
        assert_eq!(r["code"].len(), 12);
        let c = RegionCode::parse(&r["code"]).unwrap();
        let l: RegionLevel = en(&r["level"]);
        assert_eq!(c.level(), l, "level of {}", r["code"]);
        level.insert(c.as_u64(), l);
    }
    for r in regions {
        let c = RegionCode::parse(&r["code"]).unwrap();
        let nearest = c
            .prefix_ancestors()
            .find(|a| level.contains_key(&a.as_u64()));
        assert_eq!(
            r["parent"],
            nearest.map(|a| a.to_string()).unwrap_or_default(),
            "parent of {}",
            r["code"]
        );
        let l = c.level();
        assert_eq!(
            !r["side"].is_empty(),
            l == RegionLevel::Province,
            "side of {}",
            r["code"]
        );
        if !r["side"].is_empty() {
            let _: Side = en(&r["side"]);
        }
        assert!(opt_bool(&r["poor_county"]).is_none() || l == RegionLevel::County);
        assert!(opt_bool(&r["poor_village"]).is_none() || l == RegionLevel::Village);
        assert!(
            opt_bool(&r["deep_poverty"]).is_none()
                || matches!(l, RegionLevel::County | RegionLevel::Village)
        );
        if !r["exit_year"].is_empty() {
            int(&r["exit_year"]);
        }
    }
    let within = |a: u64, b: u64| {
        RegionCode::from_u64(a)
            .unwrap()
            .prefix_ancestors()
            .any(|x| x.as_u64() == b)
            || a == b
    };
    let region = |s: &str| -> (u64, RegionLevel) {
        let c = RegionCode::parse(s).unwrap_or_else(|_| panic!("bad code {s}"));
        assert_eq!(s.len(), 12);
        (
            c.as_u64(),
            *level
                .get(&c.as_u64())
                .unwrap_or_else(|| panic!("unknown region {s}")),
        )
    };

    let stats = ds.get("region_stats.csv");
    unique(stats, &["code", "year"], "region_stats");
    for r in stats {
        region(&r["code"]);
        int(&r["year"]);
        for c in ["rural_population"] {
            if !r[c].is_empty() {
                int(&r[c]);
            }
        }
        for c in ["fiscal_revenue", "rural_income_per_capita"] {
            if !r[c].is_empty() {
                assert!(money(&r[c]) >= 0);
            }
        }
    }

    let orgs = ds.get("organisations.csv");
    unique(orgs, &["org_id"], "organisations");
    let mut org: BTreeMap<String, (OrgKind, u64)> = BTreeMap::new();
    for r in orgs {
        org.insert(
            r["org_id"].clone(),
            (en(&r["kind"]), region(&r["region"]).0),
        );
    }
    let party = |s: &str| -> (Option<OrgKind>, u64, RegionLevel) {
        if let Some(id) = s.strip_prefix("org:") {
            let (k, reg) = org.get(id).unwrap_or_else(|| panic!("unknown org {s}"));
            (Some(*k), *reg, level[reg])
        } else {
            let (c, l) = region(s);
            (None, c, l)
        }
    };

    let pairings = ds.get("pairings.csv");
    unique(pairings, &["pairing_id"], "pairings");
    let mut pairing: BTreeMap<String, u64> = BTreeMap::new(); // helped area
    for r in pairings {
        let (hk, _, _) = party(&r["helper"]);
        let (_, area, hl) = party(&r["helped"]);
        let kind: HelperKind = en(&r["helper_kind"]);
        assert_eq!(
            kind == HelperKind::Government,
            hk.is_none(),
            "{}",
            r["pairing_id"]
        );
        if let Some(k) = hk {
            assert_eq!(kind.org_kind(), Some(k));
        }
        assert_eq!(
            en::<RegionLevel>(&r["level"]),
            hl,
            "level of {}",
            r["pairing_id"]
        );
        let s = d(&r["start_date"]);
        if !r["end_date"].is_empty() {
            assert!(d(&r["end_date"]) >= s);
        }
        pairing.insert(r["pairing_id"].clone(), area);
    }

    let hh = ds.get("households.csv");
    unique(hh, &["household_id"], "households");
    let mut household: BTreeMap<String, u64> = BTreeMap::new();
    for r in hh {
        let (v, l) = region(&r["village"]);
        assert_eq!(l, RegionLevel::Village);
        let _: HouseholdCategory = en(&r["category"]);
        let iy = int(&r["identified_year"]);
        if !r["exit_year"].is_empty() {
            assert!(int(&r["exit_year"]) >= iy);
        }
        if !r["monitor_type"].is_empty() {
            let _: MonitorType = en(&r["monitor_type"]);
        }
        if !r["monitor_year"].is_empty() {
            int(&r["monitor_year"]);
        }
        household.insert(r["household_id"].clone(), v);
    }

    let persons = ds.get("persons.csv");
    unique(persons, &["person_id"], "persons");
    unique(persons, &["id_number"], "persons id_number");
    let mut person: BTreeMap<String, String> = BTreeMap::new();
    for r in persons {
        assert!(household.contains_key(&r["household_id"]));
        let idn =
            IdNumber::parse(&r["id_number"]).unwrap_or_else(|e| panic!("{}: {e}", r["id_number"]));
        assert_eq!(idn.birth_date(), Some(d(&r["birth_date"])));
        let sex: Sex = en(&r["sex"]);
        assert_eq!(idn.is_male(), sex == Sex::M);
        assert!(r["id_number"].starts_with(&r["household_id"].chars().take(0).collect::<String>()));
        let hv = household[&r["household_id"]];
        assert_eq!(
            &r["id_number"][..6],
            &format!("{hv:012}")[..6],
            "county prefix"
        );
        let _: Labor = en(&r["labor"]);
        assert!(!r["name"].is_empty());
        person.insert(r["person_id"].clone(), r["household_id"].clone());
    }

    let inc = ds.get("household_income.csv");
    unique(inc, &["household_id", "year"], "household_income");
    for r in inc {
        assert!(household.contains_key(&r["household_id"]));
        int(&r["year"]);
        money(&r["income_per_capita"]);
    }

    let projects = ds.get("projects.csv");
    unique(projects, &["project_id"], "projects");
    let mut project: BTreeMap<String, (String, u64, ProjectStatus, i64)> = BTreeMap::new();
    for r in projects {
        assert!(pairing.contains_key(&r["pairing_id"]));
        let (c, l) = region(&r["county"]);
        assert_eq!(l, RegionLevel::County);
        if !r["village"].is_empty() {
            let (v, l) = region(&r["village"]);
            assert_eq!(l, RegionLevel::Village);
            assert!(within(v, c));
        }
        let _: ProjectCategory = en(&r["category"]);
        assert!(money(&r["budget"]) >= 0);
        assert!(d(&r["end_date"]) >= d(&r["start_date"]));
        project.insert(
            r["project_id"].clone(),
            (
                r["pairing_id"].clone(),
                c,
                en(&r["status"]),
                int(&r["year"]),
            ),
        );
    }

    let ms = ds.get("milestones.csv");
    unique(ms, &["project_id", "seq"], "milestones");
    for r in ms {
        assert!(project.contains_key(&r["project_id"]));
        int(&r["seq"]);
        d(&r["due_date"]);
        if !r["done_date"].is_empty() {
            d(&r["done_date"]);
        }
        assert!(!r["responsible"].is_empty() && !r["name"].is_empty());
    }

    let ben = ds.get("beneficiaries.csv");
    unique(ben, &["project_id", "household_id"], "beneficiaries");
    for r in ben {
        assert!(project.contains_key(&r["project_id"]));
        assert!(household.contains_key(&r["household_id"]));
    }

    let funds = ds.get("funds.csv");
    unique(funds, &["txn_id"], "funds");
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> =
        funds.iter().map(|r| (r["txn_id"].as_str(), r)).collect();
    let mut reversed: BTreeMap<&str, i64> = BTreeMap::new();
    for r in funds {
        assert!(pairing.contains_key(&r["pairing_id"]));
        if !r["project_id"].is_empty() {
            assert!(project.contains_key(&r["project_id"]));
        }
        let _: FundSource = en(&r["source"]);
        let _: FundKind = en(&r["kind"]);
        let a = money(&r["amount"]);
        if r["reverses"].is_empty() {
            assert!(a >= 0, "negative without reverses");
        } else {
            assert!(a < 0);
            let o = by_id
                .get(r["reverses"].as_str())
                .unwrap_or_else(|| panic!("unknown reverses"));
            assert!(o["reverses"].is_empty());
            for c in ["pairing_id", "source", "kind", "project_id"] {
                assert_eq!(o[c], r[c], "reversal {} {c}", r["txn_id"]);
            }
            assert!(d(&r["date"]) >= d(&o["date"]));
            *reversed.entry(o["txn_id"].as_str()).or_default() += -a;
        }
    }
    for (id, total) in &reversed {
        assert!(
            *total <= money(&by_id[id]["amount"]),
            "reversals of {id} exceed it"
        );
    }

    let pl = ds.get("placements.csv");
    unique(pl, &["placement_id"], "placements");
    for r in pl {
        assert!(person.contains_key(&r["person_id"]));
        assert!(pairing.contains_key(&r["pairing_id"]));
        if r["employer"].starts_with("org:") {
            party(&r["employer"]);
        }
        region(&r["work_region"]);
        if !r["end_date"].is_empty() {
            assert!(d(&r["end_date"]) >= d(&r["start_date"]));
        }
        assert!(money(&r["monthly_wage"]) > 0);
    }

    let tr = ds.get("trainings.csv");
    unique(tr, &["training_id"], "trainings");
    let mut training = BTreeMap::new();
    for r in tr {
        assert!(pairing.contains_key(&r["pairing_id"]));
        let k: TrainingKind = en(&r["kind"]);
        d(&r["start_date"]);
        int(&r["days"]);
        training.insert(r["training_id"].clone(), (k, int(&r["attendees"])));
    }
    let at = ds.get("training_attendance.csv");
    unique(at, &["training_id", "person_id"], "attendance");
    let mut at_count: BTreeMap<&str, i64> = BTreeMap::new();
    for r in at {
        assert!(training.contains_key(&r["training_id"]));
        assert!(person.contains_key(&r["person_id"]));
        *at_count.entry(r["training_id"].as_str()).or_default() += 1;
    }
    for (t, n) in at_count {
        assert!(training[t].1 >= n, "attendees of {t}");
    }

    let sc = ds.get("secondments.csv");
    unique(sc, &["secondment_id"], "secondments");
    for r in sc {
        assert!(pairing.contains_key(&r["pairing_id"]));
        let _: Direction = en(&r["direction"]);
        let role: SecondmentRole = en(&r["role"]);
        if role == SecondmentRole::Technician {
            let _: Field = en(&r["field"]);
        }
        assert!(d(&r["end_date"]) >= d(&r["start_date"]));
    }
    let iv = ds.get("investments.csv");
    unique(iv, &["investment_id"], "investments");
    for r in iv {
        assert!(pairing.contains_key(&r["pairing_id"]));
        assert_eq!(party(&r["enterprise"]).0, Some(OrgKind::Enterprise));
        assert_eq!(region(&r["county"]).1, RegionLevel::County);
        d(&r["date"]);
        assert!(money(&r["amount"]) >= 0);
    }
    let pu = ds.get("purchases.csv");
    unique(pu, &["purchase_id"], "purchases");
    for r in pu {
        assert!(pairing.contains_key(&r["pairing_id"]));
        if r["buyer"].starts_with("org:") {
            party(&r["buyer"]);
        }
        region(&r["seller_county"]);
        d(&r["date"]);
        assert!(money(&r["amount"]) >= 0);
    }
    let dn = ds.get("donations.csv");
    unique(dn, &["donation_id"], "donations");
    for r in dn {
        assert!(pairing.contains_key(&r["pairing_id"]));
        if r["donor"].starts_with("org:") {
            party(&r["donor"]);
        }
        let _: DonorKind = en(&r["donor_kind"]);
        assert!(money(&r["amount"]) >= 0);
        opt_bool(&r["in_kind"]).unwrap();
    }
    let mt = ds.get("meetings.csv");
    unique(mt, &["meeting_id"], "meetings");
    for r in mt {
        assert!(pairing.contains_key(&r["pairing_id"]));
        let _: MeetingKind = en(&r["kind"]);
        opt_bool(&r["top_leader"]).unwrap();
        d(&r["date"]);
    }
    let tg = ds.get("targets.csv");
    unique(tg, &["pairing_id", "year", "indicator"], "targets");
    for r in tg {
        assert!(pairing.contains_key(&r["pairing_id"]));
        assert!(Indicator::parse(&r["indicator"]).is_some());
        r["target"].parse::<f64>().unwrap();
    }
    receiving(&ds, &pairing);
    ds
}

/// The receiving side's files (v1.2): unique ids, known pairings, and each
/// reference, when given, names a sending row of the same pairing.
fn receiving(ds: &Ds, pairing: &BTreeMap<String, u64>) {
    for (file, id, refers, sent, sent_id) in [
        (
            "fund_receipts.csv",
            "receipt_id",
            "txn_id",
            "funds.csv",
            "txn_id",
        ),
        (
            "placement_confirmations.csv",
            "confirmation_id",
            "placement_id",
            "placements.csv",
            "placement_id",
        ),
        (
            "secondment_arrivals.csv",
            "arrival_id",
            "secondment_id",
            "secondments.csv",
            "secondment_id",
        ),
        (
            "sales.csv",
            "sale_id",
            "purchase_id",
            "purchases.csv",
            "purchase_id",
        ),
    ] {
        let rows = ds.get(file);
        unique(rows, &[id], file);
        let of: BTreeMap<&str, &str> = ds
            .get(sent)
            .iter()
            .map(|r| (r[sent_id].as_str(), r["pairing_id"].as_str()))
            .collect();
        for r in rows {
            assert!(pairing.contains_key(&r["pairing_id"]), "{file} pairing");
            if !r[refers].is_empty() {
                assert_eq!(of.get(r[refers].as_str()), Some(&r["pairing_id"].as_str()));
            }
        }
    }
    for r in ds.get("fund_receipts.csv") {
        d(&r["date"]);
        assert!(money(&r["amount"]) > 0);
        if !r["expended"].is_empty() {
            assert!(money(&r["expended"]) >= 0);
        }
    }
    let persons: BTreeSet<&str> = ds
        .get("persons.csv")
        .iter()
        .map(|p| p["person_id"].as_str())
        .collect();
    for r in ds.get("placement_confirmations.csv") {
        assert!(
            persons.contains(r["person_id"].as_str()),
            "confirmed person"
        );
        if !r["end_date"].is_empty() {
            assert!(d(&r["end_date"]) >= d(&r["start_date"]));
        }
    }
    for r in ds.get("sales.csv") {
        assert_eq!(r["seller_county"].len(), 12);
        assert!(money(&r["amount"]) > 0);
    }
}

fn days(r: &BTreeMap<String, String>) -> Option<i64> {
    (!r["end_date"].is_empty()).then(|| (d(&r["end_date"]) - d(&r["start_date"])).num_days() + 1)
}

/// The tricky cases of the assessment specification are present.
fn tricky(ds: &Ds, fy: i32) {
    let pl = ds.get("placements.csv");
    for n in [89, 90, 91] {
        assert!(
            pl.iter()
                .any(|r| days(r) == Some(n)
                    && d(&r["start_date"]).year() == d(&r["end_date"]).year()),
            "placement of {n} days"
        );
    }
    assert!(
        pl.iter().any(|r| r["end_date"].is_empty()),
        "open-ended placement"
    );
    assert!(
        pl.iter()
            .any(|r| !r["end_date"].is_empty()
                && d(&r["end_date"]).year() > d(&r["start_date"]).year()),
        "spanning year end"
    );
    // Overlaps: same pairing and different pairings.
    let mut by_person: BTreeMap<&str, Vec<&BTreeMap<String, String>>> = BTreeMap::new();
    for r in pl {
        by_person
            .entry(r["person_id"].as_str())
            .or_default()
            .push(r);
    }
    let (mut same, mut diff) = (false, false);
    for v in by_person.values() {
        for (i, a) in v.iter().enumerate() {
            for b in &v[i + 1..] {
                let end = |r: &BTreeMap<String, String>| {
                    if r["end_date"].is_empty() {
                        NaiveDate::MAX
                    } else {
                        d(&r["end_date"])
                    }
                };
                if d(&a["start_date"]) <= end(b) && d(&b["start_date"]) <= end(a) {
                    if a["pairing_id"] == b["pairing_id"] {
                        same = true
                    } else {
                        diff = true
                    }
                }
            }
        }
    }
    assert!(
        same && diff,
        "overlapping placements same={same} diff={diff}"
    );
    // Several channels: a person placed, trained, and in a beneficiary household.
    let persons: BTreeMap<&str, &str> = ds
        .get("persons.csv")
        .iter()
        .map(|r| (r["person_id"].as_str(), r["household_id"].as_str()))
        .collect();
    let ben_hh: BTreeSet<&str> = ds
        .get("beneficiaries.csv")
        .iter()
        .map(|r| r["household_id"].as_str())
        .collect();
    let trained: BTreeSet<&str> = ds
        .get("training_attendance.csv")
        .iter()
        .map(|r| r["person_id"].as_str())
        .collect();
    assert!(
        pl.iter().any(|r| trained.contains(r["person_id"].as_str())
            && ben_hh.contains(persons[r["person_id"].as_str()])),
        "several channels"
    );
    // Every training kind has attendance.
    let kinds: BTreeMap<&str, &str> = ds
        .get("trainings.csv")
        .iter()
        .map(|r| (r["training_id"].as_str(), r["kind"].as_str()))
        .collect();
    let attended: BTreeSet<&str> = ds
        .get("training_attendance.csv")
        .iter()
        .map(|r| kinds[r["training_id"].as_str()])
        .collect();
    assert_eq!(
        attended.len(),
        4,
        "attendance for every training kind: {attended:?}"
    );
    // Reversals, including one in the following year and a txn reversed twice.
    let funds = ds.get("funds.csv");
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> =
        funds.iter().map(|r| (r["txn_id"].as_str(), r)).collect();
    let revs: Vec<_> = funds.iter().filter(|r| !r["reverses"].is_empty()).collect();
    assert!(
        revs.iter()
            .any(|r| d(&r["date"]).year() > d(&by_id[r["reverses"].as_str()]["date"]).year()),
        "reversal in a later year"
    );
    let mut cnt: BTreeMap<&str, u32> = BTreeMap::new();
    for r in &revs {
        *cnt.entry(r["reverses"].as_str()).or_default() += 1;
    }
    assert!(cnt.values().any(|&n| n >= 2), "a txn reversed twice");
    assert!(
        funds.iter().any(|r| r["project_id"].is_empty())
            && funds.iter().any(|r| !r["project_id"].is_empty())
    );
    for s in ["fiscal", "enterprise", "social"] {
        assert!(funds.iter().any(|r| r["source"] == s), "source {s}");
    }
    // Overdisbursed: some pairing's cumulative fiscal disbursements exceed commitments.
    let mut bal: BTreeMap<(&str, i32), i64> = BTreeMap::new();
    for r in funds.iter().filter(|r| r["source"] == "fiscal") {
        let a = money(&r["amount"]);
        let k = (r["pairing_id"].as_str(), d(&r["date"]).year());
        match r["kind"].as_str() {
            "commitment" => *bal.entry(k).or_default() -= a,
            "disbursement" => *bal.entry(k).or_default() += a,
            _ => {}
        }
    }
    // Cumulative up to the end of the first year.
    let mut first: BTreeMap<&str, i64> = BTreeMap::new();
    for ((p, y), b) in &bal {
        if *y <= fy {
            *first.entry(p).or_default() += b;
        }
    }
    assert!(first.values().any(|&b| b > 0), "overdisbursed");
    // Projects and milestones.
    let projects = ds.get("projects.csv");
    let cancelled: BTreeSet<&str> = projects
        .iter()
        .filter(|r| r["status"] == "cancelled")
        .map(|r| r["project_id"].as_str())
        .collect();
    let ms = ds.get("milestones.csv");
    assert!(
        ms.iter()
            .any(|r| cancelled.contains(r["project_id"].as_str())),
        "cancelled project with milestones"
    );
    assert!(
        ms.iter()
            .any(|r| !r["done_date"].is_empty() && d(&r["done_date"]) > d(&r["due_date"])),
        "late milestone"
    );
    assert!(
        ms.iter()
            .any(|r| r["done_date"].is_empty() && d(&r["due_date"]).year() == fy),
        "undone milestone"
    );
    // Beneficiary outside its project's county.
    let hv: BTreeMap<&str, &str> = ds
        .get("households.csv")
        .iter()
        .map(|r| (r["household_id"].as_str(), r["village"].as_str()))
        .collect();
    let pc: BTreeMap<&str, &str> = projects
        .iter()
        .map(|r| (r["project_id"].as_str(), r["county"].as_str()))
        .collect();
    assert!(
        ds.get("beneficiaries.csv")
            .iter()
            .any(|r| hv[r["household_id"].as_str()][..6] != pc[r["project_id"].as_str()][..6]),
        "beneficiary outside"
    );
    assert!(
        projects.iter().any(|r| r["village"].is_empty())
            && projects.iter().any(|r| !r["village"].is_empty())
    );
    // Person placed outside the pairing's helped area (county pairings).
    let pairings = ds.get("pairings.csv");
    let helped: BTreeMap<&str, &str> = pairings
        .iter()
        .map(|r| (r["pairing_id"].as_str(), r["helped"].as_str()))
        .collect();
    assert!(
        pl.iter().any(|r| {
            let h = helped[r["pairing_id"].as_str()];
            h.len() == 12
                && h.ends_with("000000")
                && !h.ends_with("00000000")
                && hv[persons[r["person_id"].as_str()]][..6] != h[..6]
        }),
        "person outside area"
    );
    // Organisations as helpers and helped; pairing history; every level.
    assert!(
        pairings
            .iter()
            .any(|r| r["helper"].starts_with("org:") && r["helped"].starts_with("org:"))
    );
    assert!(
        pairings
            .iter()
            .any(|r| !r["end_date"].is_empty() && d(&r["end_date"]).year() < fy),
        "ended pairing"
    );
    assert!(
        pairings.iter().any(|r| d(&r["start_date"]).year() > fy),
        "pairing starting mid-period"
    );
    for l in ["province", "prefecture", "county", "township", "village"] {
        assert!(
            pairings.iter().any(|r| r["level"] == l),
            "pairing level {l}"
        );
    }
    // Region figures: a missing revenue and a zero revenue.
    let stats = ds.get("region_stats.csv");
    assert!(stats.iter().any(|r| r["fiscal_revenue"] == "0"));
    assert!(stats.iter().any(|r| r["fiscal_revenue"].is_empty()));
    // Targets: partial and some <= 0.
    assert!(
        ds.get("targets.csv")
            .iter()
            .any(|r| r["target"].parse::<f64>().unwrap() <= 0.0)
    );
    // Households identified late and exited households.
    let hh = ds.get("households.csv");
    assert!(
        hh.iter()
            .any(|r| int(&r["identified_year"]) > i64::from(fy))
    );
    assert!(hh.iter().any(|r| !r["exit_year"].is_empty()));
    assert!(ds.get("donations.csv").iter().any(|r| r["in_kind"] == "1"));
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn deterministic() {
    for real in [false, true] {
        let (a, b) = (tmp(), tmp());
        let o = GenerateOptions {
            scale: 0.002,
            seed: 42,
            dirty: true,
            real,
            ..Default::default()
        };
        let sa = generate(&o, a.path()).unwrap();
        let sb = generate(&o, b.path()).unwrap();
        assert_eq!(sa, sb);
        let mut names: Vec<String> = files().into_iter().map(|(n, _)| n).collect();
        names.push("dirty-manifest.csv".into());
        for n in names {
            assert_eq!(
                std::fs::read(a.path().join(&n)).unwrap(),
                std::fs::read(b.path().join(&n)).unwrap(),
                "{n} differs (real {real})"
            );
        }
        let c = tmp();
        generate(&GenerateOptions { seed: 43, ..o }, c.path()).unwrap();
        assert_ne!(
            std::fs::read(a.path().join("persons.csv")).unwrap(),
            std::fs::read(c.path().join("persons.csv")).unwrap()
        );
    }
}

#[test]
fn clean_datasets_are_valid_and_tricky() {
    for (scale, seed, real) in [
        (0.001, 1, false),
        (0.001, 2, false),
        (0.003, 7, false),
        (0.01, 3, false),
        (0.001, 1, true),
        (0.003, 7, true),
        (0.02, 3, true),
    ] {
        let dir = tmp();
        let o = GenerateOptions {
            scale,
            seed,
            real,
            ..Default::default()
        };
        let s = generate(&o, dir.path()).unwrap();
        assert_eq!(s.files.len(), 26, "20 files of v1, 2 of v1.1 and 4 of v1.2");
        assert_eq!(s.dirty_rows, 0);
        assert!(!dir.path().join("dirty-manifest.csv").exists());
        let ds = validate(dir.path());
        for (name, n) in &s.files {
            assert_eq!(ds.get(name).len() as u64, *n, "{name} row count");
        }
        tricky(&ds, o.first_year);
        let persons = ds.get("persons.csv").len() as f64;
        assert!(
            persons > scale * 1_000_000.0 * 0.6 && persons < scale * 1_000_000.0 * 1.5,
            "persons {persons} at {scale} (real {real})"
        );
    }
}

#[test]
fn other_years_are_valid() {
    for real in [false, true] {
        let dir = tmp();
        let o = GenerateOptions {
            scale: 0.001,
            seed: 5,
            dirty: false,
            first_year: 2016,
            last_year: 2021,
            real,
        };
        generate(&o, dir.path()).unwrap();
        let ds = validate(dir.path());
        tricky(&ds, 2016);
        for (first_year, last_year) in [(2019, 2019), (2015, 2015), (2021, 2024)] {
            let one = tmp();
            generate(
                &GenerateOptions {
                    first_year,
                    last_year,
                    ..o
                },
                one.path(),
            )
            .unwrap();
            validate(one.path());
        }
    }
}

#[test]
fn bad_options_are_rejected() {
    let dir = tmp();
    for o in [
        GenerateOptions {
            scale: 0.0,
            ..Default::default()
        },
        GenerateOptions {
            scale: f64::NAN,
            ..Default::default()
        },
        GenerateOptions {
            first_year: 2020,
            last_year: 2019,
            ..Default::default()
        },
    ] {
        assert!(matches!(
            generate(&o, dir.path()),
            Err(xiezuo_generate::GenerateError::Invalid(_))
        ));
    }
}

#[test]
fn dirty_manifest_points_at_bad_rows() {
    for real in [false, true] {
        let (clean, dirty) = (tmp(), tmp());
        let o = GenerateOptions {
            scale: 0.001,
            seed: 9,
            real,
            ..Default::default()
        };
        generate(&o, clean.path()).unwrap();
        let s = generate(&GenerateOptions { dirty: true, ..o }, dirty.path()).unwrap();
        let (h, manifest) = load(dirty.path(), "dirty-manifest.csv");
        assert_eq!(h, ["file", "line", "column", "reason"]);
        assert_eq!(manifest.len() as u64, s.dirty_rows);
        assert!(manifest.len() >= 17);
        let mut reasons = BTreeSet::new();
        for m in &manifest {
            let file = &m["file"];
            let line: usize = m["line"].parse().unwrap();
            let dl: Vec<String> = std::fs::read_to_string(dirty.path().join(file))
                .unwrap()
                .lines()
                .map(String::from)
                .collect();
            let cl: Vec<String> = std::fs::read_to_string(clean.path().join(file))
                .unwrap()
                .lines()
                .map(String::from)
                .collect();
            assert!(line >= 2 && line <= dl.len(), "{file}:{line}");
            assert!(
                cl.get(line - 1) != Some(&dl[line - 1]),
                "{file}:{line} is not a bad row"
            );
            assert!(
                files()
                    .iter()
                    .find(|(n, _)| n == file)
                    .unwrap()
                    .1
                    .contains(&m["column"].as_str()),
                "column {}",
                m["column"]
            );
            assert_eq!(dl[0], cl[0], "headers stay clean");
            reasons.insert(m["reason"].clone());
        }
        assert!(reasons.len() >= 17, "{reasons:?}");
        // The clean rows are untouched: every clean file is a prefix of the dirty one.
        for (n, _) in files() {
            let c = std::fs::read(clean.path().join(&n)).unwrap();
            let d = std::fs::read(dirty.path().join(&n)).unwrap();
            assert!(d.starts_with(&c), "{n}");
        }
    }
}

/// Real mode: the real provinces, prefectures and counties with their NBS
/// codes and names, the reference pairings active in the years, and county
/// pairings between real counties.
#[test]
fn real_mode_uses_real_places_and_pairings() {
    let dir = tmp();
    let o = GenerateOptions {
        scale: 0.003,
        seed: 11,
        real: true,
        ..Default::default()
    };
    generate(&o, dir.path()).unwrap();
    let ds = validate(dir.path());
    let name: BTreeMap<&str, (&str, &str, &str)> = ds
        .get("regions.csv")
        .iter()
        .map(|r| {
            (
                r["code"].as_str(),
                (r["name"].as_str(), r["level"].as_str(), r["side"].as_str()),
            )
        })
        .collect();
    // Names and codes from data/divisions.
    let divisions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/divisions");
    let mut real: BTreeMap<String, String> = BTreeMap::new();
    for f in ["provinces.csv", "cities.csv", "areas.csv"] {
        let (_, rows) = load(&divisions, f);
        for r in rows {
            real.insert(format!("{:0<12}", r["code"]), r["name"].clone());
        }
    }
    assert_eq!(name["640000000000"], ("宁夏回族自治区", "province", "west"));
    assert_eq!(name["350000000000"], ("福建省", "province", "east"));
    assert_eq!(name["130000000000"].2, "central", "河北 is not western");
    assert_eq!(name["622900000000"].0, "临夏回族自治州");
    assert_eq!(name["110100000000"].0, "北京市市辖区", "placeholder city");
    let mut counties = 0;
    for (code, (n, level, _)) in &name {
        if matches!(*level, "province" | "prefecture" | "county") {
            let want = real
                .get(*code)
                .unwrap_or_else(|| panic!("{code} is not a real division"));
            if *level == "prefecture" && want == "市辖区" {
                assert!(n.ends_with("市辖区"), "{code} {n}");
            } else if *level == "prefecture"
                && !want.ends_with(['市', '州', '盟'])
                && !want.ends_with("地区")
            {
                assert!(n.ends_with(want.as_str()), "{code} {n}");
            } else {
                assert_eq!(n, want, "name of {code}");
            }
            counties += usize::from(*level == "county");
        }
    }
    assert!(
        counties > 100,
        "all counties of the helped prefectures: {counties}"
    );
    // Households live in real counties: the identity numbers' prefix (checked
    // in validate) is a real county code.
    for r in ds.get("households.csv") {
        let county = format!("{}000000", &r["village"][..6]);
        assert_eq!(name[county.as_str()].1, "county", "{}", r["village"]);
        assert!(real.contains_key(&county));
    }
    // The reference pairings active in 2017–2020, and only those.
    let pairings = ds.get("pairings.csv");
    let has = |helper: &str, helped: &str| {
        pairings
            .iter()
            .find(|r| r["helper"] == helper && r["helped"] == helped)
    };
    let minning = has("350000000000", "640000000000").expect("闽宁 pairing");
    assert_eq!(minning["level"], "province");
    assert_eq!(minning["start_date"], "1996-10-01");
    let zhangjiakou = has("110000000000", "130700000000").expect("北京→张家口");
    assert_eq!(zhangjiakou["end_date"], "2021-04-07");
    assert!(has("441900000000", "530600000000").is_some(), "东莞→昭通");
    assert!(has("442000000000", "530600000000").is_some(), "中山→昭通");
    assert!(
        has("440000000000", "520000000000").is_none(),
        "the 2021 round is not active in 2017–2020"
    );
    let (_, reference) = load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"),
        "pairings-reference.csv",
    );
    let active = reference
        .iter()
        .filter(|r| {
            r["start_date"].as_str() < "2021"
                && (r["end_date"].is_empty() || r["end_date"].as_str() >= "2017")
        })
        .count();
    let upper = pairings
        .iter()
        .filter(|r| matches!(r["level"].as_str(), "province" | "prefecture"))
        .count();
    assert_eq!(upper, active);
    // County pairings between real counties: an eastern helper (or a town of
    // 东莞/中山) and a poor county of the helped area.
    let side_of = |code: &str| name[format!("{}0000000000", &code[..2]).as_str()].2;
    let poor: BTreeSet<&str> = ds
        .get("regions.csv")
        .iter()
        .filter(|r| r["poor_county"] == "1")
        .map(|r| r["code"].as_str())
        .collect();
    let county_pairings: Vec<_> = pairings
        .iter()
        .filter(|r| r["level"] == "county" && r["helper_kind"] == "government")
        .collect();
    assert!(county_pairings.len() >= 25, "{}", county_pairings.len());
    for r in &county_pairings {
        assert_eq!(side_of(&r["helper"]), "east", "{}", r["pairing_id"]);
        assert_ne!(side_of(&r["helped"]), "east", "{}", r["pairing_id"]);
        if d(&r["start_date"]).year() >= 2016 {
            assert!(poor.contains(r["helped"].as_str()), "{}", r["pairing_id"]);
        }
    }
    // A larger scale holds households in more counties (at least one in
    // every helped area at any scale).
    let big = tmp();
    generate(
        &GenerateOptions {
            scale: 0.5,
            ..o.clone()
        },
        big.path(),
    )
    .unwrap();
    let populated = |dir: &Path| {
        let (_, rows) = load(dir, "regions.csv");
        rows.iter()
            .filter(|r| r["level"] == "village")
            .map(|r| r["code"][..6].to_string())
            .filter(|c| side_of(c) != "east")
            .collect::<BTreeSet<_>>()
            .len()
    };
    let (small, large) = (populated(dir.path()), populated(big.path()));
    assert!(small >= 25 && large > small, "{small} {large}");
}
