//! The panel's bulk action in the JSON API (issue 18, items 1 and 9): the same change as the panel page's bulk
//! form (`app::bulk::record_on_panel`: one transaction, one audit entry per person, all or nothing). Sign-in codes
//! never come back in a response: a confirmation's code goes the way the single confirmation sends it
//! (`crate::effects`), never into a script's output.

use app::bulk::{BulkError, Refused};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::respondent::{ReasonCategory, Status};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Viewer;
use crate::error::{AppError, item_refused};
use crate::{AppState, now};

/// What a script sends to record a status for many people on the panel.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelStatusesInput {
    /// The respondents (ids as the panel lists them).
    pub respondent_ids: Vec<i64>,
    /// `confirmed`, `declined` or `withdrawn`.
    pub status: String,
    /// A reason from the fixed list (`checked`, `their_request`, ...); `other` when absent.
    #[serde(default)]
    pub reason_category: String,
}

/// `POST /api/v1/assemblies/{assembly_id}/panel/statuses`: the panel page's bulk form as one call.
pub async fn api_panel_statuses(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<PanelStatusesInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let to = Status::parse("status", &input.status)?;
    let category = ReasonCategory::parse(&input.reason_category)?;
    let note = viewer
        .lang
        .messages()
        .reason_categories
        .iter()
        .find(|(value, _)| *value == category.as_str())
        .map(|(_, label)| (*label).to_owned())
        .unwrap_or_else(|| category.as_str().to_owned());
    let reason = app::recruitment::StatusReason { category, note };
    let mut tx = state.store.begin().await?;
    let recorded = app::bulk::record_on_panel(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &input.respondent_ids,
        to,
        &reason,
        now(),
    )
    .await;
    let done = match recorded {
        Ok(done) => done,
        Err(BulkError::Invalid(error)) => return Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            drop(tx);
            return match super::panel::record_refused(&viewer, error) {
                // A person who is not on the panel is a bad item of the list, not a missing page.
                AppError::BadInput { status, message } if status == StatusCode::NOT_FOUND => {
                    Ok(item_refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "respondent_ids",
                        id,
                        &message,
                    ))
                }
                AppError::BadInput { status, message } => {
                    Ok(item_refused(status, "respondent_ids", id, &message))
                }
                AppError::NotFound => Ok(item_refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "respondent_ids",
                    id,
                    "not found",
                )),
                other => Err(other),
            };
        }
    };
    tx.commit().await?;
    // The codes' delivery is the single confirmation's; nothing of it comes back here.
    let _after = crate::effects::carry_out(&state, done.effects);
    Ok(Json(json!({ "recorded": done.value, "status": to.as_str() })).into_response())
}
