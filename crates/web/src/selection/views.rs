//! The pages of selection as askama templates, their view models, and the wording of the engine's verdicts and of
//! the use cases' refusals in the visitor's language.

use app::selection::Refusal;
use app::selection::job::{CompositionRow, RunSummary};
use app::selection::pool::Verdict;
use askama::Template;
use axum::http::StatusCode;
use domain::selection::{RunKind, RunStatus};
use store::selection::RunRow;

use crate::error::AppError;
use crate::i18n::panel::PanelMessages;
use crate::i18n::{Lang, RecruitmentMessages, SelectionMessages};
use crate::selection::forms::QuotaForm;
use crate::views::{Chrome, utc_minute};

/// The engine's verdict in words for the organisers: whether a panel exists, and the lines to show.
pub fn verdict_lines(s: &SelectionMessages, verdict: &Verdict) -> (bool, Vec<String>) {
    match verdict {
        Verdict::NoQuotas => (false, vec![s.no_quotas.to_owned()]),
        Verdict::Feasible => (true, vec![s.feasible.to_owned()]),
        Verdict::Infeasible(changes) => {
            let mut lines = vec![s.infeasible.to_owned()];
            lines.extend(changes.iter().cloned());
            (false, lines)
        }
        Verdict::Unreadable(reason) => (false, vec![s.infeasible.to_owned(), reason.clone()]),
    }
}

/// A refusal in words for the page that shows it again, with the status to answer.
pub fn refusal_words(lang: Lang, refusal: &Refusal) -> (StatusCode, Vec<String>) {
    let s = lang.t::<SelectionMessages>();
    let p = lang.t::<PanelMessages>();
    let one = |status: StatusCode, words: &str| (status, vec![words.to_owned()]);
    match refusal {
        Refusal::NoQuotas => one(StatusCode::UNPROCESSABLE_ENTITY, s.no_quotas),
        Refusal::Inputs(reason) => one(StatusCode::UNPROCESSABLE_ENTITY, reason),
        Refusal::Busy => one(StatusCode::CONFLICT, s.err_busy),
        Refusal::FinalExists => one(StatusCode::CONFLICT, s.err_final_exists),
        Refusal::ResumeFirst => one(StatusCode::CONFLICT, s.err_resume_first),
        Refusal::NotCommitted => one(StatusCode::CONFLICT, s.err_not_committed),
        Refusal::NotResumable => one(StatusCode::CONFLICT, s.err_not_resumable),
        Refusal::EngineChanged => one(StatusCode::CONFLICT, s.err_engine_changed),
        Refusal::Proposal(reason) => one(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("{}: {reason}", s.err_propose),
        ),
        Refusal::NoFinal => one(StatusCode::CONFLICT, p.err_no_final),
        Refusal::Pending => one(StatusCode::CONFLICT, p.err_pending),
        Refusal::NoOpenSeat => one(StatusCode::CONFLICT, p.err_no_open_seat),
        Refusal::LeftOut => one(StatusCode::UNPROCESSABLE_ENTITY, p.err_left_out),
        Refusal::NoPanel(verdict) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            verdict_lines(s, verdict).1,
        ),
        Refusal::NotOnPanel => one(StatusCode::NOT_FOUND, p.err_not_on_panel),
        Refusal::NumberOutOfRange { panels } => {
            let d = lang.t::<crate::i18n::draw::DrawMessages>();
            match panels {
                Some(panels) => one(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &crate::i18n::fill(d.err_out_of_range, &[("max", &(panels - 1).to_string())]),
                ),
                None => one(StatusCode::UNPROCESSABLE_ENTITY, d.err_no_lottery),
            }
        }
        Refusal::NotAQuestion {
            line,
            feature,
            value,
        } => one(
            StatusCode::UNPROCESSABLE_ENTITY,
            &crate::i18n::fill(
                lang.t::<crate::i18n::lists::ListsMessages>()
                    .err_quota_not_a_question,
                &[
                    ("line", &line.to_string()),
                    ("feature", feature),
                    ("value", value),
                ],
            ),
        ),
    }
}

