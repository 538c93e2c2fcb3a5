//! The forms of deliberation, each validated into the command its use case takes ([`Validate`]), and the
//! sentences that name a field's problem in the visitor's language ([`describe`]).

use app::deliberation::proposals::Decision;
use app::deliberation::recommendations::Adoption;
use app::deliberation::voting::Marks;
use ballots::HeldWhen;
use ballots::notation::{self, MethodKind};
use domain::error::{Problem, ValidationError};
use serde::Deserialize;
use store::ballot_box::NewBallot;
use store::proposals::NewProposal;
use store::recommendations::Route;

use crate::form::{FieldErrors, Validate};
use crate::i18n::{DeliberationMessages, fill};

/// The longest title.
pub const MAX_TITLE: usize = 200;
/// The longest text (a proposal, an amendment, a minority report, a comment).
pub const MAX_TEXT: usize = 20_000;
/// The longest ballot question.
pub const MAX_WORDING: usize = MAX_TITLE * 5;
/// The longest recommendation reference.
pub const MAX_REFERENCE: usize = 40;
/// The most members a ballot may count as eligible.
pub const MAX_ELIGIBLE: i64 = 100_000;
/// The pass rules offered, in the order of [`DeliberationMessages::rules`]; empty is "no pass rule".
pub const RULES: [&str; 5] = [
    "more_than 1/2",
    "at_least 3/5",
    "at_least 2/3",
    "at_least 3/4",
    "",
];

/// One sentence per error, in the visitor's language, naming the field by its label.
pub fn describe(t: &DeliberationMessages, errors: &FieldErrors) -> Vec<String> {
    errors
        .0
        .iter()
        .map(|error| {
            let problem = match error.problem {
                Problem::Required => t.required.to_owned(),
                Problem::TooLong { max } => fill(t.too_long, &[("n", &max.to_string())]),
                _ => t.malformed.to_owned(),
            };
            format!("{}: {problem}", label(t, &error.field))
        })
        .collect()
}

/// The label of a field of these forms.
fn label<'a>(t: &'a DeliberationMessages, field: &'a str) -> &'a str {
    match field {
        "title" => t.title_label,
        "body" => t.body_label,
        "session_id" => t.session_label,
        "table" => t.table_label,
        "method" => t.method_label,
        "wording" => t.wording_label,
        "wording_otherwise" => t.wording_otherwise_label,
        "pass_rule" => t.rule_label,
        "eligible_members" => t.eligible_label,
        "max_approvals" => t.max_approvals_label,
        "proposal_id" => t.proposal_label,
        "opens_after" => t.opens_after_label,
        "options" => t.options_label,
        "amendment_body" => t.amendment_body_label,
        "rationale" => t.rationale_label,
        "decision" => t.decision_label,
        "comment" | "amendment_id" => t.comment_label,
        "minority_report" => t.minority_label,
        "reference" => t.reference_label,
        "theme" => t.theme_label,
        "route" => t.route_label,
        "entry" => t.entry_label,
        "sheets" => t.sheets_label,
        "choice" => t.your_vote,
        other => other,
    }
}

/// A required text: trimmed, not empty, at most `max` characters.
fn required_text(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> Option<String> {
    let text = raw.trim();
    let problem = if text.is_empty() {
        Problem::Required
    } else if text.chars().count() > max {
        Problem::TooLong { max }
    } else {
        return Some(text.to_owned());
    };
    errors.push(ValidationError::new(field, problem));
    None
}

/// An optional text: empty, or as [`required_text`].
fn optional_text(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> Option<String> {
    if raw.trim().is_empty() {
        return Some(String::new());
    }
    required_text(errors, field, raw, max)
}

/// An optional id or number: empty is none.
fn optional_number(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Option<i64>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(None);
    }
    match raw.parse::<i64>() {
        Ok(number) => Some(Some(number)),
        Err(_) => {
            errors.push(ValidationError::new(field, Problem::Malformed));
            None
        }
    }
}

/// The draft-proposal form. The session is an id of one of the assembly's sessions; the table is
/// `session_id:table_no` (the table numbered from 0, as stored), so that one select offers every session's tables.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProposalForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Text.
    #[serde(default)]
    pub body: String,
    /// The session's id (empty: none).
    #[serde(default)]
    pub session_id: String,
    /// The table as `session_id:table_no` (empty: none).
    #[serde(default)]
    pub table: String,
}

impl ProposalForm {
    /// The value of the table select for a table of a session.
    pub fn table_value(session_id: i64, table_no: i64) -> String {
        format!("{session_id}:{table_no}")
    }
}

