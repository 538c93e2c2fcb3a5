//! Planted opinion groups are recovered exactly: the number of groups and every member.

use crate::fixtures::{analyse, conversation, planted};
use opinion::compare::adjusted_rand_index;

#[track_caller]
fn check_recovered(sizes: &[usize], n_statements: usize, density: f64, agreement: f64, seed: u64) {
    let planted = planted(sizes, n_statements, density, agreement, seed);
    let analysis = analyse(&conversation(&planted.events));
    assert_eq!(
        analysis.groups.len(),
        sizes.len(),
        "number of groups; choices: {:?}",
        analysis.choices
    );
    let mut planted_labels = Vec::new();
    let mut found_labels = Vec::new();
    for (participant, group) in &planted.group_of {
        let placement = analysis
            .participants
            .iter()
            .find(|p| p.id == *participant)
            .expect("every participant voted");
        planted_labels.push(*group as u64);
        found_labels.push(placement.group.expect("everyone has enough votes") as u64);
    }
    assert_eq!(adjusted_rand_index(&planted_labels, &found_labels), 1.0);
    let mut sizes_found: Vec<usize> = analysis.groups.iter().map(|g| g.size).collect();
    let mut sizes_planted = sizes.to_vec();
    sizes_found.sort_unstable();
    sizes_planted.sort_unstable();
    assert_eq!(sizes_found, sizes_planted);
}

#[test]
fn a_planted_two_group_conversation_is_recovered_exactly() {
    check_recovered(&[140, 60], 30, 0.6, 0.9, 1);
}

#[test]
fn a_planted_four_group_conversation_is_recovered_exactly() {
    check_recovered(&[90, 70, 60, 40], 40, 0.7, 0.9, 2);
}

#[test]
fn noisy_planted_groups_are_recovered_up_to_a_few_participants() {
    // 15% of votes against one's group: a few participants really sit with the other group.
    for seed in 30..34 {
        let planted = planted(&[120, 80], 40, 0.5, 0.8, seed);
        let analysis = analyse(&conversation(&planted.events));
        assert_eq!(
            analysis.groups.len(),
            2,
            "seed {seed}: {:?}",
            analysis.choices
        );
        let (a, b): (Vec<u64>, Vec<u64>) = planted
            .group_of
            .iter()
            .filter_map(|(p, g)| {
                let found = analysis.participants.iter().find(|q| q.id == *p)?.group?;
                Some((*g as u64, found as u64))
            })
            .unzip();
        let ari = adjusted_rand_index(&a, &b);
        assert!(ari > 0.9, "seed {seed}: ARI {ari}");
    }
}

#[test]
fn planted_groups_are_recovered_with_sparse_votes_across_seeds() {
    for seed in 10..16 {
        check_recovered(&[120, 80], 60, 0.3, 0.95, seed);
    }
}

#[test]
fn representative_statements_of_a_planted_group_are_those_it_agrees_with_alone() {
    let planted = planted(&[140, 60], 30, 0.6, 0.85, 3);
    let analysis = analyse(&conversation(&planted.events));
    for group in &analysis.groups {
        assert!(!group.representative.is_empty());
        // Which planted group is it? The one of its first member.
        let member = analysis
            .participants
            .iter()
            .find(|p| p.group == Some(group.id))
            .unwrap();
        let planted_group = planted.group_of[member.id as usize].1;
        for r in &group.representative {
            assert!(r.repness.significant);
            let stance = crate::fixtures::stance(2, planted_group, r.statement as usize);
            let expected = if stance > 0 {
                opinion::stats::Direction::Agree
            } else {
                opinion::stats::Direction::Disagree
            };
            assert_eq!(r.repness.direction, expected, "statement {}", r.statement);
        }
    }
    // Every statement splits the two groups: the plain consensus may list statements the larger
    // group agrees with (a majority), but no statement has group-informed consensus above 1/2.
    assert!(
        analysis
            .group_informed_consensus
            .iter()
            .all(|c| c.value < 0.5)
    );
}

#[test]
fn a_conversation_with_one_opinion_gives_no_degenerate_groups() {
    // Everybody agrees with everything (apart from noise): any split would be arbitrary, and a
    // split off a handful of noisy participants is refused by the minimum group size.
    let planted = planted(&[200], 20, 0.8, 0.97, 4);
    let analysis = analyse(&conversation(&planted.events));
    let clustered = analysis
        .participants
        .iter()
        .filter(|p| p.group.is_some())
        .count();
    let smallest = analysis.groups.iter().map(|g| g.size).min().unwrap();
    assert!(
        smallest * 20 >= clustered,
        "smallest group {smallest} of {clustered}"
    );
    assert!(!analysis.consensus.agree.is_empty());
}
