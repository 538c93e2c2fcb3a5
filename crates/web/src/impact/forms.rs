//! The impact pages' forms: each validates into the command of its use case (see [`crate::form`]), and
//! [`describe`] words its errors with the impact catalogue, every sentence starting with the field's label.
//! The recommendations CSV is read here too ([`parse_import`]), line and column named in every problem.

use ::impact::{Commitment, Date, Link, Support};
use app::impact::{Deadline, NewAction, NewJudgement, NewMilestone, NewResponse, SurveyAnswers};
use domain::error::{Problem, ValidationError};
use domain::impact::{
    ActorRole, AllyKind, Arena, Instrument, LIKERT, MaterialKind, Reply, Survey, SurveyItem,
    TacticKind, TacticStatus, Verdict, Visibility,
};
use serde::Deserialize;
use store::impact::{ActorRow, AllyRow, MaterialRow, TacticRow};
use store::recommendations::{NewRecommendation, Route};

use crate::form::{FieldErrors, Validate};
use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;

/// What a field holds, which picks the sentence of its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text or a choice: "is required", "is too long", "is not valid".
    Text,
    /// A date: "write a date as YYYY-MM-DD".
    Date,
    /// A link: "give an http or https link".
    Link,
    /// A level of support: "give a percentage ...".
    Support,
    /// A number of weeks: "give a number of weeks from 1 to 260".
    Weeks,
    /// A survey statement: "choose one answer".
    Answer,
}

/// A form whose errors are worded with the impact catalogue.
pub trait Worded {
    /// The label and shape of the field `name`.
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape);
}

/// One sentence per error of a `F` form, in the catalogue's language, in the order they were found.
pub fn describe<F: Worded>(t: &'static ImpactMessages, errors: &FieldErrors) -> Vec<String> {
    errors
        .0
        .iter()
        .map(|error| {
            if error.field == "justification" && error.problem == Problem::Required {
                return t.err_justification.to_owned();
            }
            let (label, shape) = F::field(t, &error.field);
            let template = match (shape, error.problem) {
                (Shape::Date, _) => t.err_date,
                (Shape::Link, _) => t.err_link,
                (Shape::Support, _) => t.err_support,
                (Shape::Weeks, _) => t.err_weeks,
                (Shape::Answer, _) => t.err_answer,
                (Shape::Text, Problem::Required) => t.err_required,
                (Shape::Text, Problem::TooLong { .. }) => t.err_too_long,
                (Shape::Text, _) => t.err_malformed,
            };
            fill(template, &[("field", label)])
        })
        .collect()
}

/// Required text of at most `max` characters, trimmed.
fn required(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim();
    if value.is_empty() {
        errors.push(ValidationError::new(field, Problem::Required));
    } else if value.chars().count() > max {
        errors.push(ValidationError::new(field, Problem::TooLong { max }));
    }
    value.to_owned()
}

/// Optional text of at most `max` characters, trimmed.
fn optional(errors: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim();
    if value.chars().count() > max {
        errors.push(ValidationError::new(field, Problem::TooLong { max }));
    }
    value.to_owned()
}

