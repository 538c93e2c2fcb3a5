//! The impact imports' previews, their template CSVs and their API calls (issue 18, item 1), on the shared parts of
//! [`crate::csv_import`]: the text is checked again in the confirming transaction, so a reference taken between the
//! preview and the confirmation is refused there with its line and column.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::collections::HashMap;

use serde_json::json;
use store::recommendations::{NewRecommendation, Route};

use super::forms::{
    IMPORT_COLUMNS, MILESTONE_COLUMNS, RESPONSE_COLUMNS, parse_import, parse_milestones,
    parse_responses,
};
use crate::auth::Viewer;
use crate::csv_import::{
    ImportForm, ImportInput, Target, csv_errors, csv_file, preview, refused_file,
};
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;
use crate::{AppState, now};

/// A share in basis points as a percentage (`96.5`), the way the import reads it.
fn percent(bp: u16) -> String {
    let whole = bp / 100;
    let cents = bp % 100;
    if cents == 0 {
        whole.to_string()
    } else if cents.is_multiple_of(10) {
        format!("{whole}.{}", cents / 10)
    } else {
        format!("{whole}.{cents:02}")
    }
}

/// The route of a recommendation in the visitor's words.
fn route_label(t: &'static ImpactMessages, route: Route) -> &'static str {
    let index = Route::ALL.iter().position(|r| *r == route).unwrap_or(0);
    t.routes[index]
}

/// Where the impact imports post, and their way back to the impact page.
fn target(viewer: &Viewer, assembly_id: i64, action: String) -> Target {
    let t = viewer.lang.t::<ImpactMessages>();
    Target {
        action,
        back_href: format!("/staff/assemblies/{assembly_id}/impact"),
        back_label: t.impact_title,
        text_label: t.import_label,
    }
}

/// The preview of a recommendations file that reads.
pub fn page(
    viewer: &Viewer,
    assembly_id: i64,
    text: &str,
    rows: &[NewRecommendation],
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let headers = vec![
        t.reference_col,
        t.title_col,
        t.theme_label,
        t.support_label,
        t.route_label,
    ];
    let rows = rows
        .iter()
        .map(|row| {
            vec![
                row.reference.clone(),
                row.title.clone(),
                row.theme.clone(),
                row.support_bp.map(percent).unwrap_or_default(),
                route_label(t, row.route).to_owned(),
            ]
        })
        .collect();
    let action = format!("/staff/assemblies/{assembly_id}/impact/import");
    preview(
        viewer,
        target(viewer, assembly_id, action),
        headers,
        rows,
        text,
    )
}

/// The authority's follow-up that an import records for recommendations named by reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followup {
    /// The authority's responses.
    Responses,
    /// Implementation milestones.
    Milestones,
}

impl Followup {
    /// The path segment of the page's import and template.
    fn segment(self) -> &'static str {
        match self {
            Followup::Responses => "responses",
            Followup::Milestones => "milestones",
        }
    }
}

/// A file read for an import of the authority's follow-up: what it records, ready to preview and to write.
enum Parsed {
    /// Responses by recommendation id.
    Responses(Vec<(i64, app::impact::NewResponse)>),
    /// Milestones by recommendation id.
    Milestones(Vec<(i64, app::impact::NewMilestone)>),
}

impl Parsed {
    fn is_empty(&self) -> bool {
        match self {
            Parsed::Responses(rows) => rows.is_empty(),
            Parsed::Milestones(rows) => rows.is_empty(),
        }
    }
}

/// Reads a follow-up file against the assembly's references.
async fn read_followup(
    tx: &mut store::Tx,
    viewer: &Viewer,
    assembly_id: i64,
    kind: Followup,
    text: &str,
) -> Result<(Result<Parsed, Vec<String>>, HashMap<i64, String>), AppError> {
    let references: HashMap<String, i64> = store::recommendations::list(tx, assembly_id)
        .await?
        .into_iter()
        .map(|row| (row.fields.reference, row.id))
        .collect();
    let by_id = references.iter().map(|(r, id)| (*id, r.clone())).collect();
    let parsed = match kind {
        Followup::Responses => {
            parse_responses(text, viewer.lang, &references).map(Parsed::Responses)
        }
        Followup::Milestones => {
            parse_milestones(text, viewer.lang, &references).map(Parsed::Milestones)
        }
    };
    let t = viewer.lang.t::<ImpactMessages>();
    let parsed = match parsed {
        Ok(rows) if rows.is_empty() => {
            Err(vec![fill(t.err_required, &[("field", t.import_label)])])
        }
        other => other,
    };
    Ok((parsed, by_id))
}

