//! Passwords (issue 14, finding 11): `GET`/`POST /staff/password` changes one's own password (the current one
//! required, counted by the sign-in throttle like a sign-in; the other sessions end), and `GET`/`POST
//! /password-reset` sets a new one with a reset code that an administrator issued (throttled the same way; every
//! session of the account ends, and the person is signed in).

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::Email;
use serde::Deserialize;

use super::forms::{PasswordFields, ResetFields};
use super::session::start_session;
use super::throttle::{Allowance, Attempt};
use super::views::{PasswordPage, ResetPage};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::access::AccessMessages;
use crate::security::{hash_password, verify_password};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Query of the password page.
#[derive(Debug, Deserialize)]
pub struct ChangedQuery {
    /// Set after a change.
    #[serde(default)]
    pub changed: Option<String>,
}

/// The password page with `status`, `errors` and whether the password was just changed.
fn password_page(
    viewer: &Viewer,
    status: StatusCode,
    errors: Vec<String>,
    changed: bool,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AccessMessages>();
    render(
        status,
        &PasswordPage {
            c: Chrome::new(viewer, t.password_title),
            t,
            errors,
            changed,
        },
    )
}

/// `GET /staff/password`: the form that changes one's own password.
pub async fn password_form(
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<ChangedQuery>,
) -> Result<Response, AppError> {
    password_page(&viewer, StatusCode::OK, Vec::new(), query.changed.is_some())
}

/// `POST /staff/password`: checks the current password (counted like a sign-in attempt), sets the new one and
/// ends the account's other sessions.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<PasswordFields>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AccessMessages>();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let change = match form {
        Ok(change) => change,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            return password_page(&viewer, unprocessable, errors, false);
        }
    };
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let account = store::accounts::account_by_id(&mut connection, account_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    drop(connection);
    let Some(stored_hash) = account.password_hash.clone() else {
        let errors = vec![t.code_account.to_owned()];
        return password_page(&viewer, StatusCode::CONFLICT, errors, false);
    };
    let now = now();
    let attempt = Attempt::new(&state, "login", &account.email, viewer.client);
    if let Allowance::Refused = attempt.count(&state, now).await? {
        let errors = vec![viewer.lang.messages().login_locked.to_owned()];
        return password_page(&viewer, StatusCode::TOO_MANY_REQUESTS, errors, false);
    }
    if !verify_password(change.current, Some(stored_hash)).await? {
        tracing::info!(account_id, "password change with a wrong current password");
        let errors = vec![t.current_wrong.to_owned()];
        return password_page(&viewer, unprocessable, errors, false);
    }
    let hash = hash_password(change.new.expose().to_owned()).await?;
    let mut tx = state.store.begin().await?;
    app::accounts::change_own_password(
        &mut tx,
        &viewer.actor(),
        &hash,
        viewer.session_hash.as_deref(),
        now,
    )
    .await?;
    attempt.forgive(&mut tx).await?;
    tx.commit().await?;
    Ok(Redirect::to("/staff/password?changed=1").into_response())
}

/// The reset page with `status`, `errors` and the email as typed.
fn reset_page(
    viewer: &Viewer,
    status: StatusCode,
    errors: Vec<String>,
    email: String,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AccessMessages>();
    render(
        status,
        &ResetPage {
            c: Chrome::new(viewer, t.reset_title),
            t,
            errors,
            email,
        },
    )
}

/// `GET /password-reset`: the form that sets a new password with a reset code.
pub async fn reset_form(Extension(viewer): Extension<Viewer>) -> Result<Response, AppError> {
    reset_page(&viewer, StatusCode::OK, Vec::new(), String::new())
}

/// `POST /password-reset`: with a matching, unused, unexpired reset code (counted like a sign-in attempt), sets
/// the new password, ends every session of the account and signs the person in.
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<ResetFields>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AccessMessages>();
    let reset = match form {
        Ok(reset) => reset,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return reset_page(&viewer, status, errors, invalid.fields.email);
        }
    };
    let now = now();
    let attempt = Attempt::new(&state, "reset", &reset.email, viewer.client);
    let last = match attempt.count(&state, now).await? {
        Allowance::Refused => {
            let errors = vec![viewer.lang.messages().login_locked.to_owned()];
            return reset_page(&viewer, StatusCode::TOO_MANY_REQUESTS, errors, reset.email);
        }
        Allowance::Allowed { last } => last,
    };
    let hash = hash_password(reset.new.expose().to_owned()).await?;
    let mut tx = state.store.begin().await?;
    let account_id = match Email::parse(&reset.email) {
        Ok(email) => {
            app::accounts::reset_password(&mut tx, &viewer.actor(), &email, &reset.code, &hash, now)
                .await?
        }
        Err(_) => None,
    };
    let Some(account_id) = account_id else {
        drop(tx);
        tracing::info!(locked = last, "failed password reset");
        let (status, error) = if last {
            (
                StatusCode::TOO_MANY_REQUESTS,
                viewer.lang.messages().login_locked,
            )
        } else {
            (StatusCode::UNAUTHORIZED, t.reset_failed)
        };
        return reset_page(&viewer, status, vec![error.to_owned()], reset.email);
    };
    attempt.forgive(&mut tx).await?;
    tx.commit().await?;
    let cookie = start_session(&state, account_id).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
}
