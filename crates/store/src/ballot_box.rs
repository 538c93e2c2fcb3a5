//! Secret ballots: the ballots of an assembly, the record of who voted, the votes, and paper entries.
//!
//! Secrecy by design: `ballot_voters (ballot_id, account_id)` records THAT a member voted and
//! `ballot_votes (id, ballot_id, choice)` WHAT was voted, with no account column, no timestamp and a random key.
//! While a ballot is open, [`cast_vote`] records the voter and the choice *sealed* (`ballot_sealed`:
//! ChaCha20-Poly1305 under a key derived from the server secret, which is never in the database, padded to one
//! length per ballot) in the caller's transaction, after locking the ballot's row, so a vote is counted if and only if
//! its voter is recorded and a member votes once. A copy of the database files (the SQLite `-wal`, a PostgreSQL WAL
//! archive, a backup) therefore pairs each voter with an unreadable blob, never with a choice.
//! [`open_sealed_votes`], in the closing transaction, opens every sealed choice, writes all of them to
//! `ballot_votes` at once under fresh random keys in the order of those keys, and deletes the sealed rows: the
//! choices appear in one batch that shares no transaction, order or position with any voter.
//! `docs/ballots.md` gives the whole argument and its limits.
//!
//! This module never counts: `app::deliberation` reads the choices of a closed ballot and counts them with the
//! `ballots` crate. The method, status, pass rule and sequencing are stored as `ballots::notation` writes them; a
//! stored value that does not read back is [`StoreError::Corrupt`], never a default.

use ballots::notation::{self, BallotStatus, MethodKind};
use ballots::{HeldWhen, Threshold};
use sqlx::{AnyConnection, Row};

use crate::StoreError;
use crate::secret::BallotSeal;

/// A ballot to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBallot {
    /// The proposal it decides, if any.
    pub proposal_id: Option<i64>,
    /// The method (stored as `yes_no`, `agreement`, `ranking` or `approval`).
    pub method: MethodKind,
    /// The question (the one asked if the earlier ballot passed, when the wording is conditional).
    pub wording: String,
    /// The question asked if the earlier ballot did not pass; empty for a fixed wording.
    pub wording_otherwise: String,
    /// The options, one per line (ranking and approval).
    pub options: String,
    /// The pass rule, if any (stored as `more_than 1/2`, `at_least 2/3`, ...; empty for none).
    pub pass_rule: Option<Threshold>,
    /// The most options a voter may approve (approval), if limited.
    pub max_approvals: Option<i64>,
    /// The members entitled to vote.
    pub eligible_members: i64,
    /// The ballot that must close before this one opens.
    pub opens_after: Option<i64>,
    /// Whether it is held given the earlier ballot's result (stored as `always`, `passed` or `failed`).
    pub held_when: HeldWhen,
}

/// A ballot as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotRow {
    /// The id.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// The definition.
    pub fields: NewBallot,
    /// Draft, open, closed or skipped.
    pub status: BallotStatus,
    /// The wording put to members, fixed when it opened (empty before).
    pub final_wording: String,
    /// The results text, written when it closed (empty before).
    pub result_text: String,
    /// Whether it passed, for methods with a pass rule, once closed.
    pub passed: Option<bool>,
    /// The support in basis points (the share agreeing or voting yes), once closed.
    pub support_bp: Option<i64>,
    /// When it opened.
    pub opened_at: Option<i64>,
    /// When it closed.
    pub closed_at: Option<i64>,
}

/// The result written when a ballot closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingResult {
    /// The results text.
    pub text: String,
    /// Whether it passed (methods with a pass rule).
    pub passed: Option<bool>,
    /// The support in basis points.
    pub support_bp: Option<i64>,
}

/// Why a vote was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteRefusal {
    /// The ballot is not open.
    NotOpen,
    /// This member has already voted on this ballot.
    AlreadyVoted,
}

/// A paper entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperEntryRow {
    /// 1 or 2.
    pub entry: i64,
    /// The staff account that typed it.
    pub entered_by: i64,
    /// The sheets as typed, one `sheet: choice` per line.
    pub sheets: String,
}

/// Why a paper entry was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperRefusal {
    /// The ballot is not open.
    NotOpen,
    /// The same account typed the other entry: the two entries must be independent.
    SameClerk,
}

/// A stored identifier read back with `parse`, or [`StoreError::Corrupt`] naming the column.
fn decode<T>(
    row: &sqlx::any::AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let raw: String = row.try_get(column)?;
    parse(&raw).ok_or_else(|| StoreError::Corrupt(format!("ballot {column} {raw:?}")))
}

/// A stored pass rule: empty for none.
fn read_pass_rule(raw: &str) -> Option<Option<Threshold>> {
    if raw.is_empty() {
        Some(None)
    } else {
        notation::read_threshold(raw).map(Some)
    }
}

