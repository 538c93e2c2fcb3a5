//! Editing and removing the records of a recommendation's follow-up (issue 18, item 8): the authority's response,
//! implementation milestones, the fidelity judgement and tactics, by the roles that may add them (the permission
//! table's, checked before).
//!
//! Every edit or removal names the version its form or call showed; a record that changed since is refused with
//! [`STALE`] (an [`Error::Conflict`]) and nothing is written. Each change is audited with its before and after
//! (public acts in full; a tactic by its codes only, as its texts may name people) and leaves a row of history
//! ([`store::impact::record_change`]) with who, when and, for a removal, why; the history is what the
//! recommendation's page shows ([`history`]). The scorecard is computed from the records as they are now, so a
//! removed response no longer counts.

use domain::error::{Problem, ValidationError};
use domain::impact::{Change, JudgedBy, RecordKind};
use domain::permission::{Action, Role, allowed};
use serde_json::{Value, json};
use store::impact::{FidelityRow, HistoryRow, MilestoneRow, NewChange, ResponseRow, TacticRow};

use super::recommendation_entity;
use super::responses::{NewJudgement, NewMilestone, NewResponse};
use crate::audit::{Entry, audited};
use crate::{Actor, Error, Result};

/// The message of the conflict an edit or a removal of a record that changed since it was shown gets.
pub const STALE: &str =
    "the record changed since it was shown: reload it and make the change again";

/// The longest reason for a removal, in characters.
pub const MAX_REASON: usize = 500;

/// Why a record is removed: required, at most [`MAX_REASON`] characters, trimmed.
pub fn removal_reason(raw: &str) -> std::result::Result<String, ValidationError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(ValidationError::new("reason", Problem::Required));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(ValidationError::new(
            "reason",
            Problem::TooLong { max: MAX_REASON },
        ));
    }
    Ok(reason.to_owned())
}

/// A change for the history, as the use cases fill it.
struct Noted<'a> {
    record: RecordKind,
    record_id: i64,
    version: i64,
    change: Change,
    code: &'a str,
    body: &'a str,
    dated: &'a str,
    reason: &'a str,
}

async fn note(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    noted: Noted<'_>,
    now: i64,
) -> Result<()> {
    let change = NewChange {
        record: noted.record,
        record_id: noted.record_id,
        version: noted.version,
        change: noted.change,
        account_id: actor.account_id,
        role: actor.role,
        code: noted.code,
        body: noted.body,
        dated: noted.dated,
        reason: noted.reason,
    };
    store::impact::record_change(tx, assembly_id, recommendation_id, &change, now).await?;
    Ok(())
}

/// Refuses a record that is missing (404) or whose version is not `expected` (409, [`STALE`]).
async fn stale_or_missing(
    tx: &mut store::Tx,
    assembly_id: i64,
    recommendation_id: i64,
    kind: RecordKind,
    record_id: i64,
) -> Error {
    match store::impact::version(tx, assembly_id, recommendation_id, kind, record_id).await {
        Ok(Some(_)) => Error::conflict(STALE),
        Ok(None) => Error::NotFound,
        Err(error) => error.into(),
    }
}

fn response_json(row: &ResponseRow, version: i64) -> Value {
    json!({
        "kind": row.kind.as_str(), "justification": row.justification, "source_url": row.source_url,
        "responded_on": row.responded_on, "on_behalf": row.on_behalf, "version": version,
    })
}

/// Records the authority's response to a recommendation of the assembly, replacing the earlier one; with
/// `expected`, only if the current response's version is that (0: there is none yet), else [`STALE`]. Entered by
/// anyone but the authority's own account, it is marked as entered on its behalf. Returns the new version.
pub async fn save_response(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    expected: Option<i64>,
    response: &NewResponse,
    now: i64,
) -> Result<i64> {
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
        let (before, version) =
            store::impact::replace_response(tx, assembly_id, recommendation_id, &row, now).await?;
        if let Some(expected) = expected
            && before.as_ref().map_or(0, |before| before.version) != expected
        {
            return Err(Error::conflict(STALE));
        }
        let change = if before.is_some() {
            Change::Edited
        } else {
            Change::Added
        };
        let noted = Noted {
            record: RecordKind::Response,
            record_id: recommendation_id,
            version,
            change,
            code: row.kind.as_str(),
            body: &row.justification,
            dated: &row.responded_on,
            reason: "",
        };
        note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
        let entry = Entry {
            before: before.map(|before| response_json(&before.row, before.version)),
            after: Some(response_json(&row, version)),
        };
        Ok((version, entry))
    })
    .await
}

