//! The public scorecard (`/assemblies/{id}/scorecard`) and its exports: CSV, JSON and the embeddable SVG image,
//! all from the same `impact::Scorecard` as of today.

use ::impact::{Fidelity, ResponseKind, Share, Timeliness};
use app::impact::Tracking;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::today;
use super::views::{ScorecardPage, UnpublishedPage, figures, row_views};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::impact::ImpactMessages;
use crate::views::{Chrome, render};

/// The assembly's tracking as of today as `viewer` may see it, read on a pooled connection: `None` while the final
/// report is not published and the viewer is neither a member nor staff (issue 18, item 7).
async fn tracking(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
) -> Result<Option<Tracking>, AppError> {
    let mut connection = state.store.connection().await?;
    Ok(
        app::impact::public_tracking(&mut connection, &viewer.actor(), assembly_id, today())
            .await?,
    )
}

/// The tracking an export shows, or 404 while it is not published: an export is data, not a page to explain.
async fn published_tracking(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
) -> Result<Tracking, AppError> {
    tracking(state, viewer, assembly_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /assemblies/{id}/scorecard`: the public scorecard.
pub async fn scorecard_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let Some(tracking) = tracking(&state, &viewer, assembly_id).await? else {
        let p = viewer.lang.t::<crate::i18n::publish::PublishMessages>();
        let page = UnpublishedPage {
            c: Chrome::new(&viewer, t.scorecard_title),
            assembly_id,
            message: p.scorecard_unpublished,
        };
        return render(StatusCode::OK, &page);
    };
    let rows = row_views(&tracking, t);
    let overdue = row_views(&tracking, t)
        .into_iter()
        .filter(|row| row.overdue)
        .collect();
    let page = ScorecardPage {
        c: Chrome::new(&viewer, t.scorecard_title),
        t,
        assembly_id,
        title: tracking.record.title.clone(),
        authority: tracking.record.authority.clone(),
        illustrative: tracking.illustrative(),
        due: tracking.due.map(|d| d.to_string()).unwrap_or_default(),
        f: figures(&tracking.scorecard, t),
        overdue,
        rows,
    };
    render(StatusCode::OK, &page)
}

/// `GET /assemblies/{id}/scorecard.svg`: the embeddable image.
pub async fn scorecard_svg(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let tracking = published_tracking(&state, &viewer, assembly_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        ::impact::scorecard_svg(&tracking.scorecard),
    )
        .into_response())
}

/// `GET /assemblies/{id}/scorecard.csv`: one line per recommendation.
pub async fn scorecard_csv(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let tracking = published_tracking(&state, &viewer, assembly_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"scorecard.csv\"",
            ),
        ],
        ::impact::scorecard_csv(&tracking.scorecard),
    )
        .into_response())
}

/// The scorecard as JSON (the same figures as the page and the CSV).
pub fn scorecard_json_value(tracking: &Tracking) -> serde_json::Value {
    let scorecard = &tracking.scorecard;
    let share = |share: Share| serde_json::json!({ "count": share.part, "of": share.whole, "percent": share.percent() });
    let cherry = scorecard.cherry_picking();
    serde_json::json!({
        "assembly_id": tracking.record.id,
        "assembly": tracking.record.title,
        "authority": tracking.record.authority,
        "as_of": scorecard.as_of().to_string(),
        "due": tracking.due.map(|d| d.to_string()),
        "illustrative": tracking.illustrative(),
        "headline": scorecard.headline(),
        "total": scorecard.total(),
        "fully_taken_up": share(scorecard.fully_taken_up()),
        "by_response": ResponseKind::ALL.iter().map(|k| (k.label().to_owned(), share(scorecard.by_response(*k)))).collect::<serde_json::Map<_, _>>(),
        "by_fidelity": Fidelity::ALL.iter().map(|f| (f.label().to_owned(), share(scorecard.by_fidelity(*f)))).collect::<serde_json::Map<_, _>>(),
        "by_timeliness": Timeliness::ALL.iter().map(|s| (s.label().to_owned(), share(scorecard.by_timeliness(*s)))).collect::<serde_json::Map<_, _>>(),
        "cherry_picking": {
            "summary": cherry.summary(),
            "gap_points": cherry.gap_points(),
            "favours_less_supported": cherry.favours_less_supported(),
        },
        "recommendations": scorecard.rows().iter().map(|row| serde_json::json!({
            "reference": row.reference,
            "title": row.title,
            "theme": row.theme,
            "support": row.support.to_string(),
            "response": row.response.label(),
            "fidelity": row.fidelity.label(),
            "due": row.due.to_string(),
            "responded": row.responded.map(|d| d.to_string()),
            "status": row.status.label(),
            "fully_taken_up": row.fully_taken_up,
        })).collect::<Vec<_>>(),
    })
}

/// `GET /assemblies/{id}/scorecard.json`.
pub async fn scorecard_json(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let tracking = published_tracking(&state, &viewer, assembly_id).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        scorecard_json_value(&tracking).to_string(),
    )
        .into_response())
}
