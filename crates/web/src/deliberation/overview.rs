//! The deliberation page of an assembly (its proposals, ballots and recommendations) and the two forms it carries:
//! drafting a proposal and defining a ballot.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ballots::HeldWhen;
use ballots::notation::MethodKind;
use domain::permission::{Action, allowed};

use super::forms::{BallotForm, ProposalForm, RULES, describe};
use super::views::{
    BallotSummary, Choice, DeliberationPage, ProposalSummary, RecommendationView, choices,
    refusal_status, refusal_text,
};
use super::{SavedQuery, refused};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::DeliberationMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The forms of the page as they were sent, with their errors, when one of them is shown again.
#[derive(Default)]
pub(super) struct Forms {
    pub(super) proposal: ProposalForm,
    pub(super) proposal_errors: Vec<String>,
    pub(super) ballot: BallotForm,
    pub(super) ballot_errors: Vec<String>,
    /// The form adopting many passed proposals, as sent (issue 18, item 1).
    pub(super) adoption: super::adoptions::Adopting,
    pub(super) adoption_errors: Vec<String>,
}

/// Renders the deliberation page of an assembly.
pub(super) async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    forms: Forms,
    saved: bool,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let mut tx = state.store.begin().await?;
    let overview = app::deliberation::report::overview(&mut tx, assembly_id).await?;
    drop(tx);
    let ballot_form = forms.ballot;
    let none = |chosen: &str| Choice {
        value: String::new(),
        label: t.none_option.to_owned(),
        selected: chosen.is_empty(),
    };
    let proposal_choices = std::iter::once(none(&ballot_form.proposal_id))
        .chain(overview.proposals.iter().map(|p| Choice {
            value: p.id.to_string(),
            label: format!("#{} {}", p.id, p.fields.title),
            selected: ballot_form.proposal_id == p.id.to_string(),
        }))
        .collect();
    let ballot_choices = std::iter::once(none(&ballot_form.opens_after))
        .chain(overview.ballots.iter().map(|b| Choice {
            value: b.id.to_string(),
            label: format!("#{} {}", b.id, b.fields.wording),
            selected: ballot_form.opens_after == b.id.to_string(),
        }))
        .collect();
    let adoptable = forms.adoption.rows(t, &overview.adoptable());
    let methods: Vec<&str> = MethodKind::ALL.iter().map(|kind| kind.as_str()).collect();
    let held_whens: Vec<&str> = HeldWhen::ALL.iter().map(|held| held.as_str()).collect();
    let page = DeliberationPage {
        c: Chrome::new(viewer, t.deliberation_title),
        t,
        assembly_id,
        title: overview.assembly.title,
        proposals: overview
            .proposals
            .iter()
            .map(|p| ProposalSummary {
                id: p.id,
                title: p.fields.title.clone(),
                session: p.fields.session_label.clone(),
                table: p.fields.table_label.clone(),
                version: p.version,
            })
            .collect(),
        ballots: overview
            .ballots
            .iter()
            .map(|row| BallotSummary::of(row, t))
            .collect(),
        recommendations: overview
            .recommendations
            .iter()
            .map(|row| RecommendationView::of(row, t))
            .collect(),
        can_draft: allowed(viewer.role, Action::DraftProposals),
        can_manage: allowed(viewer.role, Action::ManageBallots),
        can_adopt: allowed(viewer.role, Action::AdoptRecommendations),
        adoptable,
        adoption_errors: forms.adoption_errors,
        bulk: viewer.lang.t::<crate::i18n::bulk::BulkMessages>(),
        methods: choices(&methods, &t.methods, &ballot_form.method),
        rules: choices(&RULES, &t.rules, &ballot_form.pass_rule),
        held_whens: choices(&held_whens, &t.held_whens, &ballot_form.held_when),
        proposal_choices,
        ballot_choices,
        proposal_form: forms.proposal,
        proposal_errors: forms.proposal_errors,
        ballot_form,
        ballot_errors: forms.ballot_errors,
        saved,
    };
    render(status, &page)
}

/// `GET /staff/assemblies/{assembly_id}/deliberation`.
pub async fn deliberation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let saved = query.saved.is_some();
    page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        Forms::default(),
        saved,
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/proposals`: a member or table drafts a proposal.
pub async fn create_proposal(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ProposalForm>,
) -> Result<Response, AppError> {
    let new = match form {
        Ok(new) => new,
        Err(invalid) => {
            let t = viewer.lang.t::<DeliberationMessages>();
            let forms = Forms {
                proposal_errors: describe(t, &invalid.errors),
                proposal: invalid.fields,
                ..Forms::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&state, &viewer, assembly_id, status, forms, false).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let id = app::deliberation::proposals::create_proposal(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &new,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/proposals/{id}")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/ballots`: organisers define a ballot (a draft until opened).
pub async fn create_ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<BallotForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let new = match form {
        Ok(new) => new,
        Err(invalid) => {
            let forms = Forms {
                ballot_errors: describe(t, &invalid.errors),
                ballot: invalid.fields,
                ..Forms::default()
            };
            return page(&state, &viewer, assembly_id, status, forms, false).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let created = app::deliberation::voting::create_ballot(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        &new,
        now(),
    )
    .await;
    match refused(created)? {
        Ok(id) => {
            tx.commit().await?;
            Ok(
                Redirect::to(&format!("/staff/assemblies/{assembly_id}/ballots/{id}"))
                    .into_response(),
            )
        }
        Err(refusal) => {
            drop(tx);
            let forms = Forms {
                ballot: BallotForm::from(&new),
                ballot_errors: refusal_text(t, &refusal),
                ..Forms::default()
            };
            let status = refusal_status(&refusal);
            page(&state, &viewer, assembly_id, status, forms, false).await
        }
    }
}
