//! Closed vocabularies of the exchange format, each with its English value
//! and its Chinese label; both are accepted on input.

use std::fmt;

/// An enumeration of the exchange format: an English value and a Chinese label.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// The English value used in files and in the store.
    fn as_str(self) -> &'static str;
    /// The Chinese label accepted on input and used in Chinese exports.
    fn label_zh(self) -> &'static str;
    /// Parses the English value or the Chinese label.
    fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s || v.label_zh() == s)
    }
    /// The accepted English values, for error messages.
    fn expected() -> String {
        Self::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("|")
    }
}

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $en:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        impl Vocabulary for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str { match self { $(Self::$variant => $en),+ } }
            fn label_zh(self) -> &'static str { match self { $(Self::$variant => $zh),+ } }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

vocabulary!(
    /// Administrative level (级别) of a region; also the level of a pairing.
    RegionLevel {
        Province = "province" / "省级",
        Prefecture = "prefecture" / "地级",
        County = "county" / "县级",
        Township = "township" / "乡级",
        Village = "village" / "村级",
    }
);

vocabulary!(
    /// Which side of the cooperation a province is on (东西部).
    Side { East = "east" / "东部", West = "west" / "西部", Central = "central" / "中部" }
);

vocabulary!(
    /// Kind of organisation (组织类型).
    OrgKind {
        Enterprise = "enterprise" / "企业",
        SocialOrg = "social_org" / "社会组织",
        School = "school" / "学校",
        Hospital = "hospital" / "医院",
        GovernmentDept = "government_dept" / "政府部门",
        Other = "other" / "其他",
    }
);

vocabulary!(
    /// Kind of helper in a pairing (帮扶类型).
    HelperKind {
        Government = "government" / "政府",
        Enterprise = "enterprise" / "企业",
        SocialOrg = "social_org" / "社会组织",
        School = "school" / "学校",
        Hospital = "hospital" / "医院",
    }
);

impl HelperKind {
    /// The organisation kind an organisational helper of this kind must have.
    pub fn org_kind(self) -> Option<OrgKind> {
        match self {
            HelperKind::Government => None,
            HelperKind::Enterprise => Some(OrgKind::Enterprise),
            HelperKind::SocialOrg => Some(OrgKind::SocialOrg),
            HelperKind::School => Some(OrgKind::School),
            HelperKind::Hospital => Some(OrgKind::Hospital),
        }
    }
}

vocabulary!(
    /// Household category (户属性).
    HouseholdCategory {
        General = "general" / "一般贫困户",
        Dibao = "dibao" / "低保贫困户",
        Tekun = "tekun" / "特困供养贫困户",
    }
);

vocabulary!(
    /// Monitoring type for preventing relapse into poverty (防止返贫监测).
    MonitorType {
        Unstable = "unstable" / "脱贫不稳定户",
        Marginal = "marginal" / "边缘易致贫户",
        Sudden = "sudden" / "突发严重困难户",
    }
);

vocabulary!(
    /// Sex (性别); the 17th digit of an identity number is odd for men.
    Sex { M = "M" / "男", F = "F" / "女" }
);

vocabulary!(
    /// Labour capacity (劳动能力).
    Labor { Full = "full" / "有劳动能力", Weak = "weak" / "弱劳动能力", None = "none" / "无劳动能力" }
);

vocabulary!(
    /// Project category (项目类别).
    ProjectCategory {
        Infrastructure = "infrastructure" / "基础设施",
        Industry = "industry" / "产业发展",
        Education = "education" / "教育",
        Health = "health" / "医疗卫生",
        Housing = "housing" / "住房",
        Labor = "labor" / "劳务",
        Other = "other" / "其他",
    }
);

vocabulary!(
    /// Project status (项目状态).
    ProjectStatus {
        Planned = "planned" / "计划",
        Ongoing = "ongoing" / "在建",
        Completed = "completed" / "完成",
        Cancelled = "cancelled" / "取消",
    }
);

vocabulary!(
    /// Source of funds (资金来源).
    FundSource { Fiscal = "fiscal" / "财政", Enterprise = "enterprise" / "企业", Social = "social" / "社会" }
);

vocabulary!(
    /// Kind of ledger row (资金类型): planned, arrived, spent.
    FundKind { Commitment = "commitment" / "计划", Disbursement = "disbursement" / "到位", Expenditure = "expenditure" / "支出" }
);

vocabulary!(
    /// Kind of training (培训类型).
    TrainingKind {
        PoorLabor = "poor_labor" / "贫困劳动力",
        Cadre = "cadre" / "党政干部",
        Technician = "technician" / "专业技术人才",
        VillageLeader = "village_leader" / "村干部",
    }
);

vocabulary!(
    /// Direction of a secondment (挂职方向).
    Direction { ToWest = "to_west" / "东部到西部", ToEast = "to_east" / "西部到东部" }
);

vocabulary!(
    /// Role of a seconded person: cadre (挂职干部) or technician (专业技术人才).
    SecondmentRole { Cadre = "cadre" / "挂职干部", Technician = "technician" / "专业技术人才" }
);

vocabulary!(
    /// Field of a seconded technician (专业领域).
    Field { Education = "education" / "教育", Health = "health" / "医疗", Agriculture = "agriculture" / "农业", Other = "other" / "其他" }
);

vocabulary!(
    /// Kind of donor (捐赠方类型).
    DonorKind { Enterprise = "enterprise" / "企业", SocialOrg = "social_org" / "社会组织", Individual = "individual" / "个人" }
);

vocabulary!(
    /// Kind of meeting (会议类型).
    MeetingKind {
        JointMeeting = "joint_meeting" / "联席会议",
        VisitToWest = "visit_to_west" / "东部赴西部考察",
        VisitToEast = "visit_to_east" / "西部赴东部考察",
    }
);

vocabulary!(
    /// How far from home a job seeker will go (最远就业距离).
    DistanceClass {
        County = "county" / "本县",
        Prefecture = "prefecture" / "本市",
        Province = "province" / "本省",
        Any = "any" / "不限",
    }
);

/// Parses a boolean cell: `0`/`1`, `是`/`否`, `true`/`false`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "是" | "true" | "TRUE" | "True" => Some(true),
        "0" | "否" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_english_and_chinese() {
        assert_eq!(Sex::parse("M"), Some(Sex::M));
        assert_eq!(Sex::parse("女"), Some(Sex::F));
        assert_eq!(FundKind::parse("到位"), Some(FundKind::Disbursement));
        assert_eq!(FundKind::parse("paid"), None);
        assert_eq!(Labor::expected(), "full|weak|none");
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
