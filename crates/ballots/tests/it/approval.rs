//! Approval ballots: counts, winners by top k (with ties at the boundary) or by share, invalid
//! votes, the results text.

use ballots::{
    ApprovalBallot, ApprovalCount, BallotError, Counted, Method, Options, Threshold, Vote,
    WinnerRule, tally,
};

use crate::{Rng, ballot};

const OPTIONS: [&str; 4] = ["Wind", "Solar", "Nuclear", "Tidal"];

fn approval(max_approvals: Option<u32>, winners: WinnerRule) -> Method {
    Method::Approval(
        ApprovalBallot::new(
            Options::new(&OPTIONS).expect("options"),
            max_approvals,
            winners,
        )
        .expect("rules"),
    )
}

/// Votes from lines of approved options separated by spaces (`-` for a blank vote), each line
/// prefixed by a count.
fn votes(text: &str) -> Vec<Vote> {
    let mut votes = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let mut words = line.split_whitespace();
        let count: usize = words
            .next()
            .and_then(|word| word.parse().ok())
            .expect("count");
        let approved: Vec<&str> = words.filter(|word| *word != "-").collect();
        votes.extend((0..count).map(|_| Vote::approval(&approved)));
    }
    votes
}

fn count(method: Method, text: &str) -> ApprovalCount {
    let outcome = tally(&ballot("ap", method, 100), &votes(text)).expect("valid");
    let Counted::Approval(count) = outcome.counted() else {
        panic!("expected an approval count")
    };
    count.clone()
}

fn names(count: &ApprovalCount, indices: &[usize]) -> Vec<String> {
    indices
        .iter()
        .map(|&index| count.options()[index].clone())
        .collect()
}

#[test]
fn the_top_k_are_chosen_and_ties_at_the_boundary_are_all_included() {
    let result = count(
        approval(None, WinnerRule::TopK(2)),
        "5 Wind Solar\n3 Solar Tidal\n2 Nuclear\n1 -",
    );
    assert_eq!(result.approvals(), [5, 8, 2, 3]);
    assert_eq!(names(&result, result.winners()), ["Solar", "Wind"]);
    assert!(!result.tie_at_boundary());
    let tied = count(
        approval(None, WinnerRule::TopK(2)),
        "4 Wind Solar\n2 Nuclear Tidal\n2 Tidal\n2 Nuclear",
    );
    assert_eq!(tied.approvals(), [4, 4, 4, 4]);
    assert_eq!(
        names(&tied, tied.winners()),
        ["Wind", "Solar", "Nuclear", "Tidal"]
    );
    assert!(tied.tie_at_boundary());
    assert_eq!(
        tied.to_string(),
        "10 votes; approvals: Wind 4 (40%), Solar 4 (40%), Nuclear 4 (40%), Tidal 4 (40%)\n\
         Chosen: Wind, Solar, Nuclear, Tidal (the top 2); options tied for place 2 are all included"
    );
}

#[test]
fn a_share_rule_chooses_every_option_approved_by_enough_voters() {
    let majority = WinnerRule::Share(Threshold::simple_majority());
    // 10 votes: Solar 8/10 and Wind 6/10 are more than half; Tidal 5/10 is not.
    let result = count(
        approval(Some(2), majority),
        "5 Wind Solar\n3 Solar Tidal\n1 Wind Tidal\n1 Tidal",
    );
    assert_eq!(result.approvals(), [6, 8, 0, 5]);
    assert_eq!(names(&result, result.winners()), ["Solar", "Wind"]);
    assert_eq!(
        result.to_string(),
        "10 votes; approvals: Solar 8 (80%), Wind 6 (60%), Tidal 5 (50%), Nuclear 0 (0%)\n\
         Chosen: Solar, Wind (approved by more than 1/2 of votes cast)"
    );
}

