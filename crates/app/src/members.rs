//! From respondent to member: admitting a confirmed respondent ([`admit`]: a code-only account, the Member role,
//! the feature values for table allocation, and a one-time sign-in code), ending a membership ([`leave`]), and the
//! rule of who may sign in with a code at all (`codes::may_use_code`).
//!
//! A new member's code is never issued here: admitting asks for a delivery ([`crate::codes::request`]), and the
//! deliverer issues the code when it sends it, so no staff member ever sees one (issue 18, item 2).

use domain::account::{DisplayName, Email, SignInMethod};
use domain::permission::Role;
use store::recruitment::RespondentRow;

use crate::audit::{Entry, audited, audited_creation};
use crate::effect::Effects;
use crate::{Actor, Error, Result};

/// How long a new member's sign-in code stays valid.
pub const MEMBER_CODE_SECONDS: i64 = 14 * 24 * 3600;

/// Creates a code-only member account (audited, ids only).
pub async fn create_code_account(
    tx: &mut store::Tx,
    actor: &Actor,
    email: &Email,
    display_name: &DisplayName,
    facts: serde_json::Value,
    now: i64,
) -> Result<i64> {
    audited_creation(tx, actor, "account.create", now, async |tx| {
        let id = store::accounts::create_account(
            tx,
            &store::accounts::NewAccount {
                email,
                display_name,
                sign_in_method: SignInMethod::OneTimeCode,
                password_hash: None,
                is_admin: false,
            },
            now,
        )
        .await?;
        let mut after =
            serde_json::json!({ "id": id, "is_admin": false, "sign_in_method": "one_time_code" });
        if let (Some(after), Some(facts)) = (after.as_object_mut(), facts.as_object()) {
            after.extend(facts.clone());
        }
        Ok((id, format!("account:{id}"), Entry::after(after)))
    })
    .await
}

/// Gives `account_id` the Member role in the assembly (audited).
pub async fn make_member(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    account_id: i64,
    now: i64,
) -> Result<()> {
    let entity = format!("assembly:{assembly_id}/account:{account_id}");
    audited(tx, actor, "role.assign", &entity, now, async |tx| {
        store::accounts::set_role(tx, assembly_id, account_id, Role::Member).await?;
        Ok(((), Entry::after(serde_json::json!({ "role": "member" }))))
    })
    .await
}

/// Why a respondent could not be admitted.
#[derive(Debug, thiserror::Error)]
pub enum AdmitError {
    /// The respondent's email belongs to an account that may not sign in with a code (an administrator's, a staff
    /// member's) or that has another role in this assembly.
    #[error("the email belongs to an account with another role")]
    OtherRole,
    /// Anything else.
    #[error(transparent)]
    App(#[from] Error),
}

impl From<store::StoreError> for AdmitError {
    fn from(error: store::StoreError) -> AdmitError {
        AdmitError::App(error.into())
    }
}

/// Makes a confirmed respondent a member, in the caller's transaction: links the account that already has the
/// email (only a code-only member account; any other gives [`AdmitError::OtherRole`]) or creates one, gives it
/// the Member role, copies the respondent's feature values for table allocation, links the respondent, and
/// asks for the delivery of a sign-in code by email (see the module documentation).
pub async fn admit(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    row: &RespondentRow,
    now: i64,
) -> Result<Effects, AdmitError> {
    let record = store::members::registration_record(tx, assembly_id, row.id).await?;
    let email = Email::parse(&row.email).map_err(Error::internal)?;
    let existing = match record.account_id {
        Some(id) => store::accounts::account_by_id(tx, id).await?,
        None => store::accounts::account_by_email(tx, email.as_str()).await?,
    };
    // An account that existed before is never given a code that someone else sees: only a code-only member
    // account may have one at all (an administrator's or a staff member's email is refused), and its code goes
    // by email to the account's own address, never onto the organiser's page.
    let (account_id, created) = match existing {
        Some(account) => {
            if !crate::codes::may_use_code(tx, &account).await? {
                return Err(AdmitError::OtherRole);
            }
            (account.id, false)
        }
        None => {
            let name: String = row.full_name.chars().take(100).collect();
            let display_name = DisplayName::parse(&name).map_err(Error::internal)?;
            let facts = serde_json::json!({ "respondent_id": row.id });
            let id = create_code_account(tx, actor, &email, &display_name, facts, now).await?;
            (id, true)
        }
    };
    match store::accounts::role_in(tx, account_id, assembly_id).await? {
        Some(Role::Member) => {}
        Some(_) => return Err(AdmitError::OtherRole),
        None => make_member(tx, actor, assembly_id, account_id, now).await?,
    }
    let features = feature_values(&row.features_json)?;
    let entity = format!("respondent:{}", row.id);
    audited(tx, actor, "respondent.member", &entity, now, async |tx| {
        store::seating::set_member_features(tx, assembly_id, account_id, &features, now).await?;
        store::selection::link_account(tx, assembly_id, row.id, account_id).await?;
        // Feature names only: the values are demographics.
        let after = serde_json::json!({
            "respondent_id": row.id,
            "account_id": account_id,
            "features": features.keys().collect::<Vec<_>>(),
        });
        Ok(((), Entry::after(after)))
    })
    .await?;

    let delivery = crate::codes::request(
        tx,
        actor,
        &crate::codes::DeliveryRequest {
            assembly_id,
            account_id,
            respondent_id: Some(row.id),
            channel: domain::delivery::Channel::Email,
            lang: &record.lang,
            valid_seconds: MEMBER_CODE_SECONDS,
        },
        now,
    )
    .await?;
    tracing::info!(
        assembly_id,
        respondent_id = row.id,
        account_id,
        created,
        code_delivery_id = delivery,
        "confirmed respondent became a member"
    );
    Ok(Effects::new())
}

/// A respondent's stored answers as feature name → value (the JSON object the registration wrote). Stored JSON
/// that does not decode is an error, never an empty set of features.
pub fn feature_values(json: &str) -> Result<std::collections::BTreeMap<String, String>> {
    let answers: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)
        .map_err(|error| Error::internal(format!("stored feature values: {error}")))?;
    Ok(answers
        .into_iter()
        .filter_map(|(name, value)| value.as_str().map(|value| (name, value.to_owned())))
        .collect())
}

/// Ends a membership when its respondent leaves `confirmed` or is erased (in the caller's transaction), with an
/// audit entry of ids. Nothing happens for a respondent without a member account.
pub async fn leave(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    respondent_id: i64,
    erase: bool,
    now: i64,
) -> Result<()> {
    let Some(account_id) = store::selection::linked_account(tx, assembly_id, respondent_id).await?
    else {
        return Ok(());
    };
    let entity = format!("assembly:{assembly_id}/account:{account_id}");
    audited(tx, actor, "member.leave", &entity, now, async |tx| {
        let end = store::members::end_membership(tx, assembly_id, account_id, erase, now).await?;
        let cancelled = store::deliveries::cancel_for(tx, assembly_id, account_id, now).await?;
        let after = serde_json::json!({
            "respondent_id": respondent_id,
            "account_id": account_id,
            "role_removed": end.role_removed,
            "account_anonymised": end.account_anonymised,
            "code_deliveries_cancelled": cancelled,
        });
        Ok(((), Entry::after(after)))
    })
    .await
}
