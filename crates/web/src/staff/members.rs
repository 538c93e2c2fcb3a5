//! `POST /staff/assemblies/{assembly_id}/members`: adds a member who signs in with a one-time code
//! (`app::accounts::add_member`); the code is delivered to the member (`crate::delivery`), never shown here.

use app::accounts::{AccountError, MemberRefusal, NewMember};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::forms::MemberFields;
use super::workspace::{Outcome, page};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::{AppState, now};

/// `POST /staff/assemblies/{assembly_id}/members`: creates (or finds) a member account without a password,
/// gives it the member role if it has no role here, and issues a one-time sign-in code.
pub async fn add_member(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<MemberFields>,
) -> Result<Response, AppError> {
    let (display_name, email) = match form {
        Ok(command) => command,
        Err(invalid) => {
            let outcome = Outcome::errors(invalid.errors.describe(viewer.lang));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&state, &viewer, assembly_id, status, outcome).await;
        }
    };
    let member = NewMember {
        display_name,
        email,
        lang: viewer.lang.code().to_owned(),
    };
    let mut tx = state.store.begin().await?;
    let added =
        app::accounts::add_member(&mut tx, &viewer.actor(), assembly_id, &member, now()).await;
    let m = viewer.lang.messages();
    let done = match added {
        Ok(done) => done,
        Err(AccountError::Refused(MemberRefusal::NotCodeOnly)) => {
            drop(tx);
            let outcome = Outcome::errors(vec![m.account_not_code_only.to_owned()]);
            return page(&state, &viewer, assembly_id, StatusCode::CONFLICT, outcome).await;
        }
        Err(AccountError::App(error)) => return Err(error.into()),
    };
    tx.commit().await?;
    crate::effects::carry_out(&state, done.effects);
    let t = viewer.lang.t::<crate::i18n::codes::CodeMessages>();
    let outcome = Outcome {
        saved: true,
        notice: Some(if done.value.created {
            t.member_added
        } else {
            t.member_existing
        }),
        ..Outcome::default()
    };
    page(&state, &viewer, assembly_id, StatusCode::OK, outcome).await
}
