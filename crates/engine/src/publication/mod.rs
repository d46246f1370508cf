//! Publication (审定公布): what a round's result is once it leaves the
//! national office. Everything here is read from the round's frozen output
//! files (the latest frozen version, which carries the applied penalties and
//! the upheld appeals), never from live data:
//!
//! - the latest published round, whose grades the public overview shows;
//! - a party's report (考核报告): its scores and rank, the pairing's
//!   indicators beside the party's self-evaluation (自评), its findings,
//!   penalties, appeals with their decisions, and the round's history, as
//!   print-ready HTML in Chinese (`html`); marked 初步结果 until published;
//! - the XLSX of the whole round (`workbook`).

pub mod html;
pub mod workbook;

use crate::appeal::{self, Appeal, AppealError};
use crate::assess::data::{AssessmentData, PartyRef};
use crate::assess::method::Method;
use crate::round::{self, Freeze, OutputFiles, Round, RoundError, RoundEvent, RoundState};
use crate::self_evaluation::{self, SelfEvaluation, SelfEvaluationError};
use std::collections::HashMap;
use xiezuo_domain::{Finding, Indicator, IndicatorUnit, Message, Year};
use xiezuo_exchange::FileKind;

/// Why a report or the round's workbook cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum PublicationError {
    #[error(transparent)]
    Round(#[from] RoundError),
    #[error("the {0} assessment round is not frozen: it has no result to report yet")]
    NotFrozen(Year),
    #[error("pairing {pairing} is not assessed in {year}")]
    NotAssessed { pairing: String, year: Year },
    #[error("unknown side {0:?} (east, west)")]
    BadSide(String),
    #[error("the frozen result cannot be read back: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Appeal(#[from] AppealError),
    #[error(transparent)]
    SelfEvaluation(#[from] SelfEvaluationError),
    #[error(transparent)]
    Write(#[from] xiezuo_exchange::writer::WriteError),
}

impl PublicationError {
    /// This refusal as a catalogue message.
    pub fn message(&self) -> Message {
        use PublicationError as E;
        match self {
            E::Round(r) => r.message(),
            E::NotFrozen(y) => Message::new("publication.not_frozen").with("year", y),
            E::NotAssessed { pairing, year } => Message::new("process.not_assessed")
                .with("pairing", pairing)
                .with("year", year),
            E::BadSide(s) => Message::new("process.bad_side").with("value", format!("{s:?}")),
            E::Corrupt(d) => Message::new("appeal.corrupt").with("detail", d),
            E::Appeal(a) => a.message(),
            E::SelfEvaluation(s) => s.message(),
            E::Write(_) => Message::other(self.to_string()),
        }
    }
}

/// A CSV output file read back: its header and rows, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The position of a column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The value of `name` in `row` ("" when the column is absent).
    pub fn get<'t>(&self, row: &'t [String], name: &str) -> &'t str {
        self.col(name)
            .and_then(|i| row.get(i))
            .map_or("", String::as_str)
    }
}

/// The frozen result of a round: the round and its latest frozen version.
#[derive(Debug, Clone)]
pub struct RoundResult {
    pub round: Round,
    pub freeze: Freeze,
    pub files: OutputFiles,
}

impl RoundResult {
    /// Whether the result is published (公布); before that it is preliminary.
    pub fn published(&self) -> bool {
        self.round.state == RoundState::Published
    }

    /// An output file as a table (empty when the round has no such file,
    /// e.g. `penalties.csv` before penalties are applied).
    pub fn table(&self, name: &str) -> Result<Table, PublicationError> {
        let Some((_, bytes)) = self.files.iter().find(|(n, _)| n == name) else {
            return Ok(Table::default());
        };
        let corrupt = |e: csv::Error| PublicationError::Corrupt(format!("{name}: {e}"));
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes.as_slice());
        let header = r
            .headers()
            .map_err(corrupt)?
            .iter()
            .map(String::from)
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            rows.push(rec.map_err(corrupt)?.iter().map(String::from).collect());
        }
        Ok(Table { header, rows })
    }
}

