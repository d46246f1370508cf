//! The wire types of the REST API (接口数据): what the platform's JSON
//! bodies hold. The web crate converts domain and engine values into them
//! by hand, and serializes only these; each derives its JSON Schema, from
//! which the OpenAPI document's component schemas are generated
//! (`schemas`), so the document cannot drift from what is sent.
//!
//! Amounts on the wire are yuan with two decimals (`monthly_wage`) where
//! the UI shows them; points are rounded to two decimals.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

mod check;
mod correction;
pub use check::*;
pub use correction::*;

/// An error answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBody {
    /// The stable code of the error kind (`bad_request`, `forbidden`, …).
    pub code: String,
    /// What went wrong; for internal failures a generic message.
    pub message: String,
    /// What went wrong, in Chinese.
    #[serde(default)]
    pub message_zh: String,
    /// A short id of the log line of an internal failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A value with its Chinese and English label.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Label {
    /// The value as files and the API write it.
    pub value: String,
    pub zh: String,
    pub en: String,
}

/// `GET /api/v1/labels`: the labels of what the interface shows.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LabelsBody {
    /// The values of every enum column by `kind.column` (`projects.status`).
    pub values: BTreeMap<String, Vec<Label>>,
    /// Every column's label by `kind.column`.
    pub columns: BTreeMap<String, Label>,
    /// The dataset file kinds (by file stem).
    pub kinds: Vec<Label>,
    /// The account roles.
    pub roles: Vec<Label>,
    /// The indicators of the assessment (指标), by id.
    pub indicators: Vec<Label>,
    /// The data-quality findings (数据质量问题), by id.
    pub findings: Vec<Label>,
    /// The grades (等次) of the default method, best first.
    pub grades: Vec<Label>,
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    pub status: String,
}

/// The caller of a request (`GET`/`POST /api/v1/session`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CallerBody {
    /// The login, or `-` for the public.
    pub login: String,
    /// `admin`, `assessor`, `office`, `organisation` or `public`.
    pub role: String,
    pub role_zh: String,
    /// The office's region code.
    pub region: Option<String>,
    /// The organisation's id.
    pub organisation: Option<String>,
    /// May see identity numbers and names in full.
    pub personal_data: bool,
    /// The CSRF token to send in `X-CSRF-Token` with cookie writes.
    pub csrf: Option<String>,
}

/// A party of a pairing: a region, or an organisation (`org:<id>`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PartyBody {
    /// `region` or `organisation`.
    pub kind: String,
    /// The region code, or `org:<id>`.
    pub code: String,
    pub name: String,
    /// A region's level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// An organisation's region code and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_name: Option<String>,
}

/// Points of one component of a score.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ComponentPoints {
    pub name: String,
    pub points: f64,
}

/// One side of one pairing in a ranking.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RankingRow {
    pub pairing_id: String,
    pub level: String,
    pub helper: PartyBody,
    pub helped: PartyBody,
    /// The province codes of the helper and of the helped.
    pub provinces: [String; 2],
    /// `east` (the helper is scored) or `west` (the helped).
    pub side: String,
    pub components: Vec<ComponentPoints>,
    pub total: f64,
    pub grade: String,
}

/// `GET /api/v1/assessments/{year}`: the ranking of a year, best first.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RankingBody {
    pub year: i32,
    /// The method's id.
    pub method: String,
    /// The component columns, in the method's order.
    pub columns: Vec<String>,
    pub rows: Vec<RankingRow>,
}

/// The lexicographic objective of a matching.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveBody {
    pub priority_households: u64,
    pub poor_placed: u64,
    pub fit: i64,
}

/// A proposed placement of a seeker.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProposalBody {
    pub person_id: String,
    pub posting_id: String,
    pub work_region: String,
    /// Yuan per month.
    pub monthly_wage: f64,
    pub fit: i32,
    pub no_one_employed: bool,
    pub registered_poor: bool,
}

/// A seeker left unmatched, and why.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UnmatchedBody {
    pub person_id: String,
    /// `already_employed`, `no_posting_in_reach`, `not_eligible`, `capacity_taken`.
    pub reason: String,
    pub detail: String,
}

/// Placements that started long enough ago, and those still held.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RetentionBody {
    pub started: usize,
    pub kept: usize,
}

/// A placement that ended early: the person is back in the pool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FollowUpBody {
    pub placement_id: String,
    pub person_id: String,
    pub start: String,
    pub end: Option<String>,
}

