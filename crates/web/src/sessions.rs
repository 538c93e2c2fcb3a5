//! The assembly at work (issue 5, item 1): sessions with their agenda, the attendance register that a facilitator
//! fills on a phone at the door, and the "my assembly" page where members see their schedule and their own table.
//!
//! Every change opens one transaction, writes, appends to the audit log (ids and kinds only), and commits.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::error::{Problem, ValidationError};
use domain::permission::{Action, Role, allowed};
use serde::Deserialize;
use store::sessions::{Attendance, NewAgendaItem, NewSession};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::SessionMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The form fields of a page, by name.
pub(crate) type Fields = HashMap<String, String>;

/// The value of a field, or the empty string.
pub(crate) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
}

/// A required text of at most `max` characters, trimmed.
pub(crate) fn text(fields: &Fields, name: &str, max: usize) -> Result<String, ValidationError> {
    let trimmed = field(fields, name).trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(name, Problem::Required));
    }
    if trimmed.chars().count() > max {
        return Err(ValidationError::new(name, Problem::TooLong { max }));
    }
    Ok(trimmed.to_owned())
}

/// A `YYYY-MM-DD` date.
pub(crate) fn date(fields: &Fields, name: &str) -> Result<String, ValidationError> {
    let raw = text(fields, name, 10)?;
    time::Date::parse(
        &raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| ValidationError::new(name, Problem::Malformed))?;
    Ok(raw)
}

/// An `HH:MM` time of day.
pub(crate) fn clock(fields: &Fields, name: &str) -> Result<String, ValidationError> {
    let raw = text(fields, name, 5)?;
    let malformed = || ValidationError::new(name, Problem::Malformed);
    let (hours, minutes) = raw.split_once(':').ok_or_else(malformed)?;
    let valid = hours.len() == 2
        && minutes.len() == 2
        && hours
            .bytes()
            .chain(minutes.bytes())
            .all(|b| b.is_ascii_digit());
    let (hours, minutes): (u32, u32) = match (hours.parse(), minutes.parse()) {
        (Ok(hours), Ok(minutes)) if valid => (hours, minutes),
        _ => return Err(malformed()),
    };
    if hours > 23 || minutes > 59 {
        return Err(malformed());
    }
    Ok(raw)
}

/// A whole number in `min..=max`.
pub(crate) fn number(
    fields: &Fields,
    name: &str,
    min: i64,
    max: i64,
) -> Result<i64, ValidationError> {
    let raw = text(fields, name, 20)?;
    match raw.parse::<i64>() {
        Ok(value) if (min..=max).contains(&value) => Ok(value),
        _ => Err(ValidationError::new(name, Problem::Malformed)),
    }
}

/// Translated error sentences.
pub(crate) fn describe_all(
    viewer: &Viewer,
    errors: impl IntoIterator<Item = ValidationError>,
) -> Vec<String> {
    let m = viewer.lang.messages();
    errors.into_iter().map(|error| m.describe(&error)).collect()
}

