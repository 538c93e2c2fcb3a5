//! The message catalogue: every user-facing string, in English and French.
//!
//! Each catalogue is a struct with one field per string ([`Messages`] for the shared chrome, one per feature in
//! the files of this folder), so a language missing a string does not compile. Every catalogue is reached the
//! same way, `lang.t::<Catalogue>()` ([`Catalogue`]); placeholders are filled by [`fill`] (a test checks that
//! every language uses the same placeholders for a string) and counts are worded by [`plural`].
//! The language comes from `?lang=` (remembered in a cookie), then the cookie, then `Accept-Language`.

pub mod access;
pub mod assembly;
// Bulk actions and CSV imports with a preview (issue 18, item 1).
pub mod bulk;
// Members' sign-in code deliveries (issue 18, item 2).
pub mod codes;
// Community assemblies (issue 16, item 2).
pub mod community;
// The public conversation (issue 16, part 1).
pub mod conversation;
pub mod deliberation;
// A lottery number drawn physically in public (issue 18, item 8).
pub mod draw;
// The outcome of each email to respondents (issue 18, item 8).
pub mod emails;
pub mod impact;
// Editing and removing impact records, and their history (issue 18, item 8).
pub mod impact_edits;
// Staff invitations and the platform settings (issue 18, item 3).
pub mod invitations;
// Lists that scale and the registration questions page (issue 18, items 4 and 5).
pub mod lists;
// Proposals linked to sessions and tables, and their paged list (issue 18, items 5 and 8).
pub mod members;
pub mod panel;
pub mod proposals;
// Print-ready letters (issue 18, item 6).
pub mod print;
// Publishing and moderation (issue 18, items 7 and 8).
pub mod participation;
pub mod publish;
pub mod recruitment;
pub mod selection;

use domain::error::{Problem, ValidationError};
use domain::permission::Role;

pub use crate::i18n::assembly::AssemblyMessages;
pub use crate::i18n::deliberation::DeliberationMessages;
pub use crate::i18n::recruitment::RecruitmentMessages;
pub use crate::i18n::selection::SelectionMessages;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

impl Lang {
    /// The BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// Parses a code such as `fr` or `fr-CA`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by preference order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut candidates: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let lang = Lang::from_code(parts.next()?)?;
                let quality = parts
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                Some((quality, lang))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        candidates.first().map(|(_, lang)| *lang)
    }

    /// The catalogue of this language.
    pub fn messages(self) -> &'static Messages {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }

    /// The catalogue `C` in this language: the one way to reach any catalogue.
    pub fn t<C: Catalogue>(self) -> &'static C {
        C::of(self)
    }

    /// Every language, for checks that walk the catalogues.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];
}

/// A catalogue of strings with one value per language.
pub trait Catalogue: 'static {
    /// The catalogue in `lang`.
    fn of(lang: Lang) -> &'static Self;
}

impl Catalogue for Messages {
    fn of(lang: Lang) -> &'static Messages {
        lang.messages()
    }
}

/// Fills the `{name}` placeholders of a catalogue string with `values`. A placeholder without a value stays as
/// written and a value without a placeholder is ignored; the catalogue tests check that every language of a string
/// has the same placeholders, so a translation cannot lose one.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Serialises a long array of a catalogue as a sequence (serde's arrays stop at 32), for the catalogue tests.
pub(crate) fn as_slice<T: serde::Serialize, const N: usize, S: serde::Serializer>(
    items: &[T; N],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(items.as_slice(), serializer)
}

/// The `{name}` placeholders of a catalogue string, sorted.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A count with its noun in `lang`: `one` for 1 (and for 0 in French, which says "0 membre"), `other` otherwise;
/// `{n}` in either form is replaced by the count.
pub fn plural(lang: Lang, n: i64, one: &str, other: &str) -> String {
    let singular = match lang {
        Lang::En => n == 1,
        Lang::Fr => n == 0 || n == 1,
    };
    fill(if singular { one } else { other }, &[("n", &n.to_string())])
}

