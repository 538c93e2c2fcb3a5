//! A synthetic sparse conversation at scale, for the benchmarks: N participants in four planted
//! opinion groups, M statements, each participant voting on a uniform 5 to 60 statements; the batch
//! analysis, then an incremental update after 1,000 more votes.
//! `cargo run --release -p opinion --example synthetic -- <participants> <statements> [seed]`.

use opinion::{Conversation, Options, Vote, analyse};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use std::time::Instant;

/// CPU time of this thread in seconds (Linux), to report figures that do not depend on how busy
/// the machine's other cores are.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e9)
}

fn below(rng: &mut ChaCha20Rng, bound: u64) -> u64 {
    rng.next_u64() % bound
}

/// Group g's vote on statement s: each group agrees with a statement with probability 0.8 if the
/// statement's "side" for that group is +, 0.2 otherwise (2×2 design over statements), 10% passes.
fn vote(rng: &mut ChaCha20Rng, group: u64, statement: u64) -> Vote {
    let side = if statement.is_multiple_of(2) {
        group / 2
    } else {
        group % 2
    };
    let roll = below(rng, 100);
    if roll < 10 {
        Vote::Pass
    } else if (roll < 82) == (side == 0) {
        Vote::Agree
    } else {
        Vote::Disagree
    }
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a whole number"))
        .collect();
    let (n, m) = (args[0], args[1]);
    let seed = args.get(2).copied().unwrap_or(1);
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut conversation = Conversation::new();
    let mut chosen = Vec::new();
    for participant in 0..n {
        let group = participant % 4;
        let r = 5 + below(&mut rng, 56);
        chosen.clear();
        while (chosen.len() as u64) < r.min(m) {
            let statement = below(&mut rng, m);
            if !chosen.contains(&statement) {
                chosen.push(statement);
            }
        }
        for &statement in &chosen {
            let v = vote(&mut rng, group, statement);
            conversation.vote(participant, statement, v);
        }
    }
    let built = start.elapsed();
    println!(
        "built {} participants x {} statements, {} votes in {:.2} s wall, {:.2} s CPU (generation, votes and sums)",
        conversation.n_participants(),
        conversation.n_statements(),
        conversation.n_votes(),
        built.as_secs_f64(),
        cpu_seconds() - cpu_start
    );
    let options = Options::default();
    let t = Instant::now();
    let cpu = cpu_seconds();
    let mut last = Instant::now();
    let batch = analyse(&conversation, &options, None, &mut |stage| {
        eprintln!("  {:>7.3} s  {stage:?}", last.elapsed().as_secs_f64());
        last = Instant::now();
    });
    println!(
        "batch analysis {:.2} s wall, {:.2} s CPU; groups {:?}; clustered {}",
        t.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        batch.groups.iter().map(|g| g.size).collect::<Vec<_>>(),
        batch
            .participants
            .iter()
            .filter(|p| p.group.is_some())
            .count()
    );
    let (planted, found): (Vec<u64>, Vec<u64>) = batch
        .participants
        .iter()
        .filter_map(|p| p.group.map(|g| (p.id % 4, g as u64)))
        .unzip();
    println!(
        "ARI against the planted groups: {:.4}",
        opinion::compare::adjusted_rand_index(&planted, &found)
    );
    println!(
        "total (build + batch) {:.2} s wall, {:.2} s CPU",
        start.elapsed().as_secs_f64(),
        cpu_seconds() - cpu_start
    );

    // 1,000 new votes: 900 by existing participants, 100 by 20 new participants.
    let t = Instant::now();
    let cpu = cpu_seconds();
    for k in 0..1000u64 {
        let participant = if k < 900 {
            below(&mut rng, n)
        } else {
            n + (k - 900) / 5
        };
        let statement = below(&mut rng, m);
        let v = vote(&mut rng, participant % 4, statement);
        conversation.vote(participant, statement, v);
    }
    let added = t.elapsed();
    let t = Instant::now();
    let mut last = Instant::now();
    let incremental = analyse(&conversation, &options, Some(&batch), &mut |stage| {
        eprintln!("  {:>7.3} s  {stage:?}", last.elapsed().as_secs_f64());
        last = Instant::now();
    });
    let analysed = t.elapsed();
    println!(
        "incremental: 1,000 votes added in {:.4} s, analysis {:.2} s, total {:.2} s wall, {:.2} s CPU; groups {:?}",
        added.as_secs_f64(),
        analysed.as_secs_f64(),
        (added + analysed).as_secs_f64(),
        cpu_seconds() - cpu,
        incremental
            .groups
            .iter()
            .map(|g| g.size)
            .collect::<Vec<_>>()
    );

    // The batch analysis of the same final votes, to compare with the incremental one.
    let t = Instant::now();
    let batch_after = analyse(&conversation, &options, None, &mut |_| {});
    let same_positions = batch_after
        .participants
        .iter()
        .zip(&incremental.participants)
        .all(|(a, b)| a.position == b.position);
    let (a, b): (Vec<u64>, Vec<u64>) = batch_after
        .participants
        .iter()
        .zip(&incremental.participants)
        .map(|(a, b)| {
            (
                a.group.map_or(u64::MAX, |g| g as u64),
                b.group.map_or(u64::MAX, |g| g as u64),
            )
        })
        .unzip();
    // Participants whose group differs once each incremental group is matched to the batch group
    // most of its members are in.
    let mut votes = std::collections::HashMap::new();
    for (x, y) in a.iter().zip(&b) {
        *votes.entry((*y, *x)).or_insert(0usize) += 1;
    }
    let mut best: std::collections::HashMap<u64, (usize, u64)> = std::collections::HashMap::new();
    for (&(y, x), &count) in &votes {
        let entry = best.entry(y).or_insert((0, x));
        if count > entry.0 || (count == entry.0 && x < entry.1) {
            *entry = (count, x);
        }
    }
    let differing = a.iter().zip(&b).filter(|(x, y)| best[*y].1 != **x).count();
    println!(
        "batch on the same final votes: {:.2} s; positions identical to the incremental run: {}; \
         consensus identical: {}; groups {:?}; ARI incremental vs batch {:.4} ({} participants in a different group)",
        t.elapsed().as_secs_f64(),
        same_positions,
        batch_after.consensus == incremental.consensus,
        batch_after
            .groups
            .iter()
            .map(|g| g.size)
            .collect::<Vec<_>>(),
        opinion::compare::adjusted_rand_index(&a, &b),
        differing
    );
}
