//! The conversation in the Pol.is openData format (`votes.csv`, `comments.csv`, `participants-votes.csv`), written
//! by the `opinion` engine's writers, so a conversation held here can be published like a Pol.is one.
//!
//! Participants appear under pseudonyms: numbers 0, 1, 2, ... in the order of their random ids (voters and authors
//! alike), never a device token or its hash. The organisers' seed statements are credited to one more number, which
//! no participant has. A rejected statement is exported with its moderation (−1) and an empty text, since
//! moderation may have removed it for personal details.
//!
//! [`import`] brings a Pol.is conversation (`votes.csv` and `comments.csv`) into an assembly's conversation, all or
//! nothing: comments become statements (moderated −1 rejected, 0 and 1 accepted, as the analysis of `klero opinion`
//! includes them), voters become participants with no device (their id keeps the export's order, so the map equals
//! `klero opinion`'s on the same files), and the latest vote of each voter on each comment counts.

use std::collections::BTreeMap;

use domain::conversation::{Stance, StatementStatus};
use opinion::Vote;
use opinion::opendata::{Comment, OpenDataError, VoteEvent};
use serde_json::json;

use super::analysis::{Input, conversation_of, parse_stored};
use crate::{Error, Result};

/// The three files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// `votes.csv`.
    pub votes: String,
    /// `comments.csv`.
    pub comments: String,
    /// `participants-votes.csv`.
    pub participants_votes: String,
}

/// Writes the three openData files of a conversation.
pub async fn export(conn: &mut store::AnyConnection, assembly_id: i64) -> Result<Export> {
    let conversation = store::conversation::get(conn, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let statements = store::conversation_bulk::statements_for_export(conn, assembly_id).await?;
    let votes = store::conversation::all_votes(conn, assembly_id).await?;
    // Pseudonyms: participants in the order of their random ids (voters and authors alike).
    let mut pseudonyms: BTreeMap<i64, u64> = BTreeMap::new();
    for id in votes
        .iter()
        .map(|vote| vote.participant_id)
        .chain(statements.iter().filter_map(|s| s.2))
    {
        pseudonyms.entry(id).or_insert(0);
    }
    for (number, pseudonym) in pseudonyms.values_mut().enumerate() {
        *pseudonym = number as u64;
    }
    let organisers = pseudonyms.len() as u64;
    let stance = |stance: Stance| match stance {
        Stance::Agree => Vote::Agree,
        Stance::Disagree => Vote::Disagree,
        Stance::Pass => Vote::Pass,
    };
    let datetime = |seconds: i64| crate::dates::utc_date(seconds);
    let mut events: Vec<VoteEvent> = votes
        .iter()
        .map(|vote| VoteEvent {
            timestamp: vote.voted_at * 1000,
            datetime: datetime(vote.voted_at),
            statement: vote.statement_id as u64,
            participant: pseudonyms[&vote.participant_id],
            vote: stance(vote.stance),
        })
        .collect();
    events.sort_by_key(|event| (event.timestamp, event.participant, event.statement));
    let mut counts: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for vote in &votes {
        let entry = counts.entry(vote.statement_id).or_default();
        match vote.stance {
            Stance::Agree => entry.0 += 1,
            Stance::Disagree => entry.1 += 1,
            Stance::Pass => {}
        }
    }
    let comments: Vec<Comment> = statements
        .iter()
        .map(|(id, body, author, status, created_at)| {
            let (agrees, disagrees) = counts.get(id).copied().unwrap_or_default();
            Comment {
                timestamp: created_at * 1000,
                datetime: datetime(*created_at),
                id: *id as u64,
                author: author.map_or(organisers, |author| pseudonyms[&author]),
                agrees,
                disagrees,
                moderated: match status {
                    StatementStatus::Accepted => 1,
                    StatementStatus::Pending => 0,
                    StatementStatus::Rejected => -1,
                },
                body: if *status == StatementStatus::Rejected {
                    String::new()
                } else {
                    body.clone()
                },
            }
        })
        .collect();
    let input = Input {
        assembly_id,
        moderation: conversation.settings.moderation,
        statements: statements
            .iter()
            .map(|(id, _, _, status, _)| (*id, *status, false))
            .collect(),
        votes: votes
            .iter()
            .map(|vote| {
                (
                    pseudonyms[&vote.participant_id] as i64,
                    vote.statement_id,
                    vote.stance,
                )
            })
            .collect(),
        previous: None,
        verified_only: false,
        figures: None,
    };
    let engine = conversation_of(&input);
    let groups: BTreeMap<u64, usize> = parse_stored(conversation.analysis_json.as_deref())
        .map(|analysis| {
            analysis
                .members
                .iter()
                .filter_map(|(id, group)| pseudonyms.get(id).map(|p| (*p, *group)))
                .collect()
        })
        .unwrap_or_default();
    Ok(Export {
        votes: opinion::opendata::write_votes(&events),
        comments: opinion::opendata::write_comments(&comments),
        participants_votes: opinion::opendata::write_participants_votes(
            &engine,
            &comments,
            &|participant| groups.get(&participant).copied(),
        ),
    })
}

/// What an import added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Imported {
    /// Statements.
    pub statements: usize,
    /// Participants.
    pub participants: usize,
    /// Votes (the latest per participant and statement).
    pub votes: usize,
}

