//! The evaluation surveys: the public survey (`/assemblies/{id}/survey`, anonymous) and the members' before and
//! after surveys (`/staff/assemblies/{id}/impact/survey`, once each).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::impact::Survey;

use super::ThanksQuery;
use super::forms::{MemberSurveyForm, PublicSurveyForm, SurveyForm, Worded, describe};
use super::views::{Question, SurveyPage, code_choices, refusal_message};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{Invalid, Submitted};
use crate::i18n::impact::ImpactMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// How a survey page is shown: after a visit, after answers were counted, or with the errors of a sheet.
struct Shown {
    status: StatusCode,
    thanks: bool,
    errors: Vec<String>,
    typed: SurveyForm,
}

impl Shown {
    fn visit(query: ThanksQuery) -> Shown {
        Shown {
            status: StatusCode::OK,
            thanks: query.thanks.is_some(),
            errors: Vec::new(),
            typed: SurveyForm::default(),
        }
    }

    fn refused(errors: Vec<String>, typed: SurveyForm) -> Shown {
        Shown {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            thanks: false,
            errors,
            typed,
        }
    }

    fn invalid<F: Worded>(
        t: &'static ImpactMessages,
        invalid: Invalid<F>,
        typed: fn(F) -> SurveyForm,
    ) -> Shown {
        let errors = describe::<F>(t, &invalid.errors);
        Shown::refused(errors, typed(invalid.fields))
    }
}

async fn survey_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    members: bool,
    shown: Shown,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let account_id = viewer.account.as_ref().map(|account| account.id);
    let mut connection = state.store.connection().await?;
    let status =
        app::impact::survey_status(&mut connection, assembly_id, members, account_id).await?;
    drop(connection);
    let survey = if members {
        Survey::MembersBefore
    } else {
        Survey::Public
    };
    let texts: &[&'static str] = if members {
        &t.member_items
    } else {
        &t.public_items
    };
    let typed = &shown.typed;
    let questions = survey
        .items()
        .iter()
        .zip(texts)
        .map(|(item, text)| Question {
            item: item.as_str(),
            text,
            selected: typed.value(*item).parse().unwrap_or(0),
        })
        .collect();
    let selected = if typed.survey.is_empty() {
        Survey::MembersBefore.as_str()
    } else {
        typed.survey.as_str()
    };
    let page = SurveyPage {
        c: Chrome::new(
            viewer,
            if members {
                t.members_survey_title
            } else {
                t.public_survey_title
            },
        ),
        t,
        assembly_id,
        title: status.title,
        members,
        action: if members {
            format!("/staff/assemblies/{assembly_id}/impact/survey")
        } else {
            format!("/assemblies/{assembly_id}/survey")
        },
        surveys: code_choices(&Survey::MEMBERS, Survey::as_str, &t.surveys, selected),
        answered: status
            .answered
            .iter()
            .map(|survey| t.surveys[survey.index()])
            .collect(),
        questions,
        thanks: shown.thanks,
        errors: shown.errors,
    };
    render(shown.status, &page)
}

/// `GET /assemblies/{id}/survey`: the public survey.
pub async fn public_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<ThanksQuery>,
) -> Result<Response, AppError> {
    survey_page(&state, &viewer, assembly_id, false, Shown::visit(query)).await
}

/// `GET /staff/assemblies/{id}/impact/survey`: the members' survey.
pub async fn member_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<ThanksQuery>,
) -> Result<Response, AppError> {
    survey_page(&state, &viewer, assembly_id, true, Shown::visit(query)).await
}

/// `POST /assemblies/{id}/survey`: counts a public answer sheet (only per-value counts are kept), within the public
/// rate limit (`crate::limits`).
pub async fn answer_public_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<PublicSurveyForm>,
) -> Result<Response, AppError> {
    let sheet = match form {
        Ok(sheet) => sheet,
        Err(invalid) => {
            let t = viewer.lang.t::<ImpactMessages>();
            let shown = Shown::invalid(t, invalid, |form| form.0);
            return survey_page(&state, &viewer, assembly_id, false, shown).await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let write = crate::limits::PublicWrite::SurveyAnswer;
    crate::limits::count(&state, &mut tx, write, viewer.client, now).await?;
    // The public survey has no takers, so no sheet that validated is refused as already answered.
    app::impact::answer_survey(&mut tx, &viewer.actor(), assembly_id, &sheet, now)
        .await?
        .map_err(|_| AppError::Conflict("survey already answered".to_owned()))?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/assemblies/{assembly_id}/survey?thanks=1")).into_response())
}

/// `POST /staff/assemblies/{id}/impact/survey`: a member answers the before or after survey, once each.
pub async fn answer_member_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<MemberSurveyForm>,
) -> Result<Response, AppError> {
    viewer.account_id()?;
    let t = viewer.lang.t::<ImpactMessages>();
    let sheet = match form {
        Ok(sheet) => sheet,
        Err(invalid) => {
            let shown = Shown::invalid(t, invalid, |form| form.0);
            return survey_page(&state, &viewer, assembly_id, true, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    match app::impact::answer_survey(&mut tx, &viewer.actor(), assembly_id, &sheet, now()).await? {
        Ok(()) => tx.commit().await?,
        Err(refusal) => {
            drop(tx);
            let typed = SurveyForm {
                survey: sheet.survey.as_str().to_owned(),
                ..SurveyForm::echo(&sheet.answers)
            };
            let shown = Shown::refused(vec![refusal_message(t, refusal)], typed);
            return survey_page(&state, &viewer, assembly_id, true, shown).await;
        }
    }
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/impact/survey?thanks=1"
    ))
    .into_response())
}
