//! The evidence library and the speakers: documents and speakers filed under agenda topics, the balance of
//! perspectives heard per topic with the oversight group's comments, members' questions to speakers and their
//! requests for speakers.
//!
//! The public sees members' questions without their authors (the store's public query does not even read the
//! author); staff see who asked, and members' speaker requests.

use serde_json::json;
use store::evidence::{
    BalanceCommentRow, EvidenceRow, NewEvidence, NewSpeaker, SpeakerRequestRow, SpeakerRow,
};
use store::sessions::SessionRow;

use super::{AssemblyError, not_found_as};
use crate::audit::{Entry, audited};
use crate::{Actor, Result};

/// Who reads the library: the public (questions without authors) or staff (with them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The public page.
    Public,
    /// The staff page.
    Staff,
}

/// A speaker with the session they speak at and the questions put to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerEntry {
    /// The speaker.
    pub speaker: SpeakerRow,
    /// The session they speak at, if known.
    pub session: Option<SessionRow>,
    /// Members' questions: (text, author's name for staff when known; `None` on the public page).
    pub questions: Vec<(String, Option<String>)>,
}

/// The balance of one topic: the perspectives heard and the oversight group's comments on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// The topic.
    pub topic: String,
    /// (perspective, number of speakers), by perspective.
    pub perspectives: Vec<(String, i64)>,
    /// The oversight group's comments on this topic.
    pub comments: Vec<BalanceCommentRow>,
}

/// Which documents of the library a page shows (issue 18, item 5): those matching `filter`, page `page` (from 0) of
/// [`crate::paging::PAGE_SIZE`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Documents {
    /// The topic and the words asked for.
    pub filter: store::evidence::EvidenceFilter,
    /// The page, from 0 (a page past the last shows the last).
    pub page: i64,
}

/// Everything both evidence pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// The assembly's title.
    pub title: String,
    /// The page of documents asked for, by topic.
    pub evidence: Vec<EvidenceRow>,
    /// How many documents match the filter.
    pub matching: i64,
    /// The page of documents shown, from 0.
    pub page: i64,
    /// The topics of the documents (the filter's choices).
    pub evidence_topics: Vec<String>,
    /// The speakers, by topic.
    pub speakers: Vec<SpeakerEntry>,
    /// The balance per topic that has speakers.
    pub balance: Vec<Balance>,
    /// Comments on topics without speakers yet.
    pub other_comments: Vec<BalanceCommentRow>,
}

/// The library of an assembly as `audience` may see it.
pub async fn library(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    audience: Audience,
    documents: &Documents,
) -> Result<Library> {
    let record = store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let shown = crate::page_of!(documents.page, crate::paging::PAGE_SIZE, |limit, offset| {
        store::evidence::evidence_page(&mut *conn, assembly_id, &documents.filter, limit, offset)
            .await?
    });
    let evidence_topics = store::evidence::evidence_topics(&mut *conn, assembly_id).await?;
    let (questions, names) = match audience {
        Audience::Staff => (
            store::evidence::staff_questions(&mut *conn, assembly_id).await?,
            store::sessions::members_of(&mut *conn, assembly_id).await?,
        ),
        Audience::Public => (
            store::evidence::public_questions(&mut *conn, assembly_id).await?,
            Vec::new(),
        ),
    };
    let sessions = store::sessions::list_sessions(&mut *conn, assembly_id).await?;
    let speakers = store::evidence::list_speakers(&mut *conn, assembly_id)
        .await?
        .into_iter()
        .map(|speaker| SpeakerEntry {
            session: speaker
                .fields
                .session_id
                .and_then(|id| sessions.iter().find(|session| session.id == id))
                .cloned(),
            // Staff see the questions not yet moderated in the queue (`StaffLibrary::pending`), not here.
            questions: questions
                .iter()
                .filter(|question| {
                    question.speaker_id == speaker.id
                        && question.status == store::evidence::QuestionStatus::Accepted
                })
                .map(|question| {
                    let author = question
                        .account_id
                        .and_then(|id| names.iter().find(|(member, _)| *member == id))
                        .map(|(_, name)| name.clone());
                    (question.body.clone(), author)
                })
                .collect(),
            speaker,
        })
        .collect();
    let comments = store::evidence::balance_comments(&mut *conn, assembly_id).await?;
    let balance: Vec<Balance> = store::evidence::balance(&mut *conn, assembly_id)
        .await?
        .into_iter()
        .map(|row| Balance {
            comments: comments
                .iter()
                .filter(|comment| comment.topic == row.topic)
                .cloned()
                .collect(),
            topic: row.topic,
            perspectives: row.perspectives,
        })
        .collect();
    let other_comments = comments
        .into_iter()
        .filter(|comment| !balance.iter().any(|topic| topic.topic == comment.topic))
        .collect();
    Ok(Library {
        title: record.title,
        evidence: shown.items,
        matching: shown.total,
        page: shown.page,
        evidence_topics,
        speakers,
        balance,
        other_comments,
    })
}