/// `GET /api/v1/labour/station`: a labour station's day.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StationBody {
    pub date: String,
    /// The day shown when none is asked for: the latest day the data
    /// speaks of on which a posting is open.
    pub default_date: Option<String>,
    /// The station shown, or none for all.
    pub station: Option<String>,
    pub stations: Vec<String>,
    pub seekers: usize,
    pub open_postings: usize,
    pub open_positions: u64,
    pub optimal: ObjectiveBody,
    pub greedy: ObjectiveBody,
    pub proposals: Vec<ProposalBody>,
    pub unmatched: Vec<UnmatchedBody>,
    pub confirmed_placements: usize,
    pub retention_3_months: RetentionBody,
    pub retention_6_months: RetentionBody,
    pub follow_up: Vec<FollowUpBody>,
}

/// A row error of an import, an upload check or a form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RowError {
    pub file: String,
    /// The line in the file (the header is line 1; 0: the whole file).
    pub line: u64,
    /// The column, or empty for the whole row.
    pub column: String,
    /// The column's Chinese label (the schema's), or the column as given.
    #[serde(default)]
    pub column_zh: String,
    /// The stable code of the reason (`other`: a reason given as text only).
    #[serde(default)]
    pub code: String,
    /// The reason's parameters by name.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The reason in English.
    pub reason: String,
    /// The reason in Chinese.
    #[serde(default)]
    pub reason_zh: String,
}

/// Rows of one file kind: read, new, changed, unchanged, rejected.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FileCounts {
    pub file: String,
    pub read: u64,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

/// The report of an import (an upload's check or commit).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ImportReportBody {
    pub errors: Vec<RowError>,
    /// What was read but deserves a look (hidden rows of a sheet, imported
    /// like the others); warnings do not make an upload invalid.
    #[serde(default)]
    pub warnings: Vec<RowError>,
    pub counts: Vec<FileCounts>,
    /// The batch stored, if anything was.
    pub batch_id: Option<i64>,
}

/// The result of an upload's check job: its report, and the token to
/// commit it with.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct UploadCheckBody {
    #[serde(flatten)]
    pub report: ImportReportBody,
    pub token: String,
    pub files: Vec<String>,
    /// No row has an error: the upload may be committed.
    pub valid: bool,
}

/// A job started (`{"job": id}`), with an upload's token where there is one.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct JobStarted {
    pub job: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// `GET /api/v1/jobs/{id}`: a background job.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct JobBody {
    pub id: String,
    /// `upload check`, `upload import`, `assessment`.
    pub kind: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// From 0 to 1.
    pub progress: f64,
    /// The job's result once done (an upload check: `UploadCheckBody`; an
    /// import: `ImportReportBody`).
    pub result: Value,
    /// Why it failed.
    pub error: Option<String>,
}

/// A field error of a form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FieldError {
    pub column: String,
    /// The column's Chinese label.
    #[serde(default)]
    pub column_zh: String,
    /// The stable code of the reason.
    #[serde(default)]
    pub code: String,
    /// The reason's parameters by name.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The reason in English.
    pub reason: String,
    /// The reason in Chinese.
    #[serde(default)]
    pub reason_zh: String,
}

/// `POST /api/v1/records/{kind}`: what saving one record did.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SavedRecord {
    pub saved: bool,
    pub batch_id: Option<i64>,
    pub errors: Vec<FieldError>,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
}

/// `POST /api/v1/labour/confirm`: the placements stored from the day's
/// proposals.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ConfirmedBody {
    pub confirmed: usize,
    pub batch_id: Option<i64>,
    pub errors: Vec<RowError>,
}

/// A round's freeze (数据锁定): when, by whom, why, and what it fixed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FreezeBody {
    pub version: u32,
    pub at: String,
    pub actor: String,
    pub reason: String,
    /// The last import batch the frozen data contains.
    pub last_batch: Option<i64>,
    pub method_id: String,
    /// The frozen output files.
    pub files: Vec<String>,
}

/// One recorded step of a round.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RoundEventBody {
    pub at: String,
    pub actor: String,
    /// `open`, `advance` or `freeze`.
    pub action: String,
    pub from: Option<String>,
    pub to: String,
    pub reason: String,
}

/// `GET /api/v1/rounds/{year}`: the assessment round of a year (考核轮次).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RoundBody {
    pub year: i32,
    pub method_id: String,
    /// open, self_evaluation, cross_check, review, approved, published.
    pub state: String,
    /// The state's Chinese name.
    pub state_zh: String,
    /// The state a step may move it to, if any.
    pub next: Option<String>,
    pub frozen: Option<FreezeBody>,
    pub events: Vec<RoundEventBody>,
    /// Each step's deadline from the method file, and whether it is late.
    pub deadlines: Vec<StepDueBody>,
    /// The cross-check samples drawn (`xiezuo sample`), with their seeds.
    pub samples: Vec<SampleBody>,
}

