//! Quotas and selection runs (issue 4): the features of an assembly with population shares and min/max seats,
//! the panel size and the announced seed source, the runs of the selection engine with their frozen, anonymised
//! inputs, the link from each run's public ids to respondents, replacements and the record of outgoing emails.
//! The panel as drawn and the replacement history are in `selection/panel.rs`, re-exported here.
//!
//! At most one run per assembly is `running`: the partial unique index `selection_runs_one_running` refuses a
//! second one in the database ([`create_run`] and [`start_committed_run`] then report [`RunBusy`]), so two
//! organisers pressing "start" at once, on one server or on two, cannot both start a run.

use domain::respondent::Status;
use domain::selection::{Algorithm, RunKind, RunStatus};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

mod panel;

pub use panel::{PanelPerson, ReplacementRow, add_replacement, panel, replacements};

/// The message of a run that ended because its server stopped (at shutdown, or found without a heartbeat): such a
/// run, once its seed is known, can only be resumed.
pub const STOPPED_MESSAGE: &str = "interrupted: the server stopped during the run";

/// A respondent status read back from the database; an unknown one is a corrupt row, never a default.
fn respondent_status(raw: &str) -> Result<Status, StoreError> {
    Status::parse("status", raw)
        .map_err(|_| StoreError::Corrupt(format!("respondent status {raw:?}")))
}

/// The selection settings of an assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsRow {
    /// Seats on the panel.
    pub panel_size: i64,
    /// The public source of the seed, announced before the draw (e.g. "the national lottery of 1 March").
    pub seed_source: String,
}

/// One value of a feature with its population share and quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaRow {
    /// The feature (`age_band`).
    pub feature: String,
    /// The value (`16-29`).
    pub value: String,
    /// Its population share in parts per million.
    pub share_ppm: i64,
    /// The fewest seats.
    pub min_seats: i64,
    /// The most seats.
    pub max_seats: i64,
}

/// The settings of an assembly, if saved.
pub async fn settings(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<SettingsRow>, StoreError> {
    let row = sqlx::query(
        "SELECT panel_size, seed_source FROM selection_settings WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(SettingsRow {
            panel_size: row.try_get("panel_size")?,
            seed_source: row.try_get("seed_source")?,
        })
    })
    .transpose()
}

/// The quotas of an assembly, in the organisers' order.
pub async fn quotas(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<QuotaRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT feature, value, share_ppm, min_seats, max_seats FROM selection_quotas WHERE assembly_id = $1 ORDER BY position",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(QuotaRow {
                feature: row.try_get("feature")?,
                value: row.try_get("value")?,
                share_ppm: row.try_get("share_ppm")?,
                min_seats: row.try_get("min_seats")?,
                max_seats: row.try_get("max_seats")?,
            })
        })
        .collect()
}

