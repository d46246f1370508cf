//! Brute force for small instances: enumerates every feasible assignment.

#![allow(dead_code)] // each test binary uses a part

use xiezuo_matching::{Objective, Problem};

/// The lexicographically best objective over every feasible assignment.
pub fn brute_force(p: &Problem) -> Objective {
    let mut choices: Vec<Vec<(u32, i32)>> = vec![Vec::new(); p.seekers.len()];
    for e in &p.edges {
        choices[e.seeker as usize].push((e.posting, e.fit));
    }
    let mut left: Vec<u32> = p.postings.iter().map(|q| q.positions).collect();
    let mut best = Objective::default();
    recurse(p, &choices, 0, &mut left, Objective::default(), &mut best);
    best
}

fn recurse(
    p: &Problem,
    choices: &[Vec<(u32, i32)>],
    s: usize,
    left: &mut [u32],
    current: Objective,
    best: &mut Objective,
) {
    if s == choices.len() {
        *best = (*best).max(current);
        return;
    }
    recurse(p, choices, s + 1, left, current, best);
    let seeker = p.seekers[s];
    for &(q, fit) in &choices[s] {
        if left[q as usize] == 0 {
            continue;
        }
        left[q as usize] -= 1;
        let next = Objective {
            priority_households: current.priority_households + u64::from(seeker.no_one_employed),
            poor_placed: current.poor_placed + u64::from(seeker.registered_poor),
            fit: current.fit + i64::from(fit),
        };
        recurse(p, choices, s + 1, left, next, best);
        left[q as usize] += 1;
    }
}

/// An independent exact oracle for instances too large to enumerate:
/// successive longest augmenting paths (Bellman–Ford) with lexicographic
/// tuple gains, stopping when no path gains. Slow; for a few hundred nodes.
pub fn augmenting_paths_optimum(p: &Problem) -> Objective {
    type Gain = (i64, i64, i64);
    let add = |a: Gain, b: Gain| (a.0 + b.0, a.1 + b.1, a.2 + b.2);
    let neg = |a: Gain| (-a.0, -a.1, -a.2);
    let n_s = p.seekers.len();
    let n_p = p.postings.len();
    let (source, sink) = (n_s + n_p, n_s + n_p + 1);
    let nodes = n_s + n_p + 2;
    // Arcs: (to, cap, gain); arc i ^ 1 is its reverse.
    let mut to = Vec::new();
    let mut cap = Vec::new();
    let mut gain: Vec<Gain> = Vec::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let mut add_arc = |from: usize, t: usize, c: i64, g: Gain| {
        out[from].push(to.len());
        to.push(t);
        cap.push(c);
        gain.push(g);
        out[t].push(to.len());
        to.push(from);
        cap.push(0);
        gain.push(neg(g));
    };
    for s in 0..n_s {
        add_arc(source, s, 1, (0, 0, 0));
    }
    for e in &p.edges {
        let seeker = p.seekers[e.seeker as usize];
        let g = (
            i64::from(seeker.no_one_employed),
            i64::from(seeker.registered_poor),
            i64::from(e.fit),
        );
        add_arc(e.seeker as usize, n_s + e.posting as usize, 1, g);
    }
    for (q, posting) in p.postings.iter().enumerate() {
        add_arc(n_s + q, sink, i64::from(posting.positions), (0, 0, 0));
    }
    let mut total: Gain = (0, 0, 0);
    loop {
        let mut dist: Vec<Option<Gain>> = vec![None; nodes];
        let mut via = vec![usize::MAX; nodes];
        dist[source] = Some((0, 0, 0));
        for _ in 0..nodes {
            let mut changed = false;
            for v in 0..nodes {
                let Some(dv) = dist[v] else { continue };
                for &a in &out[v] {
                    if cap[a] == 0 {
                        continue;
                    }
                    let cand = add(dv, gain[a]);
                    if dist[to[a]].is_none_or(|d| cand > d) {
                        dist[to[a]] = Some(cand);
                        via[to[a]] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        match dist[sink] {
            Some(g) if g > (0, 0, 0) => {
                total = add(total, g);
                let mut v = sink;
                while v != source {
                    let a = via[v];
                    cap[a] -= 1;
                    cap[a ^ 1] += 1;
                    v = to[a ^ 1];
                }
            }
            _ => break,
        }
    }
    Objective {
        priority_households: u64::try_from(total.0).expect("non-negative"),
        poor_placed: u64::try_from(total.1).expect("non-negative"),
        fit: total.2,
    }
}

/// Asserts the documented meaning of every unmatched reason: a seeker
/// without edges gets `NoEligiblePosting` or `NotInReach(its limits)`; one
/// with edges gets `CapacityTaken`, every eligible posting is full, and each
/// occupant has equal or higher priority.
pub fn assert_reasons(p: &Problem, s: &xiezuo_matching::Solution) {
    use xiezuo_matching::Unmatched;
    let class = |i: usize| (p.seekers[i].no_one_employed, p.seekers[i].registered_poor);
    let mut used = vec![0u32; p.postings.len()];
    for q in s.assignment.iter().flatten() {
        used[*q as usize] += 1;
    }
    for &(i, reason) in &s.unmatched {
        let i = i as usize;
        let eligible: Vec<u32> = p
            .edges
            .iter()
            .filter(|e| e.seeker as usize == i)
            .map(|e| e.posting)
            .collect();
        if eligible.is_empty() {
            let limits = p.seekers[i].limits;
            let want = if limits.is_empty() {
                Unmatched::NoEligiblePosting
            } else {
                Unmatched::NotInReach(limits)
            };
            assert_eq!(reason, want, "seeker {i}");
        } else {
            assert_eq!(reason, Unmatched::CapacityTaken, "seeker {i}");
            for q in eligible {
                assert_eq!(
                    used[q as usize], p.postings[q as usize].positions,
                    "posting {q} not full"
                );
                for (j, slot) in s.assignment.iter().enumerate() {
                    if *slot == Some(q) {
                        assert!(class(j) >= class(i), "seeker {j} below {i} holds {q}");
                    }
                }
            }
        }
    }
}
