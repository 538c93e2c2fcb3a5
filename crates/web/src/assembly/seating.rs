//! The tables page: the current allocation with its measures next to those of a random allocation, who sits
//! where, and the organisers' forms (allocate, swap, pin, members' feature values). An allocation is queued and
//! computed off the request path by [`super::allocation`].

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};

use super::allocation;
use super::forms::{AllocationFields, FeaturesFields, PinFields, SwapFields, typed};
use super::refusals;
use super::views::{
    MeasuresView, MemberRow, SavedQuery, SessionTables, Shown, TableView, TablesPage,
    facilitators_count, session_label, word_refusals,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::{AssemblyMessages, fill};
use crate::views::{Chrome, render};
use crate::{AppState, effects, now};

/// The page, with `shown.form` the form that failed: `allocate`, `swap`, `pin` or `features`.
async fn tables_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    shown: Shown<&'static str>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<AssemblyMessages>();
    let can_manage = allowed(viewer.role, Action::ManageTables);
    let mut conn = state.store.connection().await?;
    let overview = app::assembly::seating_overview(&mut conn, assembly_id, can_manage).await?;
    drop(conn);
    let name_of = |id: i64, list: &[(i64, String)]| {
        list.iter()
            .find(|(account_id, _)| *account_id == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    };
    let label_of = |id: i64| {
        overview
            .sessions
            .iter()
            .find(|session| session.id == id)
            .map(session_label)
            .unwrap_or_default()
    };
    let members = if can_manage {
        overview
            .members
            .iter()
            .map(|(id, name)| MemberRow {
                id: *id,
                name: name.clone(),
                features: overview
                    .features
                    .get(id)
                    .map(|values| {
                        values
                            .iter()
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    .unwrap_or_default(),
                pinned: overview
                    .pins
                    .iter()
                    .find(|(account_id, _)| account_id == id)
                    .map(|(_, table)| table + 1),
            })
            .collect()
    } else {
        Vec::new()
    };
    let (pending, failed) = match &overview.latest {
        Some(run) if run.status.is_pending() => (true, None),
        Some(run) if run.status == domain::seating::RunStatus::Failed => {
            (false, Some(run.error.clone()))
        }
        _ => (false, None),
    };
    let mut measures = None;
    let mut measures_of = None;
    let mut seating = Vec::new();
    let mut seated = Vec::new();
    if let Some(current) = &overview.current {
        let restored = &current.restored;
        measures = Some((
            MeasuresView::new(&current.measures),
            MeasuresView::new(&current.random),
        ));
        measures_of = Some(fill(
            t.measures_of,
            &[
                ("seats", &restored.run.request.seats_per_table.to_string()),
                ("seed", &restored.run.request.seed.to_string()),
            ],
        ));
        seated = restored
            .member_ids
            .iter()
            .map(|id| (*id, name_of(*id, &overview.members)))
            .collect();
        seated.sort_by(|a, b| a.1.cmp(&b.1));
        for (session, session_id) in restored.run.request.session_ids.iter().enumerate() {
            let diversity = &current.measures.sessions[session].table_diversity;
            let tables = (0..restored.allocation.tables())
                .map(|table| TableView {
                    number: table + 1,
                    facilitator: restored
                        .allocation
                        .facilitator_at(session, table)
                        .and_then(|id| id.parse::<i64>().ok())
                        .map(|id| name_of(id, &overview.facilitators))
                        .unwrap_or_default(),
                    members: restored
                        .allocation
                        .members_at(session, table)
                        .into_iter()
                        .filter_map(|id| id.parse::<i64>().ok())
                        .map(|id| name_of(id, &overview.members))
                        .collect(),
                    diversity: diversity
                        .get(table)
                        .map(|value| format!("{value:.2}"))
                        .unwrap_or_default(),
                })
                .collect();
            seating.push(SessionTables {
                id: *session_id,
                label: label_of(*session_id),
                tables,
            });
        }
    }
    render(
        shown.status,
        &TablesPage {
            c: Chrome::new(viewer, t.tables_title),
            t,
            assembly_id,
            assembly_title: overview.title.clone(),
            can_manage,
            pending,
            failed,
            sessions: overview
                .sessions
                .iter()
                .map(|session| (session.id, session_label(session)))
                .collect(),
            members,
            with_facilitators_label: fill(
                t.with_facilitators_label,
                &[(
                    "facilitators",
                    &facilitators_count(viewer.lang, overview.facilitators.len() as i64),
                )],
            ),
            measures,
            measures_of,
            seating,
            seated,
            errors: shown.errors,
            error_form: shown.form,
            typed: shown.typed,
            suggested_seed: now() % 1_000_000,
            saved: shown.saved,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/tables`: the allocation, its measures against a random one, and the forms.
pub async fn tables_view(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    tables_page(
        &state,
        &viewer,
        assembly_id,
        Shown::page(query.saved.is_some()),
    )
    .await
}

/// Where the tables page goes after a change.
fn saved(assembly_id: i64) -> Response {
    Redirect::to(&format!("/staff/assemblies/{assembly_id}/tables?saved=1")).into_response()
}

/// `POST /staff/assemblies/{assembly_id}/tables`: queues an allocation, starts its job and returns at once.
pub async fn allocate(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<AllocationFields>,
) -> Result<Response, AppError> {
    let request = match form {
        Ok(request) => request,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused("allocate", errors, typed(&invalid.fields));
            return tables_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let started = app::assembly::start_table_allocation(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &request,
        now(),
    )
    .await;
    let done = match started {
        Ok(done) => done,
        Err(error) => {
            drop(tx);
            let errors = word_refusals(viewer.lang, &refusals(error)?);
            let mut typed: super::forms::Fields = request
                .session_ids
                .iter()
                .map(|id| (format!("session_{id}"), "on".to_owned()))
                .collect();
            typed.insert(
                "seats_per_table".to_owned(),
                request.seats_per_table.to_string(),
            );
            typed.insert("seed".to_owned(), request.seed.to_string());
            if request.with_facilitators {
                typed.insert("with_facilitators".to_owned(), "on".to_owned());
            }
            let shown = Shown::refused("allocate", errors, typed);
            return tables_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    tx.commit().await?;
    for job in effects::carry_out(&state, done.effects).jobs {
        allocation::start(&state, job);
    }
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/tables")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/tables/swap`: two members exchange tables in one session.
pub async fn swap(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<SwapFields>,
) -> Result<Response, AppError> {
    let swap = match form {
        Ok(swap) => swap,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused("swap", errors, typed(&invalid.fields));
            return tables_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let swapped =
        app::assembly::swap_seats(&mut tx, &viewer.actor(), assembly_id, swap, now()).await;
    if let Err(error) = swapped {
        drop(tx);
        let errors = word_refusals(viewer.lang, &refusals(error)?);
        let typed = [
            ("swap_session", swap.session_id),
            ("first", swap.first),
            ("second", swap.second),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_string()))
        .collect();
        let shown = Shown::refused("swap", errors, typed);
        return tables_page(&state, &viewer, assembly_id, shown).await;
    }
    tx.commit().await?;
    Ok(saved(assembly_id))
}

/// `POST /staff/assemblies/{assembly_id}/tables/pins`: pins a member to a table for the next allocation (or unpins).
pub async fn pin(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<PinFields>,
) -> Result<Response, AppError> {
    let (account_id, table) = match form {
        Ok(pin) => pin,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused("pin", errors, typed(&invalid.fields));
            return tables_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let pinned = app::assembly::pin_member(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        account_id,
        table,
        now(),
    )
    .await;
    if let Err(error) = pinned {
        drop(tx);
        let errors = word_refusals(viewer.lang, &refusals(error)?);
        let typed = [
            ("pin_member".to_owned(), account_id.to_string()),
            (
                "pin_table".to_owned(),
                table.map(|table| table.to_string()).unwrap_or_default(),
            ),
        ];
        let shown = Shown::refused("pin", errors, typed.into_iter().collect());
        return tables_page(&state, &viewer, assembly_id, shown).await;
    }
    tx.commit().await?;
    Ok(saved(assembly_id))
}

/// `POST /staff/assemblies/{assembly_id}/features`: an organiser enters a member's feature values by hand.
pub async fn set_features(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<FeaturesFields>,
) -> Result<Response, AppError> {
    let (account_id, features) = match form {
        Ok(features) => features,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let shown = Shown::refused("features", errors, typed(&invalid.fields));
            return tables_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let set = app::assembly::set_features(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        account_id,
        &features,
        now(),
    )
    .await;
    if let Err(error) = set {
        drop(tx);
        let errors = word_refusals(viewer.lang, &refusals(error)?);
        let lines: Vec<String> = features
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let typed = [
            ("features_member".to_owned(), account_id.to_string()),
            ("features".to_owned(), lines.join("\n")),
        ];
        let shown = Shown::refused("features", errors, typed.into_iter().collect());
        return tables_page(&state, &viewer, assembly_id, shown).await;
    }
    tx.commit().await?;
    Ok(saved(assembly_id))
}
