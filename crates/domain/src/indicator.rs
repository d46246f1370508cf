//! The indicators (指标) and data-quality findings of the assessment.

use std::fmt;

/// How an indicator's value is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorUnit {
    /// A whole number of records or persons.
    Count,
    /// Money in yuan, output with 2 decimals.
    Money,
    /// A share, rate or growth (decimal).
    Rate,
}

macro_rules! indicators {
    ($($v:ident = $s:literal : $u:ident),+ $(,)?) => {
        /// An indicator computed per pairing and year (method `xz-v1` defines 28).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Indicator { $($v),+ }
        impl Indicator {
            /// Every indicator, in the order of the assessment specification.
            pub const ALL: &'static [Indicator] = &[$(Indicator::$v),+];
            /// The indicator id.
            pub fn as_str(self) -> &'static str { match self { $(Indicator::$v => $s),+ } }
            /// How its value is expressed.
            pub fn unit(self) -> IndicatorUnit { match self { $(Indicator::$v => IndicatorUnit::$u),+ } }
        }
    };
}

indicators! {
    JointMeetings = "joint_meetings": Count,
    TopVisitsToWest = "top_visits_to_west": Count,
    TopVisitsToEast = "top_visits_to_east": Count,
    FiscalCommitted = "fiscal_committed": Money,
    FiscalDisbursed = "fiscal_disbursed": Money,
    FiscalExpended = "fiscal_expended": Money,
    FiscalDisbursedPrev = "fiscal_disbursed_prev": Money,
    FiscalGrowth = "fiscal_growth": Rate,
    RevenueGrowth = "revenue_growth": Rate,
    FundsToPoorShare = "funds_to_poor_share": Rate,
    SocialFunds = "social_funds": Money,
    CadresToWest = "cadres_to_west": Count,
    TechniciansToWest = "technicians_to_west": Count,
    CadresToEast = "cadres_to_east": Count,
    TrainedPeople = "trained_people": Count,
    EnterprisesInvested = "enterprises_invested": Count,
    Investment = "investment": Money,
    PoorEmployed = "poor_employed": Count,
    PoorTrained = "poor_trained": Count,
    PoorBenefited = "poor_benefited": Count,
    PoorAtStart = "poor_at_start": Count,
    BenefitRate = "benefit_rate": Rate,
    ExitRate = "exit_rate": Rate,
    Purchases = "purchases": Money,
    CountyCoverage = "county_coverage": Rate,
    VillageCoverage = "village_coverage": Rate,
    MilestonesDue = "milestones_due": Count,
    OnTimeRate = "on_time_rate": Rate,
}

impl Indicator {
    /// Parses an indicator id.
    pub fn parse(s: &str) -> Option<Indicator> {
        Indicator::ALL.iter().copied().find(|i| i.as_str() == s)
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A data-quality finding (reported, never counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finding {
    OverlappingPlacements,
    BeneficiaryOutside,
    PersonOutsideArea,
    Overdisbursed,
    LateMilestone,
}

impl Finding {
    pub const ALL: &'static [Finding] = &[
        Finding::OverlappingPlacements,
        Finding::BeneficiaryOutside,
        Finding::PersonOutsideArea,
        Finding::Overdisbursed,
        Finding::LateMilestone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Finding::OverlappingPlacements => "overlapping_placements",
            Finding::BeneficiaryOutside => "beneficiary_outside",
            Finding::PersonOutsideArea => "person_outside_area",
            Finding::Overdisbursed => "overdisbursed",
            Finding::LateMilestone => "late_milestone",
        }
    }

    pub fn parse(s: &str) -> Option<Finding> {
        Finding::ALL.iter().copied().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_eight_indicators_round_trip() {
        assert_eq!(Indicator::ALL.len(), 28);
        for i in Indicator::ALL {
            assert_eq!(Indicator::parse(i.as_str()), Some(*i));
        }
        assert_eq!(Indicator::parse("nonsense"), None);
    }
}
