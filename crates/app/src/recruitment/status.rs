//! The one way a respondent's status changes ([`change_status`]), with the reason it needs and the refusals that
//! `web` words in the visitor's language.

use domain::respondent::{ReasonCategory, Status, transition};
use store::StoreError;

use crate::audit::{Entry, audited};
use crate::effect::Effects;
use crate::{Actor, Done, Error};

/// Why a status changes: a category from the fixed list (what the audit log keeps) and a note in words (kept with
/// the person, erased with them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReason {
    /// The category.
    pub category: ReasonCategory,
    /// The note.
    pub note: String,
}

/// Why a status change is refused; `web` words each case in the visitor's language.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The move is not one of the allowed transitions.
    #[error("a respondent cannot move from {} to {}", from.as_str(), to.as_str())]
    Transition {
        /// The current status.
        from: Status,
        /// The status asked for.
        to: Status,
    },
    /// Someone else changed the status meanwhile.
    #[error("the respondent's status changed meanwhile")]
    Moved,
    /// The respondent's email belongs to an account that may not sign in with a code (an administrator's, a staff
    /// member's) or that has another role in this assembly.
    #[error("the email belongs to an account with another role")]
    OtherRole,
    /// Anything else.
    #[error(transparent)]
    App(#[from] Error),
}

impl From<StoreError> for StatusError {
    fn from(error: StoreError) -> StatusError {
        StatusError::App(error.into())
    }
}

/// The one way a respondent's status changes, inside the caller's transaction: checks the move against
/// [`transition`] (refused if it is not allowed or the status moved meanwhile), writes it with its audit entry
/// (ids, statuses and the reason's category, no personal data; the note goes to the person's record). Moving to
/// `erased` blanks the personal data and keeps the anonymous feature values. A confirmed respondent becomes a
/// member ([`crate::members::admit`], whose code comes back as effects); leaving `confirmed` or erasure ends the
/// membership. Every page that changes a status (the respondents list, the panel's confirmations and drop-outs)
/// comes here, so the rules and the audit trail cannot differ between them. Returns the status before.
#[allow(clippy::too_many_arguments)]
pub async fn change_status(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    respondent_id: i64,
    to: Status,
    reason: &StatusReason,
    now: i64,
) -> Result<Done<Status>, StatusError> {
    let row = store::recruitment::respondent(tx, assembly_id, respondent_id).await?;
    let from = row.status;
    if transition(from, to).is_err() {
        return Err(StatusError::Transition { from, to });
    }
    let action = if to == Status::Erased {
        "respondent.erase"
    } else {
        "respondent.status"
    };
    let entity = format!("respondent:{respondent_id}");
    let moved = audited(tx, actor, action, &entity, now, async |tx| {
        let moved =
            store::recruitment::set_respondent_status(tx, assembly_id, respondent_id, from, to)
                .await?;
        let after = serde_json::json!({
            "assembly_id": assembly_id,
            "respondent_id": respondent_id,
            "from": from.as_str(),
            "to": to.as_str(),
            "reason": reason.category.as_str(),
        });
        Ok((moved, Entry::after(after)))
    })
    .await?;
    if !moved {
        // The caller drops the transaction: the audit entry above goes with it.
        return Err(StatusError::Moved);
    }
    // The note may name the person or their circumstances: it stays with their record, never in the audit log, and
    // erasure (which deleted the earlier notes) keeps none.
    if to != Status::Erased {
        store::recruitment::add_status_note(
            tx,
            respondent_id,
            &store::recruitment::StatusNote {
                at: now,
                from,
                to,
                category: reason.category,
                note: &reason.note,
            },
        )
        .await?;
    }
    let mut effects = Effects::new();
    if to == Status::Confirmed {
        let admitted = crate::members::admit(tx, actor, assembly_id, &row, now).await;
        effects.extend(admitted.map_err(|error| match error {
            crate::members::AdmitError::OtherRole => StatusError::OtherRole,
            crate::members::AdmitError::App(error) => StatusError::App(error),
        })?);
    } else if from == Status::Confirmed || to == Status::Erased {
        crate::members::leave(
            tx,
            actor,
            assembly_id,
            respondent_id,
            to == Status::Erased,
            now,
        )
        .await?;
    }
    Ok(Done::with(from, effects))
}
