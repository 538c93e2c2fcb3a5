//! The table allocation job: computes queued allocation runs off the request path (150 members over 7 sessions
//! take seconds on a busy machine).
//!
//! [`start`] runs a [`Job::TableAllocation`] that a use case handed back after its commit; [`drain`] claims each
//! queued run in turn (safe with several servers: a run is claimed by one of them only), runs the `tables` engine
//! on a blocking thread and stores the seats or the failure through `app::assembly::record_allocation`.
//! `klero serve` also drains at startup, for runs queued before a restart.

use app::effect::Job;
use store::Store;

use crate::error::AppError;
use crate::{AppState, now};

/// Starts a job handed back by [`crate::effects::carry_out`], if it is a table allocation (its run is already
/// queued): the queue is drained in the background and the request does not wait.
pub fn start(state: &AppState, job: Job) {
    match job {
        Job::TableAllocation {
            assembly_id,
            job_id,
        } => {
            tracing::debug!(assembly_id, run_id = job_id, "table allocation started");
            spawn_drain(state.store.clone());
        }
        Job::SelectionRun { .. } | Job::LetterPrint { .. } => {
            tracing::error!("another feature's job was handed to the table allocation worker");
        }
    }
}

/// Computes every queued run, one after another, and returns how many this call computed.
/// Safe to call from several servers at once: a run is claimed by one of them only.
pub async fn drain(store: &Store) -> Result<usize, AppError> {
    let mut computed = 0;
    loop {
        let mut conn = store.connection().await?;
        let queued = app::assembly::queued_allocations(&mut conn).await?;
        drop(conn);
        let Some(&run_id) = queued.first() else {
            return Ok(computed);
        };
        let mut tx = store.begin().await?;
        let claimed = app::assembly::claim_allocation(&mut tx, run_id).await?;
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

/// Computes one claimed run and stores its outcome.
async fn execute(store: &Store, run_id: i64) -> Result<(), AppError> {
    let mut conn = store.connection().await?;
    let input = app::assembly::allocation_input(&mut conn, run_id).await?;
    drop(conn);
    let started = std::time::Instant::now();
    let (request, seed) = (input.request.clone(), input.seed);
    let outcome = tokio::task::spawn_blocking(move || tables::allocate(&request, seed))
        .await
        .map_err(AppError::internal)?;
    let milliseconds = started.elapsed().as_millis() as u64;
    let mut tx = store.begin().await?;
    app::assembly::record_allocation(&mut tx, &input, outcome, milliseconds, now()).await?;
    tx.commit().await?;
    tracing::info!(
        assembly_id = input.assembly_id,
        run_id,
        milliseconds,
        "table run finished"
    );
    Ok(())
}
