//! Page models: one askama template struct per page, plus the shared page chrome (header, language, CSRF).
//! Templates live in `crates/web/templates/` and are checked at compile time; HTML is auto-escaped.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::permission::Role;
use store::assemblies::AssemblyRecord;

use crate::auth::Viewer;
use crate::error::{AppError, ErrorDetails, ErrorKind};
use crate::i18n::{Lang, Messages};

/// What every page shows around its content.
pub struct Chrome {
    /// The catalogue of the page's language.
    pub m: &'static Messages,
    /// The language code for `<html lang>`.
    pub lang: &'static str,
    /// The `<title>` of the page.
    pub title: String,
    /// The CSRF token for forms.
    pub csrf: String,
    /// The signed-in person's name, if any.
    pub signed_in: Option<String>,
    /// Whether to show the administrator links.
    pub is_admin: bool,
    /// Whether to show the dashboard link (any role beyond the public).
    pub has_role: bool,
}

impl Chrome {
    /// The chrome of a page seen by `viewer`.
    pub fn new(viewer: &Viewer, title: impl Into<String>) -> Chrome {
        let m = viewer.lang.messages();
        Chrome {
            m,
            lang: viewer.lang.code(),
            title: title.into(),
            csrf: viewer.csrf.clone(),
            signed_in: viewer
                .account
                .as_ref()
                .map(|account| account.display_name.clone()),
            is_admin: viewer.role == Role::Admin
                || viewer.account.as_ref().is_some_and(|a| a.is_admin),
            has_role: viewer.account.is_some(),
        }
    }
}

/// Renders a template as a response with the given status.
pub fn render(status: StatusCode, template: &impl Template) -> Result<Response, AppError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// One phase as shown.
pub struct PhaseView {
    /// The phase identifier, for field names.
    pub id: String,
    /// The translated name.
    pub name: String,
    /// The start date, or empty.
    pub starts_on: String,
    /// The end date, or empty.
    pub ends_on: String,
    /// Whether it is the current phase.
    pub current: bool,
}

/// An assembly as shown.
pub struct AssemblyView {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// The question.
    pub question: String,
    /// The commissioning authority.
    pub authority: String,
    /// The translated name of the current phase.
    pub current_phase_name: String,
    /// The commitments.
    pub commitments: Vec<String>,
    /// The timeline.
    pub phases: Vec<PhaseView>,
}

impl AssemblyView {
    /// Builds the view of a stored assembly in language `m`.
    pub fn new(record: &AssemblyRecord, m: &Messages) -> AssemblyView {
        AssemblyView {
            id: record.id,
            title: record.title.clone(),
            question: record.question.clone(),
            authority: record.authority.clone(),
            current_phase_name: m.phase_name(&record.current_phase).to_owned(),
            commitments: record.commitments.clone(),
            phases: record
                .phases
                .iter()
                .map(|phase| PhaseView {
                    id: phase.phase.clone(),
                    name: m.phase_name(&phase.phase).to_owned(),
                    starts_on: phase.starts_on.clone().unwrap_or_default(),
                    ends_on: phase.ends_on.clone().unwrap_or_default(),
                    current: phase.phase == record.current_phase,
                })
                .collect(),
        }
    }
}

/// An assembly in a list.
pub struct SummaryView {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// The commissioning authority.
    pub authority: String,
    /// The translated current phase.
    pub phase_name: String,
}

impl SummaryView {
    /// Builds list entries in language `m`.
    pub fn list(rows: &[store::assemblies::AssemblySummary], m: &Messages) -> Vec<SummaryView> {
        rows.iter()
            .map(|row| SummaryView {
                id: row.id,
                title: row.title.clone(),
                authority: row.authority.clone(),
                phase_name: m.phase_name(&row.current_phase).to_owned(),
            })
            .collect()
    }
}

/// A comment as shown.
pub struct CommentView {
    /// The id.
    pub id: i64,
    /// The text.
    pub body: String,
    /// The date it was posted (UTC, `YYYY-MM-DD`).
    pub posted_on: String,
}

impl CommentView {
    /// Builds the views of stored comments.
    pub fn list(rows: &[store::comments::CommentRow]) -> Vec<CommentView> {
        rows.iter()
            .map(|row| CommentView {
                id: row.id,
                body: row.body.clone(),
                posted_on: utc_date(row.created_at),
            })
            .collect()
    }
}

/// `YYYY-MM-DD` of a unix time, in UTC.
pub fn utc_date(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .map(|at| format!("{:04}-{:02}-{:02}", at.year(), at.month() as u8, at.day()))
        .unwrap_or_default()
}

/// `YYYY-MM-DD HH:MM` of a unix time, in UTC.
pub fn utc_minute(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .map(|at| {
            format!(
                "{} {:02}:{:02}",
                utc_date(unix_seconds),
                at.hour(),
                at.minute()
            )
        })
        .unwrap_or_default()
}

/// The list of public assemblies.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    /// Chrome.
    pub c: Chrome,
    /// The assemblies.
    pub assemblies: Vec<SummaryView>,
}

/// The public page of one assembly, with the design-comment form.
#[derive(Template)]
#[template(path = "assembly.html")]
pub struct AssemblyPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly.
    pub a: AssemblyView,
    /// Approved comments.
    pub comments: Vec<CommentView>,
    /// Whether to thank the visitor for a comment just sent.
    pub thanks: bool,
    /// Validation errors of the comment form.
    pub errors: Vec<String>,
    /// The comment as typed (after an error).
    pub body: String,
    /// How many people have registered (a count, never names).
    pub registered: i64,
}

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

