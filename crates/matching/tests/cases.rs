//! Hand-written instances checked against brute force, the unmatched
//! reasons, input validation and `check`.

mod common;

use common::{assert_reasons, augmenting_paths_optimum, brute_force};
use xiezuo_matching::{
    Edge, MatchError, Objective, Posting, Problem, ReachLimits, Seeker, Unmatched, check, compare,
    greedy, solve,
};

fn seeker(no_one_employed: bool, registered_poor: bool) -> Seeker {
    Seeker {
        no_one_employed,
        registered_poor,
        limits: ReachLimits::NONE,
    }
}

fn edge(seeker: u32, posting: u32, fit: i32) -> Edge {
    Edge {
        seeker,
        posting,
        fit,
    }
}

fn postings(caps: &[u32]) -> Vec<Posting> {
    caps.iter()
        .map(|&positions| Posting { positions })
        .collect()
}

/// Solves, checks feasibility, optimality against brute force, reasons, and
/// that greedy is feasible and no better.
fn solve_checked(p: &Problem) -> xiezuo_matching::Solution {
    let s = solve(p).expect("valid");
    check(p, &s).expect("feasible");
    assert_eq!(s.objective, brute_force(p), "not optimal");
    assert_reasons(p, &s);
    let g = greedy(p).expect("valid");
    check(p, &g).expect("greedy feasible");
    assert!(g.objective <= s.objective);
    assert_reasons(p, &g);
    assert_eq!(solve(p).expect("valid"), s, "not deterministic");
    s
}

#[test]
fn empty_problem() {
    let s = solve_checked(&Problem::default());
    assert_eq!(s.objective, Objective::default());
    assert!(s.assignment.is_empty() && s.unmatched.is_empty());
}

#[test]
fn greedy_strictly_worse() {
    // Both seekers are priority households. Greedy lets seeker 0 take its
    // best fit, posting 0, the only posting seeker 1 can reach.
    let p = Problem {
        seekers: vec![seeker(true, true), seeker(true, true)],
        postings: postings(&[1, 1]),
        edges: vec![edge(0, 0, 10), edge(0, 1, 5), edge(1, 0, 1)],
    };
    let s = solve_checked(&p);
    assert_eq!(s.assignment, vec![Some(1), Some(0)]);
    assert_eq!(
        s.objective,
        Objective {
            priority_households: 2,
            poor_placed: 2,
            fit: 6
        }
    );
    let c = compare(&p).expect("valid");
    assert_eq!(c.greedy.assignment, vec![Some(0), None]);
    assert_eq!(c.greedy.unmatched, vec![(1, Unmatched::CapacityTaken)]);
    assert_eq!(c.greedy_shortfall.priority_households, 1);
    assert_eq!(c.greedy_shortfall.fit, 6 - 10);
}

#[test]
fn priority_beats_poverty_beats_fit() {
    // One seat; a priority household with fit 1, a poor person with fit
    // 1000, and a third seeker with fit 5000.
    let p = Problem {
        seekers: vec![
            seeker(false, false),
            seeker(false, true),
            seeker(true, false),
        ],
        postings: postings(&[1]),
        edges: vec![edge(0, 0, 5000), edge(1, 0, 1000), edge(2, 0, 1)],
    };
    let s = solve_checked(&p);
    assert_eq!(s.assignment, vec![None, None, Some(0)]);
    // Without the priority household, the poor person wins over fit.
    let p2 = Problem {
        seekers: p.seekers[..2].to_vec(),
        postings: p.postings.clone(),
        edges: p.edges[..2].to_vec(),
    };
    assert_eq!(solve_checked(&p2).assignment, vec![None, Some(0)]);
}

#[test]
fn fit_decides_among_equals_and_many_poor_beat_one_priority() {
    // Seeker 0 (priority, not poor) competes with two poor seekers: the
    // priority household comes first even though two poor could be placed.
    let p = Problem {
        seekers: vec![
            seeker(true, false),
            seeker(false, true),
            seeker(false, true),
        ],
        postings: postings(&[1, 1]),
        edges: vec![
            edge(0, 0, 1),
            edge(0, 1, 1),
            edge(1, 0, 9),
            edge(2, 0, 8),
            edge(2, 1, 3),
        ],
    };
    let s = solve_checked(&p);
    assert_eq!(s.objective.priority_households, 1);
    assert_eq!(s.objective.poor_placed, 1);
    // Seeker 0 must take posting 1 so that seeker 1 gets posting 0 (fit 9).
    assert_eq!(s.assignment, vec![Some(1), Some(0), None]);
}

#[test]
fn ties_are_broken_deterministically_and_independently_of_edge_order() {
    let p = Problem {
        seekers: vec![seeker(true, true); 4],
        postings: postings(&[1, 1]),
        edges: vec![
            edge(0, 0, 3),
            edge(1, 0, 3),
            edge(2, 1, 3),
            edge(3, 1, 3),
            edge(3, 0, 3),
        ],
    };
    let s = solve_checked(&p);
    assert_eq!(s.objective.priority_households, 2);
    let mut reversed = p.clone();
    reversed.edges.reverse();
    assert_eq!(solve(&reversed).expect("valid"), s);
}

