//! Outgoing email (issue 4): the settings of `klero serve --smtp-url --mail-from`, our policy around `lettre`'s
//! SMTP client, and [`dispatch`], which sends one message off the request path and records the outcome in
//! `email_outbox`.
//!
//! `lettre` speaks SMTP and builds the message; this module decides how: TLS is rustls on the `ring` provider
//! (not aws-lc, whose C build needs cmake) with Mozilla's root certificates. `smtps://` is implicit TLS (port
//! 465), `smtp+starttls://` upgrades a plain connection (port 587) and fails if the relay does not offer
//! STARTTLS (never falls back to plain text), and `smtp://` is plain, for a relay on the same host or network.
//! Credentials are sent only over TLS or to a loopback address. The body goes as `8bit` when the relay takes
//! 8BITMIME and in a 7-bit encoding otherwise. Each step is bounded by a timeout.
//!
//! Addresses and message bodies are personal data: they never reach a log or the outbox; errors name the SMTP
//! step and the reply code only (a server's reply text may repeat the address).

use std::fmt;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::Address;
use lettre::message::header::{ContentTransferEncoding, ContentType, MIME_VERSION_1_0};
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use crate::AppState;

/// How long one SMTP step (connect, one command and its reply) may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// The name the client gives in EHLO.
const HELLO_NAME: &str = "kleroterion.local";

/// The authentication mechanisms offered to the relay, in order of preference.
const MECHANISMS: [Mechanism; 2] = [Mechanism::Plain, Mechanism::Login];

/// The mail settings of the server.
#[derive(Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// The relay's host name or IP address.
    pub host: String,
    /// The relay's port (25, 465 for `smtps`, 587 for `smtp+starttls` by default).
    pub port: u16,
    /// How the connection is encrypted.
    pub tls: Tls,
    /// The user name and password for AUTH, if any.
    pub auth: Option<(String, String)>,
    /// The sender address (`From:` and `MAIL FROM`).
    pub from: String,
    /// The server's public address, for links in emails (`https://assembly.example.org`).
    pub public_url: String,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The password stays out of any debug output.
        f.debug_struct("MailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("auth", &self.auth.as_ref().map(|_| ".."))
            .finish_non_exhaustive()
    }
}

/// How the connection to the relay is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain SMTP (`smtp://`), for a relay on the same host or network.
    None,
    /// Implicit TLS from the first byte (`smtps://`).
    Implicit,
    /// A plain connection upgraded with STARTTLS before anything else (`smtp+starttls://`); required, never skipped.
    StartTls,
}

/// Why mail settings were refused (names the setting, never the password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailConfigError {
    /// The URL is not `smtp://[user[:password]@]host[:port]`.
    #[error(
        "--smtp-url must look like smtps://, smtp+starttls://, smtp:// (loopback only) or smtp+insecure://[user[:password]@]host[:port]"
    )]
    Url,
    /// Credentials for a relay that is not on a loopback address.
    #[error(
        "--smtp-url: over smtp:// a user and password are only sent to a relay on a loopback address (127.0.0.1, ::1, localhost); use smtps:// or smtp+starttls://"
    )]
    AuthNotLoopback,
    /// Plain `smtp://` to a relay that is not on a loopback address: sign-in codes would cross the network in clear.
    #[error(
        "--smtp-url: smtp:// sends mail (and members' sign-in codes) in clear, so it is only for a relay on a loopback address; use smtps:// or smtp+starttls://, or smtp+insecure:// for a relay on a network you trust"
    )]
    PlainNotLoopback,
    /// The sender address is not an email address.
    #[error("--mail-from must be an email address")]
    From,
    /// The public address is not an http(s) URL.
    #[error("--public-url must be an http:// or https:// address")]
    PublicUrl,
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl MailConfig {
    /// Parses `smtp://[user[:password]@]host[:port]`, the sender address and the server's public address.
    pub fn parse(url: &str, from: &str, public_url: &str) -> Result<MailConfig, MailConfigError> {
        let public_url = public_url.trim().trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://"))
            || public_url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(MailConfigError::PublicUrl);
        }
        let url = url::Url::parse(url.trim()).map_err(|_| MailConfigError::Url)?;
        let (tls, default_port) = match url.scheme() {
            "smtp" | "smtp+insecure" => (Tls::None, 25),
            "smtps" => (Tls::Implicit, 465),
            "smtp+starttls" => (Tls::StartTls, 587),
            _ => return Err(MailConfigError::Url),
        };
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(MailConfigError::Url);
        }
        let host = match url.host() {
            Some(url::Host::Domain(name)) => name.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(MailConfigError::Url),
        };
        let port = url.port().unwrap_or(default_port);
        if host.is_empty()
            || port == 0
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        {
            return Err(MailConfigError::Url);
        }
        let decode = |raw: &str| {
            percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .map(|text| text.into_owned())
                .map_err(|_| MailConfigError::Url)
        };
        let auth = match (url.username(), url.password()) {
            ("", None) => None,
            (user, password) => Some((decode(user)?, decode(password.unwrap_or(""))?)),
        };
        if auth.is_some() && tls == Tls::None && !is_loopback(&host) {
            return Err(MailConfigError::AuthNotLoopback);
        }
        if url.scheme() == "smtp" && !is_loopback(&host) {
            return Err(MailConfigError::PlainNotLoopback);
        }
        let from = domain::account::Email::parse(from)
            .map_err(|_| MailConfigError::From)?
            .as_str()
            .to_owned();
        Ok(MailConfig {
            host,
            port,
            tls,
            auth,
            from,
            public_url,
        })
    }
}

