//! The evaluation surveys: members answer a before and an after survey once each, anyone answers the public one.
//! Only per-value counts are kept, and that a member answered is kept apart from what they answered.

use domain::error::{Problem, ValidationError};
use domain::impact::{LIKERT, Survey, SurveyItem};
use serde_json::json;

use super::{Refusal, assembly_entity};
use crate::audit::{Entry, audited};
use crate::{Actor, Error, Result};

/// One answer sheet: a value of 1 to 5 for each statement of the survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyAnswers {
    /// Which survey.
    pub survey: Survey,
    /// (statement, value 1..5), one per statement of the survey.
    pub answers: Vec<(SurveyItem, i64)>,
}

/// Counts an answer sheet. A members' survey is answered by the signed-in actor, once: a second time is
/// [`Refusal::AlreadyAnswered`] and counts nothing. An answer to a statement of another survey, or outside 1 to 5,
/// is [`Error::Invalid`].
pub async fn answer_survey(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    sheet: &SurveyAnswers,
    now: i64,
) -> Result<Result<(), Refusal>> {
    for (item, value) in &sheet.answers {
        if !sheet.survey.items().contains(item) || !LIKERT.contains(value) {
            return Err(Error::Invalid(ValidationError::new(
                item.as_str(),
                Problem::Malformed,
            )));
        }
    }
    let taker = if sheet.survey.is_members() {
        let account_id = actor.account()?;
        if store::impact::has_taken(&mut *tx, assembly_id, sheet.survey, account_id).await? {
            return Ok(Err(Refusal::AlreadyAnswered));
        }
        Some(account_id)
    } else {
        None
    };
    let entity = assembly_entity(assembly_id);
    let counted = audited(tx, actor, "survey.answer", &entity, now, async |tx| {
        store::impact::record_survey(tx, assembly_id, sheet.survey, taker, &sheet.answers).await?;
        Ok(((), Entry::after(json!({ "survey": sheet.survey.as_str() }))))
    })
    .await;
    match counted {
        Ok(()) => Ok(Ok(())),
        // Answered at the same moment in another request: the takers' key refused the second.
        Err(Error::Conflict(_)) if taker.is_some() => Ok(Err(Refusal::AlreadyAnswered)),
        Err(error) => Err(error),
    }
}

/// What a survey page shows besides its questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyStatus {
    /// The assembly's title.
    pub title: String,
    /// The members' surveys the account already answered (none for the public survey or without an account).
    pub answered: Vec<Survey>,
}

/// The survey page of an assembly for `account_id`: the members' surveys it answered when `members`.
pub async fn survey_status(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    members: bool,
    account_id: Option<i64>,
) -> Result<SurveyStatus> {
    let record = store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let mut answered = Vec::new();
    if members && let Some(account_id) = account_id {
        for survey in Survey::MEMBERS {
            if store::impact::has_taken(&mut *conn, assembly_id, survey, account_id).await? {
                answered.push(survey);
            }
        }
    }
    Ok(SurveyStatus {
        title: record.title,
        answered,
    })
}
