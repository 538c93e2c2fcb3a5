//! Impact and accountability pages (issue 6): the authority's responses, implementation milestones and fidelity
//! judgements, the public scorecard with its CSV/JSON/SVG exports, the change strategy (tactics, allies, power map),
//! members as advocates, and the evaluation report with its surveys.
//!
//! Who sees what: the scorecard, the evaluation report and the public survey are public and show aggregates and
//! public documents only (responses, milestones and judgements are public acts). The staff pages under
//! `/staff/assemblies/{id}/impact` are for the roles of [`Action::ViewImpact`]; the change strategy (tactics, allies,
//! power map) and the members' logged actions are working material shown only to [`Action::ViewStrategy`] roles
//! (members, the oversight group, facilitators, organisers), never to the authority or the public.
//! Responses are recorded by the authority account or by organisers on its behalf (stored and shown as such);
//! fidelity is judged by the oversight group (Observer) or the members, never by the authority.
//!
//! Stored rows are turned into the pure `impact` model ([`impact::Recommendation`]) and every figure comes from
//! [`impact::Scorecard::compute`], so the page, the exports and the image cannot disagree.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::permission::{Action, Role, allowed};
use impact::{
    Commitment, Date, Fidelity, FidelityJudgement, Judge, Link, Milestone, MilestoneKind,
    Recommendation, Response as ImpactResponse, ResponseKind, Scorecard, Support, Timeliness,
};
use serde::Deserialize;
use store::impact::{
    ActorRow, AllyRow, FidelityRow, MaterialRow, MilestoneRow, ResponseRow, Settings, TacticRow,
    Tracked,
};
use store::recommendations::{NewRecommendation, Route};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::impact::ImpactMessages;
use crate::views::{Chrome, render};
use crate::{AppState, now};

// ---------------------------------------------------------------------------------------------
// Codes stored in the database, in the order of the message arrays.

/// Response codes, in the order of [`ResponseKind::ALL`] minus "no response yet".
pub const RESPONSE_CODES: [&str; 4] = ["full", "modified", "part", "rejected"];
/// Fidelity codes, in the order of [`Fidelity::ALL`] minus "not yet judged".
pub const FIDELITY_CODES: [&str; 4] = ["full", "diluted", "different", "none"];
/// Milestone kinds.
pub const MILESTONE_CODES: [&str; 4] = ["bill", "regulation", "budget_line", "other"];
/// Tactic arenas.
pub const ARENA_CODES: [&str; 2] = ["insider", "outsider"];
/// Tactic kinds (the first three insider, the rest outsider, as the brief lists them).
pub const TACTIC_CODES: [&str; 7] = [
    "briefing", "lobbying", "hearing", "campaign", "petition", "media", "event",
];
/// Tactic statuses.
pub const TACTIC_STATUS_CODES: [&str; 2] = ["planned", "done"];
/// Ally kinds.
pub const ALLY_CODES: [&str; 2] = ["organisation", "person"];
/// Power-map roles.
pub const ACTOR_ROLE_CODES: [&str; 2] = ["decision_maker", "influencer"];
/// Power-map visibility.
pub const VISIBILITY_CODES: [&str; 2] = ["visible", "hidden"];
/// Material kinds.
pub const MATERIAL_CODES: [&str; 2] = ["talking_point", "media_training"];
/// The members' surveys.
pub const MEMBER_SURVEYS: [&str; 2] = ["members_before", "members_after"];
/// The items of the members' surveys.
pub const MEMBER_ITEMS: [&str; 4] = ["efficacy", "trust", "learning", "respect"];
/// The items of the public survey.
pub const PUBLIC_ITEMS: [&str; 2] = ["awareness", "support"];

fn index_of(codes: &[&str], code: &str) -> Option<usize> {
    codes.iter().position(|c| *c == code)
}

fn label<'a>(codes: &[&str], labels: &[&'a str], code: &str) -> &'a str {
    index_of(codes, code)
        .and_then(|i| labels.get(i).copied())
        .unwrap_or("?")
}

fn response_index(kind: ResponseKind) -> usize {
    ResponseKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(4)
}

fn fidelity_index(fidelity: Fidelity) -> usize {
    Fidelity::ALL
        .iter()
        .position(|f| *f == fidelity)
        .unwrap_or(4)
}

fn timeliness_index(status: Timeliness) -> usize {
    Timeliness::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(3)
}

/// Today's date (UTC).
pub fn today() -> Date {
    Date::from_days_since_epoch((now().div_euclid(86_400)) as i32)
        .unwrap_or_else(|_| Date::from_ymd(1970, 1, 1).expect("the epoch is a date"))
}

/// The date used as "due" when no deadline is set: nothing is ever overdue.
fn no_deadline() -> Date {
    Date::from_ymd(9999, 12, 31).expect("a valid date")
}

// ---------------------------------------------------------------------------------------------
// From stored rows to the impact model.

fn corrupt(what: &str, error: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} unreadable: {error}").into())
}

/// The due date of an assembly's responses, if a deadline is set.
pub fn due_date(settings: Option<&Settings>) -> Result<Option<Date>, AppError> {
    let Some(settings) = settings else {
        return Ok(None);
    };
    let report = Date::parse(&settings.final_report_on).map_err(|e| corrupt("date", e))?;
    let weeks = u16::try_from(settings.response_weeks).map_err(|e| corrupt("weeks", e))?;
    let commitment = Commitment::respond_within_weeks(weeks).map_err(|e| corrupt("weeks", e))?;
    Ok(Some(
        commitment
            .due_date(report)
            .map_err(|e| corrupt("date", e))?,
    ))
}

/// Turns stored recommendations into the `impact` model. A recommendation without a measured support counts as 0%.
pub fn to_model(tracked: &[Tracked], due: Option<Date>) -> Result<Vec<Recommendation>, AppError> {
    let due = due.unwrap_or_else(no_deadline);
    tracked
        .iter()
        .map(|item| {
            let fields = &item.recommendation.fields;
            let support = Support::from_basis_points(fields.support_bp.unwrap_or(0))
                .map_err(|e| corrupt("support", e))?;
            let mut model = Recommendation::new(
                &fields.reference,
                &fields.title,
                &fields.theme,
                support,
                due,
            )
            .map_err(|e| corrupt("recommendation", e))?
            .with_text(&fields.body);
            if let Some(response) = &item.response {
                let kind =
                    ResponseKind::parse(&response.kind).map_err(|e| corrupt("response", e))?;
                let source = Link::parse(&response.source_url).map_err(|e| corrupt("link", e))?;
                let date = Date::parse(&response.responded_on).map_err(|e| corrupt("date", e))?;
                model = model.with_response(
                    ImpactResponse::new(kind, &response.justification, source, date)
                        .map_err(|e| corrupt("response", e))?,
                );
            }
            if let Some(judgement) = &item.fidelity {
                let fidelity =
                    Fidelity::parse(&judgement.fidelity).map_err(|e| corrupt("fidelity", e))?;
                let judge = if judgement.judge == "members" {
                    Judge::Members
                } else {
                    Judge::OversightGroup
                };
                let date = Date::parse(&judgement.judged_on).map_err(|e| corrupt("date", e))?;
                model = model.with_fidelity(
                    FidelityJudgement::new(fidelity, judge, &judgement.reasons, date)
                        .map_err(|e| corrupt("fidelity", e))?
                        .with_enacted_text(&judgement.enacted_text),
                );
            }
            for milestone in &item.milestones {
                let kind = match milestone.kind.as_str() {
                    "bill" => MilestoneKind::Bill,
                    "regulation" => MilestoneKind::Regulation,
                    "budget_line" => MilestoneKind::BudgetLine,
                    _ => MilestoneKind::Other,
                };
                model = model.with_milestone(
                    Milestone::new(
                        Date::parse(&milestone.happened_on).map_err(|e| corrupt("date", e))?,
                        &milestone.description,
                        Link::parse(&milestone.evidence_url).map_err(|e| corrupt("link", e))?,
                        kind,
                    )
                    .map_err(|e| corrupt("milestone", e))?,
                );
            }
            Ok(model)
        })
        .collect()
}

/// Everything the scorecard pages need.
pub struct Loaded {
    /// The assembly.
    pub record: store::assemblies::AssemblyRecord,
    /// The deadline, if set.
    pub settings: Option<Settings>,
    /// The due date, if a deadline is set.
    pub due: Option<Date>,
    /// The stored recommendations with what became of them.
    pub tracked: Vec<Tracked>,
    /// The scorecard as of today.
    pub scorecard: Scorecard,
}

/// Loads an assembly's recommendations and computes its scorecard as of `as_of`.
pub async fn load(state: &AppState, assembly_id: i64, as_of: Date) -> Result<Loaded, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let settings = store::impact::settings(&mut connection, assembly_id).await?;
    let tracked = store::impact::tracked(&mut connection, assembly_id).await?;
    drop(connection);
    let due = due_date(settings.as_ref())?;
    let model = to_model(&tracked, due)?;
    let scorecard = Scorecard::compute(&model, as_of).map_err(|e| corrupt("scorecard", e))?;
    Ok(Loaded {
        record,
        settings,
        due,
        tracked,
        scorecard,
    })
}

