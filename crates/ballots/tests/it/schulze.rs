//! The Schulze count: worked examples with published answers, then properties on random
//! ballots (Condorcet consistency, a consistent ranking, strongest paths equal to brute force).

use ballots::{BallotError, Counted, Method, Options, SchulzeResult, Vote, tally};

use crate::{Rng, ballot, parse_rankings};

/// Counts `votes` (in the `parse_rankings` format) on a ranking ballot over `options`.
fn count(options: &[&str], votes: &str) -> SchulzeResult {
    let votes = parse_rankings(votes);
    let ranking = ballot(
        "r",
        Method::Ranking(Options::new(options).expect("options")),
        votes.len() as u32,
    );
    match tally(&ranking, &votes).expect("valid votes").counted() {
        Counted::Ranking(result) => result.clone(),
        other => panic!("expected a ranking count, got {other:?}"),
    }
}

/// Parses a matrix typed as rows of numbers, `-` on the diagonal.
fn matrix(text: &str) -> Vec<Vec<u32>> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.split_whitespace()
                .map(|cell| {
                    if cell == "-" {
                        0
                    } else {
                        cell.parse().expect("number")
                    }
                })
                .collect()
        })
        .collect()
}

fn labels(result: &SchulzeResult, indices: &[usize]) -> Vec<String> {
    indices
        .iter()
        .map(|&index| result.options()[index].clone())
        .collect()
}

#[track_caller]
fn check(
    options: &[&str],
    votes: &str,
    pairwise: &str,
    strongest: &str,
    ranking: &str,
    condorcet: Option<&str>,
) {
    let result = count(options, votes);
    assert_eq!(
        result.pairwise(),
        matrix(pairwise).as_slice(),
        "pairwise matrix d"
    );
    assert_eq!(
        result.strongest_paths(),
        matrix(strongest).as_slice(),
        "strongest paths p"
    );
    assert_eq!(result.ranking_text(), ranking);
    assert_eq!(
        result
            .condorcet_winner()
            .map(|index| result.options()[index].as_str()),
        condorcet
    );
}

#[test]
fn the_wikipedia_example_gives_the_published_matrices_and_ranking_e_a_c_b_d() {
    // Wikipedia, "Schulze method", example: 45 voters, 5 candidates.
    check(
        &["A", "B", "C", "D", "E"],
        "5 A>C>B>E>D
         5 A>D>E>C>B
         8 B>E>D>A>C
         3 C>A>B>E>D
         7 C>A>E>B>D
         2 C>B>A>D>E
         7 D>C>E>B>A
         8 E>B>A>D>C",
        "-  20 26 30 22
         25 -  16 33 18
         19 29 -  17 24
         15 12 28 -  14
         23 27 21 31 -",
        "-  28 28 30 24
         25 -  28 33 24
         25 29 -  29 24
         25 28 28 -  24
         25 28 28 31 -",
        "E > A > C > B > D",
        None,
    );
    let result = count(
        &["A", "B", "C", "D", "E"],
        "5 A>C>B>E>D\n5 A>D>E>C>B\n8 B>E>D>A>C\n3 C>A>B>E>D\n7 C>A>E>B>D\n2 C>B>A>D>E\n7 D>C>E>B>A\n8 E>B>A>D>C",
    );
    assert_eq!(labels(&result, result.winners()), ["E"]);
    assert_eq!(result.votes(), 45);
}

#[test]
fn the_tennessee_capital_example_elects_the_condorcet_winner_nashville() {
    // Wikipedia, "Condorcet method": 42% Memphis, 26% Nashville, 15% Chattanooga, 17% Knoxville
    // first; Nashville beats every other city head to head.
    check(
        &["Memphis", "Nashville", "Chattanooga", "Knoxville"],
        "42 Memphis>Nashville>Chattanooga>Knoxville
         26 Nashville>Chattanooga>Knoxville>Memphis
         15 Chattanooga>Knoxville>Nashville>Memphis
         17 Knoxville>Chattanooga>Nashville>Memphis",
        "-  42 42 42
         58 -  68 68
         58 32 -  83
         58 32 17 -",
        "-  0  0  0
         58 -  68 68
         58 0  -  83
         58 0  0  -",
        "Nashville > Chattanooga > Knoxville > Memphis",
        Some("Nashville"),
    );
}

#[test]
fn a_symmetric_cycle_is_a_three_way_tie_with_no_condorcet_winner() {
    check(
        &["A", "B", "C"],
        "1 A>B>C
         1 B>C>A
         1 C>A>B",
        "- 2 1
         1 - 2
         2 1 -",
        "- 2 2
         2 - 2
         2 2 -",
        "A = B = C",
        None,
    );
    let result = count(&["A", "B", "C"], "1 A>B>C\n1 B>C>A\n1 C>A>B");
    assert_eq!(labels(&result, result.winners()), ["A", "B", "C"]);
}

