//! Accepting a staff invitation (issue 18, item 3): `GET /join/{token}` shows who invites whom to which role, and
//! `POST /join/{token}` creates the invitee's password account with that role (`app::invitations::accept`) and
//! signs them in. A link that is unknown, expired, revoked or used is a 404 page that says so; nothing names the
//! address of anyone else.

use app::accounts::AccountError;
use app::invitations::AcceptRefusal;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::{DisplayName, NewPassword};
use serde::Deserialize;

use super::session::start_session;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::fill;
use crate::i18n::invitations::InvitationMessages;
use crate::security::hash_password;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The acceptance page.
#[derive(askama::Template)]
#[template(path = "join.html")]
pub struct JoinPage {
    /// Chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static InvitationMessages,
    /// Where the form posts (`/join/{token}`), or `None` when the link does not work.
    pub action: Option<String>,
    /// Who invites whom to which role, in words.
    pub intro: String,
    /// The form's errors.
    pub errors: Vec<String>,
    /// The name as typed.
    pub display_name: String,
}

/// The form (no `Debug`: it holds a password).
#[derive(Deserialize)]
pub struct JoinFields {
    /// The name other staff will see.
    #[serde(default)]
    pub display_name: String,
    /// The chosen password.
    #[serde(default)]
    pub password: String,
}

impl Validate for JoinFields {
    type Command = (DisplayName, NewPassword);

    fn validate(&self) -> Result<(DisplayName, NewPassword), FieldErrors> {
        match (
            DisplayName::parse(&self.display_name),
            NewPassword::parse(&self.password),
        ) {
            (Ok(name), Ok(password)) => Ok((name, password)),
            (name, password) => Err(FieldErrors::from(
                [name.err(), password.err()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>(),
            )),
        }
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    token: &str,
    status: StatusCode,
    errors: Vec<String>,
    display_name: String,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<InvitationMessages>();
    let mut connection = state.store.connection().await?;
    let invitation = app::invitations::open_invitation(&mut connection, token, now()).await?;
    let (status, action, intro) = match invitation {
        Some(invitation) => {
            let title = store::assemblies::get_assembly(&mut connection, invitation.assembly_id)
                .await?
                .title;
            let role = viewer.lang.messages().role_name(invitation.role);
            let intro = fill(
                t.join_intro,
                &[
                    ("title", title.as_str()),
                    ("role", role),
                    ("email", invitation.email.as_str()),
                ],
            );
            (status, Some(format!("/join/{token}")), intro)
        }
        None => (StatusCode::NOT_FOUND, None, t.not_open.to_owned()),
    };
    drop(connection);
    let mut response = render(
        status,
        &JoinPage {
            c: Chrome::new(viewer, t.join_title),
            t,
            action,
            intro,
            errors,
            display_name,
        },
    )?;
    // The link's token is in the address: no cache keeps the page, and no referrer carries it elsewhere.
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// `GET /join/{token}`: the invitation, and the form that accepts it.
pub async fn join_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    page(
        &state,
        &viewer,
        &token,
        StatusCode::OK,
        Vec::new(),
        String::new(),
    )
    .await
}

/// `POST /join/{token}`: creates the account with the invited role and signs the person in.
pub async fn join(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token): Path<String>,
    Submitted(form): Submitted<JoinFields>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<InvitationMessages>();
    let (display_name, password) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let name = invalid.fields.display_name;
            return page(&state, &viewer, &token, status, errors, name).await;
        }
    };
    // The link is checked before the slow hashing, so an unknown link costs nothing.
    let mut connection = state.store.connection().await?;
    let open = app::invitations::open_invitation(&mut connection, &token, now()).await?;
    drop(connection);
    if open.is_none() {
        return page(
            &state,
            &viewer,
            &token,
            StatusCode::NOT_FOUND,
            Vec::new(),
            String::new(),
        )
        .await;
    }
    let hash = hash_password(password.expose().to_owned()).await?;
    let mut tx = state.store.begin().await?;
    let accepted =
        app::invitations::accept(&mut tx, &token, &display_name, &password, &hash, now()).await;
    let account_id = match accepted {
        Ok(account_id) => account_id,
        Err(AccountError::Refused(refusal)) => {
            drop(tx);
            let (status, error) = match refusal {
                AcceptRefusal::NotOpen => (StatusCode::NOT_FOUND, t.not_open),
                AcceptRefusal::AccountExists => (StatusCode::CONFLICT, t.account_exists),
            };
            let name = display_name.as_str().to_owned();
            return page(
                &state,
                &viewer,
                &token,
                status,
                vec![error.to_owned()],
                name,
            )
            .await;
        }
        Err(AccountError::App(error)) => return Err(error.into()),
    };
    tx.commit().await?;
    let cookie = start_session(&state, account_id).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
}
