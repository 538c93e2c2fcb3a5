//! The table allocation job, as far as it touches the store: find queued runs, claim one, read what the engine
//! needs, and record its seats or its failure with the audit entry.
//!
//! Running it (a blocking thread for the engine, the worker that drains the queue) is the caller's: `web`'s
//! `assembly::allocation`. A run is claimed with a conditional update, so that two servers never compute the same
//! run; the claim is bookkeeping of the job queue, and the run's outcome is what the audit log records.

use std::collections::BTreeMap;

use domain::permission::Role;
use serde_json::json;
use store::seating::{FacilitatorSeat, Seat};

use super::seating::build_request;
use crate::audit::{Entry, audited};
use crate::{Actor, Result};

/// The ids of queued runs of every assembly, oldest first.
pub async fn queued_allocations(conn: &mut store::AnyConnection) -> Result<Vec<i64>> {
    Ok(store::seating::queued_runs(conn).await?)
}

/// Claims a queued run for this worker; `false` if another worker took it first.
pub async fn claim_allocation(tx: &mut store::Tx, run_id: i64) -> Result<bool> {
    Ok(store::seating::claim_run(tx, run_id).await?)
}

/// What the engine needs for one run, and what is needed to store its answer.
#[derive(Debug, Clone)]
pub struct AllocationInput {
    /// The run.
    pub run_id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// The members' account ids, in the engine's order.
    pub member_ids: Vec<i64>,
    /// The facilitators' account ids, in the engine's order (empty without facilitators).
    pub facilitator_ids: Vec<i64>,
    /// The sessions seated, in order.
    pub session_ids: Vec<i64>,
    /// The engine's request.
    pub request: tables::Request,
    /// The seed of the search.
    pub seed: u64,
}

/// Reads what the engine needs to compute run `run_id`: the assembly's members with their feature values, its
/// facilitators if asked for, and the pins.
pub async fn allocation_input(
    conn: &mut store::AnyConnection,
    run_id: i64,
) -> Result<AllocationInput> {
    let run = store::seating::get_run(&mut *conn, run_id).await?;
    let assembly_id = run.assembly_id;
    let member_ids: Vec<i64> = store::sessions::members_of(&mut *conn, assembly_id)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let features: BTreeMap<i64, BTreeMap<String, String>> =
        store::seating::member_features(&mut *conn, assembly_id).await?;
    let facilitator_ids: Vec<i64> = if run.request.with_facilitators {
        store::sessions::accounts_with_role(&mut *conn, assembly_id, Role::Facilitator)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    } else {
        Vec::new()
    };
    let pins = store::seating::pins(&mut *conn, assembly_id).await?;
    let session_ids = run.request.session_ids.clone();
    let request = build_request(
        &member_ids,
        &features,
        session_ids.len(),
        usize::try_from(run.request.seats_per_table).unwrap_or(1),
        &facilitator_ids,
        &pins,
    );
    Ok(AllocationInput {
        run_id,
        assembly_id,
        member_ids,
        facilitator_ids,
        session_ids,
        request,
        seed: run.request.seed as u64,
    })
}

/// Stores the engine's answer for a claimed run: its seats and facilitators (the run is done), or its error (the
/// run failed), with the audit entry of the system. `milliseconds` is how long the engine took.
pub async fn record_allocation(
    tx: &mut store::Tx,
    input: &AllocationInput,
    outcome: Result<tables::Allocation, tables::TablesError>,
    milliseconds: u64,
    now: i64,
) -> Result<()> {
    let (run_id, assembly_id) = (input.run_id, input.assembly_id);
    let entity = format!("assembly:{assembly_id}/table_run:{run_id}");
    match outcome {
        Ok(allocation) => {
            let seating = allocation.seating();
            let mut seats = Vec::new();
            let mut facilitators = Vec::new();
            for (session, session_id) in input.session_ids.iter().enumerate() {
                for (member, account_id) in input.member_ids.iter().enumerate() {
                    seats.push(Seat {
                        session_id: *session_id,
                        account_id: *account_id,
                        table_no: seating.tables[session][member] as i64,
                    });
                }
                if let Some(tables_of_session) = seating.facilitators.get(session) {
                    for (table, facilitator) in tables_of_session.iter().enumerate() {
                        facilitators.push(FacilitatorSeat {
                            session_id: *session_id,
                            table_no: table as i64,
                            account_id: input.facilitator_ids[*facilitator],
                        });
                    }
                }
            }
            let after = json!({
                "members": input.member_ids.len(),
                "sessions": input.session_ids.len(),
                "tables": allocation.tables(),
                "distinct_pairs": allocation.measures().distinct_pairs,
                "milliseconds": milliseconds,
            });
            audited(
                tx,
                &Actor::SYSTEM,
                "tables.allocate",
                &entity,
                now,
                async |tx| {
                    store::seating::finish_run(tx, run_id, &seats, &facilitators, now).await?;
                    Ok(((), Entry::after(after)))
                },
            )
            .await
        }
        Err(error) => {
            // Engine errors name members by id (account ids), never by name or value.
            let reason = error.to_string();
            let after = json!({ "error": reason });
            audited(
                tx,
                &Actor::SYSTEM,
                "tables.allocate_failed",
                &entity,
                now,
                async |tx| {
                    store::seating::fail_run(tx, run_id, &reason, now).await?;
                    Ok(((), Entry::after(after)))
                },
            )
            .await
        }
    }
}
