//! Roles and the permission table: the one place that decides what each role may do.
//!
//! Every route of the web server names one [`Action`]; a middleware asks [`allowed`] before the handler runs,
//! and a test walks every route with every role and compares the HTTP outcome with this table.

use crate::error::{Problem, ValidationError};

/// What a person is, for the assembly (or the platform page) they are looking at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Anyone, signed in or not, with no role in the assembly.
    Public,
    /// A drawn member of the assembly.
    Member,
    /// Staff of the commissioning authority: answers the recommendations and records their implementation,
    /// and sees neither the members' strategy nor anyone's personal data.
    Authority,
    /// A member of the oversight group: sees everything, changes nothing but its judgements of how faithfully
    /// recommendations were implemented.
    Observer,
    /// Runs tables and sessions.
    Facilitator,
    /// Runs the assembly: edits it, moderates, assigns roles.
    Organiser,
    /// Platform administrator: may do everything, on every assembly.
    Admin,
}

impl Role {
    /// Every role, from the least to the most powerful.
    pub const ALL: [Role; 7] = [
        Role::Public,
        Role::Member,
        Role::Authority,
        Role::Observer,
        Role::Facilitator,
        Role::Organiser,
        Role::Admin,
    ];

    /// The roles that can be assigned to an account for one assembly.
    pub const ASSIGNABLE: [Role; 5] = [
        Role::Organiser,
        Role::Facilitator,
        Role::Member,
        Role::Observer,
        Role::Authority,
    ];

    /// The stable identifier used in storage, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::Member => "member",
            Role::Authority => "authority",
            Role::Observer => "observer",
            Role::Facilitator => "facilitator",
            Role::Organiser => "organiser",
            Role::Admin => "admin",
        }
    }

    /// Parses one of [`Role::ASSIGNABLE`] (the only roles stored per assembly).
    pub fn parse_assignable(field: &str, raw: &str) -> Result<Role, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ValidationError::new(field, Problem::Required));
        }
        Role::ASSIGNABLE
            .into_iter()
            .find(|role| role.as_str() == raw)
            .ok_or_else(|| ValidationError::new(field, Problem::Malformed))
    }
}

