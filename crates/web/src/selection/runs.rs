//! The selection page (the runs of an assembly and the forms that start them) and the life of a run: a test run,
//! the final run's commitment and draw, resume and cancel, and the run's own page, which refreshes itself while the
//! run computes.

use app::selection::Refusal;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::selection::RunKind;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::SelectionMessages;
use crate::selection::forms::{CommitForm, DrawForm, TestRunForm};
use crate::selection::quotas::feasibility;
use crate::selection::views::{RunPage, RunView, SelectionPage, refusal_words, verdict_lines};
use crate::selection::{job, run_url};
use crate::views::{Chrome, render};
use crate::{AppState, now};

async fn selection_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let s = viewer.lang.t::<SelectionMessages>();
    let mut connection = state.store.connection().await?;
    let overview = app::selection::runs::overview(&mut connection, assembly_id, now()).await?;
    drop(connection);
    let pool_size = overview.check.pool_size();
    let (feasible, verdict) = verdict_lines(s, &feasibility(overview.check).await?.verdict);
    render(
        status,
        &SelectionPage {
            c: Chrome::new(viewer, s.selection_title),
            s,
            assembly_id,
            title: overview.title,
            errors,
            runs: overview.runs.iter().map(|r| RunView::of(s, r)).collect(),
            has_final: overview.has_final,
            panel_size: overview.settings.map(|s| s.panel_size).unwrap_or(0),
            pool_size,
            verdict,
            feasible,
        },
    )
}

/// The selection page again with a refusal.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    refusal: &Refusal,
) -> Result<Response, AppError> {
    let (status, errors) = refusal_words(viewer.lang, refusal);
    selection_page(state, viewer, assembly_id, status, errors).await
}

/// `GET /staff/assemblies/{assembly_id}/selection`: runs, and the forms to start them.
pub async fn selection(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    selection_page(&state, &viewer, assembly_id, StatusCode::OK, Vec::new()).await
}

