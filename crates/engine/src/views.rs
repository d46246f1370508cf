//! Views that the command line and the platform both show, built once here
//! and only rendered by each interface: the ranking of a year (考核排名)
//! and a labour station's day (劳务工作站).

use crate::assess::Assessment;
use crate::labour::{LabourData, MatchRun, Proposal, Unmatched, follow_ups, retention};
use chrono::NaiveDate;
use std::collections::HashSet;
use xiezuo_domain::Placement;

/// One side of one pairing in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingRow<'a> {
    pub pairing_id: &'a str,
    /// `east` (the helper) or `west` (the helped).
    pub side: &'a str,
    /// (component, points rounded to 2 decimals), in the method's order.
    pub components: Vec<(&'a str, f64)>,
    pub total: f64,
    pub grade: &'a str,
}

impl RankingRow<'_> {
    /// The points of a component (a column of the ranking), if scored.
    pub fn points(&self, column: &str) -> Option<f64> {
        self.components
            .iter()
            .find(|(n, _)| *n == column)
            .map(|(_, v)| *v)
    }
}

/// The ranking of an assessment: every pairing's sides, best first.
#[derive(Debug, Clone)]
pub struct Ranking<'a> {
    pub method_id: &'a str,
    pub year: i32,
    /// The component columns, in the method's order.
    pub columns: &'a [String],
    /// The sides scored, in the method's order.
    pub sides: Vec<&'a str>,
    /// Pairings assessed (before the filter).
    pub assessed: usize,
    /// Every side of every pairing kept by the filter, by total (highest
    /// first), then pairing id, then side in the method's order.
    pub rows: Vec<RankingRow<'a>>,
}

/// Rounds points for display: half away from zero, 2 decimals.
fn points(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl<'a> Ranking<'a> {
    /// The ranking of the pairings `keep` admits (a caller's scope).
    pub fn of(a: &'a Assessment, keep: impl Fn(&str) -> bool) -> Ranking<'a> {
        let mut rows: Vec<RankingRow<'a>> = a
            .pairings
            .iter()
            .filter(|p| keep(&p.pairing_id))
            .flat_map(|p| {
                p.scores.iter().map(|s| RankingRow {
                    pairing_id: &p.pairing_id,
                    side: &s.side,
                    components: s
                        .components
                        .iter()
                        .map(|(n, v)| (n.as_str(), points(*v)))
                        .collect(),
                    total: s.total,
                    grade: &s.grade,
                })
            })
            .collect();
        // Pairings come sorted by id and sides in the method's order: a
        // stable sort by total keeps both for equal totals.
        rows.sort_by(|x, y| y.total.total_cmp(&x.total));
        Ranking {
            method_id: &a.method_id,
            year: a.year,
            columns: &a.columns,
            sides: a
                .pairings
                .first()
                .map(|p| p.scores.iter().map(|s| s.side.as_str()).collect())
                .unwrap_or_default(),
            assessed: a.pairings.len(),
            rows,
        }
    }

    /// The rows of one side, best first.
    pub fn side(&self, side: &str) -> Vec<&RankingRow<'a>> {
        self.rows.iter().filter(|r| r.side == side).collect()
    }

    /// How many pairings of one side got each grade, in the order grades
    /// first appear from the top.
    pub fn grade_counts(&self, side: &str) -> Vec<(&'a str, usize)> {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for r in self.rows.iter().filter(|r| r.side == side) {
            match counts.iter_mut().find(|(g, _)| *g == r.grade) {
                Some(e) => e.1 += 1,
                None => counts.push((r.grade, 1)),
            }
        }
        counts
    }
}

/// Retention at a number of months: placements that started long enough
/// ago, and of those the ones still held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub months: u32,
    pub started: usize,
    pub kept: usize,
}

/// A labour station's day: its seekers, the open postings, the proposals
/// of the optimal matching, the unmatched with their reasons, and how the
/// placements made from matches held.
#[derive(Debug)]
pub struct StationView<'d> {
    pub date: NaiveDate,
    /// The day the view opens on when none is asked for.
    pub default_date: Option<NaiveDate>,
    /// The station shown, or every station.
    pub station: Option<&'d str>,
    /// Every station with seekers.
    pub stations: Vec<&'d str>,
    /// Seekers registered at the station.
    pub seekers: usize,
    /// Of them, those with a placement active on the date.
    pub employed: usize,
    /// Postings with open positions, and the positions (all stations).
    pub open_postings: usize,
    pub open_positions: u64,
    pub proposals: Vec<&'d Proposal>,
    pub unmatched: Vec<(usize, &'d Unmatched)>,
    /// Placements made from matches (with a posting) of the station's seekers.
    pub confirmed: usize,
    /// Retention at 3 and 6 months.
    pub retention: [Retention; 2],
    /// Placements that ended before 90 days: the person is back in the pool.
    pub follow_ups: Vec<&'d Placement>,
}

