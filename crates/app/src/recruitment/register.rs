//! Registration: the public form ([`registration_form`], [`screen_registration`], [`register`]) and the staff's
//! registration of someone who phones in ([`register_by_phone`]), with the same rules.
//!
//! Bot protection needs no CAPTCHA: a hidden honeypot field (a filled one gets the success page and nothing is
//! stored), a timing token signed with a server secret kept in the database (HMAC-SHA-256 of the render time; a
//! form sent faster than [`MIN_FORM_SECONDS`] or older than [`MAX_FORM_SECONDS`] is refused, and a token is spent
//! by the registration that uses it, [`spend_form_token`], so it cannot be replayed), and a rate limit per client
//! address counted in the database (under a key derived from the server secret, never the address). A household's seats are taken with a
//! conditional update in the registration's transaction, so the last seat cannot be given twice.

use std::collections::BTreeMap;

use ::recruitment::RecruitmentError;
use ::recruitment::codes::{InvitationCode, parse_code};
use domain::account::Email;
use domain::error::{Problem, ValidationError};
use domain::respondent::ConsentMethod;
use store::AnyConnection;
use store::recruitment::{ClaimRefusal, NewRespondent};

use super::questions::{
    AccessNeeds, AnswerFields, Feature, answers_json, area_feature, check_answers,
    registration_questions,
};
use crate::audit::{Entry, audited, audited_creation};
use crate::effect::{Effect, Effects, Mail};
use crate::{Actor, Done, Error, Result};

/// The fewest seconds between showing the registration form and accepting it (people take longer than bots).
pub const MIN_FORM_SECONDS: i64 = 3;
/// The most seconds a registration form stays valid.
pub const MAX_FORM_SECONDS: i64 = 24 * 3600;
/// Registrations accepted from one client address per [`RATE_WINDOW_SECONDS`].
pub const RATE_MAX_HITS: i64 = 30;
/// The rate-limit window.
pub const RATE_WINDOW_SECONDS: i64 = 3600;

/// The timing token of a form shown at `issued_at`: `{issued_at}.{nonce}.{hex HMAC-SHA-256}` under `secret`. The
/// nonce (random, from [`fresh_nonce`]) makes every form's token different, so that spending one
/// ([`spend_form_token`]) does not spend the token of another form shown in the same second.
pub fn sign_form(secret: &str, assembly_id: i64, issued_at: i64, nonce: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, form_message(assembly_id, issued_at, nonce).as_bytes());
    format!("{issued_at}.{nonce}.{}", hex::encode(tag.as_ref()))
}

/// A fresh nonce for [`sign_form`]: 16 random bytes in hex.
pub fn fresh_nonce() -> Result<String> {
    Ok(hex::encode(crate::random::bytes::<16>()?))
}

fn form_message(assembly_id: i64, issued_at: i64, nonce: &str) -> String {
    format!("register:{assembly_id}:{issued_at}:{nonce}")
}

/// Whether a form token is genuine for this assembly (checked in constant time) and was issued between
/// [`MAX_FORM_SECONDS`] and [`MIN_FORM_SECONDS`] before `now`.
pub fn form_token_ok(secret: &str, assembly_id: i64, token: &str, now: i64) -> bool {
    let mut parts = token.splitn(3, '.');
    let (Some(issued), Some(nonce), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(issued_at), Ok(tag)) = (issued.parse::<i64>(), hex::decode(tag)) else {
        return false;
    };
    if nonce.len() != 32 || !nonce.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return false;
    }
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let message = form_message(assembly_id, issued_at, nonce);
    let genuine = ring::hmac::verify(&key, message.as_bytes(), &tag).is_ok();
    // The token must read back exactly as signed (no leading zeros or a sign added to the time).
    genuine
        && issued_at.to_string() == issued
        && (MIN_FORM_SECONDS..=MAX_FORM_SECONDS).contains(&(now - issued_at))
}

