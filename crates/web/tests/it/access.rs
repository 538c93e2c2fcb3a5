//! Access can be taken away (issue 14, finding 11), the anonymous CSRF token is bound to the server secret and the
//! first run is serialised (finding 12): each scenario performs the attack or the change through the real server.

use serde_json::json;

use crate::helpers::{TestApp, client, csrf_of, location, start_server};

async fn account_id_of(app: &TestApp, email: &str) -> i64 {
    let mut connection = app.store.connection().await.unwrap();
    store::accounts::account_by_email(&mut connection, email)
        .await
        .unwrap()
        .expect("an account")
        .id
}

async fn audit_text(app: &TestApp) -> String {
    let mut connection = app.store.connection().await.unwrap();
    store::audit::recent(&mut connection, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            format!(
                "{} {} {} {}\n",
                row.action,
                row.entity,
                row.before_json.unwrap_or_default(),
                row.after_json.unwrap_or_default()
            )
        })
        .collect()
}

/// The text of the element with `id` (a code shown once).
fn shown(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} on the page:\n{html}"))
        + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

/// Whether a signed-in `browser` still reaches the dashboard (a dead session is sent to `/login`).
async fn signed_in(app: &TestApp, browser: &reqwest::Client) -> bool {
    let response = browser.get(app.url("/staff")).send().await.unwrap();
    match response.status().as_u16() {
        200 => true,
        303 => {
            assert_eq!(location(&response), "/login");
            false
        }
        other => panic!("/staff answered {other}"),
    }
}

/// The status of an API call that needs the organiser's rights, with `token`.
async fn api_status(app: &TestApp, token: &str) -> u16 {
    let assembly_id = app.climate_id().await;
    reqwest::Client::new()
        .put(app.url(&format!("/api/v1/assemblies/{assembly_id}")))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.post_form(
        &client(),
        "/login",
        &[("email", email), ("password", password)],
    )
    .await
    .status()
    .as_u16()
}

