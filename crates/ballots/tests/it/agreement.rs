//! The agreement scale: distribution, share agreeing, median, level of support, pass rule,
//! invalid answers and the results text.

use ballots::{
    AgreementAnswer, AgreementCount, AgreementScale, BallotError, Counted, Median, Method, Ratio,
    Support, Threshold, Vote, tally,
};

use crate::{Rng, ballot};

/// Votes from counts per level (1 to 5) and a number of "no opinion" answers.
fn votes(levels: [u32; 5], no_opinion: u32) -> Vec<Vote> {
    let mut votes = Vec::new();
    for (index, count) in levels.iter().enumerate() {
        votes.extend((0..*count).map(|_| Vote::Agreement(AgreementAnswer::Level(index as u8 + 1))));
    }
    votes.extend((0..no_opinion).map(|_| Vote::Agreement(AgreementAnswer::NoOpinion)));
    votes
}

fn half() -> Threshold {
    Threshold::at_least(Ratio::new(1, 2).expect("ratio")).expect("threshold")
}

fn count(scale: AgreementScale, levels: [u32; 5], no_opinion: u32) -> AgreementCount {
    let outcome = tally(
        &ballot("a", Method::Agreement(scale), 200),
        &votes(levels, no_opinion),
    )
    .expect("valid");
    let Counted::Agreement(count) = outcome.counted() else {
        panic!("expected an agreement count")
    };
    count.clone()
}

#[track_caller]
fn check(
    levels: [u32; 5],
    no_opinion: u32,
    agreeing_percent: u64,
    median: Median,
    support: Support,
    passed: bool,
) {
    let result = count(AgreementScale::new(true, Some(half())), levels, no_opinion);
    assert_eq!(result.levels(), levels);
    assert_eq!(result.total(), levels.iter().sum::<u32>() + no_opinion);
    assert_eq!(
        result.agreeing_percent(),
        agreeing_percent,
        "share agreeing"
    );
    assert_eq!(result.median(), median, "median");
    assert_eq!(result.support(), support, "support");
    assert_eq!(result.passed(), Some(passed), "passed");
}

#[test]
fn the_summary_reflects_the_distribution() {
    check(
        [3, 5, 10, 50, 59],
        0,
        86,
        Median::Level(4),
        Support::Strong,
        true,
    );
    check(
        [10, 10, 10, 20, 10],
        0,
        50,
        Median::Between(3, 4),
        Support::Divided,
        true,
    );
    // "No opinion" is in the base of the shares but not in the median.
    check(
        [10, 10, 10, 20, 10],
        1,
        49,
        Median::Between(3, 4),
        Support::Divided,
        false,
    );
    check(
        [0, 0, 1, 1, 0],
        0,
        50,
        Median::Between(3, 4),
        Support::Divided,
        true,
    );
    check(
        [30, 10, 5, 3, 2],
        0,
        10,
        Median::Level(1),
        Support::StrongAgainst,
        false,
    );
    check(
        [10, 20, 5, 10, 5],
        0,
        30,
        Median::Level(2),
        Support::MajorityAgainst,
        false,
    );
    check([0, 0, 0, 0, 0], 4, 0, Median::None, Support::Divided, false);
    check(
        [1, 1, 0, 5, 1],
        0,
        75,
        Median::Level(4),
        Support::Strong,
        true,
    );
    check(
        [2, 0, 0, 3, 0],
        0,
        60,
        Median::Level(4),
        Support::Majority,
        true,
    );
}

#[test]
fn invalid_answers_are_refused_with_their_position() {
    let without_no_opinion = ballot("a", Method::Agreement(AgreementScale::new(false, None)), 10);
    let cases = [
        (
            vec![AgreementAnswer::Level(3), AgreementAnswer::Level(6)],
            BallotError::LevelOutOfRange { vote: 2, level: 6 },
        ),
        (
            vec![AgreementAnswer::Level(0)],
            BallotError::LevelOutOfRange { vote: 1, level: 0 },
        ),
        (
            vec![AgreementAnswer::Level(5), AgreementAnswer::NoOpinion],
            BallotError::NoOpinionNotOffered { vote: 2 },
        ),
    ];
    for (answers, expected) in cases {
        let votes: Vec<Vote> = answers.into_iter().map(Vote::Agreement).collect();
        assert_eq!(tally(&without_no_opinion, &votes), Err(expected));
    }
    // Without a pass rule the outcome has no decision.
    let outcome = tally(&without_no_opinion, &votes([0, 0, 0, 1, 0], 0)).expect("valid");
    assert_eq!(outcome.passed(), None);
}

#[test]
fn the_results_text_gives_the_distribution_summary_and_decision() {
    let scale = AgreementScale::new(true, Some(half()));
    let outcome = tally(
        &ballot("a", Method::Agreement(scale), 108),
        &votes([3, 5, 10, 50, 30], 2),
    )
    .expect("valid");
    let expected = "\
100 votes: strongly disagree 3 (3%), disagree 5 (5%), neither agree nor disagree 10 (10%), agree 50 (50%), strongly agree 30 (30%), no opinion 2 (2%)
80% agree or strongly agree; median: agree; level of support: strong support
Passed (threshold: at least 1/2 of votes cast agree or strongly agree)
Turnout: 100 of 108 eligible members (93%)";
    assert_eq!(outcome.to_string(), expected);
}

#[test]
fn random_distributions_add_up_and_the_median_splits_the_answers() {
    let mut rng = Rng::new(2020);
    for case in 0..500 {
        let levels: [u32; 5] = std::array::from_fn(|_| rng.below(12) as u32);
        let no_opinion = rng.below(4) as u32;
        let mut list = votes(levels, no_opinion);
        rng.shuffle(&mut list);
        let outcome = tally(
            &ballot(
                "a",
                Method::Agreement(AgreementScale::new(true, Some(half()))),
                100,
            ),
            &list,
        )
        .expect("valid");
        let Counted::Agreement(result) = outcome.counted() else {
            panic!("expected an agreement count")
        };
        assert_eq!(result.levels(), levels, "case {case}");
        assert_eq!(result.total() as usize, list.len(), "case {case}");
        assert_eq!(
            result.agreeing() + result.disagreeing() + levels[2] + result.no_opinion(),
            result.total(),
            "case {case}"
        );
        // The median, from sorting the answers on the scale.
        let mut answers: Vec<u8> = list
            .iter()
            .filter_map(|vote| match vote {
                Vote::Agreement(AgreementAnswer::Level(level)) => Some(*level),
                _ => None,
            })
            .collect();
        answers.sort();
        let expected = match answers.len() {
            0 => Median::None,
            len if answers[(len - 1) / 2] == answers[len / 2] => Median::Level(answers[len / 2]),
            len => Median::Between(answers[(len - 1) / 2], answers[len / 2]),
        };
        assert_eq!(result.median(), expected, "case {case}");
        assert_eq!(
            result.passed(),
            Some(result.total() > 0 && result.agreeing() * 2 >= result.total()),
            "case {case}"
        );
    }
}
