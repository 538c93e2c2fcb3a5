//! The phases of an assembly, in the order they happen.

use crate::error::{Problem, ValidationError};

/// One phase of the lifecycle of an assembly.
/// The derived `Ord` follows the lifecycle: design comes first, follow-up last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// The question, the commitments and the process are designed (with the public).
    Design,
    /// Invitations are sent and respondents register.
    Recruitment,
    /// The panel is drawn by lottery from the pool.
    Selection,
    /// Members hear evidence and speakers.
    Learning,
    /// Members deliberate at tables and draft proposals.
    Deliberation,
    /// Members vote on recommendations.
    Decision,
    /// The commissioning authority responds to each recommendation.
    Response,
    /// Implementation is tracked and reported.
    FollowUp,
}

impl Phase {
    /// Every phase, in lifecycle order.
    pub const ALL: [Phase; 8] = [
        Phase::Design,
        Phase::Recruitment,
        Phase::Selection,
        Phase::Learning,
        Phase::Deliberation,
        Phase::Decision,
        Phase::Response,
        Phase::FollowUp,
    ];

    /// The stable identifier used in storage, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Design => "design",
            Phase::Recruitment => "recruitment",
            Phase::Selection => "selection",
            Phase::Learning => "learning",
            Phase::Deliberation => "deliberation",
            Phase::Decision => "decision",
            Phase::Response => "response",
            Phase::FollowUp => "follow_up",
        }
    }

    /// The phase after this one, if any.
    pub fn next(self) -> Option<Phase> {
        let position = Phase::ALL.iter().position(|phase| *phase == self)?;
        Phase::ALL.get(position + 1).copied()
    }

    /// The phase before this one, if any.
    pub fn previous(self) -> Option<Phase> {
        let position = Phase::ALL.iter().position(|phase| *phase == self)?;
        position.checked_sub(1).map(|before| Phase::ALL[before])
    }

    /// Parses the identifier returned by [`Phase::as_str`]; `field` names the input for the error.
    pub fn parse(field: &str, raw: &str) -> Result<Phase, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ValidationError::new(field, Problem::Required));
        }
        Phase::ALL
            .into_iter()
            .find(|phase| phase.as_str() == raw)
            .ok_or_else(|| ValidationError::new(field, Problem::Malformed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_previous_walk_the_lifecycle_one_step_and_stop_at_its_ends() {
        assert_eq!(Phase::Design.previous(), None);
        assert_eq!(Phase::Design.next(), Some(Phase::Recruitment));
        assert_eq!(Phase::FollowUp.next(), None);
        assert_eq!(Phase::FollowUp.previous(), Some(Phase::Response));
        for phase in Phase::ALL {
            if let Some(next) = phase.next() {
                assert_eq!(next.previous(), Some(phase));
            }
        }
    }

    #[test]
    fn every_phase_round_trips_through_its_identifier_and_the_order_is_the_lifecycle() {
        for window in Phase::ALL.windows(2) {
            assert!(window[0] < window[1]);
        }
        for phase in Phase::ALL {
            assert_eq!(Phase::parse("phase", phase.as_str()), Ok(phase));
        }
        assert_eq!(
            Phase::parse("current_phase", "voting").unwrap_err().field,
            "current_phase"
        );
    }
}
