//! Runs the engine on one Pol.is openData folder (votes.csv, comments.csv, participants-votes.csv)
//! and prints the groups, timings and the adjusted Rand index against the exported groups:
//! `cargo run --release -p opinion --example polis_dataset -- <folder>`.

use opinion::opendata;
use std::time::Instant;

fn main() {
    let folder = std::env::args()
        .nth(1)
        .expect("usage: polis_dataset <folder>");
    let read = |name: &str| std::fs::read_to_string(format!("{folder}/{name}")).expect(name);
    let votes = opendata::parse_votes(&read("votes.csv")).expect("votes.csv");
    let comments = opendata::parse_comments(&read("comments.csv")).expect("comments.csv");
    let exported = opendata::parse_participants_votes(&read("participants-votes.csv"))
        .expect("participants-votes.csv");
    let start = Instant::now();
    let conversation = opendata::conversation(&votes, &comments);
    let built = start.elapsed();
    let analysis = opinion::analyse(
        &conversation,
        &opinion::Options::default(),
        None,
        &mut |_| {},
    );
    let total = start.elapsed();
    println!(
        "participants {} statements {} votes {}",
        conversation.n_participants(),
        conversation.n_statements(),
        conversation.n_votes()
    );
    println!("build {:?} total {:?}", built, total);
    for choice in &analysis.choices {
        println!(
            "  k={} silhouette={:?} sizes={:?}",
            choice.k, choice.silhouette, choice.sizes
        );
    }
    println!(
        "groups {:?}",
        analysis.groups.iter().map(|g| g.size).collect::<Vec<_>>()
    );
    let ours: std::collections::HashMap<u64, Option<usize>> = analysis
        .participants
        .iter()
        .map(|p| (p.id, p.group))
        .collect();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for row in &exported {
        if let (Some(theirs), Some(Some(mine))) = (row.group, ours.get(&row.participant)) {
            a.push(theirs);
            b.push(*mine as u64);
        }
    }
    println!(
        "ARI vs export on {} participants grouped by both: {:.3}",
        a.len(),
        opinion::compare::adjusted_rand_index(&a, &b)
    );
    for group in &analysis.groups {
        println!(
            "group {} size {} repr {:?}",
            group.id,
            group.size,
            group
                .representative
                .iter()
                .map(|r| (r.statement, r.repness.direction))
                .collect::<Vec<_>>()
        );
    }
    println!(
        "consensus agree {:?} disagree {:?}",
        analysis
            .consensus
            .agree
            .iter()
            .map(|c| c.statement)
            .collect::<Vec<_>>(),
        analysis
            .consensus
            .disagree
            .iter()
            .map(|c| c.statement)
            .collect::<Vec<_>>()
    );
    println!(
        "gac {:?}",
        analysis
            .group_informed_consensus
            .iter()
            .take(5)
            .map(|c| (c.statement, (c.value * 1000.0).round() / 1000.0))
            .collect::<Vec<_>>()
    );
}
