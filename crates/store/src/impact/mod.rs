//! Impact and accountability: the authority's deadline, responses, implementation milestones, fidelity
//! judgements, the change strategy (tactics, allies, power map), members as advocates and the evaluation surveys.
//!
//! Everything hangs off a row of `recommendations` (migration 0003). Every function that takes an assembly and a
//! recommendation checks that the recommendation belongs to the assembly ([`StoreError::NotFound`] otherwise), so a
//! handler guarded for one assembly cannot write to another's recommendations.
//! Codes are typed ([`domain::impact`]: [`Reply`], [`Verdict`], [`TacticKind`], ...) and stored as their stable
//! identifiers (`full`, `diluted`, ...); the migration's CHECK constraints refuse anything else, and reading back an
//! identifier that is not known is a [`StoreError::Corrupt`], never a default.
//! Dates of the world (a response, a milestone) are `YYYY-MM-DD` text; times of the platform are unix seconds.

use domain::error::ValidationError;
use domain::impact::{Instrument, JudgedBy, Reply, Verdict};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

// Editing and removing records, and their history (issue 18, item 8).
mod edits;
mod history;
mod page;
mod strategy;
mod surveys;

pub use edits::{
    Key, Versioned, milestone, remove_fidelity, remove_milestone, remove_response, remove_tactic,
    replace_fidelity, replace_response, tactic, update_milestone, update_tactic, version,
};
pub use history::{HistoryRow, NewChange, history, record_change};
pub use page::tracked_page;

pub use strategy::{
    ActionRow, ActorRow, AllyRow, MaterialRow, Strategy, TacticRow, actions, add_action, add_actor,
    add_ally, add_material, add_tactic, count_actions, count_advocates, is_advocate, material,
    set_advocate, strategy,
};
pub use surveys::{SurveyCount, has_taken, record_survey, survey_results};

/// Reads the stored identifier in `column` with `parse`; an unknown one is [`StoreError::Corrupt`] (identifiers are
/// not personal data, so the error names it).
fn code<T>(
    row: &sqlx::any::AnyRow,
    column: &str,
    parse: fn(&str, &str) -> Result<T, ValidationError>,
) -> Result<T, StoreError> {
    let raw: String = row.try_get(column)?;
    parse(column, &raw).map_err(|_| StoreError::Corrupt(format!("{column} {raw:?}")))
}

async fn ensure_recommendation(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
) -> Result<(), StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM recommendations WHERE assembly_id = $1 AND id = $2")
            .bind(assembly_id)
            .bind(recommendation_id)
            .fetch_optional(conn)
            .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// The authority's deadline for an assembly: respond within `response_weeks` of the final report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The date of the final report, `YYYY-MM-DD`.
    pub final_report_on: String,
    /// The weeks the authority committed to respond within (1 to 260).
    pub response_weeks: i64,
    /// Whether the assembly's impact data are made up (a demonstration, a training exercise).
    pub illustrative: bool,
}

/// The deadline of an assembly, if set.
pub async fn settings(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Option<Settings>, StoreError> {
    let row = sqlx::query(
        "SELECT final_report_on, response_weeks, illustrative FROM impact_settings WHERE assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Settings {
            final_report_on: row.try_get("final_report_on")?,
            response_weeks: row.try_get("response_weeks")?,
            illustrative: row.try_get::<i64, _>("illustrative")? == 1,
        })
    })
    .transpose()
}

/// Sets (or replaces) the deadline of an assembly.
pub async fn set_settings(
    conn: &mut AnyConnection,
    assembly_id: i64,
    settings: &Settings,
    now: i64,
) -> Result<(), StoreError> {
    if !crate::assemblies::assembly_exists(&mut *conn, assembly_id).await? {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "INSERT INTO impact_settings (assembly_id, final_report_on, response_weeks, illustrative, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (assembly_id) DO UPDATE SET final_report_on = excluded.final_report_on,
             response_weeks = excluded.response_weeks, illustrative = excluded.illustrative,
             updated_at = excluded.updated_at",
    )
    .bind(assembly_id)
    .bind(&settings.final_report_on)
    .bind(settings.response_weeks)
    .bind(i64::from(settings.illustrative))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The authority's response to a recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRow {
    /// What the authority replied.
    pub kind: Reply,
    /// Why the authority answered so.
    pub justification: String,
    /// The link to the source document.
    pub source_url: String,
    /// The date of the response, `YYYY-MM-DD`.
    pub responded_on: String,
    /// Who typed it in.
    pub recorded_by: Option<i64>,
    /// Whether an organiser entered it on the authority's behalf.
    pub on_behalf: bool,
}

