//! The panel as drawn and its replacements: everyone a final or replacement run drew (with their status now, for
//! the organisers' panel page) and the history of who replaced whom, by which run and seed.

use domain::respondent::Status;
use sqlx::{AnyConnection, Row};

use super::respondent_status;
use crate::StoreError;

/// A person drawn onto the panel by a final or replacement run (not one carried over as already selected), with their
/// status now. Personal data: organisers only.
#[derive(Clone, PartialEq, Eq)]
pub struct PanelPerson {
    /// The respondent.
    pub respondent_id: i64,
    /// Their public id in the run that drew them.
    pub public_id: String,
    /// The run that drew them.
    pub run_id: i64,
    /// Their status now.
    pub status: Status,
    /// Their name (personal data).
    pub full_name: String,
    /// Their answers, JSON (personal data).
    pub features_json: String,
}

impl std::fmt::Debug for PanelPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PanelPerson")
            .field("respondent_id", &self.respondent_id)
            .field("public_id", &self.public_id)
            .field("run_id", &self.run_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Everyone ever drawn onto the panel of an assembly, by the final run and then by each replacement run (finished
/// runs only), in the order drawn: the panel as it stands is those still `selected` or `confirmed`.
pub async fn panel(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<PanelPerson>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.respondent_id, p.public_id, p.run_id, r.status, r.full_name, r.features_json
         FROM selection_run_people p
         JOIN selection_runs s ON s.id = p.run_id
         JOIN respondents r ON r.id = p.respondent_id
         WHERE s.assembly_id = $1 AND s.kind IN ('final', 'replacement') AND s.status = 'done' AND p.selected = 1 AND p.already = 0
         ORDER BY p.run_id, p.position",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PanelPerson {
                respondent_id: row.try_get("respondent_id")?,
                public_id: row.try_get("public_id")?,
                run_id: row.try_get("run_id")?,
                status: respondent_status(row.try_get::<String, _>("status")?.as_str())?,
                full_name: row.try_get("full_name")?,
                features_json: row.try_get("features_json")?,
            })
        })
        .collect()
}

/// One replacement: who dropped out, who replaced them (none if the run found no one), which run and seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementRow {
    /// The id.
    pub id: i64,
    /// The replacement run.
    pub run_id: i64,
    /// Who dropped out.
    pub dropped_respondent_id: i64,
    /// Who took the seat.
    pub replacement_respondent_id: Option<i64>,
    /// The seed of the run.
    pub seed: String,
    /// When.
    pub created_at: i64,
}

/// Records a replacement.
pub async fn add_replacement(
    conn: &mut AnyConnection,
    assembly_id: i64,
    run_id: i64,
    dropped: i64,
    replacement: Option<i64>,
    seed: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO replacements (assembly_id, run_id, dropped_respondent_id, replacement_respondent_id, seed, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(assembly_id)
    .bind(run_id)
    .bind(dropped)
    .bind(replacement)
    .bind(seed)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The replacement history of an assembly, oldest first.
pub async fn replacements(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<ReplacementRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, run_id, dropped_respondent_id, replacement_respondent_id, seed, created_at FROM replacements
         WHERE assembly_id = $1 ORDER BY id",
    )
    .bind(assembly_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ReplacementRow {
                id: row.try_get("id")?,
                run_id: row.try_get("run_id")?,
                dropped_respondent_id: row.try_get("dropped_respondent_id")?,
                replacement_respondent_id: row.try_get("replacement_respondent_id")?,
                seed: row.try_get("seed")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}
