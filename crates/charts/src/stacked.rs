//! The stacked 100% bar: one bar split into the shares of categories (e.g. responses by type),
//! with a legend that labels every segment directly with its count and share.

use crate::svg::{Frame, WIDTH, escape_xml, format_number};
use crate::{ChartError, Colour, OUTLINE_COLOUR, Rendered, percent_rounded};
use std::fmt::Write as _;

const TOP: f64 = 40.0;
const BAR_START: f64 = 12.0;
const BAR_AREA: f64 = 616.0;
const BAR_HEIGHT: f64 = 32.0;
const LEGEND_ROW: f64 = 22.0;

/// A stacked 100% bar, validated at construction.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedBar {
    title: String,
    summary: String,
    segments: Vec<Segment>,
}

/// One category of a [`StackedBar`]: a label, a count and a colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    label: String,
    count: u64,
    colour: Option<Colour>,
}

impl Segment {
    /// A segment; the label must not be empty. A zero count is allowed (it is listed, not drawn).
    pub fn new(label: &str, count: u64) -> Result<Segment, ChartError> {
        if label.trim().is_empty() {
            return Err(ChartError::EmptyLabel);
        }
        Ok(Segment {
            label: label.to_owned(),
            count,
            colour: None,
        })
    }

    /// Chooses the segment's colour (otherwise the palette order is used).
    pub fn with_colour(mut self, colour: Colour) -> Segment {
        self.colour = Some(colour);
        self
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The count.
    pub fn count(&self) -> u64 {
        self.count
    }
}

impl StackedBar {
    /// A stacked bar of the given segments (at least one) under a non-empty title.
    pub fn new(title: &str, segments: Vec<Segment>) -> Result<StackedBar, ChartError> {
        if title.trim().is_empty() {
            return Err(ChartError::EmptyTitle);
        }
        if segments.is_empty() {
            return Err(ChartError::NoData);
        }
        Ok(StackedBar {
            title: title.to_owned(),
            summary: String::new(),
            segments,
        })
    }

    /// A sentence put before the data in the description (the chart's main message).
    pub fn with_summary(mut self, summary: &str) -> StackedBar {
        self.summary = summary.to_owned();
        self
    }

    /// The sum of the counts.
    pub fn total(&self) -> u64 {
        self.segments.iter().map(|segment| segment.count).sum()
    }

    fn share_text(&self, count: u64) -> String {
        match percent_rounded(count, self.total()) {
            Some(percent) => format!("{count} ({percent}%)"),
            None => count.to_string(),
        }
    }

    /// The description: the summary, the total, then every segment's count and share in words.
    pub fn description(&self) -> String {
        let items: Vec<String> = self
            .segments
            .iter()
            .map(|segment| format!("{}: {}", segment.label, self.share_text(segment.count)))
            .collect();
        let data = format!(
            "Stacked bar of shares, total {}. {}.",
            self.total(),
            items.join("; ")
        );
        if self.summary.is_empty() {
            data
        } else {
            format!("{} {data}", self.summary)
        }
    }

    /// The chart as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        self.render().svg
    }

    /// The chart as a standalone SVG document with its size.
    pub fn render(&self) -> Rendered {
        let legend_top = TOP + BAR_HEIGHT + 14.0;
        let height = (legend_top + LEGEND_ROW * self.segments.len() as f64 + 6.0).ceil() as u32;
        let mut frame = Frame::open(WIDTH, height, &self.title, &self.description(), "stacked");
        frame.heading(&self.title);
        let total = self.total();
        if total == 0 {
            let _ = write!(
                frame.out,
                "<rect class=\"empty\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#FFFFFF\" stroke=\"{OUTLINE_COLOUR}\" stroke-dasharray=\"4 3\"/>",
                format_number(BAR_START),
                format_number(TOP),
                format_number(BAR_AREA),
                format_number(BAR_HEIGHT)
            );
            frame.note(BAR_START + 8.0, TOP + 21.0, "No data yet");
        }
        let mut cumulative = 0u64;
        for (index, segment) in self.segments.iter().enumerate() {
            let colour = segment.colour.unwrap_or_else(|| Colour::nth(index));
            if segment.count > 0 && total > 0 {
                // Positions come from cumulative counts, so segments tile the bar exactly.
                let start = BAR_START + BAR_AREA * cumulative as f64 / total as f64;
                let width = BAR_AREA * segment.count as f64 / total as f64;
                let fill = frame.fill(colour);
                let _ = write!(
                    frame.out,
                    "<rect class=\"segment\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{OUTLINE_COLOUR}\" stroke-width=\"1\"><title>{}</title></rect>",
                    format_number(start),
                    format_number(TOP),
                    format_number(width),
                    format_number(BAR_HEIGHT),
                    escape_xml(&format!(
                        "{}: {}",
                        segment.label,
                        self.share_text(segment.count)
                    ))
                );
            }
            cumulative += segment.count;
            let row_top = legend_top + LEGEND_ROW * index as f64;
            frame.swatch(BAR_START, row_top, colour);
            let _ = write!(
                frame.out,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                format_number(BAR_START + 22.0),
                format_number(row_top + 11.5),
                escape_xml(&format!(
                    "{}: {}",
                    segment.label,
                    self.share_text(segment.count)
                ))
            );
        }
        frame.finish(WIDTH, height)
    }
}
