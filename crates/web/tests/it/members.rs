//! Email, phone registration and new members (issue 4, items 2 and 6): a real SMTP listener on loopback captures
//! what the server sends; registration emails arrive in the person's language; staff register people who phone in;
//! a confirmed respondent becomes a member and signs in once with the emailed code (or, without SMTP, the code the
//! organiser was shown once). Names, emails and codes stay out of the logs and the audit log.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{TestApp, client, csrf_of, location};

/// One message received by the test relay.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    authenticated: bool,
    from: String,
    pub(crate) to: Vec<String>,
    pub(crate) data: String,
}

/// A small SMTP server on loopback: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT. It refuses recipients whose
/// address starts with `refuse` (reply 550) and requires AUTH PLAIN with `klero` / `relay-secret`.
#[derive(Clone)]
pub(crate) struct Relay {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Relay {
    pub(crate) async fn start() -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read);
                    let mut current = Received {
                        authenticated: false,
                        from: String::new(),
                        to: Vec::new(),
                        data: String::new(),
                    };
                    write.write_all(b"220 relay.test ESMTP\r\n").await.unwrap();
                    loop {
                        let mut line = String::new();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let line = line.trim_end().to_owned();
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-relay.test\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n"
                        } else if let Some(token) = line.strip_prefix("AUTH PLAIN ") {
                            if token == "AGtsZXJvAHJlbGF5LXNlY3JldA==" {
                                current.authenticated = true;
                                b"235 ok\r\n"
                            } else {
                                b"535 bad credentials\r\n"
                            }
                        } else if upper.starts_with("MAIL FROM:") {
                            if !current.authenticated {
                                b"530 authentication required\r\n"
                            } else {
                                current.from = line[10..]
                                    .split('>')
                                    .next()
                                    .unwrap()
                                    .trim_start_matches('<')
                                    .to_owned();
                                b"250 ok\r\n"
                            }
                        } else if upper.starts_with("RCPT TO:") {
                            let to = line[8..]
                                .trim_start_matches('<')
                                .trim_end_matches('>')
                                .to_owned();
                            if to.starts_with("refuse") {
                                b"550 no such user here\r\n"
                            } else {
                                current.to.push(to);
                                b"250 ok\r\n"
                            }
                        } else if upper == "DATA" {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            loop {
                                let mut line = String::new();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            }
                            current.data = readable(&data);
                            store.lock().unwrap().push(current.clone());
                            b"250 queued\r\n"
                        } else if upper == "QUIT" {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        write.write_all(reply).await.unwrap();
                    }
                });
            }
        });
        Relay { port, received }
    }

    /// Waits (up to 10 s) for a message to `to`.
    pub(crate) async fn message_to(&self, to: &str) -> Received {
        for _ in 0..200 {
            if let Some(found) = self
                .received
                .lock()
                .unwrap()
                .iter()
                .find(|m| m.to.iter().any(|t| t == to))
            {
                return found.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no email to {to} arrived");
    }
}

/// A received message with its body decoded from quoted-printable, which the client uses for lines too long
/// to send as they are: the headers as sent, then the text as the person reads it.
fn readable(data: &str) -> String {
    let Some((headers, body)) = data.split_once("\r\n\r\n") else {
        return data.to_owned();
    };
    if !headers
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable")
    {
        return data.to_owned();
    }
    let body = quoted_printable::decode(body, quoted_printable::ParseMode::Strict)
        .expect("quoted-printable body");
    format!("{headers}\r\n\r\n{}", String::from_utf8(body).unwrap())
}

/// Log lines of the whole test process (a global subscriber; installed once).
pub(crate) fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || SharedWriter(writer.clone()))
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    })
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(crate) fn log_text() -> String {
    String::from_utf8_lossy(&logs().lock().unwrap()).into_owned()
}

