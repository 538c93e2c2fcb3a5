//! A host's pages: `GET /assemblies/{id}/community/host` (registration and the key form, or the host's page with
//! the kit, the outcome form, their outcomes and withdrawal), `POST .../host` (register; the key goes by email,
//! or is shown once on a no-store page without a relay), `POST .../host/key` (exchange the key for a host cookie on
//! this device: the key never travels in a URL), `POST .../host/outcomes` (send outcomes),
//! `POST .../host/outcomes/{outcome_id}` (correct one's own) and `POST .../host/withdraw` (erase everything).
//!
//! The host cookie `klero_host_{assembly_id}` holds a random token whose hash is stored with the host.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::community::HostRow;

use super::forms::{HostFields, KeyFields, OutcomeForm};
use super::views::{
    HostPage, HostView, KeyPage, OutcomeView, kind_choices, kit_links, summary_features,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::community::CommunityMessages;
use crate::i18n::fill;
use crate::security::{cookie, random_token, set_cookie};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// How long a host cookie lasts (90 days).
const HOST_COOKIE_SECONDS: i64 = 90 * 24 * 3600;

fn cookie_name(assembly_id: i64) -> String {
    format!("klero_host_{assembly_id}")
}

/// The host signed in on this device for `assembly_id`, if any.
async fn current_host(
    state: &AppState,
    headers: &HeaderMap,
    assembly_id: i64,
) -> Result<Option<HostRow>, AppError> {
    let Some(token) = headers
        .get(header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| cookie(value, &cookie_name(assembly_id)))
    else {
        return Ok(None);
    };
    let mut connection = state.store.connection().await?;
    Ok(app::community::host_of_session(&mut connection, assembly_id, token).await?)
}

/// The host page, where a visitor without a host cookie enters their key.
fn to_host_page(assembly_id: i64) -> Response {
    Redirect::to(&format!(
        "/assemblies/{assembly_id}/community/host#key-heading"
    ))
    .into_response()
}

/// Query of the host page.
#[derive(Debug, Default, Deserialize)]
pub struct HostQuery {
    /// Set after a registration whose key went by email.
    #[serde(default)]
    pub sent: Option<String>,
    /// Set after outcomes were sent.
    #[serde(default)]
    pub thanks: Option<String>,
    /// Set after the host withdrew.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// `added` or `removed` after a photo changed.
    #[serde(default)]
    pub photo: Option<String>,
}

/// What a host page shows besides the stored state.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    errors: Vec<String>,
    form: HostFields,
    typed: std::collections::HashMap<String, String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    host: Option<HostRow>,
    status: StatusCode,
    shown: Shown,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CommunityMessages>();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let settings = app::community::phase(&mut connection, assembly_id).await?;
    let areas = app::community::areas(&mut connection, assembly_id).await?;
    let host = match host {
        Some(host) => {
            let features = app::community::summary_features(&mut connection, assembly_id).await?;
            let outcomes = app::community::outcomes_of(&mut connection, &host).await?;
            let ids: Vec<i64> = outcomes.iter().map(|row| row.id).collect();
            let photos = app::community::photos_of(&mut connection, assembly_id, &ids).await?;
            Some(HostView {
                welcome: fill(
                    t.welcome,
                    &[("name", &host.name), ("community", &host.community)],
                ),
                features: summary_features(&features),
                typed: shown.typed,
                outcomes: outcomes
                    .into_iter()
                    .map(|row| {
                        let view = OutcomeView::new(&row, t).with_photos(
                            assembly_id,
                            &row.community,
                            &photos,
                            viewer.lang,
                        );
                        (view, row)
                    })
                    .collect(),
            })
        }
        None => None,
    };
    drop(connection);
    render(
        status,
        &HostPage {
            c: Chrome::new(viewer, t.host_title),
            pt: viewer
                .lang
                .t::<crate::i18n::participation::ParticipationMessages>(),
            t,
            assembly_id,
            assembly_title: record.title,
            question: record.question,
            is_open: settings.is_open,
            notice: shown.notice,
            errors: shown.errors,
            form: shown.form,
            kinds: kind_choices(t),
            areas,
            host,
            kit: kit_links(t),
        },
    )
}

