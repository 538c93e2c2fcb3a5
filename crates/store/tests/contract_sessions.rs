//! Contract tests for sessions, attendance, evidence, speakers, members' features and table allocations,
//! on SQLite and PostgreSQL.

use std::collections::BTreeMap;

use domain::account::{DisplayName, Email, SignInMethod};
use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::permission::Role;
use domain::phase::Phase;
use store::evidence::{self, NewEvidence, NewSpeaker, QuestionStatus};
use store::seating::{self, FacilitatorSeat, NewRun, RunStatus, Seat};
use store::sessions::{self, Attendance, AttendanceCounts, NewAgendaItem, NewSession};
use store::{Store, StoreError, accounts, assemblies, on_both_backends};

on_both_backends!(
    sessions_agenda_and_attendance_stay_in_their_assembly,
    evidence_speakers_balance_and_questions_without_authors_for_the_public,
    member_features_pins_and_allocation_runs_round_trip,
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
    tx.commit().await.unwrap();
    id
}

async fn person(store: &Store, email: &str, name: &str, assembly_id: i64, role: Role) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = accounts::create_account(
        &mut tx,
        &accounts::NewAccount {
            email: &Email::parse(email).unwrap(),
            display_name: &DisplayName::parse(name).unwrap(),
            sign_in_method: SignInMethod::OneTimeCode,
            password_hash: None,
            is_admin: false,
        },
        1,
    )
    .await
    .unwrap();
    accounts::set_role(&mut tx, assembly_id, id, role)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn session(title: &str, day: &str) -> NewSession {
    NewSession {
        title: title.to_owned(),
        held_on: day.to_owned(),
        starts_at: "09:30".to_owned(),
        ends_at: "17:00".to_owned(),
        place: "Palais d'Iéna, Paris".to_owned(),
    }
}

async fn sessions_agenda_and_attendance_stay_in_their_assembly(store: Store) {
    let climate = assembly(&store, "Climate").await;
    let water = assembly(&store, "Water").await;
    let ana = person(&store, "ana@example.org", "Ana", climate, Role::Member).await;
    let ben = person(&store, "ben@example.org", "Ben", climate, Role::Member).await;
    let fay = person(&store, "fay@example.org", "Fay", climate, Role::Facilitator).await;
    let wes = person(&store, "wes@example.org", "Wes", water, Role::Member).await;

    let mut tx = store.begin().await.unwrap();
    let second = sessions::create_session(&mut tx, climate, &session("Weekend 2", "2019-10-25"), 5)
        .await
        .unwrap();
    let first = sessions::create_session(&mut tx, climate, &session("Weekend 1", "2019-10-04"), 5)
        .await
        .unwrap();
    let other = sessions::create_session(&mut tx, water, &session("Water 1", "2027-05-01"), 5)
        .await
        .unwrap();
    let item = NewAgendaItem {
        starts_at: "10:00".to_owned(),
        minutes: 90,
        title: "Evidence: heating homes".to_owned(),
        topic: "Housing".to_owned(),
    };
    sessions::add_agenda_item(&mut tx, climate, first, &item)
        .await
        .unwrap();
    sessions::add_agenda_item(
        &mut tx,
        climate,
        first,
        &NewAgendaItem {
            starts_at: "09:30".to_owned(),
            title: "Welcome".to_owned(),
            topic: "Transport".to_owned(),
            ..item.clone()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.connection().await.unwrap();
    // Sessions come in date order, whatever order they were added in.
    let listed = sessions::list_sessions(&mut conn, climate).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![first, second]
    );
    assert_eq!(listed[0].fields, session("Weekend 1", "2019-10-04"));
    let agenda = sessions::agenda_of_assembly(&mut conn, climate)
        .await
        .unwrap();
    assert_eq!(
        agenda
            .iter()
            .map(|i| i.fields.starts_at.as_str())
            .collect::<Vec<_>>(),
        vec!["09:30", "10:00"]
    );
    assert_eq!(agenda[1].fields, item);
    assert_eq!(
        sessions::topics(&mut conn, climate).await.unwrap(),
        vec!["Housing", "Transport"]
    );
    assert!(sessions::topics(&mut conn, water).await.unwrap().is_empty());
    // Another assembly's session is not found through this assembly.
    assert!(matches!(
        sessions::get_session(&mut conn, climate, other).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        sessions::add_agenda_item(&mut conn, climate, other, &item).await,
        Err(StoreError::NotFound)
    ));
    drop(conn);

    let mut tx = store.begin().await.unwrap();
    sessions::record_attendance(
        &mut tx,
        climate,
        first,
        &[(ana, Attendance::Present), (ben, Attendance::Absent)],
        Some(fay),
        10,
    )
    .await
    .unwrap();
    // A correction replaces the earlier status instead of adding a row.
    sessions::record_attendance(
        &mut tx,
        climate,
        first,
        &[(ben, Attendance::Late)],
        Some(fay),
        11,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // A facilitator, or a member of another assembly, is not on the register: the whole write is refused.
    for stranger in [fay, wes] {
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            sessions::record_attendance(
                &mut tx,
                climate,
                second,
                &[(ana, Attendance::Present), (stranger, Attendance::Present)],
                Some(fay),
                12
            )
            .await,
            Err(StoreError::NotFound)
        ));
        drop(tx);
    }
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        sessions::record_attendance(
            &mut tx,
            climate,
            other,
            &[(ana, Attendance::Present)],
            Some(fay),
            12
        )
        .await,
        Err(StoreError::NotFound)
    ));
    drop(tx);

    let mut conn = store.connection().await.unwrap();
    assert_eq!(
        sessions::attendance_of(&mut conn, climate, first)
            .await
            .unwrap(),
        vec![(ana, Attendance::Present), (ben, Attendance::Late)]
    );
    assert!(
        sessions::attendance_of(&mut conn, climate, second)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        sessions::attendance_counts(&mut conn, climate, first)
            .await
            .unwrap(),
        AttendanceCounts {
            present: 1,
            late: 1,
            absent: 0
        }
    );
    assert_eq!(
        sessions::members_of(&mut conn, climate).await.unwrap(),
        vec![(ana, "Ana".to_owned()), (ben, "Ben".to_owned())]
    );
    assert_eq!(
        sessions::accounts_with_role(&mut conn, climate, Role::Facilitator)
            .await
            .unwrap(),
        vec![(fay, "Fay".to_owned())]
    );
}

