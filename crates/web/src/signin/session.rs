//! Opening a login session: a random token in a cookie, its hash in the database.

use crate::AppState;
use crate::auth::SESSION_COOKIE;
use crate::error::AppError;
use crate::security::{random_token, set_cookie, token_hash};

/// Opens a session for `account_id` (and deletes the expired ones) and returns the `Set-Cookie` value.
pub async fn start_session(state: &AppState, account_id: i64) -> Result<String, AppError> {
    let token = random_token(32)?;
    let csrf = random_token(32)?;
    let now = crate::now();
    let mut tx = state.store.begin().await?;
    store::auth::delete_expired_sessions(&mut tx, now).await?;
    store::auth::create_session(
        &mut tx,
        &token_hash(&token),
        account_id,
        &csrf,
        now,
        now + state.config.session_seconds,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_id, "signed in");
    Ok(set_cookie(
        SESSION_COOKIE,
        &token,
        state.config.session_seconds,
        state.config.secure_cookies,
    ))
}
