//! The scorecard's public forms: one embeddable SVG image with its charts (responses by type,
//! implementation by fidelity, timeliness, acceptance by level of support and by theme) and a
//! CSV export.

use crate::{Fidelity, ResponseKind, Scorecard, Timeliness, Words, fill};
use charts::{
    Bar, BarChart, ChartError, Colour, Group, GroupedBarChart, Segment, StackedBar, compose,
    percent_rounded,
};

/// The header of the CSV export.
pub const CSV_HEADER: &str = "recommendation,theme,support,response,fidelity,due,responded,status";

/// The scorecard as one standalone, accessible SVG image (for the public page and the press):
/// the headline as its title, the charts stacked, and every figure in its description.
pub fn scorecard_svg(scorecard: &Scorecard) -> String {
    scorecard_svg_in(scorecard, &Words::ENGLISH)
}

/// [`scorecard_svg`] in `words` (the reader's language).
pub fn scorecard_svg_in(scorecard: &Scorecard, words: &Words) -> String {
    let headline = scorecard.headline_in(words);
    // The charts below are built from fixed, non-empty titles and labels and from counts, so they
    // cannot fail; should that change, the error surfaces as a chart that says so in words.
    match scorecard_charts(scorecard, words) {
        Ok(parts) => {
            let description = fill(
                words.description,
                &[
                    ("headline", &headline),
                    ("date", &scorecard.as_of().to_string()),
                    ("summary", &scorecard.cherry_picking().summary_in(words)),
                ],
            );
            compose(&headline, &description, &parts)
        }
        Err(error) => compose(
            &headline,
            &fill(words.not_drawn, &[("error", &error.to_string())]),
            &[],
        ),
    }
}

