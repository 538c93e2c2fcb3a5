//! The panel after the final selection (issue 4, item 6): confirmations, drop-outs and replacement runs.
//!
//! The panel is everyone drawn by the final run and by each replacement run since (not the people a replacement
//! run carried over as already selected); it stands as those still `selected` or `confirmed`. Organisers record
//! confirmations and drop-outs (`declined`, `withdrawn`) with a reason through
//! [`crate::recruitment::change_status`], the one place for the status rules and the audit trail.
//!
//! A drop-out's seat is open until a replacement run fills it: a selection run of kind `replacement` (parent: the
//! final run) over the people still on the panel, given to the engine as already selected, and the people still
//! available (`registered` or `eligible`), for the full panel size and the stored quotas, so that the whole panel
//! meets the quotas and LEXIMIN is fair over who is left. It is committed, drawn and published like the final run
//! (with its `already-selected.csv`). When it is done, [`record_replacements`] pairs the drop-outs with the
//! newcomers and moves each replaced drop-out to `replaced`. The database holds at most one replacement run
//! waiting for its seed or running per assembly, so a seat cannot be drawn twice.

use std::collections::{BTreeMap, HashSet};

use ::selection as engine;
use domain::error::{Problem, ValidationError};
use domain::respondent::{ReasonCategory, Status};
use domain::selection::{Algorithm, RunKind, RunStatus};
use store::AnyConnection;
use store::selection::{NewRun, PanelPerson, QuotaRow, ReplacementRow, RunRow};

use super::pool::{Pool, Verdict, build_pool, csv_line, features_csv, instance_of};
use super::quotas::features_of;
use super::runs::{create_run, fail_stale, interrupted, runs_seen};
use super::{POOL_STATUSES, Refusal};
use crate::audit::viewed;
use crate::recruitment::{StatusError, StatusReason, change_status};
use crate::{Actor, Done, Error, Result};

/// The statuses of people who hold a seat on the panel.
pub const SEATED: [Status; 2] = [Status::Selected, Status::Confirmed];
/// The statuses organisers record on the panel page: a confirmation or a drop-out.
pub const RECORDABLE: [Status; 3] = [Status::Confirmed, Status::Declined, Status::Withdrawn];

/// The panel of an assembly as it stands.
#[derive(Debug, Clone)]
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
        self.people.iter().filter(|p| SEATED.contains(&p.status))
    }

    /// The seats of the panel (the final run's panel size).
    pub fn seats(&self) -> i64 {
        self.final_run.as_ref().map(|r| r.panel_size).unwrap_or(0)
    }

    /// The seats without anyone `selected` or `confirmed`.
    pub fn open_seats(&self) -> usize {
        (self.seats().max(0) as usize).saturating_sub(self.seated().count())
    }

    /// Whether a replacement run can be frozen now: a drawn final run, none pending, a seat open.
    pub fn can_replace(&self) -> bool {
        self.final_run.is_some() && self.pending.is_none() && self.open_seats() > 0
    }
}

