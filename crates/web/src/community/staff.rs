//! The organisers' page of community assemblies: `GET /staff/assemblies/{id}/community` (the phase and the
//! moderation queue), `POST .../community` (open or close the phase, the guide) and `POST .../community/outcomes`
//! (accept or reject the selected outcomes at once, `app::community::moderate`).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::community::OutcomeStatus;
use serde::Deserialize;

use super::forms::{ModerationFields, PhaseFields};
use super::views::{OutcomeView, Pager, StaffPage};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::community::CommunityMessages;
use crate::i18n::fill;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Query of the staff page.
#[derive(Debug, Default, Deserialize)]
pub struct StaffQuery {
    /// The page of the queue, from 0.
    #[serde(default)]
    pub page: Option<i64>,
    /// Set after the phase was saved.
    #[serde(default)]
    pub saved: Option<String>,
    /// How many outcomes were just moderated.
    #[serde(default)]
    pub moderated: Option<i64>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    query: StaffQuery,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CommunityMessages>();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let settings = app::community::phase(&mut connection, assembly_id).await?;
    let page_number = query.page.unwrap_or(0).max(0);
    let (pending, total) = app::community::outcomes_page(
        &mut connection,
        assembly_id,
        OutcomeStatus::Pending,
        page_number,
    )
    .await?;
    let (assemblies, participants) = app::community::totals(
        &app::community::accepted_by_area(&mut connection, assembly_id).await?,
    );
    let ids: Vec<i64> = pending.iter().map(|row| row.id).collect();
    let photos = app::community::photos_of(&mut connection, assembly_id, &ids).await?;
    drop(connection);
    let notice = if query.saved.is_some() {
        Some(t.phase_saved.to_owned())
    } else {
        query
            .moderated
            .map(|n| fill(t.moderated, &[("n", &n.to_string())]))
    };
    render(
        status,
        &StaffPage {
            c: Chrome::new(viewer, t.staff_title),
            t,
            assembly_id,
            assembly_title: record.title,
            is_open: settings.is_open,
            guide: settings.guide,
            errors,
            notice,
            pending: pending
                .iter()
                .map(|row| {
                    OutcomeView::new(row, t).with_photos(
                        assembly_id,
                        &row.community,
                        &photos,
                        viewer.lang,
                    )
                })
                .collect(),
            accepted_total: fill(
                t.accepted_total,
                &[
                    ("assemblies", &assemblies.to_string()),
                    ("participants", &participants.to_string()),
                ],
            ),
            pager: Pager::new(
                &format!("/staff/assemblies/{assembly_id}/community"),
                page_number,
                total,
            ),
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/community`: the community phase and the outcomes waiting.
pub async fn staff_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<StaffQuery>,
) -> Result<Response, AppError> {
    page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        query,
        Vec::new(),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/community`: opens or closes the phase and saves the guide.
pub async fn save_phase(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<PhaseFields>,
) -> Result<Response, AppError> {
    let Ok(phase) = form else {
        return Err(AppError::NotFound);
    };
    let mut tx = state.store.begin().await?;
    let saved = app::community::save_phase(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        phase.is_open,
        &phase.guide,
        now(),
    )
    .await;
    match saved {
        Ok(()) => {}
        Err(app::Error::Invalid(error)) => {
            drop(tx);
            let errors = vec![viewer.lang.messages().describe(&error)];
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                StaffQuery::default(),
                errors,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/community?saved=1"
    ))
    .into_response())
}

/// `POST /staff/assemblies/{assembly_id}/community/outcomes`: accepts or rejects the selected outcomes, all or none.
pub async fn moderate(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ModerationFields>,
) -> Result<Response, AppError> {
    let moderation = match form {
        Ok(moderation) => moderation,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                StaffQuery::default(),
                errors,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    let count = app::community::moderate(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &moderation.outcome_ids,
        moderation.decision,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/community?moderated={count}"
    ))
    .into_response())
}
