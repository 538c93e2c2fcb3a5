//! `GET /staff/audit`: whether the audit log's hash chain is intact, and the log a page at a time, newest first
//! (ids and actions, never personal data).
//!
//! The page stays cheap however long the log grows: it lists one page by sequence number (`?before=N`, an index
//! range), and verifies incrementally with `store::audit::verify_since_checkpoint`: the entry up to which the
//! chain was verified before still has the hash it had then, and every entry written since chains from it and
//! checks out up to the head; then the checkpoint moves to the head. So a view checks only what was written since
//! the last view. What it does not re-check is an older entry edited without recomputing the later hashes, or a
//! rewrite that also rewrote the checkpoint: `klero audit verify` checks the whole chain, and against a saved
//! anchor (signed with a key the database does not hold) finds any rewrite; the page says so.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::views::{Chrome, render, utc_minute};

/// Entries per page.
pub const AUDIT_PAGE_SIZE: i64 = 100;

/// The page's query: `before=N` lists the entries before entry N.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    /// List the entries before this one (the latest without it).
    pub before: Option<String>,
}

/// An audit entry as shown.
pub struct AuditView {
    /// Sequence number.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Account id or "-".
    pub actor: String,
    /// Action.
    pub action: String,
    /// Entity.
    pub entity: String,
}

/// The audit log page.
#[derive(askama::Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    /// Chrome.
    pub c: Chrome,
    /// The number of entries if the chain is intact.
    pub intact: Option<i64>,
    /// The entry up to which the chain had been verified before this view.
    pub checkpoint: i64,
    /// The entries written since, checked by this view.
    pub checked: i64,
    /// The older entries this view re-checked (`first–last`), if any.
    pub swept: Option<String>,
    /// (entry, reason) of the first break.
    pub broken: Option<(i64, String)>,
    /// This page's entries, newest first.
    pub entries: Vec<AuditView>,
    /// The link to the newer entries, when this is not the first page.
    pub newer: Option<String>,
    /// The link to the older entries, when there are some.
    pub older: Option<String>,
}

/// `GET /staff/audit`: the chain's state (checked since the last view) and one page of entries.
pub async fn audit_log(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let before =
        match query.before.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<i64>().ok().filter(|seq| *seq > 0).ok_or_else(
                || AppError::BadInput {
                    status: StatusCode::BAD_REQUEST,
                    message:
                        "before: expected an entry number (a positive whole number)".to_owned(),
                },
            )?),
        };
    let mut connection = state.store.connection().await?;
    let verdict = store::audit::verify_since_checkpoint(&mut connection, crate::now()).await?;
    // One more than a page, to know whether an older page exists.
    let mut rows = store::audit::page(&mut connection, before, AUDIT_PAGE_SIZE + 1).await?;
    let (head_seq, _) = store::audit::head(&mut connection).await?;
    drop(connection);
    let has_older = rows.len() as i64 > AUDIT_PAGE_SIZE;
    rows.truncate(AUDIT_PAGE_SIZE as usize);
    let (intact, broken, checkpoint, checked, swept) = match verdict {
        Ok(verified) => {
            let (first, last) = verified.swept;
            let swept = (first <= last).then(|| format!("{first}–{last}"));
            let (checkpoint, checked) = (verified.checkpoint, verified.checked);
            (Some(verified.entries), None, checkpoint, checked, swept)
        }
        Err(chain_break) => (
            None,
            Some((chain_break.seq, chain_break.reason)),
            0,
            0,
            None,
        ),
    };
    let older = match rows.last() {
        Some(last) if has_older => Some(format!("/staff/audit?before={}", last.seq)),
        _ => None,
    };
    let newer = before.map(|_| {
        let newest = rows.first().map_or(0, |row| row.seq);
        if newest + AUDIT_PAGE_SIZE >= head_seq {
            "/staff/audit".to_owned()
        } else {
            format!("/staff/audit?before={}", newest + AUDIT_PAGE_SIZE + 1)
        }
    });
    let entries = rows
        .into_iter()
        .map(|row| AuditView {
            seq: row.seq,
            at: utc_minute(row.at),
            actor: row
                .actor_account_id
                .map(|id| id.to_string())
                .unwrap_or_else(|| "-".to_owned()),
            action: row.action,
            entity: row.entity,
        })
        .collect();
    let c = Chrome::new(&viewer, viewer.lang.messages().audit_title);
    render(
        StatusCode::OK,
        &AuditPage {
            c,
            intact,
            checkpoint,
            checked,
            swept,
            broken,
            entries,
            newer,
            older,
        },
    )
}
