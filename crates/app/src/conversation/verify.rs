//! Who a conversation's participants are, as far as they choose to say (issue 16): the organisers pick a
//! [`VerificationMode`] per conversation ([`set_mode`]); a participant verifies by a one-time code sent to their
//! email ([`send_email_code`], [`confirm_email`]) or by an invitation code the organisers printed in bulk
//! ([`issue_invitations`], [`redeem_invitation`]); and anyone may answer the assembly's own demographic questions
//! ([`save_answers`]). Verification is offered, not required: the results count verified and unverified
//! participants apart.
//!
//! Emails and answers are kept apart from the votes, erased with the participant, and never written to the audit
//! log, a log line, an export or a public page; invitation codes and email codes are stored only as keyed hashes.

use domain::account::{Email, OneTimeCode};
use domain::conversation::VerificationMode;
use domain::error::{Problem, ValidationError};
use serde_json::json;

use super::participate::{Device, Joined, join, open_conversation, token_hash, within_limit};
use crate::audit::{Entry, audited};
use crate::effect::{Effect, Effects, Mail};
use crate::recruitment::questions::{Feature, stored_features};
use crate::{Actor, Done, Error, Result};

/// How long an email code works.
pub const EMAIL_CODE_SECONDS: i64 = 3600;
/// Wrong email codes allowed before a new one must be asked for.
pub const EMAIL_CODE_ATTEMPTS: i64 = 5;
/// The most invitation codes one request makes.
pub const MAX_INVITATIONS: usize = 5_000;
/// Verification requests per client address: (window in seconds, hits allowed). Codes carry 60 bits, so this
/// stops guessing long before it could succeed.
const VERIFY_LIMIT: (i64, i64) = (3_600, 30);
/// Demographic answers saved per client address.
const ANSWER_LIMIT: (i64, i64) = (3_600, 120);

/// Why a participant's verification was refused (worded by `web`); the caller commits anyway, so a refused
/// attempt counts against the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The conversation is closed.
    Closed,
    /// Too many attempts from this client address.
    TooMany,
    /// The conversation does not offer this way of verifying.
    NotOffered,
    /// Another participant of this conversation verified with this email.
    EmailTaken,
    /// No code was sent to this device, or it expired or was tried too often: ask for a new one.
    NoCode,
    /// The code is wrong (or, for an invitation, unknown or already used).
    WrongCode,
}

/// The hash under which a code is stored: keyed by its purpose and the conversation (and, for an email code, the
/// participant), so a code is worth nothing elsewhere.
fn code_hash(purpose: &str, assembly_id: i64, participant_id: i64, code: &OneTimeCode) -> String {
    store::sha256_hex(
        format!(
            "conversation-{purpose}:{assembly_id}:{participant_id}:{}",
            code.canonical()
        )
        .as_bytes(),
    )
}

fn new_code() -> Result<OneTimeCode> {
    Ok(OneTimeCode::from_random(crate::random::bytes::<
        { OneTimeCode::LEN },
    >()?))
}

/// Sets how a conversation's participants may verify, and whether its opinion map uses only verified participants'
/// votes (audited `conversation.verification`). Verified-only needs a way to verify: with [`VerificationMode::None`]
/// it is refused on the field `verified_only`. Changing it makes the map due for a new analysis.
pub async fn set_mode(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    mode: VerificationMode,
    verified_only: bool,
    now: i64,
) -> Result<()> {
    if verified_only && mode == VerificationMode::None {
        return Err(ValidationError::new("verified_only", Problem::Malformed).into());
    }
    let entity = format!("assembly:{assembly_id}/conversation");
    audited(
        tx,
        actor,
        "conversation.verification",
        &entity,
        now,
        async |tx| {
            let before =
                match store::conversation_verify::set_mode(tx, assembly_id, mode, now).await {
                    Ok(before) => before,
                    Err(store::StoreError::NotFound) => return Err(Error::NotFound),
                    Err(error) => return Err(error.into()),
                };
            let was_verified_only =
                store::conversation_verify::set_verified_only(tx, assembly_id, verified_only, now)
                    .await?;
            Ok((
                (),
                Entry::change(
                    json!({ "mode": before.as_str(), "verified_only": was_verified_only }),
                    json!({ "mode": mode.as_str(), "verified_only": verified_only }),
                ),
            ))
        },
    )
    .await?;
    tracing::info!(
        assembly_id,
        mode = mode.as_str(),
        verified_only,
        "conversation verification set"
    );
    Ok(())
}

