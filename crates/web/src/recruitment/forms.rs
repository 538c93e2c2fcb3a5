//! The forms of recruitment as posted, how each validates into the command its use case takes
//! ([`crate::form::Validate`]), and how the use cases' refusals read in the visitor's language.
//!
//! A form checks what it can see alone (a number, a name's length, an email's shape); the rules that need the
//! assembly (an invitation code, the answers to its questions, consent) are the use case's, and come back as
//! typed problems worded here.

use std::collections::HashMap;

use app::recruitment::define::{
    CellProblem, MAX_CELL_CHARS, MAX_QUESTION_LINES, QuestionsDraft, QuestionsProblem,
    parse_questions,
};
use app::recruitment::import::CellError;
use app::recruitment::lottery::{
    DrawCommand, ListProblem, MAX_HOUSEHOLD_CAPACITY, MAX_INVITATIONS, MAX_SEED, WeightProblem,
    public_number_seed,
};
use app::recruitment::questions::{AccessNeeds, AnswerFields, MAX_ACCESS_DETAILS};
use app::recruitment::register::{Choices, CodeProblem, Person, Registration, RegistrationProblem};
use app::recruitment::respondents::Filter;
use app::recruitment::{ImportCommand, StatusReason};
use domain::account::Email;
use domain::error::{Problem, ValidationError};
use domain::respondent::{ReasonCategory, Status, parse_reason};
use recruitment::RecruitmentError;
use serde::Deserialize;

use crate::form::{FieldErrors, Validate};
use crate::i18n::lists::ListsMessages;
use crate::i18n::members::MemberMessages;
use crate::i18n::{Lang, RecruitmentMessages, fill};

/// The longest full name, in characters.
const MAX_NAME: usize = 200;
/// The longest phone number, in characters.
const MAX_PHONE: usize = 40;

/// The lottery form.
#[derive(Debug, Default, Deserialize)]
pub struct LotteryForm {
    /// The address list as CSV text (or from the file input `addresses_file`).
    #[serde(default)]
    pub addresses: String,
    /// How many households to invite.
    #[serde(default)]
    pub invitations: String,
    /// The published seed.
    #[serde(default)]
    pub seed: String,
    /// The number drawn physically in public at the time of the draw, instead of a seed (issue 18, item 8): the
    /// seed is then `number:N` ([`app::recruitment::lottery::public_number_seed`]).
    #[serde(default)]
    pub public_number: String,
    /// `area=weight` lines.
    #[serde(default)]
    pub weights: String,
    /// People per household.
    #[serde(default)]
    pub household_capacity: String,
}

/// A whole number between `min` and `max`, naming `field` when it is missing or out of range.
fn parse_number(field: &str, raw: &str, min: i64, max: i64) -> Result<i64, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ValidationError::new(field, Problem::Required));
    }
    match raw.parse::<i64>() {
        Ok(value) if (min..=max).contains(&value) => Ok(value),
        _ => Err(ValidationError::new(field, Problem::Malformed)),
    }
}

impl Validate for LotteryForm {
    type Command = DrawCommand;

    /// The numbers, the seed and the presence of an address list; the lists themselves are read by
    /// [`app::recruitment::prepare_draw`].
    fn validate(&self) -> Result<DrawCommand, FieldErrors> {
        let mut errors = FieldErrors::new();
        let invitations = errors.take(parse_number(
            "invitations",
            &self.invitations,
            1,
            MAX_INVITATIONS,
        ));
        let capacity = errors.take(parse_number(
            "household_capacity",
            &self.household_capacity,
            1,
            MAX_HOUSEHOLD_CAPACITY,
        ));
        let mut seed = self.seed.trim().to_owned();
        if !self.public_number.trim().is_empty() {
            if !seed.is_empty() {
                // A seed and a number drawn in public: which one was announced is not for us to guess.
                errors.push(ValidationError::new("draw", Problem::Malformed));
            }
            if let Some(number) = errors.take(crate::form::drawn_number(
                "public_number",
                &self.public_number,
            )) {
                seed = public_number_seed(number);
            }
        } else if seed.is_empty() {
            errors.push(ValidationError::new("seed", Problem::Required));
        } else if seed.chars().count() > MAX_SEED {
            errors.push(ValidationError::new(
                "seed",
                Problem::TooLong { max: MAX_SEED },
            ));
        }
        if self.addresses.trim().is_empty() {
            errors.push(ValidationError::new("addresses", Problem::Required));
        }
        match (invitations, capacity) {
            (Some(invitations), Some(household_capacity)) if errors.is_empty() => Ok(DrawCommand {
                addresses: self.addresses.clone(),
                weights: self.weights.clone(),
                seed,
                invitations: invitations as usize,
                household_capacity,
            }),
            _ => Err(errors),
        }
    }
}

