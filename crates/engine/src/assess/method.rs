//! Assessment methods as data: a TOML file names each component's terms as
//! scoring functions over indicators, their weights, and the grade bands.
//! The indicators are the engine's code; how they are scored is not.

use super::compute::{PairingResult, Value};
pub use super::procedure::{Penalties, Sampling, Tolerances};
use super::procedure::{RawPenalties, RawSampling, RawTolerances};
use serde::Deserialize;
use std::path::Path;
use xiezuo_domain::{Indicator, Year};

/// The default method, shipped in the repository and embedded as a fallback.
pub const XZ_V1: &str = include_str!("../../../../methods/xz-v1.toml");

/// Why a method file is not usable.
#[derive(Debug, thiserror::Error)]
pub enum MethodError {
    #[error("cannot read method file {0}: {1}")]
    Read(String, std::io::Error),
    #[error("method file {file}: {msg}")]
    Invalid { file: String, msg: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMethod {
    id: String,
    #[serde(default)]
    title: String,
    /// What each indicator counts, in Chinese, for the people a score is
    /// explained to.
    #[serde(default)]
    definitions: std::collections::BTreeMap<String, String>,
    /// When each step of the round is due: step → `MM-DD` of the assessed
    /// year, or `+N-MM-DD` of N years later.
    #[serde(default)]
    deadlines: std::collections::BTreeMap<String, String>,
    /// `bands` (default: by each grade's `min`) or `quota` (by each
    /// grade's `share` of a group, best first).
    #[serde(default)]
    grading: Option<String>,
    grades: Vec<RawGrade>,
    sides: Vec<RawSide>,
    /// The sizes of the cross-check sample (交叉核查抽样).
    #[serde(default)]
    sampling: Option<RawSampling>,
    #[serde(default)]
    penalties: Option<RawPenalties>,
    #[serde(default)]
    reconciliation: Option<RawTolerances>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    grade: String,
    #[serde(default)]
    label: String,
    min: Option<f64>,
    share: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSide {
    side: String,
    components: Vec<RawComponent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    name: String,
    #[serde(default)]
    label: String,
    terms: Vec<RawTerm>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    weight: f64,
    #[serde(rename = "fn")]
    func: String,
    indicator: Option<String>,
    threshold: Option<f64>,
    numerator: Option<String>,
    denominator: Option<String>,
    growth: Option<String>,
    reference: Option<String>,
    base: Option<String>,
    null: Option<f64>,
}

/// A scoring function over indicators.
#[derive(Debug, Clone)]
pub enum ScoreFn {
    /// 1 when the indicator is at least the threshold (null: 0).
    AtLeast {
        indicator: Indicator,
        threshold: f64,
    },
    /// Ratio to the yearly target, clamped to [0, 1] (see `ratio`).
    Ratio { indicator: Indicator },
    /// min(1, a / b) clamped at 0; 0 when b ≤ 0 or either is null.
    Quotient {
        numerator: Indicator,
        denominator: Indicator,
    },
    /// The indicator's value itself; `null` when it is null.
    Value { indicator: Indicator, null: f64 },
    /// The growth rule g: 1 when growth ≥ reference growth, else the ratio
    /// (1 + growth) / (1 + reference) clamped; a null reference counts as 0;
    /// a null growth gives 1 when `base` > 0, else 0.
    Growth {
        growth: Indicator,
        reference: Indicator,
        base: Indicator,
    },
}

impl ScoreFn {
    /// The indicators the function reads.
    pub fn indicators(&self) -> Vec<Indicator> {
        match self {
            ScoreFn::AtLeast { indicator, .. }
            | ScoreFn::Ratio { indicator }
            | ScoreFn::Value { indicator, .. } => vec![*indicator],
            ScoreFn::Quotient {
                numerator,
                denominator,
            } => vec![*numerator, *denominator],
            ScoreFn::Growth {
                growth,
                reference,
                base,
            } => vec![*growth, *reference, *base],
        }
    }

    /// The rule in words (Chinese), for the people a score is explained to.
    pub fn rule_zh(&self) -> String {
        match self {
            ScoreFn::AtLeast { threshold, .. } => format!("达到 {threshold} 得满分，否则 0 分"),
            ScoreFn::Ratio { .. } => "按完成年度目标的比例得分（最高满分）".into(),
            ScoreFn::Quotient { .. } => "按前者与后者之比得分（最高满分）".into(),
            ScoreFn::Value { .. } => "按比例值得分（0 至 1）".into(),
            ScoreFn::Growth { .. } => {
                "增长率不低于参照增长率得满分，否则按 (1+增长率)/(1+参照) 得分".into()
            }
        }
    }

    /// The function's name in the method file.
    pub fn name(&self) -> &'static str {
        match self {
            ScoreFn::AtLeast { .. } => "at_least",
            ScoreFn::Ratio { .. } => "ratio",
            ScoreFn::Quotient { .. } => "quotient",
            ScoreFn::Value { .. } => "value",
            ScoreFn::Growth { .. } => "growth",
        }
    }
}

impl Component {
    /// The most points the component gives: every term at full score.
    pub fn max_points(&self) -> f64 {
        self.terms.iter().map(|t| t.weight).sum()
    }
}

/// A weighted term of a component.
#[derive(Debug, Clone)]
pub struct Term {
    pub weight: f64,
    pub func: ScoreFn,
}

/// A scored component (e.g. `funds` 资金支持).
#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    pub label: String,
    pub terms: Vec<Term>,
}

/// The components of one side (`east` helper, `west` helped).
#[derive(Debug, Clone)]
pub struct SideMethod {
    pub side: String,
    pub components: Vec<Component>,
}

/// A grade band: totals at or above `min` (None: any total); under quota
/// grading, the `share` of a group that gets it (None: the rest).
#[derive(Debug, Clone)]
pub struct Grade {
    pub grade: String,
    pub label: String,
    pub min: Option<f64>,
    pub share: Option<f64>,
}

/// The steps of a round that have a deadline, in their order: a step is
/// due when the round must have moved past it.
pub const DEADLINE_STEPS: [&str; 5] = [
    "open",
    "self_evaluation",
    "cross_check",
    "review",
    "approved",
];

/// When a step of a round is due: a month and day of the assessed year plus
/// `years_after` (the self-evaluation by the end of the year, the
/// cross-check by the end of January after it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub step: String,
    pub years_after: i32,
    pub month: u32,
    pub day: u32,
}

