//! Public comments on the design of an assembly's process, held for moderation.

use domain::assembly::{CommentBody, CommentStatus};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A comment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    /// The id.
    pub id: i64,
    /// The assembly it is about.
    pub assembly_id: i64,
    /// The text.
    pub body: String,
    /// Where it stands in moderation.
    pub status: CommentStatus,
    /// When it was posted (unix seconds).
    pub created_at: i64,
}

/// Stores a new pending comment on assembly `assembly_id` ([`StoreError::NotFound`] if there is no such assembly).
pub async fn add_comment(
    conn: &mut AnyConnection,
    assembly_id: i64,
    body: &CommentBody,
    now: i64,
) -> Result<i64, StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO design_comments (assembly_id, body, status, created_at) VALUES ($1, $2, 'pending', $3) RETURNING id",
    )
    .bind(assembly_id)
    .bind(body.as_str())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

fn comment_from_row(row: &sqlx::any::AnyRow) -> Result<CommentRow, StoreError> {
    Ok(CommentRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        body: row.try_get("body")?,
        status: stored_status(&row.try_get::<String, _>("status")?)?,
        created_at: row.try_get("created_at")?,
    })
}

/// A stored status read back; an unknown one is a [`StoreError::Corrupt`], never a default.
fn stored_status(raw: &str) -> Result<CommentStatus, StoreError> {
    CommentStatus::parse("status", raw)
        .map_err(|_| StoreError::Corrupt(format!("unknown comment status {raw:?}")))
}

/// The comments of an assembly with the given status, oldest first.
pub async fn comments_with_status(
    conn: &mut AnyConnection,
    assembly_id: i64,
    status: CommentStatus,
) -> Result<Vec<CommentRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, assembly_id, body, status, created_at FROM design_comments
         WHERE assembly_id = $1 AND status = $2 ORDER BY id",
    )
    .bind(assembly_id)
    .bind(status.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter().map(comment_from_row).collect()
}

/// Approves or rejects a pending comment of `assembly_id`; returns the comment as it was before.
/// A comment of another assembly is [`StoreError::NotFound`]; an already moderated one is a [`StoreError::Conflict`].
pub async fn moderate(
    conn: &mut AnyConnection,
    assembly_id: i64,
    comment_id: i64,
    decision: CommentStatus,
    moderator_id: i64,
    now: i64,
) -> Result<CommentRow, StoreError> {
    let row = sqlx::query(
        "SELECT id, assembly_id, body, status, created_at FROM design_comments WHERE id = $1 AND assembly_id = $2",
    )
    .bind(comment_id)
    .bind(assembly_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let before = comment_from_row(&row)?;
    let next = before
        .status
        .moderate(decision)
        .map_err(|_| StoreError::Conflict {
            constraint: "design_comments.status".to_owned(),
        })?;
    let updated = sqlx::query(
        "UPDATE design_comments SET status = $1, moderated_at = $2, moderated_by = $3 WHERE id = $4 AND status = 'pending'",
    )
    .bind(next.as_str())
    .bind(now)
    .bind(moderator_id)
    .bind(comment_id)
    .execute(conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            constraint: "design_comments.status".to_owned(),
        });
    }
    Ok(before)
}

/// One page of an assembly's comments with the given status, oldest first: at most `limit` from the `offset`-th,
/// and how many there are in all (issue 18, item 5).
pub async fn comments_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    status: CommentStatus,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CommentRow>, i64), StoreError> {
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM design_comments WHERE assembly_id = $1 AND status = $2",
    )
    .bind(assembly_id)
    .bind(status.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "SELECT id, assembly_id, body, status, created_at FROM design_comments
         WHERE assembly_id = $1 AND status = $2 ORDER BY id LIMIT $3 OFFSET $4",
    )
    .bind(assembly_id)
    .bind(status.as_str())
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((
        rows.iter()
            .map(comment_from_row)
            .collect::<Result<_, _>>()?,
        total,
    ))
}