/// Why a message was not handed over: the SMTP step and the relay's reply code, or the kind of IO error.
/// Never holds the relay's reply text (it may repeat the address).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Connecting or talking to the relay failed (`step` is `TLS` for a failed TLS handshake).
    #[error("{step}: {kind}")]
    Io {
        /// The SMTP step.
        step: &'static str,
        /// The IO error's kind, e.g. `connection refused`.
        kind: String,
    },
    /// The relay answered with a negative reply code.
    #[error("{step} refused with reply code {code}")]
    Refused {
        /// The SMTP step.
        step: &'static str,
        /// The reply code.
        code: u16,
    },
    /// STARTTLS was required and the relay does not offer it.
    #[error("STARTTLS: not offered by the relay")]
    NoStartTls,
    /// The relay does not offer an authentication mechanism this client speaks.
    #[error("AUTH: the relay offers neither PLAIN nor LOGIN")]
    NoAuthMechanism,
    /// The sender or recipient address cannot go to this relay (not valid for SMTP, or not ASCII and the
    /// relay does not take SMTPUTF8).
    #[error("MAIL FROM: an address the relay cannot take")]
    Address,
    /// The relay's reply was not SMTP, or the client refused to go on.
    #[error("{step}: malformed reply")]
    Malformed {
        /// The SMTP step.
        step: &'static str,
    },
}

impl SendError {
    /// The error of `step` from `lettre`'s, keeping the reply code and the IO error's kind, never the text.
    fn of(step: &'static str, error: &smtp::Error) -> SendError {
        if let Some(code) = error.status() {
            return SendError::Refused {
                step,
                code: code.into(),
            };
        }
        // The IO error may sit a few causes down (`lettre` wraps a failed TLS upgrade twice).
        let io = std::iter::successors(std::error::Error::source(error), |cause| cause.source())
            .find_map(|cause| cause.downcast_ref::<std::io::Error>());
        match io {
            Some(io) => SendError::Io {
                step,
                kind: io.kind().to_string(),
            },
            None if error.is_timeout() => SendError::Io {
                step,
                kind: "timed out".to_owned(),
            },
            None => SendError::Malformed { step },
        }
    }

    /// The error of a step that starts TLS (connecting with implicit TLS, STARTTLS): rustls reports a failed
    /// handshake as `InvalidData`, which no socket operation gives, so that error is named `TLS`.
    fn of_tls_step(step: &'static str, error: &smtp::Error) -> SendError {
        match SendError::of(step, error) {
            SendError::Io { kind, .. }
                if kind
                    == std::io::Error::from(std::io::ErrorKind::InvalidData)
                        .kind()
                        .to_string() =>
            {
                SendError::Io { step: "TLS", kind }
            }
            other => other,
        }
    }
}

