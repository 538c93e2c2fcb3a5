//! The final report: every recommendation with its support and minority report, printable, with the audit log's
//! signed anchor at the foot; and publishing it (issue 18, item 7). Until an organiser publishes it, the public
//! sees that it is not published yet, and members and staff see a preview with, for organisers, the form that
//! publishes it.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};
use serde::Deserialize;

use super::forms::PublishFields;
use super::views::{RecommendationView, ReportPage};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::publish::PublishMessages;
use crate::i18n::{DeliberationMessages, fill};
use crate::views::{AssemblyView, Chrome, render, utc_date};
use crate::{AppState, now};

/// Query of the report page: what the last publishing action did.
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    /// `published` or `withdrawn`.
    #[serde(default)]
    pub notice: Option<String>,
}

/// Renders the report of assembly `assembly_id` as `viewer` may read it, with `status` and the publishing form's
/// `errors`.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    notice: Option<&'static str>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let p = viewer.lang.t::<PublishMessages>();
    let signer = state.config.secret.audit_signer();
    let mut tx = state.store.begin().await?;
    let report =
        app::deliberation::report::final_report(&mut tx, &viewer.actor(), assembly_id, &signer)
            .await?;
    drop(tx);
    // The printed report fixes the audit log's state: a later rewrite or cut of the log no longer holds this
    // anchor. The JSON is the one `/audit/anchor` gives.
    let anchor = &report.anchor;
    let anchor = serde_json::json!({
        "entries": anchor.entries,
        "head": anchor.head,
        "signed": anchor.signed,
        "signature": anchor.signature,
        "public_key": anchor.public_key,
    })
    .to_string();
    let visibility = report.visibility;
    let page = ReportPage {
        anchor,
        c: Chrome::new(
            viewer,
            fill(t.report_title, &[("title", &report.assembly.title)]),
        ),
        t,
        p,
        a: AssemblyView::new(&report.assembly, viewer.lang.messages()),
        shown: visibility.shown(),
        preview: visibility.preview(),
        published_on: visibility.published.map(|publication| {
            fill(
                p.report_published_on,
                &[("date", &utc_date(publication.published_at))],
            )
        }),
        can_publish: allowed(viewer.role, Action::PublishReport),
        publish_confirm: fill(
            p.publish_confirm,
            &[("n", &report.recommendations.len().to_string())],
        ),
        notice,
        errors,
        recommendations: report
            .recommendations
            .iter()
            .map(|row| RecommendationView::of(row, t))
            .collect(),
    };
    render(status, &page)
}

/// `GET /assemblies/{assembly_id}/report`: every recommendation with its support and minority report; printable.
/// Before it is published: a preview for members and staff, a notice for the public.
pub async fn report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let p = viewer.lang.t::<PublishMessages>();
    let notice = match query.notice.as_deref() {
        Some("published") => Some(p.done_published),
        Some("withdrawn") => Some(p.done_withdrawn),
        _ => None,
    };
    page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        notice,
        Vec::new(),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/report/publish`: publishes the report, once its preview was read.
pub async fn publish_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<PublishFields>,
) -> Result<Response, AppError> {
    let p = viewer.lang.t::<PublishMessages>();
    if form.is_err() {
        let errors = vec![p.err_publish_confirm.to_owned()];
        return page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
        )
        .await;
    }
    let mut tx = state.store.begin().await?;
    match app::publication::publish_report(&mut tx, &viewer.actor(), assembly_id, now()).await {
        Ok(()) => tx.commit().await?,
        Err(app::Error::Conflict(_)) => {
            drop(tx);
            // Nothing to publish, or published already (a second click): the page says which.
            let mut connection = state.store.connection().await?;
            let published =
                app::publication::visibility(&mut connection, &viewer.actor(), assembly_id)
                    .await?
                    .published;
            drop(connection);
            if published.is_some() {
                return Ok(done(assembly_id, "published"));
            }
            let errors = vec![p.err_nothing_to_publish.to_owned()];
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::CONFLICT,
                None,
                errors,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    }
    Ok(done(assembly_id, "published"))
}

/// `POST /staff/assemblies/{assembly_id}/report/withdraw`: hides the report from the public again.
pub async fn withdraw_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    match app::publication::withdraw_report(&mut tx, &viewer.actor(), assembly_id, now()).await {
        // Not published (a second click): nothing to do, and the page says it is withdrawn.
        Ok(()) => tx.commit().await?,
        Err(app::Error::Conflict(_)) => drop(tx),
        Err(other) => return Err(other.into()),
    }
    Ok(done(assembly_id, "withdrawn"))
}

/// Back to the report after a publishing action.
fn done(assembly_id: i64, notice: &str) -> Response {
    Redirect::to(&format!("/assemblies/{assembly_id}/report?notice={notice}")).into_response()
}
