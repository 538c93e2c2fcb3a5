//! The scenarios, each a story told over HTTP against a real server (Arrange, Act, Assert on responses and rows).

use domain::permission::{Role, allowed};
use serde_json::{Value, json};
use web::guard::Kind;
use web::routes::route_specs;

pub use crate::access::{
    a_planted_csrf_cookie_with_a_matching_field_is_refused,
    an_administrator_disables_an_account_and_every_way_in_closes,
    an_administrator_ends_sessions_and_revokes_tokens_and_tokens_expire,
    an_organiser_removes_a_role_and_it_holds_at_once,
    passwords_are_changed_with_the_current_one_and_reset_with_a_one_time_code,
    two_first_runs_at_once_create_one_administrator,
};
// Bulk actions and CSV imports with a preview (issue 18, item 1).
pub use crate::bulk::{
    organisers_confirm_many_people_on_the_panel_at_once_or_no_one,
    organisers_import_recommendations_through_a_preview_and_a_bad_line_writes_nothing,
    responses_and_milestones_are_imported_through_a_preview_and_ballots_and_comments_change_in_bulk_from_their_pages,
    scripts_open_and_close_many_ballots_and_accept_many_comments,
};
pub use crate::community::hosts_send_outcomes_that_organisers_accept_into_the_public_list_and_the_evidence;
pub use crate::deliberation::{
    ballot_results_stay_hidden_until_close_and_schulze_matches_the_worked_example,
    one_member_voting_at_once_is_counted_once_and_logged_without_the_member,
    sequential_ballots_paper_mismatches_and_a_recommendation_in_the_final_report,
};
use crate::helpers::{
    TestApp, client, client_from, csrf_of, location, start_server, start_server_with,
};
pub use crate::impact::{
    a_convention_shaped_scorecard_counts_exactly_on_the_page_and_in_its_exports,
    authorities_answer_oversight_judges_and_neither_edits_the_others_part,
    surveys_count_each_member_once_and_feed_the_evaluation_report,
    the_demo_convention_has_an_illustrative_scorecard_of_149,
};
pub use crate::letters::{
    organisers_get_the_letters_as_pdf_files_made_one_batch_at_a_time_off_the_request_path,
    organisers_see_the_outcome_of_each_email_to_a_respondent_a_page_at_a_time,
};
pub use crate::members::{
    a_confirmed_respondent_becomes_a_member_and_signs_in_once_with_the_emailed_code,
    an_organiser_cannot_take_over_an_existing_account_with_a_sign_in_code,
    registrations_are_confirmed_by_email_and_staff_register_people_who_phone_in,
    without_smtp_a_new_members_code_goes_by_the_transport_never_to_staff_and_erasure_ends_the_membership,
};
pub use crate::panel::drop_outs_are_replaced_by_an_engine_drawn_verifiable_run_that_keeps_the_quotas;
pub use crate::proposals::{
    organisers_import_proposals_from_csv_through_a_preview_and_a_bad_line_writes_nothing,
    proposals_name_real_sessions_and_tables_and_the_list_pages_with_filters,
};
pub use crate::public_draw::an_organiser_enters_the_digits_drawn_for_the_invitation_lottery_and_anyone_reruns_it;
pub use crate::public_draw::an_organiser_enters_the_number_drawn_in_public_and_it_names_the_published_panel;
pub use crate::recruitment::{
    erasure_leaves_no_personal_data_in_the_database_files_or_the_audit_log,
    organisers_change_statuses_with_a_reason_erase_and_export_respondents,
    organisers_draw_invitations_and_print_letters_that_others_cannot_see,
    organisers_upload_address_and_respondent_files_far_beyond_the_form_limit,
    registration_checks_codes_bots_and_household_seats,
};
pub use crate::security::{
    a_registration_form_token_registers_once,
    a_renamed_demo_assembly_is_not_seeded_again_at_the_next_start,
    anonymous_survey_answers_and_comments_are_rate_limited_per_client_address,
    the_audit_page_checks_new_entries_and_a_slice_of_old_ones_and_pages_the_log,
};
pub use crate::selection::{
    a_drawn_final_run_that_was_interrupted_can_only_be_resumed_to_the_same_panel,
    a_final_run_drawn_as_a_transparent_lottery_publishes_its_numbered_panels,
    a_run_left_running_by_a_stopped_server_is_failed_at_startup,
    cancelling_a_long_run_ends_it_within_a_second,
    organisers_set_quotas_run_tests_and_a_verifiable_final_selection,
    stopping_the_server_ends_a_long_run_and_marks_it_failed,
};

