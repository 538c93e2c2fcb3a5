//! Proposals drafted by tables and members, their amendments, comments and minority reports.
//!
//! A proposal keeps every version of its text in `proposal_versions`: an accepted amendment replaces the text
//! and adds a version that names the amendment, so the history shows how the text came to be.
//! An amendment is written against one version; accepting it after the text moved on is a conflict, so nobody's
//! accepted change is silently overwritten.
//! A proposal names one of its assembly's sessions and a table within it (migration 0025); the free-text labels
//! of proposals drafted before are kept as legacy labels where they named no session or table.
//! That the session and table belong to the assembly is the caller's check (`app::deliberation::proposals`).

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A proposal to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProposal {
    /// A short title.
    pub title: String,
    /// The text.
    pub body: String,
    /// The session of the assembly it came from, if any.
    pub session_id: Option<i64>,
    /// The table it came from within that session, numbered from 0 as in `table_seats`, if any.
    pub table_no: Option<i64>,
}

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRow {
    /// The id.
    pub id: i64,
    /// The assembly.
    pub assembly_id: i64,
    /// Title, text, session and table.
    pub fields: NewProposal,
    /// The free-text session label typed before proposals were linked, when it named no session (else empty).
    pub legacy_session: String,
    /// The free-text table label typed before proposals were linked, when it named no table (else empty).
    pub legacy_table: String,
    /// Where it stands, from its ballots and recommendation.
    pub stage: Stage,
    /// The drafter (the only account, with organisers, that accepts or rejects amendments).
    pub author_account_id: i64,
    /// The minority report attached to it (empty if none).
    pub minority_report: String,
    /// The current version of the text, from 1.
    pub version: i64,
    /// When it was drafted.
    pub created_at: i64,
}

/// One version of a proposal's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// The version number, from 1.
    pub version: i64,
    /// The text.
    pub body: String,
    /// The amendment that made it (none for the first draft).
    pub amendment_id: Option<i64>,
    /// When.
    pub created_at: i64,
}

/// What became of an amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmendmentStatus {
    /// Waiting for the drafters.
    Open,
    /// Accepted: it changed the text.
    Accepted,
    /// Rejected.
    Rejected,
}

impl AmendmentStatus {
    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            AmendmentStatus::Open => "open",
            AmendmentStatus::Accepted => "accepted",
            AmendmentStatus::Rejected => "rejected",
        }
    }

    /// Parses a stored identifier.
    pub fn parse(raw: &str) -> Option<AmendmentStatus> {
        [
            AmendmentStatus::Open,
            AmendmentStatus::Accepted,
            AmendmentStatus::Rejected,
        ]
        .into_iter()
        .find(|status| status.as_str() == raw)
    }
}

/// An amendment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentRow {
    /// The id.
    pub id: i64,
    /// The proposal.
    pub proposal_id: i64,
    /// Who proposed it.
    pub author_account_id: i64,
    /// The text the proposal would have.
    pub body: String,
    /// Why.
    pub rationale: String,
    /// The version of the proposal it was written against.
    pub base_version: i64,
    /// Open, accepted or rejected.
    pub status: AmendmentStatus,
    /// When it was proposed.
    pub created_at: i64,
}

/// A comment on a proposal or one of its amendments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    /// The id.
    pub id: i64,
    /// The amendment it is about, if any.
    pub amendment_id: Option<i64>,
    /// Who wrote it.
    pub author_account_id: i64,
    /// The text.
    pub body: String,
    /// When.
    pub created_at: i64,
}

/// Where a proposal stands, read from its ballots and recommendation (never stored, so it cannot drift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// No ballot on it yet.
    Drafting,
    /// A ballot on it is a draft or open.
    Balloting,
    /// A closed ballot on it passed.
    Passed,
    /// Its ballots closed and none passed.
    NotPassed,
    /// A recommendation was made from it.
    Recommended,
}

impl Stage {
    /// Every stage, in the order a proposal goes through them.
    pub const ALL: [Stage; 5] = [
        Stage::Drafting,
        Stage::Balloting,
        Stage::Passed,
        Stage::NotPassed,
        Stage::Recommended,
    ];

    /// The identifier (in filters and the API).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Drafting => "drafting",
            Stage::Balloting => "balloting",
            Stage::Passed => "passed",
            Stage::NotPassed => "not_passed",
            Stage::Recommended => "recommended",
        }
    }

    /// Parses an identifier.
    pub fn parse(raw: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.as_str() == raw)
    }
}

/// The columns of a proposal with its stage, from `proposals p` (the stage's `CASE` gives the identifiers of
/// [`Stage::as_str`]).
const PROPOSAL_COLUMNS: &str = "p.id, p.assembly_id, p.title, p.body, p.session_id, p.table_no, p.session_label,
    p.table_label, p.author_account_id, p.minority_report, p.version, p.created_at,
    CASE
      WHEN EXISTS (SELECT 1 FROM recommendations r WHERE r.proposal_id = p.id) THEN 'recommended'
      WHEN EXISTS (SELECT 1 FROM ballots b WHERE b.proposal_id = p.id AND b.status = 'closed' AND b.passed = 1)
        THEN 'passed'
      WHEN EXISTS (SELECT 1 FROM ballots b WHERE b.proposal_id = p.id AND b.status IN ('draft', 'open'))
        THEN 'balloting'
      WHEN EXISTS (SELECT 1 FROM ballots b WHERE b.proposal_id = p.id AND b.status = 'closed') THEN 'not_passed'
      ELSE 'drafting'
    END AS stage";