/// `POST /staff/assemblies/{assembly_id}/selection/test-runs`: starts a test run (changes no one's status).
pub async fn start_test_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<TestRunForm>,
) -> Result<Response, AppError> {
    let test_run = match form {
        Ok(test_run) => test_run,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return selection_page(&state, &viewer, assembly_id, status, errors).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let started = app::selection::runs::start_test_run(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &test_run,
        now(),
    )
    .await?;
    let done = match started {
        Ok(done) => done,
        Err(refusal) => {
            drop(tx);
            return refused(&state, &viewer, assembly_id, &refusal).await;
        }
    };
    tx.commit().await?;
    job::start(&state, done.effects);
    Ok(Redirect::to(&run_url(assembly_id, done.value)).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/selection/commitments`: freezes the final run's inputs and starts its job,
/// which computes the distribution and publishes it with the commitment that covers it, before the seed is known.
pub async fn commit_final_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<CommitForm>,
) -> Result<Response, AppError> {
    let Ok(lottery_panels) = form else {
        let errors = vec![
            viewer
                .lang
                .t::<SelectionMessages>()
                .err_lottery_panels
                .to_owned(),
        ];
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return selection_page(&state, &viewer, assembly_id, status, errors).await;
    };
    let mut tx = state.store.begin().await?;
    let committed = app::selection::runs::commit_final_run(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        lottery_panels,
        now(),
    )
    .await?;
    let done = match committed {
        Ok(done) => done,
        Err(refusal) => {
            drop(tx);
            return refused(&state, &viewer, assembly_id, &refusal).await;
        }
    };
    tx.commit().await?;
    job::start(&state, done.effects);
    Ok(Redirect::to(&run_url(assembly_id, done.value)).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/selection/runs/{run_id}/draw`: draws a committed run with the seed.
pub async fn draw_committed_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<DrawForm>,
) -> Result<Response, AppError> {
    let seed = match form {
        Ok(seed) => seed,
        Err(invalid) => {
            let d = viewer.lang.t::<crate::i18n::draw::DrawMessages>();
            let errors = invalid
                .errors
                .0
                .iter()
                .map(|error| d.describe(viewer.lang, error, "number"))
                .collect();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return run_page(&state, &viewer, assembly_id, run_id, status, errors).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let drawn = app::selection::runs::draw_committed_run(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        run_id,
        &seed,
        now(),
    )
    .await?;
    after_start(&state, &viewer, tx, assembly_id, run_id, drawn).await
}

/// `POST /staff/assemblies/{assembly_id}/selection/runs/{run_id}/resume`: runs an interrupted drawn run again with
/// its own stored inputs and seed (audited); the engine is deterministic, so the panel is the one the seed gave.
pub async fn resume_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    let resumed =
        app::selection::runs::resume_run(&mut tx, &viewer.actor(), assembly_id, run_id, now())
            .await?;
    after_start(&state, &viewer, tx, assembly_id, run_id, resumed).await
}

/// Commits a draw or a resume and starts its job, or shows the run's page with the refusal.
async fn after_start(
    state: &AppState,
    viewer: &Viewer,
    tx: store::Tx,
    assembly_id: i64,
    run_id: i64,
    started: Result<app::Done<()>, Refusal>,
) -> Result<Response, AppError> {
    let done = match started {
        Ok(done) => done,
        Err(refusal) => {
            drop(tx);
            let (status, errors) = refusal_words(viewer.lang, &refusal);
            return run_page(state, viewer, assembly_id, run_id, status, errors).await;
        }
    };
    tx.commit().await?;
    job::start(state, done.effects);
    Ok(Redirect::to(&run_url(assembly_id, run_id)).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/selection/runs/{run_id}/cancel`: asks a running run to stop (audited).
pub async fn cancel_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    app::selection::runs::cancel_run(&mut tx, &viewer.actor(), assembly_id, run_id, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&run_url(assembly_id, run_id)).into_response())
}

async fn run_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    run_id: i64,
    status: StatusCode,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let s = viewer.lang.t::<SelectionMessages>();
    let mut connection = state.store.connection().await?;
    let run = app::selection::runs::run_seen(&mut connection, assembly_id, run_id, now()).await?;
    drop(connection);
    let summary = app::selection::job::summary_of(&run)?;
    let d = viewer.lang.t::<crate::i18n::draw::DrawMessages>();
    let mut connection = state.store.connection().await?;
    let drawn_in_public = app::selection::runs::public_number(&mut connection, assembly_id, run_id)
        .await?
        .map(|drawn| {
            crate::i18n::fill(
                d.drawn_staff,
                &[
                    ("number", &drawn.number.to_string()),
                    ("name", drawn.entered_by_name.as_deref().unwrap_or("—")),
                    ("when", &crate::views::utc_minute(drawn.entered_at)),
                ],
            )
        });
    drop(connection);
    let number_hint = run
        .lottery_panels
        .map(|panels| crate::i18n::fill(d.number_hint, &[("max", &(panels - 1).to_string())]))
        .unwrap_or_default();
    let mut response = render(
        status,
        &RunPage {
            d,
            drawn_in_public,
            number_hint,
            c: Chrome::new(viewer, format!("{} #{run_id}", s.run_title)),
            s,
            assembly_id,
            errors,
            run: RunView::of(s, &run),
            commitment: run.commitment.clone(),
            seed_source: run.seed_source.clone(),
            engine_version: run.engine_version.clone(),
            panel_size: run.panel_size,
            progress: run.progress.clone(),
            message: run.message.lines().map(str::to_owned).collect(),
            cancel_requested: run.cancel_requested,
            summary,
            public: run.kind != RunKind::Test,
            lottery_panels: run.lottery_panels,
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{assembly_id}/selection/runs/{run_id}`: the progress page (refreshes itself while running).
pub async fn run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    run_page(
        &state,
        &viewer,
        assembly_id,
        run_id,
        StatusCode::OK,
        Vec::new(),
    )
    .await
}