/// Every user-facing string of the interface.
#[allow(missing_docs)]
#[derive(serde::Serialize)]
pub struct Messages {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_link: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_login: &'static str,
    pub nav_logout: &'static str,
    pub nav_accounts: &'static str,
    pub nav_tokens: &'static str,
    pub nav_audit: &'static str,
    pub signed_in_as: &'static str,
    pub language_label: &'static str,
    pub other_language_name: &'static str,
    pub other_language_code: &'static str,
    pub footer: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub no_assemblies: &'static str,
    pub commissioned_by: &'static str,
    pub question_heading: &'static str,
    pub timeline_heading: &'static str,
    pub current_phase: &'static str,
    pub commitments_heading: &'static str,
    pub no_commitments: &'static str,
    pub date_tbd: &'static str,
    pub phase_col: &'static str,
    pub starts_col: &'static str,
    pub ends_col: &'static str,
    pub now_marker: &'static str,
    pub comments_heading: &'static str,
    pub comments_intro: &'static str,
    pub comment_label: &'static str,
    pub comment_hint: &'static str,
    pub comment_submit: &'static str,
    pub comment_thanks: &'static str,
    pub no_comments: &'static str,
    pub published_comments: &'static str,
    pub login_title: &'static str,
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub password_hint: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    pub login_locked: &'static str,
    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub display_name_label: &'static str,
    pub setup_submit: &'static str,
    pub setup_done: &'static str,
    pub dashboard_title: &'static str,
    pub dashboard_empty: &'static str,
    pub new_assembly: &'static str,
    pub public_page: &'static str,
    pub workspace: &'static str,
    pub edit: &'static str,
    pub moderate: &'static str,
    pub form_new_title: &'static str,
    pub form_edit_title: &'static str,
    pub title_label: &'static str,
    pub question_label: &'static str,
    pub authority_label: &'static str,
    pub commitments_label: &'static str,
    pub commitments_hint: &'static str,
    pub timeline_legend: &'static str,
    pub current_phase_label: &'static str,
    pub start_label: &'static str,
    pub end_label: &'static str,
    pub date_hint: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub form_errors_heading: &'static str,
    pub people_heading: &'static str,
    pub no_people: &'static str,
    pub assign_heading: &'static str,
    pub role_label: &'static str,
    pub assign_submit: &'static str,
    pub unknown_account: &'static str,
    pub moderation_title: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub nothing_pending: &'static str,
    pub accounts_title: &'static str,
    pub create_account: &'static str,
    pub is_admin_label: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub tokens_title: &'static str,
    pub tokens_intro: &'static str,
    pub token_name_label: &'static str,
    pub create_token: &'static str,
    pub token_created: &'static str,
    pub no_tokens: &'static str,
    pub audit_title: &'static str,
    pub audit_intact: &'static str,
    pub audit_broken: &'static str,
    pub audit_seq: &'static str,
    pub audit_when: &'static str,
    pub audit_who: &'static str,
    pub audit_action: &'static str,
    pub audit_entity: &'static str,
    pub audit_checked_since: &'static str,
    pub audit_swept: &'static str,
    pub audit_guarantee: &'static str,
    pub audit_pages: &'static str,
    pub audit_newer: &'static str,
    pub audit_older: &'static str,
    pub error_title: &'static str,
    pub err_not_found: &'static str,
    pub err_forbidden: &'static str,
    pub err_unauthorized: &'static str,
    pub err_csrf: &'static str,
    pub err_too_large: &'static str,
    pub err_bad_request: &'static str,
    pub err_conflict: &'static str,
    pub err_too_many: &'static str,
    pub err_rate_limited: &'static str,
    pub err_rate_limited_wait: &'static str,
    pub err_internal: &'static str,
    pub back_home: &'static str,
    pub code_title: &'static str,
    pub revoke: &'static str,
    pub member_name_label: &'static str,
    pub code_intro: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub code_failed: &'static str,
    pub code_link: &'static str,
    pub add_member_heading: &'static str,
    pub add_member_submit: &'static str,
    pub code_issued: &'static str,
    pub account_not_code_only: &'static str,
    pub member_exists_code_mailed: &'static str,
    pub member_exists_no_code: &'static str,
    pub staff_role_needs_password: &'static str,
    /// Links to recruitment's pages and its public count, for the workspace and an assembly's public page (the
    /// recruitment pages themselves use [`RecruitmentMessages`]).
    pub lottery_link: &'static str,
    pub respondents_link: &'static str,
    pub register_heading: &'static str,
    pub register_link: &'static str,
    pub registered_count: &'static str,
    /// A respondent's status change, asked on the respondents list and on the panel: the notice, and the reason's
    /// category from the fixed list (`domain::respondent::REASON_CATEGORIES`, same order: value and label).
    pub reason_notice: &'static str,
    pub reason_category_label: &'static str,
    pub reason_categories: [(&'static str, &'static str); 8],
    /// Links to the selection pages (quotas, runs, the panel, the public page) from the workspace and the public
    /// page of an assembly; the pages themselves use [`SelectionMessages`].
    pub quotas_link: &'static str,
    pub selection_link: &'static str,
    pub panel_link: &'static str,
    pub public_selection_link: &'static str,
    pub impact_link: &'static str,
    pub deliberation_link: &'static str,
    pub report_link: &'static str,
    pub scorecard_link: &'static str,
    pub evaluation_link: &'static str,
    /// Links to the assembly's pages (sessions, evidence, tables, "my assembly") from the workspace and the
    /// public page of an assembly; the pages themselves use [`AssemblyMessages`].
    pub mine_link: &'static str,
    pub sessions_link: &'static str,
    pub evidence_staff_link: &'static str,
    pub tables_link: &'static str,
    pub evidence_link: &'static str,
    problem_required: &'static str,
    problem_too_long: &'static str,
    problem_too_short: &'static str,
    problem_malformed: &'static str,
    problem_too_many: &'static str,
    problem_out_of_order: &'static str,
    phases: [&'static str; 8],
    roles: [&'static str; 7],
    /// The language of this catalogue, to reach the feature catalogues that label their own form fields.
    #[serde(skip)]
    lang: Lang,
}

impl Messages {
    /// The language of this catalogue.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The name of a phase, from its identifier (`design`, ...); the identifier itself if unknown.
    pub fn phase_name<'a>(&self, id: &'a str) -> &'a str
    where
        'static: 'a,
    {
        domain::phase::Phase::ALL
            .iter()
            .position(|phase| phase.as_str() == id)
            .map(|index| self.phases[index])
            .unwrap_or(id)
    }

    /// The name of a role.
    pub fn role_name(&self, role: Role) -> &'static str {
        let index = Role::ALL.iter().position(|r| *r == role).unwrap_or(0);
        self.roles[index]
    }

