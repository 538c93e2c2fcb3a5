//! Making many passed proposals recommendations at once from the deliberation page (issue 18, item 1): the page
//! lists the passed proposals not adopted yet, each with a box to tick and the single adoption form's fields
//! (reference, theme, route); one submit adopts every proposal ticked through `app::bulk::adopt_recommendations`
//! in one transaction, one audit entry each. All or nothing: a row that does not validate, or a proposal the rules
//! refuse, is named on the page again with everything as typed, and nothing is written.

use std::collections::{HashMap, HashSet};

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;
use store::proposals::ProposalRow;
use store::recommendations::Route;

use super::forms::{AdoptForm, describe};
use super::overview::{DeliberationQuery, Forms, page};
use super::views::{Choice, choices, refusal_status, refusal_text};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::bulk::BulkMessages;
use crate::i18n::{DeliberationMessages, fill};
use crate::{AppState, now};

/// The form as posted: `adopt` once per ticked proposal, and `reference_<id>`, `theme_<id>` and `route_<id>` for
/// every row (a urlencoded struct cannot hold a repeated field).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct AdoptionFields(pub Vec<(String, String)>);

/// The form as typed, to read the rows from and to show again.
#[derive(Debug, Clone, Default)]
pub struct Adopting {
    /// The proposals ticked, in the order posted.
    pub ticked: Vec<i64>,
    /// Every other field by name.
    pub values: HashMap<String, String>,
}

impl Adopting {
    /// What was typed in the row of `proposal_id` for `field` (`reference`, `theme`, `route`).
    fn value(&self, field: &str, proposal_id: i64) -> String {
        self.values
            .get(&format!("{field}_{proposal_id}"))
            .cloned()
            .unwrap_or_default()
    }

    /// The row of `proposal_id` as the single adoption form.
    fn form(&self, proposal_id: i64) -> AdoptForm {
        AdoptForm {
            reference: self.value("reference", proposal_id),
            theme: self.value("theme", proposal_id),
            route: self.value("route", proposal_id),
        }
    }

    /// The page's rows for the proposals that may be adopted, with what was typed.
    pub fn rows(&self, t: &DeliberationMessages, adoptable: &[&ProposalRow]) -> Vec<AdoptableRow> {
        let route_values: Vec<&str> = Route::ALL.iter().map(|route| route.as_str()).collect();
        adoptable
            .iter()
            .map(|proposal| AdoptableRow {
                id: proposal.id,
                title: proposal.fields.title.clone(),
                ticked: self.ticked.contains(&proposal.id),
                reference: self.value("reference", proposal.id),
                theme: self.value("theme", proposal.id),
                routes: choices(&route_values, &t.routes, &self.value("route", proposal.id)),
            })
            .collect()
    }
}

impl Validate for AdoptionFields {
    /// The form as typed, with at least one proposal ticked.
    type Command = Adopting;

    fn validate(&self) -> Result<Adopting, FieldErrors> {
        let mut adopting = Adopting::default();
        let mut seen = HashSet::new();
        for (name, value) in &self.0 {
            if name == "adopt" {
                match value.trim().parse::<i64>() {
                    Ok(id) if seen.insert(id) => adopting.ticked.push(id),
                    Ok(_) => {}
                    Err(_) => {
                        return Err(ValidationError::new("adopt", Problem::Malformed).into());
                    }
                }
            } else {
                adopting.values.insert(name.clone(), value.clone());
            }
        }
        if adopting.ticked.is_empty() {
            return Err(ValidationError::new("adopt", Problem::Required).into());
        }
        Ok(adopting)
    }
}

/// A passed proposal not adopted yet, as a row of the form.
pub struct AdoptableRow {
    /// The proposal's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Whether its box is ticked.
    pub ticked: bool,
    /// The reference typed.
    pub reference: String,
    /// The theme typed.
    pub theme: String,
    /// The route options.
    pub routes: Vec<Choice>,
}

/// The page again with the form as typed and its errors.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    adoption: Adopting,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let forms = Forms {
        adoption,
        adoption_errors: errors,
        ..Forms::default()
    };
    page(
        state,
        viewer,
        assembly_id,
        status,
        forms,
        &DeliberationQuery::default(),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/recommendations/adoptions`: makes every passed proposal ticked a
/// recommendation with the reference, theme and route of its row, all or nothing.
pub async fn adopt_many(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<AdoptionFields>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<DeliberationMessages>();
    let b = viewer.lang.t::<BulkMessages>();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let adopting = match form {
        Ok(adopting) => adopting,
        Err(invalid) => {
            let mut adopting = Adopting::default();
            for (name, value) in invalid.fields.0 {
                adopting.values.insert(name, value);
            }
            let errors = vec![b.err_none_adopted.to_owned()];
            return refused(
                &state,
                &viewer,
                assembly_id,
                unprocessable,
                adopting,
                errors,
            )
            .await;
        }
    };
    let item =
        |id: i64, error: &str| fill(b.err_item, &[("item", &format!("#{id}")), ("error", error)]);
    let mut adoptions = Vec::with_capacity(adopting.ticked.len());
    let mut errors = Vec::new();
    for &proposal_id in &adopting.ticked {
        match adopting.form(proposal_id).validate() {
            Ok(adoption) => adoptions.push((proposal_id, adoption)),
            Err(invalid) => errors.push(item(proposal_id, &describe(t, &invalid).join(" "))),
        }
    }
    if !errors.is_empty() {
        return refused(
            &state,
            &viewer,
            assembly_id,
            unprocessable,
            adopting,
            errors,
        )
        .await;
    }
    let mut tx = state.store.begin().await?;
    let adopted =
        app::bulk::adopt_recommendations(&mut tx, &viewer.actor(), assembly_id, &adoptions, now())
            .await;
    let (id, error) = match adopted {
        Ok(_ids) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/deliberation?saved=1"
            ))
            .into_response());
        }
        Err(app::bulk::BulkError::Invalid(error)) => return Err(error.into()),
        Err(app::bulk::BulkError::Item(refused)) => (refused.id, refused.error),
    };
    drop(tx);
    let (status, words) = match error {
        app::deliberation::Error::Refused(refusal) => (
            refusal_status(&refusal),
            refusal_text(t, &refusal).join(" "),
        ),
        app::deliberation::Error::App(app::Error::NotFound) => (
            unprocessable,
            fill(b.err_unknown_proposal, &[("field", t.proposal_label)]),
        ),
        app::deliberation::Error::App(error) => return Err(error.into()),
    };
    refused(
        &state,
        &viewer,
        assembly_id,
        status,
        adopting,
        vec![item(id, &words)],
    )
    .await
}
