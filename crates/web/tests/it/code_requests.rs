//! What is left of members' sign-in codes (issue 18, item 2), over HTTP on both backends: members ask for a new code
//! themselves (the same answer whether or not they are members, limited per client, per address typed and per
//! member in the shared counters), a real HTTP SMS gateway receives the code (a temporary failure is tried again
//! through the claim's lease), and a mail provider's bounce notice marks the code's email failed so that the
//! organiser sends it by another channel.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::helpers::{TestApp, client, code_in, csrf_of, location, start_server};

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
    a_member_asks_for_a_new_code_and_the_answer_never_says_who_is_a_member,
    an_http_sms_gateway_receives_the_code_and_a_temporary_failure_is_tried_again,
    a_bounce_marks_the_code_email_failed_and_the_organiser_sends_it_by_letter,
);

/// A respondent admitted as a member through the real use case (their code is asked for by email); returns the
/// account's and the respondent's ids.
async fn admitted_member(
    app: &TestApp,
    assembly_id: i64,
    name: &str,
    email: &str,
    phone: &str,
) -> (i64, i64) {
    let organiser = web::demo::DEMO_LOGINS
        .iter()
        .find(|login| login.role == "organiser")
        .unwrap();
    let now = web::now();
    let mut tx = app.store.begin().await.unwrap();
    let organiser = store::accounts::account_by_email(&mut tx, organiser.email)
        .await
        .unwrap()
        .unwrap();
    let actor = app::Actor {
        account_id: Some(organiser.id),
        role: domain::permission::Role::Organiser,
    };
    let respondent = store::recruitment::NewRespondent {
        assembly_id,
        invitation_id: None,
        full_name: name,
        email,
        phone,
        features_json: "{}",
        access_needs_json: "{}",
        consent_at: now,
    };
    let respondent_id = store::recruitment::add_respondent(&mut tx, &respondent, now)
        .await
        .unwrap();
    let row = store::recruitment::respondent(&mut tx, assembly_id, respondent_id)
        .await
        .unwrap();
    assert!(
        app::members::admit(&mut tx, &actor, assembly_id, &row, now)
            .await
            .is_ok()
    );
    let account = store::accounts::account_by_email(&mut tx, email)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    (account.id, respondent_id)
}

/// Signs in with a code on a fresh client; returns the status.
async fn sign_in_with(app: &TestApp, email: &str, code: &str) -> u16 {
    app.post_form(&client(), "/code", &[("email", email), ("code", code)])
        .await
        .status()
        .as_u16()
}

/// Asks for a new code with `contact`; returns the status and the page with its CSRF token blanked out (so two
/// answers can be compared whole).
async fn ask(app: &TestApp, visitor: &reqwest::Client, contact: &str) -> (u16, String) {
    let response = app
        .post_form(visitor, "/code/new", &[("contact", contact)])
        .await;
    let status = response.status().as_u16();
    let mut html = response.text().await.unwrap();
    while html.contains("name=\"csrf_token\" value=\"") {
        let token = csrf_of(&html);
        html = html.replace(&token, "");
        html = html.replacen("name=\"csrf_token\" value=\"\"", "name=\"csrf_token\"", 1);
    }
    (status, html)
}

/// The code in an SMS (its text has a comma right after the code).
fn sms_code(text: &str) -> Option<String> {
    code_in(&text.replace(',', " "))
}

/// `SELECT COUNT(*) FROM code_deliveries WHERE account_id = ...` (ids only in the SQL).
async fn deliveries_of(app: &TestApp, account_id: i64) -> i64 {
    store::test_support::count_raw(
        &app.store,
        &format!("SELECT COUNT(*) FROM code_deliveries WHERE account_id = {account_id}"),
    )
    .await
    .unwrap()
}

/// The latest delivery of an account.
async fn latest_delivery(app: &TestApp, account_id: i64) -> i64 {
    store::test_support::count_raw(
        &app.store,
        &format!("SELECT MAX(id) FROM code_deliveries WHERE account_id = {account_id}"),
    )
    .await
    .unwrap()
}

