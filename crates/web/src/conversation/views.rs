//! The page models of the conversation (templates under `templates/conversation/`) and the opinion map's SVG.

use std::fmt::Write as _;

use app::conversation::analysis::{StoredAnalysis, StoredStatementShare};
use askama::Template;
use charts::{Colour, escape_xml, format_number};

use crate::i18n::conversation::ConversationMessages;
use crate::i18n::{Lang, fill};
use crate::views::Chrome;

/// The voting page.
#[derive(Template)]
#[template(path = "conversation/vote.html")]
pub struct VotePage {
    /// Chrome.
    pub c: Chrome,
    /// The catalogue.
    pub t: &'static ConversationMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// The assembly's title.
    pub assembly_title: String,
    /// The prompt.
    pub prompt: String,
    /// Whether participants may vote and write.
    pub open: bool,
    /// "You have voted on N of M statements", if the device has taken part.
    pub progress: Option<String>,
    /// The statement to vote on: id, text.
    pub statement: Option<(i64, String)>,
    /// Whether any statement is shown at all.
    pub any_shown: bool,
    /// Whether this device has taken part (to offer erasure).
    pub participant: bool,
    /// A notice after a redirect, or a refusal.
    pub notice: Option<String>,
    /// Validation errors of the statement form.
    pub errors: Vec<String>,
    /// The statement as typed (after an error).
    pub typed: String,
    /// The longest statement.
    pub max_chars: usize,
    /// The link to the "about you" page (verification and demographic questions).
    pub profile_link: &'static str,
}

/// One group on the results page.
pub struct GroupView {
    /// "Group A".
    pub name: String,
    /// "12 participants".
    pub size: String,
    /// Its representative statements: sentence, text.
    pub representative: Vec<(String, String)>,
}

/// The public results page.
#[derive(Template)]
#[template(path = "conversation/results.html")]
pub struct ResultsPage {
    /// Chrome.
    pub c: Chrome,
    /// The catalogue.
    pub t: &'static ConversationMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// The assembly's title.
    pub assembly_title: String,
    /// The prompt.
    pub prompt: String,
    /// "These figures and the map were computed on ...", if the job has run.
    pub as_of: Option<String>,
    /// Participants who voted, votes, statements, as the job last counted them (`None` before it has).
    pub counts: Option<(i64, i64, i64)>,
    /// The map (inline SVG, escaped when built), if there is one with groups.
    pub map: Option<String>,
    /// The groups.
    pub groups: Vec<GroupView>,
    /// Common ground: sentence, text.
    pub consensus: Vec<(String, String)>,
    /// Per day: date, joined, votes.
    pub by_day: Vec<(String, i64, i64)>,
    /// The strings of verification and demographics (issue 16).
    pub pt: &'static crate::i18n::participation::ParticipationMessages,
    /// "Confirmed participants: ...", when the conversation offers verification or someone verified.
    pub verified_line: Option<String>,
    /// Whose votes the map uses (verified participants only, or everyone), when verification is in play.
    pub scope_line: Option<String>,
    /// Each group's demographics against the population (the first: everyone in a group).
    pub demographics: Vec<DemographicsView>,
}

/// One row of a demographics table: the value, how many gave it, its share here and in the population (percent).
pub type DemographicsRow = (String, usize, u32, u32);

/// One group's demographics on the results page.
pub struct DemographicsView {
    /// "Group A", or "Everyone placed in a group".
    pub name: String,
    /// The tables, one per feature with enough answers: caption, rows.
    pub tables: Vec<(String, Vec<DemographicsRow>)>,
    /// "age_band: fewer than 5 answers, not shown." for the other features.
    pub too_few: Vec<String>,
}

/// A statement waiting for moderation.
pub struct WaitingView {
    /// The id.
    pub id: i64,
    /// The text.
    pub body: String,
    /// When it was written (`YYYY-MM-DD`).
    pub written_on: String,
}

/// The organisers' page.
#[derive(Template)]
#[template(path = "conversation/staff.html")]
pub struct StaffPage {
    /// Chrome.
    pub c: Chrome,
    /// The catalogue.
    pub t: &'static ConversationMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// The assembly's title.
    pub assembly_title: String,
    /// Whether the conversation exists.
    pub set_up: bool,
    /// The prompt (as stored or as typed).
    pub prompt: String,
    /// The moderation mode's identifier.
    pub moderation: String,
    /// Whether it is open.
    pub open: bool,
    /// A notice after a redirect.
    pub notice: Option<String>,
    /// Validation errors of a form.
    pub errors: Vec<String>,
    /// The seed statements as typed (after an error).
    pub seeds: String,
    /// Participants who voted, votes, statements.
    pub counts: (i64, i64, i64),
    /// "Map computed on ...", if there is a map.
    pub as_of: Option<String>,
    /// A page of the statements waiting.
    pub waiting: Vec<WaitingView>,
    /// How many wait in all.
    pub n_waiting: i64,
    /// The previous and next page numbers, if any.
    pub pages: (Option<i64>, Option<i64>),
    /// Whether the viewer may change the settings (the page itself needs moderation rights).
    pub can_configure: bool,
    /// Participant verification and invitation codes (issue 16), once the conversation is set up.
    pub verification: Option<VerificationView>,
}