// ---------------------------------------------------------------------------------------------
// Validation helpers: every message starts with the field's label.

fn field_error(template: &str, field: &str) -> String {
    template.replace("{field}", field)
}

fn required_text(
    errors: &mut Vec<String>,
    t: &ImpactMessages,
    label: &str,
    value: &str,
    max: usize,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push(field_error(t.err_required, label));
    } else if value.chars().count() > max {
        errors.push(field_error(t.err_too_long, label));
    }
    value.to_owned()
}

fn optional_text(
    errors: &mut Vec<String>,
    t: &ImpactMessages,
    label: &str,
    value: &str,
    max: usize,
) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        errors.push(field_error(t.err_too_long, label));
    }
    value.to_owned()
}

fn date_field(errors: &mut Vec<String>, t: &ImpactMessages, label: &str, value: &str) -> String {
    match Date::parse(value.trim()) {
        Ok(date) => date.to_string(),
        Err(_) => {
            errors.push(field_error(t.err_date, label));
            String::new()
        }
    }
}

fn link_field(errors: &mut Vec<String>, t: &ImpactMessages, label: &str, value: &str) -> String {
    match Link::parse(value.trim()) {
        Ok(link) => link.as_str().to_owned(),
        Err(_) => {
            errors.push(field_error(t.err_link, label));
            String::new()
        }
    }
}

fn choice(
    errors: &mut Vec<String>,
    t: &ImpactMessages,
    label: &str,
    codes: &[&'static str],
    value: &str,
) -> &'static str {
    match index_of(codes, value.trim()) {
        Some(i) => codes[i],
        None => {
            errors.push(field_error(
                if value.trim().is_empty() {
                    t.err_required
                } else {
                    t.err_malformed
                },
                label,
            ));
            ""
        }
    }
}

