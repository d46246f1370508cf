//! Labour cooperation (劳务协作): assign job seekers (registered poor
//! persons) to the job postings of eastern employers.
//!
//! "One person employed, the whole family out of poverty" (一人就业，全家脱贫):
//! the assignment maximises, **lexicographically**,
//!
//! 1. the number of placed seekers whose household has no one employed yet,
//! 2. the number of placed registered poor persons,
//! 3. the total fit of the placed pairs,
//!
//! subject to the capacity (`positions`) of every posting, at most one
//! posting per seeker, and only eligible (seeker, posting) pairs.
//!
//! [`solve`] is optimal and deterministic: it encodes the three components
//! exactly into one integer weight per pair (module `weights`) and solves the
//! resulting maximum-weight transportation problem with cost-scaling
//! push-relabel (module `flow`). [`greedy`] is the baseline that a
//! cooperation office would do by hand; [`compare`] runs both. [`check`]
//! verifies any solution's feasibility and its reported objective.
//!
//! Every seeker left unplaced gets an [`Unmatched`] reason.

mod flow;
mod greedy;
mod instance;
mod weights;

use std::fmt;

pub use greedy::greedy;
use instance::Instance;

/// A job seeker (a registered poor person looking for work).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Seeker {
    /// No one in the seeker's household is employed yet: placing this seeker
    /// lifts a whole household (objective component 1).
    pub no_one_employed: bool,
    /// The seeker is a registered poor person (objective component 2).
    pub registered_poor: bool,
    /// Why the caller's eligibility filter left postings out of this seeker's
    /// reach (wage, distance, skills). Only used to explain a seeker without
    /// any eligible posting; empty when the caller does not say.
    pub limits: ReachLimits,
}

/// A job posting of an eastern employer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Posting {
    /// How many seekers the posting can take.
    pub positions: u32,
}

/// An eligible (seeker, posting) pair with its fit score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    /// Index into [`Problem::seekers`].
    pub seeker: u32,
    /// Index into [`Problem::postings`].
    pub posting: u32,
    /// How well the pair fits (wage above the seeker's minimum, distance,
    /// skills, …); must be `>= 0`.
    pub fit: i32,
}

/// A matching problem: seekers, postings and the sparse eligible pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problem {
    pub seekers: Vec<Seeker>,
    pub postings: Vec<Posting>,
    pub edges: Vec<Edge>,
}

/// The three objective components. `Ord` is lexicographic in field order,
/// which is the order of priority.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Objective {
    /// Placed seekers whose household had no one employed.
    pub priority_households: u64,
    /// Placed registered poor persons.
    pub poor_placed: u64,
    /// Total fit of the placed pairs.
    pub fit: i64,
}

impl Objective {
    /// How far `self` falls short of `better`, component by component
    /// (`better - self`; a lower component may be negative when a higher one
    /// is positive).
    #[must_use]
    pub fn shortfall_to(&self, better: &Objective) -> Gap {
        // Counts are bounded by the number of seekers (u32), so they fit i64.
        let diff = |a: u64, b: u64| {
            i64::try_from(a).unwrap_or(i64::MAX) - i64::try_from(b).unwrap_or(i64::MAX)
        };
        Gap {
            priority_households: diff(better.priority_households, self.priority_households),
            poor_placed: diff(better.poor_placed, self.poor_placed),
            fit: better.fit - self.fit,
        }
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}, {}, {})",
            self.priority_households, self.poor_placed, self.fit
        )
    }
}

/// Component-wise difference of two objectives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gap {
    pub priority_households: i64,
    pub poor_placed: i64,
    pub fit: i64,
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}, {}, {})",
            self.priority_households, self.poor_placed, self.fit
        )
    }
}

/// Reasons, given by the caller's eligibility filter, why postings are out of
/// a seeker's reach. A small bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReachLimits(u8);

impl ReachLimits {
    /// No reason given.
    pub const NONE: Self = Self(0);
    /// Wages offered are below the seeker's minimum.
    pub const WAGE: Self = Self(1);
    /// Postings are too far away.
    pub const DISTANCE: Self = Self(2);
    /// The seeker lacks the required skills.
    pub const SKILLS: Self = Self(4);
    /// Any other reason of the caller's filter.
    pub const OTHER: Self = Self(8);

    const NAMES: [(Self, &'static str); 4] = [
        (Self::WAGE, "wage"),
        (Self::DISTANCE, "distance"),
        (Self::SKILLS, "skills"),
        (Self::OTHER, "other"),
    ];

    /// Both sets of reasons.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether every reason of `other` is in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no reason is given.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the reasons, in a fixed order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .filter(move |(flag, _)| self.contains(*flag))
            .map(|(_, name)| name)
    }
}

impl std::ops::BitOr for ReachLimits {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.union(rhs)
    }
}

impl fmt::Display for ReachLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        f.write_str(&names.join("+"))
    }
}

/// Why a seeker was left unplaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unmatched {
    /// The seeker has no eligible posting at all, and the caller gave no
    /// reason (`no_eligible_posting`).
    NoEligiblePosting,
    /// The seeker has no eligible posting; the caller's filter says why
    /// (`not_in_reach`: wage, distance, skills, …).
    NotInReach(ReachLimits),
    /// Every eligible posting is filled, each by seekers of equal or higher
    /// priority (`capacity_taken`). For [`solve`] this is guaranteed by
    /// optimality (a lower-priority occupant could be swapped out) plus a
    /// final pass that fills any free eligible seat.
    CapacityTaken,
}

