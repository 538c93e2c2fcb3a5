//! Staff pages: the dashboard, creating and editing assemblies, roles, moderation, accounts, API tokens
//! and the audit log. Each change opens one transaction, writes, appends to the audit log, and commits.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::assembly::{
    AssemblyDraft, Authority, CommentStatus, Commitment, Question, Timeline, Title,
};
use domain::error::ValidationError;
use domain::permission::{Action, Role, allowed};
use domain::phase::Phase;
use serde::Deserialize;
use store::assemblies::AssemblyRecord;

use crate::api::AssemblyDto;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::security::{random_token, token_hash};
use crate::session::{NewAccountForm, create_staff_account, validate_account};
use crate::views::{
    AccountView, AccountsPage, AssemblyForm, AssemblyFormPage, AssemblyView, AuditPage, AuditView,
    Chrome, CommentView, DashboardPage, ModerationPage, PersonView, PhaseView, SummaryView,
    TokensPage, WorkspacePage, render, utc_date, utc_minute,
};
use crate::{AppState, now};

/// `GET /staff`: the assemblies of the viewer (every assembly for administrators).
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let rows = if viewer.role == Role::Admin {
        store::assemblies::list_assemblies(&mut connection).await?
    } else {
        store::assemblies::list_assemblies_of(&mut connection, account_id).await?
    };
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().dashboard_title);
    let assemblies = SummaryView::list(&rows, c.m);
    render(StatusCode::OK, &DashboardPage { c, assemblies })
}

/// Parses the assembly form; returns every problem, not just the first.
pub(crate) fn parse_assembly_form(
    fields: &HashMap<String, String>,
) -> Result<AssemblyDraft, Vec<ValidationError>> {
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
    let title = Title::parse(field("title"));
    let question = Question::parse(field("question"));
    let authority = Authority::parse(field("authority"));
    let commitments = Commitment::parse_lines(field("commitments"));
    let current = Phase::parse("current_phase", field("current_phase"));
    let timeline = Timeline::parse(*current.as_ref().unwrap_or(&Phase::Design), |phase| {
        (
            fields.get(&format!("start_{}", phase.as_str())).cloned(),
            fields.get(&format!("end_{}", phase.as_str())).cloned(),
        )
    });
    match (title, question, authority, commitments, current, timeline) {
        (Ok(title), Ok(question), Ok(authority), Ok(commitments), Ok(_), Ok(timeline)) => {
            Ok(AssemblyDraft {
                title,
                question,
                authority,
                commitments,
                timeline,
            })
        }
        (title, question, authority, commitments, current, timeline) => Err([
            title.err(),
            question.err(),
            authority.err(),
            commitments.err(),
            current.err(),
            timeline.err(),
        ]
        .into_iter()
        .flatten()
        .collect()),
    }
}

fn form_from_fields(fields: &HashMap<String, String>, viewer: &Viewer) -> AssemblyForm {
    let m = viewer.lang.messages();
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    AssemblyForm {
        title: field("title"),
        question: field("question"),
        authority: field("authority"),
        commitments: field("commitments"),
        current_phase: field("current_phase"),
        phases: Phase::ALL
            .iter()
            .map(|phase| PhaseView {
                id: phase.as_str().to_owned(),
                name: m.phase_name(phase.as_str()).to_owned(),
                starts_on: field(&format!("start_{}", phase.as_str())),
                ends_on: field(&format!("end_{}", phase.as_str())),
                current: false,
            })
            .collect(),
    }
}

fn form_from_record(record: &AssemblyRecord, viewer: &Viewer) -> AssemblyForm {
    let mut fields: HashMap<String, String> = HashMap::new();
    fields.insert("title".into(), record.title.clone());
    fields.insert("question".into(), record.question.clone());
    fields.insert("authority".into(), record.authority.clone());
    fields.insert("commitments".into(), record.commitments.join("\n"));
    fields.insert("current_phase".into(), record.current_phase.clone());
    for phase in &record.phases {
        fields.insert(
            format!("start_{}", phase.phase),
            phase.starts_on.clone().unwrap_or_default(),
        );
        fields.insert(
            format!("end_{}", phase.phase),
            phase.ends_on.clone().unwrap_or_default(),
        );
    }
    form_from_fields(&fields, viewer)
}