/// What the staff evidence page shows besides the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffLibrary {
    /// The library, with the authors of questions.
    pub library: Library,
    /// Members' speaker requests.
    pub requests: Vec<SpeakerRequestRow>,
    /// The agenda topics.
    pub topics: Vec<String>,
    /// The sessions, in date order.
    pub sessions: Vec<SessionRow>,
    /// Members' questions waiting for moderation, oldest first (issue 18, item 8).
    pub pending: Vec<PendingQuestion>,
}

/// A member's question waiting for moderation, as the staff queue shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingQuestion {
    /// The question's id.
    pub id: i64,
    /// The speaker's name.
    pub speaker: String,
    /// The question.
    pub body: String,
    /// The author's name, when known.
    pub author: Option<String>,
}

/// The library of an assembly for its staff.
pub async fn staff_library(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    documents: &Documents,
) -> Result<StaffLibrary> {
    let library = library(&mut *conn, assembly_id, Audience::Staff, documents).await?;
    let requests = store::evidence::speaker_requests(&mut *conn, assembly_id).await?;
    let topics = store::sessions::topics(&mut *conn, assembly_id).await?;
    let sessions = store::sessions::list_sessions(&mut *conn, assembly_id).await?;
    let names = store::sessions::members_of(&mut *conn, assembly_id).await?;
    let mut pending: Vec<(i64, PendingQuestion)> =
        store::evidence::staff_questions(&mut *conn, assembly_id)
            .await?
            .into_iter()
            .filter(|question| question.status == store::evidence::QuestionStatus::Pending)
            .map(|question| {
                let speaker = library
                    .speakers
                    .iter()
                    .find(|entry| entry.speaker.id == question.speaker_id)
                    .map(|entry| entry.speaker.fields.name.clone())
                    .unwrap_or_default();
                let author = question
                    .account_id
                    .and_then(|id| names.iter().find(|(member, _)| *member == id))
                    .map(|(_, name)| name.clone());
                let entry = PendingQuestion {
                    id: question.id,
                    speaker,
                    body: question.body,
                    author,
                };
                (question.created_at, entry)
            })
            .collect();
    pending.sort_by_key(|(created_at, question)| (*created_at, question.id));
    Ok(StaffLibrary {
        library,
        requests,
        topics,
        sessions,
        pending: pending.into_iter().map(|(_, question)| question).collect(),
    })
}

/// An organiser adds a document to the library; returns its id.
pub async fn add_evidence(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    new: &NewEvidence,
    now: i64,
) -> Result<i64> {
    // Creations: the entity names the new id, so the write comes first and its entry right after, in the same
    // transaction, through `audited`.
    let id = store::evidence::add_evidence(tx, assembly_id, new, now).await?;
    let entity = format!("assembly:{assembly_id}/evidence:{id}");
    let after = json!({ "id": id, "topic": new.topic });
    let id = audited(tx, actor, "evidence.create", &entity, now, async |_| {
        Ok((id, Entry::after(after)))
    })
    .await?;
    tracing::info!(assembly_id, evidence_id = id, "evidence added");
    Ok(id)
}

/// An organiser adds a speaker with their declared perspective and interests; a session that is not of this
/// assembly is refused on the field `speaker_session`. Returns the speaker's id.
pub async fn add_speaker(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    new: &NewSpeaker,
    now: i64,
) -> Result<i64, AssemblyError> {
    let id = match store::evidence::add_speaker(tx, assembly_id, new, now).await {
        Ok(id) => id,
        Err(error) if new.session_id.is_some() => {
            return Err(not_found_as("speaker_session", error));
        }
        Err(error) => return Err(error.into()),
    };
    let entity = format!("assembly:{assembly_id}/speaker:{id}");
    let after = json!({ "id": id, "topic": new.topic, "perspective": new.perspective });
    let id = audited(tx, actor, "speaker.create", &entity, now, async |_| {
        Ok((id, Entry::after(after)))
    })
    .await?;
    tracing::info!(assembly_id, speaker_id = id, "speaker added");
    Ok(id)
}

