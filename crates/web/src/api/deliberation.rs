//! Deliberation in the API, for the roles of `ViewDeliberation` (members, observers, facilitators, organisers):
//! `/api/v1/assemblies/{assembly_id}/proposals` and `/ballots`, a page of each, oldest first. A ballot's result is
//! given only once it is closed, for every caller, as on the pages and in the single ballot's operation.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::page::{Page, PageParams, Paged};
use crate::AppState;
use crate::error::AppError;

/// `GET /api/v1/assemblies/{assembly_id}/proposals`: a page of the proposals, each in its current version.
pub async fn proposals(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Paged<Value>>, AppError> {
    let page = Page::parse(params)?;
    let mut tx = state.store.begin().await?;
    let overview = app::deliberation::report::overview(&mut tx, assembly_id).await?;
    drop(tx);
    Ok(Json(page.of(&overview.proposals, |proposal| {
        json!({
            "id": proposal.id,
            "title": proposal.fields.title,
            "text": proposal.fields.body,
            "session_id": proposal.fields.session_id,
            "table": proposal.fields.table_no.map(|table_no| table_no + 1),
            "legacy_session": proposal.legacy_session,
            "legacy_table": proposal.legacy_table,
            "stage": proposal.stage.as_str(),
            "version": proposal.version,
            "minority_report": proposal.minority_report,
            "created_at": proposal.created_at,
        })
    })))
}

/// `GET /api/v1/assemblies/{assembly_id}/ballots`: a page of the ballots read from the store with their total;
/// `result` is null until a ballot closes.
pub async fn ballots(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Paged<Value>>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let (ballots, total) =
        app::deliberation::ballots_page(&mut connection, assembly_id, (page.limit, page.offset))
            .await?;
    drop(connection);
    Ok(Json(Paged {
        total,
        limit: page.limit,
        offset: page.offset,
        items: ballots.iter().map(|ballot| {
        let closed = ballot.status == ballots::BallotStatus::Closed;
        json!({
            "id": ballot.id,
            "proposal_id": ballot.fields.proposal_id,
            "method": ballot.fields.method.as_str(),
            "wording": app::deliberation::shown_wording(ballot),
            "status": ballot.status.as_str(),
            "eligible_members": ballot.fields.eligible_members,
            "opened_at": ballot.opened_at,
            "closed_at": ballot.closed_at,
            "result": closed.then(|| json!({
                "text": ballot.result_text, "passed": ballot.passed, "support_bp": ballot.support_bp,
            })),
        })
    }).collect(),
    }))
}
