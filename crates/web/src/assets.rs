//! The browser UI and its assets, embedded in the binary. Base maps are
//! served by division code: `/map/100000.geojson` is the country by
//! province, `/map/<province>.geojson` its prefectures and
//! `/map/<prefecture>.geojson` its counties. An operator can put an approved
//! base map (审图号) in a directory of `<code>.geojson` files and point
//! `--map-dir` at it. The service worker (`/assets/sw.js`, scope `/`)
//! keeps the shell and the forms recorded in the field on the device.

use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
/// Offline entry (离线录入): the device's queue of records and their sync.
const OFFLINE_JS: &str = include_str!("../assets/offline.js");
/// The assessment procedure's forms (自评, 申诉, the round's controls).
const PROCEDURE_JS: &str = include_str!("../assets/procedure.js");
/// Correction requests (更正申请): the workbench's list and form, one request's page.
const CORRECTIONS_JS: &str = include_str!("../assets/corrections.js");
/// The service worker that keeps the shell and the offline forms on the device.
const SERVICE_WORKER_JS: &str = include_str!("../assets/sw.js");
const ECHARTS: &str = include_str!("../assets/vendor/echarts.min.js");
const CHINA: &str = include_str!("../assets/map/100000.geojson");
/// Prefectures of each province and counties of each prefecture, as
/// `<parent code>.geojson` entries.
const DIVISIONS: &[u8] = include_bytes!("../assets/map/divisions.zip");

fn division_map(code: &str) -> Option<String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(DIVISIONS)).ok()?;
    let mut entry = z.by_name(&format!("{code}.geojson")).ok()?;
    let mut text = String::new();
    entry.read_to_string(&mut text).ok()?;
    Some(text)
}

pub async fn index() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response()
}

pub async fn asset(Path(file): Path<String>) -> Response {
    if file == "sw.js" {
        // Served under /assets/ but controls the whole platform (scope `/`),
        // and always checked for a newer version.
        return (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
                (
                    header::HeaderName::from_static("service-worker-allowed"),
                    "/",
                ),
            ],
            SERVICE_WORKER_JS,
        )
            .into_response();
    }
    let (body, ty) = match file.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "offline.js" => (OFFLINE_JS, "text/javascript; charset=utf-8"),
        "procedure.js" => (PROCEDURE_JS, "text/javascript; charset=utf-8"),
        "corrections.js" => (CORRECTIONS_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "echarts.min.js" => (ECHARTS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub async fn map(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(code) = file
        .strip_suffix(".geojson")
        .filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
    else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let ty = [(header::CONTENT_TYPE, "application/geo+json")];
    if let Some(dir) = &state.map_dir
        && let Ok(text) = std::fs::read_to_string(dir.join(format!("{code}.geojson")))
    {
        return (ty, text).into_response();
    }
    if code == "100000" {
        return (ty, CHINA).into_response();
    }
    if let Some(text) = division_map(code) {
        return (ty, [(header::CACHE_CONTROL, "public, max-age=3600")], text).into_response();
    }
    (StatusCode::NOT_FOUND, "no base map for this code").into_response()
}