/// Spends a registration form's timing token: call it in the registration's transaction, after
/// [`form_token_ok`] accepted the token. `false` (nothing written) when a registration already used it, so a script
/// cannot replay one genuine token for 24 hours; the spent token is kept (hashed) until it would have expired.
pub async fn spend_form_token(tx: &mut store::Tx, token: &str, now: i64) -> Result<bool> {
    let issued_at = token
        .split_once('.')
        .and_then(|(issued, _)| issued.parse::<i64>().ok())
        .unwrap_or(now);
    let token_hash = store::sha256_hex(token.as_bytes());
    Ok(
        store::recruitment::spend_form_token(tx, &token_hash, issued_at + MAX_FORM_SECONDS, now)
            .await?,
    )
}

/// The registration form's secret, created on first use (every server instance then reads the same one).
async fn form_secret(conn: &mut AnyConnection) -> Result<String> {
    let fresh = hex::encode(crate::random::bytes::<32>()?);
    Ok(store::recruitment::server_secret(conn, "registration_form", &fresh).await?)
}

/// What the registration form shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationForm {
    /// The assembly's title.
    pub title: String,
    /// The assembly's own questions (empty: the default gender and age-band questions).
    pub questions: Vec<Feature>,
    /// A fresh timing token.
    pub token: String,
}

/// The registration form of an assembly ([`Error::NotFound`] for no such assembly), with a fresh timing token.
pub async fn registration_form(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<RegistrationForm> {
    let record = store::assemblies::get_assembly(conn, assembly_id).await?;
    let secret = form_secret(conn).await?;
    Ok(RegistrationForm {
        title: record.title,
        questions: registration_questions(conn, assembly_id).await?,
        token: sign_form(&secret, assembly_id, now, &fresh_nonce()?),
    })
}

/// The title of the assembly on the thank-you page ([`Error::NotFound`] for no such assembly).
pub async fn registered(conn: &mut AnyConnection, assembly_id: i64) -> Result<String> {
    Ok(store::assemblies::get_assembly(conn, assembly_id)
        .await?
        .title)
}

/// The bot checks of a public registration.
#[derive(Debug, Clone, Copy)]
pub struct BotCheck<'a> {
    /// The hidden honeypot field (empty from people).
    pub honeypot: &'a str,
    /// The timing token the form carried.
    pub form_token: &'a str,
    /// The key of the client's address for the rate limit: a keyed hash under the server secret (`web` derives it
    /// with `ServerSecret::private_key`), never the address or its plain hash.
    pub client_key: &'a str,
}

/// The verdict of the bot checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screening {
    /// A person, as far as we can tell: go on with the registration.
    Passed,
    /// The honeypot was filled: answer as if it worked, so the bot learns nothing, and store nothing.
    Honeypot,
    /// The form came back too fast or too late.
    Timing,
    /// Too many registrations from this client address.
    TooMany,
}

/// Runs the bot checks of a public registration in order (the assembly exists, the honeypot, the timing token,
/// then one hit of the rate limit). The caller commits `tx` whatever the verdict, so that the hit counts even when
/// the registration is then refused: this is why it is a use case of its own, apart from [`register`].
pub async fn screen_registration(
    tx: &mut store::Tx,
    assembly_id: i64,
    check: &BotCheck<'_>,
    now: i64,
) -> Result<Screening> {
    store::assemblies::get_assembly(tx, assembly_id).await?;
    if !check.honeypot.is_empty() {
        tracing::info!(assembly_id, "registration honeypot filled");
        return Ok(Screening::Honeypot);
    }
    let secret = form_secret(tx).await?;
    if !form_token_ok(&secret, assembly_id, check.form_token, now) {
        tracing::info!(assembly_id, "registration form token refused");
        return Ok(Screening::Timing);
    }
    let within = store::recruitment::rate_limit_hit(
        tx,
        check.client_key,
        now,
        RATE_WINDOW_SECONDS,
        RATE_MAX_HITS,
    )
    .await?;
    if !within {
        tracing::info!(assembly_id, "registration rate limit reached");
        return Ok(Screening::TooMany);
    }
    Ok(Screening::Passed)
}

