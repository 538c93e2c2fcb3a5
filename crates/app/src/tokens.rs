//! API tokens: a staff member creates one for a script ([`create_token`]) with a lifetime ([`TokenLifetime`]),
//! sees it once, and revokes it ([`revoke_token`]); an administrator revokes anyone's ([`revoke_token_of`]). A
//! token acts with its owner's roles until it expires; the store keeps only its SHA-256, so the secret exists
//! only in the value returned here.

use domain::account::TokenName;
use domain::error::{Problem, ValidationError};
use domain::permission::Role;

use crate::audit::{Entry, audited, audited_creation};
use crate::{Actor, Error, Result};

/// How long a token works when its creator does not say.
pub const DEFAULT_LIFETIME_DAYS: i64 = 90;
/// The longest a token may work.
pub const MAX_LIFETIME_DAYS: i64 = 365;

/// How many days a new token works: 1 to [`MAX_LIFETIME_DAYS`], [`DEFAULT_LIFETIME_DAYS`] when left empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime(i64);

impl TokenLifetime {
    /// The default lifetime.
    pub const DEFAULT: TokenLifetime = TokenLifetime(DEFAULT_LIFETIME_DAYS);

    /// Parses the `days` field.
    pub fn parse(raw: &str) -> std::result::Result<TokenLifetime, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(TokenLifetime::DEFAULT);
        }
        match raw.parse::<i64>() {
            Ok(days) if (1..=MAX_LIFETIME_DAYS).contains(&days) => Ok(TokenLifetime(days)),
            _ => Err(ValidationError::new("days", Problem::Malformed)),
        }
    }

    /// The number of days.
    pub fn days(self) -> i64 {
        self.0
    }
}

/// A token just created: its id, the secret to show once and when it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct NewToken {
    /// The token's id.
    pub id: i64,
    /// The secret (`klero_` and 64 hexadecimal digits), for the `Authorization: Bearer` header.
    pub secret: String,
    /// When it stops working (unix seconds).
    pub expires_at: i64,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("id", &self.id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Creates an API token named `name` for the actor's own account, working for `lifetime` (audited
/// `api_token.create`, with its expiry); [`crate::Error::Unauthorized`] without an account.
pub async fn create_token(
    tx: &mut store::Tx,
    actor: &Actor,
    name: &TokenName,
    lifetime: TokenLifetime,
    now: i64,
) -> Result<NewToken> {
    let account_id = actor.account()?;
    let secret = format!("klero_{}", hex::encode(crate::random::bytes::<32>()?));
    let hash = store::sha256_hex(secret.as_bytes());
    let expires_at = now + lifetime.days() * 24 * 3600;
    let id = audited_creation(tx, actor, "api_token.create", now, async |tx| {
        let id =
            store::auth::create_api_token(tx, account_id, name.as_str(), &hash, now, expires_at)
                .await?;
        let after = serde_json::json!({
            "id": id,
            "account_id": account_id,
            "expires_at": expires_at,
        });
        Ok((id, format!("api_token:{id}"), Entry::after(after)))
    })
    .await?;
    tracing::info!(account_id, token_id = id, "api token created");
    Ok(NewToken {
        id,
        secret,
        expires_at,
    })
}

/// Revokes one of the actor's own live tokens (audited `api_token.revoke`); [`crate::Error::NotFound`] if it is
/// someone else's or already revoked.
pub async fn revoke_token(
    tx: &mut store::Tx,
    actor: &Actor,
    token_id: i64,
    now: i64,
) -> Result<()> {
    let account_id = actor.account()?;
    revoke(tx, actor, account_id, token_id, now).await
}

/// Revokes a live token of account `owner_id` (an administrator's use case; audited `api_token.revoke` with the
/// owner); [`Error::Forbidden`] for anyone but an administrator, [`Error::NotFound`] if the token is not the
/// owner's or is already revoked.
pub async fn revoke_token_of(
    tx: &mut store::Tx,
    actor: &Actor,
    owner_id: i64,
    token_id: i64,
    now: i64,
) -> Result<()> {
    if actor.role != Role::Admin {
        return Err(Error::Forbidden);
    }
    revoke(tx, actor, owner_id, token_id, now).await
}

async fn revoke(
    tx: &mut store::Tx,
    actor: &Actor,
    owner_id: i64,
    token_id: i64,
    now: i64,
) -> Result<()> {
    let entity = format!("api_token:{token_id}");
    audited(tx, actor, "api_token.revoke", &entity, now, async |tx| {
        store::auth::revoke_api_token(tx, owner_id, token_id, now).await?;
        let after = serde_json::json!({ "revoked_at": now, "account_id": owner_id });
        Ok(((), Entry::after(after)))
    })
    .await?;
    tracing::info!(account_id = owner_id, token_id, "api token revoked");
    Ok(())
}
