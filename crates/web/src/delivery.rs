//! The deliverer of members' sign-in codes (issue 18, item 2): any server instance claims due deliveries from the
//! database (`app::codes::claim_next`), which issues each code in the claiming transaction, then sends it by email
//! (the SMTP relay of [`crate::mail`]) or SMS (an [`SmsSender`]) and records the outcome. No code waits in the
//! memory of one process: a server that stops mid-way leaves a claim that expires, and another instance sends a
//! fresh code. `klero serve` runs [`spawn_ticker`]; tests call [`drain`] themselves.
//!
//! [`crate::mail::MessageLog`] is the development and test transport (`klero serve --dev-message-log FILE`): it appends each
//! message, code included, to its own file as one JSON line, for demos and tests to read the code as a member
//! would. It is named as such and never the server's log: codes, addresses and names never reach `tracing`.

use std::future::Future;
use std::pin::Pin;

use app::codes::{Claimed, CodeToSend};
use domain::delivery::Channel;
use store::Store;

use crate::Config;
use crate::error::AppError;
use crate::i18n::codes::CodeMessages;
use crate::i18n::members::MemberMessages;
use crate::i18n::{Lang, fill};
use crate::mail::{LoggedMessage, MessageLog};
use crate::now;

/// How often the ticker looks for codes to deliver.
pub const TICK_SECONDS: u64 = 2;

/// How many times a deliverer claims a delivery before a temporary failure of the SMS sender becomes final.
pub const MAX_ATTEMPTS: i64 = 3;

/// How long after a temporary failure a delivery is claimed again (its claim's lease is extended to then).
pub const RETRY_SECONDS: i64 = 30;

/// Why an SMS was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsFailure {
    /// What failed (an HTTP status, a timeout), never the number, the text or the provider's reply.
    pub reason: String,
    /// A failure worth trying again later (a timeout, an unreachable gateway, a 429 or a 5xx).
    pub temporary: bool,
}

/// A way to send an SMS (a provider's API: `HttpSms` of the `sms` module); pluggable so that a site adds its own.
pub trait SmsSender: std::fmt::Debug + Send + Sync {
    /// Sends `text` to the phone number `to`; an error names what failed, never the number or the text.
    fn send<'a>(
        &'a self,
        to: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), SmsFailure>> + Send + 'a>>;
}

impl SmsSender for MessageLog {
    fn send<'a>(
        &'a self,
        to: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), SmsFailure>> + Send + 'a>> {
        let message = LoggedMessage {
            channel: "sms".to_owned(),
            to: to.to_owned(),
            subject: String::new(),
            body: text.to_owned(),
        };
        Box::pin(async move {
            self.write(&message).map_err(|reason| SmsFailure {
                reason,
                temporary: false,
            })
        })
    }
}

/// How a send went, for the email outbox's per-respondent record.
enum Outcome {
    Delivered,
    Failed(String),
    /// A temporary failure: claimed again once the lease runs out, up to [`MAX_ATTEMPTS`] claims.
    Retry(String),
    NotConfigured(String),
}

/// Where members sign in, for the message.
fn sign_in_url(config: &Config) -> String {
    let base = config
        .public_url
        .clone()
        .or_else(|| config.mail.as_ref().map(|mail| mail.public_url.clone()));
    match base {
        Some(base) => format!("{}/code", base.trim_end_matches('/')),
        None => "/code".to_owned(),
    }
}