/// Replaces the settings and every quota of an assembly (the caller's transaction makes it all or nothing).
pub async fn save_quotas(
    conn: &mut AnyConnection,
    assembly_id: i64,
    settings: &SettingsRow,
    quotas: &[QuotaRow],
    now: i64,
) -> Result<(), StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "INSERT INTO selection_settings (assembly_id, panel_size, seed_source, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (assembly_id) DO UPDATE SET panel_size = excluded.panel_size, seed_source = excluded.seed_source,
         updated_at = excluded.updated_at",
    )
    .bind(assembly_id)
    .bind(settings.panel_size)
    .bind(&settings.seed_source)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM selection_quotas WHERE assembly_id = $1")
        .bind(assembly_id)
        .execute(&mut *conn)
        .await?;
    for (position, quota) in quotas.iter().enumerate() {
        sqlx::query(
            "INSERT INTO selection_quotas (assembly_id, position, feature, value, share_ppm, min_seats, max_seats)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(assembly_id)
        .bind(position as i64)
        .bind(&quota.feature)
        .bind(&quota.value)
        .bind(quota.share_ppm)
        .bind(quota.min_seats)
        .bind(quota.max_seats)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A member of the pool: a respondent id, its status and its answers (JSON).
#[derive(Clone, PartialEq, Eq)]
pub struct PoolMember {
    /// The respondent.
    pub respondent_id: i64,
    /// Its status.
    pub status: Status,
    /// Its answers, JSON (personal data).
    pub features_json: String,
    /// Its household: the invitation it registered with (none if imported or registered by staff without one).
    pub household: Option<i64>,
}

impl std::fmt::Debug for PoolMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolMember")
            .field("respondent_id", &self.respondent_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// The respondents of an assembly whose status is one of `statuses`, by id.
pub async fn pool(
    conn: &mut AnyConnection,
    assembly_id: i64,
    statuses: &[Status],
) -> Result<Vec<PoolMember>, StoreError> {
    let rows = sqlx::query("SELECT id, status, features_json, invitation_id FROM respondents WHERE assembly_id = $1 ORDER BY id")
        .bind(assembly_id)
        .fetch_all(conn)
        .await?;
    let mut members = Vec::new();
    for row in &rows {
        let status = respondent_status(row.try_get::<String, _>("status")?.as_str())?;
        if statuses.contains(&status) {
            members.push(PoolMember {
                respondent_id: row.try_get("id")?,
                status,
                features_json: row.try_get("features_json")?,
                household: row.try_get("invitation_id")?,
            });
        }
    }
    Ok(members)
}

/// A run to store.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    /// The assembly.
    pub assembly_id: i64,
    /// What the run is for.
    pub kind: RunKind,
    /// [`RunStatus::Running`] (start now) or [`RunStatus::Committed`] (inputs published, waiting for the seed).
    pub status: RunStatus,
    /// The fairness objective.
    pub algorithm: Algorithm,
    /// The engine's version.
    pub engine_version: &'a str,
    /// Seats on the panel.
    pub panel_size: i64,
    /// The seed (empty while committed).
    pub seed: &'a str,
    /// The announced seed source.
    pub seed_source: &'a str,
    /// The engine's commitment (hash of the canonical inputs).
    pub commitment: &'a str,
    /// The anonymised pool as published (`id` + one column per feature).
    pub pool_csv: &'a str,
    /// The quotas as published (`feature,value,min,max`).
    pub features_csv: &'a str,
    /// The people already on the panel (`id` column), for replacements; empty otherwise.
    pub already_csv: &'a str,
    /// The run this one replaces people of.
    pub parent_run_id: Option<i64>,
    /// Who started it.
    pub created_by: Option<i64>,
    /// M, when the draw is a transparent lottery of M numbered panels.
    pub lottery_panels: Option<i64>,
}

/// A person of a run: public id, respondent, place in the pool file, already on the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPerson {
    /// The random public id.
    pub public_id: String,
    /// The respondent behind it (never published).
    pub respondent_id: i64,
    /// The row of the pool file (0-based).
    pub position: i64,
    /// Whether the run selected this person.
    pub selected: bool,
    /// Whether this person was already on the panel (replacement runs).
    pub already: bool,
}

/// Another run of the assembly is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunBusy;

/// Stores a run with its people; a `running` run is refused with [`RunBusy`] when one is already running.
/// After `Err(RunBusy)` the transaction must be dropped (PostgreSQL has aborted it).
pub async fn create_run(
    conn: &mut AnyConnection,
    run: &NewRun<'_>,
    people: &[RunPerson],
    now: i64,
) -> Result<Result<i64, RunBusy>, StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, run.assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    let running = run.status == RunStatus::Running;
    let inserted = sqlx::query_scalar(
        "INSERT INTO selection_runs (assembly_id, kind, status, algorithm, engine_version, panel_size, seed, seed_source,
             commitment, pool_csv, features_csv, already_csv, selected_csv, result_json, message, progress, parent_run_id,
             created_at, started_at, heartbeat_at, created_by, lottery_panels)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', '{}', '', '', $13, $14, $15, $15, $16, $17) RETURNING id",
    )
    .bind(run.assembly_id)
    .bind(run.kind.as_str())
    .bind(run.status.as_str())
    .bind(run.algorithm.as_str())
    .bind(run.engine_version)
    .bind(run.panel_size)
    .bind(run.seed)
    .bind(run.seed_source)
    .bind(run.commitment)
    .bind(run.pool_csv)
    .bind(run.features_csv)
    .bind(run.already_csv)
    .bind(run.parent_run_id)
    .bind(now)
    .bind(if running { Some(now) } else { None })
    .bind(run.created_by)
    .bind(run.lottery_panels)
    .fetch_one(&mut *conn)
    .await;
    let run_id: i64 = match inserted.map_err(StoreError::from) {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) if running => return Ok(Err(RunBusy)),
        Err(error) => return Err(error),
    };
    for person in people {
        sqlx::query(
            "INSERT INTO selection_run_people (run_id, public_id, respondent_id, position, selected, already) VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(run_id)
        .bind(&person.public_id)
        .bind(person.respondent_id)
        .bind(person.position)
        .bind(i64::from(person.already))
        .execute(&mut *conn)
        .await?;
    }
    Ok(Ok(run_id))
}

