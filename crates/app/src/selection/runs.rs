//! The life of a selection run as organisers drive it: a test run started at once, a final run committed before
//! its seed is known and then drawn, an interrupted drawn run resumed to the same panel, a cancel request; and the
//! reads of the runs as they stand ([`as_seen`]: a run whose heartbeat stopped is shown as interrupted).
//!
//! Every write is audited (ids, kinds, counts, the commitment and the seed; never a name). The writes that need the
//! assembly free first mark failed, in their own transaction, the runs whose heartbeat stopped ([`fail_stale`]).

use ::selection as engine;
use domain::selection::{Algorithm, RunKind, RunStatus};
use store::AnyConnection;
use store::selection::{NewRun, RunBusy, RunRow, STOPPED_MESSAGE, SettingsRow};

use super::pool::{PoolCheck, inputs, pool_check, settings_of};
use super::{Refusal, STALE_SECONDS};
use crate::audit::{Entry, audited};
use crate::effect::{Effect, Effects, Job};
use crate::{Actor, Done, Result};

/// Whether `run` is `running` but its job gave no sign of life for [`STALE_SECONDS`] at `now` (its server stopped).
pub fn is_stale(run: &RunRow, now: i64) -> bool {
    run.status == RunStatus::Running
        && run
            .heartbeat_at
            .is_none_or(|heartbeat| heartbeat < now - STALE_SECONDS)
}

/// The run as it stands at `now`: a stale running run (see [`is_stale`]) is shown `failed` with the interruption's
/// message, exactly as the next write or the next start records it. Nothing is written.
pub fn as_seen(mut run: RunRow, now: i64) -> RunRow {
    if is_stale(&run, now) {
        run.status = RunStatus::Failed;
        run.message = STOPPED_MESSAGE.to_owned();
    }
    run
}

/// Every run of an assembly as it stands at `now`, newest first.
pub async fn runs_seen(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<Vec<RunRow>> {
    Ok(store::selection::runs(conn, assembly_id)
        .await?
        .into_iter()
        .map(|run| as_seen(run, now))
        .collect())
}

/// One run of an assembly as it stands at `now` (404 if it is another assembly's).
pub async fn run_seen(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
    now: i64,
) -> Result<RunRow> {
    Ok(as_seen(
        store::selection::run(conn, assembly_id, run_id).await?,
        now,
    ))
}

/// Whether a drawn (seed known) final or replacement run ended without its result for a reason other than the
/// engine's own verdict: a cancel or a server stop. Its outcome is fixed by its seed, so it can only be resumed
/// (same inputs, same seed, same panel); no new run of its kind may be committed meanwhile. Give it a run
/// [`as_seen`].
pub fn interrupted(run: &RunRow) -> bool {
    run.kind.is_public()
        && !run.seed.is_empty()
        && (run.status == RunStatus::Cancelled
            || (run.status == RunStatus::Failed && run.message.starts_with("interrupted")))
}

/// Marks failed, in the caller's transaction, the runs whose heartbeat stopped [`STALE_SECONDS`] before `now`
/// (audited as the system's doing); returns their ids.
pub async fn fail_stale(tx: &mut store::Tx, now: i64) -> Result<Vec<i64>> {
    fail_stale_before(tx, now - STALE_SECONDS, now).await
}

/// Marks failed the runs left `running` with a heartbeat older than `stale_before` (audited); returns their ids.
pub(crate) async fn fail_stale_before(
    tx: &mut store::Tx,
    stale_before: i64,
    now: i64,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = store::selection::fail_stale_runs(tx, stale_before, now).await?;
    for run_id in &ids {
        let entity = format!("selection_run:{run_id}");
        audited(
            tx,
            &Actor::SYSTEM,
            "selection_run.interrupted",
            &entity,
            now,
            async |_| {
                let after =
                    serde_json::json!({ "id": run_id, "status": RunStatus::Failed.as_str() });
                Ok(((), Entry::after(after)))
            },
        )
        .await?;
        tracing::warn!(
            run_id,
            "selection run interrupted (no heartbeat); marked failed"
        );
    }
    Ok(ids)
}

/// Stores a new run with its people and its audit entry; [`Refusal::Busy`] when it would be a second running run,
/// [`Refusal::Pending`] a second replacement run waiting (the caller must drop the transaction: PostgreSQL has
/// aborted it).
pub(crate) async fn create_run(
    tx: &mut store::Tx,
    actor: &Actor,
    run: &NewRun<'_>,
    people: &[store::selection::RunPerson],
    already: usize,
    now: i64,
) -> Result<Result<i64, Refusal>> {
    let run_id = match store::selection::create_run(tx, run, people, now).await {
        Ok(Ok(run_id)) => run_id,
        Ok(Err(RunBusy)) => return Ok(Err(Refusal::Busy)),
        // The index lets one replacement run wait at a time: another organiser froze one at the same moment.
        Err(store::StoreError::Conflict { .. }) if run.kind == RunKind::Replacement => {
            return Ok(Err(Refusal::Pending));
        }
        Err(error) => return Err(error.into()),
    };
    let entity = format!("selection_run:{run_id}");
    audited(tx, actor, "selection_run.create", &entity, now, async |_| {
        let mut after = serde_json::json!({
            "id": run_id, "assembly_id": run.assembly_id, "kind": run.kind.as_str(), "status": run.status.as_str(),
            "algorithm": run.algorithm.as_str(), "commitment": run.commitment, "pool": people.len(),
            "panel_size": run.panel_size,
        });
        if let Some(after) = after.as_object_mut() {
            if run.kind == RunKind::Replacement {
                after.insert("already".to_owned(), already.into());
                after.insert("parent_run_id".to_owned(), run.parent_run_id.into());
            } else {
                after.insert("lottery_panels".to_owned(), run.lottery_panels.into());
            }
        }
        Ok(((), Entry::after(after)))
    })
    .await?;
    Ok(Ok(run_id))
}

/// The effects of a run put in state `running`: its job.
pub(crate) fn start_job(assembly_id: i64, run_id: i64) -> Effects {
    let mut effects = Effects::new();
    effects.push(Effect::Start(Job::SelectionRun {
        assembly_id,
        run_id,
    }));
    effects
}

/// A test run to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRun {
    /// The fairness objective.
    pub algorithm: Algorithm,
    /// The seed; a random one when `None`.
    pub seed: Option<String>,
}

