//! Delivering members' one-time sign-in codes (issue 18, item 2) so that no staff member ever reads one.
//!
//! Admitting a member (`members::admit`) or adding one by hand asks for a delivery ([`request`]): a row
//! that says a code must reach this member by email, SMS or a printed letter, with no code in it. A deliverer (any
//! server instance) claims the oldest due row ([`claim_next`]), issues a fresh code in the claiming transaction
//! (only its hash is stored) and, after commit, sends it and records the outcome ([`record_outcome`]). Letters are
//! printed in batches ([`print_letters`]): their codes are issued when the batch is made, and the batch page is the
//! one place a code is ever rendered, for the post. Staff see each delivery's channel and outcome, never a code,
//! and can send one again or by another channel ([`resend`]).

use domain::delivery::{Channel, DeliveryStatus};
use store::deliveries::{DeliveryRow, NewDelivery, Recipient};

use domain::account::OneTimeCode;
use store::AnyConnection;
use store::accounts::AccountRow;

use crate::audit::{Entry, audited, audited_creation};
use crate::{Actor, Error, Result};

/// Whether `account` may be issued a sign-in code and sign in with one: a code-only account that is not an
/// administrator and has no role but Member anywhere ([`domain::account::may_sign_in_with_code`]).
pub async fn may_use_code(conn: &mut AnyConnection, account: &AccountRow) -> Result<bool> {
    // A disabled account signs in by no means.
    if account.disabled {
        return Ok(false);
    }
    let roles = store::accounts::roles_of(conn, account.id).await?;
    Ok(domain::account::may_sign_in_with_code(
        account.sign_in_method,
        account.is_admin,
        roles.into_iter().map(|(_, role)| role),
    ))
}

/// A sign-in code just stored: what to print or email (the store keeps only its hash).
#[derive(Clone, PartialEq, Eq)]
pub struct NewCode {
    /// The code's id.
    pub id: i64,
    /// The code, as printed (`XXXX-XXXX-XXXX`).
    pub display: String,
    /// The last day it works (`YYYY-MM-DD`, UTC).
    pub expires_on: String,
}

impl std::fmt::Debug for NewCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCode")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Issues a one-time sign-in code for `account_id`, valid `seconds` from `now` (older codes of the account stop
/// working), audited with `facts` (ids only). The caller decides who sees it, as an effect.
pub async fn issue_code(
    tx: &mut store::Tx,
    actor: &Actor,
    account_id: i64,
    seconds: i64,
    facts: serde_json::Value,
    now: i64,
) -> Result<NewCode> {
    let code = OneTimeCode::from_random(crate::random::bytes()?);
    let expires_at = now + seconds;
    audited_creation(tx, actor, "sign_in_code.issue", now, async |tx| {
        let hash = store::sha256_hex(code.canonical().as_bytes());
        let id = store::auth::create_sign_in_code(tx, account_id, &hash, now, expires_at).await?;
        let mut after = serde_json::json!({ "expires_at": expires_at });
        if let (Some(after), Some(facts)) = (after.as_object_mut(), facts.as_object()) {
            after.extend(facts.clone());
        }
        let new = NewCode {
            id,
            display: code.display(),
            expires_on: crate::dates::utc_date(expires_at),
        };
        Ok((
            new,
            format!("account:{account_id}/sign_in_code:{id}"),
            Entry::after(after),
        ))
    })
    .await
}

/// The most letters in one printed batch.
pub const LETTER_BATCH: i64 = 500;

/// What a delivery is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRequest<'a> {
    /// The assembly.
    pub assembly_id: i64,
    /// The member's account.
    pub account_id: i64,
    /// The respondent the member came from, if any.
    pub respondent_id: Option<i64>,
    /// The channel.
    pub channel: Channel,
    /// The language of the message.
    pub lang: &'a str,
    /// How long the code stays valid once issued.
    pub valid_seconds: i64,
}

