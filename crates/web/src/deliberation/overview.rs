//! The deliberation page of an assembly (its proposals, ballots and recommendations) and the two forms it carries:
//! drafting a proposal and defining a ballot.
//!
//! Its proposals list pages 50 at a time, filtered by stage and session and searched by title (issue 18, item 5):
//! titles are not personal data, so the filters are plain query parameters and the pages plain links.

use app::deliberation::Refusal;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ballots::HeldWhen;
use ballots::notation::MethodKind;
use domain::permission::{Action, allowed};

use serde::Deserialize;
use store::proposals::{Filter, Stage};

use super::forms::{BallotForm, ProposalForm, RULES, describe};
use super::refused;
use super::views::{
    BallotSummary, Choice, DeliberationPage, PlaceView, ProposalFilterView, ProposalSummary,
    RecommendationView, choices, refusal_status, refusal_text, session_choices, table_groups,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::DeliberationMessages;
use crate::i18n::proposals::ProposalMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// Proposals a page of the list.
pub const PAGE_SIZE: i64 = 50;

/// The query of the deliberation page: the filters and page of its proposals list, and `saved` after a post.
/// Every field is text, so that a stray value shows the whole list rather than an error.
#[derive(Debug, Default, Deserialize)]
pub struct DeliberationQuery {
    /// Set after a save.
    #[serde(default)]
    pub saved: Option<String>,
    /// A fragment of the title.
    #[serde(default)]
    pub q: String,
    /// One of the [`Stage`] identifiers, or empty.
    #[serde(default)]
    pub stage: String,
    /// A session id, or empty.
    #[serde(default)]
    pub session: String,
    /// The page, from 1.
    #[serde(default)]
    pub page: String,
}

impl DeliberationQuery {
    /// The list's filter and its page (from 0).
    fn filter(&self) -> (Filter, i64) {
        let filter = Filter {
            search: self.q.trim().chars().take(200).collect(),
            session_id: self.session.trim().parse().ok(),
            stage: Stage::parse(self.stage.trim()),
        };
        let page = self.page.trim().parse::<i64>().unwrap_or(1).max(1) - 1;
        (filter, page)
    }
}

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
    query: &DeliberationQuery,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let tp = viewer.lang.t::<ProposalMessages>();
    let saved = query.saved.is_some();
    let (filter, page_no) = query.filter();
    let actor = viewer.actor();
    let mut tx = state.store.begin().await?;
    let overview = app::deliberation::report::overview(&mut tx, assembly_id).await?;
    let places = app::deliberation::proposals::places(&mut tx, &actor, assembly_id).await?;
    let (listed, matching) = app::deliberation::proposals::proposals_page(
        &mut tx,
        assembly_id,
        &filter,
        page_no,
        PAGE_SIZE,
    )
    .await?;
    drop(tx);
    let mut proposal_form = forms.proposal;
    if forms.proposal_errors.is_empty() && proposal_form.title.is_empty() {
        // A fresh form starts at the drafter's own table in their latest session.
        let (session_id, table_no) = places.default_for_drafter();
        if let (Some(session_id), Some(table_no)) = (session_id, table_no) {
            proposal_form.session_id = session_id.to_string();
            proposal_form.table = ProposalForm::table_value(session_id, table_no);
        }
    }
    let staff_sessions = allowed(viewer.role, Action::ViewSessions);
    let stage_values: Vec<&str> = Stage::ALL.iter().map(|stage| stage.as_str()).collect();
    let chosen_stage = filter.stage.map(Stage::as_str).unwrap_or("");
    let chosen_session = filter
        .session_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    let any = |label: &str, chosen: &str| Choice {
        value: String::new(),
        label: label.to_owned(),
        selected: chosen.is_empty(),
    };
    let filter_view = ProposalFilterView {
        filtered: filter != Filter::default(),
        q: filter.search.clone(),
        stages: std::iter::once(any(tp.any_stage, chosen_stage))
            .chain(choices(&stage_values, &tp.stages, chosen_stage))
            .collect(),
        sessions: std::iter::once(any(tp.any_session, &chosen_session))
            .chain(
                session_choices(&places, &chosen_session, tp)
                    .into_iter()
                    .skip(1),
            )
            .collect(),
    };
    let query_string = serde_urlencoded::to_string([
        ("q", filter.search.as_str()),
        ("stage", chosen_stage),
        ("session", chosen_session.as_str()),
    ])
    .unwrap_or_default();
    let paging = crate::paging::Paging::links(
        viewer.lang,
        &format!("/staff/assemblies/{assembly_id}/deliberation?{query_string}&"),
        page_no,
        PAGE_SIZE,
        matching,
    );
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
        proposals: listed
            .iter()
            .map(|p| ProposalSummary {
                id: p.id,
                title: p.fields.title.clone(),
                place: PlaceView::of(p, &places.sessions, staff_sessions, tp),
                stage: tp.stages[Stage::ALL
                    .iter()
                    .position(|stage| *stage == p.stage)
                    .unwrap_or(0)]
                .to_owned(),
                version: p.version,
            })
            .collect(),
        tp,
        filter: filter_view,
        paging,
        session_choices: session_choices(&places, &proposal_form.session_id, tp),
        table_groups: table_groups(&places, &proposal_form.table, tp),
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
        proposal_form,
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
    Query(query): Query<DeliberationQuery>,
) -> Result<Response, AppError> {
    page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        Forms::default(),
        &query,
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
            let query = DeliberationQuery::default();
            return page(&state, &viewer, assembly_id, status, forms, &query).await;
        }
    };
    let mut tx = state.store.begin().await?;
    let created = app::deliberation::proposals::create_proposal(
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
                Redirect::to(&format!("/staff/assemblies/{assembly_id}/proposals/{id}"))
                    .into_response(),
            )
        }
        Err(refusal) => {
            drop(tx);
            let t = viewer.lang.t::<DeliberationMessages>();
            let tp = viewer.lang.t::<ProposalMessages>();
            // A session or table of another assembly (or none of this one) is named in the field's own words.
            let errors = match refusal {
                Refusal::UnknownSession => {
                    vec![format!("{}: {}", t.session_label, tp.err_unknown_session)]
                }
                Refusal::UnknownTable => {
                    vec![format!("{}: {}", t.table_label, tp.err_unknown_table)]
                }
                ref other => refusal_text(t, other),
            };
            let forms = Forms {
                proposal: ProposalForm::from(&new),
                proposal_errors: errors,
                ..Forms::default()
            };
            let status = refusal_status(&refusal);
            let query = DeliberationQuery::default();
            page(&state, &viewer, assembly_id, status, forms, &query).await
        }
    }
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
            let query = DeliberationQuery::default();
            return page(&state, &viewer, assembly_id, status, forms, &query).await;
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
            let query = DeliberationQuery::default();
            page(&state, &viewer, assembly_id, status, forms, &query).await
        }
    }
}
