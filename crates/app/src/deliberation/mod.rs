//! Deliberation (issue 5, part B): the use cases of proposals, amendments and comments, minority reports,
//! recommendations made from passed proposals, secret ballots online and on paper (sequential ones included),
//! and the reads behind its pages, the JSON API and the public final report.
//!
//! Secrecy is kept in three places. `store::ballot_box` keeps the record that a member voted apart from the
//! choices, which wait sealed until the closing transaction opens them all at once ([`voting::close_ballot`]).
//! [`voting::cast_vote`] logs a vote with no account in the audit log and nothing about it in the trace log.
//! And no result exists for anyone, organisers included, before a ballot closes: [`voting::ballot_file`] counts
//! a closed ballot only, and [`voting::published_ballot`] returns a stored result only once closed.
//!
//! A refusal that a page words in the visitor's language comes back as a [`Refusal`] in [`Error::Refused`]; the
//! caller drops its transaction then, so nothing of the refused request is kept (and no audit entry is written).

pub mod counting;
pub mod paper;
pub mod proposals;
pub mod recommendations;
pub mod report;
pub mod voting;

pub use counting::{CountProblem, PaperState, count, support_bp};

use ballots::BallotError;
use store::StoreError;

use crate::Actor;
use crate::audit::{Entry, audited};

/// What a deliberation use case fails with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rules refuse the request, for a reason the page words.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// Anything else.
    #[error(transparent)]
    App(#[from] crate::Error),
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Error {
        Error::App(error.into())
    }
}

/// The result of a deliberation use case.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why the rules of deliberation refuse a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Only the drafter of a proposal (or an organiser) accepts or rejects its amendments.
    NotDrafter,
    /// The proposal's session is not a session of this assembly.
    UnknownSession,
    /// The proposal's table is not a table of its session in the assembly's allocation (or no session is named).
    UnknownTable,
    /// The amendment was already accepted or rejected.
    AlreadyDecided,
    /// The text moved on since the amendment was written against it.
    OutdatedAmendment,
    /// No closed ballot on the proposal passed, so it cannot become a recommendation.
    NotPassed,
    /// The proposal is already a recommendation.
    AlreadyAdopted,
    /// Another recommendation of the assembly has this reference.
    ReferenceTaken,
    /// The ballot's definition does not hold; every problem found, in the order of the form.
    Definition(Vec<DefinitionProblem>),
    /// The ballot is not a draft any more.
    NotDraft,
    /// The ballot opens only after this earlier ballot has closed.
    EarlierOpen {
        /// The earlier ballot.
        ballot_id: i64,
    },
    /// The ballot is not open.
    NotOpen,
    /// Only the assembly's members vote (an administrator reaches the route but has no vote).
    MembersOnly,
    /// This member has already voted on this ballot.
    AlreadyVoted,
    /// The vote does not fit the ballot: it does not read (`None`), or the count's rules refuse it (too many
    /// approvals, ...).
    InvalidVote(Option<BallotError>),
    /// The other paper entry was typed by the same person; the two must be independent.
    SameClerk,
    /// A line of the paper entry does not read as `sheet: choice`.
    UnreadableSheet {
        /// The line, from 1.
        line: usize,
    },
    /// The paper entry has no sheet.
    NoSheets,
    /// The ballot cannot be counted (paper entries missing or not matching, or a count the rules refuse).
    Uncountable(CountProblem),
}

/// A problem with a ballot's definition that needs the stored state to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefinitionProblem {
    /// The earlier ballot is not a ballot of this assembly.
    UnknownEarlierBallot,
    /// The proposal is not a proposal of this assembly.
    UnknownProposal,
    /// A conditional wording or a held-when rule needs an earlier ballot.
    NeedsEarlier,
    /// The earlier ballot says neither passed nor not passed, so nothing can depend on its result.
    EarlierHasNoDecision,
    /// The options (or the approval limit) do not make a ballot.
    Options(BallotError),
}

/// The wording a ballot shows: the one fixed when it opened, else the one defined.
pub fn shown_wording(ballot: &store::ballot_box::BallotRow) -> &str {
    if ballot.final_wording.is_empty() {
        &ballot.fields.wording
    } else {
        &ballot.final_wording
    }
}

/// [`audited`] for a write that the store may refuse: a refusal comes back as [`Error::Refused`] with no audit
/// entry appended, and the caller drops the transaction.
async fn audited_unless_refused<T>(
    tx: &mut store::Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    now: i64,
    write: impl AsyncFnOnce(&mut store::Tx) -> crate::Result<Result<(T, Entry), Refusal>>,
) -> Result<T> {
    let mut refused = None;
    let refused_slot = &mut refused;
    let written = audited(
        tx,
        actor,
        action,
        entity,
        now,
        async move |tx| match write(tx).await? {
            Ok(written) => Ok(written),
            Err(refusal) => {
                *refused_slot = Some(refusal);
                Err(crate::Error::conflict(
                    "refused by the rules of deliberation",
                ))
            }
        },
    )
    .await;
    match refused {
        Some(refusal) => Err(Error::Refused(refusal)),
        None => Ok(written?),
    }
}

/// The ballots `(limit, offset)` of an assembly, oldest first, read from the store with how many there are
/// (issue 18, item 5; [`crate::Error::NotFound`] for an unknown assembly).
pub async fn ballots_page(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    (limit, offset): (i64, i64),
) -> crate::Result<(Vec<store::ballot_box::BallotRow>, i64)> {
    store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    Ok(store::ballot_box::list_page(conn, assembly_id, limit, offset).await?)
}
