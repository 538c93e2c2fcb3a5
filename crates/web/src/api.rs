//! The JSON API under `/api/v1` and its OpenAPI 3.1 document.
//!
//! The request and response shapes here are a compatibility contract: they change deliberately.
//! The OpenAPI document is written by hand but its list of paths is generated from the route table,
//! and building it fails a test if a route has no description here.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::assembly::{
    AssemblyDraft, Authority, CommentBody, CommentStatus, Commitment, Question, Timeline, Title,
};
use domain::phase::Phase;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::assemblies::AssemblyRecord;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::guard::{Kind, RouteSpec};

/// One phase of a timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PhaseDto {
    /// `design`, `recruitment`, `selection`, `learning`, `deliberation`, `decision`, `response` or `follow_up`.
    pub phase: String,
    /// `YYYY-MM-DD` or null.
    #[serde(default)]
    pub starts_on: Option<String>,
    /// `YYYY-MM-DD` or null.
    #[serde(default)]
    pub ends_on: Option<String>,
}

/// An assembly as the API returns it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AssemblyDto {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// The question (remit).
    pub question: String,
    /// The commissioning authority.
    pub authority: String,
    /// The commitments, in order.
    pub commitments: Vec<String>,
    /// The current phase.
    pub current_phase: String,
    /// Every phase with its dates, in lifecycle order.
    pub timeline: Vec<PhaseDto>,
}

impl From<&AssemblyRecord> for AssemblyDto {
    fn from(record: &AssemblyRecord) -> AssemblyDto {
        AssemblyDto {
            id: record.id,
            title: record.title.clone(),
            question: record.question.clone(),
            authority: record.authority.clone(),
            commitments: record.commitments.clone(),
            current_phase: record.current_phase.clone(),
            timeline: record
                .phases
                .iter()
                .map(|phase| PhaseDto {
                    phase: phase.phase.clone(),
                    starts_on: phase.starts_on.clone(),
                    ends_on: phase.ends_on.clone(),
                })
                .collect(),
        }
    }
}

/// What a client sends to create or replace an assembly.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssemblyInput {
    /// The title.
    pub title: String,
    /// The question (remit).
    pub question: String,
    /// The commissioning authority.
    pub authority: String,
    /// The commitments.
    #[serde(default)]
    pub commitments: Vec<String>,
    /// The current phase.
    pub current_phase: String,
    /// Dates of some or all phases; phases left out have no dates.
    #[serde(default)]
    pub timeline: Vec<PhaseDto>,
}

impl AssemblyInput {
    /// Validates the input into a draft; the error names the JSON field.
    pub fn parse(&self) -> Result<AssemblyDraft, domain::error::ValidationError> {
        for (index, phase) in self.timeline.iter().enumerate() {
            Phase::parse(&format!("timeline[{index}].phase"), &phase.phase)?;
        }
        let current = Phase::parse("current_phase", &self.current_phase)?;
        Ok(AssemblyDraft {
            title: Title::parse(&self.title)?,
            question: Question::parse(&self.question)?,
            authority: Authority::parse(&self.authority)?,
            commitments: Commitment::parse_list(self.commitments.iter().map(String::as_str))?,
            timeline: Timeline::parse(current, |phase| {
                self.timeline
                    .iter()
                    .find(|dto| dto.phase == phase.as_str())
                    .map(|dto| (dto.starts_on.clone(), dto.ends_on.clone()))
                    .unwrap_or((None, None))
            })?,
        })
    }
}

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

type JsonBody<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// `GET /api/v1/assemblies`.
pub async fn list_assemblies(
    State(state): State<AppState>,
) -> Result<Json<Vec<AssemblyDto>>, AppError> {
    let mut connection = state.store.connection().await?;
    let summaries = store::assemblies::list_assemblies(&mut connection).await?;
    let mut assemblies = Vec::with_capacity(summaries.len());
    for summary in summaries {
        assemblies.push(AssemblyDto::from(
            &store::assemblies::get_assembly(&mut connection, summary.id).await?,
        ));
    }
    Ok(Json(assemblies))
}

