//! The HTTP SMS sender of members' sign-in codes (issue 18, item 2): `klero serve --sms-url URL --sms-token TOKEN
//! --sms-from SENDER [--sms-format form|json]` posts each SMS to a gateway's HTTP API.
//!
//! The request is the shape most gateways accept: a `POST` to the URL with the fields `to` (the member's number as
//! they registered it), `from` (the sender id) and `text`, form-encoded (`application/x-www-form-urlencoded`, the
//! default) or as one JSON object (`--sms-format json`), and the token as `Authorization: Bearer TOKEN`. Any 2xx
//! answer is a sent message; the body is not read. A timeout, a refused connection, a 429 or a 5xx is a temporary
//! failure, which the deliverer retries through its claim's lease ([`crate::delivery`]); any other answer fails
//! the delivery, which staff see with the HTTP status only (never the number, the text or the gateway's reply).
//!
//! The workspace's `reqwest` is built without a TLS stack (none is locked for it), so the URL is `http://`: a
//! gateway on the same host or network (Kannel's, Jasmin's or playSMS's HTTP interface), or a provider reached
//! through a local TLS-originating proxy (`stunnel`, or nginx with `proxy_pass https://...`). `https://` is refused
//! when the server starts rather than failing every SMS.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::delivery::{SmsFailure, SmsSender};

/// How long the sender waits to connect to the gateway.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one request may take in all.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// How the fields go in the request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsFormat {
    /// `application/x-www-form-urlencoded`: `to=...&from=...&text=...`.
    Form,
    /// `application/json`: `{"to": ..., "from": ..., "text": ...}`.
    Json,
}

impl SmsFormat {
    /// `form` or `json`.
    pub fn parse(raw: &str) -> Option<SmsFormat> {
        match raw.trim() {
            "form" => Some(SmsFormat::Form),
            "json" => Some(SmsFormat::Json),
            _ => None,
        }
    }
}

/// Why the sender could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SmsConfigError {
    /// The URL is not `http://host[:port]/...`.
    #[error(
        "--sms-url must be an http:// URL (no TLS stack is built in: use a local gateway or TLS proxy)"
    )]
    Url,
    /// The sender id is empty or too long.
    #[error("--sms-from must be 1 to 20 characters")]
    From,
    /// The HTTP client could not be built.
    #[error("the HTTP client: {0}")]
    Client(String),
}

/// An SMS gateway reached over HTTP.
pub struct HttpSms {
    client: reqwest::Client,
    url: reqwest::Url,
    token: String,
    from: String,
    format: SmsFormat,
}

impl std::fmt::Debug for HttpSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a secret: never in a log line.
        f.debug_struct("HttpSms")
            .field("host", &self.url.host_str())
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl HttpSms {
    /// A sender posting to `url` with `token` (may be empty: no `Authorization` header) as `from`.
    pub fn new(
        url: &str,
        token: &str,
        from: &str,
        format: SmsFormat,
    ) -> Result<HttpSms, SmsConfigError> {
        let url = reqwest::Url::parse(url.trim()).map_err(|_| SmsConfigError::Url)?;
        if url.scheme() != "http" || url.host_str().is_none() {
            return Err(SmsConfigError::Url);
        }
        let from = from.trim();
        if from.is_empty() || from.chars().count() > 20 {
            return Err(SmsConfigError::From);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| SmsConfigError::Client(error.to_string()))?;
        Ok(HttpSms {
            client,
            url,
            token: token.trim().to_owned(),
            from: from.to_owned(),
            format,
        })
    }

    async fn post(&self, to: &str, text: &str) -> Result<(), SmsFailure> {
        let fields = [("to", to), ("from", self.from.as_str()), ("text", text)];
        let mut request = self.client.post(self.url.clone());
        request = match self.format {
            SmsFormat::Form => request.form(&fields),
            SmsFormat::Json => request.json(&serde_json::json!({
                "to": to, "from": self.from, "text": text,
            })),
        };
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    Ok(())
                } else {
                    Err(SmsFailure {
                        reason: format!("SMS gateway answered HTTP {}", status.as_u16()),
                        temporary: status.as_u16() == 429 || status.is_server_error(),
                    })
                }
            }
            // The error's text may carry the URL (never the number or text, which are in the body); say its kind.
            Err(error) => Err(SmsFailure {
                reason: if error.is_timeout() {
                    "SMS gateway timed out".to_owned()
                } else if error.is_connect() {
                    "SMS gateway unreachable".to_owned()
                } else {
                    "SMS gateway request failed".to_owned()
                },
                temporary: true,
            }),
        }
    }
}

impl SmsSender for HttpSms {
    fn send<'a>(
        &'a self,
        to: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), SmsFailure>> + Send + 'a>> {
        Box::pin(self.post(to, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_http_gateway_and_a_short_sender_id_are_accepted() {
        assert!(
            HttpSms::new(
                "http://127.0.0.1:13013/send",
                "t",
                "Assembly",
                SmsFormat::Form
            )
            .is_ok()
        );
        assert!(matches!(
            HttpSms::new(
                "https://api.example.org/sms",
                "t",
                "Assembly",
                SmsFormat::Form
            ),
            Err(SmsConfigError::Url)
        ));
        assert!(matches!(
            HttpSms::new("not a url", "t", "Assembly", SmsFormat::Json),
            Err(SmsConfigError::Url)
        ));
        assert!(matches!(
            HttpSms::new("http://gateway/send", "t", "", SmsFormat::Form),
            Err(SmsConfigError::From)
        ));
        let sender =
            HttpSms::new("http://gateway/send", "secret-token", "A", SmsFormat::Form).unwrap();
        assert!(!format!("{sender:?}").contains("secret-token"));
        assert_eq!(SmsFormat::parse("json"), Some(SmsFormat::Json));
        assert_eq!(SmsFormat::parse("xml"), None);
    }
}
