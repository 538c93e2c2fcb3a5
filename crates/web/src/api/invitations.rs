//! `POST /api/v1/assemblies/{assembly_id}/staff-invitations`: invites many people to the assembly's staff in one
//! call (issue 18, item 3), through the same use case as the workspace form (`app::invitations::invite`): all or
//! none, one audit entry and one email each.

use app::accounts::AccountError;
use app::invitations::{InviteRefusal, Invitee};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::account::Email;
use domain::error::{Problem, ValidationError};
use domain::permission::Role;
use serde::Deserialize;

use super::JsonBody;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, now};

/// One person to invite.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteeInput {
    /// Their address.
    pub email: String,
    /// `organiser`, `facilitator`, `observer` or `authority`.
    pub role: String,
}

/// What a client sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationsInput {
    /// The people to invite (1 to 500).
    pub invitations: Vec<InviteeInput>,
    /// The language of the emails (`en` or `fr`; English when absent).
    #[serde(default)]
    pub lang: Option<String>,
}

/// `POST /api/v1/assemblies/{assembly_id}/staff-invitations`: 201 with the invitations' ids, in order.
pub async fn invite_staff(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: JsonBody<InvitationsInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    if input.invitations.is_empty() || input.invitations.len() > app::invitations::MAX_INVITEES {
        return Err(AppError::Invalid(ValidationError::new(
            "invitations",
            Problem::Malformed,
        )));
    }
    let lang = match input.lang.as_deref() {
        None => "en",
        Some(code) => crate::i18n::Lang::from_code(code)
            .ok_or_else(|| AppError::Invalid(ValidationError::new("lang", Problem::Malformed)))?
            .code(),
    };
    let mut invitees = Vec::new();
    for invitee in &input.invitations {
        let email = Email::parse(&invitee.email)?;
        let role = Role::parse_assignable("role", &invitee.role)?;
        invitees.push(Invitee { email, role });
    }
    let mut tx = state.store.begin().await?;
    let invited = app::invitations::invite(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &invitees,
        lang,
        now(),
    )
    .await;
    let done = match invited {
        Ok(done) => done,
        Err(AccountError::Refused(refusal)) => {
            drop(tx);
            return Err(match refusal {
                InviteRefusal::NotStaffRole { .. } => {
                    AppError::Invalid(ValidationError::new("role", Problem::Malformed))
                }
                InviteRefusal::AccountExists { line } => AppError::Conflict(format!(
                    "invitation {line}: the address already has an account; give it the role instead"
                )),
            });
        }
        Err(AccountError::App(error)) => return Err(error.into()),
    };
    tx.commit().await?;
    crate::effects::carry_out(&state, done.effects);
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "ids": done.value })),
    )
        .into_response())
}