pub async fn an_administrator_disables_an_account_and_every_way_in_closes(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let admin = app.demo_client("admin").await;
    let organiser = app.demo_client("organiser").await;
    let organiser_token = app.token_for("organiser").await;
    let organiser_id = account_id_of(&app, "organiser@demo.kleroterion.org").await;
    // A member who signs in with a one-time code, added by the organiser (the code goes to the member).
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/members"),
            &[
                ("display_name", "Camille"),
                ("email", "camille@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let code = app.code_sent_to("camille@example.org").await;
    let member_id = account_id_of(&app, "camille@example.org").await;
    assert!(signed_in(&app, &organiser).await);
    assert_ne!(api_status(&app, &organiser_token).await, 401);

    for account_id in [organiser_id, member_id] {
        let response = app
            .post_form(
                &admin,
                &format!("/staff/accounts/{account_id}/disable"),
                &[],
            )
            .await;
        assert_eq!(
            (response.status().as_u16(), location(&response)),
            (303, format!("/staff/accounts/{account_id}?done=disabled"))
        );
    }
    // The open session ends at once, the right password and the API token are refused, and so is the code.
    assert!(!signed_in(&app, &organiser).await);
    assert_eq!(
        login_status(
            &app,
            "organiser@demo.kleroterion.org",
            "demo-organiser-password"
        )
        .await,
        401
    );
    assert_eq!(api_status(&app, &organiser_token).await, 401);
    let response = app
        .post_form(
            &client(),
            "/code",
            &[("email", "camille@example.org"), ("code", &code)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401);
    let (status, html) = app.get(&admin, "/staff/accounts").await;
    assert_eq!(status, 200);
    assert!(html.contains("Disabled"), "{html}");

    // Enabled again, the account signs in as before; the code was never used, so it still works once.
    let response = app
        .post_form(
            &admin,
            &format!("/staff/accounts/{organiser_id}/enable"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        login_status(
            &app,
            "organiser@demo.kleroterion.org",
            "demo-organiser-password"
        )
        .await,
        303
    );
    assert_ne!(api_status(&app, &organiser_token).await, 401);

    // The last enabled administrator cannot be disabled, not even by themself.
    let admin_id = account_id_of(&app, "admin@demo.kleroterion.org").await;
    let response = app
        .post_form(&admin, &format!("/staff/accounts/{admin_id}/disable"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("The last enabled administrator cannot be disabled")
    );
    assert!(signed_in(&app, &admin).await);

    // Only administrators manage accounts (the organiser's old session ended; this is a new one).
    let organiser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/accounts/{member_id}/enable"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);

    let audit = audit_text(&app).await;
    assert!(
        audit.contains(&format!("account.disable account:{organiser_id}")),
        "{audit}"
    );
    assert!(
        audit.contains(&format!("account.disable account:{member_id}")),
        "{audit}"
    );
    assert!(
        audit.contains(&format!("account.enable account:{organiser_id}")),
        "{audit}"
    );
    assert!(!audit.contains("demo-organiser-password"));
}

pub async fn an_administrator_ends_sessions_and_revokes_tokens_and_tokens_expire(app: TestApp) {
    let admin = app.demo_client("admin").await;
    let organiser = app.demo_client("organiser").await;
    let organiser_id = account_id_of(&app, "organiser@demo.kleroterion.org").await;

    // A token's lifetime is chosen at creation, from 1 to 365 days.
    for days in ["0", "366", "soon"] {
        let response = app
            .post_form(
                &organiser,
                "/staff/tokens",
                &[("name", "script"), ("days", days)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422, "{days}");
    }
    let response = app
        .post_form(
            &organiser,
            "/staff/tokens",
            &[("name", "script"), ("days", "7")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    let marker = "<code class=\"token\">";
    let start = html.find(marker).expect("the token is shown once") + marker.len();
    let token = html[start..].split('<').next().unwrap().to_owned();
    assert_ne!(api_status(&app, &token).await, 401);
    let week = store::test_support::count_raw(
        &app.store,
        &format!(
            "SELECT MAX(expires_at - created_at) FROM api_tokens WHERE account_id = {organiser_id}"
        ),
    )
    .await
    .unwrap();
    assert_eq!(week, 7 * 24 * 3600);

    // A token past its expiry is refused with 401.
    let mut connection = app.store.connection().await.unwrap();
    store::auth::create_api_token(
        &mut connection,
        organiser_id,
        "old",
        &web::security::token_hash("klero_expired_token"),
        1,
        2,
    )
    .await
    .unwrap();
    drop(connection);
    assert_eq!(api_status(&app, "klero_expired_token").await, 401);

    // The administrator sees the organiser's live tokens and revokes one; the organiser cannot revoke others'.
    let (status, html) = app
        .get(&admin, &format!("/staff/accounts/{organiser_id}"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("script") && !html.contains(">old<"), "{html}");
    let token_id = store::test_support::count_raw(
        &app.store,
        &format!(
            "SELECT MAX(id) FROM api_tokens WHERE account_id = {organiser_id} AND name = 'script'"
        ),
    )
    .await
    .unwrap();
    let admin_id = account_id_of(&app, "admin@demo.kleroterion.org").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/accounts/{admin_id}/tokens/{token_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let response = app
        .post_form(
            &admin,
            &format!("/staff/accounts/{organiser_id}/tokens/{token_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(api_status(&app, &token).await, 401);

    // Ending the sessions signs the organiser out everywhere; the password still works.
    let second = app.demo_client("organiser").await;
    assert!(signed_in(&app, &organiser).await && signed_in(&app, &second).await);
    let response = app
        .post_form(
            &admin,
            &format!("/staff/accounts/{organiser_id}/sessions/end"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(!signed_in(&app, &organiser).await);
    assert!(!signed_in(&app, &second).await);
    assert!(signed_in(&app, &admin).await);
    assert_eq!(
        login_status(
            &app,
            "organiser@demo.kleroterion.org",
            "demo-organiser-password"
        )
        .await,
        303
    );

    let audit = audit_text(&app).await;
    assert!(
        audit.contains(&format!("api_token.revoke api_token:{token_id}")),
        "{audit}"
    );
    assert!(
        audit.contains(&format!("account.sessions_end account:{organiser_id}")),
        "{audit}"
    );
    assert!(!audit.contains(&token));
}

pub async fn an_organiser_removes_a_role_and_it_holds_at_once(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let facilitator = app.demo_client("facilitator").await;
    let facilitator_id = account_id_of(&app, "facilitator@demo.kleroterion.org").await;
    let workspace = format!("/staff/assemblies/{assembly_id}");
    assert_eq!(app.get(&facilitator, &workspace).await.0, 200);
    let (_, html) = app.get(&organiser, &workspace).await;
    let remove = format!("/staff/assemblies/{assembly_id}/roles/{facilitator_id}/remove");
    assert!(html.contains(&remove), "the workspace has the form: {html}");

    // A facilitator cannot take roles away.
    let organiser_id = account_id_of(&app, "organiser@demo.kleroterion.org").await;
    let response = app
        .post_form(
            &facilitator,
            &format!("/staff/assemblies/{assembly_id}/roles/{organiser_id}/remove"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);

    let response = app.post_form(&organiser, &remove, &[]).await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, format!("{workspace}?saved=1"))
    );
    let response = facilitator.get(app.url(&workspace)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 403, "the role is gone at once");
    let response = app.post_form(&organiser, &remove, &[]).await;
    assert_eq!(response.status().as_u16(), 404, "no role left to remove");
    let audit = audit_text(&app).await;
    assert!(
        audit.contains(&format!(
            "role.remove assembly:{assembly_id}/account:{facilitator_id} {{\"role\":\"facilitator\"}}"
        )),
        "{audit}"
    );
}

pub async fn passwords_are_changed_with_the_current_one_and_reset_with_a_one_time_code(
    app: TestApp,
) {
    let email = "organiser@demo.kleroterion.org";
    let organiser = app.demo_client("organiser").await;
    let other_session = app.demo_client("organiser").await;

    // The current password is required and checked.
    let response = app
        .post_form(
            &organiser,
            "/staff/password",
            &[
                ("current_password", "not my password"),
                ("password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("The current password is not right")
    );
    let response = app
        .post_form(
            &organiser,
            "/staff/password",
            &[
                ("current_password", "demo-organiser-password"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(signed_in(&app, &other_session).await, "nothing changed");

    let response = app
        .post_form(
            &organiser,
            "/staff/password",
            &[
                ("current_password", "demo-organiser-password"),
                ("password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/staff/password?changed=1".to_owned())
    );
    assert!(signed_in(&app, &organiser).await, "this session stays");
    assert!(!signed_in(&app, &other_session).await, "the others end");
    assert_eq!(
        login_status(&app, email, "demo-organiser-password").await,
        401
    );
    assert_eq!(login_status(&app, email, "a brand new password").await, 303);

    // An administrator resets it: without a relay the code is shown once, never cached, never in a URL.
    let admin = app.demo_client("admin").await;
    let organiser_id = account_id_of(&app, email).await;
    let response = app
        .post_form(
            &admin,
            &format!("/staff/accounts/{organiser_id}/password-reset"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap(),
        "no-store"
    );
    let code = shown(&response.text().await.unwrap(), "reset-code");
    assert_eq!(code.len(), 14, "{code}");
    let organiser_as_organiser = app
        .post_form(
            &organiser,
            &format!("/staff/accounts/{organiser_id}/password-reset"),
            &[],
        )
        .await;
    assert_eq!(organiser_as_organiser.status().as_u16(), 403);

    let visitor = client();
    let wrong = app
        .post_form(
            &visitor,
            "/password-reset",
            &[
                ("email", email),
                ("code", "0000-0000-0000"),
                ("password", "the reset password"),
            ],
        )
        .await;
    assert_eq!(wrong.status().as_u16(), 401);
    let response = app
        .post_form(
            &visitor,
            "/password-reset",
            &[
                ("email", email),
                ("code", &code),
                ("password", "the reset password"),
            ],
        )
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/staff".to_owned())
    );
    assert!(signed_in(&app, &visitor).await);
    assert!(
        !signed_in(&app, &organiser).await,
        "a reset ends every other session"
    );
    let again = app
        .post_form(
            &client(),
            "/password-reset",
            &[
                ("email", email),
                ("code", &code),
                ("password", "yet another password"),
            ],
        )
        .await;
    assert_eq!(again.status().as_u16(), 401, "a code works once");
    assert_eq!(login_status(&app, email, "a brand new password").await, 401);
    assert_eq!(login_status(&app, email, "the reset password").await, 303);

    // A code-only member has no password to reset.
    let assembly_id = app.climate_id().await;
    let response = app
        .post_form(
            &admin,
            &format!("/staff/assemblies/{assembly_id}/members"),
            &[
                ("display_name", "Camille"),
                ("email", "camille@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let member_id = account_id_of(&app, "camille@example.org").await;
    let response = app
        .post_form(
            &admin,
            &format!("/staff/accounts/{member_id}/password-reset"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);

    let audit = audit_text(&app).await;
    assert!(
        audit.contains(&format!("account.password_change account:{organiser_id}")),
        "{audit}"
    );
    assert!(
        audit.contains(&format!(
            "password_reset.issue account:{organiser_id}/password_reset:"
        )),
        "{audit}"
    );
    assert!(
        audit.contains(&format!("account.password_reset account:{organiser_id}")),
        "{audit}"
    );
    for secret in [
        code.as_str(),
        &code.replace('-', ""),
        "a brand new password",
        "the reset password",
    ] {
        assert!(!audit.contains(secret), "{secret} in the audit log");
    }
}

pub async fn a_planted_csrf_cookie_with_a_matching_field_is_refused(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let path = format!("/assemblies/{assembly_id}/comments");
    // A value the attacker made up (planted from a sibling subdomain, say), sent as cookie and as field.
    let forged = "0123456789abcdef".repeat(4);
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(&path))
        .header("cookie", format!("klero_csrf={forged}"))
        .form(&[("body", "planted"), ("csrf_token", forged.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.count("design_comments").await, 0);

    // The token the server issued works, as cookie and field.
    let visitor = client();
    let (_, page) = app
        .get(&visitor, &format!("/assemblies/{assembly_id}"))
        .await;
    let token = csrf_of(&page);
    assert_ne!(token, forged);
    let response = visitor
        .post(app.url(&path))
        .form(&[
            ("body", "Please publish the quotas"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("design_comments").await, 1);
}

pub async fn two_first_runs_at_once_create_one_administrator(app: TestApp) {
    // The demo seed made an administrator, so start from an empty database.
    let database = store::test_support::TestDatabase::create(app.store.backend()).await;
    let (address, fresh_store, _stopping) = start_server(&database.url).await;
    let mut forms = Vec::new();
    for i in 0..4 {
        let browser = client();
        let html = browser
            .get(format!("{address}/setup"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        forms.push((browser, csrf_of(&html), format!("admin{i}@example.org")));
    }
    let mut attempts = Vec::new();
    for (browser, token, email) in forms {
        let url = format!("{address}/setup");
        attempts.push(tokio::spawn(async move {
            browser
                .post(url)
                .form(&[
                    ("display_name", "First"),
                    ("email", email.as_str()),
                    ("password", "a long enough password"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, vec![303, 409, 409, 409]);
    assert_eq!(
        store::test_support::count_raw(
            &fresh_store,
            "SELECT COUNT(*) FROM accounts WHERE is_admin = 1"
        )
        .await
        .unwrap(),
        1
    );
    fresh_store.close().await;
    database.drop_database().await;
}
