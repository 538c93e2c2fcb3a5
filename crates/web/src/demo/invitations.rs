//! The demo's invitation lottery: six invitations drawn for the climate convention from a made-up address list.

use store::Store;

use crate::error::AppError;

/// The fictitious address list of the demo's invitation lottery (made-up streets, no real household).
pub const DEMO_ADDRESSES: &str = "id,address,area
1,1 Rue des Tilleuls,Centre
2,2 Rue des Tilleuls,Centre
3,5 Place du Marché,Centre
4,7 Place du Marché,Centre
5,3 Chemin des Vignes,Nord
6,8 Chemin des Vignes,Nord
7,12 Allée des Cerisiers,Nord
8,4 Route du Lac,Sud
9,9 Route du Lac,Sud
10,15 Impasse des Moulins,Sud
";

/// The published seed of the demo's draw.
pub const DEMO_SEED: &str = "demo lottery 2026-01-15";

/// Draws six invitations for the climate assembly (two people per household), once.
pub(super) async fn seed_invitations(store: &Store, organiser_id: i64) -> Result<(), AppError> {
    let Some(climate_id) = super::climate_id(store).await? else {
        return Ok(());
    };
    let mut connection = store.connection().await?;
    if !store::recruitment::draws(&mut connection, climate_id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    drop(connection);
    let list = recruitment::addresses::parse_addresses(
        DEMO_ADDRESSES.as_bytes(),
        &recruitment::addresses::AddressConfig::default(),
    )
    .map_err(AppError::internal)?;
    let config = recruitment::draw::DrawConfig {
        seed: DEMO_SEED.to_owned(),
        invitations: 6,
        weights: Vec::new(),
    };
    let outcome = recruitment::draw::draw(&list, &config).map_err(AppError::internal)?;
    crate::recruitment::save_draw(
        store,
        Some(organiser_id),
        climate_id,
        &list,
        &outcome,
        &config,
        2,
    )
    .await?;
    Ok(())
}