fn assembly_form_page(
    viewer: &Viewer,
    status: StatusCode,
    heading: &str,
    action: String,
    errors: Vec<String>,
    f: AssemblyForm,
) -> Result<Response, AppError> {
    let c = Chrome::new(viewer, heading);
    render(
        status,
        &AssemblyFormPage {
            c,
            heading: heading.to_owned(),
            action,
            errors,
            f,
        },
    )
}

/// `GET /staff/assemblies/new`.
pub async fn new_assembly_form(Extension(viewer): Extension<Viewer>) -> Result<Response, AppError> {
    let mut fields = HashMap::new();
    fields.insert(
        "current_phase".to_owned(),
        Phase::Design.as_str().to_owned(),
    );
    let form = form_from_fields(&fields, &viewer);
    assembly_form_page(
        &viewer,
        StatusCode::OK,
        viewer.lang.messages().form_new_title,
        "/staff/assemblies".into(),
        Vec::new(),
        form,
    )
}

/// Creates (`existing` = None) or replaces an assembly, with its audit entry, in one transaction.
pub(crate) async fn save_assembly(
    state: &AppState,
    viewer: &Viewer,
    existing: Option<i64>,
    draft: &AssemblyDraft,
) -> Result<AssemblyRecord, AppError> {
    let now = now();
    let mut tx = state.store.begin().await?;
    let (id, before, action) = match existing {
        Some(id) => {
            let before = store::assemblies::get_assembly(&mut tx, id).await?;
            store::assemblies::update_assembly(&mut tx, id, draft, now).await?;
            (
                id,
                Some(
                    serde_json::to_string(&AssemblyDto::from(&before))
                        .map_err(AppError::internal)?,
                ),
                "assembly.update",
            )
        }
        None => (
            store::assemblies::create_assembly(&mut tx, draft, now).await?,
            None,
            "assembly.create",
        ),
    };
    let after_record = store::assemblies::get_assembly(&mut tx, id).await?;
    let after =
        serde_json::to_string(&AssemblyDto::from(&after_record)).map_err(AppError::internal)?;
    let entity = format!("assembly:{id}");
    store::audit::append(
        &mut tx,
        &store::audit::Change {
            actor_account_id: viewer.account.as_ref().map(|account| account.id),
            action,
            entity: &entity,
            before_json: before.as_deref(),
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id = id, action, "assembly saved");
    Ok(after_record)
}

/// `POST /staff/assemblies`.
pub async fn create_assembly(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    match parse_assembly_form(&fields) {
        Ok(draft) => {
            let record = save_assembly(&state, &viewer, None, &draft).await?;
            Ok(Redirect::to(&format!("/staff/assemblies/{}?saved=1", record.id)).into_response())
        }
        Err(errors) => {
            let m = viewer.lang.messages();
            let errors = errors.iter().map(|error| m.describe(error)).collect();
            let form = form_from_fields(&fields, &viewer);
            assembly_form_page(
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                m.form_new_title,
                "/staff/assemblies".into(),
                errors,
                form,
            )
        }
    }
}

/// `GET /staff/assemblies/{assembly_id}/edit`.
pub async fn edit_assembly_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let form = form_from_record(&record, &viewer);
    let action = format!("/staff/assemblies/{assembly_id}");
    assembly_form_page(
        &viewer,
        StatusCode::OK,
        viewer.lang.messages().form_edit_title,
        action,
        Vec::new(),
        form,
    )
}

/// `POST /staff/assemblies/{assembly_id}`.
pub async fn update_assembly(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(fields) = form?;
    match parse_assembly_form(&fields) {
        Ok(draft) => {
            save_assembly(&state, &viewer, Some(assembly_id), &draft).await?;
            Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}?saved=1")).into_response())
        }
        Err(errors) => {
            let m = viewer.lang.messages();
            let errors = errors.iter().map(|error| m.describe(error)).collect();
            let form = form_from_fields(&fields, &viewer);
            let action = format!("/staff/assemblies/{assembly_id}");
            assembly_form_page(
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                m.form_edit_title,
                action,
                errors,
                form,
            )
        }
    }
}

/// Query of the workspace page.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    /// Set after a successful change.
    #[serde(default)]
    pub saved: Option<String>,
}