/// The staff dashboard.
#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    /// Chrome.
    pub c: Chrome,
    /// The assemblies of the viewer (all of them for administrators).
    pub assemblies: Vec<SummaryView>,
}

/// The values of the assembly form.
pub struct AssemblyForm {
    /// Title.
    pub title: String,
    /// Question.
    pub question: String,
    /// Authority.
    pub authority: String,
    /// Commitments, one per line.
    pub commitments: String,
    /// The current phase identifier.
    pub current_phase: String,
    /// The phases with their dates as typed.
    pub phases: Vec<PhaseView>,
}

/// The form to create or edit an assembly.
#[derive(Template)]
#[template(path = "assembly_form.html")]
pub struct AssemblyFormPage {
    /// Chrome.
    pub c: Chrome,
    /// The heading.
    pub heading: String,
    /// Where the form posts.
    pub action: String,
    /// Validation errors.
    pub errors: Vec<String>,
    /// The values.
    pub f: AssemblyForm,
}

/// A person with a role, as shown in the workspace.
pub struct PersonView {
    /// Display name.
    pub name: String,
    /// Translated role.
    pub role: String,
}

/// An assembly's staff workspace.
#[derive(Template)]
#[template(path = "workspace.html")]
pub struct WorkspacePage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly.
    pub a: AssemblyView,
    /// People and roles.
    pub people: Vec<PersonView>,
    /// Whether the viewer may edit.
    pub can_edit: bool,
    /// Whether the viewer may see the moderation queue.
    pub can_see_queue: bool,
    /// Whether the viewer may assign roles.
    pub can_assign: bool,
    /// Whether to link the invitation lottery (organisers).
    pub can_recruit: bool,
    /// Whether to link the respondents page (organisers and observers).
    pub can_see_recruitment: bool,
    /// Whether to link the sessions and evidence pages (staff).
    pub can_see_sessions: bool,
    /// Whether to link the tables page (organisers and observers).
    pub can_see_tables: bool,
    /// The assignable roles (identifier, translated name).
    pub roles: Vec<(String, String)>,
    /// Errors of the role form.
    pub errors: Vec<String>,
    /// Whether the last change was saved.
    pub saved: bool,
    /// A one-time code just issued: (member name, code), shown once.
    pub issued_code: Option<(String, String)>,
    /// What happened when an existing account was added as a member (no code is ever shown for it).
    pub notice: Option<&'static str>,
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
}

/// The moderation queue.
#[derive(Template)]
#[template(path = "moderation.html")]
pub struct ModerationPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// Pending comments.
    pub comments: Vec<CommentView>,
    /// Whether the viewer may approve or reject.
    pub can_moderate: bool,
}

/// An account as listed to administrators.
pub struct AccountView {
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Administrator?
    pub is_admin: bool,
}

/// The staff accounts page.
#[derive(Template)]
#[template(path = "accounts.html")]
pub struct AccountsPage {
    /// Chrome.
    pub c: Chrome,
    /// Accounts.
    pub accounts: Vec<AccountView>,
    /// Errors of the form.
    pub errors: Vec<String>,
    /// Email as typed.
    pub email: String,
    /// Name as typed.
    pub display_name: String,
}

/// The API tokens page.
#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    /// Chrome.
    pub c: Chrome,
    /// (id, name, created on) of each live token.
    pub tokens: Vec<(i64, String, String)>,
    /// A token just created, shown once.
    pub new_token: Option<String>,
    /// Errors of the form.
    pub errors: Vec<String>,
}

/// An audit entry as shown.
pub struct AuditView {
    /// Sequence number.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Account id or "-".
    pub actor: String,
    /// Action.
    pub action: String,
    /// Entity.
    pub entity: String,
}

/// The audit log page.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    /// Chrome.
    pub c: Chrome,
    /// Entries count if the chain is intact.
    pub intact: Option<i64>,
    /// (entry, reason) of the first break.
    pub broken: Option<(i64, String)>,
    /// The latest entries.
    pub entries: Vec<AuditView>,
}

/// An error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Chrome.
    pub c: Chrome,
    /// The translated explanation.
    pub message: String,
    /// The detail (e.g. which field), if any.
    pub detail: Option<String>,
}

/// Renders the HTML page for an error response.
pub fn error_page(
    lang: Lang,
    status: StatusCode,
    details: &ErrorDetails,
) -> Result<Response, AppError> {
    let m = lang.messages();
    let message = match details.kind {
        ErrorKind::BadInput => m.err_bad_request,
        ErrorKind::Unauthorized => m.err_unauthorized,
        ErrorKind::Forbidden => m.err_forbidden,
        ErrorKind::Csrf => m.err_csrf,
        ErrorKind::NotFound => m.err_not_found,
        ErrorKind::Conflict => m.err_conflict,
        ErrorKind::TooLarge => m.err_too_large,
        ErrorKind::TooManyRequests => m.err_too_many,
        ErrorKind::Internal => m.err_internal,
    };
    let detail = match details.kind {
        ErrorKind::BadInput | ErrorKind::Csrf => Some(details.message.clone()),
        _ => None,
    };
    let c = Chrome {
        m,
        lang: lang.code(),
        title: m.error_title.to_owned(),
        csrf: String::new(),
        signed_in: None,
        is_admin: false,
        has_role: false,
    };
    render(
        status,
        &ErrorPage {
            c,
            message: message.to_owned(),
            detail,
        },
    )
}