/// Why an import was refused: which file, and the fault with its line and column (never the file's text).
#[derive(Debug)]
pub enum ImportRefusal {
    /// `votes.csv` is malformed.
    Votes(OpenDataError),
    /// `comments.csv` is malformed.
    Comments(OpenDataError),
    /// A vote names a comment that `comments.csv` does not have (its line in `votes.csv`).
    UnknownComment(usize),
}

/// The id of an imported voter: the assembly in the high half, the export's voter id plus one in the low half, so
/// ids keep the export's order (the engine clusters in id order) and never meet another conversation's.
pub fn imported_participant_id(assembly_id: i64, voter: u64) -> Option<i64> {
    let low = i64::try_from(voter).ok()?.checked_add(1)?;
    (low < (1 << 32) && (0..(1 << 31)).contains(&assembly_id)).then_some((assembly_id << 32) | low)
}

/// Imports a Pol.is conversation into assembly `assembly_id`'s conversation (audited `conversation.import` with the
/// counts). [`Error::NotFound`] if the assembly has no conversation yet.
pub async fn import(
    tx: &mut store::Tx,
    actor: &crate::Actor,
    assembly_id: i64,
    votes_csv: &str,
    comments_csv: &str,
    now: i64,
) -> Result<std::result::Result<Imported, ImportRefusal>> {
    store::conversation::get(tx, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let comments = match opinion::opendata::parse_comments(comments_csv) {
        Ok(comments) => comments,
        Err(error) => return Ok(Err(ImportRefusal::Comments(error))),
    };
    let events = match opinion::opendata::parse_votes(votes_csv) {
        Ok(events) => events,
        Err(error) => return Ok(Err(ImportRefusal::Votes(error))),
    };
    let known: std::collections::HashSet<u64> = comments.iter().map(|c| c.id).collect();
    if let Some(line) = events.iter().position(|e| !known.contains(&e.statement)) {
        return Ok(Err(ImportRefusal::UnknownComment(line + 2)));
    }
    let entity = format!("assembly:{assembly_id}/conversation");
    let imported =
        crate::audit::audited(tx, actor, "conversation.import", &entity, now, async |tx| {
            let mut sorted: Vec<&Comment> = comments.iter().collect();
            sorted.sort_by_key(|c| c.id);
            let mut statement_of: BTreeMap<u64, i64> = BTreeMap::new();
            for comment in sorted {
                let mut normalised = domain::conversation::normalise(&comment.body);
                if normalised.is_empty()
                    || store::conversation::has_duplicate(tx, assembly_id, &normalised).await?
                {
                    // Pol.is keeps repeated comments; each stays a statement of its own here.
                    normalised = format!("{normalised} #pol.is-{}", comment.id);
                }
                let new = store::conversation::NewStatement {
                    body: &comment.body,
                    normalised: &normalised,
                    participant_id: None,
                    status: if comment.moderated < 0 {
                        StatementStatus::Rejected
                    } else {
                        StatementStatus::Accepted
                    },
                    is_meta: false,
                };
                let id = store::conversation::add_statement(tx, assembly_id, &new, now).await?;
                statement_of.insert(comment.id, id);
            }
            // The latest vote of each voter on each comment: timestamp order, file order on a tie.
            let mut order: Vec<usize> = (0..events.len()).collect();
            order.sort_by_key(|&index| events[index].timestamp);
            let mut latest: BTreeMap<(i64, i64), store::conversation::VoteRow> = BTreeMap::new();
            let mut participants: BTreeMap<i64, String> = BTreeMap::new();
            for index in order {
                let event = &events[index];
                let participant_id = imported_participant_id(assembly_id, event.participant)
                    .ok_or_else(|| Error::conflict("a voter id of votes.csv is too large"))?;
                participants.entry(participant_id).or_insert_with(|| {
                    store::sha256_hex(
                        format!("import:{assembly_id}:{}", event.participant).as_bytes(),
                    )
                });
                let statement_id = statement_of[&event.statement];
                latest.insert(
                    (participant_id, statement_id),
                    store::conversation::VoteRow {
                        participant_id,
                        statement_id,
                        stance: match event.vote {
                            Vote::Agree => Stance::Agree,
                            Vote::Disagree => Stance::Disagree,
                            Vote::Pass => Stance::Pass,
                        },
                        voted_at: event.timestamp.div_euclid(1000),
                    },
                );
            }
            let participants: Vec<(i64, String)> = participants.into_iter().collect();
            store::conversation_bulk::import_participants(tx, assembly_id, &participants, now)
                .await?;
            let votes: Vec<store::conversation::VoteRow> = latest.into_values().collect();
            store::conversation_bulk::import_votes(tx, assembly_id, &votes, now).await?;
            let imported = Imported {
                statements: statement_of.len(),
                participants: participants.len(),
                votes: votes.len(),
            };
            let facts = json!({
                "statements": imported.statements,
                "participants": imported.participants,
                "votes": imported.votes,
            });
            Ok((imported, crate::audit::Entry::after(facts)))
        })
        .await?;
    tracing::info!(
        assembly_id,
        votes = imported.votes,
        "Pol.is conversation imported"
    );
    Ok(Ok(imported))
}
