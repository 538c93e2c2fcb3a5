//! Recruitment scenarios (issue 4): the invitation lottery, letters, public registration with its bot protection,
//! and the respondents list; personal data stays on organisers' pages and out of the audit log and public pages.

use crate::helpers::{TestApp, client, csrf_of, location};
use domain::respondent::Status;

const ADDRESSES: &str = "id,address,area
a1,10 Test Lane,Hill
a2,11 Test Lane,Hill
a3,12 Test Lane,Hill
a4,13 Test Lane,Hill
b1,1 River Walk,Valley
b2,2 River Walk,Valley
b3,3 River Walk,Valley
b4,4 River Walk,Valley
";

fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} in page:\n{html}"));
    html[start..].split('"').next().unwrap().to_owned()
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

async fn invitations(app: &TestApp, assembly_id: i64) -> Vec<store::recruitment::InvitationRow> {
    let mut connection = app.store.connection().await.unwrap();
    store::recruitment::invitations(&mut connection, assembly_id)
        .await
        .unwrap()
}

pub async fn organisers_draw_invitations_and_print_letters_that_others_cannot_see(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let lottery = format!("/staff/assemblies/{assembly_id}/invitations");
    let before = invitations(&app, assembly_id).await.len();
    assert_eq!(before, 6, "the demo seed draws six invitations");

    // A CSV error names the line and column, and nothing is stored.
    let bad = "id,address,area\nx1,1 Somewhere,North\nx2,,North\n";
    let response = app
        .post_form(
            &organiser,
            &lottery,
            &[
                ("addresses", bad),
                ("invitations", "1"),
                ("seed", "s"),
                ("household_capacity", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("line 3 column 2"), "{html}");
    let response = app
        .post_form(
            &organiser,
            &lottery,
            &[
                ("addresses", ADDRESSES),
                ("invitations", "20"),
                ("seed", "s"),
                ("household_capacity", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("cannot draw 20 invitations from 8 addresses")
    );
    assert_eq!(invitations(&app, assembly_id).await.len(), before);

    // A weighted draw is stored with its report and audited without any address.
    let response = app
        .post_form(
            &organiser,
            &lottery,
            &[
                ("addresses", ADDRESSES),
                ("invitations", "4"),
                ("seed", "integration seed"),
                ("weights", "Valley=3"),
                ("household_capacity", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("{lottery}?drawn=1"));
    let rows = invitations(&app, assembly_id).await;
    assert_eq!(rows.len(), before + 4);
    let new_rows = &rows[before..];
    assert_eq!(
        new_rows.iter().filter(|row| row.area == "Valley").count(),
        3
    );
    let (status, html) = app.get(&organiser, &format!("{lottery}?drawn=1")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("integration seed") && html.contains("Valley"),
        "{html}"
    );
    let audit = audit_text(&app).await;
    assert!(audit.contains("invitations.draw"), "{audit}");
    assert!(
        !audit.contains("Test Lane") && !audit.contains("River Walk"),
        "{audit}"
    );

    // The same seed again would repeat the codes: refused, nothing stored.
    let response = app
        .post_form(
            &organiser,
            &lottery,
            &[
                ("addresses", ADDRESSES),
                ("invitations", "4"),
                ("seed", "integration seed"),
                ("household_capacity", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(invitations(&app, assembly_id).await.len(), before + 4);

    // Letters: one per invitation, with address, code, URL and QR code; and the mail-merge CSV.
    let letters_path = format!("{lottery}/letters");
    let (status, html) = app.get(&organiser, &letters_path).await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches("<article class=\"letter\"").count(),
        before + 4
    );
    assert_eq!(html.matches("<svg").count(), before + 4);
    for row in new_rows {
        assert!(html.contains(&row.code), "letter for {}", row.code);
        assert!(html.contains(&row.address), "address of {}", row.code);
        let compact = row.code.replace('-', "");
        assert!(html.contains(&format!("/assemblies/{assembly_id}/r/{compact}")));
    }
    // The printed links come from the configured public address, never from a Host header the client forged.
    let (public_address, _public_store, _public_stopping) = crate::helpers::start_server_with(
        &app.database_url,
        web::Config {
            public_url: Some("https://assembly.example.org".to_owned()),
            ..web::Config::default()
        },
    )
    .await;
    let response = organiser
        .get(format!("{public_address}{letters_path}"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "https://assembly.example.org/assemblies/{assembly_id}/r/"
        )),
        "letters link to the public address"
    );
    assert!(
        !html.contains("evil.example"),
        "a forged Host is never printed"
    );
    let response = organiser
        .get(app.url(&format!("{lottery}/mail-merge.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{:?}",
        response.headers()
    );
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("id,address,area,code,url\r\n"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + before + 4);
    assert!(csv.contains(&new_rows[0].code) && csv.contains(&new_rows[0].address));

    // Nobody else sees letters or addresses.
    for role in ["observer", "member", "facilitator"] {
        let other = app.demo_client(role).await;
        for path in [&letters_path, &lottery] {
            let (status, html) = app.get(&other, path).await;
            assert_eq!(status, 403, "{role} {path}");
            assert!(!html.contains("Test Lane"));
        }
    }
    let response = client().get(app.url(&letters_path)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/login");
}

async fn post_registration(
    app: &TestApp,
    visitor: &reqwest::Client,
    assembly_id: i64,
    token: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, html) = app
        .get(visitor, &format!("/assemblies/{assembly_id}/register"))
        .await;
    let csrf = csrf_of(&html);
    let mut form: Vec<(&str, &str)> = vec![("csrf_token", &csrf), ("form_token", token)];
    form.extend_from_slice(fields);
    visitor
        .post(app.url(&format!("/assemblies/{assembly_id}/register")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

fn person<'a>(code: &'a str, name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("invitation_code", code),
        ("full_name", name),
        ("email", email),
        ("phone", "+33 6 12 34 56 78"),
        ("gender", "woman"),
        ("age_band", "30-44"),
        ("childcare", "1"),
        ("access_details", "Step-free access please"),
        ("consent", "1"),
    ]
}

pub async fn registration_checks_codes_bots_and_household_seats(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let rows = invitations(&app, assembly_id).await;
    let code = rows[0].code.clone();
    assert_eq!(rows[0].capacity, 2);
    let visitor = client();
    let (status, html) = app
        .get(&visitor, &format!("/assemblies/{assembly_id}/register"))
        .await;
    assert_eq!(status, 200);
    let token = value_of(&html, "form_token");
    assert!(
        html.contains("class=\"hp\"") && html.contains("name=\"website\""),
        "the honeypot is in the form"
    );
    let (status, french) = app
        .get(
            &client(),
            &format!("/assemblies/{assembly_id}/register?lang=fr"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        french.contains("Code d") && french.contains("Nom complet"),
        "{french}"
    );

    // Too fast: refused with a message, nothing stored.
    let response = post_registration(
        &app,
        &visitor,
        assembly_id,
        &token,
        &person(&code, "Ada Quick", "ada@example.org"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("too quickly"));
    assert_eq!(app.count("respondents").await, 0);

    // The honeypot filled: looks like success, stores nothing.
    let mut bot = person(&code, "Bot", "bot@example.org");
    bot.push(("website", "http://spam.example"));
    let response = post_registration(&app, &visitor, assembly_id, &token, &bot).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/assemblies/{assembly_id}/registered")
    );
    assert_eq!(app.count("respondents").await, 0);
    let used: i64 = invitations(&app, assembly_id).await[0].used;
    assert_eq!(used, 0);

    // Each registration spends its form's token (issue 14, item 9), so each person below gets a form of their own.
    let mut more_tokens = Vec::new();
    for _ in 0..2 {
        let (_, html) = app
            .get(&visitor, &format!("/assemblies/{assembly_id}/register"))
            .await;
        more_tokens.push(value_of(&html, "form_token"));
    }
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;

    // A forged token is refused even when old enough.
    let forged = format!("{}.{}", token.split('.').next().unwrap(), "0".repeat(64));
    let response = post_registration(
        &app,
        &visitor,
        assembly_id,
        &forged,
        &person(&code, "Ada", "ada@example.org"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);

    // A mistyped check character, an unknown code, a missing consent: each named, nothing stored.
    let mut mistyped = code.clone();
    let last = mistyped.pop().unwrap();
    mistyped.push(if last == '0' { '1' } else { '0' });
    let response = post_registration(
        &app,
        &visitor,
        assembly_id,
        &token,
        &person(&mistyped, "Ada", "ada@example.org"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Invitation code: one character looks mistyped")
    );
    let unknown = recruitment::codes::InvitationCode::from_bits(0x1234_5678_9abc).to_string();
    assert!(rows.iter().all(|row| row.code != unknown));
    let response = post_registration(
        &app,
        &visitor,
        assembly_id,
        &token,
        &person(&unknown, "Ada", "ada@example.org"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Invitation code: no invitation to this assembly has this code")
    );
    let mut no_consent = person(&code, "Ada", "ada@example.org");
    no_consent.retain(|(name, _)| *name != "consent");
    let response = post_registration(&app, &visitor, assembly_id, &token, &no_consent).await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Consent: please tick the box")
    );
    assert_eq!(app.count("respondents").await, 0);

    // The household has two seats: lower case and spaces are fine, a third registration is refused.
    let typed = code.to_lowercase().replace('-', " ");
    for (name, email, token) in [
        ("Ada Lovelace", "ada@example.org", &token),
        ("Byron Lovelace", "byron@example.org", &more_tokens[0]),
    ] {
        let response = post_registration(
            &app,
            &visitor,
            assembly_id,
            token,
            &person(&typed, name, email),
        )
        .await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "{}",
            response.text().await.unwrap()
        );
        let target = location(&response);
        assert_eq!(target, format!("/assemblies/{assembly_id}/registered"));
    }
    let response = post_registration(
        &app,
        &visitor,
        assembly_id,
        &more_tokens[1],
        &person(&code, "Third Person", "third@example.org"),
    )
    .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("every place of this household has already been taken")
    );
    assert_eq!(app.count("respondents").await, 2);
    assert_eq!(invitations(&app, assembly_id).await[0].used, 2);

    // The QR code's address fills the code in.
    let compact = code.replace('-', "");
    let (status, html) = app
        .get(&visitor, &format!("/assemblies/{assembly_id}/r/{compact}"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("value=\"{code}\"")), "{html}");

    // Public pages show a count, never a name; the audit log has ids only.
    let (_, html) = app
        .get(&client(), &format!("/assemblies/{assembly_id}/registered"))
        .await;
    assert!(!html.contains("Lovelace"));
    let (_, html) = app
        .get(&client(), &format!("/assemblies/{assembly_id}"))
        .await;
    assert!(
        html.contains("<strong id=\"registered-count\">2</strong>"),
        "{html}"
    );
    assert!(!html.contains("Lovelace") && !html.contains("ada@example.org"));

    // Organisers see and search respondents (each view audited); observers see counts only.
    let organiser = app.demo_client("organiser").await;
    let respondents = format!("/staff/assemblies/{assembly_id}/respondents");
    let (status, html) = app.get(&organiser, &respondents).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Ada Lovelace")
            && html.contains("byron@example.org")
            && html.contains("Childcare")
    );
    let response = app
        .post_form(
            &organiser,
            &respondents,
            &[("q", "BYRON"), ("status", "registered")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Byron Lovelace") && !html.contains("Ada Lovelace"),
        "{html}"
    );
    let observer = app.demo_client("observer").await;
    let (status, html) = app.get(&observer, &respondents).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("Lovelace") && !html.contains("example.org"),
        "{html}"
    );
    assert!(html.contains("<td>2</td>"), "{html}");
    let audit = audit_text(&app).await;
    assert_eq!(audit.matches("respondents.view").count(), 2, "{audit}");
    assert_eq!(audit.matches("respondent.register").count(), 2, "{audit}");
    for personal in [
        "Lovelace",
        "ada@example.org",
        "12 34 56",
        "Step-free",
        "BYRON",
    ] {
        assert!(!audit.contains(personal), "{personal} in the audit log");
    }
    let member = app.demo_client("member").await;
    let (status, _) = app.get(&member, &respondents).await;
    assert_eq!(status, 403);
}

async fn respondent_row(
    app: &TestApp,
    assembly_id: i64,
    id: i64,
) -> store::recruitment::RespondentRow {
    let mut connection = app.store.connection().await.unwrap();
    store::recruitment::respondent(&mut connection, assembly_id, id)
        .await
        .unwrap()
}

pub async fn organisers_change_statuses_with_a_reason_erase_and_export_respondents(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let code = invitations(&app, assembly_id).await[0].code.clone();
    let mut tx = app.store.begin().await.unwrap();
    let (invitation_id, _) = store::recruitment::claim_invitation(&mut tx, assembly_id, &code)
        .await
        .unwrap()
        .unwrap();
    let mut add = async |name: &str, email: &str, invitation_id: Option<i64>| {
        store::recruitment::add_respondent(
            &mut tx,
            &store::recruitment::NewRespondent {
                assembly_id,
                invitation_id,
                full_name: name,
                email,
                phone: "+33 6 12 34 56",
                features_json: r#"{"gender":"woman","age_band":"75+","area":"Hill"}"#,
                access_needs_json: r#"{"mobility":true,"details":"Step-free access"}"#,
                consent_at: 50,
            },
            50,
        )
        .await
        .unwrap()
    };
    let grace = add("Grace Hopper", "grace@example.org", Some(invitation_id)).await;
    let mallory = add("=HYPERLINK(\"http://evil\")", "m@example.org", None).await;
    tx.commit().await.unwrap();

    let organiser = app.demo_client("organiser").await;
    let change = format!("/staff/assemblies/{assembly_id}/respondents/{grace}/status");
    let audit_before = audit_text(&app).await;

    // No reason, no status: refused naming the field, nothing changes.
    let response = app
        .post_form(
            &organiser,
            &change,
            &[("status", "eligible"), ("reason", "  ")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Note: is required"), "{html}");
    let response = app
        .post_form(&organiser, &change, &[("reason", "checked")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Status: is required")
    );
    // A forbidden transition is refused with a clear message.
    let response = app
        .post_form(
            &organiser,
            &change,
            &[("status", "confirmed"), ("reason", "phoned")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("a respondent cannot go from Registered to Confirmed"),
        "{html}"
    );
    // Observers cannot change statuses.
    let observer = app.demo_client("observer").await;
    let response = app
        .post_form(
            &observer,
            &change,
            &[("status", "eligible"), ("reason", "checked")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(
        respondent_row(&app, assembly_id, grace).await.status,
        Status::Registered
    );
    assert_eq!(
        audit_text(&app).await,
        audit_before,
        "refusals write nothing"
    );

    // A good change is recorded and audit-logged with ids, statuses and the reason only.
    let response = app
        .post_form(
            &organiser,
            &change,
            &[("status", "eligible"), ("reason", "answers checked")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        respondent_row(&app, assembly_id, grace).await.status,
        Status::Eligible
    );
    let audit = audit_text(&app).await;
    assert!(
        audit.contains(&format!(
            "respondent.status respondent:{grace} {{\"assembly_id\":{assembly_id},\"from\":\"registered\",\"reason\":\"other\",\"respondent_id\":{grace},\"to\":\"eligible\"}}"
        )),
        "{audit}"
    );

    // The export holds every respondent, formula-safe, uncached, and is audited; others are refused.
    let export = format!("/staff/assemblies/{assembly_id}/respondents.csv");
    let response = organiser.get(app.url(&export)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let csv = response.text().await.unwrap();
    assert!(
        csv.starts_with("id,status,full_name,email,phone,gender,age_band,area,"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("{grace},eligible,Grace Hopper,grace@example.org,'+33 6 12 34 56,woman,75+,Hill,no,yes,no,no,Step-free access,")),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "{mallory},registered,\"'=HYPERLINK(\"\"http://evil\"\")\""
        )),
        "{csv}"
    );
    assert_eq!(
        audit_text(&app).await.matches("respondents.export").count(),
        1
    );
    for role in ["observer", "member"] {
        let browser = app.demo_client(role).await;
        let response = browser.get(app.url(&export)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403, "{role}");
    }
    let response = client().get(app.url(&export)).send().await.unwrap();
    assert_eq!(location(&response), "/login");

    // Erasure blanks the personal data and the address link, keeps the row and its anonymous answers.
    let response = app
        .post_form(
            &organiser,
            &change,
            &[("status", "erased"), ("reason", "asked by email")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let row = respondent_row(&app, assembly_id, grace).await;
    assert_eq!(row.status, Status::Erased);
    assert_eq!(
        (
            row.full_name.as_str(),
            row.email.as_str(),
            row.phone.as_str(),
            row.access_needs_json.as_str()
        ),
        ("", "", "", "{}")
    );
    assert_eq!(row.invitation_id, None);
    assert_eq!(
        row.features_json,
        r#"{"gender":"woman","age_band":"75+","area":"Hill"}"#
    );
    let audit = audit_text(&app).await;
    assert!(
        audit.contains(&format!("respondent.erase respondent:{grace}")),
        "{audit}"
    );
    for personal in ["Grace", "grace@example.org", "12 34 56", "Step-free"] {
        assert!(!audit.contains(personal), "{personal} in the audit log");
    }
    let (status, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!(
            "<tr id=\"respondent-{grace}\"><th scope=\"row\">erased</th>"
        )),
        "{html}"
    );
    assert!(!html.contains("Grace Hopper") && !html.contains("grace@example.org"));
    // Erased is final.
    let response = app
        .post_form(
            &organiser,
            &change,
            &[("status", "eligible"), ("reason", "oops")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(
        respondent_row(&app, assembly_id, grace).await.status,
        Status::Erased
    );
    // An import is all or nothing; errors name the line and column.
    let import = format!("/staff/assemblies/{assembly_id}/respondents/import");
    let before = app.count("respondents").await;
    let bad = "full_name,email,gender,age_band,area\nAlan Turing,alan@example.org,man,30-44,Hill\nJoan Clarke,not-an-email,woman,30-44,Valley\n";
    let response = app
        .post_form(&organiser, &import, &[("csv", bad), ("consent", "yes")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Line 3, column 2: Email"), "{html}");
    assert_eq!(
        app.count("respondents").await,
        before,
        "nothing half-imported"
    );
    let good = "email,full_name,phone,gender,age_band,area\nalan@example.org,Alan Turing,,man,30-44,Hill\njoan@example.org,Joan Clarke,01 23,woman,30-44,Valley\n";
    let response = app.post_form(&organiser, &import, &[("csv", good)]).await;
    assert_eq!(response.status().as_u16(), 422, "consent is required");
    let response = app
        .post_form(&observer, &import, &[("csv", good), ("consent", "yes")])
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(app.count("respondents").await, before);
    let response = app
        .post_form(&organiser, &import, &[("csv", good), ("consent", "yes")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.count("respondents").await, before + 2);
    let (_, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents"),
        )
        .await;
    assert!(html.contains("Joan Clarke") && html.contains("alan@example.org"));
    let audit = audit_text(&app).await;
    assert_eq!(audit.matches("respondents.import").count(), 1, "{audit}");
    assert!(
        !audit.contains("Turing") && !audit.contains("joan@"),
        "{audit}"
    );
}

/// A `multipart/form-data` body as a browser sends it for a form with a file input.
pub(crate) fn multipart(
    boundary: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, filename, data) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

pub(crate) async fn post_multipart(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: Vec<u8>,
    boundary: &str,
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

pub async fn organisers_upload_address_and_respondent_files_far_beyond_the_form_limit(
    app: TestApp,
) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let token = app.csrf(&organiser).await;
    let lottery = format!("/staff/assemblies/{assembly_id}/invitations");
    let before = invitations(&app, assembly_id).await.len();
    let boundary = "----KleroBoundary7MA4YWxkTrZu0gW";

    // 20,000 addresses (about 600 kB, nine times the form limit) from a file, with a spreadsheet's byte order mark.
    let mut list = String::from("\u{feff}id,address,area\n");
    for i in 0..20_000 {
        list.push_str(&format!(
            "h{i},{i} Upload Street,{}\n",
            ["North", "South", "East"][i % 3]
        ));
    }
    assert!(list.len() > 8 * 64 * 1024, "{} bytes", list.len());
    let fields = [
        ("csrf_token", token.as_str()),
        ("addresses", ""),
        ("invitations", "300"),
        ("seed", "upload seed"),
        ("weights", ""),
        ("household_capacity", "2"),
    ];
    let response = post_multipart(
        &app,
        &organiser,
        &lottery,
        multipart(
            boundary,
            &fields,
            &[("addresses_file", "list.csv", list.as_bytes())],
        ),
        boundary,
    )
    .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{}",
        response.text().await.unwrap()
    );
    let rows = invitations(&app, assembly_id).await;
    assert_eq!(rows.len(), before + 300);
    assert_eq!(
        rows[before..]
            .iter()
            .filter(|row| row.area == "North")
            .count(),
        100,
        "proportional to 1/3 each"
    );

    // The same upload without the CSRF part is refused, and the same urlencoded body is too large for a form.
    let no_token = &fields[1..];
    let response = post_multipart(
        &app,
        &organiser,
        &lottery,
        multipart(
            boundary,
            no_token,
            &[("addresses_file", "list.csv", list.as_bytes())],
        ),
        boundary,
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    let response = app
        .post_form(
            &organiser,
            "/staff/assemblies/1/respondents",
            &[("q", &list)],
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        413,
        "plain forms keep the small limit"
    );

    // A file with an error: line and column named, nothing stored, and the file is not echoed back.
    let mut broken = list.clone();
    broken.push_str("hx,,North\n");
    let fields = [
        ("csrf_token", token.as_str()),
        ("addresses", ""),
        ("invitations", "10"),
        ("seed", "another seed"),
        ("weights", ""),
        ("household_capacity", "1"),
    ];
    let response = post_multipart(
        &app,
        &organiser,
        &lottery,
        multipart(
            boundary,
            &fields,
            &[("addresses_file", "list.csv", broken.as_bytes())],
        ),
        boundary,
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("line 20002 column 2"), "{html}");
    assert!(
        !html.contains("Upload Street"),
        "the file is not echoed into the page"
    );
    assert_eq!(invitations(&app, assembly_id).await.len(), before + 300);

    // A file that is not UTF-8 text is refused by name.
    let response = post_multipart(
        &app,
        &organiser,
        &lottery,
        multipart(
            boundary,
            &fields,
            &[(
                "addresses_file",
                "list.csv",
                b"id,address,area\nh1,1 Caf\xe9 Street,North\n",
            )],
        ),
        boundary,
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("addresses_file: the file is not UTF-8 text")
    );

    // Respondents from a file: all imported, or none when one line is wrong.
    let respondents_path = format!("/staff/assemblies/{assembly_id}/respondents/import");
    let count = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            let mut connection = store.connection().await.unwrap();
            store::recruitment::respondent_count(&mut connection, assembly_id)
                .await
                .unwrap()
        }
    };
    let start = count(&app).await;
    let mut people = String::from("full_name,email,phone,gender,age_band,area\n");
    for i in 0..1500 {
        people.push_str(&format!(
            "Person {i},p{i}@example.org,,{},{},North\n",
            ["woman", "man"][i % 2],
            ["16-29", "30-44", "45-59", "60-74"][i % 4]
        ));
    }
    assert!(people.len() > 64 * 1024);
    let fields = [
        ("csrf_token", token.as_str()),
        ("csv", ""),
        ("consent", "yes"),
    ];
    let mut wrong = people.clone();
    wrong.push_str("Late,late@example.org,,woman,elderly,North\n");
    let response = post_multipart(
        &app,
        &organiser,
        &respondents_path,
        multipart(
            boundary,
            &fields,
            &[("csv_file", "people.csv", wrong.as_bytes())],
        ),
        boundary,
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Line 1502, column 5"), "{html}");
    assert_eq!(count(&app).await, start);
    let response = post_multipart(
        &app,
        &organiser,
        &respondents_path,
        multipart(
            boundary,
            &fields,
            &[("csv_file", "people.csv", people.as_bytes())],
        ),
        boundary,
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(count(&app).await, start + 1500);

    // Observers may read counts but not upload.
    let observer = app.demo_client("observer").await;
    let observer_token = app.csrf(&observer).await;
    let fields = [
        ("csrf_token", observer_token.as_str()),
        ("csv", ""),
        ("consent", "yes"),
    ];
    let response = post_multipart(
        &app,
        &observer,
        &respondents_path,
        multipart(
            boundary,
            &fields,
            &[("csv_file", "people.csv", people.as_bytes())],
        ),
        boundary,
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(count(&app).await, start + 1500);
}

/// Issue 14, finding 7: after erasing a respondent, the SQLite `-wal` still held their email, name and phone, and the
/// free-text reason of a status change stayed in the hash-chained audit log for ever. Now the note stays with the
/// person and goes with them, the audit log keeps a category, and the bytes of the database files hold none of it.
pub async fn erasure_leaves_no_personal_data_in_the_database_files_or_the_audit_log(app: TestApp) {
    let assembly_id = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let name = "Zebulon Quarrington-Vexley";
    let email = "zq.erasure.probe@example.org";
    let phone = "+44 7700 900461";
    let note = "Zebulon rang from Thornbury Hospice";
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly_id}/respondents/phone"),
            &[
                ("full_name", name),
                ("email", email),
                ("phone", phone),
                ("gender", "man"),
                ("age_band", "60-74"),
                ("mobility", "1"),
                ("access_details", "Hoist needed at Thornbury"),
                ("lang", "en"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let respondent_id: i64 = location(&response)
        .rsplit('=')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let change = format!("/staff/assemblies/{assembly_id}/respondents/{respondent_id}/status");
    // A category outside the list is refused, naming the field.
    let response = app
        .post_form(
            &organiser,
            &change,
            &[
                ("status", "eligible"),
                ("reason_category", note),
                ("reason", note),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    for (to, category) in [
        ("eligible", "checked"),
        ("selected", "other"),
        ("confirmed", "their_request"),
    ] {
        let response = app
            .post_form(
                &organiser,
                &change,
                &[
                    ("status", to),
                    ("reason_category", category),
                    ("reason", note),
                ],
            )
            .await;
        // Every change redirects; confirming shows no code either (it is delivered to the new member).
        assert_eq!(response.status().as_u16(), 303, "{to}");
    }
    let mut connection = app.store.connection().await.unwrap();
    let notes = store::recruitment::status_notes(&mut connection, respondent_id)
        .await
        .unwrap();
    drop(connection);
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[0].3, "checked");
    assert_eq!(notes[0].4, note);
    let audit = audit_text(&app).await;
    assert!(
        audit.contains(&format!(
            "respondent.status respondent:{respondent_id} {{\"assembly_id\":{assembly_id},\"from\":\"registered\",\"reason\":\"checked\",\"respondent_id\":{respondent_id},\"to\":\"eligible\"}}"
        )),
        "{audit}"
    );

    let response = app
        .post_form(
            &organiser,
            &change,
            &[
                ("status", "erased"),
                ("reason_category", "their_request"),
                ("reason", note),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let mut connection = app.store.connection().await.unwrap();
    assert!(
        store::recruitment::status_notes(&mut connection, respondent_id)
            .await
            .unwrap()
            .is_empty()
    );
    drop(connection);
    let audit = audit_text(&app).await;
    let probes = [name, "Zebulon", email, phone, "900461", note, "Thornbury"];
    for probe in probes {
        assert!(!audit.contains(probe), "{probe} in the audit log");
    }
    if let Some(path) = store::test_support::sqlite_file(&app.store).await {
        // As someone with a copy of the files would: read the raw bytes of the database and its write-ahead log.
        let path = path.display().to_string();
        for file in [path.clone(), format!("{path}-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for probe in probes {
                assert!(
                    !bytes
                        .windows(probe.len())
                        .any(|window| window == probe.as_bytes()),
                    "{probe:?} is still in {file}"
                );
            }
        }
    }
}
