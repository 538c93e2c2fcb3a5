//! The bulk actions of issue 18 for scripts (item 9), over HTTP on both backends with bearer tokens: print runs of
//! the PDF letters, phases and publishing, moderation of members' questions, the registration questions and the
//! delivery of sign-in codes. Each operation: what it does for the roles the permission table allows, a 403 for a
//! role it does not, and a 4xx naming the problem for bad input, with nothing written.

use serde_json::{Value, json};

use crate::helpers::TestApp;

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
    scripts_print_the_letters_and_download_each_file_with_its_checksum,
    scripts_move_the_phase_one_step_and_publish_and_withdraw_the_report,
    scripts_moderate_members_questions_to_speakers_all_or_none,
    scripts_read_and_replace_the_registration_questions_with_the_pages_checks,
    scripts_read_code_deliveries_and_resend_them_as_organisers_only,
);

/// One API call with `token` as bearer: (status, JSON body, or the text as a JSON string).
async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let url = app.url(path);
    let mut request = match method {
        "GET" => client.get(&url),
        "POST" => client.post(&url),
        "PUT" => client.put(&url),
        other => panic!("no {other}"),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    store::test_support::count_raw(&app.store, sql)
        .await
        .unwrap()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"),
    )
    .await
}

pub async fn scripts_print_the_letters_and_download_each_file_with_its_checksum(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let runs = format!("/api/v1/assemblies/{assembly_id}/print-runs");
    let organiser = app.token_for("organiser").await;
    let facilitator = app.token_for("facilitator").await;

    // Facilitators may neither start nor read runs.
    let (status, _) = call(
        &app,
        "POST",
        &runs,
        Some(&facilitator),
        Some(json!({ "paper": "a4" })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, "GET", &runs, Some(&facilitator), None).await;
    assert_eq!(status, 403);

    // Bad input names its field and starts nothing.
    for (body, field) in [
        (json!({ "paper": "a5" }), "paper"),
        (json!({ "paper": "a4", "per_file": 0 }), "per_file"),
        (json!({ "paper": "a4", "per_file": 2001 }), "per_file"),
    ] {
        let (status, error) = call(&app, "POST", &runs, Some(&organiser), Some(body)).await;
        assert_eq!((status, &error["field"]), (422, &json!(field)), "{error}");
    }
    let (status, error) = call(
        &app,
        "POST",
        &runs,
        Some(&organiser),
        Some(json!({ "paper": "a4", "colour": "red" })),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        error["error"].as_str().unwrap().contains("colour"),
        "{error}"
    );
    assert_eq!(app.count("letter_prints").await, 0);

    // The demo's six invitations in files of four: the run starts at once and is made off the request path.
    let (status, started) = call(
        &app,
        "POST",
        &runs,
        Some(&organiser),
        Some(json!({ "paper": "us-letter", "per_file": 4 })),
    )
    .await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(
        (&started["paper"], &started["letters_total"]),
        (&json!("us-letter"), &json!(6))
    );
    let print_id = started["id"].as_i64().unwrap();
    let run = format!("{runs}/{print_id}");
    let mut done = Value::Null;
    for _ in 0..400 {
        let (status, body) = call(&app, "GET", &run, Some(&organiser), None).await;
        assert_eq!(status, 200, "{body}");
        if body["state"] != "running" {
            done = body;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["letters_done"], 6);
    let files = done["files"].as_array().unwrap();
    assert_eq!(
        files
            .iter()
            .map(|file| (
                file["number"].as_i64().unwrap(),
                file["letters"].as_i64().unwrap()
            ))
            .collect::<Vec<_>>(),
        vec![(1, 4), (2, 2)]
    );
    for file in files {
        let path = file["path"].as_str().unwrap();
        assert_eq!(path, format!("{run}/files/{}", file["number"]));
        let response = reqwest::Client::new()
            .get(app.url(path))
            .bearer_auth(&organiser)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(bytes.len() as i64, file["size"].as_i64().unwrap());
        use sha2::Digest;
        assert_eq!(
            json!(hex::encode(sha2::Sha256::digest(&bytes))),
            file["sha256"],
            "the listed checksum is the file's"
        );
        let response = reqwest::Client::new()
            .get(app.url(path))
            .bearer_auth(&facilitator)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403);
    }
    assert_eq!(audited(&app, "invitations.print_file").await, 2);
    // No such file, run or number: 404.
    for path in [
        format!("{run}/files/3"),
        format!("{run}/files/first"),
        format!("{runs}/{}", print_id + 100),
    ] {
        let (status, _) = call(&app, "GET", &path, Some(&organiser), None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, listed) = call(&app, "GET", &runs, Some(&organiser), None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["runs"][0]["id"], print_id);

    // While a run is under way (here held by another server), a second one is refused and nothing is written.
    let mut connection = app.store.connection().await.unwrap();
    let held = store::letter_prints::create(
        &mut connection,
        store::letter_prints::NewPrint {
            assembly_id,
            paper: "a4",
            per_file: 5,
            lang: "en",
            base_url: "https://assembly.example.org/assemblies/1",
            letters_total: 6,
            created_by: None,
        },
        web::now(),
    )
    .await
    .unwrap();
    assert!(
        store::letter_prints::claim(&mut connection, held, web::now())
            .await
            .unwrap()
    );
    drop(connection);
    let (status, error) = call(
        &app,
        "POST",
        &runs,
        Some(&organiser),
        Some(json!({ "paper": "a4" })),
    )
    .await;
    assert_eq!(status, 409, "{error}");
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("already under way"),
        "{error}"
    );
    assert_eq!(app.count("letter_prints").await, 2);
    let (_, progress) = call(
        &app,
        "GET",
        &format!("{runs}/{held}"),
        Some(&organiser),
        None,
    )
    .await;
    assert_eq!(
        (&progress["state"], &progress["letters_done"]),
        (&json!("running"), &json!(0))
    );
}

pub async fn scripts_move_the_phase_one_step_and_publish_and_withdraw_the_report(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let phase = format!("/api/v1/assemblies/{assembly_id}/phase");
    let organiser = app.token_for("organiser").await;
    let member = app.token_for("member").await;

    // Anyone reads the phase; it names the steps it may take.
    let (status, read) = call(&app, "GET", &phase, None, None).await;
    assert_eq!(status, 200);
    let from = read["phase"].as_str().unwrap().to_owned();
    let current = domain::phase::Phase::parse("phase", &from).unwrap();
    let next = current.next().or(current.previous()).unwrap();
    assert_eq!(read["next"], json!(current.next().map(|p| p.as_str())));
    assert_eq!(
        read["previous"],
        json!(current.previous().map(|p| p.as_str()))
    );

    // Members may not move it; bad phases and jumps name their field; nothing moves.
    let step = json!({ "from": from, "to": next.as_str() });
    let (status, _) = call(&app, "POST", &phase, Some(&member), Some(step.clone())).await;
    assert_eq!(status, 403);
    let far = domain::phase::Phase::ALL
        .into_iter()
        .find(|phase| {
            *phase != current
                && Some(*phase) != current.next()
                && Some(*phase) != current.previous()
        })
        .unwrap();
    for (body, field) in [
        (json!({ "from": "someday", "to": next.as_str() }), "from"),
        (json!({ "from": from, "to": "" }), "to"),
        (json!({ "from": from, "to": far.as_str() }), "to"),
    ] {
        let (status, error) = call(&app, "POST", &phase, Some(&organiser), Some(body)).await;
        assert_eq!((status, &error["field"]), (422, &json!(field)), "{error}");
    }
    let (status, _) = call(
        &app,
        "POST",
        &phase,
        Some(&organiser),
        Some(json!({ "from": from })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(audited(&app, "assembly.phase").await, 0);

    // One step, audited; the same step again is stale and refused.
    let (status, moved) = call(&app, "POST", &phase, Some(&organiser), Some(step.clone())).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["phase"], next.as_str());
    let (_, read) = call(&app, "GET", &phase, None, None).await;
    assert_eq!(read["phase"], next.as_str());
    let (status, error) = call(&app, "POST", &phase, Some(&organiser), Some(step)).await;
    assert_eq!(status, 409);
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("no longer in the phase"),
        "{error}"
    );
    assert_eq!(audited(&app, "assembly.phase").await, 1);
    let (status, _) = call(
        &app,
        "POST",
        "/api/v1/assemblies/999999/phase",
        Some(&app.token_for("admin").await),
        Some(json!({ "from": "design", "to": "recruitment" })),
    )
    .await;
    assert_eq!(status, 404);

    // The report: members read its status (the preview); the public may not.
    let report = format!("/api/v1/assemblies/{assembly_id}/report");
    let (status, _) = call(&app, "GET", &report, None, None).await;
    assert!(status == 401 || status == 403, "{status}");
    let (status, preview) = call(&app, "GET", &report, Some(&member), None).await;
    assert_eq!(status, 200);
    assert_eq!(preview["published"], true, "the demo's report is published");
    assert_eq!(preview["recommendations"], 149);
    assert!(
        preview["references"]
            .as_array()
            .unwrap()
            .contains(&json!("SL1.1"))
    );

    // Members may not withdraw it; organisers do, once: the public no longer reads the recommendations.
    let withdraw = format!("{report}/withdraw");
    let publish = format!("{report}/publish");
    let (status, _) = call(&app, "POST", &withdraw, Some(&member), None).await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, "POST", &publish, Some(&member), None).await;
    assert_eq!(status, 403);
    let (status, body) = call(&app, "POST", &withdraw, Some(&organiser), None).await;
    assert_eq!((status, &body["published"]), (200, &json!(false)));
    let (status, error) = call(&app, "POST", &withdraw, Some(&organiser), None).await;
    assert_eq!(status, 409);
    assert!(
        error["error"].as_str().unwrap().contains("not published"),
        "{error}"
    );
    assert_eq!(audited(&app, "report.withdraw").await, 1);
    let (_, status_now) = call(&app, "GET", &report, Some(&member), None).await;
    assert_eq!(
        (&status_now["published"], &status_now["published_at"]),
        (&json!(false), &Value::Null)
    );
    assert_eq!(
        status_now["recommendations"], 149,
        "the preview still has them"
    );
    let (status, _) = call(
        &app,
        "GET",
        &format!("/api/v1/assemblies/{assembly_id}/recommendations"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 404, "not public until published again");

    // Published again, once.
    let (status, body) = call(&app, "POST", &publish, Some(&organiser), None).await;
    assert_eq!((status, &body["published"]), (200, &json!(true)));
    let (status, error) = call(&app, "POST", &publish, Some(&organiser), None).await;
    assert_eq!(status, 409);
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("already published"),
        "{error}"
    );
    let (_, public) = call(
        &app,
        "GET",
        &format!("/api/v1/assemblies/{assembly_id}/recommendations"),
        None,
        None,
    )
    .await;
    assert_eq!(public["total"], 149, "{public}");
    let (_, status_now) = call(&app, "GET", &report, Some(&member), None).await;
    assert_eq!(status_now["published"], true);
    assert!(status_now["published_at"].is_i64());
}

