//! The one table of file kinds and columns of exchange format v1: English
//! names, Chinese labels (中文列名), types, requiredness and keys.

use xiezuo_domain::enums::*;

/// The type of a column, deciding how a cell is parsed and stored.
#[derive(Debug, Clone, Copy)]
pub enum ColType {
    /// An identifier `[A-Za-z0-9_.:-]{1,64}`.
    Id,
    /// Free text.
    Text,
    /// A region code (12 digits, or 6 padded).
    Code,
    /// A party: region code or `org:<org_id>`.
    Party,
    /// Free text or a party.
    NameOrParty,
    /// A date `YYYY-MM-DD`.
    Date,
    /// A year or other non-negative integer.
    Int,
    /// A decimal number (targets).
    Decimal,
    /// Yuan with at most 2 decimals, stored as fen.
    Money,
    /// `0`/`1`, `是`/`否`, `true`/`false`.
    Bool,
    /// One of a closed vocabulary.
    Enum(&'static EnumSpec),
    /// An indicator id of the assessment.
    Indicator,
    /// A GB 11643 identity number (personal data).
    IdNumber,
    /// Region codes separated by `;` (v1.1).
    CodeList,
}

/// A closed vocabulary as seen by the schema.
#[derive(Debug)]
pub struct EnumSpec {
    pub parse: fn(&str) -> Option<&'static str>,
    pub expected: fn() -> String,
    /// (English value, Chinese label) of every value.
    pub values: fn() -> Vec<(&'static str, &'static str)>,
}

fn parse_vocab<V: Vocabulary>(s: &str) -> Option<&'static str> {
    V::parse(s).map(V::as_str)
}

fn vocab_values<V: Vocabulary>() -> Vec<(&'static str, &'static str)> {
    V::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()
}

macro_rules! enum_spec {
    ($name:ident, $t:ty) => {
        static $name: EnumSpec = EnumSpec {
            parse: parse_vocab::<$t>,
            expected: <$t>::expected,
            values: vocab_values::<$t>,
        };
    };
}
enum_spec!(LEVEL, RegionLevel);
enum_spec!(SIDE, Side);
enum_spec!(ORG_KIND, OrgKind);
enum_spec!(HELPER_KIND, HelperKind);
enum_spec!(CATEGORY, HouseholdCategory);
enum_spec!(MONITOR, MonitorType);
enum_spec!(SEX, Sex);
enum_spec!(LABOR, Labor);
enum_spec!(PROJECT_CATEGORY, ProjectCategory);
enum_spec!(STATUS, ProjectStatus);
enum_spec!(SOURCE, FundSource);
enum_spec!(FUND_KIND, FundKind);
enum_spec!(TRAINING_KIND, TrainingKind);
enum_spec!(DIRECTION, Direction);
enum_spec!(ROLE, SecondmentRole);
enum_spec!(FIELD, Field);
enum_spec!(DONOR_KIND, DonorKind);
enum_spec!(MEETING_KIND, MeetingKind);
enum_spec!(DISTANCE, DistanceClass);

/// One column of a file kind.
#[derive(Debug)]
pub struct Column {
    /// English header.
    pub name: &'static str,
    /// Chinese header label.
    pub zh: &'static str,
    pub ty: ColType,
    /// False when an empty cell (null) is allowed.
    pub required: bool,
    /// The format version that introduced the column (1: v1, 2: v1.1).
    pub since: u8,
}

const fn c(name: &'static str, zh: &'static str, ty: ColType) -> Column {
    Column {
        name,
        zh,
        ty,
        required: true,
        since: 1,
    }
}
const fn o(name: &'static str, zh: &'static str, ty: ColType) -> Column {
    Column {
        name,
        zh,
        ty,
        required: false,
        since: 1,
    }
}

/// An optional column added in v1.1 (v1 files without it stay valid).
const fn o11(name: &'static str, zh: &'static str, ty: ColType) -> Column {
    Column {
        name,
        zh,
        ty,
        required: false,
        since: V1_1,
    }
}

/// The schema migration that introduced each format version's kinds and
/// columns (`since` of a kind or column): v1 in migration 1, v1.1 in 2,
/// v1.2 (the receiving side's files) in 5.
pub const V1: u8 = 1;
pub const V1_1: u8 = 2;
pub const V1_2: u8 = 5;

