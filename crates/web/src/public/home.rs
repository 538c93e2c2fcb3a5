//! `GET /`: every assembly, newest first.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::views::HomePage;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::views::{Chrome, SummaryView, render};

/// `GET /`: every assembly.
pub async fn home(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let rows = store::assemblies::list_assemblies(&mut connection).await?;
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().home_title);
    let assemblies = SummaryView::list(&rows, c.m);
    render(StatusCode::OK, &HomePage { c, assemblies })
}