pub async fn scripts_moderate_members_questions_to_speakers_all_or_none(app: TestApp) {
    let assembly = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/speakers"),
            &[
                ("speaker_name", "Paul Rail, rail operator"),
                ("speaker_topic", "Transport"),
                ("perspective", "Industry"),
                ("interests", "Employed by the operator"),
                ("speaker_session", ""),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let speaker = count(
        &app,
        "SELECT id FROM speakers WHERE name = 'Paul Rail, rail operator'",
    )
    .await;
    let member = app.demo_client("member").await;
    let bodies = [
        "Will night trains come back?",
        "Is this a rude question about your salary?",
        "How much does a new line cost?",
    ];
    for body in bodies {
        let response = app
            .post_form(
                &member,
                &format!("/assemblies/{assembly}/questions"),
                &[("speaker_id", &speaker.to_string()), ("question", body)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let id = |body: &str| format!("SELECT id FROM speaker_questions WHERE body = '{body}'");
    let night = count(&app, &id(bodies[0])).await;
    let rude = count(&app, &id(bodies[1])).await;
    let cost = count(&app, &id(bodies[2])).await;

    // Observers read the queue, with the authors; members may not.
    let pending = format!("/api/v1/assemblies/{assembly}/speaker-questions");
    let observer = app.token_for("observer").await;
    let facilitator = app.token_for("facilitator").await;
    let member_token = app.token_for("member").await;
    let (status, _) = call(&app, "GET", &pending, Some(&member_token), None).await;
    assert_eq!(status, 403);
    let (status, queue) = call(&app, "GET", &pending, Some(&observer), None).await;
    assert_eq!(status, 200);
    assert_eq!(queue["total"], 3);
    assert_eq!(queue["items"][0]["id"], night, "oldest first");
    assert_eq!(queue["items"][0]["speaker"], "Paul Rail, rail operator");
    assert_eq!(queue["items"][0]["author"], "Maya Member");
    let (_, page) = call(
        &app,
        "GET",
        &format!("{pending}?limit=1&offset=1"),
        Some(&observer),
        None,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], rude);
    let (status, error) = call(
        &app,
        "GET",
        &format!("{pending}?limit=0"),
        Some(&observer),
        None,
    )
    .await;
    assert_eq!((status, &error["field"]), (422, &json!("limit")));

    // Observers may not decide; bad input names its field; nothing changes.
    let moderation = format!("{pending}/moderation");
    let (status, _) = call(
        &app,
        "POST",
        &moderation,
        Some(&observer),
        Some(json!({ "question_ids": [night], "decision": "accepted" })),
    )
    .await;
    assert_eq!(status, 403);
    for (body, field) in [
        (
            json!({ "question_ids": [night], "decision": "pending" }),
            "decision",
        ),
        (
            json!({ "question_ids": [], "decision": "accepted" }),
            "question_ids",
        ),
        (
            json!({ "question_ids": [night, 999_999], "decision": "accepted" }),
            "question_ids",
        ),
    ] {
        let (status, error) = call(&app, "POST", &moderation, Some(&facilitator), Some(body)).await;
        assert_eq!((status, &error["field"]), (422, &json!(field)), "{error}");
    }
    let (_, error) = call(
        &app,
        "POST",
        &moderation,
        Some(&facilitator),
        Some(json!({ "question_ids": [night, 999_999], "decision": "accepted" })),
    )
    .await;
    assert_eq!(error["id"], 999_999, "{error}");
    let (status, _) = call(
        &app,
        "POST",
        &moderation,
        Some(&facilitator),
        Some(json!({ "question_ids": "all", "decision": "accepted" })),
    )
    .await;
    assert_eq!(status, 422);
    let still_pending = "SELECT COUNT(*) FROM speaker_questions WHERE status = 'pending'";
    assert_eq!(count(&app, still_pending).await, 3);

    // Two accepted at once, one audit entry each; a decided one in the next call refuses it all.
    let (status, body) = call(
        &app,
        "POST",
        &moderation,
        Some(&facilitator),
        Some(json!({ "question_ids": [night, cost], "decision": "accepted" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["moderated"], &body["decision"]),
        (&json!(2), &json!("accepted"))
    );
    assert_eq!(audited(&app, "speaker_question.moderate").await, 2);
    let (status, error) = call(
        &app,
        "POST",
        &moderation,
        Some(&facilitator),
        Some(json!({ "question_ids": [rude, cost], "decision": "rejected" })),
    )
    .await;
    assert_eq!((status, &error["id"]), (409, &json!(cost)), "{error}");
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("already accepted"),
        "{error}"
    );
    assert_eq!(count(&app, still_pending).await, 1);
    let (_, queue) = call(&app, "GET", &pending, Some(&observer), None).await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], rude);
    let (status, _) = call(
        &app,
        "POST",
        &moderation,
        Some(&app.token_for("organiser").await),
        Some(json!({ "question_ids": [rude], "decision": "rejected" })),
    )
    .await;
    assert_eq!(status, 200);

    // The public sees the accepted questions only.
    let (_, html) = app
        .get(
            &crate::helpers::client(),
            &format!("/assemblies/{assembly}/evidence"),
        )
        .await;
    assert!(html.contains(bodies[0]) && html.contains(bodies[2]));
    assert!(!html.contains(bodies[1]));
}

pub async fn scripts_read_and_replace_the_registration_questions_with_the_pages_checks(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let questions = format!("/api/v1/assemblies/{assembly_id}/registration-questions");
    let organiser = app.token_for("organiser").await;
    let observer = app.token_for("observer").await;
    let (status, _) = call(&app, "GET", &questions, Some(&observer), None).await;
    assert_eq!(status, 403);
    let (status, read) = call(&app, "GET", &questions, Some(&organiser), None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["features"], json!([]));
    assert_eq!(read["locked"], Value::Null);
    let areas = read["address_list_areas"].as_array().unwrap().clone();
    assert!(areas.contains(&json!("Sud")), "{read}");

    let good = json!({ "features": [
        { "name": "tenure", "values": ["owner", "renter"] },
        { "name": "region", "values": ["Centre", "Nord", "Sud", "Ouest"] }
    ], "area_feature": "region" });
    let (status, _) = call(&app, "PUT", &questions, Some(&observer), Some(good.clone())).await;
    assert_eq!(status, 403);

    // Every problem is listed by feature and value, with the page's checks; nothing is stored.
    let (status, error) = call(
        &app,
        "PUT",
        &questions,
        Some(&organiser),
        Some(json!({ "features": [
            { "name": "tenure", "values": ["owner", "owner", ""] },
            { "name": "transport", "values": ["car"] }
        ] })),
    )
    .await;
    assert_eq!(
        (status, &error["field"]),
        (422, &json!("features")),
        "{error}"
    );
    let errors: Vec<&str> = error["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        errors.contains(&"features[0].values[1] repeats features[0].values[0]"),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"features[0].values[2] is empty"),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("`transport` has one value")),
        "{errors:?}"
    );
    for (body, field) in [
        (
            json!({ "features": [{ "name": "tenure", "values": ["owner", "renter"] }], "area_feature": "district" }),
            "area_feature",
        ),
        (
            json!({ "features": [{ "name": "region", "values": ["Centre", "Nord"] }], "area_feature": "region" }),
            "area_feature",
        ),
        (
            json!({ "features": [{ "name": "", "values": ["a", "b"] }] }),
            "features",
        ),
        (
            json!({ "features": [{ "name": "tenure", "values": [] }] }),
            "features",
        ),
        (json!({ "features": [] }), "features"),
    ] {
        let (status, error) = call(
            &app,
            "PUT",
            &questions,
            Some(&organiser),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, &error["field"]),
            (422, &json!(field)),
            "{body}: {error}"
        );
        assert!(!error["error"].as_str().unwrap().is_empty());
    }
    let (_, error) = call(
        &app,
        "PUT",
        &questions,
        Some(&organiser),
        Some(json!({ "features": [{ "name": "region", "values": ["Centre", "Nord"] }], "area_feature": "region" })),
    )
    .await;
    assert!(error["error"].as_str().unwrap().contains("Sud"), "{error}");
    assert_eq!(app.count("registration_questions").await, 0);

    // Saved, audited, and read back with the area's check.
    let (status, saved) = call(&app, "PUT", &questions, Some(&organiser), Some(good)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["area_feature"], "region");
    assert_eq!(app.count("registration_questions").await, 6);
    assert_eq!(audited(&app, "questions.save").await, 1);
    let (_, read) = call(&app, "GET", &questions, Some(&organiser), None).await;
    assert_eq!(
        read["features"][1]["values"],
        json!(["Centre", "Nord", "Sud", "Ouest"])
    );
    assert_eq!(read["area_feature"], "region");
    assert_eq!(read["area_check"]["unknown"], json!([]));
    assert!(
        read["area_check"]["unused"]
            .as_array()
            .unwrap()
            .contains(&json!("Ouest")),
        "{read}"
    );

    // Once quotas refer to them, they are locked: a 409, nothing changes.
    let browser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &browser,
            &format!("/staff/assemblies/{assembly_id}/quotas"),
            &[
                ("panel_size", "2"),
                ("seed_source", "a public lottery"),
                ("quotas", "tenure,owner,50,0,2\ntenure,renter,50,0,2\n"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, read) = call(&app, "GET", &questions, Some(&organiser), None).await;
    assert_eq!(read["locked"], "quotas");
    let (status, error) = call(
        &app,
        "PUT",
        &questions,
        Some(&organiser),
        Some(json!({ "features": [{ "name": "tenure", "values": ["owner", "renter"] }] })),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        error["error"].as_str().unwrap().contains("locked"),
        "{error}"
    );
    assert_eq!(app.count("registration_questions").await, 6);
    assert_eq!(audited(&app, "questions.save").await, 1);
}

pub async fn scripts_read_code_deliveries_and_resend_them_as_organisers_only(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let deliveries = format!("/api/v1/assemblies/{assembly_id}/code-deliveries");
    let organiser = app.token_for("organiser").await;
    let facilitator = app.token_for("facilitator").await;
    let before = app.count("code_deliveries").await;
    let (status, _) = call(&app, "GET", &deliveries, Some(&facilitator), None).await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        "POST",
        &format!("{deliveries}/resend"),
        Some(&facilitator),
        Some(json!({ "delivery_ids": [1] })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, listed) = call(&app, "GET", &deliveries, Some(&organiser), None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["page_size"], 100);
    assert!(listed["total"].is_i64(), "{listed}");
    for query in ["status=lost", "page=-1"] {
        let (status, error) = call(
            &app,
            "GET",
            &format!("{deliveries}?{query}"),
            Some(&organiser),
            None,
        )
        .await;
        assert_eq!(status, 422, "{query}: {error}");
        assert!(error["field"].is_string(), "{error}");
    }
    for (body, field) in [
        (json!({ "delivery_ids": [] }), "delivery_ids"),
        (
            json!({ "delivery_ids": [1], "channel": "pigeon" }),
            "channel",
        ),
    ] {
        let (status, error) = call(
            &app,
            "POST",
            &format!("{deliveries}/resend"),
            Some(&organiser),
            Some(body),
        )
        .await;
        assert_eq!((status, &error["field"]), (422, &json!(field)), "{error}");
    }
    assert_eq!(
        app.count("code_deliveries").await,
        before,
        "nothing was queued"
    );
}
