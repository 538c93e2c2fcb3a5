//! `POST /logout`: ends the session in the database and clears its cookie.

use axum::Extension;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::auth::{SESSION_COOKIE, Viewer};
use crate::error::AppError;
use crate::security::set_cookie;

/// `POST /logout`: ends the session in the database and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    if let Some(hash) = &viewer.session_hash {
        let mut connection = state.store.connection().await?;
        store::auth::delete_session(&mut connection, hash).await?;
        tracing::info!(
            account_id = viewer.account.as_ref().map(|a| a.id),
            "signed out"
        );
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}
