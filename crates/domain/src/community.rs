//! Community assemblies (issue 16, item 2): the kinds of community a host runs an assembly in, the status of an
//! outcome in moderation, and the parsed registration of a host and outcome of a community assembly.
//!
//! A host's email is personal data: it is parsed here like an account's ([`crate::account::Email`]) and never
//! published; the name and community are published with accepted outcomes (the form says so).

use crate::account::Email;
use crate::error::{Problem, ValidationError, bounded_text, single_line};

/// Where a community assembly is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommunityKind {
    /// A school, college or university.
    School,
    /// A workplace.
    Workplace,
    /// A place of worship.
    Worship,
    /// A village or neighbourhood.
    Village,
    /// Any other community.
    Other,
}

impl CommunityKind {
    /// Every kind, in the form's order.
    pub const ALL: [CommunityKind; 5] = [
        CommunityKind::School,
        CommunityKind::Workplace,
        CommunityKind::Worship,
        CommunityKind::Village,
        CommunityKind::Other,
    ];

    /// The stable identifier used in storage, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityKind::School => "school",
            CommunityKind::Workplace => "workplace",
            CommunityKind::Worship => "worship",
            CommunityKind::Village => "village",
            CommunityKind::Other => "other",
        }
    }

    /// Parses a stored or submitted identifier (`None` if unknown).
    pub fn parse(raw: &str) -> Option<CommunityKind> {
        CommunityKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw.trim())
    }
}

/// Where an outcome stands in moderation; only accepted outcomes are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeStatus {
    /// Waiting for an organiser.
    Pending,
    /// Published and counted in the assembly's evidence.
    Accepted,
    /// Kept for the host but never shown publicly.
    Rejected,
}

impl OutcomeStatus {
    /// The stable identifier used in storage and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeStatus::Pending => "pending",
            OutcomeStatus::Accepted => "accepted",
            OutcomeStatus::Rejected => "rejected",
        }
    }

    /// Parses a stored or submitted identifier (`None` if unknown).
    pub fn parse(raw: &str) -> Option<OutcomeStatus> {
        [
            OutcomeStatus::Pending,
            OutcomeStatus::Accepted,
            OutcomeStatus::Rejected,
        ]
        .into_iter()
        .find(|status| status.as_str() == raw.trim())
    }
}

/// A host's registration, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHost {
    /// The host's name (published with accepted outcomes).
    pub name: String,
    /// The host's email (personal data: never published nor logged).
    pub email: Email,
    /// The community or place (a school's name, a village...).
    pub community: String,
    /// Its kind.
    pub kind: CommunityKind,
    /// The area, one of the assembly's area values (empty when the assembly has none).
    pub area: String,
}

impl NewHost {
    /// Parses the fields `name`, `email`, `community`, `kind` and `area` (checked against `areas` when not empty),
    /// reporting every problem at once.
    pub fn parse(
        name: &str,
        email: &str,
        community: &str,
        kind: &str,
        area: &str,
        areas: &[String],
    ) -> Result<NewHost, Vec<ValidationError>> {
        let name = single_line("name", name, 100);
        let email = Email::parse(email);
        let community = single_line("community", community, 200);
        let kind = CommunityKind::parse(kind)
            .ok_or_else(|| ValidationError::new("kind", Problem::Required));
        let area = if areas.is_empty() {
            Ok(String::new())
        } else if area.trim().is_empty() {
            Err(ValidationError::new("area", Problem::Required))
        } else {
            areas
                .iter()
                .find(|value| value.as_str() == area.trim())
                .cloned()
                .ok_or_else(|| ValidationError::new("area", Problem::Malformed))
        };
        match (name, email, community, kind, area) {
            (Ok(name), Ok(email), Ok(community), Ok(kind), Ok(area)) => Ok(NewHost {
                name,
                email,
                community,
                kind,
                area,
            }),
            (name, email, community, kind, area) => Err([
                name.err(),
                email.err(),
                community.err(),
                kind.err(),
                area.err(),
            ]
            .into_iter()
            .flatten()
            .collect()),
        }
    }
}

/// The most participants one community assembly may report.
pub const MAX_PARTICIPANTS: i64 = 100_000;

/// The outcomes of one community assembly, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutcome {
    /// When it was held (`YYYY-MM-DD`).
    pub held_on: String,
    /// How many took part (1 to [`MAX_PARTICIPANTS`]).
    pub participants: i64,
    /// An anonymous summary: (feature, value, count), counts only, no names.
    pub demographics: Vec<(String, String, i64)>,
    /// The questions discussed.
    pub questions: String,
    /// The main points.
    pub points: String,
    /// The recommendations.
    pub recommendations: String,
    /// Notes (optional).
    pub notes: String,
}

/// The raw fields of an outcome, as posted.
#[derive(Debug, Clone, Copy)]
pub struct OutcomeFields<'a> {
    /// `held_on`.
    pub held_on: &'a str,
    /// `participants`.
    pub participants: &'a str,
    /// `questions`.
    pub questions: &'a str,
    /// `points`.
    pub points: &'a str,
    /// `recommendations`.
    pub recommendations: &'a str,
    /// `notes`.
    pub notes: &'a str,
}