#[test]
fn capacity_above_one() {
    let p = Problem {
        seekers: vec![
            seeker(true, true),
            seeker(false, true),
            seeker(true, false),
            seeker(false, false),
            seeker(true, true),
        ],
        postings: postings(&[3, 1]),
        edges: vec![
            edge(0, 0, 2),
            edge(1, 0, 7),
            edge(2, 0, 1),
            edge(2, 1, 4),
            edge(3, 0, 9),
            edge(3, 1, 9),
            edge(4, 0, 0),
        ],
    };
    let s = solve_checked(&p);
    assert_eq!(s.objective.priority_households, 3);
    assert_eq!(s.unmatched.len(), 1);
}

#[test]
fn reasons_for_seekers_without_postings() {
    let limited = Seeker {
        limits: ReachLimits::WAGE | ReachLimits::DISTANCE,
        ..seeker(true, true)
    };
    let p = Problem {
        seekers: vec![
            seeker(true, true),
            limited,
            seeker(false, false),
            seeker(false, true),
        ],
        postings: postings(&[1, 0]),
        edges: vec![edge(0, 0, 1), edge(3, 0, 5), edge(3, 1, 5)],
    };
    let s = solve_checked(&p);
    assert_eq!(
        s.unmatched,
        vec![
            (
                1,
                Unmatched::NotInReach(ReachLimits::WAGE | ReachLimits::DISTANCE)
            ),
            (2, Unmatched::NoEligiblePosting),
            (3, Unmatched::CapacityTaken),
        ]
    );
    assert_eq!(s.unmatched[0].1.to_string(), "not_in_reach:wage+distance");
    assert_eq!(s.unmatched[1].1.code(), "no_eligible_posting");
    assert_eq!(s.unmatched[2].1.code(), "capacity_taken");
}

#[test]
fn zero_weight_pairs_still_fill_free_seats() {
    // A seeker of neither priority on a fit-0 edge adds nothing to the
    // objective; it is placed anyway rather than reported as unmatched.
    let p = Problem {
        seekers: vec![seeker(false, false)],
        postings: postings(&[1]),
        edges: vec![edge(0, 0, 0)],
    };
    let s = solve_checked(&p);
    assert_eq!(s.assignment, vec![Some(0)]);
    assert!(s.unmatched.is_empty());
}

#[test]
fn invalid_input_is_rejected() {
    let base = Problem {
        seekers: vec![seeker(true, true); 2],
        postings: postings(&[1]),
        edges: vec![edge(0, 0, 1)],
    };
    let with = |e: Vec<Edge>| Problem {
        edges: e,
        ..base.clone()
    };
    assert_eq!(
        solve(&with(vec![edge(2, 0, 1)])),
        Err(MatchError::SeekerOutOfRange {
            index: 0,
            seeker: 2,
            seekers: 2
        })
    );
    assert_eq!(
        greedy(&with(vec![edge(0, 0, 1), edge(1, 1, 1)])),
        Err(MatchError::PostingOutOfRange {
            index: 1,
            posting: 1,
            postings: 1
        })
    );
    assert_eq!(
        solve(&with(vec![edge(0, 0, -1)])),
        Err(MatchError::NegativeFit { index: 0, fit: -1 })
    );
    assert_eq!(
        solve(&with(vec![edge(1, 0, 1), edge(0, 0, 1), edge(1, 0, 2)])),
        Err(MatchError::DuplicateEdge {
            first: 0,
            second: 2,
            seeker: 1,
            posting: 0
        })
    );
    let huge = with(vec![edge(0, 0, i32::MAX)]);
    solve_checked(&huge);
}

#[test]
fn check_rejects_infeasible_solutions() {
    let p = Problem {
        seekers: vec![seeker(true, true); 2],
        postings: postings(&[1, 1]),
        edges: vec![edge(0, 0, 1), edge(1, 0, 1)],
    };
    let good = solve(&p).expect("valid");
    let mut over = good.clone();
    over.assignment = vec![Some(0), Some(0)];
    over.unmatched.clear();
    assert!(check(&p, &over).is_err());
    let mut ineligible = good.clone();
    ineligible.assignment = vec![Some(0), Some(1)];
    ineligible.unmatched.clear();
    assert!(check(&p, &ineligible).is_err());
    let mut wrong_objective = good.clone();
    wrong_objective.objective.fit += 1;
    assert!(check(&p, &wrong_objective).is_err());
    let mut short = good;
    short.assignment.pop();
    assert!(check(&p, &short).is_err());
}

/// A deterministic pseudo-random medium instance, too large for brute force,
/// against an independent augmenting-path oracle.
#[test]
fn medium_instances_match_augmenting_paths() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    for round in 0..4 {
        let (n_s, n_p) = (120 + 20 * round, 30);
        let seekers = (0..n_s)
            .map(|_| seeker(next(2) == 0, next(3) != 0))
            .collect();
        let postings = (0..n_p)
            .map(|_| Posting {
                positions: next(4) as u32,
            })
            .collect();
        let mut edges = Vec::new();
        for s in 0..n_s {
            let mut ps: Vec<u32> = (0..next(6)).map(|_| next(n_p as u64) as u32).collect();
            ps.sort_unstable();
            ps.dedup();
            for q in ps {
                edges.push(edge(s as u32, q, next(4) as i32 * 10));
            }
        }
        let p = Problem {
            seekers,
            postings,
            edges,
        };
        let s = solve(&p).expect("valid");
        check(&p, &s).expect("feasible");
        assert_eq!(s.objective, augmenting_paths_optimum(&p), "round {round}");
        assert_reasons(&p, &s);
        let g = greedy(&p).expect("valid");
        assert!(g.objective <= s.objective);
    }
}
