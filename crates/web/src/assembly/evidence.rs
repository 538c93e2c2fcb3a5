//! The evidence library and the speakers: the public page (members' questions without their authors), the staff
//! page with members' speaker requests, and the forms that add a document, a speaker and a comment on balance.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};

use super::forms::{
    BalanceCommentFields, EvidenceFields, QuestionModerationFields, SpeakerFields, typed,
};
use super::refusals;
use super::views::{
    DocumentsQuery, LibraryView, PublicEvidencePage, SavedQuery, Shown, StaffEvidencePage,
    session_label, word_refusals,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::publish::PublishMessages;
use crate::i18n::{AssemblyMessages, fill};
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// `GET /assemblies/{assembly_id}/evidence`: the public evidence library (members' questions without names).
pub async fn public_evidence(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(list): Query<DocumentsQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AssemblyMessages>();
    let documents = list.documents();
    let mut conn = state.store.connection().await?;
    let library = app::assembly::library(
        &mut conn,
        assembly_id,
        app::assembly::Audience::Public,
        &documents,
    )
    .await?;
    drop(conn);
    let assembly_title = library.title.clone();
    render(
        StatusCode::OK,
        &PublicEvidencePage {
            c: Chrome::new(&viewer, t.evidence_title),
            t,
            assembly_id,
            assembly_title,
            l: LibraryView::new(
                library,
                t,
                viewer.lang,
                format!("/assemblies/{assembly_id}/evidence"),
                &documents,
            )
            .map_err(AppError::internal)?,
        },
    )
}

/// The staff page, with `shown.form` the form that failed: `evidence`, `speaker` or `comment`.
async fn staff_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    shown: Shown<&'static str>,
) -> Result<Response, AppError> {
    let documents = app::assembly::Documents::default();
    staff_page_with(state, viewer, assembly_id, shown, None, &documents).await
}

/// The staff page with `moderated`, how many questions the moderation form just decided.
async fn staff_page_with(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    shown: Shown<&'static str>,
    moderated: Option<usize>,
    documents: &app::assembly::Documents,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AssemblyMessages>();
    let p = viewer.lang.t::<PublishMessages>();
    let mut conn = state.store.connection().await?;
    let staff = app::assembly::staff_library(&mut conn, assembly_id, documents).await?;
    drop(conn);
    let assembly_title = staff.library.title.clone();
    render(
        shown.status,
        &StaffEvidencePage {
            c: Chrome::new(viewer, t.evidence_title),
            t,
            assembly_id,
            assembly_title,
            l: LibraryView::new(
                staff.library,
                t,
                viewer.lang,
                format!("/staff/assemblies/{assembly_id}/evidence"),
                documents,
            )
            .map_err(AppError::internal)?,
            requests: staff
                .requests
                .into_iter()
                .map(|row| (utc_date(row.created_at), row.topic, row.body))
                .collect(),
            topics: staff.topics,
            sessions: staff
                .sessions
                .iter()
                .map(|session| (session.id, session_label(session)))
                .collect(),
            can_manage: allowed(viewer.role, Action::ManageSessions),
            can_comment: allowed(viewer.role, Action::CommentOnBalance),
            errors: shown.errors,
            error_form: shown.form,
            typed: shown.typed,
            saved: shown.saved,
            p,
            pending: staff.pending,
            can_moderate: allowed(viewer.role, Action::ModerateQuestions),
            moderated: moderated.map(|n| fill(p.done_moderated, &[("n", &n.to_string())])),
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/evidence`: the library with members' questions and requests, and the forms.
pub async fn staff_evidence(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
    Query(list): Query<DocumentsQuery>,
) -> Result<Response, AppError> {
    staff_page_with(
        &state,
        &viewer,
        assembly_id,
        Shown::page(query.saved.is_some()),
        query.moderated,
        &list.documents(),
    )
    .await
}

/// Where the staff page goes after a change.
fn saved(assembly_id: i64) -> Response {
    Redirect::to(&format!("/staff/assemblies/{assembly_id}/evidence?saved=1")).into_response()
}

/// `POST /staff/assemblies/{assembly_id}/evidence`: adds a document to the library.
pub async fn add_evidence(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<EvidenceFields>,
) -> Result<Response, AppError> {
    let new = match form {
        Ok(new) => new,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused("evidence", errors, typed(&invalid.fields));
            return staff_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::assembly::add_evidence(&mut tx, &viewer.actor(), assembly_id, &new, now()).await?;
    tx.commit().await?;
    Ok(saved(assembly_id))
}

/// `POST /staff/assemblies/{assembly_id}/speakers`: adds a speaker with their perspective and interests.
pub async fn add_speaker(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<SpeakerFields>,
) -> Result<Response, AppError> {
    let new = match form {
        Ok(new) => new,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused("speaker", errors, typed(&invalid.fields));
            return staff_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let added =
        app::assembly::add_speaker(&mut tx, &viewer.actor(), assembly_id, &new, now()).await;
    if let Err(error) = added {
        drop(tx);
        let errors = word_refusals(viewer.lang, &refusals(error)?);
        let typed = [
            ("speaker_name", new.name),
            ("speaker_topic", new.topic),
            ("perspective", new.perspective),
            ("interests", new.interests),
            (
                "speaker_session",
                new.session_id.map(|id| id.to_string()).unwrap_or_default(),
            ),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
        let shown = Shown::refused("speaker", errors, typed);
        return staff_page(&state, &viewer, assembly_id, shown).await;
    }
    tx.commit().await?;
    Ok(saved(assembly_id))
}

/// `POST /staff/assemblies/{assembly_id}/balance-comments`: the oversight group comments on a topic's balance.
pub async fn comment_on_balance(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<BalanceCommentFields>,
) -> Result<Response, AppError> {
    viewer.account_id()?;
    let (topic, body) = match form {
        Ok(comment) => comment,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused("comment", errors, typed(&invalid.fields));
            return staff_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::assembly::comment_on_balance(&mut tx, &viewer.actor(), assembly_id, &topic, &body, now())
        .await?;
    tx.commit().await?;
    Ok(saved(assembly_id))
}

/// `POST /staff/assemblies/{assembly_id}/questions/moderation`: accepts or rejects the ticked questions, all or
/// none (issue 18, item 8).
pub async fn moderate_questions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<QuestionModerationFields>,
) -> Result<Response, AppError> {
    let p = viewer.lang.t::<PublishMessages>();
    let (ids, decision) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let errors = if invalid.errors.has("decision") {
                invalid.errors.describe(viewer.lang)
            } else {
                vec![p.err_no_question.to_owned()]
            };
            let shown = Shown::refused("questions", errors, Default::default());
            return staff_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let decided = app::assembly::moderate_questions(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &ids,
        decision,
        now(),
    )
    .await;
    match decided {
        Ok(n) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/evidence?moderated={n}"
            ))
            .into_response())
        }
        Err(error) => {
            drop(tx);
            refusals(error)?;
            let mut shown = Shown::refused(
                "questions",
                vec![p.err_question_decided.to_owned()],
                Default::default(),
            );
            shown.status = StatusCode::CONFLICT;
            staff_page(&state, &viewer, assembly_id, shown).await
        }
    }
}
