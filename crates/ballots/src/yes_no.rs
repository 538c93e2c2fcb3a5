//! Yes/no ballots: a pass threshold over a stated base, with or without abstentions, and the
//! rule that a tie never passes.

use std::fmt;

use crate::{BallotError, Threshold, percent};

/// A yes/no vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum YesNoChoice {
    /// For.
    Yes,
    /// Against.
    No,
    /// Takes part without choosing (only if the ballot offers it).
    Abstain,
}

/// Whether members may abstain, and whether abstentions count in the base of the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abstention {
    /// Only yes or no; an abstention is an invalid vote.
    NotOffered,
    /// Abstaining is allowed and the threshold is a share of yes and no votes only; abstentions
    /// still count in turnout.
    Excluded,
    /// Abstaining is allowed and the threshold is a share of all votes, abstentions included, so
    /// an abstention weighs like a no.
    Counted,
}

/// The rule of a yes/no ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YesNoRule {
    threshold: Threshold,
    abstention: Abstention,
}

impl YesNoRule {
    /// A rule: the share of yes votes in the base must meet `threshold`.
    ///
    /// Whatever the threshold, a tie (as many yes as no votes) does not pass; this only matters
    /// for thresholds of at most one half, such as "at least 1/2".
    pub fn new(threshold: Threshold, abstention: Abstention) -> YesNoRule {
        YesNoRule {
            threshold,
            abstention,
        }
    }

    /// The pass threshold.
    pub fn threshold(self) -> Threshold {
        self.threshold
    }

    /// The abstention rule.
    pub fn abstention(self) -> Abstention {
        self.abstention
    }
}

/// Whether a yes/no ballot passed, and if not, why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The share of yes votes met the threshold and the quorum was met.
    Passed,
    /// The share of yes votes did not meet the threshold.
    BelowThreshold,
    /// As many yes as no votes: a tie does not pass.
    Tie,
    /// No yes or no votes at all (only abstentions, or nothing).
    NoVotes,
    /// Too few members voted.
    QuorumNotMet,
}

impl Decision {
    /// Whether the ballot passed.
    pub fn passed(self) -> bool {
        self == Decision::Passed
    }
}

/// The count of a yes/no ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YesNoCount {
    rule: YesNoRule,
    yes: u32,
    no: u32,
    abstain: u32,
    decision: Decision,
}

impl YesNoCount {
    /// Yes votes.
    pub fn yes(&self) -> u32 {
        self.yes
    }

    /// No votes.
    pub fn no(&self) -> u32 {
        self.no
    }

    /// Abstentions.
    pub fn abstain(&self) -> u32 {
        self.abstain
    }

    /// The rule counted against.
    pub fn rule(&self) -> YesNoRule {
        self.rule
    }

    /// The votes the threshold is a share of: yes and no, plus abstentions if they count.
    pub fn base(&self) -> u32 {
        match self.rule.abstention {
            Abstention::Counted => self.yes + self.no + self.abstain,
            Abstention::NotOffered | Abstention::Excluded => self.yes + self.no,
        }
    }

    /// Passed, or why not.
    pub fn decision(&self) -> Decision {
        self.decision
    }
}

pub(crate) fn check(
    rule: YesNoRule,
    position: usize,
    choice: YesNoChoice,
) -> Result<(), BallotError> {
    if choice == YesNoChoice::Abstain && rule.abstention == Abstention::NotOffered {
        return Err(BallotError::AbstainNotOffered { vote: position });
    }
    Ok(())
}

pub(crate) fn count(rule: YesNoRule, choices: &[YesNoChoice], quorum_met: bool) -> YesNoCount {
    let mut tally = YesNoCount {
        rule,
        yes: 0,
        no: 0,
        abstain: 0,
        decision: Decision::NoVotes,
    };
    for choice in choices {
        match choice {
            YesNoChoice::Yes => tally.yes += 1,
            YesNoChoice::No => tally.no += 1,
            YesNoChoice::Abstain => tally.abstain += 1,
        }
    }
    tally.decision = if !quorum_met {
        Decision::QuorumNotMet
    } else if tally.yes + tally.no == 0 {
        Decision::NoVotes
    } else if tally.yes == tally.no {
        Decision::Tie
    } else if rule
        .threshold
        .is_met(u64::from(tally.yes), u64::from(tally.base()))
    {
        Decision::Passed
    } else {
        Decision::BelowThreshold
    };
    tally
}

impl fmt::Display for YesNoCount {
    /// One line, for example
    /// "Passed: 98 yes, 23 no, 6 abstentions; 81% yes of yes and no votes (threshold: at least 2/3)".
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headline = match self.decision {
            Decision::Passed => "Passed",
            Decision::BelowThreshold => "Not passed",
            Decision::Tie => "Not passed (tie)",
            Decision::NoVotes => "Not passed (no yes or no votes)",
            Decision::QuorumNotMet => "Not passed (quorum not met)",
        };
        write!(formatter, "{headline}: {} yes, {} no", self.yes, self.no)?;
        let base_name = match self.rule.abstention {
            Abstention::NotOffered => "of votes cast",
            Abstention::Excluded => {
                write!(
                    formatter,
                    ", {} {}",
                    self.abstain,
                    plural(self.abstain, "abstention", "abstentions")
                )?;
                "of yes and no votes"
            }
            Abstention::Counted => {
                write!(
                    formatter,
                    ", {} {}",
                    self.abstain,
                    plural(self.abstain, "abstention", "abstentions")
                )?;
                "of all votes, abstentions included"
            }
        };
        let share = percent(u64::from(self.yes), u64::from(self.base()));
        write!(
            formatter,
            "; {share}% yes {base_name} (threshold: {}",
            self.rule.threshold
        )?;
        if self.decision == Decision::Tie {
            write!(formatter, "; a tie does not pass")?;
        }
        write!(formatter, ")")
    }
}

fn plural<'a>(count: u32, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}
