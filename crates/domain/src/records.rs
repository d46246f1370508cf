//! The records of cooperation, one struct per kind of the exchange format.

use crate::enums::*;
use crate::id_number::IdNumber;
use crate::money::Fen;
use crate::region::RegionCode;
use crate::time::{DateRange, Year};
use crate::types::{Id, Party};
use chrono::NaiveDate;
use compact_str::CompactString;

/// Free text (names, courses, products).
pub type Text = CompactString;

/// A region of the administrative hierarchy (行政区划).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub code: RegionCode,
    pub name: Text,
    pub level: RegionLevel,
    pub parent: Option<RegionCode>,
    pub side: Option<Side>,
    pub poor_county: Option<bool>,
    pub poor_village: Option<bool>,
    pub deep_poverty: Option<bool>,
    pub exit_year: Option<Year>,
}

/// Yearly figures of a region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionStat {
    pub code: RegionCode,
    pub year: Year,
    pub rural_population: Option<i64>,
    pub fiscal_revenue: Option<Fen>,
    pub rural_income_per_capita: Option<Fen>,
}

/// An enterprise, social organisation, school, hospital or department.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub org_id: Id,
    pub name: Text,
    pub kind: OrgKind,
    pub region: RegionCode,
}

/// A pairing (结对关系): a helper party helps a helped party.
#[derive(Debug, Clone, PartialEq)]
pub struct Pairing {
    pub pairing_id: Id,
    pub helper: Party,
    pub helped: Party,
    pub level: RegionLevel,
    pub helper_kind: HelperKind,
    pub period: DateRange,
}

/// A registered poor household (建档立卡贫困户).
#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    pub household_id: Id,
    pub village: RegionCode,
    pub category: HouseholdCategory,
    pub identified_year: Year,
    pub exit_year: Option<Year>,
    pub monitor_type: Option<MonitorType>,
    pub monitor_year: Option<Year>,
}

/// A member of a registered household. Identity number and name are
/// personal data.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub person_id: Id,
    pub household_id: Id,
    pub id_number: IdNumber,
    pub name: Text,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub labor: Labor,
}

/// Yearly per-capita net income of a household (人均纯收入).
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdIncome {
    pub household_id: Id,
    pub year: Year,
    pub income_per_capita: Fen,
}

/// A cooperation project (协作项目).
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub project_id: Id,
    pub pairing_id: Id,
    pub year: Year,
    pub name: Text,
    pub category: ProjectCategory,
    pub county: RegionCode,
    pub village: Option<RegionCode>,
    pub budget: Fen,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: ProjectStatus,
}

/// A milestone of a project (目标节点) with its responsible person (责任人).
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub project_id: Id,
    pub seq: i64,
    pub name: Text,
    pub due_date: NaiveDate,
    pub done_date: Option<NaiveDate>,
    pub responsible: Text,
}

/// A household a project helps (带动贫困户).
#[derive(Debug, Clone, PartialEq)]
pub struct Beneficiary {
    pub project_id: Id,
    pub household_id: Id,
}

/// A row of the funds ledger (资金); corrections are reversal rows.
#[derive(Debug, Clone, PartialEq)]
pub struct FundTxn {
    pub txn_id: Id,
    pub date: NaiveDate,
    pub pairing_id: Id,
    pub project_id: Option<Id>,
    pub source: FundSource,
    pub kind: FundKind,
    pub amount: Fen,
    pub reverses: Option<Id>,
}

/// Free text or a party (employer, buyer, donor).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameOrParty {
    Party(Party),
    Name(Text),
}

/// A labour placement (劳务协作, 转移就业).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub placement_id: Id,
    pub person_id: Id,
    pub pairing_id: Id,
    pub employer: NameOrParty,
    pub work_region: RegionCode,
    pub period: DateRange,
    pub monthly_wage: Fen,
    /// The job posting this placement filled (v1.1), if it came from a match.
    pub posting_id: Option<Id>,
}

/// A job posting of an employer (用工岗位), for labour matching (v1.1).
#[derive(Debug, Clone, PartialEq)]
pub struct Posting {
    pub posting_id: Id,
    pub pairing_id: Id,
    pub employer: NameOrParty,
    pub work_region: RegionCode,
    pub positions: i64,
    pub monthly_wage: Fen,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    /// The labour capacity the job needs (`full`, or `weak` for light work).
    pub labor_required: Labor,
    /// Required trades or skills, `;`-separated (empty: none required).
    pub skills: Option<Text>,
    pub housing: bool,
    pub start_date: NaiveDate,
    pub closing_date: NaiveDate,
}

