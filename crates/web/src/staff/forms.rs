//! The staff forms and the commands they validate into: an assembly's description, a role, a member added by
//! hand, a moderation decision, a staff account and an API token's name.

use std::collections::HashMap;

use domain::account::{DisplayName, Email, TokenName};
use domain::assembly::{
    AssemblyDraft, Authority, CommentStatus, Commitment, Question, Timeline, Title,
};
use domain::error::{Problem, ValidationError};
use domain::permission::Role;
use domain::phase::Phase;
use serde::Deserialize;

use crate::form::{FieldErrors, Validate};

/// The assembly form: title, question, authority, commitments (one per line), the current phase, and
/// `start_<phase>`/`end_<phase>` for every phase, kept by name so that the page shows back what was typed.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct AssemblyFields(pub HashMap<String, String>);

impl AssemblyFields {
    /// The value of field `name`, or empty.
    pub fn field(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }
}

impl Validate for AssemblyFields {
    type Command = AssemblyDraft;

    /// Every problem, not just the first.
    fn validate(&self) -> Result<AssemblyDraft, FieldErrors> {
        let title = Title::parse(self.field("title"));
        let question = Question::parse(self.field("question"));
        let authority = Authority::parse(self.field("authority"));
        let commitments = Commitment::parse_lines(self.field("commitments"));
        let current = Phase::parse("current_phase", self.field("current_phase"));
        let timeline = Timeline::parse(*current.as_ref().unwrap_or(&Phase::Design), |phase| {
            (
                self.0.get(&format!("start_{}", phase.as_str())).cloned(),
                self.0.get(&format!("end_{}", phase.as_str())).cloned(),
            )
        });
        match (title, question, authority, commitments, current, timeline) {
            (Ok(title), Ok(question), Ok(authority), Ok(commitments), Ok(_), Ok(timeline)) => {
                Ok(AssemblyDraft {
                    title,
                    question,
                    authority,
                    commitments,
                    timeline,
                })
            }
            (title, question, authority, commitments, current, timeline) => Err(FieldErrors(
                [
                    title.err(),
                    question.err(),
                    authority.err(),
                    commitments.err(),
                    current.err(),
                    timeline.err(),
                ]
                .into_iter()
                .flatten()
                .collect(),
            )),
        }
    }
}

/// The role assignment form.
#[derive(Debug, Deserialize)]
pub struct RoleFields {
    /// The email of an existing account.
    #[serde(default)]
    pub email: String,
    /// One of the assignable roles.
    #[serde(default)]
    pub role: String,
}

impl Validate for RoleFields {
    type Command = (Email, Role);

    fn validate(&self) -> Result<(Email, Role), FieldErrors> {
        match (
            Email::parse(&self.email),
            Role::parse_assignable("role", &self.role),
        ) {
            (Ok(email), Ok(role)) => Ok((email, role)),
            (email, role) => Err(FieldErrors(
                [email.err(), role.err()].into_iter().flatten().collect(),
            )),
        }
    }
}

/// The form to add a member who signs in with a one-time code.
#[derive(Debug, Deserialize)]
pub struct MemberFields {
    /// The member's name.
    #[serde(default)]
    pub display_name: String,
    /// The member's email (the sign-in identifier).
    #[serde(default)]
    pub email: String,
}

impl Validate for MemberFields {
    type Command = (DisplayName, Email);

    fn validate(&self) -> Result<(DisplayName, Email), FieldErrors> {
        match (
            DisplayName::parse(&self.display_name),
            Email::parse(&self.email),
        ) {
            (Ok(display_name), Ok(email)) => Ok((display_name, email)),
            (display_name, email) => Err(FieldErrors(
                [display_name.err(), email.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            )),
        }
    }
}

/// The moderation form.
#[derive(Debug, Deserialize)]
pub struct ModerationFields {
    /// `approved` or `rejected`.
    #[serde(default)]
    pub decision: String,
}

impl Validate for ModerationFields {
    type Command = CommentStatus;

    fn validate(&self) -> Result<CommentStatus, FieldErrors> {
        match CommentStatus::parse("decision", &self.decision)? {
            CommentStatus::Pending => {
                Err(ValidationError::new("decision", Problem::Malformed).into())
            }
            decision => Ok(decision),
        }
    }
}

/// The bulk moderation form: `comment` repeated once per ticked box and the `decision` button pressed, as posted
/// (a urlencoded struct cannot hold a repeated field).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct BulkModerationFields(pub Vec<(String, String)>);

impl Validate for BulkModerationFields {
    type Command = (Vec<i64>, CommentStatus);

