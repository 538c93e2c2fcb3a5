//! The route table and the one middleware that guards every route.
//!
//! [`routes`] lists every route with its method, path, kind and [`Action`]; [`router`] builds the axum router
//! from it and [`route_specs`] gives the same list to tests, so no route can escape the permission walk.
//! The middleware ([`guard`]) resolves who is asking and in which role, asks [`allowed`], checks the CSRF token
//! of every form post, picks the language, and renders errors as HTML pages or JSON.

use axum::body::Body;
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post, put};
use axum::{Extension, Router};
use domain::permission::{Action, Role, allowed};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::{AppError, ErrorDetails, ErrorKind};
use crate::i18n::Lang;
use crate::security::{constant_time_eq, cookie, random_token, set_cookie, token_hash};
use crate::{
    AppState, api, deliberation, evidence, impact, members, now, panel, public, recruitment,
    selection, session, sessions, staff, tables,
};

/// The session cookie (holds a random token; the database stores its hash).
pub const SESSION_COOKIE: &str = "klero_session";
/// The CSRF cookie of visitors without a session (double-submit).
pub const CSRF_COOKIE: &str = "klero_csrf";
/// The language cookie.
pub const LANG_COOKIE: &str = "klero_lang";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

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

/// The account behind a request, as far as handlers need it.
#[derive(Debug, Clone)]
pub struct Account {
    /// The id.
    pub id: i64,
    /// The display name (personal data: render it, never log it).
    pub display_name: String,
    /// Whether the account is a platform administrator.
    pub is_admin: bool,
}

/// Who is asking, resolved by the middleware and handed to every handler.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The signed-in account (session or API token), if any.
    pub account: Option<Account>,
    /// The role for this route: in the assembly of the path, or the highest anywhere for platform pages.
    pub role: Role,
    /// The CSRF token to put in forms.
    pub csrf: String,
    /// The interface language.
    pub lang: Lang,
    /// The hash of the session token, for logout.
    pub session_hash: Option<String>,
    /// The client's address ([`crate::security::client_address`]): for rate limits and the throttle only, never logged.
    pub client: Option<std::net::IpAddr>,
}

impl Viewer {
    /// The signed-in account's id, or 401.
    pub fn account_id(&self) -> Result<i64, AppError> {
        self.account
            .as_ref()
            .map(|account| account.id)
            .ok_or(AppError::Unauthorized)
    }
}

fn spec(method: &'static str, path: &'static str, kind: Kind, action: Action) -> RouteSpec {
    RouteSpec {
        method,
        path,
        kind,
        action,
        upload: false,
    }
}

