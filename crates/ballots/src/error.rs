//! The one error type of the crate: every way a ballot definition, a vote, a paper entry or a
//! sequence of ballots can be wrong.
//!
//! Vote positions are 1-based (the first vote in the list is vote 1), so that they can be shown
//! to staff as they are.
//! Messages name options, ballots and sheets, never members: a vote carries no member identity.

/// Why a ballot could not be defined, a vote could not be counted, or a sequence could not move on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BallotError {
    /// A ratio with a zero denominator or a numerator above the denominator.
    #[error("{numerator}/{denominator} is not a share between 0 and 1")]
    InvalidRatio {
        /// The numerator given.
        numerator: u32,
        /// The denominator given.
        denominator: u32,
    },
    /// A threshold of "at least 0", which every count meets.
    #[error("a threshold of at least 0 is always met")]
    ThresholdAlwaysMet,
    /// A threshold of "more than 1", which no count meets.
    #[error("a threshold of more than 100% can never be met")]
    ThresholdNeverMet,
    /// A ranking or approval ballot with fewer than two options.
    #[error("a ballot with options needs at least 2 options, got {count}")]
    TooFewOptions {
        /// The number of options given.
        count: usize,
    },
    /// An option whose label is empty or only spaces.
    #[error("option {position} has an empty label")]
    BlankOption {
        /// The 1-based position of the option.
        position: usize,
    },
    /// Two options with the same label.
    #[error("option {option:?} appears more than once")]
    DuplicateOption {
        /// The repeated label.
        option: String,
    },
    /// An approval ballot asking for a number of winners that is zero or not below the number of
    /// options.
    #[error("the top {winners} of {options} options cannot be chosen: give a number from 1 to {}", options.saturating_sub(1))]
    InvalidWinnerCount {
        /// The number of winners asked for.
        winners: u32,
        /// The number of options.
        options: usize,
    },
    /// An approval ballot whose maximum number of approvals per voter is zero or above the
    /// number of options.
    #[error("a voter cannot be allowed {max} approvals with {options} options")]
    InvalidMaxApprovals {
        /// The maximum given.
        max: u32,
        /// The number of options.
        options: usize,
    },
    /// A ballot without an id.
    #[error("a ballot needs a non-empty id")]
    EmptyBallotId,
    /// A ballot whose wording (or one of its conditional wordings) is empty.
    #[error("ballot {ballot:?} has an empty wording")]
    EmptyWording {
        /// The ballot's id.
        ballot: String,
    },
    /// A ballot with no eligible members.
    #[error("ballot {ballot:?} has no eligible members")]
    NoEligibleMembers {
        /// The ballot's id.
        ballot: String,
    },
    /// A quorum of more members than are eligible.
    #[error(
        "ballot {ballot:?} asks for a quorum of {quorum} members but only {eligible} are eligible"
    )]
    QuorumAboveEligible {
        /// The ballot's id.
        ballot: String,
        /// The quorum in members.
        quorum: u32,
        /// The number of eligible members.
        eligible: u32,
    },
    /// A ballot whose wording depends on another ballot's outcome but which does not open after it.
    #[error(
        "ballot {ballot:?} takes its wording from ballot {on:?}, so it must open after {on:?} closes"
    )]
    WordingWithoutPrecondition {
        /// The ballot's id.
        ballot: String,
        /// The ballot its wording depends on.
        on: String,
    },
    /// A ballot that opens after itself.
    #[error("ballot {ballot:?} cannot open after itself")]
    OpensAfterItself {
        /// The ballot's id.
        ballot: String,
    },
    /// A vote of one method given to a ballot of another.
    #[error("vote {vote} is a {found} vote but the ballot is a {expected} ballot")]
    WrongMethod {
        /// The 1-based position of the vote.
        vote: usize,
        /// The ballot's method.
        expected: &'static str,
        /// The vote's method.
        found: &'static str,
    },
    /// An abstention on a yes/no ballot that does not offer one.
    #[error("vote {vote} abstains but this ballot offers only yes or no")]
    AbstainNotOffered {
        /// The 1-based position of the vote.
        vote: usize,
    },
    /// An agreement level outside 1 to 5.
    #[error(
        "vote {vote} gives level {level}; levels go from 1 (strongly disagree) to 5 (strongly agree)"
    )]
    LevelOutOfRange {
        /// The 1-based position of the vote.
        vote: usize,
        /// The level given.
        level: u8,
    },
    /// "No opinion" on an agreement ballot that does not offer it.
    #[error("vote {vote} answers \"no opinion\" but this ballot does not offer it")]
    NoOpinionNotOffered {
        /// The 1-based position of the vote.
        vote: usize,
    },
    /// A vote naming an option that is not on the ballot.
    #[error("vote {vote} names option {option:?}, which is not on the ballot")]
    UnknownOption {
        /// The 1-based position of the vote.
        vote: usize,
        /// The unknown option.
        option: String,
    },
    /// A ranking that ranks the same option twice.
    #[error("vote {vote} ranks option {option:?} more than once")]
    DuplicateRank {
        /// The 1-based position of the vote.
        vote: usize,
        /// The option ranked twice.
        option: String,
    },
    /// A ranking that gives an option rank 0 (ranks start at 1, the most preferred).
    #[error("vote {vote} gives option {option:?} rank 0; ranks start at 1")]
    RankZero {
        /// The 1-based position of the vote.
        vote: usize,
        /// The option.
        option: String,
    },
    /// An approval vote that approves the same option twice.
    #[error("vote {vote} approves option {option:?} more than once")]
    DuplicateApproval {
        /// The 1-based position of the vote.
        vote: usize,
        /// The option approved twice.
        option: String,
    },
    /// An approval vote with more approvals than the ballot allows.
    #[error("vote {vote} approves {count} options but at most {max} are allowed")]
    TooManyApprovals {
        /// The 1-based position of the vote.
        vote: usize,
        /// The number of approvals in the vote.
        count: usize,
        /// The ballot's maximum.
        max: u32,
    },
    /// More votes than eligible members.
    #[error("{votes} votes were cast but only {eligible} members are eligible")]
    MoreVotesThanEligible {
        /// The number of votes.
        votes: usize,
        /// The number of eligible members.
        eligible: u32,
    },
    /// A reconciled paper sheet whose content is not a valid vote on this ballot.
    #[error("paper sheet {sheet}: {source}")]
    InvalidSheet {
        /// The sheet number.
        sheet: u32,
        /// What is wrong with it (its vote position is the sheet's position in sheet order).
        source: Box<BallotError>,
    },
    /// Paper entries with mismatches cannot be tallied until the sheets are re-checked.
    #[error(
        "the two paper entries disagree on sheets {}: re-check them before counting",
        join_sheets(sheets)
    )]
    UnreconciledSheets {
        /// The sheet numbers to re-check, in increasing order.
        sheets: Vec<u32>,
    },
    /// Two ballots with the same id in one sequence.
    #[error("ballot id {ballot:?} appears more than once in the sequence")]
    DuplicateBallotId {
        /// The repeated id.
        ballot: String,
    },
    /// A ballot that opens after a ballot which is not earlier in the sequence.
    #[error(
        "ballot {ballot:?} opens after {after:?}, which is not an earlier ballot of the sequence"
    )]
    UnknownPrecedingBallot {
        /// The ballot's id.
        ballot: String,
        /// The id it refers to.
        after: String,
    },
    /// A ballot whose opening or wording depends on whether a ballot passed, when that ballot
    /// has no pass rule (a ranking, an approval, or an agreement scale without a threshold).
    #[error(
        "ballot {ballot:?} depends on whether {after:?} passed, but {after:?} has no pass rule"
    )]
    PrecedingBallotHasNoDecision {
        /// The ballot's id.
        ballot: String,
        /// The ballot without a pass rule.
        after: String,
    },
    /// The outcome of one ballot given where another ballot's outcome was needed.
    #[error("expected the outcome of ballot {expected:?}, got the outcome of {found:?}")]
    OutcomeOfAnotherBallot {
        /// The ballot whose outcome was needed.
        expected: String,
        /// The ballot whose outcome was given.
        found: String,
    },
    /// An outcome without a pass/fail decision given where one was needed.
    #[error("ballot {ballot:?} has no pass rule, so its outcome cannot choose a wording")]
    NoDecision {
        /// The ballot's id.
        ballot: String,
    },
    /// A ballot id that is not in the sequence.
    #[error("there is no ballot {ballot:?} in this sequence")]
    UnknownBallot {
        /// The id asked for.
        ballot: String,
    },
}

fn join_sheets(sheets: &[u32]) -> String {
    sheets
        .iter()
        .map(u32::to_string)
        .collect::<Vec<String>>()
        .join(", ")
}