/// A registered person looking for work through a labour station
/// (劳务协作工作站), for labour matching (v1.1).
#[derive(Debug, Clone, PartialEq)]
pub struct Seeker {
    pub person_id: Id,
    pub station: Text,
    pub registered_date: NaiveDate,
    /// Region codes the seeker wants to work in, `;`-separated.
    pub wanted_regions: Vec<RegionCode>,
    pub max_distance: Option<DistanceClass>,
    pub min_wage: Fen,
    /// Trades or skills, `;`-separated.
    pub skills: Option<Text>,
    pub available_from: NaiveDate,
}

/// A training session (培训).
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    pub training_id: Id,
    pub pairing_id: Id,
    pub kind: TrainingKind,
    pub course: Text,
    pub start_date: NaiveDate,
    pub days: i64,
    pub attendees: i64,
}

/// A registered person attending a training.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    pub training_id: Id,
    pub person_id: Id,
}

/// A seconded cadre (挂职干部) or technician (专业技术人才).
#[derive(Debug, Clone, PartialEq)]
pub struct Secondment {
    pub secondment_id: Id,
    pub pairing_id: Id,
    pub direction: Direction,
    pub role: SecondmentRole,
    pub field: Option<Field>,
    pub person_name: Text,
    pub period: DateRange,
}

/// An investment that arrived (产业合作, 实际到位投资).
#[derive(Debug, Clone, PartialEq)]
pub struct Investment {
    pub investment_id: Id,
    pub pairing_id: Id,
    pub enterprise: Party,
    pub county: RegionCode,
    pub date: NaiveDate,
    pub amount: Fen,
    pub park: Option<Text>,
}

/// A purchase of western products (消费帮扶).
#[derive(Debug, Clone, PartialEq)]
pub struct Purchase {
    pub purchase_id: Id,
    pub pairing_id: Id,
    pub date: NaiveDate,
    pub buyer: NameOrParty,
    pub seller_county: RegionCode,
    pub product: Text,
    pub amount: Fen,
}

/// A donation (社会帮扶).
#[derive(Debug, Clone, PartialEq)]
pub struct Donation {
    pub donation_id: Id,
    pub pairing_id: Id,
    pub date: NaiveDate,
    pub donor: NameOrParty,
    pub donor_kind: DonorKind,
    pub amount: Fen,
    pub in_kind: bool,
}

/// A meeting or visit (组织领导).
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub meeting_id: Id,
    pub pairing_id: Id,
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub top_leader: bool,
}

/// A yearly agreement target (帮扶协议目标) for one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub pairing_id: Id,
    pub year: Year,
    pub indicator: crate::indicator::Indicator,
    /// Decimal target; money targets are in yuan.
    pub target: f64,
}

/// The receiving side's record of a fiscal transfer (资金到账, v1.2): what
/// arrived in the helped area's account, and how much of it was spent
/// (支出), to be reconciled against the helping side's disbursement.
#[derive(Debug, Clone, PartialEq)]
pub struct FundReceipt {
    pub receipt_id: Id,
    pub pairing_id: Id,
    /// The disbursement's `txn_id` as the sender gave it, if known.
    pub txn_id: Option<Id>,
    pub date: NaiveDate,
    pub amount: Fen,
    pub expended: Option<Fen>,
}

/// The receiving employer's or station's confirmation of a placement
/// (就业接收确认, v1.2).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementConfirmation {
    pub confirmation_id: Id,
    pub pairing_id: Id,
    /// The sending station's `placement_id`, if known.
    pub placement_id: Option<Id>,
    pub person_id: Id,
    pub employer: NameOrParty,
    pub period: DateRange,
    pub monthly_wage: Option<Fen>,
}

/// The receiving side's record of a seconded person's arrival (挂职到岗确认,
/// v1.2).
#[derive(Debug, Clone, PartialEq)]
pub struct SecondmentArrival {
    pub arrival_id: Id,
    pub pairing_id: Id,
    /// The sending side's `secondment_id`, if known.
    pub secondment_id: Option<Id>,
    pub person_name: Text,
    pub period: DateRange,
}

/// The western seller's record of a sale to the east (产品销售确认, v1.2),
/// reconciled against the eastern buyer's purchase.
#[derive(Debug, Clone, PartialEq)]
pub struct Sale {
    pub sale_id: Id,
    pub pairing_id: Id,
    /// The buyer's `purchase_id`, if known.
    pub purchase_id: Option<Id>,
    pub seller: NameOrParty,
    pub seller_county: RegionCode,
    pub date: NaiveDate,
    pub amount: Fen,
}
