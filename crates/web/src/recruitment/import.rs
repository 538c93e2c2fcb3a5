//! Importing respondents gathered elsewhere: a CSV pasted or chosen as a file (an upload route: the guard lets a
//! large body in only after the permission check), added all or nothing by `app::recruitment::import_respondents`.
//! A refusal names each cell by line and column (the first 20) and never echoes the file back.

use app::recruitment::{ImportCommand, ImportError};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::{ImportForm, cell_error};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Validate;
use crate::i18n::RecruitmentMessages;
use crate::upload::FormData;
use crate::{AppState, now};

/// How many refused cells a refusal names.
const CELLS_SHOWN: usize = 20;

/// `POST /staff/assemblies/{assembly_id}/respondents/import`: adds the respondents of a CSV file gathered elsewhere,
/// all or nothing in one transaction (errors name the line and column), audited with ids and a count.
pub async fn import_respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<FormData<ImportForm>, AppError>,
) -> Result<Response, AppError> {
    let FormData(form, _) = form?;
    let command = ImportCommand {
        lang: viewer.lang.code().to_owned(),
        ..form.validate().map_err(|errors| AppError::BadInput {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: errors.describe(viewer.lang).join(" · "),
        })?
    };
    let mut tx = state.store.begin().await?;
    let imported = app::recruitment::import_respondents(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &command,
        now(),
    )
    .await;
    match imported {
        Ok(_) => tx.commit().await?,
        Err(ImportError::Refused { cells, no_consent }) => {
            let mut messages: Vec<String> = cells
                .iter()
                .take(CELLS_SHOWN)
                .map(|cell| cell_error(viewer.lang, cell))
                .collect();
            if no_consent {
                let t = viewer.lang.t::<RecruitmentMessages>();
                messages.push(t.err_import_consent.to_owned());
            }
            return Err(AppError::BadInput {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: messages.join(" · "),
            });
        }
        Err(ImportError::App(error)) => return Err(error.into()),
    }
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/respondents")).into_response())
}
