//! Members' sign-in code deliveries (issue 18, item 2; migration 0021): what must reach which member by which
//! channel, claimed by any server instance with a conditional update, and the outcome staff see per member.
//!
//! A row never holds a code: the deliverer that claims it issues one ([`crate::auth::create_sign_in_code`] keeps
//! only its hash) in the claiming transaction and sends it right after commit. A claim is a lease: a deliverer
//! that stops before it records the outcome leaves the row in `sending` until [`LEASE_SECONDS`] pass, then any
//! instance claims it again (with a fresh code; the older one stops working).

use domain::delivery::{Channel, DeliveryStatus};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// How long a claim protects a delivery from other deliverers.
pub const LEASE_SECONDS: i64 = 120;

/// One delivery as stored (no code, no address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    /// The delivery.
    pub id: i64,
    /// The assembly the member belongs to.
    pub assembly_id: i64,
    /// The member's account.
    pub account_id: i64,
    /// The respondent the member came from, if any (members added by hand have none).
    pub respondent_id: Option<i64>,
    /// How the code goes.
    pub channel: Channel,
    /// The language of the message (`en`, `fr`).
    pub lang: String,
    /// How long the code will stay valid once issued.
    pub valid_seconds: i64,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// How many times a deliverer claimed it.
    pub attempts: i64,
    /// The last failure (an SMTP step and reply code, or why nothing could be sent), empty otherwise.
    pub error: String,
    /// When it was asked for (unix seconds).
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
}

/// A delivery with the member's name, for the staff list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDelivery {
    /// The delivery.
    pub row: DeliveryRow,
    /// The member's display name (personal data: shown to staff, never logged).
    pub name: String,
}

/// Where a claimed code goes: the member's contact details and the assembly's title (personal data: never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The account's address.
    pub email: String,
    /// The member's name.
    pub name: String,
    /// The respondent's phone number (empty if none).
    pub phone: String,
    /// The postal address of the respondent's invitation (empty if none).
    pub address: String,
    /// The assembly's title.
    pub title: String,
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recipient(..)")
    }
}

/// The columns of a delivery, for `concat!` (sqlx takes literal SQL only).
macro_rules! columns {
    () => {
        "d.id, d.assembly_id, d.account_id, d.respondent_id, d.channel, d.lang, d.valid_seconds, \
         d.status, d.attempts, d.error, d.created_at, d.updated_at"
    };
}