/// Starts a test run on the current pool (it changes no one's status and is never public): the run is stored
/// `running` (audited) and its job comes back as an effect. Returns the run's id.
pub async fn start_test_run(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    run: &TestRun,
    now: i64,
) -> Result<Result<Done<i64>, Refusal>> {
    fail_stale(tx, now).await?;
    let seed = match &run.seed {
        Some(seed) => seed.clone(),
        None => hex::encode(crate::random::bytes::<8>()?),
    };
    let inputs = match inputs(tx, assembly_id, &settings_of(run.algorithm, None)).await? {
        Ok(inputs) => inputs,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let new = NewRun {
        assembly_id,
        kind: RunKind::Test,
        status: RunStatus::Running,
        algorithm: run.algorithm,
        engine_version: engine::ENGINE_VERSION,
        panel_size: inputs.panel_size,
        seed: &seed,
        seed_source: "",
        commitment: &inputs.commitment,
        pool_csv: &inputs.pool.pool_csv,
        features_csv: &inputs.features_csv,
        already_csv: "",
        parent_run_id: None,
        created_by: actor.account_id,
        lottery_panels: None,
    };
    let run_id = match create_run(tx, actor, &new, &inputs.pool.people, 0, now).await? {
        Ok(run_id) => run_id,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(Done::with(run_id, start_job(assembly_id, run_id))))
}

/// Freezes the final run's inputs (LEXIMIN, as `klero verify` runs by default, optionally rounded to
/// `lottery_panels` numbered panels) and starts its job, which computes the distribution before the seed is known
/// and then commits the run: the inputs, the distribution and the version 2 commitment that covers both are
/// published together ([`super::job::finish_run`]). The legacy method is never offered here: it has no distribution
/// to commit to. Refused while a drawn final run is interrupted (it must be resumed) or a final run exists.
pub async fn commit_final_run(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    lottery_panels: Option<u32>,
    now: i64,
) -> Result<Result<Done<i64>, Refusal>> {
    fail_stale(tx, now).await?;
    let runs = runs_seen(tx, assembly_id, now).await?;
    let finals = || runs.iter().filter(|run| run.kind == RunKind::Final);
    if finals().any(interrupted) {
        return Ok(Err(Refusal::ResumeFirst));
    }
    if finals().any(|run| {
        matches!(
            run.status,
            RunStatus::Committed | RunStatus::Running | RunStatus::Done
        )
    }) {
        return Ok(Err(Refusal::FinalExists));
    }
    let algorithm = Algorithm::Leximin;
    let settings = settings_of(algorithm, lottery_panels);
    let inputs = match inputs(tx, assembly_id, &settings).await? {
        Ok(inputs) => inputs,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let new = NewRun {
        assembly_id,
        kind: RunKind::Final,
        // Being prepared: the job computes the distribution, then commits the run (no seed, no commitment yet).
        status: RunStatus::Running,
        algorithm,
        engine_version: engine::ENGINE_VERSION,
        panel_size: inputs.panel_size,
        seed: "",
        seed_source: &inputs.seed_source,
        commitment: "",
        pool_csv: &inputs.pool.pool_csv,
        features_csv: &inputs.features_csv,
        already_csv: "",
        parent_run_id: None,
        created_by: actor.account_id,
        lottery_panels: lottery_panels.map(i64::from),
    };
    Ok(create_run(tx, actor, &new, &inputs.pool.people, 0, now)
        .await?
        .map(|run_id| Done::with(run_id, start_job(assembly_id, run_id))))
}

/// Whether a run is being prepared: a final or replacement run whose job computes its distribution before it is
/// committed (`running`, no seed yet).
pub fn preparing(run: &RunRow) -> bool {
    run.kind.is_public() && run.status == RunStatus::Running && run.seed.is_empty()
}

/// Draws a committed (final or replacement) run with its seed: the run becomes `running` (audited with the seed)
/// and its job comes back as an effect.
pub async fn draw_committed_run(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    run_id: i64,
    seed: &str,
    now: i64,
) -> Result<Result<Done<()>, Refusal>> {
    fail_stale(tx, now).await?;
    // A number drawn in public (`number:N`, issue 18) must name one of the run's numbered panels.
    let public_number = engine::public_number(seed);
    if let Some(number) = public_number {
        let run = store::selection::run(tx, assembly_id, run_id).await?;
        match run.lottery_panels {
            Some(panels) if number < panels as u64 => {}
            panels => return Ok(Err(Refusal::NumberOutOfRange { panels })),
        }
    }
    match store::selection::start_committed_run(tx, assembly_id, run_id, seed, now).await? {
        Ok(true) => {}
        Ok(false) => return Ok(Err(Refusal::NotCommitted)),
        Err(RunBusy) => return Ok(Err(Refusal::Busy)),
    }
    let entity = format!("selection_run:{run_id}");
    audited(tx, actor, "selection_run.draw", &entity, now, async |tx| {
        if let Some(number) = public_number {
            store::selection::record_public_number(
                tx,
                run_id,
                number as i64,
                actor.account_id,
                now,
            )
            .await?;
        }
        let after = serde_json::json!({
            "id": run_id,
            "status": RunStatus::Running.as_str(),
            "seed": seed,
            "drawn_in_public": public_number.is_some(),
        });
        Ok(((), Entry::after(after)))
    })
    .await?;
    Ok(Ok(Done::with((), start_job(assembly_id, run_id))))
}

/// The number drawn in public that a run was drawn with, with who entered it and when (issue 18), if any.
pub async fn public_number(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
) -> Result<Option<store::selection::PublicNumber>> {
    Ok(store::selection::public_number(conn, assembly_id, run_id).await?)
}

/// Runs an interrupted drawn run again with its own stored inputs and seed (audited); the engine is deterministic,
/// so the panel is the one the seed gave. Only on the engine revision that drew it ([`Refusal::EngineChanged`]).
pub async fn resume_run(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    run_id: i64,
    now: i64,
) -> Result<Result<Done<()>, Refusal>> {
    fail_stale(tx, now).await?;
    let run = store::selection::run(tx, assembly_id, run_id).await?;
    // Another engine revision may draw another panel from the same seed: resume only with the one it was drawn by.
    if run.engine_version != engine::ENGINE_VERSION {
        return Ok(Err(Refusal::EngineChanged));
    }
    if !interrupted(&run) {
        return Ok(Err(Refusal::NotResumable));
    }
    match store::selection::resume_drawn_run(tx, assembly_id, run_id, now).await? {
        Ok(true) => {}
        Ok(false) => return Ok(Err(Refusal::NotResumable)),
        Err(RunBusy) => return Ok(Err(Refusal::Busy)),
    }
    let entity = format!("selection_run:{run_id}");
    audited(tx, actor, "selection_run.resume", &entity, now, async |_| {
        let after = serde_json::json!({ "id": run_id, "status": RunStatus::Running.as_str(), "resumed": true });
        Ok(((), Entry::after(after)))
    })
    .await?;
    Ok(Ok(Done::with((), start_job(assembly_id, run_id))))
}

/// Asks a running run to stop (audited); its job sees the request at its next heartbeat. Nothing happens for a run
/// that is not running.
pub async fn cancel_run(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    run_id: i64,
    now: i64,
) -> Result<()> {
    let run = store::selection::run(tx, assembly_id, run_id).await?;
    if run.status != RunStatus::Running {
        return Ok(());
    }
    let entity = format!("selection_run:{run_id}");
    audited(
        tx,
        actor,
        "selection_run.cancel",
        &entity,
        now,
        async |tx| {
            let asked = store::selection::request_cancel(tx, assembly_id, run_id).await?;
            let after = serde_json::json!({ "id": run_id, "cancel_requested": asked });
            Ok(((), Entry::after(after)))
        },
    )
    .await
}

/// The selection page of an assembly: its runs as they stand, its settings and the live check of its quotas.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The assembly's title.
    pub title: String,
    /// The runs, newest first, as they stand.
    pub runs: Vec<RunRow>,
    /// The settings, if saved.
    pub settings: Option<SettingsRow>,
    /// Whether a final run is committed, running, drawn or interrupted (no other may be committed).
    pub has_final: bool,
    /// The inputs of the feasibility check (run it off the async threads).
    pub check: PoolCheck,
}

/// Reads the selection page of an assembly at `now` (404 for an unknown assembly). Nothing is written.
pub async fn overview(conn: &mut AnyConnection, assembly_id: i64, now: i64) -> Result<Overview> {
    let title = store::assemblies::get_assembly(&mut *conn, assembly_id)
        .await?
        .title;
    let runs = runs_seen(&mut *conn, assembly_id, now).await?;
    let settings = store::selection::settings(&mut *conn, assembly_id).await?;
    let check = pool_check(conn, assembly_id).await?;
    let has_final = runs.iter().any(|run| {
        run.kind == RunKind::Final
            && (matches!(
                run.status,
                RunStatus::Committed | RunStatus::Running | RunStatus::Done
            ) || interrupted(run))
    });
    Ok(Overview {
        title,
        runs,
        settings,
        has_final,
        check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn_final(status: RunStatus, heartbeat_at: Option<i64>) -> RunRow {
        RunRow {
            id: 1,
            assembly_id: 1,
            kind: RunKind::Final,
            status,
            algorithm: Algorithm::Leximin,
            engine_version: engine::ENGINE_VERSION.to_owned(),
            panel_size: 6,
            seed: "announced seed".to_owned(),
            seed_source: String::new(),
            commitment: "c".to_owned(),
            pool_csv: "id\n".to_owned(),
            features_csv: String::new(),
            already_csv: String::new(),
            selected_csv: String::new(),
            result_json: "{}".to_owned(),
            message: String::new(),
            progress: String::new(),
            cancel_requested: false,
            parent_run_id: None,
            created_at: 0,
            finished_at: None,
            lottery_panels: None,
            distribution_csv: String::new(),
            heartbeat_at,
            commitment_version: 2,
        }
    }

    #[test]
    fn a_run_without_a_heartbeat_is_seen_interrupted_and_a_live_one_is_not() {
        let now = 1_000;
        let live = as_seen(drawn_final(RunStatus::Running, Some(now - 5)), now);
        assert_eq!(live.status, RunStatus::Running);
        assert!(!interrupted(&live));
        let dead = as_seen(
            drawn_final(RunStatus::Running, Some(now - STALE_SECONDS - 1)),
            now,
        );
        assert_eq!(
            (dead.status, dead.message.as_str()),
            (RunStatus::Failed, STOPPED_MESSAGE)
        );
        assert!(
            interrupted(&dead),
            "a drawn run that stopped can only be resumed"
        );
        // The engine's own verdict is not an interruption, and a finished run is left as it is.
        let infeasible = RunRow {
            message: "no panel meets the quotas".to_owned(),
            ..drawn_final(RunStatus::Failed, Some(0))
        };
        assert!(!interrupted(&as_seen(infeasible, now)));
        assert!(interrupted(&drawn_final(RunStatus::Cancelled, None)));
    }
}
