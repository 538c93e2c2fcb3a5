//! The sign-in forms: a password sign-in, a code sign-in and the first-run administrator. None derives `Debug`,
//! so a password or a code cannot end up in a log line.

use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use crate::form::{FieldErrors, Validate};

/// The password sign-in form.
#[derive(Deserialize)]
pub struct LoginFields {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

/// A sign-in attempt: both fields present (whether they match an account is the attempt's business).
pub struct Credentials {
    /// The email as typed.
    pub email: String,
    /// The password or the code as typed.
    pub secret: String,
}

/// The error of a field left empty.
fn required(field: &str) -> FieldErrors {
    ValidationError::new(field, Problem::Required).into()
}

impl Validate for LoginFields {
    type Command = Credentials;

    fn validate(&self) -> Result<Credentials, FieldErrors> {
        if self.email.trim().is_empty() {
            return Err(required("email"));
        }
        // A password of spaces is still a password: only an empty one is missing.
        if self.password.is_empty() {
            return Err(required("password"));
        }
        Ok(Credentials {
            email: self.email.clone(),
            secret: self.password.clone(),
        })
    }
}

/// The one-time code sign-in form.
#[derive(Deserialize)]
pub struct CodeFields {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// The one-time code.
    #[serde(default)]
    pub code: String,
}

impl Validate for CodeFields {
    type Command = Credentials;

    fn validate(&self) -> Result<Credentials, FieldErrors> {
        if self.email.trim().is_empty() {
            return Err(required("email"));
        }
        if self.code.trim().is_empty() {
            return Err(required("code"));
        }
        Ok(Credentials {
            email: self.email.clone(),
            secret: self.code.clone(),
        })
    }
}

/// The first-run form that creates the platform's first administrator.
#[derive(Deserialize)]
pub struct SetupFields {
    /// Name.
    #[serde(default)]
    pub display_name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

impl Validate for SetupFields {
    type Command = app::accounts::NewAccount;

    fn validate(&self) -> Result<app::accounts::NewAccount, FieldErrors> {
        app::accounts::NewAccount::parse(&self.display_name, &self.email, &self.password)
            .map_err(FieldErrors::from)
    }
}

/// The form that changes one's own password.
#[derive(Deserialize)]
pub struct PasswordFields {
    /// The current password.
    #[serde(default)]
    pub current_password: String,
    /// The new password.
    #[serde(default)]
    pub password: String,
}

/// A password change: the current password as typed and the new one, parsed.
pub struct PasswordChange {
    /// The current password, to check.
    pub current: String,
    /// The new password.
    pub new: domain::account::NewPassword,
}

impl Validate for PasswordFields {
    type Command = PasswordChange;

    fn validate(&self) -> Result<PasswordChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.push(ValidationError::new("current_password", Problem::Required));
        }
        let new = errors.take(domain::account::NewPassword::parse(&self.password));
        match new {
            Some(new) if errors.0.is_empty() => Ok(PasswordChange {
                current: self.current_password.clone(),
                new,
            }),
            _ => Err(errors),
        }
    }
}

/// The form that sets a new password with a reset code.
#[derive(Deserialize)]
pub struct ResetFields {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// The reset code.
    #[serde(default)]
    pub code: String,
    /// The new password.
    #[serde(default)]
    pub password: String,
}

/// A reset: the email as typed, the code and the new password, parsed.
pub struct Reset {
    /// The email as typed (whether it matches an account is the attempt's business).
    pub email: String,
    /// The code.
    pub code: domain::account::OneTimeCode,
    /// The new password.
    pub new: domain::account::NewPassword,
}

impl Validate for ResetFields {
    type Command = Reset;

    fn validate(&self) -> Result<Reset, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.email.trim().is_empty() {
            errors.push(ValidationError::new("email", Problem::Required));
        }
        let code = errors.take(domain::account::OneTimeCode::parse(&self.code));
        let new = errors.take(domain::account::NewPassword::parse(&self.password));
        match (code, new) {
            (Some(code), Some(new)) if errors.0.is_empty() => Ok(Reset {
                email: self.email.clone(),
                code,
                new,
            }),
            _ => Err(errors),
        }
    }
}
