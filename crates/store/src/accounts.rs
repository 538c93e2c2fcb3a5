//! Accounts (staff and members) and their roles in assemblies.

use domain::account::{DisplayName, Email, SignInMethod};
use domain::permission::Role;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// The account's id.
    pub id: i64,
    /// The lower-cased email address (personal data: never log it).
    pub email: String,
    /// The name shown to other staff (personal data: never log it).
    pub display_name: String,
    /// How the account signs in.
    pub sign_in_method: SignInMethod,
    /// The argon2id PHC string, for password accounts.
    pub password_hash: Option<String>,
    /// Whether the account is a platform administrator.
    pub is_admin: bool,
    /// Whether an administrator disabled the account: it then signs in by no means.
    pub disabled: bool,
}

/// What is needed to create an account.
pub struct NewAccount<'a> {
    /// The email address.
    pub email: &'a Email,
    /// The display name.
    pub display_name: &'a DisplayName,
    /// How the account signs in.
    pub sign_in_method: SignInMethod,
    /// The argon2id PHC string (password accounts only).
    pub password_hash: Option<&'a str>,
    /// Whether the account is a platform administrator.
    pub is_admin: bool,
}

fn account_from_row(row: &sqlx::any::AnyRow) -> Result<AccountRow, StoreError> {
    Ok(AccountRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        sign_in_method: stored_method(&row.try_get::<String, _>("sign_in_method")?)?,
        password_hash: row.try_get("password_hash")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

/// A stored sign-in method read back; an unknown one is a [`StoreError::Corrupt`], never a default.
fn stored_method(raw: &str) -> Result<SignInMethod, StoreError> {
    SignInMethod::from_stored(raw)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown sign-in method {raw:?}")))
}

/// Creates an account; a second account with the same email is a [`StoreError::Conflict`].
pub async fn create_account(
    conn: &mut AnyConnection,
    account: &NewAccount<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (email, display_name, sign_in_method, password_hash, is_admin, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account.email.as_str())
    .bind(account.display_name.as_str())
    .bind(account.sign_in_method.as_str())
    .bind(account.password_hash)
    .bind(i64::from(account.is_admin))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Finds an account by its (lower-cased) email.
pub async fn account_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let row = sqlx::query(
        "SELECT id, email, display_name, sign_in_method, password_hash, is_admin, disabled_at FROM accounts WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

/// Finds an account by id.
pub async fn account_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<AccountRow>, StoreError> {
    let row = sqlx::query(
        "SELECT id, email, display_name, sign_in_method, password_hash, is_admin, disabled_at FROM accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

/// Every account, oldest first.
pub async fn list_accounts(conn: &mut AnyConnection) -> Result<Vec<AccountRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, email, display_name, sign_in_method, password_hash, is_admin, disabled_at FROM accounts ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(account_from_row).collect()
}

/// How many platform administrators exist (the first-run page is open only while this is zero).
pub async fn count_admins(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE is_admin = 1")
            .fetch_one(conn)
            .await?,
    )
}

/// Gives `account_id` the role `role` in `assembly_id`, replacing any earlier role there.
pub async fn set_role(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    role: Role,
) -> Result<(), StoreError> {
    if !Role::ASSIGNABLE.contains(&role) {
        return Err(StoreError::Corrupt(format!(
            "role {} cannot be assigned",
            role.as_str()
        )));
    }
    sqlx::query(
        "INSERT INTO assembly_roles (assembly_id, account_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (assembly_id, account_id) DO UPDATE SET role = excluded.role",
    )
    .bind(assembly_id)
    .bind(account_id)
    .bind(role.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

fn parse_role(raw: &str) -> Result<Role, StoreError> {
    Role::parse_assignable("role", raw)
        .map_err(|_| StoreError::Corrupt(format!("unknown role {raw:?}")))
}

/// The role of an account in one assembly, if any.
pub async fn role_in(
    conn: &mut AnyConnection,
    account_id: i64,
    assembly_id: i64,
) -> Result<Option<Role>, StoreError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM assembly_roles WHERE account_id = $1 AND assembly_id = $2",
    )
    .bind(account_id)
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    role.as_deref().map(parse_role).transpose()
}

/// Every (assembly id, role) of an account.
pub async fn roles_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<(i64, Role)>, StoreError> {
    let rows = sqlx::query(
        "SELECT assembly_id, role FROM assembly_roles WHERE account_id = $1 ORDER BY assembly_id",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("assembly_id")?,
                parse_role(&row.try_get::<String, _>("role")?)?,
            ))
        })
        .collect()
}

/// The people of an assembly with their roles, ordered by role then id.
pub async fn people_of(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(AccountRow, Role)>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.email, a.display_name, a.sign_in_method, a.password_hash, a.is_admin, a.disabled_at, r.role
         FROM assembly_roles r JOIN accounts a ON a.id = r.account_id
         WHERE r.assembly_id = $1 ORDER BY r.role, a.id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                account_from_row(row)?,
                parse_role(&row.try_get::<String, _>("role")?)?,
            ))
        })
        .collect()
}

