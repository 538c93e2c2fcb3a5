//! Photos of a community assembly's outcome (issue 16): stored in the database with their media type, already
//! checked and stripped of metadata by the web layer. Every call names the assembly; a photo is public only while
//! its outcome is accepted ([`public_photo`]), and erased with its outcome or its host.

use sqlx::Row;

use crate::{AnyConnection, StoreError};

/// The most photos one outcome may have.
pub const MAX_PER_OUTCOME: i64 = 4;

/// A photo's bytes and media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub media_type: String,
    /// The image.
    pub data: Vec<u8>,
}

/// Adds a photo to outcome `outcome_id` of host `host_id`; returns its id, or `None` when the outcome already has
/// [`MAX_PER_OUTCOME`] photos. [`StoreError::NotFound`] if the outcome is not this host's in this assembly.
pub async fn add(
    conn: &mut AnyConnection,
    assembly_id: i64,
    host_id: i64,
    outcome_id: i64,
    media_type: &str,
    data: &[u8],
    now: i64,
) -> Result<Option<i64>, StoreError> {
    // A no-op update finds the outcome and locks its row until the transaction ends (on both backends), so two
    // uploads at once cannot pass the limit.
    let owned = sqlx::query(
        "UPDATE community_outcomes SET updated_at = updated_at WHERE id = $1 AND assembly_id = $2 AND host_id = $3",
    )
    .bind(outcome_id)
    .bind(assembly_id)
    .bind(host_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if owned == 0 {
        return Err(StoreError::NotFound);
    }
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM community_photos WHERE outcome_id = $1")
            .bind(outcome_id)
            .fetch_one(&mut *conn)
            .await?;
    if count >= MAX_PER_OUTCOME {
        return Ok(None);
    }
    let id = sqlx::query_scalar(
        "INSERT INTO community_photos (assembly_id, outcome_id, media_type, data, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(assembly_id)
    .bind(outcome_id)
    .bind(media_type)
    .bind(data.to_vec())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(Some(id))
}

/// Deletes a photo of host `host_id`'s outcome; `false` if there was none.
pub async fn remove(
    conn: &mut AnyConnection,
    assembly_id: i64,
    host_id: i64,
    photo_id: i64,
) -> Result<bool, StoreError> {
    let removed = sqlx::query(
        "DELETE FROM community_photos WHERE id = $1 AND assembly_id = $2 AND outcome_id IN
         (SELECT id FROM community_outcomes WHERE host_id = $3)",
    )
    .bind(photo_id)
    .bind(assembly_id)
    .bind(host_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(removed > 0)
}

/// The photo ids of each of `outcome_ids`, in upload order: (outcome, photo).
pub async fn ids_of(
    conn: &mut AnyConnection,
    assembly_id: i64,
    outcome_ids: &[i64],
) -> Result<Vec<(i64, i64)>, StoreError> {
    if outcome_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = outcome_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // The list is made of integers only.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT outcome_id, id FROM community_photos WHERE assembly_id = $1 AND outcome_id IN ({list})
         ORDER BY outcome_id, id"
    )))
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("outcome_id")?, row.try_get("id")?)))
        .collect()
}

/// A photo whose outcome is accepted (what the public may see), or `None`.
pub async fn public_photo(
    conn: &mut AnyConnection,
    assembly_id: i64,
    photo_id: i64,
) -> Result<Option<Photo>, StoreError> {
    photo_where(conn, assembly_id, photo_id, "o.status = 'accepted'", None).await
}

/// Any photo of the assembly, whatever its outcome's status (for the organisers who moderate), or `None`.
pub async fn any_photo(
    conn: &mut AnyConnection,
    assembly_id: i64,
    photo_id: i64,
) -> Result<Option<Photo>, StoreError> {
    photo_where(conn, assembly_id, photo_id, "1 = 1", None).await
}

/// A photo of host `host_id`'s own outcome, whatever its status, or `None`.
pub async fn host_photo(
    conn: &mut AnyConnection,
    assembly_id: i64,
    host_id: i64,
    photo_id: i64,
) -> Result<Option<Photo>, StoreError> {
    photo_where(conn, assembly_id, photo_id, "o.host_id = $3", Some(host_id)).await
}

async fn photo_where(
    conn: &mut AnyConnection,
    assembly_id: i64,
    photo_id: i64,
    condition: &'static str,
    host_id: Option<i64>,
) -> Result<Option<Photo>, StoreError> {
    let sql = format!(
        "SELECT p.media_type, p.data FROM community_photos p JOIN community_outcomes o ON o.id = p.outcome_id
         WHERE p.id = $1 AND p.assembly_id = $2 AND {condition}"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(photo_id)
        .bind(assembly_id);
    if let Some(host_id) = host_id {
        query = query.bind(host_id);
    }
    let row = query.fetch_optional(conn).await?;
    row.map(|row| {
        Ok(Photo {
            media_type: row.try_get("media_type")?,
            data: row.try_get("data")?,
        })
    })
    .transpose()
}