/// One row of the quota table as shown, with the pool's count.
pub struct QuotaView {
    /// Feature.
    pub feature: String,
    /// Value.
    pub value: String,
    /// Share, in percent.
    pub share: String,
    /// Min.
    pub min: i64,
    /// Max.
    pub max: i64,
    /// People of the pool with this value.
    pub pool: usize,
}

/// The quota editor page.
#[derive(Template)]
#[template(path = "quotas.html")]
pub struct QuotasPage {
    /// Chrome.
    pub c: Chrome,
    /// The selection strings.
    pub s: &'static SelectionMessages,
    /// Assembly id.
    pub assembly_id: i64,
    /// Assembly title.
    pub title: String,
    /// The form (as typed, or from the database).
    pub form: QuotaForm,
    /// Errors.
    pub errors: Vec<String>,
    /// A notice (saved, proposed).
    pub notice: String,
    /// The stored quotas with pool counts.
    pub rows: Vec<QuotaView>,
    /// People in the pool.
    pub pool_size: usize,
    /// Respondents left out for missing answers.
    pub left_out: usize,
    /// Whether the check found a panel.
    pub feasible: bool,
    /// The feasibility verdict, line by line.
    pub verdict: Vec<String>,
    /// The link to the registration questions, in words (quotas refer to them).
    pub questions_link: &'static str,
}

/// A run as listed and on its page.
pub struct RunView {
    /// Id.
    pub id: i64,
    /// Kind, in words.
    pub kind: String,
    /// Status, in words.
    pub status: String,
    /// The stored status (`running`, ...), for the page to refresh itself while running.
    pub status_id: &'static str,
    /// Algorithm.
    pub algorithm: &'static str,
    /// Seed.
    pub seed: String,
    /// Created, UTC.
    pub created: String,
    /// Whether it is a run waiting for its seed.
    pub committed: bool,
    /// Whether it is a drawn run that was interrupted and must be resumed with its own seed.
    pub resumable: bool,
}

/// A run's kind in words.
pub fn kind_name(s: &SelectionMessages, kind: RunKind) -> &'static str {
    match kind {
        RunKind::Test => s.kind_test,
        RunKind::Final => s.kind_final,
        RunKind::Replacement => s.kind_replacement,
    }
}

/// A run's status in words.
pub fn status_name(s: &SelectionMessages, status: RunStatus) -> &'static str {
    match status {
        RunStatus::Committed => s.status_committed,
        RunStatus::Running => s.status_running,
        RunStatus::Done => s.status_done,
        RunStatus::Failed => s.status_failed,
        RunStatus::Cancelled => s.status_cancelled,
    }
}

impl RunView {
    /// The view of a run as it stands (`app::selection::runs::as_seen`).
    pub fn of(s: &SelectionMessages, run: &RunRow) -> RunView {
        RunView {
            id: run.id,
            kind: kind_name(s, run.kind).to_owned(),
            status: status_name(s, run.status).to_owned(),
            status_id: run.status.as_str(),
            algorithm: run.algorithm.name(),
            seed: run.seed.clone(),
            created: utc_minute(run.created_at),
            committed: run.status == RunStatus::Committed,
            resumable: app::selection::runs::interrupted(run),
        }
    }
}

/// The selection page of an assembly.
#[derive(Template)]
#[template(path = "selection.html")]
pub struct SelectionPage {
    /// Chrome.
    pub c: Chrome,
    /// The selection strings.
    pub s: &'static SelectionMessages,
    /// Assembly id.
    pub assembly_id: i64,
    /// Title.
    pub title: String,
    /// Errors.
    pub errors: Vec<String>,
    /// Runs, newest first.
    pub runs: Vec<RunView>,
    /// Whether a final run exists that is committed, running, drawn or interrupted.
    pub has_final: bool,
    /// Panel size, if set.
    pub panel_size: i64,
    /// People in the pool.
    pub pool_size: usize,
    /// The feasibility verdict.
    pub verdict: Vec<String>,
    /// Whether feasible.
    pub feasible: bool,
}

