//! Two-sided reconciliation (对账): the flows both sides of a pairing
//! report are matched item by item — the helping side's disbursements
//! (拨付) against the helped side's receipts (到账) and their use (支出),
//! placements from the sending station against the receiving employer's
//! confirmations, secondments sent against arrivals, purchases of the
//! eastern buyer against the western seller's sales (exchange format v1.2).
//!
//! The rules, for year Y and each pairing:
//! - the sending items of Y are those dated in Y (start date for people),
//!   disbursements net of their reversals (fully reversed ones drop out);
//! - a receiving item that names a sending item (`txn_id`, `placement_id`,
//!   `secondment_id`, `purchase_id`) is compared with it: it matches when
//!   the amounts differ by at most the method's amount tolerance, the
//!   dates by at most its date tolerance, and (for people) the person is
//!   the same; otherwise it is a mismatch saying what differs. A receiving
//!   item naming a sending item of another year belongs to that year;
//!   naming one that does not exist, it is an unknown reference;
//! - a receiving item that names nothing, dated in Y or within the date
//!   tolerance of it, is matched to the unmatched sending item of the
//!   pairing (of any year) within both tolerances (for people: the same
//!   person) whose date is nearest, ties to the smaller id; it counts in
//!   Y when that item is of Y, and is unreported when it is of Y and
//!   nothing matches;
//! - what is left unmatched is unconfirmed (sent, not confirmed) or
//!   unreported (confirmed, never reported sent).
//!
//! A flow is reconciled only once the store holds receiving-side records
//! of it at all: a store of format v1 files reconciles nothing, rather than
//! reporting everything as unconfirmed. Every item not matched is a finding
//! of both parties of its pairing. Traceability (可追溯率) is, per pairing,
//! the share of money (funds and purchases) and of people (placements and
//! secondments) sent in Y that the other side confirmed.

use crate::assess::procedure::Tolerances;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;
use xiezuo_domain::enums::FundKind;
use xiezuo_domain::{Fen, Year};
use xiezuo_exchange::{FileKind, Record};
use xiezuo_store::{Store, StoreError};

/// A flow reported by both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flow {
    /// 资金: disbursements against receipts.
    Funds,
    /// 劳务协作: placements against the employer's confirmations.
    Placements,
    /// 干部人才交流: secondments against arrivals.
    Secondments,
    /// 消费帮扶: purchases against sales.
    Purchases,
}

impl Flow {
    pub const ALL: [Flow; 4] = [
        Flow::Funds,
        Flow::Placements,
        Flow::Secondments,
        Flow::Purchases,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Funds => "funds",
            Flow::Placements => "placements",
            Flow::Secondments => "secondments",
            Flow::Purchases => "purchases",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Flow::Funds => "资金拨付与到账",
            Flow::Placements => "劳务输出与接收",
            Flow::Secondments => "干部人才选派与到岗",
            Flow::Purchases => "消费帮扶采购与销售",
        }
    }

    /// The sending side's kind and the receiving side's.
    pub fn kinds(self) -> (FileKind, FileKind) {
        match self {
            Flow::Funds => (FileKind::Funds, FileKind::FundReceipts),
            Flow::Placements => (FileKind::Placements, FileKind::PlacementConfirmations),
            Flow::Secondments => (FileKind::Secondments, FileKind::SecondmentArrivals),
            Flow::Purchases => (FileKind::Purchases, FileKind::Sales),
        }
    }

    /// Whether the flow moves money (else people).
    pub fn is_money(self) -> bool {
        matches!(self, Flow::Funds | Flow::Purchases)
    }
}

