//! Questions for scripts (issue 18, items 4, 8 and 9).
//!
//! `/api/v1/assemblies/{assembly_id}/speaker-questions`: members' questions to speakers waiting for moderation, a
//! page at a time, and `/speaker-questions/moderation`, accepting or rejecting many at once, all or none, through
//! the same use case as the staff evidence page (`app::assembly::moderate_questions`).
//!
//! `/registration-questions`: the assembly's features and values and which one is the area, read and replaced as
//! the registration questions page does (`app::recruitment::define`), with the page's checks (every value named,
//! a question with two values at least, the area one of the features and, once invitations are drawn, every area
//! of the address list one of its values; locked once quotas or registrations refer to them).

use app::assembly::AssemblyError;
use app::recruitment::define::{
    CellProblem, Lock, MAX_CELL_CHARS, MAX_QUESTION_LINES, QuestionsProblem, QuestionsRefusal,
    parse_questions,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::error::{Problem, ValidationError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::evidence::QuestionStatus;

use super::JsonBody;
use super::openapi::{assembly_id_parameter, error_response, json_response, paged};
use super::page::{Page, PageParams, Paged};
use crate::auth::Viewer;
use crate::error::{AppError, item_refused};
use crate::{AppState, now};

/// A question waiting for moderation.
#[derive(Debug, Serialize)]
pub struct PendingJson {
    /// The question.
    pub id: i64,
    /// The speaker's name.
    pub speaker: String,
    /// The question's text.
    pub body: String,
    /// The author's name, when known (staff see it on the evidence page too).
    pub author: Option<String>,
}

/// `GET /api/v1/assemblies/{assembly_id}/speaker-questions`: the questions waiting for moderation, oldest first.
pub async fn pending_questions(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Paged<PendingJson>>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    if !store::assemblies::assembly_exists(&mut connection, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    // Only the pending questions are answered: the first page of documents that comes with them is not.
    let documents = app::assembly::Documents::default();
    let library = app::assembly::staff_library(&mut connection, assembly_id, &documents).await?;
    drop(connection);
    Ok(Json(page.of(&library.pending, |question| PendingJson {
        id: question.id,
        speaker: question.speaker.clone(),
        body: question.body.clone(),
        author: question.author.clone(),
    })))
}

/// What a script sends to moderate many questions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionModerationInput {
    /// The questions, each still pending.
    pub question_ids: Vec<i64>,
    /// `accepted` (public from now on) or `rejected` (never public).
    pub decision: String,
}

/// `POST /api/v1/assemblies/{assembly_id}/speaker-questions/moderation`: all or none; a question of another
/// assembly is a 422 and one decided already a 409, each naming its id, and nothing is written.
pub async fn moderate_questions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<QuestionModerationInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let decision = QuestionStatus::parse(&input.decision)
        .filter(|decision| *decision != QuestionStatus::Pending)
        .ok_or_else(|| ValidationError::new("decision", Problem::Malformed))?;
    if input.question_ids.is_empty() || input.question_ids.len() > app::bulk::MAX_ITEMS {
        return Err(ValidationError::new("question_ids", Problem::Malformed).into());
    }
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    // Name the first question refused, as the other bulk actions do; the use case checks again in its writes.
    let known = store::evidence::staff_questions(&mut tx, assembly_id).await?;
    for id in &input.question_ids {
        match known.iter().find(|question| question.id == *id) {
            None => {
                return Ok(item_refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "question_ids",
                    *id,
                    "no such question in this assembly; nothing was written",
                ));
            }
            Some(question) if question.status != QuestionStatus::Pending => {
                let message = format!("already {}; nothing was written", question.status.as_str());
                return Ok(item_refused(
                    StatusCode::CONFLICT,
                    "question_ids",
                    *id,
                    &message,
                ));
            }
            Some(_) => {}
        }
    }
    let decided = app::assembly::moderate_questions(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &input.question_ids,
        decision,
        now(),
    )
    .await
    .map_err(|error| match error {
        AssemblyError::App(error) => error.into(),
        AssemblyError::Refused(_) => {
            AppError::Conflict("a question is no longer pending; nothing was written".to_owned())
        }
    })?;
    tx.commit().await?;
    Ok(Json(json!({ "moderated": decided, "decision": decision.as_str() })).into_response())
}