/// The frozen result of a year's round, published or not; `None` when the
/// year has no round or it is not frozen.
pub fn result(
    store: &dyn xiezuo_store::Store,
    year: Year,
) -> Result<Option<RoundResult>, RoundError> {
    let Some(r) = round::round(store, year)? else {
        return Ok(None);
    };
    Ok(
        round::frozen_outputs(store, year)?.map(|(freeze, files)| RoundResult {
            round: r,
            freeze,
            files,
        }),
    )
}

/// The frozen result of a year's round; refused when the year has no
/// round (`NoRound`) or it is not frozen yet.
pub fn frozen_result(
    store: &dyn xiezuo_store::Store,
    year: Year,
) -> Result<RoundResult, PublicationError> {
    match result(store, year)? {
        Some(r) => Ok(r),
        None => {
            round::round(store, year)?.ok_or(RoundError::NoRound(year))?;
            Err(PublicationError::NotFrozen(year))
        }
    }
}

/// The latest published round (its year's state is `published`): what
/// the public overview shows. Reads only the rounds, not their files.
pub fn latest_published_round(
    store: &dyn xiezuo_store::Store,
) -> Result<Option<Round>, RoundError> {
    Ok(round::rounds(store)?
        .into_values()
        .rev()
        .find(|r| r.state == RoundState::Published && r.frozen.is_some()))
}

/// The latest published round's result.
pub fn latest_published(
    store: &dyn xiezuo_store::Store,
) -> Result<Option<RoundResult>, RoundError> {
    match latest_published_round(store)? {
        Some(r) => result(store, r.year),
        None => Ok(None),
    }
}

/// Grade counts per side of a published round's frozen `scores.csv`
/// (reads that one file).
pub fn published_grades(
    store: &dyn xiezuo_store::Store,
    r: &Round,
) -> Result<
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>,
    PublicationError,
> {
    let Some(f) = r.frozen.clone() else {
        return Err(PublicationError::NotFrozen(r.year));
    };
    let scores = round::frozen_file(store, r, "scores.csv")?.unwrap_or_default();
    grade_counts(&RoundResult {
        round: r.clone(),
        freeze: f,
        files: vec![("scores.csv".into(), scores)],
    })
}

/// Grade counts per side of a result's `scores.csv`: side → grade → count.
pub fn grade_counts(
    r: &RoundResult,
) -> Result<
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>>,
    PublicationError,
> {
    let scores = r.table("scores.csv")?;
    let mut counts: std::collections::BTreeMap<String, std::collections::BTreeMap<String, usize>> =
        Default::default();
    for row in &scores.rows {
        *counts
            .entry(scores.get(row, "side").to_string())
            .or_default()
            .entry(scores.get(row, "grade").to_string())
            .or_default() += 1;
    }
    Ok(counts)
}

/// The Chinese label of an assessed side (考核对象).
pub fn side_zh(side: &str) -> &'static str {
    round::messages::side_zh(side)
}

/// A party's name as reports show it: a region's name, or an
/// organisation's with its region.
pub fn party_name(d: &AssessmentData, p: PartyRef) -> String {
    match p {
        PartyRef::Region(r) => d.regions[r as usize].name.to_string(),
        PartyRef::Org(o) => {
            let region = &d.regions[d.org_region[o as usize] as usize].name;
            format!("{}（{region}）", d.org_names[o as usize])
        }
    }
}

/// A pairing's name (helper—helped), or its id when the store no longer
/// holds it.
pub fn pairing_name(d: &AssessmentData, pairing: &str) -> String {
    match d.pairing_idx.get(pairing) {
        Some(&i) => format!(
            "{}—{}",
            party_name(d, d.pairing_helper[i as usize]),
            party_name(d, d.pairing_helped[i as usize])
        ),
        None => pairing.to_string(),
    }
}

