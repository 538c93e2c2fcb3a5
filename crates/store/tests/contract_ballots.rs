//! Contract tests for proposals and secret ballots, on SQLite and PostgreSQL: the votes table cannot be joined back
//! to members, one member's simultaneous votes count once, amendments keep a history, paper entries are independent.

use domain::account::{DisplayName, Email, SignInMethod};
use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::phase::Phase;
use store::ballot_box::{self, NewBallot, PaperRefusal, VoteRefusal};
use store::proposals::{self, DecisionRefusal, NewProposal};
use store::test_support::count_raw;
use store::{Backend, Store, StoreError, accounts, assemblies, on_both_backends};

on_both_backends!(
    the_votes_table_cannot_be_joined_to_members,
    one_member_voting_many_times_at_once_is_counted_once,
    accepted_amendments_change_the_text_with_history,
    paper_entries_are_typed_by_two_different_people_while_the_ballot_is_open,
);

async fn assembly(store: &Store) -> i64 {
    let draft = AssemblyDraft {
        title: Title::parse("Ballots").unwrap(),
        question: Question::parse("How should we decide?").unwrap(),
        authority: Authority::parse("Council").unwrap(),
        commitments: Commitment::parse_lines("Respond").unwrap(),
        timeline: Timeline::parse(Phase::Deliberation, |_| (None, None)).unwrap(),
    };
    let mut tx = store.begin().await.unwrap();
    let id = assemblies::create_assembly(&mut tx, &draft, 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn account(store: &Store, n: usize) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = accounts::create_account(
        &mut tx,
        &accounts::NewAccount {
            email: &Email::parse(&format!("member{n}@example.org")).unwrap(),
            display_name: &DisplayName::parse(&format!("Member {n}")).unwrap(),
            sign_in_method: SignInMethod::OneTimeCode,
            password_hash: None,
            is_admin: false,
        },
        1,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn yes_no_ballot(eligible: i64) -> NewBallot {
    NewBallot {
        proposal_id: None,
        method: "yes_no".to_owned(),
        wording: "Should the measure go to a referendum?".to_owned(),
        wording_otherwise: String::new(),
        options: String::new(),
        pass_rule: "more_than 1/2".to_owned(),
        max_approvals: None,
        eligible_members: eligible,
        opens_after: None,
        held_when: "always".to_owned(),
    }
}

async fn open_ballot(store: &Store, assembly_id: i64, eligible: i64) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = ballot_box::create(&mut tx, assembly_id, &yes_no_ballot(eligible), 2)
        .await
        .unwrap();
    assert!(
        ballot_box::open(
            &mut tx,
            assembly_id,
            id,
            "Should the measure go to a referendum?",
            3
        )
        .await
        .unwrap()
    );
    tx.commit().await.unwrap();
    id
}

fn key(seed: u8) -> [u8; 32] {
    let mut key = [0u8; 32];
    for (index, byte) in key.iter_mut().enumerate() {
        *byte = seed.wrapping_mul(31).wrapping_add(index as u8);
    }
    key
}

async fn vote(
    store: &Store,
    ballot_id: i64,
    account_id: i64,
    choice: &str,
    seed: u8,
) -> Result<(), VoteRefusal> {
    let mut tx = store.begin().await.unwrap();
    let result = ballot_box::cast_vote(&mut tx, ballot_id, account_id, choice, &key(seed))
        .await
        .unwrap();
    if result.is_ok() {
        tx.commit().await.unwrap();
    }
    result
}

async fn columns(store: &Store, table: &str) -> Vec<String> {
    let mut connection = store.connection().await.unwrap();
    let sql = match store.backend() {
        Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        Backend::Postgres => format!(
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *connection)
        .await
        .unwrap()
}

async fn vote_ids(store: &Store, ballot_id: i64) -> Vec<String> {
    let mut connection = store.connection().await.unwrap();
    let mut ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM ballot_votes WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_all(&mut *connection)
            .await
            .unwrap();
    ids.sort();
    ids
}

async fn the_votes_table_cannot_be_joined_to_members(store: Store) {
    // The schema: the votes table holds a random key, the ballot and the choice, nothing else; the voters table
    // holds the ballot and the member, nothing else (no time, no order).
    assert_eq!(
        columns(&store, "ballot_votes").await,
        ["id", "ballot_id", "choice"]
    );
    assert_eq!(
        columns(&store, "ballot_voters").await,
        ["ballot_id", "account_id"]
    );
    let mut connection = store.connection().await.unwrap();
    match store.backend() {
        Backend::Sqlite => {
            // No hidden insertion-ordered rowid on either table.
            for table in ["ballot_votes", "ballot_voters"] {
                let hidden = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT rowid FROM {table}")))
                    .fetch_all(&mut *connection)
                    .await;
                assert!(hidden.is_err(), "{table} has a rowid");
            }
            let foreign: Vec<String> =
                sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list('ballot_votes')")
                    .fetch_all(&mut *connection)
                    .await
                    .unwrap();
            assert_eq!(foreign, ["ballots"]);
        }
        Backend::Postgres => {
            let foreign: Vec<String> = sqlx::query_scalar(
                "SELECT ccu.table_name::text FROM information_schema.table_constraints tc
                 JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name
                 WHERE tc.table_name = 'ballot_votes' AND tc.constraint_type = 'FOREIGN KEY'",
            )
            .fetch_all(&mut *connection)
            .await
            .unwrap();
            assert_eq!(foreign, ["ballots"]);
            let defaults: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'ballot_votes' AND column_default IS NOT NULL",
            )
            .fetch_one(&mut *connection)
            .await
            .unwrap();
            assert_eq!(
                defaults, 0,
                "no sequence or clock default on the votes table"
            );
        }
    }
    drop(connection);

    let assembly_id = assembly(&store).await;
    let ballot_id = open_ballot(&store, assembly_id, 3).await;
    let alice = account(&store, 1).await;
    let bob = account(&store, 2).await;
    let carol = account(&store, 3).await;
    vote(&store, ballot_id, alice, "yes", 1).await.unwrap();
    let after_one = vote_ids(&store, ballot_id).await;
    vote(&store, ballot_id, bob, "no", 2).await.unwrap();
    let after_two = vote_ids(&store, ballot_id).await;
    vote(&store, ballot_id, carol, "abstain", 3).await.unwrap();
    let after_three = vote_ids(&store, ballot_id).await;
    // Every vote re-keys the ballot's votes: the first vote's key is gone after the second, and so on.
    assert!(after_two.iter().all(|id| !after_one.contains(id)));
    assert!(after_three.iter().all(|id| !after_two.contains(id)));
    assert_eq!(after_three.len(), 3);

    // The only column the two tables share is the ballot: joining them pairs each voter with every choice.
    let joined = count_raw(
        &store,
        &format!(
            "SELECT COUNT(*) FROM ballot_voters v JOIN ballot_votes c ON c.ballot_id = v.ballot_id
             WHERE v.account_id = {alice}"
        ),
    )
    .await
    .unwrap();
    assert_eq!(joined, 3);
    if store.backend() == Backend::Postgres {
        // The hidden transaction id of every vote row is the last voter's transaction, so it does not say
        // which vote was cast in Alice's transaction.
        let distinct_xmin = count_raw(
            &store,
            &format!(
                "SELECT COUNT(DISTINCT xmin::text) FROM ballot_votes WHERE ballot_id = {ballot_id}"
            ),
        )
        .await
        .unwrap();
        assert_eq!(distinct_xmin, 1);
        let alice_xmin_matches = count_raw(
            &store,
            &format!(
                "SELECT COUNT(*) FROM ballot_votes c JOIN ballot_voters v ON v.ballot_id = c.ballot_id
                 WHERE v.account_id = {alice} AND c.xmin::text = v.xmin::text"
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            alice_xmin_matches, 0,
            "Alice's voter row shares a transaction with a vote"
        );
    }
    let mut connection = store.connection().await.unwrap();
    assert_eq!(
        ballot_box::choices(&mut connection, ballot_id)
            .await
            .unwrap(),
        ["abstain", "no", "yes"]
    );
    assert_eq!(
        ballot_box::voter_count(&mut connection, ballot_id)
            .await
            .unwrap(),
        3
    );
}

async fn one_member_voting_many_times_at_once_is_counted_once(store: Store) {
    let assembly_id = assembly(&store).await;
    let ballot_id = open_ballot(&store, assembly_id, 5).await;
    let member = account(&store, 1).await;
    let mut tasks = Vec::new();
    for attempt in 0..8u8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let choice = if attempt % 2 == 0 { "yes" } else { "no" };
            vote(&store, ballot_id, member, choice, attempt).await
        }));
    }
    let mut accepted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => accepted += 1,
            Err(refusal) => assert_eq!(refusal, VoteRefusal::AlreadyVoted),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(
        count_raw(&store, "SELECT COUNT(*) FROM ballot_votes")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        count_raw(&store, "SELECT COUNT(*) FROM ballot_voters")
            .await
            .unwrap(),
        1
    );

    // A closed ballot takes no more votes.
    let mut tx = store.begin().await.unwrap();
    let result = ballot_box::ClosingResult {
        text: "Passed".to_owned(),
        passed: Some(true),
        support_bp: Some(10_000),
    };
    assert!(
        ballot_box::close(&mut tx, assembly_id, ballot_id, &result, 9)
            .await
            .unwrap()
    );
    assert!(
        !ballot_box::close(&mut tx, assembly_id, ballot_id, &result, 9)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let late = account(&store, 2).await;
    assert_eq!(
        vote(&store, ballot_id, late, "yes", 9).await,
        Err(VoteRefusal::NotOpen)
    );
    assert_eq!(
        count_raw(&store, "SELECT COUNT(*) FROM ballot_votes")
            .await
            .unwrap(),
        1
    );
}

