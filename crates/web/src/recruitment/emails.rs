//! `GET /staff/assemblies/{assembly_id}/respondents/emails`: the outcome of every email to the assembly's
//! respondents (issue 18, item 8), newest first, 50 a page, optionally the failures only, so an organiser sees who
//! never got their confirmation or sign-in code and when it was tried.

use app::recruitment::emails::PAGE_SIZE;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::respondent::{EmailKind, EmailStatus};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::emails::EmailMessages;
use crate::i18n::{RecruitmentMessages, fill};
use crate::views::{Chrome, render, utc_minute};
use crate::{AppState, now};

/// The page's query.
#[derive(Debug, Deserialize)]
pub struct EmailsQuery {
    /// The page, from 1.
    #[serde(default)]
    pub page: Option<i64>,
    /// `failed` for the failures only.
    #[serde(default)]
    pub show: Option<String>,
}

/// One email, as listed.
pub struct EmailView {
    /// The respondent's name.
    pub name: String,
    /// Which email.
    pub kind: &'static str,
    /// `sent`, `failed` or `not_configured`.
    pub status_id: &'static str,
    /// The outcome in words.
    pub status: &'static str,
    /// The SMTP step and reply of a failure, or empty.
    pub error: String,
    /// When, `YYYY-MM-DD HH:MM UTC`.
    pub when: String,
}

/// The page.
#[derive(Template)]
#[template(path = "respondent_emails.html")]
pub struct EmailsPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static EmailMessages,
    /// Recruitment's strings (the link back).
    pub r: &'static RecruitmentMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// Whether only failures are shown.
    pub failed_only: bool,
    /// The emails.
    pub emails: Vec<EmailView>,
    /// "Emails 1 to 50 of 1,234", or the empty text.
    pub summary: String,
    /// The previous page, if any.
    pub previous: Option<i64>,
    /// The next page, if any.
    pub next: Option<i64>,
    /// `&show=failed` or empty, to keep the filter in the pager's links.
    pub filter_query: &'static str,
}

fn kind_label(t: &EmailMessages, kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::Registration => t.kind_registration,
        EmailKind::SignInCode => t.kind_sign_in_code,
    }
}

fn status_label(t: &EmailMessages, status: EmailStatus) -> &'static str {
    match status {
        EmailStatus::Sent => t.status_sent,
        EmailStatus::Failed => t.status_failed,
        EmailStatus::NotConfigured => t.status_not_configured,
    }
}

/// `GET /staff/assemblies/{assembly_id}/respondents/emails?page=N&show=failed`.
pub async fn respondent_emails(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<EmailsQuery>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<EmailMessages>();
    let failed_only = query.show.as_deref() == Some("failed");
    let mut tx = state.store.begin().await?;
    let page = app::recruitment::emails::email_outcomes(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        failed_only,
        query.page.unwrap_or(1),
        now(),
    )
    .await?;
    tx.commit().await?;
    let first = (page.page - 1) * PAGE_SIZE + 1;
    let shown = page.emails.len() as i64;
    let summary = if shown == 0 {
        t.none.to_owned()
    } else {
        fill(
            t.summary,
            &[
                ("first", &first.to_string()),
                ("last", &(first + shown - 1).to_string()),
                ("total", &page.total.to_string()),
            ],
        )
    };
    let emails = page
        .emails
        .into_iter()
        .map(|email| EmailView {
            name: email.full_name,
            kind: kind_label(t, email.outcome.kind),
            status_id: email.outcome.status.as_str(),
            status: status_label(t, email.outcome.status),
            error: email.outcome.error,
            when: utc_minute(email.outcome.created_at),
        })
        .collect();
    let view = EmailsPage {
        c: Chrome::new(&viewer, t.title),
        t,
        r: viewer.lang.t::<RecruitmentMessages>(),
        assembly_id,
        failed_only,
        emails,
        summary,
        previous: (page.page > 1).then_some(page.page - 1),
        next: (first - 1 + shown < page.total).then_some(page.page + 1),
        filter_query: if failed_only { "&show=failed" } else { "" },
    };
    Ok(super::views::no_store(render(StatusCode::OK, &view)?))
}
