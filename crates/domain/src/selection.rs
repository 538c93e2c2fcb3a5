//! The typed words of selection runs: what a run is for ([`RunKind`]), where it stands ([`RunStatus`]) and which
//! fairness objective it uses ([`Algorithm`]).
//!
//! Each is stored as its stable identifier (`as_str`) and read back by `from_stored`, which gives `None` for an
//! unknown identifier so that the store reports a corrupt row instead of guessing. The engine (`selection`) has its
//! own `Algorithm`; this one is what a run records and a form posts, and `app` converts it.

use crate::error::{Problem, ValidationError};

/// What a selection run is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunKind {
    /// A trial on the current pool: changes no one's status and is never public.
    Test,
    /// The final selection: committed (its inputs public) before its seed is known, then drawn.
    Final,
    /// A replacement of drop-outs after the final selection, committed and drawn like the final run.
    Replacement,
}

impl RunKind {
    /// Every kind.
    pub const ALL: [RunKind; 3] = [RunKind::Test, RunKind::Final, RunKind::Replacement];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Test => "test",
            RunKind::Final => "final",
            RunKind::Replacement => "replacement",
        }
    }

    /// Reads a stored identifier back (`None` for anything else).
    pub fn from_stored(raw: &str) -> Option<RunKind> {
        RunKind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// Whether runs of this kind are published (final and replacement runs): their inputs, commitment and seed
    /// are public, and a drawn one stays public for ever.
    pub fn is_public(self) -> bool {
        matches!(self, RunKind::Final | RunKind::Replacement)
    }
}

/// Where a selection run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Inputs frozen and published, waiting for the seed (final and replacement runs).
    Committed,
    /// The engine is computing it (at most one per assembly).
    Running,
    /// Finished with a panel.
    Done,
    /// Ended without a panel: the engine's verdict, an internal error or an interruption.
    Failed,
    /// Stopped at an organiser's request.
    Cancelled,
}

impl RunStatus {
    /// Every status.
    pub const ALL: [RunStatus; 5] = [
        RunStatus::Committed,
        RunStatus::Running,
        RunStatus::Done,
        RunStatus::Failed,
        RunStatus::Cancelled,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Committed => "committed",
            RunStatus::Running => "running",
            RunStatus::Done => "done",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a stored identifier back (`None` for anything else).
    pub fn from_stored(raw: &str) -> Option<RunStatus> {
        RunStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
    }

    /// Whether a run in this status has ended (it will not change without a resume).
    pub fn is_over(self) -> bool {
        matches!(
            self,
            RunStatus::Done | RunStatus::Failed | RunStatus::Cancelled
        )
    }
}

/// The fairness objective a run asks the engine for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Maximise the smallest selection probability, then the next smallest, and so on (the default).
    Leximin,
    /// Maximise the smallest selection probability only.
    Maximin,
    /// The older greedy method, whose probabilities are estimated rather than controlled.
    Legacy,
}

impl Algorithm {
    /// Every algorithm, in the order a form lists them.
    pub const ALL: [Algorithm; 3] = [Algorithm::Leximin, Algorithm::Maximin, Algorithm::Legacy];

    /// The stored and posted identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Leximin => "leximin",
            Algorithm::Maximin => "maximin",
            Algorithm::Legacy => "legacy",
        }
    }

    /// The name shown to people (`LEXIMIN`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Leximin => "LEXIMIN",
            Algorithm::Maximin => "MAXIMIN",
            Algorithm::Legacy => "LEGACY",
        }
    }

    /// Reads a stored identifier back (`None` for anything else).
    pub fn from_stored(raw: &str) -> Option<Algorithm> {
        Algorithm::ALL
            .into_iter()
            .find(|algorithm| algorithm.as_str() == raw)
    }

    /// Parses a posted identifier; empty means [`Algorithm::Leximin`], anything unknown is not valid for `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Algorithm, ValidationError> {
        match raw.trim() {
            "" => Ok(Algorithm::Leximin),
            raw => Algorithm::from_stored(raw)
                .ok_or_else(|| ValidationError::new(field, Problem::Malformed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_identifiers_read_back_and_unknown_ones_do_not() {
        for kind in RunKind::ALL {
            assert_eq!(RunKind::from_stored(kind.as_str()), Some(kind));
        }
        for status in RunStatus::ALL {
            assert_eq!(RunStatus::from_stored(status.as_str()), Some(status));
        }
        for algorithm in Algorithm::ALL {
            assert_eq!(Algorithm::from_stored(algorithm.as_str()), Some(algorithm));
        }
        assert_eq!(RunKind::from_stored("Final"), None);
        assert_eq!(RunStatus::from_stored(""), None);
        assert_eq!(Algorithm::parse("algorithm", " "), Ok(Algorithm::Leximin));
        assert_eq!(
            Algorithm::parse("algorithm", "random"),
            Err(ValidationError::new("algorithm", Problem::Malformed))
        );
    }
}
