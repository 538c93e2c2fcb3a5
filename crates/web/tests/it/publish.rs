//! Phases, publishing and question moderation (issue 18, items 7 and 8): the phase control moves an assembly one
//! step with a confirmation; the final report, the recommendations and the scorecard are public only once
//! published; members' questions to speakers are public only once a moderator accepts them.

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
    the_report_and_the_scorecard_are_public_only_while_published,
    organisers_move_the_phase_one_confirmed_step_at_a_time,
    members_questions_go_public_only_once_a_moderator_accepts_them,
);

async fn count(app: &TestApp, sql: &str) -> i64 {
    store::test_support::count_raw(&app.store, sql)
        .await
        .unwrap()
}

/// The audit entries of `action`: (entity, before, after).
async fn audit_entries(app: &TestApp, action: &str) -> Vec<(String, String, String)> {
    let mut connection = app.store.connection().await.unwrap();
    store::audit::recent(&mut connection, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.action == action)
        .map(|row| {
            (
                row.entity,
                row.before_json.unwrap_or_default(),
                row.after_json.unwrap_or_default(),
            )
        })
        .collect()
}

async fn phase_of(app: &TestApp, assembly: i64) -> domain::phase::Phase {
    let mut connection = app.store.connection().await.unwrap();
    store::assemblies::get_assembly(&mut connection, assembly)
        .await
        .unwrap()
        .current_phase
}

