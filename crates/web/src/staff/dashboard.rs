//! `GET /staff`: the assemblies of the signed-in person (every assembly for administrators).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::permission::Role;

use super::views::DashboardPage;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::views::{Chrome, SummaryView, render};

/// `GET /staff`: the assemblies of the viewer (every assembly for administrators).
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let rows = if viewer.role == Role::Admin {
        store::assemblies::list_assemblies(&mut connection).await?
    } else {
        store::assemblies::list_assemblies_of(&mut connection, account_id).await?
    };
    // Organisers may create assemblies when the platform administrator allows it (issue 18, item 3).
    let can_create = viewer.role == Role::Admin
        || (viewer.role == Role::Organiser
            && app::invitations::organisers_may_create_assemblies(&mut connection).await?);
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().dashboard_title);
    let assemblies = SummaryView::list(&rows, c.m);
    let settings_link = (viewer.role == Role::Admin).then(|| {
        viewer
            .lang
            .t::<crate::i18n::invitations::InvitationMessages>()
            .settings_link
    });
    render(
        StatusCode::OK,
        &DashboardPage {
            c,
            assemblies,
            can_create,
            settings_link,
        },
    )
}
