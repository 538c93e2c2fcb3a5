//! Lists that scale and the registration questions page (issue 18, items 4 and 5), over HTTP on both backends:
//! 10,000 respondents paged 50 at a time with every page under 200 kB and the last respondent reachable by its
//! links; searches by name paged with POST forms so no name reaches a URL; the questions defined before quotas,
//! checked line by line and against the address list's areas, asked by registration without quotas, and then
//! referred to by the quota editor.

use crate::helpers::{TestApp, client, csrf_of, location};

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
    ten_thousand_respondents_page_under_200_kb_to_the_last_one_and_searches_stay_out_of_urls,
    organisers_define_registration_questions_that_registration_asks_without_quotas,
);

/// The largest page a list may send (issue 18, item 5).
const MAX_PAGE_BYTES: usize = 200_000;
const RESPONDENTS: usize = 10_000;

/// Seeds `RESPONDENTS` respondents into the assembly through the store's bulk path; returns their ids in order.
async fn seed_respondents(app: &TestApp, assembly_id: i64) -> Vec<i64> {
    let people: Vec<(String, String)> = (1..=RESPONDENTS)
        .map(|n| {
            (
                format!("Person {n:05}"),
                format!("person{n:05}@example.org"),
            )
        })
        .collect();
    let rows: Vec<store::recruitment::NewRespondent<'_>> = people
        .iter()
        .map(|(name, email)| store::recruitment::NewRespondent {
            assembly_id,
            invitation_id: None,
            full_name: name,
            email,
            phone: "",
            features_json: r#"{"gender":"woman","age_band":"30-44"}"#,
            access_needs_json: "{}",
            consent_at: 1_767_225_600,
        })
        .collect();
    let mut tx = app.store.begin().await.unwrap();
    let ids = store::recruitment::add_respondents(&mut tx, &rows, 1_767_225_600)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids
}

/// The `href` of the link with `rel` or words `label` in `html`.
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

