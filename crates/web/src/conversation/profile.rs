//! The participant's "about you" page, `GET /assemblies/{assembly_id}/conversation/profile`, and its forms, all
//! optional and all working without JavaScript: `POST .../email` (send a one-time code to an email),
//! `POST .../email/code` (confirm it), `POST .../invitation` (use an invitation code) and `POST .../answers`
//! (the assembly's demographic questions). The rules live in `app::conversation::verify`.
//!
//! The device is the voting page's (`klero_device` cookie); an email, a code or an answer never goes into a URL or
//! a log line.

use std::collections::HashMap;

use app::conversation::verify::{Answers, Refused};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Redirect, Response};
use axum::{Extension, http};
use domain::account::{Email, OneTimeCode};
use domain::conversation::VerificationMode;
use serde::Deserialize;

use super::participate::{NoticeQuery, device, device_token, notice_of, remembering};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::participation::ParticipationMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// One demographic question as the form shows it.
pub struct QuestionView {
    /// The form field (`q_0`).
    pub field: String,
    /// The question (the feature's name).
    pub label: String,
    /// Its values: (value, selected).
    pub values: Vec<(String, bool)>,
}

/// The "about you" page.
#[derive(Template)]
#[template(path = "conversation/profile.html")]
pub struct ProfilePage {
    /// Chrome.
    pub c: Chrome,
    /// The catalogue.
    pub t: &'static ParticipationMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// The assembly's title.
    pub assembly_title: String,
    /// Whether the conversation is open.
    pub open: bool,
    /// `none`, `email` or `invitation`.
    pub mode: &'static str,
    /// Whether this device's participant is confirmed.
    pub verified: bool,
    /// Whether an email code is waiting for this device.
    pub code_sent: bool,
    /// The email as typed (after an error only).
    pub email: String,
    /// The demographic questions.
    pub questions: Vec<QuestionView>,
    /// A notice after a redirect, or a refusal.
    pub notice: Option<String>,
    /// Validation errors.
    pub errors: Vec<String>,
}