/// A feature with its values.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureJson {
    /// The feature (`age_band`).
    pub name: String,
    /// Its values, in the form's order.
    pub values: Vec<String>,
}

/// What a script sends to replace the registration questions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationQuestionsInput {
    /// The features with their values (the area's too).
    pub features: Vec<FeatureJson>,
    /// The feature that is the area (its values come from the invitations), or none.
    #[serde(default)]
    pub area_feature: Option<String>,
}

fn lock_name(lock: Lock) -> &'static str {
    match lock {
        Lock::Quotas => "quotas",
        Lock::Registered => "registered",
    }
}

/// `GET /api/v1/assemblies/{assembly_id}/registration-questions`: the questions, the area feature, whether they are
/// locked, and the area against the latest address list.
pub async fn registration_questions(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let mut connection = state.store.connection().await?;
    let editor = app::recruitment::define::editor(&mut connection, assembly_id).await?;
    drop(connection);
    let check = editor.area_check();
    let features: Vec<FeatureJson> = editor
        .features
        .iter()
        .map(|feature| FeatureJson {
            name: feature.name.clone(),
            values: feature.values.clone(),
        })
        .collect();
    Ok(Json(json!({
        "features": features,
        "area_feature": editor.area,
        "locked": editor.lock.map(lock_name),
        "address_list_areas": editor.list_areas,
        "area_check": check.map(|check| json!({ "unknown": check.unknown, "unused": check.unused })),
    })))
}

/// A 422 (or `status`) listing every problem, the first one's field as `field`.
fn problems(status: StatusCode, field: &str, errors: Vec<String>) -> Response {
    let error = errors.join("; ");
    (
        status,
        Json(json!({ "error": error, "field": field, "errors": errors })),
    )
        .into_response()
}

/// The problems of the typed questions in words, naming the feature and value of the JSON body that each is about
/// (`lines[k]` is the (feature, value) index of line k + 1 of the text built from the body).
fn describe(problem: &QuestionsProblem, lines: &[(usize, usize)]) -> String {
    match problem {
        QuestionsProblem::Cell {
            line,
            column,
            problem,
        } => {
            let (feature, value) = lines
                .get(line.saturating_sub(1))
                .copied()
                .unwrap_or_default();
            let cell = if *column == 1 {
                format!("features[{feature}].name")
            } else {
                format!("features[{feature}].values[{value}]")
            };
            match problem {
                CellProblem::Columns => format!("features[{feature}]: not a feature and a value"),
                CellProblem::Empty => format!("{cell} is empty"),
                CellProblem::TooLong => {
                    format!("{cell} is longer than {MAX_CELL_CHARS} characters")
                }
                CellProblem::Duplicate { first } => {
                    let (f, v) = lines
                        .get(first.saturating_sub(1))
                        .copied()
                        .unwrap_or_default();
                    format!("{cell} repeats features[{f}].values[{v}]")
                }
            }
        }
        QuestionsProblem::TooMany => {
            format!("more than {MAX_QUESTION_LINES} values in all")
        }
        QuestionsProblem::OneValue(name) => format!(
            "the feature `{name}` has one value: a question needs two (only the area may have one)"
        ),
        QuestionsProblem::UnknownAreaFeature => {
            "area_feature is not one of the features".to_owned()
        }
    }
}

