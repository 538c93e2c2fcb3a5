//! Yes/no ballots: thresholds at their exact boundary, abstention rules, ties, quorums, the
//! results text, and random counts checked against an independent formulation of the rule.

use ballots::{
    Abstention, Ballot, BallotError, BallotSpec, Counted, Decision, Method, Quorum, Ratio,
    Threshold, Vote, Wording, YesNoChoice, YesNoRule, tally,
};

use crate::Rng;

fn votes(yes: u32, no: u32, abstain: u32) -> Vec<Vote> {
    let mut votes = Vec::new();
    votes.extend((0..yes).map(|_| Vote::YesNo(YesNoChoice::Yes)));
    votes.extend((0..no).map(|_| Vote::YesNo(YesNoChoice::No)));
    votes.extend((0..abstain).map(|_| Vote::YesNo(YesNoChoice::Abstain)));
    votes
}

fn yes_no_ballot(rule: YesNoRule, eligible_members: u32, quorum: Option<Quorum>) -> Ballot {
    Ballot::new(BallotSpec {
        id: "b1".to_owned(),
        wording: Wording::Fixed("Should the constitution be amended?".to_owned()),
        method: Method::YesNo(rule),
        eligible_members,
        quorum,
        opens_after: None,
    })
    .expect("valid ballot")
}

fn two_thirds() -> Ratio {
    Ratio::new(2, 3).expect("ratio")
}

#[track_caller]
fn check(
    rule: YesNoRule,
    eligible: u32,
    quorum: Option<Quorum>,
    (yes, no, abstain): (u32, u32, u32),
    expected: Decision,
) {
    let outcome = tally(
        &yes_no_ballot(rule, eligible, quorum),
        &votes(yes, no, abstain),
    )
    .expect("valid votes");
    let Counted::YesNo(count) = outcome.counted() else {
        panic!("expected a yes/no count")
    };
    assert_eq!(
        (count.yes(), count.no(), count.abstain()),
        (yes, no, abstain),
        "counts"
    );
    assert_eq!(
        count.decision(),
        expected,
        "{yes} yes, {no} no, {abstain} abstain under {}",
        rule.threshold()
    );
    assert_eq!(outcome.passed(), Some(expected == Decision::Passed));
}

#[test]
fn exactly_two_thirds_passes_at_least_two_thirds_and_fails_more_than_two_thirds() {
    let at_least = YesNoRule::new(
        Threshold::at_least(two_thirds()).expect("threshold"),
        Abstention::Excluded,
    );
    let more_than = YesNoRule::new(
        Threshold::more_than(two_thirds()).expect("threshold"),
        Abstention::Excluded,
    );
    check(at_least, 400, None, (200, 100, 0), Decision::Passed);
    check(
        more_than,
        400,
        None,
        (200, 100, 0),
        Decision::BelowThreshold,
    );
    check(at_least, 400, None, (199, 101, 0), Decision::BelowThreshold);
    check(more_than, 400, None, (201, 99, 0), Decision::Passed);
    // 55% as a percentage: 55 of 100 passes "at least 55%", 54 does not.
    let fifty_five = YesNoRule::new(
        Threshold::at_least(Ratio::percent(55).expect("ratio")).expect("threshold"),
        Abstention::NotOffered,
    );
    check(fifty_five, 100, None, (55, 45, 0), Decision::Passed);
    check(fifty_five, 100, None, (54, 46, 0), Decision::BelowThreshold);
}

#[test]
fn abstentions_count_in_the_base_only_when_the_rule_says_so() {
    let threshold = Threshold::at_least(two_thirds()).expect("threshold");
    // 190 of 285 yes-or-no votes is exactly 2/3; 190 of 300 votes in all is not.
    check(
        YesNoRule::new(threshold, Abstention::Excluded),
        300,
        None,
        (190, 95, 15),
        Decision::Passed,
    );
    check(
        YesNoRule::new(threshold, Abstention::Counted),
        300,
        None,
        (190, 95, 15),
        Decision::BelowThreshold,
    );
    let ballot = yes_no_ballot(YesNoRule::new(threshold, Abstention::NotOffered), 10, None);
    assert_eq!(
        tally(&ballot, &votes(1, 1, 1)),
        Err(BallotError::AbstainNotOffered { vote: 3 })
    );
}

