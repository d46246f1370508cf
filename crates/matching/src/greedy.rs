//! The greedy baseline: seekers in priority order (no one employed first,
//! then registered poor, then by index) each take their best-fit posting that
//! still has a free position (ties to the lowest posting index).

use crate::instance::Instance;
use crate::{MatchError, Problem, Solution};

/// The greedy baseline assignment.
///
/// # Errors
/// [`MatchError`] when the input is invalid.
pub fn greedy(problem: &Problem) -> Result<Solution, MatchError> {
    let instance = Instance::new(problem)?;
    let mut left: Vec<u32> = problem.postings.iter().map(|p| p.positions).collect();
    let mut order: Vec<usize> = (0..problem.seekers.len()).collect();
    // Stable: equal priority keeps index order.
    order.sort_by_key(|&s| {
        let seeker = &problem.seekers[s];
        std::cmp::Reverse((seeker.no_one_employed, seeker.registered_poor))
    });
    let mut assignment = vec![None; problem.seekers.len()];
    for s in order {
        let mut best: Option<(i32, u32)> = None;
        for (p, fit) in instance.edges_of(s) {
            if left[p as usize] > 0 && best.is_none_or(|(f, _)| fit > f) {
                best = Some((fit, p));
            }
        }
        if let Some((_, p)) = best {
            left[p as usize] -= 1;
            assignment[s] = Some(p);
        }
    }
    Ok(instance.solution(assignment))
}
