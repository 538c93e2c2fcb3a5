//! The page models of the staff pages (templates `dashboard.html`, `assembly_form.html`, `workspace.html`,
//! `moderation.html`, `accounts.html`, `tokens.html` and `audit.html`) and the view models they show.

use askama::Template;
use domain::phase::Phase;
use store::assemblies::AssemblyRecord;

use super::forms::AssemblyFields;
use crate::i18n::Messages;
use crate::views::{AssemblyView, Chrome, CommentView, PhaseView, SummaryView};

/// The staff dashboard.
#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    /// Chrome.
    pub c: Chrome,
    /// The assemblies of the viewer (all of them for administrators).
    pub assemblies: Vec<SummaryView>,
    /// Whether the viewer may create an assembly (administrators; organisers when the setting allows it).
    pub can_create: bool,
    /// The link to the platform settings (administrators).
    pub settings_link: Option<&'static str>,
}

/// The values of the assembly form, as typed or as stored.
pub struct AssemblyForm {
    /// Title.
    pub title: String,
    /// Question.
    pub question: String,
    /// Authority.
    pub authority: String,
    /// Commitments, one per line.
    pub commitments: String,
    /// The current phase identifier.
    pub current_phase: String,
    /// The phases with their dates as typed.
    pub phases: Vec<PhaseView>,
}

impl AssemblyForm {
    /// The form showing `fields` as typed, with phase names in `m`.
    pub fn typed(fields: &AssemblyFields, m: &Messages) -> AssemblyForm {
        let field = |name: &str| fields.field(name).to_owned();
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

    /// An empty form for a new assembly, in the design phase.
    pub fn new_assembly(m: &Messages) -> AssemblyForm {
        let mut fields = AssemblyFields::default();
        fields.0.insert(
            "current_phase".to_owned(),
            Phase::Design.as_str().to_owned(),
        );
        AssemblyForm::typed(&fields, m)
    }

    /// The form filled with a stored assembly.
    pub fn stored(record: &AssemblyRecord, m: &Messages) -> AssemblyForm {
        let mut fields = AssemblyFields::default();
        let values = &mut fields.0;
        values.insert("title".into(), record.title.clone());
        values.insert("question".into(), record.question.clone());
        values.insert("authority".into(), record.authority.clone());
        values.insert("commitments".into(), record.commitments.join("\n"));
        values.insert(
            "current_phase".into(),
            record.current_phase.as_str().to_owned(),
        );
        for phase in &record.phases {
            let id = phase.phase.as_str();
            values.insert(
                format!("start_{id}"),
                phase.starts_on.clone().unwrap_or_default(),
            );
            values.insert(
                format!("end_{id}"),
                phase.ends_on.clone().unwrap_or_default(),
            );
        }
        AssemblyForm::typed(&fields, m)
    }
}

/// The form to create or edit an assembly.
#[derive(Template)]
#[template(path = "assembly_form.html")]
pub struct AssemblyFormPage {
    /// Chrome.
    pub c: Chrome,
    /// The heading.
    pub heading: String,
    /// Where the form posts.
    pub action: String,
    /// Validation errors.
    pub errors: Vec<String>,
    /// The values.
    pub f: AssemblyForm,
}

/// A person with a role, as shown in the workspace.
pub struct PersonView {
    /// The account, for the form that removes the role.
    pub account_id: i64,
    /// Display name.
    pub name: String,
    /// Translated role.
    pub role: String,
}

/// An assembly's staff workspace.
#[derive(Template)]
#[template(path = "workspace.html")]
pub struct WorkspacePage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly.
    pub a: AssemblyView,
    /// The page of people and roles shown.
    pub people: Vec<PersonView>,
    /// The page links of the people (issue 18, item 5).
    pub paging: crate::paging::Paging,
    /// The strings of lists.
    pub lists: &'static crate::i18n::lists::ListsMessages,
    /// The people search as typed (from a POST only).
    pub people_q: String,
    /// The role the people list is narrowed to, or empty.
    pub people_role: String,
    /// How many people match.
    pub people_total: i64,
    /// Whether the viewer may edit.
    pub can_edit: bool,
    /// Whether the viewer may see the moderation queue.
    pub can_see_queue: bool,
    /// Whether the viewer may assign roles (and take them away).
    pub can_assign: bool,
    /// The access pages' strings.
    pub t: &'static crate::i18n::access::AccessMessages,
    /// Whether to link the invitation lottery (organisers).
    pub can_recruit: bool,
    /// Whether to link the respondents page (organisers and observers).
    pub can_see_recruitment: bool,
    /// Whether to link the sessions and evidence pages (staff).
    pub can_see_sessions: bool,
    /// Whether to link the tables page (organisers and observers).
    pub can_see_tables: bool,
    /// The assignable roles (identifier, translated name).
    pub roles: Vec<(String, String)>,
    /// Errors of the role form.
    pub errors: Vec<String>,
    /// Whether the last change was saved.
    pub saved: bool,
    /// What happened when a member was added (no code is ever shown).
    pub notice: Option<&'static str>,
    /// The strings of the phase control.
    pub p: &'static crate::i18n::publish::PublishMessages,
    /// The phase control (issue 18, item 7).
    pub phase: PhaseControl,
    /// Whether to link the members' sign-in codes page (organisers).
    pub can_deliver_codes: bool,
    /// The assembly's latest staff invitations (for those who may assign roles).
    pub invitations: Vec<InvitationView>,
    /// The invitation strings.
    pub ti: &'static crate::i18n::invitations::InvitationMessages,
    /// A notice with figures.
    pub message: Option<String>,
    /// Whether emails can leave this server (invitations need it).
    pub mail_configured: bool,
    /// The staff roles an invitation may give (identifier, translated name).
    pub staff_roles: Vec<(String, String)>,
    /// The sign-in code pages' strings.
    pub tc: &'static crate::i18n::codes::CodeMessages,
}

