//! The public verifiability page of a selection and its published files: the commitment before the draw; the
//! files, the seed and the panel's composition against the quotas after it; the replacement runs and their history
//! by public ids; and the invitation lottery's draws (seed, commitment, number drawn in public, per-area counts).
//! Aggregates and public ids only.

use app::selection::public::Published;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::selection::{RunKind, RunStatus};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::SelectionMessages;
use crate::i18n::panel::PanelMessages;
use crate::selection::views::{
    PublicInvitationDraw, PublicRun, PublicSelectionPage, composition_chart,
};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// `GET /assemblies/{assembly_id}/selection`: the commitment before the draw; the files, the seed and the panel's
/// composition against the quotas after it. Aggregates and public ids only.
pub async fn public_selection(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let s = viewer.lang.t::<SelectionMessages>();
    let mut connection = state.store.connection().await?;
    let page =
        app::selection::public::public_selection(&mut connection, assembly_id, now()).await?;
    // A final run drawn with a number drawn in public says so, with when it was entered (issue 18).
    let d = viewer.lang.t::<crate::i18n::draw::DrawMessages>();
    let drawn_in_public = match page.runs.iter().find(|r| r.kind == RunKind::Final) {
        Some(run) => app::selection::runs::public_number(&mut connection, assembly_id, run.id)
            .await?
            .map(|drawn| {
                crate::i18n::fill(
                    d.drawn_public,
                    &[
                        ("number", &drawn.number.to_string()),
                        ("when", &crate::views::utc_minute(drawn.entered_at)),
                    ],
                )
            }),
        None => None,
    };
    // The invitation lottery's draws: seeds, commitments and numbers drawn in public (issue 18, item 8).
    let invitation_draws = app::recruitment::lottery::public_draws(&mut connection, assembly_id)
        .await?
        .into_iter()
        .map(|draw| PublicInvitationDraw::of(d, draw))
        .collect();
    drop(connection);
    let run = match page.runs.iter().find(|r| r.kind == RunKind::Final) {
        Some(run) => Some(PublicRun::of(s, run)?),
        None => None,
    };
    let replacements = page
        .runs
        .iter()
        .filter(|r| r.kind == RunKind::Replacement)
        .map(|r| PublicRun::of(s, r))
        .collect::<Result<_, _>>()?;
    let current = match page.runs.iter().rev().find(|r| r.status == RunStatus::Done) {
        Some(run) => Some(PublicRun::of(s, run)?),
        None => None,
    };
    let public_id = |id: &Option<String>| id.clone().unwrap_or_else(|| "—".to_owned());
    let history = page
        .history
        .iter()
        .map(|row| {
            (
                public_id(&row.dropped),
                public_id(&row.replacement),
                row.run_id,
            )
        })
        .collect();
    render(
        StatusCode::OK,
        &PublicSelectionPage {
            c: Chrome::new(&viewer, s.public_title),
            s,
            assembly_id,
            title: page.title,
            run,
            replacements,
            current,
            history,
            p: viewer.lang.t::<PanelMessages>(),
            d,
            drawn_in_public,
            r: viewer.lang.t::<crate::i18n::RecruitmentMessages>(),
            invitation_draws,
        },
    )
}

/// `GET /assemblies/{assembly_id}/selection/{run_id}/{file}`: the published files of a final or replacement run
/// (`pool.csv` and `features.csv` from the commitment on, `already-selected.csv` for a replacement run, `seed.txt`
/// once the seed is known, `selected.csv`, `distribution.csv` and `composition.svg` after the draw).
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
            ("image/svg+xml", composition_chart(s, &summary)?.to_svg())
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}