impl From<&NewProposal> for ProposalForm {
    fn from(new: &NewProposal) -> ProposalForm {
        ProposalForm {
            title: new.title.clone(),
            body: new.body.clone(),
            session_id: new.session_id.map(|id| id.to_string()).unwrap_or_default(),
            table: match (new.session_id, new.table_no) {
                (Some(session_id), Some(table_no)) => {
                    ProposalForm::table_value(session_id, table_no)
                }
                _ => String::new(),
            },
        }
    }
}

/// An optional table of the proposal form: empty is none, else `session_id:table_no`.
fn optional_table(errors: &mut FieldErrors, raw: &str) -> Option<Option<(i64, i64)>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(None);
    }
    let parsed: Option<(i64, i64)> = raw
        .split_once(':')
        .and_then(|(session, table)| Some((session.parse().ok()?, table.parse().ok()?)));
    match parsed {
        Some((session_id, table_no)) if table_no >= 0 => Some(Some((session_id, table_no))),
        _ => {
            errors.push(ValidationError::new("table", Problem::Malformed));
            None
        }
    }
}

impl Validate for ProposalForm {
    type Command = NewProposal;

    fn validate(&self) -> Result<NewProposal, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = required_text(&mut errors, "title", &self.title, MAX_TITLE);
        let body = required_text(&mut errors, "body", &self.body, MAX_TEXT);
        let session = optional_number(&mut errors, "session_id", &self.session_id);
        let table = optional_table(&mut errors, &self.table);
        let (Some(title), Some(body), Some(session_id), Some(table)) =
            (title, body, session, table)
        else {
            return Err(errors);
        };
        // A table names its session: with no session chosen it gives it; with another one chosen, the two disagree.
        let (session_id, table_no) = match (session_id, table) {
            (session_id, None) => (session_id, None),
            (None, Some((table_session, table_no))) => (Some(table_session), Some(table_no)),
            (Some(session_id), Some((table_session, table_no))) if session_id == table_session => {
                (Some(session_id), Some(table_no))
            }
            (Some(_), Some(_)) => {
                errors.push(ValidationError::new("table", Problem::Malformed));
                return Err(errors);
            }
        };
        Ok(NewProposal {
            title,
            body,
            session_id,
            table_no,
        })
    }
}

/// The new-ballot form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BallotForm {
    /// One of the [`MethodKind`] identifiers.
    #[serde(default)]
    pub method: String,
    /// The question (if the earlier ballot passed).
    #[serde(default)]
    pub wording: String,
    /// The question if the earlier ballot did not pass.
    #[serde(default)]
    pub wording_otherwise: String,
    /// Options, one per line.
    #[serde(default)]
    pub options: String,
    /// One of [`RULES`].
    #[serde(default)]
    pub pass_rule: String,
    /// Most approvals per voter.
    #[serde(default)]
    pub max_approvals: String,
    /// Members entitled to vote.
    #[serde(default)]
    pub eligible_members: String,
    /// The proposal decided, by id.
    #[serde(default)]
    pub proposal_id: String,
    /// The earlier ballot, by id.
    #[serde(default)]
    pub opens_after: String,
    /// One of the [`HeldWhen`] identifiers (anything else is `always`).
    #[serde(default)]
    pub held_when: String,
}

impl Validate for BallotForm {
    type Command = NewBallot;

    fn validate(&self) -> Result<NewBallot, FieldErrors> {
        let mut errors = FieldErrors::new();
        let method = MethodKind::parse(&self.method);
        if method.is_none() {
            errors.push(ValidationError::new("method", Problem::Required));
        }
        let wording = required_text(&mut errors, "wording", &self.wording, MAX_WORDING);
        let otherwise = optional_text(
            &mut errors,
            "wording_otherwise",
            &self.wording_otherwise,
            MAX_WORDING,
        );
        // Only the rules offered; a yes/no ballot always has one.
        let pass_rule = RULES
            .contains(&self.pass_rule.as_str())
            .then(|| notation::read_threshold(&self.pass_rule))
            .filter(|rule| rule.is_some() || method != Some(MethodKind::YesNo));
        if pass_rule.is_none() {
            errors.push(ValidationError::new("pass_rule", Problem::Malformed));
        }
        let eligible = match self.eligible_members.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_ELIGIBLE).contains(&n) => Some(n),
            _ => {
                errors.push(ValidationError::new("eligible_members", Problem::Malformed));
                None
            }
        };
        let max_approvals = optional_number(&mut errors, "max_approvals", &self.max_approvals);
        let proposal_id = optional_number(&mut errors, "proposal_id", &self.proposal_id);
        let opens_after = optional_number(&mut errors, "opens_after", &self.opens_after);
        let held_when = HeldWhen::parse(&self.held_when).unwrap_or(HeldWhen::Always);
        match (
            method,
            wording,
            otherwise,
            pass_rule,
            eligible,
            max_approvals,
            proposal_id,
            opens_after,
        ) {
            (
                Some(method),
                Some(wording),
                Some(wording_otherwise),
                Some(pass_rule),
                Some(eligible_members),
                Some(max_approvals),
                Some(proposal_id),
                Some(opens_after),
            ) => Ok(NewBallot {
                proposal_id,
                method,
                wording,
                wording_otherwise,
                options: notation::option_lines(&self.options).join("\n"),
                pass_rule,
                max_approvals,
                eligible_members,
                opens_after,
                held_when,
            }),
            _ => Err(errors),
        }
    }
}

