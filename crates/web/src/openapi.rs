//! The OpenAPI 3.1 document of the API and a small docs page built from it.

use crate::error::{Category, ERROR_TABLE, ErrorKind};
use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use xiezuo_domain::{Finding, Indicator};
use xiezuo_exchange::FileKind;

fn param(name: &str, place: &str, required: bool, ty: &str, desc: &str) -> Value {
    json!({ "name": name, "in": place, "required": required, "schema": { "type": ty }, "description": desc })
}

/// A parameter with further schema constraints (an enum, a format, bounds) merged in.
fn constrained(mut p: Value, extra: Value) -> Value {
    if let (Some(schema), Some(extra)) = (p["schema"].as_object_mut(), extra.as_object()) {
        schema.extend(extra.clone());
    }
    p
}

/// A parameter with an example value (from the public conformance dataset).
fn example(mut p: Value, v: Value) -> Value {
    p["example"] = v;
    p
}

fn stems(kinds: &[FileKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.stem()).collect()
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } })
}

/// The responses of the given error kinds, status and description from the
/// error table.
fn table_errors(kinds: &[ErrorKind]) -> Value {
    let mut out = serde_json::Map::new();
    for k in kinds {
        let r = k.row();
        out.insert(
            r.status.to_string(),
            error(&format!("{} (`code`: {})", r.description, r.code)),
        );
    }
    Value::Object(out)
}

fn error_responses() -> Value {
    use ErrorKind as K;
    table_errors(&[
        K::BadRequest,
        K::Unauthorized,
        K::Forbidden,
        K::NotFound,
        K::Conflict,
        K::Internal,
        K::StoreUnavailable,
    ])
}

fn json_ok(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "type": "object" } } } })
}

fn error_responses_with_ok() -> Value {
    let mut r = error_responses();
    r["200"] = json_ok("the report: errors (file, line, column, reason) and counts per file");
    r
}

/// The link from a response that names a job to the job's state.
fn job_link() -> Value {
    json!({ "job": { "operationRef": "#/paths/~1api~1v1~1jobs~1{id}/get", "parameters": { "id": "$response.body#/job" } } })
}

/// A write that starts a background job: 202 with `{"job": id}`.
fn job_responses(description: &str) -> Value {
    let mut r = error_responses();
    r["202"] = json!({ "description": description, "content": { "application/json": { "schema": {
        "type": "object", "required": ["job"], "properties": { "job": { "type": "string" } } } } },
        "links": job_link() });
    r
}

fn op(summary: &str, params: Vec<Value>) -> Value {
    let mut responses = error_responses();
    responses["200"] = json_ok("OK");
    json!({ "get": { "summary": summary, "parameters": params, "responses": responses } })
}

/// A download: 200 with a file of `media` type.
fn file_op(summary: &str, params: Vec<Value>, media: &str) -> Value {
    let mut responses = error_responses();
    responses["200"] = json!({ "description": "the file", "content": { media: { "schema": { "type": "string", "format": "binary" } } } });
    json!({ "get": { "summary": summary, "parameters": params, "responses": responses } })
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Sign-in and sign-out.
fn session_path() -> Value {
    json!({
        "get": { "summary": "Who is calling: the signed-in account, or the public", "responses": { "200": json_ok("the caller") } },
        "post": {
            "summary": "Sign in with a login and password; sets the session cookie and returns the caller with its CSRF token",
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["login", "password"],
                "properties": { "login": { "type": "string" }, "password": { "type": "string" } } } } } },
            "responses": {
                "200": json_ok("the caller"),
                "400": error("a body that does not parse (`code`: bad_request)"),
                "401": error("wrong login or password, or a locked account (`code`: unauthorized)"),
                "413": error("a body over 8 KiB (`code`: payload_too_large)"),
                "429": error("too many attempts from this address (`code`: rate_limited)"),
                "500": table_errors(&[ErrorKind::Internal])["500"],
                "503": table_errors(&[ErrorKind::StoreUnavailable])["503"]
            }
        },
        "delete": { "summary": "Sign out", "responses": { "200": json_ok("signed out") } }
    })
}

