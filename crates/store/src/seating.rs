//! Members' feature values and table allocations: pins, allocation runs (a job table with explicit states),
//! and the seats and facilitators of each finished run.
//!
//! An allocation is requested as a `queued` run; a worker claims it (`running`) with a conditional update so
//! that two servers never compute the same run, computes it off the request path, and stores its seats
//! (`done`) or its error (`failed`) in one transaction. The assembly's current allocation is its latest `done` run.
//! Who sits where is personal data: only staff pages read [`seats`]; a member reads only [`seats_of_account`].

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// The state of an allocation run (the enum lives in `domain`; the store keeps its identifier).
pub use domain::seating::RunStatus;

/// What an organiser asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRun {
    /// The sessions to seat, in order (at least one, all of the assembly).
    pub session_ids: Vec<i64>,
    /// The most members per table.
    pub seats_per_table: i64,
    /// Whether to seat a facilitator at every table.
    pub with_facilitators: bool,
    /// The seed of the search (the same request and seed give the same allocation).
    pub seed: i64,
}

/// A run as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// The id.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// Its state.
    pub status: RunStatus,
    /// What was asked.
    pub request: NewRun,
    /// Why it failed (empty otherwise).
    pub error: String,
    /// When it was requested (unix seconds).
    pub created_at: i64,
    /// When it finished.
    pub finished_at: Option<i64>,
}

/// One member's seat in one session of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    /// The session.
    pub session_id: i64,
    /// The member's account.
    pub account_id: i64,
    /// The table, numbered from 0.
    pub table_no: i64,
}

/// A facilitator's table in one session of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FacilitatorSeat {
    /// The session.
    pub session_id: i64,
    /// The table, numbered from 0.
    pub table_no: i64,
    /// The facilitator's account.
    pub account_id: i64,
}

async fn require_member(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
) -> Result<(), StoreError> {
    match crate::accounts::role_in(conn, account_id, assembly_id).await? {
        Some(domain::permission::Role::Member) => Ok(()),
        _ => Err(StoreError::NotFound),
    }
}