/// The run page.
#[derive(Template)]
#[template(path = "run.html")]
pub struct RunPage {
    /// Chrome.
    pub c: Chrome,
    /// The selection strings.
    pub s: &'static SelectionMessages,
    /// Assembly id.
    pub assembly_id: i64,
    /// Errors.
    pub errors: Vec<String>,
    /// The run.
    pub run: RunView,
    /// The commitment.
    pub commitment: String,
    /// The seed source.
    pub seed_source: String,
    /// Engine version.
    pub engine_version: String,
    /// Panel size.
    pub panel_size: i64,
    /// Last progress report.
    pub progress: String,
    /// Message (error, relaxation) in lines.
    pub message: Vec<String>,
    /// Whether cancelling was asked.
    pub cancel_requested: bool,
    /// The result, when done.
    pub summary: Option<RunSummary>,
    /// Whether the run is public (final or replacement).
    pub public: bool,
    /// M, for a transparent lottery of M numbered panels.
    pub lottery_panels: Option<i64>,
    /// The strings of a number drawn in public (issue 18).
    pub d: &'static crate::i18n::draw::DrawMessages,
    /// "417, entered by … on …", when the seed was a number drawn in public.
    pub drawn_in_public: Option<String>,
    /// "From 0 to M−1." for the number's field.
    pub number_hint: String,
}

/// The public selection page.
#[derive(Template)]
#[template(path = "public_selection.html")]
pub struct PublicSelectionPage {
    /// Chrome.
    pub c: Chrome,
    /// The selection strings.
    pub s: &'static SelectionMessages,
    /// Assembly id.
    pub assembly_id: i64,
    /// Title.
    pub title: String,
    /// The final run, if committed or drawn.
    pub run: Option<PublicRun>,
    /// The replacement runs, oldest first.
    pub replacements: Vec<PublicRun>,
    /// The latest drawn run (final or replacement): its composition is the panel as it stands.
    pub current: Option<PublicRun>,
    /// The replacement history by public ids: (dropped, replacement, run).
    pub history: Vec<(String, String, i64)>,
    /// The panel strings.
    pub p: &'static PanelMessages,
    /// The strings of a number drawn in public (issue 18).
    pub d: &'static crate::i18n::draw::DrawMessages,
    /// "417, entered by an organiser on …", when the final run's seed was a number drawn in public.
    pub drawn_in_public: Option<String>,
    /// The recruitment strings (the invitation lottery's columns).
    pub r: &'static crate::i18n::RecruitmentMessages,
    /// The invitation lottery's draws, newest first (issue 18, item 8).
    pub invitation_draws: Vec<PublicInvitationDraw>,
}

/// What the public sees of an invitation draw: its seed, the commitment to its address list, the number drawn in
/// public if the seed is one (when, not who), its counts and per-area report, and the command that re-runs it.
pub struct PublicInvitationDraw {
    /// "Draw #3, 2027-03-01 18:04 UTC".
    pub heading: String,
    /// The id (for the section's anchor).
    pub id: i64,
    /// The seed.
    pub seed: String,
    /// The SHA-256 digest of the address list.
    pub commitment: String,
    /// "4821, entered by an organiser on …", when the seed is a number drawn in public.
    pub drawn_in_public: Option<String>,
    /// "6 households invited from 13 addresses".
    pub count: String,
    /// The per-area report.
    pub areas: Vec<app::recruitment::lottery::AreaRow>,
    /// The command of `docs/invitations.md`'s reference implementation that re-runs it.
    pub command: String,
}