fn audit_change(
    viewer: &Viewer,
    action: &'static str,
    entity: String,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> (Option<i64>, &'static str, String, Option<String>, String) {
    (
        viewer.account.as_ref().map(|a| a.id),
        action,
        entity,
        before.map(|b| b.to_string()),
        after.to_string(),
    )
}

async fn audit(
    tx: &mut store::Tx,
    change: (Option<i64>, &'static str, String, Option<String>, String),
    now: i64,
) -> Result<(), AppError> {
    let (actor_account_id, action, entity, before, after) = change;
    store::audit::append(
        tx,
        &store::audit::Change {
            actor_account_id,
            action,
            entity: &entity,
            before_json: before.as_deref(),
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Runs `write` in a new transaction together with the audit entry of what it did (the `before` and `after` it
/// returns), and commits both at once: the handlers' one way to record a change.
async fn audited(
    state: &AppState,
    viewer: &Viewer,
    action: &'static str,
    entity: String,
    write: impl AsyncFnOnce(
        &mut store::Tx,
        i64,
    ) -> Result<(Option<serde_json::Value>, serde_json::Value), AppError>,
) -> Result<(), AppError> {
    let now = now();
    let mut tx = state.store.begin().await?;
    let (before, after) = write(&mut tx, now).await?;
    audit(
        &mut tx,
        audit_change(viewer, action, entity, before, after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Views.

/// One option of a select or radio group.
pub struct Choice {
    /// The value.
    pub value: &'static str,
    /// The label.
    pub label: &'static str,
    /// Whether it is selected.
    pub selected: bool,
}

fn choices(codes: &[&'static str], labels: &[&'static str], selected: &str) -> Vec<Choice> {
    codes
        .iter()
        .zip(labels)
        .map(|(value, label)| Choice {
            value,
            label,
            selected: *value == selected,
        })
        .collect()
}

/// A count with its share, as shown in the scorecard tables.
pub struct CountView {
    /// The translated label.
    pub label: &'static str,
    /// The count.
    pub count: u64,
    /// The share, e.g. `10%`.
    pub share: String,
}

fn share_text(share: impact::Share) -> String {
    share
        .percent()
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "–".to_owned())
}

/// A recommendation in a table.
pub struct RowView {
    /// The stored id.
    pub id: i64,
    /// The reference.
    pub reference: String,
    /// The title.
    pub title: String,
    /// The theme.
    pub theme: String,
    /// The support, e.g. `96.5%`.
    pub support: String,
    /// The translated response.
    pub response: &'static str,
    /// The translated fidelity.
    pub fidelity: &'static str,
    /// The translated timeliness.
    pub status: &'static str,
    /// Whether it is overdue.
    pub overdue: bool,
    /// The due date, or empty.
    pub due: String,
}

fn row_views(loaded: &Loaded, t: &ImpactMessages) -> Vec<RowView> {
    loaded
        .scorecard
        .rows()
        .iter()
        .zip(&loaded.tracked)
        .map(|(row, item)| RowView {
            id: item.recommendation.id,
            reference: row.reference.clone(),
            title: row.title.clone(),
            theme: row.theme.clone(),
            support: if item.recommendation.fields.support_bp.is_some() {
                row.support.to_string()
            } else {
                "–".to_owned()
            },
            response: t.responses[response_index(row.response)],
            fidelity: t.fidelities[fidelity_index(row.fidelity)],
            status: t.timeliness[timeliness_index(row.status)],
            overdue: row.status == Timeliness::Overdue,
            due: loaded.due.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect()
}

/// The figures of a scorecard, translated.
pub struct Figures {
    /// The headline sentence.
    pub headline: String,
    /// The date of the scorecard.
    pub as_of: String,
    /// Counts by response.
    pub responses: Vec<CountView>,
    /// Counts by fidelity.
    pub fidelities: Vec<CountView>,
    /// Counts by timeliness.
    pub timeliness: Vec<CountView>,
    /// The cherry-picking summary.
    pub cherry_picking: String,
    /// The image (standalone SVG, inlined).
    pub svg: String,
}

fn figures(scorecard: &Scorecard, t: &ImpactMessages) -> Figures {
    Figures {
        headline: scorecard.headline(),
        as_of: scorecard.as_of().to_string(),
        responses: ResponseKind::ALL
            .iter()
            .map(|kind| {
                let share = scorecard.by_response(*kind);
                CountView {
                    label: t.responses[response_index(*kind)],
                    count: share.part,
                    share: share_text(share),
                }
            })
            .collect(),
        fidelities: Fidelity::ALL
            .iter()
            .map(|fidelity| {
                let share = scorecard.by_fidelity(*fidelity);
                CountView {
                    label: t.fidelities[fidelity_index(*fidelity)],
                    count: share.part,
                    share: share_text(share),
                }
            })
            .collect(),
        timeliness: Timeliness::ALL
            .iter()
            .map(|status| {
                let share = scorecard.by_timeliness(*status);
                CountView {
                    label: t.timeliness[timeliness_index(*status)],
                    count: share.part,
                    share: share_text(share),
                }
            })
            .collect(),
        cherry_picking: scorecard.cherry_picking().summary(),
        svg: impact::scorecard_svg(scorecard),
    }
}

// ---------------------------------------------------------------------------------------------
// The public scorecard and its exports.

/// The public scorecard page.
#[derive(Template)]
#[template(path = "impact_scorecard.html")]
pub struct ScorecardPage {
    /// Chrome.
    pub c: Chrome,
    /// The impact messages.
    pub t: &'static ImpactMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The commissioning authority.
    pub authority: String,
    /// Whether the data are illustrative.
    pub illustrative: bool,
    /// The due date, or empty when no deadline is set.
    pub due: String,
    /// The figures.
    pub f: Figures,
    /// The overdue recommendations.
    pub overdue: Vec<RowView>,
    /// Every recommendation.
    pub rows: Vec<RowView>,
}

/// `GET /assemblies/{id}/scorecard`: the public scorecard.
pub async fn scorecard_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let loaded = load(&state, assembly_id, today()).await?;
    let rows = row_views(&loaded, t);
    let overdue = row_views(&loaded, t)
        .into_iter()
        .filter(|row| row.overdue)
        .collect();
    let page = ScorecardPage {
        c: Chrome::new(&viewer, t.scorecard_title),
        t,
        assembly_id,
        title: loaded.record.title.clone(),
        authority: loaded.record.authority.clone(),
        illustrative: loaded.settings.as_ref().is_some_and(|s| s.illustrative),
        due: loaded.due.map(|d| d.to_string()).unwrap_or_default(),
        f: figures(&loaded.scorecard, t),
        overdue,
        rows,
    };
    render(StatusCode::OK, &page)
}

/// `GET /assemblies/{id}/scorecard.svg`: the embeddable image.
pub async fn scorecard_svg(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let loaded = load(&state, assembly_id, today()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        impact::scorecard_svg(&loaded.scorecard),
    )
        .into_response())
}

/// `GET /assemblies/{id}/scorecard.csv`: one line per recommendation.
pub async fn scorecard_csv(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let loaded = load(&state, assembly_id, today()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"scorecard.csv\"",
            ),
        ],
        impact::scorecard_csv(&loaded.scorecard),
    )
        .into_response())
}

/// The scorecard as JSON (the same figures as the page and the CSV).
pub fn scorecard_json_value(loaded: &Loaded) -> serde_json::Value {
    let scorecard = &loaded.scorecard;
    let share = |share: impact::Share| serde_json::json!({ "count": share.part, "of": share.whole, "percent": share.percent() });
    let cherry = scorecard.cherry_picking();
    serde_json::json!({
        "assembly_id": loaded.record.id,
        "assembly": loaded.record.title,
        "authority": loaded.record.authority,
        "as_of": scorecard.as_of().to_string(),
        "due": loaded.due.map(|d| d.to_string()),
        "illustrative": loaded.settings.as_ref().is_some_and(|s| s.illustrative),
        "headline": scorecard.headline(),
        "total": scorecard.total(),
        "fully_taken_up": share(scorecard.fully_taken_up()),
        "by_response": ResponseKind::ALL.iter().map(|k| (k.label().to_owned(), share(scorecard.by_response(*k)))).collect::<serde_json::Map<_, _>>(),
        "by_fidelity": Fidelity::ALL.iter().map(|f| (f.label().to_owned(), share(scorecard.by_fidelity(*f)))).collect::<serde_json::Map<_, _>>(),
        "by_timeliness": Timeliness::ALL.iter().map(|s| (s.label().to_owned(), share(scorecard.by_timeliness(*s)))).collect::<serde_json::Map<_, _>>(),
        "cherry_picking": {
            "summary": cherry.summary(),
            "gap_points": cherry.gap_points(),
            "favours_less_supported": cherry.favours_less_supported(),
        },
        "recommendations": scorecard.rows().iter().map(|row| serde_json::json!({
            "reference": row.reference,
            "title": row.title,
            "theme": row.theme,
            "support": row.support.to_string(),
            "response": row.response.label(),
            "fidelity": row.fidelity.label(),
            "due": row.due.to_string(),
            "responded": row.responded.map(|d| d.to_string()),
            "status": row.status.label(),
            "fully_taken_up": row.fully_taken_up,
        })).collect::<Vec<_>>(),
    })
}

/// `GET /assemblies/{id}/scorecard.json`.
pub async fn scorecard_json(
    State(state): State<AppState>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let loaded = load(&state, assembly_id, today()).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        scorecard_json_value(&loaded).to_string(),
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// The staff list: deadline, recommendations, entering and importing.

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

/// The form to enter one recommendation.
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

/// The import form.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    /// The CSV text.
    #[serde(default)]
    pub csv: String,
}

/// The staff list of an assembly's recommendations.
#[derive(Template)]
#[template(path = "impact_list.html")]
pub struct ListPage {
    /// Chrome.
    pub c: Chrome,
    /// The impact messages.
    pub t: &'static ImpactMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The headline.
    pub headline: String,
    /// The due date, or empty.
    pub due: String,
    /// Every recommendation.
    pub rows: Vec<RowView>,
    /// Whether the viewer may set the deadline and enter recommendations.
    pub can_manage: bool,
    /// Whether the viewer may opt in to follow-up.
    pub can_advocate: bool,
    /// Whether the viewer is in the follow-up.
    pub is_advocate: bool,
    /// Whether the change was saved.
    pub saved: bool,
    /// Errors of the form that failed.
    pub errors: Vec<String>,
    /// Which form failed (`settings`, `add`, `import`).
    pub failed: &'static str,
    /// The deadline form as typed.
    pub settings: SettingsForm,
    /// The recommendation form as typed.
    pub add: RecommendationForm,
    /// Route options.
    pub routes: Vec<Choice>,
    /// The import text as typed.
    pub import: String,
}

/// Query of pages that confirm a change.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    /// Set after a successful change.
    pub saved: Option<String>,
}

struct ListState {
    errors: Vec<String>,
    failed: &'static str,
    settings: Option<SettingsForm>,
    add: RecommendationForm,
    import: String,
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    saved: bool,
    form: ListState,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let loaded = load(state, assembly_id, today()).await?;
    let is_advocate = match viewer.account.as_ref() {
        Some(account) => {
            let mut connection = state.store.connection().await?;
            store::impact::is_advocate(&mut connection, assembly_id, account.id).await?
        }
        None => false,
    };
    let settings = form.settings.unwrap_or_else(|| SettingsForm {
        final_report_on: loaded
            .settings
            .as_ref()
            .map(|s| s.final_report_on.clone())
            .unwrap_or_default(),
        response_weeks: loaded
            .settings
            .as_ref()
            .map(|s| s.response_weeks.to_string())
            .unwrap_or_default(),
        illustrative: loaded
            .settings
            .as_ref()
            .filter(|s| s.illustrative)
            .map(|_| "yes".to_owned()),
    });
    let route = if form.add.route.is_empty() {
        "law".to_owned()
    } else {
        form.add.route.clone()
    };
    let page = ListPage {
        c: Chrome::new(viewer, t.impact_title),
        t,
        assembly_id,
        title: loaded.record.title.clone(),
        headline: loaded.scorecard.headline(),
        due: loaded.due.map(|d| d.to_string()).unwrap_or_default(),
        rows: row_views(&loaded, t),
        can_manage: allowed(viewer.role, Action::ManageImpact),
        can_advocate: allowed(viewer.role, Action::Advocate),
        is_advocate,
        saved,
        errors: form.errors,
        failed: form.failed,
        settings,
        add: form.add,
        routes: choices(
            &["law", "regulation", "referendum", "other"],
            &t.routes,
            &route,
        ),
        import: form.import,
    };
    render(status, &page)
}

fn empty_list_state() -> ListState {
    ListState {
        errors: Vec::new(),
        failed: "",
        settings: None,
        add: RecommendationForm::default(),
        import: String::new(),
    }
}

/// `GET /staff/assemblies/{id}/impact`.
pub async fn list(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    list_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        query.saved.is_some(),
        empty_list_state(),
    )
    .await
}

/// `POST /staff/assemblies/{id}/impact/settings`: the final report date and the response weeks.
pub async fn save_settings(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let final_report_on = date_field(&mut errors, t, t.final_report_label, &form.final_report_on);
    let weeks = form
        .response_weeks
        .trim()
        .parse::<u16>()
        .ok()
        .and_then(|w| Commitment::respond_within_weeks(w).ok());
    if weeks.is_none() {
        errors.push(field_error(t.err_weeks, t.weeks_label));
    }
    let (Some(weeks), true) = (weeks, errors.is_empty()) else {
        return list_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            ListState {
                errors,
                failed: "settings",
                settings: Some(form),
                ..empty_list_state()
            },
        )
        .await;
    };
    let settings = Settings {
        final_report_on,
        response_weeks: i64::from(weeks.response_weeks()),
        illustrative: form.illustrative.is_some(),
    };
    audited(&state, &viewer, "impact.settings", format!("assembly:{assembly_id}"), async |tx, now| {
        store::impact::set_settings(tx, assembly_id, &settings, now).await?;
        Ok((None, serde_json::json!({ "final_report_on": settings.final_report_on, "response_weeks": settings.response_weeks, "illustrative": settings.illustrative })))
    })
    .await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/impact?saved=1")).into_response())
}

fn check_recommendation(
    t: &ImpactMessages,
    form: &RecommendationForm,
    mut error: impl FnMut(&'static str, String),
) -> Option<NewRecommendation> {
    let mut errors = Vec::new();
    let reference = required_text(&mut errors, t, t.reference_label, &form.reference, 40);
    errors.drain(..).for_each(|e| error("reference", e));
    let title = required_text(&mut errors, t, t.title_label, &form.title, 300);
    errors.drain(..).for_each(|e| error("title", e));
    let theme = required_text(&mut errors, t, t.theme_label, &form.theme, 100);
    errors.drain(..).for_each(|e| error("theme", e));
    let support_bp = if form.support.trim().is_empty() {
        None
    } else {
        match Support::parse(&form.support) {
            Ok(support) => Some(support.basis_points()),
            Err(_) => {
                error("support", field_error(t.err_support, t.support_label));
                None
            }
        }
    };
    let route = if form.route.trim().is_empty() {
        Some(Route::Other)
    } else {
        Route::parse(&form.route)
    };
    if route.is_none() {
        error("route", field_error(t.err_malformed, t.route_label));
    }
    let body = optional_text(&mut errors, t, t.body_label, &form.body, 20_000);
    errors.drain(..).for_each(|e| error("body", e));
    let ok = !reference.is_empty()
        && !title.is_empty()
        && !theme.is_empty()
        && route.is_some()
        && (form.support.trim().is_empty() || support_bp.is_some())
        && form.title.trim().chars().count() <= 300
        && form.reference.trim().chars().count() <= 40
        && form.theme.trim().chars().count() <= 100
        && form.body.trim().chars().count() <= 20_000;
    ok.then(|| NewRecommendation {
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

/// `POST /staff/assemblies/{id}/impact/recommendations`: enters one recommendation.
pub async fn add_recommendation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<RecommendationForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let checked = check_recommendation(t, &form, |_, e| errors.push(e));
    let now = now();
    let outcome = match checked {
        Some(new) => {
            let mut tx = state.store.begin().await?;
            match store::recommendations::create(&mut tx, assembly_id, &new, now).await {
                Ok(id) => {
                    let change = audit_change(
                        &viewer,
                        "recommendation.create",
                        format!("recommendation:{id}"),
                        None,
                        serde_json::json!({ "assembly_id": assembly_id, "reference": new.reference }),
                    );
                    audit(&mut tx, change, now).await?;
                    tx.commit().await?;
                    None
                }
                Err(store::StoreError::Conflict { .. }) => {
                    Some(vec![field_error(t.err_duplicate, t.reference_label)])
                }
                Err(error) => return Err(error.into()),
            }
        }
        None => Some(errors),
    };
    match outcome {
        None => Ok(
            Redirect::to(&format!("/staff/assemblies/{assembly_id}/impact?saved=1"))
                .into_response(),
        ),
        Some(errors) => {
            list_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                ListState {
                    errors,
                    failed: "add",
                    add: form,
                    ..empty_list_state()
                },
            )
            .await
        }
    }
}

/// The columns of the recommendations CSV.
pub const IMPORT_COLUMNS: [&str; 6] = ["reference", "title", "theme", "support", "route", "body"];
const IMPORT_REQUIRED: [bool; 6] = [true, true, true, false, false, false];
/// The most recommendations one import takes.
pub const MAX_IMPORT: usize = 2_000;

/// Reads a recommendations CSV (a header row naming [`IMPORT_COLUMNS`], any order, optional ones may be missing).
/// Every problem is reported as "Line L, column C: ..." and any problem refuses the whole file.
pub fn parse_import(
    text: &str,
    t: &ImpactMessages,
    existing: &[String],
) -> Result<Vec<NewRecommendation>, Vec<String>> {
    let at = |line: u64, column: usize, error: String| {
        t.err_cell
            .replace("{line}", &line.to_string())
            .replace("{column}", &column.to_string())
            .replace("{error}", &error)
    };
    // Browsers send a textarea's lines ending in CR LF; read them as LF so line numbers count from the header.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => {
            return Err(vec![at(1, 1, field_error(t.err_required, t.import_label))]);
        }
    };
    let mut errors = Vec::new();
    let mut position: [Option<usize>; 6] = [None; 6];
    for (index, name) in header.iter().enumerate() {
        match IMPORT_COLUMNS.iter().position(|c| *c == name.trim()) {
            Some(known) if position[known].is_none() => position[known] = Some(index),
            _ => errors.push(at(1, index + 1, field_error(t.err_malformed, name.trim()))),
        }
    }
    for (known, column) in IMPORT_COLUMNS.iter().enumerate() {
        if position[known].is_none() && IMPORT_REQUIRED[known] {
            errors.push(at(1, header.len() + 1, field_error(t.err_required, column)));
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
                errors.push(at(line, 1, field_error(t.err_malformed, "csv")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_IMPORT {
            errors.push(at(line, 1, field_error(t.err_too_long, "csv")));
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
        let mut line_errors = Vec::new();
        let checked = check_recommendation(t, &form, |field, error| {
            let known = IMPORT_COLUMNS.iter().position(|c| *c == field).unwrap_or(0);
            line_errors.push(at(line, column(known), error));
        });
        errors.extend(line_errors);
        if let Some(new) = checked {
            if !seen.insert(new.reference.clone()) {
                errors.push(at(
                    line,
                    column(0),
                    field_error(t.err_duplicate, t.reference_label),
                ));
            } else {
                rows.push(new);
            }
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// `POST /staff/assemblies/{id}/impact/import`: all or nothing, in one transaction.
pub async fn import(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<ImportForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut connection = state.store.connection().await?;
    let existing: Vec<String> = store::recommendations::list(&mut connection, assembly_id)
        .await?
        .into_iter()
        .map(|row| row.fields.reference)
        .collect();
    drop(connection);
    let parsed = match parse_import(&form.csv, t, &existing) {
        Ok(rows) if rows.is_empty() => Err(vec![field_error(t.err_required, t.import_label)]),
        other => other,
    };
    let rows = match parsed {
        Ok(rows) => rows,
        Err(errors) => {
            return list_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                ListState {
                    errors: errors.into_iter().take(30).collect(),
                    failed: "import",
                    import: form.csv,
                    ..empty_list_state()
                },
            )
            .await;
        }
    };
    audited(
        &state,
        &viewer,
        "recommendations.import",
        format!("assembly:{assembly_id}"),
        async |tx, now| {
            let mut ids = Vec::with_capacity(rows.len());
            for row in &rows {
                ids.push(store::recommendations::create(tx, assembly_id, row, now).await?);
            }
            Ok((
                None,
                serde_json::json!({ "imported": ids.len(), "recommendation_ids": ids }),
            ))
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/impact?saved=1")).into_response())
}

// ---------------------------------------------------------------------------------------------
// One recommendation: response, milestones, fidelity, strategy, advocacy.

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

/// Every form of the detail page as typed (all empty but the one that failed).
#[derive(Default)]
pub struct DetailForms {
    /// Response.
    pub response: ResponseForm,
    /// Milestone.
    pub milestone: MilestoneForm,
    /// Fidelity.
    pub fidelity: FidelityForm,
    /// Tactic.
    pub tactic: TacticForm,
    /// Ally.
    pub ally: AllyForm,
    /// Actor.
    pub actor: ActorForm,
    /// Material.
    pub material: MaterialForm,
    /// Action.
    pub action: ActionForm,
}

/// A line of text with a label, for lists on the detail page.
pub struct Item {
    /// The main text.
    pub text: String,
    /// Details (translated labels, dates).
    pub meta: String,
    /// A link, or empty.
    pub link: String,
}

/// The detail page of one recommendation.
#[derive(Template)]
#[template(path = "impact_detail.html")]
pub struct DetailPage {
    /// Chrome.
    pub c: Chrome,
    /// The impact messages.
    pub t: &'static ImpactMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The recommendation id.
    pub id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The reference.
    pub reference: String,
    /// The title.
    pub title: String,
    /// Theme, support, timeliness as one line.
    pub facts: String,
    /// Whether the response is overdue.
    pub overdue: bool,
    /// The recommended text.
    pub body: String,
    /// The enacted text, or empty.
    pub enacted: String,
    /// The response, if any.
    pub response: Option<Item>,
    /// The justification of the response.
    pub justification: String,
    /// The milestones.
    pub milestones: Vec<Item>,
    /// The fidelity judgement, if any.
    pub fidelity: Option<Item>,
    /// The tactics (strategy roles only).
    pub tactics: Vec<Item>,
    /// The allies (strategy roles only).
    pub allies: Vec<Item>,
    /// The power map (strategy roles only).
    pub actors: Vec<Item>,
    /// The power map picture (inline SVG), or empty.
    pub power_svg: String,
    /// The material.
    pub material: Vec<Item>,
    /// The members' actions (strategy roles only).
    pub actions: Vec<Item>,
    /// May record responses and milestones.
    pub can_respond: bool,
    /// May judge fidelity.
    pub can_judge: bool,
    /// May see the strategy.
    pub can_view_strategy: bool,
    /// May add to the strategy.
    pub can_plan: bool,
    /// May add material.
    pub can_manage: bool,
    /// May log actions.
    pub can_advocate: bool,
    /// Whether the last change was saved.
    pub saved: bool,
    /// Errors of the form that failed.
    pub errors: Vec<String>,
    /// Which form failed.
    pub failed: &'static str,
    /// The forms as typed.
    pub f: DetailForms,
    /// Response kind options.
    pub response_kinds: Vec<Choice>,
    /// Milestone kind options.
    pub milestone_kinds: Vec<Choice>,
    /// Fidelity options.
    pub fidelities: Vec<Choice>,
    /// Arena options.
    pub arenas: Vec<Choice>,
    /// Tactic kind options.
    pub tactic_kinds: Vec<Choice>,
    /// Tactic status options.
    pub tactic_statuses: Vec<Choice>,
    /// Ally kind options.
    pub ally_kinds: Vec<Choice>,
    /// Actor role options.
    pub actor_roles: Vec<Choice>,
    /// Visibility options.
    pub visibilities: Vec<Choice>,
    /// Stance options.
    pub stances: Vec<Choice>,
    /// Material kind options.
    pub material_kinds: Vec<Choice>,
}

const STANCE_CODES: [&str; 5] = ["-2", "-1", "0", "1", "2"];

#[allow(clippy::too_many_arguments)]
async fn detail_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    recommendation_id: i64,
    status: StatusCode,
    saved: bool,
    errors: Vec<String>,
    failed: &'static str,
    f: DetailForms,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let loaded = load(state, assembly_id, today()).await?;
    let position = loaded
        .tracked
        .iter()
        .position(|item| item.recommendation.id == recommendation_id)
        .ok_or(AppError::NotFound)?;
    let item = &loaded.tracked[position];
    let row = &loaded.scorecard.rows()[position];
    let can_view_strategy = allowed(viewer.role, Action::ViewStrategy);
    let mut connection = state.store.connection().await?;
    let (strategy, actions) = if can_view_strategy {
        (
            store::impact::strategy(&mut connection, assembly_id, recommendation_id).await?,
            store::impact::actions(&mut connection, assembly_id, recommendation_id).await?,
        )
    } else {
        (store::impact::Strategy::default(), Vec::new())
    };
    let material = store::impact::material(&mut connection, assembly_id, recommendation_id).await?;
    drop(connection);

    let fields = &item.recommendation.fields;
    let support = match fields.support_bp {
        Some(_) => row.support.to_string(),
        None => "–".to_owned(),
    };
    let facts = format!(
        "{}: {} · {}: {} · {}: {}{}",
        t.theme_col,
        fields.theme,
        t.support_col,
        support,
        t.status_col,
        t.timeliness[timeliness_index(row.status)],
        loaded
            .due
            .map(|d| format!(" · {}: {d}", t.due_col))
            .unwrap_or_default(),
    );
    let response = item.response.as_ref().map(|r| Item {
        text: label(&RESPONSE_CODES, &t.responses, &r.kind).to_owned(),
        meta: format!(
            "{} {} · {}",
            t.responded_on,
            r.responded_on,
            if r.on_behalf {
                t.on_behalf
            } else {
                t.by_authority
            }
        ),
        link: r.source_url.clone(),
    });
    let milestones = item
        .milestones
        .iter()
        .map(|m| Item {
            text: m.description.clone(),
            meta: format!(
                "{} · {}",
                m.happened_on,
                label(&MILESTONE_CODES, &t.milestone_kinds, &m.kind)
            ),
            link: m.evidence_url.clone(),
        })
        .collect();
    let fidelity = item.fidelity.as_ref().map(|j| Item {
        text: format!(
            "{} — {}",
            label(&FIDELITY_CODES, &t.fidelities, &j.fidelity),
            j.reasons
        ),
        meta: format!(
            "{} {} · {}",
            t.judged_by,
            if j.judge == "members" {
                t.judges[1]
            } else {
                t.judges[0]
            },
            j.judged_on
        ),
        link: String::new(),
    });
    let tactics = strategy
        .tactics
        .iter()
        .map(|x| Item {
            text: x.description.clone(),
            meta: format!(
                "{} · {} · {} · {}: {}{}",
                label(&ARENA_CODES, &t.arenas, &x.arena),
                label(&TACTIC_CODES, &t.tactic_kinds, &x.kind),
                label(&TACTIC_STATUS_CODES, &t.tactic_statuses, &x.status),
                t.lead_label,
                x.lead,
                if x.outcome.is_empty() {
                    String::new()
                } else {
                    format!(" · {}: {}", t.outcome_label, x.outcome)
                }
            ),
            link: String::new(),
        })
        .collect();
    let allies = strategy
        .allies
        .iter()
        .map(|a| Item {
            text: a.name.clone(),
            meta: format!(
                "{} · {}",
                label(&ALLY_CODES, &t.ally_kinds, &a.kind),
                a.note
            ),
            link: String::new(),
        })
        .collect();
    let actors: Vec<Item> = strategy
        .actors
        .iter()
        .map(|a| Item {
            text: a.name.clone(),
            meta: format!(
                "{} · {} · {}: {} · {}: {}",
                label(&ACTOR_ROLE_CODES, &t.actor_roles, &a.actor_role),
                label(&VISIBILITY_CODES, &t.visibilities, &a.visibility),
                t.stance_label,
                label(&STANCE_CODES, &t.stances, &a.stance.to_string()),
                t.influence_label,
                a.influence
            ),
            link: String::new(),
        })
        .collect();
    let power_svg = if strategy.actors.is_empty() {
        String::new()
    } else {
        power_map_svg(&strategy.actors, t)
    };
    let material = material
        .iter()
        .map(|m| Item {
            text: m.body.clone(),
            meta: label(&MATERIAL_CODES, &t.material_kinds, &m.kind).to_owned(),
            link: m.link.clone(),
        })
        .collect();
    let actions = actions
        .iter()
        .map(|a| Item {
            text: a.description.clone(),
            meta: format!("{} · {}", a.happened_on, a.display_name),
            link: String::new(),
        })
        .collect();
    let page = DetailPage {
        c: Chrome::new(viewer, format!("{} {}", fields.reference, fields.title)),
        t,
        assembly_id,
        id: recommendation_id,
        assembly_title: loaded.record.title.clone(),
        reference: fields.reference.clone(),
        title: fields.title.clone(),
        facts,
        overdue: row.status == Timeliness::Overdue,
        body: fields.body.clone(),
        enacted: item
            .fidelity
            .as_ref()
            .map(|j| j.enacted_text.clone())
            .unwrap_or_default(),
        response,
        justification: item
            .response
            .as_ref()
            .map(|r| r.justification.clone())
            .unwrap_or_default(),
        milestones,
        fidelity,
        tactics,
        allies,
        actors,
        power_svg,
        material,
        actions,
        can_respond: allowed(viewer.role, Action::RespondToRecommendations),
        can_judge: allowed(viewer.role, Action::JudgeFidelity),
        can_view_strategy,
        can_plan: allowed(viewer.role, Action::PlanStrategy),
        can_manage: allowed(viewer.role, Action::ManageImpact),
        can_advocate: allowed(viewer.role, Action::Advocate),
        saved,
        errors,
        failed,
        response_kinds: choices(&RESPONSE_CODES, &t.responses[..4], &f.response.kind),
        milestone_kinds: choices(&MILESTONE_CODES, &t.milestone_kinds, &f.milestone.kind),
        fidelities: choices(&FIDELITY_CODES, &t.fidelities[..4], &f.fidelity.fidelity),
        arenas: choices(&ARENA_CODES, &t.arenas, &f.tactic.arena),
        tactic_kinds: choices(&TACTIC_CODES, &t.tactic_kinds, &f.tactic.kind),
        tactic_statuses: choices(&TACTIC_STATUS_CODES, &t.tactic_statuses, &f.tactic.status),
        ally_kinds: choices(&ALLY_CODES, &t.ally_kinds, &f.ally.kind),
        actor_roles: choices(&ACTOR_ROLE_CODES, &t.actor_roles, &f.actor.actor_role),
        visibilities: choices(&VISIBILITY_CODES, &t.visibilities, &f.actor.visibility),
        stances: choices(
            &STANCE_CODES,
            &t.stances,
            if f.actor.stance.is_empty() {
                "0"
            } else {
                &f.actor.stance
            },
        ),
        material_kinds: choices(&MATERIAL_CODES, &t.material_kinds, &f.material.kind),
        f,
    };
    render(status, &page)
}

/// `GET /staff/assemblies/{id}/impact/recommendations/{rid}`.
pub async fn detail(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    detail_page(
        &state,
        &viewer,
        assembly_id,
        recommendation_id,
        StatusCode::OK,
        query.saved.is_some(),
        Vec::new(),
        "",
        DetailForms::default(),
    )
    .await
}

fn saved_detail(assembly_id: i64, recommendation_id: i64, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}?saved=1#{anchor}"
    ))
    .into_response()
}

async fn refused(
    state: &AppState,
    viewer: &Viewer,
    ids: (i64, i64),
    errors: Vec<String>,
    failed: &'static str,
    f: DetailForms,
) -> Result<Response, AppError> {
    detail_page(
        state,
        viewer,
        ids.0,
        ids.1,
        StatusCode::UNPROCESSABLE_ENTITY,
        false,
        errors,
        failed,
        f,
    )
    .await
}

/// `POST .../response`: the authority's response (by the authority account, or by organisers on its behalf).
pub async fn record_response(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<ResponseForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let kind = choice(&mut errors, t, t.kind_label, &RESPONSE_CODES, &form.kind);
    let justification = optional_text(
        &mut errors,
        t,
        t.justification_label,
        &form.justification,
        10_000,
    );
    let source_url = link_field(&mut errors, t, t.source_label, &form.source_url);
    let responded_on = date_field(&mut errors, t, t.date_label, &form.responded_on);
    if !kind.is_empty() && kind != "full" && justification.is_empty() {
        errors.push(t.err_justification.to_owned());
    }
    if !errors.is_empty() {
        let f = DetailForms {
            response: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "response", f).await;
    }
    let (assembly_id, recommendation_id) = ids;
    let on_behalf = viewer.role != Role::Authority;
    let row = ResponseRow {
        kind: kind.to_owned(),
        justification,
        source_url,
        responded_on,
        recorded_by: viewer.account.as_ref().map(|a| a.id),
        on_behalf,
    };
    audited(&state, &viewer, "impact.response", format!("recommendation:{recommendation_id}"), async |tx, now| {
        let before =
            store::impact::set_response(tx, assembly_id, recommendation_id, &row, now).await?;
        Ok((before.map(|b| serde_json::json!({ "kind": b.kind, "responded_on": b.responded_on })), serde_json::json!({ "kind": row.kind, "responded_on": row.responded_on, "on_behalf": on_behalf })))
    })
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "response"))
}

/// `POST .../milestones`.
pub async fn add_milestone(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<MilestoneForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let happened_on = date_field(&mut errors, t, t.date_label, &form.happened_on);
    let kind = choice(&mut errors, t, t.kind_label, &MILESTONE_CODES, &form.kind);
    let description = required_text(
        &mut errors,
        t,
        t.description_label,
        &form.description,
        2_000,
    );
    let evidence_url = link_field(&mut errors, t, t.evidence_label, &form.evidence_url);
    if !errors.is_empty() {
        let f = DetailForms {
            milestone: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "milestone", f).await;
    }
    let (assembly_id, recommendation_id) = ids;
    let row = MilestoneRow {
        happened_on,
        kind: kind.to_owned(),
        description,
        evidence_url,
    };
    audited(&state, &viewer, "impact.milestone", format!("recommendation:{recommendation_id}"), async |tx, now| {
        let id = store::impact::add_milestone(
            tx,
            assembly_id,
            recommendation_id,
            &row,
            viewer.account.as_ref().map(|a| a.id),
            now,
        )
        .await?;
        Ok((None, serde_json::json!({ "milestone_id": id, "kind": row.kind, "happened_on": row.happened_on })))
    })
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "milestones"))
}

/// `POST .../fidelity`: by the oversight group (observers, administrators) or the members.
pub async fn judge_fidelity(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<FidelityForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let fidelity = choice(
        &mut errors,
        t,
        t.fidelity_col,
        &FIDELITY_CODES,
        &form.fidelity,
    );
    let reasons = required_text(&mut errors, t, t.reasons_label, &form.reasons, 10_000);
    let enacted_text = optional_text(&mut errors, t, t.enacted_label, &form.enacted_text, 20_000);
    let judged_on = date_field(&mut errors, t, t.date_label, &form.judged_on);
    if !errors.is_empty() {
        let f = DetailForms {
            fidelity: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "fidelity", f).await;
    }
    let (assembly_id, recommendation_id) = ids;
    let judge = if viewer.role == Role::Member {
        "members"
    } else {
        "oversight_group"
    };
    let row = FidelityRow {
        fidelity: fidelity.to_owned(),
        judge: judge.to_owned(),
        reasons,
        enacted_text,
        judged_on,
    };
    audited(&state, &viewer, "impact.fidelity", format!("recommendation:{recommendation_id}"), async |tx, now| {
        let before = store::impact::set_fidelity(
            tx,
            assembly_id,
            recommendation_id,
            &row,
            viewer.account.as_ref().map(|a| a.id),
            now,
        )
        .await?;
        Ok((before.map(|b| serde_json::json!({ "fidelity": b.fidelity, "judge": b.judge })), serde_json::json!({ "fidelity": row.fidelity, "judge": row.judge, "judged_on": row.judged_on })))
    })
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "fidelity"))
}

