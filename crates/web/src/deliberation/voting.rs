//! The page of one ballot (the vote form, the results once closed, the paper entries for staff) and its actions:
//! opening, closing and voting. Typing paper entries is in `paper.rs`, which shows this page again on a refusal.

use app::deliberation::Refusal;
use app::deliberation::voting::Opening;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ballots::BallotStatus;
use ballots::notation;
use domain::permission::{Action, allowed};
use serde::Deserialize;

use super::forms::VoteForm;
use super::refused;
use super::views::{
    BallotPage, ResultsView, method_name, mismatch_text, refusal_status, refusal_text, rule_name,
    status_name,
};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::i18n::{DeliberationMessages, fill};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// What the ballot page shows besides the ballot: errors, the paper entry typed, a confirmation.
#[derive(Default)]
pub(crate) struct Shown {
    /// The HTTP status.
    pub status: Option<StatusCode>,
    /// The errors, in words.
    pub errors: Vec<String>,
    /// The paper entry typed (on error).
    pub paper_typed: String,
    /// A confirmation to show.
    pub notice: Option<String>,
}

impl Shown {
    /// A refused action, with the paper entry typed, if any.
    pub(crate) fn refused(
        t: &DeliberationMessages,
        refusal: &Refusal,
        paper_typed: String,
    ) -> Shown {
        Shown {
            status: Some(refusal_status(refusal)),
            errors: refusal_text(t, refusal),
            paper_typed,
            notice: None,
        }
    }
}

/// Renders the page of a ballot.
pub(crate) async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    ballot_id: i64,
    shown: Shown,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    // A transaction only for a consistent read (dropped, so rolled back).
    let mut tx = state.store.begin().await?;
    let file =
        app::deliberation::voting::ballot_file(&mut tx, &viewer.actor(), assembly_id, ballot_id)
            .await?;
    drop(tx);
    let ballot = file.ballot;
    let results = file.results.map(|counted| match counted {
        Ok(outcome) => ResultsView::of(&outcome, t),
        Err(_) => ResultsView::text_only(&ballot.result_text),
    });
    let (paper_entries, mismatches) = match &file.paper {
        Some(paper) => (
            paper.entries.clone(),
            paper
                .mismatches
                .iter()
                .map(|mismatch| mismatch_text(t, mismatch))
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let page = BallotPage {
        c: Chrome::new(
            viewer,
            fill(t.ballot_title, &[("id", &ballot_id.to_string())]),
        ),
        t,
        assembly_id,
        method_id: ballot.fields.method.as_str(),
        status_id: ballot.status.as_str(),
        wording: app::deliberation::shown_wording(&ballot).to_owned(),
        method: method_name(t, ballot.fields.method).to_owned(),
        status: status_name(t, ballot.status).to_owned(),
        rule: rule_name(t, ballot.fields.pass_rule).to_owned(),
        options: notation::option_lines(&ballot.fields.options)
            .into_iter()
            .enumerate()
            .map(|(i, label)| (i + 1, label))
            .collect(),
        levels: (1..=5u8)
            .rev()
            .map(|level| (level, t.levels[usize::from(level) - 1]))
            .collect(),
        voters: file.voters,
        can_vote: file.may_vote,
        has_voted: file.has_voted,
        can_manage: allowed(viewer.role, Action::ManageBallots),
        can_enter_paper: file.paper.is_some() && ballot.status == BallotStatus::Open,
        paper_entries,
        mismatches,
        results,
        errors: shown.errors,
        paper_typed: shown.paper_typed,
        notice: shown.notice,
        ballot,
    };
    render(shown.status.unwrap_or(StatusCode::OK), &page)
}

/// `?voted=1` and friends after a successful post.
#[derive(Debug, Default, Deserialize)]
pub struct BallotQuery {
    /// Set after a vote.
    #[serde(default)]
    pub voted: Option<String>,
    /// Set after a paper entry.
    #[serde(default)]
    pub entered: Option<String>,
}

/// `GET /staff/assemblies/{assembly_id}/ballots/{ballot_id}`.
pub async fn ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
    Query(query): Query<BallotQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let notice = if query.voted.is_some() {
        Some(t.vote_recorded.to_owned())
    } else if query.entered.is_some() {
        Some(t.paper_saved.to_owned())
    } else {
        None
    };
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    page(&state, &viewer, assembly_id, ballot_id, shown).await
}

/// The redirect to a ballot's page after a successful post.
fn to_ballot(assembly_id: i64, ballot_id: i64, query: &str) -> Response {
    Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/ballots/{ballot_id}{query}"
    ))
    .into_response()
}

/// `POST .../ballots/{ballot_id}/open`: opens a draft ballot once the ballot it follows has closed; the wording
/// follows that ballot's result, and a ballot held only after a pass (or a failure) that did not happen is skipped.
pub async fn open_ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut tx = state.store.begin().await?;
    let opened = app::deliberation::voting::open_ballot(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        ballot_id,
        now(),
    )
    .await;
    match refused(opened)? {
        Ok(Opening::Opened | Opening::Skipped) => {
            tx.commit().await?;
            Ok(to_ballot(assembly_id, ballot_id, ""))
        }
        Err(refusal) => {
            drop(tx);
            let t = viewer.lang.t::<DeliberationMessages>();
            let shown = Shown::refused(t, &refusal, String::new());
            page(&state, &viewer, assembly_id, ballot_id, shown).await
        }
    }
}

/// `POST .../ballots/{ballot_id}/close`: counts the online votes and the reconciled paper sheets and publishes the
/// result. Paper entries that do not match refuse the closing, naming the sheets.
pub async fn close_ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let seal = state.config.secret.ballot_seal();
    let mut tx = state.store.begin().await?;
    let closed = app::deliberation::voting::close_ballot(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        ballot_id,
        &seal,
        now(),
    )
    .await;
    match refused(closed)? {
        Ok(_outcome) => {
            tx.commit().await?;
            // SQLite: the sealed rows are deleted (and zeroed, `secure_delete`); empty the write-ahead log as well.
            if let Err(error) = state.store.forget().await {
                tracing::warn!(ballot_id, error = %error, "checkpoint after closing a ballot failed");
            }
            Ok(to_ballot(assembly_id, ballot_id, ""))
        }
        Err(refusal) => {
            drop(tx);
            let t = viewer.lang.t::<DeliberationMessages>();
            let shown = Shown::refused(t, &refusal, String::new());
            page(&state, &viewer, assembly_id, ballot_id, shown).await
        }
    }
}

/// `POST .../ballots/{ballot_id}/vote`: a member's secret vote.
pub async fn vote(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
    Submitted(form): Submitted<VoteForm>,
) -> Result<Response, AppError> {
    // The marks always gather; whether they fit the ballot is the use case's to say.
    let marks = form.unwrap_or_default();
    // The choice is sealed under the server secret until the ballot closes (see docs/ballots.md).
    let seal = state.config.secret.ballot_seal();
    let mut tx = state.store.begin().await?;
    let cast = app::deliberation::voting::cast_vote(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        ballot_id,
        &marks,
        &seal,
        now(),
    )
    .await;
    match refused(cast)? {
        Ok(()) => {
            tx.commit().await?;
            Ok(to_ballot(assembly_id, ballot_id, "?voted=1"))
        }
        Err(refusal) => {
            drop(tx);
            let t = viewer.lang.t::<DeliberationMessages>();
            let shown = Shown::refused(t, &refusal, String::new());
            page(&state, &viewer, assembly_id, ballot_id, shown).await
        }
    }
}
