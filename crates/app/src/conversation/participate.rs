//! Taking part in a conversation from a device, with no account: the voting page's next statement
//! ([`voting_page`], chosen by the engine's routing from the stored analysis), votes ([`vote`]), statements
//! ([`submit_statement`]) and erasure ([`erase`]).
//!
//! A device is known by a random 32-byte token in its cookie; the store keeps only a keyed hash of it
//! ([`token_hash`], salted with the assembly so one device is not linkable across conversations), never the token.
//! Writes from anonymous devices are rate-limited per client address (`store::recruitment::rate_limit_hit`, like
//! registration); a refused write is a [`Refusal`] and the caller commits, so the attempt counts.

use std::net::IpAddr;

use domain::conversation::{ModerationMode, Stance, StatementStatus, StatementText};
use serde_json::json;

use super::Refusal;
use super::analysis::{engine_view, parse_stored};
use crate::audit::{Entry, audited, audited_creation};
use crate::{Actor, Error, Result};

/// Rate limits per client address: (window in seconds, hits allowed).
const VOTE_LIMIT: (i64, i64) = (60, 1_200);
const STATEMENT_LIMIT: (i64, i64) = (3_600, 30);
const JOIN_LIMIT: (i64, i64) = (3_600, 300);

/// The device a request comes from.
#[derive(Debug, Clone, Copy)]
pub struct Device<'a> {
    /// The device token from its cookie, if it has one.
    pub token: Option<&'a str>,
    /// The client's address, for the rate limits only (never stored as such, never logged).
    pub client: Option<IpAddr>,
}

/// A participant's device as the use cases leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The participant.
    pub participant_id: i64,
    /// A new device token to set in the cookie, when this request made the participant.
    pub new_token: Option<String>,
}

/// The keyed hash under which a device token is stored for one conversation.
pub fn token_hash(assembly_id: i64, token: &str) -> String {
    store::sha256_hex(format!("conversation:{assembly_id}:{token}").as_bytes())
}