/// Removes the response to a recommendation of the assembly if its version is `expected`, with the reason (kept in
/// the history, not in the audit log).
pub async fn remove_response(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    expected: i64,
    reason: &str,
    now: i64,
) -> Result<()> {
    let reason = removal_reason(reason)?;
    let entity = recommendation_entity(recommendation_id);
    audited(
        tx,
        actor,
        "impact.response.remove",
        &entity,
        now,
        async |tx| {
            let Some(before) =
                store::impact::remove_response(tx, assembly_id, recommendation_id, expected)
                    .await?
            else {
                let kind = RecordKind::Response;
                return Err(stale_or_missing(
                    tx,
                    assembly_id,
                    recommendation_id,
                    kind,
                    recommendation_id,
                )
                .await);
            };
            let noted = Noted {
                record: RecordKind::Response,
                record_id: recommendation_id,
                version: expected,
                change: Change::Removed,
                code: before.kind.as_str(),
                body: &before.justification,
                dated: &before.responded_on,
                reason: &reason,
            };
            note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
            let entry = Entry {
                before: Some(response_json(&before, expected)),
                after: None,
            };
            Ok(((), entry))
        },
    )
    .await
}

fn fidelity_json(row: &FidelityRow, version: i64) -> Value {
    json!({
        "fidelity": row.fidelity.as_str(), "judge": row.judge.as_str(), "reasons": row.reasons,
        "judged_on": row.judged_on, "version": version,
    })
}

/// Records the fidelity judgement of a recommendation of the assembly, replacing the earlier one; with `expected`,
/// only if the current judgement's version is that (0: none yet), else [`STALE`]. A member's judgement is the
/// members'; anyone else allowed to judge judges as the oversight group. Returns the new version.
pub async fn save_fidelity(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    expected: Option<i64>,
    judgement: &NewJudgement,
    now: i64,
) -> Result<i64> {
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
        let (before, version) = store::impact::replace_fidelity(
            tx,
            assembly_id,
            recommendation_id,
            &row,
            actor.account_id,
            now,
        )
        .await?;
        if let Some(expected) = expected
            && before.as_ref().map_or(0, |before| before.version) != expected
        {
            return Err(Error::conflict(STALE));
        }
        let change = if before.is_some() {
            Change::Edited
        } else {
            Change::Added
        };
        let noted = Noted {
            record: RecordKind::Fidelity,
            record_id: recommendation_id,
            version,
            change,
            code: row.fidelity.as_str(),
            body: &row.reasons,
            dated: &row.judged_on,
            reason: "",
        };
        note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
        let entry = Entry {
            before: before.map(|before| fidelity_json(&before.row, before.version)),
            after: Some(fidelity_json(&row, version)),
        };
        Ok((version, entry))
    })
    .await
}

/// Removes the fidelity judgement of a recommendation of the assembly if its version is `expected`.
pub async fn remove_fidelity(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    expected: i64,
    reason: &str,
    now: i64,
) -> Result<()> {
    let reason = removal_reason(reason)?;
    let entity = recommendation_entity(recommendation_id);
    audited(
        tx,
        actor,
        "impact.fidelity.remove",
        &entity,
        now,
        async |tx| {
            let Some(before) =
                store::impact::remove_fidelity(tx, assembly_id, recommendation_id, expected)
                    .await?
            else {
                let kind = RecordKind::Fidelity;
                return Err(stale_or_missing(
                    tx,
                    assembly_id,
                    recommendation_id,
                    kind,
                    recommendation_id,
                )
                .await);
            };
            let noted = Noted {
                record: RecordKind::Fidelity,
                record_id: recommendation_id,
                version: expected,
                change: Change::Removed,
                code: before.fidelity.as_str(),
                body: &before.reasons,
                dated: &before.judged_on,
                reason: &reason,
            };
            note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
            let entry = Entry {
                before: Some(fidelity_json(&before, expected)),
                after: None,
            };
            Ok(((), entry))
        },
    )
    .await
}

