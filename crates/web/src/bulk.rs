//! The bulk actions of the JSON API (issue 18, items 1 and 9): what a script with a token does to many things at
//! once, through the same `app::bulk` use cases as the pages (one transaction, one audit entry per item, all or
//! nothing).
//!
//! A refused item answers with the status its own page would give (409 for a change the state refuses, 422 for an
//! item that is not in the assembly) and a JSON body naming it: `{"error": "...", "field": "...", "id": N}`.
//! Sign-in codes never come back in a response: a confirmation's code goes the way the single confirmation sends
//! it (`crate::effects`), never into a script's output.

use app::bulk::{BulkError, Refused};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::assembly::CommentStatus;
use domain::respondent::{ReasonCategory, Status};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::DeliberationMessages;
use crate::{AppState, now};

/// A refused item as a JSON error naming it.
fn item_refused(status: StatusCode, field: &str, id: i64, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": format!("{field} {id}: {message}"), "field": field, "id": id })),
    )
        .into_response()
}

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
            return match crate::selection::panel::record_refused(&viewer, error) {
                // A person who is not on the panel is a bad item of the list, not a missing page.
                AppError::BadInput { status, message } if status == StatusCode::NOT_FOUND => Ok(
                    item_refused(StatusCode::UNPROCESSABLE_ENTITY, "respondent_ids", id, &message),
                ),
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

/// What a script sends to open or close many ballots.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotsInput {
    /// The ballots.
    pub ballot_ids: Vec<i64>,
}

/// A refused ballot in the caller's language, or the server error it is.
fn ballot_refused(
    viewer: &Viewer,
    id: i64,
    error: app::deliberation::Error,
) -> Result<Response, AppError> {
    match error {
        app::deliberation::Error::Refused(refusal) => {
            let t = viewer.lang.t::<DeliberationMessages>();
            let status = crate::deliberation::views::refusal_status(&refusal);
            let words = crate::deliberation::views::refusal_text(t, &refusal).join(" ");
            Ok(item_refused(status, "ballot_ids", id, &words))
        }
        app::deliberation::Error::App(app::Error::NotFound) => Ok(item_refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ballot_ids",
            id,
            "no such ballot in this assembly",
        )),
        app::deliberation::Error::App(error) => Err(error.into()),
    }
}

/// `POST /api/v1/assemblies/{assembly_id}/ballots/open`: opens every ballot listed (drafts only), all or nothing.
pub async fn api_open_ballots(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<BallotsInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let mut tx = state.store.begin().await?;
    let opened = app::bulk::open_ballots(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &input.ballot_ids,
        now(),
    )
    .await;
    match opened {
        Ok(n) => {
            tx.commit().await?;
            Ok(Json(json!({ "opened": n })).into_response())
        }
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            drop(tx);
            ballot_refused(&viewer, id, error)
        }
    }
}

/// `POST /api/v1/assemblies/{assembly_id}/ballots/close`: closes and counts every ballot listed (open ones only),
/// all or nothing.
pub async fn api_close_ballots(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<BallotsInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let seal = state.config.secret.ballot_seal();
    let mut tx = state.store.begin().await?;
    let closed = app::bulk::close_ballots(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &input.ballot_ids,
        &seal,
        now(),
    )
    .await;
    match closed {
        Ok(n) => {
            tx.commit().await?;
            // SQLite: the sealed rows are deleted (and zeroed); empty the write-ahead log as well, as one close does.
            if let Err(error) = state.store.forget().await {
                tracing::warn!(assembly_id, error = %error, "checkpoint after closing ballots failed");
            }
            Ok(Json(json!({ "closed": n })).into_response())
        }
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            drop(tx);
            ballot_refused(&viewer, id, error)
        }
    }
}

/// What a script sends to moderate many comments on the design of the process.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationInput {
    /// The comments.
    pub comment_ids: Vec<i64>,
    /// `approved` or `rejected`.
    pub decision: String,
}

/// `POST /api/v1/assemblies/{assembly_id}/comments/moderation`: accepts (or rejects) every comment listed, all or
/// nothing.
pub async fn api_moderate_comments(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<ModerationInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let decision = CommentStatus::parse("decision", &input.decision)?;
    let mut tx = state.store.begin().await?;
    let moderated = app::bulk::moderate_comments(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &input.comment_ids,
        decision,
        now(),
    )
    .await;
    match moderated {
        Ok(n) => {
            tx.commit().await?;
            Ok(Json(json!({ "moderated": n, "decision": decision.as_str() })).into_response())
        }
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            drop(tx);
            match error {
                app::Error::NotFound => Ok(item_refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "comment_ids",
                    id,
                    "no such comment in this assembly",
                )),
                app::Error::Conflict(message) => {
                    Ok(item_refused(StatusCode::CONFLICT, "comment_ids", id, &message))
                }
                other => Err(other.into()),
            }
        }
    }
}

/// One proposal to adopt, as a script sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptionInput {
    /// The passed proposal.
    pub proposal_id: i64,
    /// The public reference of the new recommendation, unique in the assembly.
    pub reference: String,
    /// Its theme.
    pub theme: String,
    /// How it becomes policy: `law`, `regulation`, `referendum` or `other`.
    pub route: String,
}

/// What a script sends to make many passed proposals recommendations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptionsInput {
    /// The proposals, each with its reference, theme and route.
    pub adoptions: Vec<AdoptionInput>,
}

/// `POST /api/v1/assemblies/{assembly_id}/recommendations/adoptions`: makes every passed proposal listed a
/// recommendation with its theme and route, all or nothing (each field checked as on the proposal's page).
pub async fn api_adopt_recommendations(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<AdoptionsInput>, JsonRejection>,
) -> Result<Response, AppError> {
    use crate::form::Validate;
    let Json(input) = body?;
    let mut adoptions = Vec::with_capacity(input.adoptions.len());
    for item in &input.adoptions {
        let form = crate::deliberation::forms::AdoptForm {
            reference: item.reference.clone(),
            theme: item.theme.clone(),
            route: item.route.clone(),
        };
        match form.validate() {
            Ok(adoption) => adoptions.push((item.proposal_id, adoption)),
            Err(errors) => {
                let message = errors
                    .0
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                return Ok(item_refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "adoptions",
                    item.proposal_id,
                    &message,
                ));
            }
        }
    }
    let mut tx = state.store.begin().await?;
    let adopted =
        app::bulk::adopt_recommendations(&mut tx, &viewer.actor(), assembly_id, &adoptions, now())
            .await;
    match adopted {
        Ok(ids) => {
            tx.commit().await?;
            Ok((
                StatusCode::CREATED,
                Json(json!({ "created": ids.len(), "ids": ids })),
            )
                .into_response())
        }
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            drop(tx);
            match error {
                app::deliberation::Error::Refused(refusal) => {
                    let t = viewer.lang.t::<DeliberationMessages>();
                    let status = crate::deliberation::views::refusal_status(&refusal);
                    let words = crate::deliberation::views::refusal_text(t, &refusal).join(" ");
                    Ok(item_refused(status, "adoptions", id, &words))
                }
                app::deliberation::Error::App(app::Error::NotFound) => Ok(item_refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "adoptions",
                    id,
                    "no such proposal in this assembly",
                )),
                app::deliberation::Error::App(error) => Err(error.into()),
            }
        }
    }
}
