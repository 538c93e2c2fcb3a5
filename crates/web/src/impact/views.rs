//! The impact pages' templates and view models: the scorecard's figures and rows translated, the options of the
//! forms, and the labels of stored codes (each catalogue array lists its labels in the order of the code's `ALL`).

use ::impact::{Fidelity, ResponseKind, Scorecard, Share, Timeliness};
use app::impact::{Refusal, Tracking};
use askama::Template;

use crate::i18n::fill;
use crate::i18n::impact::ImpactMessages;
use crate::impact::forms::{
    ActionForm, ActorForm, AllyForm, FidelityForm, MaterialForm, MilestoneForm, RecommendationForm,
    ResponseForm, SettingsForm, TacticForm,
};
use crate::views::{Chrome, CommentView};

/// One option of a select or radio group.
pub struct Choice {
    /// The value.
    pub value: &'static str,
    /// The label.
    pub label: &'static str,
    /// Whether it is selected.
    pub selected: bool,
}

/// The options of a select: `codes` with their `labels`, the one equal to `selected` selected.
pub fn choices(codes: &[&'static str], labels: &[&'static str], selected: &str) -> Vec<Choice> {
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

/// The options of a select of typed codes (`all` with `as_str`), labelled in the same order.
pub fn code_choices<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    labels: &[&'static str],
    selected: &str,
) -> Vec<Choice> {
    let codes: Vec<&'static str> = all.iter().map(|code| as_str(*code)).collect();
    choices(&codes, labels, selected)
}

/// The sentence of a refused write, in the catalogue's language.
pub fn refusal_message(t: &'static ImpactMessages, refusal: Refusal) -> String {
    match refusal {
        Refusal::DuplicateReference => fill(t.err_duplicate, &[("field", t.reference_label)]),
        Refusal::AlreadyAnswered => t.err_already_answered.to_owned(),
    }
}

/// The scorecard's words in the catalogue's language (issue 18, item 8): its headline, image and cherry-picking
/// sentence.
pub fn words(t: &'static ImpactMessages) -> ::impact::Words {
    ::impact::Words {
        headline: t.w_headline,
        headline_one: t.w_headline_one,
        headline_none: t.w_headline_none,
        description: t.w_description,
        as_of: t.w_as_of,
        responses_title: t.w_responses_title,
        fidelity_title: t.w_fidelity_title,
        fidelity_summary: t.w_fidelity_summary,
        timeliness_title: t.w_timeliness_title,
        support_title: t.w_support_title,
        support_series: t.w_support_series,
        support_group: t.w_support_group,
        themes_title: t.w_themes_title,
        themes_summary: t.w_themes_summary,
        theme_note: t.w_theme_note,
        high_support: t.w_high_support,
        low_support: t.w_low_support,
        share: t.w_share,
        share_none: t.w_share_none,
        summary: t.w_summary,
        warning: t.w_warning,
        left_behind: t.w_left_behind,
        not_drawn: t.w_not_drawn,
        responses: t.responses,
        fidelities: t.fidelities,
        timeliness: t.timeliness,
    }
}

/// The place of a response kind in the catalogue's `responses`.
pub fn response_index(kind: ResponseKind) -> usize {
    ResponseKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(4)
}

/// The place of a fidelity in the catalogue's `fidelities`.
pub fn fidelity_index(fidelity: Fidelity) -> usize {
    Fidelity::ALL
        .iter()
        .position(|f| *f == fidelity)
        .unwrap_or(4)
}

/// The place of a timeliness in the catalogue's `timeliness`.
pub fn timeliness_index(status: Timeliness) -> usize {
    Timeliness::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(3)
}

/// The label of a power-map stance (-2 to 2).
pub fn stance_label(t: &ImpactMessages, stance: i64) -> &'static str {
    usize::try_from(stance + 2)
        .ok()
        .and_then(|index| t.stances.get(index).copied())
        .unwrap_or("?")
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

fn share_text(share: Share) -> String {
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

/// Every recommendation of `tracking` as a table row.
pub fn row_views(tracking: &Tracking, t: &'static ImpactMessages) -> Vec<RowView> {
    rows_of(
        tracking.scorecard.rows(),
        &tracking.tracked,
        tracking.due,
        t,
    )
}

/// The recommendations of one page of the staff list as table rows (issue 18, item 5).
pub fn page_row_views(
    page: &app::impact::TrackingPage,
    t: &'static ImpactMessages,
) -> Vec<RowView> {
    rows_of(page.scorecard.rows(), &page.tracked, page.due, t)
}

/// Scorecard rows with their stored recommendations (in the same order) as table rows.
fn rows_of(
    rows: &[::impact::Row],
    tracked: &[store::impact::Tracked],
    due: Option<::impact::Date>,
    t: &'static ImpactMessages,
) -> Vec<RowView> {
    rows.iter()
        .zip(tracked)
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
            due: due.map(|d| d.to_string()).unwrap_or_default(),
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

/// The translated figures of a scorecard.
pub fn figures(scorecard: &Scorecard, t: &'static ImpactMessages) -> Figures {
    let count = |label: &'static str, share: Share| CountView {
        label,
        count: share.part,
        share: share_text(share),
    };
    let words = words(t);
    Figures {
        headline: scorecard.headline_in(&words),
        as_of: scorecard.as_of().to_string(),
        responses: ResponseKind::ALL
            .iter()
            .map(|kind| {
                count(
                    t.responses[response_index(*kind)],
                    scorecard.by_response(*kind),
                )
            })
            .collect(),
        fidelities: Fidelity::ALL
            .iter()
            .map(|fidelity| {
                count(
                    t.fidelities[fidelity_index(*fidelity)],
                    scorecard.by_fidelity(*fidelity),
                )
            })
            .collect(),
        timeliness: Timeliness::ALL
            .iter()
            .map(|status| {
                count(
                    t.timeliness[timeliness_index(*status)],
                    scorecard.by_timeliness(*status),
                )
            })
            .collect(),
        cherry_picking: scorecard.cherry_picking().summary_in(&words),
        svg: ::impact::scorecard_svg_in(scorecard, &words),
    }
}

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

/// The scorecard of an assembly whose final report is not published yet (issue 18, item 7).
#[derive(Template)]
#[template(path = "unpublished.html")]
pub struct UnpublishedPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly id.
    pub assembly_id: i64,
    /// Why there is nothing to show yet.
    pub message: &'static str,
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
    /// The page of recommendations shown (issue 18, item 5).
    pub rows: Vec<RowView>,
    /// Whether the assembly has any recommendation (the imports of responses need one).
    pub any_recommendations: bool,
    /// The strings of lists.
    pub lists: &'static crate::i18n::lists::ListsMessages,
    /// The themes of the recommendations, for the filter.
    pub themes: Vec<String>,
    /// The theme asked for, or empty.
    pub theme: String,
    /// The words asked for, or empty.
    pub q: String,
    /// The page links of the list.
    pub paging: crate::paging::Paging,
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
    /// The bulk strings (the import's preview button and template link).
    pub b: &'static crate::i18n::bulk::BulkMessages,
    /// Whether the viewer may record the authority's responses and milestones (and import them).
    pub can_respond: bool,
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
    /// A milestone's edit form as typed (the one of [`DetailPage::failed_record`]).
    pub edit_milestone: MilestoneForm,
    /// A tactic's edit form as typed (the one of [`DetailPage::failed_record`]).
    pub edit_tactic: TacticForm,
    /// A removal's reason as typed.
    pub reason: String,
}

/// A milestone with its edit form (issue 18, item 8).
pub struct EditableMilestone {
    /// What the page says of it.
    pub item: Item,
    /// Its id.
    pub id: i64,
    /// The version shown (posted back by its forms).
    pub version: i64,
    /// Its fields, for the edit form.
    pub form: MilestoneForm,
    /// The kind options, its own selected.
    pub kinds: Vec<Choice>,
}

/// A tactic with its edit form (issue 18, item 8).
pub struct EditableTactic {
    /// What the page says of it.
    pub item: Item,
    /// Its id.
    pub id: i64,
    /// The version shown.
    pub version: i64,
    /// Its fields, for the edit form.
    pub form: TacticForm,
    /// Arena options.
    pub arenas: Vec<Choice>,
    /// Kind options.
    pub kinds: Vec<Choice>,
    /// Status options.
    pub statuses: Vec<Choice>,
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

/// One change in a recommendation's history.
pub struct HistoryItem {
    /// Which record and what it said.
    pub text: String,
    /// Who changed it, how and when, and its version.
    pub meta: String,
    /// Why it was removed, or empty.
    pub reason: String,
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
    /// The milestones, with their edit forms.
    pub milestones: Vec<EditableMilestone>,
    /// The fidelity judgement, if any.
    pub fidelity: Option<Item>,
    /// The tactics (strategy roles only), with their edit forms.
    pub tactics: Vec<EditableTactic>,
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
    /// The milestone or tactic whose edit or removal form failed (0 if none).
    pub failed_record: i64,
    /// The forms as typed.
    pub f: DetailForms,
    /// The edit and history messages.
    pub e: &'static crate::i18n::impact_edits::ImpactEditMessages,
    /// The version of the response shown (0: none), posted back by its forms.
    pub response_version: i64,
    /// The version of the fidelity judgement shown (0: none).
    pub fidelity_version: i64,
    /// The history of the recommendation's records, newest first.
    pub history: Vec<HistoryItem>,
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
    pub comments: Vec<CommentView>,
    /// Members in the follow-up.
    pub advocates: i64,
    /// Advocacy actions logged.
    pub actions: i64,
    /// Why the scorecard is not shown (the final report is not published yet), or `None` when it is.
    pub scorecard_hidden: Option<&'static str>,
}
