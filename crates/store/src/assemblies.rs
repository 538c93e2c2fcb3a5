//! Assemblies with their commitments and timeline.

use domain::assembly::AssemblyDraft;
use domain::phase::Phase;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// One phase of a stored timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseRow {
    /// The phase.
    pub phase: Phase,
    /// The first day (`YYYY-MM-DD`), if planned.
    pub starts_on: Option<String>,
    /// The last day (`YYYY-MM-DD`), if planned.
    pub ends_on: Option<String>,
}

/// An assembly as stored, with its commitments and phases in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyRecord {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// The question (remit).
    pub question: String,
    /// The commissioning authority.
    pub authority: String,
    /// The current phase.
    pub current_phase: Phase,
    /// The commitments, in order.
    pub commitments: Vec<String>,
    /// The timeline, in lifecycle order.
    pub phases: Vec<PhaseRow>,
    /// When it was created (unix seconds).
    pub created_at: i64,
    /// When it was last changed (unix seconds).
    pub updated_at: i64,
}

/// The short form of an assembly used in lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblySummary {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// The commissioning authority.
    pub authority: String,
    /// The current phase.
    pub current_phase: Phase,
}

/// Creates an assembly and returns its id.
pub async fn create_assembly(
    conn: &mut AnyConnection,
    draft: &AssemblyDraft,
    now: i64,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assemblies (title, question, authority, current_phase, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(draft.title.as_str())
    .bind(draft.question.as_str())
    .bind(draft.authority.as_str())
    .bind(draft.timeline.current().as_str())
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    write_children(conn, id, draft).await?;
    Ok(id)
}

/// Replaces every field of assembly `id` with `draft`.
pub async fn update_assembly(
    conn: &mut AnyConnection,
    id: i64,
    draft: &AssemblyDraft,
    now: i64,
) -> Result<(), StoreError> {
    let result = sqlx::query(
        "UPDATE assemblies SET title = $1, question = $2, authority = $3, current_phase = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(draft.title.as_str())
    .bind(draft.question.as_str())
    .bind(draft.authority.as_str())
    .bind(draft.timeline.current().as_str())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM assembly_commitments WHERE assembly_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM assembly_phases WHERE assembly_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    write_children(conn, id, draft).await
}

async fn write_children(
    conn: &mut AnyConnection,
    id: i64,
    draft: &AssemblyDraft,
) -> Result<(), StoreError> {
    for (position, commitment) in draft.commitments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO assembly_commitments (assembly_id, position, body) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(commitment.as_str())
        .execute(&mut *conn)
        .await?;
    }
    for (position, dates) in draft.timeline.phases().iter().enumerate() {
        sqlx::query(
            "INSERT INTO assembly_phases (assembly_id, position, phase, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(dates.phase.as_str())
        .bind(dates.starts_on.map(|date| date.to_string()))
        .bind(dates.ends_on.map(|date| date.to_string()))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Reads assembly `id`, or [`StoreError::NotFound`].
pub async fn get_assembly(conn: &mut AnyConnection, id: i64) -> Result<AssemblyRecord, StoreError> {
    let row = sqlx::query(
        "SELECT id, title, question, authority, current_phase, created_at, updated_at FROM assemblies WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let commitments: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM assembly_commitments WHERE assembly_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let phase_rows =
        sqlx::query("SELECT phase, starts_on, ends_on FROM assembly_phases WHERE assembly_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let phases = phase_rows
        .iter()
        .map(|phase_row| {
            Ok(PhaseRow {
                phase: stored_phase(&phase_row.try_get::<String, _>("phase")?)?,
                starts_on: phase_row.try_get("starts_on")?,
                ends_on: phase_row.try_get("ends_on")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(AssemblyRecord {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        question: row.try_get("question")?,
        authority: row.try_get("authority")?,
        current_phase: stored_phase(&row.try_get::<String, _>("current_phase")?)?,
        commitments,
        phases,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn summary_from_row(row: &sqlx::any::AnyRow) -> Result<AssemblySummary, StoreError> {
    Ok(AssemblySummary {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        authority: row.try_get("authority")?,
        current_phase: stored_phase(&row.try_get::<String, _>("current_phase")?)?,
    })
}

/// A stored phase identifier read back; an unknown one is a [`StoreError::Corrupt`], never a default.
fn stored_phase(raw: &str) -> Result<Phase, StoreError> {
    Phase::parse("phase", raw).map_err(|_| StoreError::Corrupt(format!("unknown phase {raw:?}")))
}

/// Every assembly, newest first.
pub async fn list_assemblies(conn: &mut AnyConnection) -> Result<Vec<AssemblySummary>, StoreError> {
    let rows =
        sqlx::query("SELECT id, title, authority, current_phase FROM assemblies ORDER BY id DESC")
            .fetch_all(conn)
            .await?;
    rows.iter().map(summary_from_row).collect()
}

/// The assemblies where `account_id` has a role, newest first.
pub async fn list_assemblies_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<AssemblySummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.title, a.authority, a.current_phase FROM assemblies a
         JOIN assembly_roles r ON r.assembly_id = a.id WHERE r.account_id = $1 ORDER BY a.id DESC",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(summary_from_row).collect()
}

/// Whether assembly `id` exists.
pub async fn assembly_exists(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM assemblies WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// The assembly that the demo seeding made for its demo assembly `demo_key`, whatever it is called now.
pub async fn demo_assembly(
    conn: &mut AnyConnection,
    demo_key: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT assembly_id FROM demo_assemblies WHERE demo_key = $1")
            .bind(demo_key)
            .fetch_optional(conn)
            .await?,
    )
}

/// Records that assembly `assembly_id` is the demo assembly `demo_key`.
pub async fn mark_demo_assembly(
    conn: &mut AnyConnection,
    demo_key: &str,
    assembly_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO demo_assemblies (demo_key, assembly_id) VALUES ($1, $2)")
        .bind(demo_key)
        .bind(assembly_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves assembly `id` to `phase` (issue 18, item 7: the phase control); [`StoreError::NotFound`] if there is none.
pub async fn set_phase(
    conn: &mut AnyConnection,
    id: i64,
    phase: Phase,
    now: i64,
) -> Result<(), StoreError> {
    let updated =
        sqlx::query("UPDATE assemblies SET current_phase = $1, updated_at = $2 WHERE id = $3")
            .bind(phase.as_str())
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
