//! The assembly at work, part A (issue 5, items 1-3): sessions and attendance, evidence and speakers, tables.
//! Who may take attendance, who sees the seating, what the public sees, and allocations computed off the request path.

use std::time::Duration;

use crate::helpers::{TestApp, client, location};

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
    members_cannot_take_attendance_and_the_public_never_sees_the_seating,
    organisers_allocate_tables_off_the_request_path_then_swap_and_pin,
    evidence_speakers_balance_and_questions_without_names_in_public,
);

async fn count(app: &TestApp, sql: &str) -> i64 {
    store::test_support::count_raw(&app.store, sql)
        .await
        .unwrap()
}

async fn audit_text(app: &TestApp) -> String {
    let mut connection = app.store.connection().await.unwrap();
    store::audit::recent(&mut connection, 10_000)
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
        .collect()
}

async fn account_id(app: &TestApp, email: &str) -> i64 {
    count(
        app,
        &format!("SELECT id FROM accounts WHERE email = '{email}'"),
    )
    .await
}

/// Waits until the assembly's latest allocation run is finished (it is computed in the background).
async fn wait_for_runs(app: &TestApp, assembly_id: i64) {
    web::assembly::drain(&app.store).await.unwrap();
    for _ in 0..600 {
        let pending = count(
            app,
            &format!("SELECT COUNT(*) FROM table_runs WHERE assembly_id = {assembly_id} AND status IN ('queued', 'running')"),
        )
        .await;
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the allocation did not finish within 30 seconds");
}

pub async fn members_cannot_take_attendance_and_the_public_never_sees_the_seating(app: TestApp) {
    let assembly = app.climate_id().await;
    let session = count(
        &app,
        &format!("SELECT MIN(id) FROM assembly_sessions WHERE assembly_id = {assembly}"),
    )
    .await;
    let amelie = account_id(&app, "member01@demo.kleroterion.org").await;
    let register = format!("/staff/assemblies/{assembly}/sessions/{session}/attendance");
    let field = format!("m_{amelie}");
    let before = count(&app, "SELECT COUNT(*) FROM attendance").await;
    let status_of = |app: &TestApp| {
        let sql = format!(
            "SELECT CASE status WHEN 'present' THEN 1 WHEN 'late' THEN 2 ELSE 3 END FROM attendance WHERE session_id = {session} AND account_id = {amelie}"
        );
        let app_store = app.store.clone();
        async move {
            store::test_support::count_raw(&app_store, &sql)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        status_of(&app).await,
        1,
        "the demo register has Amélie present"
    );

    // A member can neither open nor post the register.
    let member = app.demo_client("member").await;
    assert_eq!(app.get(&member, &register).await.0, 403);
    let response = app
        .post_form(&member, &register, &[(field.as_str(), "absent")])
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(status_of(&app).await, 1);

    // A facilitator marks her late on the phone register; a bad value changes nothing and names the member.
    let facilitator = app.demo_client("facilitator").await;
    let (status, html) = app.get(&facilitator, &register).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("id=\"{field}_late\"")),
        "one toggle per status and member"
    );
    let response = app
        .post_form(&facilitator, &register, &[(field.as_str(), "sleeping")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Attendance — Amélie Roche: is not valid")
    );
    assert_eq!(status_of(&app).await, 1);
    let response = app
        .post_form(&facilitator, &register, &[(field.as_str(), "late")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(status_of(&app).await, 2);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM attendance").await,
        before,
        "a correction, not a new row"
    );
    let audit = audit_text(&app).await;
    assert!(audit.contains(&format!("attendance.record assembly:{assembly}/session:{session}/attendance {{\"absent\":0,\"late\":1,\"present\":0}}")), "{audit}");
    assert!(!audit.contains("Amélie"), "no names in the audit log");

    // The public sees neither the seating nor anyone's schedule.
    let public = client();
    for path in [
        format!("/staff/assemblies/{assembly}/tables"),
        format!("/assemblies/{assembly}/mine"),
        register.clone(),
    ] {
        let response = public.get(app.url(&path)).send().await.unwrap();
        assert_eq!(
            (response.status().as_u16(), location(&response)),
            (303, "/login".to_owned()),
            "{path}"
        );
    }
    let (status, public_page) = app
        .get(&public, &format!("/assemblies/{assembly}/evidence"))
        .await;
    assert_eq!(status, 200);
    for name in [
        "Amélie Roche",
        "Bastien Morel",
        "Farid Facilitator",
        "Table 1",
    ] {
        assert!(!public_page.contains(name), "the public page shows {name}");
    }

    // A member sees their own table and no one else's; members and facilitators cannot open the seating page.
    let amelie_table = count(
        &app,
        &format!(
            "SELECT table_no FROM table_seats WHERE account_id = {amelie} AND session_id = {session}
             AND run_id = (SELECT MAX(id) FROM table_runs WHERE assembly_id = {assembly} AND status = 'done')"
        ),
    )
    .await;
    let maya = account_id(&app, "member@demo.kleroterion.org").await;
    let maya_table = count(
        &app,
        &format!(
            "SELECT table_no FROM table_seats WHERE account_id = {maya} AND session_id = {session}
             AND run_id = (SELECT MAX(id) FROM table_runs WHERE assembly_id = {assembly} AND status = 'done')"
        ),
    )
    .await;
    let (status, mine) = app
        .get(&member, &format!("/assemblies/{assembly}/mine"))
        .await;
    assert_eq!(status, 200);
    assert!(
        mine.contains(&format!(
            "id=\"my-table-{session}\">Your table: <strong>{}</strong>",
            maya_table + 1
        )),
        "{mine}"
    );
    for name in ["Amélie Roche", "Bastien Morel", "Chloé Garnier"] {
        assert!(!mine.contains(name), "a member sees {name}");
    }
    assert_eq!(
        app.get(&member, &format!("/staff/assemblies/{assembly}/tables"))
            .await
            .0,
        403
    );
    assert_eq!(
        app.get(
            &facilitator,
            &format!("/staff/assemblies/{assembly}/tables")
        )
        .await
        .0,
        403
    );

    // A facilitator sees the members of the tables they facilitate, and only those.
    let farid = account_id(&app, "facilitator@demo.kleroterion.org").await;
    let farid_table = count(
        &app,
        &format!(
            "SELECT table_no FROM table_facilitators WHERE account_id = {farid} AND session_id = {session}
             AND run_id = (SELECT MAX(id) FROM table_runs WHERE assembly_id = {assembly} AND status = 'done')"
        ),
    )
    .await;
    let (_, facilitator_page) = app
        .get(&facilitator, &format!("/assemblies/{assembly}/mine"))
        .await;
    let marker = format!("id=\"facilitated-{session}-{}\"", farid_table + 1);
    let start = facilitator_page
        .find(&marker)
        .expect("Farid's table in the first session");
    let list = &facilitator_page[start..start + facilitator_page[start..].find("</ul>").unwrap()];
    assert!((4..=5).contains(&list.matches("<li>").count()), "{list}");
    assert_eq!(
        list.contains("Amélie Roche"),
        amelie_table == farid_table,
        "Amélie is listed exactly when she sits at Farid's table"
    );

    // Observers oversee the seating and its measures.
    let observer = app.demo_client("observer").await;
    let (status, tables) = app
        .get(&observer, &format!("/staff/assemblies/{assembly}/tables"))
        .await;
    assert_eq!(status, 200);
    assert!(tables.contains("id=\"measures\"") && tables.contains("Amélie Roche"));
    assert!(
        !tables.contains("id=\"swap-form\""),
        "observers change nothing"
    );
}

pub async fn organisers_allocate_tables_off_the_request_path_then_swap_and_pin(app: TestApp) {
    let assembly = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let sessions_path = format!("/staff/assemblies/{assembly}/sessions");
    let before = count(&app, "SELECT COUNT(*) FROM assembly_sessions").await;

    // A session that ends before it starts is refused, naming the field, and what was typed is kept.
    let response = app
        .post_form(
            &organiser,
            &sessions_path,
            &[
                ("session_title", "Weekend 4"),
                ("held_on", "2020-01-10"),
                ("starts_at", "17:00"),
                ("ends_at", "09:00"),
                ("place", "Paris"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Ends at: dates are out of order"), "{html}");
    assert!(html.contains("value=\"Weekend 4\""));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM assembly_sessions").await,
        before
    );

    let mut new_sessions = Vec::new();
    for (title, day) in [("Weekend 4", "2020-01-10"), ("Weekend 5", "2020-01-31")] {
        let response = app
            .post_form(
                &organiser,
                &sessions_path,
                &[
                    ("session_title", title),
                    ("held_on", day),
                    ("starts_at", "09:30"),
                    ("ends_at", "17:00"),
                    ("place", "Paris"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        new_sessions.push(
            count(
                &app,
                &format!("SELECT id FROM assembly_sessions WHERE title = '{title}'"),
            )
            .await,
        );
    }
    let (first, second) = (new_sessions[0], new_sessions[1]);
    let response = app
        .post_form(
            &organiser,
            &format!("{sessions_path}/{first}/agenda"),
            &[
                ("item_starts_at", "9h30"),
                ("minutes", "60"),
                ("item_title", "Welcome"),
                ("topic", "Energy"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Agenda item — Starts at: is not valid")
    );

    // Too many tables for the facilitators is refused before anything is queued.
    let tables_path = format!("/staff/assemblies/{assembly}/tables");
    let first_field = format!("session_{first}");
    let second_field = format!("session_{second}");
    let runs = count(&app, "SELECT COUNT(*) FROM table_runs").await;
    let response = app
        .post_form(
            &organiser,
            &tables_path,
            &[
                (first_field.as_str(), "on"),
                ("seats_per_table", "2"),
                ("with_facilitators", "on"),
                ("seed", "7"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Facilitators: 4 facilitators for 10 tables")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM table_runs").await, runs);

    // The request is answered at once; the allocation is computed in the background.
    let response = app
        .post_form(
            &organiser,
            &tables_path,
            &[
                (first_field.as_str(), "on"),
                (second_field.as_str(), "on"),
                ("seats_per_table", "5"),
                ("with_facilitators", "on"),
                ("seed", "11"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    wait_for_runs(&app, assembly).await;
    let run = count(
        &app,
        &format!("SELECT MAX(id) FROM table_runs WHERE assembly_id = {assembly}"),
    )
    .await;
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM table_runs WHERE id = {run} AND status = 'done'")
        )
        .await,
        1
    );
    let members = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM assembly_roles WHERE assembly_id = {assembly} AND role = 'member'"
        ),
    )
    .await;
    assert_eq!(members, 19);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM table_seats WHERE run_id = {run}")
        )
        .await,
        2 * members
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM table_facilitators WHERE run_id = {run}")
        )
        .await,
        2 * 4
    );
    // Every table has 4 or 5 members.
    for session in [first, second] {
        for table in 0..4 {
            let seated = count(&app, &format!("SELECT COUNT(*) FROM table_seats WHERE run_id = {run} AND session_id = {session} AND table_no = {table}")).await;
            assert!((4..=5).contains(&seated), "table {table} has {seated}");
        }
    }
    let (status, page) = app.get(&organiser, &tables_path).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"pairs-allocated\"") && page.contains("id=\"pairs-random\""));
    assert!(page.contains(&format!("id=\"seating-{first}\"")));

    // A swap exchanges two members' tables in one session only.
    let table_of = |account: i64, session: i64| {
        let sql = format!(
            "SELECT table_no FROM table_seats WHERE run_id = {run} AND session_id = {session} AND account_id = {account}"
        );
        let store = app.store.clone();
        async move { store::test_support::count_raw(&store, &sql).await.unwrap() }
    };
    let a = account_id(&app, "member01@demo.kleroterion.org").await;
    let table_a = table_of(a, first).await;
    let b = count(&app, &format!("SELECT MIN(account_id) FROM table_seats WHERE run_id = {run} AND session_id = {first} AND table_no <> {table_a}")).await;
    let table_b = table_of(b, first).await;
    let mate = count(&app, &format!("SELECT MIN(account_id) FROM table_seats WHERE run_id = {run} AND session_id = {first} AND table_no = {table_a} AND account_id <> {a}")).await;
    let (a_second, b_second) = (table_of(a, second).await, table_of(b, second).await);
    let swap_path = format!("{tables_path}/swap");
    let (a_text, b_text, mate_text, first_text) = (
        a.to_string(),
        b.to_string(),
        mate.to_string(),
        first.to_string(),
    );
    let response = app
        .post_form(
            &organiser,
            &swap_path,
            &[
                ("swap_session", &first_text),
                ("first", &a_text),
                ("second", &mate_text),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("already sit at the same table")
    );
    let response = app
        .post_form(
            &organiser,
            &swap_path,
            &[
                ("swap_session", &first_text),
                ("first", &a_text),
                ("second", &b_text),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        (table_of(a, first).await, table_of(b, first).await),
        (table_b, table_a)
    );
    assert_eq!(
        (table_of(a, second).await, table_of(b, second).await),
        (a_second, b_second)
    );

    // A member pinned to a table sits there in every session of the next allocation; a pinned member cannot be swapped.
    let pin_path = format!("{tables_path}/pins");
    let response = app
        .post_form(
            &organiser,
            &pin_path,
            &[("pin_member", &a_text), ("pin_table", "3")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app
        .post_form(
            &organiser,
            &tables_path,
            &[
                (first_field.as_str(), "on"),
                (second_field.as_str(), "on"),
                ("seats_per_table", "5"),
                ("seed", "12"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    wait_for_runs(&app, assembly).await;
    let run = count(
        &app,
        &format!(
            "SELECT MAX(id) FROM table_runs WHERE assembly_id = {assembly} AND status = 'done'"
        ),
    )
    .await;
    for session in [first, second] {
        let sql = format!(
            "SELECT table_no FROM table_seats WHERE run_id = {run} AND session_id = {session} AND account_id = {a}"
        );
        assert_eq!(
            count(&app, &sql).await,
            2,
            "pinned to the third table (numbered 2 inside)"
        );
    }
    let other = count(&app, &format!("SELECT MIN(account_id) FROM table_seats WHERE run_id = {run} AND session_id = {first} AND table_no <> 2")).await;
    let response = app
        .post_form(
            &organiser,
            &swap_path,
            &[
                ("swap_session", &first_text),
                ("first", &a_text),
                ("second", &other.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("pinned"));

    // Features entered by hand are stored; the audit log keeps their names, never their values.
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/features"),
            &[
                ("features_member", &b_text),
                ("features", "gender=Non-binary\nage band=45-59"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let stored = count(&app, &format!("SELECT COUNT(*) FROM member_features WHERE account_id = {b} AND features_json LIKE '%Non-binary%'")).await;
    assert_eq!(stored, 1);
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/features"),
            &[("features_member", &b_text), ("features", "no equals sign")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Feature values: is not valid")
    );
    let audit = audit_text(&app).await;
    assert!(
        audit.contains("member_features.set") && audit.contains("\"age band\""),
        "{audit}"
    );
    assert!(!audit.contains("Non-binary"));
    assert!(
        audit.contains("tables.swap")
            && audit.contains("tables.allocate")
            && audit.contains("table_pin.set")
    );
}

pub async fn evidence_speakers_balance_and_questions_without_names_in_public(app: TestApp) {
    let assembly = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let staff_path = format!("/staff/assemblies/{assembly}/evidence");
    let evidence_before = count(&app, "SELECT COUNT(*) FROM evidence").await;
    let response = app
        .post_form(
            &organiser,
            &staff_path,
            &[
                ("evidence_topic", "Food"),
                ("evidence_title", "School canteens"),
                ("url", "javascript:alert(1)"),
                ("summary", "Meals."),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(response.contains("Link: is not valid"), "{response}");
    assert!(response.contains("value=\"School canteens\""));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM evidence").await,
        evidence_before
    );
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/evidence"),
            &[
                ("evidence_topic", "Food"),
                ("evidence_title", "School canteens"),
                ("url", "https://example.org/canteens"),
                (
                    "summary",
                    "One vegetarian meal a week halves a canteen's emissions.",
                ),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/speakers"),
            &[
                ("speaker_name", "Jeanne Vert, farmers' union"),
                ("speaker_topic", "Food"),
                ("perspective", "Farmers"),
                ("interests", "Runs a dairy farm"),
                ("speaker_session", ""),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let speaker = count(
        &app,
        "SELECT id FROM speakers WHERE name = 'Jeanne Vert, farmers'' union'",
    )
    .await;

    // A member asks her a question and asks for another speaker; the public sees the question without the name.
    let member = app.demo_client("member").await;
    let response = app
        .post_form(
            &member,
            &format!("/assemblies/{assembly}/questions"),
            &[
                ("speaker_id", &speaker.to_string()),
                ("question", "Can small farms afford the change?"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/assemblies/{assembly}/mine?asked=1")
    );
    let response = app
        .post_form(
            &member,
            &format!("/assemblies/{assembly}/speaker-requests"),
            &[
                ("request_topic", "Food"),
                ("request", "Someone from a supermarket chain"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    // The public cannot ask, and organisers are not the oversight group.
    let public = client();
    let response = app
        .post_form(
            &public,
            &format!("/assemblies/{assembly}/questions"),
            &[("speaker_id", &speaker.to_string()), ("question", "spam")],
        )
        .await;
    assert_eq!(location(&response), "/login");
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/balance-comments"),
            &[("balance_topic", "Food"), ("balance_comment", "x")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let observer = app.demo_client("observer").await;
    let response = app
        .post_form(
            &observer,
            &format!("/staff/assemblies/{assembly}/balance-comments"),
            &[
                ("balance_topic", "Food"),
                ("balance_comment", "Only farmers were heard on food so far."),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    // The question waits for moderation (issue 18, item 8): not public until a moderator accepts it.
    let (_, page) = app
        .get(&public, &format!("/assemblies/{assembly}/evidence"))
        .await;
    assert!(!page.contains("Can small farms afford the change?"));
    let (_, staff_page) = app.get(&organiser, &staff_path).await;
    assert!(
        staff_page.contains("id=\"question-moderation\"")
            && staff_page.contains("Can small farms afford the change?")
    );
    let question = count(
        &app,
        "SELECT id FROM speaker_questions WHERE body = 'Can small farms afford the change?'",
    )
    .await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/questions/moderation"),
            &[
                ("question", &question.to_string()),
                ("decision", "accepted"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    let (status, page) = app
        .get(&public, &format!("/assemblies/{assembly}/evidence"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Can small farms afford the change?"));
    assert!(page.contains("Only farmers were heard on food so far."));
    assert!(page.contains("School canteens") && page.contains("Runs a dairy farm"));
    assert!(
        page.contains("<svg") && page.contains("Perspectives heard on Food"),
        "a balance chart per topic"
    );
    assert!(
        !page.contains("Maya Member"),
        "the author of the question is not shown"
    );
    assert!(
        !page.contains("Someone from a supermarket chain"),
        "speaker requests stay on staff pages"
    );
    let (_, staff_page) = app.get(&organiser, &staff_path).await;
    assert!(staff_page.contains("Someone from a supermarket chain"));
    assert!(staff_page.contains("Maya Member"), "staff see who asked");
    let (_, french) = app
        .get(&public, &format!("/assemblies/{assembly}/evidence?lang=fr"))
        .await;
    assert!(
        french.contains("Équilibre des points de vue")
            && french.contains("Points de vue entendus sur Food")
    );
}