    /// The name of a role from its identifier.
    pub fn role_name_of(&self, id: &str) -> &'static str {
        Role::ALL
            .iter()
            .find(|role| role.as_str() == id)
            .map(|role| self.role_name(*role))
            .unwrap_or("?")
    }

    /// The label of a form field, for error messages.
    pub fn field_label(&self, field: &str) -> String {
        let phase_label = |prefix: &str, label: &str| {
            field
                .strip_prefix(prefix)
                .map(|phase| format!("{} — {label}", self.phase_name(phase)))
        };
        if let Some(label) =
            phase_label("start_", self.start_label).or_else(|| phase_label("end_", self.end_label))
        {
            return label;
        }
        match field {
            "title" => self.title_label,
            "question" => self.question_label,
            "authority" => self.authority_label,
            "commitments" => self.commitments_label,
            "current_phase" => self.current_phase_label,
            "email" => self.email_label,
            "password" => self.password_label,
            "display_name" => self.display_name_label,
            "body" => self.comment_label,
            "role" => self.role_label,
            "name" => self.token_name_label,
            "code" => self.code_label,
            "reason_category" => self.reason_category_label,
            "panel_size" => self.lang.t::<SelectionMessages>().panel_size_label,
            "seed_source" => self.lang.t::<SelectionMessages>().seed_source_label,
            "quotas" => self.lang.t::<SelectionMessages>().quotas_label,
            "algorithm" => self.lang.t::<SelectionMessages>().algorithm_label,
            other => {
                return self
                    .lang
                    .t::<AssemblyMessages>()
                    .field_label(other)
                    .or_else(|| self.lang.t::<RecruitmentMessages>().field_label(other))
                    .or_else(|| {
                        self.lang
                            .t::<community::CommunityMessages>()
                            .field_label(other)
                    })
                    .or_else(|| {
                        self.lang
                            .t::<conversation::ConversationMessages>()
                            .field_label(other)
                    })
                    .or_else(|| {
                        self.lang
                            .t::<participation::ParticipationMessages>()
                            .field_label(other)
                    })
                    .unwrap_or(other)
                    .to_owned();
            }
        }
        .to_owned()
    }

    /// A full sentence for a validation error: the field's label and the problem.
    pub fn describe(&self, error: &ValidationError) -> String {
        let problem = match error.problem {
            Problem::Required => self.problem_required.to_owned(),
            Problem::TooLong { max } => self.problem_too_long.replace("{n}", &max.to_string()),
            Problem::TooShort { min } => self.problem_too_short.replace("{n}", &min.to_string()),
            Problem::Malformed => self.problem_malformed.to_owned(),
            Problem::TooMany { max } => self.problem_too_many.replace("{n}", &max.to_string()),
            Problem::OutOfOrder => self.problem_out_of_order.to_owned(),
        };
        format!("{}: {problem}", self.field_label(&error.field))
    }
}

