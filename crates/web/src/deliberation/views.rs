//! The pages of deliberation (askama templates in `crates/web/templates/`) and their view models, the results
//! tables of a closed ballot, and the words of every refusal in the visitor's language.

use app::deliberation::{CountProblem, DefinitionProblem, Refusal};
use askama::Template;
use axum::http::StatusCode;
use ballots::notation::{self, MethodKind};
use ballots::{BallotStatus, Counted, Entry, Mismatch, Outcome, Threshold};
use store::ballot_box::BallotRow;
use store::recommendations::{RecommendationRow, Route};

use super::forms::{BallotForm, ProposalForm, RULES};
use crate::i18n::proposals::ProposalMessages;
use crate::i18n::{DeliberationMessages, fill};
use crate::views::{AssemblyView, Chrome};

/// One option of a select, owned.
pub struct Choice {
    /// The value.
    pub value: String,
    /// The label.
    pub label: String,
    /// Whether it is selected.
    pub selected: bool,
}

/// The options of a select from parallel lists of values and labels.
pub fn choices(values: &[&str], labels: &[&'static str], chosen: &str) -> Vec<Choice> {
    values
        .iter()
        .zip(labels)
        .map(|(value, label)| Choice {
            value: (*value).to_owned(),
            label: (*label).to_owned(),
            selected: *value == chosen,
        })
        .collect()
}

/// The translated name of a method.
pub fn method_name(t: &DeliberationMessages, kind: MethodKind) -> &'static str {
    let index = MethodKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    t.methods[index]
}

/// The translated name of a ballot's status.
pub fn status_name(t: &DeliberationMessages, status: BallotStatus) -> &'static str {
    let index = BallotStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0);
    t.statuses[index]
}

/// The translated pass rule ("" for a rule the form does not offer).
pub fn rule_name(t: &DeliberationMessages, rule: Option<Threshold>) -> &'static str {
    let written = rule.map(notation::write_threshold).unwrap_or_default();
    RULES
        .iter()
        .position(|offered| *offered == written)
        .map(|index| t.rules[index])
        .unwrap_or("")
}

/// A ballot in a list.
pub struct BallotSummary {
    /// The id.
    pub id: i64,
    /// The wording shown.
    pub wording: String,
    /// The translated method.
    pub method: String,
    /// The translated status.
    pub status: String,
    /// The results text, once closed.
    pub result: String,
}

impl BallotSummary {
    /// The summary of a stored ballot.
    pub fn of(row: &BallotRow, t: &DeliberationMessages) -> BallotSummary {
        BallotSummary {
            id: row.id,
            wording: app::deliberation::shown_wording(row).to_owned(),
            method: method_name(t, row.fields.method).to_owned(),
            status: status_name(t, row.status).to_owned(),
            result: if row.status == BallotStatus::Closed {
                row.result_text.clone()
            } else {
                String::new()
            },
        }
    }
}

/// A proposal in a list.
pub struct ProposalSummary {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// Its session and table.
    pub place: PlaceView,
    /// Its stage, in words.
    pub stage: String,
    /// The current version.
    pub version: i64,
}

/// A proposal's session and table as pages show them: the session linked to where the viewer sees it, the table
/// numbered from 1, and a legacy label marked as such.
pub struct PlaceView {
    /// The session's id, if linked.
    pub session_id: Option<i64>,
    /// Where the session is shown to this viewer (the sessions page for staff, the member's schedule otherwise).
    pub session_href: String,
    /// The session's title and date, its legacy label, or "No session".
    pub session: String,
    /// Whether `session` is a legacy label.
    pub legacy_session: bool,
    /// "Table 3", the legacy label, or "No table".
    pub table: String,
    /// Whether `table` is a legacy label.
    pub legacy_table: bool,
}

