//! The accountability model: a recommendation with its level of support and due date, the
//! authority's response, the implementation milestones, and the fidelity judgement, each built by
//! a constructor that checks its invariants.

use crate::{Date, ImpactError};

/// The authority's response to a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResponseKind {
    /// Accepted as recommended.
    AcceptedInFull,
    /// Accepted, but changed.
    AcceptedWithModifications,
    /// Only part of it accepted.
    AcceptedInPart,
    /// Rejected.
    Rejected,
    /// No response recorded (yet).
    NoResponseYet,
}

impl ResponseKind {
    /// Every kind, in the order of scorecards and charts.
    pub const ALL: [ResponseKind; 5] = [
        ResponseKind::AcceptedInFull,
        ResponseKind::AcceptedWithModifications,
        ResponseKind::AcceptedInPart,
        ResponseKind::Rejected,
        ResponseKind::NoResponseYet,
    ];

    /// The words used on the scorecard and in exports, e.g. `accepted in full`.
    pub fn label(self) -> &'static str {
        match self {
            ResponseKind::AcceptedInFull => "accepted in full",
            ResponseKind::AcceptedWithModifications => "accepted with modifications",
            ResponseKind::AcceptedInPart => "accepted in part",
            ResponseKind::Rejected => "rejected",
            ResponseKind::NoResponseYet => "no response yet",
        }
    }

    /// Reads a label (as written by [`ResponseKind::label`]) or a short code: `full`, `modified`,
    /// `part`, `rejected`, `none`.
    pub fn parse(text: &str) -> Result<ResponseKind, ImpactError> {
        let text = text.trim();
        let code = match text {
            "full" => Some(ResponseKind::AcceptedInFull),
            "modified" => Some(ResponseKind::AcceptedWithModifications),
            "part" => Some(ResponseKind::AcceptedInPart),
            "rejected" => Some(ResponseKind::Rejected),
            "none" => Some(ResponseKind::NoResponseYet),
            _ => None,
        };
        code.or_else(|| {
            ResponseKind::ALL
                .into_iter()
                .find(|kind| kind.label() == text)
        })
        .ok_or_else(|| ImpactError::UnknownResponseKind {
            text: text.to_owned(),
        })
    }
}

/// Whether what was enacted is what was recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fidelity {
    /// Enacted as recommended.
    Full,
    /// Enacted in a weaker form.
    Diluted,
    /// Something different was enacted under its name.
    Different,
    /// Nothing was enacted.
    None,
    /// No judgement made (yet).
    NotYetJudged,
}

impl Fidelity {
    /// Every fidelity, in the order of scorecards and charts.
    pub const ALL: [Fidelity; 5] = [
        Fidelity::Full,
        Fidelity::Diluted,
        Fidelity::Different,
        Fidelity::None,
        Fidelity::NotYetJudged,
    ];

    /// The words used on the scorecard and in exports, e.g. `diluted`.
    pub fn label(self) -> &'static str {
        match self {
            Fidelity::Full => "full",
            Fidelity::Diluted => "diluted",
            Fidelity::Different => "different",
            Fidelity::None => "none",
            Fidelity::NotYetJudged => "not yet judged",
        }
    }

    /// Reads a label as written by [`Fidelity::label`] (`-` is accepted for "not yet judged").
    pub fn parse(text: &str) -> Result<Fidelity, ImpactError> {
        let text = text.trim();
        if text == "-" {
            return Ok(Fidelity::NotYetJudged);
        }
        Fidelity::ALL
            .into_iter()
            .find(|fidelity| fidelity.label() == text)
            .ok_or_else(|| ImpactError::UnknownFidelity {
                text: text.to_owned(),
            })
    }
}

/// Who made a fidelity judgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Judge {
    /// The assembly's oversight group.
    OversightGroup,
    /// The assembly members (e.g. their association after the assembly).
    Members,
}

/// The kind of evidence a milestone points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneKind {
    /// A bill (tabled, passed, promulgated).
    Bill,
    /// A regulation or decree.
    Regulation,
    /// A line in a budget.
    BudgetLine,
    /// Anything else.
    Other,
}

/// A link to a public source document: an `http` or `https` URL without spaces or control
/// characters, at most 2048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link(String);