/// Uploading a dataset and committing it.
fn upload_paths() -> Value {
    let e = error_responses();
    json!({
        "/api/v1/uploads": { "post": {
            "summary": "Upload dataset files (CSV, XLSX) or a zip of them; returns a job whose result is the validation report (nothing stored) and the token to commit",
            "requestBody": { "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "files": { "type": "array", "items": { "type": "string", "format": "binary" } } } } } } },
            "responses": {
                "200": { "description": "the check job and the upload's token", "content": { "application/json": { "schema": {
                    "type": "object", "required": ["job", "token"],
                    "properties": { "job": { "type": "string" }, "token": { "type": "string" } } } } },
                    "links": { "job": job_link()["job"], "commit": { "operationRef": "#/paths/~1api~1v1~1uploads~1{token}~1commit/post", "parameters": { "token": "$response.body#/token" } } } },
                "400": e["400"], "401": e["401"], "403": e["403"], "500": e["500"]
            }
        } },
        "/api/v1/uploads/{token}/commit": { "post": {
            "summary": "Import a checked upload atomically (nothing if any row is bad); returns a job whose result is the import report",
            "parameters": [param("token", "path", true, "string", "the token of the upload")],
            "responses": {
                "200": { "description": "the import job", "content": { "application/json": { "schema": {
                    "type": "object", "required": ["job"], "properties": { "job": { "type": "string" } } } } },
                    "links": job_link() },
                "400": e["400"], "401": e["401"], "403": e["403"], "404": e["404"], "500": e["500"]
            }
        } }
    })
}

/// The assessment rounds: read by every signed-in caller, moved by
/// administrators.
fn round_paths() -> Value {
    let year = || {
        example(
            constrained(
                param("year", "path", true, "integer", "the assessed year"),
                json!({ "format": "int32" }),
            ),
            json!(2020),
        )
    };
    let step = |summary: &str, body: &str| {
        let mut responses = error_responses();
        responses["200"] = json_ok("the round after the step");
        json!({ "post": {
            "summary": summary,
            "parameters": [year()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{body}") } } } },
            "responses": responses
        } })
    };
    let id = || param("id", "path", true, "string", "pairing id");
    let side = || {
        let mut p = param(
            "side",
            "path",
            true,
            "string",
            "the side: east (helper) or west (helped)",
        );
        p["schema"]["enum"] = json!(["east", "west"]);
        p
    };
    let mut evaluations = json!({
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}": step("Submit a side's self-evaluation (自评) during the round's self_evaluation step: claimed values by indicator (pre-filled with the frozen result) and a narrative; only the side's own party (an office covering it, or an administrator); a claim that differs from the frozen value is a finding", "SelfEvaluationSubmit"),
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion": step("The paired party's opinion of a side's self-evaluation (only the other side's party)", "OpinionSubmit"),
    });
    for (_, v) in evaluations.as_object_mut().into_iter().flatten() {
        v["post"]["parameters"] = json!([year(), id(), side()]);
    }
    evaluations["/api/v1/rounds/{year}/appeals"] = {
        let mut v = op(
            "The appeals (申诉) of a round on the caller's pairings, with their decisions, and the records penalised now for falsification (which may be appealed)",
            vec![year()],
        );
        v["post"] = step("File an appeal during the round's review step: an indicator value (indicator, value), a finding (finding, record_kind, record_id) or a falsification penalty (penalty: true, record_kind, record_id) of the pairing, with reason and evidence; only the appealing side's own party. An upheld penalty appeal takes the record out of the penalties (its indicator, points and veto)", "AppealSubmit")["post"].clone();
        v
    };
    evaluations["/api/v1/rounds/{year}/appeals/{id}/decision"] = {
        let mut v = step(
            "Decide an appeal (assessors): an upheld appeal re-runs the frozen assessment with the decision as the round's next frozen version",
            "DecisionSubmit",
        );
        v["post"]["parameters"] =
            json!([year(), param("id", "path", true, "integer", "appeal id")]);
        v
    };
    let get_one = op(
        "Both sides' self-evaluations of a pairing in a round: claims beside the frozen values, mismatches, the paired party's opinion, and what the caller may do",
        vec![year(), id()],
    );
    evaluations["/api/v1/rounds/{year}/self-evaluations/{id}"] = get_one;
    let mut paths = json!({
        "/api/v1/rounds": op("Every assessment round (考核轮次): its state, freeze and history", vec![]),
        "/api/v1/rounds/{year}": op("The assessment round of a year: its state, the next step, its freeze and every step with actor, time and reason", vec![year()]),
        "/api/v1/rounds/{year}/open": step("Open the round of a year under a method (administrators)", "RoundReason"),
        "/api/v1/rounds/{year}/advance": step("Move a round one step on: open → self_evaluation → cross_check (only once frozen) → review → approved → published (administrators); any other step is refused with 409", "RoundStep"),
        "/api/v1/rounds/{year}/freeze": step("Freeze the data of a round (数据锁定): compute the year's assessment from the store as it is and keep it as the round's result; from then on a change to a record the year reads is refused (administrators; 423 when frozen already)", "RoundReason"),
    });
    for (k, v) in evaluations.as_object().into_iter().flatten() {
        paths[k] = v.clone();
    }
    paths["/api/v1/rounds/{year}/report/{id}/{side}"] = file_op(
        "A party's assessment report (考核报告) as one print-ready HTML page in Chinese, from the round's frozen result: scores, rank, indicators beside the self-evaluation, findings, penalties, appeals with their decisions and the round's history; marked 初步结果 until the round is published (409 before the freeze)",
        vec![year(), id(), side()],
        "text/html",
    );
    paths["/api/v1/rounds/{year}/checks"] = {
        let mut v = op(
            "The cross-check team's form (交叉核查结果): the sampled records of the latest sample for the caller's team (an office of a team's province: its pairings; the national office and assessors: all), each with the result recorded so far, and whether the caller may record now",
            vec![year()],
        );
        let mut responses = error_responses();
        responses["200"] = json_ok(
            "`{recorded, saved, errors}`: nothing is stored when any row has an error; each error names its form row (`row`, from 0), column and reason",
        );
        let row = json!({ "type": "object", "required": ["pairing_id", "record_kind", "record_id", "stratum", "result"], "properties": {
            "pairing_id": { "type": "string" }, "county": { "type": "string" }, "record_kind": { "type": "string" }, "record_id": { "type": "string" },
            "stratum": { "type": "string" }, "result": { "type": "string", "enum": ["confirmed", "not_found", "discrepant", "falsified"] },
            "note": { "type": "string", "description": "the corrected value or the evidence; required when discrepant or falsified" } } });
        v["post"] = json!({
            "summary": "Record the team's results on sampled records during the round's cross_check step, all or none, with the rules of a filled-in sample.csv; only the national office and the team's own province office (403 for another team's pairing)",
            "parameters": [year()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["seed", "rows"], "properties": { "seed": { "type": "integer", "format": "int64" }, "rows": { "type": "array", "items": row } } } } } },
            "responses": responses
        });
        v
    };
    let mut responses = error_responses();
    responses["200"] = json_ok("the round after the step");
    paths["/api/v1/rounds/{year}/sample"] = json!({ "post": {
        "summary": "Draw the cross-check sample (交叉核查抽样) of a frozen round with a seed (administrators): the same seed gives the same sample; the seed and the SHA-256 of sample.csv are recorded in the round and the teams assigned by lot, never to their own pairing or province (the same as `xiezuo sample`)",
        "parameters": [year()],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["seed"], "properties": { "seed": { "type": "integer", "format": "int64", "minimum": 0 } } } } } },
        "responses": responses.clone()
    } });
    paths["/api/v1/rounds/{year}/penalties"] = json!({ "post": {
        "summary": "Apply the method's penalties to the records the teams found falsified (administrators), once, at the end of the cross_check step: the round's next frozen version (the same as `xiezuo check apply`; 409 at another step or when applied already)",
        "parameters": [year()],
        "responses": responses
    } });
    cross_check_paths(&mut paths);
    correction_paths(&mut paths);
    attachment_paths(&mut paths);
    paths["/api/v1/workbench"] = op(
        "The caller's workbench (工作台): for each round not yet published, its schedule with late steps marked and the current step's deadline; the parties the caller acts for (every party for the national office and assessors) with their self-evaluation, the paired side's opinion, open tasks (self_evaluation, opinion), appeals and whether they are late; the cross-check teams of the caller's province with their sampled and recorded records",
        vec![],
    );
    paths["/api/v1/rounds/{year}/export.xlsx"] = file_op(
        "The whole round as an XLSX file, one sheet each: about (published or preliminary, frozen version), history, scores, ranking, indicators, findings, penalties, appeals; rows of the caller's pairings (409 before the freeze)",
        vec![year()],
        XLSX,
    );
    paths["/api/v1/reconciliation/{year}"] = op(
        "The two-sided reconciliation (对账) of a year over the caller's pairings: each pairing's traceability (money and people confirmed by both sides) and every unmatched or mismatched item, a finding of both parties",
        vec![
            year(),
            param(
                "method",
                "query",
                false,
                "string",
                "method id whose [reconciliation] tolerances apply (default xz-v1)",
            ),
            param("pairing", "query", false, "string", "only this pairing"),
        ],
    );
    paths
}

