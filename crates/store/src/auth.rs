//! Login sessions, login throttling, API tokens and one-time sign-in codes, all in the database
//! so that several stateless servers can share them.
//! Secrets are stored only as SHA-256 hashes (they are long random strings, so no slow hash is needed).

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A live login session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The signed-in account.
    pub account_id: i64,
    /// The CSRF token every form of this session must carry.
    pub csrf_token: String,
    /// When the session ends (unix seconds).
    pub expires_at: i64,
}

/// Stores a session under the hash of its cookie token.
pub async fn create_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: i64,
    csrf_token: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(csrf_token)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The session with this token hash, if it exists and has not expired at `now`.
pub async fn live_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<SessionRow>, StoreError> {
    // A disabled account's sessions are deleted when it is disabled; the join keeps it out even so.
    let row = sqlx::query(
        "SELECT s.account_id, s.csrf_token, s.expires_at FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL",
    )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        Ok(SessionRow {
            account_id: row.try_get("account_id")?,
            csrf_token: row.try_get("csrf_token")?,
            expires_at: row.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// Ends a session (logout).
pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of `account_id` except the one whose token hash is `keep` (the session that changed its
/// own password stays open); returns how many ended.
pub async fn delete_sessions_of(
    conn: &mut AnyConnection,
    account_id: i64,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(account_id)
            .bind(keep.unwrap_or(""))
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Removes sessions that expired before `now`; returns how many.
pub async fn delete_expired_sessions(
    conn: &mut AnyConnection,
    now: i64,
) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}

/// The sign-in throttling policy. Every attempt is counted *before* the password or code is checked, in one atomic
/// statement per key, so simultaneous attempts cannot slip past the limit; only the end of a window (or a success,
/// which takes its own attempt back) lowers a count, so a lock can never be lifted by a late failure.
///
/// Three keys are counted per attempt: the account from this client address (`per_client_account`: the owner's
/// own limit, which an attacker elsewhere cannot use up), the account from anywhere (`per_account`: high enough
/// that only a distributed attack reaches it) and the client address over every account (`per_client`).
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Attempts at one account from one client address in one window.
    pub per_client_account: i64,
    /// Attempts at one account from all addresses together in one window.
    pub per_account: i64,
    /// Attempts from one client address at all accounts together in one window.
    pub per_client: i64,
    /// The length of the counting window, in seconds.
    pub window_seconds: i64,
}

impl ThrottlePolicy {
    /// Five attempts per account and address, a hundred per account, three hundred per address, in fifteen minutes.
    pub const DEFAULT: ThrottlePolicy = ThrottlePolicy {
        per_client_account: 5,
        per_account: 100,
        per_client: 300,
        window_seconds: 900,
    };
}

/// Counts one attempt for `key_hash` (atomically: one upsert) and returns the number of attempts in the key's
/// current window, this one included. A window starts at the first attempt after the previous window ended.
pub async fn count_attempt(
    conn: &mut AnyConnection,
    key_hash: &str,
    now: i64,
    window_seconds: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO login_throttle (key_hash, failures, window_started_at, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (key_hash) DO UPDATE SET
           failures = CASE WHEN $2 - login_throttle.window_started_at >= $3 THEN 1
                           ELSE login_throttle.failures + 1 END,
           window_started_at = CASE WHEN $2 - login_throttle.window_started_at >= $3 THEN $2
                                    ELSE login_throttle.window_started_at END
         RETURNING failures",
    )
    .bind(key_hash)
    .bind(now)
    .bind(window_seconds)
    .fetch_one(conn)
    .await?)
}

/// Takes back one attempt of `key_hash` (a successful sign-in does not count against anyone).
pub async fn forgive_attempt(conn: &mut AnyConnection, key_hash: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END
         WHERE key_hash = $1",
    )
    .bind(key_hash)
    .execute(conn)
    .await?;
    Ok(())
}

/// An API token as listed to its owner (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    /// The id.
    pub id: i64,
    /// The owner's label for it.
    pub name: String,
    /// When it was created (unix seconds).
    pub created_at: i64,
    /// When it stops working (unix seconds).
    pub expires_at: i64,
}

/// Stores a new API token (its hash) for `account_id`, working until `expires_at`.
pub async fn create_api_token(
    conn: &mut AnyConnection,
    account_id: i64,
    name: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (account_id, name, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .fetch_one(conn)
    .await?)
}

/// The account behind a token hash, if the token exists, is neither revoked nor expired at `now`, and its
/// account is not disabled.
pub async fn api_token_account(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT t.account_id FROM api_tokens t JOIN accounts a ON a.id = t.account_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND a.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}

/// The tokens of an account that are neither revoked nor expired at `now`, newest first.
pub async fn list_api_tokens(
    conn: &mut AnyConnection,
    account_id: i64,
    now: i64,
) -> Result<Vec<ApiTokenRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, expires_at FROM api_tokens
         WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY id DESC",
    )
    .bind(account_id)
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ApiTokenRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                created_at: row.try_get("created_at")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .collect()
}

/// Revokes one of `account_id`'s live tokens ([`StoreError::NotFound`] if it is not theirs or already revoked).
pub async fn revoke_api_token(
    conn: &mut AnyConnection,
    account_id: i64,
    token_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    let revoked = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(token_id)
    .bind(account_id)
    .execute(conn)
    .await?;
    if revoked.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Stores a one-time sign-in code (its hash) for a member account, and voids the account's older unused codes:
/// only the newest code issued works.
pub async fn create_sign_in_code(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<i64, StoreError> {
    sqlx::query("UPDATE sign_in_codes SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL")
        .bind(account_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO sign_in_codes (account_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(account_id)
    .bind(code_hash)
    .bind(now)
    .bind(expires_at)
    .fetch_one(conn)
    .await?)
}

/// Uses up a one-time code: returns the account if `code_hash` matches an unused, unexpired code of `account_id`.
pub async fn consume_sign_in_code(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let used = sqlx::query(
        "UPDATE sign_in_codes SET used_at = $1
         WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $4",
    )
    .bind(now)
    .bind(account_id)
    .bind(code_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Stores a one-time password reset code (its hash) for `account_id` and voids the account's older unused ones.
pub async fn create_password_reset(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<i64, StoreError> {
    sqlx::query(
        "UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO password_resets (account_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(account_id)
    .bind(code_hash)
    .bind(now)
    .bind(expires_at)
    .fetch_one(conn)
    .await?)
}

/// Uses up a password reset code: returns its id if `code_hash` matches an unused, unexpired code of `account_id`.
pub async fn consume_password_reset(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $1
         WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING id",
    )
    .bind(now)
    .bind(account_id)
    .bind(code_hash)
    .fetch_optional(conn)
    .await?)
}

/// Voids the unused password reset codes of `account_id` (its password was just changed).
pub async fn void_password_resets(
    conn: &mut AnyConnection,
    account_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
