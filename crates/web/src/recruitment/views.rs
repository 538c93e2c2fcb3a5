//! The pages of recruitment (askama templates in `templates/`) and their view models: what the use cases return,
//! in the visitor's language. Each page carries its catalogue as `t` ([`RecruitmentMessages`]); the pages that
//! also speak of phone registration and new members carry [`MemberMessages`] as `tm`.

use std::collections::BTreeMap;

use app::recruitment::letters::Letters;
use app::recruitment::lottery::{AreaRow, Lottery};
use app::recruitment::questions::{AGE_BANDS, AccessNeeds, Feature, GENDERS};
use app::recruitment::respondents::{Filter, PAGE_SIZE, Respondent, Respondents};
use askama::Template;
use axum::http::header;
use axum::response::Response;
use domain::respondent::{self, Status, next_statuses};

use super::forms::{LotteryForm, RegisterForm};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::draw::DrawMessages;
use crate::i18n::members::MemberMessages;
use crate::i18n::{Lang, RecruitmentMessages, fill};
use crate::views::{Chrome, utc_date};

/// Marks a page of personal data (or a form with a fresh token) as never to be cached.
pub fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// The name of a respondent status in `lang`.
pub fn status_label(lang: Lang, status: Status) -> &'static str {
    lang.t::<RecruitmentMessages>().status_name(status)
}

/// One option of a select.
pub struct OptionView {
    /// The value.
    pub value: &'static str,
    /// The label.
    pub label: &'static str,
    /// Whether it is selected.
    pub selected: bool,
}

/// The options of a select: `values` with their `labels`, `chosen` selected.
pub fn options(values: &[&'static str], labels: &[&'static str], chosen: &str) -> Vec<OptionView> {
    values
        .iter()
        .zip(labels)
        .map(|(value, label)| OptionView {
            value,
            label,
            selected: *value == chosen,
        })
        .collect()
}

/// A draw as the lottery page shows it.
pub struct DrawView {
    /// The id.
    pub id: i64,
    /// The seed.
    pub seed: String,
    /// The list digest.
    pub digest: String,
    /// Households invited.
    pub invitations: i64,
    /// Addresses in the list.
    pub addresses: i64,
    /// People per household.
    pub capacity: i64,
    /// The date.
    pub drawn_on: String,
    /// The per-area report.
    pub areas: Vec<AreaRow>,
    /// The number drawn in public that the seed is, with who entered it and when (issue 18, item 8).
    pub drawn_in_public: Option<String>,
}

/// The lottery page.
#[derive(Template)]
#[template(path = "lottery.html")]
pub struct LotteryPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static RecruitmentMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The form as sent.
    pub form: LotteryForm,
    /// Errors of the form.
    pub errors: Vec<String>,
    /// Whether a draw was just stored.
    pub drawn: bool,
    /// The draws, newest first.
    pub draws: Vec<DrawView>,
    /// Codes used over all invitations.
    pub seats_used: i64,
    /// The link to the PDF letters (issue 18, item 6).
    pub print_link: &'static str,
    /// The strings of a number drawn in public (issue 18, item 8).
    pub d: &'static DrawMessages,
}

impl LotteryPage {
    /// The page of `lottery`, with the form as sent and its errors.
    pub fn new(
        viewer: &Viewer,
        assembly_id: i64,
        lottery: Lottery,
        form: LotteryForm,
        errors: Vec<String>,
        drawn: bool,
    ) -> LotteryPage {
        let t = viewer.lang.t::<RecruitmentMessages>();
        let d = viewer.lang.t::<DrawMessages>();
        LotteryPage {
            d,
            print_link: viewer.lang.t::<crate::i18n::print::PrintMessages>().link,
            c: Chrome::new(viewer, t.lottery_title),
            t,
            assembly_id,
            title: lottery.title,
            form,
            errors,
            drawn,
            draws: lottery
                .draws
                .into_iter()
                .map(|draw| DrawView {
                    id: draw.id,
                    seed: draw.seed,
                    digest: draw.digest,
                    invitations: draw.invitations,
                    addresses: draw.addresses,
                    capacity: draw.household_capacity,
                    drawn_on: utc_date(draw.drawn_at),
                    areas: draw.areas,
                    drawn_in_public: draw.public_number.map(|drawn| {
                        fill(
                            d.drawn_staff,
                            &[
                                ("number", &drawn.number.to_string()),
                                ("name", drawn.entered_by_name.as_deref().unwrap_or("—")),
                                ("when", &crate::views::utc_minute(drawn.entered_at)),
                            ],
                        )
                    }),
                })
                .collect(),
            seats_used: lottery.seats_used,
        }
    }
}