#[derive(Default)]
struct Extra {
    notice: Option<String>,
    errors: Vec<String>,
    email: String,
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
    let profile =
        app::conversation::verify::profile(&mut connection, assembly_id, token, now()).await?;
    drop(connection);
    let t = viewer.lang.t::<ParticipationMessages>();
    let questions = profile
        .questions
        .iter()
        .enumerate()
        .map(|(index, question)| {
            let answer = profile.answers.get(&question.name);
            QuestionView {
                field: format!("q_{index}"),
                label: question.name.clone(),
                values: question
                    .values
                    .iter()
                    .map(|value| (value.clone(), answer == Some(value)))
                    .collect(),
            }
        })
        .collect();
    let c = Chrome::new(viewer, format!("{} · {}", t.profile_title, record.title));
    let mut response = render(
        status,
        &ProfilePage {
            c,
            t,
            assembly_id,
            assembly_title: record.title,
            open: profile.open,
            mode: profile.mode.as_str(),
            verified: profile.verified,
            code_sent: profile.code_sent,
            email: extra.email,
            questions,
            notice: extra.notice,
            errors: extra.errors,
        },
    )?;
    // The page may show a participant's answers: never cached.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

fn refusal(t: &ParticipationMessages, refused: Refused) -> (StatusCode, String) {
    let (status, text) = match refused {
        Refused::Closed => (StatusCode::CONFLICT, t.closed),
        Refused::TooMany => (StatusCode::TOO_MANY_REQUESTS, t.refused_too_many),
        Refused::NotOffered => (StatusCode::CONFLICT, t.refused_not_offered),
        Refused::EmailTaken => (StatusCode::CONFLICT, t.refused_email_taken),
        Refused::NoCode => (StatusCode::CONFLICT, t.refused_no_code),
        Refused::WrongCode => (StatusCode::UNPROCESSABLE_ENTITY, t.refused_wrong_code),
    };
    (status, text.to_owned())
}

/// A redirect back to the page with a notice, setting the device cookie if this request made the participant.
fn back(state: &AppState, assembly_id: i64, notice: &str, new_token: Option<String>) -> Response {
    let redirect = Redirect::to(&format!(
        "/assemblies/{assembly_id}/conversation/profile?notice={notice}#profile-heading"
    ));
    remembering(state, redirect, new_token)
}

/// `GET /assemblies/{assembly_id}/conversation/profile`: verification and demographic questions.
pub async fn profile(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<NoticeQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ParticipationMessages>();
    let known = [
        ("sent", t.code_sent),
        ("verified", t.verified),
        ("saved", t.answers_saved),
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

/// The email form.
#[derive(Debug, Deserialize)]
pub struct EmailFields {
    /// The address.
    #[serde(default)]
    pub email: String,
}

impl Validate for EmailFields {
    type Command = Email;

    fn validate(&self) -> Result<Email, FieldErrors> {
        Email::parse(&self.email).map_err(FieldErrors::from)
    }
}

/// A code form (an email code or an invitation code).
#[derive(Debug, Deserialize)]
pub struct CodeFields {
    /// The code as typed.
    #[serde(default)]
    pub code: String,
}

impl Validate for CodeFields {
    type Command = OneTimeCode;

    fn validate(&self) -> Result<OneTimeCode, FieldErrors> {
        OneTimeCode::parse(&self.code).map_err(FieldErrors::from)
    }
}

/// Renders the page again with `errors` (a form that did not validate).
async fn invalid(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    token: Option<&str>,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let extra = Extra {
        errors: errors.describe(viewer.lang),
        ..Extra::default()
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    page(state, viewer, assembly_id, token, status, extra).await
}

/// Renders the page again with a refusal.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    token: Option<&str>,
    why: Refused,
) -> Result<Response, AppError> {
    let (status, message) = refusal(viewer.lang.t::<ParticipationMessages>(), why);
    let extra = Extra {
        errors: vec![message],
        ..Extra::default()
    };
    page(state, viewer, assembly_id, token, status, extra).await
}

/// `POST /assemblies/{assembly_id}/conversation/email`: sends a one-time code to the email typed.
pub async fn send_email_code(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    Submitted(form): Submitted<EmailFields>,
) -> Result<Response, AppError> {
    let token = device_token(&headers);
    let email = match form {
        Ok(email) => email,
        Err(bad) => {
            let extra = Extra {
                errors: bad.errors.describe(viewer.lang),
                email: bad.fields.email,
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
    let done = app::conversation::verify::send_email_code(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &device,
        &email,
        viewer.lang.code(),
        now(),
    )
    .await?;
    tx.commit().await?;
    crate::effects::carry_out(&state, done.effects);
    match done.value {
        Ok(joined) => Ok(back(&state, assembly_id, "sent", joined.new_token)),
        Err(why) => refused(&state, &viewer, assembly_id, token.as_deref(), why).await,
    }
}

/// `POST /assemblies/{assembly_id}/conversation/email/code`: confirms the email with the code sent to it.
pub async fn confirm_email(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    Submitted(form): Submitted<CodeFields>,
) -> Result<Response, AppError> {
    let token = device_token(&headers);
    let code = match form {
        Ok(code) => code,
        Err(bad) => {
            return invalid(&state, &viewer, assembly_id, token.as_deref(), &bad.errors).await;
        }
    };
    let device = device(token.as_deref(), &viewer);
    let mut tx = state.store.begin().await?;
    let outcome = app::conversation::verify::confirm_email(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &device,
        &code,
        now(),
    )
    .await?;
    tx.commit().await?;
    match outcome {
        Ok(()) => Ok(back(&state, assembly_id, "verified", None)),
        Err(why) => refused(&state, &viewer, assembly_id, token.as_deref(), why).await,
    }
}

/// `POST /assemblies/{assembly_id}/conversation/invitation`: uses an invitation code.
pub async fn redeem_invitation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    Submitted(form): Submitted<CodeFields>,
) -> Result<Response, AppError> {
    let token = device_token(&headers);
    let code = match form {
        Ok(code) => code,
        Err(bad) => {
            return invalid(&state, &viewer, assembly_id, token.as_deref(), &bad.errors).await;
        }
    };
    let device = device(token.as_deref(), &viewer);
    let mut tx = state.store.begin().await?;
    let outcome = app::conversation::verify::redeem_invitation(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &device,
        &code,
        now(),
    )
    .await?;
    tx.commit().await?;
    match outcome {
        Ok(joined) => Ok(back(&state, assembly_id, "verified", joined.new_token)),
        Err(why) => refused(&state, &viewer, assembly_id, token.as_deref(), why).await,
    }
}

/// `POST /assemblies/{assembly_id}/conversation/answers`: the demographic answers (`q_0`, `q_1`, ...; empty is
/// "prefer not to say"), checked against the assembly's questions.
pub async fn save_answers(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    Form(sent): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let token = device_token(&headers);
    let mut connection = state.store.connection().await?;
    let questions = app::conversation::verify::questions(&mut connection, assembly_id).await?;
    drop(connection);
    let answers = match Answers::parse(&questions, &sent) {
        Ok(answers) => answers,
        Err(errors) => {
            let errors = FieldErrors(errors);
            return invalid(&state, &viewer, assembly_id, token.as_deref(), &errors).await;
        }
    };
    let device = device(token.as_deref(), &viewer);
    let mut tx = state.store.begin().await?;
    let outcome = app::conversation::verify::save_answers(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &device,
        &answers,
        now(),
    )
    .await?;
    tx.commit().await?;
    match outcome {
        Ok(joined) => Ok(back(&state, assembly_id, "saved", joined.new_token)),
        Err(why) => refused(&state, &viewer, assembly_id, token.as_deref(), why).await,
    }
}

/// The modes in the organisers' form: (value, label, selected).
pub fn mode_choices(
    t: &ParticipationMessages,
    current: VerificationMode,
) -> Vec<(&'static str, &'static str, bool)> {
    VerificationMode::ALL
        .into_iter()
        .map(|mode| {
            let label = match mode {
                VerificationMode::None => t.mode_none,
                VerificationMode::Email => t.mode_email,
                VerificationMode::Invitation => t.mode_invitation,
            };
            (mode.as_str(), label, mode == current)
        })
        .collect()
}
