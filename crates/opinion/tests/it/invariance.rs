//! Relabelling or reordering participants and statements changes nothing but the labels:
//! property tests over random planted conversations (2 or 4 groups, random sizes, density and
//! noise), each drawn from a ChaCha20 seed.

use crate::fixtures::{Event, analyse, conversation, planted, uniform};
use opinion::Analysis;
use opinion::compare::adjusted_rand_index;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use std::collections::BTreeSet;

const CASES: u64 = 12;

fn random_events(case: u64) -> Vec<Event> {
    let mut rng = ChaCha20Rng::seed_from_u64(1000 + case);
    let n_groups = if rng.next_u64() % 2 == 0 { 2 } else { 4 };
    let sizes: Vec<usize> = (0..n_groups)
        .map(|_| 30 + (rng.next_u64() % 70) as usize)
        .collect();
    let density = 0.3 + 0.5 * uniform(&mut rng);
    let agreement = 0.7 + 0.25 * uniform(&mut rng);
    planted(
        &sizes,
        20 + (rng.next_u64() % 30) as usize,
        density,
        agreement,
        case,
    )
    .events
}

/// A random bijection of ids onto large scattered ids.
fn relabel(ids: &BTreeSet<u64>, rng: &mut ChaCha20Rng) -> Vec<(u64, u64)> {
    let mut new: Vec<u64> = ids.iter().map(|&id| id * 7919 + 13).collect();
    for index in (1..new.len()).rev() {
        let other = (rng.next_u64() % (index as u64 + 1)) as usize;
        new.swap(index, other);
    }
    ids.iter().copied().zip(new).collect()
}

fn position(analysis: &Analysis, id: u64) -> [f64; 2] {
    analysis
        .participants
        .iter()
        .find(|p| p.id == id)
        .unwrap()
        .position
        .unwrap()
}

#[test]
fn relabelling_and_reordering_participants_and_statements_changes_only_labels() {
    for case in 0..CASES {
        let events = random_events(case);
        let mut rng = ChaCha20Rng::seed_from_u64(case);
        let participants: BTreeSet<u64> = events.iter().map(|e| e.participant).collect();
        let statements: BTreeSet<u64> = events.iter().map(|e| e.statement).collect();
        let p_map: std::collections::HashMap<u64, u64> =
            relabel(&participants, &mut rng).into_iter().collect();
        let s_map: std::collections::HashMap<u64, u64> =
            relabel(&statements, &mut rng).into_iter().collect();
        // New ids, and the events in another order (each participant's own votes keep their
        // relative order, so the latest vote is unchanged: here every cell is voted once).
        let mut moved: Vec<Event> = events
            .iter()
            .map(|e| Event {
                participant: p_map[&e.participant],
                statement: s_map[&e.statement],
                vote: e.vote,
            })
            .collect();
        for index in (1..moved.len()).rev() {
            let other = (rng.next_u64() % (index as u64 + 1)) as usize;
            moved.swap(index, other);
        }
        let original = analyse(&conversation(&events));
        let changed = analyse(&conversation(&moved));

        assert_eq!(original.groups.len(), changed.groups.len(), "case {case}");
        let mut a = Vec::new();
        let mut b = Vec::new();
        for p in &original.participants {
            let q = changed
                .participants
                .iter()
                .find(|q| q.id == p_map[&p.id])
                .unwrap();
            a.push(p.group.map_or(u64::MAX, |g| g as u64));
            b.push(q.group.map_or(u64::MAX, |g| g as u64));
            let (x, y) = (position(&original, p.id), position(&changed, q.id));
            assert!(
                (x[0] - y[0]).abs() < 1e-9 && (x[1] - y[1]).abs() < 1e-9,
                "case {case}: participant {} moved from {x:?} to {y:?}",
                p.id
            );
        }
        assert_eq!(adjusted_rand_index(&a, &b), 1.0, "case {case}");
        let mapped = |list: &[opinion::analysis::ConsensusStatement]| -> Vec<u64> {
            list.iter().map(|c| s_map[&c.statement]).collect()
        };
        let ids = |list: &[opinion::analysis::ConsensusStatement]| -> Vec<u64> {
            list.iter().map(|c| c.statement).collect()
        };
        assert_eq!(
            mapped(&original.consensus.agree),
            ids(&changed.consensus.agree)
        );
        assert_eq!(
            mapped(&original.consensus.disagree),
            ids(&changed.consensus.disagree)
        );
        // Groups match by size order; same representative statements in the same order.
        for (g, h) in original.groups.iter().zip(&changed.groups) {
            assert_eq!(g.size, h.size, "case {case}");
            let mine: Vec<u64> = g
                .representative
                .iter()
                .map(|r| s_map[&r.statement])
                .collect();
            let theirs: Vec<u64> = h.representative.iter().map(|r| r.statement).collect();
            assert_eq!(mine, theirs, "case {case}, group {}", g.id);
        }
        let top = |a: &Analysis, map: bool| -> Vec<u64> {
            a.group_informed_consensus
                .iter()
                .take(5)
                .map(|c| {
                    if map {
                        s_map[&c.statement]
                    } else {
                        c.statement
                    }
                })
                .collect()
        };
        assert_eq!(top(&original, true), top(&changed, false), "case {case}");
    }
}

#[test]
fn the_same_votes_always_give_the_same_analysis() {
    for case in 0..4 {
        let events = random_events(case);
        assert_eq!(
            analyse(&conversation(&events)),
            analyse(&conversation(&events))
        );
    }
}