/// A cross-check sample drawn for a round (交叉核查抽样).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SampleBody {
    pub seed: u64,
    pub at: String,
    pub actor: String,
    /// SHA-256 of `sample.csv`, lower-case hex.
    pub digest: String,
    pub method_id: String,
    /// Sampled rows by record kind.
    pub counts: std::collections::BTreeMap<String, u64>,
}

/// A step's deadline in a round (考核时间节点).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StepDueBody {
    pub step: String,
    /// YYYY-MM-DD.
    pub due: String,
    /// The round has moved past the step.
    pub done: bool,
    /// Not done and past its date (China time): 逾期.
    pub overdue: bool,
}

/// `GET /api/v1/rounds`: every round, by year.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RoundsBody {
    pub rounds: Vec<RoundBody>,
}

/// The body of `POST /api/v1/rounds/{year}/advance`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RoundStep {
    /// The next state.
    pub to: String,
    /// Why (required).
    pub reason: String,
}

/// The body of `POST /api/v1/rounds/{year}/open` and `/freeze`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RoundReason {
    /// Why (required).
    pub reason: String,
    /// The method id (default xz-v1).
    #[serde(default)]
    pub method: Option<String>,
}

/// One indicator of a self-evaluation: the frozen value and the claim
/// (empty: null).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ClaimBody {
    pub indicator: String,
    pub computed: String,
    pub claimed: String,
    /// The claim differs from the frozen value: a finding of the round.
    pub differs: bool,
}

/// The paired party's opinion of a self-evaluation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OpinionBody {
    pub by: String,
    pub at: String,
    pub agrees: bool,
    pub text: String,
}

/// One side's self-evaluation (自评) of a pairing.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SideEvaluationBody {
    /// `east` or `west`.
    pub side: String,
    /// The side's party: a region code or `org:<id>`.
    pub party: String,
    /// Whether the caller may submit this side's self-evaluation.
    pub may_submit: bool,
    /// Whether the caller may give the paired party's opinion of it.
    pub may_give_opinion: bool,
    /// Absent until the side submits.
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub narrative: Option<String>,
    pub claims: Vec<ClaimBody>,
    /// How many claims differ from the frozen values.
    pub mismatches: usize,
    pub opinion: Option<OpinionBody>,
    /// Earlier submissions.
    pub resubmissions: usize,
    /// The side's attachments (佐证材料), in the order added.
    #[serde(default)]
    pub attachments: Vec<AttachmentBody>,
}

/// An attachment of a self-evaluation; its content is at
/// `…/self-evaluations/{id}/{side}/attachments/{n}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AttachmentBody {
    pub n: u32,
    pub name: String,
    pub media_type: String,
    pub bytes: u64,
    pub sha256: String,
    pub by: String,
    pub at: String,
}

/// `GET /api/v1/rounds/{year}/self-evaluations/{id}`: both sides of a pairing.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SelfEvaluationsBody {
    pub year: i32,
    pub pairing_id: String,
    pub sides: Vec<SideEvaluationBody>,
}

/// The body of `POST /api/v1/rounds/{year}/self-evaluations/{id}/{side}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SelfEvaluationSubmit {
    /// Claimed values by indicator id; an indicator left out claims its
    /// frozen value, an empty one null.
    #[serde(default)]
    pub claims: std::collections::BTreeMap<String, String>,
    pub narrative: String,
}

/// The body of `POST /api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OpinionSubmit {
    pub agrees: bool,
    pub text: String,
}

/// An assessor's decision on an appeal.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DecisionBody {
    pub upheld: bool,
    pub comment: String,
    pub by: String,
    pub at: String,
    /// The frozen version an upheld appeal made.
    pub version: Option<u32>,
}

/// An appeal (申诉) of a round: of an indicator value (`indicator`,
/// `value`), of a finding (`finding`, `record_kind`, `record_id`) or of a
/// falsification penalty on a record (`record_kind`, `record_id`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppealBody {
    pub id: u32,
    pub pairing_id: String,
    pub side: String,
    /// `indicator`, `finding` or `penalty`.
    pub kind: String,
    pub indicator: Option<String>,
    pub value: Option<String>,
    pub finding: Option<String>,
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    pub reason: String,
    pub evidence: String,
    pub by: String,
    pub at: String,
    pub decision: Option<DecisionBody>,
}

/// `GET /api/v1/rounds/{year}/appeals`: the appeals the caller may see.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppealsBody {
    pub year: i32,
    pub appeals: Vec<AppealBody>,
    /// The records penalised now for falsification (弄虚作假扣分) in the
    /// caller's pairings, which may be appealed.
    #[serde(default)]
    pub penalties: Vec<PenalisedBody>,
}

/// A record penalised for falsification.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PenalisedBody {
    pub pairing_id: String,
    pub record_kind: String,
    pub record_id: String,
}

