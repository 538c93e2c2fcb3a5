//! Who is asking: the account behind a request and the [`Viewer`] that the guard (`guard.rs`) hands to
//! every handler, with the cookie and field names of sessions, CSRF and language.

use domain::permission::Role;

use crate::error::AppError;
use crate::i18n::Lang;

/// The session cookie (holds a random token; the database stores its hash).
pub const SESSION_COOKIE: &str = "klero_session";
/// The CSRF cookie of visitors without a session (double-submit).
pub const CSRF_COOKIE: &str = "klero_csrf";
/// The language cookie.
pub const LANG_COOKIE: &str = "klero_lang";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// The account behind a request, as far as handlers need it.
#[derive(Debug, Clone)]
pub struct Account {
    /// The id.
    pub id: i64,
    /// The display name (personal data: render it, never log it).
    pub display_name: String,
    /// Whether the account is a platform administrator.
    pub is_admin: bool,
}

/// Who is asking, resolved by the middleware and handed to every handler.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The signed-in account (session or API token), if any.
    pub account: Option<Account>,
    /// The role for this route: in the assembly of the path, or the highest anywhere for platform pages.
    pub role: Role,
    /// The CSRF token to put in forms.
    pub csrf: String,
    /// The interface language.
    pub lang: Lang,
    /// The hash of the session token, for logout.
    pub session_hash: Option<String>,
    /// The client's address ([`crate::security::client_address`]): for rate limits and the throttle only, never logged.
    pub client: Option<std::net::IpAddr>,
}

impl Viewer {
    /// The signed-in account's id, or 401.
    pub fn account_id(&self) -> Result<i64, AppError> {
        self.account
            .as_ref()
            .map(|account| account.id)
            .ok_or(AppError::Unauthorized)
    }

    /// The actor of a use case: this viewer's account and role.
    pub fn actor(&self) -> app::Actor {
        app::Actor {
            account_id: self.account.as_ref().map(|account| account.id),
            role: self.role,
        }
    }
}
