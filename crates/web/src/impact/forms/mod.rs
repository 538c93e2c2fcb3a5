//! The impact pages' forms: each validates into the command of its use case (see [`crate::form`]), and
//! [`describe`] words its errors with the impact catalogue, every sentence starting with the field's label.
//! The recommendations CSV is read by [`parse_import`], line and column named in every problem.

mod detail;
// Editing and removing records (issue 18, item 8).
mod edits;
mod import;
mod list;
mod survey;

pub use detail::{
    ActionForm, ActorForm, AllyForm, FidelityForm, MaterialForm, MilestoneForm, ResponseForm,
    STANCE_CODES, TacticForm,
};
pub use edits::{RemovalForm, VersionedForm};
pub use import::{
    IMPORT_COLUMNS, MILESTONE_COLUMNS, RESPONSE_COLUMNS, parse_import, parse_milestones,
    parse_responses,
};
pub use list::{AdvocateForm, RecommendationForm, SettingsForm};
pub use survey::{MemberSurveyForm, PublicSurveyForm, SurveyForm};

use ::impact::{Date, Link};
use domain::error::{Problem, ValidationError};

use crate::form::FieldErrors;
use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;

/// What a field holds, which picks the sentence of its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text or a choice: "is required", "is too long", "is not valid".
    Text,
    /// A date: "write a date as YYYY-MM-DD".
    Date,
    /// A link: "give an http or https link".
    Link,
    /// A level of support: "give a percentage ...".
    Support,
    /// A number of weeks: "give a number of weeks from 1 to 260".
    Weeks,
    /// A survey statement: "choose one answer".
    Answer,
}

/// A form whose errors are worded with the impact catalogue.
pub trait Worded {
    /// The label and shape of the field `name`.
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape);
}

/// One sentence per error of a `F` form, in the catalogue's language, in the order they were found.
pub fn describe<F: Worded>(t: &'static ImpactMessages, errors: &FieldErrors) -> Vec<String> {
    errors
        .0
        .iter()
        .map(|error| {
            if error.field == "justification" && error.problem == Problem::Required {
                return t.err_justification.to_owned();
            }
            let (label, shape) = F::field(t, &error.field);
            let template = match (shape, error.problem) {
                (Shape::Date, _) => t.err_date,
                (Shape::Link, _) => t.err_link,
                (Shape::Support, _) => t.err_support,
                (Shape::Weeks, _) => t.err_weeks,
                (Shape::Answer, _) => t.err_answer,
                (Shape::Text, Problem::Required) => t.err_required,
                (Shape::Text, Problem::TooLong { .. }) => t.err_too_long,
                (Shape::Text, _) => t.err_malformed,
            };
            fill(template, &[("field", label)])
        })
        .collect()
}

/// Required text of at most `max` characters, trimmed.
fn required(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim();
    if value.is_empty() {
        errors.push(ValidationError::new(field, Problem::Required));
    } else if value.chars().count() > max {
        errors.push(ValidationError::new(field, Problem::TooLong { max }));
    }
    value.to_owned()
}

/// Optional text of at most `max` characters, trimmed.
fn optional(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim();
    if value.chars().count() > max {
        errors.push(ValidationError::new(field, Problem::TooLong { max }));
    }
    value.to_owned()
}

/// A date written `YYYY-MM-DD` (an empty one is not valid either).
fn date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    errors
        .take(Date::parse(raw.trim()).map_err(|_| ValidationError::new(field, Problem::Malformed)))
}

/// An http(s) link (an empty one is not valid either).
fn link(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Link> {
    errors
        .take(Link::parse(raw.trim()).map_err(|_| ValidationError::new(field, Problem::Malformed)))
}
