//! `klero opinion`: file handling around the pure `opinion` engine.
//!
//! Reads the Pol.is openData `votes.csv` (and optionally `comments.csv`), runs the analysis and
//! writes the result as JSON or as a self-contained HTML report with an accessible SVG opinion map.
//! This module owns the JSON and HTML shapes; the engine knows nothing about them.

use anyhow::Context;
use opinion::analysis::{Analysis, Group};
use opinion::opendata::{self, Comment};
use opinion::stats::Direction;
use opinion::{Moderation, Options, Scaling, Stage};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Output format of `klero opinion`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FormatArg {
    /// Machine-readable result.
    Json,
    /// Self-contained report with the opinion map and the statements' text.
    Html,
}

/// Arguments of `klero opinion`.
#[derive(clap::Args, Debug)]
pub struct OpinionArgs {
    /// Votes (Pol.is openData votes.csv: timestamp, datetime, comment-id, voter-id, vote).
    #[arg(long)]
    votes: PathBuf,
    /// Statements (Pol.is openData comments.csv): moderation and text.
    #[arg(long)]
    comments: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: FormatArg,
    /// Write the result here.
    #[arg(long)]
    output: PathBuf,
    /// Print the stages of the analysis and their durations on standard error.
    #[arg(long)]
    progress: bool,
    /// Count moderated-out statements in the projection's scaling as Pol.is does (to reproduce a
    /// published Pol.is map more closely).
    #[arg(long = "polis-scaling")]
    polis_scaling: bool,
}

