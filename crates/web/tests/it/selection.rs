//! Quotas and selection scenarios (issue 4): the quota editor and its live feasibility check, the registration form
//! asking the assembly's own questions, a test run that changes nothing, a final run committed before its seed and
//! then drawn, and the published files checked the way `klero verify` checks them.

use std::collections::BTreeSet;

use crate::helpers::{TestApp, client, csrf_of, location};

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} in page:\n{html}"));
    html[start..].split('"').next().unwrap().to_owned()
}

pub(crate) async fn post(
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

/// Another quota-valid distribution of the same file: its first panel alone, with probability 1 (a choice made after
/// the seed would look like this).
fn tamper_distribution(distribution: &str) -> String {
    let mut out = String::new();
    for line in distribution.lines() {
        let fields: Vec<&str> = line.splitn(5, ',').collect();
        match fields[0] {
            "panel" if fields[1] == "0" => {
                out.push_str(&format!("panel,0,1,{},{}\n", fields[3], fields[4]));
            }
            "panel" => {}
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

/// Follows a run page until the run is no longer running; returns its final page.
pub(crate) async fn wait_for_run(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    for _ in 0..240 {
        let (status, html) = app.get(client, path).await;
        assert_eq!(status, 200, "{html}");
        if !html.contains("id=\"run-status\">running<") {
            return html;
        }
        assert!(
            html.contains("http-equiv=\"refresh\""),
            "a running run's page refreshes itself"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the run did not finish in a minute");
}

async fn status_counts(app: &TestApp, assembly_id: i64) -> Vec<(String, i64)> {
    let mut connection = app.store.connection().await.unwrap();
    store::recruitment::respondent_status_counts(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .map(|(status, count)| (status.as_str().to_owned(), count))
        .collect()
}

/// Adds a respondent (as staff would, without an invitation) with made-up contact details and these answers.
pub(crate) async fn add_respondent(
    tx: &mut store::Tx,
    assembly_id: i64,
    name: &str,
    email: &str,
    features_json: &str,
) {
    let new = store::recruitment::NewRespondent {
        assembly_id,
        invitation_id: None,
        full_name: name,
        email,
        phone: "",
        features_json,
        access_needs_json: "{}",
        consent_at: 1,
    };
    store::recruitment::add_respondent(tx, &new, 1)
        .await
        .unwrap();
}

pub(crate) const QUOTAS: &str = "feature,value,share,min,max
gender,woman,50,3,3
gender,man,50,3,3
age_band,16-29,20,1,3
age_band,30+,80,3,5
";

pub async fn organisers_set_quotas_run_tests_and_a_verifiable_final_selection(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let quotas_path = format!("/staff/assemblies/{assembly_id}/quotas");
    let (status, html) = app.get(&organiser, &quotas_path).await;
    assert_eq!(status, 200);
    assert!(html.contains("No quotas have been saved yet."), "{html}");

    // A bad line is named by line and column, and nothing is stored.
    let bad = "gender,woman,50,3,3\ngender,man,fifty,3,3\n";
    let (status, _, html) = post(
        &app,
        &organiser,
        &quotas_path,
        &[
            ("panel_size", "6"),
            ("seed_source", "s"),
            ("quotas", bad),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("line 2 column 3"), "{html}");
    assert!(html.contains("gender,man,fifty"), "what was typed is kept");
    assert_eq!(app.count("selection_quotas").await, 0);

    // Proposing fills min and max from the shares for the panel size (target 3 ± 1) without saving.
    let shares = "gender,woman,50\ngender,man,50\n";
    let (status, _, html) = post(
        &app,
        &organiser,
        &quotas_path,
        &[
            ("panel_size", "6"),
            ("seed_source", ""),
            ("quotas", shares),
            ("action", "propose"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("gender,woman,50,2,4") && html.contains("gender,man,50,2,4"),
        "{html}"
    );
    assert_eq!(app.count("selection_quotas").await, 0);

    // Saved quotas whose minimum the pool cannot meet: the check names the smallest relaxation.
    let infeasible = QUOTAS.replace("age_band,16-29,20,1,3", "age_band,16-29,20,5,6");
    let seed_source = "The first prize number of the national lottery of 1 March";
    let (status, to, _) = post(
        &app,
        &organiser,
        &quotas_path,
        &[
            ("panel_size", "6"),
            ("seed_source", seed_source),
            ("quotas", &infeasible),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, quotas_path.as_str()));
    assert_eq!(app.count("selection_quotas").await, 4);

    // The registration form now asks the assembly's questions (the area comes from the invitation).
    let visitor = client();
    let (_, form) = app
        .get(&visitor, &format!("/assemblies/{assembly_id}/register"))
        .await;
    assert!(
        form.contains("name=\"q_0\"") && form.contains("name=\"q_1\""),
        "{form}"
    );
    assert!(
        form.contains("<option value=\"30+\"") && !form.contains("name=\"age_band\""),
        "{form}"
    );
    let token = value_of(&form, "form_token");
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let code = {
        let mut connection = app.store.connection().await.unwrap();
        store::recruitment::invitations(&mut connection, assembly_id)
            .await
            .unwrap()[0]
            .code
            .clone()
    };
    let csrf = csrf_of(&form);
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("form_token", token.as_str()),
        ("invitation_code", code.as_str()),
        ("full_name", "Ada Registered"),
        ("email", "ada.registered@example.org"),
        ("q_0", "woman"),
        ("q_1", "nonsense"),
        ("consent", "1"),
    ];
    let response = visitor
        .post(app.url(&format!("/assemblies/{assembly_id}/register")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response.text().await.unwrap().contains("age_band"),
        "the bad answer is named by its feature"
    );
    assert_eq!(app.count("respondents").await, 0);
    fields[6] = ("q_1", "16-29");
    let response = visitor
        .post(app.url(&format!("/assemblies/{assembly_id}/register")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let mut connection = app.store.connection().await.unwrap();
    let registered = store::recruitment::respondents(&mut connection, assembly_id, "", None)
        .await
        .unwrap();
    drop(connection);
    let answers: serde_json::Value = serde_json::from_str(&registered[0].features_json).unwrap();
    assert_eq!(answers["gender"], "woman");
    assert_eq!(answers["age_band"], "16-29");
    assert!(answers["area"].is_string());

    // 19 more respondents (registered by staff elsewhere), one without answers: 20 in the pool, 4 of them young.
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..20 {
        let gender = if i % 2 == 0 { "man" } else { "woman" };
        let age = if i < 3 { "16-29" } else { "30+" };
        let features = if i == 19 {
            "{}".to_owned()
        } else {
            serde_json::json!({ "gender": gender, "age_band": age }).to_string()
        };
        add_respondent(
            &mut tx,
            assembly_id,
            &format!("Person Number{i}"),
            &format!("person{i}@example.org"),
            &features,
        )
        .await;
    }
    tx.commit().await.unwrap();
    let (_, html) = app.get(&organiser, &quotas_path).await;
    assert!(html.contains("id=\"pool-size\">20<"), "{html}");
    // Four young people exist, but the 30+ minimum of 3 leaves three seats: the minimum must go down to 3.
    assert!(
        html.contains("age_band=16-29: minimum 5 -&#62; 3"),
        "{html}"
    );

    // Feasible quotas.
    let (status, _, _) = post(
        &app,
        &organiser,
        &quotas_path,
        &[
            ("panel_size", "6"),
            ("seed_source", seed_source),
            ("quotas", QUOTAS),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = app.get(&organiser, &quotas_path).await;
    assert!(
        html.contains("A panel that meets every quota exists"),
        "{html}"
    );

    // A test run: done, and no one's status changed.
    let before = status_counts(&app, assembly_id).await;
    let selection_path = format!("/staff/assemblies/{assembly_id}/selection");
    let (status, run_path, _) = post(
        &app,
        &organiser,
        &format!("{selection_path}/test-runs"),
        &[("algorithm", "leximin")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        run_path.starts_with(&format!("{selection_path}/runs/")),
        "{run_path}"
    );
    let html = wait_for_run(&app, &organiser, &run_path).await;
    assert!(html.contains("id=\"run-status\">done<"), "{html}");
    assert!(html.contains("id=\"run-result\""), "{html}");
    assert_eq!(
        status_counts(&app, assembly_id).await,
        before,
        "a test run changes no one's status"
    );
    // A test run is never public.
    let test_run_id = run_path.rsplit('/').next().unwrap().to_owned();
    let (status, _) = app
        .get(
            &client(),
            &format!("/assemblies/{assembly_id}/selection/{test_run_id}/pool.csv"),
        )
        .await;
    assert_eq!(status, 404);

    // The final run: its distribution computed first (a job), then committed, the commitment covering the
    // distribution, both public before the seed is known.
    let (status, final_path, _) = post(
        &app,
        &organiser,
        &format!("{selection_path}/commitments"),
        &[],
    )
    .await;
    assert_eq!(status, 303);
    let run_id: i64 = final_path.rsplit('/').next().unwrap().parse().unwrap();
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(
        html.contains("id=\"run-status\">committed, waiting for the seed<"),
        "{html}"
    );
    let public = client();
    let (status, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert_eq!(status, 200);
    let committed = {
        let mut connection = app.store.connection().await.unwrap();
        store::selection::run(&mut connection, assembly_id, run_id)
            .await
            .unwrap()
    };
    let commitment = committed.commitment.clone();
    assert_eq!(committed.commitment_version, 2);
    assert!(committed.seed.is_empty());
    assert!(
        page.contains(&commitment)
            && page.contains(seed_source)
            && page.contains("id=\"not-drawn\""),
        "{page}"
    );
    let files = format!("/assemblies/{assembly_id}/selection/{run_id}");
    let (status, pool_before) = app.get(&public, &format!("{files}/pool.csv")).await;
    assert_eq!(status, 200);
    let (status, distribution_before) =
        app.get(&public, &format!("{files}/distribution.csv")).await;
    assert_eq!(status, 200, "the distribution is public before the seed");
    let digest = selection::sample::distribution_digest(distribution_before.as_bytes());
    assert!(
        page.contains(&format!("id=\"distribution-sha256\">{digest}<")),
        "the distribution's hash is on the public page before the seed: {page}"
    );
    assert_eq!(
        app.get(&public, &format!("{files}/selected.csv")).await.0,
        404,
        "no panel before the draw"
    );
    // A second commitment is refused.
    let (status, _, _) = post(
        &app,
        &organiser,
        &format!("{selection_path}/commitments"),
        &[],
    )
    .await;
    assert_eq!(status, 409);

    // The draw with the announced seed.
    let seed = "lottery 2027-03-01: 4 8 15 16 23 42";
    let (status, to, html) = post(
        &app,
        &organiser,
        &format!("{final_path}/draw"),
        &[("seed", "")],
    )
    .await;
    assert_eq!(status, 422, "{to} {html}");
    let (status, to, _) = post(
        &app,
        &organiser,
        &format!("{final_path}/draw"),
        &[("seed", seed)],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, final_path.as_str()));
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(html.contains("id=\"run-status\">done<"), "{html}");
    let counts = status_counts(&app, assembly_id).await;
    assert!(counts.contains(&("selected".to_owned(), 6)), "{counts:?}");
    let (_, distribution_after) = app.get(&public, &format!("{files}/distribution.csv")).await;
    assert_eq!(
        distribution_after, distribution_before,
        "the draw used the distribution committed before the seed"
    );

    // The public page: seed, files, the chart; no names anywhere.
    let (_, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert!(
        page.contains(seed)
            && page.contains("composition.svg")
            && page.contains("klero verify --people pool.csv"),
        "{page}"
    );
    assert!(
        page.contains("--household-columns household_key"),
        "the verifier checks one person per household: {page}"
    );
    let (status, svg) = app.get(&public, &format!("{files}/composition.svg")).await;
    assert_eq!(status, 200);
    assert!(
        svg.starts_with("<svg") && svg.contains("role=\"img\""),
        "{svg}"
    );
    let (_, pool) = app.get(&public, &format!("{files}/pool.csv")).await;
    let (_, features) = app.get(&public, &format!("{files}/features.csv")).await;
    let (_, selected) = app.get(&public, &format!("{files}/selected.csv")).await;
    let (_, seed_file) = app.get(&public, &format!("{files}/seed.txt")).await;
    assert_eq!(
        pool, pool_before,
        "the pool published before the draw is the one drawn from"
    );
    assert_eq!(seed_file.trim_end(), seed);
    assert!(
        pool.starts_with("id,gender,age_band,household_key\n"),
        "{pool}"
    );
    assert_eq!(
        pool.lines().count(),
        21,
        "19 + 1 respondents with answers, plus the header: {pool}"
    );
    for text in [&page, &pool, &selected, &features] {
        assert!(
            !text.contains("Ada") && !text.contains("Number") && !text.contains("@example.org"),
            "{text}"
        );
    }

    // Verification exactly as `klero verify` does it: parse the files, recompute the commitment (the inputs and the
    // distribution published before the seed), re-run, compare the panel.
    let features_parsed = selection::model::parse_features("features.csv", &features, 6).unwrap();
    let table = selection::model::parse_people(
        "pool.csv",
        &pool,
        &features_parsed,
        "id",
        &["household_key".to_owned()],
    )
    .unwrap();
    let published: BTreeSet<usize> =
        selection::model::parse_already_selected("selected.csv", &selected, &table.people, "id")
            .unwrap()
            .into_iter()
            .collect();
    let instance =
        selection::model::Instance::new(features_parsed, table.people, 6, Vec::new()).unwrap();
    let settings = selection::Settings {
        algorithm: selection::Algorithm::Leximin,
        lottery_panels: None,
    };
    assert_eq!(
        selection::sample::commitment_v2(&instance, &settings, distribution_before.as_bytes()),
        commitment,
        "the commitment published before the seed covers the inputs and the distribution"
    );
    // The engine computes this very distribution from the published inputs, and a distribution put in its place
    // after the seed would not match the commitment.
    let recomputed = selection::find_distribution(&instance, &settings, &mut |_| {}).unwrap();
    assert_eq!(recomputed.to_csv(&instance), distribution_before);
    let tampered = tamper_distribution(&distribution_before);
    assert_ne!(
        selection::sample::commitment_v2(&instance, &settings, tampered.as_bytes()),
        commitment,
        "a tampered distribution fails the commitment"
    );
    let drawn_from_file = selection::published::parse_distribution(
        "distribution.csv",
        &distribution_before,
        &instance,
    )
    .unwrap();
    let replayed: BTreeSet<usize> = selection::draw(&instance, &drawn_from_file, seed)
        .0
        .into_iter()
        .collect();
    assert_eq!(
        replayed, published,
        "the committed distribution and the seed give the published panel"
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
    assert_eq!(published.len(), 6);
    let other: BTreeSet<usize> = selection::run(&instance, &settings, "another seed", &mut |_| {})
        .unwrap()
        .panel
        .into_iter()
        .collect();
    assert_eq!(other.len(), 6);

    // The selected respondents are the people behind the published ids.
    let mut connection = app.store.connection().await.unwrap();
    let people = store::selection::run_people(&mut connection, run_id)
        .await
        .unwrap();
    let selected_respondents: BTreeSet<i64> = people
        .iter()
        .filter(|p| p.selected)
        .map(|p| p.respondent_id)
        .collect();
    let now_selected: BTreeSet<i64> = store::recruitment::respondents(
        &mut connection,
        assembly_id,
        "",
        Some(domain::respondent::Status::Selected),
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r.id)
    .collect();
    assert_eq!(selected_respondents, now_selected);
    // The audit log has ids and counts, never names.
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
    drop(connection);
    assert!(
        audit.contains("quotas.save")
            && audit.contains("selection_run.finish")
            && audit.contains("respondent.select"),
        "{audit}"
    );
    assert!(
        !audit.contains("Ada") && !audit.contains("@example.org"),
        "{audit}"
    );

    // Observers and the public cannot reach the staff pages.
    let observer = app.demo_client("observer").await;
    assert_eq!(app.get(&observer, &selection_path).await.0, 403);
}

pub async fn a_run_left_running_by_a_stopped_server_is_failed_at_startup(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let mut tx = app.store.begin().await.unwrap();
    let run = store::selection::NewRun {
        assembly_id,
        kind: domain::selection::RunKind::Test,
        status: domain::selection::RunStatus::Running,
        algorithm: domain::selection::Algorithm::Leximin,
        engine_version: "0",
        panel_size: 1,
        seed: "s",
        seed_source: "",
        commitment: "c",
        pool_csv: "id\n",
        features_csv: "",
        already_csv: "",
        parent_run_id: None,
        created_by: None,
        lottery_panels: None,
    };
    // Started a minute ago by a server that then stopped (its heartbeat is as old).
    let run_id = store::selection::create_run(&mut tx, &run, &[], web::now() - 60)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    // While it is "running", no other run can start.
    let organiser = app.demo_client("organiser").await;
    let quotas = format!("/staff/assemblies/{assembly_id}/quotas");
    let (status, _, _) = post(
        &app,
        &organiser,
        &quotas,
        &[
            ("panel_size", "1"),
            ("seed_source", ""),
            ("quotas", "g,a,100,0,1\n"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let failed = web::selection::recover_interrupted_runs(&app.store)
        .await
        .unwrap();
    assert_eq!(failed, vec![run_id]);
    let mut connection = app.store.connection().await.unwrap();
    let stored = store::selection::run(&mut connection, assembly_id, run_id)
        .await
        .unwrap();
    drop(connection);
    assert_eq!(stored.status, domain::selection::RunStatus::Failed);
    let (_, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/selection/runs/{run_id}"),
        )
        .await;
    assert!(html.contains("interrupted"), "{html}");
    assert!(!html.contains("http-equiv=\"refresh\""));
}

/// The final run as a transparent lottery: M is checked, part of the commitment and published; the draw picks one of
/// the M numbered panels of the published distribution, and the files reproduce the number and the panel.
pub async fn a_final_run_drawn_as_a_transparent_lottery_publishes_its_numbered_panels(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let quotas_path = format!("/staff/assemblies/{assembly_id}/quotas");
    let seed_source = "The first prize number of the national lottery of 1 March";
    let (status, _, _) = post(
        &app,
        &organiser,
        &quotas_path,
        &[
            ("panel_size", "6"),
            ("seed_source", seed_source),
            ("quotas", QUOTAS),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..16 {
        let features = serde_json::json!({ "gender": if i % 2 == 0 { "man" } else { "woman" }, "age_band": if i < 5 { "16-29" } else { "30+" } }).to_string();
        add_respondent(
            &mut tx,
            assembly_id,
            &format!("Lottery Person{i}"),
            &format!("lottery{i}@example.org"),
            &features,
        )
        .await;
    }
    tx.commit().await.unwrap();

    // Bad sizes are refused with a message naming the field, and nothing is committed.
    let selection_path = format!("/staff/assemblies/{assembly_id}/selection");
    let (_, html) = app.get(&organiser, &selection_path).await;
    assert!(
        html.contains("name=\"lottery_panels\"") && html.contains("<label for=\"lottery_panels\">"),
        "{html}"
    );
    for bad in ["1", "ten", "10001", "-5"] {
        let (status, _, html) = post(
            &app,
            &organiser,
            &format!("{selection_path}/commitments"),
            &[("lottery_panels", bad)],
        )
        .await;
        assert_eq!(status, 422, "{bad}: {html}");
        assert!(
            html.contains("Numbered panels: give a whole number from 2 to 10000"),
            "{html}"
        );
    }
    assert_eq!(
        app.count("selection_runs").await,
        0,
        "a refused size commits nothing"
    );

    let (status, final_path, _) = post(
        &app,
        &organiser,
        &format!("{selection_path}/commitments"),
        &[("lottery_panels", "50")],
    )
    .await;
    assert_eq!(status, 303);
    let run_id: i64 = final_path.rsplit('/').next().unwrap().parse().unwrap();
    let public = client();
    // While the distribution is computed, nothing is public yet.
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(
        html.contains("id=\"run-status\">committed, waiting for the seed<"),
        "{html}"
    );
    let (_, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert!(page.contains("50 equally likely numbered panels"), "{page}");
    assert!(
        page.contains("id=\"distribution-link\""),
        "the numbered panels are published before the draw: {page}"
    );
    let files = format!("/assemblies/{assembly_id}/selection/{run_id}");
    let (status, listed_before) = app.get(&public, &format!("{files}/distribution.csv")).await;
    assert_eq!(status, 200, "the distribution is public before the draw");
    assert_eq!(
        listed_before
            .lines()
            .filter(|line| line.starts_with("lottery,"))
            .count(),
        50
    );
    let (_, pool) = app.get(&public, &format!("{files}/pool.csv")).await;
    let (_, features) = app.get(&public, &format!("{files}/features.csv")).await;
    let features_parsed = selection::model::parse_features("features.csv", &features, 6).unwrap();
    let table = selection::model::parse_people(
        "pool.csv",
        &pool,
        &features_parsed,
        "id",
        &["household_key".to_owned()],
    )
    .unwrap();
    let instance =
        selection::model::Instance::new(features_parsed, table.people, 6, Vec::new()).unwrap();
    let lottery = selection::Settings {
        algorithm: selection::Algorithm::Leximin,
        lottery_panels: Some(50),
    };
    let commitment = {
        let mut connection = app.store.connection().await.unwrap();
        store::selection::run(&mut connection, assembly_id, run_id)
            .await
            .unwrap()
            .commitment
    };
    assert_eq!(
        selection::sample::commitment_v2(&instance, &lottery, listed_before.as_bytes()),
        commitment,
        "M and the numbered panels are part of the commitment"
    );
    let plain = selection::Settings {
        lottery_panels: None,
        ..lottery
    };
    assert_ne!(
        selection::sample::commitment_v2(&instance, &plain, listed_before.as_bytes()),
        commitment
    );

    // Before the draw, the published list is the one the engine computes from the published files.
    let listed = selection::find_distribution(&instance, &lottery, &mut |_| {}).unwrap();
    assert_eq!(listed.to_csv(&instance), listed_before);
    let numbered = listed.lottery.as_ref().unwrap().panels.clone();
    assert_eq!(numbered.len(), 50);

    let seed = "lottery 2027-03-01: 7 11 19 23 31 42";
    let (status, _, _) = post(
        &app,
        &organiser,
        &format!("{final_path}/draw"),
        &[("seed", seed)],
    )
    .await;
    assert_eq!(status, 303);
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(html.contains("id=\"run-status\">done<"), "{html}");
    let number: usize = html
        .split("id=\"run-lottery-number\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(number < 50);

    // After it: the number, the distribution with its numbered panels, and the verify command with --lottery-panels.
    let (_, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert!(
        page.contains(&format!("id=\"lottery-number\">{number}<")),
        "{page}"
    );
    assert!(
        page.contains("--lottery-panels 50") && page.contains("distribution.csv"),
        "{page}"
    );
    let (status, distribution) = app.get(&public, &format!("{files}/distribution.csv")).await;
    assert_eq!(status, 200);
    assert!(
        distribution.starts_with("kind,panel,probability,seats,members\n"),
        "{distribution}"
    );
    assert!(!distribution.contains("Lottery Person") && !distribution.contains("@example.org"));
    let rows: Vec<&str> = distribution
        .lines()
        .filter(|line| line.starts_with("lottery,"))
        .collect();
    assert_eq!(rows.len(), 50, "{distribution}");
    let (_, selected) = app.get(&public, &format!("{files}/selected.csv")).await;
    let published: BTreeSet<String> = selected.lines().skip(1).map(str::to_owned).collect();
    let row: BTreeSet<String> = rows[number]
        .rsplit(',')
        .next()
        .unwrap()
        .split(' ')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        row, published,
        "the panel is numbered panel {number} of the published distribution"
    );
    let expected: BTreeSet<String> = numbered[number]
        .iter()
        .map(|&i| instance.people[i].id.clone())
        .collect();
    assert_eq!(expected, published, "and the one computed before the draw");
    // The engine's own replay from the seed gives the same number and panel.
    let again = selection::run(&instance, &lottery, seed, &mut |_| {}).unwrap();
    assert_eq!(again.lottery_number, Some(number as u64));
    let again: BTreeSet<String> = again
        .panel
        .iter()
        .map(|&i| instance.people[i].id.clone())
        .collect();
    assert_eq!(again, published);
}

/// Starts a MAXIMIN test run on a pool of 2,000 respondents with seven features, skewed against the shares (the
/// recruitment benchmark's pool: several seconds of the engine's time, against the quarter of a second the run takes
/// to report its first progress), and waits for that first progress. Returns the run's page and id.
async fn start_a_long_run(
    app: &TestApp,
    organiser: &reqwest::Client,
    assembly_id: i64,
) -> (String, i64) {
    let features: [(&str, &[(&str, u32)]); 7] = [
        ("gender", &[("woman", 50), ("man", 48), ("other", 2)]),
        (
            "age_band",
            &[
                ("16-29", 22),
                ("30-44", 25),
                ("45-59", 24),
                ("60-74", 19),
                ("75+", 10),
            ],
        ),
        (
            "region",
            &[("north", 25), ("south", 25), ("east", 25), ("west", 25)],
        ),
        (
            "education",
            &[
                ("none", 15),
                ("secondary", 35),
                ("vocational", 25),
                ("degree", 25),
            ],
        ),
        ("tenure", &[("owner", 55), ("renter", 30), ("social", 15)]),
        ("urbanity", &[("city", 40), ("town", 35), ("rural", 25)]),
        ("concern", &[("very", 40), ("fairly", 40), ("not", 20)]),
    ];
    let mut quotas = String::from("feature,value,share,min,max\n");
    for (feature, values) in &features {
        for (value, share) in values.iter() {
            let (min, max) = ((share * 9 / 10).saturating_sub(1), share * 11 / 10 + 2);
            quotas.push_str(&format!("{feature},{value},{share},{min},{max}\n"));
        }
    }
    let quotas_path = format!("/staff/assemblies/{assembly_id}/quotas");
    let (status, _, html) = post(
        app,
        organiser,
        &quotas_path,
        &[
            ("panel_size", "100"),
            ("seed_source", "s"),
            ("quotas", &quotas),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..2000 {
        let mut answers = serde_json::Map::new();
        for (feature, values) in &features {
            // Tilted towards the first value: volunteers are not the population.
            let weights: Vec<u64> = values
                .iter()
                .enumerate()
                .map(|(v, (_, share))| u64::from(*share) * if v == 0 { 3 } else { 2 })
                .collect();
            let mut roll = next() % weights.iter().sum::<u64>();
            let pick = weights
                .iter()
                .position(|w| {
                    if roll < *w {
                        true
                    } else {
                        roll -= w;
                        false
                    }
                })
                .unwrap();
            answers.insert((*feature).to_owned(), values[pick].0.into());
        }
        let features = serde_json::Value::Object(answers).to_string();
        add_respondent(
            &mut tx,
            assembly_id,
            &format!("Pool Person{i}"),
            &format!("pool{i}@example.org"),
            &features,
        )
        .await;
    }
    tx.commit().await.unwrap();

    let (status, run_path, html) = post(
        app,
        organiser,
        &format!("/staff/assemblies/{assembly_id}/selection/test-runs"),
        &[("algorithm", "maximin")],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let run_id: i64 = run_path.rsplit('/').next().unwrap().parse().unwrap();
    let started = std::time::Instant::now();
    loop {
        let (status, _, progress) = run_state(app, assembly_id, run_id).await;
        assert_eq!(
            status, "running",
            "the run must still be running when it first reports progress, or the test proves nothing"
        );
        if !progress.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "no progress reported within 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    (run_path, run_id)
}

/// The run's status, message and progress, read from the database.
async fn run_state(app: &TestApp, assembly_id: i64, run_id: i64) -> (&'static str, String, String) {
    let mut connection = app.store.connection().await.unwrap();
    let run = store::selection::run(&mut connection, assembly_id, run_id)
        .await
        .unwrap();
    (run.status.as_str(), run.message, run.progress)
}

/// Stopping the server (Ctrl-C or SIGTERM set the same flag) ends a long selection run at its next progress report,
/// so the process can exit; the run is marked failed with the reason, not cancelled, and frees the assembly.
pub async fn stopping_the_server_ends_a_long_run_and_marks_it_failed(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    // The server stops as soon as the run has reported progress, a fraction of its time.
    let (_, run_id) = start_a_long_run(&app, &organiser, assembly_id).await;
    app.stopping.stop();
    let stopped = std::time::Instant::now();
    let (status, message) = loop {
        let (status, message, _) = run_state(&app, assembly_id, run_id).await;
        if status != "running" {
            break (status, message);
        }
        assert!(
            stopped.elapsed() < std::time::Duration::from_secs(10),
            "the run did not end within 10 s of the stop"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(
        (status, message.as_str()),
        ("failed", store::selection::STOPPED_MESSAGE)
    );
    assert!(
        app.stopping
            .jobs_ended(std::time::Duration::from_secs(5))
            .await,
        "the job counts itself out once it has recorded its end"
    );
    println!(
        "the run ended {:.1} s after the stop",
        stopped.elapsed().as_secs_f64()
    );
    // The assembly is free for the next run (after a restart, here the same server).
    let (status, _, html) = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/selection/test-runs"),
        &[("algorithm", "legacy")],
    )
    .await;
    assert_eq!(status, 303, "{html}");
}

/// Issue 17: an organiser's cancel ends a long run within a second, even while the engine is inside a solve (the
/// job reads the cancel request every quarter of a second, and the engine hears it within a tenth), and the run is
/// recorded cancelled, which frees the assembly.
pub async fn cancelling_a_long_run_ends_it_within_a_second(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let (run_path, run_id) = start_a_long_run(&app, &organiser, assembly_id).await;
    let asked = std::time::Instant::now();
    let (status, to, html) = post(&app, &organiser, &format!("{run_path}/cancel"), &[]).await;
    assert_eq!((status, to.as_str()), (303, run_path.as_str()), "{html}");
    let status = loop {
        let (status, _, _) = run_state(&app, assembly_id, run_id).await;
        if status != "running" {
            break status;
        }
        assert!(
            asked.elapsed() < std::time::Duration::from_secs(10),
            "the run did not end within 10 s of the cancel"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let waited = asked.elapsed();
    println!(
        "the run ended {:.2} s after the cancel",
        waited.as_secs_f64()
    );
    assert_eq!(status, "cancelled");
    assert!(
        waited < std::time::Duration::from_secs(1),
        "the cancel took {waited:?}"
    );
    let (_, page) = app.get(&organiser, &run_path).await;
    assert!(page.contains("id=\"run-status\">cancelled<"), "{page}");
    let (status, _, html) = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/selection/test-runs"),
        &[("algorithm", "legacy")],
    )
    .await;
    assert_eq!(status, 303, "{html}");
}

/// Issue 14, finding 5: once a final run's seed is public, its outcome is final. Interrupted (a server stop), it stays
/// on the public page with its seed, no new final run can be committed in its place, and resuming it draws exactly
/// the panel its committed inputs and seed give.
pub async fn a_drawn_final_run_that_was_interrupted_can_only_be_resumed_to_the_same_panel(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let (status, _, html) = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/quotas"),
        &[
            ("panel_size", "6"),
            ("seed_source", "the national lottery of 1 March"),
            ("quotas", QUOTAS),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..24 {
        let features = serde_json::json!({
            "gender": if i % 2 == 0 { "woman" } else { "man" },
            "age_band": if i % 3 == 0 { "16-29" } else { "30+" },
        })
        .to_string();
        add_respondent(
            &mut tx,
            assembly_id,
            &format!("Draw Person{i}"),
            &format!("draw{i}@example.org"),
            &features,
        )
        .await;
    }
    tx.commit().await.unwrap();
    let selection_path = format!("/staff/assemblies/{assembly_id}/selection");
    let (status, final_path, _) = post(
        &app,
        &organiser,
        &format!("{selection_path}/commitments"),
        &[],
    )
    .await;
    assert_eq!(status, 303);
    let run_id: i64 = final_path.rsplit('/').next().unwrap().parse().unwrap();
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(
        html.contains("id=\"run-status\">committed, waiting for the seed<"),
        "{html}"
    );

    // The seed is announced and the draw starts; the server dies before the run records its end (as a kill -9
    // leaves it: running, seed known), and the next start marks it failed.
    let seed = "lottery 2027-03-01: 7 11 19 23 31 40";
    let mut connection = app.store.connection().await.unwrap();
    assert_eq!(
        store::selection::start_committed_run(&mut connection, assembly_id, run_id, seed, 1)
            .await
            .unwrap(),
        Ok(true)
    );
    drop(connection);
    assert_eq!(
        web::selection::recover_interrupted_runs(&app.store)
            .await
            .unwrap(),
        vec![run_id]
    );

    // It stays public with its seed, and the organiser cannot commit a fresh final run (fresh public ids, same
    // seed, another panel) in its place.
    let public = client();
    let (status, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(seed),
        "the interrupted draw stays public: {page}"
    );
    let (status, _, html) = post(
        &app,
        &organiser,
        &format!("{selection_path}/commitments"),
        &[],
    )
    .await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("resume it"), "{html}");
    let (_, run_html) = app.get(&organiser, &final_path).await;
    assert!(run_html.contains("id=\"resume-form\""), "{run_html}");

    // A server on another engine revision may draw another panel from the same seed: it refuses to resume.
    let set_engine = |version: &str| {
        let sql =
            format!("UPDATE selection_runs SET engine_version = '{version}' WHERE id = {run_id}");
        let store = app.store.clone();
        async move {
            store::test_support::execute_raw(&store, &sql)
                .await
                .unwrap()
        }
    };
    set_engine("engine.0").await;
    let (status, _, html) = post(&app, &organiser, &format!("{final_path}/resume"), &[]).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("another revision"), "{html}");
    set_engine(selection::ENGINE_VERSION).await;

    // Resuming runs the same computation: the panel is the one the committed files and the seed give.
    let (status, to, html) = post(&app, &organiser, &format!("{final_path}/resume"), &[]).await;
    assert_eq!((status, to.as_str()), (303, final_path.as_str()), "{html}");
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(html.contains("id=\"run-status\">done<"), "{html}");
    let files = format!("/assemblies/{assembly_id}/selection/{run_id}");
    let (_, pool) = app.get(&public, &format!("{files}/pool.csv")).await;
    let (_, features) = app.get(&public, &format!("{files}/features.csv")).await;
    let (_, selected) = app.get(&public, &format!("{files}/selected.csv")).await;
    let instance = app::selection::pool::instance_of(&pool, &features, "", 6).unwrap();
    let expected = selection::run(
        &instance,
        &app::selection::pool::settings_of(domain::selection::Algorithm::Leximin, None),
        seed,
        &mut |_| {},
    )
    .unwrap();
    let mut expected: Vec<String> = expected
        .panel
        .iter()
        .map(|&i| instance.people[i].id.clone())
        .collect();
    expected.sort();
    let published: Vec<String> = selected.lines().skip(1).map(str::to_owned).collect();
    assert_eq!(published, expected);
    // A run that was not interrupted cannot be "resumed" into a second draw.
    let (status, _, _) = post(&app, &organiser, &format!("{final_path}/resume"), &[]).await;
    assert_eq!(status, 409);
}
