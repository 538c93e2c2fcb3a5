//! Times the engine alone on a people/features pair (no process start, no output files):
//! `cargo run --release -p selection --example solve -- PEOPLE FEATURES K [ID_COLUMN] [HOUSEHOLD_COLUMNS] [leximin|maximin]`.
//! Prints the wall time, the number of progress reports per phase and the distribution's size; with
//! `SOLVE_DISTRIBUTION=FILE`, also writes the distribution file (`Distribution::to_csv`, probabilities in
//! round-trip form), so that two builds of the engine can be compared bit for bit.

use selection::model::{Instance, parse_features, parse_people};
use selection::{Algorithm, Phase, Settings, find_distribution};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        return Err(
            "usage: solve PEOPLE FEATURES K [ID_COLUMN] [HOUSEHOLD_COLUMNS] [leximin|maximin]"
                .into(),
        );
    }
    let k: usize = args[3].parse()?;
    let id_column = args.get(4).map(String::as_str).unwrap_or("id");
    let households: Vec<String> = args
        .get(5)
        .filter(|s| !s.is_empty())
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let algorithm = match args.get(6).map(String::as_str) {
        Some("maximin") => Algorithm::Maximin,
        _ => Algorithm::Leximin,
    };
    let features = parse_features("features", &std::fs::read_to_string(&args[2])?, k)?;
    let table = parse_people(
        "people",
        &std::fs::read_to_string(&args[1])?,
        &features,
        id_column,
        &households,
    )?;
    let instance = Instance::new(features, table.people, k, Vec::new())?;
    let started = std::time::Instant::now();
    let mut reports = 0usize;
    let mut stages = 0usize;
    // With SOLVE_GAPS=1, prints every stretch of more than half a second without a progress report (where a cancel
    // would wait).
    let gaps = std::env::var("SOLVE_GAPS").is_ok();
    // With SOLVE_STEPS=1, prints the time at which each step of the algorithm (coverage, relaxation levels, face
    // walk, ...) begins.
    let steps = std::env::var("SOLVE_STEPS").is_ok();
    let mut activity = None;
    let mut last = started;
    let mut longest = std::time::Duration::ZERO;
    let distribution = find_distribution(
        &instance,
        &Settings {
            algorithm,
            lottery_panels: None,
        },
        &mut |progress| {
            let gap = last.elapsed();
            longest = longest.max(gap);
            if gaps && gap.as_secs_f64() > 0.5 {
                eprintln!(
                    "{:8.2} s: {:.2} s without a report, then {:?} panels {}",
                    started.elapsed().as_secs_f64(),
                    gap.as_secs_f64(),
                    progress.phase,
                    progress.panels
                );
            }
            if steps && activity != Some(progress.activity) {
                eprintln!(
                    "{:8.2} s: {:?} begins",
                    started.elapsed().as_secs_f64(),
                    progress.activity
                );
                activity = Some(progress.activity);
            }
            last = std::time::Instant::now();
            reports += 1;
            if let Phase::Stage(stage) = progress.phase {
                stages = stages.max(stage);
            }
        },
    )?;
    let elapsed = started.elapsed();
    if let Ok(path) = std::env::var("SOLVE_DISTRIBUTION") {
        std::fs::write(path, distribution.to_csv(&instance))?;
    }
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|u| u.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
    print!("cpu {:.2} s  ", ticks / 100.0);
    let probabilities = distribution.probabilities(&instance);
    let min = probabilities.iter().copied().fold(f64::INFINITY, f64::min);
    let max = probabilities.iter().copied().fold(0.0, f64::max);
    println!(
        "{:.3} s  profiles {}  way {}  stages {}  reports {} (longest gap {:.2} s)  panels {}  min {:.9}  max {:.9}",
        elapsed.as_secs_f64(),
        distribution.profiles.len(),
        distribution.way,
        stages,
        reports,
        longest.as_secs_f64(),
        distribution.panels.len(),
        min,
        max
    );
    Ok(())
}
