//! The conversation's forms: a vote, a statement, the organisers' settings, seed statements and bulk moderation.

use app::conversation::{NewSettings, Seeds};
use domain::conversation::{ModerationMode, Prompt, Stance, StatementStatus, StatementText};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use crate::form::{FieldErrors, Validate};

/// A vote on one statement.
#[derive(Debug, Deserialize)]
pub struct VoteFields {
    /// The statement voted on.
    #[serde(default)]
    pub statement_id: String,
    /// `agree`, `disagree` or `pass`.
    #[serde(default)]
    pub vote: String,
}

impl Validate for VoteFields {
    type Command = (i64, Stance);

    fn validate(&self) -> Result<(i64, Stance), FieldErrors> {
        let mut errors = FieldErrors::new();
        let statement = errors.take(
            self.statement_id
                .trim()
                .parse::<i64>()
                .map_err(|_| ValidationError::new("statement_id", Problem::Malformed)),
        );
        let stance = errors.take(Stance::parse("vote", &self.vote));
        errors.or_ok(|| {
            (
                statement.unwrap_or_default(),
                stance.unwrap_or(Stance::Pass),
            )
        })
    }
}

/// A participant's statement.
#[derive(Debug, Deserialize)]
pub struct StatementFields {
    /// The text.
    #[serde(default)]
    pub statement: String,
}

impl Validate for StatementFields {
    type Command = StatementText;

    fn validate(&self) -> Result<StatementText, FieldErrors> {
        StatementText::parse("statement", &self.statement).map_err(FieldErrors::from)
    }
}

/// The organisers' settings.
#[derive(Debug, Deserialize)]
pub struct SettingsFields {
    /// The prompt.
    #[serde(default)]
    pub prompt: String,
    /// `accepted_only` or `unless_rejected`.
    #[serde(default)]
    pub moderation: String,
    /// Present when the box is ticked.
    #[serde(default)]
    pub open: Option<String>,
}

impl Validate for SettingsFields {
    type Command = NewSettings;

    fn validate(&self) -> Result<NewSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let prompt = errors.take(Prompt::parse(&self.prompt));
        let moderation = errors.take(
            ModerationMode::parse(&self.moderation)
                .ok_or_else(|| ValidationError::new("moderation", Problem::Malformed)),
        );
        match (prompt, moderation) {
            (Some(prompt), Some(moderation)) if errors.is_empty() => Ok(NewSettings {
                prompt,
                moderation,
                is_open: self.open.is_some(),
            }),
            _ => Err(errors),
        }
    }
}

/// Seed statements, one per line.
#[derive(Debug, Deserialize)]
pub struct SeedFields {
    /// The lines.
    #[serde(default)]
    pub statements: String,
}

impl Validate for SeedFields {
    type Command = Seeds;

    fn validate(&self) -> Result<Seeds, FieldErrors> {
        Seeds::parse(&self.statements).map_err(FieldErrors::from)
    }
}

/// Bulk moderation: the form's pairs as posted (`statement` repeated once per ticked box, `decision`, and the
/// CSRF token), since a urlencoded struct cannot hold a repeated field.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct ModerationFields(pub Vec<(String, String)>);

impl Validate for ModerationFields {
    type Command = (Vec<i64>, StatementStatus);

    fn validate(&self) -> Result<(Vec<i64>, StatementStatus), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut ids = Vec::new();
        let mut decision = None;
        for (name, value) in &self.0 {
            match name.as_str() {
                "statement" => match value.trim().parse::<i64>() {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(ValidationError::new("statement", Problem::Malformed)),
                },
                "decision" => {
                    decision = match StatementStatus::parse(value) {
                        Some(status) if status != StatementStatus::Pending => Some(status),
                        _ => {
                            errors.push(ValidationError::new("decision", Problem::Malformed));
                            None
                        }
                    }
                }
                _ => {}
            }
        }
        if ids.is_empty() {
            errors.push(ValidationError::new("statement", Problem::Required));
        }
        if decision.is_none() && !errors.has("decision") {
            errors.push(ValidationError::new("decision", Problem::Required));
        }
        match decision {
            Some(decision) if errors.is_empty() => Ok((ids, decision)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> ModerationFields {
        ModerationFields(
            items
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        )
    }

    #[test]
    fn bulk_moderation_takes_every_ticked_statement_once_and_one_decision() {
        let fields = pairs(&[
            ("csrf_token", "x"),
            ("statement", "3"),
            ("statement", "5"),
            ("statement", "3"),
            ("decision", "accepted"),
        ]);
        assert_eq!(
            fields.validate().unwrap(),
            (vec![3, 5], StatementStatus::Accepted)
        );
        let errors = pairs(&[("decision", "rejected")]).validate().unwrap_err();
        assert!(errors.has("statement"));
        let errors = pairs(&[("statement", "3"), ("decision", "pending")])
            .validate()
            .unwrap_err();
        assert!(errors.has("decision"));
        let parsed: ModerationFields =
            serde_urlencoded::from_str("statement=1&statement=2&decision=rejected").unwrap();
        assert_eq!(
            parsed.validate().unwrap(),
            (vec![1, 2], StatementStatus::Rejected)
        );
    }

    #[test]
    fn a_vote_names_its_bad_field() {
        let fields = VoteFields {
            statement_id: "12".to_owned(),
            vote: "maybe".to_owned(),
        };
        assert!(fields.validate().unwrap_err().has("vote"));
        let fields = VoteFields {
            statement_id: "x".to_owned(),
            vote: "agree".to_owned(),
        };
        assert!(fields.validate().unwrap_err().has("statement_id"));
    }
}
