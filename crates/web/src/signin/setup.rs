//! The first run: `GET /setup` and `POST /setup` create the platform's first administrator and sign them in,
//! while no administrator exists; `klero admin create` makes one from the command line
//! ([`create_administrator`]).

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::{DisplayName, Email, NewPassword};

use super::forms::SetupFields;
use super::login::login_page;
use super::session::start_session;
use super::views::SetupPage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::security::hash_password;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Whether the platform already has an administrator.
async fn has_admin(state: &AppState) -> Result<bool, AppError> {
    let mut connection = state.store.connection().await?;
    Ok(app::accounts::has_admin(&mut connection).await?)
}

/// `GET /setup`: the first-run form, while no administrator exists.
pub async fn setup_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    if has_admin(&state).await? {
        return login_page(&viewer, StatusCode::OK, m.setup_done, String::new());
    }
    let c = Chrome::new(&viewer, m.setup_title);
    render(
        StatusCode::OK,
        &SetupPage {
            c,
            errors: Vec::new(),
            email: String::new(),
            display_name: String::new(),
        },
    )
}

/// `POST /setup`: creates the first administrator and signs them in.
pub async fn setup(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<SetupFields>,
) -> Result<Response, AppError> {
    if has_admin(&state).await? {
        return Err(AppError::Conflict(
            "an administrator already exists".to_owned(),
        ));
    }
    let account = match form {
        Ok(account) => account,
        Err(invalid) => {
            let c = Chrome::new(&viewer, viewer.lang.messages().setup_title);
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetupPage {
                    c,
                    errors: invalid.errors.describe(viewer.lang),
                    email: invalid.fields.email,
                    display_name: invalid.fields.display_name,
                },
            );
        }
    };
    let hash = hash_password(account.password.expose().to_owned()).await?;
    let mut tx = state.store.begin().await?;
    let id =
        app::accounts::setup_first_admin(&mut tx, &viewer.actor(), &account, &hash, now()).await?;
    tx.commit().await?;
    let cookie = start_session(&state, id).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
}

/// Creates a platform administrator from the command line (`klero admin create`).
/// Errors name the invalid field; an existing email is a conflict.
pub async fn create_administrator(
    store: &store::Store,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<i64, AppError> {
    let account = app::accounts::NewAccount {
        display_name: DisplayName::parse(display_name)?,
        email: Email::parse(email)?,
        password: NewPassword::parse(password)?,
    };
    let hash = hash_password(account.password.expose().to_owned()).await?;
    let mut tx = store.begin().await?;
    let id =
        app::accounts::create_account(&mut tx, &app::Actor::SYSTEM, &account, &hash, true, now())
            .await?;
    tx.commit().await?;
    Ok(id)
}
