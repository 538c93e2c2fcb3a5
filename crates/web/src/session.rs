//! Signing in and out, and the first-run page that creates the first administrator.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::account::{DisplayName, Email, NewPassword, SignInMethod};
use serde::Deserialize;

use crate::auth::{SESSION_COOKIE, Viewer};
use crate::error::AppError;
use crate::security::{hash_password, random_token, set_cookie, token_hash, verify_password};
use crate::views::{Chrome, CodePage, LoginPage, SetupPage, render};
use crate::{AppState, now};

/// `GET /login`.
pub async fn login_form(Extension(viewer): Extension<Viewer>) -> Result<Response, AppError> {
    let c = Chrome::new(&viewer, viewer.lang.messages().login_title);
    render(
        StatusCode::OK,
        &LoginPage {
            c,
            error: None,
            email: String::new(),
        },
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

/// The throttle's three counters for one sign-in attempt (see [`store::auth::ThrottlePolicy`]), as hashes, so the
/// throttle table holds neither an address nor an email.
struct Attempt {
    keys: [String; 3],
}

/// How an attempt stands before its secret is checked.
enum Allowance {
    /// Over a limit: refused without checking anything.
    Refused,
    /// Within the limits; `last` when this is the last attempt of the account from this address in the window.
    Allowed { last: bool },
}

impl Attempt {
    fn new(kind: &str, email: &str, client: Option<std::net::IpAddr>) -> Attempt {
        let email = email.trim().to_lowercase();
        let client = client.map_or_else(|| "unknown".to_owned(), |address| address.to_string());
        Attempt {
            keys: [
                token_hash(&format!("{kind}:{email}|{client}")),
                token_hash(&format!("{kind}:{email}")),
                token_hash(&format!("{kind}-client:{client}")),
            ],
        }
    }

    /// Counts this attempt against all three keys, atomically, before any secret is checked.
    async fn count(&self, state: &AppState, now: i64) -> Result<Allowance, AppError> {
        let policy = state.config.throttle;
        let mut tx = state.store.begin().await?;
        let mut counts = [0; 3];
        for (count, key) in counts.iter_mut().zip(&self.keys) {
            *count = store::auth::count_attempt(&mut tx, key, now, policy.window_seconds).await?;
        }
        tx.commit().await?;
        let [pair, account, client] = counts;
        Ok(
            if pair > policy.per_client_account
                || account > policy.per_account
                || client > policy.per_client
            {
                Allowance::Refused
            } else {
                Allowance::Allowed {
                    last: pair == policy.per_client_account,
                }
            },
        )
    }

    /// Takes the attempt back after a success.
    async fn forgive(&self, conn: &mut store::AnyConnection) -> Result<(), AppError> {
        for key in &self.keys {
            store::auth::forgive_attempt(conn, key).await?;
        }
        Ok(())
    }
}

/// Opens a session for `account_id` and returns the `Set-Cookie` value.
pub(crate) async fn start_session(state: &AppState, account_id: i64) -> Result<String, AppError> {
    let token = random_token(32)?;
    let csrf = random_token(32)?;
    let now = now();
    let mut tx = state.store.begin().await?;
    store::auth::delete_expired_sessions(&mut tx, now).await?;
    store::auth::create_session(
        &mut tx,
        &token_hash(&token),
        account_id,
        &csrf,
        now,
        now + state.config.session_seconds,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_id, "signed in");
    Ok(set_cookie(
        SESSION_COOKIE,
        &token,
        state.config.session_seconds,
        state.config.secure_cookies,
    ))
}

fn login_page(
    viewer: &Viewer,
    status: StatusCode,
    error: &str,
    email: String,
) -> Result<Response, AppError> {
    let c = Chrome::new(viewer, viewer.lang.messages().login_title);
    render(
        status,
        &LoginPage {
            c,
            error: Some(error.to_owned()),
            email,
        },
    )
}

/// `POST /login`: checks the password, with throttling and temporary lockout kept in the database.
pub async fn login(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    if form.email.trim().is_empty() || form.password.is_empty() {
        let field = if form.email.trim().is_empty() {
            "email"
        } else {
            "password"
        };
        let error = domain::error::ValidationError::new(field, domain::error::Problem::Required);
        return login_page(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &m.describe(&error),
            form.email,
        );
    }
    let now = now();
    let attempt = Attempt::new("login", &form.email, viewer.client);
    let last = match attempt.count(&state, now).await? {
        Allowance::Refused => {
            tracing::info!("sign-in refused by the throttle");
            return login_page(
                &viewer,
                StatusCode::TOO_MANY_REQUESTS,
                m.login_locked,
                form.email,
            );
        }
        Allowance::Allowed { last } => last,
    };
    let mut connection = state.store.connection().await?;
    let account = match Email::parse(&form.email) {
        Ok(email) => store::accounts::account_by_email(&mut connection, email.as_str()).await?,
        Err(_) => None,
    };
    drop(connection);
    let stored_hash = account
        .as_ref()
        .and_then(|account| account.password_hash.clone());
    let verified = verify_password(form.password, stored_hash).await?;
    match account {
        Some(account) if verified => {
            let mut connection = state.store.connection().await?;
            attempt.forgive(&mut connection).await?;
            drop(connection);
            let cookie = start_session(&state, account.id).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
        }
        _ => {
            tracing::info!(locked = last, "failed sign-in");
            if last {
                login_page(
                    &viewer,
                    StatusCode::TOO_MANY_REQUESTS,
                    m.login_locked,
                    form.email,
                )
            } else {
                login_page(
                    &viewer,
                    StatusCode::UNAUTHORIZED,
                    m.login_failed,
                    form.email,
                )
            }
        }
    }
}

/// `POST /logout`: ends the session in the database and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    if let Some(hash) = &viewer.session_hash {
        let mut connection = state.store.connection().await?;
        store::auth::delete_session(&mut connection, hash).await?;
        tracing::info!(
            account_id = viewer.account.as_ref().map(|a| a.id),
            "signed out"
        );
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

async fn has_admin(state: &AppState) -> Result<bool, AppError> {
    let mut connection = state.store.connection().await?;
    Ok(store::accounts::count_admins(&mut connection).await? > 0)
}

/// `GET /setup`: the first-run form, while no administrator exists.
pub async fn setup_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    if has_admin(&state).await? {
        return login_page(&viewer, StatusCode::OK, m.setup_done, String::new());
    }
    let c = Chrome::new(&viewer, m.setup_title);
    render(
        StatusCode::OK,
        &SetupPage {
            c,
            errors: Vec::new(),
            email: String::new(),
            display_name: String::new(),
        },
    )
}

/// The first-run and account-creation form.
#[derive(Debug, Deserialize)]
pub struct NewAccountForm {
    /// Name.
    #[serde(default)]
    pub display_name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// `yes` to make a platform administrator (account page only).
    #[serde(default)]
    pub is_admin: Option<String>,
}

/// A validated new staff account.
pub(crate) struct ValidAccount {
    pub display_name: DisplayName,
    pub email: Email,
    pub password: NewPassword,
}

/// Validates every field and returns all the problems at once, as sentences in the viewer's language.
pub(crate) fn validate_account(
    form: &NewAccountForm,
    viewer: &Viewer,
) -> Result<ValidAccount, Vec<String>> {
    let m = viewer.lang.messages();
    let display_name = DisplayName::parse(&form.display_name);
    let email = Email::parse(&form.email);
    let password = NewPassword::parse(&form.password);
    match (display_name, email, password) {
        (Ok(display_name), Ok(email), Ok(password)) => Ok(ValidAccount {
            display_name,
            email,
            password,
        }),
        (display_name, email, password) => Err([display_name.err(), email.err(), password.err()]
            .into_iter()
            .flatten()
            .map(|error| m.describe(&error))
            .collect()),
    }
}

/// Creates a password account and its audit entry in one transaction.
pub(crate) async fn create_staff_account(
    store: &store::Store,
    actor: Option<i64>,
    account: &ValidAccount,
    is_admin: bool,
    only_if_no_admin: bool,
) -> Result<i64, AppError> {
    let hash = hash_password(account.password.expose().to_owned()).await?;
    let now = now();
    let mut tx = store.begin().await?;
    if only_if_no_admin && store::accounts::count_admins(&mut tx).await? > 0 {
        return Err(AppError::Conflict(
            "an administrator already exists".to_owned(),
        ));
    }
    let id = store::accounts::create_account(
        &mut tx,
        &store::accounts::NewAccount {
            email: &account.email,
            display_name: &account.display_name,
            sign_in_method: SignInMethod::Password,
            password_hash: Some(&hash),
            is_admin,
        },
        now,
    )
    .await?;
    let after = serde_json::json!({ "id": id, "is_admin": is_admin, "sign_in_method": "password" })
        .to_string();
    let entity = format!("account:{id}");
    store::audit::append(
        &mut tx,
        &store::audit::Change {
            actor_account_id: actor,
            action: "account.create",
            entity: &entity,
            before_json: None,
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_id = id, is_admin, "account created");
    Ok(id)
}

/// `POST /setup`: creates the first administrator and signs them in.
pub async fn setup(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Result<Form<NewAccountForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    if has_admin(&state).await? {
        return Err(AppError::Conflict(
            "an administrator already exists".to_owned(),
        ));
    }
    let account = match validate_account(&form, &viewer) {
        Ok(account) => account,
        Err(errors) => {
            let c = Chrome::new(&viewer, viewer.lang.messages().setup_title);
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetupPage {
                    c,
                    errors,
                    email: form.email,
                    display_name: form.display_name,
                },
            );
        }
    };
    let id = create_staff_account(&state.store, None, &account, true, true).await?;
    let cookie = start_session(&state, id).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
}

/// Creates a platform administrator from the command line (`klero admin create`).
/// Errors name the invalid field; an existing email is a conflict.
pub async fn create_administrator(
    store: &store::Store,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<i64, AppError> {
    let account = ValidAccount {
        display_name: DisplayName::parse(display_name)?,
        email: Email::parse(email)?,
        password: NewPassword::parse(password)?,
    };
    create_staff_account(store, None, &account, true, false).await
}

/// `GET /code`: the one-time code sign-in form for assembly members.
pub async fn code_form(Extension(viewer): Extension<Viewer>) -> Result<Response, AppError> {
    let c = Chrome::new(&viewer, viewer.lang.messages().code_title);
    render(
        StatusCode::OK,
        &CodePage {
            c,
            error: None,
            email: String::new(),
        },
    )
}

/// The one-time code sign-in form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// The one-time code.
    #[serde(default)]
    pub code: String,
}

fn code_page(
    viewer: &Viewer,
    status: StatusCode,
    error: &str,
    email: String,
) -> Result<Response, AppError> {
    let c = Chrome::new(viewer, viewer.lang.messages().code_title);
    render(
        status,
        &CodePage {
            c,
            error: Some(error.to_owned()),
            email,
        },
    )
}

/// `POST /code`: signs a member in with a one-time code (single use, expiring, throttled like passwords).
pub async fn code_login(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Result<Form<CodeForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    if form.email.trim().is_empty() || form.code.trim().is_empty() {
        let field = if form.email.trim().is_empty() {
            "email"
        } else {
            "code"
        };
        let error = domain::error::ValidationError::new(field, domain::error::Problem::Required);
        return code_page(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &m.describe(&error),
            form.email,
        );
    }
    let now = now();
    let attempt = Attempt::new("code", &form.email, viewer.client);
    let last = match attempt.count(&state, now).await? {
        Allowance::Refused => {
            tracing::info!("code sign-in refused by the throttle");
            return code_page(
                &viewer,
                StatusCode::TOO_MANY_REQUESTS,
                m.login_locked,
                form.email,
            );
        }
        Allowance::Allowed { last } => last,
    };
    let mut tx = state.store.begin().await?;
    let account = match Email::parse(&form.email) {
        Ok(email) => store::accounts::account_by_email(&mut tx, email.as_str()).await?,
        Err(_) => None,
    };
    let code = domain::account::OneTimeCode::parse(&form.code);
    // Codes open code-only member accounts and nothing else, whatever code someone holds for another account.
    let code_account = match &account {
        Some(account) => app::members::may_use_code(&mut tx, account).await?,
        None => false,
    };
    let signed_in = match (&account, &code) {
        (Some(account), Ok(code)) if code_account => {
            store::auth::consume_sign_in_code(
                &mut tx,
                account.id,
                &token_hash(code.canonical()),
                now,
            )
            .await?
        }
        _ => false,
    };
    match account {
        Some(account) if signed_in => {
            attempt.forgive(&mut tx).await?;
            tx.commit().await?;
            let cookie = start_session(&state, account.id).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/staff")).into_response())
        }
        _ => {
            drop(tx);
            tracing::info!(locked = last, "failed code sign-in");
            if last {
                code_page(
                    &viewer,
                    StatusCode::TOO_MANY_REQUESTS,
                    m.login_locked,
                    form.email,
                )
            } else {
                code_page(&viewer, StatusCode::UNAUTHORIZED, m.code_failed, form.email)
            }
        }
    }
}
