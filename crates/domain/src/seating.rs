//! Table allocation runs: the states of the background job that seats an assembly's members at tables
//! (`queued` when an organiser asks, `running` once a worker claimed it, then `done` with its seats or `failed`
//! with its reason).

/// The state of a table allocation run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Requested, waiting for a worker.
    Queued,
    /// Claimed by a worker.
    Running,
    /// Finished: its seats are stored.
    Done,
    /// Finished without an allocation: its error is stored.
    Failed,
}

impl RunStatus {
    /// Every state, in the order a run goes through them.
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Done,
        RunStatus::Failed,
    ];

    /// The identifier stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Done => "done",
            RunStatus::Failed => "failed",
        }
    }

    /// Parses a stored identifier; `None` for anything else (the store reports it as a corrupt row).
    pub fn parse(raw: &str) -> Option<RunStatus> {
        RunStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
    }

    /// Whether the run is still to finish (queued or running).
    pub fn is_pending(self) -> bool {
        matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_and_nothing_else_does() {
        for status in RunStatus::ALL {
            assert_eq!(RunStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(RunStatus::parse("Done"), None);
        assert_eq!(RunStatus::parse(""), None);
        assert!(RunStatus::Queued.is_pending() && RunStatus::Running.is_pending());
        assert!(!RunStatus::Done.is_pending() && !RunStatus::Failed.is_pending());
    }
}