/// `GET /api/v1/assemblies/{assembly_id}`.
pub async fn get_assembly(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<AssemblyDto>, AppError> {
    let mut connection = state.store.connection().await?;
    Ok(Json(AssemblyDto::from(
        &store::assemblies::get_assembly(&mut connection, assembly_id).await?,
    )))
}

/// `POST /api/v1/assemblies`.
pub async fn create_assembly(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    body: JsonBody<AssemblyInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let draft = input.parse()?;
    let record = crate::staff::save_assembly(&state, &viewer, None, &draft).await?;
    Ok((StatusCode::CREATED, Json(AssemblyDto::from(&record))).into_response())
}

/// `PUT /api/v1/assemblies/{assembly_id}`.
pub async fn update_assembly(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<AssemblyInput>,
) -> Result<Json<AssemblyDto>, AppError> {
    let Json(input) = body?;
    let draft = input.parse()?;
    let record = crate::staff::save_assembly(&state, &viewer, Some(assembly_id), &draft).await?;
    Ok(Json(AssemblyDto::from(&record)))
}

/// `GET /api/v1/assemblies/{assembly_id}/comments`: approved comments only.
pub async fn list_comments(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Vec<CommentDto>>, AppError> {
    let mut connection = state.store.connection().await?;
    if !store::assemblies::assembly_exists(&mut connection, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let rows = store::comments::comments_with_status(
        &mut connection,
        assembly_id,
        CommentStatus::Approved,
    )
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| CommentDto {
                id: row.id,
                body: row.body,
                created_at: row.created_at,
            })
            .collect(),
    ))
}

/// `POST /api/v1/assemblies/{assembly_id}/comments`: held for moderation; returns 202.
pub async fn post_comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<CommentInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let body = CommentBody::parse(&input.body)?;
    let id = crate::public::add_comment(&state, &viewer, assembly_id, &body).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "status": "pending" })),
    )
        .into_response())
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn assembly_id_parameter() -> Value {
    json!({ "name": "assembly_id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } })
}

/// The OpenAPI operation of an API route, or `None` if it is undocumented (which a test forbids).
pub fn operation(method: &str, path: &str) -> Option<Value> {
    let bearer = json!([{ "bearer": [] }]);
    let operation = match (method, path) {
        ("GET", "/api/openapi.json") => json!({
            "operationId": "openapi", "summary": "This document",
            "responses": { "200": { "description": "The OpenAPI document" } }
        }),
        ("GET", "/api/v1/assemblies") => json!({
            "operationId": "listAssemblies", "summary": "List every assembly",
            "responses": { "200": json_response("The assemblies", json!({ "type": "array", "items": schema_ref("Assembly") })) }
        }),
        ("POST", "/api/v1/assemblies") => json!({
            "operationId": "createAssembly", "summary": "Create an assembly (platform administrators)", "security": bearer,
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("AssemblyInput") } } },
            "responses": {
                "201": json_response("Created", schema_ref("Assembly")),
                "400": error_response("Malformed JSON"), "401": error_response("No or unknown token"),
                "403": error_response("Not allowed"), "413": error_response("Body too large"),
                "422": error_response("A field is missing or invalid; `field` names it")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}") => json!({
            "operationId": "getAssembly", "summary": "One assembly", "parameters": [assembly_id_parameter()],
            "responses": { "200": json_response("The assembly", schema_ref("Assembly")), "404": error_response("No such assembly") }
        }),
        ("PUT", "/api/v1/assemblies/{assembly_id}") => json!({
            "operationId": "updateAssembly", "summary": "Replace an assembly's description (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("AssemblyInput") } } },
            "responses": {
                "200": json_response("Updated", schema_ref("Assembly")),
                "400": error_response("Malformed JSON"), "401": error_response("No or unknown token"),
                "403": error_response("Not allowed"), "404": error_response("No such assembly"),
                "413": error_response("Body too large"), "422": error_response("A field is missing or invalid")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/comments") => json!({
            "operationId": "listComments", "summary": "Approved comments on the design of the process",
            "parameters": [assembly_id_parameter()],
            "responses": { "200": json_response("The approved comments", json!({ "type": "array", "items": schema_ref("Comment") })), "404": error_response("No such assembly") }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/comments") => json!({
            "operationId": "postComment", "summary": "Comment on the design of the process (held for moderation)",
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("CommentInput") } } },
            "responses": {
                "202": json_response("Received, pending moderation", json!({ "type": "object", "properties": { "id": { "type": "integer" }, "status": { "const": "pending" } } })),
                "404": error_response("No such assembly"), "422": error_response("A field is missing or invalid")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/ballots/{ballot_id}") => json!({
            "operationId": "getBallot", "summary": "A ballot of the assembly; `result` is null until the ballot closes, for every caller (members, observers and organisers of the assembly)", "security": bearer,
            "parameters": [assembly_id_parameter(), { "name": "ballot_id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } }],
            "responses": {
                "200": json_response("The ballot", json!({ "type": "object", "properties": {
                    "id": { "type": "integer" }, "method": { "enum": ["yes_no", "agreement", "ranking", "approval"] },
                    "wording": { "type": "string" }, "status": { "enum": ["draft", "open", "closed", "skipped"] },
                    "voters_online": { "type": "integer" },
                    "result": { "type": ["object", "null"], "properties": { "text": { "type": "string" }, "passed": { "type": ["boolean", "null"] }, "support_bp": { "type": ["integer", "null"] } } }
                } })),
                "401": error_response("No or unknown token"), "403": error_response("Not a member, observer or staff of the assembly"),
                "404": error_response("No such ballot in this assembly")
            }
        }),
        _ => return None,
    };
    Some(operation)
}

