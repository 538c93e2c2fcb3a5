//! Sessions of an assembly: their date, time and place, their agenda items with timing, and the attendance register.
//!
//! Every function takes the assembly's id and refuses ([`StoreError::NotFound`]) a session of another assembly,
//! so a handler that checked the caller's role in one assembly cannot touch another's sessions.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A session to store (validated by the caller: a `YYYY-MM-DD` date, `HH:MM` times, the end after the start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// A short title, e.g. "Weekend 2: Housing".
    pub title: String,
    /// The day, `YYYY-MM-DD`.
    pub held_on: String,
    /// The start, `HH:MM`.
    pub starts_at: String,
    /// The end, `HH:MM`.
    pub ends_at: String,
    /// Where it takes place.
    pub place: String,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The id.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// Everything else, as given.
    pub fields: NewSession,
}

/// An agenda item to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgendaItem {
    /// When it starts, `HH:MM`.
    pub starts_at: String,
    /// How long it lasts, in minutes (at least 1).
    pub minutes: i64,
    /// What happens, e.g. "Evidence: heating homes".
    pub title: String,
    /// The agenda topic it belongs to (evidence and speakers are filed under topics), e.g. "Housing".
    pub topic: String,
}

/// An agenda item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItemRow {
    /// The id.
    pub id: i64,
    /// The session.
    pub session_id: i64,
    /// Everything else, as given.
    pub fields: NewAgendaItem,
}

/// A member's attendance at a session (the enum lives in `domain`; the store keeps its identifier).
pub use domain::attendance::Attendance;

/// Counts of a session's register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttendanceCounts {
    /// Present on time.
    pub present: i64,
    /// Late.
    pub late: i64,
    /// Absent.
    pub absent: i64,
}

fn session_from_row(row: &sqlx::any::AnyRow) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        fields: NewSession {
            title: row.try_get("title")?,
            held_on: row.try_get("held_on")?,
            starts_at: row.try_get("starts_at")?,
            ends_at: row.try_get("ends_at")?,
            place: row.try_get("place")?,
        },
    })
}

const SESSION_COLUMNS: &str = "id, assembly_id, title, held_on, starts_at, ends_at, place";

/// Stores a session and returns its id ([`StoreError::NotFound`] for an unknown assembly).
pub async fn create_session(
    conn: &mut AnyConnection,
    assembly_id: i64,
    new: &NewSession,
    now: i64,
) -> Result<i64, StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assembly_sessions (assembly_id, title, held_on, starts_at, ends_at, place, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(assembly_id)
    .bind(&new.title)
    .bind(&new.held_on)
    .bind(&new.starts_at)
    .bind(&new.ends_at)
    .bind(&new.place)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The sessions of an assembly, in date and time order.
pub async fn list_sessions(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<SessionRow>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SESSION_COLUMNS} FROM assembly_sessions WHERE assembly_id = $1 ORDER BY held_on, starts_at, id"
    )))
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(session_from_row).collect()
}

/// One session of an assembly ([`StoreError::NotFound`] if it belongs to another assembly).
pub async fn get_session(
    conn: &mut AnyConnection,
    assembly_id: i64,
    session_id: i64,
) -> Result<SessionRow, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SESSION_COLUMNS} FROM assembly_sessions WHERE assembly_id = $1 AND id = $2"
    )))
    .bind(assembly_id)
    .bind(session_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    session_from_row(&row)
}

