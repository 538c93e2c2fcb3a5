//! API tokens: a staff member creates one for a script ([`create_token`]), sees it once, and revokes it
//! ([`revoke_token`]). A token acts with its owner's roles; the store keeps only its SHA-256, so the secret
//! exists only in the value returned here.

use domain::account::TokenName;

use crate::audit::{Entry, audited, audited_creation};
use crate::{Actor, Result};

/// A token just created: its id and the secret to show once.
#[derive(Clone, PartialEq, Eq)]
pub struct NewToken {
    /// The token's id.
    pub id: i64,
    /// The secret (`klero_` and 64 hexadecimal digits), for the `Authorization: Bearer` header.
    pub secret: String,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Creates an API token named `name` for the actor's own account (audited `api_token.create`);
/// [`crate::Error::Unauthorized`] without an account.
pub async fn create_token(
    tx: &mut store::Tx,
    actor: &Actor,
    name: &TokenName,
    now: i64,
) -> Result<NewToken> {
    let account_id = actor.account()?;
    let secret = format!("klero_{}", hex::encode(crate::random::bytes::<32>()?));
    let hash = store::sha256_hex(secret.as_bytes());
    let id = audited_creation(tx, actor, "api_token.create", now, async |tx| {
        let id = store::auth::create_api_token(tx, account_id, name.as_str(), &hash, now).await?;
        let after = serde_json::json!({ "id": id, "account_id": account_id });
        Ok((id, format!("api_token:{id}"), Entry::after(after)))
    })
    .await?;
    tracing::info!(account_id, token_id = id, "api token created");
    Ok(NewToken { id, secret })
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
    let entity = format!("api_token:{token_id}");
    audited(tx, actor, "api_token.revoke", &entity, now, async |tx| {
        store::auth::revoke_api_token(tx, account_id, token_id, now).await?;
        Ok(((), Entry::after(serde_json::json!({ "revoked_at": now }))))
    })
    .await?;
    tracing::info!(account_id, token_id, "api token revoked");
    Ok(())
}
