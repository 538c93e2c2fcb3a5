//! The attendance register of a session, made for a phone at the door: one toggle per member and status,
//! saved in one go.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::attendance::Attendance;

use super::forms::{Fields, RegisterFields, field, typed};
use super::refusals;
use super::views::{
    AttendancePage, RegisterRow, SavedQuery, SessionView, word_refusals, word_register_errors,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted};
use crate::i18n::AssemblyMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// What the register shows: what was recorded (just saved or not), or a refused post with what was chosen.
enum RegisterView {
    Recorded {
        saved: bool,
    },
    /// The form's fields did not validate (worded once the members' names are read).
    Invalid {
        errors: FieldErrors,
        typed: Fields,
    },
    /// The use case refused the register.
    Refused {
        refusals: Vec<app::assembly::Refusal>,
        typed: Fields,
    },
}

async fn attendance_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    session_id: i64,
    view: RegisterView,
) -> Result<Response, AppError> {
    let mut conn = state.store.connection().await?;
    let register = app::assembly::register(&mut conn, assembly_id, session_id).await?;
    drop(conn);
    let t = viewer.lang.t::<AssemblyMessages>();
    let (status, errors, typed, saved) = match view {
        RegisterView::Recorded { saved } => (StatusCode::OK, Vec::new(), None, saved),
        RegisterView::Invalid { errors, typed } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            word_register_errors(viewer.lang, &errors, &register.members),
            Some(typed),
            false,
        ),
        RegisterView::Refused { refusals, typed } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            word_refusals(viewer.lang, &refusals),
            Some(typed),
            false,
        ),
    };
    let session = SessionView::new(register.session, viewer.lang, Some(register.members.len()));
    let rows = register
        .members
        .into_iter()
        .map(|(id, name)| {
            let status = match &typed {
                Some(fields) => field(fields, &format!("m_{id}")).to_owned(),
                None => register
                    .recorded
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
    let view = RegisterView::Recorded {
        saved: query.saved.is_some(),
    };
    attendance_page(&state, &viewer, assembly_id, session_id, view).await
}

/// `POST /staff/assemblies/{assembly_id}/sessions/{session_id}/attendance`: saves the register in one go
/// (members left without a choice keep what was recorded before).
pub async fn record_attendance(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, session_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<RegisterFields>,
) -> Result<Response, AppError> {
    let marks = match form {
        Ok(marks) => marks,
        Err(invalid) => {
            let view = RegisterView::Invalid {
                errors: invalid.errors,
                typed: typed(&invalid.fields),
            };
            return attendance_page(&state, &viewer, assembly_id, session_id, view).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let recorded = app::assembly::record_attendance(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        session_id,
        &marks,
        now(),
    )
    .await;
    if let Err(error) = recorded {
        drop(tx);
        let refusals = refusals(error)?;
        let view = RegisterView::Refused {
            refusals,
            typed: typed_marks(&marks),
        };
        return attendance_page(&state, &viewer, assembly_id, session_id, view).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/sessions/{session_id}/attendance?saved=1"
    ))
    .into_response())
}

/// The choices of a register as its fields, to show them again.
fn typed_marks(marks: &[(i64, Option<Attendance>)]) -> Fields {
    marks
        .iter()
        .map(|(id, status)| {
            (
                format!("m_{id}"),
                status
                    .map(Attendance::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}
