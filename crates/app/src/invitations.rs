//! Staff invitations (issue 18, item 3): an organiser invites people by email with a staff role in one step
//! ([`invite`], many at once, one audit entry each); each invitee gets a one-time link by email and the account is
//! created when they accept it and choose a password ([`accept`]). Invitations expire after
//! [`INVITATION_SECONDS`], can be revoked ([`revoke`]), and are accepted once. Only the link's hash is stored.
//!
//! An address that already has an account is refused: its owner gets the role through the role form, so that an
//! invitation can never be used to take over or re-password an existing account.
//!
//! Also the platform setting that lets organisers create assemblies ([`organisers_may_create_assemblies`]).

use domain::account::{DisplayName, Email, NewPassword};
use domain::permission::Role;
use store::invitations::{InvitationRow, NewInvitation};

use crate::accounts::{AccountError, NewAccount};
use crate::audit::{Entry, audited, audited_creation};
use crate::effect::{Effect, Effects, Mail};
use crate::{Actor, Done, Error, Result};

/// How long an invitation can be accepted.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;

/// The most people one call invites.
pub const MAX_INVITEES: usize = 500;

/// The setting that lets organisers create assemblies (`yes` or `no`).
pub const ORGANISERS_CREATE_ASSEMBLIES: &str = "organisers_create_assemblies";

/// Why [`invite`] refuses; `web` words it. Lines count from 1 in the order given (no address: it is personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefusal {
    /// The role is not a staff role (members are admitted from recruitment or added with a sign-in code).
    NotStaffRole {
        /// The invitee's line.
        line: usize,
    },
    /// The address already has an account: give it the role with the role form.
    AccountExists {
        /// The invitee's line.
        line: usize,
    },
}

/// One person to invite.
#[derive(Clone, PartialEq, Eq)]
pub struct Invitee {
    /// Their address.
    pub email: Email,
    /// The staff role.
    pub role: Role,
}

/// Invites every one of `invitees` to assembly `assembly_id` (one transaction: all or none; one audit entry
/// `staff_invitation.create` each, ids and role only); an earlier open invitation of the same address here is
/// revoked. Returns the invitations' ids and one email each, in `lang`, with the link's token.
pub async fn invite(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    invitees: &[Invitee],
    lang: &str,
    now: i64,
) -> Result<Done<Vec<i64>>, AccountError<InviteRefusal>> {
    let assembly = store::assemblies::get_assembly(tx, assembly_id).await?;
    let mut ids = Vec::new();
    let mut effects = Effects::new();
    for (index, invitee) in invitees.iter().enumerate() {
        let line = index + 1;
        if matches!(invitee.role, Role::Member | Role::Public | Role::Admin) {
            return Err(AccountError::Refused(InviteRefusal::NotStaffRole { line }));
        }
        if store::accounts::account_by_email(tx, invitee.email.as_str())
            .await?
            .is_some()
        {
            return Err(AccountError::Refused(InviteRefusal::AccountExists { line }));
        }
        let token = hex::encode(crate::random::bytes::<32>()?);
        let expires_at = now + INVITATION_SECONDS;
        let id = audited_creation(tx, actor, "staff_invitation.create", now, async |tx| {
            let replaced =
                store::invitations::revoke_open_for(tx, assembly_id, invitee.email.as_str(), now)
                    .await?;
            let new = NewInvitation {
                assembly_id,
                email: invitee.email.as_str(),
                role: invitee.role,
                token_hash: &store::sha256_hex(token.as_bytes()),
                lang,
                invited_by: actor.account_id,
                expires_at,
            };
            let id = store::invitations::create(tx, &new, now).await?;
            let after = serde_json::json!({
                "role": invitee.role.as_str(),
                "expires_at": expires_at,
                "replaced": replaced,
            });
            Ok((
                id,
                format!("assembly:{assembly_id}/staff_invitation:{id}"),
                Entry::after(after),
            ))
        })
        .await?;
        effects.push(Effect::Mail(Mail::StaffInvitation {
            to: invitee.email.as_str().to_owned(),
            lang: lang.to_owned(),
            invitation_id: id,
            token,
            title: assembly.title.clone(),
            role: invitee.role.as_str().to_owned(),
            expires_on: crate::dates::utc_date(expires_at),
        }));
        ids.push(id);
    }
    tracing::info!(assembly_id, invitations = ids.len(), "staff invited");
    Ok(Done::with(ids, effects))
}

/// Revokes an open invitation of the assembly (audited `staff_invitation.revoke`); [`Error::NotFound`] if there is
/// no open invitation with that id here (accepted, revoked, or another assembly's).
pub async fn revoke(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    invitation_id: i64,
    now: i64,
) -> Result<()> {
    let entity = format!("assembly:{assembly_id}/staff_invitation:{invitation_id}");
    audited(
        tx,
        actor,
        "staff_invitation.revoke",
        &entity,
        now,
        async |tx| {
            if !store::invitations::revoke(tx, assembly_id, invitation_id, now).await? {
                return Err(Error::NotFound);
            }
            Ok(((), Entry::after(serde_json::json!({ "revoked_at": now }))))
        },
    )
    .await
}