#[test]
fn partial_rankings_put_unranked_options_below_ranked_ones_and_ties_are_stated() {
    // Vote 1 ranks only A, so A beats B and C on it; vote 2 ranks B over C and leaves A out,
    // so B and C both beat A on it. A and B tie; B beats C.
    check(
        &["A", "B", "C"],
        "1 A
         1 B>C",
        "- 1 1
         1 - 1
         1 0 -",
        "- 0 0
         0 - 1
         0 0 -",
        "A = B > C",
        None,
    );
    // Equal ranks and a blank vote add nothing between the options ranked equal.
    check(
        &["A", "B", "C"],
        "2 A=B>C\n1 -\n1 B>A",
        "- 0 3\n1 - 3\n0 0 -",
        "- 0 3\n1 - 3\n0 0 -",
        "B > A > C",
        Some("B"),
    );
}

#[test]
fn the_results_text_shows_the_ranking_the_winner_and_both_tables() {
    let result = count(
        &["Memphis", "Nashville", "Chattanooga", "Knoxville"],
        "3 Nashville>Memphis\n1 Memphis",
    );
    let expected = "\
4 votes; Schulze ranking: Nashville > Memphis > Chattanooga = Knoxville
Winner: Nashville; Nashville is the Condorcet winner (beats every other option head to head)
Pairwise preferences (row preferred to column, number of voters):
                Memphis   Nashville Chattanooga   Knoxville
Memphis               -           1           4           4
Nashville             3           -           3           3
Chattanooga           0           0           -           0
Knoxville             0           0           0           -
Strongest paths (row to column):
                Memphis   Nashville Chattanooga   Knoxville
Memphis               -           0           4           4
Nashville             3           -           3           3
Chattanooga           0           0           -           0
Knoxville             0           0           0           -";
    assert_eq!(result.to_string(), expected);
}

#[test]
fn invalid_rankings_are_refused_with_the_vote_and_option_named() {
    let ranking = ballot(
        "r",
        Method::Ranking(Options::new(&["A", "B", "C"]).expect("options")),
        10,
    );
    let cases: Vec<(Vec<Vote>, BallotError)> = vec![
        (
            vec![
                Vote::ranking_in_order(&["A"]),
                Vote::ranking_in_order(&["A", "Z"]),
            ],
            BallotError::UnknownOption {
                vote: 2,
                option: "Z".to_owned(),
            },
        ),
        (
            vec![Vote::Ranking(vec![
                ("A".to_owned(), 1),
                ("B".to_owned(), 2),
                ("A".to_owned(), 3),
            ])],
            BallotError::DuplicateRank {
                vote: 1,
                option: "A".to_owned(),
            },
        ),
        (
            vec![Vote::Ranking(vec![("C".to_owned(), 0)])],
            BallotError::RankZero {
                vote: 1,
                option: "C".to_owned(),
            },
        ),
        (
            vec![Vote::approval(&["A"])],
            BallotError::WrongMethod {
                vote: 1,
                expected: "ranking",
                found: "approval",
            },
        ),
    ];
    for (votes, expected) in cases {
        assert_eq!(tally(&ranking, &votes), Err(expected));
    }
    let too_many: Vec<Vote> = (0..11).map(|_| Vote::ranking_in_order(&["A"])).collect();
    assert_eq!(
        tally(&ranking, &too_many),
        Err(BallotError::MoreVotesThanEligible {
            votes: 11,
            eligible: 10
        })
    );
    assert_eq!(
        Options::new(&["A"]),
        Err(BallotError::TooFewOptions { count: 1 })
    );
    assert_eq!(
        Options::new(&["A", " "]),
        Err(BallotError::BlankOption { position: 2 })
    );
    assert_eq!(
        Options::new(&["A", "B", "A "]),
        Err(BallotError::DuplicateOption {
            option: "A".to_owned()
        })
    );
}

/// A random ranked vote over `options` options: some options left out, some ranked equal.
fn random_vote(rng: &mut Rng, labels: &[String]) -> Vote {
    let mut order: Vec<&String> = labels.iter().collect();
    rng.shuffle(&mut order);
    let ranked = rng.below(order.len() as u64 + 1) as usize;
    let mut rank = 1;
    let mut ranks = Vec::new();
    for option in order.into_iter().take(ranked) {
        ranks.push((option.clone(), rank));
        // Two times in three, the next option gets a worse rank; otherwise it ties.
        if rng.below(3) != 0 {
            rank += 1 + rng.below(2) as u32;
        }
    }
    Vote::Ranking(ranks)
}

/// The strongest path from `from` to `to` by enumerating every simple path.
fn brute_force_strongest(pairwise: &[Vec<u32>], from: usize, to: usize) -> u32 {
    fn walk(
        pairwise: &[Vec<u32>],
        at: usize,
        to: usize,
        strength: u32,
        visited: &mut Vec<usize>,
    ) -> u32 {
        let mut best = 0;
        for next in 0..pairwise.len() {
            if visited.contains(&next) || pairwise[at][next] <= pairwise[next][at] {
                continue;
            }
            let through = strength.min(pairwise[at][next]);
            if next == to {
                best = best.max(through);
            } else {
                visited.push(next);
                best = best.max(walk(pairwise, next, to, through, visited));
                visited.pop();
            }
        }
        best
    }
    walk(pairwise, from, to, u32::MAX, &mut vec![from])
}