/// The organisers' verification section.
pub struct VerificationView {
    /// Its strings.
    pub t: &'static crate::i18n::participation::ParticipationMessages,
    /// The modes: (value, label, chosen).
    pub modes: Vec<(&'static str, &'static str, bool)>,
    /// Whether invitation codes are the chosen mode.
    pub invitations: bool,
    /// "N codes issued, M used."
    pub invitation_counts: String,
    /// "Confirmed participants: ...".
    pub verified_line: String,
    /// Whether the map uses only verified participants' votes.
    pub verified_only: bool,
}

/// "Group A", "Group B", ... in `t`'s words.
pub fn group_name(t: &ConversationMessages, group: usize) -> String {
    let letter = char::from(b'A' + (group % 26) as u8).to_string();
    fill(t.group_name, &[("letter", &letter)])
}

/// "62% of the group agree" for a share.
pub fn share_sentence(t: &ConversationMessages, share: &StoredStatementShare) -> String {
    let percent = format!("{:.0}", share.share * 100.0);
    let template = if share.agree {
        t.share_agree
    } else {
        t.share_disagree
    };
    fill(template, &[("share", &percent)])
}

/// The opinion map: every base cluster as a circle (area by participants) at its place on the two axes, filled
/// with its group's colour and labelled with its group's letter, so colour never carries meaning alone; a
/// `<title>` and `<desc>` give the groups in words. `None` if there is no group yet.
pub fn map_svg(analysis: &StoredAnalysis, lang: Lang) -> Option<String> {
    if analysis.groups.is_empty() || analysis.clusters.is_empty() {
        return None;
    }
    let t = lang.t::<ConversationMessages>();
    let (width, height, margin) = (640.0_f64, 400.0_f64, 30.0_f64);
    let extent = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), v| {
            (low.min(v), high.max(v))
        })
    };
    let (x_min, x_max) = extent(&mut analysis.clusters.iter().map(|c| c.x));
    let (y_min, y_max) = extent(&mut analysis.clusters.iter().map(|c| c.y));
    let scale = |value: f64, low: f64, high: f64, size: f64| {
        if high - low < 1e-12 {
            size / 2.0
        } else {
            margin + (value - low) / (high - low) * (size - 2.0 * margin)
        }
    };
    let largest = analysis
        .clusters
        .iter()
        .map(|c| c.size)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let description: Vec<String> = analysis
        .groups
        .iter()
        .map(|group| {
            format!(
                "{}: {}",
                group_name(t, group.id),
                fill(t.group_size, &[("n", &group.size.to_string())])
            )
        })
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"map-title map-desc\">\
         <title id=\"map-title\">{title}</title><desc id=\"map-desc\">{desc} {groups}.</desc>\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\" stroke=\"{outline}\"/>",
        w = width,
        h = height,
        title = escape_xml(t.map_title),
        desc = escape_xml(t.map_desc),
        groups = escape_xml(&description.join("; ")),
        outline = charts::OUTLINE_COLOUR,
    );
    for cluster in &analysis.clusters {
        let colour = Colour::ALL[cluster.group % (Colour::ALL.len() - 1)];
        let radius = 4.0 + 14.0 * (cluster.size as f64 / largest).sqrt();
        let x = scale(cluster.x, x_min, x_max, width);
        // SVG's y grows downwards; the map's second axis grows upwards.
        let y = height - scale(cluster.y, y_min, y_max, height);
        let letter = char::from(b'A' + (cluster.group % 26) as u8);
        let _ = write!(
            svg,
            "<g><circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\" fill=\"{fill}\" fill-opacity=\"0.35\" stroke=\"{outline}\"/>\
             <text x=\"{x}\" y=\"{ty}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{text}\" font-weight=\"bold\">{letter}</text></g>",
            x = format_number(x),
            y = format_number(y),
            ty = format_number(y + 4.0),
            r = format_number(radius),
            fill = colour.hex(),
            outline = charts::OUTLINE_COLOUR,
            text = charts::TEXT_COLOUR,
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}