impl From<&NewBallot> for BallotForm {
    /// The form as it validated, to show again when the use case refuses the definition.
    fn from(new: &NewBallot) -> BallotForm {
        let id = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        BallotForm {
            method: new.method.as_str().to_owned(),
            wording: new.wording.clone(),
            wording_otherwise: new.wording_otherwise.clone(),
            options: new.options.clone(),
            pass_rule: new
                .pass_rule
                .map(notation::write_threshold)
                .unwrap_or_default(),
            max_approvals: id(new.max_approvals),
            eligible_members: new.eligible_members.to_string(),
            proposal_id: id(new.proposal_id),
            opens_after: id(new.opens_after),
            held_when: new.held_when.as_str().to_owned(),
        }
    }
}

/// The amendment form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AmendmentForm {
    /// The new text.
    #[serde(default)]
    pub amendment_body: String,
    /// Why.
    #[serde(default)]
    pub rationale: String,
}

/// An amendment to propose: the text as amended and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAmendment {
    /// The text as amended.
    pub body: String,
    /// Why.
    pub rationale: String,
}

impl Validate for AmendmentForm {
    type Command = NewAmendment;

    fn validate(&self) -> Result<NewAmendment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let body = required_text(
            &mut errors,
            "amendment_body",
            &self.amendment_body,
            MAX_TEXT,
        );
        let rationale = required_text(&mut errors, "rationale", &self.rationale, MAX_TEXT);
        match (body, rationale) {
            (Some(body), Some(rationale)) => Ok(NewAmendment { body, rationale }),
            _ => Err(errors),
        }
    }
}

/// The accept/reject form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionForm {
    /// `accept` or `reject`.
    #[serde(default)]
    pub decision: String,
}

impl Validate for DecisionForm {
    type Command = Decision;

    fn validate(&self) -> Result<Decision, FieldErrors> {
        match self.decision.as_str() {
            "accept" => Ok(Decision::Accept),
            "reject" => Ok(Decision::Reject),
            _ => Err(ValidationError::new("decision", Problem::Required).into()),
        }
    }
}

/// The comment form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommentForm {
    /// The text.
    #[serde(default)]
    pub comment: String,
    /// The amendment commented on, if any.
    #[serde(default)]
    pub amendment_id: String,
}

/// A comment to post: on the proposal, or on one of its amendments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    /// The amendment it is about, if any.
    pub amendment_id: Option<i64>,
    /// The text.
    pub body: String,
}

impl Validate for CommentForm {
    type Command = NewComment;

    fn validate(&self) -> Result<NewComment, FieldErrors> {
        let mut errors = FieldErrors::new();
        let body = required_text(&mut errors, "comment", &self.comment, MAX_TEXT);
        let amendment_id = optional_number(&mut errors, "amendment_id", &self.amendment_id);
        match (body, amendment_id) {
            (Some(body), Some(amendment_id)) => Ok(NewComment { amendment_id, body }),
            _ => Err(errors),
        }
    }
}

/// The minority-report form (of a proposal or of a recommendation).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MinorityForm {
    /// The text (empty removes it).
    #[serde(default)]
    pub minority_report: String,
}

impl Validate for MinorityForm {
    type Command = String;

    fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        optional_text(
            &mut errors,
            "minority_report",
            &self.minority_report,
            MAX_TEXT,
        )
        .ok_or(errors)
    }
}

/// The recommendation form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdoptForm {
    /// The public reference.
    #[serde(default)]
    pub reference: String,
    /// The theme.
    #[serde(default)]
    pub theme: String,
    /// The route.
    #[serde(default)]
    pub route: String,
}

