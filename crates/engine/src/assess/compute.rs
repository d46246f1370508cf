//! The 28 indicators and 5 findings of one pairing for one year, exactly as
//! `assessment.md` defines them. Every contribution can be traced to its
//! record (the `explain` function uses the same code path).

use super::data::{AssessmentData, PartyRef};
use chrono::{Datelike, NaiveDate};
use xiezuo_domain::{Fen, Finding, Indicator, Year};

/// The value of an indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Count(i64),
    Money(Fen),
    Rate(f64),
    Null,
}

impl Value {
    /// The value as a number (money in yuan), or None for null.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Count(c) => Some(c as f64),
            Value::Money(m) => Some(m.as_yuan_f64()),
            Value::Rate(r) => Some(r),
            Value::Null => None,
        }
    }

    /// The value as written in `indicators.csv`.
    pub fn to_output(self) -> String {
        match self {
            Value::Count(c) => c.to_string(),
            Value::Money(m) => m.to_yuan_2dp(),
            Value::Rate(r) => format!("{r:?}"),
            Value::Null => String::new(),
        }
    }
}

/// One data-quality finding about one record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingRow {
    pub finding: Finding,
    pub record_kind: &'static str,
    pub record_id: String,
}

/// One record behind an indicator (for `explain`).
#[derive(Debug, Clone)]
pub struct TraceRow {
    pub indicator: Indicator,
    pub record_kind: &'static str,
    pub record_id: String,
    pub detail: String,
    /// The detail in Chinese.
    pub detail_zh: String,
}

/// The detail of a trace row: values only (dates, amounts, ids: the same
/// in every language), or a message with words.
pub enum TraceDetail {
    Values(String),
    Said(xiezuo_domain::Message),
}

impl From<String> for TraceDetail {
    fn from(s: String) -> Self {
        TraceDetail::Values(s)
    }
}

impl From<&str> for TraceDetail {
    fn from(s: &str) -> Self {
        TraceDetail::Values(s.to_string())
    }
}

impl From<xiezuo_domain::Message> for TraceDetail {
    fn from(m: xiezuo_domain::Message) -> Self {
        TraceDetail::Said(m)
    }
}

/// Everything computed for one pairing and year.
#[derive(Debug, Clone)]
pub struct PairingResult {
    pub pairing: u32,
    pub values: Vec<(Indicator, Value)>,
    pub findings: Vec<FindingRow>,
}

impl PairingResult {
    pub fn get(&self, i: Indicator) -> Value {
        self.values
            .iter()
            .find(|(k, _)| *k == i)
            .map_or(Value::Null, |(_, v)| *v)
    }
}

/// Records of each kind grouped by pairing (built once per data set).
pub struct Index {
    pub meetings: Vec<Vec<u32>>,
    pub funds: Vec<Vec<u32>>,
    pub donations: Vec<Vec<u32>>,
    pub secondments: Vec<Vec<u32>>,
    pub trainings: Vec<Vec<u32>>,
    pub investments: Vec<Vec<u32>>,
    pub purchases: Vec<Vec<u32>>,
    pub placements: Vec<Vec<u32>>,
    pub projects: Vec<Vec<u32>>,
    pub milestones_by_project: Vec<Vec<u32>>,
    pub beneficiaries_by_project: Vec<Vec<u32>>,
    pub attendance_by_training: Vec<Vec<u32>>,
}

fn group<T>(n: usize, items: &[T], key: impl Fn(&T) -> u32) -> Vec<Vec<u32>> {
    let mut v = vec![Vec::new(); n];
    for (i, it) in items.iter().enumerate() {
        v[key(it) as usize].push(i as u32);
    }
    v
}

