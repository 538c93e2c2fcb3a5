//! Publishing the final report (issue 18, item 7): an assembly's final report and recommendations, and with them
//! the public scorecard and its exports, are public only once an organiser publishes them; until then members and
//! staff see them (a preview), and the public sees that they are not yet published.
//!
//! Every public reader of the recommendations asks [`visibility`] first, so the rule lives here once.

use domain::permission::{Action, allowed};
use serde_json::json;
use store::StoreError;
pub use store::publication::Publication;

use crate::audit::{Entry, audited};
use crate::{Actor, Error, Result};

/// Whether an actor sees an assembly's report and recommendations, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// The publication, if the report is published.
    pub published: Option<Publication>,
    /// Whether the actor may see the report before it is published (members and staff).
    pub may_preview: bool,
}

impl Visibility {
    /// Whether the actor sees the report and the recommendations.
    pub fn shown(&self) -> bool {
        self.published.is_some() || self.may_preview
    }

    /// Whether the actor sees an unpublished report (a preview).
    pub fn preview(&self) -> bool {
        self.published.is_none() && self.may_preview
    }
}

/// Who may see an unpublished report: the roles that take part in the deliberation (members and staff).
pub fn may_preview(actor: &Actor) -> bool {
    allowed(actor.role, Action::ViewDeliberation)
}

/// Whether `actor` sees the report and recommendations of assembly `assembly_id`.
pub async fn visibility(
    conn: &mut store::AnyConnection,
    actor: &Actor,
    assembly_id: i64,
) -> Result<Visibility> {
    Ok(Visibility {
        published: store::publication::get(conn, assembly_id).await?,
        may_preview: may_preview(actor),
    })
}

/// Publishes the final report and the recommendations of assembly `assembly_id` (audited `report.publish`, with
/// the number of recommendations published). Refused ([`Error::Conflict`]) when there is no recommendation yet or
/// the report is already published, so a second click publishes nothing twice.
pub async fn publish_report(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    now: i64,
) -> Result<()> {
    // The system (the demo) publishes with no account.
    let account_id = actor.account_id;
    let recommendations = store::recommendations::list(&mut *tx, assembly_id).await?;
    if recommendations.is_empty() {
        return Err(Error::conflict("there is no recommendation to publish"));
    }
    let entity = format!("assembly:{assembly_id}/report");
    audited(tx, actor, "report.publish", &entity, now, async |tx| {
        match store::publication::publish(tx, assembly_id, account_id, now).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                return Err(Error::conflict("the report is already published"));
            }
            Err(other) => return Err(other.into()),
        }
        let facts = json!({ "published_at": now, "recommendations": recommendations.len() });
        Ok(((), Entry::after(facts)))
    })
    .await?;
    tracing::info!(assembly_id, action = "report.publish", "report published");
    Ok(())
}

/// Withdraws the publication of assembly `assembly_id`'s report (audited `report.withdraw`, with when it had been
/// published); [`Error::Conflict`] if it is not published.
pub async fn withdraw_report(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    now: i64,
) -> Result<()> {
    actor.account()?;
    let entity = format!("assembly:{assembly_id}/report");
    audited(tx, actor, "report.withdraw", &entity, now, async |tx| {
        let Some(before) = store::publication::get(&mut *tx, assembly_id).await? else {
            return Err(Error::conflict("the report is not published"));
        };
        store::publication::withdraw(tx, assembly_id).await?;
        let entry = Entry::change(
            json!({ "published_at": before.published_at, "published_by": before.published_by }),
            json!({ "published_at": null }),
        );
        Ok(((), entry))
    })
    .await?;
    tracing::info!(
        assembly_id,
        action = "report.withdraw",
        "report publication withdrawn"
    );
    Ok(())
}
