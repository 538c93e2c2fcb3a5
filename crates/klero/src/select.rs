//! `klero select`: file handling around the pure `selection` engine, and the inputs it shares with `klero verify`
//! (`verify.rs`), so that both commands read exactly the same formats.
//!
//! Everything is read and computed before anything is written, and every output file is written
//! to a temporary name and renamed, so a failure never leaves partial outputs.

use anyhow::Context;
use selection::model::{
    Instance, PeopleTable, parse_already_selected, parse_features, parse_people,
};
use selection::{Algorithm, Progress, Selection, Settings};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Fairness objective, as named on the command line.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum AlgorithmArg {
    /// Maximise the smallest probability, then the next smallest, and so on (exact).
    Leximin,
    /// Maximise the smallest probability only.
    Maximin,
    /// The old greedy method (probabilities uncontrolled; estimated from 1000 draws).
    Legacy,
}

/// The inputs shared by `klero select` and `klero verify`.
#[derive(clap::Args, Debug)]
pub struct InputArgs {
    /// Pool of respondents (CSV: an id column, one column per feature, other columns kept).
    #[arg(long)]
    people: PathBuf,
    /// Quotas (CSV: feature,value,min,max[,min_flex,max_flex]; or category,name,min,max).
    #[arg(long)]
    features: PathBuf,
    /// Number of people on the panel (including already-selected people).
    #[arg(long = "panel-size", value_name = "K")]
    panel_size: usize,
    /// Fairness objective.
    #[arg(long, value_enum, default_value = "leximin")]
    algorithm: AlgorithmArg,
    /// Name of the id column of the people file.
    #[arg(long = "id-column", default_value = "id")]
    pub(crate) id_column: String,
    /// Columns that together identify a household (exact match); at most one person per household.
    #[arg(long = "household-columns", value_delimiter = ',')]
    household_columns: Vec<String>,
    /// People already on the panel (CSV with an id column): select replacements for the other seats.
    #[arg(long = "already-selected")]
    already_selected: Option<PathBuf>,
    /// Round the distribution to M equally likely numbered panels (transparent lottery).
    #[arg(long = "lottery-panels", value_name = "M")]
    lottery_panels: Option<u32>,
}

/// Arguments of `klero select`.
#[derive(clap::Args, Debug)]
pub struct SelectArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Published seed string (e.g. a future lottery result). Without it a random seed is made and printed.
    #[arg(long)]
    seed: Option<String>,
    /// Before the seed is known: compute the distribution, write it (`--distribution`, required) and print the
    /// commitment (SHA-256 of the canonical inputs and of the distribution file), then exit without drawing.
    #[arg(long = "commitment-only", requires = "distribution")]
    commitment_only: bool,
    /// Write the selected people (all columns) here.
    #[arg(long)]
    selected: Option<PathBuf>,
    /// Write the people not selected (all columns) here.
    #[arg(long)]
    remaining: Option<PathBuf>,
    /// Write `id,probability` for every pool member here.
    #[arg(long)]
    probabilities: Option<PathBuf>,
    /// Write a report (markdown, or HTML if the name ends in .html).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Write the distribution (panels and probabilities) here, for publication and `verify --distribution`.
    #[arg(long)]
    distribution: Option<PathBuf>,
}

/// The inputs as read and checked: the engine's instance, the people file as written, and the settings.
pub(crate) struct Loaded {
    pub(crate) instance: Instance,
    table: PeopleTable,
    pub(crate) settings: Settings,
}

pub(crate) fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub(crate) fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub(crate) fn load(input: &InputArgs) -> anyhow::Result<Loaded> {
    let features = parse_features(
        &display_name(&input.features),
        &read(&input.features)?,
        input.panel_size,
    )?;
    let table = parse_people(
        &display_name(&input.people),
        &read(&input.people)?,
        &features,
        &input.id_column,
        &input.household_columns,
    )?;
    let already = match &input.already_selected {
        Some(path) => parse_already_selected(
            &display_name(path),
            &read(path)?,
            &table.people,
            &input.id_column,
        )?,
        None => Vec::new(),
    };
    let instance = Instance::new(features, table.people.clone(), input.panel_size, already)?;
    let algorithm = match input.algorithm {
        AlgorithmArg::Leximin => Algorithm::Leximin,
        AlgorithmArg::Maximin => Algorithm::Maximin,
        AlgorithmArg::Legacy => Algorithm::Legacy,
    };
    if algorithm == Algorithm::Legacy && input.lottery_panels.is_some() {
        anyhow::bail!("--lottery-panels needs a distribution; the legacy algorithm has none");
    }
    if input.lottery_panels == Some(0) {
        anyhow::bail!("--lottery-panels must be at least 1");
    }
    Ok(Loaded {
        instance,
        table,
        settings: Settings {
            algorithm,
            lottery_panels: input.lottery_panels,
        },
    })
}