/// One page of the people with a role in an assembly, by role then account (the order of [`people_of`]): only
/// `role` if given, only names or emails containing `search` (any case) if not empty; at most `limit` from the
/// `offset`-th, and how many match in all (issue 18, item 5).
pub async fn people_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    role: Option<Role>,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(AccountRow, Role)>, i64), StoreError> {
    let pattern = crate::recruitment::like_pattern(search);
    let role = role.map(Role::as_str).unwrap_or("");
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assembly_roles r JOIN accounts a ON a.id = r.account_id
         WHERE r.assembly_id = $1 AND ($2 = '' OR r.role = $2)
           AND ($3 = '%%' OR LOWER(a.display_name) LIKE $3 ESCAPE '\\' OR LOWER(a.email) LIKE $3 ESCAPE '\\')",
    )
    .bind(assembly_id)
    .bind(role)
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "SELECT a.id, a.email, a.display_name, a.sign_in_method, a.password_hash, a.is_admin, a.disabled_at, r.role
         FROM assembly_roles r JOIN accounts a ON a.id = r.account_id
         WHERE r.assembly_id = $1 AND ($2 = '' OR r.role = $2)
           AND ($3 = '%%' OR LOWER(a.display_name) LIKE $3 ESCAPE '\\' OR LOWER(a.email) LIKE $3 ESCAPE '\\')
         ORDER BY r.role, a.id LIMIT $4 OFFSET $5",
    )
    .bind(assembly_id)
    .bind(role)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    let people = rows
        .iter()
        .map(|row| {
            Ok((
                account_from_row(row)?,
                parse_role(&row.try_get::<String, _>("role")?)?,
            ))
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((people, total))
}

/// How many enabled platform administrators exist (the last one may be neither disabled nor demoted).
pub async fn count_enabled_admins(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM accounts WHERE is_admin = 1 AND disabled_at IS NULL",
    )
    .fetch_one(conn)
    .await?)
}

/// Disables an account (`Some(now)`) or enables it again (`None`); [`StoreError::NotFound`] if there is none.
pub async fn set_disabled(
    conn: &mut AnyConnection,
    account_id: i64,
    disabled_at: Option<i64>,
) -> Result<(), StoreError> {
    let changed = sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2")
        .bind(disabled_at)
        .bind(account_id)
        .execute(conn)
        .await?;
    if changed.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Replaces the argon2id PHC string of a password account; [`StoreError::NotFound`] if there is no such
/// password account.
pub async fn set_password_hash(
    conn: &mut AnyConnection,
    account_id: i64,
    password_hash: &str,
) -> Result<(), StoreError> {
    let changed = sqlx::query(
        "UPDATE accounts SET password_hash = $1 WHERE id = $2 AND sign_in_method = 'password'",
    )
    .bind(password_hash)
    .bind(account_id)
    .execute(conn)
    .await?;
    if changed.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Removes the role of `account_id` in `assembly_id` and returns it; [`StoreError::NotFound`] if it had none.
pub async fn remove_role(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
) -> Result<Role, StoreError> {
    let role: Option<String> = sqlx::query_scalar(
        "DELETE FROM assembly_roles WHERE assembly_id = $1 AND account_id = $2 RETURNING role",
    )
    .bind(assembly_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    match role {
        Some(role) => parse_role(&role),
        None => Err(StoreError::NotFound),
    }
}

/// Records that the first run created the platform's first administrator: the table's one row. A second first
/// run in another transaction waits on the primary key until this one ends, then fails with
/// [`StoreError::Conflict`], so two first runs at once cannot both create an administrator.
pub async fn claim_first_run(conn: &mut AnyConnection, now: i64) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO first_run (id, done_at) VALUES (1, $1)")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Locks every administrator's row until the transaction ends (a no-op write; on PostgreSQL it takes the rows'
/// locks, on SQLite the one writer's lock), so two administrators disabling each other at the same moment are
/// serialised and the second sees the first: the last enabled administrator cannot be disabled by a race.
pub async fn lock_admins(conn: &mut AnyConnection) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET is_admin = is_admin WHERE is_admin = 1")
        .execute(conn)
        .await?;
    Ok(())
}
