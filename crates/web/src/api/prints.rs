//! `/api/v1/assemblies/{assembly_id}/print-runs`: the print-ready letters for scripts (issue 18, items 6 and 9).
//! A script starts a print run (the background job of the print page; a second one is refused while one runs),
//! follows its progress, lists its files with their size and SHA-256, and downloads each file (logged as a view of
//! the addresses it holds), through the same use cases as the page (`app::recruitment::print`).

use app::recruitment::print::{DEFAULT_PER_FILE, MAX_PER_FILE, PrintCommand, PrintStatus};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use recruitment::print::Paper;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::JsonBody;
use super::openapi::{assembly_id_parameter, error_response, id_parameter, json_response};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{AppState, now};

/// What a script sends to start a print run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintInput {
    /// `a4` or `us-letter`.
    pub paper: String,
    /// Letters per file (1 to [`MAX_PER_FILE`]; [`DEFAULT_PER_FILE`] when absent).
    #[serde(default)]
    pub per_file: Option<i64>,
}

/// One file of a run.
#[derive(Debug, Serialize)]
pub struct PrintFileJson {
    /// Its number, from 1.
    pub number: i64,
    /// Its first letter (1-based, in the order of the invitations).
    pub first_letter: i64,
    /// How many letters it holds.
    pub letters: i64,
    /// Its size in bytes.
    pub size: i64,
    /// Its SHA-256, lower-case hexadecimal.
    pub sha256: String,
    /// Where to download it.
    pub path: String,
}

/// A print run with its progress and files (counts, sizes and checksums: no address).
#[derive(Debug, Serialize)]
pub struct PrintRunJson {
    /// The run.
    pub id: i64,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// `a4` or `us-letter`.
    pub paper: String,
    /// Letters per file.
    pub per_file: i64,
    /// The language of the letters' words.
    pub lang: String,
    /// Letters to print.
    pub letters_total: i64,
    /// Letters in stored files.
    pub letters_done: i64,
    /// Characters the standard fonts could not print (printed as `?`).
    pub replaced: i64,
    /// When it was asked for (unix seconds).
    pub created_at: i64,
    /// When it ended (unix seconds), if it has.
    pub finished_at: Option<i64>,
    /// Its stored files, by number.
    pub files: Vec<PrintFileJson>,
}

impl PrintRunJson {
    fn of(assembly_id: i64, status: PrintStatus) -> PrintRunJson {
        let print = status.print;
        let files = status
            .files
            .into_iter()
            .map(|file| PrintFileJson {
                path: format!(
                    "/api/v1/assemblies/{assembly_id}/print-runs/{}/files/{}",
                    print.id, file.number
                ),
                number: file.number,
                first_letter: file.first_letter,
                letters: file.letters,
                size: file.size,
                sha256: file.sha256,
            })
            .collect();
        PrintRunJson {
            id: print.id,
            state: print.state,
            paper: print.paper,
            per_file: print.per_file,
            lang: print.lang,
            letters_total: print.letters_total,
            letters_done: print.letters_done,
            replaced: print.replaced,
            created_at: print.created_at,
            finished_at: print.finished_at,
            files,
        }
    }
}

/// `GET /api/v1/assemblies/{assembly_id}/print-runs`: the newest runs (as many as the page lists) and how many
/// there are in all.
pub async fn list_print_runs(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let mut connection = state.store.connection().await?;
    let (statuses, total) = app::recruitment::print::prints(&mut connection, assembly_id).await?;
    drop(connection);
    let runs: Vec<PrintRunJson> = statuses
        .into_iter()
        .map(|status| PrintRunJson::of(assembly_id, status))
        .collect();
    Ok(Json(json!({ "total": total, "runs": runs })))
}

/// `POST /api/v1/assemblies/{assembly_id}/print-runs`: starts a run of every invitation's letter (202 with the
/// run); 409 while another run is under way or when there is nothing to print; 422 naming `paper` or `per_file`.
pub async fn start_print_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    body: JsonBody<PrintInput>,
) -> Result<Response, AppError> {
    let Json(input) = body?;
    let per_file = input.per_file.map(|n| n.to_string()).unwrap_or_default();
    let command = PrintCommand::parse(&input.paper, &per_file)?;
    let base = crate::recruitment::letters::base_url(&state, &headers, assembly_id);
    let mut tx = state.store.begin().await?;
    let done = app::recruitment::print::start_print(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        command,
        viewer.lang.code(),
        &base,
        now(),
    )
    .await?;
    tx.commit().await?;
    let print_id = done.value;
    crate::recruitment::print::start(&state, done.effects);
    let mut connection = state.store.connection().await?;
    let status = app::recruitment::print::print(&mut connection, assembly_id, print_id).await?;
    drop(connection);
    Ok((
        StatusCode::ACCEPTED,
        Json(PrintRunJson::of(assembly_id, status)),
    )
        .into_response())
}

/// `GET /api/v1/assemblies/{assembly_id}/print-runs/{print_id}`: one run's progress and files.
pub async fn get_print_run(
    State(state): State<AppState>,
    Path((assembly_id, print_id)): Path<(i64, i64)>,
) -> Result<Json<PrintRunJson>, AppError> {
    let mut connection = state.store.connection().await?;
    let status = app::recruitment::print::print(&mut connection, assembly_id, print_id).await?;
    Ok(Json(PrintRunJson::of(assembly_id, status)))
}

