//! The organisers' page, `/staff/assemblies/{assembly_id}/conversation`: the settings (prompt, moderation mode,
//! open or closed), seed statements in bulk, the moderation queue with bulk accept and reject (a page of 50), the
//! "recompute now" button and the action that turns the results into an evidence item.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};
use serde::Deserialize;

use super::forms::{ModerationFields, SeedFields, SettingsFields};
use super::views::{StaffPage, WaitingView};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::conversation::ConversationMessages;
use crate::i18n::fill;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Statements per page of the moderation queue.
const PAGE_SIZE: i64 = 50;

/// Query of the organisers' page.
#[derive(Debug, Deserialize)]
pub struct StaffQuery {
    /// The page of the queue (from 1).
    #[serde(default)]
    pub page: Option<i64>,
    /// A notice after a redirect: `saved`, `moderated`, `recompute`, `published`, or `seeded-A-D`.
    #[serde(default)]
    pub notice: Option<String>,
    /// How many statements the last bulk action moderated.
    #[serde(default)]
    pub n: Option<i64>,
}

/// What the page shows besides the stored state.
#[derive(Debug, Default)]
struct Extra {
    notice: Option<String>,
    errors: Vec<String>,
    prompt: Option<String>,
    seeds: String,
    page: i64,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    extra: Extra,
) -> Result<Response, AppError> {
    let page_number = extra.page.max(1);
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let queue = app::conversation::queue(
        &mut connection,
        assembly_id,
        PAGE_SIZE,
        (page_number - 1) * PAGE_SIZE,
    )
    .await?;
    let verification = match &queue.conversation {
        Some(_) => {
            Some(super::results::verification_view(&mut connection, viewer, assembly_id).await?)
        }
        None => None,
    };
    drop(connection);
    let t = viewer.lang.t::<ConversationMessages>();
    let (prompt, moderation, open, as_of) = match &queue.conversation {
        Some(conversation) => (
            conversation.settings.prompt.clone(),
            conversation.settings.moderation.as_str().to_owned(),
            conversation.settings.is_open,
            conversation
                .analysed_at
                .map(|at| fill(t.as_of, &[("date", &app::dates::utc_date(at))])),
        ),
        None => (
            record.question.clone(),
            "accepted_only".to_owned(),
            true,
            None,
        ),
    };
    let last_page = (queue.n_waiting + PAGE_SIZE - 1) / PAGE_SIZE;
    let c = Chrome::new(viewer, t.staff_title);
    render(
        status,
        &StaffPage {
            c,
            t,
            assembly_id,
            assembly_title: record.title,
            set_up: queue.conversation.is_some(),
            prompt: extra.prompt.unwrap_or(prompt),
            moderation,
            open,
            notice: extra.notice,
            errors: extra.errors,
            seeds: extra.seeds,
            counts: (
                queue.participation.voters,
                queue.participation.votes,
                queue.participation.statements,
            ),
            as_of,
            waiting: queue
                .waiting
                .into_iter()
                .map(|statement| WaitingView {
                    id: statement.id,
                    body: statement.body,
                    written_on: app::dates::utc_date(statement.created_at),
                })
                .collect(),
            n_waiting: queue.n_waiting,
            pages: (
                (page_number > 1).then_some(page_number - 1),
                (page_number < last_page).then_some(page_number + 1),
            ),
            can_configure: allowed(viewer.role, Action::ConfigureConversation),
            verification,
        },
    )
}

fn staff_url(assembly_id: i64, notice: &str) -> String {
    format!("/staff/assemblies/{assembly_id}/conversation?notice={notice}")
}

/// `GET /staff/assemblies/{assembly_id}/conversation`: settings, seeding and the moderation queue.
pub async fn staff(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<StaffQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ConversationMessages>();
    let n = query.n.unwrap_or(0).to_string();
    let notice = match query.notice.as_deref() {
        Some("saved") => Some(t.save_settings.to_owned() + " ✓"),
        Some("moderated") => Some(fill(t.moderated, &[("n", &n)])),
        Some("recompute") => Some(t.recompute_requested.to_owned()),
        Some("published") => Some(t.published.to_owned()),
        Some("imported") => Some(fill(t.imported, &[("n", &n)])),
        Some("verification") => Some(
            viewer
                .lang
                .t::<crate::i18n::participation::ParticipationMessages>()
                .mode_saved
                .to_owned(),
        ),
        Some(other) => other.strip_prefix("seeded-").and_then(|counts| {
            let (added, duplicates) = counts.split_once('-')?;
            let (added, duplicates) = (added.parse::<u32>().ok()?, duplicates.parse::<u32>().ok()?);
            Some(fill(
                t.seeded,
                &[
                    ("added", &added.to_string()),
                    ("duplicates", &duplicates.to_string()),
                ],
            ))
        }),
        None => None,
    };
    let extra = Extra {
        notice,
        page: query.page.unwrap_or(1),
        ..Extra::default()
    };
    page(&state, &viewer, assembly_id, StatusCode::OK, extra).await
}

/// `POST /staff/assemblies/{assembly_id}/conversation`: creates or changes the conversation's settings.
pub async fn configure(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<SettingsFields>,
) -> Result<Response, AppError> {
    let settings = match form {
        Ok(settings) => settings,
        Err(invalid) => {
            let extra = Extra {
                errors: invalid.errors.describe(viewer.lang),
                prompt: Some(invalid.fields.prompt),
                ..Extra::default()
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::conversation::configure(&mut tx, &viewer.actor(), assembly_id, &settings, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&staff_url(assembly_id, "saved")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/conversation/seeds`: adds seed statements, one per line.
pub async fn seed(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<SeedFields>,
) -> Result<Response, AppError> {
    let seeds = match form {
        Ok(seeds) => seeds,
        Err(invalid) => {
            let extra = Extra {
                errors: invalid.errors.describe(viewer.lang),
                seeds: invalid.fields.statements,
                ..Extra::default()
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    let seeded =
        app::conversation::seed(&mut tx, &viewer.actor(), assembly_id, &seeds, now()).await?;
    tx.commit().await?;
    let notice = format!("seeded-{}-{}", seeded.added, seeded.duplicates);
    Ok(Redirect::to(&staff_url(assembly_id, &notice)).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/conversation/moderation`: accepts or rejects every ticked statement, in
/// one transaction (all or nothing), one audit entry per statement.
pub async fn moderate(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ModerationFields>,
) -> Result<Response, AppError> {
    let (ids, decision) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let extra = Extra {
                errors: invalid.errors.describe(viewer.lang),
                ..Extra::default()
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                extra,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    let n =
        app::conversation::moderate(&mut tx, &viewer.actor(), assembly_id, &ids, decision, now())
            .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/conversation?notice=moderated&n={n}"
    ))
    .into_response())
}

/// `POST /staff/assemblies/{assembly_id}/conversation/analysis`: recomputes the map now, in the background.
pub async fn recompute(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    app::conversation::request_analysis(&mut tx, assembly_id, now()).await?;
    tx.commit().await?;
    super::job::spawn_drain(state.store.clone(), 0);
    Ok(Redirect::to(&staff_url(assembly_id, "recompute")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/conversation/evidence`: adds the current results to the assembly's
/// evidence library, linked to the public results page.
pub async fn publish(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let base = match &state.config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    let url = format!("{base}/assemblies/{assembly_id}/conversation/results");
    let mut tx = state.store.begin().await?;
    app::conversation::publish_as_evidence(&mut tx, &viewer.actor(), assembly_id, &url, now())
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&staff_url(assembly_id, "published")).into_response())
}
