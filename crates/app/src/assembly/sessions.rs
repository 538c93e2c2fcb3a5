//! Sessions with their agenda, and the attendance register: what the staff pages read, and the changes.

use domain::attendance::Attendance;
use serde_json::json;
use store::sessions::{AgendaItemRow, AttendanceCounts, NewAgendaItem, NewSession, SessionRow};

use super::{AssemblyError, Refusal};
use crate::audit::{Entry, audited};
use crate::{Actor, Result};

/// A session with its agenda and, for staff, the counts of its register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    /// The session.
    pub session: SessionRow,
    /// Its agenda items, by start time.
    pub agenda: Vec<AgendaItemRow>,
    /// The counts of its register (all zero when not asked for).
    pub counts: AttendanceCounts,
}

/// The sessions of an assembly in date order, each with its agenda, and with the counts of its register when
/// `with_counts`.
pub async fn schedule(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    with_counts: bool,
) -> Result<Vec<SessionSummary>> {
    let sessions = store::sessions::list_sessions(&mut *conn, assembly_id).await?;
    let agenda = store::sessions::agenda_of_assembly(&mut *conn, assembly_id).await?;
    let mut summaries = Vec::with_capacity(sessions.len());
    for session in sessions {
        let counts = if with_counts {
            store::sessions::attendance_counts(&mut *conn, assembly_id, session.id).await?
        } else {
            AttendanceCounts::default()
        };
        summaries.push(SessionSummary {
            agenda: agenda
                .iter()
                .filter(|item| item.session_id == session.id)
                .cloned()
                .collect(),
            session,
            counts,
        });
    }
    Ok(summaries)
}

/// What the staff sessions page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionsOverview {
    /// The assembly's title.
    pub title: String,
    /// The sessions, with their agenda and register counts.
    pub sessions: Vec<SessionSummary>,
    /// How many members the assembly has.
    pub members: usize,
}

/// The sessions of an assembly for its staff.
pub async fn sessions_overview(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
) -> Result<SessionsOverview> {
    let record = store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let sessions = schedule(&mut *conn, assembly_id, true).await?;
    let members = store::sessions::members_of(&mut *conn, assembly_id)
        .await?
        .len();
    Ok(SessionsOverview {
        title: record.title,
        sessions,
        members,
    })
}

/// The attendance register of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    /// The session, with its agenda and counts.
    pub session: SessionSummary,
    /// The members as (account id, name), by name (personal data: shown to staff, never logged).
    pub members: Vec<(i64, String)>,
    /// What was recorded so far, as (account id, status).
    pub recorded: Vec<(i64, Attendance)>,
}

/// The register of a session of the assembly ([`crate::Error::NotFound`] for another assembly's session).
pub async fn register(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    session_id: i64,
) -> Result<Register> {
    let session = schedule(&mut *conn, assembly_id, true)
        .await?
        .into_iter()
        .find(|summary| summary.session.id == session_id)
        .ok_or(crate::Error::NotFound)?;
    let recorded = store::sessions::attendance_of(&mut *conn, assembly_id, session_id).await?;
    let members = store::sessions::members_of(&mut *conn, assembly_id).await?;
    Ok(Register {
        session,
        members,
        recorded,
    })
}

/// An organiser adds a session to the assembly; returns its id.
pub async fn create_session(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    new: &NewSession,
    now: i64,
) -> Result<i64> {
    // The entity names the new id, known once the row is written: the write comes first, in the same
    // transaction, and its entry is logged through `audited` right after.
    let id = store::sessions::create_session(tx, assembly_id, new, now).await?;
    let entity = format!("assembly:{assembly_id}/session:{id}");
    let after = json!({ "id": id, "held_on": new.held_on });
    let id = audited(tx, actor, "session.create", &entity, now, async |_| {
        Ok((id, Entry::after(after)))
    })
    .await?;
    tracing::info!(assembly_id, session_id = id, "session created");
    Ok(id)
}

/// An organiser adds an item to a session's agenda; returns its id.
pub async fn add_agenda_item(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    session_id: i64,
    new: &NewAgendaItem,
    now: i64,
) -> Result<i64> {
    let id = store::sessions::add_agenda_item(tx, assembly_id, session_id, new).await?;
    let entity = format!("assembly:{assembly_id}/session:{session_id}/agenda_item:{id}");
    let after = json!({ "id": id, "minutes": new.minutes });
    let id = audited(tx, actor, "agenda_item.create", &entity, now, async |_| {
        Ok((id, Entry::after(after)))
    })
    .await?;
    tracing::info!(
        assembly_id,
        session_id,
        agenda_item_id = id,
        "agenda item added"
    );
    Ok(id)
}

/// A facilitator or organiser saves the register of a session in one go. `marks` holds, per account named by the
/// form, the status chosen, or `None` when the member was left without a choice (they keep what was recorded
/// before). Every account must be a member of the assembly ([`Refusal::NotAMember`]). Returns how many statuses
/// were recorded. The log keeps the counts, never who.
pub async fn record_attendance(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    session_id: i64,
    marks: &[(i64, Option<Attendance>)],
    now: i64,
) -> Result<usize, AssemblyError> {
    store::sessions::get_session(tx, assembly_id, session_id).await?;
    let members = store::sessions::members_of(tx, assembly_id).await?;
    if marks
        .iter()
        .any(|(id, _)| !members.iter().any(|(member, _)| member == id))
    {
        return Err(Refusal::NotAMember.into());
    }
    let mut entries: Vec<(i64, Attendance)> = marks
        .iter()
        .filter_map(|(id, status)| status.map(|status| (*id, status)))
        .collect();
    entries.sort_by_key(|(id, _)| *id);
    let count = |wanted: Attendance| {
        entries
            .iter()
            .filter(|(_, status)| *status == wanted)
            .count()
    };
    let after = json!({
        "present": count(Attendance::Present),
        "late": count(Attendance::Late),
        "absent": count(Attendance::Absent),
    });
    let entity = format!("assembly:{assembly_id}/session:{session_id}/attendance");
    let recorder = actor.account_id;
    let recorded = audited(tx, actor, "attendance.record", &entity, now, async |tx| {
        store::sessions::record_attendance(tx, assembly_id, session_id, &entries, recorder, now)
            .await?;
        Ok((entries.len(), Entry::after(after)))
    })
    .await?;
    tracing::info!(assembly_id, session_id, recorded, "attendance recorded");
    Ok(recorded)
}