/// Every route of the server with its handler. Add new routes here and nowhere else.
#[rustfmt::skip] // One route per line reads as a table.
pub fn routes() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use Action::*;
    use Kind::*;
    vec![
        (spec("GET", "/", Page, ViewPublic), get(public::home)),
        (spec("GET", "/assemblies/{assembly_id}", Page, ViewPublic), get(public::assembly_page)),
        (spec("POST", "/assemblies/{assembly_id}/comments", Page, CommentOnDesign), post(public::post_comment)),
        (spec("GET", "/assemblies/{assembly_id}/register", Page, Register), get(recruitment::register_form)),
        (spec("POST", "/assemblies/{assembly_id}/register", Page, Register), post(recruitment::register)),
        (spec("GET", "/assemblies/{assembly_id}/r/{code}", Page, Register), get(recruitment::register_with_code)),
        (spec("GET", "/assemblies/{assembly_id}/registered", Page, Register), get(recruitment::registered)),
        (spec("GET", "/assemblies/{assembly_id}/selection", Page, ViewPublic), get(selection::public_selection)),
        (spec("GET", "/assemblies/{assembly_id}/selection/{run_id}/{file}", Page, ViewPublic), get(selection::public_file)),
        (spec("GET", "/login", Page, Authenticate), get(session::login_form)),
        (spec("POST", "/login", Page, Authenticate), post(session::login)),
        (spec("POST", "/logout", Page, Authenticate), post(session::logout)),
        (spec("GET", "/code", Page, Authenticate), get(session::code_form)),
        (spec("POST", "/code", Page, Authenticate), post(session::code_login)),
        (spec("GET", "/setup", Page, Authenticate), get(session::setup_form)),
        (spec("POST", "/setup", Page, Authenticate), post(session::setup)),
        (spec("GET", "/staff", Page, ViewDashboard), get(staff::dashboard)),
        (spec("GET", "/staff/assemblies/new", Page, CreateAssembly), get(staff::new_assembly_form)),
        (spec("POST", "/staff/assemblies", Page, CreateAssembly), post(staff::create_assembly)),
        (spec("GET", "/staff/assemblies/{assembly_id}", Page, ViewWorkspace), get(staff::workspace)),
        (spec("GET", "/staff/assemblies/{assembly_id}/edit", Page, EditAssembly), get(staff::edit_assembly_form)),
        (spec("POST", "/staff/assemblies/{assembly_id}", Page, EditAssembly), post(staff::update_assembly)),
        (spec("POST", "/staff/assemblies/{assembly_id}/roles", Page, AssignRoles), post(staff::assign_role)),
        (spec("POST", "/staff/assemblies/{assembly_id}/members", Page, AssignRoles), post(staff::add_member)),
        (spec("GET", "/staff/assemblies/{assembly_id}/comments", Page, ViewModerationQueue), get(staff::moderation_queue)),
        (spec("POST", "/staff/assemblies/{assembly_id}/comments/{comment_id}", Page, ModerateComments), post(staff::moderate_comment)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations", Page, ManageRecruitment), get(recruitment::lottery)),
        (upload(spec("POST", "/staff/assemblies/{assembly_id}/invitations", Page, ManageRecruitment)), post(recruitment::run_draw)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations/letters", Page, ManageRecruitment), get(recruitment::letters)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations/mail-merge.csv", Page, ManageRecruitment), get(recruitment::mail_merge)),
        (spec("GET", "/staff/assemblies/{assembly_id}/respondents", Page, ViewRecruitment), get(recruitment::respondents)),
        (spec("GET", "/staff/assemblies/{assembly_id}/respondents.csv", Page, ManageRecruitment), get(recruitment::export_respondents)),
        (spec("POST", "/staff/assemblies/{assembly_id}/respondents", Page, ViewRecruitment), post(recruitment::search_respondents)),
        (spec("POST", "/staff/assemblies/{assembly_id}/respondents/{respondent_id}/status", Page, ManageRecruitment), post(recruitment::change_status)),
        (upload(spec("POST", "/staff/assemblies/{assembly_id}/respondents/import", Page, ManageRecruitment)), post(recruitment::import_respondents)),
        (spec("GET", "/staff/assemblies/{assembly_id}/quotas", Page, ManageRecruitment), get(selection::quotas)),
        (spec("POST", "/staff/assemblies/{assembly_id}/quotas", Page, ManageRecruitment), post(selection::save_quotas)),
        (spec("GET", "/staff/assemblies/{assembly_id}/selection", Page, ManageRecruitment), get(selection::selection)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/test-runs", Page, ManageRecruitment), post(selection::start_test_run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/commitments", Page, ManageRecruitment), post(selection::commit_final_run)),
        (spec("GET", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}", Page, ManageRecruitment), get(selection::run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}/draw", Page, ManageRecruitment), post(selection::draw_committed_run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}/cancel", Page, ManageRecruitment), post(selection::cancel_run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}/resume", Page, ManageRecruitment), post(selection::resume_run)),
        (spec("GET", "/staff/assemblies/{assembly_id}/respondents/phone", Page, ManageRecruitment), get(members::phone_form)),
        (spec("POST", "/staff/assemblies/{assembly_id}/respondents/phone", Page, ManageRecruitment), post(members::phone_register)),
        (spec("GET", "/assemblies/{assembly_id}/scorecard", Page, ViewPublic), get(impact::scorecard_page)),
        (spec("GET", "/assemblies/{assembly_id}/scorecard.svg", Page, ViewPublic), get(impact::scorecard_svg)),
        (spec("GET", "/assemblies/{assembly_id}/scorecard.csv", Page, ViewPublic), get(impact::scorecard_csv)),
        (spec("GET", "/assemblies/{assembly_id}/scorecard.json", Page, ViewPublic), get(impact::scorecard_json)),
        (spec("GET", "/assemblies/{assembly_id}/evaluation", Page, ViewPublic), get(impact::evaluation)),
        (spec("GET", "/assemblies/{assembly_id}/survey", Page, AnswerPublicSurvey), get(impact::public_survey)),
        (spec("POST", "/assemblies/{assembly_id}/survey", Page, AnswerPublicSurvey), post(impact::answer_public_survey)),
        (spec("GET", "/staff/assemblies/{assembly_id}/impact", Page, ViewImpact), get(impact::list)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/settings", Page, ManageImpact), post(impact::save_settings)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations", Page, ManageImpact), post(impact::add_recommendation)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/import", Page, ManageImpact), post(impact::import)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/advocate", Page, Advocate), post(impact::set_advocate)),
        (spec("GET", "/staff/assemblies/{assembly_id}/impact/survey", Page, Advocate), get(impact::member_survey)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/survey", Page, Advocate), post(impact::answer_member_survey)),
        (spec("GET", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}", Page, ViewImpact), get(impact::detail)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/response", Page, RespondToRecommendations), post(impact::record_response)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/milestones", Page, RespondToRecommendations), post(impact::add_milestone)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/fidelity", Page, JudgeFidelity), post(impact::judge_fidelity)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/tactics", Page, PlanStrategy), post(impact::add_tactic)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/allies", Page, PlanStrategy), post(impact::add_ally)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/actors", Page, PlanStrategy), post(impact::add_actor)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/material", Page, ManageImpact), post(impact::add_material)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/actions", Page, Advocate), post(impact::log_action)),
        (spec("GET", "/assemblies/{assembly_id}/evidence", Page, ViewPublic), get(evidence::public_evidence)),
        (spec("GET", "/assemblies/{assembly_id}/mine", Page, ViewMyAssembly), get(sessions::mine)),
        (spec("POST", "/assemblies/{assembly_id}/questions", Page, AskSpeakers), post(sessions::ask_question)),
        (spec("POST", "/assemblies/{assembly_id}/speaker-requests", Page, AskSpeakers), post(sessions::request_speaker)),
        (spec("GET", "/staff/assemblies/{assembly_id}/sessions", Page, ViewSessions), get(sessions::sessions)),
        (spec("POST", "/staff/assemblies/{assembly_id}/sessions", Page, ManageSessions), post(sessions::create_session)),
        (spec("POST", "/staff/assemblies/{assembly_id}/sessions/{session_id}/agenda", Page, ManageSessions), post(sessions::add_agenda_item)),
        (spec("GET", "/staff/assemblies/{assembly_id}/sessions/{session_id}/attendance", Page, TakeAttendance), get(sessions::attendance)),
        (spec("POST", "/staff/assemblies/{assembly_id}/sessions/{session_id}/attendance", Page, TakeAttendance), post(sessions::record_attendance)),
        (spec("GET", "/staff/assemblies/{assembly_id}/evidence", Page, ViewSessions), get(evidence::staff_evidence)),
        (spec("POST", "/staff/assemblies/{assembly_id}/evidence", Page, ManageSessions), post(evidence::add_evidence)),
        (spec("POST", "/staff/assemblies/{assembly_id}/speakers", Page, ManageSessions), post(evidence::add_speaker)),
        (spec("POST", "/staff/assemblies/{assembly_id}/balance-comments", Page, CommentOnBalance), post(evidence::comment_on_balance)),
        (spec("GET", "/staff/assemblies/{assembly_id}/tables", Page, ViewTables), get(tables::tables_view)),
        (spec("POST", "/staff/assemblies/{assembly_id}/tables", Page, ManageTables), post(tables::allocate)),
        (spec("POST", "/staff/assemblies/{assembly_id}/tables/swap", Page, ManageTables), post(tables::swap)),
        (spec("POST", "/staff/assemblies/{assembly_id}/tables/pins", Page, ManageTables), post(tables::pin)),
        (spec("POST", "/staff/assemblies/{assembly_id}/features", Page, ManageTables), post(tables::set_features)),
        (spec("GET", "/staff/assemblies/{assembly_id}/deliberation", Page, ViewDeliberation), get(deliberation::deliberation)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals", Page, DraftProposals), post(deliberation::create_proposal)),
        (spec("GET", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}", Page, ViewDeliberation), get(deliberation::proposal)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/amendments", Page, DraftProposals), post(deliberation::propose_amendment)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/amendments/{amendment_id}", Page, DraftProposals), post(deliberation::decide_amendment)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/comments", Page, DraftProposals), post(deliberation::comment)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/minority-report", Page, DraftProposals), post(deliberation::proposal_minority_report)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/recommendation", Page, AdoptRecommendations), post(deliberation::adopt)),
        (spec("POST", "/staff/assemblies/{assembly_id}/deliberation/recommendations/{recommendation_id}/minority-report", Page, DraftProposals), post(deliberation::recommendation_minority_report)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots", Page, ManageBallots), post(deliberation::create_ballot)),
        (spec("GET", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}", Page, ViewDeliberation), get(deliberation::ballot)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/open", Page, ManageBallots), post(deliberation::open_ballot)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/close", Page, ManageBallots), post(deliberation::close_ballot)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/vote", Page, Vote), post(deliberation::vote)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/paper", Page, EnterPaperBallots), post(deliberation::enter_paper)),
        (spec("GET", "/assemblies/{assembly_id}/report", Page, ViewPublic), get(deliberation::report)),
        (spec("GET", "/staff/assemblies/{assembly_id}/panel", Page, ManageRecruitment), get(panel::panel)),
        (spec("POST", "/staff/assemblies/{assembly_id}/panel/{respondent_id}/status", Page, ManageRecruitment), post(panel::record)),
        (spec("POST", "/staff/assemblies/{assembly_id}/panel/replacements", Page, ManageRecruitment), post(panel::commit_replacement)),
        (spec("GET", "/staff/accounts", Page, ManageAccounts), get(staff::accounts)),
        (spec("POST", "/staff/accounts", Page, ManageAccounts), post(staff::create_account)),
        (spec("GET", "/staff/tokens", Page, ManageOwnTokens), get(staff::tokens)),
        (spec("POST", "/staff/tokens", Page, ManageOwnTokens), post(staff::create_token)),
        (spec("POST", "/staff/tokens/{token_id}/revoke", Page, ManageOwnTokens), post(staff::revoke_token)),
        (spec("GET", "/staff/audit", Page, ViewAuditLog), get(staff::audit_log)),
        (spec("GET", "/static/style.css", Asset, ViewPublic), get(public::stylesheet)),
        (spec("GET", "/healthz", Asset, ViewPublic), get(public::healthz)),
        (spec("GET", "/readyz", Asset, ViewPublic), get(public::readyz)),
        (spec("GET", "/audit/anchor", Asset, ViewPublic), get(public::audit_anchor)),
        (spec("GET", "/api/openapi.json", Api, ViewPublic), get(api::openapi)),
        (spec("GET", "/api/v1/assemblies", Api, ViewPublic), get(api::list_assemblies)),
        (spec("POST", "/api/v1/assemblies", Api, CreateAssembly), post(api::create_assembly)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}", Api, ViewPublic), get(api::get_assembly)),
        (spec("PUT", "/api/v1/assemblies/{assembly_id}", Api, EditAssembly), put(api::update_assembly)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/comments", Api, ViewPublic), get(api::list_comments)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/comments", Api, CommentOnDesign), post(api::post_comment)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/ballots/{ballot_id}", Api, ViewDeliberation), get(deliberation::api_ballot)),
    ]
}

