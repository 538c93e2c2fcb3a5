//! The horizontal bar chart: one labelled bar per item, with an optional target range per bar
//! drawn as a shaded band with marks at its minimum and maximum (a panel against its quotas).

use crate::svg::{Frame, WIDTH, escape_xml, format_number, shorten};
use crate::{ChartError, Colour, OUTLINE_COLOUR, Rendered};
use std::fmt::Write as _;

const TOP: f64 = 44.0;
const ROW: f64 = 30.0;
const BAR_HEIGHT: f64 = 18.0;
const LABEL_END: f64 = 192.0;
const BAR_START: f64 = 200.0;
const BAR_AREA: f64 = 290.0;

/// A horizontal bar chart, validated at construction.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    title: String,
    summary: String,
    unit: String,
    bars: Vec<Bar>,
    scale_max: Option<f64>,
}

/// One bar: a label, a value, an optional target range and an optional colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    label: String,
    value: f64,
    target: Option<TargetRange>,
    colour: Option<Colour>,
    note: String,
}

/// The target range of a bar (e.g. a quota's minimum and maximum), min ≤ max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetRange {
    min: f64,
    max: f64,
}

impl TargetRange {
    /// The minimum.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The maximum.
    pub fn max(&self) -> f64 {
        self.max
    }

    fn words(&self, value: f64) -> String {
        let position = if value < self.min {
            "below target"
        } else if value > self.max {
            "above target"
        } else {
            "within target"
        };
        format!(
            "target {} to {}, {position}",
            format_number(self.min),
            format_number(self.max)
        )
    }
}

impl Bar {
    /// A bar; the label must not be empty and the value must be finite and zero or more.
    pub fn new(label: &str, value: f64) -> Result<Bar, ChartError> {
        if label.trim().is_empty() {
            return Err(ChartError::EmptyLabel);
        }
        if !value.is_finite() || value < 0.0 {
            return Err(ChartError::InvalidValue {
                label: label.to_owned(),
            });
        }
        Ok(Bar {
            label: label.to_owned(),
            value,
            target: None,
            colour: None,
            note: String::new(),
        })
    }

    /// Adds a target range from `min` to `max` (both finite, zero or more, min ≤ max).
    pub fn with_target(mut self, min: f64, max: f64) -> Result<Bar, ChartError> {
        if !min.is_finite() || !max.is_finite() || min < 0.0 || min > max {
            return Err(ChartError::InvalidTarget { label: self.label });
        }
        self.target = Some(TargetRange { min, max });
        Ok(self)
    }

    /// A short note written after the value, in brackets, e.g. `6 of 40` after `15%`.
    pub fn with_note(mut self, note: &str) -> Bar {
        self.note = note.trim().to_owned();
        self
    }

    /// Chooses the bar's colour (otherwise every bar is blue).
    pub fn with_colour(mut self, colour: Colour) -> Bar {
        self.colour = Some(colour);
        self
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The target range, if any.
    pub fn target(&self) -> Option<TargetRange> {
        self.target
    }
}

impl BarChart {
    /// A chart of the given bars (at least one) under a non-empty title.
    pub fn new(title: &str, bars: Vec<Bar>) -> Result<BarChart, ChartError> {
        if title.trim().is_empty() {
            return Err(ChartError::EmptyTitle);
        }
        if bars.is_empty() {
            return Err(ChartError::NoData);
        }
        Ok(BarChart {
            title: title.to_owned(),
            summary: String::new(),
            unit: String::new(),
            bars,
            scale_max: None,
        })
    }

    /// A unit written after every value, e.g. `%` or ` members`.
    pub fn with_unit(mut self, unit: &str) -> BarChart {
        self.unit = unit.to_owned();
        self
    }

    /// A sentence put before the data in the description (the chart's main message).
    pub fn with_summary(mut self, summary: &str) -> BarChart {
        self.summary = summary.to_owned();
        self
    }

    /// Fixes the value at the right end of the scale (e.g. 100 for percentages); it must be
    /// positive and at least every value and target maximum.
    pub fn with_scale_max(mut self, scale_max: f64) -> Result<BarChart, ChartError> {
        if !scale_max.is_finite() || scale_max <= 0.0 || scale_max < self.data_max() {
            return Err(ChartError::InvalidScale);
        }
        self.scale_max = Some(scale_max);
        Ok(self)
    }

