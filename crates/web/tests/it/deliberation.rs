//! Deliberation scenarios (issue 5, part B): proposals and amendments, secret ballots (results hidden until close,
//! one vote per member under concurrency, Schulze with its pairwise table), sequential ballots, paper entries with
//! mismatches, recommendations and the public final report.

use serde_json::Value;

use crate::helpers::{TestApp, csrf_of, location};

/// The id at the end of a redirect such as `/staff/assemblies/1/ballots/7`.
fn id_in(location: &str) -> i64 {
    location
        .split(['/', '?'])
        .filter_map(|part| part.parse::<i64>().ok())
        .next_back()
        .unwrap()
}

async fn new_ballot(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
    fields: &[(&str, &str)],
) -> i64 {
    let response = app
        .post_form(
            organiser,
            &format!("/staff/assemblies/{assembly_id}/ballots"),
            fields,
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    id_in(&location(&response))
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let response = app.post_form(client, path, fields).await;
    let status = response.status().as_u16();
    let body = if status == 303 {
        location(&response)
    } else {
        response.text().await.unwrap()
    };
    (status, body)
}

async fn api_ballot(app: &TestApp, token: &str, assembly_id: i64, ballot_id: i64) -> Value {
    reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/assemblies/{assembly_id}/ballots/{ballot_id}"
        )))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The per-option ranks (options A..E in order) of a ranking written as a preference order like "ACBED".
fn ranks(order: &str) -> String {
    "ABCDE"
        .chars()
        .map(|option| (order.find(option).unwrap() + 1).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The worked example of the Schulze method (Schulze's own 45-voter example, as given on Wikipedia).
fn schulze_example_sheets() -> String {
    let groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ];
    let mut lines = Vec::new();
    for (count, order) in groups {
        for _ in 0..count {
            lines.push(format!("{}: {}", lines.len() + 1, ranks(order)));
        }
    }
    lines.join("\n")
}

/// The cells of the table with the given id, row by row (header row excluded), as text.
fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no table {id}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split(['<', '>'])
                .collect::<Vec<_>>()
                .windows(2)
                .filter(|pair| pair[0].starts_with("td") || pair[0].starts_with("th scope=\"row\""))
                .map(|pair| pair[1].to_owned())
                .collect()
        })
        .collect()
}