/// Adds an item to a session's agenda and returns its id.
pub async fn add_agenda_item(
    conn: &mut AnyConnection,
    assembly_id: i64,
    session_id: i64,
    new: &NewAgendaItem,
) -> Result<i64, StoreError> {
    get_session(&mut *conn, assembly_id, session_id).await?;
    if new.minutes < 1 {
        return Err(StoreError::Corrupt(
            "an agenda item lasts at least a minute".to_owned(),
        ));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agenda_items (session_id, starts_at, minutes, title, topic) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(session_id)
    .bind(&new.starts_at)
    .bind(new.minutes)
    .bind(&new.title)
    .bind(&new.topic)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Every agenda item of an assembly's sessions, by session then start time.
pub async fn agenda_of_assembly(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<AgendaItemRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.id, i.session_id, i.starts_at, i.minutes, i.title, i.topic FROM agenda_items i
         JOIN assembly_sessions s ON s.id = i.session_id
         WHERE s.assembly_id = $1 ORDER BY i.session_id, i.starts_at, i.id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AgendaItemRow {
                id: row.try_get("id")?,
                session_id: row.try_get("session_id")?,
                fields: NewAgendaItem {
                    starts_at: row.try_get("starts_at")?,
                    minutes: row.try_get("minutes")?,
                    title: row.try_get("title")?,
                    topic: row.try_get("topic")?,
                },
            })
        })
        .collect()
}

/// The distinct agenda topics of an assembly, sorted (evidence and speakers are filed under them).
pub async fn topics(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<String>, StoreError> {
    let mut topics: Vec<String> = agenda_of_assembly(conn, assembly_id)
        .await?
        .into_iter()
        .map(|item| item.fields.topic)
        .collect();
    topics.sort();
    topics.dedup();
    Ok(topics)
}

/// Records (or corrects) the attendance of members at a session, in one go.
/// Every account must be a member of the assembly ([`StoreError::NotFound`] otherwise: nothing is written
/// if the caller's transaction is dropped).
pub async fn record_attendance(
    conn: &mut AnyConnection,
    assembly_id: i64,
    session_id: i64,
    entries: &[(i64, Attendance)],
    recorded_by: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    get_session(&mut *conn, assembly_id, session_id).await?;
    for (account_id, status) in entries {
        let role = crate::accounts::role_in(&mut *conn, *account_id, assembly_id).await?;
        if role != Some(domain::permission::Role::Member) {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO attendance (session_id, account_id, status, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (session_id, account_id) DO UPDATE
             SET status = excluded.status, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(session_id)
        .bind(*account_id)
        .bind(status.as_str())
        .bind(recorded_by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The register of a session: (account id, status) of every member recorded so far.
pub async fn attendance_of(
    conn: &mut AnyConnection,
    assembly_id: i64,
    session_id: i64,
) -> Result<Vec<(i64, Attendance)>, StoreError> {
    get_session(&mut *conn, assembly_id, session_id).await?;
    let rows = sqlx::query(
        "SELECT account_id, status FROM attendance WHERE session_id = $1 ORDER BY account_id",
    )
    .bind(session_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok((
                row.try_get("account_id")?,
                Attendance::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("attendance {status:?}")))?,
            ))
        })
        .collect()
}

/// The counts of a session's register.
pub async fn attendance_counts(
    conn: &mut AnyConnection,
    assembly_id: i64,
    session_id: i64,
) -> Result<AttendanceCounts, StoreError> {
    let mut counts = AttendanceCounts::default();
    for (_, status) in attendance_of(conn, assembly_id, session_id).await? {
        match status {
            Attendance::Present => counts.present += 1,
            Attendance::Late => counts.late += 1,
            Attendance::Absent => counts.absent += 1,
        }
    }
    Ok(counts)
}

/// The member accounts of an assembly as (id, display name), ordered by name then id.
pub async fn members_of(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.display_name FROM assembly_roles r JOIN accounts a ON a.id = r.account_id
         WHERE r.assembly_id = $1 AND r.role = 'member' ORDER BY a.display_name, a.id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("display_name")?)))
        .collect()
}

/// The accounts with a given role in an assembly as (id, display name), ordered by id.
pub async fn accounts_with_role(
    conn: &mut AnyConnection,
    assembly_id: i64,
    role: domain::permission::Role,
) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.display_name FROM assembly_roles r JOIN accounts a ON a.id = r.account_id
         WHERE r.assembly_id = $1 AND r.role = $2 ORDER BY a.id",
    )
    .bind(assembly_id)
    .bind(role.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("display_name")?)))
        .collect()
}
