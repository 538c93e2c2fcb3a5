//! Numbers drawn physically in public for the invitation lottery (issue 18, item 8; migration 0030): a draw whose
//! seed is `number:N` has a row saying who entered the number and when. The panel draw's numbers are kept with its
//! runs (`store::selection::record_public_number`); both are read as [`PublicNumber`].

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use crate::StoreError;
use crate::selection::PublicNumber;

/// Records that a draw's seed is a number drawn in public, entered by `account_id` at `now`.
pub async fn record(
    conn: &mut AnyConnection,
    draw_id: i64,
    number: i64,
    account_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO invitation_public_numbers (draw_id, number, entered_by, entered_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(draw_id)
    .bind(number)
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The numbers drawn in public of an assembly's invitation draws, by draw id.
pub async fn of_assembly(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<HashMap<i64, PublicNumber>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.draw_id, p.number, p.entered_by, a.display_name, p.entered_at FROM invitation_public_numbers p
         JOIN invitation_draws d ON d.id = p.draw_id LEFT JOIN accounts a ON a.id = p.entered_by
         WHERE d.assembly_id = $1",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("draw_id")?, PublicNumber::from_row(row)?)))
        .collect()
}
