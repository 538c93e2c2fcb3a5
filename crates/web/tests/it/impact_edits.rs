//! Impact records edited and removed (issue 18, item 8), over HTTP on both backends: the authority's response,
//! milestones, the fidelity judgement and tactics changed from the recommendation's page and through the API by the
//! roles that may add them, each change in the history on the page and in the audit log, a stale edit refused, another
//! assembly's record a 404, and the scorecard counting the records as they are now.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::impact::{assembly_with_roles, post, signed_in};

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
    impact_records_are_edited_and_removed_on_their_page_with_a_history_and_the_scorecard_follows,
    scripts_edit_and_remove_impact_records_naming_the_version_they_read,
);

/// Imports recommendations `references` into the assembly (organisers) and publishes the report; returns their ids.
async fn recommendations(app: &TestApp, assembly_id: i64, references: &[&str]) -> Vec<i64> {
    let organiser = signed_in(app, "organiser").await;
    let mut csv = String::from("reference,title,theme,support\n");
    for reference in references {
        csv.push_str(&format!("{reference},Measure {reference},housing,95\n"));
    }
    let base = format!("/staff/assemblies/{assembly_id}");
    let response = post(
        app,
        &organiser,
        &format!("{base}/impact/import"),
        &[("csv", &csv), ("step", "confirm")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(
        app,
        &organiser,
        &format!("{base}/report/publish"),
        &[("confirm", "yes")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let mut ids = Vec::new();
    for reference in references {
        ids.push(
            store::test_support::count_raw(
                &app.store,
                &format!(
                    "SELECT id FROM recommendations WHERE assembly_id = {assembly_id} AND reference = '{reference}'"
                ),
            )
            .await
            .unwrap(),
        );
    }
    ids
}

/// The public scorecard's count of recommendations with `response` (`accepted in full`, `no response yet`, ...).
async fn by_response(app: &TestApp, assembly_id: i64, response: &str) -> i64 {
    let json: Value = reqwest::get(app.url(&format!("/assemblies/{assembly_id}/scorecard.json")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    json["by_response"][response]["count"].as_i64().unwrap()
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    store::test_support::count_raw(&app.store, sql)
        .await
        .unwrap()
}

async fn page(app: &TestApp, who: &(reqwest::Client, String), path: &str) -> String {
    let (status, html) = app.get(&who.0, path).await;
    assert_eq!(status, 200, "{html}");
    html
}

const STALE: &str = "Someone changed this record since this page was shown";

pub async fn impact_records_are_edited_and_removed_on_their_page_with_a_history_and_the_scorecard_follows(
    app: TestApp,
) {
    let assembly_id = assembly_with_roles(&app, "Assembly on housing").await;
    let ids = recommendations(&app, assembly_id, &["H1", "H2"]).await;
    let recommendation = format!(
        "/staff/assemblies/{assembly_id}/impact/recommendations/{}",
        ids[0]
    );
    let authority = signed_in(&app, "authority").await;
    let organiser = signed_in(&app, "organiser").await;
    let observer = signed_in(&app, "observer").await;
    let member = signed_in(&app, "member").await;

    // The authority accepts H1 in full; its page's form then edits that response, version 1.
    let respond = |kind: &'static str, version: &'static str| {
        vec![
            ("kind", kind),
            ("justification", "Funded in the 2027 budget"),
            ("source_url", "https://gov.example.org/answer"),
            ("responded_on", "2026-03-01"),
            ("version", version),
        ]
    };
    let response = post(
        &app,
        &authority,
        &format!("{recommendation}/response"),
        &respond("full", "0"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(by_response(&app, assembly_id, "accepted in full").await, 1);
    let html = page(&app, &authority, &recommendation).await;
    assert!(html.contains("name=\"version\" value=\"1\""), "{html}");
    assert!(html.contains("value=\"https://gov.example.org/answer\""));

    // It changes its mind: rejected. The scorecard counts the response as it is now.
    let response = post(
        &app,
        &authority,
        &format!("{recommendation}/response"),
        &respond("rejected", "1"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(by_response(&app, assembly_id, "accepted in full").await, 0);
    assert_eq!(by_response(&app, assembly_id, "rejected").await, 1);

    // An organiser's form still showed version 1: refused, the page says why, nothing changes.
    let response = post(
        &app,
        &organiser,
        &format!("{recommendation}/response"),
        &respond("part", "1"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(response.text().await.unwrap().contains(STALE));
    assert_eq!(
        one(
            &app,
            &format!(
                "SELECT version FROM impact_responses WHERE recommendation_id = {}",
                ids[0]
            )
        )
        .await,
        2
    );
    assert_eq!(by_response(&app, assembly_id, "rejected").await, 1);

    // A milestone, edited once, then an edit from a stale form, then removed with a reason.
    let response = post(
        &app,
        &authority,
        &format!("{recommendation}/milestones"),
        &[
            ("happened_on", "2026-04-01"),
            ("kind", "bill"),
            ("description", "Housing bill tabled"),
            ("evidence_url", "https://gov.example.org/bill"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let milestone = one(
        &app,
        &format!(
            "SELECT id FROM impact_milestones WHERE recommendation_id = {}",
            ids[0]
        ),
    )
    .await;
    let milestone_path = format!("{recommendation}/milestones/{milestone}");
    let edit = |version: &'static str| {
        vec![
            ("happened_on", "2026-04-02"),
            ("kind", "regulation"),
            ("description", "Housing decree published"),
            ("evidence_url", "https://gov.example.org/decree"),
            ("version", version),
        ]
    };
    let response = post(&app, &organiser, &milestone_path, &edit("1")).await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(&app, &authority, &milestone_path, &edit("1")).await;
    assert_eq!(response.status().as_u16(), 409);
    // Observers may not touch the authority's records; members neither.
    let response = post(&app, &observer, &milestone_path, &edit("2")).await;
    assert_eq!(response.status().as_u16(), 403);
    let response = post(
        &app,
        &member,
        &format!("{recommendation}/response/removal"),
        &[("version", "2"), ("reason", "no")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    // A removal needs a reason.
    let response = post(
        &app,
        &authority,
        &format!("{milestone_path}/removal"),
        &[("version", "2"), ("reason", " ")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Why it is removed: say why")
    );
    let response = post(
        &app,
        &authority,
        &format!("{milestone_path}/removal"),
        &[
            ("version", "2"),
            ("reason", "Entered under the wrong recommendation"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        one(
            &app,
            &format!(
                "SELECT COUNT(*) FROM impact_milestones WHERE recommendation_id = {}",
                ids[0]
            )
        )
        .await,
        0
    );

    // Another assembly's record is not found through this one, nor this one's through another.
    let other_id = assembly_with_roles(&app, "Assembly on transport").await;
    let other = recommendations(&app, other_id, &["T1"]).await;
    let response = post(
        &app,
        &authority,
        &format!(
            "/staff/assemblies/{other_id}/impact/recommendations/{}/response",
            ids[0]
        ),
        &respond("part", "2"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);
    let response = post(
        &app,
        &authority,
        &format!(
            "/staff/assemblies/{other_id}/impact/recommendations/{}/response/removal",
            other[0]
        ),
        &[("version", "2"), ("reason", "Not this one")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);

    // The oversight group judges, then removes its judgement.
    let response = post(
        &app,
        &observer,
        &format!("{recommendation}/fidelity"),
        &[
            ("fidelity", "diluted"),
            ("reasons", "Half the homes"),
            ("judged_on", "2026-05-01"),
            ("version", "0"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(
        &app,
        &observer,
        &format!("{recommendation}/fidelity/removal"),
        &[("version", "1"), ("reason", "Judged too early")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        one(
            &app,
            &format!(
                "SELECT COUNT(*) FROM impact_fidelity WHERE recommendation_id = {}",
                ids[0]
            )
        )
        .await,
        0
    );

    // Members plan a tactic, edit it and remove it; the authority never sees it, nor its history.
    let response = post(
        &app,
        &member,
        &format!("{recommendation}/tactics"),
        &[
            ("arena", "outsider"),
            ("kind", "campaign"),
            ("description", "Door-knocking in Ward 3"),
            ("lead", "Ward 3 group"),
            ("status", "planned"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let tactic = one(
        &app,
        &format!(
            "SELECT id FROM impact_tactics WHERE recommendation_id = {}",
            ids[0]
        ),
    )
    .await;
    let response = post(
        &app,
        &member,
        &format!("{recommendation}/tactics/{tactic}"),
        &[
            ("arena", "outsider"),
            ("kind", "campaign"),
            ("description", "Door-knocking in Ward 4"),
            ("lead", "Ward 4 group"),
            ("status", "done"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(
        &app,
        &authority,
        &format!("{recommendation}/tactics/{tactic}/removal"),
        &[("version", "2"), ("reason", "x")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    let html = page(&app, &authority, &recommendation).await;
    assert!(
        !html.contains("Door-knocking"),
        "the strategy is not the authority's to read"
    );
    let html = page(&app, &member, &recommendation).await;
    assert!(html.contains("Door-knocking in Ward 4"));

    // The authority withdraws its response: the scorecard no longer counts it.
    let response = post(
        &app,
        &authority,
        &format!("{recommendation}/response/removal"),
        &[("version", "2"), ("reason", "Answered by mistake")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(by_response(&app, assembly_id, "rejected").await, 0);
    assert_eq!(by_response(&app, assembly_id, "no response yet").await, 2);
    // A form shown before the removal does not edit the next response (versions keep counting).
    let response = post(
        &app,
        &organiser,
        &format!("{recommendation}/response"),
        &respond("full", "2"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 409);

    // The history on the page: who changed what when, and why a record was removed, newest first.
    let html = page(&app, &organiser, &recommendation).await;
    let history = &html[html.find("id=\"history\"").expect("a history section")..];
    for expected in [
        "s response: Rejected (2026-03-01) — Funded in the 2027 budget",
        "Reason: Answered by mistake",
        "Reason: Entered under the wrong recommendation",
        "Reason: Judged too early",
        "A milestone: Regulation (2026-04-02) — Housing decree published",
        "A tactic: Done — Door-knocking in Ward 4",
        "version 2",
    ] {
        assert!(
            history.contains(expected),
            "history lacks {expected:?}: {history}"
        );
    }
    assert!(
        history.contains("removed by")
            && history.contains("changed by")
            && history.contains("added by")
    );
    assert!(
        history.find("Answered by mistake").unwrap() < history.find("Housing bill tabled").unwrap(),
        "newest first"
    );
    // In French too.
    let (_, french) = app
        .get(&organiser.0, &format!("{recommendation}?lang=fr"))
        .await;
    assert!(
        french.contains("Historique") && french.contains("supprimé par"),
        "{french}"
    );

    // The audit log has each change with its before and after, but no reason and no tactic text.
    let mut connection = app.store.connection().await.unwrap();
    let audit = store::audit::recent(&mut connection, 1_000).await.unwrap();
    let of = |action: &str| audit.iter().filter(|row| row.action == action).count();
    assert_eq!(of("impact.response"), 2);
    assert_eq!(of("impact.response.remove"), 1);
    assert_eq!(of("impact.milestone.edit"), 1);
    assert_eq!(of("impact.milestone.remove"), 1);
    assert_eq!(of("impact.fidelity.remove"), 1);
    assert_eq!(of("impact.tactic.edit"), 1);
    let edit = audit
        .iter()
        .find(|row| row.action == "impact.milestone.edit")
        .unwrap();
    assert!(
        edit.before_json
            .clone()
            .unwrap()
            .contains("Housing bill tabled")
    );
    assert!(
        edit.after_json
            .clone()
            .unwrap()
            .contains("Housing decree published")
    );
    for row in &audit {
        let text = format!("{:?} {:?}", row.before_json, row.after_json);
        for secret in [
            "Answered by mistake",
            "Door-knocking",
            "Ward 4 group",
            "Judged too early",
        ] {
            assert!(!text.contains(secret), "{} carries {secret:?}", row.action);
        }
    }
}

/// Sends `method` with `body` as `token`: (status, JSON body or null).
async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub async fn scripts_edit_and_remove_impact_records_naming_the_version_they_read(app: TestApp) {
    use reqwest::Method;
    let assembly_id = assembly_with_roles(&app, "Assembly on water").await;
    let ids = recommendations(&app, assembly_id, &["W1"]).await;
    let base = format!(
        "/api/v1/assemblies/{assembly_id}/recommendations/{}",
        ids[0]
    );
    let authority = app.token_for("authority").await;
    let observer = app.token_for("observer").await;
    let member = app.token_for("member").await;
    let response = |kind: &str, version: i64| json!({ "version": version, "kind": kind, "justification": "Costs", "source_url": "https://gov.example.org/w1", "responded_on": "2026-02-01" });

    // Record (version 0: none yet), then edit naming version 1; a second "first" response is stale.
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("{base}/response"),
        &authority,
        response("part", 0),
    )
    .await;
    assert_eq!((status, body["version"].as_i64()), (200, Some(1)), "{body}");
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("{base}/response"),
        &authority,
        response("full", 0),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"].as_str().unwrap().contains("changed since"));
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("{base}/response"),
        &authority,
        response("full", 1),
    )
    .await;
    assert_eq!((status, body["version"].as_i64()), (200, Some(2)), "{body}");
    assert_eq!(by_response(&app, assembly_id, "accepted in full").await, 1);
    // Bad input names the field; members may not answer for the authority.
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("{base}/response"),
        &authority,
        response("maybe", 2),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("kind")),
        "{body}"
    );
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("{base}/response"),
        &member,
        response("full", 2),
    )
    .await;
    assert_eq!(status, 403);
    // The public read shows the version to edit.
    let public: Value = reqwest::get(app.url(&base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public["response"]["version"], 2);

    // A milestone (imported), edited and removed; an unknown one is a 404.
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/assemblies/{assembly_id}/milestones/import"),
        &authority,
        json!({ "csv": "reference,happened_on,kind,description,evidence_url\nW1,2026-03-01,budget_line,Pipes funded,https://gov.example.org/pipes\n" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let public: Value = reqwest::get(app.url(&base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let milestone = public["milestones"][0]["id"].as_i64().unwrap();
    assert_eq!(public["milestones"][0]["version"], 1);
    let edit = |version: i64| json!({ "version": version, "happened_on": "2026-03-02", "kind": "budget_line", "description": "Pipes funded twice over", "evidence_url": "https://gov.example.org/pipes2" });
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("{base}/milestones/{}", milestone + 1000),
        &authority,
        edit(1),
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("{base}/milestones/{milestone}"),
        &authority,
        edit(1),
    )
    .await;
    assert_eq!((status, body["version"].as_i64()), (200, Some(2)), "{body}");
    let removal = |version: i64, reason: &str| json!({ "version": version, "reason": reason });
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("{base}/milestones/{milestone}"),
        &authority,
        removal(1, "Duplicate"),
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = call(
        &app,
        Method::DELETE,
        &format!("{base}/milestones/{milestone}"),
        &authority,
        removal(2, ""),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("reason")),
        "{body}"
    );
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("{base}/milestones/{milestone}"),
        &authority,
        removal(2, "Duplicate"),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        one(
            &app,
            &format!(
                "SELECT COUNT(*) FROM impact_milestones WHERE recommendation_id = {}",
                ids[0]
            )
        )
        .await,
        0
    );

    // The oversight group judges and removes its judgement; the authority may not.
    let judgement = json!({ "version": 0, "verdict": "full", "reasons": "As recommended", "judged_on": "2026-06-01" });
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("{base}/fidelity"),
        &authority,
        judgement.clone(),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("{base}/fidelity"),
        &observer,
        judgement,
    )
    .await;
    assert_eq!((status, body["version"].as_i64()), (200, Some(1)), "{body}");
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("{base}/fidelity"),
        &observer,
        removal(1, "Too early"),
    )
    .await;
    assert_eq!(status, 204);

    // The response removed: no longer counted. Another assembly's recommendation is a 404.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("{base}/response"),
        &authority,
        removal(2, "Withdrawn"),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(by_response(&app, assembly_id, "accepted in full").await, 0);
    let other_id = assembly_with_roles(&app, "Assembly on air").await;
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!(
            "/api/v1/assemblies/{other_id}/recommendations/{}/response",
            ids[0]
        ),
        &authority,
        response("full", 0),
    )
    .await;
    assert_eq!(status, 404);

    // The history, newest first, by role, never by name.
    let (status, history) = call(
        &app,
        Method::GET,
        &format!("{base}/history"),
        &authority,
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{history}");
    let items = history["items"].as_array().unwrap();
    assert_eq!(history["total"], 8, "{history}");
    assert_eq!(items[0]["record"], "response");
    assert_eq!(items[0]["change"], "removed");
    assert_eq!(items[0]["reason"], "Withdrawn");
    assert_eq!(items[0]["role"], "authority");
    assert!(items.iter().all(|item| item.get("display_name").is_none()));
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("{base}/history"),
        &member,
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "members read the history too (ViewImpact)");
}
