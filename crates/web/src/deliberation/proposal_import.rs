//! The proposals import (issue 18, item 1): proposals drafted elsewhere (on paper at the tables, say) from one CSV
//! file, previewed, then created all or nothing in one transaction with one audit entry per proposal, from the
//! deliberation page or the API.
//!
//! A line becomes the draft form ([`ProposalForm`]) and is checked the same way; `session` names one of the
//! assembly's sessions by id, title or "title (date)", and `table` one of its tables in the current allocation by
//! the number pages show ("3" or "Table 3"). Every problem is named "Line L, column C: ..." and any problem refuses
//! the whole file. As in the recommendations import, the preview keeps the text in a hidden field of its confirming
//! form, and the confirming request reads it again in the transaction that writes it.
//!
//! The CSV is read by the imports' shared line reader (`crate::csv_import`).

use askama::Template;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;
use store::proposals::NewProposal;

use app::deliberation::proposals::Places;

use super::forms::{ProposalForm, describe};
use super::refused;
use crate::auth::Viewer;
use crate::csv_import;
use crate::error::AppError;
use crate::form::{Submitted, Validate};
use crate::i18n::bulk::BulkMessages;
use crate::i18n::proposals::ProposalMessages;
use crate::i18n::{DeliberationMessages, Lang, fill, plural};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The columns of the proposals CSV.
pub const COLUMNS: [&str; 4] = ["title", "text", "session", "table"];
const REQUIRED: [bool; 4] = [true, true, false, false];
/// The words a line's problems are written with.
struct Words {
    t: &'static DeliberationMessages,
    tp: &'static ProposalMessages,
    /// The shared reader's words (the bulk catalogue's), naming the text field by the proposals' import label.
    reader: csv_import::Words<'static>,
}

impl Words {
    fn of(lang: Lang) -> Words {
        let tp = lang.t::<ProposalMessages>();
        Words {
            t: lang.t::<DeliberationMessages>(),
            tp,
            reader: csv_import::Words::bulk(lang.t::<BulkMessages>(), tp.import_label),
        }
    }

    /// "Line L, column C: error".
    fn at(&self, line: u64, column: usize, error: &str) -> String {
        csv_import::at(&self.reader, line, column, error)
    }
}

/// The session a cell names: its id, its title or "title (date)", among the assembly's sessions.
fn session_named(places: &Places, cell: &str) -> Option<i64> {
    places
        .sessions
        .iter()
        .find(|session| {
            session.id.to_string() == cell
                || session.fields.title == cell
                || format!("{} ({})", session.fields.title, session.fields.held_on) == cell
        })
        .map(|session| session.id)
}

/// The stored table number (from 0) of a cell that shows one from 1: "3" or "Table 3", any case.
fn table_named(cell: &str) -> Option<i64> {
    let lower = cell.to_lowercase();
    let number = lower.strip_prefix("table").unwrap_or(&lower).trim();
    number
        .parse::<i64>()
        .ok()
        .filter(|shown| *shown >= 1)
        .map(|shown| shown - 1)
}

