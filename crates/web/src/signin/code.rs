//! `GET /code` and `POST /code`: assembly members sign in with a one-time code (single use, expiring, throttled
//! like passwords). A code opens a code-only member account and nothing else, whatever code someone holds.

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::{Email, OneTimeCode};

use super::forms::CodeFields;
use super::session::start_session;
use super::throttle::{Allowance, Attempt};
use super::views::CodePage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::codes::CodeMessages;
use crate::security::token_hash;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// `GET /code`: the one-time code sign-in form for assembly members.
pub async fn code_form(Extension(viewer): Extension<Viewer>) -> Result<Response, AppError> {
    let c = Chrome::new(&viewer, viewer.lang.messages().code_title);
    render(
        StatusCode::OK,
        &CodePage {
            c,
            error: None,
            email: String::new(),
            lost_link: viewer.lang.t::<CodeMessages>().lost_link,
        },
    )
}

/// The code page again, with `error` and the email as typed.
fn code_page(
    viewer: &Viewer,
    status: StatusCode,
    error: &str,
    email: String,
) -> Result<Response, AppError> {
    let c = Chrome::new(viewer, viewer.lang.messages().code_title);
    render(
        status,
        &CodePage {
            c,
            error: Some(error.to_owned()),
            email,
            lost_link: viewer.lang.t::<CodeMessages>().lost_link,
        },
    )
}

/// `POST /code`: signs a member in with a one-time code.
pub async fn code_login(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<CodeFields>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let credentials = match form {
        Ok(credentials) => credentials,
        Err(invalid) => {
            let error = invalid.errors.describe(viewer.lang).join(" ");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return code_page(&viewer, status, &error, invalid.fields.email);
        }
    };
    let email = credentials.email;
    let now = now();
    let attempt = Attempt::new(&state, "code", &email, viewer.client);
    let last = match attempt.count(&state, now).await? {
        Allowance::Refused => {
            tracing::info!("code sign-in refused by the throttle");
            return code_page(
                &viewer,
                StatusCode::TOO_MANY_REQUESTS,
                m.login_locked,
                email,
            );
        }
        Allowance::Allowed { last } => last,
    };
    let mut tx = state.store.begin().await?;
    let account = match Email::parse(&email) {
        Ok(email) => store::accounts::account_by_email(&mut tx, email.as_str()).await?,
        Err(_) => None,
    };
    let code = OneTimeCode::parse(&credentials.secret);
    // Codes open code-only member accounts and nothing else, whatever code someone holds for another account.
    let code_account = match &account {
        Some(account) => app::codes::may_use_code(&mut tx, account).await?,
        None => false,
    };
    let signed_in = match (&account, &code) {
        (Some(account), Ok(code)) if code_account => {
            store::auth::consume_sign_in_code(
                &mut tx,
                account.id,
                &token_hash(code.canonical()),
                now,
            )
            .await?
        }
        _ => false,
    };
    match account {
        Some(account) if signed_in => {
            attempt.forgive(&mut tx).await?;
            tx.commit().await?;
            let cookie = start_session(&state, account.id).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
        }
        _ => {
            drop(tx);
            tracing::info!(locked = last, "failed code sign-in");
            if last {
                code_page(
                    &viewer,
                    StatusCode::TOO_MANY_REQUESTS,
                    m.login_locked,
                    email,
                )
            } else {
                code_page(&viewer, StatusCode::UNAUTHORIZED, m.code_failed, email)
            }
        }
    }
}
