//! The evidence library and the speakers (issue 5, item 2): organisers file documents and speakers under agenda
//! topics, the balance view shows per topic which perspectives were heard (a bar chart from `charts`), the oversight
//! group comments on balance, and members' questions and speaker requests are listed.
//!
//! The public page shows the library, the speakers, the balance and members' questions without their authors
//! (the store's public query does not even read the author).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::error::{Problem, ValidationError};
use domain::permission::{Action, allowed};
use store::evidence::{NewEvidence, NewSpeaker};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::SessionMessages;
use crate::sessions::{Fields, SavedQuery, audit, describe_all, field, number, text};
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// A document as shown.
pub struct EvidenceView {
    /// The topic.
    pub topic: String,
    /// The title.
    pub title: String,
    /// The link.
    pub url: String,
    /// The plain-language summary.
    pub summary: String,
}

/// A speaker as shown, with the questions put to them.
pub struct SpeakerCard {
    /// The id.
    pub id: i64,
    /// Name and affiliation.
    pub name: String,
    /// The topic.
    pub topic: String,
    /// The declared perspective.
    pub perspective: String,
    /// The declared interests.
    pub interests: String,
    /// The session they speak at, as "title (date)", if known.
    pub session: String,
    /// Members' questions: (text, author's name for staff or empty).
    pub questions: Vec<(String, String)>,
}

/// The balance of one topic.
pub struct BalanceView {
    /// The topic.
    pub topic: String,
    /// (perspective, speakers).
    pub perspectives: Vec<(String, i64)>,
    /// The bar chart (a standalone SVG with a title and a description of all its data).
    pub chart_svg: String,
    /// The oversight group's comments on this topic: (date, text).
    pub comments: Vec<(String, String)>,
}

/// Everything both evidence pages show.
pub struct Library {
    /// The evidence.
    pub evidence: Vec<EvidenceView>,
    /// The speakers.
    pub speakers: Vec<SpeakerCard>,
    /// The balance per topic.
    pub balance: Vec<BalanceView>,
    /// Comments on topics without speakers yet: (topic, date, text).
    pub other_comments: Vec<(String, String, String)>,
}

async fn library(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    t: &SessionMessages,
    with_authors: bool,
) -> Result<Library, AppError> {
    let evidence = store::evidence::list_evidence(&mut *conn, assembly_id)
        .await?
        .into_iter()
        .map(|row| EvidenceView {
            topic: row.fields.topic,
            title: row.fields.title,
            url: row.fields.url,
            summary: row.fields.summary,
        })
        .collect();
    let questions = if with_authors {
        store::evidence::staff_questions(&mut *conn, assembly_id).await?
    } else {
        store::evidence::public_questions(&mut *conn, assembly_id).await?
    };
    let names = if with_authors {
        store::sessions::members_of(&mut *conn, assembly_id).await?
    } else {
        Vec::new()
    };
    let sessions = store::sessions::list_sessions(&mut *conn, assembly_id).await?;
    let speakers = store::evidence::list_speakers(&mut *conn, assembly_id)
        .await?
        .into_iter()
        .map(|row| SpeakerCard {
            id: row.id,
            session: row
                .fields
                .session_id
                .and_then(|id| sessions.iter().find(|session| session.id == id))
                .map(|session| format!("{} ({})", session.fields.title, session.fields.held_on))
                .unwrap_or_default(),
            name: row.fields.name,
            topic: row.fields.topic,
            perspective: row.fields.perspective,
            interests: row.fields.interests,
            questions: questions
                .iter()
                .filter(|question| question.speaker_id == row.id)
                .map(|question| {
                    let author = question
                        .account_id
                        .and_then(|id| names.iter().find(|(member, _)| *member == id))
                        .map(|(_, name)| name.clone())
                        .unwrap_or_default();
                    (question.body.clone(), author)
                })
                .collect(),
        })
        .collect();
    let comments = store::evidence::balance_comments(&mut *conn, assembly_id).await?;
    let balance_rows = store::evidence::balance(&mut *conn, assembly_id).await?;
    let mut balance = Vec::with_capacity(balance_rows.len());
    for row in balance_rows {
        let bars = row
            .perspectives
            .iter()
            .map(|(perspective, speakers)| charts::Bar::new(perspective, *speakers as f64))
            .collect::<Result<Vec<_>, _>>()
            .map_err(AppError::internal)?;
        let chart = charts::BarChart::new(&t.chart_title.replace("{topic}", &row.topic), bars)
            .map_err(AppError::internal)?
            .with_unit(t.chart_unit);
        balance.push(BalanceView {
            comments: comments
                .iter()
                .filter(|comment| comment.topic == row.topic)
                .map(|comment| (utc_date(comment.created_at), comment.body.clone()))
                .collect(),
            topic: row.topic,
            perspectives: row.perspectives,
            chart_svg: chart.to_svg(),
        });
    }
    let other_comments = comments
        .iter()
        .filter(|comment| !balance.iter().any(|view| view.topic == comment.topic))
        .map(|comment| {
            (
                comment.topic.clone(),
                utc_date(comment.created_at),
                comment.body.clone(),
            )
        })
        .collect();
    Ok(Library {
        evidence,
        speakers,
        balance,
        other_comments,
    })
}

