//! Proposals linked to real sessions and tables, and their paged list (issue 18, items 5 and 8): the draft form
//! offers the assembly's sessions and tables (a member starts at their own table), another assembly's session or a
//! table outside the allocation is refused with the field named and nothing written, the pages link the session,
//! the API gives the session id and table, and the list pages 50 at a time with filters by stage, session and title.

use serde_json::Value;

use crate::helpers::{TestApp, location};

async fn number(app: &TestApp, sql: &str) -> i64 {
    store::test_support::count_raw(&app.store, sql)
        .await
        .unwrap()
}

/// The `href` of the link with words `label` in `html`, unescaped.
fn link_to(html: &str, label: &str) -> Option<String> {
    let end = html.find(&format!(">{label}</a>"))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(
        html[start..]
            .split('"')
            .next()?
            .replace("&amp;", "&")
            .replace("&#38;", "&"),
    )
}

/// How many proposals a page lists.
fn listed(html: &str) -> usize {
    html.matches("<li id=\"proposal-").count()
}

pub async fn proposals_name_real_sessions_and_tables_and_the_list_pages_with_filters(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let base = format!("/staff/assemblies/{assembly_id}");
    let member = app.demo_client("member").await;
    let organiser = app.demo_client("organiser").await;
    let maya = number(
        &app,
        "SELECT id FROM accounts WHERE email = 'member@demo.kleroterion.org'",
    )
    .await;
    // The member's table in the latest session of the demo allocation.
    let run = number(
        &app,
        &format!(
            "SELECT MAX(id) FROM table_runs WHERE assembly_id = {assembly_id} AND status = 'done'"
        ),
    )
    .await;
    let session = number(
        &app,
        &format!(
            "SELECT s.id FROM assembly_sessions s JOIN table_seats t ON t.session_id = s.id
             WHERE t.run_id = {run} AND t.account_id = {maya} ORDER BY s.held_on DESC, s.id DESC LIMIT 1"
        ),
    )
    .await;
    let table = number(
        &app,
        &format!("SELECT table_no FROM table_seats WHERE run_id = {run} AND account_id = {maya} AND session_id = {session}"),
    )
    .await;
    let tables_in_session = number(
        &app,
        &format!("SELECT COUNT(DISTINCT table_no) FROM table_seats WHERE run_id = {run} AND session_id = {session}"),
    )
    .await;
    assert!(tables_in_session > 1, "the demo has several tables");

    // The form offers the sessions and tables, starting at the member's own table.
    let (status, html) = app.get(&member, &format!("{base}/deliberation")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("<option value=\"{session}\" selected>")),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<option value=\"{session}:{table}\" selected>Table {}</option>",
        table + 1
    )));
    assert!(html.contains("<optgroup label=\"Weekend 1: the climate emergency (2019-10-04)\">"));

    // Drafted at the member's table: stored as links, shown with a link to the session.
    let before = app.count("proposals").await;
    let audited_before = number(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.create'",
    )
    .await;
    let session_text = session.to_string();
    let table_value = format!("{session}:{table}");
    let draft = |title: &'static str, session: &str, table: &str| {
        vec![
            ("title", title.to_owned()),
            ("body", "Run night buses on the main lines.".to_owned()),
            ("session_id", session.to_owned()),
            ("table", table.to_owned()),
        ]
    };
    let send = async |client: &reqwest::Client, fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app
            .post_form(client, &format!("{base}/proposals"), &fields)
            .await;
        let status = response.status().as_u16();
        let body = if status == 303 {
            location(&response)
        } else {
            response.text().await.unwrap()
        };
        (status, body)
    };
    let (status, path) = send(&member, draft("Night buses", &session_text, &table_value)).await;
    assert_eq!(status, 303, "{path}");
    let proposal_id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        number(
            &app,
            &format!("SELECT session_id FROM proposals WHERE id = {proposal_id}")
        )
        .await,
        session
    );
    assert_eq!(
        number(
            &app,
            &format!("SELECT table_no FROM proposals WHERE id = {proposal_id}")
        )
        .await,
        table
    );
    let (_, page) = app.get(&member, &path).await;
    assert!(
        page.contains(&format!(
            "href=\"/assemblies/{assembly_id}/mine#session-{session}\""
        )),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<dd id=\"proposal-table\">Table {}</dd>",
        table + 1
    )));
    let (_, page) = app.get(&organiser, &path).await;
    assert!(page.contains(&format!(
        "href=\"/staff/assemblies/{assembly_id}/sessions#session-{session}\""
    )));
    // A table alone names its session.
    let (status, _) = send(&member, draft("Tram at night", "", &table_value)).await;
    assert_eq!(status, 303);
    assert_eq!(app.count("proposals").await, before + 2);

    // Another assembly's session, a table outside the allocation, a table of another session, or nonsense: refused
    // with the field named, nothing written.
    let lakeside = number(
        &app,
        "SELECT id FROM assemblies WHERE title = 'Lakeside Citizens'' Assembly on Water'",
    )
    .await;
    store::test_support::execute_raw(
        &app.store,
        &format!(
            "INSERT INTO assembly_sessions (assembly_id, title, held_on, starts_at, ends_at, place, created_at)
             VALUES ({lakeside}, 'Lakeside weekend', '2026-05-02', '09:30', '17:00', 'Lakeside', 1)"
        ),
    )
    .await
    .unwrap();
    let foreign = number(
        &app,
        &format!("SELECT MAX(id) FROM assembly_sessions WHERE assembly_id = {lakeside}"),
    )
    .await;
    let other_session = number(
        &app,
        &format!("SELECT MIN(id) FROM assembly_sessions WHERE assembly_id = {assembly_id} AND id <> {session}"),
    )
    .await;
    let refusals = [
        (
            draft("Foreign", &foreign.to_string(), ""),
            422,
            "Session: not a session of this assembly",
        ),
        (
            draft("Foreign table", "", &format!("{foreign}:0")),
            422,
            "Session: not a session of this assembly",
        ),
        (
            draft("No such table", &session_text, &format!("{session}:999")),
            422,
            "Table: not a table of this session",
        ),
        (
            draft("Two sessions", &other_session.to_string(), &table_value),
            422,
            "Table: ",
        ),
        (draft("Nonsense", "first", "x"), 422, "Session: "),
    ];
    for (fields, expected, words) in refusals {
        let (status, html) = send(&member, fields).await;
        assert_eq!(status, expected, "{html}");
        assert!(html.contains(words), "{words}: {html}");
    }
    assert_eq!(app.count("proposals").await, before + 2);
    assert_eq!(
        number(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.create'"
        )
        .await,
        audited_before + 2
    );

    // The API gives the session id and the table as pages number it.
    let token = app.token_for("member").await;
    let body: Value = reqwest::Client::new()
        .get(app.url(&format!(
            "/api/v1/assemblies/{assembly_id}/proposals?limit=100"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == proposal_id)
        .unwrap()
        .clone();
    assert_eq!(item["session_id"], session);
    assert_eq!(item["table"], table + 1);
    assert_eq!(item["legacy_session"], "");
    assert_eq!(item["stage"], "drafting");

    // A label typed before proposals were linked is shown as such.
    store::test_support::execute_raw(
        &app.store,
        &format!(
            "INSERT INTO proposals (assembly_id, title, body, session_label, table_label, author_account_id,
                                    minority_report, version, created_at, updated_at)
             VALUES ({assembly_id}, 'Old label', 'Text', 'Session 9 (Old)', 'Table 12', {maya}, '', 1, 1, 1)"
        ),
    )
    .await
    .unwrap();
    let old = number(&app, "SELECT MAX(id) FROM proposals").await;
    let (status, page) = app.get(&member, &format!("{base}/proposals/{old}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(
        "<dd id=\"proposal-session\">Session 9 (Old) (label typed before proposals were linked to sessions and tables)</dd>"
    ), "{page}");

    // 120 more proposals: the list pages 50 at a time, filtered by session, stage and title.
    let values: Vec<String> = (0..120)
        .map(|n| {
            let linked = if n % 2 == 0 {
                session.to_string()
            } else {
                "NULL".to_owned()
            };
            format!("({assembly_id}, 'Bulk {n:03}', 'Text', {linked}, '', '', {maya}, '', 1, 2, 2)")
        })
        .collect();
    store::test_support::execute_raw(
        &app.store,
        &format!(
            "INSERT INTO proposals (assembly_id, title, body, session_id, session_label, table_label, author_account_id,
                                    minority_report, version, created_at, updated_at) VALUES {}",
            values.join(", ")
        ),
    )
    .await
    .unwrap();
    let total = number(
        &app,
        &format!("SELECT COUNT(*) FROM proposals WHERE assembly_id = {assembly_id}"),
    )
    .await;
    assert!(total > 100 && total <= 150, "{total}");
    let (_, html) = app.get(&member, &format!("{base}/deliberation")).await;
    assert_eq!(listed(&html), 50);
    assert!(
        html.contains(&format!("Page 1 of 3: 1–50 of {total}")),
        "{html}"
    );
    assert_eq!(
        link_to(&html, "Next page"),
        Some(format!("{base}/deliberation?q=&stage=&session=&page=2"))
    );
    let (_, html) = app
        .get(&member, &format!("{base}/deliberation?page=3"))
        .await;
    assert_eq!(listed(&html) as i64, total - 100);
    let in_session = number(
        &app,
        &format!("SELECT COUNT(*) FROM proposals WHERE assembly_id = {assembly_id} AND session_id = {session}"),
    )
    .await;
    assert_eq!(in_session, 62);
    let (_, html) = app
        .get(
            &member,
            &format!("{base}/deliberation?session={session}&page=2"),
        )
        .await;
    assert_eq!(listed(&html), 12);
    assert!(html.contains("Page 2 of 2: 51–62 of 62"), "{html}");
    assert_eq!(
        link_to(&html, "Previous page"),
        Some(format!(
            "{base}/deliberation?q=&stage=&session={session}&page=1"
        ))
    );
    let (_, html) = app
        .get(&member, &format!("{base}/deliberation?q=bulk+07"))
        .await;
    assert_eq!(listed(&html), 10, "Bulk 070 to Bulk 079");
    let (_, html) = app
        .get(&member, &format!("{base}/deliberation?q=no+such+title"))
        .await;
    assert!(html.contains("No proposal matches."));
    // The demo's proposals went to ballots: one passed and became a recommendation.
    let recommended = number(
        &app,
        &format!("SELECT COUNT(DISTINCT proposal_id) FROM recommendations WHERE assembly_id = {assembly_id} AND proposal_id IS NOT NULL"),
    )
    .await;
    assert!(recommended > 0);
    let (_, html) = app
        .get(&member, &format!("{base}/deliberation?stage=recommended"))
        .await;
    assert_eq!(listed(&html) as i64, recommended);
    let (_, html) = app
        .get(
            &member,
            &format!("{base}/deliberation?stage=drafting&q=bulk"),
        )
        .await;
    assert_eq!(listed(&html), 50);
    // A stray filter value shows the whole list rather than an error.
    let (status, html) = app
        .get(
            &member,
            &format!("{base}/deliberation?stage=nonsense&session=x&page=-4"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(listed(&html), 50);
}

pub async fn organisers_import_proposals_from_csv_through_a_preview_and_a_bad_line_writes_nothing(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let base = format!("/staff/assemblies/{assembly_id}");
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let session = number(
        &app,
        &format!("SELECT id FROM assembly_sessions WHERE assembly_id = {assembly_id} AND title = 'Weekend 2: getting around'"),
    )
    .await;
    let run = number(
        &app,
        &format!(
            "SELECT MAX(id) FROM table_runs WHERE assembly_id = {assembly_id} AND status = 'done'"
        ),
    )
    .await;
    let table = number(
        &app,
        &format!(
            "SELECT MAX(table_no) FROM table_seats WHERE run_id = {run} AND session_id = {session}"
        ),
    )
    .await;
    let proposals_before = app.count("proposals").await;
    let audited = async || {
        number(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.create'",
        )
        .await
    };
    let audited_before = audited().await;

    // The template names the columns.
    let response = organiser
        .get(app.url(&format!("{base}/deliberation/proposals-template.csv")))
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
    assert!(
        response
            .text()
            .await
            .unwrap()
            .starts_with("title,text,session,table\n")
    );
    let (_, page) = app.get(&organiser, &format!("{base}/deliberation")).await;
    assert!(page.contains("id=\"proposals-import-form\""));
    let (_, page) = app.get(&member, &format!("{base}/deliberation")).await;
    assert!(
        !page.contains("id=\"proposals-import-form\""),
        "members do not import"
    );

    let good = format!(
        "title,text,session,table\nNight buses,\"Run buses, every night\",Weekend 2: getting around,Table {}\nTrams,Run trams at night,,\nBikes,Bike lanes,Weekend 2: getting around (2019-10-25),\n",
        table + 1
    );
    let bad = format!("{good}Ferries,Run ferries,Weekend 9,\n");
    let import = format!("{base}/deliberation/proposals-import");
    let send = async |client: &reqwest::Client, fields: &[(&str, &str)]| {
        let response = app.post_form(client, &import, fields).await;
        let status = response.status().as_u16();
        let body = if status == 303 {
            location(&response)
        } else {
            response.text().await.unwrap()
        };
        (status, body)
    };

    // The preview shows what each line creates and writes nothing.
    let (status, html) = send(&organiser, &[("csv", good.as_str())]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("3 lines will be created"), "{html}");
    assert!(html.contains(&format!("<td>Table {}</td>", table + 1)));
    assert_eq!(app.count("proposals").await, proposals_before);
    // A bad line names its line and column; even confirmed, nothing is written.
    let (status, html) = send(&organiser, &[("csv", bad.as_str()), ("step", "confirm")]).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Line 5, column 3: Session: not a session of this assembly"),
        "{html}"
    );
    assert_eq!(app.count("proposals").await, proposals_before);
    assert_eq!(audited().await, audited_before);
    // Members may not import.
    let (status, _) = send(&member, &[("csv", good.as_str()), ("step", "confirm")]).await;
    assert_eq!(status, 403);
    // Confirmed: three proposals, one audit entry each, linked as the file says.
    let (status, location) = send(&organiser, &[("csv", good.as_str()), ("step", "confirm")]).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{base}/deliberation?saved=1").as_str())
    );
    assert_eq!(app.count("proposals").await, proposals_before + 3);
    assert_eq!(audited().await, audited_before + 3);
    let linked = number(
        &app,
        &format!("SELECT COUNT(*) FROM proposals WHERE assembly_id = {assembly_id} AND title = 'Night buses' AND session_id = {session} AND table_no = {table}"),
    )
    .await;
    assert_eq!(linked, 1);

    // The API: a dry run writes nothing, a bad line is a 422 naming it, members are refused, a good file is 201.
    let api = format!("/api/v1/assemblies/{assembly_id}/proposals/import");
    let call = async |token: &str, body: Value| {
        let response = reqwest::Client::new()
            .post(app.url(&api))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    let token = app.token_for("organiser").await;
    let (status, body) = call(&token, serde_json::json!({ "csv": good, "dry_run": true })).await;
    assert_eq!((status, body["created"].as_i64()), (200, Some(0)));
    assert_eq!(body["preview"][0]["table"], table + 1);
    let (status, body) = call(&token, serde_json::json!({ "csv": bad })).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"][0],
        "Line 5, column 3: Session: not a session of this assembly"
    );
    let member_token = app.token_for("member").await;
    let (status, _) = call(&member_token, serde_json::json!({ "csv": good })).await;
    assert_eq!(status, 403);
    assert_eq!(app.count("proposals").await, proposals_before + 3);
    let (status, body) = call(&token, serde_json::json!({ "csv": good })).await;
    assert_eq!((status, body["created"].as_i64()), (201, Some(3)));
    assert_eq!(app.count("proposals").await, proposals_before + 6);
    assert_eq!(audited().await, audited_before + 6);
}