fn proposal_from_row(row: &sqlx::any::AnyRow) -> Result<ProposalRow, StoreError> {
    let stage: String = row.try_get("stage")?;
    Ok(ProposalRow {
        id: row.try_get("id")?,
        assembly_id: row.try_get("assembly_id")?,
        fields: NewProposal {
            title: row.try_get("title")?,
            body: row.try_get("body")?,
            session_id: row.try_get("session_id")?,
            table_no: row.try_get("table_no")?,
        },
        legacy_session: row.try_get("session_label")?,
        legacy_table: row.try_get("table_label")?,
        stage: Stage::parse(&stage)
            .ok_or_else(|| StoreError::Corrupt(format!("proposal stage {stage}")))?,
        author_account_id: row.try_get("author_account_id")?,
        minority_report: row.try_get("minority_report")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Stores a new proposal (version 1) by `author_account_id` and returns its id.
pub async fn create(
    conn: &mut AnyConnection,
    assembly_id: i64,
    author_account_id: i64,
    new: &NewProposal,
    now: i64,
) -> Result<i64, StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO proposals (assembly_id, title, body, session_id, table_no, session_label, table_label,
                                author_account_id, minority_report, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, '', '', $6, '', 1, $7, $7) RETURNING id",
    )
    .bind(assembly_id)
    .bind(&new.title)
    .bind(&new.body)
    .bind(new.session_id)
    .bind(new.table_no)
    .bind(author_account_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO proposal_versions (proposal_id, version, body, amendment_id, created_at) VALUES ($1, 1, $2, NULL, $3)",
    )
    .bind(id)
    .bind(&new.body)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

/// The proposals of an assembly, oldest first.
pub async fn list(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<ProposalRow>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.assembly_id = $1 ORDER BY p.id"
    )))
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(proposal_from_row).collect()
}

/// One proposal of an assembly ([`StoreError::NotFound`] if it belongs to another).
pub async fn get(
    conn: &mut AnyConnection,
    assembly_id: i64,
    proposal_id: i64,
) -> Result<ProposalRow, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.assembly_id = $1 AND p.id = $2"
    )))
    .bind(assembly_id)
    .bind(proposal_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    proposal_from_row(&row)
}

/// What a page of proposals is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// A fragment of the title, any case (empty: every title).
    pub search: String,
    /// Only the proposals of this session.
    pub session_id: Option<i64>,
    /// Only the proposals at this stage.
    pub stage: Option<Stage>,
}

/// One page of the assembly's proposals matching `filter`, in id order: at most `limit` from the `offset`-th,
/// and how many match in all.
pub async fn page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ProposalRow>, i64), StoreError> {
    let pattern = crate::recruitment::like_pattern(&filter.search);
    let stage = filter.stage.map(Stage::as_str).unwrap_or("");
    // The stage is computed per row, so the filter wraps the select; the session and title filter inside it.
    let matching = format!(
        "SELECT * FROM (SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.assembly_id = $1
           AND ($2 = '%%%%' OR LOWER(p.title) LIKE $2 ESCAPE '\\')
           AND ($3 = 0 OR p.session_id = $3)) AS matching
         WHERE ($4 = '' OR stage = $4)"
    );
    let session = filter.session_id.unwrap_or(0);
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM ({matching}) AS counted"
    )))
    .bind(assembly_id)
    .bind(&pattern)
    .bind(session)
    .bind(stage)
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{matching} ORDER BY id LIMIT $5 OFFSET $6"
    )))
    .bind(assembly_id)
    .bind(&pattern)
    .bind(session)
    .bind(stage)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((
        rows.iter()
            .map(proposal_from_row)
            .collect::<Result<_, _>>()?,
        total,
    ))
}

