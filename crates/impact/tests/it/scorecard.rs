//! The scorecard arithmetic on the fixture shaped like the French Citizens' Convention for Climate.

use crate::fixture::{CONVENTION, FINAL_REPORT, convention};
use impact::{Commitment, Date, Fidelity, ImpactError, ResponseKind, Scorecard, Share, Timeliness};

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// The scorecard's counts in the order of `ResponseKind::ALL`, `Fidelity::ALL` and `Timeliness::ALL`.
#[track_caller]
fn check(scorecard: &Scorecard, responses: [u64; 5], fidelity: [u64; 5], timeliness: [u64; 4]) {
    let got_responses = ResponseKind::ALL.map(|kind| scorecard.by_response(kind).part);
    let got_fidelity = Fidelity::ALL.map(|fidelity| scorecard.by_fidelity(fidelity).part);
    let got_timeliness = Timeliness::ALL.map(|status| scorecard.by_timeliness(status).part);
    assert_eq!(
        (got_responses, got_fidelity, got_timeliness),
        (responses, fidelity, timeliness)
    );
    for counts in [&got_responses[..], &got_fidelity[..], &got_timeliness[..]] {
        assert_eq!(
            counts.iter().sum::<u64>(),
            scorecard.total(),
            "a breakdown does not sum to the total"
        );
    }
}

#[test]
fn the_french_convention_scorecard_counts_149_recommendations_and_15_fully_taken_up() {
    let recommendations = convention();
    assert_eq!(recommendations.len(), 149);
    let scorecard = Scorecard::compute(&recommendations, date("2021-08-24")).unwrap();
    check(
        &scorecard,
        [21, 53, 55, 17, 3],
        [15, 95, 12, 23, 4],
        [126, 20, 3, 0],
    );
    assert_eq!(
        scorecard.fully_taken_up(),
        Share {
            part: 15,
            whole: 149
        }
    );
    assert_eq!(
        scorecard.headline(),
        "15 of 149 recommendations fully taken up (10%)"
    );
    assert_eq!(
        scorecard.by_response(ResponseKind::Rejected).to_string(),
        "17 of 149 (11%)"
    );
    assert_eq!(
        scorecard
            .by_response(ResponseKind::AcceptedInPart)
            .to_string(),
        "55 of 149 (37%)"
    );
    assert_eq!(
        scorecard.by_fidelity(Fidelity::Diluted).to_string(),
        "95 of 149 (64%)"
    );
    let rejected: Vec<&str> = scorecard
        .rows()
        .iter()
        .filter(|row| row.response == ResponseKind::Rejected)
        .map(|row| row.title.as_str())
        .collect();
    assert!(rejected.contains(&"Limit the speed on motorways to 110 km/h"));
    assert!(rejected.contains(&"Tax dividends at 4% to finance the transition"));
    let article_1 = scorecard
        .rows()
        .iter()
        .find(|row| row.title.contains("Article 1"))
        .unwrap();
    assert_eq!(
        (
            article_1.response,
            article_1.fidelity,
            article_1.fully_taken_up
        ),
        (ResponseKind::AcceptedInFull, Fidelity::None, false)
    );
}

#[test]
fn responses_on_the_due_date_are_on_time_and_silence_becomes_overdue_the_day_after() {
    let recommendations = convention();
    // On the due date: the 20 answered later and the 3 never answered are not yet due.
    let on_due_date = Scorecard::compute(&recommendations, date("2020-08-16")).unwrap();
    check(
        &on_due_date,
        [21, 53, 35, 17, 23],
        [0, 0, 0, 0, 149],
        [126, 0, 0, 23],
    );
    let answered_on_due_date = on_due_date
        .rows()
        .iter()
        .find(|row| row.title.contains("answered on the due date"))
        .unwrap();
    assert_eq!(answered_on_due_date.status, Timeliness::OnTime);
    // The day after: the 3 answered that day are late, the other 20 without an answer overdue.
    let day_after = Scorecard::compute(&recommendations, date("2020-08-17")).unwrap();
    check(
        &day_after,
        [21, 53, 38, 17, 20],
        [0, 0, 0, 0, 149],
        [126, 3, 20, 0],
    );
    assert_eq!(
        day_after.headline(),
        "0 of 149 recommendations fully taken up (0%)",
        "no fidelity judged yet"
    );
}

#[test]
fn a_longer_commitment_moves_the_due_date_and_the_statuses_with_it() {
    let twelve_weeks = Commitment::respond_within_weeks(12).unwrap();
    let recommendations = crate::fixture::parse(CONVENTION, FINAL_REPORT, twelve_weeks).unwrap();
    assert_eq!(recommendations[0].due(), date("2020-09-13"));
    let scorecard = Scorecard::compute(&recommendations, date("2021-08-24")).unwrap();
    check(
        &scorecard,
        [21, 53, 55, 17, 3],
        [15, 95, 12, 23, 4],
        [129, 17, 3, 0],
    );
}

#[test]
fn shares_round_half_up_to_whole_percentages() {
    let share = |part, whole| Share { part, whole };
    assert_eq!(share(15, 149).percent(), Some(10), "10.07%");
    assert_eq!(share(1, 8).percent(), Some(13), "12.5% rounds up");
    assert_eq!(share(3, 8).percent(), Some(38), "37.5% rounds up");
    assert_eq!(share(1, 3).percent(), Some(33));
    assert_eq!(share(2, 3).percent(), Some(67));
    assert_eq!(share(1, 200).percent(), Some(1), "0.5% rounds up");
    assert_eq!(share(1, 201).percent(), Some(0));
    assert_eq!(share(0, 0).percent(), None);
    assert_eq!(share(0, 0).to_string(), "0 of 0");
    // The rounded shares of a breakdown need not sum to 100: 3 × 33% here.
    let scorecard = Scorecard::compute(&convention(), date("2021-08-24")).unwrap();
    let sum: u64 = ResponseKind::ALL
        .iter()
        .map(|kind| scorecard.by_response(*kind).percent().unwrap())
        .sum();
    assert_eq!(sum, 100, "14 + 36 + 37 + 11 + 2");
}

#[test]
fn the_headline_speaks_of_one_recommendation_or_none() {
    let one = crate::fixture::parse(
        "theme X | x\n1 | 95 | full | 2020-06-29 | full",
        FINAL_REPORT,
        Commitment::respond_within_weeks(8).unwrap(),
    )
    .unwrap();
    assert_eq!(
        Scorecard::compute(&one, date("2021-08-24"))
            .unwrap()
            .headline(),
        "1 of 1 recommendation fully taken up (100%)"
    );
    let none = Scorecard::compute(&[], date("2021-08-24")).unwrap();
    assert_eq!(none.headline(), "0 of 0 recommendations fully taken up");
    check(&none, [0; 5], [0; 5], [0; 4]);
}

#[test]
fn a_repeated_reference_is_refused() {
    let mut recommendations = convention();
    recommendations.push(recommendations[3].clone());
    assert_eq!(
        Scorecard::compute(&recommendations, date("2021-08-24")),
        Err(ImpactError::DuplicateReference {
            reference: "SD-04".into()
        })
    );
}
