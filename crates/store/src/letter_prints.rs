//! Print runs of the invitation letters (issue 18, item 6, migration 0023): a run turns the assembly's invitations
//! into PDF files of `per_file` letters, one file at a time, off the request path.
//!
//! One run at a time per assembly: [`create`] is refused by the partial unique index `letter_prints_one_running`.
//! The worker takes its run with [`claim`], a conditional update of `claimed_at` that only one worker wins (and that
//! a stale claim, from a server stopped mid-run, loses), and every stored file refreshes the claim as a heartbeat,
//! so two servers on one database never write the same run and a stopped run is resumed at its next file.
//! Every call names the assembly, or takes a run id that the caller read under its assembly.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A claim older than this belongs to a worker that stopped: another may take the run over (a file of 2,000
/// letters takes a few seconds, so a live worker refreshes its claim far more often).
pub const STALE_CLAIM_SECONDS: i64 = 120;

/// A stored print run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintRow {
    /// The run.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// The paper (`a4`, `us-letter`).
    pub paper: String,
    /// Letters per file.
    pub per_file: i64,
    /// The language of the letters' words.
    pub lang: String,
    /// The assembly's public address that the letters' links start with.
    pub base_url: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// How many letters the run prints.
    pub letters_total: i64,
    /// How many are in stored files.
    pub letters_done: i64,
    /// Characters that the standard fonts could not print (printed as `?`).
    pub replaced: i64,
    /// When it was asked for.
    pub created_at: i64,
    /// When it ended.
    pub finished_at: Option<i64>,
}

/// A stored file of a run, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// The file's number, from 1.
    pub number: i64,
    /// The first letter in it (1-based, in the order of the invitations).
    pub first_letter: i64,
    /// How many letters it holds.
    pub letters: i64,
    /// Its size in bytes.
    pub size: i64,
    /// Its SHA-256, lower-case hexadecimal.
    pub sha256: String,
}

/// A new run.
#[derive(Debug, Clone, Copy)]
pub struct NewPrint<'a> {
    /// The assembly.
    pub assembly_id: i64,
    /// The paper.
    pub paper: &'a str,
    /// Letters per file.
    pub per_file: i64,
    /// The language.
    pub lang: &'a str,
    /// The assembly's public address for the links.
    pub base_url: &'a str,
    /// How many letters.
    pub letters_total: i64,
    /// Who asked.
    pub created_by: Option<i64>,
}

macro_rules! print_columns {
    () => {
        "id, assembly_id, paper, per_file, lang, base_url, state, letters_total, letters_done, replaced, created_at, \
         finished_at"
    };
}

fn print_row(row: &sqlx::any::AnyRow) -> Result<PrintRow, StoreError> {
    Ok(PrintRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        paper: row.try_get("paper")?,
        per_file: row.try_get("per_file")?,
        lang: row.try_get("lang")?,
        base_url: row.try_get("base_url")?,
        state: row.try_get("state")?,
        letters_total: row.try_get("letters_total")?,
        letters_done: row.try_get("letters_done")?,
        replaced: row.try_get("replaced")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

/// Writes a new `running` run; a [`StoreError::Conflict`] when the assembly already has one running.
pub async fn create(
    conn: &mut AnyConnection,
    new: NewPrint<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO letter_prints (assembly_id, paper, per_file, lang, base_url, state, letters_total, created_by,
         created_at) VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8) RETURNING id",
    )
    .bind(new.assembly_id)
    .bind(new.paper)
    .bind(new.per_file)
    .bind(new.lang)
    .bind(new.base_url)
    .bind(new.letters_total)
    .bind(new.created_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Takes the run for this worker: `true` if it is running and nobody holds it (or the holder's claim is stale).
pub async fn claim(conn: &mut AnyConnection, print_id: i64, now: i64) -> Result<bool, StoreError> {
    let claimed = sqlx::query(
        "UPDATE letter_prints SET claimed_at = $1
         WHERE id = $2 AND state = 'running' AND (claimed_at IS NULL OR claimed_at < $3)",
    )
    .bind(now)
    .bind(print_id)
    .bind(now - STALE_CLAIM_SECONDS)
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// The runs left running whose claim is stale or was never taken (at a server's start, to resume them).
pub async fn stale(conn: &mut AnyConnection, now: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT assembly_id, id FROM letter_prints
         WHERE state = 'running' AND (claimed_at IS NULL OR claimed_at < $1) ORDER BY id",
    )
    .bind(now - STALE_CLAIM_SECONDS)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("assembly_id")?, row.try_get("id")?)))
        .collect()
}

