//! Maximum-weight transportation by cost-scaling push-relabel (Goldberg and
//! Tarjan; the `refine` of Goldberg's CS2), on the network
//!
//! ```text
//! seeker s (supply 1) ──cap 1, cost −w(s,p)──► posting p ──cap positions, cost 0──► t (demand S)
//! seeker s ───────────────cap 1, cost 0 ("not placed")───────────────────────────► t
//! ```
//!
//! A minimum-cost flow is a maximum-weight assignment. Costs are scaled by
//! `K = n + 1` (`n` nodes) and ε is divided by `ALPHA` each phase down to 1;
//! a flow that is 1-optimal for the scaled costs is (1/K < 1/n)-optimal for
//! the integer costs, hence optimal (Goldberg & Tarjan 1990, Theorem 3.4).
//!
//! Determinism: nodes and arcs are laid out in a fixed order (seekers by
//! index, each seeker's edges by posting), active nodes are processed FIFO,
//! and relabel ties go to the first arc: the same instance always yields the
//! same flow.
//!
//! Prices are `i128`. A refine lowers a price by at most `n·(ε_prev + ε)`
//! (Goldberg & Tarjan), so over all phases a price stays above
//! `−2n·K·max_weight`; `32·n·K·max_weight` must fit in `i128` so that prices
//! and reduced costs cannot overflow (real data is far below: about 2⁹⁶ for
//! a million seekers).

use std::collections::VecDeque;

use crate::MatchError;
use crate::instance::Instance;
use crate::weights::Weights;

/// The scaling factor of ε between phases. Measured on the synthetic
/// benchmark instances: 3–5 is best (16, the usual default, is 1.6× slower
/// at 100k seekers, 256 is 10× slower at 10k).
const ALPHA: i128 = 4;

struct Network {
    /// `first[v]..first[v + 1]` are node `v`'s residual arcs.
    first: Vec<u32>,
    head: Vec<u32>,
    rev: Vec<u32>,
    /// Residual capacity.
    cap: Vec<u32>,
    /// Unscaled cost.
    cost: Vec<i64>,
}

/// Solves the instance; returns each seeker's posting.
pub(crate) fn max_weight_assignment(
    instance: &Instance<'_>,
    weights: &Weights,
) -> Result<Vec<Option<u32>>, MatchError> {
    let seekers = instance.seekers();
    let postings = instance.postings();
    let nodes = seekers + postings + 1;
    let arcs = 2 * (instance.edges() + seekers + postings);
    if u32::try_from(arcs).is_err() || u32::try_from(nodes).is_err() {
        return Err(MatchError::TooLarge(
            "more than u32::MAX arcs in the flow network",
        ));
    }
    let scale = i128::try_from(nodes + 1).map_err(|_| MatchError::TooLarge("node count"))?;
    let top_eps = i128::from(weights.max_weight.max(1)) * scale;
    let bound = top_eps
        .checked_mul(scale)
        .and_then(|x| x.checked_mul(32))
        .ok_or(MatchError::TooLarge("prices would overflow i128"))?;
    debug_assert!(bound > 0);

    let net = Network::build(instance, weights);
    let mut solver = Solver {
        price: vec![0; nodes],
        excess: vec![0; nodes],
        current: vec![0; nodes],
        queue: VecDeque::new(),
        scale,
        net,
    };
    for s in 0..seekers {
        solver.excess[s] = 1;
    }
    solver.excess[nodes - 1] = -(seekers as i64);

    let mut eps = top_eps;
    loop {
        eps = (eps / ALPHA).max(1);
        solver.refine(eps)?;
        if eps == 1 {
            break;
        }
    }

    let net = &solver.net;
    let mut assignment = vec![None; seekers];
    for (s, slot) in assignment.iter_mut().enumerate() {
        let (lo, hi) = (net.first[s] as usize, net.first[s + 1] as usize);
        // The last arc of a seeker goes to t; the others go to postings.
        for a in lo..hi.saturating_sub(1) {
            if net.cap[a] == 0 {
                *slot = Some(net.head[a] - seekers as u32);
            }
        }
    }
    Ok(assignment)
}