#[test]
fn a_simple_majority_needs_more_than_half_and_a_tie_never_passes() {
    let simple = YesNoRule::new(Threshold::simple_majority(), Abstention::Excluded);
    check(simple, 100, None, (51, 49, 0), Decision::Passed);
    check(simple, 120, None, (50, 50, 7), Decision::Tie);
    check(simple, 100, None, (0, 0, 7), Decision::NoVotes);
    // Even a threshold that a tie would meet ("at least 1/2") does not pass a tie.
    let half = YesNoRule::new(
        Threshold::at_least(Ratio::new(1, 2).expect("ratio")).expect("threshold"),
        Abstention::Excluded,
    );
    check(half, 100, None, (40, 40, 0), Decision::Tie);
    check(half, 100, None, (41, 40, 0), Decision::Passed);
}

#[test]
fn a_missed_quorum_fails_the_ballot_whatever_the_votes() {
    let simple = YesNoRule::new(Threshold::simple_majority(), Abstention::Excluded);
    let half = Some(Quorum::Share(Ratio::new(1, 2).expect("ratio")));
    // Abstentions count in turnout: 70 + 5 + 0 = 75 of 150 is exactly half.
    check(simple, 150, half, (70, 5, 0), Decision::Passed);
    check(simple, 150, half, (60, 5, 9), Decision::QuorumNotMet);
    check(simple, 150, half, (60, 5, 10), Decision::Passed);
    check(
        simple,
        150,
        Some(Quorum::Members(100)),
        (99, 0, 0),
        Decision::QuorumNotMet,
    );
    let error = Ballot::new(BallotSpec {
        id: "b".to_owned(),
        wording: Wording::Fixed("?".to_owned()),
        method: Method::YesNo(simple),
        eligible_members: 10,
        quorum: Some(Quorum::Members(11)),
        opens_after: None,
    });
    assert_eq!(
        error,
        Err(BallotError::QuorumAboveEligible {
            ballot: "b".to_owned(),
            quorum: 11,
            eligible: 10
        })
    );
}

#[test]
fn thresholds_and_ratios_refuse_impossible_values() {
    assert_eq!(
        Ratio::new(3, 2),
        Err(BallotError::InvalidRatio {
            numerator: 3,
            denominator: 2
        })
    );
    assert_eq!(
        Ratio::new(0, 0),
        Err(BallotError::InvalidRatio {
            numerator: 0,
            denominator: 0
        })
    );
    assert_eq!(
        Threshold::at_least(Ratio::new(0, 3).expect("ratio")),
        Err(BallotError::ThresholdAlwaysMet)
    );
    assert_eq!(
        Threshold::more_than(Ratio::percent(100).expect("ratio")),
        Err(BallotError::ThresholdNeverMet)
    );
    assert_eq!(Threshold::simple_majority().to_string(), "more than 1/2");
    assert_eq!(
        Threshold::at_least(Ratio::percent(55).expect("ratio"))
            .expect("threshold")
            .to_string(),
        "at least 55%"
    );
}

