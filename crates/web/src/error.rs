//! The one error type of the HTTP edge (接口错误), with stable codes from one
//! table ([`ERROR_TABLE`]): `{"code", "message", "message_zh"}` bodies, and
//! for internal failures also `"reference"`, with a generic message; the
//! detail of an internal failure goes to the log only, under its reference.
//! An error made from a `Message` (`ApiError::said`) has its Chinese text
//! from the message catalogue; any other says its kind in Chinese before
//! its English detail.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use xiezuo_domain::Message;
use xiezuo_store::StoreError;

/// Who is at fault for an error: the client (4xx) or the server (5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Client,
    Server,
}

/// The kinds of API error: each has one row of [`ERROR_TABLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Frozen,
    PayloadTooLarge,
    RateLimited,
    Internal,
    StoreUnavailable,
}

/// One row of the error table: the stable code, the category, the HTTP
/// status and what it means (the OpenAPI document shows it).
#[derive(Debug, Clone, Copy)]
pub struct ErrorRow {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub category: Category,
    pub status: u16,
    pub description: &'static str,
}

const fn row(
    kind: ErrorKind,
    code: &'static str,
    category: Category,
    status: u16,
    description: &'static str,
) -> ErrorRow {
    ErrorRow {
        kind,
        code,
        category,
        status,
        description,
    }
}

/// Every error code of the API with its status: the one table that
/// [`ApiError::code`], [`ApiError::status`] and the OpenAPI document read.
pub const ERROR_TABLE: [ErrorRow; 10] = {
    use Category::{Client, Server};
    use ErrorKind as K;
    [
        row(
            K::BadRequest,
            "bad_request",
            Client,
            400,
            "a parameter or body that does not parse or check",
        ),
        row(
            K::Unauthorized,
            "unauthorized",
            Client,
            401,
            "not signed in, or a credential that does not work",
        ),
        row(
            K::Forbidden,
            "forbidden",
            Client,
            403,
            "outside the caller's role or scope",
        ),
        row(K::NotFound, "not_found", Client, 404, "not found"),
        row(
            K::Conflict,
            "conflict",
            Client,
            409,
            "the change conflicts with what is stored",
        ),
        row(
            K::Frozen,
            "frozen",
            Client,
            423,
            "reserved: the assessment round is frozen and its data cannot change",
        ),
        row(
            K::PayloadTooLarge,
            "payload_too_large",
            Client,
            413,
            "the request body is larger than the limit",
        ),
        row(
            K::RateLimited,
            "rate_limited",
            Client,
            429,
            "too many attempts from this address",
        ),
        row(
            K::Internal,
            "internal",
            Server,
            500,
            "an internal failure; the body names a reference to find it in the log",
        ),
        row(
            K::StoreUnavailable,
            "store_unavailable",
            Server,
            503,
            "the store cannot be reached; the body names a reference",
        ),
    ]
};

impl ErrorKind {
    /// This kind's row of [`ERROR_TABLE`].
    pub fn row(self) -> &'static ErrorRow {
        // Every kind has exactly one row (a unit test checks).
        ERROR_TABLE
            .iter()
            .find(|r| r.kind == self)
            .unwrap_or(&ERROR_TABLE[8])
    }
}

/// The generic message of an internal failure (no detail of the cause).
pub const INTERNAL_MESSAGE: &str = "内部错误 an internal error occurred";
/// The generic message when the store cannot be reached.
pub const STORE_UNAVAILABLE_MESSAGE: &str = "数据存储暂不可用 the store is unavailable";

/// An API error.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// An internal failure (I/O, a task that did not finish, an import that
    /// failed): the detail is logged, never sent.
    #[error("internal: {0}")]
    Internal(String),
    #[error("the store could not be read: {0}")]
    Store(#[from] StoreError),
    /// A client error of any kind with its message (code and parameters).
    #[error("{1}")]
    Said(ErrorKind, Message),
}

