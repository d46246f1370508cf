//! Unit tests of the matching rules on hand-made reports.

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn money(id: &str, pairing: &str, date: &str, yuan: i64) -> Report {
    let mut r = report(id, pairing, d(date));
    r.amount = Some(Fen(yuan * 100));
    r
}

fn named(mut r: Report, reference: &str) -> Report {
    r.reference = Some(reference.to_string());
    r
}

fn person(id: &str, date: &str, who: &str) -> Report {
    let mut r = report(id, "P", d(date));
    r.person = Some(who.to_string());
    r
}

fn run(flow: Flow, sent: Vec<Report>, received: Vec<Report>) -> Reconciliation {
    let mut reports = Reports::default();
    reports.sent.insert(flow, sent);
    reports.received.insert(flow, received);
    reconcile(&reports, 2020, Tolerances::default())
}

fn statuses(r: &Reconciliation) -> Vec<(Option<&str>, Option<&str>, Status)> {
    r.items
        .iter()
        .map(|i| {
            (
                i.sent.as_ref().map(|s| s.id.as_str()),
                i.received.as_ref().map(|r| r.id.as_str()),
                i.status,
            )
        })
        .collect()
}

#[test]
fn a_referenced_receipt_matches_within_the_tolerances_and_says_what_differs() {
    let sent = vec![
        money("T1", "P", "2020-03-01", 1000),
        money("T2", "P", "2020-03-01", 1000),
        money("T3", "P", "2020-03-01", 1000),
    ];
    let received = vec![
        // 1 yuan off and 30 days later: within the default tolerances.
        named(money("R1", "P", "2020-03-31", 1001), "T1"),
        named(money("R2", "P", "2020-03-02", 990), "T2"),
        named(money("R3", "P", "2020-04-01", 1000), "T3"),
        named(money("R4", "P", "2020-03-05", 500), "T9"),
        named(money("R5", "P", "2020-03-05", 1000), "T1"),
    ];
    let r = run(Flow::Funds, sent, received);
    assert_eq!(
        statuses(&r),
        vec![
            (None, Some("R4"), Status::UnknownReference),
            (Some("T1"), Some("R1"), Status::Matched),
            (Some("T1"), Some("R5"), Status::Duplicate),
            (Some("T2"), Some("R2"), Status::AmountDiffers),
            (Some("T3"), Some("R3"), Status::DateDiffers),
        ]
    );
    let t = &r.traceability["P"];
    assert_eq!(
        (t.money_sent, t.money_confirmed),
        (Fen(300_000), Fen(100_000))
    );
}

#[test]
fn each_sending_item_counts_once() {
    let sent = vec![money("T1", "P", "2020-03-01", 1000)];
    let received = vec![
        named(money("R1", "P", "2020-03-01", 1000), "T1"),
        named(money("R2", "P", "2020-03-01", 1000), "T1"),
    ];
    let r = run(Flow::Funds, sent, received);
    let t = &r.traceability["P"];
    assert_eq!(
        (t.money_sent, t.money_confirmed),
        (Fen(100_000), Fen(100_000))
    );
    assert_eq!(t.money_share(), Some(1.0));
}

#[test]
fn an_unnamed_receipt_takes_the_nearest_sending_item_within_tolerance() {
    let sent = vec![
        money("T1", "P", "2020-01-10", 500),
        money("T2", "P", "2020-02-01", 500),
        money("T3", "Q", "2020-02-01", 500),
        money("T4", "P", "2020-06-01", 700),
    ];
    let received = vec![
        money("R1", "P", "2020-02-03", 500),
        money("R2", "P", "2020-09-01", 700),
    ];
    let r = run(Flow::Funds, sent, received);
    assert_eq!(
        statuses(&r),
        vec![
            (None, Some("R2"), Status::Unreported),
            (Some("T1"), None, Status::Unconfirmed),
            (Some("T2"), Some("R1"), Status::Matched),
            (Some("T4"), None, Status::Unconfirmed),
            (Some("T3"), None, Status::Unconfirmed),
        ]
    );
    assert_eq!(r.traceability["Q"].money_share(), Some(0.0));
    assert_eq!(r.findings().count(), 4);
}

#[test]
fn spending_more_than_received_is_a_finding_but_the_money_is_confirmed() {
    let mut receipt = named(money("R1", "P", "2020-03-01", 1000), "T1");
    receipt.expended = Some(Fen(100_001));
    let r = run(
        Flow::Funds,
        vec![money("T1", "P", "2020-03-01", 1000)],
        vec![receipt],
    );
    assert_eq!(r.items[0].status, Status::Overspent);
    assert_eq!(r.traceability["P"].money_share(), Some(1.0));
}

