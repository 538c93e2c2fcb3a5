//! The moderation queue of design comments: `GET /staff/assemblies/{assembly_id}/comments` lists the pending ones
//! (observers see it too), and `POST .../comments/{comment_id}` approves or rejects one, once
//! (`app::comments::moderate_comment`).

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::assembly::CommentStatus;
use domain::permission::{Action, allowed};

use super::forms::ModerationFields;
use super::views::ModerationPage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::views::{Chrome, CommentView, render};
use crate::{AppState, now};

/// `GET /staff/assemblies/{assembly_id}/comments`: comments waiting for moderation.
pub async fn moderation_queue(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let pending =
        store::comments::comments_with_status(&mut connection, assembly_id, CommentStatus::Pending)
            .await?;
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().moderation_title);
    let page = ModerationPage {
        c,
        assembly_id,
        assembly_title: record.title,
        comments: CommentView::list(&pending),
        can_moderate: allowed(viewer.role, Action::ModerateComments),
    };
    render(StatusCode::OK, &page)
}

/// `POST /staff/assemblies/{assembly_id}/comments/{comment_id}`: approves or rejects a pending comment.
/// A decision that is neither is a 422 naming `decision`; a comment already moderated is a 409.
pub async fn moderate_comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, comment_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<ModerationFields>,
) -> Result<Response, AppError> {
    let decision = match form {
        Ok(decision) => decision,
        Err(mut invalid) => return Err(AppError::Invalid(invalid.errors.0.remove(0))),
    };
    let actor = viewer.actor();
    let mut tx = state.store.begin().await?;
    app::comments::moderate_comment(&mut tx, &actor, assembly_id, comment_id, decision, now())
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/comments")).into_response())
}