/// The format version a `since` value names: `v1`, `v1.1` or `v1.2`.
pub fn format_version(since: u8) -> &'static str {
    match since {
        0 | V1 => "v1",
        V1_2.. => "v1.2",
        _ => "v1.1",
    }
}

use ColType::*;

static REGIONS: [Column; 9] = [
    c("code", "代码", Code),
    c("name", "名称", Text),
    c("level", "级别", Enum(&LEVEL)),
    o("parent", "上级代码", Code),
    o("side", "东西部", Enum(&SIDE)),
    o("poor_county", "贫困县", Bool),
    o("poor_village", "贫困村", Bool),
    o("deep_poverty", "深度贫困", Bool),
    o("exit_year", "退出年度", Int),
];
static REGION_STATS: [Column; 5] = [
    c("code", "代码", Code),
    c("year", "年度", Int),
    o("rural_population", "农村人口", Int),
    o("fiscal_revenue", "一般公共预算收入", Money),
    o("rural_income_per_capita", "农村居民人均可支配收入", Money),
];
static ORGANISATIONS: [Column; 4] = [
    c("org_id", "组织编号", Id),
    c("name", "名称", Text),
    c("kind", "类型", Enum(&ORG_KIND)),
    c("region", "所在地", Code),
];
static PAIRINGS: [Column; 7] = [
    c("pairing_id", "结对编号", Id),
    c("helper", "帮扶方", Party),
    c("helped", "受帮扶方", Party),
    c("level", "层级", Enum(&LEVEL)),
    c("helper_kind", "帮扶类型", Enum(&HELPER_KIND)),
    c("start_date", "开始日期", Date),
    o("end_date", "结束日期", Date),
];
static HOUSEHOLDS: [Column; 7] = [
    c("household_id", "户编号", Id),
    c("village", "所在村", Code),
    c("category", "户属性", Enum(&CATEGORY)),
    c("identified_year", "识别年度", Int),
    o("exit_year", "脱贫年度", Int),
    o("monitor_type", "监测类型", Enum(&MONITOR)),
    o("monitor_year", "纳入监测年度", Int),
];
static PERSONS: [Column; 7] = [
    c("person_id", "人员编号", Id),
    c("household_id", "户编号", Id),
    c("id_number", "身份证号", IdNumber),
    c("name", "姓名", Text),
    c("sex", "性别", Enum(&SEX)),
    c("birth_date", "出生日期", Date),
    c("labor", "劳动能力", Enum(&LABOR)),
];
static HOUSEHOLD_INCOME: [Column; 3] = [
    c("household_id", "户编号", Id),
    c("year", "年度", Int),
    c("income_per_capita", "人均纯收入", Money),
];
static PROJECTS: [Column; 11] = [
    c("project_id", "项目编号", Id),
    c("pairing_id", "结对编号", Id),
    c("year", "年度", Int),
    c("name", "项目名称", Text),
    c("category", "类别", Enum(&PROJECT_CATEGORY)),
    c("county", "所在县", Code),
    o("village", "所在村", Code),
    c("budget", "预算", Money),
    c("start_date", "开始日期", Date),
    c("end_date", "结束日期", Date),
    c("status", "状态", Enum(&STATUS)),
];
static MILESTONES: [Column; 6] = [
    c("project_id", "项目编号", Id),
    c("seq", "序号", Int),
    c("name", "节点名称", Text),
    c("due_date", "计划完成日期", Date),
    o("done_date", "实际完成日期", Date),
    c("responsible", "责任人", Text),
];
static BENEFICIARIES: [Column; 2] = [
    c("project_id", "项目编号", Id),
    c("household_id", "户编号", Id),
];
static FUNDS: [Column; 8] = [
    c("txn_id", "流水号", Id),
    c("date", "日期", Date),
    c("pairing_id", "结对编号", Id),
    o("project_id", "项目编号", Id),
    c("source", "来源", Enum(&SOURCE)),
    c("kind", "类型", Enum(&FUND_KIND)),
    c("amount", "金额", Money),
    o("reverses", "冲销流水号", Id),
];
static PLACEMENTS: [Column; 9] = [
    c("placement_id", "就业编号", Id),
    c("person_id", "人员编号", Id),
    c("pairing_id", "结对编号", Id),
    c("employer", "用工单位", NameOrParty),
    c("work_region", "就业地", Code),
    c("start_date", "开始日期", Date),
    o("end_date", "结束日期", Date),
    c("monthly_wage", "月工资", Money),
    o11("posting_id", "岗位编号", Id),
];
static POSTINGS: [Column; 13] = [
    c("posting_id", "岗位编号", Id),
    c("pairing_id", "结对编号", Id),
    c("employer", "用工单位", NameOrParty),
    c("work_region", "工作地", Code),
    c("positions", "招聘人数", Int),
    c("monthly_wage", "月工资", Money),
    o("age_min", "最低年龄", Int),
    o("age_max", "最高年龄", Int),
    c("labor_required", "劳动能力要求", Enum(&LABOR)),
    o("skills", "技能工种", Text),
    c("housing", "提供住宿", Bool),
    c("start_date", "到岗日期", Date),
    c("closing_date", "报名截止日期", Date),
];
static SEEKERS: [Column; 8] = [
    c("person_id", "人员编号", Id),
    c("station", "劳务协作工作站", Text),
    c("registered_date", "登记日期", Date),
    o("wanted_regions", "意向就业地", CodeList),
    o("max_distance", "最远就业距离", Enum(&DISTANCE)),
    c("min_wage", "期望最低月工资", Money),
    o("skills", "技能工种", Text),
    c("available_from", "可到岗日期", Date),
];
static TRAININGS: [Column; 7] = [
    c("training_id", "培训编号", Id),
    c("pairing_id", "结对编号", Id),
    c("kind", "培训类型", Enum(&TRAINING_KIND)),
    c("course", "课程", Text),
    c("start_date", "开始日期", Date),
    c("days", "天数", Int),
    c("attendees", "人次", Int),
];
static TRAINING_ATTENDANCE: [Column; 2] = [
    c("training_id", "培训编号", Id),
    c("person_id", "人员编号", Id),
];
static SECONDMENTS: [Column; 8] = [
    c("secondment_id", "挂职编号", Id),
    c("pairing_id", "结对编号", Id),
    c("direction", "方向", Enum(&DIRECTION)),
    c("role", "类别", Enum(&ROLE)),
    o("field", "专业领域", Enum(&FIELD)),
    c("person_name", "姓名", Text),
    c("start_date", "开始日期", Date),
    c("end_date", "结束日期", Date),
];
static INVESTMENTS: [Column; 7] = [
    c("investment_id", "投资编号", Id),
    c("pairing_id", "结对编号", Id),
    c("enterprise", "投资企业", Party),
    c("county", "落地县", Code),
    c("date", "日期", Date),
    c("amount", "实际到位投资", Money),
    o("park", "共建园区", Text),
];
static PURCHASES: [Column; 7] = [
    c("purchase_id", "采购编号", Id),
    c("pairing_id", "结对编号", Id),
    c("date", "日期", Date),
    c("buyer", "采购方", NameOrParty),
    c("seller_county", "销售县", Code),
    c("product", "产品", Text),
    c("amount", "金额", Money),
];
static DONATIONS: [Column; 7] = [
    c("donation_id", "捐赠编号", Id),
    c("pairing_id", "结对编号", Id),
    c("date", "日期", Date),
    c("donor", "捐赠方", NameOrParty),
    c("donor_kind", "捐赠方类型", Enum(&DONOR_KIND)),
    c("amount", "金额", Money),
    c("in_kind", "实物捐赠", Bool),
];
static MEETINGS: [Column; 5] = [
    c("meeting_id", "会议编号", Id),
    c("pairing_id", "结对编号", Id),
    c("date", "日期", Date),
    c("kind", "会议类型", Enum(&MEETING_KIND)),
    c("top_leader", "主要领导带队", Bool),
];
static FUND_RECEIPTS: [Column; 6] = [
    c("receipt_id", "到账编号", Id),
    c("pairing_id", "结对编号", Id),
    o("txn_id", "拨付流水号", Id),
    c("date", "到账日期", Date),
    c("amount", "到账金额", Money),
    o("expended", "已支出金额", Money),
];
static PLACEMENT_CONFIRMATIONS: [Column; 8] = [
    c("confirmation_id", "确认编号", Id),
    c("pairing_id", "结对编号", Id),
    o("placement_id", "就业编号", Id),
    c("person_id", "人员编号", Id),
    c("employer", "用工单位", NameOrParty),
    c("start_date", "到岗日期", Date),
    o("end_date", "离岗日期", Date),
    o("monthly_wage", "月工资", Money),
];
static SECONDMENT_ARRIVALS: [Column; 6] = [
    c("arrival_id", "接收编号", Id),
    c("pairing_id", "结对编号", Id),
    o("secondment_id", "挂职编号", Id),
    c("person_name", "姓名", Text),
    c("start_date", "到岗日期", Date),
    o("end_date", "离岗日期", Date),
];
static SALES: [Column; 7] = [
    c("sale_id", "销售编号", Id),
    c("pairing_id", "结对编号", Id),
    o("purchase_id", "采购编号", Id),
    c("seller", "销售方", NameOrParty),
    c("seller_county", "销售县", Code),
    c("date", "日期", Date),
    c("amount", "金额", Money),
];
static TARGETS: [Column; 4] = [
    c("pairing_id", "结对编号", Id),
    c("year", "年度", Int),
    c("indicator", "指标", Indicator),
    c("target", "目标值", Decimal),
];