/// Asks for a code to be delivered to a member (audited `code_delivery.request`, ids and channel only); the
/// member's unfinished earlier deliveries in the assembly are cancelled, so one code at a time is on its way.
pub async fn request(
    tx: &mut store::Tx,
    actor: &Actor,
    request: &DeliveryRequest<'_>,
    now: i64,
) -> Result<i64> {
    audited_creation(tx, actor, "code_delivery.request", now, async |tx| {
        let cancelled =
            store::deliveries::cancel_for(tx, request.assembly_id, request.account_id, now).await?;
        let new = NewDelivery {
            assembly_id: request.assembly_id,
            account_id: request.account_id,
            respondent_id: request.respondent_id,
            channel: request.channel,
            lang: request.lang,
            valid_seconds: request.valid_seconds,
        };
        let id = store::deliveries::create(tx, &new, now).await?;
        let after = serde_json::json!({
            "account_id": request.account_id,
            "respondent_id": request.respondent_id,
            "channel": request.channel.as_str(),
            "cancelled": cancelled,
        });
        Ok((
            id,
            format!("assembly:{}/code_delivery:{id}", request.assembly_id),
            Entry::after(after),
        ))
    })
    .await
}

/// A code claimed for sending: the delivery, where it goes and the code itself (no `Debug` of the code).
#[derive(Clone, PartialEq, Eq)]
pub struct CodeToSend {
    /// The claimed delivery.
    pub delivery: DeliveryRow,
    /// The member's contact details.
    pub recipient: Recipient,
    /// The fresh code.
    pub code: NewCode,
}

impl std::fmt::Debug for CodeToSend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeToSend")
            .field("delivery_id", &self.delivery.id)
            .finish_non_exhaustive()
    }
}

/// What [`claim_next`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// Nothing is due.
    Nothing,
    /// A delivery that cannot be made was closed (its id): the account may no longer sign in with a code, or an
    /// SMS has no phone number to go to.
    Closed(i64),
    /// A code to send after commit.
    Send(Box<CodeToSend>),
}

/// Claims the oldest due email or SMS delivery (by the system, in the caller's transaction) and issues its code
/// (audited `sign_in_code.issue`); the caller commits, sends, then calls [`record_outcome`].
pub async fn claim_next(tx: &mut store::Tx, now: i64) -> Result<Claimed> {
    let Some(delivery) = store::deliveries::claim_next(tx, now).await? else {
        return Ok(Claimed::Nothing);
    };
    match prepare(tx, &delivery, now).await? {
        Ok((recipient, code)) => Ok(Claimed::Send(Box::new(CodeToSend {
            delivery,
            recipient,
            code,
        }))),
        Err(reason) => {
            close(tx, &delivery, DeliveryStatus::Failed, reason, now).await?;
            Ok(Claimed::Closed(delivery.id))
        }
    }
}

/// Checks that the delivery can be made and issues its code; `Err` with the reason it cannot.
async fn prepare(
    tx: &mut store::Tx,
    delivery: &DeliveryRow,
    now: i64,
) -> Result<std::result::Result<(Recipient, NewCode), &'static str>> {
    let account = store::accounts::account_by_id(tx, delivery.account_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !may_use_code(tx, &account).await? {
        return Ok(Err("the account may not sign in with a code"));
    }
    let recipient = store::deliveries::recipient(tx, delivery).await?;
    if delivery.channel == Channel::Sms && recipient.phone.trim().is_empty() {
        return Ok(Err("no phone number"));
    }
    let facts = serde_json::json!({
        "code_delivery_id": delivery.id,
        "channel": delivery.channel.as_str(),
    });
    let code = issue_code(
        tx,
        &Actor::SYSTEM,
        delivery.account_id,
        delivery.valid_seconds,
        facts,
        now,
    )
    .await?;
    store::deliveries::set_code(tx, delivery.id, code.id).await?;
    Ok(Ok((recipient, code)))
}

