//! Contract tests for impact tracking (responses, fidelity, milestones, strategy, advocates, surveys), on SQLite
//! and PostgreSQL.

use domain::account::{DisplayName, Email, SignInMethod};
use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::impact::{
    ActorRole, AllyKind, Arena, Change, Instrument, JudgedBy, RecordKind, Reply, Survey,
    SurveyItem, TacticKind, TacticStatus, Verdict, Visibility,
};
use domain::permission::Role;
use domain::phase::Phase;
use store::impact::{self, ActorRow, AllyRow, FidelityRow, MilestoneRow, ResponseRow, TacticRow};
use store::recommendations::{self, NewRecommendation, Route};
use store::{Store, StoreError, accounts, assemblies, on_both_backends};

on_both_backends!(
    the_authority_role_is_stored_like_the_others,
    responses_and_judgements_replace_earlier_ones_and_stay_in_their_assembly,
    tracked_recommendations_carry_their_response_fidelity_and_milestones,
    the_strategy_and_advocacy_are_kept_per_recommendation,
    a_member_answers_a_survey_once_and_only_counts_are_kept,
    records_change_only_at_the_version_read_stay_in_their_assembly_and_leave_a_history,
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

async fn account(store: &Store, email: &str) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = accounts::create_account(
        &mut tx,
        &accounts::NewAccount {
            email: &Email::parse(email).unwrap(),
            display_name: &DisplayName::parse("Someone").unwrap(),
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

async fn recommendation(store: &Store, assembly_id: i64, reference: &str) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = recommendations::create(
        &mut tx,
        assembly_id,
        &NewRecommendation {
            reference: reference.to_owned(),
            title: format!("Recommendation {reference}"),
            body: "Renovate every building by 2040.".to_owned(),
            theme: "se loger".to_owned(),
            route: Route::Law,
            support_bp: Some(9_100),
            support_text: String::new(),
            minority_report: String::new(),
            proposal_id: None,
        },
        2,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn response(kind: Reply, on: &str) -> ResponseRow {
    ResponseRow {
        kind,
        justification: "As debated in cabinet".to_owned(),
        source_url: "https://gov.example.org/response".to_owned(),
        responded_on: on.to_owned(),
        recorded_by: None,
        on_behalf: true,
    }
}

fn judgement(fidelity: Verdict) -> FidelityRow {
    FidelityRow {
        fidelity,
        judge: JudgedBy::OversightGroup,
        reasons: "The bill sets 2050 instead of 2040".to_owned(),
        enacted_text: "Renovate every building by 2050.".to_owned(),
        judged_on: "2021-08-24".to_owned(),
    }
}

async fn the_authority_role_is_stored_like_the_others(store: Store) {
    let assembly_id = assembly(&store, "Climate").await;
    let official = account(&store, "official@gov.example.org").await;
    let mut tx = store.begin().await.unwrap();
    accounts::set_role(&mut tx, assembly_id, official, Role::Authority)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut connection = store.connection().await.unwrap();
    assert_eq!(
        accounts::role_in(&mut connection, official, assembly_id)
            .await
            .unwrap(),
        Some(Role::Authority)
    );
    let people = accounts::people_of(&mut connection, assembly_id)
        .await
        .unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].1, Role::Authority);
}

async fn responses_and_judgements_replace_earlier_ones_and_stay_in_their_assembly(store: Store) {
    let first = assembly(&store, "First").await;
    let second = assembly(&store, "Second").await;
    let rec = recommendation(&store, first, "SL1.1").await;

    let mut tx = store.begin().await.unwrap();
    let before = impact::set_response(&mut tx, first, rec, &response(Reply::Part, "2020-07-01"), 5)
        .await
        .unwrap();
    assert_eq!(before, None);
    let before = impact::set_response(&mut tx, first, rec, &response(Reply::Full, "2020-07-02"), 6)
        .await
        .unwrap();
    assert_eq!(before.unwrap().kind, Reply::Part);
    // Another assembly's id with this recommendation: not found, nothing written.
    assert!(matches!(
        impact::set_response(
            &mut tx,
            second,
            rec,
            &response(Reply::Rejected, "2020-07-03"),
            7
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        impact::set_fidelity(&mut tx, second, rec, &judgement(Verdict::Full), None, 7).await,
        Err(StoreError::NotFound)
    ));
    let before = impact::set_fidelity(&mut tx, first, rec, &judgement(Verdict::Diluted), None, 8)
        .await
        .unwrap();
    assert_eq!(before, None);
    tx.commit().await.unwrap();

    // The database refuses a kind outside the list, whatever the caller (the type already does for ours).
    assert!(
        store::test_support::execute_raw(
            &store,
            &format!("UPDATE impact_responses SET kind = 'maybe' WHERE recommendation_id = {rec}"),
        )
        .await
        .is_err()
    );

    let mut connection = store.connection().await.unwrap();
    let tracked = impact::tracked(&mut connection, first).await.unwrap();
    assert_eq!(tracked.len(), 1);
    let response = tracked[0].response.as_ref().unwrap();
    assert_eq!(
        (response.kind, response.responded_on.as_str()),
        (Reply::Full, "2020-07-02")
    );
    assert!(response.on_behalf);
    assert_eq!(
        tracked[0].fidelity.as_ref().unwrap().fidelity,
        Verdict::Diluted
    );
    assert!(
        impact::tracked(&mut connection, second)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn tracked_recommendations_carry_their_response_fidelity_and_milestones(store: Store) {
    let assembly_id = assembly(&store, "Climate").await;
    let other = assembly(&store, "Water").await;
    let mut ids = Vec::new();
    for reference in ["A", "B", "C"] {
        ids.push(recommendation(&store, assembly_id, reference).await);
    }
    let elsewhere = recommendation(&store, other, "A").await;
    let mut tx = store.begin().await.unwrap();
    impact::set_settings(
        &mut tx,
        assembly_id,
        &impact::Settings {
            final_report_on: "2020-06-21".to_owned(),
            response_weeks: 12,
            illustrative: true,
        },
        3,
    )
    .await
    .unwrap();
    impact::set_response(
        &mut tx,
        assembly_id,
        ids[1],
        &response(Reply::Rejected, "2020-09-01"),
        4,
    )
    .await
    .unwrap();
    impact::set_response(
        &mut tx,
        other,
        elsewhere,
        &response(Reply::Full, "2020-09-01"),
        4,
    )
    .await
    .unwrap();
    for (on, description) in [
        ("2021-08-24", "Law promulgated"),
        ("2021-02-10", "Bill tabled"),
    ] {
        impact::add_milestone(
            &mut tx,
            assembly_id,
            ids[2],
            &MilestoneRow {
                happened_on: on.to_owned(),
                kind: Instrument::Bill,
                description: description.to_owned(),
                evidence_url: "https://www.legifrance.gouv.fr/".to_owned(),
            },
            None,
            5,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let mut connection = store.connection().await.unwrap();
    let settings = impact::settings(&mut connection, assembly_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(settings.response_weeks, 12);
    assert!(settings.illustrative);
    assert_eq!(
        impact::settings(&mut connection, other).await.unwrap(),
        None
    );
    let tracked = impact::tracked(&mut connection, assembly_id).await.unwrap();
    let references: Vec<_> = tracked
        .iter()
        .map(|t| t.recommendation.fields.reference.as_str())
        .collect();
    assert_eq!(references, ["A", "B", "C"]);
    assert!(tracked[0].response.is_none());
    assert_eq!(tracked[1].response.as_ref().unwrap().kind, Reply::Rejected);
    let milestones: Vec<_> = tracked[2]
        .milestones
        .iter()
        .map(|m| m.description.as_str())
        .collect();
    assert_eq!(milestones, ["Bill tabled", "Law promulgated"]);
}

async fn the_strategy_and_advocacy_are_kept_per_recommendation(store: Store) {
    let assembly_id = assembly(&store, "Climate").await;
    let other = assembly(&store, "Water").await;
    let rec = recommendation(&store, assembly_id, "A").await;
    let member = account(&store, "member@example.org").await;
    let mut tx = store.begin().await.unwrap();
    impact::add_tactic(
        &mut tx,
        assembly_id,
        rec,
        &TacticRow {
            arena: Arena::Outsider,
            kind: TacticKind::Petition,
            description: "Petition to the Senate".to_owned(),
            lead: "Members' association".to_owned(),
            status: TacticStatus::Planned,
            outcome: String::new(),
        },
        4,
    )
    .await
    .unwrap();
    impact::add_ally(
        &mut tx,
        assembly_id,
        rec,
        &AllyRow {
            name: "Réseau Action Climat".to_owned(),
            kind: AllyKind::Organisation,
            note: "Co-signs the petition".to_owned(),
        },
        4,
    )
    .await
    .unwrap();
    impact::add_actor(
        &mut tx,
        assembly_id,
        rec,
        &ActorRow {
            name: "Minister for Housing".to_owned(),
            actor_role: ActorRole::DecisionMaker,
            visibility: Visibility::Visible,
            stance: -1,
            influence: 5,
        },
        4,
    )
    .await
    .unwrap();
    assert!(matches!(
        impact::add_ally(
            &mut tx,
            other,
            rec,
            &AllyRow {
                name: "x".to_owned(),
                kind: AllyKind::Person,
                note: String::new()
            },
            4
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        impact::set_advocate(&mut tx, assembly_id, member, true, 5)
            .await
            .unwrap()
    );
    assert!(
        !impact::set_advocate(&mut tx, assembly_id, member, true, 6)
            .await
            .unwrap()
    );
    impact::add_action(
        &mut tx,
        assembly_id,
        rec,
        member,
        "2021-03-01",
        "Met my MP",
        7,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut connection = store.connection().await.unwrap();
    let strategy = impact::strategy(&mut connection, assembly_id, rec)
        .await
        .unwrap();
    assert_eq!(strategy.tactics.len(), 1);
    assert_eq!(strategy.tactics[0].kind, TacticKind::Petition);
    assert_eq!(strategy.allies[0].name, "Réseau Action Climat");
    assert_eq!(strategy.actors[0].stance, -1);
    assert!(
        impact::is_advocate(&mut connection, assembly_id, member)
            .await
            .unwrap()
    );
    assert!(
        !impact::is_advocate(&mut connection, other, member)
            .await
            .unwrap()
    );
    assert_eq!(
        impact::count_advocates(&mut connection, assembly_id)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        impact::count_actions(&mut connection, assembly_id)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        impact::count_actions(&mut connection, other).await.unwrap(),
        0
    );
    let actions = impact::actions(&mut connection, assembly_id, rec)
        .await
        .unwrap();
    assert_eq!(actions[0].description, "Met my MP");
    drop(connection);

    // A stored code that is not known (the tactic kind has no CHECK) is an error, never a default.
    store::test_support::execute_raw(
        &store,
        &format!(
            "INSERT INTO impact_tactics (recommendation_id, arena, kind, description, lead, status, outcome, created_at)
             VALUES ({rec}, 'insider', 'riot', 'x', 'y', 'planned', '', 8)"
        ),
    )
    .await
    .unwrap();
    let mut connection = store.connection().await.unwrap();
    assert!(matches!(
        impact::strategy(&mut connection, assembly_id, rec).await,
        Err(StoreError::Corrupt(_))
    ));
}

async fn a_member_answers_a_survey_once_and_only_counts_are_kept(store: Store) {
    let assembly_id = assembly(&store, "Climate").await;
    let member = account(&store, "member@example.org").await;
    let answers = vec![(SurveyItem::Efficacy, 4), (SurveyItem::Trust, 2)];
    let mut tx = store.begin().await.unwrap();
    impact::record_survey(
        &mut tx,
        assembly_id,
        Survey::MembersBefore,
        Some(member),
        &answers,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // A second answer is refused and counts nothing (the handler drops the transaction).
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        impact::record_survey(
            &mut tx,
            assembly_id,
            Survey::MembersBefore,
            Some(member),
            &answers
        )
        .await,
        Err(StoreError::Conflict { .. })
    ));
    drop(tx);

    // The public survey has no takers: every answer counts.
    for value in [5, 5, 3] {
        let mut tx = store.begin().await.unwrap();
        impact::record_survey(
            &mut tx,
            assembly_id,
            Survey::Public,
            None,
            &[(SurveyItem::Awareness, value)],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    let mut connection = store.connection().await.unwrap();
    assert!(
        impact::has_taken(&mut connection, assembly_id, Survey::MembersBefore, member)
            .await
            .unwrap()
    );
    assert!(
        !impact::has_taken(&mut connection, assembly_id, Survey::MembersAfter, member)
            .await
            .unwrap()
    );
    let counts: Vec<_> = impact::survey_results(&mut connection, assembly_id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.survey.as_str(), c.item.as_str(), c.value, c.count))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("members_before", "efficacy", 4, 1),
            ("members_before", "trust", 2, 1),
            ("public", "awareness", 3, 1),
            ("public", "awareness", 5, 2),
        ]
    );
}

async fn records_change_only_at_the_version_read_stay_in_their_assembly_and_leave_a_history(
    store: Store,
) {
    let first = assembly(&store, "First").await;
    let second = assembly(&store, "Second").await;
    let rec = recommendation(&store, first, "SL1.1").await;
    let mut tx = store.begin().await.unwrap();

    // A response's version counts up at each replacement, and on after a removal.
    let (before, version) =
        impact::replace_response(&mut tx, first, rec, &response(Reply::Part, "2020-07-01"), 5)
            .await
            .unwrap();
    assert_eq!((before, version), (None, 1));
    let (before, version) =
        impact::replace_response(&mut tx, first, rec, &response(Reply::Full, "2020-07-02"), 6)
            .await
            .unwrap();
    assert_eq!((before.unwrap().version, version), (1, 2));
    let change = impact::NewChange {
        record: RecordKind::Response,
        record_id: rec,
        version: 2,
        change: Change::Removed,
        account_id: None,
        role: Role::Authority,
        code: "full",
        body: "As debated in cabinet",
        dated: "2020-07-02",
        reason: "Entered twice",
    };
    assert_eq!(
        impact::remove_response(&mut tx, first, rec, 1)
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        impact::remove_response(&mut tx, second, rec, 2).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        impact::remove_response(&mut tx, first, rec, 2)
            .await
            .unwrap()
            .unwrap()
            .kind,
        Reply::Full
    );
    impact::record_change(&mut tx, first, rec, &change, 7)
        .await
        .unwrap();
    let (_, version) = impact::replace_response(
        &mut tx,
        first,
        rec,
        &response(Reply::Rejected, "2020-07-03"),
        8,
    )
    .await
    .unwrap();
    assert_eq!(
        version, 3,
        "after a removal, versions go on from the history"
    );

    // A milestone is updated or removed only at the version read, and only through its own assembly.
    let milestone = MilestoneRow {
        happened_on: "2021-08-22".to_owned(),
        kind: Instrument::Bill,
        description: "Climate and resilience act".to_owned(),
        evidence_url: "https://example.org/act".to_owned(),
    };
    let id = impact::add_milestone(&mut tx, first, rec, &milestone, None, 9)
        .await
        .unwrap();
    let edited = MilestoneRow {
        kind: Instrument::Regulation,
        ..milestone.clone()
    };
    assert!(matches!(
        impact::update_milestone(&mut tx, second, rec, id, 1, &edited).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        !impact::update_milestone(&mut tx, first, rec, id, 2, &edited)
            .await
            .unwrap()
    );
    assert!(
        impact::update_milestone(&mut tx, first, rec, id, 1, &edited)
            .await
            .unwrap()
    );
    let stored = impact::milestone(&mut tx, first, rec, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.row.kind, stored.version),
        (Instrument::Regulation, 2)
    );
    assert_eq!(
        impact::version(&mut tx, first, rec, RecordKind::Milestone, id)
            .await
            .unwrap(),
        Some(2)
    );
    assert_eq!(
        impact::remove_milestone(&mut tx, first, rec, id, 1)
            .await
            .unwrap(),
        None
    );
    assert!(
        impact::remove_milestone(&mut tx, first, rec, id, 2)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        impact::version(&mut tx, first, rec, RecordKind::Milestone, id)
            .await
            .unwrap(),
        None
    );

    // The history reads back newest first, and only through its assembly.
    let history = impact::history(&mut tx, first, rec).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].change, Change::Removed);
    assert_eq!(history[0].reason, "Entered twice");
    assert_eq!(history[0].display_name, None);
    assert!(matches!(
        impact::history(&mut tx, second, rec).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
}
