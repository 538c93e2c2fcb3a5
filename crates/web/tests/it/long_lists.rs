//! Lists that scale beyond the respondents (issue 18, item 5), over HTTP on both backends: 10,000 people with a
//! role, documents, speakers, design comments and recommendations, and 1,000 ballots, inserted in bulk; the pages
//! show 50 at a time under 200 kB with their filters and searches (a name only ever in a POST body), and the API's
//! lists read one page from the store with the whole list's total, behind the same role checks as before.

use serde_json::Value;

use crate::helpers::{TestApp, client, csrf_of};

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
    ten_thousand_people_documents_comments_and_recommendations_page_under_200_kb,
    the_api_lists_read_one_page_from_the_store_with_the_whole_total,
);

/// The largest page a list may send (issue 18, item 5).
const MAX_PAGE_BYTES: usize = 200_000;
const MANY: i64 = 10_000;
const BALLOTS: i64 = 1_000;

/// `WITH RECURSIVE n(i) ... INSERT INTO {into} SELECT {select} FROM n`: `count` rows in one statement, `i` from 1.
async fn insert_many(app: &TestApp, into: &str, select: &str, count: i64) {
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
         INSERT INTO {into} SELECT {select} FROM n"
    );
    store::test_support::execute_raw(&app.store, &sql)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    store::test_support::count_raw(&app.store, sql)
        .await
        .unwrap()
}

/// Seeds `MANY` people, documents, comments and recommendations into the assembly, and `speakers` speakers, through
/// raw bulk statements. Every seeded text has five digits from 10001, so the order by id is the order by text.
async fn seed(app: &TestApp, assembly_id: i64, speakers: i64) {
    let started = std::time::Instant::now();
    insert_many(
        app,
        "accounts (email, display_name, sign_in_method, password_hash, is_admin, created_at)",
        "'listed' || (10000 + i) || '@lists.example', 'Listed Member ' || (10000 + i), 'one_time_code', NULL, 0, 1767225600",
        MANY,
    )
    .await;
    store::test_support::execute_raw(
        &app.store,
        &format!(
            "INSERT INTO assembly_roles (assembly_id, account_id, role)
             SELECT {assembly_id}, id, 'member' FROM accounts WHERE email LIKE '%@lists.example'"
        ),
    )
    .await
    .unwrap();
    insert_many(
        app,
        "evidence (assembly_id, topic, title, url, summary, created_at)",
        &format!(
            "{assembly_id}, CASE WHEN i <= 100 THEN 'Zx rare topic' ELSE 'Zy common topic' END, 'Study ' || (10000 + i), \
             'https://example.org/study/' || i, 'A plain summary of study ' || (10000 + i) || ' about heating and transport.', 1767225600"
        ),
        MANY,
    )
    .await;
    insert_many(
        app,
        "speakers (assembly_id, name, topic, perspective, interests, session_id, created_at)",
        &format!("{assembly_id}, 'Speaker ' || (10000 + i), 'Zy common topic', 'Academic', 'None declared', NULL, 1767225600"),
        speakers,
    )
    .await;
    insert_many(
        app,
        "design_comments (assembly_id, body, status, created_at)",
        &format!(
            "{assembly_id}, 'Comment number ' || (10000 + i) || ' on the design of the process.', \
             CASE WHEN i % 2 = 0 THEN 'approved' ELSE 'pending' END, 1767225600"
        ),
        MANY,
    )
    .await;
    insert_many(
        app,
        "recommendations (assembly_id, reference, title, body, theme, route, support_bp, support_text, minority_report, proposal_id, position, created_at)",
        &format!(
            "{assembly_id}, 'ZR-' || (10000 + i), 'Recommendation ' || (10000 + i), 'What to do, in full.', \
             CASE WHEN i <= 70 THEN 'Zx rare theme' ELSE 'Zy common theme' END, 'law', 9000, '90%', '', NULL, 1000000 + i, 1767225600"
        ),
        MANY,
    )
    .await;
    eprintln!("seeded the lists in {:?}", started.elapsed());
}

/// The `href` of the link with words `label` in `html`.
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

/// GETs a page that must be a 200 under the size limit.
async fn small_page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let (status, html) = app.get(client, path).await;
    assert_eq!(status, 200, "{path}: {html}");
    assert!(
        html.len() < MAX_PAGE_BYTES,
        "{path} weighs {} bytes",
        html.len()
    );
    eprintln!("{path} weighs {} bytes", html.len());
    html
}

