//! The assembly at work, part B (issue 5): proposals, amendments and comments, minority reports, secret ballots
//! (online and on paper, sequential), recommendations made from passed proposals, and the public final report.
//!
//! Ballot secrecy is kept by `store::ballot_box` (who voted is stored apart from what was voted, and the votes are
//! re-keyed at every vote); this module adds what the web must not leak: the vote is audit-logged without the
//! member's id (see `docs/ballots.md`), nothing about a vote goes to the trace log, and results are shown to
//! nobody, organisers included, before the ballot closes.
//! Counting is done by the `ballots` crate when a ballot closes, over the online votes and the reconciled paper
//! sheets; the results page recounts the same stored votes to show the full tables.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use ballots::{
    Abstention, AgreementAnswer, AgreementScale, ApprovalBallot, Ballot, BallotSpec, Counted,
    Entry, Method, Mismatch, Options, Outcome, PaperVote, Ratio, Threshold, Vote, WinnerRule,
    Wording, YesNoChoice, YesNoRule,
};
use domain::permission::{Action, Role, allowed};
use serde::Deserialize;
use serde_json::json;
use store::ballot_box::{BallotRow, NewBallot, PaperRefusal, VoteRefusal};
use store::proposals::{AmendmentStatus, DecisionRefusal, NewProposal};
use store::recommendations::{NewRecommendation, Route};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Messages;
use crate::views::{Chrome, render, utc_date};
use crate::{AppState, now};

/// The longest title.
pub const MAX_TITLE: usize = 200;
/// The longest text (a proposal, an amendment, a minority report, a comment).
pub const MAX_TEXT: usize = 20_000;
/// The ballot methods, in the order of [`crate::i18n::DeliberationMessages::methods`].
pub const METHODS: [&str; 4] = ["yes_no", "agreement", "ranking", "approval"];
/// The pass rules offered, in the order of [`crate::i18n::DeliberationMessages::rules`]; empty is "no pass rule".
pub const RULES: [&str; 5] = [
    "more_than 1/2",
    "at_least 3/5",
    "at_least 2/3",
    "at_least 3/4",
    "",
];
/// When a sequential ballot is held, in the order of [`crate::i18n::DeliberationMessages::held_whens`].
pub const HELD_WHENS: [&str; 3] = ["always", "passed", "failed"];
/// The statuses of a ballot, in the order of [`crate::i18n::DeliberationMessages::statuses`].
pub const STATUSES: [&str; 4] = ["draft", "open", "closed", "skipped"];
/// The routes of a recommendation, in the order of [`crate::i18n::DeliberationMessages::routes`].
pub const ROUTES: [Route; 4] = Route::ALL;

