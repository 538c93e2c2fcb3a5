//! How a conversation's participants verify themselves (issue 16): the organisers' chosen
//! [`VerificationMode`], email verification (the address and the hash of a one-time code, in a table of their own,
//! apart from the votes, erased with the participant) and invitation codes (only their hash is stored).
//!
//! Every call names the assembly and refuses another assembly's rows.

use domain::conversation::VerificationMode;
use sqlx::Row;

use crate::{AnyConnection, StoreError};

/// A pending or confirmed email verification of one participant.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailCheck {
    /// The hash of the code sent.
    pub code_hash: String,
    /// When the code stops working.
    pub expires_at: i64,
    /// Wrong codes tried so far.
    pub attempts: i64,
    /// When the email was confirmed.
    pub verified_at: Option<i64>,
}

impl std::fmt::Debug for EmailCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailCheck")
            .field("expires_at", &self.expires_at)
            .field("attempts", &self.attempts)
            .field("verified_at", &self.verified_at)
            .finish_non_exhaustive()
    }
}

/// Verified participants of a conversation and their votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VerifiedCounts {
    /// Participants who verified (by email or invitation code).
    pub participants: i64,
    /// Participants who did not.
    pub unverified: i64,
    /// Votes of verified participants.
    pub votes: i64,
    /// Votes of the others.
    pub unverified_votes: i64,
}

