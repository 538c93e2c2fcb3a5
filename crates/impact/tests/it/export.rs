//! The scorecard's exports: the SVG image (well-formed, accessible, drawn to scale) and the CSV
//! (one line per recommendation, protected against formula injection).

use crate::fixture::{FINAL_REPORT, convention};
use crate::xml;
use impact::{CSV_HEADER, Commitment, Date, Scorecard, scorecard_csv, scorecard_svg};

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

#[test]
fn the_scorecard_image_is_accessible_svg_with_its_charts_drawn_to_scale() {
    let scorecard = Scorecard::compute(&convention(), date("2021-08-24")).unwrap();
    let svg = scorecard_svg(&scorecard);
    let elements = xml::parse(&svg).unwrap_or_else(|error| panic!("not well-formed: {error}"));
    let root = &elements[0];
    assert_eq!(
        (root.name.as_str(), root.attribute("role")),
        ("svg", Some("img"))
    );
    assert_eq!(root.attribute("xmlns"), Some("http://www.w3.org/2000/svg"));
    assert_eq!(
        elements[1].text,
        "15 of 149 recommendations fully taken up (10%)"
    );
    assert_eq!(
        elements[2].text,
        "15 of 149 recommendations fully taken up (10%), as of 2021-08-24. Accepted in full: 20 of 98 (20%) among recommendations \
         with support of 90% or more, 1 of 51 (2%) among those with support under 90%."
    );
    let titles: Vec<&str> = elements
        .iter()
        .filter(|element| element.name == "title" && element.depth == 3)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Responses by type",
            "Implementation by fidelity",
            "Responses on time and overdue",
            "Taken up, by support in the assembly",
            "Accepted in full, by theme",
        ]
    );
    assert!(
        descriptions_end(&elements).ends_with(
            "Se déplacer: 15% (6 of 40); Consommer: 20% (4 of 20); Se loger: 12% (3 of 25); \
             Produire et travailler: 12% (5 of 42); Se nourrir: 10% (2 of 20); Constitution: 50% (1 of 2)."
        ),
        "{}",
        descriptions_end(&elements)
    );
    let descriptions: Vec<&str> = elements
        .iter()
        .filter(|element| element.name == "desc" && element.depth == 3)
        .map(|e| e.text.as_str())
        .collect();
    assert!(
        descriptions[0]
            .contains("Accepted in full: 21 (14%); Accepted with modifications: 53 (36%)"),
        "{}",
        descriptions[0]
    );
    assert!(
        descriptions[2]
            .contains("On time: 126 (85%); Late: 20 (13%); Overdue: 3 (2%); Not yet due: 0 (0%)"),
        "{}",
        descriptions[2]
    );

    let segments: Vec<f64> = elements
        .iter()
        .filter(|e| e.attribute("class") == Some("segment"))
        .map(|e| e.number("width"))
        .collect();
    let response_total: f64 = segments[..5].iter().sum();
    for (width, count) in segments[..5].iter().zip([21.0, 53.0, 55.0, 17.0, 3.0]) {
        assert!((width - response_total * count / 149.0).abs() <= 0.01);
    }
    let bars: Vec<f64> = elements
        .iter()
        .filter(|e| e.attribute("class") == Some("bar"))
        .map(|e| e.number("width"))
        .collect();
    for (width, count) in bars[..5].iter().zip([15.0, 95.0, 12.0, 23.0, 4.0]) {
        assert!(
            (width - 290.0 * count / 149.0).abs() <= 0.01,
            "fidelity bars are on a scale of all 149"
        );
    }
    assert_eq!(
        svg,
        scorecard_svg(&Scorecard::compute(&convention(), date("2021-08-24")).unwrap()),
        "deterministic"
    );
}

#[test]
fn the_csv_export_has_one_line_per_recommendation_with_its_status() {
    let scorecard = Scorecard::compute(&convention(), date("2021-08-24")).unwrap();
    let csv = scorecard_csv(&scorecard);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], CSV_HEADER);
    assert_eq!(lines.len(), 150);
    assert_eq!(
        lines[1],
        "SD-01,se déplacer,60,rejected,none,2020-08-16,2020-06-29,on time"
    );
    assert!(
        lines.contains(&"SD-40,se déplacer,97,no response yet,not yet judged,2020-08-16,,overdue")
    );
    assert!(lines.contains(
        &"SL-25,se loger,93,accepted with modifications,diluted,2020-08-16,2020-08-16,on time"
    ));
    assert!(
        lines
            .contains(&"SN-15,se nourrir,91,accepted in part,different,2020-08-16,2020-08-17,late")
    );
    assert!(lines.contains(
        &"SD-19,se déplacer,91.5,accepted with modifications,diluted,2020-08-16,2020-06-29,on time"
    ));
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.ends_with(",overdue"))
            .count(),
        3
    );
    assert!(csv.ends_with('\n'));
}

#[test]
fn csv_fields_that_a_spreadsheet_would_run_as_formulas_are_defused_and_quoted() {
    let due = Commitment::respond_within_weeks(8)
        .unwrap()
        .due_date(date(FINAL_REPORT))
        .unwrap();
    let support = impact::Support::parse("95").unwrap();
    let recommendations = vec![
        impact::Recommendation::new(
            "=HYPERLINK(\"https://evil.example\",\"x\")",
            "t",
            "+cmd,x",
            support,
            due,
        )
        .unwrap(),
        impact::Recommendation::new("@SUM(A1)", "t", "-2+3", support, due).unwrap(),
        impact::Recommendation::new("R3", "t", "line\nbreak \"quoted\"", support, due).unwrap(),
    ];
    let csv = scorecard_csv(&Scorecard::compute(&recommendations, date("2020-08-01")).unwrap());
    let lines: Vec<&str> = csv.split('\n').collect();
    assert_eq!(
        lines[1],
        "\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\",\"'+cmd,x\",95,no response yet,not yet judged,2020-08-16,,not yet due"
    );
    assert_eq!(
        lines[2],
        "'@SUM(A1),'-2+3,95,no response yet,not yet judged,2020-08-16,,not yet due"
    );
    assert!(csv.contains("R3,\"line\nbreak \"\"quoted\"\"\",95"));
}

/// The description of the last chart of the composed image.
fn descriptions_end(elements: &[xml::Element]) -> String {
    elements
        .iter()
        .rev()
        .find(|element| element.name == "desc" && element.depth == 3)
        .expect("a chart")
        .text
        .clone()
}
