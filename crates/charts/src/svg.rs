//! The SVG writing shared by every chart: escaping, number formatting, the document frame with
//! its accessible title and description, and the fill patterns that pair with each colour.

use crate::{Colour, MUTED_TEXT_COLOUR, OUTLINE_COLOUR, TEXT_COLOUR};
use std::fmt::Write as _;

/// The width of every chart, in SVG user units (pixels at 100% zoom).
pub(crate) const WIDTH: u32 = 640;

/// A rendered chart: a standalone SVG document and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The SVG document text.
    pub svg: String,
    /// Its width in user units.
    pub width: u32,
    /// Its height in user units.
    pub height: u32,
}

/// Escapes text for XML element content and attribute values (`&`, `<`, `>`, `"`, `'`), and
/// replaces characters XML 1.0 does not allow (control characters other than tab, line feed and
/// carriage return) with U+FFFD.
pub fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(character),
            control
                if (control as u32) < 0x20 || control == '\u{FFFE}' || control == '\u{FFFF}' =>
            {
                escaped.push('\u{FFFD}')
            }
            other => escaped.push(other),
        }
    }
    escaped
}

/// Formats a number with at most two decimals and no trailing zeros (`52`, `48.5`, `0.33`), the
/// same on every platform; `-0` prints as `0`.
pub fn format_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Stacks rendered charts vertically into one standalone SVG image with its own title and
/// description (for the embeddable press image); the title is also shown as a headline on top.
pub fn compose(title: &str, description: &str, parts: &[Rendered]) -> String {
    const HEADLINE: u32 = 40;
    let width = parts.iter().map(|part| part.width).max().unwrap_or(WIDTH);
    let height: u32 = HEADLINE + parts.iter().map(|part| part.height).sum::<u32>();
    let mut frame = Frame::open(width, height, title, description, "composed");
    let _ = write!(
        frame.out,
        "<text class=\"headline\" x=\"12\" y=\"28\" font-size=\"20\" font-weight=\"bold\">{}</text>",
        escape_xml(&shorten(title, 56))
    );
    let mut top = HEADLINE;
    for part in parts {
        let _ = write!(
            frame.out,
            "<g transform=\"translate(0 {top})\">{}</g>",
            part.svg
        );
        top += part.height;
    }
    frame.finish(width, height).svg
}

/// A document being written: the opening tag, title, description, patterns and background are
/// written by [`Frame::open`]; the chart appends its shapes to `out`.
pub(crate) struct Frame {
    pub(crate) out: String,
    /// A prefix for element ids, derived from the title and kind, so that several charts inlined
    /// in one HTML page do not share ids.
    pub(crate) id: String,
}

impl Frame {
    /// Opens the document of the given size.
    pub(crate) fn open(
        width: u32,
        height: u32,
        title: &str,
        description: &str,
        kind: &str,
    ) -> Frame {
        let id = format!(
            "chart-{kind}-{:08x}",
            fnv1a(&[kind, "\u{0}", title, "\u{0}", description].concat())
        );
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
             font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" font-size=\"13\" fill=\"{TEXT_COLOUR}\">"
        );
        let _ = write!(
            out,
            "<title id=\"{id}-title\">{}</title>",
            escape_xml(title)
        );
        let _ = write!(
            out,
            "<desc id=\"{id}-desc\">{}</desc>",
            escape_xml(description)
        );
        out.push_str("<defs>");
        for colour in Colour::ALL {
            out.push_str(&pattern(&id, colour));
        }
        out.push_str("</defs>");
        let _ = write!(
            out,
            "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#FFFFFF\"/>"
        );
        Frame { out, id }
    }

    /// The fill of a coloured area: the pattern that carries the colour and its texture.
    pub(crate) fn fill(&self, colour: Colour) -> String {
        format!("url(#{}-p{})", self.id, colour.index())
    }

    /// Writes the chart title as a visible heading at the top.
    pub(crate) fn heading(&mut self, title: &str) {
        let _ = write!(
            self.out,
            "<text x=\"12\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>",
            escape_xml(title)
        );
    }

    /// Writes a line of secondary text.
    pub(crate) fn note(&mut self, x: f64, y: f64, text: &str) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" fill=\"{MUTED_TEXT_COLOUR}\" font-size=\"12\">{}</text>",
            format_number(x),
            format_number(y),
            escape_xml(text)
        );
    }

    /// Writes a small swatch (for legends) in the colour's fill.
    pub(crate) fn swatch(&mut self, x: f64, y: f64, colour: Colour) {
        let fill = self.fill(colour);
        let _ = write!(
            self.out,
            "<rect class=\"swatch\" x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"{OUTLINE_COLOUR}\" stroke-width=\"1\"/>",
            format_number(x),
            format_number(y)
        );
    }

    pub(crate) fn finish(mut self, width: u32, height: u32) -> Rendered {
        self.out.push_str("</svg>");
        Rendered {
            svg: self.out,
            width,
            height,
        }
    }
}

/// Shortens a label for display (the full label stays in the description), cutting at a
/// character boundary and adding an ellipsis.
pub(crate) fn shorten(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        label.to_owned()
    } else {
        let mut short: String = label.chars().take(max_chars.saturating_sub(1)).collect();
        short.push('…');
        short
    }
}

/// A fill pattern: the colour as background with a texture of its own drawn in dark strokes.
fn pattern(id: &str, colour: Colour) -> String {
    let index = colour.index();
    let (rotation, texture) = match index {
        0 => (0, ""),
        1 => (
            45,
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#000000\" stroke-opacity=\"0.5\" stroke-width=\"2\"/>",
        ),
        2 => (
            0,
            "<circle cx=\"4\" cy=\"4\" r=\"1.5\" fill=\"#000000\" fill-opacity=\"0.55\"/>",
        ),
        3 => (
            -45,
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#000000\" stroke-opacity=\"0.5\" stroke-width=\"2\"/>",
        ),
        4 => (
            0,
            "<line x1=\"0\" y1=\"4\" x2=\"8\" y2=\"4\" stroke=\"#000000\" stroke-opacity=\"0.45\" stroke-width=\"1.5\"/>",
        ),
        5 => (
            45,
            "<path d=\"M0 0V8M0 4H8\" stroke=\"#000000\" stroke-opacity=\"0.45\" stroke-width=\"1.5\"/>",
        ),
        6 => (
            0,
            "<path d=\"M4 0V8\" stroke=\"#000000\" stroke-opacity=\"0.45\" stroke-width=\"1.5\"/>",
        ),
        _ => (
            0,
            "<path d=\"M0 8L8 0\" stroke=\"#000000\" stroke-opacity=\"0.3\" stroke-width=\"1\"/>",
        ),
    };
    let transform = if rotation == 0 {
        String::new()
    } else {
        format!(" patternTransform=\"rotate({rotation})\"")
    };
    format!(
        "<pattern id=\"{id}-p{index}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"{transform}>\
         <rect x=\"0\" y=\"0\" width=\"8\" height=\"8\" fill=\"{}\"/>{texture}</pattern>",
        colour.hex()
    )
}

/// FNV-1a, 32 bits: a tiny stable hash for id prefixes (not for security).
fn fnv1a(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}
