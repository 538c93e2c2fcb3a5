//! Members' sign-in codes (issue 18, item 2): `GET /staff/assemblies/{assembly_id}/codes` lists how each member's
//! code was delivered (channel, status, attempts, the problem if any; never a code), a page at a time and by
//! status; `POST .../codes/resend` sends the codes of the ticked members again, by their channel or another one
//! (`app::codes::resend`, one audit entry per member); `POST .../codes/letters` prints the next batch of sealed
//! letters for members without email (`app::codes::print_letters`): the one page that carries codes, rendered
//! once, never cached, with the codes visible on paper only.

use app::codes::Letter;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::delivery::{Channel, DeliveryStatus};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::codes::CodeMessages;
use crate::i18n::fill;
use crate::views::{Chrome, render, utc_minute};
use crate::{AppState, now};

/// Deliveries per page.
pub const PAGE_SIZE: i64 = 50;

/// The list's query: `page` (from 1) and `status` (a stored status, or empty for all).
#[derive(Debug, Deserialize)]
pub struct CodesQuery {
    /// The page, from 1.
    pub page: Option<String>,
    /// Only deliveries with this status.
    pub status: Option<String>,
    /// How many codes the last bulk action sent again (shown once after the redirect).
    pub resent: Option<String>,
}

/// One delivery as listed (no code, no address).
pub struct DeliveryView {
    /// The delivery id (the checkbox's value).
    pub id: i64,
    /// The member's name.
    pub name: String,
    /// The channel, in words.
    pub channel: &'static str,
    /// The stored status (for styling and tests).
    pub status_key: &'static str,
    /// The status, in words.
    pub status: &'static str,
    /// Attempts so far.
    pub attempts: i64,
    /// The last problem, if any.
    pub error: String,
    /// When it last changed (UTC).
    pub updated: String,
}

/// The page of delivery outcomes.
#[derive(askama::Template)]
#[template(path = "code_deliveries.html")]
pub struct CodesPage {
    /// Chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static CodeMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// Its title.
    pub assembly_title: String,
    /// This page's deliveries.
    pub deliveries: Vec<DeliveryView>,
    /// The status filter (stored value, empty for all) and the choices (value, words).
    pub status: String,
    /// The filter's choices.
    pub statuses: Vec<(&'static str, &'static str)>,
    /// The channels (value, words) for the bulk form.
    pub channels: Vec<(&'static str, &'static str)>,
    /// "Page N of M".
    pub page_of: String,
    /// Links to the previous and next pages.
    pub prev: Option<String>,
    /// The next page's link.
    pub next: Option<String>,
    /// How many letters wait to be printed, in words.
    pub letters_pending: String,
    /// Whether any letter waits.
    pub has_letters: bool,
    /// A notice after a bulk action.
    pub notice: Option<String>,
    /// Errors of the bulk form.
    pub errors: Vec<String>,
}

/// The printable batch of sealed letters.
#[derive(askama::Template)]
#[template(path = "code_letters.html")]
pub struct LettersPage {
    /// Chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static CodeMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// The letters.
    pub letters: Vec<LetterView>,
}

/// One letter as printed.
pub struct LetterView {
    /// The delivery id.
    pub id: i64,
    /// The member's name.
    pub name: String,
    /// The postal address, one line per line.
    pub address: Vec<String>,
    /// The greeting.
    pub greeting: String,
    /// The body.
    pub body: String,
    /// The code (printed only).
    pub code: String,
    /// The expiry sentence.
    pub expires: String,
}

fn status_words(t: &CodeMessages, status: DeliveryStatus) -> &'static str {
    let index = DeliveryStatus::ALL
        .iter()
        .position(|candidate| *candidate == status)
        .unwrap_or(0);
    t.statuses[index]
}

fn channel_words(t: &CodeMessages, channel: Channel) -> &'static str {
    let index = Channel::ALL
        .iter()
        .position(|candidate| *candidate == channel)
        .unwrap_or(0);
    t.channels[index]
}

fn bad_query(message: &str) -> AppError {
    AppError::BadInput {
        status: StatusCode::BAD_REQUEST,
        message: message.to_owned(),
    }
}

/// `GET /staff/assemblies/{assembly_id}/codes`: how members' codes were delivered, a page at a time.
pub async fn code_deliveries(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<CodesQuery>,
) -> Result<Response, AppError> {
    let page = match query.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|page| (1..=1_000_000).contains(page))
            .ok_or_else(|| bad_query("page: expected a page number (a positive whole number)"))?,
    };
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            DeliveryStatus::from_stored(text)
                .ok_or_else(|| bad_query("status: expected a delivery status"))?,
        ),
    };
    let resent = query
        .resent
        .as_deref()
        .and_then(|text| text.trim().parse::<u32>().ok());
    render_list(
        &state,
        &viewer,
        assembly_id,
        page,
        status,
        resent,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)] // The page's one renderer, called by the list and the bulk form's errors.
