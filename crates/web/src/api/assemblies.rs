//! `/api/v1/assemblies`: list, read, create and replace an assembly's description.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::phase::Phase;
use serde::{Deserialize, Serialize};
use store::assemblies::AssemblyRecord;

use super::JsonBody;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, now};

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
            current_phase: record.current_phase.as_str().to_owned(),
            timeline: record
                .phases
                .iter()
                .map(|phase| PhaseDto {
                    phase: phase.phase.as_str().to_owned(),
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
    let mut tx = state.store.begin().await?;
    let record = app::assemblies::create_assembly(&mut tx, &viewer.actor(), &draft, now()).await?;
    tx.commit().await?;
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
    let mut tx = state.store.begin().await?;
    let record =
        app::assemblies::update_assembly(&mut tx, &viewer.actor(), assembly_id, &draft, now())
            .await?;
    tx.commit().await?;
    Ok(Json(AssemblyDto::from(&record)))
}
