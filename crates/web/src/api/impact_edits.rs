//! Editing and removing a recommendation's records through the API (issue 18, item 8): `PUT` and `DELETE` of the
//! authority's response, the fidelity judgement, a milestone and a tactic, and `GET` of the recommendation's
//! history. The same forms validate the bodies and the same `app::impact` use cases write as the page's: every
//! call names the version it read (0 to record a response or a judgement that does not exist yet), a stale one is
//! a 409 and nothing is written. [`operation`] describes them in the OpenAPI document.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;
use serde_json::{Value, json};

use super::JsonBody;
use super::page::{Page, PageParams};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Validate;
use crate::impact::forms::{FidelityForm, MilestoneForm, ResponseForm, TacticForm};
use crate::{AppState, now};

/// The version a call names: a whole number from 0.
fn version(raw: i64) -> Result<i64, AppError> {
    if raw < 0 {
        return Err(AppError::Invalid(ValidationError::new(
            "version",
            Problem::Malformed,
        )));
    }
    Ok(raw)
}

/// A form's command, or its first error as a 422 naming the field (`rename` maps a form's field to the body's).
fn validated<F: Validate>(form: &F, rename: &[(&str, &str)]) -> Result<F::Command, AppError> {
    form.validate().map_err(|errors| {
        let mut error = errors
            .0
            .into_iter()
            .next()
            .unwrap_or_else(|| ValidationError::new("body", Problem::Malformed));
        if let Some((_, to)) = rename.iter().find(|(from, _)| *from == error.field) {
            error.field = (*to).to_owned();
        }
        AppError::Invalid(error)
    })
}

/// The body of `PUT .../response`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    /// The version read (0: no response yet).
    pub version: i64,
    /// `full`, `modified`, `part` or `rejected`.
    pub kind: String,
    /// Why (required unless `full`).
    #[serde(default)]
    pub justification: String,
    /// The public document.
    pub source_url: String,
    /// `YYYY-MM-DD`.
    pub responded_on: String,
}

/// The body of `PUT .../fidelity`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FidelityInput {
    /// The version read (0: no judgement yet).
    pub version: i64,
    /// `full`, `diluted`, `different` or `none`.
    pub verdict: String,
    /// Why.
    pub reasons: String,
    /// The enacted text, if any.
    #[serde(default)]
    pub enacted_text: String,
    /// `YYYY-MM-DD`.
    pub judged_on: String,
}

/// The body of `PUT .../milestones/{milestone_id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    /// The version read.
    pub version: i64,
    /// `YYYY-MM-DD`.
    pub happened_on: String,
    /// `bill`, `regulation`, `budget_line` or `other`.
    pub kind: String,
    /// What happened.
    pub description: String,
    /// The public evidence.
    pub evidence_url: String,
}

/// The body of `PUT .../tactics/{tactic_id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TacticInput {
    /// The version read.
    pub version: i64,
    /// `insider` or `outsider`.
    pub arena: String,
    /// The kind of tactic.
    pub kind: String,
    /// What.
    pub description: String,
    /// Who leads it.
    pub lead: String,
    /// `planned` or `done`.
    pub status: String,
    /// The outcome, if known.
    #[serde(default)]
    pub outcome: String,
}

/// The body of a `DELETE`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovalInput {
    /// The version read.
    pub version: i64,
    /// Why it is removed (kept in the history).
    pub reason: String,
}

/// Commits and answers the new version, or rolls back (a stale version is a 409).
async fn committed(tx: store::Tx, outcome: app::Result<i64>) -> Result<Response, AppError> {
    let version = outcome?;
    tx.commit().await?;
    Ok(Json(json!({ "version": version })).into_response())
}

