//! The ballots import (issue 18, item 1): draft ballots from one CSV file, previewed, then created all or nothing
//! in one transaction (one audit entry per ballot), from the deliberation page or the API.
//!
//! A line's cells become the ballot form ([`BallotForm`]) and are checked the same way; `proposal` and
//! `opens_after` name a proposal and a ballot of the assembly by number. The preview also runs the ballot form's
//! use case for every line in the request's transaction and drops it, so a definition the rules refuse (a question
//! for the other outcome without an earlier ballot, a ranking with one option...) is named by its line before
//! anything is confirmed, and nothing is written.

use std::collections::HashSet;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use ballots::HeldWhen;
use ballots::notation;
use domain::error::{Problem, ValidationError};
use serde_json::json;
use store::ballot_box::NewBallot;

use app::bulk::{BulkError, Refused};

use super::forms::{BallotForm, describe};
use super::views::{refusal_status, refusal_text};
use crate::auth::Viewer;
use crate::csv_import::{
    ImportForm, ImportInput, Line, Target, Words, at, at_columns, csv_errors, csv_errors_with,
    csv_file, preview, read_lines, refused_file,
};
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::bulk::BulkMessages;
use crate::i18n::{DeliberationMessages, Lang, fill};
use crate::{AppState, now};

/// The columns of the ballots CSV (the ballot form's fields; `proposal` is its `proposal_id`).
pub const BALLOT_COLUMNS: [&str; 10] = [
    "proposal",
    "method",
    "wording",
    "pass_rule",
    "eligible_members",
    "options",
    "max_approvals",
    "opens_after",
    "held_when",
    "wording_otherwise",
];
const BALLOT_REQUIRED: [bool; 10] = [
    false, true, true, false, true, false, false, false, false, false,
];

/// A ballot read from a file: its line, and what to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadBallot {
    /// The line.
    pub line: u64,
    /// The ballot.
    pub new: NewBallot,
}

/// The known column of a ballot form's field.
fn column_of(field: &str) -> Option<usize> {
    let column = if field == "proposal_id" {
        "proposal"
    } else {
        field
    };
    BALLOT_COLUMNS.iter().position(|c| *c == column)
}

/// A number typed as `12` or `#12`, if it names one of `known`.
fn known_number(raw: &str, known: &HashSet<i64>) -> Result<String, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    match raw.trim_start_matches('#').trim().parse::<i64>() {
        Ok(id) if known.contains(&id) => Ok(id.to_string()),
        _ => Err(()),
    }
}

/// Reads one line into the ballot form, or records its problems.
fn read_line(
    lang: Lang,
    words: &Words,
    position: &[usize],
    line: &Line,
    proposals: &HashSet<i64>,
    ballots: &HashSet<i64>,
    errors: &mut Vec<String>,
) -> Option<NewBallot> {
    let b = lang.t::<BulkMessages>();
    let t = lang.t::<DeliberationMessages>();
    let cell = |column: &str| {
        column_of(column)
            .map(|index| line.cells[index].clone())
            .unwrap_or_default()
    };
    let mut fine = true;
    let mut refuse = |column: usize, sentence: String| {
        errors.push(at(words, line.number, position[column], &sentence));
        fine = false;
    };
    let proposal_id = known_number(&cell("proposal"), proposals).unwrap_or_else(|()| {
        refuse(
            0,
            fill(b.err_unknown_proposal, &[("field", t.proposal_label)]),
        );
        String::new()
    });
    let opens_after = known_number(&cell("opens_after"), ballots).unwrap_or_else(|()| {
        refuse(
            7,
            fill(b.err_unknown_ballot, &[("field", t.opens_after_label)]),
        );
        String::new()
    });
    let held_when = cell("held_when").trim().to_owned();
    if !held_when.is_empty() && HeldWhen::parse(&held_when).is_none() {
        let invalid = FieldErrors::from(ValidationError::new("held_when", Problem::Malformed));
        let sentence = describe(t, &invalid).join(" ");
        refuse(8, sentence);
    }
    let pass_rule = cell("pass_rule")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let form = BallotForm {
        method: cell("method").trim().to_owned(),
        wording: cell("wording"),
        wording_otherwise: cell("wording_otherwise"),
        options: cell("options").replace('|', "\n"),
        pass_rule,
        max_approvals: cell("max_approvals"),
        eligible_members: cell("eligible_members"),
        proposal_id,
        opens_after,
        held_when,
    };
    match form.validate() {
        Ok(new) if fine => Some(new),
        Ok(_) => None,
        Err(invalid) => {
            let sentences = describe(t, &invalid);
            at_columns(
                words,
                position,
                line.number,
                &invalid,
                sentences,
                column_of,
                errors,
            );
            None
        }
    }
}

