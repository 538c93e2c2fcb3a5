//! From respondent to member (issue 4, items 2 and 6): the registration confirmation email, staff registration of
//! someone who phones in, and what happens when a respondent is confirmed.
//!
//! [`admit`] runs inside [`crate::recruitment::apply_status_change`], in the caller's transaction, whenever a
//! respondent moves to `confirmed`: it creates a one-time-code account (or links the account that already has the
//! email), gives it the Member role, copies the respondent's feature values with
//! [`store::seating::set_member_features`], links the respondent to it and issues a one-time sign-in code (random,
//! stored as a hash, expiring, single use; `/code` throttles attempts like the password login).
//! The code leaves the server only after the transaction committed: a spawned task waits until the code's row is
//! visible (it never appears if the transaction rolled back) and emails it in the member's language; without an
//! SMTP relay, the confirming page shows it to the organiser once ([`take_issued_codes`]), never in a URL or log.
//! Leaving `confirmed` (withdrawn, replaced) or erasure ends the membership ([`leave`]); erasure also anonymises a
//! member account that has no other role (see [`store::members::end_membership`]).

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::permission::Role;
use serde::Deserialize;
use store::recruitment::RespondentRow;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::i18n::members::MemberMessages;
use crate::mail::Message;
use crate::recruitment::{AGE_BANDS, GENDERS, OptionView, QuestionView, RegisterForm};
use crate::security::token_hash;
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// How long a new member's sign-in code stays valid.
pub const MEMBER_CODE_SECONDS: i64 = 14 * 24 * 3600;
/// How long the delivery task waits for the confirming transaction to commit.
const COMMIT_WAIT: Duration = Duration::from_secs(30);
/// How long an issued code waits to be shown on the confirming page.
const SHOW_WINDOW: Duration = Duration::from_secs(120);

/// A sign-in code just issued to a new member, to show once to the organiser who confirmed them.
#[derive(Clone)]
pub struct IssuedCode {
    /// The respondent.
    pub respondent_id: i64,
    /// The member account.
    pub account_id: i64,
    /// The member's name (personal data: shown to the organiser, never logged).
    pub name: String,
    /// The code, as printed (`XXXX-XXXX-XXXX`).
    pub code: String,
    /// The last day it works.
    pub expires_on: String,
}

impl std::fmt::Debug for IssuedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCode")
            .field("respondent_id", &self.respondent_id)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// Codes issued in a transaction, waiting for the confirming handler to show them after its commit.
/// Process-local on purpose: the handler that confirms is the one that shows, within one request.
struct Waiting {
    actor: Option<i64>,
    at: Instant,
    code_hash: String,
    issued: IssuedCode,
}

fn waiting() -> &'static Mutex<Vec<Waiting>> {
    static WAITING: OnceLock<Mutex<Vec<Waiting>>> = OnceLock::new();
    WAITING.get_or_init(|| Mutex::new(Vec::new()))
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(&format!("{{{key}}}"), value)
        })
}

/// Emails the registration confirmation in `lang` (after the registration committed; never fails the caller).
pub(crate) async fn send_registration_email(
    state: &AppState,
    assembly_id: i64,
    respondent_id: i64,
    email: &str,
    lang: Lang,
) {
    let title = match state.store.connection().await {
        Ok(mut connection) => store::assemblies::get_assembly(&mut connection, assembly_id)
            .await
            .map(|record| record.title)
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    let name = match state.store.connection().await {
        Ok(mut connection) => {
            store::recruitment::respondent(&mut connection, assembly_id, respondent_id)
                .await
                .map(|row| row.full_name)
                .unwrap_or_default()
        }
        Err(_) => String::new(),
    };
    let t = lang.t::<MemberMessages>();
    let pairs = [("title", title.as_str()), ("name", name.as_str())];
    let message = Message {
        to: email.to_owned(),
        subject: fill(t.registration_subject, &pairs),
        body: fill(t.registration_body, &pairs),
    };
    crate::mail::dispatch(state, "registration", Some(respondent_id), message);
}

fn audit_change<'a>(
    viewer: &Viewer,
    action: &'a str,
    entity: &'a str,
    after: &'a str,
) -> store::audit::Change<'a> {
    store::audit::Change {
        actor_account_id: viewer.account.as_ref().map(|account| account.id),
        action,
        entity,
        before_json: None,
        after_json: Some(after),
    }
}

