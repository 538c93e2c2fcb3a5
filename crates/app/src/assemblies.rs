//! Describing an assembly: creating it ([`create_assembly`]) and replacing its description ([`update_assembly`]).
//!
//! The staff form and the JSON API both come here with an [`AssemblyDraft`] already parsed from their own shapes,
//! so the two cannot write differently, and both leave the same audit entry: the assembly as [`facts`] describes
//! it (its public description, no personal data), before and after.

use domain::assembly::AssemblyDraft;
use store::assemblies::AssemblyRecord;

use crate::audit::{Entry, audited, audited_creation};
use crate::{Actor, Result};

/// Creates an assembly from `draft` (audited `assembly.create`) and returns it as stored.
pub async fn create_assembly(
    tx: &mut store::Tx,
    actor: &Actor,
    draft: &AssemblyDraft,
    now: i64,
) -> Result<AssemblyRecord> {
    // Platform administrators create assemblies; organisers too when the administrator allows it (issue 18), and
    // then they become the new assembly's organiser.
    let by_organiser = actor.role != domain::permission::Role::Admin;
    if by_organiser
        && (actor.role != domain::permission::Role::Organiser
            || actor.account_id.is_none()
            || !crate::invitations::organisers_may_create_assemblies(tx).await?)
    {
        return Err(crate::Error::Forbidden);
    }
    let record = audited_creation(tx, actor, "assembly.create", now, async |tx| {
        let id = store::assemblies::create_assembly(tx, draft, now).await?;
        let record = store::assemblies::get_assembly(tx, id).await?;
        let entry = Entry::after(facts(&record));
        Ok((record, format!("assembly:{id}"), entry))
    })
    .await?;
    if let (true, Some(account_id)) = (by_organiser, actor.account_id) {
        let entity = format!("assembly:{}/account:{account_id}", record.id);
        audited(tx, actor, "role.assign", &entity, now, async |tx| {
            store::accounts::set_role(
                tx,
                record.id,
                account_id,
                domain::permission::Role::Organiser,
            )
            .await?;
            Ok((
                (),
                Entry::after(serde_json::json!({ "role": "organiser", "creator": true })),
            ))
        })
        .await?;
    }
    tracing::info!(
        assembly_id = record.id,
        action = "assembly.create",
        "assembly saved"
    );
    Ok(record)
}

/// Replaces the description of assembly `assembly_id` with `draft` (audited `assembly.update`, with the
/// description before and after) and returns it as stored; [`crate::Error::NotFound`] if there is none.
pub async fn update_assembly(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    draft: &AssemblyDraft,
    now: i64,
) -> Result<AssemblyRecord> {
    let entity = format!("assembly:{assembly_id}");
    let record = audited(tx, actor, "assembly.update", &entity, now, async |tx| {
        let before = store::assemblies::get_assembly(tx, assembly_id).await?;
        store::assemblies::update_assembly(tx, assembly_id, draft, now).await?;
        let after = store::assemblies::get_assembly(tx, assembly_id).await?;
        let entry = Entry::change(facts(&before), facts(&after));
        Ok((after, entry))
    })
    .await?;
    tracing::info!(assembly_id, action = "assembly.update", "assembly saved");
    Ok(record)
}

/// What the audit log keeps of an assembly: its whole public description (the same fields as the API's
/// `Assembly`), so that the log shows every change of title, question, commitments and timeline.
pub fn facts(record: &AssemblyRecord) -> serde_json::Value {
    serde_json::json!({
        "id": record.id,
        "title": record.title,
        "question": record.question,
        "authority": record.authority,
        "commitments": record.commitments,
        "current_phase": record.current_phase.as_str(),
        "timeline": record
            .phases
            .iter()
            .map(|phase| serde_json::json!({
                "phase": phase.phase.as_str(),
                "starts_on": phase.starts_on,
                "ends_on": phase.ends_on,
            }))
            .collect::<Vec<_>>(),
    })
}

/// Moves assembly `assembly_id` one step along its lifecycle, from `from` to `to` (issue 18, item 7: the phase
/// control on the assembly page, audited `assembly.phase` with the phase before and after).
///
/// `from` is the phase the organiser saw: if another change moved the assembly since, the step is refused
/// ([`crate::Error::Conflict`]) rather than taken twice; `to` must be the phase just after or just before it.
pub async fn change_phase(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    from: domain::phase::Phase,
    to: domain::phase::Phase,
    now: i64,
) -> Result<AssemblyRecord> {
    use domain::error::{Problem, ValidationError};
    actor.account()?;
    if from.next() != Some(to) && from.previous() != Some(to) {
        return Err(ValidationError::new("to", Problem::Malformed).into());
    }
    let entity = format!("assembly:{assembly_id}");
    let record = audited(tx, actor, "assembly.phase", &entity, now, async |tx| {
        let before = store::assemblies::get_assembly(tx, assembly_id).await?;
        if before.current_phase != from {
            return Err(crate::Error::conflict(
                "the phase changed since the page was shown",
            ));
        }
        store::assemblies::set_phase(tx, assembly_id, to, now).await?;
        let after = store::assemblies::get_assembly(tx, assembly_id).await?;
        let entry = Entry::change(
            serde_json::json!({ "current_phase": from.as_str() }),
            serde_json::json!({ "current_phase": to.as_str() }),
        );
        Ok((after, entry))
    })
    .await?;
    tracing::info!(
        assembly_id,
        action = "assembly.phase",
        phase = to.as_str(),
        "phase changed"
    );
    Ok(record)
}
