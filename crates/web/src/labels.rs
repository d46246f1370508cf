//! `GET /api/v1/labels` (标签): the Chinese and English label of every
//! value the interface shows, from the tables that define them (the schema's
//! enum columns and column labels, the file kinds, the account roles, the
//! indicators, findings and grades of the assessment), so
//! that no second table of them is kept in the browser.

use axum::Json;
use std::collections::BTreeMap;
use xiezuo_api as wire;
use xiezuo_domain::{Finding, Indicator};
use xiezuo_engine::accounts::Role;
use xiezuo_engine::assess::method::Method;
use xiezuo_exchange::{ColType, FileKind};

fn label(value: &str, zh: &str, en: String) -> wire::Label {
    wire::Label {
        value: value.to_string(),
        zh: zh.to_string(),
        en,
    }
}

/// An English value as a reader reads it: `deep_poverty` → `deep poverty`.
fn readable(value: &str) -> String {
    value.replace('_', " ")
}

/// The labels of every enum column, column, file kind and role.
pub fn labels() -> wire::LabelsBody {
    let mut values = BTreeMap::new();
    let mut columns = BTreeMap::new();
    for k in FileKind::ALL {
        for c in k.columns() {
            let key = format!("{}.{}", k.stem(), c.name);
            if let ColType::Enum(spec) = c.ty {
                let vs = (spec.values)()
                    .into_iter()
                    .map(|(v, zh)| label(v, zh, readable(v)))
                    .collect();
                values.insert(key.clone(), vs);
            }
            columns.insert(key, label(c.name, c.zh, readable(c.name)));
        }
    }
    let kinds = FileKind::ALL
        .iter()
        .map(|k| label(k.stem(), k.label_zh(), readable(k.stem())))
        .collect();
    let roles = [
        Role::Admin,
        Role::Assessor,
        Role::Office,
        Role::Organisation,
        Role::Public,
    ]
    .iter()
    .map(|r| label(r.as_str(), r.zh(), r.as_str().to_string()))
    .collect();
    let indicators = Indicator::ALL
        .iter()
        .map(|i| label(i.as_str(), i.label_zh(), i.label_en().to_string()))
        .collect();
    let findings = Finding::ALL
        .iter()
        .map(|f| label(f.as_str(), f.label_zh(), f.label_en().to_string()))
        .collect();
    let grades = Method::default_v1()
        .grades
        .iter()
        .map(|g| label(&g.grade, &g.label, readable(&g.grade)))
        .collect();
    wire::LabelsBody {
        grades,
        values,
        columns,
        kinds,
        roles,
        indicators,
        findings,
    }
}

/// `GET /api/v1/labels`.
pub async fn get_labels() -> Json<wire::LabelsBody> {
    Json(labels())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_enum_value_has_both_labels() {
        let l = super::labels();
        assert!(l.values.contains_key("projects.status"));
        assert!(l.values.contains_key("households.category"));
        for vs in l.values.values() {
            assert!(vs.iter().all(|v| !v.zh.is_empty() && !v.en.is_empty()));
        }
        assert_eq!(l.columns["milestones.name"].zh, "节点名称");
        assert_eq!(l.indicators.len(), 28);
        assert_eq!(l.indicators[0].zh, "联席会议（主要领导）");
        assert!(
            l.findings
                .iter()
                .any(|f| f.value == "late_milestone" && f.zh == "节点逾期")
        );
        let grades: Vec<(&str, &str)> = l
            .grades
            .iter()
            .map(|g| (g.value.as_str(), g.zh.as_str()))
            .collect();
        assert_eq!(
            grades,
            [
                ("good", "好"),
                ("fair", "较好"),
                ("average", "一般"),
                ("poor", "较差")
            ]
        );
    }
}
