//! Editing and removing a recommendation's records from its page (issue 18, item 8): the authority's response,
//! implementation milestones, the fidelity judgement and tactics, each form carrying the version it showed, and the
//! history of every change. Plain forms (an edit form in a `<details>` under each record), no JavaScript.
//!
//! A refused form shows the page again at that record: 422 with its errors, or 409 when the record changed since the
//! page was shown (the page then shows the current version). The rules and the audit are `app::impact`'s.

use app::impact::RecommendationPage;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::error::Problem;
use domain::impact::{Instrument, RecordKind, Reply, TacticKind, TacticStatus, Verdict};
use domain::permission::{Action, allowed};
use store::impact::{FidelityRow, ResponseRow};

use super::forms::{
    FidelityForm, MilestoneForm, RemovalForm, ResponseForm, TacticForm, VersionedForm, Worded,
    describe,
};
use super::recommendation::{Shown, detail_page, saved_detail};
use super::views::{
    DetailForms, EditableMilestone, EditableTactic, HistoryItem, Item, code_choices,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Invalid, Submitted};
use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;
use crate::i18n::impact_edits::ImpactEditMessages;
use crate::{AppState, now};

/// The response form's fields filled from the current response (the page's form edits it).
pub(super) fn response_form(response: &ResponseRow) -> ResponseForm {
    ResponseForm {
        kind: response.kind.as_str().to_owned(),
        justification: response.justification.clone(),
        source_url: response.source_url.clone(),
        responded_on: response.responded_on.clone(),
    }
}

/// The fidelity form's fields filled from the current judgement.
pub(super) fn fidelity_form(judgement: &FidelityRow) -> FidelityForm {
    FidelityForm {
        fidelity: judgement.fidelity.as_str().to_owned(),
        reasons: judgement.reasons.clone(),
        enacted_text: judgement.enacted_text.clone(),
        judged_on: judgement.judged_on.clone(),
    }
}

/// The milestones and tactics of the page with their edit forms, filled from the record, or as typed for the one
/// whose edit failed (`failed`, `failed_record`).
pub(super) fn editable(
    page: &RecommendationPage,
    milestones: Vec<Item>,
    tactics: Vec<Item>,
    t: &'static ImpactMessages,
    f: &mut DetailForms,
    failed: &str,
    failed_record: i64,
) -> (Vec<EditableMilestone>, Vec<EditableTactic>) {
    let item = page.item();
    let milestones = milestones
        .into_iter()
        .zip(item.milestones.iter().zip(&item.milestone_keys))
        .map(|(shown, (row, key))| {
            let form = if failed == "milestone-edit" && key.id == failed_record {
                std::mem::take(&mut f.edit_milestone)
            } else {
                MilestoneForm {
                    happened_on: row.happened_on.clone(),
                    kind: row.kind.as_str().to_owned(),
                    description: row.description.clone(),
                    evidence_url: row.evidence_url.clone(),
                }
            };
            EditableMilestone {
                kinds: code_choices(
                    Instrument::ALL,
                    Instrument::as_str,
                    &t.milestone_kinds,
                    &form.kind,
                ),
                item: shown,
                id: key.id,
                version: key.version,
                form,
            }
        })
        .collect();
    let strategy = &page.strategy;
    let tactics = tactics
        .into_iter()
        .zip(strategy.tactics.iter().zip(&strategy.tactic_keys))
        .map(|(shown, (row, key))| {
            let form = if failed == "tactic-edit" && key.id == failed_record {
                std::mem::take(&mut f.edit_tactic)
            } else {
                TacticForm {
                    arena: row.arena.as_str().to_owned(),
                    kind: row.kind.as_str().to_owned(),
                    description: row.description.clone(),
                    lead: row.lead.clone(),
                    status: row.status.as_str().to_owned(),
                    outcome: row.outcome.clone(),
                }
            };
            EditableTactic {
                arenas: code_choices(
                    domain::impact::Arena::ALL,
                    domain::impact::Arena::as_str,
                    &t.arenas,
                    &form.arena,
                ),
                kinds: code_choices(
                    TacticKind::ALL,
                    TacticKind::as_str,
                    &t.tactic_kinds,
                    &form.kind,
                ),
                statuses: code_choices(
                    TacticStatus::ALL,
                    TacticStatus::as_str,
                    &t.tactic_statuses,
                    &form.status,
                ),
                item: shown,
                id: key.id,
                version: key.version,
                form,
            }
        })
        .collect();
    (milestones, tactics)
}

