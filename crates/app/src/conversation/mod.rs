//! The public conversation of an assembly (issue 16, part 1).
//!
//! Organisers set it up ([`configure`]), seed statements in bulk ([`seed`]) and moderate participants' statements
//! in bulk ([`moderate`]); participants take part anonymously from a device ([`participate`]: vote, write a
//! statement, erase themselves), and a background job recomputes the opinion map ([`analysis`]).
//!
//! The audit log names statement ids and statuses, never a participant's id or device, and never a
//! participant's text (it may carry personal details before moderation).

pub mod analysis;
pub mod demographics;
pub mod figures;
pub mod opendata;
pub mod participate;
pub mod verify;

use domain::conversation::{ModerationMode, Prompt, StatementStatus, StatementText};
use domain::error::{Problem, ValidationError};
use serde_json::json;

use crate::audit::{Entry, audited};
use crate::{Actor, Error, Result};

/// The most statements one seeding may add (one per line).
pub const SEED_MAX_LINES: usize = 500;

/// Why a participant's request was refused (worded by `web` in the visitor's language); the caller commits
/// anyway, so that a refused attempt still counts against the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The conversation is closed.
    Closed,
    /// A statement with the same words (case, spaces and punctuation aside) exists.
    Duplicate,
    /// Too many requests from this client address; try again later.
    TooMany,
    /// The statement voted on is not shown in this conversation (rejected, pending or unknown).
    NotShown,
}

/// The organisers' settings of a conversation, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSettings {
    /// The prompt.
    pub prompt: Prompt,
    /// When participants' statements are shown.
    pub moderation: ModerationMode,
    /// Whether participants may vote and write.
    pub is_open: bool,
}

/// Seed statements, one per line: lines starting with `meta:` are meta statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeds(Vec<(StatementText, bool)>);

impl Seeds {
    /// Parses the field `statements`: one statement per non-empty line; an error names the line
    /// (`statements (line 3)`).
    pub fn parse(raw: &str) -> std::result::Result<Seeds, ValidationError> {
        let mut seeds = Vec::new();
        for (index, line) in raw.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (text, is_meta) = match line.strip_prefix("meta:") {
                Some(rest) => (rest, true),
                None => (line, false),
            };
            let field = format!("statements (line {})", index + 1);
            seeds.push((StatementText::parse(&field, text)?, is_meta));
        }
        if seeds.is_empty() {
            return Err(ValidationError::new("statements", Problem::Required));
        }
        if seeds.len() > SEED_MAX_LINES {
            return Err(ValidationError::new(
                "statements",
                Problem::TooMany {
                    max: SEED_MAX_LINES,
                },
            ));
        }
        Ok(Seeds(seeds))
    }

    /// The statements with their meta flag.
    pub fn items(&self) -> &[(StatementText, bool)] {
        &self.0
    }
}

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Seeded {
    /// Statements added.
    pub added: usize,
    /// Lines skipped as duplicates of existing statements (or of an earlier line).
    pub duplicates: usize,
}

/// Creates or changes an assembly's conversation (audited `conversation.configure`).
pub async fn configure(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    settings: &NewSettings,
    now: i64,
) -> Result<()> {
    let entity = format!("assembly:{assembly_id}/conversation");
    audited(tx, actor, "conversation.configure", &entity, now, async |tx| {
        let stored = store::conversation::Settings {
            prompt: settings.prompt.as_str().to_owned(),
            moderation: settings.moderation,
            is_open: settings.is_open,
        };
        let before = store::conversation::configure(tx, assembly_id, &stored, now).await?;
        let facts = |s: &store::conversation::Settings| {
            json!({ "moderation": s.moderation.as_str(), "open": s.is_open })
        };
        let entry = match before {
            Some(before) => Entry::change(facts(&before), facts(&stored)),
            None => Entry::after(facts(&stored)),
        };
        Ok(((), entry))
    })
    .await?;
    tracing::info!(assembly_id, "conversation configured");
    Ok(())
}

