//! The public conversation of an assembly (issue 16): its settings, anonymous participants (known by the hash of
//! their device token, never the token), statements, votes (one row per participant and statement: the latest
//! counts), optional demographic answers kept apart from the votes, and the stored analysis with the claim of its
//! background job.
//!
//! Every call names the assembly and refuses another assembly's rows with [`StoreError::NotFound`].
//! The recomputation job is a column pair on the conversation's row: a change sets `dirty_at`; [`claim_analysis`]
//! is a conditional update that sets `running_since` and clears `dirty_at` only if no other worker holds the row,
//! so one conversation is never analysed twice at once, even by two servers on one PostgreSQL database.

use domain::conversation::{ModerationMode, Stance, StatementStatus};
use sqlx::Row;

use crate::{AnyConnection, StoreError};

/// A claim older than this is taken to belong to a worker that died (a server killed mid-analysis).
pub const STALE_CLAIM_SECONDS: i64 = 600;

/// A conversation's settings, as the organisers set them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The question participants answer with statements.
    pub prompt: String,
    /// When participants' statements are shown.
    pub moderation: ModerationMode,
    /// Whether participants may vote and write.
    pub is_open: bool,
}

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRow {
    /// The assembly.
    pub assembly_id: i64,
    /// Its settings.
    pub settings: Settings,
    /// The latest analysis (JSON written by `app`), if one was made.
    pub analysis_json: Option<String>,
    /// When it was made.
    pub analysed_at: Option<i64>,
    /// How many analyses were stored so far.
    pub analysis_runs: i64,
    /// Since when a change waits for the next analysis.
    pub dirty_at: Option<i64>,
    /// Whether the analysis uses only verified participants' votes (the organisers' choice).
    pub verified_only: bool,
}

/// A statement to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatement<'a> {
    /// The text as shown.
    pub body: &'a str,
    /// Its normal form (`domain::conversation::normalise`).
    pub normalised: &'a str,
    /// The participant who wrote it; `None` for the organisers' seed statements.
    pub participant_id: Option<i64>,
    /// Its moderation status.
    pub status: StatementStatus,
    /// Whether it is a meta statement (about the conversation itself; kept out of the analysis).
    pub is_meta: bool,
}

/// A statement as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    /// The id.
    pub id: i64,
    /// The text.
    pub body: String,
    /// Whether a participant wrote it (organisers' seeds: `false`); which one is never read out of the store
    /// except by [`participant_statements`].
    pub from_participant: bool,
    /// Its moderation status.
    pub status: StatementStatus,
    /// Whether it is a meta statement.
    pub is_meta: bool,
    /// When it was written.
    pub created_at: i64,
    /// How many votes it has (agree, disagree and pass).
    pub votes: i64,
}

/// A stored vote, for the analysis and the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteRow {
    /// The participant's random id.
    pub participant_id: i64,
    /// The statement.
    pub statement_id: i64,
    /// The vote.
    pub stance: Stance,
    /// When it was cast (the latest time, for a vote that was changed).
    pub voted_at: i64,
}

/// What erasing a participant removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erased {
    /// Their votes.
    pub votes: u64,
    /// Their statements (with everyone's votes on them).
    pub statements: u64,
}

/// Participation counts of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Participation {
    /// Participants who joined.
    pub participants: i64,
    /// Participants with at least one vote.
    pub voters: i64,
    /// Votes (the latest per participant and statement).
    pub votes: i64,
    /// Statements shown or waiting (not rejected).
    pub statements: i64,
}

const CONVERSATION_COLUMNS: &str =
    "assembly_id, prompt, moderation, is_open, analysis_json, analysed_at, analysis_runs, dirty_at,
    verified_only";

fn conversation_of(row: &sqlx::any::AnyRow) -> Result<ConversationRow, StoreError> {
    let moderation: String = row.try_get("moderation")?;
    let moderation = ModerationMode::parse(&moderation)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown moderation mode {moderation:?}")))?;
    Ok(ConversationRow {
        assembly_id: row.try_get("assembly_id")?,
        settings: Settings {
            prompt: row.try_get("prompt")?,
            moderation,
            is_open: row.try_get::<i64, _>("is_open")? != 0,
        },
        analysis_json: row.try_get("analysis_json")?,
        analysed_at: row.try_get("analysed_at")?,
        analysis_runs: row.try_get("analysis_runs")?,
        dirty_at: row.try_get("dirty_at")?,
        verified_only: row.try_get::<i64, _>("verified_only")? != 0,
    })
}

