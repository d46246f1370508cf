//! Unit tests of publication: nothing published before the last step, a
//! report from the frozen result with the party's claims, its refusals, the
//! narrowed workbook, and values as offices read them.

#![allow(clippy::unwrap_used)]
use super::*;
use std::collections::BTreeMap;
use xiezuo_store_sqlite::SqliteStore;

use crate::test_support::{AT, dataset_store};

/// The test dataset with its 2020 round opened and frozen.
fn frozen_store() -> (SqliteStore, AssessmentData) {
    let mut store = dataset_store();
    crate::test_support::freeze_round(&mut store, 2020, &Method::default_v1());
    let d = AssessmentData::load(&store).unwrap();
    (store, d)
}

fn first_scored(store: &SqliteStore) -> (String, String) {
    let r = result(store, 2020).unwrap().unwrap();
    let s = r.table("scores.csv").unwrap();
    let row = &s.rows[0];
    (
        s.get(row, "pairing_id").to_string(),
        s.get(row, "side").to_string(),
    )
}

#[test]
fn nothing_is_published_until_the_round_reaches_its_last_step() {
    let (mut store, _) = frozen_store();
    assert!(latest_published(&store).unwrap().is_none());
    let r = result(&store, 2020).unwrap().unwrap();
    assert!(!r.published());
    for to in [
        RoundState::CrossCheck,
        RoundState::Review,
        RoundState::Approved,
    ] {
        round::advance(&mut store, 2020, to, "nat", "step", AT).unwrap();
        assert!(latest_published(&store).unwrap().is_none(), "{to:?}");
    }
    round::advance(
        &mut store,
        2020,
        RoundState::Published,
        "nat",
        "审定公布",
        AT,
    )
    .unwrap();
    let p = latest_published(&store).unwrap().unwrap();
    assert_eq!(p.round.year, 2020);
    assert!(p.published());
    // The published counts are the frozen scores' grades.
    let counts = grade_counts(&p).unwrap();
    let scores = p.table("scores.csv").unwrap();
    let total: usize = counts.values().flat_map(|g| g.values()).sum();
    assert_eq!(total, scores.rows.len());
    assert!(counts.contains_key("east") && counts.contains_key("west"));
}

#[test]
fn a_report_holds_the_frozen_scores_and_the_partys_claims_and_marks_a_preliminary_result() {
    let (mut store, d) = frozen_store();
    let (pairing, side) = first_scored(&store);
    let values = crate::self_evaluation::prefill(&store, 2020, &pairing).unwrap();
    let (ind, computed) = values
        .iter()
        .find(|(_, v)| v.parse::<f64>().is_ok())
        .map(|(i, v)| (i.clone(), v.clone()))
        .unwrap();
    let claimed = format!("{}", computed.parse::<f64>().unwrap() + 7.0);
    let claims: BTreeMap<String, String> = [(ind.clone(), claimed.clone())].into();
    crate::self_evaluation::submit(
        &mut store,
        2020,
        &pairing,
        &side,
        &claims,
        "<b>说明</b>",
        "office",
        AT,
    )
    .unwrap();
    let r = party_report(&store, &d, 2020, &pairing, &side).unwrap();
    assert!(!r.published());
    let frozen = result(&store, 2020).unwrap().unwrap();
    let s = frozen.table("scores.csv").unwrap();
    let row = s
        .rows
        .iter()
        .find(|x| s.get(x, "pairing_id") == pairing && s.get(x, "side") == side)
        .unwrap();
    assert_eq!(r.total, s.get(row, "total"));
    assert_eq!(r.grade, s.get(row, "grade"));
    assert!(r.rank.is_some_and(|(n, of)| n >= 1 && n <= of));
    let line = r.indicators.iter().find(|i| i.indicator == ind).unwrap();
    assert_eq!(line.value, computed);
    assert_eq!(line.claimed.as_deref(), Some(claimed.as_str()));
    let m = Method::default_v1();
    let page = html::render(&r, &m);
    assert!(page.contains("初步结果（未公布）"), "preliminary stamp");
    assert!(
        page.contains("与核定值不符"),
        "the differing claim is marked"
    );
    assert!(
        page.contains("&lt;b&gt;说明&lt;/b&gt;"),
        "narrative escaped"
    );
    assert!(!page.contains("<b>说明"), "no raw markup from input");
    assert!(page.contains(&grade_zh(&m, &r.grade)));
    assert!(page.contains("2020年度东西部扶贫协作考核报告"));
}

#[test]
fn a_report_refuses_an_unknown_side_an_unassessed_pairing_and_an_unfrozen_year() {
    let (mut store, d) = frozen_store();
    assert!(matches!(
        party_report(&store, &d, 2020, "X", "north"),
        Err(PublicationError::BadSide(_))
    ));
    assert!(matches!(
        party_report(&store, &d, 2020, "NO-SUCH-PAIRING", "east"),
        Err(PublicationError::NotAssessed { .. })
    ));
    assert!(matches!(
        party_report(&store, &d, 2019, "NO-SUCH-PAIRING", "east"),
        Err(PublicationError::Round(RoundError::NoRound(2019)))
    ));
    round::open(&mut store, 2019, "xz-v1", "nat", "opened", AT).unwrap();
    assert!(matches!(
        party_report(&store, &d, 2019, "NO-SUCH-PAIRING", "east"),
        Err(PublicationError::NotFrozen(2019))
    ));
    for e in [
        PublicationError::NotFrozen(2019),
        PublicationError::BadSide("north".into()),
        PublicationError::NotAssessed {
            pairing: "P".into(),
            year: 2020,
        },
        PublicationError::Corrupt("x".into()),
    ] {
        assert_eq!(e.message().en(), e.to_string());
    }
}

#[test]
fn the_workbook_has_every_part_of_the_round_and_only_the_kept_pairings() {
    let (store, d) = frozen_store();
    let (pairing, _) = first_scored(&store);
    let r = result(&store, 2020).unwrap().unwrap();
    let m = Method::default_v1();
    let all = workbook::workbook(&store, &d, &r, &m, &|_| true).unwrap();
    let one = workbook::workbook(&store, &d, &r, &m, &|p| p == pairing).unwrap();
    assert!(all.starts_with(b"PK"), "an XLSX (zip) file");
    assert!(one.len() < all.len(), "narrowed rows make a smaller file");
}

#[test]
fn values_read_as_offices_write_them() {
    assert_eq!(
        value_zh("fiscal_disbursed", "18502171.81"),
        "18,502,171.81 元"
    );
    assert_eq!(value_zh("fiscal_disbursed", "-1234.50"), "-1,234.50 元");
    assert_eq!(value_zh("on_time_rate", "0.5"), "50.00%");
    assert_eq!(value_zh("poor_employed", "120"), "120");
    assert_eq!(value_zh("poor_employed", ""), "无数据");
    assert_eq!(record_kind_zh("placement"), FileKind::Placements.label_zh());
    assert_eq!(
        record_kind_zh("beneficiary"),
        FileKind::Beneficiaries.label_zh()
    );
    assert_eq!(
        record_kind_zh("attendance"),
        FileKind::TrainingAttendance.label_zh()
    );
    assert_eq!(record_kind_zh("milestone"), FileKind::Milestones.label_zh());
    assert_eq!(
        html::esc("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}