/// The label of a stored code of a record, in the catalogue's language (the code itself if unknown).
fn code_label(t: &'static ImpactMessages, record: RecordKind, code: &str) -> String {
    let label = match record {
        RecordKind::Response => Reply::parse("code", code)
            .ok()
            .map(|reply| t.responses[reply.index()]),
        RecordKind::Milestone => Instrument::parse("code", code)
            .ok()
            .map(|kind| t.milestone_kinds[kind.index()]),
        RecordKind::Fidelity => Verdict::parse("code", code)
            .ok()
            .map(|verdict| t.fidelities[verdict.index()]),
        RecordKind::Tactic => TacticStatus::parse("code", code)
            .ok()
            .map(|status| t.tactic_statuses[status.index()]),
    };
    label.unwrap_or(code).to_owned()
}

/// The history of the page in the visitor's language. Who made a change is named to the roles that see the
/// change strategy (the assembly's own people); the others read the role only.
pub(super) fn history_items(
    page: &RecommendationPage,
    t: &'static ImpactMessages,
    e: &'static ImpactEditMessages,
    viewer: &Viewer,
) -> Vec<HistoryItem> {
    let names = allowed(viewer.role, Action::ViewStrategy);
    let messages = viewer.lang.messages();
    page.history
        .iter()
        .map(|row| {
            let mut text = format!(
                "{}: {}",
                e.records[row.record.index()],
                code_label(t, row.record, &row.code)
            );
            if !row.dated.is_empty() {
                text.push_str(&format!(" ({})", row.dated));
            }
            if !row.body.is_empty() {
                text.push_str(&format!(" — {}", row.body));
            }
            let role = messages.role_name(row.role);
            let who = match &row.display_name {
                Some(name) if names => format!("{name} ({role})"),
                Some(_) => role.to_owned(),
                None => e.nobody.to_owned(),
            };
            let date = crate::views::utc_date(row.changed_at);
            let version = row.version.to_string();
            let meta = format!(
                "{} · {}",
                fill(
                    e.changes[row.change.index()],
                    &[("who", who.as_str()), ("date", date.as_str())]
                ),
                fill(e.version_shown, &[("n", version.as_str())])
            );
            let reason = if row.reason.is_empty() {
                String::new()
            } else {
                fill(e.reason_shown, &[("reason", row.reason.as_str())])
            };
            HistoryItem { text, meta, reason }
        })
        .collect()
}

