//! The public registration form: shown with a fresh timing token, screened for bots
//! (`app::recruitment::screen_registration`: honeypot, timing token, rate limit), then registered by
//! `app::recruitment::register`, whose confirmation email goes out after the commit.

use app::recruitment::RegisterError;
use app::recruitment::register::{BotCheck, RegistrationProblem, Screening, check_choices};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use recruitment::codes::parse_code;

use super::forms::{RegisterForm, RegistrationPage, registration_problem};
use super::views::{AboutYou, RegisterPage, RegisteredPage, no_store};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::RecruitmentMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

async fn register_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: RegisterForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let page = app::recruitment::registration_form(&mut connection, assembly_id, now()).await?;
    drop(connection);
    let t = viewer.lang.t::<RecruitmentMessages>();
    let about = AboutYou::new(viewer.lang, &page.questions, &form);
    let page = RegisterPage {
        c: Chrome::new(viewer, t.register_title),
        t,
        assembly_id,
        title: page.title,
        form,
        token: page.token,
        errors,
        genders: about.genders,
        age_bands: about.age_bands,
        questions: about.questions,
    };
    Ok(no_store(render(status, &page)?))
}

/// `GET /assemblies/{assembly_id}/register`: the public registration form.
pub async fn register_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let form = RegisterForm::default();
    register_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        form,
        Vec::new(),
    )
    .await
}

/// `GET /assemblies/{assembly_id}/r/{code}`: the registration form with the code of a letter's QR code filled in.
pub async fn register_with_code(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, code)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let form = RegisterForm {
        invitation_code: parse_code(&code)
            .map(|code| code.to_string())
            .unwrap_or_default(),
        ..RegisterForm::default()
    };
    register_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        form,
        Vec::new(),
    )
    .await
}

fn registered_redirect(assembly_id: i64) -> Response {
    Redirect::to(&format!("/assemblies/{assembly_id}/registered")).into_response()
}

/// The status of a page refusing a registration: 409 when the household has no seat left, else 422.
pub(super) fn refusal_status(problems: &[RegistrationProblem]) -> StatusCode {
    use app::recruitment::register::CodeProblem;
    if problems.contains(&RegistrationProblem::Code(CodeProblem::Used)) {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The problems of the registration rules for a form whose fields are wrong too, so that the page shows every
/// problem at once.
pub(super) async fn rule_problems(
    state: &AppState,
    assembly_id: i64,
    form: &RegisterForm,
    code_required: bool,
) -> Result<Vec<RegistrationProblem>, AppError> {
    let mut connection = state.store.connection().await?;
    let questions =
        app::recruitment::questions::registration_questions(&mut connection, assembly_id).await?;
    Ok(check_choices(&questions, &form.choices(), code_required)
        .err()
        .unwrap_or_default())
}

/// `POST /assemblies/{assembly_id}/register`: checks the bot protection (its rate-limit hit is committed whatever
/// follows), the fields and the registration rules, then spends the form's timing token, stores the respondent and
/// takes one seat of the household in one transaction; the confirmation email leaves after the commit.
pub async fn register(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<RegisterForm>,
) -> Result<Response, AppError> {
    let lang = viewer.lang;
    let now = now();
    let fields = match &form {
        Ok(checked) => &checked.fields,
        Err(invalid) => &invalid.fields,
    };
    let client_key = crate::limits::client_key(&state, "register", viewer.client);
    let check = BotCheck {
        honeypot: &fields.website,
        form_token: &fields.form_token,
        client_key: &client_key,
    };
    let mut tx = state.store.begin().await?;
    let screening =
        app::recruitment::screen_registration(&mut tx, assembly_id, &check, now).await?;
    tx.commit().await?;
    let words = |problem: &RegistrationProblem| {
        registration_problem(lang, RegistrationPage::Public, problem)
    };
    let checked = match (screening, form) {
        (Screening::Honeypot, _) => return Ok(registered_redirect(assembly_id)),
        (Screening::TooMany, _) => return Err(AppError::TooManyRequests),
        (Screening::Timing, form) => {
            let fields = match form {
                Ok(checked) => checked.fields,
                Err(invalid) => invalid.fields,
            };
            let errors = vec![lang.t::<RecruitmentMessages>().err_timing.to_owned()];
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return register_page(&state, &viewer, assembly_id, status, fields, errors).await;
        }
        (Screening::Passed, Ok(checked)) => checked,
        (Screening::Passed, Err(invalid)) => {
            let mut errors = invalid.errors.describe(lang);
            let problems = rule_problems(&state, assembly_id, &invalid.fields, true).await?;
            errors.extend(problems.iter().map(words));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return register_page(&state, &viewer, assembly_id, status, invalid.fields, errors)
                .await;
        }
    };
    let mut tx = state.store.begin().await?;
    // A genuine token registers once: a replay is refused before anything is written (a refused registration
    // below rolls the spending back, so the person can correct the form and send it again).
    if !app::recruitment::register::spend_form_token(&mut tx, &checked.fields.form_token, now)
        .await?
    {
        drop(tx);
        tracing::info!(assembly_id, "registration form token replayed");
        let errors = vec![lang.t::<RecruitmentMessages>().err_form_used.to_owned()];
        let status = StatusCode::CONFLICT;
        return register_page(&state, &viewer, assembly_id, status, checked.fields, errors).await;
    }
    let actor = viewer.actor();
    let registration = &checked.registration;
    match app::recruitment::register(&mut tx, &actor, assembly_id, registration, lang.code(), now)
        .await
    {
        Ok(done) => {
            tx.commit().await?;
            crate::effects::carry_out(&state, done.effects);
            Ok(registered_redirect(assembly_id))
        }
        Err(RegisterError::Refused(problems)) => {
            drop(tx);
            let errors = problems.iter().map(words).collect();
            let status = refusal_status(&problems);
            register_page(&state, &viewer, assembly_id, status, checked.fields, errors).await
        }
        Err(RegisterError::App(error)) => Err(error.into()),
    }
}

/// `GET /assemblies/{assembly_id}/registered`: the thank-you page (no personal data, nothing in the URL).
pub async fn registered(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let title = app::recruitment::register::registered(&mut connection, assembly_id).await?;
    drop(connection);
    let t = viewer.lang.t::<RecruitmentMessages>();
    let page = RegisteredPage {
        c: Chrome::new(&viewer, t.registered_title),
        t,
        assembly_id,
        title,
    };
    render(StatusCode::OK, &page)
}
