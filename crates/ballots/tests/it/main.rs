//! Integration tests of the `ballots` crate: one test binary with one module per method or
//! feature.
//!
//! `schulze` checks the Schulze count against worked examples with published answers and
//! against brute force on random ballots; `yes_no`, `agreement` and `approval` check the other
//! methods and their results text; `paper` checks double entry of paper ballots; `sequence`
//! checks sequential ballots.
//! Random inputs come from [`Rng`], a tiny deterministic generator, so every run sees the same
//! cases.

mod agreement;
mod approval;
mod paper;
mod schulze;
mod sequence;
mod yes_no;

use ballots::{Ballot, BallotSpec, Method, Vote, Wording};

/// SplitMix64: a small deterministic pseudo-random generator, enough for test inputs.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// A number in `0..bound` (bound > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    /// Shuffles a slice (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for index in (1..items.len()).rev() {
            let other = self.below(index as u64 + 1) as usize;
            items.swap(index, other);
        }
    }
}

/// A ballot with a fixed wording and no quorum or precondition.
pub fn ballot(id: &str, method: Method, eligible_members: u32) -> Ballot {
    Ballot::new(BallotSpec {
        id: id.to_owned(),
        wording: Wording::Fixed(format!("Question of ballot {id}")),
        method,
        eligible_members,
        quorum: None,
        opens_after: None,
    })
    .expect("valid test ballot")
}

/// Parses ranked votes, one group of identical votes per line: `COUNT ORDER`, where ORDER lists
/// options best first separated by `>`, with `=` between options ranked equal (`5 A>C=B>E`);
/// options left out are unranked, and `-` is a blank vote.
pub fn parse_rankings(text: &str) -> Vec<Vote> {
    let mut votes = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let (count, order) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("bad line {line:?}"));
        let count: usize = count
            .parse()
            .unwrap_or_else(|_| panic!("bad count in {line:?}"));
        let groups: Vec<Vec<&str>> = if order == "-" {
            Vec::new()
        } else {
            order
                .split('>')
                .map(|group| group.split('=').collect())
                .collect()
        };
        let borrowed: Vec<&[&str]> = groups.iter().map(Vec::as_slice).collect();
        for _ in 0..count {
            votes.push(Vote::ranking_from_groups(&borrowed));
        }
    }
    votes
}