/// The oversight group comments on the balance of a topic; returns the comment's id.
pub async fn comment_on_balance(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    topic: &str,
    body: &str,
    now: i64,
) -> Result<i64> {
    let account_id = actor.account()?;
    let id =
        store::evidence::comment_on_balance(tx, assembly_id, account_id, topic, body, now).await?;
    let entity = format!("assembly:{assembly_id}/balance_comment:{id}");
    let id = audited(
        tx,
        actor,
        "balance_comment.create",
        &entity,
        now,
        async |_| Ok((id, Entry::after(json!({ "id": id })))),
    )
    .await?;
    tracing::info!(assembly_id, balance_comment_id = id, "balance comment");
    Ok(id)
}

/// A member asks a speaker a question; a speaker of another assembly is refused on the field `speaker_id`.
/// Returns the question's id. The log keeps ids, never the text.
pub async fn ask_question(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    speaker_id: i64,
    question: &str,
    now: i64,
) -> Result<i64, AssemblyError> {
    let account_id = actor.account()?;
    let id = store::evidence::ask_question(tx, assembly_id, speaker_id, account_id, question, now)
        .await
        .map_err(|error| not_found_as("speaker_id", error))?;
    let entity = format!("assembly:{assembly_id}/speaker:{speaker_id}/question:{id}");
    let id = audited(
        tx,
        actor,
        "speaker_question.create",
        &entity,
        now,
        async |_| Ok((id, Entry::after(json!({ "id": id })))),
    )
    .await?;
    tracing::info!(
        assembly_id,
        speaker_id,
        question_id = id,
        "question to a speaker"
    );
    Ok(id)
}

/// A member asks to hear a speaker (a person, an organisation or a point of view) on a topic; returns the
/// request's id.
pub async fn request_speaker(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    topic: &str,
    request: &str,
    now: i64,
) -> Result<i64> {
    let account_id = actor.account()?;
    let id =
        store::evidence::request_speaker(tx, assembly_id, account_id, topic, request, now).await?;
    let entity = format!("assembly:{assembly_id}/speaker_request:{id}");
    let id = audited(
        tx,
        actor,
        "speaker_request.create",
        &entity,
        now,
        async |_| Ok((id, Entry::after(json!({ "id": id })))),
    )
    .await?;
    tracing::info!(assembly_id, speaker_request_id = id, "speaker requested");
    Ok(id)
}

/// A moderator accepts (public from now on) or rejects (never public) members' questions that are still pending,
/// all or none in one transaction, with one audit entry per question (ids and the decision, never the text).
/// A question of another assembly, or one already decided, is refused on the field `questions`.
/// Returns how many were decided.
pub async fn moderate_questions(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    question_ids: &[i64],
    decision: store::evidence::QuestionStatus,
    now: i64,
) -> Result<usize, AssemblyError> {
    actor.account()?;
    if decision == store::evidence::QuestionStatus::Pending {
        return Err(super::Refusal::unknown("decision").into());
    }
    let mut ids = question_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(super::Refusal::unknown("questions").into());
    }
    for id in &ids {
        let entity = format!("assembly:{assembly_id}/question:{id}");
        audited(
            tx,
            actor,
            "speaker_question.moderate",
            &entity,
            now,
            async |tx| {
                store::evidence::moderate_question(tx, assembly_id, *id, decision, now)
                    .await
                    .map_err(|error| match error {
                        store::StoreError::NotFound => crate::Error::NotFound,
                        other => other.into(),
                    })?;
                let entry = Entry::change(
                    json!({ "id": id, "status": "pending" }),
                    json!({ "id": id, "status": decision.as_str() }),
                );
                Ok(((), entry))
            },
        )
        .await
        .map_err(|error| match error {
            crate::Error::NotFound => super::Refusal::unknown("questions").into(),
            other => AssemblyError::App(other),
        })?;
    }
    tracing::info!(
        assembly_id,
        decided = ids.len(),
        decision = decision.as_str(),
        "questions moderated"
    );
    Ok(ids.len())
}

/// One page of the library's documents and one of its speakers, as the API gives them (issue 18, item 5): each
/// read from the store with its total; `(limit, offset)` for both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryLists {
    /// The documents of the page, by topic, and how many there are.
    pub documents: (Vec<EvidenceRow>, i64),
    /// The speakers of the page, by topic, and how many there are.
    pub speakers: (Vec<SpeakerRow>, i64),
}

/// The page `(limit, offset)` of an assembly's documents and of its speakers ([`crate::Error::NotFound`] for an
/// unknown assembly).
pub async fn library_lists(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    (limit, offset): (i64, i64),
) -> Result<LibraryLists> {
    store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let documents = store::evidence::evidence_page(
        &mut *conn,
        assembly_id,
        &store::evidence::EvidenceFilter::default(),
        limit,
        offset,
    )
    .await?;
    let speakers = store::evidence::speakers_page(&mut *conn, assembly_id, limit, offset).await?;
    Ok(LibraryLists {
        documents,
        speakers,
    })
}
