//! Staff accounts (platform administrators only): `GET /staff/accounts` lists every account and
//! `POST /staff/accounts` creates one that signs in with a password (`app::accounts::create_account`).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::error::{Problem, ValidationError};

use super::forms::AccountFields;
use super::views::{AccountView, AccountsPage};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::security::hash_password;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The accounts page with `status`, the form's `errors` and its email and name as typed.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    errors: Vec<String>,
    email: String,
    display_name: String,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let rows = store::accounts::list_accounts(&mut connection).await?;
    drop(connection);
    let c = Chrome::new(viewer, viewer.lang.messages().accounts_title);
    let accounts = rows
        .into_iter()
        .map(|row| AccountView {
            id: row.id,
            disabled: row.disabled,
            name: row.display_name,
            email: row.email,
            is_admin: row.is_admin,
        })
        .collect();
    render(
        status,
        &AccountsPage {
            c,
            t: viewer.lang.t::<crate::i18n::access::AccessMessages>(),
            accounts,
            errors,
            email,
            display_name,
        },
    )
}

/// `GET /staff/accounts`: every account (administrators only).
pub async fn accounts(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    page(
        &state,
        &viewer,
        StatusCode::OK,
        Vec::new(),
        String::new(),
        String::new(),
    )
    .await
}

/// `POST /staff/accounts`: creates a staff account; an email already taken is a 409 on the page.
pub async fn create_account(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<AccountFields>,
) -> Result<Response, AppError> {
    let new = match form {
        Ok(new) => new,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let (email, name) = (invalid.fields.email, invalid.fields.display_name);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&state, &viewer, status, errors, email, name).await;
        }
    };
    let hash = hash_password(new.account.password.expose().to_owned()).await?;
    let mut tx = state.store.begin().await?;
    let created = app::accounts::create_account(
        &mut tx,
        &viewer.actor(),
        &new.account,
        &hash,
        new.is_admin,
        now(),
    )
    .await;
    match created {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/staff/accounts").into_response())
        }
        Err(app::Error::Conflict(_)) => {
            drop(tx);
            let m = viewer.lang.messages();
            let error = ValidationError::new("email", Problem::Malformed);
            let errors = vec![format!("{} ({})", m.describe(&error), m.err_conflict)];
            let (email, name) = new.as_typed;
            page(&state, &viewer, StatusCode::CONFLICT, errors, email, name).await
        }
        Err(other) => Err(other.into()),
    }
}
