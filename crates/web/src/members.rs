//! From respondent to member (issue 4, items 2 and 6): the registration confirmation email, staff registration of
//! someone who phones in, and what happens when a respondent is confirmed.
//!
//! Admitting a confirmed respondent as a member is the use case `app::members::admit`; its sign-in code comes back
//! as effects that `crate::effects` carries out after the commit.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::members::MemberMessages;
use crate::i18n::{Lang, fill};
use crate::mail::Message;
use crate::recruitment::{AGE_BANDS, GENDERS, OptionView, QuestionView, RegisterForm};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Emails the registration confirmation in `lang` (after the registration committed; never fails the caller).
pub(crate) async fn send_registration_email(
    state: &AppState,
    assembly_id: i64,
    respondent_id: i64,
    email: &str,
    lang: Lang,
) {
    let title = match state.store.connection().await {
        Ok(mut connection) => store::assemblies::get_assembly(&mut connection, assembly_id)
            .await
            .map(|record| record.title)
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    let name = match state.store.connection().await {
        Ok(mut connection) => {
            store::recruitment::respondent(&mut connection, assembly_id, respondent_id)
                .await
                .map(|row| row.full_name)
                .unwrap_or_default()
        }
        Err(_) => String::new(),
    };
    let t = lang.t::<MemberMessages>();
    let pairs = [("title", title.as_str()), ("name", name.as_str())];
    let message = Message {
        to: email.to_owned(),
        subject: fill(t.registration_subject, &pairs),
        body: fill(t.registration_body, &pairs),
    };
    crate::mail::dispatch(state, "registration", Some(respondent_id), message);
}

// ---------------------------------------------------------------------------------------------
// Phone registration.

/// The phone registration page.
#[derive(Template)]
#[template(path = "phone_register.html")]
pub struct PhonePage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static MemberMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The form as sent.
    pub form: RegisterForm,
    /// Errors, each naming its field.
    pub errors: Vec<String>,
    /// The id of the respondent just registered.
    pub done: Option<i64>,
    /// Gender options.
    pub genders: Vec<OptionView>,
    /// Age-band options.
    pub age_bands: Vec<OptionView>,
    /// The assembly's own questions.
    pub questions: Vec<QuestionView>,
    /// Language options.
    pub langs: Vec<OptionView>,
    /// Whether an SMTP relay is configured.
    pub mail_on: bool,
}

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
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let m = viewer.lang.messages();
    let t = viewer.lang.t::<MemberMessages>();
    let c = Chrome::new(viewer, t.phone_title);
    let genders = crate::recruitment::options(&GENDERS, &m.r.genders, &form.gender);
    let age_bands = crate::recruitment::options(&AGE_BANDS, &m.r.age_bands, &form.age_band);
    let questions = crate::recruitment::question_views(
        &crate::selection::registration_questions(state, assembly_id).await?,
        &form,
    );
    let langs = crate::recruitment::options(&["en", "fr"], &t.languages, lang);
    let mut response = render(
        status,
        &PhonePage {
            c,
            t,
            assembly_id,
            title: record.title,
            form,
            errors,
            done,
            genders,
            age_bands,
            questions,
            langs,
            mail_on: state.config.mail.is_some(),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{assembly_id}/respondents/phone`: the form for registering someone who phones in.
pub async fn phone_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let lang = viewer.lang.code();
    phone_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        RegisterForm::default(),
        lang,
        Vec::new(),
        query.done,
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/respondents/phone`: the same checks as the public form (the invitation
/// code is optional, and checked and counted against the household when given), consent recorded as verbal and
/// given to the signed-in staff member; no honeypot or timing token (staff are signed in and CSRF-checked).
/// Errors name their field and nothing is written; the audit entry holds ids only.
pub async fn phone_register(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<RegisterForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    // The public form's fields; the language of the person's emails comes as `lang` (the honeypot and timing
    // token are not used here).
    let Form(form) = form?;
    let lang = form.extra.get("lang").cloned().unwrap_or_default();
    let m = viewer.lang.messages();
    let t = viewer.lang.t::<MemberMessages>();
    let now = now();
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let mut checked =
        crate::recruitment::check_registration(&state, m, assembly_id, &form, false).await?;
    // The public form's consent message speaks to the person; here the staff member records it.
    if let Err(errors) = &mut checked {
        for error in errors.iter_mut() {
            if error == m.r.err_consent {
                t.err_phone_consent.clone_into(error);
            }
        }
    }
    let person_lang = match Lang::from_code(&lang) {
        Some(person_lang) if lang.len() == 2 => Some(person_lang),
        _ => None,
    };
    let checked = match (checked, person_lang) {
        (Ok(checked), Some(_)) => checked,
        (checked, person_lang) => {
            let mut errors = checked.err().unwrap_or_default();
            if person_lang.is_none() {
                let problem = if lang.trim().is_empty() {
                    domain::error::Problem::Required
                } else {
                    domain::error::Problem::Malformed
                };
                let text = m.describe(&domain::error::ValidationError::new("", problem));
                errors.push(format!(
                    "{}: {}",
                    t.phone_lang_label,
                    text.trim_start_matches(": ")
                ));
            }
            return phone_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                &lang,
                errors,
                None,
            )
            .await;
        }
    };
    let person_lang = person_lang.unwrap_or(Lang::En);
    let email = checked.email.clone();
    let mut tx = state.store.begin().await?;
    let respondent_id =
        match crate::recruitment::store_registration(&mut tx, &viewer, assembly_id, checked, now)
            .await?
        {
            Ok(respondent_id) => respondent_id,
            Err((status, message)) => {
                drop(tx);
                return phone_page(
                    &state,
                    &viewer,
                    assembly_id,
                    status,
                    form,
                    &lang,
                    vec![message],
                    None,
                )
                .await;
            }
        };
    let staff = viewer.account_id()?;
    let entity = format!("respondent:{respondent_id}");
    app::audit::audited(
        &mut tx,
        &viewer.actor(),
        "respondent.phone",
        &entity,
        now,
        async |tx| {
            store::members::record_registration(
                tx,
                assembly_id,
                respondent_id,
                store::members::ConsentMethod::Verbal,
                Some(staff),
                person_lang.code(),
            )
            .await?;
            let after = serde_json::json!({ "respondent_id": respondent_id, "consent": "verbal", "recorded_by": staff });
            Ok(((), app::audit::Entry::after(after)))
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, respondent_id, "respondent registered by phone");
    send_registration_email(&state, assembly_id, respondent_id, &email, person_lang).await;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/respondents/phone?done={respondent_id}"
    ))
    .into_response())
}

/// The organisers' notice about email, for their pages: whether a relay is configured.
pub fn mail_notice(state: &AppState, lang: Lang) -> &'static str {
    let t = lang.t::<MemberMessages>();
    if state.config.mail.is_some() {
        t.mail_on
    } else {
        t.mail_off
    }
}