impl PlaceView {
    /// The place of `proposal` among `sessions`; `staff_sessions` says whether the viewer may open the sessions
    /// page.
    pub fn of(
        proposal: &store::proposals::ProposalRow,
        sessions: &[store::sessions::SessionRow],
        staff_sessions: bool,
        tp: &ProposalMessages,
    ) -> PlaceView {
        let assembly_id = proposal.assembly_id;
        let session = proposal
            .fields
            .session_id
            .and_then(|id| sessions.iter().find(|session| session.id == id));
        let (session_text, legacy_session) = match session {
            Some(session) => (session_text(session), false),
            None if !proposal.legacy_session.is_empty() => (proposal.legacy_session.clone(), true),
            None => (tp.no_session.to_owned(), false),
        };
        let (table, legacy_table) = match proposal.fields.table_no {
            Some(table_no) => (table_text(tp, table_no), false),
            None if !proposal.legacy_table.is_empty() => (proposal.legacy_table.clone(), true),
            None => (tp.no_table.to_owned(), false),
        };
        PlaceView {
            session_id: session.map(|session| session.id),
            session_href: match session {
                Some(session) if staff_sessions => {
                    format!(
                        "/staff/assemblies/{assembly_id}/sessions#session-{}",
                        session.id
                    )
                }
                Some(session) => format!("/assemblies/{assembly_id}/mine#session-{}", session.id),
                None => String::new(),
            },
            session: session_text,
            legacy_session,
            table,
            legacy_table,
        }
    }
}

/// "title (date)" of a session, as selects and lists show it.
fn session_text(session: &store::sessions::SessionRow) -> String {
    format!("{} ({})", session.fields.title, session.fields.held_on)
}

/// "Table 3" for the stored table number 2.
fn table_text(tp: &ProposalMessages, table_no: i64) -> String {
    fill(tp.table_n, &[("n", &(table_no + 1).to_string())])
}

/// The tables of one session in the table select.
pub struct TableGroup {
    /// The session, in words.
    pub label: String,
    /// Its tables.
    pub options: Vec<Choice>,
}

/// The session select of the proposal form: "No session", then the assembly's sessions.
pub fn session_choices(
    places: &app::deliberation::proposals::Places,
    chosen: &str,
    tp: &ProposalMessages,
) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: tp.no_session.to_owned(),
        selected: chosen.is_empty(),
    })
    .chain(places.sessions.iter().map(|session| Choice {
        value: session.id.to_string(),
        label: session_text(session),
        selected: chosen == session.id.to_string(),
    }))
    .collect()
}

/// The table select of the proposal form: the tables of the current allocation grouped by session.
pub fn table_groups(
    places: &app::deliberation::proposals::Places,
    chosen: &str,
    tp: &ProposalMessages,
) -> Vec<TableGroup> {
    places
        .sessions
        .iter()
        .filter_map(|session| {
            let options: Vec<Choice> = places
                .tables
                .iter()
                .filter(|(session_id, _)| *session_id == session.id)
                .map(|(session_id, table_no)| {
                    let value = ProposalForm::table_value(*session_id, *table_no);
                    Choice {
                        selected: chosen == value,
                        value,
                        label: table_text(tp, *table_no),
                    }
                })
                .collect();
            (!options.is_empty()).then(|| TableGroup {
                label: session_text(session),
                options,
            })
        })
        .collect()
}

/// The filters of the proposals list as the page shows them.
pub struct ProposalFilterView {
    /// The title search.
    pub q: String,
    /// The stage options (the chosen one selected).
    pub stages: Vec<Choice>,
    /// The session options (the chosen one selected).
    pub sessions: Vec<Choice>,
    /// Whether any filter is set (an empty list then says that nothing matches).
    pub filtered: bool,
}

/// A recommendation in a list.
pub struct RecommendationView {
    /// The id.
    pub id: i64,
    /// The reference.
    pub reference: String,
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
    /// The theme.
    pub theme: String,
    /// The translated route.
    pub route: String,
    /// The support in words.
    pub support_text: String,
    /// The support as a whole percentage, if measured.
    pub support_percent: Option<i64>,
    /// The minority report.
    pub minority_report: String,
}

impl RecommendationView {
    /// The view of a stored recommendation.
    pub fn of(row: &RecommendationRow, t: &DeliberationMessages) -> RecommendationView {
        let route_index = Route::ALL
            .iter()
            .position(|route| *route == row.fields.route)
            .unwrap_or(3);
        RecommendationView {
            id: row.id,
            reference: row.fields.reference.clone(),
            title: row.fields.title.clone(),
            body: row.fields.body.clone(),
            theme: row.fields.theme.clone(),
            route: t.routes[route_index].to_owned(),
            support_text: row.fields.support_text.clone(),
            support_percent: row.fields.support_bp.map(|bp| (i64::from(bp) + 50) / 100),
            minority_report: row.fields.minority_report.clone(),
        }
    }
}