/// Makes a confirmed respondent a member, in the caller's transaction (see the module documentation).
/// A 409 if the email belongs to an account with another role in this assembly (an organiser's own address).
pub(crate) async fn admit(
    tx: &mut store::Tx,
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    row: &RespondentRow,
    now: i64,
) -> Result<(), AppError> {
    let t = viewer.lang.t::<MemberMessages>();
    let record = store::members::registration_record(tx, assembly_id, row.id).await?;
    let email = domain::account::Email::parse(&row.email).map_err(AppError::internal)?;
    let existing = match record.account_id {
        Some(id) => store::accounts::account_by_id(tx, id).await?,
        None => store::accounts::account_by_email(tx, email.as_str()).await?,
    };
    // An account that existed before is never given a code that someone else sees: only a code-only member
    // account may have one at all (an administrator's or a staff member's email gives a 409), and its code goes
    // by email to the account's own address, never onto the organiser's page.
    let (account_id, created, to) = match existing {
        Some(account) => {
            if !may_use_code(tx, &account).await? {
                return Err(AppError::BadInput {
                    status: StatusCode::CONFLICT,
                    message: t.err_other_role.to_owned(),
                });
            }
            (account.id, false, account.email)
        }
        None => {
            let name: String = row.full_name.chars().take(100).collect();
            let display_name =
                domain::account::DisplayName::parse(&name).map_err(AppError::internal)?;
            let id = store::accounts::create_account(
                tx,
                &store::accounts::NewAccount {
                    email: &email,
                    display_name: &display_name,
                    sign_in_method: domain::account::SignInMethod::OneTimeCode,
                    password_hash: None,
                    is_admin: false,
                },
                now,
            )
            .await?;
            let after = serde_json::json!({ "id": id, "is_admin": false, "sign_in_method": "one_time_code", "respondent_id": row.id }).to_string();
            store::audit::append(
                tx,
                &audit_change(viewer, "account.create", &format!("account:{id}"), &after),
                now,
            )
            .await?;
            (id, true, row.email.clone())
        }
    };
    match store::accounts::role_in(tx, account_id, assembly_id).await? {
        Some(Role::Member) => {}
        Some(_) => {
            return Err(AppError::BadInput {
                status: StatusCode::CONFLICT,
                message: t.err_other_role.to_owned(),
            });
        }
        None => {
            store::accounts::set_role(tx, assembly_id, account_id, Role::Member).await?;
            let after = serde_json::json!({ "role": "member" }).to_string();
            store::audit::append(
                tx,
                &audit_change(
                    viewer,
                    "role.assign",
                    &format!("assembly:{assembly_id}/account:{account_id}"),
                    &after,
                ),
                now,
            )
            .await?;
        }
    }
    let answers: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.features_json).unwrap_or_default();
    let features: std::collections::BTreeMap<String, String> = answers
        .into_iter()
        .filter_map(|(name, value)| value.as_str().map(|value| (name, value.to_owned())))
        .collect();
    store::seating::set_member_features(tx, assembly_id, account_id, &features, now).await?;
    store::selection::link_account(tx, assembly_id, row.id, account_id).await?;
    // Feature names only: the values are demographics.
    let after = serde_json::json!({
        "respondent_id": row.id,
        "account_id": account_id,
        "features": features.keys().collect::<Vec<_>>(),
    })
    .to_string();
    store::audit::append(
        tx,
        &audit_change(
            viewer,
            "respondent.member",
            &format!("respondent:{}", row.id),
            &after,
        ),
        now,
    )
    .await?;

    let code = domain::account::OneTimeCode::from_random(crate::security::random_bytes()?);
    let code_hash = token_hash(code.canonical());
    let expires_at = now + MEMBER_CODE_SECONDS;
    let code_id =
        store::auth::create_sign_in_code(tx, account_id, &code_hash, now, expires_at).await?;
    let after =
        serde_json::json!({ "expires_at": expires_at, "respondent_id": row.id }).to_string();
    store::audit::append(
        tx,
        &audit_change(
            viewer,
            "sign_in_code.issue",
            &format!("account:{account_id}/sign_in_code:{code_id}"),
            &after,
        ),
        now,
    )
    .await?;

    let issued = IssuedCode {
        respondent_id: row.id,
        account_id,
        name: row.full_name.clone(),
        code: code.display(),
        expires_on: utc_date(expires_at),
    };
    let lang = Lang::from_code(&record.lang).unwrap_or(Lang::En);
    let title = store::assemblies::get_assembly(tx, assembly_id)
        .await?
        .title;
    if state.config.mail.is_none() && created {
        let mut waiting = waiting()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        waiting.retain(|entry| entry.at.elapsed() < SHOW_WINDOW);
        waiting.push(Waiting {
            actor: viewer.account.as_ref().map(|account| account.id),
            at: Instant::now(),
            code_hash: code_hash.clone(),
            issued: issued.clone(),
        });
    }
    deliver_after_commit(
        state.clone(),
        account_id,
        code_hash,
        issued,
        to,
        lang,
        title,
    );
    tracing::info!(
        assembly_id,
        respondent_id = row.id,
        account_id,
        code_id,
        "confirmed respondent became a member"
    );
    Ok(())
}