/// A person's details, checked by the form (personal data: never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    /// The full name.
    pub full_name: String,
    /// The email.
    pub email: Email,
    /// The phone, or empty.
    pub phone: String,
    /// The access needs.
    pub access: AccessNeeds,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person").finish_non_exhaustive()
    }
}

/// What the registration rules check, as the form sent it: the invitation code as typed, whether consent was
/// given, and the answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    /// The invitation code as typed (empty: none).
    pub code: String,
    /// Whether the consent box was ticked.
    pub consent: bool,
    /// The answers.
    pub answers: AnswerFields,
}

/// A registration: the person and their choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The person.
    pub person: Person,
    /// The code, consent and answers.
    pub choices: Choices,
}

/// What is wrong with an invitation code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// None was given where one is needed.
    Missing,
    /// It is not shaped like a code (length, alphabet).
    Format,
    /// Its check character does not match: one character looks mistyped.
    Check,
    /// No invitation to this assembly has it.
    Unknown,
    /// Every seat of the household is taken.
    Used,
}

/// Why a registration is refused; `web` words each problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationProblem {
    /// The invitation code.
    Code(CodeProblem),
    /// An answer to a default question (the error names its field, `gender` or `age_band`).
    Answer(ValidationError),
    /// An answer to one of the assembly's own questions.
    FeatureAnswer {
        /// The feature, as the organisers wrote it.
        feature: String,
        /// What is wrong.
        problem: Problem,
    },
    /// Consent was not given.
    NoConsent,
}

/// A registration refused, or another failure.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The rules refused it (every problem at once; nothing was stored).
    #[error("the registration was refused")]
    Refused(Vec<RegistrationProblem>),
    /// Anything else.
    #[error(transparent)]
    App(#[from] Error),
}

impl From<store::StoreError> for RegisterError {
    fn from(error: store::StoreError) -> RegisterError {
        RegisterError::App(error.into())
    }
}

/// The choices that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedChoices {
    /// The invitation code, if one was given.
    pub code: Option<InvitationCode>,
    /// The answers by feature name.
    pub answers: BTreeMap<String, String>,
}

/// Checks the choices against the rules of registration (pure; every problem at once, in the form's order): the
/// invitation code (required on the public form, optional by phone), the answers against `questions`, consent.
pub fn check_choices(
    questions: &[Feature],
    choices: &Choices,
    code_required: bool,
) -> std::result::Result<CheckedChoices, Vec<RegistrationProblem>> {
    let mut problems = Vec::new();
    let code = match parse_code(&choices.code) {
        Ok(code) => Some(code),
        Err(_) if choices.code.trim().is_empty() => {
            if code_required {
                problems.push(RegistrationProblem::Code(CodeProblem::Missing));
            }
            None
        }
        Err(RecruitmentError::CodeCheck) => {
            problems.push(RegistrationProblem::Code(CodeProblem::Check));
            None
        }
        Err(_) => {
            problems.push(RegistrationProblem::Code(CodeProblem::Format));
            None
        }
    };
    let answers = check_answers(questions, &choices.answers)
        .map_err(|errors| {
            problems.extend(errors.into_iter().map(|error| {
                if questions.is_empty() {
                    RegistrationProblem::Answer(error)
                } else {
                    RegistrationProblem::FeatureAnswer {
                        feature: error.field,
                        problem: error.problem,
                    }
                }
            }));
        })
        .ok();
    if !choices.consent {
        problems.push(RegistrationProblem::NoConsent);
    }
    match answers {
        Some(answers) if problems.is_empty() => Ok(CheckedChoices { code, answers }),
        _ => Err(problems),
    }
}

