//! The one error type of the HTTP edge, with stable codes:
//! `{"code", "message"}` bodies and exhaustive status mapping.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An API error.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// Not signed in, or a credential that does not work.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but outside the caller's role or scope.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("the store could not be read: {0}")]
    Store(#[from] xiezuo_store::StoreError),
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound(_) => "not_found",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Store(_) => "store_unavailable",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "code": self.code(), "message": self.to_string() });
        (self.status(), Json(body)).into_response()
    }
}

/// The request extractors of the API. They reject bad input (a path segment
/// or query parameter of the wrong type, a malformed JSON or multipart body)
/// with a `bad_request` JSON error like every other error, where axum's own
/// extractors answer in plain text.
pub mod extract {
    use super::ApiError;
    use axum::extract::{FromRequest, FromRequestParts, Request};
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
                .map_err(|e| ApiError::BadRequest(e.body_text()))
        }
    }

    impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Query<T> {
        type Rejection = ApiError;
        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
            axum::extract::Query::<T>::from_request_parts(parts, state)
                .await
                .map(|q| Query(q.0))
                .map_err(|e| ApiError::BadRequest(e.body_text()))
        }
    }

    impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for JsonBody<T> {
        type Rejection = ApiError;
        async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
            axum::Json::<T>::from_request(req, state)
                .await
                .map(|j| JsonBody(j.0))
                .map_err(|e| ApiError::BadRequest(e.body_text()))
        }
    }

    impl<S: Send + Sync> FromRequest<S> for Multipart {
        type Rejection = ApiError;
        async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
            axum::extract::Multipart::from_request(req, state)
                .await
                .map(Multipart)
                .map_err(|e| ApiError::BadRequest(e.body_text()))
        }
    }
}