/// The Chinese label of a record kind that findings and penalties name.
pub fn record_kind_zh(kind: &str) -> String {
    FileKind::ALL
        .iter()
        .find(|k| {
            let s = k.stem();
            s == kind
                || s.strip_suffix('s') == Some(kind)
                || s.strip_suffix("ies")
                    .is_some_and(|b| kind.strip_suffix('y') == Some(b))
                || s.ends_with(&format!("_{kind}"))
        })
        .map_or(kind.to_string(), |k| k.label_zh().to_string())
}

/// An indicator value as written in the files, for reading: money with
/// thousands separators and 元, rates as percentages; empty: 无数据.
pub fn value_zh(indicator: &str, value: &str) -> String {
    if value.is_empty() {
        return "无数据".into();
    }
    let unit = Indicator::parse(indicator).map(Indicator::unit);
    match (unit, value.parse::<f64>()) {
        (Some(IndicatorUnit::Rate), Ok(v)) => format!("{:.2}%", v * 100.0),
        (Some(IndicatorUnit::Money), Ok(_)) => format!("{} 元", thousands(value)),
        _ => value.to_string(),
    }
}

/// `1234567.80` → `1,234,567.80` (the text as written, grouped).
fn thousands(v: &str) -> String {
    let (sign, v) = v.strip_prefix('-').map_or(("", v), |r| ("-", r));
    let (int, frac) = v.split_once('.').map_or((v, None), |(a, b)| (a, Some(b)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// The label of a score column (组织领导 …) from the method.
pub fn component_zh(method: &Method, column: &str) -> String {
    method
        .sides
        .iter()
        .flat_map(|s| &s.components)
        .find(|c| c.name == column)
        .map_or(column.to_string(), |c| c.label.clone())
}

/// The label of a grade (好 …) from the method.
pub fn grade_zh(method: &Method, grade: &str) -> String {
    method
        .grades
        .iter()
        .find(|g| g.grade == grade && !g.label.is_empty())
        .map_or(grade.to_string(), |g| g.label.clone())
}

/// One indicator of a report: the frozen value and the party's claim.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorLine {
    pub indicator: String,
    pub value: String,
    /// The value the party claimed in its self-evaluation, if it did.
    pub claimed: Option<String>,
}

/// A penalty of the cross-check (核查扣分) on the party.
#[derive(Debug, Clone, PartialEq)]
pub struct PenaltyLine {
    pub record_kind: String,
    pub record_id: String,
    pub points: String,
    pub evidence: String,
}

/// One party's report of a round (考核报告): what the round's frozen
/// result says about it.
#[derive(Debug, Clone)]
pub struct PartyReport {
    pub year: Year,
    pub method_id: String,
    pub state: RoundState,
    pub freeze: Freeze,
    pub pairing_id: String,
    pub pairing_name: String,
    pub side: String,
    /// The party's own name (the helper's for `east`, the helped's for `west`).
    pub party_name: String,
    pub level: String,
    /// Score columns with their points as written ("" where the side has none).
    pub components: Vec<(String, String)>,
    pub total: String,
    pub grade: String,
    /// (rank, parties ranked in the group of the same side and level).
    pub rank: Option<(u32, u32)>,
    pub indicators: Vec<IndicatorLine>,
    /// (finding, record kind, record id).
    pub findings: Vec<(String, String, String)>,
    pub penalties: Vec<PenaltyLine>,
    pub appeals: Vec<Appeal>,
    pub self_evaluation: Option<SelfEvaluation>,
    /// The documents filed with the self-evaluation (佐证材料).
    pub attachments: Vec<crate::evidence::Attachment>,
    pub events: Vec<RoundEvent>,
}

impl PartyReport {
    /// Whether the report shows the published result (else 初步结果).
    pub fn published(&self) -> bool {
        self.state == RoundState::Published
    }
}

/// A table's rows by pairing id.
type ByPairing = HashMap<String, Vec<usize>>;

fn by_pairing(t: &Table) -> ByPairing {
    let mut m: ByPairing = HashMap::new();
    if let Some(c) = t.col("pairing_id") {
        for (i, row) in t.rows.iter().enumerate() {
            m.entry(row[c].clone()).or_default().push(i);
        }
    }
    m
}

/// A round's frozen result read once, indexed by pairing, from which the
/// report of every party is made.
pub struct ReportSource {
    pub result: RoundResult,
    scores: (Table, ByPairing),
    ranking: (Table, ByPairing),
    findings: (Table, ByPairing),
    penalties: (Table, ByPairing),
    indicators: HashMap<String, Vec<(String, String)>>,
    /// (rank group: side and level) → parties ranked in it.
    group_sizes: HashMap<(String, String), u32>,
    appeals: Vec<Appeal>,
}

impl ReportSource {
    /// Reads a year's frozen result (refused when not frozen).
    pub fn load(
        store: &dyn xiezuo_store::Store,
        year: Year,
    ) -> Result<ReportSource, PublicationError> {
        let result = frozen_result(store, year)?;
        let indexed = |name: &str| -> Result<(Table, ByPairing), PublicationError> {
            let t = result.table(name)?;
            let m = by_pairing(&t);
            Ok((t, m))
        };
        let (scores, ranking) = (indexed("scores.csv")?, indexed("ranking.csv")?);
        let (findings, penalties) = (indexed("findings.csv")?, indexed("penalties.csv")?);
        let mut indicators: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (p, i, v) in round::frozen_indicators(&result.files) {
            indicators.entry(p).or_default().push((i, v));
        }
        let mut group_sizes = HashMap::new();
        for row in &ranking.0.rows {
            let key = (
                ranking.0.get(row, "side").to_string(),
                ranking.0.get(row, "level").to_string(),
            );
            *group_sizes.entry(key).or_default() += 1;
        }
        Ok(ReportSource {
            appeals: appeal::appeals(store, year)?,
            result,
            scores,
            ranking,
            findings,
            penalties,
            indicators,
            group_sizes,
        })
    }

    /// The scored parties: (pairing, side), in the order of `scores.csv`.
    pub fn parties(&self) -> Vec<(String, String)> {
        let t = &self.scores.0;
        t.rows
            .iter()
            .map(|r| {
                (
                    t.get(r, "pairing_id").to_string(),
                    t.get(r, "side").to_string(),
                )
            })
            .collect()
    }

    /// The rows of `table` for one party (`side` None: the whole pairing).
    fn rows<'s>(
        (t, m): &'s (Table, ByPairing),
        pairing: &str,
        side: Option<&str>,
    ) -> impl Iterator<Item = &'s Vec<String>> {
        m.get(pairing)
            .into_iter()
            .flatten()
            .map(|&i| &t.rows[i])
            .filter(move |r| side.is_none_or(|s| t.get(r, "side") == s))
    }

    /// The report of one party (`side` of `pairing`).
    pub fn report(
        &self,
        store: &dyn xiezuo_store::Store,
        data: &AssessmentData,
        pairing: &str,
        side: &str,
    ) -> Result<PartyReport, PublicationError> {
        let year = self.result.round.year;
        check_side(side)?;
        let scores = &self.scores.0;
        let row = Self::rows(&self.scores, pairing, Some(side))
            .next()
            .ok_or_else(|| PublicationError::NotAssessed {
                pairing: pairing.to_string(),
                year,
            })?;
        let fixed = ["pairing_id", "year", "side", "total", "grade"];
        let components = scores
            .header
            .iter()
            .filter(|h| !fixed.contains(&h.as_str()))
            .map(|h| (h.clone(), scores.get(row, h).to_string()))
            .collect();
        let ranking = &self.ranking.0;
        let (level, rank) = match Self::rows(&self.ranking, pairing, Some(side)).next() {
            Some(m) => {
                let level = ranking.get(m, "level").to_string();
                let of = self
                    .group_sizes
                    .get(&(side.to_string(), level.clone()))
                    .copied()
                    .unwrap_or(0);
                let rank = ranking.get(m, "rank").parse().ok().map(|n| (n, of));
                (level, rank)
            }
            None => (String::new(), None),
        };
        let se = self_evaluation::get(store, year, pairing, side)?;
        let attachments = crate::evidence::attachments(store, year, pairing, side)?;
        let claim = |i: &str| {
            se.as_ref().and_then(|s| {
                s.current
                    .claims
                    .iter()
                    .find(|c| c.indicator == i)
                    .map(|c| c.claimed.clone())
            })
        };
        let indicators = self
            .indicators
            .get(pairing)
            .into_iter()
            .flatten()
            .map(|(indicator, value)| IndicatorLine {
                claimed: claim(indicator),
                indicator: indicator.clone(),
                value: value.clone(),
            })
            .collect();
        let f = &self.findings.0;
        let findings = Self::rows(&self.findings, pairing, None)
            .map(|x| {
                (
                    f.get(x, "finding").to_string(),
                    f.get(x, "record_kind").to_string(),
                    f.get(x, "record_id").to_string(),
                )
            })
            .collect();
        let p = &self.penalties.0;
        let penalties = Self::rows(&self.penalties, pairing, Some(side))
            .map(|x| PenaltyLine {
                record_kind: p.get(x, "record_kind").to_string(),
                record_id: p.get(x, "record_id").to_string(),
                points: p.get(x, "points").to_string(),
                evidence: p.get(x, "evidence").to_string(),
            })
            .collect();
        let appeals = self
            .appeals
            .iter()
            .filter(|a| a.pairing_id == pairing && a.side == side)
            .cloned()
            .collect();
        let party = data.pairing_idx.get(pairing).map(|&i| {
            let p = if side == "east" {
                data.pairing_helper[i as usize]
            } else {
                data.pairing_helped[i as usize]
            };
            party_name(data, p)
        });
        let r = &self.result;
        Ok(PartyReport {
            year,
            method_id: r.freeze.method_id.clone(),
            state: r.round.state,
            pairing_id: pairing.to_string(),
            pairing_name: pairing_name(data, pairing),
            side: side.to_string(),
            party_name: party.unwrap_or_else(|| pairing.to_string()),
            level,
            components,
            total: scores.get(row, "total").to_string(),
            grade: scores.get(row, "grade").to_string(),
            rank,
            indicators,
            findings,
            penalties,
            appeals,
            self_evaluation: se,
            attachments,
            events: r.round.events.clone(),
            freeze: r.freeze.clone(),
        })
    }
}

/// `east` or `west`.
fn check_side(side: &str) -> Result<(), PublicationError> {
    match side {
        "east" | "west" => Ok(()),
        _ => Err(PublicationError::BadSide(side.to_string())),
    }
}

/// The report of one party (`side` of `pairing`) in a year's round.
pub fn party_report(
    store: &dyn xiezuo_store::Store,
    data: &AssessmentData,
    year: Year,
    pairing: &str,
    side: &str,
) -> Result<PartyReport, PublicationError> {
    // The input first, then the store.
    check_side(side)?;
    ReportSource::load(store, year)?.report(store, data, pairing, side)
}

/// The Chinese label of a finding code (as written in `findings.csv`).
pub fn finding_zh(code: &str) -> String {
    Finding::parse(code).map_or(code.to_string(), |f| f.label_zh().to_string())
}

/// The Chinese label of an indicator code.
pub fn indicator_zh(code: &str) -> String {
    Indicator::parse(code).map_or(code.to_string(), |i| i.label_zh().to_string())
}

#[cfg(test)]
mod tests;
