//! The registration questions page (issue 18, item 4): the organisers define the assembly's features and values
//! (what registration asks and what quotas refer to) and which feature is the area, before quotas exist.
//!
//! The questions are typed as CSV lines `feature,value` ([`parse_questions`]: every problem with its line and
//! column); the area feature must be one of them, and when invitations have been drawn from an address list every
//! area of that list must be one of its values ([`QuestionsRefusal::UnknownAreas`]). Once quotas refer to the
//! questions or someone has answered them, they are locked ([`Lock`]).

use domain::respondent::Status;
use store::AnyConnection;

use super::lottery::AreaRow;
use super::questions::{Feature, features_of_values};
use crate::audit::{Entry, audited};
use crate::{Actor, Error, Result};

/// The most lines (feature values) the questions may have, as many as a quota table may have
/// (`selection::quotas::MAX_QUOTA_LINES`; not imported, as selection reads the questions).
pub const MAX_QUESTION_LINES: usize = 200;
/// The longest feature name or value, in characters.
pub const MAX_CELL_CHARS: usize = 100;

/// Why the questions can no longer change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Quotas have been saved; they refer to the questions.
    Quotas,
    /// Someone has registered (or been imported) with answers to them.
    Registered,
}

/// What is wrong with one cell of the typed questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellProblem {
    /// The line is not exactly two cells.
    Columns,
    /// The cell is empty.
    Empty,
    /// The cell is longer than [`MAX_CELL_CHARS`].
    TooLong,
    /// The same feature and value are already on line `first`.
    Duplicate {
        /// The earlier line, from 1.
        first: usize,
    },
}

/// A problem of the typed questions: a cell with its line and column (from 1), or the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionsProblem {
    /// A cell is wrong.
    Cell {
        /// The line, from 1.
        line: usize,
        /// The column, from 1 (1: feature, 2: value).
        column: usize,
        /// What is wrong.
        problem: CellProblem,
    },
    /// More than [`MAX_QUESTION_LINES`] lines.
    TooMany,
    /// A feature that is asked has a single value.
    OneValue(String),
    /// The area feature is not one of the features.
    UnknownAreaFeature,
}

impl QuestionsProblem {
    /// The form field the problem belongs to: `questions` or `area_feature`.
    pub fn field(&self) -> &'static str {
        match self {
            QuestionsProblem::UnknownAreaFeature => "area_feature",
            _ => "questions",
        }
    }
}

/// Questions to save: (feature, value) in the form's order and the area feature, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionsDraft {
    /// The values, in the form's order.
    pub values: Vec<(String, String)>,
    /// The feature that is the area.
    pub area: Option<String>,
}

/// Reads the typed questions (`feature,value` CSV lines; blank lines skipped) and the area feature (empty: none),
/// reporting every problem at once.
pub fn parse_questions(
    text: &str,
    area: &str,
) -> std::result::Result<QuestionsDraft, Vec<QuestionsProblem>> {
    let mut problems = Vec::new();
    let mut values: Vec<(String, String)> = Vec::new();
    let mut lines_of_values: Vec<usize> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line() as usize).unwrap_or(1);
                problems.push(QuestionsProblem::Cell {
                    line,
                    column: 1,
                    problem: CellProblem::Columns,
                });
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| line_of(text, p.byte() as usize))
            .unwrap_or(1);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != 2 {
            problems.push(QuestionsProblem::Cell {
                line,
                column: record.len().clamp(1, 3),
                problem: CellProblem::Columns,
            });
            continue;
        }
        let mut good = true;
        for (column, cell) in record.iter().enumerate() {
            let problem = if cell.is_empty() {
                Some(CellProblem::Empty)
            } else if cell.chars().count() > MAX_CELL_CHARS {
                Some(CellProblem::TooLong)
            } else {
                None
            };
            if let Some(problem) = problem {
                good = false;
                problems.push(QuestionsProblem::Cell {
                    line,
                    column: column + 1,
                    problem,
                });
            }
        }
        if !good {
            continue;
        }
        let pair = (record[0].to_owned(), record[1].to_owned());
        if let Some(index) = values.iter().position(|known| known == &pair) {
            problems.push(QuestionsProblem::Cell {
                line,
                column: 2,
                problem: CellProblem::Duplicate {
                    first: lines_of_values[index],
                },
            });
            continue;
        }
        values.push(pair);
        lines_of_values.push(line);
    }
    if values.len() > MAX_QUESTION_LINES {
        problems.push(QuestionsProblem::TooMany);
    }
    let area = Some(area.trim().to_owned()).filter(|area| !area.is_empty());
    for feature in features_of_values(&values) {
        if feature.values.len() < 2 && area.as_deref() != Some(feature.name.as_str()) {
            problems.push(QuestionsProblem::OneValue(feature.name));
        }
    }
    if let Some(area) = &area
        && !values.iter().any(|(feature, _)| feature == area)
    {
        problems.push(QuestionsProblem::UnknownAreaFeature);
    }
    if problems.is_empty() {
        Ok(QuestionsDraft { values, area })
    } else {
        Err(problems)
    }
}