/// Starts a committed run with its seed; `Ok(Ok(false))` if it is not committed (any more).
pub async fn start_committed_run(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
    seed: &str,
    now: i64,
) -> Result<Result<bool, RunBusy>, StoreError> {
    let updated = sqlx::query(
        "UPDATE selection_runs SET status = 'running', seed = $3, started_at = $4, heartbeat_at = $4
         WHERE assembly_id = $1 AND id = $2 AND status = 'committed'",
    )
    .bind(assembly_id)
    .bind(run_id)
    .bind(seed)
    .bind(now)
    .execute(conn)
    .await;
    match updated.map_err(StoreError::from) {
        Ok(result) => Ok(Ok(result.rows_affected() == 1)),
        Err(StoreError::Conflict { .. }) => Ok(Err(RunBusy)),
        Err(error) => Err(error),
    }
}

/// Commits a prepared final or replacement run: a `running` run without a seed, whose distribution the engine has
/// just computed, becomes `committed` with its version 2 commitment and the distribution it covers, both published
/// from now on. Returns whether it was still being prepared (a run cancelled or marked failed meanwhile stays so).
pub async fn commit_prepared_run(
    conn: &mut AnyConnection,
    run_id: i64,
    commitment: &str,
    distribution_csv: &str,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE selection_runs SET status = 'committed', commitment = $2, distribution_csv = $3, commitment_version = 2,
             progress = '', heartbeat_at = NULL, started_at = NULL
         WHERE id = $1 AND status = 'running' AND seed = '' AND kind IN ('final', 'replacement')",
    )
    .bind(run_id)
    .bind(commitment)
    .bind(distribution_csv)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Runs a drawn run again from its stored inputs and seed after an interruption (a cancel or a server stop): the
/// engine is deterministic, so it draws the same panel. Only a final or replacement run whose seed is known and
/// that ended `cancelled` or `failed` can resume; returns whether it did, or [`RunBusy`] if another run is running.
pub async fn resume_drawn_run(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
    now: i64,
) -> Result<Result<bool, RunBusy>, StoreError> {
    let updated = sqlx::query(
        "UPDATE selection_runs SET status = 'running', message = '', progress = '', cancel_requested = 0,
             started_at = $3, heartbeat_at = $3, finished_at = NULL
         WHERE assembly_id = $1 AND id = $2 AND kind IN ('final', 'replacement') AND seed <> ''
           AND status IN ('cancelled', 'failed')",
    )
    .bind(assembly_id)
    .bind(run_id)
    .bind(now)
    .execute(conn)
    .await;
    match updated.map_err(StoreError::from) {
        Ok(result) => Ok(Ok(result.rows_affected() == 1)),
        Err(StoreError::Conflict { .. }) => Ok(Err(RunBusy)),
        Err(error) => Err(error),
    }
}

