//! Single records through forms: the schema of a kind (labels, types,
//! choices), one stored record, saving one record with exactly the
//! validation of an import (it is a one-row import, audited as a batch),
//! and the audit history of a record.

use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use xiezuo_engine::import::{ImportOptions, Quiet, import_dir};
use xiezuo_exchange::cell::{format_cell, parse_cell};
use xiezuo_exchange::{Cell, ColType, CsvTableWriter, FileKind, Headers};
use xiezuo_store::BatchInfo;

/// The kinds offices edit one record at a time.
const FORM_KINDS: &[FileKind] = &[
    FileKind::Projects,
    FileKind::Milestones,
    FileKind::Placements,
    FileKind::Meetings,
    FileKind::Funds,
];

fn failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(e.to_string())
}

fn form_kind(kind: &str) -> Result<FileKind, ApiError> {
    FileKind::from_stem(kind)
        .filter(|k| FORM_KINDS.contains(k))
        .ok_or_else(|| ApiError::NotFound(format!("no form for {kind}")))
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

fn key_cells(k: FileKind, key: &str) -> Result<Vec<Cell>, ApiError> {
    let parts: Vec<&str> = key.split('/').collect();
    if parts.len() != k.key().len() {
        return Err(ApiError::BadRequest(format!(
            "a {} key has {} parts",
            k.stem(),
            k.key().len()
        )));
    }
    k.key()
        .iter()
        .zip(parts)
        .map(|(&i, p)| {
            parse_cell(&k.columns()[i], p)
                .map_err(|e| ApiError::BadRequest(format!("{}: {e}", k.columns()[i].name)))
        })
        .collect()
}

/// `GET /api/v1/records/{kind}/{key}`: one record as text values (keys of
/// pairs joined with `/`).
pub async fn get(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Json<J>, ApiError> {
    let k = form_kind(&kind)?;
    let cells = key_cells(k, &key)?;
    let row = state
        .with_store(|s| s.get(k, &cells))?
        .ok_or_else(|| ApiError::NotFound(format!("no {} {key}", k.stem())))?;
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

/// `POST /api/v1/records/{kind}`: saves one record (new, or an update of
/// the record with the same key) with the validation of an import.
pub async fn save(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Json(values): Json<BTreeMap<String, String>>,
) -> Result<Json<J>, ApiError> {
    let k = form_kind(&kind)?;
    for name in values.keys() {
        if k.col(name).is_none() {
            return Err(ApiError::BadRequest(format!("unknown field {name}")));
        }
    }
    let st = state.clone();
    let at = (state.clock)();
    let report = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let dir = tempfile::tempdir().map_err(failed)?;
        let path = dir.path().join(k.file_name("csv"));
        let mut w = CsvTableWriter::create(k, &path, Headers::En).map_err(failed)?;
        // Raw text through the writer: every cell is parsed by the importer.
        let raw: Vec<Cell> = k
            .columns()
            .iter()
            .map(|c| {
                values
                    .get(c.name)
                    .map_or(Cell::Null, |v| Cell::Text(v.trim().into()))
            })
            .collect();
        w.write(&raw).map_err(failed)?;
        w.finish().map_err(failed)?;
        st.with_store(|store| {
            let batch = BatchInfo {
                actor: "web form".into(),
                at,
                source: format!("form {}", k.stem()),
            };
            import_dir(store, dir.path(), &batch, ImportOptions::default(), &Quiet)
        })
        .map_err(failed)
    })
    .await
    .map_err(failed)??;
    let errors: Vec<J> = report
        .errors
        .iter()
        .map(|e| json!({ "column": e.error.column, "reason": e.error.reason }))
        .collect();
    if report.batch_id.is_some() {
        state.invalidate();
    }
    let c = report.counts.get(&k).copied().unwrap_or_default();
    Ok(Json(json!({
        "saved": report.batch_id.is_some(),
        "batch_id": report.batch_id,
        "errors": errors,
        "new": c.inserted, "changed": c.updated, "unchanged": c.unchanged,
    })))
}

/// `GET /api/v1/records/{kind}/{key}/audit`: every change of one record.
pub async fn audit(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Json<J>, ApiError> {
    let k = FileKind::from_stem(&kind)
        .ok_or_else(|| ApiError::NotFound(format!("unknown kind {kind}")))?;
    let entries = state.with_store(|s| s.audit_of(k, &key))?;
    let items: Vec<J> = entries
        .iter()
        .map(|e| json!({ "batch_id": e.batch_id, "actor": e.actor, "at": e.at, "field": e.field, "old": e.old, "new": e.new }))
        .collect();
    Ok(Json(
        json!({ "kind": k.stem(), "key": key, "changes": items }),
    ))
}