async fn close(
    tx: &mut store::Tx,
    delivery: &DeliveryRow,
    status: DeliveryStatus,
    error: &str,
    now: i64,
) -> Result<bool> {
    let entity = format!(
        "assembly:{}/code_delivery:{}",
        delivery.assembly_id, delivery.id
    );
    let action = format!("code_delivery.{}", status.as_str());
    audited(tx, &Actor::SYSTEM, &action, &entity, now, async |tx| {
        let done = store::deliveries::finish(tx, delivery.id, status, error, now).await?;
        let after = serde_json::json!({
            "channel": delivery.channel.as_str(),
            "error": error,
            "recorded": done,
        });
        Ok((done, Entry::after(after)))
    })
    .await
}

/// Records how a claimed delivery went (audited `code_delivery.sent` or `code_delivery.failed`); `error` names an
/// SMTP step and reply code or the sender's kind of failure, never a message text. Returns `false` if a newer
/// delivery replaced it meanwhile.
pub async fn record_outcome(
    tx: &mut store::Tx,
    delivery: &DeliveryRow,
    outcome: std::result::Result<(), &str>,
    now: i64,
) -> Result<bool> {
    match outcome {
        Ok(()) => close(tx, delivery, DeliveryStatus::Sent, "", now).await,
        Err(error) => close(tx, delivery, DeliveryStatus::Failed, error, now).await,
    }
}

/// Sends the codes of the assembly's deliveries `ids` again, each as a fresh attempt (a new code; the old one
/// stops working when the new one is issued), by `channel` or each one's own; one audit entry per delivery
/// (`code_delivery.resend`). A delivery of another assembly is [`Error::NotFound`] and nothing is written.
pub async fn resend(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ids: &[i64],
    channel: Option<Channel>,
    now: i64,
) -> Result<usize> {
    let mut count = 0;
    for &id in ids {
        let row = store::deliveries::get(tx, assembly_id, id).await?;
        let channel = channel.unwrap_or(row.channel);
        let entity = format!("assembly:{assembly_id}/code_delivery:{id}");
        audited(tx, actor, "code_delivery.resend", &entity, now, async |tx| {
            store::deliveries::cancel_for(tx, assembly_id, row.account_id, now).await?;
            store::deliveries::requeue(tx, id, channel, now).await?;
            let before = serde_json::json!({ "status": row.status.as_str(), "channel": row.channel.as_str() });
            let after = serde_json::json!({ "status": "pending", "channel": channel.as_str() });
            Ok(((), Entry::change(before, after)))
        })
        .await?;
        count += 1;
    }
    Ok(count)
}

/// One printed letter: who it goes to and the code inside (no `Debug` of the code or the address).
#[derive(Clone, PartialEq, Eq)]
pub struct Letter {
    /// The delivery.
    pub delivery_id: i64,
    /// The member's contact details (name, postal address) and the assembly's title.
    pub recipient: Recipient,
    /// The language of the letter.
    pub lang: String,
    /// The code.
    pub code: NewCode,
}

impl std::fmt::Debug for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Letter")
            .field("delivery_id", &self.delivery_id)
            .finish_non_exhaustive()
    }
}

