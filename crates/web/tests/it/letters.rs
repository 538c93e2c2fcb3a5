//! Print-ready letters (issue 18, item 6): an organiser asks for the letters as PDF files, the job makes them one
//! file at a time with its progress in the run's row, a second run is refused while one is under way, a run held
//! by a live worker is not taken twice and a stale one is taken over, every file is listed with its size and
//! checksum, and only organisers (never a facilitator) reach the page and the files, each download audited.

use std::sync::Arc;

use crate::helpers::{TestApp, client, location};

/// The print page once no run is under way (the job runs in the background of the server).
async fn wait_until_ready(app: &TestApp, organiser: &reqwest::Client, path: &str) -> String {
    for _ in 0..400 {
        let (status, html) = app.get(organiser, path).await;
        assert_eq!(status, 200, "{html}");
        if !html.contains("data-state=\"running\"") {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the print run did not end");
}

async fn audit_text(app: &TestApp) -> String {
    let mut connection = app.store.connection().await.unwrap();
    store::audit::recent(&mut connection, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|row| format!("{} {}\n", row.action, row.after_json.unwrap_or_default()))
        .collect()
}

pub async fn organisers_get_the_letters_as_pdf_files_made_one_batch_at_a_time_off_the_request_path(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let print = format!("/staff/assemblies/{assembly_id}/invitations/print");
    let (status, html) = app.get(&organiser, &print).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"print-form\""), "{html}");

    // A bad form names the field and starts nothing.
    for (paper, per_file, field) in [
        ("a5", "500", "Paper"),
        ("a4", "0", "Letters per file"),
        ("a4", "2001", "Letters per file"),
    ] {
        let response = app
            .post_form(
                &organiser,
                &print,
                &[("paper", paper), ("per_file", per_file)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("{field}: ")), "{html}");
    }
    assert_eq!(app.count("letter_prints").await, 0);

    // The demo's six invitations in files of four: two files, made off the request path.
    let response = app
        .post_form(
            &organiser,
            &print,
            &[("paper", "us-letter"), ("per_file", "4")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), print);
    let html = wait_until_ready(&app, &organiser, &print).await;
    assert!(html.contains("data-state=\"done\""), "{html}");
    assert!(html.contains("6 of 6 letters"), "{html}");
    let mut connection = app.store.connection().await.unwrap();
    let (runs, total) = store::letter_prints::list(&mut connection, assembly_id, 10)
        .await
        .unwrap();
    assert_eq!(total, 1);
    let run = &runs[0];
    assert_eq!(
        (
            run.state.as_str(),
            run.paper.as_str(),
            run.letters_done,
            run.letters_total
        ),
        ("done", "us-letter", 6, 6)
    );
    let files = store::letter_prints::files(&mut connection, run.id)
        .await
        .unwrap();
    drop(connection);
    assert_eq!(
        files
            .iter()
            .map(|file| (file.number, file.first_letter, file.letters))
            .collect::<Vec<_>>(),
        vec![(1, 1, 4), (2, 5, 2)],
        "one file a batch, in the letters' order"
    );
    for file in &files {
        assert!(
            html.contains(&file.sha256),
            "the page lists the checksum of file {}",
            file.number
        );
        let path = format!("{print}/{}/files/{}", run.id, file.number);
        assert!(html.contains(&path), "{html}");
        let response = organiser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(response.headers()["cache-control"], "no-store");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(bytes.len() as i64, file.size);
        use sha2::Digest;
        assert_eq!(
            hex::encode(sha2::Sha256::digest(&bytes)),
            file.sha256,
            "the listed checksum is the file's"
        );
    }
    // Starting and downloading are audited, without an address.
    let audit = audit_text(&app).await;
    assert!(audit.contains("invitations.print {"), "{audit}");
    assert!(audit.contains("invitations.print_end"), "{audit}");
    assert_eq!(
        audit.matches("invitations.print_file").count(),
        2,
        "{audit}"
    );
    let mut connection = app.store.connection().await.unwrap();
    for row in store::recruitment::invitations(&mut connection, assembly_id)
        .await
        .unwrap()
    {
        let first_line = row.address.lines().next().unwrap().to_owned();
        assert!(!audit.contains(&first_line), "no address in the audit log");
    }

    // While a run is under way (here held by another server), a second one is refused and nothing is written.
    let held = store::letter_prints::create(
        &mut connection,
        store::letter_prints::NewPrint {
            assembly_id,
            paper: "a4",
            per_file: 5,
            lang: "fr",
            base_url: "https://assemblee.example.fr/assemblies/1",
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
    let response = app
        .post_form(&organiser, &print, &[("paper", "a4"), ("per_file", "500")])
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("already being made")
    );
    assert_eq!(app.count("letter_prints").await, 2);
    // The page shows the run under way and refreshes itself.
    let (_, html) = app.get(&organiser, &print).await;
    assert!(
        html.contains("http-equiv=\"refresh\"") && html.contains("0 of 6 letters"),
        "{html}"
    );

    // A second server does not take a run that a live worker holds...
    let second = web::AppState {
        store: app.store.clone(),
        config: Arc::new(web::Config::default()),
        stopping: web::Stopping::default(),
    };
    assert_eq!(
        web::recruitment::print::drive(&second, assembly_id, held)
            .await
            .unwrap(),
        0
    );
    assert_eq!(app.count("letter_print_files").await, 2);
    // ...but takes over one whose worker stopped (a stale claim), at its next file, and ends it.
    store::test_support::execute_raw(
        &app.store,
        &format!("UPDATE letter_prints SET claimed_at = 1 WHERE id = {held}"),
    )
    .await
    .unwrap();
    assert_eq!(
        web::recruitment::print::drive(&second, assembly_id, held)
            .await
            .unwrap(),
        2
    );
    let mut connection = app.store.connection().await.unwrap();
    let run = store::letter_prints::get(&mut connection, assembly_id, held)
        .await
        .unwrap();
    assert_eq!((run.state.as_str(), run.letters_done), ("done", 6));
    drop(connection);
    assert_eq!(app.count("letter_print_files").await, 4);

    // The HTML letters show one batch at a time, with a link to the PDF files.
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/invitations/letters"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Letters 1 to 6 of 6") && html.contains(&print),
        "{html}"
    );
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/invitations/letters?batch=2"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("<article class=\"letter\"").count(), 0);

    // Letters carry names and addresses: organisers only.
    let file = format!("{print}/{held}/files/1");
    for role in ["facilitator", "observer", "member"] {
        let other = app.demo_client(role).await;
        for path in [&print, &file] {
            let (status, _) = app.get(&other, path).await;
            assert_eq!(status, 403, "{role} GET {path}");
        }
        let response = app
            .post_form(&other, &print, &[("paper", "a4"), ("per_file", "500")])
            .await;
        assert_eq!(response.status().as_u16(), 403, "{role} POST");
    }
    let response = client().get(app.url(&file)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login");
    assert_eq!(app.count("letter_prints").await, 2);
}