impl Deadline {
    /// The date the step is due in the round of `year`.
    /// `02-29` is the 28th in a year without it.
    pub fn due(&self, year: i32) -> Option<chrono::NaiveDate> {
        let y = year + self.years_after;
        chrono::NaiveDate::from_ymd_opt(y, self.month, self.day).or_else(|| {
            (self.month == 2 && self.day == 29)
                .then(|| chrono::NaiveDate::from_ymd_opt(y, 2, 28))
                .flatten()
        })
    }

    fn parse(step: &str, text: &str) -> Result<Deadline, String> {
        if !DEADLINE_STEPS.contains(&step) {
            return Err(format!(
                "deadlines: unknown step {step:?} ({})",
                DEADLINE_STEPS.join(", ")
            ));
        }
        let bad = || format!("deadlines: {step} = {text:?} is not MM-DD or +N-MM-DD");
        let (years_after, md) = match text.strip_prefix('+') {
            Some(rest) => {
                let (n, md) = rest.split_once('-').ok_or_else(bad)?;
                (n.parse::<i32>().map_err(|_| bad())?, md)
            }
            None => (0, text),
        };
        let (m, d) = md.split_once('-').ok_or_else(bad)?;
        let (month, day) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        let dl = Deadline {
            step: step.to_string(),
            years_after,
            month,
            day,
        };
        // Any date of a leap year (2000).
        if !(0..=2).contains(&years_after) || dl.due(2000).is_none() {
            return Err(bad());
        }
        Ok(dl)
    }
}