pub async fn ten_thousand_respondents_page_under_200_kb_to_the_last_one_and_searches_stay_out_of_urls(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let started = std::time::Instant::now();
    let ids = seed_respondents(&app, assembly_id).await;
    assert_eq!(ids.len(), RESPONDENTS);
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    eprintln!(
        "seeded {RESPONDENTS} respondents in {:?}",
        started.elapsed()
    );
    let organiser = app.demo_client("organiser").await;
    let list = format!("/staff/assemblies/{assembly_id}/respondents");

    // The first page: 50 people, where the reader is, and links onwards; small enough for a phone.
    let (status, html) = app.get(&organiser, &list).await;
    assert_eq!(status, 200);
    assert!(
        html.len() < MAX_PAGE_BYTES,
        "first page is {} bytes",
        html.len()
    );
    eprintln!(
        "the first page of 50 respondents weighs {} bytes",
        html.len()
    );
    assert!(
        html.contains("Page 1 of 200: 1–50 of 10000"),
        "{}",
        &html[..2000]
    );
    assert!(html.contains(&format!("id=\"respondent-{}\"", ids[0])));
    assert!(html.contains(&format!("id=\"respondent-{}\"", ids[49])));
    assert!(!html.contains(&format!("id=\"respondent-{}\"", ids[50])));
    assert_eq!(html.matches("<tr id=\"respondent-").count(), 50);
    assert_eq!(
        link_to(&html, "Next page").unwrap(),
        format!("{list}?page=2")
    );
    assert!(link_to(&html, "Previous page").is_none());

    // Following the links reaches the last respondent, every page under the limit.
    let mut path = link_to(&html, "Next page").unwrap();
    let (_, second) = app.get(&organiser, &path).await;
    assert!(second.contains(&format!("id=\"respondent-{}\"", ids[50])));
    assert_eq!(
        link_to(&second, "Previous page").unwrap(),
        format!("{list}?page=1")
    );
    path = link_to(&second, "Last page").unwrap();
    assert_eq!(path, format!("{list}?page=200"));
    let (status, last) = app.get(&organiser, &path).await;
    assert_eq!(status, 200);
    assert!(
        last.len() < MAX_PAGE_BYTES,
        "last page is {} bytes",
        last.len()
    );
    assert!(last.contains("Page 200 of 200: 9951–10000 of 10000"));
    assert!(last.contains(&format!("id=\"respondent-{}\"", ids[RESPONDENTS - 1])));
    assert!(link_to(&last, "Next page").is_none());
    // A page past the end (a typed URL) shows the last page, and junk shows the first.
    let (_, past) = app.get(&organiser, &format!("{list}?page=999")).await;
    assert!(past.contains(&format!("id=\"respondent-{}\"", ids[RESPONDENTS - 1])));
    let (status, junk) = app.get(&organiser, &format!("{list}?page=lots")).await;
    assert_eq!(status, 200);
    assert!(junk.contains("Page 1 of 200"));

    // A status filter is not personal data: it pages with links that keep it.
    let mut tx = app.store.begin().await.unwrap();
    for id in &ids[..150] {
        store::recruitment::set_respondent_status(
            &mut tx,
            assembly_id,
            *id,
            domain::respondent::Status::Registered,
            domain::respondent::Status::Eligible,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let (_, eligible) = app
        .get(&organiser, &format!("{list}?status=eligible"))
        .await;
    assert!(eligible.contains("Page 1 of 3: 1–50 of 150"), "{eligible}");
    assert_eq!(
        link_to(&eligible, "Next page").unwrap(),
        format!("{list}?status=eligible&page=2")
    );

    // A search by name pages with POST buttons carrying the search: no name in any link.
    let csrf = csrf_of(&html);
    let response = organiser
        .post(app.url(&list))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("q", "Person 0"),
            ("status", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let searched = response.text().await.unwrap();
    assert!(searched.len() < MAX_PAGE_BYTES);
    assert!(
        searched.contains("Page 1 of 200: 1–50 of 9999"),
        "{searched}"
    );
    assert!(searched.contains("name=\"q\" value=\"Person 0\""));
    assert!(searched.contains("name=\"page\" value=\"2\""));
    assert!(
        !searched.split("href=\"").skip(1).any(|link| link
            .split('"')
            .next()
            .unwrap()
            .contains("Person")),
        "a searched name is in a link"
    );
    let response = organiser
        .post(app.url(&list))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("q", "Person 0"),
            ("status", ""),
            ("page", "200"),
        ])
        .send()
        .await
        .unwrap();
    let last_found = response.text().await.unwrap();
    assert!(last_found.contains("Page 200 of 200: 9951–9999 of 9999"));
    assert!(last_found.contains(&format!("id=\"respondent-{}\"", ids[9_998])));
    assert!(!last_found.contains(&format!("id=\"respondent-{}\"", ids[9_999])));

    // The reads are logged with ids and the page, never the search text.
    let mut connection = app.store.connection().await.unwrap();
    let audit = store::audit::recent(&mut connection, 50).await.unwrap();
    let views: Vec<String> = audit
        .into_iter()
        .filter(|row| row.action == "respondents.view")
        .map(|row| row.after_json.unwrap_or_default())
        .collect();
    assert!(views.iter().any(|facts| facts.contains("\"page\":199")));
    assert!(views.iter().all(|facts| !facts.contains("Person")));
}

pub async fn organisers_define_registration_questions_that_registration_asks_without_quotas(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let page = format!("/staff/assemblies/{assembly_id}/questions");
    let (status, html) = app.get(&organiser, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"no-questions\""), "{html}");
    // Observers may not define questions.
    let observer = app.demo_client("observer").await;
    let (status, _) = app.get(&observer, &page).await;
    assert!(status == 403 || status == 404, "an observer got {status}");

    // A bad line names its line and column, and nothing is stored.
    let response = app
        .post_form(
            &organiser,
            &page,
            &[
                (
                    "questions",
                    "tenure,owner\ntenure,renter\ntransport\ntenure,owner\n",
                ),
                ("area_feature", ""),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Line 3, column 1"), "{html}");
    assert!(html.contains("id=\"questions-error-1\""));
    assert!(html.contains("Line 4, column 2: this feature and value are already on line 1"));
    assert_eq!(app.count("registration_questions").await, 0);

    // The area feature must be a feature, and every area of the address list one of its values.
    let questions = "tenure,owner\ntenure,renter\nregion,Centre\nregion,Nord\n";
    let response = app
        .post_form(
            &organiser,
            &page,
            &[("questions", questions), ("area_feature", "district")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"area_feature-error-1\""), "{html}");
    let response = app
        .post_form(
            &organiser,
            &page,
            &[("questions", questions), ("area_feature", "region")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Areas of the address list that are not values of region: Sud"),
        "{html}"
    );
    assert!(html.contains("id=\"area_feature-error-1\""));
    assert_eq!(app.count("registration_questions").await, 0);

    // Saved, audited, and shown with the area's check.
    let questions =
        "tenure,owner\ntenure,renter\nregion,Centre\nregion,Nord\nregion,Sud\nregion,Ouest\n";
    let response = app
        .post_form(
            &organiser,
            &page,
            &[("questions", questions), ("area_feature", "region")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("{page}?saved=1"));
    assert_eq!(app.count("registration_questions").await, 6);
    let (_, html) = app.get(&organiser, &format!("{page}?saved=1")).await;
    assert!(html.contains("The questions are saved."));
    assert!(html.contains("Every area of the address list is a value of region."));
    assert!(html.contains("Values of region that no address of the list has: Ouest"));
    assert_eq!(
        store::test_support::count_raw(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'questions.save'"
        )
        .await
        .unwrap(),
        1
    );

    // Registration asks the defined questions (not the area, not the defaults) with no quotas saved.
    assert_eq!(app.count("selection_quotas").await, 0);
    let visitor = client();
    let (_, form) = app
        .get(&visitor, &format!("/assemblies/{assembly_id}/register"))
        .await;
    assert!(form.contains("name=\"q_0\""), "{form}");
    assert!(form.contains(">renter<"));
    assert!(!form.contains("name=\"q_1\""), "the area is not asked");
    assert!(!form.contains("name=\"gender\""));

    // The quota editor starts from the questions, and refuses a value that is not one of them.
    let quotas = format!("/staff/assemblies/{assembly_id}/quotas");
    let (_, editor) = app.get(&organiser, &quotas).await;
    assert!(editor.contains("tenure,owner,,,"), "{editor}");
    let response = app
        .post_form(
            &organiser,
            &quotas,
            &[
                ("panel_size", "2"),
                ("seed_source", "a public lottery"),
                ("quotas", "tenure,owner,50,0,2\ntenure,tenant,50,0,2\n"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("tenure,tenant is not a value of the registration questions"),
        "{html}"
    );
    assert_eq!(app.count("selection_quotas").await, 0);
    let response = app
        .post_form(
            &organiser,
            &quotas,
            &[
                ("panel_size", "2"),
                ("seed_source", "a public lottery"),
                ("quotas", "tenure,owner,50,0,2\ntenure,renter,50,0,2\n"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    assert_eq!(app.count("selection_quotas").await, 2);

    // Once quotas refer to them, the questions are locked.
    let (_, html) = app.get(&organiser, &page).await;
    assert!(html.contains("id=\"questions-locked\""));
    let response = app
        .post_form(
            &organiser,
            &page,
            &[
                ("questions", "tenure,owner\ntenure,renter\n"),
                ("area_feature", ""),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(app.count("registration_questions").await, 6);
}
