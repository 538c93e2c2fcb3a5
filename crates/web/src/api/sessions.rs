//! The assembly at work in the API: `/api/v1/assemblies/{assembly_id}/sessions` (a page of the sessions with their
//! agenda and register counts, for the roles of `ViewSessions`), `/evidence` (a page of the evidence library and the
//! speakers as the public evidence page shows them, without a token) and `/tables` (the current seating by session
//! and table, for the roles of `ViewTables`, who see the members' names on the tables page too).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::page::{Page, PageParams, Paged};
use crate::AppState;
use crate::error::AppError;

/// `GET /api/v1/assemblies/{assembly_id}/sessions`: a page of the sessions in date order.
pub async fn sessions(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Value>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let overview = app::assembly::sessions_overview(&mut connection, assembly_id).await?;
    drop(connection);
    let sessions: Paged<Value> = page.of(&overview.sessions, |summary| {
        let session = &summary.session;
        json!({
            "id": session.id,
            "title": session.fields.title,
            "held_on": session.fields.held_on,
            "starts_at": session.fields.starts_at,
            "ends_at": session.fields.ends_at,
            "place": session.fields.place,
            "agenda": summary.agenda.iter().map(|item| json!({
                "id": item.id,
                "starts_at": item.fields.starts_at,
                "minutes": item.fields.minutes,
                "title": item.fields.title,
                "topic": item.fields.topic,
            })).collect::<Vec<_>>(),
            "attendance": {
                "present": summary.counts.present,
                "late": summary.counts.late,
                "absent": summary.counts.absent,
            },
        })
    });
    Ok(Json(json!({
        "members": overview.members,
        "sessions": sessions,
    })))
}

/// `GET /api/v1/assemblies/{assembly_id}/evidence`: a page of the documents and one of the speakers, by topic, as
/// the public evidence page shows them (a speaker's name, topic, perspective and declared interests are public); each
/// page is read from the store with its total.
pub async fn evidence(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Value>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let lists =
        app::assembly::library_lists(&mut connection, assembly_id, (page.limit, page.offset))
            .await?;
    drop(connection);
    let (documents, documents_total) = lists.documents;
    let documents = Paged {
        total: documents_total,
        limit: page.limit,
        offset: page.offset,
        items: documents
            .iter()
            .map(|row| {
                json!({
                    "id": row.id, "topic": row.fields.topic, "title": row.fields.title,
                    "url": row.fields.url, "summary": row.fields.summary,
                })
            })
            .collect(),
    };
    let (speakers, speakers_total) = lists.speakers;
    let speakers = Paged {
        total: speakers_total,
        limit: page.limit,
        offset: page.offset,
        items: speakers
            .iter()
            .map(|speaker| {
                json!({
                    "id": speaker.id,
                    "name": speaker.fields.name,
                    "topic": speaker.fields.topic,
                    "perspective": speaker.fields.perspective,
                    "interests": speaker.fields.interests,
                    "session_id": speaker.fields.session_id,
                })
            })
            .collect(),
    };
    Ok(Json(
        json!({ "documents": documents, "speakers": speakers }),
    ))
}

/// `GET /api/v1/assemblies/{assembly_id}/tables`: the current allocation (null before the first), a page of its
/// sessions, each with its tables, their facilitator and members by account id and name.
pub async fn tables(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    params: PageParams,
) -> Result<Json<Value>, AppError> {
    let page = Page::parse(params)?;
    let mut connection = state.store.connection().await?;
    let overview = app::assembly::seating_overview(&mut connection, assembly_id, false).await?;
    drop(connection);
    let name_of = |id: i64, people: &[(i64, String)]| {
        people
            .iter()
            .find(|(account_id, _)| *account_id == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    };
    let person = |id: i64, people: &[(i64, String)]| json!({ "account_id": id, "name": name_of(id, people) });
    let latest = overview
        .latest
        .as_ref()
        .map(|run| json!({ "id": run.id, "status": run.status.as_str() }));
    let Some(current) = &overview.current else {
        return Ok(Json(
            json!({ "latest_run": latest, "current": Value::Null }),
        ));
    };
    let restored = &current.restored;
    let sessions: Vec<(usize, i64)> = restored
        .run
        .request
        .session_ids
        .iter()
        .copied()
        .enumerate()
        .collect();
    let sessions: Paged<Value> = page.of(&sessions, |(session, session_id)| {
        let diversity = current
            .measures
            .sessions
            .get(*session)
            .map(|measures| measures.table_diversity.clone())
            .unwrap_or_default();
        let tables: Vec<Value> = (0..restored.allocation.tables())
            .map(|table| {
                let facilitator = restored
                    .allocation
                    .facilitator_at(*session, table)
                    .and_then(|id| id.parse::<i64>().ok())
                    .map(|id| person(id, &overview.facilitators));
                let members: Vec<Value> = restored
                    .allocation
                    .members_at(*session, table)
                    .into_iter()
                    .filter_map(|id| id.parse::<i64>().ok())
                    .map(|id| person(id, &overview.members))
                    .collect();
                json!({
                    "number": table + 1,
                    "facilitator": facilitator,
                    "members": members,
                    "diversity": diversity.get(table),
                })
            })
            .collect();
        json!({ "session_id": session_id, "tables": tables })
    });
    Ok(Json(json!({
        "latest_run": latest,
        "current": {
            "run_id": restored.run.id,
            "seats_per_table": restored.run.request.seats_per_table,
            "seed": restored.run.request.seed,
            "sessions": sessions,
        },
    })))
}
