//! Proposals drafted by tables and members: drafting, amendments and their decision by the drafter, comments,
//! the minority report, and the proposal's file as its page shows it.

use ballots::BallotStatus;
use domain::permission::{Action, Role, allowed};
use serde_json::json;
use store::ballot_box::BallotRow;
use store::proposals::{
    AmendmentRow, CommentRow, DecisionRefusal, NewProposal, ProposalRow, VersionRow,
};
use store::recommendations::RecommendationRow;

use super::{Refusal, Result, audited_unless_refused};
use crate::Actor;
use crate::audit::{Entry, audited};

/// What the drafter decides about an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The amendment's text becomes the proposal's next version.
    Accept,
    /// The amendment is closed without changing the text.
    Reject,
}

/// A proposal with everything its page shows.
#[derive(Debug, Clone)]
pub struct ProposalFile {
    /// The proposal.
    pub proposal: ProposalRow,
    /// Every version of its text, oldest first.
    pub versions: Vec<VersionRow>,
    /// Its amendments, oldest first.
    pub amendments: Vec<AmendmentRow>,
    /// Comments on it and on its amendments, oldest first.
    pub comments: Vec<CommentRow>,
    /// The ballots that decide it, oldest first.
    pub ballots: Vec<BallotRow>,
    /// The recommendation made from it, if any.
    pub recommendation: Option<RecommendationRow>,
    /// Whether a closed ballot on it passed (so that it may become a recommendation).
    pub passed: bool,
}

/// Whether `actor` may accept or reject the amendments of `proposal`: its drafter, or an organiser.
pub fn may_decide_amendments(actor: &Actor, proposal: &ProposalRow) -> bool {
    allowed(actor.role, Action::DraftProposals)
        && (actor.account_id == Some(proposal.author_account_id)
            || matches!(actor.role, Role::Organiser | Role::Admin))
}

/// Whether one of `ballots` closed and passed.
fn any_passed(ballots: &[BallotRow]) -> bool {
    ballots
        .iter()
        .any(|row| row.status == BallotStatus::Closed && row.passed == Some(true))
}

/// A proposal of the assembly with its versions, amendments, comments, ballots and recommendation.
pub async fn proposal_file(
    tx: &mut store::Tx,
    assembly_id: i64,
    proposal_id: i64,
) -> crate::Result<ProposalFile> {
    let proposal = store::proposals::get(tx, assembly_id, proposal_id).await?;
    let versions = store::proposals::versions(tx, proposal_id).await?;
    let amendments = store::proposals::amendments(tx, proposal_id).await?;
    let comments = store::proposals::comments(tx, proposal_id).await?;
    let ballots: Vec<BallotRow> = store::ballot_box::list(tx, assembly_id)
        .await?
        .into_iter()
        .filter(|row| row.fields.proposal_id == Some(proposal_id))
        .collect();
    let recommendation = store::recommendations::list(tx, assembly_id)
        .await?
        .into_iter()
        .find(|row| row.fields.proposal_id == Some(proposal_id));
    Ok(ProposalFile {
        passed: any_passed(&ballots),
        proposal,
        versions,
        amendments,
        comments,
        ballots,
        recommendation,
    })
}

/// The sessions and tables a proposal of the assembly may name, and the drafter's own tables.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// The assembly's sessions, by date.
    pub sessions: Vec<store::sessions::SessionRow>,
    /// The tables of the current allocation, as (session id, table number from 0).
    pub tables: Vec<(i64, i64)>,
    /// The drafter's own seats in the current allocation, as (session id, table number from 0).
    pub own_seats: Vec<(i64, i64)>,
}

impl Places {
    /// Why `new`'s session or table is not one of these, if it is not.
    pub fn refusal(&self, new: &NewProposal) -> Option<Refusal> {
        if let Some(session_id) = new.session_id
            && !self.sessions.iter().any(|session| session.id == session_id)
        {
            return Some(Refusal::UnknownSession);
        }
        match (new.session_id, new.table_no) {
            (_, None) => None,
            (Some(session_id), Some(table_no)) if self.tables.contains(&(session_id, table_no)) => {
                None
            }
            _ => Some(Refusal::UnknownTable),
        }
    }

    /// The session and table a drafter's form starts with: their own table in the latest session where they have
    /// one, else nothing.
    pub fn default_for_drafter(&self) -> (Option<i64>, Option<i64>) {
        self.sessions
            .iter()
            .rev()
            .find_map(|session| {
                self.own_seats
                    .iter()
                    .find(|(seat_session, _)| *seat_session == session.id)
                    .map(|(session_id, table_no)| (Some(*session_id), Some(*table_no)))
            })
            .unwrap_or((None, None))
    }
}

/// The sessions and tables of the assembly, and `actor`'s own seats (none for staff without a seat).
pub async fn places(tx: &mut store::Tx, actor: &Actor, assembly_id: i64) -> crate::Result<Places> {
    let sessions = store::sessions::list_sessions(tx, assembly_id).await?;
    let tables = store::seating::tables(tx, assembly_id).await?;
    let own_seats = match actor.account_id {
        Some(account_id) => store::seating::seats_of_account(tx, assembly_id, account_id).await?,
        None => Vec::new(),
    };
    Ok(Places {
        sessions,
        tables,
        own_seats,
    })
}

