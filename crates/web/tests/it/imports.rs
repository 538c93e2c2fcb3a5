//! The sessions and ballots CSV imports and adopting many passed proposals from the deliberation page (issue 18,
//! item 1), over HTTP on both backends: a good file previewed and then created with one audit entry per item, a bad
//! line named by line and column with nothing written, and the roles that may not refused; the same imports through
//! the API with a token.

use serde_json::{Value, json};

use crate::helpers::{TestApp, location};

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
    organisers_import_sessions_with_their_agenda_through_a_preview_and_a_bad_line_writes_nothing,
    organisers_import_draft_ballots_through_a_preview_and_a_refused_line_writes_nothing,
    organisers_adopt_many_passed_proposals_from_the_page_or_none,
);

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

const SESSIONS_HEADER: &str =
    "session_title,held_on,starts_at,ends_at,place,item_starts_at,minutes,item_title,topic\n";

pub async fn organisers_import_sessions_with_their_agenda_through_a_preview_and_a_bad_line_writes_nothing(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let facilitator = app.demo_client("facilitator").await;
    let sessions_sql =
        format!("SELECT COUNT(*) FROM assembly_sessions WHERE assembly_id = {assembly_id}");
    let items_sql = format!(
        "SELECT COUNT(*) FROM agenda_items WHERE session_id IN (SELECT id FROM assembly_sessions WHERE assembly_id = {assembly_id})"
    );
    let sessions_before = count(&app, &sessions_sql).await;
    let items_before = count(&app, &items_sql).await;
    let audit_sessions = audit(&app, "session.create").await;
    let audit_items = audit(&app, "agenda_item.create").await;

    // The page offers the import and its template.
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/sessions"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"import-sessions-form\""), "{html}");
    let (status, template) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/sessions/import-template.csv"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(template.starts_with(SESSIONS_HEADER), "{template}");

    // A bad line (minutes not a number) is named by line and column, even when confirmed: nothing is written.
    let path = format!("/staff/assemblies/{assembly_id}/sessions/import");
    let bad = format!(
        "{SESSIONS_HEADER}Import weekend,2031-05-03,09:30,17:00,Town hall,09:30,45,Welcome,Introduction\nImport weekend,2031-05-03,,,,10:15,ninety,Evidence,Housing\n"
    );
    let (status, _, html) = post(
        &app,
        &organiser,
        &path,
        &[("csv", &bad), ("step", "confirm")],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Line 3, column 7"), "{html}");
    assert_eq!(count(&app, &sessions_sql).await, sessions_before);
    assert_eq!(count(&app, &items_sql).await, items_before);
    assert_eq!(audit(&app, "session.create").await, audit_sessions);

    // A good file: previewed (nothing written), refused to a facilitator, then created when confirmed.
    let good = format!(
        "{SESSIONS_HEADER}Import weekend,2031-05-03,09:30,17:00,Town hall,09:30,45,Welcome,Introduction\nImport weekend,2031-05-03,,,,10:15,90,Evidence on heating,Housing\nImport weekend 2,2031-05-17,09:30,17:00,Town hall,09:30,60,Deliberation,Housing\n"
    );
    let (status, _, html) = post(&app, &organiser, &path, &[("csv", &good)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"import-preview\""), "{html}");
    assert!(html.contains("Import weekend 2"), "{html}");
    assert_eq!(count(&app, &sessions_sql).await, sessions_before);
    let confirm = [("csv", good.as_str()), ("step", "confirm")];
    let (status, _, _) = post(&app, &facilitator, &path, &confirm).await;
    assert_eq!(status, 403);
    let (status, to, html) = post(&app, &organiser, &path, &confirm).await;
    assert_eq!(status, 303, "{html}");
    assert!(to.ends_with("/sessions?saved=1"), "{to}");
    assert_eq!(count(&app, &sessions_sql).await, sessions_before + 2);
    assert_eq!(count(&app, &items_sql).await, items_before + 3);
    assert_eq!(audit(&app, "session.create").await, audit_sessions + 2);
    assert_eq!(audit(&app, "agenda_item.create").await, audit_items + 3);
    let (_, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/sessions"),
        )
        .await;
    assert!(html.contains("Evidence on heating"), "{html}");

    // The same file again names the sessions the assembly already has, and creates nothing.
    let (status, _, html) = post(&app, &organiser, &path, &confirm).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Line 2, column 1"), "{html}");
    assert_eq!(count(&app, &sessions_sql).await, sessions_before + 2);

    // The API: a dry run writes nothing, a bad line is a 422 naming it, a facilitator's token is refused.
    let token = app.token_for("organiser").await;
    let facilitator_token = app.token_for("facilitator").await;
    let api = format!("/api/v1/assemblies/{assembly_id}/sessions/import");
    let file = format!(
        "{SESSIONS_HEADER}API day,2031-06-07,10:00,16:00,Library,10:00,30,Opening,Introduction\nAPI day,2031-06-07,,,,10:30,60,Table work,Housing\n"
    );
    let (status, body) =
        api_post(&app, &token, &api, json!({ "csv": file, "dry_run": true })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sessions"], 1);
    assert_eq!(body["agenda_items"], 2);
    assert_eq!(count(&app, &sessions_sql).await, sessions_before + 2);
    let (status, _) = api_post(&app, &facilitator_token, &api, json!({ "csv": file })).await;
    assert_eq!(status, 403);
    let (status, body) = api_post(
        &app,
        &token,
        &api,
        json!({ "csv": format!("{SESSIONS_HEADER}API day,2031-06-31,10:00,16:00,Library,,,,\n") }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"][0]
            .as_str()
            .is_some_and(|error| error.starts_with("Line 2, column 2")),
        "{body}"
    );
    let (status, body) = api_post(&app, &token, &api, json!({ "csv": file })).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["created"], 1);
    assert_eq!(count(&app, &sessions_sql).await, sessions_before + 3);
    assert_eq!(count(&app, &items_sql).await, items_before + 5);
    assert_eq!(audit(&app, "agenda_item.create").await, audit_items + 5);
}

const BALLOTS_HEADER: &str = "proposal,method,wording,pass_rule,eligible_members,options,max_approvals,opens_after,held_when,wording_otherwise\n";

pub async fn organisers_import_draft_ballots_through_a_preview_and_a_refused_line_writes_nothing(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let proposal = count(
        &app,
        &format!("SELECT MIN(id) FROM proposals WHERE assembly_id = {assembly_id}"),
    )
    .await;
    let ballots_sql = format!("SELECT COUNT(*) FROM ballots WHERE assembly_id = {assembly_id}");
    let before = count(&app, &ballots_sql).await;
    let audited = audit(&app, "ballot.create").await;
    let path = format!("/staff/assemblies/{assembly_id}/ballots/import");
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/deliberation"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"import-ballots-form\""), "{html}");

    // A proposal the assembly does not have is named by line and column; nothing is written.
    let bad = format!(
        "{BALLOTS_HEADER}#{proposal},yes_no,Adopt it?,more_than 1/2,150,,,,,\n#999999,yes_no,Adopt that?,more_than 1/2,150,,,,,\n"
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
    assert_eq!(count(&app, &ballots_sql).await, before);

    // A line the ballot rules refuse (a question for the other outcome without an earlier ballot) is named by its
    // line at the preview already; nothing is written.
    let refused = format!(
        "{BALLOTS_HEADER}#{proposal},yes_no,Adopt it?,more_than 1/2,150,,,,,\n,agreement,How far do you agree?,,150,,,,,Redraft it?\n"
    );
    let (status, _, html) = post(&app, &organiser, &path, &[("csv", &refused)]).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Line 3:"), "{html}");
    assert_eq!(count(&app, &ballots_sql).await, before);
    assert_eq!(audit(&app, "ballot.create").await, audited);

    // A good file: previewed (nothing written), refused to a member, then created as drafts when confirmed.
    let good = format!(
        "{BALLOTS_HEADER}#{proposal},yes_no,Imported: adopt it?,at_least 2/3,150,,,,,\n,ranking,Imported: rank the measures,,150,Trains|Buses|Bikes,,,,\n"
    );
    let (status, _, html) = post(&app, &organiser, &path, &[("csv", &good)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("id=\"import-preview\"") && html.contains("Imported: rank the measures"),
        "{html}"
    );
    assert_eq!(count(&app, &ballots_sql).await, before);
    assert_eq!(audit(&app, "ballot.create").await, audited);
    let confirm = [("csv", good.as_str()), ("step", "confirm")];
    let (status, _, _) = post(&app, &member, &path, &confirm).await;
    assert_eq!(status, 403);
    let (status, to, html) = post(&app, &organiser, &path, &confirm).await;
    assert_eq!(status, 303, "{html}");
    assert!(to.ends_with("/deliberation?saved=1"), "{to}");
    assert_eq!(count(&app, &ballots_sql).await, before + 2);
    assert_eq!(audit(&app, "ballot.create").await, audited + 2);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM ballots WHERE assembly_id = {assembly_id} AND status = 'draft' AND wording LIKE 'Imported:%'")
        )
        .await,
        2
    );
    let (status, template) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/ballots/import-template.csv"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(template.starts_with(BALLOTS_HEADER), "{template}");

    // The API: a dry run writes nothing, a bad cell is a 422 naming it, a member's token is refused.
    let token = app.token_for("organiser").await;
    let member_token = app.token_for("member").await;
    let api = format!("/api/v1/assemblies/{assembly_id}/ballots/import");
    let file = format!("{BALLOTS_HEADER},approval,Imported: pick two,,150,A|B|C,2,,,\n");
    let (status, body) =
        api_post(&app, &token, &api, json!({ "csv": file, "dry_run": true })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["lines"], 1);
    assert_eq!(count(&app, &ballots_sql).await, before + 2);
    assert_eq!(audit(&app, "ballot.create").await, audited + 2);
    let (status, _) = api_post(&app, &member_token, &api, json!({ "csv": file })).await;
    assert_eq!(status, 403);
    let (status, body) = api_post(
        &app,
        &token,
        &api,
        json!({ "csv": format!("{BALLOTS_HEADER},yes_no,Adopt?,,lots,,,,,\n") }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|e| e
                .as_str()
                .is_some_and(|e| e.starts_with("Line 2, column 5")))),
        "{body}"
    );
    let (status, body) = api_post(&app, &token, &api, json!({ "csv": file })).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["created"], 1);
    assert_eq!(count(&app, &ballots_sql).await, before + 3);
}

