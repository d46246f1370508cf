//! Row rules (单行校验规则): the checks that need only one record, as domain
//! rules with no I/O. Each rule has a stable id and a description in
//! `ROW_RULES`; each record type's `RowRules::check` applies its rules and
//! reports every problem as (column, reason), all of them, not only the
//! first. Rules across rows (references, duplicates, the ledger) are the
//! importer's, because they need the dataset and the store.

use crate::enums::{HelperKind, Labor, RegionLevel, SecondmentRole, Sex};
use crate::message::Message as M;
use crate::records::{
    FundReceipt, FundTxn, Household, Pairing, Person, Placement, PlacementConfirmation, Posting,
    Project, Region, Sale, Secondment, SecondmentArrival,
};
use crate::{DateRange, Message, Party, Vocabulary};

/// A problem found in one row: the column and the reason.
pub type Problem = (&'static str, Message);

/// Every row rule: (id, record kind, what it requires).
pub const ROW_RULES: &[(&str, &str, &str)] = &[
    (
        "region.level",
        "regions",
        "the level is the one implied by the code's digits",
    ),
    (
        "region.side",
        "regions",
        "side on provinces, and only on provinces",
    ),
    (
        "region.parent",
        "regions",
        "a parent below province level, none on provinces",
    ),
    (
        "region.flags",
        "regions",
        "poor_county on counties, poor_village on villages, deep_poverty on counties and villages",
    ),
    (
        "pairing.helper_kind",
        "pairings",
        "a region helps as government; an organisation helps as anything but government",
    ),
    (
        "period.order",
        "pairings, placements, secondments, placement_confirmations, secondment_arrivals",
        "end_date not before start_date",
    ),
    (
        "household.village",
        "households",
        "the village is a village code",
    ),
    (
        "household.exit",
        "households",
        "exit_year not before identified_year",
    ),
    (
        "person.id_number",
        "persons",
        "birth date and sex agree with the identity number",
    ),
    (
        "project.dates",
        "projects",
        "end_date not before start_date",
    ),
    (
        "project.place",
        "projects",
        "the county is a county code; the village a village within it",
    ),
    (
        "receipt.amounts",
        "fund_receipts, sales",
        "a positive amount received or sold; expended not negative",
    ),
    (
        "funds.sign",
        "funds",
        "negative amounts exactly on reversals; a reversal does not reverse itself",
    ),
    (
        "posting.sane",
        "postings",
        "age_max not below age_min, at least one position, labour capacity required",
    ),
    (
        "secondment.field",
        "secondments",
        "a technician's field is given",
    ),
];

/// The row rules of one record type.
pub trait RowRules {
    /// Pushes every problem of this row onto `out`.
    fn check(&self, out: &mut Vec<Problem>);
}

/// Rule `period.order`.
pub fn check_period(out: &mut Vec<Problem>, r: &DateRange, col: &'static str) {
    if r.end.is_some_and(|e| e < r.start) {
        out.push((col, M::new("period.end_before_start")));
    }
}

impl RowRules for Region {
    fn check(&self, out: &mut Vec<Problem>) {
        let r = self;
        // region.level
        if r.code.level() != r.level {
            out.push((
                "level",
                M::new("region.level_mismatch")
                    .with("code", r.code)
                    .with("actual", r.code.level())
                    .with("actual_zh", r.code.level().label_zh())
                    .with("level", r.level)
                    .with("level_zh", r.level.label_zh()),
            ));
        }
        // region.side, region.parent
        if r.level == RegionLevel::Province {
            if r.side.is_none() {
                out.push(("side", M::new("region.side_required")));
            }
            if r.parent.is_some() {
                out.push(("parent", M::new("region.province_no_parent")));
            }
        } else {
            if r.side.is_some() {
                out.push(("side", M::new("region.side_only_provinces")));
            }
            if r.parent.is_none() {
                out.push(("parent", M::new("region.parent_required")));
            }
        }
        // region.flags
        if r.poor_county.is_some() && r.level != RegionLevel::County {
            out.push(("poor_county", M::new("region.poor_county_only")));
        }
        if r.poor_village.is_some() && r.level != RegionLevel::Village {
            out.push(("poor_village", M::new("region.poor_village_only")));
        }
        if r.deep_poverty.is_some()
            && !matches!(r.level, RegionLevel::County | RegionLevel::Village)
        {
            out.push(("deep_poverty", M::new("region.deep_poverty_only")));
        }
    }
}

impl RowRules for Pairing {
    fn check(&self, out: &mut Vec<Problem>) {
        let p = self;
        // pairing.helper_kind
        match (&p.helper, p.helper_kind) {
            (Party::Region(_), HelperKind::Government) | (Party::Org(_), _) => {}
            (Party::Region(_), k) => out.push((
                "helper_kind",
                M::new("pairing.region_is_government")
                    .with("helper_kind", k)
                    .with("helper_kind_zh", k.label_zh()),
            )),
        }
        if matches!(p.helper, Party::Org(_)) && p.helper_kind == HelperKind::Government {
            out.push(("helper_kind", M::new("pairing.org_not_government")));
        }
        check_period(out, &p.period, "end_date");
    }
}

impl RowRules for Household {
    fn check(&self, out: &mut Vec<Problem>) {
        // household.village
        if self.village.level() != RegionLevel::Village {
            out.push((
                "village",
                M::new("region.not_village_code").with("code", self.village),
            ));
        }
        // household.exit
        if self.exit_year.is_some_and(|e| e < self.identified_year) {
            out.push(("exit_year", M::new("household.exit_before_identified")));
        }
    }
}

impl RowRules for Person {
    fn check(&self, out: &mut Vec<Problem>) {
        // person.id_number
        if self.id_number.birth_date() != Some(self.birth_date) {
            out.push(("birth_date", M::new("person.birth_date")));
        }
        if self.id_number.is_male() != (self.sex == Sex::M) {
            out.push(("sex", M::new("person.sex")));
        }
    }
}

impl RowRules for Project {
    fn check(&self, out: &mut Vec<Problem>) {
        let p = self;
        // project.dates
        if p.end_date < p.start_date {
            out.push(("end_date", M::new("period.end_before_start")));
        }
        // project.place
        if p.county.level() != RegionLevel::County {
            out.push((
                "county",
                M::new("region.not_county_code").with("code", p.county),
            ));
        }
        if let Some(v) = p.village {
            if v.level() != RegionLevel::Village {
                out.push(("village", M::new("region.not_village_code").with("code", v)));
            } else if v.truncated(RegionLevel::County) != Some(p.county) {
                out.push((
                    "village",
                    M::new("region.village_outside_county")
                        .with("village", v)
                        .with("county", p.county),
                ));
            }
        }
    }
}

impl RowRules for FundTxn {
    fn check(&self, out: &mut Vec<Problem>) {
        let t = self;
        // funds.sign
        if t.amount.0 < 0 && t.reverses.is_none() {
            out.push(("amount", M::new("funds.negative_without_reverses")));
        }
        if t.reverses.is_some() && t.amount.0 >= 0 {
            out.push(("amount", M::new("funds.reversal_not_negative")));
        }
        if t.reverses.as_ref() == Some(&t.txn_id) {
            out.push(("reverses", M::new("funds.reverses_itself")));
        }
    }
}

impl RowRules for FundReceipt {
    fn check(&self, out: &mut Vec<Problem>) {
        // receipt.amounts
        if self.amount.0 <= 0 {
            out.push(("amount", M::new("receipt.amount_not_positive")));
        }
        if self.expended.is_some_and(|e| e.0 < 0) {
            out.push(("expended", M::new("receipt.expended_negative")));
        }
    }
}

impl RowRules for Sale {
    fn check(&self, out: &mut Vec<Problem>) {
        // receipt.amounts
        if self.amount.0 <= 0 {
            out.push(("amount", M::new("receipt.amount_not_positive")));
        }
    }
}

impl RowRules for PlacementConfirmation {
    fn check(&self, out: &mut Vec<Problem>) {
        check_period(out, &self.period, "end_date");
    }
}

impl RowRules for SecondmentArrival {
    fn check(&self, out: &mut Vec<Problem>) {
        check_period(out, &self.period, "end_date");
    }
}

impl RowRules for Placement {
    fn check(&self, out: &mut Vec<Problem>) {
        check_period(out, &self.period, "end_date");
    }
}

impl RowRules for Posting {
    fn check(&self, out: &mut Vec<Problem>) {
        let p = self;
        // posting.sane
        if let (Some(lo), Some(hi)) = (p.age_min, p.age_max)
            && hi < lo
        {
            out.push(("age_max", M::new("posting.age_order")));
        }
        if p.positions == 0 {
            out.push(("positions", M::new("posting.no_positions")));
        }
        if p.labor_required == Labor::None {
            out.push(("labor_required", M::new("posting.labor_required")));
        }
    }
}

impl RowRules for Secondment {
    fn check(&self, out: &mut Vec<Problem>) {
        check_period(out, &self.period, "end_date");
        // secondment.field
        if self.role == SecondmentRole::Technician && self.field.is_none() {
            out.push(("field", M::new("secondment.field_required")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_described() {
        let mut ids: Vec<&str> = ROW_RULES.iter().map(|r| r.0).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(ROW_RULES.iter().all(|r| !r.2.is_empty()));
    }
}
