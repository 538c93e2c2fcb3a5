//! The conversation in the JSON API: `GET /api/v1/assemblies/{assembly_id}/conversation` (settings, a page of the
//! statements shown, participation and the latest results) and `POST .../conversation/votes` (a vote from a
//! device; the device token is the client's own secret, sent back only to it, like the voting page's cookie).

use app::conversation::Refusal;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::conversation::{ModerationMode, Stance, StatementStatus};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;

/// The page of statements asked for.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// At most this many statements (default 100, at most 1,000).
    #[serde(default)]
    pub limit: Option<i64>,
    /// Skip this many.
    #[serde(default)]
    pub offset: Option<i64>,
}

/// A vote sent by a client.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteInput {
    /// The device token a previous vote returned; absent for a new device.
    #[serde(default)]
    pub device_token: Option<String>,
    /// The statement.
    pub statement_id: i64,
    /// `agree`, `disagree` or `pass`.
    pub vote: String,
}

/// `GET /api/v1/assemblies/{assembly_id}/conversation`.
pub async fn get_conversation(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    Query(page): Query<PageQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let limit = page.limit.unwrap_or(100);
    if !(1..=1_000).contains(&limit) {
        return Err(ValidationError::new("limit", Problem::Malformed).into());
    }
    let offset = page.offset.unwrap_or(0).max(0);
    let mut connection = state.store.connection().await?;
    let results = app::conversation::results(&mut connection, assembly_id).await?;
    let statuses: &[StatementStatus] = match results.conversation.settings.moderation {
        ModerationMode::AcceptedOnly => &[StatementStatus::Accepted],
        ModerationMode::UnlessRejected => &[StatementStatus::Accepted, StatementStatus::Pending],
    };
    let statements =
        store::conversation::statements(&mut connection, assembly_id, statuses, limit, offset)
            .await?;
    // The counts now (a client reading its own votes back expects them), unlike the results page's stored figures.
    let participation = store::conversation::participation(&mut connection, assembly_id).await?;
    drop(connection);
    let share = |s: &app::conversation::analysis::StoredStatementShare| json!({ "statement_id": s.statement, "agree": s.agree, "share": s.share });
    let analysis = results.analysis.as_ref().map(|analysis| {
        json!({
            "participants": analysis.participants,
            "clustered": analysis.clustered,
            "votes": analysis.votes,
            "groups": analysis.groups.iter().map(|group| json!({
                "id": group.id,
                "size": group.size,
                "representative": group.representative.iter().map(share).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "consensus": analysis.consensus.iter().map(share).collect::<Vec<_>>(),
        })
    });
    let settings = &results.conversation.settings;
    Ok(Json(json!({
        "prompt": settings.prompt,
        "moderation": settings.moderation.as_str(),
        "open": settings.is_open,
        "participation": {
            "participants": participation.voters,
            "votes": participation.votes,
            "statements": participation.statements,
        },
        "statements": statements.iter().map(|s| json!({
            "id": s.id, "text": s.body, "meta": s.is_meta, "votes": s.votes,
        })).collect::<Vec<_>>(),
        "analysed_at": results.conversation.analysed_at,
        "results": analysis,
    })))
}

/// `POST /api/v1/assemblies/{assembly_id}/conversation/votes`: 200 with the device token to send next time.
pub async fn post_vote(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<VoteInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let stance = Stance::parse("vote", &input.vote)?;
    let token = input
        .device_token
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()));
    let outcome = super::participate::record_vote(
        &state,
        &viewer,
        assembly_id,
        token.clone(),
        input.statement_id,
        stance,
    )
    .await?;
    match outcome {
        Ok(joined) => {
            let token = joined.new_token.or(token).unwrap_or_default();
            Ok(Json(json!({ "device_token": token })).into_response())
        }
        Err(Refusal::TooMany) => Err(AppError::TooManyRequests),
        Err(Refusal::Closed) => Err(AppError::Conflict("the conversation is closed".to_owned())),
        Err(Refusal::NotShown) => Err(AppError::Conflict(
            "the statement is not open for votes".to_owned(),
        )),
        Err(Refusal::Duplicate) => Ok(StatusCode::CONFLICT.into_response()),
    }
}