pub(super) async fn within_limit(
    tx: &mut store::Tx,
    kind: &str,
    client: Option<IpAddr>,
    limit: (i64, i64),
    now: i64,
) -> Result<bool> {
    let client = client
        .map(|address| address.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let key = store::sha256_hex(format!("{kind}:{client}").as_bytes());
    Ok(store::recruitment::rate_limit_hit(tx, &key, now, limit.0, limit.1).await?)
}

/// The participant of this device, made (with a new token) if the device has none here yet.
pub(super) async fn join(
    tx: &mut store::Tx,
    assembly_id: i64,
    device: &Device<'_>,
    now: i64,
) -> Result<std::result::Result<Joined, Refusal>> {
    if let Some(token) = device.token {
        let hash = token_hash(assembly_id, token);
        if let Some(participant_id) =
            store::conversation::participant_by_token(tx, assembly_id, &hash).await?
        {
            return Ok(Ok(Joined {
                participant_id,
                new_token: None,
            }));
        }
    }
    if !within_limit(tx, "conversation-join", device.client, JOIN_LIMIT, now).await? {
        return Ok(Err(Refusal::TooMany));
    }
    let token = hex::encode(crate::random::bytes::<32>()?);
    // A random positive id: the participant's pseudonym in the engine and the exports.
    let participant_id = (i64::from_le_bytes(crate::random::bytes::<8>()?) & i64::MAX).max(1);
    store::conversation::add_participant(
        tx,
        assembly_id,
        participant_id,
        &token_hash(assembly_id, &token),
        now,
    )
    .await?;
    Ok(Ok(Joined {
        participant_id,
        new_token: Some(token),
    }))
}

/// The open conversation of an assembly, or why not.
pub(super) async fn open_conversation(
    tx: &mut store::Tx,
    assembly_id: i64,
) -> Result<std::result::Result<store::conversation::ConversationRow, Refusal>> {
    let conversation = store::conversation::get(tx, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !conversation.settings.is_open {
        return Ok(Err(Refusal::Closed));
    }
    Ok(Ok(conversation))
}

/// Records a vote of this device on a shown statement (the latest vote counts), joining the device if needed.
///
/// An anonymous vote is not an audit entry: the vote table (one row per participant and statement, with its time)
/// is the record, and erasure must be able to remove it, which an entry in the hash-chained log never can be. The
/// chain records what staff and the system do to a conversation (its settings, seeds, moderation, imports,
/// erasures, publication as evidence); a vote appended to it would serialise every vote on the chain's head and
/// grow the log by the crowd's size.
pub async fn vote(
    tx: &mut store::Tx,
    _actor: &Actor,
    assembly_id: i64,
    device: &Device<'_>,
    statement_id: i64,
    stance: Stance,
    now: i64,
) -> Result<std::result::Result<Joined, Refusal>> {
    let settings = store::conversation::settings(tx, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !settings.is_open {
        return Ok(Err(Refusal::Closed));
    }
    if !within_limit(tx, "conversation-vote", device.client, VOTE_LIMIT, now).await? {
        return Ok(Err(Refusal::TooMany));
    }
    let shown = store::conversation::statement_status(tx, assembly_id, statement_id)
        .await?
        .is_some_and(|status| settings.moderation.shows(status));
    if !shown {
        return Ok(Err(Refusal::NotShown));
    }
    let joined = match join(tx, assembly_id, device, now).await? {
        Ok(joined) => joined,
        Err(refusal) => return Ok(Err(refusal)),
    };
    store::conversation::cast_vote(
        tx,
        assembly_id,
        joined.participant_id,
        statement_id,
        stance,
        now,
    )
    .await?;
    Ok(Ok(joined))
}

/// A statement written from a device, waiting for moderation (shown at once if the conversation shows statements
/// unless rejected); an exact duplicate (after normalisation) is refused (audited `conversation.statement`, with
/// the id and status, never the text or the participant).
pub async fn submit_statement(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    device: &Device<'_>,
    text: &StatementText,
    now: i64,
) -> Result<std::result::Result<(i64, Joined), Refusal>> {
    if let Err(refusal) = open_conversation(tx, assembly_id).await? {
        return Ok(Err(refusal));
    }
    if !within_limit(
        tx,
        "conversation-statement",
        device.client,
        STATEMENT_LIMIT,
        now,
    )
    .await?
    {
        return Ok(Err(Refusal::TooMany));
    }
    if store::conversation::has_duplicate(tx, assembly_id, text.normalised()).await? {
        return Ok(Err(Refusal::Duplicate));
    }
    let joined = match join(tx, assembly_id, device, now).await? {
        Ok(joined) => joined,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let participant_id = joined.participant_id;
    let statement_id = audited_creation(tx, actor, "conversation.statement", now, async |tx| {
        let new = store::conversation::NewStatement {
            body: text.as_str(),
            normalised: text.normalised(),
            participant_id: Some(participant_id),
            status: StatementStatus::Pending,
            is_meta: false,
        };
        let id = store::conversation::add_statement(tx, assembly_id, &new, now).await?;
        let entity = format!("assembly:{assembly_id}/conversation/statement:{id}");
        Ok((id, entity, Entry::after(json!({ "status": "pending" }))))
    })
    .await?;
    tracing::info!(assembly_id, statement_id, "conversation statement received");
    Ok(Ok((statement_id, joined)))
}

/// Erases this device's participant: votes, statements (with the votes on them) and answers (audited
/// `conversation.erase` with the counts only). `None` if the device has not taken part.
pub async fn erase(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    token: Option<&str>,
    now: i64,
) -> Result<Option<store::conversation::Erased>> {
    let Some(token) = token else {
        return Ok(None);
    };
    let hash = token_hash(assembly_id, token);
    let Some(participant_id) =
        store::conversation::participant_by_token(tx, assembly_id, &hash).await?
    else {
        return Ok(None);
    };
    let entity = format!("assembly:{assembly_id}/conversation");
    let erased = audited(tx, actor, "conversation.erase", &entity, now, async |tx| {
        let erased =
            store::conversation::erase_participant(tx, assembly_id, participant_id, now).await?;
        let facts = json!({ "votes": erased.votes, "statements": erased.statements });
        Ok((erased, Entry::after(facts)))
    })
    .await?;
    tracing::info!(assembly_id, "conversation participant erased");
    Ok(Some(erased))
}

/// What the voting page shows a device.
#[derive(Debug, Clone)]
pub struct VotingPage {
    /// The conversation.
    pub conversation: store::conversation::ConversationRow,
    /// Whether this device has taken part.
    pub participant: bool,
    /// How many statements this device has voted on.
    pub voted: usize,
    /// How many statements are shown.
    pub shown: usize,
    /// The statement to vote on next, if any is left.
    pub statement: Option<store::conversation::StatementRow>,
}

/// The statuses shown under `mode`.
fn shown_statuses(mode: ModerationMode) -> &'static [StatementStatus] {
    match mode {
        ModerationMode::AcceptedOnly => &[StatementStatus::Accepted],
        ModerationMode::UnlessRejected => &[StatementStatus::Accepted, StatementStatus::Pending],
    }
}

/// The voting page of a device: the next statement is drawn by the engine's routing priorities from the latest
/// stored analysis (statements written since get the priority of an unseen statement); before any analysis, the
/// least-voted shown statement (ties: the oldest).
pub async fn voting_page(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    token: Option<&str>,
) -> Result<VotingPage> {
    let conversation = store::conversation::get(conn, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mode = conversation.settings.moderation;
    let participant = match token {
        Some(token) => {
            let hash = token_hash(assembly_id, token);
            store::conversation::participant_by_token(conn, assembly_id, &hash).await?
        }
        None => None,
    };
    let voted = match participant {
        Some(id) => store::conversation::voted_by(conn, assembly_id, id).await?,
        None => Vec::new(),
    };
    let shown: Vec<i64> = store::conversation::all_statements(conn, assembly_id)
        .await?
        .into_iter()
        .filter(|&(_, status, _)| mode.shows(status))
        .map(|(id, _, _)| id)
        .collect();
    let next = match parse_stored(conversation.analysis_json.as_deref()) {
        Some(stored) => {
            let known: std::collections::HashSet<i64> =
                stored.statements.iter().map(|s| s.id).collect();
            let new: Vec<i64> = shown
                .iter()
                .copied()
                .filter(|id| !known.contains(id))
                .collect();
            let mut view = engine_view(&stored, &new);
            view.statements
                .retain(|s| shown.binary_search(&(s.id as i64)).is_ok());
            let voted_ids: Vec<u64> = voted.iter().map(|&id| id as u64).collect();
            let uniform = u64::from_le_bytes(crate::random::bytes::<8>()?) as f64 / 2f64.powi(64);
            view.next_statement(&voted_ids, uniform).map(|id| id as i64)
        }
        None => {
            let candidates = store::conversation::statements(
                conn,
                assembly_id,
                shown_statuses(mode),
                i64::MAX,
                0,
            )
            .await?;
            candidates
                .iter()
                .filter(|s| voted.binary_search(&s.id).is_err())
                .min_by_key(|s| (s.votes, s.id))
                .map(|s| s.id)
        }
    };
    let statement = match next {
        Some(id) => Some(store::conversation::statement(conn, assembly_id, id).await?),
        None => None,
    };
    Ok(VotingPage {
        conversation,
        participant: participant.is_some(),
        voted: voted.len(),
        shown: shown.len(),
        statement,
    })
}
