//! What a use case can fail with; `web` maps each variant to an HTTP status.

use domain::error::ValidationError;
use store::StoreError;

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input is invalid; the error names the field.
    #[error("{0}")]
    Invalid(ValidationError),
    /// The use case needs a signed-in account.
    #[error("authentication required")]
    Unauthorized,
    /// The actor may not do this (beyond the permission table: e.g. editing someone else's entry).
    #[error("forbidden")]
    Forbidden,
    /// No such object (in this assembly).
    #[error("not found")]
    NotFound,
    /// The change conflicts with the stored state; the message says why, in English, without personal data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// Anything else (a bug, an engine's internal error); logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A conflict with a message.
    pub fn conflict(message: impl Into<String>) -> Error {
        Error::Conflict(message.into())
    }

    /// An internal error from anything printable.
    pub fn internal(error: impl std::fmt::Display) -> Error {
        Error::Internal(error.to_string())
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Error {
        match error {
            StoreError::NotFound => Error::NotFound,
            StoreError::Conflict { constraint } => Error::Conflict(constraint),
            other => Error::Store(other),
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Error {
        Error::Invalid(error)
    }
}