/// The line (from 1) of the record that starts at or after `byte`: the reader places a record that follows blank
/// lines at the first of them, so the blank lines are skipped here.
fn line_of(text: &str, byte: usize) -> usize {
    let byte = byte.min(text.len());
    let before = text.as_bytes()[..byte]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    let blank = text.as_bytes()[byte..]
        .iter()
        .take_while(|b| **b == b'\n' || **b == b'\r')
        .filter(|b| **b == b'\n')
        .count();
    before + blank + 1
}

/// The area feature against the address list of the latest invitation draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaCheck {
    /// The areas of the address list, in its report's order.
    pub list_areas: Vec<String>,
    /// Areas of the list that are not values of the area feature (registrations from them would answer a value
    /// that no quota knows).
    pub unknown: Vec<String>,
    /// Values of the area feature that no address of the list has.
    pub unused: Vec<String>,
}

/// Checks the area feature's values against the areas of an address list.
pub fn check_areas(values: &[String], list_areas: &[String]) -> AreaCheck {
    AreaCheck {
        list_areas: list_areas.to_vec(),
        unknown: list_areas
            .iter()
            .filter(|area| !values.contains(area))
            .cloned()
            .collect(),
        unused: values
            .iter()
            .filter(|value| !list_areas.contains(value))
            .cloned()
            .collect(),
    }
}

/// Why saving the questions was refused; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionsRefusal {
    /// The questions are locked.
    Locked(Lock),
    /// Areas of the address list are not values of the area feature (listed).
    UnknownAreas(Vec<String>),
}

/// The questions page of an assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionsEditor {
    /// The assembly's title.
    pub title: String,
    /// The features with their values, in the form's order (area included).
    pub features: Vec<Feature>,
    /// The area feature, if one is chosen.
    pub area: Option<String>,
    /// Why the questions can no longer change, if they cannot.
    pub lock: Option<Lock>,
    /// The areas of the latest draw's address list (`None`: nothing drawn yet).
    pub list_areas: Option<Vec<String>>,
}

impl QuestionsEditor {
    /// The check of the area feature against the address list, when both exist.
    pub fn area_check(&self) -> Option<AreaCheck> {
        let area = self.area.as_ref()?;
        let list = self.list_areas.as_ref()?;
        let values = self
            .features
            .iter()
            .find(|feature| &feature.name == area)
            .map(|feature| feature.values.clone())
            .unwrap_or_default();
        Some(check_areas(&values, list))
    }
}

/// Why the questions of an assembly are locked, if they are.
async fn lock(conn: &mut AnyConnection, assembly_id: i64) -> Result<Option<Lock>> {
    if !store::selection::quotas(&mut *conn, assembly_id)
        .await?
        .is_empty()
    {
        return Ok(Some(Lock::Quotas));
    }
    let counts = store::recruitment::respondent_status_counts(conn, assembly_id).await?;
    let answered = counts
        .iter()
        .any(|(status, count)| *status != Status::Erased && *count > 0);
    Ok(answered.then_some(Lock::Registered))
}

/// The areas of the address list of the assembly's latest draw (`None` before any draw); a stored report that does
/// not decode is an error.
async fn list_areas(conn: &mut AnyConnection, assembly_id: i64) -> Result<Option<Vec<String>>> {
    let draws = store::recruitment::draws(conn, assembly_id).await?;
    let Some(latest) = draws.into_iter().max_by_key(|draw| draw.id) else {
        return Ok(None);
    };
    let report: Vec<AreaRow> = serde_json::from_str(&latest.area_report_json).map_err(|error| {
        Error::internal(format!("stored area report of draw {}: {error}", latest.id))
    })?;
    Ok(Some(report.into_iter().map(|row| row.area).collect()))
}

