//! The recommendations CSV of an import: read whole, every problem named by line and column, all or nothing.

use store::recommendations::NewRecommendation;

use super::{RecommendationForm, describe};
use crate::form::Validate;
use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;

/// The columns of the recommendations CSV.
pub const IMPORT_COLUMNS: [&str; 6] = ["reference", "title", "theme", "support", "route", "body"];
const IMPORT_REQUIRED: [bool; 6] = [true, true, true, false, false, false];
/// The most recommendations one import takes.
pub const MAX_IMPORT: usize = 2_000;

/// Reads a recommendations CSV (a header row naming [`IMPORT_COLUMNS`], any order, optional ones may be missing),
/// refusing references in `existing` or repeated. Every problem is reported as "Line L, column C: ..." and any
/// problem refuses the whole file.
pub fn parse_import(
    text: &str,
    t: &'static ImpactMessages,
    existing: &[String],
) -> Result<Vec<NewRecommendation>, Vec<String>> {
    let at = |line: u64, column: usize, error: String| {
        fill(
            t.err_cell,
            &[
                ("line", &line.to_string()),
                ("column", &column.to_string()),
                ("error", &error),
            ],
        )
    };
    let problem = |template: &str, field: &str| fill(template, &[("field", field)]);
    // Browsers send a textarea's lines ending in CR LF; read them as LF so line numbers count from the header.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => return Err(vec![at(1, 1, problem(t.err_required, t.import_label))]),
    };
    let mut errors = Vec::new();
    let mut position: [Option<usize>; 6] = [None; 6];
    for (index, name) in header.iter().enumerate() {
        match IMPORT_COLUMNS.iter().position(|c| *c == name.trim()) {
            Some(known) if position[known].is_none() => position[known] = Some(index),
            _ => errors.push(at(1, index + 1, problem(t.err_malformed, name.trim()))),
        }
    }
    for (known, column) in IMPORT_COLUMNS.iter().enumerate() {
        if position[known].is_none() && IMPORT_REQUIRED[known] {
            errors.push(at(1, header.len() + 1, problem(t.err_required, column)));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut seen: std::collections::HashSet<String> = existing.iter().cloned().collect();
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(0);
                errors.push(at(line, 1, problem(t.err_malformed, "csv")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_IMPORT {
            errors.push(at(line, 1, problem(t.err_too_long, "csv")));
            break;
        }
        let cell = |known: usize| -> String {
            position[known]
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        let column = |known: usize| position[known].map(|i| i + 1).unwrap_or(0);
        let form = RecommendationForm {
            reference: cell(0),
            title: cell(1),
            theme: cell(2),
            support: cell(3).trim().trim_end_matches('%').to_owned(),
            route: cell(4),
            body: cell(5),
        };
        match form.validate() {
            Ok(new) if !seen.insert(new.reference.clone()) => errors.push(at(
                line,
                column(0),
                problem(t.err_duplicate, t.reference_label),
            )),
            Ok(new) => rows.push(new),
            Err(invalid) => {
                let sentences = describe::<RecommendationForm>(t, &invalid);
                for (error, sentence) in invalid.0.iter().zip(sentences) {
                    let known = IMPORT_COLUMNS
                        .iter()
                        .position(|c| *c == error.field)
                        .unwrap_or(0);
                    errors.push(at(line, column(known), sentence));
                }
            }
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
