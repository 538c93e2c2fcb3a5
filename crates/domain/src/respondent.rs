//! Respondents' statuses and the one table of allowed status changes ([`transition`]).
//!
//! Every change needs a reason ([`parse_reason`]); `erased` is final (the personal data is gone).

use crate::error::{Problem, ValidationError, bounded_text};

/// The longest reason, in characters.
pub const MAX_REASON: usize = 500;

/// Where a respondent stands in recruitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Registered through the public form (or by staff).
    Registered,
    /// Checked and in the pool.
    Eligible,
    /// Drawn for the panel.
    Selected,
    /// Confirmed their place.
    Confirmed,
    /// Declined their place.
    Declined,
    /// Withdrew.
    Withdrawn,
    /// Dropped out (declined or withdrew) and their seat was given to someone drawn by a replacement run.
    Replaced,
    /// Personal data erased on request (final).
    Erased,
}

/// Every status, in the order shown to people.
pub const ALL: [Status; 8] = [
    Status::Registered,
    Status::Eligible,
    Status::Selected,
    Status::Confirmed,
    Status::Declined,
    Status::Withdrawn,
    Status::Replaced,
    Status::Erased,
];

impl Status {
    /// The identifier stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Eligible => "eligible",
            Status::Selected => "selected",
            Status::Confirmed => "confirmed",
            Status::Declined => "declined",
            Status::Withdrawn => "withdrawn",
            Status::Replaced => "replaced",
            Status::Erased => "erased",
        }
    }

    /// Parses an identifier; `field` names the input in the error.
    pub fn parse(field: &str, raw: &str) -> Result<Status, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ValidationError::new(field, Problem::Required));
        }
        ALL.iter()
            .copied()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| ValidationError::new(field, Problem::Malformed))
    }
}

/// A status change that the table does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a respondent cannot go from {} to {}", from.as_str(), to.as_str())]
pub struct ForbiddenTransition {
    /// The current status.
    pub from: Status,
    /// The status asked for.
    pub to: Status,
}

/// The statuses a respondent in `from` may move to.
pub fn next_statuses(from: Status) -> &'static [Status] {
    use Status::*;
    match from {
        Registered => &[Eligible, Withdrawn, Erased],
        Eligible => &[Selected, Withdrawn, Erased],
        Selected => &[Confirmed, Declined, Replaced, Withdrawn, Erased],
        Confirmed => &[Withdrawn, Replaced, Erased],
        // A drop-out stays `declined` or `withdrawn` (their seat open) until a replacement run fills the seat.
        Declined | Withdrawn => &[Replaced, Erased],
        Replaced => &[Erased],
        Erased => &[],
    }
}

/// The one table of allowed status changes: `Ok(())` if a respondent may go from `from` to `to`.
pub fn transition(from: Status, to: Status) -> Result<(), ForbiddenTransition> {
    if next_statuses(from).contains(&to) {
        Ok(())
    } else {
        Err(ForbiddenTransition { from, to })
    }
}

/// The reason of a status change: required, trimmed, at most [`MAX_REASON`] characters (field `reason`).
pub fn parse_reason(raw: &str) -> Result<String, ValidationError> {
    bounded_text("reason", raw, MAX_REASON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_allows_the_recruitment_path_and_nothing_after_erasure() {
        use Status::*;
        for (from, to) in [
            (Registered, Eligible),
            (Eligible, Selected),
            (Selected, Confirmed),
            (Selected, Declined),
            (Selected, Replaced),
            (Confirmed, Withdrawn),
            (Withdrawn, Erased),
            // A drop-out ends `replaced` once a replacement run fills the seat.
            (Declined, Replaced),
            (Withdrawn, Replaced),
        ] {
            assert_eq!(transition(from, to), Ok(()), "{from:?} -> {to:?}");
        }
        for (from, to) in [
            (Registered, Selected),
            (Registered, Confirmed),
            (Eligible, Confirmed),
            (Declined, Selected),
            (Declined, Confirmed),
            (Replaced, Selected),
            (Replaced, Declined),
            (Registered, Replaced),
            (Registered, Registered),
        ] {
            assert_eq!(transition(from, to), Err(ForbiddenTransition { from, to }));
        }
        for to in ALL {
            assert!(transition(Erased, to).is_err(), "erased is final ({to:?})");
        }
        // Erasure on request is possible from every other status.
        for from in ALL.into_iter().filter(|s| *s != Erased) {
            assert_eq!(transition(from, Erased), Ok(()), "{from:?}");
        }
        assert_eq!(
            ForbiddenTransition {
                from: Registered,
                to: Confirmed
            }
            .to_string(),
            "a respondent cannot go from registered to confirmed"
        );
    }

    #[test]
    fn statuses_and_reasons_are_parsed_naming_the_field() {
        for status in ALL {
            assert_eq!(Status::parse("status", status.as_str()), Ok(status));
        }
        assert_eq!(
            Status::parse("status", "drafted"),
            Err(ValidationError::new("status", Problem::Malformed))
        );
        assert_eq!(
            Status::parse("status", " "),
            Err(ValidationError::new("status", Problem::Required))
        );
        assert_eq!(
            parse_reason("  "),
            Err(ValidationError::new("reason", Problem::Required))
        );
        assert_eq!(parse_reason(" asked by phone ").unwrap(), "asked by phone");
        assert_eq!(
            parse_reason(&"x".repeat(MAX_REASON + 1)),
            Err(ValidationError::new(
                "reason",
                Problem::TooLong { max: MAX_REASON }
            ))
        );
    }
}
