//! The invitations for the printer: one printable letter per invitation with an inline QR code, and the print
//! shop's mail-merge CSV. Both are views of every household's address, logged by the use case.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::views::{LettersPage, csv_download, no_store, spreadsheet_csv};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::views::render;
use crate::{AppState, now};

/// The assembly's public address under which the letters' registration links point: the server's configured
/// `--public-url` (`klero serve` always sets one). Only without it (tests) is it the request's `Host`, checked, which
/// a client controls: a forged `Host` must never end up printed on 30,000 letters.
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap, assembly_id: i64) -> String {
    if let Some(url) = &state.config.public_url {
        return format!("{}/assemblies/{assembly_id}", url.trim_end_matches('/'));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/assemblies/{assembly_id}")
}

/// Letters per page of the printable HTML letters (issue 18: 30,000 letters on one page print in no browser; the
/// print shop's files are the PDF batches of [`super::print`]).
pub const LETTERS_PER_PAGE: i64 = 500;

/// The query of the letters page.
#[derive(Debug, serde::Deserialize)]
pub struct LettersQuery {
    /// The batch of [`LETTERS_PER_PAGE`] letters, from 1.
    #[serde(default)]
    pub batch: Option<i64>,
}

/// `GET /staff/assemblies/{assembly_id}/invitations/letters?batch=N`: one printable letter per invitation, one batch
/// of [`LETTERS_PER_PAGE`] at a time.
pub async fn letters(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<LettersQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let base = base_url(&state, &headers, assembly_id);
    let batch = query
        .batch
        .unwrap_or(1)
        .clamp(1, i64::MAX / LETTERS_PER_PAGE);
    let range = ((batch - 1) * LETTERS_PER_PAGE, LETTERS_PER_PAGE);
    let mut tx = state.store.begin().await?;
    let letters =
        app::recruitment::letters(&mut tx, &viewer.actor(), assembly_id, &base, range, now())
            .await?;
    tx.commit().await?;
    let page = LettersPage::new(&viewer, assembly_id, letters, batch, LETTERS_PER_PAGE)?;
    Ok(no_store(render(StatusCode::OK, &page)?))
}

/// `GET /staff/assemblies/{assembly_id}/invitations/mail-merge.csv`: the print shop's file
/// (`id,address,area,code,url`, cells safe against formula injection).
pub async fn mail_merge(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let base = base_url(&state, &headers, assembly_id);
    let mut tx = state.store.begin().await?;
    let rows =
        app::recruitment::mail_merge(&mut tx, &viewer.actor(), assembly_id, &base, now()).await?;
    tx.commit().await?;
    let lines: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| vec![row.address_ref, row.address, row.area, row.code, row.url])
        .collect();
    let csv = spreadsheet_csv(&["id", "address", "area", "code", "url"], &lines)?;
    Ok(csv_download(&format!("invitations-{assembly_id}.csv"), csv))
}
