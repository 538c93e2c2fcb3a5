//! The public conversation of an assembly (issue 16): its prompt, moderation mode, statements and votes as typed
//! values, with the rule that decides when two statements are duplicates.

use crate::error::{Problem, ValidationError};

/// The longest statement, in characters (Pol.is allows 140; a little more room for languages that need it).
pub const STATEMENT_MAX_CHARS: usize = 280;
/// The longest prompt, in characters.
pub const PROMPT_MAX_CHARS: usize = 1000;

/// When a participant's statement is shown to others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModerationMode {
    /// Only once an organiser has accepted it.
    AcceptedOnly,
    /// At once, until an organiser rejects it.
    UnlessRejected,
}

impl ModerationMode {
    /// The stable identifier used in storage, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationMode::AcceptedOnly => "accepted_only",
            ModerationMode::UnlessRejected => "unless_rejected",
        }
    }

    /// Reads a stored or submitted identifier.
    pub fn parse(raw: &str) -> Option<ModerationMode> {
        match raw.trim() {
            "accepted_only" => Some(ModerationMode::AcceptedOnly),
            "unless_rejected" => Some(ModerationMode::UnlessRejected),
            _ => None,
        }
    }

    /// Whether a statement in `status` is shown to participants under this mode.
    pub fn shows(self, status: StatementStatus) -> bool {
        match status {
            StatementStatus::Accepted => true,
            StatementStatus::Pending => self == ModerationMode::UnlessRejected,
            StatementStatus::Rejected => false,
        }
    }
}

/// Where a statement stands in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementStatus {
    /// Waiting for an organiser.
    Pending,
    /// Accepted.
    Accepted,
    /// Rejected: never shown, kept out of the analysis.
    Rejected,
}

impl StatementStatus {
    /// The stable identifier used in storage, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementStatus::Pending => "pending",
            StatementStatus::Accepted => "accepted",
            StatementStatus::Rejected => "rejected",
        }
    }

    /// Reads a stored or submitted identifier.
    pub fn parse(raw: &str) -> Option<StatementStatus> {
        match raw.trim() {
            "pending" => Some(StatementStatus::Pending),
            "accepted" => Some(StatementStatus::Accepted),
            "rejected" => Some(StatementStatus::Rejected),
            _ => None,
        }
    }
}

/// A participant's vote on a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    /// Agree (+1).
    Agree,
    /// Disagree (−1).
    Disagree,
    /// Pass (0): seen, no opinion.
    Pass,
}

impl Stance {
    /// The stored value: 1, −1 or 0 (the Pol.is convention).
    pub fn value(self) -> i64 {
        match self {
            Stance::Agree => 1,
            Stance::Disagree => -1,
            Stance::Pass => 0,
        }
    }

    /// Reads a stored value.
    pub fn from_value(value: i64) -> Option<Stance> {
        match value {
            1 => Some(Stance::Agree),
            -1 => Some(Stance::Disagree),
            0 => Some(Stance::Pass),
            _ => None,
        }
    }

    /// Parses the form or JSON field `field`: `agree`, `disagree` or `pass`.
    pub fn parse(field: &str, raw: &str) -> Result<Stance, ValidationError> {
        match raw.trim() {
            "agree" => Ok(Stance::Agree),
            "disagree" => Ok(Stance::Disagree),
            "pass" => Ok(Stance::Pass),
            "" => Err(ValidationError::new(field, Problem::Required)),
            _ => Err(ValidationError::new(field, Problem::Malformed)),
        }
    }
}

/// The text of a statement: 1 to [`STATEMENT_MAX_CHARS`] characters on one line, with its normal form for
/// duplicate detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementText {
    text: String,
    normalised: String,
}

impl StatementText {
    /// Parses the field `field`: trimmed, inner runs of whitespace (line breaks included) made one space; it must
    /// keep at least one letter or digit.
    pub fn parse(field: &str, raw: &str) -> Result<StatementText, ValidationError> {
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return Err(ValidationError::new(field, Problem::Required));
        }
        if text.chars().count() > STATEMENT_MAX_CHARS {
            return Err(ValidationError::new(
                field,
                Problem::TooLong {
                    max: STATEMENT_MAX_CHARS,
                },
            ));
        }
        let normalised = normalise(&text);
        if normalised.is_empty() {
            return Err(ValidationError::new(field, Problem::Malformed));
        }
        Ok(StatementText { text, normalised })
    }

    /// The text as shown.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The normal form: two statements with the same one are duplicates.
    pub fn normalised(&self) -> &str {
        &self.normalised
    }
}

