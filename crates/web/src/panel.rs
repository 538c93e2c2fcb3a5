//! The panel after the final selection (issue 4, item 6): confirmations, drop-outs and replacements drawn by the
//! engine.
//!
//! The panel is everyone drawn by the final run and by each replacement run since (not the people a replacement
//! run carried over as already selected); it stands as those still `selected` or `confirmed`. Organisers record
//! confirmations and drop-outs (`declined`, `withdrawn`) with a reason, through
//! `app::recruitment::change_status`, the one place for the status
//! rules and the audit trail.
//!
//! A drop-out's seat is open until a replacement run fills it. A replacement run is a selection run of kind
//! `replacement` (parent: the final run) over the people still on the panel, given to the engine as already
//! selected, and the people still available (`registered` or `eligible`, never drawn), for the full panel size and
//! the stored quotas: the whole panel meets the quotas, and LEXIMIN is fair over who is left. It goes through the
//! same steps as the final run (committed with a public commitment, then drawn with the seed, off the request path,
//! one running run per assembly) and is published with its `already-selected.csv`, so that
//! `klero verify ... --already-selected already-selected.csv` reproduces it. When it is done, [`record_replacements`]
//! pairs the drop-outs with the newcomers in the `replacements` history and moves each replaced drop-out to
//! `replaced`. The database holds at most one replacement run waiting for its seed or running per assembly (index
//! `selection_runs_one_pending_replacement`), so a seat cannot be drawn twice.