/// The checks every participant's verification starts with: the conversation is open, offers `mode`, and this
/// address is within its limit.
async fn may_verify(
    tx: &mut store::Tx,
    assembly_id: i64,
    device: &Device<'_>,
    mode: VerificationMode,
    now: i64,
) -> Result<std::result::Result<(), Refused>> {
    if open_conversation(tx, assembly_id).await?.is_err() {
        return Ok(Err(Refused::Closed));
    }
    if store::conversation_verify::mode(tx, assembly_id).await? != mode {
        return Ok(Err(Refused::NotOffered));
    }
    if !within_limit(tx, "conversation-verify", device.client, VERIFY_LIMIT, now).await? {
        return Ok(Err(Refused::TooMany));
    }
    Ok(Ok(()))
}

/// Sends a one-time code to `email` for this device's participant (joined if needed), replacing any code sent
/// before (audited `conversation.email_code`, without the address). The address is stored apart from the votes
/// until the participant is erased; one address verifies one participant of a conversation.
pub async fn send_email_code(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    device: &Device<'_>,
    email: &Email,
    lang: &str,
    now: i64,
) -> Result<Done<std::result::Result<Joined, Refused>>> {
    if let Err(refused) = may_verify(tx, assembly_id, device, VerificationMode::Email, now).await? {
        return Ok(Done::pure(Err(refused)));
    }
    let joined = match join(tx, assembly_id, device, now).await? {
        Ok(joined) => joined,
        Err(_) => return Ok(Done::pure(Err(Refused::TooMany))),
    };
    let participant_id = joined.participant_id;
    if store::conversation_verify::email_taken(tx, assembly_id, participant_id, email.as_str())
        .await?
    {
        return Ok(Done::pure(Err(Refused::EmailTaken)));
    }
    let code = new_code()?;
    let expires_at = now + EMAIL_CODE_SECONDS;
    let entity = format!("assembly:{assembly_id}/conversation");
    audited(
        tx,
        actor,
        "conversation.email_code",
        &entity,
        now,
        async |tx| {
            store::conversation_verify::start_email_check(
                tx,
                assembly_id,
                participant_id,
                email.as_str(),
                &code_hash("email", assembly_id, participant_id, &code),
                expires_at,
            )
            .await?;
            Ok(((), Entry::after(json!({ "sent": true }))))
        },
    )
    .await?;
    let title = store::assemblies::get_assembly(tx, assembly_id)
        .await?
        .title;
    let mut effects = Effects::new();
    effects.push(Effect::Mail(Mail::ConversationCode {
        to: email.as_str().to_owned(),
        lang: lang.to_owned(),
        assembly_id,
        code: code.display(),
        expires: format!(
            "{} {:02}:{:02} UTC",
            crate::dates::utc_date(expires_at),
            expires_at.rem_euclid(86_400) / 3600,
            expires_at.rem_euclid(3600) / 60
        ),
        title,
    }));
    tracing::info!(assembly_id, "conversation email code sent");
    Ok(Done::with(Ok(joined), effects))
}

