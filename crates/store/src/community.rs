//! Community assemblies (issue 16, item 2): an assembly's community phase ([`settings`]), the hosts who run a
//! small assembly on the same question, and the outcomes they send back, moderated before they are public.
//!
//! A host's email is read by [`host_email`] only (to send the host their key); every other read leaves it out, so
//! no public page, export or API answer can carry it. [`erase_host`] deletes a host with their outcomes.

use domain::community::{CommunityKind, NewHost, NewOutcome, OutcomeStatus};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// The topic of the evidence item that counts the accepted community assemblies.
pub const EVIDENCE_TOPIC: &str = "Community assemblies";

/// The community phase of an assembly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// Whether hosts may register and send outcomes.
    pub is_open: bool,
    /// The facilitation guide, as the organisers wrote it.
    pub guide: String,
    /// The evidence item that counts the accepted outcomes, once there is one.
    pub evidence_id: Option<i64>,
}

/// A host as stored, without the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRow {
    /// The id.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// The host's name.
    pub name: String,
    /// The community or place.
    pub community: String,
    /// Its kind.
    pub kind: CommunityKind,
    /// The area (empty when the assembly has none).
    pub area: String,
    /// Whether the host proved their email by using their key.
    pub verified: bool,
}

/// An outcome as stored, with its host's public provenance (never the email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRow {
    /// The id.
    pub id: i64,
    /// The host.
    pub host_id: i64,
    /// The host's name.
    pub host_name: String,
    /// The host's community.
    pub community: String,
    /// Its kind.
    pub kind: CommunityKind,
    /// The area.
    pub area: String,
    /// When it was held (`YYYY-MM-DD`).
    pub held_on: String,
    /// How many took part.
    pub participants: i64,
    /// The anonymous summary as JSON (`[["gender","woman",7],...]`).
    pub demographics_json: String,
    /// The questions discussed.
    pub questions: String,
    /// The main points.
    pub points: String,
    /// The recommendations.
    pub recommendations: String,
    /// Notes.
    pub notes: String,
    /// Where it stands in moderation.
    pub status: OutcomeStatus,
}

/// Per area: (area, community assemblies, participants) of the accepted outcomes.
pub type AreaTotals = (String, i64, i64);

/// The community phase of an assembly (closed, with no guide, before organisers set it).
pub async fn settings(conn: &mut AnyConnection, assembly_id: i64) -> Result<Settings, StoreError> {
    let row = sqlx::query(
        "SELECT is_open, guide, evidence_id FROM community_settings WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    match row {
        None => Ok(Settings::default()),
        Some(row) => Ok(Settings {
            is_open: row.try_get::<i64, _>("is_open")? != 0,
            guide: row.try_get("guide")?,
            evidence_id: row.try_get("evidence_id")?,
        }),
    }
}

/// Opens or closes the community phase and saves the guide ([`StoreError::NotFound`] for no such assembly).
pub async fn save_settings(
    conn: &mut AnyConnection,
    assembly_id: i64,
    is_open: bool,
    guide: &str,
    now: i64,
) -> Result<(), StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "INSERT INTO community_settings (assembly_id, is_open, guide, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (assembly_id) DO UPDATE SET is_open = excluded.is_open, guide = excluded.guide,
         updated_at = excluded.updated_at",
    )
    .bind(assembly_id)
    .bind(i64::from(is_open))
    .bind(guide)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a new, unverified host whose key hashes to `key_hash`, and returns its id.