    fn validate(&self) -> Result<(Vec<i64>, CommentStatus), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut ids = Vec::new();
        let mut decision = None;
        for (name, value) in &self.0 {
            match name.as_str() {
                "comment" => match value.trim().parse::<i64>() {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(ValidationError::new("comment", Problem::Malformed)),
                },
                "decision" => match CommentStatus::parse("decision", value) {
                    Ok(CommentStatus::Pending) | Err(_) => {
                        errors.push(ValidationError::new("decision", Problem::Malformed));
                    }
                    Ok(status) => decision = Some(status),
                },
                _ => {}
            }
        }
        if ids.is_empty() {
            errors.push(ValidationError::new("comment", Problem::Required));
        }
        match decision {
            Some(decision) if errors.is_empty() => Ok((ids, decision)),
            None if errors.is_empty() => {
                Err(ValidationError::new("decision", Problem::Required).into())
            }
            _ => Err(errors),
        }
    }
}

/// The form that creates a staff account (no `Debug`: it holds a password).
#[derive(Deserialize)]
pub struct AccountFields {
    /// Name.
    #[serde(default)]
    pub display_name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// `yes` to make a platform administrator.
    #[serde(default)]
    pub is_admin: Option<String>,
}

/// A staff account to create: the account, and whether it administers the platform.
pub struct NewStaffAccount {
    /// The account.
    pub account: app::accounts::NewAccount,
    /// Whether it is a platform administrator.
    pub is_admin: bool,
    /// The email and the name as typed, to show back if the email turns out to be taken.
    pub as_typed: (String, String),
}

impl Validate for AccountFields {
    type Command = NewStaffAccount;

    fn validate(&self) -> Result<NewStaffAccount, FieldErrors> {
        let account =
            app::accounts::NewAccount::parse(&self.display_name, &self.email, &self.password)?;
        Ok(NewStaffAccount {
            account,
            is_admin: self.is_admin.as_deref() == Some("yes"),
            as_typed: (self.email.clone(), self.display_name.clone()),
        })
    }
}

/// The API token form.
#[derive(Debug, Deserialize)]
pub struct TokenFields {
    /// A label for the token.
    #[serde(default)]
    pub name: String,
    /// How many days it works (empty: the default).
    #[serde(default)]
    pub days: String,
}

impl Validate for TokenFields {
    type Command = (TokenName, app::tokens::TokenLifetime);

    fn validate(&self) -> Result<(TokenName, app::tokens::TokenLifetime), FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take(TokenName::parse(&self.name));
        let lifetime = errors.take(app::tokens::TokenLifetime::parse(&self.days));
        match (name, lifetime) {
            (Some(name), Some(lifetime)) => Ok((name, lifetime)),
            _ => Err(errors),
        }
    }
}

/// The phase control (issue 18, item 7): the phase the organiser saw, the one to move to, and the confirmation.
#[derive(Debug, Deserialize)]
pub struct PhaseFields {
    /// The current phase as the page showed it.
    #[serde(default)]
    pub from: String,
    /// The phase to move to (the next or the previous one).
    #[serde(default)]
    pub to: String,
    /// The ticked confirmation.
    #[serde(default)]
    pub confirm: Option<String>,
}

impl Validate for PhaseFields {
    type Command = (Phase, Phase);

    fn validate(&self) -> Result<(Phase, Phase), FieldErrors> {
        let mut errors = FieldErrors::new();
        let from = errors.take(Phase::parse("from", &self.from));
        let to = errors.take(Phase::parse("to", &self.to));
        if self.confirm.is_none() {
            errors.push(ValidationError::new("confirm", Problem::Required));
        }
        match (from, to) {
            (Some(from), Some(to)) if errors.is_empty() => Ok((from, to)),
            _ => Err(errors),
        }
    }
}

/// The workspace's list of people (issue 18, item 5): a role as a query (`?role=member&page=2`), and a name or email
/// fragment only in a POST body, so a name never reaches a URL, a browser's history or a server log.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeopleFilter {
    /// A name or email fragment (POST only).
    #[serde(default)]
    pub q: String,
    /// A role, or empty (or unknown) for every role.
    #[serde(default)]
    pub role: String,
    /// The page, from 1 (anything else: the first page).
    #[serde(default)]
    pub page: String,
}

impl PeopleFilter {
    /// The role asked for, if it is one.
    pub fn role(&self) -> Option<Role> {
        Role::parse_assignable("role", self.role.trim()).ok()
    }

    /// The page asked for, from 0.
    pub fn page(&self) -> i64 {
        crate::paging::page_from_field(&self.page)
    }
}

impl Validate for PeopleFilter {
    type Command = PeopleFilter;

    /// Never refused: an unknown role lists every role, as an empty one does.
    fn validate(&self) -> Result<PeopleFilter, FieldErrors> {
        Ok(self.clone())
    }
}
