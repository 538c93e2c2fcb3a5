//! The forms of the staff list: the response deadline, one recommendation, the import and the follow-up opt-in.

use ::impact::{Commitment, Support};
use app::impact::Deadline;
use domain::error::{Problem, ValidationError};
use serde::Deserialize;
use store::recommendations::{NewRecommendation, Route};

use super::{Shape, Worded, date, optional, required};
use crate::form::{FieldErrors, Validate};
use crate::i18n::impact::ImpactMessages;

/// The deadline form.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub final_report_on: String,
    /// Weeks.
    #[serde(default)]
    pub response_weeks: String,
    /// `yes` when illustrative.
    #[serde(default)]
    pub illustrative: Option<String>,
}

impl Validate for SettingsForm {
    type Command = Deadline;

    fn validate(&self) -> Result<Deadline, FieldErrors> {
        let mut errors = FieldErrors::new();
        let final_report_on = date(&mut errors, "final_report_on", &self.final_report_on);
        let commitment = errors.take(
            self.response_weeks
                .trim()
                .parse::<u16>()
                .ok()
                .and_then(|weeks| Commitment::respond_within_weeks(weeks).ok())
                .ok_or_else(|| ValidationError::new("response_weeks", Problem::Malformed)),
        );
        match (final_report_on, commitment) {
            (Some(final_report_on), Some(commitment)) => Ok(Deadline {
                final_report_on,
                commitment,
                illustrative: self.illustrative.is_some(),
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for SettingsForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "final_report_on" => (t.final_report_label, Shape::Date),
            _ => (t.weeks_label, Shape::Weeks),
        }
    }
}

/// The form to enter one recommendation (also one line of an import, whose columns have the same names).
#[derive(Debug, Default, Deserialize)]
pub struct RecommendationForm {
    /// Reference.
    #[serde(default)]
    pub reference: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Theme.
    #[serde(default)]
    pub theme: String,
    /// Support in percent (optional).
    #[serde(default)]
    pub support: String,
    /// Route code.
    #[serde(default)]
    pub route: String,
    /// Text.
    #[serde(default)]
    pub body: String,
}

impl RecommendationForm {
    /// The form showing a recommendation that validated (to show it again when the write was refused).
    pub fn echo(new: &NewRecommendation) -> RecommendationForm {
        RecommendationForm {
            reference: new.reference.clone(),
            title: new.title.clone(),
            theme: new.theme.clone(),
            support: new
                .support_bp
                .and_then(|bp| Support::from_basis_points(bp).ok())
                .map(|support| support.to_string().trim_end_matches('%').to_owned())
                .unwrap_or_default(),
            route: new.route.as_str().to_owned(),
            body: new.body.clone(),
        }
    }
}

impl Validate for RecommendationForm {
    type Command = NewRecommendation;

    fn validate(&self) -> Result<NewRecommendation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reference = required(&mut errors, "reference", &self.reference, 40);
        let title = required(&mut errors, "title", &self.title, 300);
        let theme = required(&mut errors, "theme", &self.theme, 100);
        let support_bp = if self.support.trim().is_empty() {
            None
        } else {
            errors
                .take(
                    Support::parse(&self.support)
                        .map_err(|_| ValidationError::new("support", Problem::Malformed)),
                )
                .map(Support::basis_points)
        };
        let route = if self.route.trim().is_empty() {
            Some(Route::Other)
        } else {
            errors.take(
                Route::parse(&self.route)
                    .ok_or_else(|| ValidationError::new("route", Problem::Malformed)),
            )
        };
        let body = optional(&mut errors, "body", &self.body, 20_000);
        errors.or_ok(|| NewRecommendation {
            reference,
            title,
            body,
            theme,
            route: route.unwrap_or(Route::Other),
            support_bp,
            support_text: String::new(),
            minority_report: String::new(),
            proposal_id: None,
        })
    }
}

impl Worded for RecommendationForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "reference" => (t.reference_label, Shape::Text),
            "title" => (t.title_label, Shape::Text),
            "theme" => (t.theme_label, Shape::Text),
            "support" => (t.support_label, Shape::Support),
            "route" => (t.route_label, Shape::Text),
            _ => (t.body_label, Shape::Text),
        }
    }
}

/// The opt-in form.
#[derive(Debug, Default, Deserialize)]
pub struct AdvocateForm {
    /// `in` or `out` (anything but `out` opts in).
    #[serde(default)]
    pub choice: String,
}

impl Validate for AdvocateForm {
    /// Whether to opt in.
    type Command = bool;

    fn validate(&self) -> Result<bool, FieldErrors> {
        Ok(self.choice != "out")
    }
}