use std::collections::{BTreeMap, HashSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::permission::Role;
use domain::respondent::{ReasonCategory, Status, next_statuses, parse_reason};
use serde::Deserialize;
use store::selection::{NewRun, PanelPerson, ReplacementRow, RunRow};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::panel::{self as panel_i18n, PanelMessages};
use crate::i18n::{Lang, Messages};
use crate::selection::{
    POOL_STATUSES, Pool, actor, audit, build_pool, csv_line, feasibility_text, features_csv,
    features_of, instance_of, run_url, settings_of,
};
use crate::views::{Chrome, render, utc_minute};
use crate::{AppState, now};

/// The statuses of people who hold a seat on the panel.
pub const SEATED: [&str; 2] = ["selected", "confirmed"];
/// The statuses organisers record on the panel page: a confirmation or a drop-out.
pub const RECORDABLE: [Status; 3] = [Status::Confirmed, Status::Declined, Status::Withdrawn];

fn is_seated(status: &str) -> bool {
    SEATED.contains(&status)
}

/// The panel of an assembly as it stands.
#[derive(Debug)]
pub struct Panel {
    /// The drawn final run, if any.
    pub final_run: Option<RunRow>,
    /// The replacement run waiting for its seed or running, if any.
    pub pending: Option<RunRow>,
    /// Everyone drawn, in the order drawn.
    pub people: Vec<PanelPerson>,
    /// The replacement history, oldest first.
    pub history: Vec<ReplacementRow>,
}

impl Panel {
    /// The people holding a seat now.
    pub fn seated(&self) -> impl Iterator<Item = &PanelPerson> {
        self.people.iter().filter(|p| is_seated(&p.status))
    }

    /// The seats of the panel (the final run's panel size).
    pub fn seats(&self) -> i64 {
        self.final_run.as_ref().map(|r| r.panel_size).unwrap_or(0)
    }

    /// The seats without anyone `selected` or `confirmed`.
    pub fn open_seats(&self) -> usize {
        (self.seats().max(0) as usize).saturating_sub(self.seated().count())
    }
}

/// Loads the panel of an assembly.
pub async fn load(conn: &mut store::AnyConnection, assembly_id: i64) -> Result<Panel, AppError> {
    let runs = store::selection::runs(&mut *conn, assembly_id).await?;
    let final_run = runs
        .iter()
        .find(|r| r.kind == "final" && r.status == "done")
        .cloned();
    let pending = runs
        .iter()
        .find(|r| r.kind == "replacement" && matches!(r.status.as_str(), "committed" | "running"))
        .cloned();
    let people = store::selection::panel(&mut *conn, assembly_id).await?;
    let history = store::selection::replacements(&mut *conn, assembly_id).await?;
    Ok(Panel {
        final_run,
        pending,
        people,
        history,
    })
}

// ---------------------------------------------------------------------------------------------
// The page.

/// One person drawn, as organisers see them.
pub struct PanelRow {
    /// The respondent.
    pub respondent_id: i64,
    /// Public id in the run that drew them.
    pub public_id: String,
    /// Name.
    pub name: String,
    /// Status, in words.
    pub status: String,
    /// Raw status.
    pub status_id: String,
    /// The run that drew them.
    pub run_id: i64,
    /// The statuses that may be recorded (value, label).
    pub choices: Vec<(String, String)>,
}

/// One value of the panel's composition now against its quota.
pub struct NowRow {
    /// Feature.
    pub feature: String,
    /// Value.
    pub value: String,
    /// Quota minimum.
    pub min: i64,
    /// Quota maximum.
    pub max: i64,
    /// Seated people with this value.
    pub now: usize,
    /// Within the quota.
    pub ok: bool,
}

/// One replacement of the history.
pub struct HistoryRow {
    /// Who dropped out (name and public id, organisers only).
    pub dropped: String,
    /// Who took the seat.
    pub replacement: String,
    /// The run.
    pub run_id: i64,
    /// Its seed.
    pub seed: String,
    /// When, UTC.
    pub when: String,
}

/// The panel page.
#[derive(Template)]
#[template(path = "panel.html")]
pub struct PanelPage {
    /// Chrome.
    pub c: Chrome,
    /// The panel strings.
    pub p: &'static PanelMessages,
    /// Assembly id.
    pub assembly_id: i64,
    /// Title.
    pub title: String,
    /// Errors.
    pub errors: Vec<String>,
    /// Whether the final run is drawn.
    pub drawn: bool,
    /// Seats.
    pub seats: i64,
    /// Seated now.
    pub on_panel: usize,
    /// Confirmed.
    pub confirmed: usize,
    /// Open seats.
    pub open_seats: usize,
    /// People available for a replacement run.
    pub available: usize,
    /// Everyone drawn.
    pub people: Vec<PanelRow>,
    /// The composition now.
    pub composition: Vec<NowRow>,
    /// The pending replacement run (id, running).
    pub pending: Option<(i64, bool)>,
    /// Whether a replacement run can be frozen now.
    pub can_replace: bool,
    /// Whether a replacement run would find a panel now.
    pub feasible: bool,
    /// The feasibility of a replacement run now, line by line (the engine's smallest relaxation when infeasible).
    pub verdict: Vec<String>,
    /// The history.
    pub history: Vec<HistoryRow>,
}

fn status_label(m: &Messages, status: &str) -> String {
    crate::recruitment::status_name(m, status)
}

/// The inputs of a replacement run, frozen from the panel, the stored quotas and the people still available.
struct ReplacementInputs {
    pool: Pool,
    features_csv: String,
    already_csv: String,
    panel_size: i64,
    seed_source: String,
    commitment: String,
}

/// Builds a replacement run's inputs and checks that a panel exists; `Err` holds the reasons in words (with the
/// engine's smallest relaxation when the quotas cannot be met with who is left) and the status to answer.
async fn replacement_inputs(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    panel: &Panel,
) -> Result<Result<ReplacementInputs, (StatusCode, Vec<String>)>, AppError> {
    let m = viewer.lang.messages();
    let p = viewer.lang.t::<crate::i18n::panel::PanelMessages>();
    let Some(final_run) = &panel.final_run else {
        return Ok(Err((StatusCode::CONFLICT, vec![p.err_no_final.to_owned()])));
    };
    if panel.pending.is_some() {
        return Ok(Err((StatusCode::CONFLICT, vec![p.err_pending.to_owned()])));
    }
    if panel.open_seats() == 0 {
        return Ok(Err((
            StatusCode::CONFLICT,
            vec![p.err_no_open_seat.to_owned()],
        )));
    }
    let mut connection = state.store.connection().await?;
    let quotas = store::selection::quotas(&mut connection, assembly_id).await?;
    let settings = store::selection::settings(&mut connection, assembly_id).await?;
    let members = store::selection::pool(
        &mut connection,
        assembly_id,
        &["registered", "eligible", "selected", "confirmed"],
    )
    .await?;
    drop(connection);
    if quotas.is_empty() {
        return Ok(Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![m.s.no_quotas.to_owned()],
        )));
    }
    let seated: HashSet<i64> = panel.seated().map(|p| p.respondent_id).collect();
    let members: Vec<_> = members
        .into_iter()
        .filter(|member| {
            POOL_STATUSES.contains(&member.status.as_str())
                || seated.contains(&member.respondent_id)
        })
        .collect();
    let pool = build_pool(&features_of(&quotas), &members, &seated)?;
    if pool.people.iter().filter(|person| person.already).count() != seated.len() {
        return Ok(Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![p.err_left_out.to_owned()],
        )));
    }
    let mut already_csv = csv_line(&["id"]);
    for person in pool.people.iter().filter(|person| person.already) {
        already_csv.push_str(&csv_line(&[&person.public_id]));
    }
    let features_text = features_csv(&quotas);
    let panel_size = final_run.panel_size;
    let (pool_text, features_copy, already_copy) = (
        pool.pool_csv.clone(),
        features_text.clone(),
        already_csv.clone(),
    );
    let checked = tokio::task::spawn_blocking(move || {
        let instance = instance_of(
            &pool_text,
            &features_copy,
            &already_copy,
            panel_size as usize,
        )?;
        selection::check_feasible(&instance)?;
        Ok::<_, selection::SelectionError>(selection::sample::commitment(
            &instance,
            &settings_of("leximin", None),
        ))
    })
    .await
    .map_err(AppError::internal)?;
    match checked {
        Ok(commitment) => Ok(Ok(ReplacementInputs {
            pool,
            features_csv: features_text,
            already_csv,
            panel_size,
            seed_source: settings.map(|s| s.seed_source).unwrap_or_default(),
            commitment,
        })),
        Err(error) => Ok(Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            feasibility_text(m, &Err(error)).1,
        ))),
    }
}

