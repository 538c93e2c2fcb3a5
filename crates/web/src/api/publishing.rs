//! Phases and publishing for scripts (issue 18, items 7 and 9): `/api/v1/assemblies/{assembly_id}/phase` reads the
//! assembly's phase and moves it one step, naming the phase the script expects it to be in (a stale expectation is
//! a 409, never a second step); `/report` says whether the final report is published and how many recommendations
//! it holds (the preview), and `/report/publish` and `/report/withdraw` publish it and hide it again. The same use
//! cases as the phase control and the report page (`app::assemblies::change_phase`, `app::publication`).

use axum::extract::{Path, State};
use axum::{Extension, Json};
use domain::phase::Phase;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::JsonBody;
use super::openapi::{assembly_id_parameter, error_response, json_response};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, now};

/// An assembly's phase and the two steps it may take.
#[derive(Debug, Serialize)]
pub struct PhaseJson {
    /// The current phase.
    pub phase: &'static str,
    /// The phase before it, if any.
    pub previous: Option<&'static str>,
    /// The phase after it, if any.
    pub next: Option<&'static str>,
}

impl PhaseJson {
    fn of(phase: Phase) -> PhaseJson {
        PhaseJson {
            phase: phase.as_str(),
            previous: phase.previous().map(Phase::as_str),
            next: phase.next().map(Phase::as_str),
        }
    }
}

/// What a script sends to move the phase one step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseInput {
    /// The phase the script expects the assembly to be in.
    pub from: String,
    /// The phase just after or just before it.
    pub to: String,
}