impl PublicInvitationDraw {
    /// The public view of `draw` in the language of `d`.
    pub fn of(
        d: &crate::i18n::draw::DrawMessages,
        draw: app::recruitment::lottery::DrawSummary,
    ) -> PublicInvitationDraw {
        let fill = crate::i18n::fill;
        PublicInvitationDraw {
            heading: fill(
                d.invitations_draw,
                &[
                    ("id", &draw.id.to_string()),
                    ("when", &crate::views::utc_minute(draw.drawn_at)),
                ],
            ),
            id: draw.id,
            command: app::recruitment::lottery::rerun_command(&draw),
            drawn_in_public: draw.public_number.as_ref().map(|drawn| {
                fill(
                    d.drawn_public,
                    &[
                        ("number", &drawn.number.to_string()),
                        ("when", &crate::views::utc_minute(drawn.entered_at)),
                    ],
                )
            }),
            count: fill(
                d.invitations_count,
                &[
                    ("invited", &draw.invitations.to_string()),
                    ("addresses", &draw.addresses.to_string()),
                ],
            ),
            seed: draw.seed,
            commitment: draw.digest,
            areas: draw.areas,
        }
    }
}

/// What the public sees of a final or replacement run.
pub struct PublicRun {
    /// Id.
    pub id: i64,
    /// Whether it has been drawn.
    pub drawn: bool,
    /// Whether it was interrupted after its seed was public (it can only be resumed, to the same panel).
    pub interrupted: bool,
    /// The commitment.
    pub commitment: String,
    /// The seed source.
    pub seed_source: String,
    /// The seed (once drawn).
    pub seed: String,
    /// Panel size.
    pub panel_size: i64,
    /// People in the pool.
    pub pool: usize,
    /// Algorithm.
    pub algorithm: &'static str,
    /// Engine version.
    pub engine_version: String,
    /// The chart's text alternative.
    pub chart_alt: String,
    /// The composition table.
    pub composition: Vec<CompositionRow>,
    /// The verify command.
    pub command: String,
    /// Whether it is a replacement run (with an `already-selected.csv`).
    pub replacement: bool,
    /// People kept as already selected (replacement runs).
    pub already: usize,
    /// M, for a transparent lottery of M numbered panels.
    pub lottery_panels: Option<i64>,
    /// The panel number drawn (a transparent lottery, once drawn).
    pub lottery_number: Option<u64>,
    /// The largest change of a probability caused by the rounding, in words ("" without a lottery).
    pub lottery_change: String,
    /// The command that lists the numbered panels before the draw ("" without a lottery).
    pub precompute_command: String,
    /// Whether `distribution.csv` is published.
    pub has_distribution: bool,
    /// Lowercase hex SHA-256 of `distribution.csv` ("" while it is not published).
    pub distribution_digest: String,
    /// Whether the commitment is of version 1 (inputs only, the distribution published after the draw).
    pub commitment_v1: bool,
}