/// Reads the questions page of an assembly ([`Error::NotFound`] for no such assembly).
pub async fn editor(conn: &mut AnyConnection, assembly_id: i64) -> Result<QuestionsEditor> {
    let title = store::assemblies::get_assembly(&mut *conn, assembly_id)
        .await?
        .title;
    Ok(QuestionsEditor {
        title,
        features: features_of_values(&store::questions::questions(&mut *conn, assembly_id).await?),
        area: store::questions::area_feature(&mut *conn, assembly_id).await?,
        lock: lock(&mut *conn, assembly_id).await?,
        list_areas: list_areas(conn, assembly_id).await?,
    })
}

/// Replaces the questions of an assembly and its area feature (audited `questions.save` with the features, their
/// number of values and the area feature: definitions, never answers). Refused while locked, or when the address
/// list already drawn from has areas that are not values of the area feature.
pub async fn save_questions(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    draft: &QuestionsDraft,
    now: i64,
) -> Result<std::result::Result<(), QuestionsRefusal>> {
    store::assemblies::get_assembly(tx, assembly_id).await?;
    if let Some(locked) = lock(tx, assembly_id).await? {
        return Ok(Err(QuestionsRefusal::Locked(locked)));
    }
    let features = features_of_values(&draft.values);
    if let (Some(area), Some(list)) = (&draft.area, list_areas(tx, assembly_id).await?) {
        let values = features
            .iter()
            .find(|feature| &feature.name == area)
            .map(|feature| feature.values.clone())
            .unwrap_or_default();
        let check = check_areas(&values, &list);
        if !check.unknown.is_empty() {
            return Ok(Err(QuestionsRefusal::UnknownAreas(check.unknown)));
        }
    }
    let entity = format!("assembly:{assembly_id}/questions");
    audited(tx, actor, "questions.save", &entity, now, async |tx| {
        store::questions::save_questions(
            tx,
            assembly_id,
            &draft.values,
            store::questions::Source::Page,
            draft.area.as_deref(),
        )
        .await?;
        let after = serde_json::json!({
            "assembly_id": assembly_id,
            "features": features
                .iter()
                .map(|feature| serde_json::json!({"name": feature.name, "values": feature.values.len()}))
                .collect::<Vec<_>>(),
            "area_feature": draft.area,
        });
        Ok(((), Entry::after(after)))
    })
    .await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_of_the_typed_questions_names_its_line_and_column() {
        let text =
            "age_band,16-29\nage_band,30+\n\ntenure\nage_band,16-29\nregion,,\nregion,North\n";
        let problems = parse_questions(text, "region").unwrap_err();
        assert_eq!(
            problems,
            vec![
                QuestionsProblem::Cell {
                    line: 4,
                    column: 1,
                    problem: CellProblem::Columns
                },
                QuestionsProblem::Cell {
                    line: 5,
                    column: 2,
                    problem: CellProblem::Duplicate { first: 1 }
                },
                QuestionsProblem::Cell {
                    line: 6,
                    column: 3,
                    problem: CellProblem::Columns
                },
            ]
        );
    }

    #[test]
    fn the_area_may_have_one_value_but_a_question_needs_two_and_the_area_must_exist() {
        let draft =
            parse_questions("region,North\nage_band,16-29\nage_band,30+", "region").unwrap();
        assert_eq!(draft.area.as_deref(), Some("region"));
        assert_eq!(draft.values.len(), 3);
        assert_eq!(
            parse_questions("tenure,owner\n", "").unwrap_err(),
            vec![QuestionsProblem::OneValue("tenure".into())]
        );
        let problems = parse_questions("tenure,owner\ntenure,renter", "area").unwrap_err();
        assert_eq!(problems, vec![QuestionsProblem::UnknownAreaFeature]);
        assert_eq!(problems[0].field(), "area_feature");
    }

    #[test]
    fn the_area_check_lists_unknown_areas_and_unused_values() {
        let values = vec!["North".to_owned(), "South".to_owned()];
        let list = vec!["North".to_owned(), "East".to_owned()];
        let check = check_areas(&values, &list);
        assert_eq!(check.unknown, ["East"]);
        assert_eq!(check.unused, ["South"]);
    }
}