fn assembly_form<'a>(
    title: &'a str,
    start_design: &'a str,
    end_design: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        (
            "question",
            "How should the city spend its participatory budget?",
        ),
        ("authority", "City of Grenoble"),
        (
            "commitments",
            "Respond to every recommendation within 12 weeks\nPublish the lottery seed",
        ),
        ("current_phase", "recruitment"),
        ("start_design", start_design),
        ("end_design", end_design),
        ("start_recruitment", "2027-03-01"),
        ("end_recruitment", ""),
    ]
}

pub async fn signing_in_and_out_uses_database_sessions(app: TestApp) {
    let browser = app.demo_client("organiser").await;
    let (status, html) = app.get(&browser, "/staff").await;
    assert_eq!(status, 200);
    assert!(html.contains("Olivia Organiser"), "{html}");
    assert_eq!(app.count("sessions").await, 1);

    let response = app.post_form(&browser, "/logout", &[]).await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/".to_owned())
    );
    assert_eq!(
        app.count("sessions").await,
        0,
        "logout deletes the session row"
    );
    let response = browser.get(app.url("/staff")).send().await.unwrap();
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/login".to_owned())
    );

    let wrong = client();
    let response = app
        .post_form(
            &wrong,
            "/login",
            &[
                ("email", "organiser@demo.kleroterion.org"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("The email address or the password is wrong.")
    );
    assert_eq!(app.count("sessions").await, 0);
}

pub async fn forged_or_missing_csrf_tokens_are_refused_and_change_nothing(app: TestApp) {
    let admin = app.demo_client("admin").await;
    let before = (app.count("assemblies").await, app.count("audit_log").await);
    let mut fields = assembly_form("Forged", "", "");
    for token in [Some("0".repeat(64)), None, Some(String::new())] {
        let mut form = fields.clone();
        if let Some(token) = &token {
            form.push(("csrf_token", token));
        }
        let response = admin
            .post(app.url("/staff/assemblies"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "token {token:?}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("This form has expired or did not come from this site")
        );
    }
    assert_eq!(
        (app.count("assemblies").await, app.count("audit_log").await),
        before
    );

    // A visitor's token does not work with someone else's cookie (double-submit for anonymous forms).
    let visitor = client();
    let (_, page) = app
        .get(&visitor, &format!("/assemblies/{}", app.climate_id().await))
        .await;
    let stranger = client();
    let token = csrf_of(&page);
    fields = vec![("body", "forged comment"), ("csrf_token", &token)];
    let response = stranger
        .post(app.url(&format!("/assemblies/{}/comments", app.climate_id().await)))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.count("design_comments").await, 0);
}

pub async fn repeated_failed_logins_lock_the_account_on_every_server(app: TestApp) {
    let attacker = client();
    for attempt in 1..=5 {
        let response = app
            .post_form(
                &attacker,
                "/login",
                &[
                    ("email", "admin@demo.kleroterion.org"),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
        let expected = if attempt < 5 { 401 } else { 429 };
        assert_eq!(response.status().as_u16(), expected, "attempt {attempt}");
    }
    let owner = client();
    let response = app
        .post_form(
            &owner,
            "/login",
            &[
                ("email", "admin@demo.kleroterion.org"),
                ("password", "demo-admin-password"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        429,
        "locked even with the right password"
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("locked for 15 minutes")
    );

    // A second server on the same database sees the same lock: nothing lives in process memory.
    let (second_address, second_store, second_stopping) = start_server(&app.database_url).await;
    let second = TestApp {
        address: second_address,
        store: second_store.clone(),
        database_url: app.database_url.clone(),
        stopping: second_stopping,
    };
    let response = second
        .post_form(
            &client(),
            "/login",
            &[
                ("email", "admin@demo.kleroterion.org"),
                ("password", "demo-admin-password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 429);
    // Other accounts are not affected, and a session made on one server works on the other.
    let organiser = second.demo_client("organiser").await;
    let (status, _) = app.get(&organiser, "/staff").await;
    assert_eq!(status, 200);
    second_store.close().await;

    // The attacker's failures lock the account from the attacker's address only: its owner, elsewhere, signs in.
    let response = app
        .post_form(
            &client_from("127.0.0.2"),
            "/login",
            &[
                ("email", "admin@demo.kleroterion.org"),
                ("password", "demo-admin-password"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "a lock set by someone else does not keep the owner out"
    );
    // X-Forwarded-For is ignored without a trusted proxy: a forged header does not buy fresh attempts.
    let response = app
        .post_form(
            &client(),
            "/login",
            &[
                ("email", "admin@demo.kleroterion.org"),
                ("password", "demo-admin-password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 429);
    let forged = client();
    let token = app.csrf(&forged).await;
    let response = forged
        .post(app.url("/login"))
        .header("x-forwarded-for", "198.51.100.77")
        .form(&[
            ("email", "admin@demo.kleroterion.org"),
            ("password", "demo-admin-password"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);

    // A burst of simultaneous wrong passwords: the attempts are counted before any password is checked, so at
    // most five are checked, the right password after the burst is refused, and nothing lifts the lock.
    let burst = client_from("127.0.0.3");
    let token = app.csrf(&burst).await;
    let attempts = (0..40).map(|_| {
        let burst = burst.clone();
        let url = app.url("/login");
        let token = token.clone();
        async move {
            burst
                .post(url)
                .form(&[
                    ("email", "facilitator@demo.kleroterion.org"),
                    ("password", "wrong wrong wrong"),
                    ("csrf_token", &token),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures_join_all(attempts).await;
    let checked = statuses.iter().filter(|status| **status == 401).count();
    assert!(
        checked <= 4 && statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    let response = app
        .post_form(
            &burst,
            "/login",
            &[
                ("email", "facilitator@demo.kleroterion.org"),
                ("password", "demo-facilitator-password"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        429,
        "still locked after the burst"
    );

    // Behind a trusted proxy, each client is counted by the address the proxy reports.
    let (proxied_address, proxied_store, proxied_stopping) = start_server_with(
        &app.database_url,
        web::Config {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            ..web::Config::default()
        },
    )
    .await;
    let proxied = TestApp {
        address: proxied_address,
        store: proxied_store.clone(),
        database_url: app.database_url.clone(),
        stopping: proxied_stopping,
    };
    let via_proxy = |from: &'static str, password: &'static str| {
        let proxied = &proxied;
        async move {
            let browser = client();
            let token = proxied.csrf(&browser).await;
            browser
                .post(proxied.url("/login"))
                .header("x-forwarded-for", format!("203.0.113.5, {from}"))
                .form(&[
                    ("email", "observer@demo.kleroterion.org"),
                    ("password", password),
                    ("csrf_token", &token),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for _ in 0..5 {
        via_proxy("198.51.100.1", "nope nope nope").await;
    }
    assert_eq!(
        via_proxy("198.51.100.1", "demo-observer-password").await,
        429
    );
    assert_eq!(
        via_proxy("198.51.100.2", "demo-observer-password").await,
        303
    );
    proxied_store.close().await;
}

/// Runs futures at once, each on its own task, and collects their outputs.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

fn role_of(name: &str) -> Role {
    match name {
        "admin" => Role::Admin,
        "organiser" => Role::Organiser,
        "facilitator" => Role::Facilitator,
        "member" => Role::Member,
        "observer" => Role::Observer,
        "authority" => Role::Authority,
        _ => Role::Public,
    }
}

pub async fn every_route_answers_every_role_as_the_permission_table_says(app: TestApp) {
    let assembly_id = app.climate_id().await.to_string();
    let api = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let posted: Value = api
        .post(app.url(&format!("/api/v1/assemblies/{assembly_id}/comments")))
        .json(&json!({ "body": "Please publish the quotas" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let comment_id = posted["id"].as_i64().unwrap().to_string();
    let recommendation_id = store::test_support::count_raw(
        &app.store,
        &format!("SELECT MIN(id) FROM recommendations WHERE assembly_id = {assembly_id}"),
    )
    .await
    .unwrap()
    .to_string();

    let mut specs = route_specs();
    specs.sort_by_key(|spec| spec.path == "/logout");
    // A signed-in account with no role anywhere is the public too.
    let admin = app.demo_client("admin").await;
    let response = app
        .post_form(
            &admin,
            "/staff/accounts",
            &[
                ("display_name", "Nobody"),
                ("email", "nobody@example.org"),
                ("password", "nobody's password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let nobody = client();
    app.login(&nobody, "nobody@example.org", "nobody's password")
        .await;
    // Organisers may create assemblies here (the platform setting of issue 18), as the table says they may.
    let response = app
        .post_form(
            &admin,
            "/staff/settings",
            &[("organisers_create_assemblies", "yes")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    // The account routes act on this account (its walk comes before the administrator's, who may end its
    // sessions or disable it).
    let nobody_id = store::test_support::count_raw(
        &app.store,
        "SELECT id FROM accounts WHERE email = 'nobody@example.org'",
    )
    .await
    .unwrap()
    .to_string();

    let mut checked = 0;
    let roles = [
        "public",
        "nobody",
        "member",
        "authority",
        "observer",
        "facilitator",
        "organiser",
        "admin",
    ];
    for role_name in roles {
        let role = role_of(role_name);
        let (browser, token) = match role_name {
            "public" => (client(), None),
            "nobody" => (nobody.clone(), None),
            _ => (
                app.demo_client(role_name).await,
                Some(app.token_for(role_name).await),
            ),
        };
        let csrf = app.csrf(&browser).await;
        for spec in &specs {
            let path = spec
                .path
                .replace("{assembly_id}", &assembly_id)
                .replace("{comment_id}", &comment_id)
                .replace("{account_id}", &nobody_id)
                .replace("{token_id}", "1")
                .replace("{respondent_id}", "1")
                .replace("{recommendation_id}", &recommendation_id)
                .replace("{code}", "K7QM3XPD9A")
                .replace("{session_id}", "1")
                .replace("{proposal_id}", "1")
                .replace("{amendment_id}", "1")
                .replace("{ballot_id}", "1")
                .replace("{invitation_id}", "1")
                .replace("{milestone_id}", "1")
                .replace("{tactic_id}", "1")
                .replace("{token}", "not-an-invitation");
            let url = app.url(&path);
            let request = match (spec.kind, spec.method) {
                (Kind::Page, "GET") | (Kind::Asset, "GET") => browser.get(&url),
                (Kind::Page, "POST") => browser.post(&url).form(&[("csrf_token", csrf.as_str())]),
                (Kind::Api, method) => {
                    let mut request = match method {
                        "GET" => api.get(&url),
                        "POST" => api.post(&url).json(&json!({})),
                        "PUT" => api.put(&url).json(&json!({})),
                        "DELETE" => api.delete(&url).json(&json!({})),
                        other => panic!("no walk for {other} {path}"),
                    };
                    if let Some(token) = &token {
                        request = request.bearer_auth(token);
                    }
                    request
                }
                (kind, method) => panic!("no walk for {kind:?} {method} {path}"),
            };
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let denied = status == 401
                || status == 403
                || (status == 303 && location(&response) == "/login");
            let expected = spec.kind == Kind::Asset || allowed(role, spec.action);
            assert_eq!(
                !denied,
                expected,
                "{role_name} {} {path} ({:?}) answered {status}: {}",
                spec.method,
                spec.action,
                response.text().await.unwrap_or_default()
            );
            assert!(
                status < 500,
                "{role_name} {} {path} answered {status}",
                spec.method
            );
            checked += 1;
        }
    }
    assert_eq!(checked, roles.len() * specs.len());
    assert!(
        specs.len() >= 30,
        "the walk covers the whole route table ({} routes)",
        specs.len()
    );
}

pub async fn an_admin_creates_and_edits_an_assembly_shown_on_its_public_page(app: TestApp) {
    let admin = app.demo_client("admin").await;
    let response = app
        .post_form(
            &admin,
            "/staff/assemblies",
            &assembly_form("Grenoble Budget Assembly", "2027-01-01", "2027-02-28"),
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let workspace = location(&response);
    let id: i64 = workspace
        .trim_start_matches("/staff/assemblies/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    let visitor = client();
    let (status, html) = app.get(&visitor, &format!("/assemblies/{id}")).await;
    assert_eq!(status, 200);
    for expected in [
        "Grenoble Budget Assembly",
        "How should the city spend its participatory budget?",
        "City of Grenoble",
        "Respond to every recommendation within 12 weeks",
        "<time datetime=\"2027-02-28\">",
        "aria-current=\"step\"",
    ] {
        assert!(html.contains(expected), "public page lacks {expected:?}");
    }

    let (status, form) = app
        .get(&admin, &format!("/staff/assemblies/{id}/edit"))
        .await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"Grenoble Budget Assembly\""));
    let response = app
        .post_form(
            &admin,
            &format!("/staff/assemblies/{id}"),
            &assembly_form(
                "Grenoble Citizens' Budget Assembly",
                "2027-01-01",
                "2027-02-28",
            ),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get(&visitor, &format!("/assemblies/{id}")).await;
    assert!(
        html.contains("Grenoble Citizens&#39; Budget Assembly"),
        "{html}"
    );

    // An invalid edit (the design phase ends before it starts) is refused with the field named, and changes nothing.
    let audit_before = app.count("audit_log").await;
    let response = app
        .post_form(
            &admin,
            &format!("/staff/assemblies/{id}"),
            &assembly_form("Renamed", "2027-02-28", "2027-01-01"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Design — End: dates are out of order"),
        "{html}"
    );
    assert_eq!(app.count("audit_log").await, audit_before);
    let (_, html) = app.get(&visitor, &format!("/assemblies/{id}")).await;
    assert!(!html.contains("Renamed"));

    // Organisers edit their assembly; members cannot.
    let climate = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{climate}"),
            &assembly_form("Climate (edited)", "", ""),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let member = app.demo_client("member").await;
    let response = app
        .post_form(
            &member,
            &format!("/staff/assemblies/{climate}"),
            &assembly_form("Hijacked", "", ""),
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let mut connection = app.store.connection().await.unwrap();
    assert_eq!(
        store::assemblies::get_assembly(&mut connection, climate)
            .await
            .unwrap()
            .title,
        "Climate (edited)"
    );
}

pub async fn public_design_comments_are_published_only_after_approval(app: TestApp) {
    let id = app.climate_id().await;
    let visitor = client();
    let (_, page) = app.get(&visitor, &format!("/assemblies/{id}")).await;
    let token = csrf_of(&page);
    for body in [
        "Hold sessions in the evening so that workers can attend",
        "Spam spam spam",
    ] {
        let response = visitor
            .post(app.url(&format!("/assemblies/{id}/comments")))
            .form(&[("body", body), ("csrf_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        assert!(location(&response).contains("commented=1"));
    }
    let (_, html) = app
        .get(&visitor, &format!("/assemblies/{id}?commented=1"))
        .await;
    assert!(html.contains("will be published once an organiser has approved it"));
    assert!(
        !html.contains("Hold sessions in the evening"),
        "pending comments are not public"
    );

    let observer = app.demo_client("observer").await;
    let (status, queue) = app
        .get(&observer, &format!("/staff/assemblies/{id}/comments"))
        .await;
    assert_eq!(status, 200);
    assert!(queue.contains("Hold sessions in the evening"));
    assert!(
        !queue.contains(">Approve<"),
        "observers see the queue but cannot moderate"
    );

    let organiser = app.demo_client("organiser").await;
    let (_, queue) = app
        .get(&organiser, &format!("/staff/assemblies/{id}/comments"))
        .await;
    let comment_ids: Vec<i64> = queue
        .match_indices("id=\"comment-")
        .map(|(index, _)| {
            queue[index + 12..]
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(comment_ids.len(), 2);
    let response = app
        .post_form(
            &observer,
            &format!("/staff/assemblies/{id}/comments/{}", comment_ids[0]),
            &[("decision", "approved")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/comments/{}", comment_ids[0]),
            &[("decision", "approved")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/comments/{}", comment_ids[1]),
            &[("decision", "rejected")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/comments/{}", comment_ids[1]),
            &[("decision", "approved")],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        409,
        "a comment is moderated once"
    );

    let (_, html) = app.get(&visitor, &format!("/assemblies/{id}")).await;
    assert!(html.contains("Hold sessions in the evening"));
    assert!(!html.contains("Spam spam spam"));
    let approved: Value = reqwest::get(app.url(&format!("/api/v1/assemblies/{id}/comments")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(approved.as_array().unwrap().len(), 1);
    assert_eq!(
        approved[0]["body"],
        "Hold sessions in the evening so that workers can attend"
    );
}

pub async fn scripts_use_the_api_with_bearer_tokens(app: TestApp) {
    // A token made through the page is shown once and works.
    let admin = app.demo_client("admin").await;
    let response = app
        .post_form(&admin, "/staff/tokens", &[("name", "import script")])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    let start = html.find("klero_").expect("token shown");
    let token = html[start..].split('<').next().unwrap().to_owned();
    assert_eq!(
        store::test_support::count_raw(
            &app.store,
            &format!(
                "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{}'",
                token
            )
        )
        .await
        .unwrap(),
        0,
        "stored hashed"
    );

    let api = reqwest::Client::new();
    let input = json!({
        "title": "Irish Citizens' Assembly",
        "question": "Should the Eighth Amendment be repealed?",
        "authority": "Houses of the Oireachtas",
        "commitments": ["Debate the report in both houses"],
        "current_phase": "deliberation",
        "timeline": [{ "phase": "learning", "starts_on": "2016-11-26", "ends_on": "2017-03-05" }]
    });
    let response = api
        .post(app.url("/api/v1/assemblies"))
        .json(&input)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401, "no token");
    let response = api
        .post(app.url("/api/v1/assemblies"))
        .bearer_auth("klero_wrong")
        .json(&input)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401, "unknown token");
    let response = api
        .post(app.url("/api/v1/assemblies"))
        .bearer_auth(&token)
        .json(&input)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["title"], "Irish Citizens' Assembly");
    assert_eq!(created["timeline"][3]["starts_on"], "2016-11-26");
    let id = created["id"].as_i64().unwrap();

    let fetched: Value = api
        .get(app.url(&format!("/api/v1/assemblies/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, created);
    let listed: Value = api
        .get(app.url("/api/v1/assemblies"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);

    // Organisers update their own assembly through the API; members may not.
    let climate = app.climate_id().await;
    let mut update = input.clone();
    update["title"] = json!("Convention citoyenne pour le climat");
    let organiser = app.token_for("organiser").await;
    let response = api
        .put(app.url(&format!("/api/v1/assemblies/{climate}")))
        .bearer_auth(&organiser)
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let member = app.token_for("member").await;
    let response = api
        .put(app.url(&format!("/api/v1/assemblies/{climate}")))
        .bearer_auth(&member)
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let response = api
        .put(app.url(&format!("/api/v1/assemblies/{id}")))
        .bearer_auth(&organiser)
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        403,
        "not an organiser of that assembly"
    );

    let response = api
        .post(app.url(&format!("/api/v1/assemblies/{climate}/comments")))
        .json(&json!({ "body": "Publish the agenda" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    let comments: Value = api
        .get(app.url(&format!("/api/v1/assemblies/{climate}/comments")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(comments, json!([]), "pending comments are not listed");
    let response = api
        .get(app.url("/api/v1/assemblies/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);

    // A revoked token stops working at once.
    let (_, page) = app.get(&admin, "/staff/tokens").await;
    let marker = "action=\"/staff/tokens/";
    let start = page.find(marker).expect("a revoke button") + marker.len();
    let token_id = page[start..].split('/').next().unwrap().to_owned();
    let response = app
        .post_form(&admin, &format!("/staff/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = api
        .post(app.url("/api/v1/assemblies"))
        .bearer_auth(&token)
        .json(&input)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401, "revoked");
}

pub async fn the_openapi_document_lists_every_api_route(app: TestApp) {
    let document: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let api_routes: Vec<_> = route_specs()
        .into_iter()
        .filter(|spec| spec.kind == Kind::Api)
        .collect();
    assert!(api_routes.len() >= 7);
    for spec in &api_routes {
        let operation = &document["paths"][spec.path][spec.method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{} {} missing from the OpenAPI document",
            spec.method,
            spec.path
        );
        assert_ne!(
            operation["summary"], "UNDOCUMENTED",
            "{} {}",
            spec.method, spec.path
        );
    }
    let documented: usize = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        api_routes.len(),
        "the document lists no route that does not exist"
    );
}

/// What schemathesis found on the API (`crates/klero/tests/api_schema.rs`): an id that is not an integer was a
/// plain-text 400, and a comment without `application/json` or with broken JSON got statuses the document did not
/// list. Every answer here is JSON and listed for its operation.
pub async fn api_errors_are_json_and_listed_in_the_openapi_document(app: TestApp) {
    let document: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = app.demo_client("admin").await;
    let response = app
        .post_form(&admin, "/staff/tokens", &[("name", "schema check")])
        .await;
    let html = response.text().await.unwrap();
    let start = html.find("klero_").expect("token shown");
    let token = html[start..].split('<').next().unwrap().to_owned();
    let api = reqwest::Client::new();
    let cases = [
        (
            "get",
            "/api/v1/assemblies/{assembly_id}",
            api.get(app.url("/api/v1/assemblies/not-a-number")),
            404,
        ),
        (
            "get",
            "/api/v1/assemblies/{assembly_id}/ballots/{ballot_id}",
            api.get(app.url("/api/v1/assemblies/1/ballots/9223372036854775808"))
                .bearer_auth(&token),
            404,
        ),
        (
            "get",
            "/api/v1/assemblies/{assembly_id}/ballots/{ballot_id}",
            api.get(app.url("/api/v1/assemblies/1/ballots/x"))
                .bearer_auth(&token),
            404,
        ),
        (
            "post",
            "/api/v1/assemblies/{assembly_id}/comments",
            api.post(app.url("/api/v1/assemblies/1/comments"))
                .body("{\"body\": \"hello\"}"),
            415,
        ),
        (
            "post",
            "/api/v1/assemblies/{assembly_id}/comments",
            api.post(app.url("/api/v1/assemblies/1/comments"))
                .header("content-type", "application/json")
                .body("o"),
            400,
        ),
        (
            "put",
            "/api/v1/assemblies/{assembly_id}",
            api.put(app.url("/api/v1/assemblies/1"))
                .bearer_auth(&token)
                .header("content-type", "text/plain")
                .body("{}"),
            415,
        ),
        (
            "get",
            "/api/v1/assemblies",
            api.get(app.url("/api/v1/assemblies"))
                .bearer_auth("klero_unknown"),
            401,
        ),
    ];
    for (method, path, request, expected) in cases {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert_eq!(status, expected, "{method} {path}");
        let body: Value = response.json().await.expect("a JSON error body");
        assert!(body["error"].is_string(), "{method} {path}: {body}");
        assert!(
            document["paths"][path][method]["responses"][status.to_string()].is_object(),
            "{method} {path} answered {status}, which its operation does not list"
        );
    }
}

pub async fn bad_input_gets_a_4xx_naming_the_field_and_changes_nothing(app: TestApp) {
    let token = app.token_for("admin").await;
    let api = reqwest::Client::new();
    let before = (
        app.count("assemblies").await,
        app.count("audit_log").await,
        app.count("design_comments").await,
    );
    let valid =
        json!({ "title": "T", "question": "Q", "authority": "A", "current_phase": "design" });

    let cases: Vec<(String, u16, &str)> = vec![
        (json!({ "question": "Q", "authority": "A", "current_phase": "design" }).to_string(), 422, "title"),
        (json!({ "title": 5, "question": "Q", "authority": "A", "current_phase": "design" }).to_string(), 422, "title"),
        (json!({ "title": "T", "question": "Q", "authority": "A", "current_phase": "voting" }).to_string(), 422, "current_phase"),
        (json!({ "title": "  ", "question": "Q", "authority": "A", "current_phase": "design" }).to_string(), 422, "title"),
        (json!({ "title": "T", "question": "Q", "authority": "A", "current_phase": "design",
                 "timeline": [{ "phase": "design", "starts_on": "2027-02-30" }] }).to_string(), 422, "start_design"),
        (json!({ "title": "T", "question": "Q", "authority": "A", "current_phase": "design", "extra": 1 }).to_string(), 422, "extra"),
        ("{\"title\": \"T\",".to_owned(), 400, "JSON"),
        (format!("{{\"title\": \"{}\"}}", "x".repeat(100_000)), 413, "too large"),
    ];
    for (body, status, mention) in cases {
        let response = api
            .post(app.url("/api/v1/assemblies"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let got = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(got, status, "body {:.80}: {text}", body);
        assert!(
            text.contains(mention),
            "{text:?} should mention {mention:?}"
        );
    }
    let response = api
        .post(app.url("/api/v1/assemblies"))
        .bearer_auth(&token)
        .body(valid.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        415,
        "JSON needs its content type"
    );

    // Forms: missing fields are named in the page, oversized bodies are refused.
    let admin = app.demo_client("admin").await;
    let response = app
        .post_form(&admin, "/staff/assemblies", &[("title", "Only a title")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Question (remit): is required")
            && html.contains("Commissioning authority: is required"),
        "{html}"
    );
    let huge = "y".repeat(100_000);
    let response = app
        .post_form(&admin, "/staff/assemblies", &[("title", &huge)])
        .await;
    assert_eq!(response.status().as_u16(), 413);
    let id = app.climate_id().await;
    let response = app
        .post_form(
            &client(),
            &format!("/assemblies/{id}/comments"),
            &[("body", "")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Your comment: is required")
    );

    assert_eq!(
        (
            app.count("assemblies").await,
            app.count("audit_log").await,
            app.count("design_comments").await
        ),
        before,
        "nothing changed"
    );
}

pub async fn the_audit_chain_detects_an_edited_and_a_deleted_entry(app: TestApp) {
    let admin = app.demo_client("admin").await;
    for title in ["Audit one", "Audit two"] {
        let response = app
            .post_form(&admin, "/staff/assemblies", &assembly_form(title, "", ""))
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let entries = app.count("audit_log").await;
    let mut connection = app.store.connection().await.unwrap();
    assert_eq!(
        store::audit::verify(&mut connection).await.unwrap(),
        Ok(entries)
    );
    drop(connection);
    let (_, page) = app.get(&admin, "/staff/audit").await;
    assert!(page.contains("The hash chain is intact"));

    let target = entries - 1;
    let original = store::test_support::count_raw(
        &app.store,
        &format!("SELECT LENGTH(after_json) FROM audit_log WHERE seq = {target}"),
    )
    .await
    .unwrap();
    assert!(original > 0);
    let edited = store::test_support::execute_raw(
        &app.store,
        &format!("UPDATE audit_log SET after_json = REPLACE(after_json, 'Audit one', 'Audit ONE') WHERE seq = {target}"),
    )
    .await
    .unwrap();
    assert_eq!(edited, 1);
    let mut connection = app.store.connection().await.unwrap();
    let broken = store::audit::verify(&mut connection)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, target, "{broken:?}");
    drop(connection);
    let (_, page) = app.get(&admin, "/staff/audit").await;
    assert!(
        page.contains(&format!("The hash chain is broken at entry {target}")),
        "{page}"
    );

    store::test_support::execute_raw(
        &app.store,
        &format!("UPDATE audit_log SET after_json = REPLACE(after_json, 'Audit ONE', 'Audit one') WHERE seq = {target}"),
    )
    .await
    .unwrap();
    store::test_support::execute_raw(&app.store, "DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    let mut connection = app.store.connection().await.unwrap();
    assert_eq!(
        store::audit::verify(&mut connection)
            .await
            .unwrap()
            .unwrap_err()
            .seq,
        2
    );
}

pub async fn pages_speak_english_or_french(app: TestApp) {
    let browser = client();
    let (_, html) = app.get(&browser, "/").await;
    assert!(html.contains("<html lang=\"en\">") && html.contains("Citizens&#39; assemblies"));
    let (_, html) = app.get(&browser, "/?lang=fr").await;
    assert!(
        html.contains("<html lang=\"fr\">") && html.contains("Assemblées citoyennes"),
        "{html}"
    );
    let (_, html) = app
        .get(&browser, &format!("/assemblies/{}", app.climate_id().await))
        .await;
    assert!(
        html.contains("<html lang=\"fr\">") && html.contains("Délibération"),
        "the choice is remembered"
    );
    let response = client()
        .get(app.url("/login"))
        .header("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\">") && html.contains("Mot de passe"));
    let (status, html) = app.get(&browser, "/no/such/page").await;
    assert_eq!(status, 404);
    assert!(
        html.contains("<html lang=\"fr\">") && html.contains("Cette page n&#39;existe pas."),
        "{html}"
    );
    let (status, body) = app.get(&browser, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, body) = app.get(&browser, "/readyz").await;
    assert_eq!((status, body.as_str()), (200, "ready"));
}

pub async fn first_run_creates_the_first_administrator_once(app: TestApp) {
    // The demo seed made an administrator, so start from an empty database instead.
    let database = store::test_support::TestDatabase::create(app.store.backend()).await;
    let (address, fresh_store, stopping) = start_server(&database.url).await;
    let fresh = TestApp {
        address,
        store: fresh_store.clone(),
        database_url: database.url.clone(),
        stopping,
    };
    let browser = client();
    let (status, html) = fresh.get(&browser, "/setup").await;
    assert_eq!(status, 200);
    assert!(html.contains("Create the first administrator"));
    let token = csrf_of(&html);
    let response = browser
        .post(fresh.url("/setup"))
        .form(&[
            ("display_name", "Ada"),
            ("email", "ada@example.org"),
            ("password", "short"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Password: must be at least 12 characters")
    );
    assert_eq!(fresh.count("accounts").await, 0);
    let response = browser
        .post(fresh.url("/setup"))
        .form(&[
            ("display_name", "Ada"),
            ("email", "ada@example.org"),
            ("password", "a long enough password"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/staff".to_owned())
    );
    let (status, html) = fresh.get(&browser, "/staff/assemblies/new").await;
    assert_eq!(status, 200, "the new administrator is signed in: {html}");
    let other = client();
    let response = fresh
        .post_form(
            &other,
            "/setup",
            &[
                ("display_name", "Eve"),
                ("email", "eve@example.org"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(fresh.count("accounts").await, 1);
    fresh_store.close().await;
    database.drop_database().await;
}

pub async fn members_sign_in_with_a_one_time_code_once(app: TestApp) {
    let id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/members"),
            &[
                ("display_name", "Camille"),
                ("email", "camille@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(
        crate::helpers::code_in(&html),
        None,
        "no code on the organiser's page"
    );
    let code = app.code_sent_to("camille@example.org").await;
    assert_eq!(code.len(), 14, "{code}");
    assert_eq!(
        store::test_support::count_raw(&app.store, "SELECT COUNT(*) FROM accounts WHERE email = 'camille@example.org' AND password_hash IS NULL AND sign_in_method = 'one_time_code'")
            .await
            .unwrap(),
        1
    );

    let member = client();
    let response = app
        .post_form(
            &member,
            "/code",
            &[("email", "camille@example.org"), ("code", "0000-0000-0000")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401);
    let response = app
        .post_form(
            &member,
            "/code",
            &[
                ("email", "Camille@example.org"),
                ("code", &code.to_lowercase()),
            ],
        )
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/staff".to_owned())
    );
    let (status, dashboard) = app.get(&member, "/staff").await;
    assert_eq!(status, 200);
    assert!(
        dashboard.contains("Citizens&#39; Convention for Climate"),
        "{dashboard}"
    );
    let (status, _) = app
        .get(&member, &format!("/staff/assemblies/{id}/edit"))
        .await;
    assert_eq!(status, 403, "a member cannot edit the assembly");

    let again = client();
    let response = app
        .post_form(
            &again,
            "/code",
            &[("email", "camille@example.org"), ("code", &code)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401, "a code works once");
    let response = app
        .post_form(
            &again,
            "/login",
            &[
                ("email", "camille@example.org"),
                ("password", "any password at all"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401, "members have no password");
}
