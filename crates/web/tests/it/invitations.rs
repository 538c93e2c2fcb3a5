//! Staff invitations and the platform setting that lets organisers create assemblies (issue 18, item 3), over HTTP
//! on both backends: invitations by email with a role, accepted once through the link, expired, revoked, refused
//! for a member role or an address that already has an account; organisers create assemblies only when the
//! platform administrator allows it.

use app::Actor;
use app::invitations::Invitee;
use domain::account::Email;
use domain::permission::Role;

use crate::helpers::{TestApp, client, location, message_log_of, start_server_with};

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { crate::helpers::run(store::Backend::Sqlite, super::$name).await }) *
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { crate::helpers::run(store::Backend::Postgres, super::$name).await }) *
        }
    };
}

on_both_backends!(
    staff_invitations_are_accepted_once_expire_are_revoked_and_give_only_staff_roles,
    organisers_create_assemblies_only_when_the_administrator_allows_it,
);

/// A second server on the test's database whose emails go to the development message log.
async fn server_with_message_log(app: &TestApp) -> TestApp {
    use sha2::Digest;
    let config = web::Config {
        secret: store::secret::ServerSecret::from_bytes(
            sha2::Sha256::digest(app.database_url.as_bytes()).into(),
        ),
        message_log: Some(message_log_of(&app.database_url)),
        ..web::Config::default()
    };
    let (address, store, stopping) = start_server_with(&app.database_url, config).await;
    TestApp {
        address,
        store,
        database_url: app.database_url.clone(),
        stopping,
    }
}

