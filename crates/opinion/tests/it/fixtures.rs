//! Generators of conversations with planted opinion groups, from a ChaCha20-seeded stream so every
//! test instance is reproducible.

use opinion::{Conversation, Vote};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

/// A uniform draw in [0, 1).
pub fn uniform(rng: &mut ChaCha20Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// One vote event of a generated conversation.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub participant: u64,
    pub statement: u64,
    pub vote: Vote,
}

/// A planted conversation: who is in which group, and the vote events in time order.
pub struct Planted {
    pub group_of: Vec<(u64, usize)>,
    pub events: Vec<Event>,
}

/// Each group's stance on each statement: +1 (agrees with probability `agreement`) or -1.
/// With 4 groups, stances follow a 2×2 design (half the statements split groups {0,1} from {2,3},
/// the other half {0,2} from {1,3}), so the four groups sit on the corners of a square in the plane
/// of the first two components; with 2 groups every statement splits them.
pub fn stance(n_groups: usize, group: usize, statement: usize) -> i32 {
    match n_groups {
        1 => 1,
        2 => {
            if (group == 0) != statement.is_multiple_of(3) {
                1
            } else {
                -1
            }
        }
        4 => {
            let bit = if statement.is_multiple_of(2) {
                group / 2
            } else {
                group % 2
            };
            if bit == 0 { 1 } else { -1 }
        }
        _ => panic!("planted conversations have 1, 2 or 4 groups"),
    }
}

/// Generates a planted conversation: `sizes[g]` participants in group g, `n_statements`
/// statements, each participant voting on each statement with probability `density`, in the
/// group's direction with probability `agreement`, passing with probability 0.05.
pub fn planted(
    sizes: &[usize],
    n_statements: usize,
    density: f64,
    agreement: f64,
    seed: u64,
) -> Planted {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut group_of = Vec::new();
    let mut events = Vec::new();
    let mut participant = 0u64;
    for (group, &size) in sizes.iter().enumerate() {
        for _ in 0..size {
            group_of.push((participant, group));
            for statement in 0..n_statements {
                if uniform(&mut rng) >= density {
                    continue;
                }
                let roll = uniform(&mut rng);
                let direction = stance(sizes.len(), group, statement);
                let vote = if roll < 0.05 {
                    Vote::Pass
                } else if roll < 0.05 + agreement * 0.95 {
                    if direction > 0 {
                        Vote::Agree
                    } else {
                        Vote::Disagree
                    }
                } else if direction > 0 {
                    Vote::Disagree
                } else {
                    Vote::Agree
                };
                events.push(Event {
                    participant,
                    statement: statement as u64,
                    vote,
                });
            }
            participant += 1;
        }
    }
    // Interleave participants in time: a deterministic shuffle of the events.
    for index in (1..events.len()).rev() {
        let other = (rng.next_u64() % (index as u64 + 1)) as usize;
        events.swap(index, other);
    }
    Planted { group_of, events }
}

/// A conversation from events.
pub fn conversation(events: &[Event]) -> Conversation {
    let mut conversation = Conversation::new();
    for event in events {
        conversation.vote(event.participant, event.statement, event.vote);
    }
    conversation
}

/// Runs the default analysis.
pub fn analyse(conversation: &Conversation) -> opinion::Analysis {
    opinion::analyse(
        conversation,
        &opinion::Options::default(),
        None,
        &mut |_| {},
    )
}
