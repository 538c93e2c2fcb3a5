//! Feature tests of the charts: every chart is well-formed standalone SVG with an accessible name
//! and a description of its data, bars are drawn to scale, text is escaped, colours are readable.

mod xml;

use charts::{
    Bar, BarChart, ChartError, Colour, Group, GroupedBarChart, MUTED_TEXT_COLOUR, OUTLINE_COLOUR,
    Segment, StackedBar, TEXT_COLOUR, compose, contrast_ratio, format_number, percent_rounded,
};
use xml::Element;

/// Parses `svg`, checks the standalone-document and accessibility attributes of the root, and
/// returns the elements.
#[track_caller]
fn check_document(svg: &str) -> Vec<Element> {
    let elements =
        xml::parse(svg).unwrap_or_else(|error| panic!("not well-formed: {error}\n{svg}"));
    let root = &elements[0];
    assert_eq!(root.name, "svg");
    assert_eq!(root.attribute("xmlns"), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attribute("role"), Some("img"));
    let (width, height) = (root.number("width"), root.number("height"));
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {width} {height}").as_str())
    );
    let labelled_by = root.attribute("aria-labelledby").expect("aria-labelledby");
    for id in labelled_by.split(' ') {
        assert!(
            elements
                .iter()
                .any(|element| element.attribute("id") == Some(id)),
            "aria-labelledby names a missing id {id}"
        );
    }
    assert_eq!(elements[1].name, "title", "the title is the first child");
    assert_eq!(elements[2].name, "desc");
    elements
}

fn text_of<'a>(elements: &'a [Element], name: &str) -> &'a str {
    &elements
        .iter()
        .find(|element| element.name == name && element.depth == 1)
        .expect(name)
        .text
}

fn with_class<'a>(elements: &'a [Element], class: &str) -> Vec<&'a Element> {
    elements
        .iter()
        .filter(|element| element.attribute("class") == Some(class))
        .collect()
}