impl Unmatched {
    /// The stable reason code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::NoEligiblePosting => "no_eligible_posting",
            Self::NotInReach(_) => "not_in_reach",
            Self::CapacityTaken => "capacity_taken",
        }
    }
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotInReach(limits) if !limits.is_empty() => write!(f, "not_in_reach:{limits}"),
            other => f.write_str(other.code()),
        }
    }
}

/// An assignment with its objective and the reasons for unplaced seekers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// Per seeker: the posting it is placed at, if any.
    pub assignment: Vec<Option<u32>>,
    /// The objective of `assignment`.
    pub objective: Objective,
    /// Every unplaced seeker, in increasing index order, with its reason.
    pub unmatched: Vec<(u32, Unmatched)>,
}

/// The optimal solution next to the greedy baseline on the same input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub optimal: Solution,
    pub greedy: Solution,
    /// `optimal - greedy`, component by component.
    pub greedy_shortfall: Gap,
}

/// Invalid input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    #[error("edge {index}: seeker {seeker} is out of range (there are {seekers} seekers)")]
    SeekerOutOfRange {
        index: usize,
        seeker: u32,
        seekers: usize,
    },
    #[error("edge {index}: posting {posting} is out of range (there are {postings} postings)")]
    PostingOutOfRange {
        index: usize,
        posting: u32,
        postings: usize,
    },
    #[error("edge {index}: fit {fit} is negative")]
    NegativeFit { index: usize, fit: i32 },
    #[error("edges {first} and {second} both join seeker {seeker} and posting {posting}")]
    DuplicateEdge {
        first: usize,
        second: usize,
        seeker: u32,
        posting: u32,
    },
    #[error("the problem is too large: {0}")]
    TooLarge(&'static str),
    #[error("internal error (a bug): {0}")]
    Internal(&'static str),
}

/// Computes an optimal assignment for the lexicographic objective.
///
/// Deterministic: the result depends only on the seekers, the postings and
/// the *set* of edges (not on the order of `edges`).
///
/// # Errors
/// [`MatchError`] when the input is invalid or too large for the exact
/// integer encoding.
pub fn solve(problem: &Problem) -> Result<Solution, MatchError> {
    let instance = Instance::new(problem)?;
    let weights = weights::Weights::new(&instance)?;
    let mut assignment = flow::max_weight_assignment(&instance, &weights)?;
    fill_free_seats(&instance, &mut assignment);
    Ok(instance.solution(assignment))
}

/// Runs [`solve`] and [`greedy`] on the same input.
///
/// # Errors
/// As [`solve`].
pub fn compare(problem: &Problem) -> Result<Comparison, MatchError> {
    let optimal = solve(problem)?;
    let greedy = greedy(problem)?;
    let greedy_shortfall = greedy.objective.shortfall_to(&optimal.objective);
    Ok(Comparison {
        optimal,
        greedy,
        greedy_shortfall,
    })
}

/// Places unplaced seekers at free eligible seats. An optimal solution can
/// only leave such a seat free for a pair of weight zero (a seeker of neither
/// priority on a fit-0 edge), so this keeps the objective; it makes
/// `capacity_taken` literally true for every unplaced seeker with edges.
fn fill_free_seats(instance: &Instance<'_>, assignment: &mut [Option<u32>]) {
    let mut left: Vec<u64> = instance
        .problem
        .postings
        .iter()
        .map(|p| u64::from(p.positions))
        .collect();
    for posting in assignment.iter().flatten() {
        if let Some(l) = left.get_mut(*posting as usize) {
            *l = l.saturating_sub(1);
        }
    }
    for (seeker, slot) in assignment.iter_mut().enumerate() {
        if slot.is_some() {
            continue;
        }
        for (posting, _) in instance.edges_of(seeker) {
            if let Some(l) = left.get_mut(posting as usize)
                && *l > 0
            {
                *l -= 1;
                *slot = Some(posting);
                break;
            }
        }
    }
}

/// Checks that `solution` is feasible for `problem` and that its objective
/// and unmatched list are consistent: one entry per seeker, every placed pair
/// is an edge, no posting over capacity, the reported objective equals the
/// recomputed one, and the unmatched list names exactly the unplaced seekers
/// in increasing order.
///
/// # Errors
/// A description of the first violation found.
pub fn check(problem: &Problem, solution: &Solution) -> Result<(), String> {
    let instance = Instance::new(problem).map_err(|e| format!("invalid problem: {e}"))?;
    if solution.assignment.len() != problem.seekers.len() {
        return Err(format!(
            "assignment has {} entries for {} seekers",
            solution.assignment.len(),
            problem.seekers.len()
        ));
    }
    let mut used = vec![0u64; problem.postings.len()];
    for (seeker, slot) in solution.assignment.iter().enumerate() {
        let Some(posting) = *slot else { continue };
        if !instance.edges_of(seeker).any(|(p, _)| p == posting) {
            return Err(format!(
                "seeker {seeker} is placed at ineligible posting {posting}"
            ));
        }
        if let Some(u) = used.get_mut(posting as usize) {
            *u += 1;
        }
    }
    for (posting, (u, p)) in used.iter().zip(&problem.postings).enumerate() {
        if *u > u64::from(p.positions) {
            return Err(format!(
                "posting {posting} holds {u} seekers but has {} positions",
                p.positions
            ));
        }
    }
    let objective = instance.objective(&solution.assignment);
    if objective != solution.objective {
        return Err(format!(
            "reported objective {} differs from recomputed {objective}",
            solution.objective
        ));
    }
    let unplaced: Vec<u32> = solution
        .assignment
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    let listed: Vec<u32> = solution.unmatched.iter().map(|(s, _)| *s).collect();
    if unplaced != listed {
        return Err("unmatched list does not name exactly the unplaced seekers in order".into());
    }
    Ok(())
}
