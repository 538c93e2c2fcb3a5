//! The reads of the impact pages: stored recommendations with what became of them, turned into the pure `impact`
//! model and its scorecard as of a given day (the caller's "today": nothing here reads a clock).

use ::impact::{
    Commitment, Date, Fidelity, FidelityJudgement, Judge, Link, Milestone, MilestoneKind,
    Recommendation, Response, ResponseKind, Scorecard, Support,
};
use domain::impact::{Instrument, JudgedBy, Reply, Verdict};
use domain::permission::{Action, allowed};
use store::impact::{ActionRow, MaterialRow, Settings, Strategy, SurveyCount, Tracked};

use crate::{Actor, Error, Result};

/// An assembly's recommendations, what became of them, and the scorecard they make.
#[derive(Debug)]
pub struct Tracking {
    /// The assembly.
    pub record: store::assemblies::AssemblyRecord,
    /// The deadline, if set.
    pub settings: Option<Settings>,
    /// The due date of the responses, if a deadline is set.
    pub due: Option<Date>,
    /// The stored recommendations with their response, fidelity and milestones, in the assembly's order.
    pub tracked: Vec<Tracked>,
    /// The scorecard as of the day asked for; its rows are in the order of `tracked`.
    pub scorecard: Scorecard,
}

impl Tracking {
    /// Whether the assembly's impact data are made up (a demonstration): public pages say so.
    pub fn illustrative(&self) -> bool {
        self.settings
            .as_ref()
            .is_some_and(|settings| settings.illustrative)
    }
}

fn corrupt(what: &str, error: impl std::fmt::Display) -> Error {
    Error::Internal(format!("stored {what} unreadable: {error}"))
}

/// The due date of an assembly's responses, if a deadline is set.
pub fn due_date(settings: Option<&Settings>) -> Result<Option<Date>> {
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

/// The date used as "due" when no deadline is set: nothing is ever overdue.
fn no_deadline() -> Date {
    Date::from_ymd(9999, 12, 31).expect("a valid date")
}

/// The engine's response kind of a recorded reply.
fn response_kind(reply: Reply) -> ResponseKind {
    match reply {
        Reply::Full => ResponseKind::AcceptedInFull,
        Reply::Modified => ResponseKind::AcceptedWithModifications,
        Reply::Part => ResponseKind::AcceptedInPart,
        Reply::Rejected => ResponseKind::Rejected,
    }
}

/// The engine's fidelity of a recorded verdict.
fn fidelity(verdict: Verdict) -> Fidelity {
    match verdict {
        Verdict::Full => Fidelity::Full,
        Verdict::Diluted => Fidelity::Diluted,
        Verdict::Different => Fidelity::Different,
        Verdict::None => Fidelity::None,
    }
}

fn judge(judged_by: JudgedBy) -> Judge {
    match judged_by {
        JudgedBy::OversightGroup => Judge::OversightGroup,
        JudgedBy::Members => Judge::Members,
    }
}

fn milestone_kind(instrument: Instrument) -> MilestoneKind {
    match instrument {
        Instrument::Bill => MilestoneKind::Bill,
        Instrument::Regulation => MilestoneKind::Regulation,
        Instrument::BudgetLine => MilestoneKind::BudgetLine,
        Instrument::Other => MilestoneKind::Other,
    }
}

/// Turns stored recommendations into the `impact` model. A recommendation without a measured support counts as 0%.
pub fn to_model(tracked: &[Tracked], due: Option<Date>) -> Result<Vec<Recommendation>> {
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
                let source = Link::parse(&response.source_url).map_err(|e| corrupt("link", e))?;
                let date = Date::parse(&response.responded_on).map_err(|e| corrupt("date", e))?;
                model = model.with_response(
                    Response::new(
                        response_kind(response.kind),
                        &response.justification,
                        source,
                        date,
                    )
                    .map_err(|e| corrupt("response", e))?,
                );
            }
            if let Some(judgement) = &item.fidelity {
                let date = Date::parse(&judgement.judged_on).map_err(|e| corrupt("date", e))?;
                model = model.with_fidelity(
                    FidelityJudgement::new(
                        fidelity(judgement.fidelity),
                        judge(judgement.judge),
                        &judgement.reasons,
                        date,
                    )
                    .map_err(|e| corrupt("fidelity", e))?
                    .with_enacted_text(&judgement.enacted_text),
                );
            }
            for milestone in &item.milestones {
                model = model.with_milestone(
                    Milestone::new(
                        Date::parse(&milestone.happened_on).map_err(|e| corrupt("date", e))?,
                        &milestone.description,
                        Link::parse(&milestone.evidence_url).map_err(|e| corrupt("link", e))?,
                        milestone_kind(milestone.kind),
                    )
                    .map_err(|e| corrupt("milestone", e))?,
                );
            }
            Ok(model)
        })
        .collect()
}

/// An assembly's recommendations and its scorecard as of `as_of`.
pub async fn tracking(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    as_of: Date,
) -> Result<Tracking> {
    let record = store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let settings = store::impact::settings(&mut *conn, assembly_id).await?;
    let tracked = store::impact::tracked(&mut *conn, assembly_id).await?;
    let due = due_date(settings.as_ref())?;
    let model = to_model(&tracked, due)?;
    let scorecard = Scorecard::compute(&model, as_of).map_err(|e| corrupt("scorecard", e))?;
    Ok(Tracking {
        record,
        settings,
        due,
        tracked,
        scorecard,
    })
}

