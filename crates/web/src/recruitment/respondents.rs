//! The respondents: the organisers' list (searched by name or email in a POST body, so names stay out of URLs;
//! observers see counts), a respondent's status change with its reason, and the CSV export. Every read of
//! personal data is logged by the use case.

use app::recruitment::respondents::Filter;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::respondent::Status;

use super::forms::{RespondentsFilter, StatusForm};
use super::views::{RespondentsPage, csv_download, no_store, respondents_csv};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::views::render;
use crate::{AppState, now};

async fn respondents_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    filter: Filter,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    let list = app::recruitment::respondents(&mut tx, &viewer.actor(), assembly_id, &filter, now())
        .await?;
    tx.commit().await?;
    let page = RespondentsPage::new(state, viewer, assembly_id, list, filter);
    Ok(no_store(render(StatusCode::OK, &page)?))
}

/// `GET /staff/assemblies/{assembly_id}/respondents`: organisers see the list (filtered by status), observers counts.
pub async fn respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<RespondentsFilter>,
) -> Result<Response, AppError> {
    // A search only comes in a POST body: a name in a URL would end up in logs and the browser's history.
    let filter = Filter {
        search: String::new(),
        ..query.filter()
    };
    respondents_page(&state, &viewer, assembly_id, filter).await
}

/// `POST /staff/assemblies/{assembly_id}/respondents`: the same page, searched by name or email (sent in the body).
pub async fn search_respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<RespondentsFilter>,
) -> Result<Response, AppError> {
    let filter = form.unwrap_or_else(|invalid| invalid.fields.filter());
    respondents_page(&state, &viewer, assembly_id, filter).await
}

/// `POST /staff/assemblies/{assembly_id}/respondents/{respondent_id}/status`: moves one respondent to a new status
/// allowed by the transition table, with a required reason (`app::recruitment::change_status`). A refusal is a
/// 422 naming the first field at fault, or a 409 worded in the visitor's language; confirming someone without an
/// SMTP relay shows their sign-in code once.
pub async fn change_status(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, respondent_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<StatusForm>,
) -> Result<Response, AppError> {
    let change = form.map_err(|invalid| {
        let first = invalid.errors.describe(viewer.lang).into_iter().next();
        AppError::BadInput {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: first.unwrap_or_default(),
        }
    })?;
    let mut tx = state.store.begin().await?;
    let done = app::recruitment::change_status(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        respondent_id,
        change.to,
        &change.reason,
        now(),
    )
    .await
    .map_err(|error| crate::error::status_refused(viewer.lang, error))?;
    tx.commit().await?;
    if change.to == Status::Erased {
        forget_erased(&state).await;
    }
    // A new member's code is delivered by the deliverer (`crate::delivery`), never shown here.
    crate::effects::carry_out(&state, done.effects);
    let next =
        Redirect::to(&format!("/staff/assemblies/{assembly_id}/respondents")).into_response();
    Ok(next)
}

/// After an erasure has committed: makes the erased data leave the database files (SQLite: the write-ahead log still
/// holds the pages as they were before; see `store::Store::forget`). A failure is logged, never shown: the erasure
/// itself is done, and the next checkpoint completes it.
pub async fn forget_erased(state: &AppState) {
    if let Err(error) = state.store.forget().await {
        tracing::warn!(error = %error, "checkpoint after an erasure failed");
    }
}

/// `GET /staff/assemblies/{assembly_id}/respondents.csv`: every respondent of the assembly as CSV (organisers only;
/// cells safe against formula injection; `Cache-Control: no-store`), logged as an export of personal data (ids
/// only). Erased respondents keep their id, status and anonymous answers, with blank personal data.
pub async fn export_respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    let rows =
        app::recruitment::export_respondents(&mut tx, &viewer.actor(), assembly_id, now()).await?;
    let csv = respondents_csv(&rows)?;
    tx.commit().await?;
    Ok(csv_download(&format!("respondents-{assembly_id}.csv"), csv))
}