/// Confirms this device's email with the code sent to it; the participant is then verified (audited
/// `conversation.verified`, without the participant). A wrong code counts an attempt (the caller commits).
pub async fn confirm_email(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    device: &Device<'_>,
    code: &OneTimeCode,
    now: i64,
) -> Result<std::result::Result<(), Refused>> {
    if let Err(refused) = may_verify(tx, assembly_id, device, VerificationMode::Email, now).await? {
        return Ok(Err(refused));
    }
    let participant = match device.token {
        Some(token) => {
            let hash = token_hash(assembly_id, token);
            store::conversation::participant_by_token(tx, assembly_id, &hash).await?
        }
        None => None,
    };
    let Some(participant_id) = participant else {
        return Ok(Err(Refused::NoCode));
    };
    let Some(check) =
        store::conversation_verify::email_check(tx, assembly_id, participant_id).await?
    else {
        return Ok(Err(Refused::NoCode));
    };
    if check.verified_at.is_some() {
        return Ok(Ok(()));
    }
    if check.expires_at < now || check.attempts >= EMAIL_CODE_ATTEMPTS {
        return Ok(Err(Refused::NoCode));
    }
    let expected = code_hash("email", assembly_id, participant_id, code);
    // Hashes are compared, never the code itself: the comparison's timing tells nothing about the code.
    if expected != check.code_hash {
        store::conversation_verify::count_wrong_code(tx, assembly_id, participant_id).await?;
        return Ok(Err(Refused::WrongCode));
    }
    let entity = format!("assembly:{assembly_id}/conversation");
    audited(
        tx,
        actor,
        "conversation.verified",
        &entity,
        now,
        async |tx| {
            store::conversation_verify::confirm_email(tx, assembly_id, participant_id, now).await?;
            Ok(((), Entry::after(json!({ "by": "email" }))))
        },
    )
    .await?;
    tracing::info!(assembly_id, "conversation participant verified by email");
    Ok(Ok(()))
}

/// Makes `count` invitation codes for a conversation (1 to [`MAX_INVITATIONS`]) and stores their hashes (audited
/// `conversation.invitations` with the batch and the count). The codes are returned once, for the organisers'
/// printable list: they cannot be read back later.
pub async fn issue_invitations(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    count: usize,
    now: i64,
) -> Result<(i64, Vec<OneTimeCode>)> {
    if count == 0 {
        return Err(ValidationError::new("count", Problem::Required).into());
    }
    if count > MAX_INVITATIONS {
        let too_many = Problem::TooMany {
            max: MAX_INVITATIONS,
        };
        return Err(ValidationError::new("count", too_many).into());
    }
    if store::conversation::get(tx, assembly_id).await?.is_none() {
        return Err(Error::NotFound);
    }
    let codes = (0..count).map(|_| new_code()).collect::<Result<Vec<_>>>()?;
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| code_hash("invitation", assembly_id, 0, code))
        .collect();
    let entity = format!("assembly:{assembly_id}/conversation");
    let batch = audited(
        tx,
        actor,
        "conversation.invitations",
        &entity,
        now,
        async |tx| {
            let batch =
                store::conversation_verify::add_invitations(tx, assembly_id, &hashes, now).await?;
            Ok((
                batch,
                Entry::after(json!({ "batch": batch, "count": count })),
            ))
        },
    )
    .await?;
    tracing::info!(
        assembly_id,
        batch,
        count,
        "conversation invitation codes issued"
    );
    Ok((batch, codes))
}

