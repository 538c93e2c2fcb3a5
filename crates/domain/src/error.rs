//! The validation error shared by every parser in this crate.

/// Why a raw value was rejected; the field it came from is carried by [`ValidationError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The value is empty (or only whitespace) but is required.
    Required,
    /// The value is longer than the maximum number of characters.
    TooLong {
        /// The maximum number of characters.
        max: usize,
    },
    /// The value is shorter than the minimum number of characters.
    TooShort {
        /// The minimum number of characters.
        min: usize,
    },
    /// The value does not have the expected shape (an email address, a date, a phase name...).
    Malformed,
    /// A list has more items than allowed.
    TooMany {
        /// The maximum number of items.
        max: usize,
    },
    /// A date range ends before it starts, or phases are dated out of order.
    OutOfOrder,
}

/// A value was rejected: `field` names the input (a form field or JSON key), `problem` says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ValidationError {
    /// The name of the input field, as used by forms and the JSON API.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl ValidationError {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> ValidationError {
        ValidationError {
            field: field.into(),
            problem,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Required => write!(f, "is required"),
            Problem::TooLong { max } => write!(f, "must be at most {max} characters"),
            Problem::TooShort { min } => write!(f, "must be at least {min} characters"),
            Problem::Malformed => write!(f, "is not valid"),
            Problem::TooMany { max } => write!(f, "must have at most {max} items"),
            Problem::OutOfOrder => write!(f, "dates are out of order"),
        }
    }
}

/// Trims `raw` and checks it is non-empty and at most `max` characters.
pub(crate) fn bounded_text(field: &str, raw: &str, max: usize) -> Result<String, ValidationError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, Problem::Required));
    }
    if trimmed.chars().count() > max {
        return Err(ValidationError::new(field, Problem::TooLong { max }));
    }
    Ok(trimmed.to_owned())
}
