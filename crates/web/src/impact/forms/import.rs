//! The CSV imports of the impact pages (recommendations, the authority's responses, milestones): each read whole,
//! every problem named by line and column, all or nothing; a line becomes the same form as the page's, validated
//! the same way.

use std::collections::HashMap;

use app::impact::{NewMilestone, NewResponse};
use store::recommendations::NewRecommendation;

use super::{MilestoneForm, RecommendationForm, ResponseForm, Worded, describe};
use crate::csv_import::{self, Line, Words};
use crate::form::Validate;
use crate::i18n::Lang;
use crate::i18n::bulk::BulkMessages;
use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;

/// The columns of the recommendations CSV.
pub const IMPORT_COLUMNS: [&str; 6] = ["reference", "title", "theme", "support", "route", "body"];
const IMPORT_REQUIRED: [bool; 6] = [true, true, true, false, false, false];
/// The columns of the authority's responses CSV (`reference` names the recommendation).
pub const RESPONSE_COLUMNS: [&str; 5] = [
    "reference",
    "kind",
    "justification",
    "source_url",
    "responded_on",
];
const RESPONSE_REQUIRED: [bool; 5] = [true, true, false, true, true];
/// The columns of the milestones CSV (`reference` names the recommendation).
pub const MILESTONE_COLUMNS: [&str; 5] = [
    "reference",
    "happened_on",
    "kind",
    "description",
    "evidence_url",
];
const MILESTONE_REQUIRED: [bool; 5] = [true, true, true, true, true];

