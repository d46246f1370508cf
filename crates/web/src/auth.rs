//! Who is calling: sign-in (登录) with a session cookie, API tokens for
//! system-to-system upload, CSRF protection, and login rate limiting.
//!
//! A session is a random id in a `Secure; HttpOnly; SameSite=Strict`
//! cookie; the server keeps only its hash, with the account and a CSRF
//! token that every cookie-authenticated write must echo in the
//! `X-CSRF-Token` header. API tokens (`Authorization: Bearer …`) carry no
//! ambient authority, so they need no CSRF token.

use crate::error::{ApiError, ErrorKind};
use crate::session::{
    ACCOUNT_FRESH, COOKIE, Caller, LOGIN_ATTEMPTS_PER_MINUTE, SESSION_IDLE, Session, lock,
};
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Instant;
use xiezuo_domain::Message;
use xiezuo_engine::accounts::{self, SignInError};
use xiezuo_store::Account;

/// The client address of a request.
pub fn origin_of(req: &axum::http::request::Parts) -> String {
    req.extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// An account by login, from the cache or the store. When the store is
/// busy with a long write, a cached account is used.
fn cached_account(state: &AppState, login: &str) -> Result<Option<Account>, ApiError> {
    let s = &state.sessions;
    if let Some((a, t)) = lock(&s.accounts).get(login)
        && t.elapsed() < ACCOUNT_FRESH
    {
        return Ok(a.clone());
    }
    let fresh = state.try_with_reader(|st| st.account(login));
    match fresh {
        Some(r) => {
            let a = r?;
            lock(&s.accounts).insert(login.to_string(), (a.clone(), Instant::now()));
            Ok(a)
        }
        None => Ok(lock(&s.accounts)
            .get(login)
            .and_then(|(a, _)| a.clone())
            .or(state.with_store(|st| st.account(login))?)),
    }
}

fn token_account(state: &AppState, secret: &str) -> Result<Option<Account>, ApiError> {
    let h = accounts::secret_hash(secret);
    let s = &state.sessions;
    if let Some((a, t)) = lock(&s.tokens).get(&h)
        && t.elapsed() < ACCOUNT_FRESH
    {
        return Ok(a.clone());
    }
    let a = match state.try_with_reader(|st| st.token_account(&h)) {
        Some(r) => r?,
        // The store is busy with a long write: a token seen before stays
        // good until it ends, so that its holder can follow the job.
        None => {
            let seen = lock(&s.tokens).get(&h).map(|(a, _)| a.clone());
            match seen {
                Some(a) => return Ok(a),
                None => state.with_store(|st| st.token_account(&h))?,
            }
        }
    };
    lock(&s.tokens).insert(h, (a.clone(), Instant::now()));
    Ok(a)
}

/// Resolves the caller of a request: a bearer token, a session cookie, or
/// the public. A presented credential that does not work is an error (401),
/// never a silent fall-back to the public.
pub fn resolve(state: &AppState, parts: &axum::http::request::Parts) -> Result<Caller, ApiError> {
    let origin = origin_of(parts);
    if let Some(v) = parts.headers.get(header::AUTHORIZATION) {
        let secret = v
            .to_str()
            .ok()
            .and_then(|s| s.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::said(ErrorKind::Unauthorized, Message::new("api.bearer_format"))
            })?;
        return match token_account(state, secret.trim())? {
            Some(a) if !a.disabled => Ok(Caller::of(&a, origin, None)),
            _ => Err(ApiError::said(
                ErrorKind::Unauthorized,
                Message::new("api.token_unknown"),
            )),
        };
    }
    if let Some(sid) = cookie_value(&parts.headers, COOKIE) {
        let h = accounts::secret_hash(&sid);
        let found = {
            let mut m = lock(&state.sessions.by_hash);
            match m.get_mut(&h) {
                Some(s) if s.seen.elapsed() < SESSION_IDLE => {
                    s.seen = Instant::now();
                    Some((s.login.clone(), s.csrf.clone(), s.stamp.clone()))
                }
                Some(_) => {
                    m.remove(&h);
                    None
                }
                None => None,
            }
        };
        if let Some((login, csrf, stamp)) = found {
            return match cached_account(state, &login)? {
                Some(a) if !a.disabled && accounts::credential_stamp(&a) == stamp => {
                    Ok(Caller::of(&a, origin, Some(csrf)))
                }
                Some(a) if !a.disabled => {
                    lock(&state.sessions.by_hash).remove(&h);
                    Err(ApiError::said(
                        ErrorKind::Unauthorized,
                        Message::new("api.password_changed"),
                    ))
                }
                _ => {
                    lock(&state.sessions.by_hash).remove(&h);
                    Err(ApiError::said(
                        ErrorKind::Unauthorized,
                        Message::new("api.account_disabled"),
                    ))
                }
            };
        }
        // An expired or unknown session: the caller is the public (the
        // browser will be asked to sign in where needed).
    }
    Ok(Caller::public(origin))
}