impl Index {
    pub fn new(d: &AssessmentData) -> Index {
        let n = d.pairings.len();
        Index {
            meetings: group(n, &d.meetings, |x| x.0),
            funds: group(n, &d.funds, |x| x.0),
            donations: group(n, &d.donations, |x| x.0),
            secondments: group(n, &d.secondments, |x| x.0),
            trainings: group(n, &d.trainings, |x| x.0),
            investments: group(n, &d.investments, |x| x.0),
            purchases: group(n, &d.purchases, |x| x.0),
            placements: group(n, &d.placements, |x| x.0),
            projects: group(n, &d.project_pairing, |x| *x),
            milestones_by_project: group(d.projects.len(), &d.milestones, |x| x.0),
            beneficiaries_by_project: group(d.projects.len(), &d.beneficiaries, |x| x.0),
            attendance_by_training: group(d.trainings.len(), &d.attendance, |x| x.0),
        }
    }
}

/// What is computed once per year for all pairings.
pub struct YearCtx {
    pub year: Year,
    pub active: Vec<bool>,
    /// Persons of households identified by Y, by region (rolled up).
    pub registered: Vec<i64>,
    /// Persons poor at the start of Y (PS), by region (rolled up).
    pub poor_at_start: Vec<i64>,
    /// Persons of R whose household exited in Y, by region (rolled up).
    pub exited: Vec<i64>,
}

impl YearCtx {
    pub fn new(d: &AssessmentData, year: Year) -> YearCtx {
        let active = d
            .pairings
            .iter()
            .map(|p| p.period.active_in(year))
            .collect();
        let n = d.regions.len();
        let mut ps = vec![0i64; n];
        let mut ex = vec![0i64; n];
        let mut reg = vec![0i64; n];
        for h in d.households.iter().flatten() {
            if h.identified_year > year {
                continue;
            }
            let m = i64::from(h.members);
            reg[h.village as usize] += m;
            if h.exit_year.is_none_or(|e| e >= year) {
                ps[h.village as usize] += m;
            }
            if h.exit_year == Some(year) {
                ex[h.village as usize] += m;
            }
        }
        // Roll up: every region adds its own total to each ancestor, deepest first.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&r| std::cmp::Reverse(depth(d, r)));
        for r in order {
            if let Some(p) = d.regions[r as usize].parent {
                ps[p as usize] += ps[r as usize];
                ex[p as usize] += ex[r as usize];
                reg[p as usize] += reg[r as usize];
            }
        }
        YearCtx {
            year,
            active,
            registered: reg,
            poor_at_start: ps,
            exited: ex,
        }
    }
}

fn depth(d: &AssessmentData, mut r: u32) -> u32 {
    let mut n = 0;
    while let Some(p) = d.regions[r as usize].parent {
        r = p;
        n += 1;
    }
    n
}

/// The scope S(P): active pairings whose helper is within P's helper and
/// whose helped party is within P's helped party.
pub fn scope(d: &AssessmentData, y: &YearCtx, p: u32) -> Vec<u32> {
    let (hp, dp) = (d.pairing_helper[p as usize], d.pairing_helped[p as usize]);
    (0..d.pairings.len() as u32)
        .filter(|&q| {
            y.active[q as usize]
                && d.party_within(d.pairing_helper[q as usize], hp)
                && d.party_within(d.pairing_helped[q as usize], dp)
        })
        .collect()
}

pub(super) fn in_year(date: NaiveDate, y: Year) -> bool {
    date.year() == y
}

pub(super) struct Tracer<'a>(Option<&'a mut Vec<TraceRow>>);

impl Tracer<'_> {
    pub(super) fn on(&self) -> bool {
        self.0.is_some()
    }
    pub(super) fn add(
        &mut self,
        indicator: Indicator,
        record_kind: &'static str,
        record_id: impl Into<String>,
        detail: impl Into<TraceDetail>,
    ) {
        if let Some(v) = self.0.as_mut() {
            let (detail, detail_zh) = match detail.into() {
                TraceDetail::Values(s) => (s.clone(), s),
                TraceDetail::Said(m) => (m.en(), m.zh()),
            };
            v.push(TraceRow {
                indicator,
                record_kind,
                record_id: record_id.into(),
                detail,
                detail_zh,
            });
        }
    }
}

