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
    /// Its name in Chinese, as offices read it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Indicator::JointMeetings => "联席会议（主要领导）",
            Indicator::TopVisitsToWest => "主要领导赴西部考察",
            Indicator::TopVisitsToEast => "主要领导赴东部考察",
            Indicator::FiscalCommitted => "财政资金计划",
            Indicator::FiscalDisbursed => "财政援助资金到位（元）",
            Indicator::FiscalExpended => "财政资金支出",
            Indicator::FiscalDisbursedPrev => "上年财政资金到位",
            Indicator::FiscalGrowth => "财政援助增长率",
            Indicator::RevenueGrowth => "一般公共预算收入增长率",
            Indicator::FundsToPoorShare => "资金带贫比例",
            Indicator::SocialFunds => "社会帮扶资金",
            Indicator::CadresToWest => "选派挂职干部",
            Indicator::TechniciansToWest => "选派专业技术人才",
            Indicator::CadresToEast => "西部到东部挂职干部",
            Indicator::TrainedPeople => "培训干部人才（人次）",
            Indicator::EnterprisesInvested => "投资企业数",
            Indicator::Investment => "实际到位投资",
            Indicator::PoorEmployed => "贫困人口转移就业",
            Indicator::PoorTrained => "贫困劳动力培训",
            Indicator::PoorBenefited => "带动贫困人口",
            Indicator::PoorAtStart => "年初贫困人口",
            Indicator::BenefitRate => "带贫比例",
            Indicator::ExitRate => "脱贫比例",
            Indicator::Purchases => "消费帮扶（元）",
            Indicator::CountyCoverage => "贫困县结对覆盖率",
            Indicator::VillageCoverage => "深度贫困村结对覆盖率",
            Indicator::MilestonesDue => "到期目标节点",
            Indicator::OnTimeRate => "节点按期完成率",
        }
    }

    /// Its name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Indicator::JointMeetings => "Joint meetings (top leaders)",
            Indicator::TopVisitsToWest => "Top leaders' visits to the west",
            Indicator::TopVisitsToEast => "Top leaders' visits to the east",
            Indicator::FiscalCommitted => "Fiscal aid committed (yuan)",
            Indicator::FiscalDisbursed => "Fiscal aid disbursed (yuan)",
            Indicator::FiscalExpended => "Fiscal aid expended (yuan)",
            Indicator::FiscalDisbursedPrev => "Fiscal aid disbursed the year before (yuan)",
            Indicator::FiscalGrowth => "Growth of fiscal aid",
            Indicator::RevenueGrowth => "Growth of general budget revenue",
            Indicator::FundsToPoorShare => "Share of funds reaching poor people",
            Indicator::SocialFunds => "Social funds (yuan)",
            Indicator::CadresToWest => "Cadres seconded to the west",
            Indicator::TechniciansToWest => "Technicians sent to the west",
            Indicator::CadresToEast => "Western cadres seconded to the east",
            Indicator::TrainedPeople => "Cadres and technicians trained (person-times)",
            Indicator::EnterprisesInvested => "Enterprises investing",
            Indicator::Investment => "Investment in place (yuan)",
            Indicator::PoorEmployed => "Poor people placed in jobs",
            Indicator::PoorTrained => "Poor workers trained",
            Indicator::PoorBenefited => "Poor people benefited",
            Indicator::PoorAtStart => "Poor people at the start of the year",
            Indicator::BenefitRate => "Benefit rate",
            Indicator::ExitRate => "Exit rate",
            Indicator::Purchases => "Consumption assistance (yuan)",
            Indicator::CountyCoverage => "Coverage of poor counties",
            Indicator::VillageCoverage => "Coverage of deeply poor villages",
            Indicator::MilestonesDue => "Milestones due",
            Indicator::OnTimeRate => "Milestones done on time",
        }
    }

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

    /// Its name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Finding::OverlappingPlacements => "就业记录重叠",
            Finding::BeneficiaryOutside => "受益户不在项目县",
            Finding::PersonOutsideArea => "人员不在受帮扶地区",
            Finding::Overdisbursed => "资金到位超计划",
            Finding::LateMilestone => "节点逾期",
        }
    }

    /// Its name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Finding::OverlappingPlacements => "Overlapping placements",
            Finding::BeneficiaryOutside => "Beneficiary outside the project's county",
            Finding::PersonOutsideArea => "Person outside the helped area",
            Finding::Overdisbursed => "Disbursed beyond the plan",
            Finding::LateMilestone => "Late milestone",
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
