//! The incremental update against the batch run on the same votes.
//!
//! Documented contract (docs/opinion.md, "Incremental update"): the sums, the components, every
//! position, the consensus and the group-informed consensus are those of the batch run; only the
//! base clusters are warm-started from the previous centres, so they (and through them the groups)
//! may differ where k-means has several local optima. On these conversations they do not.

use crate::fixtures::{Event, analyse, conversation, planted};
use opinion::compare::adjusted_rand_index;
use opinion::{Analysis, Options};

fn groups_of(analysis: &Analysis) -> Vec<u64> {
    analysis
        .participants
        .iter()
        .map(|p| p.group.map_or(u64::MAX, |g| g as u64))
        .collect()
}

#[track_caller]
fn check_incremental_equals_batch(events: &[Event], first: usize) {
    let mut live = conversation(&events[..first]);
    let earlier = analyse(&live);
    for event in &events[first..] {
        live.vote(event.participant, event.statement, event.vote);
    }
    let incremental = opinion::analyse(&live, &Options::default(), Some(&earlier), &mut |_| {});
    let batch = analyse(&conversation(events));

    assert_eq!(incremental.eigenvalues, batch.eigenvalues);
    assert_eq!(incremental.axes, batch.axes);
    assert_eq!(incremental.participants.len(), batch.participants.len());
    for (a, b) in incremental.participants.iter().zip(&batch.participants) {
        assert_eq!((a.id, a.position, a.n_votes), (b.id, b.position, b.n_votes));
    }
    assert_eq!(incremental.consensus, batch.consensus);
    assert_eq!(incremental.groups.len(), batch.groups.len());
    assert_eq!(
        adjusted_rand_index(&groups_of(&incremental), &groups_of(&batch)),
        1.0
    );
    assert_eq!(incremental.groups, batch.groups);
    assert_eq!(
        incremental.group_informed_consensus,
        batch.group_informed_consensus
    );
    assert_eq!(incremental.statements, batch.statements);
}

#[test]
fn incremental_update_equals_batch_on_a_planted_two_group_conversation() {
    let planted = planted(&[140, 60], 30, 0.6, 0.85, 21);
    let first = planted.events.len() * 9 / 10;
    check_incremental_equals_batch(&planted.events, first);
}

#[test]
fn incremental_update_equals_batch_on_a_planted_four_group_conversation() {
    let planted = planted(&[90, 70, 60, 40], 40, 0.7, 0.85, 22);
    let first = planted.events.len() - 300;
    check_incremental_equals_batch(&planted.events, first);
}

#[test]
fn changed_votes_give_the_same_result_as_the_final_votes_alone() {
    // Every participant first votes the opposite way on statement 0, then changes their mind.
    let planted = planted(&[140, 60], 30, 0.6, 0.85, 23);
    let mut with_changes: Vec<Event> = planted
        .events
        .iter()
        .filter(|e| e.statement == 0)
        .map(|e| Event {
            vote: match e.vote {
                opinion::Vote::Agree => opinion::Vote::Disagree,
                opinion::Vote::Disagree => opinion::Vote::Pass,
                opinion::Vote::Pass => opinion::Vote::Agree,
            },
            ..*e
        })
        .collect();
    with_changes.extend(planted.events.iter().copied());
    let changed = analyse(&conversation(&with_changes));
    let direct = analyse(&conversation(&planted.events));
    assert_eq!(changed.eigenvalues, direct.eigenvalues);
    assert_eq!(changed.consensus, direct.consensus);
    assert_eq!(changed.groups, direct.groups);
    assert_eq!(changed.statements, direct.statements);
}

#[test]
fn moderating_a_statement_out_later_equals_moderating_it_out_from_the_start() {
    let planted = planted(&[140, 60], 30, 0.6, 0.85, 24);
    let mut later = conversation(&planted.events);
    let before = analyse(&later);
    later.set_statement(4, opinion::Moderation::ModeratedOut);
    let mut from_start = opinion::Conversation::new();
    from_start.set_statement(4, opinion::Moderation::ModeratedOut);
    for event in &planted.events {
        from_start.vote(event.participant, event.statement, event.vote);
    }
    let a = opinion::analyse(&later, &Options::default(), Some(&before), &mut |_| {});
    let b = analyse(&from_start);
    assert_eq!(a.eigenvalues, b.eigenvalues);
    assert_eq!(a.consensus, b.consensus);
    assert_eq!(a.statements, b.statements);
    assert!(a.axes.iter().all(|(id, _)| *id != 4));
    assert!(
        a.groups
            .iter()
            .all(|g| g.representative.iter().all(|r| r.statement != 4))
    );
}