/// `POST .../tactics`.
pub async fn add_tactic(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<TacticForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let arena = choice(&mut errors, t, t.arena_label, &ARENA_CODES, &form.arena);
    let kind = choice(&mut errors, t, t.kind_label, &TACTIC_CODES, &form.kind);
    let description = required_text(
        &mut errors,
        t,
        t.description_label,
        &form.description,
        2_000,
    );
    let lead = required_text(&mut errors, t, t.lead_label, &form.lead, 200);
    let status = choice(
        &mut errors,
        t,
        t.tactic_status_label,
        &TACTIC_STATUS_CODES,
        &form.status,
    );
    let outcome = optional_text(&mut errors, t, t.outcome_label, &form.outcome, 2_000);
    if !errors.is_empty() {
        let f = DetailForms {
            tactic: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "tactic", f).await;
    }
    let (assembly_id, recommendation_id) = ids;
    let row = TacticRow {
        arena: arena.to_owned(),
        kind: kind.to_owned(),
        description,
        lead,
        status: status.to_owned(),
        outcome,
    };
    audited(&state, &viewer, "impact.tactic", format!("recommendation:{recommendation_id}"), async |tx, now| {
        let id = store::impact::add_tactic(tx, assembly_id, recommendation_id, &row, now).await?;
        Ok((None, serde_json::json!({ "tactic_id": id, "arena": row.arena, "kind": row.kind, "status": row.status })))
    })
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "strategy"))
}