/// Waits until the code's row is committed, then emails it (or records that no relay is configured).
/// If the transaction rolled back, the row never appears and nothing is sent.
fn deliver_after_commit(
    state: AppState,
    account_id: i64,
    code_hash: String,
    issued: IssuedCode,
    to: String,
    lang: Lang,
    title: String,
) {
    tokio::spawn(async move {
        let started = Instant::now();
        loop {
            let live = match state.store.connection().await {
                Ok(mut connection) => store::members::sign_in_code_live(
                    &mut connection,
                    account_id,
                    &code_hash,
                    now(),
                )
                .await
                .unwrap_or(false),
                Err(_) => false,
            };
            if live {
                break;
            }
            if started.elapsed() > COMMIT_WAIT {
                tracing::info!(account_id, "sign-in code not committed; nothing sent");
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mail = CodeMail {
            respondent_id: Some(issued.respondent_id),
            name: &issued.name,
            code: &issued.code,
            expires_on: &issued.expires_on,
            title: &title,
        };
        send_code_email(&state, &mail, to, lang);
    });
}

/// A sign-in code to email to a member.
pub(crate) struct CodeMail<'a> {
    /// The respondent the member came from, if any (for the outbox record).
    pub respondent_id: Option<i64>,
    /// The member's name (personal data: never logged).
    pub name: &'a str,
    /// The code, as printed.
    pub code: &'a str,
    /// The last day it works.
    pub expires_on: &'a str,
    /// The assembly's title.
    pub title: &'a str,
}

/// Emails a member's sign-in code to the account's own address, in `lang` (never fails the caller).
pub(crate) fn send_code_email(state: &AppState, mail: &CodeMail<'_>, to: String, lang: Lang) {
    let t = lang.t::<MemberMessages>();
    let url = state
        .config
        .mail
        .as_ref()
        .map(|mail| format!("{}/code", mail.public_url.trim_end_matches('/')))
        .unwrap_or_else(|| "/code".to_owned());
    let pairs = [
        ("title", mail.title),
        ("name", mail.name),
        ("url", url.as_str()),
        ("code", mail.code),
        ("expires", mail.expires_on),
    ];
    let message = Message {
        to,
        subject: fill(t.code_subject, &pairs),
        body: fill(t.code_body, &pairs),
    };
    crate::mail::dispatch(state, "sign_in_code", mail.respondent_id, message);
}

/// Whether `account` may be issued a sign-in code and sign in with one: a code-only account that is not an
/// administrator and has no role but Member anywhere ([`domain::account::may_sign_in_with_code`]).
pub(crate) async fn may_use_code(
    conn: &mut store::AnyConnection,
    account: &store::accounts::AccountRow,
) -> Result<bool, AppError> {
    let Some(method) = domain::account::SignInMethod::from_stored(&account.sign_in_method) else {
        return Ok(false);
    };
    let roles = store::accounts::roles_of(conn, account.id).await?;
    Ok(domain::account::may_sign_in_with_code(
        method,
        account.is_admin,
        roles.into_iter().map(|(_, role)| role),
    ))
}

/// Ends a membership when its respondent leaves `confirmed` or is erased (in the caller's transaction), with an
/// audit entry of ids. Nothing happens for a respondent without a member account.
pub(crate) async fn leave(
    tx: &mut store::Tx,
    viewer: &Viewer,
    assembly_id: i64,
    respondent_id: i64,
    erase: bool,
    now: i64,
) -> Result<(), AppError> {
    let Some(account_id) = store::selection::linked_account(tx, assembly_id, respondent_id).await?
    else {
        return Ok(());
    };
    let end = store::members::end_membership(tx, assembly_id, account_id, erase, now).await?;
    let after = serde_json::json!({
        "respondent_id": respondent_id,
        "account_id": account_id,
        "role_removed": end.role_removed,
        "account_anonymised": end.account_anonymised,
    })
    .to_string();
    store::audit::append(
        tx,
        &audit_change(
            viewer,
            "member.leave",
            &format!("assembly:{assembly_id}/account:{account_id}"),
            &after,
        ),
        now,
    )
    .await?;
    Ok(())
}

/// The sign-in codes this viewer's confirmations issued and whose transaction committed, to show once on the
/// confirming page when no SMTP relay is configured (empty otherwise). Call it after the commit.
pub async fn take_issued_codes(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Vec<IssuedCode>, AppError> {
    let actor = viewer.account.as_ref().map(|account| account.id);
    let mine: Vec<Waiting> = {
        let mut waiting = waiting()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        waiting.retain(|entry| entry.at.elapsed() < SHOW_WINDOW);
        let (mine, others): (Vec<Waiting>, Vec<Waiting>) =
            waiting.drain(..).partition(|entry| entry.actor == actor);
        *waiting = others;
        mine
    };
    let mut shown = Vec::new();
    let mut connection = state.store.connection().await?;
    for entry in mine {
        if store::members::sign_in_code_live(
            &mut connection,
            entry.issued.account_id,
            &entry.code_hash,
            now(),
        )
        .await?
        {
            shown.push(entry.issued);
        }
    }
    Ok(shown)
}

/// The page that shows new members' sign-in codes once.
#[derive(Template)]
#[template(path = "member_codes.html")]
pub struct MemberCodesPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static MemberMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The codes.
    pub codes: Vec<IssuedCode>,
    /// Where members sign in.
    pub sign_in_url: String,
}

/// The response of a confirming page after its commit: the codes page if codes were issued and no relay is
/// configured, otherwise `next`.
pub async fn after_confirmation(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    next: Response,
) -> Result<Response, AppError> {
    let codes = take_issued_codes(state, viewer).await?;
    if codes.is_empty() {
        return Ok(next);
    }
    let t = viewer.lang.t::<MemberMessages>();
    let c = Chrome::new(viewer, t.code_title);
    let mut response = render(
        StatusCode::OK,
        &MemberCodesPage {
            c,
            t,
            assembly_id,
            codes,
            sign_in_url: "/code".to_owned(),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Phone registration.

/// The phone registration page.
#[derive(Template)]
#[template(path = "phone_register.html")]
pub struct PhonePage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static MemberMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The form as sent.
    pub form: RegisterForm,
    /// Errors, each naming its field.
    pub errors: Vec<String>,
    /// The id of the respondent just registered.
    pub done: Option<i64>,
    /// Gender options.
    pub genders: Vec<OptionView>,
    /// Age-band options.
    pub age_bands: Vec<OptionView>,
    /// The assembly's own questions.
    pub questions: Vec<QuestionView>,
    /// Language options.
    pub langs: Vec<OptionView>,
    /// Whether an SMTP relay is configured.
    pub mail_on: bool,
}

/// Query of the phone page.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    /// The respondent just registered.
    #[serde(default)]
    pub done: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
async fn phone_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: RegisterForm,
    lang: &str,
    errors: Vec<String>,
    done: Option<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let m = viewer.lang.messages();
    let t = viewer.lang.t::<MemberMessages>();
    let c = Chrome::new(viewer, t.phone_title);
    let genders = crate::recruitment::options(&GENDERS, &m.r.genders, &form.gender);
    let age_bands = crate::recruitment::options(&AGE_BANDS, &m.r.age_bands, &form.age_band);
    let questions = crate::recruitment::question_views(
        &crate::selection::registration_questions(state, assembly_id).await?,
        &form,
    );
    let langs = crate::recruitment::options(&["en", "fr"], &t.languages, lang);
    let mut response = render(
        status,
        &PhonePage {
            c,
            t,
            assembly_id,
            title: record.title,
            form,
            errors,
            done,
            genders,
            age_bands,
            questions,
            langs,
            mail_on: state.config.mail.is_some(),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{assembly_id}/respondents/phone`: the form for registering someone who phones in.
pub async fn phone_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let lang = viewer.lang.code();
    phone_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        RegisterForm::default(),
        lang,
        Vec::new(),
        query.done,
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/respondents/phone`: the same checks as the public form (the invitation
/// code is optional, and checked and counted against the household when given), consent recorded as verbal and
/// given to the signed-in staff member; no honeypot or timing token (staff are signed in and CSRF-checked).
/// Errors name their field and nothing is written; the audit entry holds ids only.
pub async fn phone_register(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<RegisterForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    // The public form's fields; the language of the person's emails comes as `lang` (the honeypot and timing
    // token are not used here).
    let Form(form) = form?;
    let lang = form.extra.get("lang").cloned().unwrap_or_default();
    let m = viewer.lang.messages();
    let t = viewer.lang.t::<MemberMessages>();
    let now = now();
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let mut checked =
        crate::recruitment::check_registration(&state, m, assembly_id, &form, false).await?;
    // The public form's consent message speaks to the person; here the staff member records it.
    if let Err(errors) = &mut checked {
        for error in errors.iter_mut() {
            if error == m.r.err_consent {
                t.err_phone_consent.clone_into(error);
            }
        }
    }
    let person_lang = match Lang::from_code(&lang) {
        Some(person_lang) if lang.len() == 2 => Some(person_lang),
        _ => None,
    };
    let checked = match (checked, person_lang) {
        (Ok(checked), Some(_)) => checked,
        (checked, person_lang) => {
            let mut errors = checked.err().unwrap_or_default();
            if person_lang.is_none() {
                let problem = if lang.trim().is_empty() {
                    domain::error::Problem::Required
                } else {
                    domain::error::Problem::Malformed
                };
                let text = m.describe(&domain::error::ValidationError::new("", problem));
                errors.push(format!(
                    "{}: {}",
                    t.phone_lang_label,
                    text.trim_start_matches(": ")
                ));
            }
            return phone_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                &lang,
                errors,
                None,
            )
            .await;
        }
    };
    let person_lang = person_lang.unwrap_or(Lang::En);
    let email = checked.email.clone();
    let mut tx = state.store.begin().await?;
    let respondent_id =
        match crate::recruitment::store_registration(&mut tx, &viewer, assembly_id, checked, now)
            .await?
        {
            Ok(respondent_id) => respondent_id,
            Err((status, message)) => {
                drop(tx);
                return phone_page(
                    &state,
                    &viewer,
                    assembly_id,
                    status,
                    form,
                    &lang,
                    vec![message],
                    None,
                )
                .await;
            }
        };
    let staff = viewer.account_id()?;
    store::members::record_registration(
        &mut tx,
        assembly_id,
        respondent_id,
        store::members::ConsentMethod::Verbal,
        Some(staff),
        person_lang.code(),
    )
    .await?;
    let after = serde_json::json!({ "respondent_id": respondent_id, "consent": "verbal", "recorded_by": staff }).to_string();
    store::audit::append(
        &mut tx,
        &audit_change(
            &viewer,
            "respondent.phone",
            &format!("respondent:{respondent_id}"),
            &after,
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, respondent_id, "respondent registered by phone");
    send_registration_email(&state, assembly_id, respondent_id, &email, person_lang).await;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/respondents/phone?done={respondent_id}"
    ))
    .into_response())
}

/// The organisers' notice about email, for their pages: whether a relay is configured.
pub fn mail_notice(state: &AppState, lang: Lang) -> &'static str {
    let t = lang.t::<MemberMessages>();
    if state.config.mail.is_some() {
        t.mail_on
    } else {
        t.mail_off
    }
}
