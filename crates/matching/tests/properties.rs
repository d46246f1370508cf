//! Property tests on random small instances against brute force.

mod common;

use common::{assert_reasons, brute_force};
use proptest::prelude::*;
use xiezuo_matching::{Edge, Posting, Problem, ReachLimits, Seeker, check, greedy, solve};

const MAX_SEEKERS: usize = 7;
const MAX_POSTINGS: usize = 4;

fn problem() -> impl Strategy<Value = Problem> {
    (
        1..=MAX_SEEKERS,
        1..=MAX_POSTINGS,
        prop::collection::vec((any::<bool>(), any::<bool>(), 0u8..4), MAX_SEEKERS),
        prop::collection::vec(1u32..=3, MAX_POSTINGS),
        // Each (seeker, posting) pair is an edge with probability ~0.4;
        // fits are small so that ties are common.
        prop::collection::vec(
            prop::option::weighted(0.4, 0i32..6),
            MAX_SEEKERS * MAX_POSTINGS,
        ),
        any::<bool>(),
    )
        .prop_map(|(n_s, n_p, seekers, caps, pairs, reverse)| {
            let limits = [
                ReachLimits::NONE,
                ReachLimits::WAGE,
                ReachLimits::DISTANCE | ReachLimits::SKILLS,
                ReachLimits::SKILLS,
            ];
            let mut edges = Vec::new();
            for s in 0..n_s {
                for q in 0..n_p {
                    if let Some(fit) = pairs[s * MAX_POSTINGS + q] {
                        edges.push(Edge {
                            seeker: s as u32,
                            posting: q as u32,
                            fit,
                        });
                    }
                }
            }
            if reverse {
                edges.reverse();
            }
            Problem {
                seekers: seekers[..n_s]
                    .iter()
                    .map(|&(a, b, l)| Seeker {
                        no_one_employed: a,
                        registered_poor: b,
                        limits: limits[l as usize],
                    })
                    .collect(),
                postings: caps[..n_p]
                    .iter()
                    .map(|&positions| Posting { positions })
                    .collect(),
                edges,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn optimal_feasible_deterministic(p in problem()) {
        let s = solve(&p).expect("valid");
        prop_assert_eq!(check(&p, &s), Ok(()));
        prop_assert_eq!(s.objective, brute_force(&p));
        prop_assert_eq!(&solve(&p).expect("valid"), &s);
        // Same edge set in another order: same assignment.
        let mut shuffled = p.clone();
        shuffled.edges.rotate_left(p.edges.len() / 2);
        prop_assert_eq!(&solve(&shuffled).expect("valid"), &s);
        assert_reasons(&p, &s);
    }

    #[test]
    fn greedy_feasible_and_no_better(p in problem()) {
        let g = greedy(&p).expect("valid");
        prop_assert_eq!(check(&p, &g), Ok(()));
        prop_assert!(g.objective <= brute_force(&p));
        assert_reasons(&p, &g);
    }
}
