//! Taking access away, for platform administrators (issue 14, finding 11): `GET /staff/accounts/{account_id}`
//! shows one account with its live API tokens and the forms that disable or enable it, end its sessions, reset its
//! password and revoke its tokens; each `POST` calls one `app` use case (audited), commits, and comes back to the
//! page saying what it did. A password reset code is shown once, on a page that is never cached, only when no
//! email relay is configured; otherwise it goes by email to the account's own address.

use app::accounts::ResetIssued;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::views::{AccountPage, ResetCodePage, TokenView};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::access::AccessMessages;
use crate::i18n::fill;
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// Query of the account page: what the last change did.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    /// `disabled`, `enabled`, `sessions`, `reset`, `revoked`.
    #[serde(default)]
    pub done: Option<String>,
}

/// The account page with `status` and a `notice` or an `error`.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    account_id: i64,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let account = store::accounts::account_by_id(&mut connection, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tokens = store::auth::list_api_tokens(&mut connection, account_id, now()).await?;
    drop(connection);
    let t = viewer.lang.t::<AccessMessages>();
    render(
        status,
        &AccountPage {
            c: Chrome::new(viewer, t.account_heading),
            t,
            id: account.id,
            name: account.display_name,
            email: account.email,
            is_admin: account.is_admin,
            password: account.sign_in_method == domain::account::SignInMethod::Password,
            disabled: account.disabled,
            tokens: tokens
                .into_iter()
                .map(|row| TokenView {
                    id: row.id,
                    name: row.name,
                    created_on: utc_date(row.created_at),
                    expires_on: utc_date(row.expires_at),
                })
                .collect(),
            notice,
            error,
        },
    )
}

/// `GET /staff/accounts/{account_id}`: one account, its tokens and what an administrator can do to its access.
pub async fn account(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(account_id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AccessMessages>();
    let notice = match query.done.as_deref() {
        Some("disabled") => Some(t.done_disabled),
        Some("enabled") => Some(t.done_enabled),
        Some("sessions") => Some(t.done_sessions),
        Some("reset") => Some(t.done_reset_mailed),
        Some("revoked") => Some(t.done_revoked),
        _ => None,
    };
    page(&state, &viewer, account_id, StatusCode::OK, notice, None).await
}

/// Back to the account page, saying what was done.
fn done(account_id: i64, what: &str) -> Response {
    Redirect::to(&format!("/staff/accounts/{account_id}?done={what}")).into_response()
}

/// The account page again with a refusal (409).
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    account_id: i64,
    error: &'static str,
) -> Result<Response, AppError> {
    page(
        state,
        viewer,
        account_id,
        StatusCode::CONFLICT,
        None,
        Some(error),
    )
    .await
}

/// Disables or enables the account.
async fn set_disabled(
    state: &AppState,
    viewer: &Viewer,
    account_id: i64,
    disabled: bool,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    let changed =
        app::accounts::set_account_disabled(&mut tx, &viewer.actor(), account_id, disabled, now())
            .await;
    match changed {
        Ok(()) => {
            tx.commit().await?;
            Ok(done(
                account_id,
                if disabled { "disabled" } else { "enabled" },
            ))
        }
        Err(app::Error::Conflict(_)) => {
            drop(tx);
            let t = viewer.lang.t::<AccessMessages>();
            refused(state, viewer, account_id, t.err_last_admin).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /staff/accounts/{account_id}/disable`: the account signs in by no means and its sessions end; the last
/// enabled administrator is refused (409).
pub async fn disable_account(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(account_id): Path<i64>,
) -> Result<Response, AppError> {
    set_disabled(&state, &viewer, account_id, true).await
}

/// `POST /staff/accounts/{account_id}/enable`: the account may sign in again.
pub async fn enable_account(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(account_id): Path<i64>,
) -> Result<Response, AppError> {
    set_disabled(&state, &viewer, account_id, false).await
}

/// `POST /staff/accounts/{account_id}/sessions/end`: signs the account out everywhere.
pub async fn end_sessions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(account_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    app::accounts::end_sessions(&mut tx, &viewer.actor(), account_id, now()).await?;
    tx.commit().await?;
    Ok(done(account_id, "sessions"))
}

/// `POST /staff/accounts/{account_id}/password-reset`: issues a one-time reset code, emailed to the account's own
/// address with a relay, otherwise shown once to this administrator on a page that is never cached.
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(account_id): Path<i64>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AccessMessages>();
    let mail_configured = state.config.mail.is_some();
    let mut tx = state.store.begin().await?;
    let issued = app::accounts::issue_password_reset(
        &mut tx,
        &viewer.actor(),
        account_id,
        mail_configured,
        viewer.lang.code(),
        now(),
    )
    .await;
    let issued = match issued {
        Ok(issued) => issued,
        Err(app::Error::Conflict(message)) => {
            drop(tx);
            let error = if message.contains("disabled") {
                t.err_disabled
            } else {
                t.err_no_password
            };
            return refused(&state, &viewer, account_id, error).await;
        }
        Err(other) => return Err(other.into()),
    };
    tx.commit().await?;
    let app::Done { value, effects } = issued;
    crate::effects::carry_out(&state, effects);
    let (code, expires_on) = match value {
        ResetIssued::Mailed => return Ok(done(account_id, "reset")),
        ResetIssued::Shown { code, expires_on } => (code, expires_on),
    };
    let mut connection = state.store.connection().await?;
    let name = store::accounts::account_by_id(&mut connection, account_id)
        .await?
        .map(|account| account.display_name)
        .unwrap_or_default();
    drop(connection);
    let mut response = render(
        StatusCode::OK,
        &ResetCodePage {
            c: Chrome::new(&viewer, t.reset_code_title),
            t,
            account_id,
            intro: fill(
                t.reset_code_intro,
                &[("name", name.as_str()), ("url", "/password-reset")],
            ),
            expires: fill(t.reset_code_expires, &[("date", expires_on.as_str())]),
            code,
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `POST /staff/accounts/{account_id}/tokens/{token_id}/revoke`: revokes one of the account's API tokens.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((account_id, token_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    app::tokens::revoke_token_of(&mut tx, &viewer.actor(), account_id, token_id, now()).await?;
    tx.commit().await?;
    Ok(done(account_id, "revoked"))
}