/// The public page of the evidence library, the speakers and the balance.
#[derive(Template)]
#[template(path = "evidence_public.html")]
pub struct PublicEvidencePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static SessionMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The library.
    pub l: Library,
}

/// `GET /assemblies/{assembly_id}/evidence`: the public evidence library (members' questions without names).
pub async fn public_evidence(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let t = viewer.lang.messages().sess;
    let mut conn = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut conn, assembly_id).await?;
    let l = library(&mut conn, assembly_id, t, false).await?;
    drop(conn);
    render(
        StatusCode::OK,
        &PublicEvidencePage {
            c: Chrome::new(&viewer, t.evidence_title),
            t,
            assembly_id,
            assembly_title: record.title,
            l,
        },
    )
}

/// The staff page of the evidence library, with the forms.
#[derive(Template)]
#[template(path = "evidence_staff.html")]
pub struct StaffEvidencePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static SessionMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The library.
    pub l: Library,
    /// Members' speaker requests: (date, topic, text).
    pub requests: Vec<(String, String, String)>,
    /// The agenda topics.
    pub topics: Vec<String>,
    /// The sessions: (id, "title (date)").
    pub sessions: Vec<(i64, String)>,
    /// Whether the viewer may add evidence and speakers.
    pub can_manage: bool,
    /// Whether the viewer may comment on balance.
    pub can_comment: bool,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// Which form failed: `evidence`, `speaker` or `comment`.
    pub error_form: &'static str,
    /// The values typed in it.
    pub typed: Fields,
    /// Whether the last change was saved.
    pub saved: bool,
}

impl StaffEvidencePage {
    /// A typed value of the failed form `form`.
    pub fn typed(&self, form: &str, name: &str) -> &str {
        if form == self.error_form {
            field(&self.typed, name)
        } else {
            ""
        }
    }
}

/// What the staff page shows besides the library: the page as it stands (just saved or not), or one of its forms
/// refused, with the errors and what was typed.
enum StaffView {
    Shown {
        saved: bool,
    },
    Refused {
        form: &'static str,
        errors: Vec<String>,
        typed: Fields,
    },
}

