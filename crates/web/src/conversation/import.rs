//! `POST /staff/assemblies/{assembly_id}/conversation/import`: a Pol.is conversation (`votes.csv` and
//! `comments.csv`, chosen as files or pasted) brought into the assembly's conversation, all or nothing
//! (`app::conversation::opendata::import`). A refusal names the file, line and column, never the file's text.

use app::conversation::opendata::ImportRefusal;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::upload::FormData;
use crate::{AppState, now};

/// The import form: each text field may come from its file input (`votes_file`, `comments_file`).
#[derive(Debug, Deserialize)]
pub struct ImportFields {
    /// `votes.csv`.
    #[serde(default)]
    pub votes: String,
    /// `comments.csv`.
    #[serde(default)]
    pub comments: String,
}

/// Imports the files; redirects to the organisers' page with the counts.
pub async fn import(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<FormData<ImportFields>, AppError>,
) -> Result<Response, AppError> {
    let FormData(form, _) = form?;
    let bad = |message: String| AppError::BadInput {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message,
    };
    for (field, text) in [("votes", &form.votes), ("comments", &form.comments)] {
        if text.trim().is_empty() {
            return Err(bad(format!("{field}.csv: required")));
        }
    }
    let mut tx = state.store.begin().await?;
    let outcome = app::conversation::opendata::import(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &form.votes,
        &form.comments,
        now(),
    )
    .await?;
    match outcome {
        Ok(imported) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/conversation?notice=imported&n={}",
                imported.votes
            ))
            .into_response())
        }
        Err(ImportRefusal::Votes(error)) => Err(bad(format!("votes.csv: {error}"))),
        Err(ImportRefusal::Comments(error)) => Err(bad(format!("comments.csv: {error}"))),
        Err(ImportRefusal::UnknownComment(line)) => Err(bad(format!(
            "votes.csv: line {line} column 3: no such comment in comments.csv"
        ))),
    }
}
