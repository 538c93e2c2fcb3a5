//! Opening or closing many ballots at once from the deliberation page (issue 18, item 1): the ballots ticked go
//! through `app::bulk::open_ballots` or `close_ballots` in one transaction, one audit entry each; if one of them
//! cannot be opened or closed, none is, and the error names it and says why. The same, and making many passed
//! proposals recommendations, as JSON operations for scripts (`api_*`), whose refusals name the item (`id`).

use app::bulk::{BulkError, Refused};
use axum::Extension;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;
use serde_json::json;

use super::views::{refusal_status, refusal_text};
use crate::auth::Viewer;
use crate::error::{AppError, item_refused};
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::bulk::BulkMessages;
use crate::i18n::{DeliberationMessages, fill};
use crate::{AppState, now};

/// The bulk form: `ballot` repeated once per ticked box and the `action` button pressed (`open` or `close`), as
/// posted (a urlencoded struct cannot hold a repeated field).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct BulkBallotFields(pub Vec<(String, String)>);

impl Validate for BulkBallotFields {
    /// The ballots, and whether to open (`true`) or close them.
    type Command = (Vec<i64>, bool);

    fn validate(&self) -> Result<(Vec<i64>, bool), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut ids = Vec::new();
        let mut open = None;
        for (name, value) in &self.0 {
            match (name.as_str(), value.as_str()) {
                ("ballot", id) => match id.trim().parse::<i64>() {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(ValidationError::new("ballot", Problem::Malformed)),
                },
                ("action", "open") => open = Some(true),
                ("action", "close") => open = Some(false),
                ("action", _) => errors.push(ValidationError::new("action", Problem::Malformed)),
                _ => {}
            }
        }
        if ids.is_empty() {
            errors.push(ValidationError::new("ballot", Problem::Required));
        }
        match open {
            Some(open) if errors.is_empty() => Ok((ids, open)),
            None if errors.is_empty() => {
                Err(ValidationError::new("action", Problem::Required).into())
            }
            _ => Err(errors),
        }
    }
}

/// `POST /staff/assemblies/{assembly_id}/ballots/bulk`: opens or closes every ballot ticked, all or nothing.
pub async fn bulk_ballots(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<BulkBallotFields>,
) -> Result<Response, AppError> {
    let (ids, open) = match form {
        Ok(command) => command,
        Err(invalid) => {
            return Err(AppError::BadInput {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: invalid.errors.describe(viewer.lang).join(" "),
            });
        }
    };
    let actor = viewer.actor();
    let mut tx = state.store.begin().await?;
    let done = if open {
        app::bulk::open_ballots(&mut tx, &actor, assembly_id, &ids, now()).await
    } else {
        let seal = state.config.secret.ballot_seal();
        app::bulk::close_ballots(&mut tx, &actor, assembly_id, &ids, &seal, now()).await
    };
    match done {
        Ok(_) => {
            tx.commit().await?;
            // SQLite: the sealed rows are deleted (and zeroed); empty the write-ahead log as well.
            if !open && let Err(error) = state.store.forget().await {
                tracing::warn!(assembly_id, error = %error, "checkpoint after closing ballots failed");
            }
            Ok(
                Redirect::to(&format!("/staff/assemblies/{assembly_id}/deliberation"))
                    .into_response(),
            )
        }
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            drop(tx);
            let (status, words) = match error {
                app::deliberation::Error::Refused(refusal) => {
                    let t = viewer.lang.t::<DeliberationMessages>();
                    (
                        refusal_status(&refusal),
                        refusal_text(t, &refusal).join(" "),
                    )
                }
                app::deliberation::Error::App(app::Error::NotFound) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "not found".to_owned())
                }
                app::deliberation::Error::App(error) => return Err(error.into()),
            };
            let b = viewer.lang.t::<BulkMessages>();
            let item = format!("#{id}");
            Err(AppError::BadInput {
                status,
                message: fill(b.err_item, &[("item", &item), ("error", &words)]),
            })
        }
    }
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
            let status = refusal_status(&refusal);
            let words = refusal_text(t, &refusal).join(" ");
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
        let form = super::forms::AdoptForm {
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
                    let status = refusal_status(&refusal);
                    let words = refusal_text(t, &refusal).join(" ");
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
