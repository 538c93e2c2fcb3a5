//! Outgoing email (issue 4): a small SMTP client on tokio, the settings of `klero serve --smtp-url --mail-from`,
//! and [`dispatch`], which sends one message off the request path and records the outcome in `email_outbox`.
//!
//! The client speaks enough of RFC 5321 to hand a message to a relay: EHLO, STARTTLS, AUTH PLAIN (or LOGIN),
//! MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT, each step bounded by a timeout. TLS is rustls on the `ring`
//! provider (not the default aws-lc, whose C build needs cmake) with Mozilla's root certificates: `smtps://` is
//! implicit TLS (port 465), `smtp+starttls://` upgrades a plain connection (port 587) and fails if the relay does
//! not offer STARTTLS (never falls back to plain text), and `smtp://` is plain, for a relay on the same host or
//! network. Credentials are sent only over TLS or to a loopback address.
//!
//! Addresses and message bodies are personal data: they never reach a log or the outbox; errors name the SMTP
//! step and the reply code only (a server's reply text may repeat the address).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls;

use crate::AppState;

/// How long one SMTP step (connect, one reply) may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

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
        "--smtp-url must look like smtp://, smtps:// or smtp+starttls://[user[:password]@]host[:port]"
    )]
    Url,
    /// Credentials for a relay that is not on a loopback address.
    #[error(
        "--smtp-url: over smtp:// a user and password are only sent to a relay on a loopback address (127.0.0.1, ::1, localhost); use smtps:// or smtp+starttls://"
    )]
    AuthNotLoopback,
    /// The sender address is not an email address.
    #[error("--mail-from must be an email address")]
    From,
    /// The public address is not an http(s) URL.
    #[error("--public-url must be an http:// or https:// address")]
    PublicUrl,
}