pub async fn ten_thousand_people_documents_comments_and_recommendations_page_under_200_kb(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let people_before = count(
        &app,
        &format!("SELECT COUNT(*) FROM assembly_roles WHERE assembly_id = {assembly_id}"),
    )
    .await;
    let members_before = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM assembly_roles WHERE assembly_id = {assembly_id} AND role = 'member'"
        ),
    )
    .await;
    let documents_before = count(
        &app,
        &format!("SELECT COUNT(*) FROM evidence WHERE assembly_id = {assembly_id}"),
    )
    .await;
    let pending_before = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM design_comments WHERE assembly_id = {assembly_id} AND status = 'pending'"
        ),
    )
    .await;
    let approved_before = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM design_comments WHERE assembly_id = {assembly_id} AND status = 'approved'"
        ),
    )
    .await;
    // Speakers are listed whole on the evidence pages (an assembly hears tens of them); the API pages them.
    seed(&app, assembly_id, 20).await;
    let organiser = app.demo_client("organiser").await;

    // The workspace's people: 50 a page, a role filter in links, a search by name only in POST bodies.
    let workspace = format!("/staff/assemblies/{assembly_id}");
    let people = people_before + MANY;
    let pages = (people + 49) / 50;
    let html = small_page(&app, &organiser, &workspace).await;
    assert!(
        html.contains(&format!("Page 1 of {pages}: 1–50 of {people}")),
        "{html}"
    );
    assert_eq!(html.matches("<li id=\"person-").count(), 50);
    let last = link_to(&html, "Last page").unwrap();
    assert_eq!(last, format!("{workspace}?page={pages}"));
    let html = small_page(&app, &organiser, &last).await;
    assert!(
        html.contains("Listed Member 20000"),
        "the last person is on the last page"
    );
    let members = members_before + MANY;
    let html = small_page(&app, &organiser, &format!("{workspace}?role=member&page=2")).await;
    assert!(html.contains(&format!(
        "Page 2 of {}: 51–100 of {members}",
        (members + 49) / 50
    )));
    assert_eq!(
        link_to(&html, "Next page").unwrap(),
        format!("{workspace}?role=member&page=3")
    );
    let csrf = csrf_of(&html);
    let search = format!("{workspace}/people");
    let response = organiser
        .post(app.url(&search))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("q", "listed member 1"),
            ("role", "member"),
            ("page", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let found = response.text().await.unwrap();
    assert!(found.len() < MAX_PAGE_BYTES);
    // "Listed Member 1" matches 10001 to 19999: 9,999 people on 200 pages.
    assert!(found.contains("Page 3 of 200: 101–150 of 9999"), "{found}");
    assert!(found.contains("Listed Member 10101"));
    assert!(found.contains("name=\"q\" value=\"listed member 1\""));
    assert!(
        !found.split("href=\"").skip(1).any(|link| link
            .split('"')
            .next()
            .unwrap()
            .to_lowercase()
            .contains("listed")),
        "a searched name is in a link"
    );
    // Searching the people is for those who see the workspace: the public is sent away, nothing is listed.
    let anonymous = client();
    let anonymous_csrf = app.csrf(&anonymous).await;
    let response = anonymous
        .post(app.url(&search))
        .form(&[("csrf_token", anonymous_csrf.as_str()), ("q", "listed")])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert!(
        matches!(status, 303 | 401 | 403 | 404),
        "the public got {status}"
    );
    assert!(!body.contains("Listed Member"));

    // The evidence library, public and staff: 50 documents a page, a topic filter and a search in links.
    let documents = documents_before + MANY;
    let public = format!("/assemblies/{assembly_id}/evidence");
    let html = small_page(&app, &anonymous, &public).await;
    assert!(html.contains(&format!(
        "Page 1 of {}: 1–50 of {documents}",
        (documents + 49) / 50
    )));
    assert_eq!(
        html.matches("<li class=\"card\"><h3><a href=\"https://")
            .count(),
        50
    );
    let rare = small_page(
        &app,
        &anonymous,
        &format!("{public}?topic=Zx+rare+topic&page=2"),
    )
    .await;
    assert!(rare.contains("Page 2 of 2: 51–100 of 100"), "{rare}");
    assert!(rare.contains("Study 10100"));
    assert!(!rare.contains("Study 10101"));
    assert_eq!(
        link_to(&rare, "Previous page").unwrap(),
        format!("{public}?topic=Zx+rare+topic&page=1")
    );
    let searched = small_page(&app, &anonymous, &format!("{public}?q=STUDY+1999")).await;
    assert!(searched.contains("Page 1 of 1: 1–10 of 10"), "{searched}");
    let staff = format!("/staff/assemblies/{assembly_id}/evidence");
    let html = small_page(&app, &organiser, &format!("{staff}?page=999")).await;
    assert!(
        html.contains("Study 20000"),
        "a page past the end shows the last"
    );
    let nothing = small_page(&app, &organiser, &format!("{staff}?q=no+such+words")).await;
    assert!(nothing.contains("Nothing in the list matches."));

    // The moderation queue and the public page's published comments: 50 a page.
    let pending = pending_before + MANY / 2;
    let queue = format!("/staff/assemblies/{assembly_id}/comments");
    let html = small_page(&app, &organiser, &queue).await;
    assert!(html.contains(&format!(
        "Page 1 of {}: 1–50 of {pending}",
        (pending + 49) / 50
    )));
    assert_eq!(html.matches("<li id=\"comment-").count(), 50);
    let member = app.demo_client("member").await;
    let (status, body) = app.get(&member, &queue).await;
    assert!(matches!(status, 403 | 404), "a member got {status}");
    assert!(!body.contains("Comment number"));
    let approved = approved_before + MANY / 2;
    let page = format!("/assemblies/{assembly_id}");
    let html = small_page(&app, &anonymous, &page).await;
    assert!(html.contains(&format!(
        "Page 1 of {}: 1–50 of {approved}",
        (approved + 49) / 50
    )));
    let last = link_to(&html, "Last page").unwrap();
    let html = small_page(&app, &anonymous, &last).await;
    assert!(html.contains("Comment number 20000 "));
    assert!(
        !html.contains("Comment number 19999 "),
        "pending comments stay unpublished"
    );

    // The staff list of recommendations: 50 a page, a theme filter and a search in links.
    let impact = format!("/staff/assemblies/{assembly_id}/impact");
    let html = small_page(&app, &organiser, &impact).await;
    assert!(html.contains("id=\"headline\""));
    let rare = small_page(
        &app,
        &organiser,
        &format!("{impact}?theme=Zx+rare+theme&page=2"),
    )
    .await;
    assert!(rare.contains("Page 2 of 2: 51–70 of 70"), "{rare}");
    assert!(rare.contains(">ZR-10070</a>"));
    let searched = small_page(&app, &organiser, &format!("{impact}?q=zr-1234")).await;
    assert!(searched.contains("Page 1 of 1: 1–10 of 10"), "{searched}");
    assert!(searched.contains(">ZR-12340</a>"));
}

