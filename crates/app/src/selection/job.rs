//! The steps of a selection run's background job, for the caller's job runner to sequence: read the run to drive
//! ([`run_to_drive`]), compute it ([`compute`], CPU-bound: on a blocking thread), record a heartbeat with the
//! progress while it computes ([`heartbeat`], which also reads the cancel request), and record its end
//! ([`finish_run`]: the panel, the people marked `selected`, the replacements, all in one transaction). At startup
//! no job is alive: [`recover_interrupted_runs`] marks failed the runs left running.
//!
//! A final or replacement run has two jobs. The first, before the seed is known, computes the distribution and
//! commits the run (the version 2 commitment covers the distribution file, published with it); the second, once
//! the seed is entered, only draws from that committed distribution, without solving again. Runs committed before
//! version 2 (no distribution stored) are drawn as they always were: the distribution computed, then the draw.

use std::collections::HashSet;
use std::ops::ControlFlow;

use ::selection as engine;
use domain::respondent::Status;
use domain::selection::{RunKind, RunStatus};
use engine::SelectionError;
use engine::model::Instance;
use store::AnyConnection;
use store::selection::{RunEnd, RunRow, STOPPED_MESSAGE};

use super::pool::{csv_line, instance_of, settings_of_run};
use super::runs::fail_stale_before;
use super::{STARTUP_STALE_SECONDS, audited_if};
use crate::audit::Entry;
use crate::{Actor, Error, Result};

/// One value's line of a composition: pool and panel counts against the quota.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompositionRow {
    /// Feature.
    pub feature: String,
    /// Value.
    pub value: String,
    /// People with this value in the pool.
    pub pool: usize,
    /// On the panel.
    pub panel: usize,
    /// Quota minimum.
    pub min: u32,
    /// Quota maximum.
    pub max: u32,
}

/// The summary of a finished run, stored as JSON with the run (aggregates only, never a person).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunSummary {
    /// Per value.
    pub composition: Vec<CompositionRow>,
    /// People selected.
    pub selected: usize,
    /// People in the pool.
    pub pool: usize,
    /// Lowest selection probability.
    pub min_probability: f64,
    /// Highest selection probability.
    pub max_probability: f64,
    /// The number of the panel drawn, for a transparent lottery.
    #[serde(default)]
    pub lottery_number: Option<u64>,
    /// The largest change of anyone's probability caused by rounding to numbered panels.
    #[serde(default)]
    pub lottery_max_change: Option<f64>,
}

/// The summary of a drawn run (`None` for a run that is not `done`). A stored summary that does not decode is an
/// error, never an empty result.
pub fn summary_of(run: &RunRow) -> Result<Option<RunSummary>> {
    if run.status != RunStatus::Done {
        return Ok(None);
    }
    serde_json::from_str(&run.result_json)
        .map(Some)
        .map_err(|error| Error::internal(format!("stored summary of run {}: {error}", run.id)))
}

/// The run to compute, if it is still `running` (a job started twice, or for a run that ended meanwhile, does
/// nothing).
pub async fn run_to_drive(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
) -> Result<Option<RunRow>> {
    let run = store::selection::run(conn, assembly_id, run_id).await?;
    Ok((run.status == RunStatus::Running).then_some(run))
}

/// What the engine gave a run.
#[derive(Debug)]
pub enum Computed {
    /// A run being prepared ([`super::runs::preparing`]): its distribution file and the version 2 commitment that
    /// covers it and the inputs.
    Prepared {
        /// The lowercase hex commitment.
        commitment: String,
        /// The distribution file, as published.
        distribution_csv: String,
    },
    /// A drawn run: the instance the engine read and its selection (boxed: much larger than the other variant).
    Drawn(Box<(Instance, engine::Selection)>),
}

/// What the engine gave, or why it has nothing.
pub type Outcome = Result<Computed, SelectionError>;

/// Computes a run from its stored inputs, exactly as `klero` computes it from the published files: for a run being
/// prepared, the distribution and its commitment (`klero select --commitment-only`); for a drawn run committed with
/// version 2, the draw from the committed distribution (`klero verify --distribution`), which takes no solving; for
/// an older run, the distribution and the draw. `control` receives every progress report and ends the run with
/// `Break` (a cancel, a server stop). CPU-bound and synchronous: the caller runs it off the async threads.
pub fn compute(
    run: &RunRow,
    control: &mut dyn FnMut(&engine::Progress) -> ControlFlow<()>,
) -> Outcome {
    let instance = instance_of(
        &run.pool_csv,
        &run.features_csv,
        &run.already_csv,
        run.panel_size as usize,
    )?;
    let settings = settings_of_run(run);
    if super::runs::preparing(run) {
        let distribution = engine::find_distribution_cancellable(&instance, &settings, control)?;
        let distribution_csv = distribution.to_csv(&instance);
        let commitment =
            engine::sample::commitment_v2(&instance, &settings, distribution_csv.as_bytes());
        return Ok(Computed::Prepared {
            commitment,
            distribution_csv,
        });
    }
    if run.commitment_version >= 2 {
        // Drawn from the distribution committed before the seed: no solving, the draw only.
        let distribution = engine::published::parse_distribution(
            "distribution.csv",
            &run.distribution_csv,
            &instance,
        )?;
        let (panel, lottery_number) = engine::draw(&instance, &distribution, &run.seed);
        let selection = engine::Selection {
            panel,
            probabilities: distribution.probabilities(&instance),
            estimated: false,
            distribution: Some(distribution),
            lottery_number,
        };
        return Ok(Computed::Drawn(Box::new((instance, selection))));
    }
    let selection = engine::run_cancellable(&instance, &settings, &run.seed, control)?;
    Ok(Computed::Drawn(Box::new((instance, selection))))
}

