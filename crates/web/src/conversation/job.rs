//! The recomputation job: the opinion map of every conversation with new votes, off the request path.
//!
//! Votes are stored at once and mark their conversation dirty; [`drain`] claims each due conversation with a
//! conditional update (so one conversation is never analysed twice at once, even with several servers on one
//! PostgreSQL database), runs the `opinion` engine on a blocking thread, warm-started from the previous analysis,
//! and stores the result. `klero serve` runs [`spawn_ticker`], which drains every [`TICK_SECONDS`] with a debounce
//! of [`DEBOUNCE_SECONDS`] (a busy conversation is analysed at most that often); the organisers' "recompute now"
//! drains at once ([`spawn_drain`] with no debounce). Tests call [`drain`] themselves.

use store::Store;

use crate::error::AppError;
use crate::now;

/// How often the ticker looks for conversations to analyse.
pub const TICK_SECONDS: u64 = 2;
/// A conversation is analysed at most once in this many seconds while votes keep coming.
pub const DEBOUNCE_SECONDS: i64 = 3;

/// Analyses every conversation that is due (changed, last analysed at least `min_interval` seconds ago, not held
/// by another worker); returns how many this call analysed.
pub async fn drain(store: &Store, min_interval: i64) -> Result<usize, AppError> {
    let mut connection = store.connection().await?;
    let due = app::conversation::analysis::due(&mut connection, now(), min_interval).await?;
    drop(connection);
    let mut analysed = 0;
    for assembly_id in due {
        let mut tx = store.begin().await?;
        let claimed = app::conversation::analysis::claim(&mut tx, assembly_id, now()).await?;
        tx.commit().await?;
        if !claimed {
            continue;
        }
        let mut connection = store.connection().await?;
        let input = app::conversation::analysis::input(&mut connection, assembly_id).await;
        drop(connection);
        let started = std::time::Instant::now();
        let computed = match input {
            Ok(input) => {
                tokio::task::spawn_blocking(move || app::conversation::analysis::compute(&input))
                    .await
                    .map_err(AppError::internal)
            }
            Err(error) => Err(AppError::from(error)),
        };
        let mut tx = store.begin().await?;
        match computed {
            Ok(analysis) => {
                app::conversation::analysis::record(&mut tx, assembly_id, &analysis, now()).await?;
                tx.commit().await?;
                tracing::info!(
                    assembly_id,
                    participants = analysis.participants,
                    groups = analysis.groups.len(),
                    milliseconds = started.elapsed().as_millis() as u64,
                    "conversation analysed"
                );
                analysed += 1;
            }
            Err(error) => {
                app::conversation::analysis::release(&mut tx, assembly_id, now()).await?;
                tx.commit().await?;
                return Err(error);
            }
        }
    }
    Ok(analysed)
}

/// Starts [`drain`] in the background (the request that asked for it does not wait).
pub fn spawn_drain(store: Store, min_interval: i64) {
    tokio::spawn(async move {
        if let Err(error) = drain(&store, min_interval).await {
            tracing::error!(error = %error, "conversation analysis failed");
        }
    });
}

/// Drains every [`TICK_SECONDS`] until `stopping` is set (started by `klero serve`).
pub fn spawn_ticker(store: Store, stopping: crate::Stopping) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(TICK_SECONDS));
        while !stopping.is_set() {
            interval.tick().await;
            if let Err(error) = drain(&store, DEBOUNCE_SECONDS).await {
                tracing::error!(error = %error, "conversation analysis failed");
            }
        }
    });
}