/// The outcome of one item of a reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Both sides agree within the tolerances (相符).
    Matched,
    /// The receiving side used more than it received (支出超过到账).
    Overspent,
    /// The amounts (or wages) differ beyond the tolerance (金额不符).
    AmountDiffers,
    /// The dates differ beyond the tolerance (日期不符).
    DateDiffers,
    /// The confirmation names another person (人员不符).
    PersonDiffers,
    /// A second confirmation of a sending item already confirmed (重复确认).
    Duplicate,
    /// The confirmation names a sending record that does not exist (引用不存在).
    UnknownReference,
    /// Sent, and not confirmed by the other side (对方未确认).
    Unconfirmed,
    /// Confirmed by the receiving side, never reported sent (对方未填报).
    Unreported,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Matched,
        Status::Overspent,
        Status::AmountDiffers,
        Status::DateDiffers,
        Status::PersonDiffers,
        Status::Duplicate,
        Status::UnknownReference,
        Status::Unconfirmed,
        Status::Unreported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::Overspent => "overspent",
            Status::AmountDiffers => "amount_differs",
            Status::DateDiffers => "date_differs",
            Status::PersonDiffers => "person_differs",
            Status::Duplicate => "duplicate",
            Status::UnknownReference => "unknown_reference",
            Status::Unconfirmed => "unconfirmed",
            Status::Unreported => "unreported",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Matched => "相符",
            Status::Overspent => "支出超过到账",
            Status::AmountDiffers => "金额不符",
            Status::DateDiffers => "日期不符",
            Status::PersonDiffers => "人员不符",
            Status::Duplicate => "重复确认",
            Status::UnknownReference => "引用的记录不存在",
            Status::Unconfirmed => "对方未确认",
            Status::Unreported => "对方未填报",
        }
    }

    /// Whether the money or person counts as confirmed by both sides.
    pub fn confirms(self) -> bool {
        matches!(self, Status::Matched | Status::Overspent)
    }
}

/// One side's report of one item of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: String,
    pub pairing_id: String,
    pub date: NaiveDate,
    /// Money, or a placement's monthly wage.
    pub amount: Option<Fen>,
    /// Who moved (a person id or a seconded person's name); never written out.
    pub person: Option<String>,
    /// The sending record a receiving one names.
    pub reference: Option<String>,
    /// What the receiving side spent of a receipt.
    pub expended: Option<Fen>,
}

/// One reconciled item: a sending report, a receiving one, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub flow: Flow,
    pub pairing_id: String,
    pub status: Status,
    pub sent: Option<Report>,
    pub received: Option<Report>,
}

/// Traceability of one pairing (可追溯率): what was sent in the year and
/// what of it the other side confirmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traceability {
    pub money_sent: Fen,
    pub money_confirmed: Fen,
    pub people_sent: u64,
    pub people_confirmed: u64,
}

impl Traceability {
    /// The confirmed share of money, `None` when nothing was sent.
    pub fn money_share(&self) -> Option<f64> {
        (self.money_sent.0 > 0).then(|| self.money_confirmed.0 as f64 / self.money_sent.0 as f64)
    }

    /// The confirmed share of people, `None` when nobody was sent.
    pub fn people_share(&self) -> Option<f64> {
        (self.people_sent > 0).then(|| self.people_confirmed as f64 / self.people_sent as f64)
    }
}

/// The reconciliation of one year.
#[derive(Debug, Clone, Default)]
pub struct Reconciliation {
    pub year: Year,
    /// The flows whose receiving side has reported (the others are not
    /// reconciled).
    pub flows: Vec<Flow>,
    /// Every item of the reconciled flows, matched or not, by flow,
    /// pairing and id.
    pub items: Vec<Item>,
    /// By pairing id: every pairing with a sending or receiving item.
    pub traceability: BTreeMap<String, Traceability>,
    /// The parties of each pairing: (helper, helped).
    pub parties: HashMap<String, (String, String)>,
}

impl Reconciliation {
    /// The items that are findings: every one not matched.
    pub fn findings(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.status != Status::Matched)
    }
}

/// The reports of both sides of each flow, as loaded from a store.
#[derive(Debug, Clone, Default)]
pub struct Reports {
    pub sent: BTreeMap<Flow, Vec<Report>>,
    pub received: BTreeMap<Flow, Vec<Report>>,
    pub parties: HashMap<String, (String, String)>,
}

fn report(id: &str, pairing: &str, date: NaiveDate) -> Report {
    Report {
        id: id.to_string(),
        pairing_id: pairing.to_string(),
        date,
        amount: None,
        person: None,
        reference: None,
        expended: None,
    }
}