/// Appends one audit entry for the viewer.
pub(crate) async fn audit(
    conn: &mut store::AnyConnection,
    viewer: &Viewer,
    action: &str,
    entity: &str,
    after: serde_json::Value,
    now: i64,
) -> Result<(), AppError> {
    let after = after.to_string();
    store::audit::append(
        conn,
        &store::audit::Change {
            actor_account_id: viewer.account.as_ref().map(|account| account.id),
            action,
            entity,
            before_json: None,
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    Ok(())
}

/// `?saved=1` after a change.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    /// Present after a successful change.
    pub saved: Option<String>,
}

/// An agenda item as shown.
pub struct AgendaView {
    /// `HH:MM`.
    pub starts_at: String,
    /// Duration in minutes.
    pub minutes: i64,
    /// What happens.
    pub title: String,
    /// The topic.
    pub topic: String,
}

/// A session as shown.
pub struct SessionView {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// `HH:MM`.
    pub starts_at: String,
    /// `HH:MM`.
    pub ends_at: String,
    /// Where.
    pub place: String,
    /// The agenda, by start time.
    pub agenda: Vec<AgendaView>,
    /// Attendance counts (present, late, absent), for staff.
    pub counts: (i64, i64, i64),
    /// The viewer's table (1-based) in this session, for members, once allocated.
    pub my_table: Option<i64>,
    /// The tables the viewer facilitates in this session: (table, 1-based, and the names of its members).
    pub facilitating: Vec<(i64, Vec<String>)>,
}

pub(crate) async fn session_views(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    with_counts: bool,
) -> Result<Vec<SessionView>, AppError> {
    let sessions = store::sessions::list_sessions(&mut *conn, assembly_id).await?;
    let agenda = store::sessions::agenda_of_assembly(&mut *conn, assembly_id).await?;
    let mut views = Vec::with_capacity(sessions.len());
    for session in sessions {
        let counts = if with_counts {
            let counts =
                store::sessions::attendance_counts(&mut *conn, assembly_id, session.id).await?;
            (counts.present, counts.late, counts.absent)
        } else {
            (0, 0, 0)
        };
        views.push(SessionView {
            id: session.id,
            title: session.fields.title,
            held_on: session.fields.held_on,
            starts_at: session.fields.starts_at,
            ends_at: session.fields.ends_at,
            place: session.fields.place,
            agenda: agenda
                .iter()
                .filter(|item| item.session_id == session.id)
                .map(|item| AgendaView {
                    starts_at: item.fields.starts_at.clone(),
                    minutes: item.fields.minutes,
                    title: item.fields.title.clone(),
                    topic: item.fields.topic.clone(),
                })
                .collect(),
            counts,
            my_table: None,
            facilitating: Vec::new(),
        });
    }
    Ok(views)
}

/// The sessions page of the staff workspace.
#[derive(Template)]
#[template(path = "sessions.html")]
pub struct SessionsPage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static SessionMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The sessions.
    pub sessions: Vec<SessionView>,
    /// How many members the assembly has.
    pub members: usize,
    /// Whether the viewer may add sessions and agenda items.
    pub can_manage: bool,
    /// Whether the viewer may take attendance.
    pub can_take_attendance: bool,
    /// Whether to link the tables page.
    pub can_see_tables: bool,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// The session whose agenda form had the errors (0 for the new-session form).
    pub error_session: i64,
    /// The values typed in the failed form.
    pub typed: Fields,
    /// Whether the last change was saved.
    pub saved: bool,
}

impl SessionsPage {
    /// A typed value of the failed new-session form.
    pub fn typed_new(&self, name: &str) -> &str {
        self.typed_for(&0, name)
    }

