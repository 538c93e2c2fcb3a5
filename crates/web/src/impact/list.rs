//! The staff list of an assembly's recommendations (`/staff/assemblies/{id}/impact`): the response deadline,
//! entering and importing recommendations, and members opting in to the follow-up.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};
use store::recommendations::{RecommendationFilter, Route};

use super::forms::{AdvocateForm, RecommendationForm, SettingsForm, describe, parse_import};
use super::views::{ListPage, code_choices, page_row_views, refusal_message};
use super::{SavedQuery, today};
use crate::auth::Viewer;
use crate::csv_import::ImportForm;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// What the list page shows of a form that failed (all empty after a plain visit).
#[derive(Default)]
struct Failed {
    /// The sentences, in the visitor's language.
    errors: Vec<String>,
    /// Which form (`settings`, `add`, `import`).
    form: &'static str,
    /// The deadline form as typed (the stored deadline when `None`).
    settings: Option<SettingsForm>,
    /// The recommendation form as typed.
    add: RecommendationForm,
    /// The import text as typed.
    import: String,
    /// Which recommendations the list shows and the page, from 0 (issue 18, item 5).
    list: (RecommendationFilter, i64),
}

/// The list page: after a visit (`saved` after a change), or 422 with the form that `failed`.
async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    saved: bool,
    failed: Failed,
) -> Result<Response, AppError> {
    let status = if failed.form.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let t = viewer.lang.t::<ImpactMessages>();
    let mut connection = state.store.connection().await?;
    // The headline is the whole scorecard's; the table shows one page read from the store.
    let tracking = app::impact::tracking(&mut connection, assembly_id, today()).await?;
    let (filter, page_asked) = &failed.list;
    let shown = app::impact::tracking_page(
        &mut connection,
        assembly_id,
        filter,
        *page_asked,
        app::paging::PAGE_SIZE,
        today(),
    )
    .await?;
    let account_id = viewer.account.as_ref().map(|account| account.id);
    let is_advocate = app::impact::is_advocate(&mut connection, assembly_id, account_id).await?;
    drop(connection);
    let stored = tracking.settings.as_ref();
    let settings = failed.settings.unwrap_or_else(|| SettingsForm {
        final_report_on: stored
            .map(|s| s.final_report_on.clone())
            .unwrap_or_default(),
        response_weeks: stored
            .map(|s| s.response_weeks.to_string())
            .unwrap_or_default(),
        illustrative: stored.filter(|s| s.illustrative).map(|_| "yes".to_owned()),
    });
    let route = if failed.add.route.is_empty() {
        "law".to_owned()
    } else {
        failed.add.route.clone()
    };
    let page = ListPage {
        c: Chrome::new(viewer, t.impact_title),
        t,
        assembly_id,
        title: tracking.record.title.clone(),
        headline: tracking.scorecard.headline_in(&super::views::words(t)),
        due: tracking.due.map(|d| d.to_string()).unwrap_or_default(),
        rows: page_row_views(&shown, t),
        any_recommendations: !tracking.tracked.is_empty(),
        lists: viewer.lang.t::<crate::i18n::lists::ListsMessages>(),
        paging: crate::paging::Paging::links(
            viewer.lang,
            &crate::paging::base_url(
                &format!("/staff/assemblies/{assembly_id}/impact"),
                &[("theme", &filter.theme), ("q", &filter.search)],
            ),
            shown.page,
            app::paging::PAGE_SIZE,
            shown.matching,
        ),
        themes: shown.themes,
        theme: filter.theme.clone(),
        q: filter.search.clone(),
        can_manage: allowed(viewer.role, Action::ManageImpact),
        can_advocate: allowed(viewer.role, Action::Advocate),
        is_advocate,
        saved,
        errors: failed.errors,
        failed: failed.form,
        settings,
        add: failed.add,
        routes: code_choices(&Route::ALL, Route::as_str, &t.routes, &route),
        import: failed.import,
        b: viewer.lang.t::<crate::i18n::bulk::BulkMessages>(),
        can_respond: allowed(viewer.role, Action::RespondToRecommendations),
    };
    render(status, &page)
}

/// Back to the list, saying it was saved.
fn saved_list(assembly_id: i64) -> Response {
    Redirect::to(&format!("/staff/assemblies/{assembly_id}/impact?saved=1")).into_response()
}