impl Link {
    /// Checks and wraps a URL.
    pub fn parse(text: &str) -> Result<Link, ImpactError> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"));
        let valid = rest.is_some_and(|rest| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && !rest.chars().any(|character| {
                    character.is_whitespace()
                        || character.is_control()
                        || matches!(character, '<' | '>' | '"')
                })
        });
        if valid && text.len() <= 2048 {
            Ok(Link(text.to_owned()))
        } else {
            Err(ImpactError::InvalidLink {
                text: text.to_owned(),
            })
        }
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The share of the assembly that voted for a recommendation, in hundredths of a percent
/// (0 to 10 000), so comparisons are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Support {
    basis_points: u16,
}

impl Support {
    /// From hundredths of a percent (`9650` is 96.5%), at most 10 000.
    pub fn from_basis_points(basis_points: u16) -> Result<Support, ImpactError> {
        if basis_points <= 10_000 {
            Ok(Support { basis_points })
        } else {
            Err(ImpactError::InvalidSupport {
                text: basis_points.to_string(),
            })
        }
    }

    /// From votes for out of votes cast, rounded half up to a hundredth of a percent.
    pub fn from_votes(votes_for: u32, votes_cast: u32) -> Result<Support, ImpactError> {
        if votes_cast == 0 || votes_for > votes_cast {
            return Err(ImpactError::InvalidSupport {
                text: format!("{votes_for} of {votes_cast}"),
            });
        }
        let basis_points =
            (u64::from(votes_for) * 20_000 + u64::from(votes_cast)) / (u64::from(votes_cast) * 2);
        Support::from_basis_points(basis_points as u16)
    }

    /// Reads a percentage with at most two decimals, with or without `%`: `96`, `96.5`, `96.45%`.
    pub fn parse(text: &str) -> Result<Support, ImpactError> {
        let invalid = || ImpactError::InvalidSupport {
            text: text.to_owned(),
        };
        let number = text.trim().trim_end_matches('%');
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty()
            || whole.len() > 3
            || fraction.len() > 2
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let whole: u16 = whole.parse().map_err(|_| invalid())?;
        let fraction: u16 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        whole
            .checked_mul(100)
            .and_then(|points| points.checked_add(fraction))
            .ok_or_else(invalid)
            .and_then(|points| Support::from_basis_points(points).map_err(|_| invalid()))
    }

    /// Hundredths of a percent.
    pub fn basis_points(self) -> u16 {
        self.basis_points
    }
}

impl std::fmt::Display for Support {
    /// As a percentage with the decimals it needs: `96%`, `96.5%`, `96.45%`.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, hundredths) = (self.basis_points / 100, self.basis_points % 100);
        match hundredths {
            0 => write!(formatter, "{whole}%"),
            h if h % 10 == 0 => write!(formatter, "{whole}.{}%", h / 10),
            h => write!(formatter, "{whole}.{h:02}%"),
        }
    }
}

/// The authority's response to one recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    kind: ResponseKind,
    justification: String,
    source: Link,
    date: Date,
}

impl Response {
    /// A response. "No response yet" is not a response (leave the recommendation without one);
    /// every response but "accepted in full" must give its justification.
    pub fn new(
        kind: ResponseKind,
        justification: &str,
        source: Link,
        date: Date,
    ) -> Result<Response, ImpactError> {
        if kind == ResponseKind::NoResponseYet {
            return Err(ImpactError::NoResponseIsNotAResponse);
        }
        if kind != ResponseKind::AcceptedInFull && justification.trim().is_empty() {
            return Err(ImpactError::EmptyField {
                field: "justification",
            });
        }
        Ok(Response {
            kind,
            justification: justification.trim().to_owned(),
            source,
            date,
        })
    }

    /// The kind of response.
    pub fn kind(&self) -> ResponseKind {
        self.kind
    }

    /// Why the authority answered so (may be empty for "accepted in full").
    pub fn justification(&self) -> &str {
        &self.justification
    }

    /// The source document.
    pub fn source(&self) -> &Link {
        &self.source
    }

    /// The date of the response.
    pub fn date(&self) -> Date {
        self.date
    }
}

