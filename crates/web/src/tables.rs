//! Tables (issue 5, item 3): wires the `tables` engine to the assembly's members, sessions and facilitators.
//!
//! An organiser asks for an allocation (sessions, seats per table, facilitators or not, a seed); the request is
//! stored as a `queued` run and answered at once, and [`drain`] computes it off the request path (150 members over
//! 7 sessions take seconds on a busy machine): it claims the run, runs [`tables::allocate`] on a blocking thread and
//! stores the seats in one transaction.
//! Organisers pin members to a table for the next allocation and swap two members in one session of the current
//! one (the swap is checked by the engine, so pins are honoured); the page shows the measures of the allocation
//! next to those of a random allocation of the same members.
//! Who sits where is shown to organisers and observers only; members see their own table and facilitators the
//! tables they facilitate (on "my assembly"); the public sees nothing of it.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::error::{Problem, ValidationError};
use domain::permission::{Action, Role, allowed};
use store::Store;
use store::seating::{FacilitatorSeat, NewRun, RunRow, RunStatus, Seat};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::SessionMessages;
use crate::sessions::{Fields, SavedQuery, audit, describe_all, field, number, text};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The value given to a member who has no value for a feature.
const NO_VALUE: &str = "—";

/// Builds the engine's request: members and facilitators are identified by their account ids, features are the
/// union of every member's feature names (sorted), and pins hold in every session.
pub fn build_request(
    member_ids: &[i64],
    features: &BTreeMap<i64, BTreeMap<String, String>>,
    sessions: usize,
    seats_per_table: usize,
    facilitator_ids: &[i64],
    pins: &[(i64, i64)],
) -> tables::Request {
    let mut names: Vec<String> = member_ids
        .iter()
        .filter_map(|id| features.get(id))
        .flat_map(|values| values.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    let members = member_ids
        .iter()
        .map(|id| tables::Member {
            id: id.to_string(),
            values: names
                .iter()
                .map(|name| {
                    features
                        .get(id)
                        .and_then(|values| values.get(name))
                        .cloned()
                        .unwrap_or_else(|| NO_VALUE.to_owned())
                })
                .collect(),
        })
        .collect();
    let mut request = tables::Request::new(
        names,
        members,
        sessions,
        tables::TableLayout::SeatsPerTable(seats_per_table),
    );
    request.facilitators = facilitator_ids.iter().map(i64::to_string).collect();
    request.rotation = tables::Rotation::Rotate;
    request.pins = pins
        .iter()
        .filter(|(account_id, _)| member_ids.contains(account_id))
        .map(|(account_id, table_no)| tables::Pin {
            member: account_id.to_string(),
            session: None,
            table: usize::try_from(*table_no).unwrap_or(usize::MAX),
        })
        .collect();
    request
}

/// Computes every queued run, one after another, and returns how many this call computed.
/// Safe to call from several servers at once: a run is claimed by one of them only.
pub async fn drain(store: &Store) -> Result<usize, AppError> {
    let mut computed = 0;
    loop {
        let mut conn = store.connection().await?;
        let queued = store::seating::queued_runs(&mut conn).await?;
        drop(conn);
        let Some(&run_id) = queued.first() else {
            return Ok(computed);
        };
        let mut tx = store.begin().await?;
        let claimed = store::seating::claim_run(&mut tx, run_id).await?;
        tx.commit().await?;
        if claimed {
            execute(store, run_id).await?;
            computed += 1;
        }
    }
}

/// Starts [`drain`] in the background (the request that queued a run does not wait for it).
pub fn spawn_drain(store: Store) {
    tokio::spawn(async move {
        if let Err(error) = drain(&store).await {
            tracing::error!(error = %error, "table allocation worker failed");
        }
    });
}

async fn execute(store: &Store, run_id: i64) -> Result<(), AppError> {
    let mut conn = store.connection().await?;
    let run = store::seating::get_run(&mut conn, run_id).await?;
    let assembly_id = run.assembly_id;
    let member_ids: Vec<i64> = store::sessions::members_of(&mut conn, assembly_id)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let features = store::seating::member_features(&mut conn, assembly_id).await?;
    let facilitator_ids: Vec<i64> = if run.request.with_facilitators {
        store::sessions::accounts_with_role(&mut conn, assembly_id, Role::Facilitator)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    } else {
        Vec::new()
    };
    let pins = store::seating::pins(&mut conn, assembly_id).await?;
    drop(conn);
    let session_ids = run.request.session_ids.clone();
    let request = build_request(
        &member_ids,
        &features,
        session_ids.len(),
        usize::try_from(run.request.seats_per_table).unwrap_or(1),
        &facilitator_ids,
        &pins,
    );
    let seed = run.request.seed as u64;
    let started = std::time::Instant::now();
    let outcome = tokio::task::spawn_blocking(move || tables::allocate(&request, seed))
        .await
        .map_err(AppError::internal)?;
    let now = now();
    let mut tx = store.begin().await?;
    let entity = format!("assembly:{assembly_id}/table_run:{run_id}");
    match outcome {
        Ok(allocation) => {
            let seating = allocation.seating();
            let mut seats = Vec::new();
            let mut facilitators = Vec::new();
            for (session, session_id) in session_ids.iter().enumerate() {
                for (member, account_id) in member_ids.iter().enumerate() {
                    seats.push(Seat {
                        session_id: *session_id,
                        account_id: *account_id,
                        table_no: seating.tables[session][member] as i64,
                    });
                }
                if let Some(tables_of_session) = seating.facilitators.get(session) {
                    for (table, facilitator) in tables_of_session.iter().enumerate() {
                        facilitators.push(FacilitatorSeat {
                            session_id: *session_id,
                            table_no: table as i64,
                            account_id: facilitator_ids[*facilitator],
                        });
                    }
                }
            }
            store::seating::finish_run(&mut tx, run_id, &seats, &facilitators, now).await?;
            let measures = allocation.measures();
            let after = serde_json::json!({
                "members": member_ids.len(),
                "sessions": session_ids.len(),
                "tables": allocation.tables(),
                "distinct_pairs": measures.distinct_pairs,
                "milliseconds": started.elapsed().as_millis() as u64,
            });
            store::audit::append(
                &mut tx,
                &store::audit::Change {
                    actor_account_id: None,
                    action: "tables.allocate",
                    entity: &entity,
                    before_json: None,
                    after_json: Some(&after.to_string()),
                },
                now,
            )
            .await?;
        }
        Err(error) => {
            // Engine errors name members by id (account ids), never by name or value.
            let reason = error.to_string();
            store::seating::fail_run(&mut tx, run_id, &reason, now).await?;
            let after = serde_json::json!({ "error": reason });
            store::audit::append(
                &mut tx,
                &store::audit::Change {
                    actor_account_id: None,
                    action: "tables.allocate_failed",
                    entity: &entity,
                    before_json: None,
                    after_json: Some(&after.to_string()),
                },
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    tracing::info!(
        assembly_id,
        run_id,
        milliseconds = started.elapsed().as_millis() as u64,
        "table run finished"
    );
    Ok(())
}

/// A finished run rebuilt as an engine allocation.
pub struct Restored {
    /// The run.
    pub run: RunRow,
    /// The members' account ids, in the engine's order.
    pub member_ids: Vec<i64>,
    /// The request the allocation answers (with the pins it honours).
    pub request: tables::Request,
    /// The allocation.
    pub allocation: tables::Allocation,
}

/// The assembly's current allocation, rebuilt so that its measures can be shown and swaps checked.
pub async fn restore_current(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
) -> Result<Option<Restored>, AppError> {
    let Some(run) = store::seating::current_run(&mut *conn, assembly_id).await? else {
        return Ok(None);
    };
    let seats = store::seating::seats(&mut *conn, run.id).await?;
    let facilitator_seats = store::seating::facilitator_seats(&mut *conn, run.id).await?;
    let mut member_ids: Vec<i64> = seats.iter().map(|seat| seat.account_id).collect();
    member_ids.sort_unstable();
    member_ids.dedup();
    let mut facilitator_ids: Vec<i64> = facilitator_seats
        .iter()
        .map(|seat| seat.account_id)
        .collect();
    facilitator_ids.sort_unstable();
    facilitator_ids.dedup();
    let session_ids = &run.request.session_ids;
    let table_of = |session_id: i64, account_id: i64| {
        seats
            .iter()
            .find(|seat| seat.session_id == session_id && seat.account_id == account_id)
            .map(|seat| seat.table_no)
    };
    // Pins made after the run are for the next allocation: keep only those this seating honours.
    let pins: Vec<(i64, i64)> = store::seating::pins(&mut *conn, assembly_id)
        .await?
        .into_iter()
        .filter(|(account_id, table_no)| {
            member_ids.contains(account_id)
                && session_ids
                    .iter()
                    .all(|session_id| table_of(*session_id, *account_id) == Some(*table_no))
        })
        .collect();
    let features = store::seating::member_features(&mut *conn, assembly_id).await?;
    let request = build_request(
        &member_ids,
        &features,
        session_ids.len(),
        usize::try_from(run.request.seats_per_table).unwrap_or(1),
        &facilitator_ids,
        &pins,
    );
    let mismatch = || {
        AppError::internal(store::StoreError::Corrupt(
            "stored seating is incomplete".to_owned(),
        ))
    };
    let mut seating = tables::Seating {
        tables: Vec::new(),
        facilitators: Vec::new(),
    };
    for session_id in session_ids {
        let tables_of_session = member_ids
            .iter()
            .map(|account_id| {
                table_of(*session_id, *account_id)
                    .map(|table| table as usize)
                    .ok_or_else(mismatch)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let n_tables = tables_of_session.iter().max().map_or(0, |max| max + 1);
        seating.tables.push(tables_of_session);
        if !facilitator_ids.is_empty() {
            let at_tables = (0..n_tables)
                .map(|table| {
                    facilitator_seats
                        .iter()
                        .find(|seat| {
                            seat.session_id == *session_id && seat.table_no == table as i64
                        })
                        .and_then(|seat| {
                            facilitator_ids.iter().position(|id| *id == seat.account_id)
                        })
                        .ok_or_else(mismatch)
                })
                .collect::<Result<Vec<_>, _>>()?;
            seating.facilitators.push(at_tables);
        }
    }
    let allocation = tables::restore(&request, &seating).map_err(AppError::internal)?;
    Ok(Some(Restored {
        run,
        member_ids,
        request,
        allocation,
    }))
}

/// The measures of an allocation as shown.
pub struct MeasuresView {
    /// Pairs who met at least once.
    pub distinct_pairs: usize,
    /// The most pairs possible.
    pub max_pairs: usize,
    /// Repeated meetings.
    pub repeated: usize,
    /// Mean table diversity (0 to 1, two decimals).
    pub diversity_mean: String,
    /// Least diverse table.
    pub diversity_min: String,
}

impl MeasuresView {
    fn new(measures: &tables::Measures) -> MeasuresView {
        let decimals = |value: f64| {
            if value.is_finite() {
                format!("{value:.2}")
            } else {
                NO_VALUE.to_owned()
            }
        };
        MeasuresView {
            distinct_pairs: measures.distinct_pairs,
            max_pairs: measures.max_distinct_pairs,
            repeated: measures.repeated_meetings,
            diversity_mean: decimals(measures.diversity_mean),
            diversity_min: decimals(measures.diversity_min),
        }
    }
}

/// One table in one session.
pub struct TableView {
    /// 1-based.
    pub number: usize,
    /// The facilitator's name, or empty.
    pub facilitator: String,
    /// The members' names.
    pub members: Vec<String>,
    /// The table's diversity (two decimals).
    pub diversity: String,
}

/// One session's tables.
pub struct SessionTables {
    /// The session id.
    pub id: i64,
    /// "title (date)".
    pub label: String,
    /// The tables.
    pub tables: Vec<TableView>,
}

/// A member in the forms: (id, name, their features as "name: value" text).
pub struct MemberRow {
    /// The account id.
    pub id: i64,
    /// The name.
    pub name: String,
    /// "gender: Woman · age: 30-44", or empty.
    pub features: String,
    /// The table they are pinned to (1-based), if any.
    pub pinned: Option<i64>,
}

/// The tables page.
#[derive(Template)]
#[template(path = "tables.html")]
pub struct TablesPage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static SessionMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// Whether the viewer may allocate, pin, swap and enter features.
    pub can_manage: bool,
    /// The latest run, if it is not the current allocation: (queued or running, failed reason).
    pub pending: bool,
    /// The reason the latest run failed, if it did.
    pub failed: Option<String>,
    /// The sessions: (id, label).
    pub sessions: Vec<(i64, String)>,
    /// The members (for organisers' forms).
    pub members: Vec<MemberRow>,
    /// How many facilitators the assembly has.
    pub facilitators: usize,
    /// The current allocation's measures and a random allocation's.
    pub measures: Option<(MeasuresView, MeasuresView)>,
    /// The current allocation's seats per table and seed.
    pub current: Option<(i64, i64)>,
    /// Who sits where.
    pub seating: Vec<SessionTables>,
    /// The members of the current allocation, for the swap form: (id, name).
    pub seated: Vec<(i64, String)>,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// Which form failed: `allocate`, `swap`, `pin` or `features`.
    pub error_form: &'static str,
    /// The values typed in it.
    pub typed: Fields,
    /// A suggested seed for a new allocation.
    pub suggested_seed: i64,
    /// Whether the last change was saved.
    pub saved: bool,
}

impl TablesPage {
    /// A typed value of the failed form `form`, or `default`.
    pub fn typed_or<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        if form == self.error_form {
            field(&self.typed, name)
        } else {
            default
        }
    }

    /// Whether a session's checkbox is ticked (every session unless a failed form said otherwise).
    pub fn session_checked(&self, id: &i64) -> bool {
        self.error_form != "allocate" || !field(&self.typed, &format!("session_{id}")).is_empty()
    }
}

#[allow(clippy::too_many_arguments)]
async fn tables_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    error_form: &'static str,
    typed: Fields,
    saved: bool,
) -> Result<Response, AppError> {
    let t = viewer.lang.messages().sess;
    let can_manage = allowed(viewer.role, Action::ManageTables);
    let mut conn = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut conn, assembly_id).await?;
    let sessions = store::sessions::list_sessions(&mut conn, assembly_id).await?;
    let names = store::sessions::members_of(&mut conn, assembly_id).await?;
    let facilitator_names =
        store::sessions::accounts_with_role(&mut conn, assembly_id, Role::Facilitator).await?;
    let latest = store::seating::latest_run(&mut conn, assembly_id).await?;
    let restored = restore_current(&mut conn, assembly_id).await?;
    let members = if can_manage {
        let features = store::seating::member_features(&mut conn, assembly_id).await?;
        let pins = store::seating::pins(&mut conn, assembly_id).await?;
        names
            .iter()
            .map(|(id, name)| MemberRow {
                id: *id,
                name: name.clone(),
                features: features
                    .get(id)
                    .map(|values| {
                        values
                            .iter()
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    .unwrap_or_default(),
                pinned: pins
                    .iter()
                    .find(|(account_id, _)| account_id == id)
                    .map(|(_, table)| table + 1),
            })
            .collect()
    } else {
        Vec::new()
    };
    drop(conn);
    let name_of = |id: i64, list: &[(i64, String)]| {
        list.iter()
            .find(|(account_id, _)| *account_id == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    };
    let label_of = |id: i64| {
        sessions
            .iter()
            .find(|session| session.id == id)
            .map(|session| format!("{} ({})", session.fields.title, session.fields.held_on))
            .unwrap_or_default()
    };
    let (pending, failed) = match &latest {
        Some(run) if matches!(run.status, RunStatus::Queued | RunStatus::Running) => (true, None),
        Some(run) if run.status == RunStatus::Failed => (false, Some(run.error.clone())),
        _ => (false, None),
    };
    let mut measures = None;
    let mut seating = Vec::new();
    let mut seated = Vec::new();
    let mut current = None;
    if let Some(restored) = &restored {
        let random = tables::random_allocation(&restored.request, restored.run.request.seed as u64)
            .map_err(AppError::internal)?;
        let allocated = restored.allocation.measures();
        measures = Some((
            MeasuresView::new(&allocated),
            MeasuresView::new(&random.measures()),
        ));
        current = Some((
            restored.run.request.seats_per_table,
            restored.run.request.seed,
        ));
        seated = restored
            .member_ids
            .iter()
            .map(|id| (*id, name_of(*id, &names)))
            .collect();
        seated.sort_by(|a, b| a.1.cmp(&b.1));
        for (session, session_id) in restored.run.request.session_ids.iter().enumerate() {
            let diversity = &allocated.sessions[session].table_diversity;
            let tables = (0..restored.allocation.tables())
                .map(|table| TableView {
                    number: table + 1,
                    facilitator: restored
                        .allocation
                        .facilitator_at(session, table)
                        .and_then(|id| id.parse::<i64>().ok())
                        .map(|id| name_of(id, &facilitator_names))
                        .unwrap_or_default(),
                    members: restored
                        .allocation
                        .members_at(session, table)
                        .into_iter()
                        .filter_map(|id| id.parse::<i64>().ok())
                        .map(|id| name_of(id, &names))
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
        status,
        &TablesPage {
            c: Chrome::new(viewer, t.tables_title),
            t,
            assembly_id,
            assembly_title: record.title,
            can_manage,
            pending,
            failed,
            sessions: sessions
                .iter()
                .map(|session| (session.id, label_of(session.id)))
                .collect(),
            members,
            facilitators: facilitator_names.len(),
            measures,
            current,
            seating,
            seated,
            errors,
            error_form,
            typed,
            suggested_seed: now() % 1_000_000,
            saved,
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
        StatusCode::OK,
        Vec::new(),
        "",
        Fields::new(),
        query.saved.is_some(),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/tables`: queues an allocation and returns at once.
pub async fn allocate(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let t = viewer.lang.messages().sess;
    let mut conn = state.store.connection().await?;
    let sessions = store::sessions::list_sessions(&mut conn, assembly_id).await?;
    let members = store::sessions::members_of(&mut conn, assembly_id)
        .await?
        .len() as i64;
    let facilitators =
        store::sessions::accounts_with_role(&mut conn, assembly_id, Role::Facilitator)
            .await?
            .len() as i64;
    drop(conn);
    let session_ids: Vec<i64> = sessions
        .iter()
        .map(|session| session.id)
        .filter(|id| !field(&fields, &format!("session_{id}")).is_empty())
        .collect();
    let mut errors = Vec::new();
    if session_ids.is_empty() {
        errors.push(ValidationError::new("sessions", Problem::Required));
    }
    let seats = number(&fields, "seats_per_table", 2, 30);
    let seed = number(&fields, "seed", 0, i64::from(u32::MAX));
    let with_facilitators = !field(&fields, "with_facilitators").is_empty();
    let mut messages = describe_all(
        &viewer,
        errors
            .into_iter()
            .chain(seats.clone().err())
            .chain(seed.clone().err()),
    );
    if members == 0 {
        messages.push(t.err_no_members.to_owned());
    }
    if let Ok(seats) = seats {
        let tables = (members + seats - 1) / seats;
        if with_facilitators && facilitators < tables {
            messages.push(
                t.err_facilitators
                    .replace("{facilitators}", &facilitators.to_string())
                    .replace("{tables}", &tables.to_string()),
            );
        }
    }
    let (Ok(seats_per_table), Ok(seed), true) = (seats, seed, messages.is_empty()) else {
        return tables_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            messages,
            "allocate",
            fields,
            false,
        )
        .await;
    };
    let new = NewRun {
        session_ids,
        seats_per_table,
        with_facilitators,
        seed,
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let run_id = store::seating::queue_run(
        &mut tx,
        assembly_id,
        &new,
        viewer.account.as_ref().map(|a| a.id),
        now,
    )
    .await?;
    let entity = format!("assembly:{assembly_id}/table_run:{run_id}");
    audit(
        &mut tx,
        &viewer,
        "tables.request",
        &entity,
        serde_json::json!({
            "sessions": new.session_ids,
            "seats_per_table": seats_per_table,
            "with_facilitators": with_facilitators,
            "seed": seed,
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, run_id, "table allocation queued");
    spawn_drain(state.store.clone());
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/tables")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/tables/swap`: two members exchange tables in one session.
pub async fn swap(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let t = viewer.lang.messages().sess;
    let parsed = (
        number(&fields, "swap_session", 1, i64::MAX),
        number(&fields, "first", 1, i64::MAX),
        number(&fields, "second", 1, i64::MAX),
    );
    let (session_id, first, second) = match parsed {
        (Ok(session_id), Ok(first), Ok(second)) => (session_id, first, second),
        (session, first, second) => {
            let errors = describe_all(
                &viewer,
                [session.err(), first.err(), second.err()]
                    .into_iter()
                    .flatten(),
            );
            return tables_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                "swap",
                fields,
                false,
            )
            .await;
        }
    };
    let mut conn = state.store.connection().await?;
    let restored = restore_current(&mut conn, assembly_id).await?;
    drop(conn);
    let refuse = |message: String| (StatusCode::UNPROCESSABLE_ENTITY, vec![message]);
    let checked = match &restored {
        None => Err(refuse(t.err_no_allocation.to_owned())),
        Some(restored) => match restored
            .run
            .request
            .session_ids
            .iter()
            .position(|id| *id == session_id)
        {
            None => Err(refuse(
                describe_all(
                    &viewer,
                    [ValidationError::new("swap_session", Problem::Malformed)],
                )
                .remove(0),
            )),
            Some(session) => {
                match restored
                    .allocation
                    .swap(session, &first.to_string(), &second.to_string())
                {
                    Ok(_) => Ok(restored.run.id),
                    Err(tables::TablesError::SwapAtSameTable { .. }) => {
                        Err(refuse(t.err_same_table.to_owned()))
                    }
                    Err(tables::TablesError::SwapMovesPinned { .. }) => {
                        Err(refuse(t.err_pinned.to_owned()))
                    }
                    Err(tables::TablesError::UnknownMember { .. }) => Err(refuse(
                        describe_all(&viewer, [ValidationError::new("first", Problem::Malformed)])
                            .remove(0),
                    )),
                    Err(_) => Err(refuse(t.err_swap.to_owned())),
                }
            }
        },
    };
    let run_id = match checked {
        Ok(run_id) => run_id,
        Err((status, errors)) => {
            return tables_page(
                &state,
                &viewer,
                assembly_id,
                status,
                errors,
                "swap",
                fields,
                false,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    store::seating::swap_seats(&mut tx, run_id, session_id, first, second).await?;
    let entity = format!("assembly:{assembly_id}/table_run:{run_id}");
    audit(
        &mut tx,
        &viewer,
        "tables.swap",
        &entity,
        serde_json::json!({ "session_id": session_id, "accounts": [first, second] }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, run_id, session_id, "members swapped");
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/tables?saved=1")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/tables/pins`: pins a member to a table for the next allocation (or unpins).
pub async fn pin(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let member = number(&fields, "pin_member", 1, i64::MAX);
    let table = if field(&fields, "pin_table").trim().is_empty() {
        Ok(None)
    } else {
        number(&fields, "pin_table", 1, 1000).map(Some)
    };
    let (account_id, table) = match (member, table) {
        (Ok(account_id), Ok(table)) => (account_id, table),
        (member, table) => {
            let errors = describe_all(&viewer, [member.err(), table.err()].into_iter().flatten());
            return tables_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                "pin",
                fields,
                false,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    match store::seating::set_pin(
        &mut tx,
        assembly_id,
        account_id,
        table.map(|table| table - 1),
    )
    .await
    {
        Ok(()) => {}
        Err(store::StoreError::NotFound) => {
            drop(tx);
            let errors = describe_all(
                &viewer,
                [ValidationError::new("pin_member", Problem::Malformed)],
            );
            return tables_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                "pin",
                fields,
                false,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    }
    let entity = format!("assembly:{assembly_id}/account:{account_id}/table_pin");
    audit(
        &mut tx,
        &viewer,
        "table_pin.set",
        &entity,
        serde_json::json!({ "table": table }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, account_id, "table pin set");
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/tables?saved=1")).into_response())
}

/// Parses `name=value` lines (at most 20, names up to 60 characters, values up to 100).
fn parse_features(fields: &Fields) -> Result<BTreeMap<String, String>, ValidationError> {
    let raw = text(fields, "features", 4000)?;
    let malformed = || ValidationError::new("features", Problem::Malformed);
    let mut features = BTreeMap::new();
    for line in raw.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let (name, value) = line.split_once('=').ok_or_else(malformed)?;
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty()
            || value.is_empty()
            || name.chars().count() > 60
            || value.chars().count() > 100
        {
            return Err(malformed());
        }
        if features.insert(name.to_owned(), value.to_owned()).is_some() {
            return Err(malformed());
        }
    }
    if features.len() > 20 {
        return Err(ValidationError::new(
            "features",
            Problem::TooMany { max: 20 },
        ));
    }
    Ok(features)
}

/// `POST /staff/assemblies/{assembly_id}/features`: an organiser enters a member's feature values by hand.
pub async fn set_features(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let (account_id, features) = match (
        number(&fields, "features_member", 1, i64::MAX),
        parse_features(&fields),
    ) {
        (Ok(account_id), Ok(features)) => (account_id, features),
        (member, features) => {
            let errors = describe_all(
                &viewer,
                [member.err(), features.err()].into_iter().flatten(),
            );
            return tables_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                "features",
                fields,
                false,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    match store::seating::set_member_features(&mut tx, assembly_id, account_id, &features, now)
        .await
    {
        Ok(()) => {}
        Err(store::StoreError::NotFound) => {
            drop(tx);
            let errors = describe_all(
                &viewer,
                [ValidationError::new("features_member", Problem::Malformed)],
            );
            return tables_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                "features",
                fields,
                false,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    }
    // The values are demographics: the audit log keeps the feature names only.
    let entity = format!("assembly:{assembly_id}/account:{account_id}/features");
    let names: Vec<&String> = features.keys().collect();
    audit(
        &mut tx,
        &viewer,
        "member_features.set",
        &entity,
        serde_json::json!({ "features": names }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, account_id, "member features set");
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/tables?saved=1")).into_response())
}
