//! The public acts that follow a recommendation, posted from its page: implementation milestones (the authority's
//! response and the fidelity judgement, which a form both records and edits, are in [`super::edits`]).

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;

use super::forms::MilestoneForm;
use super::recommendation::{invalid_form, saved_detail};
use super::views::DetailForms;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::{AppState, now};

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
