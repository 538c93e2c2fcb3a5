//! The CSV imports' shared parts (issue 18, item 1): the line reader that every import uses (a header row naming
//! known columns in any order, every problem named "Line L, column C: ..."), the preview page with the form that
//! confirms it, the downloadable templates and the API's 422 listing every problem.
//!
//! Each feature keeps its own columns and turns a line into the same form as its page's, validated the same way
//! (`impact::forms::import`, `assembly::import`, `deliberation::import`); nothing is written before the organiser
//! confirms, and the confirming request reads the text again in the one transaction that writes it.
//!
//! The preview keeps the text in a hidden field of its confirmation form rather than in a pending row on the server:
//! nothing is stored before the organiser confirms (no table of half-imports to clean up, nothing lost when another
//! server instance answers the confirmation). The text is the organiser's own file, posted back with the form's
//! CSRF token like any other field.

use askama::Template;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Validate};
use crate::i18n::bulk::BulkMessages;
use crate::i18n::{fill, plural};
use crate::views::{Chrome, render};

/// The most lines one import takes.
pub const MAX_IMPORT: usize = 2_000;

/// The words of a feature's catalogue that the reader needs.
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    /// "Line {line}, column {column}: {error}".
    pub cell: &'a str,
    /// "{field}: is required".
    pub required: &'a str,
    /// "{field}: is not valid".
    pub malformed: &'a str,
    /// "{field}: is too long" (a file over [`MAX_IMPORT`] lines).
    pub too_long: &'a str,
    /// The name of the text field, for an empty file.
    pub text: &'a str,
}

impl Words<'static> {
    /// The bulk catalogue's words, naming the text field `text`.
    pub fn bulk(b: &'static BulkMessages, text: &'static str) -> Words<'static> {
        Words {
            cell: b.err_cell,
            required: b.err_required,
            malformed: b.err_malformed,
            too_long: b.err_too_long,
            text,
        }
    }
}

/// "Line L, column C: error".
pub fn at(words: &Words, line: u64, column: usize, error: &str) -> String {
    fill(
        words.cell,
        &[
            ("line", &line.to_string()),
            ("column", &column.to_string()),
            ("error", error),
        ],
    )
}

/// One line of a CSV that read: its line number, and its cells by known column (empty when the column is absent).
pub struct Line {
    /// The line number in the file (the header is line 1).
    pub number: u64,
    /// The cells, in the order of the known columns.
    pub cells: Vec<String>,
}

/// Reads a CSV whose header row names `columns` (any order; columns not `required` may be missing), skipping empty
/// lines, up to [`MAX_IMPORT`] lines. Returns the lines and each known column's position (from 1, 0 when absent),
/// or every problem of the header and of the CSV syntax by line and column.
pub fn read_lines(
    text: &str,
    words: &Words,
    columns: &[&str],
    required: &[bool],
) -> Result<(Vec<Line>, Vec<usize>), Vec<String>> {
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
        _ => return Err(vec![at(words, 1, 1, &problem(words.required, words.text))]),
    };
    let mut errors = Vec::new();
    let mut position: Vec<Option<usize>> = vec![None; columns.len()];
    for (index, name) in header.iter().enumerate() {
        match columns.iter().position(|c| *c == name.trim()) {
            Some(known) if position[known].is_none() => position[known] = Some(index),
            _ => errors.push(at(
                words,
                1,
                index + 1,
                &problem(words.malformed, name.trim()),
            )),
        }
    }
    for (known, column) in columns.iter().enumerate() {
        if position[known].is_none() && required[known] {
            errors.push(at(
                words,
                1,
                header.len() + 1,
                &problem(words.required, column),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut lines = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| line_of(&text, p)).unwrap_or(0);
                errors.push(at(words, line, 1, &problem(words.malformed, "csv")));
                continue;
            }
        };
        let number = record.position().map(|p| line_of(&text, p)).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if lines.len() >= MAX_IMPORT {
            errors.push(at(words, number, 1, &problem(words.too_long, "csv")));
            break;
        }
        let cells = position
            .iter()
            .map(|index| index.and_then(|i| record.get(i)).unwrap_or("").to_owned())
            .collect();
        lines.push(Line { number, cells });
    }
    if errors.is_empty() {
        let position = position
            .iter()
            .map(|p| p.map(|i| i + 1).unwrap_or(0))
            .collect();
        Ok((lines, position))
    } else {
        Err(errors)
    }
}

/// The line (from 1) where a record starts, counted from its byte offset: the `csv` reader's own line count skips
/// the empty lines it passes over (and its offset points before them), and the person fixing the file counts every
/// line.
fn line_of(text: &str, position: &csv::Position) -> u64 {
    let bytes = text.as_bytes();
    let mut start = usize::try_from(position.byte())
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while start < bytes.len() && (bytes[start] == b'\n' || bytes[start] == b'\r') {
        start += 1;
    }
    1 + bytes[..start].iter().filter(|b| **b == b'\n').count() as u64
}

/// Records each of a line's form errors at the column of its field: `invalid` the errors, `sentences` the same
/// errors worded by the feature (one each, in order), `field_column` the known column a form field comes from.
pub fn at_columns(
    words: &Words,
    position: &[usize],
    line: u64,
    invalid: &FieldErrors,
    sentences: Vec<String>,
    field_column: impl Fn(&str) -> Option<usize>,
    errors: &mut Vec<String>,
) {
    for (error, sentence) in invalid.0.iter().zip(sentences) {
        let column = field_column(&error.field)
            .and_then(|known| position.get(known).copied())
            .unwrap_or(0);
        errors.push(at(words, line, column, &sentence));
    }
}