/// How totals become grades (定档).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grading {
    /// By score bands: the first grade whose `min` the total reaches.
    Bands,
    /// By quota within each group (a side and a pairing level): the best
    /// `share` of the group gets the first grade, the next share the
    /// second, and so on (at least one pairing where the share is above
    /// zero, rounded up); the last grade takes the rest. Ties share the
    /// better grade.
    Quota,
}

/// An assessment method.
#[derive(Debug, Clone)]
pub struct Method {
    pub id: String,
    pub title: String,
    /// Indicator definitions in Chinese (indicators without one are left out).
    pub definitions: Vec<(Indicator, String)>,
    /// When each step of a round is due (see [`Deadline`]), in step order.
    pub deadlines: Vec<Deadline>,
    pub grading: Grading,
    pub grades: Vec<Grade>,
    pub sides: Vec<SideMethod>,
    /// The sizes of the cross-check sample (`[sampling]`).
    pub sampling: Sampling,
    pub penalties: Penalties,
    /// The tolerances of the two-sided reconciliation (`[reconciliation]`).
    pub tolerances: Tolerances,
}

impl Method {
    /// Loads a method file.
    pub fn load(path: &Path) -> Result<Method, MethodError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| MethodError::Read(path.display().to_string(), e))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The default method `xz-v1`.
    pub fn default_v1() -> Method {
        // The embedded file is tested to parse.
        Self::parse(XZ_V1, "methods/xz-v1.toml").unwrap_or_else(|_| Method {
            id: "invalid".into(),
            title: String::new(),
            definitions: vec![],
            deadlines: vec![],
            grading: Grading::Bands,
            grades: vec![],
            sides: vec![],
            sampling: Sampling::default(),
            penalties: Penalties::default(),
            tolerances: Tolerances::default(),
        })
    }

    /// Parses method TOML; unknown indicators and functions are errors.
    pub fn parse(text: &str, file: &str) -> Result<Method, MethodError> {
        let invalid = |msg: String| MethodError::Invalid {
            file: file.to_string(),
            msg,
        };
        let raw: RawMethod = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let sampling = Sampling::from_raw(raw.sampling);
        let penalties = Penalties::from_raw(raw.penalties).map_err(invalid)?;
        let tolerances = Tolerances::from_raw(raw.reconciliation).map_err(invalid)?;
        let ind =
            |name: &Option<String>, what: &str, comp: &str| -> Result<Indicator, MethodError> {
                let n = name
                    .as_deref()
                    .ok_or_else(|| invalid(format!("component {comp}: a term needs `{what}`")))?;
                Indicator::parse(n)
                    .ok_or_else(|| invalid(format!("component {comp}: unknown indicator {n:?}")))
            };
        let mut sides = Vec::new();
        for s in raw.sides {
            let mut components = Vec::new();
            for c in s.components {
                let mut terms = Vec::new();
                for t in &c.terms {
                    let func = match t.func.as_str() {
                        "at_least" => ScoreFn::AtLeast {
                            indicator: ind(&t.indicator, "indicator", &c.name)?,
                            threshold: t.threshold.unwrap_or(1.0),
                        },
                        "ratio" => ScoreFn::Ratio {
                            indicator: ind(&t.indicator, "indicator", &c.name)?,
                        },
                        "quotient" => ScoreFn::Quotient {
                            numerator: ind(&t.numerator, "numerator", &c.name)?,
                            denominator: ind(&t.denominator, "denominator", &c.name)?,
                        },
                        "value" => ScoreFn::Value {
                            indicator: ind(&t.indicator, "indicator", &c.name)?,
                            null: t.null.unwrap_or(0.0),
                        },
                        "growth" => ScoreFn::Growth {
                            growth: ind(&t.growth, "growth", &c.name)?,
                            reference: ind(&t.reference, "reference", &c.name)?,
                            base: ind(&t.base, "base", &c.name)?,
                        },
                        other => {
                            return Err(invalid(format!(
                                "component {}: unknown scoring function {other:?} (at_least, ratio, quotient, value, growth)",
                                c.name
                            )));
                        }
                    };
                    terms.push(Term {
                        weight: t.weight,
                        func,
                    });
                }
                components.push(Component {
                    name: c.name,
                    label: c.label,
                    terms,
                });
            }
            sides.push(SideMethod {
                side: s.side,
                components,
            });
        }
        let grades: Vec<Grade> = raw
            .grades
            .into_iter()
            .map(|g| Grade {
                grade: g.grade,
                label: g.label,
                min: g.min,
                share: g.share,
            })
            .collect();
        let grading = match raw.grading.as_deref() {
            None | Some("bands") => Grading::Bands,
            Some("quota") => {
                let (last, rest) = grades
                    .split_last()
                    .ok_or_else(|| invalid("a method needs grades and sides".into()))?;
                let mut sum = 0.0;
                for g in rest {
                    let share = g.share.filter(|s| (0.0..=1.0).contains(s)).ok_or_else(|| {
                        invalid(format!(
                            "grade {}: quota grading needs a share between 0 and 1",
                            g.grade
                        ))
                    })?;
                    sum += share;
                }
                if sum > 1.0 + 1e-9 || last.share.is_some() {
                    return Err(invalid(
                        "quota grading: the shares add up to at most 1, and the last grade takes the rest (no share)".into(),
                    ));
                }
                Grading::Quota
            }
            Some(other) => {
                return Err(invalid(format!("unknown grading {other:?} (bands, quota)")));
            }
        };

        if grades.is_empty() || sides.is_empty() {
            return Err(invalid("a method needs grades and sides".into()));
        }
        let mut deadlines = Vec::new();
        for step in DEADLINE_STEPS {
            if let Some(text) = raw.deadlines.get(step) {
                deadlines.push(Deadline::parse(step, text).map_err(invalid)?);
            }
        }
        if let Some(step) = raw
            .deadlines
            .keys()
            .find(|k| !DEADLINE_STEPS.contains(&k.as_str()))
        {
            return Err(invalid(format!(
                "deadlines: unknown step {step:?} ({})",
                DEADLINE_STEPS.join(", ")
            )));
        }
        let mut definitions = Vec::new();
        for (name, text) in raw.definitions {
            let i = Indicator::parse(&name)
                .ok_or_else(|| invalid(format!("definitions: unknown indicator {name:?}")))?;
            definitions.push((i, text));
        }
        if let Some(g) = &penalties.veto_grade
            && !grades.iter().any(|x| &x.grade == g)
        {
            return Err(invalid(format!("penalties: unknown veto_grade {g:?}")));
        }
        Ok(Method {
            deadlines,
            sampling,
            penalties,
            tolerances,
            grading,
            id: raw.id,
            title: raw.title,
            definitions,
            grades,
            sides,
        })
    }

    /// Component names of all sides, in method order, each once (the
    /// columns of `scores.csv`).
    pub fn component_columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.sides {
            for c in &s.components {
                if !out.contains(&c.name) {
                    out.push(c.name.clone());
                }
            }
        }
        out
    }

    /// The grade of a (rounded) total: the first band, in file order, whose
    /// `min` the total reaches.
    pub fn grade(&self, total: f64) -> &str {
        self.grades
            .iter()
            .find(|g| g.min.is_none_or(|m| total >= m))
            .map_or("", |g| g.grade.as_str())
    }
}