async fn evidence_speakers_balance_and_questions_without_authors_for_the_public(store: Store) {
    let climate = assembly(&store, "Climate").await;
    let water = assembly(&store, "Water").await;
    let ana = person(&store, "ana@example.org", "Ana", climate, Role::Member).await;
    let oscar = person(
        &store,
        "oscar@example.org",
        "Oscar",
        climate,
        Role::Observer,
    )
    .await;
    let mut tx = store.begin().await.unwrap();
    let water_session =
        sessions::create_session(&mut tx, water, &session("Water 1", "2027-05-01"), 5)
            .await
            .unwrap();
    let report = NewEvidence {
        topic: "Housing".to_owned(),
        title: "Heating our homes".to_owned(),
        url: "https://example.org/heating.pdf".to_owned(),
        summary: "Most homes are heated with gas; heat pumps halve emissions.".to_owned(),
    };
    evidence::add_evidence(&mut tx, climate, &report, 6)
        .await
        .unwrap();
    let speaker = |name: &str, topic: &str, perspective: &str| NewSpeaker {
        name: name.to_owned(),
        topic: topic.to_owned(),
        perspective: perspective.to_owned(),
        interests: "None declared".to_owned(),
        session_id: None,
    };
    let industry = evidence::add_speaker(
        &mut tx,
        climate,
        &speaker("A. Builder", "Housing", "Industry"),
        7,
    )
    .await
    .unwrap();
    evidence::add_speaker(
        &mut tx,
        climate,
        &speaker("B. Green", "Housing", "Environmental NGO"),
        7,
    )
    .await
    .unwrap();
    evidence::add_speaker(
        &mut tx,
        climate,
        &speaker("C. Mason", "Housing", "Industry"),
        7,
    )
    .await
    .unwrap();
    evidence::add_speaker(
        &mut tx,
        climate,
        &speaker("D. Rail", "Transport", "Academic"),
        7,
    )
    .await
    .unwrap();
    let water_speaker =
        evidence::add_speaker(&mut tx, water, &speaker("E. Lake", "Water", "Farmers"), 7)
            .await
            .unwrap();
    let question = evidence::ask_question(
        &mut tx,
        climate,
        industry,
        ana,
        "Who pays for the heat pumps?",
        8,
    )
    .await
    .unwrap();
    // A new question waits for a moderator: staff see it, the public does not, until it is accepted.
    assert_eq!(
        evidence::staff_questions(&mut tx, climate)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        evidence::public_questions(&mut tx, climate)
            .await
            .unwrap()
            .is_empty()
    );
    evidence::moderate_question(&mut tx, climate, question, QuestionStatus::Accepted, 9)
        .await
        .unwrap();
    // Decided once: a second decision finds nothing pending.
    assert!(matches!(
        evidence::moderate_question(&mut tx, climate, question, QuestionStatus::Rejected, 9).await,
        Err(StoreError::NotFound)
    ));
    evidence::request_speaker(&mut tx, climate, ana, "Housing", "A tenants' union", 9)
        .await
        .unwrap();
    evidence::comment_on_balance(
        &mut tx,
        climate,
        oscar,
        "Housing",
        "Two of three speakers come from industry.",
        10,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    // A question to another assembly's speaker, or a speaker at another assembly's session, is refused.
    assert!(matches!(
        evidence::ask_question(&mut tx, climate, water_speaker, ana, "?", 8).await,
        Err(StoreError::NotFound)
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        evidence::add_speaker(
            &mut tx,
            climate,
            &NewSpeaker {
                session_id: Some(water_session),
                ..speaker("F", "Housing", "Academic")
            },
            7
        )
        .await,
        Err(StoreError::NotFound)
    ));
    drop(tx);

    let mut conn = store.connection().await.unwrap();
    let library = evidence::list_evidence(&mut conn, climate).await.unwrap();
    assert_eq!(library.len(), 1);
    assert_eq!(library[0].fields, report);
    assert!(
        evidence::list_evidence(&mut conn, water)
            .await
            .unwrap()
            .is_empty()
    );
    let speakers = evidence::list_speakers(&mut conn, climate).await.unwrap();
    assert_eq!(speakers.len(), 4);
    let balance = evidence::balance(&mut conn, climate).await.unwrap();
    assert_eq!(balance.len(), 2);
    assert_eq!(balance[0].topic, "Housing");
    assert_eq!(
        balance[0].perspectives,
        vec![
            ("Environmental NGO".to_owned(), 1),
            ("Industry".to_owned(), 2)
        ]
    );
    assert_eq!(balance[1].perspectives, vec![("Academic".to_owned(), 1)]);

    let staff = evidence::staff_questions(&mut conn, climate).await.unwrap();
    let public = evidence::public_questions(&mut conn, climate)
        .await
        .unwrap();
    assert_eq!(staff[0].account_id, Some(ana));
    assert_eq!(public[0].account_id, None);
    assert_eq!(public[0].body, "Who pays for the heat pumps?");
    assert_eq!(public[0].speaker_id, industry);
    let requests = evidence::speaker_requests(&mut conn, climate)
        .await
        .unwrap();
    assert_eq!(
        (requests[0].topic.as_str(), requests[0].body.as_str()),
        ("Housing", "A tenants' union")
    );
    let comments = evidence::balance_comments(&mut conn, climate)
        .await
        .unwrap();
    assert_eq!(
        comments[0].body,
        "Two of three speakers come from industry."
    );
    assert!(
        evidence::balance_comments(&mut conn, water)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn member_features_pins_and_allocation_runs_round_trip(store: Store) {
    let climate = assembly(&store, "Climate").await;
    let water = assembly(&store, "Water").await;
    let ana = person(&store, "ana@example.org", "Ana", climate, Role::Member).await;
    let ben = person(&store, "ben@example.org", "Ben", climate, Role::Member).await;
    let fay = person(&store, "fay@example.org", "Fay", climate, Role::Facilitator).await;
    let mut tx = store.begin().await.unwrap();
    let first = sessions::create_session(&mut tx, climate, &session("Weekend 1", "2019-10-04"), 5)
        .await
        .unwrap();
    let second = sessions::create_session(&mut tx, climate, &session("Weekend 2", "2019-10-25"), 5)
        .await
        .unwrap();
    let other = sessions::create_session(&mut tx, water, &session("Water 1", "2027-05-01"), 5)
        .await
        .unwrap();
    let features = BTreeMap::from([
        ("gender".to_owned(), "Woman".to_owned()),
        ("age".to_owned(), "30-44 \"quoted\"".to_owned()),
    ]);
    seating::set_member_features(&mut tx, climate, ana, &features, 6)
        .await
        .unwrap();
    seating::set_member_features(
        &mut tx,
        climate,
        ben,
        &BTreeMap::from([("gender".to_owned(), "Man".to_owned())]),
        6,
    )
    .await
    .unwrap();
    // Setting them again replaces them.
    seating::set_member_features(
        &mut tx,
        climate,
        ben,
        &BTreeMap::from([("gender".to_owned(), "Other".to_owned())]),
        7,
    )
    .await
    .unwrap();
    seating::set_pin(&mut tx, climate, ana, Some(1))
        .await
        .unwrap();
    seating::set_pin(&mut tx, climate, ben, Some(0))
        .await
        .unwrap();
    seating::set_pin(&mut tx, climate, ben, None).await.unwrap();
    tx.commit().await.unwrap();
    // Only members of the assembly have features or pins.
    for (assembly_id, account_id) in [(climate, fay), (water, ana)] {
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            seating::set_member_features(&mut tx, assembly_id, account_id, &features, 8).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            seating::set_pin(&mut tx, assembly_id, account_id, Some(0)).await,
            Err(StoreError::NotFound)
        ));
        drop(tx);
    }

    let mut conn = store.connection().await.unwrap();
    let stored = seating::member_features(&mut conn, climate).await.unwrap();
    assert_eq!(stored[&ana], features);
    assert_eq!(stored[&ben]["gender"], "Other");
    assert_eq!(
        seating::pins(&mut conn, climate).await.unwrap(),
        vec![(ana, 1)]
    );
    assert!(
        seating::current_run(&mut conn, climate)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        seating::seats_of_account(&mut conn, climate, ana)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        seating::queue_run(
            &mut conn,
            climate,
            &NewRun {
                session_ids: vec![first, other],
                seats_per_table: 6,
                with_facilitators: false,
                seed: 1
            },
            None,
            9
        )
        .await,
        Err(StoreError::NotFound)
    ));
    drop(conn);

    let request = NewRun {
        session_ids: vec![first, second],
        seats_per_table: 1,
        with_facilitators: true,
        seed: 42,
    };
    let mut tx = store.begin().await.unwrap();
    let run = seating::queue_run(&mut tx, climate, &request, Some(fay), 10)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.connection().await.unwrap();
    assert_eq!(seating::queued_runs(&mut conn).await.unwrap(), vec![run]);
    // Two workers race for the run: only one gets it.
    assert!(seating::claim_run(&mut conn, run).await.unwrap());
    assert!(!seating::claim_run(&mut conn, run).await.unwrap());
    assert!(seating::queued_runs(&mut conn).await.unwrap().is_empty());
    let running = seating::get_run(&mut conn, run).await.unwrap();
    assert_eq!(
        (running.status, &running.request),
        (RunStatus::Running, &request)
    );
    drop(conn);

    let seats = [
        Seat {
            session_id: first,
            account_id: ana,
            table_no: 1,
        },
        Seat {
            session_id: first,
            account_id: ben,
            table_no: 0,
        },
        Seat {
            session_id: second,
            account_id: ana,
            table_no: 1,
        },
        Seat {
            session_id: second,
            account_id: ben,
            table_no: 0,
        },
    ];
    let facilitators = [
        FacilitatorSeat {
            session_id: first,
            table_no: 0,
            account_id: fay,
        },
        FacilitatorSeat {
            session_id: second,
            table_no: 1,
            account_id: fay,
        },
    ];
    let mut tx = store.begin().await.unwrap();
    seating::finish_run(&mut tx, run, &seats, &facilitators, 11)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    // A finished run cannot be finished again.
    assert!(matches!(
        seating::finish_run(&mut tx, run, &seats, &[], 12).await,
        Err(StoreError::NotFound)
    ));
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    seating::swap_seats(&mut tx, run, second, ana, ben)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.connection().await.unwrap();
    assert_eq!(
        seating::current_run(&mut conn, climate)
            .await
            .unwrap()
            .map(|r| r.id),
        Some(run)
    );
    assert_eq!(
        seating::seats_of_account(&mut conn, climate, ana)
            .await
            .unwrap(),
        vec![(first, 1), (second, 0)]
    );
    assert_eq!(seating::seats(&mut conn, run).await.unwrap().len(), 4);
    assert_eq!(
        seating::facilitator_seats(&mut conn, run).await.unwrap(),
        facilitators.to_vec()
    );
    assert!(matches!(
        seating::swap_seats(&mut conn, run, other, ana, ben).await,
        Err(StoreError::NotFound)
    ));

    // A later failed run leaves the current allocation in place and says why.
    let failed = seating::queue_run(&mut conn, climate, &request, None, 20)
        .await
        .unwrap();
    assert!(seating::claim_run(&mut conn, failed).await.unwrap());
    seating::fail_run(&mut conn, failed, "2 tables for 1 facilitator", 21)
        .await
        .unwrap();
    let latest = seating::latest_run(&mut conn, climate)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (latest.id, latest.status, latest.error.as_str()),
        (failed, RunStatus::Failed, "2 tables for 1 facilitator")
    );
    assert_eq!(
        seating::current_run(&mut conn, climate)
            .await
            .unwrap()
            .map(|r| r.id),
        Some(run)
    );
    assert!(
        seating::latest_run(&mut conn, water)
            .await
            .unwrap()
            .is_none()
    );
}
