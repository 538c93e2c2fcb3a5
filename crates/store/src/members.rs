//! Members from recruitment (issue 4, items 2 and 6): how a respondent's consent was recorded and in which
//! language they registered, whether a one-time sign-in code is committed and unused, the outcomes of the emails
//! sent to a respondent, and the end of a membership (withdrawal or erasure of a confirmed respondent).
//!
//! Becoming a member reuses the other modules' functions ([`crate::accounts`], [`crate::seating::set_member_features`],
//! [`crate::selection::link_account`], [`crate::auth::create_sign_in_code`]) in the caller's transaction.

use domain::respondent::{EmailKind, EmailStatus};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

pub use domain::respondent::ConsentMethod;

/// A stored identifier read back with `from_stored`; an unknown one is [`StoreError::Corrupt`], never a default.
fn stored<T>(
    from_stored: impl Fn(&str) -> Option<T>,
    what: &str,
    raw: String,
) -> Result<T, StoreError> {
    from_stored(&raw).ok_or_else(|| StoreError::Corrupt(format!("unknown {what} {raw:?}")))
}

/// How a respondent registered, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRecord {
    /// How consent was given.
    pub consent_method: ConsentMethod,
    /// The staff account that recorded verbal consent (or imported the file).
    pub consent_recorded_by: Option<i64>,
    /// The language of the form (`en`, `fr`), in which the respondent's emails are written.
    pub lang: String,
    /// The member account, once the respondent confirmed.
    pub account_id: Option<i64>,
}

/// Records how a respondent's consent was given and in which language they registered.
pub async fn record_registration(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
    consent: ConsentMethod,
    recorded_by: Option<i64>,
    lang: &str,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE respondents SET consent_method = $3, consent_recorded_by = $4, lang = $5 WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(respondent_id)
    .bind(consent.as_str())
    .bind(recorded_by)
    .bind(lang)
    .execute(conn)
    .await?;
    if updated.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// How a respondent of this assembly registered ([`StoreError::NotFound`] for another assembly's respondent).
pub async fn registration_record(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
) -> Result<RegistrationRecord, StoreError> {
    let row = sqlx::query(
        "SELECT consent_method, consent_recorded_by, lang, account_id FROM respondents WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(respondent_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(RegistrationRecord {
        consent_method: stored(
            ConsentMethod::from_stored,
            "consent method",
            row.try_get("consent_method")?,
        )?,
        consent_recorded_by: row.try_get("consent_recorded_by")?,
        lang: row.try_get("lang")?,
        account_id: row.try_get("account_id")?,
    })
}

