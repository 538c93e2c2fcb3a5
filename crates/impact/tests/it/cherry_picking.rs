//! The cherry-picking indicator: outcomes by level of support in the assembly and by theme.

use crate::fixture::{FINAL_REPORT, convention, parse};
use impact::{Commitment, Date, Scorecard, Support};

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn scorecard(table: &str) -> Scorecard {
    let recommendations = parse(
        table,
        FINAL_REPORT,
        Commitment::respond_within_weeks(8).unwrap(),
    )
    .unwrap();
    Scorecard::compute(&recommendations, date("2021-08-24")).unwrap()
}

#[test]
fn an_authority_that_accepts_only_the_less_supported_recommendations_is_flagged() {
    let scorecard = scorecard(
        "theme A | energy
         6 | 97 | rejected | 2020-06-29 | none
         4 | 92 | part     | 2020-06-29 | diluted
         8 | 70 | full     | 2020-06-29 | full
         2 | 66 | rejected | 2020-06-29 | none",
    );
    let indicator = scorecard.cherry_picking();
    assert_eq!(
        (
            indicator.high_support().total,
            indicator.high_support().accepted_in_full
        ),
        (10, 0)
    );
    assert_eq!(
        (
            indicator.other().total,
            indicator.other().accepted_in_full,
            indicator.other().fully_taken_up
        ),
        (10, 8, 8)
    );
    assert_eq!(indicator.gap_points(), Some(80));
    assert!(indicator.favours_less_supported());
    assert_eq!(
        indicator.summary(),
        "Accepted in full: 0 of 10 (0%) among recommendations with support of 90% or more, 8 of 10 (80%) among those with \
         support under 90%. Warning: the less supported recommendations were accepted in full more often, by 80 percentage points."
    );
}

#[test]
fn the_indicator_fires_from_a_gap_of_exactly_ten_points_and_counts_90_percent_as_high_support() {
    let exactly_ten = scorecard(
        "theme A | a
         1 | 90 | full     | 2020-06-29 | full
         9 | 95 | rejected | 2020-06-29 | none
         2 | 89.99 | full  | 2020-06-29 | full
         8 | 50 | rejected | 2020-06-29 | none",
    );
    assert_eq!(
        exactly_ten.cherry_picking().high_support().total,
        10,
        "90% is high support"
    );
    assert_eq!(exactly_ten.cherry_picking().gap_points(), Some(10));
    assert!(exactly_ten.cherry_picking().favours_less_supported());
    let under_ten = scorecard(
        "theme A | a
         1 | 90 | full     | 2020-06-29 | full
         8 | 95 | rejected | 2020-06-29 | none
         2 | 89.99 | full  | 2020-06-29 | full
         8 | 50 | rejected | 2020-06-29 | none",
    );
    assert_eq!(
        under_ten.cherry_picking().gap_points(),
        Some(9),
        "20% - 11.1%"
    );
    assert!(!under_ten.cherry_picking().favours_less_supported());
    assert!(!under_ten.cherry_picking().summary().contains("Warning"));
}

#[test]
fn the_french_convention_shows_no_preference_for_less_supported_recommendations() {
    let scorecard = Scorecard::compute(&convention(), date("2021-08-24")).unwrap();
    let indicator = scorecard.cherry_picking();
    assert_eq!(indicator.threshold(), Support::parse("90").unwrap());
    assert_eq!(
        (
            indicator.high_support().total,
            indicator.high_support().accepted_in_full
        ),
        (98, 20)
    );
    assert_eq!(
        (indicator.other().total, indicator.other().accepted_in_full),
        (51, 1)
    );
    assert_eq!(
        indicator.high_support().fully_taken_up + indicator.other().fully_taken_up,
        15
    );
    assert_eq!(
        indicator.gap_points(),
        Some(-18),
        "1/51 - 20/98 = -18.4 points"
    );
    assert!(!indicator.favours_less_supported());
    let themes: Vec<(&str, u64, u64, u64, u64)> = indicator
        .themes()
        .iter()
        .map(|theme| {
            (
                theme.label.as_str(),
                theme.total,
                theme.accepted_in_full,
                theme.rejected,
                theme.fully_taken_up,
            )
        })
        .collect();
    assert_eq!(
        themes,
        [
            ("se déplacer", 40, 6, 4, 4),
            ("consommer", 20, 4, 2, 3),
            ("se loger", 25, 3, 2, 3),
            ("produire et travailler", 42, 5, 5, 3),
            ("se nourrir", 20, 2, 3, 2),
            ("constitution", 2, 1, 1, 0),
        ]
    );
    assert_eq!(
        indicator.themes()[5].rejected_share().to_string(),
        "1 of 2 (50%)"
    );
}

#[test]
fn a_different_threshold_regroups_the_recommendations() {
    let recommendations = convention();
    let threshold = Support::parse("95").unwrap();
    let scorecard =
        Scorecard::compute_with_threshold(&recommendations, date("2021-08-24"), threshold).unwrap();
    let high = scorecard.cherry_picking().high_support();
    // 95% or more: SD 4 full + 1 unanswered, C 3 full, SL 3 full, PT 3 full + 1 unanswered,
    // SN 2 full + 6 modified.
    assert_eq!((high.total, high.accepted_in_full), (23, 15));
    assert_eq!(high.label, "support of 95% or more");
}

#[test]
fn a_theme_accepted_in_full_far_less_often_than_the_rest_is_named() {
    let scorecard = scorecard(
        "theme A | transport
         10 | 95 | rejected | 2020-06-29 | none
         theme B | housing
         4  | 95 | full     | 2020-06-29 | full
         6  | 95 | part     | 2020-06-29 | diluted
         theme C | food
         1  | 95 | full     | 2020-06-29 | full
         9  | 95 | modified | 2020-06-29 | diluted",
    );
    let indicator = scorecard.cherry_picking();
    let left_behind: Vec<&str> = indicator
        .themes_left_behind()
        .iter()
        .map(|theme| theme.label.as_str())
        .collect();
    // transport: 0% against 5 of 20 (25%); food: 10% against 4 of 20 (20%), exactly 10 points;
    // housing: 40% against 1 of 20 (5%).
    assert_eq!(left_behind, ["transport", "food"]);
    assert!(
        !indicator.favours_less_supported(),
        "every recommendation has high support"
    );
    assert_eq!(
        indicator.gap_points(),
        None,
        "no less supported group to compare"
    );
    assert!(indicator.summary().ends_with(
        "Themes accepted in full at least 10 percentage points less often than the rest: transport, food."
    ));
}