/// The cross-check's sample files and verified rates.
fn cross_check_paths(paths: &mut Value) {
    let year = || param("year", "path", true, "integer", "assessment year");
    paths["/api/v1/rounds/{year}/sample/{file}"] = file_op(
        "A file of the round's latest cross-check sample, `sample.csv` (the records to check, to fill in) or `teams.csv` (the team drawn for each pairing), as `xiezuo sample` writes them: drawn again from the recorded seed and checked against the recorded SHA-256 (409 when the data moved since; 404 before any sample); administrators and assessors only",
        vec![
            year(),
            param("file", "path", true, "string", "sample.csv or teams.csv"),
        ],
        "text/csv",
    );
    paths["/api/v1/rounds/{year}/verified-rates"] = op(
        "The cross-check's verified rates (核查核实率) on the caller's pairings: per pairing and record kind, the teams' results, the share confirmed with its 95 % Wilson interval, and the indicator the kind counts extrapolated by it (as `xiezuo check report`)",
        vec![year()],
    );
}

/// Attachments of a self-evaluation (佐证材料).
fn attachment_paths(paths: &mut Value) {
    let ps = || {
        json!([
            param("year", "path", true, "integer", "assessment year"),
            param("id", "path", true, "string", "pairing id"),
            param("side", "path", true, "string", "east or west"),
        ])
    };
    let mut responses = error_responses();
    responses["200"] = json_ok("both sides' self-evaluations, with the side's attachments");
    paths["/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments"] = json!({ "post": {
        "summary": "Add documents to a side's self-evaluation (PDF, PNG, JPEG, DOCX, XLSX; each at most 5 MiB and what its name says; at most 10 a side), all or none, during the round's self_evaluation step; only the side's own party",
        "parameters": ps(),
        "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "files": { "type": "array", "items": { "type": "string", "format": "binary" } } } } } } },
        "responses": responses.clone()
    } });
    let mut with_n = ps();
    if let Some(a) = with_n.as_array_mut() {
        a.push(param("n", "path", true, "integer", "attachment number"));
    }
    let mut download = error_responses();
    download["200"] = json!({ "description": "the document, as a download", "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } });
    paths["/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}"] = json!({
        "get": { "summary": "One attachment of a side's self-evaluation, with its media type", "parameters": with_n.clone(), "responses": download },
        "delete": { "summary": "Remove one of the side's attachments during the self_evaluation step; only the side's own party", "parameters": with_n, "responses": responses }
    });
}

/// Correction requests (更正申请) of a frozen year.
fn correction_paths(paths: &mut Value) {
    let year = || param("year", "path", true, "integer", "assessment year");
    let cid = || param("id", "path", true, "integer", "correction id");
    let mut list = op(
        "The correction requests (更正申请) of a frozen year that the caller may see (administrators and assessors: all; an office: those filed in its region; a writer: its own), each with its rows' diff and whether the caller may decide it",
        vec![year()],
    );
    let mut responses = error_responses();
    responses["200"] = json_ok(
        "`CorrectionFiled`: the filed correction, or (`valid` false) the row errors that kept it from being filed; nothing is stored either way",
    );
    list["post"] = json!({
        "summary": "File a correction of a frozen year (any writer, until the round is approved): the corrected rows as dataset files (CSV, XLSX) of the kinds the year reads, and a reason. The rows are checked as an import within the caller's write scope; a row that changes nothing of the frozen year is an error (import it as usual). Nothing is stored until an approver of the level above approves",
        "parameters": [year()],
        "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "required": ["reason", "files"], "properties": {
            "reason": { "type": "string" },
            "files": { "type": "array", "items": { "type": "string", "format": "binary" } } } } } } },
        "responses": responses
    });
    paths["/api/v1/rounds/{year}/corrections"] = list;
    paths["/api/v1/rounds/{year}/corrections/{id}"] = op(
        "One correction: its rows' diff and its effect on the frozen indicators, scores, grades and findings (on current data while pending; as approved once decided)",
        vec![year(), cid()],
    );
    let mut responses = error_responses();
    responses["200"] = json_ok("the decided correction");
    paths["/api/v1/rounds/{year}/corrections/{id}/decision"] = json!({ "post": {
        "summary": "Approve or reject a correction with a comment: only an approver of the level above its filer (the national office, or an office whose region contains the filer's; never the filer: 403). Approving imports the rows as one audited batch (409 if the rows were changed since filing; nothing stored) and makes the round's next frozen version",
        "parameters": [year(), cid()],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CorrectionDecide" } } } },
        "responses": responses
    } });
}