/// The deliberation page: proposals, ballots and recommendations of an assembly.
#[derive(Template)]
#[template(path = "deliberation.html")]
pub struct DeliberationPage {
    /// Chrome.
    pub c: Chrome,
    /// The strings of deliberation.
    pub t: &'static DeliberationMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// The strings of proposals' sessions, tables and list.
    pub tp: &'static ProposalMessages,
    /// Proposals: one page of those matching the filters.
    pub proposals: Vec<ProposalSummary>,
    /// The proposals list's filters.
    pub filter: ProposalFilterView,
    /// The proposals list's page navigation.
    pub paging: crate::paging::Paging,
    /// The session select of the proposal form.
    pub session_choices: Vec<Choice>,
    /// The table select of the proposal form, by session.
    pub table_groups: Vec<TableGroup>,
    /// Ballots.
    pub ballots: Vec<BallotSummary>,
    /// Recommendations.
    pub recommendations: Vec<RecommendationView>,
    /// Whether the viewer may draft.
    pub can_draft: bool,
    /// Whether the viewer may create ballots.
    pub can_manage: bool,
    /// Whether the viewer may make passed proposals recommendations.
    pub can_adopt: bool,
    /// The passed proposals not adopted yet, as the form adopting many of them shows them.
    pub adoptable: Vec<super::adoptions::AdoptableRow>,
    /// That form's errors.
    pub adoption_errors: Vec<String>,
    /// The bulk strings (opening and closing many ballots).
    pub bulk: &'static crate::i18n::bulk::BulkMessages,
    /// The proposal form as sent.
    pub proposal_form: ProposalForm,
    /// Its errors.
    pub proposal_errors: Vec<String>,
    /// The ballot form as sent.
    pub ballot_form: BallotForm,
    /// Its errors.
    pub ballot_errors: Vec<String>,
    /// Method options.
    pub methods: Vec<Choice>,
    /// Rule options.
    pub rules: Vec<Choice>,
    /// Held-when options.
    pub held_whens: Vec<Choice>,
    /// Proposal options (id, title).
    pub proposal_choices: Vec<Choice>,
    /// Earlier-ballot options.
    pub ballot_choices: Vec<Choice>,
    /// Whether something was just saved.
    pub saved: bool,
}

/// An amendment as shown.
pub struct AmendmentView {
    /// The id.
    pub id: i64,
    /// The proposed text.
    pub body: String,
    /// Why.
    pub rationale: String,
    /// The translated status.
    pub status: String,
    /// Whether it is still open.
    pub open: bool,
    /// The version it was written against.
    pub base_version: i64,
    /// Comments on it.
    pub comments: Vec<CommentView>,
}

/// A comment as shown (authors are not named: members discuss ideas, not people).
pub struct CommentView {
    /// The text.
    pub body: String,
    /// The date.
    pub on: String,
}

/// A version as shown.
pub struct VersionView {
    /// The number.
    pub version: i64,
    /// The text.
    pub body: String,
    /// The amendment that made it.
    pub amendment_id: Option<i64>,
    /// The date.
    pub on: String,
}

