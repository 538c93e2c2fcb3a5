//! Accounts and roles: staff accounts that sign in with a password ([`create_account`], and the platform's first
//! administrator, [`setup_first_admin`]), a role in an assembly for an existing account ([`assign_role`]), and a
//! member who signs in with a one-time code ([`add_member`]).
//!
//! Two rules keep a sign-in code from opening someone else's account: a staff role goes only to an account that
//! signs in with a password (a code-only account with a staff role could not sign in, and must not be able to),
//! and a code is only ever issued for a code-only member account ([`crate::codes::may_use_code`]); the code of
//! a member is delivered to the member's own address, never shown to the organiser ([`crate::codes`]).

use domain::account::{DisplayName, Email, NewPassword, SignInMethod};
use domain::error::ValidationError;
use domain::permission::Role;
use store::StoreError;

use crate::audit::{Entry, audited, audited_creation};
use crate::effect::{Effect, Effects, Mail};
use crate::{Actor, Done, Error, Result};

/// How long a code issued by [`add_member`] stays valid (the page says 30 days).
pub const ADDED_MEMBER_CODE_SECONDS: i64 = 30 * 24 * 3600;

/// A new staff account as typed: every field parsed (no `Debug`: the name and address are personal data).
#[derive(Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The name shown to other staff.
    pub display_name: DisplayName,
    /// The sign-in address.
    pub email: Email,
    /// The password, to be hashed by the caller before [`create_account`] (hashing is slow work that the
    /// caller runs off the async threads).
    pub password: NewPassword,
}

impl NewAccount {
    /// Parses the three fields, reporting every problem, not only the first.
    pub fn parse(
        display_name: &str,
        email: &str,
        password: &str,
    ) -> std::result::Result<NewAccount, Vec<ValidationError>> {
        match (
            DisplayName::parse(display_name),
            Email::parse(email),
            NewPassword::parse(password),
        ) {
            (Ok(display_name), Ok(email), Ok(password)) => Ok(NewAccount {
                display_name,
                email,
                password,
            }),
            (display_name, email, password) => {
                Err([display_name.err(), email.err(), password.err()]
                    .into_iter()
                    .flatten()
                    .collect())
            }
        }
    }
}

/// Creates a password account (audited `account.create`: id, administrator or not, sign-in method) and returns
/// its id. `password_hash` is the argon2id PHC string of `account.password`. An email already taken is an
/// [`Error::Conflict`].
pub async fn create_account(
    tx: &mut store::Tx,
    actor: &Actor,
    account: &NewAccount,
    password_hash: &str,
    is_admin: bool,
    now: i64,
) -> Result<i64> {
    let id = audited_creation(tx, actor, "account.create", now, async |tx| {
        let id = store::accounts::create_account(
            tx,
            &store::accounts::NewAccount {
                email: &account.email,
                display_name: &account.display_name,
                sign_in_method: SignInMethod::Password,
                password_hash: Some(password_hash),
                is_admin,
            },
            now,
        )
        .await?;
        let after = serde_json::json!({
            "id": id,
            "is_admin": is_admin,
            "sign_in_method": SignInMethod::Password.as_str(),
        });
        Ok((id, format!("account:{id}"), Entry::after(after)))
    })
    .await?;
    tracing::info!(account_id = id, is_admin, "account created");
    Ok(id)
}

/// Whether the platform has an administrator (the first-run page is open only while it has none).
pub async fn has_admin(conn: &mut store::AnyConnection) -> Result<bool> {
    Ok(store::accounts::count_admins(conn).await? > 0)
}

