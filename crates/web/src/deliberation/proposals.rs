//! The page of one proposal and its forms: amendments, the drafter's decision on them, comments and the minority
//! report. Making it a recommendation is in `recommendations.rs`, which shows this page again on a refusal.

use app::deliberation::proposals::may_decide_amendments;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, allowed};
use store::proposals::{AmendmentStatus, CommentRow};

use super::forms::{AmendmentForm, CommentForm, DecisionForm, MinorityForm, describe};
use super::views::{
    AmendmentView, BallotSummary, CommentView, PlaceView, ProposalPage, RecommendationView,
    VersionView, choices, refusal_status, refusal_text,
};
use super::{SavedQuery, refused};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::DeliberationMessages;
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// What the proposal page shows besides the proposal: errors of a failed form, the values typed in it, and
/// whether something was just saved.
#[derive(Default)]
pub(crate) struct Shown {
    /// The HTTP status.
    pub status: Option<StatusCode>,
    /// The errors, in words.
    pub errors: Vec<String>,
    /// The values typed in the failing form (field, value).
    pub typed: Vec<(&'static str, String)>,
    /// Whether something was just saved.
    pub saved: bool,
}

impl Shown {
    /// A failed form: its status, errors and typed values.
    pub(crate) fn failed(
        status: StatusCode,
        errors: Vec<String>,
        typed: Vec<(&'static str, String)>,
    ) -> Shown {
        Shown {
            status: Some(status),
            errors,
            typed,
            saved: false,
        }
    }
}

/// Renders the page of a proposal.
pub(crate) async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    proposal_id: i64,
    shown: Shown,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let mut tx = state.store.begin().await?;
    let file =
        app::deliberation::proposals::proposal_file(&mut tx, assembly_id, proposal_id).await?;
    let sessions = store::sessions::list_sessions(&mut tx, assembly_id).await?;
    drop(tx);
    let tp = viewer.lang.t::<crate::i18n::proposals::ProposalMessages>();
    let place = PlaceView::of(
        &file.proposal,
        &sessions,
        allowed(viewer.role, Action::ViewSessions),
        tp,
    );
    let comment_view = |row: &CommentRow| CommentView {
        body: row.body.clone(),
        on: utc_date(row.created_at),
    };
    let route_values: Vec<&str> = store::recommendations::Route::ALL
        .iter()
        .map(|route| route.as_str())
        .collect();
    let chosen_route = shown
        .typed
        .iter()
        .find(|(name, _)| *name == "route")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let actor = viewer.actor();
    let page = ProposalPage {
        c: Chrome::new(viewer, file.proposal.fields.title.clone()),
        t,
        assembly_id,
        versions: file
            .versions
            .iter()
            .rev()
            .map(|v| VersionView {
                version: v.version,
                body: v.body.clone(),
                amendment_id: v.amendment_id,
                on: utc_date(v.created_at),
            })
            .collect(),
        amendments: file
            .amendments
            .iter()
            .map(|a| AmendmentView {
                id: a.id,
                body: a.body.clone(),
                rationale: a.rationale.clone(),
                status: t.amendment_statuses[match a.status {
                    AmendmentStatus::Open => 0,
                    AmendmentStatus::Accepted => 1,
                    AmendmentStatus::Rejected => 2,
                }]
                .to_owned(),
                open: a.status == AmendmentStatus::Open,
                base_version: a.base_version,
                comments: file
                    .comments
                    .iter()
                    .filter(|c| c.amendment_id == Some(a.id))
                    .map(comment_view)
                    .collect(),
            })
            .collect(),
        comments: file
            .comments
            .iter()
            .filter(|c| c.amendment_id.is_none())
            .map(comment_view)
            .collect(),
        passed: file.passed,
        ballots: file
            .ballots
            .iter()
            .map(|row| BallotSummary::of(row, t))
            .collect(),
        recommendation: file
            .recommendation
            .as_ref()
            .map(|row| RecommendationView::of(row, t)),
        can_draft: allowed(viewer.role, Action::DraftProposals),
        can_decide: may_decide_amendments(&actor, &file.proposal),
        can_adopt: allowed(viewer.role, Action::AdoptRecommendations),
        routes: choices(&route_values, &t.routes, &chosen_route),
        proposal: file.proposal,
        tp,
        place,
        errors: shown.errors,
        typed: shown.typed,
        saved: shown.saved,
    };
    render(shown.status.unwrap_or(StatusCode::OK), &page)
}

/// `GET /staff/assemblies/{assembly_id}/proposals/{proposal_id}`.
pub async fn proposal(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let shown = Shown {
        saved: query.saved.is_some(),
        ..Shown::default()
    };
    page(&state, &viewer, assembly_id, proposal_id, shown).await
}

/// The redirect after a successful post on a proposal's page.
pub(crate) fn saved_proposal(assembly_id: i64, proposal_id: i64) -> Response {
    Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/proposals/{proposal_id}?saved=1"
    ))
    .into_response()
}