/// A date written `YYYY-MM-DD` (an empty one is not valid either).
fn date(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Date> {
    errors
        .take(Date::parse(raw.trim()).map_err(|_| ValidationError::new(field, Problem::Malformed)))
}

/// An http(s) link (an empty one is not valid either).
fn link(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<Link> {
    errors
        .take(Link::parse(raw.trim()).map_err(|_| ValidationError::new(field, Problem::Malformed)))
}

/// The deadline form.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub final_report_on: String,
    /// Weeks.
    #[serde(default)]
    pub response_weeks: String,
    /// `yes` when illustrative.
    #[serde(default)]
    pub illustrative: Option<String>,
}

impl Validate for SettingsForm {
    type Command = Deadline;

    fn validate(&self) -> Result<Deadline, FieldErrors> {
        let mut errors = FieldErrors::new();
        let final_report_on = date(&mut errors, "final_report_on", &self.final_report_on);
        let commitment = errors.take(
            self.response_weeks
                .trim()
                .parse::<u16>()
                .ok()
                .and_then(|weeks| Commitment::respond_within_weeks(weeks).ok())
                .ok_or_else(|| ValidationError::new("response_weeks", Problem::Malformed)),
        );
        match (final_report_on, commitment) {
            (Some(final_report_on), Some(commitment)) => Ok(Deadline {
                final_report_on,
                commitment,
                illustrative: self.illustrative.is_some(),
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for SettingsForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "final_report_on" => (t.final_report_label, Shape::Date),
            _ => (t.weeks_label, Shape::Weeks),
        }
    }
}

/// The form to enter one recommendation (also one line of an import, whose columns have the same names).
#[derive(Debug, Default, Deserialize)]
pub struct RecommendationForm {
    /// Reference.
    #[serde(default)]
    pub reference: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Theme.
    #[serde(default)]
    pub theme: String,
    /// Support in percent (optional).
    #[serde(default)]
    pub support: String,
    /// Route code.
    #[serde(default)]
    pub route: String,
    /// Text.
    #[serde(default)]
    pub body: String,
}

impl RecommendationForm {
    /// The form showing a recommendation that validated (to show it again when the write was refused).
    pub fn echo(new: &NewRecommendation) -> RecommendationForm {
        RecommendationForm {
            reference: new.reference.clone(),
            title: new.title.clone(),
            theme: new.theme.clone(),
            support: new
                .support_bp
                .and_then(|bp| Support::from_basis_points(bp).ok())
                .map(|support| support.to_string().trim_end_matches('%').to_owned())
                .unwrap_or_default(),
            route: new.route.as_str().to_owned(),
            body: new.body.clone(),
        }
    }
}

impl Validate for RecommendationForm {
    type Command = NewRecommendation;

    fn validate(&self) -> Result<NewRecommendation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reference = required(&mut errors, "reference", &self.reference, 40);
        let title = required(&mut errors, "title", &self.title, 300);
        let theme = required(&mut errors, "theme", &self.theme, 100);
        let support_bp = if self.support.trim().is_empty() {
            None
        } else {
            errors
                .take(
                    Support::parse(&self.support)
                        .map_err(|_| ValidationError::new("support", Problem::Malformed)),
                )
                .map(Support::basis_points)
        };
        let route = if self.route.trim().is_empty() {
            Some(Route::Other)
        } else {
            errors.take(
                Route::parse(&self.route)
                    .ok_or_else(|| ValidationError::new("route", Problem::Malformed)),
            )
        };
        let body = optional(&mut errors, "body", &self.body, 20_000);
        errors.or_ok(|| NewRecommendation {
            reference,
            title,
            body,
            theme,
            route: route.unwrap_or(Route::Other),
            support_bp,
            support_text: String::new(),
            minority_report: String::new(),
            proposal_id: None,
        })
    }
}

impl Worded for RecommendationForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "reference" => (t.reference_label, Shape::Text),
            "title" => (t.title_label, Shape::Text),
            "theme" => (t.theme_label, Shape::Text),
            "support" => (t.support_label, Shape::Support),
            "route" => (t.route_label, Shape::Text),
            _ => (t.body_label, Shape::Text),
        }
    }
}

/// The import form.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    /// The CSV text.
    #[serde(default)]
    pub csv: String,
}

impl Validate for ImportForm {
    /// The text, read by [`parse_import`] once the assembly's references are known.
    type Command = String;

    fn validate(&self) -> Result<String, FieldErrors> {
        Ok(self.csv.clone())
    }
}

/// The columns of the recommendations CSV.
pub const IMPORT_COLUMNS: [&str; 6] = ["reference", "title", "theme", "support", "route", "body"];
const IMPORT_REQUIRED: [bool; 6] = [true, true, true, false, false, false];
/// The most recommendations one import takes.
pub const MAX_IMPORT: usize = 2_000;