/// One letter.
pub struct LetterView {
    /// The number of the letter, from 1.
    pub number: usize,
    /// The address lines.
    pub address_lines: Vec<String>,
    /// The code, printed form.
    pub code: String,
    /// The registration URL.
    pub url: String,
    /// The QR code of the URL, as SVG markup (generated here, safe to embed).
    pub qr_svg: String,
}

/// The letters page.
#[derive(Template)]
#[template(path = "letters.html")]
pub struct LettersPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static RecruitmentMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The question.
    pub question: String,
    /// The letters.
    pub letters: Vec<LetterView>,
    /// The print page's strings (the batch navigation).
    pub p: &'static crate::i18n::print::PrintMessages,
    /// "Letters 501 to 1000 of 30000", when there are letters.
    pub batch_of: String,
    /// The previous batch's number, if any.
    pub previous: Option<i64>,
    /// The next batch's number, if any.
    pub next: Option<i64>,
}

impl LettersPage {
    /// One printable letter per invitation, each with the QR code of its registration URL.
    pub fn new(
        viewer: &Viewer,
        assembly_id: i64,
        letters: Letters,
        batch: i64,
        per_page: i64,
    ) -> Result<LettersPage, AppError> {
        let t = viewer.lang.t::<RecruitmentMessages>();
        let p = viewer.lang.t::<crate::i18n::print::PrintMessages>();
        let first = (batch - 1) * per_page + 1;
        let shown = letters.invitations.len() as i64;
        let batch_of = if shown == 0 {
            String::new()
        } else {
            crate::i18n::fill(
                p.batch_of,
                &[
                    ("first", &first.to_string()),
                    ("last", &(first + shown - 1).to_string()),
                    ("total", &letters.total.to_string()),
                ],
            )
        };
        let previous = (batch > 1).then_some(batch - 1);
        let next = (first - 1 + shown < letters.total).then_some(batch + 1);
        let views = letters
            .invitations
            .into_iter()
            .enumerate()
            .map(|(index, invitation)| {
                let qr = recruitment::qr::encode(&invitation.url).map_err(AppError::internal)?;
                Ok(LetterView {
                    number: first as usize + index,
                    address_lines: invitation.address.lines().map(str::to_owned).collect(),
                    code: invitation.code,
                    qr_svg: recruitment::qr::to_svg(&qr, 3),
                    url: invitation.url,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(LettersPage {
            c: Chrome::new(viewer, t.letters_title),
            t,
            assembly_id,
            title: letters.title,
            question: letters.question,
            letters: views,
            p,
            batch_of,
            previous,
            next,
        })
    }
}

/// CSV for a spreadsheet: the header, then the rows, with CRLF line ends and every cell made safe against formula
/// injection ([`recruitment::merge::escape_cell`]); the `csv` writer quotes where needed.
pub fn spreadsheet_csv(header: &[&str], rows: &[Vec<String>]) -> Result<String, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(header).map_err(AppError::internal)?;
    for row in rows {
        let cells = row
            .iter()
            .map(|cell| recruitment::merge::escape_cell(cell).into_owned());
        writer.write_record(cells).map_err(AppError::internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| AppError::internal(error.into_error()))?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// A CSV file to download, never cached.
pub fn csv_download(filename: &str, csv: String) -> Response {
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response()
}

/// A question of the registration form defined by the assembly's features.
pub struct QuestionView {
    /// The form field (`q_0`).
    pub field: String,
    /// The feature's name, as the organisers wrote it.
    pub label: String,
    /// The values.
    pub options: Vec<ValueOption>,
}

/// One value of a question.
pub struct ValueOption {
    /// The value.
    pub value: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// The assembly's questions with the answers of `form` chosen.
pub fn question_views(questions: &[Feature], form: &RegisterForm) -> Vec<QuestionView> {
    questions
        .iter()
        .enumerate()
        .map(|(index, feature)| {
            let field = format!("q_{index}");
            let chosen = form.extra.get(&field).map(String::as_str).unwrap_or("");
            QuestionView {
                options: feature
                    .values
                    .iter()
                    .map(|value| ValueOption {
                        value: value.clone(),
                        selected: value == chosen,
                    })
                    .collect(),
                label: feature.name.clone(),
                field,
            }
        })
        .collect()
}

/// The questions about the person (shared by the public and the phone forms: `register_about.html`).
pub struct AboutYou {
    /// Gender options.
    pub genders: Vec<OptionView>,
    /// Age-band options.
    pub age_bands: Vec<OptionView>,
    /// The assembly's own questions (empty: the default gender and age band questions).
    pub questions: Vec<QuestionView>,
}

impl AboutYou {
    /// The questions in `lang`, with the answers of `form` chosen.
    pub fn new(lang: Lang, questions: &[Feature], form: &RegisterForm) -> AboutYou {
        let t = lang.t::<RecruitmentMessages>();
        AboutYou {
            genders: options(&GENDERS, &t.genders, &form.gender),
            age_bands: options(&AGE_BANDS, &t.age_bands, &form.age_band),
            questions: question_views(questions, form),
        }
    }
}

/// The registration page.
#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static RecruitmentMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The form as sent (or prefilled).
    pub form: RegisterForm,
    /// The fresh timing token.
    pub token: String,
    /// Errors.
    pub errors: Vec<String>,
    /// Gender options.
    pub genders: Vec<OptionView>,
    /// Age-band options.
    pub age_bands: Vec<OptionView>,
    /// The assembly's own questions (empty: the default gender and age band questions).
    pub questions: Vec<QuestionView>,
}

/// The thank-you page.
#[derive(Template)]
#[template(path = "registered.html")]
pub struct RegisteredPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static RecruitmentMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
}

/// The phone registration page.
#[derive(Template)]
#[template(path = "phone_register.html")]
pub struct PhonePage {
    /// The chrome.
    pub c: Chrome,
    /// The strings of registration.
    pub t: &'static RecruitmentMessages,
    /// The strings of phone registration.
    pub tm: &'static MemberMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The form as sent.
    pub form: RegisterForm,
    /// Errors, each naming its field.
    pub errors: Vec<String>,
    /// The id of the respondent just registered.
    pub done: Option<i64>,
    /// Gender options.
    pub genders: Vec<OptionView>,
    /// Age-band options.
    pub age_bands: Vec<OptionView>,
    /// The assembly's own questions.
    pub questions: Vec<QuestionView>,
    /// Language options.
    pub langs: Vec<OptionView>,
    /// Whether an SMTP relay is configured.
    pub mail_on: bool,
}

/// A respondent as shown to organisers.
pub struct RespondentView {
    /// The id.
    pub id: i64,
    /// Whether the personal data was erased.
    pub erased: bool,
    /// The statuses it may move to.
    pub next: Vec<OptionView>,
    /// The name.
    pub name: String,
    /// The email.
    pub email: String,
    /// The phone.
    pub phone: String,
    /// The translated status.
    pub status: String,
    /// The answers, in words.
    pub answers: String,
    /// The access needs, in words.
    pub access: String,
    /// The date of registration.
    pub registered_on: String,
}

/// A count by status.
pub struct StatusCount {
    /// The translated status.
    pub status: String,
    /// The number.
    pub count: i64,
}

/// The respondents page.
#[derive(Template)]
#[template(path = "respondents.html")]
pub struct RespondentsPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static RecruitmentMessages,
    /// The strings of phone registration and new members.
    pub tm: &'static MemberMessages,
    /// The link to the emails' outcomes (issue 18, item 8).
    pub emails_link: &'static str,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// Whether personal data is shown (organisers).
    pub personal: bool,
    /// The search text.
    pub q: String,
    /// The status options.
    pub statuses: Vec<OptionView>,
    /// The respondents (organisers only).
    pub respondents: Vec<RespondentView>,
    /// Counts by status.
    pub counts: Vec<StatusCount>,
    /// Invitations drawn.
    pub invitations: i64,
    /// Seats taken.
    pub seats_used: i64,
    /// The import's hint, naming the feature columns an import must have.
    pub import_hint: String,
    /// Whether emails are sent, in words (organisers).
    pub mail_notice: &'static str,
    /// The page navigation (links for a status filter, POST buttons for a name search).
    pub paging: crate::paging::Paging,
    /// The link to the registration questions page, in words.
    pub questions_link: &'static str,
}

impl RespondentsPage {
    /// The page of `list` as `filter` selected it.
    pub fn new(
        state: &AppState,
        viewer: &Viewer,
        assembly_id: i64,
        list: Respondents,
        filter: Filter,
    ) -> RespondentsPage {
        let lang = viewer.lang;
        let t = lang.t::<RecruitmentMessages>();
        let paging = if filter.search.trim().is_empty() {
            let status = filter.status.map(Status::as_str).unwrap_or("");
            let base = if status.is_empty() {
                format!("/staff/assemblies/{assembly_id}/respondents?")
            } else {
                format!("/staff/assemblies/{assembly_id}/respondents?status={status}&")
            };
            crate::paging::Paging::links(lang, &base, list.page, PAGE_SIZE, list.matching)
        } else {
            // A search by name pages with POST buttons: the name stays in the body, out of URLs and logs.
            let hidden = vec![
                ("q".to_owned(), filter.search.clone()),
                (
                    "status".to_owned(),
                    filter.status.map(Status::as_str).unwrap_or("").to_owned(),
                ),
            ];
            let action = format!("/staff/assemblies/{assembly_id}/respondents");
            crate::paging::Paging::posts(lang, &action, hidden, list.page, PAGE_SIZE, list.matching)
        };
        let columns = list
            .import_columns
            .iter()
            .map(|column| column.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        RespondentsPage {
            c: Chrome::new(viewer, t.respondents_title),
            t,
            tm: lang.t::<MemberMessages>(),
            emails_link: lang.t::<crate::i18n::emails::EmailMessages>().link,
            assembly_id,
            title: list.title,
            personal: list.personal,
            q: filter.search,
            statuses: respondent::ALL
                .iter()
                .map(|status| OptionView {
                    value: status.as_str(),
                    label: t.status_name(*status),
                    selected: Some(*status) == filter.status,
                })
                .collect(),
            respondents: list
                .respondents
                .iter()
                .map(|row| respondent_view(lang, row))
                .collect(),
            counts: list
                .counts
                .iter()
                .map(|(status, count)| StatusCount {
                    status: t.status_name(*status).to_owned(),
                    count: *count,
                })
                .collect(),
            invitations: list.invitations,
            seats_used: list.seats_used,
            import_hint: fill(t.import_hint, &[("columns", columns.as_str())]),
            mail_notice: mail_notice(state, lang),
            paging,
            questions_link: lang.t::<crate::i18n::lists::ListsMessages>().questions_link,
        }
    }
}

fn respondent_view(lang: Lang, row: &Respondent) -> RespondentView {
    let t = lang.t::<RecruitmentMessages>();
    RespondentView {
        id: row.id,
        erased: row.status == Status::Erased,
        next: next_statuses(row.status)
            .iter()
            .map(|to| OptionView {
                value: to.as_str(),
                label: t.status_name(*to),
                selected: false,
            })
            .collect(),
        name: row.full_name.clone(),
        email: row.email.clone(),
        phone: row.phone.clone(),
        status: t.status_name(row.status).to_owned(),
        answers: answers_in_words(t, &row.answers),
        access: access_in_words(t, &row.access),
        registered_on: utc_date(row.registered_at),
    }
}

/// The answers in words: the default questions first, in the form's order, then any other feature by name.
fn answers_in_words(t: &RecruitmentMessages, answers: &BTreeMap<String, String>) -> String {
    let label = |key: &str, raw: &str| {
        match key {
            "gender" => GENDERS
                .iter()
                .position(|id| *id == raw)
                .map(|index| t.genders[index].to_owned()),
            "age_band" => AGE_BANDS
                .iter()
                .position(|id| *id == raw)
                .map(|index| t.age_bands[index].to_owned()),
            _ => None,
        }
        .unwrap_or_else(|| raw.to_owned())
    };
    let mut keys: Vec<&String> = answers.keys().collect();
    keys.sort_by_key(|key| {
        (
            ["gender", "age_band", "area"]
                .iter()
                .position(|k| k == key)
                .unwrap_or(3),
            key.as_str(),
        )
    });
    keys.iter()
        .map(|key| label(key, &answers[key.as_str()]))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The access needs in words.
fn access_in_words(t: &RecruitmentMessages, access: &AccessNeeds) -> String {
    let mut parts: Vec<String> = [
        (access.childcare, t.childcare),
        (access.mobility, t.mobility),
        (access.language, t.language),
        (access.diet, t.diet),
    ]
    .iter()
    .filter(|(needed, _)| *needed)
    .map(|(_, label)| (*label).to_owned())
    .collect();
    if !access.details.is_empty() {
        parts.push(access.details.clone());
    }
    parts.join("; ")
}

/// The respondents as the export's CSV rows (the answers of the default questions and the area as columns).
pub fn respondents_csv(rows: &[Respondent]) -> Result<String, AppError> {
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_owned();
    let answer = |row: &Respondent, key: &str| row.answers.get(key).cloned().unwrap_or_default();
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            vec![
                row.id.to_string(),
                row.status.as_str().to_owned(),
                row.full_name.clone(),
                row.email.clone(),
                row.phone.clone(),
                answer(row, "gender"),
                answer(row, "age_band"),
                answer(row, "area"),
                yes_no(row.access.childcare),
                yes_no(row.access.mobility),
                yes_no(row.access.language),
                yes_no(row.access.diet),
                row.access.details.clone(),
                utc_date(row.registered_at),
            ]
        })
        .collect();
    spreadsheet_csv(
        &[
            "id",
            "status",
            "full_name",
            "email",
            "phone",
            "gender",
            "age_band",
            "area",
            "childcare",
            "mobility",
            "language",
            "diet",
            "access_details",
            "registered_on",
        ],
        &lines,
    )
}

/// The organisers' notice about email, for their pages: whether a relay is configured.
pub fn mail_notice(state: &AppState, lang: Lang) -> &'static str {
    let t = lang.t::<MemberMessages>();
    if state.config.mail.is_some() {
        t.mail_on
    } else {
        t.mail_off
    }
}

/// One feature of the registration questions as shown.
pub struct FeatureRowView {
    /// The feature.
    pub name: String,
    /// Its values, comma-separated.
    pub values: String,
    /// Whether it is the area (answered by the invitation).
    pub is_area: bool,
}

/// The registration questions page (issue 18, item 4).
#[derive(Template)]
#[template(path = "questions.html")]
pub struct QuestionsPage {
    /// The chrome.
    pub c: Chrome,
    /// This page's strings.
    pub t: &'static crate::i18n::lists::ListsMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The stored questions.
    pub questions: Vec<FeatureRowView>,
    /// Why they are locked, in words (empty: editable).
    pub locked: &'static str,
    /// The form as typed (or as stored).
    pub form: super::forms::QuestionsForm,
    /// Errors of the `questions` field.
    pub questions_errors: Vec<String>,
    /// Errors of the `area_feature` field.
    pub area_errors: Vec<String>,
    /// A notice (saved).
    pub notice: &'static str,
    /// The area against the address list, line by line.
    pub area_lines: Vec<String>,
}
