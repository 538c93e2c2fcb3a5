//! Contract tests for members from recruitment (issue 4, items 2 and 6), on SQLite and PostgreSQL: how consent was
//! recorded, sign-in codes that are invisible until their transaction commits, email outcomes scoped to the
//! assembly, and the end of a membership (erasure anonymises only an account with no other role).

use domain::account::{DisplayName, Email, SignInMethod};
use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::permission::Role;
use domain::phase::Phase;
use store::members::{self, ConsentMethod, MembershipEnd};
use store::recruitment::{self, NewRespondent};
use store::{Store, StoreError, accounts, assemblies, auth, on_both_backends, selection};

on_both_backends!(
    registrations_record_consent_and_language_per_assembly,
    a_code_is_invisible_until_its_transaction_commits,
    email_outcomes_belong_to_the_respondents_assembly,
    ending_a_membership_removes_the_role_and_erasure_anonymises_only_a_lone_account,
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

async fn respondent(store: &Store, assembly_id: i64, email: &str) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = recruitment::add_respondent(
        &mut tx,
        &NewRespondent {
            assembly_id,
            invitation_id: None,
            full_name: "Test Person",
            email,
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

async fn account(store: &Store, email: &str, is_admin: bool) -> i64 {
    let mut connection = store.connection().await.unwrap();
    accounts::create_account(
        &mut connection,
        &accounts::NewAccount {
            email: &Email::parse(email).unwrap(),
            display_name: &DisplayName::parse("Someone").unwrap(),
            sign_in_method: SignInMethod::OneTimeCode,
            password_hash: None,
            is_admin,
        },
        1,
    )
    .await
    .unwrap()
}

async fn registrations_record_consent_and_language_per_assembly(store: Store) {
    let a = assembly(&store, "Assembly A").await;
    let b = assembly(&store, "Assembly B").await;
    let person = respondent(&store, a, "p@example.org").await;
    let staff = account(&store, "staff@example.org", false).await;
    let mut connection = store.connection().await.unwrap();
    let fresh = members::registration_record(&mut connection, a, person)
        .await
        .unwrap();
    assert_eq!(
        (
            fresh.consent_method.as_str(),
            fresh.consent_recorded_by,
            fresh.lang.as_str(),
            fresh.account_id
        ),
        ("online", None, "en", None)
    );
    members::record_registration(
        &mut connection,
        a,
        person,
        ConsentMethod::Verbal,
        Some(staff),
        "fr",
    )
    .await
    .unwrap();
    let stored = members::registration_record(&mut connection, a, person)
        .await
        .unwrap();
    assert_eq!(
        (
            stored.consent_method.as_str(),
            stored.consent_recorded_by,
            stored.lang.as_str()
        ),
        ("verbal", Some(staff), "fr")
    );
    // Another assembly's respondent is not found, and nothing changes.
    assert!(matches!(
        members::registration_record(&mut connection, b, person).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        members::record_registration(
            &mut connection,
            b,
            person,
            ConsentMethod::Import,
            None,
            "en"
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        members::registration_record(&mut connection, a, person)
            .await
            .unwrap()
            .consent_method,
        ConsentMethod::Verbal
    );
}

async fn a_code_is_invisible_until_its_transaction_commits(store: Store) {
    let member = account(&store, "m@example.org", false).await;
    let mut tx = store.begin().await.unwrap();
    auth::create_sign_in_code(&mut tx, member, "rolled-back", 10, 1000)
        .await
        .unwrap();
    assert!(
        members::sign_in_code_live(&mut tx, member, "rolled-back", 20)
            .await
            .unwrap(),
        "visible inside its transaction"
    );
    drop(tx);
    let mut connection = store.connection().await.unwrap();
    assert!(
        !members::sign_in_code_live(&mut connection, member, "rolled-back", 20)
            .await
            .unwrap(),
        "gone after a rollback"
    );
    drop(connection);

    let mut tx = store.begin().await.unwrap();
    auth::create_sign_in_code(&mut tx, member, "committed", 10, 1000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    assert!(
        members::sign_in_code_live(&mut connection, member, "committed", 20)
            .await
            .unwrap()
    );
    assert!(
        !members::sign_in_code_live(&mut connection, member, "committed", 1000)
            .await
            .unwrap(),
        "expired"
    );
    assert!(
        !members::sign_in_code_live(&mut connection, member + 1, "committed", 20)
            .await
            .unwrap(),
        "another account's"
    );
    assert!(
        auth::consume_sign_in_code(&mut connection, member, "committed", 30)
            .await
            .unwrap()
    );
    assert!(
        !members::sign_in_code_live(&mut connection, member, "committed", 40)
            .await
            .unwrap(),
        "used"
    );
}

async fn email_outcomes_belong_to_the_respondents_assembly(store: Store) {
    let a = assembly(&store, "Assembly A").await;
    let b = assembly(&store, "Assembly B").await;
    let person = respondent(&store, a, "p@example.org").await;
    let mut connection = store.connection().await.unwrap();
    selection::record_email(&mut connection, "registration", Some(person), "sent", "", 5)
        .await
        .unwrap();
    selection::record_email(
        &mut connection,
        "sign_in_code",
        Some(person),
        "failed",
        "RCPT TO refused with reply code 550",
        6,
    )
    .await
    .unwrap();
    let outcomes = members::email_outcomes(&mut connection, a, person)
        .await
        .unwrap();
    let seen: Vec<_> = outcomes
        .iter()
        .map(|o| {
            (
                o.kind.as_str(),
                o.status.as_str(),
                o.error.as_str(),
                o.created_at,
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("registration", "sent", "", 5),
            (
                "sign_in_code",
                "failed",
                "RCPT TO refused with reply code 550",
                6
            )
        ]
    );
    assert!(
        members::email_outcomes(&mut connection, b, person)
            .await
            .unwrap()
            .is_empty(),
        "another assembly sees nothing"
    );
    // The outbox refuses statuses it does not know.
    assert!(
        selection::record_email(
            &mut connection,
            "registration",
            Some(person),
            "queued",
            "",
            7
        )
        .await
        .is_err()
    );
}

async fn ending_a_membership_removes_the_role_and_erasure_anonymises_only_a_lone_account(
    store: Store,
) {
    let a = assembly(&store, "Assembly A").await;
    let b = assembly(&store, "Assembly B").await;
    let lone = account(&store, "lone@example.org", false).await;
    let twice = account(&store, "twice@example.org", false).await;
    let mut connection = store.connection().await.unwrap();
    for (assembly_id, account_id) in [(a, lone), (a, twice), (b, twice)] {
        accounts::set_role(&mut connection, assembly_id, account_id, Role::Member)
            .await
            .unwrap();
    }
    auth::create_sign_in_code(&mut connection, lone, "lone-code", 1, 10_000)
        .await
        .unwrap();
    auth::create_session(&mut connection, "lone-session", lone, "csrf", 1, 10_000)
        .await
        .unwrap();

    // Withdrawal: the role goes and unused codes are void, the account stays as it is.
    let end = members::end_membership(&mut connection, a, twice, false, 50)
        .await
        .unwrap();
    assert_eq!(
        end,
        MembershipEnd {
            role_removed: true,
            account_anonymised: false
        }
    );
    assert_eq!(
        accounts::role_in(&mut connection, twice, b).await.unwrap(),
        Some(Role::Member),
        "the other assembly's role stays"
    );
    // Erasure of an account with a role elsewhere keeps the account.
    accounts::set_role(&mut connection, a, twice, Role::Member)
        .await
        .unwrap();
    let end = members::end_membership(&mut connection, a, twice, true, 60)
        .await
        .unwrap();
    assert_eq!(
        end,
        MembershipEnd {
            role_removed: true,
            account_anonymised: false
        }
    );
    assert!(
        accounts::account_by_email(&mut connection, "twice@example.org")
            .await
            .unwrap()
            .is_some()
    );

    // Erasure of a lone member: anonymised, sessions ended, codes void.
    let end = members::end_membership(&mut connection, a, lone, true, 70)
        .await
        .unwrap();
    assert_eq!(
        end,
        MembershipEnd {
            role_removed: true,
            account_anonymised: true
        }
    );
    assert!(
        accounts::account_by_email(&mut connection, "lone@example.org")
            .await
            .unwrap()
            .is_none()
    );
    let row = accounts::account_by_id(&mut connection, lone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.email, row.display_name),
        (format!("erased-{lone}@erased.invalid"), "—".to_owned())
    );
    assert!(
        auth::live_session(&mut connection, "lone-session", 80)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !auth::consume_sign_in_code(&mut connection, lone, "lone-code", 80)
            .await
            .unwrap()
    );
    // Ending a membership that does not exist changes nothing.
    let end = members::end_membership(&mut connection, b, lone, true, 90)
        .await
        .unwrap();
    assert!(!end.role_removed);
}
