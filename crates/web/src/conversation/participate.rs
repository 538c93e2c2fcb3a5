//! The participants' pages: `GET /assemblies/{assembly_id}/conversation` shows one statement at a time with agree,
//! disagree and pass as a plain form post, and the form to write a statement; `POST .../votes`,
//! `POST .../statements` and `POST .../erasure` take part from the device (`app::conversation::participate`).
//!
//! The device token lives only in the `klero_device` cookie (HttpOnly, SameSite=Lax, random 32 bytes); the store
//! keeps a keyed hash of it. It is never put in a page, a URL or a log.

use app::conversation::Refusal;
use app::conversation::participate::Device;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::{StatementFields, VoteFields};
use super::views::VotePage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::conversation::ConversationMessages;
use crate::i18n::fill;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The cookie that holds a participant's device token.
pub const DEVICE_COOKIE: &str = "klero_device";
/// How long a device is remembered: a year.
const DEVICE_SECONDS: i64 = 365 * 24 * 3600;

/// Query of the voting page and the "about you" page: which notice to show after a redirect.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    /// The notice's name (`voted`, `submitted`, `erased`; `sent`, `verified`, `saved`).
    #[serde(default)]
    pub notice: Option<String>,
}

/// The device token of the request's cookie, if it has a well-formed one (64 hexadecimal digits).
pub fn device_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookies| crate::security::cookie(cookies, DEVICE_COOKIE))
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// What the voting page shows besides the stored state.
#[derive(Debug, Default)]
struct Extra {
    notice: Option<String>,
    errors: Vec<String>,
    typed: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    token: Option<&str>,
    status: StatusCode,
    extra: Extra,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let voting =
        app::conversation::participate::voting_page(&mut connection, assembly_id, token).await?;
    drop(connection);
    let t = viewer.lang.t::<ConversationMessages>();
    let progress = voting.participant.then(|| {
        fill(
            t.progress,
            &[
                ("voted", &voting.voted.to_string()),
                ("shown", &voting.shown.to_string()),
            ],
        )
    });
    let c = Chrome::new(viewer, format!("{} · {}", t.title, record.title));
    render(
        status,
        &VotePage {
            c,
            t,
            assembly_id,
            assembly_title: record.title,
            prompt: voting.conversation.settings.prompt.clone(),
            open: voting.conversation.settings.is_open,
            progress,
            statement: voting.statement.map(|s| (s.id, s.body)),
            any_shown: voting.shown > 0,
            participant: voting.participant,
            notice: extra.notice,
            errors: extra.errors,
            typed: extra.typed,
            max_chars: domain::conversation::STATEMENT_MAX_CHARS,
            profile_link: viewer
                .lang
                .t::<crate::i18n::participation::ParticipationMessages>()
                .profile_link,
        },
    )
}

/// A refusal in the visitor's words, with its status.
fn refusal(t: &ConversationMessages, refusal: Refusal) -> (StatusCode, String) {
    match refusal {
        Refusal::Closed => (StatusCode::CONFLICT, t.refused_closed.to_owned()),
        Refusal::Duplicate => (StatusCode::CONFLICT, t.refused_duplicate.to_owned()),
        Refusal::TooMany => (StatusCode::TOO_MANY_REQUESTS, t.refused_too_many.to_owned()),
        Refusal::NotShown => (StatusCode::CONFLICT, t.refused_not_shown.to_owned()),
    }
}

/// A redirect back to the voting page with a notice, setting the device cookie if this request made it.
fn back(state: &AppState, assembly_id: i64, notice: &str, new_token: Option<String>) -> Response {
    let redirect = Redirect::to(&format!(
        "/assemblies/{assembly_id}/conversation?notice={notice}#conversation-heading"
    ));
    remembering(state, redirect, new_token)
}

/// `redirect`, setting the device cookie when the request made the participant (`new_token`); shared with the
/// "about you" page.
pub(super) fn remembering(
    state: &AppState,
    redirect: Redirect,
    new_token: Option<String>,
) -> Response {
    match new_token {
        Some(token) => {
            let cookie = crate::security::set_cookie(
                DEVICE_COOKIE,
                &token,
                DEVICE_SECONDS,
                state.config.secure_cookies,
            );
            ([(header::SET_COOKIE, cookie)], redirect).into_response()
        }
        None => redirect.into_response(),
    }
}

/// The device of a request: its token (from [`device_token`]) and the client's address.
pub(super) fn device<'a>(token: Option<&'a str>, viewer: &Viewer) -> Device<'a> {
    Device {
        token,
        client: viewer.client,
    }
}

/// The words of the notice a redirect's query names, among `known` (name, words); none for any other name.
pub(super) fn notice_of(query: &NoticeQuery, known: &[(&str, &str)]) -> Option<String> {
    let name = query.notice.as_deref()?;
    known
        .iter()
        .find(|(candidate, _)| *candidate == name)
        .map(|(_, words)| (*words).to_owned())
}

