//! Opening or closing many ballots at once from the deliberation page (issue 18, item 1): the ballots ticked go
//! through `app::bulk::open_ballots` or `close_ballots` in one transaction, one audit entry each; if one of them
//! cannot be opened or closed, none is, and the error names it and says why.

use app::bulk::{BulkError, Refused};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use super::views::{refusal_status, refusal_text};
use crate::auth::Viewer;
use crate::error::AppError;
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
            None if errors.is_empty() => Err(ValidationError::new("action", Problem::Required).into()),
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
            Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/deliberation")).into_response())
        }
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            drop(tx);
            let (status, words) = match error {
                app::deliberation::Error::Refused(refusal) => {
                    let t = viewer.lang.t::<DeliberationMessages>();
                    (refusal_status(&refusal), refusal_text(t, &refusal).join(" "))
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