pub async fn the_report_and_the_scorecard_are_public_only_while_published(app: TestApp) {
    // The demo convention's report is published: anyone reads it.
    let assembly = app.climate_id().await;
    let report = format!("/assemblies/{assembly}/report");
    let public = client();
    let (status, html) = app.get(&public, &report).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("SL1.1") && html.contains("id=\"report-published\""),
        "{html}"
    );
    assert!(!html.contains("id=\"publish-form\"") && !html.contains("id=\"withdraw-form\""));

    // Members cannot withdraw it; an organiser does, and the public no longer sees it, nor the scorecard's exports.
    let member = app.demo_client("member").await;
    let organiser = app.demo_client("organiser").await;
    let withdraw = format!("/staff/assemblies/{assembly}/report/withdraw");
    let publish = format!("/staff/assemblies/{assembly}/report/publish");
    let response = app.post_form(&member, &withdraw, &[]).await;
    assert_eq!(response.status().as_u16(), 403);
    let response = app.post_form(&organiser, &withdraw, &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("{report}?notice=withdrawn"));
    let (status, html) = app.get(&public, &report).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"report-unpublished\""), "{html}");
    assert!(!html.contains("SL1.1") && !html.contains("id=\"report-preview\""));
    for export in ["scorecard.json", "scorecard.csv", "scorecard.svg"] {
        let response = public
            .get(app.url(&format!("/assemblies/{assembly}/{export}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{export}");
    }
    let (status, html) = app
        .get(&public, &format!("/assemblies/{assembly}/scorecard"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"unpublished\"") && !html.contains("id=\"headline\""));
    let (_, html) = app
        .get(&public, &format!("/assemblies/{assembly}/evaluation"))
        .await;
    assert!(html.contains("id=\"unpublished\"") && !html.contains("id=\"headline\""));

    // Members and staff read a preview; the organiser's preview has the form that publishes it.
    let (_, html) = app.get(&member, &report).await;
    assert!(html.contains("id=\"report-preview\"") && html.contains("SL1.1"));
    assert!(!html.contains("id=\"publish-form\""));
    let (status, json) = app
        .get(&member, &format!("/assemblies/{assembly}/scorecard.json"))
        .await;
    assert_eq!(
        status, 200,
        "members see the scorecard before it is published"
    );
    assert!(json.contains("\"total\":149"), "{json}");
    let (_, html) = app.get(&organiser, &report).await;
    assert!(
        html.contains("id=\"publish-form\"") && html.contains("the 149 recommendations are ready")
    );

    // Publishing without ticking the confirmation publishes nothing; with it, the public reads the report again.
    let response = app.post_form(&organiser, &publish, &[]).await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("Tick the box"));
    let (_, html) = app.get(&public, &report).await;
    assert!(html.contains("id=\"report-unpublished\""));
    let response = app
        .post_form(&organiser, &publish, &[("confirm", "yes")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("{report}?notice=published"));
    // A second click publishes nothing twice.
    let response = app
        .post_form(&organiser, &publish, &[("confirm", "yes")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, html) = app.get(&public, &report).await;
    assert!(html.contains("SL1.1") && !html.contains("id=\"report-unpublished\""));
    let (_, html) = app.get(&public, &format!("{report}?lang=fr")).await;
    assert!(html.contains("Publié le"), "{html}");
    let response = public
        .get(app.url(&format!("/assemblies/{assembly}/scorecard.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM report_publications WHERE assembly_id = {assembly}")
        )
        .await,
        1
    );

    // The log keeps each step: the demo's publication, the withdrawal and the organiser's publication.
    let published = audit_entries(&app, "report.publish").await;
    assert_eq!(published.len(), 2, "{published:?}");
    assert!(
        published
            .iter()
            .all(|(_, _, after)| after.contains("\"recommendations\":149"))
    );
    let withdrawn = audit_entries(&app, "report.withdraw").await;
    assert_eq!(withdrawn.len(), 1);
    assert!(withdrawn[0].1.contains("published_at"));

    // An assembly without recommendations has nothing to publish.
    let other = count(
        &app,
        &format!("SELECT MIN(id) FROM assemblies WHERE id <> {assembly} AND id NOT IN (SELECT assembly_id FROM recommendations)"),
    )
    .await;
    let admin = app.demo_client("admin").await;
    let response = app
        .post_form(
            &admin,
            &format!("/staff/assemblies/{other}/report/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("no recommendation to publish")
    );
}

pub async fn organisers_move_the_phase_one_confirmed_step_at_a_time(app: TestApp) {
    let assembly = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let member = app.demo_client("member").await;
    let path = format!("/staff/assemblies/{assembly}/phase");
    let before = phase_of(&app, assembly).await;
    let next = before.next().expect("the demo is not in its last phase");

    // The workspace shows the control with the next phase named.
    let (_, html) = app
        .get(&organiser, &format!("/staff/assemblies/{assembly}"))
        .await;
    assert!(html.contains("id=\"phase-next\""), "{html}");
    assert!(html.contains(&format!("name=\"to\" value=\"{}\"", next.as_str())));

    // Without the confirmation, nothing moves; members may not move it at all.
    let step = [("from", before.as_str()), ("to", next.as_str())];
    let response = app.post_form(&organiser, &path, &step).await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Tick the box to confirm")
    );
    let confirmed = [
        ("from", before.as_str()),
        ("to", next.as_str()),
        ("confirm", "yes"),
    ];
    let response = app.post_form(&member, &path, &confirmed).await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(phase_of(&app, assembly).await, before);

    // Confirmed, it moves one step, and the public page shows the new phase.
    let response = app.post_form(&organiser, &path, &confirmed).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/staff/assemblies/{assembly}?moved=1")
    );
    assert_eq!(phase_of(&app, assembly).await, next);
    let (_, html) = app
        .get(
            &organiser,
            &format!("/staff/assemblies/{assembly}?moved=1&lang=fr"),
        )
        .await;
    assert!(
        html.contains("L’assemblée est maintenant dans la phase"),
        "{html}"
    );
    app.get(&organiser, &format!("/staff/assemblies/{assembly}?lang=en"))
        .await;

    // The same form sent again (a double click) moves nothing twice; a jump of two phases is refused.
    let response = app.post_form(&organiser, &path, &confirmed).await;
    assert_eq!(response.status().as_u16(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Someone changed the phase")
    );
    assert_eq!(phase_of(&app, assembly).await, next);
    if let Some(after_next) = next.next() {
        let jump = [
            ("from", before.as_str()),
            ("to", after_next.as_str()),
            ("confirm", "yes"),
        ];
        let response = app.post_form(&organiser, &path, &jump).await;
        assert_eq!(response.status().as_u16(), 422);
        assert_eq!(phase_of(&app, assembly).await, next);
    }

    // Back one step; the log has both moves with the phase before and after.
    let back = [
        ("from", next.as_str()),
        ("to", before.as_str()),
        ("confirm", "yes"),
    ];
    let response = app.post_form(&organiser, &path, &back).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(phase_of(&app, assembly).await, before);
    let entries = audit_entries(&app, "assembly.phase").await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let forward = format!("\"current_phase\":\"{}\"", next.as_str());
    assert!(entries.iter().any(
        |(entity, _, after)| entity == &format!("assembly:{assembly}") && after.contains(&forward)
    ));
    assert!(
        entries
            .iter()
            .any(|(_, before_json, _)| before_json.contains(&forward))
    );
}

pub async fn members_questions_go_public_only_once_a_moderator_accepts_them(app: TestApp) {
    let assembly = app.climate_id().await;
    let organiser = app.demo_client("organiser").await;
    let response = app
        .post_form(
            &organiser,
            &format!("/staff/assemblies/{assembly}/speakers"),
            &[
                ("speaker_name", "Paul Rail, rail operator"),
                ("speaker_topic", "Transport"),
                ("perspective", "Industry"),
                ("interests", "Employed by the operator"),
                ("speaker_session", ""),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let speaker = count(
        &app,
        "SELECT id FROM speakers WHERE name = 'Paul Rail, rail operator'",
    )
    .await;

    // A member asks three questions; none is public yet, and the member is told so.
    let member = app.demo_client("member").await;
    let bodies = [
        "Will night trains come back?",
        "Is this a rude question about your salary?",
        "How much does a new line cost?",
    ];
    for body in bodies {
        let response = app
            .post_form(
                &member,
                &format!("/assemblies/{assembly}/questions"),
                &[("speaker_id", &speaker.to_string()), ("question", body)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    let (_, html) = app
        .get(&member, &format!("/assemblies/{assembly}/mine?asked=1"))
        .await;
    assert!(html.contains("once a moderator accepts it"), "{html}");
    let public = client();
    let evidence = format!("/assemblies/{assembly}/evidence");
    let (_, html) = app.get(&public, &evidence).await;
    for body in bodies {
        assert!(!html.contains(body), "{body} is not public yet");
    }
    let id = |body: &str| format!("SELECT id FROM speaker_questions WHERE body = '{body}'");
    let night = count(&app, &id(bodies[0])).await.to_string();
    let rude = count(&app, &id(bodies[1])).await.to_string();
    let cost = count(&app, &id(bodies[2])).await.to_string();

    // Facilitators see the queue with the authors; observers see it but cannot decide.
    let facilitator = app.demo_client("facilitator").await;
    let observer = app.demo_client("observer").await;
    let staff = format!("/staff/assemblies/{assembly}/evidence");
    let (_, html) = app.get(&observer, &staff).await;
    assert!(html.contains(bodies[0]) && !html.contains("id=\"accept-questions\""));
    let moderation = format!("/staff/assemblies/{assembly}/questions/moderation");
    let response = app
        .post_form(
            &observer,
            &moderation,
            &[("question", &night), ("decision", "accepted")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    let (_, html) = app.get(&facilitator, &staff).await;
    assert!(
        html.contains("id=\"accept-questions\"") && html.contains("Maya Member"),
        "{html}"
    );

    // Nothing ticked, or no decision: refused, nothing changes.
    let response = app
        .post_form(&facilitator, &moderation, &[("decision", "accepted")])
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Select at least one question")
    );

    // Bulk: two accepted at once (one audit entry each), one rejected.
    let response = app
        .post_form(
            &facilitator,
            &moderation,
            &[
                ("question", &night),
                ("question", &cost),
                ("decision", "accepted"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("{staff}?moderated=2"));
    let response = app
        .post_form(
            &facilitator,
            &moderation,
            &[("question", &rude), ("decision", "rejected")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);

    // Deciding a decided question again changes nothing (all or none).
    let response = app
        .post_form(
            &organiser,
            &moderation,
            &[("question", &rude), ("decision", "accepted")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM speaker_questions WHERE status = 'accepted' AND body LIKE '%salary%'").await,
        0
    );

    let (_, html) = app.get(&public, &evidence).await;
    assert!(html.contains(bodies[0]) && html.contains(bodies[2]));
    assert!(
        !html.contains(bodies[1]),
        "a rejected question is never public"
    );
    assert!(
        !html.contains("Maya Member"),
        "the public never sees who asked"
    );
    let (_, html) = app.get(&facilitator, &staff).await;
    assert!(html.contains("id=\"queue-empty\""));
    let entries = audit_entries(&app, "speaker_question.moderate").await;
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(
        entries
            .iter()
            .all(|(_, _, after)| !after.contains("salary") && !after.contains("trains"))
    );
    assert!(entries.iter().any(
        |(entity, _, after)| entity.ends_with(&format!("question:{rude}"))
            && after.contains("rejected")
    ));
}
