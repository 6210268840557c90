//! Errors by layer.
//!
//! - Store and model code returns [`StoreError`](crate::store::StoreError) or
//!   `diesel::QueryResult`; database setup returns [`DbError`](crate::db::DbError).
//! - Request code returns [`ApiError`]: each variant maps to one HTTP status and a JSON body
//!   `{"error": "<snake_case_code>", "message": "..."}`.
//! - Binaries and background tasks use `anyhow::Result` with `.context(..)`.
//!
//! 5xx responses carry a generic message; the cause chain goes to the log, once, when the
//! response is built.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::auth::AuthError;

/// An error answered to an HTTP client.
#[derive(thiserror::Error)]
pub enum ApiError {
    /// No valid credential: missing, malformed, unknown or revoked.
    #[error("authentication failed: {0}")]
    Unauthorized(#[source] AuthError),
    /// The request is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The caller may see the resource but not do this to it.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The resource is not in a state that allows the request.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The resource does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The request body exceeds the configured limit.
    #[error("payload too large: the limit is {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A dependency (the database) is not reachable.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug or an unexpected failure.
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError {
    /// The stable snake_case code in the `error` field.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "unauthorized",
            Self::BadRequest(_) => "bad_request",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::NotFound => "not_found",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::Unavailable(_) => "unavailable",
            Self::Unexpected(_) => "internal",
        }
    }
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        error_chain_fmt(self, f)
    }
}

/// Writes `e` and every `source()` below it, one per line (for logs).
pub fn error_chain_fmt(
    e: &impl std::error::Error,
    f: &mut std::fmt::Formatter<'_>,
) -> std::fmt::Result {
    writeln!(f, "{e}")?;
    let mut current = e.source();
    while let Some(cause) = current {
        writeln!(f, "caused by: {cause}")?;
        current = cause.source();
    }
    Ok(())
}

/// The JSON body of every error response.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    /// Stable snake_case code.
    pub error: String,
    /// Human-readable explanation (generic for 5xx).
    pub message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let message = if status.is_server_error() {
            tracing::error!(error.code = self.code(), error.details = ?self, "request failed");
            match self {
                Self::Unavailable(_) => "the service is temporarily unavailable".to_owned(),
                _ => "an internal error occurred".to_owned(),
            }
        } else {
            self.to_string()
        };
        HttpResponse::build(status).json(ErrorBody {
            error: self.code().to_owned(),
            message,
        })
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Store(inner) => Self::Unavailable(inner.into()),
            other => Self::Unauthorized(other),
        }
    }
}
