//! Recommendations made on the platform: a passed proposal becomes one, with the support its ballots measured and
//! its minority report; members may attach a minority report to a recommendation too.

use ballots::{BallotStatus, MethodKind};
use serde_json::json;
use store::StoreError;
use store::ballot_box::BallotRow;
use store::recommendations::{NewRecommendation, Route};

use super::{Error, Refusal, Result};
use crate::Actor;
use crate::audit::{Entry, audited};

/// What the organiser gives a proposal that becomes a recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    /// The public reference, unique in the assembly.
    pub reference: String,
    /// The theme, for the scorecard's breakdowns.
    pub theme: String,
    /// How it becomes policy.
    pub route: Route,
}

/// A proposal that a closed ballot passed becomes a recommendation (once), with the proposal's title, text and
/// minority report, and the support measured by the latest agreement ballot on it, else by the ballot that passed
/// it; returns the recommendation's id.
pub async fn adopt_recommendation(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    proposal_id: i64,
    adoption: &Adoption,
    now: i64,
) -> Result<i64> {
    actor.account()?;
    let proposal = store::proposals::get(tx, assembly_id, proposal_id).await?;
    let closed: Vec<BallotRow> = store::ballot_box::list(tx, assembly_id)
        .await?
        .into_iter()
        .filter(|row| {
            row.fields.proposal_id == Some(proposal_id) && row.status == BallotStatus::Closed
        })
        .collect();
    let Some(passing) = closed.iter().rev().find(|row| row.passed == Some(true)) else {
        return Err(Error::Refused(Refusal::NotPassed));
    };
    if store::recommendations::list(tx, assembly_id)
        .await?
        .iter()
        .any(|row| row.fields.proposal_id == Some(proposal_id))
    {
        return Err(Error::Refused(Refusal::AlreadyAdopted));
    }
    let support = closed
        .iter()
        .rev()
        .find(|row| row.fields.method == MethodKind::Agreement)
        .unwrap_or(passing);
    let new = NewRecommendation {
        reference: adoption.reference.clone(),
        title: proposal.fields.title.clone(),
        body: proposal.fields.body.clone(),
        theme: adoption.theme.clone(),
        route: adoption.route,
        support_bp: support.support_bp.and_then(|bp| u16::try_from(bp).ok()),
        support_text: support.result_text.clone(),
        minority_report: proposal.minority_report.clone(),
        proposal_id: Some(proposal_id),
    };
    // The audit entry names the new recommendation, so the insert comes first, in the same transaction.
    let id = match store::recommendations::create(tx, assembly_id, &new, now).await {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => return Err(Error::Refused(Refusal::ReferenceTaken)),
        Err(other) => return Err(other.into()),
    };
    let facts = json!({ "id": id, "proposal_id": proposal_id, "support_ballot_id": support.id, "support_bp": new.support_bp, "route": adoption.route.as_str() });
    Ok(audited(
        tx,
        actor,
        "recommendation.create",
        &format!("recommendation:{id}"),
        now,
        async |_| Ok((id, Entry::after(facts))),
    )
    .await?)
}

/// Members attach a minority report to a recommendation (empty removes it); the log records its length only.
pub async fn write_recommendation_minority_report(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    text: &str,
    now: i64,
) -> crate::Result<()> {
    actor.account()?;
    audited(
        tx,
        actor,
        "recommendation.minority_report",
        &format!("recommendation:{recommendation_id}"),
        now,
        async |tx| {
            store::recommendations::set_minority_report(tx, assembly_id, recommendation_id, text)
                .await?;
            let facts = json!({ "recommendation_id": recommendation_id, "characters": text.chars().count() });
            Ok(((), Entry::after(facts)))
        },
    )
    .await
}