/// Progress on standard error: a bar redrawn in place (at most ten times a second) when it is a terminal,
/// one line a second when `KLERO_PROGRESS` is set, nothing otherwise (scripts and tests stay quiet).
/// The estimate of the time left assumes the rest of the run goes at the pace of what is done.
pub(crate) fn progress_printer() -> impl FnMut(&Progress) {
    let terminal = std::io::stderr().is_terminal();
    let lines = !terminal && std::env::var_os("KLERO_PROGRESS").is_some();
    let started = std::time::Instant::now();
    let mut last = started;
    move |progress: &Progress| {
        let done = matches!(progress.phase, selection::Phase::Done);
        let interval = if terminal { 100 } else { 1000 };
        if !(terminal || lines) || (!done && last.elapsed().as_millis() < interval) {
            return;
        }
        last = std::time::Instant::now();
        let line = progress_line(progress, started.elapsed().as_secs_f64());
        if terminal {
            // Carriage return and erase-to-end-of-line: the bar is redrawn in place.
            eprint!("\r\x1b[K{line}");
            if done {
                eprintln!();
            }
        } else {
            eprintln!("{line}");
        }
    }
}

/// `[#########-----------] 12.3 s, about 15 s left  face walk: step 57 of about 140 (41%)`.
fn progress_line(progress: &Progress, elapsed: f64) -> String {
    const WIDTH: usize = 24;
    let fraction = progress.fraction.clamp(0.0, 1.0);
    let filled = (fraction * WIDTH as f64).round() as usize;
    let left = if (0.02..1.0).contains(&fraction) {
        format!(
            ", about {:.0} s left",
            elapsed * (1.0 - fraction) / fraction
        )
    } else {
        String::new()
    };
    format!(
        "[{}{}] {elapsed:.1} s{left}  {progress}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
    )
}

fn random_seed() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| anyhow::anyhow!("no system randomness: {error}"))?;
    Ok(hex::encode(bytes))
}

/// The commitment of a run: version 2 (inputs and the distribution file) when there is a distribution, version 1
/// (inputs only) for the legacy method, which has none.
pub(crate) fn commitment_of(loaded: &Loaded, distribution_csv: Option<&str>) -> String {
    match distribution_csv {
        Some(csv) => {
            selection::sample::commitment_v2(&loaded.instance, &loaded.settings, csv.as_bytes())
        }
        None => selection::sample::commitment(&loaded.instance, &loaded.settings),
    }
}

/// Refuses a pool whose ids cannot be written in a distribution file (ids are separated by spaces there).
fn check_ids(loaded: &Loaded) -> anyhow::Result<()> {
    if let Some(id) = selection::sample::id_unfit_for_distribution(&loaded.instance) {
        anyhow::bail!(
            "id `{id}` contains whitespace; the distribution file separates ids by spaces, so ids must have none"
        );
    }
    Ok(())
}

