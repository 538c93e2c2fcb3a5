//! Print-ready letters (issue 18, item 6): the page where an organiser asks for the letters as PDF files and
//! downloads them, and the background job that makes them.
//!
//! The job ([`spawn_print`]) claims its run with a conditional update (`app::recruitment::print::claim`), then
//! makes one file at a time: the file's letters are read, rendered on a blocking thread, and stored with the run's
//! progress in one transaction, so the page's progress moves file by file and a stopped server leaves whole files
//! only. A run whose worker stopped is taken over at its next file by [`resume_stale_runs`] (called by
//! `klero serve` at startup). Tests call [`drive`] themselves.

use app::effect::{Effects, Job};
use app::recruitment::print::{MAX_PER_FILE, PrintCommand, PrintStatus};
use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use recruitment::print::{Paper, Wording};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::{FieldErrors, Submitted, Validate};
use crate::i18n::print::PrintMessages;
use crate::i18n::{Lang, RecruitmentMessages, fill};
use crate::views::{Chrome, render};
use crate::{AppState, now};

/// The print form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct PrintForm {
    /// `a4` or `us-letter`.
    #[serde(default)]
    pub paper: String,
    /// Letters per file (empty: 500).
    #[serde(default)]
    pub per_file: String,
}

impl Validate for PrintForm {
    type Command = PrintCommand;

    fn validate(&self) -> Result<PrintCommand, FieldErrors> {
        PrintCommand::parse(&self.paper, &self.per_file).map_err(FieldErrors::from)
    }
}

/// One paper choice of the form.
pub struct PaperOption {
    /// The submitted value.
    pub value: &'static str,
    /// The label.
    pub label: &'static str,
    /// Whether it is chosen.
    pub selected: bool,
}

/// One file of a run, as listed.
pub struct FileView {
    /// Its number.
    pub number: i64,
    /// The first and last letters in it.
    pub first: i64,
    /// The last letter in it.
    pub last: i64,
    /// Its size, in kB.
    pub kilobytes: String,
    /// Its SHA-256.
    pub sha256: String,
}

/// One run, as listed.
pub struct RunView {
    /// The run.
    pub id: i64,
    /// "Run 3: A4, 500 letters a file".
    pub heading: String,
    /// `running`, `done` or `failed`.
    pub state_id: String,
    /// The state in words.
    pub state: &'static str,
    /// The paper in words.
    pub paper: &'static str,
    /// Letters per file.
    pub per_file: i64,
    /// Letters in stored files.
    pub done: i64,
    /// Letters to print.
    pub total: i64,
    /// "1,500 of 30,000 letters".
    pub progress: String,
    /// The warning about characters printed as `?`, if any.
    pub replaced: Option<String>,
    /// Its files.
    pub files: Vec<FileView>,
}

/// The print page.
#[derive(Template)]
#[template(path = "letters_print.html")]
pub struct PrintPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static PrintMessages,
    /// The recruitment strings (links back).
    pub r: &'static RecruitmentMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// The paper choices.
    pub papers: Vec<PaperOption>,
    /// The letters-per-file field as typed.
    pub per_file: String,
    /// The largest number of letters per file.
    pub max_per_file: i64,
    /// The hint under the letters-per-file field.
    pub per_file_hint: String,
    /// "The 10 newest of 12 runs."
    pub runs_shown: String,
    /// Problems to show.
    pub errors: Vec<String>,
    /// Whether the paper field is wrong.
    pub paper_invalid: bool,
    /// Whether the letters-per-file field is wrong.
    pub per_file_invalid: bool,
    /// Whether a run is under way (the page then refreshes itself).
    pub running: bool,
    /// The newest runs.
    pub runs: Vec<RunView>,
    /// How many runs there are in all.
    pub total_runs: i64,
}

fn paper_label(t: &PrintMessages, paper: Paper) -> &'static str {
    match paper {
        Paper::A4 => t.paper_a4,
        Paper::UsLetter => t.paper_us_letter,
    }
}

