//! The schedule of a round (考核时间节点): each step's deadline from the
//! method file, and whether the round is late with it on a given day.

use crate::assess::method::Method;
use crate::round::{Round, RoundState};
use chrono::NaiveDate;

/// One step's deadline in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDue {
    pub step: RoundState,
    pub due: NaiveDate,
    /// The round has moved past the step.
    pub done: bool,
    /// Not done, and `today` is past the due date (逾期).
    pub overdue: bool,
}

/// The date in China time (UTC+8) of an RFC 3339 instant, as deadlines
/// are kept; the epoch's date when the text is not an instant.
pub fn china_date(rfc3339: &str) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| (t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8)).date_naive())
        .unwrap_or_default()
}

/// The deadlines of a round under its method, as of `today`.
pub fn schedule(round: &Round, method: &Method, today: NaiveDate) -> Vec<StepDue> {
    method
        .deadlines
        .iter()
        .filter_map(|d| {
            let step = RoundState::parse(&d.step)?;
            let due = d.due(round.year)?;
            let done = round.state > step;
            Some(StepDue {
                step,
                due,
                done,
                overdue: !done && today > due,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_method_dates_each_step_and_marks_the_late_ones() {
        let m = Method::default_v1();
        let r = Round {
            year: 2020,
            method_id: m.id.clone(),
            state: RoundState::SelfEvaluation,
            frozen: None,
            events: vec![],
            samples: vec![],
        };
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let s = schedule(&r, &m, day("2021-01-02"));
        let of = |step: RoundState| s.iter().find(|d| d.step == step).unwrap().clone();
        assert_eq!(of(RoundState::SelfEvaluation).due, day("2020-12-31"));
        assert!(of(RoundState::SelfEvaluation).overdue);
        assert!(of(RoundState::Open).done && !of(RoundState::Open).overdue);
        assert_eq!(of(RoundState::CrossCheck).due, day("2021-01-31"));
        assert!(!of(RoundState::CrossCheck).overdue);
        assert_eq!(of(RoundState::Review).due, day("2021-02-28"));
    }

    #[test]
    fn a_bad_deadline_is_an_error_naming_it() {
        let bad =
            crate::assess::method::XZ_V1.replace("review = \"+1-02-28\"", "review = \"+1-02-30\"");
        let e = Method::parse(&bad, "m.toml").unwrap_err().to_string();
        assert!(e.contains("review = \"+1-02-30\""), "{e}");
        let bad = crate::assess::method::XZ_V1.replace("open = \"12-15\"", "opening = \"12-15\"");
        let e = Method::parse(&bad, "m.toml").unwrap_err().to_string();
        assert!(e.contains("unknown step \"opening\""), "{e}");
    }
}