/// One page of the assembly's proposals matching `filter` (page from 0, `size` a page), and how many match.
pub async fn proposals_page(
    tx: &mut store::Tx,
    assembly_id: i64,
    filter: &store::proposals::Filter,
    page: i64,
    size: i64,
) -> crate::Result<(Vec<ProposalRow>, i64)> {
    let size = size.max(1);
    let (rows, total) =
        store::proposals::page(tx, assembly_id, filter, size, page.max(0) * size).await?;
    Ok((rows, total))
}

/// A member or a table drafts a proposal (version 1 of its text) in one of the assembly's sessions and tables, or
/// none; returns its id. A session or table of another assembly is refused ([`Refusal::UnknownSession`],
/// [`Refusal::UnknownTable`]).
pub async fn create_proposal(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    new: &NewProposal,
    now: i64,
) -> Result<i64> {
    let account_id = actor.account()?;
    if !store::assemblies::assembly_exists(&mut *tx, assembly_id).await? {
        return Err(store::StoreError::NotFound.into());
    }
    if let Some(refusal) = places(tx, actor, assembly_id).await?.refusal(new) {
        return Err(super::Error::Refused(refusal));
    }
    // The audit entry names the new proposal, so the insert comes first, in the same transaction.
    let id = store::proposals::create(tx, assembly_id, account_id, new, now).await?;
    audited(
        tx,
        actor,
        "proposal.create",
        &format!("proposal:{id}"),
        now,
        async |_| {
            let facts = json!({
                "id": id, "assembly_id": assembly_id, "version": 1,
                "session_id": new.session_id, "table_no": new.table_no,
            });
            Ok((id, Entry::after(facts)))
        },
    )
    .await
    .map_err(Into::into)
}

/// Proposes a new text for a proposal, with the reason, against its current version; returns the amendment's id.
pub async fn propose_amendment(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    proposal_id: i64,
    body: &str,
    rationale: &str,
    now: i64,
) -> crate::Result<i64> {
    let account_id = actor.account()?;
    let id = store::proposals::propose_amendment(
        tx,
        assembly_id,
        proposal_id,
        account_id,
        body,
        rationale,
        now,
    )
    .await?;
    audited(
        tx,
        actor,
        "amendment.propose",
        &format!("amendment:{id}"),
        now,
        async |_| {
            let facts = json!({ "id": id, "proposal_id": proposal_id });
            Ok((id, Entry::after(facts)))
        },
    )
    .await
}

/// The drafter (or an organiser) accepts or rejects an open amendment; returns the proposal's version after it.
/// Accepting an amendment written against an older version is refused, so no accepted change is overwritten.
pub async fn decide_amendment(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    proposal_id: i64,
    amendment_id: i64,
    decision: Decision,
    now: i64,
) -> Result<i64> {
    let account_id = actor.account()?;
    let proposal = store::proposals::get(tx, assembly_id, proposal_id).await?;
    if !may_decide_amendments(actor, &proposal) {
        return Err(super::Error::Refused(Refusal::NotDrafter));
    }
    let (accept, action) = match decision {
        Decision::Accept => (true, "amendment.accept"),
        Decision::Reject => (false, "amendment.reject"),
    };
    audited_unless_refused(
        tx,
        actor,
        action,
        &format!("amendment:{amendment_id}"),
        now,
        async |tx| {
            let decided = store::proposals::decide_amendment(
                tx,
                assembly_id,
                proposal_id,
                amendment_id,
                accept,
                account_id,
                now,
            )
            .await?;
            Ok(match decided {
                Ok(version) => {
                    let facts =
                        json!({ "id": amendment_id, "proposal_id": proposal_id, "version": version });
                    Ok((version, Entry::after(facts)))
                }
                Err(DecisionRefusal::AlreadyDecided) => Err(Refusal::AlreadyDecided),
                Err(DecisionRefusal::Outdated) => Err(Refusal::OutdatedAmendment),
            })
        },
    )
    .await
}

/// Comments on a proposal, or on one of its amendments; returns the comment's id.
pub async fn comment(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    proposal_id: i64,
    amendment_id: Option<i64>,
    body: &str,
    now: i64,
) -> crate::Result<i64> {
    let account_id = actor.account()?;
    let id = store::proposals::add_comment(
        tx,
        assembly_id,
        proposal_id,
        amendment_id,
        account_id,
        body,
        now,
    )
    .await?;
    audited(
        tx,
        actor,
        "proposal.comment",
        &format!("proposal_comment:{id}"),
        now,
        async |_| {
            let facts =
                json!({ "id": id, "proposal_id": proposal_id, "amendment_id": amendment_id });
            Ok((id, Entry::after(facts)))
        },
    )
    .await
}

/// Members attach a minority report to a proposal (empty removes it); the log records its length, not its text.
pub async fn write_minority_report(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    proposal_id: i64,
    text: &str,
    now: i64,
) -> crate::Result<()> {
    actor.account()?;
    audited(
        tx,
        actor,
        "proposal.minority_report",
        &format!("proposal:{proposal_id}"),
        now,
        async |tx| {
            store::proposals::set_minority_report(tx, assembly_id, proposal_id, text, now).await?;
            let facts = json!({ "proposal_id": proposal_id, "characters": text.chars().count() });
            Ok(((), Entry::after(facts)))
        },
    )
    .await
}
