//! Bulk actions (issue 18, item 1): the same change to many things at once, for the organiser who would otherwise
//! post one form per person, ballot or comment.
//!
//! Each bulk action runs the one-item use case for every item, in the caller's one transaction, so the rules and
//! the audit trail are exactly those of the single form (one audit entry per item). All or nothing: the first
//! item refused stops the action and comes back named ([`Refused`]); the caller drops the transaction, which takes
//! every change and audit entry already made with it, so nothing is written.

use domain::assembly::CommentStatus;
use domain::respondent::Status;
use store::secret::BallotSeal;

use crate::deliberation::recommendations::{Adoption, adopt_recommendation};
use crate::deliberation::voting::{Opening, close_ballot, open_ballot};
use crate::effect::{Done, Effects};
use crate::recruitment::StatusReason;
use crate::selection::panel::{RECORDABLE, RecordError};
use crate::{Actor, Error};

/// The most items one bulk action takes (a national assembly's panel, with room to spare).
pub const MAX_ITEMS: usize = 5_000;

/// The item a bulk action stopped at, and why; nothing was written.
#[derive(Debug)]
pub struct Refused<E> {
    /// The id of the item (respondent, ballot, comment).
    pub id: i64,
    /// Why the one-item use case refused it.
    pub error: E,
}

/// Why a bulk action did not run at all, or the item it stopped at.
#[derive(Debug, thiserror::Error)]
pub enum BulkError<E> {
    /// No item, too many items, or an invalid choice: nothing was tried.
    #[error(transparent)]
    Invalid(Error),
    /// An item was refused (nothing was written once the caller drops the transaction).
    #[error("item {} was refused", .0.id)]
    Item(Refused<E>),
}

/// The ids without repeats, in the order given, or [`Error::Invalid`] naming `field` when there are none or more
/// than [`MAX_ITEMS`].
pub fn distinct_ids(field: &'static str, ids: &[i64]) -> Result<Vec<i64>, Error> {
    use domain::error::{Problem, ValidationError};
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<i64> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    if ids.is_empty() {
        return Err(Error::Invalid(ValidationError::new(
            field,
            Problem::Required,
        )));
    }
    if ids.len() > MAX_ITEMS {
        return Err(Error::Invalid(ValidationError::new(
            field,
            Problem::TooMany { max: MAX_ITEMS },
        )));
    }
    Ok(ids)
}

/// Records the same confirmation or drop-out (`to`, one of [`RECORDABLE`]) with the same reason for many people on
/// the panel, each through [`crate::selection::panel::record_on_panel`] (the status rules, one audit entry per
/// person, a member account and sign-in code for each confirmation, whose delivery comes back as effects exactly as
/// for one person). Returns how many were recorded.
pub async fn record_on_panel(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    respondent_ids: &[i64],
    to: Status,
    reason: &StatusReason,
    now: i64,
) -> Result<Done<usize>, BulkError<RecordError>> {
    if !RECORDABLE.contains(&to) {
        use domain::error::{Problem, ValidationError};
        let error = ValidationError::new("status", Problem::Malformed);
        return Err(BulkError::Invalid(Error::Invalid(error)));
    }
    let ids = distinct_ids("respondent_ids", respondent_ids).map_err(BulkError::Invalid)?;
    let mut effects = Effects::new();
    for &id in &ids {
        let done =
            crate::selection::panel::record_on_panel(tx, actor, assembly_id, id, to, reason, now)
                .await
                .map_err(|error| BulkError::Item(Refused { id, error }))?;
        effects.extend(done.effects);
    }
    tracing::info!(
        assembly_id,
        people = ids.len(),
        to = to.as_str(),
        "bulk status recorded on the panel"
    );
    Ok(Done::with(ids.len(), effects))
}

/// Opens many draft ballots, each through [`open_ballot`] (a ballot that waits for an earlier one is refused, as
/// on its page). Returns how many opened (a ballot whose proposal already passed is skipped, as on its page, and
/// counted too).
pub async fn open_ballots(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballot_ids: &[i64],
    now: i64,
) -> Result<usize, BulkError<crate::deliberation::Error>> {
    let ids = distinct_ids("ballot_ids", ballot_ids).map_err(BulkError::Invalid)?;
    for &id in &ids {
        let _opened: Opening = open_ballot(tx, actor, assembly_id, id, now)
            .await
            .map_err(|error| BulkError::Item(Refused { id, error }))?;
    }
    Ok(ids.len())
}

/// Closes many open ballots, each through [`close_ballot`] (counted and published as on its page; paper entries
/// that do not match refuse the whole action). Returns how many closed.
pub async fn close_ballots(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballot_ids: &[i64],
    seal: &BallotSeal,
    now: i64,
) -> Result<usize, BulkError<crate::deliberation::Error>> {
    let ids = distinct_ids("ballot_ids", ballot_ids).map_err(BulkError::Invalid)?;
    for &id in &ids {
        close_ballot(tx, actor, assembly_id, id, seal, now)
            .await
            .map_err(|error| BulkError::Item(Refused { id, error }))?;
    }
    Ok(ids.len())
}

/// Accepts (or rejects) many comments on the design of the process, each through
/// [`crate::comments::moderate_comment`] (one audit entry each). Returns how many.
pub async fn moderate_comments(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    comment_ids: &[i64],
    decision: CommentStatus,
    now: i64,
) -> Result<usize, BulkError<Error>> {
    let ids = distinct_ids("comment_ids", comment_ids).map_err(BulkError::Invalid)?;
    for &id in &ids {
        crate::comments::moderate_comment(tx, actor, assembly_id, id, decision, now)
            .await
            .map_err(|error| BulkError::Item(Refused { id, error }))?;
    }
    Ok(ids.len())
}