/// `POST .../allies`.
pub async fn add_ally(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<AllyForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let name = required_text(&mut errors, t, t.name_label, &form.name, 200);
    let kind = choice(&mut errors, t, t.kind_label, &ALLY_CODES, &form.kind);
    let note = optional_text(&mut errors, t, t.note_label, &form.note, 2_000);
    if !errors.is_empty() {
        let f = DetailForms {
            ally: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "ally", f).await;
    }
    let (assembly_id, recommendation_id) = ids;
    let row = AllyRow {
        name,
        kind: kind.to_owned(),
        note,
    };
    audited(
        &state,
        &viewer,
        "impact.ally",
        format!("recommendation:{recommendation_id}"),
        async |tx, now| {
            let id = store::impact::add_ally(tx, assembly_id, recommendation_id, &row, now).await?;
            Ok((None, serde_json::json!({ "ally_id": id, "kind": row.kind })))
        },
    )
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "allies"))
}

/// `POST .../actors`: a decision-maker or influencer on the power map.
pub async fn add_actor(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<ActorForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let name = required_text(&mut errors, t, t.name_label, &form.name, 200);
    let actor_role = choice(
        &mut errors,
        t,
        t.actor_role_label,
        &ACTOR_ROLE_CODES,
        &form.actor_role,
    );
    let visibility = choice(
        &mut errors,
        t,
        t.visibility_label,
        &VISIBILITY_CODES,
        &form.visibility,
    );
    let stance = choice(&mut errors, t, t.stance_label, &STANCE_CODES, &form.stance);
    let influence = form
        .influence
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|i| (1..=5).contains(i));
    if influence.is_none() {
        errors.push(field_error(t.err_malformed, t.influence_label));
    }
    let (Some(influence), true) = (influence, errors.is_empty()) else {
        let f = DetailForms {
            actor: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "actor", f).await;
    };
    let (assembly_id, recommendation_id) = ids;
    let row = ActorRow {
        name,
        actor_role: actor_role.to_owned(),
        visibility: visibility.to_owned(),
        stance: stance.parse().unwrap_or(0),
        influence,
    };
    audited(&state, &viewer, "impact.actor", format!("recommendation:{recommendation_id}"), async |tx, now| {
        let id = store::impact::add_actor(tx, assembly_id, recommendation_id, &row, now).await?;
        Ok((None, serde_json::json!({ "actor_id": id, "actor_role": row.actor_role, "visibility": row.visibility, "stance": row.stance, "influence": row.influence })))
    })
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "power-map"))
}

