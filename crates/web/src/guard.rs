//! The one middleware that guards every route ([`guard`]): it resolves who is asking and in which role, asks
//! [`allowed`], checks the CSRF token of every form post, picks the language, hands a [`Viewer`] to the handler,
//! and renders errors as HTML pages or JSON. [`RouteSpec`] is what the route table (`routes.rs`) tells it
//! about each route.

use axum::Extension;
use axum::body::Body;
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::permission::{Action, Role, allowed};

use crate::auth::{Account, CSRF_COOKIE, CSRF_FIELD, LANG_COOKIE, SESSION_COOKIE, Viewer};
use crate::error::{AppError, ErrorDetails, ErrorKind};
use crate::i18n::Lang;
use crate::security::{
    anonymous_csrf_token, constant_time_eq, cookie, is_anonymous_csrf_token, set_cookie, token_hash,
};
use crate::{AppState, now};

/// What a route serves, which decides how visitors are identified and how errors look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTML page or form post: session cookie, CSRF on POST, HTML errors.
    Page,
    /// The JSON API: `Authorization: Bearer` token only (cookies ignored, so no CSRF), JSON errors.
    Api,
    /// Health checks and static files: no identity at all.
    Asset,
}

/// One route: method, path (axum syntax), kind and the action it performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    /// The HTTP method.
    pub method: &'static str,
    /// The path, with `{assembly_id}`-style parameters.
    pub path: &'static str,
    /// How the route is served.
    pub kind: Kind,
    /// What it does, for the permission table.
    pub action: Action,
    /// Whether the route takes file uploads (`multipart/form-data`), so its body may be as large as
    /// [`crate::Config::upload_limit_bytes`] instead of [`crate::Config::body_limit_bytes`].
    pub upload: bool,
}

fn pick_lang(request: &Request, cookies: &str) -> (Lang, Option<Lang>) {
    let from_query = request.uri().query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("lang=").and_then(Lang::from_code))
    });
    if let Some(lang) = from_query {
        return (lang, Some(lang));
    }
    if let Some(lang) = cookie(cookies, LANG_COOKIE).and_then(Lang::from_code) {
        return (lang, None);
    }
    let accepted = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Lang::from_accept_language);
    (accepted.unwrap_or(Lang::En), None)
}

async fn load_account(state: &AppState, account_id: i64) -> Result<Option<Account>, AppError> {
    let mut connection = state.store.connection().await?;
    // A disabled account is nobody, whatever session or token it still holds.
    Ok(store::accounts::account_by_id(&mut connection, account_id)
        .await?
        .filter(|row| !row.disabled)
        .map(|row| Account {
            id: row.id,
            display_name: row.display_name,
            is_admin: row.is_admin,
        }))
}

async fn role_for(
    state: &AppState,
    account: Option<&Account>,
    assembly_id: Option<i64>,
) -> Result<Role, AppError> {
    let Some(account) = account else {
        return Ok(Role::Public);
    };
    if account.is_admin {
        return Ok(Role::Admin);
    }
    let mut connection = state.store.connection().await?;
    let role = match assembly_id {
        Some(assembly_id) => {
            store::accounts::role_in(&mut connection, account.id, assembly_id).await?
        }
        None => store::accounts::roles_of(&mut connection, account.id)
            .await?
            .into_iter()
            .map(|(_, role)| role)
            .max(),
    };
    Ok(role.unwrap_or(Role::Public))
}

/// The read-only value of the `csrf_token` field of a urlencoded body.
fn form_csrf_token(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body).ok()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == CSRF_FIELD).then(|| value.to_owned())
    })
}