/// The verification mode of a conversation (`None` until the organisers choose one).
pub async fn mode(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<VerificationMode, StoreError> {
    let raw: Option<String> =
        sqlx::query_scalar("SELECT mode FROM conversation_verification WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_optional(conn)
            .await?;
    match raw {
        None => Ok(VerificationMode::None),
        Some(raw) => VerificationMode::parse(&raw)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown verification mode {raw:?}"))),
    }
}

/// Sets the verification mode of a conversation; returns the mode before. [`StoreError::NotFound`] if the assembly
/// has no conversation.
pub async fn set_mode(
    conn: &mut AnyConnection,
    assembly_id: i64,
    mode: VerificationMode,
    now: i64,
) -> Result<VerificationMode, StoreError> {
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_one(&mut *conn)
            .await?;
    if exists == 0 {
        return Err(StoreError::NotFound);
    }
    let before = self::mode(&mut *conn, assembly_id).await?;
    sqlx::query(
        "INSERT INTO conversation_verification (assembly_id, mode, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (assembly_id) DO UPDATE SET mode = excluded.mode, updated_at = excluded.updated_at",
    )
    .bind(assembly_id)
    .bind(mode.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(before)
}

/// Whether a participant has verified.
pub async fn is_verified(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<bool, StoreError> {
    let verified: Option<i64> = sqlx::query_scalar(
        "SELECT verified FROM conversation_participants WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .fetch_optional(conn)
    .await?;
    Ok(verified.unwrap_or(0) != 0)
}

/// Marks a participant verified.
pub async fn mark_verified(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<(), StoreError> {
    let changed = sqlx::query(
        "UPDATE conversation_participants SET verified = 1 WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .execute(conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Whether another participant of the conversation already uses this email (normalised by the caller).
pub async fn email_taken(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    email: &str,
) -> Result<bool, StoreError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversation_emails WHERE assembly_id = $1 AND email = $2 AND participant_id <> $3",
    )
    .bind(assembly_id)
    .bind(email)
    .bind(participant_id)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}

/// Stores (or replaces) a participant's email with the hash of a fresh code; the participant is not verified by
/// it until the code comes back.
pub async fn start_email_check(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    email: &str,
    code_hash: &str,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO conversation_emails (participant_id, assembly_id, email, code_hash, expires_at, attempts)
         VALUES ($1, $2, $3, $4, $5, 0)
         ON CONFLICT (participant_id) DO UPDATE SET email = excluded.email, code_hash = excluded.code_hash,
         expires_at = excluded.expires_at, attempts = 0, verified_at = NULL",
    )
    .bind(participant_id)
    .bind(assembly_id)
    .bind(email)
    .bind(code_hash)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The email check of a participant, if one was started.
pub async fn email_check(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<Option<EmailCheck>, StoreError> {
    let row = sqlx::query(
        "SELECT code_hash, expires_at, attempts, verified_at FROM conversation_emails
         WHERE assembly_id = $1 AND participant_id = $2",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(EmailCheck {
            code_hash: row.try_get("code_hash")?,
            expires_at: row.try_get("expires_at")?,
            attempts: row.try_get("attempts")?,
            verified_at: row.try_get("verified_at")?,
        })
    })
    .transpose()
}

/// Counts one wrong code against a participant's email check.
pub async fn count_wrong_code(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE conversation_emails SET attempts = attempts + 1 WHERE assembly_id = $1 AND participant_id = $2",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Confirms a participant's email (the code is spent) and marks the participant verified.
pub async fn confirm_email(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE conversation_emails SET verified_at = $1, code_hash = '' WHERE assembly_id = $2 AND participant_id = $3",
    )
    .bind(now)
    .bind(assembly_id)
    .bind(participant_id)
    .execute(&mut *conn)
    .await?;
    mark_verified(conn, assembly_id, participant_id).await
}

/// Stores a batch of invitation codes by their hashes; returns the batch number.
pub async fn add_invitations(
    conn: &mut AnyConnection,
    assembly_id: i64,
    code_hashes: &[String],
    now: i64,
) -> Result<i64, StoreError> {
    let batch: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(batch), 0) + 1 FROM conversation_invitations WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_one(&mut *conn)
    .await?;
    for hash in code_hashes {
        sqlx::query(
            "INSERT INTO conversation_invitations (assembly_id, code_hash, batch, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(assembly_id)
        .bind(hash)
        .bind(batch)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(batch)
}

/// Spends an unused invitation code for a participant: `true` if the code existed unused in this conversation
/// (a conditional update, so two devices racing with one code spend it once).
pub async fn use_invitation(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let used = sqlx::query(
        "UPDATE conversation_invitations SET participant_id = $1, used_at = $2
         WHERE assembly_id = $3 AND code_hash = $4 AND used_at IS NULL",
    )
    .bind(participant_id)
    .bind(now)
    .bind(assembly_id)
    .bind(code_hash)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if used == 0 {
        return Ok(false);
    }
    mark_verified(conn, assembly_id, participant_id).await?;
    Ok(true)
}

/// Invitation codes of a conversation: (issued, used).
pub async fn invitation_counts(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS issued, COUNT(used_at) AS used FROM conversation_invitations WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_one(conn)
    .await?;
    Ok((row.try_get("issued")?, row.try_get("used")?))
}

/// Participants and votes of a conversation, verified and not.
pub async fn verified_counts(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<VerifiedCounts, StoreError> {
    let row = sqlx::query(
        "SELECT
           (SELECT COUNT(*) FROM conversation_participants WHERE assembly_id = $1 AND verified <> 0) AS participants,
           (SELECT COUNT(*) FROM conversation_participants WHERE assembly_id = $1 AND verified = 0) AS unverified,
           (SELECT COUNT(*) FROM conversation_votes v JOIN conversation_participants p ON p.id = v.participant_id
             WHERE v.assembly_id = $1 AND p.verified <> 0) AS votes,
           (SELECT COUNT(*) FROM conversation_votes v JOIN conversation_participants p ON p.id = v.participant_id
             WHERE v.assembly_id = $1 AND p.verified = 0) AS unverified_votes",
    )
    .bind(assembly_id)
    .fetch_one(conn)
    .await?;
    Ok(VerifiedCounts {
        participants: row.try_get("participants")?,
        unverified: row.try_get("unverified")?,
        votes: row.try_get("votes")?,
        unverified_votes: row.try_get("unverified_votes")?,
    })
}

/// Sets whether the analysis uses only verified participants' votes; returns the choice before. A change makes the
/// conversation due for a new analysis. [`StoreError::NotFound`] if the assembly has no conversation.
pub async fn set_verified_only(
    conn: &mut AnyConnection,
    assembly_id: i64,
    verified_only: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let before: i64 =
        sqlx::query_scalar("SELECT verified_only FROM conversations WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
    if (before != 0) != verified_only {
        sqlx::query("UPDATE conversations SET verified_only = $1 WHERE assembly_id = $2")
            .bind(i64::from(verified_only))
            .bind(assembly_id)
            .execute(&mut *conn)
            .await?;
        crate::conversation::mark_dirty(conn, assembly_id, now).await?;
    }
    Ok(before != 0)
}

/// Whether the conversation's analysis uses only verified participants' votes (`false` without a conversation).
pub async fn verified_only(conn: &mut AnyConnection, assembly_id: i64) -> Result<bool, StoreError> {
    let value: Option<i64> =
        sqlx::query_scalar("SELECT verified_only FROM conversations WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_optional(conn)
            .await?;
    Ok(value.unwrap_or(0) != 0)
}

/// Removes a participant's answer to one demographic question ("prefer not to say").
pub async fn clear_answer(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
    feature: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM conversation_answers WHERE assembly_id = $1 AND participant_id = $2 AND feature = $3",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .bind(feature)
    .execute(conn)
    .await?;
    Ok(())
}

/// A participant's demographic answers: (feature, value).
pub async fn answers_of(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT feature, value FROM conversation_answers WHERE assembly_id = $1 AND participant_id = $2
         ORDER BY feature",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("feature")?, row.try_get("value")?)))
        .collect()
}

/// Removes what verification kept of a participant (their email; their invitation code stays spent), before the
/// participant row is deleted by `conversation::erase_participant`.
pub async fn forget_participant(
    conn: &mut AnyConnection,
    assembly_id: i64,
    participant_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM conversation_emails WHERE assembly_id = $1 AND participant_id = $2")
        .bind(assembly_id)
        .bind(participant_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE conversation_invitations SET participant_id = NULL WHERE assembly_id = $1 AND participant_id = $2",
    )
    .bind(assembly_id)
    .bind(participant_id)
    .execute(conn)
    .await?;
    Ok(())
}
