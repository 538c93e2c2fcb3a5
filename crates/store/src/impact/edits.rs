//! Editing and removing the records of a recommendation's follow-up (issue 18, item 8): the authority's response,
//! implementation milestones, the fidelity judgement and tactics, each with a version (migration 0026).
//!
//! An edit or a removal names the version it expects; the write itself is conditional on it (an `UPDATE` or a
//! `DELETE ... RETURNING` with `version = $expected`), so of two edits made from the same page, the second changes
//! nothing and its caller sees a stale version, on SQLite and on PostgreSQL alike. A response or a judgement is
//! replaced whole (delete, then insert), and its version keeps counting across a removal (from its history), so a
//! form shown before a removal never matches the record added after it.
//! Every function checks that the record belongs to a recommendation of the assembly: another assembly's record is
//! [`StoreError::NotFound`].

use domain::impact::{Instrument, RecordKind, TacticStatus};
use sqlx::{AnyConnection, Row};

use super::{
    FidelityRow, MilestoneRow, ResponseRow, TacticRow, code, ensure_recommendation,
    fidelity_from_row, response_from_row,
};
use crate::StoreError;

/// A record's id and version (a milestone's or a tactic's; for a response or a judgement, the recommendation's
/// id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Key {
    /// The record's id.
    pub id: i64,
    /// Its version (1 when added, one more at each edit).
    pub version: i64,
}

/// A record as it was, with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    /// The record.
    pub row: T,
    /// Its version.
    pub version: i64,
}

/// The table of a kind of record and the column that names one record in it.
fn table(kind: RecordKind) -> (&'static str, &'static str) {
    match kind {
        RecordKind::Response => ("impact_responses", "recommendation_id"),
        RecordKind::Milestone => ("impact_milestones", "id"),
        RecordKind::Fidelity => ("impact_fidelity", "recommendation_id"),
        RecordKind::Tactic => ("impact_tactics", "id"),
    }
}

/// The current version of a record of a recommendation of the assembly, or `None` when there is no such record
/// (`record_id` is the recommendation's id for a response or a judgement).
pub async fn version(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    kind: RecordKind,
    record_id: i64,
) -> Result<Option<i64>, StoreError> {
    let (table, key) = table(kind);
    // Table and column names come from `table` only, never from input.
    let sql = format!(
        "SELECT x.version FROM {table} x JOIN recommendations r ON r.id = x.recommendation_id
         WHERE r.assembly_id = $1 AND x.recommendation_id = $2 AND x.{key} = $3"
    );
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(assembly_id)
        .bind(recommendation_id)
        .bind(record_id)
        .fetch_optional(conn)
        .await?)
}

/// The highest version a record ever had, from its history (0 if none).
async fn last_version_in_history(
    conn: &mut AnyConnection,
    recommendation_id: i64,
    kind: RecordKind,
    record_id: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) FROM impact_history
         WHERE recommendation_id = $1 AND record = $2 AND record_id = $3",
    )
    .bind(recommendation_id)
    .bind(kind.as_str())
    .bind(record_id)
    .fetch_one(conn)
    .await?)
}

/// Records the response to a recommendation of the assembly, replacing the earlier one: returns the earlier one
/// (as it was when this write deleted it) and the new version.
pub async fn replace_response(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    response: &ResponseRow,
    now: i64,
) -> Result<(Option<Versioned<ResponseRow>>, i64), StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    let before = sqlx::query(
        "DELETE FROM impact_responses WHERE recommendation_id = $1
         RETURNING kind, justification, source_url, responded_on, recorded_by, on_behalf, version",
    )
    .bind(recommendation_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| {
        Ok::<_, StoreError>(Versioned {
            row: response_from_row(&row)?,
            version: row.try_get("version")?,
        })
    })
    .transpose()?;
    let history = last_version_in_history(
        &mut *conn,
        recommendation_id,
        RecordKind::Response,
        recommendation_id,
    )
    .await?;
    let version = before
        .as_ref()
        .map_or(0, |before| before.version)
        .max(history)
        + 1;
    sqlx::query(
        "INSERT INTO impact_responses (recommendation_id, kind, justification, source_url, responded_on,
                                       recorded_by, on_behalf, recorded_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(recommendation_id)
    .bind(response.kind.as_str())
    .bind(&response.justification)
    .bind(&response.source_url)
    .bind(&response.responded_on)
    .bind(response.recorded_by)
    .bind(i64::from(response.on_behalf))
    .bind(now)
    .bind(version)
    .execute(conn)
    .await?;
    Ok((before, version))
}