/// Makes many passed proposals recommendations at once, each with its own reference, theme and route, each
/// through [`crate::deliberation::recommendations::adopt_recommendation`] (one audit entry each). Returns the new
/// recommendations' ids in the order given. Proposals are told apart by id: the same proposal twice is refused at
/// its second adoption, as on its page.
pub async fn adopt_recommendations(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    adoptions: &[(i64, Adoption)],
    now: i64,
) -> Result<Vec<i64>, BulkError<crate::deliberation::Error>> {
    use domain::error::{Problem, ValidationError};
    if adoptions.is_empty() {
        let error = ValidationError::new("adoptions", Problem::Required);
        return Err(BulkError::Invalid(Error::Invalid(error)));
    }
    if adoptions.len() > MAX_ITEMS {
        let error = ValidationError::new("adoptions", Problem::TooMany { max: MAX_ITEMS });
        return Err(BulkError::Invalid(Error::Invalid(error)));
    }
    let mut ids = Vec::with_capacity(adoptions.len());
    for (proposal_id, adoption) in adoptions {
        let id = adopt_recommendation(tx, actor, assembly_id, *proposal_id, adoption, now)
            .await
            .map_err(|error| {
                BulkError::Item(Refused {
                    id: *proposal_id,
                    error,
                })
            })?;
        ids.push(id);
    }
    Ok(ids)
}

/// Records many of the authority's responses at once (`(recommendation id, response)`, from an import), each
/// through [`crate::impact::record_response`] (one audit entry each). Returns how many.
pub async fn record_responses(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    responses: &[(i64, crate::impact::NewResponse)],
    now: i64,
) -> Result<usize, BulkError<Error>> {
    for (recommendation_id, response) in responses {
        crate::impact::record_response(tx, actor, assembly_id, *recommendation_id, response, now)
            .await
            .map_err(|error| {
                BulkError::Item(Refused {
                    id: *recommendation_id,
                    error,
                })
            })?;
    }
    Ok(responses.len())
}

/// Adds many implementation milestones at once (`(recommendation id, milestone)`, from an import), each through
/// [`crate::impact::add_milestone`] (one audit entry each). Returns how many.
pub async fn add_milestones(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    milestones: &[(i64, crate::impact::NewMilestone)],
    now: i64,
) -> Result<usize, BulkError<Error>> {
    for (recommendation_id, milestone) in milestones {
        crate::impact::add_milestone(tx, actor, assembly_id, *recommendation_id, milestone, now)
            .await
            .map_err(|error| {
                BulkError::Item(Refused {
                    id: *recommendation_id,
                    error,
                })
            })?;
    }
    Ok(milestones.len())
}

/// A session to create with its agenda, from an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionWithAgenda {
    /// The session.
    pub session: store::sessions::NewSession,
    /// Its agenda items, in the order given.
    pub items: Vec<store::sessions::NewAgendaItem>,
}

/// Creates many sessions with their agenda items at once (from an import), each session through
/// [`crate::assembly::create_session`] and each item through [`crate::assembly::add_agenda_item`] (one audit entry
/// each). Returns the new sessions' ids in the order given; a refusal names the session by its index in `sessions`.
pub async fn create_sessions(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    sessions: &[SessionWithAgenda],
    now: i64,
) -> Result<Vec<i64>, BulkError<Error>> {
    use domain::error::{Problem, ValidationError};
    if sessions.is_empty() {
        let error = ValidationError::new("csv", Problem::Required);
        return Err(BulkError::Invalid(Error::Invalid(error)));
    }
    let mut ids = Vec::with_capacity(sessions.len());
    for (index, new) in sessions.iter().enumerate() {
        let refused = |error: Error| {
            BulkError::Item(Refused {
                id: index as i64,
                error,
            })
        };
        let id = crate::assembly::create_session(tx, actor, assembly_id, &new.session, now)
            .await
            .map_err(refused)?;
        for item in &new.items {
            crate::assembly::add_agenda_item(tx, actor, assembly_id, id, item, now)
                .await
                .map_err(refused)?;
        }
        ids.push(id);
    }
    tracing::info!(assembly_id, sessions = ids.len(), "sessions imported");
    Ok(ids)
}

/// Creates many ballots at once (from an import), each through [`crate::deliberation::voting::create_ballot`] (the
/// same checks as the ballot form, one audit entry each). Returns the new ballots' ids in the order given; a refusal
/// names the ballot by its index in `ballots`.
pub async fn create_ballots(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballots: &[store::ballot_box::NewBallot],
    now: i64,
) -> Result<Vec<i64>, BulkError<crate::deliberation::Error>> {
    use domain::error::{Problem, ValidationError};
    if ballots.is_empty() {
        let error = ValidationError::new("csv", Problem::Required);
        return Err(BulkError::Invalid(Error::Invalid(error)));
    }
    let mut ids = Vec::with_capacity(ballots.len());
    for (index, new) in ballots.iter().enumerate() {
        let id = crate::deliberation::voting::create_ballot(tx, actor, assembly_id, new, now)
            .await
            .map_err(|error| {
                BulkError::Item(Refused {
                    id: index as i64,
                    error,
                })
            })?;
        ids.push(id);
    }
    tracing::info!(assembly_id, ballots = ids.len(), "ballots imported");
    Ok(ids)
}
