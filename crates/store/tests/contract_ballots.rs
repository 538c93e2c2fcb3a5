//! Contract tests for proposals and secret ballots, on SQLite and PostgreSQL: the votes table cannot be joined back
//! to members, one member's simultaneous votes count once, amendments keep a history, paper entries are independent.

use domain::account::{DisplayName, Email, SignInMethod};
use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::phase::Phase;
use store::ballot_box::{self, NewBallot, PaperRefusal, VoteRefusal};
use store::proposals::{self, DecisionRefusal, NewProposal};
use store::secret::{BallotSeal, ServerSecret};
use store::test_support::count_raw;
use store::{Backend, Store, StoreError, accounts, assemblies, on_both_backends};

on_both_backends!(
    the_votes_table_cannot_be_joined_to_members,
    one_member_voting_many_times_at_once_is_counted_once,
    accepted_amendments_change_the_text_with_history,
    paper_entries_are_typed_by_two_different_people_while_the_ballot_is_open,
    a_copy_of_the_database_files_taken_after_each_vote_links_no_voter_to_a_choice,
    a_ballot_stored_with_an_unknown_method_status_or_rule_is_corrupt_never_a_default,
    proposals_name_sessions_and_tables_and_page_by_stage_session_and_title,
    migration_0025_links_old_labels_that_name_a_session_or_table_and_keeps_the_rest,
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
        method: ballots::MethodKind::YesNo,
        wording: "Should the measure go to a referendum?".to_owned(),
        wording_otherwise: String::new(),
        options: String::new(),
        pass_rule: Some(ballots::Threshold::simple_majority()),
        max_approvals: None,
        eligible_members: eligible,
        opens_after: None,
        held_when: ballots::HeldWhen::Always,
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

/// The server secret of these tests (a real server reads its own from a file).
fn seal() -> BallotSeal {
    ServerSecret::from_bytes([42; 32]).ballot_seal()
}

async fn vote(
    store: &Store,
    ballot_id: i64,
    account_id: i64,
    choice: &str,
) -> Result<(), VoteRefusal> {
    let mut tx = store.begin().await.unwrap();
    let result = ballot_box::cast_vote(&mut tx, ballot_id, account_id, choice, &seal())
        .await
        .unwrap();
    if result.is_ok() {
        tx.commit().await.unwrap();
    }
    result
}

/// Closes a ballot as the web handler does: the sealed choices are opened in the closing transaction.
async fn close(store: &Store, assembly_id: i64, ballot_id: i64) {
    let mut tx = store.begin().await.unwrap();
    ballot_box::open_sealed_votes(&mut tx, ballot_id, &seal())
        .await
        .unwrap();
    let result = ballot_box::ClosingResult {
        text: "Counted".to_owned(),
        passed: None,
        support_bp: None,
    };
    assert!(
        ballot_box::close(&mut tx, assembly_id, ballot_id, &result, 9)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    store.forget().await.unwrap();
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
    vote(&store, ballot_id, alice, "yes").await.unwrap();
    vote(&store, ballot_id, bob, "no").await.unwrap();
    vote(&store, ballot_id, carol, "abstain").await.unwrap();
    // While the ballot is open, no choice is readable: each waits sealed, all of one length.
    assert!(vote_ids(&store, ballot_id).await.is_empty());
    let sealed_lengths = count_raw(
        &store,
        &format!(
            "SELECT COUNT(DISTINCT LENGTH(sealed)) FROM ballot_sealed WHERE ballot_id = {ballot_id}"
        ),
    )
    .await
    .unwrap();
    assert_eq!(sealed_lengths, 1);
    close(&store, assembly_id, ballot_id).await;
    assert_eq!(vote_ids(&store, ballot_id).await.len(), 3);
    assert_eq!(
        count_raw(&store, "SELECT COUNT(*) FROM ballot_sealed")
            .await
            .unwrap(),
        0
    );

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
        // Every vote row was written by the closing transaction, which wrote no voter.
        let distinct_xmin = count_raw(
            &store,
            &format!(
                "SELECT COUNT(DISTINCT xmin::text) FROM ballot_votes WHERE ballot_id = {ballot_id}"
            ),
        )
        .await
        .unwrap();
        assert_eq!(distinct_xmin, 1);
        let shared_xmin = count_raw(
            &store,
            &format!(
                "SELECT COUNT(*) FROM ballot_votes c JOIN ballot_voters v ON v.ballot_id = c.ballot_id
                 WHERE c.ballot_id = {ballot_id} AND c.xmin::text = v.xmin::text"
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            shared_xmin, 0,
            "a voter row shares a transaction with a vote"
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
            vote(&store, ballot_id, member, choice).await
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
        count_raw(&store, "SELECT COUNT(*) FROM ballot_sealed")
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

    // Closing without opening the sealed votes would lose them: refused.
    let result = ballot_box::ClosingResult {
        text: "Passed".to_owned(),
        passed: Some(true),
        support_bp: Some(10_000),
    };
    let mut tx = store.begin().await.unwrap();
    assert!(
        ballot_box::close(&mut tx, assembly_id, ballot_id, &result, 9)
            .await
            .is_err()
    );
    drop(tx);
    // A sealed vote does not open under another server's secret: nothing is written.
    let mut tx = store.begin().await.unwrap();
    assert!(
        ballot_box::open_sealed_votes(
            &mut tx,
            ballot_id,
            &ServerSecret::from_bytes([1; 32]).ballot_seal()
        )
        .await
        .is_err()
    );
    drop(tx);
    // A closed ballot takes no more votes.
    close(&store, assembly_id, ballot_id).await;
    let mut tx = store.begin().await.unwrap();
    assert!(
        !ballot_box::close(&mut tx, assembly_id, ballot_id, &result, 9)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let late = account(&store, 2).await;
    assert_eq!(
        vote(&store, ballot_id, late, "yes").await,
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
        session_id: None,
        table_no: None,
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

/// What an attacker reads from a copy of the database files: the voters and the readable choices of a ballot, and
/// the sealed texts.
#[derive(Debug, Default)]
struct Copy {
    voters: Vec<i64>,
    choices: Vec<String>,
    sealed: Vec<String>,
}

/// Copies the SQLite database file and its `-wal` (as someone with file access, or a backup, would), opens the
/// copy read-only and reads it.
async fn copy_of_files(store: &Store, ballot_id: i64, n: usize) -> Copy {
    let mut connection = store.connection().await.unwrap();
    let path: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
    drop(connection);
    let directory = std::env::temp_dir().join(format!(
        "klero-copy-{}-{}-{n}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&directory).unwrap();
    let copy = directory.join("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    let wal = format!("{path}-wal");
    if std::path::Path::new(&wal).exists() {
        std::fs::copy(&wal, directory.join("copy.db-wal")).unwrap();
    }
    let mut connection = <sqlx::AnyConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}?mode=ro",
        copy.display()
    ))
    .await
    .unwrap();
    let mut read = Copy {
        voters: sqlx::query_scalar("SELECT account_id FROM ballot_voters WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_all(&mut connection)
            .await
            .unwrap(),
        choices: sqlx::query_scalar("SELECT choice FROM ballot_votes WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_all(&mut connection)
            .await
            .unwrap(),
        sealed: sqlx::query_scalar("SELECT sealed FROM ballot_sealed WHERE ballot_id = $1")
            .bind(ballot_id)
            .fetch_all(&mut connection)
            .await
            .unwrap(),
    };
    <sqlx::AnyConnection as sqlx::Connection>::close(connection)
        .await
        .unwrap();
    std::fs::remove_dir_all(&directory).ok();
    read.voters.sort();
    read.choices.sort();
    read
}

/// The attack that worked before sealing: between two consecutive copies, the voters that appeared and the choices
/// that appeared (a multiset difference, whatever the keys). One new voter and one new choice is a link.
fn diff(before: &Copy, after: &Copy) -> (Vec<i64>, Vec<String>) {
    let new_voters = after
        .voters
        .iter()
        .filter(|voter| !before.voters.contains(voter))
        .copied()
        .collect();
    let mut remaining = before.choices.clone();
    let mut new_choices = Vec::new();
    for choice in &after.choices {
        match remaining.iter().position(|old| old == choice) {
            Some(index) => {
                remaining.remove(index);
            }
            None => new_choices.push(choice.clone()),
        }
    }
    (new_voters, new_choices)
}

async fn a_copy_of_the_database_files_taken_after_each_vote_links_no_voter_to_a_choice(
    store: Store,
) {
    let assembly_id = assembly(&store).await;
    let ballot_id = open_ballot(&store, assembly_id, 4).await;
    let mut members = Vec::new();
    for n in 1..=4 {
        members.push(account(&store, n).await);
    }
    let choices = ["yes", "no", "abstain", "yes"];
    match store.backend() {
        Backend::Sqlite => {
            // Issue 14, finding 3: before sealing, diffing the votes of consecutive copies gave 4 of 4 choices.
            let mut copies = vec![copy_of_files(&store, ballot_id, 0).await];
            for (index, (member, choice)) in members.iter().zip(choices).enumerate() {
                vote(&store, ballot_id, *member, choice).await.unwrap();
                copies.push(copy_of_files(&store, ballot_id, index + 1).await);
            }
            for pair in copies.windows(2) {
                let (new_voters, new_choices) = diff(&pair[0], &pair[1]);
                assert_eq!(new_voters.len(), 1, "each vote records its voter at once");
                assert!(
                    new_choices.is_empty(),
                    "a copy taken after a vote shows a readable choice: {new_voters:?} voted {new_choices:?}"
                );
            }
            // What a copy does pair with each voter is a sealed text, of one length for every choice.
            let sealed = &copies.last().unwrap().sealed;
            assert_eq!(sealed.len(), 4);
            assert!(sealed.iter().all(|text| text.len() == sealed[0].len()));
            // Closing writes every choice at once, with no new voter: nothing pairs a voter with a choice.
            close(&store, assembly_id, ballot_id).await;
            let closed = copy_of_files(&store, ballot_id, 9).await;
            let (new_voters, mut new_choices) = diff(copies.last().unwrap(), &closed);
            new_choices.sort();
            assert!(new_voters.is_empty());
            assert_eq!(new_choices, ["abstain", "no", "yes", "yes"]);
            assert!(closed.sealed.is_empty());
            // The deleted sealed texts are gone from the files too (secure_delete and the checkpoint), so a copy
            // taken after close cannot be matched with one taken while voting.
            let mut connection = store.connection().await.unwrap();
            let path: String =
                sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(&mut *connection)
                    .await
                    .unwrap();
            drop(connection);
            let mut bytes = std::fs::read(&path).unwrap();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            for text in sealed {
                let needle = &text.as_bytes()[..48];
                assert!(
                    !bytes.windows(needle.len()).any(|window| window == needle),
                    "a deleted sealed choice is still in the database files"
                );
            }
        }
        Backend::Postgres => {
            // Before sealing, the voter row shared its transaction id with the re-keyed votes' writer.
            for (member, choice) in members.iter().zip(choices) {
                vote(&store, ballot_id, *member, choice).await.unwrap();
                let readable = count_raw(
                    &store,
                    &format!("SELECT COUNT(*) FROM ballot_votes WHERE ballot_id = {ballot_id}"),
                )
                .await
                .unwrap();
                assert_eq!(readable, 0, "a choice is readable while the ballot is open");
            }
            close(&store, assembly_id, ballot_id).await;
            let shared = count_raw(
                &store,
                &format!(
                    "SELECT COUNT(*) FROM ballot_voters v JOIN ballot_votes c ON c.xmin::text = v.xmin::text
                     WHERE v.ballot_id = {ballot_id}"
                ),
            )
            .await
            .unwrap();
            assert_eq!(
                shared, 0,
                "a voter row shares its transaction with a readable choice"
            );
            let voter_transactions = count_raw(
                &store,
                &format!(
                    "SELECT COUNT(DISTINCT xmin::text) FROM ballot_voters WHERE ballot_id = {ballot_id}"
                ),
            )
            .await
            .unwrap();
            assert_eq!(voter_transactions, 4);
            assert_eq!(
                count_raw(
                    &store,
                    &format!("SELECT COUNT(DISTINCT xmin::text) FROM ballot_votes WHERE ballot_id = {ballot_id}")
                )
                .await
                .unwrap(),
                1
            );
        }
    }
}

async fn a_ballot_stored_with_an_unknown_method_status_or_rule_is_corrupt_never_a_default(
    store: Store,
) {
    let assembly_id = assembly(&store).await;
    let ballot_id = open_ballot(&store, assembly_id, 10).await;
    let mut connection = store.connection().await.unwrap();
    let row = ballot_box::get(&mut connection, assembly_id, ballot_id)
        .await
        .unwrap();
    assert_eq!(row.fields.method, ballots::MethodKind::YesNo);
    assert_eq!(row.status, ballots::BallotStatus::Open);
    assert_eq!(row.fields.held_when, ballots::HeldWhen::Always);
    assert_eq!(
        row.fields.pass_rule,
        Some(ballots::Threshold::simple_majority())
    );
    // The schema itself refuses an unknown method, status or held-when.
    for (column, value) in [
        ("method", "yes-no"),
        ("status", "opened"),
        ("held_when", "sometimes"),
    ] {
        let refused = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE ballots SET {column} = $1 WHERE id = $2"
        )))
        .bind(value)
        .bind(ballot_id)
        .execute(&mut *connection)
        .await;
        assert!(refused.is_err(), "{column} {value:?} was stored");
    }
    // A pass rule that does not read back is an error when read, never "no pass rule".
    sqlx::query("UPDATE ballots SET pass_rule = 'half' WHERE id = $1")
        .bind(ballot_id)
        .execute(&mut *connection)
        .await
        .unwrap();
    let read = ballot_box::get(&mut connection, assembly_id, ballot_id).await;
    assert!(
        matches!(&read, Err(StoreError::Corrupt(message)) if message.contains("pass_rule")),
        "{read:?}"
    );
    assert!(matches!(
        ballot_box::list(&mut connection, assembly_id).await,
        Err(StoreError::Corrupt(_))
    ));
    sqlx::query("UPDATE ballots SET pass_rule = 'more_than 1/2' WHERE id = $1")
        .bind(ballot_id)
        .execute(&mut *connection)
        .await
        .unwrap();
    assert_eq!(
        ballot_box::get(&mut connection, assembly_id, ballot_id)
            .await
            .unwrap(),
        row
    );
}

/// An assembly with two sessions ("Weekend 1", "Weekend 2") and a finished allocation seating `member` at table 0
/// of the first and table 1 of the second; returns (assembly, sessions, member).
async fn seated_assembly(store: &Store) -> (i64, [i64; 2], i64) {
    let assembly_id = assembly(store).await;
    let member = account(store, 7).await;
    let mut tx = store.begin().await.unwrap();
    let mut sessions = [0; 2];
    for (at, day) in ["2026-01-10", "2026-02-14"].iter().enumerate() {
        let session = store::sessions::NewSession {
            title: format!("Weekend {}", at + 1),
            held_on: (*day).to_owned(),
            starts_at: "09:30".to_owned(),
            ends_at: "17:00".to_owned(),
            place: "Town hall".to_owned(),
        };
        sessions[at] = store::sessions::create_session(&mut tx, assembly_id, &session, 1)
            .await
            .unwrap();
    }
    let run = store::seating::NewRun {
        session_ids: sessions.to_vec(),
        seats_per_table: 5,
        with_facilitators: false,
        seed: 1,
    };
    let run_id = store::seating::queue_run(&mut tx, assembly_id, &run, None, 1)
        .await
        .unwrap();
    assert!(store::seating::claim_run(&mut tx, run_id).await.unwrap());
    let seats = [
        store::seating::Seat {
            session_id: sessions[0],
            account_id: member,
            table_no: 0,
        },
        store::seating::Seat {
            session_id: sessions[1],
            account_id: member,
            table_no: 1,
        },
    ];
    store::seating::finish_run(&mut tx, run_id, &seats, &[], 2)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (assembly_id, sessions, member)
}

async fn proposals_name_sessions_and_tables_and_page_by_stage_session_and_title(store: Store) {
    let (assembly_id, sessions, member) = seated_assembly(&store).await;
    let other = assembly(&store).await;
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        store::seating::tables(&mut tx, assembly_id).await.unwrap(),
        [(sessions[0], 0), (sessions[1], 1)]
    );
    let mut ids = Vec::new();
    for n in 0..120 {
        let new = NewProposal {
            title: format!(
                "{} {n}",
                if n % 3 == 0 {
                    "Night buses"
                } else {
                    "Cycle_lanes"
                }
            ),
            body: "Text".to_owned(),
            session_id: Some(sessions[n % 2]),
            table_no: (n % 2 == 1).then_some(1),
        };
        ids.push(
            proposals::create(&mut tx, assembly_id, member, &new, 10)
                .await
                .unwrap(),
        );
    }
    let first = proposals::get(&mut tx, assembly_id, ids[1]).await.unwrap();
    assert_eq!(first.fields.session_id, Some(sessions[1]));
    assert_eq!(first.fields.table_no, Some(1));
    assert_eq!(
        (first.legacy_session.as_str(), first.legacy_table.as_str()),
        ("", "")
    );
    assert_eq!(first.stage, proposals::Stage::Drafting);
    // A ballot on the first proposal puts it at the balloting stage.
    let mut ballot = yes_no_ballot(10);
    ballot.proposal_id = Some(ids[0]);
    ballot_box::create(&mut tx, assembly_id, &ballot, 11)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let all = proposals::Filter::default();
    let (page, total) = proposals::page(&mut tx, assembly_id, &all, 50, 100)
        .await
        .unwrap();
    assert_eq!((page.len(), total), (20, 120));
    assert_eq!(page[0].id, ids[100]);
    let in_second = proposals::Filter {
        session_id: Some(sessions[1]),
        ..Default::default()
    };
    let (page, total) = proposals::page(&mut tx, assembly_id, &in_second, 50, 0)
        .await
        .unwrap();
    assert_eq!((page.len(), total), (50, 60));
    assert!(
        page.iter()
            .all(|row| row.fields.session_id == Some(sessions[1]))
    );
    // The search is a fragment of the title in any case; `_` is a character, not a wildcard.
    let searched = proposals::Filter {
        search: "NIGHT".to_owned(),
        ..Default::default()
    };
    assert_eq!(
        proposals::page(&mut tx, assembly_id, &searched, 50, 0)
            .await
            .unwrap()
            .1,
        40
    );
    let underscore = proposals::Filter {
        search: "e_l".to_owned(),
        ..Default::default()
    };
    assert_eq!(
        proposals::page(&mut tx, assembly_id, &underscore, 50, 0)
            .await
            .unwrap()
            .1,
        80
    );
    let wildcard = proposals::Filter {
        search: "t_b".to_owned(),
        ..Default::default()
    };
    assert_eq!(
        proposals::page(&mut tx, assembly_id, &wildcard, 50, 0)
            .await
            .unwrap()
            .1,
        0
    );
    let balloting = proposals::Filter {
        stage: Some(proposals::Stage::Balloting),
        ..Default::default()
    };
    let (page, total) = proposals::page(&mut tx, assembly_id, &balloting, 50, 0)
        .await
        .unwrap();
    assert_eq!(
        (page.iter().map(|row| row.id).collect::<Vec<_>>(), total),
        (vec![ids[0]], 1)
    );
    let both = proposals::Filter {
        stage: Some(proposals::Stage::Drafting),
        session_id: Some(sessions[0]),
        search: "night".to_owned(),
    };
    // Proposals 0, 6, 12, ... are in the first session with "Night"; the first is balloting.
    assert_eq!(
        proposals::page(&mut tx, assembly_id, &both, 50, 0)
            .await
            .unwrap()
            .1,
        19
    );
    // Another assembly's list is empty.
    assert_eq!(
        proposals::page(&mut tx, other, &all, 50, 0)
            .await
            .unwrap()
            .1,
        0
    );
}

/// Runs the `UPDATE` statements of migration 0025 again on rows written as before it (labels, no links): the same
/// SQL that ran on every existing database, on both backends.
async fn migration_0025_links_old_labels_that_name_a_session_or_table_and_keeps_the_rest(
    store: Store,
) {
    let (assembly_id, sessions, member) = seated_assembly(&store).await;
    let other_assembly = assembly(&store).await;
    let mut tx = store.begin().await.unwrap();
    let other_session = store::sessions::create_session(
        &mut tx,
        other_assembly,
        &store::sessions::NewSession {
            title: "Weekend 3".to_owned(),
            held_on: "2026-03-14".to_owned(),
            starts_at: "09:30".to_owned(),
            ends_at: "17:00".to_owned(),
            place: "Elsewhere".to_owned(),
        },
        1,
    )
    .await
    .unwrap();
    assert!(other_session > 0);
    tx.commit().await.unwrap();
    let labels = [
        ("Weekend 1", "Table 1"),
        ("Weekend 2 (2026-02-14)", "2"),
        ("Weekend 2", "Table 1"),
        ("Weekend 3", "Table 1"),
        ("Session 9", "Table 4"),
        ("", "table 1"),
    ];
    for (session, table) in labels {
        store::test_support::execute_raw(
            &store,
            &format!(
                "INSERT INTO proposals (assembly_id, title, body, session_label, table_label, author_account_id,
                                        minority_report, version, created_at, updated_at)
                 VALUES ({assembly_id}, 'Old', 'Text', '{session}', '{table}', {member}, '', 1, 1, 1)"
            ),
        )
        .await
        .unwrap();
    }
    let migration = include_str!("../migrations/sqlite/0025_proposal_links.sql");
    assert_eq!(
        migration,
        include_str!("../migrations/postgres/0025_proposal_links.sql")
    );
    let statements: Vec<String> = migration
        .split(';')
        .map(|statement| {
            statement
                .lines()
                .filter(|line| !line.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_owned()
        })
        .filter(|statement| statement.starts_with("UPDATE"))
        .collect();
    assert_eq!(statements.len(), 4);
    for statement in &statements {
        store::test_support::execute_raw(&store, statement)
            .await
            .unwrap();
    }
    let mut tx = store.begin().await.unwrap();
    let rows = proposals::list(&mut tx, assembly_id).await.unwrap();
    let seen: Vec<(Option<i64>, Option<i64>, &str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row.fields.session_id,
                row.fields.table_no,
                row.legacy_session.as_str(),
                row.legacy_table.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            // The title names the session; "Table 1" is its table 0.
            (Some(sessions[0]), Some(0), "", ""),
            // "title (date)" names it too; "2" is its table 1.
            (Some(sessions[1]), Some(1), "", ""),
            // The second session has no table 0 (shown "Table 1"): that label stays, as a legacy label.
            (Some(sessions[1]), None, "", "Table 1"),
            // Another assembly's session, an unknown one, and a table without a session stay labels.
            (None, None, "Weekend 3", "Table 1"),
            (None, None, "Session 9", "Table 4"),
            (None, None, "", "table 1"),
        ]
    );
}
