//! The evidence library and the speakers of an assembly, members' questions to speakers and requests for speakers,
//! and the oversight group's comments on the balance of perspectives heard.
//!
//! Evidence and speakers are public in real assemblies; members' questions are stored with their author (staff may
//! need to follow up) but [`public_questions`] returns them without it, for the public pages.

use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// A document of the evidence library (a link with a plain-language summary), filed under an agenda topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    /// The agenda topic.
    pub topic: String,
    /// The document's title.
    pub title: String,
    /// Where to read it (an `https://` or `http://` link).
    pub url: String,
    /// What it says, in plain language.
    pub summary: String,
}

/// A piece of evidence as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRow {
    /// The id.
    pub id: i64,
    /// Everything else, as given.
    pub fields: NewEvidence,
}

/// A speaker with their declared perspective and interests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSpeaker {
    /// The speaker's name and affiliation (speakers are public figures of the assembly).
    pub name: String,
    /// The agenda topic they speak on.
    pub topic: String,
    /// The perspective they declare, e.g. "Industry", "Environmental NGO", "Academic".
    pub perspective: String,
    /// Their declared interests (funding, employment, memberships), or "None declared".
    pub interests: String,
    /// The session they speak at, if known.
    pub session_id: Option<i64>,
}

/// A speaker as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerRow {
    /// The id.
    pub id: i64,
    /// Everything else, as given.
    pub fields: NewSpeaker,
}

/// A member's question to a speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRow {
    /// The id.
    pub id: i64,
    /// The speaker asked.
    pub speaker_id: i64,
    /// The author (`None` in [`public_questions`]).
    pub account_id: Option<i64>,
    /// The question.
    pub body: String,
    /// When it was asked (unix seconds).
    pub created_at: i64,
    /// Where it is in moderation (only [`QuestionStatus::Accepted`] ones are public).
    pub status: QuestionStatus,
}

/// Where a member's question is in moderation (issue 18, item 8): public only once accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuestionStatus {
    /// Waiting for a moderator.
    Pending,
    /// Public.
    Accepted,
    /// Never public.
    Rejected,
}

impl QuestionStatus {
    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionStatus::Pending => "pending",
            QuestionStatus::Accepted => "accepted",
            QuestionStatus::Rejected => "rejected",
        }
    }

    /// Parses a stored identifier.
    pub fn parse(raw: &str) -> Option<QuestionStatus> {
        [
            QuestionStatus::Pending,
            QuestionStatus::Accepted,
            QuestionStatus::Rejected,
        ]
        .into_iter()
        .find(|status| status.as_str() == raw.trim())
    }
}

/// A member's request to hear a speaker (a person, an organisation or a point of view) on a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerRequestRow {
    /// The id.
    pub id: i64,
    /// The topic.
    pub topic: String,
    /// Who or what they want to hear.
    pub body: String,
    /// When (unix seconds).
    pub created_at: i64,
}

/// A comment of the oversight group on the balance of a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceCommentRow {
    /// The id.
    pub id: i64,
    /// The topic commented on.
    pub topic: String,
    /// The comment.
    pub body: String,
    /// When (unix seconds).
    pub created_at: i64,
}

/// For one topic, the perspectives heard and how many speakers held each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicBalance {
    /// The topic.
    pub topic: String,
    /// (perspective, number of speakers), by perspective name.
    pub perspectives: Vec<(String, i64)>,
}

