//! The registration questions page (issue 18, item 4): the assembly's features and values, which one is the area
//! (checked against the areas of the address list drawn from), editable until quotas or registrations refer to
//! them. Feature names and values are definitions, not personal data.

use app::recruitment::define::{Lock, QuestionsEditor, QuestionsRefusal};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::QuestionsForm;
use super::views::{FeatureRowView, QuestionsPage};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::lists::ListsMessages;
use crate::i18n::{Lang, fill};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// What the page shows again: the form as typed (or `None` for the stored questions), errors by field, a notice.
struct Shown {
    status: StatusCode,
    form: Option<QuestionsForm>,
    errors: Vec<(&'static str, String)>,
    notice: &'static str,
}

/// The stored questions as the form's text.
fn stored_form(editor: &QuestionsEditor) -> QuestionsForm {
    let mut questions = String::new();
    for feature in &editor.features {
        for value in &feature.values {
            questions.push_str(&app::selection::pool::csv_line(&[&feature.name, value]));
        }
    }
    QuestionsForm {
        questions,
        area_feature: editor.area.clone().unwrap_or_default(),
    }
}

/// The area against the address list, in words.
fn area_lines(lang: Lang, editor: &QuestionsEditor) -> Vec<String> {
    let t = lang.t::<ListsMessages>();
    let Some(area) = &editor.area else {
        return vec![t.no_area_feature.to_owned()];
    };
    let Some(check) = editor.area_check() else {
        return vec![t.no_address_list.to_owned()];
    };
    let mut lines = Vec::new();
    if check.unknown.is_empty() {
        lines.push(fill(t.areas_match, &[("feature", area)]));
    } else {
        let areas = check.unknown.join(", ");
        lines.push(fill(
            t.unknown_areas,
            &[("feature", area), ("areas", &areas)],
        ));
    }
    if !check.unused.is_empty() {
        let values = check.unused.join(", ");
        lines.push(fill(
            t.unused_values,
            &[("feature", area), ("values", &values)],
        ));
    }
    lines
}

async fn questions_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    shown: Shown,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ListsMessages>();
    let mut connection = state.store.connection().await?;
    let editor = app::recruitment::define::editor(&mut connection, assembly_id).await?;
    drop(connection);
    let field_errors = |field: &str| {
        shown
            .errors
            .iter()
            .filter(|(of, _)| *of == field)
            .map(|(_, words)| words.clone())
            .collect::<Vec<_>>()
    };
    let page = QuestionsPage {
        c: Chrome::new(viewer, t.questions_title),
        t,
        assembly_id,
        questions: editor
            .features
            .iter()
            .map(|feature| FeatureRowView {
                name: feature.name.clone(),
                values: feature.values.join(", "),
                is_area: editor.area.as_deref() == Some(feature.name.as_str()),
            })
            .collect(),
        locked: match editor.lock {
            None => "",
            Some(Lock::Quotas) => t.locked_quotas,
            Some(Lock::Registered) => t.locked_registered,
        },
        questions_errors: field_errors("questions"),
        area_errors: field_errors("area_feature"),
        notice: shown.notice,
        area_lines: area_lines(viewer.lang, &editor),
        form: shown.form.unwrap_or_else(|| stored_form(&editor)),
        title: editor.title,
    };
    render(shown.status, &page)
}

/// The notice to show after a redirect (`?saved=1`); nothing personal is ever in this query.
#[derive(Debug, Default, Deserialize)]
pub struct QuestionsQuery {
    /// Set after a save.
    #[serde(default)]
    pub saved: Option<String>,
}

/// `GET /staff/assemblies/{assembly_id}/questions`: the registration questions and the area's check.
pub async fn questions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    axum::extract::Query(query): axum::extract::Query<QuestionsQuery>,
) -> Result<Response, AppError> {
    let notice = if query.saved.is_some() {
        viewer.lang.t::<ListsMessages>().saved
    } else {
        ""
    };
    let shown = Shown {
        status: StatusCode::OK,
        form: None,
        errors: Vec::new(),
        notice,
    };
    questions_page(&state, &viewer, assembly_id, shown).await
}

/// `POST /staff/assemblies/{assembly_id}/questions`: saves the questions and the area feature (audited
/// `questions.save`). A bad line is a 422 naming its line and column; locked questions are a 409; areas of the
/// address list missing from the area feature are a 422 naming `area_feature` and listing them.
pub async fn save_questions(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<QuestionsForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ListsMessages>();
    let draft = match form {
        Ok(draft) => draft,
        Err(invalid) => {
            let shown = Shown {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                errors: invalid.fields.describe(viewer.lang),
                form: Some(invalid.fields),
                notice: "",
            };
            return questions_page(&state, &viewer, assembly_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let saved = app::recruitment::define::save_questions(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &draft,
        now(),
    )
    .await?;
    match saved {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/questions?saved=1"
            ))
            .into_response())
        }
        Err(refusal) => {
            drop(tx);
            let (status, errors) = match refusal {
                QuestionsRefusal::Locked(Lock::Quotas) => (
                    StatusCode::CONFLICT,
                    vec![("questions", t.locked_quotas.to_owned())],
                ),
                QuestionsRefusal::Locked(Lock::Registered) => (
                    StatusCode::CONFLICT,
                    vec![("questions", t.locked_registered.to_owned())],
                ),
                QuestionsRefusal::UnknownAreas(areas) => {
                    let feature = draft.area.clone().unwrap_or_default();
                    let words = fill(
                        t.unknown_areas,
                        &[("feature", &feature), ("areas", &areas.join(", "))],
                    );
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        vec![("area_feature", words)],
                    )
                }
            };
            let form = QuestionsForm {
                questions: draft
                    .values
                    .iter()
                    .map(|(feature, value)| app::selection::pool::csv_line(&[feature, value]))
                    .collect(),
                area_feature: draft.area.clone().unwrap_or_default(),
            };
            let shown = Shown {
                status,
                form: Some(form),
                errors,
                notice: "",
            };
            questions_page(&state, &viewer, assembly_id, shown).await
        }
    }
}
