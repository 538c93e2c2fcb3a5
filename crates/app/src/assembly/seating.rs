//! Seating members at tables: wires the `tables` engine to the assembly's members, sessions and facilitators.
//!
//! An organiser asks for an allocation ([`start_table_allocation`]): the request is stored as a `queued` run and a
//! [`Job::TableAllocation`] is handed back for the caller to start after commit (the job itself is in
//! [`super::allocation`]). Organisers pin members to a table for the next allocation ([`pin_member`]), swap two
//! members in one session of the current one ([`swap_seats`], checked by the engine so that pins are honoured)
//! and enter members' feature values by hand ([`set_features`]); the log keeps feature names, never values.
//! Who sits where is for organisers and observers ([`seating_overview`]); see [`super::my_assembly`] for members.

use std::collections::{BTreeMap, BTreeSet};

use domain::error::{Problem, ValidationError};
use domain::permission::Role;
use serde_json::json;
use store::seating::{NewRun, RunRow};
use store::sessions::SessionRow;

use super::{AssemblyError, Refusal};
use crate::audit::{Entry, audited};
use crate::effect::Job;
use crate::{Actor, Done, Effect, Effects, Result};

/// The value given to a member who has no value for a feature.
pub const NO_VALUE: &str = "—";

/// Builds the engine's request: members and facilitators are identified by their account ids, features are the
/// union of every member's feature names (sorted), and pins hold in every session.
pub fn build_request(
    member_ids: &[i64],
    features: &BTreeMap<i64, BTreeMap<String, String>>,
    sessions: usize,
    seats_per_table: usize,
    facilitator_ids: &[i64],
    pins: &[(i64, i64)],
) -> tables::Request {
    let mut names: Vec<String> = member_ids
        .iter()
        .filter_map(|id| features.get(id))
        .flat_map(|values| values.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    let members = member_ids
        .iter()
        .map(|id| tables::Member {
            id: id.to_string(),
            values: names
                .iter()
                .map(|name| {
                    features
                        .get(id)
                        .and_then(|values| values.get(name))
                        .cloned()
                        .unwrap_or_else(|| NO_VALUE.to_owned())
                })
                .collect(),
        })
        .collect();
    let mut request = tables::Request::new(
        names,
        members,
        sessions,
        tables::TableLayout::SeatsPerTable(seats_per_table),
    );
    request.facilitators = facilitator_ids.iter().map(i64::to_string).collect();
    request.rotation = tables::Rotation::Rotate;
    request.pins = pins
        .iter()
        .filter(|(account_id, _)| member_ids.contains(account_id))
        .map(|(account_id, table_no)| tables::Pin {
            member: account_id.to_string(),
            session: None,
            table: usize::try_from(*table_no).unwrap_or(usize::MAX),
        })
        .collect();
    request
}

/// A finished run rebuilt as an engine allocation.
pub struct Restored {
    /// The run.
    pub run: RunRow,
    /// The members' account ids, in the engine's order.
    pub member_ids: Vec<i64>,
    /// The request the allocation answers (with the pins it honours).
    pub request: tables::Request,
    /// The allocation.
    pub allocation: tables::Allocation,
}

/// The assembly's current allocation, rebuilt so that its measures can be shown and swaps checked.
pub async fn restore_current(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
) -> Result<Option<Restored>> {
    let Some(run) = store::seating::current_run(&mut *conn, assembly_id).await? else {
        return Ok(None);
    };
    let seats = store::seating::seats(&mut *conn, run.id).await?;
    let facilitator_seats = store::seating::facilitator_seats(&mut *conn, run.id).await?;
    let mut member_ids: Vec<i64> = seats.iter().map(|seat| seat.account_id).collect();
    member_ids.sort_unstable();
    member_ids.dedup();
    let mut facilitator_ids: Vec<i64> = facilitator_seats
        .iter()
        .map(|seat| seat.account_id)
        .collect();
    facilitator_ids.sort_unstable();
    facilitator_ids.dedup();
    let session_ids = &run.request.session_ids;
    let table_of = |session_id: i64, account_id: i64| {
        seats
            .iter()
            .find(|seat| seat.session_id == session_id && seat.account_id == account_id)
            .map(|seat| seat.table_no)
    };
    // Pins made after the run are for the next allocation: keep only those this seating honours.
    let pins: Vec<(i64, i64)> = store::seating::pins(&mut *conn, assembly_id)
        .await?
        .into_iter()
        .filter(|(account_id, table_no)| {
            member_ids.contains(account_id)
                && session_ids
                    .iter()
                    .all(|session_id| table_of(*session_id, *account_id) == Some(*table_no))
        })
        .collect();
    let features = store::seating::member_features(&mut *conn, assembly_id).await?;
    let request = build_request(
        &member_ids,
        &features,
        session_ids.len(),
        usize::try_from(run.request.seats_per_table).unwrap_or(1),
        &facilitator_ids,
        &pins,
    );
    let mismatch = || store::StoreError::Corrupt("stored seating is incomplete".to_owned());
    let mut seating = tables::Seating {
        tables: Vec::new(),
        facilitators: Vec::new(),
    };
    for session_id in session_ids {
        let tables_of_session = member_ids
            .iter()
            .map(|account_id| {
                table_of(*session_id, *account_id)
                    .map(|table| table as usize)
                    .ok_or_else(mismatch)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let n_tables = tables_of_session.iter().max().map_or(0, |max| max + 1);
        seating.tables.push(tables_of_session);
        if !facilitator_ids.is_empty() {
            let at_tables = (0..n_tables)
                .map(|table| {
                    facilitator_seats
                        .iter()
                        .find(|seat| {
                            seat.session_id == *session_id && seat.table_no == table as i64
                        })
                        .and_then(|seat| {
                            facilitator_ids.iter().position(|id| *id == seat.account_id)
                        })
                        .ok_or_else(mismatch)
                })
                .collect::<Result<Vec<_>, _>>()?;
            seating.facilitators.push(at_tables);
        }
    }
    let allocation = tables::restore(&request, &seating).map_err(crate::Error::internal)?;
    Ok(Some(Restored {
        run,
        member_ids,
        request,
        allocation,
    }))
}

/// The current allocation with its measures and those of a random allocation of the same members (the baseline
/// the page compares it with).
pub struct CurrentSeating {
    /// The allocation.
    pub restored: Restored,
    /// Its measures.
    pub measures: tables::Measures,
    /// The measures of a random allocation with the same request and seed.
    pub random: tables::Measures,
}

/// What the tables page shows.
pub struct SeatingOverview {
    /// The assembly's title.
    pub title: String,
    /// The sessions, in date order.
    pub sessions: Vec<SessionRow>,
    /// The members as (account id, name), by name (personal data: shown to staff, never logged).
    pub members: Vec<(i64, String)>,
    /// The facilitators as (account id, name), by id.
    pub facilitators: Vec<(i64, String)>,
    /// The latest run in any state (to show progress or a failure).
    pub latest: Option<RunRow>,
    /// The current allocation, if any.
    pub current: Option<CurrentSeating>,
    /// Members' feature values by account id (read only when asked for: demographics, for organisers).
    pub features: BTreeMap<i64, BTreeMap<String, String>>,
    /// Pins as (account id, table numbered from 0) (read only when asked for).
    pub pins: Vec<(i64, i64)>,
}

/// The seating of an assembly for its staff; members' feature values and pins only `with_features`.
pub async fn seating_overview(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    with_features: bool,
) -> Result<SeatingOverview> {
    let record = store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let sessions = store::sessions::list_sessions(&mut *conn, assembly_id).await?;
    let members = store::sessions::members_of(&mut *conn, assembly_id).await?;
    let facilitators =
        store::sessions::accounts_with_role(&mut *conn, assembly_id, Role::Facilitator).await?;
    let latest = store::seating::latest_run(&mut *conn, assembly_id).await?;
    let current = match restore_current(&mut *conn, assembly_id).await? {
        Some(restored) => {
            let random =
                tables::random_allocation(&restored.request, restored.run.request.seed as u64)
                    .map_err(crate::Error::internal)?;
            Some(CurrentSeating {
                measures: restored.allocation.measures(),
                random: random.measures(),
                restored,
            })
        }
        None => None,
    };
    let (features, pins) = if with_features {
        (
            store::seating::member_features(&mut *conn, assembly_id).await?,
            store::seating::pins(&mut *conn, assembly_id).await?,
        )
    } else {
        (BTreeMap::new(), Vec::new())
    };
    Ok(SeatingOverview {
        title: record.title,
        sessions,
        members,
        facilitators,
        latest,
        current,
        features,
        pins,
    })
}

/// What an organiser asks for when allocating tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRequest {
    /// The sessions ticked (those not of this assembly are ignored; the run seats the rest in date order).
    pub session_ids: BTreeSet<i64>,
    /// The most members per table.
    pub seats_per_table: i64,
    /// Whether to seat a facilitator at every table.
    pub with_facilitators: bool,
    /// The seed of the search.
    pub seed: i64,
}

/// An organiser asks for an allocation: refused without a session, without members, or with fewer facilitators
/// than tables when facilitators are asked for; otherwise queued, with the job to start after commit. Returns the
/// run's id.
pub async fn start_table_allocation(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    request: &AllocationRequest,
    now: i64,
) -> Result<Done<i64>, AssemblyError> {
    let session_ids: Vec<i64> = store::sessions::list_sessions(tx, assembly_id)
        .await?
        .into_iter()
        .map(|session| session.id)
        .filter(|id| request.session_ids.contains(id))
        .collect();
    let members = store::sessions::members_of(tx, assembly_id).await?.len() as i64;
    let facilitators = store::sessions::accounts_with_role(tx, assembly_id, Role::Facilitator)
        .await?
        .len() as i64;
    let mut refusals = Vec::new();
    if session_ids.is_empty() {
        refusals.push(Refusal::Field(ValidationError::new(
            "sessions",
            Problem::Required,
        )));
    }
    if members == 0 {
        refusals.push(Refusal::NoMembers);
    }
    let seats = request.seats_per_table.max(1);
    let tables = (members + seats - 1) / seats;
    if request.with_facilitators && facilitators < tables {
        refusals.push(Refusal::TooFewFacilitators {
            facilitators,
            tables,
        });
    }
    if !refusals.is_empty() {
        return Err(AssemblyError::Refused(refusals));
    }
    let new = NewRun {
        session_ids,
        seats_per_table: request.seats_per_table,
        with_facilitators: request.with_facilitators,
        seed: request.seed,
    };
    // The entity names the new run: the write comes first, its entry right after, in the same transaction.
    let run_id = store::seating::queue_run(tx, assembly_id, &new, actor.account_id, now).await?;
    let entity = format!("assembly:{assembly_id}/table_run:{run_id}");
    let after = json!({
        "sessions": new.session_ids,
        "seats_per_table": new.seats_per_table,
        "with_facilitators": new.with_facilitators,
        "seed": new.seed,
    });
    let run_id = audited(tx, actor, "tables.request", &entity, now, async |_| {
        Ok((run_id, Entry::after(after)))
    })
    .await?;
    tracing::info!(assembly_id, run_id, "table allocation queued");
    let mut effects = Effects::new();
    effects.push(Effect::Start(Job::TableAllocation {
        assembly_id,
        job_id: run_id,
    }));
    Ok(Done::with(run_id, effects))
}

/// Two members to exchange tables in one session of the current allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swap {
    /// The session.
    pub session_id: i64,
    /// One member's account.
    pub first: i64,
    /// The other's.
    pub second: i64,
}

/// An organiser swaps two members' tables in one session; refused without an allocation, for a session or member
/// it does not seat, for two members at the same table or a pinned member. Returns the run's id.
pub async fn swap_seats(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    swap: Swap,
    now: i64,
) -> Result<i64, AssemblyError> {
    let Some(restored) = restore_current(tx, assembly_id).await? else {
        return Err(Refusal::NoAllocation.into());
    };
    let Some(session) = restored
        .run
        .request
        .session_ids
        .iter()
        .position(|id| *id == swap.session_id)
    else {
        return Err(Refusal::unknown("swap_session").into());
    };
    let checked =
        restored
            .allocation
            .swap(session, &swap.first.to_string(), &swap.second.to_string());
    match checked {
        Ok(_) => {}
        Err(tables::TablesError::SwapAtSameTable { .. }) => return Err(Refusal::SameTable.into()),
        Err(tables::TablesError::SwapMovesPinned { .. }) => return Err(Refusal::Pinned.into()),
        Err(tables::TablesError::UnknownMember { .. }) => {
            return Err(Refusal::unknown("first").into());
        }
        Err(_) => return Err(Refusal::ImpossibleSwap.into()),
    }
    let run_id = restored.run.id;
    let entity = format!("assembly:{assembly_id}/table_run:{run_id}");
    let after = json!({ "session_id": swap.session_id, "accounts": [swap.first, swap.second] });
    audited(tx, actor, "tables.swap", &entity, now, async |tx| {
        store::seating::swap_seats(tx, run_id, swap.session_id, swap.first, swap.second).await?;
        Ok(((), Entry::after(after)))
    })
    .await?;
    tracing::info!(
        assembly_id,
        run_id,
        session_id = swap.session_id,
        "members swapped"
    );
    Ok(run_id)
}

/// An organiser pins a member to a table (numbered from 1) in every session of the next allocation, or removes
/// the pin (`None`); an account that is not a member of this assembly is refused on the field `pin_member`.
pub async fn pin_member(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    account_id: i64,
    table: Option<i64>,
    now: i64,
) -> Result<(), AssemblyError> {
    let entity = format!("assembly:{assembly_id}/account:{account_id}/table_pin");
    audited(tx, actor, "table_pin.set", &entity, now, async |tx| {
        store::seating::set_pin(tx, assembly_id, account_id, table.map(|table| table - 1)).await?;
        Ok(((), Entry::after(json!({ "table": table }))))
    })
    .await
    .map_err(|error| unknown_member(error, "pin_member"))?;
    tracing::info!(assembly_id, account_id, "table pin set");
    Ok(())
}

/// An organiser enters a member's feature values by hand, replacing earlier ones; an account that is not a member
/// of this assembly is refused on the field `features_member`. The values are demographics: the log keeps the
/// feature names only.
pub async fn set_features(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    account_id: i64,
    features: &BTreeMap<String, String>,
    now: i64,
) -> Result<(), AssemblyError> {
    let entity = format!("assembly:{assembly_id}/account:{account_id}/features");
    let names: Vec<&String> = features.keys().collect();
    audited(tx, actor, "member_features.set", &entity, now, async |tx| {
        store::seating::set_member_features(tx, assembly_id, account_id, features, now).await?;
        Ok(((), Entry::after(json!({ "features": names }))))
    })
    .await
    .map_err(|error| unknown_member(error, "features_member"))?;
    tracing::info!(assembly_id, account_id, "member features set");
    Ok(())
}

/// The store's `NotFound` for an account that is not a member of the assembly, as the refusal of `field`.
fn unknown_member(error: crate::Error, field: &str) -> AssemblyError {
    match error {
        crate::Error::NotFound => Refusal::unknown(field).into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_request_has_every_feature_a_value_for_everyone_and_only_members_pins() {
        let features = BTreeMap::from([
            (
                1,
                BTreeMap::from([("gender".to_owned(), "Woman".to_owned())]),
            ),
            (
                2,
                BTreeMap::from([("age band".to_owned(), "30-44".to_owned())]),
            ),
        ]);
        let request = build_request(&[1, 2, 3], &features, 2, 5, &[9], &[(2, 0), (7, 1)]);
        assert_eq!(request.features, ["age band", "gender"]);
        let values: Vec<_> = request.members.iter().map(|m| m.values.clone()).collect();
        assert_eq!(
            values,
            [
                vec![NO_VALUE.to_owned(), "Woman".to_owned()],
                vec!["30-44".to_owned(), NO_VALUE.to_owned()],
                vec![NO_VALUE.to_owned(), NO_VALUE.to_owned()],
            ]
        );
        assert_eq!(request.facilitators, ["9"]);
        assert_eq!(request.sessions, 2);
        assert_eq!(
            request.pins.len(),
            1,
            "a pin of someone not seated is dropped"
        );
        assert_eq!(
            (request.pins[0].member.as_str(), request.pins[0].table),
            ("2", 0)
        );
    }
}
