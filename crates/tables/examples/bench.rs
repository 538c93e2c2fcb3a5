//! Benchmark of table allocation against random seating, printed as the Markdown table of
//! `BENCHMARKS.md`.
//!
//! Run with `cargo run --release -p tables --example bench [members] [seats per table] [sessions] [seeds] [effort] [meeting weight]`
//! (defaults: 150 members, tables of 7, 7 sessions, 20 seeds, the default effort).
//! Each seed draws a new synthetic assembly (5 features) and allocates it three ways: the full
//! optimiser, its greedy start alone, and uniformly random seating.

use std::time::{Duration, Instant};

use tables::{Measures, Request, TableLayout};

#[derive(Default)]
struct Totals {
    distinct_pairs: f64,
    repeated_meetings: f64,
    diversity_mean: f64,
    diversity_min: f64,
    time: Duration,
    runs: u32,
}

impl Totals {
    fn add(&mut self, measures: &Measures, time: Duration) {
        self.distinct_pairs += measures.distinct_pairs as f64;
        self.repeated_meetings += measures.repeated_meetings as f64;
        self.diversity_mean += measures.diversity_mean;
        self.diversity_min += measures.diversity_min;
        self.time += time;
        self.runs += 1;
    }

    fn row(&self, name: &str, max_pairs: usize) -> String {
        let runs = f64::from(self.runs);
        format!(
            "| {name} | {:.1} of {max_pairs} | {:.1} | {:.3} | {:.3} | {:.1} ms |",
            self.distinct_pairs / runs,
            self.repeated_meetings / runs,
            self.diversity_mean / runs,
            self.diversity_min / runs,
            self.time.as_secs_f64() * 1000.0 / runs,
        )
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse().expect("numeric arguments"))
        .collect();
    let arg = |index: usize, default: usize| args.get(index).copied().unwrap_or(default);
    let (members, seats, sessions, seeds) = (arg(0, 150), arg(1, 7), arg(2, 7), arg(3, 20) as u64);
    let effort = arg(4, tables::DEFAULT_EFFORT as usize) as u32;
    let meeting_weight = arg(5, tables::Weights::default().meetings as usize) as u32;

    let mut optimised = Totals::default();
    let mut greedy = Totals::default();
    let mut random = Totals::default();
    let mut max_pairs = 0;
    for seed in 1..=seeds {
        let (features, people) = tables::synthetic::assembly(members, seed);
        let mut request = Request::new(
            features,
            people,
            sessions,
            TableLayout::SeatsPerTable(seats),
        );
        request.effort = effort;
        request.weights.meetings = meeting_weight;

        let start = Instant::now();
        let allocation = tables::allocate(&request, seed).expect("allocation succeeds");
        let elapsed = start.elapsed();
        let measures = allocation.measures();
        max_pairs = measures.max_distinct_pairs;
        optimised.add(&measures, elapsed);

        let mut greedy_request = request.clone();
        greedy_request.effort = 0;
        let start = Instant::now();
        let greedy_only =
            tables::allocate(&greedy_request, seed).expect("greedy allocation succeeds");
        let elapsed = start.elapsed();
        greedy.add(&greedy_only.measures(), elapsed);

        let start = Instant::now();
        let baseline =
            tables::random_allocation(&request, seed).expect("random allocation succeeds");
        let elapsed = start.elapsed();
        random.add(&baseline.measures(), elapsed);
    }
    println!(
        "{members} members, tables of at most {seats}, {sessions} sessions, mean over {seeds} seeds (effort {effort}, meeting weight {meeting_weight}):"
    );
    println!();
    println!(
        "| allocation | distinct pairs met | repeated meetings | table diversity (mean) | table diversity (min) | time |"
    );
    println!("|---|---|---|---|---|---|");
    println!("{}", optimised.row("`tables::allocate`", max_pairs));
    println!("{}", greedy.row("greedy start only (effort 0)", max_pairs));
    println!("{}", random.row("random", max_pairs));
}