/// The invitation of a link's `token` if it can still be accepted at `now`.
pub async fn open_invitation(
    conn: &mut store::AnyConnection,
    token: &str,
    now: i64,
) -> Result<Option<InvitationRow>> {
    let row =
        store::invitations::by_token(conn, &store::sha256_hex(token.trim().as_bytes())).await?;
    Ok(row.filter(|row| row.is_open(now)))
}

/// Why [`accept`] refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptRefusal {
    /// The link is unknown, expired, revoked or used.
    NotOpen,
    /// An account with the invited address was created meanwhile.
    AccountExists,
}

/// Accepts the invitation of `token`: creates the invitee's password account (audited `account.create`), gives it
/// the invited role (audited `role.assign`) and marks the invitation accepted (audited `staff_invitation.accept`),
/// all at once or not at all; returns the new account's id. `password_hash` is the argon2id PHC string of
/// `password`, hashed by the caller off the async threads.
pub async fn accept(
    tx: &mut store::Tx,
    token: &str,
    display_name: &DisplayName,
    password: &NewPassword,
    password_hash: &str,
    now: i64,
) -> Result<i64, AccountError<AcceptRefusal>> {
    let Some(invitation) = open_invitation(tx, token, now).await? else {
        return Err(AccountError::Refused(AcceptRefusal::NotOpen));
    };
    let email = Email::parse(&invitation.email).map_err(Error::internal)?;
    if store::accounts::account_by_email(tx, email.as_str())
        .await?
        .is_some()
    {
        return Err(AccountError::Refused(AcceptRefusal::AccountExists));
    }
    let account = NewAccount {
        display_name: display_name.clone(),
        email,
        password: password.clone(),
    };
    let public = Actor::PUBLIC;
    let account_id =
        crate::accounts::create_account(tx, &public, &account, password_hash, false, now).await?;
    let actor = Actor {
        account_id: Some(account_id),
        role: invitation.role,
    };
    let assembly_id = invitation.assembly_id;
    let entity = format!("assembly:{assembly_id}/staff_invitation:{}", invitation.id);
    let accepted = audited(
        tx,
        &actor,
        "staff_invitation.accept",
        &entity,
        now,
        async |tx| {
            let accepted = store::invitations::accept(tx, invitation.id, account_id, now).await?;
            let after =
                serde_json::json!({ "account_id": account_id, "role": invitation.role.as_str() });
            Ok((accepted, Entry::after(after)))
        },
    )
    .await?;
    if !accepted {
        return Err(AccountError::Refused(AcceptRefusal::NotOpen));
    }
    let entity = format!("assembly:{assembly_id}/account:{account_id}");
    audited(tx, &actor, "role.assign", &entity, now, async |tx| {
        store::accounts::set_role(tx, assembly_id, account_id, invitation.role).await?;
        let after = serde_json::json!({ "role": invitation.role.as_str(), "staff_invitation_id": invitation.id });
        Ok(((), Entry::after(after)))
    })
    .await?;
    tracing::info!(
        assembly_id,
        account_id,
        invitation_id = invitation.id,
        "staff invitation accepted"
    );
    Ok(account_id)
}

/// Whether organisers may create assemblies (the platform administrator's setting; off until set).
pub async fn organisers_may_create_assemblies(conn: &mut store::AnyConnection) -> Result<bool> {
    Ok(
        store::invitations::setting(conn, ORGANISERS_CREATE_ASSEMBLIES)
            .await?
            .is_some_and(|value| value == "yes"),
    )
}

/// Lets organisers create assemblies, or stops them (platform administrators only; audited
/// `platform_setting.set`, with the value before and after).
pub async fn set_organisers_may_create_assemblies(
    tx: &mut store::Tx,
    actor: &Actor,
    allowed: bool,
    now: i64,
) -> Result<()> {
    if actor.role != Role::Admin || actor.account_id.is_none() {
        return Err(Error::Forbidden);
    }
    let entity = format!("platform_setting:{ORGANISERS_CREATE_ASSEMBLIES}");
    audited(
        tx,
        actor,
        "platform_setting.set",
        &entity,
        now,
        async |tx| {
            let before = organisers_may_create_assemblies(tx).await?;
            let value = if allowed { "yes" } else { "no" };
            store::invitations::set_setting(tx, ORGANISERS_CREATE_ASSEMBLIES, value, now).await?;
            Ok((
                (),
                Entry::change(
                    serde_json::json!({ "allowed": before }),
                    serde_json::json!({ "allowed": allowed }),
                ),
            ))
        },
    )
    .await
}