/// The composition of a drawn panel against its quotas as a bar chart.
pub fn composition_chart(
    s: &SelectionMessages,
    summary: &RunSummary,
) -> Result<charts::BarChart, AppError> {
    let bars = summary
        .composition
        .iter()
        .map(|row| {
            charts::Bar::new(&format!("{}: {}", row.feature, row.value), row.panel as f64)
                .and_then(|bar| bar.with_target(f64::from(row.min), f64::from(row.max)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::internal)?;
    charts::BarChart::new(s.chart_title, bars)
        .map(|chart| chart.with_summary(s.chart_summary))
        .map_err(AppError::internal)
}

impl PublicRun {
    /// What the public sees of `run` (a public run, as it stands).
    pub fn of(s: &SelectionMessages, run: &RunRow) -> Result<PublicRun, AppError> {
        let summary = app::selection::job::summary_of(run)?;
        let drawn = summary.is_some();
        // Version 2: published with the commitment, before the seed; version 1: after the draw.
        let has_distribution = !run.distribution_csv.is_empty()
            && (drawn || app::selection::public::covers_distribution(run));
        let chart_alt = match &summary {
            Some(summary) => composition_chart(s, summary)
                .map(|chart| chart.description())
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok(PublicRun {
            id: run.id,
            drawn,
            commitment: run.commitment.clone(),
            seed_source: run.seed_source.clone(),
            // A seed once used is public for ever, whatever became of the run.
            seed: run.seed.clone(),
            interrupted: app::selection::runs::interrupted(run),
            panel_size: run.panel_size,
            pool: run.pool_csv.lines().count().saturating_sub(1),
            algorithm: run.algorithm.name(),
            engine_version: run.engine_version.clone(),
            chart_alt,
            command: app::selection::public::run_verify_command(run),
            replacement: run.kind == RunKind::Replacement,
            already: run.already_csv.lines().count().saturating_sub(1),
            lottery_panels: run.lottery_panels,
            lottery_number: summary.as_ref().and_then(|s| s.lottery_number),
            lottery_change: summary
                .as_ref()
                .and_then(|s| s.lottery_max_change)
                .map(|change| format!("{change:.6}"))
                .unwrap_or_default(),
            precompute_command: app::selection::public::precompute_command(run),
            has_distribution,
            distribution_digest: if has_distribution {
                app::selection::public::distribution_digest(run)
            } else {
                String::new()
            },
            commitment_v1: run.commitment_version < 2,
            composition: summary.map(|s| s.composition).unwrap_or_default(),
        })
    }
}

/// One person drawn, as organisers see them.
pub struct PanelRow {
    /// The respondent.
    pub respondent_id: i64,
    /// Public id in the run that drew them.
    pub public_id: String,
    /// Name.
    pub name: String,
    /// Status, in words.
    pub status: String,
    /// The stored status.
    pub status_id: &'static str,
    /// The run that drew them.
    pub run_id: i64,
    /// The statuses that may be recorded (value, label).
    pub choices: Vec<(String, String)>,
    /// The label of its bulk checkbox ("Select NAME (ID)").
    pub pick_label: String,
}

/// One value of the panel's composition now against its quota.
pub struct NowRow {
    /// Feature.
    pub feature: String,
    /// Value.
    pub value: String,
    /// Quota minimum.
    pub min: i64,
    /// Quota maximum.
    pub max: i64,
    /// Seated people with this value.
    pub now: usize,
    /// Within the quota.
    pub ok: bool,
}

/// One replacement of the history.
pub struct HistoryRow {
    /// Who dropped out (name and public id, organisers only).
    pub dropped: String,
    /// Who took the seat.
    pub replacement: String,
    /// The run.
    pub run_id: i64,
    /// Its seed.
    pub seed: String,
    /// When, UTC.
    pub when: String,
}

/// The panel page.
#[derive(Template)]
#[template(path = "panel.html")]
pub struct PanelPage {
    /// Chrome.
    pub c: Chrome,
    /// The panel strings.
    pub p: &'static PanelMessages,
    /// The selection strings.
    pub s: &'static SelectionMessages,
    /// The recruitment strings (statuses, reasons).
    pub rec: &'static RecruitmentMessages,
    /// Assembly id.
    pub assembly_id: i64,
    /// Title.
    pub title: String,
    /// Errors.
    pub errors: Vec<String>,
    /// Whether the final run is drawn.
    pub drawn: bool,
    /// Seats.
    pub seats: i64,
    /// Seated now.
    pub on_panel: usize,
    /// Confirmed.
    pub confirmed: usize,
    /// Open seats.
    pub open_seats: usize,
    /// People available for a replacement run.
    pub available: usize,
    /// Everyone drawn.
    pub people: Vec<PanelRow>,
    /// The composition now.
    pub composition: Vec<NowRow>,
    /// The pending replacement run (id, running).
    pub pending: Option<(i64, bool)>,
    /// Whether a replacement run can be frozen now.
    pub can_replace: bool,
    /// Whether a replacement run would find a panel now.
    pub feasible: bool,
    /// The feasibility of a replacement run now, line by line (the engine's smallest relaxation when infeasible).
    pub verdict: Vec<String>,
    /// The history.
    pub history: Vec<HistoryRow>,
    /// The bulk strings.
    pub b: &'static crate::i18n::bulk::BulkMessages,
    /// What a bulk change just recorded, or empty.
    pub notice: String,
    /// The statuses the bulk form records (value, label).
    pub bulk_choices: Vec<(String, String)>,
}
