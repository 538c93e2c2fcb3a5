//! Selection (issue 4): the quotas of an assembly, the selection runs from a test run to the final draw, the
//! background job's steps, the panel with its confirmations, drop-outs and replacement runs, and what the public
//! sees of it all.
//!
//! A run works on an anonymised copy of the pool ([`pool::build_pool`]: a random public id, the feature values and
//! a random household key per person) and a `features.csv` of the quotas, read by the engine exactly as
//! `klero verify` reads the published files. A *test* run changes no one's status. A *final* run is first committed
//! (its inputs frozen and published with the engine's commitment and the announced seed source), then drawn with
//! the seed; it marks the selected respondents `selected`. A *replacement* run fills the seats of drop-outs the same
//! way, keeping the people still on the panel as already selected. The database lets one run per assembly be
//! `running` and one replacement run wait for its seed or run.
//!
//! Runs are computed off the request path: starting one returns [`crate::Effect::Start`], and the caller's job
//! runner calls [`job::compute`] on a blocking thread, [`job::heartbeat`] every second and [`job::finish_run`]
//! at the end. A run whose heartbeat stopped (its server died) is *shown* as interrupted by every read
//! ([`runs::as_seen`]) without a write; it is marked failed inside the transaction of the next write that needs
//! it (starting, committing, drawing or resuming a run) and at startup ([`job::recover_interrupted_runs`]).
//!
//! Refusals that a page words in the visitor's language are a [`Refusal`], returned as `Ok(Err(refusal))`: the
//! caller then drops the transaction (nothing of the attempt is kept) and shows the page with the reason.

pub mod job;
pub mod panel;
pub mod pool;
pub mod public;
pub mod quotas;
pub mod runs;

use domain::respondent::Status;

pub use quotas::{AREA_FEATURE, FeatureDef, features_of, registration_questions};

/// The statuses of respondents who are in the pool of a selection.
pub const POOL_STATUSES: [Status; 2] = [Status::Registered, Status::Eligible];
/// A running run whose heartbeat is older than this is taken for interrupted (its server stopped).
pub const STALE_SECONDS: i64 = 60;
/// At startup no run of this server is alive: runs with a heartbeat older than this are failed.
pub const STARTUP_STALE_SECONDS: i64 = 10;
/// The largest transparent lottery offered (each numbered panel is stored in the distribution file).
pub const MAX_LOTTERY_PANELS: u32 = 10_000;

/// Why a selection use case refuses, for the page to word in the visitor's language. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No quotas (or no panel size) have been saved.
    NoQuotas,
    /// The engine could not read the run's inputs (its message names the line and column).
    Inputs(String),
    /// Another run of the assembly is running.
    Busy,
    /// A final run is already committed, running or drawn.
    FinalExists,
    /// A drawn run of this kind was interrupted: it must be resumed (same seed, same panel), never replaced.
    ResumeFirst,
    /// The run is not waiting for its seed (any more).
    NotCommitted,
    /// The run is not a drawn run that was interrupted.
    NotResumable,
    /// The run was drawn by another revision of the engine, which may give another panel from the same seed.
    EngineChanged,
    /// Proposing min and max from the shares failed (the engine's reason).
    Proposal(String),
    /// Replacements need a drawn final run.
    NoFinal,
    /// A replacement run already waits for its seed or is being drawn.
    Pending,
    /// No seat of the panel is open.
    NoOpenSeat,
    /// Someone still on the panel has no valid answer for every feature of the quotas.
    LeftOut,
    /// No panel meets the quotas with the people left (the engine's verdict).
    NoPanel(pool::Verdict),
    /// The person is not on the panel.
    NotOnPanel,
    /// The number drawn in public is not one of the run's numbered lottery panels (`panels` is M, or `None` when
    /// the run has no transparent lottery and needs a seed).
    NumberOutOfRange {
        /// M, the number of numbered panels.
        panels: Option<i64>,
    },
    /// A quota line (from 1) names a feature and value that are not among the registration questions.
    NotAQuestion {
        /// The line of the quota table, from 1.
        line: usize,
        /// The feature as typed.
        feature: String,
        /// The value as typed.
        value: String,
    },
}

/// [`crate::audit::audited`] for a write that may turn out to change nothing (a conditional update that found its
/// row in another state): `write` returns `None` then, and nothing is logged; otherwise its value and entry, logged
/// in the same transaction. Returns `None` for a write that changed nothing.
pub(crate) async fn audited_if<T>(
    tx: &mut store::Tx,
    actor: &crate::Actor,
    action: &str,
    entity: &str,
    now: i64,
    write: impl AsyncFnOnce(&mut store::Tx) -> crate::Result<Option<(T, crate::audit::Entry)>>,
) -> crate::Result<Option<T>> {
    let mut unchanged = false;
    let written = crate::audit::audited(tx, actor, action, entity, now, async |tx| {
        match write(tx).await? {
            Some(done) => Ok(done),
            None => {
                unchanged = true;
                // Not an error of the caller's: it only stops `audited` before it appends an entry.
                Err(crate::Error::conflict("nothing changed"))
            }
        }
    })
    .await;
    match written {
        Ok(value) => Ok(Some(value)),
        Err(_) if unchanged => Ok(None),
        Err(error) => Err(error),
    }
}
