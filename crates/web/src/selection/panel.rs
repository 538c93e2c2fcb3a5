//! The panel after the final selection (issue 4, item 6): the people drawn with their statuses, the composition
//! against the quotas, the forms that record confirmations and drop-outs, the replacement run that fills open
//! seats (with the engine's verdict before it is frozen) and the replacement history. Organisers only; every view
//! is audit-logged with counts (`app::selection::panel::view_panel`).

use std::collections::BTreeMap;

use app::bulk::BulkError;
use app::recruitment::StatusReason;
use app::selection::Refusal;
use app::selection::panel::{PanelView, RECORDABLE, RecordError};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::respondent::{ReasonCategory, Status, next_statuses};
use domain::selection::RunStatus;

use crate::auth::Viewer;
use crate::error::{AppError, status_refused};
use crate::form::Submitted;
use crate::i18n::SelectionMessages;
use crate::i18n::bulk::BulkMessages;
use crate::i18n::panel::PanelMessages;
use crate::i18n::{fill, plural};
use crate::selection::forms::{BulkRecordFields, RecordForm};
use crate::selection::run_url;
use crate::selection::views::{HistoryRow, NowRow, PanelPage, PanelRow, refusal_words};
use crate::views::{Chrome, render, utc_minute};
use crate::{AppState, now};

/// Whether a replacement run would find a panel now, in words (the engine's smallest relaxation when it would not).
async fn replacement_verdict(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
) -> Result<(bool, Vec<String>), AppError> {
    let s = viewer.lang.t::<SelectionMessages>();
    let mut connection = state.store.connection().await?;
    let prepared =
        app::selection::panel::prepare_replacement(&mut connection, assembly_id, now()).await?;
    drop(connection);
    let checked = match prepared {
        Ok(draft) => tokio::task::spawn_blocking(move || draft.check())
            .await
            .map_err(AppError::internal)?,
        Err(refusal) => Err(refusal),
    };
    Ok(match checked {
        Ok(_) => (true, vec![s.feasible.to_owned()]),
        Err(refusal) => (false, refusal_words(viewer.lang, &refusal).1),
    })
}

/// The people drawn as organisers see them, with the statuses they may record.
fn people_rows(viewer: &Viewer, view: &PanelView) -> Vec<PanelRow> {
    let r = viewer.lang.t::<crate::i18n::RecruitmentMessages>();
    view.panel
        .people
        .iter()
        .map(|person| PanelRow {
            respondent_id: person.respondent_id,
            public_id: person.public_id.clone(),
            name: person.full_name.clone(),
            status: r.status_name(person.status).to_owned(),
            status_id: person.status.as_str(),
            run_id: person.run_id,
            pick_label: fill(
                viewer.lang.t::<BulkMessages>().select_person,
                &[("name", &person.full_name), ("id", &person.public_id)],
            ),
            choices: next_statuses(person.status)
                .iter()
                .filter(|to| RECORDABLE.contains(to))
                .map(|to| (to.as_str().to_owned(), r.status_name(*to).to_owned()))
                .collect(),
        })
        .collect()
}

/// The replacement history with names and public ids (organisers only).
fn history_rows(p: &PanelMessages, view: &PanelView) -> Vec<HistoryRow> {
    let names: BTreeMap<i64, (&str, &str)> = view
        .panel
        .people
        .iter()
        .map(|p| {
            (
                p.respondent_id,
                (p.full_name.as_str(), p.public_id.as_str()),
            )
        })
        .collect();
    let who = |id: Option<i64>| match id.and_then(|id| {
        names
            .get(&id)
            .map(|(name, public)| format!("{name} ({public})"))
    }) {
        Some(text) => text,
        None => id
            .map(|id| format!("#{id}"))
            .unwrap_or_else(|| p.no_one.to_owned()),
    };
    view.panel
        .history
        .iter()
        .map(|row| HistoryRow {
            dropped: who(Some(row.dropped_respondent_id)),
            replacement: who(row.replacement_respondent_id),
            run_id: row.run_id,
            seed: row.seed.clone(),
            when: utc_minute(row.created_at),
        })
        .collect()
}

async fn panel_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    panel_page_with(state, viewer, assembly_id, status, errors, String::new()).await
}

