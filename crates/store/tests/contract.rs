//! Contract tests: every scenario runs against SQLite and PostgreSQL, through the same store functions.

use domain::account::{DisplayName, Email, SignInMethod};
use domain::assembly::{
    AssemblyDraft, Authority, CommentBody, CommentStatus, Commitment, Question, Timeline, Title,
};
use domain::permission::Role;
use domain::phase::Phase;
use store::accounts::{self, NewAccount};
use store::{Store, StoreError, assemblies, audit, auth, comments, on_both_backends, recruitment};

on_both_backends!(
    accounts_are_unique_by_email_and_roles_are_per_assembly,
    an_assembly_round_trips_with_its_commitments_and_timeline,
    an_unknown_stored_phase_is_an_error_never_a_default,
    comments_are_held_for_moderation_and_moderated_once,
    sessions_expire_and_failed_logins_lock_the_account,
    the_audit_chain_detects_edited_and_deleted_entries,
    a_rolled_back_transaction_leaves_no_change_and_no_audit_entry,
    concurrent_appends_keep_one_unbroken_chain,
    invitation_codes_are_unique_and_households_have_a_seat_limit,
    two_registrations_on_the_last_seat_give_exactly_one_winner,
    status_changes_are_conditional_and_erasure_keeps_only_feature_values,
    rate_limits_count_per_key_in_a_window_and_secrets_are_created_once,
);

fn draft(title: &str) -> AssemblyDraft {
    let timeline = Timeline::parse(Phase::Learning, |phase| match phase {
        Phase::Design => (Some("2019-06-01".into()), Some("2019-09-30".into())),
        Phase::Learning => (Some("2019-10-04".into()), None),
        _ => (None, None),
    })
    .unwrap();
    AssemblyDraft {
        title: Title::parse(title).unwrap(),
        question: Question::parse(
            "How can we cut emissions by 40% by 2030 in a spirit of social justice?",
        )
        .unwrap(),
        authority: Authority::parse("Government of France").unwrap(),
        commitments: Commitment::parse_lines(
            "Submit proposals without filter\nRespond publicly within 12 weeks",
        )
        .unwrap(),
        timeline,
    }
}

async fn new_account(store: &Store, email: &str, admin: bool) -> Result<i64, StoreError> {
    let mut tx = store.begin().await.unwrap();
    let id = accounts::create_account(
        &mut tx,
        &NewAccount {
            email: &Email::parse(email).unwrap(),
            display_name: &DisplayName::parse("Test person").unwrap(),
            sign_in_method: SignInMethod::Password,
            password_hash: Some("$argon2id$fake"),
            is_admin: admin,
        },
        1_000,
    )
    .await?;
    tx.commit().await.unwrap();
    Ok(id)
}

async fn accounts_are_unique_by_email_and_roles_are_per_assembly(store: Store) {
    let ana = new_account(&store, "ana@example.org", true).await.unwrap();
    let duplicate = new_account(&store, "ANA@example.org", false).await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict { .. })),
        "{duplicate:?}"
    );
    let mut conn = store.connection().await.unwrap();
    assert_eq!(accounts::count_admins(&mut conn).await.unwrap(), 1);
    assert_eq!(
        accounts::account_by_email(&mut conn, "ana@example.org")
            .await
            .unwrap()
            .unwrap()
            .id,
        ana
    );
    drop(conn);

    let mut tx = store.begin().await.unwrap();
    let first = assemblies::create_assembly(&mut tx, &draft("First"), 10)
        .await
        .unwrap();
    let second = assemblies::create_assembly(&mut tx, &draft("Second"), 10)
        .await
        .unwrap();
    accounts::set_role(&mut tx, first, ana, Role::Observer)
        .await
        .unwrap();
    accounts::set_role(&mut tx, first, ana, Role::Organiser)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.connection().await.unwrap();
    assert_eq!(
        accounts::role_in(&mut conn, ana, first).await.unwrap(),
        Some(Role::Organiser)
    );
    assert_eq!(
        accounts::role_in(&mut conn, ana, second).await.unwrap(),
        None
    );
    assert_eq!(
        accounts::roles_of(&mut conn, ana).await.unwrap(),
        vec![(first, Role::Organiser)]
    );
    let mine = assemblies::list_assemblies_of(&mut conn, ana)
        .await
        .unwrap();
    assert_eq!(mine.iter().map(|a| a.id).collect::<Vec<_>>(), vec![first]);
}