async fn send(config: &Config, claimed: &CodeToSend) -> Outcome {
    let lang = Lang::from_code(&claimed.delivery.lang).unwrap_or(Lang::En);
    let url = sign_in_url(config);
    let recipient = &claimed.recipient;
    let values = [
        ("title", recipient.title.as_str()),
        ("name", recipient.name.as_str()),
        ("url", url.as_str()),
        ("code", claimed.code.display.as_str()),
        ("expires", claimed.code.expires_on.as_str()),
    ];
    match claimed.delivery.channel {
        Channel::Email => {
            let t = lang.t::<MemberMessages>();
            let message = crate::mail::Message {
                to: recipient.email.clone(),
                subject: fill(t.code_subject, &values),
                body: fill(t.code_body, &values),
            };
            if let Some(mail) = &config.mail {
                match crate::mail::send(mail, &message).await {
                    Ok(()) => Outcome::Delivered,
                    Err(error) => Outcome::Failed(error.to_string()),
                }
            } else if let Some(log) = &config.message_log {
                let logged = LoggedMessage {
                    channel: "email".to_owned(),
                    to: message.to,
                    subject: message.subject,
                    body: message.body,
                };
                match log.write(&logged) {
                    Ok(()) => Outcome::Delivered,
                    Err(error) => Outcome::Failed(error),
                }
            } else {
                Outcome::NotConfigured("no email relay is configured".to_owned())
            }
        }
        Channel::Sms => {
            let text = fill(lang.t::<CodeMessages>().sms_body, &values);
            let sender: Option<&dyn SmsSender> = match (&config.sms, &config.message_log) {
                (Some(sms), _) => Some(sms.as_ref()),
                (None, Some(log)) => Some(log),
                (None, None) => None,
            };
            match sender {
                Some(sender) => match sender.send(&recipient.phone, &text).await {
                    Ok(()) => Outcome::Delivered,
                    Err(failure)
                        if failure.temporary && claimed.delivery.attempts < MAX_ATTEMPTS =>
                    {
                        Outcome::Retry(failure.reason)
                    }
                    Err(failure) => Outcome::Failed(failure.reason),
                },
                None => Outcome::NotConfigured("no SMS sender is configured".to_owned()),
            }
        }
        // Letters are never claimed by the deliverer; they are printed in batches.
        Channel::Letter => Outcome::Failed("a letter is printed, not sent".to_owned()),
    }
}

/// Delivers every due code (claimed one at a time, so several instances share the work); returns how many were
/// sent or failed. A failure is recorded on its delivery for staff to see; only a database error stops the drain.
pub async fn drain(store: &Store, config: &Config) -> Result<usize, AppError> {
    let mut delivered = 0;
    loop {
        let mut tx = store.begin().await?;
        let claimed = app::codes::claim_next(&mut tx, now()).await?;
        tx.commit().await?;
        let claimed = match claimed {
            Claimed::Nothing => return Ok(delivered),
            Claimed::Closed(delivery_id) => {
                tracing::warn!(delivery_id, "code delivery closed: it cannot be made");
                continue;
            }
            Claimed::Send(claimed) => claimed,
        };
        let sent = send(config, &claimed).await;
        let delivery = &claimed.delivery;
        let (outcome, email_status, error) = match &sent {
            Outcome::Delivered => (Ok(()), "sent", ""),
            Outcome::Failed(error) => (Err(error.as_str()), "failed", error.as_str()),
            Outcome::NotConfigured(error) => (Err(error.as_str()), "not_configured", ""),
            Outcome::Retry(error) => {
                // Left in `sending` under a longer claim: a deliverer (this one or another) claims it again then.
                let mut tx = store.begin().await?;
                let until = now() + RETRY_SECONDS;
                app::codes::retry_later(&mut tx, delivery, error, until, now()).await?;
                tx.commit().await?;
                tracing::warn!(
                    delivery_id = delivery.id,
                    attempts = delivery.attempts,
                    error = %error,
                    "sign-in code not delivered yet: will try again"
                );
                delivered += 1;
                continue;
            }
        };
        let mut tx = store.begin().await?;
        app::codes::record_outcome(&mut tx, delivery, outcome, now()).await?;
        if delivery.channel == Channel::Email {
            // The respondent's list of emails shows this one too, as before (never the address).
            store::selection::record_email(
                &mut tx,
                "sign_in_code",
                delivery.respondent_id,
                email_status,
                error,
                now(),
            )
            .await?;
        }
        tx.commit().await?;
        match &sent {
            Outcome::Delivered => tracing::info!(
                delivery_id = delivery.id,
                channel = delivery.channel.as_str(),
                "sign-in code delivered"
            ),
            Outcome::Failed(error) | Outcome::NotConfigured(error) | Outcome::Retry(error) => {
                tracing::warn!(
                    delivery_id = delivery.id,
                    channel = delivery.channel.as_str(),
                    error = %error,
                    "sign-in code not delivered"
                )
            }
        }
        delivered += 1;
    }
}

/// Drains every [`TICK_SECONDS`] until `stopping` is set (started by `klero serve`).
pub fn spawn_ticker(store: Store, config: std::sync::Arc<Config>, stopping: crate::Stopping) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(TICK_SECONDS));
        while !stopping.is_set() {
            interval.tick().await;
            if let Err(error) = drain(&store, &config).await {
                tracing::error!(error = %error, "code delivery failed");
            }
        }
    });
}
