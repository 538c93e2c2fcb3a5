//! The assembly at work, part B (issue 5): the pages of proposals, amendments and comments, minority reports,
//! secret ballots (online and on paper, sequential), recommendations made from passed proposals, the public final
//! report, and the API's ballot.
//!
//! Handlers only speak HTTP: they read the form ([`forms`]), call one `app::deliberation` use case in one
//! transaction, and render the page ([`views`]) or redirect; a refusal is worded in the visitor's language on the
//! page it came from. The rules, including ballot secrecy, live in `app::deliberation` and `store::ballot_box`:
//! who voted is stored apart from the sealed choices, a vote is audit-logged without the member (see
//! `docs/ballots.md`), nothing about a vote goes to the trace log, and results are counted and shown to nobody,
//! organisers included, before the ballot closes.

// Making many passed proposals recommendations at once from the page (issue 18, item 1).
pub mod adoptions;
pub mod api;
// Opening or closing many ballots at once (issue 18, item 1).
pub mod bulk;
pub mod forms;
// The ballots CSV import (issue 18, item 1).
pub mod import;
pub mod overview;
pub mod paper;
// Proposals imported from CSV with a preview (issue 18, item 1).
pub mod proposal_import;
pub mod proposals;
pub mod recommendations;
pub mod report;
pub mod views;
pub mod voting;

pub use adoptions::adopt_many;
pub use api::api_ballot;
pub use bulk::{api_adopt_recommendations, api_close_ballots, api_open_ballots, bulk_ballots};
pub use import::{api_import_ballots, ballots_template, import_ballots};
pub use overview::{create_ballot, create_proposal, deliberation};
pub use paper::enter_paper;
pub use proposal_import::{api_import_proposals, import_proposals, proposals_template};
pub use proposals::{
    comment, decide_amendment, proposal, proposal_minority_report, propose_amendment,
};
pub use recommendations::{adopt, recommendation_minority_report};
pub use report::{publish_report, report, withdraw_report};
pub use voting::{ballot, close_ballot, open_ballot, vote};

use app::deliberation::{Error, Refusal};
use serde::Deserialize;

use crate::error::AppError;

/// `?saved=1` after a successful post.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    /// Set after a save.
    #[serde(default)]
    pub saved: Option<String>,
}

/// A use case's result split for a handler: the value, or a refusal to word on the page (`Ok(Err(..))`), or an
/// error for the error page (`Err`).
pub(crate) fn refused<T>(
    result: app::deliberation::Result<T>,
) -> Result<Result<T, Refusal>, AppError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(Error::Refused(refusal)) => Ok(Err(refusal)),
        Err(Error::App(error)) => Err(error.into()),
    }
}
