//! Recruitment pages (issue 4): the invitation lottery, the printable letters and the mail-merge CSV (organisers),
//! the public registration form with its bot protection, and the respondents list.
//!
//! Bot protection needs no CAPTCHA: a hidden honeypot field (a filled one gets the success page and nothing is stored),
//! a timing token signed with a server secret kept in the database (HMAC-SHA-256 of the render time; a form sent
//! faster than [`MIN_FORM_SECONDS`] or older than a day is refused), and a per-IP rate limit counted in the database.
//! Addresses, names, emails and answers are personal data: they are shown to organisers only, never put in URLs,
//! logs or the audit log (which records ids and counts).

use crate::upload::FormData;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::error::{Problem, ValidationError};
use domain::permission::{Action, allowed};
use domain::respondent::{self, ReasonCategory, Status, next_statuses, parse_reason};
use recruitment::RecruitmentError;
use recruitment::addresses::{AddressConfig, parse_addresses};
use recruitment::codes::parse_code;
use recruitment::draw::{DrawConfig, Weight, draw};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::recruitment::{ClaimRefusal, NewDraw, NewInvitation, NewRespondent};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Messages;
use crate::security::{constant_time_eq, random_token};
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// The fewest seconds between showing the registration form and accepting it (people take longer than bots).
pub const MIN_FORM_SECONDS: i64 = 3;
/// The most seconds a registration form stays valid.
pub const MAX_FORM_SECONDS: i64 = 24 * 3600;
/// Registrations accepted from one IP address per [`RATE_WINDOW_SECONDS`].
pub const RATE_MAX_HITS: i64 = 30;
/// The rate-limit window.
pub const RATE_WINDOW_SECONDS: i64 = 3600;
/// The largest household capacity.
pub const MAX_HOUSEHOLD_CAPACITY: i64 = 10;
/// The identifiers of the gender answers, in the order of [`crate::i18n::RecruitmentMessages::genders`].
pub const GENDERS: [&str; 4] = ["woman", "man", "other", "undisclosed"];
/// The identifiers of the age bands, in the order of [`crate::i18n::RecruitmentMessages::age_bands`].
pub const AGE_BANDS: [&str; 5] = ["16-29", "30-44", "45-59", "60-74", "75+"];
/// The respondent statuses, in the order of [`crate::i18n::RecruitmentMessages::statuses`].
pub const STATUSES: [&str; 8] = [
    "registered",
    "eligible",
    "selected",
    "confirmed",
    "declined",
    "withdrawn",
    "replaced",
    "erased",
];

