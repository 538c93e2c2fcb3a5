//! What the public sees of a selection: every final and replacement run from its commitment on (its inputs, the
//! distribution, the commitment that covers both, and the announced seed source before the draw; the seed, the
//! panel by public ids and the composition after it), the replacement history by public ids, and the commands that
//! verify it all. A run committed before version 2 published its distribution after the draw.
//! Aggregates and public ids only, never a person.

use std::collections::BTreeMap;

use domain::selection::{RunKind, RunStatus};
use store::AnyConnection;
use store::selection::RunRow;

use super::job::{RunSummary, summary_of};
use super::pool::{HOUSEHOLD_COLUMN, household_columns};
use super::runs::runs_seen;
use crate::{Error, Result};

/// Whether the public sees a run: every final and replacement run once committed, and for ever once its seed is
/// known, however it ended (a drawn run that failed or was interrupted stays on the public page). A run being
/// prepared (its distribution not yet computed, so no commitment) is not public yet, nor is one whose preparation
/// failed or was cancelled: nothing of it was published.
pub fn is_public(run: &RunRow) -> bool {
    run.kind.is_public()
        && ((matches!(
            run.status,
            RunStatus::Committed | RunStatus::Running | RunStatus::Done
        ) && !run.commitment.is_empty())
            || !run.seed.is_empty())
}

/// The runs of an assembly that the public may see, as they stand at `now`, oldest first.
pub async fn public_runs(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<Vec<RunRow>> {
    let mut runs: Vec<RunRow> = runs_seen(conn, assembly_id, now)
        .await?
        .into_iter()
        .filter(is_public)
        .collect();
    runs.reverse();
    Ok(runs)
}

/// One replacement by public ids: the drop-out's id in the run that drew them, the newcomer's in theirs (`None`
/// where the person has no public id on a drawn run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReplacement {
    /// The drop-out.
    pub dropped: Option<String>,
    /// The newcomer.
    pub replacement: Option<String>,
    /// The replacement run.
    pub run_id: i64,
}

/// The public selection page of an assembly.
#[derive(Debug, Clone)]
pub struct PublicSelection {
    /// The assembly's title.
    pub title: String,
    /// Its public runs, oldest first.
    pub runs: Vec<RunRow>,
    /// The replacement history by public ids.
    pub history: Vec<PublicReplacement>,
}

/// Reads the public selection page of an assembly at `now` (404 for an unknown assembly).
pub async fn public_selection(
    conn: &mut AnyConnection,
    assembly_id: i64,
    now: i64,
) -> Result<PublicSelection> {
    let title = store::assemblies::get_assembly(&mut *conn, assembly_id)
        .await?
        .title;
    let runs = public_runs(&mut *conn, assembly_id, now).await?;
    let rows = store::selection::replacements(&mut *conn, assembly_id).await?;
    let mut public_ids: BTreeMap<i64, String> = BTreeMap::new();
    for run in runs.iter().filter(|r| r.status == RunStatus::Done) {
        for person in store::selection::run_people(&mut *conn, run.id)
            .await?
            .into_iter()
            .filter(|p| p.selected && !p.already)
        {
            public_ids.insert(person.respondent_id, person.public_id);
        }
    }
    let history = rows
        .iter()
        .map(|row| PublicReplacement {
            dropped: public_ids.get(&row.dropped_respondent_id).cloned(),
            replacement: row
                .replacement_respondent_id
                .and_then(|id| public_ids.get(&id).cloned()),
            run_id: row.run_id,
        })
        .collect();
    Ok(PublicSelection {
        title,
        runs,
        history,
    })
}

/// The verify command for a run's published files.
pub fn verify_command(panel_size: i64, seed: &str) -> String {
    format!(
        "klero verify --people pool.csv --features features.csv --panel-size {panel_size} --seed '{}' --selected selected.csv",
        seed.replace('\'', "'\\''")
    )
}

