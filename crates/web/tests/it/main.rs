//! Integration tests: each starts the real server on 127.0.0.1:0 with a fresh database and drives it over HTTP,
//! once on SQLite and once on PostgreSQL.

mod access;
mod bulk;
// Members' sign-in codes delivered without staff seeing them (issue 18, item 2).
mod codes;
// Members asking for a new code, the HTTP SMS gateway and mail bounces (issue 18, item 2).
mod code_requests;
mod community;
mod deliberation;
mod helpers;
mod impact;
// Print-ready letters (issue 18, item 6).
mod letters;
// Staff invitations and the platform setting (issue 18, item 3).
mod invitations;
mod members;
mod panel;
// Proposals linked to sessions and tables, and their paged list (issue 18, items 5 and 8).
mod proposals;
// A lottery number drawn physically in public (issue 18, item 8).
mod public_draw;
// Phases, publishing and question moderation (issue 18, items 7 and 8).
mod publish;
mod recruitment;
mod scenarios;
mod security;
mod selection;
mod sessions;

/// Declares each scenario twice: `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { crate::helpers::run(store::Backend::Sqlite, crate::scenarios::$name).await }) *
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { crate::helpers::run(store::Backend::Postgres, crate::scenarios::$name).await }) *
        }
    };
}

on_both_backends!(
    signing_in_and_out_uses_database_sessions,
    forged_or_missing_csrf_tokens_are_refused_and_change_nothing,
    repeated_failed_logins_lock_the_account_on_every_server,
    every_route_answers_every_role_as_the_permission_table_says,
    an_admin_creates_and_edits_an_assembly_shown_on_its_public_page,
    public_design_comments_are_published_only_after_approval,
    scripts_use_the_api_with_bearer_tokens,
    the_openapi_document_lists_every_api_route,
    api_errors_are_json_and_listed_in_the_openapi_document,
    bad_input_gets_a_4xx_naming_the_field_and_changes_nothing,
    the_audit_chain_detects_an_edited_and_a_deleted_entry,
    pages_speak_english_or_french,
    first_run_creates_the_first_administrator_once,
    members_sign_in_with_a_one_time_code_once,
    organisers_draw_invitations_and_print_letters_that_others_cannot_see,
    registration_checks_codes_bots_and_household_seats,
    organisers_upload_address_and_respondent_files_far_beyond_the_form_limit,
    organisers_change_statuses_with_a_reason_erase_and_export_respondents,
    erasure_leaves_no_personal_data_in_the_database_files_or_the_audit_log,
    organisers_set_quotas_run_tests_and_a_verifiable_final_selection,
    a_final_run_drawn_as_a_transparent_lottery_publishes_its_numbered_panels,
    stopping_the_server_ends_a_long_run_and_marks_it_failed,
    cancelling_a_long_run_ends_it_within_a_second,
    a_run_left_running_by_a_stopped_server_is_failed_at_startup,
    a_convention_shaped_scorecard_counts_exactly_on_the_page_and_in_its_exports,
    authorities_answer_oversight_judges_and_neither_edits_the_others_part,
    surveys_count_each_member_once_and_feed_the_evaluation_report,
    the_demo_convention_has_an_illustrative_scorecard_of_149,
    ballot_results_stay_hidden_until_close_and_schulze_matches_the_worked_example,
    one_member_voting_at_once_is_counted_once_and_logged_without_the_member,
    sequential_ballots_paper_mismatches_and_a_recommendation_in_the_final_report,
    proposals_name_real_sessions_and_tables_and_the_list_pages_with_filters,
    organisers_import_proposals_from_csv_through_a_preview_and_a_bad_line_writes_nothing,
    registrations_are_confirmed_by_email_and_staff_register_people_who_phone_in,
    a_confirmed_respondent_becomes_a_member_and_signs_in_once_with_the_emailed_code,
    without_smtp_a_new_members_code_goes_by_the_transport_never_to_staff_and_erasure_ends_the_membership,
    drop_outs_are_replaced_by_an_engine_drawn_verifiable_run_that_keeps_the_quotas,
    an_organiser_cannot_take_over_an_existing_account_with_a_sign_in_code,
    a_drawn_final_run_that_was_interrupted_can_only_be_resumed_to_the_same_panel,
    anonymous_survey_answers_and_comments_are_rate_limited_per_client_address,
    a_registration_form_token_registers_once,
    the_audit_page_checks_new_entries_and_a_slice_of_old_ones_and_pages_the_log,
    a_renamed_demo_assembly_is_not_seeded_again_at_the_next_start,
    an_administrator_disables_an_account_and_every_way_in_closes,
    an_administrator_ends_sessions_and_revokes_tokens_and_tokens_expire,
    an_organiser_removes_a_role_and_it_holds_at_once,
    passwords_are_changed_with_the_current_one_and_reset_with_a_one_time_code,
    a_planted_csrf_cookie_with_a_matching_field_is_refused,
    two_first_runs_at_once_create_one_administrator,
    hosts_send_outcomes_that_organisers_accept_into_the_public_list_and_the_evidence,
    organisers_get_the_letters_as_pdf_files_made_one_batch_at_a_time_off_the_request_path,
    organisers_see_the_outcome_of_each_email_to_a_respondent_a_page_at_a_time,
    an_organiser_enters_the_number_drawn_in_public_and_it_names_the_published_panel,
    an_organiser_enters_the_digits_drawn_for_the_invitation_lottery_and_anyone_reruns_it,
    // Bulk actions and CSV imports with a preview (issue 18, item 1).
    organisers_confirm_many_people_on_the_panel_at_once_or_no_one,
    organisers_import_recommendations_through_a_preview_and_a_bad_line_writes_nothing,
    scripts_open_and_close_many_ballots_and_accept_many_comments,
    responses_and_milestones_are_imported_through_a_preview_and_ballots_and_comments_change_in_bulk_from_their_pages,
);

// The public conversation (issue 16, part 1): its scenarios declare their own pair of backends.
mod conversation;

// The lifecycle's reads in the API (issue 18, item 9): its scenarios declare their own pair of backends.
mod api_lifecycle;
// Issue 16's leftovers (participant verification, demographics, the public page's counts, community photos): their
// scenarios declare their own pair of backends.
mod participation;
// The bulk actions of issue 18 for scripts (item 9): print runs, phases and publishing, questions, code deliveries.
mod api_ops;
// Lists that scale and the registration questions page (issue 18, items 4 and 5): their own pair of backends.
mod lists;
// The sessions and ballots imports and adopting many proposals from the page (issue 18, item 1): their own pair of
// backends.
mod imports;
// Lists that scale beyond the respondents, and the API's lists read a page from the store (issue 18, item 5).
mod long_lists;
// Impact records edited and removed with their history (issue 18, item 8): their own pair of backends.
mod impact_edits;