/// HMAC-SHA-256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut key_block = [0u8; BLOCK];
    if key.len() > BLOCK {
        key_block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        key_block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(key_block.map(|byte| byte ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(key_block.map(|byte| byte ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

async fn form_secret(state: &AppState) -> Result<String, AppError> {
    let fresh = random_token(32)?;
    let mut connection = state.store.connection().await?;
    Ok(store::recruitment::server_secret(&mut connection, "registration_form", &fresh).await?)
}

fn sign_form(secret: &str, assembly_id: i64, issued_at: i64) -> String {
    let mac = hmac_sha256(
        secret.as_bytes(),
        format!("register:{assembly_id}:{issued_at}").as_bytes(),
    );
    format!("{issued_at}.{}", hex::encode(mac))
}

/// Whether a form token is genuine for this assembly and was issued between a day and a few seconds ago.
fn form_token_ok(secret: &str, assembly_id: i64, token: &str, now: i64) -> bool {
    let Some((issued, _)) = token.split_once('.') else {
        return false;
    };
    let Ok(issued_at) = issued.parse::<i64>() else {
        return false;
    };
    let age = now - issued_at;
    constant_time_eq(token, &sign_form(secret, assembly_id, issued_at))
        && (MIN_FORM_SECONDS..=MAX_FORM_SECONDS).contains(&age)
}

fn base_url(state: &AppState, headers: &HeaderMap, assembly_id: i64) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/assemblies/{assembly_id}")
}

async fn audit(
    tx: &mut store::Tx,
    viewer: &Viewer,
    action: &str,
    entity: &str,
    after: &serde_json::Value,
    now: i64,
) -> Result<(), AppError> {
    let after = after.to_string();
    store::audit::append(
        tx,
        &store::audit::Change {
            actor_account_id: viewer.account.as_ref().map(|account| account.id),
            action,
            entity,
            before_json: None,
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The invitation lottery.

/// The lottery form.
#[derive(Debug, Default, Deserialize)]
pub struct LotteryForm {
    /// The address list as CSV text.
    #[serde(default)]
    pub addresses: String,
    /// How many households to invite.
    #[serde(default)]
    pub invitations: String,
    /// The published seed.
    #[serde(default)]
    pub seed: String,
    /// `area=weight` lines.
    #[serde(default)]
    pub weights: String,
    /// People per household.
    #[serde(default)]
    pub household_capacity: String,
}

/// One row of a per-area report, as stored with the draw and shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaRow {
    /// The area.
    pub area: String,
    /// Addresses in the list.
    pub addresses: i64,
    /// The weight, as a decimal.
    pub weight: String,
    /// Households invited.
    pub invited: i64,
}

/// A draw as shown.
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
}

/// The lottery page.
#[derive(Template)]
#[template(path = "lottery.html")]
pub struct LotteryPage {
    /// The chrome.
    pub c: Chrome,
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
}

/// Query of the lottery page.
#[derive(Debug, Deserialize)]
pub struct DrawnQuery {
    /// Set after a draw was stored.
    #[serde(default)]
    pub drawn: Option<String>,
}

async fn lottery_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: LotteryForm,
    errors: Vec<String>,
    drawn: bool,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let draws = store::recruitment::draws(&mut connection, assembly_id).await?;
    let (_, seats_used) =
        store::recruitment::invitation_totals(&mut connection, assembly_id).await?;
    drop(connection);
    let c = Chrome::new(viewer, viewer.lang.messages().r.lottery_title);
    let draws = draws
        .into_iter()
        .map(|row| DrawView {
            id: row.id,
            areas: serde_json::from_str(&row.area_report_json).unwrap_or_default(),
            seed: row.seed,
            digest: row.list_digest,
            invitations: row.invitations,
            addresses: row.addresses,
            capacity: row.household_capacity,
            drawn_on: utc_date(row.created_at),
        })
        .collect();
    render(
        status,
        &LotteryPage {
            c,
            assembly_id,
            title: record.title,
            form,
            errors,
            drawn,
            draws,
            seats_used,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/invitations`: the lottery form and the draws so far.
pub async fn lottery(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<DrawnQuery>,
) -> Result<Response, AppError> {
    let form = LotteryForm {
        household_capacity: "1".to_owned(),
        ..LotteryForm::default()
    };
    lottery_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        form,
        Vec::new(),
        query.drawn.is_some(),
    )
    .await
}

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

fn parse_weights(m: &Messages, text: &str) -> Result<Vec<(String, Weight)>, String> {
    let mut weights = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let prefix = format!("{} ({} {})", m.r.weights_label, "line", index + 1);
        let Some((area, weight)) = line.split_once('=') else {
            return Err(format!("{prefix}: area=weight"));
        };
        let weight = Weight::parse(weight).map_err(|error| format!("{prefix}: {error}"))?;
        weights.push((area.trim().to_owned(), weight));
    }
    Ok(weights)
}

/// `POST /staff/assemblies/{assembly_id}/invitations`: runs the draw and stores the invitations, or shows the errors
/// (with line and column for the CSV) and stores nothing.
pub async fn run_draw(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<FormData<LotteryForm>, AppError>,
) -> Result<Response, AppError> {
    let FormData(mut form, from_files) = form?;
    let m = viewer.lang.messages();
    let mut errors = Vec::new();
    let from_file = from_files.iter().any(|field| field == "addresses");
    let invitations = parse_number("invitations", &form.invitations, 1, 1_000_000)
        .map_err(|error| errors.push(m.describe(&error)))
        .ok();
    let capacity = parse_number(
        "household_capacity",
        &form.household_capacity,
        1,
        MAX_HOUSEHOLD_CAPACITY,
    )
    .map_err(|error| errors.push(m.describe(&error)))
    .ok();
    let seed = form.seed.trim().to_owned();
    if seed.is_empty() {
        errors.push(m.describe(&ValidationError::new("seed", Problem::Required)));
    } else if seed.chars().count() > 200 {
        errors.push(m.describe(&ValidationError::new("seed", Problem::TooLong { max: 200 })));
    }
    let weights = parse_weights(m, &form.weights)
        .map_err(|error| errors.push(error))
        .ok();
    let list = if form.addresses.trim().is_empty() {
        errors.push(m.describe(&ValidationError::new("addresses", Problem::Required)));
        None
    } else {
        parse_addresses(form.addresses.as_bytes(), &AddressConfig::default())
            .map_err(|error| errors.push(format!("{}: {error}", m.r.addresses_label)))
            .ok()
    };
    let (Some(invitations), Some(capacity), Some(weights), Some(list), true) =
        (invitations, capacity, weights, list, errors.is_empty())
    else {
        if from_file {
            // A file is not echoed back into the textarea: it may be megabytes, and it is personal data.
            form.addresses.clear();
            errors.push(m.r.file_again.to_owned());
        }
        return lottery_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
            false,
        )
        .await;
    };
    let config = DrawConfig {
        seed: seed.clone(),
        invitations: invitations as usize,
        weights,
    };
    if from_file {
        form.addresses.clear();
    }
    let outcome = match draw(&list, &config) {
        Ok(outcome) => outcome,
        Err(error) => {
            let message = match error {
                RecruitmentError::UnknownArea { .. } | RecruitmentError::DuplicateWeight { .. } => {
                    format!("{}: {error}", m.r.weights_label)
                }
                _ => format!("{}: {error}", m.r.invitations_label),
            };
            return lottery_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                vec![message],
                false,
            )
            .await;
        }
    };
    let actor = viewer.account.as_ref().map(|account| account.id);
    match save_draw(
        &state.store,
        actor,
        assembly_id,
        &list,
        &outcome,
        &config,
        capacity,
    )
    .await
    {
        Ok(_) => {}
        Err(AppError::Conflict(_)) => {
            return lottery_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::CONFLICT,
                form,
                vec![m.r.seed_taken.to_owned()],
                false,
            )
            .await;
        }
        Err(error) => return Err(error),
    }
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/invitations?drawn=1"
    ))
    .into_response())
}

/// Stores a draw with its invitations and its audit entry (ids, counts, seed, digest: no address) in one transaction;
/// [`AppError::Conflict`] if a code is already used by an earlier draw.
pub(crate) async fn save_draw(
    database: &store::Store,
    actor: Option<i64>,
    assembly_id: i64,
    list: &recruitment::addresses::AddressList,
    outcome: &recruitment::draw::Draw,
    config: &DrawConfig,
    capacity: i64,
) -> Result<i64, AppError> {
    let seed = &config.seed;
    let invitations = outcome.invitations().len() as i64;
    let areas: Vec<AreaRow> = outcome
        .areas()
        .iter()
        .map(|report| AreaRow {
            area: report.area.clone(),
            addresses: report.addresses as i64,
            weight: report.weight.to_string(),
            invited: report.invited as i64,
        })
        .collect();
    let area_report_json = serde_json::to_string(&areas).map_err(AppError::internal)?;
    let codes: Vec<String> = outcome
        .invitations()
        .iter()
        .map(|i| i.code.to_string())
        .collect();
    let addresses: Vec<String> = outcome
        .invitations()
        .iter()
        .map(|i| list.addresses()[i.address].fields().join("\n"))
        .collect();
    let new_invitations: Vec<NewInvitation> = outcome
        .invitations()
        .iter()
        .enumerate()
        .map(|(index, invitation)| {
            let address = &list.addresses()[invitation.address];
            NewInvitation {
                code: &codes[index],
                area: &list.areas()[address.area()],
                address_ref: address.id(),
                address: &addresses[index],
            }
        })
        .collect();
    let digest = list.digest();
    let weights_text: String = config
        .weights
        .iter()
        .map(|(area, weight)| format!("{area}={weight}\n"))
        .collect();
    let now = now();
    let mut tx = database.begin().await?;
    let stored = store::recruitment::create_draw(
        &mut tx,
        &NewDraw {
            assembly_id,
            seed,
            invitations,
            weights: &weights_text,
            list_digest: &digest,
            addresses: list.addresses().len() as i64,
            household_capacity: capacity,
            area_report_json: &area_report_json,
            created_by: actor,
        },
        &new_invitations,
        now,
    )
    .await;
    let draw_id = stored?;
    let entity = format!("invitation_draw:{draw_id}");
    let after = serde_json::json!({
        "id": draw_id,
        "assembly_id": assembly_id,
        "seed": seed,
        "invitations": invitations,
        "addresses": list.addresses().len(),
        "list_digest": digest,
        "weights": weights_text,
        "household_capacity": capacity,
        "areas": areas,
    });
    let after = after.to_string();
    store::audit::append(
        &mut tx,
        &store::audit::Change {
            actor_account_id: actor,
            action: "invitations.draw",
            entity: &entity,
            before_json: None,
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, draw_id, invitations, "invitation draw stored");
    Ok(draw_id)
}

// ---------------------------------------------------------------------------------------------
// Letters and the mail-merge CSV.

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
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The question.
    pub question: String,
    /// The letters.
    pub letters: Vec<LetterView>,
}

/// `GET /staff/assemblies/{assembly_id}/invitations/letters`: one printable letter per invitation.
pub async fn letters(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let rows = store::recruitment::invitations(&mut connection, assembly_id).await?;
    drop(connection);
    let base = base_url(&state, &headers, assembly_id);
    let mut letters = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let code = parse_code(&row.code).map_err(AppError::internal)?;
        let url = recruitment::merge::registration_url(&base, &code).map_err(AppError::internal)?;
        let qr = recruitment::qr::encode(&url).map_err(AppError::internal)?;
        letters.push(LetterView {
            number: index + 1,
            address_lines: row.address.lines().map(str::to_owned).collect(),
            code: row.code.clone(),
            qr_svg: recruitment::qr::to_svg(&qr, 3),
            url,
        });
    }
    let c = Chrome::new(&viewer, viewer.lang.messages().r.letters_title);
    let mut response = render(
        StatusCode::OK,
        &LettersPage {
            c,
            assembly_id,
            title: record.title,
            question: record.question,
            letters,
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// CSV for a spreadsheet: the header, then the rows, with CRLF line ends and every cell made safe against formula
/// injection ([`recruitment::merge::escape_cell`]); the `csv` writer quotes where needed.
fn spreadsheet_csv(header: &[&str], rows: &[Vec<String>]) -> Result<String, AppError> {
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

/// `GET /staff/assemblies/{assembly_id}/invitations/mail-merge.csv`: the print shop's file
/// (`id,address,area,code,url`, cells safe against formula injection).
pub async fn mail_merge(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let rows = store::recruitment::invitations(&mut connection, assembly_id).await?;
    drop(connection);
    let base = base_url(&state, &headers, assembly_id);
    let mut lines = Vec::with_capacity(rows.len());
    for row in &rows {
        let code = parse_code(&row.code).map_err(AppError::internal)?;
        let url = recruitment::merge::registration_url(&base, &code).map_err(AppError::internal)?;
        lines.push(vec![
            row.address_ref.clone(),
            row.address.clone(),
            row.area.clone(),
            row.code.clone(),
            url,
        ]);
    }
    let csv = spreadsheet_csv(&["id", "address", "area", "code", "url"], &lines)?;
    let disposition = format!("attachment; filename=\"invitations-{assembly_id}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Public registration.

/// The registration form.
#[derive(Debug, Default, Deserialize)]
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
    /// One of [`GENDERS`].
    #[serde(default)]
    pub gender: String,
    /// One of [`AGE_BANDS`].
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
    pub extra: std::collections::HashMap<String, String>,
}

/// A question of the registration form defined by the assembly's features (see [`crate::selection`]).
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

pub(crate) fn question_views(
    questions: &[crate::selection::FeatureDef],
    form: &RegisterForm,
) -> Vec<QuestionView> {
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

/// One option of a select.
pub struct OptionView {
    /// The value.
    pub value: &'static str,
    /// The label.
    pub label: &'static str,
    /// Whether it is selected.
    pub selected: bool,
}

/// The registration page.
#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    /// The chrome.
    pub c: Chrome,
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

pub(crate) fn options(
    values: &[&'static str],
    labels: &[&'static str],
    chosen: &str,
) -> Vec<OptionView> {
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

async fn register_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: RegisterForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let secret = form_secret(state).await?;
    let token = sign_form(&secret, assembly_id, now());
    let m = viewer.lang.messages();
    let c = Chrome::new(viewer, m.r.register_title);
    let genders = options(&GENDERS, &m.r.genders, &form.gender);
    let age_bands = options(&AGE_BANDS, &m.r.age_bands, &form.age_band);
    let questions = question_views(
        &crate::selection::registration_questions(state, assembly_id).await?,
        &form,
    );
    let mut response = render(
        status,
        &RegisterPage {
            c,
            assembly_id,
            title: record.title,
            form,
            token,
            errors,
            genders,
            age_bands,
            questions,
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /assemblies/{assembly_id}/register`: the public registration form.
pub async fn register_form(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    register_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        RegisterForm::default(),
        Vec::new(),
    )
    .await
}

/// `GET /assemblies/{assembly_id}/r/{code}`: the registration form with the code of a letter's QR code filled in.
pub async fn register_with_code(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, code)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let invitation_code = match parse_code(&code) {
        Ok(code) => code.to_string(),
        Err(_) => String::new(),
    };
    let form = RegisterForm {
        invitation_code,
        ..RegisterForm::default()
    };
    register_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        form,
        Vec::new(),
    )
    .await
}

fn registered_redirect(assembly_id: i64) -> Response {
    Redirect::to(&format!("/assemblies/{assembly_id}/registered")).into_response()
}

/// `POST /assemblies/{assembly_id}/register`: checks the bot protection, the answers and the code, then stores the
/// respondent and takes one seat of the household, all in one transaction.
pub async fn register(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<RegisterForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    let now = now();
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    if !form.website.is_empty() {
        // A bot filled the hidden field: answer as if it worked, so it learns nothing, and store nothing.
        tracing::info!(assembly_id, "registration honeypot filled");
        return Ok(registered_redirect(assembly_id));
    }
    let secret = form_secret(&state).await?;
    if !form_token_ok(&secret, assembly_id, &form.form_token, now) {
        tracing::info!(assembly_id, "registration form token refused");
        let errors = vec![m.r.err_timing.to_owned()];
        return register_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
        )
        .await;
    }
    let ip = viewer
        .client
        .map(|address| address.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let key = store::sha256_hex(format!("register:{ip}").as_bytes());
    let mut tx = state.store.begin().await?;
    let within =
        store::recruitment::rate_limit_hit(&mut tx, &key, now, RATE_WINDOW_SECONDS, RATE_MAX_HITS)
            .await?;
    tx.commit().await?;
    if !within {
        tracing::info!(assembly_id, "registration rate limit reached");
        return Err(AppError::TooManyRequests);
    }

    let checked = match check_registration(&state, m, assembly_id, &form, true).await? {
        Ok(checked) => checked,
        Err(errors) => {
            return register_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
            )
            .await;
        }
    };
    let mut tx = state.store.begin().await?;
    let respondent_id =
        match store_registration(&mut tx, &viewer, assembly_id, checked.clone(), now).await? {
            Ok(respondent_id) => respondent_id,
            Err((status, message)) => {
                drop(tx);
                return register_page(&state, &viewer, assembly_id, status, form, vec![message])
                    .await;
            }
        };
    store::members::record_registration(
        &mut tx,
        assembly_id,
        respondent_id,
        store::members::ConsentMethod::Online,
        None,
        viewer.lang.code(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(assembly_id, respondent_id, "respondent registered");
    crate::members::send_registration_email(
        &state,
        assembly_id,
        respondent_id,
        &checked.email,
        viewer.lang,
    )
    .await;
    Ok(registered_redirect(assembly_id))
}

/// A registration form whose fields all passed their checks (the code is not claimed yet).
#[derive(Clone)]
pub(crate) struct CheckedRegistration {
    /// The invitation code, if one was given.
    pub code: Option<recruitment::codes::InvitationCode>,
    /// The full name.
    pub full_name: String,
    /// The email, lower-cased.
    pub email: String,
    /// The phone, or empty.
    pub phone: String,
    /// The answers by feature name.
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// The access needs, as stored.
    pub access_json: String,
}

/// Checks every field of a registration form (the public one, or the staff's phone registration where the code is
/// optional) and returns all the problems at once, each naming its field. Consent is checked by the caller.
pub(crate) async fn check_registration(
    state: &AppState,
    m: &Messages,
    assembly_id: i64,
    form: &RegisterForm,
    code_required: bool,
) -> Result<Result<CheckedRegistration, Vec<String>>, AppError> {
    let mut errors = Vec::new();
    let code = match parse_code(&form.invitation_code) {
        Ok(code) => Some(code),
        Err(_) if form.invitation_code.trim().is_empty() => {
            if code_required {
                errors
                    .push(m.describe(&ValidationError::new("invitation_code", Problem::Required)));
            }
            None
        }
        Err(RecruitmentError::CodeCheck) => {
            errors.push(m.r.err_code_check.to_owned());
            None
        }
        Err(_) => {
            errors.push(m.r.err_code_format.to_owned());
            None
        }
    };
    let full_name = form.full_name.trim().to_owned();
    if full_name.is_empty() {
        errors.push(m.describe(&ValidationError::new("full_name", Problem::Required)));
    } else if full_name.chars().count() > 200 {
        errors.push(m.describe(&ValidationError::new(
            "full_name",
            Problem::TooLong { max: 200 },
        )));
    }
    let email = domain::account::Email::parse(&form.email)
        .map_err(|error| errors.push(m.describe(&error)))
        .ok();
    let phone = form.phone.trim().to_owned();
    if phone.chars().count() > 40 {
        errors.push(m.describe(&ValidationError::new("phone", Problem::TooLong { max: 40 })));
    } else if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        errors.push(m.describe(&ValidationError::new("phone", Problem::Malformed)));
    }
    let questions = crate::selection::registration_questions(state, assembly_id).await?;
    let mut answers = serde_json::Map::new();
    if questions.is_empty() {
        for (field, value, allowed_values) in [
            ("gender", &form.gender, &GENDERS[..]),
            ("age_band", &form.age_band, &AGE_BANDS[..]),
        ] {
            if value.is_empty() {
                errors.push(m.describe(&ValidationError::new(field, Problem::Required)));
            } else if !allowed_values.contains(&value.as_str()) {
                errors.push(m.describe(&ValidationError::new(field, Problem::Malformed)));
            } else {
                answers.insert(field.to_owned(), serde_json::Value::String(value.clone()));
            }
        }
    } else {
        for (index, feature) in questions.iter().enumerate() {
            let value = form
                .extra
                .get(&format!("q_{index}"))
                .map(|v| v.trim())
                .unwrap_or("");
            if value.is_empty() {
                errors.push(format!(
                    "{}: {}",
                    feature.name,
                    m.describe(&ValidationError::new("", Problem::Required))
                        .trim_start_matches(": ")
                ));
            } else if !feature.values.iter().any(|v| v == value) {
                errors.push(format!(
                    "{}: {}",
                    feature.name,
                    m.describe(&ValidationError::new("", Problem::Malformed))
                        .trim_start_matches(": ")
                ));
            } else {
                answers.insert(
                    feature.name.clone(),
                    serde_json::Value::String(value.to_owned()),
                );
            }
        }
    }
    let access_details = form.access_details.trim().to_owned();
    if access_details.chars().count() > 1000 {
        errors.push(m.describe(&ValidationError::new(
            "access_details",
            Problem::TooLong { max: 1000 },
        )));
    }
    if form.consent.is_none() {
        errors.push(m.r.err_consent.to_owned());
    }
    let (Some(email), true) = (email, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let access_json = serde_json::json!({
        "childcare": form.childcare.is_some(),
        "mobility": form.mobility.is_some(),
        "language": form.language.is_some(),
        "diet": form.diet.is_some(),
        "details": access_details,
    })
    .to_string();
    Ok(Ok(CheckedRegistration {
        code,
        full_name,
        email: email.as_str().to_owned(),
        phone,
        answers,
        access_json,
    }))
}

/// Stores a checked registration in the caller's transaction: claims a seat of the household when a code was
/// given (a refused code is `Err((status, message))`, and the caller drops the transaction), adds the respondent
/// and appends the audit entry (ids only). The area comes from the invitation; without one, from an `area` answer.
pub(crate) async fn store_registration(
    tx: &mut store::Tx,
    viewer: &Viewer,
    assembly_id: i64,
    checked: CheckedRegistration,
    now: i64,
) -> Result<Result<i64, (StatusCode, String)>, AppError> {
    let m = viewer.lang.messages();
    let mut answers = checked.answers;
    let invitation_id = match &checked.code {
        Some(code) => {
            let claimed =
                store::recruitment::claim_invitation(tx, assembly_id, &code.to_string()).await?;
            match claimed {
                Ok((invitation_id, area)) => {
                    answers.insert(
                        crate::selection::AREA_FEATURE.to_owned(),
                        serde_json::Value::String(area),
                    );
                    Some(invitation_id)
                }
                Err(refusal) => {
                    let message = match refusal {
                        ClaimRefusal::Unknown => m.r.err_code_unknown,
                        ClaimRefusal::Exhausted => m.r.err_code_used,
                    };
                    let status = match refusal {
                        ClaimRefusal::Unknown => StatusCode::UNPROCESSABLE_ENTITY,
                        ClaimRefusal::Exhausted => StatusCode::CONFLICT,
                    };
                    return Ok(Err((status, message.to_owned())));
                }
            }
        }
        None => None,
    };
    let features = serde_json::Value::Object(answers).to_string();
    let respondent_id = store::recruitment::add_respondent(
        tx,
        &NewRespondent {
            assembly_id,
            invitation_id,
            full_name: &checked.full_name,
            email: &checked.email,
            phone: &checked.phone,
            features_json: &features,
            access_needs_json: &checked.access_json,
            consent_at: now,
        },
        now,
    )
    .await?;
    let entity = format!("respondent:{respondent_id}");
    let after = serde_json::json!({
        "id": respondent_id,
        "assembly_id": assembly_id,
        "invitation_id": invitation_id,
        "status": "registered",
    });
    audit(tx, viewer, "respondent.register", &entity, &after, now).await?;
    Ok(Ok(respondent_id))
}

/// The thank-you page.
#[derive(Template)]
#[template(path = "registered.html")]
pub struct RegisteredPage {
    /// The chrome.
    pub c: Chrome,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
}

/// `GET /assemblies/{assembly_id}/registered`: the thank-you page (no personal data, nothing in the URL).
pub async fn registered(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let c = Chrome::new(&viewer, viewer.lang.messages().r.registered_title);
    render(
        StatusCode::OK,
        &RegisteredPage {
            c,
            assembly_id,
            title: record.title,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Respondents.

/// The respondents filter (GET query: status only; POST form: status and search, so names stay out of URLs).
#[derive(Debug, Default, Deserialize)]
pub struct RespondentsFilter {
    /// A name or email fragment.
    #[serde(default)]
    pub q: String,
    /// One of [`STATUSES`], or empty for all.
    #[serde(default)]
    pub status: String,
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
    /// The feature columns an import must have, comma-separated.
    pub import_columns: String,
    /// Whether emails are sent, in words (organisers).
    pub mail_notice: &'static str,
    /// The strings of phone registration and new members.
    pub t: &'static crate::i18n::members::MemberMessages,
}

pub(crate) fn status_name(m: &Messages, status: &str) -> String {
    STATUSES
        .iter()
        .position(|s| *s == status)
        .map(|index| m.r.statuses[index].to_owned())
        .unwrap_or_else(|| status.to_owned())
}

fn answers_in_words(m: &Messages, features_json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(features_json).unwrap_or_default();
    let Some(answers) = value.as_object() else {
        return String::new();
    };
    let label = |key: &str, raw: &str| {
        match key {
            "gender" => GENDERS
                .iter()
                .position(|id| *id == raw)
                .map(|index| m.r.genders[index].to_owned()),
            "age_band" => AGE_BANDS
                .iter()
                .position(|id| *id == raw)
                .map(|index| m.r.age_bands[index].to_owned()),
            _ => None,
        }
        .unwrap_or_else(|| raw.to_owned())
    };
    // The default questions first, in the form's order, then any other stored feature by name.
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
        .map(|key| label(key, answers[key.as_str()].as_str().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn access_in_words(m: &Messages, access_json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(access_json).unwrap_or_default();
    let mut parts: Vec<String> = [
        ("childcare", m.r.childcare),
        ("mobility", m.r.mobility),
        ("language", m.r.language),
        ("diet", m.r.diet),
    ]
    .iter()
    .filter(|(key, _)| value[*key].as_bool() == Some(true))
    .map(|(_, label)| (*label).to_owned())
    .collect();
    if let Some(details) = value["details"].as_str().filter(|d| !d.is_empty()) {
        parts.push(details.to_owned());
    }
    parts.join("; ")
}

async fn respondents_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    filter: RespondentsFilter,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let status = STATUSES.iter().copied().find(|s| *s == filter.status);
    let personal = allowed(viewer.role, Action::ManageRecruitment);
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let counts = store::recruitment::respondent_status_counts(&mut connection, assembly_id).await?;
    let (invitations, seats_used) =
        store::recruitment::invitation_totals(&mut connection, assembly_id).await?;
    let quotas = store::selection::quotas(&mut connection, assembly_id).await?;
    let import_columns = import_columns(&crate::selection::features_of(&quotas))
        .iter()
        .map(|column| column.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let rows = if personal {
        store::recruitment::respondents(&mut connection, assembly_id, &filter.q, status).await?
    } else {
        Vec::new()
    };
    drop(connection);
    if personal {
        // Every view of personal data is recorded (ids and counts only: the search text may be a name).
        let now = now();
        let mut tx = state.store.begin().await?;
        let after = serde_json::json!({
            "assembly_id": assembly_id,
            "shown": rows.len(),
            "status": status,
            "searched": !filter.q.trim().is_empty(),
            "respondent_ids": rows.iter().map(|row| row.id).collect::<Vec<_>>(),
        });
        audit(
            &mut tx,
            viewer,
            "respondents.view",
            &format!("assembly:{assembly_id}"),
            &after,
            now,
        )
        .await?;
        tx.commit().await?;
    }
    let respondents = rows
        .iter()
        .map(|row| RespondentView {
            id: row.id,
            erased: row.status == Status::Erased.as_str(),
            next: Status::parse("status", &row.status)
                .map(next_statuses)
                .unwrap_or_default()
                .iter()
                .map(|to| OptionView {
                    value: to.as_str(),
                    label: m.r.statuses[respondent::ALL
                        .iter()
                        .position(|s| s == to)
                        .unwrap_or_default()],
                    selected: false,
                })
                .collect(),
            name: row.full_name.clone(),
            email: row.email.clone(),
            phone: row.phone.clone(),
            status: status_name(m, &row.status),
            answers: answers_in_words(m, &row.features_json),
            access: access_in_words(m, &row.access_needs_json),
            registered_on: utc_date(row.created_at),
        })
        .collect();
    let statuses = STATUSES
        .iter()
        .zip(m.r.statuses)
        .map(|(value, label)| OptionView {
            value,
            label,
            selected: Some(*value) == status,
        })
        .collect();
    let c = Chrome::new(viewer, m.r.respondents_title);
    let mut response = render(
        StatusCode::OK,
        &RespondentsPage {
            c,
            assembly_id,
            title: record.title,
            personal,
            q: filter.q,
            statuses,
            respondents,
            counts: counts
                .iter()
                .map(|(status, count)| StatusCount {
                    status: status_name(m, status),
                    count: *count,
                })
                .collect(),
            invitations,
            seats_used,
            import_columns,
            mail_notice: crate::members::mail_notice(state, viewer.lang),
            t: viewer.lang.t::<crate::i18n::members::MemberMessages>(),
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{assembly_id}/respondents`: organisers see the list (filtered by status), observers counts.
pub async fn respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(filter): Query<RespondentsFilter>,
) -> Result<Response, AppError> {
    let filter = RespondentsFilter {
        q: String::new(),
        status: filter.status,
    };
    respondents_page(&state, &viewer, assembly_id, filter).await
}

/// `POST /staff/assemblies/{assembly_id}/respondents`: the same page, searched by name or email (sent in the body).
pub async fn search_respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<RespondentsFilter>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(filter) = form?;
    respondents_page(&state, &viewer, assembly_id, filter).await
}

/// The status-change form of one respondent.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    /// The new status, one of [`STATUSES`].
    #[serde(default)]
    pub status: String,
    /// Why, in words (required; kept with the person and erased with them, never in the audit log).
    #[serde(default)]
    pub reason: String,
    /// Why, from the fixed list (`domain::respondent::REASON_CATEGORIES`; empty means `other`): the audit log's part.
    #[serde(default)]
    pub reason_category: String,
}

fn invalid(m: &Messages, error: &ValidationError) -> AppError {
    AppError::BadInput {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: m.describe(error),
    }
}

/// `POST /staff/assemblies/{assembly_id}/respondents/{respondent_id}/status`: moves one respondent to a new status
/// allowed by [`transition`], with a required reason, audit-logged in the same transaction (ids, statuses and the
/// reason, no personal data). Moving to `erased` blanks the personal data and keeps the anonymous feature values.
pub async fn change_status(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, respondent_id)): Path<(i64, i64)>,
    form: Result<Form<StatusForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let Form(form) = form?;
    let to = Status::parse("status", &form.status).map_err(|error| invalid(m, &error))?;
    let reason = StatusReason {
        category: ReasonCategory::parse(&form.reason_category)
            .map_err(|error| invalid(m, &error))?,
        note: parse_reason(&form.reason).map_err(|error| invalid(m, &error))?,
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let done = app::recruitment::change_status(
        &mut tx,
        &viewer.actor(),
        assembly_id,
        respondent_id,
        to,
        &reason,
        now,
    )
    .await
    .map_err(|error| crate::error::status_refused(viewer.lang, error))?;
    tx.commit().await?;
    if to == Status::Erased {
        forget_erased(&state).await;
    }
    // A confirmation without an SMTP relay shows the new member's sign-in code once.
    let after = crate::effects::carry_out(&state, done.effects);
    let next =
        Redirect::to(&format!("/staff/assemblies/{assembly_id}/respondents")).into_response();
    crate::effects::codes_page(&viewer, assembly_id, after.codes, next)
}

pub use app::recruitment::StatusReason;

/// After an erasure has committed: makes the erased data leave the database files (SQLite: the write-ahead log still
/// holds the pages as they were before; see `store::Store::forget`). A failure is logged, never shown: the erasure
/// itself is done, and the next checkpoint completes it.
pub async fn forget_erased(state: &AppState) {
    if let Err(error) = state.store.forget().await {
        tracing::warn!(error = %error, "checkpoint after an erasure failed");
    }
}

/// `GET /staff/assemblies/{assembly_id}/respondents.csv`: every respondent of the assembly as CSV (organisers only;
/// cells safe against formula injection; `Cache-Control: no-store`), recorded in the audit log as a view of personal
/// data (ids only). Erased respondents keep their id, status and anonymous answers, with blank personal data.
pub async fn export_respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let rows = store::recruitment::respondents(&mut connection, assembly_id, "", None).await?;
    drop(connection);
    let mut lines = Vec::with_capacity(rows.len());
    for row in &rows {
        let features: serde_json::Value =
            serde_json::from_str(&row.features_json).unwrap_or_default();
        let access: serde_json::Value =
            serde_json::from_str(&row.access_needs_json).unwrap_or_default();
        let text =
            |value: &serde_json::Value, key: &str| value[key].as_str().unwrap_or("").to_owned();
        let flag = |key: &str| {
            if access[key].as_bool() == Some(true) {
                "yes"
            } else {
                "no"
            }
            .to_owned()
        };
        lines.push(vec![
            row.id.to_string(),
            row.status.clone(),
            row.full_name.clone(),
            row.email.clone(),
            row.phone.clone(),
            text(&features, "gender"),
            text(&features, "age_band"),
            text(&features, "area"),
            flag("childcare"),
            flag("mobility"),
            flag("language"),
            flag("diet"),
            text(&access, "details"),
            utc_date(row.created_at),
        ]);
    }
    let csv = spreadsheet_csv(
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
    )?;
    let mut tx = state.store.begin().await?;
    let after = serde_json::json!({
        "assembly_id": assembly_id,
        "exported": rows.len(),
        "respondent_ids": rows.iter().map(|row| row.id).collect::<Vec<_>>(),
    });
    audit(
        &mut tx,
        &viewer,
        "respondents.export",
        &format!("assembly:{assembly_id}"),
        &after,
        now(),
    )
    .await?;
    tx.commit().await?;
    let disposition = format!("attachment; filename=\"respondents-{assembly_id}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv,
    )
        .into_response())
}

/// The contact columns of a respondents import, before the assembly's features; `phone` may be left out.
pub const CONTACT_COLUMNS: [&str; 3] = ["full_name", "email", "phone"];
/// The most respondents in one import.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// A feature column of a respondents import: its name and, when the assembly has stored quotas, the values it may
/// take (`None`: free text, as the default `area` is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportColumn {
    /// The feature (`age_band`).
    pub name: String,
    /// The values allowed, if fixed.
    pub values: Option<Vec<String>>,
}

/// The feature columns of an import: the assembly's stored features with their values, or the default questions
/// (`gender`, `age_band` and a free-text `area`) when no quotas are stored yet.
pub fn import_columns(stored: &[crate::selection::FeatureDef]) -> Vec<ImportColumn> {
    if stored.is_empty() {
        return vec![
            ImportColumn {
                name: "gender".into(),
                values: Some(GENDERS.iter().map(|v| v.to_string()).collect()),
            },
            ImportColumn {
                name: "age_band".into(),
                values: Some(AGE_BANDS.iter().map(|v| v.to_string()).collect()),
            },
            ImportColumn {
                name: "area".into(),
                values: None,
            },
        ];
    }
    stored
        .iter()
        .map(|feature| ImportColumn {
            name: feature.name.clone(),
            values: Some(feature.values.clone()),
        })
        .collect()
}

/// One respondent read from an import file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The full name.
    pub full_name: String,
    /// The email, lower-cased.
    pub email: String,
    /// The phone, or empty.
    pub phone: String,
    /// The answers, as stored (one key per feature column).
    pub features_json: String,
}

/// A cell of an import file that was refused: 1-based line and column, and the field's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The column (1-based).
    pub column: usize,
    /// The field and what is wrong with it.
    pub error: ValidationError,
}

impl ImportError {
    fn describe(&self, m: &Messages) -> String {
        m.r.err_import_cell
            .replace("{line}", &self.line.to_string())
            .replace("{column}", &self.column.to_string())
            .replace("{error}", &m.describe(&self.error))
    }
}

/// Reads a respondents CSV (a header row with the [`CONTACT_COLUMNS`] and one column per feature of `features`,
/// `phone` optional, in any order); every problem is reported with its line and column, and any problem refuses
/// the whole file.
pub fn parse_import(
    text: &str,
    features: &[ImportColumn],
) -> Result<Vec<ImportRow>, Vec<ImportError>> {
    let cell_error = |line: u64, column: usize, field: &str, problem: Problem| ImportError {
        line,
        column,
        error: ValidationError::new(field, problem),
    };
    let names: Vec<&str> = CONTACT_COLUMNS
        .iter()
        .copied()
        .chain(features.iter().map(|feature| feature.name.as_str()))
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(_)) | None => return Err(vec![cell_error(1, 1, "csv", Problem::Required)]),
    };
    let mut errors = Vec::new();
    let mut position: Vec<Option<usize>> = vec![None; names.len()];
    for (index, name) in header.iter().enumerate() {
        match names.iter().position(|column| *column == name.trim()) {
            Some(known) if position[known].is_none() => position[known] = Some(index),
            _ => errors.push(cell_error(1, index + 1, name.trim(), Problem::Malformed)),
        }
    }
    for (known, column) in names.iter().enumerate() {
        if position[known].is_none() && *column != "phone" {
            errors.push(cell_error(1, header.len() + 1, column, Problem::Required));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(0);
                errors.push(cell_error(line, 1, "csv", Problem::Malformed));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() + errors.len() >= MAX_IMPORT_ROWS {
            errors.push(cell_error(
                line,
                1,
                "csv",
                Problem::TooMany {
                    max: MAX_IMPORT_ROWS,
                },
            ));
            break;
        }
        let cell = |known: usize| -> (usize, String) {
            let index = position[known].unwrap_or(usize::MAX);
            (
                index.saturating_add(1),
                record.get(index).unwrap_or("").trim().to_owned(),
            )
        };
        let before = errors.len();
        let (column, full_name) = cell(0);
        if full_name.is_empty() {
            errors.push(cell_error(line, column, "full_name", Problem::Required));
        } else if full_name.chars().count() > 200 {
            errors.push(cell_error(
                line,
                column,
                "full_name",
                Problem::TooLong { max: 200 },
            ));
        }
        let (column, email) = cell(1);
        let email = domain::account::Email::parse(&email)
            .map(|email| email.as_str().to_owned())
            .map_err(|error| errors.push(cell_error(line, column, "email", error.problem)))
            .unwrap_or_default();
        let (column, phone) = cell(2);
        if phone.chars().count() > 40 {
            errors.push(cell_error(
                line,
                column,
                "phone",
                Problem::TooLong { max: 40 },
            ));
        } else if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            errors.push(cell_error(line, column, "phone", Problem::Malformed));
        }
        let mut answers = serde_json::Map::new();
        for (offset, feature) in features.iter().enumerate() {
            let (column, value) = cell(CONTACT_COLUMNS.len() + offset);
            let field = feature.name.as_str();
            if value.is_empty() {
                errors.push(cell_error(line, column, field, Problem::Required));
            } else if value.chars().count() > 100 {
                errors.push(cell_error(
                    line,
                    column,
                    field,
                    Problem::TooLong { max: 100 },
                ));
            } else if feature
                .values
                .as_ref()
                .is_some_and(|values| !values.contains(&value))
            {
                errors.push(cell_error(line, column, field, Problem::Malformed));
            }
            answers.insert(field.to_owned(), serde_json::Value::String(value));
        }
        if errors.len() == before {
            rows.push(ImportRow {
                full_name,
                email,
                phone,
                features_json: serde_json::Value::Object(answers).to_string(),
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(cell_error(2, 1, "csv", Problem::Required));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The import form.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    /// The CSV text.
    #[serde(default)]
    pub csv: String,
    /// Checkbox: the people in the file consented to their data being kept.
    #[serde(default)]
    pub consent: Option<String>,
}

/// `POST /staff/assemblies/{assembly_id}/respondents/import`: adds the respondents of a CSV file gathered elsewhere,
/// all or nothing in one transaction (errors name the line and column), audited with ids and a count.
pub async fn import_respondents(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<FormData<ImportForm>, AppError>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let FormData(form, _) = form?;
    let mut messages = Vec::new();
    let stored = {
        let mut connection = state.store.connection().await?;
        let quotas = store::selection::quotas(&mut connection, assembly_id).await?;
        crate::selection::features_of(&quotas)
    };
    let parsed = parse_import(&form.csv, &import_columns(&stored));
    if let Err(errors) = &parsed {
        messages.extend(errors.iter().take(20).map(|error| error.describe(m)));
    }
    if form.consent.is_none() {
        messages.push(m.r.err_import_consent.to_owned());
    }
    let rows = match parsed {
        Ok(rows) if messages.is_empty() => rows,
        _ => {
            return Err(AppError::BadInput {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: messages.join(" · "),
            });
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    store::assemblies::get_assembly(&mut tx, assembly_id).await?;
    let mut ids = Vec::with_capacity(rows.len());
    let actor = viewer.account.as_ref().map(|account| account.id);
    for row in &rows {
        ids.push(
            store::recruitment::add_respondent(
                &mut tx,
                &NewRespondent {
                    assembly_id,
                    invitation_id: None,
                    full_name: &row.full_name,
                    email: &row.email,
                    phone: &row.phone,
                    features_json: &row.features_json,
                    access_needs_json: "{}",
                    consent_at: now,
                },
                now,
            )
            .await?,
        );
        if let Some(&id) = ids.last() {
            store::members::record_registration(
                &mut tx,
                assembly_id,
                id,
                store::members::ConsentMethod::Import,
                actor,
                viewer.lang.code(),
            )
            .await?;
        }
    }
    let after = serde_json::json!({
        "assembly_id": assembly_id,
        "imported": ids.len(),
        "respondent_ids": ids,
    });
    audit(
        &mut tx,
        &viewer,
        "respondents.import",
        &format!("assembly:{assembly_id}"),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/respondents")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_checked_cell_by_cell_with_line_and_column() {
        let good = "email,full_name,gender,age_band,area\nA@Example.org,Ada,woman,75+,Hill\n\nb@example.org,\"Bo, Jr\",man,16-29,Valley\n";
        let defaults = import_columns(&[]);
        let rows = parse_import(good, &defaults).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].email, "a@example.org");
        assert_eq!(rows[1].full_name, "Bo, Jr");
        assert_eq!(
            rows[0].features_json,
            r#"{"age_band":"75+","area":"Hill","gender":"woman"}"#
        );
        let bad = "full_name,email,gender,age_band,area\nAda,ada@example.org,woman,75+,Hill\nBo,not-an-email,robot,16-29,\n";
        let errors = parse_import(bad, &defaults).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(at, vec![(3, 2, "email"), (3, 3, "gender"), (3, 5, "area")]);
        let errors = parse_import("full_name,email,colour\n", &defaults).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(
            at,
            vec![
                (1, 3, "colour"),
                (1, 4, "gender"),
                (1, 4, "age_band"),
                (1, 4, "area")
            ]
        );
        assert!(parse_import("", &defaults).is_err());
        assert!(parse_import("full_name,email,gender,age_band,area\n", &defaults).is_err());
    }

    #[test]
    fn imports_follow_the_assemblys_stored_features_and_their_values() {
        let stored = vec![
            crate::selection::FeatureDef {
                name: "tenure".into(),
                values: vec!["owner".into(), "renter".into()],
            },
            crate::selection::FeatureDef {
                name: "area".into(),
                values: vec!["Hill".into(), "Valley".into()],
            },
        ];
        let columns = import_columns(&stored);
        let rows = parse_import(
            "full_name,email,area,tenure\nAda,ada@example.org,Hill,renter\n",
            &columns,
        )
        .unwrap();
        assert_eq!(
            rows[0].features_json,
            r#"{"area":"Hill","tenure":"renter"}"#
        );
        let errors = parse_import("full_name,email,area,tenure\nAda,ada@example.org,Coast,renter\nBo,bo@example.org,Hill,\n", &columns).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(at, vec![(2, 3, "area"), (3, 4, "tenure")]);
        let errors = parse_import("full_name,email,gender,age_band,area\n", &columns).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(
            at,
            vec![(1, 3, "gender"), (1, 4, "age_band"), (1, 6, "tenure")]
        );
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn form_tokens_are_refused_when_forged_too_fast_or_too_old() {
        let token = sign_form("secret", 7, 1000);
        assert!(form_token_ok("secret", 7, &token, 1000 + MIN_FORM_SECONDS));
        assert!(!form_token_ok("secret", 7, &token, 1001));
        assert!(!form_token_ok(
            "secret",
            7,
            &token,
            1000 + MAX_FORM_SECONDS + 1
        ));
        assert!(!form_token_ok("other", 7, &token, 1010));
        assert!(!form_token_ok("secret", 8, &token, 1010));
        assert!(!form_token_ok("secret", 7, "990.abc", 1010));
        assert!(!form_token_ok("secret", 7, "", 1010));
    }
}
