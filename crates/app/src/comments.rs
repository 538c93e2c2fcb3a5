//! Public comments on the design of an assembly's process: anyone adds one ([`add_comment`]), held as pending
//! until an organiser approves or rejects it once ([`moderate_comment`]). Only approved comments are public.
//!
//! The audit log keeps ids and statuses, never the text (a visitor may have written personal details in it).

use domain::assembly::{CommentBody, CommentStatus};
use domain::error::{Problem, ValidationError};

use crate::audit::{Entry, audited_creation};
use crate::{Actor, Result};

/// Stores a pending comment on assembly `assembly_id` (audited `comment.create`) and returns its id;
/// [`crate::Error::NotFound`] if there is no such assembly.
pub async fn add_comment(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    body: &CommentBody,
    now: i64,
) -> Result<i64> {
    let comment_id = audited_creation(tx, actor, "comment.create", now, async |tx| {
        let id = store::comments::add_comment(tx, assembly_id, body, now).await?;
        let after = serde_json::json!({
            "id": id,
            "assembly_id": assembly_id,
            "status": CommentStatus::Pending.as_str(),
        });
        Ok((id, format!("comment:{id}"), Entry::after(after)))
    })
    .await?;
    tracing::info!(assembly_id, comment_id, "design comment received");
    Ok(comment_id)
}

/// Approves or rejects a pending comment of assembly `assembly_id` (audited `comment.moderate`, with the status
/// before and after). `decision` must be approved or rejected ([`crate::Error::Invalid`] naming `decision` otherwise);
/// a comment already moderated is a [`crate::Error::Conflict`], one of another assembly [`crate::Error::NotFound`].
pub async fn moderate_comment(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    comment_id: i64,
    decision: CommentStatus,
    now: i64,
) -> Result<()> {
    if decision == CommentStatus::Pending {
        return Err(ValidationError::new("decision", Problem::Malformed).into());
    }
    let moderator = actor.account()?;
    let entity = format!("comment:{comment_id}");
    crate::audit::audited(tx, actor, "comment.moderate", &entity, now, async |tx| {
        let before =
            store::comments::moderate(tx, assembly_id, comment_id, decision, moderator, now)
                .await?;
        let entry = Entry::change(
            serde_json::json!({ "status": before.status.as_str() }),
            serde_json::json!({ "status": decision.as_str() }),
        );
        Ok(((), entry))
    })
    .await?;
    tracing::info!(
        assembly_id,
        comment_id,
        decision = decision.as_str(),
        "comment moderated"
    );
    Ok(())
}