/// Reads a proposals CSV against the assembly's sessions and tables: the proposals, or every problem by line and
/// column (an empty file is a problem too).
fn parse(text: &str, lang: Lang, places: &Places) -> Result<Vec<NewProposal>, Vec<String>> {
    let words = Words::of(lang);
    let (t, tp) = (words.t, words.tp);
    let (mut lines, position) = csv_import::read_lines(text, &words.reader, &COLUMNS, &REQUIRED)?;
    for line in &mut lines {
        for cell in &mut line.cells {
            *cell = cell.trim().to_owned();
        }
    }
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for line in &lines {
        let mut refuse = |column: usize, label: &str, problem: &str| {
            errors.push(words.at(
                line.number,
                position[column],
                &format!("{label}: {problem}"),
            ));
        };
        let session_cell = &line.cells[2];
        let session_id = if session_cell.is_empty() {
            None
        } else {
            let found = session_named(places, session_cell);
            if found.is_none() {
                refuse(2, t.session_label, tp.err_unknown_session);
                continue;
            }
            found
        };
        let table_cell = &line.cells[3];
        let table = if table_cell.is_empty() {
            String::new()
        } else {
            match (session_id, table_named(table_cell)) {
                (Some(session_id), Some(table_no))
                    if places.tables.contains(&(session_id, table_no)) =>
                {
                    ProposalForm::table_value(session_id, table_no)
                }
                _ => {
                    refuse(3, t.table_label, tp.err_unknown_table);
                    continue;
                }
            }
        };
        let form = ProposalForm {
            title: line.cells[0].clone(),
            body: line.cells[1].clone(),
            session_id: session_id.map(|id| id.to_string()).unwrap_or_default(),
            table,
        };
        match form.validate() {
            Ok(new) => rows.push(new),
            Err(invalid) => {
                for (error, sentence) in invalid.0.iter().zip(describe(t, &invalid)) {
                    let column = match error.field.as_str() {
                        "title" => 0,
                        "body" => 1,
                        "session_id" => 2,
                        _ => 3,
                    };
                    errors.push(words.at(line.number, position[column], &sentence));
                }
            }
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.push(words.at(2, 1, &format!("{}: {}", tp.import_label, t.required)));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The preview of a proposals import, and the page again with the problems of a file that does not read.
#[derive(Template)]
#[template(path = "proposal_import.html")]
pub struct ImportPage {
    /// Chrome.
    pub c: Chrome,
    /// The bulk strings.
    pub b: &'static BulkMessages,
    /// The strings of deliberation.
    pub t: &'static DeliberationMessages,
    /// The strings of proposals.
    pub tp: &'static ProposalMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// "N lines will be created".
    pub intro: String,
    /// The confirmation button's words.
    pub confirm: String,
    /// The rows: title, session, table.
    pub rows: Vec<[String; 3]>,
    /// The text, carried back by the confirmation form.
    pub csv: String,
    /// Every problem of a file that does not read (then there is nothing to confirm).
    pub errors: Vec<String>,
}

/// The page of a file: its preview when it reads, else its problems (422).
fn import_page(
    viewer: &Viewer,
    assembly_id: i64,
    places: &Places,
    text: &str,
    parsed: Result<Vec<NewProposal>, Vec<String>>,
) -> Result<Response, AppError> {
    let b = viewer.lang.t::<BulkMessages>();
    let tp = viewer.lang.t::<ProposalMessages>();
    let (status, rows, errors) = match parsed {
        Ok(rows) => (StatusCode::OK, rows, Vec::new()),
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Vec::new(),
            errors.into_iter().take(30).collect(),
        ),
    };
    let n = rows.len() as i64;
    let shown = rows
        .iter()
        .map(|row| {
            let session = row
                .session_id
                .and_then(|id| places.sessions.iter().find(|session| session.id == id))
                .map(|session| format!("{} ({})", session.fields.title, session.fields.held_on))
                .unwrap_or_else(|| tp.no_session.to_owned());
            let table = row
                .table_no
                .map(|table_no| fill(tp.table_n, &[("n", &(table_no + 1).to_string())]))
                .unwrap_or_else(|| tp.no_table.to_owned());
            [row.title.clone(), session, table]
        })
        .collect();
    let mut response = render(
        status,
        &ImportPage {
            c: Chrome::new(viewer, b.preview_title),
            b,
            t: viewer.lang.t::<DeliberationMessages>(),
            tp,
            assembly_id,
            intro: plural(viewer.lang, n, b.preview_intro_one, b.preview_intro_other),
            confirm: plural(viewer.lang, n, b.confirm_one, b.confirm_other),
            rows: shown,
            csv: text.to_owned(),
            errors,
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The import form: the CSV text, and `step=confirm` to import it (anything else previews).
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    /// The CSV text.
    #[serde(default)]
    pub csv: String,
    /// `confirm` to import.
    #[serde(default)]
    pub step: String,
}

impl Validate for ImportForm {
    /// The text, read once the assembly's sessions and tables are known, and whether to import it.
    type Command = (String, bool);

    fn validate(&self) -> Result<(String, bool), crate::form::FieldErrors> {
        Ok((self.csv.clone(), self.step == "confirm"))
    }
}

/// Creates every proposal through the draft form's use case in the caller's transaction (one audit entry each);
/// the ids, or the refusal of the first one that the rules refuse, worded with its line.
async fn create_all(
    tx: &mut store::Tx,
    viewer: &Viewer,
    assembly_id: i64,
    rows: &[NewProposal],
) -> Result<Result<Vec<i64>, String>, AppError> {
    let actor = viewer.actor();
    let now = now();
    let mut ids = Vec::with_capacity(rows.len());
    for (index, new) in rows.iter().enumerate() {
        let created =
            app::deliberation::proposals::create_proposal(tx, &actor, assembly_id, new, now).await;
        match refused(created)? {
            Ok(id) => ids.push(id),
            Err(refusal) => {
                let t = viewer.lang.t::<DeliberationMessages>();
                let words = super::views::refusal_text(t, &refusal).join(" ");
                return Ok(Err(format!("#{}: {words}", index + 1)));
            }
        }
    }
    Ok(Ok(ids))
}

/// `POST /staff/assemblies/{assembly_id}/deliberation/proposals-import`: proposals from CSV, previewed, then created
/// all or nothing when confirmed.
pub async fn import_proposals(
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
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let places =
        app::deliberation::proposals::places(&mut tx, &viewer.actor(), assembly_id).await?;
    let parsed = parse(&text, viewer.lang, &places);
    let rows = match parsed {
        Ok(rows) if confirm => rows,
        other => {
            drop(tx);
            return import_page(&viewer, assembly_id, &places, &text, other);
        }
    };
    match create_all(&mut tx, &viewer, assembly_id, &rows).await? {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/deliberation?saved=1"
            ))
            .into_response())
        }
        Err(refusal) => {
            drop(tx);
            import_page(&viewer, assembly_id, &places, &text, Err(vec![refusal]))
        }
    }
}

