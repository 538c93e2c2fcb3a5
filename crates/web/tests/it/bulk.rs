//! Bulk actions and CSV imports with a preview (issue 18, item 1): many people confirmed on the panel at once, many
//! ballots opened and closed, many comments accepted, recommendations imported through a preview, from the pages
//! and the API; each all or nothing (a refused item names itself and nothing is written), one audit entry per item,
//! and refused to the roles that may not.

use serde_json::{Value, json};

use crate::helpers::{TestApp, location};

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let response = app.post_form(client, path, fields).await;
    let status = response.status().as_u16();
    let to = location(&response);
    (status, to, response.text().await.unwrap())
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    store::test_support::count_raw(&app.store, sql)
        .await
        .unwrap()
}

async fn audit(app: &TestApp, action: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"),
    )
    .await
}

async fn wait_for_run(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    for _ in 0..240 {
        let (status, html) = app.get(client, path).await;
        assert_eq!(status, 200, "{html}");
        if !html.contains("id=\"run-status\">running<") {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the run did not finish in a minute");
}

/// Twelve respondents and a drawn final run of six (three women, three men) in the climate assembly; returns the
/// ids of the people drawn and of one person left in the pool.
async fn drawn_panel(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
) -> (Vec<i64>, i64) {
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..12 {
        let gender = if i % 2 == 0 { "woman" } else { "man" };
        let features = json!({ "gender": gender }).to_string();
        store::recruitment::add_respondent(
            &mut tx,
            &store::recruitment::NewRespondent {
                assembly_id,
                invitation_id: None,
                full_name: &format!("Bulk Person{i}"),
                email: &format!("bulk{i}@example.org"),
                phone: "",
                features_json: &features,
                access_needs_json: "{}",
                consent_at: 1,
            },
            1,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let (status, _, html) = post(
        app,
        organiser,
        &format!("/staff/assemblies/{assembly_id}/quotas"),
        &[
            ("panel_size", "6"),
            ("seed_source", "the lottery"),
            ("quotas", "gender,woman,50,3,3\ngender,man,50,3,3\n"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let selection = format!("/staff/assemblies/{assembly_id}/selection");
    let (status, run, _) = post(app, organiser, &format!("{selection}/commitments"), &[]).await;
    assert_eq!(status, 303);
    wait_for_run(app, organiser, &run).await;
    let (status, _, _) = post(
        app,
        organiser,
        &format!("{run}/draw"),
        &[("seed", "bulk seed")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        wait_for_run(app, organiser, &run)
            .await
            .contains("id=\"run-status\">done<")
    );
    let mut connection = app.store.connection().await.unwrap();
    let drawn: Vec<i64> = store::selection::panel(&mut connection, assembly_id)
        .await
        .unwrap()
        .iter()
        .map(|person| person.respondent_id)
        .collect();
    drop(connection);
    assert_eq!(drawn.len(), 6);
    let left = count(
        app,
        &format!(
            "SELECT MIN(id) FROM respondents WHERE assembly_id = {assembly_id} AND status = 'registered'"
        ),
    )
    .await;
    (drawn, left)
}

pub async fn organisers_confirm_many_people_on_the_panel_at_once_or_no_one(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let (drawn, left) = drawn_panel(&app, &organiser, assembly_id).await;
    let path = format!("/staff/assemblies/{assembly_id}/panel/statuses");
    let confirmed = format!(
        "SELECT COUNT(*) FROM respondents WHERE assembly_id = {assembly_id} AND status = 'confirmed'"
    );

    // The panel page offers the bulk form with a checkbox per person and a reason from the list, no free text.
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/panel"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"bulk-form\""), "{html}");
    assert_eq!(html.matches("form=\"bulk-form\"").count(), 6, "{html}");

    // A member may not; nothing changes.
    let ids: Vec<String> = drawn.iter().map(i64::to_string).collect();
    let mut fields: Vec<(&str, &str)> = ids.iter().map(|id| ("respondent", id.as_str())).collect();
    fields.extend([("status", "confirmed"), ("reason_category", "checked")]);
    let (status, _, _) = post(&app, &member, &path, &fields).await;
    assert_eq!(status, 403);

    // Nobody ticked: the page says so.
    let (status, _, html) = post(
        &app,
        &organiser,
        &path,
        &[("status", "confirmed"), ("reason_category", "checked")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("Tick at least one person."), "{html}");

    // One person is not on the panel: refused whole, naming them; nothing written, not even an audit entry.
    let statuses_before = audit(&app, "respondent.status").await;
    let left_id = left.to_string();
    let mut with_outsider = fields.clone();
    with_outsider.insert(3, ("respondent", left_id.as_str()));
    let (status, _, html) = post(&app, &organiser, &path, &with_outsider).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("This person is not on the panel.") && html.contains("Bulk Person"),
        "{html}"
    );
    assert_eq!(count(&app, &confirmed).await, 0);
    assert_eq!(audit(&app, "respondent.status").await, statuses_before);

    // Everyone ticked: six confirmations, one audit entry each, each with the reason's category.
    let members_before = audit(&app, "respondent.member").await;
    let response = app.post_form(&organiser, &path, &fields).await;
    let status = response.status().as_u16();
    assert!(status == 303 || status == 200, "{status}");
    if status == 303 {
        assert!(location(&response).contains("recorded=6"));
    }
    assert_eq!(count(&app, &confirmed).await, 6);
    assert_eq!(audit(&app, "respondent.status").await, statuses_before + 6);
    assert_eq!(audit(&app, "respondent.member").await, members_before + 6);
    let with_reason = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'respondent.status' AND after_json LIKE '%checked%'",
    )
    .await;
    assert!(with_reason >= 6, "{with_reason}");

    // The API: a member's token may not; confirming the confirmed again is refused naming the person, nothing
    // written; two withdraw at once.
    let member_token = app.token_for("member").await;
    let organiser_token = app.token_for("organiser").await;
    let api_path = format!("/api/v1/assemblies/{assembly_id}/panel/statuses");
    let body = json!({ "respondent_ids": [drawn[0], drawn[1]], "status": "withdrawn", "reason_category": "their_request" });
    let (status, _) = api_post(&app, &member_token, &api_path, body.clone()).await;
    assert_eq!(status, 403);
    let (status, refused) = api_post(
        &app,
        &organiser_token,
        &api_path,
        json!({ "respondent_ids": [drawn[2]], "status": "confirmed" }),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["id"], drawn[2]);
    assert_eq!(refused["field"], "respondent_ids");
    let (status, refused) = api_post(
        &app,
        &organiser_token,
        &api_path,
        json!({ "respondent_ids": [], "status": "confirmed" }),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(count(&app, &confirmed).await, 6);
    let (status, done) = api_post(&app, &organiser_token, &api_path, body).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["recorded"], 2);
    assert!(
        !done.to_string().contains("code"),
        "no sign-in code in a script's output: {done}"
    );
    assert_eq!(count(&app, &confirmed).await, 4);
}

/// `n` recommendations as CSV, the `bad`th (from 1) with a support that is not a percentage.
fn recommendations_csv(n: usize, bad: Option<usize>) -> String {
    let mut text = String::from("reference,title,theme,support,route\n");
    for i in 1..=n {
        let support = if Some(i) == bad { "lots" } else { "75.5" };
        text.push_str(&format!(
            "B{i},\"Recommendation {i}, in full\",Theme {},{support},law\n",
            i % 4
        ));
    }
    text
}

pub async fn organisers_import_recommendations_through_a_preview_and_a_bad_line_writes_nothing(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let path = format!("/staff/assemblies/{assembly_id}/impact/import");
    let in_assembly =
        format!("SELECT COUNT(*) FROM recommendations WHERE assembly_id = {assembly_id}");
    let before = count(&app, &in_assembly).await;
    let created_before = audit(&app, "recommendation.create").await;

    // The template has the header the import reads and one example line.
    let response = organiser
        .get(app.url(&format!(
            "/staff/assemblies/{assembly_id}/impact/import-template.csv"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let template = response.text().await.unwrap();
    let lines: Vec<&str> = template.lines().collect();
    assert_eq!(lines.len(), 2, "{template}");
    assert_eq!(lines[0], "reference,title,theme,support,route,body");
    let (status, _) = app
        .get(
            &member,
            &format!("/staff/assemblies/{assembly_id}/impact/import-template.csv"),
        )
        .await;
    assert_eq!(status, 403);

    // A bad line is named by line and column, and nothing is written.
    let bad = recommendations_csv(10, Some(4));
    let (status, _, html) = post(&app, &organiser, &path, &[("csv", &bad)]).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Line 5, column 4"), "{html}");
    assert_eq!(count(&app, &in_assembly).await, before);
    // The same with step=confirm (a forged confirmation of a bad file): refused, nothing written.
    let (status, _, _) = post(
        &app,
        &organiser,
        &path,
        &[("csv", &bad), ("step", "confirm")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(count(&app, &in_assembly).await, before);

    // A good file shows a preview that carries the text in its confirmation form, and writes nothing.
    let good = recommendations_csv(10, None);
    let (status, _, html) = post(&app, &organiser, &path, &[("csv", &good)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"import-preview\""), "{html}");
    assert_eq!(
        html.matches("<tr><th scope=\"row\">B").count(),
        10,
        "{html}"
    );
    assert!(html.contains("name=\"step\" value=\"confirm\""), "{html}");
    assert!(html.contains("Recommendation 10, in full"), "{html}");
    assert_eq!(count(&app, &in_assembly).await, before);

    // A member may not import.
    let (status, _, _) = post(&app, &member, &path, &[("csv", &good), ("step", "confirm")]).await;
    assert_eq!(status, 403);
    assert_eq!(count(&app, &in_assembly).await, before);

    // The confirmation imports all ten, one audit entry each.
    let (status, to, _) = post(
        &app,
        &organiser,
        &path,
        &[("csv", &good), ("step", "confirm")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(to.ends_with("/impact?saved=1"), "{to}");
    assert_eq!(count(&app, &in_assembly).await, before + 10);
    assert_eq!(
        audit(&app, "recommendation.create").await,
        created_before + 10
    );
    // Confirming the same file again: every reference is taken now; nothing more is written.
    let (status, _, html) = post(
        &app,
        &organiser,
        &path,
        &[("csv", &good), ("step", "confirm")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("Line 2, column 1"), "{html}");
    assert_eq!(count(&app, &in_assembly).await, before + 10);

    // The API: a dry run writes nothing, a bad line is a 422 naming it, a member's token may not, then it imports.
    let api_path = format!("/api/v1/assemblies/{assembly_id}/recommendations/import");
    let organiser_token = app.token_for("organiser").await;
    let member_token = app.token_for("member").await;
    let more = recommendations_csv(15, None)
        .replace(",B", ",C")
        .replace("\nB", "\nC");
    let (status, preview) = api_post(
        &app,
        &organiser_token,
        &api_path,
        json!({ "csv": more, "dry_run": true }),
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["preview"].as_array().unwrap().len(), 15);
    assert_eq!(preview["preview"][0]["support_bp"], 7550);
    assert_eq!(count(&app, &in_assembly).await, before + 10);
    let bad_more = recommendations_csv(15, Some(15)).replace("\nB", "\nC");
    let (status, refused) = api_post(
        &app,
        &organiser_token,
        &api_path,
        json!({ "csv": bad_more }),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("Line 16, column 4"),
        "{refused}"
    );
    assert_eq!(count(&app, &in_assembly).await, before + 10);
    let (status, _) = api_post(&app, &member_token, &api_path, json!({ "csv": more })).await;
    assert_eq!(status, 403);
    let (status, created) =
        api_post(&app, &organiser_token, &api_path, json!({ "csv": more })).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["created"], 15);
    assert_eq!(created["ids"].as_array().unwrap().len(), 15);
    assert_eq!(count(&app, &in_assembly).await, before + 25);
    assert_eq!(
        audit(&app, "recommendation.create").await,
        created_before + 25
    );
}

pub async fn scripts_open_and_close_many_ballots_and_accept_many_comments(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let organiser_token = app.token_for("organiser").await;
    let member_token = app.token_for("member").await;
    let mut ballots = Vec::new();
    for wording in ["First?", "Second?", "Third?"] {
        let response = app
            .post_form(
                &organiser,
                &format!("/staff/assemblies/{assembly_id}/ballots"),
                &[
                    ("method", "yes_no"),
                    ("wording", wording),
                    ("pass_rule", "more_than 1/2"),
                    ("eligible_members", "10"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let to = location(&response);
        ballots.push(to.rsplit('/').next().unwrap().parse::<i64>().unwrap());
    }
    let status_of =
        |id: i64| format!("SELECT COUNT(*) FROM ballots WHERE id = {id} AND status = 'open'");
    let open = format!("/api/v1/assemblies/{assembly_id}/ballots/open");
    let close = format!("/api/v1/assemblies/{assembly_id}/ballots/close");

    // A member's token may not.
    let (status, _) = api_post(&app, &member_token, &open, json!({ "ballot_ids": ballots })).await;
    assert_eq!(status, 403);
    // Open the first; then opening all three is refused at the first (not a draft), and nothing else opens.
    let (status, body) = api_post(
        &app,
        &organiser_token,
        &open,
        json!({ "ballot_ids": [ballots[0]] }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let opened_before = audit(&app, "ballot.open").await;
    let (status, refused) = api_post(
        &app,
        &organiser_token,
        &open,
        json!({ "ballot_ids": [ballots[1], ballots[0], ballots[2]] }),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["id"], ballots[0]);
    assert_eq!(count(&app, &status_of(ballots[1])).await, 0);
    assert_eq!(count(&app, &status_of(ballots[2])).await, 0);
    assert_eq!(audit(&app, "ballot.open").await, opened_before);
    // A ballot of no such id is named too.
    let (status, refused) = api_post(
        &app,
        &organiser_token,
        &open,
        json!({ "ballot_ids": [ballots[1], 999_999] }),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["id"], 999_999);
    assert_eq!(count(&app, &status_of(ballots[1])).await, 0);
    // The other two open together, one audit entry each.
    let (status, body) = api_post(
        &app,
        &organiser_token,
        &open,
        json!({ "ballot_ids": [ballots[1], ballots[2]] }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["opened"], 2);
    assert_eq!(audit(&app, "ballot.open").await, opened_before + 2);
    // All three close together.
    let (status, body) = api_post(
        &app,
        &organiser_token,
        &close,
        json!({ "ballot_ids": ballots }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["closed"], 3);
    let closed = format!(
        "SELECT COUNT(*) FROM ballots WHERE assembly_id = {assembly_id} AND status = 'closed' AND id IN ({}, {}, {})",
        ballots[0], ballots[1], ballots[2]
    );
    assert_eq!(count(&app, &closed).await, 3);
    // Closing again is refused.
    let (status, _) = api_post(
        &app,
        &organiser_token,
        &close,
        json!({ "ballot_ids": [ballots[0]] }),
    )
    .await;
    assert_eq!(status, 409);

    // Comments: three posted, accepted at once; a list with an unknown id accepts none.
    let mut comments = Vec::new();
    for body in [
        "Publish the quotas",
        "Publish the seed",
        "Publish the report",
    ] {
        let response = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/assemblies/{assembly_id}/comments")))
            .json(&json!({ "body": body }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 202);
        let posted: Value = response.json().await.unwrap();
        comments.push(posted["id"].as_i64().unwrap());
    }
    let moderation = format!("/api/v1/assemblies/{assembly_id}/comments/moderation");
    let approved = format!(
        "SELECT COUNT(*) FROM design_comments WHERE assembly_id = {assembly_id} AND status = 'approved' AND id IN ({}, {}, {})",
        comments[0], comments[1], comments[2]
    );
    let (status, _) = api_post(
        &app,
        &member_token,
        &moderation,
        json!({ "comment_ids": comments, "decision": "approved" }),
    )
    .await;
    assert_eq!(status, 403);
    let (status, refused) = api_post(
        &app,
        &organiser_token,
        &moderation,
        json!({ "comment_ids": [comments[0], 999_999], "decision": "approved" }),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["id"], 999_999);
    assert_eq!(count(&app, &approved).await, 0);
    let moderated_before = audit(&app, "comment.moderate").await;
    let (status, body) = api_post(
        &app,
        &organiser_token,
        &moderation,
        json!({ "comment_ids": comments, "decision": "approved" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["moderated"], 3);
    assert_eq!(count(&app, &approved).await, 3);
    assert_eq!(audit(&app, "comment.moderate").await, moderated_before + 3);
}

pub async fn responses_and_milestones_are_imported_through_a_preview_and_ballots_and_comments_change_in_bulk_from_their_pages(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let mut connection = app.store.connection().await.unwrap();
    let references: Vec<String> = store::recommendations::list(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.fields.reference)
        .take(2)
        .collect();
    drop(connection);
    assert_eq!(
        references.len(),
        2,
        "the demo convention has recommendations"
    );

    // Responses: an unknown reference is named by line and column, and nothing is written.
    let path = format!("/staff/assemblies/{assembly_id}/impact/import/responses");
    let responses_before = audit(&app, "impact.response").await;
    let bad = format!(
        "reference,kind,justification,source_url,responded_on\n{},full,,https://gov.example.org/a,2026-01-10\nNO-SUCH,full,,https://gov.example.org/b,2026-01-11\n",
        references[0]
    );
    let (status, _, html) = post(
        &app,
        &organiser,
        &path,
        &[("csv", &bad), ("step", "confirm")],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Line 3, column 1"), "{html}");
    assert_eq!(audit(&app, "impact.response").await, responses_before);
    let good = format!(
        "reference,kind,justification,source_url,responded_on\n{},full,,https://gov.example.org/a,2026-01-10\n{},rejected,Too costly this year,https://gov.example.org/b,2026-01-11\n",
        references[0], references[1]
    );
    let (status, _, html) = post(&app, &organiser, &path, &[("csv", &good)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("id=\"import-preview\"") && html.contains("rejected"),
        "{html}"
    );
    assert_eq!(audit(&app, "impact.response").await, responses_before);
    let (status, _, _) = post(&app, &member, &path, &[("csv", &good), ("step", "confirm")]).await;
    assert_eq!(status, 403);
    let (status, to, _) = post(
        &app,
        &organiser,
        &path,
        &[("csv", &good), ("step", "confirm")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(to.ends_with("/impact?saved=1"), "{to}");
    assert_eq!(audit(&app, "impact.response").await, responses_before + 2);
    // The template reads back as a header and one example line.
    let (status, template) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/impact/responses-template.csv"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(template.starts_with("reference,kind,justification,source_url,responded_on\n"));

    // Milestones through the API: a dry run writes nothing, then two are added, one audit entry each.
    let token = app.token_for("organiser").await;
    let member_token = app.token_for("member").await;
    let api = format!("/api/v1/assemblies/{assembly_id}/milestones/import");
    let milestones = format!(
        "reference,happened_on,kind,description,evidence_url\n{0},2026-02-01,bill,Bill tabled,https://gov.example.org/bill\n{0},2026-03-01,budget_line,Funded,https://gov.example.org/budget\n",
        references[0]
    );
    let in_table = "SELECT COUNT(*) FROM impact_milestones";
    let before = count(&app, in_table).await;
    let (status, body) = api_post(
        &app,
        &token,
        &api,
        json!({ "csv": milestones, "dry_run": true }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["lines"], 2);
    assert_eq!(count(&app, in_table).await, before);
    let (status, _) = api_post(&app, &member_token, &api, json!({ "csv": milestones })).await;
    assert_eq!(status, 403);
    let (status, body) = api_post(
        &app,
        &token,
        &api,
        json!({ "csv": "reference,happened_on\n" }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"]
            .as_array()
            .is_some_and(|errors| !errors.is_empty()),
        "{body}"
    );
    let (status, body) = api_post(&app, &token, &api, json!({ "csv": milestones })).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(count(&app, in_table).await, before + 2);

    // Ballots from the deliberation page: two drafts opened, then closed, with one form.
    let mut ballots = Vec::new();
    for wording in ["Page one?", "Page two?"] {
        let response = app
            .post_form(
                &organiser,
                &format!("/staff/assemblies/{assembly_id}/ballots"),
                &[
                    ("method", "yes_no"),
                    ("wording", wording),
                    ("pass_rule", "more_than 1/2"),
                    ("eligible_members", "10"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let to = location(&response);
        ballots.push(to.rsplit('/').next().unwrap().to_owned());
    }
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/deliberation"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"bulk-ballots\""), "{html}");
    let bulk = format!("/staff/assemblies/{assembly_id}/ballots/bulk");
    let open = format!(
        "SELECT COUNT(*) FROM ballots WHERE status = 'open' AND id IN ({}, {})",
        ballots[0], ballots[1]
    );
    let fields = [
        ("ballot", ballots[0].as_str()),
        ("ballot", ballots[1].as_str()),
        ("action", "open"),
    ];
    let (status, _, _) = post(&app, &member, &bulk, &fields).await;
    assert_eq!(status, 403);
    let (status, to, _) = post(&app, &organiser, &bulk, &fields).await;
    assert_eq!(status, 303);
    assert!(to.ends_with("/deliberation"), "{to}");
    assert_eq!(count(&app, &open).await, 2);
    // Opening them again is refused, naming the first.
    let (status, _, html) = post(&app, &organiser, &bulk, &fields).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains(&format!("#{}", ballots[0])), "{html}");
    let (status, _, _) = post(
        &app,
        &organiser,
        &bulk,
        &[
            ("ballot", ballots[0].as_str()),
            ("ballot", ballots[1].as_str()),
            ("action", "close"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(count(&app, &open).await, 0);

    // Comments from the moderation queue: two approved with one form.
    let mut comments = Vec::new();
    for body in ["Publish the agenda", "Publish the minutes"] {
        let response = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/assemblies/{assembly_id}/comments")))
            .json(&json!({ "body": body }))
            .send()
            .await
            .unwrap();
        let posted: Value = response.json().await.unwrap();
        comments.push(posted["id"].as_i64().unwrap().to_string());
    }
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/comments"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"bulk-moderation\""), "{html}");
    let approved = format!(
        "SELECT COUNT(*) FROM design_comments WHERE status = 'approved' AND id IN ({}, {})",
        comments[0], comments[1]
    );
    let (status, _, _) = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/comments/moderation"),
        &[
            ("comment", comments[0].as_str()),
            ("comment", comments[1].as_str()),
            ("decision", "approved"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(count(&app, &approved).await, 2);

    // Adoptions through the API: a proposal that did not pass (or is adopted already) is refused by id, nothing
    // written.
    let proposal = count(
        &app,
        &format!("SELECT MIN(id) FROM proposals WHERE assembly_id = {assembly_id}"),
    )
    .await;
    let in_assembly =
        format!("SELECT COUNT(*) FROM recommendations WHERE assembly_id = {assembly_id}");
    let recommendations = count(&app, &in_assembly).await;
    let (status, body) = api_post(
        &app,
        &token,
        &format!("/api/v1/assemblies/{assembly_id}/recommendations/adoptions"),
        json!({ "adoptions": [{ "proposal_id": proposal, "reference": "NEW-1", "theme": "Housing", "route": "law" }] }),
    )
    .await;
    assert!(status == 409 || status == 422, "{status} {body}");
    assert_eq!(body["id"], proposal);
    assert_eq!(count(&app, &in_assembly).await, recommendations);
}
