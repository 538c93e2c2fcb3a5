//! The evaluation surveys: per-value counts of the answers, and apart from them who answered a members' survey.

use domain::impact::{Survey, SurveyItem};
use sqlx::{AnyConnection, Row};

use super::code;
use crate::StoreError;

/// Records a survey's answers: (item, value 1..5) pairs, added to per-value counts so that no answer sheet can be
/// rebuilt. For a members' survey ([`Survey::is_members`]) `taker` is the account: answering twice is a
/// [`StoreError::Conflict`] and nothing is counted. The public survey takes `None`.
pub async fn record_survey(
    conn: &mut AnyConnection,
    assembly_id: i64,
    survey: Survey,
    taker: Option<i64>,
    answers: &[(SurveyItem, i64)],
) -> Result<(), StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    if let Some(account_id) = taker {
        sqlx::query(
            "INSERT INTO survey_takers (assembly_id, survey, account_id) VALUES ($1, $2, $3)",
        )
        .bind(assembly_id)
        .bind(survey.as_str())
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    }
    for (item, value) in answers {
        sqlx::query(
            "INSERT INTO survey_answers (assembly_id, survey, item, value, count) VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (assembly_id, survey, item, value) DO UPDATE SET count = survey_answers.count + 1",
        )
        .bind(assembly_id)
        .bind(survey.as_str())
        .bind(item.as_str())
        .bind(*value)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Whether an account already answered a members' survey.
pub async fn has_taken(
    conn: &mut AnyConnection,
    assembly_id: i64,
    survey: Survey,
    account_id: i64,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT account_id FROM survey_takers WHERE assembly_id = $1 AND survey = $2 AND account_id = $3",
    )
    .bind(assembly_id)
    .bind(survey.as_str())
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// One count of the survey results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyCount {
    /// The survey.
    pub survey: Survey,
    /// The statement.
    pub item: SurveyItem,
    /// The value, 1..5.
    pub value: i64,
    /// How many answered so.
    pub count: i64,
}

/// Every count of an assembly's surveys.
pub async fn survey_results(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<SurveyCount>, StoreError> {
    sqlx::query(
        "SELECT survey, item, value, count FROM survey_answers WHERE assembly_id = $1 ORDER BY survey, item, value",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(SurveyCount {
            survey: code(row, "survey", Survey::parse)?,
            item: code(row, "item", SurveyItem::parse)?,
            value: row.try_get("value")?,
            count: row.try_get("count")?,
        })
    })
    .collect()
}
