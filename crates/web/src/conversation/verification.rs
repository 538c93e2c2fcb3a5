//! The organisers' side of participant verification: `POST /staff/assemblies/{assembly_id}/conversation/verification`
//! (how participants may confirm who they are) and `POST .../conversation/invitations` (a batch of invitation codes,
//! answered once as a CSV file or a printable page; only their hashes are kept). The rules live in
//! `app::conversation::verify`.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::conversation::VerificationMode;
use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::fill;
use crate::i18n::participation::ParticipationMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The verification form.
#[derive(Debug, Deserialize)]
pub struct ModeFields {
    /// `none`, `email` or `invitation`.
    #[serde(default)]
    pub verification: String,
    /// The checkbox "the map uses only verified participants' votes" (`1` when ticked).
    #[serde(default)]
    pub verified_only: Option<String>,
}

impl Validate for ModeFields {
    type Command = (VerificationMode, bool);

    fn validate(&self) -> Result<(VerificationMode, bool), FieldErrors> {
        let mode = VerificationMode::parse(&self.verification)
            .ok_or_else(|| ValidationError::new("verification", Problem::Malformed))?;
        let verified_only = self.verified_only.as_deref().is_some_and(|v| v == "1");
        if verified_only && mode == VerificationMode::None {
            return Err(ValidationError::new("verified_only", Problem::Malformed).into());
        }
        Ok((mode, verified_only))
    }
}

/// How a batch of codes is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// A CSV file to download.
    Csv,
    /// A page to print.
    Printable,
}

/// The invitation form.
#[derive(Debug, Deserialize)]
pub struct InvitationFields {
    /// How many codes.
    #[serde(default)]
    pub count: String,
    /// `csv` or `printable`.
    #[serde(default)]
    pub format: String,
}

impl Validate for InvitationFields {
    type Command = (usize, ListFormat);

    fn validate(&self) -> Result<(usize, ListFormat), FieldErrors> {
        let mut errors = FieldErrors::new();
        let count = match self.count.trim() {
            "" => {
                errors.push(ValidationError::new("count", Problem::Required));
                0
            }
            raw => match raw.parse::<usize>() {
                Ok(0) | Err(_) => {
                    errors.push(ValidationError::new("count", Problem::Malformed));
                    0
                }
                Ok(n) if n > app::conversation::verify::MAX_INVITATIONS => {
                    let max = app::conversation::verify::MAX_INVITATIONS;
                    errors.push(ValidationError::new("count", Problem::TooMany { max }));
                    0
                }
                Ok(n) => n,
            },
        };
        let format = match self.format.trim() {
            "csv" => ListFormat::Csv,
            "printable" => ListFormat::Printable,
            _ => {
                errors.push(ValidationError::new("format", Problem::Malformed));
                ListFormat::Csv
            }
        };
        errors.or_ok(|| (count, format))
    }
}

/// `POST /staff/assemblies/{assembly_id}/conversation/verification`: sets the verification mode and whether the map
/// uses only verified participants' votes.
pub async fn set_mode(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ModeFields>,
) -> Result<Response, AppError> {
    let (mode, verified_only) = form.map_err(|invalid| AppError::BadInput {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: invalid.errors.describe(viewer.lang).join(" "),
    })?;
    let mut tx = state.store.begin().await?;
    app::conversation::verify::set_mode(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        mode,
        verified_only,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/conversation?notice=verification#verification-heading"
    ))
    .into_response())
}

/// The printable list of a batch of invitation codes.
#[derive(Template)]
#[template(path = "conversation/invitations.html")]
pub struct InvitationsPage {
    /// Chrome.
    pub c: Chrome,
    /// The catalogue.
    pub t: &'static ParticipationMessages,
    /// "Batch N. Each code works once, on URL".
    pub intro: String,
    /// The codes, as printed.
    pub codes: Vec<String>,
}

/// `POST /staff/assemblies/{assembly_id}/conversation/invitations`: makes a batch of codes and answers it once,
/// never cached.
pub async fn issue_invitations(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<InvitationFields>,
) -> Result<Response, AppError> {
    let (count, format) = form.map_err(|invalid| AppError::BadInput {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: invalid.errors.describe(viewer.lang).join(" "),
    })?;
    let mut tx = state.store.begin().await?;
    let (batch, codes) = app::conversation::verify::issue_invitations(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        count,
        now(),
    )
    .await?;
    tx.commit().await?;
    let codes: Vec<String> = codes.iter().map(|code| code.display()).collect();
    let mut response = match format {
        ListFormat::Csv => {
            let rows: Vec<Vec<String>> = codes
                .iter()
                .enumerate()
                .map(|(number, code)| {
                    vec![batch.to_string(), (number + 1).to_string(), code.clone()]
                })
                .collect();
            let csv =
                crate::recruitment::views::spreadsheet_csv(&["batch", "number", "code"], &rows)?;
            crate::recruitment::views::csv_download(
                &format!("invitation-codes-{assembly_id}-batch-{batch}.csv"),
                csv,
            )
        }
        ListFormat::Printable => {
            let t = viewer.lang.t::<ParticipationMessages>();
            let url = match &state.config.mail {
                Some(mail) => format!(
                    "{}/assemblies/{assembly_id}/conversation/profile",
                    mail.public_url.trim_end_matches('/')
                ),
                None => format!("/assemblies/{assembly_id}/conversation/profile"),
            };
            render(
                StatusCode::OK,
                &InvitationsPage {
                    c: Chrome::new(&viewer, t.invitations_title),
                    t,
                    intro: fill(
                        t.invitations_intro,
                        &[("batch", &batch.to_string()), ("url", &url)],
                    ),
                    codes,
                },
            )?
        }
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invitation_form_names_its_bad_fields() {
        let form = |count: &str, format: &str| InvitationFields {
            count: count.to_owned(),
            format: format.to_owned(),
        };
        assert_eq!(form("20", "csv").validate().unwrap(), (20, ListFormat::Csv));
        assert_eq!(
            form(" 3 ", "printable").validate().unwrap(),
            (3, ListFormat::Printable)
        );
        assert!(form("", "csv").validate().unwrap_err().has("count"));
        assert!(form("0", "csv").validate().unwrap_err().has("count"));
        assert!(form("5001", "csv").validate().unwrap_err().has("count"));
        assert!(form("5", "pdf").validate().unwrap_err().has("format"));
        let mode = |verification: &str, verified_only: Option<&str>| ModeFields {
            verification: verification.to_owned(),
            verified_only: verified_only.map(str::to_owned),
        };
        assert!(
            mode("sms", None)
                .validate()
                .unwrap_err()
                .has("verification")
        );
        assert_eq!(
            mode("email", Some("1")).validate().unwrap(),
            (VerificationMode::Email, true)
        );
        assert_eq!(
            mode("invitation", None).validate().unwrap(),
            (VerificationMode::Invitation, false)
        );
        assert!(
            mode("none", Some("1"))
                .validate()
                .unwrap_err()
                .has("verified_only")
        );
    }
}
