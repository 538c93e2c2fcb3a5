//! One page of an assembly's recommendations with what became of them (issue 18, item 5): the page's
//! recommendations from the store's `LIMIT`/`OFFSET`, then their responses, judgements and milestones for those ids
//! only, so a page costs four queries and reads what it shows whatever the number of recommendations.

use sqlx::{AnyConnection, Row};

use super::{MilestoneRow, Tracked, code, fidelity_from_row, response_from_row};
use crate::StoreError;
use crate::recommendations::RecommendationFilter;
use domain::impact::Instrument;

/// `$first, $first+1, ...` for `n` bound values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One page of the recommendations matching `filter` ([`crate::recommendations::list_page`]), each with its response,
/// fidelity judgement and milestones, and how many match in all.
pub async fn tracked_page(
    conn: &mut AnyConnection,
    assembly_id: i64,
    filter: &RecommendationFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Tracked>, i64), StoreError> {
    let (recommendations, total) =
        crate::recommendations::list_page(&mut *conn, assembly_id, filter, limit, offset).await?;
    let mut tracked: Vec<Tracked> = recommendations
        .into_iter()
        .map(|recommendation| Tracked {
            recommendation,
            response: None,
            fidelity: None,
            milestones: Vec::new(),
        })
        .collect();
    if tracked.is_empty() {
        return Ok((tracked, total));
    }
    let ids: Vec<i64> = tracked.iter().map(|item| item.recommendation.id).collect();
    let index: std::collections::HashMap<i64, usize> = ids
        .iter()
        .enumerate()
        .map(|(position, id)| (*id, position))
        .collect();
    let among = placeholders(1, ids.len());
    let sql = format!(
        "SELECT recommendation_id, kind, justification, source_url, responded_on, recorded_by, on_behalf
         FROM impact_responses WHERE recommendation_id IN ({among})"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in &ids {
        query = query.bind(*id);
    }
    for row in &query.fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get("recommendation_id")?;
        if let Some(&position) = index.get(&id) {
            tracked[position].response = Some(response_from_row(row)?);
        }
    }
    let sql = format!(
        "SELECT recommendation_id, fidelity, judge, reasons, enacted_text, judged_on
         FROM impact_fidelity WHERE recommendation_id IN ({among})"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in &ids {
        query = query.bind(*id);
    }
    for row in &query.fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get("recommendation_id")?;
        if let Some(&position) = index.get(&id) {
            tracked[position].fidelity = Some(fidelity_from_row(row)?);
        }
    }
    let sql = format!(
        "SELECT recommendation_id, happened_on, kind, description, evidence_url
         FROM impact_milestones WHERE recommendation_id IN ({among}) ORDER BY happened_on, id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in &ids {
        query = query.bind(*id);
    }
    for row in &query.fetch_all(&mut *conn).await? {
        let id: i64 = row.try_get("recommendation_id")?;
        if let Some(&position) = index.get(&id) {
            tracked[position].milestones.push(MilestoneRow {
                happened_on: row.try_get("happened_on")?,
                kind: code(row, "kind", Instrument::parse)?,
                description: row.try_get("description")?,
                evidence_url: row.try_get("evidence_url")?,
            });
        }
    }
    Ok((tracked, total))
}
