//! `POST /assemblies/{assembly_id}/comments`: a visitor's comment on the design of the process, held for
//! moderation (`app::comments::add_comment`), within the public rate limit (`crate::limits`).

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::assembly::{CommentForm, page};
use super::forms::CommentFields;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::limits::PublicWrite;
use crate::{AppState, now};

/// `POST /assemblies/{assembly_id}/comments`: a public comment on the process design, held for moderation.
pub async fn post_comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<CommentFields>,
) -> Result<Response, AppError> {
    let body = match form {
        Ok(body) => body,
        Err(invalid) => {
            let form = CommentForm {
                thanks: false,
                errors: invalid.errors.describe(viewer.lang),
                body: invalid.fields.body,
                page: 0,
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    crate::limits::count(&state, &mut tx, PublicWrite::Comment, viewer.client, now).await?;
    app::comments::add_comment(&mut tx, &viewer.actor(), assembly_id, &body, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/assemblies/{assembly_id}?commented=1#comments-heading"
    ))
    .into_response())
}