/// Creates the platform's first administrator, in the same transaction as the check that there is none yet
/// ([`Error::Conflict`] otherwise). The transaction first writes the one row of `first_run`
/// ([`store::accounts::claim_first_run`]): a second first run at the same moment waits for this one on that row
/// and then fails, on either backend, so two first-run forms sent at once cannot both succeed (a check alone does
/// not do it: under PostgreSQL's read committed both would see no administrator).
pub async fn setup_first_admin(
    tx: &mut store::Tx,
    actor: &Actor,
    account: &NewAccount,
    password_hash: &str,
    now: i64,
) -> Result<i64> {
    store::accounts::claim_first_run(tx, now)
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => Error::conflict("an administrator already exists"),
            other => other.into(),
        })?;
    if has_admin(tx).await? {
        return Err(Error::conflict("an administrator already exists"));
    }
    create_account(tx, actor, account, password_hash, true, now).await
}

/// Why [`assign_role`] refuses; `web` words each case in the visitor's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleRefusal {
    /// No account has this email address.
    UnknownAccount,
    /// A staff role for an account that signs in with one-time codes.
    StaffRoleNeedsPassword,
}

/// Why [`add_member`] refuses; `web` words it in the visitor's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRefusal {
    /// The email belongs to an account that may not be given a sign-in code (a password account, an
    /// administrator, an account with a staff role).
    NotCodeOnly,
}

/// What [`assign_role`] and [`add_member`] fail with: their refusal `R`, to word on the page, or anything else.
#[derive(Debug, thiserror::Error)]
pub enum AccountError<R: std::fmt::Debug> {
    /// The change is refused by a rule.
    #[error("refused: {0:?}")]
    Refused(R),
    /// Anything else.
    #[error(transparent)]
    App(#[from] Error),
}

impl<R: std::fmt::Debug> From<StoreError> for AccountError<R> {
    fn from(error: StoreError) -> AccountError<R> {
        AccountError::App(error.into())
    }
}

/// Gives the existing account with `email` the role `role` in assembly `assembly_id`, replacing any role it had
/// there (audited `role.assign`, with the role before and after). [`Error::NotFound`] if there is no such
/// assembly; refused for an unknown email, or a staff role for an account without a password.
pub async fn assign_role(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    email: &Email,
    role: Role,
    now: i64,
) -> Result<(), AccountError<RoleRefusal>> {
    if !store::assemblies::assembly_exists(tx, assembly_id).await? {
        return Err(Error::NotFound.into());
    }
    let Some(account) = store::accounts::account_by_email(tx, email.as_str()).await? else {
        return Err(AccountError::Refused(RoleRefusal::UnknownAccount));
    };
    if role != Role::Member && account.sign_in_method != SignInMethod::Password {
        return Err(AccountError::Refused(RoleRefusal::StaffRoleNeedsPassword));
    }
    let entity = format!("assembly:{assembly_id}/account:{}", account.id);
    audited(tx, actor, "role.assign", &entity, now, async |tx| {
        let before = store::accounts::role_in(tx, account.id, assembly_id).await?;
        store::accounts::set_role(tx, assembly_id, account.id, role).await?;
        let entry = Entry {
            before: before.map(|role| serde_json::json!({ "role": role.as_str() })),
            after: Some(serde_json::json!({ "role": role.as_str() })),
        };
        Ok(((), entry))
    })
    .await?;
    tracing::info!(
        assembly_id,
        account_id = account.id,
        role = role.as_str(),
        "role assigned"
    );
    Ok(())
}

/// A member to add by hand: their name and address, and the language of the email that may carry their code
/// (no `Debug`: the name and address are personal data).
#[derive(Clone, PartialEq, Eq)]
pub struct NewMember {
    /// The member's name (used only if the account is new).
    pub display_name: DisplayName,
    /// The member's address, their sign-in identifier.
    pub email: Email,
    /// The language code (`en`, `fr`) of the email.
    pub lang: String,
}

/// What [`add_member`] did: the member's account, and whether it was created. Either way a code is on its way to
/// the member ([`crate::codes::request`]); nobody who adds a member sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberAdded {
    /// The member account.
    pub account_id: i64,
    /// Whether a new code-only account was created (otherwise the existing code-only member account was taken).
    pub created: bool,
    /// The delivery of the member's code.
    pub delivery_id: i64,
}