/// `GET /api/v1/assemblies/{assembly_id}/phase`: public, as on the assembly's page.
pub async fn get_phase(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<PhaseJson>, AppError> {
    let mut connection = state.store.connection().await?;
    let assembly = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    Ok(Json(PhaseJson::of(assembly.current_phase)))
}

/// `POST /api/v1/assemblies/{assembly_id}/phase`: one step from `from` to `to` (audited `assembly.phase`); 409 if
/// the assembly is no longer in `from`, 422 if `to` is not one step from it.
pub async fn change_phase(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<PhaseInput>,
) -> Result<Json<PhaseJson>, AppError> {
    let Json(input) = body?;
    let from = Phase::parse("from", &input.from)?;
    let to = Phase::parse("to", &input.to)?;
    let mut tx = state.store.begin().await?;
    let record = app::assemblies::change_phase(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        from,
        to,
        now(),
    )
    .await
    .map_err(|error| match error {
        app::Error::Conflict(_) => AppError::Conflict(format!(
            "the assembly is no longer in the phase `{}` (another change moved it); read it again",
            from.as_str()
        )),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(Json(PhaseJson::of(record.current_phase)))
}

/// `GET /api/v1/assemblies/{assembly_id}/report`: whether the final report is published, and what publishing it
/// would publish (members and staff read the preview).
pub async fn report_status(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let signer = state.config.secret.audit_signer();
    let mut tx = state.store.begin().await?;
    let report =
        app::deliberation::report::final_report(&mut tx, &viewer.actor(), assembly_id, &signer)
            .await?;
    drop(tx);
    let published = report.visibility.published;
    Ok(Json(json!({
        "published": published.is_some(),
        "published_at": published.map(|publication| publication.published_at),
        "published_by": published.and_then(|publication| publication.published_by),
        "recommendations": report.recommendations.len(),
        "references": report.recommendations.iter().map(|row| row.fields.reference.as_str()).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/assemblies/{assembly_id}/report/publish`: publishes the report and its recommendations (audited
/// `report.publish`); 409 when there is nothing to publish or it is published already.
pub async fn publish_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let now = now();
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    app::publication::publish_report(&mut tx, &viewer.actor(), assembly_id, now).await?;
    tx.commit().await?;
    Ok(Json(json!({ "published": true, "published_at": now })))
}

/// `POST /api/v1/assemblies/{assembly_id}/report/withdraw`: hides the report from the public again (audited
/// `report.withdraw`); 409 when it is not published.
pub async fn withdraw_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    app::publication::withdraw_report(&mut tx, &viewer.actor(), assembly_id, now()).await?;
    tx.commit().await?;
    Ok(Json(json!({ "published": false })))
}

/// The schema of [`PhaseJson`].
fn phase_schema() -> Value {
    let phases: Vec<&str> = Phase::ALL.iter().map(|phase| phase.as_str()).collect();
    let mut or_null: Vec<Value> = phases.iter().map(|phase| json!(phase)).collect();
    or_null.push(Value::Null);
    json!({ "type": "object", "required": ["phase", "previous", "next"], "properties": {
        "phase": { "enum": phases }, "previous": { "enum": or_null.clone() }, "next": { "enum": or_null } } })
}

/// The OpenAPI operations of this file's routes.
pub fn operation(method: &str, path: &str) -> Option<Value> {
    let bearer = json!([{ "bearer": [] }]);
    let phases: Vec<&str> = Phase::ALL.iter().map(|phase| phase.as_str()).collect();
    let operation = match (method, path) {
        ("GET", "/api/v1/assemblies/{assembly_id}/phase") => json!({
            "operationId": "getPhase", "summary": "The assembly's phase and the phases one step before and after it (no token; any origin)",
            "parameters": [assembly_id_parameter()],
            "responses": { "200": json_response("The phase", phase_schema()), "404": error_response("No such assembly") }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/phase") => json!({
            "operationId": "changePhase", "summary": "Move the assembly one step forward or back, from the phase the script read (organisers); audited", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["from", "to"], "additionalProperties": false, "properties": {
                "from": { "enum": phases.clone(), "description": "the phase the assembly is expected to be in" },
                "to": { "enum": phases, "description": "the phase just after or just before `from`" } } } } } },
            "responses": {
                "200": json_response("Moved", phase_schema()),
                "404": error_response("No such assembly"),
                "409": error_response("The assembly is no longer in `from` (another change moved it); nothing was changed"),
                "422": error_response("A phase is unknown, or `to` is not one step from `from`; `field` names it")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/report") => json!({
            "operationId": "getReportStatus", "summary": "Whether the final report is published, and the recommendations that publishing it publishes (members and staff: the preview)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "responses": {
                "200": json_response("The report's status", json!({ "type": "object", "required": ["published", "recommendations", "references"], "properties": {
                    "published": { "type": "boolean" }, "published_at": { "type": ["integer", "null"], "description": "unix seconds" },
                    "published_by": { "type": ["integer", "null"] }, "recommendations": { "type": "integer" },
                    "references": { "type": "array", "items": { "type": "string" } } } })),
                "404": error_response("No such assembly")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/report/publish") => json!({
            "operationId": "publishReport", "summary": "Publish the final report and the recommendations, with the scorecard (organisers); audited", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "responses": {
                "200": json_response("Published", json!({ "type": "object", "required": ["published", "published_at"], "properties": {
                    "published": { "const": true }, "published_at": { "type": "integer" } } })),
                "404": error_response("No such assembly"),
                "409": error_response("There is no recommendation to publish, or the report is published already")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/report/withdraw") => json!({
            "operationId": "withdrawReport", "summary": "Hide the final report, the recommendations and the scorecard from the public again (organisers); audited", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "responses": {
                "200": json_response("Withdrawn", json!({ "type": "object", "required": ["published"], "properties": { "published": { "const": false } } })),
                "404": error_response("No such assembly"),
                "409": error_response("The report is not published")
            }
        }),
        _ => return None,
    };
    Some(operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phase_names_its_neighbours_and_the_ends_have_none() {
        let first = serde_json::to_value(PhaseJson::of(Phase::ALL[0])).unwrap();
        assert_eq!(first["previous"], Value::Null);
        assert_eq!(first["next"], Phase::ALL[1].as_str());
        let last = serde_json::to_value(PhaseJson::of(Phase::ALL[7])).unwrap();
        assert_eq!(last["next"], Value::Null);
        let schema = phase_schema();
        let documented = schema["properties"].as_object().unwrap();
        assert_eq!(
            first
                .as_object()
                .unwrap()
                .keys()
                .collect::<std::collections::BTreeSet<_>>(),
            documented.keys().collect::<std::collections::BTreeSet<_>>()
        );
        assert!(
            documented["previous"]["enum"]
                .as_array()
                .unwrap()
                .contains(&Value::Null)
        );
    }
}