/// `GET /api/v1/assemblies/{assembly_id}/print-runs/{print_id}/files/{number}`: one PDF file, logged as a view of
/// the addresses it holds; a number that is not an integer names no file (404).
pub async fn get_print_file(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, print_id, number)): Path<(i64, i64, String)>,
) -> Result<Response, AppError> {
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.store.begin().await?;
    let pdf = app::recruitment::print::print_file(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        print_id,
        number,
        now(),
    )
    .await?;
    tx.commit().await?;
    let disposition =
        format!("attachment; filename=\"letters-{assembly_id}-{print_id}-{number:03}.pdf\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

/// The schema of a run, from [`PrintRunJson`].
fn run_schema() -> Value {
    let papers: Vec<&str> = Paper::ALL.iter().map(|paper| paper.as_str()).collect();
    json!({ "type": "object", "required": ["id", "state", "paper", "per_file", "letters_total", "letters_done", "files"], "properties": {
        "id": { "type": "integer" }, "state": { "enum": ["running", "done", "failed"] }, "paper": { "enum": papers },
        "per_file": { "type": "integer" }, "lang": { "type": "string" },
        "letters_total": { "type": "integer" }, "letters_done": { "type": "integer" }, "replaced": { "type": "integer" },
        "created_at": { "type": "integer" }, "finished_at": { "type": ["integer", "null"] },
        "files": { "type": "array", "items": { "type": "object", "required": ["number", "size", "sha256", "path"], "properties": {
            "number": { "type": "integer" }, "first_letter": { "type": "integer" }, "letters": { "type": "integer" },
            "size": { "type": "integer", "description": "bytes" }, "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
            "path": { "type": "string" } } } } } })
}

/// The OpenAPI operations of this file's routes.
pub fn operation(method: &str, path: &str) -> Option<Value> {
    let bearer = json!([{ "bearer": [] }]);
    let papers: Vec<&str> = Paper::ALL.iter().map(|paper| paper.as_str()).collect();
    let operation = match (method, path) {
        ("GET", "/api/v1/assemblies/{assembly_id}/print-runs") => json!({
            "operationId": "listPrintRuns", "summary": "The newest print runs of the letters (at most 10) with their progress and files, and how many runs there are (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "responses": {
                "200": json_response("The newest runs", json!({ "type": "object", "required": ["total", "runs"], "properties": {
                    "total": { "type": "integer" }, "runs": { "type": "array", "items": run_schema() } } })),
                "404": error_response("No such assembly")
            }
        }),
        ("POST", "/api/v1/assemblies/{assembly_id}/print-runs") => json!({
            "operationId": "startPrintRun", "summary": "Start making every invitation's letter as PDF files of `per_file` letters, one letter a page, off the request path; follow it with getPrintRun (organisers; one run at a time)", "security": bearer,
            "parameters": [assembly_id_parameter()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["paper"], "additionalProperties": false, "properties": {
                "paper": { "enum": papers },
                "per_file": { "type": "integer", "minimum": 1, "maximum": MAX_PER_FILE, "default": DEFAULT_PER_FILE } } } } } },
            "responses": {
                "202": json_response("Started; the files appear one at a time", run_schema()),
                "404": error_response("No such assembly"),
                "409": error_response("A run is already under way, or there are no invitations to print; nothing was started"),
                "422": error_response("`paper` or `per_file` is invalid; `field` names it")
            }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/print-runs/{print_id}") => json!({
            "operationId": "getPrintRun", "summary": "A print run's progress and its files with their size and SHA-256 (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter(), id_parameter("print_id")],
            "responses": { "200": json_response("The run", run_schema()), "404": error_response("No such run in this assembly") }
        }),
        ("GET", "/api/v1/assemblies/{assembly_id}/print-runs/{print_id}/files/{number}") => json!({
            "operationId": "getPrintFile", "summary": "One PDF file of a run; every download is logged as a view of the addresses it holds (organisers)", "security": bearer,
            "parameters": [assembly_id_parameter(), id_parameter("print_id"), id_parameter("number")],
            "responses": {
                "200": { "description": "The PDF file", "content": { "application/pdf": { "schema": { "type": "string", "format": "binary" } } } },
                "404": error_response("No such run or file in this assembly")
            }
        }),
        _ => return None,
    };
    Some(operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_as_answered_has_exactly_the_documented_fields() {
        let status = PrintStatus {
            print: store::letter_prints::PrintRow {
                id: 3,
                assembly_id: 7,
                paper: "a4".into(),
                per_file: 500,
                lang: "fr".into(),
                base_url: "https://example.org/assemblies/7".into(),
                state: "done".into(),
                letters_total: 600,
                letters_done: 600,
                replaced: 0,
                created_at: 1,
                finished_at: Some(2),
            },
            files: vec![store::letter_prints::FileRow {
                number: 2,
                first_letter: 501,
                letters: 100,
                size: 12_345,
                sha256: "ab".repeat(32),
            }],
        };
        let answered = serde_json::to_value(PrintRunJson::of(7, status)).unwrap();
        let schema = run_schema();
        let documented = schema["properties"].as_object().unwrap();
        let fields = answered.as_object().unwrap();
        assert_eq!(
            fields.keys().collect::<std::collections::BTreeSet<_>>(),
            documented.keys().collect::<std::collections::BTreeSet<_>>()
        );
        let file = answered["files"][0].as_object().unwrap();
        let file_documented = documented["files"]["items"]["properties"]
            .as_object()
            .unwrap();
        assert_eq!(
            file.keys().collect::<std::collections::BTreeSet<_>>(),
            file_documented
                .keys()
                .collect::<std::collections::BTreeSet<_>>()
        );
        assert_eq!(
            answered["files"][0]["path"],
            "/api/v1/assemblies/7/print-runs/3/files/2"
        );
        assert!(
            answered["base_url"].is_null(),
            "the run's address is not answered"
        );
    }
}
