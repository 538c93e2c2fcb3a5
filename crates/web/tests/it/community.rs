//! Community assemblies (issue 16, item 2): hosts register, verify with their key, read the kit and send outcomes;
//! organisers moderate in bulk; accepted outcomes are public, in the API and in the evidence, never the email.

use serde_json::Value;

use crate::helpers::{TestApp, client_from, location};

/// The first non-empty option of the select `id` of a page, if the page has that select.
fn first_option(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("<select id=\"{id}\""))?;
    let rest = &html[start..];
    let marker = "<option value=\"";
    rest.match_indices(marker)
        .map(|(i, _)| {
            rest[i + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .find(|value| !value.is_empty())
}

/// Registers a host from `address` and signs them in with the key shown once; returns the host's client.
pub(crate) async fn host(
    app: &TestApp,
    address: &str,
    assembly_id: i64,
    name: &str,
    email: &str,
    community: &str,
) -> reqwest::Client {
    let browser = client_from(address);
    let (status, html) = app
        .get(
            &browser,
            &format!("/assemblies/{assembly_id}/community/host"),
        )
        .await;
    assert_eq!(status, 200);
    let area = first_option(&html, "area").unwrap_or_default();
    let response = app
        .post_form(
            &browser,
            &format!("/assemblies/{assembly_id}/community/host"),
            &[
                ("name", name),
                ("email", email),
                ("community", community),
                ("kind", "school"),
                ("area", &area),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    let key = html
        .split("<code id=\"host-key\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let response = app
        .post_form(
            &browser,
            &format!("/assemblies/{assembly_id}/community/host/key"),
            &[("key", &key)],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    browser
}

pub(crate) fn outcome<'a>(
    recommendations: &'a str,
    participants: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("held_on", "2027-03-14"),
        ("participants", participants),
        ("questions", "How should our town cut emissions?"),
        ("points", "Transport matters most"),
        ("recommendations", recommendations),
        ("notes", ""),
    ]
}

pub(crate) async fn outcome_id(app: &TestApp, recommendations: &str) -> i64 {
    store::test_support::count_raw(
        &app.store,
        &format!("SELECT id FROM community_outcomes WHERE recommendations = '{recommendations}'"),
    )
    .await
    .unwrap()
}

pub async fn hosts_send_outcomes_that_organisers_accept_into_the_public_list_and_the_evidence(
    app: TestApp,
) {
    let id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let public = client_from("127.0.0.9");

    // Closed at first: no registration form, no kit.
    let (_, html) = app
        .get(&public, &format!("/assemblies/{id}/community/host"))
        .await;
    assert!(!html.contains("name=\"email\""));
    let (status, _) = app
        .get(&public, &format!("/assemblies/{id}/community/kit/agenda"))
        .await;
    assert_eq!(status, 404);

    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/community"),
            &[("is_open", "on"), ("guide", "Read the evidence together.")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let one = host(
        &app,
        "127.0.0.2",
        id,
        "Ana Host",
        "host.one@example.org",
        "Lycee Jean Moulin",
    )
    .await;
    let (status, html) = app
        .get(&one, &format!("/assemblies/{id}/community/host"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Ana Host, Lycee Jean Moulin"));
    for material in [
        "guide",
        "agenda",
        "sign-in",
        "question",
        "outcome-form",
        "evidence",
    ] {
        let (status, _) = app
            .get(&one, &format!("/assemblies/{id}/community/kit/{material}"))
            .await;
        assert_eq!(status, 200, "{material}");
    }
    let (_, guide) = app
        .get(&one, &format!("/assemblies/{id}/community/kit/guide"))
        .await;
    assert!(guide.contains("Read the evidence together."));
    let (_, agenda) = app
        .get(
            &one,
            &format!("/assemblies/{id}/community/kit/agenda?lang=fr"),
        )
        .await;
    assert!(agenda.contains("Ordre du jour"));

    // A bad outcome is refused naming the field, and nothing is stored.
    let response = app
        .post_form(
            &one,
            &format!("/assemblies/{id}/community/host/outcomes"),
            &outcome("Plant trees", "0"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("participants"), "{body}");
    assert_eq!(app.count("community_outcomes").await, 0);

    let response = app
        .post_form(
            &one,
            &format!("/assemblies/{id}/community/host/outcomes"),
            &outcome("Plant trees along every school route", "23"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let accepted_id = outcome_id(&app, "Plant trees along every school route").await;

    // Pending outcomes are not public.
    let (_, list) = app
        .get(&public, &format!("/assemblies/{id}/community"))
        .await;
    assert!(!list.contains("Plant trees"));

    let two = host(
        &app,
        "127.0.0.3",
        id,
        "Ben Host",
        "host.two@example.org",
        "Village Hall",
    )
    .await;
    let response = app
        .post_form(
            &two,
            &format!("/assemblies/{id}/community/host/outcomes"),
            &outcome("Car-free Sundays", "11"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let rejected_id = outcome_id(&app, "Car-free Sundays").await;

    // Another host cannot edit someone else's outcome.
    let response = app
        .post_form(
            &two,
            &format!("/assemblies/{id}/community/host/outcomes/{accepted_id}"),
            &outcome("Hijacked", "99"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        outcome_id(&app, "Plant trees along every school route").await,
        accepted_id
    );
    // Without a host cookie, the outcome form sends the visitor to the key form and stores nothing.
    let response = app
        .post_form(
            &public,
            &format!("/assemblies/{id}/community/host/outcomes"),
            &outcome("Anonymous", "5"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("community_outcomes").await, 2);

    // A bulk decision with an outcome of no such assembly changes nothing.
    let (_, queue) = app
        .get(&organiser, &format!("/staff/assemblies/{id}/community"))
        .await;
    assert!(queue.contains("Plant trees") && queue.contains("Car-free Sundays"));
    assert!(!queue.contains("host.one@example.org"));
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/community/outcomes"),
            &[
                ("outcome", &accepted_id.to_string()),
                ("outcome", "999999"),
                ("decision", "accepted"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 404);
    let accepted_count = "SELECT COUNT(*) FROM community_outcomes WHERE status = 'accepted'";
    assert_eq!(
        store::test_support::count_raw(&app.store, accepted_count)
            .await
            .unwrap(),
        0
    );

    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/community/outcomes"),
            &[
                ("outcome", &accepted_id.to_string()),
                ("decision", "accepted"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{id}/community/outcomes"),
            &[
                ("outcome", &rejected_id.to_string()),
                ("decision", "rejected"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let moderated = "SELECT COUNT(*) FROM audit_log WHERE action = 'community.outcome_moderate'";
    assert_eq!(
        store::test_support::count_raw(&app.store, moderated)
            .await
            .unwrap(),
        2
    );

    let (status, list) = app
        .get(&public, &format!("/assemblies/{id}/community"))
        .await;
    assert_eq!(status, 200);
    assert!(list.contains("Plant trees along every school route"));
    assert!(list.contains("Ana Host, Lycee Jean Moulin"));
    assert!(list.contains("1 community assemblies, 23 participants"));
    assert!(list.contains("<svg"));
    assert!(!list.contains("Car-free Sundays"));
    let (_, page) = app.get(&public, &format!("/assemblies/{id}")).await;
    assert!(
        page.contains("Community assemblies: 1, with 23 participants"),
        "{page}"
    );
    let (_, evidence) = app
        .get(&public, &format!("/assemblies/{id}/evidence"))
        .await;
    assert!(evidence.contains(&format!("/assemblies/{id}/community")));
    assert!(evidence.contains("1 community assemblies with 23 participants"));
    let api: Value = public
        .get(app.url(&format!("/api/v1/assemblies/{id}/community/outcomes")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 1);
    assert_eq!(api["outcomes"][0]["participants"], 23);
    for (path, body) in [
        ("list", &list),
        ("page", &page),
        ("evidence", &evidence),
        ("api", &api.to_string()),
    ] {
        assert!(
            !body.contains("@example.org"),
            "an email on the public {path}"
        );
    }

    // The host withdraws: registration and outcomes are erased, and the public list and evidence follow.
    let response = app
        .post_form(
            &one,
            &format!("/assemblies/{id}/community/host/withdraw"),
            &[],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(location(&response).contains("withdrawn=1"));
    let hosts = "SELECT COUNT(*) FROM community_hosts WHERE email = 'host.one@example.org'";
    assert_eq!(
        store::test_support::count_raw(&app.store, hosts)
            .await
            .unwrap(),
        0
    );
    let (_, list) = app
        .get(&public, &format!("/assemblies/{id}/community"))
        .await;
    assert!(!list.contains("Plant trees"));
    let (_, evidence) = app
        .get(&public, &format!("/assemblies/{id}/evidence"))
        .await;
    assert!(evidence.contains("0 community assemblies with 0 participants"));
}
