//! What machines and browsers fetch besides the pages: the stylesheet, the health checks, the audit log's signed
//! anchor, and the page for a path that is not a route.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::AppError;

/// `GET /static/style.css`: the one stylesheet, compiled into the binary.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
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
pub async fn audit_anchor_json(state: &AppState) -> Result<String, AppError> {
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
        retry_after_seconds: None,
    };
    crate::views::error_page(lang, StatusCode::NOT_FOUND, &details)
        .unwrap_or_else(|_| error.into_response())
}
