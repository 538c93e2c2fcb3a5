//! Sequential ballots, as the Irish Citizens' Assembly ran them: a ballot opens only after an
//! earlier one closes, may be held only if that ballot passed (or failed), and may take its
//! wording from that ballot's result.

use crate::{Ballot, BallotError, HeldWhen, Outcome, Wording};

/// An ordered set of ballots whose dependencies all point to earlier ballots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence {
    ballots: Vec<Ballot>,
}

/// Where a ballot of a sequence stands, given the outcomes so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage<'a> {
    /// It has an outcome.
    Closed,
    /// It can open now, with this wording.
    Ready {
        /// The wording to put to members.
        wording: &'a str,
    },
    /// It waits for this ballot to close.
    Waiting {
        /// The ballot that must close first.
        for_ballot: &'a str,
    },
    /// It will not be held, because of this earlier ballot's result (or because that ballot was
    /// itself not held).
    Skipped {
        /// The ballot that decided it.
        because_of: &'a str,
    },
}

impl Sequence {
    /// Validates a sequence: unique ids, every ballot opening after an earlier ballot of the
    /// sequence, and a ballot that depends on whether another passed only if that ballot has a
    /// pass rule.
    pub fn new(ballots: Vec<Ballot>) -> Result<Sequence, BallotError> {
        for (index, ballot) in ballots.iter().enumerate() {
            let earlier = &ballots[..index];
            if earlier.iter().any(|other| other.id() == ballot.id()) {
                return Err(BallotError::DuplicateBallotId {
                    ballot: ballot.id().to_owned(),
                });
            }
            let Some(precondition) = ballot.opens_after() else {
                continue;
            };
            let Some(after) = earlier
                .iter()
                .find(|other| other.id() == precondition.ballot)
            else {
                return Err(BallotError::UnknownPrecedingBallot {
                    ballot: ballot.id().to_owned(),
                    after: precondition.ballot.clone(),
                });
            };
            let needs_decision = precondition.held_when != HeldWhen::Always
                || matches!(ballot.wording(), Wording::Conditional { .. });
            if needs_decision && !after.method().has_decision() {
                return Err(BallotError::PrecedingBallotHasNoDecision {
                    ballot: ballot.id().to_owned(),
                    after: after.id().to_owned(),
                });
            }
        }
        Ok(Sequence { ballots })
    }

    /// The ballots, in order.
    pub fn ballots(&self) -> &[Ballot] {
        &self.ballots
    }

    /// Where ballot `ballot_id` stands given the `outcomes` of the ballots closed so far.
    pub fn stage<'a>(
        &'a self,
        ballot_id: &str,
        outcomes: &'a [Outcome],
    ) -> Result<Stage<'a>, BallotError> {
        let ballot = self
            .ballots
            .iter()
            .find(|ballot| ballot.id() == ballot_id)
            .ok_or_else(|| BallotError::UnknownBallot {
                ballot: ballot_id.to_owned(),
            })?;
        if outcomes
            .iter()
            .any(|outcome| outcome.ballot_id() == ballot_id)
        {
            return Ok(Stage::Closed);
        }
        let Some(precondition) = ballot.opens_after() else {
            return match ballot.wording() {
                Wording::Fixed(text) => Ok(Stage::Ready { wording: text }),
                // `Ballot::new` refuses a conditional wording without a precondition.
                Wording::Conditional { on, .. } => Err(BallotError::WordingWithoutPrecondition {
                    ballot: ballot_id.to_owned(),
                    on: on.clone(),
                }),
            };
        };
        let after = precondition.ballot.as_str();
        let Some(previous) = outcomes.iter().find(|outcome| outcome.ballot_id() == after) else {
            // The earlier ballot has no outcome: it is either still to come or was skipped.
            return match self.stage(after, outcomes)? {
                Stage::Skipped { .. } => Ok(Stage::Skipped {
                    because_of: self.id_of(after),
                }),
                _ => Ok(Stage::Waiting {
                    for_ballot: self.id_of(after),
                }),
            };
        };
        let held = match precondition.held_when {
            HeldWhen::Always => true,
            HeldWhen::Passed | HeldWhen::Failed => {
                let passed = previous.passed().ok_or_else(|| BallotError::NoDecision {
                    ballot: after.to_owned(),
                })?;
                passed == (precondition.held_when == HeldWhen::Passed)
            }
        };
        if !held {
            return Ok(Stage::Skipped {
                because_of: self.id_of(after),
            });
        }
        Ok(Stage::Ready {
            wording: ballot.resolve_wording(previous)?,
        })
    }

    /// The id as stored in the sequence, so that it borrows from `self`.
    fn id_of(&self, ballot_id: &str) -> &str {
        self.ballots
            .iter()
            .map(Ballot::id)
            .find(|id| *id == ballot_id)
            .unwrap_or_default()
    }
}
