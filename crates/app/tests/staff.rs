//! The staff use cases against a real store (SQLite and PostgreSQL): assemblies, comments, accounts, roles,
//! members added by hand and API tokens. Each scenario checks what the use case returns, what it stored and what
//! it wrote to the audit log.

use app::accounts::{AccountError, MemberRefusal, NewAccount, NewMember, RoleRefusal};
use app::codes::Claimed;
use app::{Actor, Error};
use domain::account::{DisplayName, Email, TokenName};
use domain::assembly::{
    AssemblyDraft, Authority, CommentBody, CommentStatus, Commitment, Question, Timeline, Title,
};
use domain::delivery::{Channel, DeliveryStatus};
use domain::permission::Role;
use domain::phase::Phase;
use store::{Store, on_both_backends};

on_both_backends!(
    an_assembly_is_created_and_replaced_with_its_description_before_and_after_in_the_log,
    a_comment_is_moderated_once_and_never_back_to_pending,
    roles_go_to_existing_accounts_and_staff_roles_only_to_password_accounts,
    a_member_added_by_hand_gets_a_code_delivered_that_no_one_who_adds_them_sees,
    a_token_is_stored_hashed_and_revoked_only_by_its_owner,
);

const NOW: i64 = 1_700_000_000;

fn draft(title: &str) -> AssemblyDraft {
    AssemblyDraft {
        title: Title::parse(title).unwrap(),
        question: Question::parse("How should we share water?").unwrap(),
        authority: Authority::parse("Lakeside Regional Council").unwrap(),
        commitments: Commitment::parse_lines("Answer every recommendation").unwrap(),
        timeline: Timeline::parse(Phase::Design, |_| (None, None)).unwrap(),
    }
}

/// The last `n` audit entries, oldest first: (action, entity, before, after).
async fn last_entries(
    store: &Store,
    n: i64,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    let mut connection = store.connection().await.unwrap();
    let mut rows = store::audit::recent(&mut connection, n).await.unwrap();
    rows.reverse();
    rows.into_iter()
        .map(|row| (row.action, row.entity, row.before_json, row.after_json))
        .collect()
}

async fn audit_count(store: &Store) -> i64 {
    store::test_support::count_raw(store, "SELECT COUNT(*) FROM audit_log")
        .await
        .unwrap()
}