/// A proposal of the assembly that a closed ballot passed.
async fn passed_proposal(app: &TestApp, assembly_id: i64, title: &str) -> i64 {
    let author = count(app, "SELECT MIN(id) FROM accounts").await;
    let mut tx = app.store.begin().await.unwrap();
    let proposal = store::proposals::create(
        &mut tx,
        assembly_id,
        author,
        &store::proposals::NewProposal {
            title: title.to_owned(),
            body: format!("{title}, in full."),
            session_id: None,
            table_no: None,
        },
        1,
    )
    .await
    .unwrap();
    let wording = format!("Do you adopt {title}?");
    let ballot = store::ballot_box::create(
        &mut tx,
        assembly_id,
        &store::ballot_box::NewBallot {
            proposal_id: Some(proposal),
            method: ballots::MethodKind::YesNo,
            wording: wording.clone(),
            wording_otherwise: String::new(),
            options: String::new(),
            pass_rule: Some(ballots::Threshold::simple_majority()),
            max_approvals: None,
            eligible_members: 10,
            opens_after: None,
            held_when: ballots::HeldWhen::Always,
        },
        1,
    )
    .await
    .unwrap();
    store::ballot_box::open(&mut tx, assembly_id, ballot, &wording, 1)
        .await
        .unwrap();
    let result = store::ballot_box::ClosingResult {
        text: "Yes 8, no 2: passed".to_owned(),
        passed: Some(true),
        support_bp: Some(8_000),
    };
    store::ballot_box::close(&mut tx, assembly_id, ballot, &result, 2)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    proposal
}