fn scorecard_charts(
    scorecard: &Scorecard,
    words: &Words,
) -> Result<Vec<charts::Rendered>, ChartError> {
    let as_of = fill(words.as_of, &[("date", &scorecard.as_of().to_string())]);
    let response_colour = |kind: ResponseKind| match kind {
        ResponseKind::AcceptedInFull => Colour::BluishGreen,
        ResponseKind::AcceptedWithModifications => Colour::SkyBlue,
        ResponseKind::AcceptedInPart => Colour::Yellow,
        ResponseKind::Rejected => Colour::Vermillion,
        ResponseKind::NoResponseYet => Colour::Grey,
    };
    let responses = ResponseKind::ALL
        .into_iter()
        .zip(words.responses)
        .map(|(kind, label)| {
            Ok(Segment::new(label, scorecard.by_response(kind).part)?
                .with_colour(response_colour(kind)))
        })
        .collect::<Result<Vec<_>, ChartError>>()?;
    let responses = StackedBar::new(words.responses_title, responses)?
        .with_summary(&as_of)
        .render();

    let fidelity_colour = |fidelity: Fidelity| match fidelity {
        Fidelity::Full => Colour::BluishGreen,
        Fidelity::Diluted => Colour::Orange,
        Fidelity::Different => Colour::ReddishPurple,
        Fidelity::None => Colour::Vermillion,
        Fidelity::NotYetJudged => Colour::Grey,
    };
    let fidelity = Fidelity::ALL
        .into_iter()
        .zip(words.fidelities)
        .map(|(fidelity, label)| {
            let share = scorecard.by_fidelity(fidelity);
            Ok(Bar::new(label, share.part as f64)?.with_colour(fidelity_colour(fidelity)))
        })
        .collect::<Result<Vec<_>, ChartError>>()?;
    let mut fidelity = BarChart::new(words.fidelity_title, fidelity)?
        .with_summary(&format!("{as_of} {}", words.fidelity_summary));
    if scorecard.total() > 0 {
        fidelity = fidelity.with_scale_max(scorecard.total() as f64)?;
    }
    let fidelity = fidelity.render();

    let timeliness_colour = |status: Timeliness| match status {
        Timeliness::OnTime => Colour::BluishGreen,
        Timeliness::Late => Colour::Orange,
        Timeliness::Overdue => Colour::Vermillion,
        Timeliness::NotYetDue => Colour::Grey,
    };
    let timeliness = Timeliness::ALL
        .into_iter()
        .zip(words.timeliness)
        .map(|(status, label)| {
            Ok(Segment::new(label, scorecard.by_timeliness(status).part)?
                .with_colour(timeliness_colour(status)))
        })
        .collect::<Result<Vec<_>, ChartError>>()?;
    let timeliness = StackedBar::new(words.timeliness_title, timeliness)?
        .with_summary(&as_of)
        .render();

    let cherry_picking = scorecard.cherry_picking();
    let threshold = cherry_picking.threshold().to_string();
    let percent = |part: u64, whole: u64| percent_rounded(part, whole).unwrap_or(0) as f64;
    let groups = [
        (cherry_picking.high_support(), words.high_support),
        (cherry_picking.other(), words.low_support),
    ]
    .into_iter()
    .map(|(group, label)| {
        Group::new(
            &capitalised(&fill(
                words.support_group,
                &[
                    ("label", &fill(label, &[("threshold", &threshold)])),
                    ("n", &group.total.to_string()),
                ],
            )),
            vec![
                percent(group.accepted_in_full, group.total),
                percent(group.fully_taken_up, group.total),
            ],
        )
    })
    .collect::<Result<Vec<_>, ChartError>>()?;
    let support = GroupedBarChart::new(words.support_title, &words.support_series, groups)?
        .with_unit("%")
        .with_scale_max(100.0)?
        .with_summary(&cherry_picking.summary_in(words))
        .render();
    let themes = cherry_picking
        .themes()
        .iter()
        .map(|theme| {
            Ok(Bar::new(
                &capitalised(&theme.label),
                percent(theme.accepted_in_full, theme.total),
            )?
            .with_note(&fill(
                words.theme_note,
                &[
                    ("part", &theme.accepted_in_full.to_string()),
                    ("whole", &theme.total.to_string()),
                ],
            )))
        })
        .collect::<Result<Vec<_>, ChartError>>()?;
    let themes = if themes.is_empty() {
        None
    } else {
        Some(
            BarChart::new(words.themes_title, themes)?
                .with_unit("%")
                .with_scale_max(100.0)?
                .with_summary(words.themes_summary)
                .render(),
        )
    };
    Ok([responses, fidelity, timeliness, support]
        .into_iter()
        .chain(themes)
        .collect())
}

fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The scorecard as CSV text: [`CSV_HEADER`], then one line per recommendation, lines ending in
/// `\n`. Support is a percentage without the sign, dates are `YYYY-MM-DD`, and `responded` is empty
/// when no response is known.
///
/// Fields are protected against formula injection: a field starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return is prefixed with `'` so spreadsheets show it as text; then fields with
/// a comma, a quote or a line break are quoted (RFC 4180).
pub fn scorecard_csv(scorecard: &Scorecard) -> String {
    let io = "writing CSV to memory cannot fail";
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER.split(',')).expect(io);
    for row in scorecard.rows() {
        let support = row.support.to_string();
        let responded = row
            .responded
            .map(|date| date.to_string())
            .unwrap_or_default();
        let fields = [
            row.reference.as_str(),
            row.theme.as_str(),
            support.trim_end_matches('%'),
            row.response.label(),
            row.fidelity.label(),
            &row.due.to_string(),
            &responded,
            row.status.label(),
        ];
        writer
            .write_record(fields.iter().map(|field| formula_safe(field)))
            .expect(io);
    }
    String::from_utf8(writer.into_inner().expect(io)).expect("CSV of UTF-8 fields is UTF-8")
}

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so that a spreadsheet
/// shows it as text instead of running it as a formula.
fn formula_safe(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}