/// `klero select --commitment-only`: the distribution, computed before the seed, written to `--distribution`,
/// and the version 2 commitment that covers it.
fn commit(args: &SelectArgs, loaded: &Loaded) -> anyhow::Result<ExitCode> {
    if loaded.settings.algorithm == Algorithm::Legacy {
        anyhow::bail!(
            "the legacy algorithm cannot be committed: it has no distribution to publish before the seed, so its draw cannot be checked; use leximin or maximin for a final draw (legacy remains for test runs)"
        );
    }
    check_ids(loaded)?;
    let distribution =
        selection::find_distribution(&loaded.instance, &loaded.settings, &mut progress_printer())?;
    let csv = distribution.to_csv(&loaded.instance);
    let path = args
        .distribution
        .as_ref()
        .context("--commitment-only needs --distribution FILE: the commitment covers it")?;
    write_atomically(path, &csv)?;
    println!("commitment: {}", commitment_of(loaded, Some(&csv)));
    println!(
        "distribution: {} panels, SHA-256 {} (publish {} with the commitment)",
        distribution.panels.len(),
        selection::sample::distribution_digest(csv.as_bytes()),
        display_name(path)
    );
    if let Some(lottery) = &distribution.lottery {
        println!(
            "lottery: {} numbered panels, listed in the distribution file; largest probability change {}",
            lottery.panels.len(),
            format_probability(lottery.max_change)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `klero select`.
pub fn select(args: SelectArgs) -> anyhow::Result<ExitCode> {
    let loaded = load(&args.input)?;
    if args.commitment_only {
        return commit(&args, &loaded);
    }
    if args.distribution.is_some() {
        check_ids(&loaded)?;
    }
    let seed = match &args.seed {
        Some(seed) => seed.clone(),
        None => {
            let seed = random_seed()?;
            eprintln!(
                "no --seed given: using the random seed {seed} (publish a seed in advance for a verifiable draw)"
            );
            seed
        }
    };
    let started = std::time::Instant::now();
    let selection = selection::run(
        &loaded.instance,
        &loaded.settings,
        &seed,
        &mut progress_printer(),
    )?;
    let elapsed = started.elapsed();
    let distribution_csv = selection
        .distribution
        .as_ref()
        .map(|distribution| distribution.to_csv(&loaded.instance));
    let commitment = commitment_of(&loaded, distribution_csv.as_deref());
    println!("commitment: {commitment}");

    // Render everything, then write.
    let mut outputs: Vec<(&PathBuf, String)> = Vec::new();
    let selected_set: BTreeSet<usize> = selection.panel.iter().copied().collect();
    if let Some(path) = &args.selected {
        outputs.push((
            path,
            rows_csv(&loaded.table, |i| selected_set.contains(&i))?,
        ));
    }
    if let Some(path) = &args.remaining {
        outputs.push((
            path,
            rows_csv(&loaded.table, |i| !selected_set.contains(&i))?,
        ));
    }
    if let Some(path) = &args.probabilities {
        let header = vec!["id".to_owned(), "probability".to_owned()];
        let rows = loaded
            .instance
            .people
            .iter()
            .zip(&selection.probabilities)
            .map(|(person, probability)| vec![person.id.clone(), format_probability(*probability)]);
        outputs.push((path, csv_text(std::iter::once(header).chain(rows))?));
    }
    if let Some(path) = &args.distribution {
        let Some(csv) = &distribution_csv else {
            anyhow::bail!("--distribution needs a distribution; the legacy algorithm has none");
        };
        outputs.push((path, csv.clone()));
    }
    if let Some(path) = &args.report {
        let html = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm"));
        outputs.push((path, report(&loaded, &selection, &seed, &commitment, html)));
    }
    for (path, text) in outputs {
        write_atomically(path, &text)?;
    }

    let probabilities = &selection.probabilities;
    let min = probabilities.iter().copied().fold(f64::INFINITY, f64::min);
    let max = probabilities.iter().copied().fold(0.0, f64::max);
    println!("seed: {seed}");
    println!(
        "selected {} of {} with {} in {:.2} s; selection probabilities from {} to {}{}",
        selection.panel.len(),
        loaded.instance.people.len(),
        algorithm_name(loaded.settings.algorithm),
        elapsed.as_secs_f64(),
        format_probability(min),
        format_probability(max),
        if selection.estimated {
            " (estimated)"
        } else {
            ""
        }
    );
    if let Some(distribution) = &selection.distribution {
        println!("distribution: {} panels", distribution.panels.len());
        if let (Some(lottery), Some(number)) = (&distribution.lottery, selection.lottery_number) {
            println!(
                "lottery: {} numbered panels, drew number {number}; largest probability change {}",
                lottery.panels.len(),
                format_probability(lottery.max_change)
            );
        }
        if !distribution.unreachable.is_empty() {
            println!(
                "warning: {} people are in no feasible panel (probability 0): {}",
                distribution.unreachable.len(),
                ids(&loaded.instance, &distribution.unreachable)
            );
        }
    }
    if args.selected.is_none() {
        println!("panel: {}", ids(&loaded.instance, &selection.panel));
    }
    Ok(ExitCode::SUCCESS)
}

fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Leximin => "LEXIMIN",
        Algorithm::Maximin => "MAXIMIN",
        Algorithm::Legacy => "LEGACY",
    }
}

pub(crate) fn ids(instance: &Instance, people: &[usize]) -> String {
    people
        .iter()
        .map(|&i| instance.people[i].id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn format_probability(probability: f64) -> String {
    let text = format!("{probability:.9}");
    let text = text.trim_end_matches('0');
    text.strip_suffix('.')
        .map(|t| format!("{t}.0"))
        .unwrap_or_else(|| text.to_string())
}

fn rows_csv(table: &PeopleTable, keep: impl Fn(usize) -> bool) -> anyhow::Result<String> {
    let kept = table
        .rows
        .iter()
        .enumerate()
        .filter(|(index, _)| keep(*index))
        .map(|(_, row)| row);
    csv_text(std::iter::once(&table.header).chain(kept))
}

/// CSV text of `records`, one line each (`\n`), quoted by the `csv` writer where needed.
fn csv_text<Record, Field>(records: impl IntoIterator<Item = Record>) -> anyhow::Result<String>
where
    Record: IntoIterator<Item = Field>,
    Field: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer.write_record(record)?;
    }
    let bytes = writer.into_inner().map_err(|error| error.into_error())?;
    Ok(String::from_utf8(bytes)?)
}

fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".klero-tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}

struct Table {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn report(
    loaded: &Loaded,
    selection: &Selection,
    seed: &str,
    commitment: &str,
    html: bool,
) -> String {
    let instance = &loaded.instance;
    let mut facts: Vec<(String, String)> = vec![
        (
            "Algorithm".into(),
            algorithm_name(loaded.settings.algorithm).into(),
        ),
        ("Pool".into(), instance.people.len().to_string()),
        ("Panel size".into(), instance.panel_size.to_string()),
        (
            "Already selected".into(),
            instance.already_selected.len().to_string(),
        ),
        ("Seed".into(), seed.into()),
        (
            "Commitment (SHA-256 of the canonical inputs)".into(),
            commitment.into(),
        ),
    ];
    if let Some(distribution) = selection.distribution.as_ref() {
        let leximin = loaded.settings.algorithm == Algorithm::Leximin;
        let how = match (distribution.way, leximin) {
            (selection::Way::Stages, true) => "level by level (column generation)".to_owned(),
            (selection::Way::Stages, false) => {
                "column generation up to the LP relaxation's bound, or until no panel improves the minimum"
                    .to_owned()
            }
            (way, true) => format!(
                "in one step: panels reach the LEXIMIN of the LP relaxation exactly ({way}), so it is the LEXIMIN"
            ),
            (way, false) => format!(
                "in one step: panels reach the LEXIMIN of the LP relaxation exactly ({way}), so it is the LEXIMIN and a MAXIMIN optimum"
            ),
        };
        let name = if leximin { "LEXIMIN" } else { "MAXIMIN" };
        facts.push((format!("{name} computed"), how));
    }
    let probabilities = &selection.probabilities;
    let min = probabilities.iter().copied().fold(f64::INFINITY, f64::min);
    let max = probabilities.iter().copied().fold(0.0, f64::max);
    facts.push((
        "Lowest selection probability".into(),
        format_probability(min),
    ));
    facts.push((
        "Highest selection probability".into(),
        format_probability(max),
    ));
    if selection.estimated {
        facts.push((
            "Probabilities".into(),
            format!(
                "estimated from {} repetitions of the legacy method",
                selection::LEGACY_ESTIMATE_DRAWS
            ),
        ));
    }
    let mut tables = Vec::new();
    let pool_counts = instance.pool_counts();
    let panel_counts = instance.panel_counts(&selection.panel);
    let mut quota_rows = Vec::new();
    for (f, feature) in instance.features.iter().enumerate() {
        for (v, quota) in feature.quotas.iter().enumerate() {
            quota_rows.push(vec![
                feature.name.clone(),
                quota.value.clone(),
                pool_counts[f][v].to_string(),
                quota.min.to_string(),
                quota.max.to_string(),
                panel_counts[f][v].to_string(),
            ]);
        }
    }
    tables.push(Table {
        title: "Quotas".into(),
        header: ["feature", "value", "pool", "min", "max", "selected"]
            .map(String::from)
            .to_vec(),
        rows: quota_rows,
    });
    let selected: BTreeSet<usize> = selection.panel.iter().copied().collect();
    let mut probability_rows: Vec<(f64, usize)> = probabilities.iter().copied().zip(0..).collect();
    probability_rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut header = vec!["id".to_string(), "probability".to_string()];
    let fair = selection
        .distribution
        .as_ref()
        .filter(|d| d.lottery.is_some())
        .map(|d| &d.fair_probabilities);
    if fair.is_some() {
        header.push("before lottery rounding".into());
    }
    header.push("selected".into());
    tables.push(Table {
        title: "Selection probabilities".into(),
        header,
        rows: probability_rows
            .iter()
            .map(|&(p, i)| {
                let mut row = vec![instance.people[i].id.clone(), format_probability(p)];
                if let Some(fair) = fair {
                    row.push(format_probability(fair[i]));
                }
                row.push(if selected.contains(&i) {
                    "yes".into()
                } else {
                    String::new()
                });
                row
            })
            .collect(),
    });
    if let Some(distribution) = &selection.distribution {
        facts.push((
            "Panels in the distribution".into(),
            distribution.panels.len().to_string(),
        ));
        if let (Some(lottery), Some(number)) = (&distribution.lottery, selection.lottery_number) {
            facts.push((
                "Transparent lottery".into(),
                format!(
                    "{} equally likely numbered panels; number drawn: {number}",
                    lottery.panels.len()
                ),
            ));
            facts.push((
                "Largest probability change from the rounding".into(),
                format_probability(lottery.max_change),
            ));
        }
        if !distribution.unreachable.is_empty() {
            facts.push((
                "In no feasible panel (probability 0)".into(),
                ids(instance, &distribution.unreachable),
            ));
        }
        if !distribution.excluded.is_empty() {
            facts.push((
                "Excluded (household of an already-selected person)".into(),
                ids(instance, &distribution.excluded),
            ));
        }
        tables.push(Table {
            title: "Profiles (interchangeable people)".into(),
            header: ["profile", "values", "people", "members"]
                .map(String::from)
                .to_vec(),
            rows: distribution
                .profiles
                .iter()
                .enumerate()
                .map(|(t, profile)| {
                    let values = instance
                        .features
                        .iter()
                        .zip(&profile.values)
                        .map(|(f, &v)| format!("{}={}", f.name, f.quotas[v].value))
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![
                        t.to_string(),
                        values,
                        profile.members.len().to_string(),
                        ids(instance, &profile.members),
                    ]
                })
                .collect(),
        });
        tables.push(Table {
            title: "Distribution (seats per profile; members of a profile are drawn uniformly)"
                .into(),
            header: ["panel", "probability", "seats"].map(String::from).to_vec(),
            rows: distribution
                .panels
                .iter()
                .enumerate()
                .map(|(index, panel)| {
                    let seats = panel
                        .counts
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| **c > 0)
                        .map(|(t, c)| format!("{c}×#{t}"))
                        .collect::<Vec<_>>()
                        .join(" ");
                    vec![index.to_string(), format!("{}", panel.probability), seats]
                })
                .collect(),
        });
    }
    if html {
        render_html(&facts, &tables)
    } else {
        render_markdown(&facts, &tables)
    }
}

fn render_markdown(facts: &[(String, String)], tables: &[Table]) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = String::from("# Selection report\n\n");
    for (key, value) in facts {
        let _ = writeln!(out, "- **{key}**: {}", cell(value));
    }
    for table in tables {
        let _ = writeln!(out, "\n## {}\n", table.title);
        let _ = writeln!(out, "| {} |", table.header.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(table.header.len()));
        for row in &table.rows {
            let _ = writeln!(
                out,
                "| {} |",
                row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
            );
        }
    }
    out
}

fn render_html(facts: &[(String, String)], tables: &[Table]) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Selection report</title></head><body>\n<h1>Selection report</h1>\n<dl>\n",
    );
    for (key, value) in facts {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            charts::escape_xml(key),
            charts::escape_xml(value)
        );
    }
    out.push_str("</dl>\n");
    for table in tables {
        let _ = writeln!(
            out,
            "<h2>{}</h2>\n<table>\n<tr>{}</tr>",
            charts::escape_xml(&table.title),
            table
                .header
                .iter()
                .map(|h| format!("<th>{}</th>", charts::escape_xml(h)))
                .collect::<String>()
        );
        for row in &table.rows {
            let _ = writeln!(
                out,
                "<tr>{}</tr>",
                row.iter()
                    .map(|c| format!("<td>{}</td>", charts::escape_xml(c)))
                    .collect::<String>()
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}