impl Validate for AdoptForm {
    type Command = Adoption;

    fn validate(&self) -> Result<Adoption, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reference = required_text(&mut errors, "reference", &self.reference, MAX_REFERENCE);
        let theme = required_text(&mut errors, "theme", &self.theme, MAX_TITLE);
        let route = Route::parse(&self.route);
        if route.is_none() {
            errors.push(ValidationError::new("route", Problem::Required));
        }
        match (reference, theme, route) {
            (Some(reference), Some(theme), Some(route)) => Ok(Adoption {
                reference,
                theme,
                route,
            }),
            _ => Err(errors),
        }
    }
}

impl From<&Adoption> for AdoptForm {
    /// The form as it validated, to show again when the use case refuses it.
    fn from(adoption: &Adoption) -> AdoptForm {
        AdoptForm {
            reference: adoption.reference.clone(),
            theme: adoption.theme.clone(),
            route: adoption.route.as_str().to_owned(),
        }
    }
}

/// The paper entry form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PaperForm {
    /// `1` or `2`.
    #[serde(default)]
    pub entry: String,
    /// One `sheet: choice` line per sheet.
    #[serde(default)]
    pub sheets: String,
}

/// One of the two entries of the paper sheets, as typed (read against the ballot by the use case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperEntry {
    /// Which entry.
    pub entry: ballots::Entry,
    /// The sheets as typed.
    pub sheets: String,
}

impl Validate for PaperForm {
    type Command = PaperEntry;

    fn validate(&self) -> Result<PaperEntry, FieldErrors> {
        let mut errors = FieldErrors::new();
        let entry = match self.entry.trim() {
            "1" => Some(ballots::Entry::First),
            "2" => Some(ballots::Entry::Second),
            _ => {
                errors.push(ValidationError::new("entry", Problem::Required));
                None
            }
        };
        if self.sheets.trim().is_empty() {
            errors.push(ValidationError::new("sheets", Problem::Required));
        }
        match entry {
            Some(entry) if errors.is_empty() => Ok(PaperEntry {
                entry,
                sheets: self.sheets.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// The vote form, as posted: `choice`, or `rank_N` per option, or repeated `approve` fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct VoteForm(pub Vec<(String, String)>);

impl Validate for VoteForm {
    type Command = Marks;

    /// Gathers the marks; whether they fit the ballot is for the use case, which knows its method.
    fn validate(&self) -> Result<Marks, FieldErrors> {
        let mut marks = Marks::default();
        for (name, value) in &self.0 {
            if name == "choice" {
                if marks.choice.is_empty() {
                    marks.choice = value.clone();
                }
            } else if name == "approve" {
                marks.approved.push(value.clone());
            } else if let Some(number) = name
                .strip_prefix("rank_")
                .and_then(|number| number.parse::<usize>().ok())
            {
                marks.ranks.push((number, value.clone()));
            }
        }
        Ok(marks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ballot_form_names_every_bad_field_and_reads_back_from_its_command() {
        let form = BallotForm {
            method: "yes_no".to_owned(),
            pass_rule: String::new(),
            eligible_members: "zero".to_owned(),
            ..BallotForm::default()
        };
        let errors = form.validate().unwrap_err();
        let t = crate::i18n::Lang::En.t::<DeliberationMessages>();
        assert_eq!(
            describe(t, &errors),
            [
                "Question: is required",
                "Pass rule: is not valid",
                "Members entitled to vote: is not valid"
            ]
        );
        let form = BallotForm {
            method: "agreement".to_owned(),
            wording: " How far? ".to_owned(),
            eligible_members: "10".to_owned(),
            held_when: "passed".to_owned(),
            opens_after: "3".to_owned(),
            ..BallotForm::default()
        };
        let new = form.validate().unwrap();
        assert_eq!(new.wording, "How far?");
        assert_eq!(new.pass_rule, None);
        assert_eq!(BallotForm::from(&new).validate().unwrap(), new);
    }
}

/// Publishing the final report (issue 18, item 7): the ticked confirmation that the preview was read.
#[derive(Debug, Deserialize)]
pub struct PublishFields {
    /// The ticked confirmation.
    #[serde(default)]
    pub confirm: Option<String>,
}

impl Validate for PublishFields {
    type Command = ();

    fn validate(&self) -> Result<(), FieldErrors> {
        match self.confirm {
            Some(_) => Ok(()),
            None => Err(ValidationError::new("confirm", Problem::Required).into()),
        }
    }
}
