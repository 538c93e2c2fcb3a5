//! The lifecycle's reads in the JSON API (issue 18, item 9), over HTTP on both backends: public data without a token
//! and readable from other sites (CORS), token reads for the roles of the permission table only, personal data only
//! for organisers, and every list paged.

use reqwest::header::HeaderMap;
use serde_json::Value;

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
    public_lifecycle_data_needs_no_token_and_other_sites_may_read_it,
    staff_read_the_lifecycle_with_a_token_as_the_permission_table_says,
    organisers_page_through_respondents_and_observers_get_counts_only,
);

const OTHER_SITE: &str = "https://city.example";

/// GETs `path` with an `Origin` of another site and `token` as bearer, if any: (status, JSON body, headers).
async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value, HeaderMap) {
    let mut request = reqwest::Client::new()
        .get(app.url(path))
        .header("origin", OTHER_SITE);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body, headers)
}

fn allowed_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("access-control-allow-origin")
        .map(|value| value.to_str().unwrap())
}

pub async fn public_lifecycle_data_needs_no_token_and_other_sites_may_read_it(app: TestApp) {
    let id = app.climate_id().await;
    let base = format!("/api/v1/assemblies/{id}");

    // The recommendations, each with what became of it, page by page, without a token.
    let (status, all, headers) =
        get(&app, &format!("{base}/recommendations?limit=500"), None).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(allowed_origin(&headers), Some("*"));
    assert!(headers.get("access-control-allow-credentials").is_none());
    let total = all["total"].as_i64().unwrap();
    assert!(
        total >= 3,
        "the demo convention has recommendations: {total}"
    );
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len() as i64, total.min(500));
    let responded = items
        .iter()
        .find(|item| !item["response"].is_null())
        .unwrap();
    assert!(responded["response"]["kind"].is_string());
    assert!(
        responded["response"].get("recorded_by").is_none(),
        "who recorded it is not public"
    );
    let (_, first, _) = get(&app, &format!("{base}/recommendations?limit=2"), None).await;
    let (_, second, _) = get(
        &app,
        &format!("{base}/recommendations?limit=2&offset=2"),
        None,
    )
    .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["id"], items[0]["id"]);
    assert_eq!(second["items"][0]["id"], items[2]["id"]);
    assert_eq!(second["total"], total);
    let (status, beyond, _) = get(
        &app,
        &format!("{base}/recommendations?offset={total}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(beyond["items"].as_array().unwrap().is_empty());
    // Paging limits: at most 500 a page; a limit or offset out of range names its field; not a number is a 400.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
    ] {
        let (status, error, _) = get(&app, &format!("{base}/recommendations?{query}"), None).await;
        assert_eq!(
            (status, &error["field"]),
            (422, &Value::from(field)),
            "{query}: {error}"
        );
    }
    let (status, error, _) = get(&app, &format!("{base}/recommendations?limit=many"), None).await;
    assert_eq!(status, 400);
    assert!(
        error["error"].as_str().unwrap().contains("limit"),
        "{error}"
    );

    // One recommendation; another assembly's or none is 404.
    let recommendation_id = items[0]["id"].as_i64().unwrap();
    let (status, one, _) = get(
        &app,
        &format!("{base}/recommendations/{recommendation_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(one, items[0]);
    let (status, _, _) = get(&app, &format!("{base}/recommendations/{}", i64::MAX), None).await;
    assert_eq!(status, 404);
    let (status, _, _) = get(&app, "/api/v1/assemblies/999999/recommendations", None).await;
    assert_eq!(status, 404);

    // The scorecard counts the same recommendations.
    let (status, scorecard, headers) = get(&app, &format!("{base}/scorecard"), None).await;
    assert_eq!(status, 200);
    assert_eq!(allowed_origin(&headers), Some("*"));
    assert_eq!(scorecard["total"], total);
    assert_eq!(scorecard["assembly_id"], id);

    // The published selection and the evidence library.
    let (status, selection, headers) = get(&app, &format!("{base}/selection"), None).await;
    assert_eq!(status, 200, "{selection}");
    assert_eq!(allowed_origin(&headers), Some("*"));
    assert!(selection["runs"].is_array());
    let (status, evidence, _) = get(&app, &format!("{base}/evidence?limit=1"), None).await;
    assert_eq!(status, 200, "{evidence}");
    assert!(evidence["documents"]["total"].as_i64().unwrap() >= 1);
    assert_eq!(evidence["documents"]["items"].as_array().unwrap().len(), 1);
    assert!(evidence["speakers"]["total"].as_i64().unwrap() >= 1);
    let (status, _, headers) = get(&app, "/api/v1/assemblies", None).await;
    assert_eq!(status, 200);
    assert_eq!(allowed_origin(&headers), Some("*"));

    // Withdrawn, the report's recommendations and scorecard leave the API too, even for a staff token (these
    // operations answer as the public); published again, they are back.
    let organiser_page = app.demo_client("organiser").await;
    let report = format!("/staff/assemblies/{id}/report");
    let response = app
        .post_form(&organiser_page, &format!("{report}/withdraw"), &[])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let organiser = app.token_for("organiser").await;
    for path in ["recommendations", "scorecard"] {
        for token in [None, Some(organiser.as_str())] {
            let (status, _, _) = get(&app, &format!("{base}/{path}"), token).await;
            assert_eq!(status, 404, "{path} while withdrawn");
        }
    }
    let (status, _, _) = get(
        &app,
        &format!("{base}/recommendations/{recommendation_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let response = app
        .post_form(
            &organiser_page,
            &format!("{report}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (status, again, _) = get(&app, &format!("{base}/recommendations?limit=500"), None).await;
    assert_eq!((status, &again["total"]), (200, &Value::from(total)));

    // Token reads and writes are not open to other sites; a preflight asking to send a token is not answered.
    let (status, _, headers) = get(&app, &format!("{base}/sessions"), Some(&organiser)).await;
    assert_eq!(status, 200);
    assert_eq!(allowed_origin(&headers), None);
    let (status, _, headers) = get(&app, &format!("{base}/sessions"), None).await;
    assert_eq!(status, 401);
    assert_eq!(allowed_origin(&headers), None);
    let response = reqwest::Client::new()
        .post(app.url(&format!("{base}/comments")))
        .header("origin", OTHER_SITE)
        .json(&serde_json::json!({ "body": "Publish the quotas" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(allowed_origin(response.headers()), None);
    let response = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            app.url(&format!("{base}/recommendations")),
        )
        .header("origin", OTHER_SITE)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    let allowed_headers = response
        .headers()
        .get("access-control-allow-headers")
        .map(|value| value.to_str().unwrap().to_ascii_lowercase())
        .unwrap_or_default();
    assert!(
        !allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    assert!(
        response
            .headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
}

pub async fn staff_read_the_lifecycle_with_a_token_as_the_permission_table_says(app: TestApp) {
    let id = app.climate_id().await;
    let base = format!("/api/v1/assemblies/{id}");
    let mut tokens = std::collections::BTreeMap::new();
    for role in [
        "member",
        "authority",
        "observer",
        "facilitator",
        "organiser",
    ] {
        tokens.insert(role, app.token_for(role).await);
    }
    // (path, roles that may read it, roles that may not); without a token every one is 401.
    let table: [(&str, &[&str], &[&str]); 8] = [
        (
            "recruitment",
            &["observer", "organiser"],
            &["member", "authority", "facilitator"],
        ),
        (
            "respondents",
            &["observer", "organiser"],
            &["member", "authority", "facilitator"],
        ),
        (
            "quotas",
            &["observer", "organiser"],
            &["member", "authority", "facilitator"],
        ),
        (
            "selection/runs",
            &["observer", "organiser"],
            &["member", "authority", "facilitator"],
        ),
        (
            "sessions",
            &["observer", "facilitator", "organiser"],
            &["member", "authority"],
        ),
        (
            "tables",
            &["observer", "organiser"],
            &["member", "authority", "facilitator"],
        ),
        (
            "proposals",
            &["member", "observer", "facilitator", "organiser"],
            &["authority"],
        ),
        (
            "ballots",
            &["member", "observer", "facilitator", "organiser"],
            &["authority"],
        ),
    ];
    for (path, allowed, refused) in table {
        let path = format!("{base}/{path}");
        for role in allowed {
            let (status, body, _) = get(&app, &path, Some(tokens[role].as_str())).await;
            assert_eq!(status, 200, "{role} {path}: {body}");
        }
        for role in refused {
            let (status, body, _) = get(&app, &path, Some(tokens[role].as_str())).await;
            assert_eq!(status, 403, "{role} {path}: {body}");
            assert!(body["error"].is_string());
        }
        let (status, _, _) = get(&app, &path, None).await;
        assert_eq!(status, 401, "anonymous {path}");
    }
    let organiser = Some(tokens["organiser"].as_str());

    // The demo's recruitment: its draw of six letters, with the seed and digest that make it checkable.
    let (_, recruitment, _) = get(&app, &format!("{base}/recruitment"), organiser).await;
    assert_eq!(recruitment["letters"], 6, "{recruitment}");
    assert_eq!(recruitment["draws"]["total"], 1);
    assert!(
        !recruitment["draws"]["items"][0]["seed"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert!(recruitment["respondents"]["registered"].is_i64());

    // Sessions with their agenda, and the tables of the current allocation.
    let (_, sessions, _) = get(&app, &format!("{base}/sessions?limit=1"), organiser).await;
    let session_total = sessions["sessions"]["total"].as_i64().unwrap();
    assert!(session_total >= 2, "{sessions}");
    assert_eq!(sessions["sessions"]["items"].as_array().unwrap().len(), 1);
    assert!(sessions["members"].as_i64().unwrap() >= 1);
    let (_, tables, _) = get(&app, &format!("{base}/tables"), organiser).await;
    let seated = &tables["current"]["sessions"]["items"][0]["tables"][0]["members"];
    assert!(!seated.as_array().unwrap().is_empty(), "{tables}");
    assert!(seated[0]["name"].is_string() && seated[0]["account_id"].is_i64());

    // Proposals and ballots: a result only on a closed ballot.
    let member = Some(tokens["member"].as_str());
    let (_, proposals, _) = get(&app, &format!("{base}/proposals?limit=1"), member).await;
    assert!(proposals["total"].as_i64().unwrap() >= 2, "{proposals}");
    assert_eq!(proposals["items"].as_array().unwrap().len(), 1);
    let (_, ballots, _) = get(&app, &format!("{base}/ballots"), member).await;
    let ballots = ballots["items"].as_array().unwrap().clone();
    assert!(ballots.iter().any(|ballot| ballot["status"] == "closed"));
    for ballot in &ballots {
        assert_eq!(
            ballot["status"] == "closed",
            !ballot["result"].is_null(),
            "{ballot}"
        );
    }
    let (status, _, _) = get(&app, &format!("{base}/ballots?limit=0"), member).await;
    assert_eq!(status, 422);

    // Quotas and runs of the selection.
    let (_, quotas, _) = get(&app, &format!("{base}/quotas"), organiser).await;
    assert_eq!(quotas["quotas"]["total"], 0, "{quotas}");
    assert!(quotas["panel_size"].is_null());
    let organiser_page = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser_page,
            &format!("/staff/assemblies/{id}/quotas"),
            &[
                ("panel_size", "6"),
                ("seed_source", "The lottery of 1 March"),
                ("quotas", "gender,woman,50,3,3\ngender,man,50,3,3\n"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, quotas, _) = get(&app, &format!("{base}/quotas?limit=1&offset=1"), organiser).await;
    assert_eq!(quotas["panel_size"], 6, "{quotas}");
    assert_eq!(quotas["seed_source"], "The lottery of 1 March");
    assert_eq!(quotas["quotas"]["total"], 2);
    assert_eq!(quotas["quotas"]["items"][0]["value"], "man");
    assert_eq!(quotas["quotas"]["items"].as_array().unwrap().len(), 1);
    let (_, runs, _) = get(&app, &format!("{base}/selection/runs"), organiser).await;
    assert!(runs["items"].is_array(), "{runs}");

    // Another assembly's role gives nothing here: the organiser's token on an assembly where it has no role.
    let (status, _, _) = get(&app, "/api/v1/assemblies/999999/sessions", organiser).await;
    assert_eq!(status, 403);
}

pub async fn organisers_page_through_respondents_and_observers_get_counts_only(app: TestApp) {
    let id = app.climate_id().await;
    let organiser_page = app.demo_client("organiser").await;
    let names = ["Ada Quillfeather", "Bram Oakenshield", "Cleo Marchbanks"];
    for (index, name) in names.iter().enumerate() {
        let email = format!("caller{index}@example.org");
        let response = app
            .post_form(
                &organiser_page,
                &format!("/staff/assemblies/{id}/respondents/phone"),
                &[
                    ("full_name", name),
                    ("email", &email),
                    ("phone", "+44 7700 900123"),
                    ("gender", "man"),
                    ("age_band", "60-74"),
                    ("lang", "en"),
                    ("consent", "1"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "{}", location(&response));
    }
    let path = format!("/api/v1/assemblies/{id}/respondents");
    let organiser = app.token_for("organiser").await;
    let views_before = store::test_support::count_raw(
        &app.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'respondents.view'",
    )
    .await
    .unwrap();
    let (status, first, headers) = get(&app, &format!("{path}?limit=2"), Some(&organiser)).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(allowed_origin(&headers), None);
    assert_eq!(first["personal"], true);
    let total = first["respondents"]["total"].as_i64().unwrap();
    assert!(total >= 3);
    assert_eq!(first["respondents"]["items"].as_array().unwrap().len(), 2);
    let (_, rest, _) = get(&app, &format!("{path}?limit=2&offset=2"), Some(&organiser)).await;
    let mut seen: Vec<String> = first["respondents"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["respondents"]["items"].as_array().unwrap())
        .map(|respondent| respondent["full_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen.len() as i64, total.min(4));
    seen.sort();
    for name in names {
        assert!(seen.iter().any(|shown| shown == name), "{name} in {seen:?}");
    }
    let counted: i64 = first["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|count| count.as_i64().unwrap())
        .sum();
    assert_eq!(counted, total);
    // Each read of personal data is in the audit log, as on the page.
    let views_after = store::test_support::count_raw(
        &app.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'respondents.view'",
    )
    .await
    .unwrap();
    assert_eq!(views_after, views_before + 2);
    // A status filter, and a status that does not exist.
    let (_, confirmed, _) = get(&app, &format!("{path}?status=confirmed"), Some(&organiser)).await;
    assert_eq!(confirmed["respondents"]["total"], 0, "{confirmed}");
    let (status, error, _) = get(&app, &format!("{path}?status=famous"), Some(&organiser)).await;
    assert_eq!((status, &error["field"]), (422, &Value::from("status")));

    // Observers see the counts and nobody's name.
    let observer = app.token_for("observer").await;
    let (status, counts, _) = get(&app, &path, Some(&observer)).await;
    assert_eq!(status, 200);
    assert_eq!(counts["personal"], false);
    assert!(counts["respondents"].is_null());
    assert_eq!(counts["counts"], first["counts"]);
    let text = counts.to_string();
    for name in names {
        assert!(!text.contains(name), "{name} shown to an observer");
    }
}