async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    page: i64,
    status: Option<DeliveryStatus>,
    resent: Option<u32>,
    errors: Vec<String>,
    code: StatusCode,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<CodeMessages>();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let (rows, total) = store::deliveries::list(
        &mut connection,
        assembly_id,
        status,
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let letters =
        store::deliveries::pending_letters(&mut connection, assembly_id, app::codes::LETTER_BATCH)
            .await?
            .len();
    drop(connection);
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let status_value = status.map(DeliveryStatus::as_str).unwrap_or("");
    let link = |page: i64| {
        format!("/staff/assemblies/{assembly_id}/codes?page={page}&status={status_value}")
    };
    let deliveries = rows
        .into_iter()
        .map(|listed| DeliveryView {
            id: listed.row.id,
            name: listed.name,
            channel: channel_words(t, listed.row.channel),
            status_key: listed.row.status.as_str(),
            status: status_words(t, listed.row.status),
            attempts: listed.row.attempts,
            error: listed.row.error,
            updated: utc_minute(listed.row.updated_at),
        })
        .collect();
    let page_text = page.to_string();
    let pages_text = pages.to_string();
    let letters_text = letters.to_string();
    let notice = resent.map(|count| fill(t.resent, &[("count", count.to_string().as_str())]));
    let body = CodesPage {
        c: Chrome::new(viewer, t.title),
        t,
        assembly_id,
        assembly_title: record.title,
        deliveries,
        status: status_value.to_owned(),
        statuses: DeliveryStatus::ALL
            .into_iter()
            .map(|status| (status.as_str(), status_words(t, status)))
            .collect(),
        channels: Channel::ALL
            .into_iter()
            .map(|channel| (channel.as_str(), channel_words(t, channel)))
            .collect(),
        page_of: fill(
            t.page_of,
            &[("page", page_text.as_str()), ("pages", pages_text.as_str())],
        ),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        letters_pending: fill(t.letters_pending, &[("count", letters_text.as_str())]),
        has_letters: letters > 0,
        notice,
        errors,
    };
    render(code, &body)
}

/// The bulk form: `delivery` repeated once per ticked member, `channel` (empty: each one's own), the CSRF token.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct ResendFields(pub Vec<(String, String)>);

impl Validate for ResendFields {
    type Command = (Vec<i64>, Option<Channel>);

    fn validate(&self) -> Result<(Vec<i64>, Option<Channel>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut ids = Vec::new();
        let mut channel = None;
        for (name, value) in &self.0 {
            match name.as_str() {
                "delivery" => match value.trim().parse::<i64>() {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(ValidationError::new("delivery", Problem::Malformed)),
                },
                "channel" if value.trim().is_empty() => channel = None,
                "channel" => match Channel::from_stored(value) {
                    Some(parsed) => channel = Some(parsed),
                    None => errors.push(ValidationError::new("channel", Problem::Malformed)),
                },
                _ => {}
            }
        }
        if ids.is_empty() && !errors.has("delivery") {
            errors.push(ValidationError::new("delivery", Problem::Required));
        }
        if errors.is_empty() {
            Ok((ids, channel))
        } else {
            Err(errors)
        }
    }
}

/// `POST /staff/assemblies/{assembly_id}/codes/resend`: sends the ticked members' codes again, in one transaction.
pub async fn resend_codes(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ResendFields>,
) -> Result<Response, AppError> {
    let (ids, channel) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let t = viewer.lang.t::<CodeMessages>();
            let mut errors = vec![];
            if invalid.errors.has("delivery") {
                errors.push(t.err_select.to_owned());
            }
            errors.extend(
                invalid
                    .errors
                    .describe(viewer.lang)
                    .into_iter()
                    .filter(|_| !invalid.errors.has("delivery")),
            );
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_list(&state, &viewer, assembly_id, 1, None, None, errors, status).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let count =
        app::codes::resend(&mut tx, &viewer.actor(), assembly_id, &ids, channel, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/codes?resent={count}"
    ))
    .into_response())
}

/// `POST /staff/assemblies/{assembly_id}/codes/letters`: prints the next batch of sealed letters. The page is
/// the batch itself, shown once and never cached; with no letter waiting it goes back to the list.
pub async fn print_letters(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let letters = app::codes::print_letters(&mut tx, &viewer.actor(), assembly_id, now()).await?;
    tx.commit().await?;
    if letters.is_empty() {
        return Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/codes")).into_response());
    }
    tracing::info!(
        assembly_id,
        letters = letters.len(),
        "sealed letters printed"
    );
    let t = viewer.lang.t::<CodeMessages>();
    let url = match &state.config.public_url {
        Some(base) => format!("{}/code", base.trim_end_matches('/')),
        None => "/code".to_owned(),
    };
    let letters = letters
        .into_iter()
        .map(|letter: Letter| {
            let lang = crate::i18n::Lang::from_code(&letter.lang).unwrap_or(viewer.lang);
            let lt = lang.t::<CodeMessages>();
            let recipient = &letter.recipient;
            let values = [
                ("name", recipient.name.as_str()),
                ("title", recipient.title.as_str()),
                ("url", url.as_str()),
                ("expires", letter.code.expires_on.as_str()),
            ];
            LetterView {
                id: letter.delivery_id,
                name: recipient.name.clone(),
                address: recipient
                    .address
                    .split([',', '\n'])
                    .map(|line| line.trim().to_owned())
                    .filter(|line| !line.is_empty())
                    .collect(),
                greeting: fill(lt.letter_greeting, &values),
                body: fill(lt.letter_body, &values),
                code: letter.code.display.clone(),
                expires: fill(lt.letter_expires, &values),
            }
        })
        .collect();
    let page = LettersPage {
        c: Chrome::new(&viewer, t.letters_title),
        t,
        assembly_id,
        letters,
    };
    let mut response = render(StatusCode::OK, &page)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