/// The normal form of a statement: lower case, punctuation and symbols dropped, words separated by one space, so
/// that "Plant more trees!" and "plant  more trees" are the same statement.
pub fn normalise(text: &str) -> String {
    let lowered: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The prompt of a conversation: the question participants answer with statements (1 to [`PROMPT_MAX_CHARS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt(String);

impl Prompt {
    /// Parses the field `prompt`.
    pub fn parse(raw: &str) -> Result<Prompt, ValidationError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValidationError::new("prompt", Problem::Required));
        }
        if text.chars().count() > PROMPT_MAX_CHARS {
            return Err(ValidationError::new(
                "prompt",
                Problem::TooLong {
                    max: PROMPT_MAX_CHARS,
                },
            ));
        }
        Ok(Prompt(text.to_owned()))
    }

    /// The prompt's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a conversation's participants may show who they are (issue 16): the organisers choose one per conversation.
/// Verification is offered, never required: the results count verified and unverified participants apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationMode {
    /// Nobody verifies.
    None,
    /// A one-time code sent to the participant's email.
    Email,
    /// An invitation code that the organisers handed out (printed, mailed).
    Invitation,
}

impl VerificationMode {
    /// Every mode, in the form's order.
    pub const ALL: [VerificationMode; 3] = [
        VerificationMode::None,
        VerificationMode::Email,
        VerificationMode::Invitation,
    ];

    /// The stable identifier used in storage, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationMode::None => "none",
            VerificationMode::Email => "email",
            VerificationMode::Invitation => "invitation",
        }
    }

    /// Reads a stored or submitted identifier.
    pub fn parse(raw: &str) -> Option<VerificationMode> {
        VerificationMode::ALL
            .into_iter()
            .find(|mode| mode.as_str() == raw.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_whatever_the_case_spaces_and_punctuation() {
        let a = StatementText::parse("body", "Plant more trees!").unwrap();
        let b = StatementText::parse("body", "  plant   MORE trees. ").unwrap();
        assert_eq!(a.normalised(), b.normalised());
        assert_eq!(a.normalised(), "plant more trees");
        assert_eq!(b.as_str(), "plant MORE trees.");
        let c = StatementText::parse("body", "Plant more trees, everywhere").unwrap();
        assert_ne!(a.normalised(), c.normalised());
        assert_eq!(normalise("Écoles d'été"), "écoles d été");
    }

    #[test]
    fn statements_are_bounded_and_must_say_something() {
        assert_eq!(
            StatementText::parse("body", "   ").unwrap_err().problem,
            Problem::Required
        );
        assert_eq!(
            StatementText::parse("body", "?!").unwrap_err().problem,
            Problem::Malformed
        );
        let long = "a".repeat(STATEMENT_MAX_CHARS + 1);
        assert_eq!(
            StatementText::parse("body", &long).unwrap_err().problem,
            Problem::TooLong {
                max: STATEMENT_MAX_CHARS
            }
        );
        assert!(StatementText::parse("body", &"é".repeat(STATEMENT_MAX_CHARS)).is_ok());
    }

    #[test]
    fn a_statement_is_shown_according_to_the_moderation_mode() {
        use ModerationMode::*;
        use StatementStatus::*;
        assert!(AcceptedOnly.shows(Accepted));
        assert!(!AcceptedOnly.shows(Pending));
        assert!(UnlessRejected.shows(Pending));
        assert!(!UnlessRejected.shows(Rejected));
        for mode in [AcceptedOnly, UnlessRejected] {
            assert_eq!(ModerationMode::parse(mode.as_str()), Some(mode));
        }
        for status in [Pending, Accepted, Rejected] {
            assert_eq!(StatementStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(Stance::parse("vote", "agree"), Ok(Stance::Agree));
        assert!(Stance::parse("vote", "maybe").is_err());
        assert_eq!(Stance::from_value(-1), Some(Stance::Disagree));
    }

    #[test]
    fn verification_modes_read_back_what_they_write() {
        for mode in VerificationMode::ALL {
            assert_eq!(VerificationMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(VerificationMode::parse("sms"), None);
    }
}