pub(crate) fn status_of(raw: String) -> Result<StatementStatus, StoreError> {
    StatementStatus::parse(&raw)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown statement status {raw:?}")))
}

/// The conversation of an assembly, or `None` if its organisers have not set one up.
pub async fn get(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<ConversationRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE assembly_id = $1"
    )))
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(conversation_of).transpose()
}

/// The settings of an assembly's conversation without its stored analysis (the vote path reads this, never the
/// analysis, which grows with the participants).
pub async fn settings(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<Settings>, StoreError> {
    let row =
        sqlx::query("SELECT prompt, moderation, is_open FROM conversations WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_optional(conn)
            .await?;
    row.map(|row| {
        let moderation: String = row.try_get("moderation")?;
        let moderation = ModerationMode::parse(&moderation).ok_or_else(|| {
            StoreError::Corrupt(format!("unknown moderation mode {moderation:?}"))
        })?;
        Ok(Settings {
            prompt: row.try_get("prompt")?,
            moderation,
            is_open: row.try_get::<i64, _>("is_open")? != 0,
        })
    })
    .transpose()
}

/// Creates or changes an assembly's conversation; returns the settings before (`None` for a creation).
/// An assembly that does not exist is [`StoreError::NotFound`].
pub async fn configure(
    conn: &mut AnyConnection,
    assembly_id: i64,
    settings: &Settings,
    now: i64,
) -> Result<Option<Settings>, StoreError> {
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assemblies WHERE id = $1")
        .bind(assembly_id)
        .fetch_one(&mut *conn)
        .await?;
    if exists == 0 {
        return Err(StoreError::NotFound);
    }
    let before = get(&mut *conn, assembly_id).await?.map(|row| row.settings);
    sqlx::query(
        "INSERT INTO conversations (assembly_id, prompt, moderation, is_open, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (assembly_id) DO UPDATE SET prompt = excluded.prompt, moderation = excluded.moderation,
         is_open = excluded.is_open",
    )
    .bind(assembly_id)
    .bind(&settings.prompt)
    .bind(settings.moderation.as_str())
    .bind(i64::from(settings.is_open))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // The moderation mode decides which statements are in the analysis.
    mark_dirty(conn, assembly_id, now).await?;
    Ok(before)
}

/// The participant whose device token hashes to `token_hash` in this assembly's conversation.
pub async fn participant_by_token(
    conn: &mut AnyConnection,
    assembly_id: i64,
    token_hash: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM conversation_participants WHERE assembly_id = $1 AND token_hash = $2",
    )
    .bind(assembly_id)
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Adds a participant with a random `participant_id` and the hash of their device token.
pub async fn add_participant(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO conversation_participants (id, assembly_id, token_hash, verified, created_at)
         VALUES ($1, $2, $3, 0, $4)",
    )
    .bind(participant_id)
    .bind(assembly_id)
    .bind(token_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a statement; a duplicate (same normal form in this conversation) is
/// [`StoreError::Conflict`] on `conversation_statements_unique` (PostgreSQL) or the columns (SQLite).
pub async fn add_statement(
    conn: &mut AnyConnection,
    assembly_id: i64,
    new: &NewStatement<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar(
        "INSERT INTO conversation_statements (assembly_id, body, normalised, participant_id, status, is_meta, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(assembly_id)
    .bind(new.body)
    .bind(new.normalised)
    .bind(new.participant_id)
    .bind(new.status.as_str())
    .bind(i64::from(new.is_meta))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    mark_dirty(conn, assembly_id, now).await?;
    Ok(id)
}

/// Whether a statement with this normal form exists in the conversation.
pub async fn has_duplicate(
    conn: &mut AnyConnection,
    assembly_id: i64,
    normalised: &str,
) -> Result<bool, StoreError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversation_statements WHERE assembly_id = $1 AND normalised = $2",
    )
    .bind(assembly_id)
    .bind(normalised)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

fn statement_of(row: &sqlx::any::AnyRow) -> Result<StatementRow, StoreError> {
    Ok(StatementRow {
        id: row.try_get("id")?,
        body: row.try_get("body")?,
        from_participant: row.try_get::<i64, _>("from_participant")? != 0,
        status: status_of(row.try_get("status")?)?,
        is_meta: row.try_get::<i64, _>("is_meta")? != 0,
        created_at: row.try_get("created_at")?,
        votes: row.try_get("votes")?,
    })
}

const STATEMENT_SELECT: &str = "SELECT s.id, s.body, CAST(CASE WHEN s.participant_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS from_participant,
    s.status, s.is_meta, s.created_at,
    (SELECT COUNT(*) FROM conversation_votes v WHERE v.assembly_id = s.assembly_id AND v.statement_id = s.id) AS votes
    FROM conversation_statements s";

/// The statements of a conversation with one of `statuses`, oldest first, a page of `limit` from `offset`.
pub async fn statements(
    conn: &mut AnyConnection,
    assembly_id: i64,
    statuses: &[StatementStatus],
    limit: i64,
    offset: i64,
) -> Result<Vec<StatementRow>, StoreError> {
    let wanted: Vec<String> = statuses
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{STATEMENT_SELECT} WHERE s.assembly_id = $1 AND s.status IN ({}) ORDER BY s.id LIMIT $2 OFFSET $3",
        wanted.join(", ")
    )))
    .bind(assembly_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    rows.iter().map(statement_of).collect()
}

/// The id and text of every statement of a conversation with one of `statuses`, by id, without the vote counts of
/// [`statements`] (what the results page prints, read without touching the votes).
pub async fn statement_texts(
    conn: &mut AnyConnection,
    assembly_id: i64,
    statuses: &[StatementStatus],
) -> Result<Vec<(i64, String)>, StoreError> {
    let wanted: Vec<String> = statuses
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, body FROM conversation_statements WHERE assembly_id = $1 AND status IN ({}) ORDER BY id",
        wanted.join(", ")
    )))
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("body")?)))
        .collect()
}