async fn workspace_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    saved: bool,
) -> Result<Response, AppError> {
    workspace_page_with_code(
        state,
        viewer,
        assembly_id,
        status,
        errors,
        saved,
        MemberAdded::Nothing,
    )
    .await
}

/// What the workspace shows after someone was added as a member.
enum MemberAdded {
    /// Nothing (every other page).
    Nothing,
    /// A new account's one-time code, shown once: (name, code).
    Code(String, String),
    /// An existing account was added: what happened, and never a code.
    Notice(&'static str),
}

async fn workspace_page_with_code(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    saved: bool,
    added: MemberAdded,
) -> Result<Response, AppError> {
    let (issued_code, notice) = match added {
        MemberAdded::Nothing => (None, None),
        MemberAdded::Code(name, code) => (Some((name, code)), None),
        MemberAdded::Notice(notice) => (None, Some(notice)),
    };
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let people = store::accounts::people_of(&mut connection, assembly_id).await?;
    drop(connection);
    let c = Chrome::new(viewer, record.title.clone());
    let m = c.m;
    let page = WorkspacePage {
        a: AssemblyView::new(&record, m),
        people: people
            .into_iter()
            .map(|(account, role)| PersonView {
                name: account.display_name,
                role: m.role_name(role).to_owned(),
            })
            .collect(),
        can_edit: allowed(viewer.role, Action::EditAssembly),
        can_see_queue: allowed(viewer.role, Action::ViewModerationQueue),
        can_assign: allowed(viewer.role, Action::AssignRoles),
        can_recruit: allowed(viewer.role, Action::ManageRecruitment),
        can_see_recruitment: allowed(viewer.role, Action::ViewRecruitment),
        can_see_sessions: allowed(viewer.role, Action::ViewSessions),
        can_see_tables: allowed(viewer.role, Action::ViewTables),
        roles: Role::ASSIGNABLE
            .iter()
            .map(|role| (role.as_str().to_owned(), m.role_name(*role).to_owned()))
            .collect(),
        errors,
        saved,
        issued_code,
        notice,
        c,
    };
    render(status, &page)
}

/// `GET /staff/assemblies/{assembly_id}`: the workspace of one assembly.
pub async fn workspace(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    workspace_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        Vec::new(),
        query.saved.is_some(),
    )
    .await
}

/// The role assignment form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    /// The email of an existing account.
    #[serde(default)]
    pub email: String,
    /// One of the assignable roles.
    #[serde(default)]
    pub role: String,
}

/// `POST /staff/assemblies/{assembly_id}/roles`: gives an existing account a role in this assembly.
pub async fn assign_role(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<RoleForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    let email = domain::account::Email::parse(&form.email);
    let role = Role::parse_assignable("role", &form.role);
    let (email, role) = match (email, role) {
        (Ok(email), Ok(role)) => (email, role),
        (email, role) => {
            let errors = [email.err(), role.err()]
                .into_iter()
                .flatten()
                .map(|error| m.describe(&error))
                .collect();
            return workspace_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                false,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let Some(account) = store::accounts::account_by_email(&mut tx, email.as_str()).await? else {
        drop(tx);
        let errors = vec![m.unknown_account.to_owned()];
        return workspace_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            false,
        )
        .await;
    };
    // A staff role goes only to an account that signs in with a password: a code-only account with a staff
    // role could not sign in at all (codes open member accounts only), and must not be able to.
    if role != Role::Member && account.sign_in_method != "password" {
        drop(tx);
        return workspace_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![m.staff_role_needs_password.to_owned()],
            false,
        )
        .await;
    }
    let before = store::accounts::role_in(&mut tx, account.id, assembly_id).await?;
    store::accounts::set_role(&mut tx, assembly_id, account.id, role).await?;
    let entity = format!("assembly:{assembly_id}/account:{}", account.id);
    let before_json = before.map(|role| serde_json::json!({ "role": role.as_str() }).to_string());
    let after_json = serde_json::json!({ "role": role.as_str() }).to_string();
    store::audit::append(
        &mut tx,
        &store::audit::Change {
            actor_account_id: viewer.account.as_ref().map(|a| a.id),
            action: "role.assign",
            entity: &entity,
            before_json: before_json.as_deref(),
            after_json: Some(&after_json),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        assembly_id,
        account_id = account.id,
        role = role.as_str(),
        "role assigned"
    );
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}?saved=1")).into_response())
}

