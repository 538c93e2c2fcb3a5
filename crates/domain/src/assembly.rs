//! An assembly as organisers describe it: the question, who commissioned it, what they committed to,
//! and the timeline of its phases.

use crate::error::{Problem, ValidationError, bounded_text};
use crate::phase::Phase;

/// The most commitments one assembly may list.
pub const MAX_COMMITMENTS: usize = 30;

/// The title of an assembly (1 to 200 characters, trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    /// Parses a title from the `title` field.
    pub fn parse(raw: &str) -> Result<Title, ValidationError> {
        bounded_text("title", raw, 200).map(Title)
    }

    /// The title text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The question (remit) put to the assembly (1 to 2000 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question(String);

impl Question {
    /// Parses the question from the `question` field.
    pub fn parse(raw: &str) -> Result<Question, ValidationError> {
        bounded_text("question", raw, 2000).map(Question)
    }

    /// The question text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The body that commissioned the assembly, e.g. "Government of France" (1 to 200 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority(String);

impl Authority {
    /// Parses the commissioning authority from the `authority` field.
    pub fn parse(raw: &str) -> Result<Authority, ValidationError> {
        bounded_text("authority", raw, 200).map(Authority)
    }

    /// The authority's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One commitment made by the authority, e.g. "a public response to every recommendation within 12 weeks".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment(String);

impl Commitment {
    /// Parses one commitment (1 to 500 characters).
    pub fn parse(raw: &str) -> Result<Commitment, ValidationError> {
        bounded_text("commitments", raw, 500).map(Commitment)
    }

    /// The commitment text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses commitments written one per line; blank lines are skipped.
    pub fn parse_lines(raw: &str) -> Result<Vec<Commitment>, ValidationError> {
        Commitment::parse_list(raw.lines().filter(|line| !line.trim().is_empty()))
    }