/// A second server on the same database, with mail going to `relay`.
pub(crate) async fn server_with_mail(app: &TestApp, relay: &Relay) -> TestApp {
    let store = store::Store::connect(&app.database_url).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let mail = web::mail::MailConfig::parse(
        &format!("smtp://klero:relay-secret@127.0.0.1:{}", relay.port),
        "assembly@example.org",
        "https://assembly.example.org",
    )
    .unwrap();
    let state = web::AppState {
        store: store.clone(),
        config: Arc::new(web::Config {
            mail: Some(mail),
            ..web::Config::default()
        }),
        stopping: web::Stopping::default(),
    };
    let stopping = state.stopping.clone();
    // Like `klero serve`, this server delivers members' codes in the background, here through the relay.
    web::delivery::spawn_ticker(store.clone(), state.config.clone(), stopping.clone());
    let router = web::app(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        address,
        store,
        database_url: app.database_url.clone(),
        stopping,
    }
}

/// The id of the account with this email (a bound parameter: a literal would be logged with the SQL text).
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
                "{} {} {}\n",
                row.action,
                row.entity,
                row.after_json.unwrap_or_default()
            )
        })
        .collect()
}

fn phone_person<'a>(name: &'a str, email: &'a str, lang: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("full_name", name),
        ("email", email),
        ("phone", "01 23 45 67 89"),
        ("gender", "man"),
        ("age_band", "60-74"),
        ("mobility", "1"),
        ("lang", lang),
        ("consent", "1"),
    ]
}

