//! Creating and editing an assembly's description: `GET /staff/assemblies/new`, `POST /staff/assemblies`,
//! `GET /staff/assemblies/{assembly_id}/edit` and `POST /staff/assemblies/{assembly_id}`. The JSON API writes
//! through the same use cases (`app::assemblies`).

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::AssemblyFields;
use super::views::{AssemblyForm, AssemblyFormPage};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The assembly form page: `heading`, posting to `action`, with `errors` and the values `f`.
fn form_page(
    viewer: &Viewer,
    status: StatusCode,
    heading: &str,
    action: String,
    errors: Vec<String>,
    f: AssemblyForm,
) -> Result<Response, AppError> {
    let c = Chrome::new(viewer, heading);
    render(
        status,
        &AssemblyFormPage {
            c,
            heading: heading.to_owned(),
            action,
            errors,
            f,
        },
    )
}

/// `GET /staff/assemblies/new`: administrators, and organisers when the platform administrator allows it.
pub async fn new_assembly_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    if viewer.role != domain::permission::Role::Admin {
        let mut connection = state.store.connection().await?;
        if !app::invitations::organisers_may_create_assemblies(&mut connection).await? {
            return Err(AppError::Forbidden);
        }
    }
    let m = viewer.lang.messages();
    let form = AssemblyForm::new_assembly(m);
    let action = "/staff/assemblies".to_owned();
    form_page(
        &viewer,
        StatusCode::OK,
        m.form_new_title,
        action,
        Vec::new(),
        form,
    )
}

/// `POST /staff/assemblies`.
pub async fn create_assembly(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Submitted(form): Submitted<AssemblyFields>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let draft = match form {
        Ok(draft) => draft,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let form = AssemblyForm::typed(&invalid.fields, m);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let action = "/staff/assemblies".to_owned();
            return form_page(&viewer, status, m.form_new_title, action, errors, form);
        }
    };
    let mut tx = state.store.begin().await?;
    let record = app::assemblies::create_assembly(&mut tx, &viewer.actor(), &draft, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{}?saved=1", record.id)).into_response())
}

/// `GET /staff/assemblies/{assembly_id}/edit`.
pub async fn edit_assembly_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let m = viewer.lang.messages();
    let form = AssemblyForm::stored(&record, m);
    let action = format!("/staff/assemblies/{assembly_id}");
    form_page(
        &viewer,
        StatusCode::OK,
        m.form_edit_title,
        action,
        Vec::new(),
        form,
    )
}

/// `POST /staff/assemblies/{assembly_id}`.
pub async fn update_assembly(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<AssemblyFields>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let draft = match form {
        Ok(draft) => draft,
        Err(invalid) => {
            let errors = invalid.errors.describe(viewer.lang);
            let form = AssemblyForm::typed(&invalid.fields, m);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let action = format!("/staff/assemblies/{assembly_id}");
            return form_page(&viewer, status, m.form_edit_title, action, errors, form);
        }
    };
    let mut tx = state.store.begin().await?;
    app::assemblies::update_assembly(&mut tx, &viewer.actor(), assembly_id, &draft, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}?saved=1")).into_response())
}