impl Network {
    fn build(instance: &Instance<'_>, weights: &Weights) -> Self {
        let seekers = instance.seekers();
        let postings = instance.postings();
        let nodes = seekers + postings + 1;
        let t = nodes - 1;
        let mut degree = vec![0u32; nodes + 1];
        for s in 0..seekers {
            degree[s] = instance.degree(s) as u32 + 1;
            for (p, _) in instance.edges_of(s) {
                degree[seekers + p as usize] += 1;
            }
        }
        for p in 0..postings {
            degree[seekers + p] += 1;
        }
        degree[t] = (seekers + postings) as u32;
        let mut first = vec![0u32; nodes + 1];
        for v in 0..nodes {
            first[v + 1] = first[v] + degree[v];
        }
        let arcs = first[nodes] as usize;
        let mut net = Self {
            head: vec![0; arcs],
            rev: vec![0; arcs],
            cap: vec![0; arcs],
            cost: vec![0; arcs],
            first,
        };
        let mut next: Vec<u32> = net.first[..nodes].to_vec();
        let mut add = |net: &mut Self, from: usize, to: usize, cap: u32, cost: i64| {
            let a = next[from] as usize;
            next[from] += 1;
            let b = next[to] as usize;
            next[to] += 1;
            net.head[a] = to as u32;
            net.rev[a] = b as u32;
            net.cap[a] = cap;
            net.cost[a] = cost;
            net.head[b] = from as u32;
            net.rev[b] = a as u32;
            net.cap[b] = 0;
            net.cost[b] = -cost;
        };
        for (s, seeker) in instance.problem.seekers.iter().enumerate() {
            for (p, fit) in instance.edges_of(s) {
                add(
                    &mut net,
                    s,
                    seekers + p as usize,
                    1,
                    -weights.weight(seeker, fit),
                );
            }
            add(&mut net, s, t, 1, 0);
        }
        for (p, posting) in instance.problem.postings.iter().enumerate() {
            add(&mut net, seekers + p, t, posting.positions, 0);
        }
        net
    }
}

struct Solver {
    net: Network,
    price: Vec<i128>,
    excess: Vec<i64>,
    current: Vec<u32>,
    queue: VecDeque<u32>,
    scale: i128,
}

impl Solver {
    #[inline]
    fn reduced_cost(&self, v: usize, a: usize) -> i128 {
        let w = self.net.head[a] as usize;
        i128::from(self.net.cost[a]) * self.scale + self.price[v] - self.price[w]
    }

    #[inline]
    fn push(&mut self, v: usize, a: usize, delta: u32) {
        let w = self.net.head[a] as usize;
        let b = self.net.rev[a] as usize;
        self.net.cap[a] -= delta;
        self.net.cap[b] += delta;
        self.excess[v] -= i64::from(delta);
        let before = self.excess[w];
        self.excess[w] += i64::from(delta);
        if before <= 0 && self.excess[w] > 0 {
            self.queue.push_back(w as u32);
        }
    }

    /// Turns the current (ε·ALPHA)-optimal flow into an ε-optimal one.
    fn refine(&mut self, eps: i128) -> Result<(), MatchError> {
        let nodes = self.price.len();
        // Saturate every residual arc that violates ε-optimality; the result
        // is an ε-optimal pseudoflow.
        for v in 0..nodes {
            let (lo, hi) = (self.net.first[v] as usize, self.net.first[v + 1] as usize);
            for a in lo..hi {
                let c = self.net.cap[a];
                if c > 0 && self.reduced_cost(v, a) < -eps {
                    self.push(v, a, c);
                }
            }
        }
        self.queue.clear();
        for v in 0..nodes {
            self.current[v] = self.net.first[v];
            if self.excess[v] > 0 {
                self.queue.push_back(v as u32);
            }
        }
        while let Some(v) = self.queue.pop_front() {
            self.discharge(v as usize, eps)?;
        }
        Ok(())
    }

    /// Pushes all of `v`'s excess along admissible arcs, relabelling `v`
    /// whenever it has none.
    fn discharge(&mut self, v: usize, eps: i128) -> Result<(), MatchError> {
        let hi = self.net.first[v + 1] as usize;
        let mut a = self.current[v] as usize;
        while self.excess[v] > 0 {
            if a == hi {
                a = self.relabel(v, eps)?;
                continue;
            }
            let c = self.net.cap[a];
            if c > 0 && self.reduced_cost(v, a) < 0 {
                let delta = c.min(u32::try_from(self.excess[v]).unwrap_or(u32::MAX));
                self.push(v, a, delta);
                if self.net.cap[a] > 0 {
                    continue;
                }
            }
            a += 1;
        }
        self.current[v] = a as u32;
        Ok(())
    }

    /// Lowers `v`'s price so that its best residual arc gets reduced cost
    /// −ε; returns that arc (the first one on ties).
    fn relabel(&mut self, v: usize, eps: i128) -> Result<usize, MatchError> {
        let (lo, hi) = (self.net.first[v] as usize, self.net.first[v + 1] as usize);
        let mut best: Option<(i128, usize)> = None;
        for a in lo..hi {
            if self.net.cap[a] == 0 {
                continue;
            }
            let w = self.net.head[a] as usize;
            let value = self.price[w] - i128::from(self.net.cost[a]) * self.scale;
            if best.is_none_or(|(b, _)| value > b) {
                best = Some((value, a));
            }
        }
        // A node with excess always has a residual arc (the flow is feasible
        // through the "not placed" arcs), so this cannot fail.
        let (value, arc) =
            best.ok_or(MatchError::Internal("node with excess has no residual arc"))?;
        self.price[v] = value - eps;
        Ok(arc)
    }
}