/// Adds the organisers' seed statements, accepted at once; duplicates are skipped and counted (audited
/// `conversation.seed` with the new ids). [`Error::NotFound`] if the assembly has no conversation.
pub async fn seed(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    seeds: &Seeds,
    now: i64,
) -> Result<Seeded> {
    store::conversation::get(tx, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let entity = format!("assembly:{assembly_id}/conversation");
    let seeded = audited(tx, actor, "conversation.seed", &entity, now, async |tx| {
        let mut seeded = Seeded::default();
        let mut ids = Vec::new();
        for (text, is_meta) in seeds.items() {
            if store::conversation::has_duplicate(tx, assembly_id, text.normalised()).await? {
                seeded.duplicates += 1;
                continue;
            }
            let new = store::conversation::NewStatement {
                body: text.as_str(),
                normalised: text.normalised(),
                participant_id: None,
                status: StatementStatus::Accepted,
                is_meta: *is_meta,
            };
            ids.push(store::conversation::add_statement(tx, assembly_id, &new, now).await?);
            seeded.added += 1;
        }
        Ok((seeded, Entry::after(json!({ "statements": ids }))))
    })
    .await?;
    tracing::info!(assembly_id, added = seeded.added, "conversation seeded");
    Ok(seeded)
}

/// Accepts or rejects many statements at once, in the caller's one transaction, with one audit entry per
/// statement (`conversation.moderate`: id, status before and after). A statement of another assembly is
/// [`Error::NotFound`] and, the caller dropping the transaction, nothing changes.
pub async fn moderate(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    statement_ids: &[i64],
    decision: StatementStatus,
    now: i64,
) -> Result<usize> {
    if decision == StatementStatus::Pending {
        return Err(ValidationError::new("decision", Problem::Malformed).into());
    }
    if statement_ids.is_empty() {
        return Err(ValidationError::new("statement", Problem::Required).into());
    }
    for &statement_id in statement_ids {
        let entity = format!("assembly:{assembly_id}/conversation/statement:{statement_id}");
        audited(
            tx,
            actor,
            "conversation.moderate",
            &entity,
            now,
            async |tx| {
                let before =
                    store::conversation::set_status(tx, assembly_id, statement_id, decision, now)
                        .await?;
                let entry = Entry::change(
                    json!({ "status": before.as_str() }),
                    json!({ "status": decision.as_str() }),
                );
                Ok(((), entry))
            },
        )
        .await?;
    }
    tracing::info!(
        assembly_id,
        statements = statement_ids.len(),
        "conversation statements moderated"
    );
    Ok(statement_ids.len())
}

/// Asks for a new analysis at once (the organisers' "recompute now"); the caller drains the job after commit.
pub async fn request_analysis(tx: &mut store::Tx, assembly_id: i64, now: i64) -> Result<()> {
    store::conversation::get(tx, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    store::conversation::mark_dirty(tx, assembly_id, now).await?;
    Ok(())
}

/// The organisers' page: the conversation (if set up), the statements waiting for moderation (a page of
/// `limit` from `offset`) and how many wait in all.
pub async fn queue(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Queue> {
    let conversation = store::conversation::get(conn, assembly_id).await?;
    let pending = [StatementStatus::Pending];
    let waiting =
        store::conversation::statements(conn, assembly_id, &pending, limit, offset).await?;
    let n_waiting = store::conversation::count_statements(conn, assembly_id, &pending).await?;
    let shown = [StatementStatus::Accepted];
    let n_accepted = store::conversation::count_statements(conn, assembly_id, &shown).await?;
    let participation = store::conversation::participation(conn, assembly_id).await?;
    Ok(Queue {
        conversation,
        waiting,
        n_waiting,
        n_accepted,
        participation,
    })
}

/// What the organisers' page shows.
#[derive(Debug, Clone)]
pub struct Queue {
    /// The conversation, `None` until it is set up.
    pub conversation: Option<store::conversation::ConversationRow>,
    /// A page of the statements waiting for moderation, oldest first.
    pub waiting: Vec<store::conversation::StatementRow>,
    /// How many wait in all.
    pub n_waiting: i64,
    /// How many are accepted.
    pub n_accepted: i64,
    /// Participation counts.
    pub participation: store::conversation::Participation,
}

/// What the public results page shows.
#[derive(Debug, Clone)]
pub struct Results {
    /// The conversation.
    pub conversation: store::conversation::ConversationRow,
    /// The latest analysis, if one was made, with the page's figures computed with it (`analysis.figures`).
    pub analysis: Option<analysis::StoredAnalysis>,
    /// The text of every statement shown now, by id: the only texts the results may print.
    pub texts: std::collections::HashMap<i64, String>,
}

/// The public results of a conversation, as the background job last computed them (nothing here scans the votes).
/// [`Error::NotFound`] if it has none.
pub async fn results(conn: &mut store::AnyConnection, assembly_id: i64) -> Result<Results> {
    let conversation = store::conversation::get(conn, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let statuses: &[StatementStatus] = match conversation.settings.moderation {
        ModerationMode::AcceptedOnly => &[StatementStatus::Accepted],
        ModerationMode::UnlessRejected => &[StatementStatus::Accepted, StatementStatus::Pending],
    };
    let texts = store::conversation::statement_texts(conn, assembly_id, statuses)
        .await?
        .into_iter()
        .collect();
    Ok(Results {
        analysis: analysis::parse_stored(conversation.analysis_json.as_deref()),
        conversation,
        texts,
    })
}

/// Turns the current results into an evidence item of the assembly, so the members read what the public said
/// (audited as `evidence.create`): its title carries the participation figures and the date, its link the
/// public results page (`results_url`, an absolute address built by the caller).
pub async fn publish_as_evidence(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    results_url: &str,
    now: i64,
) -> Result<i64> {
    let conversation = store::conversation::get(tx, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let participation = store::conversation::participation(tx, assembly_id).await?;
    let stored = analysis::parse_stored(conversation.analysis_json.as_deref());
    let groups = stored.as_ref().map_or(0, |analysis| analysis.groups.len());
    let day = crate::dates::utc_date(now);
    let new = store::evidence::NewEvidence {
        topic: "Public conversation".to_owned(),
        title: format!(
            "Public conversation, {day}: {} participants, {} votes, {} statements",
            participation.voters, participation.votes, participation.statements
        ),
        url: results_url.to_owned(),
        summary: format!(
            "{} The opinion map found {groups} opinion groups. The participants chose to take part: they are not \
             a sample of the population.",
            conversation.settings.prompt
        ),
    };
    let id = crate::assembly::add_evidence(tx, actor, assembly_id, &new, now).await?;
    tracing::info!(
        assembly_id,
        evidence_id = id,
        "conversation published as evidence"
    );
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_one_per_line_with_meta_marked_and_errors_name_the_line() {
        let seeds = Seeds::parse("Cheaper buses\n\nmeta: This conversation is useful\n").unwrap();
        assert_eq!(seeds.items().len(), 2);
        assert_eq!(seeds.items()[0].0.as_str(), "Cheaper buses");
        assert!(!seeds.items()[0].1);
        assert_eq!(seeds.items()[1].0.as_str(), "This conversation is useful");
        assert!(seeds.items()[1].1);
        let long = format!("ok\n{}", "a".repeat(300));
        let error = Seeds::parse(&long).unwrap_err();
        assert_eq!(error.field, "statements (line 2)");
        assert_eq!(Seeds::parse(" \n ").unwrap_err().problem, Problem::Required);
    }
}