/// `PUT /api/v1/assemblies/{assembly_id}/registration-questions`: replaces the questions and the area feature
/// (audited `questions.save`), all or nothing. Every problem is listed (`errors`), each naming its feature and
/// value; locked questions are a 409.
pub async fn save_registration_questions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<RegistrationQuestionsInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    // The page's text, one `feature,value` line per value; a line break inside a cell would move the lines, and a
    // feature without values would vanish, so both are refused first.
    let mut early = Vec::new();
    let mut text = String::new();
    let mut lines = Vec::new();
    for (f, feature) in input.features.iter().enumerate() {
        if feature.name.trim().is_empty() {
            early.push(format!("features[{f}].name is empty"));
        }
        if feature.values.is_empty() {
            early.push(format!("features[{f}].values is empty"));
        }
        let cells = std::iter::once(&feature.name).chain(&feature.values);
        if cells.clone().any(|cell| cell.chars().any(char::is_control)) {
            early.push(format!("features[{f}] has a control character"));
        }
        for (v, value) in feature.values.iter().enumerate() {
            text.push_str(&app::selection::pool::csv_line(&[&feature.name, value]));
            lines.push((f, v));
        }
    }
    if input.features.is_empty() {
        early.push("features is empty".to_owned());
    }
    if !early.is_empty() {
        return Ok(problems(
            StatusCode::UNPROCESSABLE_ENTITY,
            "features",
            early,
        ));
    }
    let area = input.area_feature.unwrap_or_default();
    let draft = match parse_questions(&text, &area) {
        Ok(draft) => draft,
        Err(found) => {
            let field = match found.first() {
                Some(QuestionsProblem::UnknownAreaFeature) => "area_feature",
                _ => "features",
            };
            let errors = found
                .iter()
                .map(|problem| describe(problem, &lines))
                .collect();
            return Ok(problems(StatusCode::UNPROCESSABLE_ENTITY, field, errors));
        }
    };
    let mut tx = state.store.begin().await?;
    let saved = app::recruitment::define::save_questions(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &draft,
        now(),
    )
    .await?;
    match saved {
        Ok(()) => {
            tx.commit().await?;
            let features: Vec<FeatureJson> =
                app::recruitment::questions::features_of_values(&draft.values)
                    .into_iter()
                    .map(|feature| FeatureJson {
                        name: feature.name,
                        values: feature.values,
                    })
                    .collect();
            Ok(Json(json!({ "features": features, "area_feature": draft.area })).into_response())
        }
        Err(QuestionsRefusal::Locked(lock)) => {
            let why = match lock {
                Lock::Quotas => "quotas refer to them",
                Lock::Registered => "people have registered with answers to them",
            };
            Err(AppError::Conflict(format!(
                "the registration questions are locked: {why}; nothing was written"
            )))
        }
        Err(QuestionsRefusal::UnknownAreas(areas)) => Ok(problems(
            StatusCode::UNPROCESSABLE_ENTITY,
            "area_feature",
            vec![format!(
                "areas of the address list are not values of `{}`: {}; nothing was written",
                area.trim(),
                areas.join(", ")
            )],
        )),
    }
}

/// The schema of the questions' features: as sent (`input`, with the page's limits) or as answered.
fn features_schema(input: bool) -> Value {
    if input {
        json!({ "type": "array", "minItems": 1, "items": { "type": "object", "required": ["name", "values"], "additionalProperties": false, "properties": {
            "name": { "type": "string", "minLength": 1, "maxLength": MAX_CELL_CHARS },
            "values": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1, "maxLength": MAX_CELL_CHARS } } } } })
    } else {
        json!({ "type": "array", "items": { "type": "object", "required": ["name", "values"], "properties": {
            "name": { "type": "string" }, "values": { "type": "array", "items": { "type": "string" } } } } })
    }
}