fn all_text(elements: &[Element]) -> String {
    elements
        .iter()
        .filter(|element| element.name == "text")
        .map(|element| element.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_bar_chart_is_a_standalone_accessible_svg_that_states_its_data_in_words() {
    let chart = BarChart::new(
        "Panel composition by gender",
        vec![
            Bar::new("Women", 52.0)
                .unwrap()
                .with_target(48.0, 52.0)
                .unwrap(),
            Bar::new("Men", 45.0)
                .unwrap()
                .with_target(46.0, 50.0)
                .unwrap(),
            Bar::new("Non-binary", 3.0).unwrap().with_note("no quota"),
        ],
    )
    .unwrap()
    .with_summary("The panel meets its gender quotas but one.");
    let elements = check_document(&chart.to_svg());
    assert_eq!(text_of(&elements, "title"), "Panel composition by gender");
    assert_eq!(
        text_of(&elements, "desc"),
        "The panel meets its gender quotas but one. Bar chart, 3 bars. Women: 52 (target 48 to 52, within target); \
         Men: 45 (target 46 to 50, below target); Non-binary: 3 (no quota)."
    );
    let visible = all_text(&elements);
    for label in [
        "Panel composition by gender",
        "Women",
        "52 (target 48–52)",
        "45 (target 46–50)",
        "Non-binary",
        "3 (no quota)",
    ] {
        assert!(
            visible.lines().any(|line| line == label),
            "{label:?} is not written on the chart:\n{visible}"
        );
    }
    assert_eq!(
        with_class(&elements, "target").len(),
        2,
        "one band per target"
    );
    assert_eq!(
        with_class(&elements, "target-mark").len(),
        4,
        "a min and a max mark per target"
    );
}

#[test]
fn bar_widths_are_proportional_to_the_values() {
    let values = [10.0, 25.0, 40.0, 0.0, 7.5];
    let bars = values
        .iter()
        .enumerate()
        .map(|(index, value)| Bar::new(&format!("item {index}"), *value).unwrap())
        .collect();
    let elements = check_document(&BarChart::new("Proportions", bars).unwrap().to_svg());
    let widths: Vec<f64> = with_class(&elements, "bar")
        .iter()
        .map(|bar| bar.number("width"))
        .collect();
    assert_eq!(widths.len(), values.len());
    let scale = widths[2] / 40.0;
    assert!(scale > 1.0, "the largest bar fills the plot area");
    for (width, value) in widths.iter().zip(values) {
        assert!(
            (width - value * scale).abs() <= 0.01,
            "width {width} for value {value} at scale {scale}"
        );
    }
}

#[test]
fn a_target_band_spans_its_range_on_the_same_scale_as_the_bars() {
    let chart = BarChart::new(
        "Age",
        vec![
            Bar::new("16-29", 20.0)
                .unwrap()
                .with_target(15.0, 30.0)
                .unwrap(),
        ],
    )
    .unwrap()
    .with_scale_max(60.0)
    .unwrap();
    let elements = check_document(&chart.to_svg());
    let bar = with_class(&elements, "bar")[0];
    let band = with_class(&elements, "target")[0];
    let scale = bar.number("width") / 20.0;
    assert!((band.number("width") - 15.0 * scale).abs() <= 0.01);
    assert!((band.number("x") - (bar.number("x") + 15.0 * scale)).abs() <= 0.01);
    let marks: Vec<f64> = with_class(&elements, "target-mark")
        .iter()
        .map(|mark| mark.number("x1"))
        .collect();
    assert!((marks[0] - (bar.number("x") + 15.0 * scale)).abs() <= 0.01);
    assert!((marks[1] - (bar.number("x") + 30.0 * scale)).abs() <= 0.01);
}

#[test]
fn every_text_is_escaped_including_script_tags_and_ampersands() {
    let nasty = "<script>alert(\"x\")</script> & 'co' \u{1}";
    let bar = BarChart::new(nasty, vec![Bar::new(nasty, 1.0).unwrap()])
        .unwrap()
        .with_summary(nasty)
        .with_unit(" <b>&");
    let stacked = StackedBar::new(nasty, vec![Segment::new(nasty, 3).unwrap()])
        .unwrap()
        .with_summary(nasty);
    let grouped =
        GroupedBarChart::new(nasty, &[nasty], vec![Group::new(nasty, vec![2.0]).unwrap()]).unwrap();
    for svg in [bar.to_svg(), stacked.to_svg(), grouped.to_svg()] {
        assert!(!svg.contains("<script"), "a raw <script> tag got through");
        assert!(!svg.contains("<b>"));
        let elements = check_document(&svg);
        assert_eq!(
            text_of(&elements, "title"),
            "<script>alert(\"x\")</script> & 'co' \u{FFFD}"
        );
        assert!(text_of(&elements, "desc").contains("<script>alert(\"x\")</script> & 'co'"));
        assert!(
            all_text(&elements).contains("& 'co'"),
            "the label is shown, decoded, on the chart"
        );
    }
}

#[test]
fn a_stacked_bar_tiles_its_width_in_proportion_to_the_counts_and_labels_every_share() {
    let chart = StackedBar::new(
        "Responses by type",
        vec![
            Segment::new("Accepted in full", 15)
                .unwrap()
                .with_colour(Colour::BluishGreen),
            Segment::new("Accepted in part", 100).unwrap(),
            Segment::new("Rejected", 34)
                .unwrap()
                .with_colour(Colour::Vermillion),
            Segment::new("No response yet", 0)
                .unwrap()
                .with_colour(Colour::Grey),
        ],
    )
    .unwrap();
    let elements = check_document(&chart.to_svg());
    let segments = with_class(&elements, "segment");
    assert_eq!(segments.len(), 3, "a zero count is listed but not drawn");
    let total_width: f64 = segments.iter().map(|segment| segment.number("width")).sum();
    for (segment, count) in segments.iter().zip([15.0, 100.0, 34.0]) {
        assert!((segment.number("width") - total_width * count / 149.0).abs() <= 0.01);
    }
    for pair in segments.windows(2) {
        assert!(
            (pair[0].number("x") + pair[0].number("width") - pair[1].number("x")).abs() <= 0.01,
            "segments touch"
        );
    }
    assert_eq!(
        text_of(&elements, "desc"),
        "Stacked bar of shares, total 149. Accepted in full: 15 (10%); Accepted in part: 100 (67%); Rejected: 34 (23%); \
         No response yet: 0 (0%)."
    );
    let visible = all_text(&elements);
    for line in [
        "Accepted in full: 15 (10%)",
        "Rejected: 34 (23%)",
        "No response yet: 0 (0%)",
    ] {
        assert!(
            visible.lines().any(|text| text == line),
            "{line:?} missing from the legend"
        );
    }
    assert_eq!(
        with_class(&elements, "swatch").len(),
        4,
        "a swatch per category, the same fill as its segment"
    );
    assert_eq!(
        segments[0].attribute("fill"),
        with_class(&elements, "swatch")[0].attribute("fill")
    );
}

#[test]
fn a_stacked_bar_with_nothing_counted_yet_says_so() {
    let chart = StackedBar::new("Responses", vec![Segment::new("Accepted", 0).unwrap()]).unwrap();
    let elements = check_document(&chart.to_svg());
    assert!(with_class(&elements, "segment").is_empty());
    assert!(all_text(&elements).contains("No data yet"));
    assert_eq!(
        text_of(&elements, "desc"),
        "Stacked bar of shares, total 0. Accepted: 0."
    );
}

#[test]
fn a_grouped_bar_chart_draws_one_labelled_bar_per_series_in_each_group() {
    let chart = GroupedBarChart::new(
        "Accepted in full, by support in the assembly",
        &["Accepted in full", "Fully taken up"],
        vec![
            Group::new("Support of 90% or more", vec![4.0, 2.0]).unwrap(),
            Group::new("Other", vec![50.0, 25.0]).unwrap(),
        ],
    )
    .unwrap()
    .with_unit("%")
    .with_scale_max(100.0)
    .unwrap();
    let elements = check_document(&chart.to_svg());
    let widths: Vec<f64> = with_class(&elements, "bar")
        .iter()
        .map(|bar| bar.number("width"))
        .collect();
    assert_eq!(widths.len(), 4);
    let scale = widths[2] / 50.0;
    for (width, value) in widths.iter().zip([4.0, 2.0, 50.0, 25.0]) {
        assert!((width - value * scale).abs() <= 0.01);
    }
    assert!(
        (scale * 100.0 - 330.0).abs() <= 0.01,
        "the fixed scale maximum is the full plot width"
    );
    assert_eq!(
        text_of(&elements, "desc"),
        "Grouped bar chart, 2 groups of 2 series. Support of 90% or more: Accepted in full 4%, Fully taken up 2%; \
         Other: Accepted in full 50%, Fully taken up 25%."
    );
    let fills: Vec<&str> = with_class(&elements, "bar")
        .iter()
        .map(|bar| bar.attribute("fill").unwrap())
        .collect();
    assert_eq!(fills[0], fills[2], "a series keeps its fill across groups");
    assert_ne!(fills[0], fills[1], "series differ in fill");
}

#[test]
fn invalid_charts_are_refused_with_a_typed_error() {
    assert_eq!(
        Bar::new("x", -1.0),
        Err(ChartError::InvalidValue { label: "x".into() })
    );
    assert_eq!(
        Bar::new("x", f64::NAN),
        Err(ChartError::InvalidValue { label: "x".into() })
    );
    assert_eq!(Bar::new(" ", 1.0), Err(ChartError::EmptyLabel));
    assert_eq!(
        Bar::new("x", 1.0).unwrap().with_target(5.0, 4.0),
        Err(ChartError::InvalidTarget { label: "x".into() })
    );
    assert_eq!(
        BarChart::new("", vec![Bar::new("x", 1.0).unwrap()]),
        Err(ChartError::EmptyTitle)
    );
    assert_eq!(BarChart::new("t", vec![]), Err(ChartError::NoData));
    assert_eq!(
        BarChart::new("t", vec![Bar::new("x", 10.0).unwrap()])
            .unwrap()
            .with_scale_max(5.0),
        Err(ChartError::InvalidScale)
    );
    assert_eq!(
        GroupedBarChart::new("t", &["a", "b"], vec![Group::new("g", vec![1.0]).unwrap()]),
        Err(ChartError::SeriesMismatch {
            group: "g".into(),
            expected: 2,
            found: 1
        })
    );
}

#[test]
fn text_meets_wcag_aa_contrast_and_the_palette_is_okabe_ito_with_a_pattern_per_colour() {
    assert!(contrast_ratio(TEXT_COLOUR, "#FFFFFF").unwrap() >= 7.0);
    assert!(contrast_ratio(MUTED_TEXT_COLOUR, "#FFFFFF").unwrap() >= 4.5);
    assert!(
        contrast_ratio(OUTLINE_COLOUR, "#FFFFFF").unwrap() >= 3.0,
        "outlines are non-text graphics: 3:1"
    );
    assert!((contrast_ratio("#000000", "#FFFFFF").unwrap() - 21.0).abs() < 1e-9);
    assert_eq!(contrast_ratio("red", "#FFFFFF"), None);
    let okabe_ito = [
        "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    ];
    for colour in Colour::ALL.iter().filter(|colour| **colour != Colour::Grey) {
        assert!(
            okabe_ito.contains(&colour.hex()),
            "{colour:?} is not an Okabe–Ito colour"
        );
    }
    let chart = StackedBar::new(
        "t",
        Colour::ALL
            .iter()
            .map(|colour| Segment::new("s", 1).unwrap().with_colour(*colour))
            .collect(),
    )
    .unwrap();
    let elements = check_document(&chart.to_svg());
    let patterns: Vec<&Element> = elements
        .iter()
        .filter(|element| element.name == "pattern")
        .collect();
    assert_eq!(patterns.len(), Colour::ALL.len());
    let fills: std::collections::BTreeSet<&str> = with_class(&elements, "segment")
        .iter()
        .map(|s| s.attribute("fill").unwrap())
        .collect();
    assert_eq!(
        fills.len(),
        Colour::ALL.len(),
        "every colour has its own pattern"
    );
    for fill in fills {
        let id = fill.trim_start_matches("url(#").trim_end_matches(')');
        assert!(
            patterns
                .iter()
                .any(|pattern| pattern.attribute("id") == Some(id)),
            "{fill} names no pattern"
        );
    }
    let root_fill = elements[0].attribute("fill").unwrap();
    assert_eq!(root_fill, TEXT_COLOUR);
    for text in elements.iter().filter(|element| element.name == "text") {
        let fill = text.attribute("fill").unwrap_or(root_fill);
        assert!(
            contrast_ratio(fill, "#FFFFFF").unwrap() >= 4.5,
            "text {:?} in {fill}",
            text.text
        );
    }
}

#[test]
fn numbers_and_shares_are_formatted_the_same_way_everywhere() {
    assert_eq!(format_number(52.0), "52");
    assert_eq!(format_number(48.5), "48.5");
    assert_eq!(format_number(1.0 / 3.0), "0.33");
    assert_eq!(format_number(-0.001), "0");
    assert_eq!(format_number(1234.567), "1234.57");
    assert_eq!(percent_rounded(15, 149), Some(10));
    assert_eq!(percent_rounded(1, 8), Some(13), "half up");
    assert_eq!(percent_rounded(1, 200), Some(1), "half up");
    assert_eq!(percent_rounded(1, 201), Some(0));
    assert_eq!(percent_rounded(0, 0), None);
    assert_eq!(percent_rounded(u64::MAX, u64::MAX), Some(100));
}

#[test]
fn composing_charts_gives_one_well_formed_image_with_distinct_ids_and_identical_output_each_time() {
    let first = StackedBar::new("Responses", vec![Segment::new("a", 1).unwrap()])
        .unwrap()
        .render();
    let second = BarChart::new("Fidelity", vec![Bar::new("b", 2.0).unwrap()])
        .unwrap()
        .render();
    let image = compose(
        "Scorecard & more",
        "All charts.",
        &[first.clone(), second.clone()],
    );
    let elements = check_document(&image);
    assert_eq!(
        elements[0].number("height"),
        f64::from(40 + first.height + second.height),
        "a 40-unit headline on top"
    );
    assert_eq!(
        with_class(&elements, "headline")[0].text,
        "Scorecard & more"
    );
    assert_eq!(
        elements
            .iter()
            .filter(|element| element.name == "svg")
            .count(),
        3
    );
    let ids: Vec<&str> = elements
        .iter()
        .filter_map(|element| element.attribute("id"))
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids repeat in the composed image");
    assert_eq!(
        image,
        compose("Scorecard & more", "All charts.", &[first, second])
    );
}
