//! Accessible SVG charts for public pages and press articles: pictures people would rather look at
//! than read, that still say everything in words.
//!
//! Three charts: [`BarChart`] (horizontal bars with optional target ranges, e.g. a panel's
//! composition against its quotas), [`StackedBar`] (one 100% bar of the shares of categories,
//! e.g. the authority's responses by type) and [`GroupedBarChart`] (one bar per series in each
//! group, e.g. the share accepted among high- and low-support recommendations).
//! [`compose`] stacks several rendered charts into one standalone image.
//!
//! Every chart is a standalone SVG document (`xmlns`, `viewBox`, `width`, `height`) with
//! `role="img"`, a `<title>` and a `<desc>` that states all the data in words, so a screen reader
//! user gets the same information as a sighted reader.
//! Colours come from the Okabe–Ito palette (distinguishable with the common colour-vision
//! deficiencies), every coloured area also carries a pattern and a dark outline, and every bar or
//! segment is labelled directly with its name and value, so colour is never the only carrier.
//! Text is near-black on a white background (contrast above 15:1, WCAG AA asks 4.5:1).
//! All text is XML-escaped and numbers are formatted the same way on every platform.
//!
//! **Architecture Invariant:** pure: no IO, no serde, no clock, no dependency but `thiserror`;
//! the same input always gives byte-identical output.
//!
//! ```
//! use charts::{Bar, BarChart};
//!
//! let chart = BarChart::new(
//!     "Panel by gender",
//!     vec![
//!         Bar::new("Women", 52.0)?.with_target(48.0, 52.0)?,
//!         Bar::new("Men", 45.0)?.with_target(46.0, 50.0)?,
//!     ],
//! )?;
//! assert!(chart.description().ends_with("Men: 45 (target 46 to 50, below target)."));
//! let svg = chart.to_svg();
//! assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
//! # Ok::<(), charts::ChartError>(())
//! ```

#![deny(missing_docs)]

mod bar;
mod grouped;
mod stacked;
mod svg;

pub use bar::{Bar, BarChart, TargetRange};
pub use grouped::{Group, GroupedBarChart};
pub use stacked::{Segment, StackedBar};
pub use svg::{Rendered, compose, escape_xml, format_number};

/// Why a chart could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// The chart title is empty (it is the accessible name of the image).
    #[error("the chart title is empty")]
    EmptyTitle,
    /// A label (bar, segment, group or series) is empty.
    #[error("a label is empty")]
    EmptyLabel,
    /// A value is negative, infinite or not a number.
    #[error("the value of {label:?} is not a finite number of zero or more")]
    InvalidValue {
        /// The label of the bar the value belongs to.
        label: String,
    },
    /// A target range has its minimum above its maximum, or a bound that is not finite and non-negative.
    #[error(
        "the target range of {label:?} is invalid: the minimum must be at most the maximum, both finite and zero or more"
    )]
    InvalidTarget {
        /// The label of the bar the target belongs to.
        label: String,
    },
    /// The chart has nothing to draw.
    #[error("the chart has no bars, segments or groups")]
    NoData,
    /// A group of a grouped bar chart has a different number of values than there are series.
    #[error("group {group:?} has {found} values but there are {expected} series")]
    SeriesMismatch {
        /// The group's label.
        group: String,
        /// The number of series.
        expected: usize,
        /// The number of values in the group.
        found: usize,
    },
    /// The fixed scale maximum is below a value or a target, or is not a positive finite number.
    #[error("the scale maximum must be positive and at least every value and target")]
    InvalidScale,
}

/// A colour of the Okabe–Ito palette (plus a neutral grey for "missing" categories).
///
/// The palette stays distinguishable with protanopia, deuteranopia and tritanopia; each colour
/// also has its own fill pattern so that the chart still reads in greyscale print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Colour {
    /// Okabe–Ito blue, `#0072B2`.
    Blue,
    /// Okabe–Ito orange, `#E69F00`.
    Orange,
    /// Okabe–Ito bluish green, `#009E73`.
    BluishGreen,
    /// Okabe–Ito vermillion, `#D55E00`.
    Vermillion,
    /// Okabe–Ito sky blue, `#56B4E9`.
    SkyBlue,
    /// Okabe–Ito reddish purple, `#CC79A7`.
    ReddishPurple,
    /// Okabe–Ito yellow, `#F0E442`.
    Yellow,
    /// A neutral light grey, `#BBBBBB`, for "no answer yet" or "not judged yet".
    Grey,
}

impl Colour {
    /// Every colour, in the order used for automatic assignment to series and segments.
    pub const ALL: [Colour; 8] = [
        Colour::Blue,
        Colour::Orange,
        Colour::BluishGreen,
        Colour::Vermillion,
        Colour::SkyBlue,
        Colour::ReddishPurple,
        Colour::Yellow,
        Colour::Grey,
    ];

    /// The colour for the item at `index` when the caller does not choose one.
    pub fn nth(index: usize) -> Colour {
        Colour::ALL[index % Colour::ALL.len()]
    }

    /// The hex code, e.g. `#0072B2`.
    pub fn hex(self) -> &'static str {
        match self {
            Colour::Blue => "#0072B2",
            Colour::Orange => "#E69F00",
            Colour::BluishGreen => "#009E73",
            Colour::Vermillion => "#D55E00",
            Colour::SkyBlue => "#56B4E9",
            Colour::ReddishPurple => "#CC79A7",
            Colour::Yellow => "#F0E442",
            Colour::Grey => "#BBBBBB",
        }
    }

    fn index(self) -> usize {
        Colour::ALL
            .iter()
            .position(|colour| *colour == self)
            .unwrap_or(0)
    }
}

/// The colour of all text: near-black, 17.4:1 against white.
pub const TEXT_COLOUR: &str = "#1A1A1A";
/// The colour of secondary text (notes, axis hints): 7:1 against white.
pub const MUTED_TEXT_COLOUR: &str = "#595959";
/// The outline of every bar and segment and the target marks: above 3:1 against white and against
/// every palette colour's neighbour, so shapes are visible without relying on their fill.
pub const OUTLINE_COLOUR: &str = "#1A1A1A";

/// The WCAG 2 contrast ratio between two `#RRGGBB` colours (1.0 to 21.0), or `None` if a code is
/// not of that form.
pub fn contrast_ratio(first: &str, second: &str) -> Option<f64> {
    let first = relative_luminance(first)?;
    let second = relative_luminance(second)?;
    let (light, dark) = if first >= second {
        (first, second)
    } else {
        (second, first)
    };
    Some((light + 0.05) / (dark + 0.05))
}

fn relative_luminance(hex: &str) -> Option<f64> {
    let digits = hex.strip_prefix('#')?;
    if digits.len() != 6 || !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |range: std::ops::Range<usize>| -> Option<f64> {
        let value = f64::from(u8::from_str_radix(&digits[range], 16).ok()?) / 255.0;
        Some(if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0..2)? + 0.7152 * channel(2..4)? + 0.0722 * channel(4..6)?)
}

/// `part` as a whole percentage of `whole`, rounded half up with integer arithmetic (12.5% → 13%,
/// 10.07% → 10%), or `None` when `whole` is zero.
///
/// This is the one rounding rule of the charts and the scorecard, so a chart and the sentence
/// next to it never disagree; the rounded shares of a breakdown need not add up to exactly 100.
pub fn percent_rounded(part: u64, whole: u64) -> Option<u64> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    Some(((part * 200 + whole) / (whole * 2)) as u64)
}
