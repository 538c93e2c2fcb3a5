//! The public record of what became of an assembly's recommendations, readable without a token (and from other
//! sites, through CORS): `/api/v1/assemblies/{assembly_id}/recommendations` (a page of them, each with the
//! authority's response, the implementation milestones and the fidelity judgement), one recommendation, and the
//! scorecard (the same figures as the public scorecard page and its CSV). Public acts and aggregates only: who
//! recorded a response, the change strategy and the members' actions are never here.

use app::impact::Tracking;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use store::impact::Tracked;

use super::page::{Page, PageParams, Paged};
use crate::AppState;
use crate::error::AppError;
use crate::impact::today;

/// The assembly's recommendations as the public may see them, with the scorecard as of today.
///
/// Every read of public recommendations goes through here. These operations answer any origin without
/// credentials, so they answer as the anonymous public whatever token came with the call: until the assembly's
/// final report is published (issue 18, item 7, `app::publication`), a 404, as the scorecard's exports do.
pub async fn public_recommendations(
    state: &AppState,
    assembly_id: i64,
) -> Result<Tracking, AppError> {
    let mut connection = state.store.connection().await?;
    let public = app::Actor {
        account_id: None,
        role: domain::permission::Role::Public,
    };
    app::impact::public_tracking(&mut connection, &public, assembly_id, today())
        .await?
        .ok_or(AppError::NotFound)
}

/// One recommendation as JSON; `status` is the scorecard's timeliness of its response.
fn recommendation_json(item: &Tracked, status: Option<&str>) -> Value {
    let fields = &item.recommendation.fields;
    json!({
        "id": item.recommendation.id,
        "reference": fields.reference,
        "title": fields.title,
        "text": fields.body,
        "theme": fields.theme,
        "route": fields.route.as_str(),
        "support_bp": fields.support_bp,
        "support": fields.support_text,
        "minority_report": fields.minority_report,
        "proposal_id": fields.proposal_id,
        "status": status,
        "response": item.response.as_ref().map(|response| json!({
            "kind": response.kind.as_str(),
            "justification": response.justification,
            "source_url": response.source_url,
            "responded_on": response.responded_on,
            "on_behalf": response.on_behalf,
            "version": item.response_version,
        })),
        "milestones": item.milestones.iter().zip(&item.milestone_keys).map(|(milestone, key)| json!({
            "id": key.id,
            "version": key.version,
            "happened_on": milestone.happened_on,
            "kind": milestone.kind.as_str(),
            "description": milestone.description,
            "evidence_url": milestone.evidence_url,
        })).collect::<Vec<_>>(),
        "fidelity": item.fidelity.as_ref().map(|judgement| json!({
            "verdict": judgement.fidelity.as_str(),
            "judged_by": judgement.judge.as_str(),
            "reasons": judgement.reasons,
            "enacted_text": judgement.enacted_text,
            "judged_on": judgement.judged_on,
            "version": item.fidelity_version,
        })),
    })
}

/// The pairs of each recommendation with its scorecard status (the scorecard's rows are in the same order).
fn with_status(tracking: &Tracking) -> Vec<(&Tracked, Option<&'static str>)> {
    let rows = tracking.scorecard.rows();
    tracking
        .tracked
        .iter()
        .enumerate()
        .map(|(index, item)| (item, rows.get(index).map(|row| row.status.label())))
        .collect()
}

/// `GET /api/v1/assemblies/{assembly_id}/recommendations`: a page of the assembly's recommendations in its order,
/// read from the store with its total (issue 18, item 5), answered as the anonymous public like every public read
/// here.
pub async fn list_recommendations(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Paged<Value>>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let public = app::Actor {
        account_id: None,
        role: domain::permission::Role::Public,
    };
    let shown = app::impact::public_tracking_page(
        &mut connection,
        &public,
        assembly_id,
        (page.limit, page.offset),
        today(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    drop(connection);
    let rows = shown.scorecard.rows();
    Ok(Json(Paged {
        total: shown.matching,
        limit: page.limit,
        offset: page.offset,
        items: shown
            .tracked
            .iter()
            .enumerate()
            .map(|(index, item)| {
                recommendation_json(item, rows.get(index).map(|row| row.status.label()))
            })
            .collect(),
    }))
}

/// `GET /api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}`.
pub async fn get_recommendation(
    State(state): State<AppState>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
) -> Result<Json<Value>, AppError> {
    let tracking = public_recommendations(&state, assembly_id).await?;
    with_status(&tracking)
        .into_iter()
        .find(|(item, _)| item.recommendation.id == recommendation_id)
        .map(|(item, status)| Json(recommendation_json(item, status)))
        .ok_or(AppError::NotFound)
}

/// `GET /api/v1/assemblies/{assembly_id}/scorecard`: the scorecard as of today (the same document as the public
/// page's `scorecard.json`).
pub async fn get_scorecard(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let tracking = public_recommendations(&state, assembly_id).await?;
    Ok(Json(crate::impact::scorecard::scorecard_json_value(
        &tracking,
    )))
}