/// One message to send.
#[derive(Clone)]
pub struct Message {
    /// The recipient's address.
    pub to: String,
    /// The subject (one line).
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Message(..)")
    }
}

/// The message as sent in DATA: headers and a plain-text UTF-8 body, `8bit` when the relay takes 8BITMIME and
/// in a 7-bit encoding (quoted-printable or base64) otherwise.
pub fn render(
    from: &Address,
    to: &Address,
    message: &Message,
    eight_bit: bool,
    message_id: &str,
) -> Result<Vec<u8>, SendError> {
    let body = if eight_bit {
        Body::new_with_encoding(message.body.clone(), ContentTransferEncoding::EightBit)
            .unwrap_or_else(|_| Body::new(message.body.clone()))
    } else {
        Body::new(message.body.clone())
    };
    let email = lettre::Message::builder()
        .from(Mailbox::new(None, from.clone()))
        .to(Mailbox::new(None, to.clone()))
        .subject(&message.subject)
        .message_id(Some(format!("<{message_id}>")))
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|_| SendError::Address)?;
    Ok(email.formatted())
}

/// Runs one step under the step timeout, naming its error with [`SendError::of`].
async fn step<T>(
    step: &'static str,
    future: impl Future<Output = Result<T, smtp::Error>>,
) -> Result<T, SendError> {
    step_with(step, future, SendError::of).await
}

async fn step_with<T>(
    step: &'static str,
    future: impl Future<Output = Result<T, smtp::Error>>,
    name_error: fn(&'static str, &smtp::Error) -> SendError,
) -> Result<T, SendError> {
    match tokio::time::timeout(STEP_TIMEOUT, future).await {
        Ok(result) => result.map_err(|error| name_error(step, &error)),
        Err(_) => Err(SendError::Io {
            step,
            kind: "timed out".to_owned(),
        }),
    }
}

/// Hands one message to the relay of `config`. Errors name the step and reply code only.
pub async fn send(config: &MailConfig, message: &Message) -> Result<(), SendError> {
    let from: Address = config.from.parse().map_err(|_| SendError::Address)?;
    let to: Address = message.to.trim().parse().map_err(|_| SendError::Address)?;
    let hello = ClientId::Domain(HELLO_NAME.to_owned());
    let tls_parameters = || {
        TlsParameters::new(config.host.clone()).map_err(|_| SendError::Io {
            step: "TLS",
            kind: "invalid server name".to_owned(),
        })
    };
    let implicit = match config.tls {
        Tls::Implicit => Some(tls_parameters()?),
        Tls::None | Tls::StartTls => None,
    };
    // Connects (and with `smtps`, completes the TLS handshake), reads the greeting and sends EHLO.
    let mut connection = step_with(
        "connect",
        AsyncSmtpConnection::connect_tokio1(
            (config.host.as_str(), config.port),
            Some(STEP_TIMEOUT),
            &hello,
            implicit,
            None,
        ),
        SendError::of_tls_step,
    )
    .await?;
    if config.tls == Tls::StartTls {
        if !connection.can_starttls() {
            connection.abort().await;
            return Err(SendError::NoStartTls);
        }
        step_with(
            "STARTTLS",
            connection.starttls(tls_parameters()?, &hello),
            SendError::of_tls_step,
        )
        .await?;
    }
    if let Some((user, password)) = &config.auth {
        if connection
            .server_info()
            .get_auth_mechanism(&MECHANISMS)
            .is_none()
        {
            connection.abort().await;
            return Err(SendError::NoAuthMechanism);
        }
        let credentials = Credentials::new(user.clone(), password.clone());
        step("AUTH", connection.auth(&MECHANISMS, &credentials)).await?;
    }
    let relay = connection.server_info();
    let eight_bit = relay.supports_feature(Extension::EightBitMime);
    let mut parameters = Vec::new();
    if !(config.from.is_ascii() && message.to.is_ascii()) {
        if !relay.supports_feature(Extension::SmtpUtfEight) {
            connection.abort().await;
            return Err(SendError::Address);
        }
        parameters.push(MailParameter::SmtpUtfEight);
    }
    let id =
        crate::security::random_token(16).map_err(|_| SendError::Malformed { step: "DATA" })?;
    let domain = from.domain();
    let text = render(&from, &to, message, eight_bit, &format!("{id}@{domain}"))?;
    if !text.is_ascii() {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    step(
        "MAIL FROM",
        connection.command(Mail::new(Some(from), parameters)),
    )
    .await?;
    step("RCPT TO", connection.command(Rcpt::new(to, Vec::new()))).await?;
    step("DATA", connection.command(Data)).await?;
    step("DATA", connection.message(&text)).await?;
    // The message is accepted; a failed goodbye changes nothing.
    let _ = step("QUIT", connection.quit()).await;
    Ok(())
}

/// The development and test transport: each message, code included, appended to a file of its own as one JSON
/// line (`channel`, `to`, `subject`, `body`). Never for production: whoever reads the file reads the codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageLog {
    path: PathBuf,
}

/// One message as the [`MessageLog`] wrote it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoggedMessage {
    /// `email` or `sms`.
    pub channel: String,
    /// The address or phone number.
    pub to: String,
    /// The subject (empty for an SMS).
    pub subject: String,
    /// The text.
    pub body: String,
}