fn percent_decode(raw: &str) -> Result<String, MailConfigError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = raw.get(index + 1..index + 3).ok_or(MailConfigError::Url)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| MailConfigError::Url)?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).map_err(|_| MailConfigError::Url)
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
        let url = url.trim();
        let (tls, default_port, rest) = if let Some(rest) = url.strip_prefix("smtp://") {
            (Tls::None, 25, rest)
        } else if let Some(rest) = url.strip_prefix("smtps://") {
            (Tls::Implicit, 465, rest)
        } else if let Some(rest) = url.strip_prefix("smtp+starttls://") {
            (Tls::StartTls, 587, rest)
        } else {
            return Err(MailConfigError::Url);
        };
        let rest = rest.trim_end_matches('/');
        let (credentials, host_port) = match rest.rsplit_once('@') {
            Some((credentials, host_port)) => (Some(credentials), host_port),
            None => (None, rest),
        };
        let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
            let (host, after) = bracketed.split_once(']').ok_or(MailConfigError::Url)?;
            let port = match after.strip_prefix(':') {
                Some(port) => port.parse().map_err(|_| MailConfigError::Url)?,
                None if after.is_empty() => default_port,
                None => return Err(MailConfigError::Url),
            };
            (host.to_owned(), port)
        } else {
            match host_port.split_once(':') {
                Some((host, port)) => (
                    host.to_owned(),
                    port.parse().map_err(|_| MailConfigError::Url)?,
                ),
                None => (host_port.to_owned(), default_port),
            }
        };
        if host.is_empty()
            || port == 0
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        {
            return Err(MailConfigError::Url);
        }
        let auth = match credentials {
            Some(credentials) => {
                let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
                Some((percent_decode(user)?, percent_decode(password)?))
            }
            None => None,
        };
        if auth.is_some() && tls == Tls::None && !is_loopback(&host) {
            return Err(MailConfigError::AuthNotLoopback);
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
    /// Connecting or talking to the relay failed.
    #[error("{step}: {kind}")]
    Io {
        /// The SMTP step.
        step: &'static str,
        /// The IO error's kind, e.g. `connection refused`.
        kind: String,
    },
    /// The relay answered with an unexpected code.
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
    /// The relay's reply was not SMTP.
    #[error("{step}: malformed reply")]
    Malformed {
        /// The SMTP step.
        step: &'static str,
    },
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

/// Standard base64 with padding (RFC 4648).
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (index, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if index <= chunk.len() {
                out.push(TABLE[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn encode_header(text: &str) -> String {
    let text = one_line(text);
    if text.is_ascii() {
        text
    } else {
        format!("=?UTF-8?B?{}?=", base64(text.as_bytes()))
    }
}

/// The message as sent in DATA (CRLF line ends, before dot-stuffing): headers and a plain-text UTF-8 body,
/// `8bit` when the relay takes 8BITMIME and base64 otherwise.
pub fn render(from: &str, message: &Message, eight_bit: bool, message_id: &str) -> String {
    let date = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default();
    let mut out = String::new();
    out.push_str(&format!("From: {from}\r\n"));
    out.push_str(&format!("To: {}\r\n", one_line(&message.to)));
    out.push_str(&format!("Subject: {}\r\n", encode_header(&message.subject)));
    if !date.is_empty() {
        out.push_str(&format!("Date: {date}\r\n"));
    }
    out.push_str(&format!("Message-ID: <{message_id}>\r\n"));
    out.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n");
    let body = message.body.replace("\r\n", "\n").replace('\n', "\r\n");
    if eight_bit || body.is_ascii() {
        out.push_str(if body.is_ascii() {
            "Content-Transfer-Encoding: 7bit\r\n\r\n"
        } else {
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        });
        out.push_str(&body);
    } else {
        out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
        let encoded = base64(body.as_bytes());
        for line in encoded.as_bytes().chunks(76) {
            out.push_str(std::str::from_utf8(line).unwrap_or_default());
            out.push_str("\r\n");
        }
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out
}

/// A byte stream to the relay: plain TCP or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Connection {
    stream: BufReader<Box<dyn Io>>,
}

fn tls_connector() -> Result<TlsConnector, SendError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|_| SendError::Io {
        step: "TLS",
        kind: "no protocol version".to_owned(),
    })?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn wrap_tls(host: &str, stream: Box<dyn Io>) -> Result<Box<dyn Io>, SendError> {
    let name = rustls::pki_types::ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
    )
    .map_err(|_| SendError::Io {
        step: "TLS",
        kind: "invalid server name".to_owned(),
    })?;
    let connector = tls_connector()?;
    let tls = timed("TLS", async {
        connector
            .connect(name, stream)
            .await
            .map_err(io_error("TLS"))
    })
    .await?;
    Ok(Box::new(tls))
}

fn io_error(step: &'static str) -> impl Fn(std::io::Error) -> SendError {
    move |error| SendError::Io {
        step,
        kind: error.kind().to_string(),
    }
}

async fn timed<T>(
    step: &'static str,
    future: impl std::future::Future<Output = Result<T, SendError>>,
) -> Result<T, SendError> {
    tokio::time::timeout(STEP_TIMEOUT, future)
        .await
        .map_err(|_| SendError::Io {
            step,
            kind: "timed out".to_owned(),
        })?
}

impl Connection {
    /// Reads one (possibly multi-line) reply: its code and its lines' texts.
    async fn reply(&mut self, step: &'static str) -> Result<(u16, Vec<String>), SendError> {
        timed(step, async {
            let mut lines = Vec::new();
            loop {
                let mut line = String::new();
                let read = (&mut self.stream)
                    .take(1024)
                    .read_line(&mut line)
                    .await
                    .map_err(io_error(step))?;
                if read == 0 {
                    return Err(SendError::Io {
                        step,
                        kind: "connection closed".to_owned(),
                    });
                }
                let line = line.trim_end_matches(['\r', '\n']);
                let code = line
                    .get(..3)
                    .and_then(|code| code.parse::<u16>().ok())
                    .ok_or(SendError::Malformed { step })?;
                let separator = line.as_bytes().get(3).copied().unwrap_or(b' ');
                lines.push(line.get(4..).unwrap_or("").to_owned());
                if separator != b'-' || lines.len() > 100 {
                    return Ok((code, lines));
                }
            }
        })
        .await
    }

    async fn expect(
        &mut self,
        step: &'static str,
        accepted: &[u16],
    ) -> Result<Vec<String>, SendError> {
        let (code, lines) = self.reply(step).await?;
        if accepted.contains(&code) {
            Ok(lines)
        } else {
            Err(SendError::Refused { step, code })
        }
    }

    async fn command(
        &mut self,
        step: &'static str,
        line: &str,
        accepted: &[u16],
    ) -> Result<Vec<String>, SendError> {
        timed(step, async {
            self.stream
                .write_all(format!("{line}\r\n").as_bytes())
                .await
                .map_err(io_error(step))?;
            self.stream.flush().await.map_err(io_error(step))
        })
        .await?;
        self.expect(step, accepted).await
    }
}

/// Hands one message to the relay of `config`. Errors name the step and reply code only.
pub async fn send(config: &MailConfig, message: &Message) -> Result<(), SendError> {
    let address = (
        config.host.trim_start_matches('[').trim_end_matches(']'),
        config.port,
    );
    let stream = timed("connect", async {
        TcpStream::connect(address)
            .await
            .map_err(io_error("connect"))
    })
    .await?;
    let stream: Box<dyn Io> = Box::new(stream);
    let stream = if config.tls == Tls::Implicit {
        wrap_tls(&config.host, stream).await?
    } else {
        stream
    };
    let mut connection = Connection {
        stream: BufReader::new(stream),
    };
    connection.expect("greeting", &[220]).await?;
    let mut extensions = connection
        .command("EHLO", "EHLO kleroterion.local", &[250])
        .await?;
    if config.tls == Tls::StartTls {
        let offered = extensions
            .iter()
            .any(|line| line.trim().eq_ignore_ascii_case("STARTTLS"));
        if !offered {
            return Err(SendError::NoStartTls);
        }
        connection.command("STARTTLS", "STARTTLS", &[220]).await?;
        let plain = connection.stream.into_inner();
        connection = Connection {
            stream: BufReader::new(wrap_tls(&config.host, plain).await?),
        };
        extensions = connection
            .command("EHLO", "EHLO kleroterion.local", &[250])
            .await?;
    }
    let has = |keyword: &str| {
        extensions.iter().any(|line| {
            line.split_whitespace()
                .next()
                .is_some_and(|first| first.eq_ignore_ascii_case(keyword))
        })
    };
    let eight_bit = has("8BITMIME");
    if let Some((user, password)) = &config.auth {
        let mechanisms: Vec<String> = extensions
            .iter()
            .filter(|line| {
                line.split_whitespace()
                    .next()
                    .is_some_and(|first| first.eq_ignore_ascii_case("AUTH"))
            })
            .flat_map(|line| {
                line.split_whitespace()
                    .skip(1)
                    .map(str::to_ascii_uppercase)
                    .collect::<Vec<_>>()
            })
            .collect();
        if mechanisms.iter().any(|m| m == "PLAIN") {
            let token = base64(format!("\0{user}\0{password}").as_bytes());
            connection
                .command("AUTH", &format!("AUTH PLAIN {token}"), &[235])
                .await?;
        } else if mechanisms.iter().any(|m| m == "LOGIN") {
            connection.command("AUTH", "AUTH LOGIN", &[334]).await?;
            connection
                .command("AUTH", &base64(user.as_bytes()), &[334])
                .await?;
            connection
                .command("AUTH", &base64(password.as_bytes()), &[235])
                .await?;
        } else {
            return Err(SendError::NoAuthMechanism);
        }
    }
    let body_parameter = if eight_bit { " BODY=8BITMIME" } else { "" };
    connection
        .command(
            "MAIL FROM",
            &format!("MAIL FROM:<{}>{body_parameter}", config.from),
            &[250],
        )
        .await?;
    connection
        .command(
            "RCPT TO",
            &format!("RCPT TO:<{}>", one_line(&message.to)),
            &[250, 251],
        )
        .await?;
    connection.command("DATA", "DATA", &[354]).await?;
    let id =
        crate::security::random_token(16).map_err(|_| SendError::Malformed { step: "DATA" })?;
    let domain = config
        .from
        .rsplit('@')
        .next()
        .unwrap_or("kleroterion.local");
    let text = render(&config.from, message, eight_bit, &format!("{id}@{domain}"));
    let mut stuffed = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive("\r\n") {
        if line.starts_with('.') {
            stuffed.push('.');
        }
        stuffed.push_str(line);
    }
    stuffed.push_str(".\r\n");
    timed("DATA", async {
        connection
            .stream
            .write_all(stuffed.as_bytes())
            .await
            .map_err(io_error("DATA"))?;
        connection.stream.flush().await.map_err(io_error("DATA"))
    })
    .await?;
    connection.expect("DATA", &[250]).await?;
    // The message is accepted; a failed goodbye changes nothing.
    let _ = connection.command("QUIT", "QUIT", &[221]).await;
    Ok(())
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
        let config = MailConfig::parse(
            "smtp://relay.example.org:2525",
            "Klero@Example.org",
            "http://localhost",
        )
        .unwrap();
        assert_eq!(
            (config.host.as_str(), config.port, config.auth.is_none()),
            ("relay.example.org", 2525, true)
        );
        assert_eq!(config.from, "klero@example.org");
        assert_eq!(
            MailConfig::parse("smtp://mail.internal", "a@b.org", "http://localhost")
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
            MailConfig::parse("smtp://relay", "nobody", "http://localhost"),
            Err(MailConfigError::From)
        );
    }

    #[test]
    fn base64_and_headers_follow_the_rfcs() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"\0user\0pass"), "AHVzZXIAcGFzcw==");
        assert_eq!(encode_header("Hello\r\nBcc: x"), "Hello  Bcc: x");
        assert_eq!(encode_header("Été"), "=?UTF-8?B?w4l0w6k=?=");
        let message = Message {
            to: "a@b.org".to_owned(),
            subject: "S".to_owned(),
            body: "line\n.dot".to_owned(),
        };
        let text = render("k@b.org", &message, true, "id@b.org");
        assert!(text.contains("\r\n\r\nline\r\n.dot\r\n"), "{text}");
    }
}
