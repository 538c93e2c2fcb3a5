//! The outcome of every email to the assembly's respondents, for organisers (issue 18, item 8): which email
//! (registration confirmation, sign-in code), to whom, whether the relay took it or refused it (with the SMTP step
//! and reply code), and when, newest first, a page at a time, optionally the failures only. The mail layer records
//! each outcome in the outbox after the fact; this is a read of names, logged as a view of personal data.

use store::members::RespondentEmail;

use crate::audit::viewed;
use crate::{Actor, Result};

/// Emails per page.
pub const PAGE_SIZE: i64 = 50;

/// A page of outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailPage {
    /// The outcomes on this page, newest first.
    pub emails: Vec<RespondentEmail>,
    /// How many there are with the filter.
    pub total: i64,
    /// This page, from 1.
    pub page: i64,
}

/// Page `page` (from 1) of the outcomes, the failures only if `failed_only`; logged as `respondents.emails`.
pub async fn email_outcomes(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    failed_only: bool,
    page: i64,
    now: i64,
) -> Result<EmailPage> {
    store::assemblies::get_assembly(tx, assembly_id).await?;
    let page = page.clamp(1, i64::MAX / PAGE_SIZE);
    let (emails, total) = store::members::assembly_email_outcomes(
        tx,
        assembly_id,
        failed_only,
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let facts = serde_json::json!({
        "assembly_id": assembly_id,
        "page": page,
        "failed_only": failed_only,
        "shown": emails.len(),
    });
    viewed(
        tx,
        actor,
        "respondents.emails",
        &format!("assembly:{assembly_id}"),
        facts,
        now,
    )
    .await?;
    Ok(EmailPage {
        emails,
        total,
        page,
    })
}
