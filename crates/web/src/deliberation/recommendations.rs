//! Recommendations made on the platform: a passed proposal becomes one (from the proposal's page), and members
//! attach a minority report to one (from the deliberation page).

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::{AdoptForm, MinorityForm, describe};
use super::proposals::{Shown, page, saved_proposal};
use super::refused;
use super::views::{refusal_status, refusal_text};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::DeliberationMessages;
use crate::{AppState, now};

/// The adoption form's values, to show again.
fn typed(form: AdoptForm) -> Vec<(&'static str, String)> {
    vec![
        ("reference", form.reference),
        ("theme", form.theme),
        ("route", form.route),
    ]
}

/// `POST .../proposals/{proposal_id}/recommendation`: a passed proposal becomes a recommendation, with the support
/// measured by its ballots (the agreement distribution when there is one) and its minority report.
pub async fn adopt(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<AdoptForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let adoption = match form {
        Ok(adoption) => adoption,
        Err(invalid) => {
            let errors = describe(t, &invalid.errors);
            let shown = Shown::failed(
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                typed(invalid.fields),
            );
            return page(&state, &viewer, assembly_id, proposal_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let adopted = app::deliberation::recommendations::adopt_recommendation(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        proposal_id,
        &adoption,
        now(),
    )
    .await;
    match refused(adopted)? {
        Ok(_id) => {
            tx.commit().await?;
            Ok(saved_proposal(assembly_id, proposal_id))
        }
        Err(refusal) => {
            drop(tx);
            let shown = Shown::failed(
                refusal_status(&refusal),
                refusal_text(t, &refusal),
                typed(AdoptForm::from(&adoption)),
            );
            page(&state, &viewer, assembly_id, proposal_id, shown).await
        }
    }
}

/// `POST .../deliberation/recommendations/{recommendation_id}/minority-report`: a minority report on a recommendation.
pub async fn recommendation_minority_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<MinorityForm>,
) -> Result<Response, AppError> {
    let text = match form {
        Ok(text) => text,
        Err(invalid) => {
            let t = viewer.lang.t::<DeliberationMessages>();
            return Err(AppError::BadInput {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: describe(t, &invalid.errors).join(" "),
            });
        }
    };
    let mut tx = state.store.begin().await?;
    app::deliberation::recommendations::write_recommendation_minority_report(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        &text,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/deliberation?saved=1"
    ))
    .into_response())
}
