//! The public acts that follow a recommendation, posted from its page: the authority's response (by the authority
//! account, or by organisers on its behalf), implementation milestones, and fidelity judgements (by the oversight
//! group or the members).

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;

use super::forms::{FidelityForm, MilestoneForm, ResponseForm};
use super::recommendation::{invalid_form, saved_detail};
use super::views::DetailForms;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::{AppState, now};

/// `POST .../response`: the authority's response (by the authority account, or by organisers on its behalf).
pub async fn record_response(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<ResponseForm>,
) -> Result<Response, AppError> {
    let response = match form {
        Ok(response) => response,
        Err(invalid) => {
            let place = |response| DetailForms {
                response,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "response", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::record_response(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &response,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "response"))
}

/// `POST .../milestones`.
pub async fn add_milestone(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<MilestoneForm>,
) -> Result<Response, AppError> {
    let milestone = match form {
        Ok(milestone) => milestone,
        Err(invalid) => {
            let place = |milestone| DetailForms {
                milestone,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "milestone", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::add_milestone(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &milestone,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "milestones"))
}

/// `POST .../fidelity`: by the oversight group (observers, administrators) or the members.
pub async fn judge_fidelity(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<FidelityForm>,
) -> Result<Response, AppError> {
    let judgement = match form {
        Ok(judgement) => judgement,
        Err(invalid) => {
            let place = |fidelity| DetailForms {
                fidelity,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "fidelity", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::judge_fidelity(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &judgement,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "fidelity"))
}