/// `GET /staff/assemblies/{assembly_id}/deliberation/proposals-template.csv`: the header the import reads and one
/// example line.
pub async fn proposals_template() -> Result<Response, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(AppError::internal)?;
    writer
        .write_record([
            "Night buses",
            "Run buses on the four main lines every night from midnight to 5 am.",
            "Weekend 2",
            "3",
        ])
        .map_err(AppError::internal)?;
    let bytes = writer
        .into_inner()
        .map_err(|error| AppError::internal(error.into_error()))?;
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_static("attachment; filename=\"proposals-template.csv\""),
    );
    Ok(response)
}

/// What a script sends to import proposals.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// The CSV text, as the page's import takes it.
    pub csv: String,
    /// Check the file and return the preview without writing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// A 422 naming every problem of the file by line and column.
fn csv_errors(errors: Vec<String>) -> Response {
    let errors: Vec<String> = errors.into_iter().take(100).collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": errors.join(" "), "field": "csv", "errors": errors })),
    )
        .into_response()
}

/// `POST /api/v1/assemblies/{assembly_id}/proposals/import`: the page's import as one call: 201 with the new ids,
/// or with `dry_run` 200 and the preview, or 422 with every problem by line and column (nothing written).
pub async fn api_import_proposals(
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
    let places =
        app::deliberation::proposals::places(&mut tx, &viewer.actor(), assembly_id).await?;
    let rows = match parse(&input.csv, viewer.lang, &places) {
        Ok(rows) => rows,
        Err(errors) => return Ok(csv_errors(errors)),
    };
    let preview: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            json!({
                "title": row.title, "session_id": row.session_id,
                "table": row.table_no.map(|table_no| table_no + 1),
            })
        })
        .collect();
    if input.dry_run {
        return Ok(Json(json!({ "created": 0, "ids": [], "preview": preview })).into_response());
    }
    match create_all(&mut tx, &viewer, assembly_id, &rows).await? {
        Ok(ids) => {
            tx.commit().await?;
            Ok((
                StatusCode::CREATED,
                Json(json!({ "created": ids.len(), "ids": ids, "preview": preview })),
            )
                .into_response())
        }
        Err(refusal) => Ok(csv_errors(vec![refusal])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::sessions::{NewSession, SessionRow};

    fn places() -> Places {
        let session = |id: i64, title: &str, held_on: &str| SessionRow {
            id,
            assembly_id: 1,
            fields: NewSession {
                title: title.to_owned(),
                held_on: held_on.to_owned(),
                starts_at: "09:30".to_owned(),
                ends_at: "17:00".to_owned(),
                place: "Town hall".to_owned(),
            },
        };
        Places {
            sessions: vec![
                session(4, "Weekend 1", "2026-01-10"),
                session(9, "Weekend 2", "2026-02-14"),
            ],
            tables: vec![(4, 0), (4, 1), (9, 2)],
            own_seats: Vec::new(),
        }
    }

    #[test]
    fn a_proposals_file_names_sessions_and_tables_as_pages_show_them() {
        let text = "title,text,session,table\nNight buses,\"Run buses, every night\",Weekend 1,Table 2\n\nTrams,Run trams,Weekend 2 (2026-02-14),3\nCycling,More lanes,,\nBridges,Repair,4,\n";
        let rows = parse(text, Lang::En, &places()).unwrap();
        let seen: Vec<(&str, &str, Option<i64>, Option<i64>)> = rows
            .iter()
            .map(|row| {
                (
                    row.title.as_str(),
                    row.body.as_str(),
                    row.session_id,
                    row.table_no,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Night buses", "Run buses, every night", Some(4), Some(1)),
                ("Trams", "Run trams", Some(9), Some(2)),
                ("Cycling", "More lanes", None, None),
                ("Bridges", "Repair", Some(4), None),
            ]
        );
    }

    #[test]
    fn every_problem_of_a_proposals_file_is_named_by_line_and_column() {
        let text = "table,title,session,text\n1,Night buses,Weekend 3,Text\n3,Trams,Weekend 1,Text\n1,,Weekend 1,Text\n2,Cycling,,Text\n";
        assert_eq!(
            parse(text, Lang::En, &places()).unwrap_err(),
            [
                "Line 2, column 3: Session: not a session of this assembly",
                "Line 3, column 1: Table: not a table of this session in the assembly's allocation",
                "Line 4, column 2: Title: is required",
                "Line 5, column 1: Table: not a table of this session in the assembly's allocation",
            ]
        );
        assert_eq!(
            parse("title,colour\n", Lang::En, &places()).unwrap_err(),
            [
                "Line 1, column 2: colour: is not valid",
                "Line 1, column 3: text: is required",
            ]
        );
        assert_eq!(
            parse("title,text\n\n", Lang::En, &places()).unwrap_err(),
            ["Line 2, column 1: Proposals (CSV): is required"]
        );
        assert_eq!(
            parse("title,text\r\nA,\r\n", Lang::Fr, &places()).unwrap_err(),
            ["Ligne 2, colonne 2 : Texte de la proposition: est obligatoire"]
        );
    }
}