/// Something a person may try to do; each route of the server performs exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read public pages: the list of assemblies, an assembly's public page, approved comments, health checks.
    ViewPublic,
    /// Post a comment on the design of the process (held for moderation).
    CommentOnDesign,
    /// Sign in or out, or run the first-run setup (open to everyone by nature).
    Authenticate,
    /// See the staff dashboard of one's assemblies.
    ViewDashboard,
    /// See an assembly's workspace (details, people and their roles).
    ViewWorkspace,
    /// Create a new assembly (organisers only when the platform administrator allows it: `app::assemblies`
    /// checks the setting).
    CreateAssembly,
    /// Edit an assembly's title, question, authority, commitments and timeline.
    EditAssembly,
    /// See comments waiting for moderation.
    ViewModerationQueue,
    /// Approve or reject a comment.
    ModerateComments,
    /// Give an account a role in an assembly, or take it away.
    AssignRoles,
    /// Create and list one's own API tokens.
    ManageOwnTokens,
    /// Change one's own password (accounts that sign in with one; the handler refuses code-only accounts).
    ChangeOwnPassword,
    /// Create staff accounts, disable and enable them, end their sessions, reset their passwords and revoke their
    /// API tokens.
    ManageAccounts,
    /// Read the audit log and check its chain.
    ViewAuditLog,
    /// Register for an assembly through its public form, with an invitation code.
    Register,
    /// See how recruitment is going: counts of invitations and respondents, never personal data.
    ViewRecruitment,
    /// Run the invitation lottery, print the letters and see respondents' personal data.
    ManageRecruitment,
    /// See the impact workspace of an assembly: recommendations, responses, milestones, fidelity.
    ViewImpact,
    /// Set the final report date and response deadline, enter or import recommendations, publish talking points.
    ManageImpact,
    /// Record the authority's responses and implementation milestones (the authority, or organisers on its behalf).
    RespondToRecommendations,
    /// Judge how faithfully a recommendation was implemented (the oversight group or the members).
    JudgeFidelity,
    /// See the change strategy: tactics, allies and the power map (members' and organisers' working material).
    ViewStrategy,
    /// Log tactics, allies and power-map actors.
    PlanStrategy,
    /// Opt in to follow-up as an advocate, log one's advocacy actions and answer the members' surveys.
    Advocate,
    /// Answer the public evaluation survey (awareness and support).
    AnswerPublicSurvey,
    /// See one's own schedule in an assembly: sessions, agenda, one's own table, speakers to question.
    ViewMyAssembly,
    /// See the sessions, their attendance counts, the evidence library with members' questions and requests.
    ViewSessions,
    /// Create sessions and agenda items, add evidence and speakers.
    ManageSessions,
    /// Fill the attendance register of a session (at the door, on a phone).
    TakeAttendance,
    /// Ask a speaker a question or ask for a speaker (members).
    AskSpeakers,
    /// Comment on the balance of perspectives heard (the oversight group).
    CommentOnBalance,
    /// See who sits at which table in every session, and the allocation's measures.
    ViewTables,
    /// Enter members' feature values, allocate tables, pin and swap members.
    ManageTables,
    /// See the assembly's proposals, amendments, ballots (results only once closed) and recommendations.
    ViewDeliberation,
    /// Draft proposals, propose and decide amendments (drafters), comment, and attach minority reports.
    DraftProposals,
    /// Cast a secret vote (the handler also requires the member role: an administrator has no vote).
    Vote,
    /// Define, open and close ballots.
    ManageBallots,
    /// Type one of the two independent entries of paper ballots.
    EnterPaperBallots,
    /// Make a passed proposal a recommendation.
    AdoptRecommendations,
    // Community assemblies (issue 16, item 2).
    /// Register as the host of a community assembly, manage it with one's host key, submit its outcomes.
    HostCommunityAssembly,
    /// Open or close the community phase, write the facilitation guide, moderate community assembly outcomes.
    ManageCommunity,
    // The public conversation (issue 16, part 1).
    /// Take part in an assembly's public conversation: vote, submit statements, erase one's own (anonymous).
    ParticipateInConversation,
    /// See the conversation's moderation queue and accept or reject statements.
    ModerateConversation,
    /// Set the conversation's prompt and moderation mode, seed statements, recompute, publish and import.
    ConfigureConversation,
    // Publishing and moderation (issue 18, items 7 and 8).
    /// Publish the final report and the recommendations, or withdraw their publication.
    PublishReport,
    /// Accept or reject members' questions to speakers before they go public.
    ModerateQuestions,
    // Members' sign-in codes (issue 18, item 2).
    /// See how members' sign-in codes were delivered (never a code), send them again, change their channel, and
    /// print the sealed letters of members without email.
    DeliverCodes,
    // Staff invitations and platform settings (issue 18, item 3).
    /// Change the platform's settings (whether organisers may create assemblies).
    ManagePlatformSettings,
}

impl Action {
    /// Every action, for tests that walk the whole table.
    pub const ALL: [Action; 48] = [
        Action::ViewPublic,
        Action::CommentOnDesign,
        Action::Authenticate,
        Action::ViewDashboard,
        Action::ViewWorkspace,
        Action::CreateAssembly,
        Action::EditAssembly,
        Action::ViewModerationQueue,
        Action::ModerateComments,
        Action::AssignRoles,
        Action::ManageOwnTokens,
        Action::ChangeOwnPassword,
        Action::ManageAccounts,
        Action::ViewAuditLog,
        Action::Register,
        Action::ViewRecruitment,
        Action::ManageRecruitment,
        Action::ViewImpact,
        Action::ManageImpact,
        Action::RespondToRecommendations,
        Action::JudgeFidelity,
        Action::ViewStrategy,
        Action::PlanStrategy,
        Action::Advocate,
        Action::AnswerPublicSurvey,
        Action::ViewMyAssembly,
        Action::ViewSessions,
        Action::ManageSessions,
        Action::TakeAttendance,
        Action::AskSpeakers,
        Action::CommentOnBalance,
        Action::ViewTables,
        Action::ManageTables,
        Action::ViewDeliberation,
        Action::DraftProposals,
        Action::Vote,
        Action::ManageBallots,
        Action::EnterPaperBallots,
        Action::AdoptRecommendations,
        // Community assemblies.
        Action::HostCommunityAssembly,
        Action::ManageCommunity,
        // The public conversation.
        Action::ParticipateInConversation,
        Action::ModerateConversation,
        Action::ConfigureConversation,
        // Publishing and moderation.
        Action::PublishReport,
        Action::ModerateQuestions,
        // Members' sign-in codes.
        Action::DeliverCodes,
        // Staff invitations and platform settings.
        Action::ManagePlatformSettings,
    ];
}

