//! `/api/v1/assemblies/{assembly_id}/code-deliveries`: how members' sign-in codes were delivered (never a code,
//! never an address), a page at a time, and sending the codes of many members again in one call (issue 18, item
//! 2), through the same use case as the staff page (`app::codes::resend`).

use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use domain::delivery::{Channel, DeliveryStatus};
use domain::error::{Problem, ValidationError};
use serde::{Deserialize, Serialize};

use super::JsonBody;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, now};

/// Deliveries per page of the API.
pub const API_PAGE_SIZE: i64 = 100;

/// The list's query: `page` (from 0) and `status`.
#[derive(Debug, Deserialize)]
pub struct DeliveriesQuery {
    /// The page, from 0.
    pub page: Option<i64>,
    /// Only deliveries with this status.
    pub status: Option<String>,
}

/// One delivery (no code, no address, no name).
#[derive(Debug, Serialize)]
pub struct DeliveryJson {
    /// The delivery.
    pub id: i64,
    /// The member's account.
    pub account_id: i64,
    /// The respondent the member came from, if any.
    pub respondent_id: Option<i64>,
    /// `email`, `sms` or `letter`.
    pub channel: &'static str,
    /// `pending`, `sending`, `sent`, `failed`, `printed` or `cancelled`.
    pub status: &'static str,
    /// How many times a deliverer claimed it.
    pub attempts: i64,
    /// The last problem (an SMTP step and reply code, or what is not configured), empty otherwise.
    pub error: String,
    /// When it was asked for (unix seconds).
    pub created_at: i64,
    /// When it last changed (unix seconds).
    pub updated_at: i64,
}

/// One page of deliveries, newest first.
#[derive(Debug, Serialize)]
pub struct DeliveriesJson {
    /// How many there are in all (with the status filter).
    pub total: i64,
    /// The page (from 0).
    pub page: i64,
    /// Deliveries per page.
    pub page_size: i64,
    /// This page's deliveries.
    pub deliveries: Vec<DeliveryJson>,
}

/// What a client sends to send codes again.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResendInput {
    /// The deliveries whose members get a new code.
    pub delivery_ids: Vec<i64>,
    /// `email`, `sms` or `letter`; each one's own channel when absent or null.
    #[serde(default)]
    pub channel: Option<String>,
}

/// `GET /api/v1/assemblies/{assembly_id}/code-deliveries?page=N&status=S`.
pub async fn list_code_deliveries(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<DeliveriesQuery>,
) -> Result<Response, AppError> {
    let page = query.page.unwrap_or(0);
    if !(0..=1_000_000).contains(&page) {
        return Err(AppError::Invalid(ValidationError::new(
            "page",
            Problem::Malformed,
        )));
    }
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(DeliveryStatus::from_stored(text).ok_or_else(|| {
            AppError::Invalid(ValidationError::new("status", Problem::Malformed))
        })?),
    };
    let mut connection = state.store.connection().await?;
    if !store::assemblies::assembly_exists(&mut connection, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let (rows, total) = store::deliveries::list(
        &mut connection,
        assembly_id,
        status,
        page * API_PAGE_SIZE,
        API_PAGE_SIZE,
    )
    .await?;
    drop(connection);
    let deliveries = rows
        .into_iter()
        .map(|listed| DeliveryJson {
            id: listed.row.id,
            account_id: listed.row.account_id,
            respondent_id: listed.row.respondent_id,
            channel: listed.row.channel.as_str(),
            status: listed.row.status.as_str(),
            attempts: listed.row.attempts,
            error: listed.row.error,
            created_at: listed.row.created_at,
            updated_at: listed.row.updated_at,
        })
        .collect();
    Ok(Json(DeliveriesJson {
        total,
        page,
        page_size: API_PAGE_SIZE,
        deliveries,
    })
    .into_response())
}

/// `POST /api/v1/assemblies/{assembly_id}/code-deliveries/resend`: one transaction; a delivery of another assembly
/// is a 404 and nothing is written.
pub async fn resend_code_deliveries(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<ResendInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let mut ids: Vec<i64> = Vec::new();
    for id in input.delivery_ids {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() || ids.len() > 10_000 {
        return Err(AppError::Invalid(ValidationError::new(
            "delivery_ids",
            Problem::Malformed,
        )));
    }
    let channel = match input.channel.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(Channel::from_stored(text).ok_or_else(|| {
            AppError::Invalid(ValidationError::new("channel", Problem::Malformed))
        })?),
    };
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let count =
        app::codes::resend(&mut tx, &viewer.actor(), assembly_id, &ids, channel, now()).await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({ "resent": count })).into_response())
}

/// Bounce notices a mail provider posts (issue 18, item 2): `{"bounces": [{"recipient": "...", "status": "5.1.1"}]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BouncesInput {
    /// The notices, 1 to 1,000.
    pub bounces: Vec<BounceInput>,
}

/// One bounce notice (no `Debug`: the address is personal data).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BounceInput {
    /// The address the email could not reach (the DSN's `Final-Recipient`).
    pub recipient: String,
    /// The DSN's RFC 3463 status code (`Status: 5.1.1`).
    pub status: String,
}

/// `POST /api/v1/assemblies/{assembly_id}/mail-bounces`: records late delivery failures in one transaction; a
/// notice that names no one of the assembly changes nothing. Answers how many code deliveries and emails were
/// marked, never which addresses matched.
pub async fn record_mail_bounces(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<BouncesInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    if input.bounces.is_empty() || input.bounces.len() > 1000 {
        return Err(AppError::Invalid(ValidationError::new(
            "bounces",
            Problem::Malformed,
        )));
    }
    let mut bounces = Vec::with_capacity(input.bounces.len());
    for bounce in input.bounces {
        let recipient = domain::account::Email::parse(&bounce.recipient).map_err(|_| {
            AppError::Invalid(ValidationError::new("recipient", Problem::Malformed))
        })?;
        let status = app::codes::bounce_status(&bounce.status)
            .ok_or_else(|| AppError::Invalid(ValidationError::new("status", Problem::Malformed)))?;
        bounces.push(app::codes::Bounce { recipient, status });
    }
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let found =
        app::codes::record_bounces(&mut tx, &viewer.actor(), assembly_id, &bounces, now()).await?;
    tx.commit().await?;
    tracing::info!(
        assembly_id,
        deliveries = found.deliveries,
        emails = found.emails,
        "mail bounces recorded"
    );
    Ok(Json(serde_json::json!({
        "code_deliveries": found.deliveries,
        "emails": found.emails,
    }))
    .into_response())
}
