//! `POST /staff/assemblies/{assembly_id}/phase`: the phase control of the workspace (issue 18, item 7), one step
//! forward or back with a confirmation, instead of submitting the whole assembly form again.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::PhaseFields;
use super::workspace::{Outcome, page};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::publish::PublishMessages;
use crate::{AppState, now};

/// `POST /staff/assemblies/{assembly_id}/phase`: moves the assembly to the next or the previous phase.
pub async fn change_phase(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<PhaseFields>,
) -> Result<Response, AppError> {
    let p = viewer.lang.t::<PublishMessages>();
    let (from, to) = match form {
        Ok(command) => command,
        Err(invalid) => {
            // The one field a visitor can get wrong is the confirmation; a bad phase is a forged form.
            let errors = if invalid.errors.has("from") || invalid.errors.has("to") {
                invalid.errors.describe(viewer.lang)
            } else {
                vec![p.err_phase_confirm.to_owned()]
            };
            let outcome = Outcome::phase_errors(errors);
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                outcome,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    let changed =
        app::assemblies::change_phase(&mut tx, &viewer.actor(), assembly_id, from, to, now()).await;
    match changed {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}?moved=1")).into_response())
        }
        Err(app::Error::Conflict(_)) => {
            drop(tx);
            let outcome = Outcome::phase_errors(vec![p.err_phase_moved.to_owned()]);
            page(&state, &viewer, assembly_id, StatusCode::CONFLICT, outcome).await
        }
        Err(other) => Err(other.into()),
    }
}