/// Commits a removal: 204.
async fn removed(tx: store::Tx, outcome: app::Result<()>) -> Result<Response, AppError> {
    outcome?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/response`.
pub async fn put_response(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    body: JsonBody<ResponseInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let form = ResponseForm {
        kind: input.kind,
        justification: input.justification,
        source_url: input.source_url,
        responded_on: input.responded_on,
    };
    let response = validated(&form, &[])?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::save_response(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        Some(expected),
        &response,
        now(),
    )
    .await;
    committed(tx, outcome).await
}

/// `DELETE .../response`.
pub async fn delete_response(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    body: JsonBody<RemovalInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::remove_response(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        expected,
        &input.reason,
        now(),
    )
    .await;
    removed(tx, outcome).await
}

/// `PUT .../fidelity`.
pub async fn put_fidelity(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    body: JsonBody<FidelityInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let form = FidelityForm {
        fidelity: input.verdict,
        reasons: input.reasons,
        enacted_text: input.enacted_text,
        judged_on: input.judged_on,
    };
    let judgement = validated(&form, &[("fidelity", "verdict")])?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::save_fidelity(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        Some(expected),
        &judgement,
        now(),
    )
    .await;
    committed(tx, outcome).await
}

/// `DELETE .../fidelity`.
pub async fn delete_fidelity(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    body: JsonBody<RemovalInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::remove_fidelity(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        expected,
        &input.reason,
        now(),
    )
    .await;
    removed(tx, outcome).await
}

/// `PUT .../milestones/{milestone_id}`.
pub async fn put_milestone(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, milestone_id)): Path<(i64, i64, i64)>,
    body: JsonBody<MilestoneInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let form = MilestoneForm {
        happened_on: input.happened_on,
        kind: input.kind,
        description: input.description,
        evidence_url: input.evidence_url,
    };
    let milestone = validated(&form, &[])?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::edit_milestone(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        milestone_id,
        expected,
        &milestone,
        now(),
    )
    .await;
    committed(tx, outcome).await
}

/// `DELETE .../milestones/{milestone_id}`.
pub async fn delete_milestone(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, milestone_id)): Path<(i64, i64, i64)>,
    body: JsonBody<RemovalInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::remove_milestone(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        milestone_id,
        expected,
        &input.reason,
        now(),
    )
    .await;
    removed(tx, outcome).await
}

/// `PUT .../tactics/{tactic_id}`.
pub async fn put_tactic(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, tactic_id)): Path<(i64, i64, i64)>,
    body: JsonBody<TacticInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let form = TacticForm {
        arena: input.arena,
        kind: input.kind,
        description: input.description,
        lead: input.lead,
        status: input.status,
        outcome: input.outcome,
    };
    let tactic = validated(&form, &[])?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::edit_tactic(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        tactic_id,
        expected,
        &tactic,
        now(),
    )
    .await;
    committed(tx, outcome).await
}

/// `DELETE .../tactics/{tactic_id}`.
pub async fn delete_tactic(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, tactic_id)): Path<(i64, i64, i64)>,
    body: JsonBody<RemovalInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let expected = version(input.version)?;
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::remove_tactic(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        tactic_id,
        expected,
        &input.reason,
        now(),
    )
    .await;
    removed(tx, outcome).await
}

/// `GET .../recommendations/{recommendation_id}/history`: a page of the changes, newest first (tactics' only for
/// the roles that see the change strategy; who by role, never by name).
pub async fn get_history(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    params: PageParams,
) -> Result<Response, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let rows = app::impact::history(
        &mut connection,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
    )
    .await?;
    Ok(Json(page.of(&rows, |row| {
        json!({
            "record": row.record.as_str(), "record_id": row.record_id, "version": row.version,
            "change": row.change.as_str(), "role": row.role.as_str(), "changed_at": row.changed_at,
            "code": row.code, "text": row.body, "dated": row.dated, "reason": row.reason,
        })
    }))
    .into_response())
}

fn path_parameter(name: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } })
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn codes<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|code| as_str(*code)).collect()
}

/// The OpenAPI operation of one of these routes, or `None` for another route.
pub fn operation(method: &str, path: &str) -> Option<Value> {
    use domain::impact::{Arena, Instrument, Reply, TacticKind, TacticStatus, Verdict};
    let base = "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}";
    let rest = path.strip_prefix(base)?;
    let mut parameters = vec![
        path_parameter("assembly_id"),
        path_parameter("recommendation_id"),
    ];
    let version = json!({ "type": "integer", "format": "int64", "minimum": 0, "description": "The version read; a PUT of a response or a judgement that does not exist yet names 0" });
    let date = json!({ "type": "string", "format": "date" });
    let text = |max: usize| json!({ "type": "string", "maxLength": max });
    let (what, id, schema, who) = match rest {
        "/response" => (
            "the authority's response",
            "Response",
            json!({ "type": "object", "required": ["version", "kind", "source_url", "responded_on"], "additionalProperties": false, "properties": {
                "version": version, "kind": { "enum": codes(Reply::ALL, Reply::as_str) }, "justification": text(10_000),
                "source_url": { "type": "string", "format": "uri" }, "responded_on": date } }),
            "the authority, organisers on its behalf",
        ),
        "/fidelity" => (
            "the fidelity judgement",
            "Fidelity",
            json!({ "type": "object", "required": ["version", "verdict", "reasons", "judged_on"], "additionalProperties": false, "properties": {
                "version": version, "verdict": { "enum": codes(Verdict::ALL, Verdict::as_str) }, "reasons": text(10_000),
                "enacted_text": text(20_000), "judged_on": date } }),
            "the oversight group, members",
        ),
        "/milestones/{milestone_id}" => {
            parameters.push(path_parameter("milestone_id"));
            (
                "a milestone",
                "Milestone",
                json!({ "type": "object", "required": ["version", "happened_on", "kind", "description", "evidence_url"], "additionalProperties": false, "properties": {
                    "version": version, "happened_on": date, "kind": { "enum": codes(Instrument::ALL, Instrument::as_str) },
                    "description": text(2_000), "evidence_url": { "type": "string", "format": "uri" } } }),
                "the authority, organisers",
            )
        }
        "/tactics/{tactic_id}" => {
            parameters.push(path_parameter("tactic_id"));
            (
                "a tactic of the change strategy",
                "Tactic",
                json!({ "type": "object", "required": ["version", "arena", "kind", "description", "lead", "status"], "additionalProperties": false, "properties": {
                    "version": version, "arena": { "enum": codes(Arena::ALL, Arena::as_str) },
                    "kind": { "enum": codes(TacticKind::ALL, TacticKind::as_str) }, "description": text(2_000),
                    "lead": text(200), "status": { "enum": codes(TacticStatus::ALL, TacticStatus::as_str) }, "outcome": text(2_000) } }),
                "members, facilitators, organisers",
            )
        }
        "/history" if method == "GET" => {
            parameters.extend([
                json!({ "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": super::page::MAX_LIMIT, "default": super::page::DEFAULT_LIMIT } }),
                json!({ "name": "offset", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "default": 0 } }),
            ]);
            let item = json!({ "type": "object", "properties": {
                "record": { "enum": ["response", "milestone", "fidelity", "tactic"] }, "record_id": { "type": "integer" },
                "version": { "type": "integer" }, "change": { "enum": ["added", "edited", "removed"] },
                "role": { "type": "string" }, "changed_at": { "type": "integer", "description": "unix seconds" },
                "code": { "type": "string" }, "text": { "type": "string" }, "dated": { "type": "string" },
                "reason": { "type": "string" } } });
            return Some(json!({
                "operationId": "getRecommendationHistory",
                "summary": "A page of the history of a recommendation's response, milestones, fidelity judgement and tactics, newest first: every addition, edit and removal with its version, the role that made it and, for a removal, why (tactics for the roles that see the change strategy only; staff of the assembly)",
                "security": [{ "bearer": [] }], "parameters": parameters,
                "responses": {
                    "200": { "description": "One page of changes", "content": { "application/json": { "schema": { "type": "object", "required": ["total", "limit", "offset", "items"], "properties": {
                        "total": { "type": "integer" }, "limit": { "type": "integer" }, "offset": { "type": "integer" },
                        "items": { "type": "array", "items": item } } } } } },
                    "404": error_response("No such recommendation in this assembly"),
                    "422": error_response("`limit` or `offset` out of range; `field` names it")
                }
            }));
        }
        _ => return None,
    };
    let operation = match method {
        "PUT" => json!({
            "operationId": format!("put{id}"),
            "summary": format!("Record or edit {what} of a recommendation ({who}); `version` is the version read, and a stale one is refused. Audited with its before and after, kept in the recommendation's history"),
            "security": [{ "bearer": [] }], "parameters": parameters,
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema } } },
            "responses": {
                "200": { "description": "Saved", "content": { "application/json": { "schema": { "type": "object", "required": ["version"], "properties": { "version": { "type": "integer" } } } } } },
                "404": error_response("No such recommendation, or no such record of it, in this assembly"),
                "409": error_response("The record changed since `version` was read; nothing was written"),
                "422": error_response("A field is missing or invalid; `field` names it")
            }
        }),
        "DELETE" => json!({
            "operationId": format!("delete{id}"),
            "summary": format!("Remove {what} of a recommendation ({who}), saying why; its history stays"),
            "security": [{ "bearer": [] }], "parameters": parameters,
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["version", "reason"], "additionalProperties": false, "properties": {
                "version": { "type": "integer", "format": "int64", "minimum": 0 }, "reason": { "type": "string", "minLength": 1, "maxLength": app::impact::MAX_REASON } } } } } },
            "responses": {
                "204": { "description": "Removed" },
                "404": error_response("No such record in this assembly"),
                "409": error_response("The record changed since `version` was read; nothing was removed"),
                "422": error_response("`reason` is missing or too long, or `version` is invalid")
            }
        }),
        _ => return None,
    };
    Some(operation)
}
