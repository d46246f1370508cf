//! Frozen years (数据锁定): once an assessment round is frozen, a change to
//! a record that the frozen year's assessment reads is refused, naming the
//! round; the frozen result stands whatever is imported later.
//!
//! What a year reads of a record is its *view* of it: records dated in the
//! year (ledger rows, meetings, investments, purchases, donations, trainings,
//! milestones due in it, and the fund receipts and sales of v1.2), records
//! of the year (projects, statistics, incomes, targets), and the part inside
//! the year of records that last a period (pairings, placements,
//! secondments, and the placement confirmations and secondment arrivals of
//! v1.2, which the year's reconciliation reads): a placement running since
//! 2019 may still get its end date in 2021 without touching 2020. A
//! beneficiary is read by its project's year, an attendance by its
//! training's. The registry (regions, organisations, households, persons)
//! and the labour market (postings, seekers) go on: a frozen result keeps
//! its own files, so their later changes do not alter it.
//!
//! A change is refused when, for some frozen year, the stored row's view
//! and the new row's view differ (a new row has no stored view); a row
//! given again unchanged passes.
//!
//! An import that carries a correction (更正申请) of one frozen year
//! (`WritePolicy::correcting`) lets that year's changes through and lists
//! each (`ImportReport::corrected`: the stored row and the new one); any
//! other change in it is refused, so that a correction holds corrections
//! only. Changes to other frozen years are refused as always.

use super::pipeline::Row;
use super::resolve::*;
use super::*;
use crate::round::Freeze;
use chrono::Datelike;
use xiezuo_domain::{DateRange, Year};
use xiezuo_exchange::Cell;

/// The frozen years an import must respect, and the one year whose
/// correction it carries, if any.
#[derive(Default)]
pub(super) struct FrozenYears {
    pub(super) years: Vec<(Year, Freeze)>,
    pub(super) correcting: Option<Year>,
}

/// One change a correction makes to a frozen year's record: the stored row
/// (none for a new one) and the new row, as canonical cells.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectedRow {
    pub kind: FileKind,
    pub key: String,
    pub old: Option<Vec<Cell>>,
    pub new: Vec<Cell>,
}

impl Ctx<'_> {
    /// The refusal of a row that would change what a frozen year reads.
    pub(super) fn frozen_problem(
        &mut self,
        kind: FileKind,
        row: &Row,
    ) -> Result<Option<(&'static str, Message)>, StoreError> {
        let correcting = self.frozen.correcting;
        if self.frozen.years.is_empty() && correcting.is_none() {
            return Ok(None);
        }
        let old_row = if self.tx.was_empty(kind) {
            None
        } else {
            self.tx.get(kind, &key_cells(kind, &row.cells))?
        };
        let old = old_row
            .as_ref()
            .and_then(|o| Record::from_cells(kind, &o.cells).ok());
        let years: Vec<(Year, String, String)> = self
            .frozen
            .years
            .iter()
            .map(|(y, f)| (*y, f.at.to_string(), f.reason.to_string()))
            .collect();
        let mut corrects = false;
        for (year, at, reason) in years {
            let new = self.year_view(&row.rec, year)?;
            let stored = match &old {
                Some(o) => self.year_view(o, year)?,
                None => None,
            };
            if new == stored {
                continue;
            }
            if Some(year) == correcting {
                corrects = true;
                continue;
            }
            return Ok(Some((
                "",
                Message::new("round.frozen")
                    .with("year", year)
                    .with("at", at)
                    .with("reason", reason),
            )));
        }
        let Some(year) = correcting else {
            return Ok(None);
        };
        let unchanged = old_row.as_ref().is_some_and(|o| o.cells == row.cells);
        if corrects {
            self.corrected.push(CorrectedRow {
                kind,
                key: key_text(kind, &row.cells),
                old: old_row.map(|o| o.cells),
                new: row.cells.clone(),
            });
        } else if !unchanged {
            return Ok(Some((
                "",
                Message::new("correction.not_frozen_year").with("year", year),
            )));
        }
        Ok(None)
    }

    /// What year `y` reads of a record, as comparable text; `None` when it
    /// reads nothing of it.
    fn year_view(&mut self, rec: &Record, y: Year) -> Result<Option<String>, StoreError> {
        let dated = |d: chrono::NaiveDate| d.year() == y;
        let show = |on: bool| on.then(|| format!("{rec:?}"));
        let clipped = |p: &DateRange| {
            p.clip_to_year(y).map(|(s, e)| DateRange {
                start: s,
                end: Some(e),
            })
        };
        Ok(match rec {
            Record::RegionStat(r) => show(r.year == y),
            Record::HouseholdIncome(h) => show(h.year == y),
            Record::Target(t) => show(t.year == y),
            Record::Project(p) => show(p.year == y),
            Record::Milestone(m) => show(dated(m.due_date)),
            Record::FundTxn(t) => show(dated(t.date)),
            Record::Investment(i) => show(dated(i.date)),
            Record::Purchase(p) => show(dated(p.date)),
            Record::Donation(d) => show(dated(d.date)),
            Record::Meeting(m) => show(dated(m.date)),
            Record::Training(t) => show(dated(t.start_date)),
            Record::FundReceipt(r) => show(dated(r.date)),
            Record::Sale(r) => show(dated(r.date)),
            Record::PlacementConfirmation(p) => clipped(&p.period).map(|period| {
                let mut p = p.clone();
                p.period = period;
                format!("{p:?}")
            }),
            Record::SecondmentArrival(s) => clipped(&s.period).map(|period| {
                let mut s = s.clone();
                s.period = period;
                format!("{s:?}")
            }),
            Record::Pairing(p) => clipped(&p.period).map(|period| {
                let mut p = p.clone();
                p.period = period;
                format!("{p:?}")
            }),
            Record::Placement(p) => clipped(&p.period).map(|period| {
                let mut p = p.clone();
                p.period = period;
                format!("{p:?}")
            }),
            Record::Secondment(s) => clipped(&s.period).map(|period| {
                let mut s = s.clone();
                s.period = period;
                format!("{s:?}")
            }),
            Record::Beneficiary(b) => {
                let of_year = match self.stored(FileKind::Projects, &b.project_id)? {
                    Some(Record::Project(p)) => p.year == y,
                    _ => false,
                };
                show(of_year)
            }
            Record::Attendance(a) => {
                let of_year = match self.stored(FileKind::Trainings, &a.training_id)? {
                    Some(Record::Training(t)) => dated(t.start_date),
                    _ => false,
                };
                show(of_year)
            }
            Record::Region(_)
            | Record::Organisation(_)
            | Record::Household(_)
            | Record::Person(_)
            | Record::Posting(_)
            | Record::Seeker(_) => None,
        })
    }

    /// A stored (or just imported) record by its one-column key.
    fn stored(&mut self, kind: FileKind, id: &Id) -> Result<Option<Record>, StoreError> {
        Ok(self
            .tx
            .get(kind, &[id_cell(id)])?
            .and_then(|r| Record::from_cells(kind, &r.cells).ok()))
    }
}