/// Targets of the agreement for a pairing and year.
pub trait Targets {
    fn target(&self, indicator: Indicator) -> Option<f64>;
}

fn clamp01(v: f64) -> f64 {
    v.clamp(0.0, 1.0)
}

/// `ratio(x)`: a null x gives 0; no target gives 1 when x > 0, else 0; a
/// target ≤ 0 gives 1; otherwise clamp01(x / target).
pub fn ratio(x: Value, target: Option<f64>) -> f64 {
    let Some(x) = x.as_f64() else { return 0.0 };
    match target {
        None => {
            if x > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Some(t) if t <= 0.0 => 1.0,
        Some(t) => clamp01(x / t),
    }
}

/// Evaluates one scoring function for a pairing's results.
pub fn eval(f: &ScoreFn, r: &PairingResult, targets: &dyn Targets) -> f64 {
    match f {
        ScoreFn::AtLeast {
            indicator,
            threshold,
        } => match r.get(*indicator).as_f64() {
            Some(v) if v >= *threshold => 1.0,
            _ => 0.0,
        },
        ScoreFn::Ratio { indicator } => ratio(r.get(*indicator), targets.target(*indicator)),
        ScoreFn::Quotient {
            numerator,
            denominator,
        } => match (r.get(*numerator).as_f64(), r.get(*denominator).as_f64()) {
            (Some(a), Some(b)) if b > 0.0 => clamp01((a / b).min(1.0)),
            _ => 0.0,
        },
        ScoreFn::Value { indicator, null } => r.get(*indicator).as_f64().unwrap_or(*null),
        ScoreFn::Growth {
            growth,
            reference,
            base,
        } => {
            let rg = r.get(*reference).as_f64().unwrap_or(0.0);
            match r.get(*growth).as_f64() {
                None => {
                    if r.get(*base).as_f64().is_some_and(|b| b > 0.0) {
                        1.0
                    } else {
                        0.0
                    }
                }
                Some(fg) if fg >= rg => 1.0,
                Some(fg) => {
                    if 1.0 + rg == 0.0 {
                        0.0
                    } else {
                        clamp01((1.0 + fg) / (1.0 + rg))
                    }
                }
            }
        }
    }
}

/// The scores of one side of one pairing.
#[derive(Debug, Clone)]
pub struct SideScore {
    pub side: String,
    /// (component name, points), unrounded.
    pub components: Vec<(String, f64)>,
    /// The sum rounded half away from zero to 2 decimals.
    pub total: f64,
    pub grade: String,
}

/// Rounds half away from zero to 2 decimals.
pub fn round2(v: f64) -> f64 {
    // Correct the binary representation error before rounding (89.995 is
    // stored as 89.99499…).
    let scaled = v * 100.0;
    let nudged = scaled + scaled.signum() * 1e-9 * scaled.abs().max(1.0);
    nudged.round() / 100.0
}

/// Scores every side of a pairing under a method.
pub fn score(method: &Method, r: &PairingResult, targets: &dyn Targets) -> Vec<SideScore> {
    method
        .sides
        .iter()
        .map(|s| {
            let components: Vec<(String, f64)> = s
                .components
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        c.terms
                            .iter()
                            .map(|t| t.weight * eval(&t.func, r, targets))
                            .sum(),
                    )
                })
                .collect();
            let total = round2(components.iter().map(|(_, v)| v).sum());
            SideScore {
                side: s.side.clone(),
                grade: method.grade(total).to_string(),
                components,
                total,
            }
        })
        .collect()
}

