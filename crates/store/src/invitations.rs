//! Staff invitations and platform settings (issue 18, item 3; migration 0021): an invitation of an email address to
//! a staff role in one assembly, known by the hash of its one-time link, accepted once (a conditional update) before
//! it expires unless revoked; and the settings the platform administrator changes on a page.

use domain::permission::Role;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// One invitation as stored (the address is personal data: never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct InvitationRow {
    /// The invitation.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// The invited address.
    pub email: String,
    /// The staff role it gives.
    pub role: Role,
    /// The language of the email and the acceptance page.
    pub lang: String,
    /// Who invited.
    pub invited_by: Option<i64>,
    /// When (unix seconds).
    pub created_at: i64,
    /// The last moment it can be accepted.
    pub expires_at: i64,
    /// When it was accepted.
    pub accepted_at: Option<i64>,
    /// The account it created.
    pub account_id: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
}

impl std::fmt::Debug for InvitationRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationRow")
            .field("id", &self.id)
            .field("assembly_id", &self.assembly_id)
            .finish_non_exhaustive()
    }
}

impl InvitationRow {
    /// Whether it can still be accepted at `now`.
    pub fn is_open(&self, now: i64) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none() && now <= self.expires_at
    }
}

/// A new invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation<'a> {
    /// The assembly.
    pub assembly_id: i64,
    /// The invited address.
    pub email: &'a str,
    /// The staff role.
    pub role: Role,
    /// SHA-256 of the link's token, in hex.
    pub token_hash: &'a str,
    /// The language.
    pub lang: &'a str,
    /// Who invites.
    pub invited_by: Option<i64>,
    /// The last moment it can be accepted.
    pub expires_at: i64,
}

/// The columns of an invitation, for `concat!` (sqlx takes literal SQL only).
macro_rules! columns {
    () => {
        "id, assembly_id, email, role, lang, invited_by, created_at, expires_at, accepted_at, account_id, revoked_at"
    };
}

fn read(row: &sqlx::any::AnyRow) -> Result<InvitationRow, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(InvitationRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        email: row.try_get("email")?,
        role: Role::parse_assignable("role", &role)
            .map_err(|_| StoreError::Corrupt(format!("unknown invitation role {role:?}")))?,
        lang: row.try_get("lang")?,
        invited_by: row.try_get("invited_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        accepted_at: row.try_get("accepted_at")?,
        account_id: row.try_get("account_id")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

/// Stores an invitation and returns its id.
pub async fn create(
    conn: &mut AnyConnection,
    new: &NewInvitation<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO staff_invitations (assembly_id, email, role, token_hash, lang, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.assembly_id)
    .bind(new.email)
    .bind(new.role.as_str())
    .bind(new.token_hash)
    .bind(new.lang)
    .bind(new.invited_by)
    .bind(now)
    .bind(new.expires_at)
    .fetch_one(conn)
    .await?)
}

/// Revokes the open invitations of `email` in the assembly (a new invitation replaces them); returns their ids.
pub async fn revoke_open_for(
    conn: &mut AnyConnection,
    assembly_id: i64,
    email: &str,
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE staff_invitations SET revoked_at = $3
         WHERE assembly_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id",
    )
    .bind(assembly_id)
    .bind(email)
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// Revokes one invitation of the assembly if it is neither accepted nor revoked; `false` otherwise (or if it is
/// another assembly's).
pub async fn revoke(
    conn: &mut AnyConnection,
    assembly_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE staff_invitations SET revoked_at = $3
         WHERE id = $1 AND assembly_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(assembly_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The invitation whose link hashes to `token_hash`, whatever its state.
pub async fn by_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<InvitationRow>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM staff_invitations WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(read).transpose()
}

/// Marks an open invitation accepted by `account_id`: `true` once; `false` if it was accepted, revoked or expired
/// meanwhile (two simultaneous acceptances create one account).
pub async fn accept(
    conn: &mut AnyConnection,
    id: i64,
    account_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE staff_invitations SET accepted_at = $3, account_id = $2
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at >= $3",
    )
    .bind(id)
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The assembly's invitations, newest first, `limit` from `offset`, and how many there are.
pub async fn list(
    conn: &mut AnyConnection,
    assembly_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<InvitationRow>, i64), StoreError> {
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM staff_invitations WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_one(&mut *conn)
            .await?;
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM staff_invitations WHERE assembly_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(assembly_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((rows.iter().map(read).collect::<Result<_, _>>()?, total))
}

/// A platform setting's value, if it was ever set.
pub async fn setting(conn: &mut AnyConnection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM platform_settings WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?,
    )
}

/// Sets a platform setting.
pub async fn set_setting(
    conn: &mut AnyConnection,
    name: &str,
    value: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO platform_settings (name, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(value)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