/// Adds a member who signs in with a one-time code to assembly `assembly_id`: creates a code-only account for a
/// new email (audited `account.create`) or takes the existing code-only member account (any other account is
/// refused), gives it the Member role if it has no role here (audited `role.assign`), and asks for a code valid
/// for [`ADDED_MEMBER_CODE_SECONDS`] to be delivered to the account's own address (audited
/// `code_delivery.request`). [`Error::NotFound`] if there is no such assembly.
pub async fn add_member(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    member: &NewMember,
    now: i64,
) -> Result<Done<MemberAdded>, AccountError<MemberRefusal>> {
    if !store::assemblies::assembly_exists(tx, assembly_id).await? {
        return Err(Error::NotFound.into());
    }
    let existing = store::accounts::account_by_email(tx, member.email.as_str()).await?;
    // An account that existed before never gets a code that whoever typed its email could read: only a code-only
    // member account may get a code at all, and it goes to the account's own address.
    let (account_id, created) = match existing {
        Some(account) => {
            if !crate::codes::may_use_code(tx, &account).await? {
                return Err(AccountError::Refused(MemberRefusal::NotCodeOnly));
            }
            (account.id, false)
        }
        None => {
            let facts = serde_json::json!({});
            let id = crate::members::create_code_account(
                tx,
                actor,
                &member.email,
                &member.display_name,
                facts,
                now,
            )
            .await?;
            (id, true)
        }
    };
    if store::accounts::role_in(tx, account_id, assembly_id)
        .await?
        .is_none()
    {
        crate::members::make_member(tx, actor, assembly_id, account_id, now).await?;
    }
    let delivery_id = crate::codes::request(
        tx,
        actor,
        &crate::codes::DeliveryRequest {
            assembly_id,
            account_id,
            respondent_id: None,
            channel: domain::delivery::Channel::Email,
            lang: &member.lang,
            valid_seconds: ADDED_MEMBER_CODE_SECONDS,
        },
        now,
    )
    .await?;
    tracing::info!(
        assembly_id,
        account_id,
        created,
        code_delivery_id = delivery_id,
        "member added; code delivery requested"
    );
    Ok(Done::pure(MemberAdded {
        account_id,
        created,
        delivery_id,
    }))
}

/// How long a password reset code stays valid.
pub const PASSWORD_RESET_SECONDS: i64 = 3 * 24 * 3600;