#[test]
fn on_random_ballots_the_count_is_consistent_and_matches_brute_force() {
    let mut rng = Rng::new(2017);
    let mut with_condorcet_winner = 0;
    let mut with_tied_winners = 0;
    for case in 0..400 {
        let option_count = 2 + rng.below(5) as usize;
        let labels: Vec<String> = (0..option_count).map(|index| format!("O{index}")).collect();
        let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let vote_count = 1 + rng.below(30) as usize;
        let mut votes: Vec<Vote> = (0..vote_count)
            .map(|_| random_vote(&mut rng, &labels))
            .collect();
        let ranking = ballot(
            "r",
            Method::Ranking(Options::new(&label_refs).expect("options")),
            100,
        );
        let Counted::Ranking(result) = tally(&ranking, &votes).expect("valid").counted().clone()
        else {
            panic!("expected a ranking count")
        };
        let d = result.pairwise();
        let p = result.strongest_paths();
        assert_eq!(result.votes() as usize, vote_count, "case {case}");
        let beats = |first: usize, second: usize| p[first][second] > p[second][first];
        for first in 0..option_count {
            assert_eq!(
                (d[first][first], p[first][first]),
                (0, 0),
                "case {case}: diagonal"
            );
            for second in 0..option_count {
                if first == second {
                    continue;
                }
                assert!(
                    d[first][second] + d[second][first] <= vote_count as u32,
                    "case {case}: pairwise counts exceed votes"
                );
                assert_eq!(
                    p[first][second],
                    brute_force_strongest(d, first, second),
                    "case {case}: p[{first}][{second}]"
                );
                // Schulze's theorem: the "beats" relation is transitive.
                for third in 0..option_count {
                    if beats(first, second) && beats(second, third) {
                        assert!(beats(first, third), "case {case}: not transitive");
                    }
                }
            }
        }
        // The ranking lists every option once; no option is beaten by one in its group or a
        // later group; and each option below the top is beaten by one in the group just above.
        let groups = result.ranking();
        let mut seen: Vec<usize> = groups.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(
            seen,
            (0..option_count).collect::<Vec<usize>>(),
            "case {case}: ranking is not a partition"
        );
        for (level, group) in groups.iter().enumerate() {
            for &member in group {
                for later in groups[level..].iter().flatten() {
                    assert!(
                        !beats(*later, member),
                        "case {case}: {later} beats {member} but is not ranked above it"
                    );
                }
                if level > 0 {
                    assert!(
                        groups[level - 1].iter().any(|&above| beats(above, member)),
                        "case {case}: group {level} too low"
                    );
                }
            }
        }
        assert_eq!(result.winners(), groups[0].as_slice());
        // Condorcet consistency, with the Condorcet winner computed here from d.
        let condorcet = (0..option_count).find(|&candidate| {
            (0..option_count)
                .all(|other| other == candidate || d[candidate][other] > d[other][candidate])
        });
        assert_eq!(result.condorcet_winner(), condorcet, "case {case}");
        if let Some(winner) = condorcet {
            assert_eq!(
                result.winners(),
                [winner],
                "case {case}: the Condorcet winner must be the only winner"
            );
            with_condorcet_winner += 1;
        }
        if result.winners().len() > 1 {
            with_tied_winners += 1;
        }
        // The order of the votes does not matter.
        rng.shuffle(&mut votes);
        let shuffled = tally(&ranking, &votes).expect("valid");
        assert_eq!(
            shuffled.counted(),
            &Counted::Ranking(result),
            "case {case}: depends on vote order"
        );
    }
    // The generator must exercise both kinds of case, or the checks above prove little.
    assert!(
        with_condorcet_winner > 100,
        "only {with_condorcet_winner} cases with a Condorcet winner"
    );
    assert!(
        with_tied_winners > 10,
        "only {with_tied_winners} cases with tied winners"
    );
}

#[test]
fn strict_complete_rankings_compare_every_pair_on_every_vote() {
    let mut rng = Rng::new(45);
    for case in 0..100 {
        let option_count = 2 + rng.below(6) as usize;
        let labels: Vec<String> = (0..option_count).map(|index| format!("O{index}")).collect();
        let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let votes: Vec<Vote> = (0..1 + rng.below(40))
            .map(|_| {
                let mut order = label_refs.clone();
                rng.shuffle(&mut order);
                Vote::ranking_in_order(&order)
            })
            .collect();
        let ranking = ballot(
            "r",
            Method::Ranking(Options::new(&label_refs).expect("options")),
            100,
        );
        let Counted::Ranking(result) = tally(&ranking, &votes).expect("valid").counted().clone()
        else {
            panic!("expected a ranking count")
        };
        for first in 0..option_count {
            for second in 0..option_count {
                if first != second {
                    let both = result.pairwise()[first][second] + result.pairwise()[second][first];
                    assert_eq!(both as usize, votes.len(), "case {case}");
                }
            }
        }
    }
}
