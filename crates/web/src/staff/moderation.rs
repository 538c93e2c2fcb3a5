//! The moderation queue of design comments: `GET /staff/assemblies/{assembly_id}/comments` lists the pending ones
//! (observers see it too), and `POST .../comments/{comment_id}` approves or rejects one, once
//! (`app::comments::moderate_comment`).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::assembly::CommentStatus;
use domain::permission::{Action, allowed};

use super::forms::{BulkModerationFields, ModerationFields};
use super::views::ModerationPage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::paging::{PageQuery, Paging};
use crate::views::{Chrome, CommentView, render};
use crate::{AppState, now};

/// `GET /staff/assemblies/{assembly_id}/comments`: comments waiting for moderation.
pub async fn moderation_queue(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let pending = app::page_of!(query.index(), app::paging::PAGE_SIZE, |limit, offset| {
        store::comments::comments_page(
            &mut connection,
            assembly_id,
            CommentStatus::Pending,
            limit,
            offset,
        )
        .await?
    });
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().moderation_title);
    let paging = Paging::links(
        viewer.lang,
        &format!("/staff/assemblies/{assembly_id}/comments?"),
        pending.page,
        app::paging::PAGE_SIZE,
        pending.total,
    );
    let page = ModerationPage {
        c,
        assembly_id,
        assembly_title: record.title,
        paging,
        comments: CommentView::list(&pending.items),
        can_moderate: allowed(viewer.role, Action::ModerateComments),
        b: viewer.lang.t::<crate::i18n::bulk::BulkMessages>(),
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

/// `POST /staff/assemblies/{assembly_id}/comments/moderation`: approves or rejects every comment ticked
/// (`app::bulk::moderate_comments`: one transaction, one audit entry each); if one cannot be moderated (already
/// moderated meanwhile, or not in this assembly), none is, and the error names it.
pub async fn moderate_comments(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<BulkModerationFields>,
) -> Result<Response, AppError> {
    let (ids, decision) = match form {
        Ok(command) => command,
        Err(invalid) => {
            return Err(AppError::BadInput {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: invalid.errors.describe(viewer.lang).join(" "),
            });
        }
    };
    let mut tx = state.store.begin().await?;
    let moderated =
        app::bulk::moderate_comments(&mut tx, &viewer.actor(), assembly_id, &ids, decision, now())
            .await;
    match moderated {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/comments")).into_response())
        }
        Err(app::bulk::BulkError::Invalid(error)) => Err(error.into()),
        Err(app::bulk::BulkError::Item(refused)) => {
            drop(tx);
            let b = viewer.lang.t::<crate::i18n::bulk::BulkMessages>();
            let (status, words) = match AppError::from(refused.error) {
                AppError::NotFound => (StatusCode::UNPROCESSABLE_ENTITY, "not found".to_owned()),
                AppError::Conflict(words) => (StatusCode::CONFLICT, words),
                other => return Err(other),
            };
            let item = format!("#{}", refused.id);
            Err(AppError::BadInput {
                status,
                message: crate::i18n::fill(b.err_item, &[("item", &item), ("error", &words)]),
            })
        }
    }
}