/// How many statements of a conversation have one of `statuses`.
pub async fn count_statements(
    conn: &mut AnyConnection,
    assembly_id: i64,
    statuses: &[StatementStatus],
) -> Result<i64, StoreError> {
    let wanted: Vec<String> = statuses
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM conversation_statements WHERE assembly_id = $1 AND status IN ({})",
        wanted.join(", ")
    )))
    .bind(assembly_id)
    .fetch_one(conn)
    .await?)
}

/// One statement of this assembly's conversation.
pub async fn statement(
    conn: &mut AnyConnection,
    assembly_id: i64,
    statement_id: i64,
) -> Result<StatementRow, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{STATEMENT_SELECT} WHERE s.assembly_id = $1 AND s.id = $2"
    )))
    .bind(assembly_id)
    .bind(statement_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    statement_of(&row)
}

/// The status of one statement of this assembly's conversation, `None` if it has no such statement (one indexed
/// read, without the vote count of [`statement`]).
pub async fn statement_status(
    conn: &mut AnyConnection,
    assembly_id: i64,
    statement_id: i64,
) -> Result<Option<StatementStatus>, StoreError> {
    let status: Option<String> = sqlx::query_scalar(
        "SELECT status FROM conversation_statements WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(statement_id)
    .fetch_optional(conn)
    .await?;
    status.map(status_of).transpose()
}

/// Sets a statement's status; returns the status before. Another assembly's statement is [`StoreError::NotFound`].
pub async fn set_status(
    conn: &mut AnyConnection,
    assembly_id: i64,
    statement_id: i64,
    status: StatementStatus,
    now: i64,
) -> Result<StatementStatus, StoreError> {
    let before: String = sqlx::query_scalar(
        "SELECT status FROM conversation_statements WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(statement_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    sqlx::query(
        "UPDATE conversation_statements SET status = $1 WHERE assembly_id = $2 AND id = $3",
    )
    .bind(status.as_str())
    .bind(assembly_id)
    .bind(statement_id)
    .execute(&mut *conn)
    .await?;
    mark_dirty(conn, assembly_id, now).await?;
    status_of(before)
}

/// Records a participant's vote: one row per participant and statement, inserted or replaced in one statement
/// (an upsert), so two simultaneous votes from one device leave one row, the later one.
pub async fn cast_vote(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    statement_id: i64,
    stance: Stance,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO conversation_votes (participant_id, statement_id, assembly_id, vote, voted_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (participant_id, statement_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
    )
    .bind(participant_id)
    .bind(statement_id)
    .bind(assembly_id)
    .bind(stance.value())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    mark_dirty(conn, assembly_id, now).await
}

/// The statements a participant has voted on.
pub async fn voted_by(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT statement_id FROM conversation_votes WHERE assembly_id = $1 AND participant_id = $2 ORDER BY statement_id",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .fetch_all(conn)
    .await?)
}

/// Every vote of a conversation, by participant then statement (for the analysis and the exports).
pub async fn all_votes(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<VoteRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT participant_id, statement_id, vote, voted_at FROM conversation_votes WHERE assembly_id = $1
         ORDER BY participant_id, statement_id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let value: i64 = row.try_get("vote")?;
            Ok(VoteRow {
                participant_id: row.try_get("participant_id")?,
                statement_id: row.try_get("statement_id")?,
                stance: Stance::from_value(value)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown vote {value}")))?,
                voted_at: row.try_get("voted_at")?,
            })
        })
        .collect()
}

