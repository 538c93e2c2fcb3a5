//! The conversation in the Pol.is openData format (`votes.csv`, `comments.csv`, `participants-votes.csv`), written
//! by the `opinion` engine's writers, so a conversation held here can be published like a Pol.is one.
//!
//! Participants appear under pseudonyms: numbers 0, 1, 2, ... in the order of their random ids (voters and authors
//! alike), never a device token or its hash. The organisers' seed statements are credited to one more number, which
//! no participant has. A rejected statement is exported with its moderation (−1) and an empty text, since
//! moderation may have removed it for personal details.

use std::collections::BTreeMap;

use domain::conversation::{Stance, StatementStatus};
use opinion::Vote;
use opinion::opendata::{Comment, VoteEvent};

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
    let statements = store::conversation::statements_for_export(conn, assembly_id).await?;
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
