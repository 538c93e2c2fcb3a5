//! The panel after the final selection (issue 4, item 6): confirmations and drop-outs recorded with a reason, a
//! replacement run drawn by the engine that keeps the panel within its quotas, the drop-outs ending `replaced`, the
//! history, the published files reproducing the replacement, the single-run rule, and the engine's smallest
//! relaxation when no one suitable is left.

use std::collections::BTreeSet;

use crate::helpers::{TestApp, client, location};

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

async fn status_of(app: &TestApp, assembly_id: i64, respondent_id: i64) -> String {
    let mut connection = app.store.connection().await.unwrap();
    store::recruitment::respondent(&mut connection, assembly_id, respondent_id)
        .await
        .unwrap()
        .status
        .as_str()
        .to_owned()
}

async fn panel(app: &TestApp, assembly_id: i64) -> Vec<store::selection::PanelPerson> {
    let mut connection = app.store.connection().await.unwrap();
    store::selection::panel(&mut connection, assembly_id)
        .await
        .unwrap()
}

fn gender(person: &store::selection::PanelPerson) -> String {
    let answers: serde_json::Value = serde_json::from_str(&person.features_json).unwrap();
    answers["gender"].as_str().unwrap().to_owned()
}

fn seated(people: &[store::selection::PanelPerson]) -> Vec<&store::selection::PanelPerson> {
    people
        .iter()
        .filter(|p| {
            p.status == domain::respondent::Status::Selected
                || p.status == domain::respondent::Status::Confirmed
        })
        .collect()
}

/// Checks a drawn run from its public files the way `klero verify --already-selected` does; returns the panel size.
async fn verify_published(
    app: &TestApp,
    assembly_id: i64,
    run_id: i64,
    seed: &str,
    commitment: &str,
) -> usize {
    let public = client();
    let files = format!("/assemblies/{assembly_id}/selection/{run_id}");
    let mut texts = Vec::new();
    for file in [
        "pool.csv",
        "features.csv",
        "already-selected.csv",
        "selected.csv",
        "seed.txt",
        "distribution.csv",
    ] {
        let (status, text) = app.get(&public, &format!("{files}/{file}")).await;
        assert_eq!(status, 200, "{file}: {text}");
        assert!(
            !text.contains("Person") && !text.contains("@example.org"),
            "no personal data in {file}: {text}"
        );
        texts.push(text);
    }
    let [pool, features, already, selected, seed_file, distribution] =
        <[String; 6]>::try_from(texts).unwrap();
    assert_eq!(seed_file.trim_end(), seed);
    let features = selection::model::parse_features("features.csv", &features, 6).unwrap();
    let table = selection::model::parse_people(
        "pool.csv",
        &pool,
        &features,
        "id",
        &["household_key".to_owned()],
    )
    .unwrap();
    let kept = selection::model::parse_already_selected(
        "already-selected.csv",
        &already,
        &table.people,
        "id",
    )
    .unwrap();
    let published: BTreeSet<usize> =
        selection::model::parse_already_selected("selected.csv", &selected, &table.people, "id")
            .unwrap()
            .into_iter()
            .collect();
    let instance =
        selection::model::Instance::new(features, table.people, 6, kept.clone()).unwrap();
    let settings = selection::Settings {
        algorithm: selection::Algorithm::Leximin,
        lottery_panels: None,
    };
    assert_eq!(
        selection::sample::commitment_v2(&instance, &settings, distribution.as_bytes()),
        commitment,
        "the published files, distribution included, are the committed ones"
    );
    let again: BTreeSet<usize> = selection::run(&instance, &settings, seed, &mut |_| {})
        .unwrap()
        .panel
        .into_iter()
        .collect();
    assert_eq!(
        again, published,
        "the published files and seed give the published panel"
    );
    assert!(
        kept.iter().all(|k| published.contains(k)),
        "the people kept stay on the panel"
    );
    published.len()
}

