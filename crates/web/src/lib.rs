//! The web platform: a JSON API under `/api/v1` (with its OpenAPI document
//! at `/api/openapi.json`) and the browser UI, in Simplified Chinese with an
//! English switch, served from the binary (no CDN, no internet at run time).
//!
//! Only this crate knows HTTP. Handlers read an in-memory snapshot of the
//! store (`state::Snapshot`), rebuilt in the background after writes and
//! swapped in whole, so reads never wait on the database or on a rebuild.

pub mod access;
mod api;
mod appeals;
mod assets;
mod attachments;
pub mod auth;
mod cache;
mod checks;
mod convert;
mod corrections;
mod error;
mod files;
mod headers;
mod jobs;
mod labels;
mod labour;
mod openapi;
mod overview;
mod pending;
mod publication;
mod reconciliation;
mod records;
mod registry;
mod rounds;
mod self_evaluations;
pub mod session;
pub mod state;
mod upload;
mod workbench;
mod zipped;

use axum::Router;
use axum::routing::get;
pub use pending::UploadLimits;
pub use state::{AppState, StateSettings};

/// The application's routes.
pub fn router(state: AppState) -> Router {
    let upload_body = usize::try_from(state.upload_limits.body_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/", get(assets::index))
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .route("/assets/{file}", get(assets::asset))
        .route("/map/{code}", get(assets::map))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::docs))
        .route("/api/v1/health", get(api::health))
        .route("/api/v1/labels", get(labels::get_labels))
        .route(
            "/api/v1/session",
            get(auth::me)
                .post(auth::login)
                .delete(auth::logout)
                .layer(axum::extract::DefaultBodyLimit::max(auth::SIGN_IN_BODY_MAX)),
        )
        .route("/api/v1/access-log", get(records::access_log))
        .route("/api/v1/audit/export.csv", get(records::audit_export))
        .route("/api/v1/overview", get(overview::overview))
        .route("/api/v1/pairings", get(api::pairings))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/pairings/{id}", get(api::pairing))
        .route("/api/v1/pairings/{id}/explain", get(api::explain))
        .route("/api/v1/methods", get(api::methods))
        .route("/api/v1/jobs/{id}", get(api::job))
        .route(
            "/api/v1/assessments/{year}/run",
            axum::routing::post(api::run_assessment),
        )
        .route("/api/v1/assessments/compare", get(api::compare))
        .route("/api/v1/assessments/{year}", get(api::assessment))
        .route(
            "/api/v1/assessments/{year}/export.xlsx",
            get(files::ranking_xlsx),
        )
        .route("/api/v1/templates/{file}", get(files::template))
        .route("/api/v1/regions/{code}", get(registry::region))
        .route("/api/v1/schema/{kind}", get(records::schema))
        .route("/api/v1/labour/station", get(labour::station))
        .route(
            "/api/v1/labour/confirm",
            axum::routing::post(labour::confirm),
        )
        .route(
            "/api/v1/records/{kind}",
            axum::routing::post(records::save)
                .layer(axum::extract::DefaultBodyLimit::max(records::FORM_BODY_MAX)),
        )
        .route("/api/v1/records/{kind}/{key}", get(records::get))
        .route("/api/v1/records/{kind}/{key}/audit", get(records::audit))
        .route("/api/v1/projects/{id}", get(registry::project))
        .route("/api/v1/reconciliation/{year}", get(reconciliation::get))
        .merge(round_routes())
        .route("/api/v1/uploads", axum::routing::post(upload::create))
        .route(
            "/api/v1/uploads/{token}/commit",
            axum::routing::post(upload::commit),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::guard,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(upload_body))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn(headers::security))
        .with_state(state)
}

