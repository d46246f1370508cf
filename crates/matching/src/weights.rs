//! The exact integer encoding of the lexicographic objective.
//!
//! Seeker `s` placed at posting `p` is worth
//! `w(s, p) = a_s·W1 + b_s·W2 + fit(s, p)`, where `a_s` (no one employed)
//! and `b_s` (registered poor) are 0 or 1, and
//!
//! - `F  = Σ_s max_p fit(s, p)` bounds the total fit of any assignment,
//! - `W2 = F + 1`,
//! - `W1 = B·W2 + F + 1`, with `B` the number of registered poor seekers that
//!   have at least one edge (a bound on component 2 of any assignment).
//!
//! The total weight of an assignment with objective `(a, b, c)` is
//! `a·W1 + b·W2 + c` with `0 <= c <= F < W2` and `0 <= b·W2 + c <= B·W2 + F
//! < W1`: a mixed-radix number whose digits are the components. So total
//! weight order equals lexicographic order, and a maximum-weight assignment
//! is lexicographically optimal. This is exact (no floating point, no
//! epsilon); every product and sum is checked, and the solver refuses inputs
//! whose weights would not fit (`MatchError::TooLarge`), which needs fits and
//! sizes far beyond real data (with fits up to 10⁶ and 10⁶ seekers, `W1` is
//! about 10¹⁸ and the largest weight below `i64::MAX`).

use crate::MatchError;
use crate::instance::Instance;

pub(crate) struct Weights {
    /// `base[2·a + b] = a·W1 + b·W2`.
    base: [i64; 4],
    /// The largest weight of any edge.
    pub max_weight: i64,
}

impl Weights {
    pub fn new(instance: &Instance<'_>) -> Result<Self, MatchError> {
        let overflow = MatchError::TooLarge("objective weights overflow i64");
        let mut total_fit: i64 = 0;
        let mut max_fit: i64 = 0;
        let mut poor_reachable: i64 = 0;
        for (s, seeker) in instance.problem.seekers.iter().enumerate() {
            let best = instance.edges_of(s).map(|(_, f)| i64::from(f)).max();
            if let Some(best) = best {
                total_fit = total_fit.checked_add(best).ok_or(overflow.clone())?;
                max_fit = max_fit.max(best);
                poor_reachable += i64::from(seeker.registered_poor);
            }
        }
        let w2 = total_fit.checked_add(1).ok_or(overflow.clone())?;
        let w1 = poor_reachable
            .checked_mul(w2)
            .and_then(|x| x.checked_add(total_fit))
            .and_then(|x| x.checked_add(1))
            .ok_or(overflow.clone())?;
        let max_weight = w1
            .checked_add(w2)
            .and_then(|x| x.checked_add(max_fit))
            .ok_or(overflow)?;
        Ok(Self {
            base: [0, w2, w1, w1 + w2],
            max_weight,
        })
    }

    /// The weight of placing `seeker` on an edge of fit `fit`.
    pub fn weight(&self, seeker: &crate::Seeker, fit: i32) -> i64 {
        let class = 2 * usize::from(seeker.no_one_employed) + usize::from(seeker.registered_poor);
        // Cannot overflow: bounded by `max_weight`, checked in `new`.
        self.base[class] + i64::from(fit)
    }
}
