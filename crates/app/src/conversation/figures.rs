//! The results page's figures (issue 16 at national scale): participation counts, participation by day, verified
//! and unverified participants, and each opinion group's demographics against the population.
//! The background job computes them with the opinion map, from the votes it reads anyway, and stores them in the
//! analysis ([`super::analysis::StoredAnalysis::figures`]), so the public page reads one row however many votes
//! there are, and says when they were computed.
//!
//! Only aggregates are kept: counts per day, per verification status and per group, and demographics only for a
//! group's feature with at least [`super::demographics::MIN_ANSWERS`] answers (the rule of
//! [`super::demographics::compare`]).

use std::collections::{BTreeMap, HashSet};

use domain::conversation::{Stance, StatementStatus};
use serde::{Deserialize, Serialize};

use super::demographics::{GroupDemographics, compare};

/// What the figures are computed from, besides the votes and statements the analysis reads.
#[derive(Debug, Clone, Default)]
pub struct FiguresInput {
    /// Every participant: id, whether they verified, when they joined.
    pub participants: Vec<(i64, bool, i64)>,
    /// Votes per day (days since 1970-01-01, at each vote's latest time): day, votes.
    pub votes_by_day: Vec<(i64, i64)>,
    /// Every demographic answer: participant, feature, value (empty when the assembly has no quotas).
    pub answers: Vec<(i64, String, String)>,
    /// The population targets of the assembly's quotas: feature, value, share in parts per million.
    pub population: Vec<(String, String, i64)>,
}

/// Verified participants and their votes, and the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VerifiedFigures {
    /// Participants who verified (by email or invitation code).
    pub participants: i64,
    /// Participants who did not.
    pub unverified: i64,
    /// Votes of verified participants.
    pub votes: i64,
    /// Votes of the others.
    pub unverified_votes: i64,
}

/// The stored figures of the results page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Figures {
    /// Participants who joined.
    pub participants: i64,
    /// Participants with at least one vote.
    pub voters: i64,
    /// Votes (the latest per participant and statement), whoever cast them.
    pub votes: i64,
    /// Statements shown or waiting (not rejected).
    pub statements: i64,
    /// Per day (days since 1970-01-01), by day: participants who joined, votes.
    pub by_day: Vec<(i64, i64, i64)>,
    /// Verified and unverified participants and votes.
    pub verified: VerifiedFigures,
    /// Each group's demographics against the population, everyone placed in a group first (empty without quotas).
    pub demographics: Vec<GroupDemographics>,
}

/// The day (since 1970-01-01) of a Unix time.
pub fn day_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(86_400)
}

/// Computes the figures from every vote (participant, statement, stance), every statement and the analysis's
/// groups (`members`: participant → group; `groups`: the group numbers, largest first).
pub fn compute(
    input: &FiguresInput,
    votes: &[(i64, i64, Stance)],
    statements: &[(i64, StatementStatus, bool)],
    members: &[(i64, usize)],
    groups: &[usize],
) -> Figures {
    let verified_ids: HashSet<i64> = input
        .participants
        .iter()
        .filter(|(_, verified, _)| *verified)
        .map(|(id, _, _)| *id)
        .collect();
    let mut voters: HashSet<i64> = HashSet::with_capacity(input.participants.len());
    let mut verified_votes = 0_i64;
    for &(participant, _, _) in votes {
        voters.insert(participant);
        if verified_ids.contains(&participant) {
            verified_votes += 1;
        }
    }
    let mut days: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for &(_, _, joined_at) in &input.participants {
        days.entry(day_of(joined_at)).or_default().0 += 1;
    }
    for &(day, count) in &input.votes_by_day {
        days.entry(day).or_default().1 += count;
    }
    let demographics = if input.population.is_empty() {
        Vec::new()
    } else {
        compare(members, groups, &input.answers, &input.population)
    };
    Figures {
        participants: input.participants.len() as i64,
        voters: voters.len() as i64,
        votes: votes.len() as i64,
        statements: statements
            .iter()
            .filter(|(_, status, _)| *status != StatementStatus::Rejected)
            .count() as i64,
        by_day: days
            .into_iter()
            .map(|(day, (joined, votes))| (day, joined, votes))
            .collect(),
        verified: VerifiedFigures {
            participants: verified_ids.len() as i64,
            unverified: (input.participants.len() - verified_ids.len()) as i64,
            votes: verified_votes,
            unverified_votes: votes.len() as i64 - verified_votes,
        },
        demographics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_days_and_verification_come_from_every_vote_and_participant() {
        let day = 20_000_i64;
        // Participants 1 and 2 joined on one day (1 verified), 3 the next day and never voted.
        let input = FiguresInput {
            participants: vec![
                (1, true, day * 86_400 + 5),
                (2, false, day * 86_400 + 7),
                (3, false, (day + 1) * 86_400),
            ],
            votes_by_day: vec![(day, 2), (day + 2, 1)],
            answers: Vec::new(),
            population: Vec::new(),
        };
        let votes = [
            (1, 10, Stance::Agree),
            (1, 11, Stance::Pass),
            (2, 10, Stance::Disagree),
        ];
        let statements = [
            (10, StatementStatus::Accepted, false),
            (11, StatementStatus::Pending, false),
            (12, StatementStatus::Rejected, false),
        ];
        let figures = compute(&input, &votes, &statements, &[(1, 0), (2, 0)], &[0]);
        assert_eq!(figures.participants, 3);
        assert_eq!(figures.voters, 2);
        assert_eq!(figures.votes, 3);
        assert_eq!(figures.statements, 2);
        assert_eq!(
            figures.by_day,
            vec![(day, 2, 2), (day + 1, 1, 0), (day + 2, 0, 1)]
        );
        assert_eq!(
            figures.verified,
            VerifiedFigures {
                participants: 1,
                unverified: 2,
                votes: 2,
                unverified_votes: 1
            }
        );
        assert!(figures.demographics.is_empty(), "no quotas, no comparison");
        assert_eq!(day_of(-1), -1);
    }
}