/// Checks the choices and stores the respondent (status `registered`) in the caller's transaction, with how
/// consent was given and the language of their emails: claims a seat of the household when a code was given (the
/// area then comes from the invitation), adds the respondent, and appends the audit entry (ids only). A refusal
/// leaves the transaction for the caller to drop.
#[allow(clippy::too_many_arguments)]
async fn store_registration(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    registration: &Registration,
    code_required: bool,
    consent: (ConsentMethod, Option<i64>),
    lang: &str,
    now: i64,
) -> std::result::Result<i64, RegisterError> {
    store::assemblies::get_assembly(tx, assembly_id).await?;
    let questions = registration_questions(tx, assembly_id).await?;
    let checked = check_choices(&questions, &registration.choices, code_required)
        .map_err(RegisterError::Refused)?;
    let mut answers = checked.answers;
    let invitation_id = match &checked.code {
        Some(code) => {
            match store::recruitment::claim_invitation(tx, assembly_id, &code.to_string()).await? {
                Ok((invitation_id, area)) => {
                    answers.insert(area_feature(tx, assembly_id).await?, area);
                    Some(invitation_id)
                }
                Err(refusal) => {
                    let problem = match refusal {
                        ClaimRefusal::Unknown => CodeProblem::Unknown,
                        ClaimRefusal::Exhausted => CodeProblem::Used,
                    };
                    return Err(RegisterError::Refused(vec![RegistrationProblem::Code(
                        problem,
                    )]));
                }
            }
        }
        None => None,
    };
    let person = &registration.person;
    let features_json = answers_json(&answers);
    let access_json = person.access.to_json();
    let (method, recorded_by) = consent;
    let respondent_id = audited_creation(tx, actor, "respondent.register", now, async |tx| {
        let respondent_id = store::recruitment::add_respondent(
            tx,
            &NewRespondent {
                assembly_id,
                invitation_id,
                full_name: &person.full_name,
                email: person.email.as_str(),
                phone: &person.phone,
                features_json: &features_json,
                access_needs_json: &access_json,
                consent_at: now,
            },
            now,
        )
        .await?;
        if method == ConsentMethod::Online {
            store::members::record_registration(tx, assembly_id, respondent_id, method, None, lang)
                .await?;
        }
        let after = serde_json::json!({
            "id": respondent_id,
            "assembly_id": assembly_id,
            "invitation_id": invitation_id,
            "status": "registered",
        });
        Ok((
            respondent_id,
            format!("respondent:{respondent_id}"),
            Entry::after(after),
        ))
    })
    .await?;
    if method != ConsentMethod::Online {
        // Verbal consent names the staff member who recorded it: an entry of its own.
        let entity = format!("respondent:{respondent_id}");
        audited(tx, actor, "respondent.phone", &entity, now, async |tx| {
            store::members::record_registration(
                tx,
                assembly_id,
                respondent_id,
                method,
                recorded_by,
                lang,
            )
            .await?;
            let after = serde_json::json!({
                "respondent_id": respondent_id,
                "consent": method.as_str(),
                "recorded_by": recorded_by,
            });
            Ok(((), Entry::after(after)))
        })
        .await?;
    }
    Ok(respondent_id)
}

/// The confirmation email of a registration just stored.
async fn confirmation(
    tx: &mut store::Tx,
    assembly_id: i64,
    respondent_id: i64,
    person: &Person,
    lang: &str,
) -> Result<Effects> {
    let title = store::assemblies::get_assembly(tx, assembly_id)
        .await?
        .title;
    let mut effects = Effects::new();
    effects.push(Effect::Mail(Mail::RegistrationConfirmation {
        to: person.email.as_str().to_owned(),
        lang: lang.to_owned(),
        respondent_id,
        name: person.full_name.clone(),
        title,
    }));
    Ok(effects)
}