/// `POST .../proposals/{proposal_id}/amendments`: propose a new text.
pub async fn propose_amendment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<AmendmentForm>,
) -> Result<Response, AppError> {
    let amendment = match form {
        Ok(amendment) => amendment,
        Err(invalid) => {
            let t = viewer.lang.t::<DeliberationMessages>();
            let typed = vec![
                ("amendment_body", invalid.fields.amendment_body),
                ("rationale", invalid.fields.rationale),
            ];
            let errors = describe(t, &invalid.errors);
            let shown = Shown::failed(StatusCode::UNPROCESSABLE_ENTITY, errors, typed);
            return page(&state, &viewer, assembly_id, proposal_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::deliberation::proposals::propose_amendment(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        proposal_id,
        &amendment.body,
        &amendment.rationale,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_proposal(assembly_id, proposal_id))
}

/// `POST .../proposals/{proposal_id}/amendments/{amendment_id}`: the drafter accepts or rejects an amendment.
pub async fn decide_amendment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id, amendment_id)): Path<(i64, i64, i64)>,
    Submitted(form): Submitted<DecisionForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let decision = match form {
        Ok(decision) => decision,
        Err(invalid) => {
            let errors = describe(t, &invalid.errors);
            let shown = Shown::failed(StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new());
            return page(&state, &viewer, assembly_id, proposal_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let decided = app::deliberation::proposals::decide_amendment(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        proposal_id,
        amendment_id,
        decision,
        now(),
    )
    .await;
    match refused(decided)? {
        Ok(_version) => {
            tx.commit().await?;
            Ok(saved_proposal(assembly_id, proposal_id))
        }
        Err(refusal) => {
            // Amendments are decided by the drafters; others get the page with the reason, not a bare 403.
            drop(tx);
            let shown = Shown::failed(
                refusal_status(&refusal),
                refusal_text(t, &refusal),
                Vec::new(),
            );
            page(&state, &viewer, assembly_id, proposal_id, shown).await
        }
    }
}

/// `POST .../proposals/{proposal_id}/comments`: discuss a proposal or one of its amendments.
pub async fn comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<CommentForm>,
) -> Result<Response, AppError> {
    let comment = match form {
        Ok(comment) => comment,
        Err(invalid) => {
            let t = viewer.lang.t::<DeliberationMessages>();
            let errors = describe(t, &invalid.errors);
            let shown = Shown::failed(StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new());
            return page(&state, &viewer, assembly_id, proposal_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::deliberation::proposals::comment(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        proposal_id,
        comment.amendment_id,
        &comment.body,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_proposal(assembly_id, proposal_id))
}

/// `POST .../proposals/{proposal_id}/minority-report`: members attach a minority report to a proposal.
pub async fn proposal_minority_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<MinorityForm>,
) -> Result<Response, AppError> {
    let text = match form {
        Ok(text) => text,
        Err(invalid) => {
            let t = viewer.lang.t::<DeliberationMessages>();
            let typed = vec![("minority_report", invalid.fields.minority_report)];
            let errors = describe(t, &invalid.errors);
            let shown = Shown::failed(StatusCode::UNPROCESSABLE_ENTITY, errors, typed);
            return page(&state, &viewer, assembly_id, proposal_id, shown).await;
        }
    };
    let mut tx = state.store.begin().await?;
    app::deliberation::proposals::write_minority_report(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        proposal_id,
        &text,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(saved_proposal(assembly_id, proposal_id))
}