/// The proposal page.
#[derive(Template)]
#[template(path = "proposal.html")]
pub struct ProposalPage {
    /// Chrome.
    pub c: Chrome,
    /// The strings of deliberation.
    pub t: &'static DeliberationMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The proposal.
    pub proposal: store::proposals::ProposalRow,
    /// The strings of proposals' sessions and tables.
    pub tp: &'static ProposalMessages,
    /// Its session and table.
    pub place: PlaceView,
    /// Its versions, newest first.
    pub versions: Vec<VersionView>,
    /// Its amendments.
    pub amendments: Vec<AmendmentView>,
    /// Comments on the proposal itself.
    pub comments: Vec<CommentView>,
    /// Ballots on it.
    pub ballots: Vec<BallotSummary>,
    /// Its recommendation, if made.
    pub recommendation: Option<RecommendationView>,
    /// Whether the viewer may draft, amend and comment.
    pub can_draft: bool,
    /// Whether the viewer may accept or reject amendments (the drafter, organisers).
    pub can_decide: bool,
    /// Whether the viewer may make it a recommendation.
    pub can_adopt: bool,
    /// Whether a closed ballot on it passed.
    pub passed: bool,
    /// Route options.
    pub routes: Vec<Choice>,
    /// Form errors.
    pub errors: Vec<String>,
    /// Values typed in the failing form (field, value).
    pub typed: Vec<(&'static str, String)>,
    /// Whether something was just saved.
    pub saved: bool,
}

impl ProposalPage {
    /// What was typed in `field` of the failing form, for re-rendering.
    pub fn typed(&self, field: &str) -> &str {
        self.typed
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, value)| value.as_str())
            .unwrap_or("")
    }
}

/// A results table row: a label and numbers.
pub struct ResultRow {
    /// The label.
    pub label: String,
    /// The cells.
    pub cells: Vec<String>,
}

/// The results of a closed ballot, as tables.
pub struct ResultsView {
    /// The results text (English, from the `ballots` crate).
    pub text: String,
    /// The column headers of the main table.
    pub headers: Vec<String>,
    /// The main table (counts by answer, or by option).
    pub rows: Vec<ResultRow>,
    /// The Schulze pairwise table (ranking only).
    pub pairwise: Vec<ResultRow>,
    /// The strongest paths (ranking only).
    pub paths: Vec<ResultRow>,
    /// The option labels, for the pairwise tables' headers.
    pub options: Vec<String>,
    /// Whether it passed, in words, if the method has a pass rule.
    pub decision: Option<String>,
}

impl ResultsView {
    /// The stored results text alone (when the stored votes no longer count, e.g. after a definition problem).
    pub fn text_only(text: &str) -> ResultsView {
        ResultsView {
            text: text.to_owned(),
            headers: Vec::new(),
            rows: Vec::new(),
            pairwise: Vec::new(),
            paths: Vec::new(),
            options: Vec::new(),
            decision: None,
        }
    }

    /// The tables of an outcome.
    pub fn of(outcome: &Outcome, t: &DeliberationMessages) -> ResultsView {
        let pct = |count: u32, base: u32| {
            format!("{}%", ballots::percent(u64::from(count), u64::from(base)))
        };
        let mut view = ResultsView {
            headers: vec![t.votes_col.to_owned(), t.share_col.to_owned()],
            decision: outcome
                .passed()
                .map(|passed| if passed { t.passed } else { t.not_passed }.to_owned()),
            ..ResultsView::text_only(&outcome.to_string())
        };
        let turnout = outcome.turnout();
        match outcome.counted() {
            Counted::YesNo(count) => {
                for (label, n) in [
                    (t.yes, count.yes()),
                    (t.no, count.no()),
                    (t.abstain, count.abstain()),
                ] {
                    view.rows.push(ResultRow {
                        label: label.to_owned(),
                        cells: vec![n.to_string(), pct(n, turnout)],
                    });
                }
            }
            Counted::Agreement(count) => {
                for (index, n) in count.levels().iter().enumerate().rev() {
                    view.rows.push(ResultRow {
                        label: t.levels[index].to_owned(),
                        cells: vec![n.to_string(), pct(*n, count.total())],
                    });
                }
            }
            Counted::Ranking(result) => {
                view.options = result.options().to_vec();
                view.headers = vec![t.rank_col.to_owned()];
                for (place, group) in result.ranking().iter().enumerate() {
                    let names: Vec<&str> = group
                        .iter()
                        .map(|index| result.options()[*index].as_str())
                        .collect();
                    view.rows.push(ResultRow {
                        label: (place + 1).to_string(),
                        cells: vec![names.join(" = ")],
                    });
                }
                let table = |matrix: &[Vec<u32>]| {
                    matrix
                        .iter()
                        .enumerate()
                        .map(|(i, row)| ResultRow {
                            label: result.options()[i].clone(),
                            cells: row
                                .iter()
                                .enumerate()
                                .map(|(j, n)| {
                                    if i == j {
                                        "—".to_owned()
                                    } else {
                                        n.to_string()
                                    }
                                })
                                .collect(),
                        })
                        .collect()
                };
                view.pairwise = table(result.pairwise());
                view.paths = table(result.strongest_paths());
            }
            Counted::Approval(count) => {
                for (index, option) in count.options().iter().enumerate() {
                    let n = count.approvals()[index];
                    view.rows.push(ResultRow {
                        label: option.clone(),
                        cells: vec![n.to_string(), pct(n, count.votes())],
                    });
                }
            }
        }
        view
    }
}

