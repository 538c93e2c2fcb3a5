//! Recruitment in the API, for the roles of `ViewRecruitment` (observers, organisers): `/api/v1/assemblies/
//! {assembly_id}/recruitment`, the invitation lottery's draws (a page of them, each with its per-area report), the
//! letters drawn and the seats taken, and the respondents by status; and `/respondents`, a page of respondents by
//! status, with their personal data only for the roles of `ManageRecruitment` (organisers), as on the respondents
//! page (observers get the counts and no one). There is no search by name: a name in a query string would sit in
//! every proxy's and server's log, so searching stays a POST of the respondents page.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use domain::respondent::Status;
use serde::Deserialize;
use serde_json::{Value, json};

use super::page::{Page, PageParams, Paged, bad_query};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, now};

/// `GET /api/v1/assemblies/{assembly_id}/recruitment`: the draws (newest first), the letters and the respondents'
/// counts. Counts, seeds and digests only: the draw's seed and its list's digest are what make it checkable.
pub async fn recruitment(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Value>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let lottery = app::recruitment::lottery::lottery(&mut connection, assembly_id).await?;
    let (letters, seats_used) =
        store::recruitment::invitation_totals(&mut connection, assembly_id).await?;
    let counts = store::recruitment::respondent_status_counts(&mut connection, assembly_id).await?;
    drop(connection);
    let draws: Paged<Value> = page.of(&lottery.draws, |draw| {
        json!({
            "id": draw.id,
            "seed": draw.seed,
            "digest": draw.digest,
            "invitations": draw.invitations,
            "addresses": draw.addresses,
            "household_capacity": draw.household_capacity,
            "drawn_at": draw.drawn_at,
            "areas": draw.areas.iter().map(|area| json!({
                "area": area.area, "addresses": area.addresses, "weight": area.weight, "invited": area.invited,
            })).collect::<Vec<_>>(),
        })
    });
    Ok(Json(json!({
        "letters": letters,
        "seats_used": seats_used,
        "respondents": status_counts(&counts),
        "draws": draws,
    })))
}

/// Respondents by status, every status named (0 where none).
fn status_counts(counts: &[(Status, i64)]) -> Value {
    Value::Object(
        domain::respondent::ALL
            .iter()
            .map(|status| {
                let count = counts
                    .iter()
                    .find(|(counted, _)| counted == status)
                    .map_or(0, |(_, count)| *count);
                (status.as_str().to_owned(), json!(count))
            })
            .collect(),
    )
}

/// The respondents asked for.
#[derive(Debug, Default, Deserialize)]
pub struct RespondentsQuery {
    /// Only this status (`registered`, `eligible`, ...), if given.
    #[serde(default)]
    pub status: Option<String>,
    /// At most this many.
    #[serde(default)]
    pub limit: Option<i64>,
    /// Skip this many.
    #[serde(default)]
    pub offset: Option<i64>,
}

/// `GET /api/v1/assemblies/{assembly_id}/respondents`: the counts by status, and for organisers a page of the
/// respondents (oldest first) with their personal data, logged in the audit log as a view (ids and count), like
/// the page.
pub async fn respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    query: Result<Query<RespondentsQuery>, QueryRejection>,
) -> Result<Json<Value>, AppError> {
    let Query(query) = query.map_err(bad_query)?;
    let page = Page::new(query.limit, query.offset)?;
    let status = match query.status.as_deref() {
        Some(raw) => Some(Status::parse("status", raw)?),
        None => None,
    };
    let filter = app::recruitment::respondents::Filter {
        search: String::new(),
        status,
        page: 0,
    };
    let mut tx = state.store.begin().await?;
    let listed = app::recruitment::respondents::respondents_slice(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &filter,
        (page.limit, page.offset),
        now(),
    )
    .await?;
    tx.commit().await?;
    let respondents: Option<Paged<Value>> = listed.personal.then(|| Paged {
        total: listed.matching,
        limit: page.limit,
        offset: page.offset,
        items: listed
            .respondents
            .iter()
            .map(|respondent| {
                json!({
                    "id": respondent.id,
                    "status": respondent.status.as_str(),
                    "full_name": respondent.full_name,
                    "email": respondent.email,
                    "phone": respondent.phone,
                    "answers": respondent.answers,
                    "access_needs": {
                        "childcare": respondent.access.childcare,
                        "mobility": respondent.access.mobility,
                        "language": respondent.access.language,
                        "diet": respondent.access.diet,
                        "details": respondent.access.details,
                    },
                    "registered_at": respondent.registered_at,
                })
            })
            .collect(),
    });
    Ok(Json(json!({
        "counts": status_counts(&listed.counts),
        "invitations": listed.invitations,
        "seats_used": listed.seats_used,
        "personal": listed.personal,
        "respondents": respondents,
    })))
}
