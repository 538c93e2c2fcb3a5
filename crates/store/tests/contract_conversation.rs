//! Contract tests for the public conversation (issue 16): settings, participants, statements with duplicate
//! detection, votes (one per participant and statement, the latest counts, also under concurrency), erasure and the
//! claim of the recomputation job, on SQLite and PostgreSQL.

use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::conversation::{ModerationMode, Stance, StatementStatus};
use domain::phase::Phase;
use store::conversation::{self, NewStatement, Settings};
use store::{Store, StoreError, assemblies, on_both_backends};

on_both_backends!(
    a_conversation_keeps_its_settings_statements_and_duplicates_out,
    a_vote_is_stored_once_per_participant_and_statement_and_the_latest_counts,
    concurrent_votes_from_one_device_do_not_duplicate,
    erasing_a_participant_removes_their_votes_statements_and_answers,
    an_analysis_is_claimed_by_one_worker_at_a_time,
);

async fn assembly(store: &Store, title: &str) -> i64 {
    let draft = AssemblyDraft {
        title: Title::parse(title).unwrap(),
        question: Question::parse("How should we cut emissions?").unwrap(),
        authority: Authority::parse("Government").unwrap(),
        commitments: Commitment::parse_lines("Respond within 12 weeks").unwrap(),
        timeline: Timeline::parse(Phase::Deliberation, |_| (None, None)).unwrap(),
    };
    let mut tx = store.begin().await.unwrap();
    let id = assemblies::create_assembly(&mut tx, &draft, 1)
        .await
        .unwrap();
    conversation::configure(
        &mut tx,
        id,
        &Settings {
            prompt: "What matters to you?".to_owned(),
            moderation: ModerationMode::AcceptedOnly,
            is_open: true,
        },
        1,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn participant(store: &Store, assembly_id: i64, id: i64) -> i64 {
    let mut tx = store.begin().await.unwrap();
    conversation::add_participant(&mut tx, assembly_id, id, &format!("hash-{id}"), 10)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn statement(store: &Store, assembly_id: i64, body: &str, author: Option<i64>) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let normalised = domain::conversation::normalise(body);
    let id = conversation::add_statement(
        &mut tx,
        assembly_id,
        &NewStatement {
            body,
            normalised: &normalised,
            participant_id: author,
            status: StatementStatus::Accepted,
            is_meta: false,
        },
        10,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn vote(
    store: &Store,
    assembly_id: i64,
    participant_id: i64,
    statement_id: i64,
    stance: Stance,
    now: i64,
) {
    let mut tx = store.begin().await.unwrap();
    conversation::cast_vote(
        &mut tx,
        assembly_id,
        participant_id,
        statement_id,
        stance,
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn a_conversation_keeps_its_settings_statements_and_duplicates_out(store: Store) {
    let id = assembly(&store, "Assembly A").await;
    let other = assembly(&store, "Assembly B").await;
    let mut tx = store.begin().await.unwrap();
    let before = conversation::configure(
        &mut tx,
        id,
        &Settings {
            prompt: "What should the city do?".to_owned(),
            moderation: ModerationMode::UnlessRejected,
            is_open: false,
        },
        5,
    )
    .await
    .unwrap();
    assert_eq!(before.unwrap().moderation, ModerationMode::AcceptedOnly);
    assert!(matches!(
        conversation::configure(
            &mut tx,
            9_999,
            &Settings {
                prompt: "x".to_owned(),
                moderation: ModerationMode::AcceptedOnly,
                is_open: true
            },
            5
        )
        .await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let row = conversation::get(&mut connection, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.settings.prompt, "What should the city do?");
    assert!(!row.settings.is_open);
    assert!(row.analysis_json.is_none());
    drop(connection);

    let trees = statement(&store, id, "Plant more trees!", None).await;
    // The same statement in another conversation is no duplicate; in this one it is.
    statement(&store, other, "Plant more trees!", None).await;
    let mut tx = store.begin().await.unwrap();
    let duplicate = conversation::add_statement(
        &mut tx,
        id,
        &NewStatement {
            body: "plant MORE trees",
            normalised: "plant more trees",
            participant_id: None,
            status: StatementStatus::Pending,
            is_meta: false,
        },
        11,
    )
    .await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict { .. })),
        "{duplicate:?}"
    );
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(
        conversation::has_duplicate(&mut tx, id, "plant more trees")
            .await
            .unwrap()
    );
    assert_eq!(
        conversation::set_status(&mut tx, id, trees, StatementStatus::Rejected, 12)
            .await
            .unwrap(),
        StatementStatus::Accepted
    );
    assert!(matches!(
        conversation::set_status(&mut tx, other, trees, StatementStatus::Accepted, 12).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let rejected =
        conversation::statements(&mut connection, id, &[StatementStatus::Rejected], 10, 0)
            .await
            .unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].body, "Plant more trees!");
    assert!(!rejected[0].from_participant);
    assert_eq!(
        conversation::count_statements(&mut connection, id, &[StatementStatus::Accepted])
            .await
            .unwrap(),
        0
    );
    assert!(matches!(
        conversation::statement(&mut connection, other, trees).await,
        Err(StoreError::NotFound)
    ));
}

async fn a_vote_is_stored_once_per_participant_and_statement_and_the_latest_counts(store: Store) {
    let id = assembly(&store, "Assembly A").await;
    let alice = participant(&store, id, 7_001).await;
    let bob = participant(&store, id, 7_002).await;
    let s1 = statement(&store, id, "Cheaper buses", None).await;
    let s2 = statement(&store, id, "More cycle lanes", None).await;
    vote(&store, id, alice, s1, Stance::Agree, 100).await;
    vote(&store, id, alice, s1, Stance::Disagree, 200).await;
    vote(&store, id, alice, s2, Stance::Pass, 200).await;
    vote(&store, id, bob, s1, Stance::Agree, 300).await;
    let mut connection = store.connection().await.unwrap();
    let votes = conversation::all_votes(&mut connection, id).await.unwrap();
    let alice_s1: Vec<_> = votes
        .iter()
        .filter(|v| v.participant_id == alice && v.statement_id == s1)
        .collect();
    assert_eq!(alice_s1.len(), 1);
    assert_eq!(alice_s1[0].stance, Stance::Disagree);
    assert_eq!(alice_s1[0].voted_at, 200);
    assert_eq!(votes.len(), 3);
    assert_eq!(
        conversation::voted_by(&mut connection, id, alice)
            .await
            .unwrap(),
        vec![s1, s2]
    );
    let participation = conversation::participation(&mut connection, id)
        .await
        .unwrap();
    assert_eq!(participation.participants, 2);
    assert_eq!(participation.voters, 2);
    assert_eq!(participation.votes, 3);
    assert_eq!(participation.statements, 2);
    let by_day = conversation::participation_by_day(&mut connection, id)
        .await
        .unwrap();
    assert_eq!(by_day, vec![(0, 2, 3)]);
    let shown = conversation::statements(&mut connection, id, &[StatementStatus::Accepted], 10, 0)
        .await
        .unwrap();
    assert_eq!(
        shown.iter().map(|s| s.votes).collect::<Vec<_>>(),
        vec![2, 1]
    );
}

async fn concurrent_votes_from_one_device_do_not_duplicate(store: Store) {
    let id = assembly(&store, "Assembly A").await;
    let device = participant(&store, id, 42).await;
    let s1 = statement(&store, id, "Cheaper buses", None).await;
    let mut tasks = Vec::new();
    for round in 0..16 {
        let store = store.clone();
        let stance = if round % 2 == 0 {
            Stance::Agree
        } else {
            Stance::Disagree
        };
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await.unwrap();
            conversation::cast_vote(&mut tx, id, device, s1, stance, 1_000 + round)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let rows = store::test_support::count_raw(
        &store,
        &format!("SELECT COUNT(*) FROM conversation_votes WHERE participant_id = {device}"),
    )
    .await
    .unwrap();
    assert_eq!(rows, 1);
}

async fn erasing_a_participant_removes_their_votes_statements_and_answers(store: Store) {
    let id = assembly(&store, "Assembly A").await;
    let alice = participant(&store, id, 11).await;
    let bob = participant(&store, id, 12).await;
    let seed = statement(&store, id, "Cheaper buses", None).await;
    let hers = statement(&store, id, "Free trams on Sundays", Some(alice)).await;
    vote(&store, id, alice, seed, Stance::Agree, 20).await;
    vote(&store, id, bob, seed, Stance::Agree, 20).await;
    vote(&store, id, bob, hers, Stance::Disagree, 20).await;
    let mut tx = store.begin().await.unwrap();
    conversation::set_answer(&mut tx, id, alice, "age", "30-44")
        .await
        .unwrap();
    conversation::set_answer(&mut tx, id, alice, "age", "45-64")
        .await
        .unwrap();
    assert_eq!(
        conversation::all_answers(&mut tx, id).await.unwrap(),
        vec![(alice, "age".to_owned(), "45-64".to_owned())]
    );
    assert_eq!(
        conversation::participant_statements(&mut tx, id, alice)
            .await
            .unwrap(),
        vec![hers]
    );
    let erased = conversation::erase_participant(&mut tx, id, alice, 30)
        .await
        .unwrap();
    assert_eq!(erased.votes, 1);
    assert_eq!(erased.statements, 1);
    assert!(matches!(
        conversation::erase_participant(&mut tx, id, alice, 30).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let votes = conversation::all_votes(&mut connection, id).await.unwrap();
    assert_eq!(
        votes.len(),
        1,
        "only Bob's vote on the seed statement is left"
    );
    assert_eq!(
        (votes[0].participant_id, votes[0].statement_id),
        (bob, seed)
    );
    assert!(
        conversation::all_answers(&mut connection, id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        conversation::participant_by_token(&mut connection, id, "hash-11")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        conversation::participant_by_token(&mut connection, id, "hash-12")
            .await
            .unwrap(),
        Some(bob)
    );
}

async fn an_analysis_is_claimed_by_one_worker_at_a_time(store: Store) {
    let id = assembly(&store, "Assembly A").await;
    let device = participant(&store, id, 5).await;
    let s1 = statement(&store, id, "Cheaper buses", None).await;
    vote(&store, id, device, s1, Stance::Agree, 100).await;
    let mut connection = store.connection().await.unwrap();
    assert_eq!(
        conversation::due_analyses(&mut connection, 100, 5)
            .await
            .unwrap(),
        vec![id]
    );
    drop(connection);

    // Eight workers race for the claim: exactly one wins.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin().await.unwrap();
            let claimed = conversation::claim_analysis(&mut tx, id, 101)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            claimed
        }));
    }
    let mut winners = 0;
    for task in tasks {
        winners += usize::from(task.await.unwrap());
    }
    assert_eq!(winners, 1);

    // A vote during the analysis makes the conversation due again, but not while the claim is held.
    vote(&store, id, device, s1, Stance::Disagree, 102).await;
    let mut tx = store.begin().await.unwrap();
    assert!(
        !conversation::claim_analysis(&mut tx, id, 103)
            .await
            .unwrap()
    );
    assert!(
        conversation::due_analyses(&mut tx, 103, 0)
            .await
            .unwrap()
            .is_empty()
    );
    conversation::store_analysis(&mut tx, id, "{\"n\":1}", 104)
        .await
        .unwrap();
    // The debounce: due only once the last analysis is `min_interval` seconds old.
    assert!(
        conversation::due_analyses(&mut tx, 105, 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        conversation::due_analyses(&mut tx, 109, 5).await.unwrap(),
        vec![id]
    );
    // A claim left by a worker that died is taken over once stale.
    assert!(
        conversation::claim_analysis(&mut tx, id, 110)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    vote(&store, id, device, s1, Stance::Pass, 111).await;
    let mut tx = store.begin().await.unwrap();
    assert!(
        !conversation::claim_analysis(&mut tx, id, 112)
            .await
            .unwrap()
    );
    assert!(
        conversation::claim_analysis(&mut tx, id, 111 + conversation::STALE_CLAIM_SECONDS)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let row = conversation::get(&mut connection, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.analysis_runs, 1);
    assert_eq!(row.analysis_json.as_deref(), Some("{\"n\":1}"));
    assert_eq!(row.analysed_at, Some(104));
}
