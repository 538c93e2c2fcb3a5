//! A fixture shaped like the French Citizens' Convention for Climate (final report 21 June 2020,
//! 149 recommendations), written as a compact text table and parsed into recommendations.
//!
//! The counts per theme and the spread of responses are illustrative, not the official record:
//! most recommendations accepted with modifications or in part, the three "jokers" rejected on
//! 29 June 2020 (the 110 km/h motorway limit, the 4% dividend tax, the preamble change), a batch
//! answered late with the climate bill of 10 February 2021, and 15 fully taken up.

use impact::{
    Commitment, Date, Fidelity, FidelityJudgement, Judge, Link, Recommendation, Response,
    ResponseKind, Support,
};

/// The final report date and the commitment: respond within 8 weeks, so by 2020-08-16.
pub const FINAL_REPORT: &str = "2020-06-21";
pub const RESPONSE_WEEKS: u16 = 8;
/// The date of the fidelity judgements in the fixture (promulgation of the climate law).
pub const JUDGED_ON: &str = "2021-08-24";

/// `theme` lines name a theme and its reference prefix; other lines are runs of `count`
/// recommendations sharing support, response, response date and fidelity
/// (`none` for no response yet, `-` for no date and not yet judged); a title ends a line for
/// named recommendations.
pub const CONVENTION: &str = "
theme SD | se déplacer
# count | support | response | responded  | fidelity  | title
1       | 60      | rejected | 2020-06-29 | none      | Limit the speed on motorways to 110 km/h
4       | 95      | full     | 2020-06-29 | full
2       | 93      | full     | 2020-06-29 | diluted
15      | 91.5    | modified | 2020-06-29 | diluted
10      | 88      | part     | 2020-06-29 | diluted
4       | 86.25   | part     | 2021-02-10 | different
3       | 72      | rejected | 2020-06-29 | none
1       | 97      | none     | -          | -

theme C | consommer
3       | 96      | full     | 2020-06-29 | full
1       | 94      | full     | 2020-06-29 | -
8       | 92      | modified | 2020-06-29 | diluted
5       | 89      | part     | 2021-02-10 | diluted
2       | 78      | rejected | 2020-06-29 | none
1       | 91      | none     | -          | -

theme SL | se loger
3       | 98      | full     | 2020-06-29 | full
9       | 94      | modified | 2020-06-29 | diluted
7       | 90      | part     | 2020-06-29 | diluted
3       | 87      | part     | 2021-02-10 | different
2       | 81      | rejected | 2020-06-29 | none
1       | 93      | modified | 2020-08-16 | diluted   | Renovate all badly insulated homes by 2030 (answered on the due date)

theme PT | produire et travailler
1       | 88      | rejected | 2020-06-29 | none      | Tax dividends at 4% to finance the transition
3       | 97      | full     | 2020-06-29 | full
2       | 92      | full     | 2020-06-29 | different
14      | 93      | modified | 2020-06-29 | diluted
12      | 90      | part     | 2020-06-29 | diluted
5       | 86      | part     | 2021-02-10 | none
4       | 76      | rejected | 2020-06-29 | none
1       | 95      | none     | -          | -

theme SN | se nourrir
2       | 99      | full     | 2020-06-29 | full
6       | 95      | modified | 2020-06-29 | diluted
6       | 89.5    | part     | 2020-06-29 | diluted
3       | 91      | part     | 2020-08-17 | different | Reduce nitrogen fertiliser use (answered the day after the due date)
3       | 84      | rejected | 2020-06-29 | none

theme CO | constitution
1       | 85      | full     | 2020-06-29 | none      | Add the environment and the fight against climate change to Article 1
1       | 65      | rejected | 2020-06-29 | none      | Amend the preamble to put the environment above other rights
";

/// Parses a table in the format of [`CONVENTION`] with the given final report date and commitment.
pub fn parse(
    table: &str,
    final_report: &str,
    commitment: Commitment,
) -> Result<Vec<Recommendation>, String> {
    let at = |line_number: usize, what: &'static str| {
        move |error: impact::ImpactError| format!("line {line_number}: {what}: {error}")
    };
    let due = Date::parse(final_report)
        .and_then(|date| commitment.due_date(date))
        .map_err(|error| error.to_string())?;
    let judged_on = Date::parse(JUDGED_ON).map_err(|error| error.to_string())?;
    let source = Link::parse("https://www.example.org/government-response-to-the-convention")
        .map_err(|error| error.to_string())?;
    let mut theme: Option<(String, String)> = None;
    let mut recommendations = Vec::new();
    for (index, line) in table.lines().enumerate() {
        let line_number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("theme ") {
            let (prefix, name) = rest
                .split_once('|')
                .ok_or(format!("line {line_number}: theme without a name"))?;
            theme = Some((prefix.trim().to_owned(), name.trim().to_owned()));
            continue;
        }
        let (prefix, theme_name) = theme
            .clone()
            .ok_or(format!("line {line_number}: a row before any theme"))?;
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if !(5..=6).contains(&cells.len()) {
            return Err(format!(
                "line {line_number}: expected 5 or 6 cells, found {}",
                cells.len()
            ));
        }
        let count: usize = cells[0]
            .parse()
            .map_err(|_| format!("line {line_number}: bad count"))?;
        let support = Support::parse(cells[1]).map_err(at(line_number, "support"))?;
        let kind = ResponseKind::parse(cells[2]).map_err(at(line_number, "response"))?;
        let fidelity = Fidelity::parse(cells[4]).map_err(at(line_number, "fidelity"))?;
        for _ in 0..count {
            let number = recommendations
                .iter()
                .filter(|r: &&Recommendation| r.theme() == theme_name)
                .count()
                + 1;
            let title = cells.get(5).map_or_else(
                || format!("{theme_name}, recommendation {number}"),
                |title| (*title).to_owned(),
            );
            let mut recommendation = Recommendation::new(
                &format!("{prefix}-{number:02}"),
                &title,
                &theme_name,
                support,
                due,
            )
            .map_err(at(line_number, "recommendation"))?;
            if kind != ResponseKind::NoResponseYet {
                let date = Date::parse(cells[3]).map_err(at(line_number, "responded"))?;
                let justification = format!("Government response of {date}");
                recommendation = recommendation.with_response(
                    Response::new(kind, &justification, source.clone(), date)
                        .map_err(at(line_number, "response"))?,
                );
            }
            if fidelity != Fidelity::NotYetJudged {
                let judgement = FidelityJudgement::new(
                    fidelity,
                    Judge::OversightGroup,
                    "Enacted text compared with the recommendation",
                    judged_on,
                )
                .map_err(at(line_number, "fidelity"))?;
                recommendation = recommendation.with_fidelity(judgement);
            }
            recommendations.push(recommendation);
        }
    }
    Ok(recommendations)
}

/// The 149 recommendations of the fixture, due 8 weeks after the final report.
pub fn convention() -> Vec<Recommendation> {
    parse(
        CONVENTION,
        FINAL_REPORT,
        Commitment::respond_within_weeks(RESPONSE_WEEKS).expect("8 weeks"),
    )
    .expect("the fixture parses")
}