/// The invitation link's path in the last email to `to` (waits for the outbox's task).
async fn link_sent_to(app: &TestApp, to: &str) -> String {
    for _ in 0..200 {
        let found = app
            .message_log()
            .read()
            .into_iter()
            .rev()
            .find(|message| message.to == to);
        if let Some(message) = found {
            let start = message
                .body
                .find("/join/")
                .expect("a link in the invitation");
            return message.body[start..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no invitation was sent to {to}");
}

async fn invitations(app: &TestApp) -> i64 {
    app.count("staff_invitations").await
}

pub async fn staff_invitations_are_accepted_once_expire_are_revoked_and_give_only_staff_roles(
    app: TestApp,
) {
    crate::members::logs();
    let app = server_with_message_log(&app).await;
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let invite = format!("/staff/assemblies/{assembly_id}/staff-invitations");

    // A member role, an unknown role and a bad address are refused, naming the problem; nothing is written.
    for (emails, role, status) in [
        ("new.person@example.org", "member", 422),
        ("new.person@example.org", "admin", 422),
        ("new.person@example.org\nnot an address", "facilitator", 422),
        // An address that already has an account gets the role through the role form instead.
        (
            "new.person@example.org\nfacilitator@demo.kleroterion.org",
            "observer",
            409,
        ),
    ] {
        let response = app
            .post_form(&organiser, &invite, &[("emails", emails), ("role", role)])
            .await;
        assert_eq!(response.status().as_u16(), status, "{emails} {role}");
        let html = response.text().await.unwrap();
        if status == 409 {
            assert!(
                html.contains("Line 2: this address already has an account"),
                "{html}"
            );
        }
    }
    assert_eq!(invitations(&app).await, 0);

    // Two people invited in one step, each with a one-time link by email.
    let response = app
        .post_form(
            &organiser,
            &invite,
            &[
                (
                    "emails",
                    "fay.facilitator@example.org\n\n  oscar.observer@example.org ",
                ),
                ("role", "facilitator"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Invitations sent: 2."), "{html}");
    assert!(
        html.contains("fay.facilitator@example.org"),
        "the workspace lists them: {html}"
    );
    let fay_link = link_sent_to(&app, "fay.facilitator@example.org").await;
    let oscar_link = link_sent_to(&app, "oscar.observer@example.org").await;
    assert_ne!(fay_link, oscar_link);

    // The link opens the acceptance page, not cached, which says which assembly and role.
    let fay = client();
    let response = fay.get(app.url(&fay_link)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Citizens&#39; Convention for Climate") && html.contains("Facilitator"),
        "{html}"
    );
    let csrf = crate::helpers::csrf_of(&html);
    let response = fay
        .post(app.url(&fay_link))
        .form(&[
            ("display_name", "Fay"),
            ("password", "short"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        422,
        "a short password is refused"
    );
    let response = fay
        .post(app.url(&fay_link))
        .form(&[
            ("display_name", "Fay Facilitator"),
            ("password", "a long enough password"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/staff".to_owned())
    );
    // Signed in, with the invited role and nothing more.
    let (status, _) = app
        .get(&fay, &format!("/staff/assemblies/{assembly_id}"))
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .get(&fay, &format!("/staff/assemblies/{assembly_id}/edit"))
        .await;
    assert_eq!(status, 403, "a facilitator does not edit the assembly");
    let mut connection = app.store.connection().await.unwrap();
    let account = store::accounts::account_by_email(&mut connection, "fay.facilitator@example.org")
        .await
        .unwrap()
        .expect("the account was created");
    assert_eq!(
        store::accounts::role_in(&mut connection, account.id, assembly_id)
            .await
            .unwrap(),
        Some(Role::Facilitator)
    );
    drop(connection);
    // The link works once.
    let again = client();
    let (status, html) = app.get(&again, &fay_link).await;
    assert_eq!(status, 404);
    assert!(html.contains("does not work"), "{html}");
    let response = app
        .post_form(
            &again,
            &fay_link,
            &[
                ("display_name", "Someone"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(app.count("accounts WHERE email LIKE 'fay.%'").await, 1);
    // Fay signs in with the password she chose.
    app.login(
        &client(),
        "fay.facilitator@example.org",
        "a long enough password",
    )
    .await;

    // Revoked: Oscar's link stops working.
    let oscar_id = store::test_support::count_raw(
        &app.store,
        "SELECT MAX(id) FROM staff_invitations WHERE accepted_at IS NULL",
    )
    .await
    .unwrap();
    let response = app
        .post_form(&organiser, &format!("{invite}/{oscar_id}/revoke"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, _) = app.get(&client(), &oscar_link).await;
    assert_eq!(status, 404, "a revoked link does not work");
    let response = app
        .post_form(&organiser, &format!("{invite}/{oscar_id}/revoke"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 404, "revoked once");
    // Another assembly's organiser cannot revoke here, and an organiser cannot revoke another assembly's.
    let facilitator = app.demo_client("facilitator").await;
    let response = app
        .post_form(&facilitator, &format!("{invite}/{oscar_id}/revoke"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 403);

    // Expired: an invitation made 8 days ago no longer opens.
    let mut tx = app.store.begin().await.unwrap();
    let old = app::invitations::invite(
        &mut tx,
        &Actor::SYSTEM,
        assembly_id,
        &[Invitee {
            email: Email::parse("late.comer@example.org").unwrap(),
            role: Role::Observer,
        }],
        "en",
        web::now() - 8 * 24 * 3600,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let token = old
        .effects
        .iter()
        .find_map(|effect| match effect {
            app::effect::Effect::Mail(app::effect::Mail::StaffInvitation { token, .. }) => {
                Some(token.clone())
            }
            _ => None,
        })
        .unwrap();
    let (status, _) = app.get(&client(), &format!("/join/{token}")).await;
    assert_eq!(status, 404, "an expired link does not work");

    // The API invites in bulk, all or none.
    let api_token = app.token_for("organiser").await;
    let api = reqwest::Client::new();
    let url = app.url(&format!(
        "/api/v1/assemblies/{assembly_id}/staff-invitations"
    ));
    let response = api
        .post(&url)
        .bearer_auth(&api_token)
        .json(&serde_json::json!({ "invitations": [
            { "email": "ana.authority@example.org", "role": "authority" },
            { "email": "organiser@demo.kleroterion.org", "role": "observer" }
        ] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
    let before = invitations(&app).await;
    let response = api
        .post(&url)
        .bearer_auth(&api_token)
        .json(&serde_json::json!({ "invitations": [
            { "email": "ana.authority@example.org", "role": "authority" },
            { "email": "obi.observer@example.org", "role": "observer" }
        ], "lang": "fr" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["ids"].as_array().unwrap().len(), 2);
    assert_eq!(invitations(&app).await, before + 2);
    let link = link_sent_to(&app, "obi.observer@example.org").await;
    let french = app
        .message_log()
        .read()
        .into_iter()
        .find(|message| message.to == "obi.observer@example.org")
        .unwrap();
    assert!(
        french.subject.contains("Vous êtes invité"),
        "{}",
        french.subject
    );
    assert!(link.starts_with("/join/"));

    // The audit log records every step with ids and roles, never an address or a link.
    let mut connection = app.store.connection().await.unwrap();
    let audit: String = store::audit::recent(&mut connection, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            format!(
                "{} {} {:?} {:?}\n",
                row.action, row.entity, row.before_json, row.after_json
            )
        })
        .collect();
    drop(connection);
    for action in [
        "staff_invitation.create",
        "staff_invitation.accept",
        "staff_invitation.revoke",
    ] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
    let secret = fay_link.trim_start_matches("/join/");
    for private in [
        "fay.facilitator@example.org",
        "oscar.observer@example.org",
        secret,
    ] {
        assert!(!audit.contains(private), "{private} in the audit log");
    }
    assert!(
        !crate::members::log_text().contains("oscar.observer@example.org"),
        "an address in the server's log"
    );
}

pub async fn organisers_create_assemblies_only_when_the_administrator_allows_it(app: TestApp) {
    let admin = app.demo_client("admin").await;
    let organiser = app.demo_client("organiser").await;
    let facilitator = app.demo_client("facilitator").await;
    let form = [
        ("title", "Lakeside Water Assembly"),
        ("question", "How should we share the lake's water?"),
        ("authority", "Lakeside Council"),
        ("commitments", "Answer every recommendation"),
        ("current_phase", "design"),
    ];
    let (status, html) = app.get(&organiser, "/staff").await;
    assert_eq!(status, 200);
    assert!(!html.contains("href=\"/staff/assemblies/new\""), "{html}");
    let (status, _) = app.get(&organiser, "/staff/assemblies/new").await;
    assert_eq!(status, 403, "off by default");
    let before = app.count("assemblies").await;
    let response = app.post_form(&organiser, "/staff/assemblies", &form).await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.count("assemblies").await, before);
    // Only the administrator changes the setting.
    let response = app
        .post_form(
            &organiser,
            "/staff/settings",
            &[("organisers_create_assemblies", "yes")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let response = app
        .post_form(
            &admin,
            "/staff/settings",
            &[("organisers_create_assemblies", "yes")],
        )
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/staff/settings?saved=1".to_owned())
    );
    let (_, html) = app.get(&admin, "/staff/settings").await;
    assert!(html.contains("checked"), "{html}");

    // Now the organiser creates one and becomes its organiser; a facilitator still cannot.
    let (_, html) = app.get(&organiser, "/staff").await;
    assert!(html.contains("href=\"/staff/assemblies/new\""), "{html}");
    let (status, _) = app.get(&organiser, "/staff/assemblies/new").await;
    assert_eq!(status, 200);
    let response = app.post_form(&organiser, "/staff/assemblies", &form).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let workspace = location(&response);
    let id = workspace
        .trim_start_matches("/staff/assemblies/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (status, _) = app
        .get(&organiser, &format!("/staff/assemblies/{id}/edit"))
        .await;
    assert_eq!(status, 200, "the creator organises the new assembly");
    let (status, _) = app.get(&facilitator, "/staff/assemblies/new").await;
    assert_eq!(status, 403);

    // Turned off again: organisers are refused again.
    let response = app.post_form(&admin, "/staff/settings", &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, _) = app.get(&organiser, "/staff/assemblies/new").await;
    assert_eq!(status, 403);
    let mut connection = app.store.connection().await.unwrap();
    let audit: Vec<String> = store::audit::recent(&mut connection, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.action)
        .collect();
    assert!(
        audit
            .iter()
            .filter(|action| *action == "platform_setting.set")
            .count()
            == 2,
        "{audit:?}"
    );
}