/// Records the response to a recommendation, replacing an earlier one; returns the earlier one (for the audit log).
/// See [`replace_response`] for its version.
pub async fn set_response(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    response: &ResponseRow,
    now: i64,
) -> Result<Option<ResponseRow>, StoreError> {
    let (before, _) = replace_response(conn, assembly_id, recommendation_id, response, now).await?;
    Ok(before.map(|before| before.row))
}

fn response_from_row(row: &sqlx::any::AnyRow) -> Result<ResponseRow, StoreError> {
    Ok(ResponseRow {
        kind: code(row, "kind", Reply::parse)?,
        justification: row.try_get("justification")?,
        source_url: row.try_get("source_url")?,
        responded_on: row.try_get("responded_on")?,
        recorded_by: row.try_get("recorded_by")?,
        on_behalf: row.try_get::<i64, _>("on_behalf")? == 1,
    })
}

/// An implementation milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneRow {
    /// The date, `YYYY-MM-DD`.
    pub happened_on: String,
    /// What it records.
    pub kind: Instrument,
    /// What happened.
    pub description: String,
    /// The evidence.
    pub evidence_url: String,
}

/// Adds a milestone to a recommendation and returns its id.
pub async fn add_milestone(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    milestone: &MilestoneRow,
    recorded_by: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    ensure_recommendation(&mut *conn, assembly_id, recommendation_id).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO impact_milestones (recommendation_id, happened_on, kind, description, evidence_url, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(recommendation_id)
    .bind(&milestone.happened_on)
    .bind(milestone.kind.as_str())
    .bind(&milestone.description)
    .bind(&milestone.evidence_url)
    .bind(recorded_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A fidelity judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FidelityRow {
    /// The verdict.
    pub fidelity: Verdict,
    /// Who judged.
    pub judge: JudgedBy,
    /// The reasons.
    pub reasons: String,
    /// The enacted text (or extract), shown beside the recommended text.
    pub enacted_text: String,
    /// The date of the judgement, `YYYY-MM-DD`.
    pub judged_on: String,
}

/// Records the fidelity judgement of a recommendation, replacing an earlier one; returns the earlier one.
/// See [`replace_fidelity`] for its version.
pub async fn set_fidelity(
    conn: &mut AnyConnection,
    assembly_id: i64,
    recommendation_id: i64,
    judgement: &FidelityRow,
    recorded_by: Option<i64>,
    now: i64,
) -> Result<Option<FidelityRow>, StoreError> {
    let (before, _) = replace_fidelity(
        conn,
        assembly_id,
        recommendation_id,
        judgement,
        recorded_by,
        now,
    )
    .await?;
    Ok(before.map(|before| before.row))
}

fn fidelity_from_row(row: &sqlx::any::AnyRow) -> Result<FidelityRow, StoreError> {
    Ok(FidelityRow {
        fidelity: code(row, "fidelity", Verdict::parse)?,
        judge: code(row, "judge", JudgedBy::parse)?,
        reasons: row.try_get("reasons")?,
        enacted_text: row.try_get("enacted_text")?,
        judged_on: row.try_get("judged_on")?,
    })
}

/// A recommendation with what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    /// The recommendation.
    pub recommendation: crate::recommendations::RecommendationRow,
    /// The authority's response, if any.
    pub response: Option<ResponseRow>,
    /// The fidelity judgement, if any.
    pub fidelity: Option<FidelityRow>,
    /// The milestones, in date order.
    pub milestones: Vec<MilestoneRow>,
    /// The version of the response, if any.
    pub response_version: Option<i64>,
    /// The version of the fidelity judgement, if any.
    pub fidelity_version: Option<i64>,
    /// The id and version of each milestone, in the order of `milestones`.
    pub milestone_keys: Vec<Key>,
}

/// Every recommendation of an assembly with its response, fidelity and milestones, in the assembly's order.
/// Four queries whatever the number of recommendations.
pub async fn tracked(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<Tracked>, StoreError> {
    let recommendations = crate::recommendations::list(&mut *conn, assembly_id).await?;
    attach(conn, recommendations, Among::Assembly(assembly_id)).await
}

/// Whose responses, judgements and milestones [`attach`] reads: a whole assembly's, or those of some recommendations
/// (a page of them).
pub(super) enum Among<'a> {
    Assembly(i64),
    Recommendations(&'a [i64]),
}

impl Among<'_> {
    /// The condition on `x.recommendation_id` (and `r`, the recommendation joined), with its values from `$1`.
    fn condition(&self) -> String {
        match self {
            Among::Assembly(_) => "r.assembly_id = $1".to_owned(),
            Among::Recommendations(ids) => {
                let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                format!("x.recommendation_id IN ({})", marks.join(", "))
            }
        }
    }

    /// The rows of `select` (columns of `x`, the table `from`) that this names, in `order`.
    async fn rows(
        &self,
        conn: &mut AnyConnection,
        select: &str,
        from: &str,
        order: &str,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let sql = format!(
            "SELECT x.recommendation_id, {select} FROM {from} x JOIN recommendations r ON r.id = x.recommendation_id
             WHERE {} {order}",
            self.condition()
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        match self {
            Among::Assembly(assembly_id) => query = query.bind(*assembly_id),
            Among::Recommendations(ids) => {
                for id in ids.iter() {
                    query = query.bind(*id);
                }
            }
        }
        Ok(query.fetch_all(&mut *conn).await?)
    }
}

/// The recommendations with their response, fidelity judgement and milestones (three queries, read for `among`).
pub(super) async fn attach(
    conn: &mut AnyConnection,
    recommendations: Vec<crate::recommendations::RecommendationRow>,
    among: Among<'_>,
) -> Result<Vec<Tracked>, StoreError> {
    let mut tracked: Vec<Tracked> = recommendations
        .into_iter()
        .map(|recommendation| Tracked {
            recommendation,
            response: None,
            fidelity: None,
            milestones: Vec::new(),
            response_version: None,
            fidelity_version: None,
            milestone_keys: Vec::new(),
        })
        .collect();
    if tracked.is_empty() {
        return Ok(tracked);
    }
    let index: std::collections::HashMap<i64, usize> = tracked
        .iter()
        .enumerate()
        .map(|(position, item)| (item.recommendation.id, position))
        .collect();
    let rows = among
        .rows(
            conn,
            "x.kind, x.justification, x.source_url, x.responded_on, x.recorded_by, x.on_behalf, x.version",
            "impact_responses",
            "",
        )
        .await?;
    for row in &rows {
        let id: i64 = row.try_get("recommendation_id")?;
        if let Some(&position) = index.get(&id) {
            tracked[position].response = Some(response_from_row(row)?);
            tracked[position].response_version = Some(row.try_get("version")?);
        }
    }
    let rows = among
        .rows(
            conn,
            "x.fidelity, x.judge, x.reasons, x.enacted_text, x.judged_on, x.version",
            "impact_fidelity",
            "",
        )
        .await?;
    for row in &rows {
        let id: i64 = row.try_get("recommendation_id")?;
        if let Some(&position) = index.get(&id) {
            tracked[position].fidelity = Some(fidelity_from_row(row)?);
            tracked[position].fidelity_version = Some(row.try_get("version")?);
        }
    }
    let rows = among
        .rows(
            conn,
            "x.happened_on, x.kind, x.description, x.evidence_url, x.id, x.version",
            "impact_milestones",
            "ORDER BY x.happened_on, x.id",
        )
        .await?;
    for row in &rows {
        let id: i64 = row.try_get("recommendation_id")?;
        if let Some(&position) = index.get(&id) {
            tracked[position].milestones.push(MilestoneRow {
                happened_on: row.try_get("happened_on")?,
                kind: code(row, "kind", Instrument::parse)?,
                description: row.try_get("description")?,
                evidence_url: row.try_get("evidence_url")?,
            });
            tracked[position].milestone_keys.push(Key {
                id: row.try_get("id")?,
                version: row.try_get("version")?,
            });
        }
    }
    Ok(tracked)
}
