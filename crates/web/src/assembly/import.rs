//! The sessions import (issue 18, item 1): sessions with their agenda items from one CSV file, previewed, then
//! created all or nothing in one transaction (one audit entry per session and per agenda item), from the sessions
//! page or the API.
//!
//! One line is one agenda item; lines with the same session title and day make one session, whose later lines may
//! leave its start, end and place empty (a value given must be the same). A line's cells become the sessions
//! page's own forms ([`SessionFields`], [`AgendaItemFields`]), checked the same way; every problem is named by line
//! and column, and a session that the assembly already has (same title, same day) is refused, so importing a file
//! twice creates nothing the second time.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use serde_json::json;

use app::bulk::{BulkError, SessionWithAgenda};

use super::forms::{AgendaItemFields, SessionFields};
use crate::auth::Viewer;
use crate::csv_import::{
    ImportForm, ImportInput, Target, Words, at, at_columns, csv_errors, csv_file, preview,
    read_lines, refused_file,
};
use crate::error::AppError;
use crate::form::{Submitted, Validate};
use crate::i18n::bulk::BulkMessages;
use crate::i18n::{AssemblyMessages, Lang, fill};
use crate::{AppState, now};

/// The columns of the sessions CSV: the session's, then its agenda item's (the form fields' names).
pub const SESSION_COLUMNS: [&str; 9] = [
    "session_title",
    "held_on",
    "starts_at",
    "ends_at",
    "place",
    "item_starts_at",
    "minutes",
    "item_title",
    "topic",
];
const SESSION_REQUIRED: [bool; 9] = [true, true, true, true, true, false, false, false, false];
/// Where the agenda item's columns start in [`SESSION_COLUMNS`].
const FIRST_ITEM_COLUMN: usize = 5;

/// A session read from a file: the line it starts on, and what to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSession {
    /// The line of its first agenda item.
    pub line: u64,
    /// The session and its agenda.
    pub new: SessionWithAgenda,
}

