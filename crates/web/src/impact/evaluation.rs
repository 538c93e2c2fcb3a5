//! The public evaluation report (`/assemblies/{id}/evaluation`): the scorecard, the survey charts, the approved
//! comments on the design of the process and the follow-up counts; aggregates only.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::impact::{Survey, SurveyItem};
use store::impact::SurveyCount;

use super::today;
use super::views::{EvaluationPage, figures};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::impact::ImpactMessages;
use crate::views::{Chrome, CommentView, render};

/// `GET /assemblies/{id}/evaluation`: the public evaluation report.
pub async fn evaluation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut connection = state.store.connection().await?;
    let report = app::impact::evaluation(&mut connection, assembly_id, today()).await?;
    // The scorecard shows the recommendations: only once the final report is published (issue 18, item 7).
    let visibility =
        app::publication::visibility(&mut connection, &viewer.actor(), assembly_id).await?;
    drop(connection);
    let p = viewer.lang.t::<crate::i18n::publish::PublishMessages>();
    let page = EvaluationPage {
        c: Chrome::new(&viewer, t.evaluation_title),
        t,
        assembly_id,
        title: report.tracking.record.title.clone(),
        illustrative: report.tracking.illustrative(),
        f: figures(&report.tracking.scorecard, t),
        members_svg: members_chart(&report.counts, t).unwrap_or_default(),
        public_svg: public_chart(&report.counts, t).unwrap_or_default(),
        comments: CommentView::list(&report.comments),
        advocates: report.advocates,
        actions: report.actions,
        scorecard_hidden: (!visibility.shown()).then_some(p.scorecard_unpublished),
    };
    render(StatusCode::OK, &page)
}

/// (agreeing, answers) to a statement of a survey: agreeing is a 4 or a 5.
fn agreement(counts: &[SurveyCount], survey: Survey, item: SurveyItem) -> (u64, u64) {
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
pub fn members_chart(counts: &[SurveyCount], t: &ImpactMessages) -> Option<String> {
    if !counts.iter().any(|c| c.survey.is_members()) {
        return None;
    }
    let groups = SurveyItem::MEMBERS
        .iter()
        .zip(&t.member_items)
        .map(|(item, text)| {
            let (before, before_n) = agreement(counts, Survey::MembersBefore, *item);
            let (after, after_n) = agreement(counts, Survey::MembersAfter, *item);
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
pub fn public_chart(counts: &[SurveyCount], t: &ImpactMessages) -> Option<String> {
    if !counts.iter().any(|c| c.survey == Survey::Public) {
        return None;
    }
    let bars = SurveyItem::PUBLIC
        .iter()
        .zip(&t.public_items)
        .map(|(item, text)| {
            let (agree, n) = agreement(counts, Survey::Public, *item);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn survey_charts_show_the_share_agreeing_before_and_after() {
        let t = Lang::En.t::<ImpactMessages>();
        let count = |survey: Survey, item: SurveyItem, value: i64, count: i64| SurveyCount {
            survey,
            item,
            value,
            count,
        };
        let counts = vec![
            count(Survey::MembersBefore, SurveyItem::Efficacy, 2, 3),
            count(Survey::MembersBefore, SurveyItem::Efficacy, 4, 1),
            count(Survey::MembersAfter, SurveyItem::Efficacy, 5, 3),
            count(Survey::MembersAfter, SurveyItem::Efficacy, 1, 1),
        ];
        assert_eq!(
            agreement(&counts, Survey::MembersBefore, SurveyItem::Efficacy),
            (1, 4)
        );
        assert_eq!(
            agreement(&counts, Survey::MembersAfter, SurveyItem::Efficacy),
            (3, 4)
        );
        let svg = members_chart(&counts, t).unwrap();
        assert!(svg.contains("25%") && svg.contains("75%"), "{svg}");
        assert_eq!(public_chart(&counts, t), None);
    }
}