macro_rules! kinds {
    ($($v:ident = $file:literal, $table:literal, $zh:literal, $cols:ident, [$($key:literal),+], $since:literal);+ $(;)?) => {
        /// A kind of file (and of stored record) of the exchange format (v1, v1.1).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FileKind { $($v),+ }
        impl FileKind {
            /// Every kind, in dependency order: a kind only references kinds before it
            /// (or itself).
            pub const ALL: &'static [FileKind] = &[$(FileKind::$v),+];
            /// The file stem, e.g. `persons`.
            pub fn stem(self) -> &'static str { match self { $(FileKind::$v => $file),+ } }
            /// The store table name.
            pub fn table(self) -> &'static str { match self { $(FileKind::$v => $table),+ } }
            /// The Chinese name of the file kind.
            pub fn label_zh(self) -> &'static str { match self { $(FileKind::$v => $zh),+ } }
            /// The columns, in file order.
            pub fn columns(self) -> &'static [Column] { match self { $(FileKind::$v => &$cols),+ } }
            /// The column positions forming the unique key.
            pub fn key(self) -> &'static [usize] { match self { $(FileKind::$v => &[$($key),+]),+ } }
            /// The format version that introduced the kind (1: v1, 2: v1.1).
            pub fn since(self) -> u8 { match self { $(FileKind::$v => $since),+ } }
        }
    };
}