/// A problem of the lottery's lists, in words.
pub fn list_problem(t: &RecruitmentMessages, problem: &ListProblem) -> String {
    match problem {
        ListProblem::Weights { line, problem } => {
            let prefix = format!("{} (line {line})", t.weights_label);
            match problem {
                WeightProblem::NoEquals => format!("{prefix}: area=weight"),
                WeightProblem::Invalid(error) => format!("{prefix}: {error}"),
            }
        }
        ListProblem::Addresses(error) => format!("{}: {error}", t.addresses_label),
    }
}

/// The engine's refusal of a draw, in words (naming the weights or the number of invitations).
pub fn draw_refused(t: &RecruitmentMessages, error: &RecruitmentError) -> String {
    match error {
        RecruitmentError::UnknownArea { .. } | RecruitmentError::DuplicateWeight { .. } => {
            format!("{}: {error}", t.weights_label)
        }
        _ => format!("{}: {error}", t.invitations_label),
    }
}

/// The registration form (public, and the staff's form for people who phone in).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegisterForm {
    /// The invitation code as typed.
    #[serde(default)]
    pub invitation_code: String,
    /// The full name.
    #[serde(default)]
    pub full_name: String,
    /// The email.
    #[serde(default)]
    pub email: String,
    /// The phone (optional).
    #[serde(default)]
    pub phone: String,
    /// One of [`app::recruitment::questions::GENDERS`].
    #[serde(default)]
    pub gender: String,
    /// One of [`app::recruitment::questions::AGE_BANDS`].
    #[serde(default)]
    pub age_band: String,
    /// Checkbox.
    #[serde(default)]
    pub childcare: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub mobility: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub language: Option<String>,
    /// Checkbox.
    #[serde(default)]
    pub diet: Option<String>,
    /// Free text about access needs.
    #[serde(default)]
    pub access_details: String,
    /// Consent checkbox.
    #[serde(default)]
    pub consent: Option<String>,
    /// The honeypot: hidden from people, filled by bots.
    #[serde(default)]
    pub website: String,
    /// The signed timing token.
    #[serde(default)]
    pub form_token: String,
    /// Every other field, among them the answers to the assembly's own questions (`q_0`, `q_1`, ...).
    #[serde(flatten)]
    pub extra: HashMap<String, String>,
}

impl RegisterForm {
    /// What the registration rules check, as typed.
    pub fn choices(&self) -> Choices {
        Choices {
            code: self.invitation_code.clone(),
            consent: self.consent.is_some(),
            answers: AnswerFields {
                gender: self.gender.clone(),
                age_band: self.age_band.clone(),
                by_field: self
                    .extra
                    .iter()
                    .filter(|(field, _)| field.starts_with("q_"))
                    .map(|(field, value)| (field.clone(), value.clone()))
                    .collect(),
            },
        }
    }

    /// The person's details, checked (every problem at once).
    fn person(&self) -> Result<Person, FieldErrors> {
        let mut errors = FieldErrors::new();
        // One line, no control character: the name goes into emails and onto letters.
        let full_name = match domain::error::single_line("full_name", &self.full_name, MAX_NAME) {
            Ok(name) => name,
            Err(error) => {
                errors.push(error);
                String::new()
            }
        };
        let email = errors.take(Email::parse(&self.email));
        let phone = self.phone.trim().to_owned();
        if phone.chars().count() > MAX_PHONE {
            errors.push(ValidationError::new(
                "phone",
                Problem::TooLong { max: MAX_PHONE },
            ));
        } else if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            errors.push(ValidationError::new("phone", Problem::Malformed));
        }
        let details = self.access_details.trim().to_owned();
        if details.chars().count() > MAX_ACCESS_DETAILS {
            errors.push(ValidationError::new(
                "access_details",
                Problem::TooLong {
                    max: MAX_ACCESS_DETAILS,
                },
            ));
        }
        match email {
            Some(email) if errors.is_empty() => Ok(Person {
                full_name,
                email,
                phone,
                access: AccessNeeds {
                    childcare: self.childcare.is_some(),
                    mobility: self.mobility.is_some(),
                    language: self.language.is_some(),
                    diet: self.diet.is_some(),
                    details,
                },
            }),
            _ => Err(errors),
        }
    }
}

/// A registration whose fields passed the form's checks, with the fields as typed (shown again if the use case
/// refuses it).
pub struct CheckedRegistration {
    /// The registration.
    pub registration: Registration,
    /// The fields.
    pub fields: RegisterForm,
}

impl Validate for RegisterForm {
    type Command = CheckedRegistration;