async fn audit(
    tx: &mut store::Tx,
    actor: Option<i64>,
    action: &str,
    entity: &str,
    after: &serde_json::Value,
    now: i64,
) -> Result<(), AppError> {
    let after = after.to_string();
    store::audit::append(
        tx,
        &store::audit::Change {
            actor_account_id: actor,
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

fn label<'a>(values: &[&str], labels: &'a [&'static str], value: &str) -> &'a str {
    values
        .iter()
        .position(|v| *v == value)
        .map(|index| labels[index])
        .unwrap_or("")
}

/// Checks a required text field; returns the trimmed text or a message naming the field.
fn required_text(label: &str, raw: &str, max: usize, m: &Messages) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(format!("{label}: {}", m.d.required));
    }
    if text.chars().count() > max {
        return Err(format!(
            "{label}: {}",
            m.d.too_long.replace("{n}", &max.to_string())
        ));
    }
    Ok(text.to_owned())
}

fn optional_text(label: &str, raw: &str, max: usize, m: &Messages) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    required_text(label, raw, max, m)
}

// ---------------------------------------------------------------------------------------------
// Ballots: from stored rows to the `ballots` crate.

fn threshold(rule: &str) -> Option<Threshold> {
    let (comparison, ratio) = rule.split_once(' ')?;
    let (numerator, denominator) = ratio.split_once('/')?;
    let ratio = Ratio::new(numerator.parse().ok()?, denominator.parse().ok()?).ok()?;
    match comparison {
        "more_than" => Threshold::more_than(ratio).ok(),
        "at_least" => Threshold::at_least(ratio).ok(),
        _ => None,
    }
}

fn option_labels(options: &str) -> Vec<String> {
    options
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn method_of(fields: &NewBallot) -> Result<Method, String> {
    let labels = option_labels(&fields.options);
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    match fields.method.as_str() {
        "yes_no" => Ok(Method::YesNo(YesNoRule::new(
            threshold(&fields.pass_rule).unwrap_or_else(Threshold::simple_majority),
            Abstention::Excluded,
        ))),
        "agreement" => Ok(Method::Agreement(AgreementScale::new(
            false,
            threshold(&fields.pass_rule),
        ))),
        "ranking" => Ok(Method::Ranking(
            Options::new(&label_refs).map_err(|error| error.to_string())?,
        )),
        "approval" => {
            let options = Options::new(&label_refs).map_err(|error| error.to_string())?;
            let max = fields
                .max_approvals
                .map(|max| u32::try_from(max).unwrap_or(u32::MAX));
            Ok(Method::Approval(
                ApprovalBallot::new(options, max, WinnerRule::TopK(1))
                    .map_err(|error| error.to_string())?,
            ))
        }
        other => Err(format!("unknown method {other:?}")),
    }
}

fn ballot_of(row: &BallotRow) -> Result<Ballot, String> {
    Ballot::new(BallotSpec {
        id: format!("b{}", row.id),
        wording: Wording::Fixed(if row.final_wording.is_empty() {
            row.fields.wording.clone()
        } else {
            row.final_wording.clone()
        }),
        method: method_of(&row.fields)?,
        eligible_members: u32::try_from(row.fields.eligible_members).unwrap_or(u32::MAX),
        quorum: None,
        opens_after: None,
    })
    .map_err(|error| error.to_string())
}

/// Reads a stored or typed choice: `yes`/`no`/`abstain`, a level `1`..`5`, the rank of each option in order
/// (`2,1,-,3`), or the numbers of the approved options (`1,3`, empty for a blank approval vote).
pub fn parse_choice(method: &str, options: usize, raw: &str) -> Option<Vote> {
    let raw = raw.trim();
    match method {
        "yes_no" => match raw.to_ascii_lowercase().as_str() {
            "yes" | "oui" => Some(Vote::YesNo(YesNoChoice::Yes)),
            "no" | "non" => Some(Vote::YesNo(YesNoChoice::No)),
            "abstain" | "abstention" => Some(Vote::YesNo(YesNoChoice::Abstain)),
            _ => None,
        },
        "agreement" => raw
            .parse::<u8>()
            .ok()
            .filter(|level| (1..=5).contains(level))
            .map(|level| Vote::Agreement(AgreementAnswer::Level(level))),
        "ranking" => {
            let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
            if parts.len() != options {
                return None;
            }
            let mut ranks = Vec::new();
            for (index, part) in parts.iter().enumerate() {
                if *part == "-" || part.is_empty() {
                    continue;
                }
                let rank: u32 = part
                    .parse()
                    .ok()
                    .filter(|rank| *rank >= 1 && (*rank as usize) <= options)?;
                ranks.push((index, rank));
            }
            Some(Vote::Ranking(
                ranks
                    .into_iter()
                    .map(|(index, rank)| (index.to_string(), rank))
                    .collect(),
            ))
        }
        "approval" => {
            let mut approved = Vec::new();
            for part in raw
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
            {
                let number: usize = part.parse().ok().filter(|n| *n >= 1 && *n <= options)?;
                if approved.contains(&number) {
                    return None;
                }
                approved.push(number);
            }
            approved.sort_unstable();
            Some(Vote::Approval(
                approved.into_iter().map(|n| (n - 1).to_string()).collect(),
            ))
        }
        _ => None,
    }
}

/// A vote with option indices replaced by the option labels the `ballots` crate counts.
fn with_labels(vote: Vote, labels: &[String]) -> Vote {
    let name = |index: &str| {
        index
            .parse::<usize>()
            .ok()
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default()
    };
    match vote {
        Vote::Ranking(ranks) => Vote::Ranking(
            ranks
                .into_iter()
                .map(|(index, rank)| (name(&index), rank))
                .collect(),
        ),
        Vote::Approval(approved) => {
            Vote::Approval(approved.iter().map(|index| name(index)).collect())
        }
        other => other,
    }
}

/// Parses a paper entry: one `sheet: choice` line per sheet (blank lines ignored); errors name the line.
fn parse_paper(row: &BallotRow, text: &str, m: &Messages) -> Result<Vec<PaperVote>, String> {
    let labels = option_labels(&row.fields.options);
    let mut sheets = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_error = || {
            m.d.err_paper_line
                .replace("{line}", &(index + 1).to_string())
        };
        let (sheet, choice) = line.split_once(':').ok_or_else(line_error)?;
        let sheet: u32 = sheet.trim().parse().map_err(|_| line_error())?;
        let vote = parse_choice(&row.fields.method, labels.len(), choice).ok_or_else(line_error)?;
        sheets.push(PaperVote {
            sheet,
            vote: with_labels(vote, &labels),
        });
    }
    Ok(sheets)
}

fn mismatch_text(m: &Messages, mismatch: &Mismatch) -> String {
    let entry_name = |entry: &Entry| match entry {
        Entry::First => m.d.first_entry,
        Entry::Second => m.d.second_entry,
    };
    match mismatch {
        Mismatch::Missing {
            sheet,
            missing_from,
        } => {
            m.d.mismatch_missing
                .replace("{sheet}", &sheet.to_string())
                .replace("{entry}", entry_name(missing_from))
        }
        Mismatch::Duplicate { sheet, entry } => {
            m.d.mismatch_duplicate
                .replace("{sheet}", &sheet.to_string())
                .replace("{entry}", entry_name(entry))
        }
        Mismatch::Different { sheet, .. } => {
            m.d.mismatch_different
                .replace("{sheet}", &sheet.to_string())
        }
    }
}

/// The state of the paper entries of a ballot.
struct PaperState {
    entries: Vec<i64>,
    mismatches: Vec<String>,
    reconciled: Option<Vec<Vote>>,
    problem: Option<String>,
}

async fn paper_state(
    conn: &mut store::Tx,
    row: &BallotRow,
    m: &Messages,
) -> Result<PaperState, AppError> {
    let entries = store::ballot_box::paper_entries(&mut *conn, row.id).await?;
    let numbers = entries.iter().map(|entry| entry.entry).collect();
    let mut state = PaperState {
        entries: numbers,
        mismatches: Vec::new(),
        reconciled: None,
        problem: None,
    };
    if entries.is_empty() {
        state.reconciled = Some(Vec::new());
        return Ok(state);
    }
    if entries.len() < 2 {
        state.problem = Some(m.d.err_second_entry_missing.to_owned());
        return Ok(state);
    }
    let first = parse_paper(row, &entries[0].sheets, m);
    let second = parse_paper(row, &entries[1].sheets, m);
    let (Ok(first), Ok(second)) = (first, second) else {
        state.problem = Some(m.d.err_second_entry_missing.to_owned());
        return Ok(state);
    };
    let reconciliation = ballots::reconcile(&first, &second);
    state.mismatches = reconciliation
        .mismatches()
        .iter()
        .map(|mismatch| mismatch_text(m, mismatch))
        .collect();
    if let Ok(reconciled) = reconciliation.into_reconciled() {
        state.reconciled = Some(
            reconciled
                .sheets()
                .iter()
                .map(|sheet| sheet.vote.clone())
                .collect(),
        );
    }
    Ok(state)
}

/// Counts a ballot: the online votes plus the reconciled paper sheets.
pub(crate) async fn count(
    conn: &mut store::Tx,
    row: &BallotRow,
    m: &Messages,
) -> Result<Result<Outcome, String>, AppError> {
    let ballot = match ballot_of(row) {
        Ok(ballot) => ballot,
        Err(error) => return Ok(Err(error)),
    };
    let labels = option_labels(&row.fields.options);
    let mut votes = Vec::new();
    for choice in store::ballot_box::choices(conn, row.id).await? {
        let vote = parse_choice(&row.fields.method, labels.len(), &choice).ok_or_else(|| {
            AppError::Internal(format!("stored choice of ballot {} does not parse", row.id).into())
        })?;
        votes.push(with_labels(vote, &labels));
    }
    let paper = paper_state(conn, row, m).await?;
    if let Some(problem) = paper.problem {
        return Ok(Err(problem));
    }
    match paper.reconciled {
        Some(sheets) => votes.extend(sheets),
        None => {
            let sheets: Vec<String> = paper.mismatches;
            return Ok(Err(format!(
                "{} {}",
                m.d.err_paper_mismatch,
                sheets.join("; ")
            )));
        }
    }
    Ok(ballots::tally(&ballot, &votes).map_err(|error| error.to_string()))
}

pub(crate) fn support_bp(outcome: &Outcome) -> Option<i64> {
    let share = |count: u64, base: u64| (count * 10_000).checked_div(base).unwrap_or(0) as i64;
    match outcome.counted() {
        Counted::YesNo(count) => Some(share(
            u64::from(count.yes()),
            u64::from(count.yes() + count.no()),
        )),
        Counted::Agreement(count) => {
            Some(share(u64::from(count.agreeing()), u64::from(count.total())))
        }
        Counted::Ranking(_) | Counted::Approval(_) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Views.

/// One option of a select, owned.
pub struct Choice {
    /// The value.
    pub value: String,
    /// The label.
    pub label: String,
    /// Whether it is selected.
    pub selected: bool,
}

fn choices(values: &[&str], labels: &[&'static str], chosen: &str) -> Vec<Choice> {
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

fn summary(row: &BallotRow, m: &Messages) -> BallotSummary {
    BallotSummary {
        id: row.id,
        wording: if row.final_wording.is_empty() {
            row.fields.wording.clone()
        } else {
            row.final_wording.clone()
        },
        method: label(&METHODS, &m.d.methods, &row.fields.method).to_owned(),
        status: label(&STATUSES, &m.d.statuses, &row.status).to_owned(),
        result: if row.status == "closed" {
            row.result_text.clone()
        } else {
            String::new()
        },
    }
}

/// A proposal in a list.
pub struct ProposalSummary {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// The session label.
    pub session: String,
    /// The table label.
    pub table: String,
    /// The current version.
    pub version: i64,
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

fn recommendation_view(
    row: &store::recommendations::RecommendationRow,
    m: &Messages,
) -> RecommendationView {
    let route_index = ROUTES
        .iter()
        .position(|route| *route == row.fields.route)
        .unwrap_or(3);
    RecommendationView {
        id: row.id,
        reference: row.fields.reference.clone(),
        title: row.fields.title.clone(),
        body: row.fields.body.clone(),
        theme: row.fields.theme.clone(),
        route: m.d.routes[route_index].to_owned(),
        support_text: row.fields.support_text.clone(),
        support_percent: row.fields.support_bp.map(|bp| (i64::from(bp) + 50) / 100),
        minority_report: row.fields.minority_report.clone(),
    }
}

/// The draft-proposal form.
#[derive(Debug, Default, Deserialize)]
pub struct ProposalForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Text.
    #[serde(default)]
    pub body: String,
    /// Session.
    #[serde(default)]
    pub session_label: String,
    /// Table.
    #[serde(default)]
    pub table_label: String,
}

/// The new-ballot form.
#[derive(Debug, Default, Deserialize)]
pub struct BallotForm {
    /// One of [`METHODS`].
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
    /// One of [`HELD_WHENS`].
    #[serde(default)]
    pub held_when: String,
}

/// The deliberation page: proposals, ballots and recommendations of an assembly.
#[derive(Template)]
#[template(path = "deliberation.html")]
pub struct DeliberationPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub title: String,
    /// Proposals.
    pub proposals: Vec<ProposalSummary>,
    /// Ballots.
    pub ballots: Vec<BallotSummary>,
    /// Recommendations.
    pub recommendations: Vec<RecommendationView>,
    /// Whether the viewer may draft.
    pub can_draft: bool,
    /// Whether the viewer may create ballots.
    pub can_manage: bool,
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

/// `?saved=1` after a successful post.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    /// Set after a save.
    #[serde(default)]
    pub saved: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn deliberation_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    proposal_form: ProposalForm,
    proposal_errors: Vec<String>,
    ballot_form: BallotForm,
    ballot_errors: Vec<String>,
    saved: bool,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let proposals = store::proposals::list(&mut connection, assembly_id).await?;
    let ballot_rows = store::ballot_box::list(&mut connection, assembly_id).await?;
    let recommendations = store::recommendations::list(&mut connection, assembly_id).await?;
    drop(connection);
    let proposal_choices = std::iter::once(Choice {
        value: String::new(),
        label: m.d.none_option.to_owned(),
        selected: ballot_form.proposal_id.is_empty(),
    })
    .chain(proposals.iter().map(|p| Choice {
        value: p.id.to_string(),
        label: format!("#{} {}", p.id, p.fields.title),
        selected: ballot_form.proposal_id == p.id.to_string(),
    }))
    .collect();
    let ballot_choices = std::iter::once(Choice {
        value: String::new(),
        label: m.d.none_option.to_owned(),
        selected: ballot_form.opens_after.is_empty(),
    })
    .chain(ballot_rows.iter().map(|b| Choice {
        value: b.id.to_string(),
        label: format!("#{} {}", b.id, b.fields.wording),
        selected: ballot_form.opens_after == b.id.to_string(),
    }))
    .collect();
    let page = DeliberationPage {
        c: Chrome::new(viewer, m.d.deliberation_title),
        assembly_id,
        title: record.title,
        proposals: proposals
            .iter()
            .map(|p| ProposalSummary {
                id: p.id,
                title: p.fields.title.clone(),
                session: p.fields.session_label.clone(),
                table: p.fields.table_label.clone(),
                version: p.version,
            })
            .collect(),
        ballots: ballot_rows.iter().map(|row| summary(row, m)).collect(),
        recommendations: recommendations
            .iter()
            .map(|row| recommendation_view(row, m))
            .collect(),
        can_draft: allowed(viewer.role, Action::DraftProposals),
        can_manage: allowed(viewer.role, Action::ManageBallots),
        methods: choices(&METHODS, &m.d.methods, &ballot_form.method),
        rules: choices(&RULES, &m.d.rules, &ballot_form.pass_rule),
        held_whens: choices(&HELD_WHENS, &m.d.held_whens, &ballot_form.held_when),
        proposal_choices,
        ballot_choices,
        proposal_form,
        proposal_errors,
        ballot_form,
        ballot_errors,
        saved,
    };
    render(status, &page)
}

/// `GET /staff/assemblies/{assembly_id}/deliberation`.
pub async fn deliberation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    deliberation_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        ProposalForm::default(),
        Vec::new(),
        BallotForm::default(),
        Vec::new(),
        query.saved.is_some(),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/proposals`: a member or table drafts a proposal.
pub async fn create_proposal(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let mut errors = Vec::new();
    let title = required_text(m.d.title_label, &form.title, MAX_TITLE, m)
        .map_err(|e| errors.push(e))
        .ok();
    let body = required_text(m.d.body_label, &form.body, MAX_TEXT, m)
        .map_err(|e| errors.push(e))
        .ok();
    let session = optional_text(m.d.session_label, &form.session_label, MAX_TITLE, m)
        .map_err(|e| errors.push(e))
        .ok();
    let table = optional_text(m.d.table_label, &form.table_label, MAX_TITLE, m)
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(title), Some(body), Some(session_label), Some(table_label)) =
        (title, body, session, table)
    else {
        return deliberation_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
            BallotForm::default(),
            Vec::new(),
            false,
        )
        .await;
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = store::proposals::create(
        &mut tx,
        assembly_id,
        account_id,
        &NewProposal {
            title,
            body,
            session_label,
            table_label,
        },
        now,
    )
    .await?;
    audit(
        &mut tx,
        Some(account_id),
        "proposal.create",
        &format!("proposal:{id}"),
        &json!({ "id": id, "assembly_id": assembly_id, "version": 1 }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/proposals/{id}")).into_response())
}

fn parse_id(raw: &str) -> Option<Option<i64>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(None);
    }
    raw.parse::<i64>().ok().map(Some)
}

/// `POST /staff/assemblies/{assembly_id}/ballots`: organisers define a ballot (a draft until opened).
pub async fn create_ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Form(form): Form<BallotForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let mut errors = Vec::new();
    let method = METHODS
        .iter()
        .find(|method| **method == form.method)
        .copied();
    if method.is_none() {
        errors.push(format!("{}: {}", m.d.method_label, m.d.required));
    }
    let wording = required_text(m.d.wording_label, &form.wording, MAX_TITLE * 5, m)
        .map_err(|e| errors.push(e))
        .ok();
    let otherwise = optional_text(
        m.d.wording_otherwise_label,
        &form.wording_otherwise,
        MAX_TITLE * 5,
        m,
    )
    .map_err(|e| errors.push(e))
    .ok();
    let rule = RULES.iter().find(|rule| **rule == form.pass_rule).copied();
    if rule.is_none() || (rule == Some("") && method == Some("yes_no")) {
        errors.push(format!("{}: {}", m.d.rule_label, m.d.malformed));
    }
    let eligible = match form.eligible_members.trim().parse::<i64>() {
        Ok(n) if (1..=100_000).contains(&n) => Some(n),
        _ => {
            errors.push(format!("{}: {}", m.d.eligible_label, m.d.malformed));
            None
        }
    };
    let max_approvals = match parse_id(&form.max_approvals) {
        Some(value) => value,
        None => {
            errors.push(format!("{}: {}", m.d.max_approvals_label, m.d.malformed));
            None
        }
    };
    let proposal_id = parse_id(&form.proposal_id).unwrap_or_else(|| {
        errors.push(format!("{}: {}", m.d.proposal_label, m.d.malformed));
        None
    });
    let opens_after = parse_id(&form.opens_after).unwrap_or_else(|| {
        errors.push(format!("{}: {}", m.d.opens_after_label, m.d.malformed));
        None
    });
    let held_when = HELD_WHENS
        .iter()
        .find(|h| **h == form.held_when)
        .copied()
        .unwrap_or("always");
    let mut connection = state.store.connection().await?;
    let earlier = match opens_after {
        Some(id) => match store::ballot_box::get(&mut connection, assembly_id, id).await {
            Ok(row) => Some(row),
            Err(store::StoreError::NotFound) => {
                errors.push(format!("{}: {}", m.d.opens_after_label, m.d.malformed));
                None
            }
            Err(other) => return Err(other.into()),
        },
        None => None,
    };
    if let Some(id) = proposal_id
        && let Err(store::StoreError::NotFound) =
            store::proposals::get(&mut connection, assembly_id, id).await
    {
        errors.push(format!("{}: {}", m.d.proposal_label, m.d.malformed));
    }
    drop(connection);
    let conditional = otherwise.as_ref().is_some_and(|text| !text.is_empty());
    if (conditional || held_when != "always") && earlier.is_none() && errors.is_empty() {
        errors.push(m.d.err_needs_earlier.to_owned());
    }
    if let Some(earlier) = &earlier
        && (conditional || held_when != "always")
        && method_of(&earlier.fields)
            .map(|method| !method.has_decision())
            .unwrap_or(true)
    {
        errors.push(m.d.err_earlier_no_decision.to_owned());
    }
    let new = NewBallot {
        proposal_id,
        method: method.unwrap_or("").to_owned(),
        wording: wording.unwrap_or_default(),
        wording_otherwise: otherwise.unwrap_or_default(),
        options: option_labels(&form.options).join("\n"),
        pass_rule: rule.unwrap_or("").to_owned(),
        max_approvals,
        eligible_members: eligible.unwrap_or(1),
        opens_after,
        held_when: held_when.to_owned(),
    };
    if errors.is_empty()
        && let Err(error) = method_of(&new)
    {
        errors.push(format!("{}: {error}", m.d.options_label));
    }
    if !errors.is_empty() {
        return deliberation_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            ProposalForm::default(),
            Vec::new(),
            form,
            errors,
            false,
        )
        .await;
    }
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = store::ballot_box::create(&mut tx, assembly_id, &new, now).await?;
    audit(
        &mut tx,
        Some(account_id),
        "ballot.create",
        &format!("ballot:{id}"),
        &json!({ "id": id, "assembly_id": assembly_id, "method": new.method, "proposal_id": proposal_id, "opens_after": opens_after, "held_when": held_when }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/ballots/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// One proposal.

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
    /// The assembly id.
    pub assembly_id: i64,
    /// The proposal.
    pub proposal: store::proposals::ProposalRow,
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
    pub typed: Vec<(String, String)>,
    /// Whether something was just saved.
    pub saved: bool,
}

impl ProposalPage {
    /// What was typed in `field` of the failing form, for re-rendering.
    pub fn typed(&self, field: &str) -> &str {
        self.typed
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.as_str())
            .unwrap_or("")
    }
}

#[allow(clippy::too_many_arguments)]
async fn proposal_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    proposal_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    typed: Vec<(String, String)>,
    saved: bool,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let mut connection = state.store.connection().await?;
    let proposal = store::proposals::get(&mut connection, assembly_id, proposal_id).await?;
    let versions = store::proposals::versions(&mut connection, proposal_id).await?;
    let amendments = store::proposals::amendments(&mut connection, proposal_id).await?;
    let comments = store::proposals::comments(&mut connection, proposal_id).await?;
    let ballot_rows: Vec<BallotRow> = store::ballot_box::list(&mut connection, assembly_id)
        .await?
        .into_iter()
        .filter(|row| row.fields.proposal_id == Some(proposal_id))
        .collect();
    let recommendation = store::recommendations::list(&mut connection, assembly_id)
        .await?
        .into_iter()
        .find(|row| row.fields.proposal_id == Some(proposal_id));
    drop(connection);
    let comment_view = |row: &store::proposals::CommentRow| CommentView {
        body: row.body.clone(),
        on: utc_date(row.created_at),
    };
    let is_drafter = viewer
        .account
        .as_ref()
        .is_some_and(|account| account.id == proposal.author_account_id);
    let route_values: Vec<&str> = ROUTES.iter().map(|route| route.as_str()).collect();
    let chosen_route = typed
        .iter()
        .find(|(name, _)| name == "route")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let page = ProposalPage {
        c: Chrome::new(viewer, proposal.fields.title.clone()),
        assembly_id,
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionView {
                version: v.version,
                body: v.body.clone(),
                amendment_id: v.amendment_id,
                on: utc_date(v.created_at),
            })
            .collect(),
        amendments: amendments
            .iter()
            .map(|a| AmendmentView {
                id: a.id,
                body: a.body.clone(),
                rationale: a.rationale.clone(),
                status: m.d.amendment_statuses[match a.status {
                    AmendmentStatus::Open => 0,
                    AmendmentStatus::Accepted => 1,
                    AmendmentStatus::Rejected => 2,
                }]
                .to_owned(),
                open: a.status == AmendmentStatus::Open,
                base_version: a.base_version,
                comments: comments
                    .iter()
                    .filter(|c| c.amendment_id == Some(a.id))
                    .map(comment_view)
                    .collect(),
            })
            .collect(),
        comments: comments
            .iter()
            .filter(|c| c.amendment_id.is_none())
            .map(comment_view)
            .collect(),
        passed: ballot_rows
            .iter()
            .any(|row| row.status == "closed" && row.passed == Some(true)),
        ballots: ballot_rows.iter().map(|row| summary(row, m)).collect(),
        recommendation: recommendation
            .as_ref()
            .map(|row| recommendation_view(row, m)),
        can_draft: allowed(viewer.role, Action::DraftProposals),
        can_decide: allowed(viewer.role, Action::DraftProposals)
            && (is_drafter || matches!(viewer.role, Role::Organiser | Role::Admin)),
        can_adopt: allowed(viewer.role, Action::AdoptRecommendations),
        routes: choices(&route_values, &m.d.routes, &chosen_route),
        proposal,
        errors,
        typed,
        saved,
    };
    render(status, &page)
}

/// `GET /staff/assemblies/{assembly_id}/proposals/{proposal_id}`.
pub async fn proposal(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    proposal_page(
        &state,
        &viewer,
        assembly_id,
        proposal_id,
        StatusCode::OK,
        Vec::new(),
        Vec::new(),
        query.saved.is_some(),
    )
    .await
}

fn saved_proposal(assembly_id: i64, proposal_id: i64) -> Response {
    Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/proposals/{proposal_id}?saved=1"
    ))
    .into_response()
}

/// The amendment form.
#[derive(Debug, Default, Deserialize)]
pub struct AmendmentForm {
    /// The new text.
    #[serde(default)]
    pub amendment_body: String,
    /// Why.
    #[serde(default)]
    pub rationale: String,
}

/// `POST .../proposals/{proposal_id}/amendments`: propose a new text.
pub async fn propose_amendment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Form(form): Form<AmendmentForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let mut errors = Vec::new();
    let body = required_text(m.d.amendment_body_label, &form.amendment_body, MAX_TEXT, m)
        .map_err(|e| errors.push(e))
        .ok();
    let rationale = required_text(m.d.rationale_label, &form.rationale, MAX_TEXT, m)
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(body), Some(rationale)) = (body, rationale) else {
        let typed = vec![
            ("amendment_body".to_owned(), form.amendment_body),
            ("rationale".to_owned(), form.rationale),
        ];
        return proposal_page(
            &state,
            &viewer,
            assembly_id,
            proposal_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            typed,
            false,
        )
        .await;
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = store::proposals::propose_amendment(
        &mut tx,
        assembly_id,
        proposal_id,
        account_id,
        &body,
        &rationale,
        now,
    )
    .await?;
    audit(
        &mut tx,
        Some(account_id),
        "amendment.propose",
        &format!("amendment:{id}"),
        &json!({ "id": id, "proposal_id": proposal_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved_proposal(assembly_id, proposal_id))
}

/// The accept/reject form.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    /// `accept` or `reject`.
    #[serde(default)]
    pub decision: String,
}

/// `POST .../proposals/{proposal_id}/amendments/{amendment_id}`: the drafter accepts or rejects an amendment.
pub async fn decide_amendment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id, amendment_id)): Path<(i64, i64, i64)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => {
            let error = format!("{}: {}", m.d.decision_label, m.d.required);
            return proposal_page(
                &state,
                &viewer,
                assembly_id,
                proposal_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![error],
                Vec::new(),
                false,
            )
            .await;
        }
    };
    let mut connection = state.store.connection().await?;
    let proposal = store::proposals::get(&mut connection, assembly_id, proposal_id).await?;
    drop(connection);
    if proposal.author_account_id != account_id
        && !matches!(viewer.role, Role::Organiser | Role::Admin)
    {
        // Amendments are decided by the drafters; others get the page with the reason, not a bare 403.
        return proposal_page(
            &state,
            &viewer,
            assembly_id,
            proposal_id,
            StatusCode::CONFLICT,
            vec![m.d.err_not_drafter.to_owned()],
            Vec::new(),
            false,
        )
        .await;
    }
    let now = now();
    let mut tx = state.store.begin().await?;
    match store::proposals::decide_amendment(
        &mut tx,
        assembly_id,
        proposal_id,
        amendment_id,
        accept,
        account_id,
        now,
    )
    .await?
    {
        Ok(version) => {
            let action = if accept {
                "amendment.accept"
            } else {
                "amendment.reject"
            };
            audit(
                &mut tx,
                Some(account_id),
                action,
                &format!("amendment:{amendment_id}"),
                &json!({ "id": amendment_id, "proposal_id": proposal_id, "version": version }),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(saved_proposal(assembly_id, proposal_id))
        }
        Err(refusal) => {
            drop(tx);
            let error = match refusal {
                DecisionRefusal::AlreadyDecided => m.d.err_already_decided,
                DecisionRefusal::Outdated => m.d.err_outdated_amendment,
            };
            proposal_page(
                &state,
                &viewer,
                assembly_id,
                proposal_id,
                StatusCode::CONFLICT,
                vec![error.to_owned()],
                Vec::new(),
                false,
            )
            .await
        }
    }
}

/// The comment form.
#[derive(Debug, Default, Deserialize)]
pub struct CommentForm {
    /// The text.
    #[serde(default)]
    pub comment: String,
    /// The amendment commented on, if any.
    #[serde(default)]
    pub amendment_id: String,
}

/// `POST .../proposals/{proposal_id}/comments`: discuss a proposal or one of its amendments.
pub async fn comment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let body = required_text(m.d.comment_label, &form.comment, MAX_TEXT, m);
    let amendment_id = parse_id(&form.amendment_id);
    let (Ok(body), Some(amendment_id)) = (body.clone(), amendment_id) else {
        let error = body
            .err()
            .unwrap_or_else(|| format!("{}: {}", m.d.comment_label, m.d.malformed));
        return proposal_page(
            &state,
            &viewer,
            assembly_id,
            proposal_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![error],
            Vec::new(),
            false,
        )
        .await;
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = store::proposals::add_comment(
        &mut tx,
        assembly_id,
        proposal_id,
        amendment_id,
        account_id,
        &body,
        now,
    )
    .await?;
    audit(
        &mut tx,
        Some(account_id),
        "proposal.comment",
        &format!("proposal_comment:{id}"),
        &json!({ "id": id, "proposal_id": proposal_id, "amendment_id": amendment_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved_proposal(assembly_id, proposal_id))
}

/// The minority-report form.
#[derive(Debug, Default, Deserialize)]
pub struct MinorityForm {
    /// The text (empty removes it).
    #[serde(default)]
    pub minority_report: String,
}

/// `POST .../proposals/{proposal_id}/minority-report`: members attach a minority report to a proposal.
pub async fn proposal_minority_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Form(form): Form<MinorityForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let text = match optional_text(m.d.minority_label, &form.minority_report, MAX_TEXT, m) {
        Ok(text) => text,
        Err(error) => {
            let typed = vec![("minority_report".to_owned(), form.minority_report)];
            return proposal_page(
                &state,
                &viewer,
                assembly_id,
                proposal_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![error],
                typed,
                false,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    store::proposals::set_minority_report(&mut tx, assembly_id, proposal_id, &text, now).await?;
    audit(
        &mut tx,
        Some(account_id),
        "proposal.minority_report",
        &format!("proposal:{proposal_id}"),
        &json!({ "proposal_id": proposal_id, "characters": text.chars().count() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved_proposal(assembly_id, proposal_id))
}

/// `POST .../deliberation/recommendations/{recommendation_id}/minority-report`: a minority report on a recommendation.
pub async fn recommendation_minority_report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    Form(form): Form<MinorityForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let text = match optional_text(m.d.minority_label, &form.minority_report, MAX_TEXT, m) {
        Ok(text) => text,
        Err(error) => {
            return Err(AppError::BadInput {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: error,
            });
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    store::recommendations::set_minority_report(&mut tx, assembly_id, recommendation_id, &text)
        .await?;
    audit(
        &mut tx,
        Some(account_id),
        "recommendation.minority_report",
        &format!("recommendation:{recommendation_id}"),
        &json!({ "recommendation_id": recommendation_id, "characters": text.chars().count() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/deliberation?saved=1"
    ))
    .into_response())
}

/// The recommendation form.
#[derive(Debug, Default, Deserialize)]
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

/// `POST .../proposals/{proposal_id}/recommendation`: a passed proposal becomes a recommendation, with the support
/// measured by its ballots (the agreement distribution when there is one) and its minority report.
pub async fn adopt(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, proposal_id)): Path<(i64, i64)>,
    Form(form): Form<AdoptForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let typed = vec![
        ("reference".to_owned(), form.reference.clone()),
        ("theme".to_owned(), form.theme.clone()),
        ("route".to_owned(), form.route.clone()),
    ];
    let mut errors = Vec::new();
    let reference = required_text(m.d.reference_label, &form.reference, 40, m)
        .map_err(|e| errors.push(e))
        .ok();
    let theme = required_text(m.d.theme_label, &form.theme, MAX_TITLE, m)
        .map_err(|e| errors.push(e))
        .ok();
    let route = Route::parse(&form.route);
    if route.is_none() {
        errors.push(format!("{}: {}", m.d.route_label, m.d.required));
    }
    let mut connection = state.store.connection().await?;
    let proposal = store::proposals::get(&mut connection, assembly_id, proposal_id).await?;
    let closed: Vec<BallotRow> = store::ballot_box::list(&mut connection, assembly_id)
        .await?
        .into_iter()
        .filter(|row| row.fields.proposal_id == Some(proposal_id) && row.status == "closed")
        .collect();
    let existing = store::recommendations::list(&mut connection, assembly_id).await?;
    drop(connection);
    if !closed.iter().any(|row| row.passed == Some(true)) {
        errors.push(m.d.err_not_passed.to_owned());
    }
    if existing
        .iter()
        .any(|row| row.fields.proposal_id == Some(proposal_id))
    {
        errors.push(m.d.err_already_adopted.to_owned());
    }
    let (Some(reference), Some(theme), Some(route), true) =
        (reference, theme, route, errors.is_empty())
    else {
        return proposal_page(
            &state,
            &viewer,
            assembly_id,
            proposal_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            typed,
            false,
        )
        .await;
    };
    // The support is the distribution of the latest agreement ballot on it, else of the ballot that passed it.
    let support = closed
        .iter()
        .rev()
        .find(|row| row.fields.method == "agreement")
        .or_else(|| closed.iter().rev().find(|row| row.passed == Some(true)))
        .expect("a passed ballot exists");
    let new = NewRecommendation {
        reference,
        title: proposal.fields.title.clone(),
        body: proposal.fields.body.clone(),
        theme,
        route,
        support_bp: support.support_bp.and_then(|bp| u16::try_from(bp).ok()),
        support_text: support.result_text.clone(),
        minority_report: proposal.minority_report.clone(),
        proposal_id: Some(proposal_id),
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    let id = match store::recommendations::create(&mut tx, assembly_id, &new, now).await {
        Ok(id) => id,
        Err(store::StoreError::Conflict { .. }) => {
            drop(tx);
            let error = format!("{}: {}", m.d.reference_label, m.d.err_reference_taken);
            return proposal_page(
                &state,
                &viewer,
                assembly_id,
                proposal_id,
                StatusCode::CONFLICT,
                vec![error],
                typed,
                false,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    };
    audit(
        &mut tx,
        Some(account_id),
        "recommendation.create",
        &format!("recommendation:{id}"),
        &json!({ "id": id, "proposal_id": proposal_id, "support_ballot_id": support.id, "support_bp": new.support_bp, "route": route.as_str() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved_proposal(assembly_id, proposal_id))
}

// ---------------------------------------------------------------------------------------------
// One ballot.

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

fn results_view(outcome: &Outcome, m: &Messages) -> ResultsView {
    let pct =
        |count: u32, base: u32| format!("{}%", ballots::percent(u64::from(count), u64::from(base)));
    let mut view = ResultsView {
        text: outcome.to_string(),
        headers: vec![m.d.votes_col.to_owned(), m.d.share_col.to_owned()],
        rows: Vec::new(),
        pairwise: Vec::new(),
        paths: Vec::new(),
        options: Vec::new(),
        decision: outcome
            .passed()
            .map(|passed| if passed { m.d.passed } else { m.d.not_passed }.to_owned()),
    };
    let turnout = outcome.turnout();
    match outcome.counted() {
        Counted::YesNo(count) => {
            for (label, n) in [
                (m.d.yes, count.yes()),
                (m.d.no, count.no()),
                (m.d.abstain, count.abstain()),
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
                    label: m.d.levels[index].to_owned(),
                    cells: vec![n.to_string(), pct(*n, count.total())],
                });
            }
        }
        Counted::Ranking(result) => {
            view.options = result.options().to_vec();
            view.headers = vec![m.d.rank_col.to_owned()];
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

/// The ballot page.
#[derive(Template)]
#[template(path = "ballot.html")]
pub struct BallotPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly id.
    pub assembly_id: i64,
    /// The ballot.
    pub ballot: BallotRow,
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

#[allow(clippy::too_many_arguments)]
async fn ballot_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    ballot_id: i64,
    status: StatusCode,
    errors: Vec<String>,
    paper_typed: String,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    // A transaction only for a consistent read (dropped, so rolled back): counting needs `store::Tx`.
    let mut connection = state.store.begin().await?;
    let ballot = store::ballot_box::get(&mut connection, assembly_id, ballot_id).await?;
    let voters = store::ballot_box::voter_count(&mut connection, ballot_id).await?;
    let has_voted = match &viewer.account {
        Some(account) => {
            store::ballot_box::has_voted(&mut connection, ballot_id, account.id).await?
        }
        None => false,
    };
    let can_enter_paper = allowed(viewer.role, Action::EnterPaperBallots);
    let paper = if can_enter_paper {
        Some(paper_state(&mut connection, &ballot, m).await?)
    } else {
        None
    };
    // Results exist for nobody before the ballot closes: not counted, not rendered, whatever the role.
    let results = if ballot.status == "closed" {
        match count(&mut connection, &ballot, m).await? {
            Ok(outcome) => Some(results_view(&outcome, m)),
            Err(_) => Some(ResultsView {
                text: ballot.result_text.clone(),
                headers: Vec::new(),
                rows: Vec::new(),
                pairwise: Vec::new(),
                paths: Vec::new(),
                options: Vec::new(),
                decision: None,
            }),
        }
    } else {
        None
    };
    drop(connection);
    let (paper_entries, mismatches) = match paper {
        Some(paper) => (paper.entries, paper.mismatches),
        None => (Vec::new(), Vec::new()),
    };
    let page = BallotPage {
        c: Chrome::new(
            viewer,
            m.d.ballot_title.replace("{id}", &ballot_id.to_string()),
        ),
        assembly_id,
        wording: if ballot.final_wording.is_empty() {
            ballot.fields.wording.clone()
        } else {
            ballot.final_wording.clone()
        },
        method: label(&METHODS, &m.d.methods, &ballot.fields.method).to_owned(),
        status: label(&STATUSES, &m.d.statuses, &ballot.status).to_owned(),
        rule: label(&RULES, &m.d.rules, &ballot.fields.pass_rule).to_owned(),
        options: option_labels(&ballot.fields.options)
            .into_iter()
            .enumerate()
            .map(|(i, label)| (i + 1, label))
            .collect(),
        levels: (1..=5u8)
            .rev()
            .map(|level| (level, m.d.levels[usize::from(level) - 1]))
            .collect(),
        voters,
        can_vote: viewer.role == Role::Member && ballot.status == "open" && !has_voted,
        has_voted,
        can_manage: allowed(viewer.role, Action::ManageBallots),
        can_enter_paper: can_enter_paper && ballot.status == "open",
        paper_entries,
        mismatches,
        results,
        errors,
        paper_typed,
        notice,
        ballot,
    };
    render(status, &page)
}

/// `?voted=1` and friends after a successful post.
#[derive(Debug, Default, Deserialize)]
pub struct BallotQuery {
    /// Set after a vote.
    #[serde(default)]
    pub voted: Option<String>,
    /// Set after a paper entry.
    #[serde(default)]
    pub entered: Option<String>,
}

/// `GET /staff/assemblies/{assembly_id}/ballots/{ballot_id}`.
pub async fn ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
    Query(query): Query<BallotQuery>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let notice = if query.voted.is_some() {
        Some(m.d.vote_recorded.to_owned())
    } else if query.entered.is_some() {
        Some(m.d.paper_saved.to_owned())
    } else {
        None
    };
    ballot_page(
        &state,
        &viewer,
        assembly_id,
        ballot_id,
        StatusCode::OK,
        Vec::new(),
        String::new(),
        notice,
    )
    .await
}

/// `POST .../ballots/{ballot_id}/open`: opens a draft ballot once the ballot it follows has closed; the wording
/// follows that ballot's result, and a ballot held only after a pass (or a failure) that did not happen is skipped.
pub async fn open_ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let ballot = store::ballot_box::get(&mut connection, assembly_id, ballot_id).await?;
    let earlier = match ballot.fields.opens_after {
        Some(id) => Some(store::ballot_box::get(&mut connection, assembly_id, id).await?),
        None => None,
    };
    drop(connection);
    let refuse = |error: &str| (StatusCode::CONFLICT, vec![error.to_owned()]);
    let mut held = true;
    let mut wording = ballot.fields.wording.clone();
    let refusal = if ballot.status != "draft" {
        Some(refuse(m.d.err_not_draft))
    } else if let Some(earlier) = &earlier {
        match earlier.status.as_str() {
            "closed" => {
                let passed = earlier.passed;
                held = match ballot.fields.held_when.as_str() {
                    "passed" => passed == Some(true),
                    "failed" => passed == Some(false),
                    _ => true,
                };
                if !ballot.fields.wording_otherwise.is_empty() && passed != Some(true) {
                    wording = ballot.fields.wording_otherwise.clone();
                }
                None
            }
            "skipped" => {
                held = false;
                None
            }
            _ => Some(refuse(
                &m.d.err_earlier_open
                    .replace("{id}", &earlier.id.to_string()),
            )),
        }
    } else {
        None
    };
    if let Some((status, errors)) = refusal {
        return ballot_page(
            &state,
            &viewer,
            assembly_id,
            ballot_id,
            status,
            errors,
            String::new(),
            None,
        )
        .await;
    }
    let now = now();
    let mut tx = state.store.begin().await?;
    let changed = if held {
        store::ballot_box::open(&mut tx, assembly_id, ballot_id, &wording, now).await?
    } else {
        store::ballot_box::skip(&mut tx, assembly_id, ballot_id, now).await?
    };
    if !changed {
        drop(tx);
        return ballot_page(
            &state,
            &viewer,
            assembly_id,
            ballot_id,
            StatusCode::CONFLICT,
            vec![m.d.err_not_draft.to_owned()],
            String::new(),
            None,
        )
        .await;
    }
    let action = if held { "ballot.open" } else { "ballot.skip" };
    audit(
        &mut tx,
        Some(account_id),
        action,
        &format!("ballot:{ballot_id}"),
        &json!({ "id": ballot_id, "opens_after": ballot.fields.opens_after }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/ballots/{ballot_id}"
    ))
    .into_response())
}

/// `POST .../ballots/{ballot_id}/close`: counts the online votes and the reconciled paper sheets and publishes the
/// result. Paper entries that do not match refuse the closing, naming the sheets.
pub async fn close_ballot(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let now = now();
    let mut tx = state.store.begin().await?;
    let ballot = store::ballot_box::get(&mut tx, assembly_id, ballot_id).await?;
    if ballot.status != "open" {
        drop(tx);
        return ballot_page(
            &state,
            &viewer,
            assembly_id,
            ballot_id,
            StatusCode::CONFLICT,
            vec![m.d.err_not_open.to_owned()],
            String::new(),
            None,
        )
        .await;
    }
    // The sealed online votes become readable votes, in one shuffled batch, only in this transaction.
    store::ballot_box::open_sealed_votes(&mut tx, ballot_id, &state.config.secret.ballot_seal())
        .await?;
    let outcome = match count(&mut tx, &ballot, m).await? {
        Ok(outcome) => outcome,
        Err(problem) => {
            drop(tx);
            return ballot_page(
                &state,
                &viewer,
                assembly_id,
                ballot_id,
                StatusCode::CONFLICT,
                vec![problem],
                String::new(),
                None,
            )
            .await;
        }
    };
    let result = store::ballot_box::ClosingResult {
        text: outcome.to_string(),
        passed: outcome.passed(),
        support_bp: support_bp(&outcome),
    };
    if !store::ballot_box::close(&mut tx, assembly_id, ballot_id, &result, now).await? {
        drop(tx);
        return ballot_page(
            &state,
            &viewer,
            assembly_id,
            ballot_id,
            StatusCode::CONFLICT,
            vec![m.d.err_not_open.to_owned()],
            String::new(),
            None,
        )
        .await;
    }
    audit(
        &mut tx,
        Some(account_id),
        "ballot.close",
        &format!("ballot:{ballot_id}"),
        &json!({ "id": ballot_id, "turnout": outcome.turnout(), "passed": result.passed, "support_bp": result.support_bp }),
        now,
    )
    .await?;
    tx.commit().await?;
    // SQLite: the sealed rows are deleted (and zeroed, `secure_delete`); empty the write-ahead log as well.
    if let Err(error) = state.store.forget().await {
        tracing::warn!(ballot_id, error = %error, "checkpoint after closing a ballot failed");
    }
    Ok(Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/ballots/{ballot_id}"
    ))
    .into_response())
}

/// `POST .../ballots/{ballot_id}/vote`: a member's secret vote.
pub async fn vote(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let ballot = store::ballot_box::get(&mut connection, assembly_id, ballot_id).await?;
    drop(connection);
    if viewer.role != Role::Member {
        // Only the assembly's members vote; an administrator may reach this route but has no vote.
        return ballot_page(
            &state,
            &viewer,
            assembly_id,
            ballot_id,
            StatusCode::CONFLICT,
            vec![m.d.err_members_only.to_owned()],
            String::new(),
            None,
        )
        .await;
    }
    let labels = option_labels(&ballot.fields.options);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    };
    let choice = match ballot.fields.method.as_str() {
        "ranking" => (0..labels.len())
            .map(|index| {
                let rank = field(&format!("rank_{}", index + 1));
                if rank.is_empty() {
                    "-".to_owned()
                } else {
                    rank
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        "approval" => fields
            .iter()
            .filter(|(key, _)| key == "approve")
            .map(|(_, value)| value.trim().to_owned())
            .collect::<Vec<_>>()
            .join(","),
        _ => field("choice"),
    };
    let Some(vote) = parse_choice(&ballot.fields.method, labels.len(), &choice) else {
        let error = format!("{}: {}", m.d.your_vote, m.d.required);
        return ballot_page(
            &state,
            &viewer,
            assembly_id,
            ballot_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![error],
            String::new(),
            None,
        )
        .await;
    };
    // The vote must be countable before it is stored (e.g. no more approvals than allowed).
    if let Ok(ballot_spec) = ballot_of(&ballot)
        && let Err(error) = ballots::tally(&ballot_spec, &[with_labels(vote, &labels)])
    {
        let error = format!("{}: {error}", m.d.your_vote);
        return ballot_page(
            &state,
            &viewer,
            assembly_id,
            ballot_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![error],
            String::new(),
            None,
        )
        .await;
    }
    // The choice is sealed under the server secret until the ballot closes (see docs/ballots.md).
    let seal = state.config.secret.ballot_seal();
    let now = now();
    let mut tx = state.store.begin().await?;
    match store::ballot_box::cast_vote(&mut tx, ballot_id, account_id, &choice, &seal).await? {
        Ok(()) => {
            // Logged without the member: the voters table already says who voted, and an entry naming the member
            // in the hash-chained log would give the order of voting (see docs/ballots.md).
            audit(
                &mut tx,
                None,
                "ballot.vote",
                &format!("ballot:{ballot_id}"),
                &json!({ "ballot_id": ballot_id }),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/ballots/{ballot_id}?voted=1"
            ))
            .into_response())
        }
        Err(refusal) => {
            drop(tx);
            let error = match refusal {
                VoteRefusal::NotOpen => m.d.err_not_open,
                VoteRefusal::AlreadyVoted => m.d.err_already_voted,
            };
            ballot_page(
                &state,
                &viewer,
                assembly_id,
                ballot_id,
                StatusCode::CONFLICT,
                vec![error.to_owned()],
                String::new(),
                None,
            )
            .await
        }
    }
}

/// The paper entry form.
#[derive(Debug, Default, Deserialize)]
pub struct PaperForm {
    /// `1` or `2`.
    #[serde(default)]
    pub entry: String,
    /// One `sheet: choice` line per sheet.
    #[serde(default)]
    pub sheets: String,
}

/// `POST .../ballots/{ballot_id}/paper`: one of two independent entries of the paper sheets.
pub async fn enter_paper(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
    Form(form): Form<PaperForm>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let account_id = viewer.account_id()?;
    let mut connection = state.store.connection().await?;
    let ballot = store::ballot_box::get(&mut connection, assembly_id, ballot_id).await?;
    drop(connection);
    let entry = match form.entry.trim() {
        "1" => 1,
        "2" => 2,
        _ => {
            let error = format!("{}: {}", m.d.entry_label, m.d.required);
            return ballot_page(
                &state,
                &viewer,
                assembly_id,
                ballot_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![error],
                form.sheets,
                None,
            )
            .await;
        }
    };
    let sheets = match parse_paper(&ballot, &form.sheets, m) {
        Ok(sheets) if !sheets.is_empty() => sheets,
        Ok(_) => {
            let error = format!("{}: {}", m.d.sheets_label, m.d.required);
            return ballot_page(
                &state,
                &viewer,
                assembly_id,
                ballot_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![error],
                form.sheets,
                None,
            )
            .await;
        }
        Err(error) => {
            return ballot_page(
                &state,
                &viewer,
                assembly_id,
                ballot_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![error],
                form.sheets,
                None,
            )
            .await;
        }
    };
    let now = now();
    let mut tx = state.store.begin().await?;
    match store::ballot_box::save_paper_entry(
        &mut tx,
        ballot_id,
        entry,
        account_id,
        form.sheets.trim(),
        now,
    )
    .await?
    {
        Ok(()) => {
            audit(
                &mut tx,
                Some(account_id),
                "ballot.paper_entry",
                &format!("ballot:{ballot_id}"),
                &json!({ "ballot_id": ballot_id, "entry": entry, "sheets": sheets.len() }),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/staff/assemblies/{assembly_id}/ballots/{ballot_id}?entered=1"
            ))
            .into_response())
        }
        Err(refusal) => {
            drop(tx);
            let error = match refusal {
                PaperRefusal::NotOpen => m.d.err_not_open,
                PaperRefusal::SameClerk => m.d.err_same_clerk,
            };
            ballot_page(
                &state,
                &viewer,
                assembly_id,
                ballot_id,
                StatusCode::CONFLICT,
                vec![error.to_owned()],
                form.sheets,
                None,
            )
            .await
        }
    }
}

/// `GET /api/v1/assemblies/{assembly_id}/ballots/{ballot_id}`: a ballot, with its result only once it is closed.
pub async fn api_ballot(
    State(state): State<AppState>,
    Path((assembly_id, ballot_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let ballot = store::ballot_box::get(&mut connection, assembly_id, ballot_id).await?;
    let voters = store::ballot_box::voter_count(&mut connection, ballot_id).await?;
    drop(connection);
    let result = (ballot.status == "closed")
        .then(|| json!({ "text": ballot.result_text, "passed": ballot.passed, "support_bp": ballot.support_bp }));
    Ok(Json(json!({
        "id": ballot.id,
        "assembly_id": ballot.assembly_id,
        "proposal_id": ballot.fields.proposal_id,
        "method": ballot.fields.method,
        "wording": if ballot.final_wording.is_empty() { &ballot.fields.wording } else { &ballot.final_wording },
        "status": ballot.status,
        "opens_after": ballot.fields.opens_after,
        "eligible_members": ballot.fields.eligible_members,
        "voters_online": voters,
        "result": result,
    }))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// The final report.

/// The public final report.
#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly.
    pub a: crate::views::AssemblyView,
    /// Every recommendation.
    pub recommendations: Vec<RecommendationView>,
    /// The audit log's anchor when the report was produced, as `/audit/anchor` gives it (JSON).
    pub anchor: String,
}

/// `GET /assemblies/{assembly_id}/report`: every recommendation with its support and minority report; printable.
pub async fn report(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let recommendations = store::recommendations::list(&mut connection, assembly_id).await?;
    drop(connection);
    // The printed report fixes the audit log's state: a later rewrite or cut of the log no longer holds this anchor.
    let anchor = crate::public::audit_anchor_json(&state).await?;
    let page = ReportPage {
        anchor,
        c: Chrome::new(&viewer, m.d.report_title.replace("{title}", &record.title)),
        a: crate::views::AssemblyView::new(&record, m),
        recommendations: recommendations
            .iter()
            .map(|row| recommendation_view(row, m))
            .collect(),
    };
    render(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_read_as_typed_on_paper_and_refuse_what_does_not_fit() {
        assert_eq!(
            parse_choice("yes_no", 0, " Yes "),
            Some(Vote::YesNo(YesNoChoice::Yes))
        );
        assert_eq!(parse_choice("yes_no", 0, "maybe"), None);
        assert_eq!(
            parse_choice("agreement", 0, "4"),
            Some(Vote::Agreement(AgreementAnswer::Level(4)))
        );
        assert_eq!(parse_choice("agreement", 0, "6"), None);
        assert_eq!(
            parse_choice("ranking", 3, "2, -, 1"),
            Some(Vote::Ranking(vec![
                ("0".to_owned(), 2),
                ("2".to_owned(), 1)
            ]))
        );
        assert_eq!(
            parse_choice("ranking", 3, "1,2"),
            None,
            "a rank for every option, or a dash"
        );
        assert_eq!(parse_choice("ranking", 3, "1,2,4"), None);
        assert_eq!(
            parse_choice("approval", 3, "3,1"),
            Some(Vote::Approval(vec!["0".to_owned(), "2".to_owned()]))
        );
        assert_eq!(
            parse_choice("approval", 3, ""),
            Some(Vote::Approval(Vec::new()))
        );
        assert_eq!(parse_choice("approval", 3, "1,1"), None);
        assert_eq!(parse_choice("approval", 3, "4"), None);
    }

    #[test]
    fn pass_rules_are_exact_thresholds() {
        assert_eq!(
            threshold("more_than 1/2"),
            Some(Threshold::simple_majority())
        );
        assert_eq!(
            threshold("at_least 2/3").map(|t| t.to_string()),
            Some("at least 2/3".to_owned())
        );
        assert_eq!(threshold(""), None);
        assert_eq!(threshold("about 1/2"), None);
    }
}