/// A stored run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// The id.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// What the run is for.
    pub kind: RunKind,
    /// Where it stands, as stored (a `running` run whose heartbeat stopped is still `running` here).
    pub status: RunStatus,
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The engine's version.
    pub engine_version: String,
    /// Seats.
    pub panel_size: i64,
    /// The seed.
    pub seed: String,
    /// The announced seed source.
    pub seed_source: String,
    /// The commitment.
    pub commitment: String,
    /// The anonymised pool.
    pub pool_csv: String,
    /// The quotas.
    pub features_csv: String,
    /// Already-selected ids.
    pub already_csv: String,
    /// The selected ids (`id` column), once done.
    pub selected_csv: String,
    /// The result summary, JSON (composition per value, probabilities range).
    pub result_json: String,
    /// The error or relaxation message of a failed run.
    pub message: String,
    /// The last progress report, in words.
    pub progress: String,
    /// Whether cancelling was asked.
    pub cancel_requested: bool,
    /// The run replaced from.
    pub parent_run_id: Option<i64>,
    /// When created.
    pub created_at: i64,
    /// When it finished.
    pub finished_at: Option<i64>,
    /// M, when the draw is a transparent lottery of M numbered panels.
    pub lottery_panels: Option<i64>,
    /// The distribution drawn from, as published (empty until done, and for the legacy algorithm).
    pub distribution_csv: String,
    /// The last sign of life of its job (`running` runs), unix seconds.
    pub heartbeat_at: Option<i64>,
    /// 2 when the commitment covers the distribution (computed before the seed), 1 for a run committed before that
    /// (inputs only; its distribution was published after the draw).
    pub commitment_version: i64,
}

macro_rules! run_columns {
    () => {
        "id, assembly_id, kind, status, algorithm, engine_version, panel_size, seed, seed_source, commitment,
    pool_csv, features_csv, already_csv, selected_csv, result_json, message, progress, cancel_requested, parent_run_id,
    created_at, finished_at, lottery_panels, distribution_csv, heartbeat_at, commitment_version"
    };
}

fn run_of(row: &sqlx::any::AnyRow) -> Result<RunRow, StoreError> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let algorithm: String = row.try_get("algorithm")?;
    Ok(RunRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        kind: RunKind::from_stored(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("run kind {kind:?}")))?,
        status: RunStatus::from_stored(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("run status {status:?}")))?,
        algorithm: Algorithm::from_stored(&algorithm)
            .ok_or_else(|| StoreError::Corrupt(format!("run algorithm {algorithm:?}")))?,
        engine_version: row.try_get("engine_version")?,
        panel_size: row.try_get("panel_size")?,
        seed: row.try_get("seed")?,
        seed_source: row.try_get("seed_source")?,
        commitment: row.try_get("commitment")?,
        pool_csv: row.try_get("pool_csv")?,
        features_csv: row.try_get("features_csv")?,
        already_csv: row.try_get("already_csv")?,
        selected_csv: row.try_get("selected_csv")?,
        result_json: row.try_get("result_json")?,
        message: row.try_get("message")?,
        progress: row.try_get("progress")?,
        cancel_requested: row.try_get::<i64, _>("cancel_requested")? != 0,
        parent_run_id: row.try_get("parent_run_id")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
        lottery_panels: row.try_get("lottery_panels")?,
        distribution_csv: row.try_get("distribution_csv")?,
        heartbeat_at: row.try_get("heartbeat_at")?,
        commitment_version: row.try_get("commitment_version")?,
    })
}