fn read(row: &sqlx::any::AnyRow) -> Result<DeliveryRow, StoreError> {
    let channel: String = row.try_get("channel")?;
    let status: String = row.try_get("status")?;
    Ok(DeliveryRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        account_id: row.try_get("account_id")?,
        respondent_id: row.try_get("respondent_id")?,
        channel: Channel::from_stored(&channel)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown delivery channel {channel:?}")))?,
        lang: row.try_get("lang")?,
        valid_seconds: row.try_get("valid_seconds")?,
        status: DeliveryStatus::from_stored(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown delivery status {status:?}")))?,
        attempts: row.try_get("attempts")?,
        error: row.try_get("error")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// What a new delivery is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery<'a> {
    /// The assembly.
    pub assembly_id: i64,
    /// The member's account.
    pub account_id: i64,
    /// The respondent, if any.
    pub respondent_id: Option<i64>,
    /// The channel.
    pub channel: Channel,
    /// The language of the message.
    pub lang: &'a str,
    /// How long the code will stay valid once issued.
    pub valid_seconds: i64,
}

/// Cancels the account's unfinished deliveries in the assembly (pending, sending or failed); returns their ids.
pub async fn cancel_for(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE code_deliveries SET status = 'cancelled', claimed_until = NULL, updated_at = $3
         WHERE assembly_id = $1 AND account_id = $2 AND status IN ('pending', 'sending', 'failed') RETURNING id",
    )
    .bind(assembly_id)
    .bind(account_id)
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// Stores a pending delivery and returns its id (the caller cancels older ones first, [`cancel_for`]).
pub async fn create(
    conn: &mut AnyConnection,
    new: &NewDelivery<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO code_deliveries (assembly_id, account_id, respondent_id, channel, lang, valid_seconds, status,
                                      created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) RETURNING id",
    )
    .bind(new.assembly_id)
    .bind(new.account_id)
    .bind(new.respondent_id)
    .bind(new.channel.as_str())
    .bind(new.lang)
    .bind(new.valid_seconds)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Claims the oldest email or SMS delivery that is pending, or sending under an expired claim, for
/// [`LEASE_SECONDS`]; `None` when there is none. Two deliverers never hold one row: the claim is a conditional
/// update, retried on the next row when another deliverer took this one first.
pub async fn claim_next(
    conn: &mut AnyConnection,
    now: i64,
) -> Result<Option<DeliveryRow>, StoreError> {
    for _ in 0..8 {
        let candidate: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM code_deliveries
             WHERE channel <> 'letter' AND (status = 'pending' OR (status = 'sending' AND claimed_until < $1))
             ORDER BY id LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(id) = candidate else {
            return Ok(None);
        };
        let claimed = sqlx::query(
            "UPDATE code_deliveries SET status = 'sending', claimed_until = $2, attempts = attempts + 1,
                    updated_at = $3
             WHERE id = $1 AND (status = 'pending' OR (status = 'sending' AND claimed_until < $3))",
        )
        .bind(id)
        .bind(now + LEASE_SECONDS)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        if claimed.rows_affected() == 1 {
            return Ok(Some(by_id(conn, id).await?));
        }
    }
    Ok(None)
}

/// Claims a pending letter of the assembly for a printed batch: `true` if it was still pending.
pub async fn claim_letter(conn: &mut AnyConnection, id: i64, now: i64) -> Result<bool, StoreError> {
    let claimed = sqlx::query(
        "UPDATE code_deliveries SET status = 'printed', attempts = attempts + 1, updated_at = $2
         WHERE id = $1 AND channel = 'letter' AND status = 'pending'",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Records the code issued for a claimed delivery (its id, never the code).
pub async fn set_code(conn: &mut AnyConnection, id: i64, code_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE code_deliveries SET code_id = $2 WHERE id = $1")
        .bind(id)
        .bind(code_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records how a claimed delivery ended (`sent`, `failed` or `cancelled`); `false` if it is no longer `sending`
/// (a newer delivery cancelled it meanwhile).
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    status: DeliveryStatus,
    error: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE code_deliveries SET status = $2, error = $3, claimed_until = NULL, updated_at = $4
         WHERE id = $1 AND status = 'sending'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<DeliveryRow, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM code_deliveries d WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    read(&row)
}

/// One delivery of the assembly ([`StoreError::NotFound`] for another assembly's).
pub async fn get(
    conn: &mut AnyConnection,
    assembly_id: i64,
    id: i64,
) -> Result<DeliveryRow, StoreError> {
    let row = by_id(conn, id).await?;
    if row.assembly_id != assembly_id {
        return Err(StoreError::NotFound);
    }
    Ok(row)
}

/// Puts a delivery of the assembly back in the queue by `channel`, as a fresh attempt.
pub async fn requeue(
    conn: &mut AnyConnection,
    id: i64,
    channel: Channel,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE code_deliveries SET status = 'pending', channel = $2, error = '', claimed_until = NULL,
                updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(channel.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The assembly's deliveries with the members' names, newest first, `limit` from `offset`, optionally of one
/// status; and how many there are in all.
pub async fn list(
    conn: &mut AnyConnection,
    assembly_id: i64,
    status: Option<DeliveryStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ListedDelivery>, i64), StoreError> {
    let status = status.map(DeliveryStatus::as_str);
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM code_deliveries d WHERE d.assembly_id = $1 AND ($2 IS NULL OR d.status = $2)",
    )
    .bind(assembly_id)
    .bind(status)
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        ", a.display_name FROM code_deliveries d JOIN accounts a ON a.id = d.account_id
         WHERE d.assembly_id = $1 AND ($2 IS NULL OR d.status = $2) ORDER BY d.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(assembly_id)
    .bind(status)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    let listed = rows
        .iter()
        .map(|row| {
            Ok(ListedDelivery {
                row: read(row)?,
                name: row.try_get("display_name")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((listed, total))
}

/// The ids of the assembly's pending letters, oldest first, at most `limit`.
pub async fn pending_letters(
    conn: &mut AnyConnection,
    assembly_id: i64,
    limit: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM code_deliveries WHERE assembly_id = $1 AND channel = 'letter' AND status = 'pending'
         ORDER BY id LIMIT $2",
    )
    .bind(assembly_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Where a delivery's code goes: the member's contact details and the assembly's title.
pub async fn recipient(
    conn: &mut AnyConnection,
    delivery: &DeliveryRow,
) -> Result<Recipient, StoreError> {
    let row = sqlx::query(
        "SELECT a.email, a.display_name, COALESCE(r.phone, '') AS phone, COALESCE(i.address, '') AS address,
                s.title
         FROM accounts a JOIN assemblies s ON s.id = $2
         LEFT JOIN respondents r ON r.id = $3
         LEFT JOIN invitations i ON i.id = r.invitation_id
         WHERE a.id = $1",
    )
    .bind(delivery.account_id)
    .bind(delivery.assembly_id)
    .bind(delivery.respondent_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(Recipient {
        email: row.try_get("email")?,
        name: row.try_get("display_name")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        title: row.try_get("title")?,
    })
}

/// Leaves a claimed delivery in `sending` with its claim extended to `until` and `error` recorded, so that a
/// deliverer claims it again when the claim expires (a provider that timed out or answered 5xx: retry via the
/// lease); `false` if it is no longer `sending`.
pub async fn retry_later(
    conn: &mut AnyConnection,
    id: i64,
    until: i64,
    error: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE code_deliveries SET claimed_until = $2, error = $3, updated_at = $4
         WHERE id = $1 AND status = 'sending'",
    )
    .bind(id)
    .bind(until)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The account's latest delivery in an assembly where it is still a member (in `assembly_id` if given), for a
/// member who asks for a new code; `None` if there is none.
pub async fn latest_for_member(
    conn: &mut AnyConnection,
    account_id: i64,
    assembly_id: Option<i64>,
) -> Result<Option<DeliveryRow>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM code_deliveries d JOIN assembly_roles m ON m.assembly_id = d.assembly_id AND m.account_id = d.account_id
         WHERE d.account_id = $1 AND m.role = 'member' AND ($2 IS NULL OR d.assembly_id = $2)
         ORDER BY d.id DESC LIMIT 1"
    ))
    .bind(account_id)
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(read).transpose()
}

/// A member's respondent with a phone number (personal data: never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct MemberPhone {
    /// The member's account.
    pub account_id: i64,
    /// The respondent the member came from.
    pub respondent_id: i64,
    /// Its assembly.
    pub assembly_id: i64,
    /// The phone number as typed at registration.
    pub phone: String,
}

impl std::fmt::Debug for MemberPhone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberPhone")
            .field("respondent_id", &self.respondent_id)
            .finish_non_exhaustive()
    }
}

/// The respondents that became members and gave a phone number, for matching a number a member types (only
/// members' respondents are read: a few hundred rows at most).
pub async fn member_phones(conn: &mut AnyConnection) -> Result<Vec<MemberPhone>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.account_id, r.id, r.assembly_id, r.phone FROM respondents r
         WHERE r.account_id IS NOT NULL AND r.phone <> '' ORDER BY r.id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MemberPhone {
                account_id: row.try_get("account_id")?,
                respondent_id: row.try_get("id")?,
                assembly_id: row.try_get("assembly_id")?,
                phone: row.try_get("phone")?,
            })
        })
        .collect()
}

/// The assembly's email deliveries that went out (`sent`) to an account with this address, newest first.
pub async fn sent_emails_to(
    conn: &mut AnyConnection,
    assembly_id: i64,
    email: &str,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM code_deliveries d JOIN accounts a ON a.id = d.account_id
         WHERE d.assembly_id = $1 AND LOWER(a.email) = LOWER($2) AND d.channel = 'email' AND d.status = 'sent'
         ORDER BY d.id DESC"
    ))
    .bind(assembly_id)
    .bind(email)
    .fetch_all(conn)
    .await?;
    rows.iter().map(read).collect()
}

/// Marks a sent email delivery as failed by a bounce that came back later; `false` if it was no longer `sent`.
pub async fn mark_bounced(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE code_deliveries SET status = 'failed', error = $2, updated_at = $3
         WHERE id = $1 AND status = 'sent' AND channel = 'email'",
    )
    .bind(id)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The last email that went out (`sent`) to each respondent of the assembly with this address: (respondent,
/// kind of email), for recording a bounce as a late failure of that email.
pub async fn last_sent_outbox_to(
    conn: &mut AnyConnection,
    assembly_id: i64,
    email: &str,
) -> Result<Vec<(i64, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT o.respondent_id, o.kind FROM email_outbox o
         WHERE o.id IN (SELECT MAX(o2.id) FROM email_outbox o2 JOIN respondents r ON r.id = o2.respondent_id
                        WHERE r.assembly_id = $1 AND LOWER(r.email) = LOWER($2)
                        GROUP BY o2.respondent_id)
           AND o.status = 'sent'
         ORDER BY o.respondent_id",
    )
    .bind(assembly_id)
    .bind(email)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("respondent_id")?, row.try_get("kind")?)))
        .collect()
}
