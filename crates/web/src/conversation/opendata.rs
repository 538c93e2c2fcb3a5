//! `GET /staff/assemblies/{assembly_id}/conversation/opendata/{file}`: the conversation in the Pol.is openData
//! format (`votes.csv`, `comments.csv`, `participants-votes.csv`) for the organisers to publish, with pseudonymous
//! participant numbers (`app::conversation::opendata`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::AppError;

/// One of the three openData files.
pub async fn opendata_file(
    State(state): State<AppState>,
    Path((assembly_id, file)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let export = app::conversation::opendata::export(&mut connection, assembly_id).await?;
    drop(connection);
    let body = match file.as_str() {
        "votes.csv" => export.votes,
        "comments.csv" => export.comments,
        "participants-votes.csv" => export.participants_votes,
        _ => return Err(AppError::NotFound),
    };
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