/// The routes of the assessment as a process: rounds, the workbench,
/// cross-checks, self-evaluations, appeals, corrections and publication.
fn round_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rounds", get(rounds::list))
        .route("/api/v1/workbench", get(workbench::workbench))
        .route(
            "/api/v1/rounds/{year}/checks",
            get(checks::list).post(checks::record),
        )
        .route(
            "/api/v1/rounds/{year}/verified-rates",
            get(checks::verified_rates),
        )
        .route("/api/v1/rounds/{year}", get(rounds::get))
        .route(
            "/api/v1/rounds/{year}/report/{id}/{side}",
            get(publication::report),
        )
        .route(
            "/api/v1/rounds/{year}/export.xlsx",
            get(publication::workbook),
        )
        .route(
            "/api/v1/rounds/{year}/open",
            axum::routing::post(rounds::open)
                .layer(axum::extract::DefaultBodyLimit::max(rounds::ROUND_BODY_MAX)),
        )
        .route(
            "/api/v1/rounds/{year}/advance",
            axum::routing::post(rounds::advance)
                .layer(axum::extract::DefaultBodyLimit::max(rounds::ROUND_BODY_MAX)),
        )
        .route(
            "/api/v1/rounds/{year}/freeze",
            axum::routing::post(rounds::freeze)
                .layer(axum::extract::DefaultBodyLimit::max(rounds::ROUND_BODY_MAX)),
        )
        .route(
            "/api/v1/rounds/{year}/sample",
            axum::routing::post(rounds::sample)
                .layer(axum::extract::DefaultBodyLimit::max(rounds::ROUND_BODY_MAX)),
        )
        .route(
            "/api/v1/rounds/{year}/sample/{file}",
            get(rounds::sample_file),
        )
        .route(
            "/api/v1/rounds/{year}/penalties",
            axum::routing::post(rounds::penalties),
        )
        .route(
            "/api/v1/rounds/{year}/self-evaluations/{id}",
            get(self_evaluations::get),
        )
        .route(
            "/api/v1/rounds/{year}/self-evaluations/{id}/{side}",
            axum::routing::post(self_evaluations::submit).layer(
                axum::extract::DefaultBodyLimit::max(self_evaluations::SELF_EVALUATION_BODY_MAX),
            ),
        )
        .route(
            "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/opinion",
            axum::routing::post(self_evaluations::opinion).layer(
                axum::extract::DefaultBodyLimit::max(self_evaluations::SELF_EVALUATION_BODY_MAX),
            ),
        )
        .route(
            "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments",
            axum::routing::post(attachments::add).layer(axum::extract::DefaultBodyLimit::max(
                attachments::ATTACHMENT_BODY_MAX,
            )),
        )
        .route(
            "/api/v1/rounds/{year}/self-evaluations/{id}/{side}/attachments/{n}",
            get(attachments::get).delete(attachments::remove),
        )
        .route(
            "/api/v1/rounds/{year}/appeals",
            get(appeals::list)
                .post(appeals::file)
                .layer(axum::extract::DefaultBodyLimit::max(
                    appeals::APPEAL_BODY_MAX,
                )),
        )
        .route(
            "/api/v1/rounds/{year}/appeals/{id}/decision",
            axum::routing::post(appeals::decide).layer(axum::extract::DefaultBodyLimit::max(
                appeals::APPEAL_BODY_MAX,
            )),
        )
        .route(
            "/api/v1/rounds/{year}/corrections",
            get(corrections::list).post(corrections::file).layer(
                axum::extract::DefaultBodyLimit::max(corrections::CORRECTION_BODY_MAX),
            ),
        )
        .route(
            "/api/v1/rounds/{year}/corrections/{id}",
            get(corrections::show),
        )
        .route(
            "/api/v1/rounds/{year}/corrections/{id}/decision",
            axum::routing::post(corrections::decide),
        )
}

/// How long a client may take to send a request's head (line and headers)
/// before its connection is closed; also how long an idle connection stays
/// open between requests.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The most connections served at once: beyond it, new connections wait
/// in the listener's queue until one closes.
pub const MAX_CONNECTIONS: usize = 1024;

/// The limits of the server's connections.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// See `HEADER_READ_TIMEOUT`.
    pub header_read_timeout: std::time::Duration,
    /// See `MAX_CONNECTIONS`.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> ServeLimits {
        ServeLimits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves until the process ends, with the default `ServeLimits`.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with(listener, state, ServeLimits::default()).await
}

/// Serves until the process ends: HTTP/1.1, each connection closed when
/// its request head does not arrive within `header_read_timeout`, and at
/// most `max_connections` at once.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: ServeLimits,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let app = router(state);
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return Ok(());
        };
        let (stream, remote) = match listener.accept().await {
            Ok(c) => c,
            // Out of file descriptors or a connection reset before it was
            // taken: wait a moment and go on.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                let mut app = app.clone();
                tower_service::Service::call(&mut app, req.map(axum::body::Body::new))
            });
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            // A connection that fails (reset, timed out) only ends itself.
            let _ = connection.await;
        });
    }
}
