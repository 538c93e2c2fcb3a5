//! The forms of a recommendation's page: response, milestone, fidelity, tactic, ally, power map, material and
//! action.

use app::impact::{NewAction, NewJudgement, NewMilestone, NewResponse};
use domain::error::{Problem, ValidationError};
use domain::impact::{
    ActorRole, AllyKind, Arena, Instrument, MaterialKind, Reply, TacticKind, TacticStatus, Verdict,
    Visibility,
};
use serde::Deserialize;
use store::impact::{ActorRow, AllyRow, MaterialRow, TacticRow};

use super::{Shape, Worded, date, link, optional, required};
use crate::form::{FieldErrors, Validate};
use crate::i18n::impact::ImpactMessages;

/// The response form.
#[derive(Debug, Default, Deserialize)]
pub struct ResponseForm {
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Justification.
    #[serde(default)]
    pub justification: String,
    /// Source link.
    #[serde(default)]
    pub source_url: String,
    /// Date.
    #[serde(default)]
    pub responded_on: String,
}

impl Validate for ResponseForm {
    type Command = NewResponse;

    fn validate(&self) -> Result<NewResponse, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.take(Reply::parse("kind", &self.kind));
        let justification = optional(&mut errors, "justification", &self.justification, 10_000);
        let source = link(&mut errors, "source_url", &self.source_url);
        let responded_on = date(&mut errors, "responded_on", &self.responded_on);
        if kind.is_some_and(Reply::needs_justification) && justification.is_empty() {
            errors.push(ValidationError::new("justification", Problem::Required));
        }
        match (kind, source, responded_on) {
            (Some(kind), Some(source), Some(responded_on)) if errors.is_empty() => {
                Ok(NewResponse {
                    kind,
                    justification,
                    source,
                    responded_on,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Worded for ResponseForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "kind" => (t.kind_label, Shape::Text),
            "justification" => (t.justification_label, Shape::Text),
            "source_url" => (t.source_label, Shape::Link),
            _ => (t.date_label, Shape::Date),
        }
    }
}

/// The milestone form.
#[derive(Debug, Default, Deserialize)]
pub struct MilestoneForm {
    /// Date.
    #[serde(default)]
    pub happened_on: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Evidence link.
    #[serde(default)]
    pub evidence_url: String,
}

impl Validate for MilestoneForm {
    type Command = NewMilestone;

    fn validate(&self) -> Result<NewMilestone, FieldErrors> {
        let mut errors = FieldErrors::new();
        let happened_on = date(&mut errors, "happened_on", &self.happened_on);
        let kind = errors.take(Instrument::parse("kind", &self.kind));
        let description = required(&mut errors, "description", &self.description, 2_000);
        let evidence = link(&mut errors, "evidence_url", &self.evidence_url);
        match (happened_on, kind, evidence) {
            (Some(happened_on), Some(kind), Some(evidence)) if errors.is_empty() => {
                Ok(NewMilestone {
                    happened_on,
                    kind,
                    description,
                    evidence,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Worded for MilestoneForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "happened_on" => (t.date_label, Shape::Date),
            "kind" => (t.kind_label, Shape::Text),
            "description" => (t.description_label, Shape::Text),
            _ => (t.evidence_label, Shape::Link),
        }
    }
}

/// The fidelity form.
#[derive(Debug, Default, Deserialize)]
pub struct FidelityForm {
    /// Fidelity code.
    #[serde(default)]
    pub fidelity: String,
    /// Reasons.
    #[serde(default)]
    pub reasons: String,
    /// Enacted text.
    #[serde(default)]
    pub enacted_text: String,
    /// Date.
    #[serde(default)]
    pub judged_on: String,
}

impl Validate for FidelityForm {
    type Command = NewJudgement;

    fn validate(&self) -> Result<NewJudgement, FieldErrors> {
        let mut errors = FieldErrors::new();
        let verdict = errors.take(Verdict::parse("fidelity", &self.fidelity));
        let reasons = required(&mut errors, "reasons", &self.reasons, 10_000);
        let enacted_text = optional(&mut errors, "enacted_text", &self.enacted_text, 20_000);
        let judged_on = date(&mut errors, "judged_on", &self.judged_on);
        match (verdict, judged_on) {
            (Some(verdict), Some(judged_on)) if errors.is_empty() => Ok(NewJudgement {
                verdict,
                reasons,
                enacted_text,
                judged_on,
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for FidelityForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "fidelity" => (t.fidelity_col, Shape::Text),
            "reasons" => (t.reasons_label, Shape::Text),
            "enacted_text" => (t.enacted_label, Shape::Text),
            _ => (t.date_label, Shape::Date),
        }
    }
}

/// The tactic form.
#[derive(Debug, Default, Deserialize)]
pub struct TacticForm {
    /// Arena code.
    #[serde(default)]
    pub arena: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Lead.
    #[serde(default)]
    pub lead: String,
    /// Status code.
    #[serde(default)]
    pub status: String,
    /// Outcome.
    #[serde(default)]
    pub outcome: String,
}

impl Validate for TacticForm {
    type Command = TacticRow;

    fn validate(&self) -> Result<TacticRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let arena = errors.take(Arena::parse("arena", &self.arena));
        let kind = errors.take(TacticKind::parse("kind", &self.kind));
        let description = required(&mut errors, "description", &self.description, 2_000);
        let lead = required(&mut errors, "lead", &self.lead, 200);
        let status = errors.take(TacticStatus::parse("status", &self.status));
        let outcome = optional(&mut errors, "outcome", &self.outcome, 2_000);
        match (arena, kind, status) {
            (Some(arena), Some(kind), Some(status)) if errors.is_empty() => Ok(TacticRow {
                arena,
                kind,
                description,
                lead,
                status,
                outcome,
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for TacticForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        let label = match name {
            "arena" => t.arena_label,
            "kind" => t.kind_label,
            "description" => t.description_label,
            "lead" => t.lead_label,
            "status" => t.tactic_status_label,
            _ => t.outcome_label,
        };
        (label, Shape::Text)
    }
}

/// The ally form.
#[derive(Debug, Default, Deserialize)]
pub struct AllyForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

impl Validate for AllyForm {
    type Command = AllyRow;

    fn validate(&self) -> Result<AllyRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", &self.name, 200);
        let kind = errors.take(AllyKind::parse("kind", &self.kind));
        let note = optional(&mut errors, "note", &self.note, 2_000);
        match kind {
            Some(kind) if errors.is_empty() => Ok(AllyRow { name, kind, note }),
            _ => Err(errors),
        }
    }
}

impl Worded for AllyForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        let label = match name {
            "name" => t.name_label,
            "kind" => t.kind_label,
            _ => t.note_label,
        };
        (label, Shape::Text)
    }
}

/// The stances of the power map, as posted: -2 (strongly against) to 2 (strongly for).
pub const STANCE_CODES: [&str; 5] = ["-2", "-1", "0", "1", "2"];

/// The power-map form.
#[derive(Debug, Default, Deserialize)]
pub struct ActorForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Role code.
    #[serde(default)]
    pub actor_role: String,
    /// Visibility code.
    #[serde(default)]
    pub visibility: String,
    /// Stance -2..2.
    #[serde(default)]
    pub stance: String,
    /// Influence 1..5.
    #[serde(default)]
    pub influence: String,
}

impl Validate for ActorForm {
    type Command = ActorRow;

    fn validate(&self) -> Result<ActorRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", &self.name, 200);
        let actor_role = errors.take(ActorRole::parse("actor_role", &self.actor_role));
        let visibility = errors.take(Visibility::parse("visibility", &self.visibility));
        let stance = self.stance.trim();
        let stance = errors.take(if stance.is_empty() {
            Err(ValidationError::new("stance", Problem::Required))
        } else {
            STANCE_CODES
                .contains(&stance)
                .then(|| stance.parse::<i64>().ok())
                .flatten()
                .ok_or_else(|| ValidationError::new("stance", Problem::Malformed))
        });
        let influence = errors.take(
            self.influence
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|influence| (1..=5).contains(influence))
                .ok_or_else(|| ValidationError::new("influence", Problem::Malformed)),
        );
        match (actor_role, visibility, stance, influence) {
            (Some(actor_role), Some(visibility), Some(stance), Some(influence))
                if errors.is_empty() =>
            {
                Ok(ActorRow {
                    name,
                    actor_role,
                    visibility,
                    stance,
                    influence,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Worded for ActorForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        let label = match name {
            "name" => t.name_label,
            "actor_role" => t.actor_role_label,
            "visibility" => t.visibility_label,
            "stance" => t.stance_label,
            _ => t.influence_label,
        };
        (label, Shape::Text)
    }
}

/// The material form.
#[derive(Debug, Default, Deserialize)]
pub struct MaterialForm {
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Text.
    #[serde(default)]
    pub body: String,
    /// Link (optional).
    #[serde(default)]
    pub link: String,
}

impl Validate for MaterialForm {
    type Command = MaterialRow;

    fn validate(&self) -> Result<MaterialRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.take(MaterialKind::parse("kind", &self.kind));
        let body = required(&mut errors, "body", &self.body, 5_000);
        let link = if self.link.trim().is_empty() {
            String::new()
        } else {
            link(&mut errors, "link", &self.link)
                .map(|link| link.as_str().to_owned())
                .unwrap_or_default()
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(MaterialRow { kind, body, link }),
            _ => Err(errors),
        }
    }
}

impl Worded for MaterialForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "kind" => (t.kind_label, Shape::Text),
            "body" => (t.description_label, Shape::Text),
            _ => (t.link_label, Shape::Link),
        }
    }
}

/// The advocacy action form.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    /// Date.
    #[serde(default)]
    pub happened_on: String,
    /// Description.
    #[serde(default)]
    pub description: String,
}

impl Validate for ActionForm {
    type Command = NewAction;

    fn validate(&self) -> Result<NewAction, FieldErrors> {
        let mut errors = FieldErrors::new();
        let happened_on = date(&mut errors, "happened_on", &self.happened_on);
        let description = required(&mut errors, "description", &self.description, 2_000);
        match happened_on {
            Some(happened_on) if errors.is_empty() => Ok(NewAction {
                happened_on,
                description,
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for ActionForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "happened_on" => (t.date_label, Shape::Date),
            _ => (t.description_label, Shape::Text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::impact::forms::{MemberSurveyForm, SurveyForm, describe};

    #[test]
    fn a_response_but_in_full_needs_its_justification_and_every_field_is_named() {
        let t = Lang::En.t::<ImpactMessages>();
        let form = ResponseForm {
            kind: "rejected".to_owned(),
            justification: String::new(),
            source_url: "not a link".to_owned(),
            responded_on: "2020-07-01".to_owned(),
        };
        let errors = form.validate().unwrap_err();
        assert_eq!(
            describe::<ResponseForm>(t, &errors),
            vec![
                "Link to the source document: give an http or https link",
                "Justification: the authority must justify every response but acceptance in full",
            ]
        );
        let form = ResponseForm {
            kind: "full".to_owned(),
            source_url: "https://gov.example.org/answer".to_owned(),
            responded_on: "2020-07-01".to_owned(),
            ..ResponseForm::default()
        };
        assert_eq!(form.validate().unwrap().kind, Reply::Full);
        let survey = MemberSurveyForm(SurveyForm {
            survey: "members_after".to_owned(),
            efficacy: "6".to_owned(),
            ..SurveyForm::default()
        });
        let errors = survey.validate().unwrap_err();
        assert_eq!(
            describe::<MemberSurveyForm>(t, &errors)[0],
            "People like me can influence the decisions that affect us: choose one answer"
        );
    }
}
