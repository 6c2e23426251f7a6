//! The error type of every API handler, sent as `shared::wire::ApiError`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use shared::wire::ApiError;
use shared::RecordError;

/// The result type of API handlers.
pub type ApiResult<T, E = Error> = Result<T, E>;

/// An API failure, mapped to a status code and a JSON body.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed or has an invalid parameter.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// The request carries no valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// The credentials are valid but the request is not allowed.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The request clashes with stored data, such as a name already taken.
    #[error("{0}")]
    Conflict(String),
    /// The profiles of an import failed the server's own validation.
    #[error("{message}")]
    InvalidProfiles {
        message: String,
        errors: Vec<RecordError>,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::InvalidProfiles { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Database(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad_request",
            Error::NotFound(_) => "not_found",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::TooManyRequests(_) => "too_many_requests",
            Error::Conflict(_) => "conflict",
            Error::InvalidProfiles { .. } => "invalid_profiles",
            Error::Database(_) | Error::Internal(_) => "internal_error",
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let code = self.code().to_owned();
        let body = match self {
            Error::Database(_) | Error::Internal(_) => {
                // The cause goes to the log only: it may name tables or paths.
                tracing::error!("request failed: {self}");
                ApiError {
                    code,
                    message: "the server failed to handle the request; see the server log".into(),
                    errors: Vec::new(),
                }
            }
            Error::InvalidProfiles { message, errors } => ApiError {
                code,
                message,
                errors,
            },
            other => ApiError {
                code,
                message: other.to_string(),
                errors: Vec::new(),
            },
        };
        (status, Json(body)).into_response()
    }
}
