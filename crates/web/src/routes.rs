//! The route table: every route with its method, path, kind, [`Action`] and handler, declared once.
//!
//! [`routes`] feeds [`router`] (every route wrapped in [`crate::guard::guard`]), and [`route_specs`] gives the same
//! list to tests, so no route can escape the permission walk.

use axum::http::{HeaderValue, header};
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, delete, get, post, put};
use axum::{Extension, Router};
use domain::permission::Action;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::guard::{Kind, RouteSpec, guard};
use crate::{
    AppState, api, assembly, community, deliberation, impact, public, recruitment, selection,
    signin, staff,
};
// The public conversation (issue 16, part 1).
use crate::conversation;

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
        (spec("GET", "/login", Page, Authenticate), get(signin::login_form)),
        (spec("POST", "/login", Page, Authenticate), post(signin::login)),
        (spec("POST", "/logout", Page, Authenticate), post(signin::logout)),
        (spec("GET", "/code", Page, Authenticate), get(signin::code_form)),
        (spec("POST", "/code", Page, Authenticate), post(signin::code_login)),
        (spec("GET", "/code/new", Page, Authenticate), get(signin::new_code_form)),
        (spec("POST", "/code/new", Page, Authenticate), post(signin::request_new_code)),
        (spec("GET", "/setup", Page, Authenticate), get(signin::setup_form)),
        (spec("POST", "/setup", Page, Authenticate), post(signin::setup)),
        (spec("GET", "/staff", Page, ViewDashboard), get(staff::dashboard)),
        (spec("GET", "/staff/assemblies/new", Page, CreateAssembly), get(staff::new_assembly_form)),
        (spec("POST", "/staff/assemblies", Page, CreateAssembly), post(staff::create_assembly)),
        (spec("GET", "/staff/assemblies/{assembly_id}", Page, ViewWorkspace), get(staff::workspace)),
        (spec("GET", "/staff/assemblies/{assembly_id}/edit", Page, EditAssembly), get(staff::edit_assembly_form)),
        (spec("POST", "/staff/assemblies/{assembly_id}", Page, EditAssembly), post(staff::update_assembly)),
        (spec("POST", "/staff/assemblies/{assembly_id}/roles", Page, AssignRoles), post(staff::assign_role)),
        (spec("POST", "/staff/assemblies/{assembly_id}/roles/{account_id}/remove", Page, AssignRoles), post(staff::remove_role)),
        (spec("POST", "/staff/assemblies/{assembly_id}/members", Page, AssignRoles), post(staff::add_member)),
        (spec("POST", "/staff/assemblies/{assembly_id}/people", Page, ViewWorkspace), post(staff::search_people)),
        (spec("GET", "/staff/assemblies/{assembly_id}/codes", Page, DeliverCodes), get(staff::code_deliveries)),
        (spec("POST", "/staff/assemblies/{assembly_id}/codes/resend", Page, DeliverCodes), post(staff::resend_codes)),
        (spec("POST", "/staff/assemblies/{assembly_id}/codes/letters", Page, DeliverCodes), post(staff::print_letters)),
        (spec("POST", "/staff/assemblies/{assembly_id}/staff-invitations", Page, AssignRoles), post(staff::invite_staff)),
        (spec("POST", "/staff/assemblies/{assembly_id}/staff-invitations/{invitation_id}/revoke", Page, AssignRoles), post(staff::revoke_invitation)),
        (spec("GET", "/staff/settings", Page, ManagePlatformSettings), get(staff::settings)),
        (spec("POST", "/staff/settings", Page, ManagePlatformSettings), post(staff::save_settings)),
        (spec("GET", "/join/{token}", Page, Authenticate), get(signin::join_form)),
        (spec("POST", "/join/{token}", Page, Authenticate), post(signin::join)),
        (spec("GET", "/staff/assemblies/{assembly_id}/comments", Page, ViewModerationQueue), get(staff::moderation_queue)),
        (spec("POST", "/staff/assemblies/{assembly_id}/comments/{comment_id}", Page, ModerateComments), post(staff::moderate_comment)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations", Page, ManageRecruitment), get(recruitment::lottery)),
        (upload(spec("POST", "/staff/assemblies/{assembly_id}/invitations", Page, ManageRecruitment)), post(recruitment::run_draw)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations/letters", Page, ManageRecruitment), get(recruitment::letters)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations/mail-merge.csv", Page, ManageRecruitment), get(recruitment::mail_merge)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations/print", Page, ManageRecruitment), get(recruitment::print_page)),
        (spec("POST", "/staff/assemblies/{assembly_id}/invitations/print", Page, ManageRecruitment), post(recruitment::start_print)),
        (spec("GET", "/staff/assemblies/{assembly_id}/invitations/print/{print_id}/files/{number}", Page, ManageRecruitment), get(recruitment::print_file)),
        (spec("GET", "/staff/assemblies/{assembly_id}/respondents", Page, ViewRecruitment), get(recruitment::respondents)),
        (spec("GET", "/staff/assemblies/{assembly_id}/respondents.csv", Page, ManageRecruitment), get(recruitment::export_respondents)),
        (spec("GET", "/staff/assemblies/{assembly_id}/respondents/emails", Page, ManageRecruitment), get(recruitment::respondent_emails)),
        (spec("POST", "/staff/assemblies/{assembly_id}/respondents", Page, ViewRecruitment), post(recruitment::search_respondents)),
        (spec("POST", "/staff/assemblies/{assembly_id}/respondents/{respondent_id}/status", Page, ManageRecruitment), post(recruitment::change_status)),
        (upload(spec("POST", "/staff/assemblies/{assembly_id}/respondents/import", Page, ManageRecruitment)), post(recruitment::import_respondents)),
        (spec("GET", "/staff/assemblies/{assembly_id}/quotas", Page, ManageRecruitment), get(selection::quotas)),
        (spec("POST", "/staff/assemblies/{assembly_id}/quotas", Page, ManageRecruitment), post(selection::save_quotas)),
        (spec("GET", "/staff/assemblies/{assembly_id}/questions", Page, ManageRecruitment), get(recruitment::questions)),
        (spec("POST", "/staff/assemblies/{assembly_id}/questions", Page, ManageRecruitment), post(recruitment::save_questions)),
        (spec("GET", "/staff/assemblies/{assembly_id}/selection", Page, ManageRecruitment), get(selection::selection)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/test-runs", Page, ManageRecruitment), post(selection::start_test_run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/commitments", Page, ManageRecruitment), post(selection::commit_final_run)),
        (spec("GET", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}", Page, ManageRecruitment), get(selection::run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}/draw", Page, ManageRecruitment), post(selection::draw_committed_run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}/cancel", Page, ManageRecruitment), post(selection::cancel_run)),
        (spec("POST", "/staff/assemblies/{assembly_id}/selection/runs/{run_id}/resume", Page, ManageRecruitment), post(selection::resume_run)),
        (spec("GET", "/staff/assemblies/{assembly_id}/respondents/phone", Page, ManageRecruitment), get(recruitment::phone_form)),
        (spec("POST", "/staff/assemblies/{assembly_id}/respondents/phone", Page, ManageRecruitment), post(recruitment::phone_register)),
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
        (spec("GET", "/assemblies/{assembly_id}/evidence", Page, ViewPublic), get(assembly::public_evidence)),
        (spec("GET", "/assemblies/{assembly_id}/mine", Page, ViewMyAssembly), get(assembly::mine)),
        (spec("POST", "/assemblies/{assembly_id}/questions", Page, AskSpeakers), post(assembly::ask_question)),
        (spec("POST", "/assemblies/{assembly_id}/speaker-requests", Page, AskSpeakers), post(assembly::request_speaker)),
        (spec("GET", "/staff/assemblies/{assembly_id}/sessions", Page, ViewSessions), get(assembly::sessions)),
        (spec("POST", "/staff/assemblies/{assembly_id}/sessions", Page, ManageSessions), post(assembly::create_session)),
        (spec("POST", "/staff/assemblies/{assembly_id}/sessions/{session_id}/agenda", Page, ManageSessions), post(assembly::add_agenda_item)),
        (spec("GET", "/staff/assemblies/{assembly_id}/sessions/{session_id}/attendance", Page, TakeAttendance), get(assembly::attendance)),
        (spec("POST", "/staff/assemblies/{assembly_id}/sessions/{session_id}/attendance", Page, TakeAttendance), post(assembly::record_attendance)),
        (spec("GET", "/staff/assemblies/{assembly_id}/evidence", Page, ViewSessions), get(assembly::staff_evidence)),
        (spec("POST", "/staff/assemblies/{assembly_id}/evidence", Page, ManageSessions), post(assembly::add_evidence)),
        (spec("POST", "/staff/assemblies/{assembly_id}/speakers", Page, ManageSessions), post(assembly::add_speaker)),
        (spec("POST", "/staff/assemblies/{assembly_id}/balance-comments", Page, CommentOnBalance), post(assembly::comment_on_balance)),
        (spec("GET", "/staff/assemblies/{assembly_id}/tables", Page, ViewTables), get(assembly::tables_view)),
        (spec("POST", "/staff/assemblies/{assembly_id}/tables", Page, ManageTables), post(assembly::allocate)),
        (spec("POST", "/staff/assemblies/{assembly_id}/tables/swap", Page, ManageTables), post(assembly::swap)),
        (spec("POST", "/staff/assemblies/{assembly_id}/tables/pins", Page, ManageTables), post(assembly::pin)),
        (spec("POST", "/staff/assemblies/{assembly_id}/features", Page, ManageTables), post(assembly::set_features)),
        (spec("GET", "/staff/assemblies/{assembly_id}/deliberation", Page, ViewDeliberation), get(deliberation::deliberation)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals", Page, DraftProposals), post(deliberation::create_proposal)),
        (spec("GET", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}", Page, ViewDeliberation), get(deliberation::proposal)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/amendments", Page, DraftProposals), post(deliberation::propose_amendment)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/amendments/{amendment_id}", Page, DraftProposals), post(deliberation::decide_amendment)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/comments", Page, DraftProposals), post(deliberation::comment)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/minority-report", Page, DraftProposals), post(deliberation::proposal_minority_report)),
        (spec("POST", "/staff/assemblies/{assembly_id}/proposals/{proposal_id}/recommendation", Page, AdoptRecommendations), post(deliberation::adopt)),
        (spec("POST", "/staff/assemblies/{assembly_id}/deliberation/proposals-import", Page, ManageBallots), post(deliberation::import_proposals)),
        (spec("GET", "/staff/assemblies/{assembly_id}/deliberation/proposals-template.csv", Page, ManageBallots), get(deliberation::proposals_template)),
        (spec("POST", "/staff/assemblies/{assembly_id}/deliberation/recommendations/{recommendation_id}/minority-report", Page, DraftProposals), post(deliberation::recommendation_minority_report)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots", Page, ManageBallots), post(deliberation::create_ballot)),
        (spec("GET", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}", Page, ViewDeliberation), get(deliberation::ballot)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/open", Page, ManageBallots), post(deliberation::open_ballot)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/close", Page, ManageBallots), post(deliberation::close_ballot)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/vote", Page, Vote), post(deliberation::vote)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/{ballot_id}/paper", Page, EnterPaperBallots), post(deliberation::enter_paper)),
        (spec("GET", "/assemblies/{assembly_id}/report", Page, ViewPublic), get(deliberation::report)),
        (spec("GET", "/staff/assemblies/{assembly_id}/panel", Page, ManageRecruitment), get(selection::panel)),
        (spec("POST", "/staff/assemblies/{assembly_id}/panel/{respondent_id}/status", Page, ManageRecruitment), post(selection::record)),
        (spec("POST", "/staff/assemblies/{assembly_id}/panel/replacements", Page, ManageRecruitment), post(selection::commit_replacement)),
        // The public conversation (issue 16, part 1).
        (spec("GET", "/assemblies/{assembly_id}/conversation", Page, ParticipateInConversation), get(conversation::voting)),
        (spec("POST", "/assemblies/{assembly_id}/conversation/votes", Page, ParticipateInConversation), post(conversation::vote)),
        (spec("POST", "/assemblies/{assembly_id}/conversation/statements", Page, ParticipateInConversation), post(conversation::submit_statement)),
        (spec("POST", "/assemblies/{assembly_id}/conversation/erasure", Page, ParticipateInConversation), post(conversation::erase)),
        (spec("GET", "/assemblies/{assembly_id}/conversation/results", Page, ViewPublic), get(conversation::results)),
        (spec("GET", "/staff/assemblies/{assembly_id}/conversation", Page, ModerateConversation), get(conversation::staff)),
        (spec("POST", "/staff/assemblies/{assembly_id}/conversation", Page, ConfigureConversation), post(conversation::configure)),
        (spec("POST", "/staff/assemblies/{assembly_id}/conversation/seeds", Page, ConfigureConversation), post(conversation::seed)),
        (spec("POST", "/staff/assemblies/{assembly_id}/conversation/moderation", Page, ModerateConversation), post(conversation::moderate)),
        (spec("POST", "/staff/assemblies/{assembly_id}/conversation/analysis", Page, ConfigureConversation), post(conversation::recompute)),
        (spec("POST", "/staff/assemblies/{assembly_id}/conversation/evidence", Page, ConfigureConversation), post(conversation::publish)),
        (spec("GET", "/staff/assemblies/{assembly_id}/conversation/opendata/{file}", Page, ConfigureConversation), get(conversation::opendata_file)),
        (upload(spec("POST", "/staff/assemblies/{assembly_id}/conversation/import", Page, ConfigureConversation)), post(conversation::import)),
        (spec("GET", "/staff/accounts", Page, ManageAccounts), get(staff::accounts)),
        (spec("POST", "/staff/accounts", Page, ManageAccounts), post(staff::create_account)),
        (spec("GET", "/staff/accounts/{account_id}", Page, ManageAccounts), get(staff::access::account)),
        (spec("POST", "/staff/accounts/{account_id}/disable", Page, ManageAccounts), post(staff::access::disable_account)),
        (spec("POST", "/staff/accounts/{account_id}/enable", Page, ManageAccounts), post(staff::access::enable_account)),
        (spec("POST", "/staff/accounts/{account_id}/sessions/end", Page, ManageAccounts), post(staff::access::end_sessions)),
        (spec("POST", "/staff/accounts/{account_id}/password-reset", Page, ManageAccounts), post(staff::access::reset_password)),
        (spec("POST", "/staff/accounts/{account_id}/tokens/{token_id}/revoke", Page, ManageAccounts), post(staff::access::revoke_token)),
        (spec("GET", "/staff/password", Page, ChangeOwnPassword), get(signin::password_form)),
        (spec("POST", "/staff/password", Page, ChangeOwnPassword), post(signin::change_password)),
        (spec("GET", "/password-reset", Page, Authenticate), get(signin::reset_form)),
        (spec("POST", "/password-reset", Page, Authenticate), post(signin::reset_password)),
        (spec("GET", "/staff/tokens", Page, ManageOwnTokens), get(staff::tokens)),
        (spec("POST", "/staff/tokens", Page, ManageOwnTokens), post(staff::create_token)),
        (spec("POST", "/staff/tokens/{token_id}/revoke", Page, ManageOwnTokens), post(staff::revoke_token)),
        (spec("GET", "/staff/audit", Page, ViewAuditLog), get(staff::audit_log)),
        (spec("GET", "/static/style.css", Asset, ViewPublic), get(public::stylesheet)),
        (spec("GET", "/healthz", Asset, ViewPublic), get(public::healthz)),
        (spec("GET", "/readyz", Asset, ViewPublic), get(public::readyz)),
        (spec("GET", "/audit/anchor", Asset, ViewPublic), get(public::audit_anchor)),
        (spec("GET", "/api/openapi.json", Api, ViewPublic), get(openapi)),
        (spec("GET", "/api/v1/assemblies", Api, ViewPublic), get(api::list_assemblies)),
        (spec("POST", "/api/v1/assemblies", Api, CreateAssembly), post(api::create_assembly)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}", Api, ViewPublic), get(api::get_assembly)),
        (spec("PUT", "/api/v1/assemblies/{assembly_id}", Api, EditAssembly), put(api::update_assembly)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/comments", Api, ViewPublic), get(api::list_comments)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/comments", Api, CommentOnDesign), post(api::post_comment)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/ballots/{ballot_id}", Api, ViewDeliberation), get(deliberation::api_ballot)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/code-deliveries", Api, DeliverCodes), get(api::list_code_deliveries)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/code-deliveries/resend", Api, DeliverCodes), post(api::resend_code_deliveries)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/mail-bounces", Api, DeliverCodes), post(api::record_mail_bounces)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/staff-invitations", Api, AssignRoles), post(api::invite_staff)),
        // Community assemblies (issue 16, item 2).
        (spec("GET", "/staff/assemblies/{assembly_id}/community", Page, ManageCommunity), get(community::staff_page)),
        (spec("POST", "/staff/assemblies/{assembly_id}/community", Page, ManageCommunity), post(community::save_phase)),
        (spec("POST", "/staff/assemblies/{assembly_id}/community/outcomes", Page, ManageCommunity), post(community::moderate)),
        (spec("GET", "/assemblies/{assembly_id}/community", Page, ViewPublic), get(community::public_list)),
        (spec("GET", "/assemblies/{assembly_id}/community/kit/{material}", Page, ViewPublic), get(community::kit)),
        (spec("GET", "/assemblies/{assembly_id}/community/host", Page, HostCommunityAssembly), get(community::host_page)),
        (spec("POST", "/assemblies/{assembly_id}/community/host", Page, HostCommunityAssembly), post(community::register)),
        (spec("POST", "/assemblies/{assembly_id}/community/host/key", Page, HostCommunityAssembly), post(community::use_key)),
        (spec("POST", "/assemblies/{assembly_id}/community/host/outcomes", Page, HostCommunityAssembly), post(community::submit_outcome)),
        (spec("POST", "/assemblies/{assembly_id}/community/host/outcomes/{outcome_id}", Page, HostCommunityAssembly), post(community::edit_outcome)),
        (spec("POST", "/assemblies/{assembly_id}/community/host/withdraw", Page, HostCommunityAssembly), post(community::withdraw)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/community/outcomes", Api, ViewPublic), get(community::api_outcomes)),
        // The public conversation in the API (issue 16, part 1).
        (spec("GET", "/api/v1/assemblies/{assembly_id}/conversation", Api, ViewPublic), get(conversation::get_conversation)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/conversation/votes", Api, ParticipateInConversation), post(conversation::post_vote)),
        // The lifecycle's reads in the API (issue 18, item 9); the public ones answer every origin (CORS).
        (spec("GET", "/api/v1/assemblies/{assembly_id}/recommendations", Api, ViewPublic), get(api::recommendations::list_recommendations)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}", Api, ViewPublic), get(api::recommendations::get_recommendation)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/scorecard", Api, ViewPublic), get(api::recommendations::get_scorecard)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/selection", Api, ViewPublic), get(api::selection::public_selection)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/selection/runs/{run_id}/files/{file}", Api, ViewPublic), get(api::selection::public_file)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/evidence", Api, ViewPublic), get(api::sessions::evidence)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/recruitment", Api, ViewRecruitment), get(api::recruitment::recruitment)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/respondents", Api, ViewRecruitment), get(api::recruitment::respondents)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/quotas", Api, ViewRecruitment), get(api::selection::quotas)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/selection/runs", Api, ViewRecruitment), get(api::selection::runs)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/sessions", Api, ViewSessions), get(api::sessions::sessions)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/tables", Api, ViewTables), get(api::sessions::tables)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/proposals", Api, ViewDeliberation), get(api::deliberation::proposals)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/ballots", Api, ViewDeliberation), get(api::deliberation::ballots)),
        // Phases, publishing and question moderation (issue 18, items 7 and 8).
        (spec("POST", "/staff/assemblies/{assembly_id}/phase", Page, EditAssembly), post(staff::change_phase)),
        (spec("POST", "/staff/assemblies/{assembly_id}/report/publish", Page, PublishReport), post(deliberation::publish_report)),
        (spec("POST", "/staff/assemblies/{assembly_id}/report/withdraw", Page, PublishReport), post(deliberation::withdraw_report)),
        (spec("POST", "/staff/assemblies/{assembly_id}/questions/moderation", Page, ModerateQuestions), post(assembly::moderate_questions)),
        // Bulk actions and CSV imports with a preview (issue 18, item 1).
        (spec("POST", "/staff/assemblies/{assembly_id}/panel/statuses", Page, ManageRecruitment), post(selection::record_many)),
        (spec("GET", "/staff/assemblies/{assembly_id}/impact/import-template.csv", Page, ManageImpact), get(impact::import_template)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/import/responses", Page, RespondToRecommendations), post(impact::import_responses)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/import/milestones", Page, RespondToRecommendations), post(impact::import_milestones)),
        (spec("GET", "/staff/assemblies/{assembly_id}/impact/responses-template.csv", Page, RespondToRecommendations), get(impact::responses_template)),
        (spec("GET", "/staff/assemblies/{assembly_id}/impact/milestones-template.csv", Page, RespondToRecommendations), get(impact::milestones_template)),
        (spec("POST", "/staff/assemblies/{assembly_id}/comments/moderation", Page, ModerateComments), post(staff::moderate_comments)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/bulk", Page, ManageBallots), post(deliberation::bulk_ballots)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/panel/statuses", Api, ManageRecruitment), post(selection::api_panel_statuses)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/ballots/open", Api, ManageBallots), post(deliberation::api_open_ballots)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/ballots/close", Api, ManageBallots), post(deliberation::api_close_ballots)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/comments/moderation", Api, ModerateComments), post(api::api_moderate_comments)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/recommendations/import", Api, ManageImpact), post(impact::api_import)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/responses/import", Api, RespondToRecommendations), post(impact::api_import_responses)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/milestones/import", Api, RespondToRecommendations), post(impact::api_import_milestones)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/recommendations/adoptions", Api, AdoptRecommendations), post(deliberation::api_adopt_recommendations)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/proposals/import", Api, ManageBallots), post(deliberation::api_import_proposals)),
        // The bulk actions of issue 18 for scripts (item 9): print runs, phases and publishing, questions.
        (spec("GET", "/api/v1/assemblies/{assembly_id}/print-runs", Api, ManageRecruitment), get(api::prints::list_print_runs)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/print-runs", Api, ManageRecruitment), post(api::prints::start_print_run)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/print-runs/{print_id}", Api, ManageRecruitment), get(api::prints::get_print_run)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/print-runs/{print_id}/files/{number}", Api, ManageRecruitment), get(api::prints::get_print_file)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/phase", Api, ViewPublic), get(api::publishing::get_phase)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/phase", Api, EditAssembly), post(api::publishing::change_phase)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/report", Api, ViewDeliberation), get(api::publishing::report_status)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/report/publish", Api, PublishReport), post(api::publishing::publish_report)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/report/withdraw", Api, PublishReport), post(api::publishing::withdraw_report)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/speaker-questions", Api, ViewSessions), get(api::questions::pending_questions)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/speaker-questions/moderation", Api, ModerateQuestions), post(api::questions::moderate_questions)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/registration-questions", Api, ManageRecruitment), get(api::questions::registration_questions)),
        (spec("PUT", "/api/v1/assemblies/{assembly_id}/registration-questions", Api, ManageRecruitment), put(api::questions::save_registration_questions)),
        // Sessions and ballots imports, and adopting many passed proposals from the page (issue 18, item 1).
        (spec("POST", "/staff/assemblies/{assembly_id}/sessions/import", Page, ManageSessions), post(assembly::import_sessions)),
        (spec("GET", "/staff/assemblies/{assembly_id}/sessions/import-template.csv", Page, ManageSessions), get(assembly::sessions_template)),
        (spec("POST", "/staff/assemblies/{assembly_id}/ballots/import", Page, ManageBallots), post(deliberation::import_ballots)),
        (spec("GET", "/staff/assemblies/{assembly_id}/ballots/import-template.csv", Page, ManageBallots), get(deliberation::ballots_template)),
        (spec("POST", "/staff/assemblies/{assembly_id}/recommendations/adoptions", Page, AdoptRecommendations), post(deliberation::adopt_many)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/sessions/import", Api, ManageSessions), post(assembly::api_import_sessions)),
        (spec("POST", "/api/v1/assemblies/{assembly_id}/ballots/import", Api, ManageBallots), post(deliberation::api_import_ballots)),
        // Issue 16's leftovers: participant verification, demographic questions and community outcome photos.
        (spec("GET", "/assemblies/{assembly_id}/conversation/profile", Page, ParticipateInConversation), get(conversation::profile)),
        (spec("POST", "/assemblies/{assembly_id}/conversation/email", Page, ParticipateInConversation), post(conversation::send_email_code)),
        (spec("POST", "/assemblies/{assembly_id}/conversation/email/code", Page, ParticipateInConversation), post(conversation::confirm_email)),
        (spec("POST", "/assemblies/{assembly_id}/conversation/invitation", Page, ParticipateInConversation), post(conversation::redeem_invitation)),
        (spec("POST", "/assemblies/{assembly_id}/conversation/answers", Page, ParticipateInConversation), post(conversation::save_answers)),
        (spec("POST", "/staff/assemblies/{assembly_id}/conversation/verification", Page, ConfigureConversation), post(conversation::set_mode)),
        (spec("POST", "/staff/assemblies/{assembly_id}/conversation/invitations", Page, ConfigureConversation), post(conversation::issue_invitations)),
        (upload(spec("POST", "/assemblies/{assembly_id}/community/host/outcomes/{outcome_id}/photos", Page, HostCommunityAssembly)), post(community::add_photo)),
        (spec("POST", "/assemblies/{assembly_id}/community/host/photos/{photo_id}/removal", Page, HostCommunityAssembly), post(community::remove_photo)),
        (spec("GET", "/assemblies/{assembly_id}/community/photos/{photo_id}", Page, ViewPublic), get(community::photo)),
        // Impact records edited and removed with their history (issue 18, item 8).
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/response/removal", Page, RespondToRecommendations), post(impact::remove_response)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/fidelity/removal", Page, JudgeFidelity), post(impact::remove_fidelity)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/milestones/{milestone_id}", Page, RespondToRecommendations), post(impact::edit_milestone)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/milestones/{milestone_id}/removal", Page, RespondToRecommendations), post(impact::remove_milestone)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/tactics/{tactic_id}", Page, PlanStrategy), post(impact::edit_tactic)),
        (spec("POST", "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}/tactics/{tactic_id}/removal", Page, PlanStrategy), post(impact::remove_tactic)),
        (spec("PUT", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/response", Api, RespondToRecommendations), put(api::impact_edits::put_response)),
        (spec("DELETE", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/response", Api, RespondToRecommendations), delete(api::impact_edits::delete_response)),
        (spec("PUT", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/fidelity", Api, JudgeFidelity), put(api::impact_edits::put_fidelity)),
        (spec("DELETE", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/fidelity", Api, JudgeFidelity), delete(api::impact_edits::delete_fidelity)),
        (spec("PUT", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/milestones/{milestone_id}", Api, RespondToRecommendations), put(api::impact_edits::put_milestone)),
        (spec("DELETE", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/milestones/{milestone_id}", Api, RespondToRecommendations), delete(api::impact_edits::delete_milestone)),
        (spec("PUT", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/tactics/{tactic_id}", Api, PlanStrategy), put(api::impact_edits::put_tactic)),
        (spec("DELETE", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/tactics/{tactic_id}", Api, PlanStrategy), delete(api::impact_edits::delete_tactic)),
        (spec("GET", "/api/v1/assemblies/{assembly_id}/recommendations/{recommendation_id}/history", Api, ViewImpact), get(api::impact_edits::get_history)),
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
        if cross_origin_readable(&spec) {
            // Outermost, so the guard's refusals (an unknown token) carry the headers too.
            guarded = guarded.route_layer(cors());
        }
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
    // Requests are traced by their route's pattern, never by their path: a path can carry a secret (a registration
    // code in `/r/{code}`, a staff invitation's token in `/join/{token}`) and the trace is written at debug level.
    let trace = TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
        let route = request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map_or("(no route)", axum::extract::MatchedPath::as_str);
        tracing::debug_span!("request", method = %request.method(), route)
    });
    router.layer(trace).with_state(state)
}

/// Whether other sites' scripts may read a route's answers: the API's reads that anyone may make without a token
/// (assemblies, recommendations with their responses, the scorecard, the published selection, the evidence, ...;
/// public data only). Token-authenticated reads and every write stay same-origin.
pub fn cross_origin_readable(spec: &RouteSpec) -> bool {
    spec.kind == Kind::Api && spec.method == "GET" && spec.action == Action::ViewPublic
}

/// CORS for [`cross_origin_readable`] routes: any origin, `GET` only, no credentials and no request headers
/// beyond the simple ones, so a browser never sends a cookie or a token along (a preflight for `Authorization`
/// is not answered).
fn cors() -> tower_http::cors::CorsLayer {
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([axum::http::Method::GET])
        // The length of a list answered as a plain array (the design comments).
        .expose_headers([axum::http::HeaderName::from_static("x-total-count")])
}

/// `GET /api/openapi.json`: the document of the API routes of this table.
async fn openapi() -> axum::Json<serde_json::Value> {
    axum::Json(api::openapi_document(&route_specs()))
}