/// A route that takes file uploads (see [`RouteSpec::upload`]).
fn upload(spec: RouteSpec) -> RouteSpec {
    RouteSpec {
        upload: true,
        ..spec
    }
}

/// The route table without handlers, for tests and the OpenAPI document.
pub fn route_specs() -> Vec<RouteSpec> {
    routes().into_iter().map(|(spec, _)| spec).collect()
}

/// Builds the router: every route wrapped in [`guard`], then the body limit and request tracing.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (spec, handler) in routes() {
        let mut guarded = handler
            .route_layer(from_fn_with_state(state.clone(), guard))
            .route_layer(Extension(spec));
        if spec.upload {
            // Inside the router-wide limit below, so it wins for this route.
            guarded = guarded.route_layer(axum::extract::DefaultBodyLimit::max(
                state.config.upload_limit_bytes,
            ));
        }
        router = router.route(spec.path, guarded);
    }
    let body_limit = state.config.body_limit_bytes;
    let security_headers = [
        // Only our own resources (the pages use no JavaScript at all, and images may be inline data), no framing,
        // forms post only here. The browser tests inject axe-core through the DevTools protocol, which this allows.
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    let mut router = router
        .fallback(public::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(body_limit));
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router.layer(TraceLayer::new_for_http()).with_state(state)
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
    Ok(store::accounts::account_by_id(&mut connection, account_id)
        .await?
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
    let assembly_id = match params {
        Ok(params) => match params.iter().find(|(name, _)| *name == "assembly_id") {
            Some((_, raw)) => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
            None => None,
        },
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
                    store::auth::api_token_account(&mut connection, &token_hash(token.trim()))
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

    let csrf = match (&session_csrf, cookie(cookies, CSRF_COOKIE)) {
        (Some(token), _) => token.clone(),
        (None, Some(token)) if token.len() == 64 => token.to_owned(),
        _ => {
            let token = random_token(32)?;
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
    crate::views::error_page(lang, status, &details)
        .unwrap_or_else(|_| (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response())
}
