//! Whether an assembly's final report is published (issue 18, item 7): one row in `report_publications` per
//! assembly whose report, recommendations and scorecard are public; no row means members and staff only.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A publication of an assembly's final report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    /// When it was published (unix seconds).
    pub published_at: i64,
    /// Who published it (`None` for reports made public before publishing was a step of its own).
    pub published_by: Option<i64>,
}

/// The publication of assembly `assembly_id`'s report, if it is published.
pub async fn get(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<Publication>, StoreError> {
    let row = sqlx::query(
        "SELECT published_at, published_by FROM report_publications WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Publication {
            published_at: row.try_get("published_at")?,
            published_by: row.try_get("published_by")?,
        })
    })
    .transpose()
}

/// Publishes the report of assembly `assembly_id`; [`StoreError::Conflict`] if it is published already.
pub async fn publish(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO report_publications (assembly_id, published_at, published_by) VALUES ($1, $2, $3)
         ON CONFLICT (assembly_id) DO NOTHING",
    )
    .bind(assembly_id)
    .bind(now)
    .bind(account_id)
    .execute(conn)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            constraint: "report_publications_pkey".to_owned(),
        });
    }
    Ok(())
}

/// Withdraws the publication of assembly `assembly_id`'s report; [`StoreError::NotFound`] if it was not published.
pub async fn withdraw(conn: &mut AnyConnection, assembly_id: i64) -> Result<(), StoreError> {
    let deleted = sqlx::query("DELETE FROM report_publications WHERE assembly_id = $1")
        .bind(assembly_id)
        .execute(conn)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
