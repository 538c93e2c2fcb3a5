//! The kit: `GET /assemblies/{id}/community/kit/{material}`, print-friendly pages of the facilitation guide, the
//! agenda, the sign-in sheet, the question, the outcome form and the evidence pack, in the visitor's language
//! (`?lang=en` or `?lang=fr`). The kit is public while the community phase is open, as the Global Assembly's was:
//! anyone preparing to host may read it.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::views::{KitPage, summary_features};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::community::CommunityMessages;
use crate::views::{Chrome, render};

/// The materials of the kit, by path segment.
pub const MATERIALS: [&str; 6] = [
    "guide",
    "agenda",
    "sign-in",
    "question",
    "outcome-form",
    "evidence",
];

/// `GET /assemblies/{assembly_id}/community/kit/{material}`: one printable page of the kit.
pub async fn kit(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, material)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CommunityMessages>();
    let heading = match material.as_str() {
        "guide" => t.guide_title,
        "agenda" => t.agenda_title,
        "sign-in" => t.sign_in_title,
        "question" => t.question_title,
        "outcome-form" => t.outcome_form_title,
        "evidence" => t.evidence_title,
        _ => return Err(AppError::NotFound),
    };
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let settings = app::community::phase(&mut connection, assembly_id).await?;
    if !settings.is_open {
        return Err(AppError::NotFound);
    }
    let features = app::community::summary_features(&mut connection, assembly_id).await?;
    let evidence = if material == "evidence" {
        store::evidence::list_evidence(&mut connection, assembly_id)
            .await?
            .into_iter()
            .filter(|row| row.fields.topic != store::community::EVIDENCE_TOPIC)
            .map(|row| {
                (
                    row.fields.topic,
                    row.fields.title,
                    row.fields.url,
                    row.fields.summary,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    drop(connection);
    let lines = match material.as_str() {
        "guide" if !settings.guide.trim().is_empty() => paragraphs(&settings.guide),
        "guide" => paragraphs(t.guide_default),
        "agenda" => t.agenda_items.lines().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    render(
        StatusCode::OK,
        &KitPage {
            c: Chrome::new(&viewer, format!("{heading} · {}", record.title)),
            t,
            assembly_id,
            assembly_title: record.title,
            question: record.question,
            material,
            heading: heading.to_owned(),
            lines,
            evidence,
            features: summary_features(&features),
        },
    )
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(str::to_owned)
        .collect()
}
