//! Typing paper ballots: one of the two independent entries of the sheets, from the ballot's page.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::{PaperForm, describe};
use super::refused;
use super::voting::{Shown, page};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::DeliberationMessages;
use crate::{AppState, now};

/// `POST .../ballots/{ballot_id}/paper`: one of two independent entries of the paper sheets.
pub async fn enter_paper(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<PaperForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let paper = match form {
        Ok(paper) => paper,
        Err(invalid) => {
            // What was typed is kept, so a long entry is corrected rather than typed again.
            let shown = Shown {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                errors: describe(t, &invalid.errors),
                paper_typed: invalid.fields.sheets,
                notice: None,
            };
            return page(&state, &viewer, assembly_id, ballot_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let entered = app::deliberation::paper::enter_paper_ballots(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        ballot_id,
        paper.entry,
        &paper.sheets,
        now(),
    )
    .await;
    match refused(entered)? {
        Ok(_sheets) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/ballots/{ballot_id}?entered=1"
            ))
            .into_response())
        }
        Err(refusal) => {
            drop(tx);
            let shown = Shown::refused(t, &refusal, paper.sheets);
            page(&state, &viewer, assembly_id, ballot_id, shown).await
        }
    }
}
