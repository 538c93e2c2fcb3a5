//! `GET /staff/audit`: whether the audit log's hash chain is intact, and its latest entries (ids and actions,
//! never personal data).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::views::{AuditPage, AuditView};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::views::{Chrome, render, utc_minute};

/// `GET /staff/audit`: the chain's state and the latest entries.
pub async fn audit_log(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let verdict = store::audit::verify(&mut connection).await?;
    let rows = store::audit::recent(&mut connection, 100).await?;
    drop(connection);
    let (intact, broken) = match verdict {
        Ok(count) => (Some(count), None),
        Err(chain_break) => (None, Some((chain_break.seq, chain_break.reason))),
    };
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
            broken,
            entries,
        },
    )
}
