//! The survey forms: the public survey and the members' before and after surveys, one Likert value per statement.

use app::impact::SurveyAnswers;
use domain::error::{Problem, ValidationError};
use domain::impact::{LIKERT, Survey, SurveyItem};
use serde::Deserialize;

use super::{Shape, Worded};
use crate::form::{FieldErrors, Validate};
use crate::i18n::impact::ImpactMessages;

/// The answers of a survey form: the survey (members only) and one value per statement, as posted.
#[derive(Debug, Default, Deserialize)]
pub struct SurveyForm {
    /// Which members' survey.
    #[serde(default)]
    pub survey: String,
    /// Members: efficacy.
    #[serde(default)]
    pub efficacy: String,
    /// Members: trust.
    #[serde(default)]
    pub trust: String,
    /// Members: learning.
    #[serde(default)]
    pub learning: String,
    /// Members: respect.
    #[serde(default)]
    pub respect: String,
    /// Public: awareness.
    #[serde(default)]
    pub awareness: String,
    /// Public: support.
    #[serde(default)]
    pub support: String,
}

impl SurveyForm {
    /// The value posted for `item`.
    pub fn value(&self, item: SurveyItem) -> &str {
        match item {
            SurveyItem::Efficacy => &self.efficacy,
            SurveyItem::Trust => &self.trust,
            SurveyItem::Learning => &self.learning,
            SurveyItem::Respect => &self.respect,
            SurveyItem::Awareness => &self.awareness,
            SurveyItem::Support => &self.support,
        }
    }

    /// The form showing an answer sheet that validated (to show it again when it was refused).
    pub fn echo(answers: &[(SurveyItem, i64)]) -> SurveyForm {
        let mut form = SurveyForm::default();
        for (item, value) in answers {
            let field = match item {
                SurveyItem::Efficacy => &mut form.efficacy,
                SurveyItem::Trust => &mut form.trust,
                SurveyItem::Learning => &mut form.learning,
                SurveyItem::Respect => &mut form.respect,
                SurveyItem::Awareness => &mut form.awareness,
                SurveyItem::Support => &mut form.support,
            };
            *field = value.to_string();
        }
        form
    }

    /// Reads one value per statement of `survey`.
    fn answers(&self, errors: &mut FieldErrors, survey: Survey) -> Vec<(SurveyItem, i64)> {
        let mut answers = Vec::new();
        for item in survey.items() {
            match self
                .value(*item)
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|value| LIKERT.contains(value))
            {
                Some(value) => answers.push((*item, value)),
                None => errors.push(ValidationError::new(item.as_str(), Problem::Required)),
            }
        }
        answers
    }

    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        if let Ok(item) = SurveyItem::parse("item", name) {
            let (items, texts): (&[SurveyItem], &[&'static str]) =
                if SurveyItem::PUBLIC.contains(&item) {
                    (&SurveyItem::PUBLIC, &t.public_items)
                } else {
                    (&SurveyItem::MEMBERS, &t.member_items)
                };
            let index = items.iter().position(|i| *i == item).unwrap_or_default();
            return (texts[index], Shape::Answer);
        }
        (t.survey_which, Shape::Text)
    }
}

/// The public survey's form.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct PublicSurveyForm(pub SurveyForm);

impl Validate for PublicSurveyForm {
    type Command = SurveyAnswers;

    fn validate(&self) -> Result<SurveyAnswers, FieldErrors> {
        let mut errors = FieldErrors::new();
        let answers = self.0.answers(&mut errors, Survey::Public);
        errors.or_ok(|| SurveyAnswers {
            survey: Survey::Public,
            answers,
        })
    }
}

impl Worded for PublicSurveyForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        SurveyForm::field(t, name)
    }
}

/// The members' survey form (before or after).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct MemberSurveyForm(pub SurveyForm);

impl Validate for MemberSurveyForm {
    type Command = SurveyAnswers;

    fn validate(&self) -> Result<SurveyAnswers, FieldErrors> {
        let mut errors = FieldErrors::new();
        let survey = errors
            .take(Survey::parse("survey", &self.0.survey))
            .filter(|survey| survey.is_members());
        if survey.is_none() && errors.is_empty() {
            errors.push(ValidationError::new("survey", Problem::Malformed));
        }
        let answers = self.0.answers(&mut errors, Survey::MembersBefore);
        match survey {
            Some(survey) if errors.is_empty() => Ok(SurveyAnswers { survey, answers }),
            _ => Err(errors),
        }
    }
}

impl Worded for MemberSurveyForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        SurveyForm::field(t, name)
    }
}