pub async fn a_member_asks_for_a_new_code_and_the_answer_never_says_who_is_a_member(app: TestApp) {
    crate::members::logs();
    let assembly_id = app.climate_id().await;
    let (ana, _) = admitted_member(&app, assembly_id, "Ana Asks", "ana.asks@example.org", "").await;
    let (pat, _) = admitted_member(
        &app,
        assembly_id,
        "Pat Phone",
        "pat.phone@example.org",
        "+33 6 12 34 56 78",
    )
    .await;
    let first = app.code_sent_to("ana.asks@example.org").await;

    // The code sign-in page leads to the form, which works without JavaScript.
    let visitor = client();
    let (status, html) = app.get(&visitor, "/code").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/code/new\""), "{html}");
    let (status, html) = app.get(&visitor, "/code/new").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<label for=\"contact\">") && html.contains("name=\"contact\""),
        "{html}"
    );

    // A member and a stranger get the very same answer.
    let member = ask(&app, &visitor, "Ana.Asks@example.org").await;
    let stranger = ask(&app, &visitor, "nobody@example.org").await;
    assert_eq!(member.0, 200);
    assert!(member.1.contains("data-code-requested"), "{}", member.1);
    assert_eq!(
        member, stranger,
        "the answer says nothing of who is a member"
    );
    let (status, html) = ask(&app, &visitor, "12").await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Give an email address or a phone number"),
        "{html}"
    );

    // The new code goes to the member's own address; the old one stops working once the new one is issued.
    let second = app.code_sent_to("ana.asks@example.org").await;
    assert_ne!(first, second);
    assert_eq!(
        sign_in_with(&app, "ana.asks@example.org", &first).await,
        401
    );
    assert_eq!(
        sign_in_with(&app, "ana.asks@example.org", &second).await,
        303
    );

    // By phone number, written differently: an SMS to the number the member registered with.
    assert_eq!(ask(&app, &visitor, "06 12 34 56 78").await.0, 200);
    app.deliver_codes().await;
    let sms = app
        .message_log()
        .read()
        .into_iter()
        .rev()
        .find(|message| message.channel == "sms")
        .expect("an SMS was sent");
    assert_eq!(sms.to, "+33 6 12 34 56 78");
    let code = sms_code(&sms.body).expect("a code in the SMS");
    assert_eq!(
        sign_in_with(&app, "pat.phone@example.org", &code).await,
        303
    );

    // Three requests an hour for one address, member or not, counted in the database: a second server refuses the
    // fourth too, with the same answer for both.
    for _ in 0..2 {
        assert_eq!(ask(&app, &visitor, "ana.asks@example.org").await.0, 200);
        assert_eq!(ask(&app, &visitor, "nobody@example.org").await.0, 200);
    }
    let (address, store, stopping) = start_server(&app.database_url).await;
    let second_server = TestApp {
        address,
        store,
        database_url: app.database_url.clone(),
        stopping,
    };
    let member = ask(&second_server, &visitor, "ana.asks@example.org").await;
    let stranger = ask(&second_server, &visitor, "nobody@example.org").await;
    assert_eq!(member.0, 429);
    assert!(member.1.contains("Too many requests"), "{}", member.1);
    assert_eq!(member, stranger);
    second_server.stopping.stop();
    assert_eq!(
        deliveries_of(&app, ana).await,
        4,
        "the admission and three requests"
    );

    // Three new codes an hour per member, however the member is named: past that, the same answer and no code.
    let before = deliveries_of(&app, pat).await;
    for number in ["+33612345678", "0033612345678", "+33 (0)6 12 34 56 78"] {
        assert_eq!(ask(&app, &visitor, number).await.0, 200);
    }
    assert_eq!(deliveries_of(&app, pat).await, before + 2);

    // The audit log names the accounts, asked for by the public, never what was typed; nor does the server's log.
    let mut connection = app.store.connection().await.unwrap();
    let audit = store::audit::recent(&mut connection, 10_000).await.unwrap();
    drop(connection);
    let by_public = audit
        .iter()
        .filter(|row| {
            row.action == "code_delivery.request"
                && row.actor_account_id.is_none()
                && row
                    .after_json
                    .as_deref()
                    .unwrap_or_default()
                    .contains(&format!("\"account_id\":{ana}"))
        })
        .count();
    assert_eq!(by_public, 3);
    let audit: String = audit
        .iter()
        .map(|row| {
            format!(
                "{} {:?} {:?}\n",
                row.entity, row.before_json, row.after_json
            )
        })
        .collect();
    let logs = crate::members::log_text();
    for secret in [
        "ana.asks@example.org",
        "Ana.Asks@example.org",
        "nobody@example.org",
        "06 12 34 56 78",
        "0612345678",
        second.as_str(),
    ] {
        assert!(!audit.contains(secret), "{secret} in the audit log");
        assert!(!logs.contains(secret), "{secret} in the server's log");
    }
}