fn run_view(t: &'static PrintMessages, status: PrintStatus) -> RunView {
    let print = status.print;
    let state = match print.state.as_str() {
        "running" => t.state_running,
        "done" => t.state_done,
        _ => t.state_failed,
    };
    let paper = Paper::parse(&print.paper)
        .map(|paper| paper_label(t, paper))
        .unwrap_or("?");
    let progress = fill(
        t.progress,
        &[
            ("done", &print.letters_done.to_string()),
            ("total", &print.letters_total.to_string()),
        ],
    );
    let replaced = (print.replaced > 0).then(|| {
        fill(
            t.replaced_warning,
            &[("count", &print.replaced.to_string())],
        )
    });
    let files = status
        .files
        .into_iter()
        .map(|file| FileView {
            number: file.number,
            first: file.first_letter,
            last: file.first_letter + file.letters - 1,
            kilobytes: format!("{:.1}", file.size as f64 / 1000.0),
            sha256: file.sha256,
        })
        .collect();
    let heading = fill(
        t.run_heading,
        &[
            ("id", &print.id.to_string()),
            ("paper", paper),
            ("per_file", &print.per_file.to_string()),
        ],
    );
    RunView {
        id: print.id,
        heading,
        state_id: print.state,
        state,
        paper,
        per_file: print.per_file,
        done: print.letters_done,
        total: print.letters_total,
        progress,
        replaced,
        files,
    }
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: PrintForm,
    errors: Vec<String>,
    invalid: (bool, bool),
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<PrintMessages>();
    let mut connection = state.store.connection().await?;
    let (statuses, total_runs) =
        app::recruitment::print::prints(&mut connection, assembly_id).await?;
    drop(connection);
    let chosen = Paper::parse(&form.paper).unwrap_or(Paper::A4);
    let runs: Vec<RunView> = statuses
        .into_iter()
        .map(|status| run_view(t, status))
        .collect();
    let page = PrintPage {
        c: Chrome::new(viewer, t.title),
        t,
        r: viewer.lang.t::<RecruitmentMessages>(),
        assembly_id,
        papers: Paper::ALL
            .into_iter()
            .map(|paper| PaperOption {
                value: paper.as_str(),
                label: paper_label(t, paper),
                selected: paper == chosen,
            })
            .collect(),
        per_file: form.per_file,
        max_per_file: MAX_PER_FILE,
        per_file_hint: fill(t.per_file_hint, &[("max", &MAX_PER_FILE.to_string())]),
        runs_shown: fill(
            t.runs_shown,
            &[
                ("shown", &runs.len().to_string()),
                ("total", &total_runs.to_string()),
            ],
        ),
        errors,
        paper_invalid: invalid.0,
        per_file_invalid: invalid.1,
        running: runs.iter().any(|run| run.state_id == "running"),
        runs,
        total_runs,
    };
    Ok(super::views::no_store(render(status, &page)?))
}