/// `POST .../material`: a talking point or media-training material (organisers).
pub async fn add_material(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<MaterialForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut errors = Vec::new();
    let kind = choice(&mut errors, t, t.kind_label, &MATERIAL_CODES, &form.kind);
    let body = required_text(&mut errors, t, t.description_label, &form.body, 5_000);
    let link = if form.link.trim().is_empty() {
        String::new()
    } else {
        link_field(&mut errors, t, t.link_label, &form.link)
    };
    if !errors.is_empty() {
        let f = DetailForms {
            material: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "material", f).await;
    }
    let (assembly_id, recommendation_id) = ids;
    let row = MaterialRow {
        kind: kind.to_owned(),
        body,
        link,
    };
    audited(
        &state,
        &viewer,
        "impact.material",
        format!("recommendation:{recommendation_id}"),
        async |tx, now| {
            let id =
                store::impact::add_material(tx, assembly_id, recommendation_id, &row, now).await?;
            Ok((
                None,
                serde_json::json!({ "material_id": id, "kind": row.kind }),
            ))
        },
    )
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "advocacy"))
}

/// `POST .../actions`: a member logs an advocacy action.
pub async fn log_action(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(ids): Path<(i64, i64)>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let account_id = viewer.account_id()?;
    let mut errors = Vec::new();
    let happened_on = date_field(&mut errors, t, t.date_label, &form.happened_on);
    let description = required_text(
        &mut errors,
        t,
        t.description_label,
        &form.description,
        2_000,
    );
    if !errors.is_empty() {
        let f = DetailForms {
            action: form,
            ..DetailForms::default()
        };
        return refused(&state, &viewer, ids, errors, "action", f).await;
    }
    let (assembly_id, recommendation_id) = ids;
    audited(
        &state,
        &viewer,
        "impact.action",
        format!("recommendation:{recommendation_id}"),
        async |tx, now| {
            let id = store::impact::add_action(
                tx,
                assembly_id,
                recommendation_id,
                account_id,
                &happened_on,
                &description,
                now,
            )
            .await?;
            Ok((
                None,
                serde_json::json!({ "action_id": id, "happened_on": happened_on }),
            ))
        },
    )
    .await?;
    Ok(saved_detail(assembly_id, recommendation_id, "advocacy"))
}