    /// A typed value of the failed form, for the form of `session` (0: the new-session form).
    pub fn typed_for(&self, session: &i64, name: &str) -> &str {
        if *session == self.error_session {
            field(&self.typed, name)
        } else {
            ""
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn sessions_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    error_session: i64,
    typed: Fields,
    saved: bool,
) -> Result<Response, AppError> {
    let mut conn = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut conn, assembly_id).await?;
    let sessions = session_views(&mut conn, assembly_id, true).await?;
    let members = store::sessions::members_of(&mut conn, assembly_id)
        .await?
        .len();
    drop(conn);
    let t = viewer.lang.messages().sess;
    render(
        status,
        &SessionsPage {
            c: Chrome::new(viewer, t.sessions_title),
            t,
            assembly_id,
            assembly_title: record.title,
            sessions,
            members,
            can_manage: allowed(viewer.role, Action::ManageSessions),
            can_take_attendance: allowed(viewer.role, Action::TakeAttendance),
            can_see_tables: allowed(viewer.role, Action::ViewTables),
            errors,
            error_session,
            typed,
            saved,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/sessions`: the sessions with their agenda and attendance counts.
pub async fn sessions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    sessions_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        Vec::new(),
        0,
        Fields::new(),
        query.saved.is_some(),
    )
    .await
}

fn parse_session(fields: &Fields) -> Result<NewSession, Vec<ValidationError>> {
    let title = text(fields, "session_title", 200);
    let held_on = date(fields, "held_on");
    let starts_at = clock(fields, "starts_at");
    let ends_at = clock(fields, "ends_at");
    let place = text(fields, "place", 300);
    match (title, held_on, starts_at, ends_at, place) {
        (Ok(title), Ok(held_on), Ok(starts_at), Ok(ends_at), Ok(place)) => {
            if ends_at <= starts_at {
                return Err(vec![ValidationError::new("ends_at", Problem::OutOfOrder)]);
            }
            Ok(NewSession {
                title,
                held_on,
                starts_at,
                ends_at,
                place,
            })
        }
        (title, held_on, starts_at, ends_at, place) => Err([
            title.err(),
            held_on.err(),
            starts_at.err(),
            ends_at.err(),
            place.err(),
        ]
        .into_iter()
        .flatten()
        .collect()),
    }
}

/// `POST /staff/assemblies/{assembly_id}/sessions`: adds a session.
pub async fn create_session(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let new = match parse_session(&fields) {
        Ok(new) => new,
        Err(errors) => {
            let errors = describe_all(&viewer, errors);
            return sessions_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                0,
                fields,
                false,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = store::sessions::create_session(&mut tx, assembly_id, &new, now).await?;
    let entity = format!("assembly:{assembly_id}/session:{id}");
    audit(
        &mut tx,
        &viewer,
        "session.create",
        &entity,
        serde_json::json!({ "id": id, "held_on": new.held_on }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, session_id = id, "session created");
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/sessions?saved=1")).into_response())
}

fn parse_agenda_item(fields: &Fields) -> Result<NewAgendaItem, Vec<ValidationError>> {
    let starts_at = clock(fields, "item_starts_at");
    let minutes = number(fields, "minutes", 1, 720);
    let title = text(fields, "item_title", 200);
    let topic = text(fields, "topic", 100);
    match (starts_at, minutes, title, topic) {
        (Ok(starts_at), Ok(minutes), Ok(title), Ok(topic)) => Ok(NewAgendaItem {
            starts_at,
            minutes,
            title,
            topic,
        }),
        (starts_at, minutes, title, topic) => {
            Err([starts_at.err(), minutes.err(), title.err(), topic.err()]
                .into_iter()
                .flatten()
                .collect())
        }
    }
}

/// `POST /staff/assemblies/{assembly_id}/sessions/{session_id}/agenda`: adds an agenda item to a session.
pub async fn add_agenda_item(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, session_id)): Path<(i64, i64)>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let new = match parse_agenda_item(&fields) {
        Ok(new) => new,
        Err(errors) => {
            let errors = describe_all(&viewer, errors);
            return sessions_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                session_id,
                fields,
                false,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = store::sessions::add_agenda_item(&mut tx, assembly_id, session_id, &new).await?;
    let entity = format!("assembly:{assembly_id}/session:{session_id}/agenda_item:{id}");
    audit(
        &mut tx,
        &viewer,
        "agenda_item.create",
        &entity,
        serde_json::json!({ "id": id, "minutes": new.minutes }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        assembly_id,
        session_id,
        agenda_item_id = id,
        "agenda item added"
    );
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/sessions?saved=1#session-{session_id}"
    ))
    .into_response())
}

/// One member's row of the register.
pub struct RegisterRow {
    /// The account id (the field is `m_<id>`).
    pub id: i64,
    /// The member's name.
    pub name: String,
    /// The recorded or typed status (`present`, `late`, `absent`), empty if none.
    pub status: String,
}

/// The attendance register of one session, made for a phone at the door.
#[derive(Template)]
#[template(path = "attendance.html")]
pub struct AttendancePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static SessionMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The session.
    pub session: SessionView,
    /// The members, by name.
    pub rows: Vec<RegisterRow>,
    /// The statuses (identifier, translated label).
    pub statuses: Vec<(&'static str, &'static str)>,
    /// Errors of the last post.
    pub errors: Vec<String>,
    /// Whether the register was just saved.
    pub saved: bool,
}

/// What the register shows: what was recorded (just saved or not), or a refused post with its errors and choices.
enum RegisterView<'a> {
    Recorded {
        saved: bool,
    },
    Refused {
        errors: Vec<String>,
        typed: &'a Fields,
    },
}

async fn attendance_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    session_id: i64,
    view: RegisterView<'_>,
) -> Result<Response, AppError> {
    let (status, errors, typed, saved) = match view {
        RegisterView::Recorded { saved } => (StatusCode::OK, Vec::new(), None, saved),
        RegisterView::Refused { errors, typed } => {
            (StatusCode::UNPROCESSABLE_ENTITY, errors, Some(typed), false)
        }
    };
    let mut conn = state.store.connection().await?;
    let session = session_views(&mut conn, assembly_id, true)
        .await?
        .into_iter()
        .find(|session| session.id == session_id)
        .ok_or(AppError::NotFound)?;
    let recorded = store::sessions::attendance_of(&mut conn, assembly_id, session_id).await?;
    let members = store::sessions::members_of(&mut conn, assembly_id).await?;
    drop(conn);
    let t = viewer.lang.messages().sess;
    let rows = members
        .into_iter()
        .map(|(id, name)| {
            let status = match typed {
                Some(fields) => field(fields, &format!("m_{id}")).to_owned(),
                None => recorded
                    .iter()
                    .find(|(account_id, _)| *account_id == id)
                    .map(|(_, status)| status.as_str().to_owned())
                    .unwrap_or_default(),
            };
            RegisterRow { id, name, status }
        })
        .collect();
    render(
        status,
        &AttendancePage {
            c: Chrome::new(
                viewer,
                format!("{} · {}", t.attendance_title, session.title),
            ),
            t,
            assembly_id,
            session,
            rows,
            statuses: Attendance::ALL
                .into_iter()
                .map(|status| (status.as_str(), t.attendance_label(status)))
                .collect(),
            errors,
            saved,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/sessions/{session_id}/attendance`: the register.
pub async fn attendance(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, session_id)): Path<(i64, i64)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    attendance_page(
        &state,
        &viewer,
        assembly_id,
        session_id,
        RegisterView::Recorded {
            saved: query.saved.is_some(),
        },
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/sessions/{session_id}/attendance`: saves the register in one go
/// (members left without a choice keep what was recorded before).
pub async fn record_attendance(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, session_id)): Path<(i64, i64)>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let t = viewer.lang.messages().sess;
    let mut conn = state.store.connection().await?;
    store::sessions::get_session(&mut conn, assembly_id, session_id).await?;
    let members = store::sessions::members_of(&mut conn, assembly_id).await?;
    drop(conn);
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (name, value) in &fields {
        let Some(raw_id) = name.strip_prefix("m_") else {
            continue;
        };
        let member = raw_id
            .parse::<i64>()
            .ok()
            .and_then(|id| members.iter().find(|(member_id, _)| *member_id == id));
        let Some((id, member_name)) = member else {
            errors.push(t.err_not_a_member.to_owned());
            continue;
        };
        if value.is_empty() {
            continue;
        }
        match Attendance::parse(value) {
            Some(status) => entries.push((*id, status)),
            None => errors.push(t.err_attendance_value.replace("{name}", member_name)),
        }
    }
    if !errors.is_empty() {
        return attendance_page(
            &state,
            &viewer,
            assembly_id,
            session_id,
            RegisterView::Refused {
                errors,
                typed: &fields,
            },
        )
        .await;
    }
    entries.sort_by_key(|(id, _)| *id);
    let now = now();
    let recorder = viewer.account.as_ref().map(|account| account.id);
    let mut tx = state.store.begin().await?;
    store::sessions::record_attendance(&mut tx, assembly_id, session_id, &entries, recorder, now)
        .await?;
    let entity = format!("assembly:{assembly_id}/session:{session_id}/attendance");
    let count = |wanted: Attendance| {
        entries
            .iter()
            .filter(|(_, status)| *status == wanted)
            .count()
    };
    audit(
        &mut tx,
        &viewer,
        "attendance.record",
        &entity,
        serde_json::json!({
            "present": count(Attendance::Present),
            "late": count(Attendance::Late),
            "absent": count(Attendance::Absent),
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        assembly_id,
        session_id,
        recorded = entries.len(),
        "attendance recorded"
    );
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/sessions/{session_id}/attendance?saved=1"
    ))
    .into_response())
}

/// A speaker as shown to members, with the question form.
pub struct SpeakerView {
    /// The id.
    pub id: i64,
    /// Name and affiliation.
    pub name: String,
    /// The topic.
    pub topic: String,
    /// The declared perspective.
    pub perspective: String,
    /// The declared interests.
    pub interests: String,
}

/// "My assembly": one's sessions, agenda and table, and the speakers to question.
#[derive(Template)]
#[template(path = "mine.html")]
pub struct MinePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static SessionMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The sessions with the viewer's table or tables.
    pub sessions: Vec<SessionView>,
    /// Whether tables have been allocated.
    pub allocated: bool,
    /// Whether the viewer is a member (has a table of their own).
    pub is_member: bool,
    /// Whether the viewer may question speakers and ask for speakers.
    pub can_ask: bool,
    /// The speakers.
    pub speakers: Vec<SpeakerView>,
    /// The agenda topics, for the speaker request form.
    pub topics: Vec<String>,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// Values typed in the last form.
    pub typed: Fields,
    /// A confirmation to show.
    pub notice: Option<&'static str>,
}

impl MinePage {
    /// A typed value of the failed form.
    pub fn typed(&self, name: &str) -> &str {
        field(&self.typed, name)
    }
}

/// `?asked=1` or `?requested=1` after a post.
#[derive(Debug, Deserialize)]
pub struct MineQuery {
    /// After a question.
    pub asked: Option<String>,
    /// After a speaker request.
    pub requested: Option<String>,
}

pub(crate) async fn mine_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    typed: Fields,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let account_id = viewer.account_id()?;
    let mut conn = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut conn, assembly_id).await?;
    let mut sessions = session_views(&mut conn, assembly_id, false).await?;
    let run = store::seating::current_run(&mut conn, assembly_id).await?;
    let is_member = viewer.role == Role::Member;
    if let Some(run) = &run {
        if is_member {
            // A member sees their own table and nothing else of the seating.
            for (session_id, table_no) in
                store::seating::seats_of_account(&mut conn, assembly_id, account_id).await?
            {
                if let Some(session) = sessions.iter_mut().find(|session| session.id == session_id)
                {
                    session.my_table = Some(table_no + 1);
                }
            }
        } else if viewer.role == Role::Facilitator {
            // A facilitator sees the members of the tables they facilitate.
            let facilitated: Vec<_> = store::seating::facilitator_seats(&mut conn, run.id)
                .await?
                .into_iter()
                .filter(|seat| seat.account_id == account_id)
                .collect();
            if !facilitated.is_empty() {
                let seats = store::seating::seats(&mut conn, run.id).await?;
                let names = store::sessions::members_of(&mut conn, assembly_id).await?;
                for seat in facilitated {
                    let members = seats
                        .iter()
                        .filter(|s| s.session_id == seat.session_id && s.table_no == seat.table_no)
                        .filter_map(|s| {
                            names
                                .iter()
                                .find(|(id, _)| *id == s.account_id)
                                .map(|(_, name)| name.clone())
                        })
                        .collect();
                    if let Some(session) = sessions
                        .iter_mut()
                        .find(|session| session.id == seat.session_id)
                    {
                        session.facilitating.push((seat.table_no + 1, members));
                    }
                }
            }
        }
    }
    let speakers = store::evidence::list_speakers(&mut conn, assembly_id)
        .await?
        .into_iter()
        .map(|row| SpeakerView {
            id: row.id,
            name: row.fields.name,
            topic: row.fields.topic,
            perspective: row.fields.perspective,
            interests: row.fields.interests,
        })
        .collect();
    let topics = store::sessions::topics(&mut conn, assembly_id).await?;
    drop(conn);
    let t = viewer.lang.messages().sess;
    render(
        status,
        &MinePage {
            c: Chrome::new(viewer, t.mine_title),
            t,
            assembly_id,
            assembly_title: record.title,
            sessions,
            allocated: run.is_some(),
            is_member,
            can_ask: allowed(viewer.role, Action::AskSpeakers),
            speakers,
            topics,
            errors,
            typed,
            notice,
        },
    )
}

/// `GET /assemblies/{assembly_id}/mine`: the viewer's schedule in this assembly.
pub async fn mine(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<MineQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.messages().sess;
    let notice = if query.asked.is_some() {
        Some(t.question_sent)
    } else if query.requested.is_some() {
        Some(t.request_sent)
    } else {
        None
    };
    mine_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        Vec::new(),
        Fields::new(),
        notice,
    )
    .await
}

/// `POST /assemblies/{assembly_id}/questions`: a member asks a speaker a question.
pub async fn ask_question(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let account_id = viewer.account_id()?;
    let speaker = number(&fields, "speaker_id", 1, i64::MAX);
    let question = text(&fields, "question", 1000);
    let (speaker_id, question) = match (speaker, question) {
        (Ok(speaker_id), Ok(question)) => (speaker_id, question),
        (speaker, question) => {
            let errors = describe_all(
                &viewer,
                [speaker.err(), question.err()].into_iter().flatten(),
            );
            return mine_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                fields,
                None,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = match store::evidence::ask_question(
        &mut tx,
        assembly_id,
        speaker_id,
        account_id,
        &question,
        now,
    )
    .await
    {
        Ok(id) => id,
        Err(store::StoreError::NotFound) => {
            drop(tx);
            let errors = describe_all(
                &viewer,
                [ValidationError::new("speaker_id", Problem::Malformed)],
            );
            return mine_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                fields,
                None,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    };
    let entity = format!("assembly:{assembly_id}/speaker:{speaker_id}/question:{id}");
    audit(
        &mut tx,
        &viewer,
        "speaker_question.create",
        &entity,
        serde_json::json!({ "id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        assembly_id,
        speaker_id,
        question_id = id,
        "question to a speaker"
    );
    Ok(Redirect::to(&format!("/assemblies/{assembly_id}/mine?asked=1")).into_response())
}

/// `POST /assemblies/{assembly_id}/speaker-requests`: a member asks to hear a speaker on a topic.
pub async fn request_speaker(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let account_id = viewer.account_id()?;
    let (topic, request) = match (
        text(&fields, "request_topic", 100),
        text(&fields, "request", 1000),
    ) {
        (Ok(topic), Ok(request)) => (topic, request),
        (topic, request) => {
            let errors = describe_all(&viewer, [topic.err(), request.err()].into_iter().flatten());
            return mine_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                fields,
                None,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id =
        store::evidence::request_speaker(&mut tx, assembly_id, account_id, &topic, &request, now)
            .await?;
    let entity = format!("assembly:{assembly_id}/speaker_request:{id}");
    audit(
        &mut tx,
        &viewer,
        "speaker_request.create",
        &entity,
        serde_json::json!({ "id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, speaker_request_id = id, "speaker requested");
    Ok(Redirect::to(&format!("/assemblies/{assembly_id}/mine?requested=1")).into_response())
}