/// `GET /staff/assemblies/{assembly_id}/comments`: comments waiting for moderation.
pub async fn moderation_queue(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let pending =
        store::comments::comments_with_status(&mut connection, assembly_id, CommentStatus::Pending)
            .await?;
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().moderation_title);
    let page = ModerationPage {
        c,
        assembly_id,
        assembly_title: record.title,
        comments: CommentView::list(&pending),
        can_moderate: allowed(viewer.role, Action::ModerateComments),
    };
    render(StatusCode::OK, &page)
}

/// The moderation form.
#[derive(Debug, Deserialize)]
pub struct ModerationForm {
    /// `approved` or `rejected`.
    #[serde(default)]
    pub decision: String,
}

/// `POST /staff/assemblies/{assembly_id}/comments/{comment_id}`: approves or rejects a pending comment.
pub async fn moderate_comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, comment_id)): Path<(i64, i64)>,
    form: Result<Form<ModerationForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let decision = CommentStatus::parse("decision", &form.decision)?;
    if decision == CommentStatus::Pending {
        return Err(AppError::Invalid(ValidationError::new(
            "decision",
            domain::error::Problem::Malformed,
        )));
    }
    let moderator = viewer.account_id()?;
    let now = now();
    let mut tx = state.store.begin().await?;
    let before =
        store::comments::moderate(&mut tx, assembly_id, comment_id, decision, moderator, now)
            .await?;
    let entity = format!("comment:{comment_id}");
    let before_json = serde_json::json!({ "status": before.status }).to_string();
    let after_json = serde_json::json!({ "status": decision.as_str() }).to_string();
    store::audit::append(
        &mut tx,
        &store::audit::Change {
            actor_account_id: Some(moderator),
            action: "comment.moderate",
            entity: &entity,
            before_json: Some(&before_json),
            after_json: Some(&after_json),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        assembly_id,
        comment_id,
        decision = decision.as_str(),
        "comment moderated"
    );
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/comments")).into_response())
}

async fn accounts_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    errors: Vec<String>,
    email: String,
    display_name: String,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let rows = store::accounts::list_accounts(&mut connection).await?;
    drop(connection);
    let c = Chrome::new(viewer, viewer.lang.messages().accounts_title);
    let accounts = rows
        .into_iter()
        .map(|row| AccountView {
            name: row.display_name,
            email: row.email,
            is_admin: row.is_admin,
        })
        .collect();
    render(
        status,
        &AccountsPage {
            c,
            accounts,
            errors,
            email,
            display_name,
        },
    )
}

/// `GET /staff/accounts`: every account (administrators only).
pub async fn accounts(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    accounts_page(
        &state,
        &viewer,
        StatusCode::OK,
        Vec::new(),
        String::new(),
        String::new(),
    )
    .await
}