/// Refuses anyone but a platform administrator (the routes already require one; this keeps the rule in the use
/// case too).
fn require_admin(actor: &Actor) -> Result<()> {
    if actor.role == Role::Admin && actor.account_id.is_some() {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Takes away the role of account `account_id` in assembly `assembly_id` (audited `role.remove`, with the role
/// it had) and returns that role; [`Error::NotFound`] if there is no such assembly or the account had no role
/// there. The change holds at the next request: the guard reads roles on every request.
pub async fn remove_role(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    account_id: i64,
    now: i64,
) -> Result<Role> {
    if !store::assemblies::assembly_exists(tx, assembly_id).await? {
        return Err(Error::NotFound);
    }
    let entity = format!("assembly:{assembly_id}/account:{account_id}");
    let role = audited(tx, actor, "role.remove", &entity, now, async |tx| {
        let role = store::accounts::remove_role(tx, assembly_id, account_id).await?;
        let entry = Entry {
            before: Some(serde_json::json!({ "role": role.as_str() })),
            after: None,
        };
        Ok((role, entry))
    })
    .await?;
    tracing::info!(
        assembly_id,
        account_id,
        role = role.as_str(),
        "role removed"
    );
    Ok(role)
}

/// Disables account `account_id` (`disabled`) or enables it again, administrators only (audited
/// `account.disable` / `account.enable`). Disabling ends all its sessions at once; while disabled it signs in by
/// no means (password, code, API token). The last enabled administrator cannot be disabled ([`Error::Conflict`]),
/// even by two administrators disabling each other at the same moment.
pub async fn set_account_disabled(
    tx: &mut store::Tx,
    actor: &Actor,
    account_id: i64,
    disabled: bool,
    now: i64,
) -> Result<()> {
    require_admin(actor)?;
    store::accounts::lock_admins(tx).await?;
    let account = store::accounts::account_by_id(tx, account_id)
        .await?
        .ok_or(Error::NotFound)?;
    if disabled
        && account.is_admin
        && !account.disabled
        && store::accounts::count_enabled_admins(tx).await? <= 1
    {
        return Err(Error::conflict(
            "the last enabled administrator cannot be disabled",
        ));
    }
    let action = if disabled {
        "account.disable"
    } else {
        "account.enable"
    };
    let entity = format!("account:{account_id}");
    audited(tx, actor, action, &entity, now, async |tx| {
        store::accounts::set_disabled(tx, account_id, disabled.then_some(now)).await?;
        let ended = if disabled {
            store::auth::delete_sessions_of(tx, account_id, None).await?
        } else {
            0
        };
        let entry = Entry {
            before: Some(serde_json::json!({ "disabled": account.disabled })),
            after: Some(serde_json::json!({ "disabled": disabled, "sessions_ended": ended })),
        };
        Ok(((), entry))
    })
    .await?;
    tracing::info!(account_id, disabled, "account access changed");
    Ok(())
}

/// Ends every session of account `account_id`, administrators only (audited `account.sessions_end`, with how
/// many); returns how many ended. [`Error::NotFound`] if there is no such account.
pub async fn end_sessions(
    tx: &mut store::Tx,
    actor: &Actor,
    account_id: i64,
    now: i64,
) -> Result<u64> {
    require_admin(actor)?;
    if store::accounts::account_by_id(tx, account_id)
        .await?
        .is_none()
    {
        return Err(Error::NotFound);
    }
    let entity = format!("account:{account_id}");
    let ended = audited(
        tx,
        actor,
        "account.sessions_end",
        &entity,
        now,
        async |tx| {
            let ended = store::auth::delete_sessions_of(tx, account_id, None).await?;
            Ok((
                ended,
                Entry::after(serde_json::json!({ "sessions_ended": ended })),
            ))
        },
    )
    .await?;
    tracing::info!(account_id, ended, "sessions ended");
    Ok(ended)
}

/// Replaces the actor's own password with `password_hash` (the caller checked the current password and hashed
/// the new one), ends the account's other sessions (all but `keep_session`, the hash of the session that asked)
/// and voids pending reset codes (audited `account.password_change`, never the password).
/// [`Error::Conflict`] for an account that signs in with codes.
pub async fn change_own_password(
    tx: &mut store::Tx,
    actor: &Actor,
    password_hash: &str,
    keep_session: Option<&str>,
    now: i64,
) -> Result<()> {
    let account_id = actor.account()?;
    let entity = format!("account:{account_id}");
    audited(
        tx,
        actor,
        "account.password_change",
        &entity,
        now,
        async |tx| {
            store::accounts::set_password_hash(tx, account_id, password_hash)
                .await
                .map_err(|error| match error {
                    StoreError::NotFound => Error::conflict("this account signs in with codes"),
                    other => other.into(),
                })?;
            let ended = store::auth::delete_sessions_of(tx, account_id, keep_session).await?;
            store::auth::void_password_resets(tx, account_id, now).await?;
            Ok((
                (),
                Entry::after(serde_json::json!({ "sessions_ended": ended })),
            ))
        },
    )
    .await?;
    tracing::info!(account_id, "password changed");
    Ok(())
}

/// What [`issue_password_reset`] did with the code.
#[derive(Clone, PartialEq, Eq)]
pub enum ResetIssued {
    /// It went by email to the account's own address (an [`Effect::Mail`]).
    Mailed,
    /// No relay is configured: the code, to show once to the administrator who asked.
    Shown {
        /// The code, as printed (`XXXX-XXXX-XXXX`).
        code: String,
        /// The last day it works (`YYYY-MM-DD`, UTC).
        expires_on: String,
    },
}

impl std::fmt::Debug for ResetIssued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResetIssued::Mailed => f.write_str("Mailed"),
            ResetIssued::Shown { .. } => f.write_str("Shown"),
        }
    }
}