/// Records a running run's heartbeat and its latest progress report in words; returns whether cancelling was
/// asked. The heartbeat is the job's own bookkeeping, written every second, and is not an audited change.
pub async fn heartbeat(
    tx: &mut store::Tx,
    run_id: i64,
    progress: Option<&str>,
    now: i64,
) -> Result<bool> {
    Ok(store::selection::report_progress(tx, run_id, progress, now).await?)
}

/// Records how a run ended, in the caller's transaction (audited as the system's doing). Nothing happens if the run
/// is no longer `running` (marked failed meanwhile). `stopped` says the server is stopping: a run that the engine
/// ended for that reason failed (and can be resumed), it was not cancelled.
///
/// A drawn final or replacement run marks the people it selected `selected` (each audited, ids only), and a
/// replacement run records its replacements ([`super::panel::record_replacements`]).
pub async fn finish_run(
    tx: &mut store::Tx,
    run: &RunRow,
    outcome: Outcome,
    stopped: bool,
    now: i64,
) -> Result<()> {
    let (instance, selection) = match outcome {
        Ok(Computed::Drawn(drawn)) => *drawn,
        Ok(Computed::Prepared {
            commitment,
            distribution_csv,
        }) => return commit_prepared(tx, run, &commitment, &distribution_csv, now).await,
        Err(error) => return finish_without_panel(tx, run, &error, stopped, now).await,
    };
    let mut selected: Vec<String> = selection
        .panel
        .iter()
        .map(|&i| instance.people[i].id.clone())
        .collect();
    selected.sort();
    let mut selected_csv = String::from("id\n");
    for id in &selected {
        selected_csv.push_str(&csv_line(&[id]));
    }
    let summary = summary(&instance, &selection, selected.len());
    // Published for final and replacement runs; a test run is never public, so its distribution is not kept. A run
    // committed with version 2 keeps the very file its commitment covers.
    let distribution_csv = match &selection.distribution {
        _ if run.commitment_version >= 2 => run.distribution_csv.clone(),
        Some(distribution) if run.kind != RunKind::Test => distribution.to_csv(&instance),
        _ => String::new(),
    };
    let result_json = serde_json::to_string(&summary).map_err(Error::internal)?;
    let end = RunEnd {
        status: RunStatus::Done,
        selected_csv: &selected_csv,
        result_json: &result_json,
        message: "",
        selected: &selected,
        distribution_csv: &distribution_csv,
    };
    let entity = format!("selection_run:{}", run.id);
    audited_if(tx, &Actor::SYSTEM, "selection_run.finish", &entity, now, async |tx| {
        if !store::selection::finish_run(tx, run.id, &end, now).await? {
            return Ok(None);
        }
        let marked = if run.kind == RunKind::Test {
            0
        } else {
            mark_selected(tx, run, &selected, now).await?
        };
        // A replacement run's newcomers take the seats of the drop-outs: recorded in the history, drop-outs `replaced`.
        let replaced = if run.kind == RunKind::Replacement {
            super::panel::record_replacements(tx, run, now).await?
        } else {
            0
        };
        let after = serde_json::json!({
            "id": run.id, "status": RunStatus::Done.as_str(), "kind": run.kind.as_str(), "selected": selected.len(),
            "marked": marked, "replaced": replaced, "seed": run.seed,
        });
        Ok(Some(((), Entry::after(after))))
    })
    .await?;
    Ok(())
}

/// Commits a prepared run (audited as the system's doing): from now on its distribution and the commitment that
/// covers it are public, and it waits for its seed. Nothing happens if it is no longer being prepared.
async fn commit_prepared(
    tx: &mut store::Tx,
    run: &RunRow,
    commitment: &str,
    distribution_csv: &str,
    now: i64,
) -> Result<()> {
    let entity = format!("selection_run:{}", run.id);
    audited_if(tx, &Actor::SYSTEM, "selection_run.commit", &entity, now, async |tx| {
        if !store::selection::commit_prepared_run(tx, run.id, commitment, distribution_csv).await? {
            return Ok(None);
        }
        let after = serde_json::json!({
            "id": run.id, "status": RunStatus::Committed.as_str(), "commitment": commitment, "commitment_version": 2,
            "distribution_sha256": engine::sample::distribution_digest(distribution_csv.as_bytes()),
        });
        Ok(Some(((), Entry::after(after))))
    })
    .await?;
    Ok(())
}