static EN: Messages = Messages {
    site_name: "Kleroterion",
    tagline: "Citizens' assemblies, from the first letter to the last recommendation",
    skip_link: "Skip to main content",
    nav_label: "Main",
    nav_home: "Assemblies",
    nav_dashboard: "Dashboard",
    nav_login: "Sign in",
    nav_logout: "Sign out",
    nav_accounts: "Accounts",
    nav_tokens: "API tokens",
    nav_audit: "Audit log",
    signed_in_as: "Signed in as",
    language_label: "Language",
    other_language_name: "Français",
    other_language_code: "fr",
    footer: "Kleroterion is free software for citizens' assemblies.",
    home_title: "Citizens' assemblies",
    home_intro: "Each assembly below answers a question put by a public authority. Read how it works and tell the organisers what you think of the process.",
    no_assemblies: "There is no assembly yet.",
    commissioned_by: "Commissioned by",
    question_heading: "The question",
    timeline_heading: "Timeline",
    current_phase: "Current phase",
    commitments_heading: "Commitments of the commissioning authority",
    no_commitments: "No commitment has been published yet.",
    date_tbd: "to be announced",
    phase_col: "Phase",
    starts_col: "Starts",
    ends_col: "Ends",
    now_marker: "(now)",
    comments_heading: "Comment on the design of the process",
    comments_intro: "How should this assembly work? Your comment is read by the organisers and published once approved. Do not include personal details.",
    comment_label: "Your comment",
    comment_hint: "Up to 2000 characters.",
    comment_submit: "Send comment",
    comment_thanks: "Thank you. Your comment will be published once an organiser has approved it.",
    no_comments: "No comment has been published yet.",
    published_comments: "Published comments",
    login_title: "Sign in",
    email_label: "Email address",
    password_label: "Password",
    password_hint: "At least 12 characters.",
    login_submit: "Sign in",
    login_failed: "The email address or the password is wrong.",
    login_locked: "Too many failed attempts: this account is locked for 15 minutes.",
    setup_title: "Create the first administrator",
    setup_intro: "Kleroterion has no administrator yet. The account you create here can create assemblies and other accounts.",
    display_name_label: "Your name",
    setup_submit: "Create administrator",
    setup_done: "The platform already has an administrator. Sign in instead.",
    dashboard_title: "Your assemblies",
    dashboard_empty: "You have no role in any assembly yet.",
    new_assembly: "Create an assembly",
    public_page: "Public page",
    workspace: "Workspace",
    edit: "Edit",
    moderate: "Moderate comments",
    form_new_title: "New assembly",
    form_edit_title: "Edit the assembly",
    title_label: "Title",
    question_label: "Question (remit)",
    authority_label: "Commissioning authority",
    commitments_label: "Commitments",
    commitments_hint: "One commitment per line, for example: a public response to every recommendation within 12 weeks.",
    timeline_legend: "Timeline",
    current_phase_label: "Current phase",
    start_label: "Start",
    end_label: "End",
    date_hint: "Dates as YYYY-MM-DD; leave empty if not known yet.",
    save: "Save",
    saved: "Saved.",
    form_errors_heading: "Please correct the following:",
    people_heading: "People and roles",
    no_people: "Nobody has a role in this assembly yet.",
    assign_heading: "Give someone a role",
    role_label: "Role",
    assign_submit: "Assign role",
    unknown_account: "There is no account with this email address.",
    moderation_title: "Comments waiting for moderation",
    approve: "Approve",
    reject: "Reject",
    nothing_pending: "No comment is waiting for moderation.",
    accounts_title: "Staff accounts",
    create_account: "Create account",
    is_admin_label: "Platform administrator",
    yes: "yes",
    no: "no",
    tokens_title: "API tokens",
    tokens_intro: "Scripts use a token in the header Authorization: Bearer TOKEN. A token acts with your roles.",
    token_name_label: "Token name",
    create_token: "Create token",
    token_created: "Copy this token now, it will not be shown again:",
    no_tokens: "You have no API token.",
    audit_title: "Audit log",
    audit_intact: "The hash chain is intact. Entries:",
    audit_broken: "The hash chain is broken at entry",
    audit_seq: "Entry",
    audit_when: "When (UTC)",
    audit_who: "Account",
    audit_action: "Action",
    audit_entity: "Subject",
    audit_checked_since: "Entries written since the last check, at entry",
    audit_swept: "Older entries re-checked now:",
    audit_guarantee: "Each view checks the entries written since the previous view, that the entry checked last still has the hash it had then, and the next 10,000 older entries in turn, so every entry is re-checked over successive views. The command klero audit verify checks the whole chain at once, and with a saved anchor (--anchor) it also finds a rewrite of the whole log.",
    audit_pages: "Pages of the audit log",
    audit_newer: "Newer entries",
    audit_older: "Older entries",
    error_title: "Something went wrong",
    err_not_found: "This page does not exist.",
    err_forbidden: "You are not allowed to do this.",
    err_unauthorized: "Please sign in first.",
    err_csrf: "This form has expired or did not come from this site. Reload the page and try again.",
    err_too_large: "What you sent is too large.",
    err_bad_request: "The request could not be understood.",
    err_conflict: "This conflicts with existing data.",
    err_too_many: "Too many attempts. Please wait and try again.",
    err_rate_limited: "Too many submissions came from your connection recently, so this one was not saved. This limit stops automated scripts; if you share a connection with many people (a library, an event's Wi-Fi), please try again later.",
    err_rate_limited_wait: "You can try again in about {minutes} minutes.",
    err_internal: "An internal error occurred. It has been logged.",
    code_title: "Sign in with a code",
    revoke: "Revoke",
    member_name_label: "Member's name",
    code_intro: "Assembly members sign in with the one-time code they were given, without a password.",
    code_label: "Your one-time code",
    code_hint: "12 characters, for example 7KQ2-M9XA-3HPD.",
    code_failed: "The email address or the code is wrong, or the code was already used or has expired.",
    code_link: "Assembly member? Sign in with your code",
    add_member_heading: "Add a member (signs in with a one-time code)",
    add_member_submit: "Add member and issue a code",
    code_issued: "One-time code, shown only once and valid for 30 days, for",
    account_not_code_only: "This email belongs to an account that signs in with a password or has a staff role; it cannot be given a sign-in code. Use the member's own email address.",
    member_exists_code_mailed: "An account with this email already existed; it is now a member here, and a new sign-in code was emailed to its owner (codes of existing accounts are never shown).",
    member_exists_no_code: "An account with this email already existed; it is now a member here. Its owner signs in as before: codes of existing accounts are never shown, and this server has no email relay to send a new one.",
    staff_role_needs_password: "Staff roles can only be given to accounts that sign in with a password; this account signs in with one-time codes.",
    lottery_link: "Invitation lottery",
    respondents_link: "Respondents",
    register_heading: "Register for the assembly",
    register_link: "Received an invitation letter? Register with your code",
    registered_count: "Registrations so far:",
    reason_notice: "Each change needs a reason from the list, recorded in the audit log, and a note in words, kept with the person's record (never in the audit log) and erased with it. Choosing Erased deletes the person's name, contact details and access needs for good and keeps only their anonymous answers.",
    reason_category_label: "Reason",
    reason_categories: [
        ("checked", "Answers or eligibility checked"),
        ("their_request", "At the person's own request"),
        ("unreachable", "Could not be reached"),
        ("ineligible", "Does not meet the criteria"),
        ("duplicate", "Registered twice"),
        ("replacement", "Seat filled by a replacement"),
        ("correction", "Correcting an earlier change"),
        ("other", "Other (the note says why)"),
    ],
    quotas_link: "Quotas",
    selection_link: "Selection",
    panel_link: "Panel: confirmations and replacements",
    public_selection_link: "How the panel was selected",
    impact_link: "Impact and follow-up",
    deliberation_link: "Proposals, ballots and recommendations",
    report_link: "Final report (public, printable)",
    scorecard_link: "Scorecard: what became of the recommendations",
    evaluation_link: "Evaluation report",
    mine_link: "My assembly",
    sessions_link: "Sessions",
    evidence_staff_link: "Evidence and speakers",
    tables_link: "Tables",
    evidence_link: "Evidence library and speakers",
    back_home: "Back to the assemblies",
    problem_required: "is required",
    problem_too_long: "must be at most {n} characters",
    problem_too_short: "must be at least {n} characters",
    problem_malformed: "is not valid",
    problem_too_many: "must have at most {n} items",
    problem_out_of_order: "dates are out of order (a phase must end after it starts, and phases start in order)",
    phases: [
        "Design",
        "Recruitment",
        "Selection",
        "Learning",
        "Deliberation",
        "Decision",
        "Response",
        "Follow-up",
    ],
    roles: [
        "Public",
        "Member",
        "Authority staff",
        "Observer",
        "Facilitator",
        "Organiser",
        "Administrator",
    ],
    lang: Lang::En,
};