/// The OpenAPI 3.1 document: every API route of the route table (`specs`) with its operation.
pub fn openapi_document(specs: &[RouteSpec]) -> Value {
    let mut paths = serde_json::Map::new();
    for spec in specs.iter().filter(|spec| spec.kind == Kind::Api) {
        let operation = operation(spec.method, spec.path)
            .unwrap_or_else(|| json!({ "summary": "UNDOCUMENTED" }));
        let entry = paths
            .entry(spec.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[spec.method.to_lowercase()] = operation;
    }
    let phases: Vec<&str> = Phase::ALL.iter().map(|phase| phase.as_str()).collect();
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Kleroterion API", "version": "1", "description": "Citizens' assemblies: assemblies and public comments on their design. Write operations need `Authorization: Bearer <token>` (create tokens at /staff/tokens)." },
        "servers": [{ "url": "/" }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Phase": { "type": "object", "required": ["phase"], "additionalProperties": false, "properties": {
                    "phase": { "type": "string", "enum": phases },
                    "starts_on": { "type": ["string", "null"], "format": "date" },
                    "ends_on": { "type": ["string", "null"], "format": "date" } } },
                "Assembly": { "type": "object", "required": ["id", "title", "question", "authority", "commitments", "current_phase", "timeline"], "properties": {
                    "id": { "type": "integer", "format": "int64" },
                    "title": { "type": "string" }, "question": { "type": "string" }, "authority": { "type": "string" },
                    "commitments": { "type": "array", "items": { "type": "string" } },
                    "current_phase": { "type": "string", "enum": phases },
                    "timeline": { "type": "array", "items": schema_ref("Phase") } } },
                "AssemblyInput": { "type": "object", "required": ["title", "question", "authority", "current_phase"], "additionalProperties": false, "properties": {
                    "title": { "type": "string", "minLength": 1, "maxLength": 200 },
                    "question": { "type": "string", "minLength": 1, "maxLength": 2000 },
                    "authority": { "type": "string", "minLength": 1, "maxLength": 200 },
                    "commitments": { "type": "array", "maxItems": domain::assembly::MAX_COMMITMENTS, "items": { "type": "string", "minLength": 1, "maxLength": 500 } },
                    "current_phase": { "type": "string", "enum": phases },
                    "timeline": { "type": "array", "items": schema_ref("Phase") } } },
                "Comment": { "type": "object", "required": ["id", "body", "created_at"], "properties": {
                    "id": { "type": "integer" }, "body": { "type": "string" }, "created_at": { "type": "integer", "description": "unix seconds" } } },
                "CommentInput": { "type": "object", "required": ["body"], "additionalProperties": false, "properties": {
                    "body": { "type": "string", "minLength": 1, "maxLength": 2000 } } },
                "Error": { "type": "object", "required": ["error"], "properties": {
                    "error": { "type": "string" }, "field": { "type": ["string", "null"] } } }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::route_specs;

    #[test]
    fn every_api_route_is_documented() {
        for spec in route_specs()
            .into_iter()
            .filter(|spec| spec.kind == Kind::Api)
        {
            assert!(
                operation(spec.method, spec.path).is_some(),
                "{} {} has no OpenAPI operation",
                spec.method,
                spec.path
            );
        }
    }
}
