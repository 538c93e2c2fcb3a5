//! The forms of community assemblies and the commands they validate into: the community phase, a host's
//! registration and key, an outcome (with its anonymous summary `d_{feature}_{value}`), and a bulk moderation.

use std::collections::HashMap;

use domain::community::{NewHost, NewOutcome, OutcomeFields, OutcomeStatus};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use crate::form::{FieldErrors, Validate};

/// The community phase form: the open box and the guide.
#[derive(Debug, Default, Deserialize)]
pub struct PhaseFields {
    /// `on` when ticked.
    #[serde(default)]
    pub is_open: Option<String>,
    /// The facilitation guide.
    #[serde(default)]
    pub guide: String,
}

/// The community phase, as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    /// Whether it is open.
    pub is_open: bool,
    /// The guide (its length is checked by the use case).
    pub guide: String,
}

impl Validate for PhaseFields {
    type Command = Phase;

    fn validate(&self) -> Result<Phase, FieldErrors> {
        Ok(Phase {
            is_open: self.is_open.is_some(),
            guide: self.guide.clone(),
        })
    }
}

/// The host registration form, kept as typed to show back; the area is checked against the assembly's by the
/// handler (it knows them), so the command is the raw fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HostFields {
    /// The host's name.
    #[serde(default)]
    pub name: String,
    /// The host's email.
    #[serde(default)]
    pub email: String,
    /// The community or place.
    #[serde(default)]
    pub community: String,
    /// Its kind.
    #[serde(default)]
    pub kind: String,
    /// The area.
    #[serde(default)]
    pub area: String,
}

impl HostFields {
    /// Parses the registration against the assembly's `areas`.
    pub fn parse(&self, areas: &[String]) -> Result<NewHost, FieldErrors> {
        NewHost::parse(
            &self.name,
            &self.email,
            &self.community,
            &self.kind,
            &self.area,
            areas,
        )
        .map_err(FieldErrors::from)
    }
}

impl Validate for HostFields {
    type Command = HostFields;

    fn validate(&self) -> Result<HostFields, FieldErrors> {
        Ok(self.clone())
    }
}

/// The key form.
#[derive(Debug, Default, Deserialize)]
pub struct KeyFields {
    /// The key as typed.
    #[serde(default)]
    pub key: String,
}

impl Validate for KeyFields {
    type Command = String;

    fn validate(&self) -> Result<String, FieldErrors> {
        let key = self.key.trim();
        if key.is_empty() {
            return Err(ValidationError::new("key", Problem::Required).into());
        }
        Ok(key.to_owned())
    }
}

/// The outcome form, by field name (the summary's fields are `d_{i}_{j}` for the i-th feature's j-th value).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct OutcomeForm(pub HashMap<String, String>);

impl OutcomeForm {
    /// The value of field `name`, or empty.
    pub fn field(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }

    /// Parses the outcome against the assembly's summary `features` (name, values).
    pub fn parse(
        &self,
        features: &[app::recruitment::questions::Feature],
    ) -> Result<NewOutcome, FieldErrors> {
        let mut demographics = Vec::new();
        for (i, feature) in features.iter().enumerate() {
            for (j, value) in feature.values.iter().enumerate() {
                let field = format!("d_{i}_{j}");
                let raw = self.field(&field).to_owned();
                demographics.push((field, feature.name.clone(), value.clone(), raw));
            }
        }
        NewOutcome::parse(
            OutcomeFields {
                held_on: self.field("held_on"),
                participants: self.field("participants"),
                questions: self.field("questions"),
                points: self.field("points"),
                recommendations: self.field("recommendations"),
                notes: self.field("notes"),
            },
            &demographics,
        )
        .map_err(FieldErrors::from)
    }
}

impl Validate for OutcomeForm {
    type Command = OutcomeForm;

    fn validate(&self) -> Result<OutcomeForm, FieldErrors> {
        Ok(OutcomeForm(self.0.clone()))
    }
}

/// The bulk moderation form: every `outcome` field ticked, and the `decision` button pressed.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct ModerationFields(pub Vec<(String, String)>);

/// A bulk moderation, as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    /// The outcomes chosen.
    pub outcome_ids: Vec<i64>,
    /// Accepted or rejected.
    pub decision: OutcomeStatus,
}

impl Validate for ModerationFields {
    type Command = Moderation;

    fn validate(&self) -> Result<Moderation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut outcome_ids = Vec::new();
        let mut decision = None;
        for (name, value) in &self.0 {
            match name.as_str() {
                "outcome" => match value.trim().parse::<i64>() {
                    Ok(id) if !outcome_ids.contains(&id) => outcome_ids.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(ValidationError::new("outcome", Problem::Malformed)),
                },
                "decision" => {
                    decision = match OutcomeStatus::parse(value) {
                        Some(OutcomeStatus::Pending) | None => {
                            errors.push(ValidationError::new("decision", Problem::Malformed));
                            None
                        }
                        some => some,
                    }
                }
                _ => {}
            }
        }
        if outcome_ids.is_empty() && !errors.has("outcome") {
            errors.push(ValidationError::new("outcome", Problem::Required));
        }
        if decision.is_none() && !errors.has("decision") {
            errors.push(ValidationError::new("decision", Problem::Required));
        }
        match decision {
            Some(decision) if errors.is_empty() => Ok(Moderation {
                outcome_ids,
                decision,
            }),
            _ => Err(errors),
        }
    }
}