impl Reports {
    /// Loads the reports of both sides from the store.
    pub fn load(store: &dyn Store) -> Result<Reports, StoreError> {
        let mut r = Reports::default();
        let mut reversals: HashMap<String, i64> = HashMap::new();
        let mut kinds = vec![FileKind::Pairings];
        for f in Flow::ALL {
            let (s, t) = f.kinds();
            kinds.extend([s, t]);
        }
        for kind in kinds {
            let mut bad = None;
            store.scan(kind, &mut |row, _| {
                match Record::from_cells(kind, &row.cells) {
                    Ok(rec) => r.add(rec, &mut reversals),
                    Err(e) => bad = Some(format!("{} row {}: {e}", kind.stem(), row.rowid)),
                }
                Ok(())
            })?;
            if let Some(b) = bad {
                return Err(StoreError::Corrupt(b));
            }
        }
        // Disbursements net of their reversals; fully reversed ones drop out.
        if let Some(funds) = r.sent.get_mut(&Flow::Funds) {
            for f in funds.iter_mut() {
                if let (Some(a), Some(rev)) = (f.amount, reversals.get(&f.id)) {
                    f.amount = Some(Fen(a.0 + rev));
                }
            }
            funds.retain(|f| f.amount.is_some_and(|a| a.0 > 0));
        }
        Ok(r)
    }

    fn add(&mut self, rec: Record, reversals: &mut HashMap<String, i64>) {
        let (flow, sent, rep) = match rec {
            Record::Pairing(p) => {
                self.parties.insert(
                    p.pairing_id.to_string(),
                    (p.helper.to_string(), p.helped.to_string()),
                );
                return;
            }
            Record::FundTxn(t) => {
                if let Some(orig) = &t.reverses {
                    *reversals.entry(orig.to_string()).or_default() += t.amount.0;
                    return;
                }
                if t.kind != FundKind::Disbursement {
                    return;
                }
                let mut r = report(t.txn_id.as_str(), t.pairing_id.as_str(), t.date);
                r.amount = Some(t.amount);
                (Flow::Funds, true, r)
            }
            Record::FundReceipt(t) => {
                let mut r = report(t.receipt_id.as_str(), t.pairing_id.as_str(), t.date);
                r.amount = Some(t.amount);
                r.reference = t.txn_id.map(|i| i.to_string());
                r.expended = t.expended;
                (Flow::Funds, false, r)
            }
            Record::Placement(p) => {
                let mut r = report(
                    p.placement_id.as_str(),
                    p.pairing_id.as_str(),
                    p.period.start,
                );
                r.amount = Some(p.monthly_wage);
                r.person = Some(p.person_id.to_string());
                (Flow::Placements, true, r)
            }
            Record::PlacementConfirmation(p) => {
                let mut r = report(
                    p.confirmation_id.as_str(),
                    p.pairing_id.as_str(),
                    p.period.start,
                );
                r.amount = p.monthly_wage;
                r.person = Some(p.person_id.to_string());
                r.reference = p.placement_id.map(|i| i.to_string());
                (Flow::Placements, false, r)
            }
            Record::Secondment(s) => {
                let mut r = report(
                    s.secondment_id.as_str(),
                    s.pairing_id.as_str(),
                    s.period.start,
                );
                r.person = Some(s.person_name.to_string());
                (Flow::Secondments, true, r)
            }
            Record::SecondmentArrival(s) => {
                let mut r = report(s.arrival_id.as_str(), s.pairing_id.as_str(), s.period.start);
                r.person = Some(s.person_name.to_string());
                r.reference = s.secondment_id.map(|i| i.to_string());
                (Flow::Secondments, false, r)
            }
            Record::Purchase(p) => {
                let mut r = report(p.purchase_id.as_str(), p.pairing_id.as_str(), p.date);
                r.amount = Some(p.amount);
                (Flow::Purchases, true, r)
            }
            Record::Sale(s) => {
                let mut r = report(s.sale_id.as_str(), s.pairing_id.as_str(), s.date);
                r.amount = Some(s.amount);
                r.reference = s.purchase_id.map(|i| i.to_string());
                (Flow::Purchases, false, r)
            }
            _ => return,
        };
        let side = if sent {
            &mut self.sent
        } else {
            &mut self.received
        };
        side.entry(flow).or_default().push(rep);
    }
}