    fn validate(&self) -> Result<CheckedRegistration, FieldErrors> {
        Ok(CheckedRegistration {
            registration: Registration {
                person: self.person()?,
                choices: self.choices(),
            },
            fields: self.clone(),
        })
    }
}

/// The staff's form for someone who phones in: the registration form's fields and `lang`, the language of the
/// person's emails (the honeypot and the timing token are not used: staff are signed in and CSRF-checked).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct PhoneForm(pub RegisterForm);

impl PhoneForm {
    /// The `lang` field as sent.
    pub fn lang(&self) -> String {
        self.0.extra.get("lang").cloned().unwrap_or_default()
    }
}

/// A phone registration whose fields passed the form's checks.
pub struct CheckedPhoneRegistration {
    /// The registration and its fields.
    pub checked: CheckedRegistration,
    /// The language of the person's emails.
    pub lang: Lang,
}

impl Validate for PhoneForm {
    type Command = CheckedPhoneRegistration;

    fn validate(&self) -> Result<CheckedPhoneRegistration, FieldErrors> {
        let raw = self.lang();
        let lang = match Lang::from_code(&raw) {
            Some(lang) if raw.len() == 2 => Ok(lang),
            _ if raw.trim().is_empty() => Err(ValidationError::new("lang", Problem::Required)),
            _ => Err(ValidationError::new("lang", Problem::Malformed)),
        };
        match (self.0.validate(), lang) {
            (Ok(checked), Ok(lang)) => Ok(CheckedPhoneRegistration { checked, lang }),
            (checked, lang) => {
                let mut errors = checked.err().unwrap_or_default();
                if let Err(error) = lang {
                    errors.push(error);
                }
                Err(errors)
            }
        }
    }
}

/// A problem's words without a field ("is required").
fn problem_text(lang: Lang, problem: Problem) -> String {
    lang.messages()
        .describe(&ValidationError::new("", problem))
        .trim_start_matches(": ")
        .to_owned()
}

/// The phone form's field errors in words (the `lang` field by its label on that page).
pub fn describe_phone_fields(lang: Lang, errors: &FieldErrors) -> Vec<String> {
    let m = lang.messages();
    errors
        .0
        .iter()
        .map(|error| {
            if error.field == "lang" {
                let label = lang.t::<MemberMessages>().phone_lang_label;
                format!("{label}: {}", problem_text(lang, error.problem))
            } else {
                m.describe(error)
            }
        })
        .collect()
}

/// Which page words a registration problem: the public form speaks to the person, the phone form to the staff
/// member who records their consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationPage {
    /// The public form.
    Public,
    /// The staff's phone form.
    Phone,
}

/// A registration problem in words.
pub fn registration_problem(
    lang: Lang,
    page: RegistrationPage,
    problem: &RegistrationProblem,
) -> String {
    let t = lang.t::<RecruitmentMessages>();
    match problem {
        RegistrationProblem::Code(CodeProblem::Missing) => lang
            .messages()
            .describe(&ValidationError::new("invitation_code", Problem::Required)),
        RegistrationProblem::Code(CodeProblem::Format) => t.err_code_format.to_owned(),
        RegistrationProblem::Code(CodeProblem::Check) => t.err_code_check.to_owned(),
        RegistrationProblem::Code(CodeProblem::Unknown) => t.err_code_unknown.to_owned(),
        RegistrationProblem::Code(CodeProblem::Used) => t.err_code_used.to_owned(),
        RegistrationProblem::Answer(error) => lang.messages().describe(error),
        RegistrationProblem::FeatureAnswer { feature, problem } => {
            format!("{feature}: {}", problem_text(lang, *problem))
        }
        RegistrationProblem::NoConsent => match page {
            RegistrationPage::Public => t.err_consent.to_owned(),
            RegistrationPage::Phone => lang.t::<MemberMessages>().err_phone_consent.to_owned(),
        },
    }
}

/// The respondents filter (GET query: status only; POST form: status and search, so names stay out of URLs).
#[derive(Debug, Default, Deserialize)]
pub struct RespondentsFilter {
    /// A name or email fragment.
    #[serde(default)]
    pub q: String,
    /// A respondent status, or empty (or unknown) for all.
    #[serde(default)]
    pub status: String,
    /// The page, from 1 (anything else: the first page).
    #[serde(default)]
    pub page: String,
}

impl RespondentsFilter {
    /// The filter this asks for.
    pub fn filter(&self) -> Filter {
        Filter {
            search: self.q.clone(),
            status: Status::from_stored(&self.status),
            page: crate::paging::page_from_field(&self.page),
        }
    }
}

impl Validate for RespondentsFilter {
    type Command = Filter;

    /// Never refused: an unknown status lists every status, as an empty one does.
    fn validate(&self) -> Result<Filter, FieldErrors> {
        Ok(self.filter())
    }
}