async fn an_unknown_stored_phase_is_an_error_never_a_default(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let id = assemblies::create_assembly(&mut tx, &draft("Phases"), 100)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store::test_support::execute_raw(
        &store,
        &format!("UPDATE assemblies SET current_phase = 'voting' WHERE id = {id}"),
    )
    .await
    .unwrap();
    let mut conn = store.connection().await.unwrap();
    let read = assemblies::get_assembly(&mut conn, id).await;
    assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
    let listed = assemblies::list_assemblies(&mut conn).await;
    assert!(matches!(listed, Err(StoreError::Corrupt(_))), "{listed:?}");
}

async fn an_assembly_round_trips_with_its_commitments_and_timeline(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let id = assemblies::create_assembly(&mut tx, &draft("Citizens' Convention for Climate"), 100)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.connection().await.unwrap();
    let stored = assemblies::get_assembly(&mut conn, id).await.unwrap();
    assert_eq!(stored.title, "Citizens' Convention for Climate");
    assert_eq!(stored.current_phase, Phase::Learning);
    assert_eq!(
        stored.commitments,
        vec![
            "Submit proposals without filter",
            "Respond publicly within 12 weeks"
        ]
    );
    assert_eq!(stored.phases.len(), 8);
    assert_eq!(stored.phases[0].phase, Phase::Design);
    assert_eq!(stored.phases[0].ends_on.as_deref(), Some("2019-09-30"));
    assert_eq!(stored.phases[3].starts_on.as_deref(), Some("2019-10-04"));
    assert_eq!(stored.phases[3].ends_on, None);
    drop(conn);

    let mut edited = draft("Convention citoyenne pour le climat");
    edited.commitments = Commitment::parse_lines("One commitment").unwrap();
    let mut tx = store.begin().await.unwrap();
    assemblies::update_assembly(&mut tx, id, &edited, 200)
        .await
        .unwrap();
    assert!(matches!(
        assemblies::update_assembly(&mut tx, id + 1000, &edited, 200).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let mut conn = store.connection().await.unwrap();
    let stored = assemblies::get_assembly(&mut conn, id).await.unwrap();
    assert_eq!(stored.title, "Convention citoyenne pour le climat");
    assert_eq!(stored.commitments, vec!["One commitment"]);
    assert_eq!(stored.updated_at, 200);
    assert!(matches!(
        assemblies::get_assembly(&mut conn, id + 1000).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        assemblies::list_assemblies(&mut conn).await.unwrap().len(),
        1
    );
}

async fn comments_are_held_for_moderation_and_moderated_once(store: Store) {
    let moderator = new_account(&store, "mod@example.org", false).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let id = assemblies::create_assembly(&mut tx, &draft("A"), 1)
        .await
        .unwrap();
    let body = CommentBody::parse("Please publish the selection quotas").unwrap();
    let first = comments::add_comment(&mut tx, id, &body, 2).await.unwrap();
    let second = comments::add_comment(&mut tx, id, &body, 3).await.unwrap();
    assert!(matches!(
        comments::add_comment(&mut tx, id + 99, &body, 3).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let before = comments::moderate(&mut tx, id, first, CommentStatus::Approved, moderator, 5)
        .await
        .unwrap();
    assert_eq!(before.status, CommentStatus::Pending);
    comments::moderate(&mut tx, id, second, CommentStatus::Rejected, moderator, 5)
        .await
        .unwrap();
    let again = comments::moderate(&mut tx, id, first, CommentStatus::Rejected, moderator, 6).await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    let elsewhere = comments::moderate(
        &mut tx,
        id + 99,
        second,
        CommentStatus::Approved,
        moderator,
        6,
    )
    .await;
    assert!(matches!(elsewhere, Err(StoreError::NotFound)));
    tx.commit().await.unwrap();

    let mut conn = store.connection().await.unwrap();
    let approved = comments::comments_with_status(&mut conn, id, CommentStatus::Approved)
        .await
        .unwrap();
    assert_eq!(
        approved.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![first]
    );
    assert!(
        comments::comments_with_status(&mut conn, id, CommentStatus::Pending)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn sessions_expire_and_failed_logins_lock_the_account(store: Store) {
    let account = new_account(&store, "s@example.org", false).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    auth::create_session(&mut tx, "hash-1", account, "csrf-1", 100, 200)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.connection().await.unwrap();
    let live = auth::live_session(&mut conn, "hash-1", 150)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (live.account_id, live.csrf_token.as_str()),
        (account, "csrf-1")
    );
    assert_eq!(
        auth::live_session(&mut conn, "hash-1", 200).await.unwrap(),
        None
    );
    assert_eq!(
        auth::delete_expired_sessions(&mut conn, 200).await.unwrap(),
        1
    );

    // Attempts are counted per window; only the window's end or a forgiven success lowers the count.
    for (at, expected) in [(1_000, 1), (1_010, 2), (1_020, 3), (1_059, 4)] {
        assert_eq!(
            auth::count_attempt(&mut conn, "key", at, 60).await.unwrap(),
            expected
        );
    }
    auth::forgive_attempt(&mut conn, "key").await.unwrap();
    assert_eq!(
        auth::count_attempt(&mut conn, "key", 1_059, 60)
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        auth::count_attempt(&mut conn, "key", 1_060, 60)
            .await
            .unwrap(),
        1,
        "a new window"
    );
    // Attempts spread over more than the window never add up.
    for minute in 0..5 {
        assert_eq!(
            auth::count_attempt(&mut conn, "slow", 10_000 + minute * 61, 60)
                .await
                .unwrap(),
            1
        );
    }

    let token = auth::create_api_token(&mut conn, account, "script", "token-hash", 5, 1_000)
        .await
        .unwrap();
    assert!(token > 0);
    assert_eq!(
        auth::api_token_account(&mut conn, "token-hash", 6)
            .await
            .unwrap(),
        Some(account)
    );
    assert_eq!(
        auth::api_token_account(&mut conn, "token-hash", 1_000)
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        auth::api_token_account(&mut conn, "other", 6)
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        auth::revoke_api_token(&mut conn, account + 1, token, 6).await,
        Err(StoreError::NotFound)
    ));
    auth::revoke_api_token(&mut conn, account, token, 6)
        .await
        .unwrap();
    assert_eq!(
        auth::api_token_account(&mut conn, "token-hash", 6)
            .await
            .unwrap(),
        None,
        "revoked"
    );
    assert!(
        auth::list_api_tokens(&mut conn, account, 6)
            .await
            .unwrap()
            .is_empty()
    );

    auth::create_sign_in_code(&mut conn, account, "code-hash", 100, 700)
        .await
        .unwrap();
    assert!(
        !auth::consume_sign_in_code(&mut conn, account, "wrong", 200)
            .await
            .unwrap()
    );
    assert!(
        auth::consume_sign_in_code(&mut conn, account, "code-hash", 200)
            .await
            .unwrap()
    );
    assert!(
        !auth::consume_sign_in_code(&mut conn, account, "code-hash", 201)
            .await
            .unwrap(),
        "codes are single-use"
    );
}

async fn append_three(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    for n in 0..3 {
        let after = format!("{{\"n\":{n}}}");
        let change = audit::Change {
            actor_account_id: Some(7),
            action: "assembly.update",
            entity: "assembly:1",
            before_json: None,
            after_json: Some(&after),
        };
        assert_eq!(
            audit::append(&mut tx, &change, 50 + n).await.unwrap(),
            n + 1
        );
    }
    tx.commit().await.unwrap();
}

async fn the_audit_chain_detects_edited_and_deleted_entries(store: Store) {
    append_three(&store).await;
    let mut conn = store.connection().await.unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap(), Ok(3));

    sqlx::query("UPDATE audit_log SET after_json = '{\"n\":42}' WHERE seq = 2")
        .execute(&mut *conn)
        .await
        .unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap().unwrap_err().seq, 2);
    sqlx::query("UPDATE audit_log SET after_json = '{\"n\":1}' WHERE seq = 2")
        .execute(&mut *conn)
        .await
        .unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap(), Ok(3));

    sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(&mut *conn)
        .await
        .unwrap();
    let tail = audit::verify(&mut conn).await.unwrap().unwrap_err();
    assert_eq!(tail.seq, 3, "{tail:?}");

    sqlx::query("DELETE FROM audit_log WHERE seq = 1")
        .execute(&mut *conn)
        .await
        .unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap().unwrap_err().seq, 1);
}

async fn a_rolled_back_transaction_leaves_no_change_and_no_audit_entry(store: Store) {
    let mut tx = store.begin().await.unwrap();
    assemblies::create_assembly(&mut tx, &draft("Never"), 1)
        .await
        .unwrap();
    let change = audit::Change {
        actor_account_id: None,
        action: "assembly.create",
        entity: "assembly:1",
        before_json: None,
        after_json: Some("{}"),
    };
    audit::append(&mut tx, &change, 1).await.unwrap();
    drop(tx);
    let mut conn = store.connection().await.unwrap();
    assert!(
        assemblies::list_assemblies(&mut conn)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(audit::verify(&mut conn).await.unwrap(), Ok(0));
    drop(conn);
    append_three(&store).await;
    let mut conn = store.connection().await.unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap(), Ok(3));
}

async fn concurrent_appends_keep_one_unbroken_chain(store: Store) {
    let mut tasks = Vec::new();
    for task in 0..8i64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..5i64 {
                let mut tx = store.begin().await.unwrap();
                let entity = format!("task:{task}");
                let after = format!("{{\"n\":{n}}}");
                let change = audit::Change {
                    actor_account_id: Some(task),
                    action: "test.append",
                    entity: &entity,
                    before_json: None,
                    after_json: Some(&after),
                };
                audit::append(&mut tx, &change, 1_000 + n).await.unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut conn = store.connection().await.unwrap();
    assert_eq!(
        audit::verify(&mut conn).await.unwrap(),
        Ok(40),
        "no fork, no gap"
    );
}

async fn draw_with(store: &Store, codes: &[&str], capacity: i64) -> (i64, i64) {
    let mut tx = store.begin().await.unwrap();
    let assembly_id = assemblies::create_assembly(&mut tx, &draft("Recruiting"), 10)
        .await
        .unwrap();
    let invitations: Vec<recruitment::NewInvitation> = codes
        .iter()
        .map(|code| recruitment::NewInvitation {
            code,
            area: "North",
            address_ref: "A1",
            address: "1 High Street",
        })
        .collect();
    let draw_id = recruitment::create_draw(
        &mut tx,
        &recruitment::NewDraw {
            assembly_id,
            seed: "seed",
            invitations: codes.len() as i64,
            weights: "",
            list_digest: "abc",
            addresses: 10,
            household_capacity: capacity,
            area_report_json: "[]",
            created_by: None,
        },
        &invitations,
        10,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (assembly_id, draw_id)
}

async fn invitation_codes_are_unique_and_households_have_a_seat_limit(store: Store) {
    let (assembly_id, _) = draw_with(&store, &["AAAA-AAAA-A1", "BBBB-BBBB-B2"], 2).await;

    // The same code twice, even in another draw, is refused and nothing of that draw is kept.
    let mut tx = store.begin().await.unwrap();
    let refused = recruitment::create_draw(
        &mut tx,
        &recruitment::NewDraw {
            assembly_id,
            seed: "other",
            invitations: 1,
            weights: "",
            list_digest: "def",
            addresses: 1,
            household_capacity: 1,
            area_report_json: "[]",
            created_by: None,
        },
        &[recruitment::NewInvitation {
            code: "AAAA-AAAA-A1",
            area: "South",
            address_ref: "B1",
            address: "2 Low Road",
        }],
        20,
    )
    .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    drop(tx);
    let mut connection = store.connection().await.unwrap();
    assert_eq!(
        recruitment::draws(&mut connection, assembly_id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        recruitment::invitations(&mut connection, assembly_id)
            .await
            .unwrap()
            .len(),
        2
    );
    drop(connection);

    // Two seats, then refused; an unknown code or another assembly's code is unknown.
    for _ in 0..2 {
        let mut tx = store.begin().await.unwrap();
        let claimed = recruitment::claim_invitation(&mut tx, assembly_id, "AAAA-AAAA-A1")
            .await
            .unwrap();
        assert!(claimed.is_ok(), "{claimed:?}");
        tx.commit().await.unwrap();
    }
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        recruitment::claim_invitation(&mut tx, assembly_id, "AAAA-AAAA-A1")
            .await
            .unwrap(),
        Err(recruitment::ClaimRefusal::Exhausted)
    );
    assert_eq!(
        recruitment::claim_invitation(&mut tx, assembly_id, "ZZZZ-ZZZZ-Z9")
            .await
            .unwrap(),
        Err(recruitment::ClaimRefusal::Unknown)
    );
    assert_eq!(
        recruitment::claim_invitation(&mut tx, assembly_id + 1000, "BBBB-BBBB-B2")
            .await
            .unwrap(),
        Err(recruitment::ClaimRefusal::Unknown)
    );
    drop(tx);
    let mut connection = store.connection().await.unwrap();
    let rows = recruitment::invitations(&mut connection, assembly_id)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|row| row.used).collect::<Vec<_>>(),
        vec![2, 0]
    );
}

async fn two_registrations_on_the_last_seat_give_exactly_one_winner(store: Store) {
    use domain::respondent::Status;
    let (assembly_id, _) = draw_with(&store, &["CCCC-CCCC-C3"], 1).await;
    let register = |store: Store, name: &'static str| async move {
        let mut tx = store.begin().await.unwrap();
        let claimed = recruitment::claim_invitation(&mut tx, assembly_id, "CCCC-CCCC-C3")
            .await
            .unwrap();
        let Ok((invitation_id, _area)) = claimed else {
            return false;
        };
        recruitment::add_respondent(
            &mut tx,
            &recruitment::NewRespondent {
                assembly_id,
                invitation_id: Some(invitation_id),
                full_name: name,
                email: "x@example.org",
                phone: "",
                features_json: "{}",
                access_needs_json: "{}",
                consent_at: 30,
            },
            30,
        )
        .await
        .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        tx.commit().await.unwrap();
        true
    };
    let (first, second) = tokio::join!(
        tokio::spawn(register(store.clone(), "Ada")),
        tokio::spawn(register(store.clone(), "Bob")),
    );
    let wins = [first.unwrap(), second.unwrap()];
    assert_eq!(wins.iter().filter(|won| **won).count(), 1, "{wins:?}");
    let mut connection = store.connection().await.unwrap();
    assert_eq!(
        recruitment::respondent_count(&mut connection, assembly_id)
            .await
            .unwrap(),
        1
    );
    let rows = recruitment::invitations(&mut connection, assembly_id)
        .await
        .unwrap();
    assert_eq!(rows[0].used, 1);
    let found =
        recruitment::respondents(&mut connection, assembly_id, "", Some(Status::Registered))
            .await
            .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        recruitment::respondent_status_counts(&mut connection, assembly_id)
            .await
            .unwrap(),
        vec![(Status::Registered, 1)]
    );
    assert!(
        recruitment::respondents(&mut connection, assembly_id, "nobody", None)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn rate_limits_count_per_key_in_a_window_and_secrets_are_created_once(store: Store) {
    let mut connection = store.connection().await.unwrap();
    for _ in 0..3 {
        assert!(
            recruitment::rate_limit_hit(&mut connection, "ip-a", 100, 60, 3)
                .await
                .unwrap()
        );
    }
    assert!(
        !recruitment::rate_limit_hit(&mut connection, "ip-a", 120, 60, 3)
            .await
            .unwrap()
    );
    assert!(
        recruitment::rate_limit_hit(&mut connection, "ip-b", 120, 60, 3)
            .await
            .unwrap()
    );
    // A new window starts afresh.
    assert!(
        recruitment::rate_limit_hit(&mut connection, "ip-a", 160, 60, 3)
            .await
            .unwrap()
    );

    let first = recruitment::server_secret(&mut connection, "form", "first")
        .await
        .unwrap();
    let second = recruitment::server_secret(&mut connection, "form", "second")
        .await
        .unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("first", "first"));
}