/// Security schemes, and the schemas of the wire types (`xiezuo_api`),
/// the error body's codes from the error table.
fn components() -> Value {
    let mut schemas = xiezuo_api::schemas();
    if let Some(e) = schemas.get_mut("ErrorBody") {
        e["description"] = json!(
            "An error. Internal failures (status 5xx) carry a generic message and a reference to the log line instead of their detail. `frozen` (423) is reserved for frozen assessment rounds."
        );
        e["properties"]["code"]["enum"] =
            json!(ERROR_TABLE.iter().map(|r| r.code).collect::<Vec<_>>());
        e["x-error-codes"] = ERROR_TABLE
            .iter()
            .map(|r| json!({ "code": r.code, "status": r.status, "category": match r.category { Category::Client => "client", Category::Server => "server" }, "description": r.description }))
            .collect();
    }
    json!({
        "securitySchemes": {
            "bearer": { "type": "http", "scheme": "bearer", "description": "an API token from 'xiezuo user token LOGIN'" },
            "session": { "type": "apiKey", "in": "cookie", "name": crate::session::COOKIE, "description": "the session cookie set by POST /api/v1/session; writes also send its CSRF token in X-CSRF-Token" }
        },
        "schemas": schemas
    })
}

/// The answers whose body is a wire type: (path, method, status, schema).
const TYPED_RESPONSES: &[(&str, &str, &str, &str)] = &[
    ("/api/v1/health", "get", "200", "Health"),
    ("/api/v1/labels", "get", "200", "LabelsBody"),
    ("/api/v1/session", "get", "200", "CallerBody"),
    ("/api/v1/session", "post", "200", "CallerBody"),
    ("/api/v1/assessments/{year}", "get", "200", "RankingBody"),
    (
        "/api/v1/reconciliation/{year}",
        "get",
        "200",
        "ReconciliationBody",
    ),
    (
        "/api/v1/assessments/{year}/run",
        "post",
        "202",
        "JobStarted",
    ),
    ("/api/v1/jobs/{id}", "get", "200", "JobBody"),
    ("/api/v1/labour/station", "get", "200", "StationBody"),
    ("/api/v1/labour/confirm", "post", "200", "ConfirmedBody"),
    ("/api/v1/records/{kind}", "post", "200", "SavedRecord"),
    ("/api/v1/uploads", "post", "200", "JobStarted"),
    ("/api/v1/rounds", "get", "200", "RoundsBody"),
    ("/api/v1/rounds/{year}", "get", "200", "RoundBody"),
    ("/api/v1/rounds/{year}/open", "post", "200", "RoundBody"),
    ("/api/v1/rounds/{year}/advance", "post", "200", "RoundBody"),
    ("/api/v1/rounds/{year}/freeze", "post", "200", "RoundBody"),
    ("/api/v1/rounds/{year}/appeals", "get", "200", "AppealsBody"),
    (
        "/api/v1/rounds/{year}/verified-rates",
        "get",
        "200",
        "VerifiedRatesBody",
    ),
    (
        "/api/v1/rounds/{year}/corrections",
        "get",
        "200",
        "CorrectionsBody",
    ),
    (
        "/api/v1/rounds/{year}/corrections",
        "post",
        "200",
        "CorrectionFiled",
    ),
    (
        "/api/v1/rounds/{year}/corrections/{id}",
        "get",
        "200",
        "CorrectionBody",
    ),
    (
        "/api/v1/rounds/{year}/corrections/{id}/decision",
        "post",
        "200",
        "CorrectionBody",
    ),
    ("/api/v1/rounds/{year}/appeals", "post", "200", "AppealBody"),
    (
        "/api/v1/rounds/{year}/appeals/{id}/decision",
        "post",
        "200",
        "AppealBody",
    ),
    (
        "/api/v1/rounds/{year}/self-evaluations/{id}",
        "get",
        "200",
        "SelfEvaluationsBody",
    ),
    (
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}",
        "post",
        "200",
        "SelfEvaluationsBody",
    ),
    (
        "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion",
        "post",
        "200",
        "SelfEvaluationsBody",
    ),
    (
        "/api/v1/uploads/{token}/commit",
        "post",
        "200",
        "JobStarted",
    ),
];