/// Issues a one-time password reset code for password account `account_id`, administrators only (audited
/// `password_reset.issue`: ids and expiry, never the code), valid [`PASSWORD_RESET_SECONDS`]; older codes of the
/// account stop working. With a relay (`mail_configured`) it goes by email in `lang` to the account's own address,
/// as an effect; otherwise it comes back in the value, to show once. [`Error::Conflict`] for an account without
/// a password or a disabled one; [`Error::NotFound`] if there is none.
pub async fn issue_password_reset(
    tx: &mut store::Tx,
    actor: &Actor,
    account_id: i64,
    mail_configured: bool,
    lang: &str,
    now: i64,
) -> Result<Done<ResetIssued>> {
    require_admin(actor)?;
    let account = store::accounts::account_by_id(tx, account_id)
        .await?
        .ok_or(Error::NotFound)?;
    if account.sign_in_method != SignInMethod::Password {
        return Err(Error::conflict("this account signs in with codes"));
    }
    if account.disabled {
        return Err(Error::conflict("this account is disabled"));
    }
    let code = domain::account::OneTimeCode::from_random(crate::random::bytes()?);
    let expires_at = now + PASSWORD_RESET_SECONDS;
    audited_creation(tx, actor, "password_reset.issue", now, async |tx| {
        let hash = store::sha256_hex(code.canonical().as_bytes());
        let id = store::auth::create_password_reset(tx, account_id, &hash, now, expires_at).await?;
        let after = serde_json::json!({ "expires_at": expires_at, "mailed": mail_configured });
        Ok((
            (),
            format!("account:{account_id}/password_reset:{id}"),
            Entry::after(after),
        ))
    })
    .await?;
    tracing::info!(
        account_id,
        mailed = mail_configured,
        "password reset issued"
    );
    let expires_on = crate::dates::utc_date(expires_at);
    if !mail_configured {
        return Ok(Done::pure(ResetIssued::Shown {
            code: code.display(),
            expires_on,
        }));
    }
    let mut effects = Effects::new();
    effects.push(Effect::Mail(Mail::PasswordReset {
        to: account.email,
        lang: lang.to_owned(),
        account_id,
        name: account.display_name,
        code: code.display(),
        expires_on,
    }));
    Ok(Done::with(ResetIssued::Mailed, effects))
}

/// Sets a new password with a reset code: `email` and `code` as typed, `password_hash` the new password hashed by
/// the caller (audited `account.password_reset`, never the password or code). Every session of the account ends.
/// Returns the account, or `None` when the code does not open it (no such account, not a password account,
/// disabled, wrong, used or expired code), so the caller can count the failure.
pub async fn reset_password(
    tx: &mut store::Tx,
    actor: &Actor,
    email: &Email,
    code: &domain::account::OneTimeCode,
    password_hash: &str,
    now: i64,
) -> Result<Option<i64>> {
    let Some(account) = store::accounts::account_by_email(tx, email.as_str()).await? else {
        return Ok(None);
    };
    if account.sign_in_method != SignInMethod::Password || account.disabled {
        return Ok(None);
    }
    let hash = store::sha256_hex(code.canonical().as_bytes());
    let Some(reset_id) = store::auth::consume_password_reset(tx, account.id, &hash, now).await?
    else {
        return Ok(None);
    };
    let entity = format!("account:{}", account.id);
    audited(
        tx,
        actor,
        "account.password_reset",
        &entity,
        now,
        async |tx| {
            store::accounts::set_password_hash(tx, account.id, password_hash).await?;
            let ended = store::auth::delete_sessions_of(tx, account.id, None).await?;
            let after = serde_json::json!({ "reset_id": reset_id, "sessions_ended": ended });
            Ok(((), Entry::after(after)))
        },
    )
    .await?;
    tracing::info!(account_id = account.id, "password reset");
    Ok(Some(account.id))
}