/// Registers someone by phone as `organiser`; returns the respondent id.
async fn phone_register(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
    fields: &[(&str, &str)],
) -> i64 {
    let response = app
        .post_form(
            organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents/phone"),
            fields,
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    location(&response)
        .rsplit('=')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn change_status(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
    respondent_id: i64,
    to: &str,
) -> reqwest::Response {
    app.post_form(
        organiser,
        &format!("/staff/assemblies/{assembly_id}/respondents/{respondent_id}/status"),
        &[("status", to), ("reason", "panel work")],
    )
    .await
}

/// registered → eligible → selected → confirmed; returns the confirming response.
async fn confirm(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
    respondent_id: i64,
) -> reqwest::Response {
    for to in ["eligible", "selected"] {
        let response = change_status(app, organiser, assembly_id, respondent_id, to).await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "{to}: {}",
            response.text().await.unwrap()
        );
    }
    change_status(app, organiser, assembly_id, respondent_id, "confirmed").await
}

fn code_in(text: &str) -> String {
    // Codes print as XXXX-XXXX-XXXX in the Crockford alphabet.
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .find(|word| {
            word.len() == 14
                && word.chars().enumerate().all(|(i, c)| {
                    if i == 4 || i == 9 {
                        c == '-'
                    } else {
                        c.is_ascii_digit() || c.is_ascii_uppercase()
                    }
                })
        })
        .unwrap_or_else(|| panic!("no code in:\n{text}"))
        .to_owned()
}

async fn outbox(app: &TestApp, respondent_id: i64) -> Vec<(String, String, String)> {
    let assembly_id = app.climate_id().await;
    let mut connection = app.store.connection().await.unwrap();
    store::members::email_outcomes(&mut connection, assembly_id, respondent_id)
        .await
        .unwrap()
        .into_iter()
        .map(|o| {
            (
                o.kind.as_str().to_owned(),
                o.status.as_str().to_owned(),
                o.error,
            )
        })
        .collect()
}

async fn wait_for_outbox(
    app: &TestApp,
    respondent_id: i64,
    entries: usize,
) -> Vec<(String, String, String)> {
    for _ in 0..200 {
        let rows = outbox(app, respondent_id).await;
        if rows.len() >= entries {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox of respondent {respondent_id} did not reach {entries} entries");
}

pub async fn registrations_are_confirmed_by_email_and_staff_register_people_who_phone_in(
    app: TestApp,
) {
    logs();
    let relay = Relay::start().await;
    let app = server_with_mail(&app, &relay).await;
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let phone = format!("/staff/assemblies/{assembly_id}/respondents/phone");

    // Only organisers reach the phone form.
    for role in ["observer", "member", "facilitator"] {
        let other = app.demo_client(role).await;
        let (status, _) = app.get(&other, &phone).await;
        assert_eq!(status, 403, "{role}");
        let response = app
            .post_form(
                &other,
                &phone,
                &phone_person("Nope", "nope@example.org", "en"),
            )
            .await;
        assert_eq!(response.status().as_u16(), 403, "{role}");
    }
    let (status, html) = app.get(&organiser, &phone).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("SMTP relay"),
        "the page says emails are sent: {html}"
    );
    assert!(
        !html.contains("name=\"website\"") && !html.contains("form_token"),
        "no honeypot or timing token"
    );

    // Bad input: every error names its field, nothing is written.
    let before = app.count("respondents").await;
    let response = app
        .post_form(
            &organiser,
            &phone,
            &[
                ("full_name", ""),
                ("email", "not-an-email"),
                ("phone", "call me"),
                ("gender", "robot"),
                ("lang", "de"),
                ("invitation_code", "HELLO"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    for named in [
        "Full name",
        "Email",
        "Phone",
        "Gender",
        "Age",
        "Language for their emails",
        "Consent: ask for verbal consent",
        "Invitation code",
    ] {
        assert!(html.contains(named), "{named} is named: {html}");
    }
    assert_eq!(app.count("respondents").await, before, "nothing written");

    // A known invitation code is counted against the household; a used-up one is refused.
    let rows = {
        let mut connection = app.store.connection().await.unwrap();
        store::recruitment::invitations(&mut connection, assembly_id)
            .await
            .unwrap()
    };
    let invitation = rows.last().unwrap().clone();
    let mut with_code = phone_person("Bernard Phone", "bernard.phone@example.org", "en");
    with_code.push(("invitation_code", &invitation.code));
    let bernard = phone_register(&app, &organiser, assembly_id, &with_code).await;
    let used = |rows: Vec<store::recruitment::InvitationRow>| {
        rows.iter().find(|r| r.id == invitation.id).unwrap().used
    };
    let used_now = {
        let mut connection = app.store.connection().await.unwrap();
        used(
            store::recruitment::invitations(&mut connection, assembly_id)
                .await
                .unwrap(),
        )
    };
    assert_eq!(used_now, invitation.used + 1);
    for _ in used_now..invitation.capacity {
        let mut again = phone_person("Household Member", "household@example.org", "en");
        again.push(("invitation_code", &invitation.code));
        phone_register(&app, &organiser, assembly_id, &again).await;
    }
    let mut full = phone_person("One Too Many", "toomany@example.org", "en");
    full.push(("invitation_code", &invitation.code));
    let before = app.count("respondents").await;
    let response = app.post_form(&organiser, &phone, &full).await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(app.count("respondents").await, before);

    // The phone registration is stored with verbal consent by the organiser, and emailed in the chosen language.
    let organiser_id = account_id_of(
        &app,
        web::demo::DEMO_LOGINS
            .iter()
            .find(|l| l.role == "organiser")
            .unwrap()
            .email,
    )
    .await;
    let mut connection = app.store.connection().await.unwrap();
    let record = store::members::registration_record(&mut connection, assembly_id, bernard)
        .await
        .unwrap();
    drop(connection);
    assert_eq!(
        (
            record.consent_method.as_str(),
            record.consent_recorded_by,
            record.lang.as_str()
        ),
        ("verbal", Some(organiser_id), "en")
    );
    let mail = relay.message_to("bernard.phone@example.org").await;
    assert!(mail.authenticated);
    assert_eq!(mail.from, "assembly@example.org");
    assert!(
        mail.data
            .contains("Subject: Your registration for Citizens' Convention for Climate"),
        "{}",
        mail.data
    );
    assert!(mail.data.contains("Hello Bernard Phone"), "{}", mail.data);
    assert_eq!(
        wait_for_outbox(&app, bernard, 1).await,
        vec![("registration".to_owned(), "sent".to_owned(), String::new())]
    );

    // A French phone registration gets a French email; a relay that refuses the recipient is recorded as failed.
    let claire = phone_register(
        &app,
        &organiser,
        assembly_id,
        &phone_person("Claire Téléphone", "claire.tel@example.org", "fr"),
    )
    .await;
    let mail = relay.message_to("claire.tel@example.org").await;
    assert!(
        mail.data
            .contains("Subject: Votre inscription : Citizens' Convention for Climate"),
        "{}",
        mail.data
    );
    assert!(
        mail.data.contains("Bonjour Claire Téléphone")
            && mail.data.contains("Merci de votre inscription"),
        "{}",
        mail.data
    );
    assert_eq!(wait_for_outbox(&app, claire, 1).await[0].1, "sent");
    let refused = phone_register(
        &app,
        &organiser,
        assembly_id,
        &phone_person("Refused Person", "refuse.me@example.org", "en"),
    )
    .await;
    let rows = wait_for_outbox(&app, refused, 1).await;
    assert_eq!(
        rows,
        vec![(
            "registration".to_owned(),
            "failed".to_owned(),
            "RCPT TO refused with reply code 550".to_owned()
        )]
    );

    // The public form sends its confirmation in the visitor's language (French here).
    let visitor = client();
    let (_, html) = app
        .get(
            &visitor,
            &format!("/assemblies/{assembly_id}/register?lang=fr"),
        )
        .await;
    let marker = "name=\"form_token\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let token = html[start..].split('"').next().unwrap().to_owned();
    let code = rows_code(&app, assembly_id).await;
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let csrf = csrf_of(&html);
    let response = visitor
        .post(app.url(&format!("/assemblies/{assembly_id}/register")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("form_token", &token),
            ("invitation_code", &code),
            ("full_name", "Denise Enligne"),
            ("email", "denise.web@example.org"),
            ("gender", "woman"),
            ("age_band", "16-29"),
            ("consent", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let mail = relay.message_to("denise.web@example.org").await;
    assert!(
        mail.data.contains("Bonjour Denise Enligne"),
        "{}",
        mail.data
    );

    // TLS is never downgraded: STARTTLS asked for but not offered stops before any address is sent, and
    // implicit TLS to a relay that speaks plain text fails its handshake.
    let message = web::mail::Message {
        to: "tls.test@example.org".to_owned(),
        subject: "s".to_owned(),
        body: "b".to_owned(),
    };
    let relay_url =
        |scheme: &str| format!("{scheme}://klero:relay-secret@127.0.0.1:{}", relay.port);
    let starttls = web::mail::MailConfig::parse(
        &relay_url("smtp+starttls"),
        "assembly@example.org",
        "https://x.example",
    )
    .unwrap();
    assert_eq!(
        web::mail::send(&starttls, &message).await,
        Err(web::mail::SendError::NoStartTls)
    );
    let implicit = web::mail::MailConfig::parse(
        &relay_url("smtps"),
        "assembly@example.org",
        "https://x.example",
    )
    .unwrap();
    let failed = web::mail::send(&implicit, &message).await;
    assert!(
        matches!(failed, Err(web::mail::SendError::Io { step: "TLS", .. })),
        "{failed:?}"
    );
    assert!(
        relay
            .received
            .lock()
            .unwrap()
            .iter()
            .all(|m| m.to != ["tls.test@example.org"])
    );

    // Nothing personal in the audit log or the logs.
    let audit = audit_text(&app).await;
    assert!(audit.contains("respondent.phone"), "{audit}");
    let logs = log_text();
    for secret in [
        "Bernard Phone",
        "bernard.phone@example.org",
        "Claire",
        "claire.tel@example.org",
        "refuse.me@example.org",
        "Denise",
        "denise.web@example.org",
        "01 23 45 67 89",
        "relay-secret",
    ] {
        assert!(!audit.contains(secret), "{secret} in the audit log");
        assert!(!logs.contains(secret), "{secret} in the logs");
    }
}

/// An invitation code of the assembly with a free seat.
async fn rows_code(app: &TestApp, assembly_id: i64) -> String {
    let mut connection = app.store.connection().await.unwrap();
    store::recruitment::invitations(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .find(|row| row.used < row.capacity)
        .expect("a free seat")
        .code
}

pub async fn a_confirmed_respondent_becomes_a_member_and_signs_in_once_with_the_emailed_code(
    app: TestApp,
) {
    logs();
    let relay = Relay::start().await;
    let app = server_with_mail(&app, &relay).await;
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let emma = phone_register(
        &app,
        &organiser,
        assembly_id,
        &phone_person("Emma Membre", "emma.member@example.org", "fr"),
    )
    .await;
    relay.message_to("emma.member@example.org").await;

    let response = confirm(&app, &organiser, assembly_id, emma).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "with SMTP, the code is not shown: {}",
        response.text().await.unwrap()
    );

    // One account, the Member role, the features copied, the respondent linked.
    let account_id = account_id_of(&app, "emma.member@example.org").await;
    let mut connection = app.store.connection().await.unwrap();
    assert_eq!(
        store::accounts::role_in(&mut connection, account_id, assembly_id)
            .await
            .unwrap(),
        Some(domain::permission::Role::Member)
    );
    assert_eq!(
        store::selection::linked_account(&mut connection, assembly_id, emma)
            .await
            .unwrap(),
        Some(account_id)
    );
    let features = store::seating::member_features(&mut connection, assembly_id)
        .await
        .unwrap();
    assert_eq!(features[&account_id]["gender"], "man");
    assert_eq!(features[&account_id]["age_band"], "60-74");
    drop(connection);

    // The code arrives by email, in French, and works once.
    let mail = loop {
        let found = relay
            .received
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to == ["emma.member@example.org"])
            .nth(1)
            .cloned();
        if let Some(found) = found {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        mail.data.contains("Vous êtes maintenant membre")
            && mail.data.contains("https://assembly.example.org/code"),
        "{}",
        mail.data
    );
    let code = code_in(&mail.data);
    assert_eq!(
        wait_for_outbox(&app, emma, 2).await[1],
        ("sign_in_code".to_owned(), "sent".to_owned(), String::new())
    );

    let member = client();
    let response = app
        .post_form(
            &member,
            "/code",
            &[
                ("email", "emma.member@example.org"),
                ("code", "0000-0000-0000"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401, "a wrong code is refused");
    let response = app
        .post_form(
            &member,
            "/code",
            &[("email", "Emma.Member@example.org"), ("code", &code)],
        )
        .await;
    assert_eq!(
        (response.status().as_u16(), location(&response)),
        (303, "/staff".to_owned())
    );
    let (status, mine) = app
        .get(&member, &format!("/assemblies/{assembly_id}/mine"))
        .await;
    assert_eq!(status, 200);
    assert!(
        mine.contains("Citizens&#39; Convention for Climate"),
        "the member sees their assembly: {mine}"
    );
    let response = app
        .post_form(
            &client(),
            "/code",
            &[("email", "emma.member@example.org"), ("code", &code)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401, "a code works once");

    // An expired code is refused.
    let mut connection = app.store.connection().await.unwrap();
    store::auth::create_sign_in_code(
        &mut connection,
        account_id,
        &web::security::token_hash("ABCDEFGHJKMN"),
        100,
        200,
    )
    .await
    .unwrap();
    drop(connection);
    let response = app
        .post_form(
            &client(),
            "/code",
            &[
                ("email", "emma.member@example.org"),
                ("code", "ABCD-EFGH-JKMN"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        401,
        "an expired code is refused"
    );

    // Attempts are throttled like passwords: after five failures even a good code is refused for a while.
    let mut connection = app.store.connection().await.unwrap();
    store::auth::create_sign_in_code(
        &mut connection,
        account_id,
        &web::security::token_hash("ZZZZZZZZZZZZ"),
        web::now(),
        web::now() + 3600,
    )
    .await
    .unwrap();
    drop(connection);
    let attacker = client();
    let mut last = 0;
    for _ in 0..5 {
        last = app
            .post_form(
                &attacker,
                "/code",
                &[
                    ("email", "emma.member@example.org"),
                    ("code", "1111-1111-1111"),
                ],
            )
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429, "the fifth failure locks");
    let response = app
        .post_form(
            &client(),
            "/code",
            &[
                ("email", "emma.member@example.org"),
                ("code", "ZZZZ-ZZZZ-ZZZZ"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        429,
        "locked even with a good code"
    );

    // No name, email or code in the audit log or the logs.
    let audit = audit_text(&app).await;
    assert!(
        audit.contains("respondent.member") && audit.contains("sign_in_code.issue"),
        "{audit}"
    );
    let logs = log_text();
    for secret in [
        "Emma",
        "emma.member@example.org",
        code.as_str(),
        &code.replace('-', ""),
    ] {
        assert!(!audit.contains(secret), "{secret} in the audit log");
        assert!(!logs.contains(secret), "{secret} in the logs");
    }
}

pub async fn without_smtp_a_new_members_code_goes_by_the_transport_never_to_staff_and_erasure_ends_the_membership(
    app: TestApp,
) {
    logs();
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let (_, respondents) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents"),
        )
        .await;
    assert!(
        respondents.contains("Email is not configured"),
        "{respondents}"
    );
    let felix = phone_register(
        &app,
        &organiser,
        assembly_id,
        &phone_person("Félix Sansmail", "felix.nomail@example.org", "en"),
    )
    .await;
    assert_eq!(
        wait_for_outbox(&app, felix, 1).await,
        vec![(
            "registration".to_owned(),
            "not_configured".to_owned(),
            String::new()
        )]
    );

    // Confirming makes a member; the organiser is sent back to the list and shown no code.
    let response = confirm(&app, &organiser, assembly_id, felix).await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, after) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents"),
        )
        .await;
    assert_eq!(crate::helpers::code_in(&after), None, "{after}");
    // The code waits in the database as a delivery, with no code in it, until a deliverer sends it.
    let (_, codes) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/codes"),
        )
        .await;
    assert!(
        codes.contains("Félix Sansmail") && codes.contains("data-status=\"pending\""),
        "{codes}"
    );
    let code = app.code_sent_to("felix.nomail@example.org").await;
    assert_eq!(
        wait_for_outbox(&app, felix, 2).await[1],
        ("sign_in_code".to_owned(), "sent".to_owned(), String::new())
    );
    let (_, codes) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/codes"),
        )
        .await;
    assert!(codes.contains("data-status=\"sent\""), "{codes}");
    assert!(!codes.contains(&code), "the codes page never shows a code");

    let member = client();
    let response = app
        .post_form(
            &member,
            "/code",
            &[("email", "felix.nomail@example.org"), ("code", &code)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, _) = app
        .get(&member, &format!("/assemblies/{assembly_id}/mine"))
        .await;
    assert_eq!(status, 200);

    // Erasure of a member: the respondent is blanked, the member role and sessions end, the account is anonymised.
    let account_id = account_id_of(&app, "felix.nomail@example.org").await;
    let response = change_status(&app, &organiser, assembly_id, felix, "erased").await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let (status, _) = app
        .get(&member, &format!("/assemblies/{assembly_id}/mine"))
        .await;
    assert_ne!(status, 200, "the erased member's session ended");
    let mut connection = app.store.connection().await.unwrap();
    let account = store::accounts::account_by_id(&mut connection, account_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.email, format!("erased-{account_id}@erased.invalid"));
    assert_eq!(
        store::accounts::role_in(&mut connection, account_id, assembly_id)
            .await
            .unwrap(),
        None
    );
    let row = store::recruitment::respondent(&mut connection, assembly_id, felix)
        .await
        .unwrap();
    assert_eq!((row.status.as_str(), row.email.as_str()), ("erased", ""));
    drop(connection);
    assert!(audit_text(&app).await.contains("member.leave"));

    let logs = log_text();
    for secret in ["Félix", "felix.nomail@example.org", code.as_str()] {
        assert!(!logs.contains(secret), "{secret} in the logs");
    }
}

/// Issue 14, finding 1: an organiser who types someone else's email as a "member" (or confirms a respondent who
/// registered with it) must never get a code that opens that account, and codes open code-only member accounts only.
pub async fn an_organiser_cannot_take_over_an_existing_account_with_a_sign_in_code(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let admin_id = account_id_of(&app, "admin@demo.kleroterion.org").await;
    let codes_of = |account_id: i64| {
        let store = app.store.clone();
        async move {
            store::test_support::count_raw(
                &store,
                &format!("SELECT COUNT(*) FROM sign_in_codes WHERE account_id = {account_id}"),
            )
            .await
            .unwrap()
        }
    };

    // Adding the administrator, a password-signing staff member or the organiser themself as a "member": a 409,
    // and no code is issued, let alone shown.
    for email in [
        "admin@demo.kleroterion.org",
        "facilitator@demo.kleroterion.org",
        "organiser@demo.kleroterion.org",
        "member@demo.kleroterion.org",
    ] {
        let response = app
            .post_form(
                &organiser,
                &format!("/staff/assemblies/{assembly_id}/members"),
                &[("display_name", "Not Me"), ("email", email)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 409, "{email}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("issued-code"), "{email}: {html}");
        assert!(html.contains("cannot be given a sign-in code"), "{html}");
        let account_id = account_id_of(&app, email).await;
        assert_eq!(codes_of(account_id).await, 0, "{email}");
    }

    // A respondent who registered with the administrator's email and is confirmed: a 409, nothing issued.
    let impostor = phone_register(
        &app,
        &organiser,
        assembly_id,
        &phone_person("Ada Admin", "admin@demo.kleroterion.org", "en"),
    )
    .await;
    let response = confirm(&app, &organiser, assembly_id, impostor).await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap();
    assert!(!html.contains("member-code-"), "{html}");
    assert_eq!(codes_of(admin_id).await, 0);

    // Even a code that exists for the administrator's account (as the old bug issued) does not open it.
    let mut connection = app.store.connection().await.unwrap();
    store::auth::create_sign_in_code(
        &mut connection,
        admin_id,
        &web::security::token_hash("ABCDEFGHJKMN"),
        web::now(),
        web::now() + 3600,
    )
    .await
    .unwrap();
    drop(connection);
    let response = app
        .post_form(
            &client(),
            "/code",
            &[
                ("email", "admin@demo.kleroterion.org"),
                ("code", "ABCD-EFGH-JKMN"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        401,
        "codes never open an administrator"
    );

    // A new member: the page shows no code; the code goes to the member's own address. Adding the same email
    // again shows no code either and sends a new one, which voids the first.
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/members"),
            &[("display_name", "Dora"), ("email", "dora@example.org")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(crate::helpers::code_in(&html), None, "{html}");
    assert!(html.contains("on its way"), "{html}");
    let first = app.code_sent_to("dora@example.org").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/members"),
            &[
                ("display_name", "Dora again"),
                ("email", "dora@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(crate::helpers::code_in(&html), None, "{html}");
    assert!(html.contains("already had a member account"), "{html}");
    let dora = account_id_of(&app, "dora@example.org").await;
    assert_eq!(
        codes_of(dora).await,
        1,
        "the second code is issued when it is sent"
    );
    let second = app.code_sent_to("dora@example.org").await;
    assert_ne!(first, second);
    assert_eq!(codes_of(dora).await, 2);
    let response = app
        .post_form(
            &client(),
            "/code",
            &[("email", "dora@example.org"), ("code", &first)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401, "the first code is void");
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/roles"),
            &[("email", "dora@example.org"), ("role", "organiser")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let mut connection = app.store.connection().await.unwrap();
    assert_eq!(
        store::accounts::role_in(&mut connection, dora, assembly_id)
            .await
            .unwrap(),
        Some(domain::permission::Role::Member)
    );
    // Issuing a code voids the older ones.
    store::auth::create_sign_in_code(
        &mut connection,
        dora,
        &web::security::token_hash("ZZZZZZZZZZZZ"),
        web::now(),
        web::now() + 3600,
    )
    .await
    .unwrap();
    drop(connection);
    let response = app
        .post_form(
            &client(),
            "/code",
            &[("email", "dora@example.org"), ("code", &first)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 401, "an older code is void");
    let response = app
        .post_form(
            &client(),
            "/code",
            &[("email", "dora@example.org"), ("code", "ZZZZ-ZZZZ-ZZZZ")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
}