/// `GET /assemblies/{assembly_id}/community/host`: registration, or the page of the host of this device.
pub async fn host_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(assembly_id): Path<i64>,
    Query(query): Query<HostQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CommunityMessages>();
    let host = current_host(&state, &headers, assembly_id).await?;
    let notice = if query.sent.is_some() {
        Some(t.key_sent)
    } else if query.thanks.is_some() {
        Some(t.outcome_sent)
    } else if query.withdrawn.is_some() {
        Some(t.withdrawn)
    } else {
        let pt = viewer
            .lang
            .t::<crate::i18n::participation::ParticipationMessages>();
        match query.photo.as_deref() {
            Some("added") => Some(pt.photo_added),
            Some("removed") => Some(pt.photo_removed),
            _ => None,
        }
    };
    let shown = Shown {
        notice: notice.map(str::to_owned),
        ..Shown::default()
    };
    page(&state, &viewer, assembly_id, host, StatusCode::OK, shown).await
}

/// `POST /assemblies/{assembly_id}/community/host`: registers a host (rate-limited per client address).
pub async fn register(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<HostFields>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CommunityMessages>();
    let Ok(fields) = form else {
        return Err(AppError::NotFound);
    };
    let areas = {
        let mut connection = state.store.connection().await?;
        app::community::areas(&mut connection, assembly_id).await?
    };
    let host = match fields.parse(&areas) {
        Ok(host) => host,
        Err(errors) => {
            let shown = Shown {
                errors: errors.describe(viewer.lang),
                form: fields,
                ..Shown::default()
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    let done = app::community::register_host(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &host,
        viewer.client,
        viewer.lang.code(),
        now(),
    )
    .await?;
    tx.commit().await?;
    crate::effects::carry_out(&state, done.effects);
    match done.value {
        app::community::HostRegistration::TooMany => Err(AppError::TooManyRequests),
        app::community::HostRegistration::Registered { key, .. } => {
            if state.config.mail.is_some() {
                return Ok(Redirect::to(&format!(
                    "/assemblies/{assembly_id}/community/host?sent=1"
                ))
                .into_response());
            }
            let mut response = render(
                StatusCode::OK,
                &KeyPage {
                    c: Chrome::new(&viewer, t.key_shown_title),
                    t,
                    assembly_id,
                    key,
                },
            )?;
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            Ok(response)
        }
    }
}

/// `POST /assemblies/{assembly_id}/community/host/key`: exchanges a host's key for a host cookie on this device.
pub async fn use_key(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<KeyFields>,
) -> Result<Response, AppError> {
    let key = match form {
        Ok(key) => key,
        Err(invalid) => {
            let shown = Shown {
                errors: invalid.errors.describe(viewer.lang),
                ..Shown::default()
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await;
        }
    };
    let token = random_token(32)?;
    let mut tx = state.store.begin().await?;
    let used = app::community::use_key(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &key,
        &app::community::secret_hash(&token),
        now(),
    )
    .await;
    match used {
        Ok(_) => tx.commit().await?,
        Err(app::Error::Invalid(error)) => {
            drop(tx);
            let shown = Shown {
                errors: vec![viewer.lang.messages().describe(&error)],
                ..Shown::default()
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    }
    let mut response =
        Redirect::to(&format!("/assemblies/{assembly_id}/community/host")).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        header::HeaderValue::from_str(&set_cookie(
            &cookie_name(assembly_id),
            &token,
            HOST_COOKIE_SECONDS,
            state.config.secure_cookies,
        ))
        .map_err(AppError::internal)?,
    );
    Ok(response)
}

async fn parsed_outcome(
    state: &AppState,
    assembly_id: i64,
    form: &OutcomeForm,
) -> Result<Result<domain::community::NewOutcome, crate::form::FieldErrors>, AppError> {
    let mut connection = state.store.connection().await?;
    let features = app::community::summary_features(&mut connection, assembly_id).await?;
    Ok(form.parse(&features))
}

/// `POST /assemblies/{assembly_id}/community/host/outcomes`: the host sends the outcomes of their assembly.
pub async fn submit_outcome(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<OutcomeForm>,
) -> Result<Response, AppError> {
    let Some(host) = current_host(&state, &headers, assembly_id).await? else {
        return Ok(to_host_page(assembly_id));
    };
    let Ok(form) = form else {
        return Err(AppError::NotFound);
    };
    let outcome = match parsed_outcome(&state, assembly_id, &form).await? {
        Ok(outcome) => outcome,
        Err(errors) => {
            let shown = Shown {
                errors: errors.describe(viewer.lang),
                typed: form.0,
                ..Shown::default()
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                Some(host),
                StatusCode::UNPROCESSABLE_ENTITY,
                shown,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::community::submit_outcome(&mut tx, &viewer.actor(), &host, &outcome, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/assemblies/{assembly_id}/community/host?thanks=1"
    ))
    .into_response())
}

/// `POST /assemblies/{assembly_id}/community/host/outcomes/{outcome_id}`: the host corrects one of their own
/// outcomes (another host's is a 404); it goes back to moderation.
pub async fn edit_outcome(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path((assembly_id, outcome_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<OutcomeForm>,
) -> Result<Response, AppError> {
    let Some(host) = current_host(&state, &headers, assembly_id).await? else {
        return Ok(to_host_page(assembly_id));
    };
    let Ok(form) = form else {
        return Err(AppError::NotFound);
    };
    let outcome = match parsed_outcome(&state, assembly_id, &form).await? {
        Ok(outcome) => outcome,
        Err(mut errors) => return Err(AppError::Invalid(errors.0.swap_remove(0))),
    };
    let mut tx = state.store.begin().await?;
    app::community::edit_outcome(&mut tx, &viewer.actor(), &host, outcome_id, &outcome, now())
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/assemblies/{assembly_id}/community/host?thanks=1"
    ))
    .into_response())
}

/// `POST /assemblies/{assembly_id}/community/host/withdraw`: erases the host and every outcome they sent, and
/// ends the host cookie.
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let Some(host) = current_host(&state, &headers, assembly_id).await? else {
        return Ok(to_host_page(assembly_id));
    };
    let mut tx = state.store.begin().await?;
    app::community::withdraw(&mut tx, &viewer.actor(), &host, now()).await?;
    tx.commit().await?;
    if let Err(error) = state.store.forget().await {
        tracing::warn!(%error, "could not checkpoint after a host's erasure");
    }
    let mut response = Redirect::to(&format!(
        "/assemblies/{assembly_id}/community/host?withdrawn=1"
    ))
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        header::HeaderValue::from_str(&set_cookie(
            &cookie_name(assembly_id),
            "",
            0,
            state.config.secure_cookies,
        ))
        .map_err(AppError::internal)?,
    );
    Ok(response)
}

/// The host page of `host` with one error (a photo that was refused), with `status`.
pub(super) async fn page_with_error(
    state: &AppState,
    viewer: &Viewer,
    host: HostRow,
    status: StatusCode,
    error: String,
) -> Result<Response, AppError> {
    let assembly_id = host.assembly_id;
    let shown = Shown {
        errors: vec![error],
        ..Shown::default()
    };
    page(state, viewer, assembly_id, Some(host), status, shown).await
}

/// The host signed in on this device for `assembly_id`, if any (for the photo handlers).
pub(super) async fn signed_in_host(
    state: &AppState,
    headers: &HeaderMap,
    assembly_id: i64,
) -> Result<Option<HostRow>, AppError> {
    current_host(state, headers, assembly_id).await
}

/// A redirect to the host page, for a visitor who is not signed in as a host (for the photo handlers).
pub(super) fn to_key_form(assembly_id: i64) -> Response {
    to_host_page(assembly_id)
}
