//! The recommendations import's preview, its template CSV and its API call (issue 18, item 1).
//!
//! The preview keeps the uploaded text in a hidden field of its confirmation form rather than in a pending row on
//! the server: nothing is stored before the organiser confirms (no table of half-imports to clean up, nothing lost
//! when another server instance answers the confirmation), and the text is checked again in the confirming
//! transaction, so a reference taken between the preview and the confirmation is refused there with its line and
//! column. The text is the organiser's own file, posted back with the form's CSRF token like any other field.

use askama::Template;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use store::recommendations::{NewRecommendation, Route};

use super::forms::{IMPORT_COLUMNS, parse_import};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::bulk::BulkMessages;
use crate::i18n::impact::ImpactMessages;
use crate::i18n::{fill, plural};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// One line of the preview, as it will be stored.
pub struct PreviewRow {
    /// The reference.
    pub reference: String,
    /// The title.
    pub title: String,
    /// The theme.
    pub theme: String,
    /// The support, as a percentage, or empty.
    pub support: String,
    /// The route, in words.
    pub route: &'static str,
}

/// The preview page.
#[derive(Template)]
#[template(path = "import_preview.html")]
pub struct PreviewPage {
    /// Chrome.
    pub c: Chrome,
    /// The bulk strings.
    pub b: &'static BulkMessages,
    /// The impact strings.
    pub t: &'static ImpactMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// "N lines will be created".
    pub intro: String,
    /// The confirmation button's words.
    pub confirm: String,
    /// The rows.
    pub rows: Vec<PreviewRow>,
    /// The text, carried back by the confirmation form.
    pub csv: String,
}

/// A share in basis points as a percentage (`96.5`), the way the import reads it.
fn percent(bp: u16) -> String {
    let whole = bp / 100;
    let cents = bp % 100;
    if cents == 0 {
        whole.to_string()
    } else if cents % 10 == 0 {
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

/// The preview of a file that reads: what will be created, and the form that confirms it.
pub fn page(
    viewer: &Viewer,
    assembly_id: i64,
    text: &str,
    rows: &[NewRecommendation],
) -> Result<Response, AppError> {
    let b = viewer.lang.t::<BulkMessages>();
    let t = viewer.lang.t::<ImpactMessages>();
    let n = rows.len() as i64;
    let mut response = render(
        StatusCode::OK,
        &PreviewPage {
            c: Chrome::new(viewer, b.preview_title),
            b,
            t,
            assembly_id,
            intro: plural(viewer.lang, n, b.preview_intro_one, b.preview_intro_other),
            confirm: plural(viewer.lang, n, b.confirm_one, b.confirm_other),
            rows: rows
                .iter()
                .map(|row| PreviewRow {
                    reference: row.reference.clone(),
                    title: row.title.clone(),
                    theme: row.theme.clone(),
                    support: row.support_bp.map(percent).unwrap_or_default(),
                    route: route_label(t, row.route),
                })
                .collect(),
            csv: text.to_owned(),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{id}/impact/import-template.csv`: the header the import reads and one example line.
pub async fn import_template() -> Result<Response, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(IMPORT_COLUMNS).map_err(AppError::internal)?;
    writer
        .write_record([
            "R1.1",
            "Insulate every public building by 2030",
            "Housing",
            "87.5",
            "law",
            "The full text as the assembly agreed it.",
        ])
        .map_err(AppError::internal)?;
    let bytes = writer
        .into_inner()
        .map_err(|error| AppError::internal(error.into_error()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"recommendations-template.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// What a script sends to import recommendations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// The CSV text, as the page's import takes it.
    pub csv: String,
    /// Check the file and return the preview without writing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// A 422 naming every problem of the file by line and column.
pub fn csv_errors(errors: Vec<String>) -> Response {
    let errors: Vec<String> = errors.into_iter().take(100).collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": errors.join(" "), "field": "csv", "errors": errors })),
    )
        .into_response()
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
