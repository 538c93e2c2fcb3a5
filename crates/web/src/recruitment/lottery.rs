//! The invitation lottery's page: the form (the address list pasted or chosen as a CSV file) and the draws so far.
//! A draw is computed by `app::recruitment::prepare_draw` before the transaction opens and stored by
//! `app::recruitment::save_draw`; every problem of the form is shown at once, with line and column for the CSV.

use app::recruitment::lottery::list_problems;
use app::recruitment::{DrawError, PreparedDraw};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::Role;
use serde::Deserialize;

use super::forms::{self, LotteryForm};
use super::views::LotteryPage;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Validate;
use crate::i18n::RecruitmentMessages;
use crate::i18n::draw::DrawMessages;
use crate::upload::FormData;
use crate::views::render;
use crate::{AppState, now};

/// Query of the lottery page.
#[derive(Debug, Deserialize)]
pub struct DrawnQuery {
    /// Set after a draw was stored.
    #[serde(default)]
    pub drawn: Option<String>,
}

async fn lottery_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: LotteryForm,
    errors: Vec<String>,
    drawn: bool,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let lottery = app::recruitment::lottery::lottery(&mut connection, assembly_id).await?;
    drop(connection);
    let page = LotteryPage::new(viewer, assembly_id, lottery, form, errors, drawn);
    render(status, &page)
}

/// `GET /staff/assemblies/{assembly_id}/invitations`: the lottery form and the draws so far.
pub async fn lottery(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<DrawnQuery>,
) -> Result<Response, AppError> {
    let form = LotteryForm {
        household_capacity: "1".to_owned(),
        ..LotteryForm::default()
    };
    lottery_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        form,
        Vec::new(),
        query.drawn.is_some(),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/invitations`: runs the draw and stores the invitations, or shows the errors
/// (with line and column for the CSV) and stores nothing.
pub async fn run_draw(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<FormData<LotteryForm>, AppError>,
) -> Result<Response, AppError> {
    let FormData(mut form, from_files) = form?;
    let t = viewer.lang.t::<RecruitmentMessages>();
    let from_file = from_files.iter().any(|field| field == "addresses");
    // The problems to show, and whether they are the form's (then a chosen file must be chosen again).
    let prepared = match form.validate() {
        Err(errors) => {
            let d = viewer.lang.t::<DrawMessages>();
            let mut messages: Vec<String> = errors
                .0
                .iter()
                .map(|error| d.describe(viewer.lang, error, "public_number"))
                .collect();
            messages.extend(
                list_problems(&form.addresses, &form.weights)
                    .iter()
                    .map(|problem| forms::list_problem(t, problem)),
            );
            Err((messages, true))
        }
        Ok(command) => match app::recruitment::prepare_draw(&command) {
            Ok(prepared) => Ok(prepared),
            Err(DrawError::Lists(problems)) => {
                let messages = problems
                    .iter()
                    .map(|problem| forms::list_problem(t, problem))
                    .collect();
                Err((messages, true))
            }
            Err(DrawError::Draw(error)) => Err((vec![forms::draw_refused(t, &error)], false)),
            Err(other) => return Err(AppError::internal(other)),
        },
    };
    if from_file {
        // A file is not echoed back into the textarea: it may be megabytes, and it is personal data.
        form.addresses.clear();
    }
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err((mut errors, form_refused)) => {
            if from_file && form_refused {
                errors.push(t.file_again.to_owned());
            }
            return lottery_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
                false,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    match app::recruitment::save_draw(&mut tx, &viewer.actor(), assembly_id, &prepared, now()).await
    {
        Ok(_) => tx.commit().await?,
        Err(DrawError::SeedTaken) => {
            drop(tx);
            return lottery_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::CONFLICT,
                form,
                vec![t.seed_taken.to_owned()],
                false,
            )
            .await;
        }
        Err(DrawError::App(error)) => return Err(error.into()),
        Err(other) => return Err(AppError::internal(other)),
    }
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/invitations?drawn=1"
    ))
    .into_response())
}

/// Stores a draw computed elsewhere (the demo's) in a transaction of its own, as `actor` (an organiser's
/// account); [`AppError::Conflict`] if a code is already used by an earlier draw.
pub(crate) async fn save_draw(
    database: &store::Store,
    actor: Option<i64>,
    assembly_id: i64,
    list: &recruitment::addresses::AddressList,
    outcome: &recruitment::draw::Draw,
    config: &recruitment::draw::DrawConfig,
    capacity: i64,
) -> Result<i64, AppError> {
    let prepared = PreparedDraw {
        list: list.clone(),
        outcome: outcome.clone(),
        config: config.clone(),
        household_capacity: capacity,
    };
    let actor = app::Actor {
        account_id: actor,
        role: Role::Organiser,
    };
    let mut tx = database.begin().await?;
    let draw_id =
        match app::recruitment::save_draw(&mut tx, &actor, assembly_id, &prepared, now()).await {
            Ok(draw_id) => draw_id,
            Err(DrawError::SeedTaken) => {
                return Err(AppError::Conflict(
                    "invitation code already used".to_owned(),
                ));
            }
            Err(DrawError::App(error)) => return Err(error.into()),
            Err(other) => return Err(AppError::internal(other)),
        };
    tx.commit().await?;
    Ok(draw_id)
}
