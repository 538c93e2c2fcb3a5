//! The change strategy of a recommendation (tactics, allies, the power map) and members as advocates (material,
//! their logged actions, opting in to the follow-up): working material of members and organisers.

use ::impact::Date;
use serde_json::json;
use store::impact::{ActorRow, AllyRow, MaterialRow, TacticRow};

use super::{assembly_entity, recommendation_entity};
use crate::audit::{Entry, audited};
use crate::{Actor, Result};

/// Adds a tactic (insider or outsider) to a recommendation's change strategy.
pub async fn add_tactic(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    tactic: &TacticRow,
    now: i64,
) -> Result<()> {
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.tactic", &entity, now, async |tx| {
        let id = store::impact::add_tactic(tx, assembly_id, recommendation_id, tactic, now).await?;
        super::edits::note_tactic_added(tx, actor, assembly_id, recommendation_id, id, tactic, now)
            .await?;
        Ok((
            (),
            Entry::after(json!({
                "tactic_id": id,
                "arena": tactic.arena.as_str(),
                "kind": tactic.kind.as_str(),
                "status": tactic.status.as_str(),
            })),
        ))
    })
    .await
}

/// Adds an ally backing a recommendation (the name stays out of the audit log).
pub async fn add_ally(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    ally: &AllyRow,
    now: i64,
) -> Result<()> {
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.ally", &entity, now, async |tx| {
        let id = store::impact::add_ally(tx, assembly_id, recommendation_id, ally, now).await?;
        Ok((
            (),
            Entry::after(json!({ "ally_id": id, "kind": ally.kind.as_str() })),
        ))
    })
    .await
}

/// Adds a decision-maker or influencer to a recommendation's power map.
pub async fn add_actor(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    power: &ActorRow,
    now: i64,
) -> Result<()> {
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.actor", &entity, now, async |tx| {
        let id = store::impact::add_actor(tx, assembly_id, recommendation_id, power, now).await?;
        Ok((
            (),
            Entry::after(json!({
                "actor_id": id,
                "actor_role": power.actor_role.as_str(),
                "visibility": power.visibility.as_str(),
                "stance": power.stance,
                "influence": power.influence,
            })),
        ))
    })
    .await
}

/// Adds a talking point or media-training material to a recommendation.
pub async fn add_material(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    material: &MaterialRow,
    now: i64,
) -> Result<()> {
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.material", &entity, now, async |tx| {
        let id =
            store::impact::add_material(tx, assembly_id, recommendation_id, material, now).await?;
        Ok((
            (),
            Entry::after(json!({ "material_id": id, "kind": material.kind.as_str() })),
        ))
    })
    .await
}

/// An advocacy action, as a member logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    /// When it happened.
    pub happened_on: Date,
    /// What was done.
    pub description: String,
}

/// Logs an advocacy action of the signed-in actor for a recommendation.
pub async fn log_action(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    action: &NewAction,
    now: i64,
) -> Result<()> {
    let account_id = actor.account()?;
    let happened_on = action.happened_on.to_string();
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.action", &entity, now, async |tx| {
        let id = store::impact::add_action(
            tx,
            assembly_id,
            recommendation_id,
            account_id,
            &happened_on,
            &action.description,
            now,
        )
        .await?;
        Ok((
            (),
            Entry::after(json!({ "action_id": id, "happened_on": happened_on })),
        ))
    })
    .await
}

/// Opts the signed-in actor in to (or out of) the follow-up of the assembly; returns whether anything changed
/// (nothing is written nor logged when the actor is already where they asked to be).
pub async fn set_advocate(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    opted_in: bool,
    now: i64,
) -> Result<bool> {
    let account_id = actor.account()?;
    store::assemblies::get_assembly(&mut *tx, assembly_id).await?;
    if store::impact::is_advocate(&mut *tx, assembly_id, account_id).await? == opted_in {
        return Ok(false);
    }
    let action = if opted_in {
        "impact.advocate.join"
    } else {
        "impact.advocate.leave"
    };
    let entity = assembly_entity(assembly_id);
    audited(tx, actor, action, &entity, now, async |tx| {
        let changed =
            store::impact::set_advocate(tx, assembly_id, account_id, opted_in, now).await?;
        Ok((changed, Entry::after(json!({ "account_id": account_id }))))
    })
    .await
}