/// The OpenAPI document.
pub fn spec() -> Value {
    let mut doc = spec_core();
    doc["paths"]["/api/v1/session"] = session_path();
    for (path, v) in upload_paths().as_object().into_iter().flatten() {
        doc["paths"][path] = v.clone();
    }
    for (path, v) in round_paths().as_object().into_iter().flatten() {
        doc["paths"][path] = v.clone();
    }
    doc["security"] = json!([{ "bearer": [] }, { "session": [] }, {}]);
    for (path, method, status, schema) in TYPED_RESPONSES {
        doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"] =
            json!({ "$ref": format!("#/components/schemas/{schema}") });
    }
    doc
}

fn spec_core() -> Value {
    let page = || {
        constrained(
            param("page", "query", false, "integer", "page number, from 1"),
            json!({ "minimum": 1 }),
        )
    };
    let per_page = || {
        constrained(
            param(
                "per_page",
                "query",
                false,
                "integer",
                "rows per page (1-500, default 50)",
            ),
            json!({ "minimum": 1, "maximum": 500 }),
        )
    };
    let year = |place: &str, name: &str, desc: &str| {
        example(
            constrained(
                param(name, place, true, "integer", desc),
                json!({ "format": "int32" }),
            ),
            json!(2019),
        )
    };
    let pairing = || {
        example(
            param("id", "path", true, "string", "pairing id"),
            json!("PROV-31-53"),
        )
    };
    let date = || {
        example(
            constrained(
                param("date", "query", true, "string", "YYYY-MM-DD"),
                json!({ "format": "date" }),
            ),
            json!("2020-06-30"),
        )
    };
    let form_kind = || {
        example(
            constrained(
                param("kind", "path", true, "string", "a record kind with a form"),
                json!({ "enum": stems(crate::records::FORM_KINDS) }),
            ),
            json!("projects"),
        )
    };
    let record_key = || {
        example(
            param("key", "path", true, "string", "record key"),
            json!("XM2019-000223"),
        )
    };
    let one_of = |name: &str, desc: &str, values: &[&str]| {
        constrained(
            param(name, "query", false, "string", desc),
            json!({ "enum": values }),
        )
    };
    let indicators: Vec<&str> = Indicator::ALL.iter().map(|i| i.as_str()).collect();
    let findings: Vec<&str> = Finding::ALL.iter().map(|f| f.as_str()).collect();
    let templates: Vec<String> = FileKind::ALL
        .iter()
        .map(|k| format!("{}.xlsx", k.stem()))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Xiezuo (协作) API", "version": env!("CARGO_PKG_VERSION"), "description": "East-West cooperation (东西部协作): pairings, records and the yearly assessment." },
        "paths": {
            "/api/v1/health": op("Liveness", vec![]),
            "/api/v1/labels": op("The Chinese and English labels of enum values, columns, file kinds and roles", vec![]),
            "/api/v1/access-log": op("The access log: sign-ins, account changes and full views of personal data, oldest first", vec![
                param("kind", "query", false, "string", "record kind"),
                param("key", "query", false, "string", "record key")]),
            "/api/v1/audit/export.csv": file_op("The whole audit trail and the access log as one CSV file", vec![], "text/csv"),
            "/api/v1/overview": op("National totals by year, the map of pairings, and the grade counts of the latest published round (审定公布) with its year as `published` (null before any round is published); never live grades", vec![]),
            "/api/v1/pairings": op("Pairings, filtered and paginated", vec![
                one_of("level", "pairing level", &["province", "prefecture", "county", "township", "village"]),
                param("q", "query", false, "string", "text to look for (ids, names, codes)"),
                page(), per_page()]),
            "/api/v1/search": op("One search box: regions, pairings, projects and organisations by Chinese name or code, those the caller may see, at most 20 of each", vec![
                example(param("q", "query", true, "string", "text to look for"), json!("贵州"))]),
            "/api/v1/pairings/{id}": op("One pairing: sub-pairings tree, indicators, scores and findings by year", vec![pairing()]),
            "/api/v1/pairings/{id}/explain": op("The records behind one indicator or finding", vec![
                pairing(),
                year("query", "year", "year"),
                one_of("indicator", "indicator id (this or finding)", &indicators),
                one_of("finding", "finding id (this or indicator)", &findings),
                page(), per_page()]),
            "/api/v1/assessments/{year}": op("The ranking of a year under method xz-v1", vec![
                year("path", "year", "year"),
                param("method", "query", false, "string", "method id (default xz-v1); see /api/v1/methods"),
                one_of("side", "the side scored", &["east", "west"]),
                one_of("grade", "grade", &["good", "fair", "average", "poor"]),
                param("province", "query", false, "string", "province code prefix of either party"),
                one_of("sort", "order: by total (default) or by pairing id", &["total", "pairing"])]),
            "/api/v1/jobs/{id}": op("A background job (upload check, upload import, assessment run): state, progress 0..1, result", vec![param("id", "path", true, "string", "job id")]),
            "/api/v1/assessments/{year}/run": { "post": {
                "summary": "Run (or find) the assessment of a year under a method in the background; returns a job",
                "parameters": [year("path", "year", "year"), param("method", "query", false, "string", "method id")],
                "responses": job_responses("the job started")
            } },
            "/api/v1/methods": op("The assessment methods an assessor may choose", vec![]),
            "/api/v1/assessments/compare": op("Two years side by side: totals, grades and changes", vec![
                year("query", "from", "earlier year"),
                example(constrained(param("to", "query", true, "integer", "later year"), json!({ "format": "int32" })), json!(2020))]),
            "/api/v1/assessments/{year}/export.xlsx": file_op("The ranking of a year as an XLSX file: the same filters as the ranking, ranked within each side, Chinese headers and grades", vec![
                year("path", "year", "year"),
                param("method", "query", false, "string", "method id (default xz-v1)"),
                one_of("side", "the side scored", &["east", "west"]),
                one_of("grade", "grade", &["good", "fair", "average", "poor"]),
                param("province", "query", false, "string", "province code prefix of either party")], XLSX),
            "/api/v1/templates/{file}": file_op("A blank XLSX template with Chinese headers and drop-down lists, e.g. projects.xlsx", vec![
                example(constrained(param("file", "path", true, "string", "<kind>.xlsx"), json!({ "enum": templates })), json!("projects.xlsx"))], XLSX),
            "/api/v1/regions/{code}": op("A region: registered households (masked), poverty status by year, projects and pairings", vec![
                example(constrained(param("code", "path", true, "string", "region code (12 or 6 digits)"), json!({ "pattern": "^[0-9]{6}([0-9]{6})?$" })), json!("450121101201")),
                page(), per_page()]),
            "/api/v1/projects/{id}": op("A project: budget and funds, milestones (late ones marked), beneficiaries", vec![example(param("id", "path", true, "string", "project id"), json!("XM2019-000223"))]),
            "/api/v1/schema/{kind}": op("The form of a record kind: labels, types, choices", vec![form_kind()]),
            "/api/v1/records/{kind}/{key}": op("One stored record as text values (keys of pairs joined with /, URL-encoded)", vec![
                form_kind(), record_key()]),
            "/api/v1/records/{kind}/{key}/audit": op("Every change of one record: who, when, old and new value", vec![
                example(constrained(param("kind", "path", true, "string", "record kind"), json!({ "enum": stems(FileKind::ALL) })), json!("projects")),
                record_key()]),
            "/api/v1/records/{kind}": { "post": {
                "summary": "Save one record (new, or an update of the record with the same key) with the validation of an import",
                "parameters": [form_kind(), param("wait", "query", false, "boolean", "answer only once pairings, rankings and project pages include the record (without it they do within one snapshot rebuild)"), param("base_batch", "query", false, "integer", "the batch of the stored record the entry was based on (0: a new record); when the record changed since, nothing is written and the answer is 409 conflict")],
                "requestBody": { "content": { "application/json": { "schema": { "type": "object", "additionalProperties": { "type": "string" } } } } },
                "responses": error_responses_with_ok()
            } },
            "/api/v1/labour/station": op("A labour station's view on a date: seekers, open postings, optimal proposals and the greedy baseline, unmatched reasons, confirmed placements, retention, follow-ups", vec![
                example(constrained(param("date", "query", false, "string", "YYYY-MM-DD (default: the latest date the labour data speaks of)"), json!({ "format": "date" })), json!("2020-06-30")),
                param("station", "query", false, "string", "labour station (default: all)")]),
            "/api/v1/labour/confirm": { "post": {
                "summary": "Store the proposals of a date (of one station, or all) as placements: one audited batch, all or none, each row within the caller's write scope (administrators, offices)",
                "parameters": [date(), param("station", "query", false, "string", "only this station's proposals, as its view shows them")],
                "responses": error_responses_with_ok()
            } }
        },
        "components": components()
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
    for (path, methods) in s["paths"].as_object().into_iter().flatten() {
        for (method, v) in methods.as_object().into_iter().flatten() {
            html.push_str(&format!(
                "<h2>{} {path}</h2><p>{}</p><ul>",
                method.to_uppercase(),
                v["summary"].as_str().unwrap_or("")
            ));
            for p in v["parameters"].as_array().into_iter().flatten() {
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

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api/openapi.json");

    /// The document is reviewed as a file: any change to a route, a
    /// parameter or a wire type shows in `docs/api/openapi.json`.
    #[test]
    fn the_document_is_its_golden_file() {
        let now = serde_json::to_string_pretty(&spec()).unwrap() + "\n";
        if std::env::var_os("XIEZUO_BLESS").is_some() {
            std::fs::write(GOLDEN, &now).unwrap();
            return;
        }
        let golden = std::fs::read_to_string(GOLDEN).unwrap_or_default();
        assert!(
            golden == now,
            "the OpenAPI document differs from docs/api/openapi.json: review the change, then \
             run `XIEZUO_BLESS=1 cargo test -p xiezuo-web openapi` and commit the file"
        );
    }

    #[test]
    fn typed_answers_name_documented_operations_and_schemas() {
        let doc = spec();
        for (path, method, status, schema) in TYPED_RESPONSES {
            let op = &doc["paths"][path][method];
            assert!(
                op["summary"].is_string(),
                "{method} {path} is not documented"
            );
            assert!(
                op["responses"][status]["description"].is_string(),
                "{method} {path} has no {status} answer"
            );
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "{schema} is not a wire type"
            );
        }
        let text = doc.to_string();
        for (i, _) in text.match_indices("#/components/schemas/") {
            let rest = &text[i + "#/components/schemas/".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(
                doc["components"]["schemas"][&name].is_object(),
                "unresolved reference {name}"
            );
        }
    }
}