/// The verify command of a run: with the household column if its pool has one, for a replacement run the people
/// it kept (`--already-selected`), and for a run committed with version 2 the committed distribution and the
/// commitment, which `klero verify` checks against each other.
pub fn run_verify_command(run: &RunRow) -> String {
    let mut command = verify_command(run.panel_size, &run.seed);
    if !household_columns(&run.pool_csv).is_empty() {
        command.push_str(&format!(" --household-columns {HOUSEHOLD_COLUMN}"));
    }
    if let Some(panels) = run.lottery_panels {
        command.push_str(&format!(" --lottery-panels {panels}"));
    }
    if run.kind == RunKind::Replacement {
        command.push_str(" --already-selected already-selected.csv");
    }
    if covers_distribution(run) {
        command.push_str(&format!(
            " --distribution distribution.csv --commitment {}",
            run.commitment
        ));
    }
    command
}

/// Whether the run's commitment covers its distribution (version 2), published with it before the seed.
pub fn covers_distribution(run: &RunRow) -> bool {
    run.commitment_version >= 2 && !run.distribution_csv.is_empty()
}

/// Lowercase hex SHA-256 of the run's distribution file as published (empty when there is none yet).
pub fn distribution_digest(run: &RunRow) -> String {
    if run.distribution_csv.is_empty() {
        return String::new();
    }
    ::selection::sample::distribution_digest(run.distribution_csv.as_bytes())
}

/// The command that lists a lottery's numbered panels from the published files, before the seed is known, for a run
/// committed before version 2 (empty without a lottery, and for a version 2 run, whose distribution file lists them).
pub fn precompute_command(run: &RunRow) -> String {
    let Some(panels) = run.lottery_panels else {
        return String::new();
    };
    if covers_distribution(run) {
        return String::new();
    }
    let mut command = format!(
        "klero select --people pool.csv --features features.csv --panel-size {} --lottery-panels {panels}",
        run.panel_size
    );
    if !household_columns(&run.pool_csv).is_empty() {
        command.push_str(&format!(" --household-columns {HOUSEHOLD_COLUMN}"));
    }
    command.push_str(" --seed any --distribution distribution.csv");
    command
}

/// A published file of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Published {
    /// A CSV file (`pool.csv`, `features.csv`, `already-selected.csv`, `selected.csv`, `distribution.csv`).
    Csv(String),
    /// A text file (`seed.txt`).
    Text(String),
    /// The composition of the drawn panel (`composition.svg`, drawn by the caller).
    Composition(RunSummary),
}

/// A published file of a public run: `pool.csv`, `features.csv` and (version 2) `distribution.csv` from the
/// commitment on (and `already-selected.csv` for a replacement run), `seed.txt` once the seed is known,
/// `selected.csv`, `composition.svg` and a version 1 run's `distribution.csv` after the draw. Anything else is 404.
pub async fn published_file(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
    file: &str,
    now: i64,
) -> Result<Published> {
    let run = public_runs(&mut *conn, assembly_id, now)
        .await?
        .into_iter()
        .find(|r| r.id == run_id)
        .ok_or(Error::NotFound)?;
    let drawn = run.status == RunStatus::Done;
    let replacement = run.kind == RunKind::Replacement;
    Ok(match file {
        "pool.csv" => Published::Csv(run.pool_csv),
        "features.csv" => Published::Csv(run.features_csv),
        "already-selected.csv" if replacement => Published::Csv(run.already_csv),
        "selected.csv" if drawn => Published::Csv(run.selected_csv),
        "distribution.csv"
            if (drawn || covers_distribution(&run)) && !run.distribution_csv.is_empty() =>
        {
            Published::Csv(run.distribution_csv)
        }
        "seed.txt" if !run.seed.is_empty() => Published::Text(format!("{}\n", run.seed)),
        "composition.svg" if drawn => {
            Published::Composition(summary_of(&run)?.ok_or(Error::NotFound)?)
        }
        _ => return Err(Error::NotFound),
    })
}

/// The names of the files [`published_file`] gives for a public run, in the order a reader needs them (the JSON
/// API lists them); the same conditions as its `match`, which stays the one that serves them.
pub fn published_names(run: &RunRow) -> Vec<&'static str> {
    let drawn = run.status == RunStatus::Done;
    let mut names = vec!["pool.csv", "features.csv"];
    if run.kind == RunKind::Replacement {
        names.push("already-selected.csv");
    }
    if (drawn || covers_distribution(run)) && !run.distribution_csv.is_empty() {
        names.push("distribution.csv");
    }
    if !run.seed.is_empty() {
        names.push("seed.txt");
    }
    if drawn {
        names.extend(["selected.csv", "composition.svg"]);
    }
    names
}
