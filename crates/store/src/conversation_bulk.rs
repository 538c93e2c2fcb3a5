//! The bulk reads and writes of a conversation's openData export and import (issue 16): every statement with its
//! author, and participants and votes added many rows per statement; and the analysis job's reads of every vote
//! and participant. Split from `conversation` for length; the same rules hold (every call names the assembly).

use domain::conversation::{Stance, StatementStatus};
use sqlx::Row;

use crate::conversation::{VoteRow, mark_dirty, status_of};
use crate::{AnyConnection, StoreError};

/// A statement for the openData export: id, text, author (`None`: seeded), status, creation time.
pub type ExportedStatement = (i64, String, Option<i64>, StatementStatus, i64);

/// Every statement of a conversation with its author, by id (for the openData export only, where authors appear
/// under the same pseudonymous ids as voters, as in Pol.is).
pub async fn statements_for_export(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<ExportedStatement>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, body, participant_id, status, created_at FROM conversation_statements WHERE assembly_id = $1
         ORDER BY id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("id")?,
                row.try_get("body")?,
                row.try_get("participant_id")?,
                status_of(row.try_get("status")?)?,
                row.try_get("created_at")?,
            ))
        })
        .collect()
}

/// Rows per multi-row `INSERT` of an import (five values a row stays far under both backends' parameter limits).
const IMPORT_CHUNK: usize = 500;

/// Adds imported participants (random-free ids chosen by the caller, with the hash standing for their absent
/// device), many rows per statement.
pub async fn import_participants(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participants: &[(i64, String)],
    now: i64,
) -> Result<(), StoreError> {
    for chunk in participants.chunks(IMPORT_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, $1, ${}, 0, $2)", 3 + 2 * i, 4 + 2 * i))
            .collect();
        let sql = format!(
            "INSERT INTO conversation_participants (id, assembly_id, token_hash, verified, created_at) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(assembly_id)
            .bind(now);
        for (id, hash) in chunk {
            query = query.bind(*id).bind(hash.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds imported votes (at most one per participant and statement in `votes`; an existing one is replaced), many
/// rows per statement.
pub async fn import_votes(
    conn: &mut AnyConnection,
    assembly_id: i64,
    votes: &[VoteRow],
    now: i64,
) -> Result<(), StoreError> {
    for chunk in votes.chunks(IMPORT_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let base = 2 + 4 * i;
                format!(
                    "(${}, ${}, $1, ${}, ${})",
                    base,
                    base + 1,
                    base + 2,
                    base + 3
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO conversation_votes (participant_id, statement_id, assembly_id, vote, voted_at) VALUES {}
             ON CONFLICT (participant_id, statement_id) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
            values.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(assembly_id);
        for vote in chunk {
            query = query
                .bind(vote.participant_id)
                .bind(vote.statement_id)
                .bind(vote.stance.value())
                .bind(vote.voted_at);
        }
        query.execute(&mut *conn).await?;
    }
    mark_dirty(conn, assembly_id, now).await
}

/// Every vote of a conversation, in no particular order: what the analysis and its figures read (the engine's
/// result does not depend on the order), without a sort, so a conversation of a million votes is read in one pass.
pub async fn votes_for_analysis(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<VoteRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT participant_id, statement_id, vote, voted_at FROM conversation_votes WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let value: i64 = row.try_get(2)?;
            Ok(VoteRow {
                participant_id: row.try_get(0)?,
                statement_id: row.try_get(1)?,
                stance: Stance::from_value(value)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown vote {value}")))?,
                voted_at: row.try_get(3)?,
            })
        })
        .collect()
}

/// Every participant of a conversation as (id, verified, joined at), in no particular order (for the analysis's
/// verified-only filter and its figures).
pub async fn participants_for_analysis(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(i64, bool, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, verified, created_at FROM conversation_participants WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                row.try_get::<i64, _>(1)? != 0,
                row.try_get(2)?,
            ))
        })
        .collect()
}
