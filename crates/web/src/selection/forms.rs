//! The forms of the selection pages, each a struct of its fields as typed ([`Validate`]) checked into the command
//! its use case takes: the quota editor (its table typed as `feature,value,share[,min,max]` lines, whose errors name
//! the line and column), the test run, the final run's commitment, the draw's seed and a panel status change.

use app::recruitment::StatusReason;
use app::selection::MAX_LOTTERY_PANELS;
use app::selection::panel::RECORDABLE;
use app::selection::quotas::{MAX_QUOTA_LINES, QuotaDraft, QuotaLine};
use app::selection::runs::TestRun;
use domain::error::{Problem, ValidationError};
use domain::respondent::{ReasonCategory, Status, parse_reason};
use domain::selection::Algorithm;
use serde::Deserialize;

use crate::form::{FieldErrors, Validate};
use crate::i18n::{Lang, SelectionMessages, fill};

/// The quota editor's form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QuotaForm {
    /// Seats on the panel.
    #[serde(default)]
    pub panel_size: String,
    /// The announced seed source.
    #[serde(default)]
    pub seed_source: String,
    /// `feature,value,share[,min,max]` lines.
    #[serde(default)]
    pub quotas: String,
    /// `propose` (fill min/max from the shares, without saving) or `save`.
    #[serde(default)]
    pub action: String,
}

/// What the quota editor asks: a quota table to save, or to complete with a proposal.
#[derive(Debug, Clone)]
pub struct QuotaCommand {
    /// The table.
    pub draft: QuotaDraft,
    /// Whether to propose min and max from the shares (and show them) rather than save.
    pub propose: bool,
    /// The fields as typed, to show again if the proposal or the save is refused.
    pub typed: QuotaForm,
}

/// What is wrong with one line of the quota table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineProblem {
    /// Not a CSV record.
    Csv,
    /// Neither 3 nor 5 cells.
    Cells,
    /// An empty or too long feature or value.
    Name,
    /// A share that is not a percentage.
    Share,
    /// A min or max that is not a count.
    Count,
    /// A min above the max.
    MinMax,
    /// A feature and value given twice.
    Duplicate,
}

/// One error of the quota form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum QuotaError {
    /// A field as a whole.
    Field(ValidationError),
    /// One line of the table, at a column (both from 1).
    Line {
        line: usize,
        column: usize,
        problem: LineProblem,
    },
}

impl QuotaForm {
    /// Checks every field, reporting every error in the order of the page.
    fn check(&self) -> Result<QuotaDraft, Vec<QuotaError>> {
        let mut errors = Vec::new();
        let panel_size = match self.panel_size.trim().parse::<u32>() {
            Ok(size) if (1..=10_000).contains(&size) => Some(size),
            _ if self.panel_size.trim().is_empty() => {
                errors.push(QuotaError::Field(ValidationError::new(
                    "panel_size",
                    Problem::Required,
                )));
                None
            }
            _ => {
                errors.push(QuotaError::Field(ValidationError::new(
                    "panel_size",
                    Problem::Malformed,
                )));
                None
            }
        };
        let seed_source = self.seed_source.trim().to_owned();
        if seed_source.chars().count() > 500 {
            errors.push(QuotaError::Field(ValidationError::new(
                "seed_source",
                Problem::TooLong { max: 500 },
            )));
        }
        let lines = parse_quota_text(&self.quotas, &mut errors);
        match panel_size {
            Some(panel_size) if errors.is_empty() => Ok(QuotaDraft {
                panel_size,
                seed_source,
                lines,
            }),
            _ => Err(errors),
        }
    }