/// A run of the assembly.
pub async fn get(
    conn: &mut AnyConnection,
    assembly_id: i64,
    print_id: i64,
) -> Result<PrintRow, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        print_columns!(),
        " FROM letter_prints WHERE assembly_id = $1 AND id = $2"
    ))
    .bind(assembly_id)
    .bind(print_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    print_row(&row)
}

/// The assembly's latest runs, newest first (at most `limit`), and how many there are in all.
pub async fn list(
    conn: &mut AnyConnection,
    assembly_id: i64,
    limit: i64,
) -> Result<(Vec<PrintRow>, i64), StoreError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        print_columns!(),
        " FROM letter_prints WHERE assembly_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(assembly_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM letter_prints WHERE assembly_id = $1")
            .bind(assembly_id)
            .fetch_one(conn)
            .await?;
    Ok((rows.iter().map(print_row).collect::<Result<_, _>>()?, total))
}

/// The files of a run, by number (without their bytes).
pub async fn files(conn: &mut AnyConnection, print_id: i64) -> Result<Vec<FileRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT number, first_letter, letters, size, sha256 FROM letter_print_files WHERE print_id = $1
         ORDER BY number",
    )
    .bind(print_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(FileRow {
                number: row.try_get("number")?,
                first_letter: row.try_get("first_letter")?,
                letters: row.try_get("letters")?,
                size: row.try_get("size")?,
                sha256: row.try_get("sha256")?,
            })
        })
        .collect()
}

/// One file's PDF bytes, of a run of the assembly.
pub async fn file_pdf(
    conn: &mut AnyConnection,
    assembly_id: i64,
    print_id: i64,
    number: i64,
) -> Result<Vec<u8>, StoreError> {
    sqlx::query_scalar(
        "SELECT f.pdf FROM letter_print_files f JOIN letter_prints p ON p.id = f.print_id
         WHERE p.assembly_id = $1 AND f.print_id = $2 AND f.number = $3",
    )
    .bind(assembly_id)
    .bind(print_id)
    .bind(number)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// A finished file of a run.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    /// The run.
    pub print_id: i64,
    /// The file's number, from 1.
    pub number: i64,
    /// Its first letter (1-based).
    pub first_letter: i64,
    /// How many letters.
    pub letters: i64,
    /// Its SHA-256, hexadecimal.
    pub sha256: &'a str,
    /// The PDF.
    pub pdf: &'a [u8],
    /// Characters printed as `?` in it.
    pub replaced: i64,
}

/// Stores a file, moves the run's progress on and refreshes the worker's claim (its heartbeat).
pub async fn store_file(
    conn: &mut AnyConnection,
    file: NewFile<'_>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO letter_print_files (print_id, number, first_letter, letters, size, sha256, pdf)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(file.print_id)
    .bind(file.number)
    .bind(file.first_letter)
    .bind(file.letters)
    .bind(file.pdf.len() as i64)
    .bind(file.sha256)
    .bind(file.pdf.to_vec())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE letter_prints SET letters_done = letters_done + $1, replaced = replaced + $2, claimed_at = $3
         WHERE id = $4 AND state = 'running'",
    )
    .bind(file.letters)
    .bind(file.replaced)
    .bind(now)
    .bind(file.print_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a running run as `done` or `failed`; `false` if it was not running.
pub async fn finish(
    conn: &mut AnyConnection,
    print_id: i64,
    state: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let ended = sqlx::query(
        "UPDATE letter_prints SET state = $1, finished_at = $2, claimed_at = NULL WHERE id = $3 AND state = 'running'",
    )
    .bind(state)
    .bind(now)
    .bind(print_id)
    .execute(conn)
    .await?;
    Ok(ended.rows_affected() == 1)
}

/// Lets go of a run without ending it (a stopping server), so the next server to start takes it over at once.
pub async fn release(conn: &mut AnyConnection, print_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE letter_prints SET claimed_at = NULL WHERE id = $1 AND state = 'running'")
        .bind(print_id)
        .execute(conn)
        .await?;
    Ok(())
}
