//! Impact and accountability pages (issue 6): the authority's responses, implementation milestones and fidelity
//! judgements, the public scorecard with its CSV/JSON/SVG exports, the change strategy (tactics, allies, power map),
//! members as advocates, and the evaluation report with its surveys.
//!
//! Who sees what: the scorecard, the evaluation report and the public survey are public and show aggregates and
//! public documents only (responses, milestones and judgements are public acts). The staff pages under
//! `/staff/assemblies/{id}/impact` are for the roles of [`Action::ViewImpact`]; the change strategy (tactics, allies,
//! power map) and the members' logged actions are working material shown only to [`Action::ViewStrategy`] roles
//! (members, the oversight group, facilitators, organisers), never to the authority or the public.
//! Responses are recorded by the authority account or by organisers on its behalf (stored and shown as such);
//! fidelity is judged by the oversight group (Observer) or the members, never by the authority.
//!
//! The handlers are HTTP only: each form validates into a command ([`forms`]), one `app::impact` use case reads or
//! writes, and the page is rendered ([`views`]). Every figure comes from the one `impact::Scorecard` that
//! `app::impact::tracking` computes, so the page, the exports and the image cannot disagree.
//!
//! [`Action::ViewImpact`]: domain::permission::Action::ViewImpact
//! [`Action::ViewStrategy`]: domain::permission::Action::ViewStrategy

// Editing and removing records, and their history (issue 18, item 8).
pub mod edits;
pub mod evaluation;
pub mod forms;
// The recommendations import's preview, template and API call (issue 18, item 1).
pub mod import_preview;
pub mod list;
pub mod power_map;
pub mod recommendation;
pub mod responses;
pub mod scorecard;
pub mod strategy;
pub mod surveys;
pub mod views;

pub use edits::{
    edit_milestone, edit_tactic, judge_fidelity, record_response, remove_fidelity,
    remove_milestone, remove_response, remove_tactic,
};
pub use evaluation::evaluation;
pub use import_preview::{
    api_import, api_import_milestones, api_import_responses, import_milestones, import_responses,
    import_template, milestones_template, responses_template,
};
pub use list::{add_recommendation, import, list, save_settings, set_advocate};
pub use recommendation::detail;
pub use responses::add_milestone;
pub use scorecard::{scorecard_csv, scorecard_json, scorecard_page, scorecard_svg};
pub use strategy::{add_actor, add_ally, add_material, add_tactic, log_action};
pub use surveys::{answer_member_survey, answer_public_survey, member_survey, public_survey};

use ::impact::Date;
use serde::Deserialize;

use crate::now;

/// Today's date (UTC): the "as of" of every scorecard the pages show.
pub fn today() -> Date {
    Date::from_days_since_epoch((now().div_euclid(86_400)) as i32)
        .unwrap_or_else(|_| Date::from_ymd(1970, 1, 1).expect("the epoch is a date"))
}

/// Query of pages that confirm a change.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    /// Set after a successful change.
    pub saved: Option<String>,
    /// The staff list's theme filter, or empty (issue 18, item 5).
    #[serde(default)]
    pub theme: String,
    /// Words of the reference or title, or empty (not personal data, so a query).
    #[serde(default)]
    pub q: String,
    /// The staff list's page, from 1.
    #[serde(default)]
    pub page: String,
}

/// Query of the survey pages.
#[derive(Debug, Default, Deserialize)]
pub struct ThanksQuery {
    /// Set after answers were counted.
    pub thanks: Option<String>,
}