/// Whether a sign-in code with this hash exists for the account, unused and unexpired at `now`: a code created in
/// a transaction that rolled back is not found, so nothing is ever sent for it.
pub async fn sign_in_code_live(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM sign_in_codes WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(account_id)
    .bind(code_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// One recorded email outcome (no address, no content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailOutcome {
    /// What the email was.
    pub kind: EmailKind,
    /// What happened to it.
    pub status: EmailStatus,
    /// The SMTP step and reply code of a failure.
    pub error: String,
    /// When (unix seconds).
    pub created_at: i64,
}

/// The emails sent (or not) to a respondent of this assembly, oldest first.
pub async fn email_outcomes(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
) -> Result<Vec<EmailOutcome>, StoreError> {
    let rows = sqlx::query(
        "SELECT o.kind, o.status, o.error, o.created_at FROM email_outbox o
         JOIN respondents r ON r.id = o.respondent_id
         WHERE r.assembly_id = $1 AND o.respondent_id = $2 ORDER BY o.id",
    )
    .bind(assembly_id)
    .bind(respondent_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(EmailOutcome {
                kind: stored(EmailKind::from_stored, "email kind", row.try_get("kind")?)?,
                status: stored(
                    EmailStatus::from_stored,
                    "email status",
                    row.try_get("status")?,
                )?,
                error: row.try_get("error")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// What ending a membership did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipEnd {
    /// Whether the member role in this assembly was removed.
    pub role_removed: bool,
    /// Whether the account itself was anonymised (erasure, and no other role anywhere).
    pub account_anonymised: bool,
}

/// Ends the membership of `account_id` in `assembly_id`, when its respondent withdraws, is replaced or is erased:
/// removes the member role there and voids the account's unused sign-in codes. With `erase`, an account that has
/// no other role and is not an administrator is also anonymised (its email becomes `erased-{id}@erased.invalid`,
/// its name `—`), and its sessions and API tokens end; the account row stays, because votes records, attendance
/// and seats refer to its id. Feature values in `member_features` are anonymous and stay for the statistics.
pub async fn end_membership(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    erase: bool,
    now: i64,
) -> Result<MembershipEnd, StoreError> {
    let removed = sqlx::query(
        "DELETE FROM assembly_roles WHERE assembly_id = $1 AND account_id = $2 AND role = 'member'",
    )
    .bind(assembly_id)
    .bind(account_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    sqlx::query("UPDATE sign_in_codes SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL")
        .bind(account_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let mut anonymised = false;
    if erase {
        let other_roles: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM assembly_roles WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(&mut *conn)
                .await?;
        let is_admin: Option<i64> =
            sqlx::query_scalar("SELECT is_admin FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_optional(&mut *conn)
                .await?;
        if other_roles == 0 && is_admin == Some(0) {
            sqlx::query(
                "UPDATE accounts SET email = $2, display_name = '—', password_hash = NULL, sign_in_method = 'one_time_code'
                 WHERE id = $1",
            )
            .bind(account_id)
            .bind(format!("erased-{account_id}@erased.invalid"))
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL")
                .bind(account_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            anonymised = true;
        }
    }
    Ok(MembershipEnd {
        role_removed: removed,
        account_anonymised: anonymised,
    })
}

/// One recorded email to a respondent of an assembly, with the respondent (issue 18, item 8: the outcome of each
/// email shown to staff).
#[derive(Clone, PartialEq, Eq)]
pub struct RespondentEmail {
    /// The respondent.
    pub respondent_id: i64,
    /// The respondent's name (personal data: for organisers' pages only).
    pub full_name: String,
    /// The outcome.
    pub outcome: EmailOutcome,
}

impl std::fmt::Debug for RespondentEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RespondentEmail")
            .field("respondent_id", &self.respondent_id)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

/// The emails to the assembly's respondents, newest first, `limit` from the `offset`-th, only the failed ones if
/// `failed_only`; and how many there are in all with that filter. Kinds this version does not know are left out.
pub async fn assembly_email_outcomes(
    conn: &mut AnyConnection,
    assembly_id: i64,
    failed_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<RespondentEmail>, i64), StoreError> {
    // The kinds of `EmailKind`: a kind recorded by a later version is left out rather than an error here.
    macro_rules! filter {
        () => {
            "FROM email_outbox o JOIN respondents r ON r.id = o.respondent_id
             WHERE r.assembly_id = $1 AND o.kind IN ('registration', 'sign_in_code') AND ($2 = 0 OR o.status = 'failed')"
        };
    }
    let rows = sqlx::query(concat!(
        "SELECT o.respondent_id, r.full_name, o.kind, o.status, o.error, o.created_at ",
        filter!(),
        " ORDER BY o.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(assembly_id)
    .bind(i64::from(failed_only))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*) ", filter!()))
        .bind(assembly_id)
        .bind(i64::from(failed_only))
        .fetch_one(conn)
        .await?;
    let emails = rows
        .iter()
        .map(|row| {
            Ok(RespondentEmail {
                respondent_id: row.try_get("respondent_id")?,
                full_name: row.try_get("full_name")?,
                outcome: EmailOutcome {
                    kind: stored(EmailKind::from_stored, "email kind", row.try_get("kind")?)?,
                    status: stored(
                        EmailStatus::from_stored,
                        "email status",
                        row.try_get("status")?,
                    )?,
                    error: row.try_get("error")?,
                    created_at: row.try_get("created_at")?,
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((emails, total))
}
