//! One's own API tokens: `GET /staff/tokens` lists them, `POST /staff/tokens` creates one (working 1 to 365
//! days) and shows it once, and `POST /staff/tokens/{token_id}/revoke` revokes one (`app::tokens`).

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::TokenFields;
use super::views::TokensPage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// The tokens page with `status`, a token just created (shown once) and the form's `errors`.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    new_token: Option<String>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let rows = store::auth::list_api_tokens(&mut connection, account_id, now()).await?;
    drop(connection);
    let c = Chrome::new(viewer, viewer.lang.messages().tokens_title);
    let tokens = rows
        .into_iter()
        .map(|row| {
            (
                row.id,
                row.name,
                utc_date(row.created_at),
                utc_date(row.expires_at),
            )
        })
        .collect();
    render(
        status,
        &TokensPage {
            c,
            t: viewer.lang.t::<crate::i18n::access::AccessMessages>(),
            tokens,
            new_token,
            errors,
        },
    )
}

/// `GET /staff/tokens`: the viewer's API tokens.
pub async fn tokens(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    page(&state, &viewer, StatusCode::OK, None, Vec::new()).await
}

/// `POST /staff/tokens`: creates an API token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<TokenFields>,
) -> Result<Response, AppError> {
    let (name, lifetime) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&state, &viewer, status, None, errors).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let token = app::tokens::create_token(&mut tx, &viewer.actor(), &name, lifetime, now()).await?;
    tx.commit().await?;
    page(
        &state,
        &viewer,
        StatusCode::OK,
        Some(token.secret),
        Vec::new(),
    )
    .await
}

/// `POST /staff/tokens/{token_id}/revoke`: revokes one of the viewer's own tokens.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    app::tokens::revoke_token(&mut tx, &viewer.actor(), token_id, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/staff/tokens").into_response())
}
