//! "My assembly": a member's or facilitator's schedule with their table or the tables they facilitate, the
//! speakers with the question form, and the speaker request form.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};

use super::forms::{QuestionFields, SpeakerRequestFields, typed};
use super::refusals;
use super::views::{MinePage, MineQuery, SessionView, Shown, SpeakerView, word_refusals};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::AssemblyMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

async fn mine_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    shown: Shown<()>,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let mut conn = state.store.connection().await?;
    let mine = app::assembly::my_assembly(&mut conn, &viewer.actor(), assembly_id).await?;
    drop(conn);
    let t = viewer.lang.t::<AssemblyMessages>();
    render(
        shown.status,
        &MinePage {
            c: Chrome::new(viewer, t.mine_title),
            t,
            assembly_id,
            assembly_title: mine.title,
            sessions: mine
                .sessions
                .into_iter()
                .map(|session| SessionView {
                    my_table: session.my_table,
                    facilitating: session.facilitating,
                    ..SessionView::new(session.summary, viewer.lang, None)
                })
                .collect(),
            allocated: mine.allocated,
            is_member: mine.is_member,
            can_ask: allowed(viewer.role, Action::AskSpeakers),
            speakers: mine
                .speakers
                .into_iter()
                .map(|row| SpeakerView {
                    id: row.id,
                    name: row.fields.name,
                    topic: row.fields.topic,
                    perspective: row.fields.perspective,
                    interests: row.fields.interests,
                })
                .collect(),
            topics: mine.topics,
            errors: shown.errors,
            typed: shown.typed,
            notice,
        },
    )
}

/// `GET /assemblies/{assembly_id}/mine`: the viewer's schedule in this assembly.
pub async fn mine(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<MineQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AssemblyMessages>();
    let notice = if query.asked.is_some() {
        Some(t.question_sent)
    } else if query.requested.is_some() {
        Some(t.request_sent)
    } else {
        None
    };
    mine_page(&state, &viewer, assembly_id, Shown::page(false), notice).await
}

/// `POST /assemblies/{assembly_id}/questions`: a member asks a speaker a question.
pub async fn ask_question(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<QuestionFields>,
) -> Result<Response, AppError> {
    viewer.account_id()?;
    let (speaker_id, question) = match form {
        Ok(question) => question,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused((), errors, typed(&invalid.fields));
            return mine_page(&state, &viewer, assembly_id, shown, None).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let asked = app::assembly::ask_question(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        speaker_id,
        &question,
        now(),
    )
    .await;
    if let Err(error) = asked {
        drop(tx);
        let errors = word_refusals(viewer.lang, &refusals(error)?);
        let typed = [
            ("speaker_id".to_owned(), speaker_id.to_string()),
            ("question".to_owned(), question),
        ];
        let shown = Shown::refused((), errors, typed.into_iter().collect());
        return mine_page(&state, &viewer, assembly_id, shown, None).await;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/assemblies/{assembly_id}/mine?asked=1")).into_response())
}

/// `POST /assemblies/{assembly_id}/speaker-requests`: a member asks to hear a speaker on a topic.
pub async fn request_speaker(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<SpeakerRequestFields>,
) -> Result<Response, AppError> {
    viewer.account_id()?;
    let (topic, request) = match form {
        Ok(request) => request,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused((), errors, typed(&invalid.fields));
            return mine_page(&state, &viewer, assembly_id, shown, None).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::assembly::request_speaker(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &topic,
        &request,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/assemblies/{assembly_id}/mine?requested=1")).into_response())
}