/// `GET /assemblies/{assembly_id}/conversation`: the next statement for this device and the statement form.
pub async fn voting(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<NoticeQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ConversationMessages>();
    let known = [
        ("voted", t.notice_voted),
        ("submitted", t.notice_submitted),
        ("erased", t.notice_erased),
    ];
    let extra = Extra {
        notice: notice_of(&query, &known),
        ..Extra::default()
    };
    let token = device_token(&headers);
    page(
        &state,
        &viewer,
        assembly_id,
        token.as_deref(),
        StatusCode::OK,
        extra,
    )
    .await
}

/// Runs the vote use case in a group commit (`store::Store::grouped`): concurrent votes share one transaction and
/// one commit, and each is answered only once it is committed (so an acknowledged vote survives a crash). Shared by
/// the form post and the JSON API.
pub(super) async fn record_vote(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    token: Option<String>,
    statement_id: i64,
    stance: domain::conversation::Stance,
) -> Result<Result<app::conversation::participate::Joined, Refusal>, AppError> {
    let actor = viewer.actor();
    let client = viewer.client;
    let at = now();
    let outcome = state
        .store
        .grouped(move |tx| {
            Box::pin(async move {
                let device = Device {
                    token: token.as_deref(),
                    client,
                };
                app::conversation::participate::vote(
                    tx,
                    &actor,
                    assembly_id,
                    &device,
                    statement_id,
                    stance,
                    at,
                )
                .await
            })
        })
        .await??;
    Ok(outcome)
}

/// `POST /assemblies/{assembly_id}/conversation/votes`: agree, disagree or pass on one statement.
pub async fn vote(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    Submitted(form): Submitted<VoteFields>,
) -> Result<Response, AppError> {
    let token = device_token(&headers);
    let (statement_id, stance) = match form {
        Ok(vote) => vote,
        Err(invalid) => {
            let extra = Extra {
                errors: invalid.errors.describe(viewer.lang),
                ..Extra::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(
                &state,
                &viewer,
                assembly_id,
                token.as_deref(),
                status,
                extra,
            )
            .await;
        }
    };
    let outcome = record_vote(
        &state,
        &viewer,
        assembly_id,
        token.clone(),
        statement_id,
        stance,
    )
    .await?;
    match outcome {
        Ok(joined) => Ok(back(&state, assembly_id, "voted", joined.new_token)),
        Err(refused) => {
            let (status, message) = refusal(viewer.lang.t::<ConversationMessages>(), refused);
            let extra = Extra {
                notice: Some(message),
                ..Extra::default()
            };
            page(
                &state,
                &viewer,
                assembly_id,
                token.as_deref(),
                status,
                extra,
            )
            .await
        }
    }
}

/// `POST /assemblies/{assembly_id}/conversation/statements`: a participant's statement, for moderation.
pub async fn submit_statement(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    Submitted(form): Submitted<StatementFields>,
) -> Result<Response, AppError> {
    let token = device_token(&headers);
    let text = match form {
        Ok(text) => text,
        Err(invalid) => {
            let extra = Extra {
                errors: invalid.errors.describe(viewer.lang),
                typed: invalid.fields.statement,
                ..Extra::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(
                &state,
                &viewer,
                assembly_id,
                token.as_deref(),
                status,
                extra,
            )
            .await;
        }
    };
    let device = device(token.as_deref(), &viewer);
    let mut tx = state.store.begin().await?;
    let outcome = app::conversation::participate::submit_statement(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &device,
        &text,
        now(),
    )
    .await?;
    tx.commit().await?;
    match outcome {
        Ok((_, joined)) => Ok(back(&state, assembly_id, "submitted", joined.new_token)),
        Err(refused) => {
            let (status, message) = refusal(viewer.lang.t::<ConversationMessages>(), refused);
            let extra = Extra {
                errors: vec![message],
                typed: text.as_str().to_owned(),
                ..Extra::default()
            };
            page(
                &state,
                &viewer,
                assembly_id,
                token.as_deref(),
                status,
                extra,
            )
            .await
        }
    }
}

/// `POST /assemblies/{assembly_id}/conversation/erasure`: erases this device's votes and statements, and forgets
/// the device (its cookie is deleted).
pub async fn erase(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let token = device_token(&headers);
    let mut tx = state.store.begin().await?;
    let erased = app::conversation::participate::erase(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        token.as_deref(),
        now(),
    )
    .await?;
    tx.commit().await?;
    if erased.is_some() {
        state.store.forget().await?;
    }
    let cookie = crate::security::set_cookie(DEVICE_COOKIE, "", 0, state.config.secure_cookies);
    let redirect = Redirect::to(&format!(
        "/assemblies/{assembly_id}/conversation?notice=erased#conversation-heading"
    ));
    Ok(([(header::SET_COOKIE, cookie)], redirect).into_response())
}