#[test]
fn other_years_belong_to_their_own_reconciliation() {
    let sent = vec![
        money("T1", "P", "2019-12-20", 1000),
        money("T2", "P", "2020-12-20", 1000),
    ];
    // R1 confirms 2019's T1 in 2020; R2 confirms 2020's T2 in 2021.
    let received = vec![
        named(money("R1", "P", "2020-01-05", 1000), "T1"),
        named(money("R2", "P", "2021-01-05", 1000), "T2"),
        money("R3", "P", "2021-02-01", 5),
    ];
    let r = run(Flow::Funds, sent, received);
    assert_eq!(
        statuses(&r),
        vec![(Some("T2"), Some("R2"), Status::Matched)]
    );
}

#[test]
fn an_unnamed_receipt_across_the_new_year_confirms_the_year_it_was_sent() {
    let sent = vec![
        money("T1", "P", "2019-12-20", 1000),
        money("T2", "P", "2020-12-20", 2000),
    ];
    let received = vec![
        money("R1", "P", "2020-01-05", 1000),
        money("R2", "P", "2021-01-05", 2000),
    ];
    let r = run(Flow::Funds, sent.clone(), received.clone());
    assert_eq!(
        statuses(&r),
        vec![(Some("T2"), Some("R2"), Status::Matched)]
    );
    let mut reports = Reports::default();
    reports.sent.insert(Flow::Funds, sent);
    reports.received.insert(Flow::Funds, received);
    let r2019 = reconcile(&reports, 2019, Tolerances::default());
    assert_eq!(
        statuses(&r2019),
        vec![(Some("T1"), Some("R1"), Status::Matched)]
    );
}

#[test]
fn people_match_by_person_and_start_date() {
    let sent = vec![
        person("PL1", "2020-03-01", "person-1"),
        person("PL2", "2020-03-01", "person-2"),
    ];
    let received = vec![
        person("C1", "2020-03-10", "person-2"),
        named(person("C2", "2020-03-01", "person-3"), "PL1"),
    ];
    let r = run(Flow::Placements, sent, received);
    assert_eq!(
        statuses(&r),
        vec![
            (Some("PL1"), Some("C2"), Status::PersonDiffers),
            (Some("PL2"), Some("C1"), Status::Matched),
        ]
    );
    let t = &r.traceability["P"];
    assert_eq!((t.people_sent, t.people_confirmed), (2, 1));
    assert_eq!(t.people_share(), Some(0.5));
    assert_eq!(t.money_share(), None);
}

#[test]
fn a_wage_beyond_the_tolerance_differs_and_a_missing_wage_does_not() {
    let mut s = person("PL1", "2020-03-01", "x");
    s.amount = Some(Fen(300_000));
    let mut s2 = person("PL2", "2020-03-01", "y");
    s2.amount = Some(Fen(300_000));
    let mut c = named(person("C1", "2020-03-01", "x"), "PL1");
    c.amount = Some(Fen(250_000));
    let c2 = named(person("C2", "2020-03-01", "y"), "PL2");
    let r = run(Flow::Placements, vec![s, s2], vec![c, c2]);
    assert_eq!(
        statuses(&r),
        vec![
            (Some("PL1"), Some("C1"), Status::AmountDiffers),
            (Some("PL2"), Some("C2"), Status::Matched),
        ]
    );
}

#[test]
fn a_flow_without_any_receiving_report_is_not_reconciled() {
    let mut reports = Reports::default();
    reports
        .sent
        .insert(Flow::Funds, vec![money("T1", "P", "2020-03-01", 1000)]);
    let r = reconcile(&reports, 2020, Tolerances::default());
    assert!(r.flows.is_empty());
    assert!(r.items.is_empty());
    assert!(r.traceability.is_empty());
}

#[test]
fn the_tolerances_come_from_the_method() {
    let sent = vec![money("T1", "P", "2020-03-01", 1000)];
    let received = vec![named(money("R1", "P", "2020-03-03", 1000), "T1")];
    let mut reports = Reports::default();
    reports.sent.insert(Flow::Funds, sent);
    reports.received.insert(Flow::Funds, received);
    let strict = Tolerances {
        amount_fen: 0,
        days: 1,
    };
    assert_eq!(
        reconcile(&reports, 2020, strict).items[0].status,
        Status::DateDiffers
    );
}

#[test]
fn every_status_and_flow_has_a_name_and_a_chinese_label() {
    for s in Status::ALL {
        assert!(!s.as_str().is_empty() && !s.label_zh().is_empty());
    }
    for f in Flow::ALL {
        assert!(!f.as_str().is_empty() && !f.label_zh().is_empty());
    }
}
