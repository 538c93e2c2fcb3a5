//! `GET /staff/assemblies/{assembly_id}`: an assembly's workspace, with its people and roles, the links to every
//! staff page the viewer may open, and the forms that give someone a role or add a member. The role and member
//! handlers render it again with their errors or what they did ([`page`]).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::permission::{Action, Role, allowed};
use serde::Deserialize;

use super::forms::PeopleFilter;
use super::views::{InvitationView, PersonView, PhaseControl, PhaseStep, WorkspacePage};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Submitted;
use crate::views::{AssemblyView, Chrome, render};

/// Query of the workspace page.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    /// Set after a successful change.
    #[serde(default)]
    pub saved: Option<String>,
    /// Set after the phase control moved the assembly.
    #[serde(default)]
    pub moved: Option<String>,
    /// The people list's role filter (issue 18, item 5).
    #[serde(default)]
    pub role: String,
    /// The people list's page, from 1.
    #[serde(default)]
    pub page: String,
}

/// What the workspace shows above its content besides the stored assembly.
#[derive(Default)]
pub(super) struct Outcome {
    /// Errors of the role or member form, in the viewer's language.
    pub errors: Vec<String>,
    /// Whether the last change was saved.
    pub saved: bool,
    /// What happened when a member was added (never a code: codes are delivered, issue 18).
    pub notice: Option<&'static str>,
    /// Whether the phase control just moved the assembly.
    pub moved: bool,
    /// Errors of the phase control, in the viewer's language.
    pub phase_errors: Vec<String>,
    /// A notice with figures (how many invitations were sent).
    pub message: Option<String>,
    /// Which people the list shows (a role, a search, a page).
    pub people: PeopleFilter,
}

impl Outcome {
    /// The page again with the phase control's `errors`.
    pub fn phase_errors(errors: Vec<String>) -> Outcome {
        Outcome {
            phase_errors: errors,
            ..Outcome::default()
        }
    }

    /// The page again with `errors`.
    pub fn errors(errors: Vec<String>) -> Outcome {
        Outcome {
            errors,
            ..Outcome::default()
        }
    }
}