/// Sets a member's values of the selection features (e.g. `gender` → `Woman`), replacing earlier ones.
///
/// Called by recruitment when a confirmed respondent becomes a member, and by organisers for members added by hand.
/// The account must already be a member of the assembly ([`StoreError::NotFound`] otherwise).
/// The values are demographics: callers audit-log the account id and the feature names, never the values.
pub async fn set_member_features(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    features: &BTreeMap<String, String>,
    now: i64,
) -> Result<(), StoreError> {
    require_member(&mut *conn, assembly_id, account_id).await?;
    let json =
        serde_json::to_string(features).map_err(|error| StoreError::Other(Box::new(error)))?;
    sqlx::query(
        "INSERT INTO member_features (assembly_id, account_id, features_json, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (assembly_id, account_id) DO UPDATE SET features_json = excluded.features_json, updated_at = excluded.updated_at",
    )
    .bind(assembly_id)
    .bind(account_id)
    .bind(json)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every member's feature values in an assembly, by account id (members without values are absent).
pub async fn member_features(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<BTreeMap<i64, BTreeMap<String, String>>, StoreError> {
    let rows = sqlx::query(
        "SELECT account_id, features_json FROM member_features WHERE assembly_id = $1 ORDER BY account_id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    let mut out = BTreeMap::new();
    for row in &rows {
        let json: String = row.try_get("features_json")?;
        let features = serde_json::from_str(&json).map_err(|_| {
            StoreError::Corrupt("member features are not a JSON object of strings".to_owned())
        })?;
        out.insert(row.try_get("account_id")?, features);
    }
    Ok(out)
}

/// Pins a member to a table (numbered from 0) in every session of the next allocation, or removes the pin.
pub async fn set_pin(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    table_no: Option<i64>,
) -> Result<(), StoreError> {
    require_member(&mut *conn, assembly_id, account_id).await?;
    match table_no {
        Some(table_no) => {
            sqlx::query(
                "INSERT INTO table_pins (assembly_id, account_id, table_no) VALUES ($1, $2, $3)
                 ON CONFLICT (assembly_id, account_id) DO UPDATE SET table_no = excluded.table_no",
            )
            .bind(assembly_id)
            .bind(account_id)
            .bind(table_no)
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM table_pins WHERE assembly_id = $1 AND account_id = $2")
                .bind(assembly_id)
                .bind(account_id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// The pins of an assembly as (account id, table number), by account id.
pub async fn pins(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT account_id, table_no FROM table_pins WHERE assembly_id = $1 ORDER BY account_id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("account_id")?, row.try_get("table_no")?)))
        .collect()
}

const RUN_COLUMNS: &str = "id, assembly_id, status, session_ids, seats_per_table, with_facilitators, seed, error, created_at, finished_at";

fn run_from_row(row: &sqlx::any::AnyRow) -> Result<RunRow, StoreError> {
    let status: String = row.try_get("status")?;
    let session_ids: String = row.try_get("session_ids")?;
    Ok(RunRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        status: RunStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("run status {status:?}")))?,
        request: NewRun {
            session_ids: session_ids
                .split(',')
                .map(|id| {
                    id.parse()
                        .map_err(|_| StoreError::Corrupt(format!("session ids {session_ids:?}")))
                })
                .collect::<Result<_, _>>()?,
            seats_per_table: row.try_get("seats_per_table")?,
            with_facilitators: row.try_get::<i64, _>("with_facilitators")? != 0,
            seed: row.try_get("seed")?,
        },
        error: row.try_get("error")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

/// Queues an allocation run and returns its id. Every session must belong to the assembly ([`StoreError::NotFound`]).
pub async fn queue_run(
    conn: &mut AnyConnection,
    assembly_id: i64,
    new: &NewRun,
    requested_by: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    if new.session_ids.is_empty() || new.seats_per_table < 1 {
        return Err(StoreError::Corrupt(
            "a run needs sessions and seats".to_owned(),
        ));
    }
    for session_id in &new.session_ids {
        crate::sessions::get_session(&mut *conn, assembly_id, *session_id).await?;
    }
    let session_ids = new
        .session_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    Ok(sqlx::query_scalar(
        "INSERT INTO table_runs (assembly_id, status, session_ids, seats_per_table, with_facilitators, seed, error, requested_by, created_at)
         VALUES ($1, 'queued', $2, $3, $4, $5, '', $6, $7) RETURNING id",
    )
    .bind(assembly_id)
    .bind(session_ids)
    .bind(new.seats_per_table)
    .bind(i64::from(new.with_facilitators))
    .bind(new.seed)
    .bind(requested_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The ids of queued runs, oldest first (for the worker).
pub async fn queued_runs(conn: &mut AnyConnection) -> Result<Vec<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM table_runs WHERE status = 'queued' ORDER BY id")
            .fetch_all(conn)
            .await?,
    )
}

/// Claims a queued run for this worker; `false` if another worker took it first.
pub async fn claim_run(conn: &mut AnyConnection, run_id: i64) -> Result<bool, StoreError> {
    let claimed =
        sqlx::query("UPDATE table_runs SET status = 'running' WHERE id = $1 AND status = 'queued'")
            .bind(run_id)
            .execute(conn)
            .await?;
    Ok(claimed.rows_affected() == 1)
}

/// One run by id.
pub async fn get_run(conn: &mut AnyConnection, run_id: i64) -> Result<RunRow, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM table_runs WHERE id = $1"
    )))
    .bind(run_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    run_from_row(&row)
}

/// The latest run of an assembly in any state (to show progress).
pub async fn latest_run(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<RunRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM table_runs WHERE assembly_id = $1 ORDER BY id DESC LIMIT 1"
    )))
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(run_from_row).transpose()
}

/// The assembly's current allocation: its latest finished run.
pub async fn current_run(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<RunRow>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM table_runs WHERE assembly_id = $1 AND status = 'done' ORDER BY id DESC LIMIT 1"
    )))
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(run_from_row).transpose()
}

