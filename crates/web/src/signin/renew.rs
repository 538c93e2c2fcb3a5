//! `GET /code/new` and `POST /code/new`: a member who lost their sign-in code, or whose code expired, asks for a new
//! one themselves by giving their email address (the code goes by email) or their phone number (by SMS).
//!
//! The answer is the same page whether or not what was typed names a member, so the form tells nobody who is a
//! member. Three counters in the shared `rate_limits` table (so every server instance counts together) stop
//! abuse: per client address and per address or number typed (over either, a 429 and nothing is written: these
//! count the same whether or not anyone matched), and per member (over it, the same answer as always and no new
//! code, so the limit reveals nothing either). Keys are HMACs under the server secret, never the address or number.
//! A match queues a delivery through the usual path (`app::codes::request_by_member`, audited by the public with
//! ids only); the deliverer issues the code when it sends it, and the member's previous code stops working then.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::codes::CodeMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// A limit of one counter: the most requests per hour and per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimit {
    /// Requests per hour.
    pub per_hour: i64,
    /// Requests per day.
    pub per_day: i64,
}

/// Per client address: a room of members sharing one network may each ask once or twice.
pub const PER_CLIENT: RequestLimit = RequestLimit {
    per_hour: 20,
    per_day: 60,
};
/// Per address or number typed: a member who retypes a few times, not a script that floods one inbox.
pub const PER_CONTACT: RequestLimit = RequestLimit {
    per_hour: 3,
    per_day: 10,
};
/// Per member (however they were named): at most this many new codes.
pub const PER_MEMBER: RequestLimit = RequestLimit {
    per_hour: 3,
    per_day: 10,
};

/// The form: one field, the email address or the phone number.
#[derive(Deserialize)]
pub struct NewCodeFields {
    /// What the member typed.
    #[serde(default)]
    pub contact: String,
}

impl Validate for NewCodeFields {
    type Command = app::codes::Lookup;

    fn validate(&self) -> Result<app::codes::Lookup, FieldErrors> {
        if self.contact.trim().is_empty() {
            return Err(ValidationError::new("contact", Problem::Required).into());
        }
        app::codes::Lookup::parse(&self.contact)
            .ok_or_else(|| ValidationError::new("contact", Problem::Malformed).into())
    }
}

/// The page of the form.
#[derive(askama::Template)]
#[template(path = "code_new.html")]
pub struct NewCodePage {
    /// Chrome.
    pub c: Chrome,
    /// The catalogue.
    pub t: &'static CodeMessages,
    /// The error to show, if any.
    pub error: Option<&'static str>,
    /// The answer after a request (the same whatever was typed).
    pub sent: bool,
    /// The value as typed (only when it is shown again with an error).
    pub contact: String,
}

fn page(
    viewer: &Viewer,
    status: StatusCode,
    error: Option<&'static str>,
    sent: bool,
    contact: String,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CodeMessages>();
    render(
        status,
        &NewCodePage {
            c: Chrome::new(viewer, t.lost_title),
            t,
            error,
            sent,
            contact,
        },
    )
}

/// `GET /code/new`.
pub async fn new_code_form(Extension(viewer): Extension<Viewer>) -> Result<Response, AppError> {
    page(&viewer, StatusCode::OK, None, false, String::new())
}

/// Counts one hit on `purpose`'s hour and day counters under `key`; `false` once over `limit`.
async fn within(
    tx: &mut store::Tx,
    state: &AppState,
    purpose: &str,
    key: &str,
    limit: RequestLimit,
    now: i64,
) -> Result<bool, AppError> {
    for (window, seconds, max) in [
        ("hour", 3600, limit.per_hour),
        ("day", 24 * 3600, limit.per_day),
    ] {
        let hashed = state
            .config
            .secret
            .private_key(&format!("{purpose}-{window}:{key}"));
        if store::recruitment::count_hit(tx, &hashed, now, seconds)
            .await?
            .hits
            > max
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `POST /code/new`: queues a new code for the member named, if any; the same answer either way.
pub async fn request_new_code(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<NewCodeFields>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CodeMessages>();
    let lookup = match form {
        Ok(lookup) => lookup,
        Err(invalid) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(
                &viewer,
                status,
                Some(t.lost_invalid),
                false,
                invalid.fields.contact,
            );
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let client = viewer
        .client
        .map_or_else(|| "unknown".to_owned(), |address| address.to_string());
    if !within(
        &mut tx,
        &state,
        "code-request-client",
        &client,
        PER_CLIENT,
        now,
    )
    .await?
        || !within(
            &mut tx,
            &state,
            "code-request-contact",
            &lookup.key(),
            PER_CONTACT,
            now,
        )
        .await?
    {
        // Nothing is written, not even the count (as every anonymous write's limit).
        drop(tx);
        tracing::info!("new sign-in code request refused by its rate limit");
        return page(
            &viewer,
            StatusCode::TOO_MANY_REQUESTS,
            Some(t.lost_limited),
            false,
            String::new(),
        );
    }
    let mut queued = 0;
    for member in app::codes::find_members(&mut tx, &lookup).await? {
        let account = member.delivery.account_id.to_string();
        if within(
            &mut tx,
            &state,
            "code-request-member",
            &account,
            PER_MEMBER,
            now,
        )
        .await?
        {
            app::codes::request_by_member(&mut tx, &member, now).await?;
            queued += 1;
        }
    }
    tx.commit().await?;
    // Only a count: whether it is 0 or 1 is known to the server's operator, never to the visitor.
    tracing::info!(queued, "new sign-in code requested by a member");
    page(&viewer, StatusCode::OK, None, true, String::new())
}
