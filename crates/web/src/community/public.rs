//! The public side of community assemblies: `GET /assemblies/{id}/community` (accepted outcomes grouped by area
//! with their provenance, and bars of assemblies and participants per area) and its API twin
//! `GET /api/v1/assemblies/{id}/community/outcomes`. Only accepted outcomes are read; a host's email never is.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::community::OutcomeStatus;
use serde::{Deserialize, Serialize};

use super::views::{OutcomeView, Pager, PublicPage, area_name};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::community::CommunityMessages;
use crate::i18n::fill;
use crate::views::{Chrome, render};

/// The page of a list, from 0.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The page.
    #[serde(default)]
    pub page: Option<i64>,
}

/// `GET /assemblies/{assembly_id}/community`: the accepted community assemblies, by area.
pub async fn public_list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CommunityMessages>();
    let page_number = query.page.unwrap_or(0).max(0);
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let settings = app::community::phase(&mut connection, assembly_id).await?;
    let by_area = app::community::accepted_by_area(&mut connection, assembly_id).await?;
    let (rows, total) = app::community::outcomes_page(
        &mut connection,
        assembly_id,
        OutcomeStatus::Accepted,
        page_number,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let photos = app::community::photos_of(&mut connection, assembly_id, &ids).await?;
    drop(connection);
    let (assemblies, participants) = app::community::totals(&by_area);
    let mut groups: Vec<(String, Vec<OutcomeView>)> = Vec::new();
    for row in &rows {
        let area = area_name(&row.area, t);
        let view =
            OutcomeView::new(row, t).with_photos(assembly_id, &row.community, &photos, viewer.lang);
        match groups.last_mut() {
            Some((last, outcomes)) if *last == area => outcomes.push(view),
            _ => groups.push((area, vec![view])),
        }
    }
    let mut charts = Vec::new();
    if !by_area.is_empty() {
        for (title, pick) in [(t.chart_assemblies, 1usize), (t.chart_participants, 2usize)] {
            let bars = by_area
                .iter()
                .map(|(area, n, p)| {
                    let value = if pick == 1 { *n } else { *p };
                    charts::Bar::new(&area_name(area, t), value as f64)
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(AppError::internal)?;
            let chart = charts::BarChart::new(&format!("{} — {title}", t.chart_title), bars)
                .map_err(AppError::internal)?;
            charts.push(chart.to_svg());
        }
    }
    render(
        StatusCode::OK,
        &PublicPage {
            c: Chrome::new(&viewer, t.public_title),
            t,
            assembly_id,
            assembly_title: record.title,
            is_open: settings.is_open,
            totals: fill(
                t.totals,
                &[
                    ("assemblies", &assemblies.to_string()),
                    ("participants", &participants.to_string()),
                ],
            ),
            by_area: by_area
                .iter()
                .map(|(area, n, p)| (area_name(area, t), *n, *p))
                .collect(),
            charts,
            groups,
            pager: Pager::new(
                &format!("/assemblies/{assembly_id}/community"),
                page_number,
                total,
            ),
        },
    )
}

/// One accepted outcome in the API (no email, no host id).
#[derive(Debug, Serialize)]
pub struct OutcomeJson {
    /// The id.
    pub id: i64,
    /// The host's name.
    pub host_name: String,
    /// The community.
    pub community: String,
    /// Its kind (`school`, `workplace`, `worship`, `village`, `other`).
    pub kind: &'static str,
    /// The area ("" when the assembly has none).
    pub area: String,
    /// When it was held (`YYYY-MM-DD`).
    pub held_on: String,
    /// How many took part.
    pub participants: i64,
    /// The anonymous summary: counts by feature and value.
    pub demographics: Vec<DemographicJson>,
    /// The questions discussed.
    pub questions: String,
    /// The main points.
    pub points: String,
    /// The recommendations.
    pub recommendations: String,
    /// Notes.
    pub notes: String,
}

/// One count of the anonymous summary.
#[derive(Debug, Serialize)]
pub struct DemographicJson {
    /// The feature.
    pub feature: String,
    /// The value.
    pub value: String,
    /// How many participants.
    pub count: i64,
}

/// One page of accepted outcomes.
#[derive(Debug, Serialize)]
pub struct OutcomesJson {
    /// How many accepted outcomes there are in all.
    pub total: i64,
    /// The page (from 0).
    pub page: i64,
    /// Outcomes per page.
    pub page_size: i64,
    /// This page's outcomes.
    pub outcomes: Vec<OutcomeJson>,
}

/// `GET /api/v1/assemblies/{assembly_id}/community/outcomes?page=N`: accepted community assembly outcomes.
pub async fn api_outcomes(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let page = query.page.unwrap_or(0).max(0);
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let (rows, total) =
        app::community::outcomes_page(&mut connection, assembly_id, OutcomeStatus::Accepted, page)
            .await?;
    drop(connection);
    let outcomes = rows
        .into_iter()
        .map(|row| OutcomeJson {
            id: row.id,
            kind: row.kind.as_str(),
            demographics: serde_json::from_str::<Vec<(String, String, i64)>>(
                &row.demographics_json,
            )
            .unwrap_or_default()
            .into_iter()
            .map(|(feature, value, count)| DemographicJson {
                feature,
                value,
                count,
            })
            .collect(),
            host_name: row.host_name,
            community: row.community,
            area: row.area,
            held_on: row.held_on,
            participants: row.participants,
            questions: row.questions,
            points: row.points,
            recommendations: row.recommendations,
            notes: row.notes,
        })
        .collect();
    Ok(Json(OutcomesJson {
        total,
        page,
        page_size: app::community::PAGE_SIZE,
        outcomes,
    })
    .into_response())
}
