//! The registration questions of an assembly (issue 18, item 4): its features with their values in the form's
//! order, and which feature is the area (answered by the invitation's area, never asked). Quotas refer to these
//! values; every call names the assembly.

use sqlx::Row;

use crate::{AnyConnection, StoreError};

/// A feature and one of its values, in the form's order.
pub type QuestionValue = (String, String);

/// The assembly's questions: (feature, value) in the form's order; empty before any are defined.
pub async fn questions(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<QuestionValue>, StoreError> {
    let rows = sqlx::query(
        "SELECT feature, value FROM registration_questions WHERE assembly_id = $1 ORDER BY position, id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("feature")?, row.try_get("value")?)))
        .collect()
}

/// Where an assembly's questions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The registration questions page: quotas must refer to them.
    Page,
    /// The quota editor, as before that page existed: each quota save defines them again.
    Quotas,
}

impl Source {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Page => "page",
            Source::Quotas => "quotas",
        }
    }

    /// The source of a stored name; anything else is [`StoreError::Corrupt`].
    pub fn parse(stored: &str) -> Result<Source, StoreError> {
        match stored {
            "page" => Ok(Source::Page),
            "quotas" => Ok(Source::Quotas),
            other => Err(StoreError::Corrupt(format!(
                "registration question source {other:?}"
            ))),
        }
    }
}

/// Where the assembly's questions come from and which feature is the area (`None` before any are defined).
pub async fn settings(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<(Source, Option<String>)>, StoreError> {
    let row = sqlx::query(
        "SELECT source, area_feature FROM registration_settings WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok((
            Source::parse(&row.try_get::<String, _>("source")?)?,
            row.try_get("area_feature")?,
        ))
    })
    .transpose()
}

/// The feature that is the assembly's area, if one is.
pub async fn area_feature(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<String>, StoreError> {
    Ok(settings(conn, assembly_id)
        .await?
        .and_then(|(_, area)| area))
}

/// Replaces the questions of an assembly, where they come from and its area feature (`None`: no area), in the
/// caller's transaction.
pub async fn save_questions(
    conn: &mut AnyConnection,
    assembly_id: i64,
    values: &[QuestionValue],
    source: Source,
    area: Option<&str>,
) -> Result<(), StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM registration_questions WHERE assembly_id = $1")
        .bind(assembly_id)
        .execute(&mut *conn)
        .await?;
    for (position, (feature, value)) in values.iter().enumerate() {
        sqlx::query(
            "INSERT INTO registration_questions (assembly_id, position, feature, value) VALUES ($1, $2, $3, $4)",
        )
        .bind(assembly_id)
        .bind(position as i64)
        .bind(feature)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO registration_settings (assembly_id, source, area_feature) VALUES ($1, $2, $3)
         ON CONFLICT (assembly_id) DO UPDATE SET source = excluded.source, area_feature = excluded.area_feature",
    )
    .bind(assembly_id)
    .bind(source.as_str())
    .bind(area)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