/// Runs `klero opinion`.
pub fn opinion(args: OpinionArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let progress = |message: &str| {
        if args.progress {
            eprintln!("{:>8.3} s  {message}", started.elapsed().as_secs_f64());
        }
    };
    progress("reading the votes");
    let votes_text = read(&args.votes)?;
    let votes =
        opendata::parse_votes(&votes_text).with_context(|| format!("{}", args.votes.display()))?;
    drop(votes_text);
    let comments = match &args.comments {
        Some(path) => {
            opendata::parse_comments(&read(path)?).with_context(|| format!("{}", path.display()))?
        }
        None => Vec::new(),
    };
    progress(&format!("{} vote events read", votes.len()));

    let computing = Instant::now();
    let conversation = opendata::conversation(&votes, &comments);
    drop(votes);
    progress(&format!(
        "matrix: {} participants × {} statements, {} votes",
        conversation.n_participants(),
        conversation.n_statements(),
        conversation.n_votes()
    ));
    let options = Options {
        scaling: if args.polis_scaling {
            Scaling::PolisParity
        } else {
            Scaling::Included
        },
        ..Options::default()
    };
    let analysis = opinion::analyse(&conversation, &options, None, &mut |stage: Stage| {
        progress(match stage {
            Stage::Components => "principal components",
            Stage::Projection => "projection",
            Stage::BaseClusters => "base clusters",
            Stage::Groups => "opinion groups",
            Stage::Statistics => "representative statements and consensus",
        })
    });
    let timing_ms = computing.elapsed().as_secs_f64() * 1000.0;
    progress(&format!("analysis done in {timing_ms:.0} ms"));

    let text = match args.format {
        FormatArg::Json => {
            let mut text =
                serde_json::to_string_pretty(&to_json(&analysis, &conversation, timing_ms))
                    .context("JSON encoding")?;
            text.push('\n');
            text
        }
        FormatArg::Html => render_html(&analysis, &comments, &args.votes, timing_ms),
    };
    write_atomically(&args.output, &text)?;
    progress(&format!("written to {}", args.output.display()));
    eprintln!(
        "{} participants, {} clustered in {} groups; {} ms; written to {}",
        analysis.participants.len(),
        analysis
            .participants
            .iter()
            .filter(|p| p.group.is_some())
            .count(),
        analysis.groups.len(),
        timing_ms.round(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".klero-tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}

fn direction(direction: Direction) -> &'static str {
    match direction {
        Direction::Agree => "agree",
        Direction::Disagree => "disagree",
    }
}

fn moderation(moderation: Moderation) -> &'static str {
    match moderation {
        Moderation::Included => "included",
        Moderation::ModeratedOut => "moderated-out",
        Moderation::Meta => "meta",
    }
}

/// Rounds to 6 decimals so the JSON stays readable (positions and statistics need no more).
fn r6(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

fn to_json(analysis: &Analysis, conversation: &opinion::Conversation, timing_ms: f64) -> Value {
    let participants: Vec<Value> = analysis
        .participants
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "group": p.group,
                "x": p.position.map(|xy| r6(xy[0])),
                "y": p.position.map(|xy| r6(xy[1])),
                "n_votes": p.n_votes,
            })
        })
        .collect();
    let groups: Vec<Value> = analysis
        .groups
        .iter()
        .map(|g| {
            json!({
                "id": g.id,
                "size": g.size,
                "centre": [r6(g.centre[0]), r6(g.centre[1])],
                "representative": g.representative.iter().map(|r| json!({
                    "statement": r.statement,
                    "direction": direction(r.repness.direction),
                    "n_agree": r.repness.counts.agree,
                    "n_disagree": r.repness.counts.disagree,
                    "n_seen": r.repness.counts.seen,
                    "probability": r6(r.repness.probability),
                    "probability_test": r6(r.repness.probability_test),
                    "ratio": r6(r.repness.ratio),
                    "ratio_test": r6(r.repness.ratio_test),
                    "metric": r6(r.repness.metric),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let consensus_details = |list: &[opinion::analysis::ConsensusStatement]| -> Vec<Value> {
        list.iter()
            .map(|c| {
                json!({
                    "statement": c.statement,
                    "n_agree": c.counts.agree,
                    "n_disagree": c.counts.disagree,
                    "n_seen": c.counts.seen,
                    "probability": r6(c.probability),
                    "test": r6(c.test),
                })
            })
            .collect()
    };
    json!({
        "conversation": {
            "participants": conversation.n_participants(),
            "statements": conversation.n_statements(),
            "votes": conversation.n_votes(),
        },
        "participants": participants,
        "groups": groups,
        "group_choices": analysis.choices.iter().map(|c| json!({
            "k": c.k,
            "silhouette": c.silhouette.map(r6),
            "sizes": c.sizes,
        })).collect::<Vec<_>>(),
        "consensus": {
            "agree": analysis.consensus.agree.iter().map(|c| c.statement).collect::<Vec<_>>(),
            "disagree": analysis.consensus.disagree.iter().map(|c| c.statement).collect::<Vec<_>>(),
            "agree_statistics": consensus_details(&analysis.consensus.agree),
            "disagree_statistics": consensus_details(&analysis.consensus.disagree),
        },
        "group_informed_consensus": analysis.group_informed_consensus.iter().map(|c| json!({
            "statement": c.statement,
            "value": r6(c.value),
        })).collect::<Vec<_>>(),
        "statements": analysis.statements.iter().map(|s| json!({
            "id": s.id,
            "moderation": moderation(s.moderation),
            "n_agree": s.counts.agree,
            "n_disagree": s.counts.disagree,
            "n_seen": s.counts.seen,
            "x": s.position.map(|xy| r6(xy[0])),
            "y": s.position.map(|xy| r6(xy[1])),
            "priority": r6(s.priority),
        })).collect::<Vec<_>>(),
        "eigenvalues": [r6(analysis.eigenvalues[0]), r6(analysis.eigenvalues[1])],
        "timing_ms": r6(timing_ms),
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Group names: A, B, C, … (then A2, B2, … past 26).
fn group_name(id: usize) -> String {
    let letter = char::from(b'A' + (id % 26) as u8);
    if id < 26 {
        letter.to_string()
    } else {
        format!("{letter}{}", id / 26 + 1)
    }
}

/// Okabe–Ito colours (distinguishable with colour-vision deficiencies), dark enough against white.
const COLOURS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// One marker shape per group, so groups are told apart without colour.
fn marker(group: usize, x: f64, y: f64, radius: f64) -> String {
    let colour = COLOURS[group % COLOURS.len()];
    let style =
        format!("fill=\"{colour}\" fill-opacity=\"0.55\" stroke=\"#1a1a1a\" stroke-width=\"0.8\"");
    let r = radius;
    match group % 6 {
        0 => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" {style}/>"),
        1 => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" {style}/>",
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        2 => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" {style}/>",
            x,
            y - 1.2 * r,
            x + 1.1 * r,
            y + 0.8 * r,
            x - 1.1 * r,
            y + 0.8 * r
        ),
        3 => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" {style}/>",
            x,
            y - 1.3 * r,
            x + 1.3 * r,
            y,
            x,
            y + 1.3 * r,
            x - 1.3 * r,
            y
        ),
        4 => format!(
            "<path d=\"M{:.1},{:.1}h{:.1}v{:.1}h{:.1}v{:.1}h{:.1}v{:.1}h{:.1}v{:.1}h{:.1}v{:.1}h{:.1}z\" {style}/>",
            x - r / 3.0,
            y - r,
            2.0 * r / 3.0,
            2.0 * r / 3.0,
            2.0 * r / 3.0,
            2.0 * r / 3.0,
            -2.0 * r / 3.0,
            2.0 * r / 3.0,
            -2.0 * r / 3.0,
            -2.0 * r / 3.0,
            -2.0 * r / 3.0,
            -2.0 * r / 3.0,
            2.0 * r / 3.0
        ),
        _ => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" {style}/>",
            x - r,
            y,
            x - r / 2.0,
            y - r,
            x + r / 2.0,
            y - r,
            x + r,
            y,
            x + r / 2.0,
            y + r,
            x - r / 2.0,
            y + r
        ),
    }
}

fn shape_name(group: usize) -> &'static str {
    [
        "circles",
        "squares",
        "triangles",
        "diamonds",
        "crosses",
        "hexagons",
    ][group % 6]
}

/// The opinion map: one marker per base cluster (area ∝ members), shaped and coloured by group,
/// each group labelled directly at its centre; `<title>` and `<desc>` say the same in words.
fn map_svg(analysis: &Analysis) -> String {
    const SIZE: f64 = 560.0;
    const MARGIN: f64 = 50.0;
    // The bounding box of the base clusters, centred and scaled equally on both axes.
    let (mut low, mut high) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for bucket in &analysis.base_clusters {
        for axis in 0..2 {
            low[axis] = low[axis].min(bucket.centre[axis]);
            high[axis] = high[axis].max(bucket.centre[axis]);
        }
    }
    if analysis.base_clusters.is_empty() {
        (low, high) = ([-1.0; 2], [1.0; 2]);
    }
    let middle = [(low[0] + high[0]) / 2.0, (low[1] + high[1]) / 2.0];
    let extent = ((high[0] - low[0]).max(high[1] - low[1]) / 2.0).max(1e-9);
    let scale = (SIZE / 2.0 - MARGIN) / extent;
    let to_screen = |p: [f64; 2]| {
        (
            SIZE / 2.0 + (p[0] - middle[0]) * scale,
            SIZE / 2.0 - (p[1] - middle[1]) * scale,
        )
    };
    let (origin_x, origin_y) = to_screen([0.0, 0.0]);
    let largest = analysis
        .base_clusters
        .iter()
        .map(|b| b.size)
        .max()
        .unwrap_or(1) as f64;
    let clustered: usize = analysis.groups.iter().map(|g| g.size).sum();
    let mut desc = format!(
        "Opinion map of {} participants, {} of them placed in {} opinion groups; each marker is a \
         cluster of participants who voted alike, its area proportional to their number. ",
        analysis.participants.len(),
        clustered,
        analysis.groups.len()
    );
    for group in &analysis.groups {
        let _ = write!(
            desc,
            "Group {} ({}, {} participants) is drawn as {} and centred {} and {}. ",
            group_name(group.id),
            percent(group.size, clustered),
            group.size,
            shape_name(group.id),
            if group.centre[0] >= 0.0 {
                "right"
            } else {
                "left"
            },
            if group.centre[1] >= 0.0 { "up" } else { "down" },
        );
    }
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {SIZE} {SIZE}\" \
         width=\"{SIZE}\" height=\"{SIZE}\" aria-labelledby=\"map-title map-desc\">\n\
         <title id=\"map-title\">Opinion map: {} groups</title>\n<desc id=\"map-desc\">{}</desc>\n\
         <rect width=\"{SIZE}\" height=\"{SIZE}\" fill=\"#ffffff\" stroke=\"#767676\"/>\n\
         <line x1=\"{ox:.1}\" y1=\"10\" x2=\"{ox:.1}\" y2=\"{e}\" stroke=\"#bbbbbb\"/>\n\
         <line x1=\"10\" y1=\"{oy:.1}\" x2=\"{e}\" y2=\"{oy:.1}\" stroke=\"#bbbbbb\"/>\n",
        analysis.groups.len(),
        escape(&desc),
        ox = origin_x.clamp(10.0, SIZE - 10.0),
        oy = origin_y.clamp(10.0, SIZE - 10.0),
        e = SIZE - 10.0,
    );
    for bucket in &analysis.base_clusters {
        let (x, y) = to_screen(bucket.centre);
        let radius = 3.0 + 14.0 * (bucket.size as f64 / largest).sqrt();
        svg.push_str(&marker(bucket.group, x, y, radius));
        svg.push('\n');
    }
    for group in &analysis.groups {
        let (x, y) = to_screen(group.centre);
        let label = format!("Group {} · {}", group_name(group.id), group.size);
        let _ = writeln!(
            svg,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-family=\"sans-serif\" font-size=\"15\" font-weight=\"bold\" \
             text-anchor=\"middle\" fill=\"#1a1a1a\" stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\">{}</text>",
            (y - 22.0).max(16.0),
            escape(&label)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".to_string();
    }
    format!("{}%", (200 * part + whole) / (2 * whole))
}

fn statement_text(texts: &HashMap<u64, &str>, id: u64) -> String {
    match texts.get(&id) {
        Some(text) => escape(text),
        None => "<em>(text not provided)</em>".to_string(),
    }
}

fn group_section(group: &Group, texts: &HashMap<u64, &str>) -> String {
    let mut out = format!(
        "<section aria-labelledby=\"group-{id}\">\n<h3 id=\"group-{id}\">Group {name}: {size} participants ({shape})</h3>\n",
        id = group.id,
        name = group_name(group.id),
        size = group.size,
        shape = shape_name(group.id)
    );
    if group.representative.is_empty() {
        out.push_str("<p>No statement sets this group apart significantly.</p>\n</section>\n");
        return out;
    }
    out.push_str(
        "<table>\n<caption>What sets this group apart</caption>\n<thead><tr><th scope=\"col\">Statement</th>\
         <th scope=\"col\">Text</th><th scope=\"col\">Group</th><th scope=\"col\">Votes in group</th>\
         <th scope=\"col\">Ratio to the rest</th></tr></thead>\n<tbody>\n",
    );
    for r in &group.representative {
        let s = &r.repness;
        let _ = writeln!(
            out,
            "<tr><td>#{}</td><td>{}</td><td>{} {}</td><td>{} of {}</td><td>{:.2}</td></tr>",
            r.statement,
            statement_text(texts, r.statement),
            percent(
                s.counts.successes(s.direction) as usize,
                s.counts.seen as usize
            ),
            direction(s.direction),
            s.counts.successes(s.direction),
            s.counts.seen,
            s.ratio
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

fn render_html(analysis: &Analysis, comments: &[Comment], votes: &Path, timing_ms: f64) -> String {
    let texts: HashMap<u64, &str> = comments.iter().map(|c| (c.id, c.body.as_str())).collect();
    let clustered: usize = analysis.groups.iter().map(|g| g.size).sum();
    let source = votes
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Opinion groups and common ground</title>\n<style>\
         body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}\
         table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}\
         caption{text-align:left;font-weight:bold;padding:.3rem 0}svg{max-width:100%;height:auto}\
         </style></head><body>\n<main>\n<h1>Opinion groups and common ground</h1>\n",
    );
    let _ = writeln!(
        out,
        "<p>{} participants voted on {} statements ({}); {} voted enough to be placed in an opinion group. \
         Computed in {:.0} ms by Kleroterion's opinion engine (method: <code>docs/opinion.md</code>).</p>",
        analysis.participants.len(),
        analysis.statements.len(),
        escape(&source),
        clustered,
        timing_ms
    );
    out.push_str("<h2>Opinion map</h2>\n<figure>\n");
    out.push_str(&map_svg(analysis));
    out.push_str(
        "\n<figcaption>Participants who voted alike are drawn close together. \
         Each group has its own marker shape and a label at its centre; the axes have no fixed meaning.</figcaption>\n</figure>\n",
    );
    out.push_str("<h2>Opinion groups</h2>\n");
    if analysis.groups.is_empty() {
        out.push_str("<p>Not enough votes to form groups yet.</p>\n");
    }
    for group in &analysis.groups {
        out.push_str(&group_section(group, &texts));
    }
    if !analysis.choices.is_empty() {
        out.push_str(
            "<details>\n<summary>How the number of groups was chosen</summary>\n<table>\n<caption>Every number of \
             groups tried: the highest silhouette wins among those whose groups all hold at least 5% of the \
             clustered participants</caption>\n<thead><tr><th scope=\"col\">Groups</th><th scope=\"col\">Silhouette</th>\
             <th scope=\"col\">Group sizes</th></tr></thead>\n<tbody>\n",
        );
        for choice in &analysis.choices {
            let sizes: Vec<String> = choice.sizes.iter().map(usize::to_string).collect();
            let _ = writeln!(
                out,
                "<tr><td>{}{}</td><td>{}</td><td>{}</td></tr>",
                choice.k,
                if choice.k == analysis.groups.len() {
                    " (chosen)"
                } else {
                    ""
                },
                choice.silhouette.map_or(
                    "not admissible (a group is too small)".to_string(),
                    |s| format!("{s:.3}")
                ),
                sizes.join(", ")
            );
        }
        out.push_str("</tbody>\n</table>\n</details>\n");
    }
    out.push_str("<h2>Common ground</h2>\n");
    for (title, list, verb) in [
        (
            "Most participants agree",
            &analysis.consensus.agree,
            "agree",
        ),
        (
            "Most participants disagree",
            &analysis.consensus.disagree,
            "disagree",
        ),
    ] {
        let _ = writeln!(out, "<h3>{title}</h3>");
        if list.is_empty() {
            out.push_str("<p>None significantly.</p>\n");
            continue;
        }
        out.push_str("<ul>\n");
        for c in list {
            let successes = if verb == "agree" {
                c.counts.agree
            } else {
                c.counts.disagree
            };
            let _ = writeln!(
                out,
                "<li>#{}: {} <small>({} of {} {verb})</small></li>",
                c.statement,
                statement_text(&texts, c.statement),
                successes,
                c.counts.seen
            );
        }
        out.push_str("</ul>\n");
    }
    if !analysis.group_informed_consensus.is_empty() {
        out.push_str(
            "<h3>Agreed across every group</h3>\n<p>Group-informed consensus: the geometric mean of \
             each group's share agreeing, so a statement ranks high only if every group agrees.</p>\n<ol>\n",
        );
        for c in analysis.group_informed_consensus.iter().take(10) {
            let _ = writeln!(
                out,
                "<li>#{}: {} <small>({:.2})</small></li>",
                c.statement,
                statement_text(&texts, c.statement),
                c.value
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</main>\n</body></html>\n");
    out
}