/// Every version of a proposal's text, oldest first.
pub async fn versions(
    conn: &mut AnyConnection,
    proposal_id: i64,
) -> Result<Vec<VersionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT version, body, amendment_id, created_at FROM proposal_versions WHERE proposal_id = $1 ORDER BY version",
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(VersionRow {
                version: row.try_get("version")?,
                body: row.try_get("body")?,
                amendment_id: row.try_get("amendment_id")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Replaces the minority report of a proposal of `assembly_id`.
pub async fn set_minority_report(
    conn: &mut AnyConnection,
    assembly_id: i64,
    proposal_id: i64,
    text: &str,
    now: i64,
) -> Result<(), StoreError> {
    let updated =
        sqlx::query("UPDATE proposals SET minority_report = $1, updated_at = $2 WHERE assembly_id = $3 AND id = $4")
            .bind(text)
            .bind(now)
            .bind(assembly_id)
            .bind(proposal_id)
            .execute(conn)
            .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Proposes an amendment (the whole new text, with a rationale) against the current version; returns its id.
pub async fn propose_amendment(
    conn: &mut AnyConnection,
    assembly_id: i64,
    proposal_id: i64,
    author_account_id: i64,
    body: &str,
    rationale: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let proposal = get(&mut *conn, assembly_id, proposal_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO amendments (proposal_id, author_account_id, body, rationale, base_version, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
    )
    .bind(proposal_id)
    .bind(author_account_id)
    .bind(body)
    .bind(rationale)
    .bind(proposal.version)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

fn amendment_from_row(row: &sqlx::any::AnyRow) -> Result<AmendmentRow, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(AmendmentRow {
        id: row.try_get("id")?,
        proposal_id: row.try_get("proposal_id")?,
        author_account_id: row.try_get("author_account_id")?,
        body: row.try_get("body")?,
        rationale: row.try_get("rationale")?,
        base_version: row.try_get("base_version")?,
        status: AmendmentStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("amendment {status:?}")))?,
        created_at: row.try_get("created_at")?,
    })
}

/// The amendments of a proposal, oldest first.
pub async fn amendments(
    conn: &mut AnyConnection,
    proposal_id: i64,
) -> Result<Vec<AmendmentRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, proposal_id, author_account_id, body, rationale, base_version, status, created_at
         FROM amendments WHERE proposal_id = $1 ORDER BY id",
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(amendment_from_row).collect()
}

/// Why an amendment could not be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRefusal {
    /// It was already accepted or rejected.
    AlreadyDecided,
    /// The proposal's text changed since the amendment was written.
    Outdated,
}

/// Accepts or rejects an open amendment of a proposal of `assembly_id`.
/// Accepting replaces the proposal's text and adds a version; returns the new version (or the unchanged one).
pub async fn decide_amendment(
    conn: &mut AnyConnection,
    assembly_id: i64,
    proposal_id: i64,
    amendment_id: i64,
    accept: bool,
    decided_by: i64,
    now: i64,
) -> Result<Result<i64, DecisionRefusal>, StoreError> {
    let proposal = get(&mut *conn, assembly_id, proposal_id).await?;
    let row = sqlx::query(
        "SELECT id, proposal_id, author_account_id, body, rationale, base_version, status, created_at
         FROM amendments WHERE id = $1 AND proposal_id = $2",
    )
    .bind(amendment_id)
    .bind(proposal_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let amendment = amendment_from_row(&row)?;
    if amendment.status != AmendmentStatus::Open {
        return Ok(Err(DecisionRefusal::AlreadyDecided));
    }
    if accept && amendment.base_version != proposal.version {
        return Ok(Err(DecisionRefusal::Outdated));
    }
    let status = if accept {
        AmendmentStatus::Accepted
    } else {
        AmendmentStatus::Rejected
    };
    let updated = sqlx::query(
        "UPDATE amendments SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'open'",
    )
    .bind(status.as_str())
    .bind(decided_by)
    .bind(now)
    .bind(amendment_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(Err(DecisionRefusal::AlreadyDecided));
    }
    if !accept {
        return Ok(Ok(proposal.version));
    }
    let version = proposal.version + 1;
    // The version check in the WHERE clause makes two simultaneous acceptances refuse the second.
    let moved = sqlx::query("UPDATE proposals SET body = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5")
        .bind(&amendment.body)
        .bind(version)
        .bind(now)
        .bind(proposal_id)
        .bind(proposal.version)
        .execute(&mut *conn)
        .await?;
    if moved.rows_affected() != 1 {
        return Ok(Err(DecisionRefusal::Outdated));
    }
    sqlx::query(
        "INSERT INTO proposal_versions (proposal_id, version, body, amendment_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(proposal_id)
    .bind(version)
    .bind(&amendment.body)
    .bind(amendment_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(Ok(version))
}

/// Adds a comment to a proposal (or to one of its amendments) and returns its id.
pub async fn add_comment(
    conn: &mut AnyConnection,
    assembly_id: i64,
    proposal_id: i64,
    amendment_id: Option<i64>,
    author_account_id: i64,
    body: &str,
    now: i64,
) -> Result<i64, StoreError> {
    get(&mut *conn, assembly_id, proposal_id).await?;
    if let Some(amendment_id) = amendment_id {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM amendments WHERE id = $1 AND proposal_id = $2")
                .bind(amendment_id)
                .bind(proposal_id)
                .fetch_optional(&mut *conn)
                .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO proposal_comments (proposal_id, amendment_id, author_account_id, body, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(proposal_id)
    .bind(amendment_id)
    .bind(author_account_id)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The comments of a proposal and its amendments, oldest first.
pub async fn comments(
    conn: &mut AnyConnection,
    proposal_id: i64,
) -> Result<Vec<CommentRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, amendment_id, author_account_id, body, created_at FROM proposal_comments
         WHERE proposal_id = $1 ORDER BY id",
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CommentRow {
                id: row.try_get("id")?,
                amendment_id: row.try_get("amendment_id")?,
                author_account_id: row.try_get("author_account_id")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}