async fn status_changes_are_conditional_and_erasure_keeps_only_feature_values(store: Store) {
    use domain::respondent::Status;
    let (assembly_id, _) = draw_with(&store, &["DDDD-DDDD-D4"], 2).await;
    let mut tx = store.begin().await.unwrap();
    let (invitation_id, _) = recruitment::claim_invitation(&mut tx, assembly_id, "DDDD-DDDD-D4")
        .await
        .unwrap()
        .unwrap();
    let id = recruitment::add_respondent(
        &mut tx,
        &recruitment::NewRespondent {
            assembly_id,
            invitation_id: Some(invitation_id),
            full_name: "Grace Hopper",
            email: "grace@example.org",
            phone: "+33 1 23 45",
            features_json: r#"{"gender":"woman","age_band":"75+","area":"Hill"}"#,
            access_needs_json: r#"{"mobility":true,"details":"Step-free access"}"#,
            consent_at: 40,
        },
        40,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    assert!(
        recruitment::set_respondent_status(
            &mut connection,
            assembly_id,
            id,
            Status::Registered,
            Status::Eligible
        )
        .await
        .unwrap()
    );
    // Not in the expected status any more: nothing changes.
    assert!(
        !recruitment::set_respondent_status(
            &mut connection,
            assembly_id,
            id,
            Status::Registered,
            Status::Withdrawn
        )
        .await
        .unwrap()
    );
    // Another assembly's id does not reach this respondent.
    assert!(
        !recruitment::set_respondent_status(
            &mut connection,
            assembly_id + 1,
            id,
            Status::Eligible,
            Status::Withdrawn
        )
        .await
        .unwrap()
    );
    assert_eq!(
        recruitment::respondent(&mut connection, assembly_id, id)
            .await
            .unwrap()
            .status,
        Status::Eligible
    );
    assert!(
        recruitment::set_respondent_status(
            &mut connection,
            assembly_id,
            id,
            Status::Eligible,
            Status::Erased
        )
        .await
        .unwrap()
    );
    let row = recruitment::respondent(&mut connection, assembly_id, id)
        .await
        .unwrap();
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
    assert!(matches!(
        recruitment::respondent(&mut connection, assembly_id, id + 100).await,
        Err(StoreError::NotFound)
    ));
}
