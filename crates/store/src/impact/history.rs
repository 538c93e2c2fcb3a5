//! The history of a recommendation's follow-up records (issue 18, item 8, migration 0026): one row per addition,
//! edit or removal of a response, milestone, fidelity judgement or tactic, with who made it, when, the record's
//! code and main text after the change (before it, for a removal) and why a record was removed. A removed record's
//! rows stay, so the page can say "removed by X on D, reason".

use domain::impact::{Change, RecordKind};
use domain::permission::Role;
use sqlx::{AnyConnection, Row};

use super::{code, ensure_recommendation};
use crate::StoreError;

/// A change to record in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange<'a> {
    /// Which kind of record.
    pub record: RecordKind,
    /// The milestone's or tactic's id; the recommendation's for a response or a judgement.
    pub record_id: i64,
    /// The record's version after the change (before it, for a removal).
    pub version: i64,
    /// Added, edited or removed.
    pub change: Change,
    /// Who made it.
    pub account_id: Option<i64>,
    /// In which role.
    pub role: Role,
    /// The record's code (reply, instrument, verdict, tactic status).
    pub code: &'a str,
    /// The record's main text (justification, description, reasons).
    pub body: &'a str,
    /// The date the record names, `YYYY-MM-DD` (empty for a tactic).
    pub dated: &'a str,
    /// Why it was removed (empty otherwise).
    pub reason: &'a str,
}

/// One change in a record's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// Which kind of record.
    pub record: RecordKind,
    /// The record's id (see [`NewChange::record_id`]).
    pub record_id: i64,
    /// The version after the change (before it, for a removal).
    pub version: i64,
    /// Added, edited or removed.
    pub change: Change,
    /// The display name of who made it, if an account did.
    pub display_name: Option<String>,
    /// The role they made it in.
    pub role: Role,
    /// See [`NewChange::code`].
    pub code: String,
    /// See [`NewChange::body`].
    pub body: String,
    /// See [`NewChange::dated`].
    pub dated: String,
    /// See [`NewChange::reason`].
    pub reason: String,
    /// When (unix seconds).
    pub changed_at: i64,
}

/// Appends a change to the history of a recommendation of the assembly.
pub async fn record_change(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    change: &NewChange<'_>,
    now: i64,
) -> Result<(), StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "INSERT INTO impact_history (recommendation_id, record, record_id, version, change, account_id, role, code,
                                     body, dated, reason, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(recommendation_id)
    .bind(change.record.as_str())
    .bind(change.record_id)
    .bind(change.version)
    .bind(change.change.as_str())
    .bind(change.account_id)
    .bind(change.role.as_str())
    .bind(change.code)
    .bind(change.body)
    .bind(change.dated)
    .bind(change.reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

fn role(column: &str, raw: &str) -> Result<Role, domain::error::ValidationError> {
    Role::ALL
        .iter()
        .copied()
        .find(|role| role.as_str() == raw)
        .ok_or_else(|| {
            domain::error::ValidationError::new(column, domain::error::Problem::Malformed)
        })
}

/// The history of a recommendation of the assembly, newest first.
pub async fn history(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
) -> Result<Vec<HistoryRow>, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    sqlx::query(
        "SELECT h.record, h.record_id, h.version, h.change, a.display_name, h.role, h.code, h.body, h.dated,
                h.reason, h.changed_at
         FROM impact_history h LEFT JOIN accounts a ON a.id = h.account_id
         WHERE h.recommendation_id = $1 ORDER BY h.id DESC",
    )
    .bind(recommendation_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(HistoryRow {
            record: code(row, "record", RecordKind::parse)?,
            record_id: row.try_get("record_id")?,
            version: row.try_get("version")?,
            change: code(row, "change", Change::parse)?,
            display_name: row.try_get("display_name")?,
            role: code(row, "role", role)?,
            code: row.try_get("code")?,
            body: row.try_get("body")?,
            dated: row.try_get("dated")?,
            reason: row.try_get("reason")?,
            changed_at: row.try_get("changed_at")?,
        })
    })
    .collect()
}