    /// The bars.
    pub fn bars(&self) -> &[Bar] {
        &self.bars
    }

    fn data_max(&self) -> f64 {
        self.bars
            .iter()
            .map(|bar| {
                bar.target
                    .map_or(bar.value, |target| target.max.max(bar.value))
            })
            .fold(0.0, f64::max)
    }

    /// The description: the summary, then every bar's label, value and target in words.
    pub fn description(&self) -> String {
        let items: Vec<String> = self
            .bars
            .iter()
            .map(|bar| {
                let mut item = format!("{}: {}{}", bar.label, format_number(bar.value), self.unit);
                if !bar.note.is_empty() {
                    item = format!("{item} ({})", bar.note);
                }
                match bar.target {
                    Some(target) => format!("{item} ({})", target.words(bar.value)),
                    None => item,
                }
            })
            .collect();
        let count = self.bars.len();
        let data = format!(
            "Bar chart, {count} bar{}. {}.",
            if count == 1 { "" } else { "s" },
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
        let has_targets = self.bars.iter().any(|bar| bar.target.is_some());
        let rows_end = TOP + ROW * self.bars.len() as f64;
        let height = (rows_end + if has_targets { 28.0 } else { 0.0 } + 12.0).ceil() as u32;
        let mut frame = Frame::open(WIDTH, height, &self.title, &self.description(), "bar");
        frame.heading(&self.title);
        let scale_max = self.scale_max.unwrap_or_else(|| self.data_max());
        let scale = if scale_max > 0.0 {
            BAR_AREA / scale_max
        } else {
            0.0
        };
        for (index, bar) in self.bars.iter().enumerate() {
            let row_top = TOP + ROW * index as f64;
            let bar_top = row_top + (ROW - BAR_HEIGHT) / 2.0;
            let text_y = row_top + ROW / 2.0 + 4.5;
            let width = bar.value * scale;
            let _ = write!(
                frame.out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                format_number(LABEL_END),
                format_number(text_y),
                escape_xml(&shorten(&bar.label, 24))
            );
            if let Some(target) = bar.target {
                let _ = write!(
                    frame.out,
                    "<rect class=\"target\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#000000\" fill-opacity=\"0.12\"/>",
                    format_number(BAR_START + target.min * scale),
                    format_number(row_top + 2.0),
                    format_number((target.max - target.min) * scale),
                    format_number(ROW - 4.0)
                );
            }
            let fill = frame.fill(bar.colour.unwrap_or(Colour::Blue));
            let _ = write!(
                frame.out,
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{OUTLINE_COLOUR}\" stroke-width=\"1\"/>",
                format_number(BAR_START),
                format_number(bar_top),
                format_number(width),
                format_number(BAR_HEIGHT)
            );
            let mut text_x = BAR_START + width;
            let mut value_text = format!("{}{}", format_number(bar.value), self.unit);
            if !bar.note.is_empty() {
                value_text = format!("{value_text} ({})", bar.note);
            }
            if let Some(target) = bar.target {
                for bound in [target.min, target.max] {
                    let x = format_number(BAR_START + bound * scale);
                    let _ = write!(
                        frame.out,
                        "<line class=\"target-mark\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{OUTLINE_COLOUR}\" stroke-width=\"2\"/>",
                        format_number(row_top + 1.0),
                        format_number(row_top + ROW - 1.0)
                    );
                }
                text_x = text_x.max(BAR_START + target.max * scale);
                value_text = format!(
                    "{value_text} (target {}–{})",
                    format_number(target.min),
                    format_number(target.max)
                );
            }
            let _ = write!(
                frame.out,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                format_number(text_x + 6.0),
                format_number(text_y),
                escape_xml(&value_text)
            );
        }
        if has_targets {
            frame.note(
                BAR_START,
                rows_end + 18.0,
                "Shaded band with marks: the target range (minimum to maximum)",
            );
        }
        frame.finish(WIDTH, height)
    }
}