/// The body of `POST /api/v1/rounds/{year}/appeals`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppealSubmit {
    pub pairing_id: String,
    pub side: String,
    #[serde(default)]
    pub indicator: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub finding: Option<String>,
    #[serde(default)]
    pub record_kind: Option<String>,
    #[serde(default)]
    pub record_id: Option<String>,
    /// An appeal of the penalty on `record_kind`/`record_id`.
    #[serde(default)]
    pub penalty: bool,
    pub reason: String,
    #[serde(default)]
    pub evidence: String,
}

/// The body of `POST /api/v1/rounds/{year}/appeals/{id}/decision`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DecisionSubmit {
    pub upheld: bool,
    pub comment: String,
}

/// One pairing's traceability (可追溯率): money and people sent in the
/// year, and what of it the other side confirmed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TraceabilityRow {
    pub pairing_id: String,
    /// Yuan with two decimals (funds and purchases).
    pub money_sent: String,
    pub money_confirmed: String,
    /// `money_confirmed / money_sent`; null when nothing was sent.
    pub money_share: Option<f64>,
    /// Placements and secondments.
    pub people_sent: u64,
    pub people_confirmed: u64,
    pub people_share: Option<f64>,
}

/// An item of the reconciliation that is not matched: a finding of both
/// parties of its pairing.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReconciliationFinding {
    /// `funds`, `placements`, `secondments` or `purchases`.
    pub flow: String,
    pub flow_zh: String,
    pub pairing_id: String,
    pub helper: String,
    pub helped: String,
    /// `overspent`, `amount_differs`, `date_differs`, `person_differs`,
    /// `duplicate`, `unknown_reference`, `unconfirmed` or `unreported`.
    pub status: String,
    pub status_zh: String,
    pub sent_id: Option<String>,
    pub received_id: Option<String>,
    pub sent_date: Option<String>,
    pub received_date: Option<String>,
    /// Yuan with two decimals (a monthly wage for placements).
    pub sent_amount: Option<String>,
    pub received_amount: Option<String>,
}

/// `GET /api/v1/reconciliation/{year}`: the two-sided reconciliation (对账)
/// of the caller's pairings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReconciliationBody {
    pub year: i32,
    pub method: String,
    pub amount_tolerance_fen: i64,
    pub date_tolerance_days: i64,
    /// The flows reconciled: those whose receiving side reported anything.
    pub flows: Vec<String>,
    pub traceability: Vec<TraceabilityRow>,
    /// Findings by status (`unconfirmed` …), over the caller's pairings.
    pub counts: BTreeMap<String, u64>,
    pub findings: Vec<ReconciliationFinding>,
}

/// The component schemas of every wire type, by name, as the OpenAPI 3.1
/// document holds them (`#/components/schemas/<Name>`).
pub fn schemas() -> Map<String, Value> {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    macro_rules! all {
        ($($t:ty),* $(,)?) => {{
            let mut out = Map::new();
            $(
                let schema = generator.root_schema_for::<$t>();
                let mut v = schema.to_value();
                if let Some(o) = v.as_object_mut() {
                    o.remove("$schema");
                    o.remove("$defs");
                    o.remove("components");
                }
                out.insert(<$t as JsonSchema>::schema_name().into_owned(), v);
            )*
            for (name, def) in generator.definitions().clone() {
                out.entry(name).or_insert(def);
            }
            out
        }};
    }
    all!(
        ErrorBody,
        ReconciliationBody,
        Health,
        LabelsBody,
        CallerBody,
        RankingBody,
        StationBody,
        ImportReportBody,
        UploadCheckBody,
        JobStarted,
        JobBody,
        SavedRecord,
        ConfirmedBody,
        RoundBody,
        RoundsBody,
        RoundStep,
        RoundReason,
        SelfEvaluationsBody,
        AttachmentBody,
        SelfEvaluationSubmit,
        OpinionSubmit,
        AppealBody,
        AppealsBody,
        PenalisedBody,
        AppealSubmit,
        DecisionSubmit,
        VerifiedRatesBody,
        CorrectionBody,
        CorrectionsBody,
        CorrectionFiled,
        CorrectionDecide,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_named_and_references_resolve() {
        let s = schemas();
        for name in [
            "RankingBody",
            "RankingRow",
            "PartyBody",
            "StationBody",
            "JobBody",
        ] {
            assert!(s.contains_key(name), "{name}: {:?}", s.keys());
        }
        let text = Value::Object(s.clone()).to_string();
        for (i, _) in text.match_indices("#/components/schemas/") {
            let rest = &text[i + "#/components/schemas/".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(s.contains_key(&name), "unresolved reference {name}");
        }
        let row = &s["RankingRow"]["properties"];
        assert_eq!(row["helper"]["$ref"], "#/components/schemas/PartyBody");
    }
}
