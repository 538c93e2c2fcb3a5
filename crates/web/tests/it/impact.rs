//! Impact scenarios (issue 6): a convention-shaped set of 149 recommendations imported, answered by the authority
//! account and judged by the oversight group through the web, with exact counts on the public scorecard and in its
//! CSV and JSON exports; who may edit what; surveys counted once.

use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::permission::Role;
use domain::phase::Phase;
use serde_json::Value;

use crate::helpers::{TestApp, csrf_of, location};

/// Creates an assembly in the store and gives the demo accounts their roles in it.
pub(crate) async fn assembly_with_roles(app: &TestApp, title: &str) -> i64 {
    let draft = AssemblyDraft {
        title: Title::parse(title).unwrap(),
        question: Question::parse("How can we cut emissions fairly?").unwrap(),
        authority: Authority::parse("Prime Minister").unwrap(),
        commitments: Commitment::parse_lines("Respond to every recommendation within 12 weeks")
            .unwrap(),
        timeline: Timeline::parse(Phase::Response, |_| (None, None)).unwrap(),
    };
    let mut tx = app.store.begin().await.unwrap();
    let id = store::assemblies::create_assembly(&mut tx, &draft, 1)
        .await
        .unwrap();
    for (role_name, role) in [
        ("organiser", Role::Organiser),
        ("member", Role::Member),
        ("observer", Role::Observer),
        ("authority", Role::Authority),
    ] {
        let login = web::demo::DEMO_LOGINS
            .iter()
            .find(|login| login.role == role_name)
            .unwrap();
        let account = store::accounts::account_by_email(&mut tx, login.email)
            .await
            .unwrap()
            .unwrap();
        store::accounts::set_role(&mut tx, id, account.id, role)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

/// A signed-in client and its CSRF token (stable for the session).
pub(crate) async fn signed_in(app: &TestApp, role: &str) -> (reqwest::Client, String) {
    let client = app.demo_client(role).await;
    let token = app.csrf(&client).await;
    (client, token)
}

pub(crate) async fn post(
    app: &TestApp,
    (client, token): &(reqwest::Client, String),
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", token));
    client.post(app.url(path)).form(&form).send().await.unwrap()
}

/// The fixture's fate of recommendation `i` (0..149): (response code, late?, fidelity code). Shaped like the French
/// convention: 38 accepted in full of which 15 enacted in full, 50 with modifications, 40 in part, 6 rejected,
/// 15 never answered; responses to every fifth recommendation came after the deadline.
fn fixture(i: usize) -> (Option<&'static str>, bool, Option<&'static str>) {
    let response = match i {
        0..=37 => Some("full"),
        38..=87 => Some("modified"),
        88..=127 => Some("part"),
        128..=133 => Some("rejected"),
        _ => None,
    };
    let fidelity = match i {
        0..=14 => Some("full"),
        15..=62 | 88..=102 => Some("diluted"),
        63..=74 | 103..=110 => Some("different"),
        75..=79 | 111..=120 | 128..=133 => Some("none"),
        _ => None,
    };
    (response, response.is_some() && i % 5 == 4, fidelity)
}

const THEMES: [&str; 5] = [
    "se déplacer",
    "consommer",
    "se loger",
    "produire et travailler",
    "se nourrir",
];

async fn recommendation_ids(app: &TestApp, assembly_id: i64) -> Vec<i64> {
    let mut connection = app.store.connection().await.unwrap();
    store::recommendations::list(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect()
}

pub async fn a_convention_shaped_scorecard_counts_exactly_on_the_page_and_in_its_exports(
    app: TestApp,
) {
    let assembly_id = assembly_with_roles(&app, "Convention on Climate (fixture)").await;
    let base = format!("/staff/assemblies/{assembly_id}/impact");
    let organiser = signed_in(&app, "organiser").await;
    let authority = signed_in(&app, "authority").await;
    let observer = signed_in(&app, "observer").await;

    // The organisers import the 149 recommendations (deliberation held elsewhere) and set the deadline.
    let mut csv = String::from("reference,title,theme,support\n");
    for i in 0..149 {
        csv.push_str(&format!(
            "R{:03},Measure {i},{},{}.5\n",
            i + 1,
            THEMES[i % 5],
            60 + i % 40
        ));
    }
    let response = post(
        &app,
        &organiser,
        &format!("{base}/import"),
        &[("csv", &csv), ("step", "confirm")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(
        &app,
        &organiser,
        &format!("{base}/settings"),
        &[("final_report_on", "2020-06-21"), ("response_weeks", "12")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let ids = recommendation_ids(&app, assembly_id).await;
    assert_eq!(ids.len(), 149);

    // The authority account answers; the oversight group judges fidelity.
    for (i, id) in ids.iter().enumerate() {
        let (kind, late, fidelity) = fixture(i);
        let path = format!("{base}/recommendations/{id}");
        if let Some(kind) = kind {
            let response = post(
                &app,
                &authority,
                &format!("{path}/response"),
                &[
                    ("kind", kind),
                    ("justification", "The means differ"),
                    ("source_url", "https://www.example.gouv.fr/response"),
                    (
                        "responded_on",
                        if late { "2021-02-10" } else { "2020-06-29" },
                    ),
                ],
            )
            .await;
            assert_eq!(response.status().as_u16(), 303, "response {i}");
        }
        if let Some(fidelity) = fidelity {
            let response = post(
                &app,
                &observer,
                &format!("{path}/fidelity"),
                &[
                    ("fidelity", fidelity),
                    ("reasons", "Compared with the Act"),
                    ("judged_on", "2021-08-24"),
                ],
            )
            .await;
            assert_eq!(response.status().as_u16(), 303, "fidelity {i}");
        }
    }

    // Until the organisers publish the report, the public sees no scorecard and no export (issue 18, item 7).
    let public = crate::helpers::client();
    let (status, html) = app
        .get(&public, &format!("/assemblies/{assembly_id}/scorecard"))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"unpublished\"") && !html.contains("Measure 1"),
        "{html}"
    );
    let response = public
        .get(app.url(&format!("/assemblies/{assembly_id}/scorecard.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let response = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/report/publish"),
        &[("confirm", "yes")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);

    // The public scorecard, read by anyone.
    let (status, html) = app
        .get(&public, &format!("/assemblies/{assembly_id}/scorecard"))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("15 of 149 recommendations fully taken up (10%)"),
        "{html}"
    );
    let row = |label: &str, count: u64, share: &str| {
        format!("<th scope=\"row\">{label}</th><td>{count}</td><td>{share}</td>")
    };
    for expected in [
        row("Accepted in full", 38, "26%"),
        row("Accepted with modifications", 50, "34%"),
        row("Accepted in part", 40, "27%"),
        row("Rejected", 6, "4%"),
        row("No response yet", 15, "10%"),
        row("Full", 15, "10%"),
        row("Diluted", 63, "42%"),
        row("Different", 20, "13%"),
        row("None", 21, "14%"),
        row("Not yet judged", 30, "20%"),
        row("On time", 108, "72%"),
        row("Late", 26, "17%"),
        row("Overdue", 15, "10%"),
        row("Not yet due", 0, "0%"),
    ] {
        assert!(html.contains(&expected), "missing {expected}");
    }
    assert!(html.contains("<strong id=\"overdue-count\">15</strong>"));
    assert!(html.contains("R149"));
    // The chart is inline and accessible.
    assert!(html.contains("role=\"img\""));
    assert!(!html.contains("id=\"illustrative\""));

    // The CSV export: one line per recommendation with the same counts.
    let response = public
        .get(app.url(&format!("/assemblies/{assembly_id}/scorecard.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], impact::CSV_HEADER);
    assert_eq!(lines.len(), 150);
    let count = |needle: &str| lines.iter().filter(|line| line.contains(needle)).count();
    assert_eq!(count(",accepted in full,full,"), 15);
    assert_eq!(count(",accepted in full,"), 38);
    assert_eq!(count(",rejected,"), 6);
    assert_eq!(count(",no response yet,"), 15);
    assert_eq!(count(",overdue"), 15);
    assert_eq!(count(",late"), 26);
    assert_eq!(
        lines[1],
        "R001,se déplacer,60.5,accepted in full,full,2020-09-13,2020-06-29,on time"
    );

    // The JSON export: the same figures.
    let json: Value = public
        .get(app.url(&format!("/assemblies/{assembly_id}/scorecard.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        json["headline"],
        "15 of 149 recommendations fully taken up (10%)"
    );
    assert_eq!(json["total"], 149);
    assert_eq!(json["fully_taken_up"]["count"], 15);
    assert_eq!(json["fully_taken_up"]["percent"], 10);
    assert_eq!(
        json["by_response"]["accepted with modifications"]["count"],
        50
    );
    assert_eq!(json["by_fidelity"]["diluted"]["count"], 63);
    assert_eq!(json["by_timeliness"]["overdue"]["count"], 15);
    assert_eq!(json["due"], "2020-09-13");
    assert_eq!(json["recommendations"].as_array().unwrap().len(), 149);

    // The embeddable image.
    let response = public
        .get(app.url(&format!("/assemblies/{assembly_id}/scorecard.svg")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "image/svg+xml; charset=utf-8"
    );
    let svg = response.text().await.unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
    assert!(svg.contains("15 of 149 recommendations fully taken up (10%)"));

    // Every change is in the audit log, without personal data.
    let mut connection = app.store.connection().await.unwrap();
    let audit = store::audit::recent(&mut connection, 10_000).await.unwrap();
    let responses = audit
        .iter()
        .filter(|row| row.action == "impact.response")
        .count();
    assert_eq!(responses, 134);
    // The import writes one entry per recommendation created (issue 18: one audit entry per item of a bulk action).
    assert_eq!(
        audit
            .iter()
            .filter(|row| row.action == "recommendation.create")
            .count(),
        149
    );
    assert!(audit.iter().all(|row| {
        !row.after_json
            .clone()
            .unwrap_or_default()
            .contains("Aurélie")
    }));
}

pub async fn authorities_answer_oversight_judges_and_neither_edits_the_others_part(app: TestApp) {
    let assembly_id = assembly_with_roles(&app, "Who edits what").await;
    let base = format!("/staff/assemblies/{assembly_id}/impact");
    let organiser = signed_in(&app, "organiser").await;
    let authority = signed_in(&app, "authority").await;
    let member = signed_in(&app, "member").await;
    let observer = signed_in(&app, "observer").await;
    let response = post(
        &app,
        &organiser,
        &format!("{base}/recommendations"),
        &[
            ("reference", "SL-1"),
            ("title", "Renovate every building"),
            ("theme", "se loger"),
            ("support", "91"),
            ("route", "law"),
            ("body", "Make full renovation compulsory by 2040."),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let id = recommendation_ids(&app, assembly_id).await[0];
    let path = format!("{base}/recommendations/{id}");
    let answer = [
        ("kind", "part"),
        ("justification", "Only rentals are covered"),
        ("source_url", "https://gov.example.org/answer"),
        ("responded_on", "2020-07-01"),
    ];
    let judgement = [
        ("fidelity", "diluted"),
        ("reasons", "2050 instead of 2040"),
        ("enacted_text", "Renovate rentals by 2050."),
        ("judged_on", "2021-08-24"),
    ];
    let tracked = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            let mut connection = store.connection().await.unwrap();
            store::impact::tracked(&mut connection, assembly_id)
                .await
                .unwrap()
                .remove(0)
        }
    };

    // A member cannot edit responses; the authority cannot edit fidelity judgements.
    let response = post(&app, &member, &format!("{path}/response"), &answer).await;
    assert_eq!(response.status().as_u16(), 403);
    let response = post(&app, &authority, &format!("{path}/fidelity"), &judgement).await;
    assert_eq!(response.status().as_u16(), 403);
    let response = post(&app, &organiser, &format!("{path}/fidelity"), &judgement).await;
    assert_eq!(response.status().as_u16(), 403);
    let now = tracked(&app).await;
    assert!(now.response.is_none() && now.fidelity.is_none());

    // Bad input: the form comes back naming the field, with what was typed, and nothing is stored.
    let response = post(
        &app,
        &authority,
        &format!("{path}/response"),
        &[
            ("kind", "rejected"),
            ("justification", ""),
            ("source_url", "not a link"),
            ("responded_on", "2020-07-01"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Justification: the authority must justify"));
    assert!(html.contains("Link to the source document: give an http or https link"));
    assert!(html.contains("value=\"not a link\""));
    assert!(tracked(&app).await.response.is_none());

    // The authority answers itself; the organisers' later correction is marked as on its behalf.
    let response = post(&app, &authority, &format!("{path}/response"), &answer).await;
    assert_eq!(response.status().as_u16(), 303);
    let stored = tracked(&app).await.response.unwrap();
    assert_eq!(stored.kind.as_str(), "part");
    assert!(!stored.on_behalf);
    let (_, html) = app.get(&authority.0, &path).await;
    assert!(html.contains("entered by the authority"));
    let response = post(&app, &organiser, &format!("{path}/response"), &answer).await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(tracked(&app).await.response.unwrap().on_behalf);

    // Members and the oversight group judge fidelity; the member's judgement says so.
    let response = post(&app, &member, &format!("{path}/fidelity"), &judgement).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        tracked(&app).await.fidelity.unwrap().judge.as_str(),
        "members"
    );
    let response = post(&app, &observer, &format!("{path}/fidelity"), &judgement).await;
    assert_eq!(response.status().as_u16(), 303);
    let fidelity = tracked(&app).await.fidelity.unwrap();
    assert_eq!(fidelity.judge.as_str(), "oversight_group");
    // The recommended and enacted texts side by side.
    let (_, html) = app.get(&member.0, &path).await;
    assert!(html.contains("Make full renovation compulsory by 2040."));
    assert!(html.contains("Renovate rentals by 2050."));

    // The strategy is the members' working material: the authority and the public never see it.
    let response = post(
        &app,
        &member,
        &format!("{path}/tactics"),
        &[
            ("arena", "insider"),
            ("kind", "briefing"),
            ("description", "Brief the housing committee"),
            ("lead", "Working group 3"),
            ("status", "planned"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(
        &app,
        &member,
        &format!("{path}/allies"),
        &[("name", "Fondation Abbé Pierre"), ("kind", "organisation")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(
        &app,
        &member,
        &format!("{path}/actors"),
        &[
            ("name", "Minister for Housing"),
            ("actor_role", "decision_maker"),
            ("visibility", "visible"),
            ("stance", "-1"),
            ("influence", "9"),
        ],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422, "influence 9 is refused");
    let response = post(
        &app,
        &authority,
        &format!("{path}/allies"),
        &[("name", "x"), ("kind", "person")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    let (status, html) = app.get(&member.0, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Brief the housing committee") && html.contains("Fondation Abbé Pierre"));
    let (status, html) = app.get(&authority.0, &path).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Brief the housing committee"));
    assert!(!html.contains("Fondation Abbé Pierre"));
    let response = post(
        &app,
        &organiser,
        &format!("/staff/assemblies/{assembly_id}/report/publish"),
        &[("confirm", "yes")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let public = crate::helpers::client();
    for page in ["scorecard", "evaluation", "scorecard.json", "scorecard.csv"] {
        let (status, html) = app
            .get(&public, &format!("/assemblies/{assembly_id}/{page}"))
            .await;
        assert_eq!(status, 200, "{page}");
        assert!(!html.contains("Brief the housing committee"), "{page}");
        assert!(!html.contains("Fondation Abbé Pierre"), "{page}");
    }
    let response = public.get(app.url(&path)).send().await.unwrap();
    assert_eq!(location(&response), "/login");

    // An import with one bad line imports nothing and names the line and column.
    let response = post(
        &app,
        &organiser,
        &format!("{base}/import"),
        &[(
            "csv",
            "reference,title,theme\nSL-2,Insulate,se loger\nSL-1,Duplicate,se loger\n",
        )],
    )
    .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Line 3, column 1: Reference: this reference is already used"));
    assert_eq!(recommendation_ids(&app, assembly_id).await.len(), 1);
}

pub async fn surveys_count_each_member_once_and_feed_the_evaluation_report(app: TestApp) {
    let assembly_id = assembly_with_roles(&app, "Surveyed assembly").await;
    let member = signed_in(&app, "member").await;
    let path = format!("/staff/assemblies/{assembly_id}/impact/survey");
    let answers = [
        ("survey", "members_before"),
        ("efficacy", "2"),
        ("trust", "3"),
        ("learning", "4"),
        ("respect", "5"),
    ];
    let response = post(&app, &member, &path, &answers).await;
    assert_eq!(response.status().as_u16(), 303);
    let response = post(&app, &member, &path, &answers).await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You have already answered this survey.")
    );
    let mut after = answers;
    after[0] = ("survey", "members_after");
    after[1] = ("efficacy", "5");
    let response = post(&app, &member, &path, &after).await;
    assert_eq!(response.status().as_u16(), 303);
    // Missing answers name the statement.
    let response = post(&app, &member, &path, &[("survey", "members_after")]).await;
    assert_eq!(response.status().as_u16(), 422);

    let public = crate::helpers::client();
    let (status, html) = app
        .get(&public, &format!("/assemblies/{assembly_id}/survey"))
        .await;
    assert_eq!(status, 200);
    let token = csrf_of(&html);
    let response = public
        .post(app.url(&format!("/assemblies/{assembly_id}/survey")))
        .form(&[
            ("csrf_token", token.as_str()),
            ("awareness", "4"),
            ("support", "5"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);

    let mut connection = app.store.connection().await.unwrap();
    let counts = store::impact::survey_results(&mut connection, assembly_id)
        .await
        .unwrap();
    let efficacy: Vec<_> = counts
        .iter()
        .filter(|c| c.item.as_str() == "efficacy")
        .map(|c| (c.survey.as_str(), c.value, c.count))
        .collect();
    assert_eq!(
        efficacy,
        [("members_after", 5, 1), ("members_before", 2, 1)]
    );
    drop(connection);

    let (status, html) = app
        .get(&public, &format!("/assemblies/{assembly_id}/evaluation"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"members-survey\"") && html.contains("id=\"public-survey\""));
    // Before: nobody agreed that people like them can influence decisions; after: everyone did.
    assert!(html.contains("0%") && html.contains("100%"));
    // The member opts in to follow-up.
    let response = post(
        &app,
        &member,
        &format!("/staff/assemblies/{assembly_id}/impact/advocate"),
        &[("choice", "in")],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app
        .get(&public, &format!("/assemblies/{assembly_id}/evaluation"))
        .await;
    assert!(html.contains("<strong id=\"advocates\">1</strong>"));
}

pub async fn the_demo_convention_has_an_illustrative_scorecard_of_149(app: TestApp) {
    let climate = app.climate_id().await;
    let public = crate::helpers::client();
    let (status, html) = app
        .get(&public, &format!("/assemblies/{climate}/scorecard"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("15 of 149 recommendations fully taken up (10%)"));
    assert!(html.contains("id=\"illustrative\""));
    for theme in THEMES {
        assert!(html.contains(theme), "{theme}");
    }
}