impl NewOutcome {
    /// Parses an outcome (every problem at once); `demographics` are (field, feature, value, raw count) and an empty
    /// count is left out; no count may exceed the participants.
    pub fn parse(
        fields: OutcomeFields<'_>,
        demographics: &[(String, String, String, String)],
    ) -> Result<NewOutcome, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let held_on = parse_date("held_on", fields.held_on).map_err(|e| errors.push(e));
        let participants = match fields.participants.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_PARTICIPANTS).contains(&n) => Ok(n),
            _ if fields.participants.trim().is_empty() => {
                Err(ValidationError::new("participants", Problem::Required))
            }
            _ => Err(ValidationError::new("participants", Problem::Malformed)),
        }
        .map_err(|e| errors.push(e));
        let mut counts = Vec::new();
        for (field, feature, value, raw) in demographics {
            if raw.trim().is_empty() {
                continue;
            }
            match raw.trim().parse::<i64>() {
                Ok(n) if n >= 0 && participants.as_ref().map_or(true, |total| n <= *total) => {
                    counts.push((feature.clone(), value.clone(), n))
                }
                _ => errors.push(ValidationError::new(field.clone(), Problem::Malformed)),
            }
        }
        let questions =
            bounded_text("questions", fields.questions, 5000).map_err(|e| errors.push(e));
        let points = bounded_text("points", fields.points, 10_000).map_err(|e| errors.push(e));
        let recommendations = bounded_text("recommendations", fields.recommendations, 10_000)
            .map_err(|e| errors.push(e));
        let notes = if fields.notes.trim().is_empty() {
            Ok(String::new())
        } else {
            bounded_text("notes", fields.notes, 5000).map_err(|e| errors.push(e))
        };
        match (
            held_on,
            participants,
            questions,
            points,
            recommendations,
            notes,
        ) {
            (
                Ok(held_on),
                Ok(participants),
                Ok(questions),
                Ok(points),
                Ok(recommendations),
                Ok(notes),
            ) if errors.is_empty() => Ok(NewOutcome {
                held_on,
                participants,
                demographics: counts,
                questions,
                points,
                recommendations,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

/// A calendar date `YYYY-MM-DD` between 2000 and 2100 with a valid day of its month.
fn parse_date(field: &str, raw: &str) -> Result<String, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ValidationError::new(field, Problem::Required));
    }
    let malformed = || ValidationError::new(field, Problem::Malformed);
    let parts: Vec<&str> = raw.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(malformed());
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return Err(malformed());
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return Err(malformed());
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(malformed()),
    };
    if !(2000..=2100).contains(&year) || day == 0 || day > days {
        return Err(malformed());
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(held_on: &str, participants: &str) -> OutcomeFields<'static> {
        OutcomeFields {
            held_on: Box::leak(held_on.to_owned().into_boxed_str()),
            participants: Box::leak(participants.to_owned().into_boxed_str()),
            questions: "What should change?",
            points: "Buses",
            recommendations: "More buses",
            notes: "",
        }
    }

    #[test]
    fn hosts_need_a_name_an_email_a_kind_and_an_area_of_the_assembly() {
        let areas = vec!["North".to_owned(), "South".to_owned()];
        let host = NewHost::parse(
            "Ana",
            "Ana@Example.org",
            "St Mary's",
            "school",
            "North",
            &areas,
        )
        .unwrap();
        assert_eq!(host.email.as_str(), "ana@example.org");
        assert_eq!(host.kind, CommunityKind::School);
        let errors = NewHost::parse("", "nope", "", "castle", "East", &areas).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "community", "kind", "area"]);
        assert!(NewHost::parse("Ana", "a@b.org", "Hall", "other", "", &[]).is_ok());
    }

    #[test]
    fn outcomes_refuse_bad_dates_counts_and_demographics_larger_than_the_room() {
        assert!(NewOutcome::parse(outcome("2027-02-28", "12"), &[]).is_ok());
        for (date, field) in [
            ("2027-02-30", "held_on"),
            ("28/02/2027", "held_on"),
            ("", "held_on"),
        ] {
            let errors = NewOutcome::parse(outcome(date, "12"), &[]).unwrap_err();
            assert_eq!(errors[0].field, field, "{date}");
        }
        for count in ["0", "-3", "many", "100001"] {
            let errors = NewOutcome::parse(outcome("2027-02-28", count), &[]).unwrap_err();
            assert_eq!(errors[0].field, "participants", "{count}");
        }
        let demographics = vec![
            (
                "d_0_0".to_owned(),
                "gender".to_owned(),
                "woman".to_owned(),
                "7".to_owned(),
            ),
            (
                "d_0_1".to_owned(),
                "gender".to_owned(),
                "man".to_owned(),
                "13".to_owned(),
            ),
            (
                "d_0_2".to_owned(),
                "gender".to_owned(),
                "other".to_owned(),
                "".to_owned(),
            ),
        ];
        let errors = NewOutcome::parse(outcome("2027-02-28", "12"), &demographics).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "d_0_1");
        let parsed = NewOutcome::parse(outcome("2027-02-28", "20"), &demographics).unwrap();
        assert_eq!(parsed.demographics.len(), 2);
    }
}