kinds! {
    Regions = "regions", "regions", "行政区划", REGIONS, [0], 1;
    RegionStats = "region_stats", "region_stats", "年度统计", REGION_STATS, [0, 1], 1;
    Organisations = "organisations", "organisations", "组织", ORGANISATIONS, [0], 1;
    Pairings = "pairings", "pairings", "结对关系", PAIRINGS, [0], 1;
    Households = "households", "households", "建档立卡贫困户", HOUSEHOLDS, [0], 1;
    Persons = "persons", "persons", "家庭成员", PERSONS, [0], 1;
    Seekers = "seekers", "seekers", "求职登记", SEEKERS, [0], 2;
    HouseholdIncome = "household_income", "household_income", "家庭收入", HOUSEHOLD_INCOME, [0, 1], 1;
    Projects = "projects", "projects", "协作项目", PROJECTS, [0], 1;
    Milestones = "milestones", "milestones", "目标节点", MILESTONES, [0, 1], 1;
    Beneficiaries = "beneficiaries", "beneficiaries", "带贫对象", BENEFICIARIES, [0, 1], 1;
    Funds = "funds", "funds", "资金", FUNDS, [0], 1;
    Postings = "postings", "postings", "用工岗位", POSTINGS, [0], 2;
    Placements = "placements", "placements", "劳务协作", PLACEMENTS, [0], 1;
    Trainings = "trainings", "trainings", "培训", TRAININGS, [0], 1;
    TrainingAttendance = "training_attendance", "training_attendance", "培训参加人员", TRAINING_ATTENDANCE, [0, 1], 1;
    Secondments = "secondments", "secondments", "干部人才交流", SECONDMENTS, [0], 1;
    Investments = "investments", "investments", "产业合作", INVESTMENTS, [0], 1;
    Purchases = "purchases", "purchases", "消费帮扶", PURCHASES, [0], 1;
    Donations = "donations", "donations", "社会帮扶", DONATIONS, [0], 1;
    Meetings = "meetings", "meetings", "组织领导", MEETINGS, [0], 1;
    Targets = "targets", "targets", "帮扶协议目标", TARGETS, [0, 1, 2], 1;
    FundReceipts = "fund_receipts", "fund_receipts", "资金到账", FUND_RECEIPTS, [0], 5;
    PlacementConfirmations = "placement_confirmations", "placement_confirmations", "就业接收确认", PLACEMENT_CONFIRMATIONS, [0], 5;
    SecondmentArrivals = "secondment_arrivals", "secondment_arrivals", "挂职到岗确认", SECONDMENT_ARRIVALS, [0], 5;
    Sales = "sales", "sales", "产品销售确认", SALES, [0], 5;
}