/// `POST /staff/accounts`: creates a staff account.
pub async fn create_account(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Result<Form<NewAccountForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let account = match validate_account(&form, &viewer) {
        Ok(account) => account,
        Err(errors) => {
            return accounts_page(
                &state,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                form.email,
                form.display_name,
            )
            .await;
        }
    };
    let is_admin = form.is_admin.as_deref() == Some("yes");
    match create_staff_account(
        &state.store,
        viewer.account.as_ref().map(|a| a.id),
        &account,
        is_admin,
        false,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/staff/accounts").into_response()),
        Err(AppError::Conflict(_)) => {
            let m = viewer.lang.messages();
            let error = ValidationError::new("email", domain::error::Problem::Malformed);
            let errors = vec![format!("{} ({})", m.describe(&error), m.err_conflict)];
            accounts_page(
                &state,
                &viewer,
                StatusCode::CONFLICT,
                errors,
                form.email,
                form.display_name,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

async fn tokens_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    new_token: Option<String>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let rows = store::auth::list_api_tokens(&mut connection, account_id).await?;
    drop(connection);
    let c = Chrome::new(viewer, viewer.lang.messages().tokens_title);
    let tokens = rows
        .into_iter()
        .map(|row| (row.id, row.name, utc_date(row.created_at)))
        .collect();
    render(
        status,
        &TokensPage {
            c,
            tokens,
            new_token,
            errors,
        },
    )
}

/// `GET /staff/tokens`: the viewer's API tokens.
pub async fn tokens(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    tokens_page(&state, &viewer, StatusCode::OK, None, Vec::new()).await
}

/// The token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    /// A label for the token.
    #[serde(default)]
    pub name: String,
}

/// `POST /staff/tokens`: creates an API token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let account_id = viewer.account_id()?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        let problem = if name.is_empty() {
            domain::error::Problem::Required
        } else {
            domain::error::Problem::TooLong { max: 100 }
        };
        let errors = vec![
            viewer
                .lang
                .messages()
                .describe(&ValidationError::new("name", problem)),
        ];
        return tokens_page(
            &state,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
        )
        .await;
    }
    let token = format!("klero_{}", random_token(32)?);
    let now = now();
    let mut tx = state.store.begin().await?;
    let token_id =
        store::auth::create_api_token(&mut tx, account_id, name, &token_hash(&token), now).await?;
    let entity = format!("api_token:{token_id}");
    let after = serde_json::json!({ "id": token_id, "account_id": account_id }).to_string();
    store::audit::append(
        &mut tx,
        &store::audit::Change {
            actor_account_id: Some(account_id),
            action: "api_token.create",
            entity: &entity,
            before_json: None,
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_id, token_id, "api token created");
    tokens_page(&state, &viewer, StatusCode::OK, Some(token), Vec::new()).await
}

/// `GET /staff/audit`: the chain's state and the latest entries.
pub async fn audit_log(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let verdict = store::audit::verify(&mut connection).await?;
    let rows = store::audit::recent(&mut connection, 100).await?;
    drop(connection);
    let (intact, broken) = match verdict {
        Ok(count) => (Some(count), None),
        Err(chain_break) => (None, Some((chain_break.seq, chain_break.reason))),
    };
    let entries = rows
        .into_iter()
        .map(|row| AuditView {
            seq: row.seq,
            at: utc_minute(row.at),
            actor: row
                .actor_account_id
                .map(|id| id.to_string())
                .unwrap_or_else(|| "-".to_owned()),
            action: row.action,
            entity: row.entity,
        })
        .collect();
    let c = Chrome::new(&viewer, viewer.lang.messages().audit_title);
    render(
        StatusCode::OK,
        &AuditPage {
            c,
            intact,
            broken,
            entries,
        },
    )
}

/// The form to add a member who signs in with a one-time code.
#[derive(Debug, Deserialize)]
pub struct MemberForm {
    /// The member's name.
    #[serde(default)]
    pub display_name: String,
    /// The member's email (the sign-in identifier).
    #[serde(default)]
    pub email: String,
}

/// How long an issued one-time code stays valid.
const CODE_VALIDITY_SECONDS: i64 = 30 * 24 * 3600;

fn audit_change<'a>(
    actor: Option<i64>,
    action: &'a str,
    entity: &'a str,
    before_json: Option<&'a str>,
    after_json: Option<&'a str>,
) -> store::audit::Change<'a> {
    store::audit::Change {
        actor_account_id: actor,
        action,
        entity,
        before_json,
        after_json,
    }
}