/// GETs an API path with an optional token; returns the status and the JSON (or the text as a string).
async fn api(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        headers,
    )
}

pub async fn the_api_lists_read_one_page_from_the_store_with_the_whole_total(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let base = format!("/api/v1/assemblies/{assembly_id}");
    let documents_before = count(
        &app,
        &format!("SELECT COUNT(*) FROM evidence WHERE assembly_id = {assembly_id}"),
    )
    .await;
    let speakers_before = count(
        &app,
        &format!("SELECT COUNT(*) FROM speakers WHERE assembly_id = {assembly_id}"),
    )
    .await;
    let approved_before = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM design_comments WHERE assembly_id = {assembly_id} AND status = 'approved'"
        ),
    )
    .await;
    let recommendations_before = count(
        &app,
        &format!("SELECT COUNT(*) FROM recommendations WHERE assembly_id = {assembly_id}"),
    )
    .await;
    seed(&app, assembly_id, MANY).await;
    // A thousand ballots, drafts copied from the demo's first ballot.
    let first = count(
        &app,
        &format!("SELECT MIN(id) FROM ballots WHERE assembly_id = {assembly_id}"),
    )
    .await;
    let ballots_before = count(
        &app,
        &format!("SELECT COUNT(*) FROM ballots WHERE assembly_id = {assembly_id}"),
    )
    .await;
    assert!(ballots_before > 0, "the demo has ballots to copy");
    store::test_support::execute_raw(
        &app.store,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
             INSERT INTO ballots (assembly_id, proposal_id, method, wording, wording_otherwise, options, pass_rule,
                 max_approvals, eligible_members, opens_after, held_when, status, final_wording, result_text, passed,
                 support_bp, created_at)
             SELECT b.assembly_id, NULL, b.method, 'Seeded ballot ' || (10000 + i), b.wording_otherwise, b.options,
                 b.pass_rule, b.max_approvals, b.eligible_members, NULL, b.held_when, 'draft', '', '', NULL, NULL,
                 b.created_at
             FROM ballots b CROSS JOIN n WHERE b.id = {first}",
            BALLOTS - 1
        ),
    )
    .await
    .unwrap();
    let ballots_total = ballots_before + BALLOTS - 1;

    // The public lists, without a token: a page and the whole list's total.
    let (status, evidence, _) =
        api(&app, &format!("{base}/evidence?limit=20&offset=40"), None).await;
    assert_eq!(status, 200, "{evidence}");
    assert_eq!(evidence["documents"]["total"], documents_before + MANY);
    assert_eq!(evidence["documents"]["items"].as_array().unwrap().len(), 20);
    assert_eq!(evidence["speakers"]["total"], speakers_before + MANY);
    assert_eq!(evidence["speakers"]["offset"], 40);
    let (_, last, _) = api(
        &app,
        &format!(
            "{base}/evidence?limit=500&offset={}",
            documents_before + MANY - 1
        ),
        None,
    )
    .await;
    assert_eq!(last["documents"]["items"].as_array().unwrap().len(), 1);
    assert_eq!(last["documents"]["items"][0]["title"], "Study 20000");

    let (status, comments, headers) =
        api(&app, &format!("{base}/comments?limit=500&offset=100"), None).await;
    assert_eq!(status, 200, "{comments}");
    assert_eq!(comments.as_array().unwrap().len(), 500);
    assert_eq!(
        headers["x-total-count"].to_str().unwrap(),
        (approved_before + MANY / 2).to_string()
    );
    let (_, tail, _) = api(
        &app,
        &format!(
            "{base}/comments?limit=2&offset={}",
            approved_before + MANY / 2 - 1
        ),
        None,
    )
    .await;
    assert_eq!(tail.as_array().unwrap().len(), 1);
    assert_eq!(
        tail[0]["body"],
        "Comment number 20000 on the design of the process."
    );
    let (status, refused, _) = api(&app, &format!("{base}/comments?limit=501"), None).await;
    assert_eq!(status, 422, "{refused}");

    let (status, recommendations, _) = api(&app, &format!("{base}/recommendations"), None).await;
    if status == 404 {
        // Not published yet: published here, as the organiser's publish step does.
        let mut connection = app.store.connection().await.unwrap();
        store::publication::publish(&mut connection, assembly_id, None, 1_767_225_600)
            .await
            .unwrap();
    } else {
        assert_eq!(status, 200, "{recommendations}");
    }
    let offset = recommendations_before + MANY - 3;
    let (status, recommendations, _) = api(
        &app,
        &format!("{base}/recommendations?limit=10&offset={offset}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{recommendations}");
    assert_eq!(recommendations["total"], recommendations_before + MANY);
    let items = recommendations["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[2]["reference"], "ZR-20000");
    assert!(
        items[2]["status"]
            .as_str()
            .is_some_and(|status| !status.is_empty())
    );

    // Ballots need a token of a role that sees deliberation.
    let (status, _, _) = api(&app, &format!("{base}/ballots"), None).await;
    assert_eq!(status, 401);
    let observer = app.token_for("observer").await;
    let (status, ballots, _) = api(
        &app,
        &format!("{base}/ballots?limit=100&offset={}", ballots_total - 50),
        Some(&observer),
    )
    .await;
    assert_eq!(status, 200, "{ballots}");
    assert_eq!(ballots["total"], ballots_total);
    let items = ballots["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(
        items[49]["wording"],
        format!("Seeded ballot {}", 10000 + BALLOTS - 1)
    );
    assert!(items.iter().all(|ballot| ballot["result"].is_null()));
    let (status, _, _) = api(&app, &format!("{base}/ballots?offset=-1"), Some(&observer)).await;
    assert_eq!(status, 422);
}