/// The preview page of an import: what each line will create, and the form that confirms it.
#[derive(Template)]
#[template(path = "import_preview.html")]
pub struct PreviewPage {
    /// Chrome.
    pub c: Chrome,
    /// The bulk strings.
    pub b: &'static BulkMessages,
    /// The page the import belongs to (a link back).
    pub back_href: String,
    /// Its title.
    pub back_label: &'static str,
    /// The label of the text field.
    pub text_label: &'static str,
    /// Where the confirmation (and a changed file) is posted.
    pub action: String,
    /// "N lines will be created".
    pub intro: String,
    /// The confirmation button's words.
    pub confirm: String,
    /// The column headings.
    pub headers: Vec<&'static str>,
    /// The rows, first cell the row's heading.
    pub rows: Vec<Vec<String>>,
    /// The text, carried back by the confirmation form.
    pub csv: String,
    /// Every problem of a file that does not read (then there is nothing to confirm).
    pub errors: Vec<String>,
}

/// Where an import's page posts and links back to.
#[derive(Debug, Clone)]
pub struct Target {
    /// Where the confirmation (and a changed file) is posted.
    pub action: String,
    /// The page the import belongs to.
    pub back_href: String,
    /// Its title.
    pub back_label: &'static str,
    /// The label of the text field.
    pub text_label: &'static str,
}

/// The preview of a file that reads (`rows` under `headers`), with the form that posts it back.
pub fn preview(
    viewer: &Viewer,
    target: Target,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    text: &str,
) -> Result<Response, AppError> {
    let b = viewer.lang.t::<BulkMessages>();
    let n = rows.len() as i64;
    let mut response = render(
        StatusCode::OK,
        &PreviewPage {
            c: Chrome::new(viewer, b.preview_title),
            b,
            back_href: target.back_href,
            back_label: target.back_label,
            text_label: target.text_label,
            action: target.action,
            intro: plural(viewer.lang, n, b.preview_intro_one, b.preview_intro_other),
            confirm: plural(viewer.lang, n, b.confirm_one, b.confirm_other),
            headers,
            rows,
            csv: text.to_owned(),
            errors: Vec::new(),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The page again with every problem of a file that does not read (`status`, 422 unless a use case said
/// otherwise), the text kept to fix it.
pub fn refused_file(
    viewer: &Viewer,
    target: Target,
    status: StatusCode,
    text: &str,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let b = viewer.lang.t::<BulkMessages>();
    render(
        status,
        &PreviewPage {
            c: Chrome::new(viewer, b.preview_title),
            b,
            back_href: target.back_href,
            back_label: target.back_label,
            text_label: target.text_label,
            action: target.action,
            intro: String::new(),
            confirm: String::new(),
            headers: Vec::new(),
            rows: Vec::new(),
            csv: text.to_owned(),
            errors: errors.into_iter().take(30).collect(),
        },
    )
}

/// A CSV file of a header and one line, as a download named `name`.
pub fn csv_file(
    header: &[&str],
    example: &[&str],
    name: &'static str,
) -> Result<Response, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(AppError::internal)?;
    writer.write_record(example).map_err(AppError::internal)?;
    let bytes = writer
        .into_inner()
        .map_err(|error| AppError::internal(error.into_error()))?;
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_str(&disposition).map_err(AppError::internal)?,
    );
    Ok(response)
}

/// The import form: the pasted text shows a preview (`step` empty or `preview`); the preview's form sends the same
/// text back in a hidden field with `step=confirm`, which imports it.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    /// The CSV text.
    #[serde(default)]
    pub csv: String,
    /// `confirm` to import; anything else previews.
    #[serde(default)]
    pub step: String,
}

impl Validate for ImportForm {
    /// The text, read by the feature's parser in the request's transaction, and whether to import it.
    type Command = (String, bool);

    fn validate(&self) -> Result<(String, bool), FieldErrors> {
        Ok((self.csv.clone(), self.step == "confirm"))
    }
}

/// What a script sends to import a CSV file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// The CSV text, as the page's import takes it.
    pub csv: String,
    /// Check the file and return the preview without writing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// A 422 (or `status`) naming every problem of the file by line and column.
pub fn csv_errors_with(status: StatusCode, errors: Vec<String>) -> Response {
    let errors: Vec<String> = errors.into_iter().take(100).collect();
    (
        status,
        Json(json!({ "error": errors.join(" "), "field": "csv", "errors": errors })),
    )
        .into_response()
}

/// A 422 naming every problem of the file by line and column.
pub fn csv_errors(errors: Vec<String>) -> Response {
    csv_errors_with(StatusCode::UNPROCESSABLE_ENTITY, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_reader_names_unknown_and_missing_columns_and_bad_syntax_by_line_and_column() {
        let words = Words::bulk(Lang::En.t::<BulkMessages>(), "Sessions (CSV)");
        let columns = ["a", "b", "c"];
        let required = [true, true, false];
        let (lines, position) = read_lines("b,a\n1,2\n\n3,4\r\n", &words, &columns, &required)
            .ok()
            .unwrap();
        assert_eq!(position, vec![2, 1, 0]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].number, 4);
        assert_eq!(lines[1].cells, vec!["4", "3", ""]);
        let errors = read_lines("a,x\n", &words, &columns, &required)
            .err()
            .unwrap();
        assert_eq!(
            errors,
            vec![
                "Line 1, column 2: x: is not valid",
                "Line 1, column 3: b: is required",
            ]
        );
        let errors = read_lines("", &words, &columns, &required).err().unwrap();
        assert_eq!(
            errors,
            vec!["Line 1, column 1: Sessions (CSV): is required"]
        );
    }
}