pub async fn organisers_adopt_many_passed_proposals_from_the_page_or_none(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let first = passed_proposal(&app, assembly_id, "Free school meals").await;
    let second = passed_proposal(&app, assembly_id, "Night trains").await;
    let (first, second) = (first.to_string(), second.to_string());
    let recommendations_sql =
        format!("SELECT COUNT(*) FROM recommendations WHERE assembly_id = {assembly_id}");
    let before = count(&app, &recommendations_sql).await;
    let audited = audit(&app, "recommendation.create").await;

    // The page lists both, each with a box and the adoption form's fields.
    let deliberation = format!("/staff/assemblies/{assembly_id}/deliberation");
    let (status, html) = app.get(&organiser, &deliberation).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"adopt-many\""), "{html}");
    assert!(html.contains(&format!("id=\"adopt-{first}\"")), "{html}");
    assert!(html.contains(&format!("name=\"theme_{second}\"")), "{html}");
    let (_, member_page) = app.get(&member, &deliberation).await;
    assert!(!member_page.contains("id=\"adopt-many\""), "{member_page}");

    let path = format!("/staff/assemblies/{assembly_id}/recommendations/adoptions");
    let reference_first = format!("reference_{first}");
    let theme_first = format!("theme_{first}");
    let route_first = format!("route_{first}");
    let reference_second = format!("reference_{second}");
    let theme_second = format!("theme_{second}");
    let route_second = format!("route_{second}");
    let fields = |second_theme: &'static str, second_reference: &'static str| {
        vec![
            ("adopt".to_owned(), first.clone()),
            ("adopt".to_owned(), second.clone()),
            (reference_first.clone(), "R-MEALS".to_owned()),
            (theme_first.clone(), "Food".to_owned()),
            (route_first.clone(), "law".to_owned()),
            (reference_second.clone(), second_reference.to_owned()),
            (theme_second.clone(), second_theme.to_owned()),
            (route_second.clone(), "regulation".to_owned()),
        ]
    };
    async fn send(
        app: &TestApp,
        client: &reqwest::Client,
        path: &str,
        fields: &[(String, String)],
    ) -> (u16, String, String) {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        post(app, client, path, &borrowed).await
    }

    // A row without its theme: the page again, naming the proposal, with what was typed; nothing written.
    let (status, _, html) = send(&app, &organiser, &path, &fields("", "R-TRAINS")).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains(&format!("#{second}")), "{html}");
    assert!(html.contains("value=\"R-MEALS\""), "{html}");
    assert_eq!(count(&app, &recommendations_sql).await, before);

    // The second reference is the first's: the first is adopted, then the second refused, so neither is.
    let (status, _, html) = send(&app, &organiser, &path, &fields("Transport", "R-MEALS")).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains(&format!("#{second}")), "{html}");
    assert_eq!(count(&app, &recommendations_sql).await, before);
    assert_eq!(audit(&app, "recommendation.create").await, audited);

    // Nothing ticked is named too; a member is refused.
    let (status, _, html) = post(
        &app,
        &organiser,
        &path,
        &[(reference_first.as_str(), "R-X")],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    let good = fields("Transport", "R-TRAINS");
    let (status, _, _) = send(&app, &member, &path, &good).await;
    assert_eq!(status, 403);

    // Both adopted with one submit, one audit entry each; the page no longer offers them.
    let (status, to, html) = send(&app, &organiser, &path, &good).await;
    assert_eq!(status, 303, "{html}");
    assert!(to.ends_with("/deliberation?saved=1"), "{to}");
    assert_eq!(count(&app, &recommendations_sql).await, before + 2);
    assert_eq!(audit(&app, "recommendation.create").await, audited + 2);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM recommendations WHERE assembly_id = {assembly_id} AND reference = 'R-TRAINS' AND theme = 'Transport' AND route = 'regulation' AND proposal_id = {second}")
        )
        .await,
        1
    );
    let (_, html) = app.get(&organiser, &deliberation).await;
    assert!(!html.contains(&format!("id=\"adopt-{first}\"")), "{html}");
}