/// The middleware around every route: identity, role, permission, CSRF, language, error pages.
pub async fn guard(
    State(state): State<AppState>,
    Extension(spec): Extension<RouteSpec>,
    params: Result<RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
    request: Request,
    next: Next,
) -> Response {
    let cookies = request
        .headers()
        .get(header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (lang, lang_to_remember) = pick_lang(&request, &cookies);
    let mut set_cookies: Vec<String> = Vec::new();
    if let Some(lang) = lang_to_remember {
        set_cookies.push(set_cookie(
            LANG_COOKIE,
            lang.code(),
            365 * 24 * 3600,
            state.config.secure_cookies,
        ));
    }
    let response = match check(
        &state,
        spec,
        params,
        request,
        next,
        &cookies,
        lang,
        &mut set_cookies,
    )
    .await
    {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    let mut response = finish(response, spec, lang);
    for value in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[allow(clippy::too_many_arguments)]
async fn check(
    state: &AppState,
    spec: RouteSpec,
    params: Result<RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
    request: Request,
    next: Next,
    cookies: &str,
    lang: Lang,
    set_cookies: &mut Vec<String>,
) -> Result<Response, AppError> {
    if spec.kind == Kind::Asset {
        return Ok(next.run(request).await);
    }
    let now = now();
    // Every `..._id` of a path is an integer: anything else names no object, so once the permission table has
    // allowed the request it is a 404 here (in the route's own format) rather than the extractor's plain-text 400.
    let mut bad_id = false;
    let assembly_id = match params {
        Ok(params) => {
            bad_id = params
                .iter()
                .any(|(name, raw)| name.ends_with("_id") && raw.parse::<i64>().is_err());
            match params.iter().find(|(name, _)| *name == "assembly_id") {
                Some((_, raw)) => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
                None => None,
            }
        }
        // A parameter that is not UTF-8 names no object either.
        Err(axum::extract::rejection::RawPathParamsRejection::InvalidUtf8InPathParam(_)) => {
            bad_id = true;
            None
        }
        Err(_) => None,
    };

    let mut account = None;
    let mut session_hash = None;
    let mut session_csrf = None;
    match spec.kind {
        Kind::Api => {
            let bearer = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .map(|value| value.strip_prefix("Bearer ").ok_or(AppError::Unauthorized))
                .transpose()?;
            if let Some(token) = bearer {
                let mut connection = state.store.connection().await?;
                let account_id =
                    store::auth::api_token_account(&mut connection, &token_hash(token.trim()), now)
                        .await?
                        .ok_or(AppError::Unauthorized)?;
                drop(connection);
                account = load_account(state, account_id).await?;
            }
        }
        Kind::Page => {
            if let Some(token) = cookie(cookies, SESSION_COOKIE) {
                let hash = token_hash(token);
                let mut connection = state.store.connection().await?;
                let live = store::auth::live_session(&mut connection, &hash, now).await?;
                drop(connection);
                if let Some(live) = live {
                    account = load_account(state, live.account_id).await?;
                    session_hash = Some(hash);
                    session_csrf = Some(live.csrf_token);
                } else {
                    set_cookies.push(set_cookie(
                        SESSION_COOKIE,
                        "",
                        0,
                        state.config.secure_cookies,
                    ));
                }
            }
        }
        Kind::Asset => {}
    }

    let role = role_for(state, account.as_ref(), assembly_id).await?;
    if !allowed(role, spec.action) {
        tracing::info!(account_id = account.as_ref().map(|a| a.id), role = role.as_str(), action = ?spec.action, "denied");
        return Err(if account.is_none() {
            AppError::Unauthorized
        } else {
            AppError::Forbidden
        });
    }
    if bad_id {
        return Err(AppError::NotFound);
    }

    let csrf = match (&session_csrf, cookie(cookies, CSRF_COOKIE)) {
        (Some(token), _) => token.clone(),
        // Only a token this server issued: a value planted in the cookie (from a sibling subdomain, say) with a
        // matching form field is replaced here, so the post that carries it is refused below.
        (None, Some(token)) if is_anonymous_csrf_token(&state.config.secret, token) => {
            token.to_owned()
        }
        _ => {
            let token = anonymous_csrf_token(&state.config.secret)?;
            if spec.kind == Kind::Page {
                set_cookies.push(set_cookie(
                    CSRF_COOKIE,
                    &token,
                    365 * 24 * 3600,
                    state.config.secure_cookies,
                ));
            }
            token
        }
    };

    let (mut parts, body) = request.into_parts();
    let body = if spec.kind == Kind::Page && parts.method == Method::POST {
        let limit = if spec.upload {
            state.config.upload_limit_bytes
        } else {
            state.config.body_limit_bytes
        };
        let bytes = axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| AppError::TooLarge)?;
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(crate::upload::boundary);
        let sent = match multipart {
            Some(boundary) if spec.upload => {
                crate::upload::csrf_field(bytes.clone(), &boundary, CSRF_FIELD).await
            }
            _ => form_csrf_token(&bytes),
        }
        .ok_or(AppError::Csrf)?;
        if !constant_time_eq(&sent, &csrf) {
            tracing::info!(
                account_id = account.as_ref().map(|a| a.id),
                "csrf token mismatch"
            );
            return Err(AppError::Csrf);
        }
        Body::from(bytes)
    } else {
        body
    };
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    let client = crate::security::client_address(peer, &forwarded, &state.config.trusted_proxies);
    parts.extensions.insert(Viewer {
        account,
        role,
        csrf,
        lang,
        session_hash,
        client,
    });
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// Turns error responses into HTML pages (page routes) and logs server errors.
fn finish(response: Response, spec: RouteSpec, lang: Lang) -> Response {
    let Some(details) = response.extensions().get::<ErrorDetails>().cloned() else {
        return response;
    };
    if let Some(cause) = &details.cause {
        tracing::error!(path = spec.path, error = %cause, "internal error");
    }
    if spec.kind != Kind::Page {
        return response;
    }
    if details.kind == ErrorKind::Unauthorized {
        return Redirect::to("/login").into_response();
    }
    let status = response.status();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let mut page = crate::views::error_page(lang, status, &details)
        .unwrap_or_else(|_| (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response());
    if let Some(value) = retry_after {
        page.headers_mut().insert(header::RETRY_AFTER, value);
    }
    page
}