async fn require_assembly(conn: &mut AnyConnection, assembly_id: i64) -> Result<(), StoreError> {
    if crate::assemblies::assembly_exists(conn, assembly_id).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Adds a document to the evidence library and returns its id.
pub async fn add_evidence(
    conn: &mut AnyConnection,
    assembly_id: i64,
    new: &NewEvidence,
    now: i64,
) -> Result<i64, StoreError> {
    require_assembly(&mut *conn, assembly_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO evidence (assembly_id, topic, title, url, summary, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(assembly_id)
    .bind(&new.topic)
    .bind(&new.title)
    .bind(&new.url)
    .bind(&new.summary)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The evidence library of an assembly, by topic then order of addition.
pub async fn list_evidence(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<EvidenceRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, topic, title, url, summary FROM evidence WHERE assembly_id = $1 ORDER BY topic, id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(EvidenceRow {
                id: row.try_get("id")?,
                fields: NewEvidence {
                    topic: row.try_get("topic")?,
                    title: row.try_get("title")?,
                    url: row.try_get("url")?,
                    summary: row.try_get("summary")?,
                },
            })
        })
        .collect()
}

/// Adds a speaker and returns their id; a session of another assembly is [`StoreError::NotFound`].
pub async fn add_speaker(
    conn: &mut AnyConnection,
    assembly_id: i64,
    new: &NewSpeaker,
    now: i64,
) -> Result<i64, StoreError> {
    require_assembly(&mut *conn, assembly_id).await?;
    if let Some(session_id) = new.session_id {
        crate::sessions::get_session(&mut *conn, assembly_id, session_id).await?;
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO speakers (assembly_id, name, topic, perspective, interests, session_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(assembly_id)
    .bind(&new.name)
    .bind(&new.topic)
    .bind(&new.perspective)
    .bind(&new.interests)
    .bind(new.session_id)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The speakers of an assembly, by topic then order of addition.
pub async fn list_speakers(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<SpeakerRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, topic, perspective, interests, session_id FROM speakers WHERE assembly_id = $1 ORDER BY topic, id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SpeakerRow {
                id: row.try_get("id")?,
                fields: NewSpeaker {
                    name: row.try_get("name")?,
                    topic: row.try_get("topic")?,
                    perspective: row.try_get("perspective")?,
                    interests: row.try_get("interests")?,
                    session_id: row.try_get("session_id")?,
                },
            })
        })
        .collect()
}

/// The balance view: for every topic with speakers, the perspectives heard and how many speakers held each.
pub async fn balance(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<TopicBalance>, StoreError> {
    let rows = sqlx::query(
        "SELECT topic, perspective, COUNT(*) AS speakers FROM speakers WHERE assembly_id = $1
         GROUP BY topic, perspective ORDER BY topic, perspective",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    let mut balance: Vec<TopicBalance> = Vec::new();
    for row in &rows {
        let topic: String = row.try_get("topic")?;
        let entry = (row.try_get("perspective")?, row.try_get("speakers")?);
        match balance.last_mut() {
            Some(last) if last.topic == topic => last.perspectives.push(entry),
            _ => balance.push(TopicBalance {
                topic,
                perspectives: vec![entry],
            }),
        }
    }
    Ok(balance)
}

/// Stores a member's question to a speaker of the same assembly and returns its id.
pub async fn ask_question(
    conn: &mut AnyConnection,
    assembly_id: i64,
    speaker_id: i64,
    account_id: i64,
    body: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM speakers WHERE assembly_id = $1 AND id = $2")
            .bind(assembly_id)
            .bind(speaker_id)
            .fetch_optional(&mut *conn)
            .await?;
    if found.is_none() {
        return Err(StoreError::NotFound);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO speaker_questions (assembly_id, speaker_id, account_id, body, created_at, status)
         VALUES ($1, $2, $3, $4, $5, 'pending') RETURNING id",
    )
    .bind(assembly_id)
    .bind(speaker_id)
    .bind(account_id)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

async fn questions(
    conn: &mut AnyConnection,
    assembly_id: i64,
    with_author: bool,
) -> Result<Vec<QuestionRow>, StoreError> {
    // The public query does not even select the author, so no template can show it by mistake.
    // Nor does it read a question that was not accepted by a moderator.
    let (author, accepted) = if with_author {
        ("account_id", "")
    } else {
        ("NULL AS account_id", " AND status = 'accepted'")
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, speaker_id, {author}, body, created_at, status FROM speaker_questions WHERE assembly_id = $1{accepted} ORDER BY speaker_id, id"
    )))
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(QuestionRow {
                id: row.try_get("id")?,
                speaker_id: row.try_get("speaker_id")?,
                account_id: if with_author {
                    row.try_get("account_id")?
                } else {
                    None
                },
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
                status: stored_question_status(&row.try_get::<String, _>("status")?)?,
            })
        })
        .collect()
}

fn stored_question_status(raw: &str) -> Result<QuestionStatus, StoreError> {
    QuestionStatus::parse(raw)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown question status {raw:?}")))
}

/// Decides a question of assembly `assembly_id` that is still pending; [`StoreError::NotFound`] if the question is
/// not the assembly's or was already decided (so two moderators never both decide it).
pub async fn moderate_question(
    conn: &mut AnyConnection,
    assembly_id: i64,
    question_id: i64,
    status: QuestionStatus,
    now: i64,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE speaker_questions SET status = $1, moderated_at = $2
         WHERE assembly_id = $3 AND id = $4 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(assembly_id)
    .bind(question_id)
    .execute(conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Members' questions with their authors, for staff.
pub async fn staff_questions(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<QuestionRow>, StoreError> {
    questions(conn, assembly_id, true).await
}

/// Members' questions without their authors, for the public pages.
pub async fn public_questions(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<QuestionRow>, StoreError> {
    questions(conn, assembly_id, false).await
}

/// Stores a member's request to hear a speaker on a topic and returns its id.
pub async fn request_speaker(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    topic: &str,
    body: &str,
    now: i64,
) -> Result<i64, StoreError> {
    require_assembly(&mut *conn, assembly_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO speaker_requests (assembly_id, account_id, topic, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(assembly_id)
    .bind(account_id)
    .bind(topic)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Members' speaker requests (without their authors), newest last.
pub async fn speaker_requests(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<SpeakerRequestRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, topic, body, created_at FROM speaker_requests WHERE assembly_id = $1 ORDER BY id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SpeakerRequestRow {
                id: row.try_get("id")?,
                topic: row.try_get("topic")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Stores a comment of the oversight group on the balance of a topic and returns its id.
pub async fn comment_on_balance(
    conn: &mut AnyConnection,
    assembly_id: i64,
    account_id: i64,
    topic: &str,
    body: &str,
    now: i64,
) -> Result<i64, StoreError> {
    require_assembly(&mut *conn, assembly_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO balance_comments (assembly_id, account_id, topic, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(assembly_id)
    .bind(account_id)
    .bind(topic)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The oversight group's comments on balance (attributed to the group, not to a person), oldest first.
pub async fn balance_comments(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<BalanceCommentRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, topic, body, created_at FROM balance_comments WHERE assembly_id = $1 ORDER BY id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BalanceCommentRow {
                id: row.try_get("id")?,
                topic: row.try_get("topic")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// What an evidence list is narrowed to (issue 18, item 5): one topic, and a fragment of the title or summary (any
/// case); empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceFilter {
    /// Only this topic, if not empty.
    pub topic: String,
    /// Only documents whose title or summary contains this, if not empty.
    pub search: String,
}

/// One page of the evidence library matching `filter`, by topic then order of addition: at most `limit` from the
/// `offset`-th, and how many match in all.
pub async fn evidence_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    filter: &EvidenceFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EvidenceRow>, i64), StoreError> {
    let pattern = crate::recruitment::like_pattern(&filter.search);
    let topic = filter.topic.trim();
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM evidence WHERE assembly_id = $1 AND ($2 = '' OR topic = $2)
           AND ($3 = '%%' OR LOWER(title) LIKE $3 ESCAPE '\\' OR LOWER(summary) LIKE $3 ESCAPE '\\')",
    )
    .bind(assembly_id)
    .bind(topic)
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "SELECT id, topic, title, url, summary FROM evidence WHERE assembly_id = $1 AND ($2 = '' OR topic = $2)
           AND ($3 = '%%' OR LOWER(title) LIKE $3 ESCAPE '\\' OR LOWER(summary) LIKE $3 ESCAPE '\\')
         ORDER BY topic, id LIMIT $4 OFFSET $5",
    )
    .bind(assembly_id)
    .bind(topic)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok(EvidenceRow {
                id: row.try_get("id")?,
                fields: NewEvidence {
                    topic: row.try_get("topic")?,
                    title: row.try_get("title")?,
                    url: row.try_get("url")?,
                    summary: row.try_get("summary")?,
                },
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((rows, total))
}

/// The topics the evidence library files documents under, in order (the evidence list's topic filter).
pub async fn evidence_topics(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT topic FROM evidence WHERE assembly_id = $1 ORDER BY topic",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?)
}

/// One page of the speakers, by topic then order of addition, and how many there are in all.
pub async fn speakers_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<SpeakerRow>, i64), StoreError> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM speakers WHERE assembly_id = $1")
        .bind(assembly_id)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query(
        "SELECT id, name, topic, perspective, interests, session_id FROM speakers WHERE assembly_id = $1
         ORDER BY topic, id LIMIT $2 OFFSET $3",
    )
    .bind(assembly_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok(SpeakerRow {
                id: row.try_get("id")?,
                fields: NewSpeaker {
                    name: row.try_get("name")?,
                    topic: row.try_get("topic")?,
                    perspective: row.try_get("perspective")?,
                    interests: row.try_get("interests")?,
                    session_id: row.try_get("session_id")?,
                },
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((rows, total))
}
