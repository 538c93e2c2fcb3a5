//! Public pages: the list of assemblies, an assembly's page with its design-comment form, and health checks.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::assembly::{CommentBody, CommentStatus};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::views::{
    AssemblyPage, AssemblyView, Chrome, CommentView, HomePage, SummaryView, render,
};
use crate::{AppState, now};

/// `GET /`: every assembly.
pub async fn home(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let rows = store::assemblies::list_assemblies(&mut connection).await?;
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().home_title);
    let assemblies = SummaryView::list(&rows, c.m);
    render(StatusCode::OK, &HomePage { c, assemblies })
}

/// Query of the public assembly page.
#[derive(Debug, Deserialize)]
pub struct AssemblyQuery {
    /// Set after a comment was sent, to thank the visitor.
    #[serde(default)]
    pub commented: Option<String>,
}

async fn assembly_page_with(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    thanks: bool,
    errors: Vec<String>,
    body: String,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let approved = store::comments::comments_with_status(
        &mut connection,
        assembly_id,
        CommentStatus::Approved,
    )
    .await?;
    let registered = store::recruitment::respondent_count(&mut connection, assembly_id).await?;
    drop(connection);
    let c = Chrome::new(viewer, record.title.clone());
    let a = AssemblyView::new(&record, c.m);
    render(
        status,
        &AssemblyPage {
            c,
            a,
            comments: CommentView::list(&approved),
            thanks,
            errors,
            body,
            registered,
        },
    )
}

/// `GET /assemblies/{assembly_id}`: the public page of an assembly.
pub async fn assembly_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<AssemblyQuery>,
) -> Result<Response, AppError> {
    assembly_page_with(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        query.commented.is_some(),
        Vec::new(),
        String::new(),
    )
    .await
}

/// The design-comment form.
#[derive(Debug, Deserialize)]
pub struct CommentForm {
    /// The comment.
    #[serde(default)]
    pub body: String,
}

/// Stores a pending comment and its audit entry in one transaction.
pub(crate) async fn add_comment(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    body: &CommentBody,
) -> Result<i64, AppError> {
    let mut tx = state.store.begin().await?;
    let now = now();
    let comment_id = store::comments::add_comment(&mut tx, assembly_id, body, now).await?;
    let after =
        serde_json::json!({ "id": comment_id, "assembly_id": assembly_id, "status": "pending" })
            .to_string();
    let entity = format!("comment:{comment_id}");
    store::audit::append(
        &mut tx,
        &store::audit::Change {
            actor_account_id: viewer.account.as_ref().map(|account| account.id),
            action: "comment.create",
            entity: &entity,
            before_json: None,
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, comment_id, "design comment received");
    Ok(comment_id)
}

/// `POST /assemblies/{assembly_id}/comments`: a public comment on the process design, held for moderation.
pub async fn post_comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<CommentForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    match CommentBody::parse(&form.body) {
        Ok(body) => {
            add_comment(&state, &viewer, assembly_id, &body).await?;
            Ok(Redirect::to(&format!(
                "/assemblies/{assembly_id}?commented=1#comments-heading"
            ))
            .into_response())
        }
        Err(error) => {
            let message = viewer.lang.messages().describe(&error);
            assembly_page_with(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                vec![message],
                form.body,
            )
            .await
        }
    }
}

/// `GET /static/style.css`: the one stylesheet, compiled into the binary.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

/// `GET /healthz`: the process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /audit/anchor`: the audit log's anchor, for anyone to save and check later with
/// `klero audit verify --anchor FILE --public-key KEY`: the number of entries, the last entry's hash, and an Ed25519
/// signature of both under a key derived from the server secret (never in the database), with its public key.
/// A log rewritten or cut afterwards by someone who can write the database no longer holds a saved anchor.
pub async fn audit_anchor(State(state): State<AppState>) -> Result<Response, AppError> {
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        audit_anchor_json(&state).await?,
    )
        .into_response())
}

/// The audit log's anchor as JSON (also printed in the final report).
pub(crate) async fn audit_anchor_json(state: &AppState) -> Result<String, AppError> {
    let mut connection = state.store.connection().await?;
    let (entries, head) = store::audit::head(&mut connection).await?;
    drop(connection);
    let signer = state.config.secret.audit_signer();
    let signed = store::audit::anchor_message(entries, &head);
    Ok(serde_json::json!({
        "entries": entries,
        "head": head,
        "signed": signed,
        "signature": signer.sign_hex(signed.as_bytes()),
        "public_key": signer.public_key_hex(),
    })
    .to_string())
}

/// Any path that is not a route: JSON under `/api/`, otherwise an HTML page in the visitor's language.
pub async fn not_found(uri: axum::http::Uri, headers: axum::http::HeaderMap) -> Response {
    let error = AppError::NotFound;
    if uri.path().starts_with("/api/") {
        return error.into_response();
    }
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    };
    let lang = crate::security::cookie(header(header::COOKIE), crate::auth::LANG_COOKIE)
        .and_then(crate::i18n::Lang::from_code)
        .or_else(|| crate::i18n::Lang::from_accept_language(header(header::ACCEPT_LANGUAGE)))
        .unwrap_or(crate::i18n::Lang::En);
    let details = crate::error::ErrorDetails {
        kind: crate::error::ErrorKind::NotFound,
        message: error.to_string(),
        field: None,
        cause: None,
    };
    crate::views::error_page(lang, StatusCode::NOT_FOUND, &details)
        .unwrap_or_else(|_| error.into_response())
}