/// A public registration (after [`screen_registration`] passed), in the caller's transaction: the code is
/// required, consent is recorded as given online, and the confirmation email (in `lang`, the form's language)
/// comes back as an effect. Returns the respondent's id.
pub async fn register(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    registration: &Registration,
    lang: &str,
    now: i64,
) -> std::result::Result<Done<i64>, RegisterError> {
    let consent = (ConsentMethod::Online, None);
    let respondent_id = store_registration(
        tx,
        actor,
        assembly_id,
        registration,
        true,
        consent,
        lang,
        now,
    )
    .await?;
    tracing::info!(assembly_id, respondent_id, "respondent registered");
    let effects = confirmation(tx, assembly_id, respondent_id, &registration.person, lang).await?;
    Ok(Done::with(respondent_id, effects))
}

/// A staff member registers someone who phones in, in the caller's transaction: the same rules as the public
/// form, but the code is optional (checked and counted against the household when given) and consent is recorded
/// as verbal, given to the signed-in staff member (audited as `respondent.phone`). The confirmation email, in the
/// person's language `lang`, comes back as an effect. Returns the respondent's id.
pub async fn register_by_phone(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    registration: &Registration,
    lang: &str,
    now: i64,
) -> std::result::Result<Done<i64>, RegisterError> {
    let staff = actor.account()?;
    let consent = (ConsentMethod::Verbal, Some(staff));
    let respondent_id = store_registration(
        tx,
        actor,
        assembly_id,
        registration,
        false,
        consent,
        lang,
        now,
    )
    .await?;
    tracing::info!(assembly_id, respondent_id, "respondent registered by phone");
    let effects = confirmation(tx, assembly_id, respondent_id, &registration.person, lang).await?;
    Ok(Done::with(respondent_id, effects))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timing_token_is_hmac_sha_256_as_rfc_4231_test_case_2() {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"Jefe");
        let tag = ring::hmac::sign(&key, b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(tag.as_ref()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn form_tokens_are_refused_when_forged_too_fast_or_too_old() {
        let nonce = "0123456789abcdef0123456789abcdef";
        let token = sign_form("secret", 7, 1000, nonce);
        assert!(form_token_ok("secret", 7, &token, 1000 + MIN_FORM_SECONDS));
        assert_ne!(token, sign_form("secret", 7, 1000, &fresh_nonce().unwrap()));
        let other_nonce = token.replace(nonce, "fedcba9876543210fedcba9876543210");
        assert!(
            !form_token_ok("secret", 7, &other_nonce, 1010),
            "the nonce is signed"
        );
        assert!(!form_token_ok("secret", 7, &token, 1001));
        assert!(!form_token_ok(
            "secret",
            7,
            &token,
            1000 + MAX_FORM_SECONDS + 1
        ));
        assert!(!form_token_ok("other", 7, &token, 1010));
        assert!(!form_token_ok("secret", 8, &token, 1010));
        assert!(!form_token_ok("secret", 7, "990.abc", 1010));
        assert!(!form_token_ok("secret", 7, "", 1010));
        let padded = format!("0{token}");
        assert!(!form_token_ok("secret", 7, &padded, 1010));
    }

    #[test]
    fn choices_report_every_problem_in_the_forms_order() {
        let choices = Choices {
            code: "K7QM-3XPD-9B".into(),
            consent: false,
            answers: AnswerFields::default(),
        };
        let problems = check_choices(&[], &choices, true).unwrap_err();
        assert!(matches!(
            problems[0],
            RegistrationProblem::Code(CodeProblem::Check | CodeProblem::Format)
        ));
        assert_eq!(problems.last(), Some(&RegistrationProblem::NoConsent));
        let none = Choices::default();
        assert_eq!(
            check_choices(&[], &none, true).unwrap_err()[0],
            RegistrationProblem::Code(CodeProblem::Missing)
        );
        assert!(
            !check_choices(&[], &none, false)
                .unwrap_err()
                .contains(&RegistrationProblem::Code(CodeProblem::Missing))
        );
    }
}