/// A staff invitation as listed on the workspace.
pub struct InvitationView {
    /// The invitation.
    pub id: i64,
    /// The invited address.
    pub email: String,
    /// The role, in words.
    pub role: &'static str,
    /// Waiting, accepted, revoked or expired, in words.
    pub status: &'static str,
    /// Whether it can still be revoked.
    pub open: bool,
    /// The last day it can be accepted.
    pub expires: String,
}

/// One step of the phase control.
pub struct PhaseStep {
    /// `next` or `previous`, for the ids of the form's fields.
    pub key: &'static str,
    /// The identifier of the phase to move to.
    pub to: String,
    /// The button's words, naming the phase.
    pub submit: String,
    /// The confirmation's words, naming the phase.
    pub confirm: String,
}

/// The phase control of the workspace: one step forward or back, with a confirmation.
pub struct PhaseControl {
    /// The current phase's identifier (posted back, so a second click moves nothing twice).
    pub current: String,
    /// The steps the organiser may take: the next phase, then the previous one, where they exist.
    pub steps: Vec<PhaseStep>,
    /// What the last move did, when it just happened.
    pub moved: Option<String>,
    /// What is wrong with the last attempt.
    pub errors: Vec<String>,
}

/// The moderation queue.
#[derive(Template)]
#[template(path = "moderation.html")]
pub struct ModerationPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The page of pending comments shown.
    pub comments: Vec<CommentView>,
    /// Whether the viewer may approve or reject.
    pub can_moderate: bool,
    /// The bulk strings.
    pub b: &'static crate::i18n::bulk::BulkMessages,
    /// The page links of the pending comments (issue 18, item 5).
    pub paging: crate::paging::Paging,
}

/// An account as listed to administrators.
pub struct AccountView {
    /// The id, for the link to its page.
    pub id: i64,
    /// Whether it is disabled.
    pub disabled: bool,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Administrator?
    pub is_admin: bool,
}

/// The staff accounts page.
#[derive(Template)]
#[template(path = "accounts.html")]
pub struct AccountsPage {
    /// Chrome.
    pub c: Chrome,
    /// The access pages' strings.
    pub t: &'static crate::i18n::access::AccessMessages,
    /// Accounts.
    pub accounts: Vec<AccountView>,
    /// Errors of the form.
    pub errors: Vec<String>,
    /// Email as typed.
    pub email: String,
    /// Name as typed.
    pub display_name: String,
}

/// The API tokens page.
#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    /// Chrome.
    pub c: Chrome,
    /// (id, name, created on, expires on) of each live token.
    pub tokens: Vec<(i64, String, String, String)>,
    /// The access pages' strings.
    pub t: &'static crate::i18n::access::AccessMessages,
    /// A token just created, shown once.
    pub new_token: Option<String>,
    /// Errors of the form.
    pub errors: Vec<String>,
}
/// A live API token as shown on an account's page.
pub struct TokenView {
    /// The id.
    pub id: i64,
    /// Its owner's label.
    pub name: String,
    /// Created on (`YYYY-MM-DD`).
    pub created_on: String,
    /// Expires on (`YYYY-MM-DD`).
    pub expires_on: String,
}

/// One account's page, for administrators: its access and the forms that take it away or give it back.
#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    /// Chrome.
    pub c: Chrome,
    /// The access pages' strings.
    pub t: &'static crate::i18n::access::AccessMessages,
    /// The account's id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Administrator?
    pub is_admin: bool,
    /// Signs in with a password (otherwise with codes).
    pub password: bool,
    /// Disabled?
    pub disabled: bool,
    /// Its live API tokens.
    pub tokens: Vec<TokenView>,
    /// What the last change did.
    pub notice: Option<&'static str>,
    /// Why the last change was refused.
    pub error: Option<&'static str>,
}

/// The page that shows a password reset code once (no relay configured).
#[derive(Template)]
#[template(path = "reset_code.html")]
pub struct ResetCodePage {
    /// Chrome.
    pub c: Chrome,
    /// The access pages' strings.
    pub t: &'static crate::i18n::access::AccessMessages,
    /// The account.
    pub account_id: i64,
    /// Who to give it to and where it is used.
    pub intro: String,
    /// Until when it works.
    pub expires: String,
    /// The code, as printed.
    pub code: String,
}
