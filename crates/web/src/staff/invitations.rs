//! Staff invitations (issue 18, item 3): `POST /staff/assemblies/{assembly_id}/staff-invitations` invites every
//! address of the form (one a line) with one staff role, in one transaction (`app::invitations::invite`), and emails
//! each a one-time link; `POST .../staff-invitations/{invitation_id}/revoke` revokes one. The workspace lists them.
//! Accepting is the invitee's page (`crate::signin::join`).

use app::accounts::AccountError;
use app::invitations::{InviteRefusal, Invitee};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::Email;
use domain::error::{Problem, ValidationError};
use domain::permission::Role;
use serde::Deserialize;

use super::workspace::{Outcome, page};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::fill;
use crate::i18n::invitations::InvitationMessages;
use crate::{AppState, now};

/// The invitation form: addresses one a line, and the role.
#[derive(Debug, Deserialize)]
pub struct InviteFields {
    /// The addresses, one a line.
    #[serde(default)]
    pub emails: String,
    /// The staff role.
    #[serde(default)]
    pub role: String,
}

impl Validate for InviteFields {
    /// Each non-empty line parsed (with its line number), and the role.
    type Command = (Vec<(usize, Result<Email, ValidationError>)>, Role);

    fn validate(&self) -> Result<Self::Command, FieldErrors> {
        let mut errors = FieldErrors::new();
        let lines: Vec<(usize, Result<Email, ValidationError>)> = self
            .emails
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(index, line)| (index + 1, Email::parse(line.trim())))
            .collect();
        if lines.is_empty() {
            errors.push(ValidationError::new("email", Problem::Required));
        }
        if lines.len() > app::invitations::MAX_INVITEES {
            errors.push(ValidationError::new("email", Problem::Malformed));
        }
        let role = Role::parse_assignable("role", &self.role);
        match &role {
            Ok(Role::Member) => errors.push(ValidationError::new("role", Problem::Malformed)),
            Err(error) => errors.push(error.clone()),
            Ok(_) => {}
        }
        match role {
            Ok(role) if errors.is_empty() => Ok((lines, role)),
            _ => Err(errors),
        }
    }
}

/// `POST /staff/assemblies/{assembly_id}/staff-invitations`: invites every address of the form, or none.
pub async fn invite_staff(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<InviteFields>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<InvitationMessages>();
    let (lines, role) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let outcome = Outcome::errors(invalid.errors.describe(viewer.lang));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&state, &viewer, assembly_id, status, outcome).await;
        }
    };
    let mut invitees = Vec::new();
    let mut errors = Vec::new();
    for (line, parsed) in lines {
        match parsed {
            Ok(email) => invitees.push(Invitee { email, role }),
            Err(error) => errors.push(format!(
                "{line}: {}",
                viewer.lang.messages().describe(&error)
            )),
        }
    }
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return page(
            &state,
            &viewer,
            assembly_id,
            status,
            Outcome::errors(errors),
        )
        .await;
    }
    let mut tx = state.store.begin().await?;
    let invited = app::invitations::invite(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &invitees,
        viewer.lang.code(),
        now(),
    )
    .await;
    let done = match invited {
        Ok(done) => done,
        Err(AccountError::Refused(refusal)) => {
            drop(tx);
            let (template, line) = match refusal {
                InviteRefusal::NotStaffRole { line } => (t.err_not_staff_role, line),
                InviteRefusal::AccountExists { line } => (t.err_account_exists, line),
            };
            let error = fill(template, &[("line", line.to_string().as_str())]);
            let outcome = Outcome::errors(vec![error]);
            return page(&state, &viewer, assembly_id, StatusCode::CONFLICT, outcome).await;
        }
        Err(AccountError::App(error)) => return Err(error.into()),
    };
    tx.commit().await?;
    crate::effects::carry_out(&state, done.effects);
    let count = done.value.len().to_string();
    let outcome = Outcome {
        saved: true,
        message: Some(fill(t.sent, &[("count", count.as_str())])),
        ..Outcome::default()
    };
    page(&state, &viewer, assembly_id, StatusCode::OK, outcome).await
}

/// `POST /staff/assemblies/{assembly_id}/staff-invitations/{invitation_id}/revoke`: its link stops working.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, invitation_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    app::invitations::revoke(&mut tx, &viewer.actor(), assembly_id, invitation_id, now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}?saved=1#invitations"
    ))
    .into_response())
}