/// Spends an invitation code for this device's participant (joined if needed), who is then verified (audited
/// `conversation.verified`, without the participant or the code).
pub async fn redeem_invitation(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    device: &Device<'_>,
    code: &OneTimeCode,
    now: i64,
) -> Result<std::result::Result<Joined, Refused>> {
    if let Err(refused) =
        may_verify(tx, assembly_id, device, VerificationMode::Invitation, now).await?
    {
        return Ok(Err(refused));
    }
    let hash = code_hash("invitation", assembly_id, 0, code);
    let joined = match join(tx, assembly_id, device, now).await? {
        Ok(joined) => joined,
        Err(_) => return Ok(Err(Refused::TooMany)),
    };
    let participant_id = joined.participant_id;
    if store::conversation_verify::is_verified(tx, assembly_id, participant_id).await? {
        return Ok(Ok(joined));
    }
    let entity = format!("assembly:{assembly_id}/conversation");
    let used = audited(
        tx,
        actor,
        "conversation.verified",
        &entity,
        now,
        async |tx| {
            let used = store::conversation_verify::use_invitation(
                tx,
                assembly_id,
                participant_id,
                &hash,
                now,
            )
            .await?;
            Ok((
                used,
                Entry::after(json!({ "by": "invitation", "ok": used })),
            ))
        },
    )
    .await?;
    if !used {
        return Ok(Err(Refused::WrongCode));
    }
    tracing::info!(
        assembly_id,
        "conversation participant verified by invitation"
    );
    Ok(Ok(joined))
}

/// A participant's answers, checked against the assembly's questions: `None` is "prefer not to say".
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Answers(Vec<(String, Option<String>)>);

impl std::fmt::Debug for Answers {
    // Demographic answers are personal data: Debug shows how many there are only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Answers({})", self.0.len())
    }
}

impl Answers {
    /// Checks what the form sent (`field` → value, fields named `q_0`, `q_1`... in the questions' order) against
    /// `questions`; an empty value is "prefer not to say", an unknown value is an error naming its field.
    pub fn parse(
        questions: &[Feature],
        sent: &std::collections::HashMap<String, String>,
    ) -> std::result::Result<Answers, Vec<ValidationError>> {
        let mut answers = Vec::new();
        let mut errors = Vec::new();
        for (index, question) in questions.iter().enumerate() {
            let field = format!("q_{index}");
            let value = sent.get(&field).map(|value| value.trim()).unwrap_or("");
            if value.is_empty() {
                answers.push((question.name.clone(), None));
            } else if question.values.iter().any(|known| known == value) {
                answers.push((question.name.clone(), Some(value.to_owned())));
            } else {
                errors.push(ValidationError::new(&field, Problem::Malformed));
            }
        }
        if errors.is_empty() {
            Ok(Answers(answers))
        } else {
            Err(errors)
        }
    }

    /// The answers by feature.
    pub fn items(&self) -> &[(String, Option<String>)] {
        &self.0
    }
}

/// The demographic questions of a conversation: the assembly's features (with the area), in their order.
pub async fn questions(conn: &mut store::AnyConnection, assembly_id: i64) -> Result<Vec<Feature>> {
    stored_features(conn, assembly_id).await
}

/// Saves this device's answers to the demographic questions (joining the device if needed), apart from its votes
/// (audited `conversation.answers` with the number answered only, never the answers).
pub async fn save_answers(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    device: &Device<'_>,
    answers: &Answers,
    now: i64,
) -> Result<std::result::Result<Joined, Refused>> {
    if open_conversation(tx, assembly_id).await?.is_err() {
        return Ok(Err(Refused::Closed));
    }
    if !within_limit(tx, "conversation-answers", device.client, ANSWER_LIMIT, now).await? {
        return Ok(Err(Refused::TooMany));
    }
    let joined = match join(tx, assembly_id, device, now).await? {
        Ok(joined) => joined,
        Err(_) => return Ok(Err(Refused::TooMany)),
    };
    let participant_id = joined.participant_id;
    let entity = format!("assembly:{assembly_id}/conversation");
    audited(
        tx,
        actor,
        "conversation.answers",
        &entity,
        now,
        async |tx| {
            let mut answered = 0;
            for (feature, value) in answers.items() {
                match value {
                    Some(value) => {
                        answered += 1;
                        store::conversation::set_answer(
                            tx,
                            assembly_id,
                            participant_id,
                            feature,
                            value,
                        )
                        .await?;
                    }
                    None => {
                        store::conversation_verify::clear_answer(
                            tx,
                            assembly_id,
                            participant_id,
                            feature,
                        )
                        .await?
                    }
                }
            }
            Ok(((), Entry::after(json!({ "answered": answered }))))
        },
    )
    .await?;
    Ok(Ok(joined))
}

