//! Selection in the API. Public (no token, CORS): `/api/v1/assemblies/{assembly_id}/selection`, the published runs
//! with their commitment, seed and files, and the replacement history by public ids (what the public selection page
//! shows), and `/selection/runs/{run_id}/files/{file}`, one published file. Staff (the roles of
//! [`Action::ViewRecruitment`]): `/quotas`, the panel size and the quotas, and `/selection/runs`, every run with its
//! state. No person is named anywhere: the public files carry public ids only.
//!
//! [`Action::ViewRecruitment`]: domain::permission::Action::ViewRecruitment

use app::selection::public::{Published, published_names, run_verify_command};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Value, json};
use store::selection::RunRow;

use super::page::{Page, PageParams, Paged};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::SelectionMessages;
use crate::{AppState, now};

/// A seed or other text that is empty until known, as JSON (`null` until then).
fn known(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// A public run: what the public page shows of it, with its files' API paths.
fn public_run_json(assembly_id: i64, run: &RunRow) -> Value {
    let files: Vec<Value> = published_names(run)
        .into_iter()
        .map(|name| {
            json!({
                "name": name,
                "path": format!("/api/v1/assemblies/{assembly_id}/selection/runs/{}/files/{name}", run.id),
            })
        })
        .collect();
    json!({
        "id": run.id,
        "kind": run.kind.as_str(),
        "status": run.status.as_str(),
        "algorithm": run.algorithm.as_str(),
        "panel_size": run.panel_size,
        "lottery_panels": run.lottery_panels,
        "commitment": known(&run.commitment),
        "commitment_version": run.commitment_version,
        "seed_source": known(&run.seed_source),
        "seed": known(&run.seed),
        "verify_command": known(&run.seed).map(|_| run_verify_command(run)),
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "files": files,
    })
}

/// `GET /api/v1/assemblies/{assembly_id}/selection`: the public runs (oldest first) and the replacement history.
pub async fn public_selection(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let mut connection = state.store.connection().await?;
    let selection =
        app::selection::public::public_selection(&mut connection, assembly_id, now()).await?;
    drop(connection);
    Ok(Json(json!({
        "runs": selection.runs.iter().map(|run| public_run_json(assembly_id, run)).collect::<Vec<_>>(),
        "replacements": selection.history.iter().map(|row| json!({
            "dropped": row.dropped, "replacement": row.replacement, "run_id": row.run_id,
        })).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/assemblies/{assembly_id}/selection/runs/{run_id}/files/{file}`: a published file, as the public
/// page serves it (CSV, text or SVG).
pub async fn public_file(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id, file)): Path<(i64, i64, String)>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let published =
        app::selection::public::published_file(&mut connection, assembly_id, run_id, &file, now())
            .await?;
    drop(connection);
    let (content_type, body) = match published {
        Published::Csv(text) => ("text/csv; charset=utf-8", text),
        Published::Text(text) => ("text/plain; charset=utf-8", text),
        Published::Composition(summary) => {
            let s = viewer.lang.t::<SelectionMessages>();
            (
                "image/svg+xml",
                crate::selection::views::composition_chart(s, &summary)?.to_svg(),
            )
        }
    };
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// `GET /api/v1/assemblies/{assembly_id}/quotas`: the panel size, the seed source and a page of the quotas.
pub async fn quotas(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Value>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let editor = app::selection::quotas::editor(&mut connection, assembly_id).await?;
    drop(connection);
    let quotas: Paged<Value> = page.of(&editor.quotas, |quota| {
        json!({
            "feature": quota.feature, "value": quota.value, "share_ppm": quota.share_ppm,
            "min_seats": quota.min_seats, "max_seats": quota.max_seats,
        })
    });
    Ok(Json(json!({
        "panel_size": editor.settings.as_ref().map(|settings| settings.panel_size),
        "seed_source": editor.settings.as_ref().and_then(|settings| known(&settings.seed_source)),
        "quotas": quotas,
    })))
}

/// `GET /api/v1/assemblies/{assembly_id}/selection/runs`: a page of every run (test runs too), newest first, as
/// they stand now.
pub async fn runs(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Paged<Value>>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    if !store::assemblies::assembly_exists(&mut connection, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let runs = app::selection::runs::runs_seen(&mut connection, assembly_id, now()).await?;
    drop(connection);
    Ok(Json(page.of(&runs, |run| {
        json!({
            "id": run.id,
            "kind": run.kind.as_str(),
            "status": run.status.as_str(),
            "algorithm": run.algorithm.as_str(),
            "panel_size": run.panel_size,
            "lottery_panels": run.lottery_panels,
            "public": app::selection::public::is_public(run),
            "commitment": known(&run.commitment),
            "seed": known(&run.seed),
            "message": known(&run.message),
            "cancel_requested": run.cancel_requested,
            "created_at": run.created_at,
            "finished_at": run.finished_at,
        })
    })))
}
