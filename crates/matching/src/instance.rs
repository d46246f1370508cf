//! A validated problem: edges grouped by seeker (CSR), each seeker's edges in
//! increasing posting order, so that everything downstream depends only on
//! the set of edges and not on their input order.

use crate::{MatchError, Objective, Problem, Solution, Unmatched};

pub(crate) struct Instance<'a> {
    pub problem: &'a Problem,
    /// `offsets[s]..offsets[s + 1]` are seeker `s`'s edges in `posting`/`fit`.
    offsets: Vec<usize>,
    posting: Vec<u32>,
    fit: Vec<i32>,
}

impl<'a> Instance<'a> {
    pub fn new(problem: &'a Problem) -> Result<Self, MatchError> {
        let seekers = problem.seekers.len();
        let postings = problem.postings.len();
        if u32::try_from(seekers).is_err() {
            return Err(MatchError::TooLarge("more than u32::MAX seekers"));
        }
        if u32::try_from(postings).is_err() {
            return Err(MatchError::TooLarge("more than u32::MAX postings"));
        }
        let Ok(_) = u32::try_from(problem.edges.len()) else {
            return Err(MatchError::TooLarge("more than u32::MAX edges"));
        };
        let mut counts = vec![0usize; seekers + 1];
        for (index, e) in problem.edges.iter().enumerate() {
            if e.seeker as usize >= seekers {
                return Err(MatchError::SeekerOutOfRange {
                    index,
                    seeker: e.seeker,
                    seekers,
                });
            }
            if e.posting as usize >= postings {
                return Err(MatchError::PostingOutOfRange {
                    index,
                    posting: e.posting,
                    postings,
                });
            }
            if e.fit < 0 {
                return Err(MatchError::NegativeFit { index, fit: e.fit });
            }
            counts[e.seeker as usize + 1] += 1;
        }
        for s in 0..seekers {
            counts[s + 1] += counts[s];
        }
        let offsets = counts;
        // Bucket the edge indices by seeker (input order), then sort every
        // bucket by posting; the sort is stable so a duplicate pair reports
        // its two input indices in order.
        let mut next = offsets.clone();
        let mut order = vec![0u32; problem.edges.len()];
        for (index, e) in problem.edges.iter().enumerate() {
            let slot = &mut next[e.seeker as usize];
            order[*slot] = index as u32;
            *slot += 1;
        }
        let mut posting = Vec::with_capacity(order.len());
        let mut fit = Vec::with_capacity(order.len());
        for s in 0..seekers {
            let bucket = &mut order[offsets[s]..offsets[s + 1]];
            bucket.sort_by_key(|&i| problem.edges[i as usize].posting);
            for pair in bucket.windows(2) {
                let (a, b) = (
                    &problem.edges[pair[0] as usize],
                    &problem.edges[pair[1] as usize],
                );
                if a.posting == b.posting {
                    return Err(MatchError::DuplicateEdge {
                        first: pair[0] as usize,
                        second: pair[1] as usize,
                        seeker: a.seeker,
                        posting: a.posting,
                    });
                }
            }
            for &i in bucket.iter() {
                let e = &problem.edges[i as usize];
                posting.push(e.posting);
                fit.push(e.fit);
            }
        }
        Ok(Self {
            problem,
            offsets,
            posting,
            fit,
        })
    }

    pub fn seekers(&self) -> usize {
        self.problem.seekers.len()
    }

    pub fn postings(&self) -> usize {
        self.problem.postings.len()
    }

    pub fn edges(&self) -> usize {
        self.posting.len()
    }

    /// Seeker `s`'s edges as (posting, fit), in increasing posting order.
    pub fn edges_of(&self, s: usize) -> impl Iterator<Item = (u32, i32)> + '_ {
        let range = self.offsets.get(s).copied().unwrap_or(0)
            ..self.offsets.get(s + 1).copied().unwrap_or(0);
        self.posting[range.clone()]
            .iter()
            .copied()
            .zip(self.fit[range].iter().copied())
    }

    pub fn degree(&self, s: usize) -> usize {
        self.offsets[s + 1] - self.offsets[s]
    }

    /// The fit of the edge (s, p), if it is one.
    pub fn fit_of(&self, s: usize, p: u32) -> Option<i32> {
        let range = self.offsets[s]..self.offsets[s + 1];
        let postings = &self.posting[range.clone()];
        postings
            .binary_search(&p)
            .ok()
            .map(|i| self.fit[range.start + i])
    }

    /// The objective of an assignment whose pairs are all edges (pairs that
    /// are not count as fit 0; [`crate::check`] rejects them first).
    pub fn objective(&self, assignment: &[Option<u32>]) -> Objective {
        let mut o = Objective::default();
        for (s, slot) in assignment.iter().enumerate() {
            let Some(p) = *slot else { continue };
            let Some(seeker) = self.problem.seekers.get(s) else {
                continue;
            };
            o.priority_households += u64::from(seeker.no_one_employed);
            o.poor_placed += u64::from(seeker.registered_poor);
            o.fit += i64::from(self.fit_of(s, p).unwrap_or(0));
        }
        o
    }

    /// Builds the solution: objective and unmatched reasons. Assumes that an
    /// unplaced seeker with edges has every eligible posting full (true for
    /// both solvers' outputs).
    pub fn solution(&self, assignment: Vec<Option<u32>>) -> Solution {
        let objective = self.objective(&assignment);
        let unmatched = assignment
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.is_none())
            .map(|(s, _)| {
                let reason = if self.degree(s) > 0 {
                    Unmatched::CapacityTaken
                } else {
                    let limits = self.problem.seekers[s].limits;
                    if limits.is_empty() {
                        Unmatched::NoEligiblePosting
                    } else {
                        Unmatched::NotInReach(limits)
                    }
                };
                (s as u32, reason)
            })
            .collect();
        Solution {
            assignment,
            objective,
            unmatched,
        }
    }
}
