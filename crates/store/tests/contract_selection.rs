//! Contract tests for quotas and selection runs, on SQLite and PostgreSQL: the database lets only one run per
//! assembly be running, even when two starts race; stale runs are failed; quotas are replaced as a whole.

use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::phase::Phase;
use domain::respondent::Status;
use domain::selection::{Algorithm, RunKind, RunStatus};
use store::recruitment::{self, NewRespondent};
use store::selection::{self, NewRun, QuotaRow, RunBusy, RunEnd, RunPerson, SettingsRow};
use store::{Store, assemblies, on_both_backends};

on_both_backends!(
    two_concurrent_starts_leave_exactly_one_run_running,
    stale_runs_are_failed_and_a_finished_run_keeps_its_result,
    quotas_are_replaced_as_a_whole,
    the_panel_lists_the_people_drawn_and_one_replacement_run_waits_at_a_time,
    a_prepared_run_is_committed_once_with_the_distribution_its_commitment_covers,
);

async fn assembly(store: &Store, title: &str) -> i64 {
    let draft = AssemblyDraft {
        title: Title::parse(title).unwrap(),
        question: Question::parse("How should we cut emissions?").unwrap(),
        authority: Authority::parse("Government").unwrap(),
        commitments: Commitment::parse_lines("Respond within 12 weeks").unwrap(),
        timeline: Timeline::parse(Phase::Design, |_| (None, None)).unwrap(),
    };
    let mut tx = store.begin().await.unwrap();
    let id = assemblies::create_assembly(&mut tx, &draft, 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn respondent(store: &Store, assembly_id: i64) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = recruitment::add_respondent(
        &mut tx,
        &NewRespondent {
            assembly_id,
            invitation_id: None,
            full_name: "Test Person",
            email: "t@example.org",
            phone: "",
            features_json: "{\"age_band\":\"16-29\"}",
            access_needs_json: "{}",
            consent_at: 1,
        },
        1,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn new_run(assembly_id: i64, status: RunStatus) -> NewRun<'static> {
    NewRun {
        assembly_id,
        kind: RunKind::Test,
        status,
        algorithm: Algorithm::Leximin,
        engine_version: "0",
        panel_size: 1,
        seed: "",
        seed_source: "",
        commitment: "c",
        pool_csv: "id,age_band\np1,16-29\n",
        features_csv: "feature,value,min,max\nage_band,16-29,1,1\n",
        already_csv: "",
        parent_run_id: None,
        created_by: None,
        lottery_panels: None,
    }
}

async fn start(store: Store, assembly_id: i64, respondent_id: i64) -> Result<i64, RunBusy> {
    let mut tx = store.begin().await.unwrap();
    let person = RunPerson {
        public_id: "p1".into(),
        respondent_id,
        position: 0,
        selected: false,
        already: false,
    };
    let result = selection::create_run(
        &mut tx,
        &new_run(assembly_id, RunStatus::Running),
        &[person],
        10,
    )
    .await
    .unwrap();
    // Hold the transaction open a moment, so that the other start really overlaps with this one.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    if result.is_ok() {
        tx.commit().await.unwrap();
    }
    result
}

async fn two_concurrent_starts_leave_exactly_one_run_running(store: Store) {
    let first = assembly(&store, "First").await;
    let second = assembly(&store, "Second").await;
    let person = respondent(&store, first).await;
    let (a, b) = tokio::join!(
        tokio::spawn(start(store.clone(), first, person)),
        tokio::spawn(start(store.clone(), first, person))
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes.iter().filter(|o| **o == Err(RunBusy)).count(),
        1,
        "{outcomes:?}"
    );
    let running = store::test_support::count_raw(
        &store,
        "SELECT COUNT(*) FROM selection_runs WHERE status = 'running'",
    )
    .await
    .unwrap();
    assert_eq!(running, 1);
    // The loser left nothing behind: one run row and one person row.
    assert_eq!(
        store::test_support::count_raw(&store, "SELECT COUNT(*) FROM selection_runs")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store::test_support::count_raw(&store, "SELECT COUNT(*) FROM selection_run_people")
            .await
            .unwrap(),
        1
    );

    // Another assembly may run at the same time; a committed run is not running and does not block.
    let other_person = respondent(&store, second).await;
    assert!(start(store.clone(), second, other_person).await.is_ok());
    let mut tx = store.begin().await.unwrap();
    let committed = selection::create_run(&mut tx, &new_run(first, RunStatus::Committed), &[], 11)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    // ... but it cannot be started while the other run is running.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        selection::start_committed_run(&mut tx, first, committed, "seed", 12)
            .await
            .unwrap(),
        Err(RunBusy)
    );
    drop(tx);
    let winner = outcomes.iter().find_map(|o| o.ok()).unwrap();
    let mut tx = store.begin().await.unwrap();
    let end = RunEnd {
        status: RunStatus::Cancelled,
        selected_csv: "",
        result_json: "{}",
        message: "",
        selected: &[],
        distribution_csv: "",
    };
    assert!(
        selection::finish_run(&mut tx, winner, &end, 13)
            .await
            .unwrap()
    );
    assert!(
        !selection::finish_run(&mut tx, winner, &end, 14)
            .await
            .unwrap(),
        "a finished run cannot finish twice"
    );
    assert_eq!(
        selection::start_committed_run(&mut tx, first, committed, "seed", 15)
            .await
            .unwrap(),
        Ok(true)
    );
    assert_eq!(
        selection::start_committed_run(&mut tx, first, committed, "seed", 15)
            .await
            .unwrap(),
        Ok(false)
    );
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let run = selection::run(&mut connection, first, committed)
        .await
        .unwrap();
    assert_eq!(
        (run.status.as_str(), run.seed.as_str()),
        ("running", "seed")
    );
    // A run is only reachable through its own assembly.
    assert!(
        selection::run(&mut connection, second, committed)
            .await
            .is_err()
    );
}

