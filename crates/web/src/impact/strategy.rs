//! The change strategy and advocacy, posted from a recommendation's page: tactics, allies and the power map
//! (members, facilitators, organisers), talking points and media training (organisers), and the actions members log.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;

use super::forms::{ActionForm, ActorForm, AllyForm, MaterialForm, TacticForm};
use super::recommendation::{invalid_form, saved_detail};
use super::views::DetailForms;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::{AppState, now};

/// `POST .../tactics`.
pub async fn add_tactic(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<TacticForm>,
) -> Result<Response, AppError> {
    let tactic = match form {
        Ok(tactic) => tactic,
        Err(invalid) => {
            let place = |tactic| DetailForms {
                tactic,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "tactic", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::add_tactic(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &tactic,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "strategy"))
}

/// `POST .../allies`.
pub async fn add_ally(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<AllyForm>,
) -> Result<Response, AppError> {
    let ally = match form {
        Ok(ally) => ally,
        Err(invalid) => {
            let place = |ally| DetailForms {
                ally,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "ally", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::add_ally(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &ally,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "allies"))
}

/// `POST .../actors`: a decision-maker or influencer on the power map.
pub async fn add_actor(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<ActorForm>,
) -> Result<Response, AppError> {
    let power = match form {
        Ok(power) => power,
        Err(invalid) => {
            let place = |actor| DetailForms {
                actor,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "actor", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::add_actor(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &power,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "power-map"))
}

/// `POST .../material`: a talking point or media-training material (organisers).
pub async fn add_material(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<MaterialForm>,
) -> Result<Response, AppError> {
    let material = match form {
        Ok(material) => material,
        Err(invalid) => {
            let place = |material| DetailForms {
                material,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "material", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::add_material(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &material,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "advocacy"))
}

/// `POST .../actions`: a member logs an advocacy action.
pub async fn log_action(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<ActionForm>,
) -> Result<Response, AppError> {
    viewer.account_id()?;
    let action = match form {
        Ok(action) => action,
        Err(invalid) => {
            let place = |action| DetailForms {
                action,
                ..DetailForms::default()
            };
            return invalid_form(&state, &viewer, ids, invalid, "action", place).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    app::impact::log_action(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &action,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_detail(assembly_id, recommendation_id, "advocacy"))
}