/// Every statement of a conversation with its status and meta flag, by id (for the analysis).
pub async fn all_statements(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(i64, StatementStatus, bool)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, status, is_meta FROM conversation_statements WHERE assembly_id = $1 ORDER BY id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("id")?,
                status_of(row.try_get("status")?)?,
                row.try_get::<i64, _>("is_meta")? != 0,
            ))
        })
        .collect()
}

/// Participation counts.
pub async fn participation(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Participation, StoreError> {
    let row = sqlx::query(
        "SELECT
           (SELECT COUNT(*) FROM conversation_participants WHERE assembly_id = $1) AS participants,
           (SELECT COUNT(DISTINCT participant_id) FROM conversation_votes WHERE assembly_id = $1) AS voters,
           (SELECT COUNT(*) FROM conversation_votes WHERE assembly_id = $1) AS votes,
           (SELECT COUNT(*) FROM conversation_statements WHERE assembly_id = $1 AND status <> 'rejected') AS statements",
    )
    .bind(assembly_id)
    .fetch_one(conn)
    .await?;
    Ok(Participation {
        participants: row.try_get("participants")?,
        voters: row.try_get("voters")?,
        votes: row.try_get("votes")?,
        statements: row.try_get("statements")?,
    })
}

/// Participants who joined and votes cast (latest times), per day (`day` is days since 1970-01-01), by day.
pub async fn participation_by_day(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let joined = sqlx::query(
        "SELECT created_at / 86400 AS day, COUNT(*) AS n FROM conversation_participants WHERE assembly_id = $1
         GROUP BY created_at / 86400",
    )
    .bind(assembly_id)
    .fetch_all(&mut *conn)
    .await?;
    let voted = sqlx::query(
        "SELECT voted_at / 86400 AS day, COUNT(*) AS n FROM conversation_votes WHERE assembly_id = $1
         GROUP BY voted_at / 86400",
    )
    .bind(assembly_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut days: std::collections::BTreeMap<i64, (i64, i64)> = Default::default();
    for row in &joined {
        days.entry(row.try_get("day")?).or_default().0 = row.try_get("n")?;
    }
    for row in &voted {
        days.entry(row.try_get("day")?).or_default().1 = row.try_get("n")?;
    }
    Ok(days
        .into_iter()
        .map(|(day, (joined, votes))| (day, joined, votes))
        .collect())
}

/// Stores (or replaces) a participant's answer to one demographic question, apart from their votes.
pub async fn set_answer(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    feature: &str,
    value: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO conversation_answers (participant_id, assembly_id, feature, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (participant_id, feature) DO UPDATE SET value = excluded.value",
    )
    .bind(participant_id)
    .bind(assembly_id)
    .bind(feature)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every demographic answer of a conversation: (participant, feature, value).
pub async fn all_answers(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT participant_id, feature, value FROM conversation_answers WHERE assembly_id = $1
         ORDER BY participant_id, feature",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("participant_id")?,
                row.try_get("feature")?,
                row.try_get("value")?,
            ))
        })
        .collect()
}