/// Prints the next batch of the assembly's pending letters (at most [`LETTER_BATCH`]): each is claimed as
/// `printed` and gets a fresh code (audited `code_delivery.print` and `sign_in_code.issue`, ids only). A letter
/// whose account may no longer sign in with a code is cancelled instead. The codes exist only in the
/// returned batch, which the caller renders once for printing and never stores.
pub async fn print_letters(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    now: i64,
) -> Result<Vec<Letter>> {
    let mut letters = Vec::new();
    for id in store::deliveries::pending_letters(tx, assembly_id, LETTER_BATCH).await? {
        let delivery = store::deliveries::get(tx, assembly_id, id).await?;
        let account = store::accounts::account_by_id(tx, delivery.account_id)
            .await?
            .ok_or(Error::NotFound)?;
        if !may_use_code(tx, &account).await? {
            // The member left or the account changed: no letter, and the delivery is closed.
            store::deliveries::cancel_for(tx, assembly_id, delivery.account_id, now).await?;
            continue;
        }
        if !store::deliveries::claim_letter(tx, id, now).await? {
            continue;
        }
        let entity = format!("assembly:{assembly_id}/code_delivery:{id}");
        audited(
            tx,
            actor,
            "code_delivery.print",
            &entity,
            now,
            async |_tx| {
                let after = serde_json::json!({ "account_id": delivery.account_id });
                Ok(((), Entry::after(after)))
            },
        )
        .await?;
        let recipient = store::deliveries::recipient(tx, &delivery).await?;
        let facts = serde_json::json!({ "code_delivery_id": id, "channel": "letter" });
        let code = issue_code(
            tx,
            actor,
            delivery.account_id,
            delivery.valid_seconds,
            facts,
            now,
        )
        .await?;
        store::deliveries::set_code(tx, id, code.id).await?;
        letters.push(Letter {
            delivery_id: id,
            recipient,
            lang: delivery.lang.clone(),
            code,
        });
    }
    Ok(letters)
}

/// How many digits at the end of two phone numbers must agree when they are written differently (`06 12 34 56 78`
/// and `+33 6 12 34 56 78`): a national number's nine digits. A loose match is safe: the code goes to the number
/// stored for the member, never to the one typed.
const PHONE_SUFFIX_DIGITS: usize = 9;

/// What a member gives when they ask for a new code themselves: their email address or their phone number.
#[derive(Clone, PartialEq, Eq)]
pub enum Lookup {
    /// An email address (the code goes by email to the account's address).
    Email(domain::account::Email),
    /// A phone number's digits (the code goes by SMS to the number the member registered with).
    Phone(String),
}

impl std::fmt::Debug for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Lookup::Email(_) => "Lookup::Email(..)",
            Lookup::Phone(_) => "Lookup::Phone(..)",
        })
    }
}

impl Lookup {
    /// Reads what was typed: an address if it has an `@`, otherwise a phone number of 6 to 15 digits (spaces, dots,
    /// dashes, brackets and a leading `+` allowed); `None` if it is neither.
    pub fn parse(raw: &str) -> Option<Lookup> {
        let raw = raw.trim();
        if raw.contains('@') {
            return domain::account::Email::parse(raw).ok().map(Lookup::Email);
        }
        let allowed = |c: char| c.is_ascii_digit() || " .-()/".contains(c);
        let body = raw.strip_prefix('+').unwrap_or(raw);
        if body.is_empty() || !body.chars().all(allowed) {
            return None;
        }
        let digits = phone_digits(body);
        (6..=15)
            .contains(&digits.len())
            .then_some(Lookup::Phone(digits))
    }

    /// The text the rate limit counts (an address in lower case or the digits), never stored as such.
    pub fn key(&self) -> String {
        match self {
            Lookup::Email(email) => email.as_str().to_owned(),
            Lookup::Phone(digits) => digits.clone(),
        }
    }
}

fn phone_digits(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

/// Whether a phone number as stored and the digits a member typed are the same number.
fn same_phone(stored: &str, typed: &str) -> bool {
    let stored = phone_digits(stored);
    if stored == typed {
        return true;
    }
    stored.len() >= PHONE_SUFFIX_DIGITS
        && typed.len() >= PHONE_SUFFIX_DIGITS
        && stored[stored.len() - PHONE_SUFFIX_DIGITS..]
            == typed[typed.len() - PHONE_SUFFIX_DIGITS..]
}

/// A member who may be sent a new code on their own request: the delivery to repeat and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberMatch {
    /// The member's latest delivery in the assembly (its language and how long a code lasts).
    pub delivery: DeliveryRow,
    /// The respondent whose contact details the code goes to (the one whose phone number matched).
    pub respondent_id: Option<i64>,
    /// Email when the member gave their address, SMS when they gave their phone number.
    pub channel: Channel,
}

