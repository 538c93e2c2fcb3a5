//! Respondents' statuses and the one table of allowed status changes ([`transition`]).
//!
//! Every change needs a reason: a category from a fixed list ([`ReasonCategory`], the only part the audit log keeps)
//! and a note in words ([`parse_reason`], kept with the person and erased with them, because it may name them or
//! their circumstances); `erased` is final (the personal data is gone).
//!
//! Also the other typed facts stored with a respondent: how their consent was recorded ([`ConsentMethod`]) and
//! what the outbox records of the emails sent to them ([`EmailKind`], [`EmailStatus`]).

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

    /// The status of a stored identifier, if it is one (exact, no trimming).
    pub fn from_stored(raw: &str) -> Option<Status> {
        ALL.into_iter().find(|status| status.as_str() == raw)
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

/// Why a status changed, from a fixed list: the audit log records this and never the free-text note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCategory {
    /// The answers or the eligibility were checked.
    Checked,
    /// The person said so themselves (by phone, email or in person).
    TheirRequest,
    /// The person could not be reached.
    Unreachable,
    /// The person does not meet the criteria (age, residence).
    Ineligible,
    /// A second registration of one person.
    Duplicate,
    /// Their seat went to someone drawn by a replacement run.
    Replacement,
    /// A mistake in an earlier change.
    Correction,
    /// Anything else (the note says what).
    Other,
}

/// Every reason category, in the order shown to people.
pub const REASON_CATEGORIES: [ReasonCategory; 8] = [
    ReasonCategory::Checked,
    ReasonCategory::TheirRequest,
    ReasonCategory::Unreachable,
    ReasonCategory::Ineligible,
    ReasonCategory::Duplicate,
    ReasonCategory::Replacement,
    ReasonCategory::Correction,
    ReasonCategory::Other,
];

impl ReasonCategory {
    /// The stable identifier (form values, the audit log).
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCategory::Checked => "checked",
            ReasonCategory::TheirRequest => "their_request",
            ReasonCategory::Unreachable => "unreachable",
            ReasonCategory::Ineligible => "ineligible",
            ReasonCategory::Duplicate => "duplicate",
            ReasonCategory::Replacement => "replacement",
            ReasonCategory::Correction => "correction",
            ReasonCategory::Other => "other",
        }
    }

    /// Parses a category (field `reason_category`); an empty value is [`ReasonCategory::Other`], so that a form or a
    /// script that sends only the note still works.
    pub fn parse(raw: &str) -> Result<ReasonCategory, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(ReasonCategory::Other);
        }
        REASON_CATEGORIES
            .iter()
            .copied()
            .find(|category| category.as_str() == raw)
            .ok_or_else(|| ValidationError::new("reason_category", Problem::Malformed))
    }
}

/// How a respondent's consent to keep their details was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentMethod {
    /// Ticked on the public registration form.
    Online,
    /// Given on the phone to the staff member who registered the person.
    Verbal,
    /// Confirmed by the organiser who imported a file gathered elsewhere.
    Import,
}

impl ConsentMethod {
    /// Every method.
    pub const ALL: [ConsentMethod; 3] = [
        ConsentMethod::Online,
        ConsentMethod::Verbal,
        ConsentMethod::Import,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Online => "online",
            ConsentMethod::Verbal => "verbal",
            ConsentMethod::Import => "import",
        }
    }

    /// The method of a stored identifier, if it is one.
    pub fn from_stored(raw: &str) -> Option<ConsentMethod> {
        ConsentMethod::ALL
            .into_iter()
            .find(|method| method.as_str() == raw)
    }
}

/// What an email to a respondent was, as the outbox records it (never its address or words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailKind {
    /// "We received your registration".
    Registration,
    /// A new member's one-time sign-in code.
    SignInCode,
}

impl EmailKind {
    /// Every kind.
    pub const ALL: [EmailKind; 2] = [EmailKind::Registration, EmailKind::SignInCode];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Registration => "registration",
            EmailKind::SignInCode => "sign_in_code",
        }
    }

    /// The kind of a stored identifier, if it is one.
    pub fn from_stored(raw: &str) -> Option<EmailKind> {
        EmailKind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// What happened to an email, as the outbox records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailStatus {
    /// Handed to the relay.
    Sent,
    /// The relay refused it or could not be reached.
    Failed,
    /// No relay is configured (e.g. the demo).
    NotConfigured,
}

impl EmailStatus {
    /// Every status.
    pub const ALL: [EmailStatus; 3] = [
        EmailStatus::Sent,
        EmailStatus::Failed,
        EmailStatus::NotConfigured,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
            EmailStatus::NotConfigured => "not_configured",
        }
    }

    /// The status of a stored identifier, if it is one.
    pub fn from_stored(raw: &str) -> Option<EmailStatus> {
        EmailStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
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
    fn stored_identifiers_read_back_and_unknown_ones_are_none() {
        for status in ALL {
            assert_eq!(Status::from_stored(status.as_str()), Some(status));
        }
        for method in ConsentMethod::ALL {
            assert_eq!(ConsentMethod::from_stored(method.as_str()), Some(method));
        }
        for kind in EmailKind::ALL {
            assert_eq!(EmailKind::from_stored(kind.as_str()), Some(kind));
        }
        for status in EmailStatus::ALL {
            assert_eq!(EmailStatus::from_stored(status.as_str()), Some(status));
        }
        assert_eq!(Status::from_stored(" registered"), None);
        assert_eq!(ConsentMethod::from_stored("written"), None);
        assert_eq!(EmailKind::from_stored("newsletter"), None);
        assert_eq!(EmailStatus::from_stored("queued"), None);
    }

    #[test]
    fn reason_categories_come_from_the_list() {
        assert_eq!(ReasonCategory::parse(""), Ok(ReasonCategory::Other));
        assert_eq!(
            ReasonCategory::parse(" their_request "),
            Ok(ReasonCategory::TheirRequest)
        );
        assert_eq!(
            ReasonCategory::parse("called Mrs Smith"),
            Err(ValidationError::new("reason_category", Problem::Malformed))
        );
        for category in REASON_CATEGORIES {
            assert_eq!(ReasonCategory::parse(category.as_str()), Ok(category));
        }
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