    /// The errors of the form, one sentence each in `lang` (empty when it is valid).
    pub fn describe(&self, lang: Lang) -> Vec<String> {
        let m = lang.messages();
        let s = lang.t::<SelectionMessages>();
        let Err(errors) = self.check() else {
            return Vec::new();
        };
        errors
            .iter()
            .map(|error| match error {
                QuotaError::Field(error) => m.describe(error),
                QuotaError::Line {
                    line,
                    column,
                    problem,
                } => {
                    let problem = match problem {
                        LineProblem::Csv => s.err_csv,
                        LineProblem::Cells => s.err_cells,
                        LineProblem::Name => s.err_name,
                        LineProblem::Share => s.err_share,
                        LineProblem::Count => s.err_count,
                        LineProblem::MinMax => s.err_min_max,
                        LineProblem::Duplicate => s.err_duplicate,
                    };
                    fill(
                        s.err_line,
                        &[
                            ("line", &line.to_string()),
                            ("column", &column.to_string()),
                            ("problem", problem),
                        ],
                    )
                }
            })
            .collect()
    }
}

impl Validate for QuotaForm {
    type Command = QuotaCommand;

    fn validate(&self) -> Result<QuotaCommand, FieldErrors> {
        match self.check() {
            Ok(draft) => Ok(QuotaCommand {
                draft,
                propose: self.action == "propose",
                typed: self.clone(),
            }),
            // The page words the errors with [`QuotaForm::describe`], which names the lines; here each marks its
            // field.
            Err(errors) => Err(FieldErrors(
                errors
                    .into_iter()
                    .map(|error| match error {
                        QuotaError::Field(error) => error,
                        QuotaError::Line { .. } => {
                            ValidationError::new("quotas", Problem::Malformed)
                        }
                    })
                    .collect(),
            )),
        }
    }
}

/// Parses the quota editor's text, one `feature,value,share[,min,max]` line per value (a header line, blank lines
/// and `#` comments are skipped); errors name the line and column.
fn parse_quota_text(text: &str, errors: &mut Vec<QuotaError>) -> Vec<QuotaLine> {
    let found = errors.len();
    let mut lines = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let mut error = |column: usize, problem: LineProblem| {
            errors.push(QuotaError::Line {
                line,
                column,
                problem,
            });
        };
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let cells: Vec<String> = match csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(raw.as_bytes())
            .records()
            .next()
        {
            Some(Ok(record)) => record.iter().map(|cell| cell.trim().to_owned()).collect(),
            _ => {
                error(1, LineProblem::Csv);
                continue;
            }
        };
        if cells
            .first()
            .is_some_and(|c| c.eq_ignore_ascii_case("feature"))
        {
            continue;
        }
        if cells.len() != 3 && cells.len() != 5 {
            error(1, LineProblem::Cells);
            continue;
        }
        let mut ok = true;
        for (column, cell) in cells.iter().enumerate().take(2) {
            if cell.is_empty() || cell.chars().count() > 60 {
                error(column + 1, LineProblem::Name);
                ok = false;
            }
        }
        let share = cells[2]
            .trim_end_matches('%')
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && (0.0..=100.0).contains(s));
        if share.is_none() {
            error(3, LineProblem::Share);
            ok = false;
        }
        let mut bound = |column: usize| -> Option<i64> {
            let cell = cells.get(column)?;
            if cell.is_empty() {
                return None;
            }
            match cell.parse::<i64>() {
                Ok(value) if (0..=100_000).contains(&value) => Some(value),
                _ => {
                    error(column + 1, LineProblem::Count);
                    ok = false;
                    None
                }
            }
        };
        let (min, max) = (bound(3), bound(4));
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            error(4, LineProblem::MinMax);
            ok = false;
        }
        if ok && !seen.insert((cells[0].clone(), cells[1].clone())) {
            error(2, LineProblem::Duplicate);
            ok = false;
        }
        if ok {
            lines.push(QuotaLine {
                feature: cells[0].clone(),
                value: cells[1].clone(),
                share_ppm: (share.unwrap_or(0.0) * 10_000.0).round() as i64,
                min,
                max,
            });
        }
    }
    if lines.len() > MAX_QUOTA_LINES {
        errors.push(QuotaError::Field(ValidationError::new(
            "quotas",
            Problem::TooMany {
                max: MAX_QUOTA_LINES,
            },
        )));
    }
    if lines.is_empty() && errors.len() == found {
        errors.push(QuotaError::Field(ValidationError::new(
            "quotas",
            Problem::Required,
        )));
    }
    lines
}