/// The opt-in form.
#[derive(Debug, Default, Deserialize)]
pub struct AdvocateForm {
    /// `in` or `out`.
    #[serde(default)]
    pub choice: String,
}

/// `POST /staff/assemblies/{id}/impact/advocate`: opt in to (or out of) the follow-up.
pub async fn set_advocate(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<AdvocateForm>,
) -> Result<Response, AppError> {
    let account_id = viewer.account_id()?;
    let opted_in = form.choice != "out";
    let now = now();
    let mut tx = state.store.begin().await?;
    store::assemblies::get_assembly(&mut tx, assembly_id).await?;
    let changed =
        store::impact::set_advocate(&mut tx, assembly_id, account_id, opted_in, now).await?;
    if changed {
        let change = audit_change(
            &viewer,
            if opted_in {
                "impact.advocate.join"
            } else {
                "impact.advocate.leave"
            },
            format!("assembly:{assembly_id}"),
            None,
            serde_json::json!({ "account_id": account_id }),
        );
        audit(&mut tx, change, now).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/impact?saved=1")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The power map picture.

/// An SVG grid of influence (up) against stance (left to right): decision-makers are squares, influencers circles;
/// hidden actors are drawn hollow with a dashed outline. The `<desc>` lists every actor in words.
pub fn power_map_svg(actors: &[ActorRow], t: &ImpactMessages) -> String {
    let (left, top, cell, columns, rows) = (110.0_f64, 20.0_f64, 90.0_f64, 5usize, 5usize);
    let width = left + cell * columns as f64 + 20.0;
    let height = top + cell * rows as f64 + 60.0;
    let mut description = Vec::new();
    let mut shapes = String::new();
    let mut occupied = std::collections::HashMap::<(i64, i64), usize>::new();
    for actor in actors {
        let stance_label = label(&STANCE_CODES, &t.stances, &actor.stance.to_string());
        description.push(format!(
            "{}: {}, {}, {} {}, {} {}",
            actor.name,
            label(&ACTOR_ROLE_CODES, &t.actor_roles, &actor.actor_role),
            label(&VISIBILITY_CODES, &t.visibilities, &actor.visibility),
            t.stance_label,
            stance_label,
            t.influence_label,
            actor.influence
        ));
        let slot = occupied.entry((actor.stance, actor.influence)).or_insert(0);
        let column = (actor.stance + 2).clamp(0, 4) as f64;
        let row = (5 - actor.influence).clamp(0, 4) as f64;
        let x = left + cell * column + cell / 2.0;
        let y = top + cell * row + 22.0 + 22.0 * (*slot % 3) as f64;
        *slot += 1;
        let hidden = actor.visibility == "hidden";
        let fill = if hidden { "#ffffff" } else { "#0072b2" };
        let dash = if hidden {
            " stroke-dasharray=\"3 2\""
        } else {
            ""
        };
        if actor.actor_role == "decision_maker" {
            shapes.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"#1b1b1f\" stroke-width=\"2\"{dash}/>",
                x - 40.0,
                y - 6.0
            ));
        } else {
            shapes.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{fill}\" stroke=\"#1b1b1f\" stroke-width=\"2\"{dash}/>",
                x - 34.0
            ));
        }
        let name: String = actor.name.chars().take(14).collect();
        shapes.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1b1b1f\">{}</text>",
            x - 24.0,
            y + 4.0,
            charts::escape_xml(&name)
        ));
    }
    let mut grid = String::new();
    for column in 0..=columns {
        let x = left + cell * column as f64;
        grid.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#c9ced8\"/>",
            top + cell * rows as f64
        ));
    }
    for row in 0..=rows {
        let y = top + cell * row as f64;
        grid.push_str(&format!(
            "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#c9ced8\"/>",
            left + cell * columns as f64
        ));
    }
    for (index, stance) in t.stances.iter().enumerate() {
        let x = left + cell * index as f64 + cell / 2.0;
        grid.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1b1f\">{}</text>",
            top + cell * rows as f64 + 18.0,
            charts::escape_xml(stance)
        ));
    }
    grid.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1b1b1f\">{}</text>",
        left + cell * columns as f64 / 2.0,
        top + cell * rows as f64 + 44.0,
        charts::escape_xml(t.stance_label)
    ));
    for influence in 1..=5 {
        let y = top + cell * (5 - influence) as f64 + cell / 2.0;
        grid.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1b1f\">{influence}</text>",
            left - 8.0
        ));
    }
    grid.push_str(&format!(
        "<text x=\"12\" y=\"{:.1}\" font-size=\"12\" fill=\"#1b1b1f\">{}</text>",
        top + 12.0,
        charts::escape_xml(t.influence_label)
    ));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-labelledby=\"power-title power-desc\"><title id=\"power-title\">{}</title><desc id=\"power-desc\">{}</desc><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{grid}{shapes}</svg>",
        charts::escape_xml(t.power_chart_title),
        charts::escape_xml(&description.join(". "))
    )
}

// ---------------------------------------------------------------------------------------------
// Surveys and the evaluation report.

/// One Likert question.
pub struct Question {
    /// The item code (field name).
    pub item: &'static str,
    /// The statement.
    pub text: &'static str,
    /// The answer selected (after an error), 0 if none.
    pub selected: usize,
}

/// The survey form (members or public).
#[derive(Template)]
#[template(path = "impact_survey.html")]
pub struct SurveyPage {
    /// Chrome.
    pub c: Chrome,
    /// The impact messages.
    pub t: &'static ImpactMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// Whether this is the members' survey.
    pub members: bool,
    /// Where the form posts.
    pub action: String,
    /// Which members' survey (options).
    pub surveys: Vec<Choice>,
    /// The members' surveys already answered (translated).
    pub answered: Vec<&'static str>,
    /// The questions.
    pub questions: Vec<Question>,
    /// Whether answers were just counted.
    pub thanks: bool,
    /// Errors.
    pub errors: Vec<String>,
}

/// The answers of a survey form: `survey` plus one field per item.
pub type SurveyForm = std::collections::HashMap<String, String>;

#[allow(clippy::too_many_arguments)]
async fn survey_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    members: bool,
    status: StatusCode,
    thanks: bool,
    errors: Vec<String>,
    typed: &SurveyForm,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let mut answered = Vec::new();
    if members && let Some(account) = viewer.account.as_ref() {
        for (index, survey) in MEMBER_SURVEYS.iter().enumerate() {
            if store::impact::has_taken(&mut connection, assembly_id, survey, account.id).await? {
                answered.push(t.surveys[index]);
            }
        }
    }
    drop(connection);
    let (items, texts): (&[&'static str], &[&'static str]) = if members {
        (&MEMBER_ITEMS, &t.member_items)
    } else {
        (&PUBLIC_ITEMS, &t.public_items)
    };
    let questions = items
        .iter()
        .zip(texts)
        .map(|(item, text)| Question {
            item,
            text,
            selected: typed.get(*item).and_then(|v| v.parse().ok()).unwrap_or(0),
        })
        .collect();
    let page = SurveyPage {
        c: Chrome::new(
            viewer,
            if members {
                t.members_survey_title
            } else {
                t.public_survey_title
            },
        ),
        t,
        assembly_id,
        title: record.title,
        members,
        action: if members {
            format!("/staff/assemblies/{assembly_id}/impact/survey")
        } else {
            format!("/assemblies/{assembly_id}/survey")
        },
        surveys: choices(
            &MEMBER_SURVEYS,
            &t.surveys,
            typed
                .get("survey")
                .map(String::as_str)
                .unwrap_or("members_before"),
        ),
        answered,
        questions,
        thanks,
        errors,
    };
    render(status, &page)
}

/// Query of the survey pages.
#[derive(Debug, Default, Deserialize)]
pub struct ThanksQuery {
    /// Set after answers were counted.
    pub thanks: Option<String>,
}

/// `GET /assemblies/{id}/survey`: the public survey.
pub async fn public_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<ThanksQuery>,
) -> Result<Response, AppError> {
    survey_page(
        &state,
        &viewer,
        assembly_id,
        false,
        StatusCode::OK,
        query.thanks.is_some(),
        Vec::new(),
        &SurveyForm::new(),
    )
    .await
}

/// `GET /staff/assemblies/{id}/impact/survey`: the members' survey.
pub async fn member_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<ThanksQuery>,
) -> Result<Response, AppError> {
    survey_page(
        &state,
        &viewer,
        assembly_id,
        true,
        StatusCode::OK,
        query.thanks.is_some(),
        Vec::new(),
        &SurveyForm::new(),
    )
    .await
}