/// Reconciles the reports of year `year` under the tolerances.
pub fn reconcile(reports: &Reports, year: Year, tol: Tolerances) -> Reconciliation {
    let mut out = Reconciliation {
        year,
        parties: reports.parties.clone(),
        ..Reconciliation::default()
    };
    let empty = Vec::new();
    for flow in Flow::ALL {
        let Some(received) = reports.received.get(&flow).filter(|r| !r.is_empty()) else {
            continue;
        };
        out.flows.push(flow);
        let sent = reports.sent.get(&flow).unwrap_or(&empty);
        let mut items = reconcile_flow(flow, sent, received, year, tol);
        items.sort_by(|a, b| {
            let key = |i: &Item| {
                (
                    i.pairing_id.clone(),
                    i.sent.as_ref().map(|s| s.id.clone()),
                    i.received.as_ref().map(|r| r.id.clone()),
                )
            };
            key(a).cmp(&key(b))
        });
        for i in &items {
            let t = out.traceability.entry(i.pairing_id.clone()).or_default();
            // A duplicate confirmation names an item counted already.
            let Some(s) = i.sent.as_ref().filter(|_| i.status != Status::Duplicate) else {
                continue;
            };
            let confirmed = i.status.confirms();
            if flow.is_money() {
                let a = s.amount.map_or(0, |a| a.0);
                t.money_sent.0 += a;
                if confirmed {
                    t.money_confirmed.0 += a;
                }
            } else {
                t.people_sent += 1;
                t.people_confirmed += u64::from(confirmed);
            }
        }
        out.items.extend(items);
    }
    out
}

fn days_apart(a: NaiveDate, b: NaiveDate) -> i64 {
    (a - b).num_days().abs()
}

fn amounts_agree(a: Option<Fen>, b: Option<Fen>, tol: Tolerances) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a.0 - b.0).abs() <= tol.amount_fen,
        // A confirmation without a wage says nothing against the wage.
        _ => true,
    }
}

/// What a receiving report says of the sending one it is paired with.
fn compare(flow: Flow, s: &Report, r: &Report, tol: Tolerances) -> Status {
    if !flow.is_money() && s.person != r.person {
        return Status::PersonDiffers;
    }
    if !amounts_agree(s.amount, r.amount, tol) {
        return Status::AmountDiffers;
    }
    if days_apart(s.date, r.date) > tol.days {
        return Status::DateDiffers;
    }
    if r.expended.zip(r.amount).is_some_and(|(e, a)| e.0 > a.0) {
        return Status::Overspent;
    }
    Status::Matched
}

