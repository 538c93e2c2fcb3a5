//! The organisers' part: the authority's response deadline and the recommendations, entered one by one or
//! imported (for an assembly whose deliberation ran elsewhere).

use ::impact::{Commitment, Date};
use serde_json::json;
use store::impact::Settings;
use store::recommendations::NewRecommendation;

use super::{Refusal, assembly_entity};
use crate::audit::{Entry, audited};
use crate::{Actor, Error, Result};

/// The authority's deadline: respond within the commitment's weeks of the final report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The date of the final report.
    pub final_report_on: Date,
    /// The weeks the authority committed to respond within.
    pub commitment: Commitment,
    /// Whether the assembly's impact data are made up (public pages then say so).
    pub illustrative: bool,
}

/// Sets (or replaces) the assembly's response deadline.
pub async fn save_settings(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    deadline: &Deadline,
    now: i64,
) -> Result<()> {
    let settings = Settings {
        final_report_on: deadline.final_report_on.to_string(),
        response_weeks: i64::from(deadline.commitment.response_weeks()),
        illustrative: deadline.illustrative,
    };
    let entity = assembly_entity(assembly_id);
    audited(tx, actor, "impact.settings", &entity, now, async |tx| {
        store::impact::set_settings(tx, assembly_id, &settings, now).await?;
        Ok((
            (),
            Entry::after(json!({
                "final_report_on": settings.final_report_on,
                "response_weeks": settings.response_weeks,
                "illustrative": settings.illustrative,
            })),
        ))
    })
    .await
}

/// Enters one recommendation at the end of the assembly's list and returns its id, or
/// [`Refusal::DuplicateReference`] (nothing written) when the reference is already used in the assembly.
/// The audit entry is the assembly's and names the new recommendation's id.
pub async fn add_recommendation(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    new: &NewRecommendation,
    now: i64,
) -> Result<Result<i64, Refusal>> {
    let entity = assembly_entity(assembly_id);
    let created = audited(
        tx,
        actor,
        "recommendation.create",
        &entity,
        now,
        async |tx| {
            let id = store::recommendations::create(tx, assembly_id, new, now).await?;
            Ok((
                id,
                Entry::after(json!({
                    "recommendation_id": id,
                    "assembly_id": assembly_id,
                    "reference": new.reference,
                })),
            ))
        },
    )
    .await;
    match created {
        Ok(id) => Ok(Ok(id)),
        // The only uniqueness of a recommendation is its reference in the assembly.
        Err(Error::Conflict(_)) => Ok(Err(Refusal::DuplicateReference)),
        Err(error) => Err(error),
    }
}

/// Enters many recommendations at once, all or nothing (the caller drops the transaction on an error), each with
/// its own `recommendation.create` audit entry as if entered one by one; returns their ids in the file's order. A
/// reference already used is a conflict: the caller checked the file against [`super::references`].
pub async fn import_recommendations(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    rows: &[NewRecommendation],
    now: i64,
) -> Result<Vec<i64>> {
    let entity = assembly_entity(assembly_id);
    let mut ids = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let id = audited(
            tx,
            actor,
            "recommendation.create",
            &entity,
            now,
            async |tx| {
                let id = store::recommendations::create(tx, assembly_id, row, now).await?;
                Ok((
                    id,
                    Entry::after(json!({
                        "recommendation_id": id,
                        "assembly_id": assembly_id,
                        "reference": row.reference,
                        "import_row": index + 1,
                    })),
                ))
            },
        )
        .await?;
        ids.push(id);
    }
    Ok(ids)
}
