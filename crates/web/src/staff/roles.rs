//! `POST /staff/assemblies/{assembly_id}/roles`: gives an existing account a role in the assembly
//! (`app::accounts::assign_role`); `POST /staff/assemblies/{assembly_id}/roles/{account_id}/remove` takes it away
//! (`app::accounts::remove_role`).

use app::accounts::{AccountError, RoleRefusal};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::RoleFields;
use super::workspace::{Outcome, page};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::{AppState, now};

/// `POST /staff/assemblies/{assembly_id}/roles`: gives an existing account a role in this assembly.
pub async fn assign_role(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<RoleFields>,
) -> Result<Response, AppError> {
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let (email, role) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let outcome = Outcome::errors(invalid.errors.describe(viewer.lang));
            return page(&state, &viewer, assembly_id, unprocessable, outcome).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let assigned =
        app::accounts::assign_role(&mut tx, &viewer.actor(), assembly_id, &email, role, now())
            .await;
    let refusal = match assigned {
        Ok(()) => {
            tx.commit().await?;
            let saved = format!("/staff/assemblies/{assembly_id}?saved=1");
            return Ok(Redirect::to(&saved).into_response());
        }
        Err(AccountError::Refused(refusal)) => refusal,
        Err(AccountError::App(error)) => return Err(error.into()),
    };
    drop(tx);
    let m = viewer.lang.messages();
    let error = match refusal {
        RoleRefusal::UnknownAccount => m.unknown_account,
        RoleRefusal::StaffRoleNeedsPassword => m.staff_role_needs_password,
    };
    let outcome = Outcome::errors(vec![error.to_owned()]);
    page(&state, &viewer, assembly_id, unprocessable, outcome).await
}

/// `POST /staff/assemblies/{assembly_id}/roles/{account_id}/remove`: takes away the account's role in this
/// assembly (it holds from the account's next request); 404 if it had none.
pub async fn remove_role(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, account_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    app::accounts::remove_role(&mut tx, &viewer.actor(), assembly_id, account_id, now()).await?;
    tx.commit().await?;
    let saved = format!("/staff/assemblies/{assembly_id}?saved=1");
    Ok(Redirect::to(&saved).into_response())
}