/// The members that `lookup` names (a code-only member account with an earlier delivery), each with the delivery
/// to repeat; empty when it names nobody, which the caller must not reveal.
pub async fn find_members(tx: &mut store::Tx, lookup: &Lookup) -> Result<Vec<MemberMatch>> {
    // (account, assembly if the match is an assembly's respondent, that respondent)
    let mut candidates: Vec<(i64, Option<i64>, Option<i64>)> = Vec::new();
    let channel = match lookup {
        Lookup::Email(email) => {
            if let Some(account) = store::accounts::account_by_email(tx, email.as_str()).await? {
                candidates.push((account.id, None, None));
            }
            Channel::Email
        }
        Lookup::Phone(digits) => {
            for member in store::deliveries::member_phones(tx).await? {
                let seen = candidates.iter().any(|(account, assembly, _)| {
                    *account == member.account_id && *assembly == Some(member.assembly_id)
                });
                if same_phone(&member.phone, digits) && !seen {
                    candidates.push((
                        member.account_id,
                        Some(member.assembly_id),
                        Some(member.respondent_id),
                    ));
                }
            }
            Channel::Sms
        }
    };
    let mut matches = Vec::new();
    for (account_id, assembly_id, respondent_id) in candidates {
        let Some(account) = store::accounts::account_by_id(tx, account_id).await? else {
            continue;
        };
        if !may_use_code(tx, &account).await? {
            continue;
        }
        if let Some(delivery) =
            store::deliveries::latest_for_member(tx, account_id, assembly_id).await?
        {
            let respondent_id = respondent_id.or(delivery.respondent_id);
            matches.push(MemberMatch {
                delivery,
                respondent_id,
                channel,
            });
        }
    }
    Ok(matches)
}

/// Queues a new code for a member who asked for one themselves (audited `code_delivery.request` by the public,
/// ids and channel only: never the address or number typed). The code is issued when a deliverer sends it, and
/// from then on the member's older code no longer works.
pub async fn request_by_member(tx: &mut store::Tx, member: &MemberMatch, now: i64) -> Result<i64> {
    let delivery = &member.delivery;
    request(
        tx,
        &Actor::PUBLIC,
        &DeliveryRequest {
            assembly_id: delivery.assembly_id,
            account_id: delivery.account_id,
            respondent_id: member.respondent_id,
            channel: member.channel,
            lang: &delivery.lang,
            valid_seconds: delivery.valid_seconds,
        },
        now,
    )
    .await
}

/// Leaves a claimed delivery to be claimed again after `until` (a provider's temporary failure), audited
/// `code_delivery.retry` with the kind of failure; `false` if a newer delivery replaced it meanwhile.
pub async fn retry_later(
    tx: &mut store::Tx,
    delivery: &DeliveryRow,
    error: &str,
    until: i64,
    now: i64,
) -> Result<bool> {
    let entity = format!(
        "assembly:{}/code_delivery:{}",
        delivery.assembly_id, delivery.id
    );
    audited(
        tx,
        &Actor::SYSTEM,
        "code_delivery.retry",
        &entity,
        now,
        async |tx| {
            let done = store::deliveries::retry_later(tx, delivery.id, until, error, now).await?;
            let after = serde_json::json!({
                "channel": delivery.channel.as_str(),
                "attempts": delivery.attempts,
                "error": error,
                "retry_at": until,
            });
            Ok((done, Entry::after(after)))
        },
    )
    .await
}

/// A bounce notice from the mail provider: the address an email could not reach and the DSN status code.
#[derive(Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The recipient address (personal data: matched, never stored or logged).
    pub recipient: domain::account::Email,
    /// The RFC 3463 status code (`5.1.1`), checked by [`bounce_status`].
    pub status: String,
}