/// The ballot page.
#[derive(Template)]
#[template(path = "ballot.html")]
pub struct BallotPage {
    /// Chrome.
    pub c: Chrome,
    /// The strings of deliberation.
    pub t: &'static DeliberationMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The ballot.
    pub ballot: BallotRow,
    /// The method's identifier, for the vote form (`yes_no`, `agreement`, `ranking`, `approval`).
    pub method_id: &'static str,
    /// The status's identifier, for the open and close buttons (`draft`, `open`, ...).
    pub status_id: &'static str,
    /// The wording shown.
    pub wording: String,
    /// The translated method.
    pub method: String,
    /// The translated status.
    pub status: String,
    /// The translated rule.
    pub rule: String,
    /// The options (ranking, approval), numbered from 1.
    pub options: Vec<(usize, String)>,
    /// The agreement levels, strongest agreement first (value, label).
    pub levels: Vec<(u8, &'static str)>,
    /// How many voted on the platform.
    pub voters: i64,
    /// Whether the viewer may vote now.
    pub can_vote: bool,
    /// Whether the viewer has voted.
    pub has_voted: bool,
    /// Whether the viewer may open and close it.
    pub can_manage: bool,
    /// Whether the viewer may type paper entries.
    pub can_enter_paper: bool,
    /// Paper entries typed so far (1, 2).
    pub paper_entries: Vec<i64>,
    /// Paper mismatches by sheet.
    pub mismatches: Vec<String>,
    /// The results, once closed.
    pub results: Option<ResultsView>,
    /// Errors.
    pub errors: Vec<String>,
    /// The paper entry typed (on error).
    pub paper_typed: String,
    /// A confirmation to show.
    pub notice: Option<String>,
}

/// The public final report.
#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    /// Chrome.
    pub c: Chrome,
    /// The strings of deliberation.
    pub t: &'static DeliberationMessages,
    /// The assembly.
    pub a: AssemblyView,
    /// Every recommendation (none for a reader who may not see an unpublished report).
    pub recommendations: Vec<RecommendationView>,
    /// The audit log's anchor when the report was produced, as `/audit/anchor` gives it (JSON).
    pub anchor: String,
    /// The strings of publishing.
    pub p: &'static crate::i18n::publish::PublishMessages,
    /// Whether the reader sees the report (published, or a preview).
    pub shown: bool,
    /// Whether this is a preview of an unpublished report.
    pub preview: bool,
    /// When it was published, in words.
    pub published_on: Option<String>,
    /// Whether the reader may publish it or withdraw its publication.
    pub can_publish: bool,
    /// The confirmation's words, with the number of recommendations.
    pub publish_confirm: String,
    /// What the last publishing action did.
    pub notice: Option<&'static str>,
    /// What is wrong with the last publishing attempt.
    pub errors: Vec<String>,
}

/// A paper mismatch in words.
pub fn mismatch_text(t: &DeliberationMessages, mismatch: &Mismatch) -> String {
    let entry_name = |entry: &Entry| match entry {
        Entry::First => t.first_entry,
        Entry::Second => t.second_entry,
    };
    match mismatch {
        Mismatch::Missing {
            sheet,
            missing_from,
        } => fill(
            t.mismatch_missing,
            &[
                ("sheet", &sheet.to_string()),
                ("entry", entry_name(missing_from)),
            ],
        ),
        Mismatch::Duplicate { sheet, entry } => fill(
            t.mismatch_duplicate,
            &[("sheet", &sheet.to_string()), ("entry", entry_name(entry))],
        ),
        Mismatch::Different { sheet, .. } => {
            fill(t.mismatch_different, &[("sheet", &sheet.to_string())])
        }
    }
}

