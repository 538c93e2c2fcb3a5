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
    // Browsers send a textarea's line breaks as CRLF: keep them as LF. Any other control character (a bare CR,
    // NUL, escape sequences) is refused, so text never smuggles a line break into an email header or a log line.
    let text = raw.replace("\r\n", "\n");
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, Problem::Required));
    }
    if trimmed.chars().count() > max {
        return Err(ValidationError::new(field, Problem::TooLong { max }));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationError::new(field, Problem::Malformed));
    }
    Ok(trimmed.to_owned())
}

/// Like [`bounded_text`] for a value on one line (a name): no control character at all, not even a line break.
pub fn single_line(field: &str, raw: &str, max: usize) -> Result<String, ValidationError> {
    let text = bounded_text(field, raw, max)?;
    if text.chars().any(char::is_control) {
        return Err(ValidationError::new(field, Problem::Malformed));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_line_breaks_as_lf_and_refuses_other_control_characters() {
        assert_eq!(
            bounded_text("f", " a\r\nb\tc ", 10),
            Ok("a\nb\tc".to_owned())
        );
        for bad in ["a\rb", "a\u{0}b", "a\u{1b}[31mb", "a\u{7f}"] {
            assert_eq!(
                bounded_text("f", bad, 10),
                Err(ValidationError::new("f", Problem::Malformed)),
                "{bad:?}"
            );
        }
        assert_eq!(
            single_line("name", " Ada Lovelace ", 100),
            Ok("Ada Lovelace".to_owned())
        );
        for bad in ["Ada\nLovelace", "Ada\r\nBcc: x", "Ada\tL"] {
            assert!(single_line("name", bad, 100).is_err(), "{bad:?}");
        }
        assert_eq!(
            single_line("name", "   ", 100),
            Err(ValidationError::new("name", Problem::Required))
        );
    }
}