/// `GET /staff/assemblies/{id}/impact`.
pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let saved = query.saved.is_some();
    let failed = Failed {
        list: (
            RecommendationFilter {
                theme: query.theme.trim().to_owned(),
                search: query.q.trim().to_owned(),
            },
            crate::paging::page_from_field(&query.page),
        ),
        ..Failed::default()
    };
    list_page(&state, &viewer, assembly_id, saved, failed).await
}

/// `POST /staff/assemblies/{id}/impact/settings`: the final report date and the response weeks.
pub async fn save_settings(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<SettingsForm>,
) -> Result<Response, AppError> {
    let deadline = match form {
        Ok(deadline) => deadline,
        Err(invalid) => {
            let t = viewer.lang.t::<ImpactMessages>();
            let failed = Failed {
                errors: describe::<SettingsForm>(t, &invalid.errors),
                form: "settings",
                settings: Some(invalid.fields),
                ..Failed::default()
            };
            return list_page(&state, &viewer, assembly_id, false, failed).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::impact::save_settings(&mut tx, &viewer.actor(), assembly_id, &deadline, now()).await?;
    tx.commit().await?;
    Ok(saved_list(assembly_id))
}

/// `POST /staff/assemblies/{id}/impact/recommendations`: enters one recommendation.
pub async fn add_recommendation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<RecommendationForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let (errors, add) = match form {
        Ok(new) => {
            let mut tx = state.store.begin().await?;
            let added =
                app::impact::add_recommendation(&mut tx, &viewer.actor(), assembly_id, &new, now())
                    .await?;
            match added {
                Ok(_) => {
                    tx.commit().await?;
                    return Ok(saved_list(assembly_id));
                }
                Err(refusal) => (
                    vec![refusal_message(t, refusal)],
                    RecommendationForm::echo(&new),
                ),
            }
        }
        Err(invalid) => (
            describe::<RecommendationForm>(t, &invalid.errors),
            invalid.fields,
        ),
    };
    let failed = Failed {
        errors,
        form: "add",
        add,
        ..Failed::default()
    };
    list_page(&state, &viewer, assembly_id, false, failed).await
}

/// `POST /staff/assemblies/{id}/impact/import`: the pasted CSV is checked whole (every problem by line and column,
/// on the list page with the text kept); a file that reads is shown as a preview table whose form carries the same
/// text back in a hidden field with `step=confirm`, which imports it all or nothing in one transaction (each
/// recommendation with its own audit entry). The text is checked again at the confirmation, so a reference taken
/// meanwhile is refused there too.
pub async fn import(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ImportForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let (text, confirm) = match form {
        Ok(command) => command,
        Err(invalid) => (invalid.fields.csv, false),
    };
    let mut tx = state.store.begin().await?;
    let existing = app::impact::references(&mut tx, assembly_id).await?;
    let parsed = match parse_import(&text, t, &existing) {
        Ok(rows) if rows.is_empty() => {
            Err(vec![fill(t.err_required, &[("field", t.import_label)])])
        }
        other => other,
    };
    let rows = match parsed {
        Ok(rows) => rows,
        Err(errors) => {
            drop(tx);
            let failed = Failed {
                errors: errors.into_iter().take(30).collect(),
                form: "import",
                import: text,
                ..Failed::default()
            };
            return list_page(&state, &viewer, assembly_id, false, failed).await;
        }
    };
    if !confirm {
        drop(tx);
        return super::import_preview::page(&viewer, assembly_id, &text, &rows);
    }
    app::impact::import_recommendations(&mut tx, &viewer.actor(), assembly_id, &rows, now())
        .await?;
    tx.commit().await?;
    Ok(saved_list(assembly_id))
}

/// `POST /staff/assemblies/{id}/impact/advocate`: opt in to (or out of) the follow-up.
pub async fn set_advocate(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<AdvocateForm>,
) -> Result<Response, AppError> {
    let opted_in = match form {
        Ok(opted_in) => opted_in,
        Err(invalid) => invalid.fields.choice != "out",
    };
    let mut tx = state.store.begin().await?;
    app::impact::set_advocate(&mut tx, &viewer.actor(), assembly_id, opted_in, now()).await?;
    tx.commit().await?;
    Ok(saved_list(assembly_id))
}