    /// Parses a list of commitments (at most [`MAX_COMMITMENTS`]).
    pub fn parse_list<'a>(
        raw: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<Commitment>, ValidationError> {
        let commitments = raw
            .into_iter()
            .map(Commitment::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if commitments.len() > MAX_COMMITMENTS {
            return Err(ValidationError::new(
                "commitments",
                Problem::TooMany {
                    max: MAX_COMMITMENTS,
                },
            ));
        }
        Ok(commitments)
    }
}

/// A calendar date (ISO 8601 `YYYY-MM-DD`), without time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CalendarDate {
    year: u16,
    month: u8,
    day: u8,
}

impl CalendarDate {
    /// Parses `YYYY-MM-DD` (years 1900 to 2999); `field` names the input for the error.
    pub fn parse(field: &str, raw: &str) -> Result<CalendarDate, ValidationError> {
        let malformed = || ValidationError::new(field, Problem::Malformed);
        let raw = raw.trim();
        let bytes = raw.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(malformed());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, ValidationError> {
            let part = &raw[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            part.parse().map_err(|_| malformed())
        };
        let year = number(0..4)?;
        let month = number(5..7)?;
        let day = number(8..10)?;
        if !(1900..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(malformed());
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day == 0 || day > days_in_month {
            return Err(malformed());
        }
        Ok(CalendarDate {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The planned dates of one phase; either end may be unknown yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseDates {
    /// The phase these dates belong to.
    pub phase: Phase,
    /// The first day of the phase, if planned.
    pub starts_on: Option<CalendarDate>,
    /// The last day of the phase, if planned.
    pub ends_on: Option<CalendarDate>,
}

/// The timeline of an assembly: dates for every phase, in lifecycle order, and the current phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    phases: Vec<PhaseDates>,
    current: Phase,
}

impl Timeline {
    /// Builds a timeline from optional raw dates per phase (`start_<phase>`, `end_<phase>` fields).
    /// Every phase ends on or after it starts, and phases start in lifecycle order.
    pub fn parse(
        current: Phase,
        raw_dates: impl Fn(Phase) -> (Option<String>, Option<String>),
    ) -> Result<Timeline, ValidationError> {
        let mut phases = Vec::with_capacity(Phase::ALL.len());
        let mut latest_start: Option<CalendarDate> = None;
        for phase in Phase::ALL {
            let (raw_start, raw_end) = raw_dates(phase);
            let start_field = format!("start_{}", phase.as_str());
            let end_field = format!("end_{}", phase.as_str());
            let parse_optional = |field: &str, raw: Option<String>| match raw {
                Some(raw) if !raw.trim().is_empty() => CalendarDate::parse(field, &raw).map(Some),
                _ => Ok(None),
            };
            let starts_on = parse_optional(&start_field, raw_start)?;
            let ends_on = parse_optional(&end_field, raw_end)?;
            if let (Some(start), Some(end)) = (starts_on, ends_on)
                && end < start
            {
                return Err(ValidationError::new(end_field, Problem::OutOfOrder));
            }
            if let Some(start) = starts_on {
                if latest_start.is_some_and(|latest| start < latest) {
                    return Err(ValidationError::new(start_field, Problem::OutOfOrder));
                }
                latest_start = Some(start);
            }
            phases.push(PhaseDates {
                phase,
                starts_on,
                ends_on,
            });
        }
        Ok(Timeline { phases, current })
    }

    /// A timeline with no dates yet, currently in the design phase.
    pub fn undated() -> Timeline {
        Timeline::parse(Phase::Design, |_| (None, None))
            .expect("an undated timeline is always valid")
    }

    /// The dates of every phase, in lifecycle order.
    pub fn phases(&self) -> &[PhaseDates] {
        &self.phases
    }

    /// The phase the assembly is in now.
    pub fn current(&self) -> Phase {
        self.current
    }
}

/// Everything an organiser enters to create or edit an assembly, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyDraft {
    /// The title.
    pub title: Title,
    /// The question (remit).
    pub question: Question,
    /// The commissioning authority.
    pub authority: Authority,
    /// The authority's commitments, in the order shown.
    pub commitments: Vec<Commitment>,
    /// The timeline and the current phase.
    pub timeline: Timeline,
}

/// A comment from the public on the design of the process (1 to 2000 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    /// Parses a comment from the `body` field.
    pub fn parse(raw: &str) -> Result<CommentBody, ValidationError> {
        bounded_text("body", raw, 2000).map(CommentBody)
    }

    /// The comment text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a public comment stands in moderation; only approved comments are shown publicly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStatus {
    /// Waiting for an organiser.
    Pending,
    /// Shown on the public page.
    Approved,
    /// Kept for the record but never shown publicly.
    Rejected,
}

impl CommentStatus {
    /// The stable identifier used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Rejected => "rejected",
        }
    }

    /// Parses a stored or submitted status.
    pub fn parse(field: &str, raw: &str) -> Result<CommentStatus, ValidationError> {
        match raw.trim() {
            "pending" => Ok(CommentStatus::Pending),
            "approved" => Ok(CommentStatus::Approved),
            "rejected" => Ok(CommentStatus::Rejected),
            "" => Err(ValidationError::new(field, Problem::Required)),
            _ => Err(ValidationError::new(field, Problem::Malformed)),
        }
    }

    /// Moderation decides once: a pending comment becomes approved or rejected, and stays so.
    pub fn moderate(self, decision: CommentStatus) -> Result<CommentStatus, ValidationError> {
        match (self, decision) {
            (CommentStatus::Pending, CommentStatus::Approved | CommentStatus::Rejected) => {
                Ok(decision)
            }
            _ => Err(ValidationError::new("decision", Problem::Malformed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_date(raw: &str, expect: Option<&str>) {
        let got = CalendarDate::parse("d", raw)
            .ok()
            .map(|date| date.to_string());
        assert_eq!(got.as_deref(), expect, "input {raw:?}");
    }

    #[test]
    fn dates_are_iso_calendar_days() {
        check_date("2019-10-04", Some("2019-10-04"));
        check_date(" 2024-02-29 ", Some("2024-02-29"));
        check_date("2023-02-29", None);
        check_date("1900-02-29", None);
        check_date("2019-13-01", None);
        check_date("2019-1-01", None);
        check_date("20a9-01-01", None);
        check_date("", None);
    }

    #[test]
    fn timeline_rejects_a_phase_ending_before_it_starts_and_phases_out_of_order() {
        let dates = |pairs: Vec<(Phase, &'static str, &'static str)>| {
            move |phase: Phase| {
                pairs
                    .iter()
                    .find(|(p, _, _)| *p == phase)
                    .map(|(_, s, e)| (Some(s.to_string()), Some(e.to_string())))
                    .unwrap_or((None, None))
            }
        };
        let ok = Timeline::parse(
            Phase::Learning,
            dates(vec![
                (Phase::Design, "2019-01-01", "2019-06-30"),
                (Phase::Learning, "2019-10-04", "2019-11-30"),
            ]),
        )
        .unwrap();
        assert_eq!(ok.current(), Phase::Learning);
        assert_eq!(ok.phases().len(), 8);

        let backwards = Timeline::parse(
            Phase::Design,
            dates(vec![(Phase::Design, "2019-06-30", "2019-01-01")]),
        );
        assert_eq!(
            backwards.unwrap_err(),
            ValidationError::new("end_design", Problem::OutOfOrder)
        );

        let out_of_order = Timeline::parse(
            Phase::Design,
            dates(vec![
                (Phase::Design, "2019-06-01", "2019-06-30"),
                (Phase::Selection, "2019-01-01", ""),
            ]),
        );
        assert_eq!(
            out_of_order.unwrap_err(),
            ValidationError::new("start_selection", Problem::OutOfOrder)
        );
    }

    #[test]
    fn texts_are_trimmed_required_and_bounded() {
        assert_eq!(Title::parse("  Climate  ").unwrap().as_str(), "Climate");
        assert_eq!(
            Title::parse("   ").unwrap_err(),
            ValidationError::new("title", Problem::Required)
        );
        assert_eq!(
            Title::parse(&"x".repeat(201)).unwrap_err(),
            ValidationError::new("title", Problem::TooLong { max: 200 })
        );
        let commitments =
            Commitment::parse_lines("Respond within 12 weeks\n\n  Publish every answer \n")
                .unwrap();
        assert_eq!(commitments.len(), 2);
        assert_eq!(commitments[1].as_str(), "Publish every answer");
        let too_many = "c\n".repeat(MAX_COMMITMENTS + 1);
        assert!(Commitment::parse_lines(&too_many).is_err());
    }

    #[test]
    fn a_comment_is_moderated_once() {
        assert_eq!(
            CommentStatus::Pending.moderate(CommentStatus::Approved),
            Ok(CommentStatus::Approved)
        );
        assert!(
            CommentStatus::Approved
                .moderate(CommentStatus::Rejected)
                .is_err()
        );
        assert!(
            CommentStatus::Pending
                .moderate(CommentStatus::Pending)
                .is_err()
        );
    }
}