#[derive(Deserialize)]
pub struct Login {
    pub login: String,
    pub password: String,
}

fn caller_json(c: &Caller) -> xiezuo_api::CallerBody {
    xiezuo_api::CallerBody {
        login: c.login.clone(),
        role: c.role.as_str().into(),
        role_zh: c.role.zh().into(),
        region: c.region.map(|r| r.to_string()),
        organisation: c.organisation.clone(),
        personal_data: c.personal,
        csrf: c.csrf.clone(),
    }
}

/// The largest sign-in body read, in bytes: a login and a password fit in
/// far less, and the route is open to the public.
pub const SIGN_IN_BODY_MAX: usize = 8 * 1024;

/// The sign-in body, read up to `SIGN_IN_BODY_MAX` bytes (413 beyond).
async fn sign_in_body(headers: &HeaderMap, body: axum::body::Body) -> Result<Login, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !json {
        return Err(ApiError::said(
            ErrorKind::BadRequest,
            Message::new("api.json_expected"),
        ));
    }
    let bytes = axum::body::to_bytes(body, SIGN_IN_BODY_MAX)
        .await
        .map_err(|_| {
            ApiError::said(
                ErrorKind::PayloadTooLarge,
                Message::new("api.sign_in_too_large").with("max", SIGN_IN_BODY_MAX),
            )
        })?;
    axum::Json::<Login>::from_bytes(&bytes)
        .map(|j| j.0)
        .map_err(|e| crate::error::extract::bad("api.bad_json", e.body_text()))
}

/// `POST /api/v1/session`: signs in with login and password.
pub async fn login(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body = sign_in_body(&parts.headers, body).await?;
    let origin = origin_of(&parts);
    if !state.sessions.allow_attempt(&origin) {
        return Err(ApiError::said(
            ErrorKind::RateLimited,
            Message::new("api.too_many_attempts").with("max", LOGIN_ATTEMPTS_PER_MINUTE),
        ));
    }
    // Repeated failures slow down this login from this address, and every
    // login takes at most a few checks a second: the same answer whether
    // the account exists or not, and never a lock the owner cannot pass.
    if let Err(crate::session::Wait(w)) = state.sessions.may_try(&body.login, &origin) {
        let secs = w.as_secs() + 1;
        let now = (state.clock)();
        let e = accounts::event(
            &now,
            &body.login,
            &origin,
            "login_throttled",
            &format!("wait {secs} s"),
        );
        let st = state.clone();
        tokio::task::spawn_blocking(move || st.with_store(|s| s.log_access(&e)))
            .await
            .map_err(ApiError::internal)??;
        return Err(ApiError::said(
            ErrorKind::RateLimited,
            Message::new("api.login_locked").with("secs", secs),
        ));
    }
    let login = body.login.clone();
    let st = state.clone();
    let now = (state.clock)();
    let at = chrono::DateTime::parse_from_rfc3339(&now)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    let origin2 = origin.clone();
    let result = tokio::task::spawn_blocking(move || {
        st.with_store(|s| {
            let r = accounts::sign_in(s, &body.login, &body.password, at);
            let action = if r.is_ok() { "login" } else { "login_failed" };
            let e = accounts::event(&now, &body.login, &origin2, action, "");
            s.log_access(&e)?;
            Ok::<_, ApiError>(r)
        })
    })
    .await
    .map_err(ApiError::internal)??;
    let account = match result {
        Ok(a) => {
            state.sessions.succeeded(&login, &origin);
            a
        }
        Err(SignInError::Refused) => {
            state.sessions.failed(&login, &origin);
            return Err(ApiError::said(
                ErrorKind::Unauthorized,
                Message::new("api.wrong_password"),
            ));
        }
        Err(SignInError::Store(e)) => return Err(ApiError::Store(e)),
    };
    let sid = accounts::new_secret("")?;
    let csrf = accounts::new_secret("")?;
    lock(&state.sessions.by_hash).insert(
        accounts::secret_hash(&sid),
        Session {
            login: account.login.clone(),
            csrf: csrf.clone(),
            seen: Instant::now(),
            stamp: accounts::credential_stamp(&account),
        },
    );
    lock(&state.sessions.accounts).insert(
        account.login.clone(),
        (Some(account.clone()), Instant::now()),
    );
    let caller = Caller::of(&account, origin, Some(csrf));
    let cookie = format!(
        "{COOKIE}={sid}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
        SESSION_IDLE.as_secs()
    );
    let mut resp = Json(caller_json(&caller)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// `GET /api/v1/session`: who the caller is (the public when signed out).
pub async fn me(axum::Extension(c): axum::Extension<Caller>) -> Json<xiezuo_api::CallerBody> {
    Json(caller_json(&c))
}

/// `DELETE /api/v1/session`: signs out.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(sid) = cookie_value(&headers, COOKIE) {
        lock(&state.sessions.by_hash).remove(&accounts::secret_hash(&sid));
    }
    let mut resp = Json(json!({ "signed_out": true })).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "xz_session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0",
        ),
    );
    resp
}