/// The columns that hold personal data (个人信息): a registered person's
/// identity number and name, a seconded cadre's name, a milestone's
/// responsible person, a donor (an individual's name when the donor is one).
/// An error never quotes their cells.
pub const PERSONAL_COLUMNS: &[(FileKind, &str)] = &[
    (FileKind::Persons, "id_number"),
    (FileKind::Persons, "name"),
    (FileKind::Secondments, "person_name"),
    (FileKind::Milestones, "responsible"),
    (FileKind::Donations, "donor"),
    (FileKind::SecondmentArrivals, "person_name"),
];

impl FileKind {
    /// Whether an error may never quote any cell of this kind: the kinds
    /// whose rows are about a person (persons, secondments, donations, which
    /// may be an individual's), since a misaligned row puts a name or an
    /// identity number in any column. A milestone's responsible person is
    /// personal too, but only that column: it is free text, which no error
    /// quotes, and a milestone's other cells keep their quoted reasons (the
    /// conformance manifest's bad milestone date is one).
    pub fn holds_personal_data(self) -> bool {
        matches!(
            self,
            FileKind::Persons
                | FileKind::Secondments
                | FileKind::SecondmentArrivals
                | FileKind::Donations
        )
    }

    /// Whether a column of this kind holds personal data (`PERSONAL_COLUMNS`).
    pub fn is_personal(self, column: &str) -> bool {
        PERSONAL_COLUMNS.contains(&(self, column))
    }

    /// The kind whose file stem is `stem`.
    pub fn from_stem(stem: &str) -> Option<FileKind> {
        FileKind::ALL.iter().copied().find(|k| k.stem() == stem)
    }

    /// The position of a column by English name.
    pub fn col(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name == name)
    }

    /// The file name for a format, e.g. `persons.csv`.
    pub fn file_name(self, ext: &str) -> String {
        format!("{}.{ext}", self.stem())
    }
}

/// The labels table as Markdown: the documented definition of every header.
pub fn labels_markdown() -> String {
    let mut s =
        String::from("| file | column | 中文列名 | required | since |\n|---|---|---|---|---|\n");
    for k in FileKind::ALL {
        for col in k.columns() {
            let since = format_version(k.since().max(col.since));
            s.push_str(&format!(
                "| {}.csv | `{}` | {} | {} | {since} |\n",
                k.stem(),
                col.name,
                col.zh,
                if col.required { "yes" } else { "no" }
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_unique_within_a_file() {
        for k in FileKind::ALL {
            let cols = k.columns();
            for (i, a) in cols.iter().enumerate() {
                for b in &cols[i + 1..] {
                    assert_ne!(a.name, b.name, "{k:?}");
                    assert_ne!(a.zh, b.zh, "{k:?}");
                }
            }
        }
    }

    #[test]
    fn twenty_kinds_in_v1_two_in_v1_1_and_four_in_v1_2() {
        assert_eq!(FileKind::ALL.iter().filter(|k| k.since() == V1).count(), 20);
        assert_eq!(
            FileKind::ALL.iter().filter(|k| k.since() == V1_1).count(),
            2
        );
        assert_eq!(
            FileKind::ALL.iter().filter(|k| k.since() == V1_2).count(),
            4
        );
        assert_eq!(FileKind::ALL.len(), 26);
        assert_eq!(format_version(FileKind::Sales.since()), "v1.2");
        assert_eq!(
            FileKind::from_stem("training_attendance"),
            Some(FileKind::TrainingAttendance)
        );
        assert_eq!(FileKind::from_stem("person"), None);
    }
}

#[cfg(test)]
mod docs_tests {
    #[test]
    fn documented_labels_table_is_current() {
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/exchange-format-labels.md"
        ))
        .expect("docs/exchange-format-labels.md");
        assert!(
            doc.contains(&super::labels_markdown()),
            "regenerate docs/exchange-format-labels.md with `xiezuo schema`"
        );
    }
}