/// A gateway of the test: answers each SMS with the next scripted status (200 when the script is over) and keeps
/// what it received.
#[derive(Clone, Default)]
struct Gateway {
    answers: Arc<Mutex<VecDeque<u16>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

#[derive(Debug, Clone)]
struct Received {
    authorization: String,
    content_type: String,
    fields: std::collections::HashMap<String, String>,
}

async fn gateway_send(
    axum::extract::State(gateway): axum::extract::State<Gateway>,
    headers: axum::http::HeaderMap,
    body: String,
) -> axum::http::StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let content_type = header("content-type");
    let fields = if content_type == "application/json" {
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&body).unwrap();
        object
            .into_iter()
            .map(|(name, value)| (name, value.as_str().unwrap_or_default().to_owned()))
            .collect()
    } else {
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    };
    gateway.received.lock().unwrap().push(Received {
        authorization: header("authorization"),
        content_type,
        fields,
    });
    let status = gateway.answers.lock().unwrap().pop_front().unwrap_or(200);
    axum::http::StatusCode::from_u16(status).unwrap()
}

pub async fn an_http_sms_gateway_receives_the_code_and_a_temporary_failure_is_tried_again(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let (sid, _) = admitted_member(
        &app,
        assembly_id,
        "Sid Sms",
        "sid.sms@example.org",
        "+44 7700 900123",
    )
    .await;
    app.deliver_codes().await;

    // A real HTTP server on the loopback, as the site's SMS gateway; it fails the first SMS with a 503.
    let gateway = Gateway::default();
    gateway.answers.lock().unwrap().extend([503, 200, 400]);
    let router = axum::Router::new()
        .route("/send", axum::routing::post(gateway_send))
        .with_state(gateway.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway_address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let sender = web::sms::HttpSms::new(
        &format!("http://{gateway_address}/send"),
        "gateway-token",
        "Assembly",
        web::sms::SmsFormat::Form,
    )
    .unwrap();
    let config = web::Config {
        sms: Some(Arc::new(sender)),
        ..web::Config::default()
    };

    // The member asks for a new code by their number (written the national way).
    let visitor = client();
    let response = app
        .post_form(&visitor, "/code/new", &[("contact", "07700 900123")])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let delivery = latest_delivery(&app, sid).await;
    assert_eq!(web::delivery::drain(&app.store, &config).await.unwrap(), 1);
    assert_eq!(gateway.received.lock().unwrap().len(), 1);
    let status = |status: &'static str| {
        format!(
            "SELECT COUNT(*) FROM code_deliveries WHERE id = {delivery} AND status = '{status}'"
        )
    };
    assert_eq!(
        store::test_support::count_raw(&app.store, &status("sending"))
            .await
            .unwrap(),
        1,
        "a 503 leaves the delivery to be tried again"
    );
    assert_eq!(
        web::delivery::drain(&app.store, &config).await.unwrap(),
        0,
        "not before its lease runs out"
    );
    // The lease runs out (as RETRY_SECONDS later): any deliverer claims it again, with a fresh code.
    store::test_support::execute_raw(
        &app.store,
        &format!("UPDATE code_deliveries SET claimed_until = 0 WHERE id = {delivery}"),
    )
    .await
    .unwrap();
    assert_eq!(web::delivery::drain(&app.store, &config).await.unwrap(), 1);
    assert_eq!(
        store::test_support::count_raw(&app.store, &status("sent"))
            .await
            .unwrap(),
        1
    );
    let received = gateway.received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let sms = &received[1];
    assert_eq!(sms.authorization, "Bearer gateway-token");
    assert_eq!(sms.content_type, "application/x-www-form-urlencoded");
    assert_eq!(sms.fields["to"], "+44 7700 900123");
    assert_eq!(sms.fields["from"], "Assembly");
    let failed_code = sms_code(&received[0].fields["text"]).expect("a code in the first SMS");
    let code = sms_code(&sms.fields["text"]).expect("a code in the SMS");
    assert_ne!(failed_code, code, "each claim issues a fresh code");
    assert_eq!(
        sign_in_with(&app, "sid.sms@example.org", &failed_code).await,
        401
    );
    assert_eq!(sign_in_with(&app, "sid.sms@example.org", &code).await, 303);

    // A gateway that refuses the SMS (a 400) fails it at once; the organiser sees the HTTP status, never a code.
    let response = app
        .post_form(&visitor, "/code/new", &[("contact", "+447700900123")])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let delivery = latest_delivery(&app, sid).await;
    assert_eq!(web::delivery::drain(&app.store, &config).await.unwrap(), 1);
    let organiser = app.demo_client("organiser").await;
    let (_, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/codes"),
        )
        .await;
    assert!(
        html.contains(&format!(
            "id=\"delivery-{delivery}\" data-status=\"failed\""
        )) && html.contains("SMS gateway answered HTTP 400"),
        "{html}"
    );
    let refused = sms_code(&gateway.received.lock().unwrap()[2].fields["text"]).unwrap();
    assert!(!html.contains(&refused));

    // The same gateway taking JSON (`--sms-format json`), without a token.
    let sender = web::sms::HttpSms::new(
        &format!("http://{gateway_address}/send"),
        "",
        "Assembly",
        web::sms::SmsFormat::Json,
    )
    .unwrap();
    let config = web::Config {
        sms: Some(Arc::new(sender)),
        ..web::Config::default()
    };
    let response = app
        .post_form(&visitor, "/code/new", &[("contact", "447700900123")])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(web::delivery::drain(&app.store, &config).await.unwrap(), 1);
    let sms = gateway.received.lock().unwrap()[3].clone();
    assert_eq!(sms.content_type, "application/json");
    assert_eq!(sms.authorization, "");
    assert_eq!(sms.fields["to"], "+44 7700 900123");
    let code = sms_code(&sms.fields["text"]).expect("a code in the JSON SMS");
    assert_eq!(sign_in_with(&app, "sid.sms@example.org", &code).await, 303);
}

