//! The public conversation (issue 16, part 1), over HTTP on both backends: voting without JavaScript (one vote per
//! device and statement, the latest counts, also under concurrency), statements with duplicate detection, bulk
//! moderation, the background recomputation (never twice at once, even with two servers), the results page,
//! erasure, and the device token kept out of pages, the database and the audit log.

use std::collections::HashSet;

use domain::conversation::StatementStatus;

use crate::helpers::{TestApp, client, client_from, csrf_of, location, start_server};

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
    participants_vote_without_javascript_once_per_statement_and_organisers_moderate_in_bulk,
    concurrent_votes_from_one_device_do_not_duplicate,
    the_map_is_recomputed_once_at_a_time_by_two_servers_and_erasure_leaves_the_next_map,
    a_polis_conversation_imported_through_the_web_app_gives_the_groups_of_klero_opinion,
    vtaiwan_imported_through_the_web_app_gives_the_groups_of_klero_opinion,
    austria_climate_imported_through_the_web_app_gives_the_groups_of_klero_opinion,
);

const SEEDS: &str =
    "Cheaper buses\nMore cycle lanes\nA car-free city centre\nmeta: This conversation is useful";

/// Sets up the demo climate assembly's conversation through the organisers' page and returns its id.
async fn set_up(app: &TestApp, seeds: &str, moderation: &str) -> i64 {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let base = format!("/staff/assemblies/{assembly_id}/conversation");
    let (status, html) = app.get(&organiser, &base).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"not-set-up\""));
    let response = app
        .post_form(
            &organiser,
            &base,
            &[
                ("prompt", "What should the city do about the climate?"),
                ("moderation", moderation),
                ("open", "1"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    if seeds.is_empty() {
        return assembly_id;
    }
    let response = app
        .post_form(
            &organiser,
            &format!("{base}/seeds"),
            &[("statements", seeds)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let n = seeds.lines().filter(|line| !line.trim().is_empty()).count();
    assert_eq!(location(&response), format!("{base}?notice=seeded-{n}-0"));
    assembly_id
}

/// The statements of a conversation with one of `statuses`, by id.
async fn statement_ids(app: &TestApp, assembly_id: i64, statuses: &[StatementStatus]) -> Vec<i64> {
    let mut connection = app.store.connection().await.unwrap();
    store::conversation::statements(&mut connection, assembly_id, statuses, 1_000, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|statement| statement.id)
        .collect()
}

/// The value of `name="statement_id"` on a voting page.
fn statement_on(html: &str) -> Option<i64> {
    let marker = "name=\"statement_id\" value=\"";
    let start = html.find(marker)? + marker.len();
    html[start..].split('"').next()?.parse().ok()
}

/// The device token a response set, if it set one.
fn device_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("klero_device="))
        .map(|value| {
            assert!(value.contains("HttpOnly"), "{value}");
            assert!(value.contains("SameSite=Lax"), "{value}");
            value["klero_device=".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_owned()
        })
}

async fn vote(
    app: &TestApp,
    device: &reqwest::Client,
    assembly_id: i64,
    statement: i64,
    stance: &str,
) -> reqwest::Response {
    app.post_form(
        device,
        &format!("/assemblies/{assembly_id}/conversation/votes"),
        &[("statement_id", &statement.to_string()), ("vote", stance)],
    )
    .await
}

pub async fn participants_vote_without_javascript_once_per_statement_and_organisers_moderate_in_bulk(
    app: TestApp,
) {
    let assembly_id = set_up(&app, SEEDS, "accepted_only").await;
    let page = format!("/assemblies/{assembly_id}/conversation");
    let visitor = client();

    // Looking does not make a participant; the page offers one statement with three buttons.
    let (status, html) = app.get(&visitor, &page).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("What should the city do about the climate?"));
    assert!(html.contains("id=\"vote-agree\"") && html.contains("id=\"vote-pass\""));
    assert!(!html.contains("<script"));
    assert_eq!(app.count("conversation_participants").await, 0);
    let first = statement_on(&html).expect("a statement to vote on");

    // The first vote makes the participant and sets the device cookie; a changed vote replaces it.
    let response = vote(&app, &visitor, assembly_id, first, "agree").await;
    assert_eq!(response.status().as_u16(), 303);
    let token = device_cookie(&response).expect("the device cookie");
    assert_eq!(token.len(), 64);
    let response = vote(&app, &visitor, assembly_id, first, "disagree").await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(
        device_cookie(&response).is_none(),
        "the device is remembered"
    );
    assert_eq!(app.count("conversation_participants").await, 1);
    assert_eq!(app.count("conversation_votes").await, 1);
    let stored = store::test_support::count_raw(
        &app.store,
        &format!("SELECT vote FROM conversation_votes WHERE statement_id = {first}"),
    )
    .await
    .unwrap();
    assert_eq!(stored, -1, "the latest vote counts");

    // Vote through the rest as the page offers them, one at a time.
    let mut seen = HashSet::from([first]);
    loop {
        let (_, html) = app.get(&visitor, &page).await;
        let Some(next) = statement_on(&html) else {
            assert!(html.contains("id=\"all-voted\""), "{html}");
            assert!(html.contains("4 of 4"), "{html}");
            break;
        };
        assert!(seen.insert(next), "statement {next} offered twice");
        assert_eq!(
            vote(&app, &visitor, assembly_id, next, "pass")
                .await
                .status()
                .as_u16(),
            303
        );
    }
    assert_eq!(seen.len(), 4);

    // Statements: an exact duplicate (case, spaces and punctuation aside) is refused with a message; a new one
    // waits for moderation and is not offered yet.
    let statements = format!("/assemblies/{assembly_id}/conversation/statements");
    let response = app
        .post_form(&visitor, &statements, &[("statement", "  cheaper BUSES! ")])
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(response.text().await.unwrap().contains("already exists"));
    let response = app
        .post_form(&visitor, &statements, &[("statement", &"x".repeat(281))])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("Your statement"));
    for text in [
        "Free trams on Sundays",
        "Plant trees in every school",
        "Ban adverts for SUVs",
    ] {
        let response = app
            .post_form(&visitor, &statements, &[("statement", text)])
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let pending = statement_ids(&app, assembly_id, &[StatementStatus::Pending]).await;
    assert_eq!(pending.len(), 3);
    let (_, html) = app.get(&visitor, &page).await;
    assert!(
        html.contains("id=\"all-voted\""),
        "pending statements are not offered"
    );
    let response = vote(&app, &visitor, assembly_id, pending[0], "agree").await;
    assert_eq!(
        response.status().as_u16(),
        409,
        "a pending statement takes no vote"
    );

    // The device token is in no page, no row and no audit entry; the participant's id is in no audit entry.
    for path in [page.clone(), format!("{page}/results")] {
        let (_, html) = app.get(&visitor, &path).await;
        assert!(!html.contains(&token), "{path} shows the device token");
    }
    let participant_id =
        store::test_support::count_raw(&app.store, "SELECT id FROM conversation_participants")
            .await
            .unwrap();
    for (table, column) in [
        ("conversation_participants", "token_hash"),
        ("audit_log", "after_json"),
        ("audit_log", "entity"),
    ] {
        let found = store::test_support::count_raw(
            &app.store,
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} LIKE '%{token}%' OR {column} LIKE '%{participant_id}%'"),
        )
        .await
        .unwrap();
        assert_eq!(found, 0, "{table}.{column}");
    }
    // Anonymous votes are recorded in the vote table, not in the hash-chained audit log (which erasure could
    // never clean); the votes above are all there, the latest per statement.
    assert_eq!(
        store::test_support::count_raw(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'conversation.vote'"
        )
        .await
        .unwrap(),
        0
    );

    // Bulk moderation: all or nothing (a statement of nowhere fails the whole batch), one audit entry each.
    let organiser = app.demo_client("organiser").await;
    let moderation = format!("/staff/assemblies/{assembly_id}/conversation/moderation");
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/conversation"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Free trams on Sundays"));
    let token_field = csrf_of(&html);
    let bad = organiser
        .post(app.url(&moderation))
        .form(&[
            ("csrf_token", token_field.as_str()),
            ("statement", &pending[0].to_string()),
            ("statement", "999999"),
            ("decision", "accepted"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 404);
    assert_eq!(
        statement_ids(&app, assembly_id, &[StatementStatus::Pending])
            .await
            .len(),
        3
    );
    let good = organiser
        .post(app.url(&moderation))
        .form(&[
            ("csrf_token", token_field.as_str()),
            ("statement", &pending[0].to_string()),
            ("statement", &pending[1].to_string()),
            ("decision", "accepted"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(good.status().as_u16(), 303);
    assert!(location(&good).ends_with("notice=moderated&n=2"));
    let response = organiser
        .post(app.url(&moderation))
        .form(&[
            ("csrf_token", token_field.as_str()),
            ("statement", &pending[2].to_string()),
            ("decision", "rejected"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        store::test_support::count_raw(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'conversation.moderate'"
        )
        .await
        .unwrap(),
        3
    );
    // The accepted statements are offered now; the rejected one never.
    let (_, html) = app.get(&visitor, &page).await;
    let next = statement_on(&html).expect("an accepted statement is offered");
    assert!(next == pending[0] || next == pending[1]);
    let (_, results) = app.get(&client(), &format!("{page}/results")).await;
    assert!(!results.contains("Ban adverts for SUVs"));

    // Bad input gets a 4xx naming the field; a member cannot moderate.
    let response = vote(&app, &visitor, assembly_id, first, "maybe").await;
    assert_eq!(response.status().as_u16(), 422);
    let member = app.demo_client("member").await;
    let response = app
        .post_form(
            &member,
            &moderation,
            &[
                ("statement", &pending[2].to_string()),
                ("decision", "accepted"),
            ],
        )
        .await;
    assert!(matches!(response.status().as_u16(), 303 | 403));
    assert_eq!(
        statement_ids(&app, assembly_id, &[StatementStatus::Rejected]).await,
        vec![pending[2]]
    );
}

pub async fn concurrent_votes_from_one_device_do_not_duplicate(app: TestApp) {
    let assembly_id = set_up(&app, SEEDS, "accepted_only").await;
    let device = client();
    let statements = statement_ids(&app, assembly_id, &[StatementStatus::Accepted]).await;
    // The device joins with a first vote, then sends 12 votes on one statement at once.
    assert_eq!(
        vote(&app, &device, assembly_id, statements[0], "agree")
            .await
            .status()
            .as_u16(),
        303
    );
    let csrf = app.csrf(&device).await;
    let mut tasks = Vec::new();
    for round in 0..12 {
        let device = device.clone();
        let url = app.url(&format!("/assemblies/{assembly_id}/conversation/votes"));
        let csrf = csrf.clone();
        let statement = statements[1].to_string();
        tasks.push(tokio::spawn(async move {
            let stance = if round % 2 == 0 { "agree" } else { "disagree" };
            device
                .post(url)
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("statement_id", &statement),
                    ("vote", stance),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 303);
    }
    assert_eq!(app.count("conversation_participants").await, 1);
    assert_eq!(app.count("conversation_votes").await, 2);
}

pub async fn the_map_is_recomputed_once_at_a_time_by_two_servers_and_erasure_leaves_the_next_map(
    app: TestApp,
) {
    let seeds: Vec<String> = (1..=8).map(|i| format!("Proposal number {i}")).collect();
    let assembly_id = set_up(&app, &seeds.join("\n"), "accepted_only").await;
    let statements = statement_ids(&app, assembly_id, &[StatementStatus::Accepted]).await;
    // Two camps of 15 devices (each from its own address) vote opposite ways on every statement.
    let mut devices = Vec::new();
    for index in 0..30_usize {
        let device = client_from(&format!("127.0.0.{}", 2 + index));
        for (position, &statement) in statements.iter().enumerate() {
            let agree = position.is_multiple_of(2) == (index < 15);
            let response = vote(
                &app,
                &device,
                assembly_id,
                statement,
                if agree { "agree" } else { "disagree" },
            )
            .await;
            assert_eq!(response.status().as_u16(), 303);
        }
        devices.push(device);
    }
    assert_eq!(app.count("conversation_votes").await, 240);

    // Before any analysis the results page says so; two servers on one database drain at once: one analysis.
    let results = format!("/assemblies/{assembly_id}/conversation/results");
    let (status, html) = app.get(&client(), &results).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"no-map\""));
    let (_, second_store, _) = start_server(&app.database_url).await;
    let (first, second) = tokio::join!(
        web::conversation::job::drain(&app.store, 0),
        web::conversation::job::drain(&second_store, 0)
    );
    assert_eq!(first.unwrap() + second.unwrap(), 1);
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        0,
        "nothing changed since"
    );
    let analysis = stored_analysis(&app, assembly_id).await;
    assert_eq!(analysis.participants, 30);
    assert_eq!(analysis.groups.len(), 2);
    assert_eq!(analysis.groups.iter().map(|g| g.size).sum::<usize>(), 30);

    let (_, html) = app.get(&client(), &results).await;
    assert!(html.contains("id=\"opinion-map\""));
    assert!(html.contains("role=\"img\"") && html.contains("<desc"));
    assert!(html.contains("Group A") && html.contains("Group B"));
    assert!(html.contains("id=\"count-participants\">30<"));
    assert!(html.contains("id=\"count-votes\">240<"));
    assert!(html.contains("Proposal number"));

    // One participant erases their participation: their votes go now, and the next map no longer counts them.
    let leaving = &devices[0];
    let response = app
        .post_form(
            leaving,
            &format!("/assemblies/{assembly_id}/conversation/erasure"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("conversation_votes").await, 232);
    assert_eq!(app.count("conversation_participants").await, 29);
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        1
    );
    let analysis = stored_analysis(&app, assembly_id).await;
    assert_eq!(analysis.participants, 29);
    assert_eq!(analysis.groups.iter().map(|g| g.size).sum::<usize>(), 29);
    let (_, html) = app
        .get(leaving, &format!("/assemblies/{assembly_id}/conversation"))
        .await;
    assert!(
        html.contains("0 of 8") || !html.contains("id=\"progress\""),
        "the device starts afresh"
    );

    // The openData export: pseudonymous numbers, no device token, no random participant id.
    let organiser = app.demo_client("organiser").await;
    let export = format!("/staff/assemblies/{assembly_id}/conversation/opendata");
    let (status, votes_csv) = app.get(&organiser, &format!("{export}/votes.csv")).await;
    assert_eq!(status, 200);
    assert!(votes_csv.starts_with("timestamp,datetime,comment-id,voter-id,vote"));
    assert_eq!(votes_csv.lines().count(), 1 + 232);
    let (_, participants_csv) = app
        .get(&organiser, &format!("{export}/participants-votes.csv"))
        .await;
    assert_eq!(participants_csv.lines().count(), 1 + 29);
    let (_, comments_csv) = app.get(&organiser, &format!("{export}/comments.csv")).await;
    assert!(comments_csv.contains("Proposal number 8"));
    let random_ids =
        store::conversation::all_votes(&mut app.store.connection().await.unwrap(), assembly_id)
            .await
            .unwrap();
    for file in [&votes_csv, &participants_csv, &comments_csv] {
        assert!(
            !random_ids
                .iter()
                .any(|vote| file.contains(&vote.participant_id.to_string()))
        );
    }
    let (status, _) = app.get(&client(), &format!("{export}/votes.csv")).await;
    assert_ne!(status, 200, "the public cannot export");

    // The organisers turn the results into an evidence item of the assembly.
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/conversation/evidence"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, evidence) = app
        .get(&client(), &format!("/assemblies/{assembly_id}/evidence"))
        .await;
    assert!(
        evidence.contains("29 participants, 232 votes, 8 statements"),
        "{evidence}"
    );
    assert!(evidence.contains(&format!("/assemblies/{assembly_id}/conversation/results")));
    second_store.close().await;
}

/// The stored analysis of a conversation.
pub(crate) async fn stored_analysis(
    app: &TestApp,
    assembly_id: i64,
) -> app::conversation::analysis::StoredAnalysis {
    let mut connection = app.store.connection().await.unwrap();
    let row = store::conversation::get(&mut connection, assembly_id)
        .await
        .unwrap()
        .unwrap();
    app::conversation::analysis::parse_stored(row.analysis_json.as_deref())
        .expect("a stored analysis")
}

/// The shared Pol.is conversations (compdemocracy/openData: gathered with the Polis software and sub-licensed under
/// CC BY 4.0 with attribution to The Computational Democracy Project; see `SOURCE.md` there): each is imported
/// through the organisers' import form and must give the groups that `klero opinion` computes on the same files.
const POLIS: &str = "/work/shared/datasets/polis";

/// Football concussions (14,924 votes), with the refusal of a malformed file first.
pub async fn a_polis_conversation_imported_through_the_web_app_gives_the_groups_of_klero_opinion(
    app: TestApp,
) {
    imported_gives_the_groups_of_klero_opinion(app, "football-concussions", true).await;
}

/// vTaiwan's UberX conversation (49,997 votes).
pub async fn vtaiwan_imported_through_the_web_app_gives_the_groups_of_klero_opinion(app: TestApp) {
    imported_gives_the_groups_of_klero_opinion(app, "vtaiwan.uberx", false).await;
}

/// Austria's climate conversation (61,936 votes, 245 of 522 statements moderated out).
pub async fn austria_climate_imported_through_the_web_app_gives_the_groups_of_klero_opinion(
    app: TestApp,
) {
    imported_gives_the_groups_of_klero_opinion(app, "austria-climate.5twd2jsnkf.2022-08-08", false)
        .await;
}

async fn imported_gives_the_groups_of_klero_opinion(app: TestApp, name: &str, malformed: bool) {
    let votes =
        std::fs::read_to_string(format!("{POLIS}/{name}/votes.csv")).expect("the shared dataset");
    let comments = std::fs::read_to_string(format!("{POLIS}/{name}/comments.csv")).unwrap();
    let assembly_id = set_up(&app, "", "accepted_only").await;
    let organiser = app.demo_client("organiser").await;
    let import = format!("/staff/assemblies/{assembly_id}/conversation/import");

    if malformed {
        // A malformed file is refused with its line and column, and nothing is imported.
        let broken = votes.replacen(",-1\n", ",seven\n", 1);
        let response = app
            .post_form(
                &organiser,
                &import,
                &[("votes", &broken), ("comments", &comments)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422);
        let message = response.text().await.unwrap();
        assert!(message.contains("votes.csv: line 2 column 5"), "{message}");
        assert_eq!(app.count("conversation_statements").await, 0);
    }

    let response = app
        .post_form(
            &organiser,
            &import,
            &[("votes", &votes), ("comments", &comments)],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    assert_eq!(
        web::conversation::job::drain(&app.store, 0).await.unwrap(),
        1
    );
    let ours = stored_analysis(&app, assembly_id).await;

    // What `klero opinion` computes on the same files.
    let events = opinion::opendata::parse_votes(&votes).unwrap();
    let parsed = opinion::opendata::parse_comments(&comments).unwrap();
    let reference = opinion::analyse(
        &opinion::opendata::conversation(&events, &parsed),
        &opinion::Options::default(),
        None,
        &mut |_| {},
    );
    assert!(
        reference.groups.len() >= 2,
        "{name}: the reference finds groups"
    );
    assert_eq!(ours.participants, reference.participants.len());
    assert_eq!(
        ours.groups.iter().map(|g| g.size).collect::<Vec<_>>(),
        reference.groups.iter().map(|g| g.size).collect::<Vec<_>>()
    );
    let expected: Vec<(i64, usize)> = reference
        .participants
        .iter()
        .filter_map(|p| {
            p.group.map(|group| {
                let id = app::conversation::opendata::imported_participant_id(assembly_id, p.id)
                    .unwrap();
                (id, group)
            })
        })
        .collect();
    assert_eq!(
        ours.members, expected,
        "every participant in the same group"
    );
}
