//! `GET /login` and `POST /login`: staff sign in with their email and password, throttled per account and address.

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::Email;

use super::forms::LoginFields;
use super::session::start_session;
use super::throttle::{Allowance, Attempt};
use super::views::LoginPage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::security::verify_password;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// `GET /login`.
pub async fn login_form(Extension(viewer): Extension<Viewer>) -> Result<Response, AppError> {
    let c = Chrome::new(&viewer, viewer.lang.messages().login_title);
    render(
        StatusCode::OK,
        &LoginPage {
            c,
            error: None,
            email: String::new(),
        },
    )
}

/// The sign-in page again, with `error` and the email as typed.
pub(super) fn login_page(
    viewer: &Viewer,
    status: StatusCode,
    error: &str,
    email: String,
) -> Result<Response, AppError> {
    let c = Chrome::new(viewer, viewer.lang.messages().login_title);
    render(
        status,
        &LoginPage {
            c,
            error: Some(error.to_owned()),
            email,
        },
    )
}

/// `POST /login`: checks the password, with throttling and temporary lockout kept in the database.
pub async fn login(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<LoginFields>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let credentials = match form {
        Ok(credentials) => credentials,
        Err(invalid) => {
            let error = invalid.errors.describe(viewer.lang).join(" ");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return login_page(&viewer, status, &error, invalid.fields.email);
        }
    };
    let email = credentials.email;
    let attempt = Attempt::new(&state, "login", &email, viewer.client);
    let last = match attempt.count(&state, now()).await? {
        Allowance::Refused => {
            tracing::info!("sign-in refused by the throttle");
            return login_page(
                &viewer,
                StatusCode::TOO_MANY_REQUESTS,
                m.login_locked,
                email,
            );
        }
        Allowance::Allowed { last } => last,
    };
    let mut connection = state.store.connection().await?;
    let account = match Email::parse(&email) {
        Ok(email) => store::accounts::account_by_email(&mut connection, email.as_str()).await?,
        Err(_) => None,
    };
    drop(connection);
    let stored_hash = account
        .as_ref()
        .and_then(|account| account.password_hash.clone());
    let verified = verify_password(credentials.secret, stored_hash).await?;
    match account {
        // A disabled account signs in by no means; it is told no more than a wrong password is.
        Some(account) if verified && !account.disabled => {
            let mut connection = state.store.connection().await?;
            attempt.forgive(&mut connection).await?;
            drop(connection);
            let cookie = start_session(&state, account.id).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
        }
        _ => {
            tracing::info!(locked = last, "failed sign-in");
            if last {
                login_page(
                    &viewer,
                    StatusCode::TOO_MANY_REQUESTS,
                    m.login_locked,
                    email,
                )
            } else {
                login_page(&viewer, StatusCode::UNAUTHORIZED, m.login_failed, email)
            }
        }
    }
}