/// Stores the seats and facilitators of a running run and marks it done.
pub async fn finish_run(
    conn: &mut AnyConnection,
    run_id: i64,
    seats: &[Seat],
    facilitators: &[FacilitatorSeat],
    now: i64,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE table_runs SET status = 'done', finished_at = $1 WHERE id = $2 AND status = 'running'",
    )
    .bind(now)
    .bind(run_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    for seat in seats {
        sqlx::query(
            "INSERT INTO table_seats (run_id, session_id, account_id, table_no) VALUES ($1, $2, $3, $4)",
        )
        .bind(run_id)
        .bind(seat.session_id)
        .bind(seat.account_id)
        .bind(seat.table_no)
        .execute(&mut *conn)
        .await?;
    }
    for facilitator in facilitators {
        sqlx::query(
            "INSERT INTO table_facilitators (run_id, session_id, table_no, account_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(run_id)
        .bind(facilitator.session_id)
        .bind(facilitator.table_no)
        .bind(facilitator.account_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Marks a running run failed with a reason (shown to organisers; it must carry no personal data).
pub async fn fail_run(
    conn: &mut AnyConnection,
    run_id: i64,
    error: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE table_runs SET status = 'failed', error = $1, finished_at = $2 WHERE id = $3 AND status = 'running'",
    )
    .bind(error)
    .bind(now)
    .bind(run_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every seat of a run, by session, table and account.
pub async fn seats(conn: &mut AnyConnection, run_id: i64) -> Result<Vec<Seat>, StoreError> {
    let rows = sqlx::query(
        "SELECT session_id, account_id, table_no FROM table_seats WHERE run_id = $1 ORDER BY session_id, table_no, account_id",
    )
    .bind(run_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Seat {
                session_id: row.try_get("session_id")?,
                account_id: row.try_get("account_id")?,
                table_no: row.try_get("table_no")?,
            })
        })
        .collect()
}

/// Every facilitator seat of a run, by session and table.
pub async fn facilitator_seats(
    conn: &mut AnyConnection,
    run_id: i64,
) -> Result<Vec<FacilitatorSeat>, StoreError> {
    let rows = sqlx::query(
        "SELECT session_id, table_no, account_id FROM table_facilitators WHERE run_id = $1 ORDER BY session_id, table_no",
    )
    .bind(run_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(FacilitatorSeat {
                session_id: row.try_get("session_id")?,
                table_no: row.try_get("table_no")?,
                account_id: row.try_get("account_id")?,
            })
        })
        .collect()
}

/// One member's tables in the assembly's current allocation, as (session id, table number): what a member may see.
pub async fn seats_of_account(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let Some(run) = current_run(&mut *conn, assembly_id).await? else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(
        "SELECT session_id, table_no FROM table_seats WHERE run_id = $1 AND account_id = $2 ORDER BY session_id",
    )
    .bind(run.id)
    .bind(account_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("session_id")?, row.try_get("table_no")?)))
        .collect()
}

/// The tables of the assembly's current allocation, as (session id, table number from 0), by session and table:
/// the tables a proposal may name.
pub async fn tables(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let Some(run) = current_run(&mut *conn, assembly_id).await? else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(
        "SELECT DISTINCT session_id, table_no FROM table_seats WHERE run_id = $1 ORDER BY session_id, table_no",
    )
    .bind(run.id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("session_id")?, row.try_get("table_no")?)))
        .collect()
}

/// Exchanges the tables of two members in one session of a finished run (the caller checked the swap is allowed).
pub async fn swap_seats(
    conn: &mut AnyConnection,
    run_id: i64,
    session_id: i64,
    first: i64,
    second: i64,
) -> Result<(), StoreError> {
    let table_of = |account_id: i64| {
        sqlx::query_scalar::<_, i64>(
            "SELECT table_no FROM table_seats WHERE run_id = $1 AND session_id = $2 AND account_id = $3",
        )
        .bind(run_id)
        .bind(session_id)
        .bind(account_id)
    };
    let first_table = table_of(first)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let second_table = table_of(second)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    for (account_id, table_no) in [(first, second_table), (second, first_table)] {
        sqlx::query(
            "UPDATE table_seats SET table_no = $1 WHERE run_id = $2 AND session_id = $3 AND account_id = $4",
        )
        .bind(table_no)
        .bind(run_id)
        .bind(session_id)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