/// Reads a recommendations CSV (a header row naming [`IMPORT_COLUMNS`], any order, optional ones may be missing),
/// refusing references in `existing` or repeated. Every problem is reported as "Line L, column C: ..." and any
/// problem refuses the whole file.
pub fn parse_import(
    text: &str,
    t: &'static ImpactMessages,
    existing: &[String],
) -> Result<Vec<NewRecommendation>, Vec<String>> {
    let at = |line: u64, column: usize, error: String| {
        fill(
            t.err_cell,
            &[
                ("line", &line.to_string()),
                ("column", &column.to_string()),
                ("error", &error),
            ],
        )
    };
    let problem = |template: &str, field: &str| fill(template, &[("field", field)]);
    // Browsers send a textarea's lines ending in CR LF; read them as LF so line numbers count from the header.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => return Err(vec![at(1, 1, problem(t.err_required, t.import_label))]),
    };
    let mut errors = Vec::new();
    let mut position: [Option<usize>; 6] = [None; 6];
    for (index, name) in header.iter().enumerate() {
        match IMPORT_COLUMNS.iter().position(|c| *c == name.trim()) {
            Some(known) if position[known].is_none() => position[known] = Some(index),
            _ => errors.push(at(1, index + 1, problem(t.err_malformed, name.trim()))),
        }
    }
    for (known, column) in IMPORT_COLUMNS.iter().enumerate() {
        if position[known].is_none() && IMPORT_REQUIRED[known] {
            errors.push(at(1, header.len() + 1, problem(t.err_required, column)));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut seen: std::collections::HashSet<String> = existing.iter().cloned().collect();
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(0);
                errors.push(at(line, 1, problem(t.err_malformed, "csv")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_IMPORT {
            errors.push(at(line, 1, problem(t.err_too_long, "csv")));
            break;
        }
        let cell = |known: usize| -> String {
            position[known]
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        let column = |known: usize| position[known].map(|i| i + 1).unwrap_or(0);
        let form = RecommendationForm {
            reference: cell(0),
            title: cell(1),
            theme: cell(2),
            support: cell(3).trim().trim_end_matches('%').to_owned(),
            route: cell(4),
            body: cell(5),
        };
        match form.validate() {
            Ok(new) if !seen.insert(new.reference.clone()) => errors.push(at(
                line,
                column(0),
                problem(t.err_duplicate, t.reference_label),
            )),
            Ok(new) => rows.push(new),
            Err(invalid) => {
                let sentences = describe::<RecommendationForm>(t, &invalid);
                for (error, sentence) in invalid.0.iter().zip(sentences) {
                    let known = IMPORT_COLUMNS
                        .iter()
                        .position(|c| *c == error.field)
                        .unwrap_or(0);
                    errors.push(at(line, column(known), sentence));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The response form.
#[derive(Debug, Default, Deserialize)]
pub struct ResponseForm {
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Justification.
    #[serde(default)]
    pub justification: String,
    /// Source link.
    #[serde(default)]
    pub source_url: String,
    /// Date.
    #[serde(default)]
    pub responded_on: String,
}

impl Validate for ResponseForm {
    type Command = NewResponse;

    fn validate(&self) -> Result<NewResponse, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.take(Reply::parse("kind", &self.kind));
        let justification = optional(&mut errors, "justification", &self.justification, 10_000);
        let source = link(&mut errors, "source_url", &self.source_url);
        let responded_on = date(&mut errors, "responded_on", &self.responded_on);
        if kind.is_some_and(Reply::needs_justification) && justification.is_empty() {
            errors.push(ValidationError::new("justification", Problem::Required));
        }
        match (kind, source, responded_on) {
            (Some(kind), Some(source), Some(responded_on)) if errors.is_empty() => {
                Ok(NewResponse {
                    kind,
                    justification,
                    source,
                    responded_on,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Worded for ResponseForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "kind" => (t.kind_label, Shape::Text),
            "justification" => (t.justification_label, Shape::Text),
            "source_url" => (t.source_label, Shape::Link),
            _ => (t.date_label, Shape::Date),
        }
    }
}

/// The milestone form.
#[derive(Debug, Default, Deserialize)]
pub struct MilestoneForm {
    /// Date.
    #[serde(default)]
    pub happened_on: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Evidence link.
    #[serde(default)]
    pub evidence_url: String,
}

impl Validate for MilestoneForm {
    type Command = NewMilestone;

    fn validate(&self) -> Result<NewMilestone, FieldErrors> {
        let mut errors = FieldErrors::new();
        let happened_on = date(&mut errors, "happened_on", &self.happened_on);
        let kind = errors.take(Instrument::parse("kind", &self.kind));
        let description = required(&mut errors, "description", &self.description, 2_000);
        let evidence = link(&mut errors, "evidence_url", &self.evidence_url);
        match (happened_on, kind, evidence) {
            (Some(happened_on), Some(kind), Some(evidence)) if errors.is_empty() => {
                Ok(NewMilestone {
                    happened_on,
                    kind,
                    description,
                    evidence,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Worded for MilestoneForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "happened_on" => (t.date_label, Shape::Date),
            "kind" => (t.kind_label, Shape::Text),
            "description" => (t.description_label, Shape::Text),
            _ => (t.evidence_label, Shape::Link),
        }
    }
}

/// The fidelity form.
#[derive(Debug, Default, Deserialize)]
pub struct FidelityForm {
    /// Fidelity code.
    #[serde(default)]
    pub fidelity: String,
    /// Reasons.
    #[serde(default)]
    pub reasons: String,
    /// Enacted text.
    #[serde(default)]
    pub enacted_text: String,
    /// Date.
    #[serde(default)]
    pub judged_on: String,
}

impl Validate for FidelityForm {
    type Command = NewJudgement;

    fn validate(&self) -> Result<NewJudgement, FieldErrors> {
        let mut errors = FieldErrors::new();
        let verdict = errors.take(Verdict::parse("fidelity", &self.fidelity));
        let reasons = required(&mut errors, "reasons", &self.reasons, 10_000);
        let enacted_text = optional(&mut errors, "enacted_text", &self.enacted_text, 20_000);
        let judged_on = date(&mut errors, "judged_on", &self.judged_on);
        match (verdict, judged_on) {
            (Some(verdict), Some(judged_on)) if errors.is_empty() => Ok(NewJudgement {
                verdict,
                reasons,
                enacted_text,
                judged_on,
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for FidelityForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "fidelity" => (t.fidelity_col, Shape::Text),
            "reasons" => (t.reasons_label, Shape::Text),
            "enacted_text" => (t.enacted_label, Shape::Text),
            _ => (t.date_label, Shape::Date),
        }
    }
}

/// The tactic form.
#[derive(Debug, Default, Deserialize)]
pub struct TacticForm {
    /// Arena code.
    #[serde(default)]
    pub arena: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Lead.
    #[serde(default)]
    pub lead: String,
    /// Status code.
    #[serde(default)]
    pub status: String,
    /// Outcome.
    #[serde(default)]
    pub outcome: String,
}

impl Validate for TacticForm {
    type Command = TacticRow;

    fn validate(&self) -> Result<TacticRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let arena = errors.take(Arena::parse("arena", &self.arena));
        let kind = errors.take(TacticKind::parse("kind", &self.kind));
        let description = required(&mut errors, "description", &self.description, 2_000);
        let lead = required(&mut errors, "lead", &self.lead, 200);
        let status = errors.take(TacticStatus::parse("status", &self.status));
        let outcome = optional(&mut errors, "outcome", &self.outcome, 2_000);
        match (arena, kind, status) {
            (Some(arena), Some(kind), Some(status)) if errors.is_empty() => Ok(TacticRow {
                arena,
                kind,
                description,
                lead,
                status,
                outcome,
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for TacticForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        let label = match name {
            "arena" => t.arena_label,
            "kind" => t.kind_label,
            "description" => t.description_label,
            "lead" => t.lead_label,
            "status" => t.tactic_status_label,
            _ => t.outcome_label,
        };
        (label, Shape::Text)
    }
}

/// The ally form.
#[derive(Debug, Default, Deserialize)]
pub struct AllyForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

impl Validate for AllyForm {
    type Command = AllyRow;

    fn validate(&self) -> Result<AllyRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", &self.name, 200);
        let kind = errors.take(AllyKind::parse("kind", &self.kind));
        let note = optional(&mut errors, "note", &self.note, 2_000);
        match kind {
            Some(kind) if errors.is_empty() => Ok(AllyRow { name, kind, note }),
            _ => Err(errors),
        }
    }
}

impl Worded for AllyForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        let label = match name {
            "name" => t.name_label,
            "kind" => t.kind_label,
            _ => t.note_label,
        };
        (label, Shape::Text)
    }
}

/// The stances of the power map, as posted: -2 (strongly against) to 2 (strongly for).
pub const STANCE_CODES: [&str; 5] = ["-2", "-1", "0", "1", "2"];

/// The power-map form.
#[derive(Debug, Default, Deserialize)]
pub struct ActorForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Role code.
    #[serde(default)]
    pub actor_role: String,
    /// Visibility code.
    #[serde(default)]
    pub visibility: String,
    /// Stance -2..2.
    #[serde(default)]
    pub stance: String,
    /// Influence 1..5.
    #[serde(default)]
    pub influence: String,
}

impl Validate for ActorForm {
    type Command = ActorRow;

    fn validate(&self) -> Result<ActorRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", &self.name, 200);
        let actor_role = errors.take(ActorRole::parse("actor_role", &self.actor_role));
        let visibility = errors.take(Visibility::parse("visibility", &self.visibility));
        let stance = self.stance.trim();
        let stance = errors.take(if stance.is_empty() {
            Err(ValidationError::new("stance", Problem::Required))
        } else {
            STANCE_CODES
                .contains(&stance)
                .then(|| stance.parse::<i64>().ok())
                .flatten()
                .ok_or_else(|| ValidationError::new("stance", Problem::Malformed))
        });
        let influence = errors.take(
            self.influence
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|influence| (1..=5).contains(influence))
                .ok_or_else(|| ValidationError::new("influence", Problem::Malformed)),
        );
        match (actor_role, visibility, stance, influence) {
            (Some(actor_role), Some(visibility), Some(stance), Some(influence))
                if errors.is_empty() =>
            {
                Ok(ActorRow {
                    name,
                    actor_role,
                    visibility,
                    stance,
                    influence,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Worded for ActorForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        let label = match name {
            "name" => t.name_label,
            "actor_role" => t.actor_role_label,
            "visibility" => t.visibility_label,
            "stance" => t.stance_label,
            _ => t.influence_label,
        };
        (label, Shape::Text)
    }
}

/// The material form.
#[derive(Debug, Default, Deserialize)]
pub struct MaterialForm {
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Text.
    #[serde(default)]
    pub body: String,
    /// Link (optional).
    #[serde(default)]
    pub link: String,
}

impl Validate for MaterialForm {
    type Command = MaterialRow;

    fn validate(&self) -> Result<MaterialRow, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.take(MaterialKind::parse("kind", &self.kind));
        let body = required(&mut errors, "body", &self.body, 5_000);
        let link = if self.link.trim().is_empty() {
            String::new()
        } else {
            link(&mut errors, "link", &self.link)
                .map(|link| link.as_str().to_owned())
                .unwrap_or_default()
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(MaterialRow { kind, body, link }),
            _ => Err(errors),
        }
    }
}

impl Worded for MaterialForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "kind" => (t.kind_label, Shape::Text),
            "body" => (t.description_label, Shape::Text),
            _ => (t.link_label, Shape::Link),
        }
    }
}

/// The advocacy action form.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    /// Date.
    #[serde(default)]
    pub happened_on: String,
    /// Description.
    #[serde(default)]
    pub description: String,
}

impl Validate for ActionForm {
    type Command = NewAction;

    fn validate(&self) -> Result<NewAction, FieldErrors> {
        let mut errors = FieldErrors::new();
        let happened_on = date(&mut errors, "happened_on", &self.happened_on);
        let description = required(&mut errors, "description", &self.description, 2_000);
        match happened_on {
            Some(happened_on) if errors.is_empty() => Ok(NewAction {
                happened_on,
                description,
            }),
            _ => Err(errors),
        }
    }
}

impl Worded for ActionForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        match name {
            "happened_on" => (t.date_label, Shape::Date),
            _ => (t.description_label, Shape::Text),
        }
    }
}

/// The opt-in form.
#[derive(Debug, Default, Deserialize)]
pub struct AdvocateForm {
    /// `in` or `out` (anything but `out` opts in).
    #[serde(default)]
    pub choice: String,
}

impl Validate for AdvocateForm {
    /// Whether to opt in.
    type Command = bool;

    fn validate(&self) -> Result<bool, FieldErrors> {
        Ok(self.choice != "out")
    }
}

/// The answers of a survey form: the survey (members only) and one value per statement, as posted.
#[derive(Debug, Default, Deserialize)]
pub struct SurveyForm {
    /// Which members' survey.
    #[serde(default)]
    pub survey: String,
    /// Members: efficacy.
    #[serde(default)]
    pub efficacy: String,
    /// Members: trust.
    #[serde(default)]
    pub trust: String,
    /// Members: learning.
    #[serde(default)]
    pub learning: String,
    /// Members: respect.
    #[serde(default)]
    pub respect: String,
    /// Public: awareness.
    #[serde(default)]
    pub awareness: String,
    /// Public: support.
    #[serde(default)]
    pub support: String,
}

impl SurveyForm {
    /// The value posted for `item`.
    pub fn value(&self, item: SurveyItem) -> &str {
        match item {
            SurveyItem::Efficacy => &self.efficacy,
            SurveyItem::Trust => &self.trust,
            SurveyItem::Learning => &self.learning,
            SurveyItem::Respect => &self.respect,
            SurveyItem::Awareness => &self.awareness,
            SurveyItem::Support => &self.support,
        }
    }

    /// The form showing an answer sheet that validated (to show it again when it was refused).
    pub fn echo(answers: &[(SurveyItem, i64)]) -> SurveyForm {
        let mut form = SurveyForm::default();
        for (item, value) in answers {
            let field = match item {
                SurveyItem::Efficacy => &mut form.efficacy,
                SurveyItem::Trust => &mut form.trust,
                SurveyItem::Learning => &mut form.learning,
                SurveyItem::Respect => &mut form.respect,
                SurveyItem::Awareness => &mut form.awareness,
                SurveyItem::Support => &mut form.support,
            };
            *field = value.to_string();
        }
        form
    }

    /// Reads one value per statement of `survey`.
    fn answers(&self, errors: &mut FieldErrors, survey: Survey) -> Vec<(SurveyItem, i64)> {
        let mut answers = Vec::new();
        for item in survey.items() {
            match self
                .value(*item)
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|value| LIKERT.contains(value))
            {
                Some(value) => answers.push((*item, value)),
                None => errors.push(ValidationError::new(item.as_str(), Problem::Required)),
            }
        }
        answers
    }

    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        if let Ok(item) = SurveyItem::parse("item", name) {
            let (items, texts): (&[SurveyItem], &[&'static str]) =
                if SurveyItem::PUBLIC.contains(&item) {
                    (&SurveyItem::PUBLIC, &t.public_items)
                } else {
                    (&SurveyItem::MEMBERS, &t.member_items)
                };
            let index = items.iter().position(|i| *i == item).unwrap_or_default();
            return (texts[index], Shape::Answer);
        }
        (t.survey_which, Shape::Text)
    }
}

/// The public survey's form.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct PublicSurveyForm(pub SurveyForm);

impl Validate for PublicSurveyForm {
    type Command = SurveyAnswers;

    fn validate(&self) -> Result<SurveyAnswers, FieldErrors> {
        let mut errors = FieldErrors::new();
        let answers = self.0.answers(&mut errors, Survey::Public);
        errors.or_ok(|| SurveyAnswers {
            survey: Survey::Public,
            answers,
        })
    }
}

impl Worded for PublicSurveyForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        SurveyForm::field(t, name)
    }
}

/// The members' survey form (before or after).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct MemberSurveyForm(pub SurveyForm);

impl Validate for MemberSurveyForm {
    type Command = SurveyAnswers;

    fn validate(&self) -> Result<SurveyAnswers, FieldErrors> {
        let mut errors = FieldErrors::new();
        let survey = errors
            .take(Survey::parse("survey", &self.0.survey))
            .filter(|survey| survey.is_members());
        if survey.is_none() && errors.is_empty() {
            errors.push(ValidationError::new("survey", Problem::Malformed));
        }
        let answers = self.0.answers(&mut errors, Survey::MembersBefore);
        match survey {
            Some(survey) if errors.is_empty() => Ok(SurveyAnswers { survey, answers }),
            _ => Err(errors),
        }
    }
}

impl Worded for MemberSurveyForm {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        SurveyForm::field(t, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn imports_name_the_line_and_column_of_every_problem_and_refuse_duplicates() {
        let t = Lang::En.t::<ImpactMessages>();
        let good = "reference,title,theme,support\nSD-1,Ban short flights,se déplacer,96.5\n\nSL-1,\"Renovate, insulate\",se loger,\n";
        let rows = parse_import(good, t, &[]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].support_bp, Some(9_650));
        assert_eq!(rows[1].title, "Renovate, insulate");
        assert_eq!(rows[1].support_bp, None);
        assert_eq!(rows[1].route, Route::Other);

        let bad = "title,reference,theme,support,route\nA,SD-1,se déplacer,101,law\nB,SD-1,,50,tunnel\nC,SD-9,se loger,50,law\n";
        let errors = parse_import(bad, t, &["SD-9".to_owned()]).unwrap_err();
        assert_eq!(
            errors,
            vec![
                "Line 2, column 4: Support in the final vote (%): give a percentage from 0 to 100 with at most two decimals",
                "Line 3, column 3: Theme: is required",
                "Line 3, column 5: Route to policy: is not valid",
                "Line 4, column 2: Reference: this reference is already used in this assembly",
            ]
        );
        let crlf = bad.replace('\n', "\r\n");
        assert_eq!(
            parse_import(&crlf, t, &["SD-9".to_owned()])
                .unwrap_err()
                .len(),
            4
        );
        assert!(
            parse_import(&crlf, t, &["SD-9".to_owned()]).unwrap_err()[1]
                .starts_with("Line 3, column 3")
        );
        let errors = parse_import("reference,colour\n", t, &[]).unwrap_err();
        assert_eq!(
            errors,
            vec![
                "Line 1, column 2: colour: is not valid",
                "Line 1, column 3: title: is required",
                "Line 1, column 3: theme: is required",
            ]
        );
    }

    #[test]
    fn a_response_but_in_full_needs_its_justification_and_every_field_is_named() {
        let t = Lang::En.t::<ImpactMessages>();
        let form = ResponseForm {
            kind: "rejected".to_owned(),
            justification: String::new(),
            source_url: "not a link".to_owned(),
            responded_on: "2020-07-01".to_owned(),
        };
        let errors = form.validate().unwrap_err();
        assert_eq!(
            describe::<ResponseForm>(t, &errors),
            vec![
                "Link to the source document: give an http or https link",
                "Justification: the authority must justify every response but acceptance in full",
            ]
        );
        let form = ResponseForm {
            kind: "full".to_owned(),
            source_url: "https://gov.example.org/answer".to_owned(),
            responded_on: "2020-07-01".to_owned(),
            ..ResponseForm::default()
        };
        assert_eq!(form.validate().unwrap().kind, Reply::Full);
        let survey = MemberSurveyForm(SurveyForm {
            survey: "members_after".to_owned(),
            efficacy: "6".to_owned(),
            ..SurveyForm::default()
        });
        let errors = survey.validate().unwrap_err();
        assert_eq!(
            describe::<MemberSurveyForm>(t, &errors)[0],
            "People like me can influence the decisions that affect us: choose one answer"
        );
    }
}