fn write_pass_rule(rule: Option<Threshold>) -> String {
    rule.map(notation::write_threshold).unwrap_or_default()
}

fn ballot_from_row(row: &sqlx::any::AnyRow) -> Result<BallotRow, StoreError> {
    let passed: Option<i64> = row.try_get("passed")?;
    Ok(BallotRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        fields: NewBallot {
            proposal_id: row.try_get("proposal_id")?,
            method: decode(row, "method", MethodKind::parse)?,
            wording: row.try_get("wording")?,
            wording_otherwise: row.try_get("wording_otherwise")?,
            options: row.try_get("options")?,
            pass_rule: decode(row, "pass_rule", read_pass_rule)?,
            max_approvals: row.try_get("max_approvals")?,
            eligible_members: row.try_get("eligible_members")?,
            opens_after: row.try_get("opens_after")?,
            held_when: decode(row, "held_when", HeldWhen::parse)?,
        },
        status: decode(row, "status", BallotStatus::parse)?,
        final_wording: row.try_get("final_wording")?,
        result_text: row.try_get("result_text")?,
        passed: passed.map(|value| value != 0),
        support_bp: row.try_get("support_bp")?,
        opened_at: row.try_get("opened_at")?,
        closed_at: row.try_get("closed_at")?,
    })
}

/// Stores a draft ballot and returns its id. The proposal and the earlier ballot must belong to the assembly.
pub async fn create(
    conn: &mut AnyConnection,
    assembly_id: i64,
    new: &NewBallot,
    now: i64,
) -> Result<i64, StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    if let Some(proposal_id) = new.proposal_id {
        crate::proposals::get(&mut *conn, assembly_id, proposal_id).await?;
    }
    if let Some(after) = new.opens_after {
        get(&mut *conn, assembly_id, after).await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ballots (assembly_id, proposal_id, method, wording, wording_otherwise, options, pass_rule,
                              max_approvals, eligible_members, opens_after, held_when, status, final_wording,
                              result_text, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', '', '', $12) RETURNING id",
    )
    .bind(assembly_id)
    .bind(new.proposal_id)
    .bind(new.method.as_str())
    .bind(&new.wording)
    .bind(&new.wording_otherwise)
    .bind(&new.options)
    .bind(write_pass_rule(new.pass_rule))
    .bind(new.max_approvals)
    .bind(new.eligible_members)
    .bind(new.opens_after)
    .bind(new.held_when.as_str())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The ballots of an assembly, oldest first.
pub async fn list(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<BallotRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, assembly_id, proposal_id, method, wording, wording_otherwise, options, pass_rule, max_approvals,
                eligible_members, opens_after, held_when, status, final_wording, result_text, passed, support_bp,
                opened_at, closed_at
         FROM ballots WHERE assembly_id = $1 ORDER BY id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(ballot_from_row).collect()
}

/// One page of the ballots of an assembly, oldest first: at most `limit` from the `offset`-th, and how many there
/// are in all (issue 18, item 5).
pub async fn list_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<BallotRow>, i64), StoreError> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ballots WHERE assembly_id = $1")
        .bind(assembly_id)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query(
        "SELECT id, assembly_id, proposal_id, method, wording, wording_otherwise, options, pass_rule, max_approvals,
                eligible_members, opens_after, held_when, status, final_wording, result_text, passed, support_bp,
                opened_at, closed_at
         FROM ballots WHERE assembly_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
    )
    .bind(assembly_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((
        rows.iter().map(ballot_from_row).collect::<Result<_, _>>()?,
        total,
    ))
}

