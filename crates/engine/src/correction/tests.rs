//! Correction requests on the repository's test dataset: filing checks the
//! rows and keeps the diff, the effect is what an approval changes, and an
//! approved correction gives the frozen result that a fresh assessment of
//! the corrected store gives.

#![allow(clippy::unwrap_used)]
use super::*;
use crate::assess::{assess, data::AssessmentData, output_files};
use crate::import::{NamedFile, WritePolicy};
use crate::test_support::{AT, dataset_store, freeze_round};
use xiezuo_store_sqlite::SqliteStore;

fn method() -> Method {
    Method::default_v1()
}

fn file_named(name: &str, text: &str) -> Vec<NamedFile> {
    vec![NamedFile {
        name: name.into(),
        bytes: text.as_bytes().into(),
    }]
}

const FUNDS_HEAD: &str = "txn_id,date,pairing_id,project_id,source,kind,amount,reverses\n";

/// A new disbursement of 2020 and a changed meeting of 2020.
fn correction_files() -> (Vec<NamedFile>, Vec<NamedFile>) {
    let funds = file_named(
        "funds.csv",
        &format!("{FUNDS_HEAD}TXCORR0001,2020-06-01,PROV-44-45,,fiscal,disbursement,25000000,\n"),
    );
    let meetings = file_named(
        "meetings.csv",
        "meeting_id,pairing_id,date,kind,top_leader\nMTCORR01,PROV-44-45,2020-05-01,joint_meeting,1\n",
    );
    (funds, meetings)
}

fn filer(login: &str) -> Filer<'_> {
    Filer {
        login,
        region: Some(440_000_000_000),
        scope: WriteScope::Everywhere,
    }
}

fn frozen_store() -> SqliteStore {
    let mut store = dataset_store();
    freeze_round(&mut store, 2020, &method());
    store
}

#[test]
fn a_correction_keeps_the_rows_that_change_the_frozen_year() {
    let mut store = frozen_store();
    let (funds, _) = correction_files();
    // A plain import of the row is refused, naming the round.
    let batch = BatchInfo {
        actor: "gd".into(),
        at: AT.into(),
        source: "plain".into(),
    };
    let plain = ingest(
        &mut store,
        Source::Files(&funds),
        &batch,
        &WritePolicy::everywhere(),
        &Quiet,
    )
    .unwrap();
    assert_eq!(plain.errors.len(), 1);
    assert!(
        plain.errors[0]
            .error
            .reason
            .contains("2020 assessment round is frozen")
    );
    // Filed as a correction, it is kept with no stored version.
    let c = file(
        &mut store,
        2020,
        Source::Files(&funds),
        filer("gd"),
        "漏报一笔拨付",
        AT,
    )
    .unwrap();
    assert_eq!(c.id, 1);
    assert_eq!(c.changes.len(), 1);
    assert_eq!(c.changes[0].kind, "funds");
    assert_eq!(c.changes[0].key, "TXCORR0001");
    assert!(c.changes[0].old.is_none());
    let fields = c.changes[0].fields();
    assert!(
        fields
            .iter()
            .any(|(col, old, new)| *col == "amount" && old.is_none() && *new == "25000000"),
        "{fields:?}"
    );
    // Nothing was stored.
    assert!(
        store
            .get(FileKind::Funds, &[Cell::Text("TXCORR0001".into())])
            .unwrap()
            .is_none()
    );
    assert_eq!(corrections(&store, 2020).unwrap().len(), 1);
}

#[test]
fn a_row_outside_the_frozen_year_or_unchanged_is_not_a_correction() {
    let mut store = frozen_store();
    let other_year = file_named(
        "funds.csv",
        &format!("{FUNDS_HEAD}TXCORR0002,2019-06-01,PROV-44-45,,fiscal,disbursement,100000,\n"),
    );
    let e = file(
        &mut store,
        2020,
        Source::Files(&other_year),
        filer("gd"),
        "r",
        AT,
    )
    .unwrap_err();
    let CorrectionError::Invalid(report) = e else {
        panic!("{e}")
    };
    assert!(
        report.errors[0]
            .error
            .reason
            .contains("changes nothing the 2020 assessment read")
    );
    // A stored 2020 row given again unchanged: nothing to correct.
    let stored = file_named(
        "funds.csv",
        &format!("{FUNDS_HEAD}TX00000109,2020-01-03,PREF-4402-5301-X,,fiscal,commitment,385000,\n"),
    );
    let e = file(
        &mut store,
        2020,
        Source::Files(&stored),
        filer("gd"),
        "r",
        AT,
    )
    .unwrap_err();
    assert!(matches!(e, CorrectionError::Nothing(2020)), "{e}");
    // No reason, no correction; an unfrozen year has no corrections.
    let (funds, _) = correction_files();
    let e = file(
        &mut store,
        2020,
        Source::Files(&funds),
        filer("gd"),
        " ",
        AT,
    )
    .unwrap_err();
    assert!(matches!(e, CorrectionError::NoReason));
    let e = file(
        &mut store,
        2019,
        Source::Files(&funds),
        filer("gd"),
        "r",
        AT,
    )
    .unwrap_err();
    assert!(
        matches!(e, CorrectionError::Round(RoundError::NoRound(2019))),
        "{e}"
    );
}

