//! Members' sign-in codes delivered without staff seeing them (issue 18, item 2), over HTTP on both backends: codes
//! go through the development message log (the transport a member reads as their email or SMS), a walk over every
//! staff page and API response as organiser and administrator finds none of them, sealed letters carry the codes
//! of members without email, and a code asked for on one server is delivered by another.

use web::guard::Kind;
use web::routes::route_specs;

use crate::helpers::{TestApp, client, code_in, location, message_log_of, start_server};

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
    members_codes_go_through_the_transport_and_no_staff_page_or_api_response_shows_one,
    a_code_asked_for_on_one_server_is_delivered_by_another,
);

/// Adds a member by hand through the workspace form and checks that the page shows no code.
async fn add_member(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
    name: &str,
    email: &str,
) {
    let response = app
        .post_form(
            organiser,
            &format!("/staff/assemblies/{assembly_id}/members"),
            &[("display_name", name), ("email", email)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(code_in(&html), None, "{html}");
}

/// Signs in with a code on a fresh client; returns the status.
async fn sign_in_with(app: &TestApp, email: &str, code: &str) -> u16 {
    app.post_form(&client(), "/code", &[("email", email), ("code", code)])
        .await
        .status()
        .as_u16()
}

/// The latest delivery of the member with `email` (bound parameters only: a literal would be logged with the SQL).
async fn delivery_of(app: &TestApp, assembly_id: i64, email: &str) -> i64 {
    let mut connection = app.store.connection().await.unwrap();
    let account = store::accounts::account_by_email(&mut connection, email)
        .await
        .unwrap()
        .expect("the member's account");
    drop(connection);
    store::test_support::count_raw(
        &app.store,
        &format!(
            "SELECT MAX(id) FROM code_deliveries WHERE assembly_id = {assembly_id} AND account_id = {}",
            account.id
        ),
    )
    .await
    .unwrap()
}

pub async fn members_codes_go_through_the_transport_and_no_staff_page_or_api_response_shows_one(
    app: TestApp,
) {
    crate::members::logs();
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    add_member(
        &app,
        &organiser,
        assembly_id,
        "Dora Delivered",
        "dora.delivered@example.org",
    )
    .await;
    add_member(
        &app,
        &organiser,
        assembly_id,
        "Lou Letter",
        "lou.letter@example.org",
    )
    .await;

    // The codes wait in the database as deliveries; the organiser sees them pending, with no code.
    let codes_page = format!("/staff/assemblies/{assembly_id}/codes");
    let (status, html) = app.get(&organiser, &codes_page).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Dora Delivered") && html.matches("data-status=\"pending\"").count() >= 2,
        "{html}"
    );
    // The deliverer sends them through the transport; the member signs in with the code from their message.
    let dora = app.code_sent_to("dora.delivered@example.org").await;
    let lou_emailed = app.code_sent_to("lou.letter@example.org").await;
    assert_eq!(
        sign_in_with(&app, "dora.delivered@example.org", &dora).await,
        303
    );
    assert_eq!(
        sign_in_with(&app, "dora.delivered@example.org", &dora).await,
        401,
        "once"
    );
    let (_, html) = app.get(&organiser, &codes_page).await;
    assert!(html.matches("data-status=\"sent\"").count() >= 2, "{html}");

    // Lou has no working email: the organiser sends Lou's code again by SMS (Lou gave no phone number: it fails,
    // and the page says why), then in a sealed letter.
    let lou = delivery_of(&app, assembly_id, "lou.letter@example.org").await;
    let lou_id = lou.to_string();
    let response = app
        .post_form(
            &organiser,
            &format!("{codes_page}/resend"),
            &[("delivery", lou_id.as_str()), ("channel", "sms")],
        )
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, format!("{codes_page}?resent=1"))
    );
    app.deliver_codes().await;
    let (_, html) = app.get(&organiser, &codes_page).await;
    assert!(
        html.contains(&format!("id=\"delivery-{lou}\" data-status=\"failed\""))
            && html.contains("no phone number"),
        "{html}"
    );
    // A bulk form without a ticked member names the problem and changes nothing.
    let response = app
        .post_form(
            &organiser,
            &format!("{codes_page}/resend"),
            &[("channel", "letter")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Tick at least one member")
    );
    let response = app
        .post_form(
            &organiser,
            &format!("{codes_page}/resend"),
            &[("delivery", lou_id.as_str()), ("channel", "letter")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        app.deliver_codes().await,
        0,
        "letters are printed, not sent"
    );
    let (_, html) = app.get(&organiser, &codes_page).await;
    assert!(html.contains("Letters waiting to be printed: 1."), "{html}");

    // The printed batch is the one page that carries codes: once, never cached, printed only, audited.
    let response = app
        .post_form(&organiser, &format!("{codes_page}/letters"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let letters = response.text().await.unwrap();
    let printed = code_in(&letters).expect("the letter carries a code");
    assert!(
        letters.contains(&format!(
            "class=\"code print-only\" data-sealed-code>{printed}<"
        )) && letters.contains("Lou Letter"),
        "{letters}"
    );
    assert_eq!(
        letters.matches(&printed).count(),
        1,
        "the code is printed once, inside the letter"
    );
    let response = app
        .post_form(&organiser, &format!("{codes_page}/letters"), &[])
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, codes_page.clone()),
        "a batch is printed once"
    );
    assert_eq!(
        sign_in_with(&app, "lou.letter@example.org", &lou_emailed).await,
        401,
        "the emailed code stopped working"
    );
    assert_eq!(
        sign_in_with(&app, "lou.letter@example.org", &printed).await,
        303
    );

    // Scripts see the same outcomes (never a code) and send codes again in bulk.
    let token = app.token_for("organiser").await;
    let api = reqwest::Client::new();
    let listed: serde_json::Value = api
        .get(app.url(&format!(
            "/api/v1/assemblies/{assembly_id}/code-deliveries?status=printed"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["deliveries"][0]["id"], lou, "{listed}");
    assert_eq!(listed["deliveries"][0]["channel"], "letter", "{listed}");
    let dora_delivery = delivery_of(&app, assembly_id, "dora.delivered@example.org").await;
    let response = api
        .post(app.url(&format!(
            "/api/v1/assemblies/{assembly_id}/code-deliveries/resend"
        )))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "delivery_ids": [dora_delivery, dora_delivery] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["resent"],
        1
    );
    let dora_again = app.code_sent_to("dora.delivered@example.org").await;
    let response = api
        .post(app.url(&format!(
            "/api/v1/assemblies/{assembly_id}/code-deliveries/resend"
        )))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "delivery_ids": [dora_delivery, 999_999] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404, "nothing is written");
    assert_eq!(
        store::test_support::count_raw(
            &app.store,
            &format!("SELECT COUNT(*) FROM code_deliveries WHERE id = {dora_delivery} AND status = 'sent'")
        )
        .await
        .unwrap(),
        1
    );

    // The walk: every page and API response a staff member can reach shows none of the codes.
    let codes = [
        dora.clone(),
        lou_emailed.clone(),
        printed.clone(),
        dora_again.clone(),
    ];
    let mut walked = 0;
    let admin_token = app.token_for("admin").await;
    for (role, token) in [("organiser", &token), ("admin", &admin_token)] {
        let browser = app.demo_client(role).await;
        for spec in route_specs() {
            if spec.method != "GET" || spec.kind == Kind::Asset {
                continue;
            }
            let mut path = spec.path.replace("{assembly_id}", &assembly_id.to_string());
            while let Some(start) = path.find('{') {
                let end = path[start..].find('}').unwrap() + start;
                path.replace_range(start..=end, "1");
            }
            let request = match spec.kind {
                Kind::Api => api.get(app.url(&path)).bearer_auth(token),
                _ => browser.get(app.url(&path)),
            };
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            assert!(status < 500, "{role} GET {path} answered {status}");
            for code in &codes {
                assert!(
                    !body.contains(code.as_str()) && !body.contains(&code.replace('-', "")),
                    "{role} GET {path} shows a member's code"
                );
            }
            assert_eq!(
                code_in(&body),
                None,
                "{role} GET {path} shows a sign-in code"
            );
            walked += 1;
        }
    }
    assert!(
        walked > 60,
        "the walk covered the route table ({walked} responses)"
    );

    // Nor do the audit log or the server's log hold a code or the members' addresses.
    let mut connection = app.store.connection().await.unwrap();
    let audit = store::audit::recent(&mut connection, 10_000).await.unwrap();
    drop(connection);
    let audit: String = audit
        .into_iter()
        .map(|row| {
            format!(
                "{} {} {:?} {:?}\n",
                row.action, row.entity, row.before_json, row.after_json
            )
        })
        .collect();
    assert!(
        audit.contains("code_delivery.print") && audit.contains("code_delivery.resend"),
        "{audit}"
    );
    let logs = crate::members::log_text();
    for secret in codes
        .iter()
        .map(String::as_str)
        .chain(["dora.delivered@example.org", "Lou Letter"])
    {
        assert!(!audit.contains(secret), "{secret} in the audit log");
        assert!(!logs.contains(secret), "{secret} in the server's log");
    }
}

pub async fn a_code_asked_for_on_one_server_is_delivered_by_another(app: TestApp) {
    // A second server on the same database, as a second `klero serve` instance, with its own transport and its
    // deliverer running; the test's first server runs none.
    let (_, store, stopping) = start_server(&app.database_url).await;
    let second_log = web::mail::MessageLog::new(
        message_log_of(&app.database_url)
            .path()
            .with_extension("second.jsonl"),
    );
    let config = std::sync::Arc::new(web::Config {
        message_log: Some(second_log.clone()),
        ..web::Config::default()
    });
    web::delivery::spawn_ticker(store.clone(), config, stopping.clone());

    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    add_member(
        &app,
        &organiser,
        assembly_id,
        "Sam Second",
        "sam.second@example.org",
    )
    .await;
    let mut message = None;
    for _ in 0..200 {
        message = second_log
            .read()
            .into_iter()
            .find(|message| message.to == "sam.second@example.org");
        if message.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stopping.stop();
    let message = message.expect("the second server delivered the code");
    assert_eq!(message.channel, "email");
    let code = code_in(&message.body).expect("a code in the message");
    assert!(
        message_log_of(&app.database_url).read().is_empty(),
        "the first server sent nothing"
    );
    // The member signs in on the first server with the code the second one sent.
    assert_eq!(
        sign_in_with(&app, "sam.second@example.org", &code).await,
        303
    );
    let _ = std::fs::remove_file(second_log.path());
}
