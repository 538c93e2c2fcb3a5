//! Print-ready letters (issue 18, item 6): an organiser asks for the letters as PDF files of N letters each
//! ([`start_print`]); a background job claims the run ([`claim`]), renders one file at a time ([`next_file`],
//! [`render_file`], pure) and stores it with the run's progress ([`record_file`]), then ends the run ([`finish`]).
//! One run at a time per assembly (refused with [`Error::Conflict`] while one runs), and a run stopped with its
//! server is taken over at its next file by the next server that starts ([`stale_runs`]).
//!
//! The files hold every household's address: downloading one ([`print_file`]) is logged as a view of personal
//! data; the list of runs and files ([`prints`]) holds counts, sizes and checksums only.

use ::recruitment::codes::parse_code;
use ::recruitment::merge::registration_url;
use ::recruitment::print::{Letter, Paper, Wording};
use domain::error::{Problem, ValidationError};
use serde_json::json;
use store::letter_prints::{FileRow, NewFile, NewPrint, PrintRow};

use crate::audit::{Entry, audited, viewed};
use crate::effect::{Done, Effect, Effects, Job};
use crate::{Actor, Error, Result};

/// Letters per file unless the organiser asks otherwise: a print shop's usual batch.
pub const DEFAULT_PER_FILE: i64 = 500;
/// The most letters in one file (about 1 MB a hundred letters uncompressed; a print shop's upload limit).
pub const MAX_PER_FILE: i64 = 2000;
/// How many runs the page lists (the newest).
pub const LISTED_RUNS: i64 = 10;

/// What an organiser asks for, parsed from the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintCommand {
    paper: Paper,
    per_file: i64,
}

impl PrintCommand {
    /// Parses the form's `paper` and `per_file` fields (errors name the field).
    pub fn parse(
        paper: &str,
        per_file: &str,
    ) -> std::result::Result<PrintCommand, ValidationError> {
        let paper = Paper::parse(paper.trim())
            .ok_or_else(|| ValidationError::new("paper", Problem::Malformed))?;
        let per_file = per_file.trim();
        let per_file = if per_file.is_empty() {
            DEFAULT_PER_FILE
        } else {
            per_file
                .parse::<i64>()
                .ok()
                .filter(|count| (1..=MAX_PER_FILE).contains(count))
                .ok_or_else(|| ValidationError::new("per_file", Problem::Malformed))?
        };
        Ok(PrintCommand { paper, per_file })
    }

    /// The paper.
    pub fn paper(&self) -> Paper {
        self.paper
    }

    /// Letters per file.
    pub fn per_file(&self) -> i64 {
        self.per_file
    }
}

/// Starts a print run of every invitation of the assembly, its words in `lang`, its links under `base`
/// (`https://host/assemblies/7`); audited as `invitations.print`. Refused while a run is under way, or when there
/// is nothing to print.
pub async fn start_print(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    command: PrintCommand,
    lang: &str,
    base: &str,
    now: i64,
) -> Result<Done<i64>> {
    store::assemblies::get_assembly(tx, assembly_id).await?;
    let letters_total = store::recruitment::count_invitations(tx, assembly_id).await?;
    if letters_total == 0 {
        return Err(Error::conflict("there are no invitations to print"));
    }
    let entity = format!("assembly:{assembly_id}/letters");
    let print_id = audited(tx, actor, "invitations.print", &entity, now, async |tx| {
        let new = NewPrint {
            assembly_id,
            paper: command.paper.as_str(),
            per_file: command.per_file,
            lang,
            base_url: base,
            letters_total,
            created_by: actor.account_id,
        };
        let print_id = match store::letter_prints::create(tx, new, now).await {
            Err(store::StoreError::Conflict { .. }) => {
                return Err(Error::conflict(
                    "a print run of the letters is already under way",
                ));
            }
            other => other?,
        };
        let facts = json!({
            "print_id": print_id,
            "letters": letters_total,
            "paper": command.paper.as_str(),
            "per_file": command.per_file,
        });
        Ok((print_id, Entry::after(facts)))
    })
    .await?;
    let mut effects = Effects::new();
    effects.push(Effect::Start(Job::LetterPrint {
        assembly_id,
        print_id,
    }));
    Ok(Done::with(print_id, effects))
}

/// A run with its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintStatus {
    /// The run.
    pub print: PrintRow,
    /// Its stored files, by number.
    pub files: Vec<FileRow>,
}

/// The assembly's newest runs ([`LISTED_RUNS`]) with their files, and how many runs there are in all.
pub async fn prints(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
) -> Result<(Vec<PrintStatus>, i64)> {
    store::assemblies::get_assembly(conn, assembly_id).await?;
    let (rows, total) = store::letter_prints::list(conn, assembly_id, LISTED_RUNS).await?;
    let mut statuses = Vec::with_capacity(rows.len());
    for print in rows {
        let files = store::letter_prints::files(conn, print.id).await?;
        statuses.push(PrintStatus { print, files });
    }
    Ok((statuses, total))
}

/// One run of the assembly with its files.
pub async fn print(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    print_id: i64,
) -> Result<PrintStatus> {
    let print = store::letter_prints::get(conn, assembly_id, print_id).await?;
    let files = store::letter_prints::files(conn, print_id).await?;
    Ok(PrintStatus { print, files })
}