/// Reads a ballots CSV ([`BALLOT_COLUMNS`]) against the assembly's proposals and ballots (by id). Every problem is
/// reported as "Line L, column C: ..." and any problem refuses the whole file.
pub fn parse_ballots(
    text: &str,
    lang: Lang,
    proposals: &HashSet<i64>,
    ballots: &HashSet<i64>,
) -> Result<Vec<ReadBallot>, Vec<String>> {
    let b = lang.t::<BulkMessages>();
    let words = Words::bulk(b, b.ballots_import_label);
    let (lines, position) = read_lines(text, &words, &BALLOT_COLUMNS, &BALLOT_REQUIRED)?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for line in &lines {
        if let Some(new) = read_line(
            lang,
            &words,
            &position,
            line,
            proposals,
            ballots,
            &mut errors,
        ) {
            rows.push(ReadBallot {
                line: line.number,
                new,
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Why a file cannot be imported: its problems, and the status to answer with.
struct Refusal {
    status: StatusCode,
    errors: Vec<String>,
}

impl Refusal {
    fn unprocessable(errors: Vec<String>) -> Refusal {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        }
    }
}

/// Reads the file and creates its ballots in `tx` (the caller commits, or drops `tx` for a preview): the ballots
/// read with their new ids, or every problem of the file, or the line the rules refused.
async fn read_and_create(
    tx: &mut store::Tx,
    viewer: &Viewer,
    assembly_id: i64,
    text: &str,
) -> Result<Result<(Vec<ReadBallot>, Vec<i64>), Refusal>, AppError> {
    let lang = viewer.lang;
    let b = lang.t::<BulkMessages>();
    let proposals: HashSet<i64> = store::proposals::list(tx, assembly_id)
        .await?
        .iter()
        .map(|row| row.id)
        .collect();
    let ballots: HashSet<i64> = store::ballot_box::list(tx, assembly_id)
        .await?
        .iter()
        .map(|row| row.id)
        .collect();
    let read = match parse_ballots(text, lang, &proposals, &ballots) {
        Ok(read) if read.is_empty() => {
            let words = fill(b.err_required, &[("field", b.ballots_import_label)]);
            return Ok(Err(Refusal::unprocessable(vec![words])));
        }
        Ok(read) => read,
        Err(errors) => return Ok(Err(Refusal::unprocessable(errors))),
    };
    let new: Vec<NewBallot> = read.iter().map(|row| row.new.clone()).collect();
    match app::bulk::create_ballots(tx, &viewer.actor(), assembly_id, &new, now()).await {
        Ok(ids) => Ok(Ok((read, ids))),
        Err(BulkError::Invalid(error)) => Err(error.into()),
        Err(BulkError::Item(Refused { id, error })) => {
            let line = usize::try_from(id)
                .ok()
                .and_then(|index| read.get(index))
                .map(|row| row.line)
                .unwrap_or(0);
            let (status, sentence) = match error {
                app::deliberation::Error::Refused(refusal) => {
                    let t = lang.t::<DeliberationMessages>();
                    (
                        refusal_status(&refusal),
                        refusal_text(t, &refusal).join(" "),
                    )
                }
                app::deliberation::Error::App(error) => return Err(error.into()),
            };
            let words = fill(
                b.err_line,
                &[("line", &line.to_string()), ("error", &sentence)],
            );
            Ok(Err(Refusal {
                status,
                errors: vec![words],
            }))
        }
    }
}

/// Where the ballots import posts and links back to.
fn target(viewer: &Viewer, assembly_id: i64) -> Target {
    let b = viewer.lang.t::<BulkMessages>();
    Target {
        action: format!("/staff/assemblies/{assembly_id}/ballots/import"),
        back_href: format!("/staff/assemblies/{assembly_id}/deliberation"),
        back_label: viewer.lang.t::<DeliberationMessages>().deliberation_title,
        text_label: b.ballots_import_label,
    }
}

/// `POST /staff/assemblies/{assembly_id}/ballots/import`: draft ballots from CSV, previewed, then created all or
/// nothing when confirmed.
pub async fn import_ballots(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<ImportForm>,
) -> Result<Response, AppError> {
    let (text, confirm) = match form {
        Ok(command) => command,
        Err(invalid) => (invalid.fields.csv, false),
    };
    let mut tx = state.store.begin().await?;
    let (read, _ids) = match read_and_create(&mut tx, &viewer, assembly_id, &text).await? {
        Ok(created) => created,
        Err(refusal) => {
            drop(tx);
            let target = target(&viewer, assembly_id);
            return refused_file(&viewer, target, refusal.status, &text, refusal.errors);
        }
    };
    if confirm {
        tx.commit().await?;
        return Ok(Redirect::to(&format!(
            "/staff/assemblies/{assembly_id}/deliberation?saved=1"
        ))
        .into_response());
    }
    // A preview: the ballots were created only to check them; dropping the transaction takes them back.
    drop(tx);
    let t = viewer.lang.t::<DeliberationMessages>();
    let headers = vec![
        t.wording_label,
        t.proposal_label,
        t.method_label,
        t.rule_label,
        t.eligible_label,
    ];
    let rows = read
        .iter()
        .map(|row| {
            let new = &row.new;
            vec![
                new.wording.clone(),
                new.proposal_id
                    .map(|id| format!("#{id}"))
                    .unwrap_or_default(),
                new.method.as_str().to_owned(),
                new.pass_rule
                    .map(notation::write_threshold)
                    .unwrap_or_default(),
                new.eligible_members.to_string(),
            ]
        })
        .collect();
    preview(&viewer, target(&viewer, assembly_id), headers, rows, &text)
}

/// `GET /staff/assemblies/{assembly_id}/ballots/import-template.csv`: the header the import reads and one example
/// line.
pub async fn ballots_template() -> Result<Response, AppError> {
    csv_file(
        &BALLOT_COLUMNS,
        &[
            "",
            "yes_no",
            "Do you adopt proposal 1?",
            "more_than 1/2",
            "150",
            "",
            "",
            "",
            "",
            "",
        ],
        "ballots-template.csv",
    )
}

/// `POST /api/v1/assemblies/{assembly_id}/ballots/import`: the page's import as one call: 201 with the new draft
/// ballots' ids, or with `dry_run` 200 and nothing written, or 422 (409 for a definition the rules refuse) with
/// every problem by line and column.
pub async fn api_import_ballots(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    body: Result<Json<ImportInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let (read, ids) = match read_and_create(&mut tx, &viewer, assembly_id, &input.csv).await? {
        Ok(created) => created,
        Err(refusal) if refusal.status == StatusCode::UNPROCESSABLE_ENTITY => {
            return Ok(csv_errors(refusal.errors));
        }
        Err(refusal) => return Ok(csv_errors_with(refusal.status, refusal.errors)),
    };
    if input.dry_run {
        drop(tx);
        return Ok(Json(json!({ "created": 0, "ids": [], "lines": read.len() })).into_response());
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "created": ids.len(), "ids": ids, "lines": read.len() })),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ballot_lines_are_checked_as_the_ballot_form_and_name_their_line_and_column() {
        let proposals: HashSet<i64> = [3].into();
        let ballots: HashSet<i64> = [7].into();
        let good = "method,wording,eligible_members,proposal,pass_rule,options,opens_after\n\
            yes_no,Adopt proposal 3?,150,#3,at_least  2/3,,\n\
            ranking,Rank the measures,150,,,A|B|C,7\n";
        let read = parse_ballots(good, Lang::En, &proposals, &ballots).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].new.proposal_id, Some(3));
        assert!(read[0].new.pass_rule.is_some());
        assert_eq!(read[1].line, 3);
        assert_eq!(read[1].new.options, "A\nB\nC");
        assert_eq!(read[1].new.opens_after, Some(7));

        let bad = "proposal,method,wording,eligible_members,pass_rule,held_when\n\
            4,yes_no,Adopt?,150,more_than 1/2,\n\
            3,yes_no,,zero,more_than 1/2,\n\
            3,poll,Adopt?,150,more_than 1/2,sometimes\n";
        let errors = parse_ballots(bad, Lang::En, &proposals, &ballots).unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(errors[0].starts_with("Line 2, column 1: "), "{errors:?}");
        assert!(errors[1].starts_with("Line 3, column 3: "), "{errors:?}");
        assert!(errors[2].starts_with("Line 3, column 4: "), "{errors:?}");
        assert!(errors[3].starts_with("Line 4, column 6: "), "{errors:?}");
        assert!(errors[4].starts_with("Line 4, column 2: "), "{errors:?}");
    }
}