pub async fn ballot_results_stay_hidden_until_close_and_schulze_matches_the_worked_example(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let facilitator = app.demo_client("facilitator").await;
    let member = app.demo_client("member").await;
    let observer = app.demo_client("observer").await;
    let ballot_id = new_ballot(
        &app,
        &organiser,
        assembly_id,
        &[
            ("method", "ranking"),
            ("wording", "Rank the five options"),
            ("options", "A\nB\nC\nD\nE"),
            ("pass_rule", ""),
            ("eligible_members", "50"),
        ],
    )
    .await;
    let path = format!("/staff/assemblies/{assembly_id}/ballots/{ballot_id}");
    assert_eq!(
        post(&app, &organiser, &format!("{path}/open"), &[]).await.0,
        303
    );
    let sheets = schulze_example_sheets();
    assert_eq!(
        post(
            &app,
            &facilitator,
            &format!("{path}/paper"),
            &[("entry", "1"), ("sheets", &sheets)]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        post(
            &app,
            &organiser,
            &format!("{path}/paper"),
            &[("entry", "2"), ("sheets", &sheets)]
        )
        .await
        .0,
        303
    );

    // Open: nobody sees a result, whatever their role, on the page or through the API.
    for client in [&organiser, &facilitator, &member, &observer] {
        let (status, html) = app.get(client, &path).await;
        assert_eq!(status, 200);
        assert!(html.contains("id=\"results-hidden\""), "{html}");
        assert!(!html.contains("id=\"results\"") && !html.contains("id=\"pairwise\""));
    }
    let mut tokens = Vec::new();
    for role in ["organiser", "observer", "member"] {
        tokens.push((role, app.token_for(role).await));
    }
    for (role, token) in &tokens {
        let json = api_ballot(&app, token, assembly_id, ballot_id).await;
        assert_eq!(json["status"], "open");
        assert!(json["result"].is_null(), "{role}: {json}");
    }
    let stored: i64 = store::test_support::count_raw(
        &app.store,
        &format!("SELECT COUNT(*) FROM ballots WHERE id = {ballot_id} AND result_text = ''"),
    )
    .await
    .unwrap();
    assert_eq!(stored, 1, "no result is even computed before the close");

    assert_eq!(
        post(&app, &organiser, &format!("{path}/close"), &[])
            .await
            .0,
        303
    );
    let (_, html) = app.get(&observer, &path).await;
    // Schulze's worked example: d[X][Y] is the number preferring X to Y; E wins, then A, C, B, D.
    assert_eq!(
        table_rows(&html, "pairwise"),
        [
            ["A", "—", "20", "26", "30", "22"],
            ["B", "25", "—", "16", "33", "18"],
            ["C", "19", "29", "—", "17", "24"],
            ["D", "15", "12", "28", "—", "14"],
            ["E", "23", "27", "21", "31", "—"],
        ]
    );
    assert_eq!(
        table_rows(&html, "paths"),
        [
            ["A", "—", "28", "28", "30", "24"],
            ["B", "25", "—", "28", "33", "24"],
            ["C", "25", "29", "—", "29", "24"],
            ["D", "25", "28", "28", "—", "24"],
            ["E", "25", "28", "28", "31", "—"],
        ]
    );
    assert_eq!(
        table_rows(&html, "results"),
        [["1", "E"], ["2", "A"], ["3", "C"], ["4", "B"], ["5", "D"]]
    );
    let json = api_ballot(&app, &tokens[1].1, assembly_id, ballot_id).await;
    assert_eq!(json["status"], "closed");
    assert!(
        json["result"]["text"]
            .as_str()
            .unwrap()
            .contains("Turnout: 45 of 50"),
        "{json}"
    );
}

pub async fn one_member_voting_at_once_is_counted_once_and_logged_without_the_member(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let admin = app.demo_client("admin").await;
    let ballot_id = new_ballot(
        &app,
        &organiser,
        assembly_id,
        &[
            ("method", "yes_no"),
            ("wording", "Adopt?"),
            ("pass_rule", "more_than 1/2"),
            ("eligible_members", "10"),
        ],
    )
    .await;
    let path = format!("/staff/assemblies/{assembly_id}/ballots/{ballot_id}");
    // Closed to votes before it opens.
    assert_eq!(
        post(&app, &member, &format!("{path}/vote"), &[("choice", "yes")])
            .await
            .0,
        409
    );
    assert_eq!(
        post(&app, &organiser, &format!("{path}/open"), &[]).await.0,
        303
    );

    let (_, page) = app.get(&member, &path).await;
    let csrf = csrf_of(&page);
    let url = app.url(&format!("{path}/vote"));
    let mut requests = Vec::new();
    for attempt in 0..8 {
        let choice = if attempt % 2 == 0 { "yes" } else { "no" };
        let form = vec![("choice", choice.to_owned()), ("csrf_token", csrf.clone())];
        requests.push(tokio::spawn(member.post(&url).form(&form).send()));
    }
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap().unwrap().status().as_u16());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409, 409, 409, 409, 409, 409, 409]);
    let store = app.store.clone();
    let count = |sql: String| {
        let store = store.clone();
        async move { store::test_support::count_raw(&store, &sql).await.unwrap() }
    };
    // While the ballot is open, the choice waits sealed (issue 14, finding 3): nothing readable is stored.
    assert_eq!(
        count(format!(
            "SELECT COUNT(*) FROM ballot_votes WHERE ballot_id = {ballot_id}"
        ))
        .await,
        0
    );
    assert_eq!(
        count(format!(
            "SELECT COUNT(*) FROM ballot_sealed WHERE ballot_id = {ballot_id} AND sealed NOT LIKE '%yes%' AND sealed NOT LIKE '%no%'"
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!(
            "SELECT COUNT(*) FROM ballot_voters WHERE ballot_id = {ballot_id}"
        ))
        .await,
        1
    );
    // The audit log says a vote was cast, not by whom, and never what.
    assert_eq!(
        count(format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'ballot.vote' AND entity = 'ballot:{ballot_id}' AND actor_account_id IS NULL"
        ))
        .await,
        1
    );
    assert_eq!(count("SELECT COUNT(*) FROM audit_log WHERE action = 'ballot.vote' AND (after_json LIKE '%yes%' OR after_json LIKE '%account%')".to_owned()).await, 0);

    // An administrator reaches the route but has no vote; a second vote is refused with a message.
    let (status, html) = post(&app, &admin, &format!("{path}/vote"), &[("choice", "yes")]).await;
    assert_eq!(status, 409);
    assert!(html.contains("Only members of the assembly vote"));
    let (status, html) = post(&app, &member, &format!("{path}/vote"), &[("choice", "no")]).await;
    assert_eq!(status, 409);
    assert!(html.contains("You have already voted"));
    let (_, html) = app.get(&member, &path).await;
    assert!(html.contains("id=\"already-voted\"") && !html.contains("id=\"vote-form\""));

    // Closing opens the sealed choice in the closing transaction and counts it.
    assert_eq!(
        post(&app, &organiser, &format!("{path}/close"), &[])
            .await
            .0,
        303
    );
    assert_eq!(
        count(format!(
            "SELECT COUNT(*) FROM ballot_votes WHERE ballot_id = {ballot_id}"
        ))
        .await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM ballot_sealed".to_owned()).await,
        0
    );
    let (_, html) = app.get(&member, &path).await;
    assert!(html.contains("Turnout: 1 of 10"), "{html}");
}