/// The panel page, with a notice after a bulk change.
async fn panel_page_with(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    notice: String,
) -> Result<Response, AppError> {
    let p = viewer.lang.t::<PanelMessages>();
    let mut tx = state.store.begin().await?;
    let view =
        app::selection::panel::view_panel(&mut tx, &viewer.actor(), assembly_id, now()).await?;
    tx.commit().await?;
    let composition = view
        .quotas
        .iter()
        .map(|quota| {
            let now = view
                .seated_counts
                .get(&(quota.feature.clone(), quota.value.clone()))
                .copied()
                .unwrap_or(0);
            NowRow {
                feature: quota.feature.clone(),
                value: quota.value.clone(),
                min: quota.min_seats,
                max: quota.max_seats,
                now,
                ok: (quota.min_seats..=quota.max_seats).contains(&(now as i64)),
            }
        })
        .collect();
    let can_replace = view.panel.can_replace();
    let (feasible, verdict) = if can_replace {
        replacement_verdict(state, viewer, assembly_id).await?
    } else {
        (false, Vec::new())
    };
    let panel = &view.panel;
    let mut response = render(
        status,
        &PanelPage {
            c: Chrome::new(viewer, p.title),
            p,
            s: viewer.lang.t::<SelectionMessages>(),
            rec: viewer.lang.t::<crate::i18n::RecruitmentMessages>(),
            assembly_id,
            errors,
            drawn: panel.final_run.is_some(),
            seats: panel.seats(),
            on_panel: panel.seated().count(),
            confirmed: panel
                .people
                .iter()
                .filter(|p| p.status == Status::Confirmed)
                .count(),
            open_seats: panel.open_seats(),
            available: view.available,
            people: people_rows(viewer, &view),
            composition,
            pending: panel
                .pending
                .as_ref()
                .map(|run| (run.id, run.status == RunStatus::Running)),
            can_replace,
            feasible,
            verdict,
            history: history_rows(p, &view),
            title: view.title.clone(),
            b: viewer.lang.t::<BulkMessages>(),
            notice,
            bulk_choices: RECORDABLE
                .iter()
                .map(|to| {
                    let r = viewer.lang.t::<crate::i18n::RecruitmentMessages>();
                    (to.as_str().to_owned(), r.status_name(*to).to_owned())
                })
                .collect(),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{assembly_id}/panel`: the panel as it stands, its composition against the quotas, the
/// forms to record confirmations and drop-outs, the replacement run and the replacement history (organisers).
pub async fn panel(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<RecordedQuery>,
) -> Result<Response, AppError> {
    let notice = match query.recorded {
        Some(n) => {
            let b = viewer.lang.t::<BulkMessages>();
            plural(viewer.lang, n, b.panel_done_one, b.panel_done_other)
        }
        None => String::new(),
    };
    panel_page_with(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        Vec::new(),
        notice,
    )
    .await
}

/// The query of the panel page after a bulk change: how many people were recorded.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RecordedQuery {
    /// Set after a bulk change.
    pub recorded: Option<i64>,
}

/// A refused recording in the visitor's words, with its status (or the server error it is).
pub fn record_refused(viewer: &Viewer, error: RecordError) -> AppError {
    match error {
        RecordError::NotOnPanel => {
            let (status, words) = refusal_words(viewer.lang, &Refusal::NotOnPanel);
            AppError::BadInput {
                status,
                message: words.join(" "),
            }
        }
        RecordError::Status(error) => status_refused(viewer.lang, error),
    }
}

/// `POST /staff/assemblies/{assembly_id}/panel/statuses`: records the same confirmation or drop-out, with a reason
/// from the fixed list, for every person ticked (`app::bulk::record_on_panel`: one transaction, one audit entry per
/// person). If one person cannot be changed, no one is, and the page names that person and says why.
pub async fn record_many(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<BulkRecordFields>,
) -> Result<Response, AppError> {
    let b = viewer.lang.t::<BulkMessages>();
    let (ids, to, category) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let errors = if invalid.errors.has("respondent") && invalid.errors.0.len() == 1 {
                vec![b.err_none_selected.to_owned()]
            } else {
                invalid.errors.describe(viewer.lang)
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return panel_page(&state, &viewer, assembly_id, status, errors).await;
        }
    };
    let reason = StatusReason {
        category,
        note: reason_words(&viewer, category),
    };
    let mut tx = state.store.begin().await?;
    let recorded = app::bulk::record_on_panel(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &ids,
        to,
        &reason,
        now(),
    )
    .await;
    let done = match recorded {
        Ok(done) => done,
        Err(BulkError::Invalid(error)) => return Err(error.into()),
        Err(BulkError::Item(refused)) => {
            drop(tx);
            let (status, message) = match record_refused(&viewer, refused.error) {
                // A person who is not on the panel is a bad item of the list, not a missing page.
                AppError::BadInput { status, message } if status == StatusCode::NOT_FOUND => {
                    (StatusCode::UNPROCESSABLE_ENTITY, message)
                }
                AppError::BadInput { status, message } => (status, message),
                other => return Err(other),
            };
            let mut connection = state.store.connection().await?;
            let who = match store::recruitment::respondent(&mut connection, assembly_id, refused.id)
                .await
            {
                Ok(row) => row.full_name,
                Err(_) => format!("#{}", refused.id),
            };
            drop(connection);
            let words = fill(b.err_item, &[("item", &who), ("error", &message)]);
            return panel_page(&state, &viewer, assembly_id, status, vec![words]).await;
        }
    };
    tx.commit().await?;
    // New members' codes are delivered by the deliverer (`crate::delivery`), never shown here.
    crate::effects::carry_out(&state, done.effects);
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/panel?recorded={}#panel-people",
        done.value
    ))
    .into_response())
}

/// The words of a reason category in the visitor's language: the note kept with each person of a bulk change.
fn reason_words(viewer: &Viewer, category: ReasonCategory) -> String {
    viewer
        .lang
        .messages()
        .reason_categories
        .iter()
        .find(|(value, _)| *value == category.as_str())
        .map(|(_, label)| (*label).to_owned())
        .unwrap_or_else(|| category.as_str().to_owned())
}

/// `POST /staff/assemblies/{assembly_id}/panel/{respondent_id}/status`: records a confirmation or a drop-out of a
/// person on the panel, through `app::recruitment::change_status` (rules and audit). A confirmation makes a member:
/// without SMTP, the organiser is shown the sign-in code once, here.
pub async fn record(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, respondent_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<RecordForm>,
) -> Result<Response, AppError> {
    let command = form.map_err(|invalid| AppError::BadInput {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: invalid.errors.describe(viewer.lang).join(" "),
    })?;
    let mut tx = state.store.begin().await?;
    let done = app::selection::panel::record_on_panel(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        respondent_id,
        command.to,
        &command.reason,
        now(),
    )
    .await
    .map_err(|error| record_refused(&viewer, error))?;
    tx.commit().await?;
    // A new member's code is delivered by the deliverer (`crate::delivery`), never shown here.
    crate::effects::carry_out(&state, done.effects);
    let next = Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/panel#person-{respondent_id}"
    ))
    .into_response();
    Ok(next)
}

/// `POST /staff/assemblies/{assembly_id}/panel/replacements`: freezes a replacement run's inputs, once the engine
/// found that a panel exists, and starts its job, which computes the distribution and publishes it with the
/// commitment that covers it (before the seed is known); it is drawn from its run page like the final run.
pub async fn commit_replacement(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let prepared =
        app::selection::panel::prepare_replacement(&mut connection, assembly_id, now()).await?;
    drop(connection);
    let checked = match prepared {
        Ok(draft) => tokio::task::spawn_blocking(move || draft.check())
            .await
            .map_err(AppError::internal)?,
        Err(refusal) => Err(refusal),
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(refusal) => return refused(&state, &viewer, assembly_id, &refusal).await,
    };
    let mut tx = state.store.begin().await?;
    let committed = app::selection::panel::commit_replacement(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &checked,
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
    // The run's job computes the distribution, then commits the run with the commitment that covers it.
    crate::selection::job::start(&state, done.effects);
    Ok(Redirect::to(&run_url(assembly_id, done.value)).into_response())
}

/// The panel page again with a refusal.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    refusal: &Refusal,
) -> Result<Response, AppError> {
    let (status, errors) = refusal_words(viewer.lang, refusal);
    panel_page(state, viewer, assembly_id, status, errors).await
}