fn reconcile_flow(
    flow: Flow,
    sent: &[Report],
    received: &[Report],
    year: Year,
    tol: Tolerances,
) -> Vec<Item> {
    let in_year = |d: NaiveDate| d.year() == year;
    // Every sending report of any year by (pairing, id): a reference to
    // another year's record belongs to that year's reconciliation.
    let all: HashMap<(&str, &str), &Report> = sent
        .iter()
        .map(|s| ((s.pairing_id.as_str(), s.id.as_str()), s))
        .collect();
    let mut taken: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut items = Vec::new();
    let item = |status, s: Option<&Report>, r: Option<&Report>, pairing: &str| Item {
        flow,
        pairing_id: pairing.to_string(),
        status,
        sent: s.cloned(),
        received: r.cloned(),
    };
    // Unnamed receiving items near the year may confirm an item of it (a
    // December transfer arriving in January).
    let near = |d: NaiveDate| {
        (d.year() - year).abs() <= 1
            && (in_year(d) || {
                let edge = if d.year() < year {
                    NaiveDate::from_ymd_opt(year, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(year, 12, 31)
                };
                edge.is_some_and(|e| days_apart(d, e) <= tol.days)
            })
    };
    let mut unnamed: Vec<&Report> = Vec::new();
    for r in received {
        let Some(reference) = &r.reference else {
            if near(r.date) {
                unnamed.push(r);
            }
            continue;
        };
        let key = (r.pairing_id.as_str(), reference.as_str());
        match all.get(&key) {
            Some(s) if !in_year(s.date) => {}
            Some(s) => {
                let status = if taken.insert(key) {
                    compare(flow, s, r, tol)
                } else {
                    Status::Duplicate
                };
                items.push(item(status, Some(s), Some(r), &r.pairing_id));
            }
            None if in_year(r.date) => {
                items.push(item(Status::UnknownReference, None, Some(r), &r.pairing_id));
            }
            None => {}
        }
    }
    unnamed.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    for r in unnamed {
        let best = sent
            .iter()
            .filter(|s| s.pairing_id == r.pairing_id)
            .filter(|s| !taken.contains(&(s.pairing_id.as_str(), s.id.as_str())))
            .filter(|s| flow.is_money() || s.person == r.person)
            .filter(|s| amounts_agree(s.amount, r.amount, tol))
            .filter(|s| days_apart(s.date, r.date) <= tol.days)
            .min_by(|a, b| {
                (days_apart(a.date, r.date), &a.id).cmp(&(days_apart(b.date, r.date), &b.id))
            });
        match best {
            Some(s) => {
                taken.insert((s.pairing_id.as_str(), s.id.as_str()));
                // Confirming another year's item, it belongs to that year.
                if in_year(s.date) {
                    items.push(item(
                        compare(flow, s, r, tol),
                        Some(s),
                        Some(r),
                        &r.pairing_id,
                    ));
                }
            }
            None if in_year(r.date) => {
                items.push(item(Status::Unreported, None, Some(r), &r.pairing_id));
            }
            None => {}
        }
    }
    for s in sent.iter().filter(|s| in_year(s.date)) {
        if !taken.contains(&(s.pairing_id.as_str(), s.id.as_str())) {
            items.push(item(Status::Unconfirmed, Some(s), None, &s.pairing_id));
        }
    }
    items
}

fn share(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x:.4}"))
}

/// The header of `reconciliation.csv`.
pub const ITEMS_HEADER: &str = "flow,pairing_id,helper,helped,status,sent_id,received_id,sent_date,received_date,sent_amount,received_amount";
/// The header of `traceability.csv`.
pub const TRACEABILITY_HEADER: &str = "pairing_id,year,money_sent,money_confirmed,money_share,people_sent,people_confirmed,people_share";

/// Writes `reconciliation.csv` (every item not matched: the findings of
/// both parties) and `traceability.csv` into `dir`. Amounts in yuan with 2
/// decimals (a wage for placements); no person's name is written.
pub fn write_files(rec: &Reconciliation, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("reconciliation.csv"))?);
    writeln!(w, "{ITEMS_HEADER}")?;
    for i in rec.findings() {
        let (helper, helped) = rec.parties.get(&i.pairing_id).cloned().unwrap_or_default();
        let id = |r: &Option<Report>| r.as_ref().map_or(String::new(), |r| r.id.clone());
        let date = |r: &Option<Report>| r.as_ref().map_or(String::new(), |r| r.date.to_string());
        let amount = |r: &Option<Report>| {
            r.as_ref()
                .and_then(|r| r.amount)
                .map_or(String::new(), |a| a.to_yuan_2dp())
        };
        writeln!(
            w,
            "{},{},{helper},{helped},{},{},{},{},{},{},{}",
            i.flow.as_str(),
            i.pairing_id,
            i.status.as_str(),
            id(&i.sent),
            id(&i.received),
            date(&i.sent),
            date(&i.received),
            amount(&i.sent),
            amount(&i.received),
        )?;
    }
    w.flush()?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("traceability.csv"))?);
    writeln!(w, "{TRACEABILITY_HEADER}")?;
    for (p, t) in &rec.traceability {
        writeln!(
            w,
            "{p},{},{},{},{},{},{},{}",
            rec.year,
            t.money_sent.to_yuan_2dp(),
            t.money_confirmed.to_yuan_2dp(),
            share(t.money_share()),
            t.people_sent,
            t.people_confirmed,
            share(t.people_share()),
        )?;
    }
    w.flush()
}

#[cfg(test)]
mod tests;
