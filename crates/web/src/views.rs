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
            current_phase_name: m.phase_name(record.current_phase.as_str()).to_owned(),
            commitments: record.commitments.clone(),
            phases: record
                .phases
                .iter()
                .map(|phase| PhaseView {
                    id: phase.phase.as_str().to_owned(),
                    name: m.phase_name(phase.phase.as_str()).to_owned(),
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
                phase_name: m.phase_name(row.current_phase.as_str()).to_owned(),
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
        ErrorKind::RateLimited => m.err_rate_limited,
        ErrorKind::Internal => m.err_internal,
    };
    let detail = match details.kind {
        ErrorKind::BadInput | ErrorKind::Csrf => Some(details.message.clone()),
        ErrorKind::RateLimited => details.retry_after_seconds.map(|seconds| {
            // Whole minutes, rounded up: "try again in 1 minute" rather than in 0.
            let minutes = ((seconds + 59) / 60).to_string();
            crate::i18n::fill(m.err_rate_limited_wait, &[("minutes", minutes.as_str())])
        }),
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