fn read_answers(
    form: &SurveyForm,
    items: &[&'static str],
    texts: &[&'static str],
    t: &ImpactMessages,
) -> Result<Vec<(String, i64)>, Vec<String>> {
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    for (item, text) in items.iter().zip(texts) {
        match form
            .get(*item)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|v| (1..=5).contains(v))
        {
            Some(value) => answers.push(((*item).to_owned(), value)),
            None => errors.push(field_error(t.err_answer, text)),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// `POST /assemblies/{id}/survey`: counts a public answer sheet (only per-value counts are kept).
pub async fn answer_public_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<SurveyForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let answers = match read_answers(&form, &PUBLIC_ITEMS, &t.public_items, t) {
        Ok(answers) => answers,
        Err(errors) => {
            return survey_page(
                &state,
                &viewer,
                assembly_id,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                errors,
                &form,
            )
            .await;
        }
    };
    audited(
        &state,
        &viewer,
        "survey.answer",
        format!("assembly:{assembly_id}"),
        async |tx, _now| {
            store::impact::record_survey(tx, assembly_id, "public", None, &answers).await?;
            Ok((None, serde_json::json!({ "survey": "public" })))
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/assemblies/{assembly_id}/survey?thanks=1")).into_response())
}

/// `POST /staff/assemblies/{id}/impact/survey`: a member answers the before or after survey, once each.
pub async fn answer_member_survey(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<SurveyForm>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let account_id = viewer.account_id()?;
    let mut errors = Vec::new();
    let survey = choice(
        &mut errors,
        t,
        t.survey_which,
        &MEMBER_SURVEYS,
        form.get("survey").map(String::as_str).unwrap_or(""),
    );
    let answers = match read_answers(&form, &MEMBER_ITEMS, &t.member_items, t) {
        Ok(answers) => answers,
        Err(more) => {
            errors.extend(more);
            Vec::new()
        }
    };
    let mut tx = state.store.begin().await?;
    if errors.is_empty()
        && store::impact::has_taken(&mut tx, assembly_id, survey, account_id).await?
    {
        errors.push(t.err_already_answered.to_owned());
    }
    if !errors.is_empty() {
        drop(tx);
        return survey_page(
            &state,
            &viewer,
            assembly_id,
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            errors,
            &form,
        )
        .await;
    }
    let now = now();
    match store::impact::record_survey(&mut tx, assembly_id, survey, Some(account_id), &answers)
        .await
    {
        Ok(()) => {}
        Err(store::StoreError::Conflict { .. }) => {
            drop(tx);
            return survey_page(
                &state,
                &viewer,
                assembly_id,
                true,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                vec![t.err_already_answered.to_owned()],
                &form,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    }
    let change = audit_change(
        &viewer,
        "survey.answer",
        format!("assembly:{assembly_id}"),
        None,
        serde_json::json!({ "survey": survey }),
    );
    audit(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/impact/survey?thanks=1"
    ))
    .into_response())
}

/// The evaluation report: the scorecard, the surveys and the design comments.
#[derive(Template)]
#[template(path = "impact_evaluation.html")]
pub struct EvaluationPage {
    /// Chrome.
    pub c: Chrome,
    /// The impact messages.
    pub t: &'static ImpactMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// Whether the impact data are illustrative.
    pub illustrative: bool,
    /// The scorecard figures.
    pub f: Figures,
    /// The members' survey chart (inline SVG), or empty.
    pub members_svg: String,
    /// The public survey chart (inline SVG), or empty.
    pub public_svg: String,
    /// Approved design comments.
    pub comments: Vec<crate::views::CommentView>,
    /// Members in the follow-up.
    pub advocates: i64,
    /// Advocacy actions logged.
    pub actions: i64,
}

/// (agreeing, answers) per item of a survey.
fn agreement(counts: &[store::impact::SurveyCount], survey: &str, item: &str) -> (u64, u64) {
    counts
        .iter()
        .filter(|c| c.survey == survey && c.item == item)
        .fold((0, 0), |(agree, total), c| {
            let n = c.count.max(0) as u64;
            (agree + if c.value >= 4 { n } else { 0 }, total + n)
        })
}

fn percent(part: u64, whole: u64) -> f64 {
    charts::percent_rounded(part, whole).unwrap_or(0) as f64
}

/// The members' survey chart: the share agreeing with each statement, before and after.
pub fn members_chart(counts: &[store::impact::SurveyCount], t: &ImpactMessages) -> Option<String> {
    if !counts.iter().any(|c| c.survey.starts_with("members_")) {
        return None;
    }
    let groups = MEMBER_ITEMS
        .iter()
        .zip(&t.member_items)
        .map(|(item, text)| {
            let (before, before_n) = agreement(counts, "members_before", item);
            let (after, after_n) = agreement(counts, "members_after", item);
            charts::Group::new(
                &format!("{text} ({} {before_n}/{after_n})", t.answers_count),
                vec![percent(before, before_n), percent(after, after_n)],
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    let chart = charts::GroupedBarChart::new(t.members_survey_chart, &[t.before, t.after], groups)
        .ok()?
        .with_unit("%")
        .with_scale_max(100.0)
        .ok()?
        .with_summary(t.agreeing);
    Some(chart.to_svg())
}

/// The public survey chart: the share agreeing with each statement.
pub fn public_chart(counts: &[store::impact::SurveyCount], t: &ImpactMessages) -> Option<String> {
    if !counts.iter().any(|c| c.survey == "public") {
        return None;
    }
    let bars = PUBLIC_ITEMS
        .iter()
        .zip(&t.public_items)
        .map(|(item, text)| {
            let (agree, n) = agreement(counts, "public", item);
            charts::Bar::new(text, percent(agree, n))
                .map(|bar| bar.with_note(&format!("{agree}/{n}")))
        })
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    let chart = charts::BarChart::new(t.public_survey_chart, bars)
        .ok()?
        .with_unit("%")
        .with_scale_max(100.0)
        .ok()?
        .with_summary(t.agreeing);
    Some(chart.to_svg())
}

/// `GET /assemblies/{id}/evaluation`: the public evaluation report.
pub async fn evaluation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let loaded = load(&state, assembly_id, today()).await?;
    let mut connection = state.store.connection().await?;
    let counts = store::impact::survey_results(&mut connection, assembly_id).await?;
    let comments = store::comments::comments_with_status(
        &mut connection,
        assembly_id,
        domain::assembly::CommentStatus::Approved,
    )
    .await?;
    let advocates = store::impact::count_advocates(&mut connection, assembly_id).await?;
    let actions = store::impact::count_actions(&mut connection, assembly_id).await?;
    drop(connection);
    let page = EvaluationPage {
        c: Chrome::new(&viewer, t.evaluation_title),
        t,
        assembly_id,
        title: loaded.record.title.clone(),
        illustrative: loaded.settings.as_ref().is_some_and(|s| s.illustrative),
        f: figures(&loaded.scorecard, t),
        members_svg: members_chart(&counts, t).unwrap_or_default(),
        public_svg: public_chart(&counts, t).unwrap_or_default(),
        comments: crate::views::CommentView::list(&comments),
        advocates,
        actions,
    };
    render(StatusCode::OK, &page)
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
    fn the_power_map_names_every_actor_in_words_and_escapes_names() {
        let t = Lang::En.t::<ImpactMessages>();
        let svg = power_map_svg(
            &[
                ActorRow {
                    name: "Minister <Housing>".to_owned(),
                    actor_role: "decision_maker".to_owned(),
                    visibility: "visible".to_owned(),
                    stance: -1,
                    influence: 5,
                },
                ActorRow {
                    name: "Builders' lobby".to_owned(),
                    actor_role: "influencer".to_owned(),
                    visibility: "hidden".to_owned(),
                    stance: -2,
                    influence: 4,
                },
            ],
            t,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("Minister &lt;Housing&gt;: Decision-maker, Visible, Stance Against, Influence (1 to 5) 5"));
        // The workspace's one XML escaper (`charts::escape_xml`) writes an apostrophe as `&apos;`.
        assert!(svg.contains("Builders&apos; lobby: Influencer, Hidden, Stance Strongly against"));
        assert!(!svg.contains("<Housing>"));
        assert_eq!(svg.matches("<rect x=").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert_eq!(svg.matches("stroke-dasharray").count(), 1);
    }

    #[test]
    fn survey_charts_show_the_share_agreeing_before_and_after() {
        let t = Lang::En.t::<ImpactMessages>();
        let count = |survey: &str, item: &str, value: i64, count: i64| store::impact::SurveyCount {
            survey: survey.to_owned(),
            item: item.to_owned(),
            value,
            count,
        };
        let counts = vec![
            count("members_before", "efficacy", 2, 3),
            count("members_before", "efficacy", 4, 1),
            count("members_after", "efficacy", 5, 3),
            count("members_after", "efficacy", 1, 1),
        ];
        assert_eq!(agreement(&counts, "members_before", "efficacy"), (1, 4));
        assert_eq!(agreement(&counts, "members_after", "efficacy"), (3, 4));
        let svg = members_chart(&counts, t).unwrap();
        assert!(svg.contains("25%") && svg.contains("75%"), "{svg}");
        assert_eq!(public_chart(&counts, t), None);
    }
}