/// `GET /staff/assemblies/{assembly_id}/invitations/print`: the form and the latest runs with their files.
pub async fn print_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let form = PrintForm {
        per_file: app::recruitment::print::DEFAULT_PER_FILE.to_string(),
        ..PrintForm::default()
    };
    page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        form,
        Vec::new(),
        (false, false),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/invitations/print`: starts a run (303 to the page), or shows why not
/// (422 naming the field, 409 while a run is under way or when there is nothing to print).
pub async fn start_print(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
    Submitted(form): Submitted<PrintForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<PrintMessages>();
    let command = match form {
        Ok(command) => command,
        Err(invalid) => {
            let form = invalid.fields;
            let (message, invalid) = if invalid.errors.has("paper") {
                (format!("{}: {}", t.paper_label, t.err_paper), (true, false))
            } else {
                let max = MAX_PER_FILE.to_string();
                (
                    format!(
                        "{}: {}",
                        t.per_file_label,
                        fill(t.err_per_file, &[("max", &max)])
                    ),
                    (false, true),
                )
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                vec![message],
                invalid,
            )
            .await;
        }
    };
    let base = super::letters::base_url(&state, &headers, assembly_id);
    let mut tx = state.store.begin().await?;
    let started = app::recruitment::print::start_print(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        command,
        viewer.lang.code(),
        &base,
        now(),
    )
    .await;
    let done = match started {
        Ok(done) => done,
        Err(app::Error::Conflict(message)) => {
            drop(tx);
            let words = if message.contains("no invitations") {
                t.no_invitations
            } else {
                t.already_running
            };
            return page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::CONFLICT,
                PrintForm {
                    paper: command.paper().as_str().to_owned(),
                    per_file: command.per_file().to_string(),
                },
                vec![words.to_owned()],
                (false, false),
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    };
    tx.commit().await?;
    start(&state, done.effects);
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/invitations/print"
    ))
    .into_response())
}

/// `GET /staff/assemblies/{assembly_id}/invitations/print/{print_id}/files/{number}`: one PDF file, logged as a view
/// of the addresses it holds.
pub async fn print_file(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, print_id, number)): Path<(i64, i64, i64)>,
) -> Result<Response, AppError> {
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

/// Starts the print runs among the jobs a use case asked for (call it after the commit).
pub fn start(state: &AppState, effects: Effects) {
    for job in crate::effects::carry_out(state, effects).jobs {
        if let Job::LetterPrint {
            assembly_id,
            print_id,
        } = job
        {
            spawn_print(state.clone(), assembly_id, print_id);
        }
    }
}

/// Takes over, in the background, the runs whose worker stopped (called by `klero serve` at startup).
pub async fn resume_stale_runs(state: &AppState) -> Result<usize, AppError> {
    let mut connection = state.store.connection().await?;
    let stale = app::recruitment::print::stale_runs(&mut connection, now()).await?;
    drop(connection);
    let count = stale.len();
    for (assembly_id, print_id) in stale {
        spawn_print(state.clone(), assembly_id, print_id);
    }
    Ok(count)
}

/// Runs [`drive`] in the background, counted by the server's [`crate::Stopping`].
pub fn spawn_print(state: AppState, assembly_id: i64, print_id: i64) {
    let job = state.stopping.job();
    tokio::spawn(async move {
        let _job = job;
        if let Err(error) = drive(&state, assembly_id, print_id).await {
            tracing::error!(print_id, error = %error, "letter print run failed");
            if let Ok(mut tx) = state.store.begin().await
                && app::recruitment::print::finish(&mut tx, assembly_id, print_id, now())
                    .await
                    .is_ok()
            {
                let _ = tx.commit().await;
            }
        }
    });
}

/// Claims the run and makes its files one at a time; returns how many files this call made (0 when another worker
/// holds the run). A server that is stopping leaves the run for the next start.
pub async fn drive(state: &AppState, assembly_id: i64, print_id: i64) -> Result<usize, AppError> {
    let mut tx = state.store.begin().await?;
    let claimed = app::recruitment::print::claim(&mut tx, print_id, now()).await?;
    tx.commit().await?;
    if !claimed {
        return Ok(0);
    }
    let started = std::time::Instant::now();
    let mut made = 0;
    loop {
        if state.stopping.is_set() {
            let mut tx = state.store.begin().await?;
            app::recruitment::print::release(&mut tx, print_id).await?;
            tx.commit().await?;
            return Ok(made);
        }
        let mut connection = state.store.connection().await?;
        let next =
            app::recruitment::print::next_file(&mut connection, assembly_id, print_id).await?;
        drop(connection);
        let Some(next) = next else {
            break;
        };
        let lang = Lang::from_code(&next.print.lang).unwrap_or(Lang::En);
        let wording = wording(lang, &next.title, &next.question);
        let rendered = tokio::task::spawn_blocking(move || {
            app::recruitment::print::render_file(&next, &wording).map(|file| (next, file))
        })
        .await
        .map_err(AppError::internal)?;
        let (next, file) = rendered?;
        let mut tx = state.store.begin().await?;
        app::recruitment::print::record_file(&mut tx, &next, &file, now()).await?;
        tx.commit().await?;
        made += 1;
    }
    let mut tx = state.store.begin().await?;
    app::recruitment::print::finish(&mut tx, assembly_id, print_id, now()).await?;
    tx.commit().await?;
    tracing::info!(
        print_id,
        files = made,
        seconds = started.elapsed().as_secs_f64(),
        "letters printed"
    );
    Ok(made)
}

/// The words of the letters in `lang`, the same as the printable HTML letters'.
pub fn wording(lang: Lang, title: &str, question: &str) -> Wording {
    let r = lang.t::<RecruitmentMessages>();
    Wording {
        title: title.to_owned(),
        question: question.to_owned(),
        greeting: r.letter_greeting.to_owned(),
        body: r.letter_body.to_owned(),
        how: r.letter_how.to_owned(),
        code_label: r.letter_code.to_owned(),
        url_label: r.letter_url.to_owned(),
    }
}
