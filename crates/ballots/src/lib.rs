//! Ballots of a citizens' assembly: how a ballot is defined, how its votes are checked and
//! counted, and how the result is written up for reports.
//!
//! Four methods, matching how real assemblies voted:
//! - yes/no (with an optional abstention) against a pass threshold, simple or qualified, with a
//!   stated rule on abstentions, an optional quorum, and ties that never pass ([`YesNoRule`]);
//! - a five-level agreement scale reported as a distribution with the share agreeing, the median
//!   and a level of support, with an optional pass rule ([`AgreementScale`]);
//! - a ranking of options counted with the Schulze method, with the full pairwise table and the
//!   strongest paths ([`SchulzeResult`]);
//! - approval, with winners chosen as the top k or all options above a share ([`ApprovalBallot`]).
//!
//! A [`Ballot`] is built once, validated, from a [`BallotSpec`]; [`tally`] checks every [`Vote`]
//! against it and returns an [`Outcome`], whose `Display` is the results text for reports.
//! Paper ballots are typed in twice and [`reconcile`]d sheet by sheet; only a [`ReconciledVotes`]
//! set can be counted ([`tally_paper`]).
//! A [`Sequence`] of ballots says which ballot opens after which, whether it is held at all, and
//! which wording it takes from the previous result ([`Ballot::resolve_wording`]).
//! The [`notation`] module writes methods, statuses, pass rules and choices as text and reads them back (the
//! store keeps that text, clerks type it on paper).
//!
//! Architecture invariant: the crate is pure (no IO, no serde, no clock, no randomness) and every
//! count is exact integer arithmetic, so the same votes always give the same outcome and the
//! same text.
//! It never sees who voted: a [`Vote`] carries a choice and nothing else.
//!
//! ```
//! use ballots::{Abstention, Ballot, BallotSpec, Method, Ratio, Threshold, Vote, Wording, YesNoChoice, YesNoRule};
//!
//! let two_thirds = Threshold::at_least(Ratio::new(2, 3)?)?;
//! let ballot = Ballot::new(BallotSpec {
//!     id: "b1".to_owned(),
//!     wording: Wording::Fixed("Should the measure go to a referendum?".to_owned()),
//!     method: Method::YesNo(YesNoRule::new(two_thirds, Abstention::Excluded)),
//!     eligible_members: 150,
//!     quorum: None,
//!     opens_after: None,
//! })?;
//! let mut votes = vec![Vote::YesNo(YesNoChoice::Yes); 98];
//! votes.extend(vec![Vote::YesNo(YesNoChoice::No); 23]);
//! votes.extend(vec![Vote::YesNo(YesNoChoice::Abstain); 6]);
//! let outcome = ballots::tally(&ballot, &votes)?;
//! assert_eq!(outcome.passed(), Some(true));
//! assert_eq!(
//!     outcome.to_string(),
//!     "Passed: 98 yes, 23 no, 6 abstentions; 81% yes of yes and no votes (threshold: at least 2/3)\n\
//!      Turnout: 127 of 150 eligible members (85%)"
//! );
//! # Ok::<(), ballots::BallotError>(())
//! ```

#![deny(missing_docs)]

mod agreement;
mod approval;
mod ballot;
mod error;
pub mod notation;
mod outcome;
mod paper;
mod ratio;
mod schulze;
mod sequence;
mod yes_no;

pub use agreement::{
    AgreementAnswer, AgreementCount, AgreementScale, LEVEL_NAMES, Median, Support,
};
pub use approval::{ApprovalBallot, ApprovalCount, WinnerRule};
pub use ballot::{Ballot, BallotSpec, HeldWhen, Method, Options, Precondition, Vote, Wording};
pub use error::BallotError;
pub use notation::{BallotStatus, MethodKind};
pub use outcome::{Counted, Outcome, tally};
pub use paper::{
    Entry, Mismatch, PaperVote, ReconciledVotes, Reconciliation, reconcile, tally_paper,
};
pub use ratio::{Comparison, Quorum, Ratio, Threshold, percent};
pub use schulze::SchulzeResult;
pub use sequence::{Sequence, Stage};
pub use yes_no::{Abstention, Decision, YesNoChoice, YesNoCount, YesNoRule};
