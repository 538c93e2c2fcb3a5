//! One page of an assembly's recommendations with what became of them (issue 18, item 5): the page's
//! recommendations from the store's `LIMIT`/`OFFSET`, then their responses, judgements and milestones for those ids
//! only, so a page costs four queries and reads what it shows whatever the number of recommendations.

use sqlx::AnyConnection;

use super::{Among, Tracked, attach};
use crate::StoreError;
use crate::recommendations::RecommendationFilter;

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
    let ids: Vec<i64> = recommendations.iter().map(|item| item.id).collect();
    let tracked = attach(conn, recommendations, Among::Recommendations(&ids)).await?;
    Ok((tracked, total))
}
