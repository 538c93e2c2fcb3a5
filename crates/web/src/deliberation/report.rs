//! The public final report: every recommendation with its support and minority report, printable, with the audit
//! log's signed anchor at the foot.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::views::{RecommendationView, ReportPage};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::{DeliberationMessages, fill};
use crate::views::{AssemblyView, Chrome, render};

/// `GET /assemblies/{assembly_id}/report`: every recommendation with its support and minority report; printable.
pub async fn report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let signer = state.config.secret.audit_signer();
    let mut tx = state.store.begin().await?;
    let report = app::deliberation::report::final_report(&mut tx, assembly_id, &signer).await?;
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
    let page = ReportPage {
        anchor,
        c: Chrome::new(
            &viewer,
            fill(t.report_title, &[("title", &report.assembly.title)]),
        ),
        t,
        a: AssemblyView::new(&report.assembly, viewer.lang.messages()),
        recommendations: report
            .recommendations
            .iter()
            .map(|row| RecommendationView::of(row, t))
            .collect(),
    };
    render(StatusCode::OK, &page)
}