/// `POST /staff/assemblies/{id}/impact/import/responses`: the authority's responses from CSV, previewed, then
/// recorded all or nothing when confirmed.
pub async fn import_responses(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ImportForm>,
) -> Result<Response, AppError> {
    followup_import(&state, &viewer, assembly_id, Followup::Responses, form).await
}

/// `POST /staff/assemblies/{id}/impact/import/milestones`: implementation milestones from CSV, previewed, then
/// added all or nothing when confirmed.
pub async fn import_milestones(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ImportForm>,
) -> Result<Response, AppError> {
    followup_import(&state, &viewer, assembly_id, Followup::Milestones, form).await
}

async fn followup_import(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    kind: Followup,
    form: Result<(String, bool), crate::form::Invalid<ImportForm>>,
) -> Result<Response, AppError> {
    let (text, confirm) = match form {
        Ok(command) => command,
        Err(invalid) => (invalid.fields.csv, false),
    };
    let action = format!(
        "/staff/assemblies/{assembly_id}/impact/import/{}",
        kind.segment()
    );
    let mut tx = state.store.begin().await?;
    let (parsed, references) = read_followup(&mut tx, viewer, assembly_id, kind, &text).await?;
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            drop(tx);
            let target = target(viewer, assembly_id, action);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return refused_file(viewer, target, status, &text, errors);
        }
    };
    if !confirm {
        drop(tx);
        let t = viewer.lang.t::<ImpactMessages>();
        let reference = |id: &i64| references.get(id).cloned().unwrap_or_default();
        let (headers, rows) = match &parsed {
            Parsed::Responses(rows) => (
                vec![t.reference_col, t.kind_label, t.date_label, t.source_label],
                rows.iter()
                    .map(|(id, r)| {
                        vec![
                            reference(id),
                            r.kind.as_str().to_owned(),
                            r.responded_on.to_string(),
                            r.source.as_str().to_owned(),
                        ]
                    })
                    .collect(),
            ),
            Parsed::Milestones(rows) => (
                vec![
                    t.reference_col,
                    t.date_label,
                    t.kind_label,
                    t.description_label,
                ],
                rows.iter()
                    .map(|(id, m)| {
                        vec![
                            reference(id),
                            m.happened_on.to_string(),
                            m.kind.as_str().to_owned(),
                            m.description.clone(),
                        ]
                    })
                    .collect(),
            ),
        };
        return preview(
            viewer,
            target(viewer, assembly_id, action),
            headers,
            rows,
            &text,
        );
    }
    let actor = viewer.actor();
    let written = match &parsed {
        Parsed::Responses(rows) => {
            app::bulk::record_responses(&mut tx, &actor, assembly_id, rows, now()).await
        }
        Parsed::Milestones(rows) => {
            app::bulk::add_milestones(&mut tx, &actor, assembly_id, rows, now()).await
        }
    };
    match written {
        Ok(_) => {
            tx.commit().await?;
            Ok(axum::response::Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/impact?saved=1"
            ))
            .into_response())
        }
        Err(app::bulk::BulkError::Invalid(error)) => Err(error.into()),
        Err(app::bulk::BulkError::Item(refused)) => Err(refused.error.into()),
    }
}

/// `GET /staff/assemblies/{id}/impact/{responses,milestones}-template.csv`: the header an import reads and one
/// example line.
pub async fn responses_template() -> Result<Response, AppError> {
    csv_file(
        &RESPONSE_COLUMNS,
        &[
            "R1.1",
            "part",
            "The council adopts the insulation plan for schools only.",
            "https://council.example.org/decisions/2026-14",
            "2026-11-30",
        ],
        "responses-template.csv",
    )
}

