//! The demo's impact data: the demo Citizens' Convention for Climate gets 149 illustrative recommendations with
//! the authority's responses, milestones and fidelity judgements ([`app::impact::seed_demo`] says how), marked
//! illustrative so its public pages say so.

use store::Store;

use crate::error::AppError;
use crate::now;

/// Seeds the climate convention's impact data once (skipped when its deadline is already set), and gives the demo
/// authority account its role there; `climate_id` is the demo's climate convention, if it exists.
pub async fn seed(
    store: &Store,
    authority_account_id: i64,
    climate_id: Option<i64>,
) -> Result<(), AppError> {
    let Some(climate_id) = climate_id else {
        return Ok(());
    };
    let mut tx = store.begin().await?;
    if app::impact::seed_demo(&mut tx, climate_id, authority_account_id, now()).await? {
        tx.commit().await?;
    }
    Ok(())
}