/// Reads a sessions CSV ([`SESSION_COLUMNS`]), refusing sessions in `existing` (title, day). Every problem is
/// reported as "Line L, column C: ..." and any problem refuses the whole file.
pub fn parse_sessions(
    text: &str,
    lang: Lang,
    existing: &[(String, String)],
) -> Result<Vec<ReadSession>, Vec<String>> {
    let b = lang.t::<BulkMessages>();
    let words = Words::bulk(b, b.sessions_import_label);
    let (lines, position) = read_lines(text, &words, &SESSION_COLUMNS, &SESSION_REQUIRED)?;
    let column_of = |field: &str| SESSION_COLUMNS.iter().position(|c| *c == field);
    let describe = |invalid: &crate::form::FieldErrors| invalid.describe(lang);
    let mut errors = Vec::new();
    let mut sessions: Vec<ReadSession> = Vec::new();
    // Sessions whose first line was refused: their later lines check their agenda item only.
    let mut refused: Vec<(String, String)> = Vec::new();
    for line in lines {
        let cell = |index: usize| line.cells[index].clone();
        let (title, day) = (line.cells[0].trim(), line.cells[1].trim());
        let earlier = sessions
            .iter()
            .position(|read| read.new.session.title == title && read.new.session.held_on == day);
        let already_refused = refused.iter().any(|(t, d)| t == title && d == day);
        let session = match earlier {
            None if already_refused => None,
            Some(index) => {
                let first = &sessions[index].new.session;
                let given = [
                    (2, &first.starts_at),
                    (3, &first.ends_at),
                    (4, &first.place),
                ];
                for (column, value) in given {
                    let typed = line.cells[column].trim();
                    if !typed.is_empty() && typed != value.as_str() {
                        let words_of =
                            fill(b.err_session_differs, &[("field", SESSION_COLUMNS[column])]);
                        errors.push(at(&words, line.number, position[column], &words_of));
                    }
                }
                Some(index)
            }
            None => {
                let form = SessionFields {
                    session_title: cell(0),
                    held_on: cell(1),
                    starts_at: cell(2),
                    ends_at: cell(3),
                    place: cell(4),
                };
                match form.validate() {
                    Ok(new) if existing.contains(&(new.title.clone(), new.held_on.clone())) => {
                        let words_of = fill(b.err_session_exists, &[("field", SESSION_COLUMNS[0])]);
                        errors.push(at(&words, line.number, position[0], &words_of));
                        refused.push((title.to_owned(), day.to_owned()));
                        None
                    }
                    Ok(new) => {
                        sessions.push(ReadSession {
                            line: line.number,
                            new: SessionWithAgenda {
                                session: new,
                                items: Vec::new(),
                            },
                        });
                        Some(sessions.len() - 1)
                    }
                    Err(invalid) => {
                        let sentences = describe(&invalid);
                        at_columns(
                            &words,
                            &position,
                            line.number,
                            &invalid,
                            sentences,
                            column_of,
                            &mut errors,
                        );
                        refused.push((title.to_owned(), day.to_owned()));
                        None
                    }
                }
            }
        };
        if line.cells[FIRST_ITEM_COLUMN..]
            .iter()
            .all(|cell| cell.trim().is_empty())
        {
            continue;
        }
        let form = AgendaItemFields {
            item_starts_at: cell(5),
            minutes: cell(6),
            item_title: cell(7),
            topic: cell(8),
        };
        match form.validate() {
            Ok(item) => {
                if let Some(index) = session {
                    sessions[index].new.items.push(item);
                }
            }
            Err(invalid) => {
                let sentences = describe(&invalid);
                at_columns(
                    &words,
                    &position,
                    line.number,
                    &invalid,
                    sentences,
                    column_of,
                    &mut errors,
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(sessions)
    } else {
        Err(errors)
    }
}

/// The assembly's sessions as (title, day).
async fn existing_sessions(
    tx: &mut store::Tx,
    assembly_id: i64,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(store::sessions::list_sessions(tx, assembly_id)
        .await?
        .into_iter()
        .map(|row| (row.fields.title, row.fields.held_on))
        .collect())
}

/// Reads the file in the request's transaction, an empty file counted as a problem.
async fn read(
    tx: &mut store::Tx,
    lang: Lang,
    assembly_id: i64,
    text: &str,
) -> Result<Result<Vec<ReadSession>, Vec<String>>, AppError> {
    let existing = existing_sessions(tx, assembly_id).await?;
    let b = lang.t::<BulkMessages>();
    Ok(match parse_sessions(text, lang, &existing) {
        Ok(sessions) if sessions.is_empty() => Err(vec![fill(
            b.err_required,
            &[("field", b.sessions_import_label)],
        )]),
        other => other,
    })
}

/// Where the sessions import posts and links back to.
fn target(viewer: &Viewer, assembly_id: i64) -> Target {
    let b = viewer.lang.t::<BulkMessages>();
    Target {
        action: format!("/staff/assemblies/{assembly_id}/sessions/import"),
        back_href: format!("/staff/assemblies/{assembly_id}/sessions"),
        back_label: viewer.lang.t::<AssemblyMessages>().sessions_title,
        text_label: b.sessions_import_label,
    }
}

/// Creates what the file reads as, in `tx`; a refused session (none is expected past the form's checks) becomes
/// the handler's error.
async fn create(
    tx: &mut store::Tx,
    viewer: &Viewer,
    assembly_id: i64,
    sessions: &[ReadSession],
) -> Result<Vec<i64>, AppError> {
    let new: Vec<SessionWithAgenda> = sessions.iter().map(|read| read.new.clone()).collect();
    match app::bulk::create_sessions(tx, &viewer.actor(), assembly_id, &new, now()).await {
        Ok(ids) => Ok(ids),
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(refused)) => Err(refused.error.into()),
    }
}

/// `POST /staff/assemblies/{assembly_id}/sessions/import`: sessions with their agenda from CSV, previewed, then
/// created all or nothing when confirmed.
pub async fn import_sessions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ImportForm>,
) -> Result<Response, AppError> {
    let (text, confirm) = match form {
        Ok(command) => command,
        Err(invalid) => (invalid.fields.csv, false),
    };
    let mut tx = state.store.begin().await?;
    let sessions = match read(&mut tx, viewer.lang, assembly_id, &text).await? {
        Ok(sessions) => sessions,
        Err(errors) => {
            drop(tx);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return refused_file(&viewer, target(&viewer, assembly_id), status, &text, errors);
        }
    };
    if !confirm {
        drop(tx);
        let t = viewer.lang.t::<AssemblyMessages>();
        let b = viewer.lang.t::<BulkMessages>();
        let headers = vec![
            t.session_title_label,
            t.held_on_label,
            t.starts_label,
            t.ends_label,
            t.place_label,
            b.agenda_items_col,
        ];
        let rows = sessions
            .iter()
            .map(|read| {
                let session = &read.new.session;
                let items = read
                    .new
                    .items
                    .iter()
                    .map(|item| format!("{} ({} min) {}", item.starts_at, item.minutes, item.title))
                    .collect::<Vec<_>>()
                    .join(" · ");
                vec![
                    session.title.clone(),
                    session.held_on.clone(),
                    session.starts_at.clone(),
                    session.ends_at.clone(),
                    session.place.clone(),
                    items,
                ]
            })
            .collect();
        return preview(&viewer, target(&viewer, assembly_id), headers, rows, &text);
    }
    create(&mut tx, &viewer, assembly_id, &sessions).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/sessions?saved=1")).into_response())
}

/// `GET /staff/assemblies/{assembly_id}/sessions/import-template.csv`: the header the import reads and two example
/// lines of one session.
pub async fn sessions_template() -> Result<Response, AppError> {
    csv_file(
        &SESSION_COLUMNS,
        &[
            "Weekend 1: Housing",
            "2027-03-06",
            "09:30",
            "17:00",
            "Town hall, room 2",
            "09:30",
            "45",
            "Welcome and ground rules",
            "Introduction",
        ],
        "sessions-template.csv",
    )
}

/// `POST /api/v1/assemblies/{assembly_id}/sessions/import`: the page's import as one call: 201 with the new
/// sessions' ids, or with `dry_run` 200 and nothing written, or 422 with every problem by line and column.
pub async fn api_import_sessions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<ImportInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let sessions = match read(&mut tx, viewer.lang, assembly_id, &input.csv).await? {
        Ok(sessions) => sessions,
        Err(errors) => return Ok(csv_errors(errors)),
    };
    let items: usize = sessions.iter().map(|read| read.new.items.len()).sum();
    if input.dry_run {
        return Ok(Json(
            json!({ "created": 0, "ids": [], "sessions": sessions.len(), "agenda_items": items }),
        )
        .into_response());
    }
    let ids = create(&mut tx, &viewer, assembly_id, &sessions).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "created": ids.len(), "ids": ids, "sessions": sessions.len(), "agenda_items": items })),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_one_session_make_one_session_and_every_problem_names_its_line_and_column() {
        let good = "session_title,held_on,starts_at,ends_at,place,item_starts_at,minutes,item_title,topic\n\
            Weekend 1,2027-03-06,09:30,17:00,Town hall,09:30,45,Welcome,Introduction\n\
            Weekend 1,2027-03-06,,,,10:15,90,Evidence: heating,Housing\n\
            Weekend 2,2027-03-20,09:30,17:00,Town hall,,,,\n";
        let sessions = parse_sessions(good, Lang::En, &[]).unwrap();
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions[0].line, 2);
        assert_eq!(sessions[0].new.items.len(), 2);
        assert_eq!(sessions[0].new.items[1].topic, "Housing");
        assert_eq!(sessions[1].line, 4);
        assert!(sessions[1].new.items.is_empty());

        let bad = "topic,session_title,held_on,starts_at,ends_at,place,item_starts_at,minutes,item_title\n\
            Housing,Weekend 1,2027-03-06,09:30,17:00,Town hall,09:30,forty,Welcome\n\
            ,Weekend 1,2027-03-06,10:00,,,,,\n\
            ,Weekend 3,2027-02-30,09:30,17:00,,,,\n\
            ,Old,2027-01-01,09:30,17:00,Town hall,,,\n";
        let existing = [("Old".to_owned(), "2027-01-01".to_owned())];
        let errors = parse_sessions(bad, Lang::En, &existing).unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(errors[0].starts_with("Line 2, column 8: "), "{errors:?}");
        assert!(
            errors[1].starts_with("Line 3, column 4: starts_at: differs"),
            "{errors:?}"
        );
        assert!(errors[2].starts_with("Line 4, column 3: "), "{errors:?}");
        assert!(errors[3].starts_with("Line 4, column 6: "), "{errors:?}");
        assert!(
            errors[4].starts_with("Line 5, column 2: session_title: this assembly already has"),
            "{errors:?}"
        );
    }
}