async fn panel_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let p = viewer.lang.t::<crate::i18n::panel::PanelMessages>();
    crate::selection::fail_stale(state).await?;
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let panel = load(&mut connection, assembly_id).await?;
    let quotas = store::selection::quotas(&mut connection, assembly_id).await?;
    let available = store::selection::pool(&mut connection, assembly_id, &POOL_STATUSES)
        .await?
        .len();
    drop(connection);

    let people: Vec<PanelRow> = panel
        .people
        .iter()
        .map(|person| {
            let choices = Status::parse("status", &person.status)
                .map(|from| {
                    next_statuses(from)
                        .iter()
                        .filter(|to| RECORDABLE.contains(to))
                        .map(|to| (to.as_str().to_owned(), status_label(m, to.as_str())))
                        .collect()
                })
                .unwrap_or_default();
            PanelRow {
                respondent_id: person.respondent_id,
                public_id: person.public_id.clone(),
                name: person.full_name.clone(),
                status: status_label(m, &person.status),
                status_id: person.status.clone(),
                run_id: person.run_id,
                choices,
            }
        })
        .collect();

    // The composition of the seated people against the stored quotas.
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for person in panel.seated() {
        let answers: serde_json::Value =
            serde_json::from_str(&person.features_json).unwrap_or(serde_json::Value::Null);
        if let Some(object) = answers.as_object() {
            for (feature, value) in object {
                if let Some(value) = value.as_str() {
                    *counts
                        .entry((feature.clone(), value.to_owned()))
                        .or_default() += 1;
                }
            }
        }
    }
    let composition = quotas
        .iter()
        .map(|quota| {
            let now = counts
                .get(&(quota.feature.clone(), quota.value.clone()))
                .copied()
                .unwrap_or(0);
            NowRow {
                feature: quota.feature.clone(),
                value: quota.value.clone(),
                min: quota.min_seats,
                max: quota.max_seats,
                now,
                ok: (quota.min_seats..=quota.max_seats).contains(&(now as i64)),
            }
        })
        .collect();

    let names: BTreeMap<i64, (&str, &str)> = panel
        .people
        .iter()
        .map(|p| {
            (
                p.respondent_id,
                (p.full_name.as_str(), p.public_id.as_str()),
            )
        })
        .collect();
    let who = |id: Option<i64>| match id.and_then(|id| {
        names
            .get(&id)
            .map(|(name, public)| format!("{name} ({public})"))
    }) {
        Some(text) => text,
        None => id
            .map(|id| format!("#{id}"))
            .unwrap_or_else(|| p.no_one.to_owned()),
    };
    let history = panel
        .history
        .iter()
        .map(|row| HistoryRow {
            dropped: who(Some(row.dropped_respondent_id)),
            replacement: who(row.replacement_respondent_id),
            run_id: row.run_id,
            seed: row.seed.clone(),
            when: utc_minute(row.created_at),
        })
        .collect();

    let can_replace =
        panel.final_run.is_some() && panel.pending.is_none() && panel.open_seats() > 0;
    let (feasible, verdict) = if can_replace {
        match replacement_inputs(state, viewer, assembly_id, &panel).await? {
            Ok(_) => (true, vec![m.s.feasible.to_owned()]),
            Err((_, lines)) => (false, lines),
        }
    } else {
        (false, Vec::new())
    };
    // Audit the view of personal data (ids and counts only).
    let now = now();
    let mut tx = state.store.begin().await?;
    let after = serde_json::json!({ "assembly_id": assembly_id, "people": people.len() });
    audit(
        &mut tx,
        actor(viewer),
        "panel.view",
        &format!("assembly:{assembly_id}/panel"),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;

    let c = Chrome::new(viewer, p.title);
    let mut response = render(
        status,
        &PanelPage {
            c,
            p,
            assembly_id,
            title: record.title,
            errors,
            drawn: panel.final_run.is_some(),
            seats: panel.seats(),
            on_panel: panel.seated().count(),
            confirmed: panel
                .people
                .iter()
                .filter(|p| p.status == "confirmed")
                .count(),
            open_seats: panel.open_seats(),
            available,
            people,
            composition,
            pending: panel
                .pending
                .as_ref()
                .map(|run| (run.id, run.status == "running")),
            can_replace,
            feasible,
            verdict,
            history,
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{assembly_id}/panel`: the panel as it stands, its composition against the quotas, the
/// forms to record confirmations and drop-outs, the replacement run and the replacement history (organisers).
pub async fn panel(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    panel_page(&state, &viewer, assembly_id, StatusCode::OK, Vec::new()).await
}

/// The form that records a confirmation or a drop-out.
#[derive(Debug, Default, Deserialize)]
pub struct RecordForm {
    /// `confirmed`, `declined` or `withdrawn`.
    #[serde(default)]
    pub status: String,
    /// Why, in words (required; kept with the person and erased with them, never in the audit log).
    #[serde(default)]
    pub reason: String,
    /// Why, from the fixed list (empty means `other`): the audit log's part.
    #[serde(default)]
    pub reason_category: String,
}

/// `POST /staff/assemblies/{assembly_id}/panel/{respondent_id}/status`: records a confirmation or a drop-out of a
/// person on the panel, through `app::recruitment::change_status` (rules and audit).
pub async fn record(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, respondent_id)): Path<(i64, i64)>,
    form: Result<Form<RecordForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    let p = viewer.lang.t::<crate::i18n::panel::PanelMessages>();
    let bad = |message: String| AppError::BadInput {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message,
    };
    let to = Status::parse("status", &form.status).map_err(|error| bad(m.describe(&error)))?;
    if !RECORDABLE.contains(&to) {
        return Err(bad(m.describe(&domain::error::ValidationError::new(
            "status",
            domain::error::Problem::Malformed,
        ))));
    }
    let reason = app::recruitment::StatusReason {
        category: ReasonCategory::parse(&form.reason_category)
            .map_err(|error| bad(m.describe(&error)))?,
        note: parse_reason(&form.reason).map_err(|error| bad(m.describe(&error)))?,
    };
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let panel = load(&mut connection, assembly_id).await?;
    drop(connection);
    if !panel
        .people
        .iter()
        .any(|person| person.respondent_id == respondent_id)
    {
        return Err(AppError::BadInput {
            status: StatusCode::NOT_FOUND,
            message: p.err_not_on_panel.to_owned(),
        });
    }
    let now = now();
    let mut tx = state.store.begin().await?;
    let done = app::recruitment::change_status(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        respondent_id,
        to,
        &reason,
        now,
    )
    .await
    .map_err(|error| crate::error::status_refused(viewer.lang, error))?;
    tx.commit().await?;
    // A confirmation makes a member: without SMTP, the organiser is shown the sign-in code once, here.
    let after = crate::effects::carry_out(&state, done.effects);
    let next = Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/panel#person-{respondent_id}"
    ))
    .into_response();
    crate::effects::codes_page(&viewer, assembly_id, after.codes, next)
}

/// `POST /staff/assemblies/{assembly_id}/panel/replacements`: freezes and publishes a replacement run's inputs and
/// commitment (before the seed is known); it is drawn from its run page like the final run.
pub async fn commit_replacement(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let p = viewer.lang.t::<crate::i18n::panel::PanelMessages>();
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let panel = load(&mut connection, assembly_id).await?;
    let runs = store::selection::runs(&mut connection, assembly_id).await?;
    drop(connection);
    // A replacement run interrupted after its seed was public must be resumed, never drawn again differently.
    if runs
        .iter()
        .any(|run| run.kind == "replacement" && crate::selection::interrupted(run))
    {
        let m = viewer.lang.messages();
        return panel_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::CONFLICT,
            vec![m.s.err_resume_first.to_owned()],
        )
        .await;
    }
    let inputs = match replacement_inputs(&state, &viewer, assembly_id, &panel).await? {
        Ok(inputs) => inputs,
        Err((status, errors)) => {
            return panel_page(&state, &viewer, assembly_id, status, errors).await;
        }
    };
    let final_id = panel.final_run.as_ref().map(|r| r.id);
    let run = NewRun {
        assembly_id,
        kind: "replacement",
        status: "committed",
        algorithm: "leximin",
        engine_version: selection::ENGINE_VERSION,
        panel_size: inputs.panel_size,
        seed: "",
        seed_source: &inputs.seed_source,
        commitment: &inputs.commitment,
        pool_csv: &inputs.pool.pool_csv,
        features_csv: &inputs.features_csv,
        already_csv: &inputs.already_csv,
        parent_run_id: final_id,
        created_by: actor(&viewer),
        lottery_panels: None,
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let run_id = match store::selection::create_run(&mut tx, &run, &inputs.pool.people, now).await {
        Ok(Ok(run_id)) => run_id,
        // Another organiser froze one at the same moment: the index lets one replacement run wait at a time.
        Err(store::StoreError::Conflict { .. }) | Ok(Err(_)) => {
            drop(tx);
            return panel_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::CONFLICT,
                vec![p.err_pending.to_owned()],
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    };
    let kept = inputs
        .pool
        .people
        .iter()
        .filter(|person| person.already)
        .count();
    let after = serde_json::json!({
        "id": run_id, "assembly_id": assembly_id, "kind": "replacement", "status": "committed", "algorithm": "leximin",
        "commitment": inputs.commitment, "pool": inputs.pool.people.len(), "already": kept, "panel_size": inputs.panel_size,
        "parent_run_id": final_id,
    });
    audit(
        &mut tx,
        actor(&viewer),
        "selection_run.create",
        &format!("selection_run:{run_id}"),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&run_url(assembly_id, run_id)).into_response())
}

/// How many answers two people share.
fn likeness(a: &PanelPerson, b: &PanelPerson) -> usize {
    let parse = |p: &PanelPerson| {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&p.features_json)
            .unwrap_or_default()
    };
    let (a, b) = (parse(a), parse(b));
    a.iter()
        .filter(|(key, value)| b.get(*key) == Some(value))
        .count()
}

/// Called in the transaction that finishes a replacement run `run` (already marked done, its newcomers marked
/// `selected`): pairs the drop-outs whose seats it filled with its newcomers (each with the newcomer most like them) in the
/// `replacements` history, and moves each replaced drop-out (`declined` or `withdrawn`) to `replaced` through
/// `app::recruitment::change_status`. A drop-out the run kept as already selected (they dropped out after the run
/// was frozen) waits for the next run. Returns how many replacements were recorded.
pub async fn record_replacements(
    tx: &mut store::Tx,
    run: &RunRow,
    now: i64,
) -> Result<usize, AppError> {
    let people = store::selection::panel(tx, run.assembly_id).await?;
    let history = store::selection::replacements(tx, run.assembly_id).await?;
    let run_people = store::selection::run_people(tx, run.id).await?;
    let kept: HashSet<i64> = run_people
        .iter()
        .filter(|person| person.already)
        .map(|person| person.respondent_id)
        .collect();
    let replaced: HashSet<i64> = history
        .iter()
        .map(|row| row.dropped_respondent_id)
        .collect();
    let dropped: Vec<&PanelPerson> = people
        .iter()
        .filter(|person| person.run_id != run.id && !is_seated(&person.status))
        .filter(|person| {
            !replaced.contains(&person.respondent_id) && !kept.contains(&person.respondent_id)
        })
        .collect();
    let mut newcomers: Vec<&PanelPerson> = people
        .iter()
        .filter(|person| person.run_id == run.id && person.status == "selected")
        .collect();
    let actor = app::Actor {
        account_id: None,
        role: Role::Organiser,
    };
    let reason = app::recruitment::StatusReason {
        category: ReasonCategory::Replacement,
        note: panel_i18n::EN_PANEL
            .replaced_reason
            .replace("{run}", &run.id.to_string()),
    };
    let mut recorded = 0;
    for person in dropped {
        // The newcomer most like the drop-out (most equal answers) takes their seat in the history.
        let Some(best) = (0..newcomers.len())
            .max_by_key(|&i| (likeness(person, newcomers[i]), std::cmp::Reverse(i)))
        else {
            break;
        };
        let newcomer = newcomers.remove(best).respondent_id;
        store::selection::add_replacement(
            tx,
            run.assembly_id,
            run.id,
            person.respondent_id,
            Some(newcomer),
            &run.seed,
            now,
        )
        .await?;
        if matches!(person.status.as_str(), "declined" | "withdrawn") {
            // A move to `replaced` admits no one: it has no effects to carry out.
            let _moved = app::recruitment::change_status(
                tx,
                &actor,
                run.assembly_id,
                person.respondent_id,
                Status::Replaced,
                &reason,
                now,
            )
            .await
            .map_err(|error| crate::error::status_refused(Lang::En, error))?;
        }
        recorded += 1;
    }
    Ok(recorded)
}
