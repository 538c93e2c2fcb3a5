//! The one error type of the web layer and how it becomes an HTTP response.
//!
//! `into_response` writes a JSON body and attaches an [`ErrorDetails`] extension; the route middleware turns
//! it into an HTML page (in the visitor's language) for page routes and logs the cause of server errors.
//! A 500 never shows its cause to the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::error::ValidationError;
use store::StoreError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field is invalid (422); the message names the field.
    #[error("{0}")]
    Invalid(ValidationError),
    /// The body could not be read as the expected form or JSON (400 or 422).
    #[error("{message}")]
    BadInput {
        /// The HTTP status (400 for syntax, 422 for shape).
        status: StatusCode,
        /// What was wrong, naming the field when the parser knows it.
        message: String,
    },
    /// The request needs a signed-in account or a valid API token (401).
    #[error("authentication required")]
    Unauthorized,
    /// The visitor's role does not allow this action (403).
    #[error("forbidden")]
    Forbidden,
    /// The form carried no CSRF token, or the wrong one (403).
    #[error("missing or invalid CSRF token (field csrf_token)")]
    Csrf,
    /// No such page or object (404).
    #[error("not found")]
    NotFound,
    /// The change conflicts with stored data (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The body is larger than the limit (413).
    #[error("request body too large")]
    TooLarge,
    /// Too many attempts (429).
    #[error("too many attempts, try again later")]
    TooManyRequests,
    /// Too many anonymous submissions from this client address (429 with `Retry-After`); nothing was written.
    #[error(
        "too many submissions from your address: nothing was saved, try again in {retry_after_seconds} seconds"
    )]
    RateLimited {
        /// Seconds until the client's window ends.
        retry_after_seconds: i64,
    },
    /// Anything else (500); the cause is logged, never shown.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The machine-readable kind of an error, used to pick the translated message of the HTML error page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// See [`AppError::Invalid`] and [`AppError::BadInput`].
    BadInput,
    /// See [`AppError::Unauthorized`].
    Unauthorized,
    /// See [`AppError::Forbidden`].
    Forbidden,
    /// See [`AppError::Csrf`].
    Csrf,
    /// See [`AppError::NotFound`].
    NotFound,
    /// See [`AppError::Conflict`].
    Conflict,
    /// See [`AppError::TooLarge`].
    TooLarge,
    /// See [`AppError::TooManyRequests`].
    TooManyRequests,
    /// See [`AppError::RateLimited`].
    RateLimited,
    /// See [`AppError::Internal`].
    Internal,
}

/// Attached to error responses so that the middleware can render and log them.
#[derive(Debug, Clone)]
pub struct ErrorDetails {
    /// The kind of error.
    pub kind: ErrorKind,
    /// The English message (also in the JSON body).
    pub message: String,
    /// The field at fault, if known.
    pub field: Option<String>,
    /// For 500s: the cause chain, to be logged (never sent).
    pub cause: Option<String>,
    /// For [`ErrorKind::RateLimited`]: the seconds to wait (also sent as `Retry-After`).
    pub retry_after_seconds: Option<i64>,
}

impl AppError {
    /// Wraps any error as an internal one.
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(Box::new(error))
    }

    fn status_and_kind(&self) -> (StatusCode, ErrorKind) {
        match self {
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorKind::BadInput),
            AppError::BadInput { status, .. } => (*status, ErrorKind::BadInput),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorKind::Unauthorized),
            AppError::Forbidden => (StatusCode::FORBIDDEN, ErrorKind::Forbidden),
            AppError::Csrf => (StatusCode::FORBIDDEN, ErrorKind::Csrf),
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorKind::NotFound),
            AppError::Conflict(_) => (StatusCode::CONFLICT, ErrorKind::Conflict),
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge),
            AppError::TooManyRequests => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorKind::TooManyRequests)
            }
            AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorKind::RateLimited),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal),
        }
    }
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, kind) = self.status_and_kind();
        let field = match &self {
            AppError::Invalid(error) => Some(error.field.clone()),
            AppError::Csrf => Some("csrf_token".to_owned()),
            _ => None,
        };
        let cause = match &self {
            AppError::Internal(error) => Some(error_chain(error.as_ref())),
            _ => None,
        };
        let retry_after_seconds = match &self {
            AppError::RateLimited {
                retry_after_seconds,
            } => Some((*retry_after_seconds).max(1)),
            _ => None,
        };
        let message = self.to_string();
        let body = match retry_after_seconds {
            Some(seconds) => serde_json::json!({
                "error": message, "field": field, "retry_after_seconds": seconds,
            }),
            None => serde_json::json!({ "error": message, "field": field }),
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = retry_after_seconds {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(ErrorDetails {
            kind,
            message,
            field,
            cause,
            retry_after_seconds,
        });
        response
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { constraint } => AppError::Conflict(constraint),
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(error: ValidationError) -> AppError {
        AppError::Invalid(error)
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> AppError {
        AppError::Internal(Box::new(error))
    }
}

impl From<axum::extract::rejection::FormRejection> for AppError {
    fn from(rejection: axum::extract::rejection::FormRejection) -> AppError {
        AppError::BadInput {
            status: rejection.status(),
            message: rejection.body_text(),
        }
    }
}

impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> AppError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge;
        }
        AppError::BadInput {
            status: rejection.status(),
            message: rejection.body_text(),
        }
    }
}

impl From<app::Error> for AppError {
    fn from(error: app::Error) -> AppError {
        match error {
            app::Error::Invalid(error) => AppError::Invalid(error),
            app::Error::Unauthorized => AppError::Unauthorized,
            app::Error::Forbidden => AppError::Forbidden,
            app::Error::NotFound => AppError::NotFound,
            app::Error::Conflict(message) => AppError::Conflict(message),
            app::Error::Store(error) => AppError::from(error),
            other @ app::Error::Internal(_) => AppError::internal(other),
        }
    }
}

/// A refused status change ([`app::recruitment::StatusError`]) as a 409 worded in `lang`.
pub fn status_refused(lang: crate::i18n::Lang, error: app::recruitment::StatusError) -> AppError {
    use app::recruitment::StatusError;
    let t = lang.t::<crate::i18n::RecruitmentMessages>();
    let message = match error {
        StatusError::Transition { from, to } => crate::i18n::fill(
            t.err_transition,
            &[("from", t.status_name(from)), ("to", t.status_name(to))],
        ),
        StatusError::Moved => t.err_status_moved.to_owned(),
        StatusError::OtherRole => lang
            .t::<crate::i18n::members::MemberMessages>()
            .err_other_role
            .to_owned(),
        StatusError::App(error) => return error.into(),
    };
    AppError::BadInput {
        status: StatusCode::CONFLICT,
        message,
    }
}

/// A refused item of a bulk action as a JSON error naming it: `{"error": "FIELD ID: MESSAGE", "field", "id"}`
/// (issue 18, item 1).
pub fn item_refused(status: StatusCode, field: &str, id: i64, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": format!("{field} {id}: {message}"), "field": field, "id": id })),
    )
        .into_response()
}
