//! The background job of a selection run: the engine on a blocking thread, a heartbeat with the progress every
//! [`HEARTBEAT`] (which also reads the cancel request, so a cancel is honoured within a second), then the run's end
//! in one transaction, each step an `app::selection::job` call. Stopping the server (`AppState::stopping`) ends the engine at its next progress
//! report like a cancel, and the run is recorded failed. At startup, [`recover_interrupted_runs`] fails the runs a
//! stopped server left running.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::effect::{Effects, Job};

use crate::error::AppError;
use crate::{AppState, now};

/// How often the job records the engine's progress and reads the cancel request: a cancel waits at most this long,
/// plus the engine's own reaction (at most a tenth of a second, even in a MIP), so it is honoured within a second.
/// Each heartbeat is one small `UPDATE` and `SELECT` of the run's row.
const HEARTBEAT: Duration = Duration::from_millis(250);

/// Starts the selection runs among the jobs a use case asked for (call it after the commit).
pub fn start(state: &AppState, effects: Effects) {
    for job in crate::effects::carry_out(state, effects).jobs {
        if let Job::SelectionRun {
            assembly_id,
            run_id,
        } = job
        {
            spawn_run(state.clone(), assembly_id, run_id);
        }
    }
}

/// Marks failed the runs left `running` by a server that stopped; called once at startup. Returns their ids.
pub async fn recover_interrupted_runs(store: &store::Store) -> Result<Vec<i64>, app::Error> {
    let mut tx = store.begin().await?;
    let failed = app::selection::job::recover_interrupted_runs(&mut tx, now()).await?;
    tx.commit().await?;
    Ok(failed)
}

/// Runs a `running` run in the background, counted by the server's [`crate::Stopping`] until it has recorded its
/// end. A job that fails to complete marks its run failed, so that it does not hold the assembly.
pub fn spawn_run(state: AppState, assembly_id: i64, run_id: i64) {
    let job = state.stopping.job();
    tokio::spawn(async move {
        let _job = job;
        if let Err(error) = drive(&state, assembly_id, run_id).await {
            tracing::error!(run_id, error = %error, "selection run failed to complete");
            if let Ok(mut tx) = state.store.begin().await
                && app::selection::job::fail_run(&mut tx, run_id, now())
                    .await
                    .is_ok()
            {
                let _ = tx.commit().await;
            }
        }
    });
}

async fn drive(state: &AppState, assembly_id: i64, run_id: i64) -> Result<(), AppError> {
    let mut connection = state.store.connection().await?;
    let run = app::selection::job::run_to_drive(&mut connection, assembly_id, run_id).await?;
    drop(connection);
    let Some(run) = run else {
        return Ok(());
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let latest: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let (job_cancel, job_latest, stopping) =
        (cancel.clone(), latest.clone(), state.stopping.clone());
    let job_run = run.clone();
    let started = Instant::now();
    let mut job = tokio::task::spawn_blocking(move || {
        let mut last = Instant::now() - Duration::from_secs(1);
        app::selection::job::compute(&job_run, &mut |progress| {
            if last.elapsed() >= HEARTBEAT {
                last = Instant::now();
                // The engine's own words: the step, its work done, and the share of the run done.
                if let Ok(mut slot) = job_latest.lock() {
                    *slot = Some(progress.to_string());
                }
            }
            if job_cancel.load(Ordering::Relaxed) || stopping.is_set() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
    });
    let outcome = loop {
        tokio::select! {
            joined = &mut job => break joined,
            _ = tokio::time::sleep(HEARTBEAT) => {
                let text = latest.lock().ok().and_then(|mut slot| slot.take());
                let mut tx = state.store.begin().await?;
                let asked = app::selection::job::heartbeat(&mut tx, run_id, text.as_deref(), now()).await?;
                tx.commit().await?;
                if asked {
                    cancel.store(true, Ordering::Relaxed);
                }
            }
        }
    };
    let outcome = outcome.map_err(AppError::internal)?;
    tracing::info!(
        run_id,
        seconds = started.elapsed().as_secs_f64(),
        "selection run computed"
    );
    let mut tx = state.store.begin().await?;
    let stopped = state.stopping.is_set();
    app::selection::job::finish_run(&mut tx, &run, outcome, stopped, now()).await?;
    tx.commit().await?;
    Ok(())
}