/// The aggregates of a selection.
fn summary(instance: &Instance, selection: &engine::Selection, selected: usize) -> RunSummary {
    let pool_counts = instance.pool_counts();
    let panel_counts = instance.panel_counts(&selection.panel);
    let mut composition = Vec::new();
    for (f, feature) in instance.features.iter().enumerate() {
        for (v, quota) in feature.quotas.iter().enumerate() {
            composition.push(CompositionRow {
                feature: feature.name.clone(),
                value: quota.value.clone(),
                pool: pool_counts[f][v],
                panel: panel_counts[f][v],
                min: quota.min,
                max: quota.max,
            });
        }
    }
    RunSummary {
        composition,
        selected,
        pool: instance.people.len(),
        min_probability: selection
            .probabilities
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min),
        max_probability: selection.probabilities.iter().copied().fold(0.0, f64::max),
        lottery_number: selection.lottery_number,
        lottery_max_change: selection
            .distribution
            .as_ref()
            .and_then(|d| d.lottery.as_ref())
            .map(|lottery| lottery.max_change),
    }
}

/// Moves the people a run drew (not those it kept as already selected) to `selected`, each audited; returns how
/// many moved.
async fn mark_selected(
    tx: &mut store::Tx,
    run: &RunRow,
    selected: &[String],
    now: i64,
) -> Result<usize> {
    let chosen: HashSet<&str> = selected.iter().map(String::as_str).collect();
    let people = store::selection::run_people(tx, run.id).await?;
    let mut marked = 0;
    for person in people
        .iter()
        .filter(|p| chosen.contains(p.public_id.as_str()) && !p.already)
    {
        let entity = format!("respondent:{}", person.respondent_id);
        let moved = audited_if(tx, &Actor::SYSTEM, "respondent.select", &entity, now, async |tx| {
            let Some(before) =
                store::selection::mark_selected(tx, run.assembly_id, person.respondent_id).await?
            else {
                return Ok(None);
            };
            let after = serde_json::json!({
                "id": person.respondent_id, "from": before.as_str(), "status": Status::Selected.as_str(),
                "run_id": run.id,
            });
            Ok(Some(((), Entry::after(after))))
        })
        .await?;
        if moved.is_some() {
            marked += 1;
        }
    }
    Ok(marked)
}

/// Records a run that ended without a panel: cancelled, failed with the engine's verdict (the smallest relaxation
/// when no panel meets the quotas), or interrupted by the server stopping.
async fn finish_without_panel(
    tx: &mut store::Tx,
    run: &RunRow,
    error: &SelectionError,
    stopped: bool,
    now: i64,
) -> Result<()> {
    // A run ended by the server stopping was not cancelled by anyone: it failed, and says why.
    let cancelled = matches!(error, SelectionError::Cancelled);
    let status = if cancelled && !stopped {
        RunStatus::Cancelled
    } else {
        RunStatus::Failed
    };
    let message = match error {
        _ if cancelled && stopped => STOPPED_MESSAGE.to_owned(),
        SelectionError::InfeasibleQuotas { changes } => {
            std::iter::once("no panel meets the quotas; smallest relaxation:".to_owned())
                .chain(changes.iter().map(|c| c.to_string()))
                .collect::<Vec<_>>()
                .join("\n")
        }
        other => other.to_string(),
    };
    end_without_panel(tx, run.id, status, &message, now).await
}

/// Ends a running run without a panel (audited).
async fn end_without_panel(
    tx: &mut store::Tx,
    run_id: i64,
    status: RunStatus,
    message: &str,
    now: i64,
) -> Result<()> {
    let end = RunEnd {
        status,
        selected_csv: "",
        result_json: "{}",
        message,
        selected: &[],
        distribution_csv: "",
    };
    let entity = format!("selection_run:{run_id}");
    audited_if(
        tx,
        &Actor::SYSTEM,
        "selection_run.finish",
        &entity,
        now,
        async |tx| {
            if !store::selection::finish_run(tx, run_id, &end, now).await? {
                return Ok(None);
            }
            let after = serde_json::json!({ "id": run_id, "status": status.as_str() });
            Ok(Some(((), Entry::after(after))))
        },
    )
    .await?;
    Ok(())
}

/// Marks failed a run whose job could not complete (an internal error, logged by the caller), so that it does not
/// hold its assembly (audited).
pub async fn fail_run(tx: &mut store::Tx, run_id: i64, now: i64) -> Result<()> {
    end_without_panel(tx, run_id, RunStatus::Failed, "internal error", now).await
}

/// Marks failed the runs left `running` by a server that stopped (audited); called once at startup, when no job of
/// this server is alive. Returns their ids.
pub async fn recover_interrupted_runs(tx: &mut store::Tx, now: i64) -> Result<Vec<i64>> {
    fail_stale_before(tx, now - STARTUP_STALE_SECONDS, now).await
}
