//! Single records through forms: the schema of a kind (labels, types,
//! choices), one stored record, saving one record with exactly the
//! validation of an import (it is a one-row import, audited as a batch),
//! and the audit history of a record.

use crate::error::extract::Path;
use crate::error::{ApiError, ErrorKind};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use xiezuo_domain::Message;
use xiezuo_engine::import::{Quiet, Rows, Source, WritePolicy, ingest};
use xiezuo_exchange::cell::format_cell;
use xiezuo_exchange::{ColType, FileKind};
use xiezuo_store::BatchInfo;

/// The kinds offices edit one record at a time.
pub(crate) const FORM_KINDS: &[FileKind] = &[
    FileKind::Projects,
    FileKind::Milestones,
    FileKind::Placements,
    FileKind::Meetings,
    FileKind::Funds,
    FileKind::Donations,
    FileKind::Purchases,
    FileKind::Investments,
    FileKind::Postings,
];

/// The largest body of a one-record form, in bytes: a record's cells fit
/// in far less, and what is saved also goes into the append-only audit
/// trail.
pub(crate) const FORM_BODY_MAX: usize = 64 * 1024;

/// An internal failure (I/O, a task that did not finish, an import that failed).
fn failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

fn form_kind(kind: &str) -> Result<FileKind, ApiError> {
    FileKind::from_stem(kind)
        .filter(|k| FORM_KINDS.contains(k))
        .ok_or_else(|| {
            ApiError::said(
                ErrorKind::NotFound,
                Message::new("api.no_form").with("kind", kind),
            )
        })
}

fn type_name(t: ColType) -> &'static str {
    match t {
        ColType::Id => "id",
        ColType::Text | ColType::IdNumber | ColType::CodeList => "text",
        ColType::Code => "region_code",
        ColType::Party => "party",
        ColType::NameOrParty => "name_or_party",
        ColType::Date => "date",
        ColType::Int => "integer",
        ColType::Decimal => "decimal",
        ColType::Money => "money",
        ColType::Bool => "boolean",
        ColType::Enum(_) => "choice",
        ColType::Indicator => "indicator",
    }
}

/// `GET /api/v1/schema/{kind}`: the columns of a form.
pub async fn schema(Path(kind): Path<String>) -> Result<Json<J>, ApiError> {
    let k = form_kind(&kind)?;
    let columns: Vec<J> = k
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "name": c.name, "label": c.zh, "type": type_name(c.ty), "required": c.required, "key": k.key().contains(&i),
                "choices": match c.ty {
                    ColType::Enum(spec) => (spec.values)().into_iter().map(|(en, zh)| json!({ "value": en, "label": zh })).collect::<Vec<_>>(),
                    ColType::Bool => vec![json!({ "value": "1", "label": "是" }), json!({ "value": "0", "label": "否" })],
                    _ => vec![],
                },
            })
        })
        .collect();
    Ok(Json(
        json!({ "kind": k.stem(), "label": k.label_zh(), "columns": columns, "append_only": k == FileKind::Funds }),
    ))
}