#[test]
fn the_effect_is_shown_and_an_approval_equals_a_fresh_assessment() {
    let m = method();
    let mut store = frozen_store();
    let (funds, meetings) = correction_files();
    let c1 = file(
        &mut store,
        2020,
        Source::Files(&funds),
        filer("gd"),
        "漏报拨付",
        AT,
    )
    .unwrap();
    let c2 = file(
        &mut store,
        2020,
        Source::Files(&meetings),
        filer("gd"),
        "漏报会议",
        AT,
    )
    .unwrap();
    let eff = effect(&store, &c1, &m).unwrap();
    assert!(
        eff.indicators
            .iter()
            .any(|i| i.pairing_id == "PROV-44-45" && i.frozen != i.corrected),
        "{eff:?}"
    );
    assert!(eff.indicators.iter().all(|i| i.pairing_id == "PROV-44-45"));
    assert!(!eff.scores.is_empty());
    // The filer never decides its own correction.
    let e = decide(&mut store, 2020, c1.id, true, "ok", &m, "gd", AT).unwrap_err();
    assert!(matches!(e, CorrectionError::OwnCorrection(1)));
    let e = decide(&mut store, 2020, c1.id, true, " ", &m, "nat", AT).unwrap_err();
    assert!(matches!(e, CorrectionError::NoComment));
    let d1 = decide(&mut store, 2020, c1.id, true, "凭证齐全", &m, "nat", AT).unwrap();
    let dec = d1.decision.as_ref().unwrap();
    assert_eq!(dec.version, Some(2));
    assert!(dec.batch.is_some());
    assert_eq!(dec.effect.as_ref(), Some(&eff));
    let d2 = decide(&mut store, 2020, c2.id, true, "纪要已核", &m, "nat", AT).unwrap();
    assert_eq!(d2.decision.unwrap().version, Some(3));
    // Nothing else changed since the freeze, so the corrected frozen
    // result is exactly a fresh assessment of the corrected store.
    let (f, frozen) = round::frozen_outputs(&store, 2020).unwrap().unwrap();
    assert_eq!(f.version, 3);
    let fresh = output_files(&assess(&AssessmentData::load(&store).unwrap(), 2020, &m));
    for (name, bytes) in fresh {
        let kept = frozen.iter().find(|(n, _)| n == name).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&kept.1),
            String::from_utf8_lossy(&bytes),
            "{name}"
        );
    }
    let e = decide(&mut store, 2020, c1.id, false, "again", &m, "nat", AT).unwrap_err();
    assert!(matches!(e, CorrectionError::Decided(1)));
}

#[test]
fn a_correction_of_rows_changed_since_it_was_filed_is_refused() {
    let m = method();
    let mut store = frozen_store();
    let change = |amount: &str| {
        file_named(
            "meetings.csv",
            &format!(
                "meeting_id,pairing_id,date,kind,top_leader\nMTCORR09,PROV-44-45,2020-05-0{amount},joint_meeting,1\n"
            ),
        )
    };
    let a = file(
        &mut store,
        2020,
        Source::Files(&change("1")),
        filer("gd"),
        "a",
        AT,
    )
    .unwrap();
    let b = file(
        &mut store,
        2020,
        Source::Files(&change("2")),
        filer("gd"),
        "b",
        AT,
    )
    .unwrap();
    decide(&mut store, 2020, a.id, true, "ok", &m, "nat", AT).unwrap();
    let batches = store.batches().unwrap().len();
    let e = decide(&mut store, 2020, b.id, true, "ok", &m, "nat", AT).unwrap_err();
    assert!(matches!(e, CorrectionError::Moved(2)), "{e}");
    assert_eq!(store.batches().unwrap().len(), batches, "nothing stored");
    // A rejection stores nothing and keeps the decision.
    let r = decide(&mut store, 2020, b.id, false, "重复申请", &m, "nat", AT).unwrap();
    let d = r.decision.unwrap();
    assert!(!d.approved && d.version.is_none() && d.batch.is_none());
    assert_eq!(store.batches().unwrap().len(), batches);
}

#[test]
fn the_level_above_decides() {
    let c = Correction {
        id: 1,
        year: 2020,
        reason: "r".into(),
        by: "county".into(),
        at: AT.into(),
        filer_region: Some(450_122_000_000),
        changes: Vec::new(),
        decision: None,
    };
    assert!(may_decide(&c, "nat", None));
    assert!(may_decide(&c, "gx", Some(450_000_000_000)));
    assert!(may_decide(&c, "nanning", Some(450_100_000_000)));
    assert!(
        !may_decide(&c, "county2", Some(450_122_000_000)),
        "same level"
    );
    assert!(
        !may_decide(&c, "gd", Some(440_000_000_000)),
        "another province"
    );
    assert!(!may_decide(&c, "county", None), "its filer");
    let national = Correction {
        filer_region: None,
        ..c
    };
    assert!(!may_decide(&national, "gx", Some(450_000_000_000)));
    assert!(may_decide(&national, "nat2", None));
}

#[test]
fn every_refusal_is_a_catalogue_message_in_both_languages() {
    let errors = [
        CorrectionError::NotNow {
            year: 2020,
            state: RoundState::Approved,
        },
        CorrectionError::NotFrozen(2020),
        CorrectionError::Invalid(Box::default()),
        CorrectionError::Nothing(2020),
        CorrectionError::NoCorrection { year: 2020, id: 4 },
        CorrectionError::Decided(4),
        CorrectionError::OwnCorrection(4),
        CorrectionError::Moved(4),
        CorrectionError::NoReason,
        CorrectionError::NoComment,
        CorrectionError::Concurrent,
        CorrectionError::Corrupt("x".into()),
        CorrectionError::Round(RoundError::NoRound(2019)),
    ];
    for e in errors {
        let m = e.message();
        assert_eq!(m.en(), e.to_string());
        assert!(!m.zh().is_empty() && m.zh() != m.en(), "{}", m.zh());
    }
}