/// Records the fidelity judgement of a recommendation of the assembly, replacing the earlier one: returns the
/// earlier one and the new version.
pub async fn replace_fidelity(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    judgement: &FidelityRow,
    recorded_by: Option<i64>,
    now: i64,
) -> Result<(Option<Versioned<FidelityRow>>, i64), StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    let before = sqlx::query(
        "DELETE FROM impact_fidelity WHERE recommendation_id = $1
         RETURNING fidelity, judge, reasons, enacted_text, judged_on, version",
    )
    .bind(recommendation_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| {
        Ok::<_, StoreError>(Versioned {
            row: fidelity_from_row(&row)?,
            version: row.try_get("version")?,
        })
    })
    .transpose()?;
    let history = last_version_in_history(
        &mut *conn,
        recommendation_id,
        RecordKind::Fidelity,
        recommendation_id,
    )
    .await?;
    let version = before
        .as_ref()
        .map_or(0, |before| before.version)
        .max(history)
        + 1;
    sqlx::query(
        "INSERT INTO impact_fidelity (recommendation_id, fidelity, judge, reasons, enacted_text, judged_on,
                                      recorded_by, recorded_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(recommendation_id)
    .bind(judgement.fidelity.as_str())
    .bind(judgement.judge.as_str())
    .bind(&judgement.reasons)
    .bind(&judgement.enacted_text)
    .bind(&judgement.judged_on)
    .bind(recorded_by)
    .bind(now)
    .bind(version)
    .execute(conn)
    .await?;
    Ok((before, version))
}

/// Removes the response to a recommendation of the assembly if its version is `expected`; returns it, or `None`
/// when there is none or its version is another (see [`version`]).
pub async fn remove_response(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    expected: i64,
) -> Result<Option<ResponseRow>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "DELETE FROM impact_responses WHERE recommendation_id = $1 AND version = $2
         RETURNING kind, justification, source_url, responded_on, recorded_by, on_behalf",
    )
    .bind(recommendation_id)
    .bind(expected)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(response_from_row)
    .transpose()
}

/// Removes the fidelity judgement of a recommendation of the assembly if its version is `expected`.
pub async fn remove_fidelity(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    expected: i64,
) -> Result<Option<FidelityRow>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "DELETE FROM impact_fidelity WHERE recommendation_id = $1 AND version = $2
         RETURNING fidelity, judge, reasons, enacted_text, judged_on",
    )
    .bind(recommendation_id)
    .bind(expected)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(fidelity_from_row)
    .transpose()
}

fn milestone_from_row(row: &sqlx::any::AnyRow) -> Result<MilestoneRow, StoreError> {
    Ok(MilestoneRow {
        happened_on: row.try_get("happened_on")?,
        kind: code(row, "kind", Instrument::parse)?,
        description: row.try_get("description")?,
        evidence_url: row.try_get("evidence_url")?,
    })
}

/// A milestone of a recommendation of the assembly with its version, if there is one.
pub async fn milestone(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    milestone_id: i64,
) -> Result<Option<Versioned<MilestoneRow>>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "SELECT happened_on, kind, description, evidence_url, version FROM impact_milestones
         WHERE recommendation_id = $1 AND id = $2",
    )
    .bind(recommendation_id)
    .bind(milestone_id)
    .fetch_optional(conn)
    .await?
    .map(|row| {
        Ok(Versioned {
            row: milestone_from_row(&row)?,
            version: row.try_get("version")?,
        })
    })
    .transpose()
}