impl std::fmt::Debug for Bounce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bounce")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// An RFC 3463 enhanced status code (`class.subject.detail`, class 4 or 5), or `None`: only such a code is kept,
/// never a provider's free text, which may quote the address.
pub fn bounce_status(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let parts: Vec<&str> = raw.split('.').collect();
    let number = |part: &str| {
        !part.is_empty() && part.len() <= 3 && part.chars().all(|c| c.is_ascii_digit())
    };
    (parts.len() == 3
        && (parts[0] == "4" || parts[0] == "5")
        && number(parts[1])
        && number(parts[2]))
    .then(|| raw.to_owned())
}

/// What [`record_bounces`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bounced {
    /// Sign-in code deliveries marked failed.
    pub deliveries: usize,
    /// Emails to respondents recorded as failed after the fact.
    pub emails: usize,
}

/// Records late delivery failures reported by the mail provider for the assembly: each code delivery that went by
/// email to that address becomes `failed` with `bounced <status>` (audited `code_delivery.bounced`, ids and status
/// code), so the organiser sends it again by another channel; and the last email sent to each respondent with that
/// address gets a late `failed` outcome on the emails page. The address itself is never stored again or logged.
pub async fn record_bounces(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    bounces: &[Bounce],
    now: i64,
) -> Result<Bounced> {
    let mut found = Bounced::default();
    for bounce in bounces {
        let error = format!("bounced {}", bounce.status);
        for delivery in
            store::deliveries::sent_emails_to(tx, assembly_id, bounce.recipient.as_str()).await?
        {
            let entity = format!("assembly:{assembly_id}/code_delivery:{}", delivery.id);
            let marked = audited(
                tx,
                actor,
                "code_delivery.bounced",
                &entity,
                now,
                async |tx| {
                    let marked =
                        store::deliveries::mark_bounced(tx, delivery.id, &error, now).await?;
                    let before = serde_json::json!({ "status": "sent" });
                    let after = serde_json::json!({ "status": "failed", "bounce": bounce.status });
                    Ok((marked, Entry::change(before, after)))
                },
            )
            .await?;
            found.deliveries += usize::from(marked);
        }
        for (respondent_id, kind) in
            store::deliveries::last_sent_outbox_to(tx, assembly_id, bounce.recipient.as_str())
                .await?
        {
            store::selection::record_email(tx, &kind, Some(respondent_id), "failed", &error, now)
                .await?;
            found.emails += 1;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    #[test]
    fn what_a_member_types_is_read_as_an_address_or_a_phone_number() {
        assert!(matches!(
            Lookup::parse(" Ana@Example.org "),
            Some(Lookup::Email(email)) if email.as_str() == "ana@example.org"
        ));
        assert_eq!(
            Lookup::parse("+33 (0)6 12-34.56 78"),
            Some(Lookup::Phone("330612345678".to_owned()))
        );
        assert_eq!(Lookup::parse("12345"), None, "too short");
        assert_eq!(Lookup::parse("06 12 34 56 7x"), None);
        assert_eq!(Lookup::parse("not@an@address"), None);
        assert_eq!(Lookup::parse(""), None);
    }

    #[test]
    fn phone_numbers_written_differently_are_the_same_number() {
        assert!(same_phone("+33 6 12 34 56 78", "0612345678"));
        assert!(same_phone("06 12 34 56 78", "0612345678"));
        assert!(!same_phone("06 12 34 56 79", "0612345678"));
        assert!(!same_phone("1234567", "7654321"));
    }

    #[test]
    fn only_an_enhanced_status_code_is_kept_from_a_bounce() {
        assert_eq!(bounce_status(" 5.1.1 "), Some("5.1.1".to_owned()));
        assert_eq!(bounce_status("4.2.2"), Some("4.2.2".to_owned()));
        assert_eq!(bounce_status("2.0.0"), None, "a success is no bounce");
        assert_eq!(bounce_status("5.1"), None);
        assert_eq!(bounce_status("550 user ana@example.org unknown"), None);
        assert_eq!(bounce_status("5.1234.1"), None);
    }
}
