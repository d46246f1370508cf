//! Unit tests of the workbench: tasks follow the round's step and what each
//! party has done, the viewer narrows parties and teams, late steps show.

#![allow(clippy::unwrap_used)]
use super::*;
use xiezuo_store_sqlite::SqliteStore;

use crate::test_support::{AT, dataset_store};

fn store() -> (SqliteStore, AssessmentData) {
    let store = dataset_store();
    let d = AssessmentData::load(&store).unwrap();
    (store, d)
}

fn all() -> (impl Fn(u32, &str) -> bool, impl Fn(&str) -> bool) {
    (|_: u32, _: &str| true, |_: &str| true)
}

#[test]
fn tasks_follow_the_step_and_what_each_party_did() {
    let (mut store, d) = store();
    let m = Method::default_v1();
    let today = NaiveDate::from_ymd_opt(2021, 1, 5).unwrap();
    let (party, team) = all();
    let viewer = Viewer {
        party: &party,
        team: &team,
    };
    assert!(
        workbench(&store, &d, &m, today, &viewer)
            .unwrap()
            .is_empty(),
        "no round"
    );
    round::open(&mut store, 2020, &m.id, "nat", "opened", AT).unwrap();
    let b = workbench(&store, &d, &m, today, &viewer).unwrap();
    assert_eq!(b.len(), 1);
    assert!(
        b[0].parties.is_empty(),
        "nothing to evaluate before the freeze"
    );
    // Open is due by the end of the year's reporting; late on 2021-01-05.
    assert!(
        b[0].due.as_ref().is_some_and(|d| d.overdue),
        "{:?}",
        b[0].due
    );
    round::advance(
        &mut store,
        2020,
        RoundState::SelfEvaluation,
        "nat",
        "cut-off",
        AT,
    )
    .unwrap();
    round::freeze(&mut store, 2020, &m, "nat", "截止", AT).unwrap();
    let b = &workbench(&store, &d, &m, today, &viewer).unwrap()[0];
    let assessed = assessed(&d, 2020).len();
    assert_eq!(b.parties.len(), 2 * assessed);
    assert!(b.parties.iter().all(|p| p.open == [Task::SelfEvaluation]));
    assert_eq!(b.open_tasks(), 2 * assessed);

    let p = b.parties[0].pairing_id.clone();
    let claims = std::collections::BTreeMap::new();
    self_evaluation::submit(&mut store, 2020, &p, "east", &claims, "", "office", AT).unwrap();
    let b = &workbench(&store, &d, &m, today, &viewer).unwrap()[0];
    let of = |side: &str| {
        b.parties
            .iter()
            .find(|x| x.pairing_id == p && x.side == side)
            .unwrap()
    };
    assert!(of("east").open.is_empty(), "{:?}", of("east"));
    assert_eq!(of("east").submitted.as_deref(), Some(AT));
    assert_eq!(of("west").open, [Task::SelfEvaluation, Task::Opinion]);

    // The viewer narrows: one pairing's west side only.
    let i = d.pairing_idx[p.as_str()];
    let party = move |x: u32, s: &str| x == i && s == "west";
    let none = |_: &str| false;
    let narrow = Viewer {
        party: &party,
        team: &none,
    };
    let b = &workbench(&store, &d, &m, today, &narrow).unwrap()[0];
    assert_eq!(b.parties.len(), 1);
    assert_eq!(b.parties[0].side, "west");

    // The teams of the drawn sample, with their workload.
    let drawn = round::sample::sample(&mut store, 2020, 7, &m, "nat", AT).unwrap();
    let b = &workbench(&store, &d, &m, today, &viewer).unwrap()[0];
    assert!(!b.teams.is_empty());
    let sampled: u64 = b.teams.iter().map(|t| t.sampled).sum();
    let with_team: u64 = drawn
        .sample
        .records
        .iter()
        .filter(|r| drawn.sample.team_of().contains_key(&r.pairing_id))
        .count() as u64;
    assert_eq!(sampled, with_team);
    assert!(b.teams.iter().all(|t| t.recorded == 0));
    let b = &workbench(&store, &d, &m, today, &narrow).unwrap()[0];
    assert!(b.teams.is_empty(), "another province's team is not shown");

    // A published round leaves the workbench.
    for to in [
        RoundState::CrossCheck,
        RoundState::Review,
        RoundState::Approved,
        RoundState::Published,
    ] {
        round::advance(&mut store, 2020, to, "nat", "step", AT).unwrap();
    }
    assert!(
        workbench(&store, &d, &m, today, &viewer)
            .unwrap()
            .is_empty()
    );
}