pub async fn drop_outs_are_replaced_by_an_engine_drawn_verifiable_run_that_keeps_the_quotas(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    // A pool of 4 women and 10 men; the panel is 3 and 3: one spare woman only.
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..14 {
        let gender = if i < 4 { "woman" } else { "man" };
        let features = serde_json::json!({ "gender": gender }).to_string();
        store::recruitment::add_respondent(
            &mut tx,
            &store::recruitment::NewRespondent {
                assembly_id,
                invitation_id: None,
                full_name: &format!("Panel Person{i}"),
                email: &format!("panel{i}@example.org"),
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
    let quotas = "gender,woman,50,3,3\ngender,man,50,3,3\n";
    let (status, _, _) = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/quotas"),
        &[
            ("panel_size", "6"),
            ("seed_source", "the lottery"),
            ("quotas", quotas),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let panel_path = format!("/staff/assemblies/{assembly_id}/panel");

    // Before the final draw there is no panel and no replacement.
    let (status, html) = app.get(&organiser, &panel_path).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"no-final\""), "{html}");
    let (status, _, html) =
        post(&app, &organiser, &format!("{panel_path}/replacements"), &[]).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("need a drawn final selection"), "{html}");

    // The final run.
    let selection_path = format!("/staff/assemblies/{assembly_id}/selection");
    let (status, final_path, _) = post(
        &app,
        &organiser,
        &format!("{selection_path}/commitments"),
        &[],
    )
    .await;
    assert_eq!(status, 303);
    // The distribution is computed before the commitment is published; then the seed only draws.
    assert!(
        wait_for_run(&app, &organiser, &final_path)
            .await
            .contains("id=\"run-status\">committed, waiting for the seed<")
    );
    let (status, _, _) = post(
        &app,
        &organiser,
        &format!("{final_path}/draw"),
        &[("seed", "final seed 1 2 3")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        wait_for_run(&app, &organiser, &final_path)
            .await
            .contains("id=\"run-status\">done<")
    );
    let drawn = panel(&app, assembly_id).await;
    assert_eq!(drawn.len(), 6);
    let (status, html) = app.get(&organiser, &panel_path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"open-seats\">0<") && html.contains("id=\"no-open-seat\""),
        "{html}"
    );
    assert!(html.contains(&drawn[0].full_name), "organisers see names");
    let (status, _, _) = post(&app, &organiser, &format!("{panel_path}/replacements"), &[]).await;
    assert_eq!(status, 409, "no open seat, no replacement");

    // A woman confirms, then withdraws; a man declines. Each change needs a reason and a recordable status.
    let woman = drawn
        .iter()
        .find(|p| gender(p) == "woman")
        .unwrap()
        .respondent_id;
    let man = drawn
        .iter()
        .find(|p| gender(p) == "man")
        .unwrap()
        .respondent_id;
    let record = |id: i64| format!("{panel_path}/{id}/status");
    let (status, _, html) = post(
        &app,
        &organiser,
        &record(woman),
        &[("status", "confirmed"), ("reason", "")],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Note: is required"), "{html}");
    let (status, _, _) = post(
        &app,
        &organiser,
        &record(woman),
        &[("status", "replaced"), ("reason", "by hand")],
    )
    .await;
    assert_eq!(status, 422, "replaced is the replacement run's to set");
    let outsider = {
        let mut connection = app.store.connection().await.unwrap();
        store::recruitment::respondents(
            &mut connection,
            assembly_id,
            "",
            Some(domain::respondent::Status::Registered),
        )
        .await
        .unwrap()[0]
            .id
    };
    let (status, _, _) = post(
        &app,
        &organiser,
        &record(outsider),
        &[("status", "confirmed"), ("reason", "called")],
    )
    .await;
    assert_eq!(status, 404, "only people on the panel");
    assert_eq!(
        status_of(&app, assembly_id, woman).await,
        "selected",
        "nothing changed"
    );
    // Confirming makes her a member; her sign-in code is on its way to her, never shown to the organiser.
    let (status, _, html) = post(
        &app,
        &organiser,
        &record(woman),
        &[("status", "confirmed"), ("reason", "confirmed by phone")],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(crate::helpers::code_in(&html), None, "{html}");
    assert_eq!(
        store::test_support::count_raw(
            &app.store,
            &format!("SELECT COUNT(*) FROM code_deliveries WHERE assembly_id = {assembly_id} AND status = 'pending'")
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(status_of(&app, assembly_id, woman).await, "confirmed");
    let (status, _, html) = post(
        &app,
        &organiser,
        &record(woman),
        &[("status", "declined"), ("reason", "too late")],
    )
    .await;
    assert_eq!(
        status, 409,
        "a confirmed person withdraws, she cannot decline: {html}"
    );
    let (status, _, _) = post(
        &app,
        &organiser,
        &record(woman),
        &[("status", "withdrawn"), ("reason", "moved away")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, _) = post(
        &app,
        &organiser,
        &record(man),
        &[("status", "declined"), ("reason", "no time")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = app.get(&organiser, &panel_path).await;
    assert!(
        html.contains("id=\"open-seats\">2<") && html.contains("id=\"on-panel\">4<"),
        "{html}"
    );
    assert!(
        html.contains("id=\"replacement-form\"")
            && html.contains("A panel that meets every quota exists"),
        "{html}"
    );

    // Members and observers cannot reach the panel.
    for role in ["member", "observer"] {
        let other = app.demo_client(role).await;
        assert_eq!(app.get(&other, &panel_path).await.0, 403, "{role}");
        assert_eq!(
            post(&app, &other, &format!("{panel_path}/replacements"), &[])
                .await
                .0,
            403,
            "{role}"
        );
        assert_eq!(
            post(
                &app,
                &other,
                &record(man),
                &[("status", "confirmed"), ("reason", "x")]
            )
            .await
            .0,
            403,
            "{role}"
        );
    }

    // The replacement run is committed first: its commitment and inputs are public before the seed.
    let (status, run_path, html) =
        post(&app, &organiser, &format!("{panel_path}/replacements"), &[]).await;
    assert_eq!(status, 303, "{html}");
    let run_id: i64 = run_path.rsplit('/').next().unwrap().parse().unwrap();
    assert!(
        wait_for_run(&app, &organiser, &run_path)
            .await
            .contains("id=\"run-status\">committed, waiting for the seed<")
    );
    let (status, _, html) =
        post(&app, &organiser, &format!("{panel_path}/replacements"), &[]).await;
    assert_eq!(status, 409, "one replacement run waits at a time: {html}");
    let stored = {
        let mut connection = app.store.connection().await.unwrap();
        store::selection::run(&mut connection, assembly_id, run_id)
            .await
            .unwrap()
    };
    assert_eq!(
        (
            stored.kind.as_str(),
            stored.status.as_str(),
            stored.parent_run_id.is_some(),
            stored.panel_size
        ),
        ("replacement", "committed", true, 6)
    );
    assert_eq!(
        stored.already_csv.lines().count(),
        5,
        "four people kept, plus the header: {}",
        stored.already_csv
    );
    assert_eq!(
        stored.pool_csv.lines().count(),
        13,
        "4 kept + 8 never drawn, plus the header"
    );
    let public = client();
    let (_, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert!(
        page.contains(&stored.commitment) && page.contains(&format!("id=\"replacement-{run_id}\"")),
        "{page}"
    );
    assert_eq!(
        app.get(
            &public,
            &format!("/assemblies/{assembly_id}/selection/{run_id}/selected.csv")
        )
        .await
        .0,
        404
    );

    // The single-run rule holds for replacement runs: while another run is running, the draw is refused.
    let mut tx = app.store.begin().await.unwrap();
    let blocker = store::selection::NewRun {
        kind: domain::selection::RunKind::Test,
        status: domain::selection::RunStatus::Running,
        seed: "s",
        commitment: "c",
        ..stored_new_run(&stored)
    };
    let blocker_id = store::selection::create_run(&mut tx, &blocker, &[], web::now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let seed = "replacement lottery 9 9 9";
    let (status, _, html) = post(
        &app,
        &organiser,
        &format!("{run_path}/draw"),
        &[("seed", seed)],
    )
    .await;
    assert_eq!(status, 409, "{html}");
    let mut tx = app.store.begin().await.unwrap();
    let end = store::selection::RunEnd {
        status: domain::selection::RunStatus::Cancelled,
        selected_csv: "",
        result_json: "{}",
        message: "",
        selected: &[],
        distribution_csv: "",
    };
    assert!(
        store::selection::finish_run(&mut tx, blocker_id, &end, web::now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let (status, _, _) = post(
        &app,
        &organiser,
        &format!("{run_path}/draw"),
        &[("seed", seed)],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        wait_for_run(&app, &organiser, &run_path)
            .await
            .contains("id=\"run-status\">done<")
    );

    // The panel meets the quotas again, the drop-outs are `replaced`, and the history pairs them with newcomers.
    let after = panel(&app, assembly_id).await;
    let now_seated = seated(&after);
    assert_eq!(now_seated.len(), 6);
    assert_eq!(
        now_seated.iter().filter(|p| gender(p) == "woman").count(),
        3
    );
    assert_eq!(status_of(&app, assembly_id, woman).await, "replaced");
    assert_eq!(status_of(&app, assembly_id, man).await, "replaced");
    let newcomers: BTreeSet<i64> = after
        .iter()
        .filter(|p| p.run_id == run_id)
        .map(|p| p.respondent_id)
        .collect();
    assert_eq!(newcomers.len(), 2);
    let history = {
        let mut connection = app.store.connection().await.unwrap();
        store::selection::replacements(&mut connection, assembly_id)
            .await
            .unwrap()
    };
    assert_eq!(history.len(), 2);
    assert_eq!(
        history
            .iter()
            .map(|h| h.dropped_respondent_id)
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([woman, man])
    );
    assert_eq!(
        history
            .iter()
            .filter_map(|h| h.replacement_respondent_id)
            .collect::<BTreeSet<_>>(),
        newcomers
    );
    assert!(history.iter().all(|h| h.run_id == run_id && h.seed == seed));
    for (dropped, expected) in [(woman, "woman"), (man, "man")] {
        let row = history
            .iter()
            .find(|h| h.dropped_respondent_id == dropped)
            .unwrap();
        let newcomer = after
            .iter()
            .find(|p| Some(p.respondent_id) == row.replacement_respondent_id)
            .unwrap();
        assert_eq!(
            gender(newcomer),
            expected,
            "the history pairs each drop-out with the newcomer like them"
        );
    }
    let (_, html) = app.get(&organiser, &panel_path).await;
    assert!(
        html.contains("id=\"replacement-history\"") && html.contains("id=\"open-seats\">0<"),
        "{html}"
    );

    // Anyone can reproduce the replacement from the published files.
    assert_eq!(
        verify_published(&app, assembly_id, run_id, seed, &stored.commitment).await,
        6
    );
    let (_, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert!(
        page.contains("id=\"replaced-count\">2<")
            && page.contains("--already-selected already-selected.csv"),
        "{page}"
    );
    assert!(
        page.contains(&format!("/selection/{run_id}/composition.svg")),
        "the chart shows the panel after the replacement: {page}"
    );
    assert!(
        !page.contains("Panel Person") && !page.contains("@example.org"),
        "{page}"
    );

    // Another woman declines: no woman is left, so the page shows the engine's smallest relaxation.
    let other_woman = seated(&after)
        .into_iter()
        .find(|p| gender(p) == "woman")
        .unwrap()
        .respondent_id;
    let (status, _, _) = post(
        &app,
        &organiser,
        &record(other_woman),
        &[("status", "declined"), ("reason", "ill")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = app.get(&organiser, &panel_path).await;
    assert!(html.contains("gender=woman: minimum 3 -&#62; 2"), "{html}");
    let (status, _, html) =
        post(&app, &organiser, &format!("{panel_path}/replacements"), &[]).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("minimum 3 -&#62; 2"), "{html}");

    // The audit log has ids, statuses and reason categories, never names or notes.
    let mut connection = app.store.connection().await.unwrap();
    let audit: String = store::audit::recent(&mut connection, 10_000)
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
        .collect();
    assert!(
        audit.contains("\"reason\":\"replacement\"")
            && !audit.contains("seat filled by replacement run")
            && audit.contains("\"replaced\":2"),
        "{audit}"
    );
    assert!(
        !audit.contains("Panel Person") && !audit.contains("@example.org"),
        "{audit}"
    );
}

fn stored_new_run(run: &store::selection::RunRow) -> store::selection::NewRun<'_> {
    store::selection::NewRun {
        assembly_id: run.assembly_id,
        kind: run.kind,
        status: run.status,
        algorithm: run.algorithm,
        engine_version: &run.engine_version,
        panel_size: run.panel_size,
        seed: &run.seed,
        seed_source: &run.seed_source,
        commitment: &run.commitment,
        pool_csv: "id\n",
        features_csv: "",
        already_csv: "",
        parent_run_id: None,
        created_by: None,
        lottery_panels: None,
    }
}