impl<'d> StationView<'d> {
    /// The view of `station` (or of all) for the matching run `r` of `d`.
    pub fn of(d: &'d LabourData, r: &'d MatchRun, station: Option<&'d str>) -> StationView<'d> {
        let mine = |si: usize| station.is_none_or(|x| d.seekers[si].seeker.station.as_str() == x);
        let mut stations: Vec<&str> = d
            .seekers
            .iter()
            .map(|s| s.seeker.station.as_str())
            .collect();
        stations.sort_unstable();
        stations.dedup();
        let persons: HashSet<&str> = (0..d.seekers.len())
            .filter(|&i| mine(i))
            .map(|i| d.seekers[i].seeker.person_id.as_str())
            .collect();
        let of_station = |person: &str| station.is_none() || persons.contains(person);
        let confirmed = d
            .placements
            .iter()
            .filter(|(p, _)| p.posting_id.is_some() && of_station(p.person_id.as_str()))
            .count();
        let retention = [3, 6].map(|months| {
            let (started, kept) = retention(d, r.date, months, station);
            Retention {
                months,
                started,
                kept,
            }
        });
        StationView {
            date: r.date,
            default_date: d.default_date(),
            station,
            stations,
            seekers: persons.len(),
            employed: r
                .unmatched
                .iter()
                .filter(|(i, u)| mine(*i) && matches!(u, Unmatched::AlreadyEmployed))
                .count(),
            open_postings: r.open_positions.iter().filter(|&&n| n > 0).count(),
            open_positions: r.open_positions.iter().map(|&n| u64::from(n)).sum(),
            proposals: r.proposals.iter().filter(|p| mine(p.seeker)).collect(),
            unmatched: r
                .unmatched
                .iter()
                .filter(|(si, _)| mine(*si))
                .map(|(si, u)| (*si, u))
                .collect(),
            confirmed,
            retention,
            follow_ups: follow_ups(d, r.date)
                .into_iter()
                .filter(|p| of_station(p.person_id.as_str()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::Assessed;
    use crate::assess::compute::PairingResult;
    use crate::assess::method::SideScore;

    fn assessed(id: &str, east: f64, west: f64) -> Assessed {
        let side = |side: &str, total: f64| SideScore {
            side: side.into(),
            components: vec![("funds".into(), total / 3.0)],
            total,
            grade: if total >= 90.0 { "好" } else { "较好" }.into(),
        };
        Assessed {
            pairing_id: id.into(),
            level: "county",
            result: PairingResult {
                pairing: 0,
                values: Vec::new(),
                findings: Vec::new(),
            },
            scores: vec![side("east", east), side("west", west)],
        }
    }

    #[test]
    fn a_ranking_is_best_first_with_ties_by_pairing_id() {
        let a = Assessment {
            year: 2020,
            method_id: "xz-v1".into(),
            columns: vec!["funds".into()],
            pairings: vec![
                assessed("A", 80.0, 95.0),
                assessed("B", 92.5, 70.0),
                assessed("C", 80.0, 95.0),
            ],
        };
        let r = Ranking::of(&a, |_| true);
        assert_eq!(r.sides, ["east", "west"]);
        let east: Vec<&str> = r.side("east").iter().map(|x| x.pairing_id).collect();
        assert_eq!(east, ["B", "A", "C"]);
        let west: Vec<&str> = r.side("west").iter().map(|x| x.pairing_id).collect();
        assert_eq!(west, ["A", "C", "B"]);
        assert_eq!(r.grade_counts("east"), [("好", 1), ("较好", 2)]);
        assert_eq!((r.rows[0].pairing_id, r.rows[0].side), ("A", "west"));
        assert_eq!(r.rows[0].points("funds"), Some(31.67));
        assert_eq!(r.rows[0].points("talent"), None);
        // A caller's scope narrows the rows, not the count assessed.
        let mine = Ranking::of(&a, |id| id != "B");
        assert_eq!((mine.rows.len(), mine.assessed), (4, 3));
    }
}
