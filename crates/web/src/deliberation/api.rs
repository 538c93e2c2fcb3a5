//! The JSON API's ballot: its definition and turnout, with its result only once it is closed.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::error::AppError;

/// `GET /api/v1/assemblies/{assembly_id}/ballots/{ballot_id}`: a ballot, with its result only once it is closed.
pub async fn api_ballot(
    State(state): State<AppState>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    let summary =
        app::deliberation::voting::published_ballot(&mut tx, assembly_id, ballot_id).await?;
    drop(tx);
    let ballot = &summary.ballot;
    let result = summary.result.as_ref().map(
        |result| json!({ "text": result.text, "passed": result.passed, "support_bp": result.support_bp }),
    );
    Ok(Json(json!({
        "id": ballot.id,
        "assembly_id": ballot.assembly_id,
        "proposal_id": ballot.fields.proposal_id,
        "method": ballot.fields.method.as_str(),
        "wording": app::deliberation::shown_wording(ballot),
        "status": ballot.status.as_str(),
        "opens_after": ballot.fields.opens_after,
        "eligible_members": ballot.fields.eligible_members,
        "voters_online": summary.voters_online,
        "result": result,
    }))
    .into_response())
}
