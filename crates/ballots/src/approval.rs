//! Approval ballots: each voter approves any number of options (up to an optional maximum), and
//! the winners are the top k or every option approved by a large enough share of voters.

use std::fmt;

use crate::{BallotError, Options, Threshold, percent};

/// How the winners of an approval ballot are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinnerRule {
    /// The k most approved options. Options tied with the k-th are all included, and the tie is
    /// reported, so there can be more than k winners; an option nobody approved is never chosen,
    /// so there can also be fewer.
    TopK(u32),
    /// Every option approved by a share of voters (blank votes included) that meets the threshold.
    Share(Threshold),
}

/// The rules of an approval ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalBallot {
    options: Options,
    max_approvals: Option<u32>,
    winners: WinnerRule,
}

impl ApprovalBallot {
    /// Validates the rules: a maximum number of approvals per voter from 1 to the number of
    /// options, and a top k from 1 to one less than the number of options.
    pub fn new(
        options: Options,
        max_approvals: Option<u32>,
        winners: WinnerRule,
    ) -> Result<ApprovalBallot, BallotError> {
        if let Some(max) = max_approvals
            && (max == 0 || max as usize > options.len())
        {
            return Err(BallotError::InvalidMaxApprovals {
                max,
                options: options.len(),
            });
        }
        if let WinnerRule::TopK(k) = winners
            && (k == 0 || k as usize >= options.len())
        {
            return Err(BallotError::InvalidWinnerCount {
                winners: k,
                options: options.len(),
            });
        }
        Ok(ApprovalBallot {
            options,
            max_approvals,
            winners,
        })
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The maximum number of approvals per voter, if any.
    pub fn max_approvals(&self) -> Option<u32> {
        self.max_approvals
    }

    /// The winner rule.
    pub fn winner_rule(&self) -> WinnerRule {
        self.winners
    }
}

/// The count of an approval ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalCount {
    options: Vec<String>,
    rule: WinnerRule,
    votes: u32,
    approvals: Vec<u32>,
    order: Vec<usize>,
    winners: Vec<usize>,
    tie_at_boundary: bool,
}

impl ApprovalCount {
    /// The option labels; other results use indices into this list.
    pub fn options(&self) -> &[String] {
        &self.options
    }

    /// The number of votes, blank ones included.
    pub fn votes(&self) -> u32 {
        self.votes
    }

    /// Approvals per option, in ballot order.
    pub fn approvals(&self) -> &[u32] {
        &self.approvals
    }

    /// Options from most to least approved (ballot order among equals).
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The winners, most approved first.
    pub fn winners(&self) -> &[usize] {
        &self.winners
    }

    /// Whether options tied for the k-th place made the winners more than k.
    pub fn tie_at_boundary(&self) -> bool {
        self.tie_at_boundary
    }
}

/// Checks one approval vote and returns the approved option indices.
pub(crate) fn check(
    ballot: &ApprovalBallot,
    position: usize,
    approved: &[String],
) -> Result<Vec<usize>, BallotError> {
    if let Some(max) = ballot.max_approvals
        && approved.len() > max as usize
    {
        return Err(BallotError::TooManyApprovals {
            vote: position,
            count: approved.len(),
            max,
        });
    }
    let mut indices = Vec::with_capacity(approved.len());
    for option in approved {
        let index = ballot
            .options
            .index_of(option)
            .ok_or_else(|| BallotError::UnknownOption {
                vote: position,
                option: option.clone(),
            })?;
        if indices.contains(&index) {
            return Err(BallotError::DuplicateApproval {
                vote: position,
                option: option.clone(),
            });
        }
        indices.push(index);
    }
    Ok(indices)
}

/// Counts checked votes (from [`check`]).
pub(crate) fn count(ballot: &ApprovalBallot, votes: &[Vec<usize>]) -> ApprovalCount {
    let mut approvals = vec![0u32; ballot.options.len()];
    for vote in votes {
        for &index in vote {
            approvals[index] += 1;
        }
    }
    let mut order: Vec<usize> = (0..approvals.len()).collect();
    order.sort_by(|&first, &second| {
        approvals[second]
            .cmp(&approvals[first])
            .then(first.cmp(&second))
    });
    let total = votes.len() as u64;
    let (winners, tie_at_boundary) = match ballot.winners {
        WinnerRule::TopK(k) => {
            let cutoff = approvals[order[k as usize - 1]].max(1);
            let winners: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&index| approvals[index] >= cutoff)
                .collect();
            let tie = winners.len() > k as usize;
            (winners, tie)
        }
        WinnerRule::Share(threshold) => (
            order
                .iter()
                .copied()
                .filter(|&index| threshold.is_met(u64::from(approvals[index]), total))
                .collect(),
            false,
        ),
    };
    ApprovalCount {
        options: ballot.options.labels().to_vec(),
        rule: ballot.winners,
        votes: votes.len() as u32,
        approvals,
        order,
        winners,
        tie_at_boundary,
    }
}

impl fmt::Display for ApprovalCount {
    /// Two lines: approvals per option (most approved first), then the winners and the rule.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = u64::from(self.votes);
        let parts: Vec<String> = self
            .order
            .iter()
            .map(|&index| {
                format!(
                    "{} {} ({}%)",
                    self.options[index],
                    self.approvals[index],
                    percent(u64::from(self.approvals[index]), total)
                )
            })
            .collect();
        writeln!(
            formatter,
            "{} {}; approvals: {}",
            self.votes,
            if self.votes == 1 { "vote" } else { "votes" },
            parts.join(", ")
        )?;
        let names: Vec<&str> = self
            .winners
            .iter()
            .map(|&index| self.options[index].as_str())
            .collect();
        let chosen = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        };
        match self.rule {
            WinnerRule::TopK(k) => {
                write!(formatter, "Chosen: {chosen} (the top {k})")?;
                if self.tie_at_boundary {
                    write!(formatter, "; options tied for place {k} are all included")?;
                }
                Ok(())
            }
            WinnerRule::Share(threshold) => {
                write!(
                    formatter,
                    "Chosen: {chosen} (approved by {threshold} of votes cast)"
                )
            }
        }
    }
}
