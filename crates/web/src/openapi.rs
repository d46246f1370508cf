//! The OpenAPI 3.1 document of the API and a small docs page built from it.

use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

fn param(name: &str, place: &str, required: bool, ty: &str, desc: &str) -> Value {
    json!({ "name": name, "in": place, "required": required, "schema": { "type": ty }, "description": desc })
}

fn error_responses() -> Value {
    json!({
        "400": { "description": "bad request (`code`: bad_request)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "404": { "description": "not found (`code`: not_found)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "500": { "description": "store unavailable (`code`: store_unavailable)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

fn error_responses_with_ok() -> Value {
    let mut r = error_responses();
    r["200"] = json!({ "description": "the report: errors (file, line, column, reason) and counts per file", "content": { "application/json": { "schema": { "type": "object" } } } });
    r
}

fn op(summary: &str, params: Vec<Value>) -> Value {
    let mut responses = error_responses();
    responses["200"] = json!({ "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } });
    json!({ "get": { "summary": summary, "parameters": params, "responses": responses } })
}

/// The OpenAPI document.
pub fn spec() -> Value {
    let page = || param("page", "query", false, "integer", "page number, from 1");
    let per_page = || {
        param(
            "per_page",
            "query",
            false,
            "integer",
            "rows per page (1-500, default 50)",
        )
    };
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Xiezuo (协作) API", "version": env!("CARGO_PKG_VERSION"), "description": "East-West cooperation (东西部协作): pairings, records and the yearly assessment." },
        "paths": {
            "/api/v1/health": op("Liveness", vec![]),
            "/api/v1/overview": op("National totals by year, the map of pairings, grades of the latest assessment", vec![]),
            "/api/v1/pairings": op("Pairings, filtered and paginated", vec![
                param("level", "query", false, "string", "province|prefecture|county|township|village"),
                param("q", "query", false, "string", "text to look for (ids, names, codes)"),
                page(), per_page()]),
            "/api/v1/pairings/{id}": op("One pairing: sub-pairings tree, indicators, scores and findings by year", vec![param("id", "path", true, "string", "pairing id")]),
            "/api/v1/pairings/{id}/explain": op("The records behind one indicator or finding", vec![
                param("id", "path", true, "string", "pairing id"),
                param("year", "query", true, "integer", "year"),
                param("indicator", "query", false, "string", "indicator id"),
                param("finding", "query", false, "string", "finding id"),
                page(), per_page()]),
            "/api/v1/assessments/{year}": op("The ranking of a year under method xz-v1", vec![
                param("year", "path", true, "integer", "year"),
                param("method", "query", false, "string", "method id (default xz-v1); see /api/v1/methods"),
                param("side", "query", false, "string", "east|west"),
                param("grade", "query", false, "string", "good|fair|average|poor"),
                param("province", "query", false, "string", "province code prefix of either party"),
                param("sort", "query", false, "string", "total (default) or pairing")]),
            "/api/v1/jobs/{id}": op("A background job (upload check, upload import, assessment run): state, progress 0..1, result", vec![param("id", "path", true, "string", "job id")]),
            "/api/v1/assessments/{year}/run": { "post": {
                "summary": "Run (or find) the assessment of a year under a method in the background; returns a job",
                "parameters": [param("year", "path", true, "integer", "year"), param("method", "query", false, "string", "method id")],
                "responses": error_responses_with_ok()
            } },
            "/api/v1/methods": op("The assessment methods an assessor may choose", vec![]),
            "/api/v1/assessments/compare": op("Two years side by side: totals, grades and changes", vec![
                param("from", "query", true, "integer", "earlier year"),
                param("to", "query", true, "integer", "later year")]),
            "/api/v1/assessments/{year}/export.xlsx": op("The ranking of a year as an XLSX file", vec![param("year", "path", true, "integer", "year")]),
            "/api/v1/templates/{file}": op("A blank XLSX template with Chinese headers and drop-down lists, e.g. projects.xlsx", vec![param("file", "path", true, "string", "<kind>.xlsx")]),
            "/api/v1/regions/{code}": op("A region: registered households (masked), poverty status by year, projects and pairings", vec![
                param("code", "path", true, "string", "region code (12 or 6 digits)"), page(), per_page()]),
            "/api/v1/projects/{id}": op("A project: budget and funds, milestones (late ones marked), beneficiaries", vec![param("id", "path", true, "string", "project id")]),
            "/api/v1/schema/{kind}": op("The form of a record kind (projects, milestones, placements, meetings, funds): labels, types, choices", vec![param("kind", "path", true, "string", "file kind")]),
            "/api/v1/records/{kind}/{key}": op("One stored record as text values (keys of pairs joined with /, URL-encoded)", vec![
                param("kind", "path", true, "string", "file kind"), param("key", "path", true, "string", "record key")]),
            "/api/v1/records/{kind}/{key}/audit": op("Every change of one record: who, when, old and new value", vec![
                param("kind", "path", true, "string", "file kind"), param("key", "path", true, "string", "record key")]),
            "/api/v1/records/{kind}": { "post": {
                "summary": "Save one record (new, or an update of the record with the same key) with the validation of an import",
                "parameters": [param("kind", "path", true, "string", "file kind")],
                "requestBody": { "content": { "application/json": { "schema": { "type": "object", "additionalProperties": { "type": "string" } } } } },
                "responses": error_responses_with_ok()
            } },
            "/api/v1/labour/station": op("A labour station's view on a date: seekers, open postings, optimal proposals and the greedy baseline, unmatched reasons, confirmed placements, retention, follow-ups", vec![
                param("date", "query", true, "string", "YYYY-MM-DD"), param("station", "query", false, "string", "labour station (default: all)")]),
            "/api/v1/labour/confirm": { "post": {
                "summary": "Store every proposal of a date as a placement (one audited batch)",
                "parameters": [param("date", "query", true, "string", "YYYY-MM-DD")],
                "responses": error_responses_with_ok()
            } },
            "/api/v1/uploads": { "post": {
                "summary": "Upload dataset files (CSV, XLSX) or a zip of them; returns a job whose result is the validation report (nothing stored) and the token to commit",
                "requestBody": { "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "files": { "type": "array", "items": { "type": "string", "format": "binary" } } } } } } },
                "responses": error_responses_with_ok()
            } },
            "/api/v1/uploads/{token}/commit": { "post": {
                "summary": "Import a checked upload atomically (nothing if any row is bad); returns a job whose result is the import report",
                "parameters": [param("token", "path", true, "string", "the token of the upload")],
                "responses": error_responses_with_ok()
            } }
        },
        "components": { "schemas": { "Error": {
            "type": "object", "required": ["code", "message"],
            "properties": { "code": { "type": "string", "enum": ["not_found", "bad_request", "store_unavailable"] }, "message": { "type": "string" } }
        } } }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

/// A readable list of the endpoints.
pub async fn docs() -> Response {
    let s = spec();
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>Xiezuo API</title><link rel=\"stylesheet\" href=\"/assets/app.css\"><body class=\"docs\"><h1>Xiezuo (协作) API</h1><p>OpenAPI: <a href=\"/api/openapi.json\">/api/openapi.json</a></p>",
    );
    if let Some(paths) = s["paths"].as_object() {
        for (path, v) in paths {
            html.push_str(&format!(
                "<h2>GET {path}</h2><p>{}</p><ul>",
                v["get"]["summary"].as_str().unwrap_or("")
            ));
            for p in v["get"]["parameters"].as_array().into_iter().flatten() {
                html.push_str(&format!(
                    "<li><code>{}</code> ({}) {}</li>",
                    p["name"].as_str().unwrap_or(""),
                    p["in"].as_str().unwrap_or(""),
                    p["description"].as_str().unwrap_or("")
                ));
            }
            html.push_str("</ul>");
        }
    }
    html.push_str("</body></html>");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}
