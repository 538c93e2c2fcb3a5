//! Contract tests for recommendations, on SQLite and PostgreSQL.

use domain::assembly::{AssemblyDraft, Authority, Commitment, Question, Timeline, Title};
use domain::phase::Phase;
use store::recommendations::{self, NewRecommendation, Route};
use store::{Store, StoreError, assemblies, on_both_backends};

on_both_backends!(recommendations_keep_their_order_support_and_unique_references);

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

fn recommendation(reference: &str, support_bp: Option<u16>) -> NewRecommendation {
    NewRecommendation {
        reference: reference.to_owned(),
        title: format!("Recommendation {reference}"),
        body: "Make the renovation of buildings compulsory by 2040.".to_owned(),
        theme: "Housing".to_owned(),
        route: Route::Law,
        support_bp,
        support_text: "agree 140, neutral 5, disagree 5 of 150".to_owned(),
        minority_report: String::new(),
        proposal_id: None,
    }
}

async fn recommendations_keep_their_order_support_and_unique_references(store: Store) {
    let first = assembly(&store, "First").await;
    let second = assembly(&store, "Second").await;
    let mut tx = store.begin().await.unwrap();
    let a = recommendations::create(&mut tx, first, &recommendation("SL1.1", Some(9_333)), 10)
        .await
        .unwrap();
    let b = recommendations::create(&mut tx, first, &recommendation("SL1.2", None), 11)
        .await
        .unwrap();
    // The same reference in another assembly is fine; in the same one it is a conflict.
    recommendations::create(&mut tx, second, &recommendation("SL1.1", Some(5_000)), 12)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        recommendations::create(&mut tx, first, &recommendation("SL1.1", None), 13).await,
        Err(StoreError::Conflict { .. })
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        recommendations::create(&mut tx, second + 1000, &recommendation("X", None), 13).await,
        Err(StoreError::NotFound)
    ));
    drop(tx);

    let mut conn = store.connection().await.unwrap();
    let listed = recommendations::list(&mut conn, first).await.unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a, b]);
    assert_eq!(
        listed.iter().map(|r| r.position).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(listed[0].fields, recommendation("SL1.1", Some(9_333)));
    assert_eq!(listed[1].fields.support_bp, None);
    assert!(matches!(
        recommendations::get(&mut conn, second, a).await,
        Err(StoreError::NotFound)
    ));

    recommendations::set_minority_report(&mut conn, first, b, "We think 2040 is too late.")
        .await
        .unwrap();
    let got = recommendations::get(&mut conn, first, b).await.unwrap();
    assert_eq!(got.fields.minority_report, "We think 2040 is too late.");
    assert!(matches!(
        recommendations::set_minority_report(&mut conn, second, b, "x").await,
        Err(StoreError::NotFound)
    ));
}