async fn accepted_amendments_change_the_text_with_history(store: Store) {
    let assembly_id = assembly(&store).await;
    let drafter = account(&store, 1).await;
    let amender = account(&store, 2).await;
    let mut tx = store.begin().await.unwrap();
    let proposal = NewProposal {
        title: "Renovation".to_owned(),
        body: "Renovate every building by 2050.".to_owned(),
        session_label: "Session 3".to_owned(),
        table_label: "Table 2".to_owned(),
    };
    let proposal_id = proposals::create(&mut tx, assembly_id, drafter, &proposal, 10)
        .await
        .unwrap();
    let first = proposals::propose_amendment(
        &mut tx,
        assembly_id,
        proposal_id,
        amender,
        "Renovate every building by 2040.",
        "Sooner",
        11,
    )
    .await
    .unwrap();
    let second = proposals::propose_amendment(
        &mut tx,
        assembly_id,
        proposal_id,
        amender,
        "Renovate half the buildings.",
        "Cheaper",
        12,
    )
    .await
    .unwrap();
    let rejected = proposals::propose_amendment(
        &mut tx,
        assembly_id,
        proposal_id,
        amender,
        "Do nothing.",
        "No",
        12,
    )
    .await
    .unwrap();
    proposals::add_comment(
        &mut tx,
        assembly_id,
        proposal_id,
        Some(first),
        drafter,
        "Is 2040 realistic?",
        13,
    )
    .await
    .unwrap();
    assert_eq!(
        proposals::decide_amendment(&mut tx, assembly_id, proposal_id, first, true, drafter, 14)
            .await
            .unwrap(),
        Ok(2)
    );
    // The second was written against version 1: accepting it now would silently undo the first.
    assert_eq!(
        proposals::decide_amendment(&mut tx, assembly_id, proposal_id, second, true, drafter, 15)
            .await
            .unwrap(),
        Err(DecisionRefusal::Outdated)
    );
    assert_eq!(
        proposals::decide_amendment(
            &mut tx,
            assembly_id,
            proposal_id,
            rejected,
            false,
            drafter,
            15
        )
        .await
        .unwrap(),
        Ok(2)
    );
    assert_eq!(
        proposals::decide_amendment(&mut tx, assembly_id, proposal_id, first, false, drafter, 16)
            .await
            .unwrap(),
        Err(DecisionRefusal::AlreadyDecided)
    );
    proposals::set_minority_report(
        &mut tx,
        assembly_id,
        proposal_id,
        "2040 is too costly for tenants.",
        17,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut connection = store.connection().await.unwrap();
    let stored = proposals::get(&mut connection, assembly_id, proposal_id)
        .await
        .unwrap();
    assert_eq!(stored.fields.body, "Renovate every building by 2040.");
    assert_eq!(stored.version, 2);
    assert_eq!(stored.minority_report, "2040 is too costly for tenants.");
    let history = proposals::versions(&mut connection, proposal_id)
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|v| (v.version, v.body.as_str(), v.amendment_id))
            .collect::<Vec<_>>(),
        [
            (1, "Renovate every building by 2050.", None),
            (2, "Renovate every building by 2040.", Some(first))
        ]
    );
    let statuses: Vec<&str> = proposals::amendments(&mut connection, proposal_id)
        .await
        .unwrap()
        .iter()
        .map(|a| a.status.as_str())
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert_eq!(statuses, ["accepted", "open", "rejected"]);
    assert_eq!(
        proposals::comments(&mut connection, proposal_id)
            .await
            .unwrap()[0]
            .amendment_id,
        Some(first)
    );
    // Another assembly's id does not reach the proposal.
    assert!(matches!(
        proposals::get(&mut connection, assembly_id + 1, proposal_id).await,
        Err(StoreError::NotFound)
    ));
}

