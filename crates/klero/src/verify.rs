//! `klero verify`: re-runs a selection from its published inputs and seed (or replays the draw from the published
//! distribution) and confirms the published panel and commitment. It reads the inputs exactly as `klero select`
//! does (`select::load`) and writes nothing.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use selection::model::parse_already_selected;

use crate::select::{InputArgs, commitment_of, display_name, ids, load, progress_printer, read};

/// Arguments of `klero verify`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The published seed string.
    #[arg(long)]
    seed: String,
    /// The published panel (CSV with the id column).
    #[arg(long)]
    selected: PathBuf,
    /// Check the draw against this published distribution file instead of re-solving.
    #[arg(long)]
    distribution: Option<PathBuf>,
    /// The published commitment: checked against the inputs and the distribution (version 2), or against the
    /// inputs alone for a run committed with version 1.
    #[arg(long)]
    commitment: Option<String>,
}

/// `klero verify`.
pub fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let loaded = load(&args.input)?;
    let published = parse_already_selected(
        &display_name(&args.selected),
        &read(&args.selected)?,
        &loaded.instance.people,
        &args.input.id_column,
    );
    let published: BTreeSet<usize> = match published {
        Ok(indices) => indices.into_iter().collect(),
        Err(selection::SelectionError::UnknownSelectedId { id, line, .. }) => {
            println!(
                "MISMATCH: {} line {line} names `{id}`, who is not in the pool",
                display_name(&args.selected)
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => return Err(error.into()),
    };
    let (panel, distribution_csv) = match &args.distribution {
        Some(path) => {
            let text = read(path)?;
            let distribution = selection::published::parse_distribution(
                &display_name(path),
                &text,
                &loaded.instance,
            )?;
            if let Some(problem) = selection::published::distribution_problem(
                &loaded.instance,
                loaded.settings.lottery_panels,
                &distribution,
            ) {
                println!("MISMATCH: {}: {problem}", display_name(path));
                return Ok(ExitCode::FAILURE);
            }
            (
                selection::draw(&loaded.instance, &distribution, &args.seed).0,
                Some(text),
            )
        }
        None => {
            let selection = selection::run(
                &loaded.instance,
                &loaded.settings,
                &args.seed,
                &mut progress_printer(),
            )?;
            let csv = selection
                .distribution
                .as_ref()
                .map(|distribution| distribution.to_csv(&loaded.instance));
            (selection.panel, csv)
        }
    };
    let expected: BTreeSet<usize> = panel.into_iter().collect();
    let commitment = commitment_of(&loaded, distribution_csv.as_deref());
    println!("commitment: {commitment}");
    if let Some(published) = &args.commitment {
        let published = published.trim().to_ascii_lowercase();
        let v1 = selection::sample::commitment(&loaded.instance, &loaded.settings);
        if published == v1 && published != commitment {
            println!(
                "the published commitment is version 1: it covers the inputs, not the distribution"
            );
        } else if published != commitment {
            println!(
                "MISMATCH: the published commitment {published} is not the one the inputs{} give",
                if distribution_csv.is_some() {
                    " and the distribution"
                } else {
                    ""
                }
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    if expected == published {
        println!(
            "OK: the inputs and seed give exactly the {} people in {}",
            expected.len(),
            display_name(&args.selected)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let missing: Vec<usize> = expected.difference(&published).copied().collect();
    let extra: Vec<usize> = published.difference(&expected).copied().collect();
    println!(
        "MISMATCH: {} differs from the panel the inputs and seed give",
        display_name(&args.selected)
    );
    if !missing.is_empty() {
        println!(
            "  missing from the file (selected by the draw): {}",
            ids(&loaded.instance, &missing)
        );
    }
    if !extra.is_empty() {
        println!(
            "  extra in the file (not selected by the draw): {}",
            ids(&loaded.instance, &extra)
        );
    }
    Ok(ExitCode::FAILURE)
}