impl std::fmt::Debug for LoggedMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggedMessage")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl MessageLog {
    /// The transport writing to `path`.
    pub fn new(path: impl Into<PathBuf>) -> MessageLog {
        MessageLog { path: path.into() }
    }

    /// The file it writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one message (one `write` of a whole line, so several servers may share the file).
    pub fn write(&self, message: &LoggedMessage) -> Result<(), String> {
        let mut line = serde_json::to_string(message).map_err(|error| error.to_string())?;
        line.push('\n');
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|error| format!("message log: {}", error.kind()))?;
        file.write_all(line.as_bytes())
            .map_err(|error| format!("message log: {}", error.kind()))
    }

    /// Every message written so far (a missing file is none).
    pub fn read(&self) -> Vec<LoggedMessage> {
        std::fs::read_to_string(&self.path)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }
}

/// What happened to an email, as recorded in `email_outbox`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Handed to the relay.
    Sent,
    /// The relay refused it or could not be reached.
    Failed,
    /// No relay is configured (e.g. the demo).
    NotConfigured,
}

impl Outcome {
    /// The stored status.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Failed => "failed",
            Outcome::NotConfigured => "not_configured",
        }
    }
}

async fn record(
    state: &AppState,
    kind: &'static str,
    respondent_id: Option<i64>,
    outcome: Outcome,
    error: &str,
) {
    let stored = async {
        let mut connection = state.store.connection().await?;
        store::selection::record_email(
            &mut connection,
            kind,
            respondent_id,
            outcome.as_str(),
            error,
            crate::now(),
        )
        .await
    }
    .await;
    if let Err(error) = stored {
        tracing::error!(kind, respondent_id, %error, "email outcome not recorded");
    }
}