async fn staff_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    view: StaffView,
) -> Result<Response, AppError> {
    let (status, errors, error_form, typed, saved) = match view {
        StaffView::Shown { saved } => (StatusCode::OK, Vec::new(), "", Fields::new(), saved),
        StaffView::Refused {
            form,
            errors,
            typed,
        } => (StatusCode::UNPROCESSABLE_ENTITY, errors, form, typed, false),
    };
    let t = viewer.lang.messages().sess;
    let mut conn = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut conn, assembly_id).await?;
    let l = library(&mut conn, assembly_id, t, true).await?;
    let requests = store::evidence::speaker_requests(&mut conn, assembly_id)
        .await?
        .into_iter()
        .map(|row| (utc_date(row.created_at), row.topic, row.body))
        .collect();
    let topics = store::sessions::topics(&mut conn, assembly_id).await?;
    let sessions = store::sessions::list_sessions(&mut conn, assembly_id)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.id,
                format!("{} ({})", row.fields.title, row.fields.held_on),
            )
        })
        .collect();
    drop(conn);
    render(
        status,
        &StaffEvidencePage {
            c: Chrome::new(viewer, t.evidence_title),
            t,
            assembly_id,
            assembly_title: record.title,
            l,
            requests,
            topics,
            sessions,
            can_manage: allowed(viewer.role, Action::ManageSessions),
            can_comment: allowed(viewer.role, Action::CommentOnBalance),
            errors,
            error_form,
            typed,
            saved,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/evidence`: the library with members' questions and requests, and the forms.
pub async fn staff_evidence(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    staff_page(
        &state,
        &viewer,
        assembly_id,
        StaffView::Shown {
            saved: query.saved.is_some(),
        },
    )
    .await
}

/// An `http://` or `https://` link without spaces.
fn link(fields: &Fields, name: &str) -> Result<String, ValidationError> {
    let url = text(fields, name, 2000)?;
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !url.chars().any(char::is_whitespace) => Ok(url),
        _ => Err(ValidationError::new(name, Problem::Malformed)),
    }
}

/// `POST /staff/assemblies/{assembly_id}/evidence`: adds a document to the library.
pub async fn add_evidence(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let parsed = (
        text(&fields, "evidence_topic", 100),
        text(&fields, "evidence_title", 300),
        link(&fields, "url"),
        text(&fields, "summary", 3000),
    );
    let new = match parsed {
        (Ok(topic), Ok(title), Ok(url), Ok(summary)) => NewEvidence {
            topic,
            title,
            url,
            summary,
        },
        (topic, title, url, summary) => {
            let errors = describe_all(
                &viewer,
                [topic.err(), title.err(), url.err(), summary.err()]
                    .into_iter()
                    .flatten(),
            );
            return staff_page(
                &state,
                &viewer,
                assembly_id,
                StaffView::Refused {
                    form: "evidence",
                    errors,
                    typed: fields,
                },
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = store::evidence::add_evidence(&mut tx, assembly_id, &new, now).await?;
    let entity = format!("assembly:{assembly_id}/evidence:{id}");
    audit(
        &mut tx,
        &viewer,
        "evidence.create",
        &entity,
        serde_json::json!({ "id": id, "topic": new.topic }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, evidence_id = id, "evidence added");
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/evidence?saved=1")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/speakers`: adds a speaker with their perspective and interests.
pub async fn add_speaker(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let session = if field(&fields, "speaker_session").trim().is_empty() {
        Ok(None)
    } else {
        number(&fields, "speaker_session", 1, i64::MAX).map(Some)
    };
    let parsed = (
        text(&fields, "speaker_name", 200),
        text(&fields, "speaker_topic", 100),
        text(&fields, "perspective", 100),
        text(&fields, "interests", 2000),
        session,
    );
    let new = match parsed {
        (Ok(name), Ok(topic), Ok(perspective), Ok(interests), Ok(session_id)) => NewSpeaker {
            name,
            topic,
            perspective,
            interests,
            session_id,
        },
        (name, topic, perspective, interests, session) => {
            let errors = describe_all(
                &viewer,
                [
                    name.err(),
                    topic.err(),
                    perspective.err(),
                    interests.err(),
                    session.err(),
                ]
                .into_iter()
                .flatten(),
            );
            return staff_page(
                &state,
                &viewer,
                assembly_id,
                StaffView::Refused {
                    form: "speaker",
                    errors,
                    typed: fields,
                },
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = match store::evidence::add_speaker(&mut tx, assembly_id, &new, now).await {
        Ok(id) => id,
        Err(store::StoreError::NotFound) if new.session_id.is_some() => {
            drop(tx);
            let errors = describe_all(
                &viewer,
                [ValidationError::new("speaker_session", Problem::Malformed)],
            );
            return staff_page(
                &state,
                &viewer,
                assembly_id,
                StaffView::Refused {
                    form: "speaker",
                    errors,
                    typed: fields,
                },
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    };
    let entity = format!("assembly:{assembly_id}/speaker:{id}");
    audit(
        &mut tx,
        &viewer,
        "speaker.create",
        &entity,
        serde_json::json!({ "id": id, "topic": new.topic, "perspective": new.perspective }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, speaker_id = id, "speaker added");
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/evidence?saved=1")).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/balance-comments`: the oversight group comments on a topic's balance.
pub async fn comment_on_balance(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<Fields>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    let account_id = viewer.account_id()?;
    let (topic, body) = match (
        text(&fields, "balance_topic", 100),
        text(&fields, "balance_comment", 2000),
    ) {
        (Ok(topic), Ok(body)) => (topic, body),
        (topic, body) => {
            let errors = describe_all(&viewer, [topic.err(), body.err()].into_iter().flatten());
            return staff_page(
                &state,
                &viewer,
                assembly_id,
                StaffView::Refused {
                    form: "comment",
                    errors,
                    typed: fields,
                },
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id =
        store::evidence::comment_on_balance(&mut tx, assembly_id, account_id, &topic, &body, now)
            .await?;
    let entity = format!("assembly:{assembly_id}/balance_comment:{id}");
    audit(
        &mut tx,
        &viewer,
        "balance_comment.create",
        &entity,
        serde_json::json!({ "id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, balance_comment_id = id, "balance comment");
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/evidence?saved=1")).into_response())
}