async fn paper_entries_are_typed_by_two_different_people_while_the_ballot_is_open(store: Store) {
    let assembly_id = assembly(&store).await;
    let clerk = account(&store, 1).await;
    let other_clerk = account(&store, 2).await;
    let mut tx = store.begin().await.unwrap();
    let draft = ballot_box::create(&mut tx, assembly_id, &yes_no_ballot(10), 2)
        .await
        .unwrap();
    assert_eq!(
        ballot_box::save_paper_entry(&mut tx, draft, 1, clerk, "1: yes", 3)
            .await
            .unwrap(),
        Err(PaperRefusal::NotOpen)
    );
    tx.commit().await.unwrap();
    let ballot_id = open_ballot(&store, assembly_id, 10).await;
    let mut tx = store.begin().await.unwrap();
    ballot_box::save_paper_entry(&mut tx, ballot_id, 1, clerk, "1: yes\n2: no", 4)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        ballot_box::save_paper_entry(&mut tx, ballot_id, 2, clerk, "1: yes\n2: no", 5)
            .await
            .unwrap(),
        Err(PaperRefusal::SameClerk)
    );
    ballot_box::save_paper_entry(&mut tx, ballot_id, 2, other_clerk, "1: yes\n2: yes", 6)
        .await
        .unwrap()
        .unwrap();
    // A clerk corrects their own entry: it is replaced, not added.
    ballot_box::save_paper_entry(&mut tx, ballot_id, 2, other_clerk, "1: yes\n2: no", 7)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    let entries = ballot_box::paper_entries(&mut connection, ballot_id)
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (
            entries[1].entry,
            entries[1].entered_by,
            entries[1].sheets.as_str()
        ),
        (2, other_clerk, "1: yes\n2: no")
    );
}
