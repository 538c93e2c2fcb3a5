//! Counting: [`tally`] checks every vote against the ballot and returns an [`Outcome`] whose
//! `Display` is the results text for reports.

use std::fmt;

use crate::{
    AgreementCount, ApprovalCount, Ballot, BallotError, Method, Quorum, SchulzeResult, Vote,
    YesNoCount, agreement, approval, percent, schulze, yes_no,
};

/// The count, by method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    /// A yes/no ballot.
    YesNo(YesNoCount),
    /// An agreement scale.
    Agreement(AgreementCount),
    /// A ranking, counted with the Schulze method.
    Ranking(SchulzeResult),
    /// An approval ballot.
    Approval(ApprovalCount),
}

/// The result of a ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    ballot: String,
    eligible_members: u32,
    turnout: u32,
    quorum: Option<Quorum>,
    counted: Counted,
}

impl Outcome {
    /// The id of the ballot counted.
    pub fn ballot_id(&self) -> &str {
        &self.ballot
    }

    /// The number of members entitled to vote.
    pub fn eligible_members(&self) -> u32 {
        self.eligible_members
    }

    /// The number of votes cast, abstentions, "no opinion" and blank votes included.
    pub fn turnout(&self) -> u32 {
        self.turnout
    }

    /// Whether the quorum was met; `None` when the ballot has no quorum.
    pub fn quorum_met(&self) -> Option<bool> {
        self.quorum
            .map(|quorum| quorum.is_met(self.turnout, self.eligible_members))
    }

    /// The count.
    pub fn counted(&self) -> &Counted {
        &self.counted
    }

    /// Whether the ballot passed; `None` for methods without a pass rule (ranking, approval, and
    /// an agreement scale without a threshold).
    pub fn passed(&self) -> Option<bool> {
        match &self.counted {
            Counted::YesNo(count) => Some(count.decision().passed()),
            Counted::Agreement(count) => count.passed(),
            Counted::Ranking(_) | Counted::Approval(_) => None,
        }
    }
}

impl fmt::Display for Outcome {
    /// The results text: the count, then a turnout line.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.counted {
            Counted::YesNo(count) => write!(formatter, "{count}")?,
            Counted::Agreement(count) => write!(formatter, "{count}")?,
            Counted::Ranking(count) => write!(formatter, "{count}")?,
            Counted::Approval(count) => write!(formatter, "{count}")?,
        }
        write!(
            formatter,
            "\nTurnout: {} of {} eligible members ({}%)",
            self.turnout,
            self.eligible_members,
            percent(u64::from(self.turnout), u64::from(self.eligible_members))
        )?;
        if let (Some(quorum), Some(met)) = (self.quorum, self.quorum_met()) {
            write!(
                formatter,
                "; quorum {quorum}: {}",
                if met { "met" } else { "not met" }
            )?;
        }
        Ok(())
    }
}

/// Counts `votes` on `ballot`.
///
/// Every vote is checked first (its method, options, ranks, levels); the first invalid vote is
/// reported with its 1-based position and nothing is counted.
/// There cannot be more votes than eligible members.
pub fn tally(ballot: &Ballot, votes: &[Vote]) -> Result<Outcome, BallotError> {
    if votes.len() > ballot.eligible_members() as usize {
        return Err(BallotError::MoreVotesThanEligible {
            votes: votes.len(),
            eligible: ballot.eligible_members(),
        });
    }
    let turnout = votes.len() as u32;
    let quorum_met = ballot
        .quorum()
        .is_none_or(|quorum| quorum.is_met(turnout, ballot.eligible_members()));
    let method = ballot.method();
    let wrong = |position: usize, vote: &Vote| BallotError::WrongMethod {
        vote: position,
        expected: method.name(),
        found: vote.method_name(),
    };
    let counted = match method {
        Method::YesNo(rule) => {
            let mut choices = Vec::with_capacity(votes.len());
            for (index, vote) in votes.iter().enumerate() {
                let Vote::YesNo(choice) = vote else {
                    return Err(wrong(index + 1, vote));
                };
                yes_no::check(*rule, index + 1, *choice)?;
                choices.push(*choice);
            }
            Counted::YesNo(yes_no::count(*rule, &choices, quorum_met))
        }
        Method::Agreement(scale) => {
            let mut answers = Vec::with_capacity(votes.len());
            for (index, vote) in votes.iter().enumerate() {
                let Vote::Agreement(answer) = vote else {
                    return Err(wrong(index + 1, vote));
                };
                agreement::check(*scale, index + 1, *answer)?;
                answers.push(*answer);
            }
            Counted::Agreement(agreement::count(*scale, &answers, quorum_met))
        }
        Method::Ranking(options) => {
            let mut rankings = Vec::with_capacity(votes.len());
            for (index, vote) in votes.iter().enumerate() {
                let Vote::Ranking(ranking) = vote else {
                    return Err(wrong(index + 1, vote));
                };
                rankings.push(schulze::ranks_of(options, index + 1, ranking)?);
            }
            Counted::Ranking(schulze::count(options, &rankings))
        }
        Method::Approval(rules) => {
            let mut approvals = Vec::with_capacity(votes.len());
            for (index, vote) in votes.iter().enumerate() {
                let Vote::Approval(approved) = vote else {
                    return Err(wrong(index + 1, vote));
                };
                approvals.push(approval::check(rules, index + 1, approved)?);
            }
            Counted::Approval(approval::count(rules, &approvals))
        }
    };
    Ok(Outcome {
        ballot: ballot.id().to_owned(),
        eligible_members: ballot.eligible_members(),
        turnout,
        quorum: ballot.quorum(),
        counted,
    })
}
