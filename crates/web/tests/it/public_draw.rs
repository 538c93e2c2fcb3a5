//! A lottery number drawn physically in public (issue 18, item 8): after the commitment is published, an organiser
//! enters the number drawn with dice instead of a seed; it names the numbered panel itself, is recorded with who
//! entered it and when, and the public verification page shows it. Numbers that name no panel are refused.
//! The invitation lottery takes one too: the digits become the seed `number:N`, recorded with who entered them and
//! when, shown on the public page with the commitment to the address list, and anyone holding the list re-runs the
//! draw with the reference implementation of `docs/invitations.md`.

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
    drop(connection);
    assert_drawn_in_public_in_the_audit_log(&app, "selection_run.draw").await;
}

/// Some audit entry of `action` says the draw was made with a number drawn in public.
async fn assert_drawn_in_public_in_the_audit_log(app: &TestApp, action: &str) {
    let mut connection = app.store.connection().await.unwrap();
    let audit: Vec<String> = store::audit::recent(&mut connection, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.action == action)
        .map(|row| row.after_json.unwrap_or_default())
        .collect();
    assert!(
        audit
            .iter()
            .any(|after| after.contains("\"drawn_in_public\":true")),
        "{action}: {audit:?}"
    );
}

/// The 13 households of `docs/invitations.md`'s test vectors, with one address column.
const HOUSEHOLDS: &str = "id,address,area
a1,1 Mill Lane,North
a2,2 Mill Lane,North
a3,3 Mill Lane,North
a4,4 Mill Lane,North
a5,5 Mill Lane,North
a6,6 Mill Lane,North
b1,1 Quay Street,South
b2,2 Quay Street,South
b3,3 Quay Street,South
c1,1 Hill Road,East
c2,2 Hill Road,East
c3,3 Hill Road,East
c4,4 Hill Road,East
";

/// The text of the element that opens with `marker` (up to the next `<`).
fn text_after(html: &str, marker: &str) -> String {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"))
        + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

pub async fn an_organiser_enters_the_digits_drawn_for_the_invitation_lottery_and_anyone_reruns_it(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let lottery = format!("/staff/assemblies/{assembly_id}/invitations");
    let fields = |number: &'static str, seed: &'static str| {
        vec![
            ("addresses", HOUSEHOLDS),
            ("invitations", "6"),
            ("household_capacity", "1"),
            ("public_number", number),
            ("seed", seed),
        ]
    };

    // A number with a seed, or digits that are not a number: refused, nothing drawn or recorded.
    let draws_before = app.count("invitation_draws").await;
    for (fields, words) in [
        (fields("4821", "also a seed"), "not both"),
        (fields("48-21", ""), "a whole number without sign or spaces"),
        (fields("", ""), "Seed: is required"),
    ] {
        let (status, _, html) = post(&app, &organiser, &lottery, &fields).await;
        assert_eq!(status, 422, "{fields:?}: {html}");
        assert!(html.contains(words), "{fields:?}: {html}");
    }
    assert_eq!(app.count("invitation_draws").await, draws_before);
    assert_eq!(app.count("invitation_public_numbers").await, 0);
    // A facilitator cannot draw.
    let facilitator = app.demo_client("facilitator").await;
    let (status, _, _) = post(&app, &facilitator, &lottery, &fields("4821", "")).await;
    assert_eq!(status, 403);

    // Five ten-sided dice thrown at the town hall gave 0 4 8 2 1: the seed is `number:4821`.
    let (status, _, _) = post(&app, &organiser, &lottery, &fields("04821", "")).await;
    assert_eq!(status, 303);
    let mut connection = app.store.connection().await.unwrap();
    let draw = store::recruitment::draws(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the draw");
    assert_eq!(draw.seed, "number:4821");
    let drawn = store::invitation_numbers::of_assembly(&mut connection, assembly_id)
        .await
        .unwrap()
        .remove(&draw.id)
        .expect("recorded");
    assert_eq!(drawn.number, 4821);
    assert!(drawn.entered_by.is_some() && drawn.entered_at > 0);
    let name = drawn.entered_by_name.clone().expect("the organiser's name");
    let stored: Vec<String> = store::recruitment::invitations(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.draw_id == draw.id)
        .map(|row| format!("{} {}", row.address_ref, row.code))
        .collect();
    assert_eq!(stored.len(), 6);
    drop(connection);
    assert_drawn_in_public_in_the_audit_log(&app, "invitations.draw").await;
    assert_eq!(app.count("invitation_public_numbers").await, 1);

    // The lottery page says who entered it; the public page says when, with the seed and the commitment.
    let (_, html) = app.get(&organiser, &lottery).await;
    assert!(
        html.contains(&format!("4821, entered by {name} on ")),
        "{html}"
    );
    let (status, page) = app
        .get(&client(), &format!("/assemblies/{assembly_id}/selection"))
        .await;
    assert_eq!(status, 200);
    let commitment = recruitment::addresses::parse_addresses(
        HOUSEHOLDS.as_bytes(),
        &recruitment::addresses::AddressConfig::default(),
    )
    .unwrap()
    .digest();
    let section = &page[page
        .find(&format!("id=\"invitation-draw-{}\"", draw.id))
        .expect(&page)..];
    assert_eq!(
        text_after(section, "<code class=\"token invitation-commitment\">"),
        commitment
    );
    let seed = text_after(section, "<code class=\"invitation-seed\">");
    assert_eq!(seed, "number:4821");
    assert!(
        text_after(section, "<dd class=\"invitation-drawn-in-public\">")
            .starts_with("4821, entered by an organiser on "),
        "{section}"
    );
    assert!(
        section.contains("6 households invited from 13 addresses")
            && section.contains("python3 reference_draw.py"),
        "{section}"
    );
    assert!(!page.contains(&name), "no staff name on the public page");
    assert!(!page.contains("Mill Lane"), "no address on the public page");
    assert_eq!(
        page.matches("class=\"invitation-drawn-in-public\"").count(),
        1,
        "the demo's draw had a seed, not a number drawn in public"
    );

    // Anyone given the list re-runs the draw from the published seed with the docs' Python: the same households,
    // in the same order, with the same codes.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = std::fs::read_to_string(root.join("docs/invitations.md")).unwrap();
    let script = docs
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```\n").next())
        .expect("a python block in docs/invitations.md");
    let dir = std::env::temp_dir().join(format!(
        "klero-invitation-rerun-{}-{}",
        std::process::id(),
        draw.id
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("reference_draw.py"), script).unwrap();
    std::fs::write(dir.join("addresses.csv"), HOUSEHOLDS).unwrap();
    let output = std::process::Command::new("python3")
        .current_dir(&dir)
        .args(["reference_draw.py", &seed, "6", "addresses.csv"])
        .output()
        .expect("python3 on the PATH");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rerun: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(rerun, stored);
}
