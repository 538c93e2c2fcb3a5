//! One page of an assembly's recommendations with what became of them (issue 18, item 5), read from the store a
//! page at a time. Each row's figures (response, fidelity, timeliness) depend on its own recommendation only, so the
//! scorecard of the page gives exactly the rows that the whole scorecard gives for them.

use ::impact::{Date, Scorecard};
use store::impact::Tracked;
use store::recommendations::RecommendationFilter;

use super::tracking::{due_date, to_model};
use crate::{Actor, Error, Result};

/// One page of recommendations with the scorecard rows of the page.
#[derive(Debug)]
pub struct TrackingPage {
    /// The due date of the responses, if a deadline is set.
    pub due: Option<Date>,
    /// The page's recommendations with their response, fidelity and milestones, in the assembly's order.
    pub tracked: Vec<Tracked>,
    /// The scorecard of the page's recommendations as of the day asked for: its rows are in the order of `tracked`
    /// (its totals are the page's, not the assembly's).
    pub scorecard: Scorecard,
    /// How many recommendations match the filter.
    pub matching: i64,
    /// The page shown, from 0 (pages of the list pages; 0 for an API slice).
    pub page: i64,
    /// The themes of the assembly's recommendations (the filter's choices).
    pub themes: Vec<String>,
}

/// The due date and the recommendations `(limit, offset)` matching `filter`, with how many match.
async fn read(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    filter: &RecommendationFilter,
    (limit, offset): (i64, i64),
) -> Result<(Option<Date>, Vec<Tracked>, i64)> {
    let settings = store::impact::settings(&mut *conn, assembly_id).await?;
    let due = due_date(settings.as_ref())?;
    let (tracked, total) =
        store::impact::tracked_page(&mut *conn, assembly_id, filter, limit, offset).await?;
    Ok((due, tracked, total))
}

/// The scorecard of a page's recommendations.
fn scorecard_of(tracked: &[Tracked], due: Option<Date>, as_of: Date) -> Result<Scorecard> {
    let model = to_model(tracked, due)?;
    Scorecard::compute(&model, as_of)
        .map_err(|error| Error::Internal(format!("stored scorecard unreadable: {error}")))
}

/// Page `page` (from 0) of the recommendations matching `filter`, `size` a page (the staff list).
pub async fn tracking_page(
    conn: &mut store::AnyConnection,
    assembly_id: i64,
    filter: &RecommendationFilter,
    page: i64,
    size: i64,
    as_of: Date,
) -> Result<TrackingPage> {
    store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let settings = store::impact::settings(&mut *conn, assembly_id).await?;
    let due = due_date(settings.as_ref())?;
    let shown = crate::page_of!(page, size, |limit, offset| {
        store::impact::tracked_page(&mut *conn, assembly_id, filter, limit, offset).await?
    });
    let themes = store::recommendations::themes(&mut *conn, assembly_id).await?;
    Ok(TrackingPage {
        scorecard: scorecard_of(&shown.items, due, as_of)?,
        due,
        tracked: shown.items,
        matching: shown.total,
        page: shown.page,
        themes,
    })
}

/// The slice `(limit, offset)` of the recommendations as the public may see them (the API's list): `None` while
/// the final report is not published and `actor` is neither a member nor staff, as [`super::public_tracking`].
pub async fn public_tracking_page(
    conn: &mut store::AnyConnection,
    actor: &Actor,
    assembly_id: i64,
    (limit, offset): (i64, i64),
    as_of: Date,
) -> Result<Option<TrackingPage>> {
    // An unknown assembly stays a 404, published or not.
    store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    if !crate::publication::visibility(&mut *conn, actor, assembly_id)
        .await?
        .shown()
    {
        return Ok(None);
    }
    let filter = RecommendationFilter::default();
    let (due, tracked, total) = read(&mut *conn, assembly_id, &filter, (limit, offset)).await?;
    Ok(Some(TrackingPage {
        scorecard: scorecard_of(&tracked, due, as_of)?,
        due,
        tracked,
        matching: total,
        page: 0,
        themes: Vec::new(),
    }))
}