fn milestone_json(milestone_id: i64, row: &MilestoneRow, version: i64) -> Value {
    json!({
        "milestone_id": milestone_id, "kind": row.kind.as_str(), "happened_on": row.happened_on,
        "description": row.description, "evidence_url": row.evidence_url, "version": version,
    })
}

/// Notes the addition of a milestone in the history (its version is 1).
pub(super) async fn note_milestone_added(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    milestone_id: i64,
    row: &MilestoneRow,
    now: i64,
) -> Result<()> {
    let noted = Noted {
        record: RecordKind::Milestone,
        record_id: milestone_id,
        version: 1,
        change: Change::Added,
        code: row.kind.as_str(),
        body: &row.description,
        dated: &row.happened_on,
        reason: "",
    };
    note(tx, actor, assembly_id, recommendation_id, noted, now).await
}

/// Edits a milestone of a recommendation of the assembly if its version is `expected`; returns the new version.
#[allow(clippy::too_many_arguments)] // The ids of the record, its version and the change: one use case.
pub async fn edit_milestone(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    milestone_id: i64,
    expected: i64,
    milestone: &NewMilestone,
    now: i64,
) -> Result<i64> {
    let row = MilestoneRow {
        happened_on: milestone.happened_on.to_string(),
        kind: milestone.kind,
        description: milestone.description.clone(),
        evidence_url: milestone.evidence.as_str().to_owned(),
    };
    let entity = recommendation_entity(recommendation_id);
    audited(
        tx,
        actor,
        "impact.milestone.edit",
        &entity,
        now,
        async |tx| {
            let before = store::impact::milestone(tx, assembly_id, recommendation_id, milestone_id)
                .await?
                .ok_or(Error::NotFound)?;
            let updated = before.version == expected
                && store::impact::update_milestone(
                    tx,
                    assembly_id,
                    recommendation_id,
                    milestone_id,
                    expected,
                    &row,
                )
                .await?;
            if !updated {
                return Err(Error::conflict(STALE));
            }
            let version = expected + 1;
            let noted = Noted {
                record: RecordKind::Milestone,
                record_id: milestone_id,
                version,
                change: Change::Edited,
                code: row.kind.as_str(),
                body: &row.description,
                dated: &row.happened_on,
                reason: "",
            };
            note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
            let entry = Entry::change(
                milestone_json(milestone_id, &before.row, before.version),
                milestone_json(milestone_id, &row, version),
            );
            Ok((version, entry))
        },
    )
    .await
}

/// Removes a milestone of a recommendation of the assembly if its version is `expected`.
#[allow(clippy::too_many_arguments)] // The ids of the record, its version and the reason: one use case.
pub async fn remove_milestone(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    milestone_id: i64,
    expected: i64,
    reason: &str,
    now: i64,
) -> Result<()> {
    let reason = removal_reason(reason)?;
    let entity = recommendation_entity(recommendation_id);
    audited(
        tx,
        actor,
        "impact.milestone.remove",
        &entity,
        now,
        async |tx| {
            let Some(before) = store::impact::remove_milestone(
                tx,
                assembly_id,
                recommendation_id,
                milestone_id,
                expected,
            )
            .await?
            else {
                let kind = RecordKind::Milestone;
                return Err(stale_or_missing(
                    tx,
                    assembly_id,
                    recommendation_id,
                    kind,
                    milestone_id,
                )
                .await);
            };
            let noted = Noted {
                record: RecordKind::Milestone,
                record_id: milestone_id,
                version: expected,
                change: Change::Removed,
                code: before.kind.as_str(),
                body: &before.description,
                dated: &before.happened_on,
                reason: &reason,
            };
            note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
            let entry = Entry {
                before: Some(milestone_json(milestone_id, &before, expected)),
                after: None,
            };
            Ok(((), entry))
        },
    )
    .await
}