/// The impact catalogue's words for the shared reader.
fn words(t: &'static ImpactMessages) -> Words<'static> {
    Words {
        cell: t.err_cell,
        required: t.err_required,
        malformed: t.err_malformed,
        too_long: t.err_too_long,
        text: t.import_label,
    }
}

/// "Line L, column C: error".
fn at(t: &'static ImpactMessages, line: u64, column: usize, error: &str) -> String {
    csv_import::at(&words(t), line, column, error)
}

/// Reads a CSV with the shared reader, in the impact catalogue's words.
fn read_lines(
    text: &str,
    t: &'static ImpactMessages,
    columns: &[&str],
    required: &[bool],
) -> Result<(Vec<Line>, Vec<usize>), Vec<String>> {
    csv_import::read_lines(text, &words(t), columns, required)
}

/// Validates one line's form, or records each of its problems at the column of its field.
fn validated<F: Validate + Worded>(
    t: &'static ImpactMessages,
    columns: &[&str],
    position: &[usize],
    line: u64,
    form: &F,
    errors: &mut Vec<String>,
) -> Option<F::Command> {
    match form.validate() {
        Ok(command) => Some(command),
        Err(invalid) => {
            let sentences = describe::<F>(t, &invalid);
            let column = |field: &str| Some(columns.iter().position(|c| *c == field).unwrap_or(0));
            csv_import::at_columns(
                &words(t),
                position,
                line,
                &invalid,
                sentences,
                column,
                errors,
            );
            None
        }
    }
}

/// Reads a recommendations CSV (a header row naming [`IMPORT_COLUMNS`], any order, optional ones may be missing),
/// refusing references in `existing` or repeated. Every problem is reported as "Line L, column C: ..." and any
/// problem refuses the whole file.
pub fn parse_import(
    text: &str,
    t: &'static ImpactMessages,
    existing: &[String],
) -> Result<Vec<NewRecommendation>, Vec<String>> {
    let (lines, position) = read_lines(text, t, &IMPORT_COLUMNS, &IMPORT_REQUIRED)?;
    let mut errors = Vec::new();
    let mut seen: std::collections::HashSet<String> = existing.iter().cloned().collect();
    let mut rows = Vec::new();
    for line in lines {
        let form = RecommendationForm {
            reference: line.cells[0].clone(),
            title: line.cells[1].clone(),
            theme: line.cells[2].clone(),
            support: line.cells[3].trim().trim_end_matches('%').to_owned(),
            route: line.cells[4].clone(),
            body: line.cells[5].clone(),
        };
        match validated(
            t,
            &IMPORT_COLUMNS,
            &position,
            line.number,
            &form,
            &mut errors,
        ) {
            Some(new) if !seen.insert(new.reference.clone()) => errors.push(at(
                t,
                line.number,
                position[0],
                &fill(t.err_duplicate, &[("field", t.reference_label)]),
            )),
            Some(new) => rows.push(new),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The recommendation a line's `reference` names, or its problem at the reference's column.
fn recommendation_of(
    t: &'static ImpactMessages,
    unknown: &str,
    references: &HashMap<String, i64>,
    line: &Line,
    column: usize,
    errors: &mut Vec<String>,
) -> Option<i64> {
    let found = references.get(line.cells[0].trim()).copied();
    if found.is_none() {
        let words = fill(unknown, &[("field", t.reference_label)]);
        errors.push(at(t, line.number, column, &words));
    }
    found
}

/// Reads the authority's responses CSV ([`RESPONSE_COLUMNS`]): each line names a recommendation of the assembly by
/// its reference (`references`: reference to id) and gives its response as the recommendation's page takes it.
pub fn parse_responses(
    text: &str,
    lang: Lang,
    references: &HashMap<String, i64>,
) -> Result<Vec<(i64, NewResponse)>, Vec<String>> {
    let t = lang.t::<ImpactMessages>();
    let unknown = lang.t::<BulkMessages>().err_unknown_reference;
    let (lines, position) = read_lines(text, t, &RESPONSE_COLUMNS, &RESPONSE_REQUIRED)?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for line in lines {
        let form = ResponseForm {
            kind: line.cells[1].clone(),
            justification: line.cells[2].clone(),
            source_url: line.cells[3].clone(),
            responded_on: line.cells[4].clone(),
        };
        let id = recommendation_of(t, unknown, references, &line, position[0], &mut errors);
        let new = validated(
            t,
            &RESPONSE_COLUMNS,
            &position,
            line.number,
            &form,
            &mut errors,
        );
        if let (Some(id), Some(new)) = (id, new) {
            rows.push((id, new));
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Reads the milestones CSV ([`MILESTONE_COLUMNS`]): each line names a recommendation of the assembly by its
/// reference and gives one step of its implementation as the recommendation's page takes it.
pub fn parse_milestones(
    text: &str,
    lang: Lang,
    references: &HashMap<String, i64>,
) -> Result<Vec<(i64, NewMilestone)>, Vec<String>> {
    let t = lang.t::<ImpactMessages>();
    let unknown = lang.t::<BulkMessages>().err_unknown_reference;
    let (lines, position) = read_lines(text, t, &MILESTONE_COLUMNS, &MILESTONE_REQUIRED)?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for line in lines {
        let form = MilestoneForm {
            happened_on: line.cells[1].clone(),
            kind: line.cells[2].clone(),
            description: line.cells[3].clone(),
            evidence_url: line.cells[4].clone(),
        };
        let id = recommendation_of(t, unknown, references, &line, position[0], &mut errors);
        let new = validated(
            t,
            &MILESTONE_COLUMNS,
            &position,
            line.number,
            &form,
            &mut errors,
        );
        if let (Some(id), Some(new)) = (id, new) {
            rows.push((id, new));
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use store::recommendations::Route;

    #[test]
    fn imports_name_the_line_and_column_of_every_problem_and_refuse_duplicates() {
        let t = Lang::En.t::<ImpactMessages>();
        let good = "reference,title,theme,support\nSD-1,Ban short flights,se déplacer,96.5\n\nSL-1,\"Renovate, insulate\",se loger,\n";
        let rows = parse_import(good, t, &[]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].support_bp, Some(9_650));
        assert_eq!(rows[1].title, "Renovate, insulate");
        assert_eq!(rows[1].support_bp, None);
        assert_eq!(rows[1].route, Route::Other);

        let bad = "title,reference,theme,support,route\nA,SD-1,se déplacer,101,law\nB,SD-1,,50,tunnel\nC,SD-9,se loger,50,law\n";
        let errors = parse_import(bad, t, &["SD-9".to_owned()]).unwrap_err();
        assert_eq!(
            errors,
            vec![
                "Line 2, column 4: Support in the final vote (%): give a percentage from 0 to 100 with at most two decimals",
                "Line 3, column 3: Theme: is required",
                "Line 3, column 5: Route to policy: is not valid",
                "Line 4, column 2: Reference: this reference is already used in this assembly",
            ]
        );
        let crlf = bad.replace('\n', "\r\n");
        assert_eq!(
            parse_import(&crlf, t, &["SD-9".to_owned()])
                .unwrap_err()
                .len(),
            4
        );
        assert!(
            parse_import(&crlf, t, &["SD-9".to_owned()]).unwrap_err()[1]
                .starts_with("Line 3, column 3")
        );
        let errors = parse_import("reference,colour\n", t, &[]).unwrap_err();
        assert_eq!(
            errors,
            vec![
                "Line 1, column 2: colour: is not valid",
                "Line 1, column 3: title: is required",
                "Line 1, column 3: theme: is required",
            ]
        );
    }
}