pub async fn a_bounce_marks_the_code_email_failed_and_the_organiser_sends_it_by_letter(
    app: TestApp,
) {
    crate::members::logs();
    let assembly_id = app.climate_id().await;
    let (bea, _) = admitted_member(
        &app,
        assembly_id,
        "Bea Bounce",
        "bea.bounce@example.org",
        "",
    )
    .await;
    app.code_sent_to("bea.bounce@example.org").await;
    let delivery = latest_delivery(&app, bea).await;
    let sent =
        format!("SELECT COUNT(*) FROM code_deliveries WHERE id = {delivery} AND status = 'sent'");
    assert_eq!(
        store::test_support::count_raw(&app.store, &sent)
            .await
            .unwrap(),
        1
    );

    let api = reqwest::Client::new();
    let url = app.url(&format!("/api/v1/assemblies/{assembly_id}/mail-bounces"));
    let token = app.token_for("organiser").await;
    let notice = |recipient: &str, status: &str| serde_json::json!({ "bounces": [{ "recipient": recipient, "status": status }] });
    // No token, no bounce; a provider's free text is refused (only a status code is kept) and nothing is written.
    let response = api
        .post(&url)
        .json(&notice("bea.bounce@example.org", "5.1.1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let response = api
        .post(&url)
        .bearer_auth(&token)
        .json(&notice(
            "bea.bounce@example.org",
            "550 bea.bounce@example.org unknown",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(
        store::test_support::count_raw(&app.store, &sent)
            .await
            .unwrap(),
        1
    );

    // The provider's notice (with one address nobody here has) marks the code's email failed, once.
    let body = serde_json::json!({ "bounces": [
        { "recipient": "Bea.Bounce@example.org", "status": "5.1.1" },
        { "recipient": "stranger@example.org", "status": "5.1.1" },
    ] });
    let response = api
        .post(&url)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["code_deliveries"], 1, "{answer}");
    assert_eq!(answer["emails"], 1, "{answer}");
    let response = api
        .post(&url)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        answer["code_deliveries"], 0,
        "a bounce is recorded once: {answer}"
    );

    // The codes page and the emails page show it.
    let organiser = app.demo_client("organiser").await;
    let codes_page = format!("/staff/assemblies/{assembly_id}/codes");
    let (_, html) = app.get(&organiser, &codes_page).await;
    assert!(
        html.contains(&format!(
            "id=\"delivery-{delivery}\" data-status=\"failed\""
        )) && html.contains("bounced 5.1.1"),
        "{html}"
    );
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents/emails"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Bea Bounce") && html.contains("bounced 5.1.1"),
        "{html}"
    );

    // The organiser sends the code again in a sealed letter instead.
    let delivery_id = delivery.to_string();
    let response = app
        .post_form(
            &organiser,
            &format!("{codes_page}/resend"),
            &[("delivery", delivery_id.as_str()), ("channel", "letter")],
        )
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, format!("{codes_page}?resent=1"))
    );
    let (_, html) = app.get(&organiser, &codes_page).await;
    assert!(html.contains("Letters waiting to be printed: 1."), "{html}");

    // Audited with the status code, never the address.
    let mut connection = app.store.connection().await.unwrap();
    let audit = store::audit::recent(&mut connection, 10_000).await.unwrap();
    drop(connection);
    let bounced: Vec<_> = audit
        .iter()
        .filter(|row| row.action == "code_delivery.bounced")
        .collect();
    assert_eq!(bounced.len(), 1);
    assert!(
        bounced[0]
            .after_json
            .as_deref()
            .unwrap_or_default()
            .contains("5.1.1")
    );
    let logs = crate::members::log_text();
    for row in &audit {
        let text = format!("{:?} {:?}", row.before_json, row.after_json);
        assert!(!text.to_lowercase().contains("bea.bounce@example.org"));
    }
    assert!(!logs.to_lowercase().contains("bea.bounce@example.org"));
}
