//! The platform settings (issue 18, item 3; platform administrators only): `GET /staff/settings` and
//! `POST /staff/settings`, for now whether organisers may create assemblies
//! (`app::invitations::set_organisers_may_create_assemblies`, audited).

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::invitations::InvitationMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The settings page.
#[derive(askama::Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    /// Chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static InvitationMessages,
    /// Whether organisers may create assemblies.
    pub organisers_create: bool,
    /// Whether the settings were just saved.
    pub saved: bool,
}

/// The page's query: `saved=1` after a change.
#[derive(Debug, Deserialize)]
pub struct SettingsQuery {
    /// Set after a change.
    pub saved: Option<String>,
}

/// The form: a checkbox (absent when unticked).
#[derive(Debug, Deserialize)]
pub struct SettingsFields {
    /// `yes` when ticked.
    #[serde(default)]
    pub organisers_create_assemblies: Option<String>,
}

impl Validate for SettingsFields {
    type Command = bool;

    fn validate(&self) -> Result<bool, FieldErrors> {
        Ok(self.organisers_create_assemblies.as_deref() == Some("yes"))
    }
}

/// `GET /staff/settings`.
pub async fn settings(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<SettingsQuery>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let organisers_create =
        app::invitations::organisers_may_create_assemblies(&mut connection).await?;
    drop(connection);
    let t = viewer.lang.t::<InvitationMessages>();
    render(
        StatusCode::OK,
        &SettingsPage {
            c: Chrome::new(&viewer, t.settings_title),
            t,
            organisers_create,
            saved: query.saved.is_some(),
        },
    )
}

/// `POST /staff/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<SettingsFields>,
) -> Result<Response, AppError> {
    let allowed = match form {
        Ok(allowed) => allowed,
        Err(mut invalid) => return Err(AppError::Invalid(invalid.errors.0.remove(0))),
    };
    let mut tx = state.store.begin().await?;
    app::invitations::set_organisers_may_create_assemblies(
        &mut tx,
        &viewer.actor(),
        allowed,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/staff/settings?saved=1").into_response())
}