/// Sends `message` off the request path (a spawned task; call it after the transaction committed) and records
/// the outcome with `kind` and the respondent id; without a relay it records `not_configured` and sends nothing.
/// Never fails the caller.
pub fn dispatch(
    state: &AppState,
    kind: &'static str,
    respondent_id: Option<i64>,
    message: Message,
) -> tokio::task::JoinHandle<Outcome> {
    let state = state.clone();
    tokio::spawn(async move {
        let Some(config) = state.config.mail.clone() else {
            // The development transport (`--dev-message-log`) takes the message instead of a relay.
            if let Some(log) = &state.config.message_log {
                let logged = LoggedMessage {
                    channel: "email".to_owned(),
                    to: message.to,
                    subject: message.subject,
                    body: message.body,
                };
                let outcome = match log.write(&logged) {
                    Ok(()) => Outcome::Sent,
                    Err(_) => Outcome::Failed,
                };
                record(&state, kind, respondent_id, outcome, "").await;
                tracing::info!(
                    kind,
                    respondent_id,
                    "email written to the development message log"
                );
                return outcome;
            }
            record(&state, kind, respondent_id, Outcome::NotConfigured, "").await;
            tracing::info!(
                kind,
                respondent_id,
                "email not sent: no SMTP relay configured"
            );
            return Outcome::NotConfigured;
        };
        match send(&config, &message).await {
            Ok(()) => {
                record(&state, kind, respondent_id, Outcome::Sent, "").await;
                tracing::info!(kind, respondent_id, "email sent");
                Outcome::Sent
            }
            Err(error) => {
                let text = error.to_string();
                record(&state, kind, respondent_id, Outcome::Failed, &text).await;
                tracing::warn!(kind, respondent_id, error = %text, "email failed");
                Outcome::Failed
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_parsed_and_tls_or_remote_credentials_refused() {
        assert_eq!(
            MailConfig::parse(
                "smtp://relay.example.org:2525",
                "a@b.org",
                "http://localhost"
            ),
            Err(MailConfigError::PlainNotLoopback)
        );
        let config = MailConfig::parse(
            "smtp+insecure://relay.example.org:2525",
            "Klero@Example.org",
            "http://localhost",
        )
        .unwrap();
        assert_eq!(
            (
                config.host.as_str(),
                config.port,
                config.auth.is_none(),
                config.tls
            ),
            ("relay.example.org", 2525, true, Tls::None)
        );
        assert_eq!(config.from, "klero@example.org");
        assert_eq!(
            MailConfig::parse(
                "smtp+insecure://mail.internal",
                "a@b.org",
                "http://localhost"
            )
            .unwrap()
            .port,
            25
        );
        assert_eq!(
            MailConfig::parse("smtp://localhost", "a@b.org", "http://localhost")
                .unwrap()
                .port,
            25
        );
        let config = MailConfig::parse(
            "smtp://user%40x:p%3Ass@127.0.0.1:1025",
            "a@b.org",
            "http://localhost",
        )
        .unwrap();
        assert_eq!(config.auth, Some(("user@x".to_owned(), "p:ss".to_owned())));
        assert!(!format!("{config:?}").contains("p:ss"));
        let config = MailConfig::parse(
            "smtps://u:p@smtp.example.org",
            "a@b.org",
            "http://localhost",
        )
        .unwrap();
        assert_eq!(
            (config.tls, config.port, config.auth.is_some()),
            (Tls::Implicit, 465, true)
        );
        let config = MailConfig::parse(
            "smtp+starttls://u:p@smtp.example.org",
            "a@b.org",
            "http://localhost",
        )
        .unwrap();
        assert_eq!((config.tls, config.port), (Tls::StartTls, 587));
        assert_eq!(
            MailConfig::parse(
                "smtp://u:p@relay.example.org",
                "a@b.org",
                "http://localhost"
            ),
            Err(MailConfigError::AuthNotLoopback)
        );
        assert!(MailConfig::parse("smtp://u:p@[::1]:25", "a@b.org", "http://localhost").is_ok());
        assert_eq!(
            MailConfig::parse("http://relay", "a@b.org", "http://localhost"),
            Err(MailConfigError::Url)
        );
        assert_eq!(
            MailConfig::parse("smtp://relay:port", "a@b.org", "http://localhost"),
            Err(MailConfigError::Url)
        );
        assert_eq!(
            MailConfig::parse("smtp://localhost", "nobody", "http://localhost"),
            Err(MailConfigError::From)
        );
    }

    #[test]
    fn messages_keep_headers_on_one_line_and_the_body_readable() {
        let from: Address = "k@b.org".parse().unwrap();
        let to: Address = "a@b.org".parse().unwrap();
        let message = Message {
            to: "a@b.org".to_owned(),
            subject: "Été\r\nBcc: x@evil.org".to_owned(),
            body: "Bonjour Élise\nline\n.dot".to_owned(),
        };
        let eight_bit =
            String::from_utf8(render(&from, &to, &message, true, "id@b.org").unwrap()).unwrap();
        assert!(
            eight_bit.contains("\r\n\r\nBonjour Élise\r\nline\r\n.dot"),
            "{eight_bit}"
        );
        assert!(
            eight_bit.contains("Content-Transfer-Encoding: 8bit"),
            "{eight_bit}"
        );
        assert!(eight_bit.contains("Message-ID: <id@b.org>"), "{eight_bit}");
        assert!(
            !eight_bit.lines().any(|line| line.starts_with("Bcc:")),
            "{eight_bit}"
        );
        let seven_bit = render(&from, &to, &message, false, "id@b.org").unwrap();
        assert!(seven_bit.is_ascii());
    }
}
