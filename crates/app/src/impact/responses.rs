//! What the authority answered, what was done, and whether it is what was recommended: responses, implementation
//! milestones and fidelity judgements. Each is a public act, shown on the scorecard.

use ::impact::{Date, Link};
use domain::impact::{Instrument, Reply, Verdict};
use serde_json::json;
use store::impact::MilestoneRow;

use super::recommendation_entity;
use crate::audit::{Entry, audited};
use crate::{Actor, Result};

/// The authority's response to a recommendation, as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResponse {
    /// What the authority replied.
    pub kind: Reply,
    /// Why (required for every reply but acceptance in full; the form checks it).
    pub justification: String,
    /// The public document that holds the response.
    pub source: Link,
    /// The date of the response.
    pub responded_on: Date,
}

/// Records the authority's response to a recommendation of the assembly, replacing an earlier one (the audit log
/// and the history keep both). Entered by anyone but the authority's own account, it is marked as entered on its
/// behalf. See [`super::save_response`] for the version check of an edit.
pub async fn record_response(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    response: &NewResponse,
    now: i64,
) -> Result<()> {
    super::save_response(
        tx,
        actor,
        assembly_id,
        recommendation_id,
        None,
        response,
        now,
    )
    .await?;
    Ok(())
}

/// An implementation milestone, as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMilestone {
    /// When it happened.
    pub happened_on: Date,
    /// What it records.
    pub kind: Instrument,
    /// What happened.
    pub description: String,
    /// The public evidence.
    pub evidence: Link,
}

/// Adds an implementation milestone to a recommendation of the assembly.
pub async fn add_milestone(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    milestone: &NewMilestone,
    now: i64,
) -> Result<()> {
    let row = MilestoneRow {
        happened_on: milestone.happened_on.to_string(),
        kind: milestone.kind,
        description: milestone.description.clone(),
        evidence_url: milestone.evidence.as_str().to_owned(),
    };
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.milestone", &entity, now, async |tx| {
        let id = store::impact::add_milestone(
            tx,
            assembly_id,
            recommendation_id,
            &row,
            actor.account_id,
            now,
        )
        .await?;
        super::edits::note_milestone_added(tx, actor, assembly_id, recommendation_id, id, &row, now)
            .await?;
        Ok((
            (),
            Entry::after(
                json!({ "milestone_id": id, "kind": row.kind.as_str(), "happened_on": row.happened_on, "version": 1 }),
            ),
        ))
    })
    .await
}

/// A fidelity judgement, as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJudgement {
    /// Whether what was enacted is what was recommended.
    pub verdict: Verdict,
    /// Why.
    pub reasons: String,
    /// The enacted text (or the relevant extract), or empty.
    pub enacted_text: String,
    /// The date of the judgement.
    pub judged_on: Date,
}

/// Records the fidelity judgement of a recommendation of the assembly, replacing an earlier one. A member's
/// judgement is the members'; anyone else allowed to judge (observers, administrators) judges as the oversight group.
/// See [`super::save_fidelity`] for the version check of an edit.
pub async fn judge_fidelity(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    judgement: &NewJudgement,
    now: i64,
) -> Result<()> {
    super::save_fidelity(
        tx,
        actor,
        assembly_id,
        recommendation_id,
        None,
        judgement,
        now,
    )
    .await?;
    Ok(())
}
