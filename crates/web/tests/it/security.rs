//! Issue 14, items 8, 9 and 12, as an attacker would try them: anonymous writes from one address until the rate
//! limit, a registration form's token replayed, counters keyed on reversible hashes, the audit page on a long log,
//! and a renamed demo assembly at the next `serve --demo`.

use store::secret::ServerSecret;

use crate::helpers::{TestApp, client, client_from, csrf_of, start_server_with};

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} in page:\n{html}"));
    html[start..].split('"').next().unwrap().to_owned()
}

/// The secret of the second server each scenario starts, so that the test can derive the keys it stores.
fn known_secret() -> ServerSecret {
    ServerSecret::from_bytes([7; 32])
}

/// A server on `app`'s database with a known secret, behind a trusted reverse proxy on 127.0.0.1.
async fn proxied_server(app: &TestApp) -> (TestApp, store::Store) {
    let (address, store, stopping) = start_server_with(
        &app.database_url,
        web::Config {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            secret: known_secret(),
            ..web::Config::default()
        },
    )
    .await;
    let proxied = TestApp {
        address,
        store: store.clone(),
        database_url: app.database_url.clone(),
        stopping,
    };
    (proxied, store)
}

async fn public_answers(app: &TestApp, assembly_id: i64) -> i64 {
    let mut connection = app.store.connection().await.unwrap();
    store::impact::survey_results(&mut connection, assembly_id)
        .await
        .unwrap()
        .iter()
        .filter(|count| count.item.as_str() == "awareness")
        .map(|count| count.count)
        .sum()
}

async fn stored_keys(app: &TestApp, table: &str) -> Vec<String> {
    store::test_support::texts_raw(&app.store, &format!("SELECT key_hash FROM {table}"))
        .await
        .unwrap()
}

/// Posts one public survey answer sheet from `visitor`, through `app`, with an optional `X-Forwarded-For`.
async fn answer_survey(
    app: &TestApp,
    visitor: &reqwest::Client,
    assembly_id: i64,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let (status, html) = app
        .get(visitor, &format!("/assemblies/{assembly_id}/survey"))
        .await;
    assert_eq!(status, 200);
    let token = csrf_of(&html);
    let mut request = visitor
        .post(app.url(&format!("/assemblies/{assembly_id}/survey")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("awareness", "4"),
            ("support", "5"),
        ]);
    if let Some(forwarded) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded);
    }
    request.send().await.unwrap()
}