async fn stale_runs_are_failed_and_a_finished_run_keeps_its_result(store: Store) {
    let id = assembly(&store, "Stale").await;
    let person = respondent(&store, id).await;
    let run_id = start(store.clone(), id, person).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    // A fresh heartbeat keeps it; cancelling is seen by the next progress report.
    assert!(
        !selection::report_progress(&mut tx, run_id, Some("stage 1"), 100)
            .await
            .unwrap()
    );
    assert_eq!(
        selection::fail_stale_runs(&mut tx, 50, 101).await.unwrap(),
        Vec::<i64>::new()
    );
    assert!(
        selection::request_cancel(&mut tx, id, run_id)
            .await
            .unwrap()
    );
    assert!(
        selection::report_progress(&mut tx, run_id, None, 102)
            .await
            .unwrap()
    );
    // A heartbeat older than the limit: the run is failed and the next start is possible.
    assert_eq!(
        selection::fail_stale_runs(&mut tx, 200, 201).await.unwrap(),
        vec![run_id]
    );
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let run = selection::run(&mut connection, id, run_id).await.unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.progress, "stage 1");
    assert!(run.message.contains("interrupted"));
    drop(connection);
    let second = start(store.clone(), id, person).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let selected = vec!["p1".to_owned()];
    let distribution = "kind,panel,probability,seats,members\npanel,0,1,1,p1\n";
    let end = RunEnd {
        status: RunStatus::Done,
        selected_csv: "id\np1\n",
        result_json: "{\"x\":1}",
        message: "",
        selected: &selected,
        distribution_csv: distribution,
    };
    assert!(
        selection::finish_run(&mut tx, second, &end, 300)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let people = selection::run_people(&mut connection, second)
        .await
        .unwrap();
    assert_eq!(people.len(), 1);
    assert!(people[0].selected);
    let run = selection::run(&mut connection, id, second).await.unwrap();
    assert_eq!(
        (
            run.status.as_str(),
            run.selected_csv.as_str(),
            run.finished_at
        ),
        ("done", "id\np1\n", Some(300))
    );
    assert_eq!(
        (run.distribution_csv.as_str(), run.lottery_panels),
        (distribution, None)
    );
    assert_eq!(selection::runs(&mut connection, id).await.unwrap().len(), 2);
}

