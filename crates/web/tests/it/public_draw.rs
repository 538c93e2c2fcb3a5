//! A lottery number drawn physically in public (issue 18, item 8): after the commitment is published, an organiser
//! enters the number drawn with dice instead of a seed; it names the numbered panel itself, is recorded with who
//! entered it and when, and the public verification page shows it. Numbers that name no panel are refused.

use std::collections::BTreeSet;

use crate::helpers::{TestApp, client};
use crate::selection::{QUOTAS, add_respondent, post, wait_for_run};

pub async fn an_organiser_enters_the_number_drawn_in_public_and_it_names_the_published_panel(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let (status, _, _) = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/quotas"),
        &[
            ("panel_size", "6"),
            (
                "seed_source",
                "Three ten-sided dice thrown at the town hall on 1 March",
            ),
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
            &format!("Dice Person{i}"),
            &format!("dice{i}@example.org"),
            &features,
        )
        .await;
    }
    tx.commit().await.unwrap();
    let (status, final_path, _) = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/selection/commitments"),
        &[("lottery_panels", "20")],
    )
    .await;
    assert_eq!(status, 303);
    let run_id: i64 = final_path.rsplit('/').next().unwrap().parse().unwrap();
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(
        html.contains("id=\"number-form\"") && html.contains("From 0 to 19."),
        "{html}"
    );
    let files = format!("/assemblies/{assembly_id}/selection/{run_id}");
    let public = client();
    let (_, distribution) = app.get(&public, &format!("{files}/distribution.csv")).await;
    let numbered: Vec<BTreeSet<String>> = distribution
        .lines()
        .filter(|line| line.starts_with("lottery,"))
        .map(|line| {
            line.rsplit(',')
                .next()
                .unwrap()
                .split(' ')
                .map(str::to_owned)
                .collect()
        })
        .collect();
    assert_eq!(numbered.len(), 20);

    // A number that names no panel, a malformed one, or a number with a seed: refused, and the run still waits.
    let draw = format!("{final_path}/draw");
    for (fields, words) in [
        (
            vec![("number", "20")],
            "the numbered panels go from 0 to 19",
        ),
        (
            vec![("number", "-3")],
            "a whole number without sign or spaces",
        ),
        (
            vec![("number", "1 7")],
            "a whole number without sign or spaces",
        ),
        (vec![("number", "7"), ("seed", "also a seed")], "not both"),
    ] {
        let (status, _, html) = post(&app, &organiser, &draw, &fields).await;
        assert_eq!(status, 422, "{fields:?}: {html}");
        assert!(html.contains(words), "{fields:?}: {html}");
    }
    assert_eq!(app.count("selection_public_numbers").await, 0);
    // A facilitator cannot draw.
    let facilitator = app.demo_client("facilitator").await;
    let (status, _, _) = post(&app, &facilitator, &draw, &[("number", "7")]).await;
    assert_eq!(status, 403);

    // The dice gave 0, 0, 7 (leading zeros are dropped): panel 7 of the published list.
    let (status, _, _) = post(&app, &organiser, &draw, &[("number", "007")]).await;
    assert_eq!(status, 303);
    let html = wait_for_run(&app, &organiser, &final_path).await;
    assert!(html.contains("id=\"run-status\">done<"), "{html}");
    assert!(html.contains("id=\"run-lottery-number\">7<"), "{html}");
    assert!(
        html.contains("id=\"run-drawn-in-public\">7, entered by "),
        "the run records who entered it: {html}"
    );
    let (_, selected) = app.get(&public, &format!("{files}/selected.csv")).await;
    let published: BTreeSet<String> = selected.lines().skip(1).map(str::to_owned).collect();
    assert_eq!(
        published, numbered[7],
        "the panel is numbered panel 7 of the distribution published before"
    );
    let (_, seed) = app.get(&public, &format!("{files}/seed.txt")).await;
    assert_eq!(
        seed.trim(),
        "number:7",
        "verifiers replay it as the seed number:7"
    );
    let (_, page) = app
        .get(&public, &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert!(
        page.contains("id=\"drawn-in-public\">7, entered by an organiser on "),
        "{page}"
    );
    assert!(page.contains("id=\"lottery-number\">7<"), "{page}");
    let mut connection = app.store.connection().await.unwrap();
    let recorded = store::selection::public_number(&mut connection, assembly_id, run_id)
        .await
        .unwrap()
        .expect("recorded");
    assert_eq!(recorded.number, 7);
    assert!(recorded.entered_by.is_some() && recorded.entered_at > 0);
    let audit: Vec<String> = store::audit::recent(&mut connection, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.action == "selection_run.draw")
        .map(|row| row.after_json.unwrap_or_default())
        .collect();
    assert!(
        audit
            .iter()
            .any(|after| after.contains("\"drawn_in_public\":true")),
        "{audit:?}"
    );
}
