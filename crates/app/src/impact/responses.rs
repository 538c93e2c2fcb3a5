//! What the authority answered, what was done, and whether it is what was recommended: responses, implementation
//! milestones and fidelity judgements. Each is a public act, shown on the scorecard.

use ::impact::{Date, Link};
use domain::impact::{Instrument, JudgedBy, Reply, Verdict};
use domain::permission::Role;
use serde_json::json;
use store::impact::{FidelityRow, MilestoneRow, ResponseRow};

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
/// keeps both). Entered by anyone but the authority's own account, it is marked as entered on its behalf.
pub async fn record_response(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    response: &NewResponse,
    now: i64,
) -> Result<()> {
    let on_behalf = actor.role != Role::Authority;
    let row = ResponseRow {
        kind: response.kind,
        justification: response.justification.clone(),
        source_url: response.source.as_str().to_owned(),
        responded_on: response.responded_on.to_string(),
        recorded_by: actor.account_id,
        on_behalf,
    };
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.response", &entity, now, async |tx| {
        let before =
            store::impact::set_response(tx, assembly_id, recommendation_id, &row, now).await?;
        let entry = Entry {
            before: before.map(|before| {
                json!({ "kind": before.kind.as_str(), "responded_on": before.responded_on })
            }),
            after: Some(
                json!({ "kind": row.kind.as_str(), "responded_on": row.responded_on, "on_behalf": on_behalf }),
            ),
        };
        Ok(((), entry))
    })
    .await
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
        Ok((
            (),
            Entry::after(
                json!({ "milestone_id": id, "kind": row.kind.as_str(), "happened_on": row.happened_on }),
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
pub async fn judge_fidelity(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    judgement: &NewJudgement,
    now: i64,
) -> Result<()> {
    let judge = if actor.role == Role::Member {
        JudgedBy::Members
    } else {
        JudgedBy::OversightGroup
    };
    let row = FidelityRow {
        fidelity: judgement.verdict,
        judge,
        reasons: judgement.reasons.clone(),
        enacted_text: judgement.enacted_text.clone(),
        judged_on: judgement.judged_on.to_string(),
    };
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.fidelity", &entity, now, async |tx| {
        let before = store::impact::set_fidelity(
            tx,
            assembly_id,
            recommendation_id,
            &row,
            actor.account_id,
            now,
        )
        .await?;
        let entry = Entry {
            before: before.map(|before| {
                json!({ "fidelity": before.fidelity.as_str(), "judge": before.judge.as_str() })
            }),
            after: Some(
                json!({ "fidelity": row.fidelity.as_str(), "judge": row.judge.as_str(), "judged_on": row.judged_on }),
            ),
        };
        Ok(((), entry))
    })
    .await
}