/// The page again at a refused form.
async fn again(
    state: &AppState,
    viewer: &Viewer,
    ids: (i64, i64),
    status: StatusCode,
    errors: Vec<String>,
    (failed, failed_record): (&'static str, i64),
    f: DetailForms,
) -> Result<Response, AppError> {
    let shown = Shown {
        status,
        saved: false,
        errors,
        failed,
        failed_record,
        f,
    };
    detail_page(state, viewer, ids, shown).await
}

/// The sentences of a refused record form: the stale message when its version is not valid.
fn form_errors<F: Worded>(viewer: &Viewer, errors: &FieldErrors) -> Vec<String> {
    let e = viewer.lang.t::<ImpactEditMessages>();
    if errors.has("version") {
        return vec![e.err_stale.to_owned()];
    }
    describe::<VersionedForm<F>>(viewer.lang.t::<ImpactMessages>(), errors)
}

/// The sentences of a refused removal form.
fn removal_errors(viewer: &Viewer, errors: &FieldErrors) -> Vec<String> {
    let e = viewer.lang.t::<ImpactEditMessages>();
    errors
        .0
        .iter()
        .map(|error| match (error.field.as_str(), error.problem) {
            ("reason", Problem::TooLong { .. }) => e.err_reason_too_long,
            ("reason", _) => e.err_reason_required,
            _ => e.err_stale,
        })
        .map(str::to_owned)
        .collect()
}

/// Commits a change and goes back to the page at `anchor`, or shows the page again with the stale message (409)
/// when the record changed since it was shown.
async fn settle<T>(
    state: &AppState,
    viewer: &Viewer,
    ids: (i64, i64),
    tx: store::Tx,
    outcome: app::Result<T>,
    anchor: &str,
    failed: (&'static str, i64),
) -> Result<Response, AppError> {
    match outcome {
        Ok(_) => {
            tx.commit().await?;
            Ok(saved_detail(ids.0, ids.1, anchor))
        }
        Err(app::Error::Conflict(_)) => {
            drop(tx);
            let e = viewer.lang.t::<ImpactEditMessages>();
            let errors = vec![e.err_stale.to_owned()];
            let f = DetailForms::default();
            again(state, viewer, ids, StatusCode::CONFLICT, errors, failed, f).await
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST .../response`: records the authority's response or, with the version its form showed, edits it (by the
/// authority account, or by organisers on its behalf).
pub async fn record_response(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<VersionedForm<ResponseForm>>,
) -> Result<Response, AppError> {
    let (version, response) = match form {
        Ok(command) => command,
        Err(Invalid { fields, errors }) => {
            let errors = form_errors::<ResponseForm>(&viewer, &errors);
            let f = DetailForms {
                response: fields.form,
                ..DetailForms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, &viewer, ids, status, errors, ("response", 0), f).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    let actor = viewer.actor();
    let outcome = app::impact::save_response(
        &mut tx,
        &actor,
        assembly_id,
        recommendation_id,
        version,
        &response,
        now(),
    )
    .await;
    settle(
        &state,
        &viewer,
        ids,
        tx,
        outcome,
        "response",
        ("response", 0),
    )
    .await
}

/// `POST .../fidelity`: judges fidelity or, with the version its form showed, edits the judgement (the oversight
/// group or the members).
pub async fn judge_fidelity(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<VersionedForm<FidelityForm>>,
) -> Result<Response, AppError> {
    let (version, judgement) = match form {
        Ok(command) => command,
        Err(Invalid { fields, errors }) => {
            let errors = form_errors::<FidelityForm>(&viewer, &errors);
            let f = DetailForms {
                fidelity: fields.form,
                ..DetailForms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, &viewer, ids, status, errors, ("fidelity", 0), f).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    let actor = viewer.actor();
    let outcome = app::impact::save_fidelity(
        &mut tx,
        &actor,
        assembly_id,
        recommendation_id,
        version,
        &judgement,
        now(),
    )
    .await;
    settle(
        &state,
        &viewer,
        ids,
        tx,
        outcome,
        "fidelity",
        ("fidelity", 0),
    )
    .await
}

/// `POST .../response/removal` and `POST .../fidelity/removal`: removes the response or the judgement, with why.
async fn remove_one(
    state: AppState,
    viewer: Viewer,
    ids: (i64, i64),
    form: Result<(i64, String), Invalid<RemovalForm>>,
    kind: RecordKind,
) -> Result<Response, AppError> {
    let anchor = if kind == RecordKind::Response {
        "response"
    } else {
        "fidelity"
    };
    let (version, reason) = match form {
        Ok(command) => command,
        Err(Invalid { fields, errors }) => {
            let errors = removal_errors(&viewer, &errors);
            let f = DetailForms {
                reason: fields.reason,
                ..DetailForms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, &viewer, ids, status, errors, (anchor, 0), f).await;
        }
    };
    let (assembly_id, recommendation_id) = ids;
    let mut tx = state.store.begin().await?;
    let actor = viewer.actor();
    let outcome = if kind == RecordKind::Response {
        app::impact::remove_response(
            &mut tx,
            &actor,
            assembly_id,
            recommendation_id,
            version,
            &reason,
            now(),
        )
        .await
    } else {
        app::impact::remove_fidelity(
            &mut tx,
            &actor,
            assembly_id,
            recommendation_id,
            version,
            &reason,
            now(),
        )
        .await
    };
    settle(&state, &viewer, ids, tx, outcome, "history", (anchor, 0)).await
}

/// `POST .../response/removal`.
pub async fn remove_response(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<RemovalForm>,
) -> Result<Response, AppError> {
    remove_one(state, viewer, ids, form, RecordKind::Response).await
}

/// `POST .../fidelity/removal`.
pub async fn remove_fidelity(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Submitted(form): Submitted<RemovalForm>,
) -> Result<Response, AppError> {
    remove_one(state, viewer, ids, form, RecordKind::Fidelity).await
}

/// `POST .../milestones/{milestone_id}`: edits a milestone (the authority, organisers).
pub async fn edit_milestone(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, milestone_id)): Path<(i64, i64, i64)>,
    Submitted(form): Submitted<VersionedForm<MilestoneForm>>,
) -> Result<Response, AppError> {
    let ids = (assembly_id, recommendation_id);
    let failed = ("milestone-edit", milestone_id);
    let command = match form {
        Ok((Some(version), milestone)) => (version, milestone),
        Ok((None, _)) => {
            let errors = vec![viewer.lang.t::<ImpactEditMessages>().err_stale.to_owned()];
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(
                &state,
                &viewer,
                ids,
                status,
                errors,
                failed,
                DetailForms::default(),
            )
            .await;
        }
        Err(Invalid { fields, errors }) => {
            let errors = form_errors::<MilestoneForm>(&viewer, &errors);
            let f = DetailForms {
                edit_milestone: fields.form,
                ..DetailForms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, &viewer, ids, status, errors, failed, f).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::edit_milestone(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        milestone_id,
        command.0,
        &command.1,
        now(),
    )
    .await;
    settle(&state, &viewer, ids, tx, outcome, "milestones", failed).await
}

/// `POST .../milestones/{milestone_id}/removal`.
pub async fn remove_milestone(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, milestone_id)): Path<(i64, i64, i64)>,
    Submitted(form): Submitted<RemovalForm>,
) -> Result<Response, AppError> {
    let ids = (assembly_id, recommendation_id);
    let failed = ("milestone-remove", milestone_id);
    let (version, reason) = match form {
        Ok(command) => command,
        Err(Invalid { fields, errors }) => {
            let errors = removal_errors(&viewer, &errors);
            let f = DetailForms {
                reason: fields.reason,
                ..DetailForms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, &viewer, ids, status, errors, failed, f).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::remove_milestone(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        milestone_id,
        version,
        &reason,
        now(),
    )
    .await;
    settle(&state, &viewer, ids, tx, outcome, "history", failed).await
}

/// `POST .../tactics/{tactic_id}`: edits a tactic (members, facilitators, organisers).
pub async fn edit_tactic(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, tactic_id)): Path<(i64, i64, i64)>,
    Submitted(form): Submitted<VersionedForm<TacticForm>>,
) -> Result<Response, AppError> {
    let ids = (assembly_id, recommendation_id);
    let failed = ("tactic-edit", tactic_id);
    let command = match form {
        Ok((Some(version), tactic)) => (version, tactic),
        Ok((None, _)) => {
            let errors = vec![viewer.lang.t::<ImpactEditMessages>().err_stale.to_owned()];
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(
                &state,
                &viewer,
                ids,
                status,
                errors,
                failed,
                DetailForms::default(),
            )
            .await;
        }
        Err(Invalid { fields, errors }) => {
            let errors = form_errors::<TacticForm>(&viewer, &errors);
            let f = DetailForms {
                edit_tactic: fields.form,
                ..DetailForms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, &viewer, ids, status, errors, failed, f).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::edit_tactic(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        tactic_id,
        command.0,
        &command.1,
        now(),
    )
    .await;
    settle(&state, &viewer, ids, tx, outcome, "strategy", failed).await
}

/// `POST .../tactics/{tactic_id}/removal`.
pub async fn remove_tactic(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id, tactic_id)): Path<(i64, i64, i64)>,
    Submitted(form): Submitted<RemovalForm>,
) -> Result<Response, AppError> {
    let ids = (assembly_id, recommendation_id);
    let failed = ("tactic-remove", tactic_id);
    let (version, reason) = match form {
        Ok(command) => command,
        Err(Invalid { fields, errors }) => {
            let errors = removal_errors(&viewer, &errors);
            let f = DetailForms {
                reason: fields.reason,
                ..DetailForms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return again(&state, &viewer, ids, status, errors, failed, f).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let outcome = app::impact::remove_tactic(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        tactic_id,
        version,
        &reason,
        now(),
    )
    .await;
    settle(&state, &viewer, ids, tx, outcome, "history", failed).await
}