/// A judgement of how faithfully a recommendation was implemented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FidelityJudgement {
    fidelity: Fidelity,
    judged_by: Judge,
    reasons: String,
    date: Date,
    enacted_text: String,
}

impl FidelityJudgement {
    /// A judgement; "not yet judged" is not a judgement, and the reasons must be given.
    pub fn new(
        fidelity: Fidelity,
        judged_by: Judge,
        reasons: &str,
        date: Date,
    ) -> Result<FidelityJudgement, ImpactError> {
        if fidelity == Fidelity::NotYetJudged {
            return Err(ImpactError::NotYetJudgedIsNotAJudgement);
        }
        if reasons.trim().is_empty() {
            return Err(ImpactError::EmptyField { field: "reasons" });
        }
        Ok(FidelityJudgement {
            fidelity,
            judged_by,
            reasons: reasons.trim().to_owned(),
            date,
            enacted_text: String::new(),
        })
    }

    /// Adds the enacted text (or the relevant extract), to be shown side by side with the
    /// recommendation's text.
    pub fn with_enacted_text(mut self, enacted_text: &str) -> FidelityJudgement {
        self.enacted_text = enacted_text.trim().to_owned();
        self
    }

    /// The enacted text, empty if none was given.
    pub fn enacted_text(&self) -> &str {
        &self.enacted_text
    }

    /// The fidelity.
    pub fn fidelity(&self) -> Fidelity {
        self.fidelity
    }

    /// Who judged.
    pub fn judged_by(&self) -> Judge {
        self.judged_by
    }

    /// The reasons, comparing what was enacted with what was recommended.
    pub fn reasons(&self) -> &str {
        &self.reasons
    }

    /// The date of the judgement.
    pub fn date(&self) -> Date {
        self.date
    }
}

/// A step of implementation with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    date: Date,
    description: String,
    evidence: Link,
    kind: MilestoneKind,
}

impl Milestone {
    /// A milestone; the description must not be empty.
    pub fn new(
        date: Date,
        description: &str,
        evidence: Link,
        kind: MilestoneKind,
    ) -> Result<Milestone, ImpactError> {
        if description.trim().is_empty() {
            return Err(ImpactError::EmptyField {
                field: "description",
            });
        }
        Ok(Milestone {
            date,
            description: description.trim().to_owned(),
            evidence,
            kind,
        })
    }

    /// The date.
    pub fn date(&self) -> Date {
        self.date
    }

    /// What happened.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The evidence (the bill, regulation or budget document).
    pub fn evidence(&self) -> &Link {
        &self.evidence
    }

    /// The kind of evidence.
    pub fn kind(&self) -> MilestoneKind {
        self.kind
    }
}

/// The authority's commitment on responding: a response within a number of weeks of the
/// assembly's final report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commitment {
    response_weeks: u16,
}

impl Commitment {
    /// Respond within `weeks` weeks (1 to 260) of the final report.
    pub fn respond_within_weeks(weeks: u16) -> Result<Commitment, ImpactError> {
        if (1..=260).contains(&weeks) {
            Ok(Commitment {
                response_weeks: weeks,
            })
        } else {
            Err(ImpactError::InvalidCommitment { weeks })
        }
    }

    /// The number of weeks.
    pub fn response_weeks(self) -> u16 {
        self.response_weeks
    }

    /// The last day on which a response is on time: the final report date plus the weeks.
    /// A response on the due date itself is on time.
    pub fn due_date(self, final_report: Date) -> Result<Date, ImpactError> {
        final_report.add_days(i32::from(self.response_weeks) * 7)
    }
}

/// Whether a recommendation was answered in time, as of a given date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timeliness {
    /// Answered on or before the due date.
    OnTime,
    /// Answered after the due date.
    Late,
    /// Not answered, and the due date has passed.
    Overdue,
    /// Not answered, and the due date has not passed (the due date itself is not overdue).
    NotYetDue,
}

impl Timeliness {
    /// Every status, in the order of scorecards and charts.
    pub const ALL: [Timeliness; 4] = [
        Timeliness::OnTime,
        Timeliness::Late,
        Timeliness::Overdue,
        Timeliness::NotYetDue,
    ];

    /// The words used on the scorecard and in exports, e.g. `on time`.
    pub fn label(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on time",
            Timeliness::Late => "late",
            Timeliness::Overdue => "overdue",
            Timeliness::NotYetDue => "not yet due",
        }
    }
}