/// The permission table. For assembly pages `role` is the person's role in that assembly;
/// for platform pages it is their highest role in any assembly (or `Admin`).
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewPublic | CommentOnDesign | Authenticate | Register | AnswerPublicSurvey => true,
        ViewDashboard | ChangeOwnPassword => matches!(
            role,
            Member | Authority | Observer | Facilitator | Organiser | Admin
        ),
        ViewWorkspace => matches!(role, Member | Observer | Facilitator | Organiser | Admin),
        ViewImpact => matches!(
            role,
            Member | Authority | Observer | Facilitator | Organiser | Admin
        ),
        RespondToRecommendations => matches!(role, Authority | Organiser | Admin),
        JudgeFidelity => matches!(role, Member | Observer | Admin),
        ViewStrategy => matches!(role, Member | Observer | Facilitator | Organiser | Admin),
        PlanStrategy => matches!(role, Member | Facilitator | Organiser | Admin),
        Advocate => matches!(role, Member | Admin),
        ViewModerationQueue => matches!(role, Observer | Facilitator | Organiser | Admin),
        ManageOwnTokens => matches!(role, Observer | Facilitator | Organiser | Admin),
        ViewRecruitment => matches!(role, Observer | Organiser | Admin),
        EditAssembly | ModerateComments | AssignRoles | ManageRecruitment | ManageImpact => {
            matches!(role, Organiser | Admin)
        }
        ManageAccounts | ViewAuditLog => matches!(role, Admin),
        // Organisers too, when the platform setting allows it (checked by the use case, issue 18).
        CreateAssembly => matches!(role, Organiser | Admin),
        ViewMyAssembly => matches!(role, Member | Observer | Facilitator | Organiser | Admin),
        ViewSessions => matches!(role, Observer | Facilitator | Organiser | Admin),
        TakeAttendance => matches!(role, Facilitator | Organiser | Admin),
        AskSpeakers => matches!(role, Member | Admin),
        CommentOnBalance => matches!(role, Observer | Admin),
        ViewTables => matches!(role, Observer | Organiser | Admin),
        ManageSessions | ManageTables => matches!(role, Organiser | Admin),
        ViewDeliberation => matches!(role, Member | Observer | Facilitator | Organiser | Admin),
        DraftProposals => matches!(role, Member | Facilitator | Organiser | Admin),
        Vote => matches!(role, Member | Admin),
        EnterPaperBallots => matches!(role, Facilitator | Organiser | Admin),
        ManageBallots | AdoptRecommendations => matches!(role, Organiser | Admin),
        // Community assemblies: anyone may host one; only organisers run the phase and moderate.
        HostCommunityAssembly => true,
        ManageCommunity => matches!(role, Organiser | Admin),
        // The public conversation: anyone takes part; organisers moderate and configure.
        ParticipateInConversation => true,
        ModerateConversation | ConfigureConversation => matches!(role, Organiser | Admin),
        // Publishing: organisers publish the report; facilitators, who run the sessions, moderate questions too.
        PublishReport => matches!(role, Organiser | Admin),
        ModerateQuestions => matches!(role, Facilitator | Organiser | Admin),
        // Members' sign-in codes: organisers see delivery outcomes (never a code) and print letters.
        DeliverCodes => matches!(role, Organiser | Admin),
        ManagePlatformSettings => matches!(role, Admin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_may_do_everything_and_the_public_only_public_things() {
        for action in Action::ALL {
            assert!(allowed(Role::Admin, action), "{action:?}");
            let public_ok = matches!(
                action,
                Action::ViewPublic
                    | Action::CommentOnDesign
                    | Action::Authenticate
                    | Action::Register
                    | Action::AnswerPublicSurvey
                    | Action::HostCommunityAssembly
                    | Action::ParticipateInConversation
            );
            assert_eq!(allowed(Role::Public, action), public_ok, "{action:?}");
        }
    }

    #[test]
    fn only_organisers_publish_the_report_and_facilitators_moderate_questions_too() {
        for role in Role::ALL {
            assert_eq!(
                allowed(role, Action::PublishReport),
                matches!(role, Role::Organiser | Role::Admin),
                "{role:?}"
            );
            assert_eq!(
                allowed(role, Action::ModerateQuestions),
                matches!(role, Role::Facilitator | Role::Organiser | Role::Admin),
                "{role:?}"
            );
        }
    }

    #[test]
    fn observers_oversee_but_change_nothing() {
        assert!(allowed(Role::Observer, Action::ViewModerationQueue));
        assert!(!allowed(Role::Observer, Action::ModerateComments));
        assert!(!allowed(Role::Observer, Action::EditAssembly));
        assert!(allowed(Role::Observer, Action::ViewRecruitment));
        assert!(!allowed(Role::Observer, Action::ManageRecruitment));
    }

    #[test]
    fn only_organisers_and_admins_see_personal_data_of_respondents() {
        for role in Role::ALL {
            assert_eq!(
                allowed(role, Action::ManageRecruitment),
                matches!(role, Role::Organiser | Role::Admin),
                "{role:?}"
            );
        }
    }

    #[test]
    fn authorities_answer_but_never_judge_their_own_fidelity_nor_see_the_strategy() {
        assert!(allowed(Role::Authority, Action::RespondToRecommendations));
        assert!(allowed(Role::Authority, Action::ViewImpact));
        assert!(!allowed(Role::Authority, Action::JudgeFidelity));
        assert!(!allowed(Role::Authority, Action::ViewStrategy));
        assert!(!allowed(Role::Authority, Action::ViewWorkspace));
        assert!(!allowed(Role::Authority, Action::ViewRecruitment));
        assert!(!allowed(Role::Authority, Action::ManageImpact));
    }

    #[test]
    fn members_judge_fidelity_and_plan_but_never_answer_for_the_authority() {
        assert!(!allowed(Role::Member, Action::RespondToRecommendations));
        assert!(allowed(Role::Member, Action::JudgeFidelity));
        assert!(allowed(Role::Member, Action::PlanStrategy));
        assert!(allowed(Role::Member, Action::Advocate));
        assert!(allowed(Role::Observer, Action::JudgeFidelity));
        assert!(!allowed(Role::Observer, Action::RespondToRecommendations));
        assert!(!allowed(Role::Observer, Action::PlanStrategy));
    }

    #[test]
    fn members_take_no_attendance_and_only_staff_see_the_seating() {
        assert!(!allowed(Role::Member, Action::TakeAttendance));
        assert!(allowed(Role::Facilitator, Action::TakeAttendance));
        for role in [Role::Public, Role::Member, Role::Facilitator] {
            assert!(!allowed(role, Action::ViewTables), "{role:?}");
        }
        assert!(allowed(Role::Observer, Action::ViewTables));
        assert!(!allowed(Role::Observer, Action::ManageTables));
        assert!(allowed(Role::Observer, Action::CommentOnBalance));
        assert!(!allowed(Role::Organiser, Action::CommentOnBalance));
        assert!(allowed(Role::Member, Action::AskSpeakers));
        assert!(!allowed(Role::Public, Action::AskSpeakers));
    }

    #[test]
    fn only_members_vote_and_observers_see_ballots_without_changing_them() {
        assert!(allowed(Role::Member, Action::Vote));
        for role in [
            Role::Public,
            Role::Observer,
            Role::Facilitator,
            Role::Organiser,
        ] {
            assert!(!allowed(role, Action::Vote), "{role:?}");
        }
        assert!(allowed(Role::Observer, Action::ViewDeliberation));
        assert!(!allowed(Role::Observer, Action::DraftProposals));
        assert!(!allowed(Role::Member, Action::ManageBallots));
        assert!(!allowed(Role::Member, Action::EnterPaperBallots));
        assert!(allowed(Role::Facilitator, Action::EnterPaperBallots));
    }

    #[test]
    fn anyone_hosts_a_community_assembly_but_only_organisers_moderate_its_outcomes() {
        for role in Role::ALL {
            assert!(allowed(role, Action::HostCommunityAssembly), "{role:?}");
            assert_eq!(
                allowed(role, Action::ManageCommunity),
                matches!(role, Role::Organiser | Role::Admin),
                "{role:?}"
            );
        }
    }

    #[test]
    fn assignable_roles_parse_but_admin_and_public_do_not() {
        for role in Role::ASSIGNABLE {
            assert_eq!(Role::parse_assignable("role", role.as_str()), Ok(role));
        }
        assert!(Role::parse_assignable("role", "admin").is_err());
        assert!(Role::parse_assignable("role", "public").is_err());
    }
}