/// One run of an assembly.
pub async fn run(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
) -> Result<RunRow, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        run_columns!(),
        " FROM selection_runs WHERE assembly_id = $1 AND id = $2"
    ))
    .bind(assembly_id)
    .bind(run_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    run_of(&row)
}

/// Every run of an assembly, newest first.
pub async fn runs(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<RunRow>, StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        run_columns!(),
        " FROM selection_runs WHERE assembly_id = $1 ORDER BY id DESC"
    ))
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(run_of).collect()
}

/// The people of a run, in pool order.
pub async fn run_people(
    conn: &mut AnyConnection,
    run_id: i64,
) -> Result<Vec<RunPerson>, StoreError> {
    let rows = sqlx::query(
        "SELECT public_id, respondent_id, position, selected, already FROM selection_run_people WHERE run_id = $1 ORDER BY position",
    )
    .bind(run_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RunPerson {
                public_id: row.try_get("public_id")?,
                respondent_id: row.try_get("respondent_id")?,
                position: row.try_get("position")?,
                selected: row.try_get::<i64, _>("selected")? != 0,
                already: row.try_get::<i64, _>("already")? != 0,
            })
        })
        .collect()
}

/// Records a progress report and the heartbeat of a running run; returns whether cancelling was asked.
pub async fn report_progress(
    conn: &mut AnyConnection,
    run_id: i64,
    progress: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    sqlx::query(
        "UPDATE selection_runs SET progress = COALESCE($2, progress), heartbeat_at = $3 WHERE id = $1 AND status = 'running'",
    )
    .bind(run_id)
    .bind(progress)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let cancel: i64 =
        sqlx::query_scalar("SELECT cancel_requested FROM selection_runs WHERE id = $1")
            .bind(run_id)
            .fetch_one(conn)
            .await?;
    Ok(cancel != 0)
}

/// Asks a running run to stop; returns whether it was running.
pub async fn request_cancel(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "UPDATE selection_runs SET cancel_requested = 1 WHERE assembly_id = $1 AND id = $2 AND status = 'running'",
    )
    .bind(assembly_id)
    .bind(run_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunEnd<'a> {
    /// [`RunStatus::Done`], [`RunStatus::Failed`] or [`RunStatus::Cancelled`].
    pub status: RunStatus,
    /// The selected ids as CSV (`id` column), for `done`.
    pub selected_csv: &'a str,
    /// The result summary, JSON.
    pub result_json: &'a str,
    /// The error or relaxation, in words.
    pub message: &'a str,
    /// The public ids selected.
    pub selected: &'a [String],
    /// The distribution drawn from, as published (empty when there is none).
    pub distribution_csv: &'a str,
}

/// Ends a running run; returns whether it was still running (a run marked failed meanwhile stays failed).
pub async fn finish_run(
    conn: &mut AnyConnection,
    run_id: i64,
    end: &RunEnd<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "UPDATE selection_runs SET status = $2, selected_csv = $3, result_json = $4, message = $5, finished_at = $6,
             distribution_csv = $7
         WHERE id = $1 AND status = 'running'",
    )
    .bind(run_id)
    .bind(end.status.as_str())
    .bind(end.selected_csv)
    .bind(end.result_json)
    .bind(end.message)
    .bind(now)
    .bind(end.distribution_csv)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() != 1 {
        return Ok(false);
    }
    for public_id in end.selected {
        sqlx::query(
            "UPDATE selection_run_people SET selected = 1 WHERE run_id = $1 AND public_id = $2",
        )
        .bind(run_id)
        .bind(public_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// Marks `failed` every running run whose heartbeat is older than `stale_before` (a server stopped while it ran);
/// returns the ids.
pub async fn fail_stale_runs(
    conn: &mut AnyConnection,
    stale_before: i64,
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM selection_runs WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $1) ORDER BY id",
    )
    .bind(stale_before)
    .fetch_all(&mut *conn)
    .await?;
    for id in &ids {
        sqlx::query(
            "UPDATE selection_runs SET status = 'failed', message = $3, finished_at = $2
             WHERE id = $1 AND status = 'running'",
        )
        .bind(id)
        .bind(now)
        .bind(STOPPED_MESSAGE)
        .execute(&mut *conn)
        .await?;
    }
    Ok(ids)
}