/// The status-change form of one respondent.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    /// The new status.
    #[serde(default)]
    pub status: String,
    /// Why, in words (required; kept with the person and erased with them, never in the audit log).
    #[serde(default)]
    pub reason: String,
    /// Why, from the fixed list (`domain::respondent::REASON_CATEGORIES`; empty means `other`): the audit log's part.
    #[serde(default)]
    pub reason_category: String,
}

/// A status change asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The new status.
    pub to: Status,
    /// Why.
    pub reason: StatusReason,
}

impl Validate for StatusForm {
    type Command = StatusChange;

    fn validate(&self) -> Result<StatusChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        let to = errors.take(Status::parse("status", &self.status));
        let category = errors.take(ReasonCategory::parse(&self.reason_category));
        let note = errors.take(parse_reason(&self.reason));
        match (to, category, note) {
            (Some(to), Some(category), Some(note)) => Ok(StatusChange {
                to,
                reason: StatusReason { category, note },
            }),
            _ => Err(errors),
        }
    }
}

/// The import form.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    /// The CSV text (or from the file input `csv_file`).
    #[serde(default)]
    pub csv: String,
    /// Checkbox: the people in the file consented to their data being kept.
    #[serde(default)]
    pub consent: Option<String>,
}

impl Validate for ImportForm {
    type Command = ImportCommand;

    /// Never refused here: the file and the consent are the use case's to check, all problems at once. The
    /// language of the respondents' emails is the organiser's, set by the handler.
    fn validate(&self) -> Result<ImportCommand, FieldErrors> {
        Ok(ImportCommand {
            csv: self.csv.clone(),
            consented: self.consent.is_some(),
            lang: String::new(),
        })
    }
}

/// A refused cell of an import file, in words (`Line 3, column 2: Email: is not valid`).
pub fn cell_error(lang: Lang, error: &CellError) -> String {
    let line = error.line.to_string();
    let column = error.column.to_string();
    let described = lang.messages().describe(&error.error);
    fill(
        lang.t::<RecruitmentMessages>().err_import_cell,
        &[
            ("line", line.as_str()),
            ("column", column.as_str()),
            ("error", described.as_str()),
        ],
    )
}

/// The registration questions form (issue 18, item 4): `feature,value` lines and the area feature.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QuestionsForm {
    /// One `feature,value` line per value.
    #[serde(default)]
    pub questions: String,
    /// The feature that is the area, or empty.
    #[serde(default)]
    pub area_feature: String,
}

impl QuestionsForm {
    /// Every problem in words, each with the field it belongs to (`questions` or `area_feature`); the cells'
    /// problems name their line and column.
    pub fn describe(&self, lang: Lang) -> Vec<(&'static str, String)> {
        let t = lang.t::<ListsMessages>();
        let Err(problems) = parse_questions(&self.questions, &self.area_feature) else {
            return Vec::new();
        };
        problems
            .iter()
            .map(|problem| {
                let words = match problem {
                    QuestionsProblem::Cell {
                        line,
                        column,
                        problem,
                    } => {
                        let what = match problem {
                            CellProblem::Columns => t.err_columns.to_owned(),
                            CellProblem::Empty => t.err_empty_cell.to_owned(),
                            CellProblem::TooLong => {
                                fill(t.err_too_long, &[("max", &MAX_CELL_CHARS.to_string())])
                            }
                            CellProblem::Duplicate { first } => {
                                fill(t.err_duplicate, &[("first", &first.to_string())])
                            }
                        };
                        fill(
                            t.err_line,
                            &[
                                ("line", &line.to_string()),
                                ("column", &column.to_string()),
                                ("problem", &what),
                            ],
                        )
                    }
                    QuestionsProblem::TooMany => {
                        fill(t.err_too_many, &[("max", &MAX_QUESTION_LINES.to_string())])
                    }
                    QuestionsProblem::OneValue(feature) => {
                        fill(t.err_one_value, &[("feature", feature)])
                    }
                    QuestionsProblem::UnknownAreaFeature => t.err_unknown_area_feature.to_owned(),
                };
                (problem.field(), words)
            })
            .collect()
    }
}

impl Validate for QuestionsForm {
    type Command = QuestionsDraft;

    fn validate(&self) -> Result<QuestionsDraft, FieldErrors> {
        // The page words the errors with [`QuestionsForm::describe`], which names lines and columns; here each
        // marks its field.
        parse_questions(&self.questions, &self.area_feature).map_err(|problems| {
            FieldErrors(
                problems
                    .iter()
                    .map(|problem| ValidationError::new(problem.field(), Problem::Malformed))
                    .collect(),
            )
        })
    }
}