static FR: Messages = Messages {
    site_name: "Kleroterion",
    tagline: "Assemblées citoyennes, de la première lettre à la dernière recommandation",
    skip_link: "Aller au contenu principal",
    nav_label: "Principale",
    nav_home: "Assemblées",
    nav_dashboard: "Tableau de bord",
    nav_login: "Se connecter",
    nav_logout: "Se déconnecter",
    nav_accounts: "Comptes",
    nav_tokens: "Jetons d'API",
    nav_audit: "Journal d'audit",
    signed_in_as: "Connecté·e en tant que",
    language_label: "Langue",
    other_language_name: "English",
    other_language_code: "en",
    footer: "Kleroterion est un logiciel libre pour les assemblées citoyennes.",
    home_title: "Assemblées citoyennes",
    home_intro: "Chaque assemblée ci-dessous répond à une question posée par une autorité publique. Découvrez son fonctionnement et dites aux organisateurs ce que vous pensez du processus.",
    no_assemblies: "Il n'y a encore aucune assemblée.",
    commissioned_by: "Commanditée par",
    question_heading: "La question",
    timeline_heading: "Calendrier",
    current_phase: "Phase en cours",
    commitments_heading: "Engagements de l'autorité commanditaire",
    no_commitments: "Aucun engagement n'a encore été publié.",
    date_tbd: "à annoncer",
    phase_col: "Phase",
    starts_col: "Début",
    ends_col: "Fin",
    now_marker: "(en cours)",
    comments_heading: "Commenter la conception du processus",
    comments_intro: "Comment cette assemblée devrait-elle fonctionner ? Votre commentaire est lu par les organisateurs et publié après validation. N'y mettez pas d'informations personnelles.",
    comment_label: "Votre commentaire",
    comment_hint: "2000 caractères au plus.",
    comment_submit: "Envoyer le commentaire",
    comment_thanks: "Merci. Votre commentaire sera publié dès qu'un organisateur l'aura validé.",
    no_comments: "Aucun commentaire n'a encore été publié.",
    published_comments: "Commentaires publiés",
    login_title: "Connexion",
    email_label: "Adresse e-mail",
    password_label: "Mot de passe",
    password_hint: "Au moins 12 caractères.",
    login_submit: "Se connecter",
    login_failed: "L'adresse e-mail ou le mot de passe est incorrect.",
    login_locked: "Trop de tentatives échouées : ce compte est bloqué pendant 15 minutes.",
    setup_title: "Créer le premier administrateur",
    setup_intro: "Kleroterion n'a pas encore d'administrateur. Le compte créé ici pourra créer des assemblées et d'autres comptes.",
    display_name_label: "Votre nom",
    setup_submit: "Créer l'administrateur",
    setup_done: "La plateforme a déjà un administrateur. Connectez-vous.",
    dashboard_title: "Vos assemblées",
    dashboard_empty: "Vous n'avez encore de rôle dans aucune assemblée.",
    new_assembly: "Créer une assemblée",
    public_page: "Page publique",
    workspace: "Espace de travail",
    edit: "Modifier",
    moderate: "Modérer les commentaires",
    form_new_title: "Nouvelle assemblée",
    form_edit_title: "Modifier l'assemblée",
    title_label: "Titre",
    question_label: "Question (mandat)",
    authority_label: "Autorité commanditaire",
    commitments_label: "Engagements",
    commitments_hint: "Un engagement par ligne, par exemple : une réponse publique à chaque recommandation sous 12 semaines.",
    timeline_legend: "Calendrier",
    current_phase_label: "Phase en cours",
    start_label: "Début",
    end_label: "Fin",
    date_hint: "Dates au format AAAA-MM-JJ ; laisser vide si elles ne sont pas encore connues.",
    save: "Enregistrer",
    saved: "Enregistré.",
    form_errors_heading: "Veuillez corriger les points suivants :",
    people_heading: "Personnes et rôles",
    no_people: "Personne n'a encore de rôle dans cette assemblée.",
    assign_heading: "Attribuer un rôle",
    role_label: "Rôle",
    assign_submit: "Attribuer le rôle",
    unknown_account: "Aucun compte n'a cette adresse e-mail.",
    moderation_title: "Commentaires en attente de modération",
    approve: "Approuver",
    reject: "Rejeter",
    nothing_pending: "Aucun commentaire n'attend de modération.",
    accounts_title: "Comptes de l'équipe",
    create_account: "Créer le compte",
    is_admin_label: "Administrateur de la plateforme",
    yes: "oui",
    no: "non",
    tokens_title: "Jetons d'API",
    tokens_intro: "Les scripts envoient un jeton dans l'en-tête Authorization: Bearer JETON. Un jeton agit avec vos rôles.",
    token_name_label: "Nom du jeton",
    create_token: "Créer le jeton",
    token_created: "Copiez ce jeton maintenant, il ne sera plus affiché :",
    no_tokens: "Vous n'avez aucun jeton d'API.",
    audit_title: "Journal d'audit",
    audit_intact: "La chaîne de hachage est intacte. Entrées :",
    audit_broken: "La chaîne de hachage est rompue à l'entrée",
    audit_seq: "Entrée",
    audit_when: "Date (UTC)",
    audit_who: "Compte",
    audit_action: "Action",
    audit_entity: "Objet",
    audit_checked_since: "Entrées écrites depuis la dernière vérification, à l'entrée",
    audit_swept: "Entrées plus anciennes revérifiées maintenant :",
    audit_guarantee: "Chaque consultation vérifie les entrées écrites depuis la précédente, que l'entrée vérifiée en dernier a toujours le même hachage, et à tour de rôle les 10 000 entrées plus anciennes suivantes : chaque entrée est ainsi revérifiée au fil des consultations. La commande klero audit verify vérifie toute la chaîne d'un coup et, avec une ancre sauvegardée (--anchor), trouve aussi une réécriture du journal entier.",
    audit_pages: "Pages du journal d'audit",
    audit_newer: "Entrées plus récentes",
    audit_older: "Entrées plus anciennes",
    error_title: "Une erreur est survenue",
    err_not_found: "Cette page n'existe pas.",
    err_forbidden: "Vous n'avez pas le droit de faire cela.",
    err_unauthorized: "Veuillez d'abord vous connecter.",
    err_csrf: "Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et réessayez.",
    err_too_large: "L'envoi est trop volumineux.",
    err_bad_request: "La requête est incompréhensible.",
    err_conflict: "Cela entre en conflit avec des données existantes.",
    err_too_many: "Trop de tentatives. Patientez puis réessayez.",
    err_rate_limited: "Trop d'envois sont venus de votre connexion ces derniers temps : celui-ci n'a pas été enregistré. Cette limite arrête les scripts automatiques ; si vous partagez une connexion avec beaucoup de monde (une bibliothèque, le Wi-Fi d'un événement), réessayez plus tard.",
    err_rate_limited_wait: "Vous pourrez réessayer dans environ {minutes} minutes.",
    err_internal: "Une erreur interne est survenue. Elle a été enregistrée.",
    code_title: "Connexion avec un code",
    revoke: "Révoquer",
    member_name_label: "Nom du membre",
    code_intro: "Les membres de l'assemblée se connectent avec le code à usage unique qui leur a été remis, sans mot de passe.",
    code_label: "Votre code à usage unique",
    code_hint: "12 caractères, par exemple 7KQ2-M9XA-3HPD.",
    code_failed: "L'adresse e-mail ou le code est incorrect, ou le code a déjà servi ou a expiré.",
    code_link: "Membre d'une assemblée ? Connectez-vous avec votre code",
    add_member_heading: "Ajouter un membre (connexion par code à usage unique)",
    add_member_submit: "Ajouter le membre et émettre un code",
    code_issued: "Code à usage unique, affiché une seule fois et valable 30 jours, pour",
    account_not_code_only: "Cette adresse appartient à un compte qui se connecte avec un mot de passe ou qui a un rôle d'équipe ; il ne peut pas recevoir de code de connexion. Utilisez l'adresse du membre lui-même.",
    member_exists_code_mailed: "Un compte existait déjà avec cette adresse ; il est maintenant membre ici, et un nouveau code de connexion a été envoyé par courriel à son titulaire (les codes des comptes existants ne sont jamais affichés).",
    member_exists_no_code: "Un compte existait déjà avec cette adresse ; il est maintenant membre ici. Son titulaire se connecte comme avant : les codes des comptes existants ne sont jamais affichés, et ce serveur n'a pas de relais de courriel pour en envoyer un nouveau.",
    staff_role_needs_password: "Les rôles d'équipe ne peuvent être donnés qu'à des comptes qui se connectent avec un mot de passe ; ce compte se connecte avec des codes à usage unique.",
    lottery_link: "Tirage au sort des invitations",
    respondents_link: "Répondants",
    register_heading: "S'inscrire à l'assemblée",
    register_link: "Vous avez reçu une lettre d'invitation ? Inscrivez-vous avec votre code",
    registered_count: "Inscriptions à ce jour :",
    reason_notice: "Chaque changement demande un motif choisi dans la liste, inscrit au journal d'audit, et une note, gardée avec la fiche de la personne (jamais dans le journal d'audit) et effacée avec elle. Choisir Effacé·e supprime définitivement le nom, les coordonnées et les besoins d'accessibilité de la personne et ne garde que ses réponses anonymes.",
    reason_category_label: "Motif",
    reason_categories: [
        ("checked", "Réponses ou éligibilité vérifiées"),
        ("their_request", "À la demande de la personne"),
        ("unreachable", "Injoignable"),
        ("ineligible", "Ne remplit pas les critères"),
        ("duplicate", "Inscrite deux fois"),
        ("replacement", "Place donnée à un remplaçant"),
        ("correction", "Correction d'un changement précédent"),
        ("other", "Autre (la note dit pourquoi)"),
    ],
    quotas_link: "Quotas",
    selection_link: "Sélection",
    panel_link: "Panel : confirmations et remplacements",
    public_selection_link: "Comment le panel a été tiré",
    impact_link: "Impact et suivi",
    deliberation_link: "Propositions, scrutins et recommandations",
    report_link: "Rapport final (public, imprimable)",
    scorecard_link: "Bilan : ce que sont devenues les recommandations",
    evaluation_link: "Rapport d'évaluation",
    mine_link: "Mon assemblée",
    sessions_link: "Séances",
    evidence_staff_link: "Éléments d'information et intervenants",
    tables_link: "Tables",
    evidence_link: "Bibliothèque et intervenants",
    back_home: "Retour aux assemblées",
    problem_required: "est obligatoire",
    problem_too_long: "doit faire au plus {n} caractères",
    problem_too_short: "doit faire au moins {n} caractères",
    problem_malformed: "n'est pas valide",
    problem_too_many: "doit compter au plus {n} éléments",
    problem_out_of_order: "les dates ne sont pas dans l'ordre (une phase finit après avoir commencé, et les phases commencent dans l'ordre)",
    phases: [
        "Conception",
        "Recrutement",
        "Tirage au sort",
        "Information",
        "Délibération",
        "Décision",
        "Réponse",
        "Suivi",
    ],
    roles: [
        "Public",
        "Membre",
        "Autorité commanditaire",
        "Observateur·rice",
        "Facilitateur·rice",
        "Organisateur·rice",
        "Administrateur·rice",
    ],
    lang: Lang::Fr,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string leaf of a serialised catalogue, by its path.
    fn leaves(value: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::String(text) => out.push((path, text.clone())),
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    leaves(item, format!("{path}[{index}]"), out);
                }
            }
            serde_json::Value::Object(fields) => {
                for (name, item) in fields {
                    leaves(item, format!("{path}.{name}"), out);
                }
            }
            _ => {}
        }
    }

    fn strings<C: Catalogue + serde::Serialize>(lang: Lang) -> Vec<(String, String)> {
        let value = serde_json::to_value(lang.t::<C>()).expect("a catalogue serialises");
        let mut out = Vec::new();
        leaves(&value, String::new(), &mut out);
        out
    }

    fn same_placeholders<C: Catalogue + serde::Serialize>(name: &str) -> Vec<String> {
        let english = strings::<C>(Lang::En);
        assert!(english.len() > 10, "{name}: only {} strings", english.len());
        let mut wrong = Vec::new();
        for lang in Lang::ALL {
            let other = strings::<C>(lang);
            assert_eq!(
                other.len(),
                english.len(),
                "{name} in {lang:?}: another shape"
            );
            for ((path, en), (_, text)) in english.iter().zip(&other) {
                if placeholders(en) != placeholders(text) {
                    wrong.push(format!(
                        "{name}{path} in {}: {:?} but English has {:?}",
                        lang.code(),
                        placeholders(text),
                        placeholders(en)
                    ));
                }
            }
        }
        wrong
    }

    #[test]
    fn every_language_has_the_placeholders_of_english_for_every_string() {
        let mut wrong = same_placeholders::<Messages>("Messages");
        wrong.extend(same_placeholders::<impact::ImpactMessages>(
            "ImpactMessages",
        ));
        wrong.extend(same_placeholders::<members::MemberMessages>(
            "MemberMessages",
        ));
        wrong.extend(same_placeholders::<panel::PanelMessages>("PanelMessages"));
        wrong.extend(same_placeholders::<bulk::BulkMessages>("BulkMessages"));
        wrong.extend(same_placeholders::<access::AccessMessages>(
            "AccessMessages",
        ));
        wrong.extend(same_placeholders::<DeliberationMessages>(
            "DeliberationMessages",
        ));
        wrong.extend(same_placeholders::<assembly::AssemblyMessages>(
            "AssemblyMessages",
        ));
        wrong.extend(same_placeholders::<recruitment::RecruitmentMessages>(
            "RecruitmentMessages",
        ));
        wrong.extend(same_placeholders::<SelectionMessages>("SelectionMessages"));
        wrong.extend(same_placeholders::<community::CommunityMessages>(
            "CommunityMessages",
        ));
        wrong.extend(same_placeholders::<conversation::ConversationMessages>(
            "ConversationMessages",
        ));
        wrong.extend(same_placeholders::<print::PrintMessages>("PrintMessages"));
        wrong.extend(same_placeholders::<emails::EmailMessages>("EmailMessages"));
        wrong.extend(same_placeholders::<draw::DrawMessages>("DrawMessages"));
        wrong.extend(same_placeholders::<publish::PublishMessages>(
            "PublishMessages",
        ));
        wrong.extend(same_placeholders::<participation::ParticipationMessages>(
            "ParticipationMessages",
        ));
        wrong.extend(same_placeholders::<codes::CodeMessages>("CodeMessages"));
        wrong.extend(same_placeholders::<invitations::InvitationMessages>(
            "InvitationMessages",
        ));
        wrong.extend(same_placeholders::<lists::ListsMessages>("ListsMessages"));
        wrong.extend(same_placeholders::<proposals::ProposalMessages>(
            "ProposalMessages",
        ));
        wrong.extend(same_placeholders::<impact_edits::ImpactEditMessages>(
            "ImpactEditMessages",
        ));
        assert!(
            wrong.is_empty(),
            "placeholders differ:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn fill_replaces_known_placeholders_and_keeps_the_rest() {
        assert_eq!(
            fill("{a} and {b}", &[("a", "1"), ("b", "{a}")]),
            "1 and {a}"
        );
        assert_eq!(fill("{missing} {", &[("a", "1")]), "{missing} {");
        assert_eq!(
            placeholders("{n} of {total}, {n}; {not a name}"),
            ["n", "total"]
        );
    }

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(
            plural(Lang::En, 0, "{n} member", "{n} members"),
            "0 members"
        );
        assert_eq!(plural(Lang::En, 1, "{n} member", "{n} members"), "1 member");
        assert_eq!(plural(Lang::Fr, 0, "{n} membre", "{n} membres"), "0 membre");
        assert_eq!(
            plural(Lang::Fr, 2, "{n} membre", "{n} membres"),
            "2 membres"
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(
            Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,en;q=0.5,fr;q=0.7"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn validation_errors_read_as_sentences_in_both_languages() {
        let error = ValidationError::new("start_selection", Problem::Malformed);
        assert_eq!(EN.describe(&error), "Selection — Start: is not valid");
        assert_eq!(
            FR.describe(&error),
            "Tirage au sort — Début: n'est pas valide"
        );
        let error = ValidationError::new("title", Problem::TooLong { max: 200 });
        assert_eq!(
            FR.describe(&error),
            "Titre: doit faire au plus 200 caractères"
        );
    }
}
