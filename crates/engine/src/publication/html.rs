//! A party's report as one print-ready HTML page in Chinese: A4, no script,
//! no external resource, every value escaped. Printing it (or "save as
//! PDF" in any browser) gives the paper report.

use super::{
    PartyReport, component_zh, finding_zh, grade_zh, indicator_zh, record_kind_zh, side_zh,
    value_zh,
};
use crate::appeal::Subject;
use crate::assess::method::Method;
use std::fmt::Write;
use xiezuo_domain::{RegionLevel, Vocabulary};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'Noto Serif CJK SC', 'Source Han Serif SC', SimSun, 'WenQuanYi Micro Hei', serif; color: #111; max-width: 190mm; margin: 0 auto; padding: 12px; line-height: 1.6; }
h1 { font-size: 20pt; text-align: center; margin: 8px 0 4px; }
h2 { font-size: 13pt; border-bottom: 1px solid #444; margin-top: 18px; page-break-after: avoid; }
.sub { text-align: center; color: #333; margin: 0 0 12px; }
.stamp { border: 2px solid #b00; color: #b00; font-weight: bold; padding: 4px 10px; text-align: center; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 10pt; }
th, td { border: 1px solid #777; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { page-break-inside: avoid; }
.differs { color: #b00; font-weight: bold; }
.muted { color: #555; }
.foot { margin-top: 24px; font-size: 9pt; color: #444; border-top: 1px solid #999; padding-top: 6px; }
@media print { .noprint { display: none; } body { padding: 0; } }
";

/// The report's title: 东西部扶贫协作 until 2020, 东西部协作 after.
pub fn title(year: i32) -> String {
    if year <= 2020 {
        format!("{year}年度东西部扶贫协作考核报告")
    } else {
        format!("{year}年度东西部协作考核评价报告")
    }
}

fn row(cells: &[String]) -> String {
    let mut s = String::from("<tr>");
    for c in cells {
        s.push_str(c);
    }
    s.push_str("</tr>");
    s
}

fn td(s: &str) -> String {
    format!("<td>{}</td>", esc(s))
}

fn num(s: &str) -> String {
    format!("<td class=\"num\">{}</td>", esc(s))
}

fn head(cols: &[&str]) -> String {
    let mut s = String::from("<thead><tr>");
    for c in cols {
        let _ = write!(s, "<th>{}</th>", esc(c));
    }
    s.push_str("</tr></thead>");
    s
}

fn level_zh(level: &str) -> String {
    RegionLevel::parse(level).map_or(level.to_string(), |l| l.label_zh().to_string())
}

/// The whole page.
pub fn render(r: &PartyReport, method: &Method) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        esc(&format!("{} · {}", title(r.year), r.party_name))
    );
    let _ = write!(h, "<h1>{}</h1>", esc(&title(r.year)));
    let _ = write!(
        h,
        "<p class=\"sub\">{}：{}<br>结对：{}（{}）</p>",
        side_zh(&r.side),
        esc(&r.party_name),
        esc(&r.pairing_name),
        esc(&r.pairing_id)
    );
    if !r.published() {
        let _ = write!(
            h,
            "<div class=\"stamp\">初步结果（未公布）· 考核轮次当前阶段：{}</div>",
            r.state.label_zh()
        );
    }
    summary(&mut h, r, method);
    components(&mut h, r, method);
    indicators(&mut h, r);
    findings(&mut h, r);
    penalties(&mut h, r);
    appeals(&mut h, r);
    history(&mut h, r);
    let _ = write!(
        h,
        "<p class=\"foot\">考核办法 {}；数据锁定版本 v{}（{}，{}）。本报告依据锁定数据生成，与实时数据无关。</p></body></html>",
        esc(&r.method_id),
        r.freeze.version,
        esc(&r.freeze.at),
        esc(&r.freeze.reason)
    );
    h
}

fn summary(h: &mut String, r: &PartyReport, method: &Method) {
    h.push_str("<h2>一、考核结果</h2><table><tbody>");
    h.push_str(&row(&[td("总分"), num(&r.total)]));
    h.push_str(&row(&[td("等次"), td(&grade_zh(method, &r.grade))]));
    let rank = match r.rank {
        Some((n, of)) => format!(
            "{}{}结对中第 {n} 名（共 {of} 个）",
            if r.side == "east" { "东部" } else { "西部" },
            level_zh(&r.level)
        ),
        None => "未排名".into(),
    };
    h.push_str(&row(&[td("排名"), td(&rank)]));
    h.push_str("</tbody></table>");
}

fn components(h: &mut String, r: &PartyReport, method: &Method) {
    h.push_str("<h2>二、分项得分</h2><table>");
    h.push_str(&head(&["考核内容", "得分"]));
    h.push_str("<tbody>");
    for (c, v) in r.components.iter().filter(|(_, v)| !v.is_empty()) {
        h.push_str(&row(&[td(&component_zh(method, c)), num(v)]));
    }
    h.push_str("</tbody></table>");
}

fn indicators(h: &mut String, r: &PartyReport) {
    h.push_str("<h2>三、考核指标</h2>");
    match &r.self_evaluation {
        Some(s) => {
            let _ = write!(
                h,
                "<p>自评于 {} 由 {} 提交。{}</p>",
                esc(&s.current.at),
                esc(&s.current.by),
                match &s.opinion {
                    Some(o) => format!(
                        "结对方意见（{}，{}）：{}{}",
                        esc(&o.by),
                        esc(&o.at),
                        if o.agrees {
                            "同意。"
                        } else {
                            "不同意。"
                        },
                        esc(&o.text)
                    ),
                    None => "结对方尚未提出意见。".into(),
                }
            );
            if !s.current.narrative.is_empty() {
                let _ = write!(h, "<p>自评说明：{}</p>", esc(&s.current.narrative));
            }
        }
        None => h.push_str("<p class=\"muted\">未提交自评。</p>"),
    }
    if !r.attachments.is_empty() {
        h.push_str("<p>佐证材料：</p><ul>");
        for a in &r.attachments {
            let _ = write!(
                h,
                "<li>{}（{} 字节，SHA-256 {}，{} 于 {} 提交）</li>",
                esc(&a.name),
                a.bytes,
                esc(&a.sha256),
                esc(&a.by),
                esc(&a.at)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("<table>");
    h.push_str(&head(&["指标", "核定值", "自评值"]));
    h.push_str("<tbody>");
    for i in &r.indicators {
        let claimed = match &i.claimed {
            Some(c) => {
                let differs = crate::self_evaluation::Claim {
                    indicator: i.indicator.clone(),
                    computed: i.value.clone(),
                    claimed: c.clone(),
                }
                .differs();
                let text = esc(&value_zh(&i.indicator, c));
                if differs {
                    format!("<td class=\"num differs\">{text}（与核定值不符）</td>")
                } else {
                    format!("<td class=\"num\">{text}</td>")
                }
            }
            None => "<td></td>".into(),
        };
        h.push_str(&row(&[
            td(&indicator_zh(&i.indicator)),
            num(&value_zh(&i.indicator, &i.value)),
            claimed,
        ]));
    }
    h.push_str("</tbody></table>");
}

fn findings(h: &mut String, r: &PartyReport) {
    h.push_str("<h2>四、数据质量问题</h2>");
    if r.findings.is_empty() {
        h.push_str("<p>无。</p>");
        return;
    }
    h.push_str("<table>");
    h.push_str(&head(&["问题", "记录类别", "记录编号"]));
    h.push_str("<tbody>");
    for (f, k, id) in &r.findings {
        h.push_str(&row(&[td(&finding_zh(f)), td(&record_kind_zh(k)), td(id)]));
    }
    h.push_str("</tbody></table>");
}

fn penalties(h: &mut String, r: &PartyReport) {
    h.push_str("<h2>五、交叉核查扣分</h2>");
    if r.penalties.is_empty() {
        h.push_str("<p>无。</p>");
        return;
    }
    h.push_str("<table>");
    h.push_str(&head(&["记录类别", "记录编号", "扣分", "核查证据"]));
    h.push_str("<tbody>");
    for p in &r.penalties {
        h.push_str(&row(&[
            td(&record_kind_zh(&p.record_kind)),
            td(&p.record_id),
            num(&p.points),
            td(&p.evidence),
        ]));
    }
    h.push_str("</tbody></table><p>经核查存在弄虚作假的，相关指标不得分，考核等次可降为较差。</p>");
}

fn appeals(h: &mut String, r: &PartyReport) {
    h.push_str("<h2>六、申诉及处理</h2>");
    if r.appeals.is_empty() {
        h.push_str("<p>无。</p>");
        return;
    }
    h.push_str("<table>");
    h.push_str(&head(&[
        "编号",
        "申诉事项",
        "理由与证据",
        "提出",
        "处理结果",
    ]));
    h.push_str("<tbody>");
    for a in &r.appeals {
        let subject = match &a.subject {
            Subject::Indicator { indicator, value } => format!(
                "指标“{}”应为 {}",
                indicator_zh(indicator),
                value_zh(indicator, value)
            ),
            Subject::Finding {
                finding,
                record_kind,
                record_id,
            } => format!(
                "问题“{}”（{} {record_id}）不成立",
                finding_zh(finding),
                record_kind_zh(record_kind)
            ),
            Subject::Penalty {
                record_kind,
                record_id,
            } => format!(
                "对{} {record_id} 的弄虚作假扣分不成立",
                record_kind_zh(record_kind)
            ),
        };
        let decision = match &a.decision {
            Some(d) => format!(
                "{}：{}（{}，{}{}）",
                if d.upheld {
                    "申诉成立"
                } else {
                    "申诉不成立"
                },
                d.comment,
                d.by,
                d.at,
                d.version
                    .map_or(String::new(), |v| format!("，形成锁定版本 v{v}"))
            ),
            None => "待处理".into(),
        };
        h.push_str(&row(&[
            num(&a.id.to_string()),
            td(&subject),
            td(&format!("{}；证据：{}", a.reason, a.evidence)),
            td(&format!("{}，{}", a.by, a.at)),
            td(&decision),
        ]));
    }
    h.push_str("</tbody></table>");
}

fn history(h: &mut String, r: &PartyReport) {
    h.push_str("<h2>七、考核过程</h2><table>");
    h.push_str(&head(&["时间", "环节", "办理人", "说明"]));
    h.push_str("<tbody>");
    for e in &r.events {
        let step = match e.action.as_str() {
            "open" => "开启考核轮次".to_string(),
            "freeze" => "数据锁定".to_string(),
            "version" => "形成新的锁定版本".to_string(),
            _ => e.to.label_zh().to_string(),
        };
        h.push_str(&row(&[
            td(&e.at),
            td(&step),
            td(&e.actor),
            td(&reason_zh(&e.reason)),
        ]));
    }
    h.push_str("</tbody></table>");
}

/// The reasons the engine itself writes for a new frozen version, in
/// Chinese; any other reason (a person's) as written.
fn reason_zh(reason: &str) -> String {
    if let Some(rest) = reason.strip_prefix("appeal ")
        && let Some((id, comment)) = rest.split_once(" upheld: ")
    {
        return format!("申诉 {id} 成立：{comment}");
    }
    if let Some(n) = reason
        .strip_prefix("cross-check penalties applied: ")
        .and_then(|r| r.strip_suffix(" falsified records"))
    {
        return format!("执行交叉核查扣分：{n} 条弄虚作假记录");
    }
    reason.to_string()
}

#[cfg(test)]
mod tests {
    use super::reason_zh;

    #[test]
    fn the_engines_own_reasons_read_in_chinese_and_a_persons_as_written() {
        assert_eq!(
            reason_zh("appeal 3 upheld: 经核实成立"),
            "申诉 3 成立：经核实成立"
        );
        assert_eq!(
            reason_zh("cross-check penalties applied: 2 falsified records"),
            "执行交叉核查扣分：2 条弄虚作假记录"
        );
        assert_eq!(reason_zh("按期进入自评"), "按期进入自评");
    }
}