/// Renders the workspace of assembly `assembly_id` with `status` and `outcome`.
pub(super) async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    outcome: Outcome,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let filter = &outcome.people;
    let role = filter.role();
    let search = filter.q.trim().to_owned();
    let people = app::page_of!(filter.page(), app::paging::PAGE_SIZE, |limit, offset| {
        store::accounts::people_page(&mut connection, assembly_id, role, &search, limit, offset)
            .await?
    });
    let can_assign = allowed(viewer.role, Action::AssignRoles);
    let ti = viewer
        .lang
        .t::<crate::i18n::invitations::InvitationMessages>();
    let invitations = if can_assign {
        let (rows, _) = store::invitations::list(&mut connection, assembly_id, 0, 50).await?;
        let now = crate::now();
        rows.into_iter()
            .map(|row| {
                let status = if row.accepted_at.is_some() {
                    1
                } else if row.revoked_at.is_some() {
                    2
                } else if now > row.expires_at {
                    3
                } else {
                    0
                };
                InvitationView {
                    id: row.id,
                    email: row.email,
                    role: viewer.lang.messages().role_name(row.role),
                    status: ti.statuses[status],
                    open: status == 0,
                    expires: crate::views::utc_date(row.expires_at),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    drop(connection);
    let c = Chrome::new(viewer, record.title.clone());
    let m = c.m;
    let p = viewer.lang.t::<crate::i18n::publish::PublishMessages>();
    let steps = [
        ("next", record.current_phase.next(), p.phase_next_submit),
        (
            "previous",
            record.current_phase.previous(),
            p.phase_previous_submit,
        ),
    ]
    .into_iter()
    .filter_map(|(key, phase, submit)| {
        let phase = phase?;
        let name = m.phase_name(phase.as_str());
        Some(PhaseStep {
            key,
            to: phase.as_str().to_owned(),
            submit: crate::i18n::fill(submit, &[("phase", name)]),
            confirm: crate::i18n::fill(p.phase_confirm, &[("phase", name)]),
        })
    })
    .collect();
    let phase_control = PhaseControl {
        current: record.current_phase.as_str().to_owned(),
        steps,
        moved: outcome.moved.then(|| {
            crate::i18n::fill(
                p.phase_changed,
                &[("phase", m.phase_name(record.current_phase.as_str()))],
            )
        }),
        errors: outcome.phase_errors,
    };
    let role_id = role.map(Role::as_str).unwrap_or("");
    let people_paging = if search.is_empty() {
        let base = crate::paging::base_url(
            &format!("/staff/assemblies/{assembly_id}"),
            &[("role", role_id)],
        );
        crate::paging::Paging::links(
            viewer.lang,
            &base,
            people.page,
            app::paging::PAGE_SIZE,
            people.total,
        )
    } else {
        // A search by name pages with POST buttons: the name stays in the body, out of URLs and logs.
        crate::paging::Paging::posts(
            viewer.lang,
            &format!("/staff/assemblies/{assembly_id}/people"),
            vec![
                ("q".to_owned(), search.clone()),
                ("role".to_owned(), role_id.to_owned()),
            ],
            people.page,
            app::paging::PAGE_SIZE,
            people.total,
        )
    };
    let page = WorkspacePage {
        p,
        phase: phase_control,
        a: AssemblyView::new(&record, m),
        paging: people_paging,
        lists: viewer.lang.t::<crate::i18n::lists::ListsMessages>(),
        people_q: search.clone(),
        people_role: role_id.to_owned(),
        people_total: people.total,
        people: people
            .items
            .into_iter()
            .map(|(account, role)| PersonView {
                account_id: account.id,
                name: account.display_name,
                role: m.role_name(role).to_owned(),
            })
            .collect(),
        can_edit: allowed(viewer.role, Action::EditAssembly),
        can_see_queue: allowed(viewer.role, Action::ViewModerationQueue),
        can_assign,
        invitations,
        ti,
        message: outcome.message,
        mail_configured: state.config.mail.is_some() || state.config.message_log.is_some(),
        staff_roles: Role::ASSIGNABLE
            .iter()
            .filter(|role| **role != Role::Member)
            .map(|role| (role.as_str().to_owned(), m.role_name(*role).to_owned()))
            .collect(),
        t: viewer.lang.t::<crate::i18n::access::AccessMessages>(),
        can_recruit: allowed(viewer.role, Action::ManageRecruitment),
        can_see_recruitment: allowed(viewer.role, Action::ViewRecruitment),
        can_see_sessions: allowed(viewer.role, Action::ViewSessions),
        can_see_tables: allowed(viewer.role, Action::ViewTables),
        roles: Role::ASSIGNABLE
            .iter()
            .map(|role| (role.as_str().to_owned(), m.role_name(*role).to_owned()))
            .collect(),
        errors: outcome.errors,
        saved: outcome.saved,
        can_deliver_codes: allowed(viewer.role, Action::DeliverCodes),
        tc: viewer.lang.t::<crate::i18n::codes::CodeMessages>(),
        notice: outcome.notice,
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
    let outcome = Outcome {
        saved: query.saved.is_some(),
        moved: query.moved.is_some(),
        people: PeopleFilter {
            q: String::new(),
            role: query.role,
            page: query.page,
        },
        ..Outcome::default()
    };
    page(&state, &viewer, assembly_id, StatusCode::OK, outcome).await
}

/// `POST /staff/assemblies/{assembly_id}/people`: the workspace with its people searched by name or email (sent in
/// the body, never in the URL) and by role (issue 18, item 5).
pub async fn search_people(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Submitted(form): Submitted<PeopleFilter>,
) -> Result<Response, AppError> {
    let people = form.unwrap_or_else(|invalid| invalid.fields);
    let outcome = Outcome {
        people,
        ..Outcome::default()
    };
    page(&state, &viewer, assembly_id, StatusCode::OK, outcome).await
}