/// Targets from the data for (pairing, year).
pub struct PairingTargets<'a> {
    pub data: &'a super::data::AssessmentData,
    pub pairing: u32,
    pub year: Year,
}

impl Targets for PairingTargets<'_> {
    fn target(&self, indicator: Indicator) -> Option<f64> {
        self.data
            .targets
            .get(&(self.pairing, self.year, indicator))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoTargets;
    impl Targets for NoTargets {
        fn target(&self, _: Indicator) -> Option<f64> {
            None
        }
    }

    fn result(vals: &[(Indicator, Value)]) -> PairingResult {
        PairingResult {
            pairing: 0,
            values: vals.to_vec(),
            findings: vec![],
        }
    }

    #[test]
    fn every_indicator_of_xz_v1_is_defined_and_unknown_ones_are_refused() {
        let m = Method::default_v1();
        for i in Indicator::ALL {
            assert!(
                m.definitions.iter().any(|(d, _)| d == i),
                "{} has no definition",
                i.as_str()
            );
        }
        let bad = XZ_V1.replace(
            "[definitions]\n",
            "[definitions]\nnot_an_indicator = \"x\"\n",
        );
        let e = Method::parse(&bad, "m.toml").unwrap_err().to_string();
        assert!(e.contains("unknown indicator \"not_an_indicator\""), "{e}");
    }

    #[test]
    fn default_method_parses_with_both_sides() {
        let m = Method::parse(XZ_V1, "xz-v1").unwrap();
        assert_eq!(m.id, "xz-v1");
        assert_eq!(
            m.component_columns(),
            [
                "org",
                "funds",
                "talent",
                "industry",
                "labour",
                "coverage",
                "consumption",
                "fund_use",
                "projects",
                "results"
            ]
        );
        assert_eq!(m.grade(90.0), "good");
        assert_eq!(m.grade(89.99), "fair");
        assert_eq!(m.grade(60.0), "average");
        assert_eq!(m.grade(12.0), "poor");
    }

    #[test]
    fn unknown_indicator_is_an_error() {
        let bad = XZ_V1.replace("\"joint_meetings\"", "\"joint_meeting\"");
        let e = Method::parse(&bad, "bad.toml").unwrap_err().to_string();
        assert!(e.contains("unknown indicator \"joint_meeting\""), "{e}");
    }

    #[test]
    fn ratio_rules() {
        assert_eq!(ratio(Value::Null, Some(5.0)), 0.0);
        assert_eq!(ratio(Value::Count(3), None), 1.0);
        assert_eq!(ratio(Value::Count(0), None), 0.0);
        assert_eq!(ratio(Value::Count(0), Some(0.0)), 1.0);
        assert_eq!(ratio(Value::Count(0), Some(-2.0)), 1.0);
        assert_eq!(ratio(Value::Count(3), Some(6.0)), 0.5);
        assert_eq!(ratio(Value::Count(9), Some(6.0)), 1.0);
        assert_eq!(
            ratio(Value::Money(xiezuo_domain::Fen(-500)), Some(6.0)),
            0.0
        );
    }

    #[test]
    fn growth_rule() {
        use Indicator as I;
        let g = ScoreFn::Growth {
            growth: I::FiscalGrowth,
            reference: I::RevenueGrowth,
            base: I::FiscalDisbursed,
        };
        let e = |fg: Value, rg: Value, base: i64| {
            eval(
                &g,
                &result(&[
                    (I::FiscalGrowth, fg),
                    (I::RevenueGrowth, rg),
                    (I::FiscalDisbursed, Value::Money(xiezuo_domain::Fen(base))),
                ]),
                &NoTargets,
            )
        };
        assert_eq!(e(Value::Rate(0.2), Value::Rate(0.1), 1), 1.0);
        assert!((e(Value::Rate(-0.1), Value::Rate(0.1), 1) - 0.9 / 1.1).abs() < 1e-12);
        assert_eq!(e(Value::Rate(-0.1), Value::Null, 1), 0.9);
        assert_eq!(e(Value::Null, Value::Rate(0.1), 1), 1.0);
        assert_eq!(e(Value::Null, Value::Rate(0.1), 0), 0.0);
        assert_eq!(e(Value::Rate(-2.0), Value::Rate(0.0), 1), 0.0);
    }

    #[test]
    fn quotient_is_clamped_and_zero_without_denominator() {
        use Indicator as I;
        let q = ScoreFn::Quotient {
            numerator: I::FiscalDisbursed,
            denominator: I::FiscalCommitted,
        };
        let e = |a: i64, b: i64| {
            eval(
                &q,
                &result(&[
                    (I::FiscalDisbursed, Value::Money(xiezuo_domain::Fen(a))),
                    (I::FiscalCommitted, Value::Money(xiezuo_domain::Fen(b))),
                ]),
                &NoTargets,
            )
        };
        assert_eq!(e(50, 100), 0.5);
        assert_eq!(e(150, 100), 1.0);
        assert_eq!(e(-50, 100), 0.0);
        assert_eq!(e(50, 0), 0.0);
        assert_eq!(e(50, -10), 0.0);
    }

    #[test]
    fn rounding_half_away_from_zero() {
        assert_eq!(round2(89.995), 90.0);
        assert_eq!(round2(89.994), 89.99);
        assert_eq!(round2(-1.005), -1.01);
        assert_eq!(round2(76.01), 76.01);
    }
}