/// The ids of the statements a participant wrote.
pub async fn participant_statements(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM conversation_statements WHERE assembly_id = $1 AND participant_id = $2 ORDER BY id",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .fetch_all(conn)
    .await?)
}

/// Erases a participant: their votes, their statements (with everyone's votes on them), their answers and the
/// participant row itself (so the device token no longer leads anywhere).
pub async fn erase_participant(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    now: i64,
) -> Result<Erased, StoreError> {
    let votes = sqlx::query(
        "DELETE FROM conversation_votes WHERE assembly_id = $1 AND participant_id = $2",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query(
        "DELETE FROM conversation_votes WHERE statement_id IN
         (SELECT id FROM conversation_statements WHERE assembly_id = $1 AND participant_id = $2)",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .execute(&mut *conn)
    .await?;
    let statements = sqlx::query(
        "DELETE FROM conversation_statements WHERE assembly_id = $1 AND participant_id = $2",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM conversation_answers WHERE assembly_id = $1 AND participant_id = $2")
        .bind(assembly_id)
        .bind(participant_id)
        .execute(&mut *conn)
        .await?;
    crate::conversation_verify::forget_participant(&mut *conn, assembly_id, participant_id).await?;
    let removed =
        sqlx::query("DELETE FROM conversation_participants WHERE assembly_id = $1 AND id = $2")
            .bind(assembly_id)
            .bind(participant_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    mark_dirty(conn, assembly_id, now).await?;
    Ok(Erased { votes, statements })
}

/// Notes that the stored analysis no longer reflects the conversation (a no-op if it is already noted, so a
/// stream of votes writes the row once per analysis).
pub async fn mark_dirty(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE conversations SET dirty_at = $1 WHERE assembly_id = $2 AND dirty_at IS NULL",
    )
    .bind(now)
    .bind(assembly_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The conversations waiting for an analysis whose last one is at least `min_interval` seconds old (the debounce)
/// and that no live worker holds.
pub async fn due_analyses(
    conn: &mut AnyConnection,
    now: i64,
    min_interval: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT assembly_id FROM conversations WHERE dirty_at IS NOT NULL
         AND (analysed_at IS NULL OR analysed_at <= $1)
         AND (running_since IS NULL OR running_since < $2) ORDER BY dirty_at",
    )
    .bind(now - min_interval)
    .bind(now - STALE_CLAIM_SECONDS)
    .fetch_all(conn)
    .await?)
}

/// Claims the conversation's analysis for this worker: `true` if it was waiting and nobody else holds it (or the
/// holder's claim is stale). The claim clears `dirty_at`, so a vote during the analysis makes it due again.
pub async fn claim_analysis(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query(
        "UPDATE conversations SET running_since = $1, dirty_at = NULL
         WHERE assembly_id = $2 AND dirty_at IS NOT NULL AND (running_since IS NULL OR running_since < $3)",
    )
    .bind(now)
    .bind(assembly_id)
    .bind(now - STALE_CLAIM_SECONDS)
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Stores a claimed analysis and releases the claim.
pub async fn store_analysis(
    conn: &mut AnyConnection,
    assembly_id: i64,
    analysis_json: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE conversations SET analysis_json = $1, analysed_at = $2, running_since = NULL,
         analysis_runs = analysis_runs + 1 WHERE assembly_id = $3",
    )
    .bind(analysis_json)
    .bind(now)
    .bind(assembly_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Releases a claim without storing anything (the analysis failed); the conversation is due again.
pub async fn release_analysis(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE conversations SET running_since = NULL, dirty_at = COALESCE(dirty_at, $1) WHERE assembly_id = $2",
    )
    .bind(now)
    .bind(assembly_id)
    .execute(conn)
    .await?;
    Ok(())
}