/// An assembly's tracking as the public pages and exports may show it to `actor` (issue 18, item 7): `None` while
/// the final report is not published and `actor` is neither a member nor staff, so no public page, export or API
/// reads a recommendation before it is published.
pub async fn public_tracking(
    conn: &mut store::AnyConnection,
    actor: &Actor,
    assembly_id: i64,
    as_of: Date,
) -> Result<Option<Tracking>> {
    // An unknown assembly stays a 404, published or not.
    store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    if !crate::publication::visibility(&mut *conn, actor, assembly_id)
        .await?
        .shown()
    {
        return Ok(None);
    }
    Ok(Some(tracking(conn, assembly_id, as_of).await?))
}

/// Whether `account_id` (if any) opted in to the follow-up of the assembly.
pub async fn is_advocate(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    account_id: Option<i64>,
) -> Result<bool> {
    match account_id {
        Some(account_id) => Ok(store::impact::is_advocate(conn, assembly_id, account_id).await?),
        None => Ok(false),
    }
}

/// The references already used in an assembly (an import refuses them).
pub async fn references(conn: &mut store::AnyConnection, assembly_id: i64) -> Result<Vec<String>> {
    Ok(store::recommendations::list(conn, assembly_id)
        .await?
        .into_iter()
        .map(|row| row.fields.reference)
        .collect())
}

/// One recommendation with everything its page shows.
#[derive(Debug)]
pub struct RecommendationPage {
    /// The assembly's tracking (the recommendation is `tracking.tracked[position]`).
    pub tracking: Tracking,
    /// Where the recommendation is in `tracking.tracked` and in the scorecard's rows.
    pub position: usize,
    /// Its change strategy (empty for an actor who may not see it).
    pub strategy: Strategy,
    /// The members' actions for it (empty for an actor who may not see the strategy).
    pub actions: Vec<ActionRow>,
    /// Its advocacy material.
    pub material: Vec<MaterialRow>,
    /// The history of its records, newest first (tactics' only for an actor who may see the strategy).
    pub history: Vec<store::impact::HistoryRow>,
}

impl RecommendationPage {
    /// The recommendation with what became of it.
    pub fn item(&self) -> &Tracked {
        &self.tracking.tracked[self.position]
    }

    /// Its row of the scorecard.
    pub fn row(&self) -> &::impact::Row {
        &self.tracking.scorecard.rows()[self.position]
    }
}

/// One recommendation of an assembly as `actor` may see it: the change strategy and the members' actions are
/// working material, read only by [`Action::ViewStrategy`] roles. [`Error::NotFound`] when it is not the assembly's.
pub async fn recommendation(
    conn: &mut store::AnyConnection,
    actor: &Actor,
    assembly_id: i64,
    recommendation_id: i64,
    as_of: Date,
) -> Result<RecommendationPage> {
    let tracking = tracking(&mut *conn, assembly_id, as_of).await?;
    let position = tracking
        .tracked
        .iter()
        .position(|item| item.recommendation.id == recommendation_id)
        .ok_or(Error::NotFound)?;
    let (strategy, actions) = if allowed(actor.role, Action::ViewStrategy) {
        (
            store::impact::strategy(&mut *conn, assembly_id, recommendation_id).await?,
            store::impact::actions(&mut *conn, assembly_id, recommendation_id).await?,
        )
    } else {
        (Strategy::default(), Vec::new())
    };
    let material = store::impact::material(&mut *conn, assembly_id, recommendation_id).await?;
    let history = super::history(&mut *conn, actor, assembly_id, recommendation_id).await?;
    Ok(RecommendationPage {
        tracking,
        position,
        strategy,
        actions,
        material,
        history,
    })
}

/// Everything the public evaluation report shows: aggregates and public documents only.
#[derive(Debug)]
pub struct Evaluation {
    /// The recommendations and the scorecard.
    pub tracking: Tracking,
    /// The survey counts.
    pub counts: Vec<SurveyCount>,
    /// The approved comments on the design of the process.
    pub comments: Vec<store::comments::CommentRow>,
    /// How many members opted in to the follow-up.
    pub advocates: i64,
    /// How many advocacy actions were logged.
    pub actions: i64,
}

/// The evaluation report of an assembly as of `as_of`.
pub async fn evaluation(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    as_of: Date,
) -> Result<Evaluation> {
    let tracking = tracking(&mut *conn, assembly_id, as_of).await?;
    let counts = store::impact::survey_results(&mut *conn, assembly_id).await?;
    let comments = store::comments::comments_with_status(
        &mut *conn,
        assembly_id,
        domain::assembly::CommentStatus::Approved,
    )
    .await?;
    let advocates = store::impact::count_advocates(&mut *conn, assembly_id).await?;
    let actions = store::impact::count_actions(&mut *conn, assembly_id).await?;
    Ok(Evaluation {
        tracking,
        counts,
        comments,
        advocates,
        actions,
    })
}