/// A password account made through the use case, by the system.
async fn staff_account(store: &Store, email: &str) -> i64 {
    let account = NewAccount::parse("Olivia Organiser", email, "a long enough password").unwrap();
    let mut tx = store.begin().await.unwrap();
    let id =
        app::accounts::create_account(&mut tx, &Actor::SYSTEM, &account, "$argon2id$x", false, NOW)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn assembly(store: &Store) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let record = app::assemblies::create_assembly(&mut tx, &Actor::SYSTEM, &draft("Water"), NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    record.id
}

fn actor(account_id: i64, role: Role) -> Actor {
    Actor {
        account_id: Some(account_id),
        role,
    }
}

async fn an_assembly_is_created_and_replaced_with_its_description_before_and_after_in_the_log(
    store: Store,
) {
    let id = assembly(&store).await;
    let entries = last_entries(&store, 1).await;
    assert_eq!(entries[0].0, "assembly.create");
    assert_eq!(entries[0].1, format!("assembly:{id}"));
    assert_eq!(entries[0].2, None);
    assert!(
        entries[0]
            .3
            .as_deref()
            .unwrap()
            .contains("\"title\":\"Water\"")
    );

    let mut tx = store.begin().await.unwrap();
    let record = app::assemblies::update_assembly(
        &mut tx,
        &Actor::SYSTEM,
        id,
        &draft("Water and land"),
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(record.title, "Water and land");
    assert_eq!(record.current_phase, Phase::Design);
    let entries = last_entries(&store, 1).await;
    assert_eq!(entries[0].0, "assembly.update");
    assert!(
        entries[0]
            .2
            .as_deref()
            .unwrap()
            .contains("\"title\":\"Water\"")
    );
    assert!(
        entries[0]
            .3
            .as_deref()
            .unwrap()
            .contains("\"title\":\"Water and land\"")
    );

    let before = audit_count(&store).await;
    let mut tx = store.begin().await.unwrap();
    let missing =
        app::assemblies::update_assembly(&mut tx, &Actor::SYSTEM, id + 99, &draft("None"), NOW)
            .await;
    assert!(matches!(missing, Err(Error::NotFound)), "{missing:?}");
    drop(tx);
    assert_eq!(audit_count(&store).await, before);
}

async fn a_comment_is_moderated_once_and_never_back_to_pending(store: Store) {
    let id = assembly(&store).await;
    let organiser = staff_account(&store, "olivia@example.org").await;
    let body = CommentBody::parse("Hold sessions in the evening").unwrap();
    let mut tx = store.begin().await.unwrap();
    let comment = app::comments::add_comment(&mut tx, &Actor::PUBLIC, id, &body, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let entries = last_entries(&store, 1).await;
    assert_eq!(entries[0].0, "comment.create");
    assert!(
        !entries[0].3.as_deref().unwrap().contains("evening"),
        "the log keeps no text"
    );

    let moderator = actor(organiser, Role::Organiser);
    let mut tx = store.begin().await.unwrap();
    let pending = app::comments::moderate_comment(
        &mut tx,
        &moderator,
        id,
        comment,
        CommentStatus::Pending,
        NOW,
    )
    .await;
    assert!(
        matches!(&pending, Err(Error::Invalid(error)) if error.field == "decision"),
        "{pending:?}"
    );
    app::comments::moderate_comment(
        &mut tx,
        &moderator,
        id,
        comment,
        CommentStatus::Approved,
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let entries = last_entries(&store, 1).await;
    assert_eq!(
        (entries[0].2.as_deref(), entries[0].3.as_deref()),
        (
            Some("{\"status\":\"pending\"}"),
            Some("{\"status\":\"approved\"}")
        )
    );

    let mut tx = store.begin().await.unwrap();
    let again = app::comments::moderate_comment(
        &mut tx,
        &moderator,
        id,
        comment,
        CommentStatus::Rejected,
        NOW,
    )
    .await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    let anonymous = app::comments::moderate_comment(
        &mut tx,
        &Actor::PUBLIC,
        id,
        comment,
        CommentStatus::Rejected,
        NOW,
    )
    .await;
    assert!(
        matches!(anonymous, Err(Error::Unauthorized)),
        "{anonymous:?}"
    );
}

async fn roles_go_to_existing_accounts_and_staff_roles_only_to_password_accounts(store: Store) {
    let id = assembly(&store).await;
    let clerk = staff_account(&store, "clerk@example.org").await;
    let admin = Actor::SYSTEM;
    let email = |raw: &str| Email::parse(raw).unwrap();

    let mut tx = store.begin().await.unwrap();
    let unknown = app::accounts::assign_role(
        &mut tx,
        &admin,
        id,
        &email("nobody@example.org"),
        Role::Observer,
        NOW,
    )
    .await;
    assert!(matches!(
        unknown,
        Err(AccountError::Refused(RoleRefusal::UnknownAccount))
    ));
    let no_assembly = app::accounts::assign_role(
        &mut tx,
        &admin,
        id + 99,
        &email("clerk@example.org"),
        Role::Observer,
        NOW,
    )
    .await;
    assert!(matches!(
        no_assembly,
        Err(AccountError::App(Error::NotFound))
    ));
    app::accounts::assign_role(
        &mut tx,
        &admin,
        id,
        &email("clerk@example.org"),
        Role::Observer,
        NOW,
    )
    .await
    .unwrap();
    app::accounts::assign_role(
        &mut tx,
        &admin,
        id,
        &email("clerk@example.org"),
        Role::Facilitator,
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let entries = last_entries(&store, 2).await;
    assert_eq!(entries[0].1, format!("assembly:{id}/account:{clerk}"));
    assert_eq!(
        (entries[0].2.as_deref(), entries[1].2.as_deref()),
        (None, Some("{\"role\":\"observer\"}"))
    );

    // A member added by hand signs in with codes: they may be a member, never staff.
    let member = NewMember {
        display_name: DisplayName::parse("Dora").unwrap(),
        email: email("dora@example.org"),
        lang: "en".to_owned(),
    };
    let mut tx = store.begin().await.unwrap();
    let added = app::accounts::add_member(&mut tx, &admin, id, &member, NOW)
        .await
        .unwrap();
    assert!(added.value.created);
    let staff = app::accounts::assign_role(
        &mut tx,
        &admin,
        id,
        &email("dora@example.org"),
        Role::Organiser,
        NOW,
    )
    .await;
    assert!(matches!(
        staff,
        Err(AccountError::Refused(RoleRefusal::StaffRoleNeedsPassword))
    ));
}

async fn a_member_added_by_hand_gets_a_code_delivered_that_no_one_who_adds_them_sees(store: Store) {
    let id = assembly(&store).await;
    staff_account(&store, "clerk@example.org").await;
    let organiser = Actor::SYSTEM;
    let member = |name: &str, address: &str| NewMember {
        display_name: DisplayName::parse(name).unwrap(),
        email: Email::parse(address).unwrap(),
        lang: "fr".to_owned(),
    };
    let codes = |store: Store| async move {
        store::test_support::count_raw(&store, "SELECT COUNT(*) FROM sign_in_codes")
            .await
            .unwrap()
    };
    let status_of = |store: Store, delivery: i64| async move {
        let mut connection = store.connection().await.unwrap();
        store::deliveries::get(&mut connection, id, delivery)
            .await
            .unwrap()
            .status
    };
    let claim = |store: Store, now: i64| async move {
        let mut tx = store.begin().await.unwrap();
        let claimed = app::codes::claim_next(&mut tx, now).await.unwrap();
        tx.commit().await.unwrap();
        claimed
    };

    // Adding a member asks for a delivery; no code exists yet, and none comes back to the organiser.
    let mut tx = store.begin().await.unwrap();
    let created = app::accounts::add_member(
        &mut tx,
        &organiser,
        id,
        &member("Dora", "dora@example.org"),
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(created.value.created);
    assert!(created.effects.is_empty());
    let actions: Vec<String> = last_entries(&store, 3)
        .await
        .into_iter()
        .map(|entry| entry.0)
        .collect();
    assert_eq!(
        actions,
        ["account.create", "role.assign", "code_delivery.request"]
    );
    assert_eq!(codes(store.clone()).await, 0);
    let first = created.value.delivery_id;
    assert_eq!(
        status_of(store.clone(), first).await,
        DeliveryStatus::Pending
    );

    // A deliverer claims it and issues the code then, in French, to the member's own address.
    let Claimed::Send(sending) = claim(store.clone(), NOW).await else {
        panic!("a delivery is due");
    };
    assert_eq!(
        (
            sending.recipient.email.as_str(),
            sending.recipient.name.as_str(),
            sending.recipient.title.as_str(),
            sending.delivery.lang.as_str(),
            sending.code.display.len()
        ),
        ("dora@example.org", "Dora", "Water", "fr", 14)
    );
    assert_eq!(codes(store.clone()).await, 1);
    // Claimed: no other deliverer takes it while the claim lasts.
    assert_eq!(claim(store.clone(), NOW + 1).await, Claimed::Nothing);
    let mut tx = store.begin().await.unwrap();
    assert!(
        app::codes::record_outcome(&mut tx, &sending.delivery, Ok(()), NOW)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(status_of(store.clone(), first).await, DeliveryStatus::Sent);

    // The same email again: a new delivery; a deliverer that dies after its claim is replaced once the claim
    // expires, with a fresh code.
    let mut tx = store.begin().await.unwrap();
    let again = app::accounts::add_member(
        &mut tx,
        &organiser,
        id,
        &member("Dora again", "dora@example.org"),
        NOW,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(!again.value.created);
    let Claimed::Send(lost) = claim(store.clone(), NOW).await else {
        panic!("the second delivery is due");
    };
    assert_eq!(claim(store.clone(), NOW + 10).await, Claimed::Nothing);
    let later = NOW + store::deliveries::LEASE_SECONDS + 1;
    let Claimed::Send(retried) = claim(store.clone(), later).await else {
        panic!("an expired claim is taken over");
    };
    assert_eq!(retried.delivery.id, lost.delivery.id);
    assert_eq!(retried.delivery.attempts, 2);
    assert_ne!(retried.code.display, lost.code.display);
    assert_eq!(codes(store.clone()).await, 3);

    // Sent again as a letter: the deliverer leaves letters alone; a printed batch carries the code.
    let mut tx = store.begin().await.unwrap();
    let count = app::codes::resend(
        &mut tx,
        &organiser,
        id,
        &[retried.delivery.id],
        Some(Channel::Letter),
        later,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count, 1);
    assert_eq!(claim(store.clone(), later).await, Claimed::Nothing);
    let mut tx = store.begin().await.unwrap();
    let letters = app::codes::print_letters(&mut tx, &organiser, id, later)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].recipient.name, "Dora");
    assert_eq!(
        status_of(store.clone(), retried.delivery.id).await,
        DeliveryStatus::Printed
    );
    let mut tx = store.begin().await.unwrap();
    assert!(
        app::codes::print_letters(&mut tx, &organiser, id, later)
            .await
            .unwrap()
            .is_empty(),
        "a batch is printed once"
    );
    drop(tx);
    // A delivery of another assembly cannot be sent again from this one, and nothing is written.
    let other = assembly(&store).await;
    let before = audit_count(&store).await;
    let mut tx = store.begin().await.unwrap();
    let refused = app::codes::resend(&mut tx, &organiser, other, &[first], None, later).await;
    assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");
    drop(tx);
    assert_eq!(audit_count(&store).await, before);

    // A password account is never given a code, whoever asks.
    let before = audit_count(&store).await;
    let codes_before = codes(store.clone()).await;
    let mut tx = store.begin().await.unwrap();
    let refused = app::accounts::add_member(
        &mut tx,
        &organiser,
        id,
        &member("Not Me", "clerk@example.org"),
        NOW,
    )
    .await;
    assert!(matches!(
        refused,
        Err(AccountError::Refused(MemberRefusal::NotCodeOnly))
    ));
    drop(tx);
    assert_eq!(audit_count(&store).await, before);
    assert_eq!(codes(store.clone()).await, codes_before);
}

async fn a_token_is_stored_hashed_and_revoked_only_by_its_owner(store: Store) {
    let owner = staff_account(&store, "olivia@example.org").await;
    let other = staff_account(&store, "oscar@example.org").await;
    let name = TokenName::parse("  import script ").unwrap();
    let mut tx = store.begin().await.unwrap();
    let token = app::tokens::create_token(
        &mut tx,
        &actor(owner, Role::Organiser),
        &name,
        app::tokens::TokenLifetime::DEFAULT,
        NOW,
    )
    .await
    .unwrap();
    let anonymous = app::tokens::create_token(
        &mut tx,
        &Actor::PUBLIC,
        &name,
        app::tokens::TokenLifetime::DEFAULT,
        NOW,
    )
    .await;
    assert!(matches!(anonymous, Err(Error::Unauthorized)));
    tx.commit().await.unwrap();
    assert!(token.secret.starts_with("klero_") && token.secret.len() == 6 + 64);
    let mut connection = store.connection().await.unwrap();
    assert_eq!(
        store::auth::api_token_account(
            &mut connection,
            &store::sha256_hex(token.secret.as_bytes()),
            NOW
        )
        .await
        .unwrap(),
        Some(owner)
    );
    let listed = store::auth::list_api_tokens(&mut connection, owner, NOW)
        .await
        .unwrap();
    assert_eq!(listed[0].name, "import script");
    drop(connection);

    let mut tx = store.begin().await.unwrap();
    let theirs =
        app::tokens::revoke_token(&mut tx, &actor(other, Role::Organiser), token.id, NOW).await;
    assert!(matches!(theirs, Err(Error::NotFound)));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    app::tokens::revoke_token(&mut tx, &actor(owner, Role::Organiser), token.id, NOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let entries = last_entries(&store, 1).await;
    assert_eq!(entries[0].0, "api_token.revoke");
    assert_eq!(entries[0].1, format!("api_token:{}", token.id));
}
