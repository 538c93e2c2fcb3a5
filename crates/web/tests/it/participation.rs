//! Issue 16's leftovers over HTTP on both backends: participants of the public conversation verify by an emailed
//! one-time code or an invitation code (the organisers choose per conversation), the results count verified and
//! unverified participants apart, participants answer the assembly's demographic questions and the results compare
//! each group of five answers or more with the population, the public assembly page counts the conversation, and
//! community hosts attach photos that are public only once their outcome is accepted, without their metadata.

use domain::conversation::StatementStatus;

use crate::conversation::stored_analysis;
use crate::helpers::{TestApp, client, client_from, location};
use crate::members::{Relay, server_with_mail};

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
    participants_verify_by_email_or_invitation_code_and_the_results_count_them_apart,
    demographics_of_groups_of_five_answers_or_more_are_compared_with_the_population,
    the_results_page_reads_figures_stored_with_the_map_which_may_use_verified_participants_only,
    hosts_attach_photos_that_are_public_only_once_accepted_and_without_metadata,
);

/// Sets up the climate assembly's conversation with `seeds` (accepted at once) and returns its id.
async fn set_up(app: &TestApp, seeds: &str) -> i64 {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let base = format!("/staff/assemblies/{assembly_id}/conversation");
    let response = app
        .post_form(
            &organiser,
            &base,
            &[
                ("prompt", "What should the city do about the climate?"),
                ("moderation", "accepted_only"),
                ("open", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app
        .post_form(
            &organiser,
            &format!("{base}/seeds"),
            &[("statements", seeds)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assembly_id
}

/// Issues `count` invitation codes as the organiser and returns them.
async fn invitation_codes(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
    count: usize,
) -> Vec<String> {
    let response = app
        .post_form(
            organiser,
            &format!("/staff/assemblies/{assembly_id}/conversation/invitations"),
            &[("count", &count.to_string()), ("format", "csv")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let csv = response.text().await.unwrap();
    csv.lines().skip(1).map(code_in).collect()
}

async fn set_mode(app: &TestApp, organiser: &reqwest::Client, assembly_id: i64, mode: &str) {
    let response = app
        .post_form(
            organiser,
            &format!("/staff/assemblies/{assembly_id}/conversation/verification"),
            &[("verification", mode)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).contains("notice=verification"));
}

async fn accepted(app: &TestApp, assembly_id: i64) -> Vec<i64> {
    let mut connection = app.store.connection().await.unwrap();
    store::conversation::statements(
        &mut connection,
        assembly_id,
        &[StatementStatus::Accepted],
        1_000,
        0,
    )
    .await
    .unwrap()
    .into_iter()
    .map(|statement| statement.id)
    .collect()
}

async fn vote(
    app: &TestApp,
    device: &reqwest::Client,
    assembly_id: i64,
    statement: i64,
    stance: &str,
) {
    let response = app
        .post_form(
            device,
            &format!("/assemblies/{assembly_id}/conversation/votes"),
            &[("statement_id", &statement.to_string()), ("vote", stance)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

/// The first `XXXX-XXXX-XXXX` code in a text.
fn code_in(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        .find(|word| {
            word.len() == 14
                && word.chars().filter(|&c| c == '-').count() == 2
                && word
                    .chars()
                    .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        })
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
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

async fn verified_count(app: &TestApp) -> i64 {
    store::test_support::count_raw(
        &app.store,
        "SELECT COUNT(*) FROM conversation_participants WHERE verified <> 0",
    )
    .await
    .unwrap()
}

pub async fn participants_verify_by_email_or_invitation_code_and_the_results_count_them_apart(
    app: TestApp,
) {
    let assembly_id = set_up(&app, "Cheaper buses\nMore cycle lanes").await;
    let statements = accepted(&app, assembly_id).await;
    let organiser = app.demo_client("organiser").await;
    let profile = format!("/assemblies/{assembly_id}/conversation/profile");

    // Without verification the page offers the questions only, and a code is refused as not offered.
    let (status, html) = app.get(&client(), &profile).await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("id=\"email-form\"") && !html.contains("id=\"invitation-form\""));
    let (_, voting) = app
        .get(
            &client(),
            &format!("/assemblies/{assembly_id}/conversation"),
        )
        .await;
    assert!(voting.contains("id=\"profile-link\""));

    // Email: a participant on a server with a relay asks for a code, gets it by email and confirms it.
    set_mode(&app, &organiser, assembly_id, "email").await;
    let relay = Relay::start().await;
    let mailing = server_with_mail(&app, &relay).await;
    let ana = client_from("127.0.0.2");
    let (_, html) = mailing.get(&ana, &profile).await;
    assert!(html.contains("id=\"email-form\"") && !html.contains("id=\"code-form\""));
    let response = mailing
        .post_form(
            &ana,
            &format!("/assemblies/{assembly_id}/conversation/email"),
            &[("email", "nope")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(app.count("conversation_emails").await, 0);
    let response = mailing
        .post_form(
            &ana,
            &format!("/assemblies/{assembly_id}/conversation/email"),
            &[("email", "Ana.Verified@Example.org")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).contains("notice=sent"));
    assert!(!location(&response).contains("example.org"));
    let mail = relay.message_to("ana.verified@example.org").await;
    assert!(mail.data.contains("public conversation"), "{}", mail.data);
    let code = code_in(&mail.data);
    let (_, html) = mailing.get(&ana, &profile).await;
    assert!(html.contains("id=\"code-form\""), "{html}");
    assert!(
        !html.contains("ana.verified"),
        "the address is not shown back"
    );

    // A wrong code is refused and counted; the right one verifies; the code is never stored as it is.
    let confirm = format!("/assemblies/{assembly_id}/conversation/email/code");
    let response = mailing
        .post_form(&ana, &confirm, &[("code", "0000-0000-0000")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(verified_count(&app).await, 0);
    let response = mailing
        .post_form(&ana, &confirm, &[("code", &code.to_lowercase())])
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    assert!(location(&response).contains("notice=verified"));
    assert_eq!(verified_count(&app).await, 1);
    let (_, html) = mailing.get(&ana, &profile).await;
    assert!(html.contains("id=\"verified\""));
    let canonical = code.replace('-', "");
    assert_eq!(
        store::test_support::count_raw(
            &app.store,
            &format!(
                "SELECT COUNT(*) FROM conversation_emails WHERE code_hash LIKE '%{canonical}%'"
            ),
        )
        .await
        .unwrap(),
        0
    );
    vote(&mailing, &ana, assembly_id, statements[0], "agree").await;

    // One email confirms one participant of the conversation.
    let copycat = client_from("127.0.0.3");
    let response = mailing
        .post_form(
            &copycat,
            &format!("/assemblies/{assembly_id}/conversation/email"),
            &[("email", "ana.verified@example.org")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(app.count("conversation_emails").await, 1);

    // An unverified participant votes too; the results, as the job computes them, count both apart.
    let ben = client_from("127.0.0.4");
    vote(&app, &ben, assembly_id, statements[0], "disagree").await;
    vote(&app, &ben, assembly_id, statements[1], "agree").await;
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        1
    );
    let (_, results) = app
        .get(
            &client(),
            &format!("/assemblies/{assembly_id}/conversation/results"),
        )
        .await;
    assert!(
        results.contains("Confirmed participants: 1 (1 votes). Not confirmed: 2 (2 votes)."),
        "{results}"
    );

    // Invitation codes: an email code no longer works; the organiser makes a batch, shown once as CSV or to print.
    set_mode(&app, &organiser, assembly_id, "invitation").await;
    let invitations = format!("/staff/assemblies/{assembly_id}/conversation/invitations");
    let response = app
        .post_form(
            &organiser,
            &invitations,
            &[("count", "0"), ("format", "csv")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let response = app
        .post_form(
            &organiser,
            &invitations,
            &[("count", "3"), ("format", "csv")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert_eq!(lines[0], "batch,number,code");
    let codes: Vec<String> = lines[1..].iter().map(|line| code_in(line)).collect();
    let response = app
        .post_form(
            &organiser,
            &invitations,
            &[("count", "2"), ("format", "printable")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let printable = response.text().await.unwrap();
    assert!(printable.contains("id=\"invitation-codes\"") && printable.contains("Batch 2"));
    assert_eq!(app.count("conversation_invitations").await, 5);
    for code in &codes {
        let canonical = code.replace('-', "");
        assert_eq!(
            store::test_support::count_raw(
                &app.store,
                &format!(
                    "SELECT COUNT(*) FROM conversation_invitations WHERE code_hash LIKE '%{canonical}%'"
                ),
            )
            .await
            .unwrap(),
            0,
            "codes are stored hashed"
        );
    }
    let (_, staff) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/conversation"),
        )
        .await;
    assert!(
        staff.contains("5 invitation codes issued, 0 used."),
        "{staff}"
    );

    // A code verifies a new device once; the same code on another device is refused.
    let redeem = format!("/assemblies/{assembly_id}/conversation/invitation");
    let cleo = client_from("127.0.0.5");
    let response = app.post_form(&cleo, &redeem, &[("code", &codes[0])]).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    assert_eq!(verified_count(&app).await, 2);
    let dan = client_from("127.0.0.6");
    let response = app.post_form(&dan, &redeem, &[("code", &codes[0])]).await;
    assert_eq!(response.status().as_u16(), 422);
    let response = app
        .post_form(&dan, &redeem, &[("code", "not a code")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let response = mailing
        .post_form(
            &copycat,
            &format!("/assemblies/{assembly_id}/conversation/email"),
            &[("email", "copy@example.org")],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        409,
        "email is no longer offered"
    );
    let (_, staff) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/conversation"),
        )
        .await;
    assert!(
        staff.contains("5 invitation codes issued, 1 used."),
        "{staff}"
    );

    // The members' and the public's roles cannot make codes or change the mode.
    let member = app.demo_client("member").await;
    let response = app
        .post_form(&member, &invitations, &[("count", "3"), ("format", "csv")])
        .await;
    assert!(matches!(response.status().as_u16(), 303 | 403));
    assert_eq!(app.count("conversation_invitations").await, 5);

    // Neither the email nor a code is in the audit log; erasure takes the email and keeps the code spent.
    let audit = audit_text(&app).await;
    assert!(audit.contains("conversation.verified") && audit.contains("conversation.invitations"));
    assert!(
        !audit.contains("ana.verified") && !audit.contains(&codes[0]) && !audit.contains(&code)
    );
    for device in [&ana, &cleo] {
        let response = app
            .post_form(
                device,
                &format!("/assemblies/{assembly_id}/conversation/erasure"),
                &[],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    assert_eq!(app.count("conversation_emails").await, 0);
    assert_eq!(verified_count(&app).await, 0);
    let response = app.post_form(&dan, &redeem, &[("code", &codes[0])]).await;
    assert_eq!(
        response.status().as_u16(),
        422,
        "an erased participant's code stays spent"
    );
    let response = app.post_form(&dan, &redeem, &[("code", &codes[1])]).await;
    assert_eq!(response.status().as_u16(), 303);
}

/// Saves the climate assembly's quotas: gender (50/50) and age band (20/80).
async fn save_quotas(app: &TestApp, assembly_id: i64) {
    let organiser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/quotas"),
            &[
                ("panel_size", "6"),
                ("seed_source", "The first prize number of the national lottery of 1 March"),
                (
                    "quotas",
                    "feature,value,share,min,max\ngender,woman,50,3,3\ngender,man,50,3,3\nage_band,16-29,20,1,3\nage_band,30+,80,3,5\n",
                ),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
}

pub async fn demographics_of_groups_of_five_answers_or_more_are_compared_with_the_population(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    save_quotas(&app, assembly_id).await;
    let seeds: Vec<String> = (1..=6).map(|i| format!("Proposal number {i}")).collect();
    let assembly_id = set_up(&app, &seeds.join("\n")).await;
    let statements = accepted(&app, assembly_id).await;
    let profile = format!("/assemblies/{assembly_id}/conversation/profile");
    let answers = format!("/assemblies/{assembly_id}/conversation/answers");

    // The page asks the assembly's own questions, each with "prefer not to say".
    let (_, html) = app.get(&client(), &profile).await;
    assert!(
        html.contains("name=\"q_0\"") && html.contains("name=\"q_1\""),
        "{html}"
    );
    assert!(html.contains("<option value=\"30+\"") && html.contains("Prefer not to say"));
    // A value the assembly does not ask for is refused naming its field, and nothing is stored.
    let stranger = client_from("127.0.0.40");
    let response = app
        .post_form(&stranger, &answers, &[("q_0", "alien"), ("q_1", "")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("q_0"));
    assert_eq!(app.count("conversation_answers").await, 0);

    // Two camps vote opposite ways: 10 devices (8 answer their gender: 6 women, 2 men) and 6 devices (4 answer).
    let mut devices = Vec::new();
    for index in 0..16_usize {
        let device = client_from(&format!("127.0.0.{}", 2 + index));
        let camp_a = index < 10;
        for (position, &statement) in statements.iter().enumerate() {
            let agree = position.is_multiple_of(2) == camp_a;
            vote(
                &app,
                &device,
                assembly_id,
                statement,
                if agree { "agree" } else { "disagree" },
            )
            .await;
        }
        let gender = match index {
            0..=5 => Some("woman"),
            6 | 7 => Some("man"),
            10..=13 => Some("woman"),
            _ => None,
        };
        if let Some(gender) = gender {
            let response = app
                .post_form(&device, &answers, &[("q_0", gender), ("q_1", "")])
                .await;
            assert_eq!(
                response.status().as_u16(),
                303,
                "{}",
                response.text().await.unwrap()
            );
            assert!(location(&response).contains("notice=saved"));
        }
        devices.push(device);
    }
    assert_eq!(app.count("conversation_answers").await, 12);
    // Answering again replaces the answer; "prefer not to say" removes it.
    let response = app
        .post_form(&devices[0], &answers, &[("q_0", "woman"), ("q_1", "30+")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get(&devices[0], &profile).await;
    assert!(html.contains("<option value=\"30+\" selected"), "{html}");
    let response = app
        .post_form(&devices[0], &answers, &[("q_0", "woman"), ("q_1", "")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("conversation_answers").await, 12);

    // The map groups the camps; the results compare each group of 5 answers or more with the population.
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        1
    );
    let (_, results) = app
        .get(
            &client(),
            &format!("/assemblies/{assembly_id}/conversation/results"),
        )
        .await;
    assert!(results.contains("id=\"demographics-caveat\""), "{results}");
    assert!(results.contains("choose themselves"));
    assert!(results.contains("Everyone placed in a group"));
    assert!(results.contains("gender (12 answers)"), "{results}");
    // Group A (10 devices, 8 answers): 6 women of 8 is 75%, against 50% in the population.
    assert!(results.contains("gender (8 answers)"), "{results}");
    assert!(
        results.contains("<th scope=\"row\">woman</th><td>6</td><td>75%</td><td>50%</td>"),
        "{results}"
    );
    // Group B has 4 answers: nothing about it is shown; nobody answered the age band.
    assert!(results.contains("gender: fewer than 5 answers, not shown."));
    assert!(results.contains("age_band: fewer than 5 answers, not shown."));
    assert!(!results.contains("gender (4 answers)"));

    // The public assembly page counts the conversation; the audit log has counts, never answers.
    let (_, page) = app
        .get(&client(), &format!("/assemblies/{assembly_id}"))
        .await;
    assert!(
        page.contains("16 people in the public conversation: 96 votes on 6 statements"),
        "{page}"
    );
    let audit = audit_text(&app).await;
    assert!(audit.contains("conversation.answers") && audit.contains("\"answered\":1"));
    assert!(
        audit
            .lines()
            .filter(|line| line.starts_with("conversation."))
            .all(|line| !line.contains("woman")),
        "{audit}"
    );
    let (_, french) = app
        .get(&client(), &format!("/assemblies/{assembly_id}?lang=fr"))
        .await;
    assert!(
        french.contains("16 personnes dans la consultation publique"),
        "{french}"
    );

    // Erasure takes the answers with the votes.
    let response = app
        .post_form(
            &devices[1],
            &format!("/assemblies/{assembly_id}/conversation/erasure"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("conversation_answers").await, 11);
}

/// A 1×1 PNG with a `tEXt` chunk that says where it was taken.
const PNG_WITH_TEXT: [u8; 110] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x1c, 0x74, 0x45, 0x58, 0x74, 0x43, 0x6f, 0x6d, 0x6d, 0x65, 0x6e, 0x74,
    0x00, 0x47, 0x50, 0x53, 0x20, 0x34, 0x38, 0x2e, 0x38, 0x35, 0x38, 0x34, 0x4e, 0x20, 0x32, 0x2e,
    0x32, 0x39, 0x34, 0x35, 0x45, 0x63, 0x02, 0x45, 0x29, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41,
    0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47,
    0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

async fn upload(
    app: &TestApp,
    host: &reqwest::Client,
    assembly_id: i64,
    outcome_id: i64,
    filename: &str,
    data: &[u8],
) -> reqwest::Response {
    let boundary = "----KleroPhotoBoundary4d2";
    let csrf = app.csrf(host).await;
    let body = crate::recruitment::multipart(
        boundary,
        &[("csrf_token", csrf.as_str())],
        &[("photo", filename, data)],
    );
    crate::recruitment::post_multipart(
        app,
        host,
        &format!("/assemblies/{assembly_id}/community/host/outcomes/{outcome_id}/photos"),
        body,
        boundary,
    )
    .await
}

pub async fn hosts_attach_photos_that_are_public_only_once_accepted_and_without_metadata(
    app: TestApp,
) {
    let id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/community"),
            &[("is_open", "on"), ("guide", "Read the evidence together.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let host = crate::community::host(
        &app,
        "127.0.0.2",
        id,
        "Ana Host",
        "host.photo@example.org",
        "Lycee Jean Moulin",
    )
    .await;
    let response = app
        .post_form(
            &host,
            &format!("/assemblies/{id}/community/host/outcomes"),
            &crate::community::outcome("Plant trees along every school route", "23"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let outcome_id =
        crate::community::outcome_id(&app, "Plant trees along every school route").await;

    // The host page offers an upload per outcome; files are judged by their bytes, not their names.
    let (_, page) = app
        .get(&host, &format!("/assemblies/{id}/community/host"))
        .await;
    assert!(
        page.contains(&format!("id=\"photo-form-{outcome_id}\"")),
        "{page}"
    );
    let response = upload(
        &app,
        &host,
        id,
        outcome_id,
        "photo.png",
        b"GIF89a\x01\x00\x01\x00",
    )
    .await;
    assert_eq!(response.status().as_u16(), 415);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("not a JPEG, PNG or WebP")
    );
    let response = upload(
        &app,
        &host,
        id,
        outcome_id,
        "photo.png",
        b"\x89PNG\r\n\x1a\n\0\0",
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let mut huge = PNG_WITH_TEXT.to_vec();
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let response = upload(&app, &host, id, outcome_id, "huge.png", &huge).await;
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(app.count("community_photos").await, 0);

    // A PNG is stored without its text chunk.
    let response = upload(&app, &host, id, outcome_id, "trees.txt", &PNG_WITH_TEXT).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    assert!(location(&response).contains("photo=added"));
    let photo_id =
        store::test_support::count_raw(&app.store, "SELECT MAX(id) FROM community_photos")
            .await
            .unwrap();
    let photo_path = format!("/assemblies/{id}/community/photos/{photo_id}");

    // Before acceptance: the host and the organisers see it, the public gets a 404 and no link.
    let public = client_from("127.0.0.9");
    let response = public.get(app.url(&photo_path)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let (_, list) = app
        .get(&public, &format!("/assemblies/{id}/community"))
        .await;
    assert!(!list.contains(&photo_path));
    for viewer in [&host, &organiser] {
        let response = viewer.get(app.url(&photo_path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "image/png");
        assert_eq!(response.headers()["cache-control"], "private, no-store");
    }
    let (_, queue) = app
        .get(&organiser, &format!("/staff/assemblies/{id}/community"))
        .await;
    assert!(
        queue.contains(&photo_path),
        "organisers see it while moderating"
    );

    // At most four photos per outcome.
    for _ in 0..3 {
        let response = upload(&app, &host, id, outcome_id, "more.png", &PNG_WITH_TEXT).await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let response = upload(&app, &host, id, outcome_id, "fifth.png", &PNG_WITH_TEXT).await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(app.count("community_photos").await, 4);
    // Another host cannot add to or remove from this outcome.
    let other = crate::community::host(
        &app,
        "127.0.0.3",
        id,
        "Ben Host",
        "host.other@example.org",
        "Mairie",
    )
    .await;
    let response = upload(&app, &other, id, outcome_id, "mine.png", &PNG_WITH_TEXT).await;
    assert_eq!(response.status().as_u16(), 404);
    let response = app
        .post_form(
            &other,
            &format!("/assemblies/{id}/community/host/photos/{photo_id}/removal"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let response = app
        .post_form(
            &host,
            &format!("/assemblies/{id}/community/host/photos/{photo_id}/removal"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("community_photos").await, 3);
    let photo_id =
        store::test_support::count_raw(&app.store, "SELECT MAX(id) FROM community_photos")
            .await
            .unwrap();
    let photo_path = format!("/assemblies/{id}/community/photos/{photo_id}");

    // Accepted: public, in the list with a text alternative, and without the text chunk.
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/community/outcomes"),
            &[
                ("outcome", &outcome_id.to_string()),
                ("decision", "accepted"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, list) = app
        .get(&public, &format!("/assemblies/{id}/community"))
        .await;
    assert!(list.contains(&format!("src=\"{photo_path}\"")), "{list}");
    assert!(
        list.contains("alt=\"Photo 3 of the community assembly of Lycee Jean Moulin\""),
        "{list}"
    );
    let response = public.get(app.url(&photo_path)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let served = response.bytes().await.unwrap();
    assert!(served.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(contains(&served, b"IDAT") && contains(&served, b"IEND"));
    assert!(
        !contains(&served, b"GPS 48.8584N"),
        "the text chunk is gone"
    );

    // Withdrawal erases the photos with the outcomes.
    let response = app
        .post_form(
            &host,
            &format!("/assemblies/{id}/community/host/withdraw"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("community_photos").await, 0);
    let response = public.get(app.url(&photo_path)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

/// Issue 16 at national scale: the results page's counts, votes by day, verified counts and demographics are
/// computed by the background job with the map and read back from it (a vote after the analysis shows only after
/// the next one, and the page says when they were computed); the organisers may choose that the map uses only
/// verified participants' votes, and the page says which.
pub async fn the_results_page_reads_figures_stored_with_the_map_which_may_use_verified_participants_only(
    app: TestApp,
) {
    let seeds: Vec<String> = (1..=6).map(|i| format!("Idea number {i}")).collect();
    let assembly_id = set_up(&app, &seeds.join("\n")).await;
    let statements = accepted(&app, assembly_id).await;
    let organiser = app.demo_client("organiser").await;
    set_mode(&app, &organiser, assembly_id, "invitation").await;
    let codes = invitation_codes(&app, &organiser, assembly_id, 8).await;
    assert_eq!(codes.len(), 8);
    let redeem = format!("/assemblies/{assembly_id}/conversation/invitation");
    let results = format!("/assemblies/{assembly_id}/conversation/results");

    // Two camps of 6 devices vote opposite ways on every statement; the first 4 of each camp verified.
    let mut used = codes.iter();
    for index in 0..12_usize {
        let device = client_from(&format!("127.0.1.{}", 2 + index));
        if index % 6 < 4 {
            let code = used.next().unwrap();
            let response = app.post_form(&device, &redeem, &[("code", code)]).await;
            assert_eq!(response.status().as_u16(), 303);
        }
        for (position, &statement) in statements.iter().enumerate() {
            let agree = position.is_multiple_of(2) == (index < 6);
            vote(
                &app,
                &device,
                assembly_id,
                statement,
                if agree { "agree" } else { "disagree" },
            )
            .await;
        }
    }
    assert_eq!(verified_count(&app).await, 8);

    // Before the first analysis there are no figures to show, only that the map is not computed yet.
    let (_, html) = app.get(&client(), &results).await;
    assert!(
        html.contains("id=\"no-map\"") && !html.contains("id=\"count-votes\""),
        "{html}"
    );
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        1
    );
    let (_, html) = app.get(&client(), &results).await;
    assert!(html.contains("id=\"count-participants\">12<"), "{html}");
    assert!(html.contains("id=\"count-votes\">72<"));
    assert!(html.contains("id=\"count-statements\">6<"));
    assert!(html.contains("Confirmed participants: 8 (48 votes). Not confirmed: 4 (24 votes)."));
    assert!(html.contains("id=\"map-scope\"") && html.contains("votes, confirmed or not."));
    assert!(html.contains("These figures and the map were computed on"));
    // Every vote was cast today: one row of the table by day, with the 12 who joined and their 72 votes.
    assert!(
        html.contains("</time></th><td>12</td><td>72</td></tr>"),
        "{html}"
    );
    let stored = stored_analysis(&app, assembly_id).await;
    assert!(!stored.verified_only);
    assert_eq!(stored.participants, 12);
    let figures = stored.figures.expect("figures stored with the map");
    assert_eq!(
        (figures.voters, figures.votes, figures.statements),
        (12, 72, 6)
    );
    assert_eq!(figures.verified.votes, 48);

    // A new vote is stored at once but the page shows the stored figures until the next analysis.
    let late = client_from("127.0.1.40");
    vote(&app, &late, assembly_id, statements[0], "agree").await;
    let (_, html) = app.get(&client(), &results).await;
    assert!(html.contains("id=\"count-votes\">72<"), "{html}");

    // Verified-only needs a way to verify: refused with none, naming the field, and nothing changes.
    let verification = format!("/staff/assemblies/{assembly_id}/conversation/verification");
    let response = app
        .post_form(
            &organiser,
            &verification,
            &[("verification", "none"), ("verified_only", "1")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Confirmed participants only")
    );
    let response = app
        .post_form(
            &organiser,
            &verification,
            &[("verification", "invitation"), ("verified_only", "1")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, staff) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/conversation"),
        )
        .await;
    assert!(
        staff.contains("value=\"1\" id=\"verified-only\" checked"),
        "{staff}"
    );
    assert!(audit_text(&app).await.contains("\"verified_only\":true"));

    // The next analysis maps the 8 verified participants only; the counts still take in everyone.
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        1
    );
    let stored = stored_analysis(&app, assembly_id).await;
    assert!(stored.verified_only);
    assert_eq!(stored.participants, 8);
    assert_eq!(stored.votes, 48);
    assert_eq!(stored.groups.iter().map(|g| g.size).sum::<usize>(), 8);
    let (_, html) = app.get(&client(), &results).await;
    assert!(html.contains("id=\"count-participants\">13<"), "{html}");
    assert!(html.contains("id=\"count-votes\">73<"));
    assert!(html.contains(
        "The map and its groups use only the votes of confirmed participants: 8 participants, 48 votes."
    ));
    let (_, french) = app.get(&client(), &format!("{results}?lang=fr")).await;
    assert!(
        french.contains("utilisent que les votes des participants confirmés"),
        "{french}"
    );

    // Back to everyone: the map is due again and takes in all 13.
    let response = app
        .post_form(&organiser, &verification, &[("verification", "invitation")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        1
    );
    assert_eq!(stored_analysis(&app, assembly_id).await.participants, 13);
}