/// A share in parts per million as the editor shows it, in percent without trailing zeros (`12.5`).
pub fn share_text(share_ppm: i64) -> String {
    let text = format!("{:.4}", share_ppm as f64 / 10_000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The editor's text of quota lines, with its header.
pub fn quota_text(lines: &[QuotaLine]) -> String {
    use app::selection::pool::csv_line;
    let mut text = csv_line(&["feature", "value", "share", "min", "max"]);
    for line in lines {
        let bound = |b: Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
        text.push_str(&csv_line(&[
            &line.feature,
            &line.value,
            &share_text(line.share_ppm),
            &bound(line.min),
            &bound(line.max),
        ]));
    }
    text
}

/// The form that starts a test run.
#[derive(Debug, Default, Deserialize)]
pub struct TestRunForm {
    /// `leximin` (or empty), `maximin` or `legacy`.
    #[serde(default)]
    pub algorithm: String,
    /// The seed; empty for a random one.
    #[serde(default)]
    pub seed: String,
}

impl Validate for TestRunForm {
    type Command = TestRun;

    fn validate(&self) -> Result<TestRun, FieldErrors> {
        let algorithm = Algorithm::parse("algorithm", &self.algorithm)?;
        let seed = self.seed.trim();
        Ok(TestRun {
            algorithm,
            seed: (!seed.is_empty()).then(|| seed.chars().take(200).collect()),
        })
    }
}

/// The form that commits the final run.
#[derive(Debug, Default, Deserialize)]
pub struct CommitForm {
    /// M for a final run drawn as a transparent lottery of M numbered panels; empty for none.
    #[serde(default)]
    pub lottery_panels: String,
}

impl Validate for CommitForm {
    /// The number of numbered panels, if a lottery.
    type Command = Option<u32>;

    /// `lottery_panels`: empty for none, else a whole number from 2 to [`MAX_LOTTERY_PANELS`].
    fn validate(&self) -> Result<Option<u32>, FieldErrors> {
        let raw = self.lottery_panels.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        match raw.parse::<u32>() {
            Ok(panels) if (2..=MAX_LOTTERY_PANELS).contains(&panels) => Ok(Some(panels)),
            _ => Err(ValidationError::new("lottery_panels", Problem::Malformed).into()),
        }
    }
}

/// The form that draws a committed run with its seed, or with the number drawn in public (issue 18).
#[derive(Debug, Default, Deserialize)]
pub struct DrawForm {
    /// The seed, as announced.
    #[serde(default)]
    pub seed: String,
    /// The number drawn physically in public (the run's numbered panel), instead of a seed.
    #[serde(default)]
    pub number: String,
}

impl Validate for DrawForm {
    /// The seed (`number:N` for a number drawn in public, `docs/selection.md`).
    type Command = String;

    fn validate(&self) -> Result<String, FieldErrors> {
        let number = self.number.trim();
        if !number.is_empty() {
            if !self.seed.trim().is_empty() {
                return Err(ValidationError::new("draw", Problem::Malformed).into());
            }
            // Leading zeros are dropped, so `007` is panel 7.
            let parsed = crate::form::drawn_number("number", number)?;
            return Ok(format!("{}{parsed}", selection::PUBLIC_NUMBER_PREFIX));
        }
        let seed = self.seed.trim();
        if seed.is_empty() {
            return Err(ValidationError::new("seed", Problem::Required).into());
        }
        if seed.chars().count() > 200 {
            return Err(ValidationError::new("seed", Problem::TooLong { max: 200 }).into());
        }
        Ok(seed.to_owned())
    }
}

/// The form that records a confirmation or a drop-out on the panel.
#[derive(Debug, Default, Deserialize)]
pub struct RecordForm {
    /// `confirmed`, `declined` or `withdrawn`.
    #[serde(default)]
    pub status: String,
    /// Why, in words (required; kept with the person and erased with them, never in the audit log).
    #[serde(default)]
    pub reason: String,
    /// Why, from the fixed list (empty means `other`): the audit log's part.
    #[serde(default)]
    pub reason_category: String,
}

/// A status to record on the panel, with its reason.
#[derive(Debug, Clone)]
pub struct RecordCommand {
    /// One of [`RECORDABLE`].
    pub to: Status,
    /// Why.
    pub reason: StatusReason,
}

impl Validate for RecordForm {
    type Command = RecordCommand;

    fn validate(&self) -> Result<RecordCommand, FieldErrors> {
        let mut errors = FieldErrors::new();
        let to = errors
            .take(Status::parse("status", &self.status))
            .and_then(|to| {
                if RECORDABLE.contains(&to) {
                    Some(to)
                } else {
                    errors.push(ValidationError::new("status", Problem::Malformed));
                    None
                }
            });
        let category = errors.take(ReasonCategory::parse(&self.reason_category));
        let note = errors.take(parse_reason(&self.reason));
        match (to, category, note) {
            (Some(to), Some(category), Some(note)) if errors.is_empty() => Ok(RecordCommand {
                to,
                reason: StatusReason { category, note },
            }),
            _ => Err(errors),
        }
    }
}

/// The panel's bulk form: the pairs as posted (`respondent` repeated once per ticked box, `status`,
/// `reason_category` and the CSRF token), since a urlencoded struct cannot hold a repeated field. The reason is
/// chosen from the fixed list only (its words become the note kept with each person).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct BulkRecordFields(pub Vec<(String, String)>);

/// The people ticked, the status to record for each, and the reason's category.
pub type BulkRecordCommand = (Vec<i64>, Status, ReasonCategory);

impl Validate for BulkRecordFields {
    type Command = BulkRecordCommand;

    fn validate(&self) -> Result<BulkRecordCommand, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut ids = Vec::new();
        let mut to = None;
        let mut category = None;
        for (name, value) in &self.0 {
            match name.as_str() {
                "respondent" => match value.trim().parse::<i64>() {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(ValidationError::new("respondent", Problem::Malformed)),
                },
                "status" => match Status::parse("status", value) {
                    Ok(status) if RECORDABLE.contains(&status) => to = Some(status),
                    _ => errors.push(ValidationError::new("status", Problem::Malformed)),
                },
                "reason_category" => category = errors.take(ReasonCategory::parse(value)),
                _ => {}
            }
        }
        if ids.is_empty() {
            errors.push(ValidationError::new("respondent", Problem::Required));
        }
        if to.is_none() && !errors.has("status") {
            errors.push(ValidationError::new("status", Problem::Required));
        }
        match (to, category) {
            (Some(to), Some(category)) if errors.is_empty() => Ok((ids, to, category)),
            (Some(to), None) if errors.is_empty() => Ok((ids, to, ReasonCategory::Other)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_lines_are_checked_by_line_and_column() {
        let form = QuotaForm {
            panel_size: "6".into(),
            quotas: "feature,value,share,min,max\ngender,woman,50,3,3\ngender,man,fifty,3,3\n"
                .into(),
            ..QuotaForm::default()
        };
        assert_eq!(
            form.describe(Lang::En),
            ["Quotas, line 3 column 3: the share must be a percentage from 0 to 100"]
        );
        let form = QuotaForm {
            panel_size: "6".into(),
            quotas: "gender,woman,50\n# comment\ngender,man,50%,2,4\n".into(),
            ..QuotaForm::default()
        };
        let command = form.validate().unwrap();
        assert_eq!(command.draft.lines.len(), 2);
        assert_eq!(command.draft.lines[1].share_ppm, 500_000);
        assert_eq!(command.draft.lines[0].min, None);
        assert_eq!(
            quota_text(&command.draft.lines),
            "feature,value,share,min,max\ngender,woman,50,,\ngender,man,50,2,4\n"
        );
    }
}