/// A file's PDF, logged as a view of the addresses it holds (`invitations.print_file`).
pub async fn print_file(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    print_id: i64,
    number: i64,
    now: i64,
) -> Result<Vec<u8>> {
    let pdf = store::letter_prints::file_pdf(tx, assembly_id, print_id, number).await?;
    let facts = json!({ "print_id": print_id, "file": number, "bytes": pdf.len() });
    viewed(
        tx,
        actor,
        "invitations.print_file",
        &format!("assembly:{assembly_id}/letters"),
        facts,
        now,
    )
    .await?;
    Ok(pdf)
}

/// Takes the run for this worker (see `store::letter_prints::claim`).
pub async fn claim(tx: &mut store::Tx, print_id: i64, now: i64) -> Result<bool> {
    Ok(store::letter_prints::claim(tx, print_id, now).await?)
}

/// Lets go of a run without ending it (the server is stopping): the next server to start takes it over.
pub async fn release(tx: &mut store::Tx, print_id: i64) -> Result<()> {
    Ok(store::letter_prints::release(tx, print_id).await?)
}

/// The runs to take over at a server's start: `(assembly_id, print_id)`.
pub async fn stale_runs(conn: &mut store::AnyConnection, now: i64) -> Result<Vec<(i64, i64)>> {
    Ok(store::letter_prints::stale(conn, now).await?)
}

/// The next file a run has to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextFile {
    /// The run.
    pub print: PrintRow,
    /// The file's number, from 1.
    pub number: i64,
    /// Its first letter, 1-based.
    pub first_letter: i64,
    /// The assembly's title.
    pub title: String,
    /// The assembly's question.
    pub question: String,
    /// Its letters.
    pub letters: Vec<Letter>,
}

/// The next file of a running run, or `None` when every letter is in a file (or the run is not running).
pub async fn next_file(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    print_id: i64,
) -> Result<Option<NextFile>> {
    let print = store::letter_prints::get(conn, assembly_id, print_id).await?;
    if print.state != "running" || print.letters_done >= print.letters_total {
        return Ok(None);
    }
    let assembly = store::assemblies::get_assembly(conn, assembly_id).await?;
    let count = print.per_file.min(print.letters_total - print.letters_done);
    let rows =
        store::recruitment::invitations_page(conn, assembly_id, print.letters_done, count).await?;
    let base = print.base_url.trim_end_matches('/').to_owned();
    let letters = rows
        .into_iter()
        .map(|row| {
            let code = parse_code(&row.code).map_err(Error::internal)?;
            Ok(Letter {
                address: row.address,
                code: row.code,
                register_url: format!("{base}/register"),
                code_url: registration_url(&base, &code).map_err(Error::internal)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(NextFile {
        number: print.letters_done / print.per_file.max(1) + 1,
        first_letter: print.letters_done + 1,
        title: assembly.title,
        question: assembly.question,
        print,
        letters,
    }))
}

/// A rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// Its SHA-256, hexadecimal.
    pub sha256: String,
    /// Characters printed as `?`.
    pub replaced: usize,
}

/// Renders a file (pure and CPU-bound: run it on a blocking thread); `wording` is in the run's language.
pub fn render_file(next: &NextFile, wording: &Wording) -> Result<RenderedFile> {
    let paper = Paper::parse(&next.print.paper)
        .ok_or_else(|| Error::internal("a stored print run has an unknown paper"))?;
    let qr_codes = next
        .letters
        .iter()
        .map(|letter| ::recruitment::qr::encode(&letter.code_url).map_err(Error::internal))
        .collect::<Result<Vec<_>>>()?;
    let batch = ::recruitment::print::render(paper, wording, &next.letters, &qr_codes);
    let sha256 = hex::encode(ring::digest::digest(&ring::digest::SHA256, &batch.bytes));
    Ok(RenderedFile {
        pdf: batch.bytes,
        sha256,
        replaced: batch.replaced,
    })
}

/// Stores a rendered file and moves the run's progress on (the job's bookkeeping, not an audited change: the run's
/// start and end are).
pub async fn record_file(
    tx: &mut store::Tx,
    next: &NextFile,
    file: &RenderedFile,
    now: i64,
) -> Result<()> {
    let new = NewFile {
        print_id: next.print.id,
        number: next.number,
        first_letter: next.first_letter,
        letters: next.letters.len() as i64,
        sha256: &file.sha256,
        pdf: &file.pdf,
        replaced: file.replaced as i64,
    };
    Ok(store::letter_prints::store_file(tx, new, now).await?)
}

/// Ends a run (`done` when every letter is in a file, else `failed`), audited as the system's doing
/// (`invitations.print_end`). Nothing happens if the run had already ended.
pub async fn finish(tx: &mut store::Tx, assembly_id: i64, print_id: i64, now: i64) -> Result<()> {
    let print = store::letter_prints::get(tx, assembly_id, print_id).await?;
    if print.state != "running" {
        return Ok(());
    }
    let state = if print.letters_done >= print.letters_total {
        "done"
    } else {
        "failed"
    };
    let entity = format!("assembly:{assembly_id}/letters");
    audited(
        tx,
        &Actor::SYSTEM,
        "invitations.print_end",
        &entity,
        now,
        async |tx| {
            store::letter_prints::finish(tx, print_id, state, now).await?;
            let facts = json!({
                "print_id": print_id,
                "state": state,
                "letters": print.letters_done,
                "replaced": print.replaced,
            });
            Ok(((), Entry::after(facts)))
        },
    )
    .await
}