/// The OpenAPI operations of this file's routes.
pub fn operation(method: &str, path: &str) -> Option<Value> {
    let bearer = json!([{ "bearer": [] }]);
    let operation = match (method, path) {
        ("GET", "/api/v1/assemblies/{assembly_id}/speaker-questions") => {
            let mut parameters = vec![assembly_id_parameter()];
            parameters.extend(super::openapi::paging_parameters());
            json!({
                "operationId": "listPendingQuestions", "summary": "A page of members' questions to speakers waiting for moderation, oldest first, with their author's name (observers, facilitators, organisers)", "security": bearer,
                "parameters": parameters,
                "responses": {
                    "200": json_response("One page of pending questions", paged(json!({ "type": "object", "required": ["id", "speaker", "body"], "properties": {
                        "id": { "type": "integer" }, "speaker": { "type": "string" }, "body": { "type": "string" }, "author": { "type": ["string", "null"] } } }))),
                    "404": error_response("No such assembly"),
                    "422": error_response("`limit` or `offset` out of range; `field` names it")
                }
            })
        }
        ("POST", "/api/v1/assemblies/{assembly_id}/speaker-questions/moderation") => json!({
            "operationId": "moderateQuestions", "summary": "Accept (public from now on) or reject (never public) many pending questions to speakers (facilitators, organisers); all or nothing, one audit entry each", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["question_ids", "decision"], "additionalProperties": false, "properties": {
                "question_ids": { "type": "array", "minItems": 1, "maxItems": app::bulk::MAX_ITEMS, "items": { "type": "integer", "format": "int64" } },
                "decision": { "enum": [QuestionStatus::Accepted.as_str(), QuestionStatus::Rejected.as_str()] } } } } } },
            "responses": {
                "200": json_response("Moderated", json!({ "type": "object", "required": ["moderated", "decision"], "properties": {
                    "moderated": { "type": "integer" }, "decision": { "enum": [QuestionStatus::Accepted.as_str(), QuestionStatus::Rejected.as_str()] } } })),
                "404": error_response("No such assembly"),
                "409": error_response("A question was decided already (`id` names it); nothing was written"),
                "422": error_response("A field is missing or invalid, or a question is not in this assembly (`id` names it); nothing was written")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/registration-questions") => json!({
            "operationId": "getRegistrationQuestions", "summary": "The registration questions: the features with their values, which one is the area, whether they are locked (by quotas or registrations) and the area against the latest address list (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "responses": {
                "200": json_response("The questions", json!({ "type": "object", "required": ["features", "area_feature", "locked"], "properties": {
                    "features": features_schema(false), "area_feature": { "type": ["string", "null"] },
                    "locked": { "enum": [lock_name(Lock::Quotas), lock_name(Lock::Registered), null] },
                    "address_list_areas": { "type": ["array", "null"], "items": { "type": "string" } },
                    "area_check": { "type": ["object", "null"], "properties": {
                        "unknown": { "type": "array", "items": { "type": "string" }, "description": "areas of the list that are not values of the area feature" },
                        "unused": { "type": "array", "items": { "type": "string" }, "description": "values of the area feature that no address has" } } } } })),
                "404": error_response("No such assembly")
            }
        }),
        ("PUT", "/api/v1/assemblies/{assembly_id}/registration-questions") => json!({
            "operationId": "replaceRegistrationQuestions", "summary": "Replace the registration questions and the area feature, with the page's checks (organisers); all or nothing, audited", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["features"], "additionalProperties": false, "properties": {
                "features": features_schema(true), "area_feature": { "type": ["string", "null"] } } } } } },
            "responses": {
                "200": json_response("Saved", json!({ "type": "object", "required": ["features", "area_feature"], "properties": {
                    "features": features_schema(false), "area_feature": { "type": ["string", "null"] } } })),
                "404": error_response("No such assembly"),
                "409": error_response("The questions are locked: quotas or registrations refer to them; nothing was written"),
                "422": error_response("The questions do not pass the page's checks: `errors` lists every problem by feature and value; nothing was written")
            }
        }),
        _ => return None,
    };
    Some(operation)
}