/// What the "about you" page shows a device.
#[derive(Clone)]
pub struct Profile {
    /// The conversation's verification mode.
    pub mode: VerificationMode,
    /// Whether the conversation is open.
    pub open: bool,
    /// Whether this device has taken part.
    pub participant: bool,
    /// Whether this device's participant verified.
    pub verified: bool,
    /// Whether an email code was sent to this device and can still be entered.
    pub code_sent: bool,
    /// The demographic questions.
    pub questions: Vec<Feature>,
    /// This device's answers, by feature.
    pub answers: std::collections::HashMap<String, String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("mode", &self.mode)
            .field("verified", &self.verified)
            .finish_non_exhaustive()
    }
}

/// The "about you" page of a device. [`Error::NotFound`] if the assembly has no conversation.
pub async fn profile(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    token: Option<&str>,
    now: i64,
) -> Result<Profile> {
    let conversation = store::conversation::get(conn, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mode = store::conversation_verify::mode(conn, assembly_id).await?;
    let participant = match token {
        Some(token) => {
            let hash = token_hash(assembly_id, token);
            store::conversation::participant_by_token(conn, assembly_id, &hash).await?
        }
        None => None,
    };
    let (verified, code_sent, answers) = match participant {
        Some(id) => {
            let verified = store::conversation_verify::is_verified(conn, assembly_id, id).await?;
            let code_sent = store::conversation_verify::email_check(conn, assembly_id, id)
                .await?
                .is_some_and(|check| {
                    check.verified_at.is_none()
                        && check.expires_at >= now
                        && check.attempts < EMAIL_CODE_ATTEMPTS
                });
            let answers = store::conversation_verify::answers_of(conn, assembly_id, id)
                .await?
                .into_iter()
                .collect();
            (verified, code_sent, answers)
        }
        None => (false, false, Default::default()),
    };
    Ok(Profile {
        mode,
        open: conversation.settings.is_open,
        participant: participant.is_some(),
        verified,
        code_sent,
        questions: questions(conn, assembly_id).await?,
        answers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<Feature> {
        vec![
            Feature {
                name: "gender".into(),
                values: vec!["woman".into(), "man".into()],
            },
            Feature {
                name: "age_band".into(),
                values: vec!["16-29".into(), "30-44".into()],
            },
        ]
    }

    #[test]
    fn answers_are_known_values_or_prefer_not_to_say_and_errors_name_the_field() {
        let sent = [("q_0".to_owned(), "woman".to_owned())]
            .into_iter()
            .collect();
        let answers = Answers::parse(&questions(), &sent).unwrap();
        assert_eq!(
            answers.items(),
            &[
                ("gender".to_owned(), Some("woman".to_owned())),
                ("age_band".to_owned(), None)
            ]
        );
        let sent = [
            ("q_0".to_owned(), "woman".to_owned()),
            ("q_1".to_owned(), "90+".to_owned()),
        ]
        .into_iter()
        .collect();
        let errors = Answers::parse(&questions(), &sent).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "q_1");
        assert_eq!(format!("{answers:?}"), "Answers(2)");
    }

    #[test]
    fn a_code_hash_depends_on_purpose_conversation_and_participant() {
        let code = OneTimeCode::parse("01Z0-8HJK-MNPZ").unwrap();
        let base = code_hash("email", 1, 2, &code);
        assert_ne!(base, code_hash("invitation", 1, 2, &code));
        assert_ne!(base, code_hash("email", 3, 2, &code));
        assert_ne!(base, code_hash("email", 1, 4, &code));
        assert_eq!(base, code_hash("email", 1, 2, &code));
    }
}
