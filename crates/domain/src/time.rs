//! Years and date intervals of the assessment.

use chrono::{Datelike, NaiveDate};

/// A calendar year (年度).
pub type Year = i32;

/// First and last day of a year.
pub fn year_bounds(y: Year) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// True when `d` lies in year `y`.
pub fn in_year(d: NaiveDate, y: Year) -> bool {
    d.year() == y
}

/// An interval with inclusive ends; an open end means "still going".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl DateRange {
    /// The part of the interval inside year `y`, if any (inclusive bounds).
    pub fn clip_to_year(&self, y: Year) -> Option<(NaiveDate, NaiveDate)> {
        let (ys, ye) = year_bounds(y);
        let s = self.start.max(ys);
        let e = self.end.map_or(ye, |e| e.min(ye));
        (s <= e).then_some((s, e))
    }

    /// True when the interval overlaps year `y` by at least one day.
    pub fn active_in(&self, y: Year) -> bool {
        self.clip_to_year(y).is_some()
    }
}

/// Number of days covered by the union of inclusive intervals.
pub fn covered_days(intervals: &mut [(NaiveDate, NaiveDate)]) -> i64 {
    intervals.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(NaiveDate, NaiveDate)> = None;
    for &(s, e) in intervals.iter() {
        match cur {
            Some((cs, ce)) if s <= ce.succ_opt().unwrap_or(ce) => {
                cur = Some((cs, ce.max(e)));
            }
            Some((cs, ce)) => {
                total += (ce - cs).num_days() + 1;
                cur = Some((s, e));
            }
            None => cur = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = cur {
        total += (ce - cs).num_days() + 1;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn inclusive_ends() {
        let r = DateRange {
            start: d("2019-01-01"),
            end: Some(d("2019-03-31")),
        };
        let (s, e) = r.clip_to_year(2019).unwrap();
        assert_eq!(covered_days(&mut [(s, e)]), 90);
        let ends_new_year = DateRange {
            start: d("2016-01-01"),
            end: Some(d("2019-01-01")),
        };
        assert!(ends_new_year.active_in(2019));
        assert!(!ends_new_year.active_in(2020));
        let open = DateRange {
            start: d("2018-05-01"),
            end: None,
        };
        assert!(open.active_in(2030));
    }

    #[test]
    fn union_counts_days_once() {
        let mut v = vec![
            (d("2019-01-01"), d("2019-01-31")),
            (d("2019-01-15"), d("2019-02-10")),
            (d("2019-02-11"), d("2019-02-11")),
            (d("2019-03-01"), d("2019-03-01")),
        ];
        assert_eq!(covered_days(&mut v), 31 + 10 + 1 + 1);
    }
}