#[test]
fn the_results_text_states_counts_share_threshold_and_turnout() {
    let at_least = YesNoRule::new(
        Threshold::at_least(two_thirds()).expect("threshold"),
        Abstention::Excluded,
    );
    let cases = [
        (
            at_least,
            None,
            (98, 23, 6),
            "Passed: 98 yes, 23 no, 6 abstentions; 81% yes of yes and no votes (threshold: at least 2/3)\n\
             Turnout: 127 of 150 eligible members (85%)",
        ),
        (
            YesNoRule::new(Threshold::simple_majority(), Abstention::Counted),
            Some(Quorum::Share(Ratio::percent(50).expect("ratio"))),
            (40, 40, 1),
            "Not passed (tie): 40 yes, 40 no, 1 abstention; 49% yes of all votes, abstentions included \
             (threshold: more than 1/2; a tie does not pass)\n\
             Turnout: 81 of 150 eligible members (54%); quorum at least 50% of eligible members: met",
        ),
        (
            YesNoRule::new(Threshold::simple_majority(), Abstention::NotOffered),
            Some(Quorum::Members(100)),
            (60, 5, 0),
            "Not passed (quorum not met): 60 yes, 5 no; 92% yes of votes cast (threshold: more than 1/2)\n\
             Turnout: 65 of 150 eligible members (43%); quorum at least 100 members: not met",
        ),
    ];
    for (rule, quorum, (yes, no, abstain), expected) in cases {
        let outcome =
            tally(&yes_no_ballot(rule, 150, quorum), &votes(yes, no, abstain)).expect("valid");
        assert_eq!(outcome.to_string(), expected);
    }
}

#[test]
fn random_counts_add_up_and_decide_like_the_rule_written_another_way() {
    let mut rng = Rng::new(1789);
    for case in 0..2000 {
        let numerator = 1 + rng.below(9) as u32;
        let denominator = numerator + 1 + rng.below(5) as u32;
        let ratio = Ratio::new(numerator, denominator).expect("ratio");
        let at_least = rng.below(2) == 0;
        let threshold = if at_least {
            Threshold::at_least(ratio)
        } else {
            Threshold::more_than(ratio)
        }
        .expect("threshold");
        let abstention = [
            Abstention::NotOffered,
            Abstention::Excluded,
            Abstention::Counted,
        ][rng.below(3) as usize];
        let (yes, no) = (rng.below(40) as u32, rng.below(40) as u32);
        let abstain = if abstention == Abstention::NotOffered {
            0
        } else {
            rng.below(10) as u32
        };
        let mut list = votes(yes, no, abstain);
        rng.shuffle(&mut list);
        let outcome = tally(
            &yes_no_ballot(YesNoRule::new(threshold, abstention), 100, None),
            &list,
        )
        .expect("valid");
        let Counted::YesNo(count) = outcome.counted() else {
            panic!("expected a yes/no count")
        };
        assert_eq!(
            count.yes() + count.no() + count.abstain(),
            list.len() as u32,
            "case {case}"
        );
        assert_eq!(outcome.turnout(), list.len() as u32, "case {case}");
        // The smallest number of yes votes that passes, found by counting up.
        let base = if abstention == Abstention::Counted {
            yes + no + abstain
        } else {
            yes + no
        };
        let needed = (0..=base)
            .find(|&candidate| {
                let (left, right) = (candidate * denominator, numerator * base);
                if at_least {
                    left >= right
                } else {
                    left > right
                }
            })
            .unwrap_or(u32::MAX);
        let expected = if yes + no == 0 {
            Decision::NoVotes
        } else if yes == no {
            Decision::Tie
        } else if yes >= needed {
            Decision::Passed
        } else {
            Decision::BelowThreshold
        };
        assert_eq!(
            count.decision(),
            expected,
            "case {case}: {yes} yes {no} no {abstain} abstain, {threshold}"
        );
    }
}

#[test]
fn the_irish_assemblys_first_ballot_reads_as_reported() {
    // Citizens' Assembly (Ireland), April 2017: 79 of 91 members voted not to retain Article
    // 40.3.3 in full, reported as 87%.
    let rule = YesNoRule::new(Threshold::simple_majority(), Abstention::NotOffered);
    let outcome = tally(&yes_no_ballot(rule, 99, None), &votes(79, 12, 0)).expect("valid");
    assert_eq!(
        outcome.to_string(),
        "Passed: 79 yes, 12 no; 87% yes of votes cast (threshold: more than 1/2)\n\
         Turnout: 91 of 99 eligible members (92%)"
    );
}