pub async fn anonymous_survey_answers_and_comments_are_rate_limited_per_client_address(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let limits = web::limits::PublicLimits::DEFAULT;
    let answers_before = public_answers(&app, assembly_id).await;
    let audit_before = app.count("audit_log").await;

    // A script sends 50 answer sheets from one address: the first 30 count, the rest get 429 and write nothing.
    let script = client();
    let mut statuses = Vec::new();
    let mut refused = None;
    for _ in 0..50 {
        let response = answer_survey(&app, &script, assembly_id, None).await;
        statuses.push(response.status().as_u16());
        if response.status().as_u16() == 429 && refused.is_none() {
            refused = Some(response);
        }
    }
    let accepted = limits.survey_answers.per_hour as usize;
    assert_eq!(accepted, 30);
    assert!(
        statuses[..accepted].iter().all(|status| *status == 303),
        "{statuses:?}"
    );
    assert!(
        statuses[accepted..].iter().all(|status| *status == 429),
        "{statuses:?}"
    );
    let refused = refused.unwrap();
    let retry_after: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Too many submissions came from your connection recently")
            && page.contains("You can try again in about"),
        "{page}"
    );
    assert_eq!(public_answers(&app, assembly_id).await - answers_before, 30);
    assert_eq!(
        app.count("audit_log").await - audit_before,
        30,
        "a refused answer leaves no audit entry"
    );

    // Design comments: the page's form and the API share one count.
    let comments_before = app.count("design_comments").await;
    let (_, page) = app
        .get(&script, &format!("/assemblies/{assembly_id}"))
        .await;
    let token = csrf_of(&page);
    for index in 0..limits.comments.per_hour {
        let response = script
            .post(app.url(&format!("/assemblies/{assembly_id}/comments")))
            .form(&[
                ("body", format!("Comment number {index}")),
                ("csrf_token", token.clone()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303, "comment {index}");
    }
    let response = script
        .post(app.url(&format!("/assemblies/{assembly_id}/comments")))
        .form(&[("body", "One too many"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let api = reqwest::Client::new();
    let response = api
        .post(app.url(&format!("/api/v1/assemblies/{assembly_id}/comments")))
        .json(&serde_json::json!({ "body": "Through the API" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["retry_after_seconds"].as_i64(), Some(retry_after));
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("too many submissions"),
        "{body}"
    );
    // Without a trusted proxy, a forged X-Forwarded-For changes nothing: the socket's address is counted.
    let response = api
        .post(app.url(&format!("/api/v1/assemblies/{assembly_id}/comments")))
        .header("x-forwarded-for", "198.51.100.77")
        .json(&serde_json::json!({ "body": "From a forged address" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(app.count("design_comments").await - comments_before, 10);
    // Another address is counted apart.
    let neighbour = client_from("127.0.0.2");
    let response = neighbour
        .post(app.url(&format!("/api/v1/assemblies/{assembly_id}/comments")))
        .json(&serde_json::json!({ "body": "From next door" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(app.count("design_comments").await - comments_before, 11);

    // The counters are keyed on the address under a key derived from the server secret: neither the address nor
    // its plain SHA-256, which hashing every IPv4 address would reverse.
    let keys = stored_keys(&app, "rate_limits").await;
    assert!(!keys.is_empty());
    for label in ["survey-hour", "survey-day", "comment-hour", "comment-day"] {
        let plain = store::sha256_hex(format!("{label}:127.0.0.1").as_bytes());
        assert!(!keys.contains(&plain), "{label} is keyed on a plain hash");
        assert!(keys.iter().all(|key| !key.contains("127.0.0.1")));
    }

    // Behind a trusted proxy, the address it reports is counted: two forwarded clients apart, and the left part of
    // the header (whatever the client wrote) is not believed.
    let (proxied, proxied_store) = proxied_server(&app).await;
    let proxy = client();
    let mut statuses = Vec::new();
    for index in 0..32 {
        let forged = format!("203.0.113.{index}, 198.51.100.1");
        let response = answer_survey(&proxied, &proxy, assembly_id, Some(&forged)).await;
        statuses.push(response.status().as_u16());
    }
    assert!(
        statuses[..30].iter().all(|status| *status == 303),
        "{statuses:?}"
    );
    assert!(
        statuses[30..].iter().all(|status| *status == 429),
        "{statuses:?}"
    );
    let response = answer_survey(&proxied, &proxy, assembly_id, Some("198.51.100.2")).await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "another client behind the proxy"
    );
    assert_eq!(public_answers(&app, assembly_id).await - answers_before, 61);
    let keys = stored_keys(&app, "rate_limits").await;
    let secret = known_secret();
    for client in ["198.51.100.1", "198.51.100.2"] {
        assert!(keys.contains(&secret.private_key(&format!("survey-hour:{client}"))));
        let plain = store::sha256_hex(format!("survey-hour:{client}").as_bytes());
        assert!(!keys.contains(&plain));
    }
    assert!(
        !keys.contains(&secret.private_key("survey-hour:203.0.113.0")),
        "the client-written part of X-Forwarded-For is not counted"
    );

    // The sign-in throttle's keys too: a wrong password leaves keys derived from the secret, no plain hash.
    let token = proxied.csrf(&proxy).await;
    let response = proxy
        .post(proxied.url("/login"))
        .header("x-forwarded-for", "198.51.100.9")
        .form(&[
            ("email", "observer@demo.kleroterion.org"),
            ("password", "not the password"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(
        response.status().as_u16(),
        303,
        "a wrong password does not sign in"
    );
    let throttle = stored_keys(&app, "login_throttle").await;
    let pair = "login:observer@demo.kleroterion.org|198.51.100.9";
    assert!(throttle.contains(&secret.private_key(pair)), "{throttle:?}");
    for value in [
        pair,
        "login:observer@demo.kleroterion.org",
        "login-client:198.51.100.9",
    ] {
        assert!(
            !throttle.contains(&store::sha256_hex(value.as_bytes())),
            "{value}"
        );
    }
    proxied_store.close().await;
}

async fn post_registration(
    app: &TestApp,
    visitor: &reqwest::Client,
    assembly_id: i64,
    form_token: &str,
    code: &str,
    (name, email): (&str, &str),
    consent: bool,
) -> reqwest::Response {
    let (_, html) = app
        .get(visitor, &format!("/assemblies/{assembly_id}/register"))
        .await;
    let csrf = csrf_of(&html);
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("form_token", form_token),
        ("invitation_code", code),
        ("full_name", name),
        ("email", email),
        ("gender", "woman"),
        ("age_band", "30-44"),
    ];
    if consent {
        form.push(("consent", "1"));
    }
    visitor
        .post(app.url(&format!("/assemblies/{assembly_id}/register")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

pub async fn a_registration_form_token_registers_once(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let (proxied, proxied_store) = proxied_server(&app).await;
    let codes: Vec<String> = {
        let mut connection = app.store.connection().await.unwrap();
        store::recruitment::invitations(&mut connection, assembly_id)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.code)
            .collect()
    };
    let visitor = client();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let (_, html) = proxied
            .get(&visitor, &format!("/assemblies/{assembly_id}/register"))
            .await;
        tokens.push(value_of(&html, "form_token"));
    }
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;

    // The token registers once; replayed for someone else, it is refused and nothing is written.
    let response = post_registration(
        &proxied,
        &visitor,
        assembly_id,
        &tokens[0],
        &codes[0],
        ("Ada First", "ada.first@example.org"),
        true,
    )
    .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let audit_after_first = app.count("audit_log").await;
    let response = post_registration(
        &proxied,
        &visitor,
        assembly_id,
        &tokens[0],
        &codes[1],
        ("Bot Replay", "bot@example.org"),
        true,
    )
    .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This form has already been used for a registration")
    );
    assert_eq!(app.count("respondents").await, 1);
    assert_eq!(app.count("audit_log").await, audit_after_first);

    // Two simultaneous uses of one token (a household with two free seats): exactly one registers.
    let both = [
        ("Twin One", "twin.one@example.org"),
        ("Twin Two", "twin.two@example.org"),
    ]
    .map(|(name, email)| {
        let (proxied, visitor, token, code) =
            (&proxied, &visitor, tokens[1].clone(), codes[2].clone());
        async move {
            post_registration(
                proxied,
                visitor,
                assembly_id,
                &token,
                &code,
                (name, email),
                true,
            )
            .await
            .status()
            .as_u16()
        }
    });
    let [first, second] = both;
    let (first, second) = tokio::join!(first, second);
    let mut statuses = [first, second];
    statuses.sort();
    assert_eq!(statuses, [303, 409]);
    assert_eq!(app.count("respondents").await, 2);

    // A refused registration does not spend its token: the person corrects the form and sends it again. The spent
    // tokens that have expired are forgotten.
    store::test_support::execute_raw(
        &app.store,
        "INSERT INTO used_form_tokens (token_hash, expires_at) VALUES ('expired', 1)",
    )
    .await
    .unwrap();
    let response = post_registration(
        &proxied,
        &visitor,
        assembly_id,
        &tokens[2],
        &codes[3],
        ("Bea Late", "bea@example.org"),
        false,
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let response = post_registration(
        &proxied,
        &visitor,
        assembly_id,
        &tokens[2],
        &codes[3],
        ("Bea Late", "bea@example.org"),
        true,
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("respondents").await, 3);
    assert_eq!(
        app.count("used_form_tokens").await,
        3,
        "three spent, the expired one gone"
    );
    let stored =
        store::test_support::texts_raw(&app.store, "SELECT token_hash FROM used_form_tokens")
            .await
            .unwrap();
    assert!(
        stored.iter().all(|hash| !tokens.contains(hash)),
        "tokens are stored hashed"
    );

    // The registration rate limit is keyed under the secret, not on the plain hash of the address.
    let keys = stored_keys(&app, "rate_limits").await;
    assert!(keys.contains(&known_secret().private_key("register:127.0.0.1")));
    assert!(!keys.contains(&store::sha256_hex(b"register:127.0.0.1")));
    proxied_store.close().await;
}

pub async fn the_audit_page_checks_new_entries_and_a_slice_of_old_ones_and_pages_the_log(
    app: TestApp,
) {
    let admin = app.demo_client("admin").await;
    // A longer log: 250 more entries.
    {
        let mut connection = app.store.connection().await.unwrap();
        for index in 0..250 {
            let entity = format!("test:{index}");
            let change = store::audit::Change {
                actor_account_id: None,
                action: "test.entry",
                entity: &entity,
                before_json: None,
                after_json: Some("{}"),
            };
            store::audit::append(&mut connection, &change, 1_700_000_000)
                .await
                .unwrap();
        }
    }
    let entries = app.count("audit_log").await;
    let (status, page) = app.get(&admin, "/staff/audit").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("The hash chain is intact. Entries: {entries}")),
        "{page}"
    );
    assert_eq!(page.matches("<tr><td>").count(), 100, "one page of entries");
    assert!(page.contains(&format!("<td>{entries}</td>")));
    let older = format!("/staff/audit?before={}", entries - 99);
    assert!(page.contains(&format!("href=\"{older}\"")), "{page}");
    let (status, page) = app.get(&admin, &older).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<td>{}</td>", entries - 100)));
    assert!(!page.contains(&format!("<td>{}</td>", entries - 99)));
    assert!(page.contains("Newer entries"));
    let (status, _) = app.get(&admin, "/staff/audit?before=abc").await;
    assert_eq!(status, 400);
    let checkpoint = store::test_support::count_raw(&app.store, "SELECT seq FROM audit_checkpoint")
        .await
        .unwrap();
    assert_eq!(checkpoint, entries, "the checkpoint moved to the head");

    // An entry edited after the checkpoint is found at the next view.
    {
        let mut connection = app.store.connection().await.unwrap();
        for index in 0..3 {
            let entity = format!("late:{index}");
            let change = store::audit::Change {
                actor_account_id: None,
                action: "test.entry",
                entity: &entity,
                before_json: None,
                after_json: None,
            };
            store::audit::append(&mut connection, &change, 1_700_000_000)
                .await
                .unwrap();
        }
    }
    let edited = entries + 2;
    let tamper = |sql: String| {
        let store = app.store.clone();
        async move {
            store::test_support::execute_raw(&store, &sql)
                .await
                .unwrap()
        }
    };
    tamper(format!(
        "UPDATE audit_log SET entity = 'forged' WHERE seq = {edited}"
    ))
    .await;
    let (_, page) = app.get(&admin, "/staff/audit").await;
    assert!(
        page.contains(&format!("The hash chain is broken at entry {edited}")),
        "{page}"
    );
    tamper(format!(
        "UPDATE audit_log SET entity = 'late:1' WHERE seq = {edited}"
    ))
    .await;
    let (_, page) = app.get(&admin, "/staff/audit").await;
    assert!(
        page.contains(&format!("Entries: {}", entries + 3)),
        "{page}"
    );

    // An old entry edited (before the checkpoint) is found by the full verification at once, and by the page's
    // sweep over the older entries within two views here (the sweep first finishes the entries it had not reached,
    // then starts again from the first; with a million entries, within a hundred views).
    let original =
        store::test_support::texts_raw(&app.store, "SELECT entity FROM audit_log WHERE seq = 5")
            .await
            .unwrap()
            .remove(0);
    tamper("UPDATE audit_log SET entity = 'forged' WHERE seq = 5".to_owned()).await;
    let mut connection = app.store.connection().await.unwrap();
    let broken = store::audit::verify(&mut connection)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, 5);
    drop(connection);
    let mut found = false;
    for _ in 0..2 {
        let (_, page) = app.get(&admin, "/staff/audit").await;
        found |= page.contains("The hash chain is broken at entry 5");
    }
    assert!(found, "the sweep reaches entry 5");
    tamper(format!(
        "UPDATE audit_log SET entity = '{original}' WHERE seq = 5"
    ))
    .await;
    let (_, page) = app.get(&admin, "/staff/audit").await;
    assert!(page.contains("The hash chain is intact"), "{page}");

    // A rewrite that recomputed every hash up to the head changes the checkpoint's entry: found at once.
    let checkpoint = store::test_support::count_raw(&app.store, "SELECT seq FROM audit_checkpoint")
        .await
        .unwrap();
    tamper(format!(
        "UPDATE audit_log SET hash = '{}' WHERE seq = {checkpoint}",
        "f".repeat(64)
    ))
    .await;
    let (_, page) = app.get(&admin, "/staff/audit").await;
    assert!(
        page.contains(&format!("The hash chain is broken at entry {checkpoint}")),
        "{page}"
    );
}

pub async fn a_renamed_demo_assembly_is_not_seeded_again_at_the_next_start(app: TestApp) {
    let climate = app.climate_id().await;
    let assemblies = app.count("assemblies").await;
    let invitations = app.count("invitations").await;
    let recommendations = app.count("recommendations").await;
    // Rename both demo assemblies, as their organisers may.
    store::test_support::execute_raw(
        &app.store,
        "UPDATE assemblies SET title = title || ' (renamed)'",
    )
    .await
    .unwrap();
    // `klero serve --demo` against the same database: the seeding runs again, and so does a fresh server.
    web::demo::seed(&app.store)
        .await
        .expect("the demo seeds again after a rename");
    let (address, second_store, _stopping) =
        start_server_with(&app.database_url, web::Config::default()).await;
    web::demo::seed(&second_store)
        .await
        .expect("a second server seeds too");
    let response = client()
        .get(format!("{address}/assemblies/{climate}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("(renamed)"));
    assert_eq!(
        app.count("assemblies").await,
        assemblies,
        "nothing seeded twice"
    );
    assert_eq!(app.count("invitations").await, invitations);
    assert_eq!(app.count("recommendations").await, recommendations);
    assert_eq!(app.count("demo_assemblies").await, 2);
    second_store.close().await;
}
