//! The quota editor: the stored quotas with the pool's counts and the live feasibility check, the form that
//! proposes min and max from the population shares, and saving the table.

use app::selection::pool::{Feasibility, PoolCheck};
use app::selection::quotas::QuotaLine;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::SelectionMessages;
use crate::selection::forms::{QuotaForm, quota_text, share_text};
use crate::selection::views::{QuotaView, QuotasPage, verdict_lines};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Runs the live feasibility check (the engine: one panel MIP, then the smallest relaxation) on a blocking thread.
pub(crate) async fn feasibility(check: PoolCheck) -> Result<Feasibility, AppError> {
    tokio::task::spawn_blocking(move || check.feasibility())
        .await
        .map_err(AppError::internal)
}

/// What the editor shows again: the form as typed (or `None` for the stored table), errors, a notice.
struct Shown {
    status: StatusCode,
    form: Option<QuotaForm>,
    errors: Vec<String>,
    notice: String,
}

async fn quotas_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    shown: Shown,
) -> Result<Response, AppError> {
    let s = viewer.lang.t::<SelectionMessages>();
    let mut connection = state.store.connection().await?;
    let editor = app::selection::quotas::editor(&mut connection, assembly_id).await?;
    let check = app::selection::pool::pool_check(&mut connection, assembly_id).await?;
    let questions =
        app::recruitment::questions::stored_features(&mut connection, assembly_id).await?;
    drop(connection);
    let form = shown.form.unwrap_or_else(|| QuotaForm {
        panel_size: editor
            .settings
            .as_ref()
            .map(|settings| settings.panel_size.to_string())
            .unwrap_or_default(),
        seed_source: editor
            .settings
            .as_ref()
            .map(|settings| settings.seed_source.clone())
            .unwrap_or_default(),
        quotas: if editor.quotas.is_empty() {
            // Quotas refer to the registration questions: the table starts with one line per defined value, its
            // share and bounds left for the organiser to fill in.
            questions_template(&questions)
        } else {
            quota_text(&editor.quotas.iter().map(QuotaLine::of).collect::<Vec<_>>())
        },
        action: String::new(),
    });
    let feasibility = feasibility(check).await?;
    let (feasible, verdict) = verdict_lines(s, &feasibility.verdict);
    let rows = feasibility
        .rows
        .iter()
        .map(|row| QuotaView {
            feature: row.quota.feature.clone(),
            value: row.quota.value.clone(),
            share: share_text(row.quota.share_ppm),
            min: row.quota.min_seats,
            max: row.quota.max_seats,
            pool: row.pool,
        })
        .collect();
    render(
        shown.status,
        &QuotasPage {
            c: Chrome::new(viewer, s.quotas_title),
            s,
            assembly_id,
            title: editor.title,
            form,
            errors: shown.errors,
            notice: shown.notice,
            rows,
            pool_size: feasibility.pool_size,
            left_out: feasibility.left_out,
            feasible,
            verdict,
            questions_link: viewer
                .lang
                .t::<crate::i18n::lists::ListsMessages>()
                .questions_link,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/quotas`: the quota editor and the live feasibility check.
pub async fn quotas(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let shown = Shown {
        status: StatusCode::OK,
        form: None,
        errors: Vec::new(),
        notice: String::new(),
    };
    quotas_page(&state, &viewer, assembly_id, shown).await
}

/// `POST /staff/assemblies/{assembly_id}/quotas`: proposes min/max from the shares (shown, not saved), or saves
/// the table (audited).
pub async fn save_quotas(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<QuotaForm>,
) -> Result<Response, AppError> {
    let s = viewer.lang.t::<SelectionMessages>();
    let refused = |form: QuotaForm, errors: Vec<String>| Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        form: Some(form),
        errors,
        notice: String::new(),
    };
    let command = match form {
        Ok(command) => command,
        Err(invalid) => {
            let errors = invalid.fields.describe(viewer.lang);
            let shown = refused(invalid.fields, errors);
            return quotas_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    if command.propose {
        let mut lines = command.draft.lines;
        let panel_size = command.draft.panel_size;
        let shown = match app::selection::quotas::propose(&mut lines, panel_size, true) {
            Ok(()) => Shown {
                status: StatusCode::OK,
                form: Some(QuotaForm {
                    quotas: quota_text(&lines),
                    ..command.typed
                }),
                errors: Vec::new(),
                notice: s.proposed.to_owned(),
            },
            Err(reason) => refused(command.typed, vec![format!("{}: {reason}", s.err_propose)]),
        };
        return quotas_page(&state, &viewer, assembly_id, shown).await;
    }
    let mut tx = state.store.begin().await?;
    let saved = app::selection::quotas::save_quotas(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &command.draft,
        now(),
    )
    .await?;
    if let Err(refusal) = saved {
        drop(tx);
        let (_, errors) = crate::selection::views::refusal_words(viewer.lang, &refusal);
        let shown = refused(command.typed, errors);
        return quotas_page(&state, &viewer, assembly_id, shown).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/quotas")).into_response())
}

/// The quota table's starting text: one line per value of the registration questions, share and bounds blank, so
/// a forgotten share is refused with its line rather than saved as 0% (empty when no questions are defined).
fn questions_template(questions: &[app::recruitment::questions::Feature]) -> String {
    use app::selection::pool::csv_line;
    if questions.is_empty() {
        return String::new();
    }
    let mut text = csv_line(&["feature", "value", "share", "min", "max"]);
    for feature in questions {
        for value in &feature.values {
            text.push_str(&csv_line(&[&feature.name, value, "", "", ""]));
        }
    }
    text
}