/// See [`responses_template`].
pub async fn milestones_template() -> Result<Response, AppError> {
    csv_file(
        &MILESTONE_COLUMNS,
        &[
            "R1.1",
            "2027-02-01",
            "budget_line",
            "Insulation of schools in the 2027 budget",
            "https://council.example.org/budget/2027",
        ],
        "milestones-template.csv",
    )
}

/// `GET /staff/assemblies/{id}/impact/import-template.csv`: the header the import reads and one example line.
pub async fn import_template() -> Result<Response, AppError> {
    csv_file(
        &IMPORT_COLUMNS,
        &[
            "R1.1",
            "Insulate every public building by 2030",
            "Housing",
            "87.5",
            "law",
            "The full text as the assembly agreed it.",
        ],
        "recommendations-template.csv",
    )
}

/// `POST /api/v1/assemblies/{assembly_id}/recommendations/import`: the page's import as one call: 201 with the new
/// ids, or with `dry_run` 200 and the preview, or 422 with every problem by line and column (nothing written).
pub async fn api_import(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<ImportInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let t = viewer.lang.t::<ImpactMessages>();
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let existing = app::impact::references(&mut tx, assembly_id).await?;
    let rows = match parse_import(&input.csv, t, &existing) {
        Ok(rows) if rows.is_empty() => {
            return Ok(csv_errors(vec![fill(
                t.err_required,
                &[("field", t.import_label)],
            )]));
        }
        Ok(rows) => rows,
        Err(errors) => return Ok(csv_errors(errors)),
    };
    let preview: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            json!({
                "reference": row.reference, "title": row.title, "theme": row.theme,
                "support_bp": row.support_bp, "route": row.route.as_str(),
            })
        })
        .collect();
    if input.dry_run {
        return Ok(Json(json!({ "created": 0, "ids": [], "preview": preview })).into_response());
    }
    let ids =
        app::impact::import_recommendations(&mut tx, &viewer.actor(), assembly_id, &rows, now())
            .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "created": ids.len(), "ids": ids, "preview": preview })),
    )
        .into_response())
}

/// `POST /api/v1/assemblies/{assembly_id}/responses/import`: the authority's responses from CSV text as one call
/// (201 with how many, or with `dry_run` 200 and nothing written, or 422 with every problem by line and column).
pub async fn api_import_responses(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<ImportInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    api_followup(&state, &viewer, assembly_id, Followup::Responses, input).await
}

/// `POST /api/v1/assemblies/{assembly_id}/milestones/import`: implementation milestones from CSV text as one call.
pub async fn api_import_milestones(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<ImportInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    api_followup(&state, &viewer, assembly_id, Followup::Milestones, input).await
}

async fn api_followup(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    kind: Followup,
    input: ImportInput,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let (parsed, _) = read_followup(&mut tx, viewer, assembly_id, kind, &input.csv).await?;
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(csv_errors(errors)),
    };
    let lines = match &parsed {
        Parsed::Responses(rows) => rows.len(),
        Parsed::Milestones(rows) => rows.len(),
    };
    if input.dry_run {
        return Ok(Json(json!({ "created": 0, "lines": lines })).into_response());
    }
    let actor = viewer.actor();
    let written = match &parsed {
        Parsed::Responses(rows) => {
            app::bulk::record_responses(&mut tx, &actor, assembly_id, rows, now()).await
        }
        Parsed::Milestones(rows) => {
            app::bulk::add_milestones(&mut tx, &actor, assembly_id, rows, now()).await
        }
    };
    match written {
        Ok(created) => {
            tx.commit().await?;
            Ok((
                StatusCode::CREATED,
                Json(json!({ "created": created, "lines": lines })),
            )
                .into_response())
        }
        Err(app::bulk::BulkError::Invalid(error)) => Err(error.into()),
        Err(app::bulk::BulkError::Item(refused)) => Err(refused.error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_is_shown_as_the_import_reads_it() {
        assert_eq!(percent(9_650), "96.5");
        assert_eq!(percent(8_000), "80");
        assert_eq!(percent(1_205), "12.05");
        assert_eq!(percent(0), "0");
    }
}