/// Why a ballot cannot be counted, in words.
pub fn count_problem_text(t: &DeliberationMessages, problem: &CountProblem) -> String {
    match problem {
        CountProblem::Definition(error) | CountProblem::Tally(error) => error.to_string(),
        CountProblem::SecondEntryMissing => t.err_second_entry_missing.to_owned(),
        CountProblem::Mismatches(mismatches) => {
            let sheets: Vec<String> = mismatches
                .iter()
                .map(|mismatch| mismatch_text(t, mismatch))
                .collect();
            format!("{} {}", t.err_paper_mismatch, sheets.join("; "))
        }
    }
}

/// The HTTP status of a page that shows a refusal: 422 for what the person can correct in the form, 409 for a
/// conflict with the state of things.
pub fn refusal_status(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::NotPassed
        | Refusal::UnknownSession
        | Refusal::UnknownTable
        | Refusal::AlreadyAdopted
        | Refusal::Definition(_)
        | Refusal::InvalidVote(_)
        | Refusal::UnreadableSheet { .. }
        | Refusal::NoSheets => StatusCode::UNPROCESSABLE_ENTITY,
        Refusal::NotDrafter
        | Refusal::AlreadyDecided
        | Refusal::OutdatedAmendment
        | Refusal::ReferenceTaken
        | Refusal::NotDraft
        | Refusal::EarlierOpen { .. }
        | Refusal::NotOpen
        | Refusal::MembersOnly
        | Refusal::AlreadyVoted
        | Refusal::SameClerk
        | Refusal::Uncountable(_) => StatusCode::CONFLICT,
    }
}

/// A refusal in words, one sentence per problem.
pub fn refusal_text(t: &DeliberationMessages, refusal: &Refusal) -> Vec<String> {
    let field = |label: &str, problem: &str| format!("{label}: {problem}");
    let one = match refusal {
        Refusal::NotDrafter => t.err_not_drafter.to_owned(),
        Refusal::UnknownSession => field(t.session_label, t.malformed),
        Refusal::UnknownTable => field(t.table_label, t.malformed),
        Refusal::AlreadyDecided => t.err_already_decided.to_owned(),
        Refusal::OutdatedAmendment => t.err_outdated_amendment.to_owned(),
        Refusal::NotPassed => t.err_not_passed.to_owned(),
        Refusal::AlreadyAdopted => t.err_already_adopted.to_owned(),
        Refusal::ReferenceTaken => field(t.reference_label, t.err_reference_taken),
        Refusal::Definition(problems) => {
            return problems
                .iter()
                .map(|problem| match problem {
                    DefinitionProblem::UnknownEarlierBallot => {
                        field(t.opens_after_label, t.malformed)
                    }
                    DefinitionProblem::UnknownProposal => field(t.proposal_label, t.malformed),
                    DefinitionProblem::NeedsEarlier => t.err_needs_earlier.to_owned(),
                    DefinitionProblem::EarlierHasNoDecision => t.err_earlier_no_decision.to_owned(),
                    DefinitionProblem::Options(error) => field(t.options_label, &error.to_string()),
                })
                .collect();
        }
        Refusal::NotDraft => t.err_not_draft.to_owned(),
        Refusal::EarlierOpen { ballot_id } => {
            fill(t.err_earlier_open, &[("id", &ballot_id.to_string())])
        }
        Refusal::NotOpen => t.err_not_open.to_owned(),
        Refusal::MembersOnly => t.err_members_only.to_owned(),
        Refusal::AlreadyVoted => t.err_already_voted.to_owned(),
        Refusal::InvalidVote(None) => field(t.your_vote, t.required),
        Refusal::InvalidVote(Some(error)) => field(t.your_vote, &error.to_string()),
        Refusal::SameClerk => t.err_same_clerk.to_owned(),
        Refusal::UnreadableSheet { line } => fill(t.err_paper_line, &[("line", &line.to_string())]),
        Refusal::NoSheets => field(t.sheets_label, t.required),
        Refusal::Uncountable(problem) => count_problem_text(t, problem),
    };
    vec![one]
}