/// `GET /api/v1/records/{kind}/{key}`: one record as text values (keys of
/// pairs joined with `/`).
pub async fn get(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Json<J>, ApiError> {
    let k = form_kind(&kind)?;
    let cells = crate::access::key_cells(k, &key)?;
    let row = state.with_reader(|s| s.get(k, &cells))?.ok_or_else(|| {
        ApiError::said(
            ErrorKind::NotFound,
            Message::new("api.no_record")
                .with("kind", k.stem())
                .with("kind_zh", k.label_zh())
                .with("key", &key),
        )
    })?;
    let values: BTreeMap<&str, String> = k
        .columns()
        .iter()
        .zip(&row.cells)
        .map(|(c, v)| (c.name, format_cell(c, v)))
        .collect();
    Ok(Json(
        json!({ "kind": k.stem(), "key": key, "batch_id": row.batch_id, "values": values }),
    ))
}

#[derive(serde::Deserialize)]
pub struct SaveQuery {
    /// Answer only once the platform's aggregates (pairings, rankings,
    /// project pages) include the record.
    pub wait: Option<bool>,
    /// The batch of the stored record the entry was based on (`0`: the
    /// entry is a new record). When the record was changed since (or a
    /// new record's key already exists) nothing is written and the answer
    /// is 409 `conflict`: an entry recorded offline never silently
    /// overwrites a newer change.
    pub base_batch: Option<i64>,
}

/// Refuses a save whose base batch is no longer the stored record's. Run
/// with the store held for the write, so no other save comes in between.
fn check_base(
    store: &mut dyn xiezuo_store::Store,
    k: FileKind,
    text: &[String],
    base: i64,
) -> Result<(), ApiError> {
    let cells: Result<Vec<_>, _> = k
        .key()
        .iter()
        .map(|&i| xiezuo_exchange::cell::parse_cell(&k.columns()[i], &text[i]))
        .collect();
    // A key that does not parse is rejected by the importer as a row error.
    let Ok(cells) = cells else { return Ok(()) };
    let stored = store.get(k, &cells)?;
    // A save equal to the stored record changes nothing, whatever its base:
    // an entry whose answer was lost on the way (stored, then sent again
    // from the device's queue) is not a conflict with itself.
    if let Some(row) = &stored {
        let same = k
            .columns()
            .iter()
            .zip(text)
            .map(|(c, t)| xiezuo_exchange::cell::parse_cell(c, t));
        if row.cells.len() == text.len() && same.zip(&row.cells).all(|(c, s)| c.as_ref() == Ok(s)) {
            return Ok(());
        }
    }
    let current = stored.map(|r| r.batch_id);
    match current {
        None if base == 0 => Ok(()),
        Some(now) if now == base => Ok(()),
        Some(now) if base == 0 => Err(conflict(
            Message::new("api.base_exists")
                .with("kind", k.stem())
                .with("kind_zh", k.label_zh())
                .with("now", now),
        )),
        Some(now) => Err(conflict(
            Message::new("api.base_changed")
                .with("kind", k.stem())
                .with("kind_zh", k.label_zh())
                .with("base", base)
                .with("now", now),
        )),
        None => Err(conflict(
            Message::new("api.base_gone")
                .with("kind", k.stem())
                .with("kind_zh", k.label_zh()),
        )),
    }
}

/// A save whose base version is not the stored one (the person's edit would
/// overwrite another's): answered 409 so the form shows both.
fn conflict(m: Message) -> ApiError {
    ApiError::said(ErrorKind::Conflict, m)
}

/// `POST /api/v1/records/{kind}?wait=`: saves one record (new, or an update
/// of the record with the same key) with the validation of an import.
pub async fn save(
    State(state): State<AppState>,
    axum::Extension(caller): axum::Extension<crate::session::Caller>,
    Path(kind): Path<String>,
    crate::error::extract::Query(q): crate::error::extract::Query<SaveQuery>,
    crate::error::extract::JsonBody(values): crate::error::extract::JsonBody<
        BTreeMap<String, String>,
    >,
) -> Result<Json<xiezuo_api::SavedRecord>, ApiError> {
    let k = form_kind(&kind)?;
    for name in values.keys() {
        if k.col(name).is_none() {
            return Err(ApiError::said(
                ErrorKind::BadRequest,
                Message::new("api.unknown_field").with("name", name),
            ));
        }
    }
    // Raw text, every cell parsed by the importer; the write scope (the
    // new row and the record it would replace) is checked there too.
    let text: Vec<String> = k
        .columns()
        .iter()
        .map(|c| {
            values
                .get(c.name)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        })
        .collect();
    // The stored record is shown to the person by its own route (and its
    // read rule): the conflict answer names only the batches.
    let precondition = q.base_batch.map(|base| (base, text.clone()));
    let rows = Rows {
        kind: k,
        name: k.file_name("csv"),
        rows: vec![text],
    };
    let policy = WritePolicy::within(caller.write_scope());
    let batch = BatchInfo {
        actor: format!("{} ({})", caller.login, caller.origin),
        at: (state.clock)(),
        source: format!("form {}", k.stem()),
    };
    let st = state.clone();
    let report = tokio::task::spawn_blocking(move || {
        st.with_store(|store| {
            if let Some((base, text)) = &precondition {
                check_base(store, k, text, *base)?;
            }
            ingest(store, Source::Rows(vec![rows]), &batch, &policy, &Quiet).map_err(failed)
        })
    })
    .await
    .map_err(failed)??;
    if report.out_of_scope > 0 {
        return Err(ApiError::said(
            ErrorKind::Forbidden,
            Message::new("api.record_outside_scope")
                .with("kind", k.stem())
                .with("kind_zh", k.label_zh()),
        ));
    }
    let errors = report
        .errors
        .iter()
        .map(|e| crate::convert::field_error(k, &e.error))
        .collect();
    if report.batch_id.is_some() {
        let g = state.written(&[k]);
        if q.wait == Some(true) {
            let st = state.clone();
            tokio::task::spawn_blocking(move || st.wait_for(g))
                .await
                .map_err(failed)??;
        }
    }
    let c = report.counts.get(&k).copied().unwrap_or_default();
    Ok(Json(xiezuo_api::SavedRecord {
        saved: report.batch_id.is_some(),
        batch_id: report.batch_id,
        errors,
        new: c.inserted,
        changed: c.updated,
        unchanged: c.unchanged,
    }))
}

/// Personal fields are masked in audit views (the full view is the
/// registry's, logged).
fn masked_value(kind: &str, field: &str, v: &Option<String>) -> Option<String> {
    let v = v.as_ref()?;
    if kind != FileKind::Persons.stem() {
        return Some(v.clone());
    }
    Some(match field {
        "name" => crate::registry::mask_name(v),
        "id_number" => "[keyed hash]".to_string(),
        _ => v.clone(),
    })
}

#[derive(serde::Deserialize)]
pub struct AccessQuery {
    pub kind: Option<String>,
    pub key: Option<String>,
}

/// `GET /api/v1/access-log?kind=&key=`: sign-ins, account changes and full
/// views of personal data, oldest first.
pub async fn access_log(
    State(state): State<AppState>,
    crate::error::extract::Query(q): crate::error::extract::Query<AccessQuery>,
) -> Result<Json<J>, ApiError> {
    let st = state.clone();
    let events = tokio::task::spawn_blocking(move || {
        st.with_reader(|s| s.access_log(q.kind.as_deref(), q.key.as_deref()))
    })
    .await
    .map_err(failed)??;
    let items: Vec<J> = events
        .iter()
        .map(|e| json!({ "id": e.id, "at": e.at, "actor": e.actor, "origin": e.origin, "action": e.action, "kind": e.kind, "key": e.key, "detail": e.detail }))
        .collect();
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// `GET /api/v1/audit/export.csv`: the whole audit trail (every change of
/// every record, old → new, with its batch: who, when, from where) and the
/// access log, as one CSV.
pub async fn audit_export(
    State(state): State<AppState>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let st = state.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        st.with_reader(|s| {
            let mut w = csv::Writer::from_writer(Vec::new());
            let row = |w: &mut csv::Writer<Vec<u8>>, r: [&str; 10]| {
                w.write_record(r.map(spreadsheet_safe).iter().map(|c| c.as_bytes()))
                    .map_err(failed)
            };
            row(
                &mut w,
                [
                    "entry", "at", "actor", "source", "action", "kind", "key", "field", "old",
                    "new",
                ],
            )?;
            let all = s.batches()?;
            for b in &all {
                row(
                    &mut w,
                    [
                        &format!("batch {}", b.id),
                        &b.at,
                        &b.actor,
                        &b.source,
                        "import",
                        "",
                        "",
                        "",
                        "",
                        &b.counts,
                    ],
                )?;
            }
            let batches: std::collections::HashMap<i64, String> =
                all.into_iter().map(|b| (b.id, b.source)).collect();
            s.audit_trail(&mut |e| {
                let src = batches.get(&e.batch_id).map_or("", String::as_str);
                let old = masked_value(&e.kind, &e.field, &e.old).unwrap_or_default();
                let new = masked_value(&e.kind, &e.field, &e.new).unwrap_or_default();
                w.write_record(
                    [
                        &format!("batch {}", e.batch_id),
                        &e.at,
                        &e.actor,
                        src,
                        "change",
                        &e.kind,
                        &e.key,
                        &e.field,
                        &old,
                        &new,
                    ]
                    .map(spreadsheet_safe)
                    .iter()
                    .map(|c| c.as_bytes()),
                )
                .map_err(|x| xiezuo_store::StoreError::Backend(x.to_string()))
            })?;
            for e in s.access_log(None, None)? {
                row(
                    &mut w,
                    [
                        &format!("access {}", e.id),
                        &e.at,
                        &e.actor,
                        &e.origin,
                        &e.action,
                        e.kind.as_deref().unwrap_or(""),
                        e.key.as_deref().unwrap_or(""),
                        "",
                        "",
                        &e.detail,
                    ],
                )?;
            }
            w.into_inner().map_err(failed)
        })
    })
    .await
    .map_err(failed)??;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// A cell as a spreadsheet shows it, never as a formula (formula
/// injection): text that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, unless it is a plain number (a
/// negative amount) or a lone `-` (the public's actor name).
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = xiezuo_exchange::cell::starts_formula(cell);
    if !risky
        || cell == "-"
        || (cell.len() > 1 && cell.parse::<f64>().is_ok() && !cell.starts_with(['\t', '\r']))
    {
        std::borrow::Cow::Borrowed(cell)
    } else {
        std::borrow::Cow::Owned(format!("'{cell}"))
    }
}

/// `GET /api/v1/records/{kind}/{key}/audit`: every change of one record.
pub async fn audit(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Json<J>, ApiError> {
    let k = FileKind::from_stem(&kind).ok_or_else(|| {
        ApiError::said(
            ErrorKind::NotFound,
            Message::new("api.unknown_kind").with("kind", &kind),
        )
    })?;
    let entries = state.with_reader(|s| s.audit_of(k, &key))?;
    let items: Vec<J> = entries
        .iter()
        .map(|e| json!({ "batch_id": e.batch_id, "actor": e.actor, "at": e.at, "field": e.field, "old": masked_value(&e.kind, &e.field, &e.old), "new": masked_value(&e.kind, &e.field, &e.new) }))
        .collect();
    Ok(Json(
        json!({ "kind": k.stem(), "key": key, "changes": items }),
    ))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (given, shown) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-500.25", "-500.25"),
            ("-", "-"),
            ("chief (127.0.0.1)", "chief (127.0.0.1)"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(given), shown, "{given:?}");
        }
    }
}