/// One ballot of an assembly ([`StoreError::NotFound`] if it belongs to another).
pub async fn get(
    conn: &mut AnyConnection,
    assembly_id: i64,
    ballot_id: i64,
) -> Result<BallotRow, StoreError> {
    let row = sqlx::query(
        "SELECT id, assembly_id, proposal_id, method, wording, wording_otherwise, options, pass_rule, max_approvals,
                eligible_members, opens_after, held_when, status, final_wording, result_text, passed, support_bp,
                opened_at, closed_at
         FROM ballots WHERE assembly_id = $1 AND id = $2",
    )
    .bind(assembly_id)
    .bind(ballot_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    ballot_from_row(&row)
}

/// Opens a draft ballot with the wording put to members; false if it was not a draft any more.
pub async fn open(
    conn: &mut AnyConnection,
    assembly_id: i64,
    ballot_id: i64,
    final_wording: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE ballots SET status = 'open', final_wording = $1, opened_at = $2
         WHERE assembly_id = $3 AND id = $4 AND status = 'draft'",
    )
    .bind(final_wording)
    .bind(now)
    .bind(assembly_id)
    .bind(ballot_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Marks a draft ballot as not held (the earlier ballot's result ruled it out); false if it was not a draft.
pub async fn skip(
    conn: &mut AnyConnection,
    assembly_id: i64,
    ballot_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE ballots SET status = 'skipped', closed_at = $1 WHERE assembly_id = $2 AND id = $3 AND status = 'draft'",
    )
    .bind(now)
    .bind(assembly_id)
    .bind(ballot_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Locks an open ballot's row until the transaction ends (so votes, paper entries and closing of one ballot
/// happen one after another); false if the ballot is not open.
async fn lock_open(conn: &mut AnyConnection, ballot_id: i64) -> Result<bool, StoreError> {
    let updated =
        sqlx::query("UPDATE ballots SET status = status WHERE id = $1 AND status = 'open'")
            .bind(ballot_id)
            .execute(conn)
            .await?;
    Ok(updated.rows_affected() == 1)
}

/// Closes an open ballot with its result; false if it was not open.
pub async fn close(
    conn: &mut AnyConnection,
    assembly_id: i64,
    ballot_id: i64,
    result: &ClosingResult,
    now: i64,
) -> Result<bool, StoreError> {
    if sealed_count(&mut *conn, ballot_id).await? > 0 {
        // Closing without opening them would lose these votes.
        return Err(StoreError::Corrupt(format!(
            "ballot {ballot_id} has sealed votes: open them before closing"
        )));
    }
    let updated = sqlx::query(
        "UPDATE ballots SET status = 'closed', result_text = $1, passed = $2, support_bp = $3, closed_at = $4
         WHERE assembly_id = $5 AND id = $6 AND status = 'open'",
    )
    .bind(&result.text)
    .bind(result.passed.map(i64::from))
    .bind(result.support_bp)
    .bind(now)
    .bind(assembly_id)
    .bind(ballot_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// The length every sealed choice of a ballot with `options` (one per line) is padded to, so that the length of a
/// sealed choice says nothing about it: room for any choice the ballot accepts (a rank or option number and a comma
/// per option, or a word such as `abstain`), in steps of 64 bytes.
fn padded_length(options: &str) -> usize {
    let n_options = options
        .lines()
        .filter(|line| !line.trim().is_empty())
        .count();
    (2 + 16 + 8 * n_options).div_ceil(64) * 64
}

/// A choice as sealed: its length (two bytes, big-endian), the choice, zeros up to the padded length.
fn pad(choice: &str, padded: usize) -> Vec<u8> {
    let bytes = choice.as_bytes();
    let length = (2 + bytes.len()).max(padded).div_ceil(64) * 64;
    let mut plain = Vec::with_capacity(length);
    plain.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    plain.extend_from_slice(bytes);
    plain.resize(length, 0);
    plain
}

fn unpad(plain: &[u8]) -> Option<String> {
    let length = usize::from(u16::from_be_bytes([*plain.first()?, *plain.get(1)?]));
    let bytes = plain.get(2..2 + length)?;
    String::from_utf8(bytes.to_vec()).ok()
}

/// Records that `account_id` voted on an open ballot and stores `choice` sealed under `seal`, in the caller's
/// transaction.
///
/// The ballot's row is locked first, so two simultaneous votes of one member are counted once: the second waits,
/// then finds the voter already recorded (and the voters' primary key refuses it across server instances anyway).
/// The choice is never written readable while the ballot is open: it waits, sealed, for [`open_sealed_votes`].
pub async fn cast_vote(
    conn: &mut AnyConnection,
    ballot_id: i64,
    account_id: i64,
    choice: &str,
    seal: &BallotSeal,
) -> Result<Result<(), VoteRefusal>, StoreError> {
    if !lock_open(&mut *conn, ballot_id).await? {
        return Ok(Err(VoteRefusal::NotOpen));
    }
    if has_voted(&mut *conn, ballot_id, account_id).await? {
        return Ok(Err(VoteRefusal::AlreadyVoted));
    }
    match sqlx::query("INSERT INTO ballot_voters (ballot_id, account_id) VALUES ($1, $2)")
        .bind(ballot_id)
        .bind(account_id)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::from)
    {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => return Ok(Err(VoteRefusal::AlreadyVoted)),
        Err(other) => return Err(other),
    }
    let options: String = sqlx::query_scalar("SELECT options FROM ballots WHERE id = $1")
        .bind(ballot_id)
        .fetch_one(&mut *conn)
        .await?;
    let sealed = seal.seal(ballot_id, &pad(choice, padded_length(&options)))?;
    sqlx::query("INSERT INTO ballot_sealed (ballot_id, sealed) VALUES ($1, $2)")
        .bind(ballot_id)
        .bind(hex::encode(&sealed))
        .execute(&mut *conn)
        .await?;
    Ok(Ok(()))
}

/// How many sealed choices wait for the ballot to close.
pub async fn sealed_count(conn: &mut AnyConnection, ballot_id: i64) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM ballot_sealed WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_one(conn)
            .await?,
    )
}

/// Opens the sealed choices of an open ballot and makes them its votes, in the caller's (closing) transaction;
/// returns how many. Call it before counting, and commit it with [`close`] (which refuses while sealed choices
/// remain).
///
/// All choices are written in one batch, each under a fresh random 128-bit key from the operating system's CSPRNG
/// and in the order of those keys (a uniformly random order), then the sealed rows are deleted: in the database
/// files, the choices appear together in the closing transaction, with no key, position or transaction id that
/// any voter shares. A sealed choice that does not open under `seal` (another server secret, or altered) is an
/// error, and nothing is written.
pub async fn open_sealed_votes(
    conn: &mut AnyConnection,
    ballot_id: i64,
    seal: &BallotSeal,
) -> Result<usize, StoreError> {
    if !lock_open(&mut *conn, ballot_id).await? {
        return Ok(0);
    }
    let sealed_rows: Vec<String> =
        sqlx::query_scalar("SELECT sealed FROM ballot_sealed WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut keyed = Vec::with_capacity(sealed_rows.len());
    for sealed in &sealed_rows {
        let choice = hex::decode(sealed)
            .ok()
            .and_then(|bytes| seal.open(ballot_id, &bytes))
            .and_then(|plain| unpad(&plain))
            .ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "a sealed vote of ballot {ballot_id} does not open with this server's secret"
                ))
            })?;
        let mut key = [0u8; 16];
        crate::secret::random_fill(&mut key)?;
        keyed.push((hex::encode(key), choice));
    }
    keyed.sort();
    for (id, choice) in &keyed {
        sqlx::query("INSERT INTO ballot_votes (id, ballot_id, choice) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(ballot_id)
            .bind(choice)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM ballot_sealed WHERE ballot_id = $1")
        .bind(ballot_id)
        .execute(&mut *conn)
        .await?;
    Ok(keyed.len())
}

/// Whether `account_id` has voted on the ballot.
pub async fn has_voted(
    conn: &mut AnyConnection,
    ballot_id: i64,
    account_id: i64,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT account_id FROM ballot_voters WHERE ballot_id = $1 AND account_id = $2",
    )
    .bind(ballot_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// How many members voted on the platform.
pub async fn voter_count(conn: &mut AnyConnection, ballot_id: i64) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM ballot_voters WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_one(conn)
            .await?,
    )
}

/// The choices cast on the platform and opened (none before the ballot's closing transaction opens them), sorted
/// (their order means nothing).
pub async fn choices(conn: &mut AnyConnection, ballot_id: i64) -> Result<Vec<String>, StoreError> {
    let mut choices: Vec<String> =
        sqlx::query_scalar("SELECT choice FROM ballot_votes WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_all(conn)
            .await?;
    choices.sort();
    Ok(choices)
}

/// Stores (or replaces) paper entry 1 or 2 of an open ballot, typed by `entered_by`.
/// The other entry must have been typed by someone else.
pub async fn save_paper_entry(
    conn: &mut AnyConnection,
    ballot_id: i64,
    entry: i64,
    entered_by: i64,
    sheets: &str,
    now: i64,
) -> Result<Result<(), PaperRefusal>, StoreError> {
    if !lock_open(&mut *conn, ballot_id).await? {
        return Ok(Err(PaperRefusal::NotOpen));
    }
    let other: Option<i64> = sqlx::query_scalar(
        "SELECT entered_by FROM paper_entries WHERE ballot_id = $1 AND entry = $2",
    )
    .bind(ballot_id)
    .bind(3 - entry)
    .fetch_optional(&mut *conn)
    .await?;
    if other == Some(entered_by) {
        return Ok(Err(PaperRefusal::SameClerk));
    }
    sqlx::query("DELETE FROM paper_entries WHERE ballot_id = $1 AND entry = $2")
        .bind(ballot_id)
        .bind(entry)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO paper_entries (ballot_id, entry, entered_by, sheets, entered_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(ballot_id)
        .bind(entry)
        .bind(entered_by)
        .bind(sheets)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(Ok(()))
}

/// The paper entries of a ballot (none, one or two), by entry number.
pub async fn paper_entries(
    conn: &mut AnyConnection,
    ballot_id: i64,
) -> Result<Vec<PaperEntryRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT entry, entered_by, sheets FROM paper_entries WHERE ballot_id = $1 ORDER BY entry",
    )
    .bind(ballot_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PaperEntryRow {
                entry: row.try_get("entry")?,
                entered_by: row.try_get("entered_by")?,
                sheets: row.try_get("sheets")?,
            })
        })
        .collect()
}
