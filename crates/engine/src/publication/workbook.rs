//! The XLSX of a whole round (考核结果汇总): one sheet per part of the
//! frozen result, Chinese headers and labels, numbers as numbers, the
//! rows narrowed to the pairings a reader may see.

use super::{
    PublicationError, RoundResult, Table, component_zh, finding_zh, grade_zh, indicator_zh,
    pairing_name, record_kind_zh, side_zh,
};
use crate::appeal::{self, Subject};
use crate::assess::data::AssessmentData;
use crate::assess::method::Method;
use xiezuo_domain::{RegionLevel, Vocabulary};
use xiezuo_exchange::writer::{Plain, PlainSheet, plain_sheets_bytes};

fn text(s: &str) -> Plain {
    if s.is_empty() {
        Plain::Empty
    } else {
        Plain::Text(s.to_string())
    }
}

/// A number as written, as a number (empty stays empty; anything else, text).
fn number(s: &str) -> Plain {
    match s.parse::<f64>() {
        Ok(v) if !s.is_empty() => Plain::Number(v),
        _ => text(s),
    }
}

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| s.to_string()).collect()
}

/// The round's workbook; `keep` says which pairings the reader may see.
pub fn workbook(
    store: &dyn xiezuo_store::Store,
    data: &AssessmentData,
    r: &RoundResult,
    method: &Method,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Vec<u8>, PublicationError> {
    let year = r.round.year;
    let name = |id: &str| pairing_name(data, id);
    let mut sheets = vec![about(r)];
    sheets.push(PlainSheet {
        name: "考核过程".into(),
        headers: headers(&["时间", "操作", "阶段", "办理人", "说明"]),
        rows: r
            .round
            .events
            .iter()
            .map(|e| {
                vec![
                    text(&e.at),
                    text(&e.action),
                    text(e.to.label_zh()),
                    text(&e.actor),
                    text(&e.reason),
                ]
            })
            .collect(),
    });
    let scores = r.table("scores.csv")?;
    let fixed = ["pairing_id", "year", "side", "total", "grade"];
    let cols: Vec<&String> = scores
        .header
        .iter()
        .filter(|h| !fixed.contains(&h.as_str()))
        .collect();
    let mut h = headers(&["结对编号", "结对", "考核对象"]);
    h.extend(cols.iter().map(|c| component_zh(method, c)));
    h.extend(["总分".to_string(), "等次".to_string()]);
    sheets.push(PlainSheet {
        name: "考核得分".into(),
        headers: h,
        rows: kept(&scores, keep)
            .map(|x| {
                let id = scores.get(x, "pairing_id");
                let mut row = vec![
                    text(id),
                    text(&name(id)),
                    text(side_zh(scores.get(x, "side"))),
                ];
                row.extend(cols.iter().map(|c| number(scores.get(x, c))));
                row.push(number(scores.get(x, "total")));
                row.push(text(&grade_zh(method, scores.get(x, "grade"))));
                row
            })
            .collect(),
    });
    let ranking = r.table("ranking.csv")?;
    sheets.push(PlainSheet {
        name: "排名".into(),
        headers: headers(&[
            "考核对象",
            "层级",
            "名次",
            "结对编号",
            "结对",
            "总分",
            "等次",
        ]),
        rows: kept(&ranking, keep)
            .map(|x| {
                let id = ranking.get(x, "pairing_id");
                let level = ranking.get(x, "level");
                vec![
                    text(side_zh(ranking.get(x, "side"))),
                    text(RegionLevel::parse(level).map_or(level, |l| l.label_zh())),
                    number(ranking.get(x, "rank")),
                    text(id),
                    text(&name(id)),
                    number(ranking.get(x, "total")),
                    text(&grade_zh(method, ranking.get(x, "grade"))),
                ]
            })
            .collect(),
    });
    let ind = r.table("indicators.csv")?;
    sheets.push(PlainSheet {
        name: "考核指标".into(),
        headers: headers(&["结对编号", "指标代码", "指标", "数值"]),
        rows: kept(&ind, keep)
            .map(|x| {
                let i = ind.get(x, "indicator");
                vec![
                    text(ind.get(x, "pairing_id")),
                    text(i),
                    text(&indicator_zh(i)),
                    number(ind.get(x, "value")),
                ]
            })
            .collect(),
    });
    let f = r.table("findings.csv")?;
    sheets.push(PlainSheet {
        name: "数据质量问题".into(),
        headers: headers(&["结对编号", "问题", "记录类别", "记录编号"]),
        rows: kept(&f, keep)
            .map(|x| {
                vec![
                    text(f.get(x, "pairing_id")),
                    text(&finding_zh(f.get(x, "finding"))),
                    text(&record_kind_zh(f.get(x, "record_kind"))),
                    text(f.get(x, "record_id")),
                ]
            })
            .collect(),
    });
    let p = r.table("penalties.csv")?;
    sheets.push(PlainSheet {
        name: "核查扣分".into(),
        headers: headers(&[
            "结对编号",
            "考核对象",
            "记录类别",
            "记录编号",
            "扣分",
            "核查证据",
        ]),
        rows: kept(&p, keep)
            .map(|x| {
                vec![
                    text(p.get(x, "pairing_id")),
                    text(side_zh(p.get(x, "side"))),
                    text(&record_kind_zh(p.get(x, "record_kind"))),
                    text(p.get(x, "record_id")),
                    number(p.get(x, "points")),
                    text(p.get(x, "evidence")),
                ]
            })
            .collect(),
    });
    sheets.push(appeals_sheet(store, year, keep)?);
    Ok(plain_sheets_bytes(&format!("round-{year}.xlsx"), &sheets)?)
}

fn kept<'t>(t: &'t Table, keep: &'t dyn Fn(&str) -> bool) -> impl Iterator<Item = &'t Vec<String>> {
    t.rows.iter().filter(move |x| keep(t.get(x, "pairing_id")))
}

/// The first sheet: which round, which frozen version, and whether the
/// result is published or preliminary.
fn about(r: &RoundResult) -> PlainSheet {
    let f = &r.freeze;
    let status = if r.published() {
        "已公布".to_string()
    } else {
        format!("初步结果（未公布），当前阶段：{}", r.round.state.label_zh())
    };
    let line = |k: &str, v: String| vec![text(k), text(&v)];
    PlainSheet {
        name: "说明".into(),
        headers: headers(&["项目", "内容"]),
        rows: vec![
            line("报告", super::html::title(r.round.year)),
            line("结果性质", status),
            line("考核办法", f.method_id.clone()),
            line("数据锁定版本", format!("v{}", f.version)),
            line("锁定时间", f.at.clone()),
            line("锁定说明", f.reason.clone()),
            line("锁定办理人", f.actor.clone()),
        ],
    }
}

fn appeals_sheet(
    store: &dyn xiezuo_store::Store,
    year: i32,
    keep: &dyn Fn(&str) -> bool,
) -> Result<PlainSheet, PublicationError> {
    let rows = appeal::appeals(store, year)?
        .into_iter()
        .filter(|a| keep(&a.pairing_id))
        .map(|a| {
            let subject = match &a.subject {
                Subject::Indicator { indicator, value } => {
                    format!("指标 {}：{value}", indicator_zh(indicator))
                }
                Subject::Finding {
                    finding,
                    record_kind,
                    record_id,
                } => format!(
                    "问题 {}：{} {record_id}",
                    finding_zh(finding),
                    record_kind_zh(record_kind)
                ),
                Subject::Penalty {
                    record_kind,
                    record_id,
                } => format!("扣分：{} {record_id}", record_kind_zh(record_kind)),
            };
            let d = a.decision.as_ref();
            vec![
                Plain::Number(a.id as f64),
                text(&a.pairing_id),
                text(side_zh(&a.side)),
                text(&subject),
                text(&a.reason),
                text(&a.evidence),
                text(&a.by),
                text(&a.at),
                text(match d {
                    Some(d) if d.upheld => "申诉成立",
                    Some(_) => "申诉不成立",
                    None => "待处理",
                }),
                text(d.map_or("", |d| d.comment.as_str())),
                text(d.map_or("", |d| d.by.as_str())),
                text(d.map_or("", |d| d.at.as_str())),
                d.and_then(|d| d.version)
                    .map_or(Plain::Empty, |v| Plain::Text(format!("v{v}"))),
            ]
        })
        .collect();
    Ok(PlainSheet {
        name: "申诉".into(),
        headers: headers(&[
            "编号",
            "结对编号",
            "考核对象",
            "申诉事项",
            "理由",
            "证据",
            "提出人",
            "提出时间",
            "处理结果",
            "处理意见",
            "处理人",
            "处理时间",
            "锁定版本",
        ]),
        rows,
    })
}
