//! The staff sessions page: sessions with their agenda and register counts, and the forms that add a session and
//! an agenda item.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};

use super::forms::{AgendaItemFields, SessionFields, typed};
use super::views::{SavedQuery, SessionView, SessionsPage, Shown};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::AssemblyMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The page, with `shown.form` the session whose agenda form failed (0: the new-session form).
async fn sessions_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    shown: Shown<i64>,
) -> Result<Response, AppError> {
    let mut conn = state.store.connection().await?;
    let overview = app::assembly::sessions_overview(&mut conn, assembly_id).await?;
    drop(conn);
    let t = viewer.lang.t::<AssemblyMessages>();
    let members = overview.members;
    render(
        shown.status,
        &SessionsPage {
            c: Chrome::new(viewer, t.sessions_title),
            t,
            b: viewer.lang.t::<crate::i18n::bulk::BulkMessages>(),
            assembly_id,
            assembly_title: overview.title,
            sessions: overview
                .sessions
                .into_iter()
                .map(|summary| SessionView::new(summary, viewer.lang, Some(members)))
                .collect(),
            can_manage: allowed(viewer.role, Action::ManageSessions),
            can_take_attendance: allowed(viewer.role, Action::TakeAttendance),
            can_see_tables: allowed(viewer.role, Action::ViewTables),
            errors: shown.errors,
            error_session: shown.form,
            typed: shown.typed,
            saved: shown.saved,
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
        Shown::page(query.saved.is_some()),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/sessions`: adds a session.
pub async fn create_session(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<SessionFields>,
) -> Result<Response, AppError> {
    let new = match form {
        Ok(new) => new,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused(0, errors, typed(&invalid.fields));
            return sessions_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::assembly::create_session(&mut tx, &viewer.actor(), assembly_id, &new, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/sessions?saved=1")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/sessions/{session_id}/agenda`: adds an agenda item to a session.
pub async fn add_agenda_item(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, session_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<AgendaItemFields>,
) -> Result<Response, AppError> {
    let new = match form {
        Ok(new) => new,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused(session_id, errors, typed(&invalid.fields));
            return sessions_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::assembly::add_agenda_item(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        session_id,
        &new,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/sessions?saved=1#session-{session_id}"
    ))
    .into_response())
}