/// Replaces a milestone's fields if its version is `expected`; returns whether it did (its version is then one
/// more).
pub async fn update_milestone(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    milestone_id: i64,
    expected: i64,
    milestone: &MilestoneRow,
) -> Result<bool, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    let result = sqlx::query(
        "UPDATE impact_milestones SET happened_on = $1, kind = $2, description = $3, evidence_url = $4,
                version = version + 1
         WHERE recommendation_id = $5 AND id = $6 AND version = $7",
    )
    .bind(&milestone.happened_on)
    .bind(milestone.kind.as_str())
    .bind(&milestone.description)
    .bind(&milestone.evidence_url)
    .bind(recommendation_id)
    .bind(milestone_id)
    .bind(expected)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Removes a milestone if its version is `expected`; returns it, or `None` (no such milestone, or another
/// version).
pub async fn remove_milestone(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    milestone_id: i64,
    expected: i64,
) -> Result<Option<MilestoneRow>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "DELETE FROM impact_milestones WHERE recommendation_id = $1 AND id = $2 AND version = $3
         RETURNING happened_on, kind, description, evidence_url",
    )
    .bind(recommendation_id)
    .bind(milestone_id)
    .bind(expected)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(milestone_from_row)
    .transpose()
}

pub(super) fn tactic_from_row(row: &sqlx::any::AnyRow) -> Result<TacticRow, StoreError> {
    Ok(TacticRow {
        arena: code(row, "arena", domain::impact::Arena::parse)?,
        kind: code(row, "kind", domain::impact::TacticKind::parse)?,
        description: row.try_get("description")?,
        lead: row.try_get("lead")?,
        status: code(row, "status", TacticStatus::parse)?,
        outcome: row.try_get("outcome")?,
    })
}

/// A tactic of a recommendation of the assembly with its version, if there is one.
pub async fn tactic(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    tactic_id: i64,
) -> Result<Option<Versioned<TacticRow>>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "SELECT arena, kind, description, lead, status, outcome, version FROM impact_tactics
         WHERE recommendation_id = $1 AND id = $2",
    )
    .bind(recommendation_id)
    .bind(tactic_id)
    .fetch_optional(conn)
    .await?
    .map(|row| {
        Ok(Versioned {
            row: tactic_from_row(&row)?,
            version: row.try_get("version")?,
        })
    })
    .transpose()
}

/// Replaces a tactic's fields if its version is `expected`; returns whether it did.
pub async fn update_tactic(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    tactic_id: i64,
    expected: i64,
    tactic: &TacticRow,
) -> Result<bool, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    let result = sqlx::query(
        "UPDATE impact_tactics SET arena = $1, kind = $2, description = $3, lead = $4, status = $5, outcome = $6,
                version = version + 1
         WHERE recommendation_id = $7 AND id = $8 AND version = $9",
    )
    .bind(tactic.arena.as_str())
    .bind(tactic.kind.as_str())
    .bind(&tactic.description)
    .bind(&tactic.lead)
    .bind(tactic.status.as_str())
    .bind(&tactic.outcome)
    .bind(recommendation_id)
    .bind(tactic_id)
    .bind(expected)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Removes a tactic if its version is `expected`; returns it, or `None`.
pub async fn remove_tactic(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    tactic_id: i64,
    expected: i64,
) -> Result<Option<TacticRow>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "DELETE FROM impact_tactics WHERE recommendation_id = $1 AND id = $2 AND version = $3
         RETURNING arena, kind, description, lead, status, outcome",
    )
    .bind(recommendation_id)
    .bind(tactic_id)
    .bind(expected)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(tactic_from_row)
    .transpose()
}