/// Loads the panel of an assembly as it stands at `now` (a replacement run whose job stopped is not pending).
pub async fn load(conn: &mut AnyConnection, assembly_id: i64, now: i64) -> Result<Panel> {
    let runs = runs_seen(&mut *conn, assembly_id, now).await?;
    let final_run = runs
        .iter()
        .find(|r| r.kind == RunKind::Final && r.status == RunStatus::Done)
        .cloned();
    let pending = runs
        .iter()
        .find(|r| {
            r.kind == RunKind::Replacement
                && matches!(r.status, RunStatus::Committed | RunStatus::Running)
        })
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

/// The panel page's facts: the assembly's title, the panel, the stored quotas, the seated people's answers and how
/// many people are still available.
#[derive(Debug, Clone)]
pub struct PanelView {
    /// The assembly's title.
    pub title: String,
    /// The panel.
    pub panel: Panel,
    /// The stored quotas.
    pub quotas: Vec<QuotaRow>,
    /// How many seated people have each (feature, value).
    pub seated_counts: BTreeMap<(String, String), usize>,
    /// People still available for a replacement run (`registered` or `eligible`).
    pub available: usize,
}

/// Reads the panel of an assembly for its organisers and records that they looked at these people (audited with
/// counts only).
pub async fn view_panel(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    now: i64,
) -> Result<PanelView> {
    let title = store::assemblies::get_assembly(tx, assembly_id)
        .await?
        .title;
    let panel = load(tx, assembly_id, now).await?;
    let quotas = store::selection::quotas(tx, assembly_id).await?;
    let available = store::selection::pool(tx, assembly_id, &POOL_STATUSES)
        .await?
        .len();
    let mut seated_counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for person in panel.seated() {
        for (feature, value) in crate::members::feature_values(&person.features_json)? {
            *seated_counts.entry((feature, value)).or_default() += 1;
        }
    }
    let facts = serde_json::json!({ "assembly_id": assembly_id, "people": panel.people.len() });
    let entity = format!("assembly:{assembly_id}/panel");
    viewed(tx, actor, "panel.view", &entity, facts, now).await?;
    Ok(PanelView {
        title,
        panel,
        quotas,
        seated_counts,
        available,
    })
}

/// Why recording a confirmation or a drop-out is refused.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The person is not on the panel.
    #[error("the person is not on the panel")]
    NotOnPanel,
    /// The status change is refused (or failed).
    #[error(transparent)]
    Status(#[from] StatusError),
}

impl From<Error> for RecordError {
    fn from(error: Error) -> RecordError {
        RecordError::Status(StatusError::App(error))
    }
}

impl From<store::StoreError> for RecordError {
    fn from(error: store::StoreError) -> RecordError {
        RecordError::from(Error::from(error))
    }
}

/// Records a confirmation or a drop-out (`to` is one of [`RECORDABLE`]) of a person on the panel, through
/// [`change_status`] (rules and audit). A confirmation makes a member, whose sign-in code comes back as effects.
pub async fn record_on_panel(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    respondent_id: i64,
    to: Status,
    reason: &StatusReason,
    now: i64,
) -> Result<Done<Status>, RecordError> {
    if !RECORDABLE.contains(&to) {
        let error = ValidationError::new("status", Problem::Malformed);
        return Err(Error::Invalid(error).into());
    }
    store::assemblies::get_assembly(tx, assembly_id).await?;
    let on_panel = store::selection::panel(tx, assembly_id)
        .await?
        .iter()
        .any(|person| person.respondent_id == respondent_id);
    if !on_panel {
        return Err(RecordError::NotOnPanel);
    }
    Ok(change_status(tx, actor, assembly_id, respondent_id, to, reason, now).await?)
}

/// The inputs of a replacement run, frozen from the panel, the stored quotas and the people still available,
/// before the engine checked that a panel exists ([`ReplacementDraft::check`]).
#[derive(Debug, Clone)]
pub struct ReplacementDraft {
    pool: Pool,
    features_csv: String,
    already_csv: String,
    panel_size: i64,
    seed_source: String,
    final_run_id: i64,
}

/// The inputs of a replacement run that the engine checked: a panel exists.
#[derive(Debug, Clone)]
pub struct CheckedReplacement {
    draft: ReplacementDraft,
}

/// Freezes a replacement run's inputs from the panel as it stands at `now`; refused while a drawn replacement run
/// is interrupted (it must be resumed), without a drawn final run, while one waits or runs, without an open seat,
/// without quotas, or when someone on the panel lacks an answer.
pub async fn prepare_replacement(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<Result<ReplacementDraft, Refusal>> {
    store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let runs = runs_seen(&mut *conn, assembly_id, now).await?;
    // A replacement run interrupted after its seed was public must be resumed, never drawn again differently.
    if runs
        .iter()
        .any(|run| run.kind == RunKind::Replacement && interrupted(run))
    {
        return Ok(Err(Refusal::ResumeFirst));
    }
    let panel = load(&mut *conn, assembly_id, now).await?;
    let Some(final_run) = &panel.final_run else {
        return Ok(Err(Refusal::NoFinal));
    };
    if panel.pending.is_some() {
        return Ok(Err(Refusal::Pending));
    }
    if panel.open_seats() == 0 {
        return Ok(Err(Refusal::NoOpenSeat));
    }
    let quotas = store::selection::quotas(&mut *conn, assembly_id).await?;
    let settings = store::selection::settings(&mut *conn, assembly_id).await?;
    let statuses = [
        Status::Registered,
        Status::Eligible,
        Status::Selected,
        Status::Confirmed,
    ];
    let members = store::selection::pool(&mut *conn, assembly_id, &statuses).await?;
    if quotas.is_empty() {
        return Ok(Err(Refusal::NoQuotas));
    }
    let seated: HashSet<i64> = panel.seated().map(|p| p.respondent_id).collect();
    let members: Vec<_> = members
        .into_iter()
        .filter(|member| {
            POOL_STATUSES.contains(&member.status) || seated.contains(&member.respondent_id)
        })
        .collect();
    let pool = build_pool(&features_of(&quotas), &members, &seated)?;
    if pool.people.iter().filter(|person| person.already).count() != seated.len() {
        return Ok(Err(Refusal::LeftOut));
    }
    let mut already_csv = csv_line(&["id"]);
    for person in pool.people.iter().filter(|person| person.already) {
        already_csv.push_str(&csv_line(&[&person.public_id]));
    }
    Ok(Ok(ReplacementDraft {
        pool,
        features_csv: features_csv(&quotas),
        already_csv,
        panel_size: final_run.panel_size,
        seed_source: settings.map(|s| s.seed_source).unwrap_or_default(),
        final_run_id: final_run.id,
    }))
}

impl ReplacementDraft {
    /// Checks with the engine that a panel exists (one panel MIP, then the smallest relaxation when none does), so that
    /// an impossible replacement is refused on the page at once; the run's job then computes the distribution and the
    /// commitment. CPU-bound: the caller runs it off the async threads.
    pub fn check(self) -> Result<CheckedReplacement, Refusal> {
        let checked = instance_of(
            &self.pool.pool_csv,
            &self.features_csv,
            &self.already_csv,
            self.panel_size as usize,
        )
        .and_then(|instance| engine::check_feasible(&instance));
        match checked {
            Ok(()) => Ok(CheckedReplacement { draft: self }),
            Err(error) => Err(Refusal::NoPanel(Verdict::of(&Err(error)))),
        }
    }
}

/// Freezes and publishes a checked replacement run (committed, audited), before its seed is known; it is drawn
/// like the final run. Refused if, meanwhile, a replacement run was interrupted or another one was frozen.
pub async fn commit_replacement(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    checked: &CheckedReplacement,
    now: i64,
) -> Result<Result<Done<i64>, Refusal>> {
    fail_stale(tx, now).await?;
    let runs = runs_seen(tx, assembly_id, now).await?;
    if runs
        .iter()
        .any(|run| run.kind == RunKind::Replacement && interrupted(run))
    {
        return Ok(Err(Refusal::ResumeFirst));
    }
    let draft = &checked.draft;
    let new = NewRun {
        assembly_id,
        kind: RunKind::Replacement,
        // Being prepared: the job computes the distribution, then commits the run with the commitment that covers it.
        status: RunStatus::Running,
        algorithm: Algorithm::Leximin,
        engine_version: engine::ENGINE_VERSION,
        panel_size: draft.panel_size,
        seed: "",
        seed_source: &draft.seed_source,
        commitment: "",
        pool_csv: &draft.pool.pool_csv,
        features_csv: &draft.features_csv,
        already_csv: &draft.already_csv,
        parent_run_id: Some(draft.final_run_id),
        created_by: actor.account_id,
        lottery_panels: None,
    };
    let kept = draft.pool.people.iter().filter(|p| p.already).count();
    Ok(create_run(tx, actor, &new, &draft.pool.people, kept, now)
        .await?
        .map(|run_id| Done::with(run_id, super::runs::start_job(assembly_id, run_id))))
}

/// How many answers two people share (unreadable answers share none).
fn likeness(a: &PanelPerson, b: &PanelPerson) -> Result<usize> {
    let a = crate::members::feature_values(&a.features_json)?;
    let b = crate::members::feature_values(&b.features_json)?;
    Ok(a.iter()
        .filter(|(key, value)| b.get(*key) == Some(value))
        .count())
}

/// The note kept with a replaced drop-out (with the person, never in the audit log).
fn replaced_note(run_id: i64) -> String {
    format!("seat filled by replacement run #{run_id}")
}

/// Called in the transaction that finishes a replacement run `run` (already marked done, its newcomers marked
/// `selected`): pairs the drop-outs whose seats it filled with its newcomers (each with the newcomer most like them)
/// in the `replacements` history, and moves each replaced drop-out (`declined` or `withdrawn`) to `replaced`
/// through [`change_status`]. A drop-out the run kept as already selected (they dropped out after the run was
/// frozen) waits for the next run. Returns how many replacements were recorded.
pub async fn record_replacements(tx: &mut store::Tx, run: &RunRow, now: i64) -> Result<usize> {
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
        .filter(|person| person.run_id != run.id && !SEATED.contains(&person.status))
        .filter(|person| {
            !replaced.contains(&person.respondent_id) && !kept.contains(&person.respondent_id)
        })
        .collect();
    let mut newcomers: Vec<&PanelPerson> = people
        .iter()
        .filter(|person| person.run_id == run.id && person.status == Status::Selected)
        .collect();
    let actor = Actor {
        account_id: None,
        role: domain::permission::Role::Organiser,
    };
    let reason = StatusReason {
        category: ReasonCategory::Replacement,
        note: replaced_note(run.id),
    };
    let mut recorded = 0;
    for person in dropped {
        // The newcomer most like the drop-out (most equal answers) takes their seat in the history.
        let mut best: Option<(usize, usize)> = None;
        for (index, newcomer) in newcomers.iter().enumerate() {
            let alike = likeness(person, newcomer)?;
            if best.is_none_or(|(_, most)| alike > most) {
                best = Some((index, alike));
            }
        }
        let Some((best, _)) = best else {
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
        if matches!(person.status, Status::Declined | Status::Withdrawn) {
            // A move to `replaced` admits no one: it has no effects to carry out.
            let _moved = change_status(
                tx,
                &actor,
                run.assembly_id,
                person.respondent_id,
                Status::Replaced,
                &reason,
                now,
            )
            .await
            .map_err(|error| match error {
                StatusError::App(error) => error,
                other => Error::conflict(other.to_string()),
            })?;
        }
        recorded += 1;
    }
    Ok(recorded)
}