pub async fn sequential_ballots_paper_mismatches_and_a_recommendation_in_the_final_report(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let facilitator = app.demo_client("facilitator").await;
    let member = app.demo_client("member").await;
    let base = format!("/staff/assemblies/{assembly_id}");

    // A member drafts a proposal; a facilitator amends it; the drafter accepts: the text changes, with history.
    let (status, location) = post(
        &app,
        &member,
        &format!("{base}/proposals"),
        &[
            ("title", "Car-free town centres"),
            ("body", "Close town centres to cars by 2030."),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let proposal_id = id_in(&location);
    let proposal = format!("{base}/proposals/{proposal_id}");
    let (status, _) = post(
        &app,
        &facilitator,
        &format!("{proposal}/amendments"),
        &[
            (
                "amendment_body",
                "Close town centres to cars by 2030, except for deliveries and disabled people.",
            ),
            ("rationale", "Access"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let amendment_id: i64 = store::test_support::count_raw(
        &app.store,
        &format!("SELECT MAX(id) FROM amendments WHERE proposal_id = {proposal_id}"),
    )
    .await
    .unwrap();
    // Only the drafter (or an organiser) decides.
    let (status, html) = post(
        &app,
        &facilitator,
        &format!("{proposal}/amendments/{amendment_id}"),
        &[("decision", "accept")],
    )
    .await;
    assert_eq!(status, 409);
    assert!(html.contains("drafter"));
    assert_eq!(
        post(
            &app,
            &member,
            &format!("{proposal}/amendments/{amendment_id}"),
            &[("decision", "accept")]
        )
        .await
        .0,
        303
    );
    let (_, html) = app.get(&member, &proposal).await;
    assert!(html.contains("except for deliveries and disabled people"));
    assert!(html.contains("<dd id=\"proposal-version\">2</dd>"));
    assert_eq!(
        post(
            &app,
            &member,
            &format!("{proposal}/minority-report"),
            &[(
                "minority_report",
                "Rural members need their cars to reach the centre."
            )]
        )
        .await
        .0,
        303
    );

    // Bad ballot input names the fields and stores nothing.
    let before = app.count("ballots").await;
    let (status, html) = post(
        &app,
        &organiser,
        &format!("{base}/ballots"),
        &[
            ("method", "yes_no"),
            ("wording", ""),
            ("pass_rule", "more_than 1/2"),
            ("eligible_members", "zero"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Question: is required")
            && html.contains("Members entitled to vote: is not valid"),
        "{html}"
    );
    assert_eq!(app.count("ballots").await, before);

    let first = new_ballot(
        &app,
        &organiser,
        assembly_id,
        &[
            ("method", "yes_no"),
            ("wording", "Do you adopt car-free town centres?"),
            ("proposal_id", &proposal_id.to_string()),
            ("pass_rule", "more_than 1/2"),
            ("eligible_members", "10"),
        ],
    )
    .await;
    let after = first.to_string();
    let second = new_ballot(
        &app,
        &organiser,
        assembly_id,
        &[
            ("method", "agreement"),
            (
                "wording",
                "How far do you agree with car-free centres as adopted?",
            ),
            (
                "wording_otherwise",
                "How far do you agree that car-free centres should be redrafted?",
            ),
            ("proposal_id", &proposal_id.to_string()),
            ("pass_rule", ""),
            ("eligible_members", "10"),
            ("opens_after", &after),
            ("held_when", "always"),
        ],
    )
    .await;
    let first_path = format!("{base}/ballots/{first}");
    let second_path = format!("{base}/ballots/{second}");
    // The second ballot cannot open before the first closes.
    let (status, html) = post(&app, &organiser, &format!("{second_path}/open"), &[]).await;
    assert_eq!(status, 409);
    assert!(
        html.contains(&format!("only after ballot #{first} has closed")),
        "{html}"
    );
    assert_eq!(
        post(&app, &organiser, &format!("{first_path}/open"), &[])
            .await
            .0,
        303
    );
    assert_eq!(
        post(
            &app,
            &member,
            &format!("{first_path}/vote"),
            &[("choice", "yes")]
        )
        .await
        .0,
        303
    );

    // Paper: two independent entries; the same person cannot type both; mismatches are flagged by sheet.
    assert_eq!(
        post(
            &app,
            &facilitator,
            &format!("{first_path}/paper"),
            &[("entry", "1"), ("sheets", "1: yes\n2: no\n3: yes")]
        )
        .await
        .0,
        303
    );
    let (status, html) = post(
        &app,
        &facilitator,
        &format!("{first_path}/paper"),
        &[("entry", "2"), ("sheets", "1: yes\n2: no\n3: yes")],
    )
    .await;
    assert_eq!(status, 409);
    assert!(html.contains("must be typed by someone else"));
    let (status, html) = post(
        &app,
        &organiser,
        &format!("{first_path}/paper"),
        &[("entry", "2"), ("sheets", "1: yes\n2: maybe")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("line 2"), "{html}");
    assert!(html.contains("1: yes\n2: maybe"), "what was typed is kept");
    assert_eq!(
        post(
            &app,
            &organiser,
            &format!("{first_path}/paper"),
            &[("entry", "2"), ("sheets", "1: yes\n2: yes\n3: yes\n4: no")]
        )
        .await
        .0,
        303
    );
    let (_, html) = app.get(&organiser, &first_path).await;
    assert!(html.contains("Sheet 2: the two entries differ"), "{html}");
    assert!(
        html.contains("Sheet 4: missing from the first entry"),
        "{html}"
    );
    let (status, html) = post(&app, &organiser, &format!("{first_path}/close"), &[]).await;
    assert_eq!(status, 409, "mismatched paper entries are not counted");
    assert!(html.contains("Sheet 2") && html.contains("Sheet 4"));
    assert_eq!(
        post(
            &app,
            &organiser,
            &format!("{first_path}/paper"),
            &[("entry", "2"), ("sheets", "1: yes\n2: no\n3: yes")]
        )
        .await
        .0,
        303
    );
    let (_, html) = app.get(&organiser, &first_path).await;
    assert!(html.contains("id=\"paper-reconciled\""));
    assert_eq!(
        post(&app, &organiser, &format!("{first_path}/close"), &[])
            .await
            .0,
        303
    );
    let (_, html) = app.get(&member, &first_path).await;
    assert_eq!(
        table_rows(&html, "results"),
        [
            ["Yes", "3", "75%"],
            ["No", "1", "25%"],
            ["Abstain", "0", "0%"]
        ]
    );
    assert!(html.contains("id=\"ballot-decision\">Passed"));

    // The second takes its question from the first's result.
    assert_eq!(
        post(&app, &organiser, &format!("{second_path}/open"), &[])
            .await
            .0,
        303
    );
    let (_, html) = app.get(&member, &second_path).await;
    assert!(html.contains("How far do you agree with car-free centres as adopted?"));
    assert!(!html.contains("should be redrafted"));
    assert_eq!(
        post(
            &app,
            &member,
            &format!("{second_path}/vote"),
            &[("choice", "4")]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        post(&app, &organiser, &format!("{second_path}/close"), &[])
            .await
            .0,
        303
    );

    // The passed proposal becomes a recommendation with the agreement distribution and the minority report.
    let (status, _) = post(
        &app,
        &organiser,
        &format!("{proposal}/recommendation"),
        &[
            ("reference", "T1"),
            ("theme", "Travel"),
            ("route", "referendum"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, html) = post(
        &app,
        &organiser,
        &format!("{proposal}/recommendation"),
        &[("reference", "T2"), ("theme", "Travel"), ("route", "law")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("already a recommendation"));
    let mut connection = app.store.connection().await.unwrap();
    let recommendation = store::recommendations::list(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .find(|row| row.fields.proposal_id == Some(proposal_id))
        .unwrap();
    drop(connection);
    assert_eq!(
        recommendation.fields.route,
        store::recommendations::Route::Referendum
    );
    assert_eq!(recommendation.fields.support_bp, Some(10_000));
    assert!(
        recommendation.fields.support_text.contains("agree"),
        "{}",
        recommendation.fields.support_text
    );
    assert_eq!(
        recommendation.fields.minority_report,
        "Rural members need their cars to reach the centre."
    );
    assert!(recommendation.fields.body.contains("except for deliveries"));

    // The final report is public, lists every recommendation with its support and minority reports, in both languages.
    let public = crate::helpers::client();
    let (status, html) = app
        .get(&public, &format!("/assemblies/{assembly_id}/report"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("T1 · Car-free town centres"));
    assert!(
        html.contains("SL1.1"),
        "the demo recommendation is listed too"
    );
    assert!(html.contains("Rural members need their cars"));
    assert!(html.contains("Referendum"));
    // It prints the audit log's signed anchor, the same as `/audit/anchor` gives (issue 14, finding 6).
    let (status, anchor) = app.get(&public, "/audit/anchor").await;
    assert_eq!(status, 200);
    let anchor: serde_json::Value = serde_json::from_str(&anchor).unwrap();
    let printed = format!(
        "&#34;head&#34;:&#34;{}&#34;",
        anchor["head"].as_str().unwrap()
    );
    assert!(
        html.contains("id=\"audit-anchor\"") && html.contains(&printed),
        "{html}"
    );
    let (_, html) = app
        .get(
            &public,
            &format!("/assemblies/{assembly_id}/report?lang=fr"),
        )
        .await;
    assert!(
        html.contains("Rapport final")
            && html.contains("Rapport minoritaire")
            && html.contains("Référendum")
    );
}