impl ErrorKind {
    /// What this kind of error means, in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "请求有误",
            ErrorKind::Unauthorized => "未登录或凭据无效",
            ErrorKind::Forbidden => "无权执行此操作",
            ErrorKind::NotFound => "未找到",
            ErrorKind::Conflict => "与已存数据冲突",
            ErrorKind::Frozen => "考核已冻结，数据不能更改",
            ErrorKind::PayloadTooLarge => "请求内容过大",
            ErrorKind::RateLimited => "尝试次数过多",
            ErrorKind::Internal => "内部错误",
            ErrorKind::StoreUnavailable => "数据存储暂不可用",
        }
    }
}

impl ApiError {
    /// An internal failure with its detail (logged only).
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }

    /// A client error of `kind` with its message.
    pub fn said(kind: ErrorKind, message: Message) -> ApiError {
        ApiError::Said(kind, message)
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ApiError::Said(_, m) | ApiError::Store(StoreError::Conflict(m)) => m.zh(),
            other => format!("{}：{other}", other.kind().zh()),
        }
    }

    /// The kind of error, the key of [`ERROR_TABLE`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Store(StoreError::Conflict(_)) => ErrorKind::Conflict,
            ApiError::Internal(_) => ErrorKind::Internal,
            ApiError::Store(StoreError::Backend(_)) => ErrorKind::StoreUnavailable,
            ApiError::Store(_) => ErrorKind::Internal,
            ApiError::Said(k, _) => *k,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.kind().row().code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.kind().row().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A short random id that ties a sanitised answer to its log line.
fn reference() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(d.as_nanos());
    }
    format!("{:08x}", h.finish() as u32)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let kind = self.kind();
        let row = kind.row();
        let body = if row.category == Category::Server {
            let reference = reference();
            // The detail (an I/O or backend message, no personal data: those
            // are keyed before they reach the store) goes to the log only.
            eprintln!("error {reference}: {}: {self}", row.code);
            let message = if kind == ErrorKind::StoreUnavailable {
                STORE_UNAVAILABLE_MESSAGE
            } else {
                INTERNAL_MESSAGE
            };
            xiezuo_api::ErrorBody {
                code: row.code.into(),
                message: message.into(),
                message_zh: kind.zh().into(),
                reference: Some(reference),
            }
        } else {
            xiezuo_api::ErrorBody {
                code: row.code.into(),
                message: self.to_string(),
                message_zh: self.message_zh(),
                reference: None,
            }
        };
        (self.status(), Json(body)).into_response()
    }
}

/// The request extractors of the API. They reject bad input (a path segment
/// or query parameter of the wrong type, a malformed JSON or multipart body)
/// with a `bad_request` JSON error like every other error, where axum's own
/// extractors answer in plain text.
pub mod extract {
    use super::{ApiError, ErrorKind, Message};
    use axum::extract::{FromRequest, FromRequestParts, Request};

    /// A request the extractor could not read: `code` says which part,
    /// `detail` is the extractor's own text.
    pub(crate) fn bad(code: &'static str, detail: String) -> ApiError {
        ApiError::said(
            ErrorKind::BadRequest,
            Message::new(code).with("detail", detail),
        )
    }
    use axum::http::request::Parts;
    use serde::de::DeserializeOwned;

    /// Path parameters.
    pub struct Path<T>(pub T);
    /// Query parameters.
    pub struct Query<T>(pub T);
    /// A JSON request body.
    pub struct JsonBody<T>(pub T);
    /// A multipart request body.
    pub struct Multipart(pub axum::extract::Multipart);

    impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
        type Rejection = ApiError;
        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
            axum::extract::Path::<T>::from_request_parts(parts, state)
                .await
                .map(|p| Path(p.0))
                .map_err(|e| bad("api.bad_path", e.body_text()))
        }
    }

    impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Query<T> {
        type Rejection = ApiError;
        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
            axum::extract::Query::<T>::from_request_parts(parts, state)
                .await
                .map(|q| Query(q.0))
                .map_err(|e| bad("api.bad_query", e.body_text()))
        }
    }

    impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for JsonBody<T> {
        type Rejection = ApiError;
        async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
            axum::Json::<T>::from_request(req, state)
                .await
                .map(|j| JsonBody(j.0))
                .map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::said(
                            ErrorKind::PayloadTooLarge,
                            Message::new("api.body_too_large").with("detail", e.body_text()),
                        )
                    } else {
                        bad("api.bad_json", e.body_text())
                    }
                })
        }
    }

    impl<S: Send + Sync> FromRequest<S> for Multipart {
        type Rejection = ApiError;
        async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
            axum::extract::Multipart::from_request(req, state)
                .await
                .map(Multipart)
                .map_err(|e| bad("api.bad_multipart", e.body_text()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(e: ApiError) -> (u16, serde_json::Value) {
        let r = e.into_response();
        let status = r.status().as_u16();
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("json"))
    }

    #[test]
    fn every_kind_has_exactly_one_row() {
        for r in &ERROR_TABLE {
            assert_eq!(ERROR_TABLE.iter().filter(|o| o.kind == r.kind).count(), 1);
            assert_eq!(r.kind.row().code, r.code);
            assert_eq!(
                r.category == Category::Server,
                r.status >= 500,
                "{}",
                r.code
            );
        }
    }

    #[tokio::test]
    async fn a_store_conflict_answers_409_with_its_message() {
        let (status, body) = answer(
            StoreError::Conflict(Message::new("store.login_taken").with("login", "\"ma\"")).into(),
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(body["code"], "conflict");
        assert!(body["message"].as_str().unwrap_or("").contains("\"ma\""));
        assert_eq!(body["message_zh"], "账号 \"ma\" 已存在");
    }

    #[tokio::test]
    async fn an_internal_failure_answers_500_without_its_detail() {
        let (status, body) = answer(ApiError::internal("disk full at /var/secret/path")).await;
        assert_eq!(status, 500);
        assert_eq!(body["code"], "internal");
        assert_eq!(body["message"], INTERNAL_MESSAGE);
        assert!(!body.to_string().contains("secret"), "{body}");
        let reference = body["reference"].as_str().unwrap_or("");
        assert_eq!(reference.len(), 8, "{body}");
    }

    #[tokio::test]
    async fn store_errors_answer_without_backend_text() {
        let (status, body) =
            answer(StoreError::Backend("connection refused to db-host".into()).into()).await;
        assert_eq!(status, 503);
        assert_eq!(body["code"], "store_unavailable");
        assert!(!body.to_string().contains("db-host"), "{body}");
        let (status, body) = answer(StoreError::Corrupt("row 7 column id".into()).into()).await;
        assert_eq!(status, 500);
        assert_eq!(body["code"], "internal");
        assert!(!body.to_string().contains("row 7"), "{body}");
    }

    #[tokio::test]
    async fn client_errors_keep_their_message() {
        for (e, status, code, zh) in [
            (
                ApiError::said(
                    ErrorKind::BadRequest,
                    Message::new("api.bad_query").with("detail", "year must be a number"),
                ),
                400,
                "bad_request",
                "查询参数有误：year must be a number",
            ),
            (
                ApiError::said(
                    ErrorKind::NotFound,
                    Message::new("api.unknown_pairing").with("id", "PROV-44-52"),
                ),
                404,
                "not_found",
                "结对 PROV-44-52 不存在",
            ),
            (
                ApiError::said(
                    ErrorKind::PayloadTooLarge,
                    Message::new("api.body_too_large").with("detail", "over 64 MiB"),
                ),
                413,
                "payload_too_large",
                "请求内容过大：over 64 MiB",
            ),
        ] {
            let message = e.to_string();
            let (s, body) = answer(e).await;
            assert_eq!((s, body["code"].as_str()), (status, Some(code)));
            assert_eq!(body["message"], message.as_str());
            assert_eq!(body["message_zh"], zh);
        }
    }
}