async fn quotas_are_replaced_as_a_whole(store: Store) {
    let id = assembly(&store, "Quotas").await;
    let quota = |feature: &str, value: &str, min: i64, max: i64| QuotaRow {
        feature: feature.into(),
        value: value.into(),
        share_ppm: 500_000,
        min_seats: min,
        max_seats: max,
    };
    let settings = SettingsRow {
        panel_size: 10,
        seed_source: "lottery of 1 March".into(),
    };
    let mut tx = store.begin().await.unwrap();
    selection::save_quotas(
        &mut tx,
        id,
        &settings,
        &[quota("gender", "woman", 4, 6), quota("gender", "man", 4, 6)],
        1,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let shorter = [quota("age_band", "16-29", 1, 3)];
    selection::save_quotas(
        &mut tx,
        id,
        &SettingsRow {
            panel_size: 12,
            ..settings.clone()
        },
        &shorter,
        2,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // A duplicate value is refused and the transaction leaves the previous quotas intact.
    let mut tx = store.begin().await.unwrap();
    let duplicate = [quota("x", "a", 0, 1), quota("x", "a", 0, 1)];
    assert!(
        selection::save_quotas(&mut tx, id, &settings, &duplicate, 3)
            .await
            .is_err()
    );
    drop(tx);
    let mut connection = store.connection().await.unwrap();
    assert_eq!(
        selection::quotas(&mut connection, id).await.unwrap(),
        shorter.to_vec()
    );
    assert_eq!(
        selection::settings(&mut connection, id)
            .await
            .unwrap()
            .unwrap()
            .panel_size,
        12
    );
    assert_eq!(
        selection::settings(&mut connection, id + 1000)
            .await
            .unwrap(),
        None
    );
}

async fn the_panel_lists_the_people_drawn_and_one_replacement_run_waits_at_a_time(store: Store) {
    let id = assembly(&store, "Panel").await;
    let other = assembly(&store, "Other panel").await;
    let (a, b, c) = (
        respondent(&store, id).await,
        respondent(&store, id).await,
        respondent(&store, id).await,
    );
    let person = |public_id: &str, respondent_id: i64, position: i64, already: bool| RunPerson {
        public_id: public_id.into(),
        respondent_id,
        position,
        selected: false,
        already,
    };
    // A transparent lottery needs at least two numbered panels: the database refuses fewer.
    let mut tx = store.begin().await.unwrap();
    let one_panel = NewRun {
        kind: RunKind::Final,
        panel_size: 2,
        lottery_panels: Some(1),
        ..new_run(id, RunStatus::Committed)
    };
    assert!(
        selection::create_run(&mut tx, &one_panel, &[], 9)
            .await
            .is_err(),
        "a lottery of one panel is refused"
    );
    drop(tx);
    // A final run draws a and b from a, b, c.
    let mut tx = store.begin().await.unwrap();
    let final_run = NewRun {
        kind: RunKind::Final,
        panel_size: 2,
        lottery_panels: Some(1000),
        ..new_run(id, RunStatus::Running)
    };
    let final_id = selection::create_run(
        &mut tx,
        &final_run,
        &[
            person("pa", a, 0, false),
            person("pb", b, 1, false),
            person("pc", c, 2, false),
        ],
        10,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        selection::panel(&mut tx, id).await.unwrap(),
        Vec::new(),
        "no panel before the run is done"
    );
    let drawn = vec!["pa".to_owned(), "pb".to_owned()];
    let end = RunEnd {
        status: RunStatus::Done,
        selected_csv: "id\npa\npb\n",
        result_json: "{}",
        message: "",
        selected: &drawn,
        distribution_csv: "",
    };
    assert!(
        selection::finish_run(&mut tx, final_id, &end, 11)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let panel = selection::panel(&mut connection, id).await.unwrap();
    assert_eq!(
        panel
            .iter()
            .map(|p| (p.respondent_id, p.public_id.as_str(), p.run_id))
            .collect::<Vec<_>>(),
        vec![(a, "pa", final_id), (b, "pb", final_id)]
    );
    assert_eq!(panel[0].status, Status::Registered);
    assert_eq!(
        selection::run(&mut connection, id, final_id)
            .await
            .unwrap()
            .lottery_panels,
        Some(1000)
    );
    assert_eq!(panel[0].full_name, "Test Person");
    assert!(
        !format!("{:?}", panel[0]).contains("Test Person"),
        "Debug shows no personal data"
    );
    assert_eq!(
        selection::panel(&mut connection, other).await.unwrap(),
        Vec::new()
    );
    drop(connection);

    // A replacement run keeps a (already) and draws c: only c is added to the panel.
    let replacement = NewRun {
        kind: RunKind::Replacement,
        panel_size: 2,
        parent_run_id: Some(final_id),
        ..new_run(id, RunStatus::Committed)
    };
    let mut tx = store.begin().await.unwrap();
    let replacement_id = selection::create_run(
        &mut tx,
        &replacement,
        &[person("qa", a, 0, true), person("qc", c, 1, false)],
        12,
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    // A second replacement run cannot wait at the same time, in this assembly; another assembly may have one.
    let mut tx = store.begin().await.unwrap();
    let refused = selection::create_run(&mut tx, &replacement, &[], 13).await;
    assert!(
        matches!(refused, Err(store::StoreError::Conflict { .. })),
        "{refused:?}"
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(
        selection::create_run(
            &mut tx,
            &NewRun {
                assembly_id: other,
                ..replacement.clone()
            },
            &[],
            13
        )
        .await
        .unwrap()
        .is_ok()
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        selection::start_committed_run(&mut tx, id, replacement_id, "seed", 14)
            .await
            .unwrap(),
        Ok(true)
    );
    let both = vec!["qa".to_owned(), "qc".to_owned()];
    let end = RunEnd {
        status: RunStatus::Done,
        selected_csv: "id\nqa\nqc\n",
        result_json: "{}",
        message: "",
        selected: &both,
        distribution_csv: "",
    };
    assert!(
        selection::finish_run(&mut tx, replacement_id, &end, 15)
            .await
            .unwrap()
    );
    selection::add_replacement(&mut tx, id, replacement_id, b, Some(c), "seed", 15)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let panel = selection::panel(&mut connection, id).await.unwrap();
    assert_eq!(
        panel
            .iter()
            .map(|p| (p.respondent_id, p.public_id.as_str(), p.run_id))
            .collect::<Vec<_>>(),
        vec![
            (a, "pa", final_id),
            (b, "pb", final_id),
            (c, "qc", replacement_id)
        ],
        "a person kept by a replacement run is listed once, from the run that drew them"
    );
    let history = selection::replacements(&mut connection, id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (
            history[0].dropped_respondent_id,
            history[0].replacement_respondent_id,
            history[0].run_id
        ),
        (b, Some(c), replacement_id)
    );
    drop(connection);
    // Once done, the next replacement run may wait for its seed.
    let mut tx = store.begin().await.unwrap();
    assert!(
        selection::create_run(&mut tx, &replacement, &[], 16)
            .await
            .unwrap()
            .is_ok()
    );
    tx.commit().await.unwrap();
}

/// Issue 14, item 10: a final run is prepared (`running`, no seed, no commitment) while its distribution is computed,
/// then committed with the version 2 commitment and the distribution together; only a run still being prepared is.
async fn a_prepared_run_is_committed_once_with_the_distribution_its_commitment_covers(
    store: Store,
) {
    let assembly_id = assembly(&store, "Prepared run").await;
    let mut tx = store.begin().await.unwrap();
    let preparing = NewRun {
        kind: RunKind::Final,
        status: RunStatus::Running,
        commitment: "",
        ..new_run(assembly_id, RunStatus::Running)
    };
    let run_id = selection::create_run(&mut tx, &preparing, &[], 10)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let before = selection::run(&mut connection, assembly_id, run_id)
        .await
        .unwrap();
    assert_eq!(
        (before.commitment_version, before.distribution_csv.as_str()),
        (1, ""),
        "nothing is committed while the distribution is computed"
    );
    drop(connection);

    let distribution = "kind,panel,probability,seats,members\npanel,0,1,1,p1\n";
    let mut tx = store.begin().await.unwrap();
    assert!(
        selection::commit_prepared_run(&mut tx, run_id, "v2", distribution)
            .await
            .unwrap()
    );
    // Once committed, it is no longer being prepared: a second commit changes nothing.
    assert!(
        !selection::commit_prepared_run(&mut tx, run_id, "other", "")
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let after = selection::run(&mut connection, assembly_id, run_id)
        .await
        .unwrap();
    assert_eq!(after.status, RunStatus::Committed);
    assert_eq!(
        (
            after.commitment.as_str(),
            after.commitment_version,
            after.distribution_csv.as_str()
        ),
        ("v2", 2, distribution)
    );
    drop(connection);

    // A drawn run (seed known) is never "prepared" again.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        selection::start_committed_run(&mut tx, assembly_id, run_id, "seed", 20)
            .await
            .unwrap(),
        Ok(true)
    );
    assert!(
        !selection::commit_prepared_run(&mut tx, run_id, "other", "")
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}
