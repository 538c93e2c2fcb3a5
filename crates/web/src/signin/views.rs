//! The page models of signing in (templates `login.html`, `code.html`, `setup.html`, `password.html` and
//! `password_reset.html`).

use askama::Template;

use crate::views::Chrome;

/// The sign-in form.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// Chrome.
    pub c: Chrome,
    /// The error to show, if any.
    pub error: Option<String>,
    /// The email as typed.
    pub email: String,
}

/// The one-time code sign-in form.
#[derive(Template)]
#[template(path = "code.html")]
pub struct CodePage {
    /// Chrome.
    pub c: Chrome,
    /// The error to show, if any.
    pub error: Option<String>,
    /// The email as typed.
    pub email: String,
    /// The link's words to the page where a member asks for a new code.
    pub lost_link: &'static str,
}

/// The first-run form.
#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    /// Chrome.
    pub c: Chrome,
    /// Validation errors.
    pub errors: Vec<String>,
    /// The email as typed.
    pub email: String,
    /// The name as typed.
    pub display_name: String,
}

/// The form that changes one's own password.
#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    /// Chrome.
    pub c: Chrome,
    /// The access pages' strings.
    pub t: &'static crate::i18n::access::AccessMessages,
    /// Errors.
    pub errors: Vec<String>,
    /// Whether the password was just changed.
    pub changed: bool,
}

/// The form that sets a new password with a reset code.
#[derive(Template)]
#[template(path = "password_reset.html")]
pub struct ResetPage {
    /// Chrome.
    pub c: Chrome,
    /// The access pages' strings.
    pub t: &'static crate::i18n::access::AccessMessages,
    /// Errors.
    pub errors: Vec<String>,
    /// The email as typed.
    pub email: String,
}
