//! The one way to take a form: [`Submitted`] reads a urlencoded body into the form's fields and validates them into
//! a command; a body that does not parse is a 400/422 [`AppError`] naming the field, and fields that parse but do
//! not validate come back with their [`FieldErrors`] so that the handler re-renders its page with the values the
//! visitor typed and one message per field.
//!
//! ```text
//! pub async fn create_session(.., Submitted(form): Submitted<SessionFields>) -> Result<Response, AppError> {
//!     let new = match form {
//!         Ok(new) => new,
//!         Err(invalid) => return page(.., invalid.errors.describe(viewer.lang), invalid.fields).await,
//!     };
//!     ..
//! }
//! ```

use axum::extract::{FromRequest, Request};
use domain::error::{Problem, ValidationError};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::i18n::Lang;

/// A number drawn physically in public (dice digits, numbered balls; issue 18, item 8), as typed on a panel draw's
/// or an invitation draw's form: decimal digits only, at most 18, leading zeros dropped (`007` is 7); anything else
/// is [`Problem::Malformed`] for `field`.
pub fn drawn_number(field: &str, raw: &str) -> Result<u64, ValidationError> {
    let raw = raw.trim();
    (!raw.is_empty() && raw.len() <= 18 && raw.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| raw.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| ValidationError::new(field, Problem::Malformed))
}

/// A form's fields, as posted, and how they validate into the command a use case takes.
pub trait Validate: DeserializeOwned + Send {
    /// What the fields become once valid.
    type Command;

    /// Checks every field (not only the first bad one) and builds the command.
    fn validate(&self) -> Result<Self::Command, FieldErrors>;
}

/// A form whose fields parsed: `Ok` with the command, or `Err` with the fields and what is wrong with them.
pub struct Submitted<F: Validate>(pub Result<F::Command, Invalid<F>>);

/// A form that parsed but did not validate.
pub struct Invalid<F> {
    /// The values as the visitor typed them, to show again.
    pub fields: F,
    /// What is wrong, by field.
    pub errors: FieldErrors,
}

/// Validation errors, each naming its field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<ValidationError>);

impl FieldErrors {
    /// No errors.
    pub fn new() -> FieldErrors {
        FieldErrors(Vec::new())
    }

    /// Adds one.
    pub fn push(&mut self, error: ValidationError) {
        self.0.push(error);
    }

    /// Keeps a field's value if it parsed, or records its error.
    pub fn take<T>(&mut self, parsed: Result<T, ValidationError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when there are no errors.
    pub fn or_ok<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }

    /// Whether `field` has an error (to mark the input `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|error| error.field == field)
    }

    /// One sentence per error, in `lang`, naming the field by its label.
    pub fn describe(&self, lang: Lang) -> Vec<String> {
        let messages = lang.messages();
        self.0
            .iter()
            .map(|error| messages.describe(error))
            .collect()
    }
}

impl From<ValidationError> for FieldErrors {
    fn from(error: ValidationError) -> FieldErrors {
        FieldErrors(vec![error])
    }
}

impl From<Vec<ValidationError>> for FieldErrors {
    fn from(errors: Vec<ValidationError>) -> FieldErrors {
        FieldErrors(errors)
    }
}

impl<F, S> FromRequest<S> for Submitted<F>
where
    F: Validate,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(fields) = axum::Form::<F>::from_request(request, state).await?;
        Ok(Submitted(match fields.validate() {
            Ok(command) => Ok(command),
            Err(errors) => Err(Invalid { fields, errors }),
        }))
    }
}