pub async fn add_host(
    conn: &mut AnyConnection,
    assembly_id: i64,
    host: &NewHost,
    key_hash: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO community_hosts (assembly_id, name, email, community, kind, area, key_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(assembly_id)
    .bind(&host.name)
    .bind(host.email.as_str())
    .bind(&host.community)
    .bind(host.kind.as_str())
    .bind(&host.area)
    .bind(key_hash)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The email of a host, to send them their key (personal data: never log or show it).
pub async fn host_email(conn: &mut AnyConnection, host_id: i64) -> Result<String, StoreError> {
    sqlx::query_scalar("SELECT email FROM community_hosts WHERE id = $1")
        .bind(host_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The columns of a host, never the email.
macro_rules! host_select {
    () => {
        "SELECT id, assembly_id, name, community, kind, area, verified_at FROM community_hosts"
    };
}

fn host_of(row: &sqlx::any::AnyRow) -> Result<HostRow, StoreError> {
    Ok(HostRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        name: row.try_get("name")?,
        community: row.try_get("community")?,
        kind: stored_kind(&row.try_get::<String, _>("kind")?)?,
        area: row.try_get("area")?,
        verified: row.try_get::<Option<i64>, _>("verified_at")?.is_some(),
    })
}

fn stored_kind(raw: &str) -> Result<CommunityKind, StoreError> {
    CommunityKind::parse(raw)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown community kind {raw:?}")))
}

fn stored_status(raw: &str) -> Result<OutcomeStatus, StoreError> {
    OutcomeStatus::parse(raw)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown outcome status {raw:?}")))
}

/// The host of assembly `assembly_id` whose key hashes to `key_hash`, if any.
pub async fn host_by_key(
    conn: &mut AnyConnection,
    assembly_id: i64,
    key_hash: &str,
) -> Result<Option<HostRow>, StoreError> {
    let row = sqlx::query(concat!(
        host_select!(),
        " WHERE assembly_id = $1 AND key_hash = $2"
    ))
    .bind(assembly_id)
    .bind(key_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(host_of).transpose()
}

/// The host of assembly `assembly_id` whose device session hashes to `session_hash`, if any.
pub async fn host_by_session(
    conn: &mut AnyConnection,
    assembly_id: i64,
    session_hash: &str,
) -> Result<Option<HostRow>, StoreError> {
    let row = sqlx::query(concat!(
        host_select!(),
        " WHERE assembly_id = $1 AND session_hash = $2"
    ))
    .bind(assembly_id)
    .bind(session_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(host_of).transpose()
}

/// Gives host `host_id` a new device session (the previous one ends) and marks their email verified.
pub async fn start_host_session(
    conn: &mut AnyConnection,
    host_id: i64,
    session_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE community_hosts SET session_hash = $1, verified_at = COALESCE(verified_at, $2) WHERE id = $3",
    )
    .bind(session_hash)
    .bind(now)
    .bind(host_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a pending outcome of host `host_id` and returns its id.
pub async fn add_outcome(
    conn: &mut AnyConnection,
    assembly_id: i64,
    host_id: i64,
    outcome: &NewOutcome,
    demographics_json: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO community_outcomes (assembly_id, host_id, held_on, participants, demographics_json, questions,
         points, recommendations, notes, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $10) RETURNING id",
    )
    .bind(assembly_id)
    .bind(host_id)
    .bind(&outcome.held_on)
    .bind(outcome.participants)
    .bind(demographics_json)
    .bind(&outcome.questions)
    .bind(&outcome.points)
    .bind(&outcome.recommendations)
    .bind(&outcome.notes)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Replaces an outcome of host `host_id` and puts it back in moderation; returns its status before.
/// [`StoreError::NotFound`] if the outcome is not this host's in this assembly.
pub async fn update_outcome(
    conn: &mut AnyConnection,
    assembly_id: i64,
    host_id: i64,
    outcome_id: i64,
    outcome: &NewOutcome,
    demographics_json: &str,
    now: i64,
) -> Result<OutcomeStatus, StoreError> {
    let before: Option<String> = sqlx::query_scalar(
        "SELECT status FROM community_outcomes WHERE id = $1 AND assembly_id = $2 AND host_id = $3",
    )
    .bind(outcome_id)
    .bind(assembly_id)
    .bind(host_id)
    .fetch_optional(&mut *conn)
    .await?;
    let before = stored_status(&before.ok_or(StoreError::NotFound)?)?;
    sqlx::query(
        "UPDATE community_outcomes SET held_on = $1, participants = $2, demographics_json = $3, questions = $4,
         points = $5, recommendations = $6, notes = $7, status = 'pending', moderated_by = NULL,
         moderated_at = NULL, updated_at = $8 WHERE id = $9",
    )
    .bind(&outcome.held_on)
    .bind(outcome.participants)
    .bind(demographics_json)
    .bind(&outcome.questions)
    .bind(&outcome.points)
    .bind(&outcome.recommendations)
    .bind(&outcome.notes)
    .bind(now)
    .bind(outcome_id)
    .execute(conn)
    .await?;
    Ok(before)
}

/// An outcome with its host's provenance, never the email.
macro_rules! outcome_select {
    () => {
        "SELECT o.id, o.host_id, h.name, h.community, h.kind, h.area, o.held_on,
    o.participants, o.demographics_json, o.questions, o.points, o.recommendations, o.notes, o.status
    FROM community_outcomes o JOIN community_hosts h ON h.id = o.host_id"
    };
}

fn outcome_of(row: &sqlx::any::AnyRow) -> Result<OutcomeRow, StoreError> {
    Ok(OutcomeRow {
        id: row.try_get("id")?,
        host_id: row.try_get("host_id")?,
        host_name: row.try_get("name")?,
        community: row.try_get("community")?,
        kind: stored_kind(&row.try_get::<String, _>("kind")?)?,
        area: row.try_get("area")?,
        held_on: row.try_get("held_on")?,
        participants: row.try_get("participants")?,
        demographics_json: row.try_get("demographics_json")?,
        questions: row.try_get("questions")?,
        points: row.try_get("points")?,
        recommendations: row.try_get("recommendations")?,
        notes: row.try_get("notes")?,
        status: stored_status(&row.try_get::<String, _>("status")?)?,
    })
}

/// The outcomes of host `host_id`, newest first.
pub async fn outcomes_of_host(
    conn: &mut AnyConnection,
    host_id: i64,
) -> Result<Vec<OutcomeRow>, StoreError> {
    let rows = sqlx::query(concat!(
        outcome_select!(),
        " WHERE o.host_id = $1 ORDER BY o.id DESC"
    ))
    .bind(host_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(outcome_of).collect()
}

/// One page of an assembly's outcomes with `status`, by area, then date, then id.
pub async fn outcomes_with_status(
    conn: &mut AnyConnection,
    assembly_id: i64,
    status: OutcomeStatus,
    limit: i64,
    offset: i64,
) -> Result<Vec<OutcomeRow>, StoreError> {
    let rows = sqlx::query(concat!(
        outcome_select!(),
        " WHERE o.assembly_id = $1 AND o.status = $2 ORDER BY h.area, o.held_on, o.id LIMIT $3 OFFSET $4"
    ))
    .bind(assembly_id)
    .bind(status.as_str())
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    rows.iter().map(outcome_of).collect()
}

/// How many outcomes of an assembly have `status`.
pub async fn count_with_status(
    conn: &mut AnyConnection,
    assembly_id: i64,
    status: OutcomeStatus,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM community_outcomes WHERE assembly_id = $1 AND status = $2",
    )
    .bind(assembly_id)
    .bind(status.as_str())
    .fetch_one(conn)
    .await?)
}

/// Accepts or rejects outcome `outcome_id` of assembly `assembly_id` and returns its status before
/// ([`StoreError::NotFound`] if it is not this assembly's).
pub async fn moderate(
    conn: &mut AnyConnection,
    assembly_id: i64,
    outcome_id: i64,
    decision: OutcomeStatus,
    moderator: i64,
    now: i64,
) -> Result<OutcomeStatus, StoreError> {
    let before: Option<String> = sqlx::query_scalar(
        "SELECT status FROM community_outcomes WHERE id = $1 AND assembly_id = $2",
    )
    .bind(outcome_id)
    .bind(assembly_id)
    .fetch_optional(&mut *conn)
    .await?;
    let before = stored_status(&before.ok_or(StoreError::NotFound)?)?;
    sqlx::query(
        "UPDATE community_outcomes SET status = $1, moderated_by = $2, moderated_at = $3 WHERE id = $4",
    )
    .bind(decision.as_str())
    .bind(moderator)
    .bind(now)
    .bind(outcome_id)
    .execute(conn)
    .await?;
    Ok(before)
}

/// The accepted community assemblies of an assembly by area: (area, assemblies, participants), by area.
pub async fn accepted_by_area(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<AreaTotals>, StoreError> {
    let rows = sqlx::query(
        "SELECT h.area, COUNT(*) AS assemblies, CAST(SUM(o.participants) AS BIGINT) AS participants
         FROM community_outcomes o JOIN community_hosts h ON h.id = o.host_id
         WHERE o.assembly_id = $1 AND o.status = 'accepted' GROUP BY h.area ORDER BY h.area",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("area")?,
                row.try_get("assemblies")?,
                // SUM of a BIGINT is NUMERIC on PostgreSQL: the query casts it back.
                row.try_get("participants")?,
            ))
        })
        .collect()
}

/// Writes the one evidence item that counts the accepted community assemblies (created the first time, then
/// updated in place) and returns its id.
pub async fn write_evidence(
    conn: &mut AnyConnection,
    assembly_id: i64,
    title: &str,
    url: &str,
    summary: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let current = settings(&mut *conn, assembly_id).await?;
    if let Some(evidence_id) = current.evidence_id {
        sqlx::query("UPDATE evidence SET title = $1, url = $2, summary = $3 WHERE id = $4 AND assembly_id = $5")
            .bind(title)
            .bind(url)
            .bind(summary)
            .bind(evidence_id)
            .bind(assembly_id)
            .execute(conn)
            .await?;
        return Ok(evidence_id);
    }
    let evidence_id = crate::evidence::add_evidence(
        &mut *conn,
        assembly_id,
        &crate::evidence::NewEvidence {
            topic: EVIDENCE_TOPIC.to_owned(),
            title: title.to_owned(),
            url: url.to_owned(),
            summary: summary.to_owned(),
        },
        now,
    )
    .await?;
    sqlx::query(
        "INSERT INTO community_settings (assembly_id, is_open, guide, evidence_id, updated_at) VALUES ($1, 0, '', $2, $3)
         ON CONFLICT (assembly_id) DO UPDATE SET evidence_id = excluded.evidence_id",
    )
    .bind(assembly_id)
    .bind(evidence_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(evidence_id)
}

/// Deletes host `host_id` of assembly `assembly_id` with every outcome they sent; returns how many outcomes were
/// deleted and whether any of them was accepted ([`StoreError::NotFound`] if the host is not this assembly's).
pub async fn erase_host(
    conn: &mut AnyConnection,
    assembly_id: i64,
    host_id: i64,
) -> Result<(i64, bool), StoreError> {
    let accepted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM community_outcomes WHERE host_id = $1 AND status = 'accepted'",
    )
    .bind(host_id)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM community_photos WHERE assembly_id = $1 AND outcome_id IN
         (SELECT id FROM community_outcomes WHERE host_id = $2)",
    )
    .bind(assembly_id)
    .bind(host_id)
    .execute(&mut *conn)
    .await?;
    let outcomes =
        sqlx::query("DELETE FROM community_outcomes WHERE host_id = $1 AND assembly_id = $2")
            .bind(host_id)
            .bind(assembly_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    let hosts = sqlx::query("DELETE FROM community_hosts WHERE id = $1 AND assembly_id = $2")
        .bind(host_id)
        .bind(assembly_id)
        .execute(conn)
        .await?
        .rows_affected();
    if hosts == 0 {
        return Err(StoreError::NotFound);
    }
    Ok((outcomes as i64, accepted > 0))
}