pub(super) fn rate(num: f64, den: f64) -> Value {
    if den == 0.0 {
        Value::Null
    } else {
        Value::Rate(num / den)
    }
}

/// The indicator values of a pairing, in the order computed.
pub(super) type Vals = Vec<(Indicator, Value)>;

/// What every indicator family reads: the data, the year, and pairing `p`
/// with its scope `S(P)`, the helped area and the helper.
#[derive(Clone, Copy)]
pub(super) struct Pass<'a> {
    pub d: &'a AssessmentData,
    pub ix: &'a Index,
    pub y: &'a YearCtx,
    pub s: &'a [u32],
    pub area: u32,
    pub helper: PartyRef,
    pub year: Year,
    pub p: u32,
}

/// Computes every indicator and finding of pairing `p` in year `y`.
pub fn compute(
    d: &AssessmentData,
    ix: &Index,
    y: &YearCtx,
    p: u32,
    trace: Option<&mut Vec<TraceRow>>,
) -> PairingResult {
    let mut t = Tracer(trace);
    let s = scope(d, y, p);
    let c = Pass {
        d,
        ix,
        y,
        s: &s,
        area: d.area(d.pairing_helped[p as usize]),
        helper: d.pairing_helper[p as usize],
        year: y.year,
        p,
    };
    let mut findings = Vec::new();
    let mut vals: Vals = Vec::with_capacity(28);
    use super::indicators as fam;
    use Indicator as I;
    fam::leadership(&c, &mut t, &mut vals);
    fam::funds(&c, &mut t, &mut vals, &mut findings);
    let trained = fam::talent(&c, &mut t, &mut vals, &mut findings);
    fam::industry(&c, &mut t, &mut vals);
    let employed = fam::labour(&c, &mut t, &mut vals, &mut findings, &trained);
    let (due, late) = fam::beneficiaries(&c, &mut t, &mut vals, &mut findings, &employed, &trained);
    fam::consumption(&c, &mut t, &mut vals);
    fam::coverage(&c, &mut t, &mut vals, due, late);

    // Traces for the rates point at their parts.
    if t.on() {
        for (ind, parts) in [
            (I::BenefitRate, "poor_benefited / poor_at_start"),
            (I::ExitRate, "persons of exited households / poor_at_start"),
            (
                I::FiscalGrowth,
                "fiscal_disbursed / fiscal_disbursed_prev - 1",
            ),
            (
                I::RevenueGrowth,
                "helper's fiscal_revenue(Y) / fiscal_revenue(Y-1) - 1",
            ),
            (
                I::PoorAtStart,
                "registered persons poor at the start of Y within the helped area",
            ),
        ] {
            t.add(ind, "formula", ind.as_str(), parts);
        }
        let _ = y.registered.len();
    }
    findings.sort();
    findings.dedup();
    // Keep the specification's indicator order.
    vals.sort_by_key(|(i, _)| Indicator::ALL.iter().position(|x| x == i));
    PairingResult {
        pairing: p,
        values: vals,
        findings,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Inside {
    /// In R(P,Y): household within the area and identified by Y.
    Registered,
    /// Household within the area but identified after Y (not outside).
    Later,
    /// Household not within the area, or unknown.
    Outside,
}

pub(super) fn person_in_area(d: &AssessmentData, person: u32, area: u32, year: Year) -> Inside {
    let hh = d
        .person_household
        .get(person as usize)
        .copied()
        .unwrap_or(0);
    match d.households.get(hh as usize).copied().flatten() {
        Some(h) if d.region_within(h.village, area) => {
            if h.identified_year <= year {
                Inside::Registered
            } else {
                Inside::Later
            }
        }
        _ => Inside::Outside,
    }
}
