//! Staff registration of someone who phones in (issue 4, item 2): the public form's questions and rules
//! (`app::recruitment::register_by_phone`; the invitation code is optional, and checked and counted against the
//! household when given), consent recorded as verbal under the staff member's account, and the confirmation email
//! in the person's language after the commit. No honeypot or timing token: staff are signed in and CSRF-checked.

use app::recruitment::RegisterError;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::{
    PhoneForm, RegisterForm, RegistrationPage, describe_phone_fields, registration_problem,
};
use super::register::{refusal_status, rule_problems};
use super::views::{AboutYou, PhonePage, no_store, options};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::RecruitmentMessages;
use crate::i18n::members::MemberMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Query of the phone page.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    /// The respondent just registered.
    #[serde(default)]
    pub done: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
async fn phone_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: RegisterForm,
    lang: &str,
    errors: Vec<String>,
    done: Option<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let page = app::recruitment::registration_form(&mut connection, assembly_id, now()).await?;
    drop(connection);
    let t = viewer.lang.t::<RecruitmentMessages>();
    let tm = viewer.lang.t::<MemberMessages>();
    let about = AboutYou::new(viewer.lang, &page.questions, &form);
    let page = PhonePage {
        c: Chrome::new(viewer, tm.phone_title),
        t,
        tm,
        assembly_id,
        title: page.title,
        form,
        errors,
        done,
        genders: about.genders,
        age_bands: about.age_bands,
        questions: about.questions,
        langs: options(&["en", "fr"], &tm.languages, lang),
        mail_on: state.config.mail.is_some(),
    };
    Ok(no_store(render(status, &page)?))
}

/// `GET /staff/assemblies/{assembly_id}/respondents/phone`: the form for registering someone who phones in.
pub async fn phone_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let lang = viewer.lang.code();
    let form = RegisterForm::default();
    phone_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        form,
        lang,
        Vec::new(),
        query.done,
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/respondents/phone`: the same checks as the public form (the invitation
/// code is optional), consent recorded as verbal and given to the signed-in staff member. Errors name their field
/// and nothing is written; the audit entries hold ids only.
pub async fn phone_register(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<PhoneForm>,
) -> Result<Response, AppError> {
    let lang = viewer.lang;
    let words = |problem| registration_problem(lang, RegistrationPage::Phone, problem);
    let checked = match form {
        Ok(checked) => checked,
        Err(invalid) => {
            let mut errors = describe_phone_fields(lang, &invalid.errors);
            let problems = rule_problems(&state, assembly_id, &invalid.fields.0, false).await?;
            errors.extend(problems.iter().map(words));
            let person_lang = invalid.fields.lang();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let form = invalid.fields.0;
            return phone_page(
                &state,
                &viewer,
                assembly_id,
                status,
                form,
                &person_lang,
                errors,
                None,
            )
            .await;
        }
    };
    let person_lang = checked.lang.code();
    let registration = &checked.checked.registration;
    let mut tx = state.store.begin().await?;
    let done = app::recruitment::register_by_phone(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        registration,
        person_lang,
        now(),
    )
    .await;
    match done {
        Ok(done) => {
            tx.commit().await?;
            crate::effects::carry_out(&state, done.effects);
            let respondent_id = done.value;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/respondents/phone?done={respondent_id}"
            ))
            .into_response())
        }
        Err(RegisterError::Refused(problems)) => {
            drop(tx);
            let errors = problems.iter().map(words).collect();
            let status = refusal_status(&problems);
            let form = checked.checked.fields;
            phone_page(
                &state,
                &viewer,
                assembly_id,
                status,
                form,
                person_lang,
                errors,
                None,
            )
            .await
        }
        Err(RegisterError::App(error)) => Err(error.into()),
    }
}