pub async fn organisers_see_the_outcome_of_each_email_to_a_respondent_a_page_at_a_time(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let name = "Émile Outbox-Person";
    let mut tx = app.store.begin().await.unwrap();
    crate::selection::add_respondent(&mut tx, assembly_id, name, "emile@example.org", "{}").await;
    tx.commit().await.unwrap();
    let respondent_id = store::test_support::count_raw(
        &app.store,
        &format!(
            "SELECT MAX(id) FROM respondents WHERE assembly_id = {assembly_id} AND full_name = '{name}'"
        ),
    )
    .await
    .unwrap();
    // What the mail layer records: one confirmation taken by the relay, then 59 codes the relay refused.
    let mut connection = app.store.connection().await.unwrap();
    store::selection::record_email(
        &mut connection,
        "registration",
        Some(respondent_id),
        "sent",
        "",
        1_800_000_000,
    )
    .await
    .unwrap();
    for minute in 1..60 {
        store::selection::record_email(
            &mut connection,
            "sign_in_code",
            Some(respondent_id),
            "failed",
            "RCPT TO: 550",
            1_800_000_000 + 60 * minute,
        )
        .await
        .unwrap();
    }
    drop(connection);
    let emails = format!("/staff/assemblies/{assembly_id}/respondents/emails");
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&emails),
        "the respondents page links to the emails"
    );
    let (status, html) = app.get(&organiser, &emails).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Émile Outbox-Person"), "{html}");
    assert!(
        html.contains("RCPT TO: 550") && html.contains("2027-01-15 08:59"),
        "the newest first, with its time: {html}"
    );
    assert_eq!(html.matches("<tr data-status=").count(), 50, "50 a page");
    assert!(html.contains("?page=2\""), "{html}");
    let (_, html) = app.get(&organiser, &format!("{emails}?page=2")).await;
    assert!(
        html.contains("data-status=\"sent\"")
            && html.contains("Registration confirmation")
            && html.contains("2027-01-15 08:00"),
        "{html}"
    );
    let (_, html) = app
        .get(&organiser, &format!("{emails}?show=failed&page=2"))
        .await;
    assert!(
        !html.contains("data-status=\"sent\""),
        "the failures only: {html}"
    );
    assert_eq!(html.matches("data-status=\"failed\"").count(), 9, "{html}");
    // Names are personal data: organisers only, and each read is logged.
    for role in ["facilitator", "observer", "member"] {
        let other = app.demo_client(role).await;
        let (status, html) = app.get(&other, &emails).await;
        assert_eq!(status, 403, "{role}");
        assert!(!html.contains(name));
    }
    let audit = audit_text(&app).await;
    assert_eq!(audit.matches("respondents.emails").count(), 3, "{audit}");
    assert!(!audit.contains(name));
}