/// A tactic in the audit log: its codes only (its description, lead and outcome may name people).
fn tactic_json(tactic_id: i64, row: &TacticRow, version: i64) -> Value {
    json!({
        "tactic_id": tactic_id, "arena": row.arena.as_str(), "kind": row.kind.as_str(),
        "status": row.status.as_str(), "version": version,
    })
}

/// Notes the addition of a tactic in the history (its version is 1; the lead is never kept there).
pub(super) async fn note_tactic_added(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    tactic_id: i64,
    row: &TacticRow,
    now: i64,
) -> Result<()> {
    let noted = Noted {
        record: RecordKind::Tactic,
        record_id: tactic_id,
        version: 1,
        change: Change::Added,
        code: row.status.as_str(),
        body: &row.description,
        dated: "",
        reason: "",
    };
    note(tx, actor, assembly_id, recommendation_id, noted, now).await
}

/// Edits a tactic of a recommendation of the assembly if its version is `expected`; returns the new version.
#[allow(clippy::too_many_arguments)] // The ids of the record, its version and the change: one use case.
pub async fn edit_tactic(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    tactic_id: i64,
    expected: i64,
    tactic: &TacticRow,
    now: i64,
) -> Result<i64> {
    let entity = recommendation_entity(recommendation_id);
    audited(tx, actor, "impact.tactic.edit", &entity, now, async |tx| {
        let before = store::impact::tactic(tx, assembly_id, recommendation_id, tactic_id)
            .await?
            .ok_or(Error::NotFound)?;
        let updated = before.version == expected
            && store::impact::update_tactic(
                tx,
                assembly_id,
                recommendation_id,
                tactic_id,
                expected,
                tactic,
            )
            .await?;
        if !updated {
            return Err(Error::conflict(STALE));
        }
        let version = expected + 1;
        let noted = Noted {
            record: RecordKind::Tactic,
            record_id: tactic_id,
            version,
            change: Change::Edited,
            code: tactic.status.as_str(),
            body: &tactic.description,
            dated: "",
            reason: "",
        };
        note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
        let entry = Entry::change(
            tactic_json(tactic_id, &before.row, before.version),
            tactic_json(tactic_id, tactic, version),
        );
        Ok((version, entry))
    })
    .await
}

/// Removes a tactic of a recommendation of the assembly if its version is `expected`.
#[allow(clippy::too_many_arguments)] // The ids of the record, its version and the reason: one use case.
pub async fn remove_tactic(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    tactic_id: i64,
    expected: i64,
    reason: &str,
    now: i64,
) -> Result<()> {
    let reason = removal_reason(reason)?;
    let entity = recommendation_entity(recommendation_id);
    audited(
        tx,
        actor,
        "impact.tactic.remove",
        &entity,
        now,
        async |tx| {
            let Some(before) = store::impact::remove_tactic(
                tx,
                assembly_id,
                recommendation_id,
                tactic_id,
                expected,
            )
            .await?
            else {
                let kind = RecordKind::Tactic;
                return Err(
                    stale_or_missing(tx, assembly_id, recommendation_id, kind, tactic_id).await,
                );
            };
            let noted = Noted {
                record: RecordKind::Tactic,
                record_id: tactic_id,
                version: expected,
                change: Change::Removed,
                code: before.status.as_str(),
                body: &before.description,
                dated: "",
                reason: &reason,
            };
            note(tx, actor, assembly_id, recommendation_id, noted, now).await?;
            let entry = Entry {
                before: Some(tactic_json(tactic_id, &before, expected)),
                after: None,
            };
            Ok(((), entry))
        },
    )
    .await
}

/// The history of a recommendation of the assembly as `actor` may see it, newest first: the tactics' rows only
/// for [`Action::ViewStrategy`] roles (the change strategy is working material).
pub async fn history(
    conn: &mut store::AnyConnection,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
) -> Result<Vec<HistoryRow>> {
    let strategy = allowed(actor.role, Action::ViewStrategy);
    Ok(store::impact::history(conn, assembly_id, recommendation_id)
        .await?
        .into_iter()
        .filter(|row| strategy || row.record != RecordKind::Tactic)
        .collect())
}