#[test]
fn invalid_rules_and_votes_are_refused() {
    let options = Options::new(&OPTIONS).expect("options");
    assert_eq!(
        ApprovalBallot::new(options.clone(), None, WinnerRule::TopK(4)),
        Err(BallotError::InvalidWinnerCount {
            winners: 4,
            options: 4
        })
    );
    assert_eq!(
        ApprovalBallot::new(options.clone(), Some(0), WinnerRule::TopK(1)),
        Err(BallotError::InvalidMaxApprovals { max: 0, options: 4 })
    );
    let at_most_two = ballot("ap", approval(Some(2), WinnerRule::TopK(1)), 10);
    let cases = [
        (
            vec![Vote::approval(&["Wind", "Solar", "Tidal"])],
            BallotError::TooManyApprovals {
                vote: 1,
                count: 3,
                max: 2,
            },
        ),
        (
            vec![Vote::approval(&[]), Vote::approval(&["Coal"])],
            BallotError::UnknownOption {
                vote: 2,
                option: "Coal".to_owned(),
            },
        ),
        (
            vec![Vote::approval(&["Wind", "Wind"])],
            BallotError::DuplicateApproval {
                vote: 1,
                option: "Wind".to_owned(),
            },
        ),
    ];
    for (list, expected) in cases {
        assert_eq!(tally(&at_most_two, &list), Err(expected));
    }
}

#[test]
fn random_approvals_add_up_and_the_top_k_are_never_outvoted_by_a_loser() {
    let mut rng = Rng::new(1848);
    for case in 0..300 {
        let k = 1 + rng.below(3) as u32;
        let list: Vec<Vote> = (0..rng.below(50))
            .map(|_| {
                let approved: Vec<&str> = OPTIONS
                    .iter()
                    .copied()
                    .filter(|_| rng.below(2) == 0)
                    .collect();
                Vote::approval(&approved)
            })
            .collect();
        let outcome = tally(
            &ballot("ap", approval(None, WinnerRule::TopK(k)), 100),
            &list,
        )
        .expect("valid");
        let Counted::Approval(result) = outcome.counted() else {
            panic!("expected an approval count")
        };
        let given: usize = list
            .iter()
            .map(|vote| {
                if let Vote::Approval(options) = vote {
                    options.len()
                } else {
                    0
                }
            })
            .sum();
        assert_eq!(
            result.approvals().iter().sum::<u32>() as usize,
            given,
            "case {case}"
        );
        let approved_options = result
            .approvals()
            .iter()
            .filter(|&&count| count > 0)
            .count();
        assert_eq!(
            result.winners().len() >= k as usize,
            approved_options >= k as usize,
            "case {case}"
        );
        assert!(
            result
                .winners()
                .iter()
                .all(|&index| result.approvals()[index] > 0),
            "case {case}: unapproved winner"
        );
        assert_eq!(
            result.tie_at_boundary(),
            result.winners().len() > k as usize,
            "case {case}"
        );
        let lowest_winner = result
            .winners()
            .iter()
            .map(|&index| result.approvals()[index])
            .min()
            .unwrap_or(1);
        for index in 0..OPTIONS.len() {
            if !result.winners().contains(&index) {
                assert!(
                    result.approvals()[index] < lowest_winner,
                    "case {case}: a loser has as many approvals as a winner"
                );
            }
        }
    }
}

#[test]
fn an_option_nobody_approved_is_never_chosen() {
    let result = count(approval(None, WinnerRule::TopK(3)), "2 Wind\n1 Solar\n1 -");
    assert_eq!(names(&result, result.winners()), ["Wind", "Solar"]);
    let nobody = count(approval(None, WinnerRule::TopK(1)), "3 -");
    assert!(nobody.winners().is_empty());
    assert!(
        nobody.to_string().ends_with("Chosen: none (the top 1)"),
        "{nobody}"
    );
}

#[test]
fn percentages_round_half_up() {
    assert_eq!(ballots::percent(1, 8), 13);
    assert_eq!(ballots::percent(1, 3), 33);
    assert_eq!(ballots::percent(2, 3), 67);
    assert_eq!(ballots::percent(0, 0), 0);
}
