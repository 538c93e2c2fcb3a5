//! `/api/v1/assemblies/{assembly_id}/comments`: the approved comments on an assembly's design, and a new one
//! (held for moderation, like the public page's form), and the moderation of many at once (issue 18, item 1).

use app::bulk::{BulkError, Refused};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::assembly::{CommentBody, CommentStatus};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::JsonBody;
use super::page::{Page, PageParams};
use crate::auth::Viewer;
use crate::error::{AppError, item_refused};
use crate::limits::PublicWrite;
use crate::{AppState, now};

/// A published comment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommentDto {
    /// The id.
    pub id: i64,
    /// The text.
    pub body: String,
    /// When it was posted (unix seconds).
    pub created_at: i64,
}

/// What a client sends to comment on the design of the process.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// The comment.
    pub body: String,
}

/// `GET /api/v1/assemblies/{assembly_id}/comments`: a page of the approved comments (oldest first), read from the
/// store, with how many there are in the `X-Total-Count` header (issue 18, item 5).
pub async fn list_comments(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Response, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    if !store::assemblies::assembly_exists(&mut connection, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let (rows, total) = store::comments::comments_page(
        &mut connection,
        assembly_id,
        CommentStatus::Approved,
        page.limit,
        page.offset,
    )
    .await?;
    let comments: Vec<CommentDto> = rows
        .into_iter()
        .map(|row| CommentDto {
            id: row.id,
            body: row.body,
            created_at: row.created_at,
        })
        .collect();
    Ok(([(TOTAL_COUNT, total.to_string())], Json(comments)).into_response())
}

/// The header that carries the length of a list answered as a plain array.
const TOTAL_COUNT: &str = "x-total-count";

/// `POST /api/v1/assemblies/{assembly_id}/comments`: held for moderation; returns 202, or 429 with `Retry-After`
/// over the public rate limit (`crate::limits`), writing nothing.
pub async fn post_comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<CommentInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let body = CommentBody::parse(&input.body)?;
    let now = now();
    let mut tx = state.store.begin().await?;
    crate::limits::count(&state, &mut tx, PublicWrite::Comment, viewer.client, now).await?;
    let id = app::comments::add_comment(&mut tx, &viewer.actor(), assembly_id, &body, now).await?;
    tx.commit().await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "status": CommentStatus::Pending.as_str() })),
    )
        .into_response())
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
                app::Error::Conflict(message) => Ok(item_refused(
                    StatusCode::CONFLICT,
                    "comment_ids",
                    id,
                    &message,
                )),
                other => Err(other.into()),
            }
        }
    }
}