/// `POST /staff/assemblies/{assembly_id}/members`: creates (or finds) a member account without a password,
/// gives it the member role if it has no role here, and issues a one-time sign-in code shown once.
#[allow(clippy::too_many_lines)]
pub async fn add_member(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<MemberForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    let (display_name, email) = match (
        domain::account::DisplayName::parse(&form.display_name),
        domain::account::Email::parse(&form.email),
    ) {
        (Ok(display_name), Ok(email)) => (display_name, email),
        (display_name, email) => {
            let errors = [display_name.err(), email.err()]
                .into_iter()
                .flatten()
                .map(|error| m.describe(&error))
                .collect();
            return workspace_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                false,
            )
            .await;
        }
    };
    let actor = viewer.account.as_ref().map(|account| account.id);
    let now = now();
    let code = domain::account::OneTimeCode::from_random(crate::security::random_bytes()?);
    let mut tx = state.store.begin().await?;
    if !store::assemblies::assembly_exists(&mut tx, assembly_id).await? {
        return Err(AppError::NotFound);
    }
    let existing = store::accounts::account_by_email(&mut tx, email.as_str()).await?;
    let (account_id, created, shown_name, to) = match existing {
        // An account that existed before never gets a code shown here: whoever typed its email would sign in
        // as its owner (an administrator, a clerk, another member). Only a code-only member account may get a
        // new code at all, and only by email to its own address.
        Some(account) => {
            if !app::members::may_use_code(&mut tx, &account).await? {
                drop(tx);
                return workspace_page(
                    &state,
                    &viewer,
                    assembly_id,
                    StatusCode::CONFLICT,
                    vec![m.account_not_code_only.to_owned()],
                    false,
                )
                .await;
            }
            (account.id, false, account.display_name, account.email)
        }
        None => {
            let id = store::accounts::create_account(
                &mut tx,
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
            let entity = format!("account:{id}");
            let after = serde_json::json!({ "id": id, "is_admin": false, "sign_in_method": "one_time_code" }).to_string();
            store::audit::append(
                &mut tx,
                &audit_change(actor, "account.create", &entity, None, Some(&after)),
                now,
            )
            .await?;
            (
                id,
                true,
                display_name.as_str().to_owned(),
                email.as_str().to_owned(),
            )
        }
    };
    if store::accounts::role_in(&mut tx, account_id, assembly_id)
        .await?
        .is_none()
    {
        store::accounts::set_role(&mut tx, assembly_id, account_id, Role::Member).await?;
        let entity = format!("assembly:{assembly_id}/account:{account_id}");
        let after = serde_json::json!({ "role": "member" }).to_string();
        store::audit::append(
            &mut tx,
            &audit_change(actor, "role.assign", &entity, None, Some(&after)),
            now,
        )
        .await?;
    }
    // A code for an existing account is only worth issuing if it can be emailed to its owner.
    let mail_existing = !created && state.config.mail.is_some();
    if created || mail_existing {
        let expires_at = now + CODE_VALIDITY_SECONDS;
        let code_id = store::auth::create_sign_in_code(
            &mut tx,
            account_id,
            &token_hash(code.canonical()),
            now,
            expires_at,
        )
        .await?;
        let entity = format!("account:{account_id}/sign_in_code:{code_id}");
        let after = serde_json::json!({ "expires_at": expires_at, "shown": created }).to_string();
        store::audit::append(
            &mut tx,
            &audit_change(actor, "sign_in_code.issue", &entity, None, Some(&after)),
            now,
        )
        .await?;
        let title = store::assemblies::get_assembly(&mut tx, assembly_id)
            .await?
            .title;
        tx.commit().await?;
        tracing::info!(assembly_id, account_id, code_id, "one-time code issued");
        if mail_existing {
            let expires_on = crate::views::utc_date(expires_at);
            let display = code.display();
            let mail = crate::members::CodeMail {
                respondent_id: None,
                name: &shown_name,
                code: &display,
                expires_on: &expires_on,
                title: &title,
            };
            crate::members::send_code_email(&state, &mail, to, viewer.lang);
        }
    } else {
        tx.commit().await?;
        tracing::info!(
            assembly_id,
            account_id,
            "existing member account added; no code shown"
        );
    }
    let added = if created {
        MemberAdded::Code(shown_name, code.display())
    } else if mail_existing {
        MemberAdded::Notice(m.member_exists_code_mailed)
    } else {
        MemberAdded::Notice(m.member_exists_no_code)
    };
    workspace_page_with_code(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        Vec::new(),
        true,
        added,
    )
    .await
}

/// `POST /staff/tokens/{token_id}/revoke`: revokes one of the viewer's own tokens.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(token_id): Path<i64>,
) -> Result<Response, AppError> {
    let account_id = viewer.account_id()?;
    let now = now();
    let mut tx = state.store.begin().await?;
    store::auth::revoke_api_token(&mut tx, account_id, token_id, now).await?;
    let entity = format!("api_token:{token_id}");
    let after = serde_json::json!({ "revoked_at": now }).to_string();
    store::audit::append(
        &mut tx,
        &audit_change(
            Some(account_id),
            "api_token.revoke",
            &entity,
            None,
            Some(&after),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(account_id, token_id, "api token revoked");
    Ok(Redirect::to("/staff/tokens").into_response())
}
