//! The grouped bar chart: for each group (e.g. "support of 90% or more"), one horizontal bar per
//! series (e.g. "accepted in full", "fully taken up"), each labelled with its series and value.

use crate::svg::{Frame, WIDTH, escape_xml, format_number, shorten};
use crate::{ChartError, Colour, OUTLINE_COLOUR, Rendered};
use std::fmt::Write as _;

const TOP: f64 = 40.0;
const GROUP_HEADER: f64 = 24.0;
const ROW: f64 = 24.0;
const BAR_HEIGHT: f64 = 16.0;
const GROUP_GAP: f64 = 8.0;
const LABEL_END: f64 = 192.0;
const BAR_START: f64 = 200.0;
const BAR_AREA: f64 = 330.0;

/// A grouped bar chart, validated at construction.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedBarChart {
    title: String,
    summary: String,
    unit: String,
    series: Vec<String>,
    groups: Vec<Group>,
    scale_max: Option<f64>,
}

/// One group: a label and one value per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    label: String,
    values: Vec<f64>,
}

impl Group {
    /// A group; the label must not be empty and every value finite and zero or more.
    pub fn new(label: &str, values: Vec<f64>) -> Result<Group, ChartError> {
        if label.trim().is_empty() {
            return Err(ChartError::EmptyLabel);
        }
        if values
            .iter()
            .any(|value| !value.is_finite() || *value < 0.0)
        {
            return Err(ChartError::InvalidValue {
                label: label.to_owned(),
            });
        }
        Ok(Group {
            label: label.to_owned(),
            values,
        })
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The values, one per series.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

impl GroupedBarChart {
    /// A chart of `groups` (at least one), each with one value per entry of `series` (at least one).
    pub fn new(
        title: &str,
        series: &[&str],
        groups: Vec<Group>,
    ) -> Result<GroupedBarChart, ChartError> {
        if title.trim().is_empty() {
            return Err(ChartError::EmptyTitle);
        }
        if series.iter().any(|name| name.trim().is_empty()) {
            return Err(ChartError::EmptyLabel);
        }
        if series.is_empty() || groups.is_empty() {
            return Err(ChartError::NoData);
        }
        if let Some(group) = groups
            .iter()
            .find(|group| group.values.len() != series.len())
        {
            return Err(ChartError::SeriesMismatch {
                group: group.label.clone(),
                expected: series.len(),
                found: group.values.len(),
            });
        }
        Ok(GroupedBarChart {
            title: title.to_owned(),
            summary: String::new(),
            unit: String::new(),
            series: series.iter().map(|name| (*name).to_owned()).collect(),
            groups,
            scale_max: None,
        })
    }

    /// A unit written after every value, e.g. `%`.
    pub fn with_unit(mut self, unit: &str) -> GroupedBarChart {
        self.unit = unit.to_owned();
        self
    }

    /// A sentence put before the data in the description (the chart's main message).
    pub fn with_summary(mut self, summary: &str) -> GroupedBarChart {
        self.summary = summary.to_owned();
        self
    }

    /// Fixes the value at the right end of the scale (e.g. 100 for percentages); it must be
    /// positive and at least every value.
    pub fn with_scale_max(mut self, scale_max: f64) -> Result<GroupedBarChart, ChartError> {
        if !scale_max.is_finite() || scale_max <= 0.0 || scale_max < self.data_max() {
            return Err(ChartError::InvalidScale);
        }
        self.scale_max = Some(scale_max);
        Ok(self)
    }

    fn data_max(&self) -> f64 {
        self.groups
            .iter()
            .flat_map(|group| group.values.iter().copied())
            .fold(0.0, f64::max)
    }

    /// The description: the summary, then every group with every series' value in words.
    pub fn description(&self) -> String {
        let items: Vec<String> = self
            .groups
            .iter()
            .map(|group| {
                let values: Vec<String> = self
                    .series
                    .iter()
                    .zip(&group.values)
                    .map(|(name, value)| format!("{name} {}{}", format_number(*value), self.unit))
                    .collect();
                format!("{}: {}", group.label, values.join(", "))
            })
            .collect();
        let data = format!(
            "Grouped bar chart, {} groups of {} series. {}.",
            self.groups.len(),
            self.series.len(),
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
        let group_height = GROUP_HEADER + ROW * self.series.len() as f64 + GROUP_GAP;
        let height = (TOP + group_height * self.groups.len() as f64 + 6.0).ceil() as u32;
        let mut frame = Frame::open(WIDTH, height, &self.title, &self.description(), "grouped");
        frame.heading(&self.title);
        let scale_max = self.scale_max.unwrap_or_else(|| self.data_max());
        let scale = if scale_max > 0.0 {
            BAR_AREA / scale_max
        } else {
            0.0
        };
        for (group_index, group) in self.groups.iter().enumerate() {
            let group_top = TOP + group_height * group_index as f64;
            let _ = write!(
                frame.out,
                "<text x=\"12\" y=\"{}\" font-weight=\"bold\">{}</text>",
                format_number(group_top + 16.0),
                escape_xml(&shorten(&group.label, 70))
            );
            for (series_index, (name, value)) in self.series.iter().zip(&group.values).enumerate() {
                let row_top = group_top + GROUP_HEADER + ROW * series_index as f64;
                let text_y = row_top + ROW / 2.0 + 4.5;
                let width = value * scale;
                let fill = frame.fill(Colour::nth(series_index));
                let _ = write!(
                    frame.out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
                     <rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{OUTLINE_COLOUR}\" stroke-width=\"1\"/>\
                     <text x=\"{}\" y=\"{}\">{}</text>",
                    format_number(LABEL_END),
                    format_number(text_y),
                    escape_xml(&shorten(name, 24)),
                    format_number(BAR_START),
                    format_number(row_top + (ROW - BAR_HEIGHT) / 2.0),
                    format_number(width),
                    format_number(BAR_HEIGHT),
                    format_number(BAR_START + width + 6.0),
                    format_number(text_y),
                    escape_xml(&format!("{}{}", format_number(*value), self.unit))
                );
            }
        }
        frame.finish(WIDTH, height)
    }
}
