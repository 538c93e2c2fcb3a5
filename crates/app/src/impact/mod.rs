//! Impact and accountability (issue 6): what became of an assembly's recommendations, and what its members and
//! allies do about it.
//!
//! The writes: the authority's deadline ([`save_settings`]), recommendations entered one by one or imported
//! ([`add_recommendation`], [`import_recommendations`]), the authority's responses and the implementation
//! milestones ([`record_response`], [`add_milestone`]), fidelity judgements ([`judge_fidelity`]), the change
//! strategy ([`add_tactic`], [`add_ally`], [`add_actor`]), advocacy ([`add_material`], [`log_action`],
//! [`set_advocate`]) and the evaluation surveys ([`answer_survey`]); each goes through [`crate::audit::audited`].
//! Responses, milestones, fidelity judgements and tactics are edited and removed with a version check, and each
//! change leaves a row of history ([`save_response`], [`edit_milestone`], [`remove_tactic`], ..., [`history`]).
//! The reads ([`tracking`], [`recommendation`], [`evaluation`], [`survey_status`]) turn stored rows into the pure
//! `impact` model, so every figure of a page, an export or an image comes from one [`::impact::Scorecard`].
//!
//! Who may call which use case is the permission table's business (checked before); the rules that depend on the
//! actor live here: a response entered by anyone but the authority is marked as on its behalf, a member's fidelity
//! judgement is the members', and the change strategy is read only by [`Action::ViewStrategy`] roles.
//!
//! [`Action::ViewStrategy`]: domain::permission::Action::ViewStrategy

mod demo;
mod page;
// Editing and removing records, and their history (issue 18, item 8).
mod edits;
mod recommendations;
mod responses;
mod strategy;
mod surveys;
mod tracking;

pub use demo::seed_demo;
// Lists that scale (issue 18, item 5).
pub use edits::{
    MAX_REASON, STALE, edit_milestone, edit_tactic, history, removal_reason, remove_fidelity,
    remove_milestone, remove_response, remove_tactic, save_fidelity, save_response,
};
pub use page::{TrackingPage, public_tracking_page, tracking_page};
pub use recommendations::{Deadline, add_recommendation, import_recommendations, save_settings};
pub use responses::{
    NewJudgement, NewMilestone, NewResponse, add_milestone, judge_fidelity, record_response,
};
pub use strategy::{
    NewAction, add_actor, add_ally, add_material, add_tactic, log_action, set_advocate,
};
pub use surveys::{SurveyAnswers, SurveyStatus, answer_survey, survey_status};
pub use tracking::{
    Evaluation, RecommendationPage, Tracking, due_date, evaluation, is_advocate, public_tracking,
    recommendation, references, to_model, tracking,
};

/// Why a write was refused for a reason the visitor must read in their language (the page words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The reference is already used by another recommendation of the assembly ([`add_recommendation`]).
    DuplicateReference,
    /// The member already answered this survey ([`answer_survey`]).
    AlreadyAnswered,
}

/// The audit entity of an assembly.
fn assembly_entity(assembly_id: i64) -> String {
    format!("assembly:{assembly_id}")
}

/// The audit entity of a recommendation.
fn recommendation_entity(recommendation_id: i64) -> String {
    format!("recommendation:{recommendation_id}")
}