/// A recommendation of the assembly and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    reference: String,
    title: String,
    theme: String,
    text: String,
    support: Support,
    due: Date,
    response: Option<Response>,
    fidelity: Option<FidelityJudgement>,
    milestones: Vec<Milestone>,
}

impl Recommendation {
    /// A recommendation with no response yet. The reference (e.g. `SD-A1.1`), title and theme
    /// must not be empty; `due` is the last day for an on-time response (see [`Commitment`]).
    pub fn new(
        reference: &str,
        title: &str,
        theme: &str,
        support: Support,
        due: Date,
    ) -> Result<Recommendation, ImpactError> {
        for (field, value) in [("reference", reference), ("title", title), ("theme", theme)] {
            if value.trim().is_empty() {
                return Err(ImpactError::EmptyField { field });
            }
        }
        Ok(Recommendation {
            reference: reference.trim().to_owned(),
            title: title.trim().to_owned(),
            theme: theme.trim().to_owned(),
            text: String::new(),
            support,
            due,
            response: None,
            fidelity: None,
            milestones: Vec::new(),
        })
    }

    /// Adds the full text of the recommendation, shown side by side with the enacted text.
    pub fn with_text(mut self, text: &str) -> Recommendation {
        self.text = text.trim().to_owned();
        self
    }

    /// The full text, empty if none was given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Records the authority's response (replacing an earlier one).
    pub fn with_response(mut self, response: Response) -> Recommendation {
        self.response = Some(response);
        self
    }

    /// Records a fidelity judgement (replacing an earlier one).
    pub fn with_fidelity(mut self, judgement: FidelityJudgement) -> Recommendation {
        self.fidelity = Some(judgement);
        self
    }

    /// Adds an implementation milestone (kept in date order).
    pub fn with_milestone(mut self, milestone: Milestone) -> Recommendation {
        let position = self
            .milestones
            .partition_point(|existing| existing.date <= milestone.date);
        self.milestones.insert(position, milestone);
        self
    }

    /// The reference, e.g. `SD-A1.1`.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The theme, e.g. `se nourrir`.
    pub fn theme(&self) -> &str {
        &self.theme
    }

    /// The share of the assembly that voted for it.
    pub fn support(&self) -> Support {
        self.support
    }

    /// The last day for an on-time response.
    pub fn due(&self) -> Date {
        self.due
    }

    /// The response, whatever its date.
    pub fn response(&self) -> Option<&Response> {
        self.response.as_ref()
    }

    /// The fidelity judgement, whatever its date.
    pub fn fidelity_judgement(&self) -> Option<&FidelityJudgement> {
        self.fidelity.as_ref()
    }

    /// The implementation milestones in date order.
    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }

    /// The response known on `as_of`: one dated after it is not known yet.
    pub fn response_as_of(&self, as_of: Date) -> Option<&Response> {
        self.response
            .as_ref()
            .filter(|response| response.date <= as_of)
    }

    /// The kind of response known on `as_of`.
    pub fn response_kind(&self, as_of: Date) -> ResponseKind {
        self.response_as_of(as_of)
            .map_or(ResponseKind::NoResponseYet, Response::kind)
    }

    /// The fidelity judged on or before `as_of`.
    pub fn fidelity(&self, as_of: Date) -> Fidelity {
        self.fidelity
            .as_ref()
            .filter(|judgement| judgement.date <= as_of)
            .map_or(Fidelity::NotYetJudged, FidelityJudgement::fidelity)
    }

    /// On time, late, overdue or not yet due, as of `as_of`. The due date itself is on time.
    pub fn timeliness(&self, as_of: Date) -> Timeliness {
        match self.response_as_of(as_of) {
            Some(response) if response.date <= self.due => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None if as_of > self.due => Timeliness::Overdue,
            None => Timeliness::NotYetDue,
        }
    }

    /// Accepted in full and implemented with full fidelity, as of `as_of`.
    pub fn fully_taken_up(&self, as_of: Date) -> bool {
        self.response_kind(as_of) == ResponseKind::AcceptedInFull
            && self.fidelity(as_of) == Fidelity::Full
    }
}