/// Moves a respondent to `selected` if it is `registered` or `eligible`; returns the status it had, if moved.
pub async fn mark_selected(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
) -> Result<Option<Status>, StoreError> {
    let before: Option<String> =
        sqlx::query_scalar("SELECT status FROM respondents WHERE assembly_id = $1 AND id = $2")
            .bind(assembly_id)
            .bind(respondent_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(before) = before else {
        return Ok(None);
    };
    let result = sqlx::query(
        "UPDATE respondents SET status = 'selected' WHERE assembly_id = $1 AND id = $2 AND status IN ('registered', 'eligible')",
    )
    .bind(assembly_id)
    .bind(respondent_id)
    .execute(conn)
    .await?;
    if result.rows_affected() != 1 {
        return Ok(None);
    }
    respondent_status(&before).map(Some)
}

/// Links a respondent to its member account.
pub async fn link_account(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
    account_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE respondents SET account_id = $3 WHERE assembly_id = $1 AND id = $2")
        .bind(assembly_id)
        .bind(respondent_id)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The member account linked to a respondent, if any.
pub async fn linked_account(
    conn: &mut AnyConnection,
    assembly_id: i64,
    respondent_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT account_id FROM respondents WHERE assembly_id = $1 AND id = $2")
            .bind(assembly_id)
            .bind(respondent_id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

/// Records the outcome of an email (kind and respondent only: never the address or the content).
pub async fn record_email(
    conn: &mut AnyConnection,
    kind: &str,
    respondent_id: Option<i64>,
    status: &str,
    error: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO email_outbox (kind, respondent_id, status, error, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(kind)
    .bind(respondent_id)
    .bind(status)
    .bind(error)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A lottery number drawn physically in public and entered by an organiser (issue 18, item 8): a panel draw's
/// (migration 0023) or an invitation draw's (migration 0030, `store::invitation_numbers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicNumber {
    /// The number.
    pub number: i64,
    /// The account that entered it, if it still exists.
    pub entered_by: Option<i64>,
    /// Its display name (a staff member's, for staff pages).
    pub entered_by_name: Option<String>,
    /// When it was entered.
    pub entered_at: i64,
}

/// Records that the run's seed is a number drawn in public, entered by `account_id` at `now`.
pub async fn record_public_number(
    conn: &mut AnyConnection,
    run_id: i64,
    number: i64,
    account_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO selection_public_numbers (run_id, number, entered_by, entered_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(run_id)
    .bind(number)
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The number drawn in public for a run of the assembly, if its seed was one.
pub async fn public_number(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
) -> Result<Option<PublicNumber>, StoreError> {
    let row = sqlx::query(
        "SELECT p.number, p.entered_by, a.display_name, p.entered_at FROM selection_public_numbers p
         JOIN selection_runs r ON r.id = p.run_id LEFT JOIN accounts a ON a.id = p.entered_by
         WHERE r.assembly_id = $1 AND p.run_id = $2",
    )
    .bind(assembly_id)
    .bind(run_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(PublicNumber::from_row).transpose()
}

impl PublicNumber {
    /// Reads a row's columns `number`, `entered_by`, `display_name` (the account's, joined) and `entered_at`.
    pub(crate) fn from_row(row: &sqlx::any::AnyRow) -> Result<PublicNumber, StoreError> {
        Ok(PublicNumber {
            number: row.try_get("number")?,
            entered_by: row.try_get("entered_by")?,
            entered_by_name: row.try_get("display_name")?,
            entered_at: row.try_get("entered_at")?,
        })
    }
}
